//! The e-mail outbox and single-use account links, in memory.

use super::InMemoryStore;
use crate::error::StoreError;
use crate::id::{TenantId, UserId};
use crate::logout::DeliveryOutcome;
use crate::mail::{AccountLink, LinkPurpose, QueuedMail};
use crate::ports::{AccountLinkRepository, MailOutboxRepository};
use crate::secret::SecretHash;
use crate::time::UnixTime;

/// A queued message and whether it ran out of attempts.
pub(super) type OutboxRow = (QueuedMail, bool);

impl MailOutboxRepository for InMemoryStore {
    async fn queue_mail(&self, mail: &QueuedMail) -> Result<(), StoreError> {
        self.tables().outbox.push((mail.clone(), false));
        Ok(())
    }

    async fn claim_mail(
        &self,
        now: UnixTime,
        lease_until: UnixTime,
        limit: i64,
    ) -> Result<Vec<QueuedMail>, StoreError> {
        let mut t = self.tables();
        let mut due: Vec<&mut OutboxRow> =
            t.outbox.iter_mut().filter(|(m, failed)| !failed && m.next_attempt_at <= now).collect();
        due.sort_by_key(|(m, _)| m.next_attempt_at);
        Ok(due
            .into_iter()
            .take(usize::try_from(limit).unwrap_or(0))
            .map(|(m, _)| {
                m.attempts += 1;
                m.next_attempt_at = lease_until;
                m.clone()
            })
            .collect())
    }

    async fn settle_mail(&self, id: &str, outcome: &DeliveryOutcome) -> Result<(), StoreError> {
        let mut t = self.tables();
        match outcome {
            DeliveryOutcome::Delivered => t.outbox.retain(|(m, _)| m.id != id),
            DeliveryOutcome::Retry { at, .. } => {
                if let Some((m, _)) = t.outbox.iter_mut().find(|(m, _)| m.id == id) {
                    m.next_attempt_at = *at;
                }
            }
            DeliveryOutcome::GaveUp { .. } => {
                if let Some((_, failed)) = t.outbox.iter_mut().find(|(m, _)| m.id == id) {
                    *failed = true;
                }
            }
        }
        Ok(())
    }
}

impl AccountLinkRepository for InMemoryStore {
    async fn insert_account_link(&self, link: &AccountLink) -> Result<(), StoreError> {
        self.tables().account_links.push(link.clone());
        Ok(())
    }

    async fn find_account_link(
        &self,
        hash: &SecretHash,
        purpose: LinkPurpose,
        now: UnixTime,
    ) -> Result<Option<AccountLink>, StoreError> {
        let t = self.tables();
        Ok(t.account_links
            .iter()
            .find(|l| &l.token_hash == hash && l.purpose == purpose && l.expires_at > now)
            .cloned())
    }

    async fn use_account_link(
        &self,
        hash: &SecretHash,
        purpose: LinkPurpose,
        now: UnixTime,
    ) -> Result<Option<AccountLink>, StoreError> {
        let mut t = self.tables();
        let at =
            t.account_links.iter().position(|l| &l.token_hash == hash && l.purpose == purpose && l.expires_at > now);
        Ok(at.map(|i| t.account_links.remove(i)))
    }

    async fn delete_account_links(
        &self,
        tenant: &TenantId,
        user: &UserId,
        purpose: LinkPurpose,
    ) -> Result<u64, StoreError> {
        let mut t = self.tables();
        let before = t.account_links.len();
        t.account_links.retain(|l| !(&l.tenant_id == tenant && &l.user_id == user && l.purpose == purpose));
        Ok((before - t.account_links.len()) as u64)
    }
}
