//! Second factors: TOTP (RFC 6238) and single-use recovery codes.
//!
//! A TOTP secret must be readable to check codes, so it is stored sealed under the
//! deployment's key-encryption key (the [`SecretSealer`](crate::ports::SecretSealer)
//! port), never in clear. Recovery codes are high-entropy and stored as SHA-256
//! hashes, like client secrets.

use totp_rs::{Algorithm, Builder, Totp};

use crate::id::{TenantId, UserId};
use crate::random::Random;
use crate::secret::{Secret, SecretHash};
use crate::time::UnixTime;

/// Bytes of a TOTP secret: 160 bits, as RFC 4226 §4 recommends.
pub const TOTP_SECRET_BYTES: usize = 20;
/// Seconds per TOTP step (RFC 6238 §5.2).
pub const TOTP_STEP_SECONDS: i64 = 30;
/// How many recovery codes a user gets at once.
pub const RECOVERY_CODES: usize = 10;

/// A user's TOTP factor as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotpFactor {
    /// Owning tenant.
    pub tenant_id: TenantId,
    /// Whose.
    pub user_id: UserId,
    /// The secret, sealed (see [`totp_seal_context`]).
    pub sealed_secret: String,
    /// When the first valid code confirmed it; `None` while enrolment waits for one.
    pub confirmed_at: Option<UnixTime>,
    /// The highest time step a code was accepted for: a code of that step or an
    /// earlier one is refused (RFC 6238 §5.2: "MUST NOT" accept it twice).
    pub last_step: i64,
    /// When enrolment started.
    pub created_at: UnixTime,
}

/// The sealing context of a user's TOTP secret: a sealed secret moved to another
/// user does not open.
pub fn totp_seal_context(user: &UserId) -> String {
    format!("totp:{user}")
}

/// A fresh TOTP secret.
pub fn new_totp_secret(random: &dyn Random) -> Vec<u8> {
    let mut secret = vec![0u8; TOTP_SECRET_BYTES];
    random.fill(&mut secret);
    secret
}

fn totp(secret: &[u8]) -> Option<Totp> {
    // SHA-1, 6 digits, 30 s, one step of skew either side: what every authenticator
    // app expects (RFC 6238 §5.2 recommends the one-step window).
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(TOTP_STEP_SECONDS.unsigned_abs())
        .with_secret(secret.to_vec())
        .build()
        .ok()
}

/// The time step whose code `code` is, within one step of `now`, if any. Spaces in
/// the code are ignored. The caller must still refuse a step already used.
pub fn totp_step(secret: &[u8], code: &str, now: UnixTime) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let now = u64::try_from(now.as_secs()).ok()?;
    let step = totp(secret)?.check(&code, now)?;
    i64::try_from(step).ok()
}

/// The code for `secret` at `at` (for tests and for the enrolment page's example).
pub fn totp_code(secret: &[u8], at: UnixTime) -> Option<String> {
    let at = u64::try_from(at.as_secs()).ok()?;
    Some(totp(secret)?.generate(at).to_string())
}

