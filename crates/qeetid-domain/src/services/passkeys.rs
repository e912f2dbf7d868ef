//! Passkeys: registering them from the account page, naming and removing them, and
//! signing in with one (discoverable: no e-mail typed, no password). A ceremony's
//! server-side state is kept between its two requests, bound to the user (for a
//! registration) or to the pending request (for a sign-in), and taken once.

use crate::audit::{Actor, EventKind, NewEvent};
use crate::services::audit;
use std::sync::Arc;

use super::Context;
use super::authorization::{Authorization, FlowError, SignedIn};
use super::self_service::{AccountError, AccountHolder};
use crate::id::{CeremonyId, PasskeyId, TenantId};
use crate::oauth::PendingRequest;
use crate::passkey::{
    CEREMONY_SECONDS, CeremonyPurpose, PasskeyError, PasskeyUser, StoredCeremony, StoredPasskey, passkey_name,
    user_handle,
};
use crate::ports::{PasskeyCeremonies, PasskeyStore};
use crate::secret::Secret;
use crate::user::User;

impl From<PasskeyError> for AccountError {
    fn from(err: PasskeyError) -> Self {
        match err {
            PasskeyError::Rejected(why) => Self::PasskeyRejected(why),
            PasskeyError::Internal(why) => Self::Internal(why.into()),
        }
    }
}

impl From<PasskeyError> for FlowError {
    fn from(err: PasskeyError) -> Self {
        match err {
            PasskeyError::Rejected(_) => Self::PasskeyRejected,
            PasskeyError::Internal(why) => Self::Internal(why.into()),
        }
    }
}

/// Passkeys: registration and management from the user's account, and sign-in,
/// over the WebAuthn ceremonies port; a sign-in finishes through an
/// [`Authorization`].
#[derive(Clone)]
pub struct Passkeys<S> {
    store: S,
    cx: Context,
    passkeys: Arc<dyn PasskeyCeremonies>,
    sign_in: Authorization<S>,
}

impl<S: PasskeyStore> Passkeys<S> {
    /// Passkeys over `ceremonies`, finishing sign-ins through `sign_in`.
    pub fn new(store: S, cx: Context, ceremonies: Arc<dyn PasskeyCeremonies>, sign_in: Authorization<S>) -> Self {
        Self { store, cx, passkeys: ceremonies, sign_in }
    }

    async fn keep_ceremony(
        &self,
        tenant: &TenantId,
        purpose: CeremonyPurpose,
        state: String,
    ) -> Result<CeremonyId, crate::error::StoreError> {
        let ceremony = StoredCeremony {
            id: CeremonyId::generate(self.cx.random.as_ref()),
            tenant_id: tenant.clone(),
            purpose,
            state,
            expires_at: self.cx.clock.now().plus_secs(CEREMONY_SECONDS),
        };
        self.store.insert_ceremony(&ceremony).await?;
        Ok(ceremony.id)
    }

    /// The ceremony `raw` for `purpose`, taken (it cannot be used twice), if live.
    async fn take_ceremony(
        &self,
        raw: &str,
        tenant: &TenantId,
        purpose: &CeremonyPurpose,
    ) -> Result<Option<StoredCeremony>, crate::error::StoreError> {
        let Ok(id) = CeremonyId::parse(raw) else { return Ok(None) };
        let now = self.cx.clock.now();
        Ok(self
            .store
            .take_ceremony(&id)
            .await?
            .filter(|c| &c.tenant_id == tenant && &c.purpose == purpose && c.expires_at > now))
    }

    /// Account page: the options to create a passkey (the user's own passkeys are
    /// excluded, so one authenticator is not registered twice).
    pub async fn account_passkey_options(&self, me: &AccountHolder) -> Result<(CeremonyId, String), AccountError> {
        self.cx.require_recent_sign_in(me)?;
        let user = &me.user;
        let existing = self.store.list_passkeys(&user.tenant_id, &user.id).await?;
        let exclude: Vec<String> = existing.into_iter().map(|p| p.credential).collect();
        let who = PasskeyUser {
            handle: user_handle(&user.id),
            name: user.email.as_str().to_owned(),
            display_name: user.name.clone().unwrap_or_else(|| user.email.as_str().to_owned()),
        };
        let ceremony = self.passkeys.start_registration(&who, &exclude)?;
        let id =
            self.keep_ceremony(&user.tenant_id, CeremonyPurpose::Register(user.id.clone()), ceremony.state).await?;
        Ok((id, ceremony.options))
    }

