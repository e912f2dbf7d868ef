//! `grant_type=refresh_token` (RFC 6749 §6) with rotation and reuse detection
//! (RFC 9700 §4.14.2).

use super::Tokens;
use super::{RefreshPlan, Subject, TokenResponse};
use crate::audit::{Actor, EventKind, NewEvent};
use crate::client::Client;
use crate::grant_type::GrantType;
use crate::oauth::{OAuthError, RefreshRequest};
use crate::ports::TokenStore;
use crate::secret::Secret;
use crate::services::audit;

impl<S: TokenStore> Tokens<S> {
    /// Exchanges a refresh token for new tokens and a successor refresh token; the
    /// presented one stops working. Presenting a token that was already rotated is
    /// taken as theft: its whole family and the grant's other tokens are revoked.
    /// `scope` may narrow the access token's scope, never widen it.
    /// A refresh token bound to a DPoP key (a public client's) needs a proof of
    /// that key, `dpop_jkt` (RFC 9449 §5).
    pub async fn refresh(
        &self,
        client: &Client,
        request: &RefreshRequest,
        dpop_jkt: Option<&str>,
    ) -> Result<TokenResponse, OAuthError> {
        if !client.settings.grant_types().contains(&GrantType::RefreshToken) {
            return Err(OAuthError::UnauthorizedClient("this client may not use refresh_token".into()));
        }
        let token = request.refresh_token.as_str();
        let now = self.cx.clock.now();
        // The token and its user in one read; the user is used once the token passes.
        let (record, live_user) = self
            .store
            .find_refresh_token_and_user(&Secret::presented(token).hash())
            .await?
            .ok_or_else(|| OAuthError::InvalidGrant("unknown refresh token".into()))?;
        if record.client_id != client.id {
            return Err(OAuthError::InvalidGrant("the refresh token was issued to another client".into()));
        }
        if record.revoked_at.is_some() {
            return Err(OAuthError::InvalidGrant("the refresh token was revoked".into()));
        }
        let reuse = || async {
            self.store.revoke_family(&record.family_id, now).await?;
            self.store.revoke_grant_tokens(&record.tenant_id, &record.grant_id, now).await?;
            let event = NewEvent::new(record.tenant_id.clone(), EventKind::RefreshTokenReused, Actor::System)
                .user(&record.user_id)
                .client(record.client_id.as_str())
                .detail("grant", record.grant_id.as_str())
                .detail("action", "family and grant tokens revoked");
            audit::record(&self.store, &self.cx, event).await;
            Err(OAuthError::InvalidGrant("the refresh token was already used; its family is revoked".into()))
        };
        // Before reuse detection: without the key, a stolen bound token cannot even
        // revoke its family.
        if record.dpop_jkt.as_deref().is_some_and(|bound| dpop_jkt != Some(bound)) {
            return Err(OAuthError::InvalidDpopProof(
                "the refresh token is bound to a DPoP key: prove possession of that key".into(),
            ));
        }
        if record.rotated_at.is_some() {
            return reuse().await;
        }
        if record.expires_at <= now {
            return Err(OAuthError::InvalidGrant("the refresh token has expired".into()));
        }
        let resource = record.resources.select(request.resource.as_deref())?;
        let narrowed = match &request.scope {
            None => record.scope.clone(),
            Some(asked) => {
                if !record.scope.includes_all(asked) {
                    return Err(OAuthError::InvalidScope("a refresh may narrow the scope, never widen it".into()));
                }
                asked.clone()
            }
        };
        // The grant, the client and the user still stand, the user is not disabled and
        // did not sign out everywhere after this token was issued (a token rotated
        // since was rotated from one issued before, so it was refused there): the
        // check introspection and UserInfo make, read with the token.
        let user = Self::still_live(live_user, record.created_at.as_secs()).ok_or_else(|| {
            OAuthError::InvalidGrant(
                "the consent grant was revoked, or the user no longer exists, is disabled or signed out everywhere"
                    .into(),
            )
        })?;
        let subject = Subject {
            tenant_id: &record.tenant_id,
            user: &user,
            grant_id: &record.grant_id,
            session_id: record.session_id.as_ref(),
            auth_time: record.auth_time,
            amr: &record.amr,
            resource,
            resources: &record.resources,
            dpop_jkt,
            access_token_id: None,
        };
        let plan = RefreshPlan::Successor {
            replaces: record.id.clone(),
            family_id: record.family_id.clone(),
            absolute_expires_at: record.absolute_expires_at,
            scope: record.scope.clone(),
        };
        // OIDC Core §12.2: an ID token on refresh carries no nonce. Of two concurrent
        // uses of one token only one swaps it for a successor; the other is reuse.
        match self.mint_user_tokens(client, &subject, &narrowed, None, plan, now).await? {
            Ok(tokens) => Ok(tokens),
            Err(_lost) => reuse().await,
        }
    }
}
