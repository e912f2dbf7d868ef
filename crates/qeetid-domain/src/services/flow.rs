//! The browser side of the Authorization Code flow: the authorization request, the
//! hosted login, the consent decision, and the code that ends it (RFC 6749 §4.1,
//! OIDC Core §3.1.2).

use url::Url;

use super::Services;
use super::first_party::FirstPartyApp;
use crate::error::StoreError;
use crate::id::{ClientId, GrantId, RequestId, SessionId, UserId};
use crate::oauth::{
    AuthorizationCode, AuthorizeParams, ConsentGrant, OAuthError, PendingRequest, Session, ValidatedRequest,
};
use crate::oauth::{acr_of, resolve_redirect_uri};
use crate::ports::Store;
use crate::redirect_uri::RedirectUri;
use crate::secret::Secret;
use crate::time::UnixTime;
use crate::user::User;

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
    Redirect(String),
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
    /// The signed-in user, if any.
    pub user: Option<User>,
    /// What the user has to do next.
    pub next: NextStep,
    /// The tenant's upstream providers, offered as buttons on the login page.
    pub providers: Vec<(crate::id::ProviderId, String)>,
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

/// A completed sign-in: the new session's cookie value and where to go next.
#[derive(Debug)]
pub struct SignedIn {
    /// The session cookie's value, to set.
    pub session_cookie: Secret,
    /// A new browser-binding cookie (and so CSRF token), to set: renewed at every
    /// sign-in, so a value planted or read before the sign-in is worth nothing after.
    pub browser_cookie: Secret,
    /// Consent page, or straight back to the client when consent is remembered.
    pub next: Result<RequestId, String>,
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

/// `redirect_uri` with `params` added to its query, and `iss` (RFC 9207), so the
/// client can tell which provider answered.
fn authorization_response(redirect_uri: &str, issuer: &str, params: &[(&str, &str)]) -> Result<String, OAuthError> {
    let mut url = Url::parse(redirect_uri).map_err(|e| OAuthError::ServerError(Box::new(e)))?;
    {
        let mut query = url.query_pairs_mut();
        for (k, v) in params {
            query.append_pair(k, v);
        }
        query.append_pair("iss", issuer);
    }
    Ok(url.into())
}

/// The error response of RFC 6749 §4.1.2.1, at the client's redirect URI.
fn error_redirect(
    redirect_uri: &RedirectUri,
    state: Option<&str>,
    issuer: &str,
    err: &OAuthError,
) -> Result<String, OAuthError> {
    let mut params = vec![("error", err.as_str()), ("error_description", err.description())];
    if let Some(state) = state {
        params.push(("state", state));
    }
    authorization_response(redirect_uri.as_str(), issuer, &params)
}

impl<S: Store> Services<S> {
    /// A fresh browser-binding secret, for a browser that has none yet.
    pub fn new_browser_binding(&self) -> Secret {
        Secret::generate(BROWSER_PREFIX, self.random.as_ref())
    }

    /// A session that may serve `client`'s tenant now, honouring `max_age`.
    pub(crate) async fn usable_session(
        &self,
        cookie: Option<&Secret>,
        request: &ValidatedRequest,
        now: UnixTime,
    ) -> Result<Option<Session>, StoreError> {
        let Some(cookie) = cookie else { return Ok(None) };
        let Some(session) = self.store.find_session(&cookie.hash()).await? else { return Ok(None) };
        let fresh = request.max_age.is_none_or(|max| now.as_secs() - session.auth_time.as_secs() <= max);
        let usable = session.expires_at > now && session.tenant_id == request.tenant_id && fresh;
        Ok(usable.then_some(session))
    }

