//! OAuth clients: registration, listing, update, secret rotation, deletion.

use super::Admin;
use crate::api_key::Caller;
use crate::client::{
    CLIENT_SECRET_PREFIX, Client, ClientDraft, ClientPatch, ClientSecrets, ClientSettings, ClientType,
    MAX_SECRET_GRACE_SECONDS,
};
use crate::error::{AdminError, ValidationError};
use crate::id::{ClientId, TenantId};
use crate::logout::LogoutDelivery;
use crate::page::{Cursor, Page, PageRequest};
use crate::ports::AdminStore;
use crate::secret::Secret;
use crate::services::Context;
use crate::time::UnixTime;

/// A registered client and, for a confidential one, its secret, shown once.
#[derive(Debug)]
pub struct RegisteredClient {
    /// The stored client.
    pub client: Client,
    /// The clear-text secret; `None` for public clients.
    pub secret: Option<Secret>,
}

/// A client after rotation, its new secret, and when the old one stops working.
#[derive(Debug)]
pub struct RotatedSecret {
    /// The client with its new secret hash.
    pub client: Client,
    /// The new secret, shown once.
    pub secret: Secret,
    /// When the previous secret stops working, if a grace period was asked for.
    pub previous_secret_expires_at: Option<UnixTime>,
}

impl<S: AdminStore> Admin<S> {
    async fn reachable_client(&self, caller: &Caller, tenant: &TenantId, id: &ClientId) -> Result<Client, AdminError> {
        self.reachable_tenant(caller, tenant).await?;
        self.store.get_client(tenant, id).await?.ok_or(AdminError::NotFound("client"))
    }

    /// The client `id`, when the caller may reach it and it may be changed: the
    /// deployment's own apps' clients (dashboard, account page) are the deployment's,
    /// and skip consent for their built-in sign-in, so nobody edits or deletes them.
    async fn changeable_client(&self, caller: &Caller, tenant: &TenantId, id: &ClientId) -> Result<Client, AdminError> {
        let client = self.reachable_client(caller, tenant, id).await?;
        refuse_built_in(&self.cx, &client)?;
        Ok(client)
    }

    /// Registers a client in `tenant`. Confidential clients get a secret, whose
    /// SHA-256 hash alone is stored.
    pub async fn register_client(
        &self,
        caller: &Caller,
        tenant: &TenantId,
        draft: ClientDraft,
    ) -> Result<RegisteredClient, AdminError> {
        self.reachable_tenant(caller, tenant).await?;
        let settings = ClientSettings::validate(draft)?;
        self.cx.check_sector(&settings).await?;
        let secret = match settings.client_type() {
            ClientType::Confidential => Some(Secret::generate(CLIENT_SECRET_PREFIX, self.cx.random.as_ref())),
            ClientType::Public => None,
        };
        let now = self.cx.clock.now();
        let client = Client {
            tenant_policy: Default::default(),
            id: ClientId::generate(self.cx.random.as_ref()),
            tenant_id: tenant.clone(),
            settings,
            secrets: secret.as_ref().map(|s| ClientSecrets { current: s.hash(), previous: None }),
            created_at: now,
            updated_at: now,
            registration: None,
        };
        self.store.insert_client(&client).await?;
        self.record_change(caller, tenant, "client.created", client.id.as_str(), |e| {
            e.client(client.id.as_str()).detail("after.name", client.settings.name())
        })
        .await;
        Ok(RegisteredClient { client, secret })
    }

    /// Lists the tenant's clients.
    pub async fn list_clients(
        &self,
        caller: &Caller,
        tenant: &TenantId,
        page: &PageRequest,
    ) -> Result<Page<Client>, AdminError> {
        self.reachable_tenant(caller, tenant).await?;
        let rows = self.store.list_clients(tenant, page).await?;
        Ok(Page::from_fetched(rows, page, |c| Cursor { created_at: c.created_at, id: c.id.to_string() }))
    }

    /// Lists the tenant's clients whose name contains `name` (ignoring ASCII case).
    pub async fn search_clients(
        &self,
        caller: &Caller,
        tenant: &TenantId,
        name: &str,
        page: &PageRequest,
    ) -> Result<Page<Client>, AdminError> {
        self.reachable_tenant(caller, tenant).await?;
        let rows = self.store.search_clients(tenant, name, page).await?;
        Ok(Page::from_fetched(rows, page, |c| Cursor { created_at: c.created_at, id: c.id.to_string() }))
    }

    /// One client.
    pub async fn get_client(&self, caller: &Caller, tenant: &TenantId, id: &ClientId) -> Result<Client, AdminError> {
        self.reachable_client(caller, tenant, id).await
    }

    /// The client's back-channel logouts not yet delivered: waiting for a retry,
    /// and failed after every attempt (newest first, at most 100).
    pub async fn list_logout_deliveries(
        &self,
        caller: &Caller,
        tenant: &TenantId,
        id: &ClientId,
    ) -> Result<Vec<LogoutDelivery>, AdminError> {
        self.reachable_client(caller, tenant, id).await?;
        Ok(self.store.list_logout_deliveries(tenant, id, 100).await?)
    }

