//! `SessionRepository` over `sessions`.

use diesel::{
    BoolExpressionMethods as _, ExpressionMethods as _, Insertable, OptionalExtension as _, QueryDsl as _, Queryable,
    Selectable, SelectableHelper as _,
};
use diesel_async::{AsyncConnection as _, RunQueryDsl as _};
use qeetid_domain::oauth::Session;
use qeetid_domain::ports::SessionRepository;
use qeetid_domain::{SecretHash, SessionId, StoreError, TenantId, UnixTime, UserId};

use super::logout::queue_logouts;
use super::{hash, parsed, words};
use crate::DieselStore;
use crate::error::from_diesel;
use crate::pool::with_conn;
use crate::schema::session_clients as sc;
use crate::schema::sessions as t;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = t, treat_none_as_default_value = false)]
struct SessionRow {
    id: String,
    token_hash: String,
    tenant_id: String,
    user_id: String,
    auth_time: i64,
    amr: String,
    created_at: i64,
    expires_at: i64,
    user_agent: Option<String>,
    network: Option<String>,
}

impl TryFrom<SessionRow> for Session {
    type Error = StoreError;
    fn try_from(row: SessionRow) -> Result<Self, StoreError> {
        Ok(Session {
            id: parsed("sessions.id", SessionId::parse(&row.id))?,
            token_hash: hash("sessions.token_hash", &row.token_hash)?,
            tenant_id: parsed("sessions.tenant_id", TenantId::parse(&row.tenant_id))?,
            user_id: parsed("sessions.user_id", UserId::parse(&row.user_id))?,
            auth_time: UnixTime::from_secs(row.auth_time),
            amr: words(&row.amr),
            created_at: UnixTime::from_secs(row.created_at),
            expires_at: UnixTime::from_secs(row.expires_at),
            user_agent: row.user_agent,
            network: row.network,
        })
    }
}

impl SessionRepository for DieselStore {
    async fn insert_session(&self, s: &Session) -> Result<(), StoreError> {
        let row = SessionRow {
            id: s.id.to_string(),
            token_hash: s.token_hash.to_hex(),
            tenant_id: s.tenant_id.to_string(),
            user_id: s.user_id.to_string(),
            auth_time: s.auth_time.as_secs(),
            amr: s.amr.join(" "),
            created_at: s.created_at.as_secs(),
            expires_at: s.expires_at.as_secs(),
            user_agent: s.user_agent.clone(),
            network: s.network.clone(),
        };
        with_conn!(writer & self.pool, |conn| {
            diesel::insert_into(t::table).values(&row).execute(conn).await.map_err(from_diesel)?;
        });
        Ok(())
    }

    async fn find_session(&self, token: &SecretHash) -> Result<Option<Session>, StoreError> {
        let hex = token.to_hex();
        let row: Option<SessionRow> = with_conn!(&self.pool, |conn| {
            t::table
                .filter(t::token_hash.eq(&hex))
                .select(SessionRow::as_select())
                .get_result(conn)
                .await
                .optional()
                .map_err(from_diesel)?
        });
        row.map(Session::try_from).transpose()
    }

    async fn delete_session(&self, id: &SessionId, now: UnixTime) -> Result<bool, StoreError> {
        let deleted = with_conn!(writer & self.pool, |conn| {
            conn.transaction(async |conn| {
                queue_logouts!(conn, sc::session_id.eq(id.as_str()), now.as_secs())?;
                diesel::delete(t::table.find(id.as_str())).execute(conn).await
            })
            .await
            .map_err(from_diesel)?
        });
        Ok(deleted == 1)
    }

    async fn list_user_sessions(
        &self,
        tenant: &TenantId,
        user: &UserId,
        now: UnixTime,
        limit: i64,
    ) -> Result<Vec<Session>, StoreError> {
        let rows: Vec<SessionRow> = with_conn!(&self.pool, |conn| {
            t::table
                .filter(t::tenant_id.eq(tenant.as_str()))
                .filter(t::user_id.eq(user.as_str()))
                .filter(t::expires_at.gt(now.as_secs()))
                .order((t::created_at.desc(), t::id.desc()))
                .limit(limit)
                .select(SessionRow::as_select())
                .load(conn)
                .await
                .map_err(from_diesel)?
        });
        rows.into_iter().map(Session::try_from).collect()
    }

    async fn delete_user_session(
        &self,
        tenant: &TenantId,
        user: &UserId,
        id: &SessionId,
        now: UnixTime,
    ) -> Result<bool, StoreError> {
        let deleted = with_conn!(writer & self.pool, |conn| {
            conn.transaction(async |conn| {
                let which = sc::session_id
                    .eq(id.as_str())
                    .and(sc::tenant_id.eq(tenant.as_str()))
                    .and(sc::user_id.eq(user.as_str()));
                queue_logouts!(conn, which, now.as_secs())?;
                diesel::delete(
                    t::table
                        .find(id.as_str())
                        .filter(t::tenant_id.eq(tenant.as_str()))
                        .filter(t::user_id.eq(user.as_str())),
                )
                .execute(conn)
                .await
            })
            .await
            .map_err(from_diesel)?
        });
        Ok(deleted == 1)
    }

    async fn delete_user_sessions(
        &self,
        tenant: &TenantId,
        user: &UserId,
        keep: Option<&SessionId>,
        now: UnixTime,
    ) -> Result<u64, StoreError> {
        let keep = keep.map_or("", SessionId::as_str);
        let deleted = with_conn!(writer & self.pool, |conn| {
            conn.transaction(async |conn| {
                let which =
                    sc::tenant_id.eq(tenant.as_str()).and(sc::user_id.eq(user.as_str())).and(sc::session_id.ne(keep));
                queue_logouts!(conn, which, now.as_secs())?;
                diesel::delete(
                    t::table
                        .filter(t::tenant_id.eq(tenant.as_str()))
                        .filter(t::user_id.eq(user.as_str()))
                        .filter(t::id.ne(keep)),
                )
                .execute(conn)
                .await
            })
            .await
            .map_err(from_diesel)?
        });
        Ok(deleted as u64)
    }
}
