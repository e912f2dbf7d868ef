//! The dashboard's initial access tokens for dynamic client registration: list,
//! create (the token shown once), revoke after a confirmation.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use qeetid_domain::ports::Store;
use qeetid_domain::registration::InitialAccessToken;
use qeetid_domain::services::NewInitialToken;
use qeetid_domain::services::OpenRegistration;
use qeetid_domain::{AdminError, InitialTokenId};
use qeetid_render::{ConsoleOpenRegistration, ConsoleRegistrationView, ConsoleTokenRow, ShownOnceView};
use serde::Deserialize;

use super::{
    ConfirmParts, Desk, answer, confirm_page, desk, form_desk, form_value, notice, render_page, see_other,
    shown_once_page,
};
use crate::HttpState;
use crate::routes::spawn;

/// The page's query.
#[derive(Deserialize)]
pub(crate) struct RegistrationQuery {
    done: Option<String>,
}

/// The new-token form, as typed.
#[derive(Default)]
struct Typed {
    label: String,
    days: String,
    uses: String,
}

/// What the page shows: the tenant's tokens, and open registration for a
/// deployment admin.
struct Listing {
    tokens: Vec<InitialAccessToken>,
    open: Option<OpenRegistration>,
}

fn registration_page(
    state: &HttpState<impl Sized>,
    desk: &Desk,
    listing: &Listing,
    typed: &Typed,
    error: Option<String>,
    notice: Option<&str>,
) -> HttpResponse {
    let tokens = &listing.tokens;
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let endpoint = format!("{}/v1/oauth/register", state.issuer);
    let human_time = super::clock(state);
    let view = ConsoleRegistrationView {
        chrome: desk.chrome("registration", notice),
        endpoint: &endpoint,
        tokens: tokens
            .iter()
            .map(|t| ConsoleTokenRow {
                id: t.id.to_string(),
                label: t.label.clone(),
                expires_at: t.expires_at.map(&human_time),
                uses_left: t.uses_left,
                created_at: human_time(t.created_at),
            })
            .collect(),
        label: &typed.label,
        days: &typed.days,
        uses: &typed.uses,
        error,
        open: listing.open.as_ref().map(|o| ConsoleOpenRegistration {
            this_tenant: o.tenant.as_ref() == Some(desk.tenant_id()),
            other_tenant: o.tenant.as_ref().filter(|t| *t != desk.tenant_id()).map(ToString::to_string),
            configured: o.configured,
        }),
    };
    render_page(state, desk, status, state.renderer.console_registration_page(&view))
}

async fn listing<S: Store>(state: &HttpState<S>, desk: &Desk) -> Result<Listing, HttpResponse> {
    let (caller, tenant) = (desk.admin.caller(), desk.tenant_id().clone());
    answer(
        state,
        spawn(state, move |s| async move {
            let tokens = s.admin.list_initial_tokens(&caller, &tenant).await?;
            // Only the deployment sees (and moves) open registration.
            let open = match s.admin.open_registration(&caller).await {
                Ok(open) => Some(open),
                Err(AdminError::Forbidden(_)) => None,
                Err(e) => return Err(e),
            };
            Ok(Listing { tokens, open })
        })
        .await,
    )
}

/// `GET /admin/t/{tenant}/registration`
pub(crate) async fn list<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
    query: web::Query<RegistrationQuery>,
) -> HttpResponse {
    let desk = or_answer!(desk(&req, &state, &path).await);
    match listing(&state, &desk).await {
        Ok(list) => registration_page(&state, &desk, &list, &Typed::default(), None, notice(query.done.as_deref())),
        Err(response) => response,
    }
}

/// A whole number from a form field; empty is `None`.
fn number<T: std::str::FromStr>(raw: &str, field: &str) -> Result<Option<T>, String> {
    match raw.trim() {
        "" => Ok(None),
        text => text.parse().map(Some).map_err(|_| format!("{field}: a whole number, or empty")),
    }
}

