//! Name resolution under the outbound policy: reqwest asks this resolver for every
//! new connection, so each address a name resolves to *at connection time* is
//! checked. A name that resolved to a public address when the provider was added
//! and to `127.0.0.1` later (DNS rebinding) is refused at that connection.

use std::net::SocketAddr;

use qeetid_domain::federation::UpstreamError;
use qeetid_domain::outbound::OutboundPolicy;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// The system resolver, refusing names that resolve to an address the policy refuses.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PolicyResolver {
    policy: OutboundPolicy,
}

impl PolicyResolver {
    pub(crate) fn new(policy: OutboundPolicy) -> Self {
        Self { policy }
    }
}

/// A name resolved to a refused address.
#[derive(Debug, thiserror::Error)]
#[error("{name} resolves to {refusal}")]
struct Refused {
    name: String,
    refusal: qeetid_domain::outbound::OutboundRefusal,
}

/// Every address `name` resolves to, when the policy allows them all.
async fn resolve_checked(name: &str, policy: OutboundPolicy) -> Result<Vec<SocketAddr>, ResolveError> {
    let addresses: Vec<SocketAddr> = tokio::net::lookup_host((name, 0)).await.map_err(ResolveError::Lookup)?.collect();
    for address in &addresses {
        policy
            .check_address(address.ip())
            .map_err(|refusal| ResolveError::Refused(Refused { name: name.to_owned(), refusal }))?;
    }
    Ok(addresses)
}

#[derive(Debug, thiserror::Error)]
enum ResolveError {
    #[error("cannot resolve the name: {0}")]
    Lookup(std::io::Error),
    #[error(transparent)]
    Refused(Refused),
}

impl Resolve for PolicyResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.policy;
        Box::pin(async move {
            let addresses = resolve_checked(name.as_str(), policy).await?;
            let addrs: Addrs = Box::new(addresses.into_iter());
            Ok(addrs)
        })
    }
}

/// Checks `name` before a provider is stored: refused when it resolves to a refused
/// address; a name that does not resolve now passes (it is checked on every
/// connection).
pub(crate) async fn vet_name(name: &str, policy: OutboundPolicy) -> Result<(), UpstreamError> {
    match resolve_checked(name, policy).await {
        Err(ResolveError::Refused(refused)) => Err(UpstreamError(refused.to_string())),
        Ok(_) | Err(ResolveError::Lookup(_)) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn names_that_resolve_to_loopback_are_refused_unless_allowed() {
        let strict = OutboundPolicy::default();
        let refused = vet_name("localhost", strict).await.unwrap_err();
        assert!(refused.0.contains("localhost resolves to"), "{refused}");
        assert!(vet_name("localhost", OutboundPolicy { allow_private_networks: true }).await.is_ok());
        // Not resolvable here (no network): checked again at connection time.
        assert!(vet_name("login.invalid", strict).await.is_ok());
    }

    #[tokio::test]
    async fn connections_to_loopback_names_are_refused() {
        let upstream = crate::HttpUpstream::new(OutboundPolicy::default()).unwrap();
        let request = upstream.http.get("https://localhost:9/.well-known/openid-configuration");
        let error = crate::json(&crate::CallCounter::default(), "discovery", Ok(request)).await.unwrap_err();
        assert!(error.0.contains("not a public address"), "{error}");
    }
}
