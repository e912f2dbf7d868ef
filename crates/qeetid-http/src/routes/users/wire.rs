//! The admin API's JSON shapes for users, their sessions and second factors and their conversions.

use qeetid_domain::oauth::Session;
use qeetid_domain::services::{MfaStatus, NewUser, UserPatch};
use qeetid_domain::{AdminRole, User};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::wire::rfc3339;

/// A user (never the password hash).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct UserBody {
    /// `usr_…`
    pub id: String,
    /// Owning tenant.
    pub tenant_id: String,
    /// Sign-in e-mail (lower-cased).
    pub email: String,
    /// Whether the e-mail is verified.
    pub email_verified: bool,
    /// Full name.
    pub name: Option<String>,
    /// Admin dashboard role: `tenant`, `deployment`, or `null`.
    pub admin_role: Option<&'static str>,
    /// Whether an admin disabled the user (no sign-in, no refresh).
    pub disabled: bool,
    /// RFC 3339.
    pub created_at: String,
}

impl From<&User> for UserBody {
    fn from(u: &User) -> Self {
        Self {
            id: u.id.to_string(),
            tenant_id: u.tenant_id.to_string(),
            email: u.email.as_str().to_owned(),
            email_verified: u.email_verified,
            name: u.name.clone(),
            admin_role: u.admin_role.map(AdminRole::as_str),
            disabled: u.disabled_at.is_some(),
            created_at: rfc3339(u.created_at),
        }
    }
}

/// `{"user": …}`
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct UserEnvelope {
    /// The user.
    pub user: UserBody,
}

/// A page of users.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct UserList {
    /// Newest first.
    pub users: Vec<UserBody>,
    /// Next page's cursor, or `null`.
    pub next_cursor: Option<String>,
}

/// Body of `POST /v1/tenants/{tenantID}/users`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    /// Sign-in e-mail, unique in the tenant.
    pub email: String,
    /// 8 to 1024 characters; omit for users who sign in another way.
    pub password: Option<String>,
    /// Full name.
    pub name: Option<String>,
    /// Default false.
    pub email_verified: Option<bool>,
    /// Admin dashboard role; `deployment` only with a deployment key.
    pub admin_role: Option<AdminRoleName>,
}

/// An admin dashboard role on the wire.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum AdminRoleName {
    /// Manages the user's own tenant.
    Tenant,
    /// Manages every tenant.
    Deployment,
}

impl From<AdminRoleName> for AdminRole {
    fn from(r: AdminRoleName) -> Self {
        match r {
            AdminRoleName::Tenant => Self::Tenant,
            AdminRoleName::Deployment => Self::Deployment,
        }
    }
}

impl From<CreateUserRequest> for NewUser {
    fn from(r: CreateUserRequest) -> Self {
        Self {
            email: r.email,
            password: r.password,
            name: r.name,
            email_verified: r.email_verified,
            admin_role: r.admin_role.map(AdminRole::from),
        }
    }
}

/// Body of `PATCH /v1/tenants/{tenantID}/users/{id}`: fields left out stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    /// New e-mail.
    pub email: Option<String>,
    /// New password.
    pub password: Option<String>,
    /// New name; `""` clears it.
    pub name: Option<String>,
    /// New verification state.
    pub email_verified: Option<bool>,
    /// `true` disables the user and ends their sessions; `false` enables them.
    pub disabled: Option<bool>,
}

impl From<UpdateUserRequest> for UserPatch {
    fn from(r: UpdateUserRequest) -> Self {
        Self {
            email: r.email,
            password: r.password,
            name: r.name,
            email_verified: r.email_verified,
            disabled: r.disabled,
        }
    }
}

/// A user's sign-in session (never its cookie).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SessionBody {
    /// `ses_…`, the `sid` claim of tokens issued in it.
    pub id: String,
    /// When the user authenticated (RFC 3339).
    pub auth_time: String,
    /// How (`amr` values, RFC 8176).
    pub amr: Vec<String>,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub expires_at: String,
    /// The browser's user agent when the session started (at most 256 characters).
    pub user_agent: Option<String>,
    /// The network it started from (`203.0.113.0/24`, an IPv6 `/48`, or `local
    /// network`): the address itself is not kept.
    pub network: Option<String>,
}

impl From<&Session> for SessionBody {
    fn from(s: &Session) -> Self {
        Self {
            id: s.id.to_string(),
            auth_time: rfc3339(s.auth_time),
            amr: s.amr.clone(),
            created_at: rfc3339(s.created_at),
            expires_at: rfc3339(s.expires_at),
            user_agent: s.user_agent.clone(),
            network: s.network.clone(),
        }
    }
}

/// A user's second factors.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MfaBody {
    /// Whether a password sign-in asks for a second factor (an authenticator app).
    pub enabled: bool,
    /// When the authenticator app (TOTP, RFC 6238) was confirmed (RFC 3339), or `null`.
    pub totp_confirmed_at: Option<String>,
    /// An authenticator app is being set up (waiting for its first code).
    pub totp_pending: bool,
    /// Unused recovery codes.
    pub recovery_codes_left: u32,
    /// Registered passkeys, oldest first.
    pub passkeys: Vec<PasskeyBody>,
}

/// A passkey (never its key material).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PasskeyBody {
    /// `pky_…`
    pub id: String,
    /// The user's name for it.
    pub name: String,
    /// Whether it is backed up (synced between devices).
    pub synced: bool,
    /// RFC 3339.
    pub created_at: String,
    /// Last sign-in (RFC 3339), or `null`.
    pub last_used_at: Option<String>,
}

impl From<&MfaStatus> for MfaBody {
    fn from(m: &MfaStatus) -> Self {
        Self {
            enabled: m.enabled(),
            totp_confirmed_at: m.totp_confirmed_at.map(rfc3339),
            totp_pending: m.enrolment_pending,
            recovery_codes_left: m.recovery_codes_left,
            passkeys: m
                .passkeys
                .iter()
                .map(|k| PasskeyBody {
                    id: k.id.to_string(),
                    name: k.name.clone(),
                    synced: k.backup_state,
                    created_at: rfc3339(k.created_at),
                    last_used_at: k.last_used_at.map(rfc3339),
                })
                .collect(),
        }
    }
}

/// `{"mfa": …}`
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MfaEnvelope {
    /// The user's second factors.
    pub mfa: MfaBody,
}

/// A user's live sessions, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SessionList {
    /// At most 100.
    pub sessions: Vec<SessionBody>,
}
