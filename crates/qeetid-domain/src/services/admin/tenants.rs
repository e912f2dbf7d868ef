//! Tenants: created, renamed and deleted by deployment keys; read by their own keys.

use super::Admin;
use crate::api_key::{Caller, KeyScope};
use crate::error::AdminError;
use crate::error::ValidationError;
use crate::id::TenantId;
use crate::oauth::resource_indicator;
use crate::page::{Cursor, Page, PageRequest};
use crate::ports::AdminStore;
use crate::scope::ScopeSet;
use crate::tenant::{DisplayName, KnownResource, Tenant};
use crate::tenant_slug::TenantSlug;

/// Most resources a tenant lists.
const MAX_RESOURCES: usize = 100;
/// Candidates tried for a slug made from a name (`acme`, `acme-2`, …) before one is random.
const SLUG_CANDIDATES: u32 = 20;

/// Changes to a tenant; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct TenantPatch {
    /// New display name.
    pub name: Option<String>,
    /// New slug (deployment keys only): the tenant's name in URLs.
    pub slug: Option<String>,
    /// Whether every user must sign in with a second factor.
    pub require_mfa: Option<bool>,
    /// Whether anyone may create an account on the hosted login.
    pub self_sign_up: Option<bool>,
    /// Whether a sign-in completes only with a verified e-mail address.
    pub require_verified_email: Option<bool>,
    /// Whether every authorization request must be pushed (RFC 9126).
    pub require_pushed_authorization_requests: Option<bool>,
    /// New branding parts; within it, `None` leaves a part and `Some("")` clears it.
    pub branding: Option<BrandingPatch>,
    /// Whether every client follows the FAPI 2.0 baseline.
    pub fapi2: Option<bool>,
}

/// Changes to a tenant's branding; `None` leaves a part, `Some("")` clears it.
#[derive(Debug, Clone, Default)]
pub struct BrandingPatch {
    /// `#rrggbb`, readable on white at 4.5:1.
    pub primary_color: Option<String>,
    /// An `https` URL.
    pub support_url: Option<String>,
    /// An `https` URL.
    pub privacy_url: Option<String>,
    /// `en`, `de`, `fr` or `es`.
    pub default_locale: Option<String>,
}

/// A store conflict on a tenant write, said as the slug's (ids are random: the slug is what collides).
fn slug_taken(error: crate::error::StoreError, slug: &TenantSlug) -> AdminError {
    match error {
        crate::error::StoreError::Conflict(_) => {
            AdminError::Conflict(format!("the slug `{slug}` is taken by another tenant"))
        }
        other => other.into(),
    }
}

fn cursor(t: &Tenant) -> Cursor {
    Cursor { created_at: t.created_at, id: t.id.to_string() }
}

impl<S: AdminStore> Admin<S> {
    /// Creates a tenant (deployment keys only), its slug made from its name.
    pub async fn create_tenant(&self, caller: &Caller, name: &str) -> Result<Tenant, AdminError> {
        self.create_tenant_with_slug(caller, name, None).await
    }

    /// Creates a tenant (deployment keys only) with `slug`, or one made from its name
    /// (`Acme Corp` → `acme-corp`, then `acme-corp-2`, … when taken).
    ///
    /// # Errors
    /// [`AdminError::Conflict`] when the slug given is taken; a validation error when
    /// the name or the slug is malformed.
    pub async fn create_tenant_with_slug(
        &self,
        caller: &Caller,
        name: &str,
        slug: Option<&str>,
    ) -> Result<Tenant, AdminError> {
        caller.require_deployment("only a deployment admin key can create tenants")?;
        let name = DisplayName::parse("name", name)?;
        let slug = match slug {
            Some(given) => TenantSlug::parse("slug", given)?,
            None => self.free_slug(TenantSlug::from_name(name.as_str())).await?,
        };
        let now = self.cx.clock.now();
        let tenant = Tenant {
            id: TenantId::generate(self.cx.random.as_ref()),
            name,
            slug,
            require_mfa: false,
            self_sign_up: false,
            require_verified_email: false,
            branding: Default::default(),
            resources: None,
            policy: Default::default(),
            created_at: now,
            updated_at: now,
        };
        self.store.insert_tenant(&tenant).await.map_err(|e| slug_taken(e, &tenant.slug))?;
        self.record_change(caller, &tenant.id, "tenant.created", tenant.id.as_str(), |e| {
            e.detail("after.name", tenant.name.as_str()).detail("after.slug", tenant.slug.as_str())
        })
        .await;
        Ok(tenant)
    }

