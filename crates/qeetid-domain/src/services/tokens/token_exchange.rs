//! `grant_type=urn:ietf:params:oauth:grant-type:token-exchange` (RFC 8693): a
//! confidential client trades a user's token of this deployment for an access
//! token to another API of the tenant, acting for the user (delegation, `act`) or
//! as the user (impersonation, when its policy allows). What it may exchange, for
//! which audiences and scopes, is its `token_exchange` policy; every exchange is
//! recorded for the user's audit.

use super::resource::UserTokenIds;
use super::{AccessTokenFor, TokenResponse, Tokens};
use crate::client::{Client, ClientType};
use crate::client_policy::ExchangePolicy;
use crate::grant_type::GrantType;
use crate::id::{ClientId, GrantId, TenantId};
use crate::oauth::{
    ACCESS_TOKEN_TYPE, Claims, ExchangeRequest, ID_TOKEN_TYPE, OAuthError, TokenExchangeRecord, TypedToken,
    VerifiedToken, resource_indicator,
};
use crate::ports::TokenStore;
use crate::scope::ScopeSet;
use crate::subject::SubjectType;
use crate::user::User;

/// A subject token, checked: its user, the grant it stands on, the client it was
/// issued to, its scopes and when it expires.
struct Subject {
    user: User,
    grant: GrantId,
    client: ClientId,
    scope: ScopeSet,
    expires_at: i64,
    auth_time: Option<i64>,
}

fn invalid(why: &str) -> OAuthError {
    OAuthError::InvalidRequest(why.to_owned())
}

impl<S: TokenStore> Tokens<S> {
    /// Exchanges `request`'s subject token for an access token for `client`,
    /// bound to the DPoP key `dpop_jkt` when one is given.
    ///
    /// # Errors
    /// `unauthorized_client` without the grant or a policy; `invalid_request` for a
    /// subject or actor token that is not a live token of this tenant, or an
    /// impersonation the policy does not allow; `invalid_target` and
    /// `invalid_scope` outside the policy or the subject token.
    pub(super) async fn exchange_token(
        &self,
        client: &Client,
        request: &ExchangeRequest,
        dpop_jkt: Option<&str>,
    ) -> Result<TokenResponse, OAuthError> {
        let policy = match client.settings.policy().exchange() {
            Some(policy)
                if client.settings.client_type() == ClientType::Confidential
                    && client.settings.grant_types().contains(&GrantType::TokenExchange) =>
            {
                policy
            }
            _ => return Err(OAuthError::UnauthorizedClient("this client may not exchange tokens".into())),
        };
        let now = self.cx.clock.now();
        let subject = self.exchange_subject(client, &request.subject).await?;
        if subject.client != client.id && !policy.subject_clients.contains(&subject.client) {
            return Err(invalid("this client may not exchange tokens issued to that client"));
        }
        let actor = match &request.actor {
            Some(actor) => Some(self.exchange_actor(client, actor).await?),
            None if policy.impersonation => None,
            None => return Err(invalid("this client may only act for users: send actor_token (delegation)")),
        };
        let audience = exchange_audience(policy, request.audience.as_deref())?;
        let scope = exchange_scope(policy, &subject.scope, request.scope.as_ref())?;
        let lifetime = (subject.expires_at - now.as_secs()).min(self.access_token_lifetime(client));
        let sub = self.cx.subject_of(client, &subject.user.id);
        let to =
            AccessTokenFor { sub: &sub, aud: &audience, scope: &scope, dpop_jkt, lifetime: Some(lifetime), id: None };
        let (access_token, access_token_id) = self.sign_access_token(
            client,
            &to,
            |claims| {
                let claims = claims.str("gid", subject.grant.as_str());
                let claims = match subject.auth_time {
                    Some(at) => claims.int("auth_time", at),
                    None => claims,
                };
                // The grant stays the user's grant to the subject token's client: revoking
                // it ends the exchanged token too (see `UserTokenIds`).
                let claims =
                    if subject.client == client.id { claims } else { claims.str("gcid", subject.client.as_str()) };
                match &actor {
                    Some(actor) => claims.object("act", Claims::new().str("sub", actor.clone())),
                    None => claims,
                }
            },
            now,
        )?;
        self.store
            .record_token_exchange(&TokenExchangeRecord {
                id: access_token_id.0.clone(),
                tenant_id: client.tenant_id.clone(),
                user_id: subject.user.id.clone(),
                client_id: client.id.clone(),
                subject_client_id: subject.client.clone(),
                actor: actor.clone(),
                audience: audience.clone(),
                scope: scope.clone(),
                created_at: now,
            })
            .await?;
        Ok(TokenResponse {
            access_token,
            expires_in: lifetime,
            id_token: None,
            refresh_token: None,
            scope,
            dpop_bound: dpop_jkt.is_some(),
            issued_token_type: Some(ACCESS_TOKEN_TYPE),
        })
    }

