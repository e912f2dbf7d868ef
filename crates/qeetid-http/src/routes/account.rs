//! The end user's account page (`/account`): profile, password, connected
//! applications and sessions. It signs in like the dashboard, as a first-party app
//! (`first_party`), and every form is CSRF-checked against the browser cookie.

#![allow(
    clippy::result_large_err,
    reason = "helpers answer Err(the page to send instead), built once on the error path"
)]

mod totp;

pub(crate) use totp::{confirm_totp, new_recovery_codes, remove_totp, start_totp};

use std::collections::BTreeMap;

use super::form_token_matches;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use qeetid_console::{AppSession, FirstPartyApp, FirstPartyError};
use qeetid_domain::oauth::Session;
use qeetid_domain::ports::Store;
use qeetid_domain::services::{AccountError, AccountOverview};
use qeetid_domain::{AdminError, GrantId, Secret, SessionId};
use qeetid_render::{
    AccountAppRow, AccountMfaView, AccountPasskeyRow, AccountSessionRow, AccountSignInView, AccountView, EnrolView,
    describe_amr,
};
use serde::Deserialize;

use super::first_party::{self, read_callback};
use super::oauth::{BROWSER_COOKIE, SESSION_COOKIE, cookie, cookie_secret, found};
use super::pages::{html, see_other};
use super::spawn;
use crate::HttpState;
use crate::answers::worded_error_page;
use crate::language;
use crate::wire::human_time_in;
use qeetid_domain::locale::Locale;
use qeetid_render::Catalogue;

/// This app, for the shared first-party sign-in.
const APP: FirstPartyApp = FirstPartyApp::Account;

/// Where a change that needs a fresh sign-in sends the browser.
pub(crate) const REAUTHENTICATE: &str = "/account/reauthenticate";

/// `GET /account/reauthenticate`: signs the user in again (`max_age=0`: the hosted
/// login asks for their credentials even within the single sign-on session), then
/// back to the account page, where the change can be made.
pub(crate) async fn reauthenticate<S: Store>(req: HttpRequest, state: web::Data<HttpState<S>>) -> HttpResponse {
    match signed_in(&req, &state).await {
        Ok(me) => match first_party::begin_with(&state, APP, me.user.tenant_id, "&max_age=0").await {
            Ok(response) => response,
            Err(e) => internal(&state, &e),
        },
        Err(FirstPartyError::NotSignedIn) => see_other(APP.path()),
        Err(e) => internal(&state, &e),
    }
}

fn sign_in_page<S>(
    state: &HttpState<S>,
    lang: Locale,
    status: StatusCode,
    tenant: &str,
    error: Option<&str>,
) -> HttpResponse {
    html(status, state.renderer.account_sign_in_page(lang.tag(), &AccountSignInView { tenant, error }))
}

/// The sign-in prompt's refusal when the name given matches no tenant.
fn unknown_tenant<S>(state: &HttpState<S>, lang: Locale, typed: &str) -> HttpResponse {
    let message = state.renderer.catalogue(lang.tag()).text("account-unknown-tenant", &[]);
    sign_in_page(state, lang, StatusCode::NOT_FOUND, typed, Some(&message))
}

