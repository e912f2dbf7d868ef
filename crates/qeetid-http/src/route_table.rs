//! The route table. Paths that share a static prefix sit in a scope under it, so a
//! request is matched against its own group's patterns only. actix-web tries
//! resources in order, and each pattern with a `{parameter}` is a regular
//! expression: with one flat list of 124 resources, `GET /healthz` (after 47 such
//! patterns) spent 30 % of the server core in them (`docs/benchmarks.md`). The full
//! patterns, which metrics and logs report, are unchanged.

use actix_web::{HttpResponse, web};
use qeetid_domain::ports::Store;

use crate::routes::{
    account, api_keys, clients, console, device, events, federation, grants, hosted, initial_tokens, logout, oauth,
    open_registration, pages, par, passkeys, probes, recovery, registration, resource as resource_server,
    second_factor, sign_up, tenants, users,
};
use crate::{ApiError, not_found, openapi};

/// A resource whose unhandled methods get a JSON 405.
fn resource(path: &str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(|| async { Err::<HttpResponse, _>(ApiError::MethodNotAllowed) }))
}

/// Every route of the main listener, and the JSON or page 404 for the rest. A scope
/// without a match answers with this default too.
pub(crate) fn routes_for<S: Store>(cfg: &mut web::ServiceConfig) {
    cfg.service(web::scope("/v1/oauth").configure(oauth_protocol::<S>))
        .service(web::resource("/healthz").route(web::get().to(probes::healthz)))
        .service(web::resource("/readyz").route(web::get().to(probes::readyz::<S>)))
        .service(web::scope("/v1/tenants").configure(tenant_api::<S>))
        .service(web::scope("/admin").configure(admin_console::<S>))
        .service(web::scope("/account").configure(account_page::<S>))
        .service(web::resource("/").route(web::get().to(pages::home::<S>)))
        .service(web::resource("/.well-known/openid-configuration").route(web::get().to(oauth::discovery::<S>)))
        .service(
            web::resource("/.well-known/oauth-authorization-server")
                .route(web::get().to(oauth::authorization_server_metadata::<S>)),
        )
        .service(web::resource("/.well-known/jwks.json").route(web::get().to(oauth::jwks::<S>)))
        .service(
            web::resource("/device").route(web::get().to(device::page::<S>)).route(web::post().to(device::submit::<S>)),
        )
        .service(web::resource("/logout").route(web::post().to(logout::confirm::<S>)))
        .service(
            web::resource("/login")
                .route(web::get().to(hosted::login_page::<S>))
                .route(web::post().to(hosted::login_submit::<S>)),
        )
        .service(web::resource("/login/federated/callback").route(web::get().to(federation::callback::<S>)))
        .service(web::resource("/login/federated/{id}").route(web::get().to(federation::start::<S>)))
        .service(web::resource("/login/passkey/options").route(web::post().to(passkeys::login_options::<S>)))
        .service(web::resource("/login/passkey").route(web::post().to(passkeys::login::<S>)))
        .service(
            web::resource("/login/mfa")
                .route(web::get().to(second_factor::page::<S>))
                .route(web::post().to(second_factor::submit::<S>)),
        )
        .service(web::resource("/consent").route(web::get().to(hosted::consent_page::<S>)))
        .service(web::resource("/branding/{tenantID}/{file}").route(web::get().to(pages::theme::<S>)))
        .service(
            web::resource("/password/forgot")
                .route(web::get().to(recovery::forgot_page::<S>))
                .route(web::post().to(recovery::forgot_submit::<S>)),
        )
        .service(
            web::resource("/password/reset")
                .route(web::get().to(recovery::reset_page::<S>))
                .route(web::post().to(recovery::reset_submit::<S>)),
        )
        .service(
            web::resource("/email/verify")
                .route(web::get().to(recovery::verify_page::<S>))
                .route(web::post().to(recovery::verify_submit::<S>)),
        )
        .service(
            web::resource("/signup")
                .route(web::get().to(sign_up::page::<S>))
                .route(web::post().to(sign_up::submit::<S>)),
        )
        .service(web::resource("/t/{slug}/admin").route(web::get().to(console::by_slug)))
        .service(web::resource("/t/{slug}/account").route(web::get().to(account::by_slug)))
        .service(web::resource("/static/console.js").route(web::get().to(console::script)))
        .service(web::resource("/static/passkeys.js").route(web::get().to(passkeys::script)))
        .service(web::resource("/static/logout.js").route(web::get().to(pages::logout_script)))
        .service(web::resource("/static/form_post.js").route(web::get().to(pages::form_post_script)))
        .service(web::resource("/static/qeetid.css").route(web::get().to(pages::stylesheet)))
        .service(web::resource("/metrics").route(web::get().to(probes::metrics::<S>)))
        .service(resource("/v1/openapi.json").route(web::get().to(openapi::document)))
        .service(
            resource("/v1/deployment/open-registration")
                .route(web::get().to(open_registration::get::<S>))
                .route(web::put().to(open_registration::set::<S>)),
        )
        .service(resource("/v1/oidc/clients").route(web::post().to(clients::register::<S>)))
        .service(resource("/v1/oidc/clients/{id}").route(web::delete().to(clients::delete::<S>)))
        .default_service(web::to(not_found::<S>));
    cfg.app_data(web::JsonConfig::default());
}

