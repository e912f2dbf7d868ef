//! The admin dashboard (`/admin`): its sign-in, as an OpenID Connect client of the
//! tenant through this deployment's own authorization endpoint, and its pages.

use actix_web::cookie::{Cookie, SameSite, time::Duration};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use qeetid_domain::ports::Store;
use qeetid_domain::services::{ConsoleAdmin, ConsoleError, form_token_matches};
use qeetid_domain::{AdminError, Client, PageRequest, Secret, TenantId};
use qeetid_render::{ConsoleClientRow, ConsoleClientsView, ConsoleSignInView, ErrorView};
use serde::Deserialize;

use super::oauth::{BROWSER_COOKIE, SESSION_COOKIE, cookie, cookie_secret, found};
use super::pages::html;
use super::params::Params;
use super::spawn;
use crate::HttpState;
use crate::wire::rfc3339;

/// The dashboard's session cookie (a short-lived signed token, see the domain's `console`).
const CONSOLE_COOKIE: &str = "qeetid_console";
/// `tenant.state.verifier` between the redirect to the authorization endpoint and the callback.
const FLOW_COOKIE: &str = "qeetid_console_flow";
/// Everything of the dashboard lives under this path, and so do its cookies.
const CONSOLE_PATH: &str = "/admin";

fn redirect_uri<S>(state: &HttpState<S>) -> String {
    format!("{}{CONSOLE_PATH}/callback", state.issuer)
}

fn console_cookie<S>(state: &HttpState<S>, name: &'static str, value: &str, max_age: Duration) -> Cookie<'static> {
    Cookie::build(name, value.to_owned())
        .path(CONSOLE_PATH)
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.issuer.starts_with("https://"))
        .max_age(max_age)
        .finish()
}

