//! Signing keys and the rotation policy. The key material lives in the crypto
//! adapter; the domain decides which key signs and which keys are published.

use crate::time::UnixTime;

/// A JWS algorithm Qeet ID signs with (RFC 7518 §3.1). Every algorithm has keys of
/// its own, rotated on the same schedule, all published in one JWKS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SigningAlg {
    /// ECDSA P-256 with SHA-256: the default, and the fast one.
    #[default]
    Es256,
    /// RSASSA-PKCS1-v1_5 with SHA-256 on 2048-bit keys: the algorithm OpenID Connect
    /// Core §15.1 requires every provider to offer.
    Rs256,
}

impl SigningAlg {
    /// Every algorithm, the default first.
    pub const ALL: [Self; 2] = [Self::Es256, Self::Rs256];

    /// The JWS `alg` name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Es256 => "ES256",
            Self::Rs256 => "RS256",
        }
    }

    /// The algorithm named `raw`, if Qeet ID signs with it.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == raw)
    }
}

/// A stored signing key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningKeyRecord {
    /// The algorithm it signs with (its only one: verification pins it).
    pub alg: SigningAlg,
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
    /// The key that signs with `alg` now: the newest one of that algorithm not retired.
    pub fn active<'a>(&self, keys: &'a [SigningKeyRecord], alg: SigningAlg) -> Option<&'a SigningKeyRecord> {
        keys.iter().filter(|k| k.alg == alg && k.retired_at.is_none()).max_by_key(|k| (k.created_at, k.kid.clone()))
    }

    /// Whether a new `alg` key is due: none is active, or the active one is older
    /// than the period.
    pub fn rotation_due(&self, keys: &[SigningKeyRecord], alg: SigningAlg, now: UnixTime) -> bool {
        self.active(keys, alg).is_none_or(|k| now.as_secs() - k.created_at.as_secs() >= self.rotation_period)
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
            alg: SigningAlg::Es256,
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
        let es = SigningAlg::Es256;
        assert_eq!(policy.active(&keys, es).map(|k| k.kid.as_str()), Some("new"));
        assert!(!policy.rotation_due(&keys, es, UnixTime::from_secs(150)));
        assert!(policy.rotation_due(&keys, es, UnixTime::from_secs(200)));
        assert_eq!(policy.published(&keys, UnixTime::from_secs(105)).len(), 2);
        assert_eq!(policy.published(&keys, UnixTime::from_secs(110)).len(), 1);
        assert!(policy.rotation_due(&[], es, UnixTime::from_secs(0)));
    }

    #[test]
    fn each_algorithm_has_its_own_active_key() {
        let policy = KeyPolicy { rotation_period: 100, max_token_lifetime: 10 };
        let mut rsa = key("rsa", 50, None);
        rsa.alg = SigningAlg::Rs256;
        let keys = vec![key("ec", 100, None), rsa];
        assert_eq!(policy.active(&keys, SigningAlg::Rs256).map(|k| k.kid.as_str()), Some("rsa"));
        assert_eq!(policy.active(&keys, SigningAlg::Es256).map(|k| k.kid.as_str()), Some("ec"));
        assert!(policy.rotation_due(&keys, SigningAlg::Rs256, UnixTime::from_secs(160)));
        assert!(!policy.rotation_due(&keys, SigningAlg::Es256, UnixTime::from_secs(160)));
        assert_eq!(SigningAlg::parse("RS256"), Some(SigningAlg::Rs256));
        assert_eq!(SigningAlg::parse("none"), None);
        assert_eq!(SigningAlg::parse("HS256"), None);
    }
}
