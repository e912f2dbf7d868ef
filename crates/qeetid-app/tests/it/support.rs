//! Starting the server and talking to it.

use qeetid_app::{Application, Settings};
use qeetid_store::testing::TestDatabase;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The deployment key every test server is bootstrapped with.
pub(crate) const ADMIN_KEY: &str = "qak_integration-test-bootstrap-key-0123456789";

/// A running server and a client for it.
pub(crate) struct TestApp {
    /// `http://127.0.0.1:PORT`
    pub(crate) base: String,
    /// `http://localhost:PORT`: the issuer, where browsers go.
    pub(crate) issuer: String,
    /// A client with a cookie jar and redirects off: a browser driven by hand.
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
    // Upstream providers in these tests are other servers on 127.0.0.1.
    settings.outbound_allow_private_networks = true;
    settings
}

/// Builds the application on `db` and serves it in the background.
pub(crate) async fn spawn_app(db: &TestDatabase) -> TestApp {
    spawn_app_with(settings(db)).await
}

/// Builds the application with `settings` and serves it in the background.
pub(crate) async fn spawn_app_with(settings: Settings) -> TestApp {
    let app = Application::build(settings).await.expect("the application starts");
    let base = format!("http://{}", app.address());
    let issuer = app.issuer().to_owned();
    tokio::spawn(app.run());
    let http =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).cookie_store(true).build().unwrap();
    TestApp { base, issuer, http }
}

impl TestApp {
    /// The same server seen from another browser (a cookie jar of its own).
    pub(crate) fn other_browser(&self) -> TestApp {
        let http =
            reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).cookie_store(true).build().unwrap();
        TestApp { base: self.base.clone(), issuer: self.issuer.clone(), http }
    }

    /// [`Self::other_browser`] that sends `user_agent`.
    pub(crate) fn other_browser_as(&self, user_agent: &str) -> TestApp {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .user_agent(user_agent)
            .build()
            .unwrap();
        TestApp { base: self.base.clone(), issuer: self.issuer.clone(), http }
    }

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

/// A tenant with a user who has a password, and a confidential client registered for
/// the code flow with refresh tokens.
pub(crate) struct Realm {
    pub(crate) tenant: String,
    pub(crate) client_id: String,
    pub(crate) client_secret: String,
}

pub(crate) const EMAIL: &str = "ada@example.com";
pub(crate) const PASSWORD: &str = "correct horse battery";
pub(crate) const REDIRECT_URI: &str = "http://127.0.0.1:9/callback";
pub(crate) const POST_LOGOUT_URI: &str = "http://127.0.0.1:9/goodbye";

impl TestApp {
    /// Creates a tenant, its user `EMAIL`/`PASSWORD` and a confidential client.
    pub(crate) async fn realm(&self) -> Realm {
        let tenant = self.tenant("Acme").await;
        let user = json!({ "email": EMAIL, "password": PASSWORD, "name": "Ada Lovelace", "email_verified": true });
        let reply = self.admin(Method::POST, &format!("/v1/tenants/{tenant}/users"), Body::Json(user)).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        let client = json!({
            "tenant_id": tenant, "name": "Acme Web", "type": "confidential",
            "redirect_uris": [REDIRECT_URI], "post_logout_uris": [POST_LOGOUT_URI],
            "grant_types": ["authorization_code", "refresh_token", "client_credentials",
                            "urn:ietf:params:oauth:grant-type:device_code"],
            "scopes": ["openid", "profile", "email", "offline_access", "api:read", "api:write"]
        });
        let reply = self.admin(Method::POST, "/v1/oidc/clients", Body::Json(client)).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        Realm {
            tenant,
            client_id: reply.body["client"]["id"].as_str().unwrap().to_owned(),
            client_secret: reply.body["client_secret"].as_str().unwrap().to_owned(),
        }
    }

    /// Another confidential client in `tenant`, like the realm's; answered as a realm.
    pub(crate) async fn realm_client(&self, tenant: &str) -> Realm {
        let client = json!({
            "tenant_id": tenant, "name": "Acme Admin", "type": "confidential",
            "redirect_uris": [REDIRECT_URI], "grant_types": ["authorization_code", "refresh_token"],
            "scopes": ["openid", "profile", "email", "offline_access"]
        });
        let reply = self.admin(Method::POST, "/v1/oidc/clients", Body::Json(client)).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        Realm {
            tenant: tenant.to_owned(),
            client_id: reply.body["client"]["id"].as_str().unwrap().to_owned(),
            client_secret: reply.body["client_secret"].as_str().unwrap().to_owned(),
        }
    }

    /// A GET with the browser's cookie jar; returns status, `Location`, body.
    pub(crate) async fn browse(&self, url: &str) -> (StatusCode, Option<String>, String) {
        let url = if url.starts_with('/') { format!("{}{url}", self.issuer) } else { url.to_owned() };
        let response = self.http.get(&url).send().await.unwrap();
        Self::page(response).await
    }

    /// A form POST with the browser's cookie jar.
    pub(crate) async fn submit(&self, path: &str, form: &[(&str, &str)]) -> (StatusCode, Option<String>, String) {
        let response = self.http.post(format!("{}{path}", self.issuer)).form(form).send().await.unwrap();
        Self::page(response).await
    }

    async fn page(response: reqwest::Response) -> (StatusCode, Option<String>, String) {
        let status = response.status();
        let location = response.headers().get("location").map(|l| l.to_str().unwrap().to_owned());
        (status, location, response.text().await.unwrap())
    }

    /// Follows an authorization URL through the hosted login and consent as a user
    /// would, and returns where the provider finally sends the browser.
    pub(crate) async fn sign_in_through_pages(&self, authorize_url: &str, email: &str, password: &str) -> String {
        self.sign_in_with_second_factor(authorize_url, email, password, None).await
    }

