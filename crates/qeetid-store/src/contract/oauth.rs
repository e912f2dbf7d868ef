//! Contracts of the Authorization Code flow's repositories.

use qeetid_domain::oauth::{
    AuthorizationCode, CodeUse, ConsentGrant, DeviceCode, DeviceStatus, GrantFilter, PendingRequest, Prompt,
    RefreshToken, Resources, ResponseMode, Session, SigningAlg, SigningKeyRecord, StoredRequest, ValidatedRequest,
};
use qeetid_domain::ports::{Reservation, Store, ThrottleRule, TokenOrigin};
use qeetid_domain::{
    CodeChallenge, CodeVerifier, GrantId, PageRequest, RedirectUri, RefreshTokenId, RequestId, ScopeSet, Secret,
    SessionId, StoreError, UnixTime,
};

use qeetid_domain::logout::{DeliveryOutcome, LogoutNoticesDraft};

use crate::contract::support::{confidential_client, random, stored_tenant, user};

const T0: i64 = 1_800_000_000;

struct World {
    tenant: qeetid_domain::Tenant,
    client: qeetid_domain::Client,
    user: qeetid_domain::User,
}

async fn world(store: &impl Store) -> World {
    let tenant = stored_tenant(store).await;
    let client = confidential_client(&tenant.id, T0);
    store.insert_client(&client).await.unwrap();
    let user = user(&tenant.id, "ada@example.com");
    store.insert_user(&user).await.unwrap();
    World { tenant, client, user }
}

fn challenge() -> CodeChallenge {
    CodeVerifier::parse("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").unwrap().challenge()
}

fn pending(w: &World) -> PendingRequest {
    PendingRequest {
        id: RequestId::generate(random()),
        request: ValidatedRequest::from_stored(StoredRequest {
            client_id: w.client.id.clone(),
            tenant_id: w.tenant.id.clone(),
            redirect_uri: RedirectUri::from_stored("https://app.acme.com/api/auth/callback".into()),
            scope: ScopeSet::parse_delimited("openid email").unwrap(),
            state: Some("st".into()),
            nonce: Some("no".into()),
            code_challenge: Some(challenge()),
            prompt: Prompt { none: false, login: true, consent: true },
            max_age: Some(300),
            login_hint: Some("ada@example.com".into()),
            resources: Resources::from_stored(Some("https://api.acme.example/ https://mcp.acme.example/mcp")),
            response_mode: ResponseMode::FormPost,
            ui_locales: Some("fr-CA en".into()),
        }),
        browser_hash: Secret::presented("qbr_x").hash(),
        user_id: None,
        session_id: None,
        auth_time: None,
        created_at: UnixTime::from_secs(T0),
        expires_at: UnixTime::from_secs(T0 + 600),
        device_code_hash: Some(Secret::presented("qdc_x").hash()),
        first_factor: Some("fed".into()),
        seen_from: qeetid_domain::seen_from::SeenFrom::new(
            Some("2001:db8::7".parse().unwrap()),
            Some("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) Version/18.1 Mobile Safari/604.1"),
        ),
    }
}

fn grant(w: &World, scopes: &str, remembered: bool, at: i64) -> ConsentGrant {
    ConsentGrant {
        id: GrantId::generate(random()),
        tenant_id: w.tenant.id.clone(),
        user_id: w.user.id.clone(),
        client_id: w.client.id.clone(),
        scopes: ScopeSet::parse_delimited(scopes).unwrap(),
        remembered,
        created_at: UnixTime::from_secs(at),
        updated_at: UnixTime::from_secs(at),
    }
}

fn code(w: &World, grant: &GrantId) -> (Secret, AuthorizationCode) {
    let secret = Secret::generate("qac_", random());
    let record = AuthorizationCode {
        code_hash: secret.hash(),
        tenant_id: w.tenant.id.clone(),
        client_id: w.client.id.clone(),
        user_id: w.user.id.clone(),
        session_id: SessionId::generate(random()),
        grant_id: grant.clone(),
        redirect_uri: RedirectUri::from_stored("https://app.acme.com/api/auth/callback".into()),
        scope: ScopeSet::parse_delimited("openid").unwrap(),
        nonce: None,
        code_challenge: Some(challenge()),
        auth_time: UnixTime::from_secs(T0),
        amr: vec!["pwd".into()],
        created_at: UnixTime::from_secs(T0),
        expires_at: UnixTime::from_secs(T0 + 60),
        issued_access_token: None,
        resources: Resources::from_stored(Some("https://api.acme.example/ https://mcp.acme.example/mcp")),
    };
    (secret, record)
}

