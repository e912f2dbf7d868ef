//! `CodeRepository` over `authorization_codes`: spending a code is one conditional
//! UPDATE, so of two concurrent exchanges exactly one wins.

use diesel::{
    ExpressionMethods as _, Insertable, OptionalExtension as _, QueryDsl as _, Queryable, Selectable,
    SelectableHelper as _,
};
use diesel_async::RunQueryDsl as _;
use qeetid_domain::oauth::{AuthorizationCode, CodeUse, Resources};
use qeetid_domain::ports::CodeRepository;
use qeetid_domain::{
    ClientId, CodeChallenge, GrantId, RedirectUri, SecretHash, SessionId, StoreError, TenantId, UnixTime, UserId,
};

use super::{hash, parsed, scopes, words};
use crate::DieselStore;
use crate::error::from_diesel;
use crate::pool::with_conn;
use crate::prepared::KeepPrepared;
use crate::schema::authorization_codes as t;
use crate::schema::{session_clients as sc, sessions};
use diesel::IntoSql as _;
use diesel::sql_types::Text;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = t, treat_none_as_default_value = false)]
struct CodeRow {
    code_hash: String,
    tenant_id: String,
    client_id: String,
    user_id: String,
    session_id: String,
    grant_id: String,
    redirect_uri: String,
    scope: String,
    nonce: Option<String>,
    code_challenge: Option<String>,
    auth_time: i64,
    amr: String,
    created_at: i64,
    expires_at: i64,
    used_at: Option<i64>,
    access_jti: Option<String>,
    access_expires_at: Option<i64>,
    resource: Option<String>,
}

impl TryFrom<CodeRow> for AuthorizationCode {
    type Error = StoreError;
    fn try_from(row: CodeRow) -> Result<Self, StoreError> {
        Ok(AuthorizationCode {
            code_hash: hash("authorization_codes.code_hash", &row.code_hash)?,
            tenant_id: parsed("authorization_codes.tenant_id", TenantId::parse(&row.tenant_id))?,
            client_id: parsed("authorization_codes.client_id", ClientId::parse(&row.client_id))?,
            user_id: parsed("authorization_codes.user_id", UserId::parse(&row.user_id))?,
            session_id: parsed("authorization_codes.session_id", SessionId::parse(&row.session_id))?,
            grant_id: parsed("authorization_codes.grant_id", GrantId::parse(&row.grant_id))?,
            redirect_uri: RedirectUri::from_stored(row.redirect_uri),
            scope: scopes("authorization_codes.scope", &row.scope)?,
            nonce: row.nonce,
            code_challenge: row
                .code_challenge
                .map(|c| parsed("authorization_codes.code_challenge", CodeChallenge::parse(&c, Some("S256"))))
                .transpose()?,
            auth_time: UnixTime::from_secs(row.auth_time),
            amr: words(&row.amr),
            created_at: UnixTime::from_secs(row.created_at),
            expires_at: UnixTime::from_secs(row.expires_at),
            issued_access_token: match (row.access_jti, row.access_expires_at) {
                (Some(jti), Some(exp)) => Some((jti, UnixTime::from_secs(exp))),
                _ => None,
            },
            resources: Resources::from_stored(row.resource.as_deref()),
        })
    }
}

impl CodeRepository for DieselStore {
    async fn insert_code(&self, c: &AuthorizationCode) -> Result<(), StoreError> {
        let row = CodeRow {
            code_hash: c.code_hash.to_hex(),
            tenant_id: c.tenant_id.to_string(),
            client_id: c.client_id.to_string(),
            user_id: c.user_id.to_string(),
            session_id: c.session_id.to_string(),
            grant_id: c.grant_id.to_string(),
            redirect_uri: c.redirect_uri.as_str().to_owned(),
            scope: c.scope.to_delimited(),
            nonce: c.nonce.clone(),
            code_challenge: c.code_challenge.as_ref().map(|x| x.as_str().to_owned()),
            auth_time: c.auth_time.as_secs(),
            amr: c.amr.join(" "),
            created_at: c.created_at.as_secs(),
            expires_at: c.expires_at.as_secs(),
            used_at: None,
            access_jti: c.issued_access_token.as_ref().map(|(jti, _)| jti.clone()),
            access_expires_at: c.issued_access_token.as_ref().map(|(_, exp)| exp.as_secs()),
            resource: c.resources.to_stored(),
        };
        with_conn!(writer & self.pool, |conn| {
            // Who hears when the session ends (nothing when the session has just
            // ended); written first, so a failed code insert leaves at most a
            // harmless row, never a code nobody would tell.
            diesel::insert_into(sc::table)
                .values(sessions::table.find(&row.session_id).select((
                    sessions::id,
                    row.client_id.as_str().into_sql::<Text>(),
                    sessions::tenant_id,
                    sessions::user_id,
                )))
                .into_columns((sc::session_id, sc::client_id, sc::tenant_id, sc::user_id))
                .on_conflict_do_nothing()
                .execute(conn)
                .await
                .map_err(from_diesel)?;
            diesel::insert_into(t::table).values(&row).execute(conn).await.map_err(from_diesel)?;
        });
        Ok(())
    }

    async fn use_code(
        &self,
        code: &SecretHash,
        now: UnixTime,
        access_jti: &str,
        access_expires_at: UnixTime,
    ) -> Result<CodeUse, StoreError> {
        let hex = code.to_hex();
        let (spent, existing): (Option<CodeRow>, Option<CodeRow>) = with_conn!(writer & self.pool, |conn| {
            let spend = diesel::update(t::table.find(&hex).filter(t::used_at.is_null()))
                .set((
                    t::used_at.eq(now.as_secs()),
                    t::access_jti.eq(access_jti),
                    t::access_expires_at.eq(access_expires_at.as_secs()),
                ))
                .returning(CodeRow::as_returning());
            let spent = KeepPrepared(spend).get_result(conn).await.optional().map_err(from_diesel)?;
            let existing = if spent.is_none() {
                t::table
                    .find(&hex)
                    .select(CodeRow::as_select())
                    .get_result(conn)
                    .await
                    .optional()
                    .map_err(from_diesel)?
            } else {
                None
            };
            (spent, existing)
        });
        Ok(match (spent, existing) {
            (Some(row), _) => CodeUse::First(row.try_into()?),
            (None, Some(row)) => CodeUse::Replayed(row.try_into()?),
            (None, None) => CodeUse::Unknown,
        })
    }
}
