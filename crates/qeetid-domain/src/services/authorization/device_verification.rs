//! The device grant's browser side (RFC 8628 §3.3): the user types the user code,
//! then signs in and consents like any other request.

use super::{Authorization, AuthorizeOutcome, FlowError};
use crate::oauth::{DeviceStatus, ValidatedRequest};
use crate::ports::AuthorizationStore;
use crate::redirect_uri::RedirectUri;
use crate::secret::Secret;
use crate::services::throttle::{self, Guard, OnSuccess, Verdict, source_key};
use crate::services::tokens::{normalise_user_code, user_code_hash};

impl<S: AuthorizationStore> Authorization<S> {
    /// The user typed a code on `/device`: continue to sign-in and consent for the
    /// device's client. Wrong codes count towards a throttle per source address and
    /// a deployment-wide ceiling.
    pub async fn verify_user_code(
        &self,
        typed: &str,
        browser: &Secret,
        session_cookie: Option<&Secret>,
        seen: impl Into<crate::seen_from::SeenFrom> + Send,
    ) -> Result<AuthorizeOutcome, FlowError> {
        let seen: crate::seen_from::SeenFrom = seen.into();
        let source = seen.address;
        let now = self.cx.clock.now();
        // RFC 8628 §5.1: keyed on what the caller cannot choose (its address, and a
        // deployment-wide ceiling), never on a cookie it can throw away.
        let guards = vec![
            Guard::new(
                format!("device-from:{}", source_key(source)),
                throttle::DEVICE_CODES_FROM_SOURCE,
                OnSuccess::Refund,
            ),
            Guard::new(
                "device-all".to_owned(),
                throttle::deployment_ceiling(self.cx.settings.failed_sign_ins_per_minute),
                OnSuccess::Refund,
            ),
        ];
        let wanted = user_code_hash(&normalise_user_code(typed));
        let code = throttle::guarded(&self.store, self.cx.clock.as_ref(), guards, async {
            match self.store.find_device_code_by_user_code(&wanted).await {
                Ok(Some(c)) if c.status == DeviceStatus::Pending && c.expires_at > now => Verdict::Success(c),
                Ok(_) => Verdict::Failure(FlowError::InvalidUserCode),
                Err(e) => Verdict::Broken(e.into()),
            }
        })
        .await??;
        let request = ValidatedRequest {
            client_id: code.client_id.clone(),
            tenant_id: code.tenant_id.clone(),
            // Never used for a redirect: a device request ends with the provider
            // (`Landing::Device`); the issuer stands in, same origin as its pages.
            redirect_uri: RedirectUri::from_stored(self.cx.settings.issuer.clone()),
            scope: code.scope.clone(),
            state: None,
            nonce: None,
            code_challenge: None,
            prompt: Default::default(),
            max_age: None,
            login_hint: None,
            resources: Default::default(),
            response_mode: Default::default(),
            ui_locales: None,
        };
        let session = self.usable_session(session_cookie, &request, now).await?;
        // Consent is always asked for a device (see `password_login`): the user must see
        // which app they let in.
        Ok(self.park(request, browser, session.as_ref(), now, Some(&code), seen).await?)
    }
}
