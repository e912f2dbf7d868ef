//! The hosted login's password step, under the sign-in throttles (see `throttle`),
//! and the device tokens that mark a browser the account signed in from before.

use std::net::IpAddr;

use super::Authorization;
use crate::audit::{Actor, EventKind, NewEvent};
use crate::id::TenantId;
use crate::oauth::{Claims, SigningAlg, ValidatedRequest};
use crate::ports::AuthorizationStore;
use crate::random::random_token;
use crate::secret::Secret;
use crate::services::audit;
use crate::services::authorization::{FlowError, LoginOutcome, verify_browser_binding};
use crate::services::throttle::{self, Guard, OnSuccess, Verdict, source_key};
use crate::time::UnixTime;
use crate::user::{Email, Password, User};

/// `typ` of device tokens.
const DEVICE_TOKEN_TYPE: &str = "device+jwt";
/// Days a device token marks a browser as known to the account.
pub const DEVICE_TOKEN_DAYS: i64 = 180;

/// A password sign-in attempt, as the hosted login received it.
#[derive(Debug, Clone, Copy)]
pub struct PasswordAttempt<'a> {
    /// The pending authorization request.
    pub request_id: &'a str,
    /// The browser-binding cookie.
    pub browser: Option<&'a Secret>,
    /// The form's CSRF token.
    pub csrf: &'a str,
    /// The e-mail typed.
    pub email: &'a str,
    /// The password typed.
    pub password: &'a str,
    /// The client's address, for the throttles.
    pub source: Option<IpAddr>,
    /// The device token the browser holds, if any.
    pub device_token: Option<&'a str>,
}

/// A password step that went through: where to go next, and the device token to
/// (re)issue to the browser, now known to the account.
#[derive(Debug)]
pub struct PasswordLogin {
    /// Signed in, or a second factor is owed.
    pub outcome: LoginOutcome,
    /// The browser's device token for this account (a signed JWT, kept in a cookie).
    pub device_token: String,
}

impl<S: AuthorizationStore> Authorization<S> {
    /// Signs a user in with e-mail and password for a pending request (see
    /// [`Authorization::sign_in_with_password`]), from an unknown address and browser.
    pub async fn password_login(
        &self,
        request_id: &str,
        browser: Option<&Secret>,
        csrf: &str,
        email: &str,
        password: &str,
    ) -> Result<LoginOutcome, FlowError> {
        let attempt = PasswordAttempt { request_id, browser, csrf, email, password, source: None, device_token: None };
        Ok(self.sign_in_with_password(attempt).await?.outcome)
    }

    /// Signs a user in with e-mail and password for a pending request.
    ///
    /// A wrong password and an unknown e-mail get the same error after the same work
    /// (a hash is computed either way). The attempt is reserved on the throttles
    /// before the hash runs: from a browser that holds the account's device token,
    /// on that browser's own key only; otherwise on the account and source together,
    /// the account, the source, and the deployment-wide ceiling. Past each key's free
    /// failures, attempts run one at a time and wait 1 s, 2 s, 4 s … after a failure.
    pub async fn sign_in_with_password(&self, attempt: PasswordAttempt<'_>) -> Result<PasswordLogin, FlowError> {
        let request = self.pending_request(attempt.request_id, attempt.browser).await?;
        verify_browser_binding(attempt.browser, attempt.csrf)?;
        let tenant = request.request.tenant_id.clone();
        let now = self.cx.clock.now();
        let user = match Email::parse(attempt.email) {
            Ok(e) => self.store.find_user_by_email(&tenant, &e).await?,
            Err(_) => None,
        };
        let device = match (&user, attempt.device_token) {
            (Some(user), Some(token)) => self.known_device(token, user, now),
            _ => None,
        };
        let account = format!("login:{tenant}:{}", attempt.email.trim().to_lowercase());
        let guards = self.password_guards(&account, attempt.source, device.as_deref());
        let presented = Password::presented(attempt.password.to_owned());
        let hash = user.as_ref().and_then(|u| u.password_hash.clone());
        let checked = throttle::guarded(&self.store, self.cx.clock.as_ref(), guards, async {
            let verified = match hash {
                Some(hash) => self.passwords.verify(presented, hash).await,
                None => {
                    // Same cost as a real check, so timing does not tell which e-mails exist.
                    let _ = self.passwords.hash(presented).await;
                    Ok(false)
                }
            };
            match verified {
                Ok(true) => Verdict::Success(()),
                Ok(false) => Verdict::Failure(FlowError::InvalidCredentials),
                Err(e) => Verdict::Broken(FlowError::Internal(Box::new(e))),
            }
        })
        .await
        .and_then(|verified| verified);
        let checked = match (checked, &user) {
            (Ok(()), Some(user)) if user.disabled_at.is_some() => Err(FlowError::AccountDisabled),
            (Ok(()), None) => Err(FlowError::InvalidCredentials),
            (other, _) => other,
        };
        if let Err(refused) = &checked {
            self.record_refusal(&request.request, user.as_ref(), &attempt, refused).await;
        }
        checked?;
        // Told only after the password was right, so it reveals nothing to a guesser.
        let user = user.ok_or(FlowError::InvalidCredentials)?;
        let device_token = self.device_token(&user, device, now)?;
        let outcome = self.after_first_factor(request, &user, "pwd", now).await?;
        Ok(PasswordLogin { outcome, device_token })
    }

