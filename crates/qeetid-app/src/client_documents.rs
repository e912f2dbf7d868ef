//! The domain's [`ClientDocuments`] port (and [`SectorDocuments`]), composed of two adapters: the outbound
//! HTTP client fetches (under the deployment's outbound policy and limits), and the
//! HTTP adapter's RFC 7591 reader reads the JSON, so registration requests and
//! metadata documents are read by one parser.

use qeetid_domain::client_policy::AssertionClaims;
use qeetid_domain::dpop::DpopProof;
use qeetid_domain::federation::UpstreamError;
use qeetid_domain::ports::{BoxFuture, ClientDocuments, ClientJose, SectorDocuments};
use qeetid_domain::registration::ClientDocument;
use qeetid_domain::request_object::{RequestObject, RequestObjectAlg};
use qeetid_upstream::HttpUpstream;

/// Client ID metadata documents over HTTPS.
pub(crate) struct HttpClientDocuments {
    /// The outbound HTTP client.
    pub(crate) upstream: HttpUpstream,
}

impl ClientDocuments for HttpClientDocuments {
    fn fetch_client_document(&self, url: &str) -> BoxFuture<'static, Result<ClientDocument, UpstreamError>> {
        let fetch = self.upstream.fetch_document("client metadata document", url);
        Box::pin(async move {
            let fetched = fetch.await?;
            qeetid_http::read_client_document(&fetched.body, fetched.max_age).map_err(|e| UpstreamError(e.to_string()))
        })
    }
}

/// Pairwise clients' sector identifier documents over HTTPS (the same limits).
pub(crate) struct HttpSectorDocuments {
    /// The outbound HTTP client.
    pub(crate) upstream: HttpUpstream,
}

impl SectorDocuments for HttpSectorDocuments {
    fn fetch_sector_uris(&self, url: &str) -> BoxFuture<'static, Result<Vec<String>, UpstreamError>> {
        let fetch = self.upstream.fetch_document("sector identifier document", url);
        Box::pin(async move {
            let fetched = fetch.await?;
            serde_json::from_slice::<Vec<String>>(&fetched.body)
                .map_err(|e| UpstreamError(format!("the sector identifier document is not a JSON array of URIs: {e}")))
        })
    }
}

/// Request objects (RFC 9101): JWK Sets and `request_uri`s fetched like the
/// documents above, signatures checked by qeetid-crypto (the key decides the
/// algorithm), parameters read by qeetid-http.
pub(crate) struct HttpClientJose {
    /// The outbound HTTP client.
    pub(crate) upstream: HttpUpstream,
}

impl ClientJose for HttpClientJose {
    fn fetch(&self, url: &str) -> BoxFuture<'static, Result<String, UpstreamError>> {
        let fetch = self.upstream.fetch_document("request_uri or jwks_uri", url);
        Box::pin(async move {
            let fetched = fetch.await?;
            String::from_utf8(fetched.body).map_err(|_| UpstreamError("the answer is not UTF-8 text".into()))
        })
    }

    fn read(&self, jws: &str, jwks: Option<&str>, alg: Option<RequestObjectAlg>) -> Result<RequestObject, String> {
        qeetid_crypto::verify_client_jws(jws, jwks, alg).map(|payload| qeetid_http::request_object_of(&payload))
    }

    fn read_assertion(&self, jws: &str, jwks: &str, alg: Option<RequestObjectAlg>) -> Result<AssertionClaims, String> {
        qeetid_crypto::verify_client_assertion(jws, jwks, alg)
    }

    fn read_dpop_proof(&self, jws: &str) -> Result<DpopProof, String> {
        qeetid_crypto::verify_dpop_proof(jws)
    }
}
