//! Route handlers, one module per resource, and the helpers they share.

/// The value of a `Result<T, HttpResponse>`, or return the response: every page
/// helper answers `Err(the page to send instead)`.
macro_rules! or_answer {
    ($result:expr) => {
        match $result {
            Ok(value) => value,
            Err(response) => return response,
        }
    };
}

pub(crate) mod account;
pub(crate) mod api_keys;
pub(crate) mod client_address;
pub(crate) mod clients;
pub(crate) mod console;
pub(crate) mod device;
pub(crate) mod events;
pub(crate) mod federation;
pub(crate) mod first_party;
pub(crate) mod grants;
pub(crate) mod hosted;
pub(crate) mod initial_tokens;
pub(crate) mod logout;
pub(crate) mod oauth;
pub(crate) mod open_registration;
pub(crate) mod pages;
pub(crate) mod par;
pub(crate) mod params;
pub(crate) mod passkeys;
pub(crate) mod probes;
pub(crate) mod recovery;
pub(crate) mod registration;
pub(crate) mod resource;
pub(crate) mod second_factor;
pub(crate) mod sign_up;
pub(crate) mod tenants;
pub(crate) mod users;

use std::future::Future;
use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use qeetid_domain::oauth::SigningAlg;
use qeetid_domain::ports::{BoxFuture, Store};
use qeetid_domain::{AdminError, ApiKeyId, Caller, ClientId, Secret, TenantId, UserId};
use tokio::runtime::Handle;

use crate::answers::ApiError;
use crate::{HttpState, UseCases};

/// Resolves a presented API key to its caller; stored in the app data so that the
/// [`Admin`] extractor need not know the store's type.
pub(crate) type KeyAuthenticator = Arc<dyn Fn(String) -> BoxFuture<'static, Result<Caller, AdminError>> + Send + Sync>;

/// Builds the authenticator for `services`; lookups run as tasks of `runtime` (see [`run`]).
pub(crate) fn key_authenticator<S: Store>(services: Arc<UseCases<S>>, runtime: Handle) -> KeyAuthenticator {
    Arc::new(move |key: String| {
        let services = services.clone();
        let task = runtime.spawn(async move { services.admin.authenticate(&key).await });
        Box::pin(async move { task.await.map_err(|e| AdminError::Internal(Box::new(e)))? })
    })
}

/// Runs a use case as a task of the application's multi-threaded runtime and waits
/// for it.
///
/// actix-web drops a handler's future when its client goes away, or when another
/// extractor of the same request fails. A use case dropped half-way could leave a
/// write half done, and SQLite's calls would block an actix worker's current-thread
/// runtime (on the multi-threaded one they leave the worker, see `qeetid-store`'s
/// pool). A spawned task always runs to the end; only the wait for it is dropped.
///
/// Use cases that only read are answered on the HTTP worker instead, without the
/// hand-off (two thread wake-ups a request): client credentials for a cached
/// client, a bearer token's UserInfo, introspection by a cached client with a
/// secret. Dropped half-way they lose nothing, and their SQLite reads run in place
/// on the worker: indexed point reads of a write-ahead-logged file, which never
/// wait for the writer. An RS256 signature (about a millisecond) is never made on
/// a worker: those requests still come here.
pub(crate) async fn run<S, T, Fut>(
    state: &HttpState<S>,
    job: impl FnOnce(Arc<UseCases<S>>) -> Fut,
) -> Result<T, ApiError>
where
    S: Store,
    T: Send + 'static,
    Fut: Future<Output = Result<T, AdminError>> + Send + 'static,
{
    spawn(state, job).await.map_err(|e| AdminError::Internal(Box::new(e)))?.map_err(ApiError::from)
}

/// Whether a signature with `alg` may be made on an HTTP worker (see [`run`]): not
/// an RS256 one, which takes about a millisecond.
pub(crate) fn signs_on_a_worker(alg: SigningAlg) -> bool {
    alg != SigningAlg::Rs256
}

/// [`run`] for any result type: the join error is the caller's to map.
pub(crate) async fn spawn<S, T, Fut>(
    state: &HttpState<S>,
    job: impl FnOnce(Arc<UseCases<S>>) -> Fut,
) -> Result<T, tokio::task::JoinError>
where
    S: Store,
    T: Send + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    state.runtime.spawn(job(Arc::clone(&state.services))).await
}

/// The authenticated caller of an admin endpoint, from `Authorization: ApiKey <key>`
/// (scheme case-insensitive, RFC 9110 §11.1). Declared first among a handler's
/// arguments, so that a caller without a key learns nothing about the body's rules.
pub(crate) struct Admin(pub(crate) Caller);

/// The credentials of `Authorization: <scheme> <credentials>` when the scheme is
/// `scheme` (compared case-insensitively, RFC 9110 §11.1) and they are not empty.
pub(crate) fn authorization(req: &HttpRequest, scheme: &str) -> Option<String> {
    let value = req.headers().get(actix_web::http::header::AUTHORIZATION)?.to_str().ok()?;
    let (given, credentials) = value.split_once(' ')?;
    let credentials = credentials.trim();
    (given.eq_ignore_ascii_case(scheme) && !credentials.is_empty()).then(|| credentials.to_owned())
}

impl FromRequest for Admin {
    type Error = ApiError;
    type Future = futures_util::future::LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let key = authorization(req, "ApiKey");
        let authenticator = req.app_data::<web::Data<KeyAuthenticator>>().cloned();
        Box::pin(async move {
            let (Some(key), Some(authenticate)) = (key, authenticator) else {
                return Err(AdminError::Unauthenticated.into());
            };
            Ok(Admin(authenticate(key).await?))
        })
    }
}

/// The hosted forms carry the browser-binding cookie's value as their CSRF token
/// (and the first-party apps' callbacks their `state` cookie's): a page on another
/// site can neither read the cookie nor guess it. Compared in constant time.
pub(crate) fn form_token_matches(expected: Option<&Secret>, presented: &str) -> bool {
    expected.is_some_and(|e| e.hash().matches(&Secret::presented(presented)))
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
pub(crate) fn session_id(raw: &str) -> Result<qeetid_domain::SessionId, ApiError> {
    qeetid_domain::SessionId::parse(raw).map_err(|_| AdminError::NotFound("session").into())
}
pub(crate) fn api_key_id(raw: &str) -> Result<ApiKeyId, ApiError> {
    ApiKeyId::parse(raw).map_err(|_| AdminError::NotFound("API key").into())
}