    /// Starts (or, with SSO and remembered consent, completes) an authorization request.
    ///
    /// `browser` is the browser-binding cookie (see [`Services::new_browser_binding`]);
    /// `session_cookie` the SSO session cookie, if the browser sent one.
    pub async fn start_authorization(
        &self,
        params: AuthorizeParams,
        browser: &Secret,
        session_cookie: Option<&Secret>,
    ) -> Result<AuthorizeOutcome, OAuthError> {
        let issuer = &self.settings.issuer;
        // Until the client and redirect URI are known to be good, nothing is redirected.
        let Some(client_id) = params.client_id.as_deref() else {
            return Ok(AuthorizeOutcome::ErrorPage(OAuthError::InvalidRequest("client_id is required".into())));
        };
        let client = match ClientId::parse(client_id) {
            Ok(id) => self.store.find_client(&id).await?,
            Err(_) => None,
        };
        let Some(client) = client else {
            return Ok(AuthorizeOutcome::ErrorPage(OAuthError::InvalidClient("unknown client_id".into())));
        };
        let Some(redirect_uri) = resolve_redirect_uri(&client, params.redirect_uri.as_deref()) else {
            let why = match params.redirect_uri {
                Some(_) => "redirect_uri does not match any URI registered for this client",
                None => "redirect_uri is required: this client has several registered",
            };
            return Ok(AuthorizeOutcome::ErrorPage(OAuthError::InvalidRequest(why.into())));
        };
        let request = match ValidatedRequest::validate(&client, redirect_uri.clone(), &params) {
            Ok(r) => r,
            Err(err) => {
                // Everything is known but a parameter is wrong: tell the client (§4.1.2.1).
                let url = error_redirect(&redirect_uri, params.state.as_deref(), issuer, &err)?;
                return Ok(AuthorizeOutcome::Redirect(url));
            }
        };

        let now = self.clock.now();
        // A session that lacks the second factor `acr_values=aal2` asks for is not
        // enough: the user signs in again, and is asked for a code if they have one.
        let wants_mfa = params.wants_mfa();
        let session = if request.prompt.login {
            None
        } else {
            self.usable_session(session_cookie, &request, now)
                .await?
                .filter(|s| !wants_mfa || acr_of(&s.amr) == crate::oauth::ACR_MFA)
        };
        let grant = match &session {
            Some(s) => self.store.find_grant(&request.tenant_id, &s.user_id, &request.client_id).await?,
            None => None,
        };
        let consent_remembered = match &session {
            Some(s) if self.implicit_consent(&request, &s.user_id, now).await? => true,
            _ => {
                !request.prompt.consent
                    && grant.as_ref().is_some_and(|g| g.remembered && g.scopes.includes_all(&request.scope))
            }
        };

        if request.prompt.none {
            // OIDC Core §3.1.2.6: no page may be shown.
            let err = match (&session, consent_remembered) {
                (None, _) => OAuthError::LoginRequired("no usable session".into()),
                (Some(_), false) => OAuthError::ConsentRequired("consent has not been given".into()),
                (Some(s), true) => return Ok(AuthorizeOutcome::Redirect(self.issue_code(&request, s, now).await?)),
            };
            let url = error_redirect(&request.redirect_uri, request.state.as_deref(), issuer, &err)?;
            return Ok(AuthorizeOutcome::Redirect(url));
        }
        if let (Some(s), true) = (&session, consent_remembered) {
            return Ok(AuthorizeOutcome::Redirect(self.issue_code(&request, s, now).await?));
        }
        Ok(self.park(request, browser, session.as_ref(), now, None).await?)
    }

    /// Stores a request that waits for the user, bound to `browser`, and says which
    /// page comes next: consent when `session` already signs the user in, else login.
    /// A device request also ends when its device code does.
    pub(crate) async fn park(
        &self,
        request: ValidatedRequest,
        browser: &Secret,
        session: Option<&Session>,
        now: UnixTime,
        device: Option<&crate::oauth::DeviceCode>,
    ) -> Result<AuthorizeOutcome, StoreError> {
        let expires_at = now.plus_secs(self.settings.lifetimes.request);
        let pending = PendingRequest {
            id: RequestId::generate(self.random.as_ref()),
            request,
            browser_hash: browser.hash(),
            user_id: session.map(|s| s.user_id.clone()),
            session_id: session.map(|s| s.id.clone()),
            auth_time: session.map(|s| s.auth_time),
            created_at: now,
            expires_at: device.map_or(expires_at, |d| expires_at.min(d.expires_at)),
            device_code_hash: device.map(|d| d.device_code_hash),
            first_factor: None,
        };
        self.store.insert_request(&pending).await?;
        Ok(match session {
            Some(_) => AuthorizeOutcome::Consent(pending.id),
            None => AuthorizeOutcome::Login(pending.id),
        })
    }

