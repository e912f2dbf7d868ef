//! `FederationRepository` over `identity_providers`, `federated_identities` and
//! `upstream_flows`.

use diesel::{
    ExpressionMethods as _, Insertable, OptionalExtension as _, QueryDsl as _, Queryable, Selectable,
    SelectableHelper as _,
};
use diesel_async::{AsyncConnection as _, RunQueryDsl as _};
use qeetid_domain::federation::{FederatedLink, IdentityProvider, ProviderKind, UpstreamFlow};
use qeetid_domain::ports::FederationRepository;
use qeetid_domain::{DisplayName, ProviderId, RequestId, SecretHash, StoreError, TenantId, UnixTime, UserId};

use super::{hash, parsed};
use crate::DieselStore;
use crate::error::from_diesel;
use crate::pool::with_conn;
use crate::schema::{federated_identities as links, identity_providers as idp, upstream_flows as flows};

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = idp, treat_none_as_default_value = false)]
struct ProviderRow {
    id: String,
    tenant_id: String,
    kind: String,
    name: String,
    issuer: Option<String>,
    client_id: String,
    sealed_client_secret: String,
    link_verified_email: bool,
    created_at: i64,
}

impl TryFrom<ProviderRow> for IdentityProvider {
    type Error = StoreError;
    fn try_from(row: ProviderRow) -> Result<Self, StoreError> {
        Ok(IdentityProvider {
            id: parsed("identity_providers.id", ProviderId::parse(&row.id))?,
            tenant_id: parsed("identity_providers.tenant_id", TenantId::parse(&row.tenant_id))?,
            kind: parsed("identity_providers.kind", ProviderKind::parse(&row.kind))?,
            name: DisplayName::from_stored(row.name),
            issuer: row.issuer,
            client_id: row.client_id,
            sealed_client_secret: row.sealed_client_secret,
            link_verified_email: row.link_verified_email,
            created_at: UnixTime::from_secs(row.created_at),
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = links)]
struct LinkRow {
    provider_id: String,
    subject: String,
    tenant_id: String,
    user_id: String,
    created_at: i64,
}

impl TryFrom<LinkRow> for FederatedLink {
    type Error = StoreError;
    fn try_from(row: LinkRow) -> Result<Self, StoreError> {
        Ok(FederatedLink {
            provider_id: parsed("federated_identities.provider_id", ProviderId::parse(&row.provider_id))?,
            subject: row.subject,
            tenant_id: parsed("federated_identities.tenant_id", TenantId::parse(&row.tenant_id))?,
            user_id: parsed("federated_identities.user_id", UserId::parse(&row.user_id))?,
            created_at: UnixTime::from_secs(row.created_at),
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = flows)]
struct FlowRow {
    state_hash: String,
    tenant_id: String,
    provider_id: String,
    request_id: String,
    nonce: String,
    code_verifier: String,
    expires_at: i64,
}

impl TryFrom<FlowRow> for UpstreamFlow {
    type Error = StoreError;
    fn try_from(row: FlowRow) -> Result<Self, StoreError> {
        Ok(UpstreamFlow {
            state_hash: hash("upstream_flows.state_hash", &row.state_hash)?,
            tenant_id: parsed("upstream_flows.tenant_id", TenantId::parse(&row.tenant_id))?,
            provider_id: parsed("upstream_flows.provider_id", ProviderId::parse(&row.provider_id))?,
            request_id: parsed("upstream_flows.request_id", RequestId::parse(&row.request_id))?,
            nonce: row.nonce,
            code_verifier: row.code_verifier,
            expires_at: UnixTime::from_secs(row.expires_at),
        })
    }
}

impl FederationRepository for DieselStore {
    async fn insert_provider(&self, p: &IdentityProvider) -> Result<(), StoreError> {
        let row = ProviderRow {
            id: p.id.to_string(),
            tenant_id: p.tenant_id.to_string(),
            kind: p.kind.as_str().to_owned(),
            name: p.name.as_str().to_owned(),
            issuer: p.issuer.clone(),
            client_id: p.client_id.clone(),
            sealed_client_secret: p.sealed_client_secret.clone(),
            link_verified_email: p.link_verified_email,
            created_at: p.created_at.as_secs(),
        };
        with_conn!(writer & self.pool, |conn| {
            diesel::insert_into(idp::table).values(&row).execute(conn).await.map_err(from_diesel)?;
        });
        Ok(())
    }

    async fn get_provider(&self, tenant: &TenantId, id: &ProviderId) -> Result<Option<IdentityProvider>, StoreError> {
        let row: Option<ProviderRow> = with_conn!(&self.pool, |conn| {
            idp::table
                .find(id.as_str())
                .filter(idp::tenant_id.eq(tenant.as_str()))
                .select(ProviderRow::as_select())
                .get_result(conn)
                .await
                .optional()
                .map_err(from_diesel)?
        });
        row.map(IdentityProvider::try_from).transpose()
    }

    async fn list_providers(&self, tenant: &TenantId) -> Result<Vec<IdentityProvider>, StoreError> {
        let rows: Vec<ProviderRow> = with_conn!(&self.pool, |conn| {
            idp::table
                .filter(idp::tenant_id.eq(tenant.as_str()))
                .order((idp::created_at.asc(), idp::id.asc()))
                .select(ProviderRow::as_select())
                .load(conn)
                .await
                .map_err(from_diesel)?
        });
        rows.into_iter().map(IdentityProvider::try_from).collect()
    }

    async fn update_provider(&self, p: &IdentityProvider) -> Result<bool, StoreError> {
        let changed = with_conn!(writer & self.pool, |conn| {
            diesel::update(idp::table.find(p.id.as_str()).filter(idp::tenant_id.eq(p.tenant_id.as_str())))
                .set((
                    idp::name.eq(p.name.as_str()),
                    idp::client_id.eq(&p.client_id),
                    idp::sealed_client_secret.eq(&p.sealed_client_secret),
                    idp::link_verified_email.eq(p.link_verified_email),
                ))
                .execute(conn)
                .await
                .map_err(from_diesel)?
        });
        Ok(changed == 1)
    }

    async fn delete_provider(&self, tenant: &TenantId, id: &ProviderId) -> Result<bool, StoreError> {
        // Links and flows go with it (foreign keys cascade).
        let deleted = with_conn!(writer & self.pool, |conn| {
            diesel::delete(idp::table.find(id.as_str()).filter(idp::tenant_id.eq(tenant.as_str())))
                .execute(conn)
                .await
                .map_err(from_diesel)?
        });
        Ok(deleted == 1)
    }

    async fn find_link(&self, provider: &ProviderId, subject: &str) -> Result<Option<FederatedLink>, StoreError> {
        let row: Option<LinkRow> = with_conn!(&self.pool, |conn| {
            links::table
                .find((provider.as_str(), subject))
                .select(LinkRow::as_select())
                .get_result(conn)
                .await
                .optional()
                .map_err(from_diesel)?
        });
        row.map(FederatedLink::try_from).transpose()
    }

    async fn insert_link(&self, l: &FederatedLink) -> Result<(), StoreError> {
        let row = LinkRow {
            provider_id: l.provider_id.to_string(),
            subject: l.subject.clone(),
            tenant_id: l.tenant_id.to_string(),
            user_id: l.user_id.to_string(),
            created_at: l.created_at.as_secs(),
        };
        with_conn!(writer & self.pool, |conn| {
            diesel::insert_into(links::table).values(&row).execute(conn).await.map_err(from_diesel)?;
        });
        Ok(())
    }

    async fn list_links(&self, tenant: &TenantId, user: &UserId) -> Result<Vec<FederatedLink>, StoreError> {
        let rows: Vec<LinkRow> = with_conn!(&self.pool, |conn| {
            links::table
                .filter(links::tenant_id.eq(tenant.as_str()))
                .filter(links::user_id.eq(user.as_str()))
                .order(links::created_at.asc())
                .select(LinkRow::as_select())
                .load(conn)
                .await
                .map_err(from_diesel)?
        });
        rows.into_iter().map(FederatedLink::try_from).collect()
    }

    async fn delete_link(&self, tenant: &TenantId, user: &UserId, provider: &ProviderId) -> Result<bool, StoreError> {
        let deleted = with_conn!(writer & self.pool, |conn| {
            diesel::delete(
                links::table
                    .filter(links::tenant_id.eq(tenant.as_str()))
                    .filter(links::user_id.eq(user.as_str()))
                    .filter(links::provider_id.eq(provider.as_str())),
            )
            .execute(conn)
            .await
            .map_err(from_diesel)?
        });
        Ok(deleted > 0)
    }

    async fn insert_upstream_flow(&self, f: &UpstreamFlow) -> Result<(), StoreError> {
        let row = FlowRow {
            state_hash: f.state_hash.to_hex(),
            tenant_id: f.tenant_id.to_string(),
            provider_id: f.provider_id.to_string(),
            request_id: f.request_id.to_string(),
            nonce: f.nonce.clone(),
            code_verifier: f.code_verifier.clone(),
            expires_at: f.expires_at.as_secs(),
        };
        with_conn!(writer & self.pool, |conn| {
            diesel::insert_into(flows::table).values(&row).execute(conn).await.map_err(from_diesel)?;
        });
        Ok(())
    }

    async fn take_upstream_flow(&self, state_hash: &SecretHash) -> Result<Option<UpstreamFlow>, StoreError> {
        let hex = state_hash.to_hex();
        // Read and delete in one transaction: a callback replayed gets nothing.
        let row: Option<FlowRow> = with_conn!(writer & self.pool, |conn| {
            conn.transaction(async |conn| {
                let row: Option<FlowRow> =
                    flows::table.find(&hex).select(FlowRow::as_select()).get_result(conn).await.optional()?;
                let deleted = diesel::delete(flows::table.find(&hex)).execute(conn).await?;
                Ok::<_, diesel::result::Error>(row.filter(|_| deleted == 1))
            })
            .await
            .map_err(from_diesel)?
        });
        row.map(UpstreamFlow::try_from).transpose()
    }
}