/// `/v1/oauth/…`: the OAuth 2.0 and OpenID Connect endpoints.
fn oauth_protocol<S: Store>(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/register").route(web::post().to(registration::register::<S>)))
        .service(
            web::resource("/register/{clientID}")
                .route(web::get().to(registration::read::<S>))
                .route(web::put().to(registration::update::<S>))
                .route(web::delete().to(registration::delete::<S>)),
        )
        .service(web::resource("/authorize").route(web::get().to(oauth::authorize::<S>)))
        .service(web::resource("/token").route(web::post().to(oauth::token::<S>)))
        .service(web::resource("/par").route(web::post().to(par::push::<S>)))
        .service(web::resource("/token-code").route(web::post().to(oauth::token::<S>)))
        .service(
            web::resource("/userinfo")
                .route(web::get().to(resource_server::userinfo::<S>))
                .route(web::post().to(resource_server::userinfo::<S>)),
        )
        .service(web::resource("/introspect").route(web::post().to(resource_server::introspect::<S>)))
        .service(web::resource("/revoke").route(web::post().to(resource_server::revoke::<S>)))
        .service(web::resource("/device/code").route(web::post().to(device::device_code::<S>)))
        .service(
            web::resource("/logout").route(web::get().to(logout::start::<S>)).route(web::post().to(logout::start::<S>)),
        )
        .service(web::resource("/login-context").route(web::get().to(hosted::login_context::<S>)))
        .service(web::resource("/authorize/decision").route(web::post().to(hosted::decision::<S>)));
}

/// `/v1/tenants` and `/v1/tenants/{tenantID}/…`: the admin API of tenants.
fn tenant_api<S: Store>(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("").route(web::post().to(tenants::create::<S>)).route(web::get().to(tenants::list::<S>)))
        .service(web::scope("/{tenantID}").configure(one_tenant_api::<S>));
}

