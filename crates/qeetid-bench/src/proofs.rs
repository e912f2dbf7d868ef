//! The load generator's own key, as a `private_key_jwt` client and a DPoP client
//! would hold one: ES256 client assertions and DPoP proofs, each with a fresh `jti`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

/// A P-256 key and a counter that makes every `jti` new. The key is made by
/// rcgen and used by jsonwebtoken, independent of the server's own crypto.
pub(crate) struct ClientSigner {
    key: EncodingKey,
    jwk: Value,
    next: AtomicU64,
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default()
}

impl ClientSigner {
    /// A new key.
    pub(crate) fn new() -> Result<Self, String> {
        let pair = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).map_err(|e| e.to_string())?;
        let point = pair.public_key_raw();
        let jwk = json!({ "kty": "EC", "crv": "P-256",
            "x": URL_SAFE_NO_PAD.encode(&point[1..33]), "y": URL_SAFE_NO_PAD.encode(&point[33..]) });
        Ok(Self { key: EncodingKey::from_ec_der(&pair.serialize_der()), jwk, next: AtomicU64::new(0) })
    }

    /// The public key, to register as the client's `jwks`.
    pub(crate) fn jwks(&self) -> Value {
        json!({ "keys": [self.jwk] })
    }

    fn jti(&self) -> String {
        format!("bench-{}", self.next.fetch_add(1, Ordering::Relaxed))
    }

    fn sign(&self, header: &Header, claims: &Value) -> String {
        // ES256 with a key that parsed fails only on a broken random source.
        jsonwebtoken::encode(header, claims, &self.key).unwrap_or_default()
    }

    /// A client assertion of `client_id` for `audience` (RFC 7523), a minute long.
    pub(crate) fn assertion(&self, client_id: &str, audience: &str) -> String {
        let now = now();
        let claims = json!({ "iss": client_id, "sub": client_id, "aud": audience, "iat": now,
            "exp": now + 60, "jti": self.jti() });
        self.sign(&Header::new(Algorithm::ES256), &claims)
    }

    /// A DPoP proof of a POST to `url` (RFC 9449 §4.2).
    pub(crate) fn dpop(&self, url: &str) -> String {
        let claims = json!({ "htm": "POST", "htu": url, "iat": now(), "jti": self.jti() });
        let mut header = Header::new(Algorithm::ES256);
        header.typ = Some("dpop+jwt".into());
        header.jwk = serde_json::from_value(self.jwk.clone()).ok();
        self.sign(&header, &claims)
    }
}
