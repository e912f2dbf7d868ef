//! Qeet ID's upstream-provider adapter: the domain's
//! [`UpstreamClient`](qeetid_domain::ports::UpstreamClient) port over HTTPS
//! (reqwest with rustls): OpenID Connect discovery, the token endpoint, JWK Sets,
//! and GitHub's user API. Answers are size-limited and time-limited; redirects are
//! not followed; every call obeys the deployment's
//! [`OutboundPolicy`]: the URL before it is sent, and every address a name resolves
//! to, on every connection (see [`resolver`]).

mod resolver;

use std::sync::Arc;
use std::time::Duration;

use qeetid_domain::federation::{CodeRedemption, UpstreamEndpoints, UpstreamError, UpstreamIdentity, UpstreamTokens};
use qeetid_domain::outbound::OutboundPolicy;
use qeetid_domain::ports::{BoxFuture, LogoutSender, UpstreamClient};
use serde_json::Value;

/// Largest answer read from a provider.
const MAX_BODY: usize = 256 * 1024;

/// Largest client metadata document read (the draft's suggested 5 KB limit).
const MAX_DOCUMENT: usize = 5 * 1024;
/// Longest wait for a client metadata document, which a user's browser waits on.
const DOCUMENT_TIMEOUT: Duration = Duration::from_secs(5);

/// A small document fetched for the provider (a client ID metadata document).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedDocument {
    /// The body, at most 5 KiB.
    pub body: Vec<u8>,
    /// What `Cache-Control` allows: `max-age`, 0 for `no-store` or `no-cache`,
    /// `None` when it says neither.
    pub max_age: Option<i64>,
}

/// The [`UpstreamClient`] port.
#[derive(Debug, Clone)]
pub struct HttpUpstream {
    http: reqwest::Client,
    policy: OutboundPolicy,
    counter: CallCounter,
}

/// Told the outcome of every outbound call: `ok`, `failed` (no answer, or not 2xx),
/// or `refused` (the outbound policy stopped it before it left).
#[derive(Clone, Default)]
pub struct CallCounter(Option<Arc<dyn Fn(&'static str) + Send + Sync>>);

impl CallCounter {
    /// A counter that calls `count` with each outcome.
    pub fn new(count: impl Fn(&'static str) + Send + Sync + 'static) -> Self {
        Self(Some(Arc::new(count)))
    }

    fn count(&self, outcome: &'static str) {
        if let Some(count) = &self.0 {
            count(outcome);
        }
    }
}

impl std::fmt::Debug for CallCounter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() { "CallCounter(on)" } else { "CallCounter(off)" })
    }
}

/// Sends `request` (or counts its refusal), counting the outcome; a non-2xx answer is
/// counted as failed here and left for the caller to report.
async fn send(
    counter: &CallCounter,
    what: &'static str,
    request: Result<reqwest::RequestBuilder, UpstreamError>,
) -> Result<reqwest::Response, UpstreamError> {
    let request = request.inspect_err(|_| counter.count("refused"))?;
    match request.send().await {
        Ok(response) => {
            counter.count(if response.status().is_success() { "ok" } else { "failed" });
            Ok(response)
        }
        Err(e) => {
            counter.count("failed");
            Err(failed_with_chain(what, &e))
        }
    }
}

impl HttpUpstream {
    /// A client with a 10-second timeout that follows no redirects, uses no proxy
    /// from the environment, and connects only where `policy` allows.
    pub fn new(policy: OutboundPolicy) -> Result<Self, UpstreamError> {
        Self::trusting(policy, None)
    }