    /// The pending request `id`, if it is live and was started by this browser.
    pub(crate) async fn pending_request(
        &self,
        id: &str,
        browser: Option<&Secret>,
    ) -> Result<PendingRequest, FlowError> {
        let id = RequestId::parse(id).map_err(|_| FlowError::RequestNotFound)?;
        let browser = browser.ok_or(FlowError::RequestNotFound)?;
        let request = self.store.get_request(&id).await?.ok_or(FlowError::RequestNotFound)?;
        if request.expires_at <= self.clock.now() || !request.browser_hash.matches(browser) {
            return Err(FlowError::RequestNotFound);
        }
        Ok(request)
    }

    /// The session the request was signed in with, if this browser still holds it.
    async fn request_session(
        &self,
        request: &PendingRequest,
        session_cookie: Option<&Secret>,
    ) -> Result<Option<Session>, FlowError> {
        let (Some(expected), Some(cookie)) = (&request.session_id, session_cookie) else { return Ok(None) };
        let session = self.store.find_session(&cookie.hash()).await?;
        Ok(session.filter(|s| &s.id == expected && s.expires_at > self.clock.now()))
    }

    /// The hosted pages' view of a pending request (`GET /v1/oauth/login-context`).
    pub async fn login_context(
        &self,
        request_id: &str,
        browser: Option<&Secret>,
        session_cookie: Option<&Secret>,
    ) -> Result<LoginContext, FlowError> {
        let request = self.pending_request(request_id, browser).await?;
        let client = self
            .store
            .get_client(&request.request.tenant_id, &request.request.client_id)
            .await?
            .ok_or(FlowError::RequestNotFound)?;
        let session = self.request_session(&request, session_cookie).await?;
        let user = match &session {
            Some(s) => self.store.get_user(&s.tenant_id, &s.user_id).await?,
            None => None,
        };
        let next = match (&user, &request.user_id) {
            (Some(_), _) => NextStep::Consent,
            // The password was right; a second factor is owed.
            (None, Some(_)) if request.session_id.is_none() => NextStep::SecondFactor,
            _ => NextStep::Login,
        };
        let providers = match next {
            NextStep::Login => self.login_providers(&request.request.tenant_id).await?,
            _ => Vec::new(),
        };
        Ok(LoginContext { request, client_name: client.settings.name().to_owned(), user, next, providers })
    }

    /// After a first factor (`pwd`, `fed`): the second-factor page when the user has an
    /// authenticator app or the tenant requires one, else the completed sign-in.
    pub(crate) async fn after_first_factor(
        &self,
        mut request: PendingRequest,
        user: &User,
        first_factor: &str,
        now: UnixTime,
    ) -> Result<LoginOutcome, FlowError> {
        let tenant = &request.request.tenant_id;
        let has_totp = self.totp_confirmed(tenant, &user.id).await?;
        let required = !has_totp && self.store.get_tenant(tenant).await?.is_some_and(|t| t.require_mfa);
        if has_totp || required {
            request.user_id = Some(user.id.clone());
            request.session_id = None;
            request.auth_time = None;
            request.first_factor = Some(first_factor.to_owned());
            if !self.store.update_request(&request).await? {
                return Err(FlowError::RequestNotFound);
            }
            return Ok(if has_totp { LoginOutcome::SecondFactor(request.id) } else { LoginOutcome::Enrol(request.id) });
        }
        Ok(LoginOutcome::SignedIn(self.finish_login(request, user, &[first_factor], now).await?))
    }

