//! Back-channel logout delivery (OpenID Connect Back-Channel Logout 1.0 §2.4–2.7):
//! the outbox rows queued when sessions end are claimed, turned into signed logout
//! tokens and POSTed to the clients, with bounded retries.

use super::Tokens;
use crate::error::StoreError;
use crate::logout::{BACKCHANNEL_LOGOUT_EVENT, DeliveryOutcome, LOGOUT_TOKEN_TYPE, LogoutDelivery};
use crate::oauth::Claims;
use crate::ports::{LogoutSender, TokenStore};
use crate::random::random_token;

/// Deliveries claimed per round.
const BATCH: i64 = 32;
/// How long a claimed row is held by its sender before another may claim it (a
/// sender that stopped mid-round): longer than one round of sends takes.
const LEASE_SECONDS: i64 = 60;
/// A logout token's lifetime (§2.4 recommends a short one).
const LOGOUT_TOKEN_SECONDS: i64 = 120;

impl<S: TokenStore> Tokens<S> {
    /// One round of back-channel logout delivery: claims the due rows, signs a
    /// logout token for each with the client's ID token algorithm, sends them all
    /// through `sender` and records each outcome. A failed offer is retried with
    /// backoff (`ProviderSettings::logout_retry_seconds`, doubling) until
    /// [`MAX_DELIVERY_ATTEMPTS`](crate::logout::MAX_DELIVERY_ATTEMPTS); a client that
    /// no longer has a back-channel URI is not told. Answers how many rows it settled.
    pub async fn deliver_logouts(&self, sender: &dyn LogoutSender) -> Result<usize, StoreError> {
        let now = self.cx.clock.now();
        let claimed = self.store.claim_logout_deliveries(now, now.plus_secs(LEASE_SECONDS), BATCH).await?;
        let mut outcomes: Vec<(String, DeliveryOutcome)> = Vec::with_capacity(claimed.len());
        let mut batch = Vec::new();
        let mut sent = Vec::new();
        for delivery in claimed {
            match self.offer(&delivery).await? {
                Offer::Send { uri, token } => {
                    batch.push((uri, token));
                    sent.push(delivery);
                }
                Offer::NotWanted => outcomes.push((delivery.id, DeliveryOutcome::Delivered)),
                Offer::Unsigned(error) => outcomes.push((delivery.id.clone(), self.failed(&delivery, error))),
            }
        }
        let answers = if batch.is_empty() { Vec::new() } else { sender.send_logout_tokens(batch).await };
        let mut answers = answers.into_iter();
        for delivery in sent {
            let outcome = match answers.next() {
                Some(Ok(())) => DeliveryOutcome::Delivered,
                Some(Err(e)) => self.failed(&delivery, e.0),
                None => self.failed(&delivery, "the sender gave no answer".to_owned()),
            };
            outcomes.push((delivery.id, outcome));
        }
        for (id, outcome) in &outcomes {
            self.store.settle_logout_delivery(id, outcome).await?;
        }
        Ok(outcomes.len())
    }

    fn failed(&self, delivery: &LogoutDelivery, error: String) -> DeliveryOutcome {
        DeliveryOutcome::after_failure(
            delivery.attempts,
            self.cx.clock.now(),
            self.cx.settings.logout_retry_seconds,
            error,
        )
    }

    /// What to send for `delivery`: the client's back-channel URI and a signed
    /// logout token. The client is read through the client cache (a round holds
    /// many deliveries of few clients).
    async fn offer(&self, delivery: &LogoutDelivery) -> Result<Offer, StoreError> {
        let Some(client) = self.cached_client(&delivery.client_id).await? else { return Ok(Offer::NotWanted) };
        let Some(endpoint) = client.settings.logout_notices().backchannel.clone() else {
            return Ok(Offer::NotWanted);
        };
        let now = self.cx.clock.now();
        let claims = Claims::new()
            .str("iss", self.cx.settings.issuer.as_str())
            .str("sub", self.cx.subject_of(&client, &delivery.user_id))
            .str("aud", client.id.as_str())
            .int("iat", now.as_secs())
            .int("exp", now.plus_secs(LOGOUT_TOKEN_SECONDS).as_secs())
            .str("jti", random_token::<16>(self.cx.random.as_ref()))
            .object("events", Claims::new().object(BACKCHANNEL_LOGOUT_EVENT, Claims::new()))
            .maybe_str("sid", delivery.session_id.as_ref().map(|s| s.as_str().to_owned()))
            .str("tid", delivery.tenant_id.as_str());
        Ok(match self.signer.sign(client.settings.id_token_alg(), LOGOUT_TOKEN_TYPE, &claims) {
            Ok(token) => Offer::Send { uri: endpoint.uri().to_owned(), token },
            Err(e) => Offer::Unsigned(format!("signing: {}", e.0)),
        })
    }
}

/// What one claimed delivery comes to before anything is sent.
enum Offer {
    /// POST `token` to `uri`.
    Send {
        /// The client's back-channel logout URI.
        uri: String,
        /// The signed logout token.
        token: String,
    },
    /// The client is gone or no longer has a back-channel URI: nothing to tell.
    NotWanted,
    /// The token could not be signed: why.
    Unsigned(String),
}
