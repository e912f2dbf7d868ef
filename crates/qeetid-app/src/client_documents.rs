//! The domain's [`ClientDocuments`] port (and [`SectorDocuments`]), composed of two adapters: the outbound
//! HTTP client fetches (under the deployment's outbound policy and limits), and the
//! HTTP adapter's RFC 7591 reader reads the JSON, so registration requests and
//! metadata documents are read by one parser.

use qeetid_domain::federation::UpstreamError;
use qeetid_domain::ports::{BoxFuture, ClientDocuments, SectorDocuments};
use qeetid_domain::registration::ClientDocument;
use qeetid_upstream::HttpUpstream;

/// Client ID metadata documents over HTTPS.
pub(crate) struct HttpClientDocuments {
    /// The outbound HTTP client.
    pub(crate) upstream: HttpUpstream,
}

impl ClientDocuments for HttpClientDocuments {
    fn fetch_client_document(&self, url: &str) -> BoxFuture<'static, Result<ClientDocument, UpstreamError>> {
        let fetch = self.upstream.fetch_document(url);
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
        let fetch = self.upstream.fetch_document(url);
        Box::pin(async move {
            let fetched = fetch.await?;
            serde_json::from_slice::<Vec<String>>(&fetched.body)
                .map_err(|e| UpstreamError(format!("the sector identifier document is not a JSON array of URIs: {e}")))
        })
    }
}