fn removal<S>(state: &HttpState<S>, name: &'static str) -> Cookie<'static> {
    let mut gone = console_cookie(state, name, "", Duration::ZERO);
    gone.make_removal();
    gone
}

fn sign_in_page<S>(state: &HttpState<S>, status: StatusCode, tenant: &str, error: Option<&str>) -> HttpResponse {
    html(status, state.renderer.console_sign_in_page(&ConsoleSignInView { tenant, error }))
}

fn error_page<S>(state: &HttpState<S>, status: StatusCode, title: &str, message: &str) -> HttpResponse {
    html(status, state.renderer.error_page(&ErrorView { title, message, code: None }))
}

fn internal<S>(state: &HttpState<S>, err: &dyn std::fmt::Display) -> HttpResponse {
    tracing::error!(error = %err, "dashboard request failed");
    error_page(state, StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong", "Please try again in a moment.")
}

/// The admin behind this request, if its dashboard session is good.
async fn signed_in<S: Store>(req: &HttpRequest, state: &HttpState<S>) -> Result<ConsoleAdmin, ConsoleError> {
    let token = req.cookie(CONSOLE_COOKIE).map(|c| c.value().to_owned()).ok_or(ConsoleError::NotSignedIn)?;
    let sso = cookie_secret(req, SESSION_COOKIE);
    spawn(state, move |s| async move { s.console_admin(&token, sso.as_ref()).await })
        .await
        .map_err(|e| ConsoleError::Admin(AdminError::Internal(Box::new(e))))?
}

/// `GET /admin`: the admin's own tenant when signed in, else the sign-in page.
pub(crate) async fn home<S: Store>(req: HttpRequest, state: web::Data<HttpState<S>>) -> HttpResponse {
    match signed_in(&req, &state).await {
        Ok(admin) => found(&format!("{CONSOLE_PATH}/t/{}/clients", admin.user.tenant_id)),
        Err(_) => sign_in_page(&state, StatusCode::OK, "", None),
    }
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
    let Ok(tenant) = TenantId::parse(&raw) else {
        return sign_in_page(&state, StatusCode::BAD_REQUEST, &raw, Some("That is not a tenant ID (tnt_…)."));
    };
    let redirect = redirect_uri(&state);
    let job_tenant = tenant.clone();
    let client = spawn(&state, move |s| async move { s.console_client(&job_tenant, &redirect).await }).await;
    let client: Client = match client {
        Ok(Ok(c)) => c,
        Ok(Err(AdminError::NotFound(_))) => {
            return sign_in_page(&state, StatusCode::NOT_FOUND, &raw, Some("No tenant has this ID."));
        }
        Ok(Err(e)) => return internal(&state, &e),
        Err(e) => return internal(&state, &e),
    };
    let flow = match state.services.console_flow() {
        Ok(f) => f,
        Err(e) => return internal(&state, &e),
    };
    let url = format!(
        "/v1/oauth/authorize?response_type=code&client_id={}&redirect_uri={}&scope=openid%20email&state={}\
         &code_challenge={}&code_challenge_method=S256",
        client.id,
        url::form_urlencoded::byte_serialize(redirect_uri(&state).as_bytes()).collect::<String>(),
        flow.state,
        flow.challenge
    );
    let mut response = found(&url);
    let value = format!("{tenant}.{}.{}", flow.state, flow.verifier);
    let _ = response.add_cookie(&console_cookie(&state, FLOW_COOKIE, &value, Duration::minutes(10)));
    response
}

/// `GET /admin/callback`: checks `state`, exchanges the code as the dashboard client,
/// and starts the dashboard session.
pub(crate) async fn callback<S: Store>(req: HttpRequest, state: web::Data<HttpState<S>>) -> HttpResponse {
    let Ok(mut params) = Params::parse(req.query_string().as_bytes()) else {
        return sign_in_page(&state, StatusCode::BAD_REQUEST, "", Some("The sign-in answer was malformed."));
    };
    let flow = req.cookie(FLOW_COOKIE).map(|c| c.value().to_owned()).unwrap_or_default();
    let mut parts = flow.splitn(3, '.');
    let (Some(tenant), Some(expected_state), Some(verifier)) = (parts.next(), parts.next(), parts.next()) else {
        return sign_in_page(&state, StatusCode::BAD_REQUEST, "", Some("The sign-in took too long; start again."));
    };
    let tenant_text = tenant.to_owned();
    let given_state = params.take("state").unwrap_or_default();
    // Compared as secrets: in constant time.
    if !form_token_matches(Some(&Secret::presented(expected_state)), &given_state) {
        return sign_in_page(&state, StatusCode::BAD_REQUEST, &tenant_text, Some("The sign-in answer did not match."));
    }
    if let Some(error) = params.take("error") {
        let message = format!("Sign-in did not complete ({error}).");
        return sign_in_page(&state, StatusCode::BAD_REQUEST, &tenant_text, Some(&message));
    }
    let (Ok(tenant), Some(code)) = (TenantId::parse(tenant), params.take("code")) else {
        return sign_in_page(&state, StatusCode::BAD_REQUEST, &tenant_text, Some("The sign-in answer was malformed."));
    };
    let (redirect, verifier) = (redirect_uri(&state), verifier.to_owned());
    let outcome = spawn(&state, move |s| async move {
        let client = s.console_client(&tenant, &redirect).await?;
        s.console_sign_in(&client, &code, &redirect, &verifier).await
    })
    .await;
    let mut response = match outcome {
        Ok(Ok((admin, token))) => {
            let mut r = found(&format!("{CONSOLE_PATH}/t/{}/clients", admin.user.tenant_id));
            let age = Duration::seconds(qeetid_domain::services::CONSOLE_SESSION_SECONDS);
            let _ = r.add_cookie(&console_cookie(&state, CONSOLE_COOKIE, &token, age));
            r
        }
        Ok(Err(ConsoleError::NotAnAdmin)) => error_page(
            &state,
            StatusCode::FORBIDDEN,
            "Not an admin",
            "You are signed in, but this account holds no admin role. Ask an admin, or use `qeetid admin create-user`.",
        ),
        Ok(Err(ConsoleError::Admin(e))) => internal(&state, &e),
        Ok(Err(e)) => sign_in_page(&state, StatusCode::BAD_REQUEST, &tenant_text, Some(&e.to_string())),
        Err(e) => internal(&state, &e),
    };
    let _ = response.add_cookie(&removal(&state, FLOW_COOKIE));
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
    let session = cookie_secret(&req, SESSION_COOKIE);
    match spawn(&state, move |s| async move { s.end_session(session.as_ref()).await }).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return internal(&state, &e),
        Err(e) => return internal(&state, &e),
    }
    let mut response = HttpResponse::SeeOther().insert_header((header::LOCATION, CONSOLE_PATH)).finish();
    let _ = response.add_cookie(&removal(&state, CONSOLE_COOKIE));
    let mut sso = cookie(&state, SESSION_COOKIE, "");
    sso.make_removal();
    let _ = response.add_cookie(&sso);
    response
}

/// The client list's query.
#[derive(Deserialize)]
pub(crate) struct PageQuery {
    after: Option<String>,
}

/// `GET /admin/t/{tenant}/clients`: the tenant's clients, newest first.
pub(crate) async fn clients<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
) -> HttpResponse {
    let raw = path.into_inner();
    let Ok(tenant) = TenantId::parse(&raw) else {
        return error_page(&state, StatusCode::NOT_FOUND, "Page not found", "There is no such tenant.");
    };
    let admin = match signed_in(&req, &state).await {
        Ok(admin) => admin,
        Err(ConsoleError::NotSignedIn) => return found(&format!("{CONSOLE_PATH}/login?tenant={tenant}")),
        Err(ConsoleError::NotAnAdmin) => {
            return error_page(&state, StatusCode::FORBIDDEN, "Not an admin", "This account holds no admin role.");
        }
        Err(e) => return internal(&state, &e),
    };
    if !admin.reaches(&tenant) {
        return error_page(&state, StatusCode::FORBIDDEN, "Not your tenant", "Your role does not reach this tenant.");
    }
    let page = match PageRequest::parse(None, query.after.as_deref()) {
        Ok(p) => p,
        Err(_) => return error_page(&state, StatusCode::BAD_REQUEST, "Bad page", "That page link is not valid."),
    };
    let caller = admin.caller();
    let listed = spawn(&state, move |s| async move {
        let t = s.get_tenant(&caller, &tenant).await?;
        let clients = s.list_clients(&caller, &tenant, &page).await?;
        Ok::<_, AdminError>((t, clients))
    })
    .await;
    let (tenant, clients) = match listed {
        Ok(Ok(found)) => found,
        Ok(Err(AdminError::NotFound(_))) => {
            return error_page(&state, StatusCode::NOT_FOUND, "Page not found", "There is no such tenant.");
        }
        Ok(Err(e)) => return internal(&state, &e),
        Err(e) => return internal(&state, &e),
    };
    let existing = cookie_secret(&req, BROWSER_COOKIE);
    let browser = existing.clone().unwrap_or_else(|| state.services.new_browser_binding());
    let rows = clients
        .items
        .iter()
        .map(|c| ConsoleClientRow {
            id: c.id.to_string(),
            name: c.settings.name().to_owned(),
            client_type: c.settings.client_type().as_str(),
            grant_types: c.settings.grant_types().iter().map(|g| g.as_str()).collect::<Vec<_>>().join(", "),
            created_at: rfc3339(c.created_at),
        })
        .collect();
    let view = ConsoleClientsView {
        tenant_id: tenant.id.as_str(),
        tenant_name: tenant.name.as_str(),
        admin_email: admin.user.email.as_str(),
        csrf_token: browser.expose(),
        clients: rows,
        next_page: clients.next_cursor,
    };
    let mut response = html(StatusCode::OK, state.renderer.console_clients_page(&view));
    if existing.is_none() {
        let _ = response.add_cookie(&cookie(&state, BROWSER_COOKIE, browser.expose()));
    }
    response
}
