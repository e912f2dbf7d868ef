//! Signing-key rotation: when a new key is due, store it and retire the others.

use crate::error::StoreError;
use crate::oauth::{KeyPolicy, SigningAlg, SigningKeyRecord};
use crate::ports::SigningKeyRepository;
use crate::time::UnixTime;

/// For each algorithm, makes and stores a new key through `generate` when `policy`
/// says one is due (or `force`), retiring that algorithm's older keys; returns every
/// stored key, for the signer to load. Retired keys stay published until the tokens
/// they signed have expired.
pub async fn rotate_signing_keys<E>(
    store: &impl SigningKeyRepository,
    policy: KeyPolicy,
    now: UnixTime,
    force: bool,
    generate: impl Fn(SigningAlg) -> Result<SigningKeyRecord, E>,
) -> Result<Vec<SigningKeyRecord>, RotationError<E>> {
    let keys = store.list_signing_keys().await?;
    let due: Vec<SigningAlg> =
        SigningAlg::ALL.into_iter().filter(|alg| force || policy.rotation_due(&keys, *alg, now)).collect();
    if due.is_empty() {
        return Ok(keys);
    }
    for alg in due {
        let key = generate(alg).map_err(RotationError::Generate)?;
        store.insert_signing_key(&key).await?;
        store.retire_signing_keys(alg, &key.kid, now).await?;
    }
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
