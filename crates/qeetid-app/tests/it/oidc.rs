//! An unmodified relying-party library (the `openidconnect` crate) signs a user in.

use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreJwsSigningAlgorithm, CoreProviderMetadata};
use openidconnect::{
    AccessTokenHash, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, RedirectUrl, Scope, TokenResponse,
};
use qeetid_store::testing::TestDatabase;

use crate::support::{EMAIL, PASSWORD, REDIRECT_URI, query_param, spawn_app};

/// A client configured from discovery: authorization endpoint set, token and
/// userinfo endpoints as discovered.
type RelyingParty = CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

/// The `openidconnect` client of the realm's client, configured by discovery, and
/// its HTTP client (redirects off).
async fn relying_party(
    app: &crate::support::TestApp,
    realm: &crate::support::Realm,
) -> (openidconnect::reqwest::Client, RelyingParty) {
    let http = openidconnect::reqwest::ClientBuilder::new()
        .redirect(openidconnect::reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let metadata = CoreProviderMetadata::discover_async(IssuerUrl::new(app.issuer.clone()).unwrap(), &http)
        .await
        .expect("discovery and JWKS are accepted");
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(realm.client_id.clone()),
        Some(ClientSecret::new(realm.client_secret.clone())),
    )
    .set_redirect_uri(RedirectUrl::new(REDIRECT_URI.to_owned()).unwrap());
    (http, client)
}

pub(crate) async fn an_unmodified_relying_party_signs_in(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    let (http, client) = relying_party(&app, &realm).await;

    for round in ["first sign-in", "single sign-on with remembered consent"] {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge)
            .url();

        let landing = app.sign_in_through_pages(url.as_str(), EMAIL, PASSWORD).await;
        if round != "first sign-in" {
            let (_, location, _) = app.browse(url.as_str()).await;
            assert!(location.unwrap().starts_with(REDIRECT_URI), "{round}: no page is shown");
        }
        assert!(landing.starts_with(REDIRECT_URI), "{round}: {landing}");
        assert_eq!(query_param(&landing, "state").as_deref(), Some(state.secret().as_str()), "{round}");
        assert_eq!(query_param(&landing, "iss").as_deref(), Some(app.issuer.as_str()), "{round}: RFC 9207");
        let code = query_param(&landing, "code").unwrap();

        let tokens = client
            .exchange_code(AuthorizationCode::new(code))
            .unwrap()
            .set_pkce_verifier(verifier)
            .request_async(&http)
            .await
            .unwrap_or_else(|e| panic!("{round}: code exchange failed: {e:?}"));
        assert!(tokens.refresh_token().is_some(), "{round}");
        let id_token = tokens.id_token().expect("an ID token");
        let verifier = client.id_token_verifier().set_allowed_algs(vec![CoreJwsSigningAlgorithm::EcdsaP256Sha256]);
        let claims = id_token.claims(&verifier, &nonce).unwrap_or_else(|e| panic!("{round}: ID token rejected: {e:?}"));
        assert_eq!(claims.email().map(|e| e.as_str()), Some(EMAIL));
        assert_eq!(claims.email_verified(), Some(true));
        assert!(claims.subject().as_str().starts_with("usr_"));
        assert!(claims.auth_time().is_some());
        let expected_hash = AccessTokenHash::from_token(
            tokens.access_token(),
            id_token.signing_alg().unwrap(),
            id_token.signing_key(&verifier).unwrap(),
        )
        .unwrap();
        assert_eq!(claims.access_token_hash(), Some(&expected_hash), "{round}: at_hash");
    }
}

