//! The OAuth / OpenID Connect endpoints: discovery, JWKS, authorize, token.

use std::sync::Arc;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use qeetid_domain::oauth::{AuthorizeParams, ClaimsParameter, PUSHED_REQUEST_URI_PREFIX, TokenRequest, scopes};
use qeetid_domain::ports::Store;
use qeetid_domain::request_object::RequestObject;
use qeetid_domain::services::{AuthMethod, AuthorizeOutcome, ClientAuthentication, TokenResponse};
use std::future::Future;

use qeetid_domain::{Client, OAuthError, Secret};
use serde::Serialize;
use serde_json::json;

use super::params::Params;
use super::spawn;
use crate::HttpState;
use crate::UseCases;
use crate::answers::OAuthErrorResponse;

/// Cookie binding a browser to its pending requests; its value is also the hosted forms' CSRF token.
pub(crate) const BROWSER_COOKIE: &str = "qeetid_browser";
/// The SSO session cookie.
pub(crate) const SESSION_COOKIE: &str = "qeetid_session";

/// A cookie of ours: HttpOnly, SameSite=Lax, Secure unless the issuer is plain http.
pub(crate) fn cookie<S>(state: &HttpState<S>, name: &'static str, value: &str) -> Cookie<'static> {
    let secure = state.issuer.starts_with("https://");
    Cookie::build(cookie_name(secure, name, "/"), value.to_owned())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .finish()
}

/// The name a cookie goes by: on an https issuer, `__Host-NAME` for cookies of the
/// whole site (the browser then refuses one set by another host or over http, or
/// scoped to a domain) and `__Secure-NAME` for cookies of one path; plain `NAME`
/// on http (development).
pub(crate) fn cookie_name(secure: bool, name: &str, path: &str) -> String {
    match (secure, path) {
        (false, _) => name.to_owned(),
        (true, "/") => format!("__Host-{name}"),
        (true, _) => format!("__Secure-{name}"),
    }
}

/// Whether the request's application serves an https issuer (cookie prefixes).
fn secure_cookies(req: &HttpRequest) -> bool {
    req.app_data::<web::Data<crate::CookiePolicy>>().is_some_and(|p| p.secure)
}

/// The value of the site-wide cookie `name`, under the name it goes by.
pub(crate) fn cookie_value(req: &HttpRequest, name: &str) -> Option<String> {
    scoped_cookie_value(req, name, "/")
}

/// The value of the cookie `name` scoped to `path`, under the name it goes by.
pub(crate) fn scoped_cookie_value(req: &HttpRequest, name: &str, path: &str) -> Option<String> {
    req.cookie(&cookie_name(secure_cookies(req), name, path)).map(|c| c.value().to_owned())
}

/// The value of one of our cookies, as a presented secret.
pub(crate) fn cookie_secret(req: &HttpRequest, name: &str) -> Option<Secret> {
    cookie_value(req, name).map(|v| Secret::presented(&v)).filter(|s| !s.expose().is_empty())
}

/// Whether client ID metadata documents are accepted now (open registration is on
/// for some tenant); `false`, logged, when the store cannot say.
async fn accepts_client_documents<S: Store>(state: &HttpState<S>) -> bool {
    match spawn(state, |s| async move { s.authorization.accepts_client_documents().await }).await {
        Ok(Ok(accepted)) => accepted,
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "discovery: open registration unknown");
            false
        }
        Err(e) => {
            tracing::warn!(error = %e, "discovery: open registration unknown");
            false
        }
    }
}

/// The algorithms of client assertions (`private_key_jwt`).
const ASSERTION_ALGS: [&str; 4] = ["RS256", "PS256", "ES256", "EdDSA"];

