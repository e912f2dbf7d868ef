//! The authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3, OIDC Core §3.1.2.1)
//! and the pending request it becomes while the user signs in and consents.

use crate::client::Client;
use crate::grant_type::GrantType;
use crate::id::{ClientId, RequestId, SessionId, TenantId, UserId};
use crate::oauth::error::OAuthError;
use crate::pkce::{CodeChallenge, InvalidPkce};
use crate::redirect_uri::RedirectUri;
use crate::scope::ScopeSet;
use crate::secret::SecretHash;
use crate::time::UnixTime;

/// The query parameters of `GET /v1/oauth/authorize`, as received.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthorizeParams {
    /// Must be `code`.
    pub response_type: Option<String>,
    /// `qci_…`
    pub client_id: Option<String>,
    /// Must equal a registered redirect URI exactly.
    pub redirect_uri: Option<String>,
    /// Space-delimited scopes.
    pub scope: Option<String>,
    /// Opaque value returned unchanged.
    pub state: Option<String>,
    /// Replay protection for the ID token.
    pub nonce: Option<String>,
    /// PKCE challenge.
    pub code_challenge: Option<String>,
    /// PKCE method: only `S256`.
    pub code_challenge_method: Option<String>,
    /// `none`, `login`, `consent` (space-delimited).
    pub prompt: Option<String>,
    /// Maximum authentication age in seconds.
    pub max_age: Option<String>,
    /// E-mail to pre-fill on the login page.
    pub login_hint: Option<String>,
    /// An ID token this provider issued to the client (OIDC Core §3.1.2.1): only a
    /// session of its user is used (with `prompt=none`, anyone else is `login_required`).
    pub id_token_hint: Option<String>,
    /// `query` (the default) or `form_post`.
    pub response_mode: Option<String>,
    /// Requested authentication context classes, most preferred first (OIDC Core
    /// §3.1.2.1): `aal2` asks for a second factor (see [`ACR_MFA`]).
    pub acr_values: Option<String>,
    /// A request object (OIDC Core §6.1): not supported yet, refused.
    pub request: Option<String>,
    /// A request object by reference (OIDC Core §6.2): not supported yet, refused.
    pub request_uri: Option<String>,
    /// `resource` (RFC 8707), repeated for each API the tokens may be for.
    pub resources: Vec<String>,
    /// `claims` (OIDC Core §5.5), as the adapter read its JSON.
    pub claims: Option<super::ClaimsParameter>,
    /// `ui_locales` (OIDC Core §3.1.2.1): the user's preferred languages, most
    /// preferred first (BCP 47 tags, space-delimited).
    pub ui_locales: Option<String>,
    /// Set by the server (never read from a request) when these parameters came
    /// from a pushed authorization request (RFC 9126) it kept.
    pub pushed: bool,
}

/// `acr` of a sign-in with a password or another single factor (NIST SP 800-63B AAL1).
pub const ACR_SINGLE_FACTOR: &str = "aal1";
/// `acr` of a sign-in with two factors (NIST SP 800-63B AAL2).
pub const ACR_MFA: &str = "aal2";

/// The `acr` a sign-in with these `amr` values reached.
pub fn acr_of(amr: &[String]) -> &'static str {
    if amr.iter().any(|m| m == "mfa") { ACR_MFA } else { ACR_SINGLE_FACTOR }
}

impl AuthorizeParams {
    /// Whether `acr_values` asks for two factors: then a single-factor session is not
    /// enough and the user signs in again (a step-up).
    pub fn wants_mfa(&self) -> bool {
        let by_claims = match &self.claims {
            Some(super::ClaimsParameter::Requested(claims)) => super::asks_for_acr(claims, ACR_MFA),
            _ => false,
        };
        by_claims || self.acr_values.as_deref().is_some_and(|v| v.split(' ').any(|a| a == ACR_MFA))
    }
}

/// What `prompt` asked for (OIDC Core §3.1.2.1).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Prompt {
    /// `none`: no page may be shown.
    pub none: bool,
    /// `login`: authenticate again even with a session.
    pub login: bool,
    /// `consent`: ask again even with remembered consent.
    pub consent: bool,
}

