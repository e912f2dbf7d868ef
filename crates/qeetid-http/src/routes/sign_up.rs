//! Self sign-up on the hosted login (`/signup`), for tenants that turn it on.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use qeetid_domain::ports::Store;
use qeetid_domain::services::{FlowError, LoginContext, LoginOutcome, SignUp, SignUpOutcome};
use qeetid_render::{ErrorView, SignUpView};
use serde::Deserialize;

use super::hosted::{RequestQuery, context, signed_in};
use super::oauth::{BROWSER_COOKIE, cookie_secret};
use super::pages::{flow_page, html, see_other};
use super::spawn;
use crate::HttpState;
use crate::answers::{flow_error_page, flow_message, flow_status};
use crate::language;

fn render<S>(
    state: &HttpState<S>,
    req: &HttpRequest,
    ctx: &LoginContext,
    csrf: &str,
    typed: (&str, &str),
    error: Option<&FlowError>,
) -> HttpResponse {
    let lang = super::hosted::lang_of(req, ctx);
    let message = error.map(|e| flow_message(state.renderer.catalogue(lang.tag()), e));
    let view = SignUpView {
        request_id: ctx.request.id.as_str(),
        csrf_token: csrf,
        client_name: &ctx.client_name,
        email: typed.0,
        name: typed.1,
        error: message.as_deref(),
        brand: ctx.tenant.as_ref().map(super::pages::brand_of),
    };
    let status = error.map_or(StatusCode::OK, flow_status);
    flow_page(status, state.renderer.sign_up_page(lang.tag(), &view), ctx.request.request.redirect_uri().as_str())
}

/// `GET /signup?request=…`
pub(crate) async fn page<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    query: web::Query<RequestQuery>,
) -> HttpResponse {
    match context(&state, &req, query.into_inner().request).await {
        Ok(ctx) if !ctx.self_sign_up => {
            flow_error_page(&state, super::hosted::lang_of(&req, &ctx), &FlowError::SignUpClosed)
        }
        Ok(ctx) => {
            let csrf = cookie_secret(&req, BROWSER_COOKIE).map(|c| c.expose().to_owned()).unwrap_or_default();
            let hint = ctx.request.request.login_hint().unwrap_or_default().to_owned();
            render(&state, &req, &ctx, &csrf, (&hint, ""), None)
        }
        Err(err) => flow_error_page(&state, language::browser(&req), &err),
    }
}

/// The sign-up form.
#[derive(Deserialize)]
pub(crate) struct SignUpForm {
    request: String,
    csrf_token: String,
    email: String,
    password: String,
    #[serde(default)]
    name: String,
}

/// `POST /signup`: creates the account; signs in, or says to check the inbox.
pub(crate) async fn submit<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    form: web::Form<SignUpForm>,
) -> HttpResponse {
    let form = form.into_inner();
    let browser = cookie_secret(&req, BROWSER_COOKIE);
    let source = super::client_address::client_address(&req, &state);
    let browser_locale = language::browser_choice(&req);
    let (job_browser, request, csrf, email, password, name) = (
        browser.clone(),
        form.request.clone(),
        form.csrf_token.clone(),
        form.email.clone(),
        form.password.clone(),
        form.name.clone(),
    );
    let outcome = spawn(&state, move |s| async move {
        let name = Some(name.as_str()).filter(|n| !n.trim().is_empty());
        let form = SignUp {
            request_id: &request,
            browser: job_browser.as_ref(),
            csrf: &csrf,
            email: &email,
            password: &password,
            name,
            source,
            browser_locale,
        };
        s.accounts.sign_up(form).await
    })
    .await
    .map_err(|e| FlowError::Internal(Box::new(e)))
    .and_then(|r| r);
    match outcome {
        Ok(SignUpOutcome::SignedIn(LoginOutcome::SignedIn(login))) => {
            signed_in(&state, language::browser(&req), &login)
        }
        Ok(SignUpOutcome::SignedIn(LoginOutcome::SecondFactor(id) | LoginOutcome::Enrol(id))) => {
            see_other(&format!("/login/mfa?request={id}"))
        }
        Ok(SignUpOutcome::CheckEmail { email }) => {
            let lang = match context(&state, &req, Some(form.request)).await {
                Ok(ctx) => super::hosted::lang_of(&req, &ctx),
                Err(_) => language::browser(&req),
            };
            let words = state.renderer.catalogue(lang.tag());
            let title = words.text("signup-check-email-title", &[]);
            let message = words.text("signup-check-email", &[("email", qeetid_render::Arg::Text(&email))]);
            let view = ErrorView { title: &title, message: &message, code: None, next: None };
            html(StatusCode::OK, state.renderer.error_page(lang.tag(), &view))
        }
        Err(err @ (FlowError::InvalidInput(_) | FlowError::Throttled { .. })) => {
            match context(&state, &req, Some(form.request)).await {
                Ok(ctx) => {
                    let csrf = browser.map(|b| b.expose().to_owned()).unwrap_or_default();
                    render(&state, &req, &ctx, &csrf, (&form.email, &form.name), Some(&err))
                }
                Err(other) => flow_error_page(&state, language::browser(&req), &other),
            }
        }
        Err(err) => flow_error_page(&state, language::browser(&req), &err),
    }
}
