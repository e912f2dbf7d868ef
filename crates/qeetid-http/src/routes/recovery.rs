//! The pages e-mail links lead to, and the one that sends them: "Forgot
//! password?" (`/password/forgot`), a new password (`/password/reset`), and
//! address confirmation (`/email/verify`). A link's page only shows a form; the
//! link is used by the form's POST, so a mail scanner that opens it uses nothing.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
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
use crate::answers::flow_error_page;

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
        return Ok(Origin {
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
    Ok(Origin { tenant: tenant.id, request: None, back: format!("/t/{slug}/account"), slug: Some(slug), brand })
}

fn forgot_form<S>(
    state: &HttpState<S>,
    origin: &Origin,
    email: &str,
    sent: bool,
    error: Option<&FlowError>,
) -> HttpResponse {
    let request = origin.request.as_ref().map(ToString::to_string);
    let message = error.map(in_form_words);
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
    html(status, state.renderer.forgot_password_page(&view))
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
        Err(err) => flow_error_page(&state, &err),
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
        Err(err) => return flow_error_page(&state, &err),
    };
    let source = super::client_address::client_address(&req, &state);
    let (tenant, request, email) = (origin.tenant.clone(), origin.request.clone(), form.email.clone());
    let outcome = spawn(&state, move |s| async move {
        let ask =
            PasswordResetRequest { tenant: &tenant, email: &email, request: request.as_ref(), source, sent_by: None };
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
        Err(err) => flow_error_page(&state, &err),
    }
}

/// `?token=…`
#[derive(Deserialize)]
pub(crate) struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// The link is dead: say so, and how to get a new one.
fn dead_link<S>(state: &HttpState<S>, what: &str) -> HttpResponse {
    let message = format!("This link has expired or was already used. {what}");
    let view =
        ErrorView { title: "This link no longer works", message: &message, code: Some("link_invalid"), next: None };
    html(StatusCode::BAD_REQUEST, state.renderer.error_page(&view))
}

const ASK_AGAIN: &str = "Ask for a new one with \"Forgot password?\" on the sign-in page.";
const SIGN_IN_AGAIN: &str = "Sign in: if your address still needs confirming, a new link is sent then.";

/// The look of `tenant`'s pages (none when it cannot be read: the page still works).
async fn brand_for<S: Store>(state: &web::Data<HttpState<S>>, tenant: &TenantId) -> Option<BrandView> {
    let id = tenant.to_string();
    let found = spawn(state, move |s| async move { s.accounts.tenant_named(&id).await }).await;
    found.ok()?.ok()?.as_ref().map(brand_of)
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
    state: web::Data<HttpState<S>>,
    query: web::Query<TokenQuery>,
) -> HttpResponse {
    let token = query.into_inner().token;
    match live_link(&state, token.clone(), LinkPurpose::PasswordReset).await {
        Ok(link) => {
            let brand = brand_for(&state, &link.tenant_id).await;
            let view = ResetPasswordView { token: &token, email: link.email.as_str(), error: None, brand };
            html(StatusCode::OK, state.renderer.reset_password_page(&view))
        }
        Err(FlowError::LinkInvalid) => dead_link(&state, ASK_AGAIN),
        Err(err) => flow_error_page(&state, &err),
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
        Err(FlowError::LinkInvalid) => return dead_link(&state, ASK_AGAIN),
        Err(err) => return flow_error_page(&state, &err),
    };
    let brand = brand_for(&state, &link.tenant_id).await;
    let again = |error: &str, email: &str| {
        let view = ResetPasswordView { token: &form.token, email, error: Some(error), brand: brand.clone() };
        html(StatusCode::UNPROCESSABLE_ENTITY, state.renderer.reset_password_page(&view))
    };
    if form.password != form.password_again {
        return again("The two passwords differ: type the same one twice.", link.email.as_str());
    }
    let (token, password) = (form.token.clone(), form.password.clone());
    let outcome = spawn(&state, move |s| async move { s.accounts.reset_password(&token, &password).await })
        .await
        .map_err(|e| FlowError::Internal(Box::new(e)))
        .and_then(|r| r);
    match outcome {
        Ok(used) => {
            let message = "You were signed out everywhere else. Sign in with the new password.";
            after_link(&req, &state, &used, "password_set", "Your new password is set", message).await
        }
        Err(err @ FlowError::InvalidInput(_)) => again(&in_form_words(&err), link.email.as_str()),
        Err(FlowError::LinkInvalid) => dead_link(&state, ASK_AGAIN),
        Err(err) => flow_error_page(&state, &err),
    }
}

/// A refusal in a form's words: a field's problem as a sentence about the field
/// ("The password must be 8 to 1024 characters."), anything else as it is.
pub(crate) fn in_form_words(error: &FlowError) -> String {
    let FlowError::InvalidInput(invalid) = error else { return error.to_string() };
    let field = match invalid.field.as_str() {
        "email" => "The e-mail address",
        "password" => "The password",
        "name" => "The name",
        other => other,
    };
    format!("{field} {}.", invalid.message.trim_end_matches('.'))
}

/// `GET /email/verify?token=…`: a button that confirms the address.
pub(crate) async fn verify_page<S: Store>(
    state: web::Data<HttpState<S>>,
    query: web::Query<TokenQuery>,
) -> HttpResponse {
    let token = query.into_inner().token;
    match live_link(&state, token.clone(), LinkPurpose::VerifyEmail).await {
        Ok(link) => {
            let brand = brand_for(&state, &link.tenant_id).await;
            let view = VerifyEmailView { token: &token, email: link.email.as_str(), brand };
            html(StatusCode::OK, state.renderer.verify_email_page(&view))
        }
        Err(FlowError::LinkInvalid) => dead_link(&state, SIGN_IN_AGAIN),
        Err(err) => flow_error_page(&state, &err),
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
            after_link(&req, &state, &used, "email_verified", "Your address is confirmed", "You can sign in now.").await
        }
        Err(FlowError::LinkInvalid) => dead_link(&state, SIGN_IN_AGAIN),
        Err(err) => flow_error_page(&state, &err),
    }
}

/// After a link did its work: back to the sign-in it was asked from, when that is
/// still live in this browser (with `notice` for the login page); otherwise a page
/// that says it is done and links to the tenant's account page (the link may have
/// been opened on another device).
async fn after_link<S: Store>(
    req: &HttpRequest,
    state: &web::Data<HttpState<S>>,
    used: &LinkUsed,
    notice: &str,
    title: &str,
    message: &str,
) -> HttpResponse {
    if let Some(request) = &used.request_id
        && context(state, req, Some(request.to_string())).await.is_ok()
    {
        return see_other(&format!("/login?request={request}&notice={notice}"));
    }
    let account = format!("/t/{}/account", used.tenant_slug);
    let view =
        ErrorView { title, message, code: None, next: Some(NextStep { label: "Go to your account", href: &account }) };
    html(StatusCode::OK, state.renderer.error_page(&view))
}
