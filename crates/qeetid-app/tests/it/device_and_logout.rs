//! The device grant (RFC 8628), RP-initiated logout and discovery of the token
//! services, through the public HTTP interface.

use qeetid_store::testing::TestDatabase;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{
    EMAIL, PASSWORD, POST_LOGOUT_URI, Realm, TestApp, fail_until_throttled, get_json, hidden, post_form, spawn_app,
};
use crate::token_services::{authorize_url, s, token, tokens};

async fn device_start(app: &TestApp, realm: &Realm) -> Value {
    let (status, body) = post_form(
        app,
        "/v1/oauth/device/code",
        Some((&realm.client_id, &realm.client_secret)),
        &[("scope", "openid email")],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn poll(app: &TestApp, realm: &Realm, device_code: &str) -> (StatusCode, Value) {
    token(app, realm, &[("grant_type", "urn:ietf:params:oauth:grant-type:device_code"), ("device_code", device_code)])
        .await
}

/// Enters the user code on /device, signs in and answers consent; returns the final page's URL.
async fn approve_on_the_device_page(app: &TestApp, complete_uri: &str, decision: &str) -> String {
    let (status, _, page) = app.browse(complete_uri).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let (csrf, code) = (
        hidden(&page, "csrf_token"),
        page.split(r#"name="user_code""#)
            .nth(1)
            .unwrap()
            .split("value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned(),
    );
    let (status, location, page) = app.submit("/device", &[("csrf_token", &csrf), ("user_code", &code)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let (_, _, login) = app.browse(&location.unwrap()).await;
    let request = hidden(&login, "request");
    let (_, location, _) = app
        .submit("/login", &[("request", &request), ("csrf_token", &csrf), ("email", EMAIL), ("password", PASSWORD)])
        .await;
    let (_, _, consent) = app.browse(&location.unwrap()).await;
    assert!(consent.contains("Acme Web"));
    // The CSRF token was renewed at sign-in.
    let csrf = hidden(&consent, "csrf_token");
    let (status, location, _) = app
        .submit("/v1/oauth/authorize/decision", &[("request", &request), ("csrf_token", &csrf), ("decision", decision)])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    location.unwrap()
}

pub(crate) async fn the_device_grant_follows_rfc_8628(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    let started = device_start(&app, &realm).await;
    let user_code = s(&started["user_code"]);
    assert_eq!(user_code.len(), 9);
    assert!(user_code.chars().all(|c| c == '-' || "BCDFGHJKLMNPQRSTVWXZ".contains(c)), "{user_code}");
    assert_eq!(started["verification_uri"], format!("{}/device", app.issuer));
    assert_eq!(started["verification_uri_complete"], format!("{}/device?user_code={user_code}", app.issuer));
    assert_eq!((started["interval"].as_i64(), started["expires_in"].as_i64()), (Some(5), Some(600)));
    let device_code = s(&started["device_code"]);

    let (status, body) = poll(&app, &realm, &device_code).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("authorization_pending")));
    let (_, body) = poll(&app, &realm, &device_code).await;
    assert_eq!(body["error"], "slow_down", "polled faster than the interval");
    assert!(s(&body["error_description"]).contains("10 seconds"), "the interval grew by 5 s: {body}");

    let done = approve_on_the_device_page(&app, &s(&started["verification_uri_complete"]), "allow").await;
    assert_eq!(done, "/device?result=approved");
    let (_, _, page) = app.browse(&done).await;
    assert!(page.contains("Device connected"));

    tokio::time::sleep(std::time::Duration::from_millis(10_100)).await;
    let (status, body) = poll(&app, &realm, &device_code).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["id_token"].is_string() && body["refresh_token"].is_string());
    tokio::time::sleep(std::time::Duration::from_millis(10_100)).await;
    assert_eq!(poll(&app, &realm, &device_code).await.1["error"], "invalid_grant", "collected once");

    let denied = device_start(&app, &realm).await;
    let done = approve_on_the_device_page(&app, &s(&denied["verification_uri_complete"]), "deny").await;
    assert_eq!(done, "/device?result=denied");
    assert_eq!(poll(&app, &realm, &s(&denied["device_code"])).await.1["error"], "access_denied");

    // Wrong codes are refused, then throttled.
    let (_, _, page) = app.browse("/device").await;
    let csrf = hidden(&page, "csrf_token");
    let wrong = [("csrf_token", csrf.as_str()), ("user_code", "BBBB-BBBB")];
    fail_until_throttled(&app, "/device", &wrong, StatusCode::BAD_REQUEST).await;
    let right = [("csrf_token", csrf.as_str()), ("user_code", user_code.as_str())];
    let (status, _, _) = app.submit("/device", &right).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "even a right code waits");
}

pub(crate) async fn logout_ends_the_session_and_redirects_only_where_registered(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    let t = tokens(&app, &realm).await;
    let hint = s(&t["id_token"]);
    let post_logout: String = url::form_urlencoded::byte_serialize(POST_LOGOUT_URI.as_bytes()).collect();

    let (status, _, page) = app
        .browse(&format!("/v1/oauth/logout?id_token_hint={hint}&post_logout_redirect_uri={post_logout}&state=bye"))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Sign out?") && page.contains("Acme Web"));
    let csrf = hidden(&page, "csrf_token");
    let (status, location, _) = app
        .submit(
            "/logout",
            &[
                ("csrf_token", &csrf),
                ("id_token_hint", &hint),
                ("post_logout_redirect_uri", POST_LOGOUT_URI),
                ("state", "bye"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location.as_deref(), Some(format!("{POST_LOGOUT_URI}?state=bye").as_str()));
    let (_, location, _) = app.browse(&authorize_url(&app, &realm.client_id)).await;
    assert!(location.unwrap().starts_with("/login"), "the SSO session ended");

    // An unregistered redirect gets the signed-out page, never a redirect.
    tokens(&app, &realm).await;
    let (_, _, page) = app
        .browse(&format!(
            "/v1/oauth/logout?client_id={}&post_logout_redirect_uri=https%3A%2F%2Fevil.example",
            realm.client_id
        ))
        .await;
    assert!(page.contains("not registered for this application"), "the page says so before: {page}");
    let csrf = hidden(&page, "csrf_token");
    let (status, location, page) = app
        .submit(
            "/logout",
            &[
                ("csrf_token", &csrf),
                ("client_id", &realm.client_id),
                ("post_logout_redirect_uri", "https://evil.example"),
            ],
        )
        .await;
    assert_eq!((status, location), (StatusCode::OK, None));
    assert!(page.contains("You are signed out"));
    assert!(page.contains("not registered for this application"), "and after: {page}");
    let (status, _, _) = app.submit("/logout", &[("csrf_token", "qbr_forged")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A hint that is not ours: the user may still sign out, but is never sent back.
    let (status, _, page) =
        app.browse(&format!("/v1/oauth/logout?id_token_hint=not.a.token&post_logout_redirect_uri={post_logout}")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("could not be verified") && !page.contains("Acme Web"), "{page}");
    let (status, location, _) = app
        .submit(
            "/logout",
            &[("csrf_token", &csrf), ("id_token_hint", "not.a.token"), ("post_logout_redirect_uri", POST_LOGOUT_URI)],
        )
        .await;
    assert_eq!((status, location), (StatusCode::OK, None), "no redirect for an unverified request");
    // No application named at all.
    let (_, _, page) = app.browse(&format!("/v1/oauth/logout?post_logout_redirect_uri={post_logout}")).await;
    assert!(page.contains("does not say which application"), "{page}");
    // A broken request is a sign-out link, not a sign-in link.
    let (status, _, page) = app.browse("/v1/oauth/logout?state=a&state=b").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("This sign-out link is not valid"), "{page}");
}

pub(crate) async fn discovery_advertises_every_token_service(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let doc = get_json(&app, "/.well-known/openid-configuration").await;
    for (key, path) in [
        ("userinfo_endpoint", "/v1/oauth/userinfo"),
        ("introspection_endpoint", "/v1/oauth/introspect"),
        ("revocation_endpoint", "/v1/oauth/revoke"),
        ("device_authorization_endpoint", "/v1/oauth/device/code"),
        ("end_session_endpoint", "/v1/oauth/logout"),
    ] {
        assert_eq!(doc[key], format!("{}{path}", app.issuer), "{key}");
    }
    assert_eq!(
        doc["grant_types_supported"],
        json!([
            "authorization_code",
            "refresh_token",
            "client_credentials",
            "urn:ietf:params:oauth:grant-type:device_code",
            "urn:ietf:params:oauth:grant-type:token-exchange"
        ])
    );
}
