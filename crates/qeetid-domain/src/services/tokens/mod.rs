//! The token endpoint: client authentication (RFC 6749 §2.3.1), the tokens every
//! grant issues, and one module per grant type; beside it the endpoints that take
//! tokens back (`resource.rs`), device authorization and logout.

mod authorization_code;
mod backchannel_logout;
mod client_credentials;
mod device_authorization;
mod device_code;
mod logout;
mod proofs;
mod refresh_token;
mod resource;
mod token_exchange;

pub use resource::{Presented, ReleasedClaims, UserInfo};

use std::sync::Arc;

pub use device_authorization::{DeviceAuthorization, format_user_code};
pub(crate) use device_authorization::{normalise_user_code, user_code_hash};
pub use logout::{FrontChannelLogout, LogoutParams, LogoutPlan};

use super::Context;
use super::client_auth_throttle::ClientAuthThrottle;
use crate::client::{Client, ClientType};
use crate::grant_type::GrantType;
use crate::id::{ClientId, GrantId, RefreshTokenId, SessionId, TenantId};
use crate::oauth::{Claims, OAuthError, RefreshToken, Resources, TokenRequest, at_hash, scopes};
use crate::ports::TokenSigner;
use crate::ports::TokenStore;
use crate::random::random_token;
use crate::registration::TokenAuthMethod;
use crate::scope::ScopeSet;
use crate::secret::{Secret, SecretHash};
use crate::services::client_keys::ClientKeyReader;
use crate::time::UnixTime;
use crate::user::User;

/// Tokens: the token endpoint's grants, userinfo, introspection, revocation, device
/// authorization and logout, over the store and the token signer.
#[derive(Clone)]
pub struct Tokens<S> {
    store: S,
    cx: Context,
    signer: Arc<dyn TokenSigner>,
    client_auth_throttle: Arc<ClientAuthThrottle>,
    /// Client assertions and DPoP proofs; `None` refuses both.
    key_reader: Option<ClientKeyReader>,
}

impl<S: TokenStore> Tokens<S> {
    /// The token use cases over `store`, signing with `signer`.
    pub fn new(store: S, cx: Context, signer: Arc<dyn TokenSigner>) -> Self {
        Self { store, cx, signer, client_auth_throttle: Arc::default(), key_reader: None }
    }

    /// The same use cases, reading client assertions (`private_key_jwt`) and DPoP
    /// proofs through `port` (without it, both are refused).
    #[must_use]
    pub fn with_client_jose(self, port: Arc<dyn crate::ports::ClientJose>) -> Self {
        self.with_key_reader(ClientKeyReader::new(port))
    }

    /// [`Self::with_client_jose`] with a reader shared with the authorization endpoint.
    #[must_use]
    pub(crate) fn with_key_reader(mut self, reader: ClientKeyReader) -> Self {
        self.key_reader = Some(reader);
        self
    }

    /// The JWK Set to publish at `/.well-known/jwks.json`.
    pub fn jwks(&self) -> String {
        self.signer.published_keys()
    }

    /// The shared context.
    pub fn context(&self) -> &Context {
        &self.cx
    }
}

/// Prefix of refresh tokens.
pub(crate) const REFRESH_TOKEN_PREFIX: &str = "qrt_";

/// How the client presented its credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMethod {
    /// HTTP Basic (`client_secret_basic`).
    Basic,
    /// In the form body (`client_secret_post`).
    Post,
    /// `client_id` alone (`none`, public clients).
    None,
    /// A JWT signed with the client's key (`private_key_jwt`, RFC 7523).
    PrivateKeyJwt,
}

/// The client's credentials as presented at the token endpoint.
#[derive(Debug, Clone)]
pub struct ClientAuthentication {
    /// `client_id`.
    pub client_id: String,
    /// `client_secret`, if any.
    pub secret: Option<Secret>,
    /// `client_assertion`, for [`AuthMethod::PrivateKeyJwt`].
    pub assertion: Option<String>,
    /// How they came.
    pub method: AuthMethod,
    /// The caller's address, for the throttle on failed authentication.
    pub source: Option<std::net::IpAddr>,
}

