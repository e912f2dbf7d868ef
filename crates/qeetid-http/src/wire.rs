//! The admin API's JSON shapes (as the Clients product page shows them) and their
//! conversions from and to domain types. Domain types are not `Serialize`.

use qeetid_domain::oauth::{ConsentGrant, Session};
use qeetid_domain::services::{
    CreatedApiKey, MfaStatus, NewUser, RegisteredClient, RotatedSecret, TenantPatch, UserPatch,
};
use qeetid_domain::{
    AdminError, AdminRole, ApiKey, Client, ClientDraft, ClientLifetimes, ClientPatch, KeyScope, Page, PageRequest,
    Tenant, UnixTime, User,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::{IntoParams, ToSchema};

/// The warning that rides beside every secret shown once (the Clients page's wording).
pub const SECRET_WARNING: &str = "Store the secret now — it is not retrievable later.";
/// The warning beside a new API key.
pub const KEY_WARNING: &str = "Store the key now — it is not retrievable later.";

/// RFC 3339 in UTC, e.g. `2026-11-29T12:00:00Z`.
pub(crate) fn rfc3339(t: UnixTime) -> String {
    OffsetDateTime::from_unix_timestamp(t.as_secs())
        .ok()
        .and_then(|dt| dt.format(&Rfc3339).ok())
        .unwrap_or_else(|| t.as_secs().to_string())
}

/// `?limit=&cursor=` of every list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Items per page, 1 to 200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl ListQuery {
    pub(crate) fn page(&self) -> Result<PageRequest, AdminError> {
        Ok(PageRequest::parse(self.limit, self.cursor.as_deref())?)
    }
}

// ---------- tenants ----------

/// A tenant.
#[derive(Debug, Serialize, ToSchema)]
pub struct TenantBody {
    /// `tnt_…`
    pub id: String,
    /// Display name.
    pub name: String,
    /// Whether every user must sign in with a second factor.
    pub require_mfa: bool,
    /// RFC 3339.
    pub created_at: String,
}

impl From<&Tenant> for TenantBody {
    fn from(t: &Tenant) -> Self {
        Self {
            id: t.id.to_string(),
            name: t.name.as_str().to_owned(),
            require_mfa: t.require_mfa,
            created_at: rfc3339(t.created_at),
        }
    }
}

/// `{"tenant": …}`
#[derive(Debug, Serialize, ToSchema)]
pub struct TenantEnvelope {
    /// The tenant.
    pub tenant: TenantBody,
}

/// A page of tenants.
#[derive(Debug, Serialize, ToSchema)]
pub struct TenantList {
    /// Newest first.
    pub tenants: Vec<TenantBody>,
    /// Pass as `?cursor=` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

/// Body of `POST /v1/tenants`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TenantRequest {
    /// 1 to 200 characters.
    pub name: String,
}

/// Body of `PATCH /v1/tenants/{tenantID}`: fields left out stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTenantRequest {
    /// 1 to 200 characters (deployment keys only).
    pub name: Option<String>,
    /// Every user must sign in with a second factor; those without one set up an
    /// authenticator app at their next sign-in. A tenant's own key may set it.
    pub require_mfa: Option<bool>,
}

impl From<UpdateTenantRequest> for TenantPatch {
    fn from(r: UpdateTenantRequest) -> Self {
        Self { name: r.name, require_mfa: r.require_mfa }
    }
}

// ---------- API keys ----------

/// An API key (never the key itself, except once at creation beside it).
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyBody {
    /// `key_…`
    pub id: String,
    /// What its owner called it.
    pub name: String,
    /// Owning tenant; `null` for the deployment's bootstrap key.
    pub tenant_id: Option<String>,
    /// RFC 3339.
    pub created_at: String,
}

impl From<&ApiKey> for ApiKeyBody {
    fn from(k: &ApiKey) -> Self {
        Self {
            id: k.id.to_string(),
            name: k.name.as_str().to_owned(),
            tenant_id: match &k.scope {
                KeyScope::Deployment => None,
                KeyScope::Tenant(t) => Some(t.to_string()),
            },
            created_at: rfc3339(k.created_at),
        }
    }
}

