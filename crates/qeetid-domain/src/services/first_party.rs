//! The deployment's own web apps: the admin dashboard (`/admin`) and the account
//! page (`/account`). Each is an OpenID Connect client of every tenant like any
//! other: a public client with PKCE, registered on first use under an id derived
//! from the tenant's, that signs people in through the hosted login and exchanges
//! the code at the token endpoint's use case. Its own session is a short-lived
//! signed token bound to the single sign-on session, so signing out anywhere signs
//! out of it too.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest as _, Sha256};

use super::Services;
use crate::client::{Client, ClientDraft, ClientSettings};
use crate::error::{AdminError, StoreError};
use crate::id::{ClientId, SessionId, TenantId, UserId};
use crate::oauth::scopes;
use crate::oauth::{Claims, CodeExchange, OAuthError, Session};
use crate::pkce::CodeVerifier;
use crate::ports::Store;
use crate::random::random_token;
use crate::scope::ScopeSet;
use crate::secret::Secret;
use crate::time::UnixTime;
use crate::user::User;

/// Seconds a first-party app's session token lives. When it runs out the app signs
/// in again through the authorization endpoint, silently while the single sign-on
/// session lasts.
pub const FIRST_PARTY_SESSION_SECONDS: i64 = 30 * 60;

/// One of the deployment's own web apps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirstPartyApp {
    /// The admin dashboard, `/admin`.
    Dashboard,
    /// The end user's account page, `/account`.
    Account,
}

impl FirstPartyApp {
    /// Every first-party app.
    pub const ALL: [Self; 2] = [Self::Dashboard, Self::Account];

    /// Where the app lives (its cookies too).
    pub fn path(self) -> &'static str {
        match self {
            Self::Dashboard => "/admin",
            Self::Account => "/account",
        }
    }

    /// The client's display name, shown on the login page.
    pub fn client_name(self) -> &'static str {
        match self {
            Self::Dashboard => "Qeet ID dashboard",
            Self::Account => "Your account",
        }
    }

    /// Where the authorization endpoint sends the browser back to the app.
    pub fn redirect_uri(self, issuer: &str) -> String {
        format!("{issuer}{}/callback", self.path())
    }

    /// The scopes the app's client asks for, and the only ones it may have.
    pub const SCOPES: [&'static str; 3] = [scopes::OPENID, scopes::PROFILE, scopes::EMAIL];

    /// Whether an authorization request is the app's own sign-in: its built-in
    /// redirect URI on `issuer` and no scope beyond its own. Only such a request is
    /// consented implicitly.
    pub fn is_built_in_request(self, issuer: &str, redirect_uri: &str, scope: &ScopeSet) -> bool {
        redirect_uri == self.redirect_uri(issuer) && scope.iter().all(|s| Self::SCOPES.contains(&s.as_str()))
    }

    /// `typ` of the app's session tokens: a token of one app is never taken by another.
    fn token_type(self) -> &'static str {
        match self {
            Self::Dashboard => "console+jwt",
            Self::Account => "account+jwt",
        }
    }

    /// The id of the app's client in `tenant`: derived from the tenant's id, so every
    /// instance finds the same one.
    pub fn client_id(self, tenant: &TenantId) -> Result<ClientId, AdminError> {
        let salt = match self {
            Self::Dashboard => "qeetid-console:",
            Self::Account => "qeetid-account:",
        };
        let digest = Sha256::digest(format!("{salt}{tenant}").as_bytes());
        let encoded = URL_SAFE_NO_PAD.encode(digest);
        ClientId::parse(&format!("qci_{}", &encoded[..22])).map_err(|e| AdminError::Internal(Box::new(e)))
    }

    /// The first-party app whose client `client` is in `tenant`, if it is one.
    pub fn of(client: &ClientId, tenant: &TenantId) -> Option<Self> {
        Self::ALL.into_iter().find(|app| app.client_id(tenant).is_ok_and(|id| &id == client))
    }
}

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

