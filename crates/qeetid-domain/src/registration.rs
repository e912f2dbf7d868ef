//! Dynamic client registration (RFC 7591) and its management (RFC 7592): the
//! initial access tokens that admit a registration to a tenant, and the metadata a
//! client sends, mapped onto the same settings (and rules) as the admin API's.

use crate::client::{ClientDraft, ClientMetadata, DEFAULT_SCOPES};
use crate::error::ValidationError;
use crate::id::{InitialTokenId, TenantId};
use crate::secret::SecretHash;
use crate::text::has_deceptive_characters;
use crate::time::UnixTime;

/// Prefix of initial access tokens.
pub const INITIAL_TOKEN_PREFIX: &str = "qit_";
/// Prefix of registration access tokens (RFC 7592 §3).
pub const REGISTRATION_TOKEN_PREFIX: &str = "qra_";

/// Longest URI kept in the metadata.
const MAX_URI_LEN: usize = 2048;
/// Longest `jwks` document kept.
const MAX_JWKS_LEN: usize = 16 * 1024;
/// Most `contacts`.
const MAX_CONTACTS: usize = 10;
/// Longest short text (`client_name`, `software_id`, a contact).
const MAX_TEXT_LEN: usize = 255;

/// A token an admin hands to a developer or a tool so that it can register clients
/// in one tenant (RFC 7591 §3); only its SHA-256 is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitialAccessToken {
    /// `iat_…`
    pub id: InitialTokenId,
    /// The tenant its registrations land in.
    pub tenant_id: TenantId,
    /// What it is for, as the admin named it.
    pub label: String,
    /// SHA-256 of the token.
    pub token_hash: SecretHash,
    /// After this it admits nothing; `None`: never expires.
    pub expires_at: Option<UnixTime>,
    /// Registrations it still admits; `None`: unlimited.
    pub uses_left: Option<u32>,
    /// When it was made.
    pub created_at: UnixTime,
}

/// How a client authenticates at the token endpoint (`token_endpoint_auth_method`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenAuthMethod {
    /// `client_secret_basic`, the RFC 7591 default.
    ClientSecretBasic,
    /// `client_secret_post`.
    ClientSecretPost,
    /// `private_key_jwt` (RFC 7523, OIDC Core §9): a JWT signed with a key of the
    /// client's `jwks` or `jwks_uri`.
    PrivateKeyJwt,
    /// `none`: a public client (PKCE required).
    None,
}

impl TokenAuthMethod {
    /// The metadata value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ClientSecretBasic => "client_secret_basic",
            Self::ClientSecretPost => "client_secret_post",
            Self::PrivateKeyJwt => "private_key_jwt",
            Self::None => "none",
        }
    }

    /// The method named `raw`, if Qeet ID supports it for registration.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "client_secret_basic" => Some(Self::ClientSecretBasic),
            "client_secret_post" => Some(Self::ClientSecretPost),
            "private_key_jwt" => Some(Self::PrivateKeyJwt),
            "none" => Some(Self::None),
            _ => None,
        }
    }
}

/// What a client sends to register, or to replace its registration (RFC 7591 §2,
/// RFC 7592 §2.2). Absent values take the RFC's defaults.
#[derive(Debug, Clone, Default)]
pub struct ClientRegistrationRequest {
    /// `redirect_uris`.
    pub redirect_uris: Vec<String>,
    /// `token_endpoint_auth_method` (default `client_secret_basic`).
    pub token_endpoint_auth_method: Option<String>,
    /// `grant_types` (default `authorization_code`).
    pub grant_types: Option<Vec<String>>,
    /// `response_types` (default `code`; only `code` is supported).
    pub response_types: Option<Vec<String>>,
    /// `client_name`, shown on the consent page.
    pub client_name: Option<String>,
    /// `scope`: the scopes it may ask for, space-delimited.
    pub scope: Option<String>,
    /// `post_logout_redirect_uris`.
    pub post_logout_redirect_uris: Vec<String>,
    /// `id_token_signed_response_alg` (OIDC Dynamic Client Registration §2; default `ES256`).
    pub id_token_signed_response_alg: Option<String>,
    /// `userinfo_signed_response_alg` (default: plain JSON).
    pub userinfo_signed_response_alg: Option<String>,
    /// `backchannel_logout_uri`, `frontchannel_logout_uri` and their
    /// `…_session_required` (OpenID Connect Back-/Front-Channel Logout 1.0 §2).
    pub logout: crate::logout::LogoutNoticesDraft,
    /// `subject_type` (OIDC Dynamic Client Registration §2; default `public`).
    pub subject_type: Option<String>,
    /// `sector_identifier_uri` of a pairwise client.
    pub sector_identifier_uri: Option<String>,
    /// `request_uris` (OIDC Dynamic Client Registration §2).
    pub request_uris: Option<Vec<String>>,
    /// `request_object_signing_alg`.
    pub request_object_signing_alg: Option<String>,
    /// `token_endpoint_auth_signing_alg`, `require_pushed_authorization_requests`
    /// and `dpop_bound_access_tokens` (the method itself is
    /// `token_endpoint_auth_method` above).
    pub policy: crate::client_policy::ClientPolicyDraft,
    /// The descriptive metadata.
    pub metadata: ClientMetadata,
}

