//! `qeetid admin create-user` and `create-key`: admin dashboard users and admin API
//! keys made on the host, including the way back from a lost bootstrap key.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use qeetid_domain::ports::Random as _;
use qeetid_domain::services::{CreatedApiKey, NewUser};
use qeetid_domain::{AdminRole, Caller, TenantId};
use qeetid_http::UseCases;
use qeetid_store::DieselStore;

use crate::AppError;

/// The admin that was made, with its password shown once.
#[derive(Debug)]
pub struct CreatedAdmin {
    /// The tenant the admin belongs to (and signs in through).
    pub tenant_id: String,
    /// Sign-in e-mail.
    pub email: String,
    /// The password given, or the one generated.
    pub password: String,
    /// The role granted.
    pub role: AdminRole,
}

/// Creates a user holding `role` in `tenant`, or in a new tenant "Administrators"
/// when none is named. Without `password`, a random one is generated.
pub async fn create_admin(
    services: &UseCases<DieselStore>,
    tenant: Option<&str>,
    email: &str,
    password: Option<String>,
    role: AdminRole,
) -> Result<CreatedAdmin, AppError> {
    let operator = Caller::operator();
    let tenant = match tenant {
        Some(raw) => TenantId::parse(raw).map_err(|e| AppError::Startup(format!("--tenant: {e}")))?,
        None => services.admin.create_tenant(&operator, "Administrators").await?.id,
    };
    let password = password.unwrap_or_else(generated_password);
    let user = services
        .admin
        .create_user(
            &operator,
            &tenant,
            NewUser {
                email: email.to_owned(),
                password: Some(password.clone()),
                email_verified: Some(true),
                admin_role: Some(role),
                ..NewUser::default()
            },
        )
        .await?;
    Ok(CreatedAdmin { tenant_id: tenant.to_string(), email: user.email.as_str().to_owned(), password, role })
}

/// 18 random bytes, base64url: 24 characters.
fn generated_password() -> String {
    let mut bytes = [0u8; 18];
    qeetid_crypto::SystemRandom::new().fill(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Creates an admin API key for `tenant` (its id or sign-in name), or, without one,
/// a deployment key that manages every tenant. The key is in the answer, once.
pub async fn create_key(
    services: &UseCases<DieselStore>,
    tenant: Option<&str>,
    name: &str,
) -> Result<CreatedApiKey, AppError> {
    let operator = Caller::operator();
    let Some(reference) = tenant else {
        return Ok(services.admin.create_deployment_key(&operator, name).await?);
    };
    let tenant =
        services.apps.tenant_named(reference).await.map_err(|e| AppError::Startup(e.to_string()))?.ok_or_else(
            || AppError::Startup(format!("--tenant: no tenant has the id or sign-in name `{reference}`")),
        )?;
    Ok(services.admin.create_api_key(&operator, &tenant, name).await?)
}
