//! Tenant API keys: created (shown once), listed, revoked.

use super::Admin;
use crate::api_key::{API_KEY_PREFIX, ApiKey, Caller, KeyScope};
use crate::error::AdminError;
use crate::id::{ApiKeyId, TenantId};
use crate::page::{Cursor, Page, PageRequest};
use crate::ports::AdminStore;
use crate::secret::Secret;
use crate::tenant::DisplayName;

/// A new key and its clear text, to show once.
#[derive(Debug)]
pub struct CreatedApiKey {
    /// The stored record.
    pub api_key: ApiKey,
    /// The key itself.
    pub key: Secret,
}

impl<S: AdminStore> Admin<S> {
    /// Creates a key for `tenant`.
    pub async fn create_api_key(
        &self,
        caller: &Caller,
        tenant: &TenantId,
        name: &str,
    ) -> Result<CreatedApiKey, AdminError> {
        self.reachable_tenant(caller, tenant).await?;
        let key = Secret::generate(API_KEY_PREFIX, self.cx.random.as_ref());
        let api_key = ApiKey {
            id: ApiKeyId::generate(self.cx.random.as_ref()),
            scope: KeyScope::Tenant(tenant.clone()),
            name: DisplayName::parse("name", name)?,
            key_hash: key.hash(),
            created_at: self.cx.clock.now(),
        };
        self.store.insert_api_key(&api_key).await?;
        self.record_change(caller, tenant, "api_key.created", api_key.id.as_str(), |e| {
            e.detail("after.name", api_key.name.as_str())
        })
        .await;
        Ok(CreatedApiKey { api_key, key })
    }

    /// Creates a key that manages every tenant: only a deployment caller may, in
    /// practice the operator on the host (`qeetid admin create-key --deployment`),
    /// who can recover so from a lost bootstrap key. The key is returned once.
    pub async fn create_deployment_key(&self, caller: &Caller, name: &str) -> Result<CreatedApiKey, AdminError> {
        caller.require_deployment("only a deployment key may create deployment keys")?;
        let key = Secret::generate(API_KEY_PREFIX, self.cx.random.as_ref());
        let api_key = ApiKey {
            id: ApiKeyId::generate(self.cx.random.as_ref()),
            scope: KeyScope::Deployment,
            name: DisplayName::parse("name", name)?,
            key_hash: key.hash(),
            created_at: self.cx.clock.now(),
        };
        self.store.insert_api_key(&api_key).await?;
        Ok(CreatedApiKey { api_key, key })
    }

    /// Lists the tenant's keys (never the keys themselves).
    pub async fn list_api_keys(
        &self,
        caller: &Caller,
        tenant: &TenantId,
        page: &PageRequest,
    ) -> Result<Page<ApiKey>, AdminError> {
        self.reachable_tenant(caller, tenant).await?;
        let rows = self.store.list_api_keys(tenant, page).await?;
        Ok(Page::from_fetched(rows, page, |k| Cursor { created_at: k.created_at, id: k.id.to_string() }))
    }

    /// Revokes one of the tenant's keys. A key cannot revoke itself, so a tenant
    /// cannot lock itself out by mistake.
    pub async fn delete_api_key(&self, caller: &Caller, tenant: &TenantId, id: &ApiKeyId) -> Result<(), AdminError> {
        self.reachable_tenant(caller, tenant).await?;
        if &caller.key_id == id {
            return Err(AdminError::Conflict("a key cannot revoke itself: use another key of the tenant".to_owned()));
        }
        if !self.store.delete_api_key(tenant, id).await? {
            return Err(AdminError::NotFound("API key"));
        }
        self.record_change(caller, tenant, "api_key.deleted", id.as_str(), |e| e).await;
        Ok(())
    }
}
