//! The review's findings (issue "Trust"): a tenant cannot reach the deployment, the
//! deployment's own clients cannot be turned against users, and revocation reaches
//! access tokens at once.

use qeetid_store::testing::TestDatabase;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::account::{open_account, user_id};
use crate::support::{Body, Realm, TestApp, hidden, post_form, spawn_app};
use crate::token_services::{refresh, tokens};

/// `active` of an introspection of `token` by the realm's client.
async fn active(app: &TestApp, realm: &Realm, token: &str) -> bool {
    let basic = Some((realm.client_id.as_str(), realm.client_secret.as_str()));
    let (status, body) = post_form(app, "/v1/oauth/introspect", basic, &[("token", token)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["active"].as_bool().unwrap()
}

async fn userinfo_status(app: &TestApp, token: &str) -> StatusCode {
    app.http.get(format!("{}/v1/oauth/userinfo", app.base)).bearer_auth(token).send().await.unwrap().status()
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}")).to_owned()
}

pub(crate) async fn a_tenant_key_changes_nothing_of_a_deployment_admin(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    let key = app.tenant_key(&realm.tenant).await;
    let users = format!("/v1/tenants/{}/users", realm.tenant);
    let boss = json!({ "email": "root@example.com", "password": "deployment admin pass", "admin_role": "deployment" });
    let reply = app.admin(Method::POST, &users, Body::Json(boss)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let boss = text(&reply.body["user"]["id"]);
    let path = format!("{users}/{boss}");

    // Reading is fine; every change is refused with a reason, and nothing changes.
    assert_eq!(app.call(Method::GET, &path, Some(&key), Body::None).await.status, StatusCode::OK);
    let attempts: [(Method, String, Body<'_>); 7] = [
        (Method::PATCH, path.clone(), Body::Json(json!({ "password": "taken over by a tenant" }))),
        (Method::PATCH, path.clone(), Body::Json(json!({ "email": "attacker@example.com" }))),
        (Method::PATCH, path.clone(), Body::Json(json!({ "disabled": true }))),
        (Method::DELETE, format!("{path}/sessions/ses_AAAAAAAAAAAAAAAAAAAAAA"), Body::None),
        (Method::DELETE, format!("{path}/mfa"), Body::None),
        (Method::DELETE, format!("{path}/identities/idp_AAAAAAAAAAAAAAAAAAAAAA"), Body::None),
        (Method::DELETE, path.clone(), Body::None),
    ];
    for (method, target, body) in attempts {
        let reply = app.call(method.clone(), &target, Some(&key), body).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{method} {target}: {}", reply.body);
        assert_eq!(reply.body["error"], "forbidden");
        assert!(text(&reply.body["message"]).contains("deployment admin"), "{}", reply.body);
    }
    let reply = app.admin(Method::GET, &path, Body::None).await;
    assert_eq!(reply.body["user"]["email"], "root@example.com");
    assert!(reply.body["user"].get("disabled_at").is_none_or(Value::is_null), "{}", reply.body);

    // A tenant admin in the dashboard is a tenant caller too: same answer.
    // A deployment key may still act on the deployment admin.
    let reply = app.admin(Method::PATCH, &path, Body::Json(json!({ "name": "Root" }))).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    // Ordinary users of the tenant stay the tenant key's to manage.
    let ada = user_id(&app, &realm).await;
    let ada =
        if ada == boss { text(&app.admin(Method::GET, &users, Body::None).await.body["users"][1]["id"]) } else { ada };
    let reply =
        app.call(Method::PATCH, &format!("{users}/{ada}"), Some(&key), Body::Json(json!({ "name": "Ada" }))).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
}

pub(crate) async fn the_deployment_clients_cannot_be_edited_or_deleted(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    let key = app.tenant_key(&realm.tenant).await;
    for page in ["/admin", "/account"] {
        // Opening the app's sign-in registers its client; the redirect names it.
        let start = if page == "/admin" { "/admin/login" } else { page };
        let (status, authorize, body) = app.browse(&format!("{start}?tenant={}", realm.tenant)).await;
        assert_eq!(status, StatusCode::FOUND, "{body}");
        let authorize = authorize.unwrap();
        let url = url::Url::parse(&format!("{}{authorize}", app.issuer)).unwrap();
        let client = url.query_pairs().find(|(k, _)| k == "client_id").unwrap().1.into_owned();
        let path = format!("/v1/tenants/{}/oidc/clients/{client}", realm.tenant);
        assert_eq!(app.call(Method::GET, &path, Some(&key), Body::None).await.status, StatusCode::OK);

        let evil = json!({ "redirect_uris": ["https://evil.example/steal"] });
        for caller in [Some(key.as_str()), Some(crate::support::ADMIN_KEY)] {
            let reply = app.call(Method::PATCH, &path, caller, Body::Json(evil.clone())).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{page}: {}", reply.body);
            assert!(text(&reply.body["message"]).contains("the deployment's own apps"), "{}", reply.body);
            let reply = app.call(Method::POST, &format!("{path}/rotate-secret"), caller, Body::Json(json!({}))).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{page}: {}", reply.body);
            let reply = app.call(Method::DELETE, &format!("/v1/oidc/clients/{client}"), caller, Body::None).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{page}: {}", reply.body);
        }
        let reply = app.call(Method::GET, &path, Some(&key), Body::None).await;
        let uris = reply.body["client"]["redirect_uris"].as_array().unwrap().clone();
        assert_eq!(uris, vec![json!(format!("{}{page}/callback", app.issuer))], "unchanged");
    }
}

pub(crate) async fn revoking_a_grant_a_client_or_a_user_ends_access_tokens_at_once(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    let users = format!("/v1/tenants/{}/users", realm.tenant);
    let user = user_id(&app, &realm).await;

    // A revoked grant: introspection says inactive, userinfo refuses.
    let issued = tokens(&app, &realm).await;
    let access = text(&issued["access_token"]);
    assert!(active(&app, &realm, &access).await);
    assert_eq!(userinfo_status(&app, &access).await, StatusCode::OK);
    let grants = app.admin(Method::GET, &format!("/v1/tenants/{}/oauth/grants", realm.tenant), Body::None).await;
    let grant = text(&grants.body["grants"][0]["id"]);
    let reply =
        app.admin(Method::DELETE, &format!("/v1/tenants/{}/oauth/grants/{grant}", realm.tenant), Body::None).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.body);
    assert!(!active(&app, &realm, &access).await, "the grant was revoked");
    assert_eq!(userinfo_status(&app, &access).await, StatusCode::UNAUTHORIZED);

    // A disabled user: every token stops at once; enabled again, new tokens work.
    let issued = tokens(&app, &realm).await;
    let access = text(&issued["access_token"]);
    let refresh_token = text(&issued["refresh_token"]);
    assert!(active(&app, &realm, &access).await);
    assert!(active(&app, &realm, &refresh_token).await);
    let disable = |on: bool| Body::Json(json!({ "disabled": on }));
    assert_eq!(app.admin(Method::PATCH, &format!("{users}/{user}"), disable(true)).await.status, StatusCode::OK);
    assert!(!active(&app, &realm, &access).await, "the user is disabled");
    assert!(!active(&app, &realm, &refresh_token).await, "the user is disabled");
    assert_eq!(userinfo_status(&app, &access).await, StatusCode::UNAUTHORIZED);
    assert_eq!(app.admin(Method::PATCH, &format!("{users}/{user}"), disable(false)).await.status, StatusCode::OK);

    // A deleted client: its tokens die with it, as seen by another client of the tenant.
    let browser = app.other_browser();
    let issued = tokens(&browser, &realm).await;
    let access = text(&issued["access_token"]);
    let other = app.realm_client(&realm.tenant).await;
    assert!(active(&app, &other, &access).await);
    let service = post_form(
        &app,
        "/v1/oauth/token",
        Some((&realm.client_id, &realm.client_secret)),
        &[("grant_type", "client_credentials"), ("scope", "api:read")],
    )
    .await;
    assert_eq!(service.0, StatusCode::OK, "{}", service.1);
    let service = text(&service.1["access_token"]);
    assert!(active(&app, &other, &service).await);
    let reply = app.admin(Method::DELETE, &format!("/v1/oidc/clients/{}", realm.client_id), Body::None).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert!(!active(&app, &other, &access).await, "its client was deleted");
    assert!(!active(&app, &other, &service).await, "its client was deleted");
    assert_eq!(userinfo_status(&app, &access).await, StatusCode::UNAUTHORIZED);

    // A deleted user.
    let issued = tokens(&app.other_browser(), &other).await;
    let access = text(&issued["access_token"]);
    assert!(active(&app, &other, &access).await);
    assert_eq!(app.admin(Method::DELETE, &format!("{users}/{user}"), Body::None).await.status, StatusCode::NO_CONTENT);
    assert!(!active(&app, &other, &access).await, "the user was deleted");
}

pub(crate) async fn signing_out_everywhere_ends_every_token(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    // An application on the laptop holds tokens; the user is on the phone.
    let laptop = app.other_browser();
    let issued = tokens(&laptop, &realm).await;
    let (access, refresh_token) = (text(&issued["access_token"]), text(&issued["refresh_token"]));
    assert!(active(&app, &realm, &access).await);
    let page = open_account(&app, &realm.tenant, crate::support::PASSWORD).await;
    let csrf = hidden(&page, "csrf_token");
    let (status, _, body) = app.submit("/account/sessions/end-others", &[("csrf_token", &csrf)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    assert!(!active(&app, &realm, &access).await, "signed out everywhere");
    assert_eq!(userinfo_status(&app, &access).await, StatusCode::UNAUTHORIZED);
    let (status, body) = refresh(&laptop, &realm, &refresh_token).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")), "{body}");
    // Signing in again works (tokens are compared with the sign-out in whole seconds).
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let issued = tokens(&app.other_browser(), &realm).await;
    assert!(active(&app, &realm, &text(&issued["access_token"])).await);
}

/// A TCP listener on 127.0.0.1 that counts the connections it accepts: a service
/// that must never be called.
async fn tripwire() -> (u16, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = hits.clone();
    tokio::spawn(async move {
        while let Ok((_socket, _)) = listener.accept().await {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    });
    (port, hits)
}

pub(crate) async fn identity_providers_reach_only_public_https_addresses(db: &TestDatabase) {
    let mut strict_settings = crate::support::settings(db);
    strict_settings.outbound_allow_private_networks = false;
    let strict = crate::support::spawn_app_with(strict_settings).await;
    let realm = strict.realm().await;
    let (port, hits) = tripwire().await;
    let path = format!("/v1/tenants/{}/identity-providers", realm.tenant);
    let provider = |issuer: String| json!({ "kind": "oidc", "issuer": issuer, "client_id": "c", "client_secret": "s" });

    // Refused at creation: plain http, literal private addresses, names resolving to loopback.
    for issuer in [
        format!("http://127.0.0.1:{port}"),
        format!("https://127.0.0.1:{port}"),
        format!("https://localhost:{port}"),
        "https://169.254.169.254".to_owned(),
        "https://[::ffff:10.0.0.1]".to_owned(),
        "https://[fd00::1]".to_owned(),
        "https://2130706433".to_owned(),
    ] {
        let reply = strict.admin(Method::POST, &path, Body::Json(provider(issuer.clone()))).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{issuer}: {}", reply.body);
        assert_eq!(reply.body["field"], "issuer", "{}", reply.body);
    }
    // A name that does not resolve now is accepted: it is checked at each connection.
    let reply = strict.admin(Method::POST, &path, Body::Json(provider("https://login.invalid".into()))).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);

    // A provider stored while private networks were allowed (or a name that resolves
    // elsewhere now) is refused at sign-in, with a clear page, and never called.
    let permissive = spawn_app(db).await;
    let issuer = format!("http://127.0.0.1:{port}");
    let named = json!({ "kind": "oidc", "name": "Internal", "issuer": issuer, "client_id": "c", "client_secret": "s" });
    let reply = permissive.admin(Method::POST, &path, Body::Json(named)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let idp = text(&reply.body["identity_provider"]["id"]);
    let authorize = crate::support::authorize_url(&strict, &realm.client_id, "openid", "s", "");
    let (_, login, _) = strict.browse(&authorize).await;
    let (_, _, page) = strict.browse(&login.unwrap()).await;
    let request = hidden(&page, "request");
    let (status, _, page) = strict.browse(&format!("/login/federated/{idp}?request={request}")).await;
    assert_eq!(status, StatusCode::BAD_GATEWAY, "{page}");
    assert!(page.contains("must use https"), "{page}");
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 0, "the internal address was never called");
}

pub(crate) async fn changing_how_one_signs_in_needs_a_recent_sign_in(db: &TestDatabase) {
    let mut settings = crate::support::settings(db);
    settings.reauthentication_seconds = 5;
    let app = crate::support::spawn_app_with(settings).await;
    let realm = app.realm().await;
    let page = open_account(&app, &realm.tenant, crate::support::PASSWORD).await;
    let csrf = hidden(&page, "csrf_token");
    // Later, someone with this browser's cookies (or the user, after a while)...
    tokio::time::sleep(std::time::Duration::from_secs(6)).await;
    let reauthenticate = Some("/account/reauthenticate");
    let (status, location, body) = app.submit("/account/mfa/totp", &[("csrf_token", &csrf)]).await;
    assert_eq!((status, location.as_deref()), (StatusCode::SEE_OTHER, reauthenticate), "{body}");
    let change = [
        ("csrf_token", csrf.as_str()),
        ("current_password", crate::support::PASSWORD),
        ("new_password", "an attacker's choice"),
        ("confirm_password", "an attacker's choice"),
    ];
    let (status, location, _) = app.submit("/account/password", &change).await;
    assert_eq!((status, location.as_deref()), (StatusCode::SEE_OTHER, reauthenticate));
    let (status, location, _) =
        app.submit("/account/passkeys/pky_AAAAAAAAAAAAAAAAAAAAAA/remove", &[("csrf_token", &csrf)]).await;
    assert_eq!((status, location.as_deref()), (StatusCode::SEE_OTHER, reauthenticate));
    let reply = app.http.post(format!("{}/account/passkeys/options", app.issuer)).form(&[("csrf_token", &csrf)]);
    let reply = reply.send().await.unwrap();
    assert_eq!(reply.status(), StatusCode::UNAUTHORIZED);
    let body: Value = reply.json().await.unwrap();
    assert_eq!(
        (body["error"].as_str(), body["location"].as_str()),
        (Some("reauthentication_required"), reauthenticate)
    );
    // Reading the page still works.
    let (status, _, _) = app.browse("/account").await;
    assert_eq!(status, StatusCode::OK);

    // Signing in again asks for the password even within the single sign-on session.
    let (status, authorize, _) = app.browse("/account/reauthenticate").await;
    assert_eq!(status, StatusCode::FOUND);
    let authorize = authorize.unwrap();
    assert!(authorize.contains("max_age=0"), "{authorize}");
    let (status, login, _) = app.browse(&authorize).await;
    assert_eq!(status, StatusCode::FOUND);
    assert!(login.as_deref().unwrap().starts_with("/login"), "the password is asked again: {login:?}");
    let callback = app.sign_in_through_pages(&authorize, crate::support::EMAIL, crate::support::PASSWORD).await;
    let (status, location, _) = app.browse(&callback).await;
    assert_eq!((status, location.as_deref()), (StatusCode::SEE_OTHER, Some("/account")));
    // Now the change goes through (with the CSRF token renewed at that sign-in).
    let (_, _, page) = app.browse("/account").await;
    let csrf = hidden(&page, "csrf_token");
    let (status, location, body) = app.submit("/account/mfa/totp", &[("csrf_token", &csrf)]).await;
    assert_ne!(location.as_deref(), reauthenticate, "{status}: {body}");
    assert!(status.is_success() || status == StatusCode::SEE_OTHER, "{status}: {body}");
}

pub(crate) async fn an_https_issuer_gets_hsts_and_host_prefixed_cookies(db: &TestDatabase) {
    let mut settings = crate::support::settings(db);
    settings.issuer = "https://id.example".to_owned();
    let app = crate::support::spawn_app_with(settings).await;
    let realm = app.realm().await;
    let authorize = crate::support::authorize_url(&app, &realm.client_id, "openid", "s", "")
        .replace(&app.issuer, &app.base)
        .replace("http://localhost", "https://id.example");
    let path = &authorize[authorize.find("/v1/oauth/authorize").unwrap()..];
    let plain = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let response = plain.get(format!("{}{path}", app.base)).send().await.unwrap();
    assert_eq!(
        response.headers().get("strict-transport-security").map(|v| v.to_str().unwrap()),
        Some("max-age=31536000")
    );
    let cookies: Vec<&str> = response.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap()).collect();
    let browser = cookies.iter().find(|c| c.starts_with("__Host-qeetid_browser=")).expect("a __Host- cookie");
    assert!(browser.contains("Secure") && browser.contains("Path=/") && !browser.contains("Domain"), "{browser}");
    // On the plain-http test servers, neither.
    let response = plain.get(format!("{}/healthz", crate::support::spawn_app(db).await.base)).send().await.unwrap();
    assert!(response.headers().get("strict-transport-security").is_none());
}

/// A log sink for the whole process (each test runs in a process of its own).
#[derive(Clone, Default)]
struct CapturedLogs(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for CapturedLogs {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The process's log subscriber, at debug level, writing into one shared buffer
/// (installed once: under `cargo test` both databases' runs share the process).
fn captured_logs() -> CapturedLogs {
    static LOGS: std::sync::OnceLock<CapturedLogs> = std::sync::OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = CapturedLogs::default();
        let sink = logs.clone();
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new("debug"))
            .with_writer(move || sink.clone())
            .with_ansi(false)
            // Spans with their fields, as a collector of traces would see them.
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
            .try_init()
            .expect("no other test installs a log subscriber");
        logs
    })
    .clone()
}

pub(crate) async fn debug_logs_never_show_query_strings_or_secrets(db: &TestDatabase) {
    let logs = captured_logs();
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    let authorize = crate::support::authorize_url(&app, &realm.client_id, "openid", "SECRETSTATE", "")
        + "&login_hint=hidden.person%40example.com";
    app.browse(&authorize).await;
    app.browse("/login/federated/callback?code=SECRETCODE&state=SECRETSTATE").await;
    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(text.contains("http.path=/v1/oauth/authorize"), "requests are logged: {text}");
    for secret in ["SECRETSTATE", "SECRETCODE", "hidden.person"] {
        assert!(!text.contains(secret), "{secret} was logged");
    }
}

pub(crate) async fn request_objects_are_refused_at_the_redirect_uri(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    // A client without keys or registered request_uris: the object cannot be read.
    for (param, code) in [("request", "invalid_request_object"), ("request_uri", "invalid_request_uri")] {
        let url = crate::support::authorize_url(&app, &realm.client_id, "openid", "st", &format!("&{param}=eyJ.x.y"));
        let (status, location, _) = app.browse(&url).await;
        assert_eq!(status, StatusCode::FOUND);
        let location = location.unwrap();
        assert_eq!(crate::support::query_param(&location, "error").as_deref(), Some(code), "{location}");
        assert_eq!(crate::support::query_param(&location, "state").as_deref(), Some("st"));
    }
}

#[cfg(unix)]
pub(crate) async fn the_sqlite_database_and_its_directory_are_private(_: &TestDatabase) {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = std::env::temp_dir().join(format!("qeetid-private-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut settings = crate::support::settings(&TestDatabase::sqlite());
    settings.database_url = format!("sqlite://{}/qeetid.db", dir.display());
    let app = crate::support::spawn_app_with(settings).await;
    app.tenant("Private").await;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&dir.join("qeetid.db")), 0o600);
    let _ = std::fs::remove_dir_all(&dir);
}

pub(crate) async fn metrics_can_live_on_a_listener_of_their_own(db: &TestDatabase) {
    let mut settings = crate::support::settings(db);
    settings.metrics_listen = "127.0.0.1:0".to_owned();
    let app = qeetid_app::Application::build(settings).await.unwrap();
    let (main, metrics) = (app.address(), app.metrics_address().expect("a metrics listener"));
    tokio::spawn(app.run());
    let http = reqwest::Client::new();
    let public = http.get(format!("http://{main}/metrics")).send().await.unwrap();
    assert_eq!(public.status(), StatusCode::NOT_FOUND, "not on the public listener");
    http.get(format!("http://{main}/healthz")).send().await.unwrap();
    let private = http.get(format!("http://{metrics}/metrics")).send().await.unwrap();
    assert_eq!(private.status(), StatusCode::OK);
    assert!(private.text().await.unwrap().contains("http_requests_total"));
}

pub(crate) async fn names_and_emails_with_deceptive_characters_are_refused(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let tenant = app.tenant("Acme").await;
    let users = format!("/v1/tenants/{tenant}/users");
    for (body, field) in [
        (json!({ "email": "ada@example.com", "name": "Ada\u{202E}nimda" }), "name"),
        (json!({ "email": "ada\u{202E}@example.com" }), "email"),
        (json!({ "email": "bob@example.com", "name": "Bob\u{0007}" }), "name"),
    ] {
        let reply = app.admin(Method::POST, &users, Body::Json(body)).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
        assert_eq!(reply.body["field"], field);
    }
    let reply = app.admin(Method::POST, "/v1/tenants", Body::Json(json!({ "name": "Evil\u{2066}Corp" }))).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
}

/// A key-encryption key that went missing is never replaced by a new one while the
/// database holds data sealed under the old: the server refuses to start and says
/// which file it looked for.
pub(crate) async fn a_lost_key_encryption_key_is_never_replaced(db: &TestDatabase) {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let dir = std::env::temp_dir().join(format!("qeetid-kek-{}-{nanos}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut settings = crate::support::settings(db);
    settings.key_encryption_key = String::new();
    settings.data_dir = dir.clone();
    let first = crate::support::spawn_app_with(settings.clone()).await;
    first.tenant("Sealed").await;
    let key_file = dir.join("key-encryption-key");
    assert!(key_file.exists(), "the first start made the key");
    std::fs::remove_file(&key_file).unwrap();

    let refused = qeetid_app::Application::build(settings).await.err().expect("the server refuses to start");
    let message = refused.to_string();
    assert!(
        message.contains("key-encryption key is missing") && message.contains(&key_file.display().to_string()),
        "{message}"
    );
    assert!(!key_file.exists(), "no new key was made");
    let _ = std::fs::remove_dir_all(&dir);
}
