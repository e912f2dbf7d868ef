//! `SessionRepository` over `sessions`.

use diesel::{
    ExpressionMethods as _, Insertable, OptionalExtension as _, QueryDsl as _, Queryable, Selectable,
    SelectableHelper as _,
};
use diesel_async::RunQueryDsl as _;
use qeetid_domain::oauth::Session;
use qeetid_domain::ports::SessionRepository;
use qeetid_domain::{SecretHash, SessionId, StoreError, TenantId, UnixTime, UserId};

use super::{hash, parsed, words};
use crate::DieselStore;
use crate::error::from_diesel;
use crate::pool::with_conn;
use crate::schema::sessions as t;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = t)]
struct SessionRow {
    id: String,
    token_hash: String,
    tenant_id: String,
    user_id: String,
    auth_time: i64,
    amr: String,
    created_at: i64,
    expires_at: i64,
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
        };
        with_conn!(&self.pool, |conn| {
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

    async fn delete_session(&self, id: &SessionId) -> Result<bool, StoreError> {
        let deleted = with_conn!(&self.pool, |conn| {
            diesel::delete(t::table.find(id.as_str())).execute(conn).await.map_err(from_diesel)?
        });
        Ok(deleted == 1)
    }
}
