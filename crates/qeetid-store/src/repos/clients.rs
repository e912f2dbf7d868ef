//! `ClientRepository` over the `clients` table. URI, grant and scope lists are JSON text.

use diesel::expression_methods::EscapeExpressionMethods as _;
use diesel::{
    ExpressionMethods as _, Insertable, OptionalExtension as _, QueryDsl as _, Queryable, Selectable,
    SelectableHelper as _, TextExpressionMethods as _,
};
use diesel_async::RunQueryDsl as _;
use qeetid_domain::client::{ClientMetadata, RegisteredBy, SelfRegistration};
use qeetid_domain::client_policy::{ClientPolicy, ExchangePolicy, TenantPolicy};
use qeetid_domain::logout::{LogoutEndpoint, LogoutNotices};
use qeetid_domain::oauth::SigningAlg;
use qeetid_domain::ports::ClientRepository;
use qeetid_domain::registration::TokenAuthMethod;
use qeetid_domain::request_object::{RequestObjectAlg, RequestObjectSettings};
use qeetid_domain::subject::SubjectType;
use qeetid_domain::{
    Client, ClientId, ClientLifetimes, ClientSecrets, ClientSettings, ClientType, GrantType, PageRequest, RedirectUri,
    ScopeSet, SecretHash, StoreError, StoredClientSettings, TenantId, UnixTime,
};

use super::{from_json, paginate, to_json};
use crate::DieselStore;
use crate::error::{corrupt, from_diesel};
use crate::pool::with_conn;
use crate::schema::{clients, tenants};

