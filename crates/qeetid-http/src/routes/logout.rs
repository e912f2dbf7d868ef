//! RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): a confirmation
//! page, then the session ends and the browser goes to a registered
//! post-logout URI, or to the signed-out page.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use qeetid_domain::OAuthError;
use qeetid_domain::ports::Store;
use qeetid_domain::services::{FlowError, LogoutParams, LogoutPlan};
use qeetid_render::{HiddenField, LogoutView};

use super::oauth::{BROWSER_COOKIE, SESSION_COOKIE, cookie, cookie_secret};
use super::pages::{flow_page, html, signed_out};
use super::params::Params;
use super::spawn;
use crate::HttpState;
use crate::answers::flow_error_page;
use crate::answers::logout_error_page;
use crate::language;

/// Why the page does not send the browser back, in the reader's words.
fn refused_text<S>(state: &HttpState<S>, lang: qeetid_domain::locale::Locale, plan: &LogoutPlan) -> Option<String> {
    let refused = plan.refused_return?;
    Some(state.renderer.catalogue(lang.tag()).text(&format!("logout-{}", refused.as_str()), &[]))
}

fn logout_params(mut p: Params) -> LogoutParams {
    LogoutParams {
        id_token_hint: p.take("id_token_hint"),
        client_id: p.take("client_id"),
        post_logout_redirect_uri: p.take("post_logout_redirect_uri"),
        state: p.take("state"),
    }
}

fn hidden_fields(params: &LogoutParams) -> Vec<HiddenField> {
    [
        ("id_token_hint", &params.id_token_hint),
        ("client_id", &params.client_id),
        ("post_logout_redirect_uri", &params.post_logout_redirect_uri),
        ("state", &params.state),
    ]
    .into_iter()
    .filter_map(|(name, value)| value.clone().map(|value| HiddenField { name, value }))
    .collect()
}

async fn plan<S: Store>(
    state: &web::Data<HttpState<S>>,
    params: LogoutParams,
) -> Result<(LogoutParams, LogoutPlan), OAuthError> {
    spawn(state, move |s| async move {
        let plan = s.tokens.plan_logout(&params).await?;
        Ok((params, plan))
    })
    .await
    .map_err(|e| OAuthError::ServerError(Box::new(e)))?
}

/// `GET|POST /v1/oauth/logout`: checks the request and asks the user to confirm.
pub(crate) async fn start<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    body: web::Bytes,
) -> HttpResponse {
    let lang = language::browser(&req);
    let raw = if req.method() == actix_web::http::Method::POST {
        body.to_vec()
    } else {
        req.query_string().as_bytes().to_vec()
    };
    let params = match Params::parse(&raw) {
        Ok(p) => logout_params(p),
        Err(err) => return logout_error_page(&state, lang, &err),
    };
    let (params, plan) = match plan(&state, params).await {
        Ok(p) => p,
        Err(err) => return logout_error_page(&state, lang, &err),
    };
    let existing = cookie_secret(&req, BROWSER_COOKIE);
    let browser = existing.clone().unwrap_or_else(|| state.services.authorization.new_browser_binding());
    let refused = refused_text(&state, lang, &plan);
    let view = LogoutView {
        csrf_token: browser.expose(),
        client_name: plan.client.as_ref().map(|c| c.settings.name()),
        fields: hidden_fields(&params),
        refused_return: refused.as_deref(),
    };
    let rendered = state.renderer.logout_page(lang.tag(), &view);
    let mut response = match &plan.redirect {
        Some(target) => flow_page(StatusCode::OK, rendered, target),
        None => html(StatusCode::OK, rendered),
    };
    if existing.is_none() {
        let _ = response.add_cookie(&cookie(&state, BROWSER_COOKIE, browser.expose()));
    }
    response
}

/// `POST /logout`: the confirmation. Ends the session, clears its cookie, and goes
/// to the registered post-logout URI (with `state`) or shows the signed-out page.
pub(crate) async fn confirm<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    body: web::Bytes,
) -> HttpResponse {
    let lang = language::browser(&req);
    let mut raw = match Params::parse(&body) {
        Ok(p) => p,
        Err(err) => return logout_error_page(&state, lang, &err),
    };
    let csrf = raw.take("csrf_token").unwrap_or_default();
    let browser = cookie_secret(&req, BROWSER_COOKIE);
    if !super::form_token_matches(browser.as_ref(), &csrf) {
        return flow_error_page(&state, lang, &FlowError::CsrfMismatch);
    }
    let (_, plan) = match plan(&state, logout_params(raw)).await {
        Ok(p) => p,
        Err(err) => return logout_error_page(&state, lang, &err),
    };
    let session = cookie_secret(&req, SESSION_COOKIE);
    let frames = match spawn(&state, move |s| async move { s.tokens.end_session(session.as_ref()).await })
        .await
        .map_err(|e| OAuthError::ServerError(Box::new(e)))
    {
        Ok(Ok(frames)) => frames,
        Ok(Err(err)) | Err(err) => return logout_error_page(&state, lang, &err),
    };
    let refused = refused_text(&state, lang, &plan);
    let mut response = signed_out(&state.renderer, lang, &frames, plan.redirect.as_deref(), refused.as_deref());
    let mut gone = cookie(&state, SESSION_COOKIE, "");
    gone.make_removal();
    let _ = response.add_cookie(&gone);
    response
}
