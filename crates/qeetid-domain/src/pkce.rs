//! Proof Key for Code Exchange (RFC 7636), S256 only.
//!
//! `plain` is refused: RFC 9700 §2.1.1 requires a method that does not expose
//! the verifier in the authorization request.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

/// A `code_verifier`: 43 to 128 characters of `[A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~"` (RFC 7636 §4.1).
#[derive(Clone, PartialEq, Eq)]
pub struct CodeVerifier(String);

/// A `code_challenge` for the S256 method: base64url(SHA-256(verifier)), 43 characters (RFC 7636 §4.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeChallenge(String);

/// Why a PKCE parameter was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidPkce {
    /// The verifier's length or alphabet is wrong (RFC 7636 §4.1).
    #[error("code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~")]
    Verifier,
    /// The challenge is not a base64url SHA-256 digest.
    #[error("code_challenge must be the 43-character base64url SHA-256 of the code_verifier")]
    Challenge,
    /// A method other than `S256`.
    #[error("code_challenge_method must be S256")]
    Method,
}

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

impl CodeVerifier {
    /// Validates a presented verifier.
    pub fn parse(s: &str) -> Result<Self, InvalidPkce> {
        if (43..=128).contains(&s.len()) && s.bytes().all(is_unreserved) {
            Ok(Self(s.to_owned()))
        } else {
            Err(InvalidPkce::Verifier)
        }
    }

    /// The S256 challenge that this verifier answers.
    pub fn challenge(&self) -> CodeChallenge {
        CodeChallenge(URL_SAFE_NO_PAD.encode(Sha256::digest(self.0.as_bytes())))
    }

    /// The verifier as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for CodeVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CodeVerifier(***)")
    }
}

impl CodeChallenge {
    /// Validates a challenge sent with `code_challenge_method` (which must be `S256`;
    /// RFC 7636 §4.3 makes `plain` the default when the method is absent, so an
    /// absent method is refused too).
    pub fn parse(challenge: &str, method: Option<&str>) -> Result<Self, InvalidPkce> {
        if method != Some("S256") {
            return Err(InvalidPkce::Method);
        }
        let decodes_to_digest = URL_SAFE_NO_PAD.decode(challenge).is_ok_and(|bytes| bytes.len() == 32);
        if challenge.len() == 43 && decodes_to_digest {
            Ok(Self(challenge.to_owned()))
        } else {
            Err(InvalidPkce::Challenge)
        }
    }

    /// Whether `verifier` answers this challenge (RFC 7636 §4.6), in constant time.
    pub fn is_answered_by(&self, verifier: &CodeVerifier) -> bool {
        verifier.challenge().0.as_bytes().ct_eq(self.0.as_bytes()).into()
    }

    /// The challenge as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 7636 Appendix B.
    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    #[test]
    fn rfc_7636_appendix_b_vector() {
        let verifier = CodeVerifier::parse(VERIFIER).unwrap();
        assert_eq!(verifier.challenge().as_str(), CHALLENGE);
        let challenge = CodeChallenge::parse(CHALLENGE, Some("S256")).unwrap();
        assert!(challenge.is_answered_by(&verifier));
        let other = CodeVerifier::parse(&"a".repeat(43)).unwrap();
        assert!(!challenge.is_answered_by(&other));
    }

    #[test]
    fn verifier_bounds_and_alphabet() {
        assert!(CodeVerifier::parse(&"a".repeat(42)).is_err());
        assert!(CodeVerifier::parse(&"a".repeat(43)).is_ok());
        assert!(CodeVerifier::parse(&"~".repeat(128)).is_ok());
        assert!(CodeVerifier::parse(&"a".repeat(129)).is_err());
        assert!(CodeVerifier::parse(&format!("{}+", "a".repeat(42))).is_err());
    }

    #[test]
    fn plain_and_missing_methods_are_refused() {
        assert_eq!(CodeChallenge::parse(CHALLENGE, Some("plain")), Err(InvalidPkce::Method));
        assert_eq!(CodeChallenge::parse(CHALLENGE, None), Err(InvalidPkce::Method));
        assert_eq!(CodeChallenge::parse("short", Some("S256")), Err(InvalidPkce::Challenge));
    }
}
