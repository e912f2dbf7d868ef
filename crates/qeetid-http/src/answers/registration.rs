//! Dynamic registration's refusals (RFC 7591 §3.2.2): `invalid_redirect_uri` and
//! `invalid_client_metadata` as 400, a missing or bad access token as 401 with a
//! bearer challenge (RFC 6750 §3.1).

use actix_web::HttpResponse;
use actix_web::http::header;
use qeetid_domain::registration::RegistrationError;
use serde_json::json;

/// The answer to a refused or failed registration request.
pub(crate) fn registration_error(err: &RegistrationError) -> HttpResponse {
    let (mut response, code) = match err {
        RegistrationError::InvalidRedirectUri(_) => (HttpResponse::BadRequest(), "invalid_redirect_uri"),
        RegistrationError::InvalidMetadata(_) => (HttpResponse::BadRequest(), "invalid_client_metadata"),
        RegistrationError::Throttled { retry_after } => {
            let mut response = HttpResponse::TooManyRequests();
            response.insert_header((header::RETRY_AFTER, retry_after.to_string()));
            (response, "too_many_requests")
        }
        RegistrationError::InvalidToken => {
            let mut response = HttpResponse::Unauthorized();
            response.insert_header((header::WWW_AUTHENTICATE, r#"Bearer realm="qeetid", error="invalid_token""#));
            (response, "invalid_token")
        }
        RegistrationError::Internal(source) => {
            super::log_failure("client registration", source.as_ref());
            if super::unavailable::is_unavailable(source.as_ref()) {
                return HttpResponse::ServiceUnavailable().insert_header((header::CACHE_CONTROL, "no-store")).json(
                    json!({ "error": super::unavailable::CODE, "error_description": super::unavailable::MESSAGE }),
                );
            }
            return HttpResponse::InternalServerError()
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .json(json!({ "error": "server_error", "error_description": "the server log has the details" }));
        }
    };
    response.insert_header((header::CACHE_CONTROL, "no-store")).json(json!({
        "error": code,
        "error_description": err.to_string(),
    }))
}