diesel::define_sql_function! {
    /// SQL `lower(text)`, the same on PostgreSQL and SQLite for ASCII.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// A `clients` row (also read by the logout repository's join).
#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = clients, treat_none_as_default_value = false)]
pub(crate) struct ClientRow {
    id: String,
    tenant_id: String,
    name: String,
    client_type: String,
    redirect_uris: String,
    post_logout_uris: String,
    grant_types: String,
    scopes: String,
    require_pkce: bool,
    access_token_ttl: Option<i64>,
    refresh_token_ttl: Option<i64>,
    refresh_token_idle_ttl: Option<i64>,
    secret_hash: Option<String>,
    previous_secret_hash: Option<String>,
    previous_secret_expires_at: Option<i64>,
    created_at: i64,
    updated_at: i64,
    registration_token_hash: Option<String>,
    registration_auth_method: Option<String>,
    registration_metadata: Option<String>,
    registration_document_refresh_at: Option<i64>,
    id_token_alg: Option<String>,
    userinfo_alg: Option<String>,
    backchannel_logout_uri: Option<String>,
    backchannel_logout_session_required: bool,
    frontchannel_logout_uri: Option<String>,
    frontchannel_logout_session_required: bool,
    pairwise_sector: Option<String>,
    sector_identifier_uri: Option<String>,
    request_objects: Option<String>,
    policy: Option<String>,
}

impl From<&Client> for ClientRow {
    fn from(c: &Client) -> Self {
        let s = &c.settings;
        let uris = |list: &[RedirectUri]| to_json(list.iter().map(|u| u.as_str().to_owned()));
        let previous = c.secrets.as_ref().and_then(|x| x.previous);
        let logout = s.logout_notices();
        Self {
            id: c.id.to_string(),
            tenant_id: c.tenant_id.to_string(),
            name: s.name().to_owned(),
            client_type: s.client_type().as_str().to_owned(),
            redirect_uris: uris(s.redirect_uris()),
            post_logout_uris: uris(s.post_logout_uris()),
            grant_types: to_json(s.grant_types().iter().map(|g| g.as_str().to_owned())),
            scopes: to_json(s.scopes().iter().map(|x| x.as_str().to_owned())),
            require_pkce: s.require_pkce(),
            access_token_ttl: s.lifetimes().access_token,
            refresh_token_ttl: s.lifetimes().refresh_token,
            refresh_token_idle_ttl: s.lifetimes().refresh_token_idle,
            secret_hash: c.secrets.as_ref().map(|x| x.current.to_hex()),
            previous_secret_hash: previous.map(|(hash, _)| hash.to_hex()),
            previous_secret_expires_at: previous.map(|(_, until)| until.as_secs()),
            created_at: c.created_at.as_secs(),
            updated_at: c.updated_at.as_secs(),
            registration_token_hash: match c.registration.as_ref().map(|r| &r.by) {
                Some(RegisteredBy::Request { access_token_hash }) => Some(access_token_hash.to_hex()),
                _ => None,
            },
            registration_document_refresh_at: match c.registration.as_ref().map(|r| &r.by) {
                Some(RegisteredBy::MetadataDocument { refresh_at }) => Some(refresh_at.as_secs()),
                _ => None,
            },
            registration_auth_method: c.registration.as_ref().map(|r| r.auth_method.as_str().to_owned()),
            registration_metadata: c.registration.as_ref().map(|r| metadata_json(&r.metadata)),
            id_token_alg: Some(s.id_token_alg().as_str().to_owned()),
            userinfo_alg: s.userinfo_alg().map(|a| a.as_str().to_owned()),
            backchannel_logout_uri: logout.backchannel.as_ref().map(|e| e.uri().to_owned()),
            backchannel_logout_session_required: logout
                .backchannel
                .as_ref()
                .is_some_and(LogoutEndpoint::session_required),
            frontchannel_logout_uri: logout.frontchannel.as_ref().map(|e| e.uri().to_owned()),
            frontchannel_logout_session_required: logout
                .frontchannel
                .as_ref()
                .is_some_and(LogoutEndpoint::session_required),
            pairwise_sector: match s.subject_type() {
                SubjectType::Pairwise { sector, .. } => Some(sector.clone()),
                SubjectType::Public => None,
            },
            sector_identifier_uri: s.subject_type().sector_identifier_uri().map(str::to_owned),
            request_objects: request_objects_json(s.request_objects()),
            policy: policy_json(s.policy()),
        }
    }
}

/// The descriptive metadata of a self-registered client as a JSON object.
fn metadata_json(m: &ClientMetadata) -> String {
    let mut object = serde_json::Map::new();
    let texts = [
        ("client_uri", &m.client_uri),
        ("logo_uri", &m.logo_uri),
        ("tos_uri", &m.tos_uri),
        ("policy_uri", &m.policy_uri),
        ("software_id", &m.software_id),
        ("software_version", &m.software_version),
        ("jwks_uri", &m.jwks_uri),
        ("jwks", &m.jwks),
    ];
    for (key, value) in texts {
        if let Some(value) = value {
            object.insert(key.to_owned(), serde_json::Value::String(value.clone()));
        }
    }
    if !m.contacts.is_empty() {
        object.insert("contacts".to_owned(), m.contacts.iter().cloned().map(serde_json::Value::String).collect());
    }
    serde_json::Value::Object(object).to_string()
}

/// [`metadata_json`] read back.
fn metadata_of(text: &str) -> Result<ClientMetadata, StoreError> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| corrupt("clients.registration_metadata", e))?;
    let text = |key: &str| value.get(key).and_then(serde_json::Value::as_str).map(str::to_owned);
    Ok(ClientMetadata {
        client_uri: text("client_uri"),
        logo_uri: text("logo_uri"),
        tos_uri: text("tos_uri"),
        policy_uri: text("policy_uri"),
        contacts: value
            .get("contacts")
            .and_then(serde_json::Value::as_array)
            .map(|list| list.iter().filter_map(|c| c.as_str().map(str::to_owned)).collect())
            .unwrap_or_default(),
        software_id: text("software_id"),
        software_version: text("software_version"),
        jwks_uri: text("jwks_uri"),
        jwks: text("jwks"),
    })
}

