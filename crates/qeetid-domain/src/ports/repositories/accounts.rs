//! Tenants, admin API keys, users and clients.

use std::future::Future;

use crate::api_key::ApiKey;
use crate::client::Client;
use crate::error::StoreError;
use crate::id::{ApiKeyId, ClientId, GrantId, TenantId, UserId};
use crate::page::PageRequest;
use crate::secret::SecretHash;
use crate::tenant::Tenant;
use crate::user::{Email, User};

/// Tenants. Lists return up to [`PageRequest::fetch_limit`] rows, newest first
/// by (`created_at`, `id`) descending, starting after the request's cursor.
pub trait TenantRepository: Send + Sync {
    /// Stores a new tenant. MUST return [`StoreError::Conflict`] if the id or the slug exists.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] as said above; [`StoreError::Unavailable`] when the
    /// database fails or does not answer in time.
    fn insert_tenant(&self, tenant: &Tenant) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The tenant with this id.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn get_tenant(&self, id: &TenantId) -> impl Future<Output = Result<Option<Tenant>, StoreError>> + Send;
    /// The tenant with this slug (one indexed read).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn get_tenant_by_slug(
        &self,
        slug: &crate::tenant_slug::TenantSlug,
    ) -> impl Future<Output = Result<Option<Tenant>, StoreError>> + Send;
    /// One page of tenants (deployment-wide: only deployment keys call it).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn list_tenants(&self, page: &PageRequest) -> impl Future<Output = Result<Vec<Tenant>, StoreError>> + Send;
    /// Replaces the tenant's settings (name, slug, policy) and `updated_at`. `Ok(false)` if it does not exist.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] when another tenant has the slug; [`StoreError::Unavailable`]
    /// when the database fails or does not answer in time.
    fn update_tenant(&self, tenant: &Tenant) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Stores the tenant's logo image (replacing the one before), or removes it. The
    /// tenant's `branding.logo` is set by [`Self::update_tenant`].
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn save_tenant_logo(
        &self,
        tenant: &TenantId,
        logo: Option<&crate::logo::LogoImage>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The tenant's logo image, if it has one (one indexed read).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn tenant_logo(
        &self,
        tenant: &TenantId,
    ) -> impl Future<Output = Result<Option<crate::logo::LogoImage>, StoreError>> + Send;
    /// Deletes the tenant and everything it owns. `Ok(false)` if it did not exist.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn delete_tenant(&self, id: &TenantId) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// The tenant an admin opened to registration without an initial access token,
    /// if any (at most one; it goes with the tenant when the tenant is deleted).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn open_registration_tenant(&self) -> impl Future<Output = Result<Option<TenantId>, StoreError>> + Send;
    /// Opens `tenant` to registration without an initial access token, closing any
    /// other, in one step; `None` closes it everywhere. The tenant must exist.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] when a concurrent change opened another tenant;
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn set_open_registration_tenant(
        &self,
        tenant: Option<&TenantId>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// Admin API keys (hashes only).
pub trait ApiKeyRepository: Send + Sync {
    /// Stores a key. MUST return [`StoreError::Conflict`] if the id or hash exists.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] as said above; [`StoreError::Unavailable`] when the
    /// database fails or does not answer in time.
    fn insert_api_key(&self, key: &ApiKey) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The key with this hash, in any tenant: authentication comes before any tenant is known.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn find_api_key_by_hash(
        &self,
        hash: &SecretHash,
    ) -> impl Future<Output = Result<Option<ApiKey>, StoreError>> + Send;
    /// Whether any deployment-wide key exists (decides whether to bootstrap one).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn has_deployment_key(&self) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// One page of the tenant's keys.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn list_api_keys(
        &self,
        tenant: &TenantId,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Vec<ApiKey>, StoreError>> + Send;
    /// Deletes one of the tenant's keys. `Ok(false)` if the tenant has no such key.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn delete_api_key(&self, tenant: &TenantId, id: &ApiKeyId)
    -> impl Future<Output = Result<bool, StoreError>> + Send;
}

/// Users of a tenant.
pub trait UserRepository: Send + Sync {
    /// Stores a user. MUST return [`StoreError::Conflict`] if the tenant already has the e-mail.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] as said above; [`StoreError::Unavailable`] when the
    /// database fails or does not answer in time.
    fn insert_user(&self, user: &User) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The tenant's user with this id.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn get_user(&self, tenant: &TenantId, id: &UserId)
    -> impl Future<Output = Result<Option<User>, StoreError>> + Send;
    /// The user a token was issued to, while the token's origin still stands: the
    /// user exists in the tenant, the consent grant `token.grant` still exists for
    /// that user and `token.client`, the client still exists in the tenant, and
    /// `token.jti` (when given) is not on the access-token deny-list. `Ok(None)`
    /// otherwise. UserInfo and introspection check a token with this one indexed
    /// read, so revoking a grant, deleting a client or deleting a user ends every
    /// token issued under them at once. The caller checks `disabled_at` and
    /// `tokens_revoked_at` on the answer.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn live_token_user(&self, token: &TokenOrigin<'_>)
    -> impl Future<Output = Result<Option<User>, StoreError>> + Send;
    /// The e-mails of the tenant's users among `ids`, in one read (absent ids are left out).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn user_emails(
        &self,
        tenant: &TenantId,
        ids: &[UserId],
    ) -> impl Future<Output = Result<Vec<(UserId, Email)>, StoreError>> + Send;
    /// The tenant's user with this (lower-cased) e-mail.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn find_user_by_email(
        &self,
        tenant: &TenantId,
        email: &Email,
    ) -> impl Future<Output = Result<Option<User>, StoreError>> + Send;
    /// One page of the tenant's users.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn list_users(
        &self,
        tenant: &TenantId,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Vec<User>, StoreError>> + Send;
    /// Replaces every mutable field of the user. `Ok(false)` if it does not exist;
    /// [`StoreError::Conflict`] if the new e-mail is taken.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] as said above; [`StoreError::Unavailable`] when the
    /// database fails or does not answer in time.
    fn update_user(&self, user: &User) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Deletes the tenant's user. `Ok(false)` if it did not exist.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn delete_user(&self, tenant: &TenantId, id: &UserId) -> impl Future<Output = Result<bool, StoreError>> + Send;
}