/// The provider's metadata, shared by OpenID discovery and RFC 8414.
async fn provider_metadata<S: Store>(state: &HttpState<S>) -> serde_json::Value {
    let issuer = &state.issuer;
    let client_documents = accepts_client_documents(state).await;
    let mut metadata = json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/v1/oauth/authorize"),
        "token_endpoint": format!("{issuer}/v1/oauth/token"),
        "userinfo_endpoint": format!("{issuer}/v1/oauth/userinfo"),
        "introspection_endpoint": format!("{issuer}/v1/oauth/introspect"),
        "revocation_endpoint": format!("{issuer}/v1/oauth/revoke"),
        "device_authorization_endpoint": format!("{issuer}/v1/oauth/device/code"),
        "end_session_endpoint": format!("{issuer}/v1/oauth/logout"),
        "registration_endpoint": format!("{issuer}/v1/oauth/register"),
        "jwks_uri": format!("{issuer}/.well-known/jwks.json"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query", "form_post"],
        "grant_types_supported": [
            "authorization_code",
            "refresh_token",
            "client_credentials",
            "urn:ietf:params:oauth:grant-type:device_code",
            "urn:ietf:params:oauth:grant-type:token-exchange"
        ],
        "subject_types_supported": ["public", "pairwise"],
        "id_token_signing_alg_values_supported": ["ES256", "RS256"],
        "userinfo_signing_alg_values_supported": ["ES256", "RS256"],
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": scopes::SUPPORTED,
        "claims_supported": scopes::CLAIMS_SUPPORTED,
        "acr_values_supported": [qeetid_domain::oauth::ACR_SINGLE_FACTOR, qeetid_domain::oauth::ACR_MFA],
        "prompt_values_supported": ["none", "login", "consent"],
        "authorization_response_iss_parameter_supported": true,
        "backchannel_logout_supported": true,
        "backchannel_logout_session_supported": true,
        "frontchannel_logout_supported": true,
        "frontchannel_logout_session_supported": true,
        "request_parameter_supported": true,
        "request_uri_parameter_supported": true,
        "require_request_uri_registration": true,
        "request_object_signing_alg_values_supported": ["RS256", "PS256", "ES256", "EdDSA", "none"],
        "claims_parameter_supported": true,
        "ui_locales_supported": qeetid_domain::locale::Locale::ALL.map(qeetid_domain::locale::Locale::tag),
        "client_id_metadata_document_supported": client_documents,
    });
    // Client authentication, PAR and DPoP (one `json!` would exceed the macro's recursion limit).
    let senders = json!({
        "pushed_authorization_request_endpoint": format!("{issuer}/v1/oauth/par"),
        "require_pushed_authorization_requests":
            state.services.tokens.context().settings().require_pushed_authorization_requests,
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"],
        "token_endpoint_auth_signing_alg_values_supported": ASSERTION_ALGS,
        "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt"],
        "introspection_endpoint_auth_signing_alg_values_supported": ASSERTION_ALGS,
        "revocation_endpoint_auth_methods_supported":
            ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"],
        "revocation_endpoint_auth_signing_alg_values_supported": ASSERTION_ALGS,
        "dpop_signing_alg_values_supported": qeetid_domain::dpop::PROOF_ALGS,
    });
    if let (Some(all), serde_json::Value::Object(more)) = (metadata.as_object_mut(), senders) {
        all.extend(more);
    }
    metadata
}

/// `GET /.well-known/openid-configuration` (OpenID Connect Discovery 1.0).
pub(crate) async fn discovery<S: Store>(state: web::Data<HttpState<S>>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .json(provider_metadata(&state).await)
}

/// `GET /.well-known/oauth-authorization-server` (RFC 8414): the same facts as
/// OpenID discovery, for OAuth clients that look here.
pub(crate) async fn authorization_server_metadata<S: Store>(state: web::Data<HttpState<S>>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .json(provider_metadata(&state).await)
}

/// `GET /.well-known/jwks.json`: current and still-valid retired public keys.
pub(crate) async fn jwks<S: Store>(state: web::Data<HttpState<S>>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .body(state.services.tokens.jwks())
}