/// A successful token response (RFC 6749 §5.1, OIDC Core §3.1.3.3).
#[derive(Debug)]
pub struct TokenResponse {
    /// A JWT access token (RFC 9068).
    pub access_token: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// The ID token, when `openid` was granted.
    pub id_token: Option<String>,
    /// A refresh token, when the client may refresh.
    pub refresh_token: Option<Secret>,
    /// The granted scopes.
    pub scope: ScopeSet,
    /// Whether the access token is bound to a DPoP key (`token_type` `DPoP`, RFC
    /// 9449 §5) rather than a bearer token.
    pub dpop_bound: bool,
    /// `issued_token_type` (RFC 8693 §2.2.1), for a token exchange.
    pub issued_token_type: Option<&'static str>,
}

impl<S: TokenStore> Tokens<S> {
    /// The token endpoint: answers `request` for the authenticated `client`, binding
    /// the access token to the key of the DPoP proof `dpop` when one came (required
    /// for clients that must use DPoP, RFC 9449 §5).
    pub async fn token(
        &self,
        client: &Client,
        request: &TokenRequest,
        dpop: Option<&str>,
    ) -> Result<TokenResponse, OAuthError> {
        let token_endpoint = format!("{}/v1/oauth/token", self.cx.settings.issuer);
        let jkt = self.dpop_binding(client, dpop, "POST", &token_endpoint).await?;
        let jkt = jkt.as_deref();
        match request {
            TokenRequest::AuthorizationCode(exchange) => self.exchange_code_bound(client, exchange, jkt).await,
            TokenRequest::RefreshToken(refresh) => self.refresh(client, refresh, jkt).await,
            TokenRequest::ClientCredentials(credentials) => {
                self.client_credentials_grant(client, credentials, jkt).await
            }
            TokenRequest::DeviceCode(poll) => self.poll_device(client, poll, jkt).await,
            TokenRequest::TokenExchange(exchange) => self.exchange_token(client, exchange, jkt).await,
        }
    }

    /// Authenticates the client at the token endpoint: a confidential client by its
    /// secret (compared in constant time, previous secret honoured during its grace
    /// period), a public client by `client_id` alone. The client is read through the
    /// short-lived client cache (see `client_cache`).
    pub async fn authenticate_client(&self, auth: &ClientAuthentication) -> Result<Client, OAuthError> {
        if auth.assertion.is_some() {
            return self.authenticate_with_assertion(auth).await;
        }
        if let Some(outcome) = self.authenticate_cached_client(auth) {
            return outcome;
        }
        let id = ClientId::parse(&auth.client_id).map_err(|_| self.client_auth_failed(auth))?;
        let client = self.cached_client(&id).await?.ok_or_else(|| self.client_auth_failed(auth))?;
        self.check_client_credentials(client, auth)
    }

    /// The client `auth` names, from the cache or the store, counting an unknown id
    /// as a failed authentication.
    pub(crate) async fn client_named(&self, auth: &ClientAuthentication) -> Result<Client, OAuthError> {
        self.client_auth_allowed(auth)?;
        let id = ClientId::parse(&auth.client_id).map_err(|_| self.client_auth_failed(auth))?;
        self.cached_client(&id).await?.ok_or_else(|| self.client_auth_failed(auth))
    }

    /// [`Self::authenticate_client`] when the client is in the cache; `None` when it
    /// must be read from the store. It does no I/O, so a caller may run it (and a
    /// use case that does no I/O either, such as [`Self::client_credentials`]) where
    /// it stands.
    pub fn authenticate_cached_client(&self, auth: &ClientAuthentication) -> Option<Result<Client, OAuthError>> {
        if auth.assertion.is_some() {
            // An assertion's jti is spent in the store: not without I/O.
            return None;
        }
        if let Err(refused) = self.client_auth_allowed(auth) {
            return Some(Err(refused));
        }
        let Ok(id) = ClientId::parse(&auth.client_id) else {
            return Some(Err(self.client_auth_failed(auth)));
        };
        let client = self.cx.client_cache.get(&id, self.cx.clock.now())?;
        Some(self.check_client_credentials(client, auth))
    }

    /// Refused while this client id from this address, or this address, has failed
    /// too often (see `client_auth_throttle`).
    fn client_auth_allowed(&self, auth: &ClientAuthentication) -> Result<(), OAuthError> {
        self.client_auth_throttle
            .check(&auth.client_id, auth.source, self.cx.clock.now())
            .map_err(|retry_after| OAuthError::TooManyAttempts { retry_after })
    }

    /// Counts a failed authentication; answers the one error for it.
    fn client_auth_failed(&self, auth: &ClientAuthentication) -> OAuthError {
        self.client_auth_throttle.failed(&auth.client_id, auth.source, self.cx.clock.now());
        unknown_client()
    }

