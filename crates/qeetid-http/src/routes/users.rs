//! `/v1/tenants/{tenantID}/users…`

pub(crate) mod wire;

use actix_web::{HttpResponse, web};
use qeetid_domain::ports::Store;

use super::{Admin, run, session_id, tenant_id, user_id};
use crate::HttpState;
use crate::answers::{ApiError, ErrorBody};
use crate::json::Json;
use crate::wire::{ListQuery, items};
use wire::{CreateUserRequest, MfaEnvelope, SessionList, UpdateUserRequest, UserEnvelope, UserList};

/// Create a user; the password is stored as an Argon2id hash.
#[utoipa::path(post, path = "/v1/tenants/{tenantID}/users", tag = "users", request_body = CreateUserRequest,
    params(("tenantID" = String, Path, description = "tnt_…")),
    responses((status = 201, body = UserEnvelope), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn create<S: Store>(
    Admin(caller): Admin,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
    Json(body): Json<CreateUserRequest>,
) -> Result<HttpResponse, ApiError> {
    let tenant = tenant_id(&path)?;
    let user = run(&state, move |s| async move { s.admin.create_user(&caller, &tenant, body.into()).await }).await?;
    Ok(HttpResponse::Created().json(UserEnvelope { user: (&user).into() }))
}

/// List a tenant's users.
#[utoipa::path(get, path = "/v1/tenants/{tenantID}/users", tag = "users",
    params(("tenantID" = String, Path, description = "tnt_…"), ListQuery),
    responses((status = 200, body = UserList), (status = 404, body = ErrorBody)))]
pub(crate) async fn list<S: Store>(
    Admin(caller): Admin,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let tenant = tenant_id(&path)?;
    let page = query.page()?;
    let page = run(&state, move |s| async move { s.admin.list_users(&caller, &tenant, &page).await }).await?;
    let (users, next_cursor) = items(&page);
    Ok(HttpResponse::Ok().json(UserList { users, next_cursor }))
}

/// Get a user.
#[utoipa::path(get, path = "/v1/tenants/{tenantID}/users/{id}", tag = "users",
    params(("tenantID" = String, Path, description = "tnt_…"), ("id" = String, Path, description = "usr_…")),
    responses((status = 200, body = UserEnvelope), (status = 404, body = ErrorBody)))]
pub(crate) async fn get<S: Store>(
    Admin(caller): Admin,
    state: web::Data<HttpState<S>>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (tenant, id) = path.into_inner();
    let tenant = tenant_id(&tenant)?;
    let user = user_id(&id)?;
    let user = run(&state, move |s| async move { s.admin.get_user(&caller, &tenant, &user).await }).await?;
    Ok(HttpResponse::Ok().json(UserEnvelope { user: (&user).into() }))
}

