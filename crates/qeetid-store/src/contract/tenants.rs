use qeetid_domain::ports::Store;
use qeetid_domain::{DisplayName, KeyScope, PageRequest, StoreError, UnixTime};

use crate::contract::support::{api_key, confidential_client, stored_tenant, tenant_at, user};

pub async fn round_trip_update_and_delete(store: &impl Store) {
    let mut tenant = stored_tenant(store).await;
    assert_eq!(store.get_tenant(&tenant.id).await.unwrap(), Some(tenant.clone()));

    tenant.name = DisplayName::parse("name", "Acme Corp").unwrap();
    tenant.resources = Some(vec![
        qeetid_domain::KnownResource { uri: "https://api.acme.example/".into(), scopes: vec!["api:read".into()] },
        qeetid_domain::KnownResource { uri: "https://mcp.acme.example/mcp".into(), scopes: vec![] },
    ]);
    tenant.updated_at = UnixTime::from_secs(1_900_000_000);
    assert!(store.update_tenant(&tenant).await.unwrap());
    assert_eq!(store.get_tenant(&tenant.id).await.unwrap(), Some(tenant.clone()));

    assert!(store.delete_tenant(&tenant.id).await.unwrap());
    assert_eq!(store.get_tenant(&tenant.id).await.unwrap(), None);
    assert!(!store.delete_tenant(&tenant.id).await.unwrap());
    assert!(!store.update_tenant(&tenant).await.unwrap());
    store.ping().await.unwrap();
}

pub async fn duplicate_id_is_a_conflict(store: &impl Store) {
    let tenant = stored_tenant(store).await;
    assert!(matches!(store.insert_tenant(&tenant).await, Err(StoreError::Conflict(_))));
}

pub async fn a_slug_finds_its_tenant_and_belongs_to_one(store: &impl Store) {
    let first = stored_tenant(store).await;
    let mut second = stored_tenant(store).await;
    assert_eq!(store.get_tenant_by_slug(&first.slug).await.unwrap(), Some(first.clone()));
    let unknown = qeetid_domain::TenantSlug::parse("slug", "nobody-here").unwrap();
    assert_eq!(store.get_tenant_by_slug(&unknown).await.unwrap(), None);

    // Another tenant with the same slug, inserted or renamed to it, is refused.
    let mut copy = tenant_at(1_800_000_000);
    copy.slug = first.slug.clone();
    assert!(matches!(store.insert_tenant(&copy).await, Err(StoreError::Conflict(_))));
    let own = second.slug.clone();
    second.slug = first.slug.clone();
    assert!(matches!(store.update_tenant(&second).await, Err(StoreError::Conflict(_))));
    second.slug = qeetid_domain::TenantSlug::parse("slug", "second-home").unwrap();
    assert!(store.update_tenant(&second).await.unwrap());
    assert_eq!(store.get_tenant_by_slug(&second.slug).await.unwrap().map(|t| t.id), Some(second.id.clone()));
    assert_eq!(store.get_tenant_by_slug(&own).await.unwrap(), None, "the old slug is free again");
}

pub async fn pages_are_newest_first_and_follow_the_cursor(store: &impl Store) {
    // Five tenants, two sharing a creation second: the id breaks the tie.
    let mut tenants: Vec<_> = [100, 200, 200, 300, 400].into_iter().map(tenant_at).collect();
    for t in &tenants {
        store.insert_tenant(t).await.unwrap();
    }
    tenants.sort_by(|a, b| (b.created_at, b.id.as_str()).cmp(&(a.created_at, a.id.as_str())));

    let mut seen = Vec::new();
    let mut request = PageRequest::parse(Some(2), None).unwrap();
    loop {
        let rows = store.list_tenants(&request).await.unwrap();
        assert!(rows.len() <= 3, "fetches at most limit + 1");
        let page = qeetid_domain::Page::from_fetched(rows, &request, |t| qeetid_domain::Cursor {
            created_at: t.created_at,
            id: t.id.to_string(),
        });
        seen.extend(page.items);
        match page.next_cursor {
            Some(c) => request = PageRequest::parse(Some(2), Some(&c)).unwrap(),
            None => break,
        }
    }
    assert_eq!(seen, tenants);
}

pub async fn deleting_a_tenant_removes_what_it_owns(store: &impl Store) {
    let tenant = stored_tenant(store).await;
    let (key, secret) = api_key(KeyScope::Tenant(tenant.id.clone()));
    store.insert_api_key(&key).await.unwrap();
    let u = user(&tenant.id, "ada@example.com");
    store.insert_user(&u).await.unwrap();
    let c = confidential_client(&tenant.id, 1_800_000_000);
    store.insert_client(&c).await.unwrap();

    assert!(store.delete_tenant(&tenant.id).await.unwrap());
    assert_eq!(store.find_api_key_by_hash(&secret.hash()).await.unwrap(), None);
    assert_eq!(store.get_user(&tenant.id, &u.id).await.unwrap(), None);
    assert_eq!(store.find_client(&c.id).await.unwrap(), None);
}

