//! Signing in for a pending request: after the first factor, the second-factor
//! step, and the session that ends it.

use super::Authorization;
use super::{
    BROWSER_PREFIX, FlowError, LoginContext, LoginOutcome, NextStep, SESSION_PREFIX, SecondFactorOutcome,
    SecondFactorStep, SignedIn, verify_browser_binding,
};
use crate::audit::{Actor, EventKind, NewEvent};
use crate::id::SessionId;
use crate::oauth::{PendingRequest, Session};
use crate::ports::AuthorizationStore;
use crate::secret::Secret;
use crate::services::accounts::outbox;
use crate::services::audit;
use crate::services::totp::MfaError;
use crate::time::UnixTime;
use crate::user::User;

impl<S: AuthorizationStore> Authorization<S> {
    /// After a first factor (`pwd`, `fed`): the second-factor page when the user has an
    /// authenticator app or the tenant requires one, else the completed sign-in.
    pub(crate) async fn after_first_factor(
        &self,
        mut request: PendingRequest,
        user: &User,
        first_factor: &str,
        now: UnixTime,
    ) -> Result<LoginOutcome, FlowError> {
        let tenant = self.require_verified(&request, user).await?;
        let has_totp = self.totp.totp_confirmed(&tenant.id, &user.id).await?;
        let required = !has_totp && tenant.require_mfa;
        if has_totp || required {
            request.user_id = Some(user.id.clone());
            request.session_id = None;
            request.auth_time = None;
            request.first_factor = Some(first_factor.to_owned());
            if !self.store.update_request(&request).await? {
                return Err(FlowError::RequestNotFound);
            }
            return Ok(if has_totp { LoginOutcome::SecondFactor(request.id) } else { LoginOutcome::Enrol(request.id) });
        }
        Ok(LoginOutcome::SignedIn(self.finish_login(request, user, &[first_factor], now).await?))
    }

    /// The request's tenant, when it lets `user` in: a tenant that requires a
    /// verified address refuses an unverified one and sends a verification link.
    ///
    /// # Errors
    /// [`FlowError::EmailNotVerified`] then.
    pub(crate) async fn require_verified(
        &self,
        request: &PendingRequest,
        user: &User,
    ) -> Result<crate::tenant::Tenant, FlowError> {
        let tenant = self.store.get_tenant(&request.request.tenant_id).await?.ok_or(FlowError::RequestNotFound)?;
        if tenant.require_verified_email && !user.email_verified {
            // At most three an hour: past that the page still points to the link already sent.
            let sealer = self.sealer.as_ref();
            // The request's ui_locales, else the tenant's language (the browser's is not known here).
            let locale = crate::locale::Locale::choose(
                request.request.ui_locales.as_deref(),
                None,
                Some(tenant.branding.default_locale),
            );
            outbox::send_verification(&self.store, &self.cx, sealer, user, &tenant, Some(&request.id), locale).await?;
            return Err(FlowError::EmailNotVerified { email: user.email.as_str().to_owned() });
        }
        Ok(tenant)
    }

    /// Starts the session of a user who proved who they are (`amr`, RFC 8176) for a
    /// pending request, and says where to go: consent, or straight back to the
    /// client when consent is remembered (or implicit).
    pub(crate) async fn finish_login(
        &self,
        mut request: PendingRequest,
        user: &User,
        amr: &[&str],
        now: UnixTime,
    ) -> Result<SignedIn, FlowError> {
        let tenant = request.request.tenant_id.clone();
        let cookie = Secret::generate(SESSION_PREFIX, self.cx.random.as_ref());
        let session = Session {
            id: SessionId::generate(self.cx.random.as_ref()),
            token_hash: cookie.hash(),
            tenant_id: tenant.clone(),
            user_id: user.id.clone(),
            auth_time: now,
            amr: amr.iter().map(|m| (*m).to_owned()).collect(),
            created_at: now,
            expires_at: now.plus_secs(self.cx.settings.lifetimes.session),
            user_agent: request.seen_from.user_agent.clone(),
            network: request.seen_from.network(),
        };
        self.store.insert_session(&session).await?;
        let event = NewEvent::new(tenant.clone(), EventKind::SignInSucceeded, Actor::User(user.id.clone()))
            .user(&user.id)
            .address(request.seen_from.address)
            .client(request.request.client_id.as_str())
            .detail("amr", amr.join(" "))
            .detail("session", session.id.as_str());
        audit::record(&self.store, &self.cx, event).await;
        let browser = Secret::generate(BROWSER_PREFIX, self.cx.random.as_ref());
        request.browser_hash = browser.hash();
        request.user_id = Some(user.id.clone());
        request.session_id = Some(session.id.clone());
        request.auth_time = Some(now);
        if !self.store.update_request(&request).await? {
            return Err(FlowError::RequestNotFound);
        }
        let grant = self.store.find_grant(&tenant, &user.id, &request.request.client_id).await?;
        // A device request always shows consent: the user must see which app they let in.
        let remembered = request.device_code_hash.is_none()
            && (self.implicit_consent(&request.request, &user.id, now).await?
                || !request.request.prompt.consent
                    && grant.is_some_and(|g| g.remembered && g.scopes.includes_all(&request.request.scope)));
        let next = if remembered {
            if !self.store.delete_request(&request.id).await? {
                return Err(FlowError::RequestNotFound);
            }
            Err(self.complete(&request, &session, now).await?)
        } else {
            Ok(request.id)
        };
        Ok(SignedIn { session_cookie: cookie, browser_cookie: browser, next })
    }

