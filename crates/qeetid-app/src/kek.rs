//! The key-encryption keys: unlocking the database's sealed data at start (never
//! making a key where sealed data exists), and the `qeetid kek` commands that
//! rotate them (re-sealing every sealed value under a new key), show them and
//! retire old ones.
//!
//! The keys come from `key_encryption_key` (configuration; several separated by
//! commas, the first sealing) or from `<data_dir>/key-encryption-key` (one per
//! line, the first sealing). The database records the id of the key its data is
//! sealed under (`kek_id`), so a missing or wrong key is named at start.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use qeetid_crypto::{DerivationRoot, KeyEncryptionKey, KeyRing, sealed_under};
use qeetid_domain::StoreError;
use qeetid_domain::ports::{Random, SealedColumn, SealedDataRepository as _, SigningKeyRepository as _};
use qeetid_store::DieselStore;

use crate::{AppError, Settings};

/// The deployment value naming the key the data is sealed under.
const KEK_ID: &str = "kek_id";
/// The deployment value holding the sealed [`DerivationRoot`].
const DERIVATION_ROOT: &str = "sealed.derivation_root";

/// Where the keys come from, for messages and for rotation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// `key_encryption_key` in the configuration (or `QEETID_KEY_ENCRYPTION_KEY`).
    Configured,
    /// The key file.
    File(PathBuf),
}

impl std::fmt::Display for KeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Configured => f.write_str("key_encryption_key (configuration or QEETID_KEY_ENCRYPTION_KEY)"),
            Self::File(path) => write!(f, "{}", path.display()),
        }
    }
}

/// The keys, opened and checked against the database.
pub struct Unlocked {
    /// The ring that seals and opens.
    pub ring: Arc<KeyRing>,
    /// Where the ring came from.
    pub source: KeySource,
    /// The root of the deployment's derived secrets.
    pub root: DerivationRoot,
}

fn store_error(e: StoreError) -> AppError {
    AppError::Startup(format!("key-encryption key: {e}"))
}

fn key_file(settings: &Settings) -> PathBuf {
    settings.data_dir.join("key-encryption-key")
}

/// Opens the keys and checks them against the database: refuses to start when the
/// database's data is sealed under a key the ring lacks, or when the key file is
/// missing and sealed data exists (a new key could not open it, so none is made).
/// On a new deployment, makes the key file. Records the key id and the derivation
/// root the first time.
pub async fn unlock(settings: &Settings, random: &dyn Random, store: &DieselStore) -> Result<Unlocked, AppError> {
    let expected = store.deployment_value(KEK_ID).await.map_err(store_error)?;
    let signing_keys = store.list_signing_keys().await.map_err(store_error)?;
    let sealed_data_exists = expected.is_some() || !signing_keys.is_empty();
    let (ring, source) = load_ring(settings, random, sealed_data_exists, expected.as_deref())?;
    match &expected {
        Some(id) if !ring.ids().contains(id) => return Err(wrong_key(id, &ring, &source)),
        Some(_) => {}
        // A database from before key ids: the ring must open its signing keys.
        None => {
            if let Some(newest) = signing_keys.iter().max_by_key(|k| k.created_at)
                && ring.open(&newest.kid, &newest.sealed_private_key).is_err()
            {
                return Err(AppError::Startup(format!(
                    "wrong key-encryption key: {source} holds {}, which does not open the signing keys in the \
                     database. Use the key file that belongs to this database (from your backup)",
                    ring.ids().join(", ")
                )));
            }
        }
    }
    store.init_deployment_value(KEK_ID, &ring.primary_id()).await.map_err(store_error)?;
    let root = derivation_root(&ring, random, store).await?;
    Ok(Unlocked { ring: Arc::new(ring), source, root })
}

fn wrong_key(expected: &str, ring: &KeyRing, source: &KeySource) -> AppError {
    AppError::Startup(format!(
        "wrong key-encryption key: the data in this database is sealed under key {expected}, but {source} holds {}. \
         Use the key file (or key_encryption_key) that belongs to this database, from your backup; \
         `qeetid kek status` shows the id of the keys it finds",
        ring.ids().join(", ")
    ))
}

/// The derivation root, stored sealed; made from the first key the first time, so a
/// deployment keeps the secrets it derived before the root was stored apart.
async fn derivation_root(ring: &KeyRing, random: &dyn Random, store: &DieselStore) -> Result<DerivationRoot, AppError> {
    let context = SealedColumn::Deployment.context(DERIVATION_ROOT);
    let stored = match store.deployment_value(DERIVATION_ROOT).await.map_err(store_error)? {
        Some(sealed) => sealed,
        None => {
            let sealed = ring
                .seal(random, &context, &ring.primary_derivation_root())
                .map_err(|e| AppError::Startup(format!("key-encryption key: {e}")))?;
            store.init_deployment_value(DERIVATION_ROOT, &sealed).await.map_err(store_error)?
        }
    };
    let bytes = ring
        .open(&context, &stored)
        .map_err(|e| AppError::Startup(format!("key-encryption key: the deployment's derivation root: {e}")))?;
    DerivationRoot::from_bytes(&bytes)
        .ok_or_else(|| AppError::Startup("the deployment's derivation root is not 32 bytes".into()))
}

