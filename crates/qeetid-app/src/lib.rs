//! Qeet ID's composition root: loads [`Settings`], opens the store, wires the
//! domain's use cases to their adapters and starts the HTTP server.

pub mod admin;
mod client_documents;
pub mod config;
pub mod config_reference;
mod housekeeping;
pub mod instance_lock;
pub mod kek;
pub mod keys;
mod logout_delivery;
mod mail_delivery;
pub mod operate;
mod seed;
pub mod telemetry;

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use qeetid_console::{FirstParty, FirstPartyClients};
use qeetid_crypto::{Argon2Hasher, Argon2Params, Sealer, SigningKeys, SystemRandom};
use qeetid_domain::dpop::DpopNonceKey;
use qeetid_domain::oauth::{SigningAlg, TokenLifetimes};
use qeetid_domain::outbound::OutboundPolicy;
use qeetid_domain::ports::{Clock, Random, SealedDataRepository as _};
use qeetid_domain::services::{Ports, Provider, ProviderSettings};
use qeetid_domain::subject::PairwiseSalt;
use qeetid_domain::{Context, TenantId, UnixTime};
use qeetid_http::{HttpState, Metrics, PoolGauges, Server, ServerSettings, UseCases};
use qeetid_mail::Mailer;
use qeetid_render::Renderer;
use qeetid_store::{DieselStore, Timeouts};
use qeetid_upstream::CallCounter;

pub use config::Settings;
pub use seed::{SeedReport, seed_demo};

/// Why the application could not start.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Bad configuration.
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    /// The database could not be opened or migrated.
    #[error(transparent)]
    Store(#[from] qeetid_store::SetupError),
    /// A file or socket operation failed.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// Why it failed.
        source: std::io::Error,
    },
    /// A use case failed during start-up (bootstrap, seeding).
    #[error(transparent)]
    Domain(#[from] qeetid_domain::AdminError),
    /// Something else failed during start-up.
    #[error("{0}")]
    Startup(String),
}

/// The system clock, in whole seconds.
#[derive(Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> UnixTime {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        UnixTime::from_secs(secs)
    }
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

/// The deployment value holding the issuer the last server started with.
const SERVED_ISSUER: &str = "served_issuer";

/// The issuer a server on this database answers at (the one the last `serve`
/// started with, which knows its real port), else the one the settings give.
pub async fn served_issuer(settings: &Settings, store: &DieselStore) -> String {
    match store.deployment_value(SERVED_ISSUER).await {
        Ok(Some(issuer)) if settings.issuer.is_empty() => issuer,
        _ => settings.issuer_for(settings.listen),
    }
}

/// Opens (creating the SQLite directory if needed) and migrates the configured database.
pub async fn open_store(settings: &Settings) -> Result<DieselStore, AppError> {
    let url = settings.database_url();
    if let Some(path) = url.strip_prefix("sqlite://").map(std::path::Path::new)
        && let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir)
            .map_err(|source| AppError::Io { what: format!("create data directory {}", dir.display()), source })?;
        private_files(dir, path)?;
    }
    let timeouts = Timeouts {
        acquire: Duration::from_millis(settings.db_acquire_timeout_ms),
        connect: Duration::from_millis(settings.db_connect_timeout_ms),
        statement: Duration::from_millis(settings.db_statement_timeout_ms),
    };
    let store =
        DieselStore::open_with(&url, settings.db_pool_size, timeouts)?.with_audit_echo(settings.audit_log_stderr);
    let applied = store.migrate().await?;
    if !applied.is_empty() {
        tracing::info!(migrations = ?applied, "applied database migrations");
    }
    Ok(store)
}

/// The data directory readable by its owner only (0700), and the SQLite database
/// file (0600) created so before SQLite opens it; its `-wal` and `-shm` files take
/// the database file's mode.
#[cfg(unix)]
fn private_files(dir: &std::path::Path, database: &std::path::Path) -> Result<(), AppError> {
    use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
    let io = |what: String| move |source| AppError::Io { what, source };
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
        .map_err(io(format!("restrict data directory {}", dir.display())))?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false).mode(0o600);
    options.open(database).map_err(io(format!("create {}", database.display())))?;
    std::fs::set_permissions(database, std::fs::Permissions::from_mode(0o600))
        .map_err(io(format!("restrict {}", database.display())))
}

