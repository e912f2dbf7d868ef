//! Dynamic client registration (RFC 7591) with initial access tokens, its management
//! (RFC 7592), and RFC 8414 metadata, through the public HTTP interface.

use qeetid_store::testing::TestDatabase;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{
    Body, EMAIL, PASSWORD, REDIRECT_URI, TestApp, VERIFIER, authorize_url, post_form, query_param, spawn_app,
};

/// Sends `body` to `path` with `Authorization: Bearer <token>`; status, headers, JSON.
async fn bearer(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let mut request = app.http.request(method, format!("{}{path}", app.base));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    let text = response.text().await.unwrap();
    (status, headers, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// A tenant with the realm's user, and an initial access token for it.
async fn tenant_with_token(app: &TestApp, extra: Value) -> (String, String) {
    let realm = app.realm().await;
    let mut body = json!({ "label": "CI pipeline" });
    if let (Value::Object(b), Value::Object(e)) = (&mut body, extra) {
        b.extend(e);
    }
    let path = format!("/v1/tenants/{}/oauth/initial-access-tokens", realm.tenant);
    let reply = app.admin(Method::POST, &path, Body::Json(body)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    assert!(reply.body["warning"].as_str().is_some());
    (realm.tenant, reply.body["token"].as_str().unwrap().to_owned())
}

fn tool_metadata() -> Value {
    json!({
        "client_name": "Release bot",
        "redirect_uris": [REDIRECT_URI],
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "scope": "openid email offline_access",
        "client_uri": "https://bot.example",
        "contacts": ["ops@bot.example"],
        "software_id": "release-bot",
        "an_unknown_member": "is ignored",
    })
}

pub(crate) async fn a_client_registers_with_an_initial_token_and_signs_a_user_in(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let (tenant, token) = tenant_with_token(&app, json!({})).await;

    let (status, headers, reg) =
        bearer(&app, Method::POST, "/v1/oauth/register", Some(&token), Some(tool_metadata())).await;
    assert_eq!(status, StatusCode::CREATED, "{reg}");
    assert_eq!(headers["cache-control"], "no-store");
    let client_id = reg["client_id"].as_str().unwrap().to_owned();
    let secret = reg["client_secret"].as_str().unwrap().to_owned();
    assert!(client_id.starts_with("qci_") && secret.starts_with("qcs_"));
    assert_eq!(reg["client_secret_expires_at"], 0);
    assert!(reg["client_id_issued_at"].as_i64().is_some());
    assert_eq!(reg["token_endpoint_auth_method"], "client_secret_basic");
    assert_eq!(reg["redirect_uris"], json!([REDIRECT_URI]));
    assert_eq!(reg["contacts"], json!(["ops@bot.example"]));
    assert_eq!(reg["registration_client_uri"], format!("{}/v1/oauth/register/{client_id}", app.issuer));
    assert!(reg.get("an_unknown_member").is_none());

    // The client landed in the token's tenant, visible to its admins.
    let reply = app.admin(Method::GET, &format!("/v1/tenants/{tenant}/oidc/clients/{client_id}"), Body::None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.body["client"]["self_registered"], true);

    // The hosted pages say it registered itself, and which site it names.
    let url = authorize_url(&app, &client_id, "openid%20email", "first", "");
    let (_, location, _) = app.browse(&url).await;
    let request = query_param(&format!("{}{}", app.issuer, location.unwrap()), "request").unwrap();
    let context_url = format!("{}/v1/oauth/login-context?request={request}", app.issuer);
    let context: Value = app.http.get(context_url).send().await.unwrap().json().await.unwrap();
    assert_eq!(context["client"]["self_registered"], true, "{context}");
    assert_eq!(context["client"]["site"], "bot.example");

    // And it works: the user signs in and the code is exchanged with the secret.
    let url = authorize_url(&app, &client_id, "openid%20email", "st", "");
    let landing = app.sign_in_through_pages(&url, EMAIL, PASSWORD).await;
    let code = query_param(&landing, "code").expect("a code after consent");
    let form = [
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", REDIRECT_URI),
        ("code_verifier", VERIFIER),
    ];
    let (status, tokens) = post_form(&app, "/v1/oauth/token", Some((&client_id, &secret)), &form).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert!(tokens["id_token"].as_str().is_some());

    // RS256 ID tokens by registration (OIDC Dynamic Client Registration §2), echoed back.
    let rsa = json!({ "redirect_uris": [REDIRECT_URI], "id_token_signed_response_alg": "RS256" });
    let (status, _, reg) = bearer(&app, Method::POST, "/v1/oauth/register", Some(&token), Some(rsa)).await;
    assert_eq!((status, reg["id_token_signed_response_alg"].as_str()), (StatusCode::CREATED, Some("RS256")), "{reg}");

    // A public client (PKCE, no secret).
    let public = json!({ "redirect_uris": ["http://127.0.0.1:8123/cb"], "token_endpoint_auth_method": "none" });
    let (status, _, reg) = bearer(&app, Method::POST, "/v1/oauth/register", Some(&token), Some(public)).await;
    assert_eq!(status, StatusCode::CREATED, "{reg}");
    assert!(reg.get("client_secret").is_none());
    assert_eq!(reg["client_name"], "127.0.0.1", "without client_name, the redirect URI's host");
}

pub(crate) async fn registration_refuses_bad_tokens_and_bad_metadata(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let (tenant, token) = tenant_with_token(&app, json!({ "max_uses": 1 })).await;

    let (status, headers, body) = bearer(&app, Method::POST, "/v1/oauth/register", None, Some(tool_metadata())).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_token")),
        "open registration is off"
    );
    assert!(headers["www-authenticate"].to_str().unwrap().starts_with("Bearer"));
    let (status, _, _) =
        bearer(&app, Method::POST, "/v1/oauth/register", Some("qit_guess"), Some(tool_metadata())).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let cases = [
        (json!({ "redirect_uris": ["http://bot.example/cb"] }), "invalid_redirect_uri", "redirect_uris[0]"),
        (
            json!({ "redirect_uris": [REDIRECT_URI], "token_endpoint_auth_method": "tls_client_auth" }),
            "invalid_client_metadata",
            "token_endpoint_auth_method",
        ),
        (
            json!({ "redirect_uris": [REDIRECT_URI], "response_types": ["token"] }),
            "invalid_client_metadata",
            "response_types",
        ),
        (json!({ "redirect_uris": [REDIRECT_URI], "scope": "openid bad\\scope" }), "invalid_client_metadata", "scope"),
        (
            json!({ "redirect_uris": [REDIRECT_URI], "logo_uri": "javascript:alert(1)" }),
            "invalid_client_metadata",
            "logo_uri",
        ),
        (json!({ "redirect_uris": [REDIRECT_URI], "jwks": [1, 2] }), "invalid_client_metadata", "jwks"),
        (
            json!({ "redirect_uris": [REDIRECT_URI], "id_token_signed_response_alg": "none" }),
            "invalid_client_metadata",
            "id_token_signed_response_alg",
        ),
        (json!({ "redirect_uris": "not a list" }), "invalid_client_metadata", "body"),
    ];
    for (metadata, error, field) in cases {
        let (status, _, body) =
            bearer(&app, Method::POST, "/v1/oauth/register", Some(&token), Some(metadata.clone())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{metadata}: {body}");
        assert_eq!(body["error"], error, "{metadata}: {body}");
        assert!(body["error_description"].as_str().unwrap().contains(field), "{metadata}: {body}");
    }

    // Refused requests cost no use; the one use goes to the first good one.
    let (status, _, _) = bearer(&app, Method::POST, "/v1/oauth/register", Some(&token), Some(tool_metadata())).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _, body) = bearer(&app, Method::POST, "/v1/oauth/register", Some(&token), Some(tool_metadata())).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_token")), "spent");

    // Listed with its uses, and revoked.
    let path = format!("/v1/tenants/{tenant}/oauth/initial-access-tokens");
    let listed = app.admin(Method::GET, &path, Body::None).await;
    let tokens = listed.body["initial_access_tokens"].as_array().unwrap().clone();
    assert_eq!(tokens.len(), 1);
    assert_eq!(tokens[0]["uses_left"], 0);
    assert!(tokens[0].get("token").is_none(), "never shown again");
    let id = tokens[0]["id"].as_str().unwrap();
    assert_eq!(app.admin(Method::DELETE, &format!("{path}/{id}"), Body::None).await.status, StatusCode::NO_CONTENT);
    assert_eq!(app.admin(Method::DELETE, &format!("{path}/{id}"), Body::None).await.status, StatusCode::NOT_FOUND);

    // Admin-side validation, and another tenant's key sees nothing.
    let bad = app.admin(Method::POST, &path, Body::Json(json!({ "label": "x", "expires_in_seconds": 5 }))).await;
    assert_eq!(
        (bad.status, bad.body["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("expires_in_seconds"))
    );
    let other = app.tenant("Other").await;
    let other_key = app.tenant_key(&other).await;
    let reply = app.call(Method::GET, &path, Some(&other_key), Body::None).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
}

pub(crate) async fn a_client_manages_its_registration_with_its_token(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let (tenant, token) = tenant_with_token(&app, json!({ "expires_in_seconds": 600 })).await;
    let (_, _, reg) = bearer(&app, Method::POST, "/v1/oauth/register", Some(&token), Some(tool_metadata())).await;
    let client_id = reg["client_id"].as_str().unwrap().to_owned();
    let secret = reg["client_secret"].as_str().unwrap().to_owned();
    let management = reg["registration_access_token"].as_str().unwrap().to_owned();
    let uri = format!("/v1/oauth/register/{client_id}");

    let (status, _, read) = bearer(&app, Method::GET, &uri, Some(&management), None).await;
    assert_eq!(status, StatusCode::OK, "{read}");
    assert_eq!(read["client_name"], "Release bot");
    assert!(read.get("client_secret").is_none() && read.get("registration_access_token").is_none());
    for wrong in [None, Some(token.as_str()), Some("qra_guess")] {
        let (status, _, _) = bearer(&app, Method::GET, &uri, wrong, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{wrong:?}");
    }
    // A client the admin made cannot be managed this way, nor can an unknown one.
    let admin_made = app.seed_client(&tenant).await["client"]["id"].as_str().unwrap().to_owned();
    let (status, _, _) =
        bearer(&app, Method::GET, &format!("/v1/oauth/register/{admin_made}"), Some(&management), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // An update replaces the metadata and the registration token; the secret stays.
    let update = json!({ "client_id": client_id, "client_name": "Release bot 2", "redirect_uris": [REDIRECT_URI] });
    let (status, _, updated) = bearer(&app, Method::PUT, &uri, Some(&management), Some(update)).await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["client_name"], "Release bot 2");
    assert!(updated.get("contacts").is_none(), "omitted metadata is dropped (RFC 7592 §2.2)");
    let rotated = updated["registration_access_token"].as_str().unwrap().to_owned();
    assert_ne!(rotated, management);
    let (status, _, _) = bearer(&app, Method::GET, &uri, Some(&management), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the old registration token stopped working");
    let form = [("grant_type", "client_credentials")];
    let (status, body) = post_form(&app, "/v1/oauth/token", Some((&client_id, &secret)), &form).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("unauthorized_client")),
        "secret still good"
    );

    let switch =
        json!({ "client_id": client_id, "redirect_uris": [REDIRECT_URI], "token_endpoint_auth_method": "none" });
    let (status, _, body) = bearer(&app, Method::PUT, &uri, Some(&rotated), Some(switch)).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_client_metadata")));
    let other_id = json!({ "client_id": "qci_someone_else", "redirect_uris": [REDIRECT_URI] });
    let (status, _, _) = bearer(&app, Method::PUT, &uri, Some(&rotated), Some(other_id)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (status, _, _) = bearer(&app, Method::DELETE, &uri, Some(&rotated), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _, _) = bearer(&app, Method::GET, &uri, Some(&rotated), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = post_form(&app, "/v1/oauth/token", Some((&client_id, &secret)), &form).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a deleted client authenticates no more");
}

pub(crate) async fn both_metadata_documents_name_the_registration_endpoint(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let openid = crate::support::get_json(&app, "/.well-known/openid-configuration").await;
    let oauth = crate::support::get_json(&app, "/.well-known/oauth-authorization-server").await;
    assert_eq!(openid, oauth, "the same facts in both");
    assert_eq!(oauth["issuer"], app.issuer);
    assert_eq!(oauth["registration_endpoint"], format!("{}/v1/oauth/register", app.issuer));
}

pub(crate) async fn open_registration_admits_tools_within_its_limits(db: &TestDatabase) {
    let setup = spawn_app(db).await;
    let realm = setup.realm().await;
    let mut settings = crate::support::settings(db);
    settings.open_registration_tenant = realm.tenant.clone();
    let app = crate::support::spawn_app_with(settings).await;

    // A tool registers without any token, as a public client with PKCE.
    let tool = json!({
        "client_name": "Editor agent", "redirect_uris": ["http://127.0.0.1:33418/callback"],
        "token_endpoint_auth_method": "none", "scope": "openid email offline_access",
        "grant_types": ["authorization_code", "refresh_token"],
    });
    let (status, _, reg) = bearer(&app, Method::POST, "/v1/oauth/register", None, Some(tool.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{reg}");
    let client_id = reg["client_id"].as_str().unwrap();
    let path = format!("/v1/tenants/{}/oidc/clients/{client_id}", realm.tenant);
    let reply = app.admin(Method::GET, &path, Body::None).await;
    assert_eq!(reply.body["client"]["self_registered"], true, "in the open tenant, marked");

    // Open registration's limits.
    let refused = [
        (json!({ "redirect_uris": [REDIRECT_URI], "grant_types": ["client_credentials"] }), "grant_types"),
        (json!({ "redirect_uris": [REDIRECT_URI], "scope": "openid api:write" }), "scope"),
        (
            json!({ "redirect_uris": ["com.example.agent:/callback"], "token_endpoint_auth_method": "none" }),
            "redirect_uris[0]",
        ),
    ];
    for (metadata, field) in refused {
        let (status, _, body) = bearer(&app, Method::POST, "/v1/oauth/register", None, Some(metadata.clone())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{metadata}: {body}");
        assert!(body["error_description"].as_str().unwrap().contains(field), "{metadata}: {body}");
    }
    // An initial access token still lifts them (its own tenant's rules apply).
    let (_, token) = tenant_with_token(&app, json!({})).await;
    let service = json!({ "redirect_uris": [REDIRECT_URI], "grant_types": ["client_credentials"] });
    let (status, _, body) = bearer(&app, Method::POST, "/v1/oauth/register", Some(&token), Some(service)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    // Ten registrations an hour from one address (one was made above), then 429:
    // the tenth holds the address for a second (whole seconds of the server's
    // clock), the next for two, then four. A machine slow enough to let a short
    // hold pass meets the next, longer one; an unthrottled server never does.
    for n in 1..10 {
        let (status, _, body) = bearer(&app, Method::POST, "/v1/oauth/register", None, Some(tool.clone())).await;
        assert_eq!(status, StatusCode::CREATED, "registration {n}: {body}");
    }
    let mut admitted_past_ten = 0;
    let headers = loop {
        let (status, headers, body) = bearer(&app, Method::POST, "/v1/oauth/register", None, Some(tool.clone())).await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            break headers;
        }
        assert_eq!(status, StatusCode::CREATED, "{body}");
        admitted_past_ten += 1;
        assert!(admitted_past_ten < 3, "{admitted_past_ten} registrations past ten, none refused");
    };
    assert!(headers.contains_key("retry-after"));

    // Without the setting, no token means no registration.
    let (status, _, _) = bearer(&setup, Method::POST, "/v1/oauth/register", None, Some(tool_metadata())).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

pub(crate) async fn the_deployment_moves_open_registration_through_the_admin_api(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    let path = "/v1/deployment/open-registration";
    let reply = app.admin(Method::GET, path, Body::None).await;
    assert_eq!(reply.body["open_registration"], json!({ "tenant_id": null, "configured": false }));
    let discovery = crate::support::get_json(&app, "/.well-known/openid-configuration").await;
    assert_eq!(discovery["client_id_metadata_document_supported"], false);

    // A tenant key neither sees nor moves it.
    let tenant_key = app.tenant_key(&realm.tenant).await;
    let body = json!({ "tenant_id": realm.tenant });
    let reply = app.call(Method::PUT, path, Some(&tenant_key), Body::Json(body.clone())).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.body);
    let reply = app.call(Method::GET, path, Some(&tenant_key), Body::None).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);

    let reply = app.admin(Method::PUT, path, Body::Json(json!({ "tenant_id": "tnt_AAAAAAAAAAAAAAAAAAAAAA" }))).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "an unknown tenant: {}", reply.body);
    let reply = app.admin(Method::PUT, path, Body::Json(body)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.body["open_registration"]["tenant_id"], realm.tenant.as_str());
    let (status, _, reg) = bearer(&app, Method::POST, "/v1/oauth/register", None, Some(tool_metadata())).await;
    assert_eq!(status, StatusCode::CREATED, "{reg}");
    let discovery = crate::support::get_json(&app, "/.well-known/openid-configuration").await;
    assert_eq!(discovery["client_id_metadata_document_supported"], true);

    let reply = app.admin(Method::PUT, path, Body::Json(json!({ "tenant_id": null }))).await;
    assert_eq!(reply.body["open_registration"]["tenant_id"], Value::Null);
    let (status, _, _) = bearer(&app, Method::POST, "/v1/oauth/register", None, Some(tool_metadata())).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "off again");

    // The configuration pins it: the admin API shows it and cannot move it.
    let mut settings = crate::support::settings(db);
    settings.open_registration_tenant = realm.tenant.clone();
    let pinned = crate::support::spawn_app_with(settings).await;
    let reply = pinned.admin(Method::GET, path, Body::None).await;
    assert_eq!(reply.body["open_registration"], json!({ "tenant_id": realm.tenant, "configured": true }));
    let reply = pinned.admin(Method::PUT, path, Body::Json(json!({ "tenant_id": null }))).await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.body);
    assert!(reply.body["message"].as_str().unwrap().contains("open_registration_tenant"));
}
