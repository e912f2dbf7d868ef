//! Accounts by e-mail: a forgotten password reset by a single-use link, an
//! address proved by its link, and self sign-up on the hosted login; and the
//! outbox those messages wait in (`outbox.rs`).
//!
//! Asking for a reset answers the same whether or not the address has an account
//! (OWASP Forgot Password Cheat Sheet), and so does signing up with an address
//! that has one (its owner is told by e-mail instead). Links are 256-bit tokens
//! of which only the hash is stored, used once, and short-lived.

pub(crate) mod outbox;
mod sign_up;

use crate::locale::Locale;
use std::net::IpAddr;
use std::sync::Arc;

pub use sign_up::{SignUp, SignUpOutcome};

use super::Context;
use super::authorization::{Authorization, FlowError};
use super::throttle::{self, Guard, OnSuccess, source_key};
use crate::audit::{Actor, EventKind, NewEvent};
use crate::error::StoreError;
use crate::id::{RequestId, TenantId};
use crate::mail::{AccountLink, LinkPurpose};
use crate::ports::{AccountStore, MailSender, PasswordHasher, SecretSealer, ThrottleRule};
use crate::secret::Secret;
use crate::services::audit;
use crate::tenant::Tenant;
use crate::user::{Email, Password};

/// Reset links asked for one address: three an hour, then growing waits.
pub(crate) const RESETS_PER_ADDRESS: ThrottleRule =
    ThrottleRule { free: 3, window_seconds: 3600, hold_seconds: 30, max_delay_seconds: 3600 };
/// Reset links and sign-ups asked from one client address: twenty an hour.
const MAIL_FROM_SOURCE: ThrottleRule =
    ThrottleRule { free: 20, window_seconds: 3600, hold_seconds: 30, max_delay_seconds: 3600 };

/// A request for a password-reset link, from the "Forgot password?" page.
#[derive(Debug, Clone, Copy)]
pub struct PasswordResetRequest<'a> {
    /// The tenant whose account it is.
    pub tenant: &'a TenantId,
    /// The address typed.
    pub email: &'a str,
    /// The sign-in the user was in, to go back to once the password is set.
    pub request: Option<&'a RequestId>,
    /// The client's address, for the throttles.
    pub source: Option<IpAddr>,
    /// The admin who sent it from the dashboard, if it was not the user.
    pub sent_by: Option<&'a crate::api_key::Caller>,
    /// The language of the page it was asked on (`None`: the tenant's default).
    pub locale: Option<Locale>,
}

/// What a used link did: where the user goes next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkUsed {
    /// The account's tenant.
    pub tenant_id: TenantId,
    /// Its slug, for the account page's address.
    pub tenant_slug: String,
    /// The account's address.
    pub email: Email,
    /// The sign-in the user was in when the link was asked for.
    pub request_id: Option<RequestId>,
}

/// Recovery, verification and sign-up by e-mail, over the store, the password
/// hasher and the sealer that keeps queued messages unreadable in the database.
#[derive(Clone)]
pub struct Accounts<S> {
    store: S,
    cx: Context,
    passwords: Arc<dyn PasswordHasher>,
    sealer: Arc<dyn SecretSealer>,
    authorization: Authorization<S>,
}

impl<S: AccountStore> Accounts<S> {
    /// The account flows; a sign-up continues the pending request through `authorization`.
    pub fn new(
        store: S,
        cx: Context,
        passwords: Arc<dyn PasswordHasher>,
        sealer: Arc<dyn SecretSealer>,
        authorization: Authorization<S>,
    ) -> Self {
        Self { store, cx, passwords, sealer, authorization }
    }

    /// The tenant, or [`FlowError::RequestNotFound`].
    async fn tenant(&self, id: &TenantId) -> Result<Tenant, FlowError> {
        self.store.get_tenant(id).await?.ok_or(FlowError::RequestNotFound)
    }

