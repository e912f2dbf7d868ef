//! Sender-constrained and high-security clients through the public interface:
//! `private_key_jwt` (RFC 7523), pushed authorization requests (RFC 9126), DPoP
//! (RFC 9449) and the FAPI 2.0 switch; every JWT the client signs is made by an
//! independent JOSE library (`jsonwebtoken`).

use base64::Engine as _;
use qeetid_store::testing::TestDatabase;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::request_objects::{ClientKey, client_key, now};
use crate::support::{
    Body, CHALLENGE, EMAIL, PASSWORD, REDIRECT_URI, Realm, TestApp, VERIFIER, authorize_url, claims_of, get_json,
    post_form, query_param, redeem, settings, spawn_app, spawn_app_with,
};

const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// A client assertion of `client_id` for `aud`, living `seconds`, with `jti`.
fn assertion(key: &ClientKey, client_id: &str, aud: &str, seconds: i64, jti: &str) -> String {
    let claims = json!({ "iss": client_id, "sub": client_id, "aud": aud, "iat": now(),
        "exp": now() + seconds, "jti": jti });
    key.sign_as("JWT", &claims)
}

/// A POST of `form` to `path` with extra headers: status, headers and JSON.
async fn post(
    app: &TestApp,
    path: &str,
    headers: &[(&str, &str)],
    form: &[(&str, &str)],
) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let mut request = app.http.post(format!("{}{path}", app.base)).form(form);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    (status, headers, serde_json::from_str(&response.text().await.unwrap()).unwrap_or(Value::Null))
}

/// The claims of a DPoP proof for `method` `url`, with `ath` of `token` when given.
fn proof_claims(method: &str, url: &str, jti: &str, token: Option<&str>) -> Value {
    let mut claims = json!({ "htm": method, "htu": url, "iat": now(), "jti": jti });
    if let Some(token) = token {
        use sha2::Digest as _;
        let ath = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(token.as_bytes()));
        claims["ath"] = json!(ath);
    }
    claims
}

async fn patch_client(app: &TestApp, realm: &Realm, body: Value) -> Reply {
    let path = format!("/v1/tenants/{}/oidc/clients/{}", realm.tenant, realm.client_id);
    app.admin(Method::PATCH, &path, Body::Json(body)).await
}

type Reply = crate::support::Reply;

