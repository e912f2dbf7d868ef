//! Social sign-in: the tenant's upstream providers (`providers.rs`), and a sign-in
//! that goes to one and comes back (Authorization Code + PKCE with `state` and
//! `nonce`, OIDC Core §3.1.3.7 checks on the ID token), then finds, links or
//! creates our user and continues the pending request like a password would.

mod providers;

use std::sync::Arc;

pub use providers::{IdentityProviderChange, NewIdentityProvider};

use super::Context;
use super::authorization::{Authorization, FlowError, LoginOutcome};
use crate::federation::{
    CodeRedemption, FederatedLink, IdentityProvider, ProviderKind, UPSTREAM_FLOW_SECONDS, UpstreamEndpoints,
    UpstreamFlow, UpstreamIdentity, provider_seal_context,
};
use crate::id::{ProviderId, UserId};
use crate::pkce::CodeVerifier;
use crate::ports::{FederationStore, SecretSealer, UpstreamClient, UpstreamTokenVerifier};
use crate::random::random_token;
use crate::secret::Secret;
use crate::user::{AdminRole, Email, User};

/// Social sign-in and the providers behind it: the use cases over the upstream
/// ports, continuing the hosted sign-in through [`Authorization`].
#[derive(Clone)]
pub struct Federation<S> {
    store: S,
    cx: Context,
    sealer: Arc<dyn SecretSealer>,
    upstream: Arc<dyn UpstreamClient>,
    upstream_tokens: Arc<dyn UpstreamTokenVerifier>,
    sign_in: Authorization<S>,
}

/// The ports social sign-in needs besides the store.
#[derive(Clone)]
pub struct FederationPorts {
    /// Seals the client secrets we hold at the providers.
    pub sealer: Arc<dyn SecretSealer>,
    /// Talks to the providers over HTTPS.
    pub upstream: Arc<dyn UpstreamClient>,
    /// Checks the signatures of their ID tokens.
    pub upstream_tokens: Arc<dyn UpstreamTokenVerifier>,
}

impl<S: FederationStore> Federation<S> {
    /// Social sign-in over `ports`, finishing sign-ins through `sign_in`.
    pub fn new(store: S, cx: Context, ports: FederationPorts, sign_in: Authorization<S>) -> Self {
        let FederationPorts { sealer, upstream, upstream_tokens } = ports;
        Self { store, cx, sealer, upstream, upstream_tokens, sign_in }
    }
}

/// The `amr` of a sign-in at an upstream provider (RFC 8176 `fed`).
const FEDERATED: &str = "fed";

fn upstream_failed(provider: &IdentityProvider, why: impl std::fmt::Display) -> FlowError {
    FlowError::UpstreamFailed(format!("{}: {why}", provider.name.as_str()))
}

impl<S: FederationStore> Federation<S> {
    async fn endpoints(&self, provider: &IdentityProvider) -> Result<UpstreamEndpoints, FlowError> {
        match (&provider.kind, &provider.issuer) {
            (ProviderKind::Github, _) => Ok(UpstreamEndpoints::github()),
            (_, Some(issuer)) => {
                let found = self.upstream.discover(issuer).await.map_err(|e| upstream_failed(provider, e))?;
                // OIDC Discovery §4.3: the document's issuer must be the one we asked.
                if found.issuer.trim_end_matches('/') != issuer {
                    return Err(upstream_failed(provider, "the discovery document names another issuer"));
                }
                // The endpoints the server will call obey the outbound rule too.
                let policy = self.cx.settings.outbound;
                for (what, url) in
                    [("token_endpoint", Some(&found.token_endpoint)), ("jwks_uri", found.jwks_uri.as_ref())]
                {
                    if let Some(url) = url {
                        policy.check_url(url).map_err(|e| upstream_failed(provider, format!("{what}: {e}")))?;
                    }
                }
                Ok(found)
            }
            (_, None) => Err(upstream_failed(provider, "no issuer")),
        }
    }

