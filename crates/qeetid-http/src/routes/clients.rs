//! Clients, at the paths of the Clients product page.

pub(crate) mod wire;

use actix_web::{HttpResponse, web};
use qeetid_domain::ports::Store;
use qeetid_domain::{AdminError, TenantId, ValidationError};

use super::{Admin, client_id, run, tenant_id};
use crate::HttpState;
use crate::answers::{ApiError, ErrorBody};
use crate::json::{Json, OptionalJson};
use crate::wire::{ListQuery, items};
use wire::{
    ClientEnvelope, ClientList, LogoutDeliveryList, RegisterClientRequest, RegisteredClientBody, RotateSecretRequest,
    RotatedSecretBody, UpdateClientRequest,
};

/// Register a client (dynamic registration). A confidential client's secret is in
/// the answer, once; only its SHA-256 hash is stored.
#[utoipa::path(post, path = "/v1/oidc/clients", tag = "clients", request_body = RegisterClientRequest,
    responses((status = 201, body = RegisteredClientBody), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn register<S: Store>(
    Admin(caller): Admin,
    state: web::Data<HttpState<S>>,
    Json(body): Json<RegisterClientRequest>,
) -> Result<HttpResponse, ApiError> {
    let (tenant, draft) = body.into_draft();
    let tenant = match (tenant, caller.tenant()) {
        (Some(raw), _) => TenantId::parse(&raw).map_err(|e| AdminError::from(ValidationError::new("tenant_id", e)))?,
        (None, Some(own)) => own.clone(),
        (None, None) => {
            return Err(
                AdminError::from(ValidationError::new("tenant_id", "required with a deployment admin key")).into()
            );
        }
    };
    let registered =
        run(&state, move |s| async move { s.admin.register_client(&caller, &tenant, draft).await }).await?;
    Ok(HttpResponse::Created().json(RegisteredClientBody::from(&registered)))
}

/// List a tenant's clients.
#[utoipa::path(get, path = "/v1/tenants/{tenantID}/oidc/clients", tag = "clients",
    params(("tenantID" = String, Path, description = "tnt_…"), ListQuery),
    responses((status = 200, body = ClientList), (status = 404, body = ErrorBody)))]
pub(crate) async fn list<S: Store>(
    Admin(caller): Admin,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let tenant = tenant_id(&path)?;
    let page = query.page()?;
    let page = run(&state, move |s| async move { s.admin.list_clients(&caller, &tenant, &page).await }).await?;
    let (clients, next_cursor) = items(&page);
    Ok(HttpResponse::Ok().json(ClientList { clients, next_cursor }))
}

/// Get a client.
#[utoipa::path(get, path = "/v1/tenants/{tenantID}/oidc/clients/{id}", tag = "clients",
    params(("tenantID" = String, Path, description = "tnt_…"), ("id" = String, Path, description = "qci_…")),
    responses((status = 200, body = ClientEnvelope), (status = 404, body = ErrorBody)))]
pub(crate) async fn get<S: Store>(
    Admin(caller): Admin,
    state: web::Data<HttpState<S>>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (tenant, id) = path.into_inner();
    let tenant = tenant_id(&tenant)?;
    let client = client_id(&id)?;
    let client = run(&state, move |s| async move { s.admin.get_client(&caller, &tenant, &client).await }).await?;
    Ok(HttpResponse::Ok().json(ClientEnvelope { client: (&client).into() }))
}

/// The client's back-channel logouts not yet delivered: retrying, and failed after
/// every attempt (newest first, at most 100).
#[utoipa::path(get, path = "/v1/tenants/{tenantID}/oidc/clients/{id}/logout-deliveries", tag = "clients",
    params(("tenantID" = String, Path, description = "tnt_…"), ("id" = String, Path, description = "qci_…")),
    responses((status = 200, body = LogoutDeliveryList), (status = 404, body = ErrorBody)))]
pub(crate) async fn logout_deliveries<S: Store>(
    Admin(caller): Admin,
    state: web::Data<HttpState<S>>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (tenant, id) = path.into_inner();
    let tenant = tenant_id(&tenant)?;
    let client = client_id(&id)?;
    let listed =
        run(&state, move |s| async move { s.admin.list_logout_deliveries(&caller, &tenant, &client).await }).await?;
    Ok(HttpResponse::Ok().json(LogoutDeliveryList { deliveries: listed.iter().map(Into::into).collect() }))
}

/// Update a client; the result is validated as a whole.
#[utoipa::path(patch, path = "/v1/tenants/{tenantID}/oidc/clients/{id}", tag = "clients", request_body = UpdateClientRequest,
    params(("tenantID" = String, Path, description = "tnt_…"), ("id" = String, Path, description = "qci_…")),
    responses((status = 200, body = ClientEnvelope), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn update<S: Store>(
    Admin(caller): Admin,
    state: web::Data<HttpState<S>>,
    path: web::Path<(String, String)>,
    Json(body): Json<UpdateClientRequest>,
) -> Result<HttpResponse, ApiError> {
    let (tenant, id) = path.into_inner();
    let tenant = tenant_id(&tenant)?;
    let client = client_id(&id)?;
    let client =
        run(&state, move |s| async move { s.admin.update_client(&caller, &tenant, &client, body.into()).await })
            .await?;
    Ok(HttpResponse::Ok().json(ClientEnvelope { client: (&client).into() }))
}

/// Rotate a confidential client's secret, optionally keeping the old one for a grace period.
#[utoipa::path(post, path = "/v1/tenants/{tenantID}/oidc/clients/{id}/rotate-secret", tag = "clients",
    request_body(content = RotateSecretRequest, description = "optional"),
    params(("tenantID" = String, Path, description = "tnt_…"), ("id" = String, Path, description = "qci_…")),
    responses((status = 200, body = RotatedSecretBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "public clients have no secret"), (status = 422, body = ErrorBody)))]
pub(crate) async fn rotate_secret<S: Store>(
    Admin(caller): Admin,
    state: web::Data<HttpState<S>>,
    path: web::Path<(String, String)>,
    OptionalJson(body): OptionalJson<RotateSecretRequest>,
) -> Result<HttpResponse, ApiError> {
    let (tenant, id) = path.into_inner();
    let (tenant, client, grace) = (tenant_id(&tenant)?, client_id(&id)?, body.grace_period_seconds);
    let rotated =
        run(&state, move |s| async move { s.admin.rotate_client_secret(&caller, &tenant, &client, grace).await })
            .await?;
    Ok(HttpResponse::Ok().json(RotatedSecretBody::from(&rotated)))
}

/// Delete a client.
#[utoipa::path(delete, path = "/v1/oidc/clients/{id}", tag = "clients",
    params(("id" = String, Path, description = "qci_…")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub(crate) async fn delete<S: Store>(
    Admin(caller): Admin,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let client = client_id(&path)?;
    run(&state, move |s| async move { s.admin.delete_client(&caller, &client).await }).await?;
    Ok(HttpResponse::NoContent().finish())
}