    /// The subject token: a live user's access token of the client's tenant (not
    /// itself delegated, not DPoP-bound), or an ID token of a client of the tenant
    /// with public subjects whose grant still stands.
    async fn exchange_subject(&self, client: &Client, subject: &TypedToken) -> Result<Subject, OAuthError> {
        let now = self.cx.clock.now();
        let dead = || invalid("subject_token is not a live token of this tenant");
        match subject.token_type.as_str() {
            ACCESS_TOKEN_TYPE => {
                let token = self.unexpired_access_token(&subject.token, now).map_err(|_| dead())?;
                let ids = UserTokenIds::of(&token).ok_or_else(|| invalid("subject_token is not a user's token"))?;
                if ids.tenant != client.tenant_id {
                    return Err(dead());
                }
                if token.act.is_some() || token.cnf_jkt.is_some() {
                    return Err(invalid("a delegated or DPoP-bound token cannot be exchanged"));
                }
                let user = self.access_token_user(&token, &ids).await?.ok_or_else(dead)?;
                let scope = ScopeSet::parse_delimited(token.scope.as_deref().unwrap_or("")).map_err(|_| dead())?;
                Ok(Subject {
                    user,
                    grant: ids.grant,
                    client: ids.grant_client,
                    scope,
                    expires_at: token.exp.unwrap_or_default(),
                    auth_time: token.auth_time,
                })
            }
            ID_TOKEN_TYPE => {
                let token = self.signer.verify(&subject.token).ok_or_else(dead)?;
                if !token.is_id_token_of(&self.cx.settings.issuer) || token.exp.is_none_or(|exp| exp <= now.as_secs()) {
                    return Err(dead());
                }
                self.id_token_subject(client, &token).await
            }
            _ => Err(invalid("subject_token_type must be an access token or an ID token")),
        }
    }

    async fn id_token_subject(&self, client: &Client, token: &VerifiedToken) -> Result<Subject, OAuthError> {
        let dead = || invalid("subject_token is not a live token of this tenant");
        let [aud] = token.aud.as_slice() else { return Err(dead()) };
        let issued_to = ClientId::parse(aud).map_err(|_| dead())?;
        let owner =
            self.cached_client(&issued_to).await?.filter(|c| c.tenant_id == client.tenant_id).ok_or_else(dead)?;
        if !matches!(owner.settings.subject_type(), SubjectType::Public) {
            return Err(invalid("an ID token with a pairwise subject cannot be exchanged"));
        }
        let user_id = crate::id::UserId::parse(token.sub.as_deref().unwrap_or("")).map_err(|_| dead())?;
        let tenant: &TenantId = &client.tenant_id;
        let grant = self.store.find_grant(tenant, &user_id, &issued_to).await?.ok_or_else(dead)?;
        let user = self
            .store
            .get_user(tenant, &user_id)
            .await?
            .filter(|u| {
                u.disabled_at.is_none()
                    && u.tokens_revoked_at.is_none_or(|at| token.iat.unwrap_or_default() > at.as_secs())
            })
            .ok_or_else(dead)?;
        Ok(Subject {
            user,
            grant: grant.id,
            client: issued_to,
            scope: grant.scopes,
            expires_at: token.exp.unwrap_or_default(),
            auth_time: token.auth_time,
        })
    }

    /// The actor: a live access token issued to the exchanging client itself (its
    /// own, from client credentials, or a user's token it holds); answers `act.sub`.
    async fn exchange_actor(&self, client: &Client, actor: &TypedToken) -> Result<String, OAuthError> {
        if actor.token_type != ACCESS_TOKEN_TYPE {
            return Err(invalid("actor_token_type must be an access token"));
        }
        let dead = || invalid("actor_token is not a live access token issued to this client");
        let token = self.unexpired_access_token(&actor.token, self.cx.clock.now()).map_err(|_| dead())?;
        if token.client_id.as_deref() != Some(client.id.as_str())
            || token.tid.as_deref() != Some(client.tenant_id.as_str())
            || !self.access_token_is_live(&token).await?
        {
            return Err(dead());
        }
        token.sub.ok_or_else(dead)
    }
}

/// The audience asked for, which the policy must list; the policy's only one when
/// none is asked for.
fn exchange_audience(policy: &ExchangePolicy, asked: Option<&str>) -> Result<String, OAuthError> {
    match asked {
        Some(raw) => {
            let audience = resource_indicator(raw)?;
            if !policy.audiences.contains(&audience) {
                return Err(OAuthError::InvalidTarget(format!("this client may not exchange tokens for {audience}")));
            }
            Ok(audience)
        }
        None => match policy.audiences.as_slice() {
            [only] => Ok(only.clone()),
            _ => Err(OAuthError::InvalidTarget("name the audience (or resource) of the new token".into())),
        },
    }
}

/// The scopes asked for (or all that may be), within both the subject token's and
/// the policy's.
fn exchange_scope(policy: &ExchangePolicy, held: &ScopeSet, asked: Option<&ScopeSet>) -> Result<ScopeSet, OAuthError> {
    let allowed = |s: &str| held.contains(s) && policy.scopes.iter().any(|p| p == s);
    match asked {
        Some(asked) => match asked.iter().find(|s| !allowed(s.as_str())) {
            Some(bad) => Err(OAuthError::InvalidScope(format!(
                "`{}` is beyond the subject token or this client's exchange policy",
                bad.as_str()
            ))),
            None => Ok(asked.clone()),
        },
        None => {
            let granted = ScopeSet::from_tokens(held.iter().map(|s| s.as_str()).filter(|s| allowed(s)))
                .map_err(|e| OAuthError::InvalidScope(e.to_string()))?;
            if granted.is_empty() {
                return Err(OAuthError::InvalidScope("no scope of the subject token may be exchanged".into()));
            }
            Ok(granted)
        }
    }
}
