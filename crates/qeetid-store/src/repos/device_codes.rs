//! `DeviceCodeRepository` over `device_codes`.

use diesel::{
    ExpressionMethods as _, Insertable, OptionalExtension as _, QueryDsl as _, Queryable, Selectable,
    SelectableHelper as _,
};
use diesel_async::RunQueryDsl as _;
use qeetid_domain::oauth::{DeviceCode, DeviceStatus};
use qeetid_domain::ports::DeviceCodeRepository;
use qeetid_domain::{ClientId, GrantId, SecretHash, SessionId, StoreError, TenantId, UnixTime, UserId};

use super::{hash, parsed, scopes, words};
use crate::DieselStore;
use crate::error::{corrupt, from_diesel};
use crate::pool::with_conn;
use crate::schema::device_codes as t;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = t, treat_none_as_default_value = false)]
struct DeviceRow {
    device_code_hash: String,
    user_code: String,
    tenant_id: String,
    client_id: String,
    scope: String,
    interval_seconds: i64,
    last_polled_at: Option<i64>,
    status: String,
    user_id: Option<String>,
    session_id: Option<String>,
    auth_time: Option<i64>,
    amr: String,
    grant_id: Option<String>,
    created_at: i64,
    expires_at: i64,
}

impl From<&DeviceCode> for DeviceRow {
    fn from(d: &DeviceCode) -> Self {
        Self {
            device_code_hash: d.device_code_hash.to_hex(),
            user_code: d.user_code_hash.to_hex(),
            tenant_id: d.tenant_id.to_string(),
            client_id: d.client_id.to_string(),
            scope: d.scope.to_delimited(),
            interval_seconds: d.interval,
            last_polled_at: d.last_polled_at.map(UnixTime::as_secs),
            status: d.status.as_str().to_owned(),
            user_id: d.user_id.as_ref().map(ToString::to_string),
            session_id: d.session_id.as_ref().map(ToString::to_string),
            auth_time: d.auth_time.map(UnixTime::as_secs),
            amr: d.amr.join(" "),
            grant_id: d.grant_id.as_ref().map(ToString::to_string),
            created_at: d.created_at.as_secs(),
            expires_at: d.expires_at.as_secs(),
        }
    }
}

impl TryFrom<DeviceRow> for DeviceCode {
    type Error = StoreError;
    fn try_from(row: DeviceRow) -> Result<Self, StoreError> {
        Ok(DeviceCode {
            device_code_hash: hash("device_codes.device_code_hash", &row.device_code_hash)?,
            user_code_hash: hash("device_codes.user_code", &row.user_code)?,
            tenant_id: parsed("device_codes.tenant_id", TenantId::parse(&row.tenant_id))?,
            client_id: parsed("device_codes.client_id", ClientId::parse(&row.client_id))?,
            scope: scopes("device_codes.scope", &row.scope)?,
            interval: row.interval_seconds,
            last_polled_at: row.last_polled_at.map(UnixTime::from_secs),
            status: DeviceStatus::parse(&row.status).ok_or_else(|| corrupt("device_codes.status", &row.status))?,
            user_id: row.user_id.map(|u| parsed("device_codes.user_id", UserId::parse(&u))).transpose()?,
            session_id: row.session_id.map(|s| parsed("device_codes.session_id", SessionId::parse(&s))).transpose()?,
            auth_time: row.auth_time.map(UnixTime::from_secs),
            amr: words(&row.amr),
            grant_id: row.grant_id.map(|g| parsed("device_codes.grant_id", GrantId::parse(&g))).transpose()?,
            created_at: UnixTime::from_secs(row.created_at),
            expires_at: UnixTime::from_secs(row.expires_at),
        })
    }
}

impl DeviceCodeRepository for DieselStore {
    async fn insert_device_code(&self, code: &DeviceCode) -> Result<(), StoreError> {
        let row = DeviceRow::from(code);
        with_conn!(writer & self.pool, |conn| {
            diesel::insert_into(t::table).values(&row).execute(conn).await.map_err(from_diesel)?;
        });
        Ok(())
    }

    async fn find_device_code(&self, code: &SecretHash) -> Result<Option<DeviceCode>, StoreError> {
        let hex = code.to_hex();
        let row: Option<DeviceRow> = with_conn!(&self.pool, |conn| {
            t::table.find(&hex).select(DeviceRow::as_select()).get_result(conn).await.optional().map_err(from_diesel)?
        });
        row.map(DeviceCode::try_from).transpose()
    }

    async fn find_device_code_by_user_code(
        &self,
        user_code_hash: &SecretHash,
    ) -> Result<Option<DeviceCode>, StoreError> {
        let hex = user_code_hash.to_hex();
        let row: Option<DeviceRow> = with_conn!(&self.pool, |conn| {
            t::table
                .filter(t::user_code.eq(&hex))
                .select(DeviceRow::as_select())
                .get_result(conn)
                .await
                .optional()
                .map_err(from_diesel)?
        });
        row.map(DeviceCode::try_from).transpose()
    }

    async fn update_device_code(&self, code: &DeviceCode) -> Result<bool, StoreError> {
        let row = DeviceRow::from(code);
        let changed = with_conn!(writer & self.pool, |conn| {
            diesel::update(t::table.find(&row.device_code_hash))
                .set((
                    t::interval_seconds.eq(row.interval_seconds),
                    t::last_polled_at.eq(row.last_polled_at),
                    t::status.eq(&row.status),
                    t::user_id.eq(&row.user_id),
                    t::session_id.eq(&row.session_id),
                    t::auth_time.eq(row.auth_time),
                    t::amr.eq(&row.amr),
                    t::grant_id.eq(&row.grant_id),
                ))
                .execute(conn)
                .await
                .map_err(from_diesel)?
        });
        Ok(changed == 1)
    }

    async fn use_device_code(&self, code: &SecretHash) -> Result<bool, StoreError> {
        let hex = code.to_hex();
        let changed = with_conn!(writer & self.pool, |conn| {
            diesel::update(t::table.find(&hex).filter(t::status.eq(DeviceStatus::Approved.as_str())))
                .set(t::status.eq(DeviceStatus::Used.as_str()))
                .execute(conn)
                .await
                .map_err(from_diesel)?
        });
        Ok(changed == 1)
    }
}
