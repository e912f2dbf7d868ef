//! The review's findings on guessing (issue "Trust"): sign-in, device codes and
//! client authentication are throttled per account and address, without letting
//! a stranger lock the user out.

use qeetid_store::testing::TestDatabase;
use reqwest::StatusCode;
use serde_json::Value;

use crate::support::{Realm, TestApp, hidden, spawn_app};

/// `active` of an introspection of `token` by the realm's client.
/// A browser at the login page of the realm's client: the form's request id and CSRF token.
async fn login_form(app: &TestApp, realm: &Realm) -> (String, String) {
    let authorize = crate::support::authorize_url(app, &realm.client_id, "openid", "s", "");
    let (_, login, _) = app.browse(&authorize).await;
    let (_, _, page) = app.browse(&login.unwrap()).await;
    (hidden(&page, "request"), hidden(&page, "csrf_token"))
}

/// POSTs the login form as if from `address` (the test server trusts one proxy hop).
async fn login_from(app: &TestApp, form: &(String, String), email: &str, password: &str, address: &str) -> StatusCode {
    let fields =
        [("request", form.0.as_str()), ("csrf_token", form.1.as_str()), ("email", email), ("password", password)];
    let request = app.http.post(format!("{}/login", app.issuer)).header("X-Forwarded-For", address).form(&fields);
    request.send().await.unwrap().status()
}

async fn behind_one_proxy(db: &TestDatabase) -> TestApp {
    let mut settings = crate::support::settings(db);
    settings.trusted_proxies = vec!["127.0.0.1".to_owned()];
    crate::support::spawn_app_with(settings).await
}

pub(crate) async fn concurrent_guesses_after_a_lock_run_one_at_a_time(db: &TestDatabase) {
    let app = behind_one_proxy(db).await;
    let realm = app.realm().await;
    let form = login_form(&app, &realm).await;
    let email = crate::support::EMAIL;
    for _ in 0..5 {
        assert_eq!(login_from(&app, &form, email, "wrong", "203.0.113.7").await, StatusCode::UNAUTHORIZED);
    }
    // Locked for a second; once it opens, forty guesses at once: one runs.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let guesses = (0..40).map(|_| login_from(&app, &form, email, "wrong", "203.0.113.7"));
    let answers = futures_util::future::join_all(guesses).await;
    let evaluated = answers.iter().filter(|s| **s != StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!(evaluated, 1, "{answers:?}");
}

pub(crate) async fn spraying_from_one_address_is_throttled(db: &TestDatabase) {
    let app = behind_one_proxy(db).await;
    let realm = app.realm().await;
    let form = login_form(&app, &realm).await;
    let mut evaluated = 0;
    for n in 0..45 {
        let status = login_from(&app, &form, &format!("user{n}@example.com"), "Winter2026!", "198.51.100.9").await;
        if status != StatusCode::TOO_MANY_REQUESTS {
            evaluated += 1;
        }
    }
    // 30 free, then waits of 1 s, 2 s, … in whole seconds: a guess that lands just
    // past a second boundary may run once more.
    assert!(evaluated <= 32, "{evaluated} guesses over distinct accounts were evaluated");
    // Another address is not held back by this one.
    let status = login_from(&app, &form, "someone@example.com", "Winter2026!", "198.51.100.10").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

pub(crate) async fn a_stranger_cannot_lock_the_user_out(db: &TestDatabase) {
    let app = behind_one_proxy(db).await;
    let realm = app.realm().await;
    let (email, password) = (crate::support::EMAIL, crate::support::PASSWORD);
    // The user signs in once from their laptop: the browser becomes known.
    let form = login_form(&app, &realm).await;
    assert_eq!(login_from(&app, &form, email, password, "203.0.113.5").await, StatusCode::SEE_OTHER);
    // A stranger guesses the user's password from many addresses.
    let stranger = app.other_browser();
    let form = login_form(&stranger, &realm).await;
    // Until the account-wide key refuses (20 free failures), then once more after
    // its first 1 s wait, so that the next wait is 2 s whatever the clock's second.
    let mut refused = false;
    for n in 0..40 {
        let status = login_from(&stranger, &form, email, "guess", &format!("192.0.2.{n}")).await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            refused = true;
            break;
        }
    }
    assert!(refused, "the account-wide key refuses in the end");
    // Wait the key out and fail once more: the wait after that is at least 2 s.
    let mut evaluated = false;
    for n in 100..106 {
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        let status = login_from(&stranger, &form, email, "guess", &format!("192.0.2.{n}")).await;
        if status == StatusCode::UNAUTHORIZED {
            evaluated = true;
            break;
        }
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    }
    assert!(evaluated, "the wait ended");
    let status = login_from(&stranger, &form, email, password, "192.0.2.200").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "the account is guarded against unknown browsers");
    // The user's own browser signs in with the right password at once.
    let form = login_form(&app, &realm).await;
    assert_eq!(login_from(&app, &form, email, password, "203.0.113.5").await, StatusCode::SEE_OTHER);
}

