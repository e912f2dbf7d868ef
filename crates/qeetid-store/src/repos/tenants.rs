//! `TenantRepository` over the `tenants` table.

use diesel::{
    ExpressionMethods as _, Insertable, OptionalExtension as _, QueryDsl as _, Queryable, Selectable,
    SelectableHelper as _,
};
use diesel_async::{AsyncConnection as _, RunQueryDsl as _};
use qeetid_domain::branding::{BrandColor, Branding};
use qeetid_domain::client_policy::TenantPolicy;
use qeetid_domain::locale::Locale;
use qeetid_domain::logo::{LogoImage, LogoRef};
use qeetid_domain::ports::TenantRepository;
use qeetid_domain::{DisplayName, KnownResource, PageRequest, StoreError, Tenant, TenantId, TenantSlug, UnixTime};

use super::paginate;
use crate::DieselStore;
use crate::error::{corrupt, from_diesel};
use crate::pool::with_conn;
use crate::schema::{tenant_logos, tenants};

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = tenants, treat_none_as_default_value = false)]
struct TenantRow {
    id: String,
    name: String,
    created_at: i64,
    updated_at: i64,
    require_mfa: bool,
    resources: Option<String>,
    require_par: bool,
    fapi2: bool,
    slug: String,
    self_sign_up: bool,
    require_verified_email: bool,
    primary_color: Option<String>,
    support_url: Option<String>,
    privacy_url: Option<String>,
    default_locale: String,
    logo: Option<String>,
}

impl From<&Tenant> for TenantRow {
    fn from(t: &Tenant) -> Self {
        Self {
            id: t.id.to_string(),
            name: t.name.as_str().to_owned(),
            require_mfa: t.require_mfa,
            resources: t.resources.as_deref().map(resources_json),
            require_par: t.policy.require_par,
            fapi2: t.policy.fapi2,
            slug: t.slug.to_string(),
            self_sign_up: t.self_sign_up,
            require_verified_email: t.require_verified_email,
            primary_color: t.branding.primary_color.map(|c| c.to_hex()),
            support_url: t.branding.support_url.clone(),
            privacy_url: t.branding.privacy_url.clone(),
            default_locale: t.branding.default_locale.tag().to_owned(),
            logo: t.branding.logo.as_ref().map(LogoRef::to_stored),
            created_at: t.created_at.as_secs(),
            updated_at: t.updated_at.as_secs(),
        }
    }
}

/// A tenant's known resources as JSON: `[{"uri": …, "scopes": […]}]`.
fn resources_json(list: &[KnownResource]) -> String {
    let items = list.iter().map(|k| serde_json::json!({ "uri": k.uri, "scopes": k.scopes }));
    serde_json::Value::Array(items.collect()).to_string()
}

/// [`resources_json`] read back.
fn resources_of(text: &str) -> Result<Vec<KnownResource>, StoreError> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| corrupt("tenants.resources", e))?;
    let items = value.as_array().ok_or_else(|| corrupt("tenants.resources", "not a list"))?;
    items
        .iter()
        .map(|item| {
            let uri = item["uri"].as_str().ok_or_else(|| corrupt("tenants.resources", "an entry without uri"))?;
            let scopes = item["scopes"]
                .as_array()
                .map_or_else(Vec::new, |list| list.iter().filter_map(|s| s.as_str().map(str::to_owned)).collect());
            Ok(KnownResource { uri: uri.to_owned(), scopes })
        })
        .collect()
}

impl TryFrom<TenantRow> for Tenant {
    type Error = StoreError;
    fn try_from(row: TenantRow) -> Result<Self, StoreError> {
        Ok(Tenant {
            id: TenantId::parse(&row.id).map_err(|e| corrupt("tenants.id", e))?,
            name: DisplayName::from_stored(row.name),
            slug: TenantSlug::from_stored(row.slug),
            require_mfa: row.require_mfa,
            self_sign_up: row.self_sign_up,
            require_verified_email: row.require_verified_email,
            branding: Branding {
                primary_color: row.primary_color.as_deref().and_then(BrandColor::from_stored),
                support_url: row.support_url,
                privacy_url: row.privacy_url,
                default_locale: Locale::from_tag(&row.default_locale).unwrap_or_default(),
                logo: row.logo.as_deref().and_then(LogoRef::from_stored),
            },
            resources: row.resources.as_deref().map(resources_of).transpose()?,
            policy: TenantPolicy { require_par: row.require_par, fapi2: row.fapi2 },
            created_at: UnixTime::from_secs(row.created_at),
            updated_at: UnixTime::from_secs(row.updated_at),
        })
    }
}

impl TenantRepository for DieselStore {
    async fn insert_tenant(&self, tenant: &Tenant) -> Result<(), StoreError> {
        let row = TenantRow::from(tenant);
        with_conn!(writer & self.pool, |conn| {
            diesel::insert_into(tenants::table).values(&row).execute(conn).await.map_err(from_diesel)?;
        });
        Ok(())
    }

    async fn get_tenant(&self, id: &TenantId) -> Result<Option<Tenant>, StoreError> {
        let row: Option<TenantRow> = with_conn!(&self.pool, |conn| {
            tenants::table
                .find(id.as_str())
                .select(TenantRow::as_select())
                .get_result(conn)
                .await
                .optional()
                .map_err(from_diesel)?
        });
        row.map(Tenant::try_from).transpose()
    }