pub(crate) async fn private_key_jwt_authenticates_with_a_fresh_assertion(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    let discovery = get_json(&app, "/.well-known/openid-configuration").await;
    assert!(discovery["token_endpoint_auth_methods_supported"].as_array().unwrap().contains(&json!("private_key_jwt")));
    let key = client_key("k1");

    // The method needs keys; then the secret no longer works.
    let no_keys = patch_client(&app, &realm, json!({ "token_endpoint_auth_method": "private_key_jwt" })).await;
    assert_eq!(no_keys.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", no_keys.body);
    assert_eq!(no_keys.body["field"], "token_endpoint_auth_method");
    let client = patch_client(
        &app,
        &realm,
        json!({ "token_endpoint_auth_method": "private_key_jwt", "jwks": { "keys": [key.jwk] } }),
    )
    .await;
    assert_eq!(client.status, StatusCode::OK, "{}", client.body);
    assert_eq!(client.body["client"]["token_endpoint_auth_method"], "private_key_jwt");
    let credentials = [("grant_type", "client_credentials"), ("scope", "api:read")];
    let (status, body) =
        post_form(&app, "/v1/oauth/token", Some((&realm.client_id, &realm.client_secret)), &credentials).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_client")), "{body}");

    let with = |assertion: &str| {
        let mut form = credentials.to_vec();
        form.extend([("client_assertion_type", ASSERTION_TYPE), ("client_assertion", assertion)]);
        form.into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect::<Vec<_>>()
    };
    let send = |form: Vec<(String, String)>| {
        let app = &app;
        async move {
            let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            post_form(app, "/v1/oauth/token", None, &pairs).await
        }
    };
    // The issuer as aud (FAPI 2.0), or the token endpoint (RFC 7523); no client_id needed.
    let good = assertion(&key, &realm.client_id, &app.issuer, 60, "j-1");
    let (status, body) = send(with(&good)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let token_aud = assertion(&key, &realm.client_id, &format!("{}/v1/oauth/token", app.issuer), 60, "j-2");
    assert_eq!(send(with(&token_aud)).await.0, StatusCode::OK);

    // A replayed jti, a wrong aud, a long life, another key, the wrong client: refused.
    let other = client_key("k1");
    for (bad, why) in [
        (good.clone(), "replayed"),
        (assertion(&key, &realm.client_id, "https://elsewhere.example", 60, "j-3"), "aud"),
        (assertion(&key, &realm.client_id, &app.issuer, 7_200, "j-4"), "exp"),
        (assertion(&key, &realm.client_id, &app.issuer, -10, "j-5"), "expired"),
        (assertion(&other, &realm.client_id, &app.issuer, 60, "j-6"), "signature"),
    ] {
        let (status, body) = send(with(&bad)).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_client")), "{why}");
    }
    // A MAC-signed assertion (alg confusion with the public key) is refused too.
    let claims = json!({ "iss": realm.client_id, "sub": realm.client_id, "aud": app.issuer,
        "exp": now() + 60, "jti": "j-7" });
    let hmac = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(key.jwk["x"].as_str().unwrap().as_bytes()),
    )
    .unwrap();
    assert_eq!(send(with(&hmac)).await.0, StatusCode::UNAUTHORIZED);

    // Dynamic registration (RFC 7591) with keys: no secret is handed out.
    let initial = app
        .admin(
            Method::POST,
            &format!("/v1/tenants/{}/oauth/initial-access-tokens", realm.tenant),
            Body::Json(json!({ "label": "keys" })),
        )
        .await;
    let registration = app
        .http
        .post(format!("{}/v1/oauth/register", app.base))
        .bearer_auth(initial.body["token"].as_str().unwrap())
        .json(&json!({ "redirect_uris": [REDIRECT_URI], "token_endpoint_auth_method": "private_key_jwt",
            "jwks": { "keys": [key.jwk] } }))
        .send()
        .await
        .unwrap();
    assert_eq!(registration.status(), StatusCode::CREATED);
    let registered: Value = registration.json().await.unwrap();
    assert_eq!(registered["token_endpoint_auth_method"], "private_key_jwt");
    assert!(registered.get("client_secret").is_none(), "{registered}");
    let id = registered["client_id"].as_str().unwrap();
    let mut form = vec![("grant_type", "authorization_code"), ("code", "qac_unknown"), ("redirect_uri", REDIRECT_URI)];
    let own = assertion(&key, id, &app.issuer, 60, "r-1");
    form.extend([("client_assertion_type", ASSERTION_TYPE), ("client_assertion", own.as_str())]);
    let (status, body) = post_form(&app, "/v1/oauth/token", None, &form).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant")),
        "authenticated: {body}"
    );

    // Introspection and revocation take the assertion too.
    let (_, issued) = send(with(&assertion(&key, &realm.client_id, &app.issuer, 60, "j-8"))).await;
    let introspect = assertion(&key, &realm.client_id, &format!("{}/v1/oauth/introspect", app.issuer), 60, "j-9");
    let form = [
        ("token", issued["access_token"].as_str().unwrap()),
        ("client_assertion_type", ASSERTION_TYPE),
        ("client_assertion", &introspect),
    ];
    let (status, body) = post_form(&app, "/v1/oauth/introspect", None, &form).await;
    assert_eq!((status, body["active"].as_bool()), (StatusCode::OK, Some(true)), "{body}");
}

