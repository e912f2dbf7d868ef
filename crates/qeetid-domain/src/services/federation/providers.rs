//! The tenant's upstream identity providers, as the admin API manages them.

use super::Federation;
use crate::api_key::Caller;
use crate::audit::{Actor, EventKind, NewEvent};
use crate::error::AdminError;
use crate::federation::{GOOGLE_ISSUER, IdentityProvider, ProviderKind, parse_issuer, provider_seal_context};
use crate::id::{ProviderId, TenantId};
use crate::ports::FederationStore;
use crate::services::audit;
use crate::services::reachable_tenant;
use crate::tenant::DisplayName;

/// A provider to add, as the admin sent it.
#[derive(Debug, Clone, Default)]
pub struct NewIdentityProvider {
    /// `oidc`, `google` or `github`.
    pub kind: String,
    /// The button's label; defaults to "Google", "GitHub" or the issuer's host.
    pub name: Option<String>,
    /// The issuer (`oidc` only).
    pub issuer: Option<String>,
    /// Our client id there.
    pub client_id: String,
    /// Our client secret there.
    pub client_secret: String,
    /// Link a first sign-in to the user with the same e-mail when the provider
    /// verified it (default false).
    pub link_verified_email: Option<bool>,
}

/// Changes to a provider; `None` leaves a part as it is.
#[derive(Debug, Clone, Default)]
pub struct IdentityProviderChange {
    /// The button's label.
    pub name: Option<String>,
    /// Our client id there.
    pub client_id: Option<String>,
    /// A new client secret (`""` or `None` keeps the stored one).
    pub client_secret: Option<String>,
    /// Whether a verified e-mail links a first sign-in to an existing user.
    pub link_verified_email: Option<bool>,
}

/// A client id at a provider: 1 to 512 characters after trimming.
fn checked_client_id(raw: &str) -> Result<String, crate::error::ValidationError> {
    let client_id = raw.trim();
    if client_id.is_empty() || client_id.len() > 512 {
        return Err(crate::error::ValidationError::new("client_id", "required, at most 512 characters"));
    }
    Ok(client_id.to_owned())
}

/// A client secret at a provider: 1 to 1024 bytes.
fn checked_client_secret(raw: &str) -> Result<(), crate::error::ValidationError> {
    if raw.is_empty() || raw.len() > 1024 {
        return Err(crate::error::ValidationError::new("client_secret", "required, at most 1024 characters"));
    }
    Ok(())
}

impl<S: FederationStore> Federation<S> {
    /// Adds an upstream provider to the tenant (its client secret is sealed).
    pub async fn create_identity_provider(
        &self,
        caller: &Caller,
        tenant: &TenantId,
        new: NewIdentityProvider,
    ) -> Result<IdentityProvider, AdminError> {
        reachable_tenant(&self.store, caller, tenant).await?;
        let kind = ProviderKind::parse(&new.kind)?;
        let issuer = match kind {
            ProviderKind::Oidc => Some(parse_issuer(new.issuer.as_deref().unwrap_or(""), self.cx.settings.outbound)?),
            ProviderKind::Google => Some(GOOGLE_ISSUER.to_owned()),
            ProviderKind::Github => None,
        };
        let default_name = match (kind, &issuer) {
            (ProviderKind::Google, _) => "Google".to_owned(),
            (ProviderKind::Github, _) => "GitHub".to_owned(),
            (ProviderKind::Oidc, Some(i)) => {
                url::Url::parse(i).ok().and_then(|u| u.host_str().map(str::to_owned)).unwrap_or_default()
            }
            (ProviderKind::Oidc, None) => String::new(),
        };
        if let Some(issuer) = &issuer {
            // A name that resolves to a private address now is refused now; the
            // adapter checks again on every connection.
            self.upstream
                .vet_destination(issuer)
                .await
                .map_err(|e| crate::error::ValidationError::new("issuer", e.to_string()))?;
        }
        let name = DisplayName::parse("name", new.name.as_deref().unwrap_or(&default_name))?;
        let client_id = checked_client_id(&new.client_id)?;
        checked_client_secret(&new.client_secret)?;
        let id = ProviderId::generate(self.cx.random.as_ref());
        let sealed_client_secret = self
            .sealer
            .seal(&provider_seal_context(&id), new.client_secret.as_bytes())
            .map_err(|e| AdminError::Internal(Box::new(e)))?;
        let provider = IdentityProvider {
            id,
            tenant_id: tenant.clone(),
            kind,
            name,
            issuer,
            client_id,
            sealed_client_secret,
            link_verified_email: new.link_verified_email.unwrap_or(false),
            created_at: self.cx.clock.now(),
        };
        self.store.insert_provider(&provider).await?;
        let event = NewEvent::new(tenant.clone(), EventKind::AdminChange, Actor::Admin(caller.clone()))
            .detail("action", "identity_provider.created")
            .detail("target", provider.id.as_str())
            .detail("after.name", provider.name.as_str())
            .detail("after.client_id", provider.client_id.as_str());
        audit::record(&self.store, &self.cx, event).await;
        Ok(provider)
    }

