//! The dashboard's users: list, create (with a dashboard role), one user's page
//! (sessions with sign-out, disable and enable), delete after a confirmation, and
//! a link to each user's consent grants.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use qeetid_domain::ports::Store;
use qeetid_domain::services::{FlowError, NewUser, PasswordResetRequest, TenantPatch, UserPatch};
use qeetid_domain::{AdminError, AdminRole, Page, SessionId, User, UserId};
use qeetid_render::{ConsoleUserRow, ConsoleUserView, ConsoleUsersView, FormOption};
use serde::Deserialize;

use super::{
    ConfirmParts, Desk, answer, confirm_page, desk, field_problems, form_desk, form_value, notice, page_request,
    render_page, see_other,
};
use crate::HttpState;
use crate::routes::account::session_rows;
use crate::routes::spawn;

/// The list's query.
#[derive(Deserialize)]
pub(crate) struct UsersQuery {
    after: Option<String>,
    done: Option<String>,
    /// Find the user with this e-mail address (their page opens).
    #[serde(default)]
    email: String,
}

/// The new-user form, as typed.
#[derive(Default)]
struct NewUserForm {
    email: String,
    name: String,
    role: String,
}

fn role_label(role: Option<AdminRole>) -> &'static str {
    match role {
        None => "",
        Some(AdminRole::Tenant) => "tenant admin",
        Some(AdminRole::Deployment) => "deployment admin",
    }
}

/// What the users page says besides its list: the search typed (which found no
/// one, or the user's page would have opened) and a notice.
#[derive(Default)]
struct UsersPage<'a> {
    search: &'a str,
    notice: Option<&'static str>,
}

fn users_page(
    state: &HttpState<impl Sized>,
    desk: &Desk,
    users: Page<User>,
    form: &NewUserForm,
    errors: BTreeMap<String, String>,
    page: &UsersPage<'_>,
) -> HttpResponse {
    let notice = page.notice;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let mut roles = vec![
        FormOption { value: "", label: "None (signs in to applications only)", checked: form.role.is_empty() },
        FormOption { value: "tenant", label: "Tenant admin", checked: form.role == "tenant" },
    ];
    if desk.admin.role == AdminRole::Deployment {
        roles.push(FormOption { value: "deployment", label: "Deployment admin", checked: form.role == "deployment" });
    }
    let human_time = super::clock(state);
    let view = ConsoleUsersView {
        chrome: desk.chrome("users", notice),
        search: page.search,
        users: users
            .items
            .iter()
            .map(|u| ConsoleUserRow {
                id: u.id.to_string(),
                email: u.email.as_str().to_owned(),
                name: u.name.clone().unwrap_or_default(),
                role: role_label(u.admin_role),
                disabled: u.disabled_at.is_some(),
                created_at: human_time(u.created_at),
            })
            .collect(),
        next_page: users.next_cursor,
        email: &form.email,
        name: &form.name,
        roles,
        require_mfa: desk.tenant.require_mfa,
        self_sign_up: desk.tenant.self_sign_up,
        require_verified_email: desk.tenant.require_verified_email,
        errors,
    };
    render_page(state, desk, status, state.renderer.console_users_page(&view))
}

async fn users<S: Store>(state: &HttpState<S>, desk: &Desk, after: Option<&str>) -> Result<Page<User>, HttpResponse> {
    let page = page_request(state, after)?;
    let (caller, tenant) = (desk.admin.caller(), desk.tenant_id().clone());
    answer(state, spawn(state, move |s| async move { s.admin.list_users(&caller, &tenant, &page).await }).await)
}

