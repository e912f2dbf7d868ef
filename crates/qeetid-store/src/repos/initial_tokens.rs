//! `InitialTokenRepository` over the `initial_access_tokens` table.

use diesel::{
    BoolExpressionMethods as _, ExpressionMethods as _, Insertable, OptionalExtension as _, QueryDsl as _, Queryable,
    Selectable, SelectableHelper as _,
};
use diesel_async::RunQueryDsl as _;
use qeetid_domain::ports::InitialTokenRepository;
use qeetid_domain::registration::InitialAccessToken;
use qeetid_domain::{InitialTokenId, SecretHash, StoreError, TenantId, UnixTime};

use crate::DieselStore;
use crate::error::{corrupt, from_diesel};
use crate::pool::with_conn;
use crate::schema::initial_access_tokens as t;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = t, treat_none_as_default_value = false)]
struct InitialTokenRow {
    id: String,
    tenant_id: String,
    label: String,
    token_hash: String,
    expires_at: Option<i64>,
    uses_left: Option<i64>,
    created_at: i64,
}

impl From<&InitialAccessToken> for InitialTokenRow {
    fn from(x: &InitialAccessToken) -> Self {
        Self {
            id: x.id.to_string(),
            tenant_id: x.tenant_id.to_string(),
            label: x.label.clone(),
            token_hash: x.token_hash.to_hex(),
            expires_at: x.expires_at.map(UnixTime::as_secs),
            uses_left: x.uses_left.map(i64::from),
            created_at: x.created_at.as_secs(),
        }
    }
}

impl TryFrom<InitialTokenRow> for InitialAccessToken {
    type Error = StoreError;
    fn try_from(row: InitialTokenRow) -> Result<Self, StoreError> {
        Ok(InitialAccessToken {
            id: InitialTokenId::parse(&row.id).map_err(|e| corrupt("initial_access_tokens.id", e))?,
            tenant_id: TenantId::parse(&row.tenant_id).map_err(|e| corrupt("initial_access_tokens.tenant_id", e))?,
            label: row.label,
            token_hash: SecretHash::from_hex(&row.token_hash)
                .map_err(|e| corrupt("initial_access_tokens.token_hash", e))?,
            expires_at: row.expires_at.map(UnixTime::from_secs),
            uses_left: row
                .uses_left
                .map(u32::try_from)
                .transpose()
                .map_err(|e| corrupt("initial_access_tokens.uses_left", e))?,
            created_at: UnixTime::from_secs(row.created_at),
        })
    }
}

impl InitialTokenRepository for DieselStore {
    async fn insert_initial_token(&self, token: &InitialAccessToken) -> Result<(), StoreError> {
        let row = InitialTokenRow::from(token);
        with_conn!(writer & self.pool, |conn| {
            diesel::insert_into(t::table).values(&row).execute(conn).await.map_err(from_diesel)?;
        });
        Ok(())
    }

    async fn list_initial_tokens(&self, tenant: &TenantId) -> Result<Vec<InitialAccessToken>, StoreError> {
        let rows: Vec<InitialTokenRow> = with_conn!(&self.pool, |conn| {
            t::table
                .filter(t::tenant_id.eq(tenant.as_str()))
                .order((t::created_at.desc(), t::id.desc()))
                .select(InitialTokenRow::as_select())
                .load(conn)
                .await
                .map_err(from_diesel)?
        });
        rows.into_iter().map(InitialAccessToken::try_from).collect()
    }

    async fn delete_initial_token(&self, tenant: &TenantId, id: &InitialTokenId) -> Result<bool, StoreError> {
        let deleted = with_conn!(writer & self.pool, |conn| {
            diesel::delete(t::table.find(id.as_str()).filter(t::tenant_id.eq(tenant.as_str())))
                .execute(conn)
                .await
                .map_err(from_diesel)?
        });
        Ok(deleted == 1)
    }

    async fn spend_initial_token(
        &self,
        hash: &SecretHash,
        now: UnixTime,
    ) -> Result<Option<InitialAccessToken>, StoreError> {
        let hex = hash.to_hex();
        let now = now.as_secs();
        // One conditional UPDATE: of two registrations racing for the last use, one
        // matches. `NULL - 1` stays NULL (unlimited).
        let row: Option<InitialTokenRow> = with_conn!(writer & self.pool, |conn| {
            diesel::update(
                t::table
                    .filter(t::token_hash.eq(&hex))
                    .filter(t::expires_at.is_null().or(t::expires_at.gt(now)))
                    .filter(t::uses_left.is_null().or(t::uses_left.gt(0))),
            )
            .set(t::uses_left.eq(t::uses_left - 1))
            .returning(InitialTokenRow::as_returning())
            .get_result(conn)
            .await
            .optional()
            .map_err(from_diesel)?
        });
        row.map(InitialAccessToken::try_from).transpose()
    }
}
