//! `POST /v1/oauth/par`: pushed authorization requests (RFC 9126). The client
//! authenticates as at the token endpoint; the parameters are checked as the
//! authorization endpoint would and kept for one use under a `request_uri`.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use qeetid_domain::OAuthError;
use qeetid_domain::ports::Store;
use serde_json::json;

use super::oauth::{authenticated, authorize_params, client_authentication};
use super::params::Params;
use crate::HttpState;
use crate::answers::OAuthErrorResponse;

/// `POST /v1/oauth/par` (RFC 9126 §2): 201 with `request_uri` and `expires_in`.
pub(crate) async fn push<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    body: web::Bytes,
) -> Result<HttpResponse, OAuthErrorResponse> {
    let mut params = Params::parse(&body)?;
    let mut auth = client_authentication(&req, &mut params)?;
    auth.source = super::client_address::client_address(&req, &state);
    // What the authorization endpoint will read back: the parameters without the
    // client's credentials, with its id.
    params.set("client_id", &auth.client_id);
    let form = params.to_form();
    let pushed = authenticated(&state, auth, params, move |s, client, params| async move {
        s.authorization.push_authorization_request(&client, authorize_params(params), form).await
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(json!({ "request_uri": pushed.request_uri, "expires_in": pushed.expires_in })))
}

/// The parameters pushed under `request_uri` for `client_id`, read back as the
/// authorization endpoint reads a query; marked as pushed.
///
/// # Errors
/// `invalid_request_uri` when it is unknown, used, expired or another client's;
/// a store failure.
pub(crate) async fn pushed_params<S: Store>(
    services: &crate::UseCases<S>,
    client_id: &str,
    request_uri: &str,
) -> Result<qeetid_domain::oauth::AuthorizeParams, OAuthError> {
    let form = services.authorization.take_pushed_request(client_id, request_uri).await?;
    let mut params = authorize_params(Params::parse(form.as_bytes())?);
    params.pushed = true;
    Ok(params)
}
