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
    /// can revoke what it issued.
    pub origin_code: Option<SecretHash>,
    /// Granted scopes.
    pub scope: ScopeSet,
    /// Original authentication time.
    pub auth_time: UnixTime,
    /// Issued.
    pub created_at: UnixTime,
    /// Expires.
    pub expires_at: UnixTime,
    /// Revoked, if it was.
    pub revoked_at: Option<UnixTime>,
}
