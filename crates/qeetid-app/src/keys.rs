//! Signing keys at start-up and while running: the key-encryption key, the first
//! key, rotation on schedule, and reloading what other instances rotated.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use qeetid_crypto::{KeyEncryptionKey, SigningKeys};
use qeetid_domain::oauth::KeyPolicy;
use qeetid_domain::ports::{Clock, Random};
use qeetid_domain::services::rotate_signing_keys;
use qeetid_store::DieselStore;

use crate::{AppError, Settings, SystemClock};

/// How often an instance checks for a due rotation and reloads keys.
const REFRESH_EVERY: Duration = Duration::from_secs(60);

/// The key-encryption key from configuration, or from `<data_dir>/key-encryption-key`
/// (created, readable by the owner only, when absent). When the database already
/// holds data sealed under a key (`sealed_data_exists`), a missing file is an
/// error, never a reason to make a new key: the data would be unreadable.
pub fn key_encryption_key(
    settings: &Settings,
    random: &dyn Random,
    sealed_data_exists: bool,
) -> Result<KeyEncryptionKey, AppError> {
    if !settings.key_encryption_key.is_empty() {
        return KeyEncryptionKey::parse(&settings.key_encryption_key)
            .map_err(|e| AppError::Startup(format!("key_encryption_key: {e}")));
    }
    let path = settings.data_dir.join("key-encryption-key");
    match std::fs::read_to_string(&path) {
        Ok(text) => KeyEncryptionKey::parse(&text).map_err(|e| AppError::Startup(format!("{}: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && sealed_data_exists => Err(AppError::Startup(format!(
            "the key-encryption key is missing: {} does not exist, but the database holds signing keys sealed \
             under a key-encryption key. Restore that file (or set key_encryption_key / QEETID_KEY_ENCRYPTION_KEY \
             to the key) from your backup; a new key cannot open what the old one sealed, so none is made",
            path.display()
        ))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let (key, text) = KeyEncryptionKey::generate(random);
            write_private(&path, &text)?;
            tracing::info!(path = %path.display(), "generated a key-encryption key");
            Ok(key)
        }
        Err(source) => Err(AppError::Io { what: format!("read {}", path.display()), source }),
    }
}

fn write_private(path: &Path, text: &str) -> Result<(), AppError> {
    let io = |source| AppError::Io { what: format!("write {}", path.display()), source };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(io)?;
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(io)
}

/// The rotation policy from the settings.
pub fn policy(settings: &Settings) -> KeyPolicy {
    let t = &settings.tokens;
    KeyPolicy {
        rotation_period: settings.signing_key_rotation_days.max(1) * 24 * 3600,
        // A client may set its access tokens' lifetime up to a day; a retired key
        // must verify them until the last one expires.
        max_token_lifetime: t
            .access_token_seconds
            .max(t.id_token_seconds)
            .max(qeetid_domain::client::MAX_CLIENT_ACCESS_TOKEN_SECONDS)
            .max(qeetid_console::FIRST_PARTY_SESSION_SECONDS),
    }
}

/// Rotates if due (or if `force`) and loads the keys into `keys`.
pub async fn refresh(store: &DieselStore, keys: &SigningKeys, policy: KeyPolicy, force: bool) -> Result<(), AppError> {
    let now = SystemClock.now();
    let records = rotate_signing_keys(store, policy, now, force, |alg| keys.generate(alg, now))
        .await
        .map_err(|e| AppError::Startup(format!("signing keys: {e}")))?;
    keys.load(&records, now).map_err(|e| AppError::Startup(format!("signing keys: {e}")))
}

/// Every minute: rotate when due, and pick up keys other instances made.
pub fn spawn_refresher(store: DieselStore, keys: Arc<SigningKeys>, policy: KeyPolicy) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(REFRESH_EVERY);
        tick.tick().await;
        loop {
            tick.tick().await;
            if let Err(e) = refresh(&store, &keys, policy, false).await {
                tracing::error!(error = %e, "signing key refresh failed");
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retired_keys_outlive_the_longest_access_token_a_client_may_set() {
        let settings = Settings::load(None, |_| None).expect("the defaults load");
        assert_eq!(settings.tokens.access_token_seconds, 3600);
        assert!(policy(&settings).max_token_lifetime >= qeetid_domain::client::MAX_CLIENT_ACCESS_TOKEN_SECONDS);
    }
}
