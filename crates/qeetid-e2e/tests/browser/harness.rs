//! The server under test, a relying party's callback, and a headless Chromium.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chromiumoxide::browser::{Browser, BrowserConfig};
use chromiumoxide::page::{Page, ScreenshotParams};
use futures_util::StreamExt as _;
use qeetid_app::{Application, Settings};
use qeetid_store::testing::TestDatabase;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

pub(crate) const ADMIN_KEY: &str = "qak_browser-test-bootstrap-key-0123456789abcdef";
pub(crate) const EMAIL: &str = "grace@example.com";
pub(crate) const PASSWORD: &str = "hopper-compiler-1952";

/// A running server with a tenant, a user and a confidential client whose redirect
/// URI is a little callback server of the test's own.
pub(crate) struct World {
    pub(crate) _db: TestDatabase,
    pub(crate) issuer: String,
    pub(crate) tenant: String,
    pub(crate) client_id: String,
    pub(crate) client_secret: String,
    pub(crate) redirect_uri: String,
    pub(crate) http: reqwest::Client,
    /// Every request the relying party's server received: method, target and body.
    pub(crate) requests: Requests,
    /// Where the server's e-mail goes.
    pub(crate) mail: qeetid_mail::testing::SmtpSink,
}

/// What the relying party's server received, in order.
pub(crate) type Requests = Arc<Mutex<Vec<(String, String, String)>>>;

/// Reads one request: its method, target and body (up to its `Content-Length`).
async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<(String, String, String)> {
    let mut data = Vec::new();
    let mut buffer = [0u8; 8192];
    loop {
        let n = socket.read(&mut buffer).await.ok().filter(|n| *n > 0)?;
        data.extend_from_slice(&buffer[..n]);
        let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") else { continue };
        let head = String::from_utf8_lossy(&data[..end]).into_owned();
        let length: usize = head
            .lines()
            .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_owned()))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        if data.len() >= end + 4 + length {
            let mut first = head.lines().next().unwrap_or("").split(' ');
            let (method, target) = (first.next().unwrap_or("").to_owned(), first.next().unwrap_or("").to_owned());
            let body = String::from_utf8_lossy(&data[end + 4..end + 4 + length]).into_owned();
            return Some((method, target, body));
        }
    }
}

/// Answers every request with a small page, as a relying party's callback would,
/// and keeps what it received in `requests`.
async fn spawn_callback_server(requests: Requests) -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let requests = requests.clone();
            tokio::spawn(async move {
                if let Some(request) = read_request(&mut socket).await {
                    requests.lock().unwrap().push(request);
                }
                let body = "<!doctype html><title>Acme</title><h1>Signed in to Acme</h1>";
                let reply = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(reply.as_bytes()).await;
            });
        }
    });
    port
}

/// The settings of a test server on `db`, on a free loopback port, with the test's admin key.
pub(crate) fn settings(db: &TestDatabase) -> Settings {
    let mut settings = Settings::load(None, |_| None).unwrap();
    settings.listen = "127.0.0.1:0".parse().unwrap();
    settings.database_url = db.url.clone();
    settings.bootstrap_admin_key = Some(ADMIN_KEY.to_owned());
    settings.key_encryption_key = "A".repeat(43);
    settings.workers = 2;
    // The social test's upstream provider is a second server on 127.0.0.1.
    settings.outbound_allow_private_networks = true;
    settings
}