/// The payload and header of a JWT, unverified (to read what the server chose).
fn jwt_part(jwt: &str, index: usize) -> serde_json::Value {
    use base64::Engine as _;
    let part = jwt.split('.').nth(index).unwrap();
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

pub(crate) async fn a_client_that_registered_rs256_gets_rs256_id_tokens(db: &TestDatabase) {
    let mut settings = crate::support::settings(db);
    settings.access_token_signing_alg = "RS256".into();
    let app = crate::support::spawn_app_with(settings).await;
    let realm = app.realm().await;
    let discovery = crate::support::get_json(&app, "/.well-known/openid-configuration").await;
    assert_eq!(discovery["id_token_signing_alg_values_supported"], serde_json::json!(["ES256", "RS256"]));
    let jwks = crate::support::get_json(&app, "/.well-known/jwks.json").await;
    let kinds: Vec<&str> = jwks["keys"].as_array().unwrap().iter().filter_map(|k| k["alg"].as_str()).collect();
    assert!(kinds.contains(&"ES256") && kinds.contains(&"RS256"), "{jwks}");

    // The realm's client switches to RS256; a wrong algorithm is refused by name.
    let path = format!("/v1/tenants/{}/oidc/clients/{}", realm.tenant, realm.client_id);
    let wrong = serde_json::json!({ "id_token_signed_response_alg": "HS256" });
    let reply = app.admin(reqwest::Method::PATCH, &path, crate::support::Body::Json(wrong)).await;
    assert_eq!(reply.status, reqwest::StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
    assert_eq!(reply.body["field"], "id_token_signed_response_alg");
    let rs256 = serde_json::json!({ "id_token_signed_response_alg": "RS256" });
    let reply = app.admin(reqwest::Method::PATCH, &path, crate::support::Body::Json(rs256)).await;
    assert_eq!(reply.body["client"]["id_token_signed_response_alg"], "RS256", "{}", reply.body);

    let (http, client) = relying_party(&app, &realm).await;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, _, nonce) = client
        .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
        .add_scope(Scope::new("email".into()))
        .set_pkce_challenge(challenge)
        .url();
    let landing = app.sign_in_through_pages(url.as_str(), EMAIL, PASSWORD).await;
    let code = query_param(&landing, "code").unwrap();
    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .unwrap()
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .expect("code exchange");
    let id_token = tokens.id_token().expect("an ID token");
    // Only RS256 allowed: the library checks the signature against the RSA key.
    let rs256_only = client.id_token_verifier().set_allowed_algs(vec![CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256]);
    let claims = id_token.claims(&rs256_only, &nonce).expect("an RS256 ID token verifies");
    assert_eq!(claims.email().map(|e| e.as_str()), Some(EMAIL));
    let es256_only = client.id_token_verifier().set_allowed_algs(vec![CoreJwsSigningAlgorithm::EcdsaP256Sha256]);
    assert!(id_token.claims(&es256_only, &nonce).is_err(), "not an ES256 token");

    // The deployment signs access tokens with RS256 here, and its own endpoints accept them.
    let access = tokens.access_token().secret();
    assert_eq!(jwt_part(access, 0)["alg"], "RS256");
    let userinfo = app.http.get(format!("{}/v1/oauth/userinfo", app.base)).bearer_auth(access).send().await.unwrap();
    assert_eq!(userinfo.status(), reqwest::StatusCode::OK);

    // Signed UserInfo (OIDC Core §5.3.2): the library asks for and verifies it.
    let signed = serde_json::json!({ "userinfo_signed_response_alg": "RS256" });
    let reply = app.admin(reqwest::Method::PATCH, &path, crate::support::Body::Json(signed)).await;
    assert_eq!(reply.body["client"]["userinfo_signed_response_alg"], "RS256", "{}", reply.body);
    let info: openidconnect::core::CoreUserInfoClaims = client
        .user_info(tokens.access_token().clone(), None)
        .expect("a userinfo endpoint")
        .require_signed_response(true)
        .request_async(&http)
        .await
        .expect("a signed UserInfo answer that verifies");
    assert_eq!(info.email().map(|e| e.as_str()), Some(EMAIL));
    let raw = app.http.get(format!("{}/v1/oauth/userinfo", app.base)).bearer_auth(access).send().await.unwrap();
    assert_eq!(raw.headers()["content-type"], "application/jwt");
    let jwt = raw.text().await.unwrap();
    assert_eq!(jwt_part(&jwt, 0)["alg"], "RS256");
    assert_eq!(jwt_part(&jwt, 1)["aud"], realm.client_id.as_str());
    // Back to plain JSON.
    let plain = serde_json::json!({ "userinfo_signed_response_alg": "" });
    let reply = app.admin(reqwest::Method::PATCH, &path, crate::support::Body::Json(plain)).await;
    assert_eq!(reply.body["client"]["userinfo_signed_response_alg"], serde_json::Value::Null, "{}", reply.body);
}

pub(crate) async fn the_claims_parameter_asks_for_individual_claims(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    let (http, client) = relying_party(&app, &realm).await;
    let discovery = crate::support::get_json(&app, "/.well-known/openid-configuration").await;
    assert_eq!(discovery["claims_parameter_supported"], serde_json::json!(true));

    // Only `openid` as scope: the e-mail for the ID token and the name from UserInfo
    // are asked for one by one; `phone_number` is not a claim Qeet ID has.
    let asked = serde_json::json!({
        "id_token": { "email": { "essential": true }, "auth_time": { "essential": true } },
        "userinfo": { "name": null, "phone_number": null }
    });
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, _, nonce) = client
        .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
        .set_pkce_challenge(challenge)
        .add_extra_param("claims", asked.to_string())
        .url();
    let (_, login, _) = app.browse(url.as_str()).await;
    let (_, _, page) = app.browse(&login.clone().unwrap()).await;
    let form = [
        ("request", crate::support::hidden(&page, "request")),
        ("csrf_token", crate::support::hidden(&page, "csrf_token")),
        ("email", EMAIL.to_owned()),
        ("password", PASSWORD.to_owned()),
    ];
    let response = app.http.post(format!("{}/login", app.issuer)).form(&form).send().await.unwrap();
    let consent = response.headers()["location"].to_str().unwrap().to_owned();
    let (_, _, page) = app.browse(&consent).await;
    assert!(page.contains("See your e-mail address") && page.contains("See your name"), "the user is asked: {page}");
    let landing = app.sign_in_through_pages(url.as_str(), EMAIL, PASSWORD).await;
    let code = query_param(&landing, "code").unwrap_or_else(|| panic!("{landing}"));
    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .unwrap()
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .unwrap();
    let verifier = client.id_token_verifier();
    let claims = tokens.id_token().unwrap().claims(&verifier, &nonce).unwrap();
    assert_eq!(claims.email().map(|e| e.as_str()), Some(EMAIL));
    assert!(claims.auth_time().is_some());
    let info = userinfo(&app, tokens.access_token().secret()).await;
    assert_eq!(info["name"], serde_json::json!("Ada Lovelace"), "{info}");
    assert!(info.get("phone_number").is_none());

    // A claims parameter that is not a claims request is invalid_request, at the client.
    let (url, _, _) = client
        .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
        .add_extra_param("claims", "[1,2]")
        .url();
    let (_, location, _) = app.browse(url.as_str()).await;
    let location = location.unwrap();
    assert!(location.starts_with(REDIRECT_URI), "{location}");
    assert_eq!(query_param(&location, "error").as_deref(), Some("invalid_request"));
}

