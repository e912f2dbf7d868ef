//! Dynamic client registration: `POST /v1/oauth/register` (RFC 7591) with an
//! initial access token, and `GET|PUT|DELETE /v1/oauth/register/{clientID}`
//! (RFC 7592) with the registration access token it answered.

pub(crate) mod wire;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use qeetid_domain::ports::Store;
use qeetid_domain::registration::{ClientRegistrationRequest, RegistrationError};

use super::client_address::client_address;
use super::{authorization, spawn};
use crate::HttpState;
use crate::answers::registration_error;
use wire::{MetadataBody, client_information, registered};

/// The request's metadata, or the refusal.
fn metadata(body: &[u8]) -> Result<(ClientRegistrationRequest, Option<String>), RegistrationError> {
    let body = MetadataBody::parse(body)?;
    let client_id = body.client_id.clone();
    Ok((ClientRegistrationRequest::try_from(body)?, client_id))
}

/// A use case's result as the answer: `done` on success, the refusal otherwise.
fn answer<T>(
    outcome: Result<Result<T, RegistrationError>, tokio::task::JoinError>,
    done: impl FnOnce(T) -> HttpResponse,
) -> HttpResponse {
    match outcome.map_err(|e| RegistrationError::Internal(Box::new(e))).and_then(|r| r) {
        Ok(value) => done(value),
        Err(e) => registration_error(&e),
    }
}

fn no_store(mut response: HttpResponse) -> HttpResponse {
    response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    response
}

/// `POST /v1/oauth/register`: registers a client in the initial access token's tenant.
pub(crate) async fn register<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    body: web::Bytes,
) -> HttpResponse {
    let token = authorization(&req, "Bearer");
    let source = client_address(&req, &state);
    let request = match metadata(&body) {
        Ok((request, _)) => request,
        Err(e) => return registration_error(&e),
    };
    let outcome =
        spawn(&state, move |s| async move { s.registration.register(token.as_deref(), request, source).await }).await;
    answer(outcome, |done| no_store(HttpResponse::Created().json(registered(&done, &state.issuer))))
}

/// `GET /v1/oauth/register/{clientID}`: the client's registration (RFC 7592 §2.1).
pub(crate) async fn read<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
) -> HttpResponse {
    let token = authorization(&req, "Bearer");
    let id = path.into_inner();
    let outcome = spawn(&state, move |s| async move { s.registration.read(&id, token.as_deref()).await }).await;
    answer(outcome, |client| no_store(HttpResponse::Ok().json(client_information(&client, &state.issuer))))
}

/// `PUT /v1/oauth/register/{clientID}`: replaces the registration (RFC 7592 §2.2);
/// the answer carries a new registration access token.
pub(crate) async fn update<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let token = authorization(&req, "Bearer");
    let id = path.into_inner();
    let request = match metadata(&body) {
        Ok((_, Some(named))) if named != id => {
            return registration_error(&RegistrationError::InvalidMetadata(
                "client_id: must be the client this URL names".into(),
            ));
        }
        Ok((request, _)) => request,
        Err(e) => return registration_error(&e),
    };
    let outcome =
        spawn(&state, move |s| async move { s.registration.update(&id, token.as_deref(), request).await }).await;
    answer(outcome, |done| no_store(HttpResponse::Ok().json(registered(&done, &state.issuer))))
}

/// `DELETE /v1/oauth/register/{clientID}`: deletes the client (RFC 7592 §2.3).
pub(crate) async fn delete<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
) -> HttpResponse {
    let token = authorization(&req, "Bearer");
    let id = path.into_inner();
    let outcome = spawn(&state, move |s| async move { s.registration.delete(&id, token.as_deref()).await }).await;
    answer(outcome, |()| HttpResponse::NoContent().finish())
}
