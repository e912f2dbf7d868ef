//! `UserRepository` over the `users` table.

use diesel::{
    ExpressionMethods as _, Insertable, OptionalExtension as _, QueryDsl as _, Queryable, Selectable,
    SelectableHelper as _,
};
use diesel_async::RunQueryDsl as _;
use qeetid_domain::ports::{TokenOrigin, UserRepository};
use qeetid_domain::{AdminRole, Email, PageRequest, PasswordHash, StoreError, TenantId, UnixTime, User, UserId};

use super::paginate;
use crate::DieselStore;
use crate::error::{corrupt, from_diesel};
use crate::pool::with_conn;
use crate::schema::users;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = users, treat_none_as_default_value = false)]
pub(crate) struct UserRow {
    id: String,
    tenant_id: String,
    email: String,
    email_verified: bool,
    name: Option<String>,
    password_hash: Option<String>,
    created_at: i64,
    updated_at: i64,
    admin_role: Option<String>,
    disabled_at: Option<i64>,
    tokens_revoked_at: Option<i64>,
}

impl From<&User> for UserRow {
    fn from(u: &User) -> Self {
        Self {
            id: u.id.to_string(),
            tenant_id: u.tenant_id.to_string(),
            email: u.email.as_str().to_owned(),
            email_verified: u.email_verified,
            name: u.name.clone(),
            password_hash: u.password_hash.as_ref().map(|h| h.as_str().to_owned()),
            created_at: u.created_at.as_secs(),
            updated_at: u.updated_at.as_secs(),
            admin_role: u.admin_role.map(|r| r.as_str().to_owned()),
            disabled_at: u.disabled_at.map(UnixTime::as_secs),
            tokens_revoked_at: u.tokens_revoked_at.map(UnixTime::as_secs),
        }
    }
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;
    fn try_from(row: UserRow) -> Result<Self, StoreError> {
        Ok(User {
            id: UserId::parse(&row.id).map_err(|e| corrupt("users.id", e))?,
            tenant_id: TenantId::parse(&row.tenant_id).map_err(|e| corrupt("users.tenant_id", e))?,
            email: Email::from_stored(row.email),
            email_verified: row.email_verified,
            name: row.name,
            password_hash: row.password_hash.map(PasswordHash::from_phc),
            created_at: UnixTime::from_secs(row.created_at),
            updated_at: UnixTime::from_secs(row.updated_at),
            admin_role: row
                .admin_role
                .map(|r| AdminRole::parse(&r).map_err(|e| corrupt("users.admin_role", e)))
                .transpose()?,
            disabled_at: row.disabled_at.map(UnixTime::from_secs),
            tokens_revoked_at: row.tokens_revoked_at.map(UnixTime::from_secs),
        })
    }
}

/// The query of [`UserRepository::live_token_user`] for a `TokenOrigin`, written
/// once for both databases and for the refresh grant's combined read.
/// Primary-key lookups only: the user, their grant to the client, the client, and
/// the deny-list (an absent jti matches nothing).
macro_rules! live_token_user_query {
    ($token:expr) => {{
        use diesel::dsl::{exists, not};
        use $crate::schema::{clients, consent_grants as grants, revoked_access_tokens as denied, users};
        let token: &::qeetid_domain::ports::TokenOrigin<'_> = $token;
        let (tenant, user) = (token.tenant.as_str(), token.user.as_str());
        users::table
            .find(user)
            .filter(users::tenant_id.eq(tenant))
            .filter(exists(
                grants::table
                    .find(token.grant.as_str())
                    .filter(grants::tenant_id.eq(tenant))
                    .filter(grants::user_id.eq(user))
                    .filter(grants::client_id.eq(token.client.as_str())),
            ))
            .filter(exists(clients::table.find(token.client.as_str()).filter(clients::tenant_id.eq(tenant))))
            .filter(not(exists(denied::table.find(token.jti.unwrap_or_default()))))
            .select($crate::repos::users::UserRow::as_select())
    }};
}
pub(crate) use live_token_user_query;

