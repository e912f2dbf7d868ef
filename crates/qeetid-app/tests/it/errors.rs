use qeetid_store::testing::TestDatabase;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{Body, seed_request, spawn_app};

pub(crate) async fn missing_or_wrong_keys_get_401(db: &TestDatabase) {
    let app = spawn_app(db).await;
    for key in [None, Some("qak_not-a-real-key"), Some("")] {
        let reply = app.call(Method::GET, "/v1/tenants", key, Body::None).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{key:?}");
        assert_eq!(reply.body["error"], "unauthorized");
        assert_eq!(reply.headers["www-authenticate"], "ApiKey");
    }
    // A caller without a key learns nothing about the body's rules.
    let reply = app.call(Method::POST, "/v1/oidc/clients", None, Body::Raw("{not json")).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    // Wrong scheme.
    let reply = app
        .http
        .get(format!("{}/v1/tenants", app.base))
        .header("Authorization", format!("Bearer {}", crate::support::ADMIN_KEY))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::UNAUTHORIZED);
}

pub(crate) async fn another_tenants_objects_are_not_found(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let a = app.tenant("A").await;
    let b = app.tenant("B").await;
    let key_a = app.tenant_key(&a).await;
    let b_client = app.seed_client(&b).await["client"]["id"].as_str().unwrap().to_owned();

    let not_found = [
        (Method::GET, format!("/v1/tenants/{b}")),
        (Method::GET, format!("/v1/tenants/{b}/oidc/clients")),
        (Method::GET, format!("/v1/tenants/{b}/oidc/clients/{b_client}")),
        (Method::GET, format!("/v1/tenants/{a}/oidc/clients/{b_client}")),
        (Method::PATCH, format!("/v1/tenants/{b}/oidc/clients/{b_client}")),
        (Method::POST, format!("/v1/tenants/{b}/oidc/clients/{b_client}/rotate-secret")),
        (Method::DELETE, format!("/v1/oidc/clients/{b_client}")),
        (Method::GET, format!("/v1/tenants/{b}/users")),
        (Method::GET, format!("/v1/tenants/{b}/api-keys")),
    ];
    for (method, path) in not_found {
        let body = if method == Method::PATCH { Body::Json(json!({ "name": "pwned" })) } else { Body::None };
        let reply = app.call(method.clone(), &path, Some(&key_a), body).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{method} {path}: {}", reply.body);
    }
    let reply = app.call(Method::POST, "/v1/oidc/clients", Some(&key_a), Body::Json(seed_request(&b))).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);

    // B's client is untouched, and A's key works in A, with tenant_id defaulting to A.
    let reply = app.admin(Method::GET, &format!("/v1/tenants/{b}/oidc/clients/{b_client}"), Body::None).await;
    assert_eq!(reply.body["client"]["name"], "Acme Web");
    let mut own = seed_request(&a);
    own.as_object_mut().unwrap().remove("tenant_id");
    let reply = app.call(Method::POST, "/v1/oidc/clients", Some(&key_a), Body::Json(own)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    assert_eq!(reply.body["client"]["tenant_id"], a.as_str());
    let reply = app.call(Method::GET, "/v1/tenants", Some(&key_a), Body::None).await;
    assert_eq!(reply.body["tenants"].as_array().unwrap().len(), 1);
    assert_eq!(reply.body["tenants"][0]["id"], a.as_str());
}

pub(crate) async fn malformed_input_gets_a_clear_4xx_naming_the_problem(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let tenant = app.tenant("Acme").await;

    let reply = app.admin(Method::POST, "/v1/oidc/clients", Body::Raw("{\"name\": \"x\",")).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.body["error"], "invalid_request");
    assert!(reply.body["message"].as_str().unwrap().contains("not valid JSON"), "{}", reply.body);

    let mut wrong_type = seed_request(&tenant);
    wrong_type["redirect_uris"] = json!("https://app.acme.com/cb");
    let reply = app.admin(Method::POST, "/v1/oidc/clients", Body::Json(wrong_type)).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.body["field"], "redirect_uris");

    let mut wrong_item = seed_request(&tenant);
    wrong_item["grant_types"] = json!(["authorization_code", 7]);
    let reply = app.admin(Method::POST, "/v1/oidc/clients", Body::Json(wrong_item)).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.body["field"], "grant_types[1]");

    let mut unknown = seed_request(&tenant);
    unknown["redirect_uri"] = json!("https://typo.example/cb");
    let reply = app.admin(Method::POST, "/v1/oidc/clients", Body::Json(unknown)).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body["message"].as_str().unwrap().contains("redirect_uri"), "{}", reply.body);

    // A failing body extractor drops the request's key lookup half-way; repeated, this
    // once killed actix workers on SQLite. The server must keep answering.
    for _ in 0..20 {
        let reply = app.admin(Method::POST, "/v1/oidc/clients", Body::Raw(&"x".repeat(70_000))).await;
        assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(reply.body["error"], "payload_too_large");
    }
    assert_eq!(app.admin(Method::GET, "/v1/tenants", Body::None).await.status, StatusCode::OK);

    let reply = app.admin(Method::GET, &format!("/v1/tenants/{tenant}/oidc/clients?limit=abc"), Body::None).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.body["error"], "invalid_request");

    let reply = app.admin(Method::PUT, "/v1/oidc/clients", Body::None).await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(reply.body["error"], "method_not_allowed");
    let reply = app.admin(Method::GET, "/v1/nothing-here", Body::None).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.body["error"], "not_found");
    let reply = app.admin(Method::GET, "/v1/tenants/not-an-id", Body::None).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    // Inside the route table's scopes: an unknown path is the same JSON 404, and an
    // unhandled method of a known resource the same 405.
    for path in
        [format!("/v1/tenants/{tenant}/nothing-here"), "/v1/oauth/nothing-here".to_owned(), "/v1/tenants/".into()]
    {
        let reply = app.admin(Method::GET, &path, Body::None).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(reply.body["error"], "not_found", "{path}");
    }
    let reply = app.admin(Method::PUT, &format!("/v1/tenants/{tenant}/oidc/clients"), Body::None).await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(reply.body["error"], "method_not_allowed");
    let page = app.call(Method::GET, "/admin/t/some-tenant/nothing-here", None, Body::None).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}

