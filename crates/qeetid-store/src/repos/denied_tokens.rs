//! `AccessTokenDenyList` over `revoked_access_tokens`.

use diesel::{ExpressionMethods as _, OptionalExtension as _, QueryDsl as _};
use diesel_async::RunQueryDsl as _;
use qeetid_domain::ports::AccessTokenDenyList;
use qeetid_domain::{ClientId, StoreError, TenantId, UnixTime};

use crate::DieselStore;
use crate::error::from_diesel;
use crate::pool::with_conn;
use crate::schema::revoked_access_tokens as t;

impl AccessTokenDenyList for DieselStore {
    async fn deny_access_token(&self, jti: &str, expires_at: UnixTime) -> Result<(), StoreError> {
        with_conn!(writer & self.pool, |conn| {
            diesel::insert_into(t::table)
                .values((t::jti.eq(jti), t::expires_at.eq(expires_at.as_secs())))
                .on_conflict(t::jti)
                .do_nothing()
                .execute(conn)
                .await
                .map_err(from_diesel)?;
        });
        Ok(())
    }

    async fn is_access_token_denied(&self, jti: &str) -> Result<bool, StoreError> {
        let found: Option<String> = with_conn!(&self.pool, |conn| {
            t::table.find(jti).select(t::jti).get_result(conn).await.optional().map_err(from_diesel)?
        });
        Ok(found.is_some())
    }

    async fn is_client_token_live(&self, tenant: &TenantId, client: &ClientId, jti: &str) -> Result<bool, StoreError> {
        use crate::schema::clients;
        let found: Option<String> = with_conn!(&self.pool, |conn| {
            clients::table
                .find(client.as_str())
                .filter(clients::tenant_id.eq(tenant.as_str()))
                .filter(diesel::dsl::not(diesel::dsl::exists(t::table.find(jti))))
                .select(clients::id)
                .get_result(conn)
                .await
                .optional()
                .map_err(from_diesel)?
        });
        Ok(found.is_some())
    }
}
