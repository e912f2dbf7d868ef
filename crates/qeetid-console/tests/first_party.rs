//! The first-party apps over the domain's in-memory fakes: no consent for their
//! own sign-in, tokens that only they take, and the freeze of their clients.

#![allow(clippy::unwrap_used, missing_docs, reason = "tests")]

use std::sync::Arc;

use futures_executor::block_on;
use qeetid_console::{FirstParty, FirstPartyApp, FirstPartyClients, FirstPartyError};
use qeetid_domain::api_key::Caller;
use qeetid_domain::client::{Client, ClientDraft, ClientPatch};
use qeetid_domain::fakes::{
    FakePasskeys, FakeUpstream, FixedClock, InMemoryStore, LabelSealer, PlainPasswordHasher, RecordingSigner,
    SeededRandom,
};
use qeetid_domain::oauth::AuthorizeParams;
use qeetid_domain::ports::ClientRepository as _;
use qeetid_domain::secret::Secret;
use qeetid_domain::services::{
    AuthorizeOutcome, Landing, LoginOutcome, NewUser, Ports, Provider, ProviderSettings, SignedIn, UserPatch,
};
use qeetid_domain::{AdminError, Context};

const ISSUER: &str = "https://id.example";

struct World {
    provider: Provider<InMemoryStore>,
    apps: FirstParty<InMemoryStore>,
    store: InMemoryStore,
    web: Client,
    browser: Secret,
}

fn world() -> World {
    let cx = Context::new(
        Arc::new(FixedClock::at(1_800_000_000)),
        Arc::new(SeededRandom::new(9)),
        ProviderSettings::new(ISSUER),
    )
    .with_built_in_clients(Arc::new(FirstPartyClients::new(ISSUER)));
    let upstream = Arc::new(FakeUpstream::default());
    let signer = Arc::new(RecordingSigner::default());
    let ports = Ports {
        passwords: Arc::new(PlainPasswordHasher),
        signer: signer.clone(),
        sealer: Arc::new(LabelSealer),
        passkeys: Arc::new(FakePasskeys),
        upstream: upstream.clone(),
        upstream_tokens: upstream,
        documents: None,
        client_jose: None,
    };
    let store = InMemoryStore::default();
    let provider = Provider::compose(store.clone(), &cx, ports);
    let apps = FirstParty::new(store.clone(), cx, signer, provider.tokens.clone());
    let admin = Caller::operator();
    let tenant = block_on(provider.admin.create_tenant(&admin, "Acme")).unwrap();
    let ada = NewUser { email: "ada@example.com".into(), password: Some("correct horse".into()), ..NewUser::default() };
    block_on(provider.admin.create_user(&admin, &tenant.id, ada)).unwrap();
    let draft = ClientDraft {
        name: "Acme Web".into(),
        client_type: "public".into(),
        redirect_uris: vec!["https://app.acme.com/cb".into()],
        ..ClientDraft::default()
    };
    let web = block_on(provider.admin.register_client(&admin, &tenant.id, draft)).unwrap().client;
    let browser = provider.authorization.new_browser_binding();
    World { provider, apps, store, web, browser }
}

/// Starts the authorization `p` and signs Ada in with her password.
fn ada_signs_in(w: &World, p: AuthorizeParams) -> SignedIn {
    let auth = &w.provider.authorization;
    let AuthorizeOutcome::Login(id) = block_on(auth.start_authorization(p, &w.browser, None)).unwrap() else {
        panic!("expected the login page")
    };
    let outcome = block_on(auth.password_login(
        id.as_str(),
        Some(&w.browser),
        w.browser.expose(),
        "ada@example.com",
        "correct horse",
    ))
    .unwrap();
    let LoginOutcome::SignedIn(signed_in) = outcome else { panic!("expected a completed sign-in, got {outcome:?}") };
    signed_in
}

fn params(client: &str, redirect_uri: &str, challenge: &str) -> AuthorizeParams {
    AuthorizeParams {
        response_type: Some("code".into()),
        client_id: Some(client.into()),
        redirect_uri: Some(redirect_uri.into()),
        scope: Some("openid email".into()),
        state: Some("xyz".into()),
        code_challenge: Some(challenge.into()),
        code_challenge_method: Some("S256".into()),
        ..AuthorizeParams::default()
    }
}