impl World {
    pub(crate) async fn start() -> Self {
        let db = TestDatabase::sqlite();
        let mut settings = settings(&db);
        settings.logout_delivery_interval_ms = 100;
        let mail = qeetid_mail::testing::SmtpSink::start().await;
        settings.smtp_url = mail.url.clone();
        let app = Application::build(settings).await.unwrap();
        let issuer = app.issuer().to_owned();
        tokio::spawn(app.run());
        let http = reqwest::Client::new();
        let admin = |path: &str, body: Value| {
            let request =
                http.post(format!("{issuer}{path}")).header("Authorization", format!("ApiKey {ADMIN_KEY}")).json(&body);
            async move {
                let response = request.send().await.unwrap();
                assert!(response.status().is_success(), "{}", response.status());
                response.json::<Value>().await.unwrap()
            }
        };
        let tenant = admin("/v1/tenants", json!({ "name": "Acme" })).await["tenant"]["id"].as_str().unwrap().to_owned();
        admin(
            &format!("/v1/tenants/{tenant}/users"),
            json!({ "email": EMAIL, "password": PASSWORD, "name": "Grace Hopper", "email_verified": true }),
        )
        .await;
        let requests = Requests::default();
        let redirect_uri = format!("http://localhost:{}/callback", spawn_callback_server(requests.clone()).await);
        let client = admin(
            "/v1/oidc/clients",
            json!({ "tenant_id": tenant, "name": "Acme Web", "type": "confidential",
                    "redirect_uris": [redirect_uri],
                    "grant_types": ["authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code"] }),
        )
        .await;
        Self {
            _db: db,
            issuer,
            tenant,
            client_id: client["client"]["id"].as_str().unwrap().to_owned(),
            client_secret: client["client_secret"].as_str().unwrap().to_owned(),
            redirect_uri,
            http,
            requests,
            mail,
        }
    }
}

/// Headless Chromium, started as the machine's root user can (no sandbox) and kept
/// off the network (tests never reach outside the machine).
pub(crate) async fn chromium() -> Browser {
    let profile = std::env::temp_dir().join(format!("qeetid-chromium-{}", std::process::id()));
    let config = BrowserConfig::builder()
        .chrome_executable(std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned()))
        .no_sandbox()
        .user_data_dir(profile)
        .args([
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=420,860",
        ])
        .build()
        .unwrap();
    let (browser, mut handler) =
        Browser::launch(config).await.expect("Chromium starts (run `cargo xtask setup` to install Debian's chromium)");
    tokio::spawn(async move { while handler.next().await.is_some() {} });
    browser
}