    /// The user who gave the right password for a pending request and still owes a
    /// second factor.
    pub(super) async fn awaiting_second_factor(
        &self,
        request_id: &str,
        browser: Option<&Secret>,
    ) -> Result<(PendingRequest, User), FlowError> {
        let request = self.pending_request(request_id, browser).await?;
        let user = match (&request.user_id, &request.session_id) {
            (Some(user), None) => self.store.get_user(&request.request.tenant_id, user).await?,
            _ => None,
        };
        let user = user.filter(|u| u.disabled_at.is_none()).ok_or(FlowError::RequestNotFound)?;
        Ok((request, user))
    }

    /// What `/login/mfa` asks for: a code, or (the tenant requiring a second factor
    /// of a user without one) an authenticator app to set up.
    pub async fn second_factor_step(
        &self,
        request_id: &str,
        browser: Option<&Secret>,
    ) -> Result<(LoginContext, SecondFactorStep), FlowError> {
        let (request, user) = self.awaiting_second_factor(request_id, browser).await?;
        let step = if self.totp.totp_confirmed(&user.tenant_id, &user.id).await? {
            SecondFactorStep::Code
        } else {
            SecondFactorStep::Enrol(self.totp.begin_totp(&user).await?)
        };
        let client = self
            .store
            .get_client(&request.request.tenant_id, &request.request.client_id)
            .await?
            .ok_or(FlowError::RequestNotFound)?;
        let tenant = self.store.get_tenant(&request.request.tenant_id).await?;
        let context = LoginContext {
            tenant,
            request,
            client_name: client.settings.name().to_owned(),
            self_registered: super::self_registered_host(&client),
            user: Some(user),
            next: NextStep::SecondFactor,
            providers: Vec::new(),
            self_sign_up: false,
        };
        Ok((context, step))
    }

    /// Completes a sign-in with the second factor: a code from the authenticator app
    /// or a recovery code, or, while enrolling, the app's first code (the answer
    /// then carries the recovery codes to show once).
    pub async fn second_factor_login(
        &self,
        request_id: &str,
        browser: Option<&Secret>,
        csrf: &str,
        code: &str,
    ) -> Result<SecondFactorOutcome, FlowError> {
        let (request, user) = self.awaiting_second_factor(request_id, browser).await?;
        verify_browser_binding(browser, csrf)?;
        let checked = if self.totp.totp_confirmed(&user.tenant_id, &user.id).await? {
            self.totp.check_second_factor(&user, code).await.map(|()| None)
        } else {
            self.totp.confirm_totp(&user, code).await.map(Some)
        };
        let recovery_codes = match checked {
            Ok(codes) => codes,
            Err(refused) => {
                let kind = match &refused {
                    MfaError::Throttled { .. } => Some(EventKind::SignInThrottled),
                    MfaError::InvalidCode => Some(EventKind::SecondFactorFailed),
                    _ => None,
                };
                if let Some(kind) = kind {
                    let event = NewEvent::new(user.tenant_id.clone(), kind, Actor::User(user.id.clone()))
                        .user(&user.id)
                        .client(request.request.client_id.as_str())
                        .detail("method", "otp");
                    audit::record(&self.store, &self.cx, event).await;
                }
                return Err(refused.into());
            }
        };
        let now = self.cx.clock.now();
        let first = request.first_factor.clone().unwrap_or_else(|| "pwd".to_owned());
        let signed_in = self.finish_login(request, &user, &[first.as_str(), "otp", "mfa"], now).await?;
        Ok(SecondFactorOutcome { signed_in, recovery_codes })
    }
}
