//! Two-step verification: an authenticator app (TOTP, RFC 6238) set up from the
//! account page or at sign-in, codes accepted once, recovery codes, the tenant-wide
//! requirement, and the admin's reset.

use base64::Engine as _;
use qeetid_domain::UnixTime;
use qeetid_domain::mfa::{decode_base32, totp_code};
use qeetid_store::testing::TestDatabase;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::account::{open_account, user_id};
use crate::support::{
    self, Body, EMAIL, PASSWORD, REDIRECT_URI, Realm, TestApp, VERIFIER, hidden, post_form, query_param, spawn_app,
};

/// The secret shown on a page (`id="totp-secret"`), decoded.
fn shown_secret(page: &str) -> Vec<u8> {
    let start = page.find(r#"id="totp-secret">"#).expect("the page shows the key") + r#"id="totp-secret">"#.len();
    let text = &page[start..start + page[start..].find('<').unwrap()];
    decode_base32(text).unwrap()
}

/// The code for `secret`, `steps_ahead` time steps from now (the provider accepts one step of skew).
fn code(secret: &[u8], steps_ahead: i64) -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    totp_code(secret, UnixTime::from_secs(now + 30 * steps_ahead)).unwrap()
}

/// The recovery codes on a page, in order.
fn recovery_codes(page: &str) -> Vec<String> {
    page.split("<li><code>").skip(1).map(|s| s[..s.find('<').unwrap()].to_owned()).collect()
}

fn authorize(app: &TestApp, realm: &Realm) -> String {
    support::authorize_url(app, &realm.client_id, "openid%20email", "s", "")
}

