//! The authorization flow's records: pending requests, sessions, codes, consent
//! grants, refresh tokens, the access-token deny-list, device codes, signing keys
//! and housekeeping.

use std::future::Future;

use crate::client::Client;
use crate::error::StoreError;
use crate::id::{ClientId, GrantId, RefreshTokenId, RequestId, SessionId, TenantId, UserId};
use crate::logout::{DeliveryOutcome, LogoutDelivery};
use crate::oauth::{
    AuthorizationCode, CodeUse, ConsentGrant, DeviceCode, GrantFilter, PendingRequest, PushedRequest, RefreshToken,
    Session, SigningAlg, SigningKeyRecord,
};
use crate::page::PageRequest;
use crate::secret::SecretHash;
use crate::time::UnixTime;
use crate::user::User;

/// Pushed authorization requests (RFC 9126).
pub trait PushedRequestRepository: Send + Sync {
    /// Stores a pushed request.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn insert_pushed_request(&self, request: &PushedRequest) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Takes the request whose id hashes to `id_hash` if it has not expired at
    /// `now`: it is deleted in the same step, so of two concurrent takes at most one
    /// gets it. `Ok(None)` when unknown, used or expired.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when the stored row does not hold a valid value.
    fn take_pushed_request(
        &self,
        id_hash: &SecretHash,
        now: UnixTime,
    ) -> impl Future<Output = Result<Option<PushedRequest>, StoreError>> + Send;
}

/// The record of token exchanges (RFC 8693), per user.
pub trait TokenExchangeLog: Send + Sync {
    /// Records an exchange.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn record_token_exchange(
        &self,
        record: &crate::oauth::TokenExchangeRecord,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The exchanges for `user` in `tenant`, newest first, by `page`.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn list_token_exchanges(
        &self,
        tenant: &TenantId,
        user: &UserId,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Vec<crate::oauth::TokenExchangeRecord>, StoreError>> + Send;
}

/// JWT ids seen once (client assertions, DPoP proofs), shared by every instance.
pub trait ReplayGuard: Send + Sync {
    /// Records `key` as spent until `expires_at`. `Ok(true)` the first time;
    /// `Ok(false)` when it was already recorded (a replay), also when another
    /// instance records it at the same moment: of two concurrent calls at most one
    /// answers `true`.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn spend_once(&self, key: &str, expires_at: UnixTime) -> impl Future<Output = Result<bool, StoreError>> + Send;
}

/// Pending authorization requests.
pub trait PendingRequestRepository: Send + Sync {
    /// Stores a new request.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn insert_request(&self, request: &PendingRequest) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The request with this id (expired ones included: the caller checks).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn get_request(&self, id: &RequestId) -> impl Future<Output = Result<Option<PendingRequest>, StoreError>> + Send;
    /// Records who signed in for it (`user_id`, `session_id`, `auth_time`,
    /// `first_factor`) and the browser binding renewed at sign-in (`browser_hash`).
    /// `Ok(false)` if gone.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn update_request(&self, request: &PendingRequest) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Deletes it. `Ok(false)` if it was already gone, so of two racing decisions only one wins.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn delete_request(&self, id: &RequestId) -> impl Future<Output = Result<bool, StoreError>> + Send;
}

/// Sign-in sessions.
pub trait SessionRepository: Send + Sync {
    /// Stores a session.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn insert_session(&self, session: &Session) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The session whose cookie hashes to `hash` (expired ones included: the caller checks).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn find_session(&self, hash: &SecretHash) -> impl Future<Output = Result<Option<Session>, StoreError>> + Send;
    /// Ends a session. `Ok(false)` if it did not exist.
    ///
    /// Ending a session MUST, in the same transaction, queue a back-channel logout
    /// ([`LogoutRepository`]: a delivery due at `now`, id `<session>:<client>`) for
    /// every client that was issued a code in it and registered a
    /// `backchannel_logout_uri`.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn delete_session(&self, id: &SessionId, now: UnixTime) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// The user's sessions that have not expired at `now`, newest first, at most `limit`.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn list_user_sessions(
        &self,
        tenant: &TenantId,
        user: &UserId,
        now: UnixTime,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<Session>, StoreError>> + Send;
    /// Ends one of the user's sessions. `Ok(false)` if the user has no such session.
    /// Queues its back-channel logouts as [`Self::delete_session`] does.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn delete_user_session(
        &self,
        tenant: &TenantId,
        user: &UserId,
        id: &SessionId,
        now: UnixTime,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Ends every session of the user but `keep`; answers how many ended. Queues
    /// their back-channel logouts as [`Self::delete_session`] does.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn delete_user_sessions(
        &self,
        tenant: &TenantId,
        user: &UserId,
        keep: Option<&SessionId>,
        now: UnixTime,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;
}

/// Authorization codes.
pub trait CodeRepository: Send + Sync {
    /// Stores a code (its hash), and records that its client was issued a code in
    /// its session (who hears when the session ends: [`LogoutRepository`]).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn insert_code(&self, code: &AuthorizationCode) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Spends the code with this hash, atomically: of two concurrent uses exactly one
    /// MUST see [`CodeUse::First`]; every later use sees [`CodeUse::Replayed`]. The
    /// spend records, in the same step, the id (`jti`) and expiry of the access token
    /// the exchange is about to issue, so that a replay can revoke it
    /// ([`AuthorizationCode::issued_access_token`] of the record returned, the
    /// first time and after).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn use_code(
        &self,
        hash: &SecretHash,
        now: UnixTime,
        access_jti: &str,
        access_expires_at: UnixTime,
    ) -> impl Future<Output = Result<CodeUse, StoreError>> + Send;
}

