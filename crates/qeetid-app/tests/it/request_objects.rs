//! Request objects (RFC 9101, OIDC Core §6) through the public interface: signed
//! with the client's registered key by an independent JOSE library
//! (`jsonwebtoken`), by value and by reference, and every way one is refused.

use qeetid_store::testing::TestDatabase;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::documents::DocumentServer;
use crate::support::{
    Body, CHALLENGE, EMAIL, PASSWORD, REDIRECT_URI, Realm, TestApp, VERIFIER, query_param, settings, spawn_app_with,
};
use crate::token_services::token;

/// A P-256 key of the client's: its signing key and its public JWK.
pub(crate) struct ClientKey {
    signing: jsonwebtoken::EncodingKey,
    pub(crate) jwk: Value,
}

/// A new P-256 key with this `kid`.
pub(crate) fn client_key(kid: &str) -> ClientKey {
    use base64::Engine as _;
    let pair = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let point = pair.public_key_raw();
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    ClientKey {
        signing: jsonwebtoken::EncodingKey::from_ec_der(&pair.serialize_der()),
        jwk: json!({ "kty": "EC", "crv": "P-256", "kid": kid, "x": b64(&point[1..33]), "y": b64(&point[33..]) }),
    }
}

impl ClientKey {
    fn sign(&self, claims: &Value) -> String {
        self.sign_as("oauth-authz-req+jwt", claims)
    }

    /// `claims` signed with ES256, with this key's `kid` and header `typ`.
    pub(crate) fn sign_as(&self, typ: &str, claims: &Value) -> String {
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256);
        header.kid = self.jwk["kid"].as_str().map(str::to_owned);
        header.typ = Some(typ.into());
        jsonwebtoken::encode(&header, claims, &self.signing).unwrap()
    }

    /// A DPoP proof (RFC 9449 §4.2) of this key: the public JWK in the header.
    pub(crate) fn dpop(&self, claims: &Value) -> String {
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256);
        header.typ = Some("dpop+jwt".into());
        let mut public = self.jwk.clone();
        public.as_object_mut().unwrap().remove("kid");
        header.jwk = Some(serde_json::from_value(public).unwrap());
        jsonwebtoken::encode(&header, claims, &self.signing).unwrap()
    }
}

/// Now, in Unix seconds.
pub(crate) fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

/// The authorization request of `realm`'s client, as a request object's claims.
fn request_claims(app: &TestApp, realm: &Realm, state: &str) -> Value {
    json!({
        "iss": realm.client_id, "aud": app.issuer, "client_id": realm.client_id, "exp": now() + 300,
        "response_type": "code", "redirect_uri": REDIRECT_URI, "scope": "openid email", "state": state,
        "nonce": "n-object", "code_challenge": CHALLENGE, "code_challenge_method": "S256"
    })
}