/// Why a registration was refused (RFC 7591 §3.2.2, RFC 6750 §3.1).
#[derive(Debug, thiserror::Error)]
pub enum RegistrationError {
    /// `invalid_redirect_uri`.
    #[error("{0}")]
    InvalidRedirectUri(String),
    /// `invalid_client_metadata`.
    #[error("{0}")]
    InvalidMetadata(String),
    /// The initial or registration access token is missing, unknown, expired or spent.
    #[error("the access token is missing, unknown, expired or used up")]
    InvalidToken,
    /// Too many open registrations from this address.
    #[error("too many registrations from this address; try again in {retry_after} seconds")]
    Throttled {
        /// Seconds to wait.
        retry_after: i64,
    },
    /// Infrastructure failed.
    #[error("internal error: {0}")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl From<crate::error::StoreError> for RegistrationError {
    fn from(err: crate::error::StoreError) -> Self {
        Self::Internal(Box::new(err))
    }
}

impl From<ValidationError> for RegistrationError {
    /// A rule of the client settings broke: named with RFC 7591's field names.
    fn from(err: ValidationError) -> Self {
        let field = rfc7591_field(&err.field);
        let message = format!("{field}: {}", err.message);
        if field.starts_with("redirect_uris") {
            Self::InvalidRedirectUri(message)
        } else {
            Self::InvalidMetadata(message)
        }
    }
}

/// The RFC 7591 name of a Clients API field.
fn rfc7591_field(field: &str) -> String {
    for (ours, theirs) in
        [("post_logout_uris", "post_logout_redirect_uris"), ("scopes", "scope"), ("name", "client_name")]
    {
        if let Some(rest) = field.strip_prefix(ours) {
            return format!("{theirs}{rest}");
        }
    }
    field.to_owned()
}

fn metadata_error(field: &str, message: impl std::fmt::Display) -> RegistrationError {
    RegistrationError::InvalidMetadata(format!("{field}: {message}"))
}

impl ClientRegistrationRequest {
    /// The settings draft the admin API's rules then validate, the method to echo and
    /// the checked descriptive metadata.
    ///
    /// # Errors
    /// `invalid_client_metadata` for an unsupported method or response type, or
    /// metadata that breaks its rules; settings are checked later by
    /// [`ClientSettings::validate`](crate::client::ClientSettings::validate).
    pub fn into_parts(self) -> Result<(ClientDraft, TokenAuthMethod, ClientMetadata), RegistrationError> {
        let method = match self.token_endpoint_auth_method.as_deref() {
            None => TokenAuthMethod::ClientSecretBasic,
            Some(raw) => TokenAuthMethod::parse(raw).ok_or_else(|| {
                metadata_error(
                    "token_endpoint_auth_method",
                    format!(
                        "`{raw}` is not supported: use client_secret_basic, client_secret_post, private_key_jwt or none"
                    ),
                )
            })?,
        };
        if let Some(types) = &self.response_types
            && types.iter().any(|t| t != "code")
        {
            return Err(metadata_error("response_types", "only `code` is supported"));
        }
        let grant_types = self.grant_types.unwrap_or_else(|| vec!["authorization_code".to_owned()]);
        let wants_code = grant_types.iter().any(|g| g == "authorization_code");
        if self.response_types.as_ref().is_some_and(|types| types.is_empty() == wants_code) {
            return Err(metadata_error(
                "response_types",
                "must be [\"code\"] exactly when grant_types includes authorization_code (RFC 7591 §2.1)",
            ));
        }
        let name = match self.client_name {
            Some(name) => name,
            None => self
                .redirect_uris
                .first()
                .and_then(|uri| url::Url::parse(uri).ok())
                .and_then(|u| u.host_str().map(str::to_owned))
                .unwrap_or_else(|| "Unnamed client".to_owned()),
        };
        let draft = ClientDraft {
            name,
            client_type: if method == TokenAuthMethod::None { "public" } else { "confidential" }.to_owned(),
            redirect_uris: self.redirect_uris,
            post_logout_uris: self.post_logout_redirect_uris,
            grant_types: Some(grant_types),
            scopes: self.scope.map(|s| s.split_whitespace().map(str::to_owned).collect()),
            require_pkce: None,
            lifetimes: Default::default(),
            id_token_signed_response_alg: self.id_token_signed_response_alg,
            userinfo_signed_response_alg: self.userinfo_signed_response_alg,
            logout: self.logout,
            subject_type: self.subject_type,
            sector_identifier_uri: self.sector_identifier_uri,
            request_objects: crate::request_object::RequestObjectDraft {
                jwks: self.metadata.jwks.clone(),
                jwks_uri: self.metadata.jwks_uri.clone(),
                request_uris: self.request_uris,
                request_object_signing_alg: self.request_object_signing_alg,
            },
            policy: crate::client_policy::ClientPolicyDraft {
                token_endpoint_auth_method: Some(method.as_str().to_owned()),
                ..self.policy
            },
        };
        Ok((draft, method, checked_metadata(self.metadata)?))
    }
}