pub(crate) fn internal<S>(state: &HttpState<S>, err: &(dyn std::error::Error + 'static)) -> HttpResponse {
    crate::answers::failure_page(state, "account page request", err)
}

/// Who is signed in to the account page, if anyone.
pub(crate) async fn signed_in<S: Store>(
    req: &HttpRequest,
    state: &HttpState<S>,
) -> Result<AppSession, FirstPartyError> {
    let token = first_party::session_token(req, APP).ok_or(FirstPartyError::NotSignedIn)?;
    let sso = cookie_secret(req, SESSION_COOKIE);
    spawn(state, move |s| async move { s.apps.app_session(APP, &token, sso.as_ref()).await.map(|(me, _)| me) })
        .await
        .map_err(|e| FirstPartyError::Admin(AdminError::Internal(Box::new(e))))?
}

/// `GET /account`'s query.
#[derive(Deserialize)]
pub(crate) struct AccountQuery {
    tenant: Option<String>,
    done: Option<String>,
}

/// `GET /account`: the page when signed in; otherwise sign-in through the hosted
/// login for the tenant named in `?tenant=`, or of the browser's ended account
/// session, or of its single sign-on session, or else a prompt for the tenant.
pub(crate) async fn page<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    query: web::Query<AccountQuery>,
) -> HttpResponse {
    match signed_in(&req, &state).await {
        Ok(me) => {
            let browser = Browser::of(&req, &state);
            let notice = query.done.as_deref().and_then(notice_key);
            return match overview(&state, &me).await {
                Ok(view) => render(&state, &browser, &view, None, BTreeMap::new(), notice),
                Err(response) => response,
            };
        }
        Err(FirstPartyError::NotSignedIn) => {}
        Err(e) => return internal(&state, &e),
    }
    let raw = query.tenant.as_deref().map(str::trim).unwrap_or("").to_owned();
    let remembered = first_party::session_token(&req, APP).and_then(|t| state.services.apps.app_token_tenant(APP, &t));
    let tenant = if let Some(tenant) = remembered.filter(|_| raw.is_empty()) {
        tenant
    } else if raw.is_empty() {
        let sso = cookie_secret(&req, SESSION_COOKIE);
        match spawn(&state, move |s| async move { s.apps.sso_tenant(sso.as_ref()).await }).await {
            Ok(Ok(Some(tenant))) => tenant,
            Ok(Ok(None)) => return sign_in_page(&state, language::browser(&req), StatusCode::OK, "", None),
            Ok(Err(e)) => return internal(&state, &e),
            Err(e) => return internal(&state, &e),
        }
    } else {
        return match first_party::begin_named(&state, APP, &raw).await {
            Ok(response) => response,
            Err(AdminError::NotFound(_)) => unknown_tenant(&state, language::browser(&req), &raw),
            Err(e) => internal(&state, &e),
        };
    };
    match first_party::begin(&state, APP, tenant).await {
        Ok(response) => response,
        Err(AdminError::NotFound(_)) => unknown_tenant(&state, language::browser(&req), &raw),
        Err(e) => internal(&state, &e),
    }
}

/// `GET /t/{slug}/account`: the account page of the tenant with this slug.
pub(crate) async fn by_slug(path: web::Path<String>) -> HttpResponse {
    found(&format!("/account?tenant={}", first_party::url_safe(&path)))
}

/// `GET /account/callback`: checks `state`, exchanges the code as the account
/// page's client, and starts its session.
pub(crate) async fn callback<S: Store>(req: HttpRequest, state: web::Data<HttpState<S>>) -> HttpResponse {
    let mut response = match read_callback(&req, APP) {
        Err(refused) => {
            let lang = language::browser(&req);
            sign_in_page(&state, lang, StatusCode::BAD_REQUEST, &refused.tenant, Some(&refused.message))
        }
        Ok(callback) => {
            let tenant_text = callback.tenant.to_string();
            let redirect = first_party::redirect_uri(&state, APP);
            let outcome = spawn(&state, move |s| async move {
                let client = s.apps.first_party_client(APP, &callback.tenant).await?;
                s.apps.first_party_sign_in(APP, &client, &callback.code, &redirect, &callback.verifier).await
            })
            .await;
            match outcome {
                Ok(Ok((_, token))) => {
                    let mut r = see_other(APP.path());
                    let _ = r.add_cookie(&first_party::session_cookie(&state, APP, &token));
                    r
                }
                Ok(Err(FirstPartyError::Admin(e))) => internal(&state, &e),
                Ok(Err(e)) => {
                    let lang = language::browser(&req);
                    sign_in_page(&state, lang, StatusCode::BAD_REQUEST, &tenant_text, Some(&e.to_string()))
                }
                Err(e) => internal(&state, &e),
            }
        }
    };
    let _ = response.add_cookie(&first_party::flow_removal(&state, APP));
    response
}

