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
    (url, login.session_cookie)
}

fn exchange(code: &str, redirect: &str, verifier: &str) -> CodeExchange {
    let code_verifier = Some(CodeVerifier::parse(verifier).unwrap());
    CodeExchange { code: code.to_owned(), redirect_uri: redirect.to_owned(), code_verifier }
}

fn refresh_request(token: &str, scope: Option<&str>) -> RefreshRequest {
    RefreshRequest {
        refresh_token: token.to_owned(),
        scope: scope.map(|s| crate::scope::ScopeSet::parse_delimited(s).unwrap()),
    }
}

fn auth(f: &Flow) -> ClientAuthentication {
    ClientAuthentication {
        client_id: f.client.id.to_string(),
        secret: Some(f.secret.clone()),
        method: AuthMethod::Basic,
        source: None,
    }
}

#[test]
fn the_whole_flow_issues_tokens_once() {
    let f = flow();
    let (url, _) = sign_in(&f, false);
    assert!(url.starts_with(REDIRECT));
    assert_eq!(query(&url, "state").as_deref(), Some("xyz"));
    assert_eq!(query(&url, "iss").as_deref(), Some("https://id.example"));
    let code = query(&url, "code").unwrap();

    let client = block_on(f.s.tokens.authenticate_client(&auth(&f))).unwrap();
    let tokens = block_on(f.s.tokens.exchange_code(&client, &exchange(&code, REDIRECT, VERIFIER))).unwrap();
    assert!(tokens.id_token.unwrap().contains("\"n-0S6\""));
    assert!(tokens.refresh_token.is_some());
    assert_eq!(tokens.scope.to_delimited(), "openid email");

    let replay = block_on(f.s.tokens.exchange_code(&client, &exchange(&code, REDIRECT, VERIFIER)));
    assert!(matches!(replay, Err(OAuthError::InvalidGrant(_))));
}

#[test]
fn pkce_redirect_and_expiry_are_enforced() {
    let f = flow();
    let client = block_on(f.s.tokens.authenticate_client(&auth(&f))).unwrap();
    for (redirect, verifier) in [(REDIRECT, "a".repeat(43)), ("https://app.acme.com/other", VERIFIER.to_owned())] {
        let (url, _) = sign_in(&f, false);
        let code = query(&url, "code").unwrap();
        let result = block_on(f.s.tokens.exchange_code(&client, &exchange(&code, redirect, &verifier)));
        assert!(matches!(result, Err(OAuthError::InvalidGrant(_))), "{redirect} {verifier}");
    }
    let (url, _) = sign_in(&f, false);
    f.clock.advance(61);
    let code = query(&url, "code").unwrap();
    let expired = block_on(f.s.tokens.exchange_code(&client, &exchange(&code, REDIRECT, VERIFIER)));
    assert!(matches!(expired, Err(OAuthError::InvalidGrant(d)) if d.contains("expired")));
}

#[test]
fn remembered_consent_and_sso_skip_both_pages() {
    let f = flow();
    let (_, session) = sign_in(&f, true);
    let again =
        block_on(f.s.authorization.start_authorization(params(f.client.id.as_str()), &f.browser, Some(&session)))
            .unwrap();
    let AuthorizeOutcome::Redirect(url) = again else { panic!("expected a direct redirect, got {again:?}") };
    assert!(query(&url, "code").is_some());

    let mut forced = params(f.client.id.as_str());
    forced.prompt = Some("consent".into());
    let outcome = block_on(f.s.authorization.start_authorization(forced, &f.browser, Some(&session))).unwrap();
    assert!(matches!(outcome, AuthorizeOutcome::Consent(_)));
}

