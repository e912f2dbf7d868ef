//! The pages e-mail links lead to, and the one that sends them: "Forgot
//! password?" (`/password/forgot`), a new password (`/password/reset`), and
//! address confirmation (`/email/verify`). A link's page only shows a form; the
//! link is used by the form's POST, so a mail scanner that opens it uses nothing.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use qeetid_domain::locale::Locale;
use qeetid_domain::mail::LinkPurpose;
use qeetid_domain::ports::Store;
use qeetid_domain::services::{FlowError, LinkUsed, PasswordResetRequest};
use qeetid_domain::{RequestId, TenantId};
use qeetid_render::{BrandView, ErrorView, ForgotPasswordView, NextStep, ResetPasswordView, VerifyEmailView};
use serde::Deserialize;

use super::hosted::context;
use super::pages::{brand_of, html, see_other};
use super::spawn;
use crate::HttpState;
use crate::answers::{flow_error_page, flow_message};
use crate::language;

/// `?request=arq_…` or `?tenant=acme`: where the user came from.
#[derive(Deserialize)]
pub(crate) struct ForgotQuery {
    request: Option<String>,
    tenant: Option<String>,
}

/// The forgot-password form.
#[derive(Deserialize)]
pub(crate) struct ForgotForm {
    request: Option<String>,
    tenant: Option<String>,
    email: String,
}

/// The tenant the page is for, and where "Back to sign-in" goes: the pending
/// request's (live in this browser), or the named tenant's account page.
struct Origin {
    tenant: TenantId,
    request: Option<RequestId>,
    slug: Option<String>,
    back: String,
    brand: Option<BrandView>,
    lang: Locale,
}

async fn origin<S: Store>(
    state: &web::Data<HttpState<S>>,
    req: &HttpRequest,
    request: Option<String>,
    tenant: Option<String>,
) -> Result<Origin, FlowError> {
    if let Some(request) = request.filter(|r| !r.is_empty()) {
        let ctx = context(state, req, Some(request)).await?;
        let back = format!("/login?request={}", ctx.request.id);
        let brand = ctx.tenant.as_ref().map(brand_of);
        let lang = super::hosted::lang_of(req, &ctx);
        return Ok(Origin {
            lang,
            tenant: ctx.request.request.tenant_id().clone(),
            request: Some(ctx.request.id),
            slug: None,
            back,
            brand,
        });
    }
    let raw = tenant.unwrap_or_default();
    let found = spawn(state, move |s| async move { s.accounts.tenant_named(&raw).await })
        .await
        .map_err(|e| FlowError::Internal(Box::new(e)))??;
    let tenant = found.ok_or(FlowError::RequestNotFound)?;
    let slug = tenant.slug.to_string();
    let brand = Some(brand_of(&tenant));
    let lang = language::reader(req, None, Some(&tenant));
    Ok(Origin { tenant: tenant.id, request: None, back: format!("/t/{slug}/account"), slug: Some(slug), brand, lang })
}

fn forgot_form<S>(
    state: &HttpState<S>,
    origin: &Origin,
    email: &str,
    sent: bool,
    error: Option<&FlowError>,
) -> HttpResponse {
    let request = origin.request.as_ref().map(ToString::to_string);
    let message = error.map(|e| flow_message(state.renderer.catalogue(origin.lang.tag()), e));
    let view = ForgotPasswordView {
        request_id: request.as_deref(),
        tenant: origin.slug.as_deref(),
        email,
        sent,
        error: message.as_deref(),
        back: Some(&origin.back),
        brand: origin.brand.clone(),
    };
    let status = error.map_or(StatusCode::OK, crate::answers::flow_status);
    html(status, state.renderer.forgot_password_page(origin.lang.tag(), &view))
}

/// `GET /password/forgot?request=…` (from the login page) or `?tenant=acme`.
pub(crate) async fn forgot_page<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    query: web::Query<ForgotQuery>,
) -> HttpResponse {
    let query = query.into_inner();
    match origin(&state, &req, query.request, query.tenant).await {
        Ok(origin) => forgot_form(&state, &origin, "", false, None),
        Err(err) => flow_error_page(&state, language::browser(&req), &err),
    }
}

