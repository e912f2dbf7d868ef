//! `qeetid seed`: a demo tenant, key, user and clients to try the API and flows with.

use qeetid_domain::services::NewUser;
use qeetid_domain::{AdminRole, Caller, ClientDraft};
use qeetid_http::UseCases;
use qeetid_store::DieselStore;

use crate::AppError;

/// What the seed created, with the secrets shown once.
#[derive(Debug)]
pub struct SeedReport {
    /// The demo tenant's id.
    pub tenant_id: String,
    /// The demo tenant's slug (its name in URLs).
    pub tenant_slug: String,
    /// A tenant API key.
    pub api_key: String,
    /// The demo user's e-mail.
    pub user_email: String,
    /// The demo user's password.
    pub user_password: String,
    /// The demo tenant's dashboard admin.
    pub admin_email: String,
    /// A confidential web client's id.
    pub web_client_id: String,
    /// Its secret.
    pub web_client_secret: String,
    /// A public SPA client's id.
    pub spa_client_id: String,
    /// A public device (TV/CLI) client's id.
    pub tv_client_id: String,
}

/// Demo password of the seeded user. Printed, so only for trying things out.
const DEMO_PASSWORD: &str = "demo-password-123";
/// E-mail of the seeded dashboard admin (same password as the demo user).
const DEMO_ADMIN_EMAIL: &str = "admin@example.com";

/// Creates a fresh demo tenant with a key, a user and two clients whose redirect
/// URIs point at loopback ports, so the flows can be tried with curl and a browser.
pub async fn seed_demo(services: &UseCases<DieselStore>) -> Result<SeedReport, AppError> {
    let operator = Caller::operator();
    let tenant = services.admin.create_tenant(&operator, "Demo").await?;
    let key = services.admin.create_api_key(&operator, &tenant.id, "demo key").await?;
    let user = services
        .admin
        .create_user(
            &operator,
            &tenant.id,
            NewUser {
                email: "demo@example.com".into(),
                password: Some(DEMO_PASSWORD.into()),
                name: Some("Demo User".into()),
                email_verified: Some(true),
                admin_role: None,
            },
        )
        .await?;
    let admin = services
        .admin
        .create_user(
            &operator,
            &tenant.id,
            NewUser {
                email: DEMO_ADMIN_EMAIL.into(),
                password: Some(DEMO_PASSWORD.into()),
                name: Some("Demo Admin".into()),
                email_verified: Some(true),
                admin_role: Some(AdminRole::Tenant),
            },
        )
        .await?;
    let web = services
        .admin
        .register_client(
            &operator,
            &tenant.id,
            ClientDraft {
                name: "Demo Web".into(),
                client_type: "confidential".into(),
                // The product page's path, and the Next.js SDK example's (`sdks/nextjs/example`).
                redirect_uris: vec![
                    "http://localhost:3000/api/auth/callback".into(),
                    "http://localhost:3000/auth/callback".into(),
                ],
                post_logout_uris: vec!["http://localhost:3000".into()],
                grant_types: Some(vec![
                    "authorization_code".into(),
                    "refresh_token".into(),
                    "client_credentials".into(),
                ]),
                scopes: Some(["openid", "profile", "email", "offline_access", "api:read"].map(String::from).to_vec()),
                ..ClientDraft::default()
            },
        )
        .await?;
    let spa = services
        .admin
        .register_client(
            &operator,
            &tenant.id,
            ClientDraft {
                name: "Demo SPA".into(),
                client_type: "public".into(),
                redirect_uris: vec!["http://localhost:5173/callback".into()],
                post_logout_uris: vec!["http://localhost:5173".into()],
                grant_types: Some(vec!["authorization_code".into(), "refresh_token".into()]),
                ..ClientDraft::default()
            },
        )
        .await?;
    let tv = services
        .admin
        .register_client(
            &operator,
            &tenant.id,
            ClientDraft {
                name: "Demo TV".into(),
                client_type: "public".into(),
                grant_types: Some(vec!["urn:ietf:params:oauth:grant-type:device_code".into(), "refresh_token".into()]),
                ..ClientDraft::default()
            },
        )
        .await?;
    let web_client_secret =
        web.secret.as_ref().map(|s| s.expose().to_owned()).ok_or_else(|| AppError::Startup("no secret".into()))?;
    Ok(SeedReport {
        tenant_id: tenant.id.to_string(),
        tenant_slug: tenant.slug.to_string(),
        api_key: key.key.expose().to_owned(),
        user_email: user.email.as_str().to_owned(),
        user_password: DEMO_PASSWORD.to_owned(),
        admin_email: admin.email.as_str().to_owned(),
        web_client_id: web.client.id.to_string(),
        web_client_secret,
        spa_client_id: spa.client.id.to_string(),
        tv_client_id: tv.client.id.to_string(),
    })
}