pub(crate) async fn pushed_authorization_requests_are_used_once(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    let discovery = get_json(&app, "/.well-known/openid-configuration").await;
    assert_eq!(discovery["pushed_authorization_request_endpoint"], format!("{}/v1/oauth/par", app.issuer));
    let basic = Some((realm.client_id.as_str(), realm.client_secret.as_str()));
    let request = [
        ("response_type", "code"),
        ("redirect_uri", REDIRECT_URI),
        ("scope", "openid email"),
        ("state", "pushed"),
        ("nonce", "n-pushed"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ];
    let (status, pushed) = post_form(&app, "/v1/oauth/par", basic, &request).await;
    assert_eq!(status, StatusCode::CREATED, "{pushed}");
    assert_eq!(pushed["expires_in"], 60);
    let uri = pushed["request_uri"].as_str().unwrap();
    assert!(uri.starts_with("urn:ietf:params:oauth:request_uri:"), "{uri}");

    // The authorization request names the client and the request_uri; other
    // parameters beside them are ignored.
    let encoded: String = url::form_urlencoded::byte_serialize(uri.as_bytes()).collect();
    let url =
        format!("{}/v1/oauth/authorize?client_id={}&request_uri={encoded}&state=ignored", app.issuer, realm.client_id);
    let landing = app.sign_in_through_pages(&url, EMAIL, PASSWORD).await;
    assert!(landing.starts_with(REDIRECT_URI), "{landing}");
    assert_eq!(query_param(&landing, "state").as_deref(), Some("pushed"));
    let tokens = redeem(&app, &realm, &landing).await;
    assert_eq!(claims_of(tokens["id_token"].as_str().unwrap())["nonce"], "n-pushed");

    // Used once; never by another client; never unknown.
    let (status, _, page) = app.browse(&url).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{page}");
    assert!(page.contains("invalid_request_uri") || page.contains("request_uri"), "{page}");
    let other = app.realm_client(&realm.tenant).await;
    let (_, pushed) = post_form(&app, "/v1/oauth/par", basic, &request).await;
    let stolen: String =
        url::form_urlencoded::byte_serialize(pushed["request_uri"].as_str().unwrap().as_bytes()).collect();
    let (status, _, _) = app
        .browse(&format!("{}/v1/oauth/authorize?client_id={}&request_uri={stolen}", app.issuer, other.client_id))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // What the authorization endpoint would refuse is refused at once, in JSON.
    let mut bad_redirect = request.to_vec();
    bad_redirect[1] = ("redirect_uri", "https://evil.example/cb");
    let (status, body) = post_form(&app, "/v1/oauth/par", basic, &bad_redirect).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_request")), "{body}");
    let mut nested = request.to_vec();
    nested.push(("request_uri", "urn:ietf:params:oauth:request_uri:x"));
    assert_eq!(post_form(&app, "/v1/oauth/par", basic, &nested).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(
        post_form(&app, "/v1/oauth/par", Some((&realm.client_id, "wrong")), &request).await.0,
        StatusCode::UNAUTHORIZED
    );

    // A client that requires PAR is refused a plain request, at its redirect URI.
    let reply = patch_client(&app, &realm, json!({ "require_pushed_authorization_requests": true })).await;
    assert_eq!(reply.body["client"]["require_pushed_authorization_requests"], true);
    let (status, location, _) = app.browse(&authorize_url(&app, &realm.client_id, "openid", "plain", "")).await;
    assert_eq!(status, StatusCode::FOUND);
    let location = location.unwrap();
    assert_eq!(query_param(&location, "error").as_deref(), Some("invalid_request"), "{location}");
    // So is every client of a tenant that requires it.
    patch_client(&app, &realm, json!({ "require_pushed_authorization_requests": false })).await;
    let tenant = app
        .admin(
            Method::PATCH,
            &format!("/v1/tenants/{}", realm.tenant),
            Body::Json(json!({ "require_pushed_authorization_requests": true })),
        )
        .await;
    assert_eq!(tenant.body["tenant"]["require_pushed_authorization_requests"], true, "{}", tenant.body);
    let (_, location, _) = app.browse(&authorize_url(&app, &other.client_id, "openid", "plain", "")).await;
    assert_eq!(query_param(&location.unwrap(), "error").as_deref(), Some("invalid_request"));
}

pub(crate) async fn dpop_binds_tokens_to_the_clients_key(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    let discovery = get_json(&app, "/.well-known/openid-configuration").await;
    assert!(discovery["dpop_signing_alg_values_supported"].as_array().unwrap().contains(&json!("ES256")));
    let key = client_key("dpop");
    let token_url = format!("{}/v1/oauth/token", app.issuer);
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", realm.client_id, realm.client_secret))
    );
    let credentials = [("grant_type", "client_credentials"), ("scope", "api:read")];

    let proof = key.dpop(&proof_claims("POST", &token_url, "p-1", None));
    let (status, _, body) =
        post(&app, "/v1/oauth/token", &[("authorization", &basic), ("dpop", &proof)], &credentials).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["token_type"], "DPoP");
    let access = body["access_token"].as_str().unwrap().to_owned();
    let jkt = claims_of(&access)["cnf"]["jkt"].as_str().unwrap().to_owned();
    assert_eq!(jkt.len(), 43, "a base64url SHA-256 thumbprint");

    // Introspection says it is bound, and to which key.
    let (_, introspected) =
        post_form(&app, "/v1/oauth/introspect", Some((&realm.client_id, &realm.client_secret)), &[("token", &access)])
            .await;
    assert_eq!(
        (introspected["cnf"]["jkt"].as_str(), introspected["token_type"].as_str()),
        (Some(jkt.as_str()), Some("DPoP"))
    );

    // A replayed proof, one for another URL, a stale one, a malformed one: refused.
    let stale = json!({ "htm": "POST", "htu": token_url, "iat": now() - 3_600, "jti": "p-3" });
    for (bad, why) in [
        (proof.clone(), "replayed"),
        (key.dpop(&proof_claims("POST", &format!("{}/v1/oauth/userinfo", app.issuer), "p-2", None)), "htu"),
        (key.dpop(&stale), "iat"),
        ("not.a.proof".to_owned(), "malformed"),
    ] {
        let (status, _, body) =
            post(&app, "/v1/oauth/token", &[("authorization", &basic), ("dpop", &bad)], &credentials).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (StatusCode::BAD_REQUEST, Some("invalid_dpop_proof")),
            "{why}: {body}"
        );
    }

    // A client that must use DPoP gets no bearer token.
    patch_client(&app, &realm, json!({ "dpop_bound_access_tokens": true })).await;
    let (status, _, body) = post(&app, "/v1/oauth/token", &[("authorization", &basic)], &credentials).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_dpop_proof")), "{body}");
    patch_client(&app, &realm, json!({ "dpop_bound_access_tokens": false })).await;

    // A public client: the code flow with DPoP, UserInfo with the DPoP scheme, and a
    // refresh token bound to the key.
    let public = json!({ "tenant_id": realm.tenant, "name": "Acme SPA", "type": "public",
        "redirect_uris": [REDIRECT_URI], "grant_types": ["authorization_code", "refresh_token"],
        "scopes": ["openid", "email", "offline_access"] });
    let reply = app.admin(Method::POST, "/v1/oidc/clients", Body::Json(public)).await;
    let spa = reply.body["client"]["id"].as_str().unwrap().to_owned();
    let landing = app
        .sign_in_through_pages(
            &authorize_url(&app, &spa, "openid%20email%20offline_access", "spa", ""),
            EMAIL,
            PASSWORD,
        )
        .await;
    let code = query_param(&landing, "code").unwrap();
    let exchange = [
        ("grant_type", "authorization_code"),
        ("client_id", &spa),
        ("code", &code),
        ("redirect_uri", REDIRECT_URI),
        ("code_verifier", VERIFIER),
    ];
    let proof = key.dpop(&proof_claims("POST", &token_url, "p-10", None));
    let (status, _, tokens) = post(&app, "/v1/oauth/token", &[("dpop", &proof)], &exchange).await;
    assert_eq!((status, tokens["token_type"].as_str()), (StatusCode::OK, Some("DPoP")), "{tokens}");
    let access = tokens["access_token"].as_str().unwrap().to_owned();

    let userinfo_url = format!("{}/v1/oauth/userinfo", app.issuer);
    let scheme = format!("DPoP {access}");
    let proof = key.dpop(&proof_claims("GET", &userinfo_url, "p-11", Some(&access)));
    let response =
        app.http.get(&userinfo_url).header("authorization", &scheme).header("dpop", &proof).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.json::<Value>().await.unwrap()["email"], EMAIL);
    // As a bearer token, without a proof, or with a proof without ath: refused.
    let as_bearer = app.http.get(&userinfo_url).bearer_auth(&access).send().await.unwrap();
    assert_eq!(as_bearer.status(), StatusCode::UNAUTHORIZED);
    let no_proof = app.http.get(&userinfo_url).header("authorization", &scheme).send().await.unwrap();
    assert_eq!(no_proof.status(), StatusCode::UNAUTHORIZED);
    assert!(no_proof.headers()["www-authenticate"].to_str().unwrap().starts_with("DPoP "));
    let without_ath = key.dpop(&proof_claims("GET", &userinfo_url, "p-12", None));
    let response =
        app.http.get(&userinfo_url).header("authorization", &scheme).header("dpop", &without_ath).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    // Another key's proof does not use this token.
    let thief = client_key("thief");
    let stolen = thief.dpop(&proof_claims("GET", &userinfo_url, "p-13", Some(&access)));
    let response =
        app.http.get(&userinfo_url).header("authorization", &scheme).header("dpop", &stolen).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

    // The refresh token needs a proof of the same key.
    let refresh_token = tokens["refresh_token"].as_str().unwrap();
    let refresh = [("grant_type", "refresh_token"), ("client_id", &spa), ("refresh_token", refresh_token)];
    let thief_proof = thief.dpop(&proof_claims("POST", &token_url, "p-14", None));
    let (status, _, body) = post(&app, "/v1/oauth/token", &[("dpop", &thief_proof)], &refresh).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_dpop_proof")), "{body}");
    let (status, _, body) = post(&app, "/v1/oauth/token", &[], &refresh).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let proof = key.dpop(&proof_claims("POST", &token_url, "p-15", None));
    let (status, _, body) = post(&app, "/v1/oauth/token", &[("dpop", &proof)], &refresh).await;
    assert_eq!((status, body["token_type"].as_str()), (StatusCode::OK, Some("DPoP")), "{body}");
}

