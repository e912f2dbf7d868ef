//! OAuth clients: their settings, the rules between them, and their secrets.

use crate::client_policy::{ClientPolicy, ClientPolicyDraft, TenantPolicy};
use crate::error::{Problems, ValidationError};
use crate::grant_type::GrantType;
use crate::id::{ClientId, TenantId};
use crate::logout::{LogoutNotices, LogoutNoticesDraft};
use crate::oauth::SigningAlg;
use crate::redirect_uri::RedirectUri;
use crate::registration::TokenAuthMethod;
use crate::request_object::{RequestObjectDraft, RequestObjectSettings};
use crate::scope::ScopeSet;
use crate::secret::{Secret, SecretHash};
use crate::subject::SubjectType;
use crate::tenant::DisplayName;
use crate::time::UnixTime;

/// Prefix of client secrets, for secret scanners.
pub const CLIENT_SECRET_PREFIX: &str = "qcs_";
/// Longest grace period a rotated secret may keep working: 7 days.
pub const MAX_SECRET_GRACE_SECONDS: i64 = 7 * 24 * 3600;
/// The longest access-token lifetime a client may set (a day): signing keys stay
/// published at least this long after they retire.
pub const MAX_CLIENT_ACCESS_TOKEN_SECONDS: i64 = 86_400;
/// Most redirect URIs (and, separately, post-logout URIs) one client may register.
pub const MAX_URIS: usize = 50;
/// Scopes a client gets when registration names none.
pub const DEFAULT_SCOPES: [&str; 4] = ["openid", "profile", "email", "offline_access"];

/// Whether a client can keep a secret (RFC 6749 §2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClientType {
    /// SPAs and native apps: no secret, PKCE always.
    Public,
    /// Server-side apps that hold a secret.
    Confidential,
}

impl ClientType {
    /// Parses `public` or `confidential`.
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        match s {
            "public" => Ok(Self::Public),
            "confidential" => Ok(Self::Confidential),
            other => {
                Err(ValidationError::new("type", format!("`{other}` is not a client type: use public or confidential")))
            }
        }
    }

    /// The wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Confidential => "confidential",
        }
    }
}

/// A client's settings as a caller sent them, not yet validated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientDraft {
    /// Display name shown on the consent page.
    pub name: String,
    /// `public` or `confidential`.
    pub client_type: String,
    /// Redirect URIs for the authorization response.
    pub redirect_uris: Vec<String>,
    /// URIs allowed after RP-initiated logout.
    pub post_logout_uris: Vec<String>,
    /// Grant types; `None` means `["authorization_code"]`.
    pub grant_types: Option<Vec<String>>,
    /// Allowed scopes; `None` means [`DEFAULT_SCOPES`].
    pub scopes: Option<Vec<String>>,
    /// Whether PKCE is required; `None` means yes.
    pub require_pkce: Option<bool>,
    /// Token lifetimes of this client; `None` (or 0) means the deployment's.
    pub lifetimes: ClientLifetimes,
    /// `id_token_signed_response_alg`: `ES256` (the default) or `RS256`.
    pub id_token_signed_response_alg: Option<String>,
    /// `userinfo_signed_response_alg`: `ES256` or `RS256` for a signed UserInfo
    /// answer (OIDC Core §5.3.2); `None` or empty: plain JSON.
    pub userinfo_signed_response_alg: Option<String>,
    /// Back-channel and front-channel logout URIs.
    pub logout: LogoutNoticesDraft,
    /// `subject_type`: `public` (the default) or `pairwise`.
    pub subject_type: Option<String>,
    /// `sector_identifier_uri` of a pairwise client (OIDC Core §8.1).
    pub sector_identifier_uri: Option<String>,
    /// Keys and URLs for request objects (RFC 9101).
    pub request_objects: RequestObjectDraft,
    /// How it authenticates, and what it must do beyond that.
    pub policy: ClientPolicyDraft,
}

/// Token lifetimes one client may override, in seconds; `None` means the deployment's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClientLifetimes {
    /// Access tokens (60 s to 1 day).
    pub access_token: Option<i64>,
    /// Refresh tokens, absolute (60 s to 1 year).
    pub refresh_token: Option<i64>,
    /// Refresh tokens, idle: unused this long, a refresh token expires (60 s to 1 year).
    pub refresh_token_idle: Option<i64>,
}

