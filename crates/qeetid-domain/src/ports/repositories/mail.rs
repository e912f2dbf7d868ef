//! The e-mail outbox and the single-use links messages carry.

use std::future::Future;

use crate::error::StoreError;
use crate::id::{TenantId, UserId};
use crate::logout::DeliveryOutcome;
use crate::mail::{AccountLink, LinkPurpose, QueuedMail};
use crate::secret::SecretHash;
use crate::time::UnixTime;

/// Messages waiting to be sent (sealed), claimed by one sender at a time.
pub trait MailOutboxRepository: Send + Sync {
    /// Queues a message.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn queue_mail(&self, mail: &QueuedMail) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Claims at most `limit` messages due at `now` (not failed), oldest due first:
    /// each claimed row's `attempts` grows by one and its `next_attempt_at` becomes
    /// `lease_until`, in one atomic statement, so that of several senders sharing
    /// the database exactly one claims each message.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn claim_mail(
        &self,
        now: UnixTime,
        lease_until: UnixTime,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<QueuedMail>, StoreError>> + Send;
    /// Records what became of an offer: a delivered message is deleted (its link
    /// with it); a retry sets `next_attempt_at` and `last_error`; giving up marks
    /// the row failed.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn settle_mail(&self, id: &str, outcome: &DeliveryOutcome) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// Single-use links (password reset, address verification), by their token's hash.
pub trait AccountLinkRepository: Send + Sync {
    /// Stores a link.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn insert_account_link(&self, link: &AccountLink) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The unused, unexpired link for `purpose` with this hash (to show its form).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn find_account_link(
        &self,
        hash: &SecretHash,
        purpose: LinkPurpose,
        now: UnixTime,
    ) -> impl Future<Output = Result<Option<AccountLink>, StoreError>> + Send;
    /// Uses the link: deletes the unused, unexpired link for `purpose` with this
    /// hash and returns it, in one atomic statement, so that of two concurrent uses
    /// exactly one gets it; `Ok(None)` when there is no such link (used, expired,
    /// never made).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time;
    /// [`StoreError::Corrupt`] when a stored row does not hold a valid value.
    fn use_account_link(
        &self,
        hash: &SecretHash,
        purpose: LinkPurpose,
        now: UnixTime,
    ) -> impl Future<Output = Result<Option<AccountLink>, StoreError>> + Send;
    /// Deletes every link of the user for `purpose` (a new password makes older
    /// reset links void); returns how many.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn delete_account_links(
        &self,
        tenant: &TenantId,
        user: &UserId,
        purpose: LinkPurpose,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;
}
