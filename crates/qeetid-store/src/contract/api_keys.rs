use qeetid_domain::ports::Store;
use qeetid_domain::{KeyScope, PageRequest, Secret, StoreError};

use crate::contract::support::{api_key, stored_tenant};

pub async fn found_by_hash_and_scoped_to_their_tenant(store: &impl Store) {
    let a = stored_tenant(store).await;
    let b = stored_tenant(store).await;
    let (key, secret) = api_key(KeyScope::Tenant(a.id.clone()));
    store.insert_api_key(&key).await.unwrap();

    assert_eq!(store.find_api_key_by_hash(&secret.hash()).await.unwrap(), Some(key.clone()));
    assert_eq!(store.find_api_key_by_hash(&Secret::presented("qak_other").hash()).await.unwrap(), None);

    let first = PageRequest::parse(None, None).unwrap();
    assert_eq!(store.list_api_keys(&a.id, &first).await.unwrap(), vec![key.clone()]);
    assert!(store.list_api_keys(&b.id, &first).await.unwrap().is_empty());

    assert!(!store.delete_api_key(&b.id, &key.id).await.unwrap(), "another tenant cannot delete it");
    assert!(store.delete_api_key(&a.id, &key.id).await.unwrap());
    assert_eq!(store.find_api_key_by_hash(&secret.hash()).await.unwrap(), None);
}

pub async fn deployment_keys_are_detected(store: &impl Store) {
    let tenant = stored_tenant(store).await;
    store.insert_api_key(&api_key(KeyScope::Tenant(tenant.id.clone())).0).await.unwrap();
    assert!(!store.has_deployment_key().await.unwrap());
    let (key, secret) = api_key(KeyScope::Deployment);
    store.insert_api_key(&key).await.unwrap();
    assert!(store.has_deployment_key().await.unwrap());
    assert_eq!(store.find_api_key_by_hash(&secret.hash()).await.unwrap().map(|k| k.scope), Some(KeyScope::Deployment));
}

pub async fn duplicate_hash_is_a_conflict(store: &impl Store) {
    let (key, _) = api_key(KeyScope::Deployment);
    store.insert_api_key(&key).await.unwrap();
    let (mut twin, _) = api_key(KeyScope::Deployment);
    twin.key_hash = key.key_hash;
    assert!(matches!(store.insert_api_key(&twin).await, Err(StoreError::Conflict(_))));
    assert!(matches!(store.insert_api_key(&key).await, Err(StoreError::Conflict(_))));
}
