//! `LogoutRepository` over `session_clients` and `logout_deliveries`, and the
//! statement that queues back-channel logouts, run by the session and grant
//! repositories inside the transactions that end sessions or revoke grants.

use diesel::{ExpressionMethods as _, JoinOnDsl as _, QueryDsl as _, Queryable, Selectable, SelectableHelper as _};
use diesel_async::RunQueryDsl as _;
use qeetid_domain::logout::{DeliveryOutcome, LogoutDelivery};
use qeetid_domain::ports::LogoutRepository;
use qeetid_domain::{Client, ClientId, SessionId, StoreError, TenantId, UnixTime, UserId};

use super::clients::ClientRow;
use super::outbox::{claim_due, settle_offer};
use super::parsed;
use crate::DieselStore;
use crate::error::from_diesel;
use crate::pool::with_conn;
use crate::schema::{clients, logout_deliveries as ld, session_clients as sc};

/// The columns a queued logout fills; the rest take their defaults (no attempt yet,
/// not failed). Every statement that queues one names these.
pub(crate) const QUEUED_COLUMNS: (
    ld::id,
    ld::tenant_id,
    ld::client_id,
    ld::user_id,
    ld::session_id,
    ld::created_at,
    ld::next_attempt_at,
) = (ld::id, ld::tenant_id, ld::client_id, ld::user_id, ld::session_id, ld::created_at, ld::next_attempt_at);

/// Queues, on `$conn`, a back-channel logout due at `$now` for every client of the
/// `session_clients` rows `$which` (a filter on `sc`) that registered a
/// back-channel URI; its id is `<session>:<client>`, so queueing twice is a no-op.
macro_rules! queue_logouts {
    ($conn:expr, $which:expr, $now:expr) => {{
        use diesel::{ExpressionMethods as _, IntoSql as _, NullableExpressionMethods as _, QueryDsl as _};
        use diesel::{TextExpressionMethods as _, sql_types::BigInt};
        use $crate::schema::{clients, logout_deliveries as ld, session_clients as sc};
        let now: i64 = $now;
        diesel::insert_into(ld::table)
            .values(
                sc::table
                    .inner_join(clients::table)
                    .filter($which)
                    .filter(clients::backchannel_logout_uri.is_not_null())
                    .select((
                        sc::session_id.concat(":").concat(sc::client_id),
                        sc::tenant_id,
                        sc::client_id,
                        sc::user_id,
                        sc::session_id.nullable(),
                        now.into_sql::<BigInt>(),
                        now.into_sql::<BigInt>(),
                    )),
            )
            .into_columns($crate::repos::logout::QUEUED_COLUMNS)
            .on_conflict_do_nothing()
            .execute($conn)
            .await
    }};
}
pub(crate) use queue_logouts;

#[derive(Queryable, Selectable)]
#[diesel(table_name = ld)]
struct DeliveryRow {
    id: String,
    tenant_id: String,
    client_id: String,
    user_id: String,
    session_id: Option<String>,
    created_at: i64,
    attempts: i64,
    next_attempt_at: i64,
    failed: bool,
    last_error: Option<String>,
}

impl TryFrom<DeliveryRow> for LogoutDelivery {
    type Error = StoreError;
    fn try_from(row: DeliveryRow) -> Result<Self, StoreError> {
        Ok(LogoutDelivery {
            id: row.id,
            tenant_id: parsed("logout_deliveries.tenant_id", TenantId::parse(&row.tenant_id))?,
            client_id: parsed("logout_deliveries.client_id", ClientId::parse(&row.client_id))?,
            user_id: parsed("logout_deliveries.user_id", UserId::parse(&row.user_id))?,
            session_id: row
                .session_id
                .map(|s| parsed("logout_deliveries.session_id", SessionId::parse(&s)))
                .transpose()?,
            created_at: UnixTime::from_secs(row.created_at),
            attempts: row.attempts,
            next_attempt_at: UnixTime::from_secs(row.next_attempt_at),
            failed: row.failed,
            last_error: row.last_error,
        })
    }
}

impl LogoutRepository for DieselStore {
    async fn session_clients(&self, session: &SessionId) -> Result<Vec<Client>, StoreError> {
        let rows: Vec<ClientRow> = with_conn!(&self.pool, |conn| {
            clients::table
                .inner_join(sc::table.on(sc::client_id.eq(clients::id)))
                .filter(sc::session_id.eq(session.as_str()))
                .select(ClientRow::as_select())
                .load(conn)
                .await
                .map_err(from_diesel)?
        });
        rows.into_iter().map(Client::try_from).collect()
    }

    async fn claim_logout_deliveries(
        &self,
        now: UnixTime,
        lease_until: UnixTime,
        limit: i64,
    ) -> Result<Vec<LogoutDelivery>, StoreError> {
        let (now, lease) = (now.as_secs(), lease_until.as_secs());
        let rows: Vec<DeliveryRow> =
            with_conn!(&self.pool, |conn| claim_due!(conn, logout_deliveries, DeliveryRow, now, lease, limit));
        rows.into_iter().map(LogoutDelivery::try_from).collect()
    }

    async fn settle_logout_delivery(&self, id: &str, outcome: &DeliveryOutcome) -> Result<(), StoreError> {
        with_conn!(&self.pool, |conn| {
            settle_offer!(conn, logout_deliveries, id, outcome);
        });
        Ok(())
    }

    async fn list_logout_deliveries(
        &self,
        tenant: &TenantId,
        client: &ClientId,
        limit: i64,
    ) -> Result<Vec<LogoutDelivery>, StoreError> {
        let rows: Vec<DeliveryRow> = with_conn!(&self.pool, |conn| {
            ld::table
                .filter(ld::client_id.eq(client.as_str()))
                .filter(ld::tenant_id.eq(tenant.as_str()))
                .order((ld::created_at.desc(), ld::id.desc()))
                .limit(limit)
                .select(DeliveryRow::as_select())
                .load(conn)
                .await
                .map_err(from_diesel)?
        });
        rows.into_iter().map(LogoutDelivery::try_from).collect()
    }
}
