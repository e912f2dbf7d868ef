//! `grant_type=authorization_code` (RFC 6749 §4.1.3, RFC 7636 §4.6, OIDC Core §3.1.3).

use super::Tokens;
use super::{Subject, TokenResponse};
use crate::client::Client;
use crate::grant_type::GrantType;
use crate::oauth::{CodeExchange, CodeUse, OAuthError};
use crate::ports::{TokenOrigin, TokenStore};
use crate::secret::Secret;

impl<S: TokenStore> Tokens<S> {
    /// Exchanges an authorization code for tokens.
    ///
    /// The code is spent on first presentation, valid or not for this client, so it
    /// can never be tried twice; a second presentation revokes every refresh token the
    /// first one issued (RFC 6749 §4.1.2, RFC 9700 §4.2.4).
    pub async fn exchange_code(&self, client: &Client, request: &CodeExchange) -> Result<TokenResponse, OAuthError> {
        self.exchange_code_bound(client, request, None).await
    }

    /// [`Self::exchange_code`] with the tokens bound to the DPoP key `dpop_jkt`.
    pub(crate) async fn exchange_code_bound(
        &self,
        client: &Client,
        request: &CodeExchange,
        dpop_jkt: Option<&str>,
    ) -> Result<TokenResponse, OAuthError> {
        if !client.settings.grant_types().contains(&GrantType::AuthorizationCode) {
            return Err(OAuthError::UnauthorizedClient("this client may not use authorization_code".into()));
        }
        let (code, redirect_uri, verifier) =
            (request.code.as_str(), request.redirect_uri.as_str(), request.code_verifier.as_ref());
        let now = self.cx.clock.now();
        let code_hash = Secret::presented(code).hash();
        // The access token's id is chosen first and recorded with the spend, in the
        // same step: a replay, even one racing this exchange, can deny it.
        let access_token_id = self.new_access_token_id(client, None, now);
        let (jti, expires_at) = &access_token_id;
        let record = match self.store.use_code(&code_hash, now, jti, *expires_at).await? {
            CodeUse::First(record) => record,
            CodeUse::Replayed(spent) => {
                // RFC 6749 §4.1.2: revoke what the first exchange issued.
                self.store.revoke_code_tokens(&code_hash, now).await?;
                if let Some((jti, expires_at)) = &spent.issued_access_token {
                    self.store.deny_access_token(jti, *expires_at).await?;
                }
                return Err(OAuthError::InvalidGrant("the code was already used; tokens it issued are revoked".into()));
            }
            CodeUse::Unknown => return Err(OAuthError::InvalidGrant("unknown code".into())),
        };
        if record.client_id != client.id {
            return Err(OAuthError::InvalidGrant("the code was issued to another client".into()));
        }
        if record.expires_at <= now {
            return Err(OAuthError::InvalidGrant("the code has expired".into()));
        }
        if !record.redirect_uri.matches(redirect_uri) {
            return Err(OAuthError::InvalidGrant("redirect_uri differs from the authorization request's".into()));
        }
        match (&record.code_challenge, &verifier) {
            (Some(challenge), Some(v)) if challenge.is_answered_by(v) => {}
            (Some(_), Some(_)) => return Err(OAuthError::InvalidGrant("code_verifier does not match".into())),
            (Some(_), None) => return Err(OAuthError::InvalidGrant("code_verifier is required".into())),
            // RFC 9700 §2.1.1: a verifier without a challenge is a downgrade attempt.
            (None, Some(_)) => {
                return Err(OAuthError::InvalidGrant("code_verifier sent but no code_challenge was".into()));
            }
            (None, None) => {}
        }
        let resource = record.resources.select(request.resource.as_deref())?;
        // The user, the grant and the client still stand, the user is not disabled and
        // did not sign out everywhere after the code was issued: one read.
        let origin = TokenOrigin {
            tenant: &record.tenant_id,
            user: &record.user_id,
            client: &record.client_id,
            grant: &record.grant_id,
            jti: None,
        };
        let user = self.live_token_user(&origin, record.created_at.as_secs()).await?.ok_or_else(|| {
            OAuthError::InvalidGrant(
                "the consent grant was revoked, or the user no longer exists, is disabled or signed out everywhere"
                    .into(),
            )
        })?;
        let subject = Subject {
            tenant_id: &record.tenant_id,
            user: &user,
            grant_id: &record.grant_id,
            session_id: Some(&record.session_id),
            auth_time: record.auth_time,
            amr: &record.amr,
            resource,
            resources: &record.resources,
            dpop_jkt,
            access_token_id: Some(&access_token_id),
        };
        let refresh = Self::new_family(client, Some(record.code_hash));
        self.mint_user_tokens(client, &subject, &record.scope, record.nonce.clone(), refresh, now)
            .await?
            .map_err(|_| OAuthError::ServerError("a new refresh family cannot lose a rotation".into()))
    }
}
