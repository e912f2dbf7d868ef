//! The hosted login and consent pages, and their JSON twins for custom UIs:
//! `GET /v1/oauth/login-context` and `POST /v1/oauth/authorize/decision`.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use qeetid_domain::RequestId;
use qeetid_domain::locale::Locale;
use qeetid_domain::oauth::ResponseMode;
use qeetid_domain::ports::Store;
use qeetid_domain::services::{
    ClientRedirect, DEVICE_TOKEN_DAYS, FlowError, Landing, LoginContext, LoginOutcome, NextStep, PasswordAttempt,
    PasswordLogin, SignedIn,
};
use qeetid_render::{Arg, Catalogue, ConsentView, ErrorView, LoginView, ProviderButton, ScopeView};
use serde::Deserialize;
use serde_json::json;

use super::oauth::{BROWSER_COOKIE, SESSION_COOKIE, cookie, cookie_secret, found};
use super::pages::{flow_page, html};
use super::spawn;
use crate::HttpState;
use crate::answers::{flow_error_json, flow_error_page, flow_message, flow_status};
use crate::language;

/// `?request=arq_…` (and, on the login page, `&notice=…` from the step before)
#[derive(Deserialize)]
pub(crate) struct RequestQuery {
    pub(crate) request: Option<String>,
    #[serde(default)]
    pub(crate) notice: Option<String>,
}

/// The message the login page shows after a step that sent the user back to it
/// (fixed texts only: nothing of the query is reflected).
fn notice_key(notice: Option<&str>) -> Option<&'static str> {
    match notice? {
        "password_set" => Some("notice-password-set"),
        "email_verified" => Some("notice-email-verified"),
        _ => None,
    }
}

/// The language of a pending request's pages.
pub(crate) fn lang_of(req: &HttpRequest, ctx: &LoginContext) -> Locale {
    language::for_request(req, &ctx.request.request, ctx.tenant.as_ref())
}

pub(crate) async fn context<S: Store>(
    state: &web::Data<HttpState<S>>,
    req: &HttpRequest,
    request_id: Option<String>,
) -> Result<LoginContext, FlowError> {
    let id = request_id.ok_or(FlowError::RequestNotFound)?;
    let browser = cookie_secret(req, BROWSER_COOKIE);
    let session = cookie_secret(req, SESSION_COOKIE);
    spawn(state, move |s| async move { s.authorization.login_context(&id, browser.as_ref(), session.as_ref()).await })
        .await
        .map_err(|e| FlowError::Internal(Box::new(e)))?
}

fn render_login<S>(
    state: &HttpState<S>,
    lang: Locale,
    ctx: &LoginContext,
    csrf: &str,
    email: &str,
    error: Option<&FlowError>,
    notice: Option<&str>,
) -> HttpResponse {
    let words = state.renderer.catalogue(lang.tag());
    let message = error.map(|e| flow_message(words, e));
    let notice = notice.map(|key| words.text(key, &[]));
    let view = LoginView {
        request_id: ctx.request.id.as_str(),
        csrf_token: csrf,
        client_name: &ctx.client_name,
        email,
        error: message.as_deref(),
        providers: ctx
            .providers
            .iter()
            .map(|(id, name)| ProviderButton { id: id.to_string(), name: name.clone() })
            .collect(),
        sign_up: ctx.self_sign_up,
        notice: notice.as_deref(),
        brand: ctx.tenant.as_ref().map(super::pages::brand_of),
    };
    let status = error.map_or(StatusCode::OK, flow_status);
    flow_page(status, state.renderer.login_page(lang.tag(), &view), ctx.request.request.redirect_uri().as_str())
}

/// `GET /login?request=…`
pub(crate) async fn login_page<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    query: web::Query<RequestQuery>,
) -> HttpResponse {
    let query = query.into_inner();
    let notice = notice_key(query.notice.as_deref());
    match context(&state, &req, query.request).await {
        Ok(ctx) if ctx.next == NextStep::Consent => found(&format!("/consent?request={}", ctx.request.id)),
        Ok(ctx) => {
            let csrf = cookie_secret(&req, BROWSER_COOKIE).map(|c| c.expose().to_owned()).unwrap_or_default();
            let hint = ctx.request.request.login_hint().unwrap_or_default().to_owned();
            render_login(&state, lang_of(&req, &ctx), &ctx, &csrf, &hint, None, notice)
        }
        Err(err) => flow_error_page(&state, language::browser(&req), &err),
    }
}

