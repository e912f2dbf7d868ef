//! Client ID metadata documents (draft-ietf-oauth-client-id-metadata-document): a
//! tool names the URL of its document as `client_id`; Qeet ID fetches it over https
//! (here from a server of the test's own, behind a CA made for the run and trusted
//! through `outbound_ca_file`) and keeps it as a client of the open-registration tenant.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use qeetid_store::testing::TestDatabase;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio_rustls::rustls;

use crate::support::{
    Body, EMAIL, PASSWORD, REDIRECT_URI, TestApp, VERIFIER, authorize_url, post_form, query_param, spawn_app,
};

/// An https server on loopback answering GETs from a map of paths to JSON bodies.
pub(crate) struct DocumentServer {
    /// `https://localhost:PORT`
    pub(crate) base: String,
    /// The PEM of the CA that signed its certificate.
    pub(crate) ca_file: std::path::PathBuf,
    documents: Arc<Mutex<HashMap<String, Value>>>,
    fetches: Arc<Mutex<usize>>,
    _dir: TempDir,
}

/// A directory removed when dropped.
struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl DocumentServer {
    /// Starts the server with a new CA and a certificate for `localhost`.
    pub(crate) async fn start() -> Self {
        let ca_key = rcgen::KeyPair::generate().unwrap();
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca_params.distinguished_name.push(rcgen::DnType::CommonName, "Qeet ID test CA");
        let ca = ca_params.self_signed(&ca_key).unwrap();
        let leaf_key = rcgen::KeyPair::generate().unwrap();
        let leaf = rcgen::CertificateParams::new(vec!["localhost".to_owned()])
            .unwrap()
            .signed_by(&leaf_key, &ca, &ca_key)
            .unwrap();
        let dir = std::env::temp_dir().join(format!("qeetid-documents-{}", uuid_like()));
        std::fs::create_dir_all(&dir).unwrap();
        let ca_file = dir.join("ca.pem");
        std::fs::write(&ca_file, ca.pem()).unwrap();

        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let key = rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![leaf.der().clone()], key)
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("https://localhost:{}", listener.local_addr().unwrap().port());
        let documents: Arc<Mutex<HashMap<String, Value>>> = Arc::default();
        let fetches: Arc<Mutex<usize>> = Arc::default();
        let (served, counted) = (documents.clone(), fetches.clone());
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let (acceptor, served, counted) = (acceptor.clone(), served.clone(), counted.clone());
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(tcp).await else { return };
                    let mut request = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                        match tls.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => request.extend_from_slice(&buf[..n]),
                        }
                    }
                    let text = String::from_utf8_lossy(&request);
                    let path = text.split_whitespace().nth(1).unwrap_or("/").to_owned();
                    *counted.lock().unwrap() += 1;
                    let found = served.lock().unwrap().get(&path).cloned();
                    let answer = match found {
                        Some(body) => {
                            // A JSON string is served as its raw text (a request object, say).
                            let body = match body {
                                Value::String(text) => text,
                                other => other.to_string(),
                            };
                            format!(
                                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncache-control: max-age=600\r\n\
                                 content-length: {}\r\nconnection: close\r\n\r\n{body}",
                                body.len()
                            )
                        }
                        None => "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".to_owned(),
                    };
                    let _ = tls.write_all(answer.as_bytes()).await;
                    let _ = tls.shutdown().await;
                });
            }
        });
        Self { base, ca_file, documents, fetches, _dir: TempDir(dir) }
    }

    /// Serves `document` at `path` from now on.
    pub(crate) fn serve(&self, path: &str, document: Value) {
        self.documents.lock().unwrap().insert(path.to_owned(), document);
    }

    /// Requests answered so far.
    pub(crate) fn fetches(&self) -> usize {
        *self.fetches.lock().unwrap()
    }
}

fn uuid_like() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    format!("{}-{nanos}", std::process::id())
}

/// The realm's tenant open for registration, with the document server's CA trusted.
async fn open_app(db: &TestDatabase, documents: &DocumentServer) -> (TestApp, String) {
    let setup = spawn_app(db).await;
    let realm = setup.realm().await;
    let mut settings = crate::support::settings(db);
    settings.open_registration_tenant = realm.tenant.clone();
    settings.outbound_ca_file = documents.ca_file.display().to_string();
    (crate::support::spawn_app_with(settings).await, realm.tenant)
}

fn tool_document(client_id: &str) -> Value {
    json!({
        "client_id": client_id,
        "client_name": "Editor agent",
        "client_uri": "https://impostor.example",
        "redirect_uris": [REDIRECT_URI],
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "none",
        "scope": "openid email offline_access",
    })
}

/// The error page an authorization request with `client_id` gets (never a redirect).
async fn refused(app: &TestApp, client_id: &str) -> String {
    let url = authorize_url(app, &encoded(client_id), "openid", "st", "");
    let (status, location, page) = app.browse(&url).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{client_id}: an error page, never a redirect: {location:?}");
    page
}

