//! The standard scopes: what the consent page says about each, and which claims
//! each releases (OIDC Core §5.4).

/// `openid`: the request is an OpenID Connect sign-in.
pub const OPENID: &str = "openid";
/// `profile`: the `name` claim.
pub const PROFILE: &str = "profile";
/// `email`: the `email` and `email_verified` claims.
pub const EMAIL: &str = "email";
/// `offline_access`: refresh tokens (OIDC Core §11).
pub const OFFLINE_ACCESS: &str = "offline_access";

/// Scopes every deployment supports (advertised in discovery).
pub const SUPPORTED: [&str; 4] = [OPENID, PROFILE, EMAIL, OFFLINE_ACCESS];

/// Claims the standard scopes release (advertised in discovery).
pub const CLAIMS_SUPPORTED: [&str; 14] = [
    "sub",
    "iss",
    "aud",
    "exp",
    "iat",
    "auth_time",
    "nonce",
    "acr",
    "amr",
    "sid",
    "tid",
    "name",
    "email",
    "email_verified",
];

/// What the consent page says a scope lets the client do.
pub fn describe(scope: &str) -> String {
    match scope {
        OPENID => "Sign you in with your account".to_owned(),
        PROFILE => "See your name".to_owned(),
        EMAIL => "See your e-mail address".to_owned(),
        OFFLINE_ACCESS => "Stay connected when you are not using it (refresh tokens)".to_owned(),
        other => format!("Access “{other}”"),
    }
}
