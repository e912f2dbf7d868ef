//! Token lifetimes and the `at_hash` of OIDC Core §3.1.3.6.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest as _, Sha256};

/// The claims of a JWT whose signature checked out against a published key.
/// Expiry, issuer and type are the use case's to check.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerifiedToken {
    /// The header's `typ` (`at+jwt` for access tokens, `JWT` for ID tokens).
    pub typ: String,
    /// `iss`.
    pub iss: Option<String>,
    /// `sub`.
    pub sub: Option<String>,
    /// `aud` (one or several).
    pub aud: Vec<String>,
    /// `exp`.
    pub exp: Option<i64>,
    /// `iat`.
    pub iat: Option<i64>,
    /// `jti`.
    pub jti: Option<String>,
    /// `client_id` (access tokens).
    pub client_id: Option<String>,
    /// `scope` (access tokens).
    pub scope: Option<String>,
    /// `tid`.
    pub tid: Option<String>,
    /// `sid`.
    pub sid: Option<String>,
    /// `gid`: the consent grant a user's access token was issued under.
    pub gid: Option<String>,
    /// `auth_time`: when the user authenticated.
    pub auth_time: Option<i64>,
    /// `cnf.jkt` (RFC 9449 §6.1): the DPoP key the token is bound to.
    pub cnf_jkt: Option<String>,
    /// `gcid`: the client of the grant `gid`, when that is not `client_id` (a token
    /// from a token exchange).
    pub gcid: Option<String>,
    /// `act.sub` (RFC 8693 §4.1): who acts for the subject, in a delegated token.
    pub act: Option<String>,
}

impl VerifiedToken {
    /// Whether this is an ID token `issuer` issued (`typ: JWT`): what an
    /// `id_token_hint` must be. Expiry is not checked (OIDC allows expired hints).
    pub fn is_id_token_of(&self, issuer: &str) -> bool {
        self.typ == "JWT" && self.iss.as_deref() == Some(issuer)
    }
}

/// How long each artefact of the flow lives, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenLifetimes {
    /// Authorization codes (RFC 6749 §4.1.2 recommends at most 10 minutes; 60 s here).
    pub code: i64,
    /// Access tokens.
    pub access_token: i64,
    /// ID tokens.
    pub id_token: i64,
    /// Refresh tokens (absolute).
    pub refresh_token: i64,
    /// Refresh tokens (idle: unused this long, one expires).
    pub refresh_token_idle: i64,
    /// Device codes (RFC 8628).
    pub device_code: i64,
    /// SSO sessions.
    pub session: i64,
    /// Pending authorization requests (time to sign in and consent).
    pub request: i64,
}

impl Default for TokenLifetimes {
    fn default() -> Self {
        Self {
            code: 60,
            access_token: 3600,
            id_token: 3600,
            refresh_token: 30 * 24 * 3600,
            refresh_token_idle: 14 * 24 * 3600,
            device_code: 600,
            session: 24 * 3600,
            request: 600,
        }
    }
}

impl TokenLifetimes {
    /// The longest lifetime of a signed token: how long a retired key must stay published.
    pub fn longest_signed(&self) -> i64 {
        self.access_token.max(self.id_token)
    }
}

/// `at_hash`: base64url of the left half of SHA-256 of the access token (ES256 uses SHA-256).
pub fn at_hash(access_token: &str) -> String {
    let digest = Sha256::digest(access_token.as_bytes());
    URL_SAFE_NO_PAD.encode(&digest[..16])
}
