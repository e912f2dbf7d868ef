//! DPoP (RFC 9449): proofs of possession of a client's key, the checks a proof
//! must pass at the token and resource endpoints, and the server nonces
//! (`use_dpop_nonce`) that bound how long a proof made in advance stays usable.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest as _, Sha256};

use crate::time::UnixTime;

/// How old a proof's `iat` may be.
pub const PROOF_MAX_AGE_SECONDS: i64 = 300;
/// How far in the future a proof's `iat` may be (clock skew).
const PROOF_SKEW_SECONDS: i64 = 60;
/// How long one server nonce is handed out; the previous one is still accepted.
const NONCE_WINDOW_SECONDS: i64 = 120;

/// The algorithms a DPoP proof may be signed with (`dpop_signing_alg_values_supported`).
pub const PROOF_ALGS: [&str; 4] = ["ES256", "RS256", "PS256", "EdDSA"];

/// A DPoP proof whose signature verified with the public key in its own header
/// (the adapter's work): that key's thumbprint and the proof's claims.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DpopProof {
    /// The JWK SHA-256 thumbprint (RFC 7638) of the header's key, base64url.
    pub jkt: String,
    /// `htm`: the HTTP method.
    pub htm: Option<String>,
    /// `htu`: the HTTP URI, without query and fragment.
    pub htu: Option<String>,
    /// `iat`.
    pub iat: Option<i64>,
    /// `jti`: used once.
    pub jti: Option<String>,
    /// `nonce`: a server nonce, when the server asks for one.
    pub nonce: Option<String>,
    /// `ath`: the base64url SHA-256 of the access token it comes with.
    pub ath: Option<String>,
}

/// Why a proof is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DpopRefusal {
    /// `invalid_dpop_proof`, with what is wrong.
    Invalid(String),
    /// `use_dpop_nonce`: send the proof again with this nonce (RFC 9449 §8).
    UseNonce(String),
}

/// The secret from which every instance derives the same server nonces.
#[derive(Clone, PartialEq, Eq)]
pub struct DpopNonceKey([u8; 32]);

impl DpopNonceKey {
    /// A key of these bytes.
    pub fn new(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    fn nonce_for(&self, window: i64) -> String {
        let mut hash = Sha256::new();
        hash.update(b"qeetid dpop nonce\0");
        hash.update(self.0);
        hash.update(window.to_be_bytes());
        URL_SAFE_NO_PAD.encode(&hash.finalize()[..18])
    }

    /// The nonce to hand out at `now` (`DPoP-Nonce`).
    pub fn current(&self, now: UnixTime) -> String {
        self.nonce_for(now.as_secs().div_euclid(NONCE_WINDOW_SECONDS))
    }

    /// Whether `nonce` is the current or the previous window's.
    fn accepts(&self, nonce: &str, now: UnixTime) -> bool {
        let window = now.as_secs().div_euclid(NONCE_WINDOW_SECONDS);
        [window, window - 1].iter().any(|w| self.nonce_for(*w) == nonce)
    }
}

impl std::fmt::Debug for DpopNonceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DpopNonceKey(…)")
    }
}

/// The base64url SHA-256 of an access token (`ath`, RFC 9449 §4.2).
pub fn access_token_hash(access_token: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(access_token.as_bytes()))
}

/// `url` without query and fragment, its scheme and host lower-cased, and a default
/// port dropped (RFC 9449 §4.3 compares with RFC 3986 normalisation).
fn normalised(url: &str) -> Option<String> {
    let mut parsed = url::Url::parse(url).ok()?;
    parsed.set_query(None);
    parsed.set_fragment(None);
    Some(parsed.to_string())
}

fn invalid(why: &str) -> DpopRefusal {
    DpopRefusal::Invalid(why.to_owned())
}

