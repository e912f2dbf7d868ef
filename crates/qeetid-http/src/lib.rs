//! Qeet ID's HTTP adapter (actix-web): routes, extractors, error mapping,
//! security headers, metrics and the OpenAPI document. Only this crate knows actix-web.

mod answers;
mod json;
mod language;
mod metrics;
mod openapi;
mod request_span;
mod route_table;
mod routes;
pub mod wire;

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{DefaultHeaders, Next, from_fn};
use actix_web::{App, HttpMessage as _, HttpResponse, HttpServer, web};
use qeetid_console::FirstParty;
use qeetid_domain::ports::Store;
use qeetid_domain::services::{
    Admin, Authorization, Federation, Passkeys, Provider, ProviderSettings, Registration, SelfService, Tokens,
};
use qeetid_render::Renderer;
use tracing_actix_web::{RequestId, TracingLogger};

pub use actix_web::dev::Server;
pub use answers::{ApiError, ErrorBody, FieldError};
pub use metrics::{Metrics, PoolGauges, PoolReader};
pub use openapi::AdminApi;
pub use routes::client_address::TrustedProxies;
pub use routes::oauth::request_object_of;
pub use routes::registration::wire::read_client_document;
pub use wire::SECRET_WARNING;

/// The areas of use cases the handlers call, composed by the application: the
/// domain's, the deployment's own apps', and the store for readiness checks. A
/// bundle with no use cases of its own; a handler reaches the area it serves.
pub struct UseCases<S> {
    /// The admin API.
    pub admin: Admin<S>,
    /// The token endpoint and the endpoints that take tokens.
    pub tokens: Tokens<S>,
    /// The browser side of the flows.
    pub authorization: Authorization<S>,
    /// Passkey registration and sign-in.
    pub passkeys: Passkeys<S>,
    /// Social sign-in and its providers.
    pub federation: Federation<S>,
    /// A signed-in user's own account.
    pub self_service: SelfService<S>,
    /// Dynamic client registration.
    pub registration: Registration<S>,
    /// Recovery, verification and sign-up by e-mail.
    pub accounts: qeetid_domain::services::Accounts<S>,
    /// The dashboard's and the account page's sign-in and sessions.
    pub apps: FirstParty<S>,
    store: S,
}

impl<S: Store> UseCases<S> {
    /// Bundles the domain's `provider` with the first-party `apps` over `store`.
    pub fn new(provider: Provider<S>, apps: FirstParty<S>, store: S) -> Self {
        let Provider { admin, tokens, authorization, passkeys, federation, self_service, registration, accounts } =
            provider;
        Self { admin, tokens, authorization, passkeys, federation, self_service, registration, accounts, apps, store }
    }

    /// The deployment settings.
    pub fn settings(&self) -> &ProviderSettings {
        self.tokens.context().settings()
    }

    /// The store, for readiness checks.
    pub fn store(&self) -> &S {
        &self.store
    }
}

/// What every handler can reach.
pub struct HttpState<S> {
    /// The use cases, shared by every worker.
    pub services: Arc<UseCases<S>>,
    /// The page renderer.
    pub renderer: Arc<Renderer>,
    /// This deployment's issuer URL.
    pub issuer: String,
    /// HTTP metrics.
    pub metrics: Metrics,
    /// The application's multi-threaded runtime, where use cases run (see `routes::run`).
    pub runtime: tokio::runtime::Handle,
    /// Reverse proxies whose `Forwarded` / `X-Forwarded-For` headers are believed.
    pub trusted_proxies: TrustedProxies,
    /// `/metrics` is served on a listener of its own (`metrics_listen`), not here.
    pub metrics_elsewhere: bool,
}

/// Settings of the HTTP server itself.
#[derive(Debug, Clone)]
pub struct ServerSettings {
    /// Worker threads (default: one per core).
    pub workers: usize,
    /// Seconds to let in-flight requests finish on SIGTERM / Ctrl-C.
    pub shutdown_timeout_secs: u64,
}

/// Serves `GET /metrics` alone on `listener` (`metrics_listen`), for a scraper on a
/// private network; the main listener then answers 404 there. Runs when awaited.
pub fn serve_metrics<S: Store>(listener: TcpListener, state: &HttpState<S>) -> std::io::Result<Server> {
    let metrics = web::Data::new(state.metrics.clone());
    let server = HttpServer::new(move || {
        App::new().app_data(metrics.clone()).service(web::resource("/metrics").route(web::get().to(
            |metrics: web::Data<Metrics>| async move {
                HttpResponse::Ok().content_type("text/plain; version=0.0.4").body(metrics.render())
            },
        )))
    })
    .workers(1)
    .disable_signals()
    .listen(listener)?
    .run();
    Ok(server)
}

