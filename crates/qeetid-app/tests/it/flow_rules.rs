//! Every rule of the Authorization Code flow, through the public HTTP interface.

use qeetid_store::testing::TestDatabase;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{
    self, Body, EMAIL, PASSWORD, REDIRECT_URI, Realm, TestApp, VERIFIER, fail_until_throttled, get_json, hidden,
    query_param, settings, spawn_app, spawn_app_with,
};

fn authorize_url(app: &TestApp, client_id: &str, extra: &str) -> String {
    support::authorize_url(app, client_id, "openid%20email", "st-1", extra)
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn code_for(app: &TestApp, realm: &Realm) -> String {
    let landing = app.sign_in_through_pages(&authorize_url(app, &realm.client_id, ""), EMAIL, PASSWORD).await;
    query_param(&landing, "code").unwrap_or_else(|| panic!("no code in {landing}"))
}

/// POSTs a token request, checking that the answer, success or error, may not be cached.
async fn token(app: &TestApp, path: &str, basic: Option<(&str, &str)>, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let mut request = app.http.post(format!("{}{path}", app.base)).form(form);
    if let Some((id, secret)) = basic {
        request = request.basic_auth(id, Some(secret));
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    assert_eq!(response.headers()["cache-control"], "no-store");
    (status, response.json().await.unwrap())
}

async fn exchange(
    app: &TestApp,
    realm: &Realm,
    code: &str,
    verifier: Option<&str>,
    redirect: &str,
) -> (StatusCode, Value) {
    let mut form = vec![("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirect)];
    if let Some(v) = verifier {
        form.push(("code_verifier", v));
    }
    token(app, "/v1/oauth/token", Some((&realm.client_id, &realm.client_secret)), &form).await
}

pub(crate) async fn codes_need_the_verifier_the_redirect_and_single_use(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;

    let code = code_for(&app, &realm).await;
    let (status, body) = exchange(&app, &realm, &code, None, REDIRECT_URI).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")), "missing verifier");

    let code = code_for(&app, &realm).await;
    let (_, body) = exchange(&app, &realm, &code, Some(&"x".repeat(43)), REDIRECT_URI).await;
    assert_eq!(body["error"], "invalid_grant", "wrong verifier");

    let code = code_for(&app, &realm).await;
    let (_, body) = exchange(&app, &realm, &code, Some(VERIFIER), "http://127.0.0.1:9/other").await;
    assert_eq!(body["error"], "invalid_grant", "other redirect_uri");

    let code = code_for(&app, &realm).await;
    let (status, body) = exchange(&app, &realm, &code, Some(VERIFIER), REDIRECT_URI).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert!(body["id_token"].is_string() && body["refresh_token"].is_string() && body["expires_in"].is_number());
    let access = body["access_token"].as_str().unwrap().to_owned();
    let refresh = body["refresh_token"].as_str().unwrap().to_owned();
    let userinfo = |token: String| {
        let request = app.http.get(format!("{}/v1/oauth/userinfo", app.base)).bearer_auth(token);
        async move { request.send().await.unwrap().status() }
    };
    assert_eq!(userinfo(access.clone()).await, StatusCode::OK);
    let (status, body) = exchange(&app, &realm, &code, Some(VERIFIER), REDIRECT_URI).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")), "replay");
    // RFC 6749 §4.1.2: the replay revokes what the code issued, access and refresh token.
    assert_eq!(userinfo(access).await, StatusCode::UNAUTHORIZED);
    let form = [("grant_type", "refresh_token"), ("refresh_token", refresh.as_str())];
    let (_, body) = token(&app, "/v1/oauth/token", Some((&realm.client_id, &realm.client_secret)), &form).await;
    assert_eq!(body["error"], "invalid_grant");
}

pub(crate) async fn codes_expire(db: &TestDatabase) {
    let mut s = settings(db);
    s.tokens.code_seconds = 1;
    let app = spawn_app_with(s).await;
    let realm = app.realm().await;
    let code = code_for(&app, &realm).await;
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let (_, body) = exchange(&app, &realm, &code, Some(VERIFIER), REDIRECT_URI).await;
    assert_eq!(body["error"], "invalid_grant");
    assert!(body["error_description"].as_str().unwrap().contains("expired"), "{body}");
}

pub(crate) async fn client_authentication_is_enforced(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    let other = app.realm().await;
    let code = code_for(&app, &realm).await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT_URI),
        ("code_verifier", VERIFIER),
    ];

    let (status, body) = token(&app, "/v1/oauth/token", Some((&realm.client_id, "qcs_wrong")), &form).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_client")));
    let (status, _) = token(&app, "/v1/oauth/token", None, &form).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "no credentials at all");
    // Another client's code is refused, and spent.
    let (_, body) = token(&app, "/v1/oauth/token", Some((&other.client_id, &other.client_secret)), &form).await;
    assert_eq!(body["error"], "invalid_grant");
    // client_secret_post works as well as Basic.
    let code = code_for(&app, &realm).await;
    let post = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT_URI),
        ("code_verifier", VERIFIER),
        ("client_id", realm.client_id.as_str()),
        ("client_secret", realm.client_secret.as_str()),
    ];
    let (status, body) = token(&app, "/v1/oauth/token", None, &post).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) =
        token(&app, "/v1/oauth/token", Some((&realm.client_id, &realm.client_secret)), &[("grant_type", "password")])
            .await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("unsupported_grant_type")));
    let (_, body) = token(
        &app,
        "/v1/oauth/token",
        Some((&realm.client_id, &realm.client_secret)),
        &[("grant_type", "authorization_code"), ("grant_type", "x")],
    )
    .await;
    assert_eq!(body["error"], "invalid_request", "repeated parameter");
}

