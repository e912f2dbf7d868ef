//! `GrantRepository` over `consent_grants` (one row per tenant, user and client).

use diesel::IntoSql as _;
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::upsert::excluded;
use diesel::{
    BoolExpressionMethods as _, ExpressionMethods as _, Insertable, OptionalExtension as _, QueryDsl as _, Queryable,
    Selectable, SelectableHelper as _,
};
use diesel_async::{AsyncConnection as _, RunQueryDsl as _};
use qeetid_domain::oauth::{ConsentGrant, GrantFilter};
use qeetid_domain::ports::GrantRepository;
use qeetid_domain::{ClientId, GrantId, PageRequest, StoreError, TenantId, UnixTime, UserId};

use super::logout::{QUEUED_COLUMNS, queue_logouts};
use super::{paginate, parsed, scopes};
use crate::DieselStore;
use crate::error::from_diesel;
use crate::pool::with_conn;
use crate::schema::consent_grants as t;
use crate::schema::{clients, logout_deliveries as ld, session_clients as sc};

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = t)]
struct GrantRow {
    id: String,
    tenant_id: String,
    user_id: String,
    client_id: String,
    scopes: String,
    remembered: bool,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<GrantRow> for ConsentGrant {
    type Error = StoreError;
    fn try_from(row: GrantRow) -> Result<Self, StoreError> {
        Ok(ConsentGrant {
            id: parsed("consent_grants.id", GrantId::parse(&row.id))?,
            tenant_id: parsed("consent_grants.tenant_id", TenantId::parse(&row.tenant_id))?,
            user_id: parsed("consent_grants.user_id", UserId::parse(&row.user_id))?,
            client_id: parsed("consent_grants.client_id", ClientId::parse(&row.client_id))?,
            scopes: scopes("consent_grants.scopes", &row.scopes)?,
            remembered: row.remembered,
            created_at: UnixTime::from_secs(row.created_at),
            updated_at: UnixTime::from_secs(row.updated_at),
        })
    }
}

impl GrantRepository for DieselStore {
    async fn upsert_grant(&self, g: &ConsentGrant) -> Result<ConsentGrant, StoreError> {
        let row = GrantRow {
            id: g.id.to_string(),
            tenant_id: g.tenant_id.to_string(),
            user_id: g.user_id.to_string(),
            client_id: g.client_id.to_string(),
            scopes: g.scopes.to_delimited(),
            remembered: g.remembered,
            created_at: g.created_at.as_secs(),
            updated_at: g.updated_at.as_secs(),
        };
        let stored: GrantRow = with_conn!(writer & self.pool, |conn| {
            diesel::insert_into(t::table)
                .values(&row)
                .on_conflict((t::tenant_id, t::user_id, t::client_id))
                .do_update()
                .set((
                    t::scopes.eq(excluded(t::scopes)),
                    t::remembered.eq(excluded(t::remembered)),
                    t::updated_at.eq(excluded(t::updated_at)),
                ))
                .execute(conn)
                .await
                .map_err(from_diesel)?;
            t::table
                .filter(t::tenant_id.eq(&row.tenant_id))
                .filter(t::user_id.eq(&row.user_id))
                .filter(t::client_id.eq(&row.client_id))
                .select(GrantRow::as_select())
                .get_result(conn)
                .await
                .map_err(from_diesel)?
        });
        stored.try_into()
    }

    async fn find_grant(
        &self,
        tenant: &TenantId,
        user: &UserId,
        client: &ClientId,
    ) -> Result<Option<ConsentGrant>, StoreError> {
        let row: Option<GrantRow> = with_conn!(&self.pool, |conn| {
            t::table
                .filter(t::tenant_id.eq(tenant.as_str()))
                .filter(t::user_id.eq(user.as_str()))
                .filter(t::client_id.eq(client.as_str()))
                .select(GrantRow::as_select())
                .get_result(conn)
                .await
                .optional()
                .map_err(from_diesel)?
        });
        row.map(ConsentGrant::try_from).transpose()
    }

    async fn get_grant(&self, tenant: &TenantId, id: &GrantId) -> Result<Option<ConsentGrant>, StoreError> {
        let row: Option<GrantRow> = with_conn!(&self.pool, |conn| {
            t::table
                .find(id.as_str())
                .filter(t::tenant_id.eq(tenant.as_str()))
                .select(GrantRow::as_select())
                .get_result(conn)
                .await
                .optional()
                .map_err(from_diesel)?
        });
        row.map(ConsentGrant::try_from).transpose()
    }

    async fn list_grants(
        &self,
        tenant: &TenantId,
        filter: &GrantFilter,
        page: &PageRequest,
    ) -> Result<Vec<ConsentGrant>, StoreError> {
        let rows: Vec<GrantRow> = with_conn!(&self.pool, |conn| {
            let mut query =
                t::table.filter(t::tenant_id.eq(tenant.as_str())).select(GrantRow::as_select()).into_boxed();
            if let Some(user) = &filter.user_id {
                query = query.filter(t::user_id.eq(user.as_str()));
            }
            if let Some(client) = &filter.client_id {
                query = query.filter(t::client_id.eq(client.as_str()));
            }
            paginate!(query, consent_grants, page).load(conn).await.map_err(from_diesel)?
        });
        rows.into_iter().map(ConsentGrant::try_from).collect()
    }

    async fn delete_grant(&self, tenant: &TenantId, id: &GrantId, now: UnixTime) -> Result<bool, StoreError> {
        let deleted = with_conn!(writer & self.pool, |conn| {
            conn.transaction(async |conn| {
                let grant: Option<(String, String)> = t::table
                    .find(id.as_str())
                    .filter(t::tenant_id.eq(tenant.as_str()))
                    .select((t::user_id, t::client_id))
                    .get_result(conn)
                    .await
                    .optional()?;
                let Some((user, client)) = grant else { return Ok(0) };
                let theirs = sc::tenant_id
                    .eq(tenant.as_str())
                    .and(sc::user_id.eq(user.clone()))
                    .and(sc::client_id.eq(client.clone()));
                let per_session = queue_logouts!(conn, theirs, now.as_secs())?;
                if per_session == 0 {
                    // No session of theirs is known: one logout for the user (no `sid`).
                    diesel::insert_into(ld::table)
                        .values(
                            clients::table.find(&client).filter(clients::backchannel_logout_uri.is_not_null()).select(
                                (
                                    id.as_str().into_sql::<Text>(),
                                    clients::tenant_id,
                                    clients::id,
                                    user.clone().into_sql::<Text>(),
                                    None::<String>.into_sql::<Nullable<Text>>(),
                                    now.as_secs().into_sql::<BigInt>(),
                                    now.as_secs().into_sql::<BigInt>(),
                                ),
                            ),
                        )
                        .into_columns(QUEUED_COLUMNS)
                        .on_conflict_do_nothing()
                        .execute(conn)
                        .await?;
                }
                diesel::delete(
                    sc::table
                        .filter(sc::tenant_id.eq(tenant.as_str()))
                        .filter(sc::user_id.eq(&user))
                        .filter(sc::client_id.eq(&client)),
                )
                .execute(conn)
                .await?;
                diesel::delete(t::table.find(id.as_str()).filter(t::tenant_id.eq(tenant.as_str()))).execute(conn).await
            })
            .await
            .map_err(from_diesel)?
        });
        Ok(deleted == 1)
    }
}