/// The browser's binding cookie, the forms' CSRF token (made here if missing).
pub(crate) struct Browser {
    secret: Secret,
    new: bool,
    /// The language its `Accept-Language` prefers, when it names one with a catalogue.
    language: Option<Locale>,
}

impl Browser {
    fn of<S: Store>(req: &HttpRequest, state: &HttpState<S>) -> Self {
        let language = language::browser_choice(req);
        match cookie_secret(req, BROWSER_COOKIE) {
            Some(secret) => Self { secret, new: false, language },
            None => Self { secret: state.services.authorization.new_browser_binding(), new: true, language },
        }
    }

    /// The page's language: the browser's, else the user's tenant's default.
    pub(crate) fn lang(&self, view: Option<&AccountOverview>) -> Locale {
        let tenant = view.and_then(|v| v.tenant.as_ref()).map(|t| t.branding.default_locale);
        self.language.or(tenant).unwrap_or_default()
    }
}

/// The signed-in user and the form's pairs of a CSRF-checked form post, or the
/// answer to give instead (back to `/account` to sign in, or 403).
pub(crate) async fn form_me<S: Store>(
    req: &HttpRequest,
    state: &HttpState<S>,
    body: &[u8],
) -> Result<(AppSession, Browser, Vec<(String, String)>), HttpResponse> {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(body).into_owned().collect();
    let me = match signed_in(req, state).await {
        Ok(me) => me,
        Err(FirstPartyError::NotSignedIn) => return Err(see_other(APP.path())),
        Err(e) => return Err(internal(state, &e)),
    };
    let browser = Browser::of(req, state);
    if browser.new || !form_token_matches(Some(&browser.secret), value(&pairs, "csrf_token")) {
        let lang = browser.lang(None);
        return Err(worded_error_page(
            state,
            lang,
            StatusCode::FORBIDDEN,
            "error-form-expired-title",
            "error-form-expired",
        ));
    }
    Ok((me, browser, pairs))
}

pub(crate) fn value<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}

async fn overview<S: Store>(state: &HttpState<S>, me: &AppSession) -> Result<AccountOverview, HttpResponse> {
    let me = me.clone();
    answer(state, spawn(state, move |s| async move { s.self_service.account_overview(&me).await }).await)
}

/// A use case's answer, or the page that says what went wrong.
fn answer<S, T>(
    state: &HttpState<S>,
    outcome: Result<Result<T, AccountError>, tokio::task::JoinError>,
) -> Result<T, HttpResponse> {
    match outcome {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(crate::answers::account_error_page(state, Locale::En, &e, REAUTHENTICATE)),
        Err(e) => Err(internal(state, &e)),
    }
}

/// The message key for a `done=` code after a redirect; fixed texts only, nothing reflected.
fn notice_key(done: &str) -> Option<&'static str> {
    Some(match done {
        "profile" => "account-done-profile",
        "password" => "account-done-password",
        "app-removed" => "account-done-app-removed",
        "session-ended" => "account-done-session-ended",
        "others-ended" => "account-done-others-ended",
        "mfa-on" => "account-done-mfa-on",
        "mfa-off" => "account-done-mfa-off",
        "passkey-added" => "account-done-passkey-added",
        "passkey-renamed" => "account-done-passkey-renamed",
        "passkey-removed" => "account-done-passkey-removed",
        _ => return None,
    })
}

