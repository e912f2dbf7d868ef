//! The admin API's JSON shapes for API keys and their conversions.

use qeetid_domain::services::CreatedApiKey;
use qeetid_domain::{ApiKey, KeyScope};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::wire::{KEY_WARNING, rfc3339};

/// An API key (never the key itself, except once at creation beside it).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ApiKeyBody {
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
pub(crate) struct CreatedApiKeyBody {
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
pub(crate) struct ApiKeyList {
    /// Newest first.
    pub api_keys: Vec<ApiKeyBody>,
    /// Next page's cursor, or `null`.
    pub next_cursor: Option<String>,
}

/// Body of `POST /v1/tenants/{tenantID}/api-keys`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ApiKeyRequest {
    /// 1 to 200 characters.
    pub name: String,
}
