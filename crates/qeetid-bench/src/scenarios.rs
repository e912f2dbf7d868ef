//! The scenarios, and what each one's crypto limit is.

use std::sync::Arc;
use std::time::Duration;

use reqwest::Client;
use serde_json::{Value, json};

use crate::crypto::{Bound, Crypto};
use crate::load::{Measured, drive};
use crate::proofs::ClientSigner;
use crate::server::{ADMIN_KEY, Scratch, Server, Target};
use crate::{Plan, report};

const EMAIL: &str = "bench@example.com";
const PASSWORD: &str = "benchmark-password-123";
const REDIRECT_URI: &str = "http://127.0.0.1:9/cb";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

/// What the scenarios need from the seeded deployment.
#[derive(Clone)]
struct Fixture {
    base: String,
    tenant: String,
    client_id: String,
    client_secret: String,
    /// A client that authenticates with `private_key_jwt` and the key of `signer`.
    keyed_client_id: String,
    /// The load generator's key (client assertions, DPoP proofs).
    signer: Arc<ClientSigner>,
}

fn keep_alive_client() -> Client {
    Client::builder()
        .pool_max_idle_per_host(1)
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap_or_default()
}

async fn admin(http: &Client, base: &str, path: &str, body: Value) -> Result<Value, String> {
    let response = http
        .post(format!("{base}{path}"))
        .header("Authorization", format!("ApiKey {ADMIN_KEY}"))
        .json(&body)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!("{path}: {}", response.status()));
    }
    response.json().await.map_err(|e| e.to_string())
}

async fn seed(base: &str) -> Result<Fixture, String> {
    let http = Client::new();
    let tenant = admin(&http, base, "/v1/tenants", json!({ "name": "Bench" })).await?["tenant"]["id"]
        .as_str()
        .ok_or("no tenant id")?
        .to_owned();
    admin(&http, base, &format!("/v1/tenants/{tenant}/users"), json!({ "email": EMAIL, "password": PASSWORD })).await?;
    let client = admin(
        &http,
        base,
        "/v1/oidc/clients",
        json!({ "tenant_id": tenant, "name": "Bench", "type": "confidential", "redirect_uris": [REDIRECT_URI],
                "grant_types": ["authorization_code", "refresh_token", "client_credentials"],
                "scopes": ["openid", "profile", "email", "offline_access", "api:read"] }),
    )
    .await?;
    let signer = Arc::new(ClientSigner::new()?);
    let keyed = admin(
        &http,
        base,
        "/v1/oidc/clients",
        json!({ "tenant_id": tenant, "name": "Bench keys", "type": "confidential",
                "grant_types": ["client_credentials"], "scopes": ["api:read"],
                "token_endpoint_auth_method": "private_key_jwt", "jwks": signer.jwks() }),
    )
    .await?;
    Ok(Fixture {
        base: base.to_owned(),
        tenant,
        client_id: client["client"]["id"].as_str().ok_or("no client id")?.to_owned(),
        client_secret: client["client_secret"].as_str().ok_or("no secret")?.to_owned(),
        keyed_client_id: keyed["client"]["id"].as_str().ok_or("no client id")?.to_owned(),
        signer,
    })
}

fn field<'a>(html: &'a str, name: &str) -> Result<&'a str, String> {
    let marker = format!(r#"name="{name}" value=""#);
    let start = html.find(&marker).ok_or_else(|| format!("no {name} field"))? + marker.len();
    html[start..].split('"').next().ok_or_else(|| format!("bad {name} field"))
}

fn location(response: &reqwest::Response) -> Result<String, String> {
    response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .map(str::to_owned)
        .ok_or_else(|| format!("expected a redirect, got {}", response.status()))
}

/// A whole browser-shaped sign-in: authorize → login page → password → consent
/// page → decision → code exchange. Returns the token response.
async fn sign_in(http: &Client, f: &Fixture) -> Result<Value, String> {
    let url = authorize_url(f, "openid%20email%20offline_access", "login%20consent");
    let err = |e: reqwest::Error| e.to_string();
    let login = location(&http.get(url).send().await.map_err(err)?)?;
    let page = http.get(format!("{}{login}", f.base)).send().await.map_err(err)?.text().await.map_err(err)?;
    let (request, csrf) = (field(&page, "request")?.to_owned(), field(&page, "csrf_token")?.to_owned());
    let form = [("request", request.as_str()), ("csrf_token", &csrf), ("email", EMAIL), ("password", PASSWORD)];
    let consent = location(&http.post(format!("{}/login", f.base)).form(&form).send().await.map_err(err)?)?;
    let page = http.get(format!("{}{consent}", f.base)).send().await.map_err(err)?.text().await.map_err(err)?;
    // The browser binding, and so the CSRF token, is renewed at sign-in.
    let csrf = field(&page, "csrf_token")?.to_owned();
    let form = [("request", request.as_str()), ("csrf_token", &csrf), ("decision", "allow"), ("remember", "true")];
    let back =
        location(&http.post(format!("{}/v1/oauth/authorize/decision", f.base)).form(&form).send().await.map_err(err)?)?;
    exchange_code(http, f, &code_in(&back)?).await
}