impl ClientLifetimes {
    fn validate(self) -> Result<Self, ValidationError> {
        let check = |field: &str, value: Option<i64>, max: i64| match value {
            None | Some(0) => Ok(None),
            Some(v) if (60..=max).contains(&v) => Ok(Some(v)),
            Some(_) => Err(invalid(field, format!("must be 60 to {max} seconds, or 0 for the deployment's default"))),
        };
        Ok(Self {
            access_token: check("access_token_ttl_seconds", self.access_token, MAX_CLIENT_ACCESS_TOKEN_SECONDS)?,
            refresh_token: check("refresh_token_ttl_seconds", self.refresh_token, 31_536_000)?,
            refresh_token_idle: check("refresh_token_idle_seconds", self.refresh_token_idle, 31_536_000)?,
        })
    }
}

/// A client's settings as a store read them back, each value parsed on its own
/// (see [`ClientSettings::from_stored`]).
#[derive(Debug, Clone)]
pub struct StoredClientSettings {
    /// Display name.
    pub name: String,
    /// Public or confidential.
    pub client_type: ClientType,
    /// Registered redirect URIs.
    pub redirect_uris: Vec<RedirectUri>,
    /// Registered post-logout redirect URIs.
    pub post_logout_uris: Vec<RedirectUri>,
    /// Allowed grant types.
    pub grant_types: Vec<GrantType>,
    /// Allowed scopes.
    pub scopes: ScopeSet,
    /// Whether PKCE is required.
    pub require_pkce: bool,
    /// Lifetime overrides.
    pub lifetimes: ClientLifetimes,
    /// The algorithm of its ID tokens.
    pub id_token_alg: SigningAlg,
    /// The algorithm of its signed UserInfo answers; `None`: plain JSON.
    pub userinfo_alg: Option<SigningAlg>,
    /// Where it hears of logouts.
    pub logout: LogoutNotices,
    /// How it sees users' `sub`.
    pub subject: SubjectType,
    /// Its request-object keys and URLs.
    pub request_objects: RequestObjectSettings,
    /// How it authenticates, and what it must do beyond that.
    pub policy: ClientPolicy,
}

/// A change to some of a client's settings. `None` leaves a setting as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientPatch {
    /// New display name.
    pub name: Option<String>,
    /// The type may be restated but never changed.
    pub client_type: Option<String>,
    /// New redirect URIs (replacing the old list).
    pub redirect_uris: Option<Vec<String>>,
    /// New post-logout URIs (replacing the old list).
    pub post_logout_uris: Option<Vec<String>>,
    /// New grant types.
    pub grant_types: Option<Vec<String>>,
    /// New allowed scopes.
    pub scopes: Option<Vec<String>>,
    /// New PKCE requirement.
    pub require_pkce: Option<bool>,
    /// New lifetimes (each `Some(0)` returns to the deployment's default).
    pub lifetimes: ClientLifetimes,
    /// New `id_token_signed_response_alg`.
    pub id_token_signed_response_alg: Option<String>,
    /// New `userinfo_signed_response_alg`; empty returns to plain JSON.
    pub userinfo_signed_response_alg: Option<String>,
    /// New logout URIs (each empty URI removes that channel).
    pub logout: LogoutNoticesDraft,
    /// New `subject_type`.
    pub subject_type: Option<String>,
    /// New `sector_identifier_uri`; empty removes it.
    pub sector_identifier_uri: Option<String>,
    /// New request-object settings (an empty value removes one).
    pub request_objects: RequestObjectDraft,
    /// How it authenticates, and what it must do beyond that.
    pub policy: ClientPolicyDraft,
}

/// A client's validated settings. Built only by [`ClientSettings::validate`]
/// (or restored from the store), so every rule between fields holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientSettings {
    name: String,
    client_type: ClientType,
    redirect_uris: Vec<RedirectUri>,
    post_logout_uris: Vec<RedirectUri>,
    grant_types: Vec<GrantType>,
    scopes: ScopeSet,
    require_pkce: bool,
    lifetimes: ClientLifetimes,
    id_token_alg: SigningAlg,
    userinfo_alg: Option<SigningAlg>,
    logout: LogoutNotices,
    subject: SubjectType,
    request_objects: RequestObjectSettings,
    policy: ClientPolicy,
}