#[test]
fn bad_client_or_redirect_never_redirects_and_other_errors_do() {
    let f = flow();
    let mut p = params(f.client.id.as_str());
    p.redirect_uri = Some("https://evil.example/cb".into());
    assert!(matches!(
        block_on(f.s.authorization.start_authorization(p, &f.browser, None)).unwrap(),
        AuthorizeOutcome::ErrorPage(_)
    ));
    let p = params("qci_AAAAAAAAAAAAAAAAAAAAAA");
    assert!(matches!(
        block_on(f.s.authorization.start_authorization(p, &f.browser, None)).unwrap(),
        AuthorizeOutcome::ErrorPage(_)
    ));

    let mut p = params(f.client.id.as_str());
    p.code_challenge_method = Some("plain".into());
    let AuthorizeOutcome::Redirect(url) = block_on(f.s.authorization.start_authorization(p, &f.browser, None)).unwrap()
    else {
        panic!("expected an error redirect")
    };
    assert_eq!(query(&url, "error").as_deref(), Some("invalid_request"));
    assert_eq!(query(&url, "state").as_deref(), Some("xyz"));

    let mut p = params(f.client.id.as_str());
    p.prompt = Some("none".into());
    let AuthorizeOutcome::Redirect(url) = block_on(f.s.authorization.start_authorization(p, &f.browser, None)).unwrap()
    else {
        panic!("expected an error redirect")
    };
    assert_eq!(query(&url, "error").as_deref(), Some("login_required"));
}

#[test]
fn wrong_passwords_look_like_unknown_users_and_slow_down() {
    let f = flow();
    let AuthorizeOutcome::Login(id) =
        block_on(f.s.authorization.start_authorization(params(f.client.id.as_str()), &f.browser, None)).unwrap()
    else {
        panic!()
    };
    let csrf = f.browser.expose();
    let attempt = |email: &str, pw: &str| {
        block_on(f.s.authorization.password_login(id.as_str(), Some(&f.browser), csrf, email, pw))
    };
    assert!(matches!(attempt("nobody@example.com", "x"), Err(FlowError::InvalidCredentials)));
    let other_browser = f.s.authorization.new_browser_binding();
    let stolen = block_on(f.s.authorization.password_login(
        id.as_str(),
        Some(&other_browser),
        other_browser.expose(),
        "ada@example.com",
        "correct horse",
    ));
    assert!(matches!(stolen, Err(FlowError::RequestNotFound)), "another browser cannot continue the request");
    let forged = block_on(f.s.authorization.password_login(
        id.as_str(),
        Some(&f.browser),
        "qbr_forged",
        "ada@example.com",
        "correct horse",
    ));
    assert!(matches!(forged, Err(FlowError::CsrfMismatch)));
    for _ in 0..5 {
        assert!(matches!(attempt("ada@example.com", "wrong"), Err(FlowError::InvalidCredentials)));
    }
    assert!(matches!(attempt("ada@example.com", "correct horse"), Err(FlowError::Throttled { .. })));
    f.clock.advance(2);
    assert!(attempt("ada@example.com", "correct horse").is_ok());
}

#[test]
fn revoking_the_grant_kills_the_code_and_the_refresh_tokens() {
    let f = flow();
    let (url, _) = sign_in(&f, true);
    let grant = block_on(f.s.admin.list_grants(
        &Caller::operator(),
        &f.client.tenant_id,
        &Default::default(),
        &crate::page::PageRequest::parse(None, None).unwrap(),
    ))
    .unwrap()
    .items
    .remove(0);
    assert_eq!(grant.scopes.to_delimited(), "openid email");
    block_on(f.s.admin.revoke_grant(&Caller::operator(), &f.client.tenant_id, &grant.id)).unwrap();
    let client = block_on(f.s.tokens.authenticate_client(&auth(&f))).unwrap();
    let code = query(&url, "code").unwrap();
    let result = block_on(f.s.tokens.exchange_code(&client, &exchange(&code, REDIRECT, VERIFIER)));
    assert!(matches!(result, Err(OAuthError::InvalidGrant(_))));
}

#[test]
fn client_authentication_rules() {
    let f = flow();
    let mut bad = auth(&f);
    bad.secret = Some(Secret::presented("qcs_wrong"));
    assert!(matches!(block_on(f.s.tokens.authenticate_client(&bad)), Err(OAuthError::InvalidClient(_))));
    bad.secret = None;
    assert!(matches!(block_on(f.s.tokens.authenticate_client(&bad)), Err(OAuthError::InvalidClient(_))));
}