/// An authorization request of the fixture's client with PKCE, for `scope` and
/// `prompt` (both already percent-encoded).
fn authorize_url(f: &Fixture, scope: &str, prompt: &str) -> String {
    format!(
        "{}/v1/oauth/authorize?response_type=code&client_id={}&redirect_uri={}&scope={scope}\
         &state=s&code_challenge={CHALLENGE}&code_challenge_method=S256&prompt={prompt}",
        f.base, f.client_id, "http%3A%2F%2F127.0.0.1%3A9%2Fcb"
    )
}

/// The `code` of the redirect back to the client.
fn code_in(back: &str) -> Result<String, String> {
    url::Url::parse(back)
        .map_err(|e| e.to_string())?
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .ok_or_else(|| format!("no code in {back}"))
}

/// The token response for `code` (with the PKCE verifier of [`CHALLENGE`]).
async fn exchange_code(http: &Client, f: &Fixture, code: &str) -> Result<Value, String> {
    let response = http
        .post(format!("{}/v1/oauth/token", f.base))
        .basic_auth(&f.client_id, Some(&f.client_secret))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT_URI),
            ("code_verifier", VERIFIER),
        ])
        .send()
        .await;
    let response = expect_ok(response).await.map_err(|e| format!("token: {e}"))?;
    response.json().await.map_err(|e| e.to_string())
}

/// A code asked for without a page (`prompt=none`: the session and the remembered
/// consent answer), exchanged at once; fails unless both tokens come back.
async fn silent_code_exchange(http: &Client, f: &Fixture) -> Result<(), String> {
    let url = authorize_url(f, "openid%20email", "none");
    let err = |e: reqwest::Error| e.to_string();
    let back = location(&http.get(url).send().await.map_err(err)?)?;
    let body = exchange_code(http, f, &code_in(&back)?).await?;
    match (body["access_token"].as_str(), body["id_token"].as_str()) {
        (Some(_), Some(_)) => Ok(()),
        _ => Err("the exchange answered without an access or ID token".into()),
    }
}

async fn expect_ok(response: Result<reqwest::Response, reqwest::Error>) -> Result<reqwest::Response, String> {
    let response = response.map_err(|e| e.to_string())?;
    if response.status().is_success() { Ok(response) } else { Err(format!("status {}", response.status())) }
}

/// How to run the scenarios, the same for every database.
pub(crate) struct Bench<'a> {
    pub(crate) target: &'a Target,
    pub(crate) server_cores: usize,
    pub(crate) plan: Plan,
    pub(crate) crypto: &'a Crypto,
    /// How long each crypto-limit measurement lasts.
    pub(crate) limit_window: Duration,
    /// Only the scenarios whose name contains this.
    pub(crate) only: Option<&'a str>,
}