/// Signs Ada in to a first-party app; answers the single sign-on cookie and the
/// app's session token.
fn first_party_sign_in(w: &World, app: FirstPartyApp) -> (Secret, String) {
    let tenant = w.web.tenant_id.clone();
    let redirect = app.redirect_uri(ISSUER);
    let client = block_on(w.apps.first_party_client(app, &tenant)).unwrap();
    let flow = w.apps.sign_in_flow().unwrap();
    let login = ada_signs_in(w, params(client.id.as_str(), &redirect, &flow.challenge));
    let Err(Landing::Client(landing)) = login.next else { panic!("no consent page for the deployment's own app") };
    let code = landing.split_once("code=").unwrap().1.split('&').next().unwrap().to_owned();
    let (_, token) = block_on(w.apps.first_party_sign_in(app, &client, &code, &redirect, &flow.verifier)).unwrap();
    (login.session_cookie, token)
}

#[test]
fn first_party_apps_ask_no_consent_and_take_only_their_own_tokens() {
    let w = world();
    let (sso, token) = first_party_sign_in(&w, FirstPartyApp::Account);
    let (me, _) = block_on(w.apps.app_session(FirstPartyApp::Account, &token, Some(&sso))).unwrap();
    assert_eq!(me.user.email.as_str(), "ada@example.com");
    // An account token is no dashboard token, and needs its single sign-on session.
    assert!(matches!(
        block_on(w.apps.app_session(FirstPartyApp::Dashboard, &token, Some(&sso))),
        Err(FirstPartyError::NotSignedIn)
    ));
    assert!(matches!(block_on(w.apps.console_admin(&token, Some(&sso))), Err(FirstPartyError::NotSignedIn)));
    assert!(block_on(w.apps.app_session(FirstPartyApp::Account, &token, None)).is_err());
    assert_eq!(w.apps.app_token_tenant(FirstPartyApp::Account, &token), Some(w.web.tenant_id.clone()));
    // The deployment's own app is not listed among the user's applications.
    assert!(block_on(w.provider.self_service.account_overview(&me)).unwrap().apps.is_empty());
}

#[test]
fn implicit_consent_covers_only_a_first_party_apps_built_in_sign_in() {
    let w = world();
    let tenant = w.web.tenant_id.clone();
    let mut client = block_on(w.apps.first_party_client(FirstPartyApp::Dashboard, &tenant)).unwrap();
    // A redirect URI added to the app's client behind the admin API's back (say,
    // before such edits were refused): sign-ins there ask for consent.
    let evil = "https://evil.example/steal";
    let patch = ClientPatch {
        redirect_uris: Some(vec![evil.into(), FirstPartyApp::Dashboard.redirect_uri(ISSUER)]),
        ..ClientPatch::default()
    };
    client.settings = client.settings.patched(patch).unwrap();
    assert!(block_on(w.store.update_client(&client)).unwrap());
    let flow = w.apps.sign_in_flow().unwrap();
    let login = ada_signs_in(&w, params(client.id.as_str(), evil, &flow.challenge));
    assert!(login.next.is_ok(), "the consent page, not a silent code for {evil}");
    // The admin API refuses to make such a change at all.
    let patch = ClientPatch { redirect_uris: Some(vec![evil.into()]), ..ClientPatch::default() };
    let refused = block_on(w.provider.admin.update_client(&Caller::operator(), &tenant, &client.id, patch));
    assert!(matches!(refused, Err(AdminError::Forbidden(_))), "{refused:?}");
}

#[test]
fn a_disabled_user_loses_the_apps_session_at_once() {
    let w = world();
    let (sso, token) = first_party_sign_in(&w, FirstPartyApp::Account);
    let (me, _) = block_on(w.apps.app_session(FirstPartyApp::Account, &token, Some(&sso))).unwrap();
    let patch = UserPatch { disabled: Some(true), ..UserPatch::default() };
    block_on(w.provider.admin.update_user(&Caller::operator(), &me.user.tenant_id, &me.user.id, patch)).unwrap();
    assert!(block_on(w.apps.app_session(FirstPartyApp::Account, &token, Some(&sso))).is_err(), "its session ended");
}