pub(crate) async fn a_public_client_uses_token_code_as_the_product_page_shows(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    let spa =
        json!({ "tenant_id": realm.tenant, "name": "Acme SPA", "type": "public", "redirect_uris": [REDIRECT_URI] });
    let reply = app.admin(Method::POST, "/v1/oidc/clients", Body::Json(spa)).await;
    let spa_id = reply.body["client"]["id"].as_str().unwrap().to_owned();

    // PKCE is required: without a challenge the error goes back to the client.
    let bare = format!(
        "{}/v1/oauth/authorize?response_type=code&client_id={spa_id}&redirect_uri={}&scope=openid&state=s",
        app.issuer,
        urlencode(REDIRECT_URI)
    );
    let (status, location, _) = app.browse(&bare).await;
    assert_eq!(status, StatusCode::FOUND);
    let location = location.unwrap();
    assert_eq!(query_param(&location, "error").as_deref(), Some("invalid_request"));
    assert_eq!(query_param(&location, "state").as_deref(), Some("s"));
    let plain = format!("{bare}&code_challenge={VERIFIER}&code_challenge_method=plain");
    let (_, location, _) = app.browse(&plain).await;
    assert_eq!(query_param(&location.unwrap(), "error").as_deref(), Some("invalid_request"), "plain is refused");

    let landing = app.sign_in_through_pages(&authorize_url(&app, &spa_id, ""), EMAIL, PASSWORD).await;
    let code = query_param(&landing, "code").unwrap();
    // The product page's curl: form body, client_id alone, code_verifier.
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT_URI),
        ("client_id", spa_id.as_str()),
        ("code_verifier", VERIFIER),
    ];
    let (status, body) = token(&app, "/v1/oauth/token-code", None, &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.get("refresh_token").is_none(), "the SPA may not refresh");
    assert_eq!(body["scope"], "openid email");
}

pub(crate) async fn bad_client_or_redirect_never_redirects(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    let evil = authorize_url(&app, &realm.client_id, "")
        .replace(&urlencode(REDIRECT_URI), &urlencode("https://evil.example/cb"));
    for url in
        [evil, authorize_url(&app, "qci_AAAAAAAAAAAAAAAAAAAAAA", ""), format!("{}/v1/oauth/authorize", app.issuer)]
    {
        let (status, location, page) = app.browse(&url).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{url}");
        assert!(location.is_none(), "{url} must not redirect");
        assert!(page.contains("not valid"), "{page}");
        assert!(!page.contains("evil.example"));
    }
    let repeated = format!("{}&client_id={}", authorize_url(&app, &realm.client_id, ""), realm.client_id);
    let (status, location, _) = app.browse(&repeated).await;
    assert_eq!((status, location), (StatusCode::BAD_REQUEST, None), "repeated parameters are refused");
}