/// Starts serving on `listener`. The returned [`Server`] runs when awaited (or spawned)
/// and stops gracefully on SIGTERM or Ctrl-C.
pub fn serve<S: Store>(
    listener: TcpListener,
    state: HttpState<S>,
    settings: &ServerSettings,
) -> std::io::Result<Server> {
    let authenticator = web::Data::new(routes::key_authenticator(state.services.clone(), state.runtime.clone()));
    let cookies = web::Data::new(CookiePolicy { secure: state.issuer.starts_with("https://") });
    let hsts = cookies.secure;
    let state = web::Data::new(state);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .app_data(cookies.clone())
            .app_data(authenticator.clone())
            .app_data(query_config())
            .app_data(path_config())
            .configure(route_table::routes_for::<S>)
            .wrap(from_fn(observe::<S>))
            .wrap(security_headers(hsts))
            .wrap(TracingLogger::<request_span::PathOnlySpan>::new())
    })
    .workers(settings.workers.max(1))
    .shutdown_timeout(settings.shutdown_timeout_secs)
    .listen(listener)?
    .run();
    Ok(server)
}

/// Unknown paths: JSON under `/v1/`, a page elsewhere.
async fn not_found<S: Store>(req: actix_web::HttpRequest, state: web::Data<HttpState<S>>) -> HttpResponse {
    if req.path().starts_with("/v1/") {
        actix_web::ResponseError::error_response(&ApiError::NoRoute)
    } else {
        routes::pages::not_found(req, state).await
    }
}

fn query_config() -> web::QueryConfig {
    web::QueryConfig::default()
        .error_handler(|err, _| ApiError::bad_request(format!("query string: {err}"), None).into())
}

fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err, _| ApiError::bad_request(format!("path: {err}"), None).into())
}

/// Headers on every response (RFC 9700 §4.16 on framing; no caching of API answers,
/// which may carry secrets: RFC 6749 §5.1).
fn security_headers(hsts: bool) -> DefaultHeaders {
    let headers = DefaultHeaders::new()
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((header::REFERRER_POLICY, "no-referrer"))
        .add((header::CONTENT_SECURITY_POLICY, routes::pages::content_security_policy(None)));
    // On an https issuer, browsers remember to use https only (RFC 6797).
    if hsts { headers.add((header::STRICT_TRANSPORT_SECURITY, "max-age=31536000")) } else { headers }
}

/// How cookies are named on this deployment (see `routes::oauth::cookie_name`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct CookiePolicy {
    /// The issuer is https: cookies are Secure and carry the `__Host-`/`__Secure-` prefixes.
    pub(crate) secure: bool,
}

/// Records metrics, adds `X-Request-Id`, and marks API answers `Cache-Control: no-store`.
async fn observe<S: Store>(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = req.method().to_string();
    let is_api = req.path().starts_with("/v1/");
    let request_id = req.extensions().get::<RequestId>().map(ToString::to_string);
    let state = req.app_data::<web::Data<HttpState<S>>>().cloned();
    // The client's address only for the access log line, and only when it is written.
    let logged = tracing::enabled!(target: "qeetid::access", tracing::Level::INFO);
    let client =
        state.as_ref().filter(|_| logged).and_then(|s| routes::client_address::client_address(req.request(), s));
    let mut response = next.call(req).await?;
    let route = response.request().match_pattern().unwrap_or_else(|| "unmatched".to_owned());
    let status = response.status().as_u16();
    let elapsed = started.elapsed();
    if let Some(state) = &state {
        state.metrics.observe(&method, &route, status, elapsed.as_secs_f64());
    }
    // The access log: one line per request, the path without its query (queries carry
    // codes, tokens and e-mail addresses). `log_level = "info,qeetid::access=off"` silences it.
    tracing::info!(
        target: "qeetid::access",
        method = %method,
        path = response.request().path(),
        route = %route,
        status,
        duration_ms = elapsed.as_secs_f64() * 1000.0,
        client = client.map(tracing::field::display),
        request_id = request_id.as_deref(),
        "request"
    );
    let headers = response.headers_mut();
    if let Some(id) = request_id.and_then(|id| HeaderValue::from_str(&id).ok()) {
        headers.insert(header::HeaderName::from_static("x-request-id"), id);
    }
    if is_api && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if response.status() == actix_web::http::StatusCode::SERVICE_UNAVAILABLE {
        let headers = response.headers_mut();
        if !headers.contains_key(header::RETRY_AFTER) {
            headers.insert(header::RETRY_AFTER, HeaderValue::from_static(answers::unavailable::RETRY_AFTER_SECONDS));
        }
    }
    Ok(response)
}
