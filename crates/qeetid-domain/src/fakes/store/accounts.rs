//! Tenants, API keys, users and clients in memory.

use super::{InMemoryStore, page_of, remove, replace};
use crate::api_key::{ApiKey, KeyScope};
use crate::client::Client;
use crate::error::StoreError;
use crate::id::{ApiKeyId, ClientId, TenantId, UserId};
use crate::page::PageRequest;
use crate::ports::{ApiKeyRepository, ClientRepository, TenantRepository, TokenOrigin, UserRepository};
use crate::secret::SecretHash;
use crate::tenant::Tenant;
use crate::user::{Email, User};

impl TenantRepository for InMemoryStore {
    async fn insert_tenant(&self, tenant: &Tenant) -> Result<(), StoreError> {
        let mut t = self.tables();
        if t.tenants.iter().any(|x| x.id == tenant.id || x.slug == tenant.slug) {
            return Err(StoreError::Conflict("tenant id or slug".into()));
        }
        t.tenants.push(tenant.clone());
        Ok(())
    }
    async fn get_tenant(&self, id: &TenantId) -> Result<Option<Tenant>, StoreError> {
        Ok(self.tables().tenants.iter().find(|x| &x.id == id).cloned())
    }
    async fn get_tenant_by_slug(&self, slug: &crate::tenant_slug::TenantSlug) -> Result<Option<Tenant>, StoreError> {
        Ok(self.tables().tenants.iter().find(|x| &x.slug == slug).cloned())
    }
    async fn list_tenants(&self, page: &PageRequest) -> Result<Vec<Tenant>, StoreError> {
        Ok(page_of(self.tables().tenants.iter().cloned(), page, |x| (x.created_at, x.id.to_string())))
    }
    async fn update_tenant(&self, tenant: &Tenant) -> Result<bool, StoreError> {
        if self.tables().tenants.iter().any(|x| x.id != tenant.id && x.slug == tenant.slug) {
            return Err(StoreError::Conflict("tenant slug".into()));
        }
        Ok(replace(&mut self.tables().tenants, |x| x.id == tenant.id, tenant.clone()))
    }
    async fn save_tenant_logo(
        &self,
        tenant: &TenantId,
        logo: Option<&crate::logo::LogoImage>,
    ) -> Result<(), StoreError> {
        let mut t = self.tables();
        t.logos.retain(|(id, _)| id != tenant);
        if let Some(logo) = logo {
            t.logos.push((tenant.clone(), logo.clone()));
        }
        Ok(())
    }
    async fn tenant_logo(&self, tenant: &TenantId) -> Result<Option<crate::logo::LogoImage>, StoreError> {
        Ok(self.tables().logos.iter().find(|(id, _)| id == tenant).map(|(_, logo)| logo.clone()))
    }
    async fn delete_tenant(&self, id: &TenantId) -> Result<bool, StoreError> {
        let mut t = self.tables();
        t.logos.retain(|(tenant, _)| tenant != id);
        t.api_keys.retain(|k| k.scope != KeyScope::Tenant(id.clone()));
        t.users.retain(|u| &u.tenant_id != id);
        t.clients.retain(|c| &c.tenant_id != id);
        t.grants.retain(|g| &g.tenant_id != id);
        t.sessions.retain(|x| &x.tenant_id != id);
        t.initial_tokens.retain(|x| &x.tenant_id != id);
        t.events.retain(|x| &x.tenant_id != id);
        if t.open_registration.as_ref() == Some(id) {
            t.open_registration = None;
        }
        Ok(remove(&mut t.tenants, |x| &x.id == id))
    }
    async fn open_registration_tenant(&self) -> Result<Option<TenantId>, StoreError> {
        Ok(self.tables().open_registration.clone())
    }
    async fn set_open_registration_tenant(&self, tenant: Option<&TenantId>) -> Result<(), StoreError> {
        self.tables().open_registration = tenant.cloned();
        Ok(())
    }
}