/// The page, with `name` as typed (or as stored) and the forms' errors.
fn render<S>(
    state: &HttpState<S>,
    browser: &Browser,
    view: &AccountOverview,
    name: Option<&str>,
    errors: BTreeMap<String, String>,
    notice: Option<&str>,
) -> HttpResponse {
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let lang = browser.lang(Some(view));
    let words = state.renderer.catalogue(lang.tag());
    let when = |t| human_time_in(words, t);
    let notice = notice.map(|key| words.text(key, &[]));
    let page = AccountView {
        brand: view.tenant.as_ref().map(super::pages::brand_of),
        csrf_token: browser.secret.expose(),
        email: view.user.email.as_str(),
        email_verified: view.user.email_verified,
        name: name.unwrap_or(view.user.name.as_deref().unwrap_or("")),
        has_password: view.user.password_hash.is_some(),
        apps: view
            .apps
            .iter()
            .map(|a| AccountAppRow {
                grant_id: a.grant.id.to_string(),
                name: a.client_name.clone(),
                scopes: a.grant.scopes.to_delimited(),
                since: when(a.grant.created_at),
            })
            .collect(),
        sessions: session_rows(words, &view.sessions, Some(&view.current_session)),
        passkeys: view
            .mfa
            .passkeys
            .iter()
            .map(|k| AccountPasskeyRow {
                id: k.id.to_string(),
                name: k.name.clone(),
                created_at: when(k.created_at),
                last_used_at: k.last_used_at.map(when).unwrap_or_default(),
                synced: k.backup_state,
            })
            .collect(),
        mfa: AccountMfaView {
            on_since: view.mfa.totp_confirmed_at.map(when),
            recovery_codes_left: view.mfa.recovery_codes_left,
            enrol: view.enrolment.as_ref().map(|e| EnrolView::new(&e.secret_base32, &e.otpauth_uri)),
        },
        notice: notice.as_deref(),
        errors,
    };
    let mut response = html(status, state.renderer.account_page(lang.tag(), &page));
    response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    if browser.new {
        let _ = response.add_cookie(&cookie(state, BROWSER_COOKIE, browser.secret.expose()));
    }
    response
}

/// The page again with a form's errors (422).
pub(super) async fn with_errors<S: Store>(
    state: &HttpState<S>,
    me: &AppSession,
    browser: &Browser,
    name: Option<&str>,
    errors: BTreeMap<String, String>,
) -> HttpResponse {
    match overview(state, me).await {
        Ok(view) => render(state, browser, &view, name, errors, None),
        Err(response) => response,
    }
}

/// `POST /account/profile`
pub(crate) async fn profile<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    body: web::Bytes,
) -> HttpResponse {
    let (me, browser, pairs) = or_answer!(form_me(&req, &state, &body).await);
    let name = value(&pairs, "name").to_owned();
    let (job_me, job_name) = (me.clone(), name.clone());
    match spawn(&state, move |s| async move { s.self_service.account_update_profile(&job_me, &job_name).await }).await {
        Ok(Ok(_)) => see_other("/account?done=profile"),
        Ok(Err(AccountError::Invalid(e))) => {
            let words = state.renderer.catalogue(browser.lang(None).tag());
            let errors = BTreeMap::from([(e.field.clone(), crate::answers::invalid_message(words, &e))]);
            with_errors(&state, &me, &browser, Some(&name), errors).await
        }
        other => answer(&state, other).map_or_else(|r| r, |_| see_other(APP.path())),
    }
}

/// `POST /account/password`
pub(crate) async fn password<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    body: web::Bytes,
) -> HttpResponse {
    let (me, browser, pairs) = or_answer!(form_me(&req, &state, &body).await);
    let (current, new) = (value(&pairs, "current_password").to_owned(), value(&pairs, "new_password").to_owned());
    let words = state.renderer.catalogue(browser.lang(None).tag());
    if new != value(&pairs, "confirm_password") {
        let errors = BTreeMap::from([("confirm_password".to_owned(), words.text("invalid-passwords-differ", &[]))]);
        return with_errors(&state, &me, &browser, None, errors).await;
    }
    let job_me = me.clone();
    let outcome =
        spawn(&state, move |s| async move { s.self_service.account_change_password(&job_me, &current, &new).await })
            .await;
    let error = match outcome {
        Ok(Ok(())) => return see_other("/account?done=password"),
        Ok(Err(AccountError::Invalid(e))) => ("new_password", crate::answers::invalid_message(words, &e)),
        Ok(Err(AccountError::WrongPassword)) => ("current_password", words.text("invalid-current-password", &[])),
        Ok(Err(AccountError::Throttled { retry_after })) => (
            "current_password",
            words.text("flow-too_many_attempts", &[("n", qeetid_render::Arg::Number(retry_after))]),
        ),
        other => return answer(&state, other).map_or_else(|r| r, |()| see_other(APP.path())),
    };
    with_errors(&state, &me, &browser, None, BTreeMap::from([(error.0.to_owned(), error.1)])).await
}

