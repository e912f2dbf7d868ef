//! Social sign-in through an upstream provider.

use super::*;

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