pub(crate) async fn prompt_none_without_a_session_is_login_required(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    let (status, location, _) = app.browse(&authorize_url(&app, &realm.client_id, "&prompt=none")).await;
    assert_eq!(status, StatusCode::FOUND);
    let location = location.unwrap();
    assert!(location.starts_with(REDIRECT_URI));
    assert_eq!(query_param(&location, "error").as_deref(), Some("login_required"));
    assert_eq!(query_param(&location, "state").as_deref(), Some("st-1"));

    // Signed in with remembered consent: a code without any page.
    code_for(&app, &realm).await;
    let (_, location, _) = app.browse(&authorize_url(&app, &realm.client_id, "&prompt=none")).await;
    assert!(query_param(&location.unwrap(), "code").is_some());
    // Signed in, but prompt=none with more scopes than consented: consent_required.
    let wider = authorize_url(&app, &realm.client_id, "&prompt=none")
        .replace("scope=openid%20email", "scope=openid%20email%20profile");
    let (_, location, _) = app.browse(&wider).await;
    assert_eq!(query_param(&location.unwrap(), "error").as_deref(), Some("consent_required"));
}

pub(crate) async fn another_tenants_user_cannot_sign_in(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let home = app.realm().await;
    let foreign = app.tenant("Other").await;
    let client =
        json!({ "tenant_id": foreign, "name": "Other app", "type": "confidential", "redirect_uris": [REDIRECT_URI] });
    let reply = app.admin(Method::POST, "/v1/oidc/clients", Body::Json(client)).await;
    let foreign_client = reply.body["client"]["id"].as_str().unwrap().to_owned();

    let (_, location, _) = app.browse(&authorize_url(&app, &foreign_client, "")).await;
    let (_, _, page) = app.browse(&location.unwrap()).await;
    let (request, csrf) = (hidden(&page, "request"), hidden(&page, "csrf_token"));
    let form = [("request", request.as_str()), ("csrf_token", csrf.as_str()), ("email", EMAIL), ("password", PASSWORD)];
    let (status, _, page) = app.submit("/login", &form).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(page.contains("Wrong e-mail or password"));

    // A session of the home tenant is no session for the foreign tenant's client.
    code_for(&app, &home).await;
    let (_, location, _) = app.browse(&authorize_url(&app, &foreign_client, "")).await;
    assert!(location.unwrap().starts_with("/login"));
}

pub(crate) async fn hosted_forms_need_their_csrf_token_and_failures_slow_down(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    let (_, location, _) = app.browse(&authorize_url(&app, &realm.client_id, "")).await;
    let (status, _, page) = app.browse(&location.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"<label for="email">"#) && page.contains(r#"<label for="password">"#));
    let request = hidden(&page, "request");
    let forged =
        [("request", request.as_str()), ("csrf_token", "qbr_forged"), ("email", EMAIL), ("password", PASSWORD)];
    let (status, _, _) = app.submit("/login", &forged).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let csrf = hidden(&page, "csrf_token");
    let wrong =
        [("request", request.as_str()), ("csrf_token", csrf.as_str()), ("email", EMAIL), ("password", "nope nope")];
    fail_until_throttled(&app, "/login", &wrong, StatusCode::UNAUTHORIZED).await;
    let right =
        [("request", request.as_str()), ("csrf_token", csrf.as_str()), ("email", EMAIL), ("password", PASSWORD)];
    let (status, _, page) = app.submit("/login", &right).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "even the right password waits: {page}");
    assert!(page.contains("Try again in"));
}

