//! The admin dashboard's sign-in. The dashboard is an OpenID Connect client of each
//! tenant like any other: a public client with PKCE, registered on first use under an
//! id derived from the tenant's, that signs admins in through the hosted login and
//! exchanges the code at the token endpoint's use case. An admin is a user holding an
//! [`AdminRole`]; the dashboard's own session is a short-lived signed token bound to
//! the single sign-on session, so signing out anywhere signs out of the dashboard.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest as _, Sha256};

use super::Services;
use crate::api_key::{Caller, KeyScope};
use crate::client::{Client, ClientDraft, ClientSettings};
use crate::error::{AdminError, StoreError};
use crate::id::{ClientId, SessionId, TenantId, UserId};
use crate::oauth::{Claims, OAuthError};
use crate::pkce::CodeVerifier;
use crate::ports::Store;
use crate::random::random_token;
use crate::secret::Secret;
use crate::user::{AdminRole, User};

/// The dashboard client's display name, shown on the login and consent pages.
pub const CONSOLE_CLIENT_NAME: &str = "Qeet ID dashboard";

/// `typ` of the dashboard's session token.
const CONSOLE_TOKEN_TYPE: &str = "console+jwt";

/// Seconds a dashboard session token lives. When it runs out the dashboard signs in
/// again through the authorization endpoint, silently while the single sign-on
/// session lasts.
pub const CONSOLE_SESSION_SECONDS: i64 = 30 * 60;