    /// The tenant's providers.
    pub async fn list_identity_providers(
        &self,
        caller: &Caller,
        tenant: &TenantId,
    ) -> Result<Vec<IdentityProvider>, AdminError> {
        reachable_tenant(&self.store, caller, tenant).await?;
        Ok(self.store.list_providers(tenant).await?)
    }

    /// One provider.
    pub async fn get_identity_provider(
        &self,
        caller: &Caller,
        tenant: &TenantId,
        id: &ProviderId,
    ) -> Result<IdentityProvider, AdminError> {
        reachable_tenant(&self.store, caller, tenant).await?;
        self.store.get_provider(tenant, id).await?.ok_or(AdminError::NotFound("identity provider"))
    }

    /// Changes a provider's label, client id, client secret (a new one is sealed;
    /// `None` keeps the old) or linking rule. Its kind and issuer stay: another
    /// issuer is another provider.
    pub async fn update_identity_provider(
        &self,
        caller: &Caller,
        tenant: &TenantId,
        id: &ProviderId,
        change: IdentityProviderChange,
    ) -> Result<IdentityProvider, AdminError> {
        let mut provider = self.get_identity_provider(caller, tenant, id).await?;
        let before = provider.clone();
        if let Some(name) = change.name {
            provider.name = DisplayName::parse("name", &name)?;
        }
        if let Some(client_id) = change.client_id {
            provider.client_id = checked_client_id(&client_id)?;
        }
        if let Some(secret) = change.client_secret.filter(|s| !s.is_empty()) {
            checked_client_secret(&secret)?;
            provider.sealed_client_secret = self
                .sealer
                .seal(&provider_seal_context(id), secret.as_bytes())
                .map_err(|e| AdminError::Internal(Box::new(e)))?;
        }
        if let Some(link) = change.link_verified_email {
            provider.link_verified_email = link;
        }
        if !self.store.update_provider(&provider).await? {
            return Err(AdminError::NotFound("identity provider"));
        }
        let event = NewEvent::new(tenant.clone(), EventKind::AdminChange, Actor::Admin(caller.clone()))
            .detail("action", "identity_provider.updated")
            .detail("target", id.as_str())
            .change("name", before.name.as_str(), provider.name.as_str())
            .change("client_id", &before.client_id, &provider.client_id)
            .change("link_verified_email", before.link_verified_email, provider.link_verified_email)
            .change(
                "client_secret",
                "",
                if before.sealed_client_secret == provider.sealed_client_secret { "" } else { "replaced" },
            );
        audit::record(&self.store, &self.cx, event).await;
        Ok(provider)
    }

    /// Removes a provider and its links (its users keep their accounts).
    pub async fn delete_identity_provider(
        &self,
        caller: &Caller,
        tenant: &TenantId,
        id: &ProviderId,
    ) -> Result<(), AdminError> {
        reachable_tenant(&self.store, caller, tenant).await?;
        if !self.store.delete_provider(tenant, id).await? {
            return Err(AdminError::NotFound("identity provider"));
        }
        let event = NewEvent::new(tenant.clone(), EventKind::AdminChange, Actor::Admin(caller.clone()))
            .detail("action", "identity_provider.deleted")
            .detail("target", id.as_str());
        audit::record(&self.store, &self.cx, event).await;
        Ok(())
    }
}