/// The registration columns of a self-registered client: the method and metadata,
/// and either a registration token's hash or a metadata document's refresh time.
fn registration_of(row: &ClientRow) -> Result<Option<SelfRegistration>, StoreError> {
    let (Some(method), Some(metadata)) = (&row.registration_auth_method, &row.registration_metadata) else {
        return Ok(None);
    };
    let by = match (&row.registration_token_hash, row.registration_document_refresh_at) {
        (Some(hash_hex), _) => {
            RegisteredBy::Request { access_token_hash: hash("clients.registration_token_hash", hash_hex)? }
        }
        (None, Some(at)) => RegisteredBy::MetadataDocument { refresh_at: UnixTime::from_secs(at) },
        (None, None) => return Err(corrupt("clients.registration_token_hash", "neither a token nor a document")),
    };
    Ok(Some(SelfRegistration {
        by,
        auth_method: TokenAuthMethod::parse(method)
            .ok_or_else(|| corrupt("clients.registration_auth_method", format!("unknown method `{method}`")))?,
        metadata: metadata_of(metadata)?,
    }))
}

/// A client's request-object settings as the `request_objects` column's JSON
/// (`NULL` when it registered none).
fn request_objects_json(r: &RequestObjectSettings) -> Option<String> {
    if r.jwks().is_none() && r.jwks_uri().is_none() && r.request_uris().is_empty() && r.alg().is_none() {
        return None;
    }
    Some(
        serde_json::json!({
            "jwks": r.jwks(),
            "jwks_uri": r.jwks_uri(),
            "request_uris": r.request_uris(),
            "alg": r.alg().map(RequestObjectAlg::as_str),
        })
        .to_string(),
    )
}

/// A client's policy as the `policy` column's JSON (`NULL` when it is the default).
fn policy_json(p: &ClientPolicy) -> Option<String> {
    if *p == ClientPolicy::default() {
        return None;
    }
    Some(
        serde_json::json!({
            "auth_method": p.registered_auth_method().map(TokenAuthMethod::as_str),
            "auth_alg": p.auth_alg().map(RequestObjectAlg::as_str),
            "require_par": p.require_par(),
            "dpop_bound": p.dpop_bound(),
            "fapi2": p.fapi2(),
            "exchange": p.exchange().map(|x| serde_json::json!({
                "audiences": x.audiences,
                "scopes": x.scopes,
                "subject_clients": x.subject_clients.iter().map(ClientId::as_str).collect::<Vec<_>>(),
                "impersonation": x.impersonation,
            })),
        })
        .to_string(),
    )
}

/// The `policy` column read back.
fn policy_of(stored: Option<&str>) -> Result<ClientPolicy, StoreError> {
    const COLUMN: &str = "clients.policy";
    let Some(text) = stored else { return Ok(ClientPolicy::default()) };
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| corrupt(COLUMN, e))?;
    let method = match v["auth_method"].as_str() {
        None => None,
        Some(raw) => {
            Some(TokenAuthMethod::parse(raw).ok_or_else(|| corrupt(COLUMN, format!("unknown method `{raw}`")))?)
        }
    };
    let alg = match v["auth_alg"].as_str() {
        None => None,
        Some(raw) => {
            Some(RequestObjectAlg::parse(raw).ok_or_else(|| corrupt(COLUMN, format!("unknown algorithm `{raw}`")))?)
        }
    };
    let flag = |name: &str| v[name].as_bool().unwrap_or(false);
    let exchange = match &v["exchange"] {
        serde_json::Value::Null => None,
        x => {
            let texts = |name: &str| -> Vec<String> {
                x[name]
                    .as_array()
                    .map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_owned)).collect())
                    .unwrap_or_default()
            };
            let subject_clients = texts("subject_clients")
                .iter()
                .map(|c| ClientId::parse(c).map_err(|e| corrupt(COLUMN, e)))
                .collect::<Result<Vec<_>, _>>()?;
            Some(ExchangePolicy {
                audiences: texts("audiences"),
                scopes: texts("scopes"),
                subject_clients,
                impersonation: x["impersonation"].as_bool().unwrap_or(false),
            })
        }
    };
    Ok(ClientPolicy::from_stored(method, alg, flag("require_par"), flag("dpop_bound"), flag("fapi2"), exchange))
}

