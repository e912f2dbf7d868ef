//! `MfaRepository` over `user_totp` and `recovery_codes`.

use diesel::{
    ExpressionMethods as _, Insertable, OptionalExtension as _, QueryDsl as _, Queryable, Selectable,
    SelectableHelper as _,
};
use diesel_async::{AsyncConnection as _, RunQueryDsl as _};
use qeetid_domain::mfa::TotpFactor;
use qeetid_domain::ports::MfaRepository;
use qeetid_domain::{SecretHash, StoreError, TenantId, UnixTime, UserId};

use super::parsed;
use crate::DieselStore;
use crate::error::from_diesel;
use crate::pool::with_conn;
use crate::schema::{recovery_codes as codes, user_totp as totp};

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = totp, treat_none_as_default_value = false)]
struct TotpRow {
    user_id: String,
    tenant_id: String,
    sealed_secret: String,
    confirmed_at: Option<i64>,
    last_step: i64,
    created_at: i64,
}

impl TryFrom<TotpRow> for TotpFactor {
    type Error = StoreError;
    fn try_from(row: TotpRow) -> Result<Self, StoreError> {
        Ok(TotpFactor {
            tenant_id: parsed("user_totp.tenant_id", TenantId::parse(&row.tenant_id))?,
            user_id: parsed("user_totp.user_id", UserId::parse(&row.user_id))?,
            sealed_secret: row.sealed_secret,
            confirmed_at: row.confirmed_at.map(UnixTime::from_secs),
            last_step: row.last_step,
            created_at: UnixTime::from_secs(row.created_at),
        })
    }
}

#[derive(Insertable)]
#[diesel(table_name = codes)]
struct CodeRow {
    code_hash: String,
    tenant_id: String,
    user_id: String,
}

impl MfaRepository for DieselStore {
    async fn get_totp(&self, tenant: &TenantId, user: &UserId) -> Result<Option<TotpFactor>, StoreError> {
        let row: Option<TotpRow> = with_conn!(&self.pool, |conn| {
            totp::table
                .find(user.as_str())
                .filter(totp::tenant_id.eq(tenant.as_str()))
                .select(TotpRow::as_select())
                .get_result(conn)
                .await
                .optional()
                .map_err(from_diesel)?
        });
        row.map(TotpFactor::try_from).transpose()
    }

    async fn start_totp(&self, f: &TotpFactor) -> Result<bool, StoreError> {
        let row = TotpRow {
            user_id: f.user_id.to_string(),
            tenant_id: f.tenant_id.to_string(),
            sealed_secret: f.sealed_secret.clone(),
            confirmed_at: None,
            last_step: f.last_step,
            created_at: f.created_at.as_secs(),
        };
        // One transaction: drop a waiting enrolment, never a confirmed factor.
        let started = with_conn!(writer & self.pool, |conn| {
            conn.transaction(async |conn| {
                let confirmed: Option<String> = totp::table
                    .find(&row.user_id)
                    .filter(totp::confirmed_at.is_not_null())
                    .select(totp::user_id)
                    .get_result(conn)
                    .await
                    .optional()?;
                if confirmed.is_some() {
                    return Ok::<_, diesel::result::Error>(false);
                }
                diesel::delete(totp::table.find(&row.user_id)).execute(conn).await?;
                diesel::insert_into(totp::table).values(&row).execute(conn).await?;
                Ok(true)
            })
            .await
            .map_err(from_diesel)?
        });
        Ok(started)
    }

    async fn use_totp_step(
        &self,
        tenant: &TenantId,
        user: &UserId,
        step: i64,
        confirm_at: Option<UnixTime>,
    ) -> Result<bool, StoreError> {
        // The comparison in the WHERE clause makes check-and-set one atomic statement:
        // of two requests with the same code, one wins.
        let target = totp::table
            .find(user.as_str())
            .filter(totp::tenant_id.eq(tenant.as_str()))
            .filter(totp::last_step.lt(step));
        let changed = with_conn!(writer & self.pool, |conn| {
            match confirm_at {
                Some(at) => diesel::update(target.filter(totp::confirmed_at.is_null()))
                    .set((totp::last_step.eq(step), totp::confirmed_at.eq(at.as_secs())))
                    .execute(conn)
                    .await
                    .map_err(from_diesel)?,
                None => diesel::update(target.filter(totp::confirmed_at.is_not_null()))
                    .set(totp::last_step.eq(step))
                    .execute(conn)
                    .await
                    .map_err(from_diesel)?,
            }
        });
        Ok(changed == 1)
    }

    async fn replace_recovery_codes(
        &self,
        tenant: &TenantId,
        user: &UserId,
        hashes: &[SecretHash],
    ) -> Result<(), StoreError> {
        let rows: Vec<CodeRow> = hashes
            .iter()
            .map(|h| CodeRow { code_hash: h.to_hex(), tenant_id: tenant.to_string(), user_id: user.to_string() })
            .collect();
        with_conn!(writer & self.pool, |conn| {
            conn.transaction(async |conn| {
                diesel::delete(
                    codes::table.filter(codes::tenant_id.eq(tenant.as_str())).filter(codes::user_id.eq(user.as_str())),
                )
                .execute(conn)
                .await?;
                // Ten rows at enrolment, in the one transaction: diesel's SQLite backend
                // takes no multi-row VALUES for this table type, so one INSERT each.
                for row in &rows {
                    diesel::insert_into(codes::table).values(row).execute(conn).await?;
                }
                Ok::<_, diesel::result::Error>(())
            })
            .await
            .map_err(from_diesel)?;
        });
        Ok(())
    }

    async fn use_recovery_code(
        &self,
        tenant: &TenantId,
        user: &UserId,
        hash: &SecretHash,
        at: UnixTime,
    ) -> Result<bool, StoreError> {
        let hex = hash.to_hex();
        let changed = with_conn!(writer & self.pool, |conn| {
            diesel::update(
                codes::table
                    .find(&hex)
                    .filter(codes::tenant_id.eq(tenant.as_str()))
                    .filter(codes::user_id.eq(user.as_str()))
                    .filter(codes::used_at.is_null()),
            )
            .set(codes::used_at.eq(at.as_secs()))
            .execute(conn)
            .await
            .map_err(from_diesel)?
        });
        Ok(changed == 1)
    }

    async fn recovery_codes_left(&self, tenant: &TenantId, user: &UserId) -> Result<u32, StoreError> {
        let left: i64 = with_conn!(&self.pool, |conn| {
            codes::table
                .filter(codes::tenant_id.eq(tenant.as_str()))
                .filter(codes::user_id.eq(user.as_str()))
                .filter(codes::used_at.is_null())
                .count()
                .get_result(conn)
                .await
                .map_err(from_diesel)?
        });
        Ok(u32::try_from(left).unwrap_or(u32::MAX))
    }

    async fn delete_mfa(&self, tenant: &TenantId, user: &UserId) -> Result<bool, StoreError> {
        let deleted = with_conn!(writer & self.pool, |conn| {
            conn.transaction(async |conn| {
                let factors = diesel::delete(
                    totp::table.filter(totp::tenant_id.eq(tenant.as_str())).filter(totp::user_id.eq(user.as_str())),
                )
                .execute(conn)
                .await?;
                let spent = diesel::delete(
                    codes::table.filter(codes::tenant_id.eq(tenant.as_str())).filter(codes::user_id.eq(user.as_str())),
                )
                .execute(conn)
                .await?;
                Ok::<_, diesel::result::Error>(factors + spent)
            })
            .await
            .map_err(from_diesel)?
        });
        Ok(deleted > 0)
    }
}
