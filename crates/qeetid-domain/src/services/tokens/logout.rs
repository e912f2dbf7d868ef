//! RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0).

use super::Tokens;
use crate::client::Client;
use crate::id::ClientId;
use crate::oauth::OAuthError;
use crate::ports::TokenStore;
use crate::secret::Secret;

/// The parameters of `/v1/oauth/logout` (§2).
#[derive(Debug, Clone, Default)]
pub struct LogoutParams {
    /// An ID token the client received (expired ones are accepted, §2).
    pub id_token_hint: Option<String>,
    /// The client, when no hint is given (or to cross-check it).
    pub client_id: Option<String>,
    /// Where to go afterwards; must be one of the client's `post_logout_uris`.
    pub post_logout_redirect_uri: Option<String>,
    /// Returned unchanged with the redirect.
    pub state: Option<String>,
}

/// What a logout will do, shown on the confirmation page.
#[derive(Debug)]
pub struct LogoutPlan {
    /// The client that asked, if known.
    pub client: Option<Client>,
    /// The redirect after logout, with `state`; `None` shows the logged-out page.
    pub redirect: Option<String>,
}

impl<S: TokenStore> Tokens<S> {
    /// Checks a logout request. A `post_logout_redirect_uri` that is not registered
    /// for the identified client is never redirected to: the plan then ends on the
    /// logged-out page.
    pub async fn plan_logout(&self, params: &LogoutParams) -> Result<LogoutPlan, OAuthError> {
        let hinted = match &params.id_token_hint {
            Some(hint) => {
                let token = self
                    .signer
                    .verify(hint)
                    .filter(|t| t.typ == "JWT" && t.iss.as_deref() == Some(self.cx.settings.issuer.as_str()))
                    .ok_or_else(|| {
                        OAuthError::InvalidRequest("id_token_hint is not an ID token of this provider".into())
                    })?;
                token.aud.into_iter().next()
            }
            None => None,
        };
        let client_id = match (hinted, &params.client_id) {
            (Some(a), Some(b)) if &a != b => {
                return Err(OAuthError::InvalidRequest("client_id does not match the id_token_hint's audience".into()));
            }
            (Some(a), _) => Some(a),
            (None, b) => b.clone(),
        };
        let client = match client_id.as_deref().map(ClientId::parse) {
            Some(Ok(id)) => self.store.find_client(&id).await?,
            _ => None,
        };
        let redirect = match (&client, &params.post_logout_redirect_uri) {
            (Some(c), Some(uri)) if c.settings.post_logout_uris().iter().any(|u| u.matches(uri)) => {
                let mut url = url::Url::parse(uri).map_err(|e| OAuthError::ServerError(Box::new(e)))?;
                if let Some(state) = &params.state {
                    url.query_pairs_mut().append_pair("state", state);
                }
                Some(String::from(url))
            }
            _ => None,
        };
        Ok(LogoutPlan { client, redirect })
    }

    /// Ends the browser's session (if it has one).
    pub async fn end_session(&self, session_cookie: Option<&Secret>) -> Result<(), OAuthError> {
        if let Some(cookie) = session_cookie
            && let Some(session) = self.store.find_session(&cookie.hash()).await?
        {
            self.store.delete_session(&session.id).await?;
        }
        Ok(())
    }
}
