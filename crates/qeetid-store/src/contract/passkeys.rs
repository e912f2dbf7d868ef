//! Contracts of `PasskeyRepository`: passkeys per user, unique credential ids, and
//! ceremonies taken once.

use qeetid_domain::passkey::{CeremonyPurpose, StoredCeremony, StoredPasskey};
use qeetid_domain::ports::Store;
use qeetid_domain::{CeremonyId, PasskeyId, RequestId, StoreError, UnixTime};

use crate::contract::support::{random, stored_tenant, user};

fn passkey(u: &qeetid_domain::User, credential_id: &str, created: i64) -> StoredPasskey {
    StoredPasskey {
        id: PasskeyId::generate(random()),
        tenant_id: u.tenant_id.clone(),
        user_id: u.id.clone(),
        credential_id: credential_id.to_owned(),
        name: "Laptop".to_owned(),
        credential: format!("{{\"cred\":\"{credential_id}\"}}"),
        backup_eligible: true,
        backup_state: false,
        created_at: UnixTime::from_secs(created),
        last_used_at: None,
    }
}

pub async fn passkeys_are_per_user_and_credential_ids_unique(store: &impl Store) {
    let tenant = stored_tenant(store).await;
    let (ada, grace) = (user(&tenant.id, "ada@example.com"), user(&tenant.id, "grace@example.com"));
    store.insert_user(&ada).await.unwrap();
    store.insert_user(&grace).await.unwrap();
    let (first, second) = (passkey(&ada, "cred-a", 1_800_000_000), passkey(&ada, "cred-b", 1_800_000_100));
    store.insert_passkey(&second).await.unwrap();
    store.insert_passkey(&first).await.unwrap();
    let taken = passkey(&grace, "cred-a", 1_800_000_200);
    assert!(matches!(store.insert_passkey(&taken).await, Err(StoreError::Conflict(_))), "a credential once");
    assert_eq!(store.list_passkeys(&tenant.id, &ada.id).await.unwrap(), vec![first.clone(), second.clone()]);
    assert!(store.list_passkeys(&tenant.id, &grace.id).await.unwrap().is_empty());
    assert_eq!(store.find_passkey(&tenant.id, "cred-a").await.unwrap(), Some(first.clone()));
    let stranger = stored_tenant(store).await;
    assert_eq!(store.find_passkey(&stranger.id, "cred-a").await.unwrap(), None, "tenant-scoped");

    let mut used = first.clone();
    used.credential = "{\"cred\":\"cred-a\",\"counter\":3}".to_owned();
    used.backup_state = true;
    used.last_used_at = Some(UnixTime::from_secs(1_800_000_500));
    assert!(store.record_passkey_use(&used).await.unwrap());
    assert_eq!(store.find_passkey(&tenant.id, "cred-a").await.unwrap(), Some(used.clone()));

    assert!(!store.rename_passkey(&tenant.id, &grace.id, &first.id, "Mine").await.unwrap(), "not grace's");
    assert!(store.rename_passkey(&tenant.id, &ada.id, &first.id, "Phone").await.unwrap());
    assert_eq!(store.find_passkey(&tenant.id, "cred-a").await.unwrap().unwrap().name, "Phone");
    assert!(!store.delete_passkey(&tenant.id, &grace.id, &first.id).await.unwrap());
    assert!(store.delete_passkey(&tenant.id, &ada.id, &first.id).await.unwrap());
    assert_eq!(store.delete_passkeys(&tenant.id, &ada.id).await.unwrap(), 1);
    assert!(store.list_passkeys(&tenant.id, &ada.id).await.unwrap().is_empty());
}

pub async fn ceremonies_are_taken_once(store: &impl Store) {
    let tenant = stored_tenant(store).await;
    let ada = user(&tenant.id, "ada@example.com");
    store.insert_user(&ada).await.unwrap();
    for purpose in [CeremonyPurpose::Register(ada.id.clone()), CeremonyPurpose::SignIn(RequestId::generate(random()))] {
        let ceremony = StoredCeremony {
            id: CeremonyId::generate(random()),
            tenant_id: tenant.id.clone(),
            purpose,
            state: "{\"challenge\":\"x\"}".to_owned(),
            expires_at: UnixTime::from_secs(1_800_000_300),
        };
        store.insert_ceremony(&ceremony).await.unwrap();
        assert_eq!(store.take_ceremony(&ceremony.id).await.unwrap(), Some(ceremony.clone()));
        assert_eq!(store.take_ceremony(&ceremony.id).await.unwrap(), None, "taken once");
    }
}