impl Prompt {
    fn parse(raw: Option<&str>) -> Result<Self, OAuthError> {
        let mut prompt = Self::default();
        for value in raw.unwrap_or("").split(' ').filter(|v| !v.is_empty()) {
            match value {
                "none" => prompt.none = true,
                "login" | "select_account" => prompt.login = true,
                "consent" => prompt.consent = true,
                other => return Err(OAuthError::InvalidRequest(format!("unsupported prompt value `{other}`"))),
            }
        }
        if prompt.none && (prompt.login || prompt.consent) {
            return Err(OAuthError::InvalidRequest("prompt=none cannot be combined with other values".into()));
        }
        Ok(prompt)
    }

    /// The space-delimited form.
    pub fn to_delimited(self) -> String {
        [(self.none, "none"), (self.login, "login"), (self.consent, "consent")]
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, name)| *name)
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Parses the stored form.
    pub fn from_delimited(s: &str) -> Self {
        Self::parse(Some(s)).unwrap_or_default()
    }
}

/// How the authorization response reaches the client (OAuth 2.0 Multiple Response
/// Type Encoding Practices §2.1; OAuth 2.0 Form Post Response Mode).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ResponseMode {
    /// The parameters in the redirect URI's query (the default for `code`).
    #[default]
    Query,
    /// The parameters POSTed to the redirect URI by a self-submitting form.
    FormPost,
}

impl ResponseMode {
    /// Parses `response_mode`: absent or `query`, or `form_post`.
    ///
    /// # Errors
    /// `invalid_request` for any other value (`fragment` carries nothing a code
    /// flow may put there).
    pub fn parse(raw: Option<&str>) -> Result<Self, OAuthError> {
        match raw {
            None | Some("query") => Ok(Self::Query),
            Some("form_post") => Ok(Self::FormPost),
            Some(other) => Err(OAuthError::InvalidRequest(format!(
                "response_mode `{other}` is not supported: use query or form_post"
            ))),
        }
    }

    /// The mode an error answers in before the request is known to be valid: the
    /// one asked for when it is one Qeet ID offers, else `query`.
    pub fn requested(raw: Option<&str>) -> Self {
        Self::parse(raw).unwrap_or_default()
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Query => "query",
            Self::FormPost => "form_post",
        }
    }
}

/// An authorization request that passed every check: made by
/// [`ValidatedRequest::validate`], or read back by a store through
/// [`ValidatedRequest::from_stored`]. Its fields are read through accessors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidatedRequest {
    pub(crate) client_id: ClientId,
    pub(crate) tenant_id: TenantId,
    pub(crate) redirect_uri: RedirectUri,
    pub(crate) scope: ScopeSet,
    pub(crate) state: Option<String>,
    pub(crate) nonce: Option<String>,
    pub(crate) code_challenge: Option<CodeChallenge>,
    pub(crate) prompt: Prompt,
    pub(crate) max_age: Option<i64>,
    pub(crate) login_hint: Option<String>,
    pub(crate) resources: Resources,
    pub(crate) response_mode: ResponseMode,
    pub(crate) ui_locales: Option<String>,
}

/// A validated request as a store keeps it, to rebuild it with
/// [`ValidatedRequest::from_stored`]: the store's business only, since nothing is
/// checked again.
#[derive(Debug, Clone)]
pub struct StoredRequest {
    /// The client, in its tenant.
    pub client_id: ClientId,
    /// Its tenant.
    pub tenant_id: TenantId,
    /// Where the answer goes.
    pub redirect_uri: RedirectUri,
    /// Requested scopes.
    pub scope: ScopeSet,
    /// `state`, returned unchanged.
    pub state: Option<String>,
    /// `nonce`, for the ID token.
    pub nonce: Option<String>,
    /// PKCE challenge.
    pub code_challenge: Option<CodeChallenge>,
    /// `prompt`.
    pub prompt: Prompt,
    /// `max_age` in seconds.
    pub max_age: Option<i64>,
    /// `login_hint`.
    pub login_hint: Option<String>,
    /// `resource` values (RFC 8707).
    pub resources: Resources,
    /// How the answer reaches the client.
    pub response_mode: ResponseMode,
    /// `ui_locales`, for the hosted pages (and custom UIs).
    pub ui_locales: Option<String>,
}

