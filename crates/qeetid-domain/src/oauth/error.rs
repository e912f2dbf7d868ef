//! OAuth 2.0 and OpenID Connect error codes, as the wire spells them.

/// An error of an OAuth endpoint. Each variant is one registered error code; the
/// text is the `error_description` (RFC 6749 §4.1.2.1, §5.2; OIDC Core §3.1.2.6).
#[derive(Debug, thiserror::Error)]
pub enum OAuthError {
    /// `invalid_request`: a parameter is missing, repeated, malformed or unsupported.
    #[error("invalid_request: {0}")]
    InvalidRequest(String),
    /// `invalid_client` (RFC 6749 §5.2): client authentication failed. Answered with 401.
    #[error("invalid_client: {0}")]
    InvalidClient(String),
    /// `invalid_client`, answered with 429 and `Retry-After`: this client id from
    /// this address (or this address) failed client authentication too often.
    #[error("invalid_client: too many failed client authentications; try again in {retry_after} seconds")]
    TooManyAttempts {
        /// Seconds to wait.
        retry_after: i64,
    },
    /// `invalid_grant` (RFC 6749 §5.2): the code or refresh token is invalid,
    /// expired, revoked, already used, or issued to another client or redirect URI.
    #[error("invalid_grant: {0}")]
    InvalidGrant(String),
    /// `unauthorized_client`: the client may not use this grant or response type.
    #[error("unauthorized_client: {0}")]
    UnauthorizedClient(String),
    /// `unsupported_grant_type` (RFC 6749 §5.2).
    #[error("unsupported_grant_type: {0}")]
    UnsupportedGrantType(String),
    /// `unsupported_response_type` (RFC 6749 §4.1.2.1).
    #[error("unsupported_response_type: {0}")]
    UnsupportedResponseType(String),
    /// `invalid_scope`: unknown, malformed, or beyond what the client may ask.
    #[error("invalid_scope: {0}")]
    InvalidScope(String),
    /// `access_denied`: the user (or the server) refused.
    #[error("access_denied: {0}")]
    AccessDenied(String),
    /// `login_required` (OIDC Core §3.1.2.6): `prompt=none` without a usable session.
    #[error("login_required: {0}")]
    LoginRequired(String),
    /// `consent_required` (OIDC Core §3.1.2.6): `prompt=none` without remembered consent.
    #[error("consent_required: {0}")]
    ConsentRequired(String),
    /// `invalid_token` (RFC 6750 §3.1): the bearer token is expired, revoked, malformed or invalid.
    #[error("invalid_token: {0}")]
    InvalidToken(String),
    /// `insufficient_scope` (RFC 6750 §3.1).
    #[error("insufficient_scope: {0}")]
    InsufficientScope(String),
    /// `invalid_target` (RFC 8707 §2): the `resource` parameter is not acceptable.
    #[error("invalid_target: {0}")]
    InvalidTarget(String),
    /// `authorization_pending` (RFC 8628 §3.5): the user has not answered yet.
    #[error("authorization_pending: {0}")]
    AuthorizationPending(String),
    /// `slow_down` (RFC 8628 §3.5): polling too fast; the interval grew by 5 seconds.
    #[error("slow_down: {0}")]
    SlowDown(String),
    /// `expired_token` (RFC 8628 §3.5): the device code expired.
    #[error("expired_token: {0}")]
    ExpiredToken(String),
    /// `request_not_supported` (OIDC Core §3.1.2.6): the `request` parameter.
    #[error("request_not_supported: {0}")]
    RequestNotSupported(String),
    /// `request_uri_not_supported` (OIDC Core §3.1.2.6): the `request_uri` parameter.
    #[error("request_uri_not_supported: {0}")]
    RequestUriNotSupported(String),
    /// `invalid_request_object` (RFC 9101 §6.2): the request object does not verify
    /// or its claims are wrong.
    #[error("invalid_request_object: {0}")]
    InvalidRequestObject(String),
    /// `invalid_request_uri` (RFC 9101 §6.2): the `request_uri` is not registered,
    /// is refused by the outbound rules, or did not answer.
    #[error("invalid_request_uri: {0}")]
    InvalidRequestUri(String),
    /// `invalid_dpop_proof` (RFC 9449 §5, §7.1): the DPoP proof is missing where
    /// required, malformed, for another request, stale or replayed.
    #[error("invalid_dpop_proof: {0}")]
    InvalidDpopProof(String),
    /// `use_dpop_nonce` (RFC 9449 §8, §9): send the proof again with this nonce
    /// (answered in the `DPoP-Nonce` header).
    #[error("use_dpop_nonce: the server asks for a nonce in the DPoP proof")]
    UseDpopNonce {
        /// The nonce to put in the next proof.
        nonce: String,
    },
    /// `server_error`: infrastructure failed; the source is for the log only.
    #[error("server_error: {0}")]
    ServerError(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl OAuthError {
    /// The `error` code on the wire.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::InvalidRequest(_) => "invalid_request",
            Self::InvalidClient(_) | Self::TooManyAttempts { .. } => "invalid_client",
            Self::InvalidGrant(_) => "invalid_grant",
            Self::UnauthorizedClient(_) => "unauthorized_client",
            Self::UnsupportedGrantType(_) => "unsupported_grant_type",
            Self::UnsupportedResponseType(_) => "unsupported_response_type",
            Self::InvalidScope(_) => "invalid_scope",
            Self::AccessDenied(_) => "access_denied",
            Self::LoginRequired(_) => "login_required",
            Self::ConsentRequired(_) => "consent_required",
            Self::InvalidToken(_) => "invalid_token",
            Self::InsufficientScope(_) => "insufficient_scope",
            Self::InvalidTarget(_) => "invalid_target",
            Self::AuthorizationPending(_) => "authorization_pending",
            Self::SlowDown(_) => "slow_down",
            Self::ExpiredToken(_) => "expired_token",
            Self::RequestNotSupported(_) => "request_not_supported",
            Self::RequestUriNotSupported(_) => "request_uri_not_supported",
            Self::InvalidRequestObject(_) => "invalid_request_object",
            Self::InvalidRequestUri(_) => "invalid_request_uri",
            Self::InvalidDpopProof(_) => "invalid_dpop_proof",
            Self::UseDpopNonce { .. } => "use_dpop_nonce",
            Self::ServerError(_) => "server_error",
        }
    }