    /// Records a refused password attempt: throttled, or failed with its reason (a
    /// wrong password and an unknown account alike: `invalid_credentials`).
    async fn record_refusal(
        &self,
        request: &ValidatedRequest,
        user: Option<&User>,
        attempt: &PasswordAttempt<'_>,
        refused: &FlowError,
    ) {
        let (kind, reason) = match refused {
            FlowError::Throttled { .. } => (EventKind::SignInThrottled, "throttled"),
            FlowError::InvalidCredentials => (EventKind::SignInFailed, "invalid_credentials"),
            FlowError::AccountDisabled => (EventKind::SignInFailed, "account_disabled"),
            _ => return,
        };
        let actor = user.map_or(Actor::System, |u| Actor::User(u.id.clone()));
        let mut event = NewEvent::new(request.tenant_id.clone(), kind, actor)
            .client(request.client_id.as_str())
            .address(attempt.source)
            .detail("reason", reason)
            .detail("method", "pwd");
        match user {
            Some(user) => event = event.user(&user.id),
            None => event = event.detail("email", attempt.email.trim().chars().take(254).collect::<String>()),
        }
        audit::record(&self.store, &self.cx, event).await;
    }

    /// The keys a password attempt is reserved on.
    fn password_guards(&self, account: &str, source: Option<IpAddr>, device: Option<&str>) -> Vec<Guard> {
        if let Some(device) = device {
            return vec![Guard::new(
                format!("{account}:device:{device}"),
                throttle::ACCOUNT_AND_SOURCE,
                OnSuccess::Clear,
            )];
        }
        let source = source_key(source);
        vec![
            Guard::new(format!("{account}:from:{source}"), throttle::ACCOUNT_AND_SOURCE, OnSuccess::Clear),
            Guard::new(account.to_owned(), throttle::ACCOUNT, OnSuccess::Clear),
            Guard::new(format!("login-from:{source}"), throttle::SOURCE, OnSuccess::Refund),
            Guard::new(
                "login-all".to_owned(),
                throttle::deployment_ceiling(self.cx.settings.failed_sign_ins_per_minute),
                OnSuccess::Refund,
            ),
        ]
    }

    /// The id of the browser's device token when it is this provider's, unexpired,
    /// and issued to `user` (OWASP's "device cookies").
    fn known_device(&self, token: &str, user: &User, now: UnixTime) -> Option<String> {
        let claims = self.signer.verify(token)?;
        let valid = claims.typ == DEVICE_TOKEN_TYPE
            && claims.iss.as_deref() == Some(self.cx.settings.issuer.as_str())
            && claims.sub.as_deref() == Some(user.id.as_str())
            && claims.tid.as_deref() == Some(user.tenant_id.as_str())
            && claims.exp.is_some_and(|exp| exp > now.as_secs());
        valid.then_some(claims.jti).flatten()
    }

    /// A device token for `user` in this browser: the same id as the one it had (so
    /// its throttle key stays), or a new one.
    fn device_token(&self, user: &User, known: Option<String>, now: UnixTime) -> Result<String, FlowError> {
        let id = known.unwrap_or_else(|| random_token::<16>(self.cx.random.as_ref()));
        let claims = Claims::new()
            .str("iss", self.cx.settings.issuer.as_str())
            .str("sub", user.id.as_str())
            .str("tid", TenantId::as_str(&user.tenant_id))
            .str("jti", id)
            .int("iat", now.as_secs())
            .int("exp", now.plus_secs(DEVICE_TOKEN_DAYS * 86_400).as_secs());
        self.signer.sign(SigningAlg::Es256, DEVICE_TOKEN_TYPE, &claims).map_err(|e| FlowError::Internal(Box::new(e)))
    }
}
