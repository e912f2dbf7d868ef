//! Request objects at the authorization endpoint (RFC 9101, OIDC Core §6): read
//! the object the client passed by value or by reference, check it with the
//! client's registered keys, and lay its parameters over the request's.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use super::Authorization;
use crate::client::Client;
use crate::oauth::{AuthorizeParams, OAuthError};
use crate::ports::{AuthorizationStore, RequestObjects};
use crate::request_object::RequestObjectAlg;
use crate::time::UnixTime;

/// How long a client's JWK Set fetched from its `jwks_uri` is reused.
const JWKS_SECONDS: i64 = 300;
/// A cached JWK Set younger than this is not fetched again when a key is missing
/// (so a stream of bad objects cannot make the server hammer the client).
const JWKS_REFETCH_AFTER_SECONDS: i64 = 10;

/// Fetched JWK Sets by URL, with when they were fetched (per instance).
#[derive(Default)]
pub(super) struct JwksCache(Mutex<HashMap<String, (String, UnixTime)>>);

impl JwksCache {
    fn get(&self, url: &str) -> Option<(String, UnixTime)> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).get(url).cloned()
    }

    fn put(&self, url: &str, jwks: String, at: UnixTime) {
        let mut map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        // Bounded: a deployment has few clients with jwks_uri; start over when it grows.
        if map.len() > 1000 {
            map.clear();
        }
        map.insert(url.to_owned(), (jwks, at));
    }
}

/// The request-object reader and its JWK Set cache.
#[derive(Clone)]
pub(super) struct RequestObjectReader {
    pub(super) port: Arc<dyn RequestObjects>,
    pub(super) jwks: Arc<JwksCache>,
}

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
            match (settings.jwks(), settings.jwks_uri()) {
                (Some(jwks), _) => reader.port.read(&jws, Some(jwks), alg).map_err(OAuthError::InvalidRequestObject)?,
                (None, Some(url)) => self.read_with_jwks_uri(reader, url, &jws, alg).await?,
                (None, None) => {
                    return Err(OAuthError::InvalidRequestObject(
                        "the client registered no keys (jwks or jwks_uri) to check its request objects".into(),
                    ));
                }
            }
        };
        object.check(client.id.as_str(), &self.cx.settings.issuer, self.cx.clock.now())?;
        Ok(object.merged_into(params))
    }

    /// Reads `jws` with the JWK Set at `url`, from the cache while it is fresh;
    /// a failure with a cached set older than a few seconds fetches it again once
    /// (the client may have rotated its keys).
    async fn read_with_jwks_uri(
        &self,
        reader: &RequestObjectReader,
        url: &str,
        jws: &str,
        alg: Option<RequestObjectAlg>,
    ) -> Result<crate::request_object::RequestObject, OAuthError> {
        let now = self.cx.clock.now();
        let fetch = || async {
            let jwks = reader
                .port
                .fetch(url)
                .await
                .map_err(|e| OAuthError::InvalidRequestObject(format!("the client's jwks_uri: {}", e.0)))?;
            reader.jwks.put(url, jwks.clone(), now);
            Ok::<_, OAuthError>(jwks)
        };
        let (jwks, fetched_at, cached) = match reader.jwks.get(url) {
            Some((jwks, at)) if now.as_secs() - at.as_secs() < JWKS_SECONDS => (jwks, at, true),
            _ => (fetch().await?, now, false),
        };
        match reader.port.read(jws, Some(&jwks), alg) {
            Ok(object) => Ok(object),
            Err(_) if cached && now.as_secs() - fetched_at.as_secs() >= JWKS_REFETCH_AFTER_SECONDS => {
                let jwks = fetch().await?;
                reader.port.read(jws, Some(&jwks), alg).map_err(OAuthError::InvalidRequestObject)
            }
            Err(why) => Err(OAuthError::InvalidRequestObject(why)),
        }
    }
}
