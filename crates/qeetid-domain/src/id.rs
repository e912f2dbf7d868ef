//! Prefixed identifiers: `tnt_…` tenants, `usr_…` users, `qci_…` clients, `key_…` API keys.
//!
//! Each id is 128 random bits in unpadded base64url behind a prefix naming its
//! kind (`tnt_`, `usr_`, `qci_`, …), so an id pasted into the wrong place is recognisable.
//! Audit events and refresh tokens, written in bulk, have ids ordered by time instead.

use crate::random::Random;
use crate::random::{is_base64url, random_token};

/// Why a string is not an id of the expected kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a valid {kind} id: expected `{prefix}` followed by 16 to 64 base64url characters")]
pub struct InvalidId {
    /// The kind of id that was expected ("client", "tenant", …).
    pub kind: &'static str,
    /// The prefix that kind of id carries.
    pub prefix: &'static str,
}

macro_rules! prefixed_id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal, $kind:literal) => {
        prefixed_id!($(#[$doc])* $name, $prefix, $kind, |_: &str| false);
    };
    ($(#[$doc:meta])* $name:ident, $prefix:literal, $kind:literal, $also:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            /// The prefix every id of this kind starts with.
            pub const PREFIX: &'static str = $prefix;

            /// A fresh id with 128 random bits.
            pub fn generate(random: &dyn Random) -> Self {
                Self(format!("{}{}", $prefix, random_token::<16>(random)))
            }

            /// Parses an id, checking its prefix and alphabet.
            pub fn parse(s: &str) -> Result<Self, InvalidId> {
                let also: fn(&str) -> bool = $also;
                match s.strip_prefix($prefix) {
                    Some(rest) if (16..=64).contains(&rest.len()) && is_base64url(rest) => {
                        Ok(Self(s.to_owned()))
                    }
                    _ if also(s) => Ok(Self(s.to_owned())),
                    _ => Err(InvalidId { kind: $kind, prefix: $prefix }),
                }
            }

            /// Wraps a constant id that is known to be valid.
            #[allow(dead_code)]
            pub(crate) fn from_trusted(s: &'static str) -> Self {
                Self(s.to_owned())
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

prefixed_id!(
    /// A tenant's id, `tnt_…`.
    TenantId, "tnt_", "tenant"
);
prefixed_id!(
    /// A user's id, `usr_…`.
    UserId, "usr_", "user"
);
prefixed_id!(
    /// An OAuth client's id (the `client_id` of RFC 6749 §2.2): `qci_…`, or the
    /// `https` URL of the client's metadata document (see [`is_metadata_document_url`]).
    ClientId, "qci_", "client", is_metadata_document_url
);

/// Longest client ID metadata document URL accepted as a `client_id`.
pub const MAX_METADATA_DOCUMENT_URL_LEN: usize = 512;

/// Whether `s` may name a client by its metadata document (OAuth Client ID Metadata
/// Document, draft-ietf-oauth-client-id-metadata-document §3): an `https` URL with a
/// host and a path other than `/`, no user or password, no fragment, and in its
/// normal form (so no `.` or `..` segments and no case games in scheme or host), at
/// most [`MAX_METADATA_DOCUMENT_URL_LEN`] characters.
pub fn is_metadata_document_url(s: &str) -> bool {
    if s.len() > MAX_METADATA_DOCUMENT_URL_LEN || !s.starts_with("https://") {
        return false;
    }
    let Ok(url) = url::Url::parse(s) else { return false };
    url.as_str() == s
        && url.host_str().is_some()
        && url.username().is_empty()
        && url.password().is_none()
        && url.fragment().is_none()
        && url.path() != "/"
}

impl ClientId {
    /// Whether this client is known by its metadata document's URL.
    pub fn is_metadata_document(&self) -> bool {
        self.0.starts_with("https://")
    }
}
prefixed_id!(
    /// An admin API key's id, `key_…` (not the key itself).
    ApiKeyId, "key_", "API key"
);

prefixed_id!(
    /// A pending authorization request's id, `arq_…`: the `request` parameter of the hosted pages.
    RequestId, "arq_", "authorization request"
);
prefixed_id!(
    /// A sign-in session's public id, `ses_…` (the `sid` claim). The cookie holds a separate secret.
    SessionId, "ses_", "session"
);
prefixed_id!(
    /// A registered passkey's id, `pky_…` (not its WebAuthn credential id).
    PasskeyId, "pky_", "passkey"
);
prefixed_id!(
    /// A passkey ceremony's id, `pkc_…`: names the server-side state of one
    /// registration or sign-in between its two requests.
    CeremonyId, "pkc_", "ceremony"
);
prefixed_id!(
    /// An upstream identity provider's id, `idp_…`.
    ProviderId, "idp_", "identity provider"
);
prefixed_id!(
    /// A consent grant's id, `grt_…`.
    GrantId, "grt_", "grant"
);
prefixed_id!(
    /// An initial access token's id, `iat_…` (not the token): RFC 7591 §3.
    InitialTokenId, "iat_", "initial access token"
);
prefixed_id!(
    /// A refresh token's id, `rtk_…` (not the token).
    RefreshTokenId, "rtk_", "refresh token"
);
prefixed_id!(
    /// An audit event's id, `evt_…`: ordered by time (see [`EventId::ordered`]).
    EventId, "evt_", "event"
);

/// An id body that sorts after every one this process made before, and after those
/// made in earlier seconds anywhere: the time (`at`, hex), a per-process sequence
/// number (hex), then 48 random bits. Ids made together sit together in an index,
/// so a batch of inserts touches a few pages rather than one page each.
fn time_ordered(prefix: &str, at: crate::time::UnixTime, random: &dyn Random) -> String {
    static SEQUENCE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let sequence = SEQUENCE.fetch_add(1, std::sync::atomic::Ordering::Relaxed) & 0xff_ffff_ffff;
    let seconds = u64::try_from(at.as_secs()).unwrap_or(0) & 0xff_ffff_ffff;
    format!("{prefix}{seconds:010x}{sequence:010x}{}", random_token::<6>(random))
}

impl EventId {
    /// An id that sorts after every one this process made before, and after ids
    /// made in earlier seconds anywhere: the time (`at`, hex), a per-process
    /// sequence number (hex), then 48 random bits. Events of one second keep their order.
    pub fn ordered(at: crate::time::UnixTime, random: &dyn Random) -> Self {
        Self(time_ordered(Self::PREFIX, at, random))
    }
}

impl RefreshTokenId {
    /// An id ordered by time, made as [`EventId::ordered`] makes one. The id is
    /// never shown to anyone (the token is the secret); ordered, each new token's
    /// entry in the primary-key index lands on its newest page instead of on a
    /// random page.
    pub fn ordered(at: crate::time::UnixTime, random: &dyn Random) -> Self {
        Self(time_ordered(Self::PREFIX, at, random))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fakes::SeededRandom;

    #[test]
    fn time_ordered_ids_sort_by_time_then_by_order_made() {
        let random = crate::fakes::SeededRandom::new(7);
        let at = crate::time::UnixTime::from_secs;
        let events = [1_800_000_000, 1_800_000_000, 1_800_000_001].map(|s| EventId::ordered(at(s), &random));
        assert!(events[0] < events[1] && events[1] < events[2], "{events:?}");
        assert_eq!(EventId::parse(events[0].as_str()), Ok(events[0].clone()));
        let tokens = [1_800_000_000, 1_800_000_000, 1_800_000_001].map(|s| RefreshTokenId::ordered(at(s), &random));
        assert!(tokens[0] < tokens[1] && tokens[1] < tokens[2], "{tokens:?}");
        assert_eq!(RefreshTokenId::parse(tokens[0].as_str()), Ok(tokens[0].clone()));
    }

    #[test]
    fn generated_ids_parse_and_differ() {
        let random = SeededRandom::new(7);
        let a = ClientId::generate(&random);
        let b = ClientId::generate(&random);
        assert_ne!(a, b);
        assert!(a.as_str().starts_with("qci_"));
        assert_eq!(ClientId::parse(a.as_str()), Ok(a));
    }

    #[test]
    fn wrong_prefix_or_alphabet_is_refused() {
        assert!(ClientId::parse("tnt_AAAAAAAAAAAAAAAAAAAAAA").is_err());
        assert!(ClientId::parse("qci_short").is_err());
        assert!(ClientId::parse("qci_AAAAAAAAAAAA/AAAAAAAAA").is_err());
        assert!(TenantId::parse("tnt_AAAAAAAAAAAAAAAAAAAAAA").is_ok());
    }

    #[test]
    fn a_metadata_document_url_is_a_client_id_in_its_normal_form_only() {
        let id = ClientId::parse("https://tool.example/oauth/client.json").unwrap();
        assert!(id.is_metadata_document());
        assert!(!ClientId::parse("qci_AAAAAAAAAAAAAAAAAAAAAA").unwrap().is_metadata_document());
        for refused in [
            "http://tool.example/client.json",
            "https://tool.example/",
            "https://tool.example",
            "https://tool.example/a/../client.json",
            "https://tool.example/./client.json",
            "https://user:pw@tool.example/client.json",
            "https://tool.example/client.json#frag",
            "HTTPS://TOOL.example/client.json",
        ] {
            assert!(ClientId::parse(refused).is_err(), "{refused}");
        }
        assert!(TenantId::parse("https://tool.example/client.json").is_err(), "only client ids take URLs");
        let long = format!("https://tool.example/{}", "a".repeat(MAX_METADATA_DOCUMENT_URL_LEN));
        assert!(ClientId::parse(&long).is_err());
    }
}
