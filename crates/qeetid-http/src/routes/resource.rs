//! UserInfo (OIDC Core §5.3, RFC 6750), introspection (RFC 7662) and revocation (RFC 7009).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use qeetid_domain::OAuthError;
use qeetid_domain::client::{Client, ClientType};
use qeetid_domain::oauth::Claims;
use qeetid_domain::ports::Store;
use qeetid_domain::services::Presented;
use serde_json::json;

use super::oauth::{as_client, authenticated, client_form};
use super::params::Params;
use super::spawn;
use crate::answers::OAuthErrorResponse;
use crate::{HttpState, UseCases};

fn no_store(mut response: HttpResponse) -> HttpResponse {
    response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    response
}

/// `GET|POST /v1/oauth/userinfo`: the token in `Authorization: Bearer` or, for POST,
/// in the form body (RFC 6750 §2.1, §2.2), never both; or a DPoP-bound token in
/// `Authorization: DPoP` with its proof in the `DPoP` header (RFC 9449 §7.1).
pub(crate) async fn userinfo<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    body: web::Bytes,
) -> HttpResponse {
    if let Some(token) = super::authorization(&req, "DPoP") {
        let proof = match super::oauth::dpop_header(&req) {
            Ok(Some(proof)) => proof,
            Ok(None) => {
                let missing = OAuthError::InvalidDpopProof("the DPoP scheme needs a DPoP proof header".into());
                return crate::answers::dpop_error(&missing);
            }
            Err(e) => return crate::answers::dpop_error(&e),
        };
        let method = req.method().as_str().to_owned();
        let url = format!("{}/v1/oauth/userinfo", state.issuer);
        let outcome = spawn(&state, move |s| async move {
            s.tokens.userinfo_for(&Presented::Dpop { token: &token, proof: &proof, method: &method, url: &url }).await
        })
        .await;
        return match outcome {
            Ok(Ok(info)) => userinfo_answer(info),
            Ok(Err(err)) => crate::answers::dpop_error(&err),
            Err(join) => crate::answers::dpop_error(&OAuthError::ServerError(Box::new(join))),
        };
    }
    let header_token = super::authorization(&req, "Bearer");
    let body_token = if req.method() == actix_web::http::Method::POST {
        match Params::parse(&body) {
            Ok(mut p) => p.take("access_token"),
            Err(e) => return crate::answers::bearer_error(Some(&e)),
        }
    } else {
        None
    };
    let token = match (header_token, body_token) {
        (Some(_), Some(_)) => {
            return crate::answers::bearer_error(Some(&OAuthError::InvalidRequest(
                "send the token one way, not two".into(),
            )));
        }
        (Some(t), None) | (None, Some(t)) => t,
        (None, None) => return crate::answers::bearer_error(None),
    };
    // A bearer token's UserInfo only reads: answered here, on the HTTP worker,
    // without the hand-off to the application runtime (see `routes::run`); an RS256
    // signature, though, is not made on a worker.
    let tokens = &state.services.tokens;
    let answer = match tokens.userinfo_claims(&Presented::Bearer(&token)).await {
        Ok(released) if released.sign_with.is_some_and(|alg| !super::signs_on_a_worker(alg)) => {
            spawn(&state, move |s| async move { s.tokens.finish_userinfo(released) })
                .await
                .unwrap_or_else(|join| Err(OAuthError::ServerError(Box::new(join))))
        }
        Ok(released) => tokens.finish_userinfo(released),
        Err(err) => Err(err),
    };
    match answer {
        Ok(info) => userinfo_answer(info),
        Err(err) => crate::answers::bearer_error(Some(&err)),
    }
}

/// UserInfo's claims: a JWT when the client asked for signed answers, else JSON.
fn userinfo_answer(info: qeetid_domain::services::UserInfo) -> HttpResponse {
    match info.signed {
        Some(jwt) => no_store(HttpResponse::Ok().content_type("application/jwt").body(jwt)),
        None => no_store(HttpResponse::Ok().json(&info.claims)),
    }
}

/// `POST /v1/oauth/introspect` (RFC 7662): confidential clients only.
pub(crate) async fn introspect<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    body: web::Bytes,
) -> Result<HttpResponse, OAuthErrorResponse> {
    let (auth, params) = client_form(&req, &state, &body)?;
    // A client in the cache, with a secret: introspection then only reads, and is
    // answered here, on the HTTP worker (see `routes::run`).
    let description = match state.services.tokens.authenticate_cached_client(&auth) {
        Some(client) => describe(&state.services, &client?, &params).await?,
        None => {
            authenticated(&state, auth, params, |s, client, params| async move { describe(&s, &client, &params).await })
                .await?
        }
    };
    let answer = match description {
        Some(claims) => HttpResponse::Ok().json(claims.bool("active", true)),
        None => HttpResponse::Ok().json(json!({ "active": false })),
    };
    Ok(no_store(answer))
}

/// What introspection answers `client` for the token in `params`.
async fn describe<S: Store>(
    services: &UseCases<S>,
    client: &Client,
    params: &Params,
) -> Result<Option<Claims>, OAuthError> {
    if client.settings.client_type() != ClientType::Confidential {
        return Err(OAuthError::InvalidClient("introspection needs a confidential client".into()));
    }
    services.tokens.introspect(client, params.get("token")).await
}

/// `POST /v1/oauth/revoke` (RFC 7009): 200 whether or not the token was known.
pub(crate) async fn revoke<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    body: web::Bytes,
) -> Result<HttpResponse, OAuthErrorResponse> {
    as_client(
        &req,
        &state,
        &body,
        |s, client, params| async move { s.tokens.revoke(&client, params.get("token")).await },
    )
    .await?;
    Ok(no_store(HttpResponse::Ok().finish()))
}
