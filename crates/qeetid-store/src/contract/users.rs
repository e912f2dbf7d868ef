use qeetid_domain::ports::Store;
use qeetid_domain::{AdminRole, Email, PageRequest, StoreError, UnixTime};

use crate::contract::support::{stored_tenant, user};

pub async fn round_trip_and_lookup_by_email(store: &impl Store) {
    let tenant = stored_tenant(store).await;
    let mut u = user(&tenant.id, "ada@example.com");
    u.password_hash = None;
    u.name = None;
    u.admin_role = None;
    store.insert_user(&u).await.unwrap();
    assert_eq!(store.get_user(&tenant.id, &u.id).await.unwrap(), Some(u.clone()));
    let email = Email::parse("ADA@example.com").unwrap();
    assert_eq!(store.find_user_by_email(&tenant.id, &email).await.unwrap(), Some(u.clone()));
    let page = store.list_users(&tenant.id, &PageRequest::parse(None, None).unwrap()).await.unwrap();
    assert_eq!(page, vec![u]);
}

pub async fn emails_of_several_users_come_in_one_read_within_the_tenant(store: &impl Store) {
    let a = stored_tenant(store).await;
    let b = stored_tenant(store).await;
    let (ada, grace, other) =
        (user(&a.id, "ada@example.com"), user(&a.id, "grace@example.com"), user(&b.id, "eve@example.com"));
    for u in [&ada, &grace, &other] {
        store.insert_user(u).await.unwrap();
    }
    let unknown = qeetid_domain::UserId::parse("usr_AAAAAAAAAAAAAAAAAAAAAA").unwrap();
    let ids = [ada.id.clone(), grace.id.clone(), other.id.clone(), unknown];
    let mut found = store.user_emails(&a.id, &ids).await.unwrap();
    found.sort_by(|x, y| x.1.as_str().cmp(y.1.as_str()));
    assert_eq!(
        found,
        vec![(ada.id.clone(), ada.email.clone()), (grace.id.clone(), grace.email.clone())],
        "not another tenant's"
    );
    assert_eq!(store.user_emails(&a.id, &[]).await.unwrap(), vec![]);
}

pub async fn emails_are_unique_per_tenant(store: &impl Store) {
    let a = stored_tenant(store).await;
    let b = stored_tenant(store).await;
    store.insert_user(&user(&a.id, "ada@example.com")).await.unwrap();
    assert!(matches!(store.insert_user(&user(&a.id, "ada@example.com")).await, Err(StoreError::Conflict(_))));
    let in_b = user(&b.id, "ada@example.com");
    store.insert_user(&in_b).await.unwrap();
    assert_eq!(store.get_user(&a.id, &in_b.id).await.unwrap(), None, "no cross-tenant reads");
    assert!(!store.delete_user(&a.id, &in_b.id).await.unwrap(), "no cross-tenant deletes");
    assert!(store.delete_user(&b.id, &in_b.id).await.unwrap());
}

pub async fn update_replaces_every_field_and_respects_uniqueness(store: &impl Store) {
    let tenant = stored_tenant(store).await;
    let taken = user(&tenant.id, "taken@example.com");
    store.insert_user(&taken).await.unwrap();
    let mut u = user(&tenant.id, "ada@example.com");
    store.insert_user(&u).await.unwrap();

    u.email = Email::parse("countess@example.com").unwrap();
    u.email_verified = true;
    u.name = None;
    u.password_hash = None;
    u.admin_role = Some(AdminRole::Deployment);
    u.disabled_at = Some(UnixTime::from_secs(1_900_000_000));
    u.updated_at = UnixTime::from_secs(1_900_000_000);
    assert!(store.update_user(&u).await.unwrap());
    assert_eq!(store.get_user(&tenant.id, &u.id).await.unwrap(), Some(u.clone()));

    u.email = taken.email.clone();
    assert!(matches!(store.update_user(&u).await, Err(StoreError::Conflict(_))));
}

pub async fn concurrent_writers_all_succeed(store: &impl Store) {
    // SQLite serialises writers: with busy_timeout none of these may fail with "database is locked".
    let tenant = stored_tenant(store).await;
    let writes = (0..64).map(|i| {
        let u = user(&tenant.id, &format!("user{i}@example.com"));
        async move { store.insert_user(&u).await }
    });
    for result in futures_util::future::join_all(writes).await {
        result.unwrap();
    }
    let all = store.list_users(&tenant.id, &PageRequest::parse(Some(200), None).unwrap()).await.unwrap();
    assert_eq!(all.len(), 64);
}