    /// Starts the session of a user who proved who they are (`amr`, RFC 8176) for a
    /// pending request, and says where to go: consent, or straight back to the
    /// client when consent is remembered (or implicit).
    pub(crate) async fn finish_login(
        &self,
        mut request: PendingRequest,
        user: &User,
        amr: &[&str],
        now: UnixTime,
    ) -> Result<SignedIn, FlowError> {
        let tenant = request.request.tenant_id.clone();
        let cookie = Secret::generate(SESSION_PREFIX, self.random.as_ref());
        let session = Session {
            id: SessionId::generate(self.random.as_ref()),
            token_hash: cookie.hash(),
            tenant_id: tenant.clone(),
            user_id: user.id.clone(),
            auth_time: now,
            amr: amr.iter().map(|m| (*m).to_owned()).collect(),
            created_at: now,
            expires_at: now.plus_secs(self.settings.lifetimes.session),
        };
        self.store.insert_session(&session).await?;
        let browser = Secret::generate(BROWSER_PREFIX, self.random.as_ref());
        request.browser_hash = browser.hash();
        request.user_id = Some(user.id.clone());
        request.session_id = Some(session.id.clone());
        request.auth_time = Some(now);
        if !self.store.update_request(&request).await? {
            return Err(FlowError::RequestNotFound);
        }
        let grant = self.store.find_grant(&tenant, &user.id, &request.request.client_id).await?;
        // A device request always shows consent: the user must see which app they let in.
        let remembered = request.device_code_hash.is_none()
            && (self.implicit_consent(&request.request, &user.id, now).await?
                || !request.request.prompt.consent
                    && grant.is_some_and(|g| g.remembered && g.scopes.includes_all(&request.request.scope)));
        let next = if remembered {
            if !self.store.delete_request(&request.id).await? {
                return Err(FlowError::RequestNotFound);
            }
            Err(self.complete(&request, &session, now).await?)
        } else {
            Ok(request.id)
        };
        Ok(SignedIn { session_cookie: cookie, browser_cookie: browser, next })
    }

    /// The user who gave the right password for a pending request and still owes a
    /// second factor.
    async fn awaiting_second_factor(
        &self,
        request_id: &str,
        browser: Option<&Secret>,
    ) -> Result<(PendingRequest, User), FlowError> {
        let request = self.pending_request(request_id, browser).await?;
        let user = match (&request.user_id, &request.session_id) {
            (Some(user), None) => self.store.get_user(&request.request.tenant_id, user).await?,
            _ => None,
        };
        let user = user.filter(|u| u.disabled_at.is_none()).ok_or(FlowError::RequestNotFound)?;
        Ok((request, user))
    }

    /// What `/login/mfa` asks for: a code, or (the tenant requiring a second factor
    /// of a user without one) an authenticator app to set up.
    pub async fn second_factor_step(
        &self,
        request_id: &str,
        browser: Option<&Secret>,
    ) -> Result<(LoginContext, SecondFactorStep), FlowError> {
        let (request, user) = self.awaiting_second_factor(request_id, browser).await?;
        let step = if self.totp_confirmed(&user.tenant_id, &user.id).await? {
            SecondFactorStep::Code
        } else {
            SecondFactorStep::Enrol(self.begin_totp(&user).await?)
        };
        let client = self
            .store
            .get_client(&request.request.tenant_id, &request.request.client_id)
            .await?
            .ok_or(FlowError::RequestNotFound)?;
        let context = LoginContext {
            request,
            client_name: client.settings.name().to_owned(),
            user: Some(user),
            next: NextStep::SecondFactor,
            providers: Vec::new(),
        };
        Ok((context, step))
    }