fn refresh(w: &World, grant: &GrantId, origin: Option<&Secret>) -> RefreshToken {
    let id = RefreshTokenId::generate(random());
    RefreshToken {
        id: id.clone(),
        token_hash: Secret::generate("qrt_", random()).hash(),
        tenant_id: w.tenant.id.clone(),
        client_id: w.client.id.clone(),
        user_id: w.user.id.clone(),
        grant_id: grant.clone(),
        family_id: id,
        origin_code: origin.map(Secret::hash),
        scope: ScopeSet::parse_delimited("openid offline_access").unwrap(),
        auth_time: UnixTime::from_secs(T0),
        amr: vec!["pwd".into()],
        session_id: Some(SessionId::generate(random())),
        created_at: UnixTime::from_secs(T0),
        expires_at: UnixTime::from_secs(T0 + 3600),
        absolute_expires_at: UnixTime::from_secs(T0 + 7200),
        rotated_at: None,
        revoked_at: None,
        resources: Resources::from_stored(Some("https://api.acme.example/ https://mcp.acme.example/mcp")),
        dpop_jkt: None,
    }
}

pub async fn pending_requests_round_trip(store: &impl Store) {
    let w = world(store).await;
    let mut request = pending(&w);
    store.insert_request(&request).await.unwrap();
    assert_eq!(store.get_request(&request.id).await.unwrap(), Some(request.clone()));
    request.user_id = Some(w.user.id.clone());
    request.session_id = Some(SessionId::generate(random()));
    request.auth_time = Some(UnixTime::from_secs(T0 + 5));
    // The browser binding renewed at sign-in is stored too.
    request.browser_hash = Secret::generate("qbr_", random()).hash();
    assert!(store.update_request(&request).await.unwrap());
    assert_eq!(store.get_request(&request.id).await.unwrap(), Some(request.clone()));
    assert!(store.delete_request(&request.id).await.unwrap());
    assert!(!store.delete_request(&request.id).await.unwrap(), "a second delete loses");
    assert_eq!(store.get_request(&request.id).await.unwrap(), None);
}

pub async fn sessions_are_found_by_cookie_hash(store: &impl Store) {
    let w = world(store).await;
    let cookie = Secret::generate("qst_", random());
    let session = Session {
        id: SessionId::generate(random()),
        token_hash: cookie.hash(),
        tenant_id: w.tenant.id.clone(),
        user_id: w.user.id.clone(),
        auth_time: UnixTime::from_secs(T0),
        amr: vec!["pwd".into(), "otp".into()],
        created_at: UnixTime::from_secs(T0),
        expires_at: UnixTime::from_secs(T0 + 86400),
        user_agent: Some("Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0".into()),
        network: Some("203.0.113.0/24".into()),
    };
    store.insert_session(&session).await.unwrap();
    assert_eq!(store.find_session(&cookie.hash()).await.unwrap(), Some(session.clone()));
    assert_eq!(store.find_session(&Secret::presented("qst_other").hash()).await.unwrap(), None);
    assert!(store.delete_session(&session.id, UnixTime::from_secs(T0)).await.unwrap());
    assert_eq!(store.find_session(&cookie.hash()).await.unwrap(), None);
}

pub async fn a_users_sessions_are_listed_and_ended_within_the_user(store: &impl Store) {
    let w = world(store).await;
    let other = user(&w.tenant.id, "grace@example.com");
    store.insert_user(&other).await.unwrap();
    let session_of = |user: &qeetid_domain::User, created: i64, expires: i64| Session {
        id: SessionId::generate(random()),
        token_hash: Secret::generate("qst_", random()).hash(),
        tenant_id: w.tenant.id.clone(),
        user_id: user.id.clone(),
        auth_time: UnixTime::from_secs(created),
        amr: vec!["pwd".into()],
        created_at: UnixTime::from_secs(created),
        expires_at: UnixTime::from_secs(expires),
        user_agent: None,
        network: None,
    };
    let (old, new, expired) =
        (session_of(&w.user, T0, T0 + 900), session_of(&w.user, T0 + 10, T0 + 900), session_of(&w.user, T0, T0 + 5));
    let others = session_of(&other, T0, T0 + 900);
    for s in [&old, &new, &expired, &others] {
        store.insert_session(s).await.unwrap();
    }
    let now = UnixTime::from_secs(T0 + 60);
    let listed = store.list_user_sessions(&w.tenant.id, &w.user.id, now, 100).await.unwrap();
    assert_eq!(listed, vec![new.clone(), old.clone()], "live ones only, newest first");
    assert_eq!(store.list_user_sessions(&w.tenant.id, &w.user.id, now, 1).await.unwrap(), vec![new.clone()]);
    let stranger = stored_tenant(store).await;
    assert!(store.list_user_sessions(&stranger.id, &w.user.id, now, 100).await.unwrap().is_empty());

    assert!(!store.delete_user_session(&w.tenant.id, &w.user.id, &others.id, now).await.unwrap(), "not this user's");
    assert!(!store.delete_user_session(&stranger.id, &w.user.id, &old.id, now).await.unwrap(), "not this tenant's");
    assert!(store.delete_user_session(&w.tenant.id, &w.user.id, &old.id, now).await.unwrap());
    // Every other session of the user ends (the expired one too); the other user's stay.
    assert_eq!(store.delete_user_sessions(&w.tenant.id, &w.user.id, Some(&new.id), now).await.unwrap(), 1);
    assert_eq!(store.list_user_sessions(&w.tenant.id, &w.user.id, now, 100).await.unwrap(), vec![new.clone()]);
    assert_eq!(store.delete_user_sessions(&w.tenant.id, &w.user.id, None, now).await.unwrap(), 1);
    assert_eq!(store.list_user_sessions(&w.tenant.id, &other.id, now, 100).await.unwrap(), vec![others]);
}

