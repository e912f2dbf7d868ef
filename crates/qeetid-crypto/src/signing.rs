//! ES256 signing keys: generation, sealing, loading, JWS signing and verification,
//! and the JWKS (RFC 7517, RFC 7518 §3.4 and §6.2, RFC 7638 thumbprints as `kid`).

use std::sync::{Arc, RwLock};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use qeetid_domain::UnixTime;
use qeetid_domain::oauth::{ClaimValue, Claims, KeyPolicy, SigningKeyRecord, VerifiedToken};
use qeetid_domain::ports::{Random, SigningError, TokenSigner};
use ring::signature::{
    ECDSA_P256_SHA256_FIXED, ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _, UnparsedPublicKey,
};
use serde_json::{Value, json};

use crate::kek::{KekError, KeyEncryptionKey};

/// Why a key could not be made, loaded or used.
#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    /// The sealed key could not be opened.
    #[error(transparent)]
    Kek(#[from] KekError),
    /// ring refused the key material.
    #[error("invalid key material: {0}")]
    Key(String),
    /// A stored public JWK is not valid.
    #[error("invalid stored JWK for {kid}: {why}")]
    Jwk {
        /// The key.
        kid: String,
        /// What is wrong.
        why: String,
    },
}

/// The keys in use: the one that signs (decrypted once, when loaded) and the
/// public keys the JWKS publishes and verification accepts.
struct KeySet {
    signing: Option<(String, EcdsaKeyPair)>,
    public: Vec<(String, Vec<u8>)>,
    jwks: String,
}

/// ES256 signer and verifier over the deployment's signing keys. Load records with
/// [`SigningKeys::load`]; reload after a rotation. Cheap to share.
pub struct SigningKeys {
    kek: Arc<KeyEncryptionKey>,
    random: Arc<dyn Random>,
    rng: ring::rand::SystemRandom,
    policy: KeyPolicy,
    keys: RwLock<Arc<KeySet>>,
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// RFC 7638 thumbprint of a P-256 public key: the required members in lexicographic order.
fn thumbprint(x: &str, y: &str) -> String {
    let canonical = format!(r#"{{"crv":"P-256","kty":"EC","x":"{x}","y":"{y}"}}"#);
    b64(ring::digest::digest(&ring::digest::SHA256, canonical.as_bytes()).as_ref())
}

/// The claims as a JSON object, written straight out in their order (each name
/// appears once: [`Claims`] guarantees it).
struct ClaimsJson<'a>(&'a Claims);

impl serde::Serialize for ClaimsJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = serializer.serialize_map(None)?;
        for (name, value) in self.0.iter() {
            match value {
                ClaimValue::Str(s) => map.serialize_entry(name, s)?,
                ClaimValue::Int(i) => map.serialize_entry(name, i)?,
                ClaimValue::Bool(b) => map.serialize_entry(name, b)?,
                ClaimValue::List(l) => map.serialize_entry(name, l)?,
            }
        }
        map.end()
    }
}

/// The protected header of our JWSs (RFC 7515 §4.1).
#[derive(serde::Serialize)]
struct Header<'a> {
    alg: &'static str,
    typ: &'a str,
    kid: &'a str,
}

