//! Queueing messages (sealed, with their single-use links) and delivering the
//! outbox: every instance looks for due messages; the store's claim gives each
//! message to one sender; a failed offer is retried with growing waits.

use crate::error::StoreError;
use crate::id::{RequestId, TenantId};
use crate::locale::Locale;
use crate::logout::DeliveryOutcome;
use crate::mail::mail_seal_context;
use crate::mail::{AccountLink, LinkPurpose, Mail, MailKind, QueuedMail, RESET_LINK_MINUTES, VERIFY_LINK_HOURS};
use crate::ports::{AccountLinkRepository, MailOutboxRepository, MailSender, SecretSealer, ThrottleRepository};
use crate::random::random_token;
use crate::secret::Secret;
use crate::services::Context;
use crate::services::authorization::FlowError;
use crate::services::throttle::{self, Guard, OnSuccess};
use crate::tenant::Tenant;
use crate::user::User;

/// Seconds a sender holds a claimed message before another may offer it.
const LEASE_SECONDS: i64 = 60;
/// Messages one round claims at most.
const BATCH: i64 = 20;
/// Seconds before the first retry (doubling each time).
const RETRY_BASE_SECONDS: i64 = 30;

/// Seals `mail` and puts it in the outbox, then tells the sender.
pub(crate) async fn queue<S: MailOutboxRepository>(
    store: &S,
    cx: &Context,
    sealer: &dyn SecretSealer,
    tenant: &TenantId,
    mail: &Mail,
) -> Result<(), FlowError> {
    let id = format!("mail_{}", random_token::<16>(cx.random.as_ref()));
    let sealed_message =
        sealer.seal(&mail_seal_context(&id), mail.encode().as_bytes()).map_err(|e| FlowError::Internal(Box::new(e)))?;
    let now = cx.clock.now();
    let queued = QueuedMail {
        id,
        tenant_id: tenant.clone(),
        sealed_message,
        attempts: 0,
        next_attempt_at: now,
        created_at: now,
    };
    store.queue_mail(&queued).await?;
    if let Some(signal) = &cx.mail_queued {
        signal();
    }
    Ok(())
}

/// The page a link of `purpose` opens.
fn link_path(purpose: LinkPurpose) -> &'static str {
    match purpose {
        LinkPurpose::PasswordReset => "/password/reset",
        LinkPurpose::VerifyEmail => "/email/verify",
    }
}

/// What a link is for, the sign-in to return to once it is used, and the language
/// of the message that carries it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LinkAsk<'a> {
    pub(crate) purpose: LinkPurpose,
    pub(crate) request: Option<&'a RequestId>,
    pub(crate) locale: Locale,
}

/// Makes a single-use link for `user` (only its hash is stored) and queues the
/// message that carries it.
pub(crate) async fn send_link<S: MailOutboxRepository + AccountLinkRepository>(
    store: &S,
    cx: &Context,
    sealer: &dyn SecretSealer,
    user: &User,
    tenant: &Tenant,
    ask: LinkAsk<'_>,
) -> Result<(), FlowError> {
    let LinkAsk { purpose, request, locale } = ask;
    let token = Secret::generate(purpose.token_prefix(), cx.random.as_ref());
    let minutes = match purpose {
        LinkPurpose::PasswordReset => RESET_LINK_MINUTES,
        LinkPurpose::VerifyEmail => VERIFY_LINK_HOURS * 60,
    };
    let now = cx.clock.now();
    let link = AccountLink {
        token_hash: token.hash(),
        purpose,
        tenant_id: user.tenant_id.clone(),
        user_id: user.id.clone(),
        email: user.email.clone(),
        request_id: request.cloned(),
        created_at: now,
        expires_at: now.plus_secs(minutes * 60),
    };
    store.insert_account_link(&link).await?;
    let kind = match purpose {
        LinkPurpose::PasswordReset => MailKind::PasswordReset,
        LinkPurpose::VerifyEmail => MailKind::VerifyEmail,
    };
    let mail = Mail {
        kind,
        to: user.email.clone(),
        tenant_name: tenant.name.as_str().to_owned(),
        user_name: user.name.clone(),
        link: format!("{}{}?token={}", cx.settings.issuer, link_path(purpose), token.expose()),
        valid_minutes: minutes,
        accent: tenant.branding.primary_color.map(|c| c.to_hex()),
        support_url: tenant.branding.support_url.clone(),
        logo_url: tenant.logo_path().map(|path| format!("{}{path}", cx.settings.issuer)),
        locale,
    };
    queue(store, cx, sealer, &user.tenant_id, &mail).await
}

