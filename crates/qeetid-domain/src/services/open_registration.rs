//! Which tenant accepts client registration without an initial access token (and
//! clients known by their metadata documents): the one the configuration names
//! (`open_registration_tenant`), else the one a deployment admin opened through the
//! admin API or the dashboard. The stored choice is read at most once per
//! `client_cache_seconds` per instance, so another instance's change is seen within
//! that time, like a client's.

use std::sync::Mutex;

use super::Context;
use crate::error::StoreError;
use crate::id::TenantId;
use crate::ports::TenantRepository;
use crate::time::UnixTime;

/// Where open registration stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenRegistration {
    /// The tenant that accepts it; `None`: off.
    pub tenant: Option<TenantId>,
    /// Whether the configuration chose it (then the admin API cannot change it).
    pub configured: bool,
}

/// This instance's copy of the stored choice.
pub(crate) struct OpenRegistrationCache {
    seconds: i64,
    cached: Mutex<Option<(Option<TenantId>, UnixTime)>>,
}

impl OpenRegistrationCache {
    /// A cache that keeps the stored choice for `seconds` (0: never).
    pub(crate) fn new(seconds: i64) -> Self {
        Self { seconds, cached: Mutex::new(None) }
    }

    fn slot(&self) -> std::sync::MutexGuard<'_, Option<(Option<TenantId>, UnixTime)>> {
        self.cached.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Forgets the copy (after this instance changed the choice).
    pub(crate) fn forget(&self) {
        *self.slot() = None;
    }
}

/// Where open registration stands now.
pub(crate) async fn open_registration<S: TenantRepository>(
    store: &S,
    cx: &Context,
) -> Result<OpenRegistration, StoreError> {
    if let Some(tenant) = &cx.settings.open_registration_tenant {
        return Ok(OpenRegistration { tenant: Some(tenant.clone()), configured: true });
    }
    let now = cx.clock.now();
    let cache = &cx.open_registration;
    if let Some((tenant, until)) = cache.slot().as_ref()
        && *until > now
    {
        return Ok(OpenRegistration { tenant: tenant.clone(), configured: false });
    }
    let tenant = store.open_registration_tenant().await?;
    if cache.seconds > 0 {
        *cache.slot() = Some((tenant.clone(), now.plus_secs(cache.seconds)));
    }
    Ok(OpenRegistration { tenant, configured: false })
}

/// The tenant that accepts open registration now, if any.
pub(crate) async fn open_registration_tenant<S: TenantRepository>(
    store: &S,
    cx: &Context,
) -> Result<Option<TenantId>, StoreError> {
    Ok(open_registration(store, cx).await?.tenant)
}
