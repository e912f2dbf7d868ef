//! The account page's JSON endpoints (passkey registration): `{ "error", "message" }`,
//! never cached; a sign-in too old for the change answers where to sign in again.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header;
use qeetid_domain::services::AccountError;
use serde_json::{Value, json};

/// A JSON answer that is never cached.
pub(crate) fn json_reply(status: StatusCode, body: &Value) -> HttpResponse {
    HttpResponse::build(status).insert_header((header::CACHE_CONTROL, "no-store")).json(body)
}

/// `{ "error": code, "message": message }` with `status`.
pub(crate) fn json_error(status: StatusCode, code: &str, message: &str) -> HttpResponse {
    json_reply(status, &json!({ "error": code, "message": message }))
}

/// An account use case's refusal or failure; `reauthenticate` is where the page's
/// script sends the user to sign in again.
pub(crate) fn account_json_error(err: &AccountError, reauthenticate: &str) -> HttpResponse {
    match err {
        AccountError::Invalid(e) => json_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &e.to_string()),
        AccountError::PasskeyRejected(_) => json_error(StatusCode::BAD_REQUEST, "passkey_rejected", &err.to_string()),
        AccountError::ReauthenticationRequired => json_reply(
            StatusCode::UNAUTHORIZED,
            &json!({
                "error": "reauthentication_required",
                "message": "Sign in again to change how you sign in.",
                "location": reauthenticate,
            }),
        ),
        other => internal_json_error("passkey registration", other),
    }
}

/// An infrastructure failure of `what` (logged) as JSON: 503 when the store is
/// unavailable, 500 otherwise.
pub(crate) fn internal_json_error(what: &str, err: &(dyn std::error::Error + 'static)) -> HttpResponse {
    super::log_failure(what, err);
    if super::unavailable::is_unavailable(err) {
        json_error(StatusCode::SERVICE_UNAVAILABLE, super::unavailable::CODE, super::unavailable::MESSAGE)
    } else {
        json_error(StatusCode::INTERNAL_SERVER_ERROR, "internal_error", "Please try again in a moment.")
    }
}