    /// The tenant's logo image, to serve it (the hosted pages show it to anyone).
    ///
    /// # Errors
    /// When the store fails.
    pub async fn tenant_logo(&self, tenant: &TenantId) -> Result<Option<crate::logo::LogoImage>, StoreError> {
        self.store.tenant_logo(tenant).await
    }

    /// Sends a password-reset link to `email` when it has an account in the tenant
    /// (not disabled); answers the same either way. Throttled per address and per
    /// client address.
    ///
    /// # Errors
    /// [`FlowError::Throttled`] past the limits; [`FlowError::InvalidInput`] for
    /// text that is not an e-mail address.
    pub async fn request_password_reset(&self, ask: PasswordResetRequest<'_>) -> Result<(), FlowError> {
        let email = Email::parse(ask.email)?;
        let tenant = self.tenant(ask.tenant).await?;
        let guards = vec![
            Guard::new(format!("reset:{}:{}", tenant.id, email.as_str()), RESETS_PER_ADDRESS, OnSuccess::Refund),
            Guard::new(format!("mail-from:{}", source_key(ask.source)), MAIL_FROM_SOURCE, OnSuccess::Refund),
        ];
        throttle::count_use(&self.store, self.cx.clock.as_ref(), guards).await?;
        let Some(user) = self.store.find_user_by_email(&tenant.id, &email).await? else { return Ok(()) };
        if user.disabled_at.is_some() {
            return Ok(());
        }
        outbox::send_link(
            &self.store,
            &self.cx,
            self.sealer.as_ref(),
            &user,
            &tenant,
            outbox::LinkAsk {
                purpose: LinkPurpose::PasswordReset,
                request: ask.request,
                locale: ask.locale.unwrap_or(tenant.branding.default_locale),
            },
        )
        .await?;
        let actor = ask.sent_by.map_or_else(|| Actor::User(user.id.clone()), |admin| Actor::Admin(admin.clone()));
        let event = NewEvent::new(tenant.id.clone(), EventKind::PasswordResetRequested, actor)
            .user(&user.id)
            .address(ask.source);
        audit::record(&self.store, &self.cx, event).await;
        Ok(())
    }

    /// Sends a verification link to the user's address when it is not verified (an
    /// admin changed it): at most three an hour per user, quietly skipped past that.
    ///
    /// # Errors
    /// When the store fails.
    pub async fn send_verification(&self, tenant: &TenantId, user: &crate::id::UserId) -> Result<(), FlowError> {
        let Some(user) = self.store.get_user(tenant, user).await? else { return Ok(()) };
        if user.email_verified {
            return Ok(());
        }
        let tenant = self.tenant(tenant).await?;
        let locale = tenant.branding.default_locale;
        outbox::send_verification(&self.store, &self.cx, self.sealer.as_ref(), &user, &tenant, None, locale).await
    }

    /// The live link `token` of `purpose` (to show its page), without using it.
    ///
    /// # Errors
    /// [`FlowError::LinkInvalid`] when it is unknown, used or expired.
    pub async fn link(&self, token: &str, purpose: LinkPurpose) -> Result<AccountLink, FlowError> {
        let hash = Secret::presented(token.trim()).hash();
        self.store.find_account_link(&hash, purpose, self.cx.clock.now()).await?.ok_or(FlowError::LinkInvalid)
    }

