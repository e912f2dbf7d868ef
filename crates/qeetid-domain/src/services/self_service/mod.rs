//! A signed-in user's own account: profile, connected applications, sessions,
//! password and authenticator app (`totp.rs`). Every use case acts on the signed-in
//! user only: ids from the caller are looked up within that user's rows, so a
//! hand-made request cannot reach anyone else's.

mod totp;

use crate::audit::{Actor, EventKind, NewEvent};
use crate::services::audit;
use std::sync::Arc;

use super::Context;
use super::admin::SESSIONS_LISTED;
use super::authorization::FlowError;
use super::totp::{MfaStatus, TotpCodes, TotpEnrolment, mfa_status};
use crate::error::{StoreError, ValidationError};
use crate::id::{ClientId, GrantId, SessionId};
use crate::oauth::{ConsentGrant, GrantFilter, Session};
use crate::page::{MAX_PAGE_LIMIT, PageRequest};
use crate::ports::SelfServiceStore;
use crate::ports::{PasswordHasher, SecretSealer};
use crate::services::throttle::{self, Guard, OnSuccess, Verdict};
use crate::time::UnixTime;
use crate::user::{Password, PasswordHash, User, parse_user_name};

/// A user acting on their own account: who, in which single sign-on session, and
/// when they last proved who they are there.
#[derive(Debug, Clone)]
pub struct AccountHolder {
    /// Who (read afresh on every request).
    pub user: User,
    /// The single sign-on session the request rides on.
    pub session_id: SessionId,
    /// When the user last proved who they are in that session.
    pub auth_time: UnixTime,
}

/// A signed-in user's own account, over the store, the password hasher and the
/// sealer of TOTP secrets.
#[derive(Clone)]
pub struct SelfService<S> {
    store: S,
    cx: Context,
    passwords: Arc<dyn PasswordHasher>,
    totp: TotpCodes<S>,
}

impl<S: SelfServiceStore> SelfService<S> {
    /// The account use cases over `store`; `sealer` keeps TOTP secrets.
    pub fn new(store: S, cx: Context, passwords: Arc<dyn PasswordHasher>, sealer: Arc<dyn SecretSealer>) -> Self {
        let totp = TotpCodes::new(store.clone(), cx.clone(), sealer);
        Self { store, cx, passwords, totp }
    }
}

/// Why an account action failed.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// The current password given to change it was wrong.
    #[error("the current password is not right")]
    WrongPassword,
    /// Too many wrong current passwords.
    #[error("too many failed attempts; try again in {retry_after} seconds")]
    Throttled {
        /// Seconds to wait.
        retry_after: i64,
    },
    /// The input broke a rule.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// The passkey did not verify, or the ceremony expired.
    #[error("the passkey could not be added: {0}")]
    PasskeyRejected(String),
    /// The user has no such grant or session.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The sign-in is too old for this change: sign in again first.
    #[error("sign in again to change how you sign in")]
    ReauthenticationRequired,
    /// Infrastructure failed.
    #[error("internal error: {0}")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl From<StoreError> for AccountError {
    fn from(err: StoreError) -> Self {
        Self::Internal(Box::new(err))
    }
}

/// An application the user let in: its consent grant and name.
#[derive(Debug, Clone)]
pub struct ConnectedApp {
    /// The grant.
    pub grant: ConsentGrant,
    /// The client's display name.
    pub client_name: String,
}

/// Everything the account page shows.
#[derive(Debug, Clone)]
pub struct AccountOverview {
    /// The user, as stored now.
    pub user: User,
    /// The applications the user let in, newest first (the deployment's own apps left out).
    pub apps: Vec<ConnectedApp>,
    /// The user's live sessions, newest first.
    pub sessions: Vec<Session>,
    /// The session this page is seen in.
    pub current_session: SessionId,
    /// The user's second factors: authenticator app, recovery codes, passkeys.
    pub mfa: MfaStatus,
    /// An authenticator app waiting for its first code, shown again until confirmed.
    pub enrolment: Option<TotpEnrolment>,
    /// The user's tenant (its name and branding dress the page).
    pub tenant: Option<crate::tenant::Tenant>,
}

impl<S: SelfServiceStore> SelfService<S> {
    /// The account page's content: the user's applications (one query for the
    /// grants, one for their names) and sessions.
    pub async fn account_overview(&self, me: &AccountHolder) -> Result<AccountOverview, AccountError> {
        let user = &me.user;
        let filter = GrantFilter { user_id: Some(user.id.clone()), client_id: None };
        let page = PageRequest { limit: MAX_PAGE_LIMIT, after: None };
        let grants: Vec<ConsentGrant> = self
            .store
            .list_grants(&user.tenant_id, &filter, &page)
            .await?
            .into_iter()
            .filter(|g| !self.cx.built_in.is_built_in(&g.tenant_id, &g.client_id))
            .collect();
        let ids: Vec<ClientId> = grants.iter().map(|g| g.client_id.clone()).collect();
        let names = self.store.client_names(&user.tenant_id, &ids).await?;
        let apps = grants
            .into_iter()
            .map(|grant| {
                let client_name = names
                    .iter()
                    .find(|(id, _)| id == &grant.client_id)
                    .map_or_else(|| grant.client_id.to_string(), |(_, name)| name.clone());
                ConnectedApp { grant, client_name }
            })
            .collect();
        let sessions =
            self.store.list_user_sessions(&user.tenant_id, &user.id, self.cx.clock.now(), SESSIONS_LISTED).await?;
        let mfa = mfa_status(&self.store, &user.tenant_id, &user.id).await?;
        let enrolment = match mfa.enrolment_pending {
            true => Some(self.totp.begin_totp(user).await.map_err(|e| AccountError::Internal(Box::new(e)))?),
            false => None,
        };
        let tenant = self.store.get_tenant(&user.tenant_id).await?;
        Ok(AccountOverview {
            tenant,
            user: user.clone(),
            apps,
            sessions,
            current_session: me.session_id.clone(),
            mfa,
            enrolment,
        })
    }