pub async fn one_tenant_at_most_is_open_to_registration(store: &impl Store) {
    assert_eq!(store.open_registration_tenant().await.unwrap(), None, "closed by default");
    let a = stored_tenant(store).await;
    let b = stored_tenant(store).await;
    store.set_open_registration_tenant(Some(&a.id)).await.unwrap();
    assert_eq!(store.open_registration_tenant().await.unwrap(), Some(a.id.clone()));
    store.set_open_registration_tenant(Some(&b.id)).await.unwrap();
    assert_eq!(store.open_registration_tenant().await.unwrap(), Some(b.id.clone()), "opening one closes the other");
    store.set_open_registration_tenant(Some(&b.id)).await.unwrap();
    assert_eq!(store.open_registration_tenant().await.unwrap(), Some(b.id.clone()), "opening twice is the same");
    store.set_open_registration_tenant(None).await.unwrap();
    assert_eq!(store.open_registration_tenant().await.unwrap(), None);
    store.set_open_registration_tenant(Some(&a.id)).await.unwrap();
    assert!(store.delete_tenant(&a.id).await.unwrap());
    assert_eq!(store.open_registration_tenant().await.unwrap(), None, "gone with its tenant");
}

pub async fn a_logo_is_stored_apart_replaced_and_goes_with_its_tenant(store: &impl Store) {
    use qeetid_domain::logo::LogoImage;
    let mut tenant = stored_tenant(store).await;
    let other = stored_tenant(store).await;
    assert_eq!(store.tenant_logo(&tenant.id).await.unwrap(), None);
    let png = LogoImage::parse(Some("image/png"), b"\x89PNG\r\n\x1a\n first".to_vec()).unwrap();
    store.save_tenant_logo(&tenant.id, Some(&png)).await.unwrap();
    tenant.branding.logo = Some(png.reference.clone());
    assert!(store.update_tenant(&tenant).await.unwrap());
    assert_eq!(store.tenant_logo(&tenant.id).await.unwrap(), Some(png.clone()));
    assert_eq!(store.get_tenant(&tenant.id).await.unwrap().unwrap().branding.logo, Some(png.reference.clone()));
    assert_eq!(store.tenant_logo(&other.id).await.unwrap(), None, "one tenant's logo is not another's");

    // A new upload replaces the image; removing leaves none.
    let jpeg = LogoImage::parse(None, vec![0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 1, 2, 3]).unwrap();
    store.save_tenant_logo(&tenant.id, Some(&jpeg)).await.unwrap();
    assert_eq!(store.tenant_logo(&tenant.id).await.unwrap(), Some(jpeg.clone()));
    store.save_tenant_logo(&tenant.id, None).await.unwrap();
    assert_eq!(store.tenant_logo(&tenant.id).await.unwrap(), None);

    // Deleting the tenant deletes its logo.
    store.save_tenant_logo(&tenant.id, Some(&png)).await.unwrap();
    assert!(store.delete_tenant(&tenant.id).await.unwrap());
    assert_eq!(store.tenant_logo(&tenant.id).await.unwrap(), None);
}

pub async fn an_identity_provider_is_changed_within_its_tenant(store: &impl Store) {
    use qeetid_domain::federation::{IdentityProvider, ProviderKind};
    let tenant = stored_tenant(store).await;
    let other = stored_tenant(store).await;
    let mut provider = IdentityProvider {
        id: qeetid_domain::ProviderId::generate(crate::contract::support::random()),
        tenant_id: tenant.id.clone(),
        kind: ProviderKind::Oidc,
        name: DisplayName::parse("name", "Okta").unwrap(),
        issuer: Some("https://acme.okta.example".into()),
        client_id: "first".into(),
        sealed_client_secret: "sealed-1".into(),
        link_verified_email: false,
        created_at: UnixTime::from_secs(1_800_000_000),
    };
    store.insert_provider(&provider).await.unwrap();
    provider.name = DisplayName::parse("name", "Acme staff").unwrap();
    provider.client_id = "second".into();
    provider.sealed_client_secret = "sealed-2".into();
    provider.link_verified_email = true;
    assert!(store.update_provider(&provider).await.unwrap());
    assert_eq!(store.get_provider(&tenant.id, &provider.id).await.unwrap(), Some(provider.clone()));
    // The issuer and kind never change, and another tenant cannot reach it.
    let mut moved = provider.clone();
    moved.issuer = Some("https://evil.example".into());
    assert!(store.update_provider(&moved).await.unwrap());
    assert_eq!(store.get_provider(&tenant.id, &provider.id).await.unwrap().unwrap().issuer, provider.issuer);
    let mut foreign = provider.clone();
    foreign.tenant_id = other.id.clone();
    foreign.client_id = "hijacked".into();
    assert!(!store.update_provider(&foreign).await.unwrap());
    assert_eq!(store.get_provider(&tenant.id, &provider.id).await.unwrap().unwrap().client_id, "second");
}
