//! Throttles and second factors: throttle counters, TOTP and recovery codes,
//! passkeys, and upstream identity providers' links.

use std::future::Future;

use crate::error::StoreError;
use crate::federation::{FederatedLink, IdentityProvider, UpstreamFlow};
use crate::id::{CeremonyId, PasskeyId, ProviderId, TenantId, UserId};
use crate::mfa::TotpFactor;
use crate::passkey::{StoredCeremony, StoredPasskey};
use crate::secret::SecretHash;
use crate::time::UnixTime;

/// What a throttle allows on one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleRule {
    /// Attempts that may fail without delay (and run at once, concurrently).
    pub free: u32,
    /// Seconds without a failure after which the count starts again.
    pub window_seconds: i64,
    /// Once past the free attempts, attempts run one at a time: each reservation
    /// blocks the key this long, until the attempt is settled.
    pub hold_seconds: i64,
    /// Longest wait after a failure, once past the free attempts.
    pub max_delay_seconds: i64,
}

/// The answer to [`ThrottleRepository::reserve_attempt`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reservation {
    /// The attempt may run; it is the `attempt`-th failure-in-waiting on the key.
    Granted {
        /// The key's count including this attempt.
        attempt: u32,
    },
    /// No attempt may run on the key before `until`.
    Blocked {
        /// When the key opens again.
        until: UnixTime,
    },
}

/// Throttle counters per key (`login:…`, `device:…`, `totp:…`), shared by every
/// instance through the database. An attempt is *reserved* before it runs (counted
/// as a failure), then settled: a success clears or refunds it, a failure may block
/// the key for a while. Reservation is atomic, so concurrent attempts cannot all
/// slip through before the first one's failure is recorded.
pub trait ThrottleRepository: Send + Sync {
    /// Reserves an attempt on `key` at `now`, in one atomic step.
    ///
    /// MUST answer [`Reservation::Blocked`] (changing nothing) while the key's
    /// blocked-until time is after `now`. Otherwise MUST add one to the key's count
    /// (starting again at 1 when the last failure is `rule.window_seconds` old or
    /// more), set its last failure to `now`, and, when the new count reaches
    /// `rule.free`, block the key until `now + rule.hold_seconds`; then answer
    /// [`Reservation::Granted`] with the new count. Two concurrent calls MUST NOT
    /// both be granted once the count has reached `rule.free`.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails.
    fn reserve_attempt(
        &self,
        key: &str,
        rule: &ThrottleRule,
        now: UnixTime,
    ) -> impl Future<Output = Result<Reservation, StoreError>> + Send;
    /// Blocks `key` until `until` (after a failed attempt).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn block_until(&self, key: &str, until: UnixTime) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Takes back a granted attempt that succeeded without clearing the key: one
    /// less in the count, and the key no longer blocked (its hold was this attempt's).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn refund_attempt(&self, key: &str, now: UnixTime) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Forgets the key after a success.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn clear_failures(&self, key: &str) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// Users' second factors: a TOTP secret and recovery codes per user.
pub trait MfaRepository: Send + Sync {
    /// The user's TOTP factor, confirmed or not.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn get_totp(
        &self,
        tenant: &TenantId,
        user: &UserId,
    ) -> impl Future<Output = Result<Option<TotpFactor>, StoreError>> + Send;
    /// Stores a factor that waits for confirmation, replacing any unconfirmed one.
    /// `Ok(false)` if the user already has a confirmed factor (nothing changes).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn start_totp(&self, factor: &TotpFactor) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Accepts `step` if it is later than every step accepted before (RFC 6238 §5.2);
    /// with `confirm_at`, also confirms a waiting factor. `Ok(false)`: a replay.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn use_totp_step(
        &self,
        tenant: &TenantId,
        user: &UserId,
        step: i64,
        confirm_at: Option<UnixTime>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Replaces the user's recovery codes with these hashes.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn replace_recovery_codes(
        &self,
        tenant: &TenantId,
        user: &UserId,
        hashes: &[SecretHash],
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Spends one unused recovery code. `Ok(false)` if it is unknown or spent.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn use_recovery_code(
        &self,
        tenant: &TenantId,
        user: &UserId,
        hash: &SecretHash,
        at: UnixTime,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// How many unused recovery codes the user has.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn recovery_codes_left(
        &self,
        tenant: &TenantId,
        user: &UserId,
    ) -> impl Future<Output = Result<u32, StoreError>> + Send;
    /// Removes the user's TOTP factor and recovery codes. `Ok(false)` if there were none.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn delete_mfa(&self, tenant: &TenantId, user: &UserId) -> impl Future<Output = Result<bool, StoreError>> + Send;
}

