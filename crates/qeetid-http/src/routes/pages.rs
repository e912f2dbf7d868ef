//! Server-rendered pages that are not part of a flow: home, stylesheet, errors.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use qeetid_domain::locale::Locale;
use qeetid_domain::oauth::ResponseMode;
use qeetid_domain::ports::Store;
use qeetid_domain::services::{ClientRedirect, FrontChannelLogout};
use qeetid_render::{ErrorView, FormPostView, HomeView, LoggedOutView, PostedField, STYLESHEET};

use crate::HttpState;

/// `GET /`
pub(crate) async fn home<S: Store>(req: HttpRequest, state: web::Data<HttpState<S>>) -> HttpResponse {
    let view = HomeView { issuer: &state.issuer, version: env!("CARGO_PKG_VERSION") };
    html(StatusCode::OK, state.renderer.home_page(crate::language::browser(&req).tag(), &view))
}

/// A tenant's look for a page: its name, its theme stylesheet (when it has a
/// colour; the URL changes with the colour, so it is cached for good), its links.
pub(crate) fn brand_of(tenant: &qeetid_domain::Tenant) -> qeetid_render::BrandView {
    let branding = &tenant.branding;
    qeetid_render::BrandView {
        name: tenant.name.as_str().to_owned(),
        theme_url: branding
            .primary_color
            .map(|_| format!("/branding/{}/theme-{}.css", tenant.id, branding.fingerprint())),
        support_url: branding.support_url.clone(),
        privacy_url: branding.privacy_url.clone(),
        logo_url: tenant.logo_path(),
    }
}

/// `GET /branding/{tenantID}/{file}`: the tenant's theme stylesheet
/// (`theme-{fingerprint}.css`): its primary colour, and in dark mode a lighter
/// shade made from it, with the text colour that reads on each.
pub(crate) async fn theme<S: Store>(state: web::Data<HttpState<S>>, path: web::Path<(String, String)>) -> HttpResponse {
    let (tenant, file) = path.into_inner();
    if file.starts_with("logo-") {
        return logo(&state, tenant, &file).await;
    }
    let Some(fingerprint) = file.strip_prefix("theme-").and_then(|f| f.strip_suffix(".css")).map(str::to_owned) else {
        return not_found_in(&state, Locale::En);
    };
    let found = super::spawn(&state, move |s| async move { s.accounts.tenant_named(&tenant).await }).await;
    let Ok(Ok(Some(tenant))) = found else { return not_found_in(&state, Locale::En) };
    let Some(color) = tenant.branding.primary_color else { return not_found_in(&state, Locale::En) };
    let dark = color.for_dark_mode();
    let css = format!(
        ":root {{ --accent: #{}; --on-accent: #fff; }}\n\
         @media (prefers-color-scheme: dark) {{ :root {{ --accent: #{}; --on-accent: #0b1220; }} }}\n",
        color.to_hex(),
        dark.to_hex()
    );
    // A URL whose fingerprint is the colour's is immutable; any other is answered
    // with the current colour, briefly cached.
    let cache = if fingerprint == tenant.branding.fingerprint() {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=60"
    };
    HttpResponse::Ok().content_type("text/css; charset=utf-8").insert_header(("Cache-Control", cache)).body(css)
}

