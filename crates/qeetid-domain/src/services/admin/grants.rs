//! Consent grants through the admin API: list, and revoke with their tokens.

use super::Admin;
use crate::api_key::Caller;
use crate::error::AdminError;
use crate::id::{GrantId, TenantId};
use crate::oauth::{ConsentGrant, GrantFilter};
use crate::page::{Cursor, Page, PageRequest};
use crate::ports::AdminStore;

impl<S: AdminStore> Admin<S> {
    /// Lists the tenant's grants, optionally for one user or client.
    pub async fn list_grants(
        &self,
        caller: &Caller,
        tenant: &TenantId,
        filter: &GrantFilter,
        page: &PageRequest,
    ) -> Result<Page<ConsentGrant>, AdminError> {
        self.reachable_tenant(caller, tenant).await?;
        let rows = self.store.list_grants(tenant, filter, page).await?;
        Ok(Page::from_fetched(rows, page, |g| Cursor { created_at: g.created_at, id: g.id.to_string() }))
    }

    /// Revokes a grant: it is deleted, and every refresh token issued under it stops
    /// working. The user will be asked for consent again.
    pub async fn revoke_grant(&self, caller: &Caller, tenant: &TenantId, id: &GrantId) -> Result<(), AdminError> {
        self.reachable_tenant(caller, tenant).await?;
        let now = self.cx.clock.now();
        self.store.revoke_grant_tokens(tenant, id, now).await?;
        if self.store.delete_grant(tenant, id, now).await? { Ok(()) } else { Err(AdminError::NotFound("grant")) }
    }
}
