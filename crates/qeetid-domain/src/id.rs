//! Prefixed identifiers: `tnt_…` tenants, `usr_…` users, `qci_…` clients, `key_…` API keys.
//!
//! Each id is 128 random bits in unpadded base64url behind a prefix naming its
//! kind (`tnt_`, `usr_`, `qci_`, …), so an id pasted into the wrong place is recognisable.

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
                match s.strip_prefix($prefix) {
                    Some(rest) if (16..=64).contains(&rest.len()) && is_base64url(rest) => {
                        Ok(Self(s.to_owned()))
                    }
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
    /// An OAuth client's id, `qci_…` (the `client_id` of RFC 6749 §2.2).
    ClientId, "qci_", "client"
);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fakes::SeededRandom;

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
}