/// `GET /branding/{tenantID}/logo-{digest}.{ext}`: the tenant's logo. Its name
/// changes with the image, so it is cached for good; a stale name is not found.
/// Served with `nosniff` and a policy that runs nothing, though only PNG, JPEG and
/// WebP images are ever stored.
async fn logo<S: Store>(state: &web::Data<HttpState<S>>, tenant: String, file: &str) -> HttpResponse {
    let Ok(tenant) = qeetid_domain::TenantId::parse(&tenant) else { return not_found_in(state, Locale::En) };
    let found = super::spawn(state, move |s| async move { s.accounts.tenant_logo(&tenant).await }).await;
    let logo = match found {
        Ok(Ok(Some(logo))) if logo.reference.file_name() == file => logo,
        Ok(Ok(_)) => return not_found_in(state, Locale::En),
        Ok(Err(e)) => return crate::answers::failure_page(state, "logo", &e),
        Err(e) => return crate::answers::failure_page(state, "logo", &e),
    };
    HttpResponse::Ok()
        .content_type(logo.reference.kind().content_type())
        .insert_header(("Cache-Control", "public, max-age=31536000, immutable"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header(("Content-Security-Policy", "default-src 'none'; sandbox"))
        .body(logo.bytes)
}

/// `GET /static/qeetid.css`
pub(crate) async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(STYLESHEET)
}

/// The HTML "not found" page, for paths outside the JSON API.
pub(crate) async fn not_found<S: Store>(req: HttpRequest, state: web::Data<HttpState<S>>) -> HttpResponse {
    not_found_in(&state, crate::language::browser(&req))
}

fn not_found_in<S>(state: &HttpState<S>, lang: Locale) -> HttpResponse {
    let words = state.renderer.catalogue(lang.tag());
    let (title, message) = (words.text("error-not-found-title", &[]), words.text("error-not-found", &[]));
    let view = ErrorView { title: &title, message: &message, code: Some("not_found"), next: None };
    html(StatusCode::NOT_FOUND, state.renderer.error_page(lang.tag(), &view))
}

/// The Content-Security-Policy of our pages. `form-action` also governs where a
/// form's response may redirect, so the hosted login and consent forms must allow
/// the client's redirect URI (its origin, or its private-use scheme).
pub(crate) fn content_security_policy(form_target: Option<&str>) -> String {
    let target = form_target
        .and_then(|uri| url::Url::parse(uri).ok())
        .map(|u| match u.scheme() {
            "http" | "https" => format!(" {}", u.origin().ascii_serialization()),
            scheme => format!(" {scheme}:"),
        })
        .unwrap_or_default();
    format!("default-src 'self'; frame-ancestors 'none'; form-action 'self'{target}; base-uri 'none'")
}

/// The signed-out page after a session ended: the session's front-channel logout
/// pages in frames (the content security policy lets only their origins be
/// framed), then on to `continue_to`; with no frames, a redirect straight there,
/// or the plain page.
pub(crate) fn signed_out(
    renderer: &qeetid_render::Renderer,
    lang: Locale,
    frames: &[FrontChannelLogout],
    continue_to: Option<&str>,
    refused_return: Option<&str>,
) -> HttpResponse {
    if frames.is_empty()
        && let Some(target) = continue_to
    {
        return see_other(target);
    }
    let view = LoggedOutView { refused_return, frames: frames.iter().map(|f| f.url.as_str()).collect(), continue_to };
    let mut response = html(StatusCode::OK, renderer.logged_out_page(lang.tag(), &view));
    if !frames.is_empty() {
        let mut origins: Vec<&str> = frames.iter().map(|f| f.origin.as_str()).collect();
        origins.sort_unstable();
        origins.dedup();
        let policy = format!("{}; frame-src {}", content_security_policy(None), origins.join(" "));
        if let Ok(value) = actix_web::http::header::HeaderValue::from_str(&policy) {
            response.headers_mut().insert(actix_web::http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
    response
}

/// The authorization response `redirect` as the client asked for it: a redirect
/// with `status` (query mode), or a page whose form POSTs the parameters to the
/// redirect URI (form post mode; the content security policy lets the form go
/// there, and the page is never cached).
pub(crate) fn to_client(
    renderer: &qeetid_render::Renderer,
    lang: Locale,
    redirect: &ClientRedirect,
    status: StatusCode,
) -> HttpResponse {
    match redirect.mode() {
        ResponseMode::Query => {
            HttpResponse::build(status).insert_header((actix_web::http::header::LOCATION, redirect.location())).finish()
        }
        ResponseMode::FormPost => {
            let view = form_post_view(redirect);
            let mut response =
                flow_page(StatusCode::OK, renderer.form_post_page(lang.tag(), &view), redirect.redirect_uri());
            response.headers_mut().insert(
                actix_web::http::header::CACHE_CONTROL,
                actix_web::http::header::HeaderValue::from_static("no-store"),
            );
            response
        }
    }
}

/// The form that POSTs `redirect`'s parameters to its redirect URI.
pub(crate) fn form_post_view(redirect: &ClientRedirect) -> FormPostView<'_> {
    let fields = redirect
        .params()
        .iter()
        .map(|(name, value)| PostedField { name: name.clone(), value: value.clone() })
        .collect();
    FormPostView { action: redirect.redirect_uri(), fields }
}

/// `GET /static/form_post.js`
pub(crate) async fn form_post_script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(qeetid_render::FORM_POST_SCRIPT)
}

/// `GET /static/logout.js`
pub(crate) async fn logout_script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(qeetid_render::LOGOUT_SCRIPT)
}

/// A hosted-flow page whose form may end in a redirect to `redirect_uri`.
pub(crate) fn flow_page(
    status: StatusCode,
    rendered: Result<String, qeetid_render::RenderError>,
    redirect_uri: &str,
) -> HttpResponse {
    let mut response = html(status, rendered);
    if let Ok(value) = actix_web::http::header::HeaderValue::from_str(&content_security_policy(Some(redirect_uri))) {
        response.headers_mut().insert(actix_web::http::header::CONTENT_SECURITY_POLICY, value);
    }
    response
}

/// A rendered page, or a plain-text apology when a template fails (logged).
pub(crate) fn html(status: StatusCode, rendered: Result<String, qeetid_render::RenderError>) -> HttpResponse {
    match rendered {
        Ok(body) => HttpResponse::build(status).content_type("text/html; charset=utf-8").body(body),
        Err(e) => {
            crate::answers::log_failure("page rendering", &e);
            HttpResponse::InternalServerError().content_type("text/plain; charset=utf-8").body("Something went wrong.")
        }
    }
}

/// A 303 to `location`, after a form.
pub(crate) fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((actix_web::http::header::LOCATION, location)).finish()
}

#[cfg(test)]
mod tests {
    use super::content_security_policy;

    #[test]
    fn forms_may_redirect_to_the_client() {
        assert!(content_security_policy(None).contains("form-action 'self';"));
        assert!(
            content_security_policy(Some("https://app.acme.com/cb?x=1"))
                .contains("form-action 'self' https://app.acme.com;")
        );
        assert!(content_security_policy(Some("http://localhost:3000/cb")).contains("'self' http://localhost:3000;"));
        assert!(content_security_policy(Some("com.acme.app:/cb")).contains("'self' com.acme.app:;"));
    }
}