impl ValidatedRequest {
    /// A request a store validated when it was made and reads back now.
    pub fn from_stored(stored: StoredRequest) -> Self {
        let StoredRequest {
            client_id,
            tenant_id,
            redirect_uri,
            scope,
            state,
            nonce,
            code_challenge,
            prompt,
            max_age,
            login_hint,
            resources,
            response_mode,
            ui_locales,
        } = stored;
        Self {
            client_id,
            tenant_id,
            redirect_uri,
            scope,
            state,
            nonce,
            code_challenge,
            prompt,
            max_age,
            login_hint,
            resources,
            response_mode,
            ui_locales,
        }
    }

    /// The client, in its tenant.
    pub fn client_id(&self) -> &ClientId {
        &self.client_id
    }

    /// The client's tenant.
    pub fn tenant_id(&self) -> &TenantId {
        &self.tenant_id
    }

    /// Where the answer goes.
    pub fn redirect_uri(&self) -> &RedirectUri {
        &self.redirect_uri
    }

    /// The requested scopes (all allowed for the client).
    pub fn scope(&self) -> &ScopeSet {
        &self.scope
    }

    /// `state`, returned unchanged.
    pub fn state(&self) -> Option<&str> {
        self.state.as_deref()
    }

    /// `nonce`, for the ID token.
    pub fn nonce(&self) -> Option<&str> {
        self.nonce.as_deref()
    }

    /// The PKCE challenge.
    pub fn code_challenge(&self) -> Option<&CodeChallenge> {
        self.code_challenge.as_ref()
    }

    /// `prompt`.
    pub fn prompt(&self) -> Prompt {
        self.prompt
    }

    /// `max_age` in seconds.
    pub fn max_age(&self) -> Option<i64> {
        self.max_age
    }

    /// `login_hint`.
    pub fn login_hint(&self) -> Option<&str> {
        self.login_hint.as_deref()
    }

    /// The resources (RFC 8707) the tokens may be for.
    pub fn resources(&self) -> &Resources {
        &self.resources
    }

    /// How the answer reaches the client.
    pub fn response_mode(&self) -> ResponseMode {
        self.response_mode
    }

    /// The user's preferred languages (`ui_locales`), most preferred first.
    pub fn ui_locales(&self) -> impl Iterator<Item = &str> {
        self.ui_locales.as_deref().unwrap_or("").split(' ').filter(|l| !l.is_empty())
    }
}

/// A `resource` parameter (RFC 8707 §2): an absolute URI without a fragment, at
/// most 2048 characters; it becomes the access token's `aud`.
///
/// # Errors
/// [`OAuthError::InvalidTarget`] otherwise.
pub fn resource_indicator(raw: &str) -> Result<String, OAuthError> {
    match url::Url::parse(raw) {
        Ok(u) if u.fragment().is_none() && raw.len() <= MAX_PARAM_LEN => Ok(raw.to_owned()),
        _ => Err(OAuthError::InvalidTarget("resource must be an absolute URI without a fragment".into())),
    }
}

/// Most `resource` values one authorization request may name.
pub const MAX_RESOURCES: usize = 10;

/// The resources (RFC 8707) a grant was made for, in the order asked, without
/// repeats; empty when none was named. An access token is for one of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resources(Vec<String>);

impl Resources {
    /// The `resource` values of a request, each checked by [`resource_indicator`].
    ///
    /// # Errors
    /// [`OAuthError::InvalidTarget`] for a malformed one or more than [`MAX_RESOURCES`].
    pub fn parse(raw: &[String]) -> Result<Self, OAuthError> {
        if raw.len() > MAX_RESOURCES {
            return Err(OAuthError::InvalidTarget(format!("at most {MAX_RESOURCES} resources in one request")));
        }
        let mut list: Vec<String> = Vec::with_capacity(raw.len());
        for r in raw {
            let r = resource_indicator(r)?;
            if !list.contains(&r) {
                list.push(r);
            }
        }
        Ok(Self(list))
    }

    /// The list as a store keeps it: space-separated (a URI holds no space), `None`
    /// when empty.
    pub fn to_stored(&self) -> Option<String> {
        (!self.0.is_empty()).then(|| self.0.join(" "))
    }

    /// [`Resources::to_stored`] read back (the store's business: not checked again).
    pub fn from_stored(stored: Option<&str>) -> Self {
        Self(stored.map(|s| s.split(' ').filter(|r| !r.is_empty()).map(str::to_owned).collect()).unwrap_or_default())
    }

    /// The resources, in the order asked.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }

