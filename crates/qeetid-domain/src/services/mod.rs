//! Use cases of the admin API, over the ports.

mod account;
mod api_keys;
mod bootstrap;
mod client_auth_throttle;
mod client_cache;
mod clients;
mod console;
mod device;
mod federation;
mod first_party;
mod flow;
mod grants;
mod keys;
mod logout;
mod mfa;
mod passkeys;
mod password_login;
mod resource;
mod tenants;
mod throttle;
mod token;
mod users;

use std::sync::Arc;

pub use account::{AccountError, AccountOverview, ConnectedApp};
pub use api_keys::CreatedApiKey;
pub use clients::{RegisteredClient, RotatedSecret};
pub use console::ConsoleAdmin;
pub use device::{DeviceAuthorization, format_user_code};
pub use federation::NewIdentityProvider;
pub use first_party::{AppSession, FIRST_PARTY_SESSION_SECONDS, FirstPartyApp, FirstPartyError, SignInFlow};
pub use flow::{
    AuthorizeOutcome, FlowError, LoginContext, LoginOutcome, NextStep, SecondFactorOutcome, SecondFactorStep, SignedIn,
    form_token_matches,
};
pub use keys::rotate_signing_keys;
pub use logout::{LogoutParams, LogoutPlan};
pub use mfa::{MfaError, MfaStatus, TotpEnrolment};
pub use password_login::{DEVICE_TOKEN_DAYS, PasswordAttempt, PasswordLogin};
pub use tenants::TenantPatch;
pub use throttle::source_key;
pub use token::{AuthMethod, ClientAuthentication, TokenResponse};
pub use users::{NewUser, UserPatch};

use crate::api_key::Caller;
use crate::error::AdminError;
use crate::id::TenantId;
use crate::oauth::TokenLifetimes;
use crate::outbound::OutboundPolicy;
use crate::ports::{
    Clock, PasskeyCeremonies, PasswordHasher, Random, SecretSealer, Store, TokenSigner, UpstreamClient,
    UpstreamTokenVerifier,
};
use crate::tenant::Tenant;
use client_auth_throttle::ClientAuthThrottle;
use client_cache::ClientCache;

/// The ports other than the store.
#[derive(Clone)]
pub struct Ports {
    /// Current time.
    pub clock: Arc<dyn Clock>,
    /// Randomness for ids and secrets.
    pub random: Arc<dyn Random>,
    /// Password hashing.
    pub passwords: Arc<dyn PasswordHasher>,
    /// Token signing.
    pub signer: Arc<dyn TokenSigner>,
    /// Sealing of secrets that must be read back (TOTP).
    pub sealer: Arc<dyn SecretSealer>,
    /// WebAuthn ceremonies for passkeys.
    pub passkeys: Arc<dyn PasskeyCeremonies>,
    /// Upstream identity providers over HTTP.
    pub upstream: Arc<dyn UpstreamClient>,
    /// Signature checks of upstream ID tokens.
    pub upstream_tokens: Arc<dyn UpstreamTokenVerifier>,
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
    /// Seconds a client read for client authentication is reused before it is read
    /// again (see `client_cache`); zero reads it on every request.
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
        }
    }
}

/// The domain's use cases, generic over the store and holding the other ports.
pub struct Services<S> {
    store: S,
    clock: Arc<dyn Clock>,
    random: Arc<dyn Random>,
    passwords: Arc<dyn PasswordHasher>,
    signer: Arc<dyn TokenSigner>,
    sealer: Arc<dyn SecretSealer>,
    passkeys: Arc<dyn PasskeyCeremonies>,
    upstream: Arc<dyn UpstreamClient>,
    upstream_tokens: Arc<dyn UpstreamTokenVerifier>,
    settings: Arc<ProviderSettings>,
    client_cache: Arc<ClientCache>,
    client_auth_throttle: Arc<ClientAuthThrottle>,
}

impl<S: Clone> Clone for Services<S> {
    fn clone(&self) -> Self {
        Self {
            store: self.store.clone(),
            clock: Arc::clone(&self.clock),
            random: Arc::clone(&self.random),
            passwords: Arc::clone(&self.passwords),
            signer: Arc::clone(&self.signer),
            sealer: Arc::clone(&self.sealer),
            passkeys: Arc::clone(&self.passkeys),
            upstream: Arc::clone(&self.upstream),
            upstream_tokens: Arc::clone(&self.upstream_tokens),
            settings: Arc::clone(&self.settings),
            client_cache: Arc::clone(&self.client_cache),
            client_auth_throttle: Arc::clone(&self.client_auth_throttle),
        }
    }
}

impl<S: Store> Services<S> {
    /// Wires the use cases to their ports.
    pub fn new(store: S, ports: Ports, settings: ProviderSettings) -> Self {
        Self {
            store,
            clock: ports.clock,
            random: ports.random,
            passwords: ports.passwords,
            signer: ports.signer,
            sealer: ports.sealer,
            passkeys: ports.passkeys,
            upstream: ports.upstream,
            upstream_tokens: ports.upstream_tokens,
            client_cache: Arc::new(ClientCache::new(settings.client_cache_seconds)),
            client_auth_throttle: Arc::default(),
            settings: Arc::new(settings),
        }
    }

    /// The deployment settings.
    pub fn settings(&self) -> &ProviderSettings {
        &self.settings
    }

    /// The JWK Set to publish at `/.well-known/jwks.json`.
    pub fn jwks(&self) -> String {
        self.signer.published_keys()
    }

    /// The store, for adapters that need it directly (readiness checks).
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The tenant `id`, when the caller may reach it.
    async fn reachable_tenant(&self, caller: &Caller, id: &TenantId) -> Result<Tenant, AdminError> {
        caller.reach(id, "tenant")?;
        self.store.get_tenant(id).await?.ok_or(AdminError::NotFound("tenant"))
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod flow_tests;
