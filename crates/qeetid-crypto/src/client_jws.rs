//! JWS from outside checked against a JWK Set (RFC 7515, RFC 7517): the signature
//! algorithm comes from the key (its `alg`, else its type), never from the token's
//! header, which must merely agree. RS256, PS256, ES256 and EdDSA (Ed25519), with ring.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use qeetid_domain::request_object::RequestObjectAlg;
use ring::signature::{
    ECDSA_P256_SHA256_FIXED, ED25519, RSA_PKCS1_2048_8192_SHA256, RSA_PSS_2048_8192_SHA256, RsaPublicKeyComponents,
    UnparsedPublicKey,
};
use serde_json::Value;

fn b64(value: &Value) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(value.as_str()?.trim_end_matches('=')).ok()
}

/// A JWT's `aud`: one string or an array of them (RFC 7519 §4.1.3); anything
/// else names no audience.
pub(crate) fn audiences(claims: &Value) -> Vec<String> {
    match &claims["aud"] {
        Value::String(a) => vec![a.clone()],
        Value::Array(list) => list.iter().filter_map(|a| a.as_str().map(str::to_owned)).collect(),
        _ => Vec::new(),
    }
}

/// The algorithm a JWK signs with: its `alg` member, else what its type allows
/// (RSA keys RS256, P-256 keys ES256, Ed25519 keys EdDSA).
fn key_alg(key: &Value) -> Option<RequestObjectAlg> {
    if let Some(alg) = key["alg"].as_str() {
        return RequestObjectAlg::parse(alg).filter(|a| *a != RequestObjectAlg::None);
    }
    match (key["kty"].as_str(), key["crv"].as_str()) {
        (Some("RSA"), _) => Some(RequestObjectAlg::Rs256),
        (Some("EC"), Some("P-256")) => Some(RequestObjectAlg::Es256),
        (Some("OKP"), Some("Ed25519")) => Some(RequestObjectAlg::EdDsa),
        _ => None,
    }
}

/// Whether `key` (a JWK) verifies `signature` over `signed` with `alg`; a key of
/// another type never does.
pub(crate) fn jwk_verifies(key: &Value, alg: RequestObjectAlg, signed: &[u8], signature: &[u8]) -> bool {
    let rsa = |params: &'static ring::signature::RsaParameters| match (b64(&key["n"]), b64(&key["e"])) {
        (Some(n), Some(e)) => RsaPublicKeyComponents { n, e }.verify(params, signed, signature).is_ok(),
        _ => false,
    };
    match (alg, key["kty"].as_str(), key["crv"].as_str()) {
        (RequestObjectAlg::Rs256, Some("RSA"), _) => rsa(&RSA_PKCS1_2048_8192_SHA256),
        (RequestObjectAlg::Ps256, Some("RSA"), _) => rsa(&RSA_PSS_2048_8192_SHA256),
        (RequestObjectAlg::Es256, Some("EC"), Some("P-256")) => match (b64(&key["x"]), b64(&key["y"])) {
            (Some(x), Some(y)) if x.len() == 32 && y.len() == 32 => {
                let mut point = Vec::with_capacity(65);
                point.push(4);
                point.extend_from_slice(&x);
                point.extend_from_slice(&y);
                UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, point).verify(signed, signature).is_ok()
            }
            _ => false,
        },
        (RequestObjectAlg::EdDsa, Some("OKP"), Some("Ed25519")) => match b64(&key["x"]) {
            Some(x) if x.len() == 32 => UnparsedPublicKey::new(&ED25519, x).verify(signed, signature).is_ok(),
            _ => false,
        },
        _ => false,
    }
}

/// The payload of `jws` once its signature verified with a key of `jwks` (chosen
/// by `kid`, else any signing key) under `registered` or, when the client
/// registered none, the key's own algorithm; with `registered` `none`, only an
/// unsigned token is read.
///
/// # Errors
/// Why the token is refused, in words for the client.
pub fn verify_client_jws(jws: &str, jwks: Option<&str>, registered: Option<RequestObjectAlg>) -> Result<Value, String> {
    let mut parts = jws.split('.');
    let (Some(header), Some(payload), Some(signature), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("not a compact JWS (header.payload.signature)".into());
    };
    let decode = |part: &str| -> Result<Value, String> {
        let bytes = URL_SAFE_NO_PAD.decode(part).map_err(|_| "not base64url".to_owned())?;
        serde_json::from_slice(&bytes).map_err(|_| "not a JSON object".to_owned())
    };
    let header_json = decode(header)?;
    let claims = decode(payload)?;
    if !claims.is_object() {
        return Err("its payload is not a JSON object".into());
    }
    let header_alg = header_json["alg"].as_str().unwrap_or("");
    if registered == Some(RequestObjectAlg::None) {
        return if header_alg == "none" && signature.is_empty() {
            Ok(claims)
        } else {
            Err("the client registered unsigned request objects (none)".into())
        };
    }
    if header_alg == "none" {
        return Err("unsigned request objects (alg none) are refused: the client did not register them".into());
    }
    let signature = URL_SAFE_NO_PAD.decode(signature).map_err(|_| "the signature is not base64url".to_owned())?;
    let keys: Value =
        serde_json::from_str(jwks.unwrap_or("")).map_err(|_| "the client's JWK Set is not JSON".to_owned())?;
    let kid = header_json["kid"].as_str();
    let signed = &jws.as_bytes()[..header.len() + 1 + payload.len()];
    let candidates: Vec<&Value> = keys["keys"]
        .as_array()
        .map(|keys| {
            keys.iter()
                .filter(|k| kid.is_none_or(|kid| k["kid"].as_str() == Some(kid)))
                .filter(|k| k["use"].as_str().is_none_or(|u| u == "sig"))
                .collect()
        })
        .unwrap_or_default();
    if candidates.is_empty() {
        return Err("no key of the client's JWK Set matches the token's kid".into());
    }
    for key in candidates {
        let Some(alg) = registered.or_else(|| key_alg(key)) else { continue };
        if alg.as_str() != header_alg {
            continue;
        }
        if jwk_verifies(key, alg, signed, &signature) {
            return Ok(claims);
        }
    }
    Err(format!("the signature does not verify with the client's keys (header alg `{header_alg}`)"))
}

