//! What the server saw of a browser when it signed in: its address and its user
//! agent, so people can tell their sessions apart ("Firefox on Windows, network
//! 203.0.113.0/24"). No external service is asked: the browser and system come
//! from the user agent, the place is the address's network, and a session keeps
//! only that network, not the address.

use std::net::IpAddr;

/// Longest user agent kept.
const USER_AGENT_MAX: usize = 256;

/// The address and user agent of a request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeenFrom {
    /// The client's address (behind a trusted proxy, the one it forwarded).
    pub address: Option<IpAddr>,
    /// Its `User-Agent`, at most 256 characters, control characters removed.
    pub user_agent: Option<String>,
}

impl SeenFrom {
    /// What a request showed.
    pub fn new(address: Option<IpAddr>, user_agent: Option<&str>) -> Self {
        let user_agent = user_agent
            .map(|ua| ua.chars().filter(|c| !c.is_control()).take(USER_AGENT_MAX).collect::<String>())
            .map(|ua| ua.trim().to_owned())
            .filter(|ua| !ua.is_empty());
        Self { address, user_agent }
    }

    /// The address's network, as a session keeps it: `203.0.113.0/24` for IPv4,
    /// the `/48` for IPv6, `local network` for loopback and private addresses.
    pub fn network(&self) -> Option<String> {
        Some(network_of(self.address?))
    }
}

impl From<Option<IpAddr>> for SeenFrom {
    fn from(address: Option<IpAddr>) -> Self {
        Self { address, user_agent: None }
    }
}

fn network_of(address: IpAddr) -> String {
    let address = match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    };
    match address {
        IpAddr::V4(v4) if v4.is_loopback() || v4.is_private() || v4.is_link_local() => LOCAL.to_owned(),
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            format!("{a}.{b}.{c}.0/24")
        }
        IpAddr::V6(v6) if v6.is_loopback() || v6.is_unique_local() || v6.is_unicast_link_local() => LOCAL.to_owned(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}::/48", s[0], s[1], s[2])
        }
    }
}

/// What [`SeenFrom::network`] says of a loopback or private address.
pub const LOCAL: &str = "local network";

/// The browser and operating system a user agent names, as people call them
/// (`("Firefox", "Windows")`); `None` for each part it does not recognise.
pub fn describe_user_agent(user_agent: &str) -> (Option<&'static str>, Option<&'static str>) {
    let has = |needle: &str| user_agent.contains(needle);
    // Order matters: Edge and Opera say "Chrome", Chrome says "Safari".
    let browser = if has("Edg/") || has("EdgA/") || has("EdgiOS/") {
        Some("Edge")
    } else if has("OPR/") || has("Opera") {
        Some("Opera")
    } else if has("SamsungBrowser/") {
        Some("Samsung Internet")
    } else if has("Firefox/") || has("FxiOS/") {
        Some("Firefox")
    } else if has("Chrome/") || has("CriOS/") || has("Chromium/") {
        Some("Chrome")
    } else if has("Safari/") && has("Version/") {
        Some("Safari")
    } else if has("curl/") {
        Some("curl")
    } else {
        None
    };
    let system = if has("iPhone") || has("iPod") {
        Some("iOS")
    } else if has("iPad") {
        Some("iPadOS")
    } else if has("Android") {
        Some("Android")
    } else if has("CrOS") {
        Some("ChromeOS")
    } else if has("Windows") {
        Some("Windows")
    } else if has("Mac OS X") || has("Macintosh") {
        Some("macOS")
    } else if has("Linux") || has("X11") {
        Some("Linux")
    } else {
        None
    };
    (browser, system)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browsers_and_systems_are_named_as_people_call_them() {
        let cases = [
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
                (Some("Firefox"), Some("Windows")),
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
                (Some("Safari"), Some("macOS")),
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
                (Some("Safari"), Some("iOS")),
            ),
            (
                "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
                (Some("Chrome"), Some("Android")),
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
                (Some("Edge"), Some("Windows")),
            ),
            (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0 Safari/537.36",
                (Some("Chrome"), Some("Linux")),
            ),
            ("curl/8.5.0", (Some("curl"), None)),
            ("something else", (None, None)),
        ];
        for (ua, expected) in cases {
            assert_eq!(describe_user_agent(ua), expected, "{ua}");
        }
    }

    #[test]
    fn a_session_keeps_the_network_not_the_address() {
        let seen = |a: &str| SeenFrom::new(Some(a.parse().unwrap()), None).network().unwrap();
        assert_eq!(seen("203.0.113.77"), "203.0.113.0/24");
        assert_eq!(seen("2001:db8:1234:5678::1"), "2001:db8:1234::/48");
        assert_eq!(seen("::ffff:198.51.100.9"), "198.51.100.0/24");
        assert_eq!(seen("127.0.0.1"), LOCAL);
        assert_eq!(seen("10.1.2.3"), LOCAL);
        assert_eq!(seen("fd00::1"), LOCAL);
        assert_eq!(SeenFrom::default().network(), None);
        let long = "x".repeat(1000);
        let ua = SeenFrom::new(None, Some(&format!("Firefox\u{7}/{long}"))).user_agent.unwrap();
        assert!(ua.len() == 256 && !ua.contains('\u{7}'));
        assert_eq!(SeenFrom::new(None, Some("  ")).user_agent, None);
    }
}