fn invalid(field: impl Into<String>, message: impl std::fmt::Display) -> ValidationError {
    ValidationError::new(field, message)
}

/// A signing algorithm the client named in `field`; absent or empty is `None`.
fn signing_alg(field: &str, raw: Option<&str>) -> Result<Option<SigningAlg>, ValidationError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(raw) => SigningAlg::parse(raw)
            .map(Some)
            .ok_or_else(|| invalid(field, format!("`{raw}` is not offered: use ES256 or RS256"))),
    }
}

fn parse_uris(field: &str, raw: &[String], client_type: ClientType) -> Result<Vec<RedirectUri>, ValidationError> {
    if raw.len() > MAX_URIS {
        return Err(invalid(field, format!("at most {MAX_URIS} URIs")));
    }
    let mut uris: Vec<RedirectUri> = Vec::with_capacity(raw.len());
    for (i, s) in raw.iter().enumerate() {
        let uri = RedirectUri::parse(s, client_type).map_err(|e| invalid(format!("{field}[{i}]"), e))?;
        if !uris.contains(&uri) {
            uris.push(uri);
        }
    }
    Ok(uris)
}

/// The grant types named (`None`: authorization code), repeats dropped; at least one.
fn parse_grants(raw: Option<Vec<String>>) -> Result<Vec<GrantType>, ValidationError> {
    let raw = raw.unwrap_or_else(|| vec![GrantType::AuthorizationCode.as_str().to_owned()]);
    let mut grant_types = Vec::with_capacity(raw.len());
    for (i, g) in raw.iter().enumerate() {
        let grant = GrantType::parse(g).map_err(|e| invalid(format!("grant_types[{i}]"), e))?;
        if !grant_types.contains(&grant) {
            grant_types.push(grant);
        }
    }
    if grant_types.is_empty() {
        return Err(invalid("grant_types", "at least one grant type is required"));
    }
    Ok(grant_types)
}

