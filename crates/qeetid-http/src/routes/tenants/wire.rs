//! The admin API's JSON shapes for tenants and their conversions.

use qeetid_domain::Tenant;
use qeetid_domain::services::TenantPatch;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::wire::rfc3339;

/// A tenant.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TenantBody {
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
pub(crate) struct TenantEnvelope {
    /// The tenant.
    pub tenant: TenantBody,
}

/// A page of tenants.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TenantList {
    /// Newest first.
    pub tenants: Vec<TenantBody>,
    /// Pass as `?cursor=` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

/// Body of `POST /v1/tenants`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TenantRequest {
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
