//! Faults as tests: a database that stops answering makes requests fail fast with
//! 503 and `Retry-After`, and the server recovers without a restart.

use std::time::{Duration, Instant};

use qeetid_store::testing::TestDatabase;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::proxy::Proxy;
use crate::support::{Body, post_form, settings, spawn_app_with};

/// `url` with its `host:port` replaced by `127.0.0.1:{port}`.
fn through(url: &str, port: u16) -> String {
    let (scheme, rest) = url.split_once("://").unwrap();
    let (authority, path) = rest.split_once('/').unwrap();
    let user = authority.rsplit_once('@').map_or(String::new(), |(u, _)| format!("{u}@"));
    format!("{scheme}://{user}127.0.0.1:{port}/{path}")
}

pub(crate) async fn a_stalled_database_gets_fast_503s_and_the_server_recovers(db: &TestDatabase) {
    let authority = db.url.split_once("://").unwrap().1.split('/').next().unwrap();
    let upstream = authority.rsplit_once('@').map_or(authority, |(_, h)| h).to_owned();
    let proxy = Proxy::start(upstream).await;
    let mut settings = settings(db);
    settings.database_url = through(&db.url, proxy.port);
    settings.db_acquire_timeout_ms = 1000;
    settings.db_connect_timeout_ms = 1000;
    settings.db_statement_timeout_ms = 1500;
    settings.client_cache_seconds = 0;
    let app = spawn_app_with(settings).await;
    let realm = app.realm().await;

    proxy.pause();
    let started = Instant::now();
    let ready = app.http.get(format!("{}/readyz", app.base)).send().await.unwrap();
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(started.elapsed() < Duration::from_secs(3), "readyz took {:?}", started.elapsed());

    // The admin API: 503, JSON, Retry-After, within the timeouts.
    let started = Instant::now();
    let reply = app.admin(Method::POST, "/v1/tenants", Body::Json(json!({ "name": "Stalled" }))).await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE, "{}", reply.body);
    assert_eq!(reply.body["error"], "temporarily_unavailable");
    assert!(reply.headers.contains_key("retry-after"));
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());

    // The token endpoint: 503 temporarily_unavailable.
    let basic = Some((realm.client_id.as_str(), realm.client_secret.as_str()));
    let (status, body) = post_form(&app, "/v1/oauth/token", basic, &[("grant_type", "client_credentials")]).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::SERVICE_UNAVAILABLE, Some("temporarily_unavailable")));

    // A hosted page: the error page, 503.
    let authorize = crate::support::authorize_url(&app, &realm.client_id, "openid", "s", "");
    let (status, _, page) = app.browse(&authorize).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{page}");
    assert!(page.contains("Temporarily unavailable"), "{page}");

    // Back: the same server answers again, without a restart.
    proxy.resume();
    let mut recovered = false;
    for _ in 0..40 {
        let reply = app.admin(Method::POST, "/v1/tenants", Body::Json(json!({ "name": "Back" }))).await;
        if reply.status == StatusCode::CREATED {
            recovered = true;
            break;
        }
        assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE, "{}", reply.body);
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(recovered, "the server recovered once the database answered");
    let ready = app.http.get(format!("{}/readyz", app.base)).send().await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    let (status, body) = post_form(&app, "/v1/oauth/token", basic, &[("grant_type", "client_credentials")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// The `qeetid` binary serving `database_url` on a free loopback port.
struct Child {
    process: std::process::Child,
    base: String,
}

impl Child {
    async fn start(database_url: &str, data_dir: &std::path::Path) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut process = std::process::Command::new(env!("CARGO_BIN_EXE_qeetid"))
            .arg("serve")
            .env("QEETID_LISTEN", format!("127.0.0.1:{port}"))
            .env("QEETID_DATABASE_URL", database_url)
            .env("QEETID_DATA_DIR", data_dir)
            .env("QEETID_BOOTSTRAP_ADMIN_KEY", crate::support::ADMIN_KEY)
            .env("QEETID_KEY_ENCRYPTION_KEY", "A".repeat(43))
            .env("QEETID_LOG_LEVEL", "warn")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("the qeetid binary starts");
        let base = format!("http://127.0.0.1:{port}");
        for _ in 0..200 {
            if reqwest::get(format!("{base}/readyz")).await.is_ok_and(|r| r.status().is_success()) {
                return Self { process, base };
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let _ = process.kill();
        let _ = process.wait();
        panic!("the server did not become ready");
    }
}

pub(crate) async fn a_killed_server_keeps_every_acknowledged_write(db: &TestDatabase) {
    let data_dir = std::env::temp_dir().join(format!("qeetid-kill-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data_dir);
    let mut child = Child::start(&db.url, &data_dir).await;
    let base = child.base.clone();
    let acknowledged = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut writers = Vec::new();
    for w in 0..4 {
        let (base, acknowledged, stop) = (base.clone(), acknowledged.clone(), stop.clone());
        writers.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) && n < 2000 {
                n += 1;
                let sent = http
                    .post(format!("{base}/v1/tenants"))
                    .header("Authorization", format!("ApiKey {}", crate::support::ADMIN_KEY))
                    .json(&json!({ "name": format!("writer {w} #{n}") }))
                    .send()
                    .await;
                let Ok(reply) = sent else { break };
                if reply.status() == StatusCode::CREATED
                    && let Ok(body) = reply.json::<serde_json::Value>().await
                    && let Some(id) = body["tenant"]["id"].as_str()
                {
                    acknowledged.lock().unwrap().push(id.to_owned());
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    child.process.kill().expect("SIGKILL");
    let _ = child.process.wait();
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    for writer in writers {
        let _ = writer.await;
    }
    let written = acknowledged.lock().unwrap().clone();
    assert!(written.len() > 20, "the writers wrote: {}", written.len());

    let mut child = Child::start(&db.url, &data_dir).await;
    let http = reqwest::Client::new();
    for id in &written {
        let reply = http
            .get(format!("{}/v1/tenants/{id}", child.base))
            .header("Authorization", format!("ApiKey {}", crate::support::ADMIN_KEY))
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), StatusCode::OK, "acknowledged tenant {id} was lost");
    }
    let _ = child.process.kill();
    let _ = child.process.wait();
    let _ = std::fs::remove_dir_all(&data_dir);
}

pub(crate) async fn two_instances_continue_each_others_flows(db: &TestDatabase) {
    let port = |_| std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let (port_a, port_b) = (port(0), port(1));
    let issuer = format!("http://localhost:{port_a}");
    let instance = |port: u16| {
        let mut s = settings(db);
        s.listen = format!("127.0.0.1:{port}").parse().unwrap();
        s.issuer = issuer.clone();
        s
    };
    let a = spawn_app_with(instance(port_a)).await;
    let mut b = spawn_app_with(instance(port_b)).await;
    b.http = a.http.clone(); // one browser, one cookie jar, two instances
    let b_base = format!("http://localhost:{port_b}");
    let realm = a.realm().await;

    // A starts the authorization; B shows the login and takes the password; A the consent.
    let authorize = crate::support::authorize_url(&a, &realm.client_id, "openid%20offline_access", "st", "");
    let (status, login, _) = a.browse(&authorize).await;
    assert_eq!(status, StatusCode::FOUND);
    let (_, _, page) = b.browse(&format!("{b_base}{}", login.unwrap())).await;
    let (request, csrf) = (crate::support::hidden(&page, "request"), crate::support::hidden(&page, "csrf_token"));
    let form = [
        ("request", request.as_str()),
        ("csrf_token", csrf.as_str()),
        ("email", crate::support::EMAIL),
        ("password", crate::support::PASSWORD),
    ];
    let response = b.http.post(format!("{b_base}/login")).form(&form).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let consent = response.headers()["location"].to_str().unwrap().to_owned();
    let (_, _, page) = a.browse(&consent).await;
    let csrf = crate::support::hidden(&page, "csrf_token");
    let decision =
        [("request", request.as_str()), ("csrf_token", csrf.as_str()), ("decision", "allow"), ("remember", "true")];
    let (status, landing, _) = a.submit("/v1/oauth/authorize/decision", &decision).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let code = crate::support::query_param(&landing.unwrap(), "code").unwrap();

    // B redeems the code, A refreshes, B answers userinfo and A introspects.
    let basic = Some((realm.client_id.as_str(), realm.client_secret.as_str()));
    let exchange = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", crate::support::REDIRECT_URI),
        ("code_verifier", crate::support::VERIFIER),
    ];
    let (status, tokens) = post_form(&b, "/v1/oauth/token", basic, &exchange).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let refresh = [("grant_type", "refresh_token"), ("refresh_token", tokens["refresh_token"].as_str().unwrap())];
    let (status, refreshed) = post_form(&a, "/v1/oauth/token", basic, &refresh).await;
    assert_eq!(status, StatusCode::OK, "{refreshed}");
    let access = refreshed["access_token"].as_str().unwrap();
    let userinfo = b.http.get(format!("{}/v1/oauth/userinfo", b.base)).bearer_auth(access).send().await.unwrap();
    assert_eq!(userinfo.status(), StatusCode::OK);
    let (_, introspected) = post_form(&a, "/v1/oauth/introspect", basic, &[("token", access)]).await;
    assert_eq!(introspected["active"], true);
    // A grant revoked through B ends the token on A at once.
    let grants = b.admin(Method::GET, &format!("/v1/tenants/{}/oauth/grants", realm.tenant), Body::None).await;
    let grant = grants.body["grants"][0]["id"].as_str().unwrap().to_owned();
    b.admin(Method::DELETE, &format!("/v1/tenants/{}/oauth/grants/{grant}", realm.tenant), Body::None).await;
    let (_, introspected) = post_form(&a, "/v1/oauth/introspect", basic, &[("token", access)]).await;
    assert_eq!(introspected["active"], false);
}