impl ClientSettings {
    /// Checks every rule of a client's settings:
    /// - `name`: 1 to 200 characters after trimming;
    /// - `type`: `public` or `confidential`;
    /// - URIs: see [`RedirectUri::parse`]; repeats are dropped;
    /// - `grant_types`: from [`GrantType::ALL`], at least one; `client_credentials`
    ///   only for confidential clients (RFC 6749 §4.4); `authorization_code` needs a
    ///   redirect URI; `refresh_token` needs `authorization_code` to have something to refresh;
    /// - `require_pkce`: always true for public clients (RFC 9700 §2.1.1).
    ///
    /// Every field is checked, so the error names each broken rule (the first, the
    /// rest in [`ValidationError::others`]); a rule between fields is checked only
    /// when the fields it relates were valid.
    pub fn validate(draft: ClientDraft) -> Result<Self, ValidationError> {
        let mut problems = Problems::default();
        let name = problems.check(DisplayName::parse("name", &draft.name)).map(|n| n.as_str().to_owned());
        let client_type = problems.check(ClientType::parse(&draft.client_type));
        // URIs are read by the type's rules; an unreadable type reads them as confidential.
        let kind = client_type.unwrap_or(ClientType::Confidential);
        let redirect_uris = problems.check(parse_uris("redirect_uris", &draft.redirect_uris, kind));
        let post_logout_uris =
            problems.check(parse_uris("post_logout_uris", &draft.post_logout_uris, kind)).unwrap_or_default();
        let grant_types = problems.check(parse_grants(draft.grant_types)).unwrap_or_default();
        let has = |g: GrantType| grant_types.contains(&g);
        if has(GrantType::ClientCredentials) && client_type == Some(ClientType::Public) {
            problems.note(invalid(
                "grant_types",
                "client_credentials needs a confidential client: a public client cannot authenticate",
            ));
        }
        if has(GrantType::AuthorizationCode) && redirect_uris.as_ref().is_some_and(Vec::is_empty) {
            problems.note(invalid("redirect_uris", "authorization_code needs at least one redirect URI"));
        }
        if has(GrantType::RefreshToken) && !has(GrantType::AuthorizationCode) && !has(GrantType::DeviceCode) {
            problems.note(invalid(
                "grant_types",
                "refresh_token needs authorization_code or the device grant: nothing else issues refresh tokens",
            ));
        }
        let scopes = match &draft.scopes {
            None => ScopeSet::from_tokens(DEFAULT_SCOPES),
            Some(list) => ScopeSet::from_tokens(list.iter().map(String::as_str)),
        };
        let scopes = problems.check(scopes.map_err(|e| invalid("scopes", e))).unwrap_or_default();

        let require_pkce = match (client_type, draft.require_pkce) {
            (Some(ClientType::Public), Some(false)) => {
                problems.note(invalid("require_pkce", "public clients must use PKCE"));
                true
            }
            (_, requested) => requested.unwrap_or(true),
        };

        let lifetimes = problems.check(draft.lifetimes.validate()).unwrap_or_default();
        let id_token_alg = problems
            .check(signing_alg("id_token_signed_response_alg", draft.id_token_signed_response_alg.as_deref()))
            .flatten()
            .unwrap_or_default();
        let userinfo_alg = problems
            .check(signing_alg("userinfo_signed_response_alg", draft.userinfo_signed_response_alg.as_deref()))
            .flatten();
        // Logout and pairwise URIs are held against the redirect URIs: only readable ones.
        let (logout, subject) = match &redirect_uris {
            Some(uris) => (
                problems.check(LogoutNotices::validate(&draft.logout, uris)).unwrap_or_default(),
                problems
                    .check(SubjectType::validate(
                        draft.subject_type.as_deref(),
                        draft.sector_identifier_uri.as_deref(),
                        uris,
                    ))
                    .unwrap_or_default(),
            ),
            None => Default::default(),
        };
        let redirect_uris = redirect_uris.unwrap_or_default();
        let request_objects = problems.check(RequestObjectSettings::validate(&draft.request_objects));
        let policy = match &request_objects {
            Some(keys) => problems
                .check(ClientPolicy::validate(&draft.policy, kind == ClientType::Public, keys))
                .unwrap_or_default(),
            None => ClientPolicy::default(),
        };
        let request_objects = request_objects.unwrap_or_default();
        if has(GrantType::TokenExchange) && policy.exchange().is_none() {
            problems.note(invalid(
                "grant_types",
                "token exchange needs a token_exchange policy (audiences, scopes) and a confidential client",
            ));
        }
        if policy.fapi2() && !require_pkce {
            problems.note(invalid("require_pkce", "FAPI 2.0 clients use PKCE"));
        }
        problems.finish()?;
        Ok(Self {
            name: name.unwrap_or_default(),
            client_type: kind,
            redirect_uris,
            post_logout_uris,
            grant_types,
            scopes,
            require_pkce,
            lifetimes,
            id_token_alg,
            userinfo_alg,
            logout,
            subject,
            request_objects,
            policy,
        })
    }

    /// Restores settings that were validated before they were stored (the store's
    /// business). The store parses each value; the rules between fields are not
    /// checked again, so a tightened rule never makes an existing client unreadable.
    pub fn from_stored(stored: StoredClientSettings) -> Self {
        let StoredClientSettings {
            name,
            client_type,
            redirect_uris,
            post_logout_uris,
            grant_types,
            scopes,
            require_pkce,
            lifetimes,
            id_token_alg,
            userinfo_alg,
            logout,
            subject,
            request_objects,
            policy,
        } = stored;
        Self {
            name,
            client_type,
            redirect_uris,
            post_logout_uris,
            grant_types,
            scopes,
            require_pkce,
            lifetimes,
            id_token_alg,
            userinfo_alg,
            logout,
            subject,
            request_objects,
            policy,
        }
    }