/// Update a user.
#[utoipa::path(patch, path = "/v1/tenants/{tenantID}/users/{id}", tag = "users", request_body = UpdateUserRequest,
    params(("tenantID" = String, Path, description = "tnt_…"), ("id" = String, Path, description = "usr_…")),
    responses((status = 200, body = UserEnvelope), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn update<S: Store>(
    Admin(caller): Admin,
    state: web::Data<HttpState<S>>,
    path: web::Path<(String, String)>,
    Json(body): Json<UpdateUserRequest>,
) -> Result<HttpResponse, ApiError> {
    let (tenant, id) = path.into_inner();
    let tenant = tenant_id(&tenant)?;
    let user = user_id(&id)?;
    let new_address = body.email.is_some();
    let user = run(&state, move |s| async move {
        let user = s.admin.update_user(&caller, &tenant, &user, body.into()).await?;
        // A changed, unverified address gets a verification link; the change stands either way.
        if new_address
            && !user.email_verified
            && let Err(e) = s.accounts.send_verification(&tenant, &user.id).await
        {
            tracing::warn!(error = %e, "the verification link for a changed address was not queued");
        }
        Ok(user)
    })
    .await?;
    Ok(HttpResponse::Ok().json(UserEnvelope { user: (&user).into() }))
}

/// Delete a user.
#[utoipa::path(delete, path = "/v1/tenants/{tenantID}/users/{id}", tag = "users",
    params(("tenantID" = String, Path, description = "tnt_…"), ("id" = String, Path, description = "usr_…")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub(crate) async fn delete<S: Store>(
    Admin(caller): Admin,
    state: web::Data<HttpState<S>>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (tenant, id) = path.into_inner();
    let tenant = tenant_id(&tenant)?;
    let user = user_id(&id)?;
    run(&state, move |s| async move { s.admin.delete_user(&caller, &tenant, &user).await }).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// List a user's live sign-in sessions, newest first.
#[utoipa::path(get, path = "/v1/tenants/{tenantID}/users/{id}/sessions", tag = "users",
    params(("tenantID" = String, Path, description = "tnt_…"), ("id" = String, Path, description = "usr_…")),
    responses((status = 200, body = SessionList), (status = 404, body = ErrorBody)))]
pub(crate) async fn sessions<S: Store>(
    Admin(caller): Admin,
    state: web::Data<HttpState<S>>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (tenant, id) = path.into_inner();
    let tenant = tenant_id(&tenant)?;
    let user = user_id(&id)?;
    let sessions =
        run(&state, move |s| async move { s.admin.list_user_sessions(&caller, &tenant, &user).await }).await?;
    Ok(HttpResponse::Ok().json(SessionList { sessions: sessions.iter().map(Into::into).collect() }))
}

/// End one of a user's sessions: that browser must sign in again.
#[utoipa::path(delete, path = "/v1/tenants/{tenantID}/users/{id}/sessions/{sessionID}", tag = "users",
    params(("tenantID" = String, Path, description = "tnt_…"), ("id" = String, Path, description = "usr_…"),
        ("sessionID" = String, Path, description = "ses_…")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub(crate) async fn end_session<S: Store>(
    Admin(caller): Admin,
    state: web::Data<HttpState<S>>,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (tenant, id, session) = path.into_inner();
    let tenant = tenant_id(&tenant)?;
    let user = user_id(&id)?;
    let session = session_id(&session)?;
    run(&state, move |s| async move { s.admin.end_user_session(&caller, &tenant, &user, &session).await }).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A user's second factors: whether an authenticator app is set up, and how many
/// recovery codes are left.
#[utoipa::path(get, path = "/v1/tenants/{tenantID}/users/{id}/mfa", tag = "users",
    params(("tenantID" = String, Path, description = "tnt_…"), ("id" = String, Path, description = "usr_…")),
    responses((status = 200, body = MfaEnvelope), (status = 404, body = ErrorBody)))]
pub(crate) async fn mfa<S: Store>(
    Admin(caller): Admin,
    state: web::Data<HttpState<S>>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (tenant, id) = path.into_inner();
    let tenant = tenant_id(&tenant)?;
    let user = user_id(&id)?;
    let status = run(&state, move |s| async move { s.admin.user_mfa(&caller, &tenant, &user).await }).await?;
    Ok(HttpResponse::Ok().json(MfaEnvelope { mfa: (&status).into() }))
}

/// Reset a user's MFA (they lost their phone): the authenticator app and recovery
/// codes are removed; if the tenant requires MFA, they set up a new app at sign-in.
#[utoipa::path(delete, path = "/v1/tenants/{tenantID}/users/{id}/mfa", tag = "users",
    params(("tenantID" = String, Path, description = "tnt_…"), ("id" = String, Path, description = "usr_…")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub(crate) async fn reset_mfa<S: Store>(
    Admin(caller): Admin,
    state: web::Data<HttpState<S>>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (tenant, id) = path.into_inner();
    let tenant = tenant_id(&tenant)?;
    let user = user_id(&id)?;
    run(&state, move |s| async move { s.admin.reset_mfa(&caller, &tenant, &user).await }).await?;
    Ok(HttpResponse::NoContent().finish())
}
