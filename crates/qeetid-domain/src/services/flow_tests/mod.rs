use std::sync::Arc;

use futures_executor::block_on;

use super::*;
use crate::client::ClientDraft;
use crate::fakes::{FixedClock, InMemoryStore, LabelSealer, PlainPasswordHasher, RecordingSigner, SeededRandom};
use crate::oauth::{AuthorizeParams, CodeExchange, DevicePoll, OAuthError, RefreshRequest, TokenLifetimes};
use crate::pkce::CodeVerifier;
use crate::secret::Secret;
use crate::services::authorization::{AuthorizeOutcome, FlowError, LoginOutcome, SignedIn};

/// The sign-in a right password completed (no second factor asked).
fn signed_in(outcome: LoginOutcome) -> SignedIn {
    match outcome {
        LoginOutcome::SignedIn(s) => s,
        other => panic!("expected a completed sign-in, got {other:?}"),
    }
}
use crate::services::tokens::{AuthMethod, ClientAuthentication};

const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const REDIRECT: &str = "https://app.acme.com/cb";

struct Flow {
    s: Provider<InMemoryStore>,
    store: InMemoryStore,
    clock: Arc<FixedClock>,
    client: crate::client::Client,
    secret: Secret,
    browser: Secret,
    upstream: Arc<crate::fakes::FakeUpstream>,
}

fn flow() -> Flow {
    let clock = Arc::new(FixedClock::at(1_800_000_000));
    let upstream = Arc::new(crate::fakes::FakeUpstream::default());
    let ports = Ports {
        passwords: Arc::new(PlainPasswordHasher),
        signer: Arc::new(RecordingSigner::default()),
        sealer: Arc::new(LabelSealer),
        passkeys: Arc::new(crate::fakes::FakePasskeys),
        upstream: upstream.clone(),
        upstream_tokens: upstream.clone(),
        documents: None,
        client_jose: None,
    };
    let settings = ProviderSettings::new("https://id.example");
    let cx = Context::new(clock.clone(), Arc::new(SeededRandom::new(9)), settings);
    let store = InMemoryStore::default();
    let s = Provider::compose(store.clone(), &cx, ports);
    let admin = Caller::operator();
    let tenant = block_on(s.admin.create_tenant(&admin, "Acme")).unwrap();
    let new_user =
        NewUser { email: "ada@example.com".into(), password: Some("correct horse".into()), ..NewUser::default() };
    block_on(s.admin.create_user(&admin, &tenant.id, new_user)).unwrap();
    let draft = ClientDraft {
        name: "Acme Web".into(),
        client_type: "confidential".into(),
        redirect_uris: vec![REDIRECT.into()],
        grant_types: Some(vec!["authorization_code".into(), "refresh_token".into()]),
        ..ClientDraft::default()
    };
    let reg = block_on(s.admin.register_client(&admin, &tenant.id, draft)).unwrap();
    let browser = s.authorization.new_browser_binding();
    Flow { s, store, clock, client: reg.client, secret: reg.secret.unwrap(), browser, upstream }
}

fn params(client: &str) -> AuthorizeParams {
    AuthorizeParams {
        response_type: Some("code".into()),
        client_id: Some(client.into()),
        redirect_uri: Some(REDIRECT.into()),
        scope: Some("openid email".into()),
        state: Some("xyz".into()),
        nonce: Some("n-0S6".into()),
        code_challenge: Some(CodeVerifier::parse(VERIFIER).unwrap().challenge().as_str().into()),
        code_challenge_method: Some("S256".into()),
        ..AuthorizeParams::default()
    }
}

fn query(url: &str, name: &str) -> Option<String> {
    url::Url::parse(url).unwrap().query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

/// authorize → login → allow; returns (redirect with code, session cookie).
fn sign_in(f: &Flow, remember: bool) -> (String, Secret) {
    let AuthorizeOutcome::Login(id) =
        block_on(f.s.authorization.start_authorization(params(f.client.id.as_str()), &f.browser, None)).unwrap()
    else {
        panic!("expected the login page")
    };
    let csrf = f.browser.expose();
    let login = signed_in(
        block_on(f.s.authorization.password_login(
            id.as_str(),
            Some(&f.browser),
            csrf,
            "Ada@Example.com",
            "correct horse",
        ))
        .unwrap(),
    );
    let id = login.next.expect("consent comes next");
    // The browser binding (and CSRF token) was renewed at sign-in; the old one is worthless now.
    let stale = block_on(f.s.authorization.decide(
        id.as_str(),
        Some(&f.browser),
        Some(&login.session_cookie),
        csrf,
        true,
        remember,
    ));
    assert!(stale.is_err(), "the browser cookie from before the sign-in no longer continues the request");
    let browser = &login.browser_cookie;
    let landing = block_on(f.s.authorization.decide(
        id.as_str(),
        Some(browser),
        Some(&login.session_cookie),
        browser.expose(),
        true,
        remember,
    ))
    .unwrap();
    let Landing::Client(url) = landing else { panic!("expected a redirect to the client, got {landing:?}") };
    (url.to_string(), login.session_cookie)
}

fn exchange(code: &str, redirect: &str, verifier: &str) -> CodeExchange {
    let code_verifier = Some(CodeVerifier::parse(verifier).unwrap());
    CodeExchange { code: code.to_owned(), redirect_uri: redirect.to_owned(), code_verifier, resource: None }
}

fn refresh_request(token: &str, scope: Option<&str>) -> RefreshRequest {
    RefreshRequest {
        refresh_token: token.to_owned(),
        scope: scope.map(|s| crate::scope::ScopeSet::parse_delimited(s).unwrap()),
        resource: None,
    }
}

fn auth(f: &Flow) -> ClientAuthentication {
    ClientAuthentication {
        client_id: f.client.id.to_string(),
        secret: Some(f.secret.clone()),
        assertion: None,
        method: AuthMethod::Basic,
        source: None,
    }
}

/// Starts the authorization `p` and signs Ada in with her password.
fn ada_signs_in(f: &Flow, p: AuthorizeParams) -> SignedIn {
    let AuthorizeOutcome::Login(id) = block_on(f.s.authorization.start_authorization(p, &f.browser, None)).unwrap()
    else {
        panic!("expected the login page")
    };
    let csrf = f.browser.expose();
    signed_in(
        block_on(f.s.authorization.password_login(
            id.as_str(),
            Some(&f.browser),
            csrf,
            "ada@example.com",
            "correct horse",
        ))
        .unwrap(),
    )
}

/// Signs Ada in through the web client; answers the single sign-on session's cookie
/// and Ada acting on her own account in that session.
fn account_holder(f: &Flow) -> (Secret, AccountHolder) {
    use crate::ports::{SessionRepository as _, UserRepository as _};
    let login = ada_signs_in(f, params(f.client.id.as_str()));
    let session = block_on(f.store.find_session(&login.session_cookie.hash())).unwrap().unwrap();
    let user = block_on(f.store.get_user(&session.tenant_id, &session.user_id)).unwrap().unwrap();
    (login.session_cookie, AccountHolder { user, session_id: session.id, auth_time: session.auth_time })
}

fn from_base32(text: &str) -> Vec<u8> {
    crate::mfa::decode_base32(text).unwrap()
}

mod client_documents;
mod code_flow;
mod federation;
mod second_factors;
mod tokens;