/// Consent grants, one per (tenant, user, client).
pub trait GrantRepository: Send + Sync {
    /// Stores the grant, or replaces the scopes, `remembered` and `updated_at` of the
    /// existing grant for the same user and client (keeping its id and `created_at`).
    /// Returns the stored grant.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn upsert_grant(&self, grant: &ConsentGrant) -> impl Future<Output = Result<ConsentGrant, StoreError>> + Send;
    /// The grant of `user` to `client`.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn find_grant(
        &self,
        tenant: &TenantId,
        user: &UserId,
        client: &ClientId,
    ) -> impl Future<Output = Result<Option<ConsentGrant>, StoreError>> + Send;
    /// The tenant's grant with this id.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn get_grant(
        &self,
        tenant: &TenantId,
        id: &GrantId,
    ) -> impl Future<Output = Result<Option<ConsentGrant>, StoreError>> + Send;
    /// One page of the tenant's grants matching `filter`.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn list_grants(
        &self,
        tenant: &TenantId,
        filter: &GrantFilter,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Vec<ConsentGrant>, StoreError>> + Send;
    /// Deletes the grant. `Ok(false)` if it did not exist.
    ///
    /// When the client registered a `backchannel_logout_uri`, it MUST, in the same
    /// transaction, queue a logout due at `now` for every session in which the
    /// client was issued a code (id `<session>:<client>`; the client leaves those
    /// sessions), or, when there is none, one for the user (no session, id the
    /// grant's).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn delete_grant(
        &self,
        tenant: &TenantId,
        id: &GrantId,
        now: UnixTime,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
}

/// Who hears of logouts, and the outbox of back-channel logout tokens (queued by
/// [`SessionRepository`] and [`GrantRepository::delete_grant`]).
pub trait LogoutRepository: Send + Sync {
    /// The clients that were issued a code in `session`: those with a front-channel
    /// URI are told on the signed-out page.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn session_clients(&self, session: &SessionId) -> impl Future<Output = Result<Vec<Client>, StoreError>> + Send;
    /// Claims at most `limit` deliveries due at `now` (not failed), oldest due
    /// first: each claimed row's `attempts` grows by one and its `next_attempt_at`
    /// becomes `lease_until`, in one atomic statement, so that of several senders
    /// (instances) sharing the database exactly one claims each row. A sender that
    /// stops before it settles leaves the row to be claimed again after the lease.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn claim_logout_deliveries(
        &self,
        now: UnixTime,
        lease_until: UnixTime,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<LogoutDelivery>, StoreError>> + Send;
    /// Records what became of an offer: delivered rows are deleted; a retry sets
    /// `next_attempt_at` and `last_error`; giving up marks the row failed.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn settle_logout_delivery(
        &self,
        id: &str,
        outcome: &DeliveryOutcome,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The client's undelivered logouts (waiting and failed), newest first, at most `limit`.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn list_logout_deliveries(
        &self,
        tenant: &TenantId,
        client: &ClientId,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<LogoutDelivery>, StoreError>> + Send;
}