pub async fn a_code_is_spent_exactly_once(store: &impl Store) {
    let w = world(store).await;
    let g = store.upsert_grant(&grant(&w, "openid", false, T0)).await.unwrap();
    let (secret, record) = code(&w, &g.id);
    store.insert_code(&record).await.unwrap();
    let now = UnixTime::from_secs(T0 + 1);
    let hash = secret.hash();
    let exp = UnixTime::from_secs(T0 + 3600);
    let (a, b) =
        futures_util::join!(store.use_code(&hash, now, "jti-a", exp), store.use_code(&hash, now, "jti-b", exp));
    let outcomes = [a.unwrap(), b.unwrap()];
    assert_eq!(outcomes.iter().filter(|o| matches!(o, CodeUse::First(_))).count(), 1, "{outcomes:?}");
    // The winner's access token is recorded with the spend, and the loser sees it.
    let winner = if matches!(outcomes[0], CodeUse::First(_)) { "jti-a" } else { "jti-b" };
    let mut spent = record;
    spent.issued_access_token = Some((winner.into(), exp));
    assert!(outcomes.contains(&CodeUse::First(spent.clone())), "{outcomes:?}");
    assert!(outcomes.contains(&CodeUse::Replayed(spent.clone())), "{outcomes:?}");
    assert_eq!(
        store.use_code(&hash, now, "jti-c", exp).await.unwrap(),
        CodeUse::Replayed(spent),
        "a later use changes nothing"
    );
    let unknown = Secret::presented("qac_unknown").hash();
    assert_eq!(store.use_code(&unknown, now, "jti-d", exp).await.unwrap(), CodeUse::Unknown);
}

pub async fn grants_are_one_per_user_and_client(store: &impl Store) {
    let w = world(store).await;
    let first = store.upsert_grant(&grant(&w, "openid", false, T0)).await.unwrap();
    let second = store.upsert_grant(&grant(&w, "openid email", true, T0 + 10)).await.unwrap();
    assert_eq!(second.id, first.id, "the existing grant keeps its id");
    assert_eq!(second.created_at, first.created_at);
    assert_eq!(second.scopes.to_delimited(), "openid email");
    assert!(second.remembered);
    assert_eq!(second.updated_at, UnixTime::from_secs(T0 + 10));
    assert_eq!(store.find_grant(&w.tenant.id, &w.user.id, &w.client.id).await.unwrap(), Some(second.clone()));
    assert_eq!(store.get_grant(&w.tenant.id, &second.id).await.unwrap(), Some(second.clone()));

    let page = PageRequest::parse(None, None).unwrap();
    let by_user = GrantFilter { user_id: Some(w.user.id.clone()), client_id: None };
    assert_eq!(store.list_grants(&w.tenant.id, &by_user, &page).await.unwrap(), vec![second.clone()]);
    let other_user = GrantFilter { user_id: Some(qeetid_domain::UserId::generate(random())), client_id: None };
    assert!(store.list_grants(&w.tenant.id, &other_user, &page).await.unwrap().is_empty());
    let other = stored_tenant(store).await;
    assert!(store.list_grants(&other.id, &GrantFilter::default(), &page).await.unwrap().is_empty());
    assert_eq!(store.get_grant(&other.id, &second.id).await.unwrap(), None);
    assert!(!store.delete_grant(&other.id, &second.id, UnixTime::from_secs(T0)).await.unwrap());
    assert!(store.delete_grant(&w.tenant.id, &second.id, UnixTime::from_secs(T0)).await.unwrap());
    assert_eq!(store.find_grant(&w.tenant.id, &w.user.id, &w.client.id).await.unwrap(), None);
}

