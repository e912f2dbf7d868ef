//! The dashboard's audit trail: the tenant's events, newest first, filtered by type
//! or user (by e-mail or id), with users' e-mails and clients' names.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use qeetid_domain::PageRequest;
use qeetid_domain::audit::{EventFilter, EventKind};
use qeetid_domain::ports::Store;
use qeetid_render::{ConsoleEventRow, ConsoleEventsView};
use serde::Deserialize;

use super::{answer, desk, notice};
use crate::HttpState;
use crate::routes::pages::html;
use crate::routes::spawn;
use crate::wire::rfc3339;

/// The list's query: filters as chosen, and the page.
#[derive(Deserialize)]
pub(crate) struct EventsQuery {
    #[serde(rename = "type")]
    kind: Option<String>,
    user: Option<String>,
    after: Option<String>,
}

/// `GET /admin/t/{tenant}/events?type=&user=`.
pub(crate) async fn list<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
    query: web::Query<EventsQuery>,
) -> HttpResponse {
    let desk = or_answer!(desk(&req, &state, &path).await);
    let Ok(page) = PageRequest::parse(None, query.after.as_deref()) else {
        return super::error_page(&state, StatusCode::BAD_REQUEST, "Bad page", "That page link is not valid.");
    };
    let kind_text = query.kind.as_deref().map(str::trim).unwrap_or("");
    let kind = EventKind::parse(kind_text);
    let user = query.user.as_deref().map(str::trim).unwrap_or("");
    let user_id = or_answer!(desk.user_filter(&state, user).await);
    let events = match user_id {
        Some(None) => qeetid_domain::Page { items: Vec::new(), next_cursor: None },
        _ if !kind_text.is_empty() && kind.is_none() => qeetid_domain::Page { items: Vec::new(), next_cursor: None },
        user_id => {
            let filter = EventFilter { kind, user_id: user_id.flatten(), ..EventFilter::default() };
            let (caller, tenant) = (desk.admin.caller(), desk.tenant_id().clone());
            let listed =
                spawn(&state, move |s| async move { s.admin.list_events(&caller, &tenant, &filter, &page).await });
            or_answer!(answer(&state, listed.await))
        }
    };
    let names = {
        let (tenant, items) = (desk.tenant_id().clone(), events.items.clone());
        let named = spawn(&state, move |s| async move { s.admin.event_names(&tenant, &items).await });
        or_answer!(answer(&state, named.await))
    };
    let rows = events
        .items
        .iter()
        .zip(names)
        .map(|(e, (user_email, client_name, actor_email))| ConsoleEventRow {
            at: rfc3339(e.at),
            kind: e.kind.as_str(),
            actor: e.actor.clone(),
            actor_email,
            user_id: e.user_id.as_ref().map(ToString::to_string),
            user_email,
            client_id: e.client_id.clone(),
            client_name,
            address: e.address.clone(),
            details: e.details.clone(),
        })
        .collect();
    let view = ConsoleEventsView {
        chrome: desk.chrome("events", notice(None)),
        kind: kind_text,
        kinds: EventKind::ALL.iter().map(|k| k.as_str()).collect(),
        user,
        events: rows,
        next_page: events.next_cursor,
    };
    desk.finish(&state, html(StatusCode::OK, state.renderer.console_events_page(&view)))
}
