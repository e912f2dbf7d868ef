//! `/v1/deployment/open-registration`: which tenant accepts client registration
//! without an initial access token (deployment keys only).

use actix_web::{HttpResponse, web};
use qeetid_domain::ports::Store;
use qeetid_domain::services::OpenRegistration;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Admin, run, tenant_id};
use crate::HttpState;
use crate::answers::{ApiError, ErrorBody};
use crate::json::Json;

/// Where open registration stands.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct OpenRegistrationBody {
    /// The tenant that accepts it; `null`: off.
    pub tenant_id: Option<String>,
    /// Whether the configuration (`open_registration_tenant`) chose it; then only
    /// the configuration changes it.
    pub configured: bool,
}

/// `{ "open_registration": … }`.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct OpenRegistrationEnvelope {
    /// Where open registration stands.
    pub open_registration: OpenRegistrationBody,
}

impl From<OpenRegistration> for OpenRegistrationEnvelope {
    fn from(o: OpenRegistration) -> Self {
        Self {
            open_registration: OpenRegistrationBody {
                tenant_id: o.tenant.map(|t| t.to_string()),
                configured: o.configured,
            },
        }
    }
}

/// Body of `PUT /v1/deployment/open-registration`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct OpenRegistrationRequest {
    /// The tenant to open (closing any other); `null` turns open registration off.
    pub tenant_id: Option<String>,
}

/// Where open registration stands (deployment keys only).
#[utoipa::path(get, path = "/v1/deployment/open-registration", tag = "tenants",
    responses((status = 200, body = OpenRegistrationEnvelope), (status = 403, body = ErrorBody)))]
pub(crate) async fn get<S: Store>(
    Admin(caller): Admin,
    state: web::Data<HttpState<S>>,
) -> Result<HttpResponse, ApiError> {
    let status = run(&state, move |s| async move { s.admin.open_registration(&caller).await }).await?;
    Ok(HttpResponse::Ok().json(OpenRegistrationEnvelope::from(status)))
}

/// Open one tenant to registration without an initial access token, or turn it off
/// (deployment keys only; `409` when the configuration names the tenant).
#[utoipa::path(put, path = "/v1/deployment/open-registration", tag = "tenants", request_body = OpenRegistrationRequest,
    responses((status = 200, body = OpenRegistrationEnvelope), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn set<S: Store>(
    Admin(caller): Admin,
    state: web::Data<HttpState<S>>,
    Json(body): Json<OpenRegistrationRequest>,
) -> Result<HttpResponse, ApiError> {
    let tenant = body.tenant_id.as_deref().map(tenant_id).transpose()?;
    let status =
        run(&state, move |s| async move { s.admin.set_open_registration(&caller, tenant.as_ref()).await }).await?;
    Ok(HttpResponse::Ok().json(OpenRegistrationEnvelope::from(status)))
}
