//! The authorization request (RFC 6749 §4.1.1, OIDC Core §3.1.2.1): checks, the
//! pending request bound to the browser, and what the hosted pages need to know.

use std::net::IpAddr;

use super::Authorization;
use super::client_documents::Resolved;
use super::{AuthorizeOutcome, BROWSER_PREFIX, FlowError, LoginContext, NextStep, error_redirect};
use crate::error::StoreError;
use crate::id::RequestId;
use crate::oauth::{AuthorizeParams, OAuthError, PendingRequest, ResponseMode, Session, ValidatedRequest};
use crate::oauth::{acr_of, resolve_redirect_uri};
use crate::ports::AuthorizationStore;
use crate::secret::Secret;
use crate::seen_from::SeenFrom;
use crate::time::UnixTime;

impl<S: AuthorizationStore> Authorization<S> {
    /// A fresh browser-binding secret, for a browser that has none yet.
    pub fn new_browser_binding(&self) -> Secret {
        Secret::generate(BROWSER_PREFIX, self.cx.random.as_ref())
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
        // `max_age=0` asks for a sign-in now, whatever the session's age (OIDC Core §3.1.2.1).
        let fresh = request.max_age.is_none_or(|max| max > 0 && now.as_secs() - session.auth_time.as_secs() <= max);
        let usable = session.expires_at > now && session.tenant_id == request.tenant_id && fresh;
        Ok(usable.then_some(session))
    }

    /// Starts (or, with SSO and remembered consent, completes) an authorization request.
    ///
    /// `browser` is the browser-binding cookie (see [`Authorization::new_browser_binding`]);
    /// `session_cookie` the SSO session cookie, if the browser sent one.
    pub async fn start_authorization(
        &self,
        params: AuthorizeParams,
        browser: &Secret,
        session_cookie: Option<&Secret>,
    ) -> Result<AuthorizeOutcome, OAuthError> {
        self.start_authorization_from(params, browser, session_cookie, None::<IpAddr>).await
    }

