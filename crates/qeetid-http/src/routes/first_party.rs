//! The sign-in machinery the deployment's own apps share (the dashboard at `/admin`,
//! the account page at `/account`): the redirect to the authorization endpoint with
//! `state` and PKCE kept in a short-lived cookie, the callback's checks, and the
//! app's session cookie, all scoped to the app's path.

use super::form_token_matches;
use actix_web::cookie::{Cookie, SameSite, time::Duration};
use actix_web::{HttpRequest, HttpResponse};
use qeetid_console::{FIRST_PARTY_SESSION_SECONDS, FirstPartyApp};
use qeetid_domain::ports::Store;
use qeetid_domain::{AdminError, Client, Secret, TenantId};

use super::oauth::{SESSION_COOKIE, cookie, cookie_secret, found};
use super::params::Params;
use super::spawn;
use crate::HttpState;

/// The app's session cookie (a short-lived signed token, see the domain's `first_party`).
pub(crate) fn session_cookie_name(app: FirstPartyApp) -> &'static str {
    match app {
        FirstPartyApp::Dashboard => "qeetid_console",
        FirstPartyApp::Account => "qeetid_account",
    }
}

/// `tenant.state.verifier` between the redirect to the authorization endpoint and the callback.
fn flow_cookie_name(app: FirstPartyApp) -> &'static str {
    match app {
        FirstPartyApp::Dashboard => "qeetid_console_flow",
        FirstPartyApp::Account => "qeetid_account_flow",
    }
}

/// Where the authorization endpoint sends the browser back.
pub(crate) fn redirect_uri<S>(state: &HttpState<S>, app: FirstPartyApp) -> String {
    app.redirect_uri(&state.issuer)
}

fn app_cookie<S>(
    state: &HttpState<S>,
    app: FirstPartyApp,
    name: &'static str,
    value: &str,
    max_age: Duration,
) -> Cookie<'static> {
    let secure = state.issuer.starts_with("https://");
    Cookie::build(super::oauth::cookie_name(secure, name, app.path()), value.to_owned())
        .path(app.path())
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(max_age)
        .finish()
}

fn removal<S>(state: &HttpState<S>, app: FirstPartyApp, name: &'static str) -> Cookie<'static> {
    let mut gone = app_cookie(state, app, name, "", Duration::ZERO);
    gone.make_removal();
    gone
}

/// The app's session cookie holding `token`.
pub(crate) fn session_cookie<S>(state: &HttpState<S>, app: FirstPartyApp, token: &str) -> Cookie<'static> {
    app_cookie(state, app, session_cookie_name(app), token, Duration::seconds(FIRST_PARTY_SESSION_SECONDS))
}

/// The cookie that removes the app's session.
pub(crate) fn session_removal<S>(state: &HttpState<S>, app: FirstPartyApp) -> Cookie<'static> {
    removal(state, app, session_cookie_name(app))
}

/// The cookie that removes the sign-in's `state` and verifier, set on every callback.
pub(crate) fn flow_removal<S>(state: &HttpState<S>, app: FirstPartyApp) -> Cookie<'static> {
    removal(state, app, flow_cookie_name(app))
}

/// The app session token the browser sent, if any.
pub(crate) fn session_token(req: &HttpRequest, app: FirstPartyApp) -> Option<String> {
    super::oauth::scoped_cookie_value(req, session_cookie_name(app), app.path()).filter(|v| !v.is_empty())
}

/// Registers `app`'s client in `tenant` if needed and sends the browser to the
/// authorization endpoint (code flow, PKCE S256), remembering `state` and the
/// verifier in a cookie. `NotFound` when there is no such tenant.
pub(crate) async fn begin<S: Store>(
    state: &HttpState<S>,
    app: FirstPartyApp,
    tenant: TenantId,
) -> Result<HttpResponse, AdminError> {
    begin_with(state, app, tenant, "").await
}

/// [`begin`] for the tenant a person named (slug or id, as [`FirstParty::tenant_named`]
/// reads it); [`AdminError::NotFound`] when it names none.
///
/// [`FirstParty::tenant_named`]: qeetid_console::FirstParty::tenant_named
pub(crate) async fn begin_named<S: Store>(
    state: &HttpState<S>,
    app: FirstPartyApp,
    reference: &str,
) -> Result<HttpResponse, AdminError> {
    let named = reference.to_owned();
    let tenant = spawn(state, move |s| async move { s.apps.tenant_named(&named).await })
        .await
        .map_err(|e| AdminError::Internal(Box::new(e)))??
        .ok_or(AdminError::NotFound("tenant"))?;
    begin(state, app, tenant).await
}

