//! Initial access tokens of dynamic client registration (RFC 7591 §3): created
//! (shown once), listed, revoked.

use super::Admin;
use crate::api_key::Caller;
use crate::error::{AdminError, ValidationError};
use crate::id::{InitialTokenId, TenantId};
use crate::ports::AdminStore;
use crate::registration::{INITIAL_TOKEN_PREFIX, InitialAccessToken};
use crate::secret::Secret;
use crate::tenant::DisplayName;

/// Longest lifetime of an initial access token: a year.
const MAX_LIFETIME_SECONDS: i64 = 31_536_000;
/// Most registrations one token may admit.
const MAX_USES: u32 = 100_000;

/// What an admin asks for.
#[derive(Debug, Clone, Default)]
pub struct NewInitialToken {
    /// What it is for.
    pub label: String,
    /// Seconds until it expires (60 s to a year); `None`: never.
    pub expires_in: Option<i64>,
    /// Registrations it admits (1 to 100 000); `None`: unlimited.
    pub max_uses: Option<u32>,
}

/// A new token and its clear text, to show once.
#[derive(Debug)]
pub struct CreatedInitialToken {
    /// The stored record.
    pub token: InitialAccessToken,
    /// The token itself.
    pub secret: Secret,
}

impl<S: AdminStore> Admin<S> {
    /// Creates an initial access token that admits registrations to `tenant`.
    pub async fn create_initial_token(
        &self,
        caller: &Caller,
        tenant: &TenantId,
        new: NewInitialToken,
    ) -> Result<CreatedInitialToken, AdminError> {
        self.reachable_tenant(caller, tenant).await?;
        let label = DisplayName::parse("label", &new.label)?;
        if new.expires_in.is_some_and(|s| !(60..=MAX_LIFETIME_SECONDS).contains(&s)) {
            return Err(
                ValidationError::new("expires_in_seconds", "60 seconds to a year, or left out for never").into()
            );
        }
        if new.max_uses.is_some_and(|n| !(1..=MAX_USES).contains(&n)) {
            return Err(ValidationError::new("max_uses", format!("1 to {MAX_USES}, or left out for unlimited")).into());
        }
        let secret = Secret::generate(INITIAL_TOKEN_PREFIX, self.cx.random.as_ref());
        let now = self.cx.clock.now();
        let token = InitialAccessToken {
            id: InitialTokenId::generate(self.cx.random.as_ref()),
            tenant_id: tenant.clone(),
            label: label.as_str().to_owned(),
            token_hash: secret.hash(),
            expires_at: new.expires_in.map(|s| now.plus_secs(s)),
            uses_left: new.max_uses,
            created_at: now,
        };
        self.store.insert_initial_token(&token).await?;
        self.record_change(caller, tenant, "initial_access_token.created", token.id.as_str(), |e| {
            e.detail("after.label", token.label.as_str())
        })
        .await;
        Ok(CreatedInitialToken { token, secret })
    }

    /// The tenant's initial access tokens (never the tokens themselves).
    pub async fn list_initial_tokens(
        &self,
        caller: &Caller,
        tenant: &TenantId,
    ) -> Result<Vec<InitialAccessToken>, AdminError> {
        self.reachable_tenant(caller, tenant).await?;
        Ok(self.store.list_initial_tokens(tenant).await?)
    }

    /// Revokes one of the tenant's initial access tokens (clients it admitted stay).
    pub async fn delete_initial_token(
        &self,
        caller: &Caller,
        tenant: &TenantId,
        id: &InitialTokenId,
    ) -> Result<(), AdminError> {
        self.reachable_tenant(caller, tenant).await?;
        if !self.store.delete_initial_token(tenant, id).await? {
            return Err(AdminError::NotFound("initial access token"));
        }
        self.record_change(caller, tenant, "initial_access_token.deleted", id.as_str(), |e| e).await;
        Ok(())
    }
}
