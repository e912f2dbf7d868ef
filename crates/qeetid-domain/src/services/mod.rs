//! Use cases of the admin API, over the ports.

mod api_keys;
mod bootstrap;
mod clients;
mod tenants;
mod users;

use std::sync::Arc;

pub use api_keys::CreatedApiKey;
pub use clients::{RegisteredClient, RotatedSecret};
pub use users::{NewUser, UserPatch};

use crate::api_key::Caller;
use crate::error::AdminError;
use crate::id::TenantId;
use crate::ports::{Clock, PasswordHasher, Random, Store};
use crate::tenant::Tenant;

/// The domain's use cases, generic over the store and holding the other ports.
pub struct Services<S> {
    store: S,
    clock: Arc<dyn Clock>,
    random: Arc<dyn Random>,
    passwords: Arc<dyn PasswordHasher>,
}

impl<S: Clone> Clone for Services<S> {
    fn clone(&self) -> Self {
        Self {
            store: self.store.clone(),
            clock: Arc::clone(&self.clock),
            random: Arc::clone(&self.random),
            passwords: Arc::clone(&self.passwords),
        }
    }
}

impl<S: Store> Services<S> {
    /// Wires the use cases to their ports.
    pub fn new(store: S, clock: Arc<dyn Clock>, random: Arc<dyn Random>, passwords: Arc<dyn PasswordHasher>) -> Self {
        Self { store, clock, random, passwords }
    }

    /// The store, for adapters that need it directly (readiness checks).
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The tenant `id`, when the caller may reach it.
    async fn reachable_tenant(&self, caller: &Caller, id: &TenantId) -> Result<Tenant, AdminError> {
        caller.reach(id, "tenant")?;
        self.store.get_tenant(id).await?.ok_or(AdminError::NotFound("tenant"))
    }
}

#[cfg(test)]
mod tests;
