//! What the authorization flow stores: sessions, codes, consent grants, refresh tokens.

use crate::id::{ClientId, GrantId, RefreshTokenId, SessionId, TenantId, UserId};
use crate::pkce::CodeChallenge;
use crate::redirect_uri::RedirectUri;
use crate::scope::ScopeSet;
use crate::secret::SecretHash;
use crate::time::UnixTime;

/// A signed-in browser: the cookie holds a secret whose hash is `token_hash`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Public id (`sid` claim).
    pub id: SessionId,
    /// SHA-256 of the cookie's secret.
    pub token_hash: SecretHash,
    /// The user's tenant: a session never serves another tenant's clients.
    pub tenant_id: TenantId,
    /// Who signed in.
    pub user_id: UserId,
    /// When the user last authenticated (`auth_time`).
    pub auth_time: UnixTime,
    /// How (`amr`, RFC 8176): `pwd`, …
    pub amr: Vec<String>,
    /// When it was created.
    pub created_at: UnixTime,
    /// When it stops working.
    pub expires_at: UnixTime,
    /// The user agent of the browser it started in (at most 256 characters).
    pub user_agent: Option<String>,
    /// The network it started from (`203.0.113.0/24`, `local network`): the place,
    /// roughly, without keeping the address.
    pub network: Option<String>,
}

/// An authorization code (RFC 6749 §4.1.2): single use, short-lived, bound to the
/// client, the redirect URI and the PKCE challenge. Only its hash is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationCode {
    /// SHA-256 of the code.
    pub code_hash: SecretHash,
    /// Tenant.
    pub tenant_id: TenantId,
    /// The client it was issued to.
    pub client_id: ClientId,
    /// The user who authorised.
    pub user_id: UserId,
    /// The session it came from (`sid`).
    pub session_id: SessionId,
    /// The grant it was issued under.
    pub grant_id: GrantId,
    /// The redirect URI of the request, which the exchange must repeat (RFC 6749 §4.1.3).
    pub redirect_uri: RedirectUri,
    /// Granted scopes.
    pub scope: ScopeSet,
    /// The request's `nonce`, for the ID token.
    pub nonce: Option<String>,
    /// The PKCE challenge, when the request had one.
    pub code_challenge: Option<CodeChallenge>,
    /// When the user authenticated.
    pub auth_time: UnixTime,
    /// How the user authenticated.
    pub amr: Vec<String>,
    /// When it was issued.
    pub created_at: UnixTime,
    /// When it expires (60 s after issue by default).
    pub expires_at: UnixTime,
    /// The `jti` and expiry of the access token it was exchanged for, recorded when
    /// it was spent: a replay denies that token (RFC 6749 §4.1.2).
    pub issued_access_token: Option<(String, UnixTime)>,
    /// The resources (RFC 8707) the code was granted for; each access token is for one.
    pub resources: crate::oauth::Resources,
}

/// What happened when a code was presented.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeUse {
    /// First use: the code is now spent.
    First(AuthorizationCode),
    /// The code was already spent: a replay (RFC 6749 §4.1.2).
    Replayed(AuthorizationCode),
    /// No such code.
    Unknown,
}

/// A user's consent to a client's scopes (one per user and client).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentGrant {
    /// `grt_…`
    pub id: GrantId,
    /// Tenant.
    pub tenant_id: TenantId,
    /// Who consented.
    pub user_id: UserId,
    /// To which client.
    pub client_id: ClientId,
    /// The scopes consented to (the union of every decision).
    pub scopes: ScopeSet,
    /// Whether the consent page may be skipped next time.
    pub remembered: bool,
    /// First consent.
    pub created_at: UnixTime,
    /// Last change.
    pub updated_at: UnixTime,
}

/// Which grants a listing wants.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GrantFilter {
    /// Only this user's.
    pub user_id: Option<UserId>,
    /// Only this client's.
    pub client_id: Option<ClientId>,
}

/// A refresh token (opaque; only its hash is stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshToken {
    /// `rtk_…`
    pub id: RefreshTokenId,
    /// SHA-256 of the token.
    pub token_hash: SecretHash,
    /// Tenant.
    pub tenant_id: TenantId,
    /// The client it was issued to.
    pub client_id: ClientId,
    /// The user.
    pub user_id: UserId,
    /// The consent grant it lives under: revoking the grant revokes it.
    pub grant_id: GrantId,
    /// The rotation family: reuse of a rotated token revokes the whole family.
    pub family_id: RefreshTokenId,
    /// Hash of the authorization code that started the family, so a replayed code
    /// can revoke what it issued. On the family's first token only (its successors
    /// carry `None`): revoking by code reaches them through the family.
    pub origin_code: Option<SecretHash>,
    /// Granted scopes.
    pub scope: ScopeSet,
    /// Original authentication time.
    pub auth_time: UnixTime,
    /// How the user authenticated (for ID tokens issued on refresh).
    pub amr: Vec<String>,
    /// The sign-in session, when the family started in a browser.
    pub session_id: Option<SessionId>,
    /// Issued.
    pub created_at: UnixTime,
    /// Expires: the idle deadline, never later than `absolute_expires_at`.
    pub expires_at: UnixTime,
    /// When the whole family expires, however often it is used.
    pub absolute_expires_at: UnixTime,
    /// When it was exchanged for its successor; presenting it again is reuse.
    pub rotated_at: Option<UnixTime>,
    /// Revoked, if it was.
    pub revoked_at: Option<UnixTime>,
    /// The resources (RFC 8707) of the grant, kept on rotation; each access token is for one.
    pub resources: crate::oauth::Resources,
    /// The DPoP key (its JWK thumbprint) a public client's token is bound to
    /// (RFC 9449 §5): a refresh must come with a proof of that key.
    pub dpop_jkt: Option<String>,
}

/// Where a device authorization stands (RFC 8628).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceStatus {
    /// The user has not answered.
    Pending,
    /// The user allowed it; tokens may be collected once.
    Approved,
    /// The user denied it.
    Denied,
    /// The tokens were collected.
    Used,
}

impl DeviceStatus {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Denied => "denied",
            Self::Used => "used",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Pending, Self::Approved, Self::Denied, Self::Used].into_iter().find(|d| d.as_str() == s)
    }
}

/// A device authorization (RFC 8628 §3.2): the device polls with `device_code`
/// (stored as a hash) while the user enters `user_code` on another screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceCode {
    /// SHA-256 of the device code.
    pub device_code_hash: SecretHash,
    /// SHA-256 of what the user types (`XXXX-XXXX` without the dash, from an
    /// unambiguous alphabet): the code itself is shown once, to the device.
    pub user_code_hash: SecretHash,
    /// Tenant.
    pub tenant_id: TenantId,
    /// The client that asked.
    pub client_id: ClientId,
    /// Requested scopes.
    pub scope: ScopeSet,
    /// Seconds the device must wait between polls; grows by 5 on `slow_down`.
    pub interval: i64,
    /// The last poll.
    pub last_polled_at: Option<UnixTime>,
    /// Where it stands.
    pub status: DeviceStatus,
    /// Who approved, once someone has.
    pub user_id: Option<UserId>,
    /// The approving session.
    pub session_id: Option<SessionId>,
    /// When the approver authenticated.
    pub auth_time: Option<UnixTime>,
    /// How the approver authenticated.
    pub amr: Vec<String>,
    /// The grant it was approved under.
    pub grant_id: Option<GrantId>,
    /// Created.
    pub created_at: UnixTime,
    /// Expires.
    pub expires_at: UnixTime,
}
