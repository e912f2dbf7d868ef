//! `PushedRequestRepository` over `pushed_requests`, `ReplayGuard` over
//! `spent_jtis` (the one-time records of RFC 9126 and of JWT ids) and
//! `TokenExchangeLog` over `token_exchanges` (RFC 8693).

use diesel::{
    ExpressionMethods as _, OptionalExtension as _, QueryDsl as _, Queryable, Selectable, SelectableHelper as _,
};
use diesel_async::RunQueryDsl as _;
use qeetid_domain::oauth::{PushedRequest, TokenExchangeRecord};
use qeetid_domain::ports::{PushedRequestRepository, ReplayGuard, TokenExchangeLog};
use qeetid_domain::{ClientId, PageRequest, SecretHash, StoreError, TenantId, UnixTime, UserId};

use super::{paginate, parsed, scopes};

use crate::DieselStore;
use crate::error::{corrupt, from_diesel};
use crate::pool::with_conn;
use crate::schema::{pushed_requests as p, spent_jtis as j, token_exchanges as x};

#[derive(Queryable, Selectable)]
#[diesel(table_name = p)]
struct PushedRow {
    id_hash: String,
    tenant_id: String,
    client_id: String,
    params: String,
    expires_at: i64,
}

impl TryFrom<PushedRow> for PushedRequest {
    type Error = StoreError;
    fn try_from(row: PushedRow) -> Result<Self, StoreError> {
        Ok(Self {
            id_hash: SecretHash::from_hex(&row.id_hash).map_err(|e| corrupt("pushed_requests.id_hash", e))?,
            tenant_id: TenantId::parse(&row.tenant_id).map_err(|e| corrupt("pushed_requests.tenant_id", e))?,
            client_id: ClientId::parse(&row.client_id).map_err(|e| corrupt("pushed_requests.client_id", e))?,
            params: row.params,
            expires_at: UnixTime::from_secs(row.expires_at),
        })
    }
}

impl PushedRequestRepository for DieselStore {
    async fn insert_pushed_request(&self, request: &PushedRequest) -> Result<(), StoreError> {
        with_conn!(writer & self.pool, |conn| {
            diesel::insert_into(p::table)
                .values((
                    p::id_hash.eq(request.id_hash.to_hex()),
                    p::tenant_id.eq(request.tenant_id.as_str()),
                    p::client_id.eq(request.client_id.as_str()),
                    p::params.eq(&request.params),
                    p::expires_at.eq(request.expires_at.as_secs()),
                ))
                .execute(conn)
                .await
                .map_err(from_diesel)?;
        });
        Ok(())
    }

    async fn take_pushed_request(
        &self,
        id_hash: &SecretHash,
        now: UnixTime,
    ) -> Result<Option<PushedRequest>, StoreError> {
        let hex = id_hash.to_hex();
        let row: Option<PushedRow> = with_conn!(writer & self.pool, |conn| {
            diesel::delete(p::table.find(&hex))
                .returning((p::id_hash, p::tenant_id, p::client_id, p::params, p::expires_at))
                .get_result(conn)
                .await
                .optional()
                .map_err(from_diesel)?
        });
        Ok(row.map(PushedRequest::try_from).transpose()?.filter(|r| r.expires_at > now))
    }
}

impl ReplayGuard for DieselStore {
    async fn spend_once(&self, key: &str, expires_at: UnixTime) -> Result<bool, StoreError> {
        let inserted = with_conn!(writer & self.pool, |conn| {
            diesel::insert_into(j::table)
                .values((j::key.eq(key), j::expires_at.eq(expires_at.as_secs())))
                .on_conflict(j::key)
                .do_nothing()
                .execute(conn)
                .await
                .map_err(from_diesel)?
        });
        Ok(inserted == 1)
    }
}

#[derive(Queryable, Selectable, diesel::Insertable)]
#[diesel(table_name = x, treat_none_as_default_value = false)]
struct ExchangeRow {
    id: String,
    tenant_id: String,
    user_id: String,
    client_id: String,
    subject_client_id: String,
    actor: Option<String>,
    audience: String,
    scope: String,
    created_at: i64,
}

impl TryFrom<ExchangeRow> for TokenExchangeRecord {
    type Error = StoreError;
    fn try_from(row: ExchangeRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: row.id,
            tenant_id: parsed("token_exchanges.tenant_id", TenantId::parse(&row.tenant_id))?,
            user_id: parsed("token_exchanges.user_id", UserId::parse(&row.user_id))?,
            client_id: parsed("token_exchanges.client_id", ClientId::parse(&row.client_id))?,
            subject_client_id: parsed("token_exchanges.subject_client_id", ClientId::parse(&row.subject_client_id))?,
            actor: row.actor,
            audience: row.audience,
            scope: scopes("token_exchanges.scope", &row.scope)?,
            created_at: UnixTime::from_secs(row.created_at),
        })
    }
}

impl TokenExchangeLog for DieselStore {
    async fn record_token_exchange(&self, r: &TokenExchangeRecord) -> Result<(), StoreError> {
        let row = ExchangeRow {
            id: r.id.clone(),
            tenant_id: r.tenant_id.to_string(),
            user_id: r.user_id.to_string(),
            client_id: r.client_id.to_string(),
            subject_client_id: r.subject_client_id.to_string(),
            actor: r.actor.clone(),
            audience: r.audience.clone(),
            scope: r.scope.to_delimited(),
            created_at: r.created_at.as_secs(),
        };
        with_conn!(writer & self.pool, |conn| {
            diesel::insert_into(x::table).values(&row).execute(conn).await.map_err(from_diesel)?;
        });
        Ok(())
    }

    async fn list_token_exchanges(
        &self,
        tenant: &TenantId,
        user: &UserId,
        page: &PageRequest,
    ) -> Result<Vec<TokenExchangeRecord>, StoreError> {
        let rows: Vec<ExchangeRow> = with_conn!(&self.pool, |conn| {
            let query = x::table
                .filter(x::tenant_id.eq(tenant.as_str()))
                .filter(x::user_id.eq(user.as_str()))
                .select(ExchangeRow::as_select())
                .into_boxed();
            paginate!(query, token_exchanges, page).load(conn).await.map_err(from_diesel)?
        });
        rows.into_iter().map(TokenExchangeRecord::try_from).collect()
    }
}
