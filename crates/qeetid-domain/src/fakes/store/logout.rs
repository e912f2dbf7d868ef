//! Who hears of logouts, and the outbox of back-channel logout tokens, in memory.

use super::{InMemoryStore, Tables};
use crate::client::Client;
use crate::error::StoreError;
use crate::id::{ClientId, SessionId, TenantId, UserId};
use crate::logout::{DeliveryOutcome, LogoutDelivery};
use crate::oauth::ConsentGrant;
use crate::ports::LogoutRepository;
use crate::time::UnixTime;

/// Whether `client` registered a back-channel logout URI.
fn listens(t: &Tables, client: &ClientId) -> bool {
    t.clients.iter().any(|c| &c.id == client && c.settings.logout_notices().backchannel.is_some())
}

type SessionClient = (SessionId, ClientId, TenantId, UserId);

/// Queues one delivery of a logout for `(tenant, client, user)`, and `session` if any.
fn queue(t: &mut Tables, id: String, who: (&TenantId, &ClientId, &UserId), session: Option<SessionId>, now: UnixTime) {
    if t.logout_deliveries.iter().any(|d| d.id == id) {
        return;
    }
    t.logout_deliveries.push(LogoutDelivery {
        id,
        tenant_id: who.0.clone(),
        client_id: who.1.clone(),
        user_id: who.2.clone(),
        session_id: session,
        created_at: now,
        attempts: 0,
        next_attempt_at: now,
        failed: false,
        last_error: None,
    });
}

/// Queues a logout for every listening client of the `ended` sessions.
pub(super) fn queue_session_logouts(t: &mut Tables, ended: &[SessionId], now: UnixTime) {
    let rows: Vec<_> = t.session_clients.iter().filter(|(s, ..)| ended.contains(s)).cloned().collect();
    for row in &rows {
        if listens(t, &row.1) {
            queue(t, format!("{}:{}", row.0, row.1), (&row.2, &row.1, &row.3), Some(row.0.clone()), now);
        }
    }
    t.session_clients.retain(|(s, ..)| !ended.contains(s));
}

/// Queues the logouts a revoked grant sends (see `GrantRepository::delete_grant`).
pub(super) fn queue_grant_logout(t: &mut Tables, grant: &ConsentGrant, now: UnixTime) {
    if !listens(t, &grant.client_id) {
        return;
    }
    let same = |row: &SessionClient| row.1 == grant.client_id && row.2 == grant.tenant_id && row.3 == grant.user_id;
    let rows: Vec<_> = t.session_clients.iter().filter(|r| same(r)).cloned().collect();
    for row in &rows {
        queue(t, format!("{}:{}", row.0, row.1), (&row.2, &row.1, &row.3), Some(row.0.clone()), now);
    }
    if rows.is_empty() {
        queue(t, grant.id.to_string(), (&grant.tenant_id, &grant.client_id, &grant.user_id), None, now);
    }
    t.session_clients.retain(|r| !same(r));
}

impl LogoutRepository for InMemoryStore {
    async fn session_clients(&self, session: &SessionId) -> Result<Vec<Client>, StoreError> {
        let t = self.tables();
        Ok(t.clients
            .iter()
            .filter(|c| t.session_clients.iter().any(|(s, id, ..)| s == session && id == &c.id))
            .cloned()
            .collect())
    }

    async fn claim_logout_deliveries(
        &self,
        now: UnixTime,
        lease_until: UnixTime,
        limit: i64,
    ) -> Result<Vec<LogoutDelivery>, StoreError> {
        let mut t = self.tables();
        let mut due: Vec<&mut LogoutDelivery> =
            t.logout_deliveries.iter_mut().filter(|d| !d.failed && d.next_attempt_at <= now).collect();
        due.sort_by_key(|d| d.next_attempt_at);
        Ok(due
            .into_iter()
            .take(usize::try_from(limit).unwrap_or(0))
            .map(|d| {
                d.attempts += 1;
                d.next_attempt_at = lease_until;
                d.clone()
            })
            .collect())
    }

    async fn settle_logout_delivery(&self, id: &str, outcome: &DeliveryOutcome) -> Result<(), StoreError> {
        let mut t = self.tables();
        match outcome {
            DeliveryOutcome::Delivered => t.logout_deliveries.retain(|d| d.id != id),
            DeliveryOutcome::Retry { at, error } => {
                if let Some(d) = t.logout_deliveries.iter_mut().find(|d| d.id == id) {
                    d.next_attempt_at = *at;
                    d.last_error = Some(error.clone());
                }
            }
            DeliveryOutcome::GaveUp { error } => {
                if let Some(d) = t.logout_deliveries.iter_mut().find(|d| d.id == id) {
                    d.failed = true;
                    d.last_error = Some(error.clone());
                }
            }
        }
        Ok(())
    }

    async fn list_logout_deliveries(
        &self,
        tenant: &TenantId,
        client: &ClientId,
        limit: i64,
    ) -> Result<Vec<LogoutDelivery>, StoreError> {
        let t = self.tables();
        let mut rows: Vec<LogoutDelivery> =
            t.logout_deliveries.iter().filter(|d| &d.tenant_id == tenant && &d.client_id == client).cloned().collect();
        rows.sort_by_key(|d| std::cmp::Reverse((d.created_at, d.id.clone())));
        rows.truncate(usize::try_from(limit).unwrap_or(0));
        Ok(rows)
    }
}
