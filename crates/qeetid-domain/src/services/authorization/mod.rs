//! The browser side of the Authorization Code flow: the authorization request, the
//! hosted login, the consent decision, and the code that ends it (RFC 6749 §4.1,
//! OIDC Core §3.1.2).

mod authorize;
mod client_documents;
mod consent;
mod device_verification;
mod login;
mod password_login;
mod pushed;
mod request_objects;

use crate::services::client_keys::ClientKeyReader;
use std::sync::Arc;

use url::Url;

pub use password_login::{DEVICE_TOKEN_DAYS, PasswordAttempt, PasswordLogin};
pub use pushed::PushedRequestUri;

use super::Context;
use super::totp::TotpCodes;
use crate::ports::{AuthorizationStore, ClientDocuments, PasswordHasher, SecretSealer, TokenSigner};

use crate::error::StoreError;
use crate::id::RequestId;
use crate::oauth::{OAuthError, PendingRequest, ResponseMode};
use crate::redirect_uri::RedirectUri;
use crate::secret::Secret;
use crate::user::User;

/// The browser side of the flows: the authorization request, the password sign-in
/// and second factor, consent, and device verification. [`Passkeys`](super::Passkeys)
/// and [`Federation`](super::Federation) finish their sign-ins through it.
#[derive(Clone)]
pub struct Authorization<S> {
    store: S,
    cx: Context,
    passwords: Arc<dyn PasswordHasher>,
    signer: Arc<dyn TokenSigner>,
    totp: TotpCodes<S>,
    sealer: Arc<dyn SecretSealer>,
    documents: Option<Arc<dyn ClientDocuments>>,
    request_objects: Option<ClientKeyReader>,
}

/// The ports the browser flows need besides the store.
#[derive(Clone)]
pub struct AuthorizationPorts {
    /// Checks passwords (Argon2id in Qeet ID).
    pub passwords: Arc<dyn PasswordHasher>,
    /// Signs the remembered-browser tokens of password sign-in.
    pub signer: Arc<dyn TokenSigner>,
    /// Opens the sealed TOTP secrets of second factors.
    pub sealer: Arc<dyn SecretSealer>,
}

impl<S: AuthorizationStore> Authorization<S> {
    /// The browser flows over `store` and `ports`.
    pub fn new(store: S, cx: Context, ports: AuthorizationPorts) -> Self {
        let AuthorizationPorts { passwords, signer, sealer } = ports;
        let totp = TotpCodes::new(store.clone(), cx.clone(), Arc::clone(&sealer));
        Self { store, cx, passwords, signer, totp, sealer, documents: None, request_objects: None }
    }

    /// The same flows, accepting request objects (RFC 9101) read through `port`
    /// (without it, `request` and `request_uri` are refused as not supported).
    #[must_use]
    pub fn with_request_objects(self, port: Arc<dyn crate::ports::ClientJose>) -> Self {
        self.with_key_reader(ClientKeyReader::new(port))
    }

    /// [`Self::with_request_objects`] with a reader (and JWK Set cache) shared with
    /// the token endpoint.
    #[must_use]
    pub(crate) fn with_key_reader(mut self, reader: ClientKeyReader) -> Self {
        self.request_objects = Some(reader);
        self
    }

    /// The same flows, fetching client ID metadata documents through `documents`
    /// when the deployment has an open-registration tenant (off without it).
    #[must_use]
    pub fn with_client_documents(mut self, documents: Arc<dyn ClientDocuments>) -> Self {
        self.documents = Some(documents);
        self
    }

    /// Whether a `client_id` may be the URL of a client ID metadata document: with
    /// a fetcher and an open-registration tenant to keep such clients in.
    ///
    /// # Errors
    /// When the store fails.
    pub async fn accepts_client_documents(&self) -> Result<bool, StoreError> {
        Ok(self.documents.is_some()
            && super::open_registration::open_registration_tenant(&self.store, &self.cx).await?.is_some())
    }

    /// The shared context.
    pub fn context(&self) -> &Context {
        &self.cx
    }
}

/// Prefix of the browser-binding cookie's value (also the hosted forms' CSRF token).
pub(crate) const BROWSER_PREFIX: &str = "qbr_";
/// Prefix of session cookies.
pub(crate) const SESSION_PREFIX: &str = "qst_";
/// Prefix of authorization codes.
pub(crate) const CODE_PREFIX: &str = "qac_";

/// Where `GET /v1/oauth/authorize` sends the browser.
#[derive(Debug)]
pub enum AuthorizeOutcome {
    /// The client or redirect URI is not valid: show an error page and never redirect
    /// (RFC 6749 §4.1.2.1).
    ErrorPage(OAuthError),
    /// Back to the client, with a code or an error.
    Redirect(ClientRedirect),
    /// To the hosted login.
    Login(RequestId),
    /// To the consent page (the user is signed in).
    Consent(RequestId),
}

