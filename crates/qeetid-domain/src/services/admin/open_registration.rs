//! Turning open registration on for one tenant, or off: deployment admins only,
//! and only when the configuration does not name the tenant itself.

use super::Admin;
use crate::api_key::Caller;
use crate::error::AdminError;
use crate::id::TenantId;
use crate::ports::AdminStore;
use crate::services::open_registration::{OpenRegistration, open_registration};

impl<S: AdminStore> Admin<S> {
    /// Where open registration stands (deployment callers only).
    ///
    /// # Errors
    /// `Forbidden` for a tenant caller; `Internal` when the store fails.
    pub async fn open_registration(&self, caller: &Caller) -> Result<OpenRegistration, AdminError> {
        caller.require_deployment("only the deployment decides where open registration goes")?;
        Ok(open_registration(&self.store, &self.cx).await?)
    }

    /// Opens `tenant` to registration without an initial access token (closing any
    /// other), or closes it with `None`.
    ///
    /// # Errors
    /// `Forbidden` for a tenant caller; `NotFound` for an unknown tenant; `Conflict`
    /// when the configuration names the tenant (`open_registration_tenant`).
    pub async fn set_open_registration(
        &self,
        caller: &Caller,
        tenant: Option<&TenantId>,
    ) -> Result<OpenRegistration, AdminError> {
        caller.require_deployment("only the deployment decides where open registration goes")?;
        if self.cx.settings.open_registration_tenant.is_some() {
            return Err(AdminError::Conflict(
                "the configuration names the open-registration tenant (open_registration_tenant); change it there"
                    .into(),
            ));
        }
        if let Some(tenant) = tenant
            && self.store.get_tenant(tenant).await?.is_none()
        {
            return Err(AdminError::NotFound("tenant"));
        }
        let before = self.store.open_registration_tenant().await?;
        self.store.set_open_registration_tenant(tenant).await?;
        self.cx.open_registration.forget();
        // Recorded in each tenant concerned: the one that opened and the one that closed.
        for (affected, action) in [(tenant, "open_registration.opened"), (before.as_ref(), "open_registration.closed")]
        {
            if let Some(affected) = affected.filter(|_| before.as_ref() != tenant) {
                self.record_change(caller, affected, action, affected.as_str(), |e| e).await;
            }
        }
        Ok(OpenRegistration { tenant: tenant.cloned(), configured: false })
    }
}
