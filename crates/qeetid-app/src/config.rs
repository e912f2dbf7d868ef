//! Settings: `config/default.toml` (compiled in), then a `--config` file, then
//! `QEETID_…` environment variables, each overriding the one before.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The defaults, as shipped in `config/default.toml`.
pub(crate) const DEFAULTS: &str = include_str!("../../../config/default.toml");

/// Why the configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The `--config` file could not be read.
    #[error("cannot read config file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A file is not valid TOML or has an unknown key or a wrong type.
    #[error("invalid configuration in {origin}: {message}")]
    Invalid {
        /// Which layer: the defaults, a file, or an environment variable.
        origin: String,
        /// What is wrong.
        message: String,
    },
}

/// Argon2id settings.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PasswordHashing {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Iterations.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
    /// Hashes at once; 0 means one per core.
    pub max_concurrent: usize,
}

/// Lifetimes, in seconds.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Tokens {
    /// Authorization codes.
    pub code_seconds: i64,
    /// Access tokens.
    pub access_token_seconds: i64,
    /// ID tokens.
    pub id_token_seconds: i64,
    /// Refresh tokens, absolute.
    pub refresh_token_seconds: i64,
    /// Refresh tokens, idle.
    pub refresh_token_idle_seconds: i64,
    /// Device codes.
    pub device_code_seconds: i64,
    /// SSO sessions.
    pub session_seconds: i64,
    /// Pending authorization requests.
    pub request_seconds: i64,
}

/// Every setting of a deployment.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Address to listen on (port 0: any free port).
    pub listen: SocketAddr,
    /// Where `/metrics` is served instead of `listen`; empty: on `listen`.
    pub metrics_listen: String,
    /// Public base URL; empty means derived from `listen`.
    pub issuer: String,
    /// Database URL; empty means SQLite under `data_dir`.
    pub database_url: String,
    /// Directory for the SQLite database and generated keys.
    pub data_dir: PathBuf,
    /// Database connections.
    pub db_pool_size: usize,
    /// Milliseconds a request waits for a free database connection.
    pub db_acquire_timeout_ms: u64,
    /// Milliseconds to open a new database connection (PostgreSQL).
    pub db_connect_timeout_ms: u64,
    /// Milliseconds one database call may take (PostgreSQL; the server stops
    /// statements that run longer too).
    pub db_statement_timeout_ms: u64,
    /// HTTP workers; 0 means one per core.
    pub workers: usize,
    /// Graceful shutdown window in seconds.
    pub shutdown_timeout_seconds: u64,
    /// `pretty` or `json`.
    pub log_format: String,
    /// `RUST_LOG`-style filter.
    pub log_level: String,
    /// Argon2id settings.
    pub password_hashing: PasswordHashing,
    /// Key-encryption key; empty means the file under `data_dir`.
    pub key_encryption_key: String,
    /// Days a signing key signs before the next takes over.
    pub signing_key_rotation_days: i64,
    /// The algorithm of access tokens: `ES256` (default) or `RS256`.
    pub access_token_signing_alg: String,
    /// Seconds a client read for client authentication or an authorization request
    /// is reused (0: never).
    pub client_cache_seconds: i64,
    /// Let outbound calls (identity providers) use `http` and reach loopback,
    /// private, link-local and unique-local addresses. Off by default: a tenant
    /// could otherwise make the server call internal services.
    pub outbound_allow_private_networks: bool,
    /// A PEM file of extra certificate authorities that outbound `https` calls trust
    /// besides the public ones (an internal CA); empty: none.
    pub outbound_ca_file: String,
    /// How often each instance looks for back-channel logouts to deliver (milliseconds).
    pub logout_delivery_interval_ms: u64,
    /// Seconds before a failed back-channel logout is offered again (doubling each time).
    pub logout_retry_seconds: i64,
    /// Every authorization request must be pushed first (RFC 9126), deployment-wide.
    pub require_pushed_authorization_requests: bool,
    /// Every DPoP proof must carry a server nonce (RFC 9449 §8).
    pub dpop_require_nonce: bool,
    /// Seconds after a sign-in during which the account page may change how a user
    /// signs in (password, authenticator app, recovery codes, passkeys).
    pub reauthentication_seconds: i64,
    /// Deployment-wide ceiling on failed sign-ins a minute from browsers unknown
    /// to the account (and on wrong device user codes).
    pub failed_sign_ins_per_minute: u32,
    /// The tenant that accepts dynamic client registration without an initial access
    /// token (empty: none). Open registration is limited: see the README.
    pub open_registration_tenant: String,
    /// Addresses and networks of the reverse proxies whose `Forwarded` and
    /// `X-Forwarded-For` headers are believed; empty: the TCP peer is the client.
    pub trusted_proxies: Vec<String>,
    /// Where OpenTelemetry traces go (OTLP/HTTP); empty: nowhere.
    pub otlp_endpoint: String,
    /// Days audit events are kept.
    pub audit_retention_days: i64,
    /// Also write every audit event to the log, one line each (target `qeetid::audit`).
    pub audit_log_stderr: bool,
    /// Where e-mail goes: an SMTP URL (`smtp://…`, `smtps://…`), or empty / `log`
    /// to write messages to the log (development).
    pub smtp_url: String,
    /// The sender address of e-mail; empty: `no-reply@` the issuer's host.
    pub mail_from: String,
    /// A directory of templates that replace built-in ones of the same name; empty: none.
    pub templates_dir: String,
    /// Lifetimes.
    pub tokens: Tokens,
    /// The bootstrap key to create on first start instead of a random one
    /// (`QEETID_BOOTSTRAP_ADMIN_KEY`; never read from a file).
    #[serde(skip)]
    pub bootstrap_admin_key: Option<String>,
}

