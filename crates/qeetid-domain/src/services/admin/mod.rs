//! The admin API's use cases: tenants, API keys (and the bootstrap key), users and
//! their second factors, clients, consent grants and initial access tokens. Every one checks the
//! [`Caller`]'s reach first: another tenant's object is "not found".

mod api_keys;
mod bootstrap;
mod clients;
mod events;
mod grants;
mod initial_tokens;
mod open_registration;
mod second_factors;
mod tenants;
mod users;

use std::sync::Arc;

pub use api_keys::CreatedApiKey;
pub use clients::{RegisteredClient, RotatedSecret};
pub use initial_tokens::{CreatedInitialToken, NewInitialToken};
pub use tenants::{BrandingPatch, TenantPatch};
pub(crate) use users::SESSIONS_LISTED;
pub use users::{NewUser, UserPatch};

use super::Context;
use crate::api_key::Caller;
use crate::error::AdminError;
use crate::id::TenantId;
use crate::ports::{AdminStore, PasswordHasher};
use crate::tenant::Tenant;

/// The admin API: tenants, API keys, users, clients and grants, over the store and
/// the password hasher.
#[derive(Clone)]
pub struct Admin<S> {
    store: S,
    cx: Context,
    passwords: Arc<dyn PasswordHasher>,
}

impl<S: AdminStore> Admin<S> {
    /// The admin use cases over `store`, hashing new passwords with `passwords`.
    pub fn new(store: S, cx: Context, passwords: Arc<dyn PasswordHasher>) -> Self {
        Self { store, cx, passwords }
    }

    /// The shared context.
    pub fn context(&self) -> &Context {
        &self.cx
    }

    /// The tenant `id`, when the caller may reach it.
    async fn reachable_tenant(&self, caller: &Caller, id: &TenantId) -> Result<Tenant, AdminError> {
        super::reachable_tenant(&self.store, caller, id).await
    }
}
