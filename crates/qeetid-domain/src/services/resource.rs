//! What resource servers and clients do with tokens: UserInfo (OIDC Core §5.3),
//! introspection (RFC 7662) and revocation (RFC 7009).

use super::Services;
use crate::client::Client;
use crate::id::{TenantId, UserId};
use crate::oauth::{Claims, OAuthError, VerifiedToken, scopes};
use crate::ports::Store;
use crate::scope::ScopeSet;
use crate::secret::Secret;
use crate::time::UnixTime;

/// Refresh tokens look like this; anything else is tried as a JWT access token.
const REFRESH_PREFIX: &str = super::token::REFRESH_TOKEN_PREFIX;

impl<S: Store> Services<S> {
    /// An access token of this deployment, unexpired: signature, `typ: at+jwt`,
    /// issuer and expiry check out (the revocation list is the caller's to consult).
    fn unexpired_access_token(&self, token: &str, now: UnixTime) -> Result<VerifiedToken, OAuthError> {
        let invalid = |why: &str| OAuthError::InvalidToken(why.to_owned());
        let claims = self.signer.verify(token).ok_or_else(|| invalid("the token is not valid"))?;
        if claims.typ != "at+jwt" || claims.iss.as_deref() != Some(self.settings.issuer.as_str()) {
            return Err(invalid("not an access token of this provider"));
        }
        if claims.exp.is_none_or(|exp| exp <= now.as_secs()) {
            return Err(invalid("the token has expired"));
        }
        Ok(claims)
    }

    /// An access token of this deployment that is live: unexpired and not revoked.
    async fn live_access_token(&self, token: &str, now: UnixTime) -> Result<VerifiedToken, OAuthError> {
        let invalid = |why: &str| OAuthError::InvalidToken(why.to_owned());
        let claims = self.unexpired_access_token(token, now)?;
        if let Some(jti) = &claims.jti
            && self.store.is_access_token_denied(jti).await?
        {
            return Err(invalid("the token was revoked"));
        }
        Ok(claims)
    }

    /// The claims UserInfo releases for a bearer access token, by granted scope.
    pub async fn userinfo(&self, bearer: &str) -> Result<Claims, OAuthError> {
        let token = self.unexpired_access_token(bearer, self.clock.now())?;
        let scope = ScopeSet::parse_delimited(token.scope.as_deref().unwrap_or(""))
            .map_err(|_| OAuthError::InvalidToken("malformed scope".into()))?;
        if !scope.contains(scopes::OPENID) {
            return Err(OAuthError::InsufficientScope("userinfo needs the openid scope".into()));
        }
        let not_a_user = || OAuthError::InvalidToken("the token does not belong to a user".into());
        let user_id = token.sub.as_deref().and_then(|s| UserId::parse(s).ok()).ok_or_else(not_a_user)?;
        let tenant = token.tid.as_deref().and_then(|t| TenantId::parse(t).ok()).ok_or_else(not_a_user)?;
        // Our access tokens always carry a jti; the deny-list and the user in one query.
        let jti = token.jti.as_deref().ok_or_else(not_a_user)?;
        let user = self
            .store
            .get_user_unless_token_denied(&tenant, &user_id, jti)
            .await?
            .filter(|u| u.disabled_at.is_none())
            .ok_or_else(|| {
                OAuthError::InvalidToken("the token was revoked, or its user no longer exists or is disabled".into())
            })?;
        let mut claims = Claims::new().str("sub", user.id.as_str());
        if scope.contains(scopes::PROFILE) {
            claims = claims.maybe_str("name", user.name.clone());
        }
        if scope.contains(scopes::EMAIL) {
            claims = claims.str("email", user.email.as_str()).bool("email_verified", user.email_verified);
        }
        Ok(claims)
    }

    /// RFC 7662 §2.2: the token's description, or `None` for "active": false
    /// (unknown, expired, revoked, rotated, or another tenant's).
    pub async fn introspect(&self, client: &Client, token: Option<&str>) -> Result<Option<Claims>, OAuthError> {
        let token = token.ok_or_else(|| OAuthError::InvalidRequest("token is required".into()))?;
        let now = self.clock.now();
        if token.starts_with(REFRESH_PREFIX) {
            let Some(r) = self.store.find_refresh_token(&Secret::presented(token).hash()).await? else {
                return Ok(None);
            };
            let live = r.revoked_at.is_none() && r.rotated_at.is_none() && r.expires_at > now;
            if !live || r.tenant_id != client.tenant_id {
                return Ok(None);
            }
            return Ok(Some(
                Claims::new()
                    .str("scope", r.scope.to_delimited())
                    .str("client_id", r.client_id.as_str())
                    .str("sub", r.user_id.as_str())
                    .int("exp", r.expires_at.as_secs())
                    .int("iat", r.created_at.as_secs())
                    .str("token_type", "refresh_token")
                    .str("iss", self.settings.issuer.as_str())
                    .str("tid", r.tenant_id.as_str()),
            ));
        }
        let Ok(t) = self.live_access_token(token, now).await else { return Ok(None) };
        if t.tid.as_deref() != Some(client.tenant_id.as_str()) {
            return Ok(None);
        }
        Ok(Some(
            Claims::new()
                .maybe_str("scope", t.scope)
                .maybe_str("client_id", t.client_id)
                .maybe_str("sub", t.sub)
                .int("exp", t.exp.unwrap_or_default())
                .int("iat", t.iat.unwrap_or_default())
                .str("token_type", "Bearer")
                .maybe_str("iss", t.iss)
                .list("aud", t.aud)
                .maybe_str("jti", t.jti)
                .maybe_str("tid", t.tid),
        ))
    }

    /// RFC 7009: revokes a refresh token (with its family) or an access token (its
    /// `jti` is refused until it would have expired). Unknown or already dead tokens
    /// are fine (§2.2); a token issued to another client is refused (§2.1).
    pub async fn revoke(&self, client: &Client, token: Option<&str>) -> Result<(), OAuthError> {
        let token = token.ok_or_else(|| OAuthError::InvalidRequest("token is required".into()))?;
        let now = self.clock.now();
        let not_yours = || OAuthError::UnauthorizedClient("the token was not issued to this client".into());
        if token.starts_with(REFRESH_PREFIX) {
            if let Some(r) = self.store.find_refresh_token(&Secret::presented(token).hash()).await? {
                if r.client_id != client.id {
                    return Err(not_yours());
                }
                self.store.revoke_family(&r.family_id, now).await?;
            }
            return Ok(());
        }
        if let Some(t) = self.signer.verify(token).filter(|t| t.typ == "at+jwt") {
            if t.client_id.as_deref() != Some(client.id.as_str()) {
                return Err(not_yours());
            }
            if let (Some(jti), Some(exp)) = (t.jti, t.exp)
                && exp > now.as_secs()
            {
                self.store.deny_access_token(&jti, UnixTime::from_secs(exp)).await?;
            }
        }
        Ok(())
    }
}