/// The tenant's policy columns, selected beside a client's row.
pub(crate) const TENANT_POLICY: (tenants::require_par, tenants::fapi2) = (tenants::require_par, tenants::fapi2);

/// A client read with its tenant's policy (see [`TENANT_POLICY`]).
pub(crate) fn client_of((row, (require_par, fapi2)): (ClientRow, (bool, bool))) -> Result<Client, StoreError> {
    let mut client = Client::try_from(row)?;
    client.tenant_policy = TenantPolicy { require_par, fapi2 };
    Ok(client)
}

/// The `request_objects` column read back.
fn request_objects_of(stored: Option<&str>) -> Result<RequestObjectSettings, StoreError> {
    const COLUMN: &str = "clients.request_objects";
    let Some(text) = stored else { return Ok(RequestObjectSettings::default()) };
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| corrupt(COLUMN, e))?;
    let text_of = |name: &str| v[name].as_str().map(str::to_owned);
    let uris = v["request_uris"].as_array().map(|u| u.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect());
    let alg = match v["alg"].as_str() {
        None => None,
        Some(raw) => {
            Some(RequestObjectAlg::parse(raw).ok_or_else(|| corrupt(COLUMN, format!("unknown algorithm `{raw}`")))?)
        }
    };
    Ok(RequestObjectSettings::from_stored(text_of("jwks"), text_of("jwks_uri"), uris.unwrap_or_default(), alg))
}

/// A stored logout URI.
fn endpoint(column: &str, uri: Option<&str>, session_required: bool) -> Result<Option<LogoutEndpoint>, StoreError> {
    uri.map(|u| LogoutEndpoint::from_stored(u, session_required).map_err(|e| corrupt(column, e))).transpose()
}

fn hash(column: &str, hex: &str) -> Result<SecretHash, StoreError> {
    SecretHash::from_hex(hex).map_err(|e| corrupt(column, e))
}

impl TryFrom<ClientRow> for Client {
    type Error = StoreError;
    fn try_from(row: ClientRow) -> Result<Self, StoreError> {
        let registration = registration_of(&row)?;
        let client_type = ClientType::parse(&row.client_type).map_err(|e| corrupt("clients.client_type", e))?;
        let uris = |column: &str, text: &str| -> Result<Vec<RedirectUri>, StoreError> {
            Ok(from_json(column, text)?.into_iter().map(RedirectUri::from_stored).collect())
        };
        let grant_types = from_json("clients.grant_types", &row.grant_types)?
            .iter()
            .map(|g| GrantType::parse(g).map_err(|e| corrupt("clients.grant_types", e)))
            .collect::<Result<Vec<_>, _>>()?;
        let scopes = from_json("clients.scopes", &row.scopes)?;
        let scopes =
            ScopeSet::from_tokens(scopes.iter().map(String::as_str)).map_err(|e| corrupt("clients.scopes", e))?;
        let settings = ClientSettings::from_stored(StoredClientSettings {
            name: row.name,
            client_type,
            redirect_uris: uris("clients.redirect_uris", &row.redirect_uris)?,
            post_logout_uris: uris("clients.post_logout_uris", &row.post_logout_uris)?,
            grant_types,
            scopes,
            require_pkce: row.require_pkce,
            lifetimes: ClientLifetimes {
                access_token: row.access_token_ttl,
                refresh_token: row.refresh_token_ttl,
                refresh_token_idle: row.refresh_token_idle_ttl,
            },
            id_token_alg: match row.id_token_alg.as_deref() {
                None => SigningAlg::default(),
                Some(raw) => SigningAlg::parse(raw)
                    .ok_or_else(|| corrupt("clients.id_token_alg", format!("unknown algorithm `{raw}`")))?,
            },
            userinfo_alg: row
                .userinfo_alg
                .as_deref()
                .map(|raw| {
                    SigningAlg::parse(raw)
                        .ok_or_else(|| corrupt("clients.userinfo_alg", format!("unknown algorithm `{raw}`")))
                })
                .transpose()?,
            logout: LogoutNotices {
                backchannel: endpoint(
                    "clients.backchannel_logout_uri",
                    row.backchannel_logout_uri.as_deref(),
                    row.backchannel_logout_session_required,
                )?,
                frontchannel: endpoint(
                    "clients.frontchannel_logout_uri",
                    row.frontchannel_logout_uri.as_deref(),
                    row.frontchannel_logout_session_required,
                )?,
            },
            subject: match row.pairwise_sector {
                Some(sector) => SubjectType::Pairwise { sector, sector_identifier_uri: row.sector_identifier_uri },
                None => SubjectType::Public,
            },
            request_objects: request_objects_of(row.request_objects.as_deref())?,
            policy: policy_of(row.policy.as_deref())?,
        });
        let previous = match (row.previous_secret_hash, row.previous_secret_expires_at) {
            (Some(h), Some(until)) => Some((hash("clients.previous_secret_hash", &h)?, UnixTime::from_secs(until))),
            _ => None,
        };
        let secrets = row
            .secret_hash
            .map(|h| Ok::<_, StoreError>(ClientSecrets { current: hash("clients.secret_hash", &h)?, previous }))
            .transpose()?;
        Ok(Client {
            id: ClientId::parse(&row.id).map_err(|e| corrupt("clients.id", e))?,
            tenant_id: TenantId::parse(&row.tenant_id).map_err(|e| corrupt("clients.tenant_id", e))?,
            settings,
            secrets,
            created_at: UnixTime::from_secs(row.created_at),
            updated_at: UnixTime::from_secs(row.updated_at),
            registration,
            tenant_policy: TenantPolicy::default(),
        })
    }
}