pub async fn refresh_tokens_are_revoked_by_grant_and_by_code(store: &impl Store) {
    let w = world(store).await;
    let g = store.upsert_grant(&grant(&w, "openid", false, T0)).await.unwrap();
    let origin = Secret::generate("qac_", random());
    let from_code = refresh(&w, &g.id, Some(&origin));
    let other = refresh(&w, &g.id, None);
    store.insert_refresh_token(&from_code).await.unwrap();
    store.insert_refresh_token(&other).await.unwrap();
    assert_eq!(store.find_refresh_token(&from_code.token_hash).await.unwrap(), Some(from_code.clone()));
    // The refresh grant's one read: the token, and its user while its origin stands.
    let with_user = store.find_refresh_token_and_user(&from_code.token_hash).await.unwrap();
    assert_eq!(with_user, Some((from_code.clone(), Some(w.user.clone()))));
    let unknown = Secret::generate("qrt_", random()).hash();
    assert_eq!(store.find_refresh_token_and_user(&unknown).await.unwrap(), None);

    // A successor carries no code (one index entry a family): the code reaches it
    // through the family.
    let successor =
        RefreshToken { family_id: from_code.family_id.clone(), origin_code: None, ..refresh(&w, &g.id, None) };
    let rotated_at = UnixTime::from_secs(T0 + 1);
    assert!(store.replace_refresh_token(&from_code.id, &successor, rotated_at).await.unwrap());

    let now = UnixTime::from_secs(T0 + 5);
    assert_eq!(store.revoke_code_tokens(&origin.hash(), now).await.unwrap(), 2, "the code's token and its successor");
    let revoked = store.find_refresh_token(&from_code.token_hash).await.unwrap().unwrap();
    assert_eq!(revoked.revoked_at, Some(now));
    assert_eq!(store.find_refresh_token(&successor.token_hash).await.unwrap().unwrap().revoked_at, Some(now));
    assert_eq!(store.find_refresh_token(&other.token_hash).await.unwrap().unwrap().revoked_at, None, "another family");
    assert_eq!(store.revoke_code_tokens(&origin.hash(), now).await.unwrap(), 0, "already revoked");

    let stranger = stored_tenant(store).await;
    assert_eq!(store.revoke_grant_tokens(&stranger.id, &g.id, now).await.unwrap(), 0);
    assert_eq!(store.revoke_grant_tokens(&w.tenant.id, &g.id, now).await.unwrap(), 1);
    assert!(store.find_refresh_token(&other.token_hash).await.unwrap().unwrap().revoked_at.is_some());

    // The grant gone, the token is still found (reuse detection needs it), without a user.
    assert!(store.delete_grant(&w.tenant.id, &g.id, now).await.unwrap());
    let (token, user) = store.find_refresh_token_and_user(&other.token_hash).await.unwrap().unwrap();
    assert_eq!((token.id, user), (other.id.clone(), None));
}

pub async fn signing_keys_retire(store: &impl Store) {
    let key = |kid: &str, at: i64| SigningKeyRecord {
        alg: SigningAlg::Es256,
        kid: kid.into(),
        public_jwk: format!("{{\"kid\":\"{kid}\"}}"),
        sealed_private_key: "sealed".into(),
        created_at: UnixTime::from_secs(at),
        retired_at: None,
    };
    store.insert_signing_key(&key("a", T0)).await.unwrap();
    store.insert_signing_key(&key("b", T0 + 10)).await.unwrap();
    let rsa = SigningKeyRecord { alg: SigningAlg::Rs256, ..key("r", T0) };
    store.insert_signing_key(&rsa).await.unwrap();
    assert_eq!(store.retire_signing_keys(SigningAlg::Es256, "b", UnixTime::from_secs(T0 + 10)).await.unwrap(), 1);
    let keys = store.list_signing_keys().await.unwrap();
    assert_eq!(keys.len(), 3);
    assert_eq!(keys.iter().find(|k| k.kid == "a").unwrap().retired_at, Some(UnixTime::from_secs(T0 + 10)));
    assert_eq!(keys.iter().find(|k| k.kid == "b").unwrap().retired_at, None);
    let r = keys.iter().find(|k| k.kid == "r").unwrap();
    assert_eq!((r.alg, r.retired_at), (SigningAlg::Rs256, None), "another algorithm's key is not retired");
}

pub async fn throttles_reserve_attempts_atomically(store: &impl Store) {
    let rule = ThrottleRule { free: 3, window_seconds: 900, hold_seconds: 30, max_delay_seconds: 900 };
    let at = UnixTime::from_secs;
    let key = "login:tnt_x:ada@example.com";
    // The free attempts are granted at once, counted; the one that reaches `free`
    // holds the key while it runs.
    for n in 1..=3 {
        assert_eq!(store.reserve_attempt(key, &rule, at(T0)).await.unwrap(), Reservation::Granted { attempt: n });
    }
    assert_eq!(
        store.reserve_attempt(key, &rule, at(T0 + 1)).await.unwrap(),
        Reservation::Blocked { until: at(T0 + 30) }
    );
    // Its failure blocks the key for a while; then one more attempt may run.
    store.block_until(key, at(T0 + 4)).await.unwrap();
    assert_eq!(
        store.reserve_attempt(key, &rule, at(T0 + 3)).await.unwrap(),
        Reservation::Blocked { until: at(T0 + 4) }
    );
    assert_eq!(store.reserve_attempt(key, &rule, at(T0 + 4)).await.unwrap(), Reservation::Granted { attempt: 4 });
    // A success refunds it (shared keys) or clears the key (the account's own).
    store.refund_attempt(key, at(T0 + 5)).await.unwrap();
    assert_eq!(store.reserve_attempt(key, &rule, at(T0 + 5)).await.unwrap(), Reservation::Granted { attempt: 4 });
    store.clear_failures(key).await.unwrap();
    assert_eq!(store.reserve_attempt(key, &rule, at(T0 + 6)).await.unwrap(), Reservation::Granted { attempt: 1 });
    // Keys are separate; a quiet window starts the count again.
    let other = "login:tnt_y:ada@example.com";
    assert_eq!(store.reserve_attempt(other, &rule, at(T0)).await.unwrap(), Reservation::Granted { attempt: 1 });
    assert_eq!(store.reserve_attempt(key, &rule, at(T0 + 6 + 900)).await.unwrap(), Reservation::Granted { attempt: 1 });

    // Concurrent attempts: exactly `free` are granted, the rest wait.
    let raced = "login:tnt_z:ada@example.com";
    let attempts = (0..20).map(|_| store.reserve_attempt(raced, &rule, at(T0)));
    let answers = futures_util::future::join_all(attempts).await;
    let granted = answers.iter().filter(|a| matches!(a, Ok(Reservation::Granted { .. }))).count();
    assert_eq!(granted, 3, "{answers:?}");
}