    /// These settings with `patch` applied, validated again as a whole.
    pub fn patched(&self, patch: ClientPatch) -> Result<Self, ValidationError> {
        if let Some(t) = &patch.client_type
            && ClientType::parse(t)? != self.client_type
        {
            return Err(invalid("type", "a client's type cannot be changed: register a new client instead"));
        }
        let strings = |uris: &[RedirectUri]| uris.iter().map(|u| u.as_str().to_owned()).collect();
        Self::validate(ClientDraft {
            name: patch.name.unwrap_or_else(|| self.name.clone()),
            client_type: self.client_type.as_str().to_owned(),
            redirect_uris: patch.redirect_uris.unwrap_or_else(|| strings(&self.redirect_uris)),
            post_logout_uris: patch.post_logout_uris.unwrap_or_else(|| strings(&self.post_logout_uris)),
            grant_types: Some(
                patch.grant_types.unwrap_or_else(|| self.grant_types.iter().map(|g| g.as_str().to_owned()).collect()),
            ),
            scopes: Some(patch.scopes.unwrap_or_else(|| self.scopes.iter().map(|s| s.as_str().to_owned()).collect())),
            require_pkce: Some(patch.require_pkce.unwrap_or(self.require_pkce)),
            lifetimes: ClientLifetimes {
                access_token: patch.lifetimes.access_token.or(self.lifetimes.access_token),
                refresh_token: patch.lifetimes.refresh_token.or(self.lifetimes.refresh_token),
                refresh_token_idle: patch.lifetimes.refresh_token_idle.or(self.lifetimes.refresh_token_idle),
            },
            id_token_signed_response_alg: Some(
                patch.id_token_signed_response_alg.unwrap_or_else(|| self.id_token_alg.as_str().to_owned()),
            ),
            userinfo_signed_response_alg: patch
                .userinfo_signed_response_alg
                .or_else(|| self.userinfo_alg.map(|a| a.as_str().to_owned())),
            logout: self.logout.patched(patch.logout),
            subject_type: Some(patch.subject_type.unwrap_or_else(|| self.subject.as_str().to_owned())),
            sector_identifier_uri: patch
                .sector_identifier_uri
                .or_else(|| self.subject.sector_identifier_uri().map(str::to_owned)),
            request_objects: self.request_objects.patched(patch.request_objects),
            policy: self.policy.patched(&patch.policy),
        })
    }

    /// Display name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Public or confidential.
    pub fn client_type(&self) -> ClientType {
        self.client_type
    }
    /// Registered redirect URIs.
    pub fn redirect_uris(&self) -> &[RedirectUri] {
        &self.redirect_uris
    }
    /// Registered post-logout redirect URIs.
    pub fn post_logout_uris(&self) -> &[RedirectUri] {
        &self.post_logout_uris
    }
    /// Allowed grant types.
    pub fn grant_types(&self) -> &[GrantType] {
        &self.grant_types
    }
    /// Allowed scopes.
    pub fn scopes(&self) -> &ScopeSet {
        &self.scopes
    }
    /// Whether PKCE is required at `/authorize`.
    pub fn require_pkce(&self) -> bool {
        self.require_pkce
    }
    /// This client's token lifetimes (`None`: the deployment's).
    pub fn lifetimes(&self) -> ClientLifetimes {
        self.lifetimes
    }
    /// The algorithm its ID tokens are signed with (`id_token_signed_response_alg`).
    pub fn id_token_alg(&self) -> SigningAlg {
        self.id_token_alg
    }
    /// The algorithm its UserInfo answers are signed with, if it asked for signed ones.
    pub fn userinfo_alg(&self) -> Option<SigningAlg> {
        self.userinfo_alg
    }
    /// Its request-object keys and URLs (RFC 9101).
    pub fn request_objects(&self) -> &RequestObjectSettings {
        &self.request_objects
    }

    /// How it authenticates, and what it must do beyond that.
    pub fn policy(&self) -> &ClientPolicy {
        &self.policy
    }

    /// How it authenticates at the token endpoint: what it registered, else a
    /// secret for a confidential client and nothing for a public one.
    pub fn auth_method(&self) -> TokenAuthMethod {
        self.policy.registered_auth_method().unwrap_or(match self.client_type {
            ClientType::Public => TokenAuthMethod::None,
            ClientType::Confidential => TokenAuthMethod::ClientSecretBasic,
        })
    }
    /// How it sees users' `sub` (public or pairwise).
    pub fn subject_type(&self) -> &SubjectType {
        &self.subject
    }
    /// Where it hears of logouts (back-channel, front-channel).
    pub fn logout_notices(&self) -> &LogoutNotices {
        &self.logout
    }
}

/// The stored hashes of a confidential client's secret, and of the previous one
/// while its grace period lasts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientSecrets {
    /// Hash of the current secret.
    pub current: SecretHash,
    /// Hash of the previous secret and when it stops working.
    pub previous: Option<(SecretHash, UnixTime)>,
}

impl ClientSecrets {
    /// Whether `presented` is the current secret, or the previous one before its
    /// grace period ends. Both comparisons run in constant time.
    pub fn accept(&self, presented: &Secret, now: UnixTime) -> bool {
        let current = self.current.matches(presented);
        let previous = self.previous.is_some_and(|(hash, until)| now < until && hash.matches(presented));
        current | previous
    }
}

