//! The token endpoint's authorization-code grant (RFC 6749 §4.1.3–§4.1.4, RFC 7636
//! §4.6, OIDC Core §3.1.3) and client authentication (RFC 6749 §2.3.1).

use super::Services;
use crate::client::{Client, ClientType};
use crate::grant_type::GrantType;
use crate::id::{ClientId, RefreshTokenId};
use crate::oauth::{AuthorizationCode, Claims, CodeUse, OAuthError, RefreshToken, at_hash, scopes};
use crate::pkce::CodeVerifier;
use crate::ports::Store;
use crate::random::random_token;
use crate::scope::ScopeSet;
use crate::secret::Secret;
use crate::time::UnixTime;
use crate::user::User;

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
}

/// The client's credentials as presented at the token endpoint.
#[derive(Debug, Clone)]
pub struct ClientAuthentication {
    /// `client_id`.
    pub client_id: String,
    /// `client_secret`, if any.
    pub secret: Option<Secret>,
    /// How they came.
    pub method: AuthMethod,
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
}

impl<S: Store> Services<S> {
    /// Authenticates the client at the token endpoint: a confidential client by its
    /// secret (compared in constant time, previous secret honoured during its grace
    /// period), a public client by `client_id` alone.
    pub async fn authenticate_client(&self, auth: &ClientAuthentication) -> Result<Client, OAuthError> {
        let unknown = || OAuthError::InvalidClient("client authentication failed".into());
        let id = ClientId::parse(&auth.client_id).map_err(|_| unknown())?;
        let client = self.store.find_client(&id).await?.ok_or_else(unknown)?;
        match (&client.secrets, &auth.secret) {
            (Some(secrets), Some(secret)) if secrets.accept(secret, self.clock.now()) => Ok(client),
            (None, None) if client.settings.client_type() == ClientType::Public => Ok(client),
            (None, Some(_)) => {
                Err(OAuthError::InvalidClient("a public client has no secret; send client_id alone".into()))
            }
            _ => Err(unknown()),
        }
    }

    /// Exchanges an authorization code for tokens.
    ///
    /// The code is spent on first presentation, valid or not for this client, so it
    /// can never be tried twice; a second presentation revokes every refresh token the
    /// first one issued (RFC 6749 §4.1.2, RFC 9700 §4.2.4).
    pub async fn exchange_code(
        &self,
        client: &Client,
        code: Option<&str>,
        redirect_uri: Option<&str>,
        code_verifier: Option<&str>,
    ) -> Result<TokenResponse, OAuthError> {
        if !client.settings.grant_types().contains(&GrantType::AuthorizationCode) {
            return Err(OAuthError::UnauthorizedClient("this client may not use authorization_code".into()));
        }
        let code = code.ok_or_else(|| OAuthError::InvalidRequest("code is required".into()))?;
        let redirect_uri = redirect_uri.ok_or_else(|| OAuthError::InvalidRequest("redirect_uri is required".into()))?;
        let verifier = code_verifier
            .map(CodeVerifier::parse)
            .transpose()
            .map_err(|e| OAuthError::InvalidRequest(e.to_string()))?;
        let now = self.clock.now();
        let code_hash = Secret::presented(code).hash();
        let record = match self.store.use_code(&code_hash, now).await? {
            CodeUse::First(record) => record,
            CodeUse::Replayed(_) => {
                self.store.revoke_code_tokens(&code_hash, now).await?;
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
        let user = self
            .store
            .get_user(&record.tenant_id, &record.user_id)
            .await?
            .ok_or_else(|| OAuthError::InvalidGrant("the user no longer exists".into()))?;
        if self.store.get_grant(&record.tenant_id, &record.grant_id).await?.is_none() {
            return Err(OAuthError::InvalidGrant("the consent grant was revoked".into()));
        }
        self.issue_tokens(client, &user, &record, now).await
    }

    async fn issue_tokens(
        &self,
        client: &Client,
        user: &User,
        code: &AuthorizationCode,
        now: UnixTime,
    ) -> Result<TokenResponse, OAuthError> {
        let lifetimes = self.settings.lifetimes;
        let issuer = &self.settings.issuer;
        let sign = |typ: &str, claims: &Claims| {
            self.signer.sign(typ, claims).map_err(|e| OAuthError::ServerError(Box::new(e)))
        };
        // RFC 9068 §2.2.
        let access_claims = Claims::new()
            .str("iss", issuer.as_str())
            .str("sub", user.id.as_str())
            .str("aud", issuer.as_str())
            .int("exp", now.plus_secs(lifetimes.access_token).as_secs())
            .int("iat", now.as_secs())
            .str("jti", random_token::<16>(self.random.as_ref()))
            .str("client_id", client.id.as_str())
            .str("scope", code.scope.to_delimited())
            .int("auth_time", code.auth_time.as_secs())
            .str("sid", code.session_id.as_str())
            .str("tid", code.tenant_id.as_str());
        let access_token = sign("at+jwt", &access_claims)?;

        let id_token = if code.scope.contains(scopes::OPENID) {
            // OIDC Core §2, §3.1.3.6 and §5.4.
            let mut claims = Claims::new()
                .str("iss", issuer.as_str())
                .str("sub", user.id.as_str())
                .str("aud", client.id.as_str())
                .int("exp", now.plus_secs(lifetimes.id_token).as_secs())
                .int("iat", now.as_secs())
                .int("auth_time", code.auth_time.as_secs())
                .maybe_str("nonce", code.nonce.clone())
                .str("at_hash", at_hash(&access_token))
                .str("sid", code.session_id.as_str())
                .str("tid", code.tenant_id.as_str())
                .list("amr", code.amr.clone());
            if code.scope.contains(scopes::PROFILE) {
                claims = claims.maybe_str("name", user.name.clone());
            }
            if code.scope.contains(scopes::EMAIL) {
                claims = claims.str("email", user.email.as_str()).bool("email_verified", user.email_verified);
            }
            Some(sign("JWT", &claims)?)
        } else {
            None
        };

        let refresh_token = if client.settings.grant_types().contains(&GrantType::RefreshToken) {
            let token = Secret::generate(REFRESH_TOKEN_PREFIX, self.random.as_ref());
            let id = RefreshTokenId::generate(self.random.as_ref());
            let record = RefreshToken {
                id: id.clone(),
                token_hash: token.hash(),
                tenant_id: code.tenant_id.clone(),
                client_id: client.id.clone(),
                user_id: user.id.clone(),
                grant_id: code.grant_id.clone(),
                family_id: id,
                origin_code: Some(code.code_hash),
                scope: code.scope.clone(),
                auth_time: code.auth_time,
                created_at: now,
                expires_at: now.plus_secs(lifetimes.refresh_token),
                revoked_at: None,
            };
            self.store.insert_refresh_token(&record).await?;
            Some(token)
        } else {
            None
        };
        Ok(TokenResponse {
            access_token,
            expires_in: lifetimes.access_token,
            id_token,
            refresh_token,
            scope: code.scope.clone(),
        })
    }
}