pub async fn refresh_tokens_rotate_once_and_families_revoke_together(store: &impl Store) {
    let w = world(store).await;
    let g = store.upsert_grant(&grant(&w, "openid", false, T0)).await.unwrap();
    let first = refresh(&w, &g.id, None);
    let stranger = refresh(&w, &g.id, None);
    store.insert_refresh_token(&first).await.unwrap();
    store.insert_refresh_token(&stranger).await.unwrap();
    // Every optional column set, so that a successor stored column by column (one
    // statement on PostgreSQL) reads back whole.
    let code = Secret::generate("qac_", random());
    let successor = |first: &qeetid_domain::oauth::RefreshToken| {
        let mut next = refresh(&w, &g.id, Some(&code));
        next.family_id = first.family_id.clone();
        next.dpop_jkt = Some("0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I".into());
        next
    };
    let (a, b) = (successor(&first), successor(&first));
    let now = UnixTime::from_secs(T0 + 1);
    let (ra, rb) = futures_util::join!(
        store.replace_refresh_token(&first.id, &a, now),
        store.replace_refresh_token(&first.id, &b, now)
    );
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert!(ra ^ rb, "exactly one replacement wins");
    let (winner, loser) = if ra { (&a, &b) } else { (&b, &a) };
    assert_eq!(store.find_refresh_token(&first.token_hash).await.unwrap().unwrap().rotated_at, Some(now));
    assert_eq!(store.find_refresh_token(&winner.token_hash).await.unwrap(), Some(winner.clone()));
    assert_eq!(store.find_refresh_token(&loser.token_hash).await.unwrap(), None, "the loser stored nothing");

    assert_eq!(store.revoke_family(&first.family_id, now).await.unwrap(), 2);
    assert!(!store.replace_refresh_token(&winner.id, &successor(&first), now).await.unwrap(), "revoked: no successor");
    assert!(store.find_refresh_token(&stranger.token_hash).await.unwrap().unwrap().revoked_at.is_none());
}

pub async fn denied_access_tokens_are_remembered(store: &impl Store) {
    assert!(!store.is_access_token_denied("jti-1").await.unwrap());
    store.deny_access_token("jti-1", UnixTime::from_secs(T0 + 60)).await.unwrap();
    store.deny_access_token("jti-1", UnixTime::from_secs(T0 + 60)).await.unwrap();
    assert!(store.is_access_token_denied("jti-1").await.unwrap());
    assert!(!store.is_access_token_denied("jti-2").await.unwrap());

    // UserInfo's and introspection's one query: the user, while the grant, the
    // client and the user stand and the token is not denied.
    let w = world(store).await;
    let g = grant(&w, "openid", true, T0);
    store.upsert_grant(&g).await.unwrap();
    let origin = |jti| TokenOrigin { tenant: &w.tenant.id, user: &w.user.id, client: &w.client.id, grant: &g.id, jti };
    assert_eq!(store.live_token_user(&origin(Some("jti-2"))).await.unwrap(), Some(w.user.clone()));
    assert_eq!(store.live_token_user(&origin(None)).await.unwrap(), Some(w.user.clone()), "refresh tokens: no jti");
    assert_eq!(store.live_token_user(&origin(Some("jti-1"))).await.unwrap(), None, "denied");
    let other = stored_tenant(store).await;
    let elsewhere = TokenOrigin { tenant: &other.id, ..origin(Some("jti-2")) };
    assert_eq!(store.live_token_user(&elsewhere).await.unwrap(), None, "another tenant");
    let other_grant = GrantId::generate(random());
    let unknown = TokenOrigin { grant: &other_grant, ..origin(Some("jti-2")) };
    assert_eq!(store.live_token_user(&unknown).await.unwrap(), None, "another grant");

    // A client's own token: live while the client stands and its jti is not denied.
    assert!(store.is_client_token_live(&w.tenant.id, &w.client.id, "jti-2").await.unwrap());
    assert!(!store.is_client_token_live(&w.tenant.id, &w.client.id, "jti-1").await.unwrap());
    assert!(!store.is_client_token_live(&other.id, &w.client.id, "jti-2").await.unwrap());

    // Revoking the grant ends the user's tokens; deleting the client ends both kinds.
    assert!(store.delete_grant(&w.tenant.id, &g.id, UnixTime::from_secs(T0)).await.unwrap());
    assert_eq!(store.live_token_user(&origin(Some("jti-2"))).await.unwrap(), None, "grant revoked");
    store.upsert_grant(&g).await.unwrap();
    assert!(store.live_token_user(&origin(Some("jti-2"))).await.unwrap().is_some());
    assert!(store.delete_client(&w.tenant.id, &w.client.id).await.unwrap());
    assert_eq!(store.live_token_user(&origin(Some("jti-2"))).await.unwrap(), None, "client deleted");
    assert!(!store.is_client_token_live(&w.tenant.id, &w.client.id, "jti-2").await.unwrap());
}