    /// [`HttpUpstream::new`], trusting the certificate authorities in the PEM text
    /// `extra_roots` besides the public ones.
    ///
    /// # Errors
    /// When the PEM holds no certificate or the client cannot be built.
    pub fn trusting(policy: OutboundPolicy, extra_roots: Option<&[u8]>) -> Result<Self, UpstreamError> {
        let mut builder = reqwest::Client::builder();
        if let Some(pem) = extra_roots {
            let roots = reqwest::Certificate::from_pem_bundle(pem).map_err(|e| failed("outbound_ca_file", e))?;
            if roots.is_empty() {
                return Err(failed("outbound_ca_file", "holds no PEM certificate"));
            }
            for root in roots {
                builder = builder.add_root_certificate(root);
            }
        }
        let http = builder
            .timeout(Duration::from_secs(10))
            .connect_timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .https_only(!policy.allow_private_networks)
            .dns_resolver(Arc::new(resolver::PolicyResolver::new(policy)))
            .user_agent("qeetid")
            .build()
            .map_err(|e| UpstreamError(e.to_string()))?;
        Ok(Self { http, policy, counter: CallCounter::default() })
    }

    /// Counts every call's outcome with `counter` (the server's metrics).
    pub fn counting(mut self, counter: CallCounter) -> Self {
        self.counter = counter;
        self
    }

    /// `url`, when the outbound policy allows it (scheme, literal address).
    fn checked(&self, what: &str, url: &str) -> Result<reqwest::Url, UpstreamError> {
        self.policy.check_url(url).map_err(|e| failed(what, format!("{url}: {e}")))
    }
}

impl HttpUpstream {
    /// GETs the document at `url` (`what` names it in errors) under the outbound policy: a 2xx of at most
    /// 5 KiB within 5 seconds, no redirects.
    pub fn fetch_document(
        &self,
        what: &'static str,
        url: &str,
    ) -> impl std::future::Future<Output = Result<FetchedDocument, UpstreamError>> + Send + 'static {
        let request = self.checked(what, url).map(|url| {
            self.http
                .get(url)
                .timeout(DOCUMENT_TIMEOUT)
                .header("Accept", "application/json, application/oauth-authz-req+jwt, */*;q=0.5")
        });
        let counter = self.counter.clone();
        async move {
            let mut response = send(&counter, what, request).await?;
            if !response.status().is_success() {
                return Err(failed(what, format!("answered {}", response.status())));
            }
            let max_age = response
                .headers()
                .get(reqwest::header::CACHE_CONTROL)
                .and_then(|v| v.to_str().ok())
                .and_then(max_age_of);
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await.map_err(|e| failed(what, e))? {
                if body.len() + chunk.len() > MAX_DOCUMENT {
                    return Err(failed(what, format!("larger than {MAX_DOCUMENT} bytes")));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(FetchedDocument { body, max_age })
        }
    }
}

/// How long `Cache-Control` lets an answer be used: 0 for `no-store`/`no-cache`,
/// else `max-age`.
fn max_age_of(cache_control: &str) -> Option<i64> {
    let directives: Vec<String> = cache_control.split(',').map(|d| d.trim().to_ascii_lowercase()).collect();
    if directives.iter().any(|d| d == "no-store" || d == "no-cache") {
        return Some(0);
    }
    directives.iter().find_map(|d| d.strip_prefix("max-age=")?.trim_matches('"').parse::<i64>().ok())
}

/// `what: error: cause: cause …`: reqwest's own message hides why a request failed.
fn failed(what: &str, e: impl std::fmt::Display) -> UpstreamError {
    UpstreamError(format!("{what}: {e}"))
}

fn failed_with_chain(what: &str, e: &(dyn std::error::Error + 'static)) -> UpstreamError {
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.contains(&text) {
            message = format!("{message}: {text}");
        }
        source = cause.source();
    }
    failed(what, message)
}

/// Sends `request` and reads a JSON answer (a 2xx, at most [`MAX_BODY`] bytes).
async fn json(
    counter: &CallCounter,
    what: &'static str,
    request: Result<reqwest::RequestBuilder, UpstreamError>,
) -> Result<Value, UpstreamError> {
    let response = send(counter, what, request.map(|r| r.header("Accept", "application/json"))).await?;
    let status = response.status();
    let body = response.bytes().await.map_err(|e| failed(what, e))?;
    if body.len() > MAX_BODY {
        return Err(failed(what, "the answer is too large"));
    }
    let value: Value = serde_json::from_slice(&body).map_err(|e| failed(what, e))?;
    if !status.is_success() {
        let error = value["error"].as_str().unwrap_or("error");
        return Err(failed(what, format!("{status} {error}")));
    }
    Ok(value)
}

fn text(value: &Value, name: &str) -> Option<String> {
    value[name].as_str().map(str::to_owned)
}

/// The endpoints of a discovery document (OIDC Discovery §3).
pub fn endpoints_of(document: &Value) -> Result<UpstreamEndpoints, UpstreamError> {
    let need = |name: &str| text(document, name).ok_or_else(|| failed("discovery", format!("no {name}")));
    Ok(UpstreamEndpoints {
        issuer: need("issuer")?,
        authorization_endpoint: need("authorization_endpoint")?,
        token_endpoint: need("token_endpoint")?,
        jwks_uri: Some(need("jwks_uri")?),
    })
}

/// GitHub's user and e-mails as an identity: the numeric id is the subject; the
/// e-mail is the primary verified one.
pub fn github_identity_of(user: &Value, emails: &Value) -> Result<UpstreamIdentity, UpstreamError> {
    let subject = user["id"].as_i64().map(|id| id.to_string()).ok_or_else(|| failed("GitHub user", "no id"))?;
    let primary = emails
        .as_array()
        .into_iter()
        .flatten()
        .find(|e| e["primary"].as_bool() == Some(true) && e["verified"].as_bool() == Some(true));
    Ok(UpstreamIdentity {
        subject,
        email: primary.and_then(|e| text(e, "email")),
        email_verified: primary.is_some(),
        name: text(user, "name").or_else(|| text(user, "login")),
    })
}

impl UpstreamClient for HttpUpstream {
    fn discover(&self, issuer: &str) -> BoxFuture<'static, Result<UpstreamEndpoints, UpstreamError>> {
        let url = format!("{}/.well-known/openid-configuration", issuer.trim_end_matches('/'));
        let request = self.checked("discovery", &url).map(|url| self.http.get(url));
        let counter = self.counter.clone();
        Box::pin(async move { endpoints_of(&json(&counter, "discovery", request).await?) })
    }