/// `POST /v1/tenants/{tenantID}/api-keys` answer: the key is shown once.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedApiKeyBody {
    /// The stored key.
    pub api_key: ApiKeyBody,
    /// `qak_…`: use as `Authorization: ApiKey <key>`.
    pub key: String,
    /// Reminder that the key is shown once.
    pub warning: &'static str,
}

impl From<&CreatedApiKey> for CreatedApiKeyBody {
    fn from(c: &CreatedApiKey) -> Self {
        Self { api_key: (&c.api_key).into(), key: c.key.expose().to_owned(), warning: KEY_WARNING }
    }
}

/// A page of API keys.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyList {
    /// Newest first.
    pub api_keys: Vec<ApiKeyBody>,
    /// Next page's cursor, or `null`.
    pub next_cursor: Option<String>,
}

/// Body of `POST /v1/tenants/{tenantID}/api-keys`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiKeyRequest {
    /// 1 to 200 characters.
    pub name: String,
}

// ---------- users ----------

/// A user (never the password hash).
#[derive(Debug, Serialize, ToSchema)]
pub struct UserBody {
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
pub struct UserEnvelope {
    /// The user.
    pub user: UserBody,
}

/// A page of users.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserList {
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
pub struct SessionBody {
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
}

impl From<&Session> for SessionBody {
    fn from(s: &Session) -> Self {
        Self {
            id: s.id.to_string(),
            auth_time: rfc3339(s.auth_time),
            amr: s.amr.clone(),
            created_at: rfc3339(s.created_at),
            expires_at: rfc3339(s.expires_at),
        }
    }
}

/// A user's second factors.
#[derive(Debug, Serialize, ToSchema)]
pub struct MfaBody {
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
pub struct PasskeyBody {
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
pub struct MfaEnvelope {
    /// The user's second factors.
    pub mfa: MfaBody,
}

/// A user's live sessions, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionList {
    /// At most 100.
    pub sessions: Vec<SessionBody>,
}

// ---------- clients ----------

/// A client: the full object. Registration's answer shows these fields too.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClientBody {
    /// `qci_…`, the OAuth `client_id`.
    pub id: String,
    /// Owning tenant.
    pub tenant_id: String,
    /// Display name, shown on the consent page.
    pub name: String,
    /// `public` or `confidential`.
    #[serde(rename = "type")]
    pub client_type: &'static str,
    /// Exact-match redirect URIs.
    pub redirect_uris: Vec<String>,
    /// URIs allowed after logout.
    pub post_logout_uris: Vec<String>,
    /// Allowed grant types.
    pub grant_types: Vec<&'static str>,
    /// Allowed scopes.
    pub scopes: Vec<String>,
    /// Whether PKCE (S256) is required.
    pub require_pkce: bool,
    /// Access-token lifetime override in seconds; `null`: the deployment's.
    pub access_token_ttl_seconds: Option<i64>,
    /// Refresh-token absolute lifetime override; `null`: the deployment's.
    pub refresh_token_ttl_seconds: Option<i64>,
    /// Refresh-token idle lifetime override; `null`: the deployment's.
    pub refresh_token_idle_seconds: Option<i64>,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
}

impl From<&Client> for ClientBody {
    fn from(c: &Client) -> Self {
        let s = &c.settings;
        Self {
            id: c.id.to_string(),
            tenant_id: c.tenant_id.to_string(),
            name: s.name().to_owned(),
            client_type: s.client_type().as_str(),
            redirect_uris: s.redirect_uris().iter().map(|u| u.as_str().to_owned()).collect(),
            post_logout_uris: s.post_logout_uris().iter().map(|u| u.as_str().to_owned()).collect(),
            grant_types: s.grant_types().iter().map(|g| g.as_str()).collect(),
            scopes: s.scopes().iter().map(|x| x.as_str().to_owned()).collect(),
            require_pkce: s.require_pkce(),
            access_token_ttl_seconds: s.lifetimes().access_token,
            refresh_token_ttl_seconds: s.lifetimes().refresh_token,
            refresh_token_idle_seconds: s.lifetimes().refresh_token_idle,
            created_at: rfc3339(c.created_at),
            updated_at: rfc3339(c.updated_at),
        }
    }
}

/// `{"client": …}`
#[derive(Debug, Serialize, ToSchema)]
pub struct ClientEnvelope {
    /// The client.
    pub client: ClientBody,
}

/// Registration's answer: the client, and for a confidential client its secret, shown once.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegisteredClientBody {
    /// The client.
    pub client: ClientBody,
    /// `qcs_…`; only for confidential clients.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    /// Present with a secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<&'static str>,
}

