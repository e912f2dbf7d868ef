//! `PendingRequestRepository` over `authorization_requests`.

use diesel::{
    ExpressionMethods as _, Insertable, OptionalExtension as _, QueryDsl as _, Queryable, Selectable,
    SelectableHelper as _,
};
use diesel_async::RunQueryDsl as _;
use qeetid_domain::oauth::{PendingRequest, Prompt, Resources, ResponseMode, StoredRequest, ValidatedRequest};
use qeetid_domain::ports::PendingRequestRepository;
use qeetid_domain::{
    ClientId, CodeChallenge, RedirectUri, RequestId, SessionId, StoreError, TenantId, UnixTime, UserId,
};

use super::{hash, parsed, scopes};
use crate::DieselStore;
use crate::error::{corrupt, from_diesel};
use crate::pool::with_conn;
use crate::schema::authorization_requests as t;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = t, treat_none_as_default_value = false)]
struct RequestRow {
    id: String,
    tenant_id: String,
    client_id: String,
    redirect_uri: String,
    scope: String,
    state: Option<String>,
    nonce: Option<String>,
    code_challenge: Option<String>,
    prompt: String,
    max_age: Option<i64>,
    login_hint: Option<String>,
    browser_hash: String,
    user_id: Option<String>,
    session_id: Option<String>,
    auth_time: Option<i64>,
    created_at: i64,
    expires_at: i64,
    device_code_hash: Option<String>,
    first_factor: Option<String>,
    resource: Option<String>,
    response_mode: String,
    ui_locales: Option<String>,
    client_address: Option<String>,
    user_agent: Option<String>,
}

impl From<&PendingRequest> for RequestRow {
    fn from(p: &PendingRequest) -> Self {
        let r = &p.request;
        Self {
            id: p.id.to_string(),
            tenant_id: r.tenant_id().to_string(),
            client_id: r.client_id().to_string(),
            redirect_uri: r.redirect_uri().as_str().to_owned(),
            scope: r.scope().to_delimited(),
            state: r.state().map(str::to_owned),
            nonce: r.nonce().map(str::to_owned),
            code_challenge: r.code_challenge().map(|c| c.as_str().to_owned()),
            prompt: r.prompt().to_delimited(),
            max_age: r.max_age(),
            login_hint: r.login_hint().map(str::to_owned),
            browser_hash: p.browser_hash.to_hex(),
            user_id: p.user_id.as_ref().map(ToString::to_string),
            session_id: p.session_id.as_ref().map(ToString::to_string),
            auth_time: p.auth_time.map(UnixTime::as_secs),
            created_at: p.created_at.as_secs(),
            expires_at: p.expires_at.as_secs(),
            device_code_hash: p.device_code_hash.map(|h| h.to_hex()),
            first_factor: p.first_factor.clone(),
            resource: r.resources().to_stored(),
            response_mode: r.response_mode().as_str().to_owned(),
            ui_locales: Some(r.ui_locales().collect::<Vec<_>>().join(" ")).filter(|l| !l.is_empty()),
            client_address: p.seen_from.address.map(|a| a.to_string()),
            user_agent: p.seen_from.user_agent.clone(),
        }
    }
}

impl TryFrom<RequestRow> for PendingRequest {
    type Error = StoreError;
    fn try_from(row: RequestRow) -> Result<Self, StoreError> {
        let request = ValidatedRequest::from_stored(StoredRequest {
            client_id: parsed("authorization_requests.client_id", ClientId::parse(&row.client_id))?,
            tenant_id: parsed("authorization_requests.tenant_id", TenantId::parse(&row.tenant_id))?,
            redirect_uri: RedirectUri::from_stored(row.redirect_uri),
            scope: scopes("authorization_requests.scope", &row.scope)?,
            state: row.state,
            nonce: row.nonce,
            code_challenge: row
                .code_challenge
                .map(|c| parsed("authorization_requests.code_challenge", CodeChallenge::parse(&c, Some("S256"))))
                .transpose()?,
            prompt: Prompt::from_delimited(&row.prompt),
            max_age: row.max_age,
            login_hint: row.login_hint,
            resources: Resources::from_stored(row.resource.as_deref()),
            response_mode: ResponseMode::parse(Some(&row.response_mode))
                .map_err(|e| corrupt("authorization_requests.response_mode", e))?,
            ui_locales: row.ui_locales,
        });
        Ok(PendingRequest {
            id: parsed("authorization_requests.id", RequestId::parse(&row.id))?,
            request,
            browser_hash: hash("authorization_requests.browser_hash", &row.browser_hash)?,
            user_id: row.user_id.map(|u| parsed("authorization_requests.user_id", UserId::parse(&u))).transpose()?,
            session_id: row
                .session_id
                .map(|s| parsed("authorization_requests.session_id", SessionId::parse(&s)))
                .transpose()?,
            auth_time: row.auth_time.map(UnixTime::from_secs),
            created_at: UnixTime::from_secs(row.created_at),
            expires_at: UnixTime::from_secs(row.expires_at),
            device_code_hash: row
                .device_code_hash
                .map(|h| hash("authorization_requests.device_code_hash", &h))
                .transpose()?,
            first_factor: row.first_factor,
            // An address that no longer parses is dropped: it only labels the session.
            seen_from: qeetid_domain::seen_from::SeenFrom {
                address: row.client_address.and_then(|a| a.parse().ok()),
                user_agent: row.user_agent,
            },
        })
    }
}

impl PendingRequestRepository for DieselStore {
    async fn insert_request(&self, request: &PendingRequest) -> Result<(), StoreError> {
        let row = RequestRow::from(request);
        with_conn!(writer & self.pool, |conn| {
            diesel::insert_into(t::table).values(&row).execute(conn).await.map_err(from_diesel)?;
        });
        Ok(())
    }

    async fn get_request(&self, id: &RequestId) -> Result<Option<PendingRequest>, StoreError> {
        let row: Option<RequestRow> = with_conn!(&self.pool, |conn| {
            t::table
                .find(id.as_str())
                .select(RequestRow::as_select())
                .get_result(conn)
                .await
                .optional()
                .map_err(from_diesel)?
        });
        row.map(PendingRequest::try_from).transpose()
    }

    async fn update_request(&self, request: &PendingRequest) -> Result<bool, StoreError> {
        let row = RequestRow::from(request);
        let changed = with_conn!(writer & self.pool, |conn| {
            diesel::update(t::table.find(&row.id))
                .set((
                    t::user_id.eq(&row.user_id),
                    t::session_id.eq(&row.session_id),
                    t::auth_time.eq(row.auth_time),
                    t::first_factor.eq(&row.first_factor),
                    t::browser_hash.eq(&row.browser_hash),
                ))
                .execute(conn)
                .await
                .map_err(from_diesel)?
        });
        Ok(changed == 1)
    }

    async fn delete_request(&self, id: &RequestId) -> Result<bool, StoreError> {
        let deleted = with_conn!(writer & self.pool, |conn| {
            diesel::delete(t::table.find(id.as_str())).execute(conn).await.map_err(from_diesel)?
        });
        Ok(deleted == 1)
    }
}
