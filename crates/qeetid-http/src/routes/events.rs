//! `GET /v1/tenants/{tenantID}/events`: the audit trail.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use qeetid_domain::audit::{AuditEvent, EventFilter, EventKind};
use qeetid_domain::ports::Store;
use qeetid_domain::{AdminError, UnixTime, UserId, ValidationError};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::{IntoParams, ToSchema};

use super::{Admin, run, tenant_id};
use crate::HttpState;
use crate::answers::{ApiError, ErrorBody};
use crate::wire::rfc3339;

/// One audit event.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct EventBody {
    /// `evt_…`
    pub id: String,
    /// What happened: `sign_in.succeeded`, `sign_in.failed`, `sign_in.throttled`,
    /// `second_factor.failed`, `sign_out`, `consent.granted`, `consent.revoked`,
    /// `token.reuse_detected`, `password.changed`, `factor.changed`, `admin.change`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// RFC 3339.
    pub at: String,
    /// Who: `user:usr_…`, `admin:usr_…` (a dashboard admin), `api_key:key_…`, `operator`, `system`.
    pub actor: String,
    /// The user it concerns.
    pub user_id: Option<String>,
    /// The client it concerns.
    pub client_id: Option<String>,
    /// The client's network address, when known.
    pub address: Option<String>,
    /// More: `reason`, `action`, `target`, `before.<field>` / `after.<field>` (never a secret).
    pub details: BTreeMap<String, String>,
}

impl From<&AuditEvent> for EventBody {
    fn from(e: &AuditEvent) -> Self {
        Self {
            id: e.id.to_string(),
            kind: e.kind.as_str(),
            at: rfc3339(e.at),
            actor: e.actor.clone(),
            user_id: e.user_id.as_ref().map(ToString::to_string),
            client_id: e.client_id.clone(),
            address: e.address.clone(),
            details: e.details.iter().cloned().collect(),
        }
    }
}

/// A page of events.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct EventList {
    /// Newest first.
    pub events: Vec<EventBody>,
    /// Next page's cursor, or `null`.
    pub next_cursor: Option<String>,
}

/// `?type=&user_id=&client_id=&since=&until=&limit=&cursor=`
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub(crate) struct EventQuery {
    /// Only events of this type.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub kind: Option<String>,
    /// Only events concerning this user.
    pub user_id: Option<String>,
    /// Only events concerning this client.
    pub client_id: Option<String>,
    /// At or after this time (RFC 3339).
    pub since: Option<String>,
    /// Before this time (RFC 3339).
    pub until: Option<String>,
    /// Items per page, 1 to 200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

fn time_of(field: &str, raw: Option<&str>) -> Result<Option<UnixTime>, AdminError> {
    raw.map(|text| {
        OffsetDateTime::parse(text, &Rfc3339)
            .map(|t| UnixTime::from_secs(t.unix_timestamp()))
            .map_err(|_| ValidationError::new(field, "an RFC 3339 time, such as 2026-12-06T12:00:00Z").into())
    })
    .transpose()
}

impl EventQuery {
    /// The filter this query asks for.
    pub(crate) fn filter(&self) -> Result<EventFilter, AdminError> {
        let kind = match self.kind.as_deref().filter(|k| !k.is_empty()) {
            None => None,
            Some(name) => Some(EventKind::parse(name).ok_or_else(|| {
                let names: Vec<&str> = EventKind::ALL.iter().map(|k| k.as_str()).collect();
                ValidationError::new("type", format!("one of {}", names.join(", ")))
            })?),
        };
        let user_id = self
            .user_id
            .as_deref()
            .filter(|u| !u.is_empty())
            .map(UserId::parse)
            .transpose()
            .map_err(|e| ValidationError::new("user_id", e))?;
        Ok(EventFilter {
            kind,
            user_id,
            client_id: self.client_id.clone().filter(|c| !c.is_empty()),
            since: time_of("since", self.since.as_deref())?,
            until: time_of("until", self.until.as_deref())?,
        })
    }
}

/// The tenant's audit trail, newest first.
#[utoipa::path(get, path = "/v1/tenants/{tenantID}/events", tag = "events",
    params(("tenantID" = String, Path, description = "tnt_…"), EventQuery),
    responses((status = 200, body = EventList), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn list<S: Store>(
    Admin(caller): Admin,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
    query: web::Query<EventQuery>,
) -> Result<HttpResponse, ApiError> {
    let tenant = tenant_id(&path)?;
    let filter = query.filter()?;
    let page = qeetid_domain::PageRequest::parse(query.limit, query.cursor.as_deref()).map_err(AdminError::from)?;
    let page = run(&state, move |s| async move { s.admin.list_events(&caller, &tenant, &filter, &page).await }).await?;
    let events = page.items.iter().map(EventBody::from).collect();
    Ok(HttpResponse::Ok().json(EventList { events, next_cursor: page.next_cursor.clone() }))
}
