//! Social sign-in over HTTP: the admin API of a tenant's upstream identity
//! providers, the login page's "Continue with …" (`/login/federated/{id}`), and the
//! providers' return to `/login/federated/callback`.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use qeetid_domain::ProviderId;
use qeetid_domain::federation::IdentityProvider;
use qeetid_domain::ports::Store;
use qeetid_domain::services::{FlowError, LoginOutcome};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::hosted::{RequestQuery, signed_in};
use super::oauth::{BROWSER_COOKIE, cookie_secret, found};
use super::params::Params;
use super::{Admin, run, spawn, tenant_id, user_id};
use crate::HttpState;
use crate::answers::flow_error_page;
use crate::answers::{ApiError, ErrorBody};
use crate::json::Json;
use crate::wire::rfc3339;

/// Where providers send the browser back.
pub(crate) fn callback_uri<S>(state: &HttpState<S>) -> String {
    format!("{}/login/federated/callback", state.issuer)
}

fn provider_id(raw: &str) -> Result<ProviderId, ApiError> {
    ProviderId::parse(raw).map_err(|_| qeetid_domain::AdminError::NotFound("identity provider").into())
}

/// Body of `POST /v1/tenants/{tenantID}/identity-providers`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateIdentityProviderRequest {
    /// `oidc` (any OpenID Connect provider, by issuer), `google`, or `github`.
    pub(crate) kind: String,
    /// The login button's label; defaults to "Google", "GitHub" or the issuer's host.
    pub(crate) name: Option<String>,
    /// The issuer URL (`oidc` only): https, or http on a loopback host.
    pub(crate) issuer: Option<String>,
    /// Our client id at the provider.
    pub(crate) client_id: String,
    /// Our client secret at the provider (stored sealed, never shown again).
    pub(crate) client_secret: String,
    /// Let a first sign-in link to the user with the same e-mail when the provider
    /// verified it. Default false: such a sign-in is refused.
    pub(crate) link_verified_email: Option<bool>,
}

/// An upstream identity provider (never its client secret).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct IdentityProviderBody {
    /// `idp_…`
    pub(crate) id: String,
    /// Owning tenant.
    pub(crate) tenant_id: String,
    /// `oidc`, `google` or `github`.
    pub(crate) kind: &'static str,
    /// The login button's label.
    pub(crate) name: String,
    /// The issuer (`null` for GitHub).
    pub(crate) issuer: Option<String>,
    /// Our client id there.
    pub(crate) client_id: String,
    /// Whether verified e-mails link to existing users.
    pub(crate) link_verified_email: bool,
    /// The redirect URI to register at the provider.
    pub(crate) redirect_uri: String,
    /// RFC 3339.
    pub(crate) created_at: String,
}

/// `{"identity_provider": …}`
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct IdentityProviderEnvelope {
    /// The provider.
    pub(crate) identity_provider: IdentityProviderBody,
}

/// The tenant's providers.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct IdentityProviderList {
    /// Oldest first.
    pub(crate) identity_providers: Vec<IdentityProviderBody>,
}

fn body<S>(state: &HttpState<S>, p: &IdentityProvider) -> IdentityProviderBody {
    IdentityProviderBody {
        id: p.id.to_string(),
        tenant_id: p.tenant_id.to_string(),
        kind: p.kind.as_str(),
        name: p.name.as_str().to_owned(),
        issuer: p.issuer.clone(),
        client_id: p.client_id.clone(),
        link_verified_email: p.link_verified_email,
        redirect_uri: callback_uri(state),
        created_at: rfc3339(p.created_at),
    }
}

