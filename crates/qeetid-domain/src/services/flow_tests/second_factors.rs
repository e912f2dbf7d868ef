//! Second factors and passkeys at sign-in and from the account.

use super::*;

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
