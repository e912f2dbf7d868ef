//! Error pages: the authorization endpoint's (never a redirect), a store that is
//! not answering, an infrastructure failure, and the plain page the dashboard and
//! the account page show for a refusal. Pages an end user meets speak the reader's
//! language (`lang`); the dashboard's are English.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use qeetid_domain::AdminError;
use qeetid_domain::locale::Locale;
use qeetid_domain::services::AccountError;
use qeetid_render::{Arg, ErrorView};

use crate::HttpState;
use crate::routes::pages::html;

/// The authorization endpoint's error page, for errors that must not be redirected
/// (unknown client, unregistered redirect URI: RFC 6749 §4.1.2.1).
pub(crate) fn oauth_error_page<S>(state: &HttpState<S>, lang: Locale, err: &qeetid_domain::OAuthError) -> HttpResponse {
    titled_error_page(state, lang, "error-bad-sign-in-link", err)
}

/// [`oauth_error_page`] for a sign-out request.
pub(crate) fn logout_error_page<S>(
    state: &HttpState<S>,
    lang: Locale,
    err: &qeetid_domain::OAuthError,
) -> HttpResponse {
    titled_error_page(state, lang, "error-bad-sign-out-link", err)
}

fn titled_error_page<S>(
    state: &HttpState<S>,
    lang: Locale,
    title_key: &str,
    err: &qeetid_domain::OAuthError,
) -> HttpResponse {
    let status = if let qeetid_domain::OAuthError::ServerError(source) = err {
        super::log_failure("authorization request", source.as_ref());
        let status = super::unavailable::status_of(source.as_ref());
        if status == StatusCode::SERVICE_UNAVAILABLE {
            return unavailable_page(state, lang);
        }
        status
    } else {
        StatusCode::BAD_REQUEST
    };
    let words = state.renderer.catalogue(lang.tag());
    // The reason is for the application's developer: it stays as the protocol says it.
    let reason = capitalise(err.description());
    let message = words.text("error-misconfigured", &[("reason", Arg::Text(&reason))]);
    let title = words.text(title_key, &[]);
    let view = ErrorView { title: &title, message: &message, code: Some(err.as_str()), next: None };
    html(status, state.renderer.error_page(lang.tag(), &view))
}

/// The 503 page for a store that is not answering.
fn unavailable_page<S>(state: &HttpState<S>, lang: Locale) -> HttpResponse {
    worded_error_page(state, lang, StatusCode::SERVICE_UNAVAILABLE, "error-unavailable-title", "error-unavailable")
}

/// The dashboard's page for an infrastructure failure `err` (logged): 503 when the
/// store is unavailable, 500 otherwise.
pub(crate) fn failure_page<S>(
    state: &HttpState<S>,
    what: &str,
    err: &(dyn std::error::Error + 'static),
) -> HttpResponse {
    failure_page_in(state, Locale::En, what, err)
}

/// [`failure_page`] in the reader's language.
pub(crate) fn failure_page_in<S>(
    state: &HttpState<S>,
    lang: Locale,
    what: &str,
    err: &(dyn std::error::Error + 'static),
) -> HttpResponse {
    super::log_failure(what, err);
    if super::unavailable::is_unavailable(err) {
        unavailable_page(state, lang)
    } else {
        worded_error_page(state, lang, StatusCode::INTERNAL_SERVER_ERROR, "error-internal-title", "error-internal")
    }
}

/// An error page in `lang` whose title and message are the catalogue's `title_key`
/// and `message_key`.
pub(crate) fn worded_error_page<S>(
    state: &HttpState<S>,
    lang: Locale,
    status: StatusCode,
    title_key: &str,
    message_key: &str,
) -> HttpResponse {
    let words = state.renderer.catalogue(lang.tag());
    let (title, message) = (words.text(title_key, &[]), words.text(message_key, &[]));
    let view = ErrorView { title: &title, message: &message, code: None, next: None };
    html(status, state.renderer.error_page(lang.tag(), &view))
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str().trim_end_matches('.')),
        None => String::new(),
    }
}

/// A plain dashboard error page with `title` and `message`.
pub(crate) fn error_page<S>(state: &HttpState<S>, status: StatusCode, title: &str, message: &str) -> HttpResponse {
    html(status, state.renderer.error_page("en", &ErrorView { title, message, code: None, next: None }))
}

/// [`error_page`] with a link to the next step (`label`, `href`): no dead end.
pub(crate) fn error_page_onward<S>(
    state: &HttpState<S>,
    status: StatusCode,
    (title, message): (&str, &str),
    (label, href): (&str, &str),
) -> HttpResponse {
    let next = Some(qeetid_render::NextStep { label, href });
    html(status, state.renderer.error_page("en", &ErrorView { title, message, code: None, next }))
}

/// An admin use case's refusal on a dashboard page (not found, not allowed, not
/// possible), or the failure page for anything else.
pub(crate) fn admin_error_page<S>(state: &HttpState<S>, err: &AdminError) -> HttpResponse {
    match err {
        AdminError::NotFound(what) => {
            error_page(state, StatusCode::NOT_FOUND, "Not found", &format!("There is no such {what}."))
        }
        AdminError::Forbidden(why) => error_page(state, StatusCode::FORBIDDEN, "Not allowed", why),
        AdminError::Conflict(why) => error_page(state, StatusCode::CONFLICT, "Not possible", why),
        other => failure_page(state, "dashboard request", other),
    }
}

/// An account use case's refusal on the account page (no such application or
/// session; a sign-in too old for the change, sent to `reauthenticate`), or the
/// failure page for anything else.
pub(crate) fn account_error_page<S>(
    state: &HttpState<S>,
    lang: Locale,
    err: &AccountError,
    reauthenticate: &str,
) -> HttpResponse {
    match err {
        AccountError::NotFound(what) => {
            let message = if *what == "session" { "account-no-such-session" } else { "account-no-such-app" };
            worded_error_page(state, lang, StatusCode::NOT_FOUND, "error-not-found-short", message)
        }
        AccountError::ReauthenticationRequired => crate::routes::pages::see_other(reauthenticate),
        other => failure_page_in(state, lang, "account page request", other),
    }
}