    fn redeem_code(&self, r: CodeRedemption) -> BoxFuture<'static, Result<UpstreamTokens, UpstreamError>> {
        let mut form: Vec<(&str, &str)> = vec![
            ("grant_type", "authorization_code"),
            ("code", r.code.as_str()),
            ("redirect_uri", r.redirect_uri.as_str()),
            ("code_verifier", r.code_verifier.as_str()),
        ];
        let request = self.checked("token endpoint", &r.token_endpoint).map(|url| {
            if r.secret_in_body {
                form.push(("client_id", r.client_id.as_str()));
                form.push(("client_secret", r.client_secret.as_str()));
                self.http.post(url).form(&form)
            } else {
                // RFC 6749 §2.3.1: both parts form-urlencoded inside Basic.
                let encode = |s: &str| url_encode(s);
                self.http.post(url).basic_auth(encode(&r.client_id), Some(encode(&r.client_secret))).form(&form)
            }
        });
        let counter = self.counter.clone();
        Box::pin(async move {
            let answer = json(&counter, "token endpoint", request).await?;
            let access_token =
                text(&answer, "access_token").ok_or_else(|| failed("token endpoint", "no access_token"))?;
            Ok(UpstreamTokens { id_token: text(&answer, "id_token"), access_token })
        })
    }

    fn fetch_keys(&self, jwks_uri: &str) -> BoxFuture<'static, Result<String, UpstreamError>> {
        let request = self.checked("JWK Set", jwks_uri).map(|url| self.http.get(url));
        let counter = self.counter.clone();
        Box::pin(async move { Ok(json(&counter, "JWK Set", request).await?.to_string()) })
    }

    fn github_identity(&self, access_token: &str) -> BoxFuture<'static, Result<UpstreamIdentity, UpstreamError>> {
        let user = Ok(self.http.get("https://api.github.com/user").bearer_auth(access_token));
        let emails = Ok(self.http.get("https://api.github.com/user/emails").bearer_auth(access_token));
        let counter = self.counter.clone();
        Box::pin(async move {
            let (user, emails) =
                (json(&counter, "GitHub user", user).await?, json(&counter, "GitHub e-mails", emails).await?);
            github_identity_of(&user, &emails)
        })
    }

    fn vet_destination(&self, url: &str) -> BoxFuture<'static, Result<(), UpstreamError>> {
        let checked = self.checked("issuer", url);
        let policy = self.policy;
        Box::pin(async move {
            let url = checked?;
            match url.host() {
                Some(url::Host::Domain(name)) => resolver::vet_name(name, policy).await,
                _ => Ok(()),
            }
        })
    }
}

