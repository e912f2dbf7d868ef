//! Route handlers, one module per resource, and the helpers they share.

pub(crate) mod api_keys;
pub(crate) mod clients;
pub(crate) mod pages;
pub(crate) mod probes;
pub(crate) mod tenants;
pub(crate) mod users;

use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use qeetid_domain::ports::{BoxFuture, Store};
use qeetid_domain::{AdminError, ApiKeyId, Caller, ClientId, TenantId, UserId};

use crate::error::ApiError;

/// Resolves a presented API key to its caller; stored in the app data so that the
/// [`Admin`] extractor need not know the store's type.
pub(crate) type KeyAuthenticator = Arc<dyn Fn(String) -> BoxFuture<'static, Result<Caller, AdminError>> + Send + Sync>;

/// Builds the authenticator for `services`.
pub(crate) fn key_authenticator<S: Store>(services: qeetid_domain::Services<S>) -> KeyAuthenticator {
    Arc::new(move |key: String| {
        let services = services.clone();
        Box::pin(async move { services.authenticate(&key).await })
    })
}

/// The authenticated caller of an admin endpoint, from `Authorization: ApiKey <key>`
/// (scheme case-insensitive, RFC 9110 §11.1). Declared first among a handler's
/// arguments, so that a caller without a key learns nothing about the body's rules.
pub(crate) struct Admin(pub(crate) Caller);

fn presented_key(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(actix_web::http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, key) = value.split_once(' ')?;
    let key = key.trim();
    (scheme.eq_ignore_ascii_case("ApiKey") && !key.is_empty()).then(|| key.to_owned())
}

impl FromRequest for Admin {
    type Error = ApiError;
    type Future = futures_util::future::LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let key = presented_key(req);
        let authenticator = req.app_data::<web::Data<KeyAuthenticator>>().cloned();
        Box::pin(async move {
            let (Some(key), Some(authenticate)) = (key, authenticator) else {
                return Err(AdminError::Unauthenticated.into());
            };
            Ok(Admin(authenticate(key).await?))
        })
    }
}

/// Path ids: a malformed id names nothing that exists, so it is "not found".
pub(crate) fn tenant_id(raw: &str) -> Result<TenantId, ApiError> {
    TenantId::parse(raw).map_err(|_| AdminError::NotFound("tenant").into())
}
pub(crate) fn client_id(raw: &str) -> Result<ClientId, ApiError> {
    ClientId::parse(raw).map_err(|_| AdminError::NotFound("client").into())
}
pub(crate) fn user_id(raw: &str) -> Result<UserId, ApiError> {
    UserId::parse(raw).map_err(|_| AdminError::NotFound("user").into())
}
pub(crate) fn api_key_id(raw: &str) -> Result<ApiKeyId, ApiError> {
    ApiKeyId::parse(raw).map_err(|_| AdminError::NotFound("API key").into())
}
