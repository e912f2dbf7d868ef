//! What resource servers and clients do with tokens: UserInfo (OIDC Core §5.3),
//! introspection (RFC 7662) and revocation (RFC 7009).

use super::Tokens;
use crate::client::Client;
use crate::error::StoreError;
use crate::id::{ClientId, GrantId, TenantId, UserId};
use crate::oauth::{Claims, OAuthError, SigningAlg, VerifiedToken, scopes};
use crate::ports::{TokenOrigin, TokenStore};
use crate::scope::ScopeSet;
use crate::secret::Secret;
use crate::time::UnixTime;
use crate::user::User;

/// How an access token came to a resource endpoint.
#[derive(Debug, Clone, Copy)]
pub enum Presented<'a> {
    /// `Authorization: Bearer` (or the form body).
    Bearer(&'a str),
    /// `Authorization: DPoP` with the `DPoP` proof header (RFC 9449 §7.1).
    Dpop {
        /// The access token.
        token: &'a str,
        /// The proof.
        proof: &'a str,
        /// The request's method.
        method: &'a str,
        /// The request's URL (the endpoint, without query).
        url: &'a str,
    },
}

/// Refresh tokens look like this; anything else is tried as a JWT access token.
const REFRESH_PREFIX: &str = super::REFRESH_TOKEN_PREFIX;

impl<S: TokenStore> Tokens<S> {
    /// An access token of this deployment, unexpired: signature, `typ: at+jwt`,
    /// issuer and expiry check out (the revocation list is the caller's to consult).
    pub(super) fn unexpired_access_token(&self, token: &str, now: UnixTime) -> Result<VerifiedToken, OAuthError> {
        let invalid = |why: &str| OAuthError::InvalidToken(why.to_owned());
        let claims = self.signer.verify(token).ok_or_else(|| invalid("the token is not valid"))?;
        if claims.typ != "at+jwt" || claims.iss.as_deref() != Some(self.cx.settings.issuer.as_str()) {
            return Err(invalid("not an access token of this provider"));
        }
        if claims.exp.is_none_or(|exp| exp <= now.as_secs()) {
            return Err(invalid("the token has expired"));
        }
        Ok(claims)
    }

    /// The user behind a user's token whose origin still stands (see
    /// [`UserRepository::live_token_user`](crate::ports::UserRepository::live_token_user)),
    /// who is not disabled and has not signed out everywhere since `issued_at`.
    pub(crate) async fn live_token_user(
        &self,
        origin: &TokenOrigin<'_>,
        issued_at: i64,
    ) -> Result<Option<User>, StoreError> {
        let user = self.store.live_token_user(origin).await?;
        Ok(Self::still_live(user, issued_at))
    }

    /// `user`, the answer of a live-origin read, unless disabled or signed out
    /// everywhere since `issued_at`.
    pub(crate) fn still_live(user: Option<User>, issued_at: i64) -> Option<User> {
        user.filter(|u| u.disabled_at.is_none() && u.tokens_revoked_at.is_none_or(|at| issued_at > at.as_secs()))
    }

    /// The user a live access token of a user (its `ids`) was issued to; `None` when
    /// its grant, client or user is gone, or it was revoked.
    /// A pairwise `sub` (OIDC Core §8) names no user: the grant does, and the
    /// token's `sub` must be that user's value for the client (one more read).
    pub(super) async fn access_token_user(
        &self,
        token: &VerifiedToken,
        ids: &UserTokenIds,
    ) -> Result<Option<User>, StoreError> {
        let user = match &ids.user {
            Some(user) => user.clone(),
            None => {
                let Some(grant) = self.store.get_grant(&ids.tenant, &ids.grant).await? else { return Ok(None) };
                let Some(client) = self.cached_client(&ids.client).await? else { return Ok(None) };
                if token.sub.as_deref() != Some(self.cx.subject_of(&client, &grant.user_id).as_str()) {
                    return Ok(None);
                }
                grant.user_id
            }
        };
        let origin = TokenOrigin {
            tenant: &ids.tenant,
            user: &user,
            client: &ids.grant_client,
            grant: &ids.grant,
            jti: token.jti.as_deref(),
        };
        self.live_token_user(&origin, token.iat.unwrap_or_default()).await
    }

    /// The client a token was issued to, through the short-lived client cache.
    pub(super) async fn cached_client(&self, id: &ClientId) -> Result<Option<Client>, StoreError> {
        self.cx.client_cache.read_through(&self.store, id, self.cx.clock.now()).await
    }

    /// The claims UserInfo releases for a bearer access token, by granted scope:
    /// plain, or signed (with `iss` and `aud`, OIDC Core §5.3.2) when the client
    /// registered `userinfo_signed_response_alg`.
    pub async fn userinfo(&self, bearer: &str) -> Result<UserInfo, OAuthError> {
        self.userinfo_for(&Presented::Bearer(bearer)).await
    }

    /// [`Self::userinfo`] for a token presented as `presented`: a DPoP-bound token
    /// only with a proof of its key (RFC 9449 §7), an unbound one only as a bearer.
    pub async fn userinfo_for(&self, presented: &Presented<'_>) -> Result<UserInfo, OAuthError> {
        let released = self.userinfo_claims(presented).await?;
        self.finish_userinfo(released)
    }