/// `POST /password/forgot`: sends a link if the address has an account; the
/// answer is the same either way.
pub(crate) async fn forgot_submit<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    form: web::Form<ForgotForm>,
) -> HttpResponse {
    let form = form.into_inner();
    let origin = match origin(&state, &req, form.request, form.tenant).await {
        Ok(origin) => origin,
        Err(err) => return flow_error_page(&state, language::browser(&req), &err),
    };
    let source = super::client_address::client_address(&req, &state);
    let (tenant, request, email) = (origin.tenant.clone(), origin.request.clone(), form.email.clone());
    let locale = Some(origin.lang);
    let outcome = spawn(&state, move |s| async move {
        let ask = PasswordResetRequest {
            tenant: &tenant,
            email: &email,
            request: request.as_ref(),
            source,
            sent_by: None,
            locale,
        };
        s.accounts.request_password_reset(ask).await
    })
    .await
    .map_err(|e| FlowError::Internal(Box::new(e)))
    .and_then(|r| r);
    match outcome {
        Ok(()) => forgot_form(&state, &origin, form.email.trim(), true, None),
        Err(err @ (FlowError::InvalidInput(_) | FlowError::Throttled { .. })) => {
            forgot_form(&state, &origin, &form.email, false, Some(&err))
        }
        Err(err) => flow_error_page(&state, origin.lang, &err),
    }
}

/// `?token=…`
#[derive(Deserialize)]
pub(crate) struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// The link is dead: say so, and how to get a new one (`what_next`, a message key).
fn dead_link<S>(state: &HttpState<S>, lang: Locale, what_next: &str) -> HttpResponse {
    let words = state.renderer.catalogue(lang.tag());
    let message = format!("{} {}", words.text("link-dead", &[]), words.text(what_next, &[]));
    let title = words.text("link-dead-title", &[]);
    let view = ErrorView { title: &title, message: &message, code: Some("link_invalid"), next: None };
    html(StatusCode::BAD_REQUEST, state.renderer.error_page(lang.tag(), &view))
}

const ASK_AGAIN: &str = "link-ask-again";
const SIGN_IN_AGAIN: &str = "link-sign-in-again";

/// The look and language of `tenant`'s pages for this reader (no brand when the
/// tenant cannot be read: the page still works).
async fn brand_for<S: Store>(
    state: &web::Data<HttpState<S>>,
    req: &HttpRequest,
    tenant: &TenantId,
) -> (Option<BrandView>, Locale) {
    let id = tenant.to_string();
    let found = spawn(state, move |s| async move { s.accounts.tenant_named(&id).await }).await;
    let tenant = found.ok().and_then(Result::ok).flatten();
    (tenant.as_ref().map(brand_of), language::reader(req, None, tenant.as_ref()))
}

async fn live_link<S: Store>(
    state: &web::Data<HttpState<S>>,
    token: String,
    purpose: LinkPurpose,
) -> Result<qeetid_domain::mail::AccountLink, FlowError> {
    spawn(state, move |s| async move { s.accounts.link(&token, purpose).await })
        .await
        .map_err(|e| FlowError::Internal(Box::new(e)))?
}

/// `GET /password/reset?token=…`: the new-password form.
pub(crate) async fn reset_page<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    query: web::Query<TokenQuery>,
) -> HttpResponse {
    let token = query.into_inner().token;
    match live_link(&state, token.clone(), LinkPurpose::PasswordReset).await {
        Ok(link) => {
            let (brand, lang) = brand_for(&state, &req, &link.tenant_id).await;
            let view = ResetPasswordView { token: &token, email: link.email.as_str(), error: None, brand };
            html(StatusCode::OK, state.renderer.reset_password_page(lang.tag(), &view))
        }
        Err(FlowError::LinkInvalid) => dead_link(&state, language::browser(&req), ASK_AGAIN),
        Err(err) => flow_error_page(&state, language::browser(&req), &err),
    }
}

/// The new-password form.
#[derive(Deserialize)]
pub(crate) struct ResetForm {
    token: String,
    password: String,
    password_again: String,
}

