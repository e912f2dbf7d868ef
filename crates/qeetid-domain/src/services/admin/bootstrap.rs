//! Authentication of admin callers and the bootstrap key of a new deployment.

use super::Admin;
use crate::api_key::{API_KEY_PREFIX, ApiKey, Caller, KeyScope};
use crate::error::{AdminError, StoreError, ValidationError};
use crate::id::ApiKeyId;
use crate::ports::AdminStore;
use crate::secret::Secret;
use crate::tenant::DisplayName;

/// The fixed id of the bootstrap key, so that two instances starting at once on
/// one database cannot both create one.
const BOOTSTRAP_KEY_ID: &str = "key_deploymentbootstrap";

impl<S: AdminStore> Admin<S> {
    /// The caller behind a presented API key.
    pub async fn authenticate(&self, presented: &str) -> Result<Caller, AdminError> {
        if !presented.starts_with(API_KEY_PREFIX) {
            return Err(AdminError::Unauthenticated);
        }
        let hash = Secret::presented(presented).hash();
        let key = self.store.find_api_key_by_hash(&hash).await?.ok_or(AdminError::Unauthenticated)?;
        Ok(Caller { key_id: key.id, scope: key.scope, admin: None })
    }

    /// Creates the deployment's first admin key when it has none, and returns it
    /// (to print once). `pinned` is used instead of a random key when given
    /// (`QEETID_BOOTSTRAP_ADMIN_KEY`); it must look like a key: `qak_` and at least
    /// 32 more characters. `Ok(None)` when a deployment key already exists.
    pub async fn bootstrap_admin_key(&self, pinned: Option<&str>) -> Result<Option<Secret>, AdminError> {
        let key = match pinned {
            Some(p) if p.starts_with(API_KEY_PREFIX) && p.len() >= API_KEY_PREFIX.len() + 32 => Secret::presented(p),
            Some(_) => {
                return Err(ValidationError::new(
                    "QEETID_BOOTSTRAP_ADMIN_KEY",
                    "must start with qak_ and have at least 32 more characters",
                )
                .into());
            }
            None => Secret::generate(API_KEY_PREFIX, self.cx.random.as_ref()),
        };
        if self.store.has_deployment_key().await? {
            return Ok(None);
        }
        let record = ApiKey {
            id: ApiKeyId::from_trusted(BOOTSTRAP_KEY_ID),
            scope: KeyScope::Deployment,
            name: DisplayName::from_stored("bootstrap admin key".to_owned()),
            key_hash: key.hash(),
            created_at: self.cx.clock.now(),
        };
        match self.store.insert_api_key(&record).await {
            Ok(()) => Ok(Some(key)),
            // Another instance bootstrapped first.
            Err(StoreError::Conflict(_)) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}
