//! Signing keys at start-up and while running: the first key, rotation on schedule, and reloading what other instances rotated.

use std::sync::Arc;
use std::time::Duration;

use qeetid_crypto::{KeyRing, SigningKeys};
use qeetid_domain::oauth::KeyPolicy;
use qeetid_domain::ports::Clock;
use qeetid_domain::services::rotate_signing_keys;
use qeetid_store::DieselStore;

use crate::{AppError, Settings, SystemClock};

/// How often an instance checks for a due rotation and reloads keys.
const REFRESH_EVERY: Duration = Duration::from_secs(60);

/// The deployment's keys once loaded.
pub struct Keys {
    /// The signing keys.
    pub signing: Arc<SigningKeys>,
    /// The key-encryption keys that seal them and the other secrets.
    pub ring: Arc<KeyRing>,
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

/// Every minute: read the key-encryption key file again (a `qeetid kek rotate` on
/// this host put a new key first), rotate signing keys when due, and pick up keys
/// other instances made.
pub fn spawn_refresher(store: DieselStore, keys: Keys, policy: KeyPolicy) {
    let Keys { signing: keys, ring } = keys;
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(REFRESH_EVERY);
        tick.tick().await;
        loop {
            tick.tick().await;
            if let Err(e) = ring.reload() {
                tracing::error!(error = %e, "reading the key-encryption key file failed; keeping the keys already read");
            }
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