/// A registered client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    /// `qci_…`
    pub id: ClientId,
    /// The tenant that owns it.
    pub tenant_id: TenantId,
    /// Its validated settings.
    pub settings: ClientSettings,
    /// Secret hashes; `None` for public clients.
    pub secrets: Option<ClientSecrets>,
    /// When it was registered.
    pub created_at: UnixTime,
    /// When its settings or secret last changed.
    pub updated_at: UnixTime,
    /// How the client registered itself (RFC 7591), if it did; `None` for clients
    /// made through the admin API or the dashboard.
    pub registration: Option<SelfRegistration>,
    /// What its tenant asks of every client (read with the client; never written
    /// with it).
    pub tenant_policy: TenantPolicy,
}

impl Client {
    /// Whether it follows the FAPI 2.0 baseline, by its own flag or its tenant's.
    pub fn fapi2(&self) -> bool {
        self.settings.policy.fapi2() || self.tenant_policy.fapi2
    }

    /// Whether its authorization requests must be pushed (RFC 9126): by its own
    /// setting, its tenant's, FAPI 2.0, or the deployment's (`deployment`).
    pub fn requires_par(&self, deployment: bool) -> bool {
        deployment || self.settings.policy.require_par() || self.tenant_policy.require_par || self.fapi2()
    }

    /// Whether its access tokens must be DPoP-bound (RFC 9449 §5.2).
    pub fn requires_dpop(&self) -> bool {
        self.settings.policy.dpop_bound() || self.fapi2()
    }
}

/// A client that registered itself (RFC 7591): the token that manages its
/// registration (RFC 7592) and the metadata it sent beyond its settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelfRegistration {
    /// How it registered, and what that leaves to keep.
    pub by: RegisteredBy,
    /// How it said it authenticates at the token endpoint (echoed back).
    pub auth_method: crate::registration::TokenAuthMethod,
    /// The descriptive metadata, echoed back to the client.
    pub metadata: ClientMetadata,
}

/// How a client registered itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegisteredBy {
    /// A registration request (RFC 7591); the client manages its registration with
    /// its registration access token (RFC 7592), of which this is the SHA-256.
    Request {
        /// SHA-256 of the registration access token.
        access_token_hash: SecretHash,
    },
    /// Its `client_id` is the URL of its metadata document, fetched again once
    /// `refresh_at` has passed.
    MetadataDocument {
        /// When the fetched document goes stale.
        refresh_at: UnixTime,
    },
}

impl RegisteredBy {
    /// Whether `presented` is this client's registration access token.
    pub fn accepts_token(&self, presented: &Secret) -> bool {
        match self {
            Self::Request { access_token_hash } => access_token_hash.matches(presented),
            Self::MetadataDocument { .. } => false,
        }
    }
}

