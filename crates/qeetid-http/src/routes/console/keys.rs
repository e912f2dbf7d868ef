//! The dashboard's tenant API keys: list, create (the key shown once), revoke after
//! a confirmation.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use qeetid_domain::ports::Store;
use qeetid_domain::{AdminError, ApiKey, ApiKeyId, Page};
use qeetid_render::{ConsoleKeyRow, ConsoleKeysView, ShownOnceView};
use serde::Deserialize;

use super::{
    ConfirmParts, Desk, answer, confirm_page, desk, form_desk, form_value, notice, page_request, render_page,
    see_other, shown_once_page,
};
use crate::HttpState;
use crate::routes::spawn;

/// The list's query.
#[derive(Deserialize)]
pub(crate) struct KeysQuery {
    after: Option<String>,
    done: Option<String>,
}

fn keys_page(
    state: &HttpState<impl Sized>,
    desk: &Desk,
    keys: Page<ApiKey>,
    name: &str,
    error: Option<String>,
    notice: Option<&str>,
) -> HttpResponse {
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let human_time = super::clock(state);
    let view = ConsoleKeysView {
        chrome: desk.chrome("keys", notice),
        keys: keys
            .items
            .iter()
            .map(|k| ConsoleKeyRow {
                id: k.id.to_string(),
                name: k.name.as_str().to_owned(),
                created_at: human_time(k.created_at),
            })
            .collect(),
        next_page: keys.next_cursor,
        name,
        error,
    };
    render_page(state, desk, status, state.renderer.console_keys_page(&view))
}

async fn keys<S: Store>(state: &HttpState<S>, desk: &Desk, after: Option<&str>) -> Result<Page<ApiKey>, HttpResponse> {
    let page = page_request(state, after)?;
    let (caller, tenant) = (desk.admin.caller(), desk.tenant_id().clone());
    answer(state, spawn(state, move |s| async move { s.admin.list_api_keys(&caller, &tenant, &page).await }).await)
}

/// `GET /admin/t/{tenant}/keys`
pub(crate) async fn list<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
    query: web::Query<KeysQuery>,
) -> HttpResponse {
    let desk = or_answer!(desk(&req, &state, &path).await);
    match keys(&state, &desk, query.after.as_deref()).await {
        Ok(page) => keys_page(&state, &desk, page, "", None, notice(query.done.as_deref())),
        Err(response) => response,
    }
}

/// `POST /admin/t/{tenant}/keys/new`: the key is shown once.
pub(crate) async fn create<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let (desk, pairs) = or_answer!(form_desk(&req, &state, &path, &body).await);
    let name = form_value(&pairs, "name").trim().to_owned();
    let (caller, tenant, key_name) = (desk.admin.caller(), desk.tenant_id().clone(), name.clone());
    let outcome =
        spawn(&state, move |s| async move { s.admin.create_api_key(&caller, &tenant, &key_name).await }).await;
    let created = match outcome {
        Ok(Err(AdminError::Invalid(e))) => {
            return match keys(&state, &desk, None).await {
                Ok(page) => keys_page(&state, &desk, page, &name, Some(e.message), None),
                Err(response) => response,
            };
        }
        other => or_answer!(answer(&state, other)),
    };
    let back = format!("/admin/t/{}/keys", desk.tenant_id());
    let view = ShownOnceView {
        title: "New API key",
        chrome: desk.chrome("keys", None),
        label: "API key",
        value: created.key.expose(),
        warning: "Store the key now — it is not retrievable later.",
        owner: None,
        note: None,
        back: &back,
    };
    shown_once_page(&state, &desk, &view)
}

/// The path's tenant and key.
type KeyPath = web::Path<(String, String)>;

fn key_id<S>(state: &HttpState<S>, raw: &str) -> Result<ApiKeyId, HttpResponse> {
    ApiKeyId::parse(raw)
        .map_err(|_| super::error_page(state, StatusCode::NOT_FOUND, "Not found", "There is no such API key."))
}

/// `GET /admin/t/{tenant}/keys/{id}/delete`: the confirmation.
pub(crate) async fn confirm_delete<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: KeyPath,
) -> HttpResponse {
    let (tenant, id) = path.into_inner();
    let desk = or_answer!(desk(&req, &state, &tenant).await);
    if let Err(response) = key_id(&state, &id) {
        return response;
    }
    let title = format!("Revoke API key {id}?");
    let back = format!("/admin/t/{}/keys", desk.tenant_id());
    let parts = ConfirmParts {
        title: &title,
        message: "Scripts and services using this key get 401 from the next request on.",
        button: "Revoke key",
        back: &back,
    };
    confirm_page(&state, &desk, "keys", parts)
}

/// `POST /admin/t/{tenant}/keys/{id}/delete`
pub(crate) async fn delete<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: KeyPath,
    body: web::Bytes,
) -> HttpResponse {
    let (tenant, id) = path.into_inner();
    let (desk, _) = or_answer!(form_desk(&req, &state, &tenant, &body).await);
    let id = or_answer!(key_id(&state, &id));
    let (caller, tenant) = (desk.admin.caller(), desk.tenant_id().clone());
    match answer(
        &state,
        spawn(&state, move |s| async move { s.admin.delete_api_key(&caller, &tenant, &id).await }).await,
    ) {
        Ok(()) => see_other(&format!("/admin/t/{}/keys?done=key-revoked", desk.tenant_id())),
        Err(response) => response,
    }
}
