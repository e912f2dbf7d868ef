//! `PushedRequestRepository` over `pushed_requests` and `ReplayGuard` over
//! `spent_jtis`: the one-time records of RFC 9126 and of JWT ids.

use diesel::{ExpressionMethods as _, OptionalExtension as _, QueryDsl as _, Queryable, Selectable};
use diesel_async::RunQueryDsl as _;
use qeetid_domain::oauth::PushedRequest;
use qeetid_domain::ports::{PushedRequestRepository, ReplayGuard};
use qeetid_domain::{ClientId, SecretHash, StoreError, TenantId, UnixTime};

use crate::DieselStore;
use crate::error::{corrupt, from_diesel};
use crate::pool::with_conn;
use crate::schema::{pushed_requests as p, spent_jtis as j};

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
        with_conn!(&self.pool, |conn| {
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
        let row: Option<PushedRow> = with_conn!(&self.pool, |conn| {
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
        let inserted = with_conn!(&self.pool, |conn| {
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
