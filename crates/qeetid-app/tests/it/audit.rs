//! The audit trail through the admin API: a sign-in's events (failure with its
//! reason, success, consent, sign-out), an admin change with before and after, a
//! refresh token's reuse, filters, paging, and tenants kept apart.

use qeetid_store::testing::TestDatabase;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{Body, EMAIL, PASSWORD, Realm, TestApp, authorize_url, hidden, post_form, redeem, spawn_app};

async fn events(app: &TestApp, tenant: &str, query: &str) -> Vec<Value> {
    let reply = app.admin(Method::GET, &format!("/v1/tenants/{tenant}/events{query}"), Body::None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.body["events"].as_array().unwrap().clone()
}

fn kinds(events: &[Value]) -> Vec<&str> {
    events.iter().map(|e| e["type"].as_str().unwrap()).collect()
}

async fn wrong_password(app: &TestApp, realm: &Realm) {
    let (_, login, _) = app.browse(&authorize_url(app, &realm.client_id, "openid", "w", "")).await;
    let (_, _, page) = app.browse(&login.unwrap()).await;
    let (request, csrf) = (hidden(&page, "request"), hidden(&page, "csrf_token"));
    let form = [("request", request.as_str()), ("csrf_token", csrf.as_str()), ("email", EMAIL), ("password", "nope")];
    let (status, _, _) = app.submit("/login", &form).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

pub(crate) async fn a_sign_in_and_an_admin_change_are_recorded(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    let user_id =
        app.admin(Method::GET, &format!("/v1/tenants/{}/users", realm.tenant), Body::None).await.body["users"][0]["id"]
            .as_str()
            .unwrap()
            .to_owned();

    wrong_password(&app, &realm).await;
    let landing = app
        .sign_in_through_pages(
            &authorize_url(&app, &realm.client_id, "openid%20offline_access", "a", ""),
            EMAIL,
            PASSWORD,
        )
        .await;
    let tokens = redeem(&app, &realm, &landing).await;

    let all = events(&app, &realm.tenant, "").await;
    let order = kinds(&all);
    // Newest first: consent after the sign-in, the sign-in after the failure.
    let position = |kind: &str| order.iter().position(|k| *k == kind).unwrap_or_else(|| panic!("no {kind}: {order:?}"));
    assert!(position("consent.granted") < position("sign_in.succeeded"), "{order:?}");
    assert!(position("sign_in.succeeded") < position("sign_in.failed"), "{order:?}");
    let failed = &all[position("sign_in.failed")];
    assert_eq!(failed["details"]["reason"], "invalid_credentials");
    assert_eq!(failed["user_id"], user_id.as_str());
    assert_eq!(failed["client_id"], realm.client_id.as_str());
    assert_eq!(failed["address"], "127.0.0.1");
    let succeeded = &all[position("sign_in.succeeded")];
    assert_eq!(succeeded["actor"], format!("user:{user_id}"));
    assert_eq!(succeeded["details"]["amr"], "pwd");
    assert_eq!(succeeded["address"], "127.0.0.1", "the address the sign-in started from");
    assert!(all[position("consent.granted")]["details"]["scope"].as_str().unwrap().contains("offline_access"));
    // Nothing secret is ever in an event.
    let text = Value::Array(all.clone()).to_string();
    assert!(!text.contains(PASSWORD) && !text.contains("nope"), "{text}");
    assert!(!text.contains(tokens["refresh_token"].as_str().unwrap()));

    // An admin change, with what changed.
    let path = format!("/v1/tenants/{}/oidc/clients/{}", realm.tenant, realm.client_id);
    let reply = app.admin(Method::PATCH, &path, Body::Json(json!({ "name": "Acme Web 2" }))).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let changes = events(&app, &realm.tenant, "?type=admin.change").await;
    let change = changes.iter().find(|e| e["details"]["action"] == "client.updated").expect("the client change");
    assert_eq!(change["details"]["before.name"], "Acme Web");
    assert_eq!(change["details"]["after.name"], "Acme Web 2");
    assert!(change["details"].get("before.scopes").is_none(), "unchanged fields are left out");
    assert!(change["actor"].as_str().unwrap().starts_with("api_key:key_"), "{change}");
    assert!(kinds(&changes).iter().all(|k| *k == "admin.change"));
    for action in ["tenant.created", "user.created", "client.created"] {
        assert!(changes.iter().any(|e| e["details"]["action"] == action), "{action}: {changes:?}");
    }

    // Token reuse: the second use of a rotated refresh token.
    let refresh = tokens["refresh_token"].as_str().unwrap();
    let form = [("grant_type", "refresh_token"), ("refresh_token", refresh)];
    let basic = Some((realm.client_id.as_str(), realm.client_secret.as_str()));
    assert_eq!(post_form(&app, "/v1/oauth/token", basic, &form).await.0, StatusCode::OK);
    assert_eq!(post_form(&app, "/v1/oauth/token", basic, &form).await.0, StatusCode::BAD_REQUEST);
    let reuse = events(&app, &realm.tenant, "?type=token.reuse_detected").await;
    assert_eq!(reuse.len(), 1, "{reuse:?}");
    assert_eq!(reuse[0]["user_id"], user_id.as_str());

    // Filters and paging.
    let mine = events(&app, &realm.tenant, &format!("?user_id={user_id}&limit=2")).await;
    assert_eq!(mine.len(), 2);
    let reply = app.admin(Method::GET, &format!("/v1/tenants/{}/events?limit=2", realm.tenant), Body::None).await;
    let next = reply.body["next_cursor"].as_str().expect("another page").to_owned();
    let second = events(&app, &realm.tenant, &format!("?limit=2&cursor={next}")).await;
    assert_ne!(second[0]["id"], reply.body["events"][0]["id"]);
    let future = events(&app, &realm.tenant, "?since=2999-01-01T00:00:00Z").await;
    assert!(future.is_empty());
    let bad = app.admin(Method::GET, &format!("/v1/tenants/{}/events?type=nope", realm.tenant), Body::None).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.body["field"], "type");

    // Signing out ends the session, recorded.
    let hint = tokens["id_token"].as_str().unwrap();
    let (_, _, page) = app.browse(&format!("/v1/oauth/logout?id_token_hint={hint}")).await;
    let csrf = hidden(&page, "csrf_token");
    let (status, _, _) = app.submit("/logout", &[("csrf_token", &csrf), ("id_token_hint", hint)]).await;
    assert!(status.is_redirection() || status == StatusCode::OK, "{status}");
    let out = events(&app, &realm.tenant, "?type=sign_out").await;
    assert_eq!(out.len(), 1, "{out:?}");
    assert_eq!(out[0]["user_id"], user_id.as_str());

    // Another tenant's key sees nothing of this one.
    let other = app.tenant("Other").await;
    let other_key = app.tenant_key(&other).await;
    let reply =
        app.call(Method::GET, &format!("/v1/tenants/{}/events", realm.tenant), Some(&other_key), Body::None).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
}

/// The dashboard's Events page: a dashboard admin's change is recorded as theirs,
/// and the page shows e-mails and filters by type and user.
pub(crate) async fn the_dashboard_shows_events_with_names_and_filters(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    wrong_password(&app, &realm).await;
    let admin_email = "root@example.com";
    crate::console::admin_user(&app, &realm.tenant, admin_email, "tenant").await;
    assert_eq!(crate::console::sign_in(&app, &realm.tenant, admin_email).await.0, StatusCode::FOUND);
    let users = app.admin(Method::GET, &format!("/v1/tenants/{}/users", realm.tenant), Body::None).await;
    let ada = users.body["users"].as_array().unwrap().iter().find(|u| u["email"] == EMAIL).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let root = users.body["users"].as_array().unwrap().iter().find(|u| u["email"] == admin_email).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let base = format!("/admin/t/{}", realm.tenant);
    let (_, _, page) = app.browse(&format!("{base}/users/{ada}")).await;
    let csrf = hidden(&page, "csrf_token");
    let (status, _, _) = app.submit(&format!("{base}/users/{ada}/disable"), &[("csrf_token", &csrf)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    let changes = events(&app, &realm.tenant, "?type=admin.change").await;
    let disabled = changes.iter().find(|e| e["details"]["action"] == "user.updated").expect("the dashboard change");
    assert_eq!(disabled["actor"], format!("admin:{root}"), "the dashboard admin, not a key");
    assert_eq!(disabled["details"]["before.disabled"], "false");
    assert_eq!(disabled["details"]["after.disabled"], "true");

    let (status, _, page) = app.browse(&format!("{base}/events")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("<h1>Events</h1>") && page.contains("aria-current=\"page\">Events"), "{page}");
    assert!(page.contains("sign_in.failed") && page.contains("invalid_credentials"), "{page}");
    assert!(page.contains(EMAIL), "users by e-mail: {page}");
    assert!(page.contains("Acme Web"), "clients by name: {page}");
    assert!(page.contains(&format!("by {admin_email}")), "the acting admin by e-mail: {page}");
    let (_, _, filtered) = app.browse(&format!("{base}/events?type=sign_in.failed&user={EMAIL}")).await;
    assert!(filtered.contains("sign_in.failed") && !filtered.contains(">admin.change</code>"), "{filtered}");
    let (_, _, nobody) = app.browse(&format!("{base}/events?user=nobody%40example.com")).await;
    assert!(nobody.contains("No events match this filter"), "{nobody}");
}
