//! The hosted flow's failures (login, second factor, consent, passkey and upstream
//! sign-in, device verification), as a page or, for custom UIs, as JSON.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header;
use qeetid_domain::services::FlowError;
use qeetid_render::ErrorView;
use serde_json::json;

use crate::HttpState;
use crate::routes::pages::html;

/// The status of a flow failure.
pub(crate) fn flow_status(err: &FlowError) -> StatusCode {
    match err {
        FlowError::RequestNotFound | FlowError::InvalidUserCode | FlowError::LinkInvalid => StatusCode::BAD_REQUEST,
        FlowError::InvalidInput(_) => StatusCode::UNPROCESSABLE_ENTITY,
        FlowError::EmailNotVerified { .. } | FlowError::SignUpClosed => StatusCode::FORBIDDEN,
        FlowError::CsrfMismatch => StatusCode::FORBIDDEN,
        FlowError::InvalidCredentials
        | FlowError::LoginRequired
        | FlowError::InvalidCode
        | FlowError::PasskeyRejected => StatusCode::UNAUTHORIZED,
        FlowError::UpstreamFailed(_) => StatusCode::BAD_GATEWAY,
        FlowError::FederatedEmailTaken => StatusCode::CONFLICT,
        FlowError::AccountDisabled => StatusCode::FORBIDDEN,
        FlowError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
        FlowError::Internal(source) => super::unavailable::status_of(source.as_ref()),
    }
}

/// The machine-readable code of a flow failure.
fn flow_code(err: &FlowError) -> &'static str {
    match err {
        FlowError::RequestNotFound => "request_not_found",
        FlowError::CsrfMismatch => "csrf_mismatch",
        FlowError::InvalidCredentials => "invalid_credentials",
        FlowError::InvalidCode => "invalid_code",
        FlowError::PasskeyRejected => "invalid_passkey",
        FlowError::UpstreamFailed(_) => "upstream_failed",
        FlowError::FederatedEmailTaken => "email_taken",
        FlowError::AccountDisabled => "account_disabled",
        FlowError::Throttled { .. } => "too_many_attempts",
        FlowError::LoginRequired => "login_required",
        FlowError::InvalidUserCode => "invalid_user_code",
        FlowError::EmailNotVerified { .. } => "email_not_verified",
        FlowError::SignUpClosed => "sign_up_closed",
        FlowError::InvalidInput(_) => "invalid_input",
        FlowError::LinkInvalid => "link_invalid",
        FlowError::Internal(source) if super::unavailable::is_unavailable(source.as_ref()) => super::unavailable::CODE,
        FlowError::Internal(_) => "internal_error",
    }
}

fn log_internal(err: &FlowError) {
    if let FlowError::Internal(source) = err {
        super::log_failure("hosted flow", source.as_ref());
    }
}

/// A hosted-page failure as a page.
pub(crate) fn flow_error_page<S>(state: &HttpState<S>, err: &FlowError) -> HttpResponse {
    log_internal(err);
    let message = match err {
        FlowError::Internal(_) => "Something went wrong on our side. Please try again.".to_owned(),
        other => other.to_string(),
    };
    let view = ErrorView { title: "Cannot continue", message: &message, code: Some(flow_code(err)), next: None };
    html(flow_status(err), state.renderer.error_page(&view))
}

/// A hosted-flow failure as JSON, for custom UIs.
pub(crate) fn flow_error_json(err: &FlowError) -> HttpResponse {
    log_internal(err);
    let mut body = json!({ "error": flow_code(err), "message": err.to_string() });
    if let FlowError::Throttled { retry_after } = err {
        body["retry_after"] = json!(retry_after);
    }
    HttpResponse::build(flow_status(err)).insert_header((header::CACHE_CONTROL, "no-store")).json(body)
}