/// What a hosted page needs to know about a pending request.
#[derive(Debug)]
pub struct LoginContext {
    /// The request.
    pub request: PendingRequest,
    /// The client's display name.
    pub client_name: String,
    /// When the client registered itself (RFC 7591), the host it names as its site
    /// (`client_uri`, else its first redirect URI's): shown beside the self-chosen
    /// name, so a name alone fools nobody.
    pub self_registered: Option<String>,
    /// The signed-in user, if any.
    pub user: Option<User>,
    /// What the user has to do next.
    pub next: NextStep,
    /// The tenant's upstream providers, offered as buttons on the login page.
    pub providers: Vec<(crate::id::ProviderId, String)>,
    /// Whether the tenant lets people create accounts (the login page offers it).
    pub self_sign_up: bool,
    /// The request's tenant (its name and branding dress the pages).
    pub tenant: Option<crate::tenant::Tenant>,
}

/// The next page of the flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextStep {
    /// Sign in.
    Login,
    /// Allow or deny the requested scopes.
    Consent,
    /// Give a second factor (hosted page `/login/mfa`).
    SecondFactor,
}

impl NextStep {
    /// The wire name (`login`, `consent`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Login => "login",
            Self::Consent => "consent",
            Self::SecondFactor => "mfa",
        }
    }
}

/// What a right password leads to.
#[derive(Debug)]
pub enum LoginOutcome {
    /// Signed in.
    SignedIn(SignedIn),
    /// The user has an authenticator app: ask for a code (`/login/mfa`).
    SecondFactor(RequestId),
    /// The tenant requires a second factor and the user has none: set one up now
    /// (`/login/mfa`).
    Enrol(RequestId),
}

/// Where the browser goes when a request has ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Landing {
    /// Back to the client: its redirect URI with a code or an error.
    Client(ClientRedirect),
    /// A device request was answered: the browser stays with the provider, which
    /// tells the user whether the device was let in (`approved`) or not.
    Device {
        /// Whether the user allowed the device.
        approved: bool,
    },
}

/// A completed sign-in: the new session's cookie value and where to go next.
#[derive(Debug)]
pub struct SignedIn {
    /// The session cookie's value, to set.
    pub session_cookie: Secret,
    /// A new browser-binding cookie (and so CSRF token), to set: renewed at every
    /// sign-in, so a value planted or read before the sign-in is worth nothing after.
    pub browser_cookie: Secret,
    /// Consent page, or straight back to the client when consent is remembered.
    pub next: Result<RequestId, Landing>,
}

/// What the second-factor page asks for.
#[derive(Debug)]
pub enum SecondFactorStep {
    /// A code from the authenticator app, or a recovery code.
    Code,
    /// Setting an authenticator app up (the tenant requires one), confirmed by a code.
    Enrol(super::TotpEnrolment),
}

/// A completed second-factor step: the sign-in, and the recovery codes to show once
/// when the step was an enrolment.
#[derive(Debug)]
pub struct SecondFactorOutcome {
    /// The sign-in.
    pub signed_in: SignedIn,
    /// Fresh recovery codes (after an enrolment only).
    pub recovery_codes: Option<Vec<String>>,
}

/// Why a hosted-page step failed.
#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    /// The request is unknown, expired, already finished, or belongs to another browser.
    #[error("this sign-in request has expired or is not valid in this browser; start again from the application")]
    RequestNotFound,
    /// The form's CSRF token does not match this browser.
    #[error("the form could not be verified; reload the page and try again")]
    CsrfMismatch,
    /// Wrong e-mail or password (one message for both, so e-mails cannot be probed).
    #[error("wrong e-mail or password")]
    InvalidCredentials,
    /// The password was right, but an admin disabled the account.
    #[error("this account is disabled; ask an administrator of this service")]
    AccountDisabled,
    /// The upstream provider failed, or what it answered did not check out.
    #[error("sign-in with {0}")]
    UpstreamFailed(String),
    /// A first sign-in at a provider whose e-mail belongs to a user here, and the
    /// provider may not link (or did not verify the e-mail).
    #[error("an account with this e-mail already exists here; sign in with it instead")]
    FederatedEmailTaken,
    /// The passkey did not verify, is unknown here, or the ceremony expired.
    #[error("that passkey could not be used here; try again, or sign in with your password")]
    PasskeyRejected,
    /// A wrong, expired or replayed second-factor code.
    #[error("that code is not right, or was already used; wait for the next one")]
    InvalidCode,
    /// Too many failed attempts for this e-mail.
    #[error("too many failed attempts; try again in {retry_after} seconds")]
    Throttled {
        /// Seconds to wait.
        retry_after: i64,
    },
    /// The step needs a signed-in user.
    #[error("sign in first")]
    LoginRequired,
    /// The device's user code is wrong, expired or already answered.
    #[error("that code is not valid; check the code on your device and try again")]
    InvalidUserCode,
    /// The tenant requires a verified e-mail address and this user's is not: a
    /// verification link was sent to it.
    #[error("confirm your e-mail address first: we sent a link to {email}; open it, then sign in again")]
    EmailNotVerified {
        /// The address the link went to.
        email: String,
    },
    /// The tenant does not let people create accounts themselves.
    #[error("this service does not take new accounts here; ask its administrator for one")]
    SignUpClosed,
    /// A field of a form is not valid (sign-up, a new password).
    #[error("{0}")]
    InvalidInput(#[from] crate::error::ValidationError),
    /// A link sent by e-mail is unknown, expired or already used.
    #[error("this link has expired or was already used; ask for a new one")]
    LinkInvalid,
    /// Infrastructure failed.
    #[error("internal error: {0}")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl From<StoreError> for FlowError {
    fn from(err: StoreError) -> Self {
        Self::Internal(Box::new(err))
    }
}

