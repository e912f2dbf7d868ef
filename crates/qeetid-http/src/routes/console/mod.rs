//! The admin dashboard (`/admin`): its sign-in, as an OpenID Connect client of the
//! tenant through this deployment's own authorization endpoint (this module), and
//! its pages (`clients`, `grants`).

#![allow(
    clippy::result_large_err,
    reason = "helpers answer Err(the page to send instead), built once on the error path"
)]

pub(crate) mod branding;
pub(crate) mod clients;
pub(crate) mod events;
pub(crate) mod grants;
pub(crate) mod keys;
pub(crate) mod providers;
pub(crate) mod registration;
pub(crate) mod tenants;
pub(crate) mod users;

use crate::routes::form_token_matches;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use qeetid_console::{ConsoleAdmin, FirstPartyApp, FirstPartyError};
use qeetid_domain::ports::Store;
use qeetid_domain::{AdminError, AdminRole, Secret, Tenant, TenantId, ValidationError};
use qeetid_render::{ConsoleChrome, ConsoleSignInView};
use serde::Deserialize;
use std::collections::BTreeMap;

use super::first_party::{self, read_callback};
use super::oauth::{BROWSER_COOKIE, SESSION_COOKIE, cookie, cookie_secret, found};
use super::pages::html;
pub(super) use super::pages::see_other;
use super::params::Params;
use super::spawn;
use crate::HttpState;
use crate::answers::{error_page, error_page_onward};

/// This app, for the shared first-party sign-in.
const APP: FirstPartyApp = FirstPartyApp::Dashboard;
/// Everything of the dashboard lives under this path, and so do its cookies.
const CONSOLE_PATH: &str = "/admin";

fn sign_in_page<S>(state: &HttpState<S>, status: StatusCode, tenant: &str, error: Option<&str>) -> HttpResponse {
    html(status, state.renderer.console_sign_in_page(&ConsoleSignInView { tenant, error }))
}

pub(super) fn internal<S>(state: &HttpState<S>, err: &(dyn std::error::Error + 'static)) -> HttpResponse {
    crate::answers::failure_page(state, "dashboard request", err)
}

/// The admin behind this request, if its dashboard session is good.
async fn signed_in<S: Store>(req: &HttpRequest, state: &HttpState<S>) -> Result<ConsoleAdmin, FirstPartyError> {
    let token = first_party::session_token(req, APP).ok_or(FirstPartyError::NotSignedIn)?;
    let sso = cookie_secret(req, SESSION_COOKIE);
    spawn(state, move |s| async move { s.apps.console_admin(&token, sso.as_ref()).await })
        .await
        .map_err(|e| FirstPartyError::Admin(AdminError::Internal(Box::new(e))))?
}

/// `GET /admin`: the admin's own tenant when signed in, else the sign-in page.
pub(crate) async fn home<S: Store>(req: HttpRequest, state: web::Data<HttpState<S>>) -> HttpResponse {
    match signed_in(&req, &state).await {
        Ok(admin) => found(&format!("{CONSOLE_PATH}/t/{}/clients", admin.user.tenant_id)),
        Err(_) => sign_in_page(&state, StatusCode::OK, "", None),
    }
}

/// The dead end of a signed-in user without an admin role, with the way on: their
/// own account page (where they can also sign out and come back as someone else).
fn not_an_admin<S>(state: &HttpState<S>) -> HttpResponse {
    error_page_onward(
        state,
        StatusCode::FORBIDDEN,
        (
            "Not an admin",
            "You are signed in, but this account holds no admin role. Ask an admin for one (or, on the host, \
             run `qeetid admin create-user`), or sign out on your account page and sign in as an admin.",
        ),
        ("Open your account page", "/account"),
    )
}

/// The sign-in form's query.
#[derive(Deserialize)]
pub(crate) struct LoginQuery {
    tenant: String,
}

/// `GET /admin/login?tenant=…`: registers the tenant's dashboard client if needed and
/// sends the browser to the authorization endpoint (code flow, PKCE S256).
pub(crate) async fn login<S: Store>(state: web::Data<HttpState<S>>, query: web::Query<LoginQuery>) -> HttpResponse {
    let raw = query.tenant.trim().to_owned();
    match first_party::begin_named(&state, APP, &raw).await {
        Ok(response) => response,
        Err(AdminError::NotFound(_)) => {
            sign_in_page(&state, StatusCode::NOT_FOUND, &raw, Some("No tenant goes by that name or ID."))
        }
        Err(e) => internal(&state, &e),
    }
}

/// `GET /t/{slug}/admin`: the dashboard's sign-in for the tenant with this slug.
pub(crate) async fn by_slug(path: web::Path<String>) -> HttpResponse {
    found(&format!("{CONSOLE_PATH}/login?tenant={}", first_party::url_safe(&path)))
}

/// `GET /admin/callback`: checks `state`, exchanges the code as the dashboard client,
/// and starts the dashboard session.
pub(crate) async fn callback<S: Store>(req: HttpRequest, state: web::Data<HttpState<S>>) -> HttpResponse {
    let mut response = match read_callback(&req, APP) {
        Err(refused) => sign_in_page(&state, StatusCode::BAD_REQUEST, &refused.tenant, Some(&refused.message)),
        Ok(callback) => {
            let tenant_text = callback.tenant.to_string();
            let redirect = first_party::redirect_uri(&state, APP);
            let outcome = spawn(&state, move |s| async move {
                let client = s.apps.first_party_client(APP, &callback.tenant).await?;
                s.apps.console_sign_in(&client, &callback.code, &redirect, &callback.verifier).await
            })
            .await;
            match outcome {
                Ok(Ok((admin, token))) => {
                    let mut r = found(&format!("{CONSOLE_PATH}/t/{}/clients", admin.user.tenant_id));
                    let _ = r.add_cookie(&first_party::session_cookie(&state, APP, &token));
                    r
                }
                Ok(Err(FirstPartyError::NotAnAdmin)) => not_an_admin(&state),
                Ok(Err(FirstPartyError::Admin(e))) => internal(&state, &e),
                Ok(Err(e)) => sign_in_page(&state, StatusCode::BAD_REQUEST, &tenant_text, Some(&e.to_string())),
                Err(e) => internal(&state, &e),
            }
        }
    };
    let _ = response.add_cookie(&first_party::flow_removal(&state, APP));
    response
}

/// `POST /admin/logout`: ends the dashboard session and the single sign-on session.
pub(crate) async fn logout<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    body: web::Bytes,
) -> HttpResponse {
    let csrf = Params::parse(&body).ok().and_then(|mut p| p.take("csrf_token")).unwrap_or_default();
    if !form_token_matches(cookie_secret(&req, BROWSER_COOKIE).as_ref(), &csrf) {
        return error_page(&state, StatusCode::FORBIDDEN, "Form expired", "Reload the page and try again.");
    }
    first_party::sign_out(&req, &state, APP).await.unwrap_or_else(|e| internal(&state, e.as_ref()))
}

