//! Refresh, userinfo, introspection, revocation, client credentials, the device
//! grant and logout, through the public HTTP interface.

use openidconnect::core::{CoreClient, CoreProviderMetadata, CoreUserInfoClaims};
use openidconnect::{
    ClientId, ClientSecret, IntrospectionUrl, IssuerUrl, OAuth2TokenResponse, RedirectUrl, RefreshToken,
    TokenIntrospectionResponse,
};
use qeetid_store::testing::TestDatabase;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{
    self, Body, EMAIL, PASSWORD, REDIRECT_URI, Realm, TestApp, VERIFIER, post_form, query_param, spawn_app,
};

pub(crate) fn authorize_url(app: &TestApp, client_id: &str) -> String {
    support::authorize_url(app, client_id, "openid%20email%20profile%20offline_access", "s", "")
}

/// Signs in through the pages and exchanges the code; returns the token response.
pub(crate) async fn tokens(app: &TestApp, realm: &Realm) -> Value {
    let landing = app.sign_in_through_pages(&authorize_url(app, &realm.client_id), EMAIL, PASSWORD).await;
    let code = query_param(&landing, "code").unwrap();
    let (status, body) = token(
        app,
        realm,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT_URI),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

pub(crate) async fn token(app: &TestApp, realm: &Realm, form: &[(&str, &str)]) -> (StatusCode, Value) {
    post_form(app, "/v1/oauth/token", Some((&realm.client_id, &realm.client_secret)), form).await
}

pub(crate) async fn refresh(app: &TestApp, realm: &Realm, rt: &str) -> (StatusCode, Value) {
    token(app, realm, &[("grant_type", "refresh_token"), ("refresh_token", rt)]).await
}

async fn userinfo(app: &TestApp, access_token: &str) -> (StatusCode, Option<String>, Value) {
    let response =
        app.http.get(format!("{}/v1/oauth/userinfo", app.base)).bearer_auth(access_token).send().await.unwrap();
    let status = response.status();
    let challenge = response.headers().get("www-authenticate").map(|v| v.to_str().unwrap().to_owned());
    (status, challenge, response.json().await.unwrap_or(Value::Null))
}

pub(crate) fn s(v: &Value) -> String {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}")).to_owned()
}

pub(crate) async fn the_relying_party_library_refreshes_reads_userinfo_introspects_and_revokes(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    let first = tokens(&app, &realm).await;
    let http = openidconnect::reqwest::ClientBuilder::new()
        .redirect(openidconnect::reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let metadata =
        CoreProviderMetadata::discover_async(IssuerUrl::new(app.issuer.clone()).unwrap(), &http).await.unwrap();
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(realm.client_id.clone()),
        Some(ClientSecret::new(realm.client_secret.clone())),
    )
    .set_redirect_uri(RedirectUrl::new(REDIRECT_URI.into()).unwrap())
    .set_introspection_url(IntrospectionUrl::new(format!("{}/v1/oauth/introspect", app.issuer)).unwrap());

    let refreshed = client
        .exchange_refresh_token(&RefreshToken::new(s(&first["refresh_token"])))
        .unwrap()
        .request_async(&http)
        .await
        .expect("refresh");
    let new_refresh = refreshed.refresh_token().expect("rotated").clone();
    assert_ne!(new_refresh.secret(), &s(&first["refresh_token"]));

    let info: CoreUserInfoClaims =
        client.user_info(refreshed.access_token().clone(), None).unwrap().request_async(&http).await.expect("userinfo");
    assert_eq!(info.email().map(|e| e.as_str()), Some(EMAIL));
    assert_eq!(info.name().and_then(|n| n.get(None)).map(|n| n.as_str()), Some("Ada Lovelace"));

    let introspection = client.introspect(refreshed.access_token()).request_async(&http).await.expect("introspect");
    assert!(introspection.active());
    assert_eq!(introspection.client_id().map(|c| c.as_str()), Some(realm.client_id.as_str()));
    assert!(introspection.scopes().is_some());

    // The library refuses a revocation URL without TLS (RFC 7009 §2 says MUST), which a
    // loopback test server cannot offer: revoke with the same form request it would send.
    let auth = Some((realm.client_id.as_str(), realm.client_secret.as_str()));
    let form = [("token", refreshed.access_token().secret().as_str()), ("token_type_hint", "access_token")];
    assert_eq!(post_form(&app, "/v1/oauth/revoke", auth, &form).await.0, StatusCode::OK);
    let after = client.introspect(refreshed.access_token()).request_async(&http).await.unwrap();
    assert!(!after.active(), "a revoked access token is inactive");
    let (status, _, _) = userinfo(&app, refreshed.access_token().secret()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "and refused by userinfo");

    let form = [("token", new_refresh.secret().as_str()), ("token_type_hint", "refresh_token")];
    assert_eq!(post_form(&app, "/v1/oauth/revoke", auth, &form).await.0, StatusCode::OK);
    let (_, body) = refresh(&app, &realm, new_refresh.secret()).await;
    assert_eq!(body["error"], "invalid_grant");
}

