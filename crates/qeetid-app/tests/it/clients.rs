use qeetid_store::testing::TestDatabase;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{Body, seed_request, spawn_app};

pub(crate) async fn the_seed_request_answers_the_seed_shape(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let tenant = app.tenant("Acme").await;
    let reply = app.admin(Method::POST, "/v1/oidc/clients", Body::Json(seed_request(&tenant))).await;
    assert_eq!(reply.status, StatusCode::CREATED);
    assert_eq!(reply.headers["cache-control"], "no-store", "a secret is never cached");
    let body = reply.body;
    let client = &body["client"];
    assert!(client["id"].as_str().unwrap().starts_with("qci_"));
    assert_eq!(client["name"], "Acme Web");
    assert_eq!(client["type"], "confidential");
    assert_eq!(client["redirect_uris"], json!(["https://app.acme.com/api/auth/callback"]));
    assert_eq!(client["post_logout_uris"], json!(["https://app.acme.com"]));
    assert_eq!(client["grant_types"], json!(["authorization_code", "refresh_token"]));
    assert_eq!(client["tenant_id"], tenant.as_str());
    assert_eq!(client["require_pkce"], true);
    assert!(body["client_secret"].as_str().unwrap().starts_with("qcs_"));
    assert_eq!(body["warning"], "Store the secret now — it is not retrievable later.");

    // The secret is not retrievable later: neither the list nor the object shows it.
    let id = client["id"].as_str().unwrap();
    let got = app.admin(Method::GET, &format!("/v1/tenants/{tenant}/oidc/clients/{id}"), Body::None).await;
    assert_eq!(got.status, StatusCode::OK);
    assert!(got.body["client"].get("client_secret").is_none());
    assert!(!got.body.to_string().contains(body["client_secret"].as_str().unwrap()));
}

pub(crate) async fn public_clients_get_no_secret_and_always_pkce(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let tenant = app.tenant("Acme").await;
    let spa = json!({
        "tenant_id": tenant, "name": "Acme SPA", "type": "public",
        "redirect_uris": ["http://localhost:5173/callback", "com.acme.app:/oauth2redirect"]
    });
    let reply = app.admin(Method::POST, "/v1/oidc/clients", Body::Json(spa)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    assert!(reply.body.get("client_secret").is_none());
    assert!(reply.body.get("warning").is_none());
    assert_eq!(reply.body["client"]["require_pkce"], true);
    assert_eq!(reply.body["client"]["grant_types"], json!(["authorization_code"]));

    let opt_out = json!({ "tenant_id": tenant, "name": "x", "type": "public",
        "redirect_uris": ["https://a.example/cb"], "require_pkce": false });
    let reply = app.admin(Method::POST, "/v1/oidc/clients", Body::Json(opt_out)).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.body["field"], "require_pkce");
}

pub(crate) async fn list_is_paginated_newest_first(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let tenant = app.tenant("Acme").await;
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(app.seed_client(&tenant).await["client"]["id"].as_str().unwrap().to_owned());
    }
    let mut seen = Vec::new();
    let mut path = format!("/v1/tenants/{tenant}/oidc/clients?limit=2");
    loop {
        let reply = app.admin(Method::GET, &path, Body::None).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let page = reply.body["clients"].as_array().unwrap();
        assert!(page.len() <= 2);
        seen.extend(page.iter().map(|c| c["id"].as_str().unwrap().to_owned()));
        match reply.body["next_cursor"].as_str() {
            Some(cursor) => path = format!("/v1/tenants/{tenant}/oidc/clients?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    let mut sorted_seen = seen.clone();
    sorted_seen.sort();
    ids.sort();
    assert_eq!(sorted_seen, ids, "every client exactly once");

    let reply = app.admin(Method::GET, &format!("/v1/tenants/{tenant}/oidc/clients?limit=500"), Body::None).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.body["field"], "limit");
    let reply = app.admin(Method::GET, &format!("/v1/tenants/{tenant}/oidc/clients?cursor=garbage!"), Body::None).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.body["field"], "cursor");
}

