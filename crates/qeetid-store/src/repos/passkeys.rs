//! `PasskeyRepository` over `passkeys` and `passkey_ceremonies`.

use diesel::{
    ExpressionMethods as _, Insertable, OptionalExtension as _, QueryDsl as _, Queryable, Selectable,
    SelectableHelper as _,
};
use diesel_async::{AsyncConnection as _, RunQueryDsl as _};
use qeetid_domain::passkey::{CeremonyPurpose, StoredCeremony, StoredPasskey};
use qeetid_domain::ports::PasskeyRepository;
use qeetid_domain::{CeremonyId, PasskeyId, RequestId, StoreError, TenantId, UnixTime, UserId};

use super::parsed;
use crate::DieselStore;
use crate::error::{corrupt, from_diesel};
use crate::pool::with_conn;
use crate::schema::{passkey_ceremonies as c, passkeys as p};

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = p, treat_none_as_default_value = false)]
struct PasskeyRow {
    id: String,
    tenant_id: String,
    user_id: String,
    credential_id: String,
    name: String,
    credential: String,
    backup_eligible: bool,
    backup_state: bool,
    created_at: i64,
    last_used_at: Option<i64>,
}

impl From<&StoredPasskey> for PasskeyRow {
    fn from(k: &StoredPasskey) -> Self {
        Self {
            id: k.id.to_string(),
            tenant_id: k.tenant_id.to_string(),
            user_id: k.user_id.to_string(),
            credential_id: k.credential_id.clone(),
            name: k.name.clone(),
            credential: k.credential.clone(),
            backup_eligible: k.backup_eligible,
            backup_state: k.backup_state,
            created_at: k.created_at.as_secs(),
            last_used_at: k.last_used_at.map(UnixTime::as_secs),
        }
    }
}