    /// Account page: verifies the browser's answer and registers the passkey under `name`.
    pub async fn account_add_passkey(
        &self,
        me: &AccountHolder,
        ceremony: &str,
        name: &str,
        response: &str,
    ) -> Result<StoredPasskey, AccountError> {
        self.cx.require_recent_sign_in(me)?;
        let user = &me.user;
        let name = passkey_name(name)?;
        let purpose = CeremonyPurpose::Register(user.id.clone());
        let ceremony = self
            .take_ceremony(ceremony, &user.tenant_id, &purpose)
            .await?
            .ok_or_else(|| AccountError::PasskeyRejected("the request expired; try again".into()))?;
        let registered = self.passkeys.finish_registration(&ceremony.state, response)?;
        let now = self.cx.clock.now();
        let passkey = StoredPasskey {
            id: PasskeyId::generate(self.cx.random.as_ref()),
            tenant_id: user.tenant_id.clone(),
            user_id: user.id.clone(),
            credential_id: registered.credential_id,
            name,
            credential: registered.credential,
            backup_eligible: registered.backup_eligible,
            backup_state: registered.backup_state,
            created_at: now,
            last_used_at: None,
        };
        match self.store.insert_passkey(&passkey).await {
            Ok(()) => {
                self.record_factor_change(me, "passkey.added", &passkey.id).await;
                Ok(passkey)
            }
            // WebAuthn §7.1 step 22: a credential id registered before is refused.
            Err(crate::error::StoreError::Conflict(_)) => {
                Err(AccountError::PasskeyRejected("this passkey is registered already".into()))
            }
            Err(other) => Err(other.into()),
        }
    }

    /// Account page: renames one of the user's passkeys.
    pub async fn account_rename_passkey(
        &self,
        me: &AccountHolder,
        id: &PasskeyId,
        name: &str,
    ) -> Result<(), AccountError> {
        let name = passkey_name(name)?;
        match self.store.rename_passkey(&me.user.tenant_id, &me.user.id, id, &name).await? {
            true => Ok(()),
            false => Err(AccountError::NotFound("passkey")),
        }
    }

    /// Account page: removes one of the user's passkeys.
    pub async fn account_remove_passkey(&self, me: &AccountHolder, id: &PasskeyId) -> Result<(), AccountError> {
        self.cx.require_recent_sign_in(me)?;
        match self.store.delete_passkey(&me.user.tenant_id, &me.user.id, id).await? {
            true => {
                self.record_factor_change(me, "passkey.removed", id).await;
                Ok(())
            }
            false => Err(AccountError::NotFound("passkey")),
        }
    }

    async fn record_factor_change(&self, me: &AccountHolder, change: &str, passkey: &PasskeyId) {
        let user = &me.user;
        let event = NewEvent::new(user.tenant_id.clone(), EventKind::FactorChanged, Actor::User(user.id.clone()))
            .user(&user.id)
            .detail("change", change)
            .detail("passkey", passkey.as_str());
        audit::record(&self.store, &self.cx, event).await;
    }

    /// Login page: the options to sign in with any passkey of this site, for a
    /// pending request of this browser.
    pub async fn passkey_login_options(
        &self,
        request_id: &str,
        browser: Option<&Secret>,
    ) -> Result<(CeremonyId, String), FlowError> {
        let request = self.sign_in.pending_request(request_id, browser).await?;
        let ceremony = self.passkeys.start_authentication()?;
        let purpose = CeremonyPurpose::SignIn(request.id.clone());
        let id = self.keep_ceremony(&request.request.tenant_id, purpose, ceremony.state).await?;
        Ok((id, ceremony.options))
    }

    /// Login page: signs the owner of the passkey in. The passkey must be the
    /// tenant's, its user handle must be its user's, and the assertion must verify
    /// (user verification included, so it counts as two factors).
    pub async fn passkey_login(
        &self,
        request_id: &str,
        browser: Option<&Secret>,
        csrf: &str,
        ceremony: &str,
        response: &str,
    ) -> Result<SignedIn, FlowError> {
        let request: PendingRequest = self.sign_in.pending_request(request_id, browser).await?;
        crate::services::authorization::verify_browser_binding(browser, csrf)?;
        let tenant = request.request.tenant_id.clone();
        let purpose = CeremonyPurpose::SignIn(request.id.clone());
        let ceremony = self.take_ceremony(ceremony, &tenant, &purpose).await?.ok_or(FlowError::PasskeyRejected)?;
        let claimed = self.passkeys.identify(response)?;
        let mut passkey =
            self.store.find_passkey(&tenant, &claimed.credential_id).await?.ok_or(FlowError::PasskeyRejected)?;
        if claimed.user_handle != user_handle(&passkey.user_id) {
            return Err(FlowError::PasskeyRejected);
        }
        let user: User = self.store.get_user(&tenant, &passkey.user_id).await?.ok_or(FlowError::PasskeyRejected)?;
        let used = self.passkeys.finish_authentication(&ceremony.state, response, &passkey.credential)?;
        if user.disabled_at.is_some() {
            return Err(FlowError::AccountDisabled);
        }
        let now = self.cx.clock.now();
        passkey.credential = used.credential;
        passkey.backup_eligible = used.backup_eligible;
        passkey.backup_state = used.backup_state;
        passkey.last_used_at = Some(now);
        self.store.record_passkey_use(&passkey).await?;
        self.sign_in.require_verified(&request, &user).await?;
        self.sign_in.finish_login(request, &user, &passkey.amr(), now).await
    }
}
