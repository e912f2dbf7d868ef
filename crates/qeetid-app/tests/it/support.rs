//! Starting the server and talking to it.

use qeetid_app::{Application, Settings};
use qeetid_store::testing::TestDatabase;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The deployment key every test server is bootstrapped with.
pub(crate) const ADMIN_KEY: &str = "qak_integration-test-bootstrap-key-0123456789";

/// A running server and a client for it.
pub(crate) struct TestApp {
    pub(crate) base: String,
    pub(crate) http: reqwest::Client,
}

/// A response's status and JSON body (`Value::Null` when empty).
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) body: Value,
    pub(crate) headers: reqwest::header::HeaderMap,
}

pub(crate) fn settings(db: &TestDatabase) -> Settings {
    let mut settings = Settings::load(None, |_| None).unwrap();
    settings.listen = "127.0.0.1:0".parse().unwrap();
    settings.database_url = db.url.clone();
    settings.workers = 2;
    settings.db_pool_size = 4;
    settings.bootstrap_admin_key = Some(ADMIN_KEY.to_owned());
    // Pinned, so that nothing is written under the working directory.
    settings.key_encryption_key = "A".repeat(43);
    settings
}

/// Builds the application on `db` and serves it in the background.
pub(crate) async fn spawn_app(db: &TestDatabase) -> TestApp {
    let app = Application::build(settings(db)).await.expect("the application starts");
    let base = format!("http://{}", app.address());
    tokio::spawn(app.run());
    let http =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).cookie_store(true).build().unwrap();
    TestApp { base, http }
}

impl TestApp {
    /// Sends `body` (JSON, raw text, or nothing) with `key` as `Authorization: ApiKey`.
    pub(crate) async fn call(&self, method: Method, path: &str, key: Option<&str>, body: Body<'_>) -> Reply {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(key) = key {
            request = request.header("Authorization", format!("ApiKey {key}"));
        }
        request = match body {
            Body::None => request,
            Body::Json(v) => request.json(&v),
            Body::Raw(text) => request.header("Content-Type", "application/json").body(text.to_owned()),
        };
        let response = request.send().await.expect("the server answers");
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        let body =
            if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
        Reply { status, body, headers }
    }

    pub(crate) async fn admin(&self, method: Method, path: &str, body: Body<'_>) -> Reply {
        self.call(method, path, Some(ADMIN_KEY), body).await
    }

    /// Creates a tenant with the deployment key and returns its id.
    pub(crate) async fn tenant(&self, name: &str) -> String {
        let reply = self.admin(Method::POST, "/v1/tenants", Body::Json(json!({ "name": name }))).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        reply.body["tenant"]["id"].as_str().unwrap().to_owned()
    }

    /// Creates a tenant API key and returns it.
    pub(crate) async fn tenant_key(&self, tenant: &str) -> String {
        let path = format!("/v1/tenants/{tenant}/api-keys");
        let reply = self.admin(Method::POST, &path, Body::Json(json!({ "name": "test" }))).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        reply.body["key"].as_str().unwrap().to_owned()
    }

    /// Registers the Clients page's example client in `tenant`; returns the whole answer.
    pub(crate) async fn seed_client(&self, tenant: &str) -> Value {
        let reply = self.admin(Method::POST, "/v1/oidc/clients", Body::Json(seed_request(tenant))).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        reply.body
    }
}

/// What a request carries.
pub(crate) enum Body<'a> {
    None,
    Json(Value),
    Raw(&'a str),
}

/// The request body of the Clients page's `curl`.
pub(crate) fn seed_request(tenant: &str) -> Value {
    json!({
        "tenant_id": tenant,
        "name": "Acme Web",
        "type": "confidential",
        "redirect_uris": ["https://app.acme.com/api/auth/callback"],
        "post_logout_uris": ["https://app.acme.com"],
        "grant_types": ["authorization_code", "refresh_token"]
    })
}
