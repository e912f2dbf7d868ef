//! Tenants: the owners of every client, user, grant and tenant API key.

use crate::error::ValidationError;
use crate::id::TenantId;
use crate::text::has_deceptive_characters;
use crate::time::UnixTime;

/// A tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant {
    /// `tnt_…`
    pub id: TenantId,
    /// Display name.
    pub name: DisplayName,
    /// Whether every user must sign in with a second factor (users without one
    /// enrol at their next sign-in).
    pub require_mfa: bool,
    /// When it was created.
    pub created_at: UnixTime,
    /// When it last changed.
    pub updated_at: UnixTime,
}

/// A human-readable name: 1 to 200 characters after trimming.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    /// Validates a name given for `field`.
    pub fn parse(field: &str, raw: &str) -> Result<Self, ValidationError> {
        let name = raw.trim();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(ValidationError::new(field, "required, 1 to 200 characters"));
        }
        if has_deceptive_characters(name) {
            return Err(ValidationError::new(field, "must not contain control or bidirectional formatting characters"));
        }
        Ok(Self(name.to_owned()))
    }

    /// Restores a name validated before it was stored.
    pub fn from_stored(raw: String) -> Self {
        Self(raw)
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
