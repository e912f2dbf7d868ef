//! `ApiKeyRepository` over the `api_keys` table.

use diesel::{
    ExpressionMethods as _, Insertable, OptionalExtension as _, QueryDsl as _, Queryable, Selectable,
    SelectableHelper as _,
};
use diesel_async::RunQueryDsl as _;
use qeetid_domain::ports::ApiKeyRepository;
use qeetid_domain::{ApiKey, ApiKeyId, DisplayName, KeyScope, PageRequest, SecretHash, StoreError, TenantId, UnixTime};

use super::paginate;
use crate::DieselStore;
use crate::error::{corrupt, from_diesel};
use crate::pool::with_conn;
use crate::schema::api_keys;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = api_keys, treat_none_as_default_value = false)]
struct ApiKeyRow {
    id: String,
    tenant_id: Option<String>,
    name: String,
    key_hash: String,
    created_at: i64,
}

impl From<&ApiKey> for ApiKeyRow {
    fn from(k: &ApiKey) -> Self {
        Self {
            id: k.id.to_string(),
            tenant_id: match &k.scope {
                KeyScope::Deployment => None,
                KeyScope::Tenant(t) => Some(t.to_string()),
            },
            name: k.name.as_str().to_owned(),
            key_hash: k.key_hash.to_hex(),
            created_at: k.created_at.as_secs(),
        }
    }
}

impl TryFrom<ApiKeyRow> for ApiKey {
    type Error = StoreError;
    fn try_from(row: ApiKeyRow) -> Result<Self, StoreError> {
        Ok(ApiKey {
            id: ApiKeyId::parse(&row.id).map_err(|e| corrupt("api_keys.id", e))?,
            scope: match row.tenant_id {
                None => KeyScope::Deployment,
                Some(t) => KeyScope::Tenant(TenantId::parse(&t).map_err(|e| corrupt("api_keys.tenant_id", e))?),
            },
            name: DisplayName::from_stored(row.name),
            key_hash: SecretHash::from_hex(&row.key_hash).map_err(|e| corrupt("api_keys.key_hash", e))?,
            created_at: UnixTime::from_secs(row.created_at),
        })
    }
}

impl ApiKeyRepository for DieselStore {
    async fn insert_api_key(&self, key: &ApiKey) -> Result<(), StoreError> {
        let row = ApiKeyRow::from(key);
        with_conn!(writer & self.pool, |conn| {
            diesel::insert_into(api_keys::table).values(&row).execute(conn).await.map_err(from_diesel)?;
        });
        Ok(())
    }

    async fn find_api_key_by_hash(&self, hash: &SecretHash) -> Result<Option<ApiKey>, StoreError> {
        let hex = hash.to_hex();
        let row: Option<ApiKeyRow> = with_conn!(&self.pool, |conn| {
            api_keys::table
                .filter(api_keys::key_hash.eq(&hex))
                .select(ApiKeyRow::as_select())
                .get_result(conn)
                .await
                .optional()
                .map_err(from_diesel)?
        });
        row.map(ApiKey::try_from).transpose()
    }

    async fn has_deployment_key(&self) -> Result<bool, StoreError> {
        let found: Option<String> = with_conn!(&self.pool, |conn| {
            api_keys::table
                .filter(api_keys::tenant_id.is_null())
                .select(api_keys::id)
                .first(conn)
                .await
                .optional()
                .map_err(from_diesel)?
        });
        Ok(found.is_some())
    }

    async fn list_api_keys(&self, tenant: &TenantId, page: &PageRequest) -> Result<Vec<ApiKey>, StoreError> {
        let rows: Vec<ApiKeyRow> = with_conn!(&self.pool, |conn| {
            let query = api_keys::table
                .filter(api_keys::tenant_id.eq(tenant.as_str()))
                .select(ApiKeyRow::as_select())
                .into_boxed();
            paginate!(query, api_keys, page).load(conn).await.map_err(from_diesel)?
        });
        rows.into_iter().map(ApiKey::try_from).collect()
    }

    async fn delete_api_key(&self, tenant: &TenantId, id: &ApiKeyId) -> Result<bool, StoreError> {
        let deleted = with_conn!(writer & self.pool, |conn| {
            diesel::delete(api_keys::table.find(id.as_str()).filter(api_keys::tenant_id.eq(tenant.as_str())))
                .execute(conn)
                .await
                .map_err(from_diesel)?
        });
        Ok(deleted == 1)
    }
}