/// The secret in base32 (RFC 4648, no padding), as authenticator apps take it typed.
pub fn base32(secret: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::with_capacity(secret.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &byte in secret {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// Decodes base32 as [`base32`] writes it (spaces ignored, any case); `None` if it is not.
pub fn decode_base32(text: &str) -> Option<Vec<u8>> {
    let (mut out, mut buffer, mut bits) = (Vec::new(), 0u32, 0u32);
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace()) {
        let value = match c.to_ascii_uppercase() {
            c @ b'A'..=b'Z' => c - b'A',
            c @ b'2'..=b'7' => c - b'2' + 26,
            _ => return None,
        };
        buffer = (buffer << 5) | u32::from(value);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(((buffer >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

/// The `otpauth://` URI an authenticator app scans (Key Uri Format): the issuer
/// and the account label, percent-encoded.
pub fn otpauth_uri(issuer: &str, account: &str, secret: &[u8]) -> String {
    let encode = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>().replace('+', "%20");
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits=6&period={TOTP_STEP_SECONDS}",
        encode(issuer),
        encode(account),
        base32(secret),
        encode(issuer)
    )
}

/// Ten fresh recovery codes, `xxxx-xxxx-xxxx-xxxx` in lower-case base32: 80 bits
/// each (NIST SP 800-63B §5.1.2 asks at least 64 for look-up secrets).
pub fn new_recovery_codes(random: &dyn Random) -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0u8; 10];
            random.fill(&mut bytes);
            let text = base32(&bytes).to_lowercase();
            format!("{}-{}-{}-{}", &text[..4], &text[4..8], &text[8..12], &text[12..16])
        })
        .collect()
}

/// How a recovery code is stored: SHA-256 salted with the user (tenant and user id),
/// so equal codes of two users never share a hash and no table precomputed for one
/// user serves another. `code` is normalised first.
pub fn recovery_code_hash(tenant: &TenantId, user: &UserId, code: &str) -> SecretHash {
    Secret::presented(format!("qeetid-recovery-code:{tenant}:{user}:{}", normalise_recovery_code(code))).hash()
}

/// The unsalted hash of codes issued before salting (50-bit `xxxxx-xxxxx`), still
/// accepted so that nobody who kept them is locked out; new codes replace them.
pub fn legacy_recovery_code_hash(code: &str) -> SecretHash {
    Secret::presented(normalise_recovery_code(code)).hash()
}

/// A recovery code as typed, normalised the way it was hashed (trimmed, lower-case).
pub fn normalise_recovery_code(raw: &str) -> String {
    raw.trim().to_lowercase()
}

/// Whether `raw` looks like a recovery code rather than a TOTP code.
pub fn is_recovery_code(raw: &str) -> bool {
    raw.trim().contains('-')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fakes::SeededRandom;

    /// RFC 6238 Appendix B (SHA-1 rows), the last six digits of each 8-digit value.
    #[test]
    fn codes_match_rfc_6238_appendix_b() {
        let secret = b"12345678901234567890";
        for (time, code) in
            [(59, "287082"), (1_111_111_109, "081804"), (1_234_567_890, "005924"), (2_000_000_000, "279037")]
        {
            assert_eq!(totp_code(secret, UnixTime::from_secs(time)).as_deref(), Some(code), "{time}");
        }
        // Accepted one step either side, not two.
        let at = UnixTime::from_secs(1_111_111_109);
        let step = 1_111_111_109 / 30;
        assert_eq!(totp_step(secret, "081 804", at), Some(step));
        assert_eq!(totp_step(secret, "081804", UnixTime::from_secs(1_111_111_109 + 30)), Some(step));
        assert_eq!(totp_step(secret, "081804", UnixTime::from_secs(1_111_111_109 + 61)), None);
        assert_eq!(totp_step(secret, "not a code", at), None);
    }

    #[test]
    fn base32_and_otpauth_follow_rfc_4648_and_the_key_uri_format() {
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        assert_eq!(decode_base32("mzxw 6ytb oi").as_deref(), Some(&b"foobar"[..]));
        assert_eq!(decode_base32("not base32!"), None);
        assert_eq!(base32(b"12345678901234567890"), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        let uri = otpauth_uri("Acme & Co", "ada@example.com", b"12345678901234567890");
        assert_eq!(
            uri,
            "otpauth://totp/Acme%20%26%20Co:ada%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\
             &issuer=Acme%20%26%20Co&algorithm=SHA1&digits=6&period=30"
        );
    }

    #[test]
    fn recovery_codes_are_distinct_and_recognisable() {
        let codes = new_recovery_codes(&SeededRandom::new(3));
        assert_eq!(codes.len(), RECOVERY_CODES);
        assert!(codes.iter().all(|c| c.len() == 19 && c.matches('-').count() == 3 && is_recovery_code(c)));
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), codes.len());
        assert_eq!(normalise_recovery_code(" ABCDE-FGHIJ "), "abcde-fghij");
        assert!(!is_recovery_code("123 456"));
        // Salted per user: the same code hashes differently for two users.
        let (tenant, ada, bob) = (
            TenantId::parse("tnt_AAAAAAAAAAAAAAAAAAAAAA").unwrap(),
            UserId::parse("usr_AAAAAAAAAAAAAAAAAAAAAA").unwrap(),
            UserId::parse("usr_BBBBBBBBBBBBBBBBBBBBBB").unwrap(),
        );
        assert_ne!(recovery_code_hash(&tenant, &ada, &codes[0]), recovery_code_hash(&tenant, &bob, &codes[0]));
        assert_eq!(
            recovery_code_hash(&tenant, &ada, &codes[0]),
            recovery_code_hash(&tenant, &ada, &codes[0].to_uppercase())
        );
    }
}
