use qeetid_app::Application;
use qeetid_store::testing::TestDatabase;
use reqwest::{Method, StatusCode};

use crate::support::{Body, settings, spawn_app};

pub(crate) async fn probes_metrics_and_openapi(db: &TestDatabase) {
    let app = spawn_app(db).await;
    assert_eq!(app.call(Method::GET, "/healthz", None, Body::None).await.status, StatusCode::OK);
    let ready = app.call(Method::GET, "/readyz", None, Body::None).await;
    assert_eq!(ready.status, StatusCode::OK);
    assert_eq!(ready.body["status"], "ready");

    app.call(Method::GET, "/v1/tenants", None, Body::None).await;
    // Routes sit in scopes by prefix (route_table.rs); metrics still name the full pattern.
    app.call(Method::GET, "/v1/tenants/some-tenant/oidc/clients", None, Body::None).await;
    app.call(Method::POST, "/v1/oauth/introspect", None, Body::None).await;
    let metrics = app.http.get(format!("{}/metrics", app.base)).send().await.unwrap().text().await.unwrap();
    for line in [
        r#"qeetid_http_requests_total{method="GET",route="/v1/tenants",status="401"}"#,
        r#"qeetid_http_requests_total{method="GET",route="/v1/tenants/{tenantID}/oidc/clients",status="401"}"#,
        r#"qeetid_http_requests_total{method="POST",route="/v1/oauth/introspect",status="401"}"#,
    ] {
        assert!(metrics.contains(line), "{line} in {metrics}");
    }

    let doc = app.call(Method::GET, "/v1/openapi.json", None, Body::None).await;
    assert_eq!(doc.status, StatusCode::OK);
    assert!(doc.body["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/v1/oidc/clients",
        "/v1/tenants/{tenantID}/oidc/clients",
        "/v1/tenants/{tenantID}/oidc/clients/{id}",
        "/v1/tenants/{tenantID}/oidc/clients/{id}/rotate-secret",
        "/v1/oidc/clients/{id}",
        "/v1/tenants",
        "/v1/tenants/{tenantID}/users",
        "/v1/tenants/{tenantID}/api-keys",
    ] {
        assert!(doc.body["paths"].get(path).is_some(), "{path} is documented");
    }
    assert!(doc.body["components"]["securitySchemes"].get("ApiKey").is_some());

    let home = app.http.get(&app.base).send().await.unwrap();
    assert_eq!(home.status(), StatusCode::OK);
    assert_eq!(home.headers()["x-frame-options"], "DENY");
    let missing = app.http.get(format!("{}/no-such-page", app.base)).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(missing.text().await.unwrap().contains("Page not found"));
}

pub(crate) async fn restarting_keeps_every_object(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let tenant = app.tenant("Acme").await;
    let key = app.tenant_key(&tenant).await;
    let client = app.seed_client(&tenant).await["client"]["id"].as_str().unwrap().to_owned();

    // A second instance on the same database: what the first made is there, and
    // the bootstrap key is not created (or printed) again.
    let second = Application::build(settings(db)).await.unwrap();
    assert_eq!(second.bootstrap_key(), None);
    let base = format!("http://{}", second.address());
    tokio::spawn(second.run());
    let reply = app
        .http
        .get(format!("{base}/v1/tenants/{tenant}/oidc/clients/{client}"))
        .header("Authorization", format!("ApiKey {key}"))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::OK);
}

/// Commands run beside a server (`qeetid seed`, `admin create-user`) print links to
/// where it really answers: a server on a port chosen at start records its issuer.
pub(crate) async fn commands_beside_the_server_link_to_where_it_answers(db: &TestDatabase) {
    let settings = settings(db);
    assert_eq!(settings.listen.port(), 0, "a port chosen when the server binds");
    let store = qeetid_app::open_store(&settings).await.unwrap();
    assert_eq!(qeetid_app::served_issuer(&settings, &store).await, "http://localhost:0", "before any server");
    let app = spawn_app(db).await;
    assert_eq!(qeetid_app::served_issuer(&settings, &store).await, app.issuer);
    let mut configured = settings.clone();
    configured.issuer = "https://id.example.com".into();
    assert_eq!(qeetid_app::served_issuer(&configured, &store).await, "https://id.example.com", "configured wins");
}

/// `/metrics` counts token requests per grant type and outcome, audit events per type
/// (sign-in outcomes among them), outbound calls, and shows the database pool.
pub(crate) async fn metrics_count_grants_sign_ins_outbound_calls_and_the_pool(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    let basic = Some((realm.client_id.as_str(), realm.client_secret.as_str()));
    let token = |grant: &'static str| [("grant_type", grant), ("scope", "api:read")];
    crate::support::post_form(&app, "/v1/oauth/token", basic, &token("client_credentials")).await;
    crate::support::post_form(&app, "/v1/oauth/token", basic, &token("client_credentials")).await;
    crate::support::post_form(&app, "/v1/oauth/token", basic, &token("password")).await;
    crate::support::post_form(&app, "/v1/oauth/token", basic, &token("urn:made:up")).await;
    // A wrong password: an audit event, counted.
    let authorize = crate::support::authorize_url(&app, &realm.client_id, "openid", "m", "");
    let (_, login, _) = app.browse(&authorize).await;
    let (_, _, page) = app.browse(&login.unwrap()).await;
    let (request, csrf) = (crate::support::hidden(&page, "request"), crate::support::hidden(&page, "csrf_token"));
    let form =
        [("request", request.as_str()), ("csrf_token", csrf.as_str()), ("email", "x@example.com"), ("password", "x")];
    app.submit("/login", &form).await;
    let metrics = app.http.get(format!("{}/metrics", app.base)).send().await.unwrap().text().await.unwrap();
    for line in [
        r#"qeetid_token_requests_total{grant_type="client_credentials",outcome="issued"} 2"#,
        r#"qeetid_token_requests_total{grant_type="other",outcome="unsupported_grant_type"} 2"#,
        r#"qeetid_audit_events_total{type="sign_in.failed"} 1"#,
        r#"qeetid_db_pool_connections{state="waiting"} 0"#,
    ] {
        assert!(metrics.contains(line), "{line} in {metrics}");
    }
    assert!(metrics.contains(r#"qeetid_db_pool_connections{state="idle"}"#), "{metrics}");
    assert!(!metrics.contains("urn:made:up"), "unknown grant types do not become labels");
}
