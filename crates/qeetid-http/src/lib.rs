//! Qeet ID's HTTP adapter (actix-web): routes, extractors, error mapping,
//! security headers, metrics and the OpenAPI document. Only this crate knows actix-web.

mod answers;
mod json;
mod language;
mod metrics;
mod openapi;
mod request_span;
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
            .configure(routes_for::<S>)
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

/// A resource whose unhandled methods get a JSON 405.
fn resource(path: &str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(|| async { Err::<HttpResponse, _>(ApiError::MethodNotAllowed) }))
}

fn routes_for<S: Store>(cfg: &mut web::ServiceConfig) {
    use routes::{
        account, api_keys, clients, console, device, events, federation, grants, hosted, initial_tokens, logout, oauth,
        open_registration, pages, passkeys, probes, recovery, registration, resource, second_factor, sign_up, tenants,
        users,
    };
    cfg.service(web::resource("/").route(web::get().to(pages::home::<S>)))
        .service(web::resource("/.well-known/openid-configuration").route(web::get().to(oauth::discovery::<S>)))
        .service(
            web::resource("/.well-known/oauth-authorization-server")
                .route(web::get().to(oauth::authorization_server_metadata::<S>)),
        )
        .service(web::resource("/.well-known/jwks.json").route(web::get().to(oauth::jwks::<S>)))
        .service(web::resource("/v1/oauth/register").route(web::post().to(registration::register::<S>)))
        .service(
            web::resource("/v1/oauth/register/{clientID}")
                .route(web::get().to(registration::read::<S>))
                .route(web::put().to(registration::update::<S>))
                .route(web::delete().to(registration::delete::<S>)),
        )
        .service(web::resource("/v1/oauth/authorize").route(web::get().to(oauth::authorize::<S>)))
        .service(web::resource("/v1/oauth/token").route(web::post().to(oauth::token::<S>)))
        .service(web::resource("/v1/oauth/par").route(web::post().to(routes::par::push::<S>)))
        .service(web::resource("/v1/oauth/token-code").route(web::post().to(oauth::token::<S>)))
        .service(
            web::resource("/v1/oauth/userinfo")
                .route(web::get().to(resource::userinfo::<S>))
                .route(web::post().to(resource::userinfo::<S>)),
        )
        .service(web::resource("/v1/oauth/introspect").route(web::post().to(resource::introspect::<S>)))
        .service(web::resource("/v1/oauth/revoke").route(web::post().to(resource::revoke::<S>)))
        .service(web::resource("/v1/oauth/device/code").route(web::post().to(device::device_code::<S>)))
        .service(
            web::resource("/device").route(web::get().to(device::page::<S>)).route(web::post().to(device::submit::<S>)),
        )
        .service(
            web::resource("/v1/oauth/logout")
                .route(web::get().to(logout::start::<S>))
                .route(web::post().to(logout::start::<S>)),
        )
        .service(web::resource("/logout").route(web::post().to(logout::confirm::<S>)))
        .service(web::resource("/v1/oauth/login-context").route(web::get().to(hosted::login_context::<S>)))
        .service(web::resource("/v1/oauth/authorize/decision").route(web::post().to(hosted::decision::<S>)))
        .service(
            web::resource("/login")
                .route(web::get().to(hosted::login_page::<S>))
                .route(web::post().to(hosted::login_submit::<S>)),
        )
        .service(web::resource("/login/federated/callback").route(web::get().to(federation::callback::<S>)))
        .service(web::resource("/login/federated/{id}").route(web::get().to(federation::start::<S>)))
        .service(web::resource("/login/passkey/options").route(web::post().to(passkeys::login_options::<S>)))
        .service(web::resource("/login/passkey").route(web::post().to(passkeys::login::<S>)))
        .service(
            web::resource("/login/mfa")
                .route(web::get().to(second_factor::page::<S>))
                .route(web::post().to(second_factor::submit::<S>)),
        )
        .service(web::resource("/consent").route(web::get().to(hosted::consent_page::<S>)))
        .service(web::resource("/branding/{tenantID}/{file}").route(web::get().to(pages::theme::<S>)))
        .service(
            web::resource("/password/forgot")
                .route(web::get().to(recovery::forgot_page::<S>))
                .route(web::post().to(recovery::forgot_submit::<S>)),
        )
        .service(
            web::resource("/password/reset")
                .route(web::get().to(recovery::reset_page::<S>))
                .route(web::post().to(recovery::reset_submit::<S>)),
        )
        .service(
            web::resource("/email/verify")
                .route(web::get().to(recovery::verify_page::<S>))
                .route(web::post().to(recovery::verify_submit::<S>)),
        )
        .service(
            web::resource("/signup")
                .route(web::get().to(sign_up::page::<S>))
                .route(web::post().to(sign_up::submit::<S>)),
        )
        .service(resource("/v1/tenants/{tenantID}/oauth/grants").route(web::get().to(grants::list::<S>)))
        .service(resource("/v1/tenants/{tenantID}/events").route(web::get().to(events::list::<S>)))
        .service(
            resource("/v1/tenants/{tenantID}/users/{userID}/token-exchanges")
                .route(web::get().to(grants::token_exchanges::<S>)),
        )
        .service(resource("/v1/tenants/{tenantID}/oauth/grants/{id}").route(web::delete().to(grants::revoke::<S>)))
        .service(web::resource("/admin").route(web::get().to(console::home::<S>)))
        .service(web::resource("/admin/login").route(web::get().to(console::login::<S>)))
        .service(web::resource("/t/{slug}/admin").route(web::get().to(console::by_slug)))
        .service(web::resource("/account").route(web::get().to(account::page::<S>)))
        .service(web::resource("/t/{slug}/account").route(web::get().to(account::by_slug)))
        .service(web::resource("/account/callback").route(web::get().to(account::callback::<S>)))
        .service(web::resource("/account/logout").route(web::post().to(account::logout::<S>)))
        .service(web::resource("/account/reauthenticate").route(web::get().to(account::reauthenticate::<S>)))
        .service(web::resource("/account/profile").route(web::post().to(account::profile::<S>)))
        .service(web::resource("/account/password").route(web::post().to(account::password::<S>)))
        .service(web::resource("/account/passkeys/options").route(web::post().to(passkeys::register_options::<S>)))
        .service(web::resource("/account/passkeys").route(web::post().to(passkeys::register::<S>)))
        .service(web::resource("/account/passkeys/{id}/rename").route(web::post().to(passkeys::rename::<S>)))
        .service(web::resource("/account/passkeys/{id}/remove").route(web::post().to(passkeys::remove::<S>)))
        .service(web::resource("/account/mfa/totp").route(web::post().to(account::start_totp::<S>)))
        .service(web::resource("/account/mfa/totp/confirm").route(web::post().to(account::confirm_totp::<S>)))
        .service(web::resource("/account/mfa/totp/remove").route(web::post().to(account::remove_totp::<S>)))
        .service(web::resource("/account/mfa/recovery-codes").route(web::post().to(account::new_recovery_codes::<S>)))
        .service(web::resource("/account/apps/{grantID}/revoke").route(web::post().to(account::revoke_app::<S>)))
        .service(web::resource("/account/sessions/end-others").route(web::post().to(account::end_other_sessions::<S>)))
        .service(web::resource("/account/sessions/{sessionID}/end").route(web::post().to(account::end_session::<S>)))
        .service(web::resource("/admin/callback").route(web::get().to(console::callback::<S>)))
        .service(web::resource("/admin/logout").route(web::post().to(console::logout::<S>)))
        .service(web::resource("/admin/t/{tenantID}/clients").route(web::get().to(console::clients::list::<S>)))
        .service(
            web::resource("/admin/t/{tenantID}/clients/new")
                .route(web::get().to(console::clients::new_form::<S>))
                .route(web::post().to(console::clients::create::<S>)),
        )
        .service(
            web::resource("/admin/t/{tenantID}/clients/{id}")
                .route(web::get().to(console::clients::show::<S>))
                .route(web::post().to(console::clients::update::<S>)),
        )
        .service(
            web::resource("/admin/t/{tenantID}/clients/{id}/rotate-secret")
                .route(web::post().to(console::clients::rotate::<S>)),
        )
        .service(
            web::resource("/admin/t/{tenantID}/clients/{id}/delete")
                .route(web::get().to(console::clients::confirm_delete::<S>))
                .route(web::post().to(console::clients::delete::<S>)),
        )
        .service(web::resource("/admin/t/{tenantID}/grants").route(web::get().to(console::grants::list::<S>)))
        .service(web::resource("/admin/t/{tenantID}/events").route(web::get().to(console::events::list::<S>)))
        .service(
            web::resource("/admin/t/{tenantID}/registration").route(web::get().to(console::registration::list::<S>)),
        )
        .service(
            web::resource("/admin/t/{tenantID}/registration/new")
                .route(web::post().to(console::registration::create::<S>)),
        )
        .service(
            web::resource("/admin/t/{tenantID}/registration/open")
                .route(web::post().to(console::registration::set_open::<S>)),
        )
        .service(
            web::resource("/admin/t/{tenantID}/registration/{id}/delete")
                .route(web::get().to(console::registration::confirm_delete::<S>))
                .route(web::post().to(console::registration::delete::<S>)),
        )
        .service(
            web::resource("/admin/t/{tenantID}/grants/{id}/revoke").route(web::post().to(console::grants::revoke::<S>)),
        )
        .service(web::resource("/admin/t/{tenantID}/users").route(web::get().to(console::users::list::<S>)))
        .service(web::resource("/admin/t/{tenantID}/users/new").route(web::post().to(console::users::create::<S>)))
        .service(
            web::resource("/admin/t/{tenantID}/users/{id}")
                .route(web::get().to(console::users::show::<S>))
                .route(web::post().to(console::users::update::<S>)),
        )
        .service(
            web::resource("/admin/t/{tenantID}/users/{id}/send-reset")
                .route(web::post().to(console::users::send_reset::<S>)),
        )
        .service(
            web::resource("/admin/t/{tenantID}/users/{id}/reset-mfa")
                .route(web::post().to(console::users::reset_mfa::<S>)),
        )
        .service(
            web::resource("/admin/t/{tenantID}/require-mfa").route(web::post().to(console::users::require_mfa::<S>)),
        )
        .service(
            web::resource("/admin/t/{tenantID}/users/{id}/disable").route(web::post().to(console::users::disable::<S>)),
        )
        .service(
            web::resource("/admin/t/{tenantID}/users/{id}/enable").route(web::post().to(console::users::enable::<S>)),
        )
        .service(
            web::resource("/admin/t/{tenantID}/users/{id}/sessions/{sessionID}/end")
                .route(web::post().to(console::users::end_session::<S>)),
        )
        .service(
            web::resource("/admin/t/{tenantID}/users/{id}/delete")
                .route(web::get().to(console::users::confirm_delete::<S>))
                .route(web::post().to(console::users::delete::<S>)),
        )
        .service(
            web::resource("/admin/t/{tenantID}/branding")
                .route(web::get().to(console::branding::show::<S>))
                .route(web::post().to(console::branding::save::<S>)),
        )
        .service(
            web::resource("/admin/t/{tenantID}/branding/logo")
                .route(web::post().to(console::branding::upload_logo::<S>)),
        )
        .service(
            web::resource("/admin/t/{tenantID}/providers")
                .route(web::get().to(console::providers::show::<S>))
                .route(web::post().to(console::providers::create::<S>)),
        )
        .service(
            web::resource("/admin/t/{tenantID}/providers/{id}").route(web::post().to(console::providers::update::<S>)),
        )
        .service(
            web::resource("/admin/t/{tenantID}/providers/{id}/delete")
                .route(web::post().to(console::providers::delete::<S>)),
        )
        .service(
            web::resource("/admin/t/{tenantID}/branding/logo/remove")
                .route(web::post().to(console::branding::remove_logo::<S>)),
        )
        .service(web::resource("/admin/t/{tenantID}/keys").route(web::get().to(console::keys::list::<S>)))
        .service(web::resource("/admin/t/{tenantID}/keys/new").route(web::post().to(console::keys::create::<S>)))
        .service(
            web::resource("/admin/t/{tenantID}/keys/{id}/delete")
                .route(web::get().to(console::keys::confirm_delete::<S>))
                .route(web::post().to(console::keys::delete::<S>)),
        )
        .service(web::resource("/admin/t/{tenantID}/tenants").route(web::get().to(console::tenants::list::<S>)))
        .service(web::resource("/admin/t/{tenantID}/tenants/new").route(web::post().to(console::tenants::create::<S>)))
        .service(
            web::resource("/admin/t/{tenantID}/tenants/{id}/rename")
                .route(web::post().to(console::tenants::rename::<S>)),
        )
        .service(web::resource("/static/console.js").route(web::get().to(console::script)))
        .service(web::resource("/static/passkeys.js").route(web::get().to(passkeys::script)))
        .service(web::resource("/static/logout.js").route(web::get().to(pages::logout_script)))
        .service(web::resource("/static/form_post.js").route(web::get().to(pages::form_post_script)))
        .service(web::resource("/static/qeetid.css").route(web::get().to(pages::stylesheet)))
        .service(web::resource("/healthz").route(web::get().to(probes::healthz)))
        .service(web::resource("/readyz").route(web::get().to(probes::readyz::<S>)))
        .service(web::resource("/metrics").route(web::get().to(probes::metrics::<S>)))
        .service(resource("/v1/openapi.json").route(web::get().to(openapi::document)))
        .service(
            resource("/v1/tenants")
                .route(web::post().to(tenants::create::<S>))
                .route(web::get().to(tenants::list::<S>)),
        )
        .service(
            resource("/v1/tenants/{tenantID}")
                .route(web::get().to(tenants::get::<S>))
                .route(web::patch().to(tenants::rename::<S>))
                .route(web::delete().to(tenants::delete::<S>)),
        )
        .service(
            resource("/v1/tenants/{tenantID}/api-keys")
                .route(web::post().to(api_keys::create::<S>))
                .route(web::get().to(api_keys::list::<S>)),
        )
        .service(resource("/v1/tenants/{tenantID}/api-keys/{id}").route(web::delete().to(api_keys::delete::<S>)))
        .service(resource("/v1/tenants/{tenantID}/oauth/resources").route(web::put().to(tenants::set_resources::<S>)))
        .service(
            resource("/v1/tenants/{tenantID}/logo")
                .route(web::put().to(tenants::put_logo::<S>))
                .route(web::delete().to(tenants::delete_logo::<S>)),
        )
        .service(
            resource("/v1/deployment/open-registration")
                .route(web::get().to(open_registration::get::<S>))
                .route(web::put().to(open_registration::set::<S>)),
        )
        .service(
            resource("/v1/tenants/{tenantID}/oauth/initial-access-tokens")
                .route(web::post().to(initial_tokens::create::<S>))
                .route(web::get().to(initial_tokens::list::<S>)),
        )
        .service(
            resource("/v1/tenants/{tenantID}/oauth/initial-access-tokens/{id}")
                .route(web::delete().to(initial_tokens::delete::<S>)),
        )
        .service(
            resource("/v1/tenants/{tenantID}/users")
                .route(web::post().to(users::create::<S>))
                .route(web::get().to(users::list::<S>)),
        )
        .service(
            resource("/v1/tenants/{tenantID}/users/{id}")
                .route(web::get().to(users::get::<S>))
                .route(web::patch().to(users::update::<S>))
                .route(web::delete().to(users::delete::<S>)),
        )
        .service(resource("/v1/tenants/{tenantID}/users/{id}/sessions").route(web::get().to(users::sessions::<S>)))
        .service(
            resource("/v1/tenants/{tenantID}/users/{id}/identities/{providerID}")
                .route(web::delete().to(federation::unlink::<S>)),
        )
        .service(
            resource("/v1/tenants/{tenantID}/identity-providers")
                .route(web::post().to(federation::create::<S>))
                .route(web::get().to(federation::list::<S>)),
        )
        .service(
            resource("/v1/tenants/{tenantID}/identity-providers/{id}")
                .route(web::get().to(federation::get::<S>))
                .route(web::patch().to(federation::update::<S>))
                .route(web::delete().to(federation::delete::<S>)),
        )
        .service(
            resource("/v1/tenants/{tenantID}/users/{id}/mfa")
                .route(web::get().to(users::mfa::<S>))
                .route(web::delete().to(users::reset_mfa::<S>)),
        )
        .service(
            resource("/v1/tenants/{tenantID}/users/{id}/sessions/{sessionID}")
                .route(web::delete().to(users::end_session::<S>)),
        )
        .service(resource("/v1/oidc/clients").route(web::post().to(clients::register::<S>)))
        .service(resource("/v1/oidc/clients/{id}").route(web::delete().to(clients::delete::<S>)))
        .service(resource("/v1/tenants/{tenantID}/oidc/clients").route(web::get().to(clients::list::<S>)))
        .service(
            resource("/v1/tenants/{tenantID}/oidc/clients/{id}")
                .route(web::get().to(clients::get::<S>))
                .route(web::patch().to(clients::update::<S>)),
        )
        .service(
            resource("/v1/tenants/{tenantID}/oidc/clients/{id}/logout-deliveries")
                .route(web::get().to(clients::logout_deliveries::<S>)),
        )
        .service(
            resource("/v1/tenants/{tenantID}/oidc/clients/{id}/rotate-secret")
                .route(web::post().to(clients::rotate_secret::<S>)),
        )
        .default_service(web::to(not_found::<S>));
    cfg.app_data(web::JsonConfig::default());
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
