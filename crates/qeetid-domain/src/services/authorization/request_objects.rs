//! Request objects at the authorization endpoint (RFC 9101, OIDC Core §6): read
//! the object the client passed by value or by reference, check it with the
//! client's registered keys, and lay its parameters over the request's.

use super::Authorization;
use crate::client::Client;
use crate::oauth::{AuthorizeParams, OAuthError};
use crate::ports::AuthorizationStore;
use crate::request_object::RequestObjectAlg;
use crate::services::client_keys::KeyedReadError;

impl<S: AuthorizationStore> Authorization<S> {
    /// `params` with the request object they carry opened and laid over them; the
    /// error (for the error page: nothing in an unverified object may redirect)
    /// when it cannot be read, does not verify, or its claims are wrong.
    pub(super) async fn open_request_object(
        &self,
        client: &Client,
        params: AuthorizeParams,
    ) -> Result<AuthorizeParams, OAuthError> {
        let Some(reader) = &self.request_objects else {
            return Err(match params.request {
                Some(_) => OAuthError::RequestNotSupported("request objects are not supported".into()),
                None => OAuthError::RequestUriNotSupported("request_uri is not supported".into()),
            });
        };
        let settings = client.settings.request_objects();
        let jws = match (&params.request, &params.request_uri) {
            (Some(_), Some(_)) => {
                return Err(OAuthError::InvalidRequest("send request or request_uri, not both".into()));
            }
            (Some(jws), None) => jws.clone(),
            (None, Some(uri)) => {
                if !settings.allows_request_uri(uri) {
                    return Err(OAuthError::InvalidRequestUri(
                        "the request_uri is not one of the client's registered request_uris".into(),
                    ));
                }
                let fetched = reader.port.fetch(uri).await.map_err(|e| OAuthError::InvalidRequestUri(e.0))?;
                fetched.trim().to_owned()
            }
            (None, None) => return Ok(params),
        };
        let alg = settings.alg();
        let object = if alg == Some(RequestObjectAlg::None) {
            reader.port.read(&jws, None, alg).map_err(OAuthError::InvalidRequestObject)?
        } else {
            let now = self.cx.clock.now();
            reader.read_with_keys(settings, now, |port, jwks| port.read(&jws, Some(jwks), alg)).await.map_err(|e| {
                match e {
                    KeyedReadError::NoKeys => OAuthError::InvalidRequestObject(
                        "the client registered no keys (jwks or jwks_uri) to check its request objects".into(),
                    ),
                    KeyedReadError::Fetch(why) => {
                        OAuthError::InvalidRequestObject(format!("the client's jwks_uri: {why}"))
                    }
                    KeyedReadError::Refused(why) => OAuthError::InvalidRequestObject(why),
                }
            })?
        };
        object.check(client.id.as_str(), &self.cx.settings.issuer, self.cx.clock.now())?;
        Ok(object.merged_into(params))
    }
}