/// The ring from configuration, or from the key file (made when absent and no
/// sealed data exists).
fn load_ring(
    settings: &Settings,
    random: &dyn Random,
    sealed_data_exists: bool,
    expected: Option<&str>,
) -> Result<(KeyRing, KeySource), AppError> {
    if !settings.key_encryption_key.is_empty() {
        let ring = KeyRing::parse_keys(&settings.key_encryption_key)
            .and_then(KeyRing::new)
            .map_err(|e| AppError::Startup(format!("key_encryption_key: {e}")))?;
        return Ok((ring, KeySource::Configured));
    }
    let path = key_file(settings);
    if !path.exists() {
        if sealed_data_exists {
            let which = expected.map_or_else(String::new, |id| format!(" (key {id})"));
            return Err(AppError::Startup(format!(
                "the key-encryption key is missing: {} does not exist, but the database holds data sealed under a \
                 key-encryption key{which}. Restore that file from your backup (or set key_encryption_key / \
                 QEETID_KEY_ENCRYPTION_KEY to the key); a new key cannot open what the old one sealed, so none is made",
                path.display()
            )));
        }
        let (_, text) = KeyEncryptionKey::generate(random);
        write_private(&path, &format!("{text}\n"), false)?;
        tracing::info!(path = %path.display(), "generated a key-encryption key: back it up with the database");
    }
    let ring = KeyRing::from_file(&path).map_err(|e| AppError::Startup(format!("{}: {e}", path.display())))?;
    Ok((ring, KeySource::File(path)))
}

/// Writes `text` to `path`, readable by the owner only: a new file, or (with
/// `replace`) a whole new version moved over the old one, never a half-written file.
fn write_private(path: &Path, text: &str, replace: bool) -> Result<(), AppError> {
    let io = |what: String| move |source| AppError::Io { what, source };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io(format!("create {}", dir.display())))?;
    }
    let target = if replace { path.with_extension("new") } else { path.to_owned() };
    if replace {
        let _ = std::fs::remove_file(&target);
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&target).map_err(io(format!("write {}", target.display())))?;
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(io(format!("write {}", target.display())))?;
    file.sync_all().map_err(io(format!("write {}", target.display())))?;
    if replace {
        std::fs::rename(&target, path).map_err(io(format!("replace {}", path.display())))?;
    }
    Ok(())
}

/// What a re-seal did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Resealed {
    /// Values moved to the sealing key.
    pub moved: usize,
    /// Values already under it.
    pub already: usize,
}

/// Re-seals every sealed value under the ring's first key, each with a
/// compare-and-set (a value another instance rewrote meanwhile is read again), and
/// records that key as the one the data is sealed under.
pub async fn reseal(ring: &KeyRing, random: &dyn Random, store: &DieselStore) -> Result<Resealed, AppError> {
    let primary = ring.primary_id();
    let mut done = Resealed::default();
    for column in SealedColumn::ALL {
        // A few passes: a value rewritten between our read and our write is read again.
        for pass in 0..5 {
            let mut raced = 0;
            for value in store.sealed_values(column).await.map_err(store_error)? {
                if sealed_under(&value.sealed) == Some(primary.as_str()) {
                    // Counted once: on a later pass, values this run moved are here too.
                    if pass == 0 {
                        done.already += 1;
                    }
                    continue;
                }
                let context = column.context(&value.id);
                let plain = ring.open(&context, &value.sealed).map_err(|e| {
                    AppError::Startup(format!("{} of {}: {e}; nothing after it was re-sealed", column.name(), value.id))
                })?;
                let sealed = ring.seal(random, &context, &plain).map_err(|e| AppError::Startup(e.to_string()))?;
                if store.replace_sealed(column, &value.id, &value.sealed, &sealed).await.map_err(store_error)? {
                    done.moved += 1;
                } else {
                    raced += 1;
                }
            }
            if raced == 0 {
                break;
            }
        }
    }
    store.set_deployment_value(KEK_ID, &primary).await.map_err(store_error)?;
    Ok(done)
}

/// How many sealed values each key holds (`unnamed`: sealed before key ids).
pub async fn census(store: &DieselStore) -> Result<Vec<(String, usize)>, AppError> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for column in SealedColumn::ALL {
        for value in store.sealed_values(column).await.map_err(store_error)? {
            let id = sealed_under(&value.sealed).unwrap_or("unnamed").to_owned();
            match counts.iter_mut().find(|(k, _)| *k == id) {
                Some((_, n)) => *n += 1,
                None => counts.push((id, 1)),
            }
        }
    }
    Ok(counts)
}

