//! Social sign-in where the upstream provider is a second Qeet ID server, started
//! here: a real OpenID provider, not a mock. It answers at `127.0.0.1` while ours
//! answers at `localhost`, so one browser keeps the two servers' cookies apart.

use base64::Engine as _;
use qeetid_store::testing::TestDatabase;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{
    self, Body, EMAIL, PASSWORD, REDIRECT_URI, Realm, TestApp, VERIFIER, hidden, post_form, query_param, spawn_app,
    spawn_app_with,
};

const UPSTREAM_EMAIL: &str = "lin@upstream.example";

/// A second server whose issuer is `http://127.0.0.1:<port>`, on its own database.
async fn upstream_server(db: &TestDatabase) -> (TestApp, TestDatabase) {
    let own = if db.url.starts_with("postgres") { TestDatabase::postgres().await } else { TestDatabase::sqlite() };
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut settings = support::settings(&own);
    settings.listen = format!("127.0.0.1:{port}").parse().unwrap();
    settings.issuer = format!("http://127.0.0.1:{port}");
    (spawn_app_with(settings).await, own)
}

/// POSTs a form to an absolute URL with `browser`'s cookie jar.
async fn submit_to(browser: &TestApp, url: &str, form: &[(&str, &str)]) -> (StatusCode, Option<String>) {
    let response = browser.http.post(url).form(form).send().await.unwrap();
    let location = response.headers().get("location").map(|l| l.to_str().unwrap().to_owned());
    (response.status(), location)
}

/// The upstream's hosted login and consent, as its user; answers our callback URL.
async fn sign_in_upstream(browser: &TestApp, upstream: &TestApp, authorize: &str) -> String {
    sign_in_upstream_as(browser, upstream, authorize, UPSTREAM_EMAIL).await
}