/// Every scenario against one database.
pub(crate) async fn run_all(backend: &str, database_url: &str, bench: &Bench<'_>) -> Result<report::Run, String> {
    let Bench { target, server_cores, plan, crypto, limit_window, only } = *bench;
    let scratch = Scratch::new(backend);
    let server = Server::start(target, database_url, &scratch.0).await?;
    let f = seed(&server.base).await?;
    // Idle: two quiet seconds after the seed's requests (a password hash's working
    // memory goes back after one second without another).
    tokio::time::sleep(Duration::from_secs(2)).await;
    let idle_rss = server.rss_mib();
    println!(
        "{backend}: server ready in {:.2} s, {:.1} MiB idle, on {server_cores} core(s)",
        server.startup,
        idle_rss.unwrap_or(0.0)
    );

    let setup = keep_alive_client();
    let cc_token = setup
        .post(format!("{}/v1/oauth/token", f.base))
        .basic_auth(&f.client_id, Some(&f.client_secret))
        .form(&[("grant_type", "client_credentials"), ("scope", "api:read")])
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json::<Value>()
        .await
        .map_err(|e| e.to_string())?["access_token"]
        .as_str()
        .ok_or("no client-credentials token")?
        .to_owned();
    let user_tokens = sign_in(&setup, &f).await?;
    let user_access = user_tokens["access_token"].as_str().ok_or("no access token")?.to_owned();
    // Browsers that signed in once and remembered their consent: each starts a
    // refresh chain, and later asks for codes silently, as a relying party's next
    // sign-in through the session does.
    let mut refresh_chains = Vec::with_capacity(plan.concurrency);
    let mut signed_in = Vec::with_capacity(plan.concurrency);
    for _ in 0..plan.concurrency {
        let browser = keep_alive_client();
        let t = sign_in(&browser, &f).await?;
        refresh_chains.push(t["refresh_token"].as_str().ok_or("no refresh token")?.to_owned());
        signed_in.push(browser);
    }

    let mut scenarios = Vec::new();
    let mut peak_rss = idle_rss.unwrap_or(0.0);
    macro_rules! scenario {
        ($name:expr, $bound:expr, $concurrency:expr, $init:expr, $step:expr) => {{
            if only.is_none_or(|o| $name.contains(o)) {
                let bound: Option<Bound> = $bound;
                let before = match bound {
                    Some(b) => Some(crypto.limit(b, limit_window).await?),
                    None => None,
                };
                let measured: Measured =
                    drive($concurrency, plan.warmup, plan.window, plan.max_requests, $init, $step).await;
                peak_rss = peak_rss.max(server.rss_mib().unwrap_or(0.0));
                let limit = match (bound, before) {
                    (Some(b), Some(before)) => Some((before + crypto.limit(b, limit_window).await?) / 2.0),
                    _ => None,
                };
                let s = report::Scenario::new($name, &measured, limit, server_cores);
                println!(
                    "  {:<34} {:>9.0} req/s  p50 {:>7.2} ms  p99 {:>7.2} ms  errors {}{}",
                    s.name,
                    s.requests_per_s,
                    s.p50_ms,
                    s.p99_ms,
                    s.errors,
                    s.limit.map(|l| format!("  ({:.0} % of {l:.0}/s)", 100.0 * s.per_core / l)).unwrap_or_default()
                );
                if let Some(e) = &measured.first_error {
                    println!("    first error: {e}");
                }
                scenarios.push(s);
            }
        }};
    }

    // The floor: what the HTTP stack alone costs per request, with no use case behind it.
    let fx = f.clone();
    scenario!("http floor (GET /healthz)", None, plan.concurrency, |_| keep_alive_client(), move |http: Client| {
        let f = fx.clone();
        async move {
            let r = http.get(format!("{}/healthz", f.base)).send().await;
            let outcome = async { expect_ok(r).await?.bytes().await.map_err(|e| e.to_string()).map(|_| ()) }.await;
            (http, outcome)
        }
    });

    let fx = f.clone();
    scenario!(
        "client credentials",
        Some(Bound::Sign),
        plan.concurrency,
        |_| keep_alive_client(),
        move |http: Client| {
            let f = fx.clone();
            async move {
                let r = http
                    .post(format!("{}/v1/oauth/token", f.base))
                    .basic_auth(&f.client_id, Some(&f.client_secret))
                    .form(&[("grant_type", "client_credentials"), ("scope", "api:read")])
                    .send()
                    .await;
                let outcome = async { expect_ok(r).await?.bytes().await.map_err(|e| e.to_string()).map(|_| ()) }.await;
                (http, outcome)
            }
        }
    );

    // The server verifies the client's assertion, spends its jti, and signs.
    let fx = f.clone();
    scenario!(
        "client credentials (private_key_jwt)",
        Some(Bound::VerifyAndSign),
        plan.concurrency,
        |_| keep_alive_client(),
        move |http: Client| {
            let f = fx.clone();
            async move {
                let assertion = f.signer.assertion(&f.keyed_client_id, &f.base);
                let r = http
                    .post(format!("{}/v1/oauth/token", f.base))
                    .form(&[
                        ("grant_type", "client_credentials"),
                        ("scope", "api:read"),
                        ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
                        ("client_assertion", assertion.as_str()),
                    ])
                    .send()
                    .await;
                let outcome = async { expect_ok(r).await?.bytes().await.map_err(|e| e.to_string()).map(|_| ()) }.await;
                (http, outcome)
            }
        }
    );

    // The server verifies the DPoP proof, spends its jti, and signs a bound token.
    let fx = f.clone();
    scenario!(
        "client credentials (DPoP)",
        Some(Bound::VerifyAndSign),
        plan.concurrency,
        |_| keep_alive_client(),
        move |http: Client| {
            let f = fx.clone();
            async move {
                let url = format!("{}/v1/oauth/token", f.base);
                let proof = f.signer.dpop(&url);
                let r = http
                    .post(&url)
                    .basic_auth(&f.client_id, Some(&f.client_secret))
                    .header("DPoP", proof)
                    .form(&[("grant_type", "client_credentials"), ("scope", "api:read")])
                    .send()
                    .await;
                let outcome = async { expect_ok(r).await?.bytes().await.map_err(|e| e.to_string()).map(|_| ()) }.await;
                (http, outcome)
            }
        }
    );

    let (fx, token) = (f.clone(), cc_token.clone());
    scenario!("introspection", Some(Bound::Verify), plan.concurrency, |_| keep_alive_client(), move |http: Client| {
        let (f, token) = (fx.clone(), token.clone());
        async move {
            let r = http
                .post(format!("{}/v1/oauth/introspect", f.base))
                .basic_auth(&f.client_id, Some(&f.client_secret))
                .form(&[("token", token.as_str())])
                .send()
                .await;
            let outcome = async {
                let body: Value = expect_ok(r).await?.json().await.map_err(|e| e.to_string())?;
                if body["active"] == true { Ok(()) } else { Err(format!("inactive: {body}")) }
            }
            .await;
            (http, outcome)
        }
    });

    let (fx, token) = (f.clone(), user_access.clone());
    scenario!("userinfo", Some(Bound::Verify), plan.concurrency, |_| keep_alive_client(), move |http: Client| {
        let (f, token) = (fx.clone(), token.clone());
        async move {
            let r = http.get(format!("{}/v1/oauth/userinfo", f.base)).bearer_auth(&token).send().await;
            let outcome = async { expect_ok(r).await?.bytes().await.map_err(|e| e.to_string()).map(|_| ()) }.await;
            (http, outcome)
        }
    });

    // Each worker follows its own rotation chain: every response carries the next token.
    let fx = f.clone();
    let chains = refresh_chains.clone();
    scenario!(
        "refresh rotation",
        Some(Bound::TwoSignatures),
        plan.concurrency,
        move |i| (keep_alive_client(), chains[i].clone()),
        move |(http, token): (Client, String)| {
            let f = fx.clone();
            async move {
                let r = http
                    .post(format!("{}/v1/oauth/token", f.base))
                    .basic_auth(&f.client_id, Some(&f.client_secret))
                    .form(&[("grant_type", "refresh_token"), ("refresh_token", token.as_str())])
                    .send()
                    .await;
                match async { expect_ok(r).await?.json::<Value>().await.map_err(|e| e.to_string()) }.await {
                    Ok(body) => match body["refresh_token"].as_str() {
                        Some(next) => ((http, next.to_owned()), Ok(())),
                        None => ((http, token), Err("no refresh token".into())),
                    },
                    Err(e) => ((http, token), Err(e)),
                }
            }
        }
    );

    // One relying-party sign-in through an existing session: the authorization
    // request answered at once with a code (session and consent prepared), then the
    // code exchanged for an access and an ID token.
    let fx = f.clone();
    scenario!(
        "authorization code exchange",
        Some(Bound::TwoSignatures),
        plan.concurrency,
        move |i| signed_in[i].clone(),
        move |http: Client| {
            let f = fx.clone();
            async move {
                let outcome = silent_code_exchange(&http, &f).await;
                (http, outcome)
            }
        }
    );

    let fx = f.clone();
    scenario!("admin: list clients", None, plan.concurrency, |_| keep_alive_client(), move |http: Client| {
        let f = fx.clone();
        async move {
            let r = http
                .get(format!("{}/v1/tenants/{}/oidc/clients", f.base, f.tenant))
                .header("Authorization", format!("ApiKey {ADMIN_KEY}"))
                .send()
                .await;
            let outcome = async { expect_ok(r).await?.bytes().await.map_err(|e| e.to_string()).map(|_| ()) }.await;
            (http, outcome)
        }
    });

    let fx = f.clone();
    scenario!(
        "full browser login",
        Some(Bound::Login),
        plan.login_concurrency,
        |_| keep_alive_client(),
        move |http: Client| {
            let f = fx.clone();
            async move {
                let outcome = sign_in(&http, &f).await.map(|_| ());
                (http, outcome)
            }
        }
    );

    drop(server);
    // Start-up on the existing database, as after a deploy.
    let again = Server::start(target, database_url, &scratch.0).await?;
    let restart = again.startup;
    drop(again);
    Ok(report::Run {
        backend: backend.to_owned(),
        startup_s: restart,
        idle_rss_mib: idle_rss,
        peak_rss_mib: Some(peak_rss),
        scenarios,
    })
}