    /// [`Authorization::start_authorization`] from the browser `seen` (its address,
    /// which a client first known by its metadata document counts against as an
    /// open registration would, and its user agent, which the session keeps).
    pub async fn start_authorization_from(
        &self,
        params: AuthorizeParams,
        browser: &Secret,
        session_cookie: Option<&Secret>,
        seen: impl Into<SeenFrom> + Send,
    ) -> Result<AuthorizeOutcome, OAuthError> {
        let seen: SeenFrom = seen.into();
        let source = seen.address;
        let issuer = &self.cx.settings.issuer;
        // Until the client and redirect URI are known to be good, nothing is redirected.
        let Some(client_id) = params.client_id.as_deref() else {
            return Ok(AuthorizeOutcome::ErrorPage(OAuthError::InvalidRequest("client_id is required".into())));
        };
        let client = match self.resolve_client(client_id, source).await? {
            Resolved::Client(client) => *client,
            Resolved::Refused(why) => return Ok(AuthorizeOutcome::ErrorPage(why)),
        };
        // RFC 9126 §5: a client (or tenant, or deployment) that requires PAR is
        // refused anything else, at its redirect URI when that is registered.
        if !params.pushed && client.requires_par(self.cx.settings.require_pushed_authorization_requests) {
            let why = OAuthError::InvalidRequest(
                "push the authorization request first (POST /v1/oauth/par, RFC 9126) and send its request_uri".into(),
            );
            return Ok(match resolve_redirect_uri(&client, params.redirect_uri.as_deref()) {
                Some(uri) => AuthorizeOutcome::Redirect(error_redirect(
                    &uri,
                    params.state.as_deref(),
                    issuer,
                    &why,
                    ResponseMode::requested(params.response_mode.as_deref()),
                )?),
                None => AuthorizeOutcome::ErrorPage(why),
            });
        }
        // A request object's parameters win (RFC 9101 §6.3). One that cannot be read
        // is answered at the redirect URI beside it when that is registered (with
        // the state beside it), else on the error page.
        let params = if params.request.is_some() || params.request_uri.is_some() {
            let outer_redirect = resolve_redirect_uri(&client, params.redirect_uri.as_deref());
            let (outer_state, outer_mode) =
                (params.state.clone(), ResponseMode::requested(params.response_mode.as_deref()));
            match self.open_request_object(&client, params).await {
                Ok(params) => params,
                Err(OAuthError::ServerError(e)) => return Err(OAuthError::ServerError(e)),
                Err(why) => {
                    return Ok(match outer_redirect {
                        Some(uri) => AuthorizeOutcome::Redirect(error_redirect(
                            &uri,
                            outer_state.as_deref(),
                            issuer,
                            &why,
                            outer_mode,
                        )?),
                        None => AuthorizeOutcome::ErrorPage(why),
                    });
                }
            }
        } else {
            params
        };
        let Some(redirect_uri) = resolve_redirect_uri(&client, params.redirect_uri.as_deref()) else {
            let why = match params.redirect_uri {
                Some(_) => "redirect_uri does not match any URI registered for this client",
                None => "redirect_uri is required: this client has several registered",
            };
            return Ok(AuthorizeOutcome::ErrorPage(OAuthError::InvalidRequest(why.into())));
        };
        // Errors travel as the client asked, when it asked for a mode Qeet ID offers.
        let asked_mode = ResponseMode::requested(params.response_mode.as_deref());
        let request = match ValidatedRequest::validate(&client, redirect_uri.clone(), &params)
            .and_then(|r| Self::check_fapi2(&client, &params).map(|()| r))
        {
            Ok(r) => r,
            Err(err) => {
                // Everything is known but a parameter is wrong: tell the client (§4.1.2.1).
                let url = error_redirect(&redirect_uri, params.state.as_deref(), issuer, &err, asked_mode)?;
                return Ok(AuthorizeOutcome::Redirect(url));
            }
        };
        // A resource must be one the tenant knows (one read, only when one is named).
        if !request.resources().is_empty() {
            let tenant = self.store.get_tenant(&client.tenant_id).await?;
            let checked = tenant.map(|t| {
                request.resources().iter().try_for_each(|resource| {
                    t.check_resource(resource, request.scope.iter().map(|s| s.as_str())).map(drop)
                })
            });
            if let Some(Err(err)) = checked {
                let url = error_redirect(&redirect_uri, params.state.as_deref(), issuer, &err, asked_mode)?;
                return Ok(AuthorizeOutcome::Redirect(url));
            }
        }

        // OIDC Core §3.1.2.1: the hint names whose session may answer. A hint this
        // provider did not issue to this client is refused back at the client.
        let hinted_user = match params.id_token_hint.as_deref() {
            None => None,
            Some(hint) => {
                let token = self
                    .signer
                    .verify(hint)
                    .filter(|t| t.is_id_token_of(issuer) && t.aud.iter().any(|a| a == client.id.as_str()));
                match token.and_then(|t| t.sub) {
                    Some(sub) => Some(sub),
                    None => {
                        let err = OAuthError::InvalidRequest(
                            "id_token_hint is not an ID token this provider issued to this client".into(),
                        );
                        let url = error_redirect(&redirect_uri, params.state.as_deref(), issuer, &err, asked_mode)?;
                        return Ok(AuthorizeOutcome::Redirect(url));
                    }
                }
            }
        };

        let now = self.cx.clock.now();
        // A session that lacks the second factor `acr_values=aal2` asks for is not
        // enough: the user signs in again, and is asked for a code if they have one.
        let wants_mfa = params.wants_mfa();
        let session = if request.prompt.login {
            None
        } else {
            self.usable_session(session_cookie, &request, now)
                .await?
                .filter(|s| !wants_mfa || acr_of(&s.amr) == crate::oauth::ACR_MFA)
                .filter(|s| hinted_user.as_deref().is_none_or(|u| u == self.cx.subject_of(&client, &s.user_id)))
        };
        let grant = match &session {
            Some(s) => self.store.find_grant(&request.tenant_id, &s.user_id, &request.client_id).await?,
            None => None,
        };
        // The grant read above serves the code; one recorded just now is read again.
        let (consent_remembered, grant) = match &session {
            Some(s) if self.implicit_consent(&request, &s.user_id, now).await? => (true, None),
            _ => {
                let remembered = !request.prompt.consent
                    && grant.as_ref().is_some_and(|g| g.remembered && g.scopes.includes_all(&request.scope));
                (remembered, grant)
            }
        };

        if request.prompt.none {
            // OIDC Core §3.1.2.6: no page may be shown.
            let err = match (&session, consent_remembered) {
                (None, _) => OAuthError::LoginRequired("no usable session".into()),
                (Some(_), false) => OAuthError::ConsentRequired("consent has not been given".into()),
                (Some(s), true) => {
                    return Ok(AuthorizeOutcome::Redirect(self.issue_code(&request, s, grant, now).await?));
                }
            };
            let url =
                error_redirect(&request.redirect_uri, request.state.as_deref(), issuer, &err, request.response_mode)?;
            return Ok(AuthorizeOutcome::Redirect(url));
        }
        if let (Some(s), true) = (&session, consent_remembered) {
            return Ok(AuthorizeOutcome::Redirect(self.issue_code(&request, s, grant, now).await?));
        }
        Ok(self.park(request, browser, session.as_ref(), now, None, seen).await?)
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
        seen_from: SeenFrom,
    ) -> Result<AuthorizeOutcome, StoreError> {
        let expires_at = now.plus_secs(self.cx.settings.lifetimes.request);
        let pending = PendingRequest {
            id: RequestId::generate(self.cx.random.as_ref()),
            request,
            browser_hash: browser.hash(),
            user_id: session.map(|s| s.user_id.clone()),
            session_id: session.map(|s| s.id.clone()),
            auth_time: session.map(|s| s.auth_time),
            created_at: now,
            expires_at: device.map_or(expires_at, |d| expires_at.min(d.expires_at)),
            device_code_hash: device.map(|d| d.device_code_hash),
            first_factor: None,
            seen_from,
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
        if request.expires_at <= self.cx.clock.now() || !request.browser_hash.matches(browser) {
            return Err(FlowError::RequestNotFound);
        }
        Ok(request)
    }

    /// The session the request was signed in with, if this browser still holds it.
    pub(super) async fn request_session(
        &self,
        request: &PendingRequest,
        session_cookie: Option<&Secret>,
    ) -> Result<Option<Session>, FlowError> {
        let (Some(expected), Some(cookie)) = (&request.session_id, session_cookie) else { return Ok(None) };
        let session = self.store.find_session(&cookie.hash()).await?;
        Ok(session.filter(|s| &s.id == expected && s.expires_at > self.cx.clock.now()))
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
        let tenant = self.store.get_tenant(&request.request.tenant_id).await?;
        let (providers, self_sign_up) = match next {
            NextStep::Login => (
                self.login_providers(&request.request.tenant_id).await?,
                tenant.as_ref().is_some_and(|t| t.self_sign_up),
            ),
            _ => (Vec::new(), false),
        };
        Ok(LoginContext {
            request,
            client_name: client.settings.name().to_owned(),
            self_registered: super::self_registered_host(&client),
            user,
            next,
            providers,
            self_sign_up,
            tenant,
        })
    }

    /// The providers a login page offers (id and label).
    pub(crate) async fn login_providers(
        &self,
        tenant: &crate::id::TenantId,
    ) -> Result<Vec<(crate::id::ProviderId, String)>, StoreError> {
        let providers = self.store.list_providers(tenant).await?;
        Ok(providers.into_iter().map(|p| (p.id, p.name.as_str().to_owned())).collect())
    }
}