fn parse_table(origin: &str, text: &str) -> Result<toml::Table, ConfigError> {
    text.parse::<toml::Table>().map_err(|e| ConfigError::Invalid { origin: origin.to_owned(), message: e.to_string() })
}

/// Lays `top` over `base`, table by table.
fn merge(base: &mut toml::Table, top: toml::Table) {
    for (key, value) in top {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(t)) => merge(b, t),
            (_, v) => {
                base.insert(key, v);
            }
        }
    }
}

/// The variable that sets the key at `path`: `QEETID_` and the key in capitals,
/// a table's name and its key joined by two underscores (`QEETID_TOKENS__CODE_SECONDS`).
pub fn env_var(path: &[&str]) -> String {
    format!("QEETID_{}", path.join("__").to_ascii_uppercase())
}

/// Variables from before nested keys had their `__` form, still read (the `__`
/// form wins when both are set).
const ENV_ALIASES: [(&str, [&str; 2]); 2] = [
    ("QEETID_PASSWORD_HASHING_MEMORY_KIB", ["password_hashing", "memory_kib"]),
    ("QEETID_PASSWORD_HASHING_MAX_CONCURRENT", ["password_hashing", "max_concurrent"]),
];

/// `QEETID_…` variables that are not settings of the server but are read by it or by
/// tools beside it (the Next.js SDK, the README's walkthrough): no warning for them.
const OTHER_VARIABLES: [&str; 8] = [
    "QEETID_BOOTSTRAP_ADMIN_KEY",
    "QEETID_ADMIN_PASSWORD",
    "QEETID_API_KEY",
    "QEETID_CLIENT_ID",
    "QEETID_CLIENT_SECRET",
    "QEETID_SECRET",
    "QEETID_APP_URL",
    "QEETID_REFRESH_LEEWAY_SECONDS",
];

/// Every key of `table` as a path (`["tokens", "code_seconds"]`), in order.
fn leaf_paths(table: &toml::Table) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for (key, value) in table {
        match value {
            toml::Value::Table(inner) => {
                out.extend(leaf_paths(inner).into_iter().map(|mut p| {
                    p.insert(0, key.clone());
                    p
                }));
            }
            _ => out.push(vec![key.clone()]),
        }
    }
    out
}

/// Every variable that sets a key, with its key's path: the `QEETID_…` form of each
/// key of the defaults, after the older aliases (so it wins).
fn env_keys(defaults: &toml::Table) -> Vec<(String, Vec<String>)> {
    let aliases =
        ENV_ALIASES.iter().map(|(var, path)| ((*var).to_owned(), path.iter().map(|p| (*p).to_owned()).collect()));
    let canonical = leaf_paths(defaults).into_iter().map(|path| {
        let parts: Vec<&str> = path.iter().map(String::as_str).collect();
        (env_var(&parts), path)
    });
    aliases.chain(canonical).collect()
}

