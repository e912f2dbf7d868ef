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
        let client_id = new.client_id.trim().to_owned();
        if client_id.is_empty() || client_id.len() > 512 {
            return Err(crate::error::ValidationError::new("client_id", "required, at most 512 characters").into());
        }
        if new.client_secret.is_empty() || new.client_secret.len() > 1024 {
            return Err(crate::error::ValidationError::new("client_secret", "required, at most 1024 characters").into());
        }
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