pub(crate) async fn dpop_nonces_are_asked_for_when_required(db: &TestDatabase) {
    let mut s = settings(db);
    s.dpop_require_nonce = true;
    let app = spawn_app_with(s).await;
    let realm = app.realm().await;
    let key = client_key("nonce");
    let token_url = format!("{}/v1/oauth/token", app.issuer);
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", realm.client_id, realm.client_secret))
    );
    let credentials = [("grant_type", "client_credentials")];
    let proof = key.dpop(&proof_claims("POST", &token_url, "n-1", None));
    let (status, headers, body) =
        post(&app, "/v1/oauth/token", &[("authorization", &basic), ("dpop", &proof)], &credentials).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("use_dpop_nonce")), "{body}");
    let nonce = headers["dpop-nonce"].to_str().unwrap().to_owned();
    let mut claims = proof_claims("POST", &token_url, "n-2", None);
    claims["nonce"] = json!(nonce);
    let (status, _, body) =
        post(&app, "/v1/oauth/token", &[("authorization", &basic), ("dpop", &key.dpop(&claims))], &credentials).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mut forged = proof_claims("POST", &token_url, "n-3", None);
    forged["nonce"] = json!("made-up");
    let (status, _, body) =
        post(&app, "/v1/oauth/token", &[("authorization", &basic), ("dpop", &key.dpop(&forged))], &credentials).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("use_dpop_nonce")));
}

