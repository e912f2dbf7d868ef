//! `grant_type=urn:ietf:params:oauth:grant-type:device_code` (RFC 8628 §3.4–§3.5).

use super::Tokens;
use super::{Subject, TokenResponse};
use crate::client::Client;
use crate::grant_type::GrantType;
use crate::oauth::{DevicePoll, DeviceStatus, OAuthError, Resources};
use crate::ports::TokenStore;
use crate::secret::Secret;

/// Seconds a `slow_down` adds to the polling interval (RFC 8628 §3.5).
pub(crate) const SLOW_DOWN_STEP: i64 = 5;

impl<S: TokenStore> Tokens<S> {
    /// One poll of the device: `authorization_pending`, `slow_down` (the interval
    /// grows by 5 s), `access_denied`, `expired_token`, or the tokens, once.
    pub async fn poll_device(
        &self,
        client: &Client,
        request: &DevicePoll,
        dpop_jkt: Option<&str>,
    ) -> Result<TokenResponse, OAuthError> {
        if !client.settings.grant_types().contains(&GrantType::DeviceCode) {
            return Err(OAuthError::UnauthorizedClient("this client may not use the device grant".into()));
        }
        let code = request.device_code.as_str();
        let hash = Secret::presented(code).hash();
        let mut record = self
            .store
            .find_device_code(&hash)
            .await?
            .filter(|r| r.client_id == client.id)
            .ok_or_else(|| OAuthError::InvalidGrant("unknown device_code".into()))?;
        let now = self.cx.clock.now();
        if record.expires_at <= now {
            return Err(OAuthError::ExpiredToken("the device code has expired; start again".into()));
        }
        let too_soon = record.last_polled_at.is_some_and(|last| now.as_secs() - last.as_secs() < record.interval);
        record.last_polled_at = Some(now);
        if too_soon {
            record.interval += SLOW_DOWN_STEP;
            self.store.update_device_code(&record).await?;
            return Err(OAuthError::SlowDown(format!("poll at most every {} seconds", record.interval)));
        }
        self.store.update_device_code(&record).await?;
        match record.status {
            DeviceStatus::Pending => Err(OAuthError::AuthorizationPending("the user has not answered yet".into())),
            DeviceStatus::Denied => Err(OAuthError::AccessDenied("the user denied the request".into())),
            DeviceStatus::Used => Err(OAuthError::InvalidGrant("the tokens were already collected".into())),
            DeviceStatus::Approved => {
                if !self.store.use_device_code(&hash).await? {
                    return Err(OAuthError::InvalidGrant("the tokens were already collected".into()));
                }
                let (Some(user_id), Some(grant_id), Some(auth_time)) =
                    (&record.user_id, &record.grant_id, record.auth_time)
                else {
                    return Err(OAuthError::InvalidGrant("the approval is incomplete".into()));
                };
                let user =
                    self.store
                        .get_user(&record.tenant_id, user_id)
                        .await?
                        .filter(|u| u.disabled_at.is_none())
                        .ok_or_else(|| OAuthError::InvalidGrant("the user no longer exists or is disabled".into()))?;
                let no_resources = Resources::default();
                let subject = Subject {
                    tenant_id: &record.tenant_id,
                    user: &user,
                    grant_id,
                    session_id: record.session_id.as_ref(),
                    auth_time,
                    amr: &record.amr,
                    resource: None,
                    resources: &no_resources,
                    dpop_jkt,
                    access_token_id: None,
                };
                let refresh = Self::new_family(client, None);
                self.mint_user_tokens(client, &subject, &record.scope, None, refresh, now)
                    .await?
                    .map_err(|_| OAuthError::ServerError("a new refresh family cannot lose a rotation".into()))
            }
        }
    }
}
