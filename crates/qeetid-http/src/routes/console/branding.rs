//! The dashboard's branding page: the tenant's primary colour and its help and
//! privacy links, with each refusal beside its field.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use qeetid_domain::AdminError;
use qeetid_domain::locale::Locale;
use qeetid_domain::ports::Store;
use qeetid_domain::services::{BrandingPatch, TenantPatch};
use qeetid_render::{ConsoleBrandingView, FormOption};
use serde::Deserialize;

use super::{Desk, answer, desk, form_desk, form_value, notice, render_page, see_other};
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
    let branding = desk.tenant.branding.clone();
    let color = branding.primary_color.map(|c| format!("#{}", c.to_hex())).unwrap_or_default();
    let typed = [
        color.as_str(),
        branding.support_url.as_deref().unwrap_or(""),
        branding.privacy_url.as_deref().unwrap_or(""),
        branding.default_locale.tag(),
    ];
    page(&state, &desk, typed, BTreeMap::new(), notice(query.done.as_deref()))
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
    let error = match outcome {
        Ok(Err(AdminError::Invalid(e))) => (e.field.trim_start_matches("branding.").to_owned(), e.message),
        other => {
            return match answer(&state, other) {
                Ok(_) => see_other(&format!("/admin/t/{}/branding?done=saved", desk.tenant_id())),
                Err(response) => response,
            };
        }
    };
    page(&state, &desk, [&typed[0], &typed[1], &typed[2], &typed[3]], BTreeMap::from([error]), None)
}
