//! Builders of valid domain objects for the contract tests.

use qeetid_domain::fakes::SeededRandom;
use qeetid_domain::ports::TenantRepository;
use qeetid_domain::{
    AdminRole, ApiKey, ApiKeyId, Client, ClientDraft, ClientId, ClientLifetimes, ClientSecrets, ClientSettings,
    DisplayName, Email, KeyScope, PasswordHash, Secret, Tenant, TenantId, UnixTime, User, UserId,
};
use std::sync::OnceLock;

pub(crate) fn random() -> &'static SeededRandom {
    static RANDOM: OnceLock<SeededRandom> = OnceLock::new();
    RANDOM.get_or_init(|| {
        let seed =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64);
        SeededRandom::new(seed)
    })
}

pub(crate) fn tenant_at(created: i64) -> Tenant {
    let id = TenantId::generate(random());
    // Unique like the id: lowercase letters and digits of it.
    let slug: String =
        id.as_str()[4..].chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect();
    Tenant {
        policy: Default::default(),
        slug: qeetid_domain::TenantSlug::parse("slug", &format!("acme-{slug}")).unwrap(),
        id,
        name: DisplayName::parse("name", "Acme").unwrap(),
        require_mfa: false,
        self_sign_up: false,
        require_verified_email: false,
        branding: Default::default(),
        resources: None,
        created_at: UnixTime::from_secs(created),
        updated_at: UnixTime::from_secs(created),
    }
}

pub(crate) async fn stored_tenant(store: &impl TenantRepository) -> Tenant {
    let tenant = tenant_at(1_800_000_000);
    store.insert_tenant(&tenant).await.unwrap();
    tenant
}

pub(crate) fn api_key(scope: KeyScope) -> (ApiKey, Secret) {
    let secret = Secret::generate("qak_", random());
    let key = ApiKey {
        id: ApiKeyId::generate(random()),
        scope,
        name: DisplayName::parse("name", "ci").unwrap(),
        key_hash: secret.hash(),
        created_at: UnixTime::from_secs(1_800_000_000),
    };
    (key, secret)
}

pub(crate) fn user(tenant: &TenantId, email: &str) -> User {
    User {
        id: UserId::generate(random()),
        tenant_id: tenant.clone(),
        email: Email::parse(email).unwrap(),
        email_verified: false,
        name: Some("Ada Lovelace".into()),
        password_hash: Some(PasswordHash::from_phc("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into())),
        admin_role: Some(AdminRole::Tenant),
        disabled_at: None,
        tokens_revoked_at: None,
        created_at: UnixTime::from_secs(1_800_000_000),
        updated_at: UnixTime::from_secs(1_800_000_000),
    }
}

pub(crate) fn confidential_client(tenant: &TenantId, created: i64) -> Client {
    let settings = ClientSettings::validate(ClientDraft {
        name: "Acme Web".into(),
        client_type: "confidential".into(),
        redirect_uris: vec!["https://app.acme.com/api/auth/callback".into(), "http://127.0.0.1:8000/cb".into()],
        post_logout_uris: vec!["https://app.acme.com".into()],
        grant_types: Some(vec!["authorization_code".into(), "refresh_token".into(), "client_credentials".into()]),
        scopes: Some(vec!["openid".into(), "email".into(), "api:read".into()]),
        require_pkce: Some(false),
        lifetimes: ClientLifetimes { access_token: Some(600), refresh_token: None, refresh_token_idle: Some(3600) },
        id_token_signed_response_alg: Some("RS256".into()),
        userinfo_signed_response_alg: Some("ES256".into()),
        logout: Default::default(),
        subject_type: Some("pairwise".into()),
        sector_identifier_uri: Some("https://app.acme.com/sector.json".into()),
        request_objects: qeetid_domain::request_object::RequestObjectDraft {
            jwks: None,
            jwks_uri: Some("https://app.acme.com/jwks.json".into()),
            request_uris: Some(vec!["https://app.acme.com/requests/1".into()]),
            request_object_signing_alg: Some("PS256".into()),
        },
        policy: qeetid_domain::client_policy::ClientPolicyDraft {
            token_endpoint_auth_method: Some("private_key_jwt".into()),
            token_endpoint_auth_signing_alg: Some("ES256".into()),
            require_pushed_authorization_requests: Some(true),
            dpop_bound_access_tokens: Some(true),
            fapi2: None,
            token_exchange: Some(Some(qeetid_domain::client_policy::ExchangePolicyDraft {
                audiences: vec!["https://api.acme.com".into()],
                scopes: vec!["api:read".into()],
                subject_clients: vec!["qci_AAAAAAAAAAAAAAAAAAAAAA".into()],
                impersonation: false,
            })),
        },
    })
    .unwrap();
    Client {
        tenant_policy: Default::default(),
        id: ClientId::generate(random()),
        tenant_id: tenant.clone(),
        settings,
        secrets: Some(ClientSecrets {
            current: Secret::generate("qcs_", random()).hash(),
            previous: Some((Secret::generate("qcs_", random()).hash(), UnixTime::from_secs(created + 60))),
        }),
        created_at: UnixTime::from_secs(created),
        updated_at: UnixTime::from_secs(created),
        registration: None,
    }
}