/// [`sign_in_upstream`] as the upstream user `email`.
async fn sign_in_upstream_as(browser: &TestApp, upstream: &TestApp, authorize: &str, email: &str) -> String {
    let (status, login, page) = browser.browse(authorize).await;
    assert_eq!(status, StatusCode::FOUND, "{page}");
    let login = format!("{}{}", upstream.issuer, login.unwrap());
    let (_, _, page) = browser.browse(&login).await;
    let (request, csrf) = (hidden(&page, "request"), hidden(&page, "csrf_token"));
    let form = [("request", request.as_str()), ("csrf_token", csrf.as_str()), ("email", email), ("password", PASSWORD)];
    let (status, next) = submit_to(browser, &format!("{}/login", upstream.issuer), &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let next = next.unwrap();
    if next.starts_with("http") {
        return next; // consent remembered upstream: straight back to us
    }
    let consent = format!("{}{next}", upstream.issuer);
    let (_, _, page) = browser.browse(&consent).await;
    let (request, csrf) = (hidden(&page, "request"), hidden(&page, "csrf_token"));
    let form =
        [("request", request.as_str()), ("csrf_token", csrf.as_str()), ("decision", "allow"), ("remember", "true")];
    let (status, back) = submit_to(browser, &format!("{}/v1/oauth/authorize/decision", upstream.issuer), &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    back.unwrap()
}

/// Our login page for the realm's client, and the "Continue with Upstream" link on it.
async fn continue_with(app: &TestApp, realm: &Realm) -> String {
    let authorize = support::authorize_url(app, &realm.client_id, "openid%20email", "s", "");
    let (_, login, _) = app.browse(&authorize).await;
    let (_, _, page) = app.browse(&login.unwrap()).await;
    assert!(page.contains("Continue with Upstream"), "{page}");
    let start = page.find("/login/federated/idp_").unwrap();
    page[start..start + page[start..].find('"').unwrap()].replace("&#x2F;", "/").replace("&amp;", "&")
}

fn claims(id_token: &str) -> Value {
    let payload = id_token.split('.').nth(1).unwrap();
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

pub(crate) async fn users_sign_in_through_an_upstream_openid_provider(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    let (upstream, _upstream_db) = upstream_server(db).await;
    // Upstream: a tenant, its user, and a client whose redirect URI is our callback.
    let up_tenant = upstream.tenant("Upstream").await;
    let user = json!({ "email": UPSTREAM_EMAIL, "password": PASSWORD, "name": "Lin", "email_verified": true });
    let reply = upstream.admin(Method::POST, &format!("/v1/tenants/{up_tenant}/users"), Body::Json(user)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let client = json!({
        "tenant_id": up_tenant, "name": "Acme via Upstream", "type": "confidential",
        "redirect_uris": [format!("{}/login/federated/callback", app.issuer)],
        "grant_types": ["authorization_code"], "scopes": ["openid", "email", "profile"]
    });
    let reply = upstream.admin(Method::POST, "/v1/oidc/clients", Body::Json(client)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let (up_client, up_secret) = (reply.body["client"]["id"].clone(), reply.body["client_secret"].clone());

    // Ours: the provider, by issuer; its secret is never shown again.
    let provider = json!({
        "kind": "oidc", "name": "Upstream", "issuer": upstream.issuer,
        "client_id": up_client, "client_secret": up_secret
    });
    let path = format!("/v1/tenants/{}/identity-providers", realm.tenant);
    let reply = app.admin(Method::POST, &path, Body::Json(provider)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    assert!(reply.body["identity_provider"].get("client_secret").is_none());
    assert_eq!(reply.body["identity_provider"]["redirect_uri"], format!("{}/login/federated/callback", app.issuer));
    // Its label and client id change by PATCH (the issuer never does); a refusal names the field.
    let one = format!("{path}/{}", reply.body["identity_provider"]["id"].as_str().unwrap());
    let reply = app.admin(Method::PATCH, &one, Body::Json(json!({ "name": "Upstream SSO" }))).await;
    assert_eq!((reply.status, &reply.body["identity_provider"]["name"]), (StatusCode::OK, &json!("Upstream SSO")));
    let reply = app.admin(Method::PATCH, &one, Body::Json(json!({ "client_id": " " }))).await;
    assert_eq!((reply.status, &reply.body["field"]), (StatusCode::UNPROCESSABLE_ENTITY, &json!("client_id")));
    let reply = app.admin(Method::PATCH, &one, Body::Json(json!({ "issuer": "https://elsewhere.example" }))).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "the issuer is not a field to change: {}", reply.body);
    let bad = json!({ "kind": "oidc", "issuer": "http://upstream.example", "client_id": "x", "client_secret": "y" });
    let reply = app.admin(Method::POST, &path, Body::Json(bad)).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "plain http off loopback: {}", reply.body);

    // A provider's error comes back as its code only; free text is not shown.
    let (status, _, page) = app.browse("/login/federated/callback?error=access_denied").await;
    assert_eq!(status, StatusCode::BAD_GATEWAY);
    assert!(page.contains("answered access_denied"), "{page}");
    let (_, _, page) = app.browse("/login/federated/callback?error=Call%20this%20number").await;
    assert!(page.contains("answered error") && !page.contains("Call this number"), "{page}");

    // The user picks "Continue with Upstream", signs in there, and comes back.
    let start = continue_with(&app, &realm).await;
    let (status, authorize, _) = app.browse(&start).await;
    assert_eq!(status, StatusCode::FOUND);
    let authorize = authorize.unwrap();
    assert!(authorize.starts_with(&format!("{}/v1/oauth/authorize?", upstream.issuer)), "{authorize}");
    for param in ["state", "nonce", "code_challenge"] {
        assert!(query_param(&authorize, param).is_some(), "{param}");
    }
    let callback = sign_in_upstream(&app, &upstream, &authorize).await;
    assert!(callback.starts_with(&format!("{}/login/federated/callback?code=", app.issuer)), "{callback}");
    let (status, consent, page) = app.browse(&callback).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let (status, _, _) = app.browse(&callback).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a callback works once");
    // Discovery, the token endpoint and the JWK Set were called, and counted.
    let metrics = app.http.get(format!("{}/metrics", app.base)).send().await.unwrap().text().await.unwrap();
    let ok = metrics
        .lines()
        .find_map(|l| l.strip_prefix(r#"qeetid_outbound_requests_total{outcome="ok"} "#))
        .and_then(|n| n.parse::<u64>().ok());
    assert!(ok.is_some_and(|n| n >= 3), "{metrics}");
    let (_, _, page) = app.browse(&consent.unwrap()).await;
    let (request, csrf) = (hidden(&page, "request"), hidden(&page, "csrf_token"));
    let form =
        [("request", request.as_str()), ("csrf_token", csrf.as_str()), ("decision", "allow"), ("remember", "true")];
    let (status, landing, _) = app.submit("/v1/oauth/authorize/decision", &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let landing = landing.unwrap();
    assert!(landing.starts_with(REDIRECT_URI), "{landing}");
    let code = query_param(&landing, "code").unwrap();
    let form = [
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", REDIRECT_URI),
        ("code_verifier", VERIFIER),
    ];
    let (status, tokens) =
        post_form(&app, "/v1/oauth/token", Some((&realm.client_id, &realm.client_secret)), &form).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let id = claims(tokens["id_token"].as_str().unwrap());
    assert_eq!((&id["amr"], &id["email"]), (&json!(["fed"]), &json!(UPSTREAM_EMAIL)));

    // The user was created here, once: a second sign-in finds the link.
    let users = app.admin(Method::GET, &format!("/v1/tenants/{}/users", realm.tenant), Body::None).await;
    let created: Vec<&Value> =
        users.body["users"].as_array().unwrap().iter().filter(|u| u["email"] == UPSTREAM_EMAIL).collect();
    assert_eq!(created.len(), 1);
    let fresh = app.other_browser();
    let start = continue_with(&fresh, &realm).await;
    let (_, authorize, _) = fresh.browse(&start).await;
    let callback = sign_in_upstream(&fresh, &upstream, &authorize.unwrap()).await;
    let (status, _, page) = fresh.browse(&callback).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let users = app.admin(Method::GET, &format!("/v1/tenants/{}/users", realm.tenant), Body::None).await;
    assert_eq!(users.body["users"].as_array().unwrap().iter().filter(|u| u["email"] == UPSTREAM_EMAIL).count(), 1);

    // Unlinked by an admin, the same e-mail is now someone's here: never taken over.
    let user_id = created[0]["id"].as_str().unwrap();
    let provider_id = {
        let list = app.admin(Method::GET, &path, Body::None).await;
        list.body["identity_providers"][0]["id"].as_str().unwrap().to_owned()
    };
    let unlink = format!("/v1/tenants/{}/users/{user_id}/identities/{provider_id}", realm.tenant);
    assert_eq!(app.admin(Method::DELETE, &unlink, Body::None).await.status, StatusCode::NO_CONTENT);
    let third = app.other_browser();
    let start = continue_with(&third, &realm).await;
    let (_, authorize, _) = third.browse(&start).await;
    let callback = sign_in_upstream(&third, &upstream, &authorize.unwrap()).await;
    let (status, _, page) = third.browse(&callback).await;
    assert_eq!(status, StatusCode::CONFLICT, "{page}");
    assert!(page.contains("already exists"), "{page}");

    // A provider that may link: an unverified upstream e-mail still never links to an
    // existing user here; once the provider verifies it, it does.
    let ada = json!({ "email": EMAIL, "password": PASSWORD, "email_verified": false });
    let reply = upstream.admin(Method::POST, &format!("/v1/tenants/{up_tenant}/users"), Body::Json(ada)).await;
    let ada_upstream = reply.body["user"]["id"].as_str().unwrap().to_owned();
    let linking = json!({
        "kind": "oidc", "name": "Linking", "issuer": upstream.issuer, "link_verified_email": true,
        "client_id": up_client, "client_secret": up_secret
    });
    let reply = app.admin(Method::POST, &path, Body::Json(linking)).await;
    let linking_id = reply.body["identity_provider"]["id"].as_str().unwrap().to_owned();
    let attempt = |email: &'static str| {
        let (app, upstream, realm, linking_id) = (&app, &upstream, &realm, linking_id.clone());
        async move {
            let browser = app.other_browser();
            let authorize = support::authorize_url(&browser, &realm.client_id, "openid%20email", "s", "");
            let (_, login, _) = browser.browse(&authorize).await;
            let request = query_param(&format!("http://x{}", login.unwrap()), "request").unwrap();
            let (_, to_provider, _) = browser.browse(&format!("/login/federated/{linking_id}?request={request}")).await;
            let callback = sign_in_upstream_as(&browser, upstream, &to_provider.unwrap(), email).await;
            browser.browse(&callback).await.0
        }
    };
    assert_eq!(attempt(EMAIL).await, StatusCode::CONFLICT, "unverified upstream: no link");
    let verify = json!({ "email_verified": true });
    let path_up = format!("/v1/tenants/{up_tenant}/users/{ada_upstream}");
    assert_eq!(upstream.admin(Method::PATCH, &path_up, Body::Json(verify)).await.status, StatusCode::OK);
    assert_eq!(attempt(EMAIL).await, StatusCode::SEE_OTHER, "verified upstream, linking allowed: linked");
}
