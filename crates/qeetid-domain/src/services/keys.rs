//! Signing-key rotation: when a new key is due, store it and retire the others.

use crate::error::StoreError;
use crate::oauth::{KeyPolicy, SigningKeyRecord};
use crate::ports::SigningKeyRepository;
use crate::time::UnixTime;

/// Makes and stores a new key through `generate` when `policy` says one is due (or
/// `force`), retiring the older ones; returns every stored key, for the signer to load.
/// Retired keys stay published until the tokens they signed have expired.
pub async fn rotate_signing_keys<E>(
    store: &impl SigningKeyRepository,
    policy: KeyPolicy,
    now: UnixTime,
    force: bool,
    generate: impl FnOnce() -> Result<SigningKeyRecord, E>,
) -> Result<Vec<SigningKeyRecord>, RotationError<E>> {
    let keys = store.list_signing_keys().await?;
    if !force && !policy.rotation_due(&keys, now) {
        return Ok(keys);
    }
    let key = generate().map_err(RotationError::Generate)?;
    store.insert_signing_key(&key).await?;
    store.retire_signing_keys(&key.kid, now).await?;
    Ok(store.list_signing_keys().await?)
}

/// Rotation failed: the store, or making the key.
#[derive(Debug, thiserror::Error)]
pub enum RotationError<E> {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The key could not be made.
    #[error("could not make a signing key: {0}")]
    Generate(E),
}
