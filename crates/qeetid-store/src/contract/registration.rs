use qeetid_domain::client::{ClientMetadata, RegisteredBy, SelfRegistration};
use qeetid_domain::ports::Store;
use qeetid_domain::registration::{InitialAccessToken, TokenAuthMethod};
use qeetid_domain::{ClientId, InitialTokenId, Secret, StoreError, UnixTime};

use crate::contract::support::{confidential_client, random, stored_tenant};

const T0: i64 = 1_800_000_000;

fn initial_token(
    tenant: &qeetid_domain::TenantId,
    uses: Option<u32>,
    expires: Option<i64>,
) -> (InitialAccessToken, Secret) {
    let secret = Secret::generate("qit_", random());
    let token = InitialAccessToken {
        id: InitialTokenId::generate(random()),
        tenant_id: tenant.clone(),
        label: "CI".into(),
        token_hash: secret.hash(),
        expires_at: expires.map(UnixTime::from_secs),
        uses_left: uses,
        created_at: UnixTime::from_secs(T0),
    };
    (token, secret)
}

pub async fn initial_tokens_are_spent_atomically_and_stay_in_their_tenant(store: &impl Store) {
    let a = stored_tenant(store).await;
    let b = stored_tenant(store).await;
    let now = UnixTime::from_secs(T0 + 10);
    let (twice, twice_secret) = initial_token(&a.id, Some(2), None);
    store.insert_initial_token(&twice).await.unwrap();
    let mut twin = initial_token(&a.id, None, None).0;
    twin.token_hash = twice.token_hash;
    assert!(matches!(store.insert_initial_token(&twin).await, Err(StoreError::Conflict(_))));
    assert_eq!(store.list_initial_tokens(&a.id).await.unwrap(), vec![twice.clone()]);
    assert!(store.list_initial_tokens(&b.id).await.unwrap().is_empty());

    // Two uses race for the last one left: exactly one wins.
    let first = store.spend_initial_token(&twice_secret.hash(), now).await.unwrap().unwrap();
    assert_eq!((first.tenant_id.clone(), first.uses_left), (a.id.clone(), Some(1)));
    let hash = twice_secret.hash();
    let (x, y) = tokio::join!(store.spend_initial_token(&hash, now), store.spend_initial_token(&hash, now));
    assert_eq!([x.unwrap().is_some(), y.unwrap().is_some()].iter().filter(|w| **w).count(), 1);
    assert_eq!(store.spend_initial_token(&hash, now).await.unwrap(), None, "used up");

    let (unlimited, unlimited_secret) = initial_token(&a.id, None, Some(T0 + 60));
    store.insert_initial_token(&unlimited).await.unwrap();
    for _ in 0..3 {
        let spent = store.spend_initial_token(&unlimited_secret.hash(), now).await.unwrap().unwrap();
        assert_eq!(spent.uses_left, None);
    }
    let late = UnixTime::from_secs(T0 + 60);
    assert_eq!(store.spend_initial_token(&unlimited_secret.hash(), late).await.unwrap(), None, "expired");

    assert!(!store.delete_initial_token(&b.id, &unlimited.id).await.unwrap(), "another tenant cannot delete it");
    assert!(store.delete_initial_token(&a.id, &unlimited.id).await.unwrap());
    assert!(store.delete_tenant(&a.id).await.unwrap());
    assert!(store.list_initial_tokens(&a.id).await.unwrap().is_empty(), "gone with the tenant");
}

pub async fn a_self_registered_client_keeps_its_registration(store: &impl Store) {
    let tenant = stored_tenant(store).await;
    let mut client = confidential_client(&tenant.id, T0);
    client.registration = Some(SelfRegistration {
        by: RegisteredBy::Request { access_token_hash: Secret::presented("qra_one").hash() },
        auth_method: TokenAuthMethod::ClientSecretPost,
        metadata: ClientMetadata {
            client_uri: Some("https://tool.example".into()),
            logo_uri: Some("https://tool.example/logo.png".into()),
            contacts: vec!["ops@tool.example".into(), "dev@tool.example".into()],
            software_id: Some("4NRB1-0XZABZI9E6-5SM3R".into()),
            jwks: Some(r#"{"keys":[]}"#.into()),
            ..ClientMetadata::default()
        },
    });
    store.insert_client(&client).await.unwrap();
    assert_eq!(store.find_client(&client.id).await.unwrap(), Some(client.clone()));
    let mut updated = client.clone();
    if let Some(r) = updated.registration.as_mut() {
        r.by = RegisteredBy::Request { access_token_hash: Secret::presented("qra_two").hash() };
        r.metadata.contacts.clear();
    }
    assert!(store.update_client(&updated).await.unwrap());
    assert_eq!(store.get_client(&tenant.id, &client.id).await.unwrap(), Some(updated));

    // A client known by its metadata document: the URL is its id.
    let mut documented = confidential_client(&tenant.id, T0);
    documented.id = ClientId::parse("https://tool.example/oauth/client.json").unwrap();
    documented.secrets = None;
    documented.registration = Some(SelfRegistration {
        by: RegisteredBy::MetadataDocument { refresh_at: UnixTime::from_secs(T0 + 300) },
        auth_method: TokenAuthMethod::None,
        metadata: ClientMetadata::default(),
    });
    store.insert_client(&documented).await.unwrap();
    assert_eq!(store.find_client(&documented.id).await.unwrap(), Some(documented.clone()));
    if let Some(r) = documented.registration.as_mut() {
        r.by = RegisteredBy::MetadataDocument { refresh_at: UnixTime::from_secs(T0 + 900) };
    }
    assert!(store.update_client(&documented).await.unwrap());
    assert_eq!(store.find_client(&documented.id).await.unwrap(), Some(documented));
}