#[test]
fn refresh_rotates_narrows_and_detects_reuse() {
    let f = flow();
    let (url, _) = sign_in(&f, false);
    let client = block_on(f.s.tokens.authenticate_client(&auth(&f))).unwrap();
    let code = query(&url, "code").unwrap();
    let first = block_on(f.s.tokens.exchange_code(&client, &exchange(&code, REDIRECT, VERIFIER))).unwrap();
    let r1 = first.refresh_token.unwrap();

    let second = block_on(f.s.tokens.refresh(&client, &refresh_request(r1.expose(), Some("openid")))).unwrap();
    assert_eq!(second.scope.to_delimited(), "openid", "narrowed");
    let r2 = second.refresh_token.unwrap();
    let widened = block_on(f.s.tokens.refresh(&client, &refresh_request(r2.expose(), Some("openid email profile"))));
    assert!(matches!(widened, Err(OAuthError::InvalidScope(_))));
    // The successor keeps the family's full scope.
    let third = block_on(f.s.tokens.refresh(&client, &refresh_request(r2.expose(), None))).unwrap();
    assert_eq!(third.scope.to_delimited(), "openid email");
    let r3 = third.refresh_token.unwrap();

    // r1 was rotated: presenting it again revokes the whole family, r3 included.
    assert!(matches!(
        block_on(f.s.tokens.refresh(&client, &refresh_request(r1.expose(), None))),
        Err(OAuthError::InvalidGrant(_))
    ));
    assert!(matches!(
        block_on(f.s.tokens.refresh(&client, &refresh_request(r3.expose(), None))),
        Err(OAuthError::InvalidGrant(_))
    ));
}

#[test]
fn refresh_tokens_expire_when_idle() {
    let f = flow();
    let (url, _) = sign_in(&f, false);
    let client = block_on(f.s.tokens.authenticate_client(&auth(&f))).unwrap();
    let code = query(&url, "code").unwrap();
    let tokens = block_on(f.s.tokens.exchange_code(&client, &exchange(&code, REDIRECT, VERIFIER))).unwrap();
    f.clock.advance(TokenLifetimes::default().refresh_token_idle);
    let stale = block_on(f.s.tokens.refresh(&client, &refresh_request(tokens.refresh_token.unwrap().expose(), None)));
    assert!(matches!(stale, Err(OAuthError::InvalidGrant(d)) if d.contains("expired")));
}

