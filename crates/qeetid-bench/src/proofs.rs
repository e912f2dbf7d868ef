//! The load generator's own key, as a `private_key_jwt` client and a DPoP client
//! would hold one: ES256 client assertions and DPoP proofs, each with a fresh `jti`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _};
use serde_json::{Value, json};

/// A P-256 key and a counter that makes every `jti` new.
pub(crate) struct ClientSigner {
    pair: EcdsaKeyPair,
    rng: SystemRandom,
    jwk: Value,
    next: AtomicU64,
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default()
}

impl ClientSigner {
    /// A new key.
    pub(crate) fn new() -> Result<Self, String> {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).map_err(|e| e.to_string())?;
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng)
            .map_err(|e| e.to_string())?;
        let point = pair.public_key().as_ref();
        let jwk = json!({ "kty": "EC", "crv": "P-256",
            "x": URL_SAFE_NO_PAD.encode(&point[1..33]), "y": URL_SAFE_NO_PAD.encode(&point[33..]) });
        Ok(Self { pair, rng, jwk, next: AtomicU64::new(0) })
    }

    /// The public key, to register as the client's `jwks`.
    pub(crate) fn jwks(&self) -> Value {
        json!({ "keys": [self.jwk] })
    }

    fn jti(&self) -> String {
        format!("bench-{}", self.next.fetch_add(1, Ordering::Relaxed))
    }

    fn sign(&self, header: &Value, claims: &Value) -> String {
        let input =
            format!("{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(claims.to_string()));
        // ring's P-256 signing fails only on a broken random source.
        let signature = self.pair.sign(&self.rng, input.as_bytes()).map(|s| URL_SAFE_NO_PAD.encode(s.as_ref()));
        format!("{input}.{}", signature.unwrap_or_default())
    }

    /// A client assertion of `client_id` for `audience` (RFC 7523), a minute long.
    pub(crate) fn assertion(&self, client_id: &str, audience: &str) -> String {
        let now = now();
        let claims = json!({ "iss": client_id, "sub": client_id, "aud": audience, "iat": now,
            "exp": now + 60, "jti": self.jti() });
        self.sign(&json!({ "alg": "ES256", "typ": "JWT" }), &claims)
    }

    /// A DPoP proof of a POST to `url` (RFC 9449 §4.2).
    pub(crate) fn dpop(&self, url: &str) -> String {
        let claims = json!({ "htm": "POST", "htu": url, "iat": now(), "jti": self.jti() });
        self.sign(&json!({ "alg": "ES256", "typ": "dpop+jwt", "jwk": self.jwk }), &claims)
    }
}
