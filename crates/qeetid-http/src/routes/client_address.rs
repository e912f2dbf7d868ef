//! The client's address, for the throttles and the logs: the TCP peer, unless the
//! peer is one of the deployment's `trusted_proxies`. Then the forwarding headers
//! (`Forwarded`, RFC 7239, when present, else `X-Forwarded-For`) are read from the
//! right, skipping trusted proxies; the first address that is not one is the
//! client's. Whatever lies further left is the client's own word and is never
//! believed; a peer that is no trusted proxy has its headers ignored altogether.

use std::net::IpAddr;

use actix_web::HttpRequest;
use actix_web::http::header::HeaderName;
use ipnet::IpNet;

use crate::HttpState;

/// The reverse proxies whose forwarding headers are believed.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Parses addresses (`10.0.0.5`) and networks (`10.0.0.0/8`, `fd00::/8`).
    ///
    /// # Errors
    /// The first entry that is neither, as given.
    pub fn parse<'a>(entries: impl IntoIterator<Item = &'a str>) -> Result<Self, String> {
        entries
            .into_iter()
            .map(|raw| {
                let raw = raw.trim();
                raw.parse::<IpNet>().or_else(|_| raw.parse::<IpAddr>().map(IpNet::from)).map_err(|_| raw.to_owned())
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }

    fn trusts(&self, address: IpAddr) -> bool {
        let address = address.to_canonical();
        self.0.iter().any(|net| net.contains(&address))
    }

    /// The client behind `peer`, given the forwarded addresses in header order
    /// (left: nearest the client). An entry that is no address (`unknown`, an
    /// obfuscated name) ends the walk at the last address believed.
    pub fn client(&self, peer: IpAddr, forwarded: &[&str]) -> IpAddr {
        let mut client = peer;
        if !self.trusts(peer) {
            return client;
        }
        for entry in forwarded.iter().rev() {
            match forwarded_address(entry) {
                Some(address) => {
                    client = address;
                    if !self.trusts(address) {
                        break;
                    }
                }
                None => break,
            }
        }
        client
    }
}

/// An address from a forwarding entry: `192.0.2.1`, `192.0.2.1:4711`, `[2001:db8::1]`,
/// `"[2001:db8::1]:4711"`, `2001:db8::1`.
fn forwarded_address(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim().trim_matches('"');
    if let Ok(address) = entry.parse::<IpAddr>() {
        return Some(address);
    }
    if let Some(rest) = entry.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    let (host, port) = entry.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    host.parse().ok()
}

/// The `for=` values of `Forwarded` headers (RFC 7239 §4), in order.
fn forwarded_for(values: &[&str]) -> Vec<String> {
    values
        .iter()
        .flat_map(|value| value.split(','))
        .filter_map(|element| {
            element.split(';').find_map(|pair| {
                let (name, value) = pair.split_once('=')?;
                name.trim().eq_ignore_ascii_case("for").then(|| value.trim().to_owned())
            })
        })
        .collect()
}

/// The client's address and user agent, for a pending request and the session it
/// ends in.
pub(crate) fn seen_from<S>(req: &HttpRequest, state: &HttpState<S>) -> qeetid_domain::seen_from::SeenFrom {
    let user_agent = req.headers().get(actix_web::http::header::USER_AGENT).and_then(|v| v.to_str().ok());
    qeetid_domain::seen_from::SeenFrom::new(client_address(req, state), user_agent)
}

/// The address a request comes from, as far as the deployment can tell.
pub(crate) fn client_address<S>(req: &HttpRequest, state: &HttpState<S>) -> Option<IpAddr> {
    let peer = req.peer_addr().map(|a| a.ip())?;
    let header = |name: &'static str| -> Vec<&str> {
        req.headers().get_all(HeaderName::from_static(name)).filter_map(|v| v.to_str().ok()).collect()
    };
    let standard = forwarded_for(&header("forwarded"));
    let entries: Vec<&str> = if standard.is_empty() {
        header("x-forwarded-for")
            .into_iter()
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect()
    } else {
        standard.iter().map(String::as_str).collect()
    };
    Some(state.trusted_proxies.client(peer, &entries))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn headers_count_only_from_a_trusted_peer() {
        let proxies = TrustedProxies::parse(["10.0.0.0/8", "127.0.0.1"]).unwrap();
        // Straight from the internet: the header is the client's own word.
        assert_eq!(proxies.client(ip("203.0.113.9"), &["198.51.100.1"]), ip("203.0.113.9"));
        // Through the proxy: the address it saw.
        assert_eq!(proxies.client(ip("10.1.2.3"), &["198.51.100.1"]), ip("198.51.100.1"));
        // A forged entry further left is ignored; trusted hops are skipped.
        assert_eq!(proxies.client(ip("127.0.0.1"), &["1.1.1.1", "198.51.100.1", "10.9.9.9"]), ip("198.51.100.1"));
        // Nothing trusted: headers are ignored.
        assert_eq!(TrustedProxies::default().client(ip("10.1.2.3"), &["198.51.100.1"]), ip("10.1.2.3"));
        // Junk stops the walk at the last address believed.
        assert_eq!(proxies.client(ip("10.1.2.3"), &["198.51.100.1", "unknown"]), ip("10.1.2.3"));
        // Only proxies: the leftmost.
        assert_eq!(proxies.client(ip("10.1.2.3"), &["10.0.0.7"]), ip("10.0.0.7"));
        // IPv4-mapped IPv6 peers are matched as IPv4.
        assert_eq!(proxies.client(ip("::ffff:10.1.2.3"), &["198.51.100.1"]), ip("198.51.100.1"));
    }

    #[test]
    fn forwarded_entries_as_rfc_7239_writes_them() {
        let values = forwarded_for(&[
            r#"for=192.0.2.43, for="[2001:db8:cafe::17]:4711";proto=https"#,
            "For=198.51.100.17;by=10.0.0.1",
        ]);
        assert_eq!(values, vec!["192.0.2.43", r#""[2001:db8:cafe::17]:4711""#, "198.51.100.17"]);
        let addresses: Vec<_> = values.iter().map(|v| forwarded_address(v)).collect();
        assert_eq!(addresses, vec![Some(ip("192.0.2.43")), Some(ip("2001:db8:cafe::17")), Some(ip("198.51.100.17"))]);
        assert_eq!(forwarded_address("192.0.2.1:8080"), Some(ip("192.0.2.1")));
        assert_eq!(forwarded_address("_hidden"), None);
        assert!(TrustedProxies::parse(["10.0.0.0/8", "not-an-address"]).unwrap_err().contains("not-an-address"));
    }
}