/// Warnings for `QEETID_…` variables in `vars` that set nothing (a misspelt
/// setting is otherwise silently ignored).
pub fn unknown_variables(vars: impl Iterator<Item = String>) -> Vec<String> {
    let defaults = parse_table("config/default.toml", DEFAULTS).unwrap_or_default();
    let known: Vec<String> = env_keys(&defaults).into_iter().map(|(var, _)| var).collect();
    vars.filter(|var| var.starts_with("QEETID_"))
        .filter(|var| !known.contains(var) && !OTHER_VARIABLES.contains(&var.as_str()))
        .map(|var| format!("{var} is not a setting of qeetid and is ignored (docs/configuration.md lists them)"))
        .collect()
}

/// An environment value as the TOML type the default has at that key.
fn env_value(default: Option<&toml::Value>, raw: &str, var: &str) -> Result<toml::Value, ConfigError> {
    let invalid =
        |what: &str| ConfigError::Invalid { origin: var.to_owned(), message: format!("expected {what}, got `{raw}`") };
    Ok(match default {
        Some(toml::Value::Integer(_)) => {
            toml::Value::Integer(raw.trim().parse().map_err(|_| invalid("a whole number"))?)
        }
        Some(toml::Value::Boolean(_)) => {
            toml::Value::Boolean(raw.trim().parse().map_err(|_| invalid("true or false"))?)
        }
        Some(toml::Value::Array(_)) => toml::Value::Array(
            raw.split(',')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(|v| toml::Value::String(v.to_owned()))
                .collect(),
        ),
        _ => toml::Value::String(raw.to_owned()),
    })
}

/// The first key of `layer` that `known` (the defaults) lacks, named with its
/// table and the nearest known key, if one is close.
fn unknown_key(known: &toml::Table, layer: &toml::Table, prefix: &str) -> Option<String> {
    for (key, value) in layer {
        let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
        match (known.get(key), value) {
            (Some(toml::Value::Table(inner)), toml::Value::Table(given)) => {
                if let Some(message) = unknown_key(inner, given, &path) {
                    return Some(message);
                }
            }
            (Some(_), _) => {}
            (None, _) if path == "trusted_proxy_hops" => {
                return Some(
                    "`trusted_proxy_hops` is replaced by `trusted_proxies`: the addresses or networks of your \
                     proxies (trusted_proxies = [\"10.0.0.5\"]), whose forwarding headers are believed only from them"
                        .to_owned(),
                );
            }
            (None, _) => {
                let nearest = known.keys().filter(|k| edit_distance(k, key) <= 2).min_by_key(|k| edit_distance(k, key));
                let hint = nearest.map_or_else(String::new, |k| format!("; did you mean `{k}`?"));
                return Some(format!("unknown key `{path}`{hint} (docs/configuration.md lists every key)"));
            }
        }
    }
    None
}

/// Levenshtein distance, for "did you mean" hints.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

/// Where values came from: dotted key (`tokens.code_seconds`) → file path or variable.
#[derive(Debug, Default)]
struct Origins(Vec<(String, String)>);

impl Origins {
    /// Records every leaf of `table` (under `prefix`) as set by `origin`.
    fn record_table(&mut self, prefix: &str, table: &toml::Table, origin: &str) {
        for (key, value) in table {
            let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
            match value {
                toml::Value::Table(inner) => self.record_table(&path, inner, origin),
                _ => self.0.push((path, origin.to_owned())),
            }
        }
    }

    /// Where `key` was last set: a variable, a file, or the defaults.
    fn of(&self, key: &str) -> String {
        self.0.iter().rev().find(|(k, _)| k == key).map_or_else(|| "config/default.toml".to_owned(), |(_, o)| o.clone())
    }
}

/// `listen` as a socket address: a host name (`localhost:8080`) is resolved, the
/// first IPv4 address preferred; one that does not resolve is refused, named.
fn resolve_listen(table: &mut toml::Table, origins: &Origins) -> Result<(), ConfigError> {
    let Some(toml::Value::String(raw)) = table.get("listen") else { return Ok(()) };
    if raw.parse::<SocketAddr>().is_ok() {
        return Ok(());
    }
    let refuse = |why: String| ConfigError::Invalid {
        origin: origins.of("listen"),
        message: format!(
            "`listen` is `{raw}`; it must be an address and port such as 127.0.0.1:8080, [::1]:8080 or \
             localhost:8080 ({why})"
        ),
    };
    let addresses: Vec<SocketAddr> = std::net::ToSocketAddrs::to_socket_addrs(raw.as_str())
        .map_err(|e| refuse(format!("it does not resolve: {e}")))?
        .collect();
    let chosen = addresses
        .iter()
        .find(|a| a.is_ipv4())
        .or_else(|| addresses.first())
        .ok_or_else(|| refuse("it resolves to no address".into()))?;
    table.insert("listen".into(), toml::Value::String(chosen.to_string()));
    Ok(())
}

