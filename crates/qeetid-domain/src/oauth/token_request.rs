//! What a client asks the token endpoint for (RFC 6749 §4.1.3, §4.4.2, §6; RFC 8628
//! §3.4): one variant per grant, its required parameters present and its values
//! parsed, so the use cases never look at raw form fields or grant-type strings.

use super::OAuthError;
use crate::pkce::CodeVerifier;
use crate::scope::ScopeSet;

/// `grant_type` of the device authorization grant (RFC 8628 §3.4).
pub const DEVICE_CODE_GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// `grant_type=authorization_code`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeExchange {
    /// The authorization code.
    pub code: String,
    /// The redirect URI the code was issued for (required: OIDC Core §3.1.3.1).
    pub redirect_uri: String,
    /// The PKCE verifier (RFC 7636 §4.5), when the code was bound to a challenge.
    pub code_verifier: Option<CodeVerifier>,
    /// `resource` (RFC 8707): must be the one the code was granted for.
    pub resource: Option<String>,
}

/// `grant_type=refresh_token`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshRequest {
    /// The refresh token.
    pub refresh_token: String,
    /// A narrower scope for the new access token, if asked.
    pub scope: Option<ScopeSet>,
    /// `resource` (RFC 8707): must be the one the grant was made for.
    pub resource: Option<String>,
}

/// `grant_type=client_credentials`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClientCredentialsRequest {
    /// The scopes asked for; the client's own (non-user) scopes when absent.
    pub scope: Option<ScopeSet>,
    /// The resource the token is for (RFC 8707), its `aud`.
    pub resource: Option<String>,
}

/// The device grant's poll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DevicePoll {
    /// The device code the device received.
    pub device_code: String,
}

/// `grant_type` of token exchange (RFC 8693 §2.1).
pub const TOKEN_EXCHANGE_GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
/// The token type of an access token (RFC 8693 §3).
pub const ACCESS_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:access_token";
/// The token type of an ID token (RFC 8693 §3).
pub const ID_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:id_token";

/// A token of a token exchange and what it says it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedToken {
    /// The token.
    pub token: String,
    /// Its type: [`ACCESS_TOKEN_TYPE`] or [`ID_TOKEN_TYPE`].
    pub token_type: String,
}

/// `grant_type=urn:ietf:params:oauth:grant-type:token-exchange` (RFC 8693 §2.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExchangeRequest {
    /// Whom the new token is for: a user's access or ID token of this deployment.
    pub subject: TypedToken,
    /// Who acts for the subject (delegation): an access token of the client's.
    pub actor: Option<TypedToken>,
    /// `audience` or `resource`: where the new token may be used.
    pub audience: Option<String>,
    /// The scopes asked for.
    pub scope: Option<ScopeSet>,
}

/// A token request of a supported grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenRequest {
    /// `authorization_code`.
    AuthorizationCode(CodeExchange),
    /// `refresh_token`.
    RefreshToken(RefreshRequest),
    /// `client_credentials`.
    ClientCredentials(ClientCredentialsRequest),
    /// The device grant.
    DeviceCode(DevicePoll),
    /// Token exchange.
    TokenExchange(ExchangeRequest),
}