impl From<&RegisteredClient> for RegisteredClientBody {
    fn from(r: &RegisteredClient) -> Self {
        Self {
            client: (&r.client).into(),
            client_secret: r.secret.as_ref().map(|s| s.expose().to_owned()),
            warning: r.secret.as_ref().map(|_| SECRET_WARNING),
        }
    }
}

/// Rotation's answer: like registration, plus when the previous secret stops working.
#[derive(Debug, Serialize, ToSchema)]
pub struct RotatedSecretBody {
    /// The client.
    pub client: ClientBody,
    /// The new secret, shown once.
    pub client_secret: String,
    /// Reminder that the secret is shown once.
    pub warning: &'static str,
    /// RFC 3339; present when a grace period was asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_secret_expires_at: Option<String>,
}

impl From<&RotatedSecret> for RotatedSecretBody {
    fn from(r: &RotatedSecret) -> Self {
        Self {
            client: (&r.client).into(),
            client_secret: r.secret.expose().to_owned(),
            warning: SECRET_WARNING,
            previous_secret_expires_at: r.previous_secret_expires_at.map(rfc3339),
        }
    }
}

/// A page of clients.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClientList {
    /// Newest first.
    pub clients: Vec<ClientBody>,
    /// Next page's cursor, or `null`.
    pub next_cursor: Option<String>,
}

/// Body of `POST /v1/oidc/clients` (the Clients page's request).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterClientRequest {
    /// Owning tenant; may be left out with a tenant key (its own tenant).
    pub tenant_id: Option<String>,
    /// Display name, 1 to 200 characters.
    pub name: String,
    /// `public` (SPA/native, PKCE, no secret) or `confidential` (holds a secret).
    #[serde(rename = "type")]
    pub client_type: String,
    /// https, loopback http, or (public clients) a reverse-domain private-use scheme.
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    /// Where RP-initiated logout may return to.
    #[serde(default)]
    pub post_logout_uris: Vec<String>,
    /// Default `["authorization_code"]`.
    pub grant_types: Option<Vec<String>>,
    /// Default `["openid","profile","email","offline_access"]`.
    pub scopes: Option<Vec<String>>,
    /// Default true; always true for public clients.
    pub require_pkce: Option<bool>,
    /// Access-token lifetime, 60 to 86400 s (default: the deployment's).
    pub access_token_ttl_seconds: Option<i64>,
    /// Refresh-token absolute lifetime, 60 s to 1 year (default: the deployment's).
    pub refresh_token_ttl_seconds: Option<i64>,
    /// Refresh-token idle lifetime, 60 s to 1 year (default: the deployment's).
    pub refresh_token_idle_seconds: Option<i64>,
}

impl RegisterClientRequest {
    pub(crate) fn into_draft(self) -> (Option<String>, ClientDraft) {
        let draft = ClientDraft {
            name: self.name,
            client_type: self.client_type,
            redirect_uris: self.redirect_uris,
            post_logout_uris: self.post_logout_uris,
            grant_types: self.grant_types,
            scopes: self.scopes,
            require_pkce: self.require_pkce,
            lifetimes: ClientLifetimes {
                access_token: self.access_token_ttl_seconds,
                refresh_token: self.refresh_token_ttl_seconds,
                refresh_token_idle: self.refresh_token_idle_seconds,
            },
        };
        (self.tenant_id, draft)
    }
}

