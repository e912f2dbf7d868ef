//! The use cases, one type per area, each generic over only the repositories it
//! uses and holding only the ports it needs:
//!
//! - [`Admin`]: tenants, API keys, users, clients, grants (the admin API);
//! - [`Tokens`]: the token endpoint's grants, userinfo, introspection, revocation,
//!   device authorization and logout;
//! - [`Authorization`]: the browser side of the flows (authorize, password sign-in,
//!   second factor, consent, device verification);
//! - [`Passkeys`] and [`Federation`]: the other ways to sign in, which continue
//!   through an [`Authorization`];
//! - [`SelfService`]: a signed-in user's own account (profile, apps, sessions,
//!   password, authenticator app);
//! - [`Registration`]: clients registering themselves (RFC 7591) and managing their
//!   registration (RFC 7592).
//!
//! Each takes a [`Context`]: the clock, randomness, settings and the per-instance
//! caches every area shares. An application composes the areas it serves.

mod accounts;
mod admin;
mod audit;
mod authorization;
mod client_auth_throttle;
mod client_cache;
mod client_keys;
mod federation;
mod keys;
mod open_registration;
mod passkeys;
mod provider;
mod registration;
mod self_service;
mod throttle;
mod tokens;
mod totp;

use std::sync::Arc;

pub use accounts::{Accounts, LinkUsed, PasswordResetRequest, SignUp, SignUpOutcome};
pub use admin::{
    Admin, BrandingPatch, CreatedApiKey, CreatedInitialToken, NewInitialToken, NewUser, RegisteredClient,
    RotatedSecret, TenantPatch, UserPatch,
};
pub use authorization::{
    Authorization, AuthorizationPorts, AuthorizeOutcome, ClientRedirect, DEVICE_TOKEN_DAYS, FlowError, Landing,
    LoginContext, LoginOutcome, NextStep, PasswordAttempt, PasswordLogin, PushedRequestUri, SecondFactorOutcome,
    SecondFactorStep, SignedIn,
};
pub use federation::{Federation, FederationPorts, IdentityProviderChange, NewIdentityProvider};
pub use keys::rotate_signing_keys;
pub use open_registration::OpenRegistration;
pub use passkeys::Passkeys;
pub use provider::{Ports, Provider};
pub use registration::{Registration, SelfRegistered};
pub use self_service::{AccountError, AccountHolder, AccountOverview, ConnectedApp, SelfService};
pub use throttle::source_key;
pub use tokens::{
    AuthMethod, ClientAuthentication, DeviceAuthorization, FrontChannelLogout, LogoutParams, LogoutPlan, Presented,
    ReleasedClaims, TokenResponse, Tokens, UserInfo, format_user_code,
};
pub use totp::{MfaError, MfaStatus, TotpEnrolment};

use crate::api_key::Caller;
use crate::error::{AdminError, ValidationError};
use crate::id::{ClientId, TenantId};
use crate::oauth::{SigningAlg, TokenLifetimes, ValidatedRequest};
use crate::outbound::OutboundPolicy;
use crate::ports::{Clock, Random, TenantRepository};
use crate::tenant::Tenant;
use client_cache::ClientCache;

/// Clients the deployment runs itself (its own web apps), which an embedder may
/// declare: the admin API cannot change or delete them, and their own sign-in
/// needs no consent screen (OIDC Core §3.1.2.4 leaves how consent is obtained to
/// the provider).
pub trait BuiltInClients: Send + Sync + 'static {
    /// Whether `client` of `tenant` is one of them.
    fn is_built_in(&self, tenant: &TenantId, client: &ClientId) -> bool;

    /// Whether `request` is such a client's own sign-in (its built-in redirect URI
    /// and scopes), which is consented implicitly. Anything else asks for consent.
    fn consents_implicitly(&self, request: &ValidatedRequest) -> bool;
}

/// No built-in clients: every client is the admin API's and every request asks
/// for consent (until remembered).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoBuiltInClients;

impl BuiltInClients for NoBuiltInClients {
    fn is_built_in(&self, _: &TenantId, _: &ClientId) -> bool {
        false
    }