fn device(w: &World, user_code: &str) -> (Secret, DeviceCode) {
    let secret = Secret::generate("qdc_", random());
    let record = DeviceCode {
        device_code_hash: secret.hash(),
        user_code_hash: Secret::presented(user_code).hash(),
        tenant_id: w.tenant.id.clone(),
        client_id: w.client.id.clone(),
        scope: ScopeSet::parse_delimited("openid").unwrap(),
        interval: 5,
        last_polled_at: None,
        status: DeviceStatus::Pending,
        user_id: None,
        session_id: None,
        auth_time: None,
        amr: Vec::new(),
        grant_id: None,
        created_at: UnixTime::from_secs(T0),
        expires_at: UnixTime::from_secs(T0 + 600),
    };
    (secret, record)
}

pub async fn device_codes_are_found_by_either_code_and_used_once(store: &impl Store) {
    let w = world(store).await;
    let user_code = format!("BCDF{}", &random_suffix()[..4]);
    let (secret, mut record) = device(&w, &user_code);
    store.insert_device_code(&record).await.unwrap();
    let (_, twin) = device(&w, &user_code);
    assert!(matches!(store.insert_device_code(&twin).await, Err(StoreError::Conflict(_))), "user codes are unique");
    assert_eq!(store.find_device_code(&secret.hash()).await.unwrap(), Some(record.clone()));
    assert_eq!(
        store.find_device_code_by_user_code(&Secret::presented(&user_code).hash()).await.unwrap(),
        Some(record.clone())
    );

    assert!(!store.use_device_code(&secret.hash()).await.unwrap(), "a pending code cannot be used");
    let g = store.upsert_grant(&grant(&w, "openid", false, T0)).await.unwrap();
    record.status = DeviceStatus::Approved;
    record.user_id = Some(w.user.id.clone());
    record.session_id = Some(SessionId::generate(random()));
    record.auth_time = Some(UnixTime::from_secs(T0 + 9));
    record.amr = vec!["pwd".into()];
    record.grant_id = Some(g.id.clone());
    record.interval = 10;
    record.last_polled_at = Some(UnixTime::from_secs(T0 + 8));
    assert!(store.update_device_code(&record).await.unwrap());
    assert_eq!(store.find_device_code(&secret.hash()).await.unwrap(), Some(record.clone()));
    let hash = secret.hash();
    let (a, b) = futures_util::join!(store.use_device_code(&hash), store.use_device_code(&hash));
    assert_eq!([a.unwrap(), b.unwrap()].iter().filter(|x| **x).count(), 1);
    assert_eq!(store.find_device_code(&secret.hash()).await.unwrap().unwrap().status, DeviceStatus::Used);
}

fn random_suffix() -> String {
    Secret::generate("", random()).expose().chars().filter(char::is_ascii_uppercase).chain("ZZZZ".chars()).collect()
}

pub async fn housekeeping_purges_only_what_expired(store: &impl Store) {
    let w = world(store).await;
    let live = pending(&w);
    let mut dead = pending(&w);
    dead.expires_at = UnixTime::from_secs(T0 + 10);
    store.insert_request(&live).await.unwrap();
    store.insert_request(&dead).await.unwrap();
    store.deny_access_token("old-jti", UnixTime::from_secs(T0 + 10)).await.unwrap();
    store.deny_access_token("live-jti", UnixTime::from_secs(T0 + 10_000)).await.unwrap();
    let now = UnixTime::from_secs(T0 + 100);
    let mut purged = 0;
    loop {
        let n = store.purge_expired(now, 1).await.unwrap();
        if n == 0 {
            break;
        }
        purged += n;
    }
    assert!(purged >= 2, "{purged}");
    assert_eq!(store.get_request(&dead.id).await.unwrap(), None);
    assert_eq!(store.get_request(&live.id).await.unwrap(), Some(live));
    assert!(!store.is_access_token_denied("old-jti").await.unwrap());
    assert!(store.is_access_token_denied("live-jti").await.unwrap());
}