impl TokenRequest {
    /// Reads a token request from its form parameters (`param(name)`): an unknown
    /// `grant_type` is `unsupported_grant_type`, a missing or malformed parameter
    /// `invalid_request`, a malformed scope `invalid_scope`.
    pub fn parse<'a>(param: impl Fn(&str) -> Option<&'a str>) -> Result<Self, OAuthError> {
        let required = |name: &str| {
            param(name).map(str::to_owned).ok_or_else(|| OAuthError::InvalidRequest(format!("{name} is required")))
        };
        let scope = || {
            param("scope")
                .map(|raw| ScopeSet::parse_delimited(raw).map_err(|e| OAuthError::InvalidScope(e.to_string())))
                .transpose()
        };
        match param("grant_type") {
            None => Err(OAuthError::InvalidRequest("grant_type is required".into())),
            Some("authorization_code") => Ok(Self::AuthorizationCode(CodeExchange {
                code: required("code")?,
                redirect_uri: required("redirect_uri")?,
                code_verifier: param("code_verifier")
                    .map(CodeVerifier::parse)
                    .transpose()
                    .map_err(|e| OAuthError::InvalidRequest(e.to_string()))?,
                resource: param("resource").map(str::to_owned),
            })),
            Some("refresh_token") => Ok(Self::RefreshToken(RefreshRequest {
                refresh_token: required("refresh_token")?,
                scope: scope()?,
                resource: param("resource").map(str::to_owned),
            })),
            Some("client_credentials") => Ok(Self::ClientCredentials(ClientCredentialsRequest {
                scope: scope()?,
                resource: param("resource").map(str::to_owned),
            })),
            Some(DEVICE_CODE_GRANT_TYPE) => Ok(Self::DeviceCode(DevicePoll { device_code: required("device_code")? })),
            Some(TOKEN_EXCHANGE_GRANT_TYPE) => {
                if param("requested_token_type").is_some_and(|t| t != ACCESS_TOKEN_TYPE) {
                    return Err(OAuthError::InvalidRequest(format!(
                        "requested_token_type: only {ACCESS_TOKEN_TYPE} is issued"
                    )));
                }
                let actor = match (param("actor_token"), param("actor_token_type")) {
                    (None, None) => None,
                    (Some(token), Some(kind)) => {
                        Some(TypedToken { token: token.to_owned(), token_type: kind.to_owned() })
                    }
                    _ => {
                        return Err(OAuthError::InvalidRequest(
                            "actor_token and actor_token_type come together".into(),
                        ));
                    }
                };
                let audience = match (param("audience"), param("resource")) {
                    (Some(_), Some(_)) => {
                        return Err(OAuthError::InvalidRequest("name the target once: audience or resource".into()));
                    }
                    (a, r) => a.or(r).map(str::to_owned),
                };
                Ok(Self::TokenExchange(ExchangeRequest {
                    subject: TypedToken {
                        token: required("subject_token")?,
                        token_type: required("subject_token_type")?,
                    },
                    actor,
                    audience,
                    scope: scope()?,
                }))
            }
            Some(other) => Err(OAuthError::UnsupportedGrantType(format!("grant_type `{other}` is not supported"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(pairs: &[(&str, &str)]) -> Result<TokenRequest, OAuthError> {
        TokenRequest::parse(|name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| *v))
    }

    #[test]
    fn each_grant_is_read_with_its_required_parameters() {
        let code = parse(&[
            ("grant_type", "authorization_code"),
            ("code", "qac_x"),
            ("redirect_uri", "https://app.example/cb"),
            ("code_verifier", "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
        ]);
        assert!(matches!(code, Ok(TokenRequest::AuthorizationCode(c)) if c.code_verifier.is_some()));
        let missing = parse(&[("grant_type", "authorization_code"), ("code", "qac_x")]);
        assert!(matches!(missing, Err(OAuthError::InvalidRequest(d)) if d.contains("redirect_uri")));
        let short = parse(&[
            ("grant_type", "authorization_code"),
            ("code", "c"),
            ("redirect_uri", "r"),
            ("code_verifier", "x"),
        ]);
        assert!(matches!(short, Err(OAuthError::InvalidRequest(_))));
        let narrowed = parse(&[("grant_type", "refresh_token"), ("refresh_token", "qrt_x"), ("scope", "openid")]);
        assert!(matches!(narrowed, Ok(TokenRequest::RefreshToken(r)) if r.scope.is_some()));
        assert!(matches!(
            parse(&[("grant_type", "refresh_token"), ("scope", "a\"b")]),
            Err(OAuthError::InvalidRequest(_))
        ));
        let bad_scope = parse(&[("grant_type", "client_credentials"), ("scope", "a\"b")]);
        assert!(matches!(bad_scope, Err(OAuthError::InvalidScope(_))));
        assert!(matches!(
            parse(&[("grant_type", DEVICE_CODE_GRANT_TYPE), ("device_code", "d")]),
            Ok(TokenRequest::DeviceCode(_))
        ));
        assert!(matches!(parse(&[("grant_type", "password")]), Err(OAuthError::UnsupportedGrantType(_))));
        assert!(matches!(parse(&[]), Err(OAuthError::InvalidRequest(_))));
    }
}