/// Why the dashboard refuses someone.
#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    /// No dashboard session, or one that ended (sign in again).
    #[error("not signed in to the dashboard")]
    NotSignedIn,
    /// Signed in, but without a role that reaches this tenant.
    #[error("this account may not manage this tenant")]
    NotAnAdmin,
    /// The code exchange failed (a stale or replayed callback).
    #[error("sign-in failed: {0}")]
    SignIn(#[from] OAuthError),
    /// The use case behind a page refused or failed.
    #[error(transparent)]
    Admin(#[from] AdminError),
}

impl From<StoreError> for ConsoleError {
    fn from(err: StoreError) -> Self {
        Self::Admin(err.into())
    }
}

/// A signed-in dashboard admin.
#[derive(Debug, Clone)]
pub struct ConsoleAdmin {
    /// Who.
    pub user: User,
    /// Their role.
    pub role: AdminRole,
    /// The single sign-on session the dashboard session rides on.
    pub session_id: SessionId,
}

impl ConsoleAdmin {
    /// The caller the admin use cases see: the whole deployment for a deployment
    /// admin, the admin's own tenant otherwise.
    pub fn caller(&self) -> Caller {
        let scope = match self.role {
            AdminRole::Deployment => KeyScope::Deployment,
            AdminRole::Tenant => KeyScope::Tenant(self.user.tenant_id.clone()),
        };
        Caller::dashboard(scope)
    }

    /// Whether the admin may manage `tenant`.
    pub fn reaches(&self, tenant: &TenantId) -> bool {
        self.role.reaches(&self.user.tenant_id, tenant)
    }
}

/// What the dashboard keeps (in a cookie) between sending the browser to the
/// authorization endpoint and its return.
#[derive(Debug, Clone)]
pub struct ConsoleFlow {
    /// `state`, compared on return.
    pub state: String,
    /// The PKCE verifier (RFC 7636 §4.1).
    pub verifier: String,
    /// Its S256 challenge, sent with the authorization request.
    pub challenge: String,
}

/// The id of `tenant`'s dashboard client: derived from the tenant's id, so every
/// instance finds the same one.
pub fn console_client_id(tenant: &TenantId) -> Result<ClientId, AdminError> {
    let digest = Sha256::digest(format!("qeetid-console:{tenant}").as_bytes());
    let encoded = URL_SAFE_NO_PAD.encode(digest);
    ClientId::parse(&format!("qci_{}", &encoded[..22])).map_err(|e| AdminError::Internal(Box::new(e)))
}

impl<S: Store> Services<S> {
    /// A fresh `state` and PKCE pair for one dashboard sign-in.
    pub fn console_flow(&self) -> Result<ConsoleFlow, AdminError> {
        let verifier = CodeVerifier::parse(&random_token::<32>(self.random.as_ref()))
            .map_err(|e| AdminError::Internal(Box::new(e)))?;
        Ok(ConsoleFlow {
            state: random_token::<16>(self.random.as_ref()),
            challenge: verifier.challenge().as_str().to_owned(),
            verifier: verifier.as_str().to_owned(),
        })
    }

    /// `tenant`'s dashboard client, registered on first use (and its redirect URI
    /// brought up to date if the issuer changed).
    pub async fn console_client(&self, tenant: &TenantId, redirect_uri: &str) -> Result<Client, AdminError> {
        self.store.get_tenant(tenant).await?.ok_or(AdminError::NotFound("tenant"))?;
        let id = console_client_id(tenant)?;
        let settings = ClientSettings::validate(ClientDraft {
            name: CONSOLE_CLIENT_NAME.to_owned(),
            client_type: "public".to_owned(),
            redirect_uris: vec![redirect_uri.to_owned()],
            grant_types: Some(vec!["authorization_code".to_owned()]),
            scopes: Some(vec!["openid".to_owned(), "profile".to_owned(), "email".to_owned()]),
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

    /// Completes the dashboard's sign-in: exchanges the code as the dashboard client
    /// and answers the admin and the dashboard session token for its cookie.
    pub async fn console_sign_in(
        &self,
        client: &Client,
        code: &str,
        redirect_uri: &str,
        code_verifier: &str,
    ) -> Result<(ConsoleAdmin, String), ConsoleError> {
        let tokens = self.exchange_code(client, Some(code), Some(redirect_uri), Some(code_verifier)).await?;
        let claims = self.signer.verify(&tokens.access_token).ok_or(ConsoleError::NotSignedIn)?;
        let user_id = claims.sub.as_deref().and_then(|s| UserId::parse(s).ok()).ok_or(ConsoleError::NotSignedIn)?;
        let session_id =
            claims.sid.as_deref().and_then(|s| SessionId::parse(s).ok()).ok_or(ConsoleError::NotSignedIn)?;
        let user = self.store.get_user(&client.tenant_id, &user_id).await?.ok_or(ConsoleError::NotSignedIn)?;
        let role = user.admin_role.ok_or(ConsoleError::NotAnAdmin)?;
        let now = self.clock.now();
        let token_claims = Claims::new()
            .str("iss", self.settings.issuer.as_str())
            .str("aud", format!("{}/admin", self.settings.issuer))
            .str("sub", user.id.as_str())
            .str("tid", user.tenant_id.as_str())
            .str("sid", session_id.as_str())
            .int("iat", now.as_secs())
            .int("exp", now.plus_secs(CONSOLE_SESSION_SECONDS).as_secs());
        let token =
            self.signer.sign(CONSOLE_TOKEN_TYPE, &token_claims).map_err(|e| AdminError::Internal(Box::new(e)))?;
        Ok((ConsoleAdmin { user, role, session_id }, token))
    }

    /// The admin a dashboard request comes from: the session token must be ours,
    /// unexpired, and ride on the browser's live single sign-on session; the user
    /// must still exist and still hold a role (read afresh, so a role taken away
    /// takes effect at once).
    pub async fn console_admin(&self, token: &str, sso_cookie: Option<&Secret>) -> Result<ConsoleAdmin, ConsoleError> {
        let now = self.clock.now();
        let claims = self.signer.verify(token).ok_or(ConsoleError::NotSignedIn)?;
        let ours = claims.typ == CONSOLE_TOKEN_TYPE
            && claims.iss.as_deref() == Some(self.settings.issuer.as_str())
            && claims.exp.is_some_and(|exp| exp > now.as_secs());
        if !ours {
            return Err(ConsoleError::NotSignedIn);
        }
        let session = match sso_cookie {
            Some(cookie) => self.store.find_session(&cookie.hash()).await?,
            None => None,
        }
        .filter(|s| s.expires_at > now && claims.sid.as_deref() == Some(s.id.as_str()))
        .ok_or(ConsoleError::NotSignedIn)?;
        let user = self.store.get_user(&session.tenant_id, &session.user_id).await?.ok_or(ConsoleError::NotSignedIn)?;
        if claims.sub.as_deref() != Some(user.id.as_str()) {
            return Err(ConsoleError::NotSignedIn);
        }
        let role = user.admin_role.ok_or(ConsoleError::NotAnAdmin)?;
        Ok(ConsoleAdmin { user, role, session_id: session.id })
    }
}