/// `GET /admin/t/{tenant}/users`
pub(crate) async fn list<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
    query: web::Query<UsersQuery>,
) -> HttpResponse {
    let desk = or_answer!(desk(&req, &state, &path).await);
    let search = query.email.trim();
    if !search.is_empty()
        && let Some(Some(found)) = or_answer!(desk.user_filter(&state, search).await)
    {
        return see_other(&format!("/admin/t/{}/users/{found}", desk.tenant_id()));
    }
    match users(&state, &desk, query.after.as_deref()).await {
        Ok(users) => {
            let form = NewUserForm::default();
            let page = UsersPage { search, notice: notice(query.done.as_deref()) };
            users_page(&state, &desk, users, &form, BTreeMap::new(), &page)
        }
        Err(response) => response,
    }
}

/// `POST /admin/t/{tenant}/users/new`: errors come back beside their fields; the
/// password is never sent back.
pub(crate) async fn create<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let (desk, pairs) = or_answer!(form_desk(&req, &state, &path, &body).await);
    let form = NewUserForm {
        email: form_value(&pairs, "email").trim().to_owned(),
        name: form_value(&pairs, "name").trim().to_owned(),
        role: form_value(&pairs, "admin_role").to_owned(),
    };
    let password = form_value(&pairs, "password");
    let admin_role = match form.role.as_str() {
        "" => None,
        raw => match AdminRole::parse(raw) {
            Ok(r) => Some(r),
            Err(e) => {
                return refused(&state, &desk, &form, BTreeMap::from([("admin_role".to_owned(), e.message)])).await;
            }
        },
    };
    let new = NewUser {
        email: form.email.clone(),
        password: (!password.is_empty()).then(|| password.to_owned()),
        name: (!form.name.is_empty()).then(|| form.name.clone()),
        email_verified: Some(false),
        admin_role,
    };
    let (caller, tenant) = (desk.admin.caller(), desk.tenant_id().clone());
    let outcome = spawn(&state, move |s| async move { s.admin.create_user(&caller, &tenant, new).await }).await;
    let errors = match outcome {
        Ok(Err(AdminError::Invalid(e))) => field_problems(&e, str::to_owned),
        Ok(Err(AdminError::Conflict(message))) => BTreeMap::from([("email".to_owned(), message)]),
        Ok(Err(AdminError::Forbidden(why))) => BTreeMap::from([("admin_role".to_owned(), why.to_owned())]),
        other => {
            return match answer(&state, other) {
                Ok(_) => see_other(&format!("/admin/t/{}/users?done=user-created", desk.tenant_id())),
                Err(response) => response,
            };
        }
    };
    refused(&state, &desk, &form, errors).await
}

async fn refused<S: Store>(
    state: &HttpState<S>,
    desk: &Desk,
    form: &NewUserForm,
    errors: BTreeMap<String, String>,
) -> HttpResponse {
    match users(state, desk, None).await {
        Ok(users) => users_page(state, desk, users, form, errors, &UsersPage::default()),
        Err(response) => response,
    }
}

/// The path's tenant and user.
type UserPath = web::Path<(String, String)>;

async fn load<S: Store>(state: &HttpState<S>, desk: &Desk, raw: &str) -> Result<User, HttpResponse> {
    let Ok(id) = UserId::parse(raw) else {
        return Err(super::error_page(state, StatusCode::NOT_FOUND, "Not found", "There is no such user."));
    };
    let (caller, tenant) = (desk.admin.caller(), desk.tenant_id().clone());
    answer(state, spawn(state, move |s| async move { s.admin.get_user(&caller, &tenant, &id).await }).await)
}

/// `GET /admin/t/{tenant}/users/{id}/delete`: the confirmation, naming the user.
pub(crate) async fn confirm_delete<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: UserPath,
) -> HttpResponse {
    let (tenant, id) = path.into_inner();
    let desk = or_answer!(desk(&req, &state, &tenant).await);
    let user = or_answer!(load(&state, &desk, &id).await);
    let title = format!("Delete {}?", user.email.as_str());
    let back = format!("/admin/t/{}/users", desk.tenant_id());
    let parts = ConfirmParts {
        title: &title,
        message: "The user can no longer sign in; their sessions, consent grants and tokens end.",
        button: "Delete user",
        back: &back,
    };
    confirm_page(&state, &desk, "users", parts)
}

