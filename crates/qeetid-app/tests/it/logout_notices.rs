//! Back-channel and front-channel logout (OpenID Connect Back-Channel Logout 1.0,
//! Front-Channel Logout 1.0) through the public interface: a receiver on loopback
//! stands for the client, and checks each logout token with an independent JOSE
//! library (`jsonwebtoken`) against the published JWK Set.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use qeetid_store::testing::TestDatabase;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use crate::support::{Body, POST_LOGOUT_URI, Realm, TestApp, get_json, hidden, settings, spawn_app_with};
use crate::token_services::{s, tokens};

/// A client's back-channel logout endpoint on loopback: it answers 500 to the first
/// `failures` requests, then 200, and keeps every logout token it accepted.
struct Receiver {
    url: String,
    accepted: Arc<Mutex<Vec<String>>>,
    refused: Arc<AtomicUsize>,
}

impl Receiver {
    async fn start(failures: usize) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://127.0.0.1:{}/backchannel", listener.local_addr().unwrap().port());
        let accepted: Arc<Mutex<Vec<String>>> = Arc::default();
        let refused: Arc<AtomicUsize> = Arc::default();
        let (kept, failed) = (accepted.clone(), refused.clone());
        tokio::spawn(async move {
            while let Ok((mut tcp, _)) = listener.accept().await {
                let (kept, failed) = (kept.clone(), failed.clone());
                tokio::spawn(async move {
                    let Some(body) = read_request(&mut tcp).await else { return };
                    let token = url::form_urlencoded::parse(body.as_bytes())
                        .find(|(k, _)| k == "logout_token")
                        .map(|(_, v)| v.into_owned());
                    let ok = failed.load(Ordering::SeqCst) >= failures && token.is_some();
                    let status = if ok {
                        kept.lock().unwrap().extend(token);
                        "200 OK"
                    } else {
                        failed.fetch_add(1, Ordering::SeqCst);
                        "500 Internal Server Error"
                    };
                    let answer = format!("HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
                    let _ = tcp.write_all(answer.as_bytes()).await;
                });
            }
        });
        Self { url, accepted, refused }
    }

    fn tokens(&self) -> Vec<String> {
        self.accepted.lock().unwrap().clone()
    }

    /// Waits (up to 15 s) until `n` tokens were accepted; answers them.
    async fn wait_for(&self, n: usize) -> Vec<String> {
        for _ in 0..150 {
            if self.tokens().len() >= n {
                return self.tokens();
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "expected {n} logout tokens, got {} (refused {})",
            self.tokens().len(),
            self.refused.load(Ordering::SeqCst)
        );
    }
}

/// Reads one HTTP request and answers its body.
async fn read_request(tcp: &mut tokio::net::TcpStream) -> Option<String> {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = tcp.read(&mut buf).await.ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buf[..n]);
        let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") else { continue };
        let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        if data.len() >= end + 4 + length {
            return Some(String::from_utf8_lossy(&data[end + 4..end + 4 + length]).into_owned());
        }
    }
}

/// A server that delivers logouts quickly: looks every 100 ms, retries after `retry` s.
async fn fast_app(db: &TestDatabase, retry: i64) -> TestApp {
    let mut quick = settings(db);
    quick.logout_delivery_interval_ms = 100;
    quick.logout_retry_seconds = retry;
    spawn_app_with(quick).await
}