/// UserInfo's JSON for `access_token`.
async fn userinfo(app: &crate::support::TestApp, access_token: &str) -> serde_json::Value {
    let reply = app.http.get(format!("{}/v1/oauth/userinfo", app.base)).bearer_auth(access_token).send().await.unwrap();
    reply.json().await.unwrap()
}

/// A confidential client of `tenant` with `REDIRECT_URI` and `extra` settings, as a realm.
async fn client_with(app: &crate::support::TestApp, tenant: &str, extra: serde_json::Value) -> crate::support::Realm {
    let mut body = serde_json::json!({
        "tenant_id": tenant, "name": "Pairwise", "type": "confidential", "redirect_uris": [REDIRECT_URI],
        "grant_types": ["authorization_code", "refresh_token"], "scopes": ["openid", "profile", "email", "offline_access"]
    });
    if let (serde_json::Value::Object(b), serde_json::Value::Object(e)) = (&mut body, extra) {
        b.extend(e);
    }
    let reply = app.admin(reqwest::Method::POST, "/v1/oidc/clients", crate::support::Body::Json(body.clone())).await;
    assert_eq!(reply.status, reqwest::StatusCode::CREATED, "{}", reply.body);
    crate::support::Realm {
        tenant: tenant.to_owned(),
        client_id: reply.body["client"]["id"].as_str().unwrap().to_owned(),
        client_secret: reply.body["client_secret"].as_str().unwrap().to_owned(),
    }
}

