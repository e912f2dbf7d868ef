//! `/v1/tenants/{tenantID}/api-keys…`

pub(crate) mod wire;

use actix_web::{HttpResponse, web};
use qeetid_domain::ports::Store;

use super::{Admin, api_key_id, run, tenant_id};
use crate::HttpState;
use crate::answers::{ApiError, ErrorBody};
use crate::json::Json;
use crate::wire::{ListQuery, items};
use wire::{ApiKeyList, ApiKeyRequest, CreatedApiKeyBody};

/// Create a tenant API key; the key is in the answer, once.
#[utoipa::path(post, path = "/v1/tenants/{tenantID}/api-keys", tag = "api-keys", request_body = ApiKeyRequest,
    params(("tenantID" = String, Path, description = "tnt_…")),
    responses((status = 201, body = CreatedApiKeyBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn create<S: Store>(
    Admin(caller): Admin,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
    Json(body): Json<ApiKeyRequest>,
) -> Result<HttpResponse, ApiError> {
    let tenant = tenant_id(&path)?;
    let created =
        run(&state, move |s| async move { s.admin.create_api_key(&caller, &tenant, &body.name).await }).await?;
    Ok(HttpResponse::Created().json(CreatedApiKeyBody::from(&created)))
}

/// List a tenant's API keys (never the keys).
#[utoipa::path(get, path = "/v1/tenants/{tenantID}/api-keys", tag = "api-keys",
    params(("tenantID" = String, Path, description = "tnt_…"), ListQuery),
    responses((status = 200, body = ApiKeyList), (status = 404, body = ErrorBody)))]
pub(crate) async fn list<S: Store>(
    Admin(caller): Admin,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let tenant = tenant_id(&path)?;
    let page = query.page()?;
    let page = run(&state, move |s| async move { s.admin.list_api_keys(&caller, &tenant, &page).await }).await?;
    let (api_keys, next_cursor) = items(&page);
    Ok(HttpResponse::Ok().json(ApiKeyList { api_keys, next_cursor }))
}

/// Revoke a tenant API key.
#[utoipa::path(delete, path = "/v1/tenants/{tenantID}/api-keys/{id}", tag = "api-keys",
    params(("tenantID" = String, Path, description = "tnt_…"), ("id" = String, Path, description = "key_…")),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn delete<S: Store>(
    Admin(caller): Admin,
    state: web::Data<HttpState<S>>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (tenant, id) = path.into_inner();
    let tenant = tenant_id(&tenant)?;
    let key = api_key_id(&id)?;
    run(&state, move |s| async move { s.admin.delete_api_key(&caller, &tenant, &key).await }).await?;
    Ok(HttpResponse::NoContent().finish())
}