/// `/v1/tenants/{tenantID}/…`: one tenant's resources.
fn one_tenant_api<S: Store>(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/oauth/grants").route(web::get().to(grants::list::<S>)))
        .service(resource("/events").route(web::get().to(events::list::<S>)))
        .service(resource("/users/{userID}/token-exchanges").route(web::get().to(grants::token_exchanges::<S>)))
        .service(resource("/oauth/grants/{id}").route(web::delete().to(grants::revoke::<S>)))
        .service(
            resource("")
                .route(web::get().to(tenants::get::<S>))
                .route(web::patch().to(tenants::rename::<S>))
                .route(web::delete().to(tenants::delete::<S>)),
        )
        .service(
            resource("/api-keys")
                .route(web::post().to(api_keys::create::<S>))
                .route(web::get().to(api_keys::list::<S>)),
        )
        .service(resource("/api-keys/{id}").route(web::delete().to(api_keys::delete::<S>)))
        .service(resource("/oauth/resources").route(web::put().to(tenants::set_resources::<S>)))
        .service(
            resource("/logo")
                .route(web::put().to(tenants::put_logo::<S>))
                .route(web::delete().to(tenants::delete_logo::<S>)),
        )
        .service(
            resource("/oauth/initial-access-tokens")
                .route(web::post().to(initial_tokens::create::<S>))
                .route(web::get().to(initial_tokens::list::<S>)),
        )
        .service(resource("/oauth/initial-access-tokens/{id}").route(web::delete().to(initial_tokens::delete::<S>)))
        .service(resource("/users").route(web::post().to(users::create::<S>)).route(web::get().to(users::list::<S>)))
        .service(
            resource("/users/{id}")
                .route(web::get().to(users::get::<S>))
                .route(web::patch().to(users::update::<S>))
                .route(web::delete().to(users::delete::<S>)),
        )
        .service(resource("/users/{id}/sessions").route(web::get().to(users::sessions::<S>)))
        .service(resource("/users/{id}/identities/{providerID}").route(web::delete().to(federation::unlink::<S>)))
        .service(
            resource("/identity-providers")
                .route(web::post().to(federation::create::<S>))
                .route(web::get().to(federation::list::<S>)),
        )
        .service(
            resource("/identity-providers/{id}")
                .route(web::get().to(federation::get::<S>))
                .route(web::patch().to(federation::update::<S>))
                .route(web::delete().to(federation::delete::<S>)),
        )
        .service(
            resource("/users/{id}/mfa")
                .route(web::get().to(users::mfa::<S>))
                .route(web::delete().to(users::reset_mfa::<S>)),
        )
        .service(resource("/users/{id}/sessions/{sessionID}").route(web::delete().to(users::end_session::<S>)))
        .service(resource("/oidc/clients").route(web::get().to(clients::list::<S>)))
        .service(
            resource("/oidc/clients/{id}")
                .route(web::get().to(clients::get::<S>))
                .route(web::patch().to(clients::update::<S>)),
        )
        .service(resource("/oidc/clients/{id}/logout-deliveries").route(web::get().to(clients::logout_deliveries::<S>)))
        .service(resource("/oidc/clients/{id}/rotate-secret").route(web::post().to(clients::rotate_secret::<S>)));
}

/// `/admin/…`: the dashboard.
fn admin_console<S: Store>(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("").route(web::get().to(console::home::<S>)))
        .service(web::resource("/login").route(web::get().to(console::login::<S>)))
        .service(web::resource("/callback").route(web::get().to(console::callback::<S>)))
        .service(web::resource("/logout").route(web::post().to(console::logout::<S>)))
        .service(web::scope("/t/{tenantID}").configure(tenant_console::<S>));
}

