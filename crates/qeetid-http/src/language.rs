//! The language a page speaks to its reader: the authorization request's
//! `ui_locales`, then the browser's `Accept-Language`, then the tenant's default
//! (see `qeetid_domain::locale`). The dashboard stays in English.

use actix_web::HttpRequest;
use actix_web::http::header;
use qeetid_domain::Tenant;
use qeetid_domain::locale::Locale;

/// The language for a page of `tenant` (if known) in a request that carried
/// `ui_locales` (if any).
pub(crate) fn reader(req: &HttpRequest, ui_locales: Option<&str>, tenant: Option<&Tenant>) -> Locale {
    Locale::choose(ui_locales, accept_language(req), tenant.map(|t| t.branding.default_locale))
}

/// The language for a page outside any tenant or request: the browser's.
pub(crate) fn browser(req: &HttpRequest) -> Locale {
    Locale::choose(None, accept_language(req), None)
}

fn accept_language(req: &HttpRequest) -> Option<&str> {
    req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok())
}

/// The language for a page of a pending authorization request: its `ui_locales`
/// first (OIDC Core §3.1.2.1), then as [`reader`].
pub(crate) fn for_request(
    req: &HttpRequest,
    request: &qeetid_domain::oauth::ValidatedRequest,
    tenant: Option<&Tenant>,
) -> Locale {
    request.ui_locales().find_map(Locale::from_tag).unwrap_or_else(|| reader(req, None, tenant))
}

/// The browser's preferred language among those with a catalogue, if it names one.
pub(crate) fn browser_choice(req: &HttpRequest) -> Option<Locale> {
    accept_language(req).and_then(Locale::from_accept_language)
}
