//! UserInfo (OIDC Core §5.3, RFC 6750), introspection (RFC 7662) and revocation (RFC 7009).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use qeetid_domain::OAuthError;
use qeetid_domain::client::ClientType;
use qeetid_domain::oauth::{ClaimValue, Claims};
use qeetid_domain::ports::Store;
use qeetid_domain::services::Presented;
use serde_json::{Map, Value, json};

use super::oauth::as_client;
use super::params::Params;
use super::spawn;
use crate::HttpState;
use crate::answers::OAuthErrorResponse;

/// A claim set as a JSON object.
pub(crate) fn claims_json(claims: &Claims) -> Value {
    let mut map = Map::new();
    for (name, value) in claims.iter() {
        let v = match value {
            ClaimValue::Str(s) => json!(s),
            ClaimValue::Int(i) => json!(i),
            ClaimValue::Bool(b) => json!(b),
            ClaimValue::List(l) => json!(l),
            ClaimValue::Object(o) => claims_json(o),
        };
        map.insert(name.to_owned(), v);
    }
    Value::Object(map)
}

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
    match spawn(&state, move |s| async move { s.tokens.userinfo(&token).await }).await {
        Ok(Ok(info)) => userinfo_answer(info),
        Ok(Err(err)) => crate::answers::bearer_error(Some(&err)),
        Err(join) => crate::answers::bearer_error(Some(&OAuthError::ServerError(Box::new(join)))),
    }
}

/// UserInfo's claims: a JWT when the client asked for signed answers, else JSON.
fn userinfo_answer(info: qeetid_domain::services::UserInfo) -> HttpResponse {
    match info.signed {
        Some(jwt) => no_store(HttpResponse::Ok().content_type("application/jwt").body(jwt)),
        None => no_store(HttpResponse::Ok().json(claims_json(&info.claims))),
    }
}

/// `POST /v1/oauth/introspect` (RFC 7662): confidential clients only.
pub(crate) async fn introspect<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    body: web::Bytes,
) -> Result<HttpResponse, OAuthErrorResponse> {
    let description = as_client(&req, &state, &body, |s, client, params| async move {
        if client.settings.client_type() != ClientType::Confidential {
            return Err(OAuthError::InvalidClient("introspection needs a confidential client".into()));
        }
        s.tokens.introspect(&client, params.get("token")).await
    })
    .await?;
    let body = match description {
        Some(claims) => {
            let mut v = claims_json(&claims);
            v["active"] = json!(true);
            v
        }
        None => json!({ "active": false }),
    };
    Ok(no_store(HttpResponse::Ok().json(body)))
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
