//! The key-encryption key that seals signing keys at rest.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use qeetid_domain::ports::Random;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};

/// 256 bits that seal and open private signing keys (AES-256-GCM), and from which
/// other deployment secrets are derived (HKDF-SHA256, one label each).
pub struct KeyEncryptionKey(LessSafeKey, ring::hkdf::Prk);

/// A key-encryption key or a sealed value that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum KekError {
    /// Not 32 bytes of unpadded base64url.
    #[error("the key-encryption key must be 32 bytes in unpadded base64url (43 characters)")]
    Malformed,
    /// Sealing or opening failed: wrong key, or tampered data.
    #[error("a sealed key could not be opened: wrong key-encryption key, or the data was altered")]
    Open,
}

impl KeyEncryptionKey {
    /// Parses the text form (unpadded base64url of 32 bytes).
    pub fn parse(text: &str) -> Result<Self, KekError> {
        let bytes = URL_SAFE_NO_PAD.decode(text.trim()).map_err(|_| KekError::Malformed)?;
        Self::from_bytes(&bytes)
    }

    fn from_bytes(bytes: &[u8]) -> Result<Self, KekError> {
        let key = UnboundKey::new(&AES_256_GCM, bytes).map_err(|_| KekError::Malformed)?;
        let derivation = ring::hkdf::Salt::new(ring::hkdf::HKDF_SHA256, b"qeetid key-encryption key").extract(bytes);
        Ok(Self(LessSafeKey::new(key), derivation))
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

    /// 32 bytes derived for `label` (HKDF-SHA256 expand): the same on every
    /// instance that shares this key, unrelated between labels.
    pub fn derive(&self, label: &str) -> [u8; 32] {
        struct Len32;
        impl ring::hkdf::KeyType for Len32 {
            fn len(&self) -> usize {
                32
            }
        }
        let mut out = [0u8; 32];
        let info = [label.as_bytes()];
        // 32 bytes is far below HKDF-SHA256's limit, so expand and fill cannot fail.
        if let Ok(okm) = self.1.expand(&info, Len32) {
            let _ = okm.fill(&mut out);
        }
        out
    }

    /// Seals `plain`, bound to `context` (the key id): base64url(nonce ‖ ciphertext ‖ tag).
    pub fn seal(&self, random: &dyn Random, context: &str, plain: &[u8]) -> Result<String, KekError> {
        let mut nonce = [0u8; NONCE_LEN];
        random.fill(&mut nonce);
        let mut buffer = plain.to_vec();
        self.0
            .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::from(context.as_bytes()), &mut buffer)
            .map_err(|_| KekError::Open)?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&buffer);
        Ok(URL_SAFE_NO_PAD.encode(out))
    }

    /// Opens what [`KeyEncryptionKey::seal`] made with the same `context`.
    pub fn open(&self, context: &str, sealed: &str) -> Result<Vec<u8>, KekError> {
        let bytes = URL_SAFE_NO_PAD.decode(sealed).map_err(|_| KekError::Open)?;
        if bytes.len() < NONCE_LEN {
            return Err(KekError::Open);
        }
        let (nonce, body) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| KekError::Open)?;
        let mut buffer = body.to_vec();
        let plain =
            self.0.open_in_place(nonce, Aad::from(context.as_bytes()), &mut buffer).map_err(|_| KekError::Open)?;
        Ok(plain.to_vec())
    }
}

fn unreachable_key() -> ! {
    // AES-256 accepts every 32-byte key; ring refusing one means the library is broken.
    std::process::abort()
}

/// The [`SecretSealer`](qeetid_domain::ports::SecretSealer) port over the
/// key-encryption key: AES-256-GCM with the context as associated data.
pub struct Sealer {
    kek: std::sync::Arc<KeyEncryptionKey>,
    random: std::sync::Arc<dyn Random>,
}

impl Sealer {
    /// A sealer sharing `kek` (the signing keys use it too).
    pub fn new(kek: std::sync::Arc<KeyEncryptionKey>, random: std::sync::Arc<dyn Random>) -> Self {
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
}