/// RFC 7591 §2 metadata that describes a client without changing what it may do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientMetadata {
    /// `client_uri`: the client's home page.
    pub client_uri: Option<String>,
    /// `logo_uri`.
    pub logo_uri: Option<String>,
    /// `tos_uri`: its terms of service.
    pub tos_uri: Option<String>,
    /// `policy_uri`: its privacy policy.
    pub policy_uri: Option<String>,
    /// `contacts`: people responsible for it, usually e-mail addresses.
    pub contacts: Vec<String>,
    /// `software_id`: stable across instances of the same software.
    pub software_id: Option<String>,
    /// `software_version`.
    pub software_version: Option<String>,
    /// `jwks_uri`, kept for key-based client authentication.
    pub jwks_uri: Option<String>,
    /// `jwks` as sent (a JSON object), kept for key-based client authentication.
    pub jwks: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(client_type: &str, grants: &[&str], uris: &[&str]) -> ClientDraft {
        ClientDraft {
            name: "Acme Web".into(),
            client_type: client_type.into(),
            redirect_uris: uris.iter().map(|s| s.to_string()).collect(),
            grant_types: Some(grants.iter().map(|s| s.to_string()).collect()),
            ..ClientDraft::default()
        }
    }

    fn field_of(result: Result<ClientSettings, ValidationError>) -> String {
        result.expect_err("should be refused").field
    }

    #[test]
    fn the_seed_client_is_valid_with_secure_defaults() {
        let settings = ClientSettings::validate(ClientDraft {
            post_logout_uris: vec!["https://app.acme.com".into()],
            ..draft(
                "confidential",
                &["authorization_code", "refresh_token"],
                &["https://app.acme.com/api/auth/callback"],
            )
        })
        .unwrap();
        assert!(settings.require_pkce());
        assert_eq!(settings.scopes().to_delimited(), "openid profile email offline_access");
        assert_eq!(settings.grant_types().len(), 2);
    }

    #[test]
    fn cross_field_rules_name_the_field() {
        assert_eq!(field_of(ClientSettings::validate(draft("public", &["client_credentials"], &[]))), "grant_types");
        assert_eq!(field_of(ClientSettings::validate(draft("public", &["authorization_code"], &[]))), "redirect_uris");
        assert_eq!(field_of(ClientSettings::validate(draft("confidential", &["refresh_token"], &[]))), "grant_types");
        assert_eq!(field_of(ClientSettings::validate(draft("confidential", &["password"], &[]))), "grant_types[0]");
        assert_eq!(
            field_of(ClientSettings::validate(draft(
                "public",
                &["authorization_code"],
                &["https://a.com/cb", "http://evil.com/cb"]
            ))),
            "redirect_uris[1]"
        );
        assert_eq!(field_of(ClientSettings::validate(draft("spa", &[], &[]))), "type");
        assert_eq!(
            field_of(ClientSettings::validate(ClientDraft { name: "  ".into(), ..draft("public", &[], &[]) })),
            "name"
        );
        assert_eq!(
            field_of(ClientSettings::validate(ClientDraft {
                require_pkce: Some(false),
                ..draft("public", &["authorization_code"], &["https://a.com/cb"])
            })),
            "require_pkce"
        );
    }

    #[test]
    fn every_broken_rule_is_named_at_once() {
        let err = ClientSettings::validate(ClientDraft {
            name: " ".into(),
            scopes: Some(vec!["bad scope\u{7f}".into()]),
            require_pkce: Some(false),
            ..draft("public", &["client_credentials", "password"], &["http://evil.com/cb"])
        })
        .expect_err("five rules are broken");
        let fields: Vec<&str> = err.all().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "redirect_uris[0]", "grant_types[1]", "scopes", "require_pkce"]);

        // A rule between fields is not checked against a field that was unreadable:
        // the broken URI is named once, not again as "no redirect URI".
        let err = ClientSettings::validate(draft("public", &["authorization_code"], &["http://evil.com/cb"]))
            .expect_err("the URI is refused");
        assert_eq!(err.all().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["redirect_uris[0]"]);
    }

    #[test]
    fn confidential_clients_may_opt_out_of_pkce_and_use_client_credentials() {
        let settings = ClientSettings::validate(ClientDraft {
            require_pkce: Some(false),
            ..draft("confidential", &["client_credentials"], &[])
        })
        .unwrap();
        assert!(!settings.require_pkce());
    }

    #[test]
    fn a_patch_is_validated_as_a_whole_and_cannot_change_the_type() {
        let settings =
            ClientSettings::validate(draft("public", &["authorization_code"], &["https://a.com/cb"])).unwrap();
        let renamed = settings.patched(ClientPatch { name: Some("New".into()), ..ClientPatch::default() }).unwrap();
        assert_eq!(renamed.name(), "New");
        assert_eq!(renamed.redirect_uris(), settings.redirect_uris());
        let emptied = settings.patched(ClientPatch { redirect_uris: Some(vec![]), ..ClientPatch::default() });
        assert_eq!(field_of(emptied), "redirect_uris");
        let retyped =
            settings.patched(ClientPatch { client_type: Some("confidential".into()), ..ClientPatch::default() });
        assert_eq!(field_of(retyped), "type");
    }

    #[test]
    fn previous_secret_works_until_its_grace_period_ends() {
        let old = Secret::presented("qcs_old");
        let new = Secret::presented("qcs_new");
        let secrets = ClientSecrets { current: new.hash(), previous: Some((old.hash(), UnixTime::from_secs(100))) };
        assert!(secrets.accept(&new, UnixTime::from_secs(200)));
        assert!(secrets.accept(&old, UnixTime::from_secs(99)));
        assert!(!secrets.accept(&old, UnixTime::from_secs(100)));
        assert!(!secrets.accept(&Secret::presented("qcs_other"), UnixTime::from_secs(0)));
    }
}