/// Users' passkeys and the state of ceremonies in progress.
pub trait PasskeyRepository: Send + Sync {
    /// Stores a passkey. `Conflict` if its credential id is registered already.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn insert_passkey(&self, passkey: &StoredPasskey) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The user's passkeys, oldest first.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn list_passkeys(
        &self,
        tenant: &TenantId,
        user: &UserId,
    ) -> impl Future<Output = Result<Vec<StoredPasskey>, StoreError>> + Send;
    /// The tenant's passkey with this credential id.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn find_passkey(
        &self,
        tenant: &TenantId,
        credential_id: &str,
    ) -> impl Future<Output = Result<Option<StoredPasskey>, StoreError>> + Send;
    /// Records a sign-in: the credential brought up to date, the backup state, when.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn record_passkey_use(&self, passkey: &StoredPasskey) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Renames one of the user's passkeys. `Ok(false)` if the user has no such passkey.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn rename_passkey(
        &self,
        tenant: &TenantId,
        user: &UserId,
        id: &PasskeyId,
        name: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Removes one of the user's passkeys. `Ok(false)` if the user has no such passkey.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn delete_passkey(
        &self,
        tenant: &TenantId,
        user: &UserId,
        id: &PasskeyId,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Removes all of the user's passkeys; answers how many.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn delete_passkeys(&self, tenant: &TenantId, user: &UserId)
    -> impl Future<Output = Result<u64, StoreError>> + Send;
    /// Keeps a ceremony's state.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn insert_ceremony(&self, ceremony: &StoredCeremony) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Takes a ceremony's state: it is deleted, so a ceremony finishes once. `None` if
    /// it is unknown or already taken (expiry is the caller's to check).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn take_ceremony(&self, id: &CeremonyId)
    -> impl Future<Output = Result<Option<StoredCeremony>, StoreError>> + Send;
}

/// Upstream providers, the links to their accounts, and sign-ins away at them.
pub trait FederationRepository: Send + Sync {
    /// Stores a provider.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn insert_provider(&self, provider: &IdentityProvider) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The tenant's provider.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn get_provider(
        &self,
        tenant: &TenantId,
        id: &ProviderId,
    ) -> impl Future<Output = Result<Option<IdentityProvider>, StoreError>> + Send;
    /// The tenant's providers, oldest first.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn list_providers(
        &self,
        tenant: &TenantId,
    ) -> impl Future<Output = Result<Vec<IdentityProvider>, StoreError>> + Send;
    /// Replaces the tenant's provider's name, client id, sealed secret and linking
    /// rule (its kind and issuer never change). `Ok(false)` if it does not exist.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn update_provider(&self, provider: &IdentityProvider) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Deletes the tenant's provider and its links. `Ok(false)` if it did not exist.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn delete_provider(
        &self,
        tenant: &TenantId,
        id: &ProviderId,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Our user linked to the provider's `subject`.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn find_link(
        &self,
        provider: &ProviderId,
        subject: &str,
    ) -> impl Future<Output = Result<Option<FederatedLink>, StoreError>> + Send;
    /// Stores a link. `Conflict` if the subject is linked already.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn insert_link(&self, link: &FederatedLink) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The user's links, oldest first.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn list_links(
        &self,
        tenant: &TenantId,
        user: &UserId,
    ) -> impl Future<Output = Result<Vec<FederatedLink>, StoreError>> + Send;
    /// Removes the user's link to a provider. `Ok(false)` if there was none.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn delete_link(
        &self,
        tenant: &TenantId,
        user: &UserId,
        provider: &ProviderId,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Keeps a sign-in that went to a provider.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn insert_upstream_flow(&self, flow: &UpstreamFlow) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Takes it back by its state's hash: deleted, so a callback works once.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn take_upstream_flow(
        &self,
        state_hash: &SecretHash,
    ) -> impl Future<Output = Result<Option<UpstreamFlow>, StoreError>> + Send;
}