impl TryFrom<PasskeyRow> for StoredPasskey {
    type Error = StoreError;
    fn try_from(row: PasskeyRow) -> Result<Self, StoreError> {
        Ok(StoredPasskey {
            id: parsed("passkeys.id", PasskeyId::parse(&row.id))?,
            tenant_id: parsed("passkeys.tenant_id", TenantId::parse(&row.tenant_id))?,
            user_id: parsed("passkeys.user_id", UserId::parse(&row.user_id))?,
            credential_id: row.credential_id,
            name: row.name,
            credential: row.credential,
            backup_eligible: row.backup_eligible,
            backup_state: row.backup_state,
            created_at: UnixTime::from_secs(row.created_at),
            last_used_at: row.last_used_at.map(UnixTime::from_secs),
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = c, treat_none_as_default_value = false)]
struct CeremonyRow {
    id: String,
    tenant_id: String,
    user_id: Option<String>,
    request_id: Option<String>,
    state: String,
    expires_at: i64,
}

impl TryFrom<CeremonyRow> for StoredCeremony {
    type Error = StoreError;
    fn try_from(row: CeremonyRow) -> Result<Self, StoreError> {
        let purpose = match (row.user_id, row.request_id) {
            (Some(user), None) => {
                CeremonyPurpose::Register(parsed("passkey_ceremonies.user_id", UserId::parse(&user))?)
            }
            (None, Some(request)) => {
                CeremonyPurpose::SignIn(parsed("passkey_ceremonies.request_id", RequestId::parse(&request))?)
            }
            _ => return Err(corrupt("passkey_ceremonies.purpose", "exactly one of user_id and request_id")),
        };
        Ok(StoredCeremony {
            id: parsed("passkey_ceremonies.id", CeremonyId::parse(&row.id))?,
            tenant_id: parsed("passkey_ceremonies.tenant_id", TenantId::parse(&row.tenant_id))?,
            purpose,
            state: row.state,
            expires_at: UnixTime::from_secs(row.expires_at),
        })
    }
}

impl PasskeyRepository for DieselStore {
    async fn insert_passkey(&self, passkey: &StoredPasskey) -> Result<(), StoreError> {
        let row = PasskeyRow::from(passkey);
        with_conn!(writer & self.pool, |conn| {
            diesel::insert_into(p::table).values(&row).execute(conn).await.map_err(from_diesel)?;
        });
        Ok(())
    }

    async fn list_passkeys(&self, tenant: &TenantId, user: &UserId) -> Result<Vec<StoredPasskey>, StoreError> {
        let rows: Vec<PasskeyRow> = with_conn!(&self.pool, |conn| {
            p::table
                .filter(p::tenant_id.eq(tenant.as_str()))
                .filter(p::user_id.eq(user.as_str()))
                .order((p::created_at.asc(), p::id.asc()))
                .select(PasskeyRow::as_select())
                .load(conn)
                .await
                .map_err(from_diesel)?
        });
        rows.into_iter().map(StoredPasskey::try_from).collect()
    }

    async fn find_passkey(&self, tenant: &TenantId, credential_id: &str) -> Result<Option<StoredPasskey>, StoreError> {
        let row: Option<PasskeyRow> = with_conn!(&self.pool, |conn| {
            p::table
                .filter(p::credential_id.eq(credential_id))
                .filter(p::tenant_id.eq(tenant.as_str()))
                .select(PasskeyRow::as_select())
                .get_result(conn)
                .await
                .optional()
                .map_err(from_diesel)?
        });
        row.map(StoredPasskey::try_from).transpose()
    }

    async fn record_passkey_use(&self, k: &StoredPasskey) -> Result<bool, StoreError> {
        let changed = with_conn!(writer & self.pool, |conn| {
            diesel::update(p::table.find(k.id.as_str()).filter(p::tenant_id.eq(k.tenant_id.as_str())))
                .set((
                    p::credential.eq(&k.credential),
                    p::backup_eligible.eq(k.backup_eligible),
                    p::backup_state.eq(k.backup_state),
                    p::last_used_at.eq(k.last_used_at.map(UnixTime::as_secs)),
                ))
                .execute(conn)
                .await
                .map_err(from_diesel)?
        });
        Ok(changed == 1)
    }

    async fn rename_passkey(
        &self,
        tenant: &TenantId,
        user: &UserId,
        id: &PasskeyId,
        name: &str,
    ) -> Result<bool, StoreError> {
        let changed = with_conn!(writer & self.pool, |conn| {
            diesel::update(
                p::table
                    .find(id.as_str())
                    .filter(p::tenant_id.eq(tenant.as_str()))
                    .filter(p::user_id.eq(user.as_str())),
            )
            .set(p::name.eq(name))
            .execute(conn)
            .await
            .map_err(from_diesel)?
        });
        Ok(changed == 1)
    }

    async fn delete_passkey(&self, tenant: &TenantId, user: &UserId, id: &PasskeyId) -> Result<bool, StoreError> {
        let deleted = with_conn!(writer & self.pool, |conn| {
            diesel::delete(
                p::table
                    .find(id.as_str())
                    .filter(p::tenant_id.eq(tenant.as_str()))
                    .filter(p::user_id.eq(user.as_str())),
            )
            .execute(conn)
            .await
            .map_err(from_diesel)?
        });
        Ok(deleted == 1)
    }

    async fn delete_passkeys(&self, tenant: &TenantId, user: &UserId) -> Result<u64, StoreError> {
        let deleted = with_conn!(writer & self.pool, |conn| {
            diesel::delete(p::table.filter(p::tenant_id.eq(tenant.as_str())).filter(p::user_id.eq(user.as_str())))
                .execute(conn)
                .await
                .map_err(from_diesel)?
        });
        Ok(deleted as u64)
    }

    async fn insert_ceremony(&self, ceremony: &StoredCeremony) -> Result<(), StoreError> {
        let (user_id, request_id) = match &ceremony.purpose {
            CeremonyPurpose::Register(user) => (Some(user.to_string()), None),
            CeremonyPurpose::SignIn(request) => (None, Some(request.to_string())),
        };
        let row = CeremonyRow {
            id: ceremony.id.to_string(),
            tenant_id: ceremony.tenant_id.to_string(),
            user_id,
            request_id,
            state: ceremony.state.clone(),
            expires_at: ceremony.expires_at.as_secs(),
        };
        with_conn!(writer & self.pool, |conn| {
            diesel::insert_into(c::table).values(&row).execute(conn).await.map_err(from_diesel)?;
        });
        Ok(())
    }

    async fn take_ceremony(&self, id: &CeremonyId) -> Result<Option<StoredCeremony>, StoreError> {
        // Read and delete in one transaction: of two requests with the same ceremony,
        // only the one whose delete removes the row gets its state.
        let row: Option<CeremonyRow> = with_conn!(writer & self.pool, |conn| {
            conn.transaction(async |conn| {
                let row: Option<CeremonyRow> =
                    c::table.find(id.as_str()).select(CeremonyRow::as_select()).get_result(conn).await.optional()?;
                let deleted = diesel::delete(c::table.find(id.as_str())).execute(conn).await?;
                Ok::<_, diesel::result::Error>(row.filter(|_| deleted == 1))
            })
            .await
            .map_err(from_diesel)?
        });
        row.map(StoredCeremony::try_from).transpose()
    }
}
