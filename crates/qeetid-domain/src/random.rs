//! Randomness as the domain sees it (the [`Random`] port) and the encoding of
//! random values: ids and secrets are random bytes in unpadded base64url. A leaf
//! module: it depends on nothing else of the domain.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Cryptographically secure randomness (a port).
///
/// An implementation MUST fill `dest` from a CSPRNG; if none is available it
/// MUST abort the process rather than return predictable bytes.
pub trait Random: Send + Sync + 'static {
    /// Fills `dest` with random bytes.
    fn fill(&self, dest: &mut [u8]);
}

/// `n` random bytes from `random`, encoded as unpadded base64url.
pub fn random_token<const N: usize>(random: &dyn Random) -> String {
    let mut bytes = [0u8; N];
    random.fill(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Whether `s` is non-empty and only uses the unpadded base64url alphabet.
pub(crate) fn is_base64url(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}