    async fn get_tenant_by_slug(&self, slug: &TenantSlug) -> Result<Option<Tenant>, StoreError> {
        let row: Option<TenantRow> = with_conn!(&self.pool, |conn| {
            tenants::table
                .filter(tenants::slug.eq(slug.as_str()))
                .select(TenantRow::as_select())
                .get_result(conn)
                .await
                .optional()
                .map_err(from_diesel)?
        });
        row.map(Tenant::try_from).transpose()
    }

    async fn list_tenants(&self, page: &PageRequest) -> Result<Vec<Tenant>, StoreError> {
        let rows: Vec<TenantRow> = with_conn!(&self.pool, |conn| {
            paginate!(tenants::table.select(TenantRow::as_select()).into_boxed(), tenants, page)
                .load(conn)
                .await
                .map_err(from_diesel)?
        });
        rows.into_iter().map(Tenant::try_from).collect()
    }

    async fn update_tenant(&self, tenant: &Tenant) -> Result<bool, StoreError> {
        let changed = with_conn!(writer & self.pool, |conn| {
            diesel::update(tenants::table.find(tenant.id.as_str()))
                .set((
                    tenants::name.eq(tenant.name.as_str()),
                    tenants::slug.eq(tenant.slug.as_str()),
                    tenants::require_mfa.eq(tenant.require_mfa),
                    tenants::self_sign_up.eq(tenant.self_sign_up),
                    tenants::require_verified_email.eq(tenant.require_verified_email),
                    tenants::primary_color.eq(tenant.branding.primary_color.map(|c| c.to_hex())),
                    tenants::support_url.eq(tenant.branding.support_url.as_deref()),
                    tenants::privacy_url.eq(tenant.branding.privacy_url.as_deref()),
                    tenants::default_locale.eq(tenant.branding.default_locale.tag()),
                    tenants::logo.eq(tenant.branding.logo.as_ref().map(LogoRef::to_stored)),
                    tenants::resources.eq(tenant.resources.as_deref().map(resources_json)),
                    tenants::require_par.eq(tenant.policy.require_par),
                    tenants::fapi2.eq(tenant.policy.fapi2),
                    tenants::updated_at.eq(tenant.updated_at.as_secs()),
                ))
                .execute(conn)
                .await
                .map_err(from_diesel)?
        });
        Ok(changed == 1)
    }

    async fn save_tenant_logo(&self, tenant: &TenantId, logo: Option<&LogoImage>) -> Result<(), StoreError> {
        let row = logo.map(|l| (l.reference.to_stored(), l.bytes.clone()));
        let tenant = tenant.as_str().to_owned();
        // Delete, then insert, in one transaction: one portable statement pair for both databases.
        with_conn!(writer & self.pool, |conn| {
            conn.transaction(async |conn| {
                diesel::delete(tenant_logos::table.find(&tenant)).execute(conn).await?;
                if let Some((logo, image)) = &row {
                    diesel::insert_into(tenant_logos::table)
                        .values((
                            tenant_logos::tenant_id.eq(&tenant),
                            tenant_logos::logo.eq(logo),
                            tenant_logos::image.eq(image),
                        ))
                        .execute(conn)
                        .await?;
                }
                Ok::<_, diesel::result::Error>(())
            })
            .await
            .map_err(from_diesel)?
        });
        Ok(())
    }

    async fn tenant_logo(&self, tenant: &TenantId) -> Result<Option<LogoImage>, StoreError> {
        let row: Option<(String, Vec<u8>)> = with_conn!(&self.pool, |conn| {
            tenant_logos::table
                .find(tenant.as_str())
                .select((tenant_logos::logo, tenant_logos::image))
                .get_result(conn)
                .await
                .optional()
                .map_err(from_diesel)?
        });
        row.map(|(logo, bytes)| {
            let reference = LogoRef::from_stored(&logo).ok_or_else(|| corrupt("tenant_logos.logo", logo))?;
            Ok(LogoImage { reference, bytes })
        })
        .transpose()
    }

    async fn delete_tenant(&self, id: &TenantId) -> Result<bool, StoreError> {
        let deleted = with_conn!(writer & self.pool, |conn| {
            diesel::delete(tenants::table.find(id.as_str())).execute(conn).await.map_err(from_diesel)?
        });
        Ok(deleted == 1)
    }

    async fn open_registration_tenant(&self) -> Result<Option<TenantId>, StoreError> {
        let id: Option<String> = with_conn!(&self.pool, |conn| {
            tenants::table
                .filter(tenants::open_registration.eq(true))
                .select(tenants::id)
                .first(conn)
                .await
                .optional()
                .map_err(from_diesel)?
        });
        id.map(|id| TenantId::parse(&id).map_err(|e| corrupt("tenants.id", e))).transpose()
    }

    async fn set_open_registration_tenant(&self, tenant: Option<&TenantId>) -> Result<(), StoreError> {
        let tenant = tenant.map(|t| t.as_str().to_owned());
        // Close, then open, in one transaction: the unique index allows one open tenant
        // at every step, and a racing change conflicts instead of opening two.
        with_conn!(writer & self.pool, |conn| {
            conn.transaction(async |conn| {
                diesel::update(tenants::table.filter(tenants::open_registration.eq(true)))
                    .set(tenants::open_registration.eq(false))
                    .execute(conn)
                    .await?;
                if let Some(id) = &tenant {
                    diesel::update(tenants::table.find(id))
                        .set(tenants::open_registration.eq(true))
                        .execute(conn)
                        .await?;
                }
                Ok::<_, diesel::result::Error>(())
            })
            .await
            .map_err(from_diesel)?
        });
        Ok(())
    }
}
