//! Ports: what the domain needs from the outside world, as traits.
//!
//! Adapters implement them (`qeetid-store` the repositories, `qeetid-crypto`
//! [`Random`] and [`PasswordHasher`], `qeetid-app` [`Clock`]). Every repository
//! query is scoped by tenant where the object belongs to one; methods that take
//! no tenant say why.

mod repositories;
mod services;

pub use repositories::*;
pub use services::*;

use std::future::Future;
use std::pin::Pin;

use crate::error::StoreError;

/// A boxed future, for ports that must stay object-safe.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

pub use crate::random::{Random, random_token};

pub use crate::time::Clock;

/// Declares a store bound for one area of use cases: the repositories it needs,
/// implemented by every type that has them all.
macro_rules! area_store {
    ($(#[$doc:meta])* $name:ident: $($bound:path),+) => {
        $(#[$doc])*
        pub trait $name: $($bound +)+ Clone + 'static {}
        impl<T: $($bound +)+ Clone + 'static> $name for T {}
    };
}

area_store!(
    /// What [`Tokens`](crate::services::Tokens) needs: the token endpoint, the
    /// resource endpoints, device authorization and logout.
    TokenStore: TenantRepository, ClientRepository, CodeRepository, GrantRepository, RefreshTokenRepository,
        AccessTokenDenyList, DeviceCodeRepository, SessionRepository, UserRepository, LogoutRepository, ReplayGuard,
        TokenExchangeLog, AuditRepository
);

area_store!(
    /// What the authenticator-app checks need.
    FactorStore: TenantRepository, MfaRepository, PasskeyRepository, ThrottleRepository, AuditRepository
);

area_store!(
    /// What [`Authorization`](crate::services::Authorization) needs: the browser side of
    /// the code and device flows.
    AuthorizationStore: FactorStore, ClientRepository, UserRepository, PendingRequestRepository, SessionRepository,
        CodeRepository, GrantRepository, DeviceCodeRepository, FederationRepository, PushedRequestRepository,
        MailOutboxRepository, AccountLinkRepository
);

area_store!(
    /// What [`Admin`](crate::services::Admin) needs: the admin API's resources.
    AdminStore: TenantRepository, ApiKeyRepository, UserRepository, ClientRepository, GrantRepository,
        SessionRepository, RefreshTokenRepository, MfaRepository, PasskeyRepository, FederationRepository,
        InitialTokenRepository, LogoutRepository, TokenExchangeLog, AuditRepository
);

area_store!(
    /// What [`Registration`](crate::services::Registration) needs: dynamic client
    /// registration and its management.
    RegistrationStore: TenantRepository, ClientRepository, InitialTokenRepository, ThrottleRepository
);

area_store!(
    /// What [`SelfService`](crate::services::SelfService) needs: a user's own account.
    SelfServiceStore: FactorStore, UserRepository, ClientRepository, GrantRepository, SessionRepository,
        RefreshTokenRepository
);

area_store!(
    /// What [`Accounts`](crate::services::Accounts) needs: recovery, verification
    /// and sign-up by e-mail.
    AccountStore: AuthorizationStore, RefreshTokenRepository
);

area_store!(
    /// What [`Passkeys`](crate::services::Passkeys) needs.
    PasskeyStore: AuthorizationStore, PasskeyRepository
);

area_store!(
    /// What [`Federation`](crate::services::Federation) needs.
    FederationStore: AuthorizationStore, FederationRepository, TenantRepository
);

/// Every repository, as one handle that is cheap to clone.
pub trait Store:
    TenantRepository
    + ApiKeyRepository
    + UserRepository
    + ClientRepository
    + PendingRequestRepository
    + SessionRepository
    + CodeRepository
    + GrantRepository
    + RefreshTokenRepository
    + SigningKeyRepository
    + ThrottleRepository
    + AccessTokenDenyList
    + DeviceCodeRepository
    + MfaRepository
    + PasskeyRepository
    + FederationRepository
    + InitialTokenRepository
    + LogoutRepository
    + PushedRequestRepository
    + ReplayGuard
    + TokenExchangeLog
    + Housekeeping
    + AuditRepository
    + MailOutboxRepository
    + AccountLinkRepository
    + Clone
    + 'static
{
    /// Ok when the database answers (readiness).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when it does not, or not in time.
    fn ping(&self) -> impl Future<Output = Result<(), StoreError>> + Send;
}
