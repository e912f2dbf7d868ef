//! Pushed authorization requests (RFC 9126): the parameters a client posted to the
//! PAR endpoint, kept for a minute under a one-time `request_uri`; and the record
//! of a token exchange (RFC 8693).

use crate::id::{ClientId, TenantId};
use crate::secret::SecretHash;
use crate::time::UnixTime;

/// What every `request_uri` the PAR endpoint issues starts with (RFC 9126 §2.2).
pub const PUSHED_REQUEST_URI_PREFIX: &str = "urn:ietf:params:oauth:request_uri:";
/// How long a pushed request waits for the authorization request that uses it.
pub const PUSHED_REQUEST_SECONDS: i64 = 60;

/// A pushed request as stored: the parameters in the adapter's form encoding
/// (opaque to the domain, which never reads them back itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushedRequest {
    /// SHA-256 of the `request_uri`'s random part.
    pub id_hash: SecretHash,
    /// The client's tenant.
    pub tenant_id: TenantId,
    /// The client that pushed it; only it may use the `request_uri`.
    pub client_id: ClientId,
    /// The authorization parameters, form-encoded.
    pub params: String,
    /// When the `request_uri` stops working.
    pub expires_at: UnixTime,
}

/// One token exchange (RFC 8693), kept for the user's audit: who got a token for
/// whom, acting how, for what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenExchangeRecord {
    /// The issued access token's `jti`.
    pub id: String,
    /// The tenant.
    pub tenant_id: TenantId,
    /// The user the token is for.
    pub user_id: crate::id::UserId,
    /// The client that exchanged.
    pub client_id: ClientId,
    /// The client the subject token had been issued to.
    pub subject_client_id: ClientId,
    /// Who acts (`act.sub`), for a delegation; `None`: impersonation.
    pub actor: Option<String>,
    /// The audience of the new token.
    pub audience: String,
    /// Its scopes.
    pub scope: crate::scope::ScopeSet,
    /// When.
    pub created_at: UnixTime,
}