impl SigningKeys {
    /// A key holder with nothing loaded yet.
    pub fn new(kek: Arc<KeyEncryptionKey>, random: Arc<dyn Random>, policy: KeyPolicy) -> Self {
        let empty = KeySet { signing: None, public: Vec::new(), jwks: r#"{"keys":[]}"#.to_owned() };
        Self { kek, random, rng: ring::rand::SystemRandom::new(), policy, keys: RwLock::new(Arc::new(empty)) }
    }

    /// Makes a new P-256 key and seals its private part; the caller stores it.
    pub fn generate(&self, now: UnixTime) -> Result<SigningKeyRecord, CryptoError> {
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &self.rng)
            .map_err(|e| CryptoError::Key(e.to_string()))?;
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &self.rng)
            .map_err(|e| CryptoError::Key(e.to_string()))?;
        // Uncompressed point: 0x04 ‖ x (32 bytes) ‖ y (32 bytes).
        let point = pair.public_key().as_ref();
        let (x, y) = (b64(&point[1..33]), b64(&point[33..65]));
        let kid = thumbprint(&x, &y);
        let jwk = json!({ "kty": "EC", "crv": "P-256", "x": x, "y": y, "kid": kid, "use": "sig", "alg": "ES256" });
        Ok(SigningKeyRecord {
            sealed_private_key: self.kek.seal(self.random.as_ref(), &kid, pkcs8.as_ref())?,
            public_jwk: jwk.to_string(),
            kid,
            created_at: now,
            retired_at: None,
        })
    }

    /// Loads `records`: decrypts the active key (the newest unretired one, else the
    /// newest) and publishes every key the policy keeps.
    pub fn load(&self, records: &[SigningKeyRecord], now: UnixTime) -> Result<(), CryptoError> {
        let active = self.policy.active(records).or_else(|| records.iter().max_by_key(|k| k.created_at));
        let signing = match active {
            Some(record) => {
                let pkcs8 = self.kek.open(&record.kid, &record.sealed_private_key)?;
                let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &pkcs8, &self.rng)
                    .map_err(|e| CryptoError::Key(e.to_string()))?;
                Some((record.kid.clone(), pair))
            }
            None => None,
        };
        let mut public = Vec::new();
        let mut jwks = Vec::new();
        for record in self.policy.published(records, now) {
            let jwk: Value = serde_json::from_str(&record.public_jwk)
                .map_err(|e| CryptoError::Jwk { kid: record.kid.clone(), why: e.to_string() })?;
            let coordinate = |name: &str| {
                jwk[name]
                    .as_str()
                    .and_then(|c| URL_SAFE_NO_PAD.decode(c).ok())
                    .filter(|c| c.len() == 32)
                    .ok_or_else(|| CryptoError::Jwk { kid: record.kid.clone(), why: format!("bad {name}") })
            };
            let mut point = vec![4u8];
            point.extend(coordinate("x")?);
            point.extend(coordinate("y")?);
            public.push((record.kid.clone(), point));
            jwks.push(jwk);
        }
        let set = KeySet { signing, public, jwks: json!({ "keys": jwks }).to_string() };
        match self.keys.write() {
            Ok(mut guard) => *guard = Arc::new(set),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(set),
        }
        Ok(())
    }

    fn current(&self) -> Arc<KeySet> {
        match self.keys.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// The JWKS document (`{"keys": […]}`).
    pub fn jwks(&self) -> String {
        self.current().jwks.clone()
    }

    /// The `kid` of the key that signs now.
    pub fn active_kid(&self) -> Option<String> {
        self.current().signing.as_ref().map(|(kid, _)| kid.clone())
    }

    /// Verifies a compact ES256 JWS against the published keys and returns its
    /// header and claims. Expiry and audience are the caller's to check.
    pub fn verify(&self, token: &str) -> Option<(Value, Value)> {
        let mut parts = token.split('.');
        let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let header_json: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).ok()?).ok()?;
        if header_json["alg"] != "ES256" {
            return None;
        }
        let kid = header_json["kid"].as_str()?;
        let keys = self.current();
        let (_, point) = keys.public.iter().find(|(k, _)| k == kid)?;
        let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
        let signed = &token[..header.len() + 1 + payload.len()];
        UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, point).verify(signed.as_bytes(), &signature).ok()?;
        let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
        Some((header_json, claims))
    }
}

impl TokenSigner for SigningKeys {
    fn sign(&self, typ: &str, claims: &Claims) -> Result<String, SigningError> {
        let keys = self.current();
        let (kid, pair) = keys.signing.as_ref().ok_or_else(|| SigningError("no signing key is loaded".into()))?;
        let header =
            serde_json::to_vec(&Header { alg: "ES256", typ, kid }).map_err(|e| SigningError(format!("header: {e}")))?;
        let payload = serde_json::to_vec(&ClaimsJson(claims)).map_err(|e| SigningError(format!("claims: {e}")))?;
        // header.payload.signature: base64url lengths are 4/3 of the bytes; 86 for the signature.
        let mut jws = String::with_capacity((header.len() + payload.len()) * 4 / 3 + 96);
        URL_SAFE_NO_PAD.encode_string(&header, &mut jws);
        jws.push('.');
        URL_SAFE_NO_PAD.encode_string(&payload, &mut jws);
        let signature = pair.sign(&self.rng, jws.as_bytes()).map_err(|e| SigningError(e.to_string()))?;
        jws.push('.');
        URL_SAFE_NO_PAD.encode_string(signature.as_ref(), &mut jws);
        Ok(jws)
    }

