//! The dashboard's branding page: the tenant's primary colour and its help and
//! privacy links, with each refusal beside its field.

use std::collections::BTreeMap;

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use qeetid_domain::AdminError;
use qeetid_domain::locale::Locale;
use qeetid_domain::logo::{LOGO_MAX_BYTES, LogoImage};
use qeetid_domain::ports::Store;
use qeetid_domain::services::{BrandingPatch, TenantPatch};
use qeetid_render::{ConsoleBrandingView, FormOption};
use serde::Deserialize;

use super::{Desk, answer, desk, desk_for_form, field_problems, form_desk, form_value, notice, render_page, see_other};
use crate::HttpState;
use crate::routes::spawn;

/// `?done=…`
#[derive(Deserialize)]
pub(crate) struct BrandingQuery {
    done: Option<String>,
}

/// The languages with a catalogue, as the dashboard names them.
fn languages(selected: Locale) -> Vec<FormOption> {
    Locale::ALL
        .into_iter()
        .map(|l| FormOption {
            value: l.tag(),
            label: match l {
                Locale::En => "English",
                Locale::De => "Deutsch (German)",
                Locale::Fr => "Français (French)",
                Locale::Es => "Español (Spanish)",
            },
            checked: l == selected,
        })
        .collect()
}

fn page<S>(
    state: &HttpState<S>,
    desk: &Desk,
    typed: [&str; 4],
    errors: BTreeMap<String, String>,
    done: Option<&'static str>,
) -> HttpResponse {
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let view = ConsoleBrandingView {
        chrome: desk.chrome("branding", done),
        primary_color: typed[0],
        support_url: typed[1],
        privacy_url: typed[2],
        languages: languages(Locale::from_tag(typed[3]).unwrap_or_default()),
        logo_url: desk.tenant.logo_path(),
        errors,
    };
    render_page(state, desk, status, state.renderer.console_branding_page(&view))
}

/// `GET /admin/t/{tenant}/branding`
pub(crate) async fn show<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
    query: web::Query<BrandingQuery>,
) -> HttpResponse {
    let desk = or_answer!(desk(&req, &state, &path).await);
    stored_page(&state, &desk, BTreeMap::new(), notice(query.done.as_deref()))
}

/// `POST /admin/t/{tenant}/branding`: every field at once; an empty one clears it.
pub(crate) async fn save<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let (desk, pairs) = or_answer!(form_desk(&req, &state, &path, &body).await);
    let typed = ["primary_color", "support_url", "privacy_url", "default_locale"]
        .map(|name| form_value(&pairs, name).trim().to_owned());
    let patch = TenantPatch {
        branding: Some(BrandingPatch {
            primary_color: Some(typed[0].clone()),
            support_url: Some(typed[1].clone()),
            privacy_url: Some(typed[2].clone()),
            default_locale: Some(typed[3].clone()).filter(|l| !l.is_empty()),
        }),
        ..TenantPatch::default()
    };
    let (caller, tenant) = (desk.admin.caller(), desk.tenant_id().clone());
    let outcome = spawn(&state, move |s| async move { s.admin.update_tenant(&caller, &tenant, patch).await }).await;
    let errors = match outcome {
        Ok(Err(AdminError::Invalid(e))) => field_problems(&e, |f| f.trim_start_matches("branding.").to_owned()),
        other => {
            return match answer(&state, other) {
                Ok(_) => see_other(&format!("/admin/t/{}/branding?done=saved", desk.tenant_id())),
                Err(response) => response,
            };
        }
    };
    page(&state, &desk, [&typed[0], &typed[1], &typed[2], &typed[3]], errors, None)
}

/// An upload form's CSRF token and file (`logo`): its declared type and bytes, read
/// up to one byte past the largest logo (what is larger is refused unread).
async fn read_upload(mut form: Multipart) -> Result<(String, Option<String>, Vec<u8>), String> {
    use futures_util::TryStreamExt as _;
    let (mut csrf, mut declared, mut bytes) = (String::new(), None, Vec::new());
    while let Some(mut field) = form.try_next().await.map_err(|e| e.to_string())? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "logo" {
            declared = field.content_type().map(ToString::to_string);
        }
        let mut value = Vec::new();
        while let Some(chunk) = field.try_next().await.map_err(|e| e.to_string())? {
            if value.len() + chunk.len() > LOGO_MAX_BYTES + 1 {
                let room = (LOGO_MAX_BYTES + 1).saturating_sub(value.len());
                value.extend_from_slice(&chunk[..room.min(chunk.len())]);
                break;
            }
            value.extend_from_slice(&chunk);
        }
        match name.as_str() {
            "csrf_token" => csrf = String::from_utf8_lossy(&value).into_owned(),
            "logo" => bytes = value,
            _ => {}
        }
    }
    Ok((csrf, declared, bytes))
}

/// `POST /admin/t/{tenant}/branding/logo` (a file upload): sets the logo, or shows
/// why it was refused beside the field.
pub(crate) async fn upload_logo<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
    form: Multipart,
) -> HttpResponse {
    let (csrf, declared, bytes) = match read_upload(form).await {
        Ok(read) => read,
        Err(e) => return super::error_page(&state, StatusCode::BAD_REQUEST, "Bad upload", &e),
    };
    let desk = or_answer!(desk_for_form(&req, &state, &path, &csrf).await);
    let logo = match LogoImage::parse(declared.as_deref(), bytes) {
        Ok(logo) => logo,
        Err(e) => return show_refusal(&state, &desk, e.message),
    };
    let (caller, tenant) = (desk.admin.caller(), desk.tenant_id().clone());
    let outcome = spawn(&state, move |s| async move { s.admin.set_tenant_logo(&caller, &tenant, Some(logo)).await });
    match answer(&state, outcome.await) {
        Ok(_) => see_other(&format!("/admin/t/{}/branding?done=saved", desk.tenant_id())),
        Err(response) => response,
    }
}

/// `POST /admin/t/{tenant}/branding/logo/remove`
pub(crate) async fn remove_logo<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let (desk, _) = or_answer!(form_desk(&req, &state, &path, &body).await);
    let (caller, tenant) = (desk.admin.caller(), desk.tenant_id().clone());
    let outcome = spawn(&state, move |s| async move { s.admin.set_tenant_logo(&caller, &tenant, None).await });
    match answer(&state, outcome.await) {
        Ok(_) => see_other(&format!("/admin/t/{}/branding?done=saved", desk.tenant_id())),
        Err(response) => response,
    }
}

/// The branding page again with the logo's refusal beside its field (422).
fn show_refusal<S>(state: &HttpState<S>, desk: &Desk, why: String) -> HttpResponse {
    stored_page(state, desk, BTreeMap::from([("logo".to_owned(), format!("The image {why}."))]), None)
}

/// The page with the tenant's branding as stored.
fn stored_page<S>(
    state: &HttpState<S>,
    desk: &Desk,
    errors: BTreeMap<String, String>,
    done: Option<&'static str>,
) -> HttpResponse {
    let branding = &desk.tenant.branding;
    let color = branding.primary_color.map(|c| format!("#{}", c.to_hex())).unwrap_or_default();
    let typed = [
        color.as_str(),
        branding.support_url.as_deref().unwrap_or(""),
        branding.privacy_url.as_deref().unwrap_or(""),
        branding.default_locale.tag(),
    ];
    page(state, desk, typed, errors, done)
}