    /// Whether none was named.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The audience of an access token the token endpoint is asked for with
    /// `asked` (RFC 8707 §2.2): one of these (never wider than granted); without
    /// `asked`, the only one, or none when none was granted.
    ///
    /// # Errors
    /// `invalid_target` for a resource not granted, or none asked of several.
    pub fn select(&self, asked: Option<&str>) -> Result<Option<&str>, OAuthError> {
        match (asked, self.0.as_slice()) {
            (None, []) => Ok(None),
            (None, [only]) => Ok(Some(only)),
            (None, _) => Err(OAuthError::InvalidTarget(
                "several resources were granted: name the one this token is for with `resource`".into(),
            )),
            (Some(asked), granted) => granted
                .iter()
                .find(|g| g.as_str() == asked)
                .map(|g| Some(g.as_str()))
                .ok_or_else(|| OAuthError::InvalidTarget("this resource was not granted to this client".into())),
        }
    }
}

/// Longest `state`, `nonce` or `login_hint` accepted.
const MAX_PARAM_LEN: usize = 2048;

/// The redirect URI the request names, checked against the client's list by exact
/// string comparison (RFC 9700 §4.1.3). Without `redirect_uri`, a client with exactly
/// one registered URI uses it (RFC 6749 §3.1.2.3). `None`: nothing may be redirected to.
pub fn resolve_redirect_uri(client: &Client, requested: Option<&str>) -> Option<RedirectUri> {
    let registered = client.settings.redirect_uris();
    match requested {
        Some(uri) => registered.iter().find(|r| r.matches(uri)).cloned(),
        None if registered.len() == 1 => registered.first().cloned(),
        None => None,
    }
}

impl ValidatedRequest {
    /// Checks every parameter once the client and redirect URI are known to be
    /// good, so that every error here may be sent to the redirect URI.
    pub fn validate(client: &Client, redirect_uri: RedirectUri, p: &AuthorizeParams) -> Result<Self, OAuthError> {
        for (name, value) in
            [("state", &p.state), ("nonce", &p.nonce), ("login_hint", &p.login_hint), ("ui_locales", &p.ui_locales)]
        {
            if value.as_ref().is_some_and(|v| v.len() > MAX_PARAM_LEN) {
                return Err(OAuthError::InvalidRequest(format!("{name} is longer than {MAX_PARAM_LEN} characters")));
            }
        }
        match p.response_type.as_deref() {
            None => return Err(OAuthError::InvalidRequest("response_type is required".into())),
            Some("code") => {}
            Some(other) => {
                return Err(OAuthError::UnsupportedResponseType(format!(
                    "response_type `{other}` is not supported: use code"
                )));
            }
        }
        // OIDC Core §6.1, §6.2: a provider that does not support request objects says so.
        if p.request.is_some() {
            return Err(OAuthError::RequestNotSupported("request objects are not supported".into()));
        }
        if p.request_uri.is_some() {
            return Err(OAuthError::RequestUriNotSupported("request_uri is not supported".into()));
        }
        let response_mode = ResponseMode::parse(p.response_mode.as_deref())?;
        if !client.settings.grant_types().contains(&GrantType::AuthorizationCode) {
            return Err(OAuthError::UnauthorizedClient("this client may not use the authorization code flow".into()));
        }
        let asked = ScopeSet::parse_delimited(p.scope.as_deref().unwrap_or(""))
            .map_err(|e| OAuthError::InvalidScope(e.to_string()))?;
        let allowed = |s: &str| client.settings.scopes().contains(s);
        // OIDC Core §3.1.2.1: scope values not understood are ignored (`address`,
        // `phone`, anything this deployment does not give this client); a scope Qeet ID
        // knows and the client may not have is still refused.
        if let Some(known) =
            asked.iter().find(|s| !allowed(s.as_str()) && super::scopes::SUPPORTED.contains(&s.as_str()))
        {
            return Err(OAuthError::InvalidScope(format!("this client may not request `{}`", known.as_str())));
        }
        // OIDC Core §5.5: a claim asked for individually is released by asking for
        // the scope that releases it, when the client may have that scope.
        let claims = match &p.claims {
            Some(parameter) => parameter.claims().map_err(OAuthError::InvalidRequest)?,
            None => &[],
        };
        let implied = claims.iter().filter_map(|c| super::scope_releasing(&c.name));
        let scope = ScopeSet::from_tokens(
            asked
                .iter()
                .map(|s| s.as_str())
                .chain(implied.filter(|_| asked.contains(super::scopes::OPENID)))
                .filter(|s| allowed(s)),
        )
        .map_err(|e| OAuthError::InvalidScope(e.to_string()))?;
        let code_challenge = match (&p.code_challenge, client.settings.require_pkce()) {
            (Some(challenge), _) => {
                Some(CodeChallenge::parse(challenge, p.code_challenge_method.as_deref()).map_err(|e| match e {
                    InvalidPkce::Method => {
                        OAuthError::InvalidRequest("code_challenge_method must be S256 (plain is not allowed)".into())
                    }
                    other => OAuthError::InvalidRequest(other.to_string()),
                })?)
            }
            (None, true) => {
                return Err(OAuthError::InvalidRequest(
                    "code_challenge is required: this client must use PKCE with S256".into(),
                ));
            }
            (None, false) => None,
        };
        let prompt = Prompt::parse(p.prompt.as_deref())?;
        let max_age = match p.max_age.as_deref() {
            None => None,
            Some(raw) => Some(
                raw.parse::<i64>()
                    .ok()
                    .filter(|v| *v >= 0)
                    .ok_or_else(|| OAuthError::InvalidRequest("max_age must be a whole number of seconds".into()))?,
            ),
        };
        Ok(Self {
            client_id: client.id.clone(),
            tenant_id: client.tenant_id.clone(),
            redirect_uri,
            scope,
            state: p.state.clone(),
            nonce: p.nonce.clone(),
            code_challenge,
            prompt,
            max_age,
            login_hint: p.login_hint.clone(),
            resources: Resources::parse(&p.resources)?,
            response_mode,
            ui_locales: p.ui_locales.clone(),
        })
    }
}

