//! A first-party app's sign-in and session: `state` and PKCE for the trip through
//! the authorization endpoint, the code exchange through [`Tokens`], and the app's
//! own session token, bound to the single sign-on session.

use std::sync::Arc;

use qeetid_domain::client::{Client, ClientDraft, ClientSettings};
use qeetid_domain::error::{AdminError, StoreError};
use qeetid_domain::id::{SessionId, TenantId, UserId};
use qeetid_domain::oauth::{Claims, CodeExchange, OAuthError, Session, SigningAlg};
use qeetid_domain::pkce::CodeVerifier;
use qeetid_domain::ports::{Store, TokenSigner, random_token};
use qeetid_domain::secret::Secret;
use qeetid_domain::services::AccountHolder;
use qeetid_domain::time::UnixTime;
use qeetid_domain::{Context, Tokens};

use crate::apps::FirstPartyApp;

/// Someone signed in to a first-party app: the domain's account holder.
pub type AppSession = AccountHolder;

/// The first-party apps' sign-in, over the store, the token signer (their session
/// tokens) and the token use cases (the code exchange).
#[derive(Clone)]
pub struct FirstParty<S> {
    store: S,
    cx: Context,
    signer: Arc<dyn TokenSigner>,
    tokens: Tokens<S>,
}

/// Seconds a first-party app's session token lives. When it runs out the app signs
/// in again through the authorization endpoint, silently while the single sign-on
/// session lasts.
pub const FIRST_PARTY_SESSION_SECONDS: i64 = 30 * 60;

