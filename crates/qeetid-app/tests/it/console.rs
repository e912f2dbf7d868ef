//! The admin dashboard: its sign-in through the hosted login, roles, tenant reach.

use qeetid_store::testing::TestDatabase;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{
    Body, EMAIL, PASSWORD, REDIRECT_URI, TestApp, VERIFIER, authorize_url, hidden, post_form, query_param, spawn_app,
};

const ROOT: &str = "root@example.com";

/// Creates a user holding `role` in `tenant` through the admin API.
pub(crate) async fn admin_user(app: &TestApp, tenant: &str, email: &str, role: &str) {
    let body = json!({ "email": email, "password": PASSWORD, "admin_role": role });
    let reply = app.admin(Method::POST, &format!("/v1/tenants/{tenant}/users"), Body::Json(body)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    assert_eq!(reply.body["user"]["admin_role"], role);
}

/// Signs `email` in to the dashboard of `tenant` from scratch; returns the final
/// response to the callback (status, location, body).
pub(crate) async fn sign_in(app: &TestApp, tenant: &str, email: &str) -> (StatusCode, Option<String>, String) {
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
    // The dashboard's own client is listed apart, after the tenant's, marked built-in,
    // with nothing to change, rotate or delete.
    let tenant = qeetid_domain::TenantId::parse(&realm.tenant).unwrap();
    let own = qeetid_console::FirstPartyApp::Dashboard.client_id(&tenant).unwrap();
    let (mine, apart) = page.split_once(r#"id="built-in-clients""#).expect("a section of built-in clients");
    assert!(mine.contains("Acme Web") && !mine.contains(own.as_str()), "{mine}");
    assert!(apart.contains("Qeet ID dashboard") && apart.contains(own.as_str()) && apart.contains("built-in"));
    assert!(
        page.contains("(acme)") && !mine.contains(&format!("<code>{}</code>", realm.tenant)),
        "the header names the slug"
    );
    let (status, _, own_page) = app.browse(&format!("{clients}/{own}")).await;
    assert_eq!(status, StatusCode::OK, "{own_page}");
    assert!(own_page.contains("cannot be changed") && !own_page.contains("Save changes"));
    assert!(!own_page.contains("Rotate the secret") && !own_page.contains("Delete this client"));
    assert!(page.contains(ROOT));

    // A tenant admin reaches no other tenant, even by a hand-made URL.
    let other = app.tenant("Other").await;
    let (status, _, page) = app.browse(&format!("/admin/t/{other}/clients")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{page}");
    assert!(!page.contains("Other"));
    let escaped = |path: &str| path.replace('/', "&#x2F;");
    assert!(page.contains(&format!(r#"<a href="{}">Go to your own tenant</a>"#, escaped(&clients))), "{page}");

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
    assert!(page.contains(r#"<a href="&#x2F;account">Open your account page</a>"#), "the way on: {page}");

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

/// The text after `marker` in `html`, up to the next `until`.
fn after<'a>(html: &'a str, marker: &str, until: char) -> &'a str {
    let start = html.find(marker).unwrap_or_else(|| panic!("no {marker} in {html}")) + marker.len();
    html[start..].split(until).next().unwrap()
}

async fn client_credentials(app: &TestApp, id: &str, secret: &str) -> (StatusCode, serde_json::Value) {
    let form = [("grant_type", "client_credentials"), ("scope", "api:read")];
    post_form(app, "/v1/oauth/token", Some((id, secret)), &form).await
}

pub(crate) async fn admins_register_edit_rotate_and_delete_clients(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    admin_user(&app, &realm.tenant, ROOT, "tenant").await;
    assert_eq!(sign_in(&app, &realm.tenant, ROOT).await.0, StatusCode::FOUND);
    let clients = format!("/admin/t/{}/clients", realm.tenant);

    let (status, _, page) = app.browse(&format!("{clients}/new")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let csrf = hidden(&page, "csrf_token");
    let mut form = vec![
        ("csrf_token", csrf.as_str()),
        ("name", "Orders"),
        ("type", "confidential"),
        ("redirect_uris", "http://orders.example/cb"),
        ("grant_types", "authorization_code"),
        ("grant_types", "client_credentials"),
        ("scopes", "openid api:read"),
        ("require_pkce", "true"),
        ("id_token_signed_response_alg", "RS256"),
        ("access_token_seconds", "15m"),
        ("refresh_token_seconds", "30d"),
    ];
    assert!(page.contains(r#"<option value="ES256" selected>"#), "ES256 is the default: {page}");
    // A rule broken: the error is beside its field and what was typed is kept.
    let (status, _, page) = app.submit(&format!("{clients}/new"), &form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(page.contains(r#"id="redirect_uris-error""#) && page.contains("Line 1: http is allowed"), "{page}");
    // Three broken at once (one the form's own, an unreadable lifetime): all three shown.
    let mut three = form.clone();
    three[1] = ("name", " ");
    three[9] = ("access_token_seconds", "soon");
    let (status, _, shown) = app.submit(&format!("{clients}/new"), &three).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{shown}");
    for beside in [r#"id="name-error""#, r#"id="redirect_uris-error""#, "must be a duration such as 900"] {
        assert!(shown.contains(beside), "{beside} in {shown}");
    }
    // (Tera escapes `/` as `&#x2F;`.)
    assert!(page.contains("http:&#x2F;&#x2F;orders.example&#x2F;cb") && page.contains(r#"value="Orders""#), "{page}");
    // Fixed: the secret is shown once, with the product page's warning.
    form[3] = ("redirect_uris", "https://orders.example/cb");
    let (status, _, page) = app.submit(&format!("{clients}/new"), &form).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Store the secret now — it is not retrievable later."));
    let secret = after(&page, r#"data-copy="qcs_"#, '"');
    let secret = format!("qcs_{secret}");
    let id = format!("qci_{}", after(&page, "<code>qci_", '<'));
    assert_eq!(client_credentials(&app, &id, &secret).await.0, StatusCode::OK, "the new client works");
    let api = app.admin(Method::GET, &format!("/v1/tenants/{}/oidc/clients/{id}", realm.tenant), Body::None).await;
    assert_eq!(api.body["client"]["id_token_signed_response_alg"], "RS256", "chosen in the form");
    // Lifetimes typed in units are stored in seconds, and shown in units again.
    assert_eq!(
        (&api.body["client"]["access_token_ttl_seconds"], &api.body["client"]["refresh_token_ttl_seconds"]),
        (&serde_json::json!(900), &serde_json::json!(2_592_000))
    );
    let (_, _, edit) = app.browse(&format!("{clients}/{id}")).await;
    assert!(edit.contains(r#"name="access_token_seconds" value="15m""#) && edit.contains(r#"value="30d""#), "{edit}");
    assert!(
        edit.contains(r#"name="refresh_token_idle_seconds" value="" placeholder=""#),
        "the deployment's default shows: {edit}"
    );

    let (_, _, page) = app.browse(&format!("{clients}?q=ORD")).await;
    assert!(page.contains(&id), "search ignores case");
    let (_, _, page) = app.browse(&format!("{clients}?q=nothing-like-it")).await;
    assert!(!page.contains(&id) && page.contains("No client"));

    // Edit: a bad value is refused beside its field; a good one is saved.
    let path = format!("{clients}/{id}");
    let (status, _, page) = app.browse(&path).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("https:&#x2F;&#x2F;orders.example&#x2F;cb") && page.contains("checked"), "{page}");
    assert!(page.contains(r#"<option value="RS256" selected>"#), "the edit form shows the choice: {page}");
    let mut edit = form.clone();
    edit[1] = ("name", "");
    let (status, _, page) = app.submit(&path, &edit).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(page.contains(r#"id="name-error""#));
    edit[1] = ("name", "Orders API");
    let (status, location, _) = app.submit(&path, &edit).await;
    assert_eq!((status, location), (StatusCode::SEE_OTHER, Some(format!("{path}?done=saved"))));
    let (_, _, page) = app.browse(&format!("{path}?done=saved")).await;
    assert!(page.contains("Changes saved.") && page.contains(r#"value="Orders API""#));

    // Sender constraints from the form: private_key_jwt needs keys (refused beside
    // its field); PAR and DPoP are saved and reach the API.
    let mut keyed = edit.clone();
    keyed.push(("token_endpoint_auth_method", "private_key_jwt"));
    let (status, _, page) = app.submit(&path, &keyed).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(page.contains("private_key_jwt needs the client"), "{page}");
    let mut constrained = edit.clone();
    constrained.extend([("require_pushed_authorization_requests", "true"), ("dpop_bound_access_tokens", "true")]);
    assert_eq!(app.submit(&path, &constrained).await.0, StatusCode::SEE_OTHER);
    let api = app.admin(Method::GET, &format!("/v1/tenants/{}/oidc/clients/{id}", realm.tenant), Body::None).await;
    let c = &api.body["client"];
    assert_eq!(
        (c["require_pushed_authorization_requests"].as_bool(), c["dpop_bound_access_tokens"].as_bool()),
        (Some(true), Some(true))
    );
    let (_, _, page) = app.browse(&path).await;
    assert!(page.contains(r#"name="dpop_bound_access_tokens" value="true" checked"#), "{page}");
    assert_eq!(app.submit(&path, &edit).await.0, StatusCode::SEE_OTHER, "unticked again");

    // Rotate without grace: the old secret stops at once.
    let (status, _, page) =
        app.submit(&format!("{path}/rotate-secret"), &[("csrf_token", &csrf), ("grace_period_seconds", "0")]).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let new_secret = format!("qcs_{}", after(&page, r#"data-copy="qcs_"#, '"'));
    assert_ne!(new_secret, secret);
    assert_eq!(client_credentials(&app, &id, &secret).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(client_credentials(&app, &id, &new_secret).await.0, StatusCode::OK);

    // Delete: a confirmation naming the client, a CSRF-checked form, then gone.
    let (status, _, page) = app.browse(&format!("{path}/delete")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Delete “Orders API”?"), "{page}");
    let (status, _, _) = app.submit(&format!("{path}/delete"), &[("csrf_token", "forged")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, location, _) = app.submit(&format!("{path}/delete"), &[("csrf_token", &csrf)]).await;
    assert_eq!((status, location), (StatusCode::SEE_OTHER, Some(format!("{clients}?done=deleted"))));
    let (_, _, page) = app.browse(&format!("{clients}?done=deleted")).await;
    assert!(page.contains("The client was deleted.") && !page.contains(&id));
    assert_eq!(client_credentials(&app, &id, &new_secret).await.0, StatusCode::UNAUTHORIZED);

    // Another tenant's client is not reachable through this tenant's pages.
    let other = app.tenant("Other").await;
    let foreign = json!({ "tenant_id": other, "name": "Foreign", "type": "public", "redirect_uris": [REDIRECT_URI] });
    let foreign = app.admin(Method::POST, "/v1/oidc/clients", Body::Json(foreign)).await;
    let foreign_id = foreign.body["client"]["id"].as_str().unwrap().to_owned();
    let (status, _, _) = app.browse(&format!("{clients}/{foreign_id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = app.submit(&format!("{clients}/{foreign_id}/delete"), &[("csrf_token", &csrf)]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

pub(crate) async fn admins_revoke_a_grant_and_its_refresh_token_stops(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    // The user signs in to the realm's app in a browser of their own.
    let user = TestApp {
        base: app.base.clone(),
        issuer: app.issuer.clone(),
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .build()
            .unwrap(),
    };
    let url = authorize_url(&user, &realm.client_id, "openid%20offline_access", "s1", "");
    let back = user.sign_in_through_pages(&url, EMAIL, PASSWORD).await;
    let code = query_param(&back, "code").unwrap();
    let form = [
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", REDIRECT_URI),
        ("code_verifier", VERIFIER),
    ];
    let (status, tokens) =
        post_form(&app, "/v1/oauth/token", Some((&realm.client_id, &realm.client_secret)), &form).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let refresh_token = tokens["refresh_token"].as_str().unwrap().to_owned();

    admin_user(&app, &realm.tenant, ROOT, "tenant").await;
    assert_eq!(sign_in(&app, &realm.tenant, ROOT).await.0, StatusCode::FOUND);
    let grants = format!("/admin/t/{}/grants", realm.tenant);
    let (status, _, page) = app.browse(&format!("{grants}?user=nonsense")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("No consent grants match this filter."));
    // People, not ids: the user's e-mail and the client's name; the filter takes an e-mail.
    let (_, _, page) = app.browse(&format!("{grants}?user={EMAIL}")).await;
    assert!(page.contains(&format!(">{EMAIL}</a>")) && page.contains(">Acme Web</a>"), "{page}");
    let (_, _, page) = app.browse(&format!("{grants}?user=nobody@example.com")).await;
    assert!(page.contains("No consent grants match this filter."));
    // The client filter takes a name (any case, or a part only one name contains).
    let (_, _, page) = app.browse(&format!("{grants}?client=acme+web")).await;
    assert!(page.contains(">Acme Web</a>"), "{page}");
    let (_, _, page) = app.browse(&format!("{grants}?client=No+such+app")).await;
    assert!(page.contains("No consent grants match this filter."), "{page}");
    let (_, _, page) = app.browse(&format!("{grants}?client={}", realm.client_id)).await;
    let grant = format!("grt_{}", after(&page, "/grants/grt_", '/'));
    assert!(!page[page.find(&grant).unwrap() + 1..].contains("/grants/grt_"), "one grant for this client");
    let csrf = hidden(&page, "csrf_token");
    let (status, location, _) = app.submit(&format!("{grants}/{grant}/revoke"), &[("csrf_token", &csrf)]).await;
    assert_eq!((status, location), (StatusCode::SEE_OTHER, Some(format!("{grants}?done=revoked"))));
    let (_, _, page) = app.browse(&format!("{grants}?client={}", realm.client_id)).await;
    assert!(!page.contains(&grant));

    let form = [("grant_type", "refresh_token"), ("refresh_token", refresh_token.as_str())];
    let (status, body) =
        post_form(&app, "/v1/oauth/token", Some((&realm.client_id, &realm.client_secret)), &form).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")), "{body}");
}

pub(crate) async fn admins_manage_users_and_api_keys_but_tenants_only_as_deployment_admins(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    admin_user(&app, &realm.tenant, ROOT, "tenant").await;
    assert_eq!(sign_in(&app, &realm.tenant, ROOT).await.0, StatusCode::FOUND);
    let base = format!("/admin/t/{}", realm.tenant);

    let (status, _, page) = app.browse(&format!("{base}/users")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains(EMAIL) && page.contains("tenant admin"));
    assert!(!page.contains(r#"value="deployment""#), "a tenant admin is not offered the deployment role");
    assert!(!page.contains(">Tenants</a>"), "nor the tenants page");
    let csrf = hidden(&page, "csrf_token");

    let bad = [("csrf_token", csrf.as_str()), ("email", "not-an-email"), ("password", PASSWORD), ("admin_role", "")];
    let (status, _, page) = app.submit(&format!("{base}/users/new"), &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(page.contains(r#"id="email-error""#) && page.contains(r#"value="not-an-email""#));
    assert!(!page.contains(PASSWORD), "a password is never sent back");
    let escalate = [("csrf_token", csrf.as_str()), ("email", "eve@example.com"), ("admin_role", "deployment")];
    let (status, _, page) = app.submit(&format!("{base}/users/new"), &escalate).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(page.contains("only a deployment key may create a deployment admin"), "{page}");
    let good =
        [("csrf_token", csrf.as_str()), ("email", "new@example.com"), ("password", PASSWORD), ("admin_role", "")];
    let (status, location, _) = app.submit(&format!("{base}/users/new"), &good).await;
    assert_eq!((status, location), (StatusCode::SEE_OTHER, Some(format!("{base}/users?done=user-created"))));
    let (_, _, page) = app.browse(&format!("{base}/users")).await;
    // The list shows no raw id: the user's link holds it.
    let link = page[..page.find("new@example.com").unwrap()].rfind("/users/usr_").unwrap();
    let id = page[link + "/users/".len()..].split('"').next().unwrap().to_owned();
    // The user's page: no sessions yet; disabled, then enabled again.
    let (status, _, page) = app.browse(&format!("{base}/users/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Not signed in anywhere.") && page.contains("Disable user"));
    let (status, location, _) = app.submit(&format!("{base}/users/{id}/disable"), &[("csrf_token", &csrf)]).await;
    assert_eq!((status, location), (StatusCode::SEE_OTHER, Some(format!("{base}/users/{id}?done=user-disabled"))));
    let (_, _, page) = app.browse(&format!("{base}/users")).await;
    assert!(page.contains(r#"<span class="tag">disabled</span>"#), "the list marks the disabled user");
    let (status, _, page) = app.submit(&format!("{base}/users/{id}/enable"), &[("csrf_token", &csrf)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    // Admins see their own session and may end it, but may not disable themselves.
    let (_, _, page) = app.browse(&format!("{base}/users")).await;
    let link = &page[..page.find(&format!("\">{ROOT}</a>")).unwrap()];
    let me = &link[link.rfind("/users/").unwrap() + "/users/".len()..];
    let (_, _, page) = app.browse(&format!("{base}/users/{me}")).await;
    assert!(page.contains("password") && page.contains("This is you"), "{page}");
    let (status, _, _) = app.submit(&format!("{base}/users/{me}/disable"), &[("csrf_token", &csrf)]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _, page) = app.browse(&format!("{base}/users/{id}/delete")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Delete new@example.com?"), "{page}");
    let (status, _, _) = app.submit(&format!("{base}/users/{id}/delete"), &[("csrf_token", &csrf)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, page) = app.browse(&format!("{base}/users?done=user-deleted")).await;
    assert!(page.contains("The user was deleted.") && !page.contains("new@example.com"));

    // Find a user by e-mail: their page opens; an unknown address is said so.
    let (status, location, _) = app.browse(&format!("{base}/users?email={}", EMAIL.to_uppercase())).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = location.unwrap();
    let id = location.rsplit('/').next().unwrap().to_owned();
    assert!(id.starts_with("usr_") && location == format!("{base}/users/{id}"), "{location}");
    let (status, _, page) = app.browse(&format!("{base}/users?email=nobody%40example.com")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("No user of this tenant has the address nobody@example.com"), "{page}");
    // Edit name and e-mail: a bad address comes back beside its field; a good one is unconfirmed.
    let bad = [("csrf_token", csrf.as_str()), ("name", "Nova"), ("email", "nova@")];
    let (status, _, page) = app.submit(&format!("{base}/users/{id}"), &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(page.contains(r#"id="edit-email-error""#) && page.contains(r#"value="nova@""#), "{page}");
    let good = [("csrf_token", csrf.as_str()), ("name", "Nova"), ("email", "nova@example.com")];
    let (status, location, _) = app.submit(&format!("{base}/users/{id}"), &good).await;
    assert_eq!((status, location), (StatusCode::SEE_OTHER, Some(format!("{base}/users/{id}?done=user-saved"))));
    let user = app.admin(Method::GET, &format!("/v1/tenants/{}/users/{id}", realm.tenant), Body::None).await.body;
    assert_eq!((&user["user"]["email"], &user["user"]["email_verified"]), (&json!("nova@example.com"), &json!(false)));
    // A password-reset link, sent by the admin (recorded as theirs).
    let (status, location, _) = app.submit(&format!("{base}/users/{id}/send-reset"), &[("csrf_token", &csrf)]).await;
    assert_eq!((status, location), (StatusCode::SEE_OTHER, Some(format!("{base}/users/{id}?done=reset-sent"))));
    let path = format!("/v1/tenants/{}/events?type=password.reset_requested", realm.tenant);
    let events = app.admin(Method::GET, &path, Body::None).await.body;
    assert!(events["events"][0]["actor"].as_str().unwrap().starts_with("admin:usr_"), "{events}");

    // Branding: a colour too light is refused beside its field; a good one is the tenant's.
    let (status, _, page) = app.browse(&format!("{base}/branding")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let light =
        [("csrf_token", csrf.as_str()), ("primary_color", "#a0c4ff"), ("support_url", "http://x"), ("privacy_url", "")];
    let (status, _, page) = app.submit(&format!("{base}/branding"), &light).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(page.contains(r#"id="primary_color-error""#) && page.contains("choose a darker shade"), "{page}");
    assert!(page.contains(r#"id="support_url-error""#), "both refusals at once: {page}");
    let good = [
        ("csrf_token", csrf.as_str()),
        ("primary_color", "#0f766e"),
        ("support_url", "https://acme.example/help"),
        ("privacy_url", ""),
    ];
    let (status, location, _) = app.submit(&format!("{base}/branding"), &good).await;
    assert_eq!((status, location), (StatusCode::SEE_OTHER, Some(format!("{base}/branding?done=saved"))));
    let tenant = app.admin(Method::GET, &format!("/v1/tenants/{}", realm.tenant), Body::None).await.body;
    assert_eq!(tenant["tenant"]["branding"]["primary_color"], "#0f766e");

    // Sign-in providers: added (a refusal beside its field first), edited, removed; the API agrees.
    let providers = format!("{base}/providers");
    let (status, _, page) = app.browse(&providers).await;
    assert!(status == StatusCode::OK && page.contains("No providers yet"), "{page}");
    let add = |client_id: &str| -> Vec<(&'static str, String)> {
        vec![
            ("csrf_token", csrf.clone()),
            ("kind", "github".into()),
            ("name", String::new()),
            ("issuer", String::new()),
            ("client_id", client_id.into()),
            ("client_secret", "gh-secret".into()),
        ]
    };
    let refused = add("");
    let form: Vec<(&str, &str)> = refused.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, _, page) = app.submit(&providers, &form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(page.contains(r#"id="client_id-error""#) && page.contains(r#"<option value="github" selected>"#), "{page}");
    let good = add("gh-1");
    let form: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, location, _) = app.submit(&providers, &form).await;
    assert_eq!((status, location), (StatusCode::SEE_OTHER, Some(format!("{providers}?done=saved"))));
    let idps = format!("/v1/tenants/{}/identity-providers", realm.tenant);
    let listed = app.admin(Method::GET, &idps, Body::None).await.body;
    let idp = listed["identity_providers"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(listed["identity_providers"][0]["name"], "GitHub");
    let edit = format!("{providers}/{idp}");
    let rename = [
        ("csrf_token", csrf.as_str()),
        ("name", "GitHub (staff)"),
        ("client_id", "gh-1"),
        ("client_secret", ""),
        ("link_verified_email", "true"),
    ];
    let (status, _, _) = app.submit(&edit, &rename).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let one = app.admin(Method::GET, &format!("{idps}/{idp}"), Body::None).await.body;
    assert_eq!(
        (&one["identity_provider"]["name"], &one["identity_provider"]["link_verified_email"]),
        (&json!("GitHub (staff)"), &json!(true))
    );
    let blank = [("csrf_token", csrf.as_str()), ("name", "GitHub (staff)"), ("client_id", " "), ("client_secret", "")];
    let (status, _, page) = app.submit(&edit, &blank).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(page.contains(&format!(r#"id="client-{idp}-error""#)) && page.contains("<details open>"), "{page}");
    let (status, _, _) = app.submit(&format!("{edit}/delete"), &[("csrf_token", csrf.as_str())]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let listed = app.admin(Method::GET, &idps, Body::None).await.body;
    assert_eq!(listed["identity_providers"], json!([]));

    // The sign-in rules: sign-up and verified addresses on, two-step off; the API agrees.
    let rules = [("csrf_token", csrf.as_str()), ("self_sign_up", "true"), ("require_verified_email", "true")];
    let (status, location, _) = app.submit(&format!("{base}/require-mfa"), &rules).await;
    assert_eq!((status, location), (StatusCode::SEE_OTHER, Some(format!("{base}/users?done=saved"))));
    let tenant = app.admin(Method::GET, &format!("/v1/tenants/{}", realm.tenant), Body::None).await.body;
    assert_eq!(
        (
            &tenant["tenant"]["self_sign_up"],
            &tenant["tenant"]["require_verified_email"],
            &tenant["tenant"]["require_mfa"]
        ),
        (&json!(true), &json!(true), &json!(false))
    );
    let (_, _, page) = app.browse(&format!("{base}/users")).await;
    assert!(page.contains(r#"name="self_sign_up" value="true" checked"#), "{page}");

    // An API key is shown once, works, and stops working once revoked.
    let (status, _, page) = app.submit(&format!("{base}/keys/new"), &[("csrf_token", &csrf), ("name", "CI")]).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let key = format!("qak_{}", after(&page, r#"data-copy="qak_"#, '"'));
    let clients = format!("/v1/tenants/{}/oidc/clients", realm.tenant);
    assert_eq!(app.call(Method::GET, &clients, Some(&key), Body::None).await.status, StatusCode::OK);
    let (_, _, page) = app.browse(&format!("{base}/keys")).await;
    let key_id = format!("key_{}", after(&page, "/keys/key_", '/'));
    let (status, location, _) = app.submit(&format!("{base}/keys/{key_id}/delete"), &[("csrf_token", &csrf)]).await;
    assert_eq!((status, location), (StatusCode::SEE_OTHER, Some(format!("{base}/keys?done=key-revoked"))));
    assert_eq!(app.call(Method::GET, &clients, Some(&key), Body::None).await.status, StatusCode::UNAUTHORIZED);

    // Tenants are a deployment admin's: a tenant admin is refused, page and form alike.
    let (status, _, page) = app.browse(&format!("{base}/tenants")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let own = format!("{base}/clients").replace('/', "&#x2F;");
    assert!(page.contains(&format!(r#"<a href="{own}">Back to your tenant&#x27;s clients</a>"#)), "{page}");
    let (status, _, _) = app.submit(&format!("{base}/tenants/new"), &[("csrf_token", &csrf), ("name", "X")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

pub(crate) async fn deployment_admins_create_and_rename_tenants(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let home = app.tenant("Operators").await;
    admin_user(&app, &home, ROOT, "deployment").await;
    assert_eq!(sign_in(&app, &home, ROOT).await.0, StatusCode::FOUND);
    let base = format!("/admin/t/{home}");
    let (status, _, page) = app.browse(&format!("{base}/tenants")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Operators"));
    let csrf = hidden(&page, "csrf_token");
    let (status, _, page) = app.submit(&format!("{base}/tenants/new"), &[("csrf_token", &csrf), ("name", " ")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(page.contains(r#"id="name-error""#));
    let (status, _, _) =
        app.submit(&format!("{base}/tenants/new"), &[("csrf_token", &csrf), ("name", "Initech")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, page) = app.browse(&format!("{base}/tenants?done=tenant-created")).await;
    assert!(page.contains("The tenant was created.") && page.contains("Initech"));
    let id = format!("tnt_{}", after(&page[page.find("Initech").unwrap() - 60..], "/admin/t/tnt_", '/'));
    assert!(page.contains("<code>initech</code>"), "the slug made from the name is shown");
    let rename = format!("{base}/tenants/{id}/rename");
    let form = [("csrf_token", csrf.as_str()), ("name", "Initrode"), ("slug", "initrode")];
    let (status, _, _) = app.submit(&rename, &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let reply = app.admin(Method::GET, &format!("/v1/tenants/{id}"), Body::None).await;
    assert_eq!(
        (&reply.body["tenant"]["name"], &reply.body["tenant"]["slug"]),
        (&json!("Initrode"), &json!("initrode"))
    );

    // A slug given at creation; one already taken is said on the page.
    let new = [("csrf_token", csrf.as_str()), ("name", "Globex"), ("slug", "initrode")];
    let (status, _, page) = app.submit(&format!("{base}/tenants/new"), &new).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(page.contains("the slug `initrode` is taken"), "{page}");
    let new = [("csrf_token", csrf.as_str()), ("name", "Globex"), ("slug", "globex-corp")];
    assert_eq!(app.submit(&format!("{base}/tenants/new"), &new).await.0, StatusCode::SEE_OTHER);
    let (_, _, page) = app.browse(&format!("{base}/tenants")).await;
    assert!(page.contains("<code>globex-corp</code>"), "{page}");
}

pub(crate) async fn admins_hand_out_and_revoke_registration_tokens(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    admin_user(&app, &realm.tenant, ROOT, "tenant").await;
    sign_in(&app, &realm.tenant, ROOT).await;
    let base = format!("/admin/t/{}", realm.tenant);

    let (status, _, page) = app.browse(&format!("{base}/registration")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("No registration tokens") && page.contains("Dynamic registration"));
    assert!(!page.contains("Open registration"), "only the deployment sees open registration");
    let csrf = hidden(&page, "csrf_token");
    let (status, _, _) =
        app.submit(&format!("{base}/registration/open"), &[("csrf_token", &csrf), ("open", "true")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "nor moves it");

    let bad = [("csrf_token", csrf.as_str()), ("label", "CI"), ("expires_in_days", "soon"), ("max_uses", "")];
    let (status, _, page) = app.submit(&format!("{base}/registration/new"), &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("a whole number") && page.contains("value=\"CI\""), "the form comes back as typed");

    let form = [("csrf_token", csrf.as_str()), ("label", "CI"), ("expires_in_days", "1"), ("max_uses", "2")];
    let (status, _, page) = app.submit(&format!("{base}/registration/new"), &form).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let token = format!("qit_{}", after(&page, r#"data-copy="qit_"#, '"'));
    let metadata = json!({ "client_name": "From the dashboard", "redirect_uris": [REDIRECT_URI] });
    let reply = app
        .http
        .post(format!("{}/v1/oauth/register", app.base))
        .bearer_auth(&token)
        .json(&metadata)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::CREATED);

    let (_, _, page) = app.browse(&format!("{base}/registration")).await;
    assert!(
        page.contains(r#"<td data-label="Label">CI</td>"#) && page.contains(r#"<td data-label="Uses left">1</td>"#),
        "one use left: {page}"
    );
    let (_, _, clients) = app.browse(&format!("{base}/clients")).await;
    assert!(clients.contains("From the dashboard") && clients.contains("self-registered"));
    let id = format!("iat_{}", after(&page, "/registration/iat_", '/'));
    let (status, location, _) = app.submit(&format!("{base}/registration/{id}/delete"), &[("csrf_token", &csrf)]).await;
    assert_eq!((status, location), (StatusCode::SEE_OTHER, Some(format!("{base}/registration?done=token-revoked"))));
    let reply = app
        .http
        .post(format!("{}/v1/oauth/register", app.base))
        .bearer_auth(&token)
        .json(&metadata)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::UNAUTHORIZED, "revoked");
}

pub(crate) async fn deployment_admins_open_a_tenant_to_registration(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    admin_user(&app, &realm.tenant, ROOT, "deployment").await;
    sign_in(&app, &realm.tenant, ROOT).await;
    let base = format!("/admin/t/{}", realm.tenant);
    let register = || async {
        let metadata = json!({ "redirect_uris": [REDIRECT_URI], "token_endpoint_auth_method": "none" });
        let reply = app.http.post(format!("{}/v1/oauth/register", app.base)).json(&metadata).send().await.unwrap();
        reply.status()
    };
    assert_eq!(register().await, StatusCode::UNAUTHORIZED, "off by default");

    let (_, _, page) = app.browse(&format!("{base}/registration")).await;
    assert!(page.contains("Off for the whole deployment"), "{page}");
    let csrf = hidden(&page, "csrf_token");
    let (status, location, _) =
        app.submit(&format!("{base}/registration/open"), &[("csrf_token", &csrf), ("open", "true")]).await;
    assert_eq!(
        (status, location),
        (StatusCode::SEE_OTHER, Some(format!("{base}/registration?done=open-registration-on")))
    );
    assert_eq!(register().await, StatusCode::CREATED, "tools register without a token now");
    let (_, _, page) = app.browse(&format!("{base}/registration?done=open-registration-on")).await;
    assert!(page.contains("On for this tenant") && page.contains("Turn open registration off"), "{page}");

    // From another tenant's page it shows where it is, and can move it there.
    let other = app.tenant("Beta").await;
    let (_, _, page) = app.browse(&format!("/admin/t/{other}/registration")).await;
    assert!(page.contains(&format!("tenant <code>{}</code> accepts it", realm.tenant)), "{page}");

    let (status, _, _) =
        app.submit(&format!("{base}/registration/open"), &[("csrf_token", &csrf), ("open", "false")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(register().await, StatusCode::UNAUTHORIZED, "off again");
}