    /// The `error_description`; never the source of a server error.
    pub fn description(&self) -> &str {
        match self {
            Self::InvalidRequest(d)
            | Self::InvalidClient(d)
            | Self::RequestNotSupported(d)
            | Self::RequestUriNotSupported(d)
            | Self::InvalidRequestObject(d)
            | Self::InvalidRequestUri(d)
            | Self::InvalidDpopProof(d)
            | Self::InvalidGrant(d)
            | Self::UnauthorizedClient(d)
            | Self::UnsupportedGrantType(d)
            | Self::UnsupportedResponseType(d)
            | Self::InvalidScope(d)
            | Self::AccessDenied(d)
            | Self::LoginRequired(d)
            | Self::ConsentRequired(d)
            | Self::InvalidToken(d)
            | Self::InsufficientScope(d)
            | Self::InvalidTarget(d)
            | Self::AuthorizationPending(d)
            | Self::SlowDown(d)
            | Self::ExpiredToken(d) => d,
            Self::ServerError(_) => "the server failed; try again later",
            Self::UseDpopNonce { .. } => "make the DPoP proof again with the nonce in the DPoP-Nonce header",
            Self::TooManyAttempts { .. } => "too many failed client authentications from this address; try again later",
        }
    }
}

impl From<crate::error::StoreError> for OAuthError {
    fn from(err: crate::error::StoreError) -> Self {
        Self::ServerError(Box::new(err))
    }
}
