//! `/v1/tenants/{tenantID}/oauth/grants…`: consent grants.

pub(crate) mod wire;

use actix_web::{HttpResponse, web};
use qeetid_domain::oauth::GrantFilter;
use qeetid_domain::ports::Store;
use qeetid_domain::{AdminError, ClientId, GrantId, UserId, ValidationError};

use super::{Admin, run, tenant_id};
use crate::HttpState;
use crate::answers::{ApiError, ErrorBody};

use wire::{GrantBody, GrantList, GrantQuery, PageQuery, TokenExchangeBody, TokenExchangeList};

/// List consent grants, optionally for one user or client.
#[utoipa::path(get, path = "/v1/tenants/{tenantID}/oauth/grants", tag = "grants",
    params(("tenantID" = String, Path, description = "tnt_…"), GrantQuery),
    responses((status = 200, body = GrantList), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn list<S: Store>(
    Admin(caller): Admin,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
    query: web::Query<GrantQuery>,
) -> Result<HttpResponse, ApiError> {
    let tenant = tenant_id(&path)?;
    let query = query.into_inner();
    let invalid = |field: &str, e: qeetid_domain::id::InvalidId| AdminError::from(ValidationError::new(field, e));
    let filter = GrantFilter {
        user_id: query.user_id.as_deref().map(UserId::parse).transpose().map_err(|e| invalid("user_id", e))?,
        client_id: query.client_id.as_deref().map(ClientId::parse).transpose().map_err(|e| invalid("client_id", e))?,
    };
    let page = qeetid_domain::PageRequest::parse(query.limit, query.cursor.as_deref()).map_err(AdminError::from)?;
    let (page, subjects) = run(&state, move |s| async move {
        let page = s.admin.list_grants(&caller, &tenant, &filter, &page).await?;
        let subjects = s.admin.grant_subjects(&page.items).await?;
        Ok::<_, AdminError>((page, subjects))
    })
    .await?;
    let grants = page.items.iter().zip(subjects).map(|(g, subject)| GrantBody::of(g, subject)).collect();
    Ok(HttpResponse::Ok().json(GrantList { grants, next_cursor: page.next_cursor.clone() }))
}

/// The token exchanges (RFC 8693) made for a user: who got a token for them, acting
/// how, for which audience and scopes.
#[utoipa::path(get, path = "/v1/tenants/{tenantID}/users/{userID}/token-exchanges", tag = "grants",
    params(("tenantID" = String, Path, description = "tnt_…"), ("userID" = String, Path, description = "usr_…"), PageQuery),
    responses((status = 200, body = TokenExchangeList), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn token_exchanges<S: Store>(
    Admin(caller): Admin,
    state: web::Data<HttpState<S>>,
    path: web::Path<(String, String)>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let (tenant, user) = path.into_inner();
    let tenant = tenant_id(&tenant)?;
    let user = UserId::parse(&user).map_err(|_| AdminError::NotFound("user"))?;
    let page = qeetid_domain::PageRequest::parse(query.limit, query.cursor.as_deref()).map_err(AdminError::from)?;
    let page =
        run(&state, move |s| async move { s.admin.list_token_exchanges(&caller, &tenant, &user, &page).await }).await?;
    let token_exchanges = page.items.iter().map(TokenExchangeBody::from).collect();
    Ok(HttpResponse::Ok().json(TokenExchangeList { token_exchanges, next_cursor: page.next_cursor.clone() }))
}

/// Revoke a consent grant and every refresh token issued under it.
#[utoipa::path(delete, path = "/v1/tenants/{tenantID}/oauth/grants/{id}", tag = "grants",
    params(("tenantID" = String, Path, description = "tnt_…"), ("id" = String, Path, description = "grt_…")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub(crate) async fn revoke<S: Store>(
    Admin(caller): Admin,
    state: web::Data<HttpState<S>>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (tenant, id) = path.into_inner();
    let tenant = tenant_id(&tenant)?;
    let grant = GrantId::parse(&id).map_err(|_| AdminError::NotFound("grant"))?;
    run(&state, move |s| async move { s.admin.revoke_grant(&caller, &tenant, &grant).await }).await?;
    Ok(HttpResponse::NoContent().finish())
}