/// A client of the world's tenant that listens for back-channel logouts, and a
/// session of the world's user in which it was issued a code.
async fn listening_session(store: &impl Store, w: &World) -> (qeetid_domain::Client, Session, GrantId) {
    let mut client = confidential_client(&w.tenant.id, T0);
    let draft = qeetid_domain::ClientPatch {
        logout: LogoutNoticesDraft {
            backchannel_logout_uri: Some("https://app.acme.com/backchannel".into()),
            backchannel_logout_session_required: Some(true),
            frontchannel_logout_uri: Some("https://app.acme.com/frontchannel".into()),
            ..Default::default()
        },
        ..Default::default()
    };
    client.settings = client.settings.patched(draft).unwrap();
    store.insert_client(&client).await.unwrap();
    let session = Session {
        id: SessionId::generate(random()),
        token_hash: Secret::generate("qst_", random()).hash(),
        tenant_id: w.tenant.id.clone(),
        user_id: w.user.id.clone(),
        auth_time: UnixTime::from_secs(T0),
        amr: vec!["pwd".into()],
        created_at: UnixTime::from_secs(T0),
        expires_at: UnixTime::from_secs(T0 + 900),
        user_agent: None,
        network: None,
    };
    store.insert_session(&session).await.unwrap();
    let mut g = grant(w, "openid", false, T0);
    g.client_id = client.id.clone();
    let g = store.upsert_grant(&g).await.unwrap();
    // Two codes each: a client is recorded in a session once.
    for listening in [&client, &client, &w.client, &w.client] {
        let (_, mut record) = code(w, &g.id);
        record.client_id = listening.id.clone();
        record.session_id = session.id.clone();
        store.insert_code(&record).await.unwrap();
    }
    (client, session, g.id)
}

pub async fn logouts_are_queued_with_the_session_and_claimed_once(store: &impl Store) {
    let w = world(store).await;
    let (client, session, _) = listening_session(store, &w).await;
    let clients = store.session_clients(&session.id).await.unwrap();
    assert_eq!(clients.len(), 2, "both clients issued codes in the session, each once");
    assert!(clients.iter().any(|c| c.settings.logout_notices().frontchannel.is_some()));

    let now = UnixTime::from_secs(T0 + 10);
    assert!(store.claim_logout_deliveries(now, now.plus_secs(60), 10).await.unwrap().is_empty());
    assert!(store.delete_session(&session.id, now).await.unwrap());
    assert!(store.session_clients(&session.id).await.unwrap().is_empty());
    // Only the client with a back-channel URI is queued.
    let claimed = store.claim_logout_deliveries(now, now.plus_secs(60), 10).await.unwrap();
    assert_eq!(claimed.len(), 1);
    let d = &claimed[0];
    assert_eq!(d.id, format!("{}:{}", session.id, client.id));
    assert_eq!((d.client_id.clone(), d.user_id.clone()), (client.id.clone(), w.user.id.clone()));
    assert_eq!((d.session_id.clone(), d.attempts, d.created_at), (Some(session.id.clone()), 1, now));
    // Claimed: nobody else gets it until the lease ends.
    assert!(store.claim_logout_deliveries(now, now.plus_secs(60), 10).await.unwrap().is_empty());
    let later = now.plus_secs(61);
    let again = store.claim_logout_deliveries(later, later.plus_secs(60), 10).await.unwrap();
    assert_eq!((again.len(), again[0].attempts), (1, 2), "a sender that stopped leaves it to another");

    let retry = DeliveryOutcome::Retry { at: later.plus_secs(5), error: "answered 500".into() };
    store.settle_logout_delivery(&d.id, &retry).await.unwrap();
    let listed = store.list_logout_deliveries(&w.tenant.id, &client.id, 10).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].next_attempt_at, listed[0].last_error.as_deref()),
        (later.plus_secs(5), Some("answered 500"))
    );
    let stranger = stored_tenant(store).await;
    assert!(store.list_logout_deliveries(&stranger.id, &client.id, 10).await.unwrap().is_empty(), "tenant-scoped");
    store.settle_logout_delivery(&d.id, &DeliveryOutcome::GaveUp { error: "refused".into() }).await.unwrap();
    let at_the_end = later.plus_secs(3600);
    assert!(
        store.claim_logout_deliveries(at_the_end, at_the_end, 10).await.unwrap().is_empty(),
        "failed rows stay put"
    );
    assert!(store.list_logout_deliveries(&w.tenant.id, &client.id, 10).await.unwrap()[0].failed);
    store.settle_logout_delivery(&d.id, &DeliveryOutcome::Delivered).await.unwrap();
    assert!(store.list_logout_deliveries(&w.tenant.id, &client.id, 10).await.unwrap().is_empty());

    // Every way a user's sessions end queues their logouts.
    let (client, other, _) = listening_session(store, &w).await;
    assert_eq!(store.delete_user_sessions(&w.tenant.id, &w.user.id, None, now).await.unwrap(), 1);
    let listed = store.list_logout_deliveries(&w.tenant.id, &client.id, 10).await.unwrap();
    assert_eq!(listed.iter().map(|d| d.session_id.clone()).collect::<Vec<_>>(), vec![Some(other.id.clone())]);
    let (client, third, _) = listening_session(store, &w).await;
    assert!(store.delete_user_session(&w.tenant.id, &w.user.id, &third.id, now).await.unwrap());
    assert_eq!(store.list_logout_deliveries(&w.tenant.id, &client.id, 10).await.unwrap().len(), 1);
}