/// Open registration's limits on top of the settings' rules: the standard OpenID
/// scopes only, no `client_credentials` (a service acting for itself is an admin's
/// business), and redirect URIs on `https` or loopback `http` (RFC 8252 §7.3), no
/// private-use schemes.
///
/// # Errors
/// `invalid_client_metadata` or `invalid_redirect_uri` naming the field.
pub fn check_open_registration(draft: &ClientDraft) -> Result<(), RegistrationError> {
    if draft.grant_types.as_ref().is_some_and(|g| g.iter().any(|g| g == "client_credentials")) {
        return Err(metadata_error("grant_types", "client_credentials needs an initial access token"));
    }
    if let Some(extra) = draft.scopes.iter().flatten().find(|s| !DEFAULT_SCOPES.contains(&s.as_str())) {
        return Err(metadata_error(
            "scope",
            format!("`{extra}` needs an initial access token; open registration allows {}", DEFAULT_SCOPES.join(" ")),
        ));
    }
    for (i, uri) in draft.redirect_uris.iter().chain(&draft.post_logout_uris).enumerate() {
        let scheme = url::Url::parse(uri).map(|u| u.scheme().to_owned()).unwrap_or_default();
        if scheme != "https" && scheme != "http" {
            let field = if i < draft.redirect_uris.len() {
                format!("redirect_uris[{i}]")
            } else {
                "post_logout_redirect_uris".to_owned()
            };
            return Err(RegistrationError::InvalidRedirectUri(format!(
                "{field}: open registration takes https or loopback http redirect URIs only"
            )));
        }
    }
    Ok(())
}

/// How long a fetched client metadata document is used when its answer names no
/// lifetime (`Cache-Control: max-age`).
pub const DOCUMENT_DEFAULT_SECONDS: i64 = 300;
/// Shortest use of a fetched document, whatever it says (so one client cannot make
/// every authorization request an outbound call).
pub const DOCUMENT_MIN_SECONDS: i64 = 60;
/// Longest use of a fetched document before it is fetched again.
pub const DOCUMENT_MAX_SECONDS: i64 = 86_400;

/// A client ID metadata document as fetched and read from JSON
/// (draft-ietf-oauth-client-id-metadata-document §4).
#[derive(Debug, Clone, Default)]
pub struct ClientDocument {
    /// The document's `client_id`: it must equal the URL it came from.
    pub client_id: Option<String>,
    /// Whether it names a `client_secret` or `client_secret_expires_at`, which a
    /// public document must never hold.
    pub has_secret: bool,
    /// Its client metadata, read as an RFC 7591 registration.
    pub request: ClientRegistrationRequest,
    /// `max-age` of the answer's `Cache-Control` (0 for `no-store`/`no-cache`).
    pub max_age: Option<i64>,
}

impl ClientDocument {
    /// Seconds the document is used before it is fetched again: its `max-age`
    /// within [`DOCUMENT_MIN_SECONDS`]..=[`DOCUMENT_MAX_SECONDS`], else
    /// [`DOCUMENT_DEFAULT_SECONDS`].
    pub fn lifetime_seconds(&self) -> i64 {
        self.max_age.unwrap_or(DOCUMENT_DEFAULT_SECONDS).clamp(DOCUMENT_MIN_SECONDS, DOCUMENT_MAX_SECONDS)
    }

