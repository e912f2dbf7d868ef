//! Users of a tenant, managed through the admin API.

use super::Admin;
use crate::api_key::Caller;
use crate::error::{AdminError, Problems, both};
use crate::id::{ProviderId, SessionId, TenantId, UserId};
use crate::oauth::Session;
use crate::page::{Cursor, Page, PageRequest};
use crate::ports::AdminStore;
use crate::user::{AdminRole, Email, Password, PasswordHash, User, parse_user_name};

/// A user to create, as the caller sent it.
#[derive(Debug, Clone, Default)]
pub struct NewUser {
    /// Sign-in e-mail.
    pub email: String,
    /// Initial password; `None` for users who will sign in another way.
    pub password: Option<String>,
    /// Full name.
    pub name: Option<String>,
    /// Whether the e-mail is already verified.
    pub email_verified: Option<bool>,
    /// The admin dashboard role to give the user, if any.
    pub admin_role: Option<AdminRole>,
}

/// Changes to a user; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct UserPatch {
    /// New e-mail.
    pub email: Option<String>,
    /// New password.
    pub password: Option<String>,
    /// New name; `Some("")` clears it.
    pub name: Option<String>,
    /// New verification state.
    pub email_verified: Option<bool>,
    /// `true` disables the user (their sessions end at once), `false` enables them again.
    pub disabled: Option<bool>,
}

/// Most sessions listed for one user; older ones still work and still end with
/// "sign out everywhere".
pub(crate) const SESSIONS_LISTED: i64 = 100;

impl<S: AdminStore> Admin<S> {
    async fn hash(&self, password: Password) -> Result<PasswordHash, AdminError> {
        self.passwords.hash(password).await.map_err(|e| AdminError::Internal(Box::new(e)))
    }

    async fn reachable_user(&self, caller: &Caller, tenant: &TenantId, id: &UserId) -> Result<User, AdminError> {
        self.reachable_tenant(caller, tenant).await?;
        self.store.get_user(tenant, id).await?.ok_or(AdminError::NotFound("user"))
    }

    /// The user `id`, when the caller may reach it *and change it*: a deployment
    /// admin belongs to the deployment, so a tenant's key or tenant admin may read
    /// them but change nothing of theirs (password, e-mail, factors, sessions, links,
    /// disabled flag, existence). Otherwise a tenant key could take the deployment over.
    pub(crate) async fn changeable_user(
        &self,
        caller: &Caller,
        tenant: &TenantId,
        id: &UserId,
    ) -> Result<User, AdminError> {
        let user = self.reachable_user(caller, tenant, id).await?;
        if user.admin_role == Some(AdminRole::Deployment) && caller.tenant().is_some() {
            return Err(AdminError::Forbidden(
                "this user is a deployment admin: only a deployment key or a deployment admin may change them",
            ));
        }
        Ok(user)
    }

    /// Creates a user; the password is hashed with the configured hasher. Only a
    /// deployment caller may make a deployment admin (a tenant's key already holds
    /// everything a tenant admin may do, and no more).
    pub async fn create_user(&self, caller: &Caller, tenant: &TenantId, new: NewUser) -> Result<User, AdminError> {
        self.reachable_tenant(caller, tenant).await?;
        if new.admin_role == Some(AdminRole::Deployment) && caller.tenant().is_some() {
            return Err(AdminError::Forbidden("only a deployment key may create a deployment admin"));
        }
        // Every field is read before any is refused, so a form names each problem at once.
        let ((email, name), password) = both(
            both(Email::parse(&new.email), parse_user_name(new.name)),
            new.password.map(Password::new).transpose(),
        )?;
        let password_hash = match password {
            Some(password) => Some(self.hash(password).await?),
            None => None,
        };
        let now = self.cx.clock.now();
        let user = User {
            id: UserId::generate(self.cx.random.as_ref()),
            tenant_id: tenant.clone(),
            email,
            email_verified: new.email_verified.unwrap_or(false),
            name,
            password_hash,
            admin_role: new.admin_role,
            disabled_at: None,
            tokens_revoked_at: None,
            created_at: now,
            updated_at: now,
        };
        self.store.insert_user(&user).await.map_err(email_conflict)?;
        self.record_change(caller, tenant, "user.created", user.id.as_str(), |e| {
            let role = user.admin_role.map_or("none", AdminRole::as_str);
            e.user(&user.id).detail("after.email", user.email.as_str()).detail("after.admin_role", role)
        })
        .await;
        Ok(user)
    }

    /// Lists the tenant's users.
    pub async fn list_users(
        &self,
        caller: &Caller,
        tenant: &TenantId,
        page: &PageRequest,
    ) -> Result<Page<User>, AdminError> {
        self.reachable_tenant(caller, tenant).await?;
        let rows = self.store.list_users(tenant, page).await?;
        Ok(Page::from_fetched(rows, page, |u| Cursor { created_at: u.created_at, id: u.id.to_string() }))
    }