/// `POST /account/apps/{grantID}/revoke`
pub(crate) async fn revoke_app<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let (me, _, _) = or_answer!(form_me(&req, &state, &body).await);
    let Ok(grant) = GrantId::parse(&path) else {
        let lang = language::browser(&req);
        return worded_error_page(&state, lang, StatusCode::NOT_FOUND, "error-not-found-short", "account-no-such-app");
    };
    let outcome = spawn(&state, move |s| async move { s.self_service.account_revoke_app(&me, &grant).await }).await;
    answer(&state, outcome).map_or_else(|r| r, |()| see_other("/account?done=app-removed"))
}

/// `POST /account/sessions/{sessionID}/end`
pub(crate) async fn end_session<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let (me, _, _) = or_answer!(form_me(&req, &state, &body).await);
    let Ok(session) = SessionId::parse(&path) else {
        let lang = language::browser(&req);
        return worded_error_page(
            &state,
            lang,
            StatusCode::NOT_FOUND,
            "error-not-found-short",
            "account-no-such-session",
        );
    };
    let outcome =
        spawn(&state, move |s| async move { s.self_service.account_end_sessions(&me, Some(&session)).await }).await;
    answer(&state, outcome).map_or_else(|r| r, |_| see_other("/account?done=session-ended"))
}

/// `POST /account/sessions/end-others`
pub(crate) async fn end_other_sessions<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    body: web::Bytes,
) -> HttpResponse {
    let (me, _, _) = or_answer!(form_me(&req, &state, &body).await);
    let outcome = spawn(&state, move |s| async move { s.self_service.account_end_sessions(&me, None).await }).await;
    answer(&state, outcome).map_or_else(|r| r, |_| see_other("/account?done=others-ended"))
}

/// `POST /account/logout`: ends the account session and the single sign-on session.
pub(crate) async fn logout<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    body: web::Bytes,
) -> HttpResponse {
    let (_, _, _) = or_answer!(form_me(&req, &state, &body).await);
    first_party::sign_out(&req, &state, APP).await.unwrap_or_else(|e| internal(&state, e.as_ref()))
}

/// The browser and system of a user agent in the reader's words ("Firefox on Windows").
fn describe_device(words: &Catalogue, user_agent: Option<&str>) -> String {
    use qeetid_domain::seen_from::describe_user_agent;
    match user_agent.map(describe_user_agent) {
        Some((Some(browser), Some(system))) => {
            let args = [("browser", qeetid_render::Arg::Text(browser)), ("system", qeetid_render::Arg::Text(system))];
            words.text("device-browser-on-system", &args)
        }
        Some((Some(one), None) | (None, Some(one))) => one.to_owned(),
        _ => words.text("device-unknown", &[]),
    }
}

/// Sessions as the account page and the dashboard show them; `current` marks this browser's.
pub(crate) fn session_rows(
    words: &Catalogue,
    sessions: &[Session],
    current: Option<&SessionId>,
) -> Vec<AccountSessionRow> {
    sessions
        .iter()
        .map(|s| AccountSessionRow {
            id: s.id.to_string(),
            signed_in: human_time_in(words, s.auth_time),
            methods: describe_amr(words, &s.amr),
            device: describe_device(words, s.user_agent.as_deref()),
            place: match s.network.as_deref() {
                None => String::new(),
                Some(qeetid_domain::seen_from::LOCAL) => words.text("device-local-network", &[]),
                Some(network) => words.text("device-network", &[("network", qeetid_render::Arg::Text(network))]),
            },
            expires: human_time_in(words, s.expires_at),
            current: Some(&s.id) == current,
        })
        .collect()
}
