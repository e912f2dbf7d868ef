//! The key-encryption keys that seal secrets at rest (signing keys, TOTP secrets,
//! upstream client secrets), as a ring: the first key seals, every key opens, so a
//! new key can take over while values sealed under the old one are re-sealed.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use qeetid_domain::ports::Random;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};

/// The HKDF salt of secrets derived from a key-encryption key.
const DERIVATION_SALT: &[u8] = b"qeetid key-encryption key";

/// 256 bits that seal and open secrets (AES-256-GCM), known by an id derived from them.
pub struct KeyEncryptionKey {
    cipher: LessSafeKey,
    id: String,
    root: DerivationRoot,
}

/// A key-encryption key or a sealed value that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum KekError {
    /// Not 32 bytes of unpadded base64url.
    #[error("the key-encryption key must be 32 bytes in unpadded base64url (43 characters)")]
    Malformed,
    /// Sealing or opening failed: wrong key, or tampered data.
    #[error("a sealed value could not be opened: wrong key-encryption key, or the data was altered")]
    Open,
    /// The value was sealed under a key the ring does not hold.
    #[error("a sealed value is sealed under key-encryption key {0}, which this instance does not have")]
    UnknownKey(String),
    /// A ring needs at least one key.
    #[error("no key-encryption key given")]
    Empty,
    /// The key file could not be read.
    #[error("cannot read the key-encryption key file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl KeyEncryptionKey {
    /// Parses the text form (unpadded base64url of 32 bytes).
    pub fn parse(text: &str) -> Result<Self, KekError> {
        let bytes = URL_SAFE_NO_PAD.decode(text.trim()).map_err(|_| KekError::Malformed)?;
        Self::from_bytes(&bytes)
    }

    fn from_bytes(bytes: &[u8]) -> Result<Self, KekError> {
        let key = UnboundKey::new(&AES_256_GCM, bytes).map_err(|_| KekError::Malformed)?;
        // HKDF-Extract (RFC 5869 §2.2): PRK = HMAC-SHA256(salt, key).
        let prk = ring::hmac::sign(&ring::hmac::Key::new(ring::hmac::HMAC_SHA256, DERIVATION_SALT), bytes);
        let mut root = [0u8; 32];
        root.copy_from_slice(prk.as_ref());
        let root = DerivationRoot(root);
        let id_bytes = root.derive("key-encryption key id");
        let id = format!("kek_{}", URL_SAFE_NO_PAD.encode(&id_bytes[..9]));
        Ok(Self { cipher: LessSafeKey::new(key), id, root })
    }

    /// A fresh key, and its text form to keep.
    pub fn generate(random: &dyn Random) -> (Self, String) {
        let mut bytes = [0u8; 32];
        random.fill(&mut bytes);
        let text = URL_SAFE_NO_PAD.encode(bytes);
        // 32 bytes are always a valid AES-256 key.
        match Self::from_bytes(&bytes) {
            Ok(key) => (key, text),
            Err(_) => unreachable_key(),
        }
    }

    /// The key's id (`kek_` and 12 characters), derived from the key one way: safe to
    /// show and to store, it names the key without revealing it.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The root of secrets derived from this key: what a deployment derived its
    /// secrets from before they were kept apart from the key (see [`DerivationRoot`]).
    pub fn derivation_root(&self) -> &DerivationRoot {
        &self.root
    }

    /// Seals `plain`, bound to `context`: `<key id>.` and base64url(nonce ‖ ciphertext ‖ tag).
    pub fn seal(&self, random: &dyn Random, context: &str, plain: &[u8]) -> Result<String, KekError> {
        let mut nonce = [0u8; NONCE_LEN];
        random.fill(&mut nonce);
        let mut buffer = plain.to_vec();
        self.cipher
            .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::from(context.as_bytes()), &mut buffer)
            .map_err(|_| KekError::Open)?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&buffer);
        Ok(format!("{}.{}", self.id, URL_SAFE_NO_PAD.encode(out)))
    }

    /// Opens what [`KeyEncryptionKey::seal`] made with the same `context` (with or
    /// without the key id in front: values sealed before ids were written have none).
    pub fn open(&self, context: &str, sealed: &str) -> Result<Vec<u8>, KekError> {
        let body = match sealed_under(sealed) {
            Some(id) if id != self.id => return Err(KekError::UnknownKey(id.to_owned())),
            Some(id) => &sealed[id.len() + 1..],
            None => sealed,
        };
        let bytes = URL_SAFE_NO_PAD.decode(body).map_err(|_| KekError::Open)?;
        if bytes.len() < NONCE_LEN {
            return Err(KekError::Open);
        }
        let (nonce, body) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| KekError::Open)?;
        let mut buffer = body.to_vec();
        let plain =
            self.cipher.open_in_place(nonce, Aad::from(context.as_bytes()), &mut buffer).map_err(|_| KekError::Open)?;
        Ok(plain.to_vec())
    }
}

