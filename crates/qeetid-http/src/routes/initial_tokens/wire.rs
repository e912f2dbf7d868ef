//! The admin API's JSON shapes for initial access tokens and their conversions.

use qeetid_domain::registration::InitialAccessToken;
use qeetid_domain::services::{CreatedInitialToken, NewInitialToken};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::wire::{KEY_WARNING, rfc3339};

/// An initial access token (never the token itself, except once at creation).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct InitialTokenBody {
    /// `iat_…`
    pub id: String,
    /// What it is for.
    pub label: String,
    /// RFC 3339; `null`: never expires.
    pub expires_at: Option<String>,
    /// Registrations it still admits; `null`: unlimited.
    pub uses_left: Option<u32>,
    /// RFC 3339.
    pub created_at: String,
}

impl From<&InitialAccessToken> for InitialTokenBody {
    fn from(t: &InitialAccessToken) -> Self {
        Self {
            id: t.id.to_string(),
            label: t.label.clone(),
            expires_at: t.expires_at.map(rfc3339),
            uses_left: t.uses_left,
            created_at: rfc3339(t.created_at),
        }
    }
}

/// `POST …/oauth/initial-access-tokens` answer: the token is shown once.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CreatedInitialTokenBody {
    /// The stored token.
    pub initial_access_token: InitialTokenBody,
    /// `qit_…`: send as `Authorization: Bearer <token>` to `POST /v1/oauth/register`.
    pub token: String,
    /// Reminder that the token is shown once.
    pub warning: &'static str,
}

impl From<&CreatedInitialToken> for CreatedInitialTokenBody {
    fn from(c: &CreatedInitialToken) -> Self {
        Self { initial_access_token: (&c.token).into(), token: c.secret.expose().to_owned(), warning: KEY_WARNING }
    }
}

/// The tenant's initial access tokens.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct InitialTokenList {
    /// Newest first.
    pub initial_access_tokens: Vec<InitialTokenBody>,
}

/// Body of `POST /v1/tenants/{tenantID}/oauth/initial-access-tokens`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct InitialTokenRequest {
    /// 1 to 200 characters.
    pub label: String,
    /// Seconds until it expires (60 to 31 536 000); left out: never.
    pub expires_in_seconds: Option<i64>,
    /// Registrations it admits (1 to 100 000); left out: unlimited.
    pub max_uses: Option<u32>,
}

impl From<InitialTokenRequest> for NewInitialToken {
    fn from(r: InitialTokenRequest) -> Self {
        Self { label: r.label, expires_in: r.expires_in_seconds, max_uses: r.max_uses }
    }
}
