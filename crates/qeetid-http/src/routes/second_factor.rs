//! The hosted login's second step (`/login/mfa`): a code from the authenticator app
//! or a recovery code, or, when the tenant requires a second factor of a user who
//! has none, setting an app up (its recovery codes are then shown once).

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use qeetid_domain::ports::Store;
use qeetid_domain::services::{FlowError, SecondFactorStep};
use qeetid_render::{EnrolView, RecoveryCodesView, SecondFactorView};
use serde::Deserialize;

use super::hosted::{RequestQuery, signed_in};
use super::oauth::{BROWSER_COOKIE, cookie_secret};
use super::pages::{flow_page, html};
use super::spawn;
use crate::HttpState;
use crate::answers::{flow_error_page, flow_status};

/// Renders the step for `request_id`, with `error` from the last attempt.
async fn render<S: Store>(
    state: &HttpState<S>,
    req: &HttpRequest,
    request_id: String,
    error: Option<&FlowError>,
) -> HttpResponse {
    let browser = cookie_secret(req, BROWSER_COOKIE);
    let job_browser = browser.clone();
    let step =
        spawn(
            state,
            move |s| async move { s.authorization.second_factor_step(&request_id, job_browser.as_ref()).await },
        )
        .await
        .map_err(|e| FlowError::Internal(Box::new(e)))
        .and_then(|r| r);
    let (ctx, step) = match step {
        Ok(found) => found,
        Err(err) => return flow_error_page(state, crate::language::browser(req), &err),
    };
    let lang = super::hosted::lang_of(req, &ctx);
    let message = error.map(|e| crate::answers::flow_message(state.renderer.catalogue(lang.tag()), e));
    let view = SecondFactorView {
        request_id: ctx.request.id.as_str(),
        csrf_token: browser.as_ref().map_or("", |b| b.expose()),
        client_name: &ctx.client_name,
        enrol: match &step {
            SecondFactorStep::Code => None,
            SecondFactorStep::Enrol(e) => Some(EnrolView::new(&e.secret_base32, &e.otpauth_uri)),
        },
        error: message.as_deref(),
        brand: ctx.tenant.as_ref().map(super::pages::brand_of),
    };
    let status = error.map_or(StatusCode::OK, flow_status);
    let mut response = flow_page(
        status,
        state.renderer.second_factor_page(lang.tag(), &view),
        ctx.request.request.redirect_uri().as_str(),
    );
    // The enrolment shows a secret.
    response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    response
}

/// `GET /login/mfa?request=…`
pub(crate) async fn page<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    query: web::Query<RequestQuery>,
) -> HttpResponse {
    match query.into_inner().request {
        Some(id) => render(&state, &req, id, None).await,
        None => flow_error_page(&state, crate::language::browser(&req), &FlowError::RequestNotFound),
    }
}

/// The code form.
#[derive(Deserialize)]
pub(crate) struct CodeForm {
    request: String,
    csrf_token: String,
    code: String,
}

/// `POST /login/mfa`: the code; on success the session starts. After an enrolment
/// the recovery codes are shown once, with the way on.
pub(crate) async fn submit<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    form: web::Form<CodeForm>,
) -> HttpResponse {
    let form = form.into_inner();
    let lang = crate::language::browser(&req);
    let browser = cookie_secret(&req, BROWSER_COOKIE);
    let (id, csrf, code) = (form.request.clone(), form.csrf_token, form.code);
    let outcome = spawn(&state, move |s| async move {
        s.authorization.second_factor_login(&id, browser.as_ref(), &csrf, &code).await
    })
    .await
    .map_err(|e| FlowError::Internal(Box::new(e)))
    .and_then(|r| r);
    match outcome {
        Ok(done) => match &done.recovery_codes {
            None => signed_in(&state, lang, &done.signed_in),
            Some(codes) => {
                let next = super::hosted::next_step(&done.signed_in.next);
                let (continue_to, continue_post, form_target) = match &next {
                    super::hosted::Next::Location(location) => (location.as_str(), None, None),
                    super::hosted::Next::FormPost(redirect) => {
                        ("", Some(super::pages::form_post_view(redirect)), Some(redirect.redirect_uri()))
                    }
                };
                let view = RecoveryCodesView { codes, continue_to, continue_post };
                let rendered = state.renderer.recovery_codes_page(lang.tag(), &view);
                let mut response = match form_target {
                    Some(target) => super::pages::flow_page(StatusCode::OK, rendered, target),
                    None => html(StatusCode::OK, rendered),
                };
                response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
                super::hosted::add_sign_in_cookies(&state, &mut response, &done.signed_in);
                response
            }
        },
        Err(err @ (FlowError::InvalidCode | FlowError::Throttled { .. })) => {
            render(&state, &req, form.request, Some(&err)).await
        }
        Err(err) => flow_error_page(&state, lang, &err),
    }
}
