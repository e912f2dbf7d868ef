//! The key-encryption keys: a lost or wrong key is named at start, `kek rotate`
//! re-seals everything while instances run, `kek prune` retires the old key, and a
//! lost bootstrap key is replaced from the host.

use qeetid_app::Settings;
use qeetid_crypto::{KeyEncryptionKey, SystemRandom};
use qeetid_store::testing::TestDatabase;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{Body, TestApp, post_form, spawn_app_with};

/// Settings whose keys live in a key file under a fresh data directory.
fn with_key_file(db: &TestDatabase, name: &str) -> Settings {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let dir = std::env::temp_dir().join(format!("qeetid-{name}-{}-{nanos}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut settings = crate::support::settings(db);
    settings.key_encryption_key = String::new();
    settings.data_dir = dir;
    settings
}

fn key_ids(path: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| KeyEncryptionKey::parse(l).unwrap().id().to_owned())
        .collect()
}

async fn client_credentials_token(app: &TestApp, id: &str, secret: &str) -> String {
    let form = [("grant_type", "client_credentials"), ("scope", "api:read")];
    let (status, body) = post_form(app, "/v1/oauth/token", Some((id, secret)), &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["access_token"].as_str().unwrap().to_owned()
}

async fn active(app: &TestApp, id: &str, secret: &str, token: &str) -> bool {
    let (status, body) = post_form(app, "/v1/oauth/introspect", Some((id, secret)), &[("token", token)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["active"] == json!(true)
}

async fn add_provider(app: &TestApp, tenant: &str, secret: &str) {
    let provider =
        json!({ "kind": "oidc", "issuer": "https://login.invalid", "client_id": "c", "client_secret": secret });
    let reply =
        app.admin(Method::POST, &format!("/v1/tenants/{tenant}/identity-providers"), Body::Json(provider)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
}

/// The key file missing while sealed data exists: refused, naming the file and the
/// id of the key the data is sealed under (so the right backup can be found).
pub(crate) async fn a_lost_key_is_named_by_its_id(db: &TestDatabase) {
    let settings = with_key_file(db, "kek-lost");
    let key_file = settings.data_dir.join("key-encryption-key");
    spawn_app_with(settings.clone()).await.tenant("Sealed").await;
    let id = key_ids(&key_file).remove(0);
    assert!(id.starts_with("kek_"), "{id}");
    std::fs::remove_file(&key_file).unwrap();
    let message = qeetid_app::Application::build(settings.clone()).await.err().expect("refused").to_string();
    assert!(message.contains("missing") && message.contains(&id), "{message}");
    assert!(!key_file.exists(), "no new key was made");
    let _ = std::fs::remove_dir_all(&settings.data_dir);
}

/// Another key in the file (say, another deployment's backup): refused, naming the
/// key the data needs and the key found, before anything is served.
pub(crate) async fn a_wrong_key_is_refused_naming_both_keys(db: &TestDatabase) {
    let settings = with_key_file(db, "kek-wrong");
    let key_file = settings.data_dir.join("key-encryption-key");
    spawn_app_with(settings.clone()).await.tenant("Sealed").await;
    let expected = key_ids(&key_file).remove(0);
    let (other, text) = KeyEncryptionKey::generate(&SystemRandom::new());
    std::fs::write(&key_file, format!("{text}\n")).unwrap();
    let message = qeetid_app::Application::build(settings.clone()).await.err().expect("refused").to_string();
    assert!(message.contains("wrong key-encryption key"), "{message}");
    assert!(message.contains(&expected) && message.contains(other.id()), "{message}");
    // The same through configuration.
    let mut configured = settings.clone();
    configured.key_encryption_key = text;
    let message = qeetid_app::Application::build(configured).await.err().expect("refused").to_string();
    assert!(message.contains(&expected) && message.contains("key_encryption_key"), "{message}");
    let _ = std::fs::remove_dir_all(&settings.data_dir);
}

/// `kek rotate` while two instances serve: every sealed value moves to the new key,
/// the old key stays in the file so what an instance seals meanwhile still opens,
/// tokens signed before keep verifying, `kek prune` re-seals the stragglers and
/// retires the old key, and a new instance starts on the new key alone.
pub(crate) async fn kek_rotate_reseals_everything_while_instances_serve(db: &TestDatabase) {
    let mut settings = with_key_file(db, "kek-rotate");
    // One deployment behind one name: tokens from one instance are valid at another.
    settings.issuer = "http://id.example.test".to_owned();
    let key_file = settings.data_dir.join("key-encryption-key");
    let first = spawn_app_with(settings.clone()).await;
    let second = spawn_app_with(settings.clone()).await;
    let realm = first.realm().await;
    add_provider(&first, &realm.tenant, "upstream secret one").await;
    let before = client_credentials_token(&first, &realm.client_id, &realm.client_secret).await;
    let old = key_ids(&key_file).remove(0);

    let random = SystemRandom::new();
    let store = qeetid_app::open_store(&settings).await.unwrap();
    let report = qeetid_app::kek::rotate(&settings, &random, &store).await.unwrap();
    let ids = key_ids(&key_file);
    assert_eq!(ids.len(), 2, "the new key first, the old one kept: {ids:?}");
    assert_eq!(ids[1], old);
    let new = ids[0].clone();
    assert!(report.contains(&new), "{report}");
    let census = qeetid_app::kek::census(&store).await.unwrap();
    assert_eq!(census.len(), 1, "everything is under one key: {census:?}");
    assert_eq!(census[0].0, new);
    assert!(census[0].1 >= 4, "signing keys, the provider secret and the derivation root: {census:?}");

    // Instances that started before go on: tokens from before verify, new tokens are
    // signed, and a secret sealed now (by an instance still sealing with the old key)
    // is stored.
    assert!(active(&second, &realm.client_id, &realm.client_secret, &before).await);
    let after = client_credentials_token(&second, &realm.client_id, &realm.client_secret).await;
    add_provider(&second, &realm.tenant, "upstream secret two").await;

    let pruned = qeetid_app::kek::prune(&settings, &random, &store).await.unwrap();
    assert!(pruned.contains(&old), "{pruned}");
    assert_eq!(key_ids(&key_file), vec![new.clone()]);
    let census = qeetid_app::kek::census(&store).await.unwrap();
    assert_eq!(census.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(), vec![new.as_str()], "{census:?}");

    // A new instance, with the new key only, opens everything.
    let third = spawn_app_with(settings.clone()).await;
    assert!(active(&third, &realm.client_id, &realm.client_secret, &before).await);
    assert!(active(&third, &realm.client_id, &realm.client_secret, &after).await);
    let status = qeetid_app::kek::status(&settings, &random, &store).await.unwrap();
    assert!(status.contains(&format!("{new} (seals)")) && !status.contains(&old), "{status}");
    let _ = std::fs::remove_dir_all(&settings.data_dir);
}

/// Keys given by configuration cannot be added to by `kek rotate`: it says how to
/// rotate them (OLD,NEW, then NEW,OLD, then re-seal), and re-seals once NEW is first.
pub(crate) async fn configured_keys_rotate_by_reseal_under_the_first(db: &TestDatabase) {
    let mut settings = crate::support::settings(db);
    settings.issuer = "http://id.example.test".to_owned();
    let app = spawn_app_with(settings.clone()).await;
    let realm = app.realm().await;
    let token = client_credentials_token(&app, &realm.client_id, &realm.client_secret).await;
    let random = SystemRandom::new();
    let store = qeetid_app::open_store(&settings).await.unwrap();
    let refused = qeetid_app::kek::rotate(&settings, &random, &store).await.expect_err("refused").to_string();
    assert!(refused.contains("qeetid kek generate") && refused.contains("NEW,OLD"), "{refused}");

    let (new, text) = KeyEncryptionKey::generate(&random);
    let mut rotated = settings.clone();
    rotated.key_encryption_key = format!("{text},{}", settings.key_encryption_key);
    let report = qeetid_app::kek::rotate(&rotated, &random, &store).await.unwrap();
    assert!(report.contains(new.id()), "{report}");
    let mut only_new = settings.clone();
    only_new.key_encryption_key = text;
    let restarted = spawn_app_with(only_new).await;
    assert!(active(&restarted, &realm.client_id, &realm.client_secret, &token).await);
}

/// A lost bootstrap key: the operator mints a deployment key on the host, shown
/// once, and it manages every tenant; a tenant key can be made by sign-in name.
pub(crate) async fn a_deployment_key_is_minted_on_the_host(db: &TestDatabase) {
    let settings = crate::support::settings(db);
    let app = spawn_app_with(settings.clone()).await;
    let tenant = app.tenant("Acme").await;
    let store = qeetid_app::open_store(&settings).await.unwrap();
    let (services, _) = qeetid_app::services(&settings, store, app.issuer.clone()).await.unwrap();

    let created = qeetid_app::admin::create_key(&services, None, "recovery").await.unwrap();
    let key = created.key.expose().to_owned();
    let listed = app.call(Method::GET, "/v1/tenants", Some(&key), Body::None).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    let made = app.call(Method::POST, "/v1/tenants", Some(&key), Body::Json(json!({ "name": "Beta" }))).await;
    assert_eq!(made.status, StatusCode::CREATED, "a deployment key creates tenants: {}", made.body);

    let read = app.admin(Method::GET, &format!("/v1/tenants/{tenant}"), Body::None).await;
    let slug = read.body["tenant"]["slug"].as_str().unwrap_or_else(|| panic!("{}", read.body)).to_owned();
    let tenant_key = qeetid_app::admin::create_key(&services, Some(&slug), "ci").await.unwrap();
    let tenant_key = tenant_key.key.expose().to_owned();
    let own = app.call(Method::GET, &format!("/v1/tenants/{tenant}/users"), Some(&tenant_key), Body::None).await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
    let refused = app.call(Method::POST, "/v1/tenants", Some(&tenant_key), Body::Json(json!({ "name": "X" }))).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    let unknown =
        qeetid_app::admin::create_key(&services, Some("no-such-tenant"), "x").await.err().unwrap().to_string();
    assert!(unknown.contains("no-such-tenant"), "{unknown}");
}