impl ApiKeyRepository for InMemoryStore {
    async fn insert_api_key(&self, key: &ApiKey) -> Result<(), StoreError> {
        let mut t = self.tables();
        if t.api_keys.iter().any(|x| x.id == key.id || x.key_hash == key.key_hash) {
            return Err(StoreError::Conflict("api key".into()));
        }
        t.api_keys.push(key.clone());
        Ok(())
    }
    async fn find_api_key_by_hash(&self, hash: &SecretHash) -> Result<Option<ApiKey>, StoreError> {
        Ok(self.tables().api_keys.iter().find(|x| &x.key_hash == hash).cloned())
    }
    async fn has_deployment_key(&self) -> Result<bool, StoreError> {
        Ok(self.tables().api_keys.iter().any(|x| x.scope == KeyScope::Deployment))
    }
    async fn list_api_keys(&self, tenant: &TenantId, page: &PageRequest) -> Result<Vec<ApiKey>, StoreError> {
        let scope = KeyScope::Tenant(tenant.clone());
        let t = self.tables();
        Ok(page_of(t.api_keys.iter().filter(|k| k.scope == scope).cloned(), page, |x| (x.created_at, x.id.to_string())))
    }
    async fn delete_api_key(&self, tenant: &TenantId, id: &ApiKeyId) -> Result<bool, StoreError> {
        let scope = KeyScope::Tenant(tenant.clone());
        Ok(remove(&mut self.tables().api_keys, |x| &x.id == id && x.scope == scope))
    }
}

impl UserRepository for InMemoryStore {
    async fn insert_user(&self, user: &User) -> Result<(), StoreError> {
        let mut t = self.tables();
        if t.users.iter().any(|x| x.id == user.id || (x.tenant_id == user.tenant_id && x.email == user.email)) {
            return Err(StoreError::Conflict("user email".into()));
        }
        t.users.push(user.clone());
        Ok(())
    }
    async fn get_user(&self, tenant: &TenantId, id: &UserId) -> Result<Option<User>, StoreError> {
        Ok(self.tables().users.iter().find(|x| &x.tenant_id == tenant && &x.id == id).cloned())
    }
    async fn live_token_user(&self, token: &TokenOrigin<'_>) -> Result<Option<User>, StoreError> {
        let t = self.tables();
        let denied = token.jti.is_some_and(|jti| t.denied_jtis.iter().any(|(j, _)| j == jti));
        let granted = t.grants.iter().any(|g| {
            &g.id == token.grant
                && &g.tenant_id == token.tenant
                && &g.user_id == token.user
                && &g.client_id == token.client
        });
        let client = t.clients.iter().any(|c| &c.id == token.client && &c.tenant_id == token.tenant);
        if denied || !granted || !client {
            return Ok(None);
        }
        Ok(t.users.iter().find(|x| &x.tenant_id == token.tenant && &x.id == token.user).cloned())
    }
    async fn user_emails(&self, tenant: &TenantId, ids: &[UserId]) -> Result<Vec<(UserId, Email)>, StoreError> {
        let t = self.tables();
        let found = t.users.iter().filter(|u| &u.tenant_id == tenant && ids.contains(&u.id));
        Ok(found.map(|u| (u.id.clone(), u.email.clone())).collect())
    }
    async fn find_user_by_email(&self, tenant: &TenantId, email: &Email) -> Result<Option<User>, StoreError> {
        Ok(self.tables().users.iter().find(|x| &x.tenant_id == tenant && &x.email == email).cloned())
    }
    async fn list_users(&self, tenant: &TenantId, page: &PageRequest) -> Result<Vec<User>, StoreError> {
        let t = self.tables();
        Ok(page_of(t.users.iter().filter(|x| &x.tenant_id == tenant).cloned(), page, |x| {
            (x.created_at, x.id.to_string())
        }))
    }
    async fn update_user(&self, user: &User) -> Result<bool, StoreError> {
        let mut t = self.tables();
        if t.users.iter().any(|x| x.id != user.id && x.tenant_id == user.tenant_id && x.email == user.email) {
            return Err(StoreError::Conflict("user email".into()));
        }
        Ok(replace(&mut t.users, |x| x.id == user.id && x.tenant_id == user.tenant_id, user.clone()))
    }
    async fn delete_user(&self, tenant: &TenantId, id: &UserId) -> Result<bool, StoreError> {
        let mut t = self.tables();
        t.grants.retain(|g| !(&g.tenant_id == tenant && &g.user_id == id));
        t.sessions.retain(|x| !(&x.tenant_id == tenant && &x.user_id == id));
        t.totp.retain(|x| !(&x.tenant_id == tenant && &x.user_id == id));
        t.passkeys.retain(|x| !(&x.tenant_id == tenant && &x.user_id == id));
        t.links.retain(|x| !(&x.tenant_id == tenant && &x.user_id == id));
        t.recovery_codes.retain(|x| !(&x.0 == tenant && &x.1 == id));
        t.account_links.retain(|x| !(&x.tenant_id == tenant && &x.user_id == id));
        Ok(remove(&mut t.users, |x| &x.tenant_id == tenant && &x.id == id))
    }
}