async fn listen(app: &TestApp, realm: &Realm, backchannel: &str, extra: Value) -> Value {
    let mut patch = json!({ "backchannel_logout_uri": backchannel, "backchannel_logout_session_required": true });
    if let (Value::Object(p), Value::Object(e)) = (&mut patch, extra) {
        p.extend(e);
    }
    let path = format!("/v1/tenants/{}/oidc/clients/{}", realm.tenant, realm.client_id);
    let reply = app.admin(Method::PATCH, &path, Body::Json(patch)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.body["client"].clone()
}

/// Checks `token` as a relying party must (Back-Channel Logout 1.0 §2.6) with an
/// independent JOSE library; answers its claims.
async fn verified_logout_token(app: &TestApp, token: &str, client_id: &str) -> Value {
    let header = jsonwebtoken::decode_header(token).unwrap();
    assert_eq!(header.typ.as_deref(), Some("logout+jwt"));
    assert_eq!(header.alg, jsonwebtoken::Algorithm::ES256);
    let jwks: jsonwebtoken::jwk::JwkSet =
        serde_json::from_value(get_json(app, "/.well-known/jwks.json").await).unwrap();
    let jwk = jwks.find(header.kid.as_deref().unwrap()).expect("the key is published");
    let key = jsonwebtoken::DecodingKey::from_jwk(jwk).unwrap();
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::ES256);
    validation.set_audience(&[client_id]);
    validation.set_issuer(&[&app.issuer]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "iat"]);
    let claims = jsonwebtoken::decode::<Value>(token, &key, &validation).unwrap().claims;
    assert!(claims["events"]["http://schemas.openid.net/event/backchannel-logout"].is_object(), "{claims}");
    assert!(claims.get("nonce").is_none(), "a logout token never has a nonce");
    assert!(claims["jti"].as_str().is_some_and(|j| !j.is_empty()));
    claims
}

/// The `sub` and `sid` of an ID token (read without checking its signature: the
/// token came straight from the token endpoint).
fn subject_and_session(id_token: &str) -> (String, String) {
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::ES256);
    validation.insecure_disable_signature_validation();
    validation.validate_aud = false;
    let claims = jsonwebtoken::decode::<Value>(id_token, &jsonwebtoken::DecodingKey::from_secret(&[]), &validation)
        .unwrap()
        .claims;
    (s(&claims["sub"]), s(&claims["sid"]))
}

