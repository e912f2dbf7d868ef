//! Passkeys (WebAuthn): what the domain keeps of them and what the ceremony adapter
//! answers. The WebAuthn verification itself (attestation, signatures, counters) is
//! the [`PasskeyCeremonies`](crate::ports::PasskeyCeremonies) port's; the domain
//! decides whose passkey it is, stores it, and signs the user in.

use sha2::{Digest as _, Sha256};

use crate::error::ValidationError;
use crate::id::{CeremonyId, PasskeyId, RequestId, TenantId, UserId};
use crate::time::UnixTime;

/// Seconds a ceremony's state is kept between its two requests.
pub const CEREMONY_SECONDS: i64 = 300;

/// A passkey registered to a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPasskey {
    /// `pky_…`
    pub id: PasskeyId,
    /// Owning tenant.
    pub tenant_id: TenantId,
    /// Whose.
    pub user_id: UserId,
    /// The WebAuthn credential id, base64url: unique across the deployment.
    pub credential_id: String,
    /// What the user called it.
    pub name: String,
    /// The credential as the ceremony adapter stores it (public key, counter, flags).
    pub credential: String,
    /// The authenticator may sync it (a multi-device passkey).
    pub backup_eligible: bool,
    /// It is backed up now.
    pub backup_state: bool,
    /// When it was registered.
    pub created_at: UnixTime,
    /// When it last signed in.
    pub last_used_at: Option<UnixTime>,
}

impl StoredPasskey {
    /// `amr` of a sign-in with it (RFC 8176): `swk` for a key that syncs (software-
    /// secured, copied between devices), `hwk` for one bound to its device; and
    /// `mfa`, since user verification is required (possession plus PIN or biometric).
    pub fn amr(&self) -> [&'static str; 2] {
        [if self.backup_eligible { "swk" } else { "hwk" }, "mfa"]
    }
}

/// Who a passkey is registered for, as the authenticator shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasskeyUser {
    /// The WebAuthn user handle: 16 bytes derived from the user id (see [`user_handle`]).
    pub handle: [u8; 16],
    /// The account name (the e-mail).
    pub name: String,
    /// The display name.
    pub display_name: String,
}

/// The user handle of `user`: derived, so nothing more is stored, and opaque (it does
/// not reveal the id), as WebAuthn §14.6.1 asks.
pub fn user_handle(user: &UserId) -> [u8; 16] {
    let digest = Sha256::digest(format!("qeetid-passkey-user:{user}").as_bytes());
    let mut handle = [0u8; 16];
    handle.copy_from_slice(&digest[..16]);
    handle
}

/// A started ceremony: the options for the browser and the state to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ceremony {
    /// The `PublicKeyCredentialCreationOptions` / `RequestOptions` JSON for the browser.
    pub options: String,
    /// The server-side state, to keep until the browser answers.
    pub state: String,
}

/// What a registration produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisteredPasskey {
    /// The credential id, base64url.
    pub credential_id: String,
    /// The credential to store.
    pub credential: String,
    /// The authenticator may sync it.
    pub backup_eligible: bool,
    /// It is backed up now.
    pub backup_state: bool,
}

/// Whose passkey an assertion claims to be, before it is verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasskeyAssertion {
    /// The user handle the authenticator returned.
    pub user_handle: Vec<u8>,
    /// The credential id, base64url.
    pub credential_id: String,
}

/// A verified sign-in with a passkey.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsedPasskey {
    /// The credential with its counter and backup flags brought up to date.
    pub credential: String,
    /// The authenticator may sync it.
    pub backup_eligible: bool,
    /// It is backed up now.
    pub backup_state: bool,
}

/// What a stored ceremony is for, and who may finish it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CeremonyPurpose {
    /// Registering a passkey for this user (from the account page).
    Register(UserId),
    /// Signing in for this pending request (from the login page).
    SignIn(RequestId),
}

/// A ceremony's state between its two requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCeremony {
    /// `pkc_…`
    pub id: CeremonyId,
    /// The tenant it belongs to.
    pub tenant_id: TenantId,
    /// What it is for.
    pub purpose: CeremonyPurpose,
    /// The adapter's state.
    pub state: String,
    /// When it stops being usable.
    pub expires_at: UnixTime,
}

/// Why a passkey ceremony failed.
#[derive(Debug, thiserror::Error)]
pub enum PasskeyError {
    /// The browser's answer did not verify (wrong challenge, origin, signature, user
    /// verification missing, a cloned authenticator's counter).
    #[error("the passkey could not be verified: {0}")]
    Rejected(String),
    /// The adapter failed.
    #[error("passkey ceremony failed: {0}")]
    Internal(String),
}

/// A passkey's name as typed: trimmed, 1 to 64 characters; empty becomes "Passkey".
pub fn passkey_name(raw: &str) -> Result<String, ValidationError> {
    match raw.trim() {
        "" => Ok("Passkey".to_owned()),
        name if name.chars().count() <= 64 => Ok(name.to_owned()),
        _ => Err(ValidationError::new("name", "at most 64 characters")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fakes::SeededRandom;

    #[test]
    fn handles_are_stable_per_user_and_names_are_checked() {
        let random = SeededRandom::new(5);
        let (ada, grace) = (UserId::generate(&random), UserId::generate(&random));
        assert_eq!(user_handle(&ada), user_handle(&ada));
        assert_ne!(user_handle(&ada), user_handle(&grace));
        assert_eq!(passkey_name("  ").unwrap(), "Passkey");
        assert_eq!(passkey_name(" Laptop ").unwrap(), "Laptop");
        assert!(passkey_name(&"x".repeat(65)).is_err());
    }
}
