//! RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0).

use super::Tokens;
use crate::audit::{Actor, EventKind, NewEvent};
use crate::client::Client;
use crate::id::ClientId;
use crate::oauth::OAuthError;
use crate::ports::TokenStore;
use crate::secret::Secret;
use crate::services::audit;

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

/// A client's front-channel logout page for the session that ended, to load in an
/// iframe of the signed-out page (Front-Channel Logout 1.0 §3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontChannelLogout {
    /// The URL, with `iss` and `sid` when the client asked for them.
    pub url: String,
    /// Its origin, which the page's content security policy must allow to be framed.
    pub origin: String,
}

/// What a logout will do, shown on the confirmation page.
#[derive(Debug)]
pub struct LogoutPlan {
    /// The client that asked, if known.
    pub client: Option<Client>,
    /// The redirect after logout, with `state`; `None` shows the logged-out page.
    pub redirect: Option<String>,
    /// Why the `post_logout_redirect_uri` the request named is not followed, to
    /// tell the user on the pages (the sign-out itself still happens).
    pub refused_return: Option<RefusedReturn>,
}

/// Why a logout does not send the browser back where the request asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusedReturn {
    /// The `id_token_hint` did not verify, or names another client than `client_id`.
    Unverified,
    /// Neither a hint nor `client_id` says which application sent the request.
    NoClient,
    /// The address is not registered for the application.
    Unregistered,
}

impl RefusedReturn {
    /// `unverified`, `no-client` or `unregistered`: the pages' message key.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unverified => "unverified",
            Self::NoClient => "no-client",
            Self::Unregistered => "unregistered",
        }
    }
}

impl<S: TokenStore> Tokens<S> {
    /// Checks a logout request. The user may always sign out; the browser only goes
    /// back to a `post_logout_redirect_uri` registered for the client the request
    /// proves it comes from (a valid `id_token_hint`, or `client_id`). Otherwise the
    /// plan ends on the signed-out page and says why the return link was refused
    /// (RP-Initiated Logout 1.0 §3, §4: never redirect an unverified request).
    pub async fn plan_logout(&self, params: &LogoutParams) -> Result<LogoutPlan, OAuthError> {
        let hinted = params.id_token_hint.as_ref().map(|hint| {
            self.signer
                .verify(hint)
                .filter(|t| t.is_id_token_of(&self.cx.settings.issuer))
                .and_then(|t| t.aud.into_iter().next())
        });
        let (client_id, unverified) = match (hinted, &params.client_id) {
            (Some(None), _) => (None, true),
            (Some(Some(a)), Some(b)) if &a != b => (None, true),
            (Some(Some(a)), _) => (Some(a), false),
            (None, b) => (b.clone(), false),
        };
        let client = match client_id.as_deref().map(ClientId::parse) {
            Some(Ok(id)) => self.store.find_client(&id).await?,
            _ => None,
        };
        let (redirect, refused_return) = match (&client, &params.post_logout_redirect_uri) {
            (_, None) => (None, None),
            (Some(c), Some(uri)) if !unverified && c.settings.post_logout_uris().iter().any(|u| u.matches(uri)) => {
                let mut url = url::Url::parse(uri).map_err(|e| OAuthError::ServerError(Box::new(e)))?;
                if let Some(state) = &params.state {
                    url.query_pairs_mut().append_pair("state", state);
                }
                (Some(String::from(url)), None)
            }
            _ if unverified => (None, Some(RefusedReturn::Unverified)),
            (None, Some(_)) => (None, Some(RefusedReturn::NoClient)),
            (Some(_), Some(_)) => (None, Some(RefusedReturn::Unregistered)),
        };
        Ok(LogoutPlan { client: client.filter(|_| !unverified), redirect, refused_return })
    }

    /// Ends the browser's session (if it has one). Clients with a back-channel
    /// URI are queued by the store with the session's end; the answer holds the
    /// front-channel logout pages of the session's clients, for the signed-out page.
    pub async fn end_session(&self, session_cookie: Option<&Secret>) -> Result<Vec<FrontChannelLogout>, OAuthError> {
        let Some(cookie) = session_cookie else { return Ok(Vec::new()) };
        let Some(session) = self.store.find_session(&cookie.hash()).await? else { return Ok(Vec::new()) };
        let clients = self.store.session_clients(&session.id).await?;
        self.store.delete_session(&session.id, self.cx.clock.now()).await?;
        let event =
            NewEvent::new(session.tenant_id.clone(), EventKind::SignedOut, Actor::User(session.user_id.clone()))
                .user(&session.user_id)
                .detail("session", session.id.as_str());
        audit::record(&self.store, &self.cx, event).await;
        let issuer = &self.cx.settings.issuer;
        Ok(clients
            .iter()
            .filter_map(|c| c.settings.logout_notices().frontchannel.as_ref())
            .map(|endpoint| FrontChannelLogout {
                url: endpoint.frontchannel_url(issuer, &session.id),
                origin: endpoint.origin(),
            })
            .collect())
    }
}
