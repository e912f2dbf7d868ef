//! The e-mail sender: every instance delivers what is due in the outbox, at once
//! when a message is queued here and every few seconds for the rest (messages
//! queued by other instances, retries); the store's claim gives each message to
//! one instance.

use std::sync::Arc;
use std::time::Duration;

use qeetid_domain::ports::MailSender;
use qeetid_domain::services::Accounts;
use qeetid_store::DieselStore;
use tokio::sync::Notify;

/// How often the outbox is looked at without a signal.
const LOOK_EVERY: Duration = Duration::from_secs(5);
/// Rounds per wake-up at most, so a backlog is worked through in turns.
const MAX_ROUNDS: usize = 20;

/// Starts the delivery loop on the current runtime.
pub(crate) fn spawn(accounts: Accounts<DieselStore>, sender: Arc<dyn MailSender>, queued: Arc<Notify>) {
    tokio::spawn(async move {
        loop {
            let _ = tokio::time::timeout(LOOK_EVERY, queued.notified()).await;
            for _ in 0..MAX_ROUNDS {
                match accounts.deliver_mail(sender.as_ref()).await {
                    Ok(0) => break,
                    Ok(n) => tracing::debug!(messages = n, "e-mail offered"),
                    Err(e) => {
                        tracing::warn!(error = %e, "e-mail delivery failed; will retry");
                        break;
                    }
                }
            }
        }
    });
}
