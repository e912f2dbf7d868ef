//! OAuth endpoint errors on the wire: the token-style JSON body (RFC 6749 §5.2) and
//! the bearer-token challenge of resource endpoints (RFC 6750 §3).

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use qeetid_domain::OAuthError;
use serde::Serialize;
use serde_json::json;

/// `{"error", "error_description"}` with `Cache-Control: no-store`.
#[derive(Debug)]
pub(crate) struct OAuthErrorResponse {
    /// The error.
    pub(crate) error: OAuthError,
}

#[derive(Serialize)]
struct Body<'a> {
    error: &'a str,
    error_description: &'a str,
}

impl std::fmt::Display for OAuthErrorResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.error.fmt(f)
    }
}

impl From<OAuthError> for OAuthErrorResponse {
    fn from(error: OAuthError) -> Self {
        Self { error }
    }
}

impl ResponseError for OAuthErrorResponse {
    fn status_code(&self) -> StatusCode {
        match &self.error {
            // RFC 6749 §5.2: 401 for a failed client authentication.
            OAuthError::InvalidClient(_) => StatusCode::UNAUTHORIZED,
            OAuthError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            OAuthError::ServerError(source) => super::unavailable::status_of(source.as_ref()),
            _ => StatusCode::BAD_REQUEST,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let OAuthError::ServerError(source) = &self.error {
            super::log_failure("OAuth endpoint", source.as_ref());
        }
        let mut response = HttpResponse::build(self.status_code());
        response
            .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
            .insert_header((header::PRAGMA, HeaderValue::from_static("no-cache")));
        if matches!(self.error, OAuthError::InvalidClient(_)) {
            response.insert_header((header::WWW_AUTHENTICATE, r#"Basic realm="qeetid""#));
        }
        if let OAuthError::TooManyAttempts { retry_after } = &self.error {
            response.insert_header((header::RETRY_AFTER, retry_after.to_string()));
        }
        if let OAuthError::UseDpopNonce { nonce } = &self.error {
            response.insert_header((DPOP_NONCE, nonce.as_str()));
        }
        if let OAuthError::ServerError(source) = &self.error
            && super::unavailable::is_unavailable(source.as_ref())
        {
            // RFC 6749 §5.2 has no code for this; the registry's `temporarily_unavailable`
            // (§4.1.2.1) says what happened, and the 503 with Retry-After says when to retry.
            return response
                .json(Body { error: super::unavailable::CODE, error_description: super::unavailable::MESSAGE });
        }
        response.json(Body { error: self.error.as_str(), error_description: self.error.description() })
    }
}

/// The header that hands a client the DPoP nonce to use (RFC 9449 §8).
pub(crate) const DPOP_NONCE: &str = "DPoP-Nonce";

/// A failure of a request with a DPoP-bound token (RFC 9449 §7.1): like
/// [`bearer_error`], with the `DPoP` challenge (naming the algorithms), and the
/// nonce to use in `DPoP-Nonce` for `use_dpop_nonce`.
pub(crate) fn dpop_error(err: &OAuthError) -> HttpResponse {
    if let OAuthError::ServerError(_) = err {
        return bearer_error(Some(err));
    }
    let challenge = format!(
        r#"DPoP realm="qeetid", error="{}", error_description="{}", algs="{}""#,
        err.as_str(),
        err.description().replace('"', "'"),
        qeetid_domain::dpop::PROOF_ALGS.join(" ")
    );
    let mut response = match err {
        OAuthError::InsufficientScope(_) => HttpResponse::Forbidden(),
        OAuthError::InvalidRequest(_) => HttpResponse::BadRequest(),
        _ => HttpResponse::Unauthorized(),
    };
    response.insert_header((header::WWW_AUTHENTICATE, challenge));
    if let OAuthError::UseDpopNonce { nonce } = err {
        response.insert_header((DPOP_NONCE, nonce.as_str()));
    }
    response.json(json!({ "error": err.as_str(), "error_description": err.description() }))
}

/// A bearer-token failure (RFC 6750 §3): 401 with `WWW-Authenticate: Bearer …`,
/// or 403 for `insufficient_scope`; no error code when no token came at all.
pub(crate) fn bearer_error(err: Option<&OAuthError>) -> HttpResponse {
    let Some(err) = err else {
        return HttpResponse::Unauthorized()
            .insert_header((header::WWW_AUTHENTICATE, r#"Bearer realm="qeetid""#))
            .finish();
    };
    if let OAuthError::ServerError(source) = err {
        super::log_failure("userinfo", source.as_ref());
        if super::unavailable::is_unavailable(source.as_ref()) {
            return HttpResponse::ServiceUnavailable().json(json!({ "error": super::unavailable::CODE }));
        }
        return HttpResponse::InternalServerError().json(json!({ "error": "server_error" }));
    }
    let challenge = format!(
        r#"Bearer realm="qeetid", error="{}", error_description="{}""#,
        err.as_str(),
        err.description().replace('"', "'")
    );
    let mut response = match err {
        OAuthError::InsufficientScope(_) => HttpResponse::Forbidden(),
        OAuthError::InvalidRequest(_) => HttpResponse::BadRequest(),
        _ => HttpResponse::Unauthorized(),
    };
    response
        .insert_header((header::WWW_AUTHENTICATE, challenge))
        .json(json!({ "error": err.as_str(), "error_description": err.description() }))
}