pub(crate) async fn registration_rules_are_enforced(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let tenant = app.tenant("Acme").await;
    let cases = [
        (json!({ "name": "" }), "name"),
        (json!({ "type": "spa" }), "type"),
        (json!({ "redirect_uris": ["/relative"] }), "redirect_uris[0]"),
        (json!({ "redirect_uris": ["http://app.acme.com/cb"] }), "redirect_uris[0]"),
        (json!({ "redirect_uris": ["https://app.acme.com/cb#frag"] }), "redirect_uris[0]"),
        (json!({ "redirect_uris": ["https://ok.example/cb", "javascript:alert(1)"] }), "redirect_uris[1]"),
        (json!({ "redirect_uris": ["com.acme.app:/cb"] }), "redirect_uris[0]"),
        (json!({ "post_logout_uris": ["http://evil.example"] }), "post_logout_uris[0]"),
        (json!({ "grant_types": ["password"] }), "grant_types[0]"),
        (json!({ "grant_types": ["implicit"] }), "grant_types[0]"),
        (json!({ "grant_types": ["refresh_token"] }), "grant_types"),
        (json!({ "redirect_uris": [] }), "redirect_uris"),
        (json!({ "scopes": ["bad scope"] }), "scopes"),
        (json!({ "tenant_id": "nope" }), "tenant_id"),
    ];
    for (change, field) in cases {
        let mut body = seed_request(&tenant);
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let reply = app.admin(Method::POST, "/v1/oidc/clients", Body::Json(body)).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{change}: {}", reply.body);
        assert_eq!(reply.body["error"], "validation_failed");
        assert_eq!(reply.body["field"], field, "{change}");
        assert!(reply.body["message"].as_str().unwrap().starts_with(field), "{}", reply.body);
    }
    // Every broken rule at once, the first also as `field`.
    let mut body = seed_request(&tenant);
    body["name"] = json!(" ");
    body["redirect_uris"] = json!(["https://ok.example/cb", "javascript:alert(1)"]);
    body["scopes"] = json!(["bad scope"]);
    let reply = app.admin(Method::POST, "/v1/oidc/clients", Body::Json(body)).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
    assert_eq!(reply.body["field"], "name");
    let fields: Vec<&str> =
        reply.body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["name", "redirect_uris[1]", "scopes"], "{}", reply.body);
    assert!(reply.body["errors"][2]["message"].as_str().unwrap().contains("bad scope"), "{}", reply.body);
    let public_m2m =
        json!({ "tenant_id": tenant, "name": "x", "type": "public", "grant_types": ["client_credentials"] });
    let reply = app.admin(Method::POST, "/v1/oidc/clients", Body::Json(public_m2m)).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.body["field"], "grant_types");
    let m2m = json!({ "tenant_id": tenant, "name": "Billing job", "type": "confidential", "grant_types": ["client_credentials"] });
    let reply = app.admin(Method::POST, "/v1/oidc/clients", Body::Json(m2m)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let reply = app.admin(Method::POST, "/v1/oidc/clients", Body::Json(json!({ "name": "x", "type": "public" }))).await;
    assert_eq!(reply.body["field"], "tenant_id", "a deployment key must say which tenant");
    let missing = seed_request("tnt_AAAAAAAAAAAAAAAAAAAAAA");
    let reply = app.admin(Method::POST, "/v1/oidc/clients", Body::Json(missing)).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
}
