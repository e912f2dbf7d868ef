//! Signing keys and the rotation policy. The key material lives in the crypto
//! adapter; the domain decides which key signs and which keys are published.

use crate::time::UnixTime;

/// A stored ES256 signing key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningKeyRecord {
    /// Key id (`kid`): the RFC 7638 thumbprint of the public key.
    pub kid: String,
    /// The public key as a JWK JSON object (no private part).
    pub public_jwk: String,
    /// The private key, sealed (AES-256-GCM) under the key-encryption key.
    pub sealed_private_key: String,
    /// When it was made (and started signing).
    pub created_at: UnixTime,
    /// When a newer key took over; it still verifies until every token it signed expired.
    pub retired_at: Option<UnixTime>,
}

/// When keys rotate and how long retired keys stay published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyPolicy {
    /// A key signs for this many seconds, then a new one takes over.
    pub rotation_period: i64,
    /// The longest lifetime of any token a key signs: a retired key stays in the
    /// JWKS this long after retirement.
    pub max_token_lifetime: i64,
}

impl KeyPolicy {
    /// The key that signs now: the newest one not retired.
    pub fn active<'a>(&self, keys: &'a [SigningKeyRecord]) -> Option<&'a SigningKeyRecord> {
        keys.iter().filter(|k| k.retired_at.is_none()).max_by_key(|k| (k.created_at, k.kid.clone()))
    }

    /// Whether a new key is due: none is active, or the active one is older than the period.
    pub fn rotation_due(&self, keys: &[SigningKeyRecord], now: UnixTime) -> bool {
        self.active(keys).is_none_or(|k| now.as_secs() - k.created_at.as_secs() >= self.rotation_period)
    }

    /// The keys the JWKS publishes: every key that signs or whose tokens may still be alive.
    pub fn published<'a>(&self, keys: &'a [SigningKeyRecord], now: UnixTime) -> Vec<&'a SigningKeyRecord> {
        keys.iter().filter(|k| k.retired_at.is_none_or(|r| r.plus_secs(self.max_token_lifetime) > now)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(kid: &str, created: i64, retired: Option<i64>) -> SigningKeyRecord {
        SigningKeyRecord {
            kid: kid.into(),
            public_jwk: "{}".into(),
            sealed_private_key: String::new(),
            created_at: UnixTime::from_secs(created),
            retired_at: retired.map(UnixTime::from_secs),
        }
    }

    #[test]
    fn the_newest_unretired_key_signs_and_retired_keys_fade_out() {
        let policy = KeyPolicy { rotation_period: 100, max_token_lifetime: 10 };
        let keys = vec![key("old", 0, Some(100)), key("new", 100, None)];
        assert_eq!(policy.active(&keys).map(|k| k.kid.as_str()), Some("new"));
        assert!(!policy.rotation_due(&keys, UnixTime::from_secs(150)));
        assert!(policy.rotation_due(&keys, UnixTime::from_secs(200)));
        assert_eq!(policy.published(&keys, UnixTime::from_secs(105)).len(), 2);
        assert_eq!(policy.published(&keys, UnixTime::from_secs(110)).len(), 1);
        assert!(policy.rotation_due(&[], UnixTime::from_secs(0)));
    }
}
