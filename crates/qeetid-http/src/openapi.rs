//! The admin API's OpenAPI 3.1 document, generated from the handlers' annotations.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::answers::{ErrorBody, FieldError};
use crate::routes::{api_keys, clients, events, federation, grants, initial_tokens, open_registration, tenants, users};

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
        tenants::create, tenants::list, tenants::get, tenants::rename, tenants::delete, tenants::set_resources, tenants::put_logo, tenants::delete_logo,
        api_keys::create, api_keys::list, api_keys::delete,
        users::create, users::list, users::get, users::update, users::delete, users::sessions, users::end_session, users::mfa, users::reset_mfa,
        clients::register, clients::list, clients::get, clients::logout_deliveries, clients::update, clients::rotate_secret, clients::delete,
        grants::list, grants::revoke, grants::token_exchanges,
        events::list,
        initial_tokens::create, initial_tokens::list, initial_tokens::delete,
        open_registration::get, open_registration::set,
        federation::create, federation::list, federation::get, federation::update, federation::delete, federation::unlink,
    ),
    components(schemas(
        ErrorBody,
        FieldError,
        crate::routes::tenants::wire::TenantBody, crate::routes::tenants::wire::TenantEnvelope, crate::routes::tenants::wire::TenantList, crate::routes::tenants::wire::TenantRequest,
        crate::routes::api_keys::wire::ApiKeyBody, crate::routes::api_keys::wire::CreatedApiKeyBody, crate::routes::api_keys::wire::ApiKeyList, crate::routes::api_keys::wire::ApiKeyRequest,
        crate::routes::users::wire::UserBody, crate::routes::users::wire::UserEnvelope, crate::routes::users::wire::UserList, crate::routes::users::wire::CreateUserRequest, crate::routes::users::wire::AdminRoleName, crate::routes::users::wire::UpdateUserRequest,
        crate::routes::users::wire::SessionBody, crate::routes::users::wire::SessionList, crate::routes::users::wire::MfaBody, crate::routes::users::wire::PasskeyBody, crate::routes::users::wire::MfaEnvelope, crate::routes::tenants::wire::UpdateTenantRequest, crate::routes::tenants::wire::BrandingBody, crate::routes::tenants::wire::ResourceBody, crate::routes::tenants::wire::ResourcesRequest,
        crate::routes::clients::wire::ClientBody, crate::routes::clients::wire::ClientEnvelope, crate::routes::clients::wire::RegisteredClientBody, crate::routes::clients::wire::RotatedSecretBody, crate::routes::clients::wire::ClientList, crate::routes::clients::wire::LogoutDeliveryBody, crate::routes::clients::wire::LogoutDeliveryList,
        crate::routes::clients::wire::RegisterClientRequest, crate::routes::clients::wire::UpdateClientRequest, crate::routes::clients::wire::RotateSecretRequest,
        crate::routes::grants::wire::GrantBody, crate::routes::grants::wire::GrantList,
        crate::routes::events::EventBody, crate::routes::events::EventList,
        crate::routes::grants::wire::TokenExchangeBody, crate::routes::grants::wire::TokenExchangeList,
        crate::routes::clients::wire::ExchangePolicyBody,
        crate::routes::initial_tokens::wire::InitialTokenBody, crate::routes::initial_tokens::wire::CreatedInitialTokenBody,
        crate::routes::initial_tokens::wire::InitialTokenList, crate::routes::initial_tokens::wire::InitialTokenRequest,
        open_registration::OpenRegistrationBody, open_registration::OpenRegistrationEnvelope, open_registration::OpenRegistrationRequest,
        federation::CreateIdentityProviderRequest, federation::UpdateIdentityProviderRequest, federation::IdentityProviderBody, federation::IdentityProviderEnvelope,
        federation::IdentityProviderList,
    )),
    tags(
        (name = "tenants", description = "Tenants own everything else."),
        (name = "api-keys", description = "Tenant admin API keys."),
        (name = "users", description = "End users of a tenant."),
        (name = "clients", description = "OAuth 2.0 / OpenID Connect clients."),
        (name = "grants", description = "Consent grants: what each user allowed each client."),
        (name = "events", description = "The audit trail: sign-ins, sign-outs, consent, token reuse, factor and admin changes."),
        (name = "registration", description = "Initial access tokens for dynamic client registration (RFC 7591)."),
    )
)]
pub struct AdminApi;

/// `GET /v1/openapi.json`
pub(crate) async fn document() -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok().json(AdminApi::openapi())
}