/// OAuth clients.
pub trait ClientRepository: Send + Sync {
    /// Stores a client. MUST return [`StoreError::Conflict`] if the id exists.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] as said above; [`StoreError::Unavailable`] when the
    /// database fails or does not answer in time.
    fn insert_client(&self, client: &Client) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The tenant's client with this id.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn get_client(
        &self,
        tenant: &TenantId,
        id: &ClientId,
    ) -> impl Future<Output = Result<Option<Client>, StoreError>> + Send;
    /// The client with this id in any tenant: OAuth requests and `DELETE
    /// /v1/oidc/clients/{id}` name a client before its tenant is known. The caller
    /// MUST check the tenant of what it gets.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn find_client(&self, id: &ClientId) -> impl Future<Output = Result<Option<Client>, StoreError>> + Send;
    /// One page of the tenant's clients.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn list_clients(
        &self,
        tenant: &TenantId,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Vec<Client>, StoreError>> + Send;
    /// One page of the tenant's clients whose name contains `name`, ignoring ASCII case
    /// (`%` and `_` are matched literally).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn search_clients(
        &self,
        tenant: &TenantId,
        name: &str,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Vec<Client>, StoreError>> + Send;
    /// The display names of those of `ids` that are the tenant's clients, in one query.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn client_names(
        &self,
        tenant: &TenantId,
        ids: &[ClientId],
    ) -> impl Future<Output = Result<Vec<(ClientId, String)>, StoreError>> + Send;
    /// Replaces the client's settings, secrets and `updated_at`. `Ok(false)` if it does not exist.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn update_client(&self, client: &Client) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Deletes the tenant's client. `Ok(false)` if it did not exist.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn delete_client(&self, tenant: &TenantId, id: &ClientId) -> impl Future<Output = Result<bool, StoreError>> + Send;
}

/// What must still exist for a user's token to be live (see
/// [`UserRepository::live_token_user`]).
#[derive(Debug, Clone, Copy)]
pub struct TokenOrigin<'a> {
    /// The token's tenant (`tid`).
    pub tenant: &'a TenantId,
    /// The user (`sub`).
    pub user: &'a UserId,
    /// The client it was issued to (`client_id`).
    pub client: &'a ClientId,
    /// The consent grant it was issued under (`gid`).
    pub grant: &'a GrantId,
    /// The access token's `jti`; `None` for a refresh token.
    pub jti: Option<&'a str>,
}

impl<'a> TokenOrigin<'a> {
    /// The origin of a refresh token.
    pub fn of_refresh_token(token: &'a crate::oauth::RefreshToken) -> Self {
        Self {
            tenant: &token.tenant_id,
            user: &token.user_id,
            client: &token.client_id,
            grant: &token.grant_id,
            jti: None,
        }
    }
}
