//! The consent decision and what ends an allowed request: the code (RFC 6749
//! §4.1.2) or an approved device code.

use super::Authorization;
use super::{
    CODE_PREFIX, ClientRedirect, FlowError, Landing, authorization_response, error_redirect, verify_browser_binding,
};
use crate::audit::{Actor, EventKind, NewEvent};
use crate::client_policy::FAPI2_MAX_CODE_SECONDS;
use crate::error::StoreError;
use crate::id::{GrantId, UserId};
use crate::oauth::{AuthorizationCode, ConsentGrant, OAuthError, PendingRequest, Session, ValidatedRequest};
use crate::ports::AuthorizationStore;
use crate::secret::Secret;
use crate::services::audit;
use crate::time::UnixTime;

impl<S: AuthorizationStore> Authorization<S> {
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
    ) -> Result<Landing, FlowError> {
        let request = self.pending_request(request_id, browser).await?;
        verify_browser_binding(browser, csrf)?;
        let session = self.request_session(&request, session_cookie).await?.ok_or(FlowError::LoginRequired)?;
        // Deleting first makes the decision single-use: of two racing submissions one wins.
        if !self.store.delete_request(&request.id).await? {
            return Err(FlowError::RequestNotFound);
        }
        let now = self.cx.clock.now();
        if !allow {
            if let Some(hash) = &request.device_code_hash {
                return self.answer_device(hash, None, now).await;
            }
            let denied = OAuthError::AccessDenied("the user denied the request".into());
            let r = &request.request;
            return Ok(Landing::Client(error_redirect(
                &r.redirect_uri,
                r.state.as_deref(),
                &self.cx.settings.issuer,
                &denied,
                r.response_mode,
            )?));
        }
        self.record_grant(&request.request, &session.user_id, remember, now).await?;
        let r = &request.request;
        let event = NewEvent::new(r.tenant_id.clone(), EventKind::ConsentGranted, Actor::User(session.user_id.clone()))
            .user(&session.user_id)
            .client(r.client_id.as_str())
            .detail("scope", r.scope.to_delimited())
            .detail("remembered", remember.to_string());
        audit::record(&self.store, &self.cx, event).await;
        self.complete(&request, &session, now).await
    }

    /// Records (or widens) the user's grant to the request's client.
    pub(super) async fn record_grant(
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
            id: previous.as_ref().map_or_else(|| GrantId::generate(self.cx.random.as_ref()), |g| g.id.clone()),
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

    /// The deployment's built-in clients ask no consent for their own sign-in (see
    /// [`BuiltInClients`](crate::services::BuiltInClients)): the user is dealing with
    /// the provider itself. Their grant is recorded, so the code carries one like any
    /// other. Answers whether consent was given this way.
    pub(super) async fn implicit_consent(
        &self,
        request: &ValidatedRequest,
        user: &UserId,
        now: UnixTime,
    ) -> Result<bool, StoreError> {
        // Only for the client's own sign-in: its built-in redirect URI and scopes.
        // Anything else (a redirect URI added to its client before such edits were
        // refused, wider scopes) asks for consent like any client.
        if !self.cx.built_in.consents_implicitly(request) {
            return Ok(false);
        }
        self.record_grant(request, user, true, now).await?;
        Ok(true)
    }

    /// Ends an allowed request: a code for the client, or an approved device code.
    pub(super) async fn complete(
        &self,
        request: &PendingRequest,
        session: &Session,
        now: UnixTime,
    ) -> Result<Landing, FlowError> {
        match &request.device_code_hash {
            Some(hash) => self.answer_device(hash, Some(session), now).await,
            None => Ok(Landing::Client(self.issue_code(&request.request, session, None, now).await?)),
        }
    }

    /// Records the user's answer on a device code (`None`: denied).
    pub(super) async fn answer_device(
        &self,
        hash: &crate::secret::SecretHash,
        approver: Option<&Session>,
        now: UnixTime,
    ) -> Result<Landing, FlowError> {
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
        Ok(Landing::Device { approved: approver.is_some() })
    }

    /// Issues a code for `request` under the user's grant (`known`, when the caller
    /// has just read it; read here otherwise) and returns the success redirect
    /// (RFC 6749 §4.1.2).
    pub(super) async fn issue_code(
        &self,
        request: &ValidatedRequest,
        session: &Session,
        known: Option<ConsentGrant>,
        now: UnixTime,
    ) -> Result<ClientRedirect, OAuthError> {
        let grant = match known {
            Some(grant) => grant,
            None => self
                .store
                .find_grant(&request.tenant_id, &session.user_id, &request.client_id)
                .await?
                .ok_or_else(|| OAuthError::AccessDenied("no consent was recorded".into()))?,
        };
        let code = Secret::generate(CODE_PREFIX, self.cx.random.as_ref());
        let mut lifetime = self.cx.settings.lifetimes.code;
        if lifetime > FAPI2_MAX_CODE_SECONDS
            && self.store.get_client(&request.tenant_id, &request.client_id).await?.is_some_and(|c| c.fapi2())
        {
            lifetime = FAPI2_MAX_CODE_SECONDS;
        }
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
            expires_at: now.plus_secs(lifetime),
            issued_access_token: None,
            resources: request.resources.clone(),
        };
        self.store.insert_code(&record).await?;
        let mut params = vec![("code", code.expose())];
        if let Some(state) = &request.state {
            params.push(("state", state));
        }
        authorization_response(request.redirect_uri.as_str(), &self.cx.settings.issuer, &params, request.response_mode)
    }
}