    /// Applies `patch`; the resulting settings are validated as a whole.
    pub async fn update_client(
        &self,
        caller: &Caller,
        tenant: &TenantId,
        id: &ClientId,
        patch: ClientPatch,
    ) -> Result<Client, AdminError> {
        let mut client = self.changeable_client(caller, tenant, id).await?;
        let before = client.settings.clone();
        client.settings = client.settings.patched(patch)?;
        // The sector document is read again only when what it vouches for changed.
        let sector_moved = before.subject_type() != client.settings.subject_type()
            || before.redirect_uris() != client.settings.redirect_uris();
        if sector_moved {
            self.cx.check_sector(&client.settings).await?;
        }
        client.updated_at = self.cx.clock.now();
        let updated = self.store.update_client(&client).await?;
        self.cx.client_cache.forget(id);
        if !updated {
            return Err(AdminError::NotFound("client"));
        }
        let after = &client.settings;
        self.record_change(caller, tenant, "client.updated", id.as_str(), |e| {
            let e = e
                .client(id.as_str())
                .change("name", before.name(), after.name())
                .change("redirect_uris", uris(before.redirect_uris()), uris(after.redirect_uris()))
                .change("post_logout_uris", uris(before.post_logout_uris()), uris(after.post_logout_uris()))
                .change("grant_types", grants(before.grant_types()), grants(after.grant_types()))
                .change("scopes", before.scopes().to_delimited(), after.scopes().to_delimited())
                .change("token_endpoint_auth_method", before.auth_method().as_str(), after.auth_method().as_str())
                .change("dpop_bound_access_tokens", before.policy().dpop_bound(), after.policy().dpop_bound());
            // Settings without a field of their own here (lifetimes, logout URIs, key
            // material, token exchange) are named as changed, without their values.
            if e.details.iter().any(|(name, _)| name.starts_with("before.")) {
                e
            } else {
                e.detail("changed", "other settings (lifetimes, logout, keys or token exchange)")
            }
        })
        .await;
        Ok(client)
    }

    /// Gives a confidential client a new secret. With a grace period the previous
    /// secret keeps working that many seconds (0 to 7 days), so deployments can roll
    /// without downtime; a secret still in an earlier grace period stops at once.
    pub async fn rotate_client_secret(
        &self,
        caller: &Caller,
        tenant: &TenantId,
        id: &ClientId,
        grace_period_seconds: Option<i64>,
    ) -> Result<RotatedSecret, AdminError> {
        let grace = grace_period_seconds.unwrap_or(0);
        if !(0..=MAX_SECRET_GRACE_SECONDS).contains(&grace) {
            return Err(ValidationError::new(
                "grace_period_seconds",
                format!("must be 0 to {MAX_SECRET_GRACE_SECONDS} (7 days)"),
            )
            .into());
        }
        let mut client = self.changeable_client(caller, tenant, id).await?;
        let Some(old) = &client.secrets else {
            return Err(AdminError::Conflict("a public client has no secret to rotate".to_owned()));
        };
        let now = self.cx.clock.now();
        let secret = Secret::generate(CLIENT_SECRET_PREFIX, self.cx.random.as_ref());
        let previous_secret_expires_at = (grace > 0).then(|| now.plus_secs(grace));
        client.secrets = Some(ClientSecrets {
            current: secret.hash(),
            previous: previous_secret_expires_at.map(|until| (old.current, until)),
        });
        client.updated_at = now;
        let updated = self.store.update_client(&client).await?;
        self.cx.client_cache.forget(id);
        if !updated {
            return Err(AdminError::NotFound("client"));
        }
        self.record_change(caller, tenant, "client.secret_rotated", id.as_str(), |e| {
            e.client(id.as_str()).detail("grace_period_seconds", grace.to_string())
        })
        .await;
        Ok(RotatedSecret { client, secret, previous_secret_expires_at })
    }

    /// Deletes a client by id alone (`DELETE /v1/oidc/clients/{id}`): found in
    /// any tenant, then refused as "not found" unless the caller reaches that tenant.
    pub async fn delete_client(&self, caller: &Caller, id: &ClientId) -> Result<(), AdminError> {
        let client = self.store.find_client(id).await?.ok_or(AdminError::NotFound("client"))?;
        caller.reach(&client.tenant_id, "client")?;
        refuse_built_in(&self.cx, &client)?;
        let deleted = self.store.delete_client(&client.tenant_id, id).await?;
        self.cx.client_cache.forget(id);
        if !deleted {
            return Err(AdminError::NotFound("client"));
        }
        self.record_change(caller, &client.tenant_id, "client.deleted", id.as_str(), |e| {
            e.client(id.as_str()).detail("before.name", client.settings.name())
        })
        .await;
        Ok(())
    }
}

/// Refuses a change to one of the deployment's own apps' clients.
fn refuse_built_in(cx: &Context, client: &Client) -> Result<(), AdminError> {
    match cx.built_in.is_built_in(&client.tenant_id, &client.id) {
        true => Err(AdminError::Forbidden(
            "this client is one of the deployment's own apps (dashboard or account page): it cannot be changed or \
             deleted",
        )),
        false => Ok(()),
    }
}

/// Redirect URIs as text for the audit trail.
fn uris(list: &[crate::redirect_uri::RedirectUri]) -> String {
    list.iter().map(crate::redirect_uri::RedirectUri::as_str).collect::<Vec<_>>().join(" ")
}

/// Grant types as text for the audit trail.
fn grants(list: &[crate::grant_type::GrantType]) -> String {
    list.iter().map(|g| g.as_str()).collect::<Vec<_>>().join(" ")
}