impl DpopProof {
    /// Checks the proof for a `method` request to `url` at `now` (RFC 9449 §4.3):
    /// `htm` and `htu` this request, `iat` within [`PROOF_MAX_AGE_SECONDS`], a `jti`,
    /// `ath` the hash of `access_token` when one comes with it (and no `ath`
    /// otherwise), and a current server nonce when `nonces` asks for them. Answers
    /// the key under which to spend the `jti` once, and until when.
    ///
    /// # Errors
    /// [`DpopRefusal`]: what is wrong, or the nonce to use.
    pub fn check(
        &self,
        method: &str,
        url: &str,
        access_token: Option<&str>,
        nonces: Option<&DpopNonceKey>,
        now: UnixTime,
    ) -> Result<(String, UnixTime), DpopRefusal> {
        if self.htm.as_deref() != Some(method) {
            return Err(DpopRefusal::Invalid(format!("htm must be {method}")));
        }
        let htu = self.htu.as_deref().and_then(normalised);
        if htu.is_none() || htu != normalised(url) {
            return Err(DpopRefusal::Invalid(format!("htu must be {url}")));
        }
        let Some(iat) = self.iat else { return Err(invalid("the proof has no iat")) };
        if iat > now.as_secs() + PROOF_SKEW_SECONDS || iat < now.as_secs() - PROOF_MAX_AGE_SECONDS {
            return Err(invalid("the proof's iat is too far from now: make a fresh proof"));
        }
        let jti = self.jti.as_deref().filter(|j| !j.is_empty() && j.len() <= 256);
        let Some(jti) = jti else { return Err(invalid("the proof needs a jti (at most 256 characters)")) };
        match (access_token, self.ath.as_deref()) {
            (Some(token), Some(ath)) if ath == access_token_hash(token) => {}
            (Some(_), _) => return Err(invalid("ath must be the access token's SHA-256 (base64url)")),
            (None, Some(_)) => return Err(invalid("ath belongs with an access token")),
            (None, None) => {}
        }
        if let Some(key) = nonces
            && !self.nonce.as_deref().is_some_and(|n| key.accepts(n, now))
        {
            return Err(DpopRefusal::UseNonce(key.current(now)));
        }
        let spent_until = UnixTime::from_secs(iat + PROOF_MAX_AGE_SECONDS + PROOF_SKEW_SECONDS);
        Ok((format!("dpop:{}:{jti}", self.jkt), spent_until))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://id.example/v1/oauth/token";

    fn proof() -> DpopProof {
        DpopProof {
            jkt: "k".into(),
            htm: Some("POST".into()),
            htu: Some("https://ID.example:443/v1/oauth/token?x=1".into()),
            iat: Some(1_000),
            jti: Some("j".into()),
            nonce: None,
            ath: None,
        }
    }

    #[test]
    fn a_proof_is_for_this_request_fresh_and_once() {
        let now = UnixTime::from_secs(1_010);
        assert_eq!(proof().check("POST", URL, None, None, now), Ok(("dpop:k:j".into(), UnixTime::from_secs(1_360))));
        let refused = [
            DpopProof { htm: Some("GET".into()), ..proof() },
            DpopProof { htu: Some("https://id.example/v1/oauth/userinfo".into()), ..proof() },
            DpopProof { htu: Some("not a url".into()), ..proof() },
            DpopProof { iat: Some(1_010 - PROOF_MAX_AGE_SECONDS - 1), ..proof() },
            DpopProof { iat: Some(1_010 + PROOF_SKEW_SECONDS + 1), ..proof() },
            DpopProof { jti: None, ..proof() },
            DpopProof { ath: Some("x".into()), ..proof() },
        ];
        for p in refused {
            assert!(matches!(p.check("POST", URL, None, None, now), Err(DpopRefusal::Invalid(_))), "{p:?}");
        }
    }

    #[test]
    fn ath_binds_the_proof_to_its_access_token() {
        // RFC 9449 §7.1's example: the token and its `ath`.
        let token = "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU";
        assert_eq!(access_token_hash(token), "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo");
        let now = UnixTime::from_secs(1_000);
        let with_ath = DpopProof { ath: Some(access_token_hash(token)), ..proof() };
        assert!(with_ath.check("POST", URL, Some(token), None, now).is_ok());
        assert!(with_ath.check("POST", URL, Some("another token"), None, now).is_err());
        assert!(proof().check("POST", URL, Some(token), None, now).is_err(), "a token needs ath");
    }

    #[test]
    fn a_nonce_is_asked_for_then_accepted_for_two_windows() {
        let key = DpopNonceKey::new([7; 32]);
        let now = UnixTime::from_secs(1_000);
        let Err(DpopRefusal::UseNonce(nonce)) = proof().check("POST", URL, None, Some(&key), now) else {
            panic!("a proof without a nonce is asked for one");
        };
        let with_nonce = DpopProof { nonce: Some(nonce), ..proof() };
        assert!(with_nonce.check("POST", URL, None, Some(&key), now).is_ok());
        let later = UnixTime::from_secs(1_000 + NONCE_WINDOW_SECONDS);
        let fresh = DpopProof { iat: Some(later.as_secs()), ..with_nonce.clone() };
        assert!(fresh.check("POST", URL, None, Some(&key), later).is_ok(), "the previous window's nonce");
        let much_later = UnixTime::from_secs(1_000 + 3 * NONCE_WINDOW_SECONDS);
        let stale = DpopProof { iat: Some(much_later.as_secs()), ..with_nonce };
        assert!(matches!(stale.check("POST", URL, None, Some(&key), much_later), Err(DpopRefusal::UseNonce(_))));
    }
}