/// The login form.
#[derive(Deserialize)]
pub(crate) struct LoginForm {
    request: String,
    csrf_token: String,
    email: String,
    password: String,
}

/// `POST /login`: e-mail and password.
pub(crate) async fn login_submit<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    form: web::Form<LoginForm>,
) -> HttpResponse {
    let form = form.into_inner();
    let browser = cookie_secret(&req, BROWSER_COOKIE);
    let (id, csrf, email, password) =
        (form.request.clone(), form.csrf_token.clone(), form.email.clone(), form.password);
    let job_browser = browser.clone();
    let source = super::client_address::client_address(&req, &state);
    let device = super::oauth::cookie_value(&req, DEVICE_COOKIE);
    let outcome = spawn(&state, move |s| async move {
        let attempt = PasswordAttempt {
            request_id: &id,
            browser: job_browser.as_ref(),
            csrf: &csrf,
            email: &email,
            password: &password,
            source,
            device_token: device.as_deref(),
        };
        s.authorization.sign_in_with_password(attempt).await
    })
    .await
    .map_err(|e| FlowError::Internal(Box::new(e)))
    .and_then(|r| r);
    let with_device = |mut response: HttpResponse, token: &str| {
        let _ = response.add_cookie(&device_cookie(&state, token));
        response
    };
    match outcome {
        Ok(PasswordLogin { outcome: LoginOutcome::SignedIn(login), device_token }) => {
            with_device(signed_in(&state, language::browser(&req), &login), &device_token)
        }
        Ok(PasswordLogin { outcome: LoginOutcome::SecondFactor(id) | LoginOutcome::Enrol(id), device_token }) => {
            let next =
                HttpResponse::SeeOther().insert_header((header::LOCATION, format!("/login/mfa?request={id}"))).finish();
            with_device(next, &device_token)
        }
        Err(
            err @ (FlowError::InvalidCredentials
            | FlowError::AccountDisabled
            | FlowError::Throttled { .. }
            | FlowError::EmailNotVerified { .. }),
        ) => match context(&state, &req, Some(form.request)).await {
            Ok(ctx) => {
                let csrf = browser.map(|b| b.expose().to_owned()).unwrap_or_default();
                render_login(&state, lang_of(&req, &ctx), &ctx, &csrf, &form.email, Some(&err), None)
            }
            Err(other) => flow_error_page(&state, language::browser(&req), &other),
        },
        Err(err) => flow_error_page(&state, language::browser(&req), &err),
    }
}

/// The cookie marking this browser as one the account signed in from (see the
/// domain's `password_login`): its own throttle key, untouched by guessing elsewhere.
pub(crate) const DEVICE_COOKIE: &str = "qeetid_device";

fn device_cookie<S>(state: &HttpState<S>, token: &str) -> actix_web::cookie::Cookie<'static> {
    let mut cookie = cookie(state, DEVICE_COOKIE, token);
    cookie.set_max_age(actix_web::cookie::time::Duration::days(DEVICE_TOKEN_DAYS));
    cookie
}

/// Where a sign-in or a decision sends the browser next.
pub(crate) enum Next<'a> {
    /// A page of ours, or the client's redirect URI in query mode.
    Location(String),
    /// The client's redirect URI, by a form that POSTs the response (form post mode).
    FormPost(&'a ClientRedirect),
}

impl Next<'_> {
    /// The answer to a browser: a 303 to the location, or the form-post page.
    pub(crate) fn response<S>(&self, state: &HttpState<S>, lang: Locale) -> HttpResponse {
        match self {
            Self::Location(location) => {
                HttpResponse::SeeOther().insert_header((header::LOCATION, location.as_str())).finish()
            }
            Self::FormPost(redirect) => super::pages::to_client(&state.renderer, lang, redirect, StatusCode::SEE_OTHER),
        }
    }

    /// The answer to a script (passkeys, JSON decisions): `{"redirect_to": …}`, or
    /// `{"form_post": {"action": …, "fields": {…}}}` for the script to submit.
    pub(crate) fn json(&self) -> serde_json::Value {
        match self {
            Self::Location(location) => json!({ "redirect_to": location }),
            Self::FormPost(redirect) => {
                let fields: serde_json::Map<String, serde_json::Value> =
                    redirect.params().iter().map(|(k, v)| (k.clone(), json!(v))).collect();
                json!({ "form_post": { "action": redirect.redirect_uri(), "fields": fields } })
            }
        }
    }
}

