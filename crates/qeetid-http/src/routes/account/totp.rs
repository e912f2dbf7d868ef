//! The account page's two-step section: setting up an authenticator app, turning it
//! off, and new recovery codes, each proven by a current code.

use std::collections::BTreeMap;
use std::sync::Arc;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use qeetid_console::AppSession;
use qeetid_domain::ports::Store;
use qeetid_domain::services::MfaError;
use qeetid_render::RecoveryCodesView;

use super::{Browser, REAUTHENTICATE, form_me, internal, value, with_errors};
use crate::routes::pages::{html, see_other};
use crate::routes::spawn;
use crate::{HttpState, UseCases};

/// `POST /account/mfa/totp`: starts setting up an authenticator app (the page then
/// shows its QR code until a code confirms it).
pub(crate) async fn start_totp<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    body: web::Bytes,
) -> HttpResponse {
    let (me, _, _) = or_answer!(form_me(&req, &state, &body).await);
    match spawn(&state, move |s| async move { s.self_service.account_start_totp(&me).await }).await {
        Ok(Ok(_) | Err(MfaError::AlreadyEnrolled)) => see_other("/account#mfa"),
        Ok(Err(MfaError::ReauthenticationRequired)) => see_other(REAUTHENTICATE),
        Ok(Err(e)) => internal(&state, &e),
        Err(e) => internal(&state, &e),
    }
}

/// The recovery codes page, shown once, then back to the account page.
fn recovery_codes<S>(state: &HttpState<S>, lang: &str, codes: &[String]) -> HttpResponse {
    let view = RecoveryCodesView { codes, continue_to: "/account?done=mfa-on", continue_post: None };
    let mut response = html(StatusCode::OK, state.renderer.recovery_codes_page(lang, &view));
    response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    response
}

/// A code form's refusal beside its `field`, or the failure page.
async fn code_refused<S: Store>(
    state: &HttpState<S>,
    me: &AppSession,
    browser: &Browser,
    field: &str,
    err: MfaError,
) -> HttpResponse {
    match err {
        MfaError::InvalidCode | MfaError::Throttled { .. } | MfaError::NotEnrolled => {
            let words = state.renderer.catalogue(browser.lang(None).tag());
            let message = match err {
                MfaError::InvalidCode => words.text("flow-invalid_code", &[]),
                MfaError::Throttled { retry_after } => {
                    words.text("flow-too_many_attempts", &[("n", qeetid_render::Arg::Number(retry_after))])
                }
                other => other.to_string(),
            };
            with_errors(state, me, browser, None, BTreeMap::from([(field.to_owned(), message)])).await
        }
        MfaError::ReauthenticationRequired => see_other(REAUTHENTICATE),
        other => internal(state, &other),
    }
}

/// A form of the two-step section: runs `action` with the form's `code`, answers
/// `done` with its result, or the page again with the refusal beside `field`.
async fn code_form<S, T, Fut>(
    req: &HttpRequest,
    state: &HttpState<S>,
    body: &[u8],
    field: &str,
    action: impl FnOnce(Arc<UseCases<S>>, AppSession, String) -> Fut,
    done: impl FnOnce(T) -> HttpResponse,
) -> HttpResponse
where
    S: Store,
    T: Send + 'static,
    Fut: Future<Output = Result<T, MfaError>> + Send + 'static,
{
    let (me, browser, pairs) = or_answer!(form_me(req, state, body).await);
    let (job_me, code) = (me.clone(), value(&pairs, "code").to_owned());
    match spawn(state, move |s| action(s, job_me, code)).await {
        Ok(Ok(value)) => done(value),
        Ok(Err(e)) => code_refused(state, &me, &browser, field, e).await,
        Err(e) => internal(state, &e),
    }
}

/// `POST /account/mfa/totp/confirm`: the app's first code turns it on; the
/// recovery codes are shown once.
pub(crate) async fn confirm_totp<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    body: web::Bytes,
) -> HttpResponse {
    let action = |s: Arc<UseCases<S>>, me: AppSession, code: String| async move {
        s.self_service.account_confirm_totp(&me, &code).await
    };
    code_form(&req, &state, &body, "mfa_code", action, |codes| {
        recovery_codes(&state, crate::language::browser(&req).tag(), &codes)
    })
    .await
}

/// `POST /account/mfa/totp/remove`: turns two-step verification off, proven by a code.
pub(crate) async fn remove_totp<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    body: web::Bytes,
) -> HttpResponse {
    let action = |s: Arc<UseCases<S>>, me: AppSession, code: String| async move {
        s.self_service.account_remove_totp(&me, &code).await
    };
    code_form(&req, &state, &body, "remove_code", action, |()| see_other("/account?done=mfa-off")).await
}

/// `POST /account/mfa/recovery-codes`: ten new recovery codes (the old ones stop
/// working), proven by a code, shown once.
pub(crate) async fn new_recovery_codes<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    body: web::Bytes,
) -> HttpResponse {
    let action = |s: Arc<UseCases<S>>, me: AppSession, code: String| async move {
        s.self_service.account_new_recovery_codes(&me, &code).await
    };
    code_form(&req, &state, &body, "codes_code", action, |codes| {
        recovery_codes(&state, crate::language::browser(&req).tag(), &codes)
    })
    .await
}
