//! `qeetid`: run the server, apply migrations, seed a demo tenant, rotate keys, create admins.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use qeetid_app::{AppError, Application, Settings, open_store, seed_demo, services, telemetry};
use qeetid_domain::AdminRole;

/// Qeet ID: an OpenID Connect provider and OAuth 2.0 authorization server.
#[derive(Parser)]
#[command(version, about)]
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
    /// Manage admin dashboard users.
    Admin {
        #[command(subcommand)]
        action: AdminAction,
    },
    /// Check the configuration (defaults, then --config, then QEETID_… variables) and
    /// print it as it takes effect, secrets masked.
    CheckConfig,
}

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
}

#[derive(Subcommand)]
enum KeysAction {
    /// Make a new signing key now and retire the current one (it stays in the JWKS
    /// until the tokens it signed have expired). Running instances pick it up within a minute.
    Rotate,
}

/// Blocking threads: SQLite calls (one per pooled connection at most) and the key
/// file; Argon2 has threads of its own. Tokio's default of 512 would let a burst
/// grow hundreds of threads, each keeping allocator arenas.
const MAX_BLOCKING_THREADS: usize = 64;

fn main() -> ExitCode {
    match tokio::runtime::Builder::new_multi_thread().enable_all().max_blocking_threads(MAX_BLOCKING_THREADS).build() {
        Ok(runtime) => runtime.block_on(run()),
        Err(e) => {
            eprintln!("qeetid: cannot start the async runtime: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::from_env(cli.config.as_deref()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("qeetid: {e}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&settings.log_format, &settings.log_level);
    let result = match cli.command.unwrap_or(Command::Serve { listen: None }) {
        Command::Serve { listen } => serve(settings, listen).await,
        Command::Migrate => migrate(&settings).await,
        Command::Seed => seed(&settings).await,
        Command::CheckConfig => check_config(cli.config.as_deref(), &settings),
        Command::Keys { action: KeysAction::Rotate } => rotate_keys(&settings).await,
        Command::Admin { action: AdminAction::CreateUser { email, tenant, deployment, password } } => {
            let role = if deployment { AdminRole::Deployment } else { AdminRole::Tenant };
            create_admin_user(&settings, tenant.as_deref(), &email, password, role).await
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "qeetid failed");
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
    let (_, signing) = services(settings, store.clone(), settings.issuer_for(settings.listen)).await?;
    qeetid_app::keys::refresh(&store, &signing, qeetid_app::keys::policy(settings), true).await?;
    for alg in qeetid_domain::oauth::SigningAlg::ALL {
        let kid = signing.active_kid(alg).unwrap_or_default();
        tracing::info!(alg = alg.as_str(), kid, "a new signing key is active");
    }
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
    let base = settings.issuer_for(settings.listen);
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
    let (services, _) = services(settings, store, settings.issuer_for(settings.listen)).await?;
    let r = seed_demo(&services).await?;
    let base = settings.issuer_for(settings.listen);
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