pub(crate) async fn update_changes_and_revalidates(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let tenant = app.tenant("Acme").await;
    let id = app.seed_client(&tenant).await["client"]["id"].as_str().unwrap().to_owned();
    let path = format!("/v1/tenants/{tenant}/oidc/clients/{id}");

    let patch = json!({ "name": "Acme Web (prod)", "redirect_uris": ["https://app.acme.com/cb2"], "scopes": ["openid", "email"] });
    let reply = app.admin(Method::PATCH, &path, Body::Json(patch)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.body["client"]["name"], "Acme Web (prod)");
    assert_eq!(reply.body["client"]["redirect_uris"], json!(["https://app.acme.com/cb2"]));
    assert_eq!(reply.body["client"]["post_logout_uris"], json!(["https://app.acme.com"]), "untouched");
    let got = app.admin(Method::GET, &path, Body::None).await;
    assert_eq!(got.body["client"]["scopes"], json!(["openid", "email"]));

    for (patch, field) in [
        (json!({ "redirect_uris": [] }), "redirect_uris"),
        (json!({ "redirect_uris": ["https://a.example/cb#x"] }), "redirect_uris[0]"),
        (json!({ "type": "public" }), "type"),
        (json!({ "grant_types": ["implicit"] }), "grant_types[0]"),
    ] {
        let reply = app.admin(Method::PATCH, &path, Body::Json(patch.clone())).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{patch}");
        assert_eq!(reply.body["field"], field, "{patch}");
    }
    let got = app.admin(Method::GET, &path, Body::None).await;
    assert_eq!(
        got.body["client"]["redirect_uris"],
        json!(["https://app.acme.com/cb2"]),
        "refused patches change nothing"
    );
}

pub(crate) async fn rotation_shows_a_new_secret_once_with_optional_grace(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let tenant = app.tenant("Acme").await;
    let created = app.seed_client(&tenant).await;
    let id = created["client"]["id"].as_str().unwrap();
    let path = format!("/v1/tenants/{tenant}/oidc/clients/{id}/rotate-secret");

    let reply = app.admin(Method::POST, &path, Body::None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let first = reply.body["client_secret"].as_str().unwrap().to_owned();
    assert_ne!(first, created["client_secret"].as_str().unwrap());
    assert!(reply.body.get("previous_secret_expires_at").is_none());
    assert_eq!(reply.body["warning"], "Store the secret now — it is not retrievable later.");

    let reply = app.admin(Method::POST, &path, Body::Json(json!({ "grace_period_seconds": 3600 }))).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_ne!(reply.body["client_secret"].as_str().unwrap(), first);
    assert!(reply.body["previous_secret_expires_at"].as_str().unwrap().ends_with('Z'));

    let reply = app.admin(Method::POST, &path, Body::Json(json!({ "grace_period_seconds": 700000 }))).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.body["field"], "grace_period_seconds");

    let spa =
        json!({ "tenant_id": tenant, "name": "SPA", "type": "public", "redirect_uris": ["https://a.example/cb"] });
    let spa = app.admin(Method::POST, "/v1/oidc/clients", Body::Json(spa)).await;
    let spa_id = spa.body["client"]["id"].as_str().unwrap();
    let reply =
        app.admin(Method::POST, &format!("/v1/tenants/{tenant}/oidc/clients/{spa_id}/rotate-secret"), Body::None).await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert_eq!(reply.body["error"], "conflict");
}

pub(crate) async fn delete_removes_the_client(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let tenant = app.tenant("Acme").await;
    let id = app.seed_client(&tenant).await["client"]["id"].as_str().unwrap().to_owned();
    let reply = app.admin(Method::DELETE, &format!("/v1/oidc/clients/{id}"), Body::None).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    let reply = app.admin(Method::DELETE, &format!("/v1/oidc/clients/{id}"), Body::None).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.body["error"], "not_found");
    let reply = app.admin(Method::GET, &format!("/v1/tenants/{tenant}/oidc/clients/{id}"), Body::None).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
}