/// Whether `issuer` is an absolute http(s) URL with a host and no query or fragment.
fn is_issuer_url(issuer: &str) -> bool {
    let Some(rest) = issuer.strip_prefix("https://").or_else(|| issuer.strip_prefix("http://")) else {
        return false;
    };
    let host = rest.split('/').next().unwrap_or("");
    !host.is_empty() && !host.contains('@') && !issuer.contains(['?', '#', ' '])
}

/// Keys whose values are secrets: shown as `***` by [`masked`].
const SECRET_KEYS: [&str; 1] = ["key_encryption_key"];

/// `table` with its secrets masked: secret keys as `***`, and the password in the
/// database and SMTP URLs (`postgres://user:***@host/db`).
pub fn masked(mut table: toml::Table) -> toml::Table {
    for key in SECRET_KEYS {
        if let Some(value) = table.get_mut(key).filter(|v| v.as_str().is_some_and(|s| !s.is_empty())) {
            *value = toml::Value::String("***".into());
        }
    }
    for key in ["database_url", "smtp_url"] {
        if let Some(toml::Value::String(url)) = table.get_mut(key) {
            *url = masked_password(url);
        }
    }
    table
}

/// `scheme://user:password@host/…` with the password as `***` (anything else as it is).
pub fn masked_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let Some((userinfo, host)) = authority.rsplit_once('@') else { return url.to_owned() };
    match userinfo.split_once(':') {
        Some((user, _password)) => format!("{scheme}://{user}:***@{host}{path}"),
        None => url.to_owned(),
    }
}