/// Where an ended request sends the browser: the client's redirect URI, or the
/// device page saying whether the device was let in.
pub(crate) fn landing_next(landing: &Landing) -> Next<'_> {
    match landing {
        Landing::Client(redirect) if redirect.mode() == ResponseMode::FormPost => Next::FormPost(redirect),
        Landing::Client(redirect) => Next::Location(redirect.location().to_owned()),
        Landing::Device { approved: true } => Next::Location("/device?result=approved".to_owned()),
        Landing::Device { approved: false } => Next::Location("/device?result=denied".to_owned()),
    }
}

/// Where a sign-in goes next: the consent page, or where the request ended.
pub(crate) fn next_step(next: &Result<RequestId, Landing>) -> Next<'_> {
    match next {
        Ok(id) => Next::Location(format!("/consent?request={id}")),
        Err(landing) => landing_next(landing),
    }
}

/// Where a completed sign-in goes (consent, or back to the client), with the new
/// session's cookie.
pub(crate) fn signed_in<S>(state: &HttpState<S>, lang: Locale, login: &SignedIn) -> HttpResponse {
    let mut response = next_step(&login.next).response(state, lang);
    add_sign_in_cookies(state, &mut response, login);
    response
}

/// The cookies a sign-in sets: the new session, and the renewed browser binding.
pub(crate) fn add_sign_in_cookies<S>(state: &HttpState<S>, response: &mut HttpResponse, login: &SignedIn) {
    let _ = response.add_cookie(&cookie(state, SESSION_COOKIE, login.session_cookie.expose()));
    let _ = response.add_cookie(&cookie(state, BROWSER_COOKIE, login.browser_cookie.expose()));
}

fn scope_views(ctx: &LoginContext, words: &Catalogue) -> Vec<ScopeView> {
    ctx.request
        .request
        .scope()
        .iter()
        .map(|s| {
            let name = s.as_str();
            let description = words
                .format(&format!("scope-{name}"), &[])
                .unwrap_or_else(|| words.text("scope-other", &[("scope", Arg::Text(name))]));
            ScopeView { name: name.to_owned(), description }
        })
        .collect()
}

/// `GET /consent?request=…`
pub(crate) async fn consent_page<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    query: web::Query<RequestQuery>,
) -> HttpResponse {
    match context(&state, &req, query.into_inner().request).await {
        Ok(ctx) => match &ctx.user {
            None => found(&format!("/login?request={}", ctx.request.id)),
            Some(user) => {
                let csrf = cookie_secret(&req, BROWSER_COOKIE).map(|c| c.expose().to_owned()).unwrap_or_default();
                let lang = lang_of(&req, &ctx);
                let view = ConsentView {
                    request_id: ctx.request.id.as_str(),
                    csrf_token: &csrf,
                    client_name: &ctx.client_name,
                    self_registered: ctx.self_registered.as_deref(),
                    user_email: user.email.as_str(),
                    scopes: scope_views(&ctx, state.renderer.catalogue(lang.tag())),
                    brand: ctx.tenant.as_ref().map(super::pages::brand_of),
                };
                flow_page(
                    StatusCode::OK,
                    state.renderer.consent_page(lang.tag(), &view),
                    ctx.request.request.redirect_uri().as_str(),
                )
            }
        },
        Err(err) => flow_error_page(&state, language::browser(&req), &err),
    }
}

