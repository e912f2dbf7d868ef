//! The store contract suite (`qeetid_store::contract`), run on SQLite, on
//! PostgreSQL, and on the domain's in-memory fake (so unit tests built on the fake
//! can be trusted).

mod sqlite {
    qeetid_store::contract_suite!(async {
        let db = qeetid_store::testing::TestDatabase::sqlite();
        let store = db.store().await;
        (db, store)
    });
}

mod postgres {
    qeetid_store::contract_suite!(async {
        let db = qeetid_store::testing::TestDatabase::postgres().await;
        let store = db.store().await;
        (db, store)
    });
}

mod memory {
    qeetid_store::contract_suite!(async { ((), qeetid_domain::fakes::InMemoryStore::default()) });
}