async fn patch_client(app: &TestApp, realm: &Realm, body: Value) -> Value {
    let path = format!("/v1/tenants/{}/oidc/clients/{}", realm.tenant, realm.client_id);
    let reply = app.admin(Method::PATCH, &path, Body::Json(body)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.body["client"].clone()
}

/// An authorization request refused with `error` at the registered redirect URI
/// beside the object, with the state beside it (nothing from the object is used).
async fn refused(app: &TestApp, url: &str, error: &str) {
    let (status, location, page) = app.browse(&format!("{url}&redirect_uri={REDIRECT_URI}&state=outer")).await;
    assert_eq!(status, StatusCode::FOUND, "{page}");
    let location = location.unwrap();
    assert!(location.starts_with(REDIRECT_URI), "{location}");
    assert_eq!(query_param(&location, "error").as_deref(), Some(error), "{location}");
    assert_eq!(query_param(&location, "state").as_deref(), Some("outer"));
}

pub(crate) async fn signed_request_objects_carry_the_request(db: &TestDatabase) {
    let documents = DocumentServer::start().await;
    let mut s = settings(db);
    s.outbound_ca_file = documents.ca_file.display().to_string();
    let app = spawn_app_with(s).await;
    let realm = app.realm().await;
    let discovery = crate::support::get_json(&app, "/.well-known/openid-configuration").await;
    assert_eq!(
        (discovery["request_parameter_supported"].as_bool(), discovery["request_uri_parameter_supported"].as_bool()),
        (Some(true), Some(true))
    );
    assert!(discovery["request_object_signing_alg_values_supported"].as_array().unwrap().contains(&json!("ES256")));

    let key = client_key("k1");
    let by_reference = format!("{}/requests/1", documents.base);
    let client =
        patch_client(&app, &realm, json!({ "jwks": { "keys": [key.jwk] }, "request_uris": [by_reference] })).await;
    assert_eq!(client["request_uris"], json!([by_reference]));

    // By value: the object's parameters win over those beside it.
    let object = key.sign(&request_claims(&app, &realm, "from-object"));
    let outer = format!(
        "{}/v1/oauth/authorize?client_id={}&request={object}&state=outer&scope=openid",
        app.issuer, realm.client_id
    );
    let landing = app.sign_in_through_pages(&outer, EMAIL, PASSWORD).await;
    assert!(landing.starts_with(REDIRECT_URI), "{landing}");
    assert_eq!(query_param(&landing, "state").as_deref(), Some("from-object"));
    let code = query_param(&landing, "code").unwrap();
    let form = [
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", REDIRECT_URI),
        ("code_verifier", VERIFIER),
    ];
    let (status, tokens) = token(&app, &realm, &form).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");

    // By reference, from a registered https URL.
    documents.serve("/requests/1", Value::String(key.sign(&request_claims(&app, &realm, "by-reference"))));
    let encoded: String = url::form_urlencoded::byte_serialize(by_reference.as_bytes()).collect();
    let url = format!("{}/v1/oauth/authorize?client_id={}&request_uri={encoded}", app.issuer, realm.client_id);
    let (status, location, page) = app.browse(&url).await;
    assert_eq!(status, StatusCode::FOUND, "{page}");
    assert_eq!(query_param(&location.unwrap(), "state").as_deref(), Some("by-reference"), "single sign-on answers");

    // Refused, never redirected: another key, alg none, claims for someone else, a
    // request_uri that is not registered, both at once.
    let base = format!("{}/v1/oauth/authorize?client_id={}", app.issuer, realm.client_id);
    let stranger = client_key("k1");
    refused(
        &app,
        &format!("{base}&request={}", stranger.sign(&request_claims(&app, &realm, "x"))),
        "invalid_request_object",
    )
    .await;
    use base64::Engine as _;
    let b64 = |text: String| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text);
    let unsigned =
        format!("{}.{}.", b64(r#"{"alg":"none"}"#.into()), b64(request_claims(&app, &realm, "x").to_string()));
    refused(&app, &format!("{base}&request={unsigned}"), "invalid_request_object").await;
    let mut elsewhere = request_claims(&app, &realm, "x");
    elsewhere["aud"] = json!("https://another-provider.example");
    refused(&app, &format!("{base}&request={}", key.sign(&elsewhere)), "invalid_request_object").await;
    let mut expired = request_claims(&app, &realm, "x");
    expired["exp"] = json!(now() - 3600);
    refused(&app, &format!("{base}&request={}", key.sign(&expired)), "invalid_request_object").await;
    let other: String =
        url::form_urlencoded::byte_serialize(format!("{}/requests/2", documents.base).as_bytes()).collect();
    refused(&app, &format!("{base}&request_uri={other}"), "invalid_request_uri").await;
    refused(&app, &format!("{base}&request={object}&request_uri={encoded}"), "invalid_request").await;

    // A client that registered unsigned objects may send them; nobody else may.
    patch_client(&app, &realm, json!({ "request_object_signing_alg": "none" })).await;
    let (status, location, page) = app.browse(&format!("{base}&request={unsigned}")).await;
    assert_eq!(status, StatusCode::FOUND, "{page}");
    assert_eq!(query_param(&location.unwrap(), "state").as_deref(), Some("x"));
    refused(&app, &format!("{base}&request={object}"), "invalid_request_object").await;
}

pub(crate) async fn a_request_uri_on_a_private_address_is_refused(db: &TestDatabase) {
    let documents = DocumentServer::start().await;
    let mut strict = settings(db);
    strict.outbound_ca_file = documents.ca_file.display().to_string();
    strict.outbound_allow_private_networks = false;
    let app = spawn_app_with(strict).await;
    let realm = app.realm().await;
    let key = client_key("k1");
    let by_reference = format!("{}/requests/1", documents.base);
    patch_client(&app, &realm, json!({ "jwks": { "keys": [key.jwk] }, "request_uris": [by_reference] })).await;
    documents.serve("/requests/1", Value::String(key.sign(&request_claims(&app, &realm, "x"))));
    let encoded: String = url::form_urlencoded::byte_serialize(by_reference.as_bytes()).collect();
    let url = format!("{}/v1/oauth/authorize?client_id={}&request_uri={encoded}", app.issuer, realm.client_id);
    refused(&app, &url, "invalid_request_uri").await;
    assert_eq!(documents.fetches(), 0, "the server never connected");
}
