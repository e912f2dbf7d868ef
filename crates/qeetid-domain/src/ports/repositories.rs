//! The repository ports: what the store must do, one trait per aggregate.
//!
//! Every method is one atomic step: what its doc says MUST hold even when several
//! instances share the database and call it at once. Every method that reads or
//! writes the database answers [`StoreError::Unavailable`] when the database fails
//! or does not answer in time (the adapters then answer 503), and never panics;
//! `Ok(false)` / `Ok(None)` mean "no such object", never a failure. The contract
//! suite in `qeetid-store` (`tests/contract`) holds an implementation to these rules.

use std::future::Future;

use crate::api_key::ApiKey;
use crate::client::Client;
use crate::error::StoreError;
use crate::federation::{FederatedLink, IdentityProvider, UpstreamFlow};
use crate::id::{
    ApiKeyId, CeremonyId, ClientId, GrantId, PasskeyId, ProviderId, RefreshTokenId, RequestId, SessionId, TenantId,
    UserId,
};
use crate::mfa::TotpFactor;
use crate::oauth::{
    AuthorizationCode, CodeUse, ConsentGrant, DeviceCode, GrantFilter, PendingRequest, RefreshToken, Session,
    SigningKeyRecord,
};
use crate::page::PageRequest;
use crate::passkey::{StoredCeremony, StoredPasskey};
use crate::secret::SecretHash;
use crate::tenant::Tenant;
use crate::time::UnixTime;
use crate::user::{Email, User};

/// Tenants. Lists return up to [`PageRequest::fetch_limit`] rows, newest first
/// by (`created_at`, `id`) descending, starting after the request's cursor.
pub trait TenantRepository: Send + Sync {
    /// Stores a new tenant. MUST return [`StoreError::Conflict`] if the id exists.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] as said above; [`StoreError::Unavailable`] when the
    /// database fails or does not answer in time.
    fn insert_tenant(&self, tenant: &Tenant) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The tenant with this id.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn get_tenant(&self, id: &TenantId) -> impl Future<Output = Result<Option<Tenant>, StoreError>> + Send;
    /// One page of tenants (deployment-wide: only deployment keys call it).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn list_tenants(&self, page: &PageRequest) -> impl Future<Output = Result<Vec<Tenant>, StoreError>> + Send;
    /// Replaces the tenant's name and `updated_at`. `Ok(false)` if it does not exist.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn update_tenant(&self, tenant: &Tenant) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Deletes the tenant and everything it owns. `Ok(false)` if it did not exist.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn delete_tenant(&self, id: &TenantId) -> impl Future<Output = Result<bool, StoreError>> + Send;
}

/// Admin API keys (hashes only).
pub trait ApiKeyRepository: Send + Sync {
    /// Stores a key. MUST return [`StoreError::Conflict`] if the id or hash exists.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] as said above; [`StoreError::Unavailable`] when the
    /// database fails or does not answer in time.
    fn insert_api_key(&self, key: &ApiKey) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The key with this hash, in any tenant: authentication comes before any tenant is known.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn find_api_key_by_hash(
        &self,
        hash: &SecretHash,
    ) -> impl Future<Output = Result<Option<ApiKey>, StoreError>> + Send;
    /// Whether any deployment-wide key exists (decides whether to bootstrap one).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn has_deployment_key(&self) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// One page of the tenant's keys.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn list_api_keys(
        &self,
        tenant: &TenantId,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Vec<ApiKey>, StoreError>> + Send;
    /// Deletes one of the tenant's keys. `Ok(false)` if the tenant has no such key.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn delete_api_key(&self, tenant: &TenantId, id: &ApiKeyId)
    -> impl Future<Output = Result<bool, StoreError>> + Send;
}

/// Users of a tenant.
pub trait UserRepository: Send + Sync {
    /// Stores a user. MUST return [`StoreError::Conflict`] if the tenant already has the e-mail.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] as said above; [`StoreError::Unavailable`] when the
    /// database fails or does not answer in time.
    fn insert_user(&self, user: &User) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The tenant's user with this id.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn get_user(&self, tenant: &TenantId, id: &UserId)
    -> impl Future<Output = Result<Option<User>, StoreError>> + Send;
    /// The user a token was issued to, while the token's origin still stands: the
    /// user exists in the tenant, the consent grant `token.grant` still exists for
    /// that user and `token.client`, the client still exists in the tenant, and
    /// `token.jti` (when given) is not on the access-token deny-list. `Ok(None)`
    /// otherwise. UserInfo and introspection check a token with this one indexed
    /// read, so revoking a grant, deleting a client or deleting a user ends every
    /// token issued under them at once. The caller checks `disabled_at` and
    /// `tokens_revoked_at` on the answer.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn live_token_user(&self, token: &TokenOrigin<'_>)
    -> impl Future<Output = Result<Option<User>, StoreError>> + Send;
    /// The tenant's user with this (lower-cased) e-mail.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn find_user_by_email(
        &self,
        tenant: &TenantId,
        email: &Email,
    ) -> impl Future<Output = Result<Option<User>, StoreError>> + Send;
    /// One page of the tenant's users.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn list_users(
        &self,
        tenant: &TenantId,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Vec<User>, StoreError>> + Send;
    /// Replaces every mutable field of the user. `Ok(false)` if it does not exist;
    /// [`StoreError::Conflict`] if the new e-mail is taken.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] as said above; [`StoreError::Unavailable`] when the
    /// database fails or does not answer in time.
    fn update_user(&self, user: &User) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Deletes the tenant's user. `Ok(false)` if it did not exist.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn delete_user(&self, tenant: &TenantId, id: &UserId) -> impl Future<Output = Result<bool, StoreError>> + Send;
}