    /// Completes a sign-in with the second factor: a code from the authenticator app
    /// or a recovery code, or, while enrolling, the app's first code (the answer
    /// then carries the recovery codes to show once).
    pub async fn second_factor_login(
        &self,
        request_id: &str,
        browser: Option<&Secret>,
        csrf: &str,
        code: &str,
    ) -> Result<SecondFactorOutcome, FlowError> {
        let (request, user) = self.awaiting_second_factor(request_id, browser).await?;
        verify_csrf(browser, csrf)?;
        let recovery_codes = if self.totp_confirmed(&user.tenant_id, &user.id).await? {
            self.check_second_factor(&user, code).await?;
            None
        } else {
            Some(self.confirm_totp(&user, code).await?)
        };
        let now = self.clock.now();
        let first = request.first_factor.clone().unwrap_or_else(|| "pwd".to_owned());
        let signed_in = self.finish_login(request, &user, &[first.as_str(), "otp", "mfa"], now).await?;
        Ok(SecondFactorOutcome { signed_in, recovery_codes })
    }

    /// Records the user's consent decision and returns where to send the browser:
    /// the client's redirect URI with a code, or with `error=access_denied`.
    pub async fn decide(
        &self,
        request_id: &str,
        browser: Option<&Secret>,
        session_cookie: Option<&Secret>,
        csrf: &str,
        allow: bool,
        remember: bool,
    ) -> Result<String, FlowError> {
        let request = self.pending_request(request_id, browser).await?;
        verify_csrf(browser, csrf)?;
        let session = self.request_session(&request, session_cookie).await?.ok_or(FlowError::LoginRequired)?;
        // Deleting first makes the decision single-use: of two racing submissions one wins.
        if !self.store.delete_request(&request.id).await? {
            return Err(FlowError::RequestNotFound);
        }
        let now = self.clock.now();
        if !allow {
            if let Some(hash) = &request.device_code_hash {
                return self.answer_device(hash, None, now).await;
            }
            let denied = OAuthError::AccessDenied("the user denied the request".into());
            let r = &request.request;
            return Ok(error_redirect(&r.redirect_uri, r.state.as_deref(), &self.settings.issuer, &denied)?);
        }
        self.record_grant(&request.request, &session.user_id, remember, now).await?;
        self.complete(&request, &session, now).await
    }

    /// Records (or widens) the user's grant to the request's client.
    async fn record_grant(
        &self,
        request: &ValidatedRequest,
        user: &UserId,
        remember: bool,
        now: UnixTime,
    ) -> Result<(), StoreError> {
        let previous = self.store.find_grant(&request.tenant_id, user, &request.client_id).await?;
        let mut scopes = previous.as_ref().map(|g| g.scopes.clone()).unwrap_or_default();
        scopes.extend(&request.scope);
        let grant = ConsentGrant {
            id: previous.as_ref().map_or_else(|| GrantId::generate(self.random.as_ref()), |g| g.id.clone()),
            tenant_id: request.tenant_id.clone(),
            user_id: user.clone(),
            client_id: request.client_id.clone(),
            scopes,
            remembered: remember,
            created_at: previous.as_ref().map_or(now, |g| g.created_at),
            updated_at: now,
        };
        self.store.upsert_grant(&grant).await?;
        Ok(())
    }

    /// The deployment's own apps (dashboard, account page) ask no consent: the user
    /// is dealing with the provider itself, whose pages already show them their data
    /// (OIDC Core §3.1.2.4 leaves how consent is obtained to the provider). Their
    /// grant is recorded, so the code carries one like any other. Answers whether
    /// consent was given this way.
    async fn implicit_consent(
        &self,
        request: &ValidatedRequest,
        user: &UserId,
        now: UnixTime,
    ) -> Result<bool, StoreError> {
        let Some(app) = FirstPartyApp::of(&request.client_id, &request.tenant_id) else {
            return Ok(false);
        };
        // Only for the app's own sign-in: its built-in redirect URI and scopes, the
        // code flow. Anything else (a redirect URI added to its client before such
        // edits were refused, wider scopes) asks for consent like any client.
        if !app.is_built_in_request(&self.settings.issuer, request.redirect_uri.as_str(), &request.scope) {
            return Ok(false);
        }
        self.record_grant(request, user, true, now).await?;
        Ok(true)
    }