/// Add an upstream identity provider: its "Continue with …" button appears on the
/// tenant's login page.
#[utoipa::path(post, path = "/v1/tenants/{tenantID}/identity-providers", tag = "identity providers",
    request_body = CreateIdentityProviderRequest,
    params(("tenantID" = String, Path, description = "tnt_…")),
    responses((status = 201, body = IdentityProviderEnvelope), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn create<S: Store>(
    Admin(caller): Admin,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
    Json(request): Json<CreateIdentityProviderRequest>,
) -> Result<HttpResponse, ApiError> {
    let tenant = tenant_id(&path)?;
    let new = qeetid_domain::services::NewIdentityProvider {
        kind: request.kind,
        name: request.name,
        issuer: request.issuer,
        client_id: request.client_id,
        client_secret: request.client_secret,
        link_verified_email: request.link_verified_email,
    };
    let provider =
        run(&state, move |s| async move { s.federation.create_identity_provider(&caller, &tenant, new).await }).await?;
    Ok(HttpResponse::Created().json(IdentityProviderEnvelope { identity_provider: body(&state, &provider) }))
}

/// List the tenant's identity providers.
#[utoipa::path(get, path = "/v1/tenants/{tenantID}/identity-providers", tag = "identity providers",
    params(("tenantID" = String, Path, description = "tnt_…")),
    responses((status = 200, body = IdentityProviderList), (status = 404, body = ErrorBody)))]
pub(crate) async fn list<S: Store>(
    Admin(caller): Admin,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let tenant = tenant_id(&path)?;
    let providers =
        run(&state, move |s| async move { s.federation.list_identity_providers(&caller, &tenant).await }).await?;
    let identity_providers = providers.iter().map(|p| body(&state, p)).collect();
    Ok(HttpResponse::Ok().json(IdentityProviderList { identity_providers }))
}

/// Get an identity provider.
#[utoipa::path(get, path = "/v1/tenants/{tenantID}/identity-providers/{id}", tag = "identity providers",
    params(("tenantID" = String, Path, description = "tnt_…"), ("id" = String, Path, description = "idp_…")),
    responses((status = 200, body = IdentityProviderEnvelope), (status = 404, body = ErrorBody)))]
pub(crate) async fn get<S: Store>(
    Admin(caller): Admin,
    state: web::Data<HttpState<S>>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (tenant, id) = path.into_inner();
    let (tenant, id) = (tenant_id(&tenant)?, provider_id(&id)?);
    let provider =
        run(&state, move |s| async move { s.federation.get_identity_provider(&caller, &tenant, &id).await }).await?;
    Ok(HttpResponse::Ok().json(IdentityProviderEnvelope { identity_provider: body(&state, &provider) }))
}

/// Body of `PATCH /v1/tenants/{tenantID}/identity-providers/{id}`: the parts to
/// change (the kind and issuer never change: another issuer is another provider).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct UpdateIdentityProviderRequest {
    /// The login button's label.
    pub(crate) name: Option<String>,
    /// Our client id at the provider.
    pub(crate) client_id: Option<String>,
    /// A new client secret (stored sealed, never shown again).
    pub(crate) client_secret: Option<String>,
    /// Whether a first sign-in with a verified e-mail links to the user who has it.
    pub(crate) link_verified_email: Option<bool>,
}