/// `POST /admin/t/{tenant}/users/{id}/delete`
pub(crate) async fn delete<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: UserPath,
    body: web::Bytes,
) -> HttpResponse {
    let (tenant, id) = path.into_inner();
    let (desk, _) = or_answer!(form_desk(&req, &state, &tenant, &body).await);
    let user = or_answer!(load(&state, &desk, &id).await);
    let (caller, tenant) = (desk.admin.caller(), desk.tenant_id().clone());
    let outcome = spawn(&state, move |s| async move { s.admin.delete_user(&caller, &tenant, &user.id).await }).await;
    match answer(&state, outcome) {
        Ok(()) => see_other(&format!("/admin/t/{}/users?done=user-deleted", desk.tenant_id())),
        Err(response) => response,
    }
}

/// `GET /admin/t/{tenant}/users/{id}`: the user, their sessions, and access.
pub(crate) async fn show<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: UserPath,
    query: web::Query<UsersQuery>,
) -> HttpResponse {
    let (tenant, id) = path.into_inner();
    let desk = or_answer!(desk(&req, &state, &tenant).await);
    let user = or_answer!(load(&state, &desk, &id).await);
    let typed = (user.name.clone().unwrap_or_default(), user.email.as_str().to_owned());
    user_page(&state, &desk, &user, &typed, BTreeMap::new(), notice(query.done.as_deref())).await
}

/// The user's page, its edit form holding `typed` (name, e-mail) with `errors`
/// beside their fields.
async fn user_page<S: Store>(
    state: &HttpState<S>,
    desk: &Desk,
    user: &User,
    typed: &(String, String),
    errors: BTreeMap<String, String>,
    done: Option<&'static str>,
) -> HttpResponse {
    let (caller, tenant, user_id) = (desk.admin.caller(), desk.tenant_id().clone(), user.id.clone());
    let listed = spawn(state, move |s| async move { s.admin.list_user_sessions(&caller, &tenant, &user_id).await });
    let sessions = or_answer!(answer(state, listed.await));
    let (caller, tenant, user_id) = (desk.admin.caller(), desk.tenant_id().clone(), user.id.clone());
    let mfa = or_answer!(answer(
        state,
        spawn(state, move |s| async move { s.admin.user_mfa(&caller, &tenant, &user_id).await }).await
    ));
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let human_time = super::clock(state);
    let view = ConsoleUserView {
        chrome: desk.chrome("users", done),
        user: ConsoleUserRow {
            id: user.id.to_string(),
            email: user.email.as_str().to_owned(),
            name: user.name.clone().unwrap_or_default(),
            role: role_label(user.admin_role),
            disabled: user.disabled_at.is_some(),
            created_at: human_time(user.created_at),
        },
        email_verified: user.email_verified,
        sessions: session_rows(state.renderer.catalogue("en"), &sessions, None),
        is_self: user.id == desk.admin.user.id,
        mfa_on_since: mfa.totp_confirmed_at.map(&human_time),
        mfa_pending: mfa.enrolment_pending,
        passkeys: mfa.passkeys.len(),
        edit_name: &typed.0,
        edit_email: &typed.1,
        errors,
    };
    render_page(state, desk, status, state.renderer.console_user_page(&view))
}