    /// Ends an allowed request: a code for the client, or an approved device code.
    async fn complete(&self, request: &PendingRequest, session: &Session, now: UnixTime) -> Result<String, FlowError> {
        match &request.device_code_hash {
            Some(hash) => self.answer_device(hash, Some(session), now).await,
            None => Ok(self.issue_code(&request.request, session, now).await?),
        }
    }

    /// Records the user's answer on a device code (`None`: denied) and returns the
    /// hosted page that says so.
    async fn answer_device(
        &self,
        hash: &crate::secret::SecretHash,
        approver: Option<&Session>,
        now: UnixTime,
    ) -> Result<String, FlowError> {
        let mut code = self.store.find_device_code(hash).await?.ok_or(FlowError::RequestNotFound)?;
        if code.status != crate::oauth::DeviceStatus::Pending || code.expires_at <= now {
            return Err(FlowError::RequestNotFound);
        }
        match approver {
            None => code.status = crate::oauth::DeviceStatus::Denied,
            Some(session) => {
                let grant = self
                    .store
                    .find_grant(&code.tenant_id, &session.user_id, &code.client_id)
                    .await?
                    .ok_or(FlowError::LoginRequired)?;
                code.status = crate::oauth::DeviceStatus::Approved;
                code.user_id = Some(session.user_id.clone());
                code.session_id = Some(session.id.clone());
                code.auth_time = Some(session.auth_time);
                code.amr = session.amr.clone();
                code.grant_id = Some(grant.id);
            }
        }
        self.store.update_device_code(&code).await?;
        Ok(format!("/device?result={}", if approver.is_some() { "approved" } else { "denied" }))
    }

    /// Issues a code for `request` under the user's grant and returns the success
    /// redirect (RFC 6749 §4.1.2).
    async fn issue_code(
        &self,
        request: &ValidatedRequest,
        session: &Session,
        now: UnixTime,
    ) -> Result<String, OAuthError> {
        let grant = self
            .store
            .find_grant(&request.tenant_id, &session.user_id, &request.client_id)
            .await?
            .ok_or_else(|| OAuthError::AccessDenied("no consent was recorded".into()))?;
        let code = Secret::generate(CODE_PREFIX, self.random.as_ref());
        let record = AuthorizationCode {
            code_hash: code.hash(),
            tenant_id: request.tenant_id.clone(),
            client_id: request.client_id.clone(),
            user_id: session.user_id.clone(),
            session_id: session.id.clone(),
            grant_id: grant.id,
            redirect_uri: request.redirect_uri.clone(),
            scope: request.scope.clone(),
            nonce: request.nonce.clone(),
            code_challenge: request.code_challenge.clone(),
            auth_time: session.auth_time,
            amr: session.amr.clone(),
            created_at: now,
            expires_at: now.plus_secs(self.settings.lifetimes.code),
            issued_access_token: None,
        };
        self.store.insert_code(&record).await?;
        let mut params = vec![("code", code.expose())];
        if let Some(state) = &request.state {
            params.push(("state", state));
        }
        authorization_response(request.redirect_uri.as_str(), &self.settings.issuer, &params)
    }
}

/// The hosted forms carry the browser-binding cookie's value as their CSRF token:
/// a page on another site can neither read the cookie nor guess it. Compared in
/// constant time.
pub fn form_token_matches(browser: Option<&Secret>, presented: &str) -> bool {
    browser.is_some_and(|b| b.hash().matches(&Secret::presented(presented)))
}

pub(crate) fn verify_csrf(browser: Option<&Secret>, presented: &str) -> Result<(), FlowError> {
    if form_token_matches(browser, presented) { Ok(()) } else { Err(FlowError::CsrfMismatch) }
}