impl Settings {
    /// The configuration as it takes effect: the defaults, then `file`, then the
    /// environment given by `env`, as one TOML table (not yet checked as settings).
    pub fn effective_table(
        file: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<toml::Table, ConfigError> {
        Ok(Self::layered(file, env)?.0)
    }

    /// [`Self::effective_table`], and where each value set by a file or a variable came
    /// from (dotted key → file path or variable); the rest are the defaults'.
    fn layered(
        file: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<(toml::Table, Origins), ConfigError> {
        let mut table = parse_table("config/default.toml", DEFAULTS)?;
        let mut origins = Origins::default();
        if let Some(path) = file {
            let text =
                std::fs::read_to_string(path).map_err(|source| ConfigError::Read { path: path.to_owned(), source })?;
            let layer = parse_table(&path.display().to_string(), &text)?;
            if let Some(message) = unknown_key(&table, &layer, "") {
                return Err(ConfigError::Invalid { origin: path.display().to_string(), message });
            }
            origins.record_table("", &layer, &path.display().to_string());
            merge(&mut table, layer);
        }
        for (var, keys) in env_keys(&table.clone()) {
            let Some(raw) = env(&var) else { continue };
            origins.0.push((keys.join("."), var.clone()));
            let Some((last, parents)) = keys.split_last() else { continue };
            let mut target = &mut table;
            for parent in parents {
                target = match target.entry(parent.clone()).or_insert_with(|| toml::Value::Table(Default::default())) {
                    toml::Value::Table(t) => t,
                    _ => {
                        return Err(ConfigError::Invalid {
                            origin: var.clone(),
                            message: format!("{parent} is not a table"),
                        });
                    }
                };
            }
            let value = env_value(target.get(last), &raw, &var)?;
            target.insert(last.clone(), value);
        }
        Ok((table, origins))
    }

    /// Loads the defaults, then `file`, then the environment given by `env`.
    pub fn load(file: Option<&Path>, env: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        if env("QEETID_TRUSTED_PROXY_HOPS").is_some() {
            return Err(ConfigError::Invalid {
                origin: "QEETID_TRUSTED_PROXY_HOPS".into(),
                message: "trusted_proxy_hops is replaced by trusted_proxies: the addresses or networks of your \
                          proxies (QEETID_TRUSTED_PROXIES=10.0.0.5,10.1.0.0/16), whose forwarding headers are \
                          then believed only when they connect"
                    .into(),
            });
        }
        let (mut table, origins) = Self::layered(file, &env)?;
        resolve_listen(&mut table, &origins)?;
        let mut settings: Settings = toml::Value::Table(table).try_into().map_err(|e: toml::de::Error| {
            ConfigError::Invalid { origin: "configuration".to_owned(), message: e.to_string() }
        })?;
        settings.check(&origins)?;
        settings.bootstrap_admin_key = env("QEETID_BOOTSTRAP_ADMIN_KEY").filter(|k| !k.is_empty());
        Ok(settings)
    }

    /// Refuses values of the right type that still cannot work, naming the key, where it
    /// was set, the value and what is allowed.
    fn check(&self, origins: &Origins) -> Result<(), ConfigError> {
        let refuse = |key: &str, value: &dyn std::fmt::Display, allowed: &str| ConfigError::Invalid {
            origin: origins.of(key),
            message: format!("`{key}` is `{value}`; {allowed}"),
        };
        if !self.issuer.is_empty() && !is_issuer_url(&self.issuer) {
            return Err(refuse(
                "issuer",
                &self.issuer,
                "it must be an absolute http(s) URL without query or fragment, such as https://id.acme.com (or empty: derived from listen)",
            ));
        }
        if !["pretty", "json"].contains(&self.log_format.as_str()) {
            return Err(refuse("log_format", &self.log_format, "it must be \"pretty\" or \"json\""));
        }
        let t = &self.tokens;
        for (key, value) in [
            ("tokens.code_seconds", t.code_seconds),
            ("tokens.access_token_seconds", t.access_token_seconds),
            ("tokens.id_token_seconds", t.id_token_seconds),
            ("tokens.refresh_token_seconds", t.refresh_token_seconds),
            ("tokens.refresh_token_idle_seconds", t.refresh_token_idle_seconds),
            ("tokens.device_code_seconds", t.device_code_seconds),
            ("tokens.session_seconds", t.session_seconds),
            ("tokens.request_seconds", t.request_seconds),
            ("signing_key_rotation_days", self.signing_key_rotation_days),
            ("reauthentication_seconds", self.reauthentication_seconds),
            ("logout_retry_seconds", self.logout_retry_seconds),
            ("audit_retention_days", self.audit_retention_days),
        ] {
            if value <= 0 {
                return Err(refuse(key, &value, "it must be a whole number above 0"));
            }
        }
        if self.client_cache_seconds < 0 {
            return Err(refuse("client_cache_seconds", &self.client_cache_seconds, "it must be 0 (no cache) or more"));
        }
        if let Err(entry) = qeetid_http::TrustedProxies::parse(self.trusted_proxies.iter().map(String::as_str)) {
            return Err(refuse(
                "trusted_proxies",
                &entry,
                "each entry must be an IP address (10.0.0.5) or a network (10.0.0.0/8, fd00::/8)",
            ));
        }
        if self.db_pool_size == 0 {
            return Err(refuse("db_pool_size", &self.db_pool_size, "it must be at least 1"));
        }
        Ok(())
    }

    /// Loads from the process environment.
    pub fn from_env(file: Option<&Path>) -> Result<Self, ConfigError> {
        Self::load(file, |var| std::env::var(var).ok())
    }

    /// The database URL: the configured one, or SQLite under `data_dir`.
    pub fn database_url(&self) -> String {
        if self.database_url.is_empty() {
            format!("sqlite://{}", self.data_dir.join("qeetid.db").display())
        } else {
            self.database_url.clone()
        }
    }

    /// The issuer once the bound address is known: the configured one, or
    /// `http://localhost:<port>` on loopback, or `http://<addr>`.
    pub fn issuer_for(&self, bound: SocketAddr) -> String {
        if !self.issuer.is_empty() {
            return self.issuer.trim_end_matches('/').to_owned();
        }
        if bound.ip().is_loopback() { format!("http://localhost:{}", bound.port()) } else { format!("http://{bound}") }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn defaults_need_nothing() {
        let s = Settings::load(None, no_env).unwrap();
        assert_eq!(s.listen, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(s.database_url(), "sqlite://data/qeetid.db");
        assert_eq!(s.issuer_for(s.listen), "http://localhost:8080");
        assert_eq!(s.issuer_for("0.0.0.0:9000".parse().unwrap()), "http://0.0.0.0:9000");
        assert_eq!(s.password_hashing.memory_kib, 19456);
    }

    #[test]
    fn a_file_then_the_environment_override() {
        let dir = std::env::temp_dir().join(format!("qeetid-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("qeetid.toml");
        std::fs::write(
            &file,
            "listen = \"127.0.0.1:9999\"\nissuer = \"https://id.acme.com/\"\n[password_hashing]\nmax_concurrent = 3\n",
        )
        .unwrap();
        let env = |var: &str| match var {
            "QEETID_LISTEN" => Some("127.0.0.1:7777".to_owned()),
            "QEETID_DB_POOL_SIZE" => Some("4".to_owned()),
            "QEETID_BOOTSTRAP_ADMIN_KEY" => Some("qak_x".to_owned()),
            _ => None,
        };
        let s = Settings::load(Some(&file), env).unwrap();
        assert_eq!(s.listen.port(), 7777);
        assert_eq!(s.db_pool_size, 4);
        assert_eq!(s.issuer_for(s.listen), "https://id.acme.com");
        assert_eq!(s.password_hashing.max_concurrent, 3);
        assert_eq!(s.password_hashing.iterations, 2, "untouched keys keep their defaults");
        assert_eq!(s.bootstrap_admin_key.as_deref(), Some("qak_x"));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn secrets_are_masked_in_the_effective_configuration() {
        let env = |var: &str| match var {
            "QEETID_KEY_ENCRYPTION_KEY" => Some("c2VjcmV0LWtleS1lbmNyeXB0aW9uLWtleS0zMi1ieXRlcyE".to_owned()),
            "QEETID_DATABASE_URL" => Some("postgres://qeetid:hunter2@db.internal:5432/qeetid".to_owned()),
            _ => None,
        };
        let table = masked(Settings::effective_table(None, env).unwrap());
        let text = toml::to_string(&table).unwrap();
        assert!(!text.contains("hunter2") && !text.contains("c2VjcmV0"), "{text}");
        assert!(text.contains("key_encryption_key = \"***\""), "{text}");
        assert!(text.contains("postgres://qeetid:***@db.internal:5432/qeetid"), "{text}");
        assert!(text.contains("listen = "), "everything else as it is: {text}");
        // Unset secrets stay empty (nothing to hide, and the output says so).
        let plain = toml::to_string(&masked(Settings::effective_table(None, no_env).unwrap())).unwrap();
        assert!(!plain.contains("***"), "{plain}");
    }

    #[test]
    fn values_that_cannot_work_are_refused_naming_key_source_value_and_rule() {
        let with = |pairs: &'static [(&'static str, &'static str)]| {
            move |var: &str| pairs.iter().find(|(v, _)| *v == var).map(|(_, value)| (*value).to_owned())
        };
        let err = Settings::load(None, with(&[("QEETID_ISSUER", "id.acme.com")])).unwrap_err().to_string();
        assert!(
            err.contains("QEETID_ISSUER") && err.contains("`issuer` is `id.acme.com`") && err.contains("absolute"),
            "{err}"
        );
        let err = Settings::load(None, with(&[("QEETID_LOG_FORMAT", "xml")])).unwrap_err().to_string();
        assert!(err.contains("QEETID_LOG_FORMAT") && err.contains("\"pretty\" or \"json\""), "{err}");
        let dir = std::env::temp_dir().join(format!("qeetid-config-zero-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("zero.toml");
        std::fs::write(&file, "[tokens]\naccess_token_seconds = 0\n").unwrap();
        let err = Settings::load(Some(&file), no_env).unwrap_err().to_string();
        assert!(
            err.contains("zero.toml")
                && err.contains("`tokens.access_token_seconds` is `0`")
                && err.contains("above 0"),
            "{err}"
        );
        std::fs::remove_dir_all(dir).unwrap();
        let good: [&'static [(&'static str, &'static str)]; 3] = [
            &[("QEETID_ISSUER", "https://id.acme.com")],
            &[("QEETID_ISSUER", "http://localhost:8080")],
            &[("QEETID_ISSUER", "https://acme.com/tenant-a")],
        ];
        for pairs in good {
            assert!(Settings::load(None, with(pairs)).is_ok(), "{pairs:?}");
        }
    }

    #[test]
    fn every_key_has_a_variable_nested_ones_with_two_underscores() {
        let env = |var: &str| match var {
            "QEETID_TOKENS__ACCESS_TOKEN_SECONDS" => Some("600".to_owned()),
            "QEETID_PASSWORD_HASHING__ITERATIONS" => Some("3".to_owned()),
            "QEETID_PASSWORD_HASHING_MEMORY_KIB" => Some("8192".to_owned()),
            _ => None,
        };
        let s = Settings::load(None, env).unwrap();
        assert_eq!(s.tokens.access_token_seconds, 600);
        assert_eq!(s.password_hashing.iterations, 3);
        assert_eq!(s.password_hashing.memory_kib, 8192, "the older name is still read");
        let err = Settings::load(None, |v: &str| (v == "QEETID_TOKENS__CODE_SECONDS").then(|| "-1".to_owned()))
            .unwrap_err()
            .to_string();
        assert!(err.contains("QEETID_TOKENS__CODE_SECONDS") && err.contains("`tokens.code_seconds` is `-1`"), "{err}");
        let warnings = unknown_variables(
            ["QEETID_ISUER", "QEETID_ISSUER", "QEETID_API_KEY", "HOME", "QEETID_TOKENS__CODE_SECONDS"]
                .into_iter()
                .map(str::to_owned),
        );
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].starts_with("QEETID_ISUER"), "{warnings:?}");
    }

    #[test]
    fn trusted_proxies_are_addresses_or_networks() {
        let env = |v: &str| (v == "QEETID_TRUSTED_PROXIES").then(|| "10.0.0.5, fd00::/8".to_owned());
        assert_eq!(Settings::load(None, env).unwrap().trusted_proxies, vec!["10.0.0.5", "fd00::/8"]);
        let env = |v: &str| (v == "QEETID_TRUSTED_PROXIES").then(|| "10.0.0.5,proxy.internal".to_owned());
        let err = Settings::load(None, env).unwrap_err().to_string();
        assert!(err.contains("QEETID_TRUSTED_PROXIES") && err.contains("proxy.internal"), "{err}");
        let env = |v: &str| (v == "QEETID_TRUSTED_PROXY_HOPS").then(|| "1".to_owned());
        let err = Settings::load(None, env).unwrap_err().to_string();
        assert!(err.contains("replaced by trusted_proxies"), "{err}");
    }

    #[test]
    fn a_host_name_in_listen_is_resolved_or_refused_by_name() {
        let s = Settings::load(None, |v: &str| (v == "QEETID_LISTEN").then(|| "localhost:8181".to_owned())).unwrap();
        assert!(s.listen.ip().is_loopback() && s.listen.port() == 8181, "{}", s.listen);
        let err = Settings::load(None, |v: &str| (v == "QEETID_LISTEN").then(|| "no-such-host.invalid:80".to_owned()))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("QEETID_LISTEN") && err.contains("no-such-host.invalid:80") && err.contains("resolve"),
            "{err}"
        );
        let err =
            Settings::load(None, |v: &str| (v == "QEETID_LISTEN").then(|| "8080".to_owned())).unwrap_err().to_string();
        assert!(err.contains("`listen` is `8080`"), "{err}");
    }

    #[test]
    fn mistakes_are_named() {
        let bad_env = |var: &str| (var == "QEETID_WORKERS").then(|| "many".to_owned());
        let err = Settings::load(None, bad_env).unwrap_err().to_string();
        assert!(err.contains("QEETID_WORKERS"), "{err}");
        let dir = std::env::temp_dir().join(format!("qeetid-config-bad-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("bad.toml");
        std::fs::write(&file, "lisen = \"x\"\n").unwrap();
        let err = Settings::load(Some(&file), no_env).unwrap_err().to_string();
        assert!(err.contains("bad.toml") && err.contains("unknown key `lisen`; did you mean `listen`?"), "{err}");
        std::fs::write(&file, "[tokens]\nacess_token_seconds = 5\n").unwrap();
        let err = Settings::load(Some(&file), no_env).unwrap_err().to_string();
        assert!(err.contains("`tokens.acess_token_seconds`; did you mean `access_token_seconds`?"), "{err}");
        std::fs::write(&file, "trusted_proxy_hops = 1\n").unwrap();
        let err = Settings::load(Some(&file), no_env).unwrap_err().to_string();
        assert!(err.contains("replaced by `trusted_proxies`"), "{err}");
        std::fs::write(&file, "frobnicate = 1\n").unwrap();
        let err = Settings::load(Some(&file), no_env).unwrap_err().to_string();
        assert!(err.contains("unknown key `frobnicate` (docs"), "no hint when nothing is close: {err}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