pub(crate) async fn pairwise_clients_see_a_subject_of_their_sector(db: &TestDatabase) {
    use crate::support::{Body, post_form};
    use crate::token_services::{s, tokens};
    use reqwest::{Method, StatusCode};
    let documents = crate::documents::DocumentServer::start().await;
    let mut settings = crate::support::settings(db);
    settings.outbound_ca_file = documents.ca_file.display().to_string();
    let app = crate::support::spawn_app_with(settings).await;
    let realm = app.realm().await;
    let discovery = crate::support::get_json(&app, "/.well-known/openid-configuration").await;
    assert_eq!(discovery["subject_types_supported"], serde_json::json!(["public", "pairwise"]));

    // The realm's client turns pairwise: its sector is its redirect URIs' one host.
    let path = format!("/v1/tenants/{}/oidc/clients/{}", realm.tenant, realm.client_id);
    let reply = app.admin(Method::PATCH, &path, Body::Json(serde_json::json!({ "subject_type": "pairwise" }))).await;
    assert_eq!((reply.status, reply.body["client"]["subject_type"].as_str()), (StatusCode::OK, Some("pairwise")));
    // A second client on the same host shares the sector; a third names another one.
    let same_sector = client_with(&app, &realm.tenant, serde_json::json!({ "subject_type": "pairwise" })).await;
    documents.serve("/sector.json", serde_json::json!([REDIRECT_URI, "https://other.example/cb"]));
    let sector_uri = format!("{}/sector.json", documents.base);
    let other_sector = client_with(
        &app,
        &realm.tenant,
        serde_json::json!({ "subject_type": "pairwise", "sector_identifier_uri": sector_uri }),
    )
    .await;
    // A sector document that leaves a redirect URI out is refused, naming the field.
    documents.serve("/short.json", serde_json::json!(["https://other.example/cb"]));
    let body = serde_json::json!({ "tenant_id": realm.tenant, "name": "X", "type": "confidential",
        "redirect_uris": [REDIRECT_URI], "subject_type": "pairwise",
        "sector_identifier_uri": format!("{}/short.json", documents.base) });
    let reply = app.admin(Method::POST, "/v1/oidc/clients", Body::Json(body)).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
    assert_eq!(reply.body["field"], "sector_identifier_uri");
    assert!(reply.body["message"].as_str().unwrap().contains("does not list"), "{}", reply.body);

    // An unmodified relying party verifies the pairwise ID token.
    let (http, client) = relying_party(&app, &realm).await;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, _, nonce) = client
        .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
        .add_scope(Scope::new("offline_access".into()))
        .set_pkce_challenge(challenge)
        .url();
    let landing = app.sign_in_through_pages(url.as_str(), EMAIL, PASSWORD).await;
    let tokens_a = client
        .exchange_code(AuthorizationCode::new(query_param(&landing, "code").unwrap()))
        .unwrap()
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .unwrap();
    let claims = tokens_a.id_token().unwrap().claims(&client.id_token_verifier(), &nonce).unwrap();
    let sub = claims.subject().as_str().to_owned();
    assert!(!sub.starts_with("usr_") && sub.len() == 43, "a pairwise value: {sub}");

    // UserInfo, introspection and the access token all say the same sub.
    let access = tokens_a.access_token().secret().clone();
    let info = userinfo(&app, &access).await;
    assert_eq!(info["sub"], serde_json::json!(sub), "{info}");
    let creds = Some((realm.client_id.as_str(), realm.client_secret.as_str()));
    let (_, introspected) = post_form(&app, "/v1/oauth/introspect", creds, &[("token", access.as_str())]).await;
    assert_eq!((introspected["active"].as_bool(), introspected["sub"].as_str()), (Some(true), Some(sub.as_str())));
    let refresh = tokens_a.refresh_token().unwrap().secret().clone();
    let (_, introspected) = post_form(&app, "/v1/oauth/introspect", creds, &[("token", refresh.as_str())]).await;
    assert_eq!(introspected["sub"].as_str(), Some(sub.as_str()), "{introspected}");

    // The admin API shows each grant with the sub its client sees.
    let grants = app
        .admin(
            Method::GET,
            &format!("/v1/tenants/{}/oauth/grants?client_id={}", realm.tenant, realm.client_id),
            Body::None,
        )
        .await;
    assert_eq!(grants.body["grants"][0]["subject"].as_str(), Some(sub.as_str()), "{}", grants.body);
    assert!(grants.body["grants"][0]["user_id"].as_str().unwrap().starts_with("usr_"));

    // Same sector, same sub; another sector, another one.
    let same = tokens(&app, &same_sector).await;
    let other = tokens(&app, &other_sector).await;
    let sub_of = |t: &serde_json::Value| jwt_part(&s(&t["id_token"]), 1)["sub"].as_str().unwrap().to_owned();
    assert_eq!(sub_of(&same), sub);
    assert_ne!(sub_of(&other), sub);
    let info = userinfo(&app, &s(&other["access_token"])).await;
    assert_eq!(info["sub"].as_str(), Some(sub_of(&other).as_str()));
}
