//! Recovery, verification and sign-up by e-mail, through the hosted pages, with
//! every message received over a real SMTP conversation by a sink the test starts.

use qeetid_store::testing::TestDatabase;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{
    Body, EMAIL, PASSWORD, TestApp, authorize_url, claims_of, hidden, redeem, settings, spawn_app_with,
};
use qeetid_mail::testing::SmtpSink;

const NEW_PASSWORD: &str = "analytical engine notes";

/// A server whose e-mail goes to a fresh sink.
async fn app_with_sink(db: &TestDatabase) -> (TestApp, SmtpSink) {
    let sink = SmtpSink::start().await;
    let mut settings = settings(db);
    settings.smtp_url = sink.url.clone();
    (spawn_app_with(settings).await, sink)
}

/// Starts a sign-in at the client and returns the login page's address and the page.
async fn login_page(app: &TestApp, client_id: &str, state: &str) -> (String, String) {
    let (status, location, body) = app.browse(&authorize_url(app, client_id, "openid%20email", state, "")).await;
    assert_eq!(status, StatusCode::FOUND, "{body}");
    let location = location.unwrap();
    let (status, _, page) = app.browse(&location).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    (location, page)
}

async fn events(app: &TestApp, tenant: &str, kind: &str) -> Vec<serde_json::Value> {
    let reply = app.admin(Method::GET, &format!("/v1/tenants/{tenant}/events?type={kind}"), Body::None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.body["events"].as_array().unwrap().clone()
}

pub(crate) async fn a_forgotten_password_is_reset_by_a_single_use_link(db: &TestDatabase) {
    let (app, sink) = app_with_sink(db).await;
    let realm = app.realm().await;
    // Another browser holds a session: setting a new password must end it.
    let phone = app.other_browser();
    let landing = phone
        .sign_in_through_pages(&authorize_url(&phone, &realm.client_id, "openid%20email", "p1", ""), EMAIL, PASSWORD)
        .await;
    assert!(landing.contains("code="), "{landing}");

    let (login_at, login) = login_page(&app, &realm.client_id, "s1").await;
    let request = hidden(&login, "request");
    assert!(login.contains(&format!("/password/forgot?request={request}")), "the login page links to the reset");
    assert!(!login.contains("Create account"), "sign-up is off by default");
    let (status, _, page) = app.browse(&format!("/password/forgot?request={request}")).await;
    assert_eq!(status, StatusCode::OK, "{page}");

    // The same answer whether or not the address has an account; mail only for one that has.
    let (status, _, unknown) =
        app.submit("/password/forgot", &[("request", &request), ("email", "nobody@example.com")]).await;
    assert_eq!(status, StatusCode::OK, "{unknown}");
    let (status, _, known) = app.submit("/password/forgot", &[("request", &request), ("email", EMAIL)]).await;
    assert_eq!(status, StatusCode::OK, "{known}");
    for page in [&unknown, &known] {
        assert!(page.contains("If an account exists for"), "{page}");
    }
    assert_eq!(unknown.replace("nobody@example.com", EMAIL), known, "the answers differ only by the address typed");
    let mail = sink.wait_for(EMAIL, 1).await;
    assert!(sink.received_for("nobody@example.com").is_empty());
    assert!(mail[0].text.contains("Subject: Reset your Acme password"), "{}", mail[0].text);
    assert!(
        mail[0].text.contains("From: Acme <no-reply@localhost>"),
        "the tenant is the sender's name: {}",
        mail[0].text
    );
    assert!(mail[0].text.contains("text/html") && mail[0].text.contains("text/plain"));
    let link = mail[0].link(&app.issuer, "/password/reset");

    // Opening the link shows a form and uses nothing.
    let (status, _, form) = app.browse(&link).await;
    assert_eq!(status, StatusCode::OK, "{form}");
    assert!(form.contains(EMAIL));
    let token = hidden(&form, "token");
    let (status, _, page) = app.browse(&link).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    // A mistyped repeat and a common password are refused; the link still works after both.
    let differ = [("token", token.as_str()), ("password", NEW_PASSWORD), ("password_again", "analytical engine")];
    let (status, _, page) = app.submit("/password/reset", &differ).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(page.contains("The two passwords differ"), "{page}");
    let common = [("token", token.as_str()), ("password", "password123"), ("password_again", "password123")];
    let (status, _, page) = app.submit("/password/reset", &common).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(page.contains("most common passwords"), "{page}");
    let good = [("token", token.as_str()), ("password", NEW_PASSWORD), ("password_again", NEW_PASSWORD)];
    let (status, location, page) = app.submit("/password/reset", &good).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let back = location.unwrap();
    assert_eq!(back, format!("{login_at}&notice=password_set"), "back to the sign-in it was asked from");

    // Used once.
    let (status, _, page) = app.submit("/password/reset", &good).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{page}");
    assert!(page.contains("expired or was already used"), "{page}");
    let (status, _, _) = app.browse(&link).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // The login page says what happened; the old password is dead, the new one signs in.
    let (_, _, page) = app.browse(&back).await;
    assert!(page.contains("Your new password is set"), "{page}");
    let csrf = hidden(&page, "csrf_token");
    let old = [("request", request.as_str()), ("csrf_token", csrf.as_str()), ("email", EMAIL), ("password", PASSWORD)];
    let (status, _, page) = app.submit("/login", &old).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{page}");
    let new =
        [("request", request.as_str()), ("csrf_token", csrf.as_str()), ("email", EMAIL), ("password", NEW_PASSWORD)];
    let (status, next, page) = app.submit("/login", &new).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let landing = next.unwrap();
    assert!(landing.contains("code="), "consent was remembered: {landing}");
    let tokens = redeem(&app, &realm, &landing).await;
    assert_eq!(claims_of(tokens["id_token"].as_str().unwrap())["email_verified"], true);

    // The other browser's session ended with the reset.
    let (_, location, _) = phone.browse(&authorize_url(&phone, &realm.client_id, "openid", "p2", "&prompt=none")).await;
    assert!(location.unwrap().contains("error=login_required"));

    let requested = events(&app, &realm.tenant, "password.reset_requested").await;
    assert_eq!(requested.len(), 1, "none for the unknown address");
    let changed = events(&app, &realm.tenant, "password.changed").await;
    assert_eq!(changed[0]["details"]["method"], "reset_link", "{}", changed[0]);

    // Asking again and again for one address is throttled (three an hour are free).
    let (status, _, page) = app.browse("/password/forgot?tenant=acme").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains(r#"href="&#x2F;t&#x2F;acme&#x2F;account""#), "back to the tenant's account page: {page}");
    let mut statuses = Vec::new();
    for _ in 0..4 {
        // From the tenant's own page this time (the sign-in above is over).
        let (status, _, _) = app.submit("/password/forgot", &[("tenant", "acme"), ("email", EMAIL)]).await;
        statuses.push(status);
    }
    assert!(statuses.contains(&StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
}

pub(crate) async fn people_sign_up_and_confirm_their_address(db: &TestDatabase) {
    let (app, sink) = app_with_sink(db).await;
    let realm = app.realm().await;
    let (_, login) = login_page(&app, &realm.client_id, "s1").await;
    let request = hidden(&login, "request");
    let (status, _, page) = app.browse(&format!("/signup?request={request}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "closed by default: {page}");

    let patch = json!({ "self_sign_up": true });
    let reply = app.admin(Method::PATCH, &format!("/v1/tenants/{}", realm.tenant), Body::Json(patch)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.body["tenant"]["self_sign_up"], true);
    let (_, login) = login_page(&app, &realm.client_id, "s2").await;
    let request = hidden(&login, "request");
    assert!(login.contains(&format!("/signup?request={request}")), "{login}");
    let (status, _, page) = app.browse(&format!("/signup?request={request}")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let csrf = hidden(&page, "csrf_token");
    let form = |email: &'static str, password: &'static str| {
        vec![
            ("request", request.clone()),
            ("csrf_token", csrf.clone()),
            ("email", email.to_owned()),
            ("name", "Grace Hopper".to_owned()),
            ("password", password.to_owned()),
        ]
    };
    let post = |fields: Vec<(&'static str, String)>| {
        let app = &app;
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.submit("/signup", &fields).await
        }
    };
    let (status, _, page) = post(form("grace@example.com", "iloveyou1")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(page.contains("This is one of the most common passwords"), "{page}");
    assert!(page.contains("Grace Hopper"), "what was typed stays");
    let (status, _, page) = post(form("grace@", NEW_PASSWORD)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(page.contains("Type an e-mail address such as ada@example.com"), "{page}");

    // A new account: signed in at once (this tenant does not require a verified address).
    let (status, next, page) = post(form("grace@example.com", NEW_PASSWORD)).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let consent = next.unwrap();
    assert!(consent.starts_with("/consent"), "{consent}");
    let (_, _, page) = app.browse(&consent).await;
    let decision = [
        ("request", hidden(&page, "request")),
        ("csrf_token", hidden(&page, "csrf_token")),
        ("decision", "allow".to_owned()),
    ];
    let decision: Vec<(&str, &str)> = decision.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, landing, _) = app.submit("/v1/oauth/authorize/decision", &decision).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let tokens = redeem(&app, &realm, &landing.unwrap()).await;
    let claims = claims_of(tokens["id_token"].as_str().unwrap());
    assert_eq!(claims["email"], "grace@example.com");
    assert_eq!(claims["email_verified"], false, "not yet verified");

    // The verification link: its page confirms only by its button.
    let mail = sink.wait_for("grace@example.com", 1).await;
    assert!(mail[0].text.contains("Subject: Confirm your e-mail address for Acme"), "{}", mail[0].text);
    let link = mail[0].link(&app.issuer, "/email/verify");
    let (status, _, page) = app.browse(&link).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let token = hidden(&page, "token");
    let (status, _, page) = app.submit("/email/verify", &[("token", &token)]).await;
    assert_eq!(status, StatusCode::OK, "the sign-in it came from is over: {page}");
    assert!(page.contains("Your address is confirmed"), "{page}");
    let (status, _, _) = app.submit("/email/verify", &[("token", &token)]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "used once");
    let laptop = app.other_browser();
    let landing = laptop
        .sign_in_through_pages(
            &authorize_url(&laptop, &realm.client_id, "openid%20email", "v", ""),
            "grace@example.com",
            NEW_PASSWORD,
        )
        .await;
    let tokens = redeem(&laptop, &realm, &landing).await;
    assert_eq!(claims_of(tokens["id_token"].as_str().unwrap())["email_verified"], true);

    // An address that has an account: the same answer as for one that must verify,
    // and its owner is told by e-mail.
    let stranger = app.other_browser();
    let (_, login) = login_page(&stranger, &realm.client_id, "s3").await;
    let request = hidden(&login, "request");
    let (_, _, page) = stranger.browse(&format!("/signup?request={request}")).await;
    let csrf = hidden(&page, "csrf_token");
    let taken =
        [("request", request.as_str()), ("csrf_token", csrf.as_str()), ("email", EMAIL), ("password", NEW_PASSWORD)];
    let (status, _, page) = stranger.submit("/signup", &taken).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Check your e-mail"), "{page}");
    let notice = sink.wait_for(EMAIL, 1).await;
    assert!(notice[0].text.contains("already has one"), "{}", notice[0].text);
    assert!(notice[0].text.contains("/password/forgot?tenant=acme"), "{}", notice[0].text);
    let signed_up = events(&app, &realm.tenant, "user.signed_up").await;
    assert_eq!(signed_up.len(), 1, "{signed_up:?}");
    assert_eq!(events(&app, &realm.tenant, "email.verified").await.len(), 1);
}

pub(crate) async fn a_tenant_can_require_a_verified_address(db: &TestDatabase) {
    let (app, sink) = app_with_sink(db).await;
    let realm = app.realm().await;
    let user = json!({ "email": "lin@example.com", "password": NEW_PASSWORD });
    let reply = app.admin(Method::POST, &format!("/v1/tenants/{}/users", realm.tenant), Body::Json(user)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let patch = json!({ "require_verified_email": true,
        "branding": { "primary_color": "#0f766e", "support_url": "https://acme.example/help" } });
    let reply = app.admin(Method::PATCH, &format!("/v1/tenants/{}", realm.tenant), Body::Json(patch)).await;
    assert_eq!(reply.body["tenant"]["require_verified_email"], true, "{}", reply.body);

    let (login_at, login) = login_page(&app, &realm.client_id, "s1").await;
    let (request, csrf) = (hidden(&login, "request"), hidden(&login, "csrf_token"));
    let form = [
        ("request", request.as_str()),
        ("csrf_token", csrf.as_str()),
        ("email", "lin@example.com"),
        ("password", NEW_PASSWORD),
    ];
    let (status, _, page) = app.submit("/login", &form).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{page}");
    assert!(page.contains("Confirm your e-mail address first"), "{page}");
    let mail = sink.wait_for("lin@example.com", 1).await;
    assert!(mail[0].text.contains("background:#0f766e"), "the tenant's colour: {}", mail[0].text);
    assert!(mail[0].text.contains("Help: https://acme.example/help"), "{}", mail[0].text);
    let link = mail[0].link(&app.issuer, "/email/verify");
    let (_, _, page) = app.browse(&link).await;
    let token = hidden(&page, "token");
    let (status, location, page) = app.submit("/email/verify", &[("token", &token)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "the sign-in is still live in this browser: {page}");
    assert_eq!(location.unwrap(), format!("{login_at}&notice=email_verified"));
    let (status, next, page) = app.submit("/login", &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    assert!(next.unwrap().starts_with("/consent"));
    // Verified users (the realm's) were never stopped.
    let other = app.other_browser();
    let landing =
        other.sign_in_through_pages(&authorize_url(&other, &realm.client_id, "openid", "v", ""), EMAIL, PASSWORD).await;
    assert!(landing.contains("code="), "{landing}");

    // An admin changes a verified user's address: it is no longer verified and a link goes to it.
    let users = app.admin(Method::GET, &format!("/v1/tenants/{}/users", realm.tenant), Body::None).await;
    let ada = users.body["users"].as_array().unwrap().iter().find(|u| u["email"] == EMAIL).unwrap()["id"].clone();
    let path = format!("/v1/tenants/{}/users/{}", realm.tenant, ada.as_str().unwrap());
    let reply = app.admin(Method::PATCH, &path, Body::Json(json!({ "email": "ada@new.example" }))).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.body["user"]["email_verified"], false);
    let mail = sink.wait_for("ada@new.example", 1).await;
    assert!(mail[0].link(&app.issuer, "/email/verify").contains("token=qev_"));
}