/// `reference` with only the characters a slug or an id may hold (nothing that could
/// change the URL it is put in): for `/t/{slug}/…` redirects.
pub(crate) fn url_safe(reference: &str) -> String {
    reference.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect()
}

/// [`begin`] with `extra` parameters on the authorization request (`&max_age=0`
/// to make the user sign in again).
pub(crate) async fn begin_with<S: Store>(
    state: &HttpState<S>,
    app: FirstPartyApp,
    tenant: TenantId,
    extra: &str,
) -> Result<HttpResponse, AdminError> {
    let job_tenant = tenant.clone();
    let client: Client = spawn(state, move |s| async move { s.apps.first_party_client(app, &job_tenant).await })
        .await
        .map_err(|e| AdminError::Internal(Box::new(e)))??;
    let flow = state.services.apps.sign_in_flow()?;
    let url = format!(
        "/v1/oauth/authorize?response_type=code&client_id={}&redirect_uri={}&scope=openid%20email%20profile&state={}\
         &code_challenge={}&code_challenge_method=S256{extra}",
        client.id,
        url::form_urlencoded::byte_serialize(redirect_uri(state, app).as_bytes()).collect::<String>(),
        flow.state,
        flow.challenge
    );
    let value = format!("{tenant}.{}.{}", flow.state, flow.verifier);
    let mut response = found(&url);
    let _ = response.add_cookie(&app_cookie(state, app, flow_cookie_name(app), &value, Duration::minutes(10)));
    Ok(response)
}

/// Ends the browser's single sign-on session and `app`'s session, and sends the
/// browser to the app's start (303).
pub(crate) async fn sign_out<S: Store>(
    req: &HttpRequest,
    state: &HttpState<S>,
    app: FirstPartyApp,
) -> Result<HttpResponse, Box<dyn std::error::Error + Send + Sync>> {
    let session = cookie_secret(req, SESSION_COOKIE);
    let frames = match spawn(state, move |s| async move { s.tokens.end_session(session.as_ref()).await }).await {
        Ok(Ok(frames)) => frames,
        Ok(Err(e)) => return Err(Box::new(e)),
        Err(e) => return Err(Box::new(e)),
    };
    let mut response =
        super::pages::signed_out(&state.renderer, crate::language::browser(req), &frames, Some(app.path()), None);
    let _ = response.add_cookie(&session_removal(state, app));
    let mut sso = cookie(state, SESSION_COOKIE, "");
    sso.make_removal();
    let _ = response.add_cookie(&sso);
    Ok(response)
}

/// A callback that passed its checks: what to exchange.
pub(crate) struct Callback {
    /// The tenant the sign-in started for.
    pub(crate) tenant: TenantId,
    /// The authorization code.
    pub(crate) code: String,
    /// The PKCE verifier kept in the flow cookie.
    pub(crate) verifier: String,
}

/// Why a callback was refused: the tenant as far as known, and what to tell the user.
pub(crate) struct CallbackRefused {
    /// The tenant id from the flow cookie, or "".
    pub(crate) tenant: String,
    /// A fixed or provider-given message.
    pub(crate) message: String,
}

/// Checks a callback: the flow cookie must be there, `state` must match it (compared
/// in constant time), and the answer must carry a code, not an error.
pub(crate) fn read_callback(req: &HttpRequest, app: FirstPartyApp) -> Result<Callback, CallbackRefused> {
    let refuse =
        |tenant: &str, message: &str| CallbackRefused { tenant: tenant.to_owned(), message: message.to_owned() };
    let Ok(mut params) = Params::parse(req.query_string().as_bytes()) else {
        return Err(refuse("", "The sign-in answer was malformed."));
    };
    let flow = super::oauth::scoped_cookie_value(req, flow_cookie_name(app), app.path()).unwrap_or_default();
    let mut parts = flow.splitn(3, '.');
    let (Some(tenant), Some(expected_state), Some(verifier)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(refuse("", "The sign-in took too long; start again."));
    };
    let given_state = params.take("state").unwrap_or_default();
    if !form_token_matches(Some(&Secret::presented(expected_state)), &given_state) {
        return Err(refuse(tenant, "The sign-in answer did not match."));
    }
    if let Some(error) = params.take("error") {
        return Err(refuse(tenant, &format!("Sign-in did not complete ({error}).")));
    }
    match (TenantId::parse(tenant), params.take("code")) {
        (Ok(id), Some(code)) => Ok(Callback { tenant: id, code, verifier: verifier.to_owned() }),
        _ => Err(refuse(tenant, "The sign-in answer was malformed.")),
    }
}