/// `POST /admin/t/{tenant}/users/{id}`: a new name or e-mail address. A changed
/// address is unconfirmed and gets a confirmation link; errors come back beside
/// their fields.
pub(crate) async fn update<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: UserPath,
    body: web::Bytes,
) -> HttpResponse {
    let (tenant, id) = path.into_inner();
    let (desk, pairs) = or_answer!(form_desk(&req, &state, &tenant, &body).await);
    let user = or_answer!(load(&state, &desk, &id).await);
    let typed = (form_value(&pairs, "name").trim().to_owned(), form_value(&pairs, "email").trim().to_owned());
    let patch = UserPatch { name: Some(typed.0.clone()), email: Some(typed.1.clone()), ..UserPatch::default() };
    let (caller, tenant, user_id) = (desk.admin.caller(), desk.tenant_id().clone(), user.id.clone());
    let outcome = spawn(&state, move |s| async move {
        let saved = s.admin.update_user(&caller, &tenant, &user_id, patch).await?;
        if !saved.email_verified
            && let Err(e) = s.accounts.send_verification(&tenant, &saved.id).await
        {
            tracing::warn!(error = %e, "the confirmation link for a changed address was not queued");
        }
        Ok::<_, AdminError>(saved)
    })
    .await;
    let errors = match outcome {
        Ok(Err(AdminError::Invalid(e))) => field_problems(&e, str::to_owned),
        Ok(Err(AdminError::Conflict(message))) => BTreeMap::from([("email".to_owned(), message)]),
        other => {
            return match answer(&state, other) {
                Ok(_) => see_other(&format!("/admin/t/{}/users/{}?done=user-saved", desk.tenant_id(), user.id)),
                Err(response) => response,
            };
        }
    };
    user_page(&state, &desk, &user, &typed, errors, None).await
}

/// `POST /admin/t/{tenant}/users/{id}/send-reset`: sends the user a password-reset
/// link (recorded as the admin's doing).
pub(crate) async fn send_reset<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: UserPath,
    body: web::Bytes,
) -> HttpResponse {
    let (tenant, id) = path.into_inner();
    let (desk, _) = or_answer!(form_desk(&req, &state, &tenant, &body).await);
    let user = or_answer!(load(&state, &desk, &id).await);
    let (caller, tenant, email) = (desk.admin.caller(), desk.tenant_id().clone(), user.email.as_str().to_owned());
    let outcome = spawn(&state, move |s| async move {
        let ask = PasswordResetRequest {
            tenant: &tenant,
            email: &email,
            request: None,
            source: None,
            sent_by: Some(&caller),
            // The tenant's language: the admin's browser says nothing about the user's.
            locale: None,
        };
        s.accounts.request_password_reset(ask).await
    })
    .await;
    match outcome {
        Ok(Ok(())) => see_other(&format!("/admin/t/{}/users/{}?done=reset-sent", desk.tenant_id(), user.id)),
        Ok(Err(FlowError::Throttled { retry_after })) => super::error_page(
            &state,
            StatusCode::TOO_MANY_REQUESTS,
            "Not now",
            &format!("Several links went to this address recently; try again in {} minutes.", (retry_after + 59) / 60),
        ),
        // Anything else is the infrastructure's: logged, and answered as every hosted failure is.
        Ok(Err(e)) => crate::answers::flow_error_page(&state, qeetid_domain::locale::Locale::En, &e),
        Err(e) => crate::answers::flow_error_page(
            &state,
            qeetid_domain::locale::Locale::En,
            &FlowError::Internal(Box::new(e)),
        ),
    }
}

/// `POST /admin/t/{tenant}/users/{id}/disable`: signs the user out everywhere and
/// stops sign-in and refresh. An admin cannot disable themselves (they would lock
/// themselves out mid-page).
pub(crate) async fn disable<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: UserPath,
    body: web::Bytes,
) -> HttpResponse {
    set_disabled(req, state, path, body, true).await
}

/// `POST /admin/t/{tenant}/users/{id}/enable`
pub(crate) async fn enable<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: UserPath,
    body: web::Bytes,
) -> HttpResponse {
    set_disabled(req, state, path, body, false).await
}