/// A signed-in admin on a page of a tenant they reach, and the page's CSRF token.
pub(crate) struct Desk {
    admin: ConsoleAdmin,
    tenant: Tenant,
    browser: Secret,
    new_browser: bool,
}

impl Desk {
    /// What the page shows around its content.
    fn chrome<'a>(&'a self, section: &'static str, notice: Option<&'a str>) -> ConsoleChrome<'a> {
        ConsoleChrome {
            tenant_id: self.tenant.id.as_str(),
            tenant_name: self.tenant.name.as_str(),
            tenant_slug: self.tenant.slug.as_str(),
            admin_email: self.admin.user.email.as_str(),
            csrf_token: self.browser.expose(),
            section,
            deployment_admin: self.admin.role == AdminRole::Deployment,
            notice,
        }
    }

    /// Sets the CSRF cookie on `response` if this page made it.
    fn finish<S>(&self, state: &HttpState<S>, mut response: HttpResponse) -> HttpResponse {
        if self.new_browser {
            let _ = response.add_cookie(&cookie(state, BROWSER_COOKIE, self.browser.expose()));
        }
        response
    }

    /// The tenant's id, as in the page's URL.
    fn tenant_id(&self) -> &TenantId {
        &self.tenant.id
    }

    /// A list's user filter as typed (an e-mail or a `usr_…` id): `None` when empty,
    /// `Some(None)` when it names nobody in the tenant (the list is then empty, and
    /// says so), or the answer to send when the lookup failed.
    async fn user_filter<S: Store>(
        &self,
        state: &HttpState<S>,
        typed: &str,
    ) -> Result<Option<Option<qeetid_domain::UserId>>, HttpResponse> {
        if typed.is_empty() {
            return Ok(None);
        }
        if let Ok(id) = qeetid_domain::UserId::parse(typed) {
            return Ok(Some(Some(id)));
        }
        let (caller, tenant, email) = (self.admin.caller(), self.tenant_id().clone(), typed.to_owned());
        let found = spawn(state, move |s| async move { s.admin.user_id_by_email(&caller, &tenant, &email).await });
        answer(state, found.await).map(Some)
    }

    /// A list's client filter as typed (a client's name, any case, or its `qci_…`
    /// id), as [`Desk::user_filter`] answers: a name is the client named exactly so,
    /// else the only client whose name contains it; several or none name nobody.
    async fn client_filter<S: Store>(
        &self,
        state: &HttpState<S>,
        typed: &str,
    ) -> Result<Option<Option<qeetid_domain::ClientId>>, HttpResponse> {
        if typed.is_empty() {
            return Ok(None);
        }
        if let Ok(id) = qeetid_domain::ClientId::parse(typed) {
            return Ok(Some(Some(id)));
        }
        let (caller, tenant, name) = (self.admin.caller(), self.tenant_id().clone(), typed.to_owned());
        let page = qeetid_domain::PageRequest::first();
        let found = spawn(state, move |s| async move { s.admin.search_clients(&caller, &tenant, &name, &page).await });
        let found = answer(state, found.await)?.items;
        let exact = found.iter().find(|c| c.settings.name().eq_ignore_ascii_case(typed));
        let only = (found.len() == 1).then(|| found.first()).flatten();
        Ok(Some(exact.or(only).map(|c| c.id.clone())))
    }
}