    /// The settings draft, method and metadata of the client the document at `url`
    /// describes, held to open registration's limits: `client_id` equal to `url`,
    /// no shared secret (`token_endpoint_auth_method` `none`, its default here).
    ///
    /// # Errors
    /// `invalid_client_metadata` (or `invalid_redirect_uri`) naming what is wrong.
    pub fn into_parts(self, url: &str) -> Result<(ClientDraft, TokenAuthMethod, ClientMetadata), RegistrationError> {
        if self.client_id.as_deref() != Some(url) {
            return Err(metadata_error("client_id", "must equal the URL the document was fetched from"));
        }
        if self.has_secret {
            return Err(metadata_error("client_secret", "a metadata document is public: it must hold no secret"));
        }
        let mut request = self.request;
        match request.token_endpoint_auth_method.get_or_insert_with(|| "none".to_owned()).as_str() {
            "none" => {}
            other => {
                return Err(metadata_error(
                    "token_endpoint_auth_method",
                    format!("`{other}` is not supported for a metadata document: use none"),
                ));
            }
        }
        let parts = request.into_parts()?;
        check_open_registration(&parts.0)?;
        Ok(parts)
    }
}

/// The descriptive metadata, checked: URIs absolute `https`, short text without
/// deceptive characters, `jwks` or `jwks_uri` but not both.
fn checked_metadata(metadata: ClientMetadata) -> Result<ClientMetadata, RegistrationError> {
    let uris = [
        ("client_uri", &metadata.client_uri),
        ("logo_uri", &metadata.logo_uri),
        ("tos_uri", &metadata.tos_uri),
        ("policy_uri", &metadata.policy_uri),
        ("jwks_uri", &metadata.jwks_uri),
    ];
    for (field, uri) in uris {
        if let Some(uri) = uri {
            let https = url::Url::parse(uri).is_ok_and(|u| u.scheme() == "https" && u.host_str().is_some());
            if !https || uri.len() > MAX_URI_LEN {
                return Err(metadata_error(
                    field,
                    format!("must be an absolute https URL of at most {MAX_URI_LEN} characters"),
                ));
            }
        }
    }
    if metadata.contacts.len() > MAX_CONTACTS {
        return Err(metadata_error("contacts", format!("at most {MAX_CONTACTS}")));
    }
    let texts = metadata.contacts.iter().enumerate().map(|(i, c)| (format!("contacts[{i}]"), Some(c))).chain([
        ("software_id".to_owned(), metadata.software_id.as_ref()),
        ("software_version".to_owned(), metadata.software_version.as_ref()),
    ]);
    for (field, text) in texts {
        if let Some(text) = text
            && (text.trim().is_empty() || text.len() > MAX_TEXT_LEN || has_deceptive_characters(text))
        {
            return Err(metadata_error(
                &field,
                format!("1 to {MAX_TEXT_LEN} characters, without control or bidirectional formatting characters"),
            ));
        }
    }
    if metadata.jwks.is_some() && metadata.jwks_uri.is_some() {
        return Err(metadata_error("jwks", "send jwks or jwks_uri, not both (RFC 7591 §2)"));
    }
    if metadata.jwks.as_ref().is_some_and(|j| j.len() > MAX_JWKS_LEN) {
        return Err(metadata_error("jwks", format!("at most {MAX_JWKS_LEN} bytes")));
    }
    Ok(metadata)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> ClientRegistrationRequest {
        ClientRegistrationRequest {
            redirect_uris: vec!["https://tool.example/callback".into()],
            ..ClientRegistrationRequest::default()
        }
    }

    #[test]
    fn defaults_follow_rfc_7591() {
        let (draft, method, _) = request().into_parts().unwrap();
        assert_eq!(method, TokenAuthMethod::ClientSecretBasic);
        assert_eq!(draft.client_type, "confidential");
        assert_eq!(draft.grant_types, Some(vec!["authorization_code".to_owned()]));
        assert_eq!(draft.name, "tool.example", "no client_name: the redirect URI's host");
    }

    #[test]
    fn unsupported_methods_and_response_types_are_refused() {
        let mut r = request();
        r.token_endpoint_auth_method = Some("tls_client_auth".into());
        assert!(
            matches!(r.into_parts(), Err(RegistrationError::InvalidMetadata(m)) if m.contains("token_endpoint_auth_method"))
        );
        let mut r = request();
        r.response_types = Some(vec!["token".into()]);
        assert!(matches!(r.into_parts(), Err(RegistrationError::InvalidMetadata(m)) if m.contains("response_types")));
        let mut r = request();
        r.grant_types = Some(vec!["client_credentials".into()]);
        r.response_types = Some(vec!["code".into()]);
        assert!(r.into_parts().is_err(), "code without the authorization_code grant");
    }

    #[test]
    fn metadata_uris_must_be_https_and_jwks_comes_one_way() {
        let mut r = request();
        r.metadata.logo_uri = Some("http://tool.example/logo.png".into());
        assert!(matches!(r.into_parts(), Err(RegistrationError::InvalidMetadata(m)) if m.starts_with("logo_uri")));
        let mut r = request();
        r.metadata.jwks = Some("{\"keys\":[]}".into());
        r.metadata.jwks_uri = Some("https://tool.example/jwks".into());
        assert!(r.into_parts().is_err());
        let mut r = request();
        r.metadata.contacts = vec!["ops@tool.example\u{202E}".into()];
        assert!(r.into_parts().is_err());
    }

    #[test]
    fn open_registration_takes_standard_scopes_and_web_or_loopback_uris_only() {
        let draft = |scopes: &[&str], uri: &str, grants: &[&str]| ClientDraft {
            redirect_uris: vec![uri.to_owned()],
            scopes: Some(scopes.iter().map(|s| (*s).to_owned()).collect()),
            grant_types: Some(grants.iter().map(|s| (*s).to_owned()).collect()),
            ..ClientDraft::default()
        };
        let code = ["authorization_code"];
        assert!(check_open_registration(&draft(&["openid", "email"], "https://tool.example/cb", &code)).is_ok());
        assert!(check_open_registration(&draft(&["openid"], "http://127.0.0.1:3000/cb", &code)).is_ok());
        assert!(check_open_registration(&draft(&["api:write"], "https://tool.example/cb", &code)).is_err());
        assert!(matches!(
            check_open_registration(&draft(&["openid"], "com.example.tool:/cb", &code)),
            Err(RegistrationError::InvalidRedirectUri(_))
        ));
        assert!(
            check_open_registration(&draft(&["openid"], "https://tool.example/cb", &["client_credentials"])).is_err()
        );
    }

    #[test]
    fn settings_errors_use_rfc_7591_names() {
        let err = RegistrationError::from(ValidationError::new("redirect_uris[0]", "must be https"));
        assert!(matches!(err, RegistrationError::InvalidRedirectUri(m) if m == "redirect_uris[0]: must be https"));
        let err = RegistrationError::from(ValidationError::new("scopes", "unknown scope"));
        assert!(matches!(err, RegistrationError::InvalidMetadata(m) if m.starts_with("scope:")));
    }

    fn document(url: &str) -> ClientDocument {
        ClientDocument {
            client_id: Some(url.to_owned()),
            request: ClientRegistrationRequest {
                redirect_uris: vec!["http://127.0.0.1:3000/callback".into()],
                client_name: Some("Tool".into()),
                ..ClientRegistrationRequest::default()
            },
            ..ClientDocument::default()
        }
    }

    #[test]
    fn a_metadata_document_names_its_own_url_and_holds_no_secret() {
        let url = "https://tool.example/client.json";
        let (draft, method, _) = document(url).into_parts(url).unwrap();
        assert_eq!(method, TokenAuthMethod::None, "none is the default: a document cannot share a secret");
        assert_eq!(draft.client_type, "public");
        let other = document("https://evil.example/client.json").into_parts(url);
        assert!(matches!(other, Err(RegistrationError::InvalidMetadata(m)) if m.starts_with("client_id")));
        let mut secret = document(url);
        secret.has_secret = true;
        assert!(
            matches!(secret.into_parts(url), Err(RegistrationError::InvalidMetadata(m)) if m.starts_with("client_secret"))
        );
        let mut basic = document(url);
        basic.request.token_endpoint_auth_method = Some("client_secret_basic".into());
        assert!(basic.into_parts(url).is_err());
        let mut wide = document(url);
        wide.request.scope = Some("openid admin".into());
        assert!(wide.into_parts(url).is_err(), "open registration's scope limit holds");
    }

    #[test]
    fn a_document_is_used_between_one_minute_and_one_day() {
        let mut d = document("https://tool.example/client.json");
        assert_eq!(d.lifetime_seconds(), DOCUMENT_DEFAULT_SECONDS);
        d.max_age = Some(0);
        assert_eq!(d.lifetime_seconds(), DOCUMENT_MIN_SECONDS);
        d.max_age = Some(10 * DOCUMENT_MAX_SECONDS);
        assert_eq!(d.lifetime_seconds(), DOCUMENT_MAX_SECONDS);
        d.max_age = Some(600);
        assert_eq!(d.lifetime_seconds(), 600);
    }
}