impl ClientRepository for DieselStore {
    async fn insert_client(&self, client: &Client) -> Result<(), StoreError> {
        let row = ClientRow::from(client);
        with_conn!(writer & self.pool, |conn| {
            diesel::insert_into(clients::table).values(&row).execute(conn).await.map_err(from_diesel)?;
        });
        Ok(())
    }

    async fn get_client(&self, tenant: &TenantId, id: &ClientId) -> Result<Option<Client>, StoreError> {
        let row = with_conn!(&self.pool, |conn| {
            clients::table
                .inner_join(tenants::table)
                .filter(clients::id.eq(id.as_str()))
                .filter(clients::tenant_id.eq(tenant.as_str()))
                .select((ClientRow::as_select(), TENANT_POLICY))
                .get_result(conn)
                .await
                .optional()
                .map_err(from_diesel)?
        });
        row.map(client_of).transpose()
    }

    async fn find_client(&self, id: &ClientId) -> Result<Option<Client>, StoreError> {
        let row = with_conn!(&self.pool, |conn| {
            clients::table
                .inner_join(tenants::table)
                .filter(clients::id.eq(id.as_str()))
                .select((ClientRow::as_select(), TENANT_POLICY))
                .get_result(conn)
                .await
                .optional()
                .map_err(from_diesel)?
        });
        row.map(client_of).transpose()
    }

    async fn list_clients(&self, tenant: &TenantId, page: &PageRequest) -> Result<Vec<Client>, StoreError> {
        let rows = with_conn!(&self.pool, |conn| {
            let query = clients::table
                .inner_join(tenants::table)
                .filter(clients::tenant_id.eq(tenant.as_str()))
                .select((ClientRow::as_select(), TENANT_POLICY))
                .into_boxed();
            paginate!(query, clients, page).load(conn).await.map_err(from_diesel)?
        });
        rows.into_iter().map(client_of).collect()
    }