impl ClientRepository for InMemoryStore {
    async fn insert_client(&self, client: &Client) -> Result<(), StoreError> {
        let mut t = self.tables();
        if t.clients.iter().any(|x| x.id == client.id) {
            return Err(StoreError::Conflict("client id".into()));
        }
        t.clients.push(client.clone());
        Ok(())
    }
    async fn get_client(&self, tenant: &TenantId, id: &ClientId) -> Result<Option<Client>, StoreError> {
        let t = self.tables();
        Ok(t.clients.iter().find(|x| &x.tenant_id == tenant && &x.id == id).map(|c| with_tenant_policy(&t, c)))
    }
    async fn find_client(&self, id: &ClientId) -> Result<Option<Client>, StoreError> {
        let t = self.tables();
        Ok(t.clients.iter().find(|x| &x.id == id).map(|c| with_tenant_policy(&t, c)))
    }
    async fn list_clients(&self, tenant: &TenantId, page: &PageRequest) -> Result<Vec<Client>, StoreError> {
        let t = self.tables();
        Ok(page_of(t.clients.iter().filter(|x| &x.tenant_id == tenant).map(|c| with_tenant_policy(&t, c)), page, |x| {
            (x.created_at, x.id.to_string())
        }))
    }
    async fn client_names(&self, tenant: &TenantId, ids: &[ClientId]) -> Result<Vec<(ClientId, String)>, StoreError> {
        Ok(self
            .tables()
            .clients
            .iter()
            .filter(|c| &c.tenant_id == tenant && ids.contains(&c.id))
            .map(|c| (c.id.clone(), c.settings.name().to_owned()))
            .collect())
    }
    async fn search_clients(
        &self,
        tenant: &TenantId,
        name: &str,
        page: &PageRequest,
    ) -> Result<Vec<Client>, StoreError> {
        let t = self.tables();
        let needle = name.to_ascii_lowercase();
        let matching = t
            .clients
            .iter()
            .filter(|x| &x.tenant_id == tenant && x.settings.name().to_ascii_lowercase().contains(&needle))
            .cloned();
        Ok(page_of(matching, page, |x| (x.created_at, x.id.to_string())))
    }
    async fn update_client(&self, client: &Client) -> Result<bool, StoreError> {
        Ok(replace(
            &mut self.tables().clients,
            |x| x.id == client.id && x.tenant_id == client.tenant_id,
            client.clone(),
        ))
    }
    async fn delete_client(&self, tenant: &TenantId, id: &ClientId) -> Result<bool, StoreError> {
        let mut t = self.tables();
        t.grants.retain(|g| !(&g.tenant_id == tenant && &g.client_id == id));
        t.refresh_tokens.retain(|r| !(&r.tenant_id == tenant && &r.client_id == id));
        Ok(remove(&mut t.clients, |x| &x.tenant_id == tenant && &x.id == id))
    }
}

/// `client` as read, with its tenant's policy (as the database adapter joins it).
fn with_tenant_policy(t: &super::Tables, client: &Client) -> Client {
    let mut client = client.clone();
    client.tenant_policy = t.tenants.iter().find(|x| x.id == client.tenant_id).map(|x| x.policy).unwrap_or_default();
    client
}
