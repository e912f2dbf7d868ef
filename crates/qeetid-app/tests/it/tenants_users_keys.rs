use qeetid_store::testing::TestDatabase;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{Body, spawn_app};

pub(crate) async fn tenants_are_managed_by_deployment_keys(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let tenant = app.tenant("Acme").await;
    let path = format!("/v1/tenants/{tenant}");
    let reply = app.admin(Method::PATCH, &path, Body::Json(json!({ "name": "Acme Corp" }))).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["tenant"]["name"], "Acme Corp");
    assert!(reply.body["tenant"]["created_at"].as_str().unwrap().ends_with('Z'));

    let key = app.tenant_key(&tenant).await;
    let reply = app.call(Method::GET, &path, Some(&key), Body::None).await;
    assert_eq!(reply.status, StatusCode::OK, "a tenant key reads its own tenant");
    let reply = app.call(Method::POST, "/v1/tenants", Some(&key), Body::Json(json!({ "name": "Other" }))).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(reply.body["error"], "forbidden");
    let reply = app.call(Method::DELETE, &path, Some(&key), Body::None).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);

    app.seed_client(&tenant).await;
    let reply = app.admin(Method::DELETE, &path, Body::None).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert_eq!(app.admin(Method::GET, &path, Body::None).await.status, StatusCode::NOT_FOUND);
    let reply = app.call(Method::GET, "/v1/tenants", Some(&key), Body::None).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "the tenant's keys went with it");
}

pub(crate) async fn users_are_created_without_echoing_passwords(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let tenant = app.tenant("Acme").await;
    let path = format!("/v1/tenants/{tenant}/users");
    let new = json!({ "email": "Ada@Example.com", "password": "correct horse battery", "name": "Ada Lovelace" });
    let reply = app.admin(Method::POST, &path, Body::Json(new.clone())).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let user = &reply.body["user"];
    assert!(user["id"].as_str().unwrap().starts_with("usr_"));
    assert_eq!(user["email"], "ada@example.com");
    assert_eq!(user["email_verified"], false);
    assert_eq!(user["tenant_id"], tenant.as_str());
    assert!(!reply.body.to_string().contains("correct horse"));
    assert!(!reply.body.to_string().contains("argon2"));

    let reply = app.admin(Method::POST, &path, Body::Json(new)).await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "e-mails are unique in a tenant");
    let reply =
        app.admin(Method::POST, &path, Body::Json(json!({ "email": "bob@example.com", "password": "short" }))).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.body["field"], "password");
    let reply = app.admin(Method::POST, &path, Body::Json(json!({ "email": "not-an-email" }))).await;
    assert_eq!(reply.body["field"], "email");
    let both = json!({ "email": "not-an-email", "password": "short" });
    let reply = app.admin(Method::POST, &path, Body::Json(both)).await;
    assert_eq!(reply.body["errors"].as_array().map(Vec::len), Some(2), "both named at once: {}", reply.body);

    let id = user["id"].as_str().unwrap();
    let reply = app
        .admin(Method::PATCH, &format!("{path}/{id}"), Body::Json(json!({ "email_verified": true, "name": "" })))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.body["user"]["email_verified"], true);
    assert_eq!(reply.body["user"]["name"], serde_json::Value::Null);
    let reply = app.admin(Method::GET, &path, Body::None).await;
    assert_eq!(reply.body["users"].as_array().unwrap().len(), 1);
    assert_eq!(app.admin(Method::DELETE, &format!("{path}/{id}"), Body::None).await.status, StatusCode::NO_CONTENT);
    assert_eq!(app.admin(Method::GET, &format!("{path}/{id}"), Body::None).await.status, StatusCode::NOT_FOUND);
}

