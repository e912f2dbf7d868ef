//! The audit trail, read by admins.

use super::Admin;
use crate::api_key::Caller;
use crate::audit::{Actor, AuditEvent, EventFilter, EventKind, NewEvent};
use crate::error::AdminError;
use crate::id::TenantId;
use crate::page::{Cursor, Page, PageRequest};
use crate::ports::AdminStore;

impl<S: AdminStore> Admin<S> {
    /// `tenant`'s audit events that pass `filter`, newest first.
    pub async fn list_events(
        &self,
        caller: &Caller,
        tenant: &TenantId,
        filter: &EventFilter,
        page: &PageRequest,
    ) -> Result<Page<AuditEvent>, AdminError> {
        self.reachable_tenant(caller, tenant).await?;
        let rows = self.store.list_events(tenant, filter, page).await?;
        Ok(Page::from_fetched(rows, page, |e| Cursor { created_at: e.at, id: e.id.to_string() }))
    }

    /// An admin change by `caller` in `tenant`: `action` (`client.updated`) on `target`
    /// (an id), with whatever `describe` adds (the fields changed, before and after).
    pub(super) async fn record_change(
        &self,
        caller: &Caller,
        tenant: &TenantId,
        action: &str,
        target: &str,
        describe: impl FnOnce(NewEvent) -> NewEvent,
    ) {
        let event = NewEvent::new(tenant.clone(), EventKind::AdminChange, Actor::Admin(caller.clone()))
            .detail("action", action)
            .detail("target", target);
        crate::services::audit::record(&self.store, &self.cx, describe(event)).await;
    }
}
