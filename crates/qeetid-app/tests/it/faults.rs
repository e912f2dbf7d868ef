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
