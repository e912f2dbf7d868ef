//! The admin dashboard: its sign-in through the hosted login, roles, tenant reach.

use qeetid_store::testing::TestDatabase;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{Body, EMAIL, PASSWORD, TestApp, hidden, spawn_app};

const ROOT: &str = "root@example.com";

/// Creates a user holding `role` in `tenant` through the admin API.
async fn admin_user(app: &TestApp, tenant: &str, email: &str, role: &str) {
    let body = json!({ "email": email, "password": PASSWORD, "admin_role": role });
    let reply = app.admin(Method::POST, &format!("/v1/tenants/{tenant}/users"), Body::Json(body)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    assert_eq!(reply.body["user"]["admin_role"], role);
}

/// Signs `email` in to the dashboard of `tenant` from scratch; returns the final
/// response to the callback (status, location, body).
async fn sign_in(app: &TestApp, tenant: &str, email: &str) -> (StatusCode, Option<String>, String) {
    let (status, login, _) = app.browse(&format!("/admin/t/{tenant}/clients")).await;
    assert_eq!(status, StatusCode::FOUND);
    let login = login.unwrap();
    assert_eq!(login, format!("/admin/login?tenant={tenant}"));
    let (status, authorize, body) = app.browse(&login).await;
    assert_eq!(status, StatusCode::FOUND, "{body}");
    let authorize = authorize.unwrap();
    assert!(authorize.starts_with("/v1/oauth/authorize?") && authorize.contains("code_challenge_method=S256"));
    let callback = app.sign_in_through_pages(&authorize, email, PASSWORD).await;
    assert!(callback.starts_with(&format!("{}/admin/callback?code=", app.issuer)), "{callback}");
    let answer = app.browse(&callback).await;
    // The code is spent and the flow cookie gone: the same callback cannot sign in twice.
    let (again, _, _) = app.browse(&callback).await;
    assert_eq!(again, StatusCode::BAD_REQUEST);
    answer
}

pub(crate) async fn admins_sign_in_through_the_hosted_login_and_see_their_tenant(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    admin_user(&app, &realm.tenant, ROOT, "tenant").await;

    let (status, clients, body) = sign_in(&app, &realm.tenant, ROOT).await;
    assert_eq!(status, StatusCode::FOUND, "{body}");
    let clients = clients.unwrap();
    assert_eq!(clients, format!("/admin/t/{}/clients", realm.tenant));
    let (status, _, page) = app.browse(&clients).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Acme Web") && page.contains(&realm.client_id), "the tenant's clients are listed");
    assert!(page.contains("Qeet ID dashboard"), "the dashboard's own client is a client like any other");
    assert!(page.contains(ROOT));

    // A tenant admin reaches no other tenant, even by a hand-made URL.
    let other = app.tenant("Other").await;
    let (status, _, page) = app.browse(&format!("/admin/t/{other}/clients")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{page}");
    assert!(!page.contains("Other"));

    // Signing out needs the form's CSRF token, and ends the dashboard session.
    let (_, _, page) = app.browse(&clients).await;
    let (status, _, _) = app.submit("/admin/logout", &[("csrf_token", "forged")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = app.browse(&clients).await;
    assert_eq!(status, StatusCode::OK, "a refused sign-out changes nothing");
    let (status, location, _) = app.submit("/admin/logout", &[("csrf_token", &hidden(&page, "csrf_token"))]).await;
    assert_eq!((status, location.as_deref()), (StatusCode::SEE_OTHER, Some("/admin")));
    let (status, location, _) = app.browse(&clients).await;
    assert_eq!(status, StatusCode::FOUND);
    assert!(location.unwrap().starts_with("/admin/login"), "signed out");
}

pub(crate) async fn deployment_admins_reach_every_tenant_and_users_without_a_role_none(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    // A plain user signs in fine, but the dashboard refuses them.
    let (status, _, page) = sign_in(&app, &realm.tenant, EMAIL).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{page}");
    assert!(page.contains("Not an admin"));

    let home = app.tenant("Operators").await;
    admin_user(&app, &home, ROOT, "deployment").await;
    let (status, _, body) = sign_in(&app, &home, ROOT).await;
    assert_eq!(status, StatusCode::FOUND, "{body}");
    let (status, _, page) = app.browse(&format!("/admin/t/{}/clients", realm.tenant)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Acme Web"));
}

pub(crate) async fn only_deployment_keys_make_deployment_admins(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let tenant = app.tenant("Acme").await;
    let key = app.tenant_key(&tenant).await;
    let path = format!("/v1/tenants/{tenant}/users");
    let body = json!({ "email": ROOT, "password": PASSWORD, "admin_role": "deployment" });
    let reply = app.call(Method::POST, &path, Some(&key), Body::Json(body)).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.body);
    let body = json!({ "email": ROOT, "password": PASSWORD, "admin_role": "root" });
    let reply = app.call(Method::POST, &path, Some(&key), Body::Json(body)).await;
    assert!(reply.status.is_client_error(), "{}", reply.body);
    assert_eq!(reply.body["field"], "admin_role");
    let body = json!({ "email": ROOT, "password": PASSWORD, "admin_role": "tenant" });
    let reply = app.call(Method::POST, &path, Some(&key), Body::Json(body)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
}