#[cfg(not(unix))]
fn private_files(_: &std::path::Path, _: &std::path::Path) -> Result<(), AppError> {
    Ok(())
}

/// The outbound HTTP client, trusting the CAs of `ca_file` (a path; empty: none).
fn outbound_client(
    policy: OutboundPolicy,
    ca_file: &str,
    counter: CallCounter,
) -> Result<qeetid_upstream::HttpUpstream, AppError> {
    let roots = match ca_file.trim() {
        "" => None,
        path => Some(std::fs::read(path).map_err(|e| AppError::Startup(format!("outbound_ca_file {path}: {e}")))?),
    };
    qeetid_upstream::HttpUpstream::trusting(policy, roots.as_deref())
        .map(|client| client.counting(counter))
        .map_err(|e| AppError::Startup(e.to_string()))
}

/// The use cases wired to the production adapters, for a deployment whose issuer
/// is `issuer`; signing keys are loaded (and the first one made) before this returns.
pub async fn services(
    settings: &Settings,
    store: DieselStore,
    issuer: String,
) -> Result<(UseCases<DieselStore>, keys::Keys), AppError> {
    counted_services(settings, store, issuer, CallCounter::default(), Arc::new(Notify::new())).await
}

/// [`services`], counting outbound calls with `counter`.
async fn counted_services(
    settings: &Settings,
    store: DieselStore,
    issuer: String,
    counter: CallCounter,
    mail_queued: Arc<Notify>,
) -> Result<(UseCases<DieselStore>, keys::Keys), AppError> {
    let random: Arc<dyn Random> = Arc::new(SystemRandom::new());
    let p = &settings.password_hashing;
    let concurrency = if p.max_concurrent == 0 { cores() } else { p.max_concurrent };
    let params = Argon2Params { memory_kib: p.memory_kib, iterations: p.iterations, parallelism: p.parallelism };
    let hasher = Argon2Hasher::new(params, concurrency, Arc::clone(&random))
        .map_err(|e| AppError::Startup(format!("password_hashing: {e}")))?;
    let kek::Unlocked { ring, root, .. } = kek::unlock(settings, random.as_ref(), &store).await?;
    let pairwise_salt = PairwiseSalt::new(root.derive("pairwise subject identifiers"));
    let dpop_nonces = settings.dpop_require_nonce.then(|| DpopNonceKey::new(root.derive("dpop nonces")));
    let sealer = Arc::new(Sealer::new(Arc::clone(&ring), Arc::clone(&random)));
    let signing = Arc::new(SigningKeys::new(Arc::clone(&ring), Arc::clone(&random), keys::policy(settings)));
    keys::refresh(&store, &signing, keys::policy(settings), false).await?;
    let t = &settings.tokens;
    let lifetimes = TokenLifetimes {
        code: t.code_seconds,
        access_token: t.access_token_seconds,
        id_token: t.id_token_seconds,
        refresh_token: t.refresh_token_seconds,
        refresh_token_idle: t.refresh_token_idle_seconds,
        device_code: t.device_code_seconds,
        session: t.session_seconds,
        request: t.request_seconds,
    };
    // WebAuthn needs a domain name (or localhost); on an IP-address issuer the
    // server runs without passkeys and says so.
    let passkeys: Arc<dyn qeetid_domain::ports::PasskeyCeremonies> = match qeetid_webauthn::ceremonies_for(&issuer) {
        Ok(ceremonies) => Arc::from(ceremonies),
        Err((unavailable, why)) => {
            tracing::warn!(error = %why, "passkeys are off");
            Arc::from(unavailable)
        }
    };
    let outbound = OutboundPolicy { allow_private_networks: settings.outbound_allow_private_networks };
    let upstream = outbound_client(outbound, &settings.outbound_ca_file, counter)?;
    let open_registration_tenant = match settings.open_registration_tenant.trim() {
        "" => None,
        raw => Some(TenantId::parse(raw).map_err(|e| AppError::Startup(format!("open_registration_tenant: {e}")))?),
    };
    let access_token_alg = SigningAlg::parse(settings.access_token_signing_alg.trim()).ok_or_else(|| {
        AppError::Startup(format!(
            "access_token_signing_alg: `{}` is not offered: use ES256 or RS256",
            settings.access_token_signing_alg
        ))
    })?;
    let settings = ProviderSettings {
        issuer: issuer.clone(),
        lifetimes,
        client_cache_seconds: settings.client_cache_seconds,
        outbound,
        reauthentication_seconds: settings.reauthentication_seconds,
        failed_sign_ins_per_minute: settings.failed_sign_ins_per_minute,
        open_registration_tenant,
        access_token_alg,
        logout_retry_seconds: settings.logout_retry_seconds.max(0),
        pairwise_salt,
        require_pushed_authorization_requests: settings.require_pushed_authorization_requests,
        dpop_nonces,
    };
    let cx = Context::new(Arc::new(SystemClock), random, settings)
        .with_built_in_clients(Arc::new(FirstPartyClients::new(issuer)))
        .with_sector_documents(Arc::new(client_documents::HttpSectorDocuments { upstream: upstream.clone() }))
        .with_mail_signal(Arc::new(move || mail_queued.notify_one()));
    let ports = Ports {
        passwords: Arc::new(hasher),
        signer: signing.clone(),
        sealer,
        passkeys,
        upstream: Arc::new(upstream.clone()),
        upstream_tokens: Arc::new(qeetid_crypto::UpstreamJwsVerifier),
        documents: Some(Arc::new(client_documents::HttpClientDocuments { upstream: upstream.clone() })),
        client_jose: Some(Arc::new(client_documents::HttpClientJose { upstream })),
    };
    let provider = Provider::compose(store.clone(), &cx, ports);
    let apps = FirstParty::new(store.clone(), cx, signing.clone(), provider.tokens.clone());
    Ok((UseCases::new(provider, apps, store), keys::Keys { signing, ring }))
}