/// Body of `PATCH /v1/tenants/{tenantID}/oidc/clients/{id}`: fields left out stay as they are;
/// lists given replace the old ones.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateClientRequest {
    /// New display name.
    pub name: Option<String>,
    /// May be restated, never changed.
    #[serde(rename = "type")]
    pub client_type: Option<String>,
    /// New redirect URIs.
    pub redirect_uris: Option<Vec<String>>,
    /// New post-logout URIs.
    pub post_logout_uris: Option<Vec<String>>,
    /// New grant types.
    pub grant_types: Option<Vec<String>>,
    /// New scopes.
    pub scopes: Option<Vec<String>>,
    /// New PKCE requirement.
    pub require_pkce: Option<bool>,
    /// New access-token lifetime; 0 returns to the deployment's.
    pub access_token_ttl_seconds: Option<i64>,
    /// New refresh-token absolute lifetime; 0 returns to the deployment's.
    pub refresh_token_ttl_seconds: Option<i64>,
    /// New refresh-token idle lifetime; 0 returns to the deployment's.
    pub refresh_token_idle_seconds: Option<i64>,
}

impl From<UpdateClientRequest> for ClientPatch {
    fn from(r: UpdateClientRequest) -> Self {
        Self {
            name: r.name,
            client_type: r.client_type,
            redirect_uris: r.redirect_uris,
            post_logout_uris: r.post_logout_uris,
            grant_types: r.grant_types,
            scopes: r.scopes,
            require_pkce: r.require_pkce,
            lifetimes: ClientLifetimes {
                access_token: r.access_token_ttl_seconds,
                refresh_token: r.refresh_token_ttl_seconds,
                refresh_token_idle: r.refresh_token_idle_seconds,
            },
        }
    }
}

/// Body of `POST …/rotate-secret` (may be empty).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RotateSecretRequest {
    /// How long the previous secret keeps working, 0 to 604800 seconds (default 0).
    pub grace_period_seconds: Option<i64>,
}

// ---------- consent grants ----------

/// A consent grant.
#[derive(Debug, Serialize, ToSchema)]
pub struct GrantBody {
    /// `grt_…`
    pub id: String,
    /// Tenant.
    pub tenant_id: String,
    /// Who consented.
    pub user_id: String,
    /// To which client.
    pub client_id: String,
    /// Scopes consented to.
    pub scopes: Vec<String>,
    /// Whether the consent page is skipped next time.
    pub remembered: bool,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
}

impl From<&ConsentGrant> for GrantBody {
    fn from(g: &ConsentGrant) -> Self {
        Self {
            id: g.id.to_string(),
            tenant_id: g.tenant_id.to_string(),
            user_id: g.user_id.to_string(),
            client_id: g.client_id.to_string(),
            scopes: g.scopes.iter().map(|s| s.as_str().to_owned()).collect(),
            remembered: g.remembered,
            created_at: rfc3339(g.created_at),
            updated_at: rfc3339(g.updated_at),
        }
    }
}

/// A page of grants.
#[derive(Debug, Serialize, ToSchema)]
pub struct GrantList {
    /// Newest first.
    pub grants: Vec<GrantBody>,
    /// Next page's cursor, or `null`.
    pub next_cursor: Option<String>,
}

/// `?user_id=&client_id=&limit=&cursor=`
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct GrantQuery {
    /// Only this user's grants.
    pub user_id: Option<String>,
    /// Only this client's grants.
    pub client_id: Option<String>,
    /// Items per page, 1 to 200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A domain page as wire items and the next cursor.
pub(crate) fn items<'a, T, W: From<&'a T>>(page: &'a Page<T>) -> (Vec<W>, Option<String>) {
    (page.items.iter().map(W::from).collect(), page.next_cursor.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_rfc_3339_utc() {
        assert_eq!(rfc3339(UnixTime::from_secs(0)), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(UnixTime::from_secs(1_800_000_000)), "2027-01-15T08:00:00Z");
    }
}
