//! DPoP proofs (RFC 9449 §4.2) and client assertions (RFC 7523) read with ring.
//! A proof carries its own public key: the header's `alg` must be one that key's
//! type does (and agree with the key's own `alg`, if it has one), the key must be
//! public, and the proof is answered by the key's RFC 7638 thumbprint.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use qeetid_domain::client_policy::AssertionClaims;
use qeetid_domain::dpop::{DpopProof, PROOF_ALGS};
use qeetid_domain::request_object::RequestObjectAlg;
use ring::digest::{SHA256, digest};
use serde_json::Value;

use crate::client_jws::{jwk_verifies, verify_client_jws};

/// Members that only a private JWK has (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2).
const PRIVATE_MEMBERS: [&str; 7] = ["d", "p", "q", "dp", "dq", "qi", "k"];

fn text(v: &Value, name: &str) -> Option<String> {
    v[name].as_str().map(str::to_owned)
}

/// The claims of a client assertion whose signature verified with a key of
/// `jwks`, under the key's algorithm or the client's registered `alg`.
///
/// # Errors
/// Why the assertion is refused, in words for the client.
pub fn verify_client_assertion(
    jws: &str,
    jwks: &str,
    alg: Option<RequestObjectAlg>,
) -> Result<AssertionClaims, String> {
    if alg == Some(RequestObjectAlg::None) {
        return Err("client assertions are signed".into());
    }
    let claims = verify_client_jws(jws, Some(jwks), alg)?;
    let aud = crate::client_jws::audiences(&claims);
    Ok(AssertionClaims {
        iss: text(&claims, "iss"),
        sub: text(&claims, "sub"),
        aud,
        exp: claims["exp"].as_i64(),
        iat: claims["iat"].as_i64(),
        nbf: claims["nbf"].as_i64(),
        jti: text(&claims, "jti"),
    })
}

/// The JWK SHA-256 thumbprint (RFC 7638 §3) of a public key: its required members
/// in lexicographic order, no whitespace, base64url; `None` for an unknown type.
pub fn jwk_thumbprint(key: &Value) -> Option<String> {
    let required: &[&str] = match key["kty"].as_str()? {
        "EC" => &["crv", "kty", "x", "y"],
        "RSA" => &["e", "kty", "n"],
        "OKP" => &["crv", "kty", "x"],
        _ => return None,
    };
    let mut canonical = String::from("{");
    for (i, member) in required.iter().enumerate() {
        let value = key[*member].as_str()?;
        if i > 0 {
            canonical.push(',');
        }
        canonical.push_str(&format!("{}:{}", Value::from(*member), Value::from(value)));
    }
    canonical.push('}');
    Some(URL_SAFE_NO_PAD.encode(digest(&SHA256, canonical.as_bytes())))
}

/// Whether a key of this type signs with `alg` (the header's): EC P-256 only
/// ES256, Ed25519 only EdDSA, RSA RS256 or PS256.
fn key_does(key: &Value, alg: RequestObjectAlg) -> bool {
    matches!(
        (key["kty"].as_str(), key["crv"].as_str(), alg),
        (Some("EC"), Some("P-256"), RequestObjectAlg::Es256)
            | (Some("OKP"), Some("Ed25519"), RequestObjectAlg::EdDsa)
            | (Some("RSA"), _, RequestObjectAlg::Rs256 | RequestObjectAlg::Ps256)
    )
}

/// A DPoP proof read and its signature checked with the key in its header.
///
/// # Errors
/// Why the proof is refused, in words for the client.
pub fn verify_dpop_proof(jws: &str) -> Result<DpopProof, String> {
    let mut parts = jws.split('.');
    let (Some(header), Some(payload), Some(signature), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("the DPoP proof is not a compact JWS".into());
    };
    let decode = |part: &str| -> Result<Value, String> {
        let bytes = URL_SAFE_NO_PAD.decode(part).map_err(|_| "the DPoP proof is not base64url".to_owned())?;
        serde_json::from_slice(&bytes).map_err(|_| "the DPoP proof is not JSON".to_owned())
    };
    let header_json = decode(header)?;
    let claims = decode(payload)?;
    if header_json["typ"].as_str() != Some("dpop+jwt") {
        return Err("the DPoP proof's typ must be dpop+jwt".into());
    }
    let header_alg = header_json["alg"].as_str().unwrap_or("");
    let alg = RequestObjectAlg::parse(header_alg)
        .filter(|a| PROOF_ALGS.contains(&a.as_str()))
        .ok_or_else(|| format!("the DPoP proof's alg must be one of {}", PROOF_ALGS.join(", ")))?;
    let key = &header_json["jwk"];
    if !key.is_object() {
        return Err("the DPoP proof's header needs the public key (jwk)".into());
    }
    if PRIVATE_MEMBERS.iter().any(|m| !key[*m].is_null()) {
        return Err("the DPoP proof's jwk holds a private key".into());
    }
    if !key_does(key, alg) || key["alg"].as_str().is_some_and(|a| a != header_alg) {
        return Err(format!("the DPoP proof's key cannot sign with {header_alg}"));
    }
    let signature = URL_SAFE_NO_PAD.decode(signature).map_err(|_| "the signature is not base64url".to_owned())?;
    let signed = &jws.as_bytes()[..header.len() + 1 + payload.len()];
    if !jwk_verifies(key, alg, signed, &signature) {
        return Err("the DPoP proof's signature does not verify with its jwk".into());
    }
    let jkt = jwk_thumbprint(key).ok_or_else(|| "the DPoP proof's jwk is incomplete".to_owned())?;
    Ok(DpopProof {
        jkt,
        htm: text(&claims, "htm"),
        htu: text(&claims, "htu"),
        iat: claims["iat"].as_i64(),
        jti: text(&claims, "jti"),
        nonce: text(&claims, "nonce"),
        ath: text(&claims, "ath"),
    })
}