#[cfg(test)]
mod tests {
    use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, Ed25519KeyPair, KeyPair as _};

    use super::*;

    fn jws(header: &str, payload: &str, sign: impl Fn(&[u8]) -> Vec<u8>) -> String {
        let input = format!("{}.{}", URL_SAFE_NO_PAD.encode(header), URL_SAFE_NO_PAD.encode(payload));
        let signature = sign(input.as_bytes());
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
    }

    #[test]
    fn the_key_decides_the_algorithm_and_the_header_must_agree() {
        let rng = ring::rand::SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng).unwrap();
        let point = pair.public_key().as_ref();
        let jwks = serde_json::json!({ "keys": [{ "kty": "EC", "crv": "P-256", "kid": "k1",
            "x": URL_SAFE_NO_PAD.encode(&point[1..33]), "y": URL_SAFE_NO_PAD.encode(&point[33..]) }] })
        .to_string();
        let sign = |m: &[u8]| pair.sign(&rng, m).unwrap().as_ref().to_vec();
        let good = jws(r#"{"alg":"ES256","kid":"k1"}"#, r#"{"scope":"openid"}"#, sign);
        assert_eq!(verify_client_jws(&good, Some(&jwks), None).unwrap()["scope"], "openid");
        // The header may not choose another algorithm, nor `none`; a registered
        // algorithm the key cannot do fails too.
        let lying = jws(r#"{"alg":"RS256","kid":"k1"}"#, r#"{"scope":"openid"}"#, sign);
        assert!(verify_client_jws(&lying, Some(&jwks), None).is_err());
        let unsigned = format!("{}.{}.", URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#), URL_SAFE_NO_PAD.encode("{}"));
        assert!(verify_client_jws(&unsigned, Some(&jwks), None).unwrap_err().contains("alg none"));
        assert!(verify_client_jws(&unsigned, None, Some(RequestObjectAlg::None)).is_ok());
        assert!(verify_client_jws(&good, Some(&jwks), Some(RequestObjectAlg::Rs256)).is_err());
        let other_kid = jws(r#"{"alg":"ES256","kid":"k2"}"#, r#"{"scope":"openid"}"#, sign);
        assert!(verify_client_jws(&other_kid, Some(&jwks), None).unwrap_err().contains("kid"));
        let mut tampered: Vec<&str> = good.split('.').collect();
        let forged = URL_SAFE_NO_PAD.encode(r#"{"scope":"openid admin"}"#);
        tampered[1] = &forged;
        assert!(verify_client_jws(&tampered.join("."), Some(&jwks), None).is_err());
    }

    #[test]
    fn ed25519_follows_rfc_8037s_example() {
        // RFC 8037 Appendix A.1–A.4: the key, and the signature of "Example of Ed25519 signing".
        let key = serde_json::json!({ "kty": "OKP", "crv": "Ed25519",
            "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo" });
        let jwks = serde_json::json!({ "keys": [key] }).to_string();
        let token = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.\
                     hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";
        // The RFC's payload is not JSON; check the signature alone, then a JSON one.
        let (input, signature) = token.rsplit_once('.').unwrap();
        let signature = URL_SAFE_NO_PAD.decode(signature).unwrap();
        assert!(jwk_verifies(&key, RequestObjectAlg::EdDsa, input.as_bytes(), &signature));
        assert!(!jwk_verifies(&key, RequestObjectAlg::EdDsa, b"something else", &signature));
        let seed = URL_SAFE_NO_PAD.decode("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A").unwrap();
        let pair = Ed25519KeyPair::from_seed_and_public_key(&seed, &b64(&key["x"]).unwrap()).unwrap();
        let signed = jws(r#"{"alg":"EdDSA"}"#, r#"{"state":"s"}"#, |m| pair.sign(m).as_ref().to_vec());
        assert_eq!(verify_client_jws(&signed, Some(&jwks), None).unwrap()["state"], "s");
    }
}
