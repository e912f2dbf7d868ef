//! The token endpoint's grants: revocation, client authentication, refresh rotation, the device grant.

use super::*;

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

    let second = block_on(f.s.tokens.refresh(&client, &refresh_request(r1.expose(), Some("openid")), None)).unwrap();
    assert_eq!(second.scope.to_delimited(), "openid", "narrowed");
    let r2 = second.refresh_token.unwrap();
    let widened =
        block_on(f.s.tokens.refresh(&client, &refresh_request(r2.expose(), Some("openid email profile")), None));
    assert!(matches!(widened, Err(OAuthError::InvalidScope(_))));
    // The successor keeps the family's full scope.
    let third = block_on(f.s.tokens.refresh(&client, &refresh_request(r2.expose(), None), None)).unwrap();
    assert_eq!(third.scope.to_delimited(), "openid email");
    let r3 = third.refresh_token.unwrap();

    // r1 was rotated: presenting it again revokes the whole family, r3 included.
    assert!(matches!(
        block_on(f.s.tokens.refresh(&client, &refresh_request(r1.expose(), None), None)),
        Err(OAuthError::InvalidGrant(_))
    ));
    assert!(matches!(
        block_on(f.s.tokens.refresh(&client, &refresh_request(r3.expose(), None), None)),
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
    let stale =
        block_on(f.s.tokens.refresh(&client, &refresh_request(tokens.refresh_token.unwrap().expose(), None), None));
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
        block_on(f.s.tokens.poll_device(
            &client,
            &DevicePoll { device_code: device.device_code.expose().to_owned() },
            None,
        ))
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