    fn check_client_credentials(&self, client: Client, auth: &ClientAuthentication) -> Result<Client, OAuthError> {
        let checked = self.compare_client_credentials(client, auth);
        self.settle_client_auth(auth, checked)
    }

    /// Counts the outcome of a client authentication for the throttle.
    pub(crate) fn settle_client_auth(
        &self,
        auth: &ClientAuthentication,
        checked: Result<Client, OAuthError>,
    ) -> Result<Client, OAuthError> {
        match &checked {
            Ok(_) => self.client_auth_throttle.succeeded(&auth.client_id, auth.source, self.cx.clock.now()),
            Err(OAuthError::InvalidClient(_)) => {
                self.client_auth_throttle.failed(&auth.client_id, auth.source, self.cx.clock.now());
            }
            Err(_) => {}
        }
        checked
    }

    fn compare_client_credentials(&self, client: Client, auth: &ClientAuthentication) -> Result<Client, OAuthError> {
        match client.settings.auth_method() {
            TokenAuthMethod::PrivateKeyJwt => {
                return Err(OAuthError::InvalidClient(
                    "this client authenticates with private_key_jwt (client_assertion)".into(),
                ));
            }
            _ if client.fapi2() => {
                return Err(OAuthError::InvalidClient(
                    "FAPI 2.0 applies to this client: it must authenticate with private_key_jwt".into(),
                ));
            }
            _ => {}
        }
        match (&client.secrets, &auth.secret) {
            (Some(secrets), Some(secret)) if secrets.accept(secret, self.cx.clock.now()) => Ok(client),
            (None, None) if client.settings.client_type() == ClientType::Public => Ok(client),
            (None, Some(_)) => {
                Err(OAuthError::InvalidClient("a public client has no secret; send client_id alone".into()))
            }
            _ => Err(unknown_client()),
        }
    }
}

/// The one answer for an unknown client and a wrong secret (RFC 6749 §5.2).
fn unknown_client() -> OAuthError {
    OAuthError::InvalidClient("client authentication failed".into())
}

/// Who the tokens are for and how they authenticated: what every user grant hands
/// to `Tokens::mint_user_tokens`.
pub(crate) struct Subject<'a> {
    pub(crate) tenant_id: &'a TenantId,
    pub(crate) user: &'a User,
    pub(crate) grant_id: &'a GrantId,
    pub(crate) session_id: Option<&'a SessionId>,
    pub(crate) auth_time: UnixTime,
    pub(crate) amr: &'a [String],
    /// The resource (RFC 8707) the access token is for: its `aud` (the issuer without one).
    pub(crate) resource: Option<&'a str>,
    /// Every resource of the grant, kept on the refresh token.
    pub(crate) resources: &'a Resources,
    /// The DPoP key the tokens are bound to, if a proof came.
    pub(crate) dpop_jkt: Option<&'a str>,
    /// The access token's `jti` and expiry, when chosen before (the code exchange
    /// records them with the code's spend); `None`: new ones.
    pub(crate) access_token_id: Option<&'a (String, UnixTime)>,
}

/// Whom an access token is for: `sub`, `aud`, `scope`, and the DPoP key it is
/// bound to, if any.
#[derive(Clone, Copy)]
pub(crate) struct AccessTokenFor<'a> {
    pub(crate) sub: &'a str,
    pub(crate) aud: &'a str,
    pub(crate) scope: &'a ScopeSet,
    pub(crate) dpop_jkt: Option<&'a str>,
    /// Seconds it lives; `None`: the client's access-token lifetime.
    pub(crate) lifetime: Option<i64>,
    /// Its `jti` and expiry, when chosen before ([`Subject::access_token_id`]);
    /// `lifetime` is then not used.
    pub(crate) id: Option<&'a (String, UnixTime)>,
}

/// A rotation lost its race: the refresh token was rotated (or revoked) by someone
/// else between the checks and the swap.
#[derive(Debug)]
pub(crate) struct RotationLost;

/// Whether and how a refresh token comes with the tokens.
pub(crate) enum RefreshPlan {
    /// None (the client may not refresh).
    None,
    /// A new family, started by this code (if any).
    NewFamily { origin_code: Option<SecretHash> },
    /// The successor of `replaces` in a rotation: same family, same absolute expiry,
    /// and the scope of the token it replaces even when the access token's was
    /// narrowed (RFC 6749 §6). Stored together with the rotation, or not at all.
    Successor { replaces: RefreshTokenId, family_id: RefreshTokenId, absolute_expires_at: UnixTime, scope: ScopeSet },
}

