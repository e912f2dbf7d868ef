//! Self sign-up on the hosted login, for tenants that turn it on.

use std::net::IpAddr;

use super::{Accounts, MAIL_FROM_SOURCE, outbox};
use crate::audit::{Actor, EventKind, NewEvent};
use crate::error::StoreError;
use crate::id::UserId;
use crate::mail::{LinkPurpose, Mail, MailKind};
use crate::ports::AccountStore;
use crate::secret::Secret;
use crate::services::audit;
use crate::services::authorization::{FlowError, LoginOutcome, verify_browser_binding};
use crate::services::throttle::{self, Guard, OnSuccess, source_key};
use crate::user::{Email, Password, User, parse_user_name};

/// The sign-up form, as the hosted page received it.
#[derive(Debug, Clone, Copy)]
pub struct SignUp<'a> {
    /// The pending authorization request.
    pub request_id: &'a str,
    /// The browser-binding cookie.
    pub browser: Option<&'a Secret>,
    /// The form's CSRF token.
    pub csrf: &'a str,
    /// The address.
    pub email: &'a str,
    /// The password chosen.
    pub password: &'a str,
    /// The name, if given.
    pub name: Option<&'a str>,
    /// The client's address, for the throttle.
    pub source: Option<IpAddr>,
    /// The browser's preferred language among those with a catalogue: the
    /// messages are written in the request's `ui_locales`, then this, then the
    /// tenant's default (as the page).
    pub browser_locale: Option<crate::locale::Locale>,
}

/// Where a sign-up goes next.
#[derive(Debug)]
pub enum SignUpOutcome {
    /// The account exists and the user is in (or owes a second factor).
    SignedIn(LoginOutcome),
    /// A message went to the address: a verification link (the tenant requires a
    /// verified address before sign-in), or a notice to the owner of an existing
    /// account. The page says the same for both.
    CheckEmail {
        /// The address the message went to.
        email: String,
    },
}

impl<S: AccountStore> Accounts<S> {
    /// Creates an account for a pending request, when the tenant lets people sign
    /// up: the password meets the length rule and is not a common one, a
    /// verification link goes to the address, and the user is signed in (through
    /// the tenant's two-step rules) unless the tenant requires a verified address
    /// first. An address that already has an account gets a notice instead and the
    /// answer is "check your e-mail", as for a new account that must verify.
    ///
    /// # Errors
    /// [`FlowError::SignUpClosed`] when the tenant does not allow sign-up;
    /// [`FlowError::InvalidInput`] for a field the rules refuse;
    /// [`FlowError::Throttled`] past twenty an hour from one address.
    pub async fn sign_up(&self, form: SignUp<'_>) -> Result<SignUpOutcome, FlowError> {
        let request = self.authorization.pending_request(form.request_id, form.browser).await?;
        verify_browser_binding(form.browser, form.csrf)?;
        let tenant = self.tenant(&request.request.tenant_id).await?;
        if !tenant.self_sign_up {
            return Err(FlowError::SignUpClosed);
        }
        let email = Email::parse(form.email)?;
        let name = parse_user_name(form.name.map(str::to_owned))?;
        let password = Password::chosen(form.password.to_owned())?;
        let guard = Guard::new(format!("mail-from:{}", source_key(form.source)), MAIL_FROM_SOURCE, OnSuccess::Refund);
        throttle::count_use(&self.store, self.cx.clock.as_ref(), vec![guard]).await?;
        let locale = crate::locale::Locale::from_ui_locales(request.request.ui_locales.as_deref().unwrap_or_default())
            .or(form.browser_locale)
            .unwrap_or(tenant.branding.default_locale);
        let check_email = SignUpOutcome::CheckEmail { email: email.as_str().to_owned() };
        if let Some(existing) = self.store.find_user_by_email(&tenant.id, &email).await? {
            self.tell_owner(&existing, &tenant, locale).await?;
            return Ok(check_email);
        }
        let hash = self.passwords.hash(password).await.map_err(|e| FlowError::Internal(Box::new(e)))?;
        let now = self.cx.clock.now();
        let user = User {
            id: UserId::generate(self.cx.random.as_ref()),
            tenant_id: tenant.id.clone(),
            email,
            email_verified: false,
            name,
            password_hash: Some(hash),
            admin_role: None,
            disabled_at: None,
            tokens_revoked_at: None,
            created_at: now,
            updated_at: now,
        };
        match self.store.insert_user(&user).await {
            Ok(()) => {}
            // Another sign-up with the same address won the race: it is an existing account now.
            Err(StoreError::Conflict(_)) => return Ok(check_email),
            Err(other) => return Err(other.into()),
        }
        let event = NewEvent::new(tenant.id.clone(), EventKind::SignedUp, Actor::User(user.id.clone()))
            .user(&user.id)
            .client(request.request.client_id.as_str())
            .address(form.source);
        audit::record(&self.store, &self.cx, event).await;
        outbox::send_link(
            &self.store,
            &self.cx,
            self.sealer.as_ref(),
            &user,
            &tenant,
            outbox::LinkAsk { purpose: LinkPurpose::VerifyEmail, request: Some(&request.id), locale },
        )
        .await?;
        if tenant.require_verified_email {
            return Ok(check_email);
        }
        let now = self.cx.clock.now();
        Ok(SignUpOutcome::SignedIn(self.authorization.after_first_factor(request, &user, "pwd", now).await?))
    }

    /// Tells the owner of an existing account that someone tried to sign up with
    /// their address, with a link to sign in or reset the password.
    /// At most three an hour per address, so nobody can flood an inbox this way.
    async fn tell_owner(
        &self,
        owner: &User,
        tenant: &crate::tenant::Tenant,
        locale: crate::locale::Locale,
    ) -> Result<(), FlowError> {
        let key = format!("exists:{}:{}", owner.tenant_id, owner.email.as_str());
        if !outbox::within_quota(&self.store, &self.cx, key).await? {
            return Ok(());
        }
        let mail = Mail {
            kind: MailKind::AccountExists,
            to: owner.email.clone(),
            tenant_name: tenant.name.as_str().to_owned(),
            user_name: owner.name.clone(),
            link: format!("{}/password/forgot?tenant={}", self.cx.settings.issuer, tenant.slug),
            valid_minutes: 0,
            accent: tenant.branding.primary_color.map(|c| c.to_hex()),
            support_url: tenant.branding.support_url.clone(),
            logo_url: tenant.logo_path().map(|path| format!("{}{path}", self.cx.settings.issuer)),
            locale,
        };
        outbox::queue(&self.store, &self.cx, self.sealer.as_ref(), &owner.tenant_id, &mail).await
    }
}