    /// [`TestApp::sign_in_through_pages`], giving `code` when the second-factor page asks.
    pub(crate) async fn sign_in_with_second_factor(
        &self,
        authorize_url: &str,
        email: &str,
        password: &str,
        code: Option<&str>,
    ) -> String {
        let (status, location, body) = self.browse(authorize_url).await;
        assert_eq!(status, StatusCode::FOUND, "{body}");
        let mut location = location.unwrap();
        if location.starts_with("/login") {
            let (status, _, page) = self.browse(&location).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            let (request, csrf) = (hidden(&page, "request"), hidden(&page, "csrf_token"));
            let form = [
                ("request", request.as_str()),
                ("csrf_token", csrf.as_str()),
                ("email", email),
                ("password", password),
            ];
            let (status, next, page) = self.submit("/login", &form).await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
            location = next.unwrap();
        }
        if location.starts_with("/login/mfa") {
            let code = code.expect("the second-factor page asks for a code");
            let (status, _, page) = self.browse(&location).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            let (request, csrf) = (hidden(&page, "request"), hidden(&page, "csrf_token"));
            let form = [("request", request.as_str()), ("csrf_token", csrf.as_str()), ("code", code)];
            let (status, next, page) = self.submit("/login/mfa", &form).await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
            location = next.unwrap();
        }
        if location.starts_with("/consent") {
            let (status, _, page) = self.browse(&location).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            let (request, csrf) = (hidden(&page, "request"), hidden(&page, "csrf_token"));
            let form = [
                ("request", request.as_str()),
                ("csrf_token", csrf.as_str()),
                ("decision", "allow"),
                ("remember", "true"),
            ];
            let (status, next, page) = self.submit("/v1/oauth/authorize/decision", &form).await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
            location = next.unwrap();
        }
        location
    }
}

/// The PKCE pair of RFC 7636 Appendix B.
pub(crate) const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
pub(crate) const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

/// An authorization URL for `client_id` with PKCE, `REDIRECT_URI`, `scope` (URL-encoded),
/// `state` and anything in `extra` (`&prompt=none`, …).
pub(crate) fn authorize_url(app: &TestApp, client_id: &str, scope: &str, state: &str, extra: &str) -> String {
    let redirect: String = url::form_urlencoded::byte_serialize(REDIRECT_URI.as_bytes()).collect();
    format!(
        "{}/v1/oauth/authorize?response_type=code&client_id={client_id}&redirect_uri={redirect}&scope={scope}\
         &state={state}&nonce=n-{state}&code_challenge={CHALLENGE}&code_challenge_method=S256{extra}",
        app.issuer
    )
}

/// A form POST to an OAuth endpoint, with HTTP Basic when `basic` is given; status and JSON
/// (`Value::Null` for an empty body).
pub(crate) async fn post_form(
    app: &TestApp,
    path: &str,
    basic: Option<(&str, &str)>,
    form: &[(&str, &str)],
) -> (StatusCode, Value) {
    let mut request = app.http.post(format!("{}{path}", app.base)).form(form);
    if let Some((id, secret)) = basic {
        request = request.basic_auth(id, Some(secret));
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Redeems the code in `landing` as `realm`'s client (Basic, PKCE with `VERIFIER`):
/// the tokens, after a 200.
pub(crate) async fn redeem(app: &TestApp, realm: &Realm, landing: &str) -> Value {
    let code = query_param(landing, "code").expect("a code in the landing URL");
    let form = [
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", REDIRECT_URI),
        ("code_verifier", VERIFIER),
    ];
    let (status, tokens) =
        post_form(app, "/v1/oauth/token", Some((&realm.client_id, &realm.client_secret)), &form).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    tokens
}

/// A GET answered with JSON.
pub(crate) async fn get_json(app: &TestApp, path: &str) -> Value {
    app.http.get(format!("{}{path}", app.base)).send().await.unwrap().json().await.unwrap()
}

/// Fails `form` at `path` until the wait between attempts is 2 s: five failures are
/// free, then each attempt must wait 1 s, 2 s, 4 s … after the last failure (in whole
/// seconds, and throttled attempts do not count). Waiting out the 1 s step and failing
/// once more sets a 2 s wait, so the caller's next attempt falls inside it however
/// slow the machine is.
pub(crate) async fn fail_until_throttled(app: &TestApp, path: &str, form: &[(&str, &str)], failure: StatusCode) {
    for attempt in 0..5 {
        let (status, _, page) = app.submit(path, form).await;
        assert_eq!(status, failure, "attempt {attempt} is free: {page}");
    }
    for _ in 0..3 {
        let (status, _, page) = app.submit(path, form).await;
        match status {
            StatusCode::TOO_MANY_REQUESTS => {
                assert!(page.contains("Try again in"), "{page}");
                tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
            }
            s if s == failure => return,
            other => panic!("unexpected {other}: {page}"),
        }
    }
    panic!("{path}: the 1 s wait never ended");
}

/// The value of the hidden form field `name` in `html`.
pub(crate) fn hidden(html: &str, name: &str) -> String {
    let marker = format!(r#"name="{name}" value=""#);
    let start = html.find(&marker).unwrap_or_else(|| panic!("no field {name} in {html}")) + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

/// The query parameter `name` of `url`.
pub(crate) fn query_param(url: &str, name: &str) -> Option<String> {
    url::Url::parse(url).unwrap().query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
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

/// The claims of a JWT, unverified (the server signed it; the test only reads it).
pub(crate) fn claims_of(jwt: &str) -> Value {
    use base64::Engine as _;
    let payload = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}