/// The authorization parameters of a query (or of a pushed request's form).
pub(crate) fn authorize_params(mut p: Params) -> AuthorizeParams {
    AuthorizeParams {
        response_type: p.take("response_type"),
        client_id: p.take("client_id"),
        redirect_uri: p.take("redirect_uri"),
        scope: p.take("scope"),
        state: p.take("state"),
        nonce: p.take("nonce"),
        code_challenge: p.take("code_challenge"),
        code_challenge_method: p.take("code_challenge_method"),
        prompt: p.take("prompt"),
        max_age: p.take("max_age"),
        login_hint: p.take("login_hint"),
        id_token_hint: p.take("id_token_hint"),
        resources: p.take_resources(),
        response_mode: p.take("response_mode"),
        acr_values: p.take("acr_values"),
        request: p.take("request"),
        request_uri: p.take("request_uri"),
        claims: p.take("claims").map(|raw| claims_parameter(&raw)),
        ui_locales: p.take("ui_locales"),
        pushed: false,
    }
}

/// A verified request object's JSON payload (RFC 9101 §4) read into the domain's
/// terms: its authorization parameters (string members; `max_age` may be a number,
/// `claims` an object, `resource` a string or an array) and its JWT claims.
pub fn request_object_of(payload: &serde_json::Value) -> RequestObject {
    use serde_json::Value;
    let text = |name: &str| match &payload[name] {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let resources = match &payload["resource"] {
        Value::String(s) => vec![s.clone()],
        Value::Array(list) => list.iter().filter_map(|r| r.as_str().map(str::to_owned)).collect(),
        _ => Vec::new(),
    };
    let claims = match &payload["claims"] {
        Value::Null => None,
        Value::String(raw) => Some(claims_parameter(raw)),
        other => Some(claims_parameter(&other.to_string())),
    };
    RequestObject {
        params: AuthorizeParams {
            response_type: text("response_type"),
            client_id: text("client_id"),
            redirect_uri: text("redirect_uri"),
            scope: text("scope"),
            state: text("state"),
            nonce: text("nonce"),
            code_challenge: text("code_challenge"),
            code_challenge_method: text("code_challenge_method"),
            prompt: text("prompt"),
            max_age: text("max_age"),
            login_hint: text("login_hint"),
            id_token_hint: text("id_token_hint"),
            response_mode: text("response_mode"),
            acr_values: text("acr_values"),
            request: text("request"),
            request_uri: text("request_uri"),
            resources,
            claims,
            ui_locales: text("ui_locales"),
            pushed: false,
        },
        iss: text("iss"),
        aud: match &payload["aud"] {
            Value::String(a) => vec![a.clone()],
            Value::Array(list) => list.iter().filter_map(|a| a.as_str().map(str::to_owned)).collect(),
            _ => Vec::new(),
        },
        exp: payload["exp"].as_i64(),
        nbf: payload["nbf"].as_i64(),
    }
}

/// The `claims` parameter's JSON (OIDC Core §5.5) read into the domain's terms:
/// an object whose `id_token` and `userinfo` members map claim names to `null` or
/// to `{essential, value, values}`; other members are ignored.
fn claims_parameter(raw: &str) -> ClaimsParameter {
    use qeetid_domain::oauth::{ClaimTarget, RequestedClaim};
    let Ok(serde_json::Value::Object(request)) = serde_json::from_str::<serde_json::Value>(raw) else {
        return ClaimsParameter::Malformed("must be a JSON object".into());
    };
    let mut claims = Vec::new();
    for (member, target) in [("id_token", ClaimTarget::IdToken), ("userinfo", ClaimTarget::UserInfo)] {
        let asked = match request.get(member) {
            None | Some(serde_json::Value::Null) => continue,
            Some(serde_json::Value::Object(asked)) => asked,
            Some(_) => return ClaimsParameter::Malformed(format!("`{member}` must be an object")),
        };
        for (name, spec) in asked {
            let (essential, values) = match spec {
                serde_json::Value::Null => (false, Vec::new()),
                serde_json::Value::Object(spec) => {
                    let text = |v: &serde_json::Value| match v {
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    let mut values: Vec<String> = spec
                        .get("values")
                        .and_then(|v| v.as_array())
                        .map(|v| v.iter().map(text).collect())
                        .unwrap_or_default();
                    values.extend(spec.get("value").map(text));
                    (spec.get("essential").and_then(serde_json::Value::as_bool).unwrap_or(false), values)
                }
                _ => return ClaimsParameter::Malformed(format!("`{member}.{name}` must be null or an object")),
            };
            claims.push(RequestedClaim { target, name: name.clone(), essential, values });
        }
    }
    ClaimsParameter::Requested(claims)
}

/// `GET /v1/oauth/authorize` (RFC 6749 §4.1.1, RFC 7636 §4.3, OIDC Core §3.1.2.1).
pub(crate) async fn authorize<S: Store>(req: HttpRequest, state: web::Data<HttpState<S>>) -> HttpResponse {
    let lang = crate::language::browser(&req);
    let params = match Params::parse(req.query_string().as_bytes()) {
        Ok(p) => authorize_params(p),
        // A repeated parameter: the client cannot be trusted yet, so no redirect.
        Err(err) => return crate::answers::oauth_error_page(&state, lang, &err),
    };
    let existing = cookie_secret(&req, BROWSER_COOKIE);
    let browser = existing.clone().unwrap_or_else(|| state.services.authorization.new_browser_binding());
    let session = cookie_secret(&req, SESSION_COOKIE);
    let job_browser = browser.clone();
    let seen = super::client_address::seen_from(&req, &state);
    let outcome = spawn(&state, move |s| async move {
        // RFC 9126 §4: with a pushed request's request_uri, only what was pushed counts.
        let params = match (&params.request_uri, &params.client_id) {
            (Some(uri), Some(client_id)) if uri.starts_with(PUSHED_REQUEST_URI_PREFIX) => {
                match super::par::pushed_params(&s, client_id, uri).await {
                    Ok(pushed) => pushed,
                    Err(OAuthError::ServerError(e)) => return Err(OAuthError::ServerError(e)),
                    Err(why) => return Ok(AuthorizeOutcome::ErrorPage(why)),
                }
            }
            _ => params,
        };
        s.authorization.start_authorization_from(params, &job_browser, session.as_ref(), seen).await
    })
    .await;
    let mut response = match outcome {
        Ok(Ok(AuthorizeOutcome::Redirect(redirect))) => {
            super::pages::to_client(&state.renderer, lang, &redirect, actix_web::http::StatusCode::FOUND)
        }
        Ok(Ok(AuthorizeOutcome::Login(id))) => found(&format!("/login?request={id}")),
        Ok(Ok(AuthorizeOutcome::Consent(id))) => found(&format!("/consent?request={id}")),
        Ok(Ok(AuthorizeOutcome::ErrorPage(err))) | Ok(Err(err)) => crate::answers::oauth_error_page(&state, lang, &err),
        Err(join) => crate::answers::oauth_error_page(&state, lang, &OAuthError::ServerError(Box::new(join))),
    };
    if existing.is_none() {
        let _ = response.add_cookie(&cookie(&state, BROWSER_COOKIE, browser.expose()));
    }
    response
}

/// A 302 to `location` (RFC 6749 §4.1.2 uses 302 for the authorization response).
pub(crate) fn found(location: &str) -> HttpResponse {
    HttpResponse::Found().insert_header((header::LOCATION, location)).finish()
}

/// `client_assertion_type` of a JWT client assertion (RFC 7523 §2.2).
const JWT_BEARER_ASSERTION: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// The client's credentials from `Authorization: Basic` (RFC 6749 §2.3.1: both parts
/// form-urlencoded), from the body, or as a `client_assertion` (RFC 7523 §2.2, its
/// client named by `client_id` or else by the assertion's `sub`, which the domain
/// then checks); two methods at once is an error.
pub(crate) fn client_authentication(
    req: &HttpRequest,
    params: &mut Params,
) -> Result<ClientAuthentication, OAuthError> {
    let basic = super::authorization(req, "Basic");
    let body_id = params.take("client_id");
    let body_secret = params.take("client_secret");
    let assertion_type = params.take("client_assertion_type");
    let assertion = params.take("client_assertion");
    if assertion.is_some() || assertion_type.is_some() {
        if basic.is_some() || body_secret.is_some() {
            return Err(OAuthError::InvalidRequest("use one client authentication method, not two".into()));
        }
        if assertion_type.as_deref() != Some(JWT_BEARER_ASSERTION) {
            return Err(OAuthError::InvalidRequest(format!("client_assertion_type must be {JWT_BEARER_ASSERTION}")));
        }
        let assertion = assertion.ok_or_else(|| OAuthError::InvalidRequest("client_assertion is missing".into()))?;
        let client_id = body_id
            .or_else(|| assertion_subject(&assertion))
            .ok_or_else(|| OAuthError::InvalidClient("the client assertion names no client (sub)".into()))?;
        return Ok(ClientAuthentication {
            client_id,
            secret: None,
            assertion: Some(assertion),
            method: AuthMethod::PrivateKeyJwt,
            source: None,
        });
    }
    match basic {
        Some(encoded) => {
            if body_secret.is_some() {
                return Err(OAuthError::InvalidRequest("use one client authentication method, not two".into()));
            }
            let bad = || OAuthError::InvalidClient("malformed Basic credentials".into());
            let decoded = String::from_utf8(STANDARD.decode(encoded).map_err(|_| bad())?).map_err(|_| bad())?;
            let (id, secret) = decoded.split_once(':').ok_or_else(bad)?;
            let unescape =
                |s: &str| url::form_urlencoded::parse(format!("v={s}").as_bytes()).next().map(|(_, v)| v.into_owned());
            let (id, secret) = (unescape(id).ok_or_else(bad)?, unescape(secret).ok_or_else(bad)?);
            if body_id.as_ref().is_some_and(|b| b != &id) {
                return Err(OAuthError::InvalidRequest("client_id differs from the Basic credentials".into()));
            }
            Ok(ClientAuthentication {
                client_id: id,
                secret: Some(Secret::presented(secret)),
                assertion: None,
                method: AuthMethod::Basic,
                source: None,
            })
        }
        None => {
            let client_id = body_id
                .ok_or_else(|| OAuthError::InvalidClient("client_id or HTTP Basic credentials required".into()))?;
            let method = if body_secret.is_some() { AuthMethod::Post } else { AuthMethod::None };
            Ok(ClientAuthentication {
                client_id,
                secret: body_secret.map(Secret::presented),
                assertion: None,
                method,
                source: None,
            })
        }
    }
}

/// The `sub` of an assertion, read without checking anything: only to find the
/// client whose keys then check it.
fn assertion_subject(jws: &str) -> Option<String> {
    let payload = jws.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    claims["sub"].as_str().filter(|s| s.len() <= 200).map(str::to_owned)
}

/// The one `DPoP` header of a request, if any (RFC 9449 §4.3: more than one is an
/// error).
pub(crate) fn dpop_header(req: &HttpRequest) -> Result<Option<String>, OAuthError> {
    let mut values = req.headers().get_all("DPoP");
    let first = values.next();
    if values.next().is_some() {
        return Err(OAuthError::InvalidDpopProof("send one DPoP header".into()));
    }
    first
        .map(|v| {
            v.to_str()
                .map(str::to_owned)
                .map_err(|_| OAuthError::InvalidDpopProof("the DPoP header is not text".into()))
        })
        .transpose()
}

/// Reads the form of a client-authenticated endpoint, authenticates the client, and
/// runs `job` with the services, the client and the remaining parameters as a task
/// of the application runtime (see `routes::run`).
pub(crate) async fn as_client<S, T, Fut>(
    req: &HttpRequest,
    state: &HttpState<S>,
    body: &[u8],
    job: impl FnOnce(Arc<UseCases<S>>, Client, Params) -> Fut + Send + 'static,
) -> Result<T, OAuthErrorResponse>
where
    S: Store,
    T: Send + 'static,
    Fut: Future<Output = Result<T, OAuthError>> + Send + 'static,
{
    let (auth, params) = client_form(req, state, body)?;
    authenticated(state, auth, params, job).await
}

/// The form of a client-authenticated endpoint: the client's authentication (with
/// the address it came from), and the remaining parameters.
pub(crate) fn client_form<S>(
    req: &HttpRequest,
    state: &HttpState<S>,
    body: &[u8],
) -> Result<(ClientAuthentication, Params), OAuthErrorResponse> {
    let mut params = Params::parse(body)?;
    let mut auth = client_authentication(req, &mut params)?;
    auth.source = super::client_address::client_address(req, state);
    Ok((auth, params))
}

/// [`as_client`] once the form is read: authenticates the client and runs `job` on
/// the application runtime.
pub(crate) async fn authenticated<S, T, Fut>(
    state: &HttpState<S>,
    auth: ClientAuthentication,
    params: Params,
    job: impl FnOnce(Arc<UseCases<S>>, Client, Params) -> Fut + Send + 'static,
) -> Result<T, OAuthErrorResponse>
where
    S: Store,
    T: Send + 'static,
    Fut: Future<Output = Result<T, OAuthError>> + Send + 'static,
{
    let outcome = spawn(state, move |s| async move {
        let client = s.tokens.authenticate_client(&auth).await?;
        job(s, client, params).await
    })
    .await
    .map_err(|e| OAuthError::ServerError(Box::new(e)))?;
    Ok(outcome?)
}

/// RFC 6749 §5.1 success body.
#[derive(Serialize)]
struct TokenBody {
    access_token: String,
    token_type: &'static str,
    expires_in: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    id_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
    scope: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    issued_token_type: Option<&'static str>,
}

/// `POST /v1/oauth/token` and `POST /v1/oauth/token-code`: one implementation.
pub(crate) async fn token<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    body: web::Bytes,
) -> Result<HttpResponse, OAuthErrorResponse> {
    let answer = issue_token(&req, &state, &body).await;
    let grant_type = url::form_urlencoded::parse(&body).find(|(k, _)| k == "grant_type").map(|(_, v)| v);
    let outcome = match &answer {
        Ok(_) => "issued",
        Err(refused) => refused.error.as_str(),
    };
    state.metrics.token(grant_type.as_deref().unwrap_or(""), outcome);
    answer
}

/// The token endpoint's work (see [`token`]).
async fn issue_token<S: Store>(
    req: &HttpRequest,
    state: &web::Data<HttpState<S>>,
    body: &web::Bytes,
) -> Result<HttpResponse, OAuthErrorResponse> {
    let mut params = Params::parse(body)?;
    if params.resource_count() > 1 {
        // One audience per access token: a token for several APIs could be replayed at each.
        return Err(OAuthError::InvalidTarget(
            "name one resource per token request; ask again for a token for another".into(),
        )
        .into());
    }
    let mut auth = client_authentication(req, &mut params)?;
    auth.source = super::client_address::client_address(req, state);
    let request = TokenRequest::parse(|name| params.get(name))?;
    let dpop = dpop_header(req)?;
    // Client credentials for a client in the cache read and write nothing: they are
    // answered here, without the hand-off to the application runtime (a DPoP proof
    // is spent in the store, so not with one, nor for a client that needs one; and
    // not when access tokens are RS256, a signature too slow for a worker).
    if let TokenRequest::ClientCredentials(credentials) = &request
        && credentials.resource.is_none()
        && dpop.is_none()
        && super::signs_on_a_worker(state.services.settings().access_token_alg)
        && let Some(client) = state.services.tokens.authenticate_cached_client(&auth)
    {
        let client = client?;
        if !client.requires_dpop() {
            let response = state.services.tokens.client_credentials(&client, credentials, None, None)?;
            return Ok(token_response(response));
        }
    }
    let response = authenticated(state, auth, params, |s, client, _| async move {
        s.tokens.token(&client, &request, dpop.as_deref()).await
    })
    .await?;
    Ok(token_response(response))
}

/// The RFC 6749 §5.1 answer, never cached.
fn token_response(response: TokenResponse) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::PRAGMA, "no-cache"))
        .json(TokenBody {
            access_token: response.access_token,
            token_type: if response.dpop_bound { "DPoP" } else { "Bearer" },
            expires_in: response.expires_in,
            id_token: response.id_token,
            refresh_token: response.refresh_token.map(|t| t.expose().to_owned()),
            scope: response.scope.to_delimited(),
            issued_token_type: response.issued_token_type,
        })
}