#[test]
fn the_device_grant_polls_slows_down_and_delivers_once() {
    let f = flow();
    let patch = crate::client::ClientPatch {
        grant_types: Some(vec![
            "authorization_code".into(),
            "refresh_token".into(),
            "urn:ietf:params:oauth:grant-type:device_code".into(),
        ]),
        ..Default::default()
    };
    block_on(f.s.admin.update_client(&Caller::operator(), &f.client.tenant_id, &f.client.id, patch)).unwrap();
    let client = block_on(f.s.tokens.authenticate_client(&auth(&f))).unwrap();
    let device = block_on(f.s.tokens.authorize_device(&client, Some("openid email"))).unwrap();
    assert_eq!(device.user_code.len(), 9);
    assert_eq!(device.interval, 5);
    let poll = || {
        block_on(f.s.tokens.poll_device(&client, &DevicePoll { device_code: device.device_code.expose().to_owned() }))
    };
    assert!(matches!(poll(), Err(OAuthError::AuthorizationPending(_))));
    assert!(matches!(poll(), Err(OAuthError::SlowDown(d)) if d.contains("10 seconds")), "interval grew by 5");
    f.clock.advance(10);

    // The user types the code (any case, with or without the dash) in a browser and approves.
    let typed = device.user_code.to_lowercase();
    let outcome = block_on(f.s.authorization.verify_user_code(&typed, &f.browser, None, None)).unwrap();
    let AuthorizeOutcome::Login(id) = outcome else { panic!("expected the login page") };
    let csrf = f.browser.expose();
    let login = signed_in(
        block_on(f.s.authorization.password_login(
            id.as_str(),
            Some(&f.browser),
            csrf,
            "ada@example.com",
            "correct horse",
        ))
        .unwrap(),
    );
    let id = login.next.expect("consent is always shown for a device");
    let browser = &login.browser_cookie;
    let done = block_on(f.s.authorization.decide(
        id.as_str(),
        Some(browser),
        Some(&login.session_cookie),
        browser.expose(),
        true,
        true,
    ))
    .unwrap();
    assert_eq!(done, Landing::Device { approved: true });

    let tokens = poll().unwrap();
    assert!(tokens.id_token.is_some() && tokens.refresh_token.is_some());
    f.clock.advance(10);
    assert!(matches!(poll(), Err(OAuthError::InvalidGrant(_))), "delivered once");
    let wrong = block_on(f.s.authorization.verify_user_code("BBBB-BBBB", &f.browser, None, None));
    assert!(matches!(wrong, Err(FlowError::InvalidUserCode)));
    f.clock.advance(600);
    assert!(matches!(poll(), Err(OAuthError::ExpiredToken(_))));
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

#[test]
fn a_disabled_user_is_refused_after_the_password_and_loses_sessions() {
    let f = flow();
    let (sso, me) = account_holder(&f);
    let patch = UserPatch { disabled: Some(true), ..UserPatch::default() };
    block_on(f.s.admin.update_user(&Caller::operator(), &me.user.tenant_id, &me.user.id, patch)).unwrap();
    use crate::ports::SessionRepository as _;
    assert!(block_on(f.store.find_session(&sso.hash())).unwrap().is_none(), "its session ended");
    let AuthorizeOutcome::Login(id) =
        block_on(f.s.authorization.start_authorization(params(f.client.id.as_str()), &f.browser, None)).unwrap()
    else {
        panic!("expected the login page")
    };
    let attempt = |password: &str| {
        block_on(f.s.authorization.password_login(
            id.as_str(),
            Some(&f.browser),
            f.browser.expose(),
            "ada@example.com",
            password,
        ))
    };
    assert!(matches!(attempt("wrong"), Err(FlowError::InvalidCredentials)), "a guesser learns nothing");
    assert!(matches!(attempt("correct horse"), Err(FlowError::AccountDisabled)));
}

fn from_base32(text: &str) -> Vec<u8> {
    crate::mfa::decode_base32(text).unwrap()
}

/// The password step for the web client; answers what it leads to.
fn password_step(f: &Flow) -> (LoginOutcome, crate::id::RequestId) {
    let AuthorizeOutcome::Login(id) =
        block_on(f.s.authorization.start_authorization(params(f.client.id.as_str()), &f.browser, None)).unwrap()
    else {
        panic!("expected the login page")
    };
    let outcome = block_on(f.s.authorization.password_login(
        id.as_str(),
        Some(&f.browser),
        f.browser.expose(),
        "ada@example.com",
        "correct horse",
    ))
    .unwrap();
    (outcome, id)
}

#[test]
fn a_user_with_an_authenticator_gives_a_code_once_or_a_recovery_code_once() {
    let f = flow();
    let (_, me) = account_holder(&f);
    let enrolment = block_on(f.s.self_service.account_start_totp(&me)).unwrap();
    assert!(enrolment.otpauth_uri.starts_with("otpauth://totp/Acme:ada%40example.com?secret="));
    assert_eq!(
        block_on(f.s.self_service.account_start_totp(&me)).unwrap(),
        enrolment,
        "a waiting enrolment is shown again"
    );
    let secret = from_base32(&enrolment.secret_base32);
    let code_now = || crate::mfa::totp_code(&secret, f.clock.now()).unwrap();
    assert!(matches!(block_on(f.s.self_service.account_confirm_totp(&me, "000000")), Err(MfaError::InvalidCode)));
    let recovery = block_on(f.s.self_service.account_confirm_totp(&me, &code_now())).unwrap();
    assert_eq!(recovery.len(), 10);
    assert!(matches!(block_on(f.s.self_service.account_start_totp(&me)), Err(MfaError::AlreadyEnrolled)));

    // The password now leads to the code page; the code confirmed above is spent.
    let (outcome, id) = password_step(&f);
    assert!(matches!(outcome, LoginOutcome::SecondFactor(_)), "{outcome:?}");
    let ctx = block_on(f.s.authorization.login_context(id.as_str(), Some(&f.browser), None)).unwrap();
    assert_eq!(ctx.next, NextStep::SecondFactor);
    let answer = |code: &str| {
        block_on(f.s.authorization.second_factor_login(id.as_str(), Some(&f.browser), f.browser.expose(), code))
    };
    assert!(matches!(answer(&code_now()), Err(FlowError::InvalidCode)), "a code is accepted once");
    assert!(matches!(
        block_on(f.s.authorization.second_factor_login(id.as_str(), Some(&f.browser), "qbr_forged", &code_now())),
        Err(FlowError::CsrfMismatch)
    ));
    f.clock.advance(30);
    let done = answer(&code_now()).unwrap();
    assert!(done.recovery_codes.is_none());
    use crate::ports::SessionRepository as _;
    let session = block_on(f.store.find_session(&done.signed_in.session_cookie.hash())).unwrap().unwrap();
    assert_eq!(session.amr, ["pwd", "otp", "mfa"]);

    // A recovery code works once.
    let (_, id) = password_step(&f);
    let answer = |code: &str| {
        block_on(f.s.authorization.second_factor_login(id.as_str(), Some(&f.browser), f.browser.expose(), code))
    };
    assert!(answer(&recovery[0].to_uppercase()).is_ok());
    let (_, id) = password_step(&f);
    let again = block_on(f.s.authorization.second_factor_login(
        id.as_str(),
        Some(&f.browser),
        f.browser.expose(),
        &recovery[0],
    ));
    assert!(matches!(again, Err(FlowError::InvalidCode)));

    // An admin's reset: the password alone signs in again.
    block_on(f.s.admin.reset_mfa(&Caller::operator(), &me.user.tenant_id, &me.user.id)).unwrap();
    assert!(matches!(password_step(&f).0, LoginOutcome::SignedIn(_)));
}

#[test]
fn a_tenant_that_requires_mfa_walks_users_through_enrolment_at_sign_in() {
    let f = flow();
    let patch = TenantPatch { require_mfa: Some(true), ..TenantPatch::default() };
    block_on(f.s.admin.update_tenant(&Caller::operator(), &f.client.tenant_id, patch)).unwrap();
    let (outcome, id) = password_step(&f);
    assert!(matches!(outcome, LoginOutcome::Enrol(_)), "{outcome:?}");
    let (_, step) = block_on(f.s.authorization.second_factor_step(id.as_str(), Some(&f.browser))).unwrap();
    let SecondFactorStep::Enrol(enrolment) = step else { panic!("expected enrolment") };
    let secret = from_base32(&enrolment.secret_base32);
    let code = crate::mfa::totp_code(&secret, f.clock.now()).unwrap();
    let done =
        block_on(f.s.authorization.second_factor_login(id.as_str(), Some(&f.browser), f.browser.expose(), &code))
            .unwrap();
    assert_eq!(done.recovery_codes.map(|c| c.len()), Some(10));
    assert!(done.signed_in.next.is_ok(), "consent comes next");
    // Five wrong codes, then the throttle.
    let (_, id) = password_step(&f);
    for _ in 0..5 {
        let wrong = block_on(f.s.authorization.second_factor_login(
            id.as_str(),
            Some(&f.browser),
            f.browser.expose(),
            "000000",
        ));
        assert!(matches!(wrong, Err(FlowError::InvalidCode)));
    }
    let throttled =
        block_on(f.s.authorization.second_factor_login(id.as_str(), Some(&f.browser), f.browser.expose(), "000000"));
    assert!(matches!(throttled, Err(FlowError::Throttled { .. })));
}

#[test]
fn acr_values_aal2_steps_a_single_factor_session_up() {
    let f = flow();
    let (_, sso) = sign_in(&f, true);
    let mut wants_mfa = params(f.client.id.as_str());
    wants_mfa.acr_values = Some("aal2 aal1".into());
    let outcome = block_on(f.s.authorization.start_authorization(wants_mfa, &f.browser, Some(&sso))).unwrap();
    assert!(matches!(outcome, AuthorizeOutcome::Login(_)), "a password-only session is not enough: {outcome:?}");
    let outcome =
        block_on(f.s.authorization.start_authorization(params(f.client.id.as_str()), &f.browser, Some(&sso))).unwrap();
    assert!(matches!(outcome, AuthorizeOutcome::Redirect(_)), "without acr_values the session serves: {outcome:?}");
}

#[test]
fn a_passkey_registered_from_the_account_page_signs_in_without_a_password() {
    let f = flow();
    let (_, me) = account_holder(&f);
    let (ceremony, options) = block_on(f.s.passkeys.account_passkey_options(&me)).unwrap();
    let handle: String = crate::passkey::user_handle(&me.user.id).iter().map(|b| format!("{b:02x}")).collect();
    assert!(options.contains(&handle), "the options name the user's handle");
    let added =
        block_on(f.s.passkeys.account_add_passkey(&me, ceremony.as_str(), " Laptop ", "credential:cred-1")).unwrap();
    assert_eq!(added.name, "Laptop");
    let again = block_on(f.s.passkeys.account_add_passkey(&me, ceremony.as_str(), "", "credential:cred-1"));
    assert!(matches!(again, Err(AccountError::PasskeyRejected(_))), "a ceremony is used once");
    let (ceremony, _) = block_on(f.s.passkeys.account_passkey_options(&me)).unwrap();
    let twice = block_on(f.s.passkeys.account_add_passkey(&me, ceremony.as_str(), "", "credential:cred-1"));
    assert!(matches!(twice, Err(AccountError::PasskeyRejected(_))), "a credential is registered once");

    let AuthorizeOutcome::Login(id) =
        block_on(f.s.authorization.start_authorization(params(f.client.id.as_str()), &f.browser, None)).unwrap()
    else {
        panic!("expected the login page")
    };
    let sign_in = |response: &str| {
        let (ceremony, _) = block_on(f.s.passkeys.passkey_login_options(id.as_str(), Some(&f.browser))).unwrap();
        block_on(f.s.passkeys.passkey_login(
            id.as_str(),
            Some(&f.browser),
            f.browser.expose(),
            ceremony.as_str(),
            response,
        ))
    };
    let stranger = "assertion:cred-1:00112233445566778899aabbccddeeff:5";
    assert!(matches!(sign_in(stranger), Err(FlowError::PasskeyRejected)), "the handle must be the owner's");
    assert!(matches!(sign_in(&format!("assertion:cred-1:{handle}:0")), Err(FlowError::PasskeyRejected)), "counter");
    let done = sign_in(&format!("assertion:cred-1:{handle}:5")).unwrap();
    use crate::ports::SessionRepository as _;
    let session = block_on(f.store.find_session(&done.session_cookie.hash())).unwrap().unwrap();
    assert_eq!(session.amr, ["swk", "mfa"], "a synced passkey, user-verified");
    let status = block_on(f.s.admin.user_mfa(&Caller::operator(), &me.user.tenant_id, &me.user.id)).unwrap();
    assert_eq!(status.passkeys.len(), 1);
    assert!(status.passkeys[0].last_used_at.is_some() && status.passkeys[0].credential == "cred-1|5");
}

/// An upstream OpenID provider for the tenant; `link` lets verified e-mails link.
fn upstream_provider(f: &Flow, link: bool) -> crate::federation::IdentityProvider {
    let new = crate::services::NewIdentityProvider {
        kind: "oidc".into(),
        name: Some("Upstream".into()),
        issuer: Some("https://up.example".into()),
        client_id: "our-client".into(),
        client_secret: "our-secret".into(),
        link_verified_email: Some(link),
    };
    block_on(f.s.federation.create_identity_provider(&Caller::operator(), &f.client.tenant_id, new)).unwrap()
}

/// Goes to the provider for a new request; answers (request id, state, nonce).
fn go_upstream(f: &Flow, provider: &crate::federation::IdentityProvider) -> (String, String, String) {
    let AuthorizeOutcome::Login(id) =
        block_on(f.s.authorization.start_authorization(params(f.client.id.as_str()), &f.browser, None)).unwrap()
    else {
        panic!("expected the login page")
    };
    let ctx = block_on(f.s.authorization.login_context(id.as_str(), Some(&f.browser), None)).unwrap();
    assert_eq!(ctx.providers, vec![(provider.id.clone(), "Upstream".to_owned())], "the login page offers it");
    let url =
        block_on(f.s.federation.start_upstream_login(id.as_str(), Some(&f.browser), provider.id.as_str(), CALLBACK))
            .unwrap();
    assert!(url.starts_with("https://up.example/authorize?response_type=code&client_id=our-client"), "{url}");
    assert_eq!(query(&url, "code_challenge_method").as_deref(), Some("S256"));
    (id.to_string(), query(&url, "state").unwrap(), query(&url, "nonce").unwrap())
}

const CALLBACK: &str = "https://id.example/login/federated/callback";

fn upstream_claims(f: &Flow, nonce: &str, email: &str, verified: bool) -> crate::federation::UpstreamClaims {
    crate::federation::UpstreamClaims {
        iss: Some("https://up.example".into()),
        sub: Some(format!("up-{email}")),
        aud: vec!["our-client".into()],
        azp: None,
        exp: Some(f.clock.now().as_secs() + 60),
        nonce: Some(nonce.into()),
        email: Some(email.into()),
        email_verified: verified,
        name: Some("Lin".into()),
    }
}

fn set_claims(f: &Flow, claims: crate::federation::UpstreamClaims) {
    *f.upstream.claims.lock().unwrap() = claims;
}

#[test]
fn a_first_upstream_sign_in_creates_the_user_and_a_second_finds_the_link() {
    let f = flow();
    let provider = upstream_provider(&f, false);
    let (_, state, nonce) = go_upstream(&f, &provider);
    set_claims(&f, upstream_claims(&f, &nonce, "lin@up.example", true));
    let done =
        signed_in(block_on(f.s.federation.finish_upstream_login(&state, "code", Some(&f.browser), CALLBACK)).unwrap());
    use crate::ports::SessionRepository as _;
    let session = block_on(f.store.find_session(&done.session_cookie.hash())).unwrap().unwrap();
    assert_eq!(session.amr, ["fed"]);
    let replay = block_on(f.s.federation.finish_upstream_login(&state, "code", Some(&f.browser), CALLBACK));
    assert!(matches!(replay, Err(FlowError::RequestNotFound)), "a callback works once");
    // The second time, the link finds the same user.
    let (_, state, nonce) = go_upstream(&f, &provider);
    set_claims(&f, upstream_claims(&f, &nonce, "lin@up.example", true));
    let again =
        signed_in(block_on(f.s.federation.finish_upstream_login(&state, "code", Some(&f.browser), CALLBACK)).unwrap());
    let second = block_on(f.store.find_session(&again.session_cookie.hash())).unwrap().unwrap();
    assert_eq!(second.user_id, session.user_id);
}

#[test]
fn upstream_id_tokens_are_checked_and_emails_never_taken_over() {
    let f = flow();
    let provider = upstream_provider(&f, false);
    let attempt = |tweak: &dyn Fn(&mut crate::federation::UpstreamClaims)| {
        let (_, state, nonce) = go_upstream(&f, &provider);
        let mut claims = upstream_claims(&f, &nonce, "new@up.example", true);
        tweak(&mut claims);
        set_claims(&f, claims);
        block_on(f.s.federation.finish_upstream_login(&state, "code", Some(&f.browser), CALLBACK))
    };
    for (what, tweak) in [
        ("nonce", &(|c: &mut crate::federation::UpstreamClaims| c.nonce = Some("other".into())) as &dyn Fn(&mut _)),
        ("aud", &|c: &mut crate::federation::UpstreamClaims| c.aud = vec!["someone-else".into()]),
        ("iss", &|c: &mut crate::federation::UpstreamClaims| c.iss = Some("https://evil.example".into())),
        ("exp", &|c: &mut crate::federation::UpstreamClaims| c.exp = Some(0)),
        ("azp", &|c: &mut crate::federation::UpstreamClaims| c.aud.push("another".into())),
    ] {
        assert!(matches!(attempt(tweak), Err(FlowError::UpstreamFailed(_))), "{what}");
    }
    // Ada has an account here: an upstream e-mail of hers never takes it over,
    // verified or not, unless the provider may link and verified it.
    let same = |verified: bool| {
        move |c: &mut crate::federation::UpstreamClaims| {
            c.email = Some("ada@example.com".into());
            c.email_verified = verified;
        }
    };
    assert!(matches!(attempt(&same(false)), Err(FlowError::FederatedEmailTaken)));
    assert!(matches!(attempt(&same(true)), Err(FlowError::FederatedEmailTaken)), "this provider may not link");
    let linking = upstream_provider(&f, true);
    let (_, state, nonce) = go_upstream_with(&f, &linking);
    let mut claims = upstream_claims(&f, &nonce, "ada@example.com", false);
    set_claims(&f, claims.clone());
    let unverified = block_on(f.s.federation.finish_upstream_login(&state, "code", Some(&f.browser), CALLBACK));
    assert!(matches!(unverified, Err(FlowError::FederatedEmailTaken)), "an unverified e-mail never links");
    let (_, state, nonce) = go_upstream_with(&f, &linking);
    claims.nonce = Some(nonce);
    claims.email_verified = true;
    set_claims(&f, claims);
    assert!(block_on(f.s.federation.finish_upstream_login(&state, "code", Some(&f.browser), CALLBACK)).is_ok());
}

/// [`go_upstream`] when the tenant has several providers.
fn go_upstream_with(f: &Flow, provider: &crate::federation::IdentityProvider) -> (String, String, String) {
    let AuthorizeOutcome::Login(id) =
        block_on(f.s.authorization.start_authorization(params(f.client.id.as_str()), &f.browser, None)).unwrap()
    else {
        panic!("expected the login page")
    };
    let url =
        block_on(f.s.federation.start_upstream_login(id.as_str(), Some(&f.browser), provider.id.as_str(), CALLBACK))
            .unwrap();
    (id.to_string(), query(&url, "state").unwrap(), query(&url, "nonce").unwrap())
}

#[test]
fn a_federated_user_gives_the_tenants_second_factor_too() {
    let f = flow();
    let patch = TenantPatch { require_mfa: Some(true), ..TenantPatch::default() };
    block_on(f.s.admin.update_tenant(&Caller::operator(), &f.client.tenant_id, patch)).unwrap();
    let provider = upstream_provider(&f, false);
    let (id, state, nonce) = go_upstream(&f, &provider);
    set_claims(&f, upstream_claims(&f, &nonce, "lin@up.example", true));
    let outcome = block_on(f.s.federation.finish_upstream_login(&state, "code", Some(&f.browser), CALLBACK)).unwrap();
    assert!(matches!(outcome, LoginOutcome::Enrol(_)), "the provider's sign-in is the first factor: {outcome:?}");
    let (_, step) = block_on(f.s.authorization.second_factor_step(&id, Some(&f.browser))).unwrap();
    let SecondFactorStep::Enrol(enrolment) = step else { panic!("expected enrolment") };
    let code = crate::mfa::totp_code(&from_base32(&enrolment.secret_base32), f.clock.now()).unwrap();
    let done =
        block_on(f.s.authorization.second_factor_login(&id, Some(&f.browser), f.browser.expose(), &code)).unwrap();
    use crate::ports::SessionRepository as _;
    let session = block_on(f.store.find_session(&done.signed_in.session_cookie.hash())).unwrap().unwrap();
    assert_eq!(session.amr, ["fed", "otp", "mfa"]);
}