/// `/admin/t/{tenantID}/…`: one tenant's pages of the dashboard.
fn tenant_console<S: Store>(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/clients").route(web::get().to(console::clients::list::<S>)))
        .service(
            web::resource("/clients/new")
                .route(web::get().to(console::clients::new_form::<S>))
                .route(web::post().to(console::clients::create::<S>)),
        )
        .service(
            web::resource("/clients/{id}")
                .route(web::get().to(console::clients::show::<S>))
                .route(web::post().to(console::clients::update::<S>)),
        )
        .service(web::resource("/clients/{id}/rotate-secret").route(web::post().to(console::clients::rotate::<S>)))
        .service(
            web::resource("/clients/{id}/delete")
                .route(web::get().to(console::clients::confirm_delete::<S>))
                .route(web::post().to(console::clients::delete::<S>)),
        )
        .service(web::resource("/grants").route(web::get().to(console::grants::list::<S>)))
        .service(web::resource("/events").route(web::get().to(console::events::list::<S>)))
        .service(web::resource("/registration").route(web::get().to(console::registration::list::<S>)))
        .service(web::resource("/registration/new").route(web::post().to(console::registration::create::<S>)))
        .service(web::resource("/registration/open").route(web::post().to(console::registration::set_open::<S>)))
        .service(
            web::resource("/registration/{id}/delete")
                .route(web::get().to(console::registration::confirm_delete::<S>))
                .route(web::post().to(console::registration::delete::<S>)),
        )
        .service(web::resource("/grants/{id}/revoke").route(web::post().to(console::grants::revoke::<S>)))
        .service(web::resource("/users").route(web::get().to(console::users::list::<S>)))
        .service(web::resource("/users/new").route(web::post().to(console::users::create::<S>)))
        .service(
            web::resource("/users/{id}")
                .route(web::get().to(console::users::show::<S>))
                .route(web::post().to(console::users::update::<S>)),
        )
        .service(web::resource("/users/{id}/send-reset").route(web::post().to(console::users::send_reset::<S>)))
        .service(web::resource("/users/{id}/reset-mfa").route(web::post().to(console::users::reset_mfa::<S>)))
        .service(web::resource("/require-mfa").route(web::post().to(console::users::require_mfa::<S>)))
        .service(web::resource("/users/{id}/disable").route(web::post().to(console::users::disable::<S>)))
        .service(web::resource("/users/{id}/enable").route(web::post().to(console::users::enable::<S>)))
        .service(
            web::resource("/users/{id}/sessions/{sessionID}/end")
                .route(web::post().to(console::users::end_session::<S>)),
        )
        .service(
            web::resource("/users/{id}/delete")
                .route(web::get().to(console::users::confirm_delete::<S>))
                .route(web::post().to(console::users::delete::<S>)),
        )
        .service(
            web::resource("/branding")
                .route(web::get().to(console::branding::show::<S>))
                .route(web::post().to(console::branding::save::<S>)),
        )
        .service(web::resource("/branding/logo").route(web::post().to(console::branding::upload_logo::<S>)))
        .service(
            web::resource("/providers")
                .route(web::get().to(console::providers::show::<S>))
                .route(web::post().to(console::providers::create::<S>)),
        )
        .service(web::resource("/providers/{id}").route(web::post().to(console::providers::update::<S>)))
        .service(web::resource("/providers/{id}/delete").route(web::post().to(console::providers::delete::<S>)))
        .service(web::resource("/branding/logo/remove").route(web::post().to(console::branding::remove_logo::<S>)))
        .service(web::resource("/keys").route(web::get().to(console::keys::list::<S>)))
        .service(web::resource("/keys/new").route(web::post().to(console::keys::create::<S>)))
        .service(
            web::resource("/keys/{id}/delete")
                .route(web::get().to(console::keys::confirm_delete::<S>))
                .route(web::post().to(console::keys::delete::<S>)),
        )
        .service(web::resource("/tenants").route(web::get().to(console::tenants::list::<S>)))
        .service(web::resource("/tenants/new").route(web::post().to(console::tenants::create::<S>)))
        .service(web::resource("/tenants/{id}/rename").route(web::post().to(console::tenants::rename::<S>)));
}

/// `/account/…`: the end user's account page.
fn account_page<S: Store>(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("").route(web::get().to(account::page::<S>)))
        .service(web::resource("/callback").route(web::get().to(account::callback::<S>)))
        .service(web::resource("/logout").route(web::post().to(account::logout::<S>)))
        .service(web::resource("/reauthenticate").route(web::get().to(account::reauthenticate::<S>)))
        .service(web::resource("/profile").route(web::post().to(account::profile::<S>)))
        .service(web::resource("/password").route(web::post().to(account::password::<S>)))
        .service(web::resource("/passkeys/options").route(web::post().to(passkeys::register_options::<S>)))
        .service(web::resource("/passkeys").route(web::post().to(passkeys::register::<S>)))
        .service(web::resource("/passkeys/{id}/rename").route(web::post().to(passkeys::rename::<S>)))
        .service(web::resource("/passkeys/{id}/remove").route(web::post().to(passkeys::remove::<S>)))
        .service(web::resource("/mfa/totp").route(web::post().to(account::start_totp::<S>)))
        .service(web::resource("/mfa/totp/confirm").route(web::post().to(account::confirm_totp::<S>)))
        .service(web::resource("/mfa/totp/remove").route(web::post().to(account::remove_totp::<S>)))
        .service(web::resource("/mfa/recovery-codes").route(web::post().to(account::new_recovery_codes::<S>)))
        .service(web::resource("/apps/{grantID}/revoke").route(web::post().to(account::revoke_app::<S>)))
        .service(web::resource("/sessions/end-others").route(web::post().to(account::end_other_sessions::<S>)))
        .service(web::resource("/sessions/{sessionID}/end").route(web::post().to(account::end_session::<S>)));
}