pub(crate) async fn api_keys_are_shown_once_and_revocable(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let tenant = app.tenant("Acme").await;
    let path = format!("/v1/tenants/{tenant}/api-keys");
    let reply = app.admin(Method::POST, &path, Body::Json(json!({ "name": "ci" }))).await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let key = reply.body["key"].as_str().unwrap().to_owned();
    assert!(key.starts_with("qak_"));
    assert!(reply.body["warning"].as_str().unwrap().contains("not retrievable"));
    let key_id = reply.body["api_key"]["id"].as_str().unwrap().to_owned();
    assert_eq!(reply.body["api_key"]["tenant_id"], tenant.as_str());

    let listed = app.call(Method::GET, &path, Some(&key), Body::None).await;
    assert_eq!(listed.status, StatusCode::OK);
    assert_eq!(listed.body["api_keys"][0]["id"], key_id.as_str());
    assert!(!listed.body.to_string().contains(&key), "the key is never listed");

    let reply = app.call(Method::DELETE, &format!("{path}/{key_id}"), Some(&key), Body::None).await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "a key cannot revoke itself");
    let reply = app.admin(Method::DELETE, &format!("{path}/{key_id}"), Body::None).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert_eq!(app.call(Method::GET, &path, Some(&key), Body::None).await.status, StatusCode::UNAUTHORIZED);
}

pub(crate) async fn tenants_are_named_by_unique_slugs_that_the_pages_take(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let reply = app.admin(Method::POST, "/v1/tenants", Body::Json(json!({ "name": "Acme Corp" }))).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    assert_eq!(reply.body["tenant"]["slug"], "acme-corp", "made from the name");
    let tenant = reply.body["tenant"]["id"].as_str().unwrap().to_owned();
    let taken = json!({ "name": "Globex", "slug": "acme-corp" });
    let reply = app.admin(Method::POST, "/v1/tenants", Body::Json(taken)).await;
    assert_eq!(
        (reply.status, reply.body["error"].as_str()),
        (StatusCode::CONFLICT, Some("conflict")),
        "{}",
        reply.body
    );
    let malformed = json!({ "name": "Globex", "slug": "Globex Inc" });
    let reply = app.admin(Method::POST, "/v1/tenants", Body::Json(malformed)).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
    assert!(reply.body["message"].as_str().unwrap().contains("slug"), "{}", reply.body);
    let reply = app.admin(Method::PATCH, &format!("/v1/tenants/{tenant}"), Body::Json(json!({ "slug": "acme" }))).await;
    assert_eq!((reply.status, reply.body["tenant"]["slug"].as_str()), (StatusCode::OK, Some("acme")), "{}", reply.body);

    // End users and admins name the tenant by its slug (any case) or id; never a page of tnt_….
    let (status, location, _) = app.browse("/t/acme/account").await;
    assert_eq!((status, location.as_deref()), (StatusCode::FOUND, Some("/account?tenant=acme")));
    for named in ["acme", "ACME", tenant.as_str()] {
        let (status, location, body) = app.browse(&format!("/account?tenant={named}")).await;
        assert_eq!(status, StatusCode::FOUND, "{named}: {body}");
        assert!(location.unwrap().starts_with("/v1/oauth/authorize?"), "{named}: to the hosted sign-in");
    }
    for unknown in ["acme-corp", "nobody", "tnt_AAAAAAAAAAAAAAAAAAAAAA", "<script>"] {
        let (status, _, page) = app.browse(&format!("/account?tenant={unknown}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{unknown}: the old slug is free, the others never were");
        assert!(page.contains("No tenant goes by that name") && !page.contains("<script>"), "{page}");
    }
    let (status, location, _) = app.browse("/t/acme/admin").await;
    assert_eq!((status, location.as_deref()), (StatusCode::FOUND, Some("/admin/login?tenant=acme")));
    let (status, location, body) = app.browse("/admin/login?tenant=acme").await;
    assert_eq!(status, StatusCode::FOUND, "{body}");
    assert!(location.unwrap().starts_with("/v1/oauth/authorize?"));
    let (status, _, page) = app.browse("/account").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("placeholder=\"acme\"") && !page.contains("tnt_"), "the form asks for a name: {page}");
}
