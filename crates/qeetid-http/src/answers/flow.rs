//! The hosted flow's failures (login, second factor, consent, passkey and upstream
//! sign-in, device verification), as a page or, for custom UIs, as JSON.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header;
use qeetid_domain::ValidationError;
use qeetid_domain::locale::Locale;
use qeetid_domain::services::FlowError;
use qeetid_render::{Arg, Catalogue, ErrorView};
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

/// What a flow failure says to the person it happened to, in `words`' language.
pub(crate) fn flow_message(words: &Catalogue, err: &FlowError) -> String {
    match err {
        FlowError::InvalidInput(invalid) => invalid_message(words, invalid),
        FlowError::Throttled { retry_after } => {
            words.text("flow-too_many_attempts", &[("n", Arg::Number(*retry_after))])
        }
        FlowError::EmailNotVerified { email } => words.text("flow-email_not_verified", &[("email", Arg::Text(email))]),
        FlowError::UpstreamFailed(reason) => words.text("flow-upstream_failed", &[("reason", Arg::Text(reason))]),
        FlowError::Internal(_) => words.text("flow-internal_error", &[]),
        other => words.text(&format!("flow-{}", flow_code(other)), &[]),
    }
}

/// A refused field in the reader's words: the rule it broke when it is one the
/// pages know (`invalid-{rule}`), otherwise the field and the rule as the domain says them.
pub(crate) fn invalid_message(words: &Catalogue, invalid: &ValidationError) -> String {
    match invalid.rule {
        Some(rule) => words.text(&format!("invalid-{rule}"), &[]),
        None => invalid.to_string(),
    }
}

/// A hosted-page failure as a page, in the reader's language.
pub(crate) fn flow_error_page<S>(state: &HttpState<S>, lang: Locale, err: &FlowError) -> HttpResponse {
    log_internal(err);
    let words = state.renderer.catalogue(lang.tag());
    let (title, message) = (words.text("error-cannot-continue", &[]), flow_message(words, err));
    let view = ErrorView { title: &title, message: &message, code: Some(flow_code(err)), next: None };
    html(flow_status(err), state.renderer.error_page(lang.tag(), &view))
}

/// A hosted-flow failure as JSON, for custom UIs and the pages' scripts: a stable
/// `error` code and a `message` in the reader's language.
pub(crate) fn flow_error_json<S>(state: &HttpState<S>, lang: Locale, err: &FlowError) -> HttpResponse {
    log_internal(err);
    let message = flow_message(state.renderer.catalogue(lang.tag()), err);
    let mut body = json!({ "error": flow_code(err), "message": message });
    if let FlowError::Throttled { retry_after } = err {
        body["retry_after"] = json!(retry_after);
    }
    HttpResponse::build(flow_status(err)).insert_header((header::CACHE_CONTROL, "no-store")).json(body)
}
