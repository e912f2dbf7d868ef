//! `AuditRepository` over `audit_events`. Details are a JSON array of pairs. A
//! failed insert is logged with the event (the action it records has happened and
//! stands, so the caller goes on), and with `audit_echo` every event is also
//! written to the log as one line (target `qeetid::audit`) for collectors.

use diesel::{ExpressionMethods as _, Insertable, QueryDsl as _, Queryable, Selectable, SelectableHelper as _};
use diesel_async::RunQueryDsl as _;
use qeetid_domain::audit::{AuditEvent, EventFilter, EventKind};
use qeetid_domain::ports::AuditRepository;
use qeetid_domain::{PageRequest, StoreError, TenantId, UnixTime};

use super::{paginate, parsed};
use crate::DieselStore;
use crate::error::{corrupt, from_diesel};
use crate::pool::with_conn;
use crate::schema::audit_events;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_events, treat_none_as_default_value = false)]
struct EventRow {
    id: String,
    tenant_id: String,
    created_at: i64,
    kind: String,
    actor: String,
    user_id: Option<String>,
    client_id: Option<String>,
    address: Option<String>,
    details: String,
}

/// Details as a JSON array of `[name, value]` pairs, in the order they were given.
fn details_json(details: &[(String, String)]) -> String {
    serde_json::to_string(details).unwrap_or_else(|_| "[]".to_owned())
}

impl From<&AuditEvent> for EventRow {
    fn from(e: &AuditEvent) -> Self {
        Self {
            id: e.id.to_string(),
            tenant_id: e.tenant_id.to_string(),
            created_at: e.at.as_secs(),
            kind: e.kind.as_str().to_owned(),
            actor: e.actor.clone(),
            user_id: e.user_id.as_ref().map(ToString::to_string),
            client_id: e.client_id.clone(),
            address: e.address.clone(),
            details: details_json(&e.details),
        }
    }
}

impl TryFrom<EventRow> for AuditEvent {
    type Error = StoreError;
    fn try_from(row: EventRow) -> Result<Self, StoreError> {
        let details: Vec<(String, String)> =
            serde_json::from_str(&row.details).map_err(|e| corrupt("audit_events.details", e))?;
        Ok(AuditEvent {
            id: parsed("audit_events.id", qeetid_domain::id::EventId::parse(&row.id))?,
            tenant_id: parsed("audit_events.tenant_id", TenantId::parse(&row.tenant_id))?,
            at: UnixTime::from_secs(row.created_at),
            kind: EventKind::parse(&row.kind)
                .ok_or_else(|| corrupt("audit_events.kind", format!("unknown kind `{}`", row.kind)))?,
            actor: row.actor,
            user_id: row
                .user_id
                .map(|u| parsed("audit_events.user_id", qeetid_domain::UserId::parse(&u)))
                .transpose()?,
            client_id: row.client_id,
            address: row.address,
            details,
        })
    }
}

impl AuditRepository for DieselStore {
    async fn insert_event(&self, event: &AuditEvent) -> Result<(), StoreError> {
        let row = EventRow::from(event);
        if let Some(count) = &self.on_event {
            count(event.kind.as_str());
        }
        if self.audit_echo {
            tracing::info!(
                target: "qeetid::audit",
                id = %row.id,
                tenant_id = %row.tenant_id,
                at = row.created_at,
                kind = %row.kind,
                actor = %row.actor,
                user_id = row.user_id.as_deref(),
                client_id = row.client_id.as_deref(),
                address = row.address.as_deref(),
                details = %row.details,
                "audit event"
            );
        }
        let outcome: Result<(), StoreError> = async {
            with_conn!(writer & self.pool, |conn| {
                diesel::insert_into(audit_events::table).values(&row).execute(conn).await.map_err(from_diesel)?;
            });
            Ok(())
        }
        .await;
        if let Err(e) = &outcome {
            tracing::error!(
                error = %e, kind = %row.kind, tenant_id = %row.tenant_id, actor = %row.actor,
                user_id = row.user_id.as_deref(), details = %row.details,
                "an audit event could not be stored"
            );
        }
        outcome
    }

    async fn list_events(
        &self,
        tenant: &TenantId,
        filter: &EventFilter,
        page: &PageRequest,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        let rows: Vec<EventRow> = with_conn!(&self.pool, |conn| {
            let mut query = audit_events::table
                .filter(audit_events::tenant_id.eq(tenant.as_str()))
                .select(EventRow::as_select())
                .into_boxed();
            if let Some(kind) = filter.kind {
                query = query.filter(audit_events::kind.eq(kind.as_str()));
            }
            if let Some(user) = &filter.user_id {
                query = query.filter(audit_events::user_id.eq(user.as_str()));
            }
            if let Some(client) = &filter.client_id {
                query = query.filter(audit_events::client_id.eq(client));
            }
            if let Some(since) = filter.since {
                query = query.filter(audit_events::created_at.ge(since.as_secs()));
            }
            if let Some(until) = filter.until {
                query = query.filter(audit_events::created_at.lt(until.as_secs()));
            }
            paginate!(query, audit_events, page).load(conn).await.map_err(from_diesel)?
        });
        rows.into_iter().map(AuditEvent::try_from).collect()
    }

    async fn purge_events(&self, before: UnixTime, batch: i64) -> Result<u64, StoreError> {
        let deleted = with_conn!(writer & self.pool, |conn| {
            let doomed: Vec<String> = audit_events::table
                .select(audit_events::id)
                .filter(audit_events::created_at.lt(before.as_secs()))
                .limit(batch)
                .load(conn)
                .await
                .map_err(from_diesel)?;
            if doomed.is_empty() {
                0
            } else {
                diesel::delete(audit_events::table.filter(audit_events::id.eq_any(&doomed)))
                    .execute(conn)
                    .await
                    .map_err(from_diesel)?
            }
        });
        Ok(deleted as u64)
    }
}