    /// Sends the sign-in of pending request `request_id` to `provider`: answers the
    /// provider's authorization URL (code flow, PKCE S256, `state`, `nonce`).
    pub async fn start_upstream_login(
        &self,
        request_id: &str,
        browser: Option<&Secret>,
        provider: &str,
        callback: &str,
    ) -> Result<String, FlowError> {
        let request = self.sign_in.pending_request(request_id, browser).await?;
        let tenant = request.request.tenant_id.clone();
        let provider = match ProviderId::parse(provider) {
            Ok(id) => self.store.get_provider(&tenant, &id).await?,
            Err(_) => None,
        }
        .ok_or(FlowError::RequestNotFound)?;
        let endpoints = self.endpoints(&provider).await?;
        let state = random_token::<32>(self.cx.random.as_ref());
        let nonce = random_token::<32>(self.cx.random.as_ref());
        let verifier = CodeVerifier::parse(&random_token::<32>(self.cx.random.as_ref()))
            .map_err(|e| FlowError::Internal(Box::new(e)))?;
        let flow = UpstreamFlow {
            state_hash: Secret::presented(&state).hash(),
            tenant_id: tenant,
            provider_id: provider.id.clone(),
            request_id: request.id.clone(),
            nonce: nonce.clone(),
            code_verifier: verifier.as_str().to_owned(),
            expires_at: self.cx.clock.now().plus_secs(UPSTREAM_FLOW_SECONDS),
        };
        self.store.insert_upstream_flow(&flow).await?;
        let mut url = url::Url::parse(&endpoints.authorization_endpoint).map_err(|e| upstream_failed(&provider, e))?;
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &provider.client_id)
            .append_pair("redirect_uri", callback)
            .append_pair("scope", provider.kind.scopes())
            .append_pair("state", &state)
            .append_pair("nonce", &nonce)
            .append_pair("code_challenge", verifier.challenge().as_str())
            .append_pair("code_challenge_method", "S256");
        Ok(url.into())
    }

    /// The provider's answer at our callback: checks `state` (it names the flow, once,
    /// in this browser), redeems the code, checks who signed in, then signs our user
    /// in: the linked one, else (only with a verified e-mail and the provider's
    /// permission) the one with that e-mail, else a new user. A second factor follows
    /// as after a password, when the user has one or the tenant requires one.
    pub async fn finish_upstream_login(
        &self,
        state: &str,
        code: &str,
        browser: Option<&Secret>,
        callback: &str,
    ) -> Result<LoginOutcome, FlowError> {
        let flow = self.store.take_upstream_flow(&Secret::presented(state).hash()).await?;
        let flow = flow.filter(|f| f.expires_at > self.cx.clock.now()).ok_or(FlowError::RequestNotFound)?;
        let request = self.sign_in.pending_request(flow.request_id.as_str(), browser).await?;
        let provider =
            self.store.get_provider(&flow.tenant_id, &flow.provider_id).await?.ok_or(FlowError::RequestNotFound)?;
        let endpoints = self.endpoints(&provider).await?;
        let secret = self
            .sealer
            .open(&provider_seal_context(&provider.id), &provider.sealed_client_secret)
            .map_err(|e| FlowError::Internal(Box::new(e)))?;
        let redemption = CodeRedemption {
            token_endpoint: endpoints.token_endpoint.clone(),
            client_id: provider.client_id.clone(),
            client_secret: String::from_utf8(secret).map_err(|e| FlowError::Internal(Box::new(e)))?,
            code: code.to_owned(),
            redirect_uri: callback.to_owned(),
            code_verifier: flow.code_verifier.clone(),
            secret_in_body: provider.kind == ProviderKind::Github,
        };
        let tokens = self.upstream.redeem_code(redemption).await.map_err(|e| upstream_failed(&provider, e))?;
        let identity = match provider.kind {
            ProviderKind::Github => {
                self.upstream.github_identity(&tokens.access_token).await.map_err(|e| upstream_failed(&provider, e))?
            }
            ProviderKind::Oidc | ProviderKind::Google => {
                let id_token = tokens.id_token.ok_or_else(|| upstream_failed(&provider, "no ID token"))?;
                self.checked_identity(&provider, &endpoints, &id_token, &flow.nonce).await?
            }
        };
        let user = self.federated_user(&provider, identity).await?;
        if user.disabled_at.is_some() {
            return Err(FlowError::AccountDisabled);
        }
        let now = self.cx.clock.now();
        // The tenant's second-factor rules apply to federated users too.
        self.sign_in.after_first_factor(request, &user, FEDERATED, now).await
    }

    /// The identity in an upstream ID token, after OIDC Core §3.1.3.7: signed by a
    /// key of the provider, issued by it, for our client (and, with several
    /// audiences, authorised for us), unexpired, and carrying our `nonce`.
    async fn checked_identity(
        &self,
        provider: &IdentityProvider,
        endpoints: &UpstreamEndpoints,
        id_token: &str,
        nonce: &str,
    ) -> Result<UpstreamIdentity, FlowError> {
        let jwks_uri = endpoints.jwks_uri.as_deref().ok_or_else(|| upstream_failed(provider, "no jwks_uri"))?;
        let jwks = self.upstream.fetch_keys(jwks_uri).await.map_err(|e| upstream_failed(provider, e))?;
        let claims = self
            .upstream_tokens
            .verify_upstream(id_token, &jwks)
            .ok_or_else(|| upstream_failed(provider, "the ID token's signature does not verify"))?;
        let issuer = provider.issuer.as_deref().unwrap_or_default();
        let now = self.cx.clock.now().as_secs();
        let problem = if claims.iss.as_deref().map(|i| i.trim_end_matches('/')) != Some(issuer) {
            Some("the ID token is from another issuer")
        } else if !claims.aud.iter().any(|a| a == &provider.client_id) {
            Some("the ID token is for another client (aud)")
        } else if claims.aud.len() > 1 && claims.azp.as_deref() != Some(provider.client_id.as_str()) {
            Some("the ID token is authorised for another client (azp)")
        } else if claims.exp.is_none_or(|exp| exp <= now) {
            Some("the ID token has expired")
        } else if claims.nonce.as_deref() != Some(nonce) {
            Some("the ID token's nonce does not match (a replay?)")
        } else {
            None
        };
        if let Some(why) = problem {
            return Err(upstream_failed(provider, why));
        }
        let subject = claims.sub.filter(|s| !s.is_empty()).ok_or_else(|| upstream_failed(provider, "no sub"))?;
        Ok(UpstreamIdentity { subject, email: claims.email, email_verified: claims.email_verified, name: claims.name })
    }

    /// Our user for `identity`: linked before; else, only when the provider verified
    /// the e-mail and may link, the user with that e-mail (now linked); else a new
    /// user (refused when the e-mail belongs to someone here: never taken over).
    async fn federated_user(&self, provider: &IdentityProvider, identity: UpstreamIdentity) -> Result<User, FlowError> {
        let tenant = &provider.tenant_id;
        if let Some(link) = self.store.find_link(&provider.id, &identity.subject).await? {
            return self.store.get_user(tenant, &link.user_id).await?.ok_or(FlowError::RequestNotFound);
        }
        let email = identity
            .email
            .as_deref()
            .and_then(|e| Email::parse(e).ok())
            .ok_or_else(|| upstream_failed(provider, "the provider shared no e-mail address"))?;
        let now = self.cx.clock.now();
        let user = match self.store.find_user_by_email(tenant, &email).await? {
            // A tenant's provider never takes over a deployment admin, whatever it says.
            Some(existing)
                if identity.email_verified
                    && provider.link_verified_email
                    && existing.admin_role != Some(AdminRole::Deployment) =>
            {
                existing
            }
            Some(_) => return Err(FlowError::FederatedEmailTaken),
            None => {
                let user = User {
                    id: UserId::generate(self.cx.random.as_ref()),
                    tenant_id: tenant.clone(),
                    email,
                    email_verified: identity.email_verified,
                    name: identity.name.filter(|n| !n.trim().is_empty() && n.chars().count() <= 200),
                    password_hash: None,
                    admin_role: None,
                    disabled_at: None,
                    tokens_revoked_at: None,
                    created_at: now,
                    updated_at: now,
                };
                self.store.insert_user(&user).await?;
                user
            }
        };
        let link = FederatedLink {
            provider_id: provider.id.clone(),
            subject: identity.subject,
            tenant_id: tenant.clone(),
            user_id: user.id.clone(),
            created_at: now,
        };
        self.store.insert_link(&link).await?;
        Ok(user)
    }
}
