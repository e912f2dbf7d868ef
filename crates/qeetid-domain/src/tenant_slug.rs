//! A tenant's name in URLs (`acme`): what end users and admins type and see instead
//! of its `tnt_…` id.

use crate::error::ValidationError;

/// The longest slug (a DNS label's length, so a slug can also name a subdomain).
const MAX_LEN: usize = 63;

/// Words the hosted pages' paths use, or that would mislead as a tenant's name.
const RESERVED: [&str; 16] = [
    "account",
    "admin",
    "api",
    "auth",
    "consent",
    "device",
    "login",
    "logout",
    "oauth",
    "qeetid",
    "static",
    "t",
    "tenant",
    "v1",
    "well-known",
    "www",
];

/// A unique, URL-safe tenant name: lowercase ASCII letters, digits and inner hyphens,
/// 2 to 63 characters, not a reserved word.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TenantSlug(String);

impl TenantSlug {
    /// Validates a slug given for `field`.
    ///
    /// # Errors
    /// A [`ValidationError`] naming `field` and what a slug may hold.
    pub fn parse(field: &str, raw: &str) -> Result<Self, ValidationError> {
        let slug = raw.trim();
        let shaped = (2..=MAX_LEN).contains(&slug.len())
            && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !slug.starts_with('-')
            && !slug.ends_with('-')
            && !slug.contains("--");
        if !shaped {
            return Err(ValidationError::new(
                field,
                "2 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit",
            ));
        }
        if RESERVED.contains(&slug) {
            return Err(ValidationError::new(field, format!("`{slug}` is reserved")));
        }
        Ok(Self(slug.to_owned()))
    }

    /// Restores a slug validated before it was stored.
    pub fn from_stored(raw: String) -> Self {
        Self(raw)
    }

    /// A slug made from a display name: ASCII letters and digits kept (lowercased),
    /// every run of anything else one hyphen; `tenant` when too little is left or the
    /// result is reserved.
    pub fn from_name(name: &str) -> Self {
        let mut slug = String::new();
        for c in name.chars() {
            if c.is_ascii_alphanumeric() {
                slug.push(c.to_ascii_lowercase());
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        let trimmed: String = slug.chars().take(MAX_LEN).collect();
        Self::parse("slug", trimmed.trim_end_matches('-')).unwrap_or_else(|_| Self("tenant".into()))
    }

    /// This slug with `-n` appended (shortened to fit): the next candidate when it is taken.
    pub fn numbered(&self, n: u32) -> Self {
        let suffix = format!("-{n}");
        let keep = MAX_LEN - suffix.len();
        let base: String = self.0.chars().take(keep).collect();
        Self(format!("{}{suffix}", base.trim_end_matches('-')))
    }

    /// The slug as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How someone names a tenant on a form or in a URL: its id (`tnt_…`) or its slug
/// (`acme`, any case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TenantName {
    /// An id, answered as it is (whether the tenant exists is the next read's).
    Id(crate::id::TenantId),
    /// A slug, lower-cased.
    Slug(TenantSlug),
}

impl TenantName {
    /// The tenant `reference` names, if it is an id or a valid slug.
    pub fn parse(reference: &str) -> Option<Self> {
        let reference = reference.trim();
        if let Ok(id) = crate::id::TenantId::parse(reference) {
            return Some(Self::Id(id));
        }
        TenantSlug::parse("tenant", &reference.to_ascii_lowercase()).ok().map(Self::Slug)
    }
}

impl std::fmt::Display for TenantSlug {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_url_safe_names_only() {
        for ok in ["acme", "acme-corp", "a1", "x".repeat(63).as_str()] {
            assert!(TenantSlug::parse("slug", ok).is_ok(), "{ok}");
        }
        for bad in
            ["", "a", "Acme", "acme_corp", "-acme", "acme-", "ac--me", "acmé", "a b", "admin", "t", &"x".repeat(64)]
        {
            assert!(TenantSlug::parse("slug", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names_become_slugs() {
        assert_eq!(TenantSlug::from_name("Acme Corp.").as_str(), "acme-corp");
        assert_eq!(TenantSlug::from_name("  Ünïcode  Ltd ").as_str(), "n-code-ltd");
        assert_eq!(TenantSlug::from_name("日本").as_str(), "tenant");
        assert_eq!(TenantSlug::from_name("Admin").as_str(), "tenant");
        assert_eq!(TenantSlug::from_name(&"Long ".repeat(30)).as_str().len(), 63);
    }

    #[test]
    fn a_numbered_slug_still_fits() {
        let long = TenantSlug::from_stored("x".repeat(63));
        assert_eq!(long.numbered(12).as_str().len(), 63);
        assert!(long.numbered(12).as_str().ends_with("-12"));
        assert_eq!(TenantSlug::from_stored("acme".into()).numbered(2).as_str(), "acme-2");
    }

    #[test]
    fn a_tenant_is_named_by_id_or_by_slug_in_any_case() {
        let id = crate::id::TenantId::parse("tnt_AAAAAAAAAAAAAAAAAAAAAA").unwrap();
        assert_eq!(TenantName::parse(" tnt_AAAAAAAAAAAAAAAAAAAAAA "), Some(TenantName::Id(id)));
        assert_eq!(TenantName::parse("ACME"), Some(TenantName::Slug(TenantSlug::from_stored("acme".into()))));
        assert_eq!(TenantName::parse("no such/thing"), None);
    }
}
