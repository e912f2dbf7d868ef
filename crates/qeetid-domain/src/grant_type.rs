//! The grant types a client may be registered for.

/// A grant type this deployment supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GrantType {
    /// `authorization_code` (RFC 6749 §4.1, with PKCE).
    AuthorizationCode,
    /// `refresh_token` (RFC 6749 §6).
    RefreshToken,
    /// `client_credentials` (RFC 6749 §4.4), confidential clients only.
    ClientCredentials,
    /// `urn:ietf:params:oauth:grant-type:device_code` (RFC 8628 §3.4).
    DeviceCode,
    /// `urn:ietf:params:oauth:grant-type:token-exchange` (RFC 8693), confidential
    /// clients with an exchange policy only.
    TokenExchange,
}

/// A grant type this deployment does not support.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unsupported grant type `{0}`: use authorization_code, refresh_token, client_credentials, urn:ietf:params:oauth:grant-type:device_code or urn:ietf:params:oauth:grant-type:token-exchange"
)]
pub struct UnsupportedGrantType(pub String);

impl GrantType {
    /// Every supported grant type.
    pub const ALL: [GrantType; 5] =
        [Self::AuthorizationCode, Self::RefreshToken, Self::ClientCredentials, Self::DeviceCode, Self::TokenExchange];

    /// Parses the wire name.
    pub fn parse(s: &str) -> Result<Self, UnsupportedGrantType> {
        Self::ALL.into_iter().find(|g| g.as_str() == s).ok_or_else(|| UnsupportedGrantType(s.to_owned()))
    }

    /// The wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::AuthorizationCode => "authorization_code",
            Self::RefreshToken => "refresh_token",
            Self::ClientCredentials => "client_credentials",
            Self::DeviceCode => "urn:ietf:params:oauth:grant-type:device_code",
            Self::TokenExchange => "urn:ietf:params:oauth:grant-type:token-exchange",
        }
    }
}
