//! Resource indicators (RFC 8707): the access token's `aud` is the resource the
//! authorization request named, never one it did not, and only one the tenant knows
//! when it lists them.

use qeetid_store::testing::TestDatabase;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{
    Body, EMAIL, PASSWORD, REDIRECT_URI, TestApp, VERIFIER, authorize_url, post_form, query_param, spawn_app,
};

const API: &str = "https://api.acme.example/mcp";

/// The payload of a JWT, unverified (the tests only read claims the server set).
fn claims(jwt: &str) -> Value {
    use base64::Engine as _;
    let payload = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

async fn code_for(app: &TestApp, client_id: &str, extra: &str) -> String {
    let url = authorize_url(app, client_id, "openid%20offline_access", "st", extra);
    let landing = app.sign_in_through_pages(&url, EMAIL, PASSWORD).await;
    query_param(&landing, "code").unwrap_or_else(|| panic!("no code in {landing}"))
}

pub(crate) async fn a_resource_named_at_authorization_becomes_the_audience(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    let basic = Some((realm.client_id.as_str(), realm.client_secret.as_str()));
    let encoded: String = url::form_urlencoded::byte_serialize(API.as_bytes()).collect();

    // Named at authorization, asked again (or not) at the token endpoint: the audience.
    let code = code_for(&app, &realm.client_id, &format!("&resource={encoded}")).await;
    let exchange = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT_URI),
        ("code_verifier", VERIFIER),
        ("resource", API),
    ];
    let (status, tokens) = post_form(&app, "/v1/oauth/token", basic, &exchange).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert_eq!(claims(tokens["access_token"].as_str().unwrap())["aud"], API);
    assert_eq!(
        claims(tokens["id_token"].as_str().unwrap())["aud"],
        realm.client_id.as_str(),
        "ID tokens stay the client's"
    );

    // A refresh keeps it; another resource is refused.
    let refresh_token = tokens["refresh_token"].as_str().unwrap();
    let other =
        [("grant_type", "refresh_token"), ("refresh_token", refresh_token), ("resource", "https://other.example/")];
    let (status, body) = post_form(&app, "/v1/oauth/token", basic, &other).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_target")), "{body}");
    let same = [("grant_type", "refresh_token"), ("refresh_token", refresh_token)];
    let (status, refreshed) = post_form(&app, "/v1/oauth/token", basic, &same).await;
    assert_eq!(status, StatusCode::OK, "{refreshed}");
    assert_eq!(claims(refreshed["access_token"].as_str().unwrap())["aud"], API);

    // Without one at authorization, none can be asked at the token endpoint.
    let code = code_for(&app, &realm.client_id, "").await;
    let widen = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT_URI),
        ("code_verifier", VERIFIER),
        ("resource", API),
    ];
    let (status, body) = post_form(&app, "/v1/oauth/token", basic, &widen).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_target")), "{body}");

    // A malformed resource is refused at authorization, back at the client.
    let url = authorize_url(&app, &realm.client_id, "openid", "bad", "&resource=%2Frelative%23frag");
    let (status, location, _) = app.browse(&url).await;
    assert_eq!(status, StatusCode::FOUND);
    let location = location.unwrap();
    assert_eq!(query_param(&location, "error").as_deref(), Some("invalid_target"), "{location}");
    assert_eq!(query_param(&location, "state").as_deref(), Some("bad"));
}