/// `GET /v1/oauth/login-context?request=…`: the pending request for a custom login UI.
pub(crate) async fn login_context<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    query: web::Query<RequestQuery>,
) -> HttpResponse {
    match context(&state, &req, query.into_inner().request).await {
        Ok(ctx) => {
            let r = &ctx.request.request;
            let words = state.renderer.catalogue(lang_of(&req, &ctx).tag());
            let scopes: Vec<_> = scope_views(&ctx, words)
                .into_iter()
                .map(|s| json!({ "name": s.name, "description": s.description }))
                .collect();
            let csrf = cookie_secret(&req, BROWSER_COOKIE).map(|c| c.expose().to_owned());
            HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(json!({
                "request_id": ctx.request.id.as_str(),
                "tenant_id": r.tenant_id().as_str(),
                "client": {
                    "id": r.client_id().as_str(),
                    "name": ctx.client_name,
                    "self_registered": ctx.self_registered.is_some(),
                    "site": ctx.self_registered,
                },
                "scopes": scopes,
                "signed_in": ctx.user.is_some(),
                "user": ctx.user.as_ref().map(|u| json!({ "id": u.id.as_str(), "email": u.email.as_str(), "name": u.name })),
                "next": ctx.next.as_str(),
                "login_hint": r.login_hint(),
                "self_sign_up": ctx.self_sign_up,
                "ui_locales": r.ui_locales().collect::<Vec<_>>(),
                "locale": lang_of(&req, &ctx).tag(),
                "prompt": r.prompt().to_delimited(),
                "csrf_token": csrf,
                "expires_at": ctx.request.expires_at.as_secs(),
            }))
        }
        Err(err) => flow_error_json(&state, language::browser(&req), &err),
    }
}

/// The decision, from the hosted form or a custom UI's JSON.
#[derive(Deserialize)]
pub(crate) struct Decision {
    request: String,
    csrf_token: String,
    /// `allow` or `deny`.
    decision: String,
    /// Skip the consent page next time.
    #[serde(default, deserialize_with = "checkbox")]
    remember: bool,
}

/// A checkbox arrives as `"true"`/`"on"` in a form, or as a boolean in JSON.
fn checkbox<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Value {
        Bool(bool),
        Text(String),
    }
    Ok(match Value::deserialize(d)? {
        Value::Bool(b) => b,
        Value::Text(t) => matches!(t.as_str(), "true" | "on" | "1" | "yes"),
    })
}

/// `POST /v1/oauth/authorize/decision`: records consent. A form gets a 303 to the
/// client; JSON gets `{"redirect_to": …}`.
pub(crate) async fn decision<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    body: web::Bytes,
) -> HttpResponse {
    let is_json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let parsed: Result<Decision, String> =
        if is_json { serde_json::from_slice(&body).map_err(|e| e.to_string()) } else { serde_urlencoded_form(&body) };
    let bad_request = |message: String| {
        if is_json {
            HttpResponse::BadRequest().json(json!({ "error": "invalid_request", "message": message }))
        } else {
            let lang = language::browser(&req);
            let title = state.renderer.catalogue(lang.tag()).text("error-cannot-continue", &[]);
            let view = ErrorView { title: &title, message: &message, code: Some("invalid_request"), next: None };
            html(StatusCode::BAD_REQUEST, state.renderer.error_page(lang.tag(), &view))
        }
    };
    let form = match parsed {
        Ok(f) => f,
        Err(e) => return bad_request(format!("the decision could not be read: {e}")),
    };
    let allow = match form.decision.as_str() {
        "allow" => true,
        "deny" => false,
        other => return bad_request(format!("decision must be allow or deny, not `{other}`")),
    };
    let browser = cookie_secret(&req, BROWSER_COOKIE);
    let session = cookie_secret(&req, SESSION_COOKIE);
    let (id, csrf, remember) = (form.request, form.csrf_token, form.remember);
    let outcome = spawn(&state, move |s| async move {
        s.authorization.decide(&id, browser.as_ref(), session.as_ref(), &csrf, allow, remember).await
    })
    .await
    .map_err(|e| FlowError::Internal(Box::new(e)))
    .and_then(|r| r);
    let lang = language::browser(&req);
    match (outcome, is_json) {
        (Ok(landing), true) => {
            HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(landing_next(&landing).json())
        }
        (Ok(landing), false) => landing_next(&landing).response(&state, lang),
        (Err(err), true) => flow_error_json(&state, lang, &err),
        (Err(err), false) => flow_error_page(&state, lang, &err),
    }
}

fn serde_urlencoded_form(body: &[u8]) -> Result<Decision, String> {
    actix_web::web::Query::<Decision>::from_query(std::str::from_utf8(body).map_err(|e| e.to_string())?)
        .map(actix_web::web::Query::into_inner)
        .map_err(|e| e.to_string())
}