impl UserRepository for DieselStore {
    async fn insert_user(&self, user: &User) -> Result<(), StoreError> {
        let row = UserRow::from(user);
        with_conn!(writer & self.pool, |conn| {
            diesel::insert_into(users::table).values(&row).execute(conn).await.map_err(from_diesel)?;
        });
        Ok(())
    }

    async fn get_user(&self, tenant: &TenantId, id: &UserId) -> Result<Option<User>, StoreError> {
        let row: Option<UserRow> = with_conn!(&self.pool, |conn| {
            users::table
                .find(id.as_str())
                .filter(users::tenant_id.eq(tenant.as_str()))
                .select(UserRow::as_select())
                .get_result(conn)
                .await
                .optional()
                .map_err(from_diesel)?
        });
        row.map(User::try_from).transpose()
    }

    async fn live_token_user(&self, token: &TokenOrigin<'_>) -> Result<Option<User>, StoreError> {
        let row: Option<UserRow> = with_conn!(&self.pool, |conn| {
            live_token_user_query!(token).get_result(conn).await.optional().map_err(from_diesel)?
        });
        row.map(User::try_from).transpose()
    }

    async fn user_emails(&self, tenant: &TenantId, ids: &[UserId]) -> Result<Vec<(UserId, Email)>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let wanted: Vec<&str> = ids.iter().map(UserId::as_str).collect();
        let rows: Vec<(String, String)> = with_conn!(&self.pool, |conn| {
            users::table
                .filter(users::tenant_id.eq(tenant.as_str()))
                .filter(users::id.eq_any(&wanted))
                .select((users::id, users::email))
                .load(conn)
                .await
                .map_err(from_diesel)?
        });
        rows.into_iter()
            .map(|(id, email)| {
                let id = UserId::parse(&id).map_err(|e| corrupt("users.id", e))?;
                Ok((id, Email::from_stored(email)))
            })
            .collect()
    }

    async fn find_user_by_email(&self, tenant: &TenantId, email: &Email) -> Result<Option<User>, StoreError> {
        let row: Option<UserRow> = with_conn!(&self.pool, |conn| {
            users::table
                .filter(users::tenant_id.eq(tenant.as_str()))
                .filter(users::email.eq(email.as_str()))
                .select(UserRow::as_select())
                .get_result(conn)
                .await
                .optional()
                .map_err(from_diesel)?
        });
        row.map(User::try_from).transpose()
    }

    async fn list_users(&self, tenant: &TenantId, page: &PageRequest) -> Result<Vec<User>, StoreError> {
        let rows: Vec<UserRow> = with_conn!(&self.pool, |conn| {
            let query =
                users::table.filter(users::tenant_id.eq(tenant.as_str())).select(UserRow::as_select()).into_boxed();
            paginate!(query, users, page).load(conn).await.map_err(from_diesel)?
        });
        rows.into_iter().map(User::try_from).collect()
    }

    async fn update_user(&self, user: &User) -> Result<bool, StoreError> {
        let row = UserRow::from(user);
        let changed = with_conn!(writer & self.pool, |conn| {
            diesel::update(users::table.find(user.id.as_str()).filter(users::tenant_id.eq(user.tenant_id.as_str())))
                .set((
                    users::email.eq(&row.email),
                    users::email_verified.eq(row.email_verified),
                    users::name.eq(&row.name),
                    users::password_hash.eq(&row.password_hash),
                    users::admin_role.eq(&row.admin_role),
                    users::disabled_at.eq(row.disabled_at),
                    users::tokens_revoked_at.eq(row.tokens_revoked_at),
                    users::updated_at.eq(row.updated_at),
                ))
                .execute(conn)
                .await
                .map_err(from_diesel)?
        });
        Ok(changed == 1)
    }

    async fn delete_user(&self, tenant: &TenantId, id: &UserId) -> Result<bool, StoreError> {
        let deleted = with_conn!(writer & self.pool, |conn| {
            diesel::delete(users::table.find(id.as_str()).filter(users::tenant_id.eq(tenant.as_str())))
                .execute(conn)
                .await
                .map_err(from_diesel)?
        });
        Ok(deleted == 1)
    }
}