pub(crate) async fn refresh_rotation_detects_reuse_and_follows_the_grant(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    let first = tokens(&app, &realm).await;
    let r1 = s(&first["refresh_token"]);
    let (status, second) = refresh(&app, &realm, &r1).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    assert!(second["id_token"].is_string() && second["access_token"].is_string());
    let r2 = s(&second["refresh_token"]);

    let (_, narrowed) =
        token(&app, &realm, &[("grant_type", "refresh_token"), ("refresh_token", &r2), ("scope", "openid")]).await;
    assert_eq!(narrowed["scope"], "openid", "{narrowed}");
    let r3 = s(&narrowed["refresh_token"]);
    let (_, wider) =
        token(&app, &realm, &[("grant_type", "refresh_token"), ("refresh_token", &r3), ("scope", "openid api:write")])
            .await;
    assert_eq!(wider["error"], "invalid_scope");

    // r1 was rotated: its reuse revokes the family, r3 with it.
    let (status, reuse) = refresh(&app, &realm, &r1).await;
    assert_eq!((status, reuse["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")));
    let (_, dead) = refresh(&app, &realm, &r3).await;
    assert_eq!(dead["error"], "invalid_grant", "the family died with the reuse");

    // Revoking the grant kills refresh tokens issued under it.
    let fresh = tokens(&app, &realm).await;
    let grants = app.admin(Method::GET, &format!("/v1/tenants/{}/oauth/grants", realm.tenant), Body::None).await;
    let grant = s(&grants.body["grants"][0]["id"]);
    app.admin(Method::DELETE, &format!("/v1/tenants/{}/oauth/grants/{grant}", realm.tenant), Body::None).await;
    let (_, body) = refresh(&app, &realm, &s(&fresh["refresh_token"])).await;
    assert_eq!(body["error"], "invalid_grant");

    // Deleting the user kills them too.
    let fresh = tokens(&app, &realm).await;
    let users = app.admin(Method::GET, &format!("/v1/tenants/{}/users", realm.tenant), Body::None).await;
    let user = s(&users.body["users"][0]["id"]);
    app.admin(Method::DELETE, &format!("/v1/tenants/{}/users/{user}", realm.tenant), Body::None).await;
    let (_, body) = refresh(&app, &realm, &s(&fresh["refresh_token"])).await;
    assert_eq!(body["error"], "invalid_grant");
}

pub(crate) async fn a_deleted_client_can_no_longer_refresh(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    let t = tokens(&app, &realm).await;
    app.admin(Method::DELETE, &format!("/v1/oidc/clients/{}", realm.client_id), Body::None).await;
    let (status, body) = refresh(&app, &realm, &s(&t["refresh_token"])).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_client")));
}