/// `POST /admin/t/{tenant}/registration/new`: the token is shown once.
pub(crate) async fn create<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let (desk, pairs) = or_answer!(form_desk(&req, &state, &path, &body).await);
    let typed = Typed {
        label: form_value(&pairs, "label").trim().to_owned(),
        days: form_value(&pairs, "expires_in_days").to_owned(),
        uses: form_value(&pairs, "max_uses").to_owned(),
    };
    let parsed = number::<i64>(&typed.days, "Expires in days").and_then(|days| {
        let uses = number::<u32>(&typed.uses, "Registrations allowed")?;
        Ok((days.map(|d| d.saturating_mul(86_400)), uses))
    });
    let (expires_in, max_uses) = match parsed {
        Ok(parsed) => parsed,
        Err(message) => return refused(&state, &desk, &typed, message).await,
    };
    let new = NewInitialToken { label: typed.label.clone(), expires_in, max_uses };
    let (caller, tenant) = (desk.admin.caller(), desk.tenant_id().clone());
    let outcome =
        spawn(&state, move |s| async move { s.admin.create_initial_token(&caller, &tenant, new).await }).await;
    let created = match outcome {
        Ok(Err(AdminError::Invalid(e))) => return refused(&state, &desk, &typed, e.message).await,
        other => or_answer!(answer(&state, other)),
    };
    let back = format!("/admin/t/{}/registration", desk.tenant_id());
    let note = format!("Send it as Authorization: Bearer … to {}/v1/oauth/register.", state.issuer);
    let view = ShownOnceView {
        title: "New registration token",
        chrome: desk.chrome("registration", None),
        label: "Initial access token",
        value: created.secret.expose(),
        warning: "Store the token now — it is not retrievable later.",
        owner: None,
        note: Some(note),
        back: &back,
    };
    shown_once_page(&state, &desk, &view)
}

/// The page again, with the form as typed and why it was refused.
async fn refused<S: Store>(state: &HttpState<S>, desk: &Desk, typed: &Typed, message: String) -> HttpResponse {
    match listing(state, desk).await {
        Ok(list) => registration_page(state, desk, &list, typed, Some(message), None),
        Err(response) => response,
    }
}

/// `POST /admin/t/{tenant}/registration/open`: `open=true` opens this tenant to
/// registration without a token (closing any other), `open=false` turns it off.
pub(crate) async fn set_open<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let (desk, pairs) = or_answer!(form_desk(&req, &state, &path, &body).await);
    let open = form_value(&pairs, "open") == "true";
    let (caller, tenant) = (desk.admin.caller(), desk.tenant_id().clone());
    let outcome =
        spawn(&state, move |s| async move { s.admin.set_open_registration(&caller, open.then_some(&tenant)).await })
            .await;
    match answer(&state, outcome) {
        Ok(_) => {
            let done = if open { "open-registration-on" } else { "open-registration-off" };
            see_other(&format!("/admin/t/{}/registration?done={done}", desk.tenant_id()))
        }
        Err(response) => response,
    }
}

/// The path's tenant and token.
type TokenPath = web::Path<(String, String)>;

fn token_id<S>(state: &HttpState<S>, raw: &str) -> Result<InitialTokenId, HttpResponse> {
    InitialTokenId::parse(raw).map_err(|_| {
        crate::answers::error_page(state, StatusCode::NOT_FOUND, "Not found", "There is no such registration token.")
    })
}

/// `GET /admin/t/{tenant}/registration/{id}/delete`: the confirmation.
pub(crate) async fn confirm_delete<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: TokenPath,
) -> HttpResponse {
    let (tenant, id) = path.into_inner();
    let desk = or_answer!(desk(&req, &state, &tenant).await);
    if let Err(response) = token_id(&state, &id) {
        return response;
    }
    let title = format!("Revoke registration token {id}?");
    let back = format!("/admin/t/{}/registration", desk.tenant_id());
    let parts = ConfirmParts {
        title: &title,
        message: "Registrations with this token are refused from now on. Clients it admitted stay.",
        button: "Revoke token",
        back: &back,
    };
    confirm_page(&state, &desk, "registration", parts)
}

/// `POST /admin/t/{tenant}/registration/{id}/delete`
pub(crate) async fn delete<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: TokenPath,
    body: web::Bytes,
) -> HttpResponse {
    let (tenant, id) = path.into_inner();
    let (desk, _) = or_answer!(form_desk(&req, &state, &tenant, &body).await);
    let id = or_answer!(token_id(&state, &id));
    let (caller, tenant) = (desk.admin.caller(), desk.tenant_id().clone());
    match answer(
        &state,
        spawn(&state, move |s| async move { s.admin.delete_initial_token(&caller, &tenant, &id).await }).await,
    ) {
        Ok(()) => see_other(&format!("/admin/t/{}/registration?done=token-revoked", desk.tenant_id())),
        Err(response) => response,
    }
}