/// The id of the key `sealed` was sealed under, when it names one (values sealed
/// before key ids were written do not).
pub fn sealed_under(sealed: &str) -> Option<&str> {
    sealed.split_once('.').map(|(id, _)| id).filter(|id| id.starts_with("kek_"))
}

/// 32 secret bytes from which the deployment derives secrets that must outlive a
/// change of key-encryption key (pairwise subject salt, DPoP nonce key): HKDF-SHA256
/// expand, one label each. Stored sealed in the database, so re-sealing moves it to
/// a new key unchanged.
pub struct DerivationRoot([u8; 32]);

impl DerivationRoot {
    /// The root from its bytes (as opened from the database).
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        <[u8; 32]>::try_from(bytes).ok().map(Self)
    }

    /// The bytes, to seal and store.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// 32 bytes derived for `label` (HKDF-SHA256 expand): the same on every
    /// instance that shares this root, unrelated between labels.
    pub fn derive(&self, label: &str) -> [u8; 32] {
        struct Len32;
        impl ring::hkdf::KeyType for Len32 {
            fn len(&self) -> usize {
                32
            }
        }
        let prk = ring::hkdf::Prk::new_less_safe(ring::hkdf::HKDF_SHA256, &self.0);
        let mut out = [0u8; 32];
        let info = [label.as_bytes()];
        // 32 bytes is far below HKDF-SHA256's limit, so expand and fill cannot fail.
        if let Ok(okm) = prk.expand(&info, Len32) {
            let _ = okm.fill(&mut out);
        }
        out
    }
}

/// The deployment's key-encryption keys: the first seals, every one opens. Keys
/// read from a file are read again by [`KeyRing::reload`], and at once when a value
/// sealed under a key the ring lacks turns up (another process added it).
pub struct KeyRing {
    keys: RwLock<Arc<[KeyEncryptionKey]>>,
    file: Option<PathBuf>,
}

impl KeyRing {
    /// A ring of `keys`, the first sealing.
    pub fn new(keys: Vec<KeyEncryptionKey>) -> Result<Self, KekError> {
        if keys.is_empty() {
            return Err(KekError::Empty);
        }
        Ok(Self { keys: RwLock::new(keys.into()), file: None })
    }

    /// A ring of the keys in `text`: one per line, or separated by commas; blank lines
    /// and `#` comments are skipped.
    pub fn parse_keys(text: &str) -> Result<Vec<KeyEncryptionKey>, KekError> {
        text.lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .flat_map(|line| line.split(','))
            .map(str::trim)
            .filter(|key| !key.is_empty())
            .map(KeyEncryptionKey::parse)
            .collect()
    }

    /// A ring read from `path` (see [`KeyRing::parse_keys`]), read again on reload.
    pub fn from_file(path: &Path) -> Result<Self, KekError> {
        let keys = read_key_file(path)?;
        let mut ring = Self::new(keys)?;
        ring.file = Some(path.to_owned());
        Ok(ring)
    }

    /// Reads the key file again (a ring from configuration stays as it is).
    pub fn reload(&self) -> Result<(), KekError> {
        let Some(path) = &self.file else { return Ok(()) };
        let keys = read_key_file(path)?;
        if keys.is_empty() {
            return Err(KekError::Empty);
        }
        if let Ok(mut held) = self.keys.write() {
            *held = keys.into();
        }
        Ok(())
    }

