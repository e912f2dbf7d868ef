//! The dashboard's sign-in providers page: the tenant's upstream identity providers
//! ("Continue with …"), added, edited and removed as the admin API does, with each
//! refusal beside its field.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use qeetid_domain::federation::{IdentityProvider, ProviderKind};
use qeetid_domain::ports::Store;
use qeetid_domain::services::{IdentityProviderChange, NewIdentityProvider};
use qeetid_domain::{AdminError, ProviderId};
use qeetid_render::{ConsoleProviderRow, ConsoleProvidersView, FormOption};
use serde::Deserialize;

use super::{Desk, answer, desk, form_desk, form_value, notice, render_page, see_other};
use crate::HttpState;
use crate::routes::spawn;

/// `?done=…`
#[derive(Deserialize)]
pub(crate) struct ProvidersQuery {
    done: Option<String>,
}

/// A refused form: the provider it was for (`None`: the add form), what was typed
/// and what is wrong, by field.
struct Refused {
    provider: Option<String>,
    typed: BTreeMap<String, String>,
    errors: BTreeMap<String, String>,
}

fn kind_label(kind: ProviderKind) -> &'static str {
    match kind {
        ProviderKind::Oidc => "OpenID Connect",
        ProviderKind::Google => "Google",
        ProviderKind::Github => "GitHub",
    }
}

fn row(p: &IdentityProvider, refused: Option<&Refused>) -> ConsoleProviderRow {
    let mine = refused.filter(|r| r.provider.as_deref() == Some(p.id.as_str()));
    let typed =
        |field: &str, stored: &str| mine.and_then(|r| r.typed.get(field)).cloned().unwrap_or_else(|| stored.to_owned());
    ConsoleProviderRow {
        id: p.id.to_string(),
        kind: kind_label(p.kind),
        name: typed("name", p.name.as_str()),
        issuer: p.issuer.clone(),
        client_id: typed("client_id", &p.client_id),
        link_verified_email: p.link_verified_email,
        errors: mine.map(|r| r.errors.clone()).unwrap_or_default(),
        open: mine.is_some(),
    }
}

async fn page<S: Store>(
    state: &HttpState<S>,
    desk: &Desk,
    refused: Option<Refused>,
    done: Option<&'static str>,
) -> HttpResponse {
    let (caller, tenant) = (desk.admin.caller(), desk.tenant_id().clone());
    let listed =
        spawn(state, move |s| async move { s.federation.list_identity_providers(&caller, &tenant).await }).await;
    let providers = match answer(state, listed) {
        Ok(providers) => providers,
        Err(response) => return response,
    };
    let add = refused.as_ref().filter(|r| r.provider.is_none());
    let typed = add.map(|r| r.typed.clone()).unwrap_or_default();
    let chosen = typed.get("kind").map_or("oidc", String::as_str);
    let kinds = [ProviderKind::Oidc, ProviderKind::Google, ProviderKind::Github]
        .into_iter()
        .map(|k| FormOption { value: k.as_str(), label: kind_label(k), checked: k.as_str() == chosen })
        .collect();
    let redirect_uri = crate::routes::federation::callback_uri(state);
    let view = ConsoleProvidersView {
        chrome: desk.chrome("providers", done),
        redirect_uri: &redirect_uri,
        providers: providers.iter().map(|p| row(p, refused.as_ref())).collect(),
        kinds,
        errors: add.map(|r| r.errors.clone()).unwrap_or_default(),
        typed,
    };
    let status = if refused.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    render_page(state, desk, status, state.renderer.console_providers_page(&view))
}

/// `GET /admin/t/{tenant}/providers`
pub(crate) async fn show<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
    query: web::Query<ProvidersQuery>,
) -> HttpResponse {
    let desk = or_answer!(desk(&req, &state, &path).await);
    page(&state, &desk, None, notice(query.done.as_deref())).await
}

/// A use case's outcome: on to the page with `done`, or the form again with the
/// refusal beside its field.
async fn settle<S: Store, T>(
    state: &HttpState<S>,
    desk: &Desk,
    outcome: Result<Result<T, AdminError>, tokio::task::JoinError>,
    refused: impl FnOnce(String, String) -> Refused,
) -> HttpResponse {
    match outcome {
        Ok(Err(AdminError::Invalid(e))) => page(state, desk, Some(refused(e.field, e.message)), None).await,
        other => match answer(state, other) {
            Ok(_) => see_other(&format!("/admin/t/{}/providers?done=saved", desk.tenant_id())),
            Err(response) => response,
        },
    }
}

