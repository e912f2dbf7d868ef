//! Initial access tokens of dynamic client registration (hashes only).

use std::future::Future;

use crate::error::StoreError;
use crate::id::{InitialTokenId, TenantId};
use crate::registration::InitialAccessToken;
use crate::secret::SecretHash;
use crate::time::UnixTime;

/// Initial access tokens (RFC 7591 §3), one tenant's each.
pub trait InitialTokenRepository: Send + Sync {
    /// Stores a token. MUST return [`StoreError::Conflict`] if the id or hash exists.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] as said above; [`StoreError::Unavailable`] when the
    /// database fails or does not answer in time.
    fn insert_initial_token(&self, token: &InitialAccessToken) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The tenant's tokens, newest first (a tenant holds few).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn list_initial_tokens(
        &self,
        tenant: &TenantId,
    ) -> impl Future<Output = Result<Vec<InitialAccessToken>, StoreError>> + Send;
    /// Deletes one of the tenant's tokens. `Ok(false)` if the tenant has no such token.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn delete_initial_token(
        &self,
        tenant: &TenantId,
        id: &InitialTokenId,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Spends one use of the token with this hash, in any tenant (the tenant is what
    /// the token says): when it exists, has not expired at `now` and has uses left (or
    /// unlimited ones), its count goes down by one and the token, as it is after
    /// this use, is returned; otherwise `None`. One atomic step: of two registrations racing for
    /// a token's last use, one wins.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn spend_initial_token(
        &self,
        hash: &SecretHash,
        now: UnixTime,
    ) -> impl Future<Output = Result<Option<InitialAccessToken>, StoreError>> + Send;
}