/// Whether one more unasked-for message may go to the recipient keyed `key`: three
/// an hour ([`RESETS_PER_ADDRESS`](super::RESETS_PER_ADDRESS)); past that `false`,
/// quietly (the page already pointed to a message sent before).
///
/// # Errors
/// When the store fails.
pub(crate) async fn within_quota<S: ThrottleRepository>(
    store: &S,
    cx: &Context,
    key: String,
) -> Result<bool, FlowError> {
    let guard = Guard::new(key, super::RESETS_PER_ADDRESS, OnSuccess::Refund);
    match throttle::count_use(store, cx.clock.as_ref(), vec![guard]).await {
        Ok(()) => Ok(true),
        Err(FlowError::Throttled { .. }) => Ok(false),
        Err(other) => Err(other),
    }
}

/// Sends `user` a link to confirm their address, back to `request` once used,
/// within [`within_quota`] per user.
///
/// # Errors
/// When the store fails or the message cannot be sealed.
pub(crate) async fn send_verification<S: MailOutboxRepository + AccountLinkRepository + ThrottleRepository>(
    store: &S,
    cx: &Context,
    sealer: &dyn SecretSealer,
    user: &User,
    tenant: &Tenant,
    request: Option<&RequestId>,
    locale: Locale,
) -> Result<(), FlowError> {
    if !within_quota(store, cx, format!("verify:{}:{}", user.tenant_id, user.id)).await? {
        return Ok(());
    }
    let ask = LinkAsk { purpose: LinkPurpose::VerifyEmail, request, locale };
    send_link(store, cx, sealer, user, tenant, ask).await
}

/// Claims the due messages and offers each to `sender`: delivered ones go, failed
/// ones wait 30 s, 60 s, 120 s … and are given up after six offers. Returns how
/// many were offered (0: nothing was due). A message given up on stays in the
/// outbox, failed, with its last error, for the operator.
///
/// # Errors
/// When the store fails.
pub(crate) async fn deliver<S: MailOutboxRepository>(
    store: &S,
    cx: &Context,
    sealer: &dyn SecretSealer,
    sender: &dyn MailSender,
) -> Result<usize, StoreError> {
    let now = cx.clock.now();
    let claimed = store.claim_mail(now, now.plus_secs(LEASE_SECONDS), BATCH).await?;
    let offered = claimed.len();
    for queued in claimed {
        let opened = sealer
            .open(&mail_seal_context(&queued.id), &queued.sealed_message)
            .map_err(|e| e.to_string())
            .and_then(|plain| String::from_utf8(plain).map_err(|e| e.to_string()))
            .and_then(|text| Mail::decode(&text).map_err(|e| e.to_string()));
        let outcome = match opened {
            // A message that cannot be opened will never be: give it up at once.
            Err(why) => DeliveryOutcome::GaveUp { error: format!("the queued message cannot be read: {why}") },
            Ok(mail) => match sender.send_mail(mail).await {
                Ok(()) => DeliveryOutcome::Delivered,
                Err(error) => {
                    DeliveryOutcome::after_failure(queued.attempts, cx.clock.now(), RETRY_BASE_SECONDS, error)
                }
            },
        };
        store.settle_mail(&queued.id, &outcome).await?;
    }
    Ok(offered)
}