pub(crate) async fn a_fapi2_tenant_takes_only_the_baseline(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    let key = client_key("fapi");
    let reply =
        app.admin(Method::PATCH, &format!("/v1/tenants/{}", realm.tenant), Body::Json(json!({ "fapi2": true }))).await;
    assert_eq!(reply.body["tenant"]["fapi2"], true, "{}", reply.body);

    // A client with a secret: refused at the token endpoint and at PAR.
    let basic = Some((realm.client_id.as_str(), realm.client_secret.as_str()));
    let (status, body) = post_form(&app, "/v1/oauth/token", basic, &[("grant_type", "client_credentials")]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert!(body["error_description"].as_str().unwrap().contains("FAPI 2.0"), "{body}");
    // A plain authorization request: refused.
    let (_, location, _) = app.browse(&authorize_url(&app, &realm.client_id, "openid", "plain", "")).await;
    assert_eq!(query_param(&location.unwrap(), "error").as_deref(), Some("invalid_request"));

    // With private_key_jwt, PAR, PKCE and DPoP, the flow works.
    let reply = patch_client(
        &app,
        &realm,
        json!({ "token_endpoint_auth_method": "private_key_jwt", "jwks": { "keys": [key.jwk] }, "fapi2": true }),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let par_assertion = assertion(&key, &realm.client_id, &app.issuer, 60, "f-1");
    let without_pkce = [
        ("response_type", "code"),
        ("client_id", realm.client_id.as_str()),
        ("redirect_uri", REDIRECT_URI),
        ("scope", "openid"),
        ("state", "fapi"),
        ("client_assertion_type", ASSERTION_TYPE),
        ("client_assertion", &par_assertion),
    ];
    let (status, body) = post_form(&app, "/v1/oauth/par", None, &without_pkce).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_request")), "{body}");
    let par_assertion = assertion(&key, &realm.client_id, &app.issuer, 60, "f-2");
    let mut pushed = without_pkce.to_vec();
    pushed[6] = ("client_assertion", &par_assertion);
    pushed.extend([("code_challenge", CHALLENGE), ("code_challenge_method", "S256")]);
    let (status, body) = post_form(&app, "/v1/oauth/par", None, &pushed).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let uri: String = url::form_urlencoded::byte_serialize(body["request_uri"].as_str().unwrap().as_bytes()).collect();
    let url = format!("{}/v1/oauth/authorize?client_id={}&request_uri={uri}", app.issuer, realm.client_id);
    let landing = app.sign_in_through_pages(&url, EMAIL, PASSWORD).await;
    assert_eq!(query_param(&landing, "iss").as_deref(), Some(app.issuer.as_str()));
    let code = query_param(&landing, "code").unwrap();
    let token_assertion = assertion(&key, &realm.client_id, &app.issuer, 60, "f-3");
    let exchange = [
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", REDIRECT_URI),
        ("code_verifier", VERIFIER),
        ("client_assertion_type", ASSERTION_TYPE),
        ("client_assertion", &token_assertion),
    ];
    // Without DPoP: refused before the code is looked at; with a proof, DPoP tokens.
    let (status, _, body) = post(&app, "/v1/oauth/token", &[], &exchange).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_dpop_proof")), "{body}");
    let token_assertion = assertion(&key, &realm.client_id, &app.issuer, 60, "f-4");
    let mut exchange = exchange.to_vec();
    exchange[5] = ("client_assertion", &token_assertion);
    let proof = key.dpop(&proof_claims("POST", &format!("{}/v1/oauth/token", app.issuer), "f-5", None));
    let (status, _, body) = post(&app, "/v1/oauth/token", &[("dpop", &proof)], &exchange).await;
    assert_eq!((status, body["token_type"].as_str()), (StatusCode::OK, Some("DPoP")), "{body}");
}

const EXCHANGE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
const ACCESS_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:access_token";

pub(crate) async fn token_exchange_follows_the_clients_policy(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    let discovery = get_json(&app, "/.well-known/openid-configuration").await;
    assert!(discovery["grant_types_supported"].as_array().unwrap().contains(&json!(EXCHANGE)));
    // A gateway that may exchange the web client's users' tokens for the orders API.
    let gateway = json!({ "tenant_id": realm.tenant, "name": "Gateway", "type": "confidential",
        "grant_types": ["client_credentials", EXCHANGE], "scopes": ["api:read", "api:write"],
        "token_exchange": { "audiences": ["https://orders.example"], "scopes": ["api:read"],
                            "subject_clients": [realm.client_id] } });
    let reply = app.admin(Method::POST, "/v1/oidc/clients", Body::Json(gateway)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    assert_eq!(reply.body["client"]["token_exchange"]["impersonation"], false);
    let gateway = Realm {
        tenant: realm.tenant.clone(),
        client_id: reply.body["client"]["id"].as_str().unwrap().to_owned(),
        client_secret: reply.body["client_secret"].as_str().unwrap().to_owned(),
    };
    let no_policy = json!({ "tenant_id": realm.tenant, "name": "Loose", "type": "confidential",
        "grant_types": [EXCHANGE] });
    let reply = app.admin(Method::POST, "/v1/oidc/clients", Body::Json(no_policy)).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "the grant needs a policy: {}", reply.body);

    // Ada's tokens at the web client.
    let landing = app
        .sign_in_through_pages(&authorize_url(&app, &realm.client_id, "openid%20api:read", "x", ""), EMAIL, PASSWORD)
        .await;
    let user_tokens = redeem(&app, &realm, &landing).await;
    let subject = user_tokens["access_token"].as_str().unwrap().to_owned();
    let ada = claims_of(&subject)["sub"].as_str().unwrap().to_owned();
    let gateway_basic = Some((gateway.client_id.as_str(), gateway.client_secret.as_str()));
    let (_, own) = post_form(&app, "/v1/oauth/token", gateway_basic, &[("grant_type", "client_credentials")]).await;
    let actor = own["access_token"].as_str().unwrap().to_owned();

    // Delegation: the gateway acts for Ada at the orders API.
    let delegated = |subject: &str, extra: &[(&'static str, &'static str)]| {
        let mut form = vec![
            ("grant_type", EXCHANGE.to_owned()),
            ("subject_token", subject.to_owned()),
            ("subject_token_type", ACCESS_TOKEN_TYPE.to_owned()),
            ("actor_token", actor.clone()),
            ("actor_token_type", ACCESS_TOKEN_TYPE.to_owned()),
        ];
        form.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
        form
    };
    let gw = (gateway.client_id.as_str(), gateway.client_secret.as_str());
    let (status, exchanged) = exchange(&app, gw, delegated(&subject, &[("audience", "https://orders.example")])).await;
    assert_eq!(status, StatusCode::OK, "{exchanged}");
    assert_eq!(exchanged["issued_token_type"], ACCESS_TOKEN_TYPE);
    assert_eq!(exchanged["token_type"], "Bearer");
    assert!(exchanged.get("refresh_token").is_none());
    let claims = claims_of(exchanged["access_token"].as_str().unwrap());
    assert_eq!(
        (claims["sub"].as_str(), claims["aud"].as_str(), claims["client_id"].as_str(), claims["scope"].as_str()),
        (Some(ada.as_str()), Some("https://orders.example"), Some(gateway.client_id.as_str()), Some("api:read"))
    );
    assert_eq!(claims["act"]["sub"], gateway.client_id);

    // The orders API introspects it: live, with act; and the record is kept for Ada.
    let token = exchanged["access_token"].as_str().unwrap();
    let (_, seen) = post_form(&app, "/v1/oauth/introspect", gateway_basic, &[("token", token)]).await;
    assert_eq!((seen["active"].as_bool(), seen["act"]["sub"].as_str()), (Some(true), Some(gateway.client_id.as_str())));
    let audit =
        app.admin(Method::GET, &format!("/v1/tenants/{}/users/{ada}/token-exchanges", realm.tenant), Body::None).await;
    assert_eq!(audit.status, StatusCode::OK, "{}", audit.body);
    assert_eq!(audit.body["token_exchanges"][0]["actor"], gateway.client_id);
    assert_eq!(audit.body["token_exchanges"][0]["subject_client_id"], realm.client_id);

    // Outside the policy: impersonation, another audience, a wider scope, a client
    // without a policy.
    let mut impersonate = delegated(&subject, &[]);
    impersonate.truncate(3);
    let (status, body) = exchange(&app, gw, impersonate).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_request")), "{body}");
    let (status, body) = exchange(&app, gw, delegated(&subject, &[("audience", "https://billing.example")])).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_target")), "{body}");
    let (status, body) = exchange(&app, gw, delegated(&subject, &[("scope", "api:write")])).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_scope")), "{body}");
    let web = (realm.client_id.as_str(), realm.client_secret.as_str());
    let (status, body) = exchange(&app, web, delegated(&subject, &[])).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("unauthorized_client")), "{body}");
    // A user's token of a client not in subject_clients; a client's own token.
    let other = app.realm_client(&realm.tenant).await;
    let landing =
        app.sign_in_through_pages(&authorize_url(&app, &other.client_id, "openid", "o", ""), EMAIL, PASSWORD).await;
    let others = redeem(&app, &other, &landing).await;
    let (status, body) = exchange(&app, gw, delegated(others["access_token"].as_str().unwrap(), &[])).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_request")), "{body}");
    assert!(body["error_description"].as_str().unwrap().contains("that client"), "{body}");
    let (status, body) = exchange(&app, gw, delegated(&actor, &[])).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_request")), "{body}");

    // An ID token as the subject works too.
    let mut by_id_token = delegated(user_tokens["id_token"].as_str().unwrap(), &[]);
    by_id_token[2].1 = "urn:ietf:params:oauth:token-type:id_token".into();
    let (status, body) = exchange(&app, gw, by_id_token).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Revoking Ada's grant to the web client ends the exchanged token too.
    let grants = app
        .admin(
            Method::GET,
            &format!("/v1/tenants/{}/oauth/grants?user_id={ada}&client_id={}", realm.tenant, realm.client_id),
            Body::None,
        )
        .await;
    let grant = grants.body["grants"][0]["id"].as_str().unwrap().to_owned();
    app.admin(Method::DELETE, &format!("/v1/tenants/{}/oauth/grants/{grant}", realm.tenant), Body::None).await;
    let (_, seen) = post_form(&app, "/v1/oauth/introspect", gateway_basic, &[("token", token)]).await;
    assert_eq!(seen["active"], false);

    // `null` removes the policy (with the grant type, which needs it).
    let path = format!("/v1/tenants/{}/oidc/clients/{}", realm.tenant, gateway.client_id);
    let keep_grant = app.admin(Method::PATCH, &path, Body::Json(json!({ "token_exchange": null }))).await;
    assert_eq!(keep_grant.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", keep_grant.body);
    let removed = json!({ "token_exchange": null, "grant_types": ["client_credentials"] });
    let reply = app.admin(Method::PATCH, &path, Body::Json(removed)).await;
    assert_eq!((reply.status, &reply.body["client"]["token_exchange"]), (StatusCode::OK, &Value::Null));
}

/// A token-exchange request of the client `basic` names.
async fn exchange(app: &TestApp, basic: (&str, &str), form: Vec<(&str, String)>) -> (StatusCode, Value) {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    post_form(app, "/v1/oauth/token", Some(basic), &pairs).await
}
