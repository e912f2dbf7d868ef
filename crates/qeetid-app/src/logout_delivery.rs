//! The back-channel logout sender: every instance looks for due logout tokens in
//! the outbox and delivers them (the store's claim gives each row to one instance).

use std::sync::Arc;
use std::time::Duration;

use qeetid_domain::Tokens;
use qeetid_domain::ports::LogoutSender;
use qeetid_store::DieselStore;

/// Rounds per tick at most, so a backlog is worked through without starving the rest.
const MAX_ROUNDS: usize = 20;

/// Starts the delivery loop on the current runtime, looking every `every`.
pub(crate) fn spawn(tokens: Tokens<DieselStore>, sender: Arc<dyn LogoutSender>, every: Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            for _ in 0..MAX_ROUNDS {
                match tokens.deliver_logouts(sender.as_ref()).await {
                    Ok(0) => break,
                    Ok(n) => tracing::debug!(deliveries = n, "back-channel logouts settled"),
                    Err(e) => {
                        tracing::warn!(error = %e, "back-channel logout delivery failed; will retry");
                        break;
                    }
                }
            }
        }
    });
}
