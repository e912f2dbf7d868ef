//! Subject identifiers (OIDC Core §8): `public` (the user's id, the same for every
//! client) or `pairwise` (a value per sector, so clients of different sectors
//! cannot correlate a user by `sub`).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest as _, Sha256};

use crate::error::ValidationError;
use crate::id::UserId;
use crate::redirect_uri::RedirectUri;

/// How a client sees users' `sub`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SubjectType {
    /// The user's id.
    #[default]
    Public,
    /// A value derived from the sector (a host) and the user: the same for every
    /// client of one sector, different between sectors.
    Pairwise {
        /// The sector identifier's host (§8.1).
        sector: String,
        /// The `sector_identifier_uri` it came from, when the client registered one.
        sector_identifier_uri: Option<String>,
    },
}

/// The deployment's secret salt of pairwise subjects (derived from the
/// key-encryption key, so every instance computes the same values).
#[derive(Clone, PartialEq, Eq)]
pub struct PairwiseSalt([u8; 32]);

impl PairwiseSalt {
    /// A salt of these bytes.
    pub fn new(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }
}

impl Default for PairwiseSalt {
    /// An all-zero salt, for tests and embedders that use no pairwise clients.
    fn default() -> Self {
        Self([0; 32])
    }
}

impl std::fmt::Debug for PairwiseSalt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PairwiseSalt(…)")
    }
}

impl SubjectType {
    /// Checks `subject_type` and `sector_identifier_uri` against the client's
    /// redirect URIs (OIDC Core §8.1): `pairwise` takes its sector from the
    /// `sector_identifier_uri`'s host (an `https` URL whose document the caller
    /// must check lists every redirect URI), or else from the redirect URIs, which
    /// must then share one host.
    pub fn validate(
        subject_type: Option<&str>,
        sector_identifier_uri: Option<&str>,
        redirect_uris: &[RedirectUri],
    ) -> Result<Self, ValidationError> {
        let sector_uri = sector_identifier_uri.map(str::trim).filter(|u| !u.is_empty());
        match subject_type.map(str::trim) {
            None | Some("") | Some("public") => {
                if sector_uri.is_some() {
                    return Err(ValidationError::new(
                        "sector_identifier_uri",
                        "only a pairwise client (subject_type pairwise) has a sector identifier",
                    ));
                }
                Ok(Self::Public)
            }
            Some("pairwise") => match sector_uri {
                Some(raw) => {
                    let invalid = || {
                        ValidationError::new(
                            "sector_identifier_uri",
                            "must be an https URL without a fragment (OIDC Core §8.1)",
                        )
                    };
                    let url = url::Url::parse(raw).map_err(|_| invalid())?;
                    if url.scheme() != "https" || url.fragment().is_some() || raw.len() > 2000 {
                        return Err(invalid());
                    }
                    let sector = url.host_str().ok_or_else(invalid)?.to_owned();
                    Ok(Self::Pairwise { sector, sector_identifier_uri: Some(raw.to_owned()) })
                }
                None => {
                    let mut hosts = redirect_uris
                        .iter()
                        .map(|r| url::Url::parse(r.as_str()).ok().and_then(|u| u.host_str().map(str::to_owned)));
                    let first = hosts.next().flatten();
                    match first {
                        Some(sector) if hosts.all(|h| h.as_deref() == Some(sector.as_str())) => {
                            Ok(Self::Pairwise { sector, sector_identifier_uri: None })
                        }
                        _ => Err(ValidationError::new(
                            "sector_identifier_uri",
                            "a pairwise client whose redirect URIs are not all on one host needs a \
                             sector_identifier_uri (OIDC Core §8.1)",
                        )),
                    }
                }
            },
            Some(other) => Err(ValidationError::new(
                "subject_type",
                format!("`{other}` is not a subject type: use public or pairwise"),
            )),
        }
    }

    /// The wire name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Pairwise { .. } => "pairwise",
        }
    }

    /// The `sector_identifier_uri`, when one was registered.
    pub fn sector_identifier_uri(&self) -> Option<&str> {
        match self {
            Self::Pairwise { sector_identifier_uri, .. } => sector_identifier_uri.as_deref(),
            Self::Public => None,
        }
    }

    /// The `sub` a client of this type sees for `user`: the id itself, or
    /// base64url(SHA-256(sector ‖ 0 ‖ user ‖ 0 ‖ salt)) (§8.1's construction, with
    /// separators so no two inputs run together).
    pub fn subject(&self, user: &UserId, salt: &PairwiseSalt) -> String {
        match self {
            Self::Public => user.as_str().to_owned(),
            Self::Pairwise { sector, .. } => {
                let mut hash = Sha256::new();
                hash.update(sector.as_bytes());
                hash.update([0]);
                hash.update(user.as_str().as_bytes());
                hash.update([0]);
                hash.update(salt.0);
                URL_SAFE_NO_PAD.encode(hash.finalize())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::ClientType;

    fn uris(list: &[&str]) -> Vec<RedirectUri> {
        list.iter().map(|u| RedirectUri::parse(u, ClientType::Confidential).unwrap()).collect()
    }

    #[test]
    fn pairwise_subjects_differ_between_sectors_and_agree_within_one() {
        let user = UserId::parse("usr_0123456789abcdefghij").unwrap();
        let salt = PairwiseSalt::new([7; 32]);
        let a = SubjectType::validate(Some("pairwise"), None, &uris(&["https://a.example/cb", "https://a.example/x"]))
            .unwrap();
        let also_a =
            SubjectType::validate(Some("pairwise"), Some("https://a.example/sector.json"), &uris(&[])).unwrap();
        let b = SubjectType::validate(Some("pairwise"), None, &uris(&["https://b.example/cb"])).unwrap();
        assert_eq!(a.subject(&user, &salt), also_a.subject(&user, &salt));
        assert_ne!(a.subject(&user, &salt), b.subject(&user, &salt));
        assert_ne!(a.subject(&user, &salt), a.subject(&user, &PairwiseSalt::new([8; 32])));
        assert_eq!(SubjectType::Public.subject(&user, &salt), user.as_str());
        assert_eq!(a.subject(&user, &salt).len(), 43);
    }

    #[test]
    fn a_pairwise_client_needs_one_host_or_a_sector_identifier() {
        let two_hosts = uris(&["https://a.example/cb", "https://b.example/cb"]);
        let err = SubjectType::validate(Some("pairwise"), None, &two_hosts).unwrap_err();
        assert_eq!(err.field, "sector_identifier_uri");
        assert!(SubjectType::validate(Some("pairwise"), Some("https://s.example/s.json"), &two_hosts).is_ok());
        for bad in ["http://s.example/s.json", "https://s.example/s.json#x", "not a url"] {
            assert!(SubjectType::validate(Some("pairwise"), Some(bad), &two_hosts).is_err(), "{bad}");
        }
        assert_eq!(SubjectType::validate(Some("other"), None, &two_hosts).unwrap_err().field, "subject_type");
        assert!(SubjectType::validate(None, Some("https://s.example/s.json"), &two_hosts).is_err());
        assert_eq!(SubjectType::validate(Some("public"), None, &two_hosts).unwrap(), SubjectType::Public);
    }
}