    /// The claims UserInfo releases for the token `presented` carries, before any
    /// signature: [`Self::finish_userinfo`] makes the answer. Apart so that a caller
    /// can give an RS256 signature (about a millisecond) a thread of its own.
    pub async fn userinfo_claims(&self, presented: &Presented<'_>) -> Result<ReleasedClaims, OAuthError> {
        let token = self.presented_access_token(presented).await?;
        let scope = ScopeSet::parse_delimited(token.scope.as_deref().unwrap_or(""))
            .map_err(|_| OAuthError::InvalidToken("malformed scope".into()))?;
        if !scope.contains(scopes::OPENID) {
            return Err(OAuthError::InsufficientScope("userinfo needs the openid scope".into()));
        }
        let Some(ids) = UserTokenIds::of(&token) else {
            return Err(OAuthError::InvalidToken("the token does not belong to a user".into()));
        };
        // The deny-list, the grant, the client and the user in one query.
        let user = self.access_token_user(&token, &ids).await?.ok_or_else(|| {
            OAuthError::InvalidToken(
                "the token was revoked, or its grant, client or user no longer exists or is disabled".into(),
            )
        })?;
        let client = self.cached_client(&ids.client).await?;
        let sub = match &client {
            Some(client) => self.cx.subject_of(client, &user.id),
            None => user.id.as_str().to_owned(),
        };
        let mut claims = Claims::new().str("sub", sub);
        if scope.contains(scopes::PROFILE) {
            claims = claims.maybe_str("name", user.name.clone());
        }
        if scope.contains(scopes::EMAIL) {
            claims = claims.str("email", user.email.as_str()).bool("email_verified", user.email_verified);
        }
        let sign_with = client.and_then(|c| c.settings.userinfo_alg());
        Ok(ReleasedClaims { claims, sign_with, audience: ids.client })
    }

    /// UserInfo's answer for `released`: the claims, and the signed JWT when the
    /// client registered `userinfo_signed_response_alg`.
    pub fn finish_userinfo(&self, released: ReleasedClaims) -> Result<UserInfo, OAuthError> {
        let ReleasedClaims { claims, sign_with, audience } = released;
        let signed = match sign_with {
            None => None,
            Some(alg) => {
                let claims = claims
                    .clone()
                    .str("iss", self.cx.settings.issuer.as_str())
                    .str("aud", audience.as_str())
                    .int("iat", self.cx.clock.now().as_secs());
                Some(self.signer.sign(alg, "JWT", &claims).map_err(|e| OAuthError::ServerError(Box::new(e)))?)
            }
        };
        Ok(UserInfo { claims, signed })
    }

    /// The unexpired access token `presented` carries, once its presentation fits
    /// its binding: a DPoP proof of the `cnf.jkt` key for a bound token (`ath` its
    /// hash, for this request), a plain bearer for an unbound one.
    async fn presented_access_token(&self, presented: &Presented<'_>) -> Result<VerifiedToken, OAuthError> {
        let now = self.cx.clock.now();
        match presented {
            Presented::Bearer(token) => {
                let token = self.unexpired_access_token(token, now)?;
                if token.cnf_jkt.is_some() {
                    return Err(OAuthError::InvalidToken(
                        "the token is DPoP-bound: present it with the DPoP scheme and a proof".into(),
                    ));
                }
                Ok(token)
            }
            Presented::Dpop { token, proof, method, url } => {
                let verified = self.unexpired_access_token(token, now)?;
                let Some(bound) = verified.cnf_jkt.as_deref() else {
                    return Err(OAuthError::InvalidToken("the token is not DPoP-bound: present it as Bearer".into()));
                };
                let proven = self.checked_dpop_proof(proof, method, url, Some(token)).await?;
                if proven != bound {
                    return Err(OAuthError::InvalidDpopProof(
                        "the proof is not of the key the token is bound to".into(),
                    ));
                }
                Ok(verified)
            }
        }
    }

    /// Whether an unexpired access token is still live: a user's while its grant,
    /// client and user stand; a client's own while the client stands; neither once
    /// its `jti` was revoked. Tokens that are neither (older shapes) are not live.
    pub(super) async fn access_token_is_live(&self, token: &VerifiedToken) -> Result<bool, StoreError> {
        if let Some(ids) = UserTokenIds::of(token) {
            return Ok(self.access_token_user(token, &ids).await?.is_some());
        }
        let (Some(tenant), Some(client), Some(jti)) = (
            token.tid.as_deref().and_then(|t| TenantId::parse(t).ok()),
            token.client_id.as_deref().and_then(|c| ClientId::parse(c).ok()),
            token.jti.as_deref(),
        ) else {
            return Ok(false);
        };
        if token.sub.as_deref() != Some(client.as_str()) {
            return Ok(false);
        }
        self.store.is_client_token_live(&tenant, &client, jti).await
    }

