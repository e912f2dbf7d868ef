//! The admin's view and reset of a user's second factors.

use super::Admin;
use crate::api_key::Caller;
use crate::error::AdminError;
use crate::id::{TenantId, UserId};
use crate::ports::AdminStore;
use crate::services::totp::{MfaStatus, mfa_status};

impl<S: AdminStore> Admin<S> {
    /// Admin: a user's second factors.
    pub async fn user_mfa(&self, caller: &Caller, tenant: &TenantId, user: &UserId) -> Result<MfaStatus, AdminError> {
        self.get_user(caller, tenant, user).await?;
        Ok(mfa_status(&self.store, tenant, user).await?)
    }

    /// Admin: removes a user's authenticator app, recovery codes and passkeys (they
    /// lost their phone). They sign in with the password alone, or enrol again at
    /// sign-in if the tenant requires a second factor.
    pub async fn reset_mfa(&self, caller: &Caller, tenant: &TenantId, user: &UserId) -> Result<(), AdminError> {
        self.changeable_user(caller, tenant, user).await?;
        self.store.delete_mfa(tenant, user).await?;
        self.store.delete_passkeys(tenant, user).await?;
        self.record_change(caller, tenant, "user.second_factors_reset", user.as_str(), |e| e.user(user)).await;
        Ok(())
    }
}