impl<S: TokenStore> Tokens<S> {
    /// The access-token lifetime for `client`.
    pub(crate) fn access_token_lifetime(&self, client: &Client) -> i64 {
        client.settings.lifetimes().access_token.unwrap_or(self.cx.settings.lifetimes.access_token)
    }

    /// A new access token id (`jti`) and the expiry of a token issued `now` that
    /// lives `lifetime` seconds (`None`: the client's access-token lifetime).
    pub(crate) fn new_access_token_id(
        &self,
        client: &Client,
        lifetime: Option<i64>,
        now: UnixTime,
    ) -> (String, UnixTime) {
        let jti = random_token::<16>(self.cx.random.as_ref());
        (jti, now.plus_secs(lifetime.unwrap_or_else(|| self.access_token_lifetime(client))))
    }

    /// An RFC 9068 access token (§2.2): `sub` is the user, or the client itself for
    /// client credentials.
    pub(crate) fn sign_access_token(
        &self,
        client: &Client,
        to: &AccessTokenFor<'_>,
        extra: impl FnOnce(Claims) -> Claims,
        now: UnixTime,
    ) -> Result<(String, (String, UnixTime)), OAuthError> {
        let AccessTokenFor { sub, aud, scope, dpop_jkt, lifetime, id } = *to;
        let (jti, expires_at) = match id {
            Some((jti, expires_at)) => (jti.clone(), *expires_at),
            None => self.new_access_token_id(client, lifetime, now),
        };
        let claims = Claims::new()
            .str("iss", self.cx.settings.issuer.as_str())
            .str("sub", sub)
            .str("aud", aud)
            .int("exp", expires_at.as_secs())
            .int("iat", now.as_secs())
            .str("jti", jti.clone())
            .str("client_id", client.id.as_str())
            .str("scope", scope.to_delimited())
            .str("tid", client.tenant_id.as_str());
        // RFC 9449 §6.1: the key the token is bound to.
        let claims = match dpop_jkt {
            Some(jkt) => claims.object("cnf", Claims::new().str("jkt", jkt)),
            None => claims,
        };
        let alg = self.cx.settings.access_token_alg;
        let token =
            self.signer.sign(alg, "at+jwt", &extra(claims)).map_err(|e| OAuthError::ServerError(Box::new(e)))?;
        Ok((token, (jti, expires_at)))
    }