impl From<OAuthError> for FlowError {
    fn from(err: OAuthError) -> Self {
        Self::Internal(Box::new(err))
    }
}

/// An authorization response on its way to the client: its redirect URI, the
/// parameters (with `iss`, RFC 9207, so the client can tell which provider
/// answered), and how they travel. Dereferences to the query-mode location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientRedirect {
    redirect_uri: String,
    params: Vec<(String, String)>,
    mode: ResponseMode,
    location: String,
}

impl ClientRedirect {
    /// The redirect URI as registered (a form post's `action`).
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }
    /// The response's parameters, in order (a form post's fields).
    pub fn params(&self) -> &[(String, String)] {
        &self.params
    }
    /// How they reach the client.
    pub fn mode(&self) -> ResponseMode {
        self.mode
    }
    /// The redirect URI with the parameters added to its query (query mode).
    pub fn location(&self) -> &str {
        &self.location
    }
}

impl std::fmt::Display for ClientRedirect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.location)
    }
}

impl std::ops::Deref for ClientRedirect {
    type Target = str;
    fn deref(&self) -> &str {
        &self.location
    }
}

/// The response `params` (and `iss`) for `redirect_uri`, travelling by `mode`.
fn authorization_response(
    redirect_uri: &str,
    issuer: &str,
    params: &[(&str, &str)],
    mode: ResponseMode,
) -> Result<ClientRedirect, OAuthError> {
    let mut url = Url::parse(redirect_uri).map_err(|e| OAuthError::ServerError(Box::new(e)))?;
    let params: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .chain(std::iter::once(("iss".to_owned(), issuer.to_owned())))
        .collect();
    {
        let mut query = url.query_pairs_mut();
        for (k, v) in &params {
            query.append_pair(k, v);
        }
    }
    Ok(ClientRedirect { redirect_uri: redirect_uri.to_owned(), params, mode, location: url.into() })
}

/// The error response of RFC 6749 §4.1.2.1, at the client's redirect URI.
fn error_redirect(
    redirect_uri: &RedirectUri,
    state: Option<&str>,
    issuer: &str,
    err: &OAuthError,
    mode: ResponseMode,
) -> Result<ClientRedirect, OAuthError> {
    let mut params = vec![("error", err.as_str()), ("error_description", err.description())];
    if let Some(state) = state {
        params.push(("state", state));
    }
    authorization_response(redirect_uri.as_str(), issuer, &params, mode)
}

/// A request's continuation must present the browser-binding cookie's value (a
/// form's hidden field, for example): a page on another site can neither read the
/// cookie nor guess it. Compared in constant time.
fn proves_browser(browser: Option<&Secret>, presented: &str) -> bool {
    browser.is_some_and(|b| b.hash().matches(&Secret::presented(presented)))
}

pub(crate) fn verify_browser_binding(browser: Option<&Secret>, presented: &str) -> Result<(), FlowError> {
    if proves_browser(browser, presented) { Ok(()) } else { Err(FlowError::CsrfMismatch) }
}

/// The host a self-registered `client` names as its site, if it registered itself.
pub(crate) fn self_registered_host(client: &crate::client::Client) -> Option<String> {
    let registration = client.registration.as_ref()?;
    // A client known by its metadata document is vouched for by the document's host
    // alone: whatever the document says about itself is self-chosen.
    if client.id.is_metadata_document() {
        return Url::parse(client.id.as_str()).ok().and_then(|u| u.host_str().map(str::to_owned));
    }
    let site = registration
        .metadata
        .client_uri
        .clone()
        .or_else(|| client.settings.redirect_uris().first().map(|u| u.as_str().to_owned()))?;
    Url::parse(&site).ok().and_then(|u| u.host_str().map(str::to_owned)).or(Some(site))
}