/// Someone signed in to a first-party app.
#[derive(Debug, Clone)]
pub struct AppSession {
    /// Who (read afresh on every request).
    pub user: User,
    /// The single sign-on session the app session rides on.
    pub session_id: SessionId,
    /// When the user last proved who they are in that session.
    pub auth_time: UnixTime,
}

impl<S: Store> Services<S> {
    /// A fresh `state` and PKCE pair for one sign-in.
    pub fn sign_in_flow(&self) -> Result<SignInFlow, AdminError> {
        let verifier = CodeVerifier::parse(&random_token::<32>(self.random.as_ref()))
            .map_err(|e| AdminError::Internal(Box::new(e)))?;
        Ok(SignInFlow {
            state: random_token::<16>(self.random.as_ref()),
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
            redirect_uris: vec![app.redirect_uri(&self.settings.issuer)],
            grant_types: Some(vec!["authorization_code".to_owned()]),
            scopes: Some(FirstPartyApp::SCOPES.map(str::to_owned).to_vec()),
            ..ClientDraft::default()
        })?;
        let now = self.clock.now();
        match self.store.get_client(tenant, &id).await? {
            Some(client) if client.settings == settings => Ok(client),
            Some(mut client) => {
                client.settings = settings;
                client.updated_at = now;
                self.store.update_client(&client).await?;
                self.client_cache.forget(&id);
                Ok(client)
            }
            None => {
                let client = Client {
                    id: id.clone(),
                    tenant_id: tenant.clone(),
                    settings,
                    secrets: None,
                    created_at: now,
                    updated_at: now,
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
        };
        let tokens = self.exchange_code(client, &exchange).await?;
        let claims = self.signer.verify(&tokens.access_token).ok_or(FirstPartyError::NotSignedIn)?;
        let user_id = claims.sub.as_deref().and_then(|s| UserId::parse(s).ok()).ok_or(FirstPartyError::NotSignedIn)?;
        let session_id =
            claims.sid.as_deref().and_then(|s| SessionId::parse(s).ok()).ok_or(FirstPartyError::NotSignedIn)?;
        let user = self.store.get_user(&client.tenant_id, &user_id).await?.ok_or(FirstPartyError::NotSignedIn)?;
        let now = self.clock.now();
        let token_claims = Claims::new()
            .str("iss", self.settings.issuer.as_str())
            .str("aud", format!("{}{}", self.settings.issuer, app.path()))
            .str("sub", user.id.as_str())
            .str("tid", user.tenant_id.as_str())
            .str("sid", session_id.as_str())
            .int("iat", now.as_secs())
            .int("exp", now.plus_secs(FIRST_PARTY_SESSION_SECONDS).as_secs());
        let token = self.signer.sign(app.token_type(), &token_claims).map_err(|e| AdminError::Internal(Box::new(e)))?;
        let auth_time = claims.auth_time.map_or(now, UnixTime::from_secs);
        Ok((AppSession { user, session_id, auth_time }, token))
    }

    /// The tenant of the browser's live single sign-on session, if it has one: where
    /// an app signs in when no tenant was named.
    pub async fn sso_tenant(&self, sso_cookie: Option<&Secret>) -> Result<Option<TenantId>, StoreError> {
        let Some(cookie) = sso_cookie else { return Ok(None) };
        let now = self.clock.now();
        Ok(self.store.find_session(&cookie.hash()).await?.filter(|s| s.expires_at > now).map(|s| s.tenant_id))
    }

    /// The tenant an `app` session token was made for, even when it has expired or its
    /// session ended: where to sign in again. Only tokens this provider signed count.
    pub fn app_token_tenant(&self, app: FirstPartyApp, token: &str) -> Option<TenantId> {
        let claims = self.signer.verify(token)?;
        let ours = claims.typ == app.token_type() && claims.iss.as_deref() == Some(self.settings.issuer.as_str());
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
        let now = self.clock.now();
        let claims = self.signer.verify(token).ok_or(FirstPartyError::NotSignedIn)?;
        let audience = format!("{}{}", self.settings.issuer, app.path());
        let ours = claims.typ == app.token_type()
            && claims.iss.as_deref() == Some(self.settings.issuer.as_str())
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