/// Why a first-party app refuses someone.
#[derive(Debug, thiserror::Error)]
pub enum FirstPartyError {
    /// No app session, or one that ended (sign in again).
    #[error("not signed in")]
    NotSignedIn,
    /// Signed in, but without a role that reaches this tenant (dashboard only).
    #[error("this account may not manage this tenant")]
    NotAnAdmin,
    /// The code exchange failed (a stale or replayed callback).
    #[error("sign-in failed: {0}")]
    SignIn(#[from] OAuthError),
    /// The use case behind a page refused or failed.
    #[error(transparent)]
    Admin(#[from] AdminError),
}

impl From<StoreError> for FirstPartyError {
    fn from(err: StoreError) -> Self {
        Self::Admin(err.into())
    }
}

/// What an app keeps (in a cookie) between sending the browser to the authorization
/// endpoint and its return.
#[derive(Debug, Clone)]
pub struct SignInFlow {
    /// `state`, compared on return.
    pub state: String,
    /// The PKCE verifier (RFC 7636 §4.1).
    pub verifier: String,
    /// Its S256 challenge, sent with the authorization request.
    pub challenge: String,
}

impl<S: Store> FirstParty<S> {
    /// The apps' sign-in over `store`, signing session tokens with `signer` and
    /// exchanging codes through `tokens`.
    pub fn new(store: S, cx: Context, signer: Arc<dyn TokenSigner>, tokens: Tokens<S>) -> Self {
        Self { store, cx, signer, tokens }
    }

    /// A fresh `state` and PKCE pair for one sign-in.
    pub fn sign_in_flow(&self) -> Result<SignInFlow, AdminError> {
        let verifier = CodeVerifier::parse(&random_token::<32>(self.cx.random()))
            .map_err(|e| AdminError::Internal(Box::new(e)))?;
        Ok(SignInFlow {
            state: random_token::<16>(self.cx.random()),
            challenge: verifier.challenge().as_str().to_owned(),
            verifier: verifier.as_str().to_owned(),
        })
    }

    /// `app`'s client in `tenant`, registered on first use (and its settings brought
    /// back to the built-in ones if the issuer changed, or anything else did).
    pub async fn first_party_client(&self, app: FirstPartyApp, tenant: &TenantId) -> Result<Client, AdminError> {
        self.store.get_tenant(tenant).await?.ok_or(AdminError::NotFound("tenant"))?;
        let id = app.client_id(tenant)?;
        let settings = ClientSettings::validate(ClientDraft {
            name: app.client_name().to_owned(),
            client_type: "public".to_owned(),
            redirect_uris: vec![app.redirect_uri(&self.cx.settings().issuer)],
            grant_types: Some(vec!["authorization_code".to_owned()]),
            scopes: Some(FirstPartyApp::SCOPES.map(str::to_owned).to_vec()),
            ..ClientDraft::default()
        })?;
        let now = self.cx.clock().now();
        match self.store.get_client(tenant, &id).await? {
            Some(client) if client.settings == settings => Ok(client),
            Some(mut client) => {
                client.settings = settings;
                client.updated_at = now;
                self.store.update_client(&client).await?;
                self.cx.forget_client(&id);
                Ok(client)
            }
            None => {
                let client = Client {
                    tenant_policy: Default::default(),
                    id: id.clone(),
                    tenant_id: tenant.clone(),
                    settings,
                    secrets: None,
                    created_at: now,
                    updated_at: now,
                    registration: None,
                };
                match self.store.insert_client(&client).await {
                    Ok(()) => Ok(client),
                    // Another instance registered it first.
                    Err(StoreError::Conflict(_)) => {
                        self.store.get_client(tenant, &id).await?.ok_or(AdminError::NotFound("client"))
                    }
                    Err(other) => Err(other.into()),
                }
            }
        }
    }

    /// Completes a sign-in: exchanges the code as `app`'s client and answers who
    /// signed in and the app's session token for its cookie.
    pub async fn first_party_sign_in(
        &self,
        app: FirstPartyApp,
        client: &Client,
        code: &str,
        redirect_uri: &str,
        code_verifier: &str,
    ) -> Result<(AppSession, String), FirstPartyError> {
        let exchange = CodeExchange {
            code: code.to_owned(),
            redirect_uri: redirect_uri.to_owned(),
            code_verifier: Some(
                CodeVerifier::parse(code_verifier).map_err(|e| OAuthError::InvalidRequest(e.to_string()))?,
            ),
            resource: None,
        };
        let tokens = self.tokens.exchange_code(client, &exchange).await?;
        let claims = self.signer.verify(&tokens.access_token).ok_or(FirstPartyError::NotSignedIn)?;
        let user_id = claims.sub.as_deref().and_then(|s| UserId::parse(s).ok()).ok_or(FirstPartyError::NotSignedIn)?;
        let session_id =
            claims.sid.as_deref().and_then(|s| SessionId::parse(s).ok()).ok_or(FirstPartyError::NotSignedIn)?;
        let user = self.store.get_user(&client.tenant_id, &user_id).await?.ok_or(FirstPartyError::NotSignedIn)?;
        let now = self.cx.clock().now();
        let token_claims = Claims::new()
            .str("iss", self.cx.settings().issuer.as_str())
            .str("aud", format!("{}{}", self.cx.settings().issuer, app.path()))
            .str("sub", user.id.as_str())
            .str("tid", user.tenant_id.as_str())
            .str("sid", session_id.as_str())
            .int("iat", now.as_secs())
            .int("exp", now.plus_secs(FIRST_PARTY_SESSION_SECONDS).as_secs());
        let token = self
            .signer
            .sign(SigningAlg::Es256, app.token_type(), &token_claims)
            .map_err(|e| AdminError::Internal(Box::new(e)))?;
        let auth_time = claims.auth_time.map_or(now, UnixTime::from_secs);
        Ok((AppSession { user, session_id, auth_time }, token))
    }

    /// The tenant someone named on a sign-in form or in a URL: its slug (`acme`, any
    /// case) or its id (`tnt_…`). `None` when it names no tenant. An id is answered
    /// as it is: [`Self::first_party_client`] reads the tenant next and finds it or not.
    pub async fn tenant_named(&self, reference: &str) -> Result<Option<TenantId>, StoreError> {
        match qeetid_domain::tenant_slug::TenantName::parse(reference) {
            Some(qeetid_domain::tenant_slug::TenantName::Id(id)) => Ok(Some(id)),
            Some(qeetid_domain::tenant_slug::TenantName::Slug(slug)) => {
                Ok(self.store.get_tenant_by_slug(&slug).await?.map(|t| t.id))
            }
            None => Ok(None),
        }
    }

    /// The tenant of the browser's live single sign-on session, if it has one: where
    /// an app signs in when no tenant was named.
    pub async fn sso_tenant(&self, sso_cookie: Option<&Secret>) -> Result<Option<TenantId>, StoreError> {
        let Some(cookie) = sso_cookie else { return Ok(None) };
        let now = self.cx.clock().now();
        Ok(self.store.find_session(&cookie.hash()).await?.filter(|s| s.expires_at > now).map(|s| s.tenant_id))
    }

    /// The tenant an `app` session token was made for, even when it has expired or its
    /// session ended: where to sign in again. Only tokens this provider signed count.
    pub fn app_token_tenant(&self, app: FirstPartyApp, token: &str) -> Option<TenantId> {
        let claims = self.signer.verify(token)?;
        let ours = claims.typ == app.token_type() && claims.iss.as_deref() == Some(self.cx.settings().issuer.as_str());
        ours.then(|| claims.tid.as_deref().and_then(|t| TenantId::parse(t).ok())).flatten()
    }

    /// Who an `app` request comes from: the session token must be the app's,
    /// unexpired, and ride on the browser's live single sign-on session; the user
    /// must still exist and not be disabled.
    pub async fn app_session(
        &self,
        app: FirstPartyApp,
        token: &str,
        sso_cookie: Option<&Secret>,
    ) -> Result<(AppSession, Session), FirstPartyError> {
        let now = self.cx.clock().now();
        let claims = self.signer.verify(token).ok_or(FirstPartyError::NotSignedIn)?;
        let audience = format!("{}{}", self.cx.settings().issuer, app.path());
        let ours = claims.typ == app.token_type()
            && claims.iss.as_deref() == Some(self.cx.settings().issuer.as_str())
            && claims.aud.iter().any(|a| a == &audience)
            && claims.exp.is_some_and(|exp| exp > now.as_secs());
        if !ours {
            return Err(FirstPartyError::NotSignedIn);
        }
        let session = match sso_cookie {
            Some(cookie) => self.store.find_session(&cookie.hash()).await?,
            None => None,
        }
        .filter(|s| s.expires_at > now && claims.sid.as_deref() == Some(s.id.as_str()))
        .ok_or(FirstPartyError::NotSignedIn)?;
        let user = self
            .store
            .get_user(&session.tenant_id, &session.user_id)
            .await?
            .filter(|u| u.disabled_at.is_none() && claims.sub.as_deref() == Some(u.id.as_str()))
            .ok_or(FirstPartyError::NotSignedIn)?;
        Ok((AppSession { user, session_id: session.id.clone(), auth_time: session.auth_time }, session))
    }
}