/// `qeetid kek rotate`: with keys from the key file, a new key goes first in the
/// file (the old ones stay, so every instance still opens what they sealed) and
/// everything is re-sealed under it; instances reading the same file pick the new
/// key up at once when they meet a value sealed under it, and seal with it within
/// a minute. With keys from configuration, the new key must already be configured
/// first on every instance; this re-seals under it.
pub async fn rotate(settings: &Settings, random: &dyn Random, store: &DieselStore) -> Result<String, AppError> {
    let current = unlock(settings, random, store).await?;
    let KeySource::File(path) = &current.source else {
        let expected = store.deployment_value(KEK_ID).await.map_err(store_error)?;
        if current.ring.ids().len() < 2 || expected.as_deref() == Some(current.ring.primary_id().as_str()) {
            return Err(AppError::Startup(
                "the keys come from key_encryption_key, so `kek rotate` cannot add one. Make a key with `qeetid kek \
                 generate`; set key_encryption_key (QEETID_KEY_ENCRYPTION_KEY) to `OLD,NEW` on every instance and \
                 restart them, then to `NEW,OLD` and restart them, then run `qeetid kek rotate` to re-seal \
                 everything under NEW; once `qeetid kek status` shows nothing under OLD, remove it"
                    .into(),
            ));
        }
        let done = reseal(&current.ring, random, store).await?;
        return Ok(format!(
            "re-sealed {} values under {} ({} already were). Remove the old key from key_encryption_key once \
             every instance runs with the new one first.",
            done.moved,
            current.ring.primary_id(),
            done.already
        ));
    };
    let old = std::fs::read_to_string(path)
        .map_err(|source| AppError::Io { what: format!("read {}", path.display()), source })?;
    let (new, text) = KeyEncryptionKey::generate(random);
    write_private(path, &format!("{text}\n{}\n", old.trim_end()), true)?;
    current.ring.reload().map_err(|e| AppError::Startup(format!("{}: {e}", path.display())))?;
    let done = reseal(&current.ring, random, store).await?;
    Ok(format!(
        "new key-encryption key {} is first in {}; re-sealed {} values under it.\n\
         The old keys stay in the file: running instances reading it take the new key within a minute. \
         Back up the file with the database now. After a minute, `qeetid kek prune` removes the old keys \
         (database backups taken before now still need them: keep them with those backups).",
        new.id(),
        path.display(),
        done.moved
    ))
}

/// `qeetid kek prune`: re-seals stragglers (values an instance sealed under an old
/// key before it took the new one), then leaves only the first key in the key file.
pub async fn prune(settings: &Settings, random: &dyn Random, store: &DieselStore) -> Result<String, AppError> {
    let current = unlock(settings, random, store).await?;
    let KeySource::File(path) = &current.source else {
        return Err(AppError::Startup(
            "the keys come from key_encryption_key: remove old keys there once `qeetid kek status` shows nothing \
             sealed under them"
                .into(),
        ));
    };
    let ids = current.ring.ids();
    if ids.len() < 2 {
        return Ok(format!("{} holds one key ({}); nothing to prune", path.display(), ids.join("")));
    }
    let done = reseal(&current.ring, random, store).await?;
    let primary = current.ring.primary_id();
    let left: usize = census(store).await?.iter().filter(|(id, _)| *id != primary).map(|(_, n)| n).sum();
    if left > 0 {
        return Err(AppError::Startup(format!(
            "{left} values are still sealed under old keys (being written right now?); run `qeetid kek prune` again"
        )));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|source| AppError::Io { what: format!("read {}", path.display()), source })?;
    let first = text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('#')).unwrap_or("");
    write_private(path, &format!("{first}\n"), true)?;
    Ok(format!(
        "{} now holds only {primary} (re-sealed {} stragglers); removed {}",
        path.display(),
        done.moved,
        ids[1..].join(", ")
    ))
}

/// `qeetid kek status`: the keys found, the key the database expects, and how
/// many sealed values each key holds.
pub async fn status(settings: &Settings, random: &dyn Random, store: &DieselStore) -> Result<String, AppError> {
    let expected = store.deployment_value(KEK_ID).await.map_err(store_error)?;
    let (ring, source) = load_ring(settings, random, true, expected.as_deref())?;
    let mut out = format!("keys in {source}:\n");
    for (i, id) in ring.ids().iter().enumerate() {
        out.push_str(&format!("  {id}{}\n", if i == 0 { " (seals)" } else { "" }));
    }
    out.push_str(&format!(
        "the database's data is sealed under: {}\n",
        expected.as_deref().unwrap_or("(not recorded yet)")
    ));
    for (id, count) in census(store).await? {
        out.push_str(&format!("  {count} values under {id}\n"));
    }
    Ok(out)
}
