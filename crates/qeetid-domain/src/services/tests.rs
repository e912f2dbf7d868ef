use std::sync::Arc;

use futures_executor::block_on;

use super::*;
use crate::api_key::KeyScope;
use crate::client::{ClientDraft, ClientPatch};
use crate::fakes::{FixedClock, InMemoryStore, PlainPasswordHasher, SeededRandom, UnsignedSigner};
use crate::page::PageRequest;
use crate::secret::Secret;

const PINNED: &str = "qak_0123456789abcdef0123456789abcdef";

struct World {
    services: Provider<InMemoryStore>,
    clock: Arc<FixedClock>,
    admin: Caller,
}

fn world() -> World {
    let clock = Arc::new(FixedClock::at(1_800_000_000));
    let upstream = Arc::new(crate::fakes::FakeUpstream::default());
    let ports = Ports {
        passwords: Arc::new(PlainPasswordHasher),
        signer: Arc::new(UnsignedSigner),
        sealer: Arc::new(crate::fakes::LabelSealer),
        passkeys: Arc::new(crate::fakes::FakePasskeys),
        upstream: upstream.clone(),
        upstream_tokens: upstream.clone(),
        documents: None,
        client_jose: None,
    };
    let settings = ProviderSettings::new("https://id.example");
    let cx = Context::new(clock.clone(), Arc::new(SeededRandom::new(42)), settings);
    let services = Provider::compose(InMemoryStore::default(), &cx, ports);
    let key = block_on(services.admin.bootstrap_admin_key(Some(PINNED))).unwrap().unwrap();
    let admin = block_on(services.admin.authenticate(key.expose())).unwrap();
    World { services, clock, admin }
}

fn seed_draft() -> ClientDraft {
    ClientDraft {
        name: "Acme Web".into(),
        client_type: "confidential".into(),
        redirect_uris: vec!["https://app.acme.com/api/auth/callback".into()],
        post_logout_uris: vec!["https://app.acme.com".into()],
        grant_types: Some(vec!["authorization_code".into(), "refresh_token".into()]),
        ..ClientDraft::default()
    }
}

#[test]
fn bootstrap_happens_once_and_rejects_a_malformed_pinned_key() {
    let w = world();
    assert_eq!(w.admin.scope, KeyScope::Deployment);
    assert!(block_on(w.services.admin.bootstrap_admin_key(None)).unwrap().is_none());
    assert!(matches!(block_on(w.services.admin.bootstrap_admin_key(Some("short"))), Err(AdminError::Invalid(_))));
    assert!(matches!(block_on(w.services.admin.authenticate("qak_unknown")), Err(AdminError::Unauthenticated)));
}

#[test]
fn a_tenant_key_sees_its_own_tenant_only() {
    let w = world();
    let s = &w.services;
    let a = block_on(s.admin.create_tenant(&w.admin, "A")).unwrap();
    let b = block_on(s.admin.create_tenant(&w.admin, "B")).unwrap();
    let key_a = block_on(s.admin.create_api_key(&w.admin, &a.id, "ci")).unwrap();
    let caller_a = block_on(s.admin.authenticate(key_a.key.expose())).unwrap();

    let in_b = block_on(s.admin.register_client(&w.admin, &b.id, seed_draft())).unwrap();
    assert!(matches!(block_on(s.admin.get_tenant(&caller_a, &b.id)), Err(AdminError::NotFound("tenant"))));
    assert!(matches!(
        block_on(s.admin.register_client(&caller_a, &b.id, seed_draft())),
        Err(AdminError::NotFound("tenant"))
    ));
    assert!(matches!(block_on(s.admin.delete_client(&caller_a, &in_b.client.id)), Err(AdminError::NotFound("client"))));
    assert!(matches!(block_on(s.admin.create_tenant(&caller_a, "C")), Err(AdminError::Forbidden(_))));
    let listed = block_on(s.admin.list_tenants(&caller_a, &PageRequest::parse(None, None).unwrap())).unwrap();
    assert_eq!(listed.items, vec![a]);
}

#[test]
fn registration_shows_the_secret_once_and_stores_its_hash() {
    let w = world();
    let t = block_on(w.services.admin.create_tenant(&w.admin, "Acme")).unwrap();
    let reg = block_on(w.services.admin.register_client(&w.admin, &t.id, seed_draft())).unwrap();
    let secret = reg.secret.expect("confidential clients get a secret");
    let stored = block_on(w.services.admin.get_client(&w.admin, &t.id, &reg.client.id)).unwrap();
    assert!(stored.secrets.unwrap().accept(&secret, w.clock.now()));

    let public = block_on(w.services.admin.register_client(
        &w.admin,
        &t.id,
        ClientDraft { client_type: "public".into(), grant_types: None, ..seed_draft() },
    ))
    .unwrap();
    assert!(public.secret.is_none());
    assert!(matches!(
        block_on(w.services.admin.rotate_client_secret(&w.admin, &t.id, &public.client.id, None)),
        Err(AdminError::Conflict(_))
    ));
}

