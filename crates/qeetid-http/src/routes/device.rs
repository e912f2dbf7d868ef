//! The device authorization grant (RFC 8628): the device endpoint and the hosted
//! `/device` page where the user enters the code.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use qeetid_domain::locale::Locale;
use qeetid_domain::ports::Store;
use qeetid_domain::services::{AuthorizeOutcome, FlowError};
use qeetid_render::DeviceView;
use serde::Deserialize;
use serde_json::json;

use super::oauth::{BROWSER_COOKIE, SESSION_COOKIE, as_client, cookie, cookie_secret};
use super::pages::{html, see_other};
use super::spawn;
use crate::HttpState;
use crate::answers::OAuthErrorResponse;
use crate::answers::{flow_error_page, flow_status};

/// `POST /v1/oauth/device/code` (RFC 8628 §3.1–§3.2).
pub(crate) async fn device_code<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    body: web::Bytes,
) -> Result<HttpResponse, OAuthErrorResponse> {
    let started = as_client(&req, &state, &body, |s, client, params| async move {
        s.tokens.authorize_device(&client, params.get("scope")).await
    })
    .await?;
    let verification_uri = format!("{}/device", state.issuer);
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(json!({
        "device_code": started.device_code.expose(),
        "user_code": started.user_code,
        "verification_uri": verification_uri,
        "verification_uri_complete": format!("{verification_uri}?user_code={}", started.user_code),
        "expires_in": started.expires_in,
        "interval": started.interval,
    })))
}

/// `?user_code=…` (from `verification_uri_complete`) or `?result=approved|denied`.
#[derive(Deserialize)]
pub(crate) struct DeviceQuery {
    user_code: Option<String>,
    result: Option<String>,
}

fn render<S>(
    state: &HttpState<S>,
    lang: Locale,
    status: StatusCode,
    csrf: &str,
    user_code: &str,
    error: Option<&str>,
    result: Option<&str>,
) -> HttpResponse {
    let view = DeviceView { csrf_token: csrf, user_code, error, result };
    html(status, state.renderer.device_page(lang.tag(), &view))
}

/// `GET /device`: the code form (pre-filled from `verification_uri_complete`, but
/// always confirmed by the user, RFC 8628 §3.3.1), or the result.
pub(crate) async fn page<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    query: web::Query<DeviceQuery>,
) -> HttpResponse {
    let existing = cookie_secret(&req, BROWSER_COOKIE);
    let browser = existing.clone().unwrap_or_else(|| state.services.authorization.new_browser_binding());
    let result = query.result.as_deref().filter(|r| matches!(*r, "approved" | "denied"));
    let lang = crate::language::browser(&req);
    let code = query.user_code.as_deref().unwrap_or("");
    let mut response = render(&state, lang, StatusCode::OK, browser.expose(), code, None, result);
    if existing.is_none() {
        let _ = response.add_cookie(&cookie(&state, BROWSER_COOKIE, browser.expose()));
    }
    response
}

/// The code form.
#[derive(Deserialize)]
pub(crate) struct DeviceForm {
    csrf_token: String,
    user_code: String,
}

/// `POST /device`: continue to sign-in and consent for the device's client.
pub(crate) async fn submit<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    form: web::Form<DeviceForm>,
) -> HttpResponse {
    let form = form.into_inner();
    let lang = crate::language::browser(&req);
    let Some(browser) = cookie_secret(&req, BROWSER_COOKIE) else {
        return flow_error_page(&state, lang, &FlowError::CsrfMismatch);
    };
    if !super::form_token_matches(Some(&browser), &form.csrf_token) {
        return flow_error_page(&state, lang, &FlowError::CsrfMismatch);
    }
    let session = cookie_secret(&req, SESSION_COOKIE);
    let (typed, job_browser) = (form.user_code.clone(), browser.clone());
    let seen = super::client_address::seen_from(&req, &state);
    let outcome = spawn(&state, move |s| async move {
        s.authorization.verify_user_code(&typed, &job_browser, session.as_ref(), seen).await
    })
    .await
    .map_err(|e| FlowError::Internal(Box::new(e)))
    .and_then(|r| r);
    match outcome {
        Ok(AuthorizeOutcome::Login(id)) => see_other(&format!("/login?request={id}")),
        Ok(AuthorizeOutcome::Consent(id)) => see_other(&format!("/consent?request={id}")),
        Ok(AuthorizeOutcome::Redirect(redirect)) => {
            super::pages::to_client(&state.renderer, lang, &redirect, StatusCode::SEE_OTHER)
        }
        Ok(AuthorizeOutcome::ErrorPage(err)) => crate::answers::oauth_error_page(&state, lang, &err),
        Err(err @ (FlowError::InvalidUserCode | FlowError::Throttled { .. })) => {
            let message = crate::answers::flow_message(state.renderer.catalogue(lang.tag()), &err);
            render(&state, lang, flow_status(&err), browser.expose(), &form.user_code, Some(&message), None)
        }
        Err(err) => flow_error_page(&state, lang, &err),
    }
}
