//! The audit trail's events.

use std::future::Future;

use crate::audit::{AuditEvent, EventFilter};
use crate::error::StoreError;
use crate::id::TenantId;
use crate::page::PageRequest;
use crate::time::UnixTime;

/// Audit events, per tenant.
pub trait AuditRepository: Send + Sync {
    /// Stores an event.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn insert_event(&self, event: &AuditEvent) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// `tenant`'s events that pass `filter`, newest first, one page (up to
    /// [`PageRequest::fetch_limit`] rows); never another tenant's.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn list_events(
        &self,
        tenant: &TenantId,
        filter: &EventFilter,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Vec<AuditEvent>, StoreError>> + Send;
    /// Deletes up to `batch` events older than `before`; returns how many went.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn purge_events(&self, before: UnixTime, batch: i64) -> impl Future<Output = Result<u64, StoreError>> + Send;
}