    /// Sets a new password by the reset link `token`: the password is checked first
    /// (a bad one leaves the link usable), the link is used once, every session of
    /// the user ends, other reset links die, the address counts as verified (the
    /// link reached it), and the sign-in throttle on the account forgets its failures.
    ///
    /// # Errors
    /// [`FlowError::InvalidInput`] for a password the rules refuse;
    /// [`FlowError::LinkInvalid`] when the link is unknown, used or expired.
    pub async fn reset_password(&self, token: &str, new_password: &str) -> Result<LinkUsed, FlowError> {
        self.link(token, LinkPurpose::PasswordReset).await?;
        let password = Password::chosen(new_password.to_owned())?;
        let hash = self.passwords.hash(password).await.map_err(|e| FlowError::Internal(Box::new(e)))?;
        let now = self.cx.clock.now();
        let presented = Secret::presented(token.trim()).hash();
        let link = self
            .store
            .use_account_link(&presented, LinkPurpose::PasswordReset, now)
            .await?
            .ok_or(FlowError::LinkInvalid)?;
        let mut user = self.store.get_user(&link.tenant_id, &link.user_id).await?.ok_or(FlowError::LinkInvalid)?;
        if user.email != link.email || user.disabled_at.is_some() {
            return Err(FlowError::LinkInvalid);
        }
        user.password_hash = Some(hash);
        user.email_verified = true;
        user.updated_at = now;
        if !self.store.update_user(&user).await? {
            return Err(FlowError::LinkInvalid);
        }
        self.store.delete_user_sessions(&user.tenant_id, &user.id, None, now).await?;
        self.store.delete_account_links(&user.tenant_id, &user.id, LinkPurpose::PasswordReset).await?;
        self.store.clear_failures(&format!("login:{}:{}", user.tenant_id, user.email.as_str())).await?;
        let event = NewEvent::new(user.tenant_id.clone(), EventKind::PasswordChanged, Actor::User(user.id.clone()))
            .user(&user.id)
            .detail("method", "reset_link")
            .detail("sessions", "ended");
        audit::record(&self.store, &self.cx, event).await;
        self.used(link).await
    }

    /// What a used link tells the page that follows.
    async fn used(&self, link: AccountLink) -> Result<LinkUsed, FlowError> {
        let tenant = self.tenant(&link.tenant_id).await?;
        Ok(LinkUsed {
            tenant_id: link.tenant_id,
            tenant_slug: tenant.slug.to_string(),
            email: link.email,
            request_id: link.request_id,
        })
    }

    /// The tenant whose id or slug (any case) is `raw`, if any.
    ///
    /// # Errors
    /// When the store fails.
    pub async fn tenant_named(&self, raw: &str) -> Result<Option<Tenant>, FlowError> {
        use crate::tenant_slug::TenantName;
        Ok(match TenantName::parse(raw) {
            Some(TenantName::Id(id)) => self.store.get_tenant(&id).await?,
            Some(TenantName::Slug(slug)) => self.store.get_tenant_by_slug(&slug).await?,
            None => None,
        })
    }

    /// Proves the address by the verification link `token`, used once: the user's
    /// address is marked verified when it is still the one the link was sent to.
    ///
    /// # Errors
    /// [`FlowError::LinkInvalid`] when the link is unknown, used or expired, or the
    /// user's address changed since.
    pub async fn verify_email(&self, token: &str) -> Result<LinkUsed, FlowError> {
        let now = self.cx.clock.now();
        let presented = Secret::presented(token.trim()).hash();
        let link = self
            .store
            .use_account_link(&presented, LinkPurpose::VerifyEmail, now)
            .await?
            .ok_or(FlowError::LinkInvalid)?;
        let mut user = self.store.get_user(&link.tenant_id, &link.user_id).await?.ok_or(FlowError::LinkInvalid)?;
        if user.email != link.email {
            return Err(FlowError::LinkInvalid);
        }
        if !user.email_verified {
            user.email_verified = true;
            user.updated_at = now;
            self.store.update_user(&user).await?;
            let event = NewEvent::new(user.tenant_id.clone(), EventKind::EmailVerified, Actor::User(user.id.clone()))
                .user(&user.id);
            audit::record(&self.store, &self.cx, event).await;
        }
        self.used(link).await
    }

    /// Delivers what is due in the outbox through `sender` (see `outbox::deliver`);
    /// returns how many messages were offered.
    ///
    /// # Errors
    /// When the store fails.
    pub async fn deliver_mail(&self, sender: &dyn MailSender) -> Result<usize, StoreError> {
        outbox::deliver(&self.store, &self.cx, self.sealer.as_ref(), sender).await
    }
}