fn encoded(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

pub(crate) async fn a_tool_signs_in_with_its_metadata_document(db: &TestDatabase) {
    let documents = DocumentServer::start().await;
    let (app, tenant) = open_app(db, &documents).await;
    let metadata = crate::support::get_json(&app, "/.well-known/oauth-authorization-server").await;
    assert_eq!(metadata["client_id_metadata_document_supported"], true);

    let client_id = format!("{}/agent/client.json", documents.base);
    documents.serve("/agent/client.json", tool_document(&client_id));
    let url = authorize_url(&app, &encoded(&client_id), "openid%20email%20offline_access", "st", "");

    // The login page names the document's host, not the site the document claims.
    let (status, location, body) = app.browse(&url).await;
    assert_eq!(status, StatusCode::FOUND, "{body}");
    let request = query_param(&format!("{}{}", app.issuer, location.unwrap()), "request").unwrap();
    let context_url = format!("{}/v1/oauth/login-context?request={request}", app.issuer);
    let context: Value = app.http.get(context_url).send().await.unwrap().json().await.unwrap();
    assert_eq!(context["client"]["name"], "Editor agent", "{context}");
    assert_eq!(context["client"]["self_registered"], true);
    assert_eq!(context["client"]["site"], "localhost");

    let landing = app.sign_in_through_pages(&url, EMAIL, PASSWORD).await;
    let code = query_param(&landing, "code").expect("a code after consent");
    let form = [
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", REDIRECT_URI),
        ("code_verifier", VERIFIER),
        ("client_id", &client_id),
    ];
    let (status, tokens) = post_form(&app, "/v1/oauth/token", None, &form).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let refresh = tokens["refresh_token"].as_str().expect("offline_access granted").to_owned();
    let form = [("grant_type", "refresh_token"), ("refresh_token", &refresh), ("client_id", &client_id)];
    let (status, refreshed) = post_form(&app, "/v1/oauth/token", None, &form).await;
    assert_eq!(status, StatusCode::OK, "a public client refreshes with its URL: {refreshed}");

    // Fetched once for its max-age, not on every request.
    assert_eq!(documents.fetches(), 1);

    // Admins see it in the open tenant, marked, and can delete it.
    let reply = app.admin(Method::GET, &format!("/v1/tenants/{tenant}/oidc/clients"), Body::None).await;
    let listed = reply.body["clients"].as_array().unwrap().iter().find(|c| c["id"] == client_id.as_str()).cloned();
    let listed = listed.unwrap_or_else(|| panic!("listed: {}", reply.body));
    assert_eq!(listed["self_registered"], true);
    let path = format!("/v1/tenants/{tenant}/oidc/clients/{}", encoded(&client_id));
    let reply = app.admin(Method::GET, &path, Body::None).await;
    assert_eq!(reply.body["client"]["id"], client_id.as_str(), "read by its URL, percent-encoded");
    let path = format!("/v1/oidc/clients/{}", encoded(&client_id));
    let reply = app.admin(Method::DELETE, &path, Body::None).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.body);
    let (status, _) = post_form(&app, "/v1/oauth/token", None, &form).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the client and its tokens are gone");
}

pub(crate) async fn documents_that_do_not_check_out_are_refused(db: &TestDatabase) {
    let documents = DocumentServer::start().await;
    let (app, _) = open_app(db, &documents).await;

    // A document naming another client_id.
    let forged = format!("{}/forged.json", documents.base);
    documents.serve("/forged.json", tool_document("https://other.example/client.json"));
    assert!(refused(&app, &forged).await.contains("must equal the URL"));
    // A redirect URI the document does not list.
    let elsewhere = format!("{}/elsewhere.json", documents.base);
    let mut document = tool_document(&elsewhere);
    document["redirect_uris"] = json!(["https://tool.example/callback"]);
    documents.serve("/elsewhere.json", document);
    refused(&app, &elsewhere).await;
    // A shared secret, or a missing document.
    let secretive = format!("{}/secret.json", documents.base);
    let mut document = tool_document(&secretive);
    document["client_secret"] = json!("hunter2");
    documents.serve("/secret.json", document);
    assert!(refused(&app, &secretive).await.contains("hold no secret"));
    refused(&app, &format!("{}/missing.json", documents.base)).await;
    // Not a document URL at all: plain http.
    refused(&app, "http://localhost:9/client.json").await;

    // With private networks refused (the default), a loopback document is never fetched.
    let before = documents.fetches();
    let mut strict = crate::support::settings(db);
    strict.outbound_allow_private_networks = false;
    strict.open_registration_tenant = app.realm().await.tenant;
    strict.outbound_ca_file = documents.ca_file.display().to_string();
    let strict = crate::support::spawn_app_with(strict).await;
    let client_id = format!("{}/agent/client.json", documents.base);
    documents.serve("/agent/client.json", tool_document(&client_id));
    let url = authorize_url(&strict, &encoded(&client_id), "openid", "st", "");
    let (status, _, page) = strict.browse(&url).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("not a public address"), "{page}");
    assert_eq!(documents.fetches(), before, "refused before connecting");

    // Without open registration, a URL is just an unknown client_id.
    let closed = spawn_app(db).await;
    let url = authorize_url(&closed, &encoded(&client_id), "openid", "st", "");
    let (status, _, page) = closed.browse(&url).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("nknown client_id"), "{page}");
    let metadata = crate::support::get_json(&closed, "/.well-known/openid-configuration").await;
    assert_eq!(metadata["client_id_metadata_document_supported"], false);
}
