//! Redirect URIs as a careful provider accepts them at registration.
//!
//! Rules (RFC 6749 §3.1.2, RFC 8252 §7, RFC 9700 §2.1 and §4.1):
//! - absolute, no fragment, no user information, no wildcard, at most 2,000 characters;
//! - `https` for every client;
//! - `http` only on a loopback host (`127.0.0.0/8`, `[::1]`, `localhost`), for
//!   development servers and native apps (RFC 8252 §7.3);
//! - a private-use scheme in reverse-domain form (`com.example.app:/cb`, RFC 8252
//!   §7.1) only for public (native) clients.
//!
//! The URI is kept exactly as registered: matching at `/authorize` is a simple
//! string comparison (RFC 9700 §4.1.3), so no normalisation may happen here.

use url::{Host, Url};

use crate::client::ClientType;

/// Longest redirect URI accepted.
pub const MAX_REDIRECT_URI_LEN: usize = 2000;

/// A registered redirect (or post-logout redirect) URI.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RedirectUri(String);

/// Why a redirect URI was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidRedirectUri {
    /// Not an absolute URI.
    #[error("must be an absolute URI")]
    NotAbsolute,
    /// Longer than [`MAX_REDIRECT_URI_LEN`].
    #[error("must be at most 2000 characters")]
    TooLong,
    /// Has a `#fragment` (RFC 6749 §3.1.2).
    #[error("must not contain a fragment")]
    Fragment,
    /// Has `user:password@`.
    #[error("must not contain user information")]
    UserInfo,
    /// Has a `*` in it.
    #[error("must not contain a wildcard")]
    Wildcard,
    /// `http` on a host that is not loopback.
    #[error("http is allowed only on a loopback host (127.0.0.1, [::1], localhost); use https")]
    InsecureHttp,
    /// A private-use scheme registered by a confidential client.
    #[error("private-use schemes are allowed only for public (native) clients")]
    PrivateSchemeNeedsPublicClient,
    /// A scheme that is neither http(s) nor reverse-domain private-use.
    #[error(
        "scheme `{0}` is not allowed: use https, loopback http, or a reverse-domain private-use scheme such as com.example.app"
    )]
    Scheme(String),
}

impl RedirectUri {
    /// Validates `raw` for a client of type `client_type`.
    pub fn parse(raw: &str, client_type: ClientType) -> Result<Self, InvalidRedirectUri> {
        if raw.len() > MAX_REDIRECT_URI_LEN {
            return Err(InvalidRedirectUri::TooLong);
        }
        if raw.contains('*') {
            return Err(InvalidRedirectUri::Wildcard);
        }
        let url = Url::parse(raw).map_err(|_| InvalidRedirectUri::NotAbsolute)?;
        if url.fragment().is_some() || raw.contains('#') {
            return Err(InvalidRedirectUri::Fragment);
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(InvalidRedirectUri::UserInfo);
        }
        match url.scheme() {
            "https" if url.host().is_some() => {}
            "http" if url.host().as_ref().is_some_and(is_loopback) => {}
            "http" => return Err(InvalidRedirectUri::InsecureHttp),
            "https" => return Err(InvalidRedirectUri::NotAbsolute),
            scheme if is_private_use_scheme(scheme) => {
                if client_type != ClientType::Public {
                    return Err(InvalidRedirectUri::PrivateSchemeNeedsPublicClient);
                }
            }
            scheme => return Err(InvalidRedirectUri::Scheme(scheme.to_owned())),
        }
        Ok(Self(raw.to_owned()))
    }

    /// Restores a URI that was validated when it was stored.
    pub fn from_stored(raw: String) -> Self {
        Self(raw)
    }

    /// The URI exactly as registered.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `presented` is this URI, by exact string comparison (RFC 9700 §4.1.3).
    pub fn matches(&self, presented: &str) -> bool {
        self.0 == presented
    }
}

fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
        Host::Ipv4(ip) => ip.is_loopback(),
        Host::Ipv6(ip) => ip.is_loopback(),
    }
}

/// RFC 8252 §7.1: a private-use scheme is a reverse domain name, so it has a dot.
fn is_private_use_scheme(scheme: &str) -> bool {
    scheme.contains('.') && !scheme.starts_with('.') && !scheme.ends_with('.')
}

#[cfg(test)]
mod tests {
    use super::*;
    use ClientType::{Confidential, Public};

    #[test]
    fn accepts_https_loopback_http_and_native_schemes() {
        for uri in [
            "https://app.acme.com/api/auth/callback",
            "https://app.acme.com:8443/cb?x=1",
            "http://127.0.0.1:5173/cb",
            "http://[::1]/cb",
            "http://localhost:3000/callback",
        ] {
            assert!(RedirectUri::parse(uri, Confidential).is_ok(), "{uri}");
        }
        assert!(RedirectUri::parse("com.acme.app:/oauth2redirect", Public).is_ok());
    }

    #[test]
    fn refuses_what_rfc_9700_forbids() {
        let cases = [
            ("/relative", InvalidRedirectUri::NotAbsolute),
            ("https://app.acme.com/cb#frag", InvalidRedirectUri::Fragment),
            ("https://u:p@app.acme.com/cb", InvalidRedirectUri::UserInfo),
            ("https://*.acme.com/cb", InvalidRedirectUri::Wildcard),
            ("http://app.acme.com/cb", InvalidRedirectUri::InsecureHttp),
            ("javascript:alert(1)", InvalidRedirectUri::Scheme("javascript".into())),
            ("data:text/html,hi", InvalidRedirectUri::Scheme("data".into())),
            ("file:///etc/passwd", InvalidRedirectUri::Scheme("file".into())),
        ];
        for (uri, expected) in cases {
            assert_eq!(RedirectUri::parse(uri, Public), Err(expected), "{uri}");
        }
        assert_eq!(
            RedirectUri::parse("com.acme.app:/cb", Confidential),
            Err(InvalidRedirectUri::PrivateSchemeNeedsPublicClient)
        );
        assert_eq!(
            RedirectUri::parse(&format!("https://a.com/{}", "x".repeat(2000)), Public),
            Err(InvalidRedirectUri::TooLong)
        );
    }

    #[test]
    fn keeps_the_uri_exactly_and_matches_exactly() {
        let uri = RedirectUri::parse("https://app.acme.com", Public).unwrap();
        assert_eq!(uri.as_str(), "https://app.acme.com");
        assert!(uri.matches("https://app.acme.com"));
        assert!(!uri.matches("https://app.acme.com/"));
        assert!(!uri.matches("https://APP.acme.com"));
    }
}