/// A request waiting for the user to sign in and consent. It lives in the
/// database, so any instance can continue it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingRequest {
    /// `arq_…`
    pub id: RequestId,
    /// The validated request.
    pub request: ValidatedRequest,
    /// Hash of the browser cookie that started it: only that browser may continue it,
    /// and its forms must repeat the cookie (CSRF protection).
    pub browser_hash: SecretHash,
    /// Who signed in for it, once someone has.
    pub user_id: Option<UserId>,
    /// The session they signed in with.
    pub session_id: Option<SessionId>,
    /// When they authenticated.
    pub auth_time: Option<UnixTime>,
    /// Created.
    pub created_at: UnixTime,
    /// Expires (10 minutes by default).
    pub expires_at: UnixTime,
    /// For a device authorization: the device code the decision answers. Such a
    /// request ends on the hosted `/device` page, not at a redirect URI.
    pub device_code_hash: Option<SecretHash>,
    /// How the user proved who they are while a second factor is still owed (`pwd`,
    /// `fed`), so the session's `amr` names both.
    pub first_factor: Option<String>,
    /// The browser's address and user agent when the request started: the session
    /// it ends in keeps them (the network only), and the sign-in's event the address.
    pub seen_from: crate::seen_from::SeenFrom,
}

#[cfg(test)]
mod resource_tests {
    use super::{MAX_RESOURCES, Resources};

    #[test]
    fn resources_repeat_once_and_a_token_is_for_one_granted() {
        let asked = ["https://a.example/".to_owned(), "https://b.example/".to_owned(), "https://a.example/".to_owned()];
        let granted = Resources::parse(&asked).unwrap();
        assert_eq!(granted.to_stored().as_deref(), Some("https://a.example/ https://b.example/"));
        assert_eq!(Resources::from_stored(granted.to_stored().as_deref()), granted);
        assert_eq!(granted.select(Some("https://b.example/")).unwrap(), Some("https://b.example/"));
        assert!(granted.select(None).is_err(), "one of several must be named");
        assert!(granted.select(Some("https://c.example/")).is_err());
        let one = Resources::parse(&["https://a.example/".to_owned()]).unwrap();
        assert_eq!(one.select(None).unwrap(), Some("https://a.example/"));
        assert_eq!(Resources::default().select(None).unwrap(), None);
        assert!(Resources::default().select(Some("https://a.example/")).is_err(), "never wider than granted");
        assert!(Resources::parse(&["relative".to_owned()]).is_err());
        let many: Vec<String> = (0..=MAX_RESOURCES).map(|i| format!("https://{i}.example/")).collect();
        assert!(Resources::parse(&many).is_err());
    }
}