/// Change an identity provider's label, client id, client secret or linking rule.
#[utoipa::path(patch, path = "/v1/tenants/{tenantID}/identity-providers/{id}", tag = "identity providers",
    request_body = UpdateIdentityProviderRequest,
    params(("tenantID" = String, Path, description = "tnt_…"), ("id" = String, Path, description = "idp_…")),
    responses((status = 200, body = IdentityProviderEnvelope), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn update<S: Store>(
    Admin(caller): Admin,
    state: web::Data<HttpState<S>>,
    path: web::Path<(String, String)>,
    Json(request): Json<UpdateIdentityProviderRequest>,
) -> Result<HttpResponse, ApiError> {
    let (tenant, id) = path.into_inner();
    let (tenant, id) = (tenant_id(&tenant)?, provider_id(&id)?);
    let change = qeetid_domain::services::IdentityProviderChange {
        name: request.name,
        client_id: request.client_id,
        client_secret: request.client_secret,
        link_verified_email: request.link_verified_email,
    };
    let provider =
        run(&state, move |s| async move { s.federation.update_identity_provider(&caller, &tenant, &id, change).await })
            .await?;
    Ok(HttpResponse::Ok().json(IdentityProviderEnvelope { identity_provider: body(&state, &provider) }))
}

/// Remove an identity provider and its links (users keep their accounts).
#[utoipa::path(delete, path = "/v1/tenants/{tenantID}/identity-providers/{id}", tag = "identity providers",
    params(("tenantID" = String, Path, description = "tnt_…"), ("id" = String, Path, description = "idp_…")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub(crate) async fn delete<S: Store>(
    Admin(caller): Admin,
    state: web::Data<HttpState<S>>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (tenant, id) = path.into_inner();
    let (tenant, id) = (tenant_id(&tenant)?, provider_id(&id)?);
    run(&state, move |s| async move { s.federation.delete_identity_provider(&caller, &tenant, &id).await }).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Unlink a user's account at a provider.
#[utoipa::path(delete, path = "/v1/tenants/{tenantID}/users/{id}/identities/{providerID}", tag = "users",
    params(("tenantID" = String, Path, description = "tnt_…"), ("id" = String, Path, description = "usr_…"),
        ("providerID" = String, Path, description = "idp_…")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub(crate) async fn unlink<S: Store>(
    Admin(caller): Admin,
    state: web::Data<HttpState<S>>,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (tenant, user, provider) = path.into_inner();
    let (tenant, user, provider) = (tenant_id(&tenant)?, user_id(&user)?, provider_id(&provider)?);
    run(&state, move |s| async move { s.admin.unlink_identity(&caller, &tenant, &user, &provider).await }).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `GET /login/federated/{id}?request=…`: to the provider, for this pending request.
pub(crate) async fn start<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
    query: web::Query<RequestQuery>,
) -> HttpResponse {
    let Some(request) = query.into_inner().request else {
        return flow_error_page(&state, crate::language::browser(&req), &FlowError::RequestNotFound);
    };
    let browser = cookie_secret(&req, BROWSER_COOKIE);
    let (provider, callback) = (path.into_inner(), callback_uri(&state));
    let outcome = spawn(&state, move |s| async move {
        s.federation.start_upstream_login(&request, browser.as_ref(), &provider, &callback).await
    })
    .await;
    match outcome.map_err(|e| FlowError::Internal(Box::new(e))).and_then(|r| r) {
        Ok(url) => found(&url),
        Err(err) => flow_error_page(&state, crate::language::browser(&req), &err),
    }
}

/// `GET /login/federated/callback?state=…&code=…`: the provider's answer.
pub(crate) async fn callback<S: Store>(req: HttpRequest, state: web::Data<HttpState<S>>) -> HttpResponse {
    let Ok(mut params) = Params::parse(req.query_string().as_bytes()) else {
        return flow_error_page(&state, crate::language::browser(&req), &FlowError::RequestNotFound);
    };
    if let Some(error) = params.take("error") {
        // Only an RFC 6749 §4.1.2.1 error code is shown; free text from the query is not.
        let code =
            if !error.is_empty() && error.len() <= 40 && error.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
                error
            } else {
                "error".to_owned()
            };
        let err = FlowError::UpstreamFailed(format!("the provider answered {code}"));
        return flow_error_page(&state, crate::language::browser(&req), &err);
    }
    let (Some(upstream_state), Some(code)) = (params.take("state"), params.take("code")) else {
        return flow_error_page(&state, crate::language::browser(&req), &FlowError::RequestNotFound);
    };
    let browser = cookie_secret(&req, BROWSER_COOKIE);
    let callback = callback_uri(&state);
    let outcome = spawn(&state, move |s| async move {
        s.federation.finish_upstream_login(&upstream_state, &code, browser.as_ref(), &callback).await
    })
    .await;
    let mut response = match outcome.map_err(|e| FlowError::Internal(Box::new(e))).and_then(|r| r) {
        Ok(LoginOutcome::SignedIn(login)) => signed_in(&state, crate::language::browser(&req), &login),
        Ok(LoginOutcome::SecondFactor(id) | LoginOutcome::Enrol(id)) => {
            HttpResponse::SeeOther().insert_header((header::LOCATION, format!("/login/mfa?request={id}"))).finish()
        }
        Err(err) => return flow_error_page(&state, crate::language::browser(&req), &err),
    };
    response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    response
}