    fn consents_implicitly(&self, _: &ValidatedRequest) -> bool {
        false
    }
}

/// What every area of use cases shares: the clock, randomness, the deployment
/// settings, the per-instance client cache, the built-in clients and the reader
/// of sector identifier documents. Cheap to clone;
/// clones share the cache.
#[derive(Clone)]
pub struct Context {
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) random: Arc<dyn Random>,
    pub(crate) settings: Arc<ProviderSettings>,
    pub(crate) client_cache: Arc<ClientCache>,
    pub(crate) built_in: Arc<dyn BuiltInClients>,
    pub(crate) open_registration: Arc<open_registration::OpenRegistrationCache>,
    pub(crate) sector_documents: Option<Arc<dyn crate::ports::SectorDocuments>>,
    pub(crate) mail_queued: Option<Arc<dyn Fn() + Send + Sync>>,
}

impl Context {
    /// A context over `clock` and `random`, with no built-in clients.
    pub fn new(clock: Arc<dyn Clock>, random: Arc<dyn Random>, settings: ProviderSettings) -> Self {
        Self {
            clock,
            random,
            client_cache: Arc::new(ClientCache::new(settings.client_cache_seconds)),
            open_registration: Arc::new(open_registration::OpenRegistrationCache::new(settings.client_cache_seconds)),
            settings: Arc::new(settings),
            built_in: Arc::new(NoBuiltInClients),
            sector_documents: None,
            mail_queued: None,
        }
    }

    /// The same context, calling `signal` whenever a message is queued in the
    /// outbox (so a sender can deliver it at once instead of at its next look).
    #[must_use]
    pub fn with_mail_signal(mut self, signal: Arc<dyn Fn() + Send + Sync>) -> Self {
        self.mail_queued = Some(signal);
        self
    }

    /// The same context, reading pairwise clients' sector identifier documents
    /// through `documents` (without it, a `sector_identifier_uri` is refused).
    #[must_use]
    pub fn with_sector_documents(mut self, documents: Arc<dyn crate::ports::SectorDocuments>) -> Self {
        self.sector_documents = Some(documents);
        self
    }

    /// Checks a pairwise client's sector identifier document (OIDC Core §8.1): a
    /// JSON array of URIs that must list every redirect URI of `settings`.
    ///
    /// # Errors
    /// A validation error on `sector_identifier_uri` when the document cannot be
    /// fetched, is not such an array, or leaves out a redirect URI.
    pub(crate) async fn check_sector(&self, settings: &crate::client::ClientSettings) -> Result<(), ValidationError> {
        let Some(uri) = settings.subject_type().sector_identifier_uri() else { return Ok(()) };
        let invalid = |message: String| ValidationError::new("sector_identifier_uri", message);
        let Some(documents) = &self.sector_documents else {
            return Err(invalid("sector identifier documents cannot be read by this deployment".into()));
        };
        let listed = documents.fetch_sector_uris(uri).await.map_err(|e| invalid(e.0))?;
        match settings.redirect_uris().iter().find(|r| !listed.iter().any(|l| l == r.as_str())) {
            Some(missing) => {
                Err(invalid(format!("the document at {uri} does not list the redirect URI {}", missing.as_str())))
            }
            None => Ok(()),
        }
    }

    /// The same context, declaring the deployment's `built_in` clients.
    #[must_use]
    pub fn with_built_in_clients(mut self, built_in: Arc<dyn BuiltInClients>) -> Self {
        self.built_in = built_in;
        self
    }

    /// The `sub` `client` sees for `user`: the user's id, or the pairwise value of
    /// the client's sector.
    pub fn subject_of(&self, client: &crate::client::Client, user: &crate::id::UserId) -> String {
        client.settings.subject_type().subject(user, &self.settings.pairwise_salt)
    }

    /// The deployment settings.
    pub fn settings(&self) -> &ProviderSettings {
        &self.settings
    }

    /// The clock.
    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    /// The source of randomness.
    pub fn random(&self) -> &dyn Random {
        self.random.as_ref()
    }

    /// Forgets `client` in this instance's client cache: for an embedder that
    /// changes a client through the store directly.
    pub fn forget_client(&self, client: &ClientId) {
        self.client_cache.forget(client);
    }