    /// Changes the user's display name (empty clears it).
    pub async fn account_update_profile(&self, me: &AccountHolder, name: &str) -> Result<User, AccountError> {
        let mut user = me.user.clone();
        user.name = parse_user_name(Some(name.to_owned()))?;
        user.updated_at = self.cx.clock.now();
        if !self.store.update_user(&user).await? {
            return Err(AccountError::NotFound("user"));
        }
        Ok(user)
    }

    /// Revokes one of the user's grants: the application loses its refresh tokens
    /// and must ask for consent again.
    pub async fn account_revoke_app(&self, me: &AccountHolder, grant: &GrantId) -> Result<(), AccountError> {
        let tenant = &me.user.tenant_id;
        let mine = self.store.get_grant(tenant, grant).await?.filter(|g| g.user_id == me.user.id);
        if mine.is_none() {
            return Err(AccountError::NotFound("application"));
        }
        let now = self.cx.clock.now();
        self.store.revoke_grant_tokens(tenant, grant, now).await?;
        if !self.store.delete_grant(tenant, grant, now).await? {
            return Err(AccountError::NotFound("application"));
        }
        if let Some(revoked) = mine {
            let event = NewEvent::new(tenant.clone(), EventKind::ConsentRevoked, Actor::User(me.user.id.clone()))
                .user(&me.user.id)
                .client(revoked.client_id.as_str())
                .detail("grant", grant.as_str());
            audit::record(&self.store, &self.cx, event).await;
        }
        Ok(())
    }

    /// Ends one of the user's sessions (another browser or device); `None` signs out
    /// everywhere else: every other session ends, and every access and refresh token
    /// issued until now stops working at once (applications in this browser sign in
    /// again silently). Answers how many sessions ended.
    pub async fn account_end_sessions(
        &self,
        me: &AccountHolder,
        which: Option<&SessionId>,
    ) -> Result<u64, AccountError> {
        let (tenant, user) = (&me.user.tenant_id, &me.user.id);
        let ended = match which {
            Some(id) if id == &me.session_id => return Err(AccountError::NotFound("session")),
            Some(id) => match self.store.delete_user_session(tenant, user, id, self.cx.clock.now()).await? {
                true => 1,
                false => return Err(AccountError::NotFound("session")),
            },
            None => {
                let mut record = me.user.clone();
                let now = self.cx.clock.now();
                record.tokens_revoked_at = Some(now);
                record.updated_at = now;
                if !self.store.update_user(&record).await? {
                    return Err(AccountError::NotFound("user"));
                }
                self.store.delete_user_sessions(tenant, user, Some(&me.session_id), now).await?
            }
        };
        let scope = if which.is_some() { "one other session" } else { "every other session, tokens revoked" };
        let event = NewEvent::new(tenant.clone(), EventKind::SignedOut, Actor::User(user.clone()))
            .user(user)
            .detail("from", "account page")
            .detail("ended", scope);
        audit::record(&self.store, &self.cx, event).await;
        Ok(ended)
    }

    /// Changes the user's password. The current one is required when there is one
    /// (a stolen session alone cannot take the account over), wrong guesses are
    /// throttled like sign-in, and every other session ends (NIST SP 800-63B §6.1.2.3
    /// asks that a changed secret stop old sessions' use).
    pub async fn account_change_password(
        &self,
        me: &AccountHolder,
        current: &str,
        new: &str,
    ) -> Result<(), AccountError> {
        self.cx.require_recent_sign_in(me)?;
        let new = Password::chosen(new.to_owned())?;
        let mut user = me.user.clone();
        let now = self.cx.clock.now();
        if let Some(hash) = user.password_hash.clone() {
            let key = format!("password:{}:{}", user.tenant_id, user.id);
            let guard = Guard::new(key, throttle::USER_CODES, OnSuccess::Clear);
            let presented = Password::presented(current.to_owned());
            throttle::guarded(&self.store, self.cx.clock.as_ref(), vec![guard], async {
                match self.passwords.verify(presented, hash).await {
                    Ok(true) => Verdict::Success(()),
                    Ok(false) => Verdict::Failure(AccountError::WrongPassword),
                    Err(e) => Verdict::Broken(AccountError::Internal(Box::new(e))),
                }
            })
            .await
            .map_err(|e| match e {
                FlowError::Throttled { retry_after } => AccountError::Throttled { retry_after },
                other => AccountError::Internal(Box::new(other)),
            })??;
        }
        let hash: PasswordHash = self.passwords.hash(new).await.map_err(|e| AccountError::Internal(Box::new(e)))?;
        user.password_hash = Some(hash);
        user.updated_at = now;
        if !self.store.update_user(&user).await? {
            return Err(AccountError::NotFound("user"));
        }
        self.store.delete_user_sessions(&user.tenant_id, &user.id, Some(&me.session_id), now).await?;
        let event = NewEvent::new(user.tenant_id.clone(), EventKind::PasswordChanged, Actor::User(user.id.clone()))
            .user(&user.id)
            .detail("other_sessions", "ended");
        audit::record(&self.store, &self.cx, event).await;
        Ok(())
    }

    /// Records a change of how the user signs in, made on the account page.
    pub(crate) async fn record_factor_change(&self, me: &AccountHolder, change: &str) {
        let event = NewEvent::new(me.user.tenant_id.clone(), EventKind::FactorChanged, Actor::User(me.user.id.clone()))
            .user(&me.user.id)
            .detail("change", change);
        audit::record(&self.store, &self.cx, event).await;
    }
}