    /// The tokens of a user grant: an access token, an ID token when `openid` was
    /// granted (OIDC Core §2, §3.1.3.6, §5.4), and a refresh token per `refresh`.
    /// For a [`RefreshPlan::Successor`] whose predecessor was rotated meanwhile, the
    /// answer is [`RotationLost`] inside `Ok(Err(…))`: the caller decides what reuse means.
    pub(crate) async fn mint_user_tokens(
        &self,
        client: &Client,
        subject: &Subject<'_>,
        scope: &ScopeSet,
        nonce: Option<String>,
        refresh: RefreshPlan,
        now: UnixTime,
    ) -> Result<Result<TokenResponse, RotationLost>, OAuthError> {
        let user = subject.user;
        let issuer = self.cx.settings.issuer.as_str();
        // The client's view of the user: the id, or its pairwise value (OIDC Core §8).
        let sub = self.cx.subject_of(client, &user.id);
        let (access_token, _) = self.sign_access_token(
            client,
            &AccessTokenFor {
                sub: &sub,
                aud: subject.resource.unwrap_or(issuer),
                scope,
                dpop_jkt: subject.dpop_jkt,
                lifetime: None,
                id: subject.access_token_id,
            },
            |c| {
                // `gid` ties the token to its grant: revoking the grant ends it (see `resource`).
                let c = c.int("auth_time", subject.auth_time.as_secs()).str("gid", subject.grant_id.as_str());
                match subject.session_id {
                    Some(sid) => c.str("sid", sid.as_str()),
                    None => c,
                }
            },
            now,
        )?;
        let id_token = if scope.contains(scopes::OPENID) {
            let mut claims = Claims::new()
                .str("iss", issuer)
                .str("sub", sub.as_str())
                .str("aud", client.id.as_str())
                .int("exp", now.plus_secs(self.cx.settings.lifetimes.id_token).as_secs())
                .int("iat", now.as_secs())
                .int("auth_time", subject.auth_time.as_secs())
                .maybe_str("nonce", nonce)
                .str("at_hash", at_hash(&access_token))
                .maybe_str("sid", subject.session_id.map(|s| s.as_str().to_owned()))
                .str("tid", subject.tenant_id.as_str())
                .str("acr", crate::oauth::acr_of(subject.amr))
                .list("amr", subject.amr.to_vec());
            if scope.contains(scopes::PROFILE) {
                claims = claims.maybe_str("name", user.name.clone());
            }
            if scope.contains(scopes::EMAIL) {
                claims = claims.str("email", user.email.as_str()).bool("email_verified", user.email_verified);
            }
            let alg = client.settings.id_token_alg();
            Some(self.signer.sign(alg, "JWT", &claims).map_err(|e| OAuthError::ServerError(Box::new(e)))?)
        } else {
            None
        };
        let refresh_token = match refresh {
            RefreshPlan::None => None,
            RefreshPlan::NewFamily { origin_code } => {
                let family = RefreshTokenId::generate(self.cx.random.as_ref());
                let absolute = now.plus_secs(
                    client.settings.lifetimes().refresh_token.unwrap_or(self.cx.settings.lifetimes.refresh_token),
                );
                let (token, record) =
                    self.new_refresh_token(client, subject, scope, family, absolute, origin_code, now);
                self.store.insert_refresh_token(&record).await?;
                Some(token)
            }
            RefreshPlan::Successor { replaces, family_id, absolute_expires_at, scope: kept } => {
                // The code that started the family stays on its first token only:
                // revoking by code reaches the successors through the family.
                let (token, record) =
                    self.new_refresh_token(client, subject, &kept, family_id, absolute_expires_at, None, now);
                if !self.store.replace_refresh_token(&replaces, &record, now).await? {
                    return Ok(Err(RotationLost));
                }
                Some(token)
            }
        };
        Ok(Ok(TokenResponse {
            access_token,
            expires_in: self.access_token_lifetime(client),
            id_token,
            refresh_token,
            scope: scope.clone(),
            dpop_bound: subject.dpop_jkt.is_some(),
            issued_token_type: None,
        }))
    }

    /// A new refresh token and the record to store for it.
    #[allow(clippy::too_many_arguments)]
    fn new_refresh_token(
        &self,
        client: &Client,
        subject: &Subject<'_>,
        scope: &ScopeSet,
        family_id: RefreshTokenId,
        absolute_expires_at: UnixTime,
        origin_code: Option<SecretHash>,
        now: UnixTime,
    ) -> (Secret, RefreshToken) {
        let idle =
            client.settings.lifetimes().refresh_token_idle.unwrap_or(self.cx.settings.lifetimes.refresh_token_idle);
        let token = Secret::generate(REFRESH_TOKEN_PREFIX, self.cx.random.as_ref());
        let record = RefreshToken {
            id: RefreshTokenId::ordered(now, self.cx.random.as_ref()),
            token_hash: token.hash(),
            tenant_id: subject.tenant_id.clone(),
            client_id: client.id.clone(),
            user_id: subject.user.id.clone(),
            grant_id: subject.grant_id.clone(),
            family_id,
            origin_code,
            scope: scope.clone(),
            auth_time: subject.auth_time,
            amr: subject.amr.to_vec(),
            session_id: subject.session_id.cloned(),
            resources: subject.resources.clone(),
            created_at: now,
            expires_at: now.plus_secs(idle).min(absolute_expires_at),
            absolute_expires_at,
            rotated_at: None,
            revoked_at: None,
            // RFC 9449 §5: a public client's refresh token is bound to its DPoP key; a
            // confidential client's is protected by its authentication instead.
            dpop_jkt: match client.settings.client_type() {
                ClientType::Public => subject.dpop_jkt.map(str::to_owned),
                ClientType::Confidential => None,
            },
        };
        (token, record)
    }

    /// The refresh plan for a new family: a refresh token only for clients that may refresh.
    pub(crate) fn new_family(client: &Client, origin_code: Option<SecretHash>) -> RefreshPlan {
        if client.settings.grant_types().contains(&GrantType::RefreshToken) {
            RefreshPlan::NewFamily { origin_code }
        } else {
            RefreshPlan::None
        }
    }
}
