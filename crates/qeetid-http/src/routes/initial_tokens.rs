//! `/v1/tenants/{tenantID}/oauth/initial-access-tokens…`: the tokens that admit
//! dynamic client registrations to a tenant (RFC 7591 §3).

pub(crate) mod wire;

use actix_web::{HttpResponse, web};
use qeetid_domain::ports::Store;
use qeetid_domain::{AdminError, InitialTokenId};

use super::{Admin, run, tenant_id};
use crate::HttpState;
use crate::answers::{ApiError, ErrorBody};
use crate::json::Json;
use wire::{CreatedInitialTokenBody, InitialTokenList, InitialTokenRequest};

/// Create an initial access token; the token is in the answer, once.
#[utoipa::path(post, path = "/v1/tenants/{tenantID}/oauth/initial-access-tokens", tag = "registration",
    request_body = InitialTokenRequest,
    params(("tenantID" = String, Path, description = "tnt_…")),
    responses((status = 201, body = CreatedInitialTokenBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn create<S: Store>(
    Admin(caller): Admin,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
    Json(body): Json<InitialTokenRequest>,
) -> Result<HttpResponse, ApiError> {
    let tenant = tenant_id(&path)?;
    let created =
        run(&state, move |s| async move { s.admin.create_initial_token(&caller, &tenant, body.into()).await }).await?;
    Ok(HttpResponse::Created().json(CreatedInitialTokenBody::from(&created)))
}

/// List a tenant's initial access tokens (never the tokens).
#[utoipa::path(get, path = "/v1/tenants/{tenantID}/oauth/initial-access-tokens", tag = "registration",
    params(("tenantID" = String, Path, description = "tnt_…")),
    responses((status = 200, body = InitialTokenList), (status = 404, body = ErrorBody)))]
pub(crate) async fn list<S: Store>(
    Admin(caller): Admin,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let tenant = tenant_id(&path)?;
    let tokens = run(&state, move |s| async move { s.admin.list_initial_tokens(&caller, &tenant).await }).await?;
    Ok(HttpResponse::Ok().json(InitialTokenList { initial_access_tokens: tokens.iter().map(Into::into).collect() }))
}

/// Revoke an initial access token (clients it admitted stay).
#[utoipa::path(delete, path = "/v1/tenants/{tenantID}/oauth/initial-access-tokens/{id}", tag = "registration",
    params(("tenantID" = String, Path, description = "tnt_…"), ("id" = String, Path, description = "iat_…")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub(crate) async fn delete<S: Store>(
    Admin(caller): Admin,
    state: web::Data<HttpState<S>>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (tenant, id) = path.into_inner();
    let tenant = tenant_id(&tenant)?;
    let id = InitialTokenId::parse(&id).map_err(|_| ApiError::from(AdminError::NotFound("initial access token")))?;
    run(&state, move |s| async move { s.admin.delete_initial_token(&caller, &tenant, &id).await }).await?;
    Ok(HttpResponse::NoContent().finish())
}
