use qeetid_domain::audit::{AuditEvent, EventFilter, EventKind};
use qeetid_domain::id::EventId;
use qeetid_domain::ports::Store;
use qeetid_domain::{PageRequest, TenantId, UnixTime, UserId};

use crate::contract::support::{random, stored_tenant};

fn event(tenant: &TenantId, at: i64, kind: EventKind, user: Option<&UserId>) -> AuditEvent {
    AuditEvent {
        id: EventId::generate(random()),
        tenant_id: tenant.clone(),
        at: UnixTime::from_secs(at),
        kind,
        actor: "system".to_owned(),
        user_id: user.cloned(),
        client_id: Some("qci_client".to_owned()),
        address: Some("192.0.2.1".to_owned()),
        details: vec![
            ("reason".to_owned(), "invalid_credentials".to_owned()),
            ("after.name".to_owned(), "Ä b".to_owned()),
        ],
    }
}

pub async fn events_are_kept_per_tenant_filtered_paged_and_purged(store: &impl Store) {
    let a = stored_tenant(store).await;
    let b = stored_tenant(store).await;
    let user = UserId::generate(random());
    let first = event(&a.id, 100, EventKind::SignInFailed, Some(&user));
    let second = event(&a.id, 200, EventKind::SignInSucceeded, Some(&user));
    let third = event(&a.id, 300, EventKind::AdminChange, None);
    let elsewhere = event(&b.id, 250, EventKind::SignInFailed, Some(&user));
    for e in [&first, &second, &third, &elsewhere] {
        store.insert_event(e).await.unwrap();
    }
    let all = PageRequest::parse(None, None).unwrap();
    let none = EventFilter::default();
    assert_eq!(
        store.list_events(&a.id, &none, &all).await.unwrap(),
        vec![third.clone(), second.clone(), first.clone()]
    );

    let by_kind = EventFilter { kind: Some(EventKind::SignInFailed), ..EventFilter::default() };
    assert_eq!(store.list_events(&a.id, &by_kind, &all).await.unwrap(), vec![first.clone()]);
    let by_user = EventFilter { user_id: Some(user.clone()), ..EventFilter::default() };
    assert_eq!(store.list_events(&a.id, &by_user, &all).await.unwrap(), vec![second.clone(), first.clone()]);
    let window = EventFilter {
        since: Some(UnixTime::from_secs(200)),
        until: Some(UnixTime::from_secs(300)),
        ..EventFilter::default()
    };
    assert_eq!(store.list_events(&a.id, &window, &all).await.unwrap(), vec![second.clone()]);
    let by_client = EventFilter { client_id: Some("qci_other".to_owned()), ..EventFilter::default() };
    assert!(store.list_events(&a.id, &by_client, &all).await.unwrap().is_empty());

    let page = PageRequest::parse(Some(1), None).unwrap();
    let rows = store.list_events(&a.id, &none, &page).await.unwrap();
    assert_eq!(rows.len(), 2, "one more than the limit, to know a page follows");
    let cursor = qeetid_domain::Cursor { created_at: rows[0].at, id: rows[0].id.to_string() };
    let next = PageRequest::parse(Some(1), Some(&cursor.encode())).unwrap();
    assert_eq!(store.list_events(&a.id, &none, &next).await.unwrap()[0], second);

    assert_eq!(store.purge_events(UnixTime::from_secs(260), 100).await.unwrap(), 3, "two of a, one of b");
    assert_eq!(store.list_events(&a.id, &none, &all).await.unwrap(), vec![third]);
    assert!(store.list_events(&b.id, &none, &all).await.unwrap().is_empty());
}
