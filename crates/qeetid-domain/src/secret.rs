//! High-entropy secrets (client secrets, API keys) and their SHA-256 hashes.
//!
//! A secret is 256 random bits behind a prefix that secret scanners can
//! recognise (`qcs_` client secrets, `qak_` API keys). Only the SHA-256 hash is
//! stored: with 256 bits of entropy a slow hash adds nothing, and SHA-256
//! keeps the check cheap on the hot path. Comparison is
//! constant-time.

use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

use crate::random::Random;
use crate::random::random_token;

/// A secret in clear text. It exists only between its creation and the
/// response that shows it once; its `Debug` output hides the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// A fresh secret: `prefix` followed by 256 random bits in base64url.
    pub fn generate(prefix: &str, random: &dyn Random) -> Self {
        Self(format!("{prefix}{}", random_token::<32>(random)))
    }

    /// Wraps a secret presented by a caller.
    pub fn presented(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The clear text, to show once.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The hash that is stored in its place.
    pub fn hash(&self) -> SecretHash {
        SecretHash(Sha256::digest(self.0.as_bytes()).into())
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// The SHA-256 hash of a [`Secret`], as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SecretHash([u8; 32]);

/// A stored hash that is not 64 hexadecimal digits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a stored secret hash must be 64 hexadecimal digits")]
pub struct InvalidSecretHash;

impl SecretHash {
    /// Whether `presented` hashes to this value, compared in constant time.
    pub fn matches(&self, presented: &Secret) -> bool {
        self.0.ct_eq(&presented.hash().0).into()
    }

    /// Lower-case hexadecimal, the stored form.
    pub fn to_hex(&self) -> String {
        use std::fmt::Write as _;
        self.0.iter().fold(String::with_capacity(64), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
    }

    /// Parses the stored form.
    pub fn from_hex(hex: &str) -> Result<Self, InvalidSecretHash> {
        if hex.len() != 64 {
            return Err(InvalidSecretHash);
        }
        let mut bytes = [0u8; 32];
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2).ok_or(InvalidSecretHash)?, 16)
                .map_err(|_| InvalidSecretHash)?;
        }
        Ok(Self(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fakes::SeededRandom;

    #[test]
    fn a_secret_matches_its_hash_only() {
        let random = SeededRandom::new(1);
        let secret = Secret::generate("qcs_", &random);
        assert!(secret.expose().starts_with("qcs_"));
        assert_eq!(secret.expose().len(), 4 + 43);
        let hash = secret.hash();
        assert!(hash.matches(&secret));
        assert!(!hash.matches(&Secret::presented("qcs_wrong")));
    }

    #[test]
    fn hex_round_trips_and_rejects_garbage() {
        let hash = Secret::presented("x").hash();
        assert_eq!(SecretHash::from_hex(&hash.to_hex()), Ok(hash));
        assert!(SecretHash::from_hex("zz").is_err());
        assert!(SecretHash::from_hex(&"g".repeat(64)).is_err());
    }

    #[test]
    fn debug_hides_the_value() {
        assert_eq!(format!("{:?}", Secret::presented("qcs_abc")), "Secret(***)");
    }
}