pub(crate) async fn login_context_and_json_decision_serve_custom_uis(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    let (_, location, _) =
        app.browse(&authorize_url(&app, &realm.client_id, "&login_hint=ada%40example.com&ui_locales=fr-CA%20en")).await;
    let request = query_param(&format!("{}{}", app.issuer, location.unwrap()), "request").unwrap();
    let context = |app: &TestApp, request: String| {
        let url = format!("{}/v1/oauth/login-context?request={request}", app.issuer);
        let http = app.http.clone();
        async move { http.get(url).send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let ctx = context(&app, request.clone()).await;
    assert_eq!(ctx["client"]["id"], realm.client_id.as_str());
    assert_eq!(ctx["client"]["name"], "Acme Web");
    assert_eq!(ctx["tenant_id"], realm.tenant.as_str());
    assert_eq!(ctx["signed_in"], false);
    assert_eq!(ctx["next"], "login");
    assert_eq!(ctx["login_hint"], EMAIL);
    assert_eq!(ctx["ui_locales"], json!(["fr-CA", "en"]), "for a custom UI to choose its language");
    assert_eq!(ctx["scopes"][1]["name"], "email");
    let csrf = ctx["csrf_token"].as_str().unwrap().to_owned();

    let form = [("request", request.as_str()), ("csrf_token", csrf.as_str()), ("email", EMAIL), ("password", PASSWORD)];
    app.submit("/login", &form).await;
    let ctx = context(&app, request.clone()).await;
    assert_eq!((ctx["signed_in"].as_bool(), ctx["next"].as_str()), (Some(true), Some("consent")));
    assert_eq!(ctx["user"]["email"], EMAIL);
    // The CSRF token was renewed at sign-in: a custom UI reads it again.
    let renewed = ctx["csrf_token"].as_str().unwrap().to_owned();
    assert_ne!(renewed, csrf, "renewed at sign-in");
    let csrf = renewed;

    let reply = app
        .http
        .post(format!("{}/v1/oauth/authorize/decision", app.issuer))
        .json(&json!({ "request": request, "csrf_token": csrf, "decision": "deny" }))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::OK);
    let redirect = reply.json::<Value>().await.unwrap()["redirect_to"].as_str().unwrap().to_owned();
    assert_eq!(query_param(&redirect, "error").as_deref(), Some("access_denied"));
    assert_eq!(query_param(&redirect, "state").as_deref(), Some("st-1"));
    let gone = context(&app, request).await;
    assert_eq!(gone["error"], "request_not_found", "a decided request is finished");
}

pub(crate) async fn grants_are_listed_and_revoked(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    code_for(&app, &realm).await;
    let path = format!("/v1/tenants/{}/oauth/grants?client_id={}", realm.tenant, realm.client_id);
    let reply = app.admin(Method::GET, &path, Body::None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let grant = &reply.body["grants"][0];
    assert_eq!(grant["scopes"], json!(["openid", "email"]));
    assert_eq!(grant["remembered"], true);
    let id = grant["id"].as_str().unwrap().to_owned();

    // Remembered: the next authorization needs no page.
    let (_, location, _) = app.browse(&authorize_url(&app, &realm.client_id, "")).await;
    assert!(location.unwrap().starts_with(REDIRECT_URI));

    let reply = app.admin(Method::DELETE, &format!("/v1/tenants/{}/oauth/grants/{id}", realm.tenant), Body::None).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    let (_, location, _) = app.browse(&authorize_url(&app, &realm.client_id, "")).await;
    assert!(location.unwrap().starts_with("/consent"), "consent is asked again");
    let reply = app.admin(Method::DELETE, &format!("/v1/tenants/{}/oauth/grants/{id}", realm.tenant), Body::None).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let bad =
        app.admin(Method::GET, &format!("/v1/tenants/{}/oauth/grants?user_id=nope", realm.tenant), Body::None).await;
    assert_eq!((bad.status, bad.body["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("user_id")));
}

pub(crate) async fn discovery_and_jwks_describe_the_provider(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let doc = get_json(&app, "/.well-known/openid-configuration").await;
    assert_eq!(doc["issuer"], app.issuer.as_str());
    assert_eq!(doc["authorization_endpoint"], format!("{}/v1/oauth/authorize", app.issuer));
    assert_eq!(doc["token_endpoint"], format!("{}/v1/oauth/token", app.issuer));
    assert_eq!(doc["response_types_supported"], json!(["code"]));
    assert_eq!(doc["code_challenge_methods_supported"], json!(["S256"]));
    assert_eq!(doc["id_token_signing_alg_values_supported"], json!(["ES256", "RS256"]));
    let claims = doc["claims_supported"].as_array().unwrap();
    assert!(claims.contains(&json!("email_verified")), "every claim userinfo can return is listed");
    assert_eq!(
        doc["token_endpoint_auth_methods_supported"],
        json!(["client_secret_basic", "client_secret_post", "private_key_jwt", "none"])
    );
    let jwks: Value = app.http.get(doc["jwks_uri"].as_str().unwrap()).send().await.unwrap().json().await.unwrap();
    let key = jwks["keys"].as_array().unwrap().iter().find(|k| k["kty"] == "EC").expect("an EC key");
    assert_eq!(
        (key["kty"].as_str(), key["crv"].as_str(), key["alg"].as_str(), key["use"].as_str()),
        (Some("EC"), Some("P-256"), Some("ES256"), Some("sig"))
    );
    assert!(key["kid"].is_string() && key.get("d").is_none());
}

/// The fields of a form-post page (OAuth 2.0 Form Post Response Mode): its
/// `action` and hidden inputs, after checking it may not be cached and may post
/// only to the redirect URI's origin.
async fn form_post(response: reqwest::Response) -> (String, Vec<(String, String)>) {
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().get("location").is_none(), "no redirect carries the response");
    assert_eq!(response.headers()["cache-control"], "no-store");
    let policy = response.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(policy.contains("form-action 'self' http://127.0.0.1:9;"), "{policy}");
    let page = response.text().await.unwrap().replace("&#x2F;", "/");
    assert!(page.contains(r#"<script src="/static/form_post.js"></script>"#));
    let action = page.split(r#"action=""#).nth(1).unwrap().split('"').next().unwrap().to_owned();
    let fields = page
        .split(r#"<input type="hidden" name=""#)
        .skip(1)
        .map(|rest| {
            let (name, rest) = rest.split_once('"').unwrap();
            let value = rest.split(r#"value=""#).nth(1).unwrap().split('"').next().unwrap();
            (name.to_owned(), value.to_owned())
        })
        .collect();
    (action, fields)
}

pub(crate) async fn form_post_delivers_the_response_in_a_posted_form(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    let discovery = get_json(&app, "/.well-known/openid-configuration").await;
    assert_eq!(discovery["response_modes_supported"], json!(["query", "form_post"]));
    let url = authorize_url(&app, &realm.client_id, "&response_mode=form_post");

    // Sign-in and consent as usual; the decision answers with the form, not a redirect.
    let (_, login, _) = app.browse(&url).await;
    let (_, _, page) = app.browse(&login.unwrap()).await;
    let form = [
        ("request", hidden(&page, "request")),
        ("csrf_token", hidden(&page, "csrf_token")),
        ("email", EMAIL.to_owned()),
        ("password", PASSWORD.to_owned()),
    ];
    let (status, consent, _) =
        app.submit("/login", &form.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>()).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, page) = app.browse(&consent.unwrap()).await;
    let decision = [
        ("request", hidden(&page, "request")),
        ("csrf_token", hidden(&page, "csrf_token")),
        ("decision", "allow".to_owned()),
        ("remember", "true".to_owned()),
    ];
    let response =
        app.http.post(format!("{}/v1/oauth/authorize/decision", app.issuer)).form(&decision).send().await.unwrap();
    let (action, fields) = form_post(response).await;
    assert_eq!(action, REDIRECT_URI);
    let field = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    assert_eq!((field("state").as_deref(), field("iss").as_deref()), (Some("st-1"), Some(app.issuer.as_str())));
    let (status, tokens) = exchange(&app, &realm, &field("code").unwrap(), Some(VERIFIER), REDIRECT_URI).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");

    // Single sign-on with remembered consent: the authorization endpoint answers with the form.
    let response = app.http.get(&url).send().await.unwrap();
    let (_, fields) = form_post(response).await;
    assert!(fields.iter().any(|(k, _)| k == "code"), "{fields:?}");

    // Errors travel the same way; a mode Qeet ID does not offer is refused at the client.
    let fresh = app.other_browser();
    let response = fresh.http.get(format!("{url}&prompt=none")).send().await.unwrap();
    let (_, fields) = form_post(response).await;
    assert!(fields.contains(&("error".to_owned(), "login_required".to_owned())), "{fields:?}");
    let (status, location, _) = fresh.browse(&authorize_url(&app, &realm.client_id, "&response_mode=fragment")).await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(query_param(&location.unwrap(), "error").as_deref(), Some("invalid_request"));
}