/// Refresh tokens (hashes only).
pub trait RefreshTokenRepository: Send + Sync {
    /// Stores a token.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn insert_refresh_token(&self, token: &RefreshToken) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The token with this hash.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn find_refresh_token(
        &self,
        hash: &SecretHash,
    ) -> impl Future<Output = Result<Option<RefreshToken>, StoreError>> + Send;
    /// The token with this hash and, beside it, its user when the token's origin
    /// still stands (what [`UserRepository::live_token_user`](super::UserRepository::live_token_user)
    /// answers for the token's tenant, user, client and grant): the refresh grant's
    /// two reads in one call.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn find_refresh_token_and_user(
        &self,
        hash: &SecretHash,
    ) -> impl Future<Output = Result<Option<(RefreshToken, Option<User>)>, StoreError>> + Send;
    /// Revokes every live token of the grant; returns how many.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn revoke_grant_tokens(
        &self,
        tenant: &TenantId,
        grant: &GrantId,
        now: UnixTime,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;
    /// Revokes every live token of the families a code started (the code is on
    /// each family's first token); returns how many.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn revoke_code_tokens(
        &self,
        code: &SecretHash,
        now: UnixTime,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;
    /// Marks `old` rotated and stores `successor`, in one transaction: `Ok(true)` for
    /// exactly one of several concurrent callers, and only while `old` is neither
    /// rotated nor revoked; otherwise nothing changes and `Ok(false)`.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn replace_refresh_token(
        &self,
        old: &RefreshTokenId,
        successor: &RefreshToken,
        now: UnixTime,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Revokes every live token of the family; returns how many.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn revoke_family(
        &self,
        family: &RefreshTokenId,
        now: UnixTime,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;
}

/// Access tokens revoked before their expiry, by `jti` (RFC 7009 §2).
pub trait AccessTokenDenyList: Send + Sync {
    /// Records a revoked `jti`, kept until `expires_at` (the token's own expiry).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn deny_access_token(&self, jti: &str, expires_at: UnixTime)
    -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Whether the `jti` was revoked.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn is_access_token_denied(&self, jti: &str) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Whether a client's own token (client credentials) is live: the client still
    /// exists in the tenant and `jti` is not on the deny-list. One indexed read.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn is_client_token_live(
        &self,
        tenant: &TenantId,
        client: &ClientId,
        jti: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
}

/// Device authorizations (RFC 8628).
pub trait DeviceCodeRepository: Send + Sync {
    /// Stores a new one. MUST return [`StoreError::Conflict`] if the user code is taken.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] as said above; [`StoreError::Unavailable`] when the
    /// database fails or does not answer in time.
    fn insert_device_code(&self, code: &DeviceCode) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The one with this device-code hash.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn find_device_code(
        &self,
        hash: &SecretHash,
    ) -> impl Future<Output = Result<Option<DeviceCode>, StoreError>> + Send;
    /// The one whose user code hashes to `user_code_hash` (any tenant: the user types
    /// it before a tenant is known).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn find_device_code_by_user_code(
        &self,
        user_code_hash: &SecretHash,
    ) -> impl Future<Output = Result<Option<DeviceCode>, StoreError>> + Send;
    /// Replaces status, approver, interval and last poll. `Ok(false)` if it is gone.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn update_device_code(&self, code: &DeviceCode) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Moves an approved code to used, atomically: `Ok(true)` for exactly one caller.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn use_device_code(&self, hash: &SecretHash) -> impl Future<Output = Result<bool, StoreError>> + Send;
}

/// Removal of what has expired, in bounded batches.
pub trait Housekeeping: Send + Sync {
    /// Deletes up to `batch` expired rows of each kind (pending requests, codes,
    /// sessions, device codes, denied `jti`s, refresh tokens expired a day ago,
    /// stale throttle counters); returns how many rows went.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn purge_expired(&self, now: UnixTime, batch: i64) -> impl Future<Output = Result<u64, StoreError>> + Send;
}

/// Signing keys (public JWK and sealed private key).
pub trait SigningKeyRepository: Send + Sync {
    /// Stores a new key.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn insert_signing_key(&self, key: &SigningKeyRecord) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Every stored key.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn list_signing_keys(&self) -> impl Future<Output = Result<Vec<SigningKeyRecord>, StoreError>> + Send;
    /// Marks every unretired `alg` key other than `except` retired at `at`.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn retire_signing_keys(
        &self,
        alg: SigningAlg,
        except: &str,
        at: UnixTime,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;
}