    async fn client_names(&self, tenant: &TenantId, ids: &[ClientId]) -> Result<Vec<(ClientId, String)>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let wanted: Vec<&str> = ids.iter().map(ClientId::as_str).collect();
        let rows: Vec<(String, String)> = with_conn!(&self.pool, |conn| {
            clients::table
                .filter(clients::tenant_id.eq(tenant.as_str()))
                .filter(clients::id.eq_any(&wanted))
                .select((clients::id, clients::name))
                .load(conn)
                .await
                .map_err(from_diesel)?
        });
        rows.into_iter()
            .map(|(id, name)| Ok((ClientId::parse(&id).map_err(|e| corrupt("clients.id", e))?, name)))
            .collect()
    }

    async fn search_clients(
        &self,
        tenant: &TenantId,
        name: &str,
        page: &PageRequest,
    ) -> Result<Vec<Client>, StoreError> {
        // lower() folds ASCII on both databases (SQLite's folds nothing else), so the
        // pattern is folded the same way; LIKE's wildcards in the input are escaped.
        let mut pattern = String::with_capacity(name.len() + 2);
        pattern.push('%');
        for c in name.to_ascii_lowercase().chars() {
            if matches!(c, '%' | '_' | '\\') {
                pattern.push('\\');
            }
            pattern.push(c);
        }
        pattern.push('%');
        let rows = with_conn!(&self.pool, |conn| {
            let query = clients::table
                .inner_join(tenants::table)
                .filter(clients::tenant_id.eq(tenant.as_str()))
                .filter(lower(clients::name).like(pattern.as_str()).escape('\\'))
                .select((ClientRow::as_select(), TENANT_POLICY))
                .into_boxed();
            paginate!(query, clients, page).load(conn).await.map_err(from_diesel)?
        });
        rows.into_iter().map(client_of).collect()
    }

    async fn update_client(&self, client: &Client) -> Result<bool, StoreError> {
        let row = ClientRow::from(client);
        let changed = with_conn!(writer & self.pool, |conn| {
            diesel::update(clients::table.find(&row.id).filter(clients::tenant_id.eq(&row.tenant_id)))
                .set((
                    clients::name.eq(&row.name),
                    clients::redirect_uris.eq(&row.redirect_uris),
                    clients::post_logout_uris.eq(&row.post_logout_uris),
                    clients::grant_types.eq(&row.grant_types),
                    clients::scopes.eq(&row.scopes),
                    clients::require_pkce.eq(row.require_pkce),
                    clients::access_token_ttl.eq(row.access_token_ttl),
                    clients::refresh_token_ttl.eq(row.refresh_token_ttl),
                    clients::refresh_token_idle_ttl.eq(row.refresh_token_idle_ttl),
                    clients::secret_hash.eq(&row.secret_hash),
                    clients::previous_secret_hash.eq(&row.previous_secret_hash),
                    clients::previous_secret_expires_at.eq(row.previous_secret_expires_at),
                    clients::updated_at.eq(row.updated_at),
                    clients::registration_token_hash.eq(&row.registration_token_hash),
                    clients::registration_auth_method.eq(&row.registration_auth_method),
                    clients::registration_metadata.eq(&row.registration_metadata),
                    clients::registration_document_refresh_at.eq(row.registration_document_refresh_at),
                    clients::id_token_alg.eq(&row.id_token_alg),
                    clients::userinfo_alg.eq(&row.userinfo_alg),
                    clients::backchannel_logout_uri.eq(&row.backchannel_logout_uri),
                    clients::backchannel_logout_session_required.eq(row.backchannel_logout_session_required),
                    clients::frontchannel_logout_uri.eq(&row.frontchannel_logout_uri),
                    clients::frontchannel_logout_session_required.eq(row.frontchannel_logout_session_required),
                    clients::pairwise_sector.eq(&row.pairwise_sector),
                    clients::sector_identifier_uri.eq(&row.sector_identifier_uri),
                    clients::request_objects.eq(&row.request_objects),
                    clients::policy.eq(&row.policy),
                ))
                .execute(conn)
                .await
                .map_err(from_diesel)?
        });
        Ok(changed == 1)
    }

    async fn delete_client(&self, tenant: &TenantId, id: &ClientId) -> Result<bool, StoreError> {
        let deleted = with_conn!(writer & self.pool, |conn| {
            diesel::delete(clients::table.find(id.as_str()).filter(clients::tenant_id.eq(tenant.as_str())))
                .execute(conn)
                .await
                .map_err(from_diesel)?
        });
        Ok(deleted == 1)
    }
}