pub(crate) async fn userinfo_follows_rfc_6750(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    let t = tokens(&app, &realm).await;
    let access = s(&t["access_token"]);
    let (status, _, claims) = userinfo(&app, &access).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(claims["email"], EMAIL);
    assert_eq!(claims["email_verified"], true);
    assert!(s(&claims["sub"]).starts_with("usr_"));

    let posted = app
        .http
        .post(format!("{}/v1/oauth/userinfo", app.base))
        .form(&[("access_token", access.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), StatusCode::OK, "the token may come in a POST body");

    let missing = app.http.get(format!("{}/v1/oauth/userinfo", app.base)).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(missing.headers()["www-authenticate"], r#"Bearer realm="qeetid""#);
    let (status, challenge, body) = userinfo(&app, "not-a-token").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(challenge.unwrap().contains(r#"error="invalid_token""#));
    assert_eq!(body["error"], "invalid_token");
    let mut tampered = access.clone();
    tampered.pop();
    assert_eq!(userinfo(&app, &tampered).await.0, StatusCode::UNAUTHORIZED);

    // A service token has no openid scope (and no user behind it): 403 insufficient_scope.
    let (_, m2m) = token(&app, &realm, &[("grant_type", "client_credentials"), ("scope", "api:read")]).await;
    let (status, challenge, _) = userinfo(&app, &s(&m2m["access_token"])).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(challenge.unwrap().contains(r#"error="insufficient_scope""#));
}

pub(crate) async fn introspection_is_tenant_scoped_and_honest(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    let t = tokens(&app, &realm).await;
    let introspect = |realm: &Realm, token: String| {
        let (id, secret) = (realm.client_id.clone(), realm.client_secret.clone());
        let app = &app;
        async move { post_form(app, "/v1/oauth/introspect", Some((&id, &secret)), &[("token", &token)]).await }
    };
    let (status, access) = introspect(&realm, s(&t["access_token"])).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(access["active"], true);
    assert_eq!(access["client_id"], realm.client_id.as_str());
    assert_eq!(access["tid"], realm.tenant.as_str());
    assert_eq!(access["token_type"], "Bearer");
    assert!(s(&access["scope"]).contains("openid"));
    assert!(access["exp"].is_i64() && access["iat"].is_i64() && access["sub"].is_string());

    let (_, refresh_desc) = introspect(&realm, s(&t["refresh_token"])).await;
    assert_eq!(
        (refresh_desc["active"].as_bool(), refresh_desc["token_type"].as_str()),
        (Some(true), Some("refresh_token"))
    );

    // Another tenant's client sees nothing, for both kinds.
    let other_tenant = app.tenant("Elsewhere").await;
    let foreign = json!({ "tenant_id": other_tenant, "name": "RS", "type": "confidential", "grant_types": ["client_credentials"] });
    let reply = app.admin(Method::POST, "/v1/oidc/clients", Body::Json(foreign)).await;
    let foreign = Realm {
        tenant: other_tenant,
        client_id: s(&reply.body["client"]["id"]),
        client_secret: s(&reply.body["client_secret"]),
    };
    assert_eq!(introspect(&foreign, s(&t["access_token"])).await.1, json!({ "active": false }));
    assert_eq!(introspect(&foreign, s(&t["refresh_token"])).await.1, json!({ "active": false }));
    // A confidential client of the same tenant (a resource server) may introspect.
    let rs = json!({ "tenant_id": realm.tenant, "name": "Orders API", "type": "confidential", "grant_types": ["client_credentials"] });
    let reply = app.admin(Method::POST, "/v1/oidc/clients", Body::Json(rs)).await;
    let rs = Realm {
        tenant: realm.tenant.clone(),
        client_id: s(&reply.body["client"]["id"]),
        client_secret: s(&reply.body["client_secret"]),
    };
    assert_eq!(introspect(&rs, s(&t["access_token"])).await.1["active"], true);
    assert_eq!(introspect(&realm, "garbage".into()).await.1, json!({ "active": false }));

    // A public client cannot introspect.
    let spa = json!({ "tenant_id": realm.tenant, "name": "SPA", "type": "public", "redirect_uris": [REDIRECT_URI] });
    let spa = app.admin(Method::POST, "/v1/oidc/clients", Body::Json(spa)).await;
    let (status, body) = post_form(
        &app,
        "/v1/oauth/introspect",
        None,
        &[("client_id", &s(&spa.body["client"]["id"])), ("token", &s(&t["access_token"]))],
    )
    .await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_client")));
}

pub(crate) async fn revocation_follows_rfc_7009(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    let other = app.realm().await;
    let t = tokens(&app, &realm).await;
    let auth = Some((realm.client_id.as_str(), realm.client_secret.as_str()));
    assert_eq!(post_form(&app, "/v1/oauth/revoke", auth, &[("token", "qrt_unknown")]).await.0, StatusCode::OK);
    assert_eq!(post_form(&app, "/v1/oauth/revoke", auth, &[("token", "garbage")]).await.0, StatusCode::OK);
    let (status, body) = post_form(
        &app,
        "/v1/oauth/revoke",
        Some((&other.client_id, &other.client_secret)),
        &[("token", &s(&t["refresh_token"]))],
    )
    .await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("unauthorized_client")), "not yours");
    assert_eq!(
        post_form(
            &app,
            "/v1/oauth/revoke",
            auth,
            &[("token", &s(&t["refresh_token"])), ("token_type_hint", "refresh_token")]
        )
        .await
        .0,
        StatusCode::OK
    );
    assert_eq!(refresh(&app, &realm, &s(&t["refresh_token"])).await.1["error"], "invalid_grant");
}

pub(crate) async fn client_credentials_issue_service_tokens(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    let (status, body) = token(
        &app,
        &realm,
        &[("grant_type", "client_credentials"), ("scope", "api:read"), ("resource", "https://api.acme.com")],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.get("refresh_token").is_none() && body.get("id_token").is_none());
    assert_eq!(body["scope"], "api:read");
    let auth = Some((realm.client_id.as_str(), realm.client_secret.as_str()));
    let (_, desc) = post_form(&app, "/v1/oauth/introspect", auth, &[("token", &s(&body["access_token"]))]).await;
    assert_eq!(desc["sub"], realm.client_id.as_str());
    assert_eq!(desc["client_id"], realm.client_id.as_str());
    assert_eq!(desc["aud"], json!(["https://api.acme.com"]));

    let (_, default_scope) = token(&app, &realm, &[("grant_type", "client_credentials")]).await;
    assert_eq!(default_scope["scope"], "api:read api:write", "the client's non-user scopes");
    for (scope, error) in [("openid", "invalid_scope"), ("admin", "invalid_scope")] {
        let (_, body) = token(&app, &realm, &[("grant_type", "client_credentials"), ("scope", scope)]).await;
        assert_eq!(body["error"], error, "{scope}");
    }
    let (_, body) = token(&app, &realm, &[("grant_type", "client_credentials"), ("resource", "not a uri")]).await;
    assert_eq!(body["error"], "invalid_target");

    let spa = json!({ "tenant_id": realm.tenant, "name": "SPA", "type": "public", "redirect_uris": [REDIRECT_URI] });
    let spa = app.admin(Method::POST, "/v1/oidc/clients", Body::Json(spa)).await;
    let (_, body) = post_form(
        &app,
        "/v1/oauth/token",
        None,
        &[("grant_type", "client_credentials"), ("client_id", &s(&spa.body["client"]["id"]))],
    )
    .await;
    assert_eq!(body["error"], "unauthorized_client", "a public client cannot use client credentials");
}

/// Clients are cached for client authentication and the authorization endpoint
/// (`client_cache_seconds`); a change made through the admin API must still take
/// effect on the very next request.
pub(crate) async fn client_changes_take_effect_at_once_despite_the_client_cache(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    let cc = [("grant_type", "client_credentials"), ("scope", "api:read")];
    let auth = |secret: &str| (realm.client_id.clone(), secret.to_owned());
    let issue = |(id, secret): (String, String)| {
        let app = &app;
        async move { post_form(app, "/v1/oauth/token", Some((&id, &secret)), &cc).await }
    };
    // Twice: the second answer comes from the cached client.
    assert_eq!(issue(auth(&realm.client_secret)).await.0, StatusCode::OK);
    assert_eq!(issue(auth(&realm.client_secret)).await.0, StatusCode::OK);

    let path = format!("/v1/tenants/{}/oidc/clients/{}", realm.tenant, realm.client_id);
    let patch = json!({ "grant_types": ["authorization_code", "refresh_token"] });
    assert_eq!(app.admin(Method::PATCH, &path, Body::Json(patch)).await.status, StatusCode::OK);
    let (status, body) = issue(auth(&realm.client_secret)).await;
    assert_eq!((status, s(&body["error"])), (StatusCode::BAD_REQUEST, "unauthorized_client".to_owned()), "{body}");
    let patch = json!({ "grant_types": ["authorization_code", "refresh_token", "client_credentials"] });
    assert_eq!(app.admin(Method::PATCH, &path, Body::Json(patch)).await.status, StatusCode::OK);
    assert_eq!(issue(auth(&realm.client_secret)).await.0, StatusCode::OK);

    // The authorization endpoint: a redirect URI taken off the client is refused at
    // once, though the client was read (and cached) a moment before.
    let authorize = support::authorize_url(&app, &realm.client_id, "openid", "c", "");
    let (_, location, _) = app.browse(&authorize).await;
    assert!(location.is_some(), "a registered URI: on to the login page");
    let moved = json!({ "redirect_uris": ["https://elsewhere.example/cb"] });
    assert_eq!(app.admin(Method::PATCH, &path, Body::Json(moved)).await.status, StatusCode::OK);
    let (status, location, _) = app.browse(&authorize).await;
    assert_eq!((status, location), (StatusCode::BAD_REQUEST, None), "an unregistered URI gets a page, no redirect");

    let rotated = app.admin(Method::POST, &format!("{path}/rotate-secret"), Body::None).await;
    let new_secret = s(&rotated.body["client_secret"]);
    let (status, body) = issue(auth(&realm.client_secret)).await;
    assert_eq!((status, s(&body["error"])), (StatusCode::UNAUTHORIZED, "invalid_client".to_owned()), "old secret");
    assert_eq!(issue(auth(&new_secret)).await.0, StatusCode::OK);

    let deleted = app.admin(Method::DELETE, &format!("/v1/oidc/clients/{}", realm.client_id), Body::None).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let (status, body) = issue(auth(&new_secret)).await;
    assert_eq!((status, s(&body["error"])), (StatusCode::UNAUTHORIZED, "invalid_client".to_owned()), "deleted");
}

pub(crate) async fn prompt_none_answers_only_for_the_hinted_user_and_max_age_zero_asks_again(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    let bob = json!({ "email": "bob@example.com", "password": PASSWORD, "email_verified": true });
    let reply = app.admin(Method::POST, &format!("/v1/tenants/{}/users", realm.tenant), Body::Json(bob)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let ada_hint = s(&tokens(&app, &realm).await["id_token"]);
    // Bob signs in from another browser, and his ID token is kept.
    let other = app.other_browser();
    let landing =
        other.sign_in_through_pages(&authorize_url(&other, &realm.client_id), "bob@example.com", PASSWORD).await;
    let code = query_param(&landing, "code").unwrap();
    let exchange = [
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", REDIRECT_URI),
        ("code_verifier", VERIFIER),
    ];
    let bob_hint = s(&token(&other, &realm, &exchange).await.1["id_token"]);

    // In Ada's browser: her hint gets a code without a page; Bob's gets login_required.
    let silent = |hint: &str, extra: &str| {
        support::authorize_url(
            &app,
            &realm.client_id,
            "openid",
            "q",
            &format!("&prompt=none&id_token_hint={hint}{extra}"),
        )
    };
    let (_, location, _) = app.browse(&silent(&ada_hint, "")).await;
    let location = location.unwrap();
    assert!(query_param(&location, "code").is_some(), "{location}");
    let (_, location, _) = app.browse(&silent(&bob_hint, "")).await;
    assert_eq!(query_param(&location.unwrap(), "error").as_deref(), Some("login_required"));
    let (_, location, _) = app.browse(&silent("not.a.token", "")).await;
    assert_eq!(query_param(&location.unwrap(), "error").as_deref(), Some("invalid_request"));
    // max_age=0: no session is fresh enough, so prompt=none cannot answer.
    let (_, location, _) = app.browse(&silent(&ada_hint, "&max_age=0")).await;
    assert_eq!(query_param(&location.unwrap(), "error").as_deref(), Some("login_required"));
}