#[test]
fn rotation_keeps_the_old_secret_for_the_grace_period_only() {
    let w = world();
    let t = block_on(w.services.admin.create_tenant(&w.admin, "Acme")).unwrap();
    let reg = block_on(w.services.admin.register_client(&w.admin, &t.id, seed_draft())).unwrap();
    let old: Secret = reg.secret.unwrap();
    let rotated = block_on(w.services.admin.rotate_client_secret(&w.admin, &t.id, &reg.client.id, Some(60))).unwrap();
    assert_eq!(rotated.previous_secret_expires_at, Some(w.clock.now().plus_secs(60)));
    let secrets = block_on(w.services.admin.get_client(&w.admin, &t.id, &reg.client.id)).unwrap().secrets.unwrap();
    assert!(secrets.accept(&rotated.secret, w.clock.now()));
    assert!(secrets.accept(&old, w.clock.now()));
    w.clock.advance(60);
    assert!(!secrets.accept(&old, w.clock.now()));

    let again = block_on(w.services.admin.rotate_client_secret(&w.admin, &t.id, &reg.client.id, None)).unwrap();
    let secrets = again.client.secrets.unwrap();
    assert!(!secrets.accept(&rotated.secret, w.clock.now()), "no grace asked: the old secret stops at once");
    assert!(matches!(
        block_on(w.services.admin.rotate_client_secret(&w.admin, &t.id, &reg.client.id, Some(8 * 24 * 3600))),
        Err(AdminError::Invalid(_))
    ));
}

#[test]
fn update_revalidates_and_delete_removes() {
    let w = world();
    let t = block_on(w.services.admin.create_tenant(&w.admin, "Acme")).unwrap();
    let reg = block_on(w.services.admin.register_client(&w.admin, &t.id, seed_draft())).unwrap();
    let patch = ClientPatch { redirect_uris: Some(vec!["http://evil.example/cb".into()]), ..ClientPatch::default() };
    assert!(matches!(
        block_on(w.services.admin.update_client(&w.admin, &t.id, &reg.client.id, patch)),
        Err(AdminError::Invalid(e)) if e.field == "redirect_uris[0]"
    ));
    block_on(w.services.admin.delete_client(&w.admin, &reg.client.id)).unwrap();
    assert!(matches!(
        block_on(w.services.admin.get_client(&w.admin, &t.id, &reg.client.id)),
        Err(AdminError::NotFound("client"))
    ));
}

#[test]
fn users_have_unique_emails_per_tenant_and_hashed_passwords() {
    let w = world();
    let t = block_on(w.services.admin.create_tenant(&w.admin, "Acme")).unwrap();
    let new = NewUser { email: "Ada@Example.com".into(), password: Some("correct horse".into()), ..NewUser::default() };
    let user = block_on(w.services.admin.create_user(&w.admin, &t.id, new.clone())).unwrap();
    assert_eq!(user.email.as_str(), "ada@example.com");
    assert_ne!(user.password_hash.unwrap().as_str(), "correct horse");
    assert!(matches!(block_on(w.services.admin.create_user(&w.admin, &t.id, new)), Err(AdminError::Conflict(_))));
}

#[test]
fn a_key_cannot_revoke_itself() {
    let w = world();
    let t = block_on(w.services.admin.create_tenant(&w.admin, "Acme")).unwrap();
    let created = block_on(w.services.admin.create_api_key(&w.admin, &t.id, "ci")).unwrap();
    let caller = block_on(w.services.admin.authenticate(created.key.expose())).unwrap();
    assert!(matches!(
        block_on(w.services.admin.delete_api_key(&caller, &t.id, &created.api_key.id)),
        Err(AdminError::Conflict(_))
    ));
    block_on(w.services.admin.delete_api_key(&w.admin, &t.id, &created.api_key.id)).unwrap();
    assert!(matches!(block_on(w.services.admin.authenticate(created.key.expose())), Err(AdminError::Unauthenticated)));
}

#[test]
fn tenants_get_unique_slugs_from_their_names_or_as_given() {
    let w = world();
    let s = &w.services;
    let first = block_on(s.admin.create_tenant(&w.admin, "Acme Corp")).unwrap();
    let second = block_on(s.admin.create_tenant(&w.admin, "ACME corp!")).unwrap();
    assert_eq!((first.slug.as_str(), second.slug.as_str()), ("acme-corp", "acme-corp-2"));
    let given = block_on(s.admin.create_tenant_with_slug(&w.admin, "Globex", Some("globex"))).unwrap();
    assert_eq!(given.slug.as_str(), "globex");
    let taken = block_on(s.admin.create_tenant_with_slug(&w.admin, "Other", Some("globex")));
    assert!(matches!(taken, Err(AdminError::Conflict(_))), "{taken:?}");
    let malformed = block_on(s.admin.create_tenant_with_slug(&w.admin, "Other", Some("Not A Slug")));
    assert!(matches!(malformed, Err(AdminError::Invalid(_))), "{malformed:?}");

    // Changed by a deployment key, to a free slug only; never by the tenant's own key.
    let patch = |slug: &str| TenantPatch { slug: Some(slug.into()), ..TenantPatch::default() };
    let renamed = block_on(s.admin.update_tenant(&w.admin, &first.id, patch("acme"))).unwrap();
    assert_eq!(renamed.slug.as_str(), "acme");
    assert!(matches!(
        block_on(s.admin.update_tenant(&w.admin, &second.id, patch("acme"))),
        Err(AdminError::Conflict(_))
    ));
    let key = block_on(s.admin.create_api_key(&w.admin, &first.id, "ci")).unwrap();
    let own = block_on(s.admin.authenticate(key.key.expose())).unwrap();
    assert!(matches!(
        block_on(s.admin.update_tenant(&own, &first.id, patch("acme-inc"))),
        Err(AdminError::Forbidden(_))
    ));
}