    fn published_keys(&self) -> String {
        self.jwks()
    }

    fn verify(&self, token: &str) -> Option<VerifiedToken> {
        let (header, claims) = SigningKeys::verify(self, token)?;
        let text = |name: &str| claims[name].as_str().map(str::to_owned);
        let aud = match &claims["aud"] {
            Value::String(a) => vec![a.clone()],
            Value::Array(list) => list.iter().filter_map(|a| a.as_str().map(str::to_owned)).collect(),
            _ => Vec::new(),
        };
        Some(VerifiedToken {
            typ: header["typ"].as_str().unwrap_or_default().to_owned(),
            iss: text("iss"),
            sub: text("sub"),
            aud,
            exp: claims["exp"].as_i64(),
            iat: claims["iat"].as_i64(),
            jti: text("jti"),
            client_id: text("client_id"),
            scope: text("scope"),
            tid: text("tid"),
            sid: text("sid"),
            gid: text("gid"),
            auth_time: claims["auth_time"].as_i64(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SystemRandom;

    fn keys() -> SigningKeys {
        let random: Arc<dyn Random> = Arc::new(SystemRandom::new());
        let (kek, _) = KeyEncryptionKey::generate(random.as_ref());
        SigningKeys::new(Arc::new(kek), random, KeyPolicy { rotation_period: 100, max_token_lifetime: 10 })
    }

    #[test]
    fn signs_verifies_and_publishes() {
        let keys = keys();
        assert!(keys.sign("JWT", &Claims::new()).is_err(), "nothing loaded yet");
        let record = keys.generate(UnixTime::from_secs(0)).unwrap();
        keys.load(std::slice::from_ref(&record), UnixTime::from_secs(0)).unwrap();
        let token = keys
            .sign("at+jwt", &Claims::new().str("sub", "usr_1").int("exp", 5).list("amr", vec!["pwd".into()]))
            .unwrap();
        let (header, claims) = keys.verify(&token).unwrap();
        assert_eq!(header["typ"], "at+jwt");
        assert_eq!(header["kid"], record.kid.as_str());
        assert_eq!(claims, json!({ "sub": "usr_1", "exp": 5, "amr": ["pwd"] }));

        let forged = format!(
            "{}.{}.{}",
            token.split('.').next().unwrap(),
            b64(br#"{"sub":"admin"}"#),
            token.rsplit('.').next().unwrap()
        );
        assert!(keys.verify(&forged).is_none(), "a signature covers its own claims only");

        let jwks: Value = serde_json::from_str(&keys.jwks()).unwrap();
        assert_eq!(jwks["keys"][0]["kid"], record.kid.as_str());
        assert_eq!(jwks["keys"][0]["alg"], "ES256");
        assert!(jwks["keys"][0].get("d").is_none(), "no private part");
    }

    #[test]
    fn tokens_of_a_retired_key_verify_until_it_leaves_the_jwks() {
        let keys = keys();
        let mut old = keys.generate(UnixTime::from_secs(0)).unwrap();
        keys.load(std::slice::from_ref(&old), UnixTime::from_secs(0)).unwrap();
        let token = keys.sign("JWT", &Claims::new().str("sub", "x")).unwrap();

        let new = keys.generate(UnixTime::from_secs(100)).unwrap();
        old.retired_at = Some(UnixTime::from_secs(100));
        let records = vec![old.clone(), new.clone()];
        keys.load(&records, UnixTime::from_secs(105)).unwrap();
        assert_eq!(keys.active_kid(), Some(new.kid.clone()));
        assert!(keys.verify(&token).is_some(), "still published");
        keys.load(&records, UnixTime::from_secs(110)).unwrap();
        assert!(keys.verify(&token).is_none(), "gone once every token it signed expired");
    }

    #[test]
    fn a_wrong_key_encryption_key_cannot_load() {
        let a = keys();
        let record = a.generate(UnixTime::from_secs(0)).unwrap();
        let b = keys();
        assert!(matches!(b.load(&[record], UnixTime::from_secs(0)), Err(CryptoError::Kek(_))));
    }
}
