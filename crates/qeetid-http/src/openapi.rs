//! The admin API's OpenAPI 3.1 document, generated from the handlers' annotations.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::error::ErrorBody;
use crate::routes::{api_keys, clients, federation, grants, tenants, users};
use crate::wire;

/// Declares `Authorization: ApiKey <key>` and requires it everywhere.
struct ApiKeyAuth;

impl Modify for ApiKeyAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "ApiKey",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "Authorization",
                "`ApiKey <key>`: the bootstrap key printed on first start, or a tenant key.",
            ))),
        );
        openapi.security =
            Some(vec![utoipa::openapi::security::SecurityRequirement::new("ApiKey", Vec::<String>::new())]);
    }
}

/// The admin API.
#[derive(OpenApi)]
#[openapi(
    info(title = "Qeet ID admin API", description = "Tenants, API keys, users and OAuth clients of a Qeet ID deployment."),
    modifiers(&ApiKeyAuth),
    paths(
        tenants::create, tenants::list, tenants::get, tenants::rename, tenants::delete,
        api_keys::create, api_keys::list, api_keys::delete,
        users::create, users::list, users::get, users::update, users::delete, users::sessions, users::end_session, users::mfa, users::reset_mfa,
        clients::register, clients::list, clients::get, clients::update, clients::rotate_secret, clients::delete,
        grants::list, grants::revoke,
        federation::create, federation::list, federation::get, federation::delete, federation::unlink,
    ),
    components(schemas(
        ErrorBody,
        wire::TenantBody, wire::TenantEnvelope, wire::TenantList, wire::TenantRequest,
        wire::ApiKeyBody, wire::CreatedApiKeyBody, wire::ApiKeyList, wire::ApiKeyRequest,
        wire::UserBody, wire::UserEnvelope, wire::UserList, wire::CreateUserRequest, wire::AdminRoleName, wire::UpdateUserRequest,
        wire::SessionBody, wire::SessionList, wire::MfaBody, wire::PasskeyBody, wire::MfaEnvelope, wire::UpdateTenantRequest,
        wire::ClientBody, wire::ClientEnvelope, wire::RegisteredClientBody, wire::RotatedSecretBody, wire::ClientList,
        wire::RegisterClientRequest, wire::UpdateClientRequest, wire::RotateSecretRequest,
        wire::GrantBody, wire::GrantList,
        federation::CreateIdentityProviderRequest, federation::IdentityProviderBody, federation::IdentityProviderEnvelope,
        federation::IdentityProviderList,
    )),
    tags(
        (name = "tenants", description = "Tenants own everything else."),
        (name = "api-keys", description = "Tenant admin API keys."),
        (name = "users", description = "End users of a tenant."),
        (name = "clients", description = "OAuth 2.0 / OpenID Connect clients."),
        (name = "grants", description = "Consent grants: what each user allowed each client."),
    )
)]
pub struct AdminApi;

/// `GET /v1/openapi.json`
pub(crate) async fn document() -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok().json(AdminApi::openapi())
}
