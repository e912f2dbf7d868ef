//! `/v1/tenants…`

pub(crate) mod wire;

use actix_web::{HttpResponse, web};
use qeetid_domain::logo::LOGO_MAX_BYTES;
use qeetid_domain::ports::Store;

use super::{Admin, run, tenant_id};
use crate::HttpState;
use crate::answers::{ApiError, ErrorBody};
use crate::json::Json;
use crate::wire::{ListQuery, items};
use wire::{ResourcesRequest, TenantEnvelope, TenantList, TenantRequest, UpdateTenantRequest};

/// Create a tenant (deployment keys only).
#[utoipa::path(post, path = "/v1/tenants", tag = "tenants", request_body = TenantRequest,
    responses((status = 201, body = TenantEnvelope), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn create<S: Store>(
    Admin(caller): Admin,
    state: web::Data<HttpState<S>>,
    Json(body): Json<TenantRequest>,
) -> Result<HttpResponse, ApiError> {
    let tenant = run(&state, move |s| async move {
        s.admin.create_tenant_with_slug(&caller, &body.name, body.slug.as_deref()).await
    })
    .await?;
    Ok(HttpResponse::Created().json(TenantEnvelope { tenant: (&tenant).into() }))
}

/// List tenants: all of them for a deployment key, its own for a tenant key.
#[utoipa::path(get, path = "/v1/tenants", tag = "tenants", params(ListQuery),
    responses((status = 200, body = TenantList)))]
pub(crate) async fn list<S: Store>(
    Admin(caller): Admin,
    state: web::Data<HttpState<S>>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = query.page()?;
    let page = run(&state, move |s| async move { s.admin.list_tenants(&caller, &page).await }).await?;
    let (tenants, next_cursor) = items(&page);
    Ok(HttpResponse::Ok().json(TenantList { tenants, next_cursor }))
}

/// Get a tenant.
#[utoipa::path(get, path = "/v1/tenants/{tenantID}", tag = "tenants",
    params(("tenantID" = String, Path, description = "tnt_…")),
    responses((status = 200, body = TenantEnvelope), (status = 404, body = ErrorBody)))]
pub(crate) async fn get<S: Store>(
    Admin(caller): Admin,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let tenant = tenant_id(&path)?;
    let tenant = run(&state, move |s| async move { s.admin.get_tenant(&caller, &tenant).await }).await?;
    Ok(HttpResponse::Ok().json(TenantEnvelope { tenant: (&tenant).into() }))
}

/// Change a tenant: rename it (deployment keys only), or require a second factor of
/// every user (its own keys too).
#[utoipa::path(patch, path = "/v1/tenants/{tenantID}", tag = "tenants", request_body = UpdateTenantRequest,
    params(("tenantID" = String, Path, description = "tnt_…")),
    responses((status = 200, body = TenantEnvelope), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn rename<S: Store>(
    Admin(caller): Admin,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
    Json(body): Json<UpdateTenantRequest>,
) -> Result<HttpResponse, ApiError> {
    let tenant = tenant_id(&path)?;
    let tenant =
        run(&state, move |s| async move { s.admin.update_tenant(&caller, &tenant, body.into()).await }).await?;
    Ok(HttpResponse::Ok().json(TenantEnvelope { tenant: (&tenant).into() }))
}

/// Set the resources (RFC 8707) the tenant's tokens may be for, each with the scopes
/// it accepts; `null` accepts any absolute resource URI.
#[utoipa::path(put, path = "/v1/tenants/{tenantID}/oauth/resources", tag = "tenants", request_body = ResourcesRequest,
    params(("tenantID" = String, Path, description = "tnt_…")),
    responses((status = 200, body = TenantEnvelope), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn set_resources<S: Store>(
    Admin(caller): Admin,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
    Json(body): Json<ResourcesRequest>,
) -> Result<HttpResponse, ApiError> {
    let tenant = tenant_id(&path)?;
    let known = body.into_known();
    let tenant =
        run(&state, move |s| async move { s.admin.set_tenant_resources(&caller, &tenant, known).await }).await?;
    Ok(HttpResponse::Ok().json(TenantEnvelope { tenant: (&tenant).into() }))
}

/// Delete a tenant and everything it owns (deployment keys only).
#[utoipa::path(delete, path = "/v1/tenants/{tenantID}", tag = "tenants",
    params(("tenantID" = String, Path, description = "tnt_…")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub(crate) async fn delete<S: Store>(
    Admin(caller): Admin,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let tenant = tenant_id(&path)?;
    run(&state, move |s| async move { s.admin.delete_tenant(&caller, &tenant).await }).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The request's body, refused past `limit` bytes without reading further.
async fn body_within(mut payload: web::Payload, limit: usize) -> Result<Vec<u8>, ApiError> {
    use futures_util::StreamExt as _;
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::bad_request(format!("the body could not be read: {e}"), None))?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::TooLarge(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Upload the tenant's logo: the image as the body (`Content-Type: image/png`,
/// `image/jpeg` or `image/webp`; SVG is refused), at most 256 KiB. It appears beside
/// the tenant's name on its hosted pages, the account page and e-mail, served under
/// a name that changes with the image (`branding.logo_url`).
#[utoipa::path(put, path = "/v1/tenants/{tenantID}/logo", tag = "tenants",
    request_body(content = Vec<u8>, content_type = "image/png"),
    params(("tenantID" = String, Path, description = "tnt_…")),
    responses((status = 200, body = TenantEnvelope), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn put_logo<S: Store>(
    Admin(caller): Admin,
    req: actix_web::HttpRequest,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let tenant = tenant_id(&path)?;
    let declared = req.headers().get(actix_web::http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let logo = qeetid_domain::logo::LogoImage::parse(declared, body_within(payload, LOGO_MAX_BYTES).await?)
        .map_err(qeetid_domain::AdminError::from)?;
    let tenant =
        run(&state, move |s| async move { s.admin.set_tenant_logo(&caller, &tenant, Some(logo)).await }).await?;
    Ok(HttpResponse::Ok().json(TenantEnvelope { tenant: (&tenant).into() }))
}

/// Remove the tenant's logo.
#[utoipa::path(delete, path = "/v1/tenants/{tenantID}/logo", tag = "tenants",
    params(("tenantID" = String, Path, description = "tnt_…")),
    responses((status = 200, body = TenantEnvelope), (status = 404, body = ErrorBody)))]
pub(crate) async fn delete_logo<S: Store>(
    Admin(caller): Admin,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let tenant = tenant_id(&path)?;
    let tenant = run(&state, move |s| async move { s.admin.set_tenant_logo(&caller, &tenant, None).await }).await?;
    Ok(HttpResponse::Ok().json(TenantEnvelope { tenant: (&tenant).into() }))
}