/// `application/x-www-form-urlencoded` encoding of one value.
fn url_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => out.push(char::from(byte)),
            b' ' => out.push('+'),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

/// Longest wait for a client's back-channel logout endpoint.
const LOGOUT_TIMEOUT: Duration = Duration::from_secs(5);

impl LogoutSender for HttpUpstream {
    fn send_logout_tokens(&self, batch: Vec<(String, String)>) -> BoxFuture<'static, Vec<Result<(), UpstreamError>>> {
        const WHAT: &str = "back-channel logout";
        let sends: Vec<_> = batch
            .into_iter()
            .map(|(uri, token)| {
                let request = self
                    .checked(WHAT, &uri)
                    .map(|url| self.http.post(url).timeout(LOGOUT_TIMEOUT).form(&[("logout_token", token.as_str())]));
                // Each send runs on its own, so one slow endpoint does not hold the others.
                let counter = self.counter.clone();
                tokio::spawn(async move {
                    let response = send(&counter, WHAT, request).await?;
                    let status = response.status();
                    if status.is_success() { Ok(()) } else { Err(failed(WHAT, format!("answered {status}"))) }
                })
            })
            .collect();
        Box::pin(async move {
            let mut answers = Vec::with_capacity(sends.len());
            for send in sends {
                answers.push(send.await.unwrap_or_else(|e| Err(failed(WHAT, e))));
            }
            answers
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn discovery_documents_and_github_users_are_read() {
        let document = json!({
            "issuer": "https://accounts.google.com",
            "authorization_endpoint": "https://accounts.google.com/o/oauth2/v2/auth",
            "token_endpoint": "https://oauth2.googleapis.com/token",
            "jwks_uri": "https://www.googleapis.com/oauth2/v3/certs"
        });
        let found = endpoints_of(&document).unwrap();
        assert_eq!(found.token_endpoint, "https://oauth2.googleapis.com/token");
        assert!(endpoints_of(&json!({ "issuer": "x" })).is_err());
        let user = json!({ "id": 583231, "login": "octocat", "name": null });
        let emails = json!([
            { "email": "old@example.com", "primary": false, "verified": true },
            { "email": "octo@example.com", "primary": true, "verified": true }
        ]);
        let identity = github_identity_of(&user, &emails).unwrap();
        assert_eq!(identity.subject, "583231");
        assert_eq!((identity.email.as_deref(), identity.email_verified), (Some("octo@example.com"), true));
        assert_eq!(identity.name.as_deref(), Some("octocat"));
        assert_eq!(url_encode("a b&c"), "a+b%26c");
    }

    #[test]
    fn cache_control_gives_the_document_lifetime() {
        assert_eq!(max_age_of("public, max-age=600"), Some(600));
        assert_eq!(max_age_of("Max-Age=\"60\""), Some(60));
        assert_eq!(max_age_of("no-store"), Some(0));
        assert_eq!(max_age_of("max-age=600, no-cache"), Some(0));
        assert_eq!(max_age_of("public"), None);
    }
}