/// OAuth clients.
pub trait ClientRepository: Send + Sync {
    /// Stores a client. MUST return [`StoreError::Conflict`] if the id exists.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] as said above; [`StoreError::Unavailable`] when the
    /// database fails or does not answer in time.
    fn insert_client(&self, client: &Client) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The tenant's client with this id.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn get_client(
        &self,
        tenant: &TenantId,
        id: &ClientId,
    ) -> impl Future<Output = Result<Option<Client>, StoreError>> + Send;
    /// The client with this id in any tenant: OAuth requests and `DELETE
    /// /v1/oidc/clients/{id}` name a client before its tenant is known. The caller
    /// MUST check the tenant of what it gets.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn find_client(&self, id: &ClientId) -> impl Future<Output = Result<Option<Client>, StoreError>> + Send;
    /// One page of the tenant's clients.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn list_clients(
        &self,
        tenant: &TenantId,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Vec<Client>, StoreError>> + Send;
    /// One page of the tenant's clients whose name contains `name`, ignoring ASCII case
    /// (`%` and `_` are matched literally).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn search_clients(
        &self,
        tenant: &TenantId,
        name: &str,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Vec<Client>, StoreError>> + Send;
    /// The display names of those of `ids` that are the tenant's clients, in one query.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn client_names(
        &self,
        tenant: &TenantId,
        ids: &[ClientId],
    ) -> impl Future<Output = Result<Vec<(ClientId, String)>, StoreError>> + Send;
    /// Replaces the client's settings, secrets and `updated_at`. `Ok(false)` if it does not exist.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn update_client(&self, client: &Client) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Deletes the tenant's client. `Ok(false)` if it did not exist.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn delete_client(&self, tenant: &TenantId, id: &ClientId) -> impl Future<Output = Result<bool, StoreError>> + Send;
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
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn delete_session(&self, id: &SessionId) -> impl Future<Output = Result<bool, StoreError>> + Send;
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
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn delete_user_session(
        &self,
        tenant: &TenantId,
        user: &UserId,
        id: &SessionId,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Ends every session of the user but `keep`; answers how many ended.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn delete_user_sessions(
        &self,
        tenant: &TenantId,
        user: &UserId,
        keep: Option<&SessionId>,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;
}

/// Authorization codes.
pub trait CodeRepository: Send + Sync {
    /// Stores a code (its hash).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn insert_code(&self, code: &AuthorizationCode) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Spends the code with this hash, atomically: of two concurrent uses exactly one
    /// MUST see [`CodeUse::First`]; every later use sees [`CodeUse::Replayed`].
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn use_code(&self, hash: &SecretHash, now: UnixTime) -> impl Future<Output = Result<CodeUse, StoreError>> + Send;
    /// Records the access token a spent code was exchanged for (its `jti` and expiry).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn record_issued_access_token(
        &self,
        hash: &SecretHash,
        jti: &str,
        expires_at: UnixTime,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
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
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn delete_grant(&self, tenant: &TenantId, id: &GrantId) -> impl Future<Output = Result<bool, StoreError>> + Send;
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
    /// Revokes every live token a code started; returns how many.
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

/// What must still exist for a user's token to be live (see
/// [`UserRepository::live_token_user`]).
#[derive(Debug, Clone, Copy)]
pub struct TokenOrigin<'a> {
    /// The token's tenant (`tid`).
    pub tenant: &'a TenantId,
    /// The user (`sub`).
    pub user: &'a UserId,
    /// The client it was issued to (`client_id`).
    pub client: &'a ClientId,
    /// The consent grant it was issued under (`gid`).
    pub grant: &'a GrantId,
    /// The access token's `jti`; `None` for a refresh token.
    pub jti: Option<&'a str>,
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
    /// Marks every unretired key other than `except` retired at `at`.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn retire_signing_keys(&self, except: &str, at: UnixTime) -> impl Future<Output = Result<u64, StoreError>> + Send;
}

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