/// `POST /password/reset`: sets the password and uses the link.
pub(crate) async fn reset_submit<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    form: web::Form<ResetForm>,
) -> HttpResponse {
    let form = form.into_inner();
    let link = match live_link(&state, form.token.clone(), LinkPurpose::PasswordReset).await {
        Ok(link) => link,
        Err(FlowError::LinkInvalid) => return dead_link(&state, language::browser(&req), ASK_AGAIN),
        Err(err) => return flow_error_page(&state, language::browser(&req), &err),
    };
    let (brand, lang) = brand_for(&state, &req, &link.tenant_id).await;
    let words = state.renderer.catalogue(lang.tag());
    let again = |error: &str, email: &str| {
        let view = ResetPasswordView { token: &form.token, email, error: Some(error), brand: brand.clone() };
        html(StatusCode::UNPROCESSABLE_ENTITY, state.renderer.reset_password_page(lang.tag(), &view))
    };
    if form.password != form.password_again {
        return again(&words.text("invalid-passwords-differ", &[]), link.email.as_str());
    }
    let (token, password) = (form.token.clone(), form.password.clone());
    let outcome = spawn(&state, move |s| async move { s.accounts.reset_password(&token, &password).await })
        .await
        .map_err(|e| FlowError::Internal(Box::new(e)))
        .and_then(|r| r);
    match outcome {
        Ok(used) => {
            after_link(&req, &state, lang, &used, "password_set", ("done-password-title", "done-password")).await
        }
        Err(err @ FlowError::InvalidInput(_)) => again(&flow_message(words, &err), link.email.as_str()),
        Err(FlowError::LinkInvalid) => dead_link(&state, lang, ASK_AGAIN),
        Err(err) => flow_error_page(&state, lang, &err),
    }
}

/// `GET /email/verify?token=…`: a button that confirms the address.
pub(crate) async fn verify_page<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    query: web::Query<TokenQuery>,
) -> HttpResponse {
    let token = query.into_inner().token;
    match live_link(&state, token.clone(), LinkPurpose::VerifyEmail).await {
        Ok(link) => {
            let (brand, lang) = brand_for(&state, &req, &link.tenant_id).await;
            let view = VerifyEmailView { token: &token, email: link.email.as_str(), brand };
            html(StatusCode::OK, state.renderer.verify_email_page(lang.tag(), &view))
        }
        Err(FlowError::LinkInvalid) => dead_link(&state, language::browser(&req), SIGN_IN_AGAIN),
        Err(err) => flow_error_page(&state, language::browser(&req), &err),
    }
}

/// The confirm form.
#[derive(Deserialize)]
pub(crate) struct VerifyForm {
    token: String,
}

/// `POST /email/verify`: uses the link.
pub(crate) async fn verify_submit<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    form: web::Form<VerifyForm>,
) -> HttpResponse {
    let token = form.into_inner().token;
    let outcome = spawn(&state, move |s| async move { s.accounts.verify_email(&token).await })
        .await
        .map_err(|e| FlowError::Internal(Box::new(e)))
        .and_then(|r| r);
    match outcome {
        Ok(used) => {
            let (_, lang) = brand_for(&state, &req, &used.tenant_id).await;
            after_link(&req, &state, lang, &used, "email_verified", ("done-email-title", "done-email")).await
        }
        Err(FlowError::LinkInvalid) => dead_link(&state, language::browser(&req), SIGN_IN_AGAIN),
        Err(err) => flow_error_page(&state, language::browser(&req), &err),
    }
}

/// After a link did its work: back to the sign-in it was asked from, when that is
/// still live in this browser (with `notice` for the login page); otherwise a page
/// that says it is done and links to the tenant's account page (the link may have
/// been opened on another device).
async fn after_link<S: Store>(
    req: &HttpRequest,
    state: &web::Data<HttpState<S>>,
    lang: Locale,
    used: &LinkUsed,
    notice: &str,
    (title_key, message_key): (&str, &str),
) -> HttpResponse {
    if let Some(request) = &used.request_id
        && context(state, req, Some(request.to_string())).await.is_ok()
    {
        return see_other(&format!("/login?request={request}&notice={notice}"));
    }
    let account = format!("/t/{}/account", used.tenant_slug);
    let words = state.renderer.catalogue(lang.tag());
    let (title, message, label) =
        (words.text(title_key, &[]), words.text(message_key, &[]), words.text("go-to-account", &[]));
    let next = Some(NextStep { label: &label, href: &account });
    let view = ErrorView { title: &title, message: &message, code: None, next };
    html(StatusCode::OK, state.renderer.error_page(lang.tag(), &view))
}
