//! Admin API keys and who a key lets its caller act as.

use crate::error::AdminError;
use crate::id::{ApiKeyId, TenantId, UserId};
use crate::secret::SecretHash;
use crate::tenant::DisplayName;
use crate::time::UnixTime;

/// Prefix of admin API keys, for secret scanners.
pub const API_KEY_PREFIX: &str = "qak_";

/// What a key may reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyScope {
    /// Every tenant, and tenants themselves (the bootstrap key).
    Deployment,
    /// One tenant's objects only.
    Tenant(TenantId),
}

/// A stored admin API key (its hash, never the key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    /// `key_…`
    pub id: ApiKeyId,
    /// What it may reach.
    pub scope: KeyScope,
    /// What its owner called it.
    pub name: DisplayName,
    /// SHA-256 of the key.
    pub key_hash: SecretHash,
    /// When it was created.
    pub created_at: UnixTime,
}

/// The authenticated caller of an admin use case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The key that was presented.
    pub key_id: ApiKeyId,
    /// What it may reach.
    pub scope: KeyScope,
    /// The dashboard admin acting, when it is one (for the audit trail).
    pub admin: Option<UserId>,
}

impl Caller {
    /// Ok when the caller may act on `tenant`; otherwise "not found", so a key
    /// cannot even learn that another tenant's object exists.
    pub fn reach(&self, tenant: &TenantId, kind: &'static str) -> Result<(), AdminError> {
        match &self.scope {
            KeyScope::Deployment => Ok(()),
            KeyScope::Tenant(own) if own == tenant => Ok(()),
            KeyScope::Tenant(_) => Err(AdminError::NotFound(kind)),
        }
    }

    /// Ok only for a deployment key.
    pub fn require_deployment(&self, action: &'static str) -> Result<(), AdminError> {
        match self.scope {
            KeyScope::Deployment => Ok(()),
            KeyScope::Tenant(_) => Err(AdminError::Forbidden(action)),
        }
    }

    /// The caller's own tenant, for a tenant key.
    pub fn tenant(&self) -> Option<&TenantId> {
        match &self.scope {
            KeyScope::Deployment => None,
            KeyScope::Tenant(id) => Some(id),
        }
    }
}

impl Caller {
    /// The operator of the deployment acting through a server-side command
    /// (`qeetid seed`), which has shell access to the database already and so
    /// needs no key. Never built from a request.
    pub fn operator() -> Self {
        Self { key_id: ApiKeyId::from_trusted("key_operatorcommandline"), scope: KeyScope::Deployment, admin: None }
    }

    /// A signed-in admin dashboard user, reaching what their role reaches. Never
    /// built from an API key.
    pub fn dashboard(scope: KeyScope, admin: UserId) -> Self {
        Self { key_id: ApiKeyId::from_trusted("key_admindashboardsession"), scope, admin: Some(admin) }
    }
}
