//! End users of a tenant.

use crate::error::ValidationError;
use crate::id::{TenantId, UserId};
use crate::text::has_deceptive_characters;
use crate::time::UnixTime;

/// A user of one tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// `usr_…`
    pub id: UserId,
    /// Owning tenant.
    pub tenant_id: TenantId,
    /// Sign-in e-mail, unique within the tenant.
    pub email: Email,
    /// Whether the address was verified.
    pub email_verified: bool,
    /// Full name (the `name` claim).
    pub name: Option<String>,
    /// PHC string of the Argon2id hash; `None` for users without a password.
    pub password_hash: Option<PasswordHash>,
    /// The admin dashboard role the user holds, if any.
    pub admin_role: Option<AdminRole>,
    /// When an admin disabled the user; a disabled user cannot sign in or refresh tokens.
    pub disabled_at: Option<UnixTime>,
    /// When the user signed out everywhere: access and refresh tokens issued at or
    /// before this moment are dead.
    pub tokens_revoked_at: Option<UnixTime>,
    /// When the user was created.
    pub created_at: UnixTime,
    /// When the user last changed.
    pub updated_at: UnixTime,
}

/// What a user may do in the admin dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminRole {
    /// Manages the user's own tenant.
    Tenant,
    /// Manages every tenant of the deployment.
    Deployment,
}

impl AdminRole {
    /// `tenant` or `deployment`, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tenant => "tenant",
            Self::Deployment => "deployment",
        }
    }

    /// The role named `raw`.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        match raw {
            "tenant" => Ok(Self::Tenant),
            "deployment" => Ok(Self::Deployment),
            _ => Err(ValidationError::new("admin_role", "must be `tenant` or `deployment`")),
        }
    }

    /// Whether this role may manage `tenant` when held by a user of `home`.
    pub fn reaches(self, home: &TenantId, tenant: &TenantId) -> bool {
        self == Self::Deployment || home == tenant
    }
}

/// An e-mail address, lower-cased so that uniqueness ignores case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// A pragmatic check: one `@`, a non-empty local part, a domain with a dot,
    /// no spaces, at most 254 characters (RFC 5321 §4.5.3.1.3).
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let email = raw.trim().to_lowercase();
        if has_deceptive_characters(&email) {
            return Err(ValidationError::new(
                "email",
                "must not contain control or bidirectional formatting characters",
            )
            .rule("characters"));
        }
        let valid = email.len() <= 254
            && !email.chars().any(char::is_whitespace)
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            });
        if valid {
            Ok(Self(email))
        } else {
            Err(ValidationError::new("email", "must be an e-mail address such as ada@example.com").rule("email-format"))
        }
    }

    /// Restores an address validated before it was stored.
    pub fn from_stored(raw: String) -> Self {
        Self(raw)
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password as typed, checked against the length policy (NIST SP 800-63B §5.1.1.2:
/// at least 8 characters, long passphrases allowed). `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// Validates a new password.
    pub fn new(raw: String) -> Result<Self, ValidationError> {
        match raw.chars().count() {
            8..=1024 => Ok(Self(raw)),
            _ => Err(ValidationError::new("password", "must be 8 to 1024 characters").rule("password-length")),
        }
    }

    /// Validates a password a user chooses for themself (sign-up, reset, change):
    /// the length rule, and not one of the 20,000 most common passwords (NIST SP
    /// 800-63B §5.1.1.2 asks for a check against commonly used values), compared
    /// without regard to case.
    pub fn chosen(raw: String) -> Result<Self, ValidationError> {
        let password = Self::new(raw)?;
        if is_common_password(&password.0) {
            return Err(ValidationError::new(
                "password",
                "is one of the most common passwords: choose one that is harder to guess",
            )
            .rule("password-common"));
        }
        Ok(password)
    }

    /// Wraps a password presented at sign-in, without the policy check.
    pub fn presented(raw: String) -> Self {
        Self(raw)
    }

    /// The clear text, for the hasher only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

/// The common passwords of 8 characters or more, one per line, sorted (lines
/// starting with `#` describe the list).
const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

/// Whether `candidate`, lower-cased, is on the list of common passwords.
fn is_common_password(candidate: &str) -> bool {
    static LIST: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    let list = LIST.get_or_init(|| COMMON_PASSWORDS.lines().filter(|l| !l.starts_with('#') && !l.is_empty()).collect());
    let lowered = candidate.to_lowercase();
    list.binary_search(&lowered.as_str()).is_ok()
}

/// A password hash in PHC string format (`$argon2id$v=19$…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl PasswordHash {
    /// Wraps a PHC string made by a [`PasswordHasher`](crate::ports::PasswordHasher) or read from the store.
    pub fn from_phc(phc: String) -> Self {
        Self(phc)
    }

    /// The PHC string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Validates an optional display name of a user.
pub(crate) fn parse_user_name(raw: Option<String>) -> Result<Option<String>, ValidationError> {
    match raw.map(|n| n.trim().to_owned()) {
        Some(n) if n.chars().count() > 200 => {
            Err(ValidationError::new("name", "at most 200 characters").rule("name-length"))
        }
        Some(n) if has_deceptive_characters(&n) => {
            Err(ValidationError::new("name", "must not contain control or bidirectional formatting characters")
                .rule("characters"))
        }
        Some(n) if n.is_empty() => Ok(None),
        other => Ok(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_lowercased_and_checked() {
        assert_eq!(Email::parse(" Ada@Example.COM ").unwrap().as_str(), "ada@example.com");
        for bad in ["", "ada", "ada@", "@example.com", "ada@example", "a b@example.com", "a@b@c.com"] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn password_policy() {
        assert!(Password::new("short".into()).is_err());
        assert!(Password::new("long enough".into()).is_ok());
        assert_eq!(format!("{:?}", Password::presented("x".into())), "Password(***)");
    }

    #[test]
    fn chosen_passwords_are_not_common() {
        for common in ["password", "Password1", "iloveyou", "qwertyuiop", "12345678"] {
            assert!(Password::chosen(common.into()).is_err(), "{common}");
        }
        assert!(Password::chosen("short".into()).is_err());
        assert!(Password::chosen("correct horse battery staple".into()).is_ok());
        let sorted = COMMON_PASSWORDS.lines().filter(|l| !l.starts_with('#')).collect::<Vec<_>>();
        assert!(sorted.windows(2).all(|w| w[0] < w[1]), "the list must stay sorted for the binary search");
        assert!(sorted.len() > 8000);
    }
}
