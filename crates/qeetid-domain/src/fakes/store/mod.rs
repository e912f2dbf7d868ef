//! The in-memory store: every repository port over one set of tables.

mod accounts;
mod factors;
mod flow;
mod logout;
mod mail;
mod registration;

use std::sync::{Arc, Mutex, MutexGuard};

use crate::api_key::ApiKey;
use crate::client::Client;
use crate::error::StoreError;
use crate::federation::{FederatedLink, IdentityProvider, UpstreamFlow};
use crate::id::{TenantId, UserId};
use crate::mfa::TotpFactor;
use crate::oauth::{
    AuthorizationCode, ConsentGrant, DeviceCode, PendingRequest, RefreshToken, Session, SigningKeyRecord,
};
use crate::page::PageRequest;
use crate::passkey::{StoredCeremony, StoredPasskey};
use crate::ports::{Housekeeping, Store};
use crate::registration::InitialAccessToken;
use crate::secret::SecretHash;
use crate::tenant::Tenant;
use crate::time::UnixTime;
use crate::user::User;

#[derive(Debug, Default)]
struct Tables {
    tenants: Vec<Tenant>,
    logos: Vec<(TenantId, crate::logo::LogoImage)>,
    api_keys: Vec<ApiKey>,
    users: Vec<User>,
    clients: Vec<Client>,
    requests: Vec<PendingRequest>,
    sessions: Vec<Session>,
    codes: Vec<(AuthorizationCode, Option<UnixTime>)>,
    grants: Vec<ConsentGrant>,
    refresh_tokens: Vec<RefreshToken>,
    signing_keys: Vec<SigningKeyRecord>,
    throttles: Vec<ThrottleRow>,
    denied_jtis: Vec<(String, UnixTime)>,
    device_codes: Vec<DeviceCode>,
    totp: Vec<TotpFactor>,
    passkeys: Vec<StoredPasskey>,
    ceremonies: Vec<StoredCeremony>,
    providers: Vec<IdentityProvider>,
    links: Vec<FederatedLink>,
    upstream_flows: Vec<UpstreamFlow>,
    recovery_codes: Vec<(TenantId, UserId, SecretHash, Option<UnixTime>)>,
    initial_tokens: Vec<InitialAccessToken>,
    open_registration: Option<TenantId>,
    /// (session, client, tenant, user): who was issued a code in which session.
    session_clients: Vec<(crate::id::SessionId, crate::id::ClientId, TenantId, UserId)>,
    logout_deliveries: Vec<crate::logout::LogoutDelivery>,
    pushed_requests: Vec<crate::oauth::PushedRequest>,
    spent_jtis: Vec<(String, UnixTime)>,
    token_exchanges: Vec<crate::oauth::TokenExchangeRecord>,
    events: Vec<crate::audit::AuditEvent>,
    outbox: Vec<mail::OutboxRow>,
    account_links: Vec<crate::mail::AccountLink>,
}

/// One throttle key's counter.
#[derive(Debug, Clone)]
pub(super) struct ThrottleRow {
    pub(super) key: String,
    pub(super) failures: u32,
    pub(super) last: UnixTime,
    pub(super) blocked_until: UnixTime,
}

/// Every repository in memory, shared between clones.
#[derive(Debug, Default, Clone)]
pub struct InMemoryStore(Arc<Mutex<Tables>>);

impl InMemoryStore {
    fn tables(&self) -> MutexGuard<'_, Tables> {
        // A panic while holding the lock only happens in a failing test; keep going.
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn page_of<T: Clone>(
    rows: impl Iterator<Item = T>,
    page: &PageRequest,
    key: impl Fn(&T) -> (UnixTime, String),
) -> Vec<T> {
    let mut rows: Vec<T> = rows
        .filter(|row| match &page.after {
            None => true,
            Some(c) => key(row) < (c.created_at, c.id.clone()),
        })
        .collect();
    rows.sort_by_key(|row| std::cmp::Reverse(key(row)));
    rows.truncate(usize::try_from(page.fetch_limit()).unwrap_or(usize::MAX));
    rows
}

fn replace<T>(rows: &mut [T], same: impl Fn(&T) -> bool, new: T) -> bool {
    match rows.iter_mut().find(|row| same(row)) {
        Some(row) => {
            *row = new;
            true
        }
        None => false,
    }
}

fn remove<T>(rows: &mut Vec<T>, same: impl Fn(&T) -> bool) -> bool {
    let before = rows.len();
    rows.retain(|row| !same(row));
    rows.len() != before
}

impl Housekeeping for InMemoryStore {
    async fn purge_expired(&self, now: UnixTime, _batch: i64) -> Result<u64, StoreError> {
        let mut t = self.tables();
        let before = t.requests.len()
            + t.codes.len()
            + t.sessions.len()
            + t.device_codes.len()
            + t.denied_jtis.len()
            + t.spent_jtis.len()
            + t.pushed_requests.len()
            + t.ceremonies.len();
        t.requests.retain(|r| r.expires_at > now);
        t.codes.retain(|(c, _)| c.expires_at > now);
        t.sessions.retain(|s| s.expires_at > now);
        let live: Vec<_> = t.sessions.iter().map(|s| s.id.clone()).collect();
        t.session_clients.retain(|(s, ..)| live.contains(s));
        t.ceremonies.retain(|c| c.expires_at > now);
        t.device_codes.retain(|d| d.expires_at > now);
        t.denied_jtis.retain(|(_, exp)| *exp > now);
        t.spent_jtis.retain(|(_, exp)| *exp > now);
        t.pushed_requests.retain(|p| p.expires_at > now);
        let after = t.requests.len()
            + t.codes.len()
            + t.sessions.len()
            + t.device_codes.len()
            + t.denied_jtis.len()
            + t.spent_jtis.len()
            + t.pushed_requests.len()
            + t.ceremonies.len();
        Ok((before - after) as u64)
    }
}

impl crate::ports::AuditRepository for InMemoryStore {
    async fn insert_event(&self, event: &crate::audit::AuditEvent) -> Result<(), StoreError> {
        self.tables().events.push(event.clone());
        Ok(())
    }

    async fn list_events(
        &self,
        tenant: &TenantId,
        filter: &crate::audit::EventFilter,
        page: &PageRequest,
    ) -> Result<Vec<crate::audit::AuditEvent>, StoreError> {
        let t = self.tables();
        let rows = t.events.iter().filter(|e| {
            e.tenant_id == *tenant
                && filter.kind.is_none_or(|k| e.kind == k)
                && filter.user_id.as_ref().is_none_or(|u| e.user_id.as_ref() == Some(u))
                && filter.client_id.as_ref().is_none_or(|c| e.client_id.as_ref() == Some(c))
                && filter.since.is_none_or(|s| e.at >= s)
                && filter.until.is_none_or(|u| e.at < u)
        });
        Ok(page_of(rows.cloned(), page, |e| (e.at, e.id.to_string())))
    }

    async fn purge_events(&self, before: UnixTime, _batch: i64) -> Result<u64, StoreError> {
        let mut t = self.tables();
        let count = t.events.len();
        t.events.retain(|e| e.at >= before);
        Ok((count - t.events.len()) as u64)
    }
}

impl Store for InMemoryStore {
    async fn ping(&self) -> Result<(), StoreError> {
        Ok(())
    }
}