    fn current(&self) -> Arc<[KeyEncryptionKey]> {
        match self.keys.read() {
            Ok(keys) => Arc::clone(&keys),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// The id of the key that seals.
    pub fn primary_id(&self) -> String {
        self.current().first().map(|k| k.id.clone()).unwrap_or_default()
    }

    /// The ids of every key, the sealing one first.
    pub fn ids(&self) -> Vec<String> {
        self.current().iter().map(|k| k.id.clone()).collect()
    }

    /// The sealing key's derivation root, as bytes (see [`DerivationRoot`]).
    pub fn primary_derivation_root(&self) -> [u8; 32] {
        self.current().first().map(|k| k.root.0).unwrap_or_default()
    }

    /// Seals `plain` for `context` under the first key.
    pub fn seal(&self, random: &dyn Random, context: &str, plain: &[u8]) -> Result<String, KekError> {
        let keys = self.current();
        keys.first().ok_or(KekError::Empty)?.seal(random, context, plain)
    }

    /// Opens `sealed` for `context` with the key it names (or, for values that name
    /// none, with each key in turn). A key the ring lacks sends it to the file once.
    pub fn open(&self, context: &str, sealed: &str) -> Result<Vec<u8>, KekError> {
        match self.open_with(&self.current(), context, sealed) {
            Err(KekError::UnknownKey(id)) if self.file.is_some() => {
                self.reload()?;
                match self.open_with(&self.current(), context, sealed) {
                    Err(KekError::UnknownKey(_)) => Err(KekError::UnknownKey(id)),
                    other => other,
                }
            }
            other => other,
        }
    }

    fn open_with(&self, keys: &[KeyEncryptionKey], context: &str, sealed: &str) -> Result<Vec<u8>, KekError> {
        match sealed_under(sealed) {
            Some(id) => match keys.iter().find(|k| k.id == id) {
                Some(key) => key.open(context, sealed),
                None => Err(KekError::UnknownKey(id.to_owned())),
            },
            None => keys.iter().find_map(|k| k.open(context, sealed).ok()).ok_or(KekError::Open),
        }
    }
}

fn read_key_file(path: &Path) -> Result<Vec<KeyEncryptionKey>, KekError> {
    let text = std::fs::read_to_string(path).map_err(|source| KekError::Read { path: path.to_owned(), source })?;
    KeyRing::parse_keys(&text)
}

fn unreachable_key() -> ! {
    // AES-256 accepts every 32-byte key; ring refusing one means the library is broken.
    std::process::abort()
}

/// The [`SecretSealer`](qeetid_domain::ports::SecretSealer) port over the
/// key-encryption keys: AES-256-GCM with the context as associated data.
pub struct Sealer {
    kek: Arc<KeyRing>,
    random: Arc<dyn Random>,
}

impl Sealer {
    /// A sealer sharing `kek` (the signing keys use it too).
    pub fn new(kek: Arc<KeyRing>, random: Arc<dyn Random>) -> Self {
        Self { kek, random }
    }
}

impl qeetid_domain::ports::SecretSealer for Sealer {
    fn seal(&self, context: &str, plain: &[u8]) -> Result<String, qeetid_domain::ports::SealError> {
        self.kek.seal(self.random.as_ref(), context, plain).map_err(|e| qeetid_domain::ports::SealError(e.to_string()))
    }

    fn open(&self, context: &str, sealed: &str) -> Result<Vec<u8>, qeetid_domain::ports::SealError> {
        self.kek.open(context, sealed).map_err(|e| qeetid_domain::ports::SealError(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SystemRandom;

    #[test]
    fn seals_and_opens_only_with_the_same_key_and_context() {
        let random = SystemRandom::new();
        let (kek, text) = KeyEncryptionKey::generate(&random);
        let sealed = kek.seal(&random, "kid-1", b"secret").unwrap();
        assert_eq!(KeyEncryptionKey::parse(&text).unwrap().open("kid-1", &sealed).unwrap(), b"secret");
        assert!(kek.open("kid-2", &sealed).is_err(), "bound to its context");
        let (other, _) = KeyEncryptionKey::generate(&random);
        assert!(other.open("kid-1", &sealed).is_err());
        assert!(KeyEncryptionKey::parse("short").is_err());
    }

    #[test]
    fn a_ring_seals_with_its_first_key_and_opens_with_any() {
        let random = SystemRandom::new();
        let (old, old_text) = KeyEncryptionKey::generate(&random);
        let under_old = old.seal(&random, "ctx", b"old").unwrap();
        let (_, new_text) = KeyEncryptionKey::generate(&random);
        let ring =
            KeyRing::new(KeyRing::parse_keys(&format!("# comment\n{new_text}\n\n{old_text}\n")).unwrap()).unwrap();
        assert_eq!(ring.ids().len(), 2);
        assert_eq!(ring.open("ctx", &under_old).unwrap(), b"old");
        let under_new = ring.seal(&random, "ctx", b"new").unwrap();
        assert_eq!(sealed_under(&under_new), Some(ring.primary_id().as_str()));
        assert_ne!(ring.primary_id(), old.id());
        assert!(matches!(old.open("ctx", &under_new), Err(KekError::UnknownKey(_))));
        let only_old = KeyRing::new(KeyRing::parse_keys(&old_text).unwrap()).unwrap();
        assert!(matches!(only_old.open("ctx", &under_new), Err(KekError::UnknownKey(id)) if id == ring.primary_id()));
        assert!(matches!(KeyRing::new(Vec::new()), Err(KekError::Empty)));
        assert_eq!(KeyRing::parse_keys(&format!("{new_text}, {old_text}")).unwrap().len(), 2);
    }

    #[test]
    fn values_sealed_before_key_ids_still_open() {
        let random = SystemRandom::new();
        let (key, text) = KeyEncryptionKey::generate(&random);
        let sealed = key.seal(&random, "ctx", b"plain").unwrap();
        let legacy = sealed.split_once('.').unwrap().1;
        let ring = KeyRing::new(KeyRing::parse_keys(&text).unwrap()).unwrap();
        assert_eq!(ring.open("ctx", legacy).unwrap(), b"plain");
        assert!(ring.open("other", legacy).is_err());
    }

    #[test]
    fn the_derivation_root_is_hkdf_extract_of_the_key_so_derived_secrets_stay_the_same() {
        // The secrets a deployment derived before the root was stored apart came from
        // ring's HKDF over the key bytes with this salt: the stored root must match it.
        let bytes = [7u8; 32];
        let key = KeyEncryptionKey::from_bytes(&bytes).unwrap();
        let prk = ring::hkdf::Salt::new(ring::hkdf::HKDF_SHA256, DERIVATION_SALT).extract(&bytes);
        struct Len32;
        impl ring::hkdf::KeyType for Len32 {
            fn len(&self) -> usize {
                32
            }
        }
        let mut expected = [0u8; 32];
        prk.expand(&[b"pairwise subject identifiers".as_slice()], Len32).unwrap().fill(&mut expected).unwrap();
        assert_eq!(key.derivation_root().derive("pairwise subject identifiers"), expected);
        assert_ne!(key.derivation_root().derive("dpop nonces"), expected);
    }

    #[test]
    fn a_ring_from_a_file_learns_keys_added_to_the_file() {
        let random = SystemRandom::new();
        let dir = std::env::temp_dir().join(format!("qeetid-ring-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("key-encryption-key");
        let (_, old_text) = KeyEncryptionKey::generate(&random);
        std::fs::write(&path, &old_text).unwrap();
        let ring = KeyRing::from_file(&path).unwrap();
        let (new, new_text) = KeyEncryptionKey::generate(&random);
        let under_new = new.seal(&random, "ctx", b"new").unwrap();
        std::fs::write(&path, format!("{new_text}\n{old_text}\n")).unwrap();
        assert_eq!(ring.open("ctx", &under_new).unwrap(), b"new", "the file is read again for an unknown key");
        assert_eq!(ring.primary_id(), new.id());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