    /// RFC 7662 §2.2: the token's description, or `None` for "active": false
    /// (unknown, expired, revoked, rotated, or another tenant's).
    pub async fn introspect(&self, client: &Client, token: Option<&str>) -> Result<Option<Claims>, OAuthError> {
        let token = token.ok_or_else(|| OAuthError::InvalidRequest("token is required".into()))?;
        let now = self.cx.clock.now();
        if token.starts_with(REFRESH_PREFIX) {
            let Some(r) = self.store.find_refresh_token(&Secret::presented(token).hash()).await? else {
                return Ok(None);
            };
            let live = r.revoked_at.is_none() && r.rotated_at.is_none() && r.expires_at > now;
            if !live || r.tenant_id != client.tenant_id {
                return Ok(None);
            }
            let origin = TokenOrigin {
                tenant: &r.tenant_id,
                user: &r.user_id,
                client: &r.client_id,
                grant: &r.grant_id,
                jti: None,
            };
            if self.live_token_user(&origin, r.created_at.as_secs()).await?.is_none() {
                return Ok(None);
            }
            // The `sub` the token's client sees (pairwise clients: their value).
            let Some(owner) = self.cached_client(&r.client_id).await? else { return Ok(None) };
            return Ok(Some(
                Claims::new()
                    .str("scope", r.scope.to_delimited())
                    .str("client_id", r.client_id.as_str())
                    .str("sub", self.cx.subject_of(&owner, &r.user_id))
                    .int("exp", r.expires_at.as_secs())
                    .int("iat", r.created_at.as_secs())
                    .str("token_type", "refresh_token")
                    .str("iss", self.cx.settings.issuer.as_str())
                    .str("tid", r.tenant_id.as_str()),
            ));
        }
        let Ok(t) = self.unexpired_access_token(token, now) else { return Ok(None) };
        if t.tid.as_deref() != Some(client.tenant_id.as_str()) || !self.access_token_is_live(&t).await? {
            return Ok(None);
        }
        Ok(Some(
            Claims::new()
                .maybe_str("scope", t.scope)
                .maybe_str("client_id", t.client_id)
                .maybe_str("sub", t.sub)
                .int("exp", t.exp.unwrap_or_default())
                .int("iat", t.iat.unwrap_or_default())
                .str("token_type", if t.cnf_jkt.is_some() { "DPoP" } else { "Bearer" })
                .maybe_str("iss", t.iss)
                .list("aud", t.aud)
                .maybe_str("jti", t.jti)
                .maybe_str("tid", t.tid)
                .maybe_object("cnf", t.cnf_jkt.map(|jkt| Claims::new().str("jkt", jkt)))
                .maybe_object("act", t.act.map(|sub| Claims::new().str("sub", sub))),
        ))
    }

    /// RFC 7009: revokes a refresh token (with its family) or an access token (its
    /// `jti` is refused until it would have expired). Unknown or already dead tokens
    /// are fine (§2.2); a token issued to another client is refused (§2.1).
    pub async fn revoke(&self, client: &Client, token: Option<&str>) -> Result<(), OAuthError> {
        let token = token.ok_or_else(|| OAuthError::InvalidRequest("token is required".into()))?;
        let now = self.cx.clock.now();
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

/// The claims UserInfo releases, not yet answered (see [`Tokens::userinfo_claims`]).
#[derive(Debug)]
pub struct ReleasedClaims {
    /// The released claims.
    pub claims: Claims,
    /// The algorithm the client asked UserInfo answers to be signed with, if any.
    pub sign_with: Option<SigningAlg>,
    /// The client the token was issued to: the signed answer's `aud`.
    audience: ClientId,
}

/// What UserInfo answers.
#[derive(Debug)]
pub struct UserInfo {
    /// The released claims.
    pub claims: Claims,
    /// The same claims as a signed JWT (with `iss`, `aud`, `iat`), for a client that
    /// registered `userinfo_signed_response_alg`: then it is the answer
    /// (`application/jwt`).
    pub signed: Option<String>,
}

/// The ids a user's access token carries (`tid`, `sub`, `client_id`, `gid`); the
/// user is `None` when `sub` is a pairwise value.
pub(super) struct UserTokenIds {
    pub(super) tenant: TenantId,
    pub(super) user: Option<UserId>,
    /// The client the token was issued to (its `sub` is this client's view).
    pub(super) client: ClientId,
    /// The client of its grant: `client`, or for an exchanged token the client
    /// the user's grant is to (`gcid`).
    pub(super) grant_client: ClientId,
    pub(super) grant: GrantId,
}

impl UserTokenIds {
    /// The ids of a user's access token; `None` for a client's own token.
    pub(super) fn of(token: &VerifiedToken) -> Option<Self> {
        let client = ClientId::parse(token.client_id.as_deref()?).ok()?;
        let grant_client = match token.gcid.as_deref() {
            Some(gcid) => ClientId::parse(gcid).ok()?,
            None => client.clone(),
        };
        Some(Self {
            tenant: TenantId::parse(token.tid.as_deref()?).ok()?,
            user: UserId::parse(token.sub.as_deref()?).ok(),
            client,
            grant_client,
            grant: GrantId::parse(token.gid.as_deref()?).ok()?,
        })
    }
}