/// The claims of the ID token a sign-in that ended at `landing` gets.
async fn id_token_claims(app: &TestApp, realm: &Realm, landing: &str) -> Value {
    let code = query_param(landing, "code").expect("a code");
    let form = [
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", REDIRECT_URI),
        ("code_verifier", VERIFIER),
    ];
    let (status, body) = post_form(app, "/v1/oauth/token", Some((&realm.client_id, &realm.client_secret)), &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let payload = body["id_token"].as_str().unwrap().split('.').nth(1).unwrap().to_owned();
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

/// In `browser`, the password step of a sign-in to the realm's client; answers the
/// second-factor page it leads to.
async fn password_step(browser: &TestApp, realm: &Realm) -> String {
    let (_, login, _) = browser.browse(&authorize(browser, realm)).await;
    let (_, _, page) = browser.browse(&login.unwrap()).await;
    let (request, csrf) = (hidden(&page, "request"), hidden(&page, "csrf_token"));
    let form = [("request", request.as_str()), ("csrf_token", csrf.as_str()), ("email", EMAIL), ("password", PASSWORD)];
    let (status, location, _) = browser.submit("/login", &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = location.unwrap();
    assert!(location.starts_with("/login/mfa?request="), "{location}");
    let (status, _, page) = browser.browse(&location).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page
}

/// Submits `code` on the second-factor `page` in `browser`.
async fn give_code(browser: &TestApp, page: &str, code: &str) -> (StatusCode, Option<String>, String) {
    let (request, csrf) = (hidden(page, "request"), hidden(page, "csrf_token"));
    browser.submit("/login/mfa", &[("request", request.as_str()), ("csrf_token", csrf.as_str()), ("code", code)]).await
}

pub(crate) async fn users_turn_on_an_authenticator_and_each_code_works_once(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    let user = user_id(&app, &realm).await;
    let page = open_account(&app, &realm.tenant, PASSWORD).await;
    assert!(page.contains("Set up an authenticator app"));
    let csrf = hidden(&page, "csrf_token");
    let (status, location, _) = app.submit("/account/mfa/totp", &[("csrf_token", &csrf)]).await;
    assert_eq!((status, location.as_deref()), (StatusCode::SEE_OTHER, Some("/account#mfa")));
    let (_, _, page) = app.browse("/account").await;
    assert!(page.contains("<svg") && page.contains("QR code for your authenticator app"), "a QR code to scan");
    let secret = shown_secret(&page);
    // Each code is computed once: a 30-second step may end between two uses.
    let confirming = code(&secret, 0);
    let (status, _, page) = app.submit("/account/mfa/totp/confirm", &[("csrf_token", &csrf), ("code", "000000")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("That code is not right"), "{page}");
    let (status, _, page) =
        app.submit("/account/mfa/totp/confirm", &[("csrf_token", &csrf), ("code", &confirming)]).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let recovery = recovery_codes(&page);
    assert_eq!(recovery.len(), 10, "{page}");
    let mfa = format!("/v1/tenants/{}/users/{user}/mfa", realm.tenant);
    let reply = app.admin(Method::GET, &mfa, Body::None).await;
    assert_eq!(reply.body["mfa"]["enabled"], json!(true), "{}", reply.body);
    assert_eq!(reply.body["mfa"]["recovery_codes_left"], json!(10));

    // Another browser: the password leads to the code page. The confirming code's
    // step is spent; the next step's code works, once.
    let laptop = app.other_browser();
    let page = password_step(&laptop, &realm).await;
    assert!(page.contains("Enter the 6-digit code"));
    let (status, _, page) = give_code(&laptop, &page, &confirming).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the confirming code was spent: {page}");
    let next = code(&secret, 1);
    let (status, _, _) = give_code(&laptop, &page, &next).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // Replayed on a new sign-in, the same code is refused.
    let phone = app.other_browser();
    let page = password_step(&phone, &realm).await;
    let (status, _, page) = give_code(&phone, &page, &next).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(page.contains("already used"), "{page}");

    // A recovery code signs in once, and the ID token says how.
    let tablet = app.other_browser();
    let landing =
        tablet.sign_in_with_second_factor(&authorize(&app, &realm), EMAIL, PASSWORD, Some(&recovery[0])).await;
    let claims = id_token_claims(&tablet, &realm, &landing).await;
    assert_eq!((&claims["amr"], &claims["acr"]), (&json!(["pwd", "otp", "mfa"]), &json!("aal2")));
    let reply = app.admin(Method::GET, &mfa, Body::None).await;
    assert_eq!(reply.body["mfa"]["recovery_codes_left"], json!(9));
    let again = app.other_browser();
    let page = password_step(&again, &realm).await;
    assert_eq!(give_code(&again, &page, &recovery[0]).await.0, StatusCode::UNAUTHORIZED, "a recovery code works once");

    // The admin resets MFA (a lost phone): the password alone signs in again.
    let reply = app.admin(Method::DELETE, &mfa, Body::None).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert_eq!(app.admin(Method::GET, &mfa, Body::None).await.body["mfa"]["enabled"], json!(false));
    let fresh = app.other_browser();
    let landing = fresh.sign_in_through_pages(&authorize(&app, &realm), EMAIL, PASSWORD).await;
    let claims = id_token_claims(&fresh, &realm, &landing).await;
    assert_eq!((&claims["amr"], &claims["acr"]), (&json!(["pwd"]), &json!("aal1")));
}

pub(crate) async fn a_tenant_that_requires_mfa_enrols_users_at_sign_in(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    let key = app.tenant_key(&realm.tenant).await;
    let path = format!("/v1/tenants/{}", realm.tenant);
    // The tenant's own key sets its policy, but may not rename it.
    let reply = app.call(Method::PATCH, &path, Some(&key), Body::Json(json!({ "name": "Renamed" }))).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.body);
    let reply = app.call(Method::PATCH, &path, Some(&key), Body::Json(json!({ "require_mfa": true }))).await;
    assert_eq!((reply.status, &reply.body["tenant"]["require_mfa"]), (StatusCode::OK, &json!(true)), "{}", reply.body);

    let page = password_step(&app, &realm).await;
    assert!(page.contains("Signing in here takes a second step") && page.contains("<svg"), "{page}");
    assert!(page.contains("Turn on and continue"));
    let secret = shown_secret(&page);
    let (status, _, page) = give_code(&app, &page, &code(&secret, 0)).await;
    assert_eq!(status, StatusCode::OK, "the recovery codes, shown once: {page}");
    assert_eq!(recovery_codes(&page).len(), 10);
    // Tera escapes `/` in attributes; a browser decodes it.
    let next = page.split(r#"class="button" href=""#).nth(1).unwrap().split('"').next().unwrap().replace("&#x2F;", "/");
    assert!(next.starts_with("/consent?request="), "{next}");
    // The session is live: consent, then back to the client with a code.
    let (status, _, page) = app.browse(&next).await;
    assert_eq!(status, StatusCode::OK, "{page}");
}
