//! A client's registered keys, for everything it signs (request objects, client
//! assertions): its `jwks`, or the JWK Set at its `jwks_uri`, fetched through the
//! [`ClientJose`] port and kept per instance for a few minutes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use crate::ports::ClientJose;
use crate::request_object::RequestObjectSettings;
use crate::time::UnixTime;

/// How long a client's JWK Set fetched from its `jwks_uri` is reused.
const JWKS_SECONDS: i64 = 300;
/// A cached JWK Set younger than this is not fetched again when a key is missing
/// (so a stream of bad tokens cannot make the server hammer the client).
const JWKS_REFETCH_AFTER_SECONDS: i64 = 10;
/// JWK Sets kept at most; when full, the cache starts again empty.
const CAPACITY: usize = 1000;

/// Fetched JWK Sets by URL, with when they were fetched (per instance).
#[derive(Default)]
struct JwksCache(Mutex<HashMap<String, (String, UnixTime)>>);

impl JwksCache {
    fn get(&self, url: &str) -> Option<(String, UnixTime)> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).get(url).cloned()
    }

    fn put(&self, url: &str, jwks: String, at: UnixTime) {
        let mut map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if map.len() > CAPACITY {
            map.clear();
        }
        map.insert(url.to_owned(), (jwks, at));
    }
}

/// Why a token signed by a client could not be read with its keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum KeyedReadError {
    /// The client registered no keys.
    NoKeys,
    /// Its `jwks_uri` could not be fetched: why.
    Fetch(String),
    /// The token was refused: why.
    Refused(String),
}

/// The [`ClientJose`] port with a JWK Set cache shared by every use case of the
/// instance.
#[derive(Clone)]
pub(crate) struct ClientKeyReader {
    pub(crate) port: Arc<dyn ClientJose>,
    jwks: Arc<JwksCache>,
}

impl ClientKeyReader {
    /// A reader over `port` with an empty cache.
    pub(crate) fn new(port: Arc<dyn ClientJose>) -> Self {
        Self { port, jwks: Arc::default() }
    }

    /// `read(port, jwks)` with the client's registered `jwks`, or the JWK Set at its
    /// `jwks_uri`: from the cache while fresh; a refusal with a cached set older
    /// than a few seconds fetches it again once (the client may have rotated keys).
    pub(crate) async fn read_with_keys<T>(
        &self,
        keys: &RequestObjectSettings,
        now: UnixTime,
        read: impl Fn(&dyn ClientJose, &str) -> Result<T, String>,
    ) -> Result<T, KeyedReadError> {
        let port = self.port.as_ref();
        let url = match (keys.jwks(), keys.jwks_uri()) {
            (Some(jwks), _) => return read(port, jwks).map_err(KeyedReadError::Refused),
            (None, Some(url)) => url,
            (None, None) => return Err(KeyedReadError::NoKeys),
        };
        let fetch = || async {
            let jwks = port.fetch(url).await.map_err(|e| KeyedReadError::Fetch(e.0))?;
            self.jwks.put(url, jwks.clone(), now);
            Ok::<_, KeyedReadError>(jwks)
        };
        let (jwks, fetched_at, cached) = match self.jwks.get(url) {
            Some((jwks, at)) if now.as_secs() - at.as_secs() < JWKS_SECONDS => (jwks, at, true),
            _ => (fetch().await?, now, false),
        };
        match read(port, &jwks) {
            Ok(read) => Ok(read),
            Err(_) if cached && now.as_secs() - fetched_at.as_secs() >= JWKS_REFETCH_AFTER_SECONDS => {
                let jwks = fetch().await?;
                read(port, &jwks).map_err(KeyedReadError::Refused)
            }
            Err(why) => Err(KeyedReadError::Refused(why)),
        }
    }
}