/// The desk for a page of tenant `raw`, or the answer to give instead: to the
/// sign-in when not signed in, 403 when the role does not reach the tenant, 404
/// when there is no such tenant.
async fn desk<S: Store>(req: &HttpRequest, state: &HttpState<S>, raw: &str) -> Result<Desk, HttpResponse> {
    let not_found = || error_page(state, StatusCode::NOT_FOUND, "Page not found", "There is no such tenant.");
    let Ok(tenant) = TenantId::parse(raw) else {
        return Err(not_found());
    };
    let admin = match signed_in(req, state).await {
        Ok(admin) => admin,
        Err(FirstPartyError::NotSignedIn) => return Err(found(&format!("{CONSOLE_PATH}/login?tenant={tenant}"))),
        Err(FirstPartyError::NotAnAdmin) => return Err(not_an_admin(state)),
        Err(e) => return Err(internal(state, &e)),
    };
    if !admin.reaches(&tenant) {
        let own = format!("{CONSOLE_PATH}/t/{}/clients", admin.user.tenant_id);
        return Err(error_page_onward(
            state,
            StatusCode::FORBIDDEN,
            ("Not your tenant", "Your role does not reach this tenant."),
            ("Go to your own tenant", &own),
        ));
    }
    let caller = admin.caller();
    let tenant = match spawn(state, move |s| async move { s.admin.get_tenant(&caller, &tenant).await }).await {
        Ok(Ok(t)) => t,
        Ok(Err(AdminError::NotFound(_))) => return Err(not_found()),
        Ok(Err(e)) => return Err(internal(state, &e)),
        Err(e) => return Err(internal(state, &e)),
    };
    let existing = cookie_secret(req, BROWSER_COOKIE);
    let new_browser = existing.is_none();
    let browser = existing.unwrap_or_else(|| state.services.authorization.new_browser_binding());
    Ok(Desk { admin, tenant, browser, new_browser })
}

/// [`desk`] for a form post: the form's `csrf_token` must match the browser's cookie.
async fn desk_for_form<S: Store>(
    req: &HttpRequest,
    state: &HttpState<S>,
    raw: &str,
    csrf: &str,
) -> Result<Desk, HttpResponse> {
    let desk = desk(req, state, raw).await?;
    if desk.new_browser || !form_token_matches(Some(&desk.browser), csrf) {
        return Err(error_page(state, StatusCode::FORBIDDEN, "Form expired", "Reload the page and try again."));
    }
    Ok(desk)
}

/// [`desk_for_form`] from a form body: the desk and the form's pairs.
async fn form_desk<S: Store>(
    req: &HttpRequest,
    state: &HttpState<S>,
    raw: &str,
    body: &[u8],
) -> Result<(Desk, Vec<(String, String)>), HttpResponse> {
    let pairs = form_pairs(body);
    let desk = desk_for_form(req, state, raw, form_value(&pairs, "csrf_token")).await?;
    Ok((desk, pairs))
}

/// A form body as ordered pairs (repeated names allowed, as checkboxes send them).
fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

/// The first value of `name` in `pairs`, or "".
fn form_value<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}

/// A use case's answer, or the page that says what went wrong.
fn answer<S, T>(
    state: &HttpState<S>,
    outcome: Result<Result<T, AdminError>, tokio::task::JoinError>,
) -> Result<T, HttpResponse> {
    match outcome {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(crate::answers::admin_error_page(state, &e)),
        Err(e) => Err(internal(state, &e)),
    }
}