pub async fn a_revoked_grant_queues_a_logout_for_the_user(store: &impl Store) {
    let w = world(store).await;
    let (client, session, grant_id) = listening_session(store, &w).await;
    let now = UnixTime::from_secs(T0 + 10);
    // With a live session: a logout for that session, and the client leaves it.
    assert!(store.delete_grant(&w.tenant.id, &grant_id, now).await.unwrap());
    let listed = store.list_logout_deliveries(&w.tenant.id, &client.id, 10).await.unwrap();
    assert_eq!(listed.iter().map(|d| d.session_id.clone()).collect::<Vec<_>>(), vec![Some(session.id.clone())]);
    assert_eq!(store.session_clients(&session.id).await.unwrap().len(), 1, "the other client stays");
    // Without one: a logout for the user, no session.
    let mut g = grant(&w, "openid", false, T0);
    g.client_id = client.id.clone();
    let g = store.upsert_grant(&g).await.unwrap();
    assert!(store.delete_grant(&w.tenant.id, &g.id, now).await.unwrap());
    let listed = store.list_logout_deliveries(&w.tenant.id, &client.id, 10).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().any(|d| d.id == g.id.to_string() && d.session_id.is_none()));
    // A client without a back-channel URI queues nothing.
    let g = store.upsert_grant(&grant(&w, "openid", false, T0)).await.unwrap();
    assert!(store.delete_grant(&w.tenant.id, &g.id, now).await.unwrap());
    assert!(store.list_logout_deliveries(&w.tenant.id, &w.client.id, 10).await.unwrap().is_empty());
}

pub async fn a_pushed_request_is_taken_once_before_it_expires(store: &impl Store) {
    use qeetid_domain::oauth::PushedRequest;
    let w = world(store).await;
    let pushed = |secret: &str, expires: i64| PushedRequest {
        id_hash: Secret::presented(secret).hash(),
        tenant_id: w.tenant.id.clone(),
        client_id: w.client.id.clone(),
        params: "response_type=code&state=s%20t".into(),
        expires_at: UnixTime::from_secs(expires),
    };
    let live = pushed("live", 2_000);
    store.insert_pushed_request(&live).await.unwrap();
    store.insert_pushed_request(&pushed("stale", 1_000)).await.unwrap();
    let now = UnixTime::from_secs(1_500);
    let (a, b) =
        tokio::join!(store.take_pushed_request(&live.id_hash, now), store.take_pushed_request(&live.id_hash, now));
    let taken: Vec<_> = [a.unwrap(), b.unwrap()].into_iter().flatten().collect();
    assert_eq!(taken, vec![live], "exactly one of two concurrent takes gets it");
    assert_eq!(store.take_pushed_request(&Secret::presented("stale").hash(), now).await.unwrap(), None);
    assert_eq!(store.take_pushed_request(&Secret::presented("unknown").hash(), now).await.unwrap(), None);
}

pub async fn a_jwt_id_is_spent_once(store: &impl Store) {
    let until = UnixTime::from_secs(2_000);
    let (a, b) =
        tokio::join!(store.spend_once("assertion:qci_x:j1", until), store.spend_once("assertion:qci_x:j1", until));
    assert_eq!([a.unwrap(), b.unwrap()].iter().filter(|first| **first).count(), 1, "one of two concurrent spends wins");
    assert!(!store.spend_once("assertion:qci_x:j1", until).await.unwrap(), "a replay");
    assert!(store.spend_once("assertion:qci_y:j1", until).await.unwrap(), "the same jti of another client");
    assert!(store.purge_expired(UnixTime::from_secs(2_001), 100).await.unwrap() > 0);
    assert!(store.spend_once("assertion:qci_x:j1", until).await.unwrap(), "forgotten once expired");
}

pub async fn token_exchanges_are_listed_per_user(store: &impl Store) {
    use qeetid_domain::oauth::TokenExchangeRecord;
    let w = world(store).await;
    let record = |id: &str, at: i64| TokenExchangeRecord {
        id: id.into(),
        tenant_id: w.tenant.id.clone(),
        user_id: w.user.id.clone(),
        client_id: w.client.id.clone(),
        subject_client_id: w.client.id.clone(),
        actor: Some(w.client.id.to_string()),
        audience: "https://api.acme.com".into(),
        scope: ScopeSet::parse_delimited("api:read").unwrap(),
        created_at: UnixTime::from_secs(at),
    };
    store.record_token_exchange(&record("x1", T0)).await.unwrap();
    store.record_token_exchange(&record("x2", T0 + 1)).await.unwrap();
    let page = PageRequest::parse(Some(1), None).unwrap();
    let listed = store.list_token_exchanges(&w.tenant.id, &w.user.id, &page).await.unwrap();
    assert_eq!(listed[0], record("x2", T0 + 1), "newest first");
    let other = stored_tenant(store).await;
    assert!(store.list_token_exchanges(&other.id, &w.user.id, &page).await.unwrap().is_empty());
}
