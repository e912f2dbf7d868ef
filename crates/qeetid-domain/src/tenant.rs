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
    /// Its unique name in URLs (`acme`): what end users and admins type.
    pub slug: crate::tenant_slug::TenantSlug,
    /// Whether every user must sign in with a second factor (users without one
    /// enrol at their next sign-in).
    pub require_mfa: bool,
    /// Whether anyone may create an account on the hosted login ("Create account").
    pub self_sign_up: bool,
    /// Whether a sign-in completes only once the user's e-mail address is verified.
    pub require_verified_email: bool,
    /// Its look: primary colour, support and privacy links.
    pub branding: crate::branding::Branding,
    /// The resources (APIs) its clients may ask tokens for (RFC 8707), each with the
    /// scopes it accepts; `None`: any absolute resource URI.
    pub resources: Option<Vec<KnownResource>>,
    /// What it asks of every client: pushed authorization requests, FAPI 2.0.
    pub policy: crate::client_policy::TenantPolicy,
    /// When it was created.
    pub created_at: UnixTime,
    /// When it last changed.
    pub updated_at: UnixTime,
}

/// An API a tenant knows: its resource indicator and the scopes it accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownResource {
    /// The resource indicator (an absolute URI without a fragment).
    pub uri: String,
    /// The scopes it accepts, beyond the OpenID scopes every token may carry.
    pub scopes: Vec<String>,
}

/// The OpenID scopes, about the user rather than an API: never limited by a resource.
const OPENID_SCOPES: [&str; 4] = ["openid", "profile", "email", "offline_access"];

impl Tenant {
    /// The path its logo is served at (`/branding/{id}/logo-{digest}.{ext}`), if it has one.
    pub fn logo_path(&self) -> Option<String> {
        self.branding.logo.as_ref().map(|logo| format!("/branding/{}/{}", self.id, logo.file_name()))
    }

    /// Whether this tenant's tokens may be for `resource` with `scopes`: with no list,
    /// any resource; with one, a listed resource and only scopes it accepts (the
    /// OpenID scopes aside).
    ///
    /// # Errors
    /// [`OAuthError::InvalidTarget`](crate::oauth::OAuthError::InvalidTarget) for an
    /// unknown resource, `InvalidScope` for a scope it does not accept.
    pub fn check_resource<'a>(
        &self,
        resource: &str,
        scopes: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), crate::oauth::OAuthError> {
        use crate::oauth::OAuthError;
        let Some(known) = &self.resources else { return Ok(()) };
        let api = known
            .iter()
            .find(|k| k.uri == resource)
            .ok_or_else(|| OAuthError::InvalidTarget("this tenant does not know this resource".into()))?;
        match scopes.into_iter().find(|s| !OPENID_SCOPES.contains(s) && !api.scopes.iter().any(|a| a == s)) {
            Some(extra) => Err(OAuthError::InvalidScope(format!("the resource does not accept `{extra}`"))),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod resource_tests {
    use super::*;
    use crate::oauth::OAuthError;

    fn tenant(resources: Option<Vec<KnownResource>>) -> Tenant {
        Tenant {
            policy: Default::default(),
            id: TenantId::parse("tnt_AAAAAAAAAAAAAAAAAAAAAA").unwrap(),
            name: DisplayName::from_stored("Acme".into()),
            slug: crate::tenant_slug::TenantSlug::from_stored("acme".into()),
            require_mfa: false,
            self_sign_up: false,
            require_verified_email: false,
            branding: Default::default(),
            resources,
            created_at: UnixTime::from_secs(0),
            updated_at: UnixTime::from_secs(0),
        }
    }

    #[test]
    fn a_listed_resource_takes_its_scopes_and_the_openid_ones_only() {
        assert!(tenant(None).check_resource("https://anything.example/", ["api:write"]).is_ok());
        let api = KnownResource { uri: "https://api.example/".into(), scopes: vec!["api:read".into()] };
        let t = tenant(Some(vec![api]));
        assert!(t.check_resource("https://api.example/", ["openid", "offline_access", "api:read"]).is_ok());
        assert!(matches!(t.check_resource("https://api.example/", ["api:write"]), Err(OAuthError::InvalidScope(_))));
        assert!(matches!(t.check_resource("https://other.example/", ["openid"]), Err(OAuthError::InvalidTarget(_))));
    }
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