/// Waits until the page's URL satisfies `done` (navigations finish asynchronously),
/// for up to 15 s: a sign-in includes an Argon2id hash, and CI machines are busy.
pub(crate) async fn wait_for_url(page: &Page, done: impl Fn(&str) -> bool) -> String {
    for _ in 0..300 {
        if let Ok(Some(url)) = page.url().await
            && done(&url)
        {
            // Let the document finish loading before anyone looks at it.
            let _ = page.wait_for_navigation().await;
            return url;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the page never reached the expected URL; it is at {:?}", page.url().await)
}

/// Saves a full-page PNG under `target/screenshots/` for a reviewer to look at.
pub(crate) async fn screenshot(page: &Page, name: &str) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    page.save_screenshot(ScreenshotParams::builder().full_page(true).build(), dir.join(format!("{name}.png")))
        .await
        .unwrap();
}

pub(crate) async fn token(world: &World, form: &[(&str, &str)]) -> (u16, Value) {
    let response = world
        .http
        .post(format!("{}/v1/oauth/token", world.issuer))
        .basic_auth(&world.client_id, Some(&world.client_secret))
        .form(form)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

/// Clicks the field and types `text`. A node found just as the page replaced it
/// ("Could not find node with given id") is looked up again, a few times.
pub(crate) async fn fill(page: &Page, selector: &str, text: &str) {
    let mut tries = 0;
    loop {
        let typed = async { page.find_element(selector).await?.click().await?.type_str(text).await.map(|_| ()) };
        match typed.await {
            Ok(()) => return,
            Err(e) if tries < 5 => {
                tries += 1;
                eprintln!("fill {selector}: {e}; trying again");
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
            Err(e) => panic!("fill {selector}: {e}"),
        }
    }
}

/// Replaces a field's value (a textarea's, say).
pub(crate) async fn set_value(page: &Page, selector: &str, value: &str) {
    let script = format!("document.querySelector({}).value = {}", json!(selector), json!(value));
    page.evaluate(script).await.unwrap();
}

/// Clicks `selector`. A page still replacing its document can hand back a node that is
/// gone by the time it is clicked ("Could not find node with given id"): found again, a
/// few times, before the test fails.
pub(crate) async fn click(page: &Page, selector: &str) {
    let mut last = None;
    for _ in 0..20 {
        match page.find_element(selector).await {
            Ok(element) => match element.click().await {
                Ok(_) => return,
                Err(e) => last = Some(e.to_string()),
            },
            Err(e) => last = Some(e.to_string()),
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("could not click {selector}: {}", last.unwrap_or_default());
}

pub(crate) async fn html(page: &Page) -> String {
    page.content().await.unwrap()
}

/// Waits up to 15 s until the page shows `text` (for a form that answers at its own URL).
pub(crate) async fn wait_for_text(page: &Page, text: &str) -> String {
    for _ in 0..300 {
        if let Ok(content) = page.content().await
            && content.contains(text)
        {
            return content;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the page never showed {text:?}: {}", html(page).await)
}

/// Signs `email` in on the hosted login page and allows the consent, if asked.
pub(crate) async fn hosted_sign_in(page: &Page, email: &str, done: impl Fn(&str) -> bool) -> String {
    wait_for_url(page, |u| u.contains("/login?request=")).await;
    fill(page, "#email", email).await;
    fill(page, "#password", PASSWORD).await;
    click(page, "button[type=submit]").await;
    let url = wait_for_url(page, |u| u.contains("/consent?request=") || done(u)).await;
    if url.contains("/consent?request=") {
        click(page, "button[value=allow]").await;
        return wait_for_url(page, done).await;
    }
    url
}

const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

/// Sends `page` to the authorization endpoint for the world's client (code flow,
/// PKCE S256, scope `openid offline_access`), as the client would.
pub(crate) async fn go_to_client_sign_in(world: &World, page: &Page) {
    let redirect: String = url::form_urlencoded::byte_serialize(world.redirect_uri.as_bytes()).collect();
    page.goto(format!(
        "{}/v1/oauth/authorize?response_type=code&client_id={}&redirect_uri={redirect}&scope=openid%20offline_access\
         &state=u&code_challenge={CHALLENGE}&code_challenge_method=S256",
        world.issuer, world.client_id
    ))
    .await
    .unwrap();
}

/// The world's user signs in to Acme Web in `page` (allowing the consent) and the
/// client exchanges the code; answers the refresh token it keeps.
pub(crate) async fn user_signs_in_to_the_client(world: &World, page: &Page) -> String {
    go_to_client_sign_in(world, page).await;
    let landed = hosted_sign_in(page, EMAIL, |u| u.starts_with(&world.redirect_uri)).await;
    let code = url::Url::parse(&landed).unwrap().query_pairs().find(|(k, _)| k == "code").unwrap().1.into_owned();
    let form = [
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", &world.redirect_uri),
        ("code_verifier", VERIFIER),
    ];
    let (status, tokens) = token(world, &form).await;
    assert_eq!(status, 200, "{tokens}");
    tokens["refresh_token"].as_str().unwrap().to_owned()
}

/// `expression` (JavaScript) evaluated to a string in the page, retried for up to
/// 5 s: right after a navigation the old document's nodes can vanish under a
/// lookup, which a retry rides out.
pub(crate) async fn read(page: &Page, expression: &str) -> String {
    let mut last = String::new();
    for _ in 0..100 {
        match page.evaluate(expression).await.map(|r| r.into_value::<String>()) {
            Ok(Ok(value)) => return value,
            Ok(Err(e)) => last = e.to_string(),
            Err(e) => last = e.to_string(),
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("could not read {expression}: {last}")
}

/// Calls the admin API with the test's key; answers the JSON of a 2xx.
pub(crate) async fn admin_api(world: &World, method: reqwest::Method, path: &str, body: Value) -> Value {
    let response = world
        .http
        .request(method, format!("{}{path}", world.issuer))
        .header("Authorization", format!("ApiKey {ADMIN_KEY}"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    response.json().await.unwrap()
}
