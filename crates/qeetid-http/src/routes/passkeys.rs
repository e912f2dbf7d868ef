//! Passkeys over HTTP: the JSON endpoints the pages' script calls around
//! `navigator.credentials.create()` (account page) and `.get()` (login page), and
//! the account page's rename and remove forms. Every call carries the browser's
//! CSRF token; ceremonies are bound server-side to the user or the pending request.

use super::form_token_matches;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use qeetid_domain::PasskeyId;
use qeetid_domain::ports::Store;
use qeetid_domain::services::{AccountError, FlowError};
use serde::Deserialize;
use serde_json::{Value, json};

use super::account::{REAUTHENTICATE, form_me, internal, signed_in, value};
use super::oauth::{BROWSER_COOKIE, cookie_secret};
use super::pages::see_other;
use super::spawn;
use crate::HttpState;
use crate::answers::{account_json_error, flow_error_json, json_error, json_reply};

/// `{"ceremony", "options"}`: the ceremony's id and the options for the browser.
fn options_reply(ceremony: &str, options: &str) -> HttpResponse {
    match serde_json::from_str::<Value>(options) {
        Ok(options) => json_reply(StatusCode::OK, &json!({ "ceremony": ceremony, "options": options })),
        Err(e) => crate::answers::internal_json_error("passkey options", &e),
    }
}

/// The login page's request for options.
#[derive(Deserialize)]
pub(crate) struct LoginOptionsForm {
    request: String,
    csrf_token: String,
}

/// `POST /login/passkey/options`: options to sign in with any passkey of this site.
pub(crate) async fn login_options<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    form: web::Form<LoginOptionsForm>,
) -> HttpResponse {
    let form = form.into_inner();
    let browser = cookie_secret(&req, BROWSER_COOKIE);
    if !form_token_matches(browser.as_ref(), &form.csrf_token) {
        return flow_error_json(&state, crate::language::browser(&req), &FlowError::CsrfMismatch);
    }
    let outcome =
        spawn(&state, move |s| async move { s.passkeys.passkey_login_options(&form.request, browser.as_ref()).await })
            .await;
    match outcome.map_err(|e| FlowError::Internal(Box::new(e))).and_then(|r| r) {
        Ok((ceremony, options)) => options_reply(ceremony.as_str(), &options),
        Err(err) => flow_error_json(&state, crate::language::browser(&req), &err),
    }
}

/// The login page's answer: the browser's `PublicKeyCredential`.
#[derive(Deserialize)]
pub(crate) struct LoginAnswer {
    request: String,
    csrf_token: String,
    ceremony: String,
    credential: Value,
}

/// `POST /login/passkey`: signs the passkey's owner in; answers `{"redirect_to"}`
/// (consent, or back to the client) with the session cookie.
pub(crate) async fn login<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    body: web::Bytes,
) -> HttpResponse {
    let Ok(answer) = serde_json::from_slice::<LoginAnswer>(&body) else {
        return json_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "expected request, csrf_token, ceremony, credential",
        );
    };
    let browser = cookie_secret(&req, BROWSER_COOKIE);
    let credential = answer.credential.to_string();
    let outcome = spawn(&state, move |s| async move {
        s.passkeys
            .passkey_login(&answer.request, browser.as_ref(), &answer.csrf_token, &answer.ceremony, &credential)
            .await
    })
    .await;
    match outcome.map_err(|e| FlowError::Internal(Box::new(e))).and_then(|r| r) {
        Ok(signed_in) => {
            let mut response = json_reply(StatusCode::OK, &super::hosted::next_step(&signed_in.next).json());
            super::hosted::add_sign_in_cookies(&state, &mut response, &signed_in);
            response
        }
        Err(err) => flow_error_json(&state, crate::language::browser(&req), &err),
    }
}

/// `POST /account/passkeys/options`: options to create a passkey for the signed-in user.
pub(crate) async fn register_options<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    body: web::Bytes,
) -> HttpResponse {
    let (me, _, _) = match form_me(&req, &state, &body).await {
        Ok(found) => found,
        Err(_) => return json_error(StatusCode::FORBIDDEN, "forbidden", "Reload the page and sign in again."),
    };
    match spawn(&state, move |s| async move { s.passkeys.account_passkey_options(&me).await }).await {
        Ok(Ok((ceremony, options))) => options_reply(ceremony.as_str(), &options),
        Ok(Err(e)) => account_json_error(&e, REAUTHENTICATE),
        Err(e) => internal(&state, &e),
    }
}

/// The account page's answer: the new credential and its name.
#[derive(Deserialize)]
pub(crate) struct RegisterAnswer {
    csrf_token: String,
    ceremony: String,
    #[serde(default)]
    name: String,
    credential: Value,
}

/// `POST /account/passkeys`: verifies and registers the passkey; 201 `{"passkey"}`.
pub(crate) async fn register<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    body: web::Bytes,
) -> HttpResponse {
    let Ok(answer) = serde_json::from_slice::<RegisterAnswer>(&body) else {
        return json_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "expected csrf_token, ceremony, name, credential",
        );
    };
    let me = match signed_in(&req, &state).await {
        Ok(me) => me,
        Err(_) => return json_error(StatusCode::UNAUTHORIZED, "login_required", "Sign in to your account again."),
    };
    if !form_token_matches(cookie_secret(&req, BROWSER_COOKIE).as_ref(), &answer.csrf_token) {
        return json_error(StatusCode::FORBIDDEN, "csrf_mismatch", "Reload the page and try again.");
    }
    let credential = answer.credential.to_string();
    let outcome = spawn(&state, move |s| async move {
        s.passkeys.account_add_passkey(&me, &answer.ceremony, &answer.name, &credential).await
    })
    .await;
    match outcome {
        Ok(Ok(passkey)) => json_reply(
            StatusCode::CREATED,
            &json!({ "passkey": { "id": passkey.id.to_string(), "name": passkey.name } }),
        ),
        Ok(Err(e)) => account_json_error(&e, REAUTHENTICATE),
        Err(e) => internal(&state, &e),
    }
}

/// `POST /account/passkeys/{id}/rename`
pub(crate) async fn rename<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let (me, _, pairs) = or_answer!(form_me(&req, &state, &body).await);
    let Ok(id) = PasskeyId::parse(&path) else { return see_other("/account") };
    let name = value(&pairs, "name").to_owned();
    match spawn(&state, move |s| async move { s.passkeys.account_rename_passkey(&me, &id, &name).await }).await {
        Ok(Ok(())) => see_other("/account?done=passkey-renamed#passkeys"),
        Ok(Err(AccountError::Invalid(_))) => see_other("/account#passkeys"),
        Ok(Err(e)) => internal(&state, &e),
        Err(e) => internal(&state, &e),
    }
}

/// `POST /account/passkeys/{id}/remove`
pub(crate) async fn remove<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let (me, _, _) = or_answer!(form_me(&req, &state, &body).await);
    let Ok(id) = PasskeyId::parse(&path) else { return see_other("/account") };
    match spawn(&state, move |s| async move { s.passkeys.account_remove_passkey(&me, &id).await }).await {
        Ok(Ok(())) => see_other("/account?done=passkey-removed#passkeys"),
        Ok(Err(AccountError::ReauthenticationRequired)) => see_other(REAUTHENTICATE),
        Ok(Err(e)) => internal(&state, &e),
        Err(e) => internal(&state, &e),
    }
}

/// `GET /static/passkeys.js`
pub(crate) async fn script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(qeetid_render::PASSKEYS_SCRIPT)
}