    /// `base`, or the first of `base-2`, `base-3`, … that no tenant has; after that
    /// many, `base-` and a random number (a name shared by that many tenants).
    async fn free_slug(&self, base: TenantSlug) -> Result<TenantSlug, AdminError> {
        if self.store.get_tenant_by_slug(&base).await?.is_none() {
            return Ok(base);
        }
        for n in 2..=SLUG_CANDIDATES {
            let candidate = base.numbered(n);
            if self.store.get_tenant_by_slug(&candidate).await?.is_none() {
                return Ok(candidate);
            }
        }
        let mut bytes = [0u8; 4];
        self.cx.random.fill(&mut bytes);
        Ok(base.numbered(u32::from_le_bytes(bytes) % 900_000 + 100_000))
    }

    /// Lists tenants: all of them for a deployment key, its own for a tenant key.
    pub async fn list_tenants(&self, caller: &Caller, page: &PageRequest) -> Result<Page<Tenant>, AdminError> {
        match &caller.scope {
            KeyScope::Deployment => {
                let rows = self.store.list_tenants(page).await?;
                Ok(Page::from_fetched(rows, page, cursor))
            }
            KeyScope::Tenant(own) => {
                let items = match (&page.after, self.store.get_tenant(own).await?) {
                    (None, Some(t)) => vec![t],
                    _ => Vec::new(),
                };
                Ok(Page { items, next_cursor: None })
            }
        }
    }

    /// One tenant.
    pub async fn get_tenant(&self, caller: &Caller, id: &TenantId) -> Result<Tenant, AdminError> {
        self.reachable_tenant(caller, id).await
    }

    /// Renames a tenant (deployment keys only).
    pub async fn rename_tenant(&self, caller: &Caller, id: &TenantId, name: &str) -> Result<Tenant, AdminError> {
        self.update_tenant(caller, id, TenantPatch { name: Some(name.to_owned()), ..TenantPatch::default() }).await
    }

    /// Sets the tenant's logo (an upload [`LogoImage::parse`] accepted) or removes it
    /// (`None`); the tenant's own keys may, as for the rest of its branding. Recorded
    /// as a change of `branding.logo`.
    ///
    /// [`LogoImage::parse`]: crate::logo::LogoImage::parse
    pub async fn set_tenant_logo(
        &self,
        caller: &Caller,
        id: &TenantId,
        logo: Option<crate::logo::LogoImage>,
    ) -> Result<Tenant, AdminError> {
        let mut tenant = self.reachable_tenant(caller, id).await?;
        let before = tenant.branding.logo.clone();
        self.store.save_tenant_logo(id, logo.as_ref()).await?;
        tenant.branding.logo = logo.map(|l| l.reference);
        tenant.updated_at = self.cx.clock.now();
        if !self.store.update_tenant(&tenant).await? {
            return Err(AdminError::NotFound("tenant"));
        }
        let name = |logo: &Option<crate::logo::LogoRef>| logo.as_ref().map(crate::logo::LogoRef::file_name);
        let (was, now) = (name(&before).unwrap_or_default(), name(&tenant.branding.logo).unwrap_or_default());
        self.record_change(caller, id, "tenant.updated", id.as_str(), |e| e.change("branding.logo", was, now)).await;
        Ok(tenant)
    }

