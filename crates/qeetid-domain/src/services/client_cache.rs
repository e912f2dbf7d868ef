//! A short-lived cache of clients for client authentication at the token,
//! introspection and revocation endpoints, and for the client named at the
//! authorization endpoint, so that a busy client does not cost a database read
//! per request.
//!
//! Each instance keeps its own. A change made through this instance (update,
//! secret rotation, deletion, tenant deletion) drops the entry at once; a change
//! made through another instance sharing the database is seen within the time to
//! live (`client_cache_seconds`, two seconds by default, zero turns the cache off).
//! A lookup that started before a change never stores what it read: every change
//! bumps a generation, and an entry is stored only if the generation is still the
//! one seen before the read.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use crate::client::Client;
use crate::error::StoreError;
use crate::id::ClientId;
use crate::ports::ClientRepository;
use crate::time::UnixTime;

/// Entries kept at most; when full, the cache starts again empty.
const CAPACITY: usize = 10_000;

/// Clients read recently, by id.
pub(crate) struct ClientCache {
    ttl_secs: i64,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    generation: u64,
    entries: HashMap<ClientId, (Client, UnixTime)>,
}

/// The generation seen before a read, to hand back to [`ClientCache::store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Generation(u64);

impl ClientCache {
    /// A cache whose entries live `ttl_secs` seconds (none at all if zero or less).
    pub(crate) fn new(ttl_secs: i64) -> Self {
        Self { ttl_secs, state: Mutex::default() }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the map half-written in a way
        // that matters: at worst an entry is missing.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The client `id` if read less than the time to live before `now`.
    pub(crate) fn get(&self, id: &ClientId, now: UnixTime) -> Option<Client> {
        if self.ttl_secs <= 0 {
            return None;
        }
        let state = self.state();
        let (client, read_at) = state.entries.get(id)?;
        let age = now.as_secs() - read_at.as_secs();
        (0..self.ttl_secs).contains(&age).then(|| client.clone())
    }

    /// The generation to pass to [`Self::store`] after reading from the database.
    pub(crate) fn generation(&self) -> Generation {
        Generation(self.state().generation)
    }

    /// Keeps `client`, read at `now`, unless a change happened since `seen`.
    pub(crate) fn store(&self, client: &Client, seen: Generation, now: UnixTime) {
        if self.ttl_secs <= 0 {
            return;
        }
        let mut state = self.state();
        if state.generation != seen.0 {
            return;
        }
        if state.entries.len() >= CAPACITY {
            state.entries.clear();
        }
        state.entries.insert(client.id.clone(), (client.clone(), now));
    }

    /// Drops the entry for `id` (the client changed or is gone).
    pub(crate) fn forget(&self, id: &ClientId) {
        let mut state = self.state();
        state.generation += 1;
        state.entries.remove(id);
    }

    /// The client `id` from the cache, else read from `store` and kept (unless a
    /// change to clients raced the read: see [`Self::generation`]).
    ///
    /// # Errors
    /// The store's, when it is read.
    pub(crate) async fn read_through(
        &self,
        store: &impl ClientRepository,
        id: &ClientId,
        now: UnixTime,
    ) -> Result<Option<Client>, StoreError> {
        if let Some(client) = self.get(id, now) {
            return Ok(Some(client));
        }
        let seen = self.generation();
        let client = store.find_client(id).await?;
        if let Some(client) = &client {
            self.store(client, seen, now);
        }
        Ok(client)
    }

    /// Drops every entry (a tenant and its clients are gone).
    pub(crate) fn clear(&self) {
        let mut state = self.state();
        state.generation += 1;
        state.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::{ClientDraft, ClientSettings};
    use crate::id::TenantId;

    fn client(id: &str) -> Client {
        let settings = ClientSettings::validate(ClientDraft {
            name: "Cached".into(),
            client_type: "public".into(),
            redirect_uris: vec!["https://app.example/cb".into()],
            ..ClientDraft::default()
        })
        .expect("valid draft");
        Client {
            tenant_policy: Default::default(),
            id: ClientId::parse(id).expect("id"),
            tenant_id: TenantId::parse("tnt_AAAAAAAAAAAAAAAAAAAAAA").expect("tenant"),
            settings,
            secrets: None,
            created_at: UnixTime::from_secs(0),
            updated_at: UnixTime::from_secs(0),
            registration: None,
        }
    }

    const ID: &str = "qci_AAAAAAAAAAAAAAAAAAAAAA";

    #[test]
    fn an_entry_lives_for_its_time_to_live() {
        let cache = ClientCache::new(2);
        let c = client(ID);
        cache.store(&c, cache.generation(), UnixTime::from_secs(100));
        assert_eq!(cache.get(&c.id, UnixTime::from_secs(100)), Some(c.clone()));
        assert_eq!(cache.get(&c.id, UnixTime::from_secs(101)), Some(c.clone()));
        assert_eq!(cache.get(&c.id, UnixTime::from_secs(102)), None);
        assert_eq!(cache.get(&c.id, UnixTime::from_secs(99)), None, "a clock that went back is not trusted");
    }

    #[test]
    fn a_change_drops_the_entry_and_a_read_that_started_before_it_is_not_kept() {
        let cache = ClientCache::new(60);
        let c = client(ID);
        let now = UnixTime::from_secs(100);
        cache.store(&c, cache.generation(), now);
        let before_change = cache.generation();
        cache.forget(&c.id);
        assert_eq!(cache.get(&c.id, now), None);
        cache.store(&c, before_change, now);
        assert_eq!(cache.get(&c.id, now), None, "a stale read must not come back");
        cache.store(&c, cache.generation(), now);
        assert!(cache.get(&c.id, now).is_some());
        cache.clear();
        assert_eq!(cache.get(&c.id, now), None);
    }

    #[test]
    fn a_zero_time_to_live_keeps_nothing() {
        let cache = ClientCache::new(0);
        let c = client(ID);
        cache.store(&c, cache.generation(), UnixTime::from_secs(1));
        assert_eq!(cache.get(&c.id, UnixTime::from_secs(1)), None);
    }
}
