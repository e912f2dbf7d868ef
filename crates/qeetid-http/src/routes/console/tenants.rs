//! The dashboard's tenants page, for deployment admins: every tenant, create one,
//! rename one. A tenant admin is refused (403) even by a hand-made request.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use qeetid_domain::ports::Store;
use qeetid_domain::services::TenantPatch;
use qeetid_domain::{AdminError, AdminRole, Page, Tenant, TenantId};
use qeetid_render::{ConsoleTenantRow, ConsoleTenantsView};
use serde::Deserialize;

use super::{Desk, answer, desk, form_desk, form_value, notice, page_request, render_page, see_other};
use crate::HttpState;
use crate::routes::spawn;

/// The list's query.
#[derive(Deserialize)]
pub(crate) struct TenantsQuery {
    after: Option<String>,
    done: Option<String>,
}

fn only_deployment_admins<S>(state: &HttpState<S>, desk: &Desk) -> Result<(), HttpResponse> {
    if desk.admin.role == AdminRole::Deployment {
        Ok(())
    } else {
        let own = format!("/admin/t/{}/clients", desk.tenant_id());
        Err(crate::answers::error_page_onward(
            state,
            StatusCode::FORBIDDEN,
            ("Not allowed", "Only deployment admins manage tenants; your role manages your own tenant."),
            ("Back to your tenant's clients", &own),
        ))
    }
}

async fn tenants<S: Store>(
    state: &HttpState<S>,
    desk: &Desk,
    after: Option<&str>,
) -> Result<Page<Tenant>, HttpResponse> {
    let page = page_request(state, after)?;
    let caller = desk.admin.caller();
    answer(state, spawn(state, move |s| async move { s.admin.list_tenants(&caller, &page).await }).await)
}

fn tenants_page(
    state: &HttpState<impl Sized>,
    desk: &Desk,
    tenants: Page<Tenant>,
    name: &str,
    error: Option<String>,
    notice: Option<&str>,
) -> HttpResponse {
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let human_time = super::clock(state);
    let view = ConsoleTenantsView {
        chrome: desk.chrome("tenants", notice),
        tenants: tenants
            .items
            .iter()
            .map(|t| ConsoleTenantRow {
                id: t.id.to_string(),
                name: t.name.as_str().to_owned(),
                slug: t.slug.to_string(),
                created_at: human_time(t.created_at),
            })
            .collect(),
        next_page: tenants.next_cursor,
        name,
        error,
    };
    render_page(state, desk, status, state.renderer.console_tenants_page(&view))
}

/// `GET /admin/t/{tenant}/tenants`
pub(crate) async fn list<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
    query: web::Query<TenantsQuery>,
) -> HttpResponse {
    let desk = or_answer!(desk(&req, &state, &path).await);
    if let Err(response) = only_deployment_admins(&state, &desk) {
        return response;
    }
    match tenants(&state, &desk, query.after.as_deref()).await {
        Ok(page) => tenants_page(&state, &desk, page, "", None, notice(query.done.as_deref())),
        Err(response) => response,
    }
}

/// What a create or rename answered: back to the list, or the list with the error.
async fn after_change<S: Store>(
    state: &HttpState<S>,
    desk: &Desk,
    outcome: Result<Result<Tenant, AdminError>, tokio::task::JoinError>,
    name: &str,
    done: &str,
) -> HttpResponse {
    let error = match outcome {
        Ok(Err(AdminError::Invalid(e))) => format!("{}: {}", e.field, e.message),
        Ok(Err(AdminError::Conflict(message))) => message,
        other => {
            return match answer(state, other) {
                Ok(_) => see_other(&format!("/admin/t/{}/tenants?done={done}", desk.tenant_id())),
                Err(response) => response,
            };
        }
    };
    match tenants(state, desk, None).await {
        Ok(page) => tenants_page(state, desk, page, name, Some(error), None),
        Err(response) => response,
    }
}

/// `POST /admin/t/{tenant}/tenants/new`
pub(crate) async fn create<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let (desk, pairs) = or_answer!(form_desk(&req, &state, &path, &body).await);
    if let Err(response) = only_deployment_admins(&state, &desk) {
        return response;
    }
    let name = form_value(&pairs, "name").trim().to_owned();
    let slug = form_value(&pairs, "slug").trim().to_owned();
    let (caller, new_name) = (desk.admin.caller(), name.clone());
    let outcome = spawn(&state, move |s| async move {
        let slug = Some(slug.as_str()).filter(|s| !s.is_empty());
        s.admin.create_tenant_with_slug(&caller, &new_name, slug).await
    })
    .await;
    after_change(&state, &desk, outcome, &name, "tenant-created").await
}

/// `POST /admin/t/{tenant}/tenants/{id}/rename`
pub(crate) async fn rename<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> HttpResponse {
    let (tenant, id) = path.into_inner();
    let (desk, pairs) = or_answer!(form_desk(&req, &state, &tenant, &body).await);
    if let Err(response) = only_deployment_admins(&state, &desk) {
        return response;
    }
    let Ok(id) = TenantId::parse(&id) else {
        return super::error_page(&state, StatusCode::NOT_FOUND, "Not found", "There is no such tenant.");
    };
    let name = form_value(&pairs, "name").trim().to_owned();
    let slug = form_value(&pairs, "slug").trim().to_owned();
    let patch =
        TenantPatch { name: Some(name.clone()), slug: Some(slug).filter(|s| !s.is_empty()), ..TenantPatch::default() };
    let caller = desk.admin.caller();
    let outcome = spawn(&state, move |s| async move { s.admin.update_tenant(&caller, &id, patch).await }).await;
    after_change(&state, &desk, outcome, &name, "tenant-renamed").await
}
