//! `qeetid`: run the server, apply migrations, seed a demo tenant, rotate keys, create admins.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory as _, Parser, Subcommand};
use qeetid_app::{AppError, Application, Settings, open_store, seed_demo, services, telemetry};
use qeetid_domain::AdminRole;

/// What `--help` says after the commands.
const AFTER_HELP: &str = "\
Main environment variables (every setting has one; docs/configuration.md lists them all):
  QEETID_LISTEN                 address to listen on (127.0.0.1:8080)
  QEETID_ISSUER                 public https URL of the deployment, the iss of every token
  QEETID_DATABASE_URL           sqlite://PATH (default: <data_dir>/qeetid.db) or postgres://USER@HOST:PORT/DB
  QEETID_DATA_DIR               SQLite database and key-encryption key file (data)
  QEETID_KEY_ENCRYPTION_KEY     key(s) sealing signing keys and secrets (default: the key file)
  QEETID_LOG_FORMAT             pretty or json
  QEETID_BOOTSTRAP_ADMIN_KEY    the first admin API key, instead of a random one

Start:  qeetid serve   then   qeetid seed   (a demo tenant, user and clients)
Docs:   README.md, docs/configuration.md, docs/deploy.md";

/// Qeet ID: an OpenID Connect provider and OAuth 2.0 authorization server.
///
/// Serves OpenID Connect and OAuth 2.0 (authorization code with PKCE, refresh tokens,
/// client credentials, device grant, token exchange, PAR, DPoP) with hosted sign-in,
/// passkeys, TOTP and social sign-in, an admin API and dashboard, for many tenants, on
/// SQLite (embedded) or PostgreSQL (several instances).
#[derive(Parser)]
#[command(name = "qeetid", version = VERSION, about, long_about, after_help = AFTER_HELP)]
struct Cli {
    /// A TOML file overriding config/default.toml (same keys).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (the default): migrates the database, prints the bootstrap admin key on first start.
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080 (overrides `listen`).
        #[arg(long, value_name = "ADDR")]
        listen: Option<SocketAddr>,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create a demo tenant, API key, user and clients, and print how to use them.
    Seed,
    /// Manage signing keys.
    Keys {
        #[command(subcommand)]
        action: KeysAction,
    },
    /// Manage the key-encryption keys that seal signing keys and other secrets.
    Kek {
        #[command(subcommand)]
        action: KekAction,
    },
    /// Manage admin dashboard users and admin API keys.
    Admin {
        #[command(subcommand)]
        action: AdminAction,
    },
    /// Check the configuration (defaults, then --config, then QEETID_… variables) and
    /// print it as it takes effect, secrets masked.
    CheckConfig,
    /// Back up the database and the key-encryption key, together, into a new directory
    /// (SQLite: a consistent copy while the server runs; PostgreSQL: use pg_dump).
    Backup {
        /// The directory to write (made if absent; its files must not exist).
        dir: PathBuf,
    },
    /// Ask the server at `listen` whether it is ready (GET /readyz); exit code 0 when it is.
    /// For container health checks.
    Probe,
    /// Print a shell completion script: `qeetid completions bash > /etc/bash_completion.d/qeetid`.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// The version and the commit it was built from (`unknown` outside a git checkout).
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (commit ", env!("QEETID_COMMIT"), ")");

#[derive(Subcommand)]
enum AdminAction {
    /// Create a user who may sign in to the admin dashboard (/admin).
    CreateUser {
        /// Sign-in e-mail.
        #[arg(long)]
        email: String,
        /// The tenant to create the user in; without it, a new tenant "Administrators".
        #[arg(long, value_name = "TENANT_ID")]
        tenant: Option<String>,
        /// Manage every tenant, not only the user's own.
        #[arg(long)]
        deployment: bool,
        /// The password; without it one is generated and printed.
        #[arg(long, env = "QEETID_ADMIN_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// Create an admin API key and print it once: with --deployment one that manages
    /// every tenant (the way back from a lost bootstrap key; needs the database, so
    /// it runs on the host), or one for --tenant.
    CreateKey {
        /// A key that manages every tenant.
        #[arg(long, conflicts_with = "tenant", required_unless_present = "tenant")]
        deployment: bool,
        /// The tenant (id or sign-in name) the key manages.
        #[arg(long, value_name = "TENANT")]
        tenant: Option<String>,
        /// What the key is for, shown in key lists.
        #[arg(long, default_value = "created on the command line")]
        name: String,
    },
}

#[derive(Subcommand)]
enum KekAction {
    /// Show the keys found, the key the database's data is sealed under, and how
    /// many sealed values each key holds.
    Status,
    /// Put a new key first in <data_dir>/key-encryption-key (the old ones stay, so
    /// running instances still open what they sealed) and re-seal every sealed value
    /// under it. With keys from key_encryption_key: re-seal under the first one.
    Rotate,
    /// Re-seal what is still under old keys, then leave only the first key in the key file.
    Prune,
    /// Print a new key, for key_encryption_key (QEETID_KEY_ENCRYPTION_KEY).
    Generate,
}

#[derive(Subcommand)]
enum KeysAction {
    /// Make a new signing key now and retire the current one (it stays in the JWKS
    /// until the tokens it signed have expired). Running instances pick it up within a minute.
    Rotate,
}

/// Blocking threads per core the process may use: SQLite calls (at most
/// [`qeetid_store::SQLITE_READERS_PER_CORE`] reader connections per core and the
/// one writer, each call on a thread of its own while it runs) and the runtime's
/// workers handed over while a call runs; Argon2 has threads of its own. Tokio's default of 512 would let a burst grow
/// hundreds of threads; 64 let the pool keep about 60 under load, each with its
/// stack and an allocator arena. With 8 on the benchmark's one server core, the
/// whole SQLite run peaked at 57 MiB against 71 MiB, and the scenarios that
/// write ran faster, not slower (`docs/benchmarks.md`).
const BLOCKING_THREADS_PER_CORE: usize = 8;

/// The blocking-thread cap for `cores` cores: [`BLOCKING_THREADS_PER_CORE`] each.
fn max_blocking_threads(cores: usize) -> usize {
    BLOCKING_THREADS_PER_CORE.saturating_mul(cores.max(1))
}

fn main() -> ExitCode {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(max_blocking_threads(cores))
        .build()
    {
        Ok(runtime) => runtime.block_on(run()),
        Err(e) => {
            eprintln!("qeetid: cannot start the async runtime: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> ExitCode {
    let cli = Cli::parse();
    if let Some(Command::Completions { shell }) = cli.command {
        clap_complete::generate(shell, &mut Cli::command(), "qeetid", &mut std::io::stdout());
        return ExitCode::SUCCESS;
    }
    let settings = match Settings::from_env(cli.config.as_deref()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("qeetid: {e}");
            return ExitCode::from(2);
        }
    };
    let mut telemetry = telemetry::init(&settings.log_format, &settings.log_level, &settings.otlp_endpoint);
    let json_logs = settings.log_format == "json";
    let variables = std::env::vars_os().filter_map(|(name, _)| name.into_string().ok());
    for warning in qeetid_app::config::unknown_variables(variables) {
        tracing::warn!("{warning}");
    }
    let result = match cli.command.unwrap_or(Command::Serve { listen: None }) {
        Command::Serve { listen } => serve(settings, listen).await,
        Command::Migrate => migrate(&settings).await,
        Command::Seed => seed(&settings).await,
        Command::CheckConfig => check_config(cli.config.as_deref(), &settings),
        Command::Completions { .. } => Ok(()),
        Command::Backup { dir } => backup(&settings, &dir).await,
        Command::Probe => match qeetid_app::operate::probe(settings.listen) {
            Ok(()) => Ok(()),
            Err(why) => Err(AppError::Startup(format!("not ready: {why}"))),
        },
        Command::Keys { action: KeysAction::Rotate } => rotate_keys(&settings).await,
        Command::Kek { action } => kek(&settings, action).await,
        Command::Admin { action: AdminAction::CreateKey { deployment: _, tenant, name } } => {
            create_key(&settings, tenant.as_deref(), &name).await
        }
        Command::Admin { action: AdminAction::CreateUser { email, tenant, deployment, password } } => {
            let role = if deployment { AdminRole::Deployment } else { AdminRole::Tenant };
            create_admin_user(&settings, tenant.as_deref(), &email, password, role).await
        }
    };
    // Buffered spans go out before the process ends.
    telemetry.shutdown();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // Said once: as a log event for collectors, or as a line for people.
        Err(e) if json_logs => {
            tracing::error!(error = %e, "qeetid failed");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("qeetid: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(mut settings: Settings, listen: Option<SocketAddr>) -> Result<(), AppError> {
    if let Some(addr) = listen {
        settings.listen = addr;
    }
    let database = settings.database_url();
    // Held while the server runs: a second `serve` on this SQLite file is refused.
    let _lock = qeetid_app::instance_lock::acquire(&database)?;
    let app = Application::build(settings).await?;
    if let Some(key) = app.bootstrap_key() {
        show_bootstrap_key(key);
    }
    tracing::info!(address = %app.address(), issuer = app.issuer(), database = %redact(&database), "Qeet ID is listening");
    app.run().await.map_err(|source| AppError::Io { what: "serve HTTP".into(), source })
}

/// The database URL without a password, for the log.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{user}@{}", &url[..scheme + 3], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

#[allow(clippy::print_stdout, reason = "the bootstrap key is shown once, to the operator, on purpose")]
fn show_bootstrap_key(key: &str) {
    println!();
    println!("  Bootstrap admin API key (shown once; store it now):");
    println!();
    println!("    {key}");
    println!();
    println!("  Use it as:  Authorization: ApiKey {key}");
    println!();
}

async fn migrate(settings: &Settings) -> Result<(), AppError> {
    open_store(settings).await?;
    tracing::info!(database = %redact(&settings.database_url()), "database is up to date");
    Ok(())
}

async fn rotate_keys(settings: &Settings) -> Result<(), AppError> {
    let store = open_store(settings).await?;
    let (_, keys) = services(settings, store.clone(), settings.issuer_for(settings.listen)).await?;
    qeetid_app::keys::refresh(&store, &keys.signing, qeetid_app::keys::policy(settings), true).await?;
    for alg in qeetid_domain::oauth::SigningAlg::ALL {
        let kid = keys.signing.active_kid(alg).unwrap_or_default();
        tracing::info!(alg = alg.as_str(), kid, "a new signing key is active");
    }
    Ok(())
}

#[allow(clippy::print_stdout, reason = "backup reports what it wrote to the operator")]
async fn backup(settings: &Settings, dir: &std::path::Path) -> Result<(), AppError> {
    let store = open_store(settings).await?;
    let report = qeetid_app::operate::backup(settings, &store, dir).await?;
    match &report.database {
        Some(path) => println!("database            {}", path.display()),
        None => println!("database            PostgreSQL: back it up with pg_dump (docs/deploy.md)"),
    }
    match &report.key_file {
        Some(path) => println!("key-encryption key  {}", path.display()),
        None => println!("key-encryption key  from key_encryption_key: keep it with this backup yourself"),
    }
    println!("Keep them together: neither restores anything without the other.");
    Ok(())
}

#[allow(clippy::print_stdout, reason = "the kek commands report to the operator")]
async fn kek(settings: &Settings, action: KekAction) -> Result<(), AppError> {
    let random = qeetid_crypto::SystemRandom::new();
    if let KekAction::Generate = action {
        let (key, text) = qeetid_crypto::KeyEncryptionKey::generate(&random);
        eprintln!("a new key-encryption key, id {} (keep it secret; back it up):", key.id());
        println!("{text}");
        return Ok(());
    }
    let store = open_store(settings).await?;
    let report = match action {
        KekAction::Status => qeetid_app::kek::status(settings, &random, &store).await?,
        KekAction::Rotate => qeetid_app::kek::rotate(settings, &random, &store).await?,
        KekAction::Prune => qeetid_app::kek::prune(settings, &random, &store).await?,
        KekAction::Generate => String::new(),
    };
    println!("{}", report.trim_end());
    Ok(())
}

#[allow(clippy::print_stdout, reason = "the key is shown once, to the operator, on purpose")]
async fn create_key(settings: &Settings, tenant: Option<&str>, name: &str) -> Result<(), AppError> {
    let store = open_store(settings).await?;
    let base = qeetid_app::served_issuer(settings, &store).await;
    let (services, _) = services(settings, store, base).await?;
    let created = qeetid_app::admin::create_key(&services, tenant, name).await?;
    let reach = match &created.api_key.scope {
        qeetid_domain::KeyScope::Deployment => "every tenant".to_owned(),
        qeetid_domain::KeyScope::Tenant(id) => format!("tenant {id}"),
    };
    println!("Admin API key {} created; it manages {reach}. Shown once; store it now:", created.api_key.id);
    println!();
    println!("    {}", created.key.expose());
    println!();
    println!("  Use it as:  Authorization: ApiKey {}", created.key.expose());
    Ok(())
}

#[allow(clippy::print_stdout, reason = "the operator needs the password and the link")]
async fn create_admin_user(
    settings: &Settings,
    tenant: Option<&str>,
    email: &str,
    password: Option<String>,
    role: AdminRole,
) -> Result<(), AppError> {
    let store = open_store(settings).await?;
    let base = qeetid_app::served_issuer(settings, &store).await;
    let (services, _) = services(settings, store, base.clone()).await?;
    let generated = password.is_none();
    let admin = qeetid_app::admin::create_admin(&services, tenant, email, password, role).await?;
    println!("Admin {} created in tenant {} (role: {}).", admin.email, admin.tenant_id, admin.role.as_str());
    if generated {
        println!("  password (shown once): {}", admin.password);
    }
    println!("  sign in at {base}/admin/login?tenant={}", admin.tenant_id);
    Ok(())
}

/// Prints the effective configuration with secrets masked (it was checked when it loaded).
#[allow(clippy::print_stdout, reason = "check-config prints the configuration for the operator")]
fn check_config(file: Option<&std::path::Path>, settings: &Settings) -> Result<(), AppError> {
    let table = Settings::effective_table(file, |var| std::env::var(var).ok())
        .map_err(|e| AppError::Startup(format!("configuration: {e}")))?;
    let text = toml::to_string(&qeetid_app::config::masked(table))
        .map_err(|e| AppError::Startup(format!("configuration: {e}")))?;
    println!("# The configuration is valid. As it takes effect (defaults < --config < QEETID_… variables);");
    println!("# secrets masked.");
    let bootstrap = if settings.bootstrap_admin_key.is_some() { "set (***)" } else { "not set" };
    println!("# QEETID_BOOTSTRAP_ADMIN_KEY: {bootstrap}");
    println!("# database: {}", qeetid_app::config::masked_password(&settings.database_url()));
    print!("{text}");
    Ok(())
}

#[allow(clippy::print_stdout, reason = "seed prints what it made for the operator to use")]
async fn seed(settings: &Settings) -> Result<(), AppError> {
    let store = open_store(settings).await?;
    let base = qeetid_app::served_issuer(settings, &store).await;
    let (services, _) = services(settings, store, base.clone()).await?;
    let r = seed_demo(&services).await?;
    println!("Demo tenant `{}` ({}) created.", r.tenant_slug, r.tenant_id);
    println!();
    println!("  export QEETID_API_KEY={}", r.api_key);
    println!("  export TENANT={}", r.tenant_id);
    println!("  export WEB_CLIENT_ID={} WEB_CLIENT_SECRET={}", r.web_client_id, r.web_client_secret);
    println!("  export SPA_CLIENT_ID={} TV_CLIENT_ID={}", r.spa_client_id, r.tv_client_id);
    println!();
    println!(
        "  user        {} / {}  (account page: {base}/t/{}/account)",
        r.user_email, r.user_password, r.tenant_slug
    );
    println!("  admin       {} / {}  (dashboard: {base}/t/{}/admin)", r.admin_email, r.user_password, r.tenant_slug);
    println!(
        "  web client  confidential, redirect_uris http://localhost:3000/api/auth/callback and …/auth/callback (sdks/nextjs/example)"
    );
    println!("  SPA client  public (PKCE), redirect_uri http://localhost:5173/callback");
    println!("  TV client   public, device grant");
    println!();
    println!("Try:  curl -s {base}/v1/tenants/$TENANT/oidc/clients -H \"Authorization: ApiKey $QEETID_API_KEY\"");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocking_threads_cover_every_sqlite_connection_and_the_handed_over_workers() {
        for cores in 1..=64 {
            let needed = qeetid_store::SQLITE_READERS_PER_CORE * cores + 1 + cores;
            assert!(max_blocking_threads(cores) >= needed, "{cores} cores");
        }
        assert_eq!(max_blocking_threads(0), BLOCKING_THREADS_PER_CORE);
    }
}