pub(crate) async fn rp_initiated_logout_tells_the_client_by_back_channel_and_front_channel(db: &TestDatabase) {
    let app = fast_app(db, 0).await;
    let realm = app.realm().await;
    let receiver = Receiver::start(0).await;
    let front = "http://127.0.0.1:9/frontchannel";
    let client = listen(
        &app,
        &realm,
        &receiver.url,
        json!({ "frontchannel_logout_uri": front, "frontchannel_logout_session_required": true }),
    )
    .await;
    assert_eq!(client["backchannel_logout_uri"], json!(receiver.url));
    assert_eq!(client["frontchannel_logout_session_required"], json!(true));
    let discovery = get_json(&app, "/.well-known/openid-configuration").await;
    for name in
        ["backchannel_logout_supported", "backchannel_logout_session_supported", "frontchannel_logout_supported"]
    {
        assert_eq!(discovery[name], json!(true), "{name}");
    }

    let t = tokens(&app, &realm).await;
    let hint = s(&t["id_token"]);
    let (sub, sid) = subject_and_session(&hint);
    let post_logout: String = url::form_urlencoded::byte_serialize(POST_LOGOUT_URI.as_bytes()).collect();
    let (_, _, page) = app
        .browse(&format!("/v1/oauth/logout?id_token_hint={hint}&post_logout_redirect_uri={post_logout}&state=bye"))
        .await;
    let form = [
        ("csrf_token", hidden(&page, "csrf_token")),
        ("id_token_hint", hint.clone()),
        ("post_logout_redirect_uri", POST_LOGOUT_URI.to_owned()),
        ("state", "bye".to_owned()),
    ];
    let response = app.http.post(format!("{}/logout", app.issuer)).form(&form).send().await.unwrap();
    // Front channel: the signed-out page frames the client's page with iss and sid,
    // lets only that origin be framed, and then continues to the return address.
    assert_eq!(response.status(), StatusCode::OK);
    let policy = response.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(policy.ends_with("frame-src http://127.0.0.1:9"), "{policy}");
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    let page = response.text().await.unwrap().replace("&#x2F;", "/");
    let issuer: String = url::form_urlencoded::byte_serialize(app.issuer.as_bytes()).collect();
    assert!(page.contains(&format!(r#"src="{front}?iss={issuer}&amp;sid={sid}""#)), "{page}");
    assert!(page.contains(&format!(r#"data-continue="{POST_LOGOUT_URI}?state=bye""#)), "{page}");
    assert!(page.contains(r#"<script src="/static/logout.js"></script>"#));

    // Back channel: one logout token, for this session, checked independently.
    let delivered = receiver.wait_for(1).await;
    let claims = verified_logout_token(&app, &delivered[0], &realm.client_id).await;
    assert_eq!((s(&claims["sub"]), s(&claims["sid"])), (sub, sid));
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receiver.tokens().len(), 1, "delivered once");
    let path = format!("/v1/tenants/{}/oidc/clients/{}/logout-deliveries", realm.tenant, realm.client_id);
    assert_eq!(app.admin(Method::GET, &path, Body::None).await.body, json!({ "deliveries": [] }));

    // A front-channel page must share an origin with a redirect URI.
    let patch = json!({ "frontchannel_logout_uri": "https://elsewhere.example/fc" });
    let reply = app
        .admin(
            Method::PATCH,
            &format!("/v1/tenants/{}/oidc/clients/{}", realm.tenant, realm.client_id),
            Body::Json(patch),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
    assert_eq!(reply.body["field"], json!("frontchannel_logout_uri"));
}

pub(crate) async fn a_failing_endpoint_is_retried_and_admins_see_what_is_undelivered(db: &TestDatabase) {
    let app = fast_app(db, 1).await;
    let realm = app.realm().await;
    let receiver = Receiver::start(2).await;
    // A pairwise client: its logout tokens carry the sub it knows.
    listen(&app, &realm, &receiver.url, json!({ "subject_type": "pairwise" })).await;
    let t = tokens(&app, &realm).await;
    let (sub, sid) = subject_and_session(&s(&t["id_token"]));
    assert!(!sub.starts_with("usr_"));

    // The admin revokes the user's grant: the client hears of the session it was in.
    let grants = app.admin(Method::GET, &format!("/v1/tenants/{}/oauth/grants", realm.tenant), Body::None).await;
    let grant = s(&grants.body["grants"][0]["id"]);
    let reply =
        app.admin(Method::DELETE, &format!("/v1/tenants/{}/oauth/grants/{grant}", realm.tenant), Body::None).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.body);

    let path = format!("/v1/tenants/{}/oidc/clients/{}/logout-deliveries", realm.tenant, realm.client_id);
    let mut seen_retrying = false;
    for _ in 0..100 {
        let listed = app.admin(Method::GET, &path, Body::None).await.body;
        // (Listed from the start; the error once the first offer has failed.)
        if let Some(d) = listed["deliveries"].as_array().and_then(|d| d.first()).filter(|d| !d["last_error"].is_null())
        {
            assert_eq!((d["state"].clone(), d["session_id"].clone()), (json!("retrying"), json!(sid)), "{d}");
            assert!(s(&d["last_error"]).contains("500"), "{d}");
            seen_retrying = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(seen_retrying, "the failed offer is listed while it waits");
    let delivered = receiver.wait_for(1).await;
    assert_eq!(receiver.refused.load(Ordering::SeqCst), 2, "failed twice, then delivered");
    let claims = verified_logout_token(&app, &delivered[0], &realm.client_id).await;
    assert_eq!((s(&claims["sid"]), s(&claims["sub"])), (sid, sub));
    assert_eq!(app.admin(Method::GET, &path, Body::None).await.body, json!({ "deliveries": [] }));
}

pub(crate) async fn a_logout_endpoint_on_a_private_address_is_refused_and_shown_failed(db: &TestDatabase) {
    let mut strict = settings(db);
    strict.logout_delivery_interval_ms = 100;
    strict.logout_retry_seconds = 0;
    strict.outbound_allow_private_networks = false;
    let app = spawn_app_with(strict).await;
    let realm = app.realm().await;
    let receiver = Receiver::start(0).await;
    listen(&app, &realm, &receiver.url, json!({})).await;
    tokens(&app, &realm).await;
    // The user is disabled: every session ends, and its clients are told.
    let users = app.admin(Method::GET, &format!("/v1/tenants/{}/users", realm.tenant), Body::None).await;
    let user = s(&users.body["users"][0]["id"]);
    let path = format!("/v1/tenants/{}/users/{user}", realm.tenant);
    let reply = app.admin(Method::PATCH, &path, Body::Json(json!({ "disabled": true }))).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);

    let path = format!("/v1/tenants/{}/oidc/clients/{}/logout-deliveries", realm.tenant, realm.client_id);
    for _ in 0..100 {
        let listed = app.admin(Method::GET, &path, Body::None).await.body;
        if listed["deliveries"][0]["state"] == json!("failed") {
            let d = &listed["deliveries"][0];
            assert_eq!(d["attempts"], json!(6), "{d}");
            assert!(s(&d["last_error"]).contains("https"), "{d}");
            assert!(receiver.tokens().is_empty() && receiver.refused.load(Ordering::SeqCst) == 0, "never called");
            // The dashboard's client page lists it too.
            let dashboard = app.other_browser();
            crate::console::admin_user(&dashboard, &realm.tenant, "root@example.com", "tenant").await;
            crate::console::sign_in(&dashboard, &realm.tenant, "root@example.com").await;
            let (status, _, page) =
                dashboard.browse(&format!("/admin/t/{}/clients/{}", realm.tenant, realm.client_id)).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            assert!(page.contains("Logouts not delivered") && page.contains("<td>failed</td>"), "{page}");
            assert!(
                page.contains(&format!(
                    r#"name="backchannel_logout_uri" value="{}""#,
                    receiver.url.replace('/', "&#x2F;")
                )),
                "{page}"
            );
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the delivery to a private address was not marked failed");
}

pub(crate) async fn two_instances_deliver_each_logout_once(db: &TestDatabase) {
    let port = |_| std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let (port_a, port_b) = (port(0), port(1));
    let issuer = format!("http://localhost:{port_a}");
    let instance = |port: u16| {
        let mut each = settings(db);
        each.listen = format!("127.0.0.1:{port}").parse().unwrap();
        each.issuer = issuer.clone();
        each.logout_delivery_interval_ms = 100;
        each.logout_retry_seconds = 0;
        each
    };
    let a = spawn_app_with(instance(port_a)).await;
    let b = spawn_app_with(instance(port_b)).await;
    let realm = a.realm().await;
    let receiver = Receiver::start(0).await;
    listen(&a, &realm, &receiver.url, json!({})).await;
    let mut sessions = HashSet::new();
    for _ in 0..6 {
        let browser = a.other_browser();
        let t = tokens(&browser, &realm).await;
        sessions.insert(subject_and_session(&s(&t["id_token"])).1);
    }
    // Every session ends at once (the user is disabled); both instances send.
    let users = b.admin(Method::GET, &format!("/v1/tenants/{}/users", realm.tenant), Body::None).await;
    let user = s(&users.body["users"][0]["id"]);
    let path = format!("/v1/tenants/{}/users/{user}", realm.tenant);
    let reply = b.admin(Method::PATCH, &path, Body::Json(json!({ "disabled": true }))).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let delivered = receiver.wait_for(6).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let delivered_late = receiver.tokens();
    assert_eq!(delivered_late.len(), 6, "no logout sent twice: {} tokens", delivered_late.len());
    let mut sids = HashSet::new();
    for token in &delivered {
        sids.insert(s(&verified_logout_token(&a, token, &realm.client_id).await["sid"]));
    }
    assert_eq!(sids, sessions);
}
