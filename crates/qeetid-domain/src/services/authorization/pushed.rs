//! Pushed authorization requests (RFC 9126): the PAR endpoint checks the
//! parameters as the authorization endpoint would, answers at once with what is
//! wrong, and keeps them for a minute under a one-time `request_uri`, which only
//! the client that pushed them may use.

use super::Authorization;
use crate::client::Client;
use crate::oauth::{
    AuthorizeParams, OAuthError, PUSHED_REQUEST_SECONDS, PUSHED_REQUEST_URI_PREFIX, PushedRequest, ValidatedRequest,
    resolve_redirect_uri,
};
use crate::ports::AuthorizationStore;
use crate::random::random_token;
use crate::secret::Secret;

/// The PAR endpoint's answer (RFC 9126 §2.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushedRequestUri {
    /// `urn:ietf:params:oauth:request_uri:…`, for one authorization request.
    pub request_uri: String,
    /// Seconds it stays usable.
    pub expires_in: i64,
}

impl<S: AuthorizationStore> Authorization<S> {
    /// Checks and keeps the authorization parameters `client` (authenticated)
    /// pushed; `form` is how the adapter will read them back. A request object
    /// among them is checked now (and read again when used).
    ///
    /// # Errors
    /// The error the authorization endpoint would redirect with, answered here
    /// instead (RFC 9126 §2.3); `invalid_request` for a `request_uri` inside.
    pub async fn push_authorization_request(
        &self,
        client: &Client,
        params: AuthorizeParams,
        form: String,
    ) -> Result<PushedRequestUri, OAuthError> {
        if params.request_uri.is_some() {
            return Err(OAuthError::InvalidRequest("a pushed request cannot hold request_uri (RFC 9126 §2.1)".into()));
        }
        if params.client_id.as_deref().is_some_and(|id| id != client.id.as_str()) {
            return Err(OAuthError::InvalidRequest("client_id is not the authenticated client".into()));
        }
        let params = if params.request.is_some() { self.open_request_object(client, params).await? } else { params };
        self.check_pushed(client, &params).await?;
        let now = self.cx.clock.now();
        let token = random_token::<32>(self.cx.random.as_ref());
        let pushed = PushedRequest {
            id_hash: Secret::presented(&token).hash(),
            tenant_id: client.tenant_id.clone(),
            client_id: client.id.clone(),
            params: form,
            expires_at: now.plus_secs(PUSHED_REQUEST_SECONDS),
        };
        self.store.insert_pushed_request(&pushed).await?;
        Ok(PushedRequestUri {
            request_uri: format!("{PUSHED_REQUEST_URI_PREFIX}{token}"),
            expires_in: PUSHED_REQUEST_SECONDS,
        })
    }

    /// What the authorization endpoint checks before the user is involved.
    async fn check_pushed(&self, client: &Client, params: &AuthorizeParams) -> Result<(), OAuthError> {
        let redirect_uri = resolve_redirect_uri(client, params.redirect_uri.as_deref()).ok_or_else(|| {
            OAuthError::InvalidRequest(match params.redirect_uri {
                Some(_) => "redirect_uri does not match any URI registered for this client".into(),
                None => "redirect_uri is required: this client has several registered".into(),
            })
        })?;
        let request = ValidatedRequest::validate(client, redirect_uri, params)?;
        Self::check_fapi2(client, params)?;
        if !request.resources().is_empty()
            && let Some(tenant) = self.store.get_tenant(&client.tenant_id).await?
        {
            for resource in request.resources().iter() {
                tenant.check_resource(resource, request.scope.iter().map(|s| s.as_str()))?;
            }
        }
        Ok(())
    }

    /// The FAPI 2.0 baseline's rules of an authorization request (§5.3.1.2): PKCE.
    pub(super) fn check_fapi2(client: &Client, params: &AuthorizeParams) -> Result<(), OAuthError> {
        if client.fapi2() && params.code_challenge.is_none() {
            return Err(OAuthError::InvalidRequest("FAPI 2.0 applies: use PKCE (code_challenge with S256)".into()));
        }
        Ok(())
    }

    /// The parameters pushed under `request_uri`, taken (it works once) for the
    /// client `client_id` that pushed them, as the adapter's form.
    ///
    /// # Errors
    /// `invalid_request_uri` when it is unknown, used, expired or another client's.
    pub async fn take_pushed_request(&self, client_id: &str, request_uri: &str) -> Result<String, OAuthError> {
        let unusable = || OAuthError::InvalidRequestUri("the request_uri is unknown, used or expired".into());
        let token = request_uri.strip_prefix(PUSHED_REQUEST_URI_PREFIX).ok_or_else(unusable)?;
        let now = self.cx.clock.now();
        let pushed =
            self.store.take_pushed_request(&Secret::presented(token).hash(), now).await?.ok_or_else(unusable)?;
        if pushed.client_id.as_str() != client_id {
            return Err(unusable());
        }
        Ok(pushed.params)
    }
}
