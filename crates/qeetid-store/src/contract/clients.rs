use qeetid_domain::ports::Store;
use qeetid_domain::{ClientPatch, ClientSecrets, PageRequest, Secret, UnixTime};

use crate::contract::support::{confidential_client, stored_tenant};

pub async fn round_trip_keeps_every_field(store: &impl Store) {
    let tenant = stored_tenant(store).await;
    let client = confidential_client(&tenant.id, 1_800_000_000);
    store.insert_client(&client).await.unwrap();
    assert_eq!(store.get_client(&tenant.id, &client.id).await.unwrap(), Some(client.clone()));
    assert_eq!(store.find_client(&client.id).await.unwrap(), Some(client));
}

pub async fn queries_never_cross_tenants(store: &impl Store) {
    let a = stored_tenant(store).await;
    let b = stored_tenant(store).await;
    let client = confidential_client(&a.id, 1_800_000_000);
    store.insert_client(&client).await.unwrap();
    assert_eq!(store.get_client(&b.id, &client.id).await.unwrap(), None);
    assert!(store.list_clients(&b.id, &PageRequest::parse(None, None).unwrap()).await.unwrap().is_empty());
    assert!(!store.delete_client(&b.id, &client.id).await.unwrap());
    let mut moved = client.clone();
    moved.tenant_id = b.id.clone();
    assert!(!store.update_client(&moved).await.unwrap(), "an update names the tenant too");
    assert_eq!(store.get_client(&a.id, &client.id).await.unwrap(), Some(client));
}

pub async fn update_and_delete(store: &impl Store) {
    let tenant = stored_tenant(store).await;
    let mut client = confidential_client(&tenant.id, 1_800_000_000);
    store.insert_client(&client).await.unwrap();

    client.settings = client
        .settings
        .patched(ClientPatch {
            name: Some("Renamed".into()),
            redirect_uris: Some(vec!["https://new.acme.com/cb".into()]),
            ..ClientPatch::default()
        })
        .unwrap();
    client.secrets = Some(ClientSecrets { current: Secret::presented("qcs_new").hash(), previous: None });
    client.updated_at = UnixTime::from_secs(1_900_000_000);
    assert!(store.update_client(&client).await.unwrap());
    assert_eq!(store.get_client(&tenant.id, &client.id).await.unwrap(), Some(client.clone()));

    assert!(store.delete_client(&tenant.id, &client.id).await.unwrap());
    assert_eq!(store.find_client(&client.id).await.unwrap(), None);
    assert!(!store.update_client(&client).await.unwrap());
}

pub async fn pagination_over_many_clients(store: &impl Store) {
    let tenant = stored_tenant(store).await;
    for i in 0..7 {
        store.insert_client(&confidential_client(&tenant.id, 1_800_000_000 + i / 2)).await.unwrap();
    }
    let first = PageRequest::parse(Some(3), None).unwrap();
    let rows = store.list_clients(&tenant.id, &first).await.unwrap();
    assert_eq!(rows.len(), 4, "limit + 1 rows tell that a next page exists");
    let page = qeetid_domain::Page::from_fetched(rows, &first, |c| qeetid_domain::Cursor {
        created_at: c.created_at,
        id: c.id.to_string(),
    });
    let second = PageRequest::parse(Some(10), page.next_cursor.as_deref()).unwrap();
    let rest = store.list_clients(&tenant.id, &second).await.unwrap();
    assert_eq!(page.items.len() + rest.len(), 7);
    assert!(rest.iter().all(|c| !page.items.iter().any(|p| p.id == c.id)));
    assert!(page.items.last().unwrap().created_at >= rest.first().unwrap().created_at);
}

pub async fn search_matches_names_ignoring_case_and_wildcards(store: &impl Store) {
    let tenant = stored_tenant(store).await;
    let other = stored_tenant(store).await;
    let named = |tenant: &qeetid_domain::TenantId, name: &str, created: i64| {
        let mut c = confidential_client(tenant, created);
        c.settings = c.settings.patched(ClientPatch { name: Some(name.into()), ..ClientPatch::default() }).unwrap();
        c
    };
    for (i, name) in ["Acme Web", "ACME mobile", "Orders 100%", "Orders_api", "Billing"].iter().enumerate() {
        store.insert_client(&named(&tenant.id, name, 1_800_000_000 + i as i64)).await.unwrap();
    }
    store.insert_client(&named(&other.id, "Acme elsewhere", 1_800_000_000)).await.unwrap();
    let page = PageRequest::parse(None, None).unwrap();
    let names =
        |rows: Vec<qeetid_domain::Client>| rows.iter().map(|c| c.settings.name().to_owned()).collect::<Vec<_>>();
    assert_eq!(names(store.search_clients(&tenant.id, "acme", &page).await.unwrap()), ["ACME mobile", "Acme Web"]);
    assert_eq!(names(store.search_clients(&tenant.id, "0%", &page).await.unwrap()), ["Orders 100%"]);
    assert_eq!(names(store.search_clients(&tenant.id, "s_", &page).await.unwrap()), ["Orders_api"]);
    assert!(store.search_clients(&tenant.id, "nothing", &page).await.unwrap().is_empty());
}

pub async fn client_names_are_read_in_one_query_within_the_tenant(store: &impl Store) {
    let tenant = stored_tenant(store).await;
    let stranger = stored_tenant(store).await;
    let mine = confidential_client(&tenant.id, 1_800_000_000);
    let theirs = confidential_client(&stranger.id, 1_800_000_000);
    store.insert_client(&mine).await.unwrap();
    store.insert_client(&theirs).await.unwrap();
    let names = store.client_names(&tenant.id, &[mine.id.clone(), theirs.id.clone()]).await.unwrap();
    assert_eq!(names, vec![(mine.id.clone(), mine.settings.name().to_owned())]);
    assert!(store.client_names(&tenant.id, &[]).await.unwrap().is_empty());
}

pub async fn a_client_is_read_with_its_tenants_policy(store: &impl Store) {
    use qeetid_domain::client_policy::TenantPolicy;
    let mut tenant = stored_tenant(store).await;
    let client = confidential_client(&tenant.id, 1_800_000_000);
    store.insert_client(&client).await.unwrap();
    tenant.policy = TenantPolicy { require_par: true, fapi2: true };
    assert!(store.update_tenant(&tenant).await.unwrap());
    assert_eq!(store.get_tenant(&tenant.id).await.unwrap().unwrap().policy, tenant.policy);
    let found = store.find_client(&client.id).await.unwrap().unwrap();
    assert_eq!(found.tenant_policy, tenant.policy);
    assert!(found.fapi2() && found.requires_par(false) && found.requires_dpop());
    let listed = store.list_clients(&tenant.id, &PageRequest::parse(None, None).unwrap()).await.unwrap();
    assert_eq!(listed[0].tenant_policy, tenant.policy);
    assert_eq!(store.get_client(&tenant.id, &client.id).await.unwrap().unwrap().tenant_policy, tenant.policy);
    // Writing the client back never writes its tenant's policy into it.
    assert!(store.update_client(&found).await.unwrap());
    tenant.policy = TenantPolicy::default();
    assert!(store.update_tenant(&tenant).await.unwrap());
    assert!(!store.find_client(&client.id).await.unwrap().unwrap().fapi2());
}