#[cfg(test)]
mod tests {
    use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _};

    use super::*;

    #[test]
    fn thumbprints_follow_rfc_7638() {
        // RFC 7638 §3.1's example key and thumbprint.
        let key = serde_json::json!({ "kty": "RSA", "e": "AQAB", "alg": "RS256", "kid": "2011-04-29",
            "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRX\
jBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHz\
u6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw" });
        assert_eq!(jwk_thumbprint(&key).unwrap(), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
    }

    fn proof(header: &Value, claims: &Value, pair: &EcdsaKeyPair) -> String {
        let rng = ring::rand::SystemRandom::new();
        let input =
            format!("{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(claims.to_string()));
        let signature = pair.sign(&rng, input.as_bytes()).unwrap();
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.as_ref()))
    }

    #[test]
    fn a_proof_is_checked_with_its_own_public_key_and_answers_its_thumbprint() {
        let rng = ring::rand::SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng).unwrap();
        let point = pair.public_key().as_ref();
        let jwk = serde_json::json!({ "kty": "EC", "crv": "P-256",
            "x": URL_SAFE_NO_PAD.encode(&point[1..33]), "y": URL_SAFE_NO_PAD.encode(&point[33..]) });
        let claims = serde_json::json!({ "htm": "POST", "htu": "https://id.example/v1/oauth/token",
            "iat": 1_000, "jti": "j1" });
        let header = serde_json::json!({ "typ": "dpop+jwt", "alg": "ES256", "jwk": jwk });
        let read = verify_dpop_proof(&proof(&header, &claims, &pair)).unwrap();
        assert_eq!((read.jkt, read.jti.as_deref()), (jwk_thumbprint(&jwk).unwrap(), Some("j1")));

        let refused = [
            serde_json::json!({ "typ": "JWT", "alg": "ES256", "jwk": jwk }),
            serde_json::json!({ "typ": "dpop+jwt", "alg": "HS256", "jwk": jwk }),
            serde_json::json!({ "typ": "dpop+jwt", "alg": "RS256", "jwk": jwk }),
            serde_json::json!({ "typ": "dpop+jwt", "alg": "ES256" }),
            serde_json::json!({ "typ": "dpop+jwt", "alg": "ES256", "jwk": { "kty": "EC", "crv": "P-256",
                "x": jwk["x"], "y": jwk["y"], "d": "AAAA" } }),
        ];
        for header in refused {
            assert!(verify_dpop_proof(&proof(&header, &claims, &pair)).is_err(), "{header}");
        }
        let unsigned = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(serde_json::json!({ "typ": "dpop+jwt", "alg": "none", "jwk": jwk }).to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        assert!(verify_dpop_proof(&unsigned).is_err());
        // Another key's signature over the same header does not verify.
        let other = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
        let other = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, other.as_ref(), &rng).unwrap();
        let header = serde_json::json!({ "typ": "dpop+jwt", "alg": "ES256", "jwk": jwk });
        assert!(verify_dpop_proof(&proof(&header, &claims, &other)).is_err());
    }

    #[test]
    fn the_rfc_9449_example_proof_verifies() {
        // RFC 9449 §4.1, Figure 4 (the proof of a token request) and §6.1's thumbprint of its key.
        let proof = "eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7Imt0eSI6Ik\
VDIiwieCI6Imw4dEZyaHgtMzR0VjNoUklDUkRZOXpDa0RscEJoRjQyVVFVZldWQVdCR\
nMiLCJ5IjoiOVZFNGpmX09rX282NHpiVFRsY3VOSmFqSG10NnY5VERWclUwQ2R2R1JE\
QSIsImNydiI6IlAtMjU2In19.eyJqdGkiOiItQndDM0VTYzZhY2MybFRjIiwiaHRtIj\
oiUE9TVCIsImh0dSI6Imh0dHBzOi8vc2VydmVyLmV4YW1wbGUuY29tL3Rva2VuIiwia\
WF0IjoxNTYyMjYyNjE2fQ.2-GxA6T8lP4vfrg8v-FdWP0A0zdrj8igiMLvqRMUvwnQg\
4PtFLbdLXiOSsX0x7NVY-FNyJK70nfbV37xRZT3Lg";
        let read = verify_dpop_proof(proof).unwrap();
        assert_eq!(read.jkt, "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I");
        assert_eq!(read.htu.as_deref(), Some("https://server.example.com/token"));
        assert_eq!(read.iat, Some(1_562_262_616));
    }
}
