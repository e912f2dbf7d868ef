//! The admin API's JSON shapes for consent grants and their conversions.

use qeetid_domain::oauth::{ConsentGrant, TokenExchangeRecord};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::wire::rfc3339;

/// A consent grant.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct GrantBody {
    /// `grt_…`
    pub id: String,
    /// Tenant.
    pub tenant_id: String,
    /// Who consented.
    pub user_id: String,
    /// The `sub` the client sees for that user: `user_id`, or the client's pairwise
    /// value (OIDC Core §8).
    pub subject: String,
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

impl GrantBody {
    /// The grant, with the `subject` its client sees.
    pub(crate) fn of(g: &ConsentGrant, subject: String) -> Self {
        Self {
            id: g.id.to_string(),
            tenant_id: g.tenant_id.to_string(),
            user_id: g.user_id.to_string(),
            subject,
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
pub(crate) struct GrantList {
    /// Newest first.
    pub grants: Vec<GrantBody>,
    /// Next page's cursor, or `null`.
    pub next_cursor: Option<String>,
}

/// `?user_id=&client_id=&limit=&cursor=`
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub(crate) struct GrantQuery {
    /// Only this user's grants.
    pub user_id: Option<String>,
    /// Only this client's grants.
    pub client_id: Option<String>,
    /// Items per page, 1 to 200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A token exchange (RFC 8693) made for a user.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TokenExchangeBody {
    /// The issued access token's `jti`.
    pub id: String,
    /// The user the token is for.
    pub user_id: String,
    /// The client that exchanged.
    pub client_id: String,
    /// The client the subject token had been issued to.
    pub subject_client_id: String,
    /// Who acted for the user (`act.sub`); `null` for an impersonation.
    pub actor: Option<String>,
    /// The new token's audience.
    pub audience: String,
    /// Its scopes.
    pub scopes: Vec<String>,
    /// RFC 3339.
    pub created_at: String,
}

impl From<&TokenExchangeRecord> for TokenExchangeBody {
    fn from(r: &TokenExchangeRecord) -> Self {
        Self {
            id: r.id.clone(),
            user_id: r.user_id.to_string(),
            client_id: r.client_id.to_string(),
            subject_client_id: r.subject_client_id.to_string(),
            actor: r.actor.clone(),
            audience: r.audience.clone(),
            scopes: r.scope.iter().map(|s| s.as_str().to_owned()).collect(),
            created_at: rfc3339(r.created_at),
        }
    }
}

/// A page of a user's token exchanges.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TokenExchangeList {
    /// Newest first.
    pub token_exchanges: Vec<TokenExchangeBody>,
    /// Next page's cursor, or `null`.
    pub next_cursor: Option<String>,
}

/// `?limit=&cursor=`
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub(crate) struct PageQuery {
    /// Items per page, 1 to 200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}