    /// Ok when `me` signed in within the last `reauthentication_seconds`: changes to
    /// how the user signs in need a fresh sign-in, so a copied session cookie alone
    /// cannot add an attacker's factor or remove the user's (OWASP ASVS V2.5, V3.7).
    pub(crate) fn require_recent_sign_in(&self, me: &AccountHolder) -> Result<(), AccountError> {
        let age = self.clock.now().as_secs() - me.auth_time.as_secs();
        if age <= self.settings.reauthentication_seconds { Ok(()) } else { Err(AccountError::ReauthenticationRequired) }
    }
}

/// The tenant `id`, when the caller may reach it.
pub(crate) async fn reachable_tenant<S: TenantRepository>(
    store: &S,
    caller: &Caller,
    id: &TenantId,
) -> Result<Tenant, AdminError> {
    caller.reach(id, "tenant")?;
    store.get_tenant(id).await?.ok_or(AdminError::NotFound("tenant"))
}

/// Five minutes: how recent a sign-in must be to change how one signs in.
pub const DEFAULT_REAUTHENTICATION_SECONDS: i64 = 300;

/// The default deployment-wide ceiling on failed sign-ins a minute.
pub const DEFAULT_FAILED_SIGN_INS_PER_MINUTE: u32 = 1000;

/// Deployment settings the use cases need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderSettings {
    /// The issuer (`iss`): this deployment's base URL, without a trailing slash.
    pub issuer: String,
    /// Lifetimes of codes, tokens, sessions and pending requests.
    pub lifetimes: TokenLifetimes,
    /// Seconds a client read for client authentication or an authorization request
    /// is reused before it is read again (see `client_cache`); zero reads it on
    /// every request.
    pub client_cache_seconds: i64,
    /// Where outbound calls (identity providers) may go.
    pub outbound: OutboundPolicy,
    /// Seconds after a sign-in during which the account page may change how the
    /// user signs in (password, authenticator app, recovery codes, passkeys);
    /// later, the user signs in again first.
    pub reauthentication_seconds: i64,
    /// Deployment-wide ceiling on failed password sign-ins (and on wrong device
    /// user codes) a minute from browsers that never signed in to the account; past
    /// it such attempts run one at a time with growing delays.
    pub failed_sign_ins_per_minute: u32,
    /// The one tenant that accepts dynamic registration without an initial access
    /// token, with open registration's limits; `None`: none does.
    pub open_registration_tenant: Option<TenantId>,
    /// The algorithm of access tokens (RFC 9068), deployment-wide: resource servers
    /// verify every client's tokens the same way.
    pub access_token_alg: SigningAlg,
    /// Seconds before a failed back-channel logout is offered again (doubling
    /// after each failure).
    pub logout_retry_seconds: i64,
    /// The secret salt of pairwise subjects (OIDC Core §8.1).
    pub pairwise_salt: crate::subject::PairwiseSalt,
    /// Every authorization request must be pushed (RFC 9126), deployment-wide.
    pub require_pushed_authorization_requests: bool,
    /// The key of DPoP server nonces: with one, every DPoP proof must carry a
    /// current nonce (RFC 9449 §8); `None`: no nonces.
    pub dpop_nonces: Option<crate::dpop::DpopNonceKey>,
}

impl ProviderSettings {
    /// Settings for `issuer` with the default lifetimes and a two-second client cache.
    pub fn new(issuer: impl Into<String>) -> Self {
        Self {
            issuer: issuer.into(),
            lifetimes: TokenLifetimes::default(),
            client_cache_seconds: 2,
            outbound: OutboundPolicy::default(),
            reauthentication_seconds: DEFAULT_REAUTHENTICATION_SECONDS,
            failed_sign_ins_per_minute: DEFAULT_FAILED_SIGN_INS_PER_MINUTE,
            open_registration_tenant: None,
            access_token_alg: SigningAlg::default(),
            logout_retry_seconds: 30,
            pairwise_salt: crate::subject::PairwiseSalt::default(),
            require_pushed_authorization_requests: false,
            dpop_nonces: None,
        }
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod flow_tests;
