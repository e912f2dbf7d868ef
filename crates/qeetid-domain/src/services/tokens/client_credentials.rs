//! `grant_type=client_credentials` (RFC 6749 §4.4) with resource indicators (RFC 8707).

use super::Tokens;
use super::{AccessTokenFor, TokenResponse};
use crate::client::{Client, ClientType};
use crate::grant_type::GrantType;
use crate::oauth::{ClientCredentialsRequest, OAuthError, resource_indicator, scopes};
use crate::ports::TokenStore;
use crate::scope::ScopeSet;
use crate::tenant::Tenant;

/// Scopes that speak of a user, meaningless when a service acts for itself.
const USER_SCOPES: [&str; 4] = [scopes::OPENID, scopes::PROFILE, scopes::EMAIL, scopes::OFFLINE_ACCESS];

impl<S: TokenStore> Tokens<S> {
    /// [`Tokens::client_credentials`], reading the client's tenant first when the
    /// request names a resource (its list of known resources applies).
    ///
    /// # Errors
    /// As [`Tokens::client_credentials`].
    pub async fn client_credentials_grant(
        &self,
        client: &Client,
        request: &ClientCredentialsRequest,
        dpop_jkt: Option<&str>,
    ) -> Result<TokenResponse, OAuthError> {
        let tenant = match request.resource {
            Some(_) => self.store.get_tenant(&client.tenant_id).await?,
            None => None,
        };
        self.client_credentials(client, request, tenant.as_ref(), dpop_jkt)
    }

    /// A token for the client itself: `sub` and `client_id` are the client, `scope`
    /// is limited to its allowed (non-user) scopes, `aud` is the `resource` asked for
    /// or this deployment. No refresh token (RFC 6749 §4.4.3). It reads and writes
    /// nothing, so it need not run as a task of its own; a request that names a
    /// resource needs the client's `tenant`, whose list of known resources applies.
    /// The token is bound to the DPoP key `dpop_jkt` when one is given; this method
    /// does not check that a client that must use DPoP did (see [`Tokens::token`]).
    ///
    /// # Errors
    /// `unauthorized_client`, `invalid_scope`, `invalid_target` (also when a resource
    /// is named without the tenant).
    pub fn client_credentials(
        &self,
        client: &Client,
        request: &ClientCredentialsRequest,
        tenant: Option<&Tenant>,
        dpop_jkt: Option<&str>,
    ) -> Result<TokenResponse, OAuthError> {
        let resource = request.resource.as_deref();
        if client.settings.client_type() != ClientType::Confidential
            || !client.settings.grant_types().contains(&GrantType::ClientCredentials)
        {
            return Err(OAuthError::UnauthorizedClient("this client may not use client_credentials".into()));
        }
        let allowed = client.settings.scopes();
        let granted = match &request.scope {
            Some(asked) => {
                if let Some(bad) =
                    asked.iter().find(|s| USER_SCOPES.contains(&s.as_str()) || !allowed.contains(s.as_str()))
                {
                    return Err(OAuthError::InvalidScope(format!(
                        "`{}` cannot be granted to this client",
                        bad.as_str()
                    )));
                }
                asked.clone()
            }
            None => ScopeSet::from_tokens(allowed.iter().map(|s| s.as_str()).filter(|s| !USER_SCOPES.contains(s)))
                .map_err(|e| OAuthError::InvalidScope(e.to_string()))?,
        };
        let audience = match resource {
            None => self.cx.settings.issuer.clone(),
            // RFC 8707 §2: an absolute URI without a fragment.
            Some(r) => {
                let resource = resource_indicator(r)?;
                let tenant = tenant
                    .ok_or_else(|| OAuthError::InvalidTarget("the tenant's resources were not consulted".into()))?;
                tenant.check_resource(&resource, granted.iter().map(|s| s.as_str()))?;
                resource
            }
        };
        let now = self.cx.clock.now();
        let to = AccessTokenFor {
            sub: client.id.as_str(),
            aud: &audience,
            scope: &granted,
            dpop_jkt,
            lifetime: None,
            id: None,
        };
        let (access_token, _) = self.sign_access_token(client, &to, |c| c, now)?;
        Ok(TokenResponse {
            access_token,
            expires_in: self.access_token_lifetime(client),
            id_token: None,
            refresh_token: None,
            scope: granted,
            dpop_bound: dpop_jkt.is_some(),
            issued_token_type: None,
        })
    }
}