/// The message for a `done=` code after a redirect; fixed texts only, nothing reflected.
/// Every broken rule of `err`, each beside its form field: `field_of` names the
/// form's field for a wire field (`redirect_uris[2]` → `redirect_uris`). A rule
/// about one line of a list says which line; the first rule per field is shown.
fn field_problems(err: &ValidationError, field_of: impl Fn(&str) -> String) -> BTreeMap<String, String> {
    let mut shown = BTreeMap::new();
    for problem in err.all() {
        let line = problem.field.split_once('[').and_then(|(_, rest)| rest.trim_end_matches(']').parse::<usize>().ok());
        let message = match line {
            Some(i) => format!("Line {}: {}", i + 1, problem.message),
            None => problem.message.clone(),
        };
        shown.entry(field_of(&problem.field)).or_insert(message);
    }
    shown
}

/// Times as the dashboard says them: relative, in English (`5 minutes ago`).
fn clock<S>(state: &HttpState<S>) -> impl Fn(qeetid_domain::UnixTime) -> String + '_ {
    let words = state.renderer.catalogue("en");
    move |t| crate::wire::human_time_in(words, t)
}

fn notice(done: Option<&str>) -> Option<&'static str> {
    match done? {
        "saved" => Some("Changes saved."),
        "deleted" => Some("The client was deleted."),
        "revoked" => Some("The grant was revoked; its refresh tokens no longer work."),
        "user-created" => Some("The user was created."),
        "user-saved" => Some(
            "The user was saved. A changed e-mail address is unconfirmed until its owner opens the link sent to it.",
        ),
        "reset-sent" => Some("A password-reset link was sent to the user's address; it works for 30 minutes."),
        "user-deleted" => Some("The user was deleted."),
        "user-disabled" => Some("The user was disabled and signed out everywhere."),
        "user-enabled" => Some("The user was enabled; they may sign in again."),
        "session-ended" => Some("The session was signed out."),
        "mfa-reset" => Some(
            "Two-step verification was reset; the user signs in with the password alone, or sets it up again if the tenant requires it.",
        ),
        "key-revoked" => Some("The API key was revoked."),
        "provider-removed" => Some("The provider was removed; users who signed in with it keep their accounts."),
        "token-revoked" => Some("The registration token was revoked."),
        "open-registration-on" => Some("This tenant accepts registration without a token now."),
        "open-registration-off" => Some("Open registration is off: every registration needs a token."),
        "tenant-created" => Some("The tenant was created."),
        "tenant-renamed" => Some("The tenant was renamed."),
        _ => None,
    }
}

/// `GET /static/console.js`
pub(crate) async fn script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(qeetid_render::CONSOLE_SCRIPT)
}

/// A page (`page` with its desk) that renders with the standard failure handling.
fn render_page<S>(
    state: &HttpState<S>,
    desk: &Desk,
    status: StatusCode,
    rendered: Result<String, qeetid_render::RenderError>,
) -> HttpResponse {
    desk.finish(state, html(status, rendered))
}

/// The page that asks before something that cannot be undone.
fn confirm_page<S>(state: &HttpState<S>, desk: &Desk, section: &'static str, view: ConfirmParts<'_>) -> HttpResponse {
    let view = qeetid_render::ConfirmView {
        chrome: desk.chrome(section, None),
        title: view.title,
        message: view.message,
        button: view.button,
        back: view.back,
    };
    render_page(state, desk, StatusCode::OK, state.renderer.console_confirm_page(&view))
}

/// What a confirmation says.
struct ConfirmParts<'a> {
    title: &'a str,
    message: &'a str,
    button: &'a str,
    back: &'a str,
}

/// A secret shown once: rendered, never cached (RFC 6749 §5.1's reason applies).
fn shown_once_page<S>(state: &HttpState<S>, desk: &Desk, view: &qeetid_render::ShownOnceView<'_>) -> HttpResponse {
    let mut response = render_page(state, desk, StatusCode::OK, state.renderer.console_shown_once_page(view));
    response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    response
}

/// A page number's cursor, or the "bad page" answer.
fn page_request<S>(state: &HttpState<S>, after: Option<&str>) -> Result<qeetid_domain::PageRequest, HttpResponse> {
    qeetid_domain::PageRequest::parse(None, after)
        .map_err(|_| error_page(state, StatusCode::BAD_REQUEST, "Bad page", "That page link is not valid."))
}