async fn set_disabled<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: UserPath,
    body: web::Bytes,
    disabled: bool,
) -> HttpResponse {
    let (tenant, id) = path.into_inner();
    let (desk, _) = or_answer!(form_desk(&req, &state, &tenant, &body).await);
    let user = or_answer!(load(&state, &desk, &id).await);
    if disabled && user.id == desk.admin.user.id {
        return super::error_page(&state, StatusCode::CONFLICT, "Not possible", "You cannot disable your own account.");
    }
    let (caller, tenant, user_id) = (desk.admin.caller(), desk.tenant_id().clone(), user.id.clone());
    let patch = UserPatch { disabled: Some(disabled), ..UserPatch::default() };
    let outcome =
        spawn(&state, move |s| async move { s.admin.update_user(&caller, &tenant, &user_id, patch).await }).await;
    let done = if disabled { "user-disabled" } else { "user-enabled" };
    match answer(&state, outcome) {
        Ok(_) => see_other(&format!("/admin/t/{}/users/{}?done={done}", desk.tenant_id(), user.id)),
        Err(response) => response,
    }
}

/// `POST /admin/t/{tenant}/users/{id}/sessions/{session}/end`
pub(crate) async fn end_session<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: web::Path<(String, String, String)>,
    body: web::Bytes,
) -> HttpResponse {
    let (tenant, id, session) = path.into_inner();
    let (desk, _) = or_answer!(form_desk(&req, &state, &tenant, &body).await);
    let user = or_answer!(load(&state, &desk, &id).await);
    let Ok(session) = SessionId::parse(&session) else {
        return super::error_page(&state, StatusCode::NOT_FOUND, "Not found", "There is no such session.");
    };
    let (caller, tenant, user_id) = (desk.admin.caller(), desk.tenant_id().clone(), user.id.clone());
    let outcome =
        spawn(&state, move |s| async move { s.admin.end_user_session(&caller, &tenant, &user_id, &session).await })
            .await;
    match answer(&state, outcome) {
        Ok(()) => see_other(&format!("/admin/t/{}/users/{}?done=session-ended", desk.tenant_id(), user.id)),
        Err(response) => response,
    }
}

/// `POST /admin/t/{tenant}/users/{id}/reset-mfa`: removes the user's authenticator
/// app and recovery codes.
pub(crate) async fn reset_mfa<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: UserPath,
    body: web::Bytes,
) -> HttpResponse {
    let (tenant, id) = path.into_inner();
    let (desk, _) = or_answer!(form_desk(&req, &state, &tenant, &body).await);
    let user = or_answer!(load(&state, &desk, &id).await);
    let (caller, tenant, user_id) = (desk.admin.caller(), desk.tenant_id().clone(), user.id.clone());
    let outcome = spawn(&state, move |s| async move { s.admin.reset_mfa(&caller, &tenant, &user_id).await }).await;
    match answer(&state, outcome) {
        Ok(()) => see_other(&format!("/admin/t/{}/users/{}?done=mfa-reset", desk.tenant_id(), user.id)),
        Err(response) => response,
    }
}

/// `POST /admin/t/{tenant}/require-mfa`: the tenant's sign-in rules: whether every
/// user must sign in with a second factor, whether people may create accounts, and
/// whether a sign-in needs a verified address (each checkbox sends `true` when ticked).
pub(crate) async fn require_mfa<S: Store>(
    req: HttpRequest,
    state: web::Data<HttpState<S>>,
    path: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let (desk, pairs) = or_answer!(form_desk(&req, &state, &path, &body).await);
    let ticked = |name: &str| Some(form_value(&pairs, name) == "true");
    let (caller, tenant) = (desk.admin.caller(), desk.tenant_id().clone());
    let patch = TenantPatch {
        require_mfa: ticked("require_mfa"),
        self_sign_up: ticked("self_sign_up"),
        require_verified_email: ticked("require_verified_email"),
        ..TenantPatch::default()
    };
    let outcome = spawn(&state, move |s| async move { s.admin.update_tenant(&caller, &tenant, patch).await }).await;
    match answer(&state, outcome) {
        Ok(_) => see_other(&format!("/admin/t/{}/users?done=saved", desk.tenant_id())),
        Err(response) => response,
    }
}
