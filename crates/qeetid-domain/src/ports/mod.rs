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

pub use crate::random::Random;

pub use crate::time::Clock;

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
    + Housekeeping
    + Clone
    + 'static
{
    /// Ok when the database answers (readiness).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when it does not, or not in time.
    fn ping(&self) -> impl Future<Output = Result<(), StoreError>> + Send;
}