    /// One user.
    pub async fn get_user(&self, caller: &Caller, tenant: &TenantId, id: &UserId) -> Result<User, AdminError> {
        self.reachable_user(caller, tenant, id).await
    }

    /// Changes a user.
    pub async fn update_user(
        &self,
        caller: &Caller,
        tenant: &TenantId,
        id: &UserId,
        patch: UserPatch,
    ) -> Result<User, AdminError> {
        let mut user = self.changeable_user(caller, tenant, id).await?;
        let before = user.clone();
        let password_set = patch.password.is_some();
        let mut problems = Problems::default();
        if let Some(email) = patch.email.and_then(|raw| problems.check(Email::parse(&raw))) {
            user.email = email;
            // A new address is not verified unless the admin says so.
            if user.email != before.email {
                user.email_verified = false;
            }
        }
        if let Some(name) = patch.name.and_then(|raw| problems.check(parse_user_name(Some(raw)))) {
            user.name = name;
        }
        let password = patch.password.and_then(|raw| problems.check(Password::new(raw)));
        problems.finish()?;
        if let Some(verified) = patch.email_verified {
            user.email_verified = verified;
        }
        if let Some(password) = password {
            user.password_hash = Some(self.hash(password).await?);
        }
        let now = self.cx.clock.now();
        let disabling = patch.disabled == Some(true) && user.disabled_at.is_none();
        match patch.disabled {
            Some(true) => user.disabled_at = user.disabled_at.or(Some(now)),
            Some(false) => user.disabled_at = None,
            None => {}
        }
        user.updated_at = now;
        if !self.store.update_user(&user).await.map_err(email_conflict)? {
            return Err(AdminError::NotFound("user"));
        }
        if disabling {
            // Refresh and userinfo check the flag; the sessions go, so no new code is issued.
            self.store.delete_user_sessions(tenant, id, None, now).await?;
        }
        self.record_change(caller, tenant, "user.updated", id.as_str(), |e| {
            let e = e
                .user(id)
                .change("email", before.email.as_str(), user.email.as_str())
                .change("name", before.name.as_deref().unwrap_or(""), user.name.as_deref().unwrap_or(""))
                .change("email_verified", before.email_verified, user.email_verified)
                .change("disabled", before.disabled_at.is_some(), user.disabled_at.is_some());
            if password_set { e.detail("password", "set") } else { e }
        })
        .await;
        Ok(user)
    }

    /// The user's live sessions, newest first (at most 100).
    pub async fn list_user_sessions(
        &self,
        caller: &Caller,
        tenant: &TenantId,
        id: &UserId,
    ) -> Result<Vec<Session>, AdminError> {
        self.reachable_user(caller, tenant, id).await?;
        Ok(self.store.list_user_sessions(tenant, id, self.cx.clock.now(), SESSIONS_LISTED).await?)
    }

    /// Ends one of the user's sessions: that browser must sign in again. Tokens
    /// already issued stay valid until they expire or their grant is revoked.
    pub async fn end_user_session(
        &self,
        caller: &Caller,
        tenant: &TenantId,
        id: &UserId,
        session: &SessionId,
    ) -> Result<(), AdminError> {
        self.changeable_user(caller, tenant, id).await?;
        if !self.store.delete_user_session(tenant, id, session, self.cx.clock.now()).await? {
            return Err(AdminError::NotFound("session"));
        }
        self.record_change(caller, tenant, "user.session_ended", session.as_str(), |e| e.user(id)).await;
        Ok(())
    }

    /// Deletes a user.
    pub async fn delete_user(&self, caller: &Caller, tenant: &TenantId, id: &UserId) -> Result<(), AdminError> {
        self.changeable_user(caller, tenant, id).await?;
        // The sessions end first, so their clients hear of it (back-channel logout).
        self.store.delete_user_sessions(tenant, id, None, self.cx.clock.now()).await?;
        if !self.store.delete_user(tenant, id).await? {
            return Err(AdminError::NotFound("user"));
        }
        self.record_change(caller, tenant, "user.deleted", id.as_str(), |e| e.user(id)).await;
        Ok(())
    }

    /// Admin: unlinks a user's account at a provider (the next sign-in there links
    /// or creates afresh).
    pub async fn unlink_identity(
        &self,
        caller: &Caller,
        tenant: &TenantId,
        user: &UserId,
        provider: &ProviderId,
    ) -> Result<(), AdminError> {
        self.changeable_user(caller, tenant, user).await?;
        if !self.store.delete_link(tenant, user, provider).await? {
            return Err(AdminError::NotFound("linked identity"));
        }
        self.record_change(caller, tenant, "user.identity_unlinked", provider.as_str(), |e| e.user(user)).await;
        Ok(())
    }
}

fn email_conflict(err: crate::error::StoreError) -> AdminError {
    match err {
        crate::error::StoreError::Conflict(_) => {
            AdminError::Conflict("email: the tenant already has a user with this e-mail".to_owned())
        }
        other => other.into(),
    }
}
