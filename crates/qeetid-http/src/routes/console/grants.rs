//! The dashboard's consent grants: list per tenant, filter by user or client, revoke.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use qeetid_domain::oauth::GrantFilter;
use qeetid_domain::ports::Store;
use qeetid_domain::{GrantId, PageRequest};
use qeetid_render::{ConsoleGrantRow, ConsoleGrantsView};
use serde::Deserialize;

use super::{answer, desk, form_desk, notice};
use crate::HttpState;
use crate::routes::pages::html;
use crate::routes::spawn;

/// The list's query: filters as typed, the page, and the last action.
#[derive(Deserialize)]
pub(crate) struct GrantsQuery {
    user: Option<String>,
    client: Option<String>,
    after: Option<String>,
    done: Option<String>,
}

/// `GET /admin/t/{tenant}/grants?user=&client=`: newest first, each with its user's
/// e-mail and its client's name. The user filter takes an e-mail or an id, the client
/// filter a name or an id; one that names nobody matches nothing (and says so).
pub(crate) async fn list<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
    query: web::Query<GrantsQuery>,
) -> HttpResponse {
    let desk = or_answer!(desk(&req, &state, &path).await);
    let Ok(page) = PageRequest::parse(None, query.after.as_deref()) else {
        return super::error_page(&state, StatusCode::BAD_REQUEST, "Bad page", "That page link is not valid.");
    };
    let user = query.user.as_deref().map(str::trim).unwrap_or("");
    let client = query.client.as_deref().map(str::trim).unwrap_or("");
    // `Some(Err(()))`: a filter that names nobody (the list is empty, and says so).
    let user_id = or_answer!(desk.user_filter(&state, user).await).map(|found| found.ok_or(()));
    let client_id = or_answer!(desk.client_filter(&state, client).await).map(|found| found.ok_or(()));
    let grants = match (user_id.transpose(), client_id.transpose()) {
        (Ok(user_id), Ok(client_id)) => {
            let filter = GrantFilter { user_id, client_id };
            let (caller, tenant) = (desk.admin.caller(), desk.tenant_id().clone());
            let listed =
                spawn(&state, move |s| async move { s.admin.list_grants(&caller, &tenant, &filter, &page).await });
            or_answer!(answer(&state, listed.await))
        }
        _ => qeetid_domain::Page { items: Vec::new(), next_cursor: None },
    };
    let names = {
        let (tenant, items) = (desk.tenant_id().clone(), grants.items.clone());
        let named = spawn(&state, move |s| async move { s.admin.grant_names(&tenant, &items).await });
        or_answer!(answer(&state, named.await))
    };
    let human_time = super::clock(&state);
    let rows = grants
        .items
        .iter()
        .zip(names)
        .map(|(g, (user_email, client_name))| ConsoleGrantRow {
            id: g.id.to_string(),
            user_id: g.user_id.to_string(),
            user_email,
            client_id: g.client_id.to_string(),
            client_name,
            scopes: g.scopes.to_delimited(),
            created_at: human_time(g.created_at),
        })
        .collect();
    let view = ConsoleGrantsView {
        chrome: desk.chrome("grants", notice(query.done.as_deref())),
        user,
        client,
        grants: rows,
        next_page: grants.next_cursor,
    };
    desk.finish(&state, html(StatusCode::OK, state.renderer.console_grants_page(&view)))
}

/// `POST /admin/t/{tenant}/grants/{id}/revoke`: deletes the grant and revokes its
/// refresh tokens.
pub(crate) async fn revoke<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> HttpResponse {
    let (tenant, id) = path.into_inner();
    let (desk, _) = or_answer!(form_desk(&req, &state, &tenant, &body).await);
    let Ok(id) = GrantId::parse(&id) else {
        return super::error_page(&state, StatusCode::NOT_FOUND, "Not found", "There is no such grant.");
    };
    let (caller, tenant) = (desk.admin.caller(), desk.tenant_id().clone());
    match answer(&state, spawn(&state, move |s| async move { s.admin.revoke_grant(&caller, &tenant, &id).await }).await)
    {
        Ok(()) => HttpResponse::SeeOther()
            .insert_header((header::LOCATION, format!("/admin/t/{}/grants?done=revoked", desk.tenant_id())))
            .finish(),
        Err(response) => response,
    }
}
