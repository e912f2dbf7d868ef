//! Where the provider's own outbound calls may go (identity providers today; logout
//! delivery and metadata documents later): `https` to public addresses, unless the
//! deployment allows private networks. A tenant names these URLs, so without this
//! rule a tenant could make the server call its own loopback or internal services
//! (server-side request forgery) and hand them secrets.
//!
//! The rule is checked on the URL (scheme, a literal IP host) here, and on every
//! address a name resolves to by the adapter that connects, on every connection,
//! so a name that resolves differently later (DNS rebinding) cannot slip through.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The deployment's outbound rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OutboundPolicy {
    /// Allow loopback, private, link-local and unique-local addresses, and plain
    /// `http` to them (`outbound_allow_private_networks`; off by default, on in
    /// tests). Public hosts need `https` either way.
    pub allow_private_networks: bool,
}

/// Why an outbound URL is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutboundRefusal {
    /// Not a URL at all.
    #[error("not an absolute URL")]
    Malformed,
    /// `http` (or anything else) where `https` is required.
    #[error("must use https (plain http only to a private address, when outbound_allow_private_networks is on)")]
    NotHttps,
    /// A loopback, private, link-local or otherwise non-public address.
    #[error(
        "{0} is not a public address (loopback, private, link-local and unique-local addresses are refused unless \
         outbound_allow_private_networks is on)"
    )]
    PrivateAddress(IpAddr),
}

impl OutboundPolicy {
    /// Checks a URL: its scheme, and its host when that is a literal IP address
    /// (names are checked on each resolved address, see [`Self::check_address`]).
    pub fn check_url(&self, raw: &str) -> Result<url::Url, OutboundRefusal> {
        let url = url::Url::parse(raw).map_err(|_| OutboundRefusal::Malformed)?;
        let private_host = match url.host() {
            Some(url::Host::Ipv4(ip)) => !is_public(IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => !is_public(IpAddr::V6(ip)),
            Some(url::Host::Domain(name)) => name == "localhost",
            None => false,
        };
        let scheme_ok =
            url.scheme() == "https" || (self.allow_private_networks && url.scheme() == "http" && private_host);
        if !scheme_ok {
            return Err(OutboundRefusal::NotHttps);
        }
        match url.host() {
            Some(url::Host::Ipv4(ip)) => self.check_address(IpAddr::V4(ip))?,
            Some(url::Host::Ipv6(ip)) => self.check_address(IpAddr::V6(ip))?,
            Some(url::Host::Domain(_)) => {}
            None => return Err(OutboundRefusal::Malformed),
        }
        Ok(url)
    }

    /// Checks one address a connection would go to.
    pub fn check_address(&self, ip: IpAddr) -> Result<(), OutboundRefusal> {
        if self.allow_private_networks || is_public(ip) { Ok(()) } else { Err(OutboundRefusal::PrivateAddress(ip)) }
    }
}

/// Whether `ip` is a globally reachable unicast address: not loopback, private
/// (RFC 1918), shared (RFC 6598), link-local, unique-local (RFC 4193), unspecified,
/// multicast, broadcast, documentation or benchmarking ranges, nor an IPv4 address
/// hidden in an IPv6 one (mapped, compatible, NAT64, 6to4) that is any of those.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    let special = ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space, RFC 6598
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking, RFC 2544
        || a >= 240; // reserved
    !special
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = embedded_v4(ip) {
        return is_public_v4(v4);
    }
    let first = ip.segments()[0];
    let special = ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local, RFC 4193
        || (first & 0xffc0) == 0xfe80 // link local
        || (first & 0xffc0) == 0xfec0 // site local (deprecated)
        || first == 0x2001 && ip.segments()[1] == 0x0db8 // documentation
        || first == 0x0100 && ip.segments()[1..4] == [0, 0, 0]; // discard-only, RFC 6666
    !special
}

/// The IPv4 address inside an IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible
/// (`::a.b.c.d`), NAT64 (`64:ff9b::/96`) or 6to4 (`2002::/16`) address.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let tail = || Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    match s {
        [0, 0, 0, 0, 0, 0xffff, _, _] => Some(tail()),
        [0, 0, 0, 0, 0, 0, _, _] if !ip.is_loopback() && !ip.is_unspecified() => Some(tail()),
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] => Some(tail()),
        [0x2002, hi, lo, ..] => Some(Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STRICT: OutboundPolicy = OutboundPolicy { allow_private_networks: false };

    #[test]
    fn only_public_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::",
            "2001:db8::1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn urls_need_https_and_a_public_literal_host() {
        assert!(STRICT.check_url("https://login.example.com/token").is_ok());
        assert_eq!(STRICT.check_url("http://login.example.com"), Err(OutboundRefusal::NotHttps));
        assert_eq!(STRICT.check_url("ftp://login.example.com"), Err(OutboundRefusal::NotHttps));
        assert!(matches!(STRICT.check_url("https://127.0.0.1:8080/"), Err(OutboundRefusal::PrivateAddress(_))));
        assert!(matches!(STRICT.check_url("https://[::1]/"), Err(OutboundRefusal::PrivateAddress(_))));
        assert!(matches!(STRICT.check_url("https://[::ffff:a9fe:a9fe]/"), Err(OutboundRefusal::PrivateAddress(_))));
        // Decimal and hex IPv4 spellings are normalised by the URL parser first.
        assert!(matches!(STRICT.check_url("https://2130706433/"), Err(OutboundRefusal::PrivateAddress(_))));
        assert!(matches!(STRICT.check_url("https://0x7f.1/"), Err(OutboundRefusal::PrivateAddress(_))));
        assert_eq!(STRICT.check_url("not a url"), Err(OutboundRefusal::Malformed));
        let open = OutboundPolicy { allow_private_networks: true };
        assert!(open.check_url("http://127.0.0.1:9000/").is_ok());
        assert!(open.check_url("http://localhost:9000/").is_ok());
        assert!(open.check_url("https://10.0.0.7/").is_ok());
        assert_eq!(open.check_url("http://login.example.com"), Err(OutboundRefusal::NotHttps), "public: https");
    }
}