fn typed_fields(pairs: &[(String, String)], names: &[&str]) -> BTreeMap<String, String> {
    names.iter().map(|n| ((*n).to_owned(), form_value(pairs, n).trim().to_owned())).collect()
}

/// `POST /admin/t/{tenant}/providers`: adds one.
pub(crate) async fn create<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let (desk, pairs) = or_answer!(form_desk(&req, &state, &path, &body).await);
    let typed = typed_fields(&pairs, &["kind", "name", "issuer", "client_id"]);
    let link = form_value(&pairs, "link_verified_email") == "true";
    let new = NewIdentityProvider {
        kind: typed["kind"].clone(),
        name: Some(typed["name"].clone()).filter(|n| !n.is_empty()),
        issuer: Some(typed["issuer"].clone()).filter(|i| !i.is_empty()),
        client_id: typed["client_id"].clone(),
        client_secret: form_value(&pairs, "client_secret").to_owned(),
        link_verified_email: Some(link),
    };
    let (caller, tenant) = (desk.admin.caller(), desk.tenant_id().clone());
    let outcome =
        spawn(&state, move |s| async move { s.federation.create_identity_provider(&caller, &tenant, new).await }).await;
    let mut typed = typed;
    if link {
        typed.insert("link_verified_email".into(), "true".into());
    }
    settle(&state, &desk, outcome, |field, message| Refused {
        provider: None,
        typed,
        errors: BTreeMap::from([(field, message)]),
    })
    .await
}

/// A provider form's desk (CSRF-checked), its fields and the provider it names, or
/// the page to answer instead.
async fn provider_form<S: Store>(
    req: &HttpRequest,
    state: &HttpState<S>,
    path: (String, String),
    body: &[u8],
) -> Result<(Desk, Vec<(String, String)>, ProviderId), HttpResponse> {
    let (tenant_path, id) = path;
    let (desk, pairs) = form_desk(req, state, &tenant_path, body).await?;
    let id = ProviderId::parse(&id)
        .map_err(|_| crate::answers::admin_error_page(state, &AdminError::NotFound("identity provider")))?;
    Ok((desk, pairs, id))
}

/// `POST /admin/t/{tenant}/providers/{id}`: edits one.
pub(crate) async fn update<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> HttpResponse {
    let (desk, pairs, id) = or_answer!(provider_form(&req, &state, path.into_inner(), &body).await);
    let typed = typed_fields(&pairs, &["name", "client_id"]);
    let change = IdentityProviderChange {
        name: Some(typed["name"].clone()),
        client_id: Some(typed["client_id"].clone()),
        client_secret: Some(form_value(&pairs, "client_secret").to_owned()),
        link_verified_email: Some(form_value(&pairs, "link_verified_email") == "true"),
    };
    let (caller, tenant, job_id) = (desk.admin.caller(), desk.tenant_id().clone(), id.clone());
    let outcome = spawn(&state, move |s| async move {
        s.federation.update_identity_provider(&caller, &tenant, &job_id, change).await
    })
    .await;
    settle(&state, &desk, outcome, |field, message| Refused {
        provider: Some(id.to_string()),
        typed,
        errors: BTreeMap::from([(field, message)]),
    })
    .await
}

/// `POST /admin/t/{tenant}/providers/{id}/delete`: removes one (its users keep their accounts).
pub(crate) async fn delete<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> HttpResponse {
    let (desk, _, id) = or_answer!(provider_form(&req, &state, path.into_inner(), &body).await);
    let (caller, tenant) = (desk.admin.caller(), desk.tenant_id().clone());
    let outcome =
        spawn(&state, move |s| async move { s.federation.delete_identity_provider(&caller, &tenant, &id).await }).await;
    match answer(&state, outcome) {
        Ok(()) => see_other(&format!("/admin/t/{}/providers?done=provider-removed", desk.tenant_id())),
        Err(response) => response,
    }
}