/// A configured server, bound to its port, not yet running.
pub struct Application {
    address: SocketAddr,
    issuer: String,
    bootstrap_key: Option<String>,
    server: Server,
    metrics_address: Option<SocketAddr>,
}

impl Application {
    /// Opens and migrates the store, creates the bootstrap key if the deployment
    /// has none, binds the listener and prepares the server.
    ///
    /// Must run on a multi-threaded tokio runtime: use cases run as its tasks.
    pub async fn build(settings: Settings) -> Result<Self, AppError> {
        let metrics = Metrics::new().map_err(|e| AppError::Startup(format!("metrics: {e}")))?;
        let counted = metrics.clone();
        let store = open_store(&settings).await?.with_event_counter(move |kind| counted.event(kind));
        let pool = store.clone();
        let metrics = metrics.with_pool_reader(Arc::new(move || {
            let now = pool.pool_status();
            let gauge = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
            PoolGauges { in_use: gauge(now.in_use), idle: gauge(now.idle), waiting: gauge(now.waiting) }
        }));
        let counted = metrics.clone();
        let counter = CallCounter::new(move |outcome| counted.outbound(outcome));
        let listener = TcpListener::bind(settings.listen)
            .map_err(|source| AppError::Io { what: format!("listen on {}", settings.listen), source })?;
        let address =
            listener.local_addr().map_err(|source| AppError::Io { what: "read the bound address".into(), source })?;
        let issuer = settings.issuer_for(address);
        let mail_queued = Arc::new(Notify::new());
        let (services, keys) =
            counted_services(&settings, store.clone(), issuer.clone(), counter.clone(), Arc::clone(&mail_queued))
                .await?;
        // Where the server answers, for commands run beside it (`qeetid seed` prints links).
        store
            .set_deployment_value(SERVED_ISSUER, &issuer)
            .await
            .map_err(|e| AppError::Startup(format!("record the issuer: {e}")))?;
        keys::spawn_refresher(store.clone(), keys, keys::policy(&settings));
        housekeeping::spawn_checkpointer(store.clone());
        housekeeping::spawn(store, settings.audit_retention_days);
        let outbound = OutboundPolicy { allow_private_networks: settings.outbound_allow_private_networks };
        let sender = Arc::new(outbound_client(outbound, &settings.outbound_ca_file, counter)?);
        let every = std::time::Duration::from_millis(settings.logout_delivery_interval_ms.max(50));
        logout_delivery::spawn(services.tokens.clone(), sender, every);
        let bootstrap_key = services
            .admin
            .bootstrap_admin_key(settings.bootstrap_admin_key.as_deref())
            .await?
            .map(|k| k.expose().to_owned());
        let overrides = Some(settings.templates_dir.trim()).filter(|d| !d.is_empty()).map(std::path::Path::new);
        let renderer = Arc::new(Renderer::with_overrides(overrides).map_err(|e| AppError::Startup(e.to_string()))?);
        let from = match settings.mail_from.trim() {
            "" => qeetid_mail::default_from(&issuer),
            given => given.to_owned(),
        };
        let mailer = Mailer::new(&settings.smtp_url, &from, Arc::clone(&renderer))
            .map_err(|e| AppError::Startup(e.to_string()))?;
        if mailer.logs_only() {
            tracing::info!("smtp_url is not set: e-mail (password resets, address verification) is written to the log");
        }
        mail_delivery::spawn(services.accounts.clone(), Arc::new(mailer), mail_queued);
        let runtime = tokio::runtime::Handle::current();
        let state = HttpState {
            services: Arc::new(services),
            renderer,
            issuer: issuer.clone(),
            metrics,
            runtime,
            trusted_proxies: qeetid_http::TrustedProxies::parse(settings.trusted_proxies.iter().map(String::as_str))
                .map_err(|entry| AppError::Startup(format!("trusted_proxies: `{entry}` is no address or network")))?,
            metrics_elsewhere: !settings.metrics_listen.trim().is_empty(),
        };
        let metrics_address = match settings.metrics_listen.trim() {
            "" => None,
            raw => {
                let wanted: SocketAddr =
                    raw.parse().map_err(|e| AppError::Startup(format!("metrics_listen `{raw}`: {e}")))?;
                let listener = TcpListener::bind(wanted)
                    .map_err(|source| AppError::Io { what: format!("listen on {wanted} (metrics)"), source })?;
                let bound = listener
                    .local_addr()
                    .map_err(|source| AppError::Io { what: "read the metrics address".into(), source })?;
                let server = qeetid_http::serve_metrics(listener, &state)
                    .map_err(|source| AppError::Io { what: "start the metrics server".into(), source })?;
                tokio::spawn(server);
                Some(bound)
            }
        };
        let server_settings = ServerSettings {
            workers: if settings.workers == 0 { cores() } else { settings.workers },
            shutdown_timeout_secs: settings.shutdown_timeout_seconds,
        };
        let server = qeetid_http::serve(listener, state, &server_settings)
            .map_err(|source| AppError::Io { what: "start the HTTP server".into(), source })?;
        Ok(Self { address, issuer, bootstrap_key, server, metrics_address })
    }

    /// The address the server listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The address `/metrics` is served on, when `metrics_listen` is set.
    pub fn metrics_address(&self) -> Option<SocketAddr> {
        self.metrics_address
    }

    /// The issuer URL in effect.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The bootstrap admin key, when this start created it (to show once).
    pub fn bootstrap_key(&self) -> Option<&str> {
        self.bootstrap_key.as_deref()
    }

    /// Serves until SIGTERM or Ctrl-C, then lets in-flight requests finish.
    pub async fn run(self) -> std::io::Result<()> {
        self.server.await
    }
}