pub(crate) async fn device_code_guessing_is_throttled_whatever_the_cookie(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let mut answers = Vec::new();
    for _ in 0..10 {
        // A fresh browser (and so a fresh browser cookie) for every guess.
        let browser = app.other_browser();
        let (_, _, page) = browser.browse("/device").await;
        let csrf = hidden(&page, "csrf_token");
        let (status, _, _) = browser.submit("/device", &[("csrf_token", &csrf), ("user_code", "BBBB-BBBB")]).await;
        answers.push(status);
    }
    let refused = answers.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    assert!(refused >= 4, "{answers:?}");
}

pub(crate) async fn failed_client_authentication_is_throttled(db: &TestDatabase) {
    let app = behind_one_proxy(db).await;
    let realm = app.realm().await;
    let token = |secret: &'static str, address: &'static str| {
        let request = app
            .http
            .post(format!("{}/v1/oauth/token", app.base))
            .header("X-Forwarded-For", address)
            .basic_auth(&realm.client_id, Some(if secret.is_empty() { &realm.client_secret } else { secret }))
            .form(&[("grant_type", "client_credentials")]);
        async move { request.send().await.unwrap() }
    };
    for _ in 0..10 {
        assert_eq!(token("qcs_wrong", "203.0.113.3").await.status(), StatusCode::UNAUTHORIZED);
    }
    // Past the ten free failures each one waits 1 s, 2 s, … (whole seconds): within
    // a few more attempts one lands inside a wait.
    let mut refused = token("qcs_wrong", "203.0.113.3").await;
    for _ in 0..3 {
        if refused.status() == StatusCode::TOO_MANY_REQUESTS {
            break;
        }
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
        refused = token("qcs_wrong", "203.0.113.3").await;
    }
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers().contains_key("retry-after"));
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client");
    // The client itself is not locked out: from its own address the secret works.
    assert_eq!(token("", "203.0.113.99").await.status(), StatusCode::OK);
}

/// Forwarding headers count only from a trusted proxy: a client that connects
/// directly and writes a new `X-Forwarded-For` (or `Forwarded`) for every guess is
/// still one address to the throttle.
pub(crate) async fn forged_forwarding_headers_do_not_evade_the_throttle(db: &TestDatabase) {
    let mut settings = crate::support::settings(db);
    // The proxies live elsewhere: the test's connections (from 127.0.0.1) are direct.
    settings.trusted_proxies = vec!["10.0.0.0/8".to_owned()];
    let app = crate::support::spawn_app_with(settings).await;
    let realm = app.realm().await;
    let form = login_form(&app, &realm).await;
    let mut evaluated = 0;
    for n in 0..45 {
        let forged = format!("198.51.100.{n}");
        let fields = [
            ("request", form.0.as_str()),
            ("csrf_token", form.1.as_str()),
            ("email", &format!("user{n}@example.com")),
            ("password", "Winter2026!"),
        ];
        let request = app
            .http
            .post(format!("{}/login", app.issuer))
            .header("X-Forwarded-For", forged.as_str())
            .header("Forwarded", format!("for={forged}"))
            .form(&fields);
        if request.send().await.unwrap().status() != StatusCode::TOO_MANY_REQUESTS {
            evaluated += 1;
        }
    }
    assert!(evaluated <= 32, "{evaluated} guesses with forged addresses were evaluated");
}
