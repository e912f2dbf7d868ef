//! The authorization-code flow end to end: codes, PKCE, consent, sign-in.

use super::*;

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
    assert_eq!(tokens.scope.to_delimited(), "openid email");
    // Rotated once: the successor does not carry the code, its family does.
    let first = tokens.refresh_token.unwrap();
    let rotated = block_on(f.s.tokens.refresh(&client, &refresh_request(first.expose(), None), None)).unwrap();
    let successor = rotated.refresh_token.unwrap();

    let replay = block_on(f.s.tokens.exchange_code(&client, &exchange(&code, REDIRECT, VERIFIER)));
    assert!(matches!(replay, Err(OAuthError::InvalidGrant(_))));
    // RFC 6749 §4.1.2: the replay revoked what the code issued, rotations included.
    let after = block_on(f.s.tokens.refresh(&client, &refresh_request(successor.expose(), None), None));
    assert!(matches!(&after, Err(OAuthError::InvalidGrant(d)) if d.contains("revoked")), "{after:?}");
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

#[test]
fn scopes_nobody_here_knows_are_ignored_and_known_ones_not_allowed_are_refused() {
    let f = flow();
    // OIDC Core §3.1.2.1: `address`, `phone` and `foo` are not understood here, so ignored.
    let mut p = params(f.client.id.as_str());
    p.scope = Some("openid email address phone foo".into());
    let AuthorizeOutcome::Login(id) = block_on(f.s.authorization.start_authorization(p, &f.browser, None)).unwrap()
    else {
        panic!("the request goes on")
    };
    let context = block_on(f.s.authorization.login_context(id.as_str(), Some(&f.browser), None)).unwrap();
    assert_eq!(context.request.request.scope().to_delimited(), "openid email");

    // offline_access is a scope Qeet ID knows: a client without it is refused.
    let patch =
        crate::client::ClientPatch { scopes: Some(vec!["openid".into(), "email".into()]), ..Default::default() };
    block_on(f.s.admin.update_client(&Caller::operator(), &f.client.tenant_id, &f.client.id, patch)).unwrap();
    let mut p = params(f.client.id.as_str());
    p.scope = Some("openid offline_access".into());
    let AuthorizeOutcome::Redirect(url) = block_on(f.s.authorization.start_authorization(p, &f.browser, None)).unwrap()
    else {
        panic!("an error back at the client")
    };
    assert_eq!(query(&url, "error").as_deref(), Some("invalid_scope"), "{url}");
}