    /// Changes a tenant: its name (deployment keys only) and whether its users must
    /// use a second factor (the tenant's own keys too: it is the tenant's policy).
    pub async fn update_tenant(
        &self,
        caller: &Caller,
        id: &TenantId,
        patch: TenantPatch,
    ) -> Result<Tenant, AdminError> {
        let mut tenant = self.reachable_tenant(caller, id).await?;
        let before = tenant.clone();
        if let Some(name) = patch.name {
            caller.require_deployment("only a deployment admin key can rename tenants")?;
            tenant.name = DisplayName::parse("name", &name)?;
        }
        if let Some(slug) = patch.slug {
            caller.require_deployment("only a deployment admin key can change a tenant's slug")?;
            tenant.slug = TenantSlug::parse("slug", &slug)?;
        }
        if let Some(require) = patch.require_mfa {
            tenant.require_mfa = require;
        }
        if let Some(open) = patch.self_sign_up {
            tenant.self_sign_up = open;
        }
        if let Some(require) = patch.require_verified_email {
            tenant.require_verified_email = require;
        }
        if let Some(require) = patch.require_pushed_authorization_requests {
            tenant.policy.require_par = require;
        }
        if let Some(fapi2) = patch.fapi2 {
            tenant.policy.fapi2 = fapi2;
        }
        if let Some(branding) = patch.branding {
            use crate::branding::{BrandColor, parse_link};
            // Every branding field is read, so a form hears of each broken one at once.
            let mut problems = crate::error::Problems::default();
            if let Some(raw) = branding.primary_color {
                let colour = match raw.trim() {
                    "" => Ok(None),
                    given => BrandColor::parse("branding.primary_color", given).map(Some),
                };
                if let Some(colour) = problems.check(colour) {
                    tenant.branding.primary_color = colour;
                }
            }
            if let Some(link) =
                branding.support_url.and_then(|raw| problems.check(parse_link("branding.support_url", &raw)))
            {
                tenant.branding.support_url = link;
            }
            if let Some(link) =
                branding.privacy_url.and_then(|raw| problems.check(parse_link("branding.privacy_url", &raw)))
            {
                tenant.branding.privacy_url = link;
            }
            if let Some(raw) = branding.default_locale
                && let Some(locale) = problems.check(crate::locale::Locale::parse("branding.default_locale", &raw))
            {
                tenant.branding.default_locale = locale;
            }
            problems.finish()?;
        }
        tenant.updated_at = self.cx.clock.now();
        let updated = self.store.update_tenant(&tenant).await.map_err(|e| slug_taken(e, &tenant.slug))?;
        if !updated {
            return Err(AdminError::NotFound("tenant"));
        }
        // Clients are cached with their tenant's policy.
        self.cx.client_cache.clear();
        self.record_change(caller, id, "tenant.updated", id.as_str(), |e| {
            e.change("name", before.name.as_str(), tenant.name.as_str())
                .change("slug", before.slug.as_str(), tenant.slug.as_str())
                .change("require_mfa", before.require_mfa, tenant.require_mfa)
                .change("self_sign_up", before.self_sign_up, tenant.self_sign_up)
                .change("require_verified_email", before.require_verified_email, tenant.require_verified_email)
                .change("require_pushed_authorization_requests", before.policy.require_par, tenant.policy.require_par)
                .change("fapi2", before.policy.fapi2, tenant.policy.fapi2)
                .change(
                    "branding.primary_color",
                    before.branding.primary_color.map(|c| c.to_hex()).unwrap_or_default(),
                    tenant.branding.primary_color.map(|c| c.to_hex()).unwrap_or_default(),
                )
                .change(
                    "branding.support_url",
                    before.branding.support_url.clone().unwrap_or_default(),
                    tenant.branding.support_url.clone().unwrap_or_default(),
                )
                .change(
                    "branding.privacy_url",
                    before.branding.privacy_url.clone().unwrap_or_default(),
                    tenant.branding.privacy_url.clone().unwrap_or_default(),
                )
                .change(
                    "branding.default_locale",
                    before.branding.default_locale.tag(),
                    tenant.branding.default_locale.tag(),
                )
        })
        .await;
        Ok(tenant)
    }

    /// Sets the resources (RFC 8707) the tenant's tokens may be for, each with the
    /// scopes it accepts; `None` accepts any absolute resource URI (the default).
    pub async fn set_tenant_resources(
        &self,
        caller: &Caller,
        id: &TenantId,
        resources: Option<Vec<KnownResource>>,
    ) -> Result<Tenant, AdminError> {
        let mut tenant = self.reachable_tenant(caller, id).await?;
        if let Some(list) = &resources {
            if list.len() > MAX_RESOURCES {
                return Err(ValidationError::new("resources", format!("at most {MAX_RESOURCES}")).into());
            }
            for (i, known) in list.iter().enumerate() {
                resource_indicator(&known.uri).map_err(|_| {
                    ValidationError::new(format!("resources[{i}].uri"), "an absolute URI without a fragment")
                })?;
                if list[..i].iter().any(|k| k.uri == known.uri) {
                    return Err(ValidationError::new(format!("resources[{i}].uri"), "listed twice").into());
                }
                ScopeSet::from_tokens(known.scopes.iter().map(String::as_str))
                    .map_err(|e| ValidationError::new(format!("resources[{i}].scopes"), e))?;
            }
        }
        let before = resources_text(tenant.resources.as_deref());
        tenant.resources = resources;
        tenant.updated_at = self.cx.clock.now();
        if !self.store.update_tenant(&tenant).await? {
            return Err(AdminError::NotFound("tenant"));
        }
        let after = resources_text(tenant.resources.as_deref());
        self.record_change(caller, id, "tenant.resources_set", id.as_str(), |e| e.change("resources", before, after))
            .await;
        Ok(tenant)
    }

    /// Deletes a tenant and everything it owns (deployment keys only).
    pub async fn delete_tenant(&self, caller: &Caller, id: &TenantId) -> Result<(), AdminError> {
        caller.reach(id, "tenant")?;
        caller.require_deployment("only a deployment admin key can delete tenants")?;
        let deleted = self.store.delete_tenant(id).await?;
        self.cx.client_cache.clear();
        if deleted { Ok(()) } else { Err(AdminError::NotFound("tenant")) }
    }
}

/// A tenant's resources as text for the audit trail: `any`, or each URI with its scopes.
fn resources_text(resources: Option<&[KnownResource]>) -> String {
    match resources {
        None => "any".to_owned(),
        Some(list) => list.iter().map(|k| format!("{} ({})", k.uri, k.scopes.join(" "))).collect::<Vec<_>>().join(", "),
    }
}