pub(crate) async fn several_resources_are_granted_and_each_token_is_for_one(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    let basic = Some((realm.client_id.as_str(), realm.client_secret.as_str()));
    const FILES: &str = "https://files.acme.example/";
    let encode = |s: &str| -> String { url::form_urlencoded::byte_serialize(s.as_bytes()).collect() };
    let both = format!("&resource={}&resource={}", encode(API), encode(FILES));
    let exchange = |code: &str, resource: Option<&'static str>| {
        let mut form = vec![
            ("grant_type", "authorization_code".to_owned()),
            ("code", code.to_owned()),
            ("redirect_uri", REDIRECT_URI.to_owned()),
            ("code_verifier", VERIFIER.to_owned()),
        ];
        if let Some(r) = resource {
            form.push(("resource", r.to_owned()));
        }
        form
    };

    // Without naming one of the two, the token endpoint cannot choose (and the code,
    // tried once, is spent).
    let code = code_for(&app, &realm.client_id, &both).await;
    let form = exchange(&code, None);
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, body) = post_form(&app, "/v1/oauth/token", basic, &pairs).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_target")), "{body}");
    // Two at the token endpoint: one audience per token (refused before the code is tried).
    let code = code_for(&app, &realm.client_id, &both).await;
    let form = exchange(&code, None);
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut two = pairs.clone();
    two.push(("resource", API));
    two.push(("resource", FILES));
    let (status, body) = post_form(&app, "/v1/oauth/token", basic, &two).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_target")), "{body}");

    // One of them: the access token is for it alone.
    let form = exchange(&code, Some(FILES));
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, tokens) = post_form(&app, "/v1/oauth/token", basic, &pairs).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert_eq!(claims(tokens["access_token"].as_str().unwrap())["aud"], FILES);

    // The refresh token keeps both: each refresh picks one, never a third.
    let refresh_token = tokens["refresh_token"].as_str().unwrap().to_owned();
    let refresh = [("grant_type", "refresh_token"), ("refresh_token", refresh_token.as_str()), ("resource", API)];
    let (status, refreshed) = post_form(&app, "/v1/oauth/token", basic, &refresh).await;
    assert_eq!(status, StatusCode::OK, "{refreshed}");
    assert_eq!(claims(refreshed["access_token"].as_str().unwrap())["aud"], API);
    let next = refreshed["refresh_token"].as_str().unwrap();
    let back = [("grant_type", "refresh_token"), ("refresh_token", next), ("resource", FILES)];
    let (status, again) = post_form(&app, "/v1/oauth/token", basic, &back).await;
    assert_eq!(status, StatusCode::OK, "the rotated token keeps the grant's resources: {again}");
    assert_eq!(claims(again["access_token"].as_str().unwrap())["aud"], FILES);
}

pub(crate) async fn a_tenant_that_lists_its_resources_refuses_any_other(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    let basic = Some((realm.client_id.as_str(), realm.client_secret.as_str()));
    let path = format!("/v1/tenants/{}/oauth/resources", realm.tenant);
    let list = json!({ "resources": [{ "uri": API, "scopes": ["api:read"] }] });
    let reply = app.admin(Method::PUT, &path, Body::Json(list)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.body["tenant"]["resources"][0]["uri"], API);
    let bad = app.admin(Method::PUT, &path, Body::Json(json!({ "resources": [{ "uri": "/relative" }] }))).await;
    assert_eq!((bad.status, bad.body["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("resources[0].uri")));
    let other_tenant = app.tenant("Other").await;
    let other_key = app.tenant_key(&other_tenant).await;
    let reply = app.call(Method::PUT, &path, Some(&other_key), Body::Json(json!({ "resources": null }))).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "another tenant's key reaches nothing");

    // At authorization: an unknown resource, or a scope the resource does not accept, goes back to the client.
    for (extra, scope, error) in [
        ("&resource=https%3A%2F%2Fother.example%2F", "openid", "invalid_target"),
        (&*format!("&resource={}", enc(API)), "openid%20api%3Awrite", "invalid_scope"),
    ] {
        let url = authorize_url(&app, &realm.client_id, scope, "s", extra);
        let (status, location, _) = app.browse(&url).await;
        assert_eq!(status, StatusCode::FOUND);
        let location = location.unwrap();
        assert_eq!(query_param(&location, "error").as_deref(), Some(error), "{location}");
    }
    let code = code_for(&app, &realm.client_id, &format!("&resource={}", enc(API))).await;
    let exchange = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT_URI),
        ("code_verifier", VERIFIER),
    ];
    let (status, tokens) = post_form(&app, "/v1/oauth/token", basic, &exchange).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert_eq!(claims(tokens["access_token"].as_str().unwrap())["aud"], API);

    // Client credentials follow the same list.
    let cc = |resource: &'static str, scope: &'static str| {
        [("grant_type", "client_credentials"), ("resource", resource), ("scope", scope)]
    };
    let (status, body) = post_form(&app, "/v1/oauth/token", basic, &cc("https://other.example/", "api:read")).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_target")), "{body}");
    let (status, body) = post_form(&app, "/v1/oauth/token", basic, &cc(API, "api:write")).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_scope")), "{body}");
    let (status, body) = post_form(&app, "/v1/oauth/token", basic, &cc(API, "api:read")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(claims(body["access_token"].as_str().unwrap())["aud"], API);

    // Back to any resource.
    let reply = app.admin(Method::PUT, &path, Body::Json(json!({ "resources": null }))).await;
    assert!(reply.body["tenant"]["resources"].is_null());
    let (status, _) = post_form(&app, "/v1/oauth/token", basic, &cc("https://other.example/", "api:read")).await;
    assert_eq!(status, StatusCode::OK);
}

fn enc(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
