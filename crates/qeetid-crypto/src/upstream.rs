//! Signature checks of ID tokens from upstream identity providers: RS256 (most
//! providers, Google among them) and ES256 (another Qeet ID), against the
//! provider's JWK Set (RFC 7517), with ring.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use qeetid_domain::federation::UpstreamClaims;
use qeetid_domain::ports::UpstreamTokenVerifier;
use qeetid_domain::request_object::RequestObjectAlg;
use serde_json::Value;

/// The [`UpstreamTokenVerifier`] port.
#[derive(Debug, Default)]
pub struct UpstreamJwsVerifier;

impl UpstreamTokenVerifier for UpstreamJwsVerifier {
    fn verify_upstream(&self, id_token: &str, jwks: &str) -> Option<UpstreamClaims> {
        let mut parts = id_token.split('.');
        let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let header_json: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).ok()?).ok()?;
        // Only asymmetric algorithms: `none` and HS256 (a key the client also holds) are refused.
        let alg = header_json["alg"].as_str().filter(|a| matches!(*a, "RS256" | "ES256"))?;
        let kid = header_json["kid"].as_str();
        let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
        let signed = &id_token.as_bytes()[..header.len() + 1 + payload.len()];
        let keys: Value = serde_json::from_str(jwks).ok()?;
        let verified = keys["keys"]
            .as_array()?
            .iter()
            .filter(|k| kid.is_none_or(|kid| k["kid"].as_str() == Some(kid)))
            .filter(|k| k["use"].as_str().is_none_or(|u| u == "sig"))
            .any(|k| {
                let alg = if alg == "RS256" { RequestObjectAlg::Rs256 } else { RequestObjectAlg::Es256 };
                crate::client_jws::jwk_verifies(k, alg, signed, &signature)
            });
        if !verified {
            return None;
        }
        let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
        let text = |name: &str| claims[name].as_str().map(str::to_owned);
        let aud = crate::client_jws::audiences(&claims);
        Some(UpstreamClaims {
            iss: text("iss"),
            sub: text("sub"),
            aud,
            azp: text("azp"),
            exp: claims["exp"].as_i64(),
            nonce: text("nonce"),
            email: text("email"),
            // Some providers send "true" as a string.
            email_verified: claims["email_verified"].as_bool().unwrap_or(claims["email_verified"] == "true"),
            name: text("name"),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use qeetid_domain::oauth::{Claims, KeyPolicy};
    use qeetid_domain::ports::TokenSigner as _;

    use super::*;
    use crate::{KeyEncryptionKey, KeyRing, SigningKeys, SystemRandom};

    #[test]
    fn an_es256_token_verifies_against_its_jwks_and_nothing_else_does() {
        let random: Arc<dyn qeetid_domain::ports::Random> = Arc::new(SystemRandom::new());
        let (kek, _) = KeyEncryptionKey::generate(random.as_ref());
        let keys = SigningKeys::new(
            Arc::new(KeyRing::new(vec![kek]).unwrap()),
            random,
            KeyPolicy { rotation_period: 100, max_token_lifetime: 10 },
        );
        let record =
            keys.generate(qeetid_domain::oauth::SigningAlg::Es256, qeetid_domain::UnixTime::from_secs(0)).unwrap();
        keys.load(std::slice::from_ref(&record), qeetid_domain::UnixTime::from_secs(0)).unwrap();
        let claims = Claims::new()
            .str("iss", "https://up.example")
            .str("sub", "u1")
            .str("aud", "c")
            .bool("email_verified", true);
        let token = keys.sign(qeetid_domain::oauth::SigningAlg::Es256, "JWT", &claims).unwrap();
        let jwks = keys.published_keys();
        let verified = UpstreamJwsVerifier.verify_upstream(&token, &jwks).expect("verifies");
        assert_eq!(
            (verified.sub.as_deref(), verified.aud.as_slice(), verified.email_verified),
            (Some("u1"), &["c".to_owned()][..], true)
        );
        // Altered payload, another key set, `alg: none`: refused.
        let mut parts: Vec<&str> = token.split('.').collect();
        let forged = URL_SAFE_NO_PAD.encode(br#"{"iss":"https://up.example","sub":"admin","aud":"c"}"#);
        parts[1] = &forged;
        assert!(UpstreamJwsVerifier.verify_upstream(&parts.join("."), &jwks).is_none());
        assert!(UpstreamJwsVerifier.verify_upstream(&token, r#"{"keys":[]}"#).is_none());
        let none = format!("{}.{}.", URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#), token.split('.').nth(1).unwrap());
        assert!(UpstreamJwsVerifier.verify_upstream(&none, &jwks).is_none());
    }
}
