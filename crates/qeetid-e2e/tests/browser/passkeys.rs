//! Passkeys in the browser, with Chromium's virtual authenticator (CDP `WebAuthn`):
//! a user adds a passkey from the account page, then a browser with no session
//! signs in to an application with the passkey alone (no e-mail typed, no password),
//! and the account page shows it was used. Screenshots: `target/screenshots/passkeys-*.png`.

use chromiumoxide::Page;
use chromiumoxide::cdp::browser_protocol::network::ClearBrowserCookiesParams;
use chromiumoxide::cdp::browser_protocol::web_authn::{
    AddVirtualAuthenticatorParams, AuthenticatorProtocol, AuthenticatorTransport, EnableParams,
    VirtualAuthenticatorOptions,
};

use crate::harness::{
    EMAIL, PASSWORD, World, chromium, click, fill, go_to_client_sign_in, screenshot, wait_for_text, wait_for_url,
};

/// A platform authenticator that holds discoverable credentials, verifies the user
/// (as a fingerprint would) and syncs (as a password manager's passkeys do).
async fn virtual_authenticator(page: &Page) {
    page.execute(EnableParams::builder().enable_ui(false).build()).await.unwrap();
    let mut options = VirtualAuthenticatorOptions::new(AuthenticatorProtocol::Ctap2, AuthenticatorTransport::Internal);
    options.has_resident_key = Some(true);
    options.has_user_verification = Some(true);
    options.is_user_verified = Some(true);
    options.automatic_presence_simulation = Some(true);
    options.default_backup_eligibility = Some(true);
    options.default_backup_state = Some(true);
    page.execute(AddVirtualAuthenticatorParams::new(options)).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_adds_a_passkey_and_signs_in_with_it_alone() {
    let world = World::start().await;
    let mut browser = chromium().await;
    let page = browser.new_page("about:blank").await.unwrap();
    page.execute(ClearBrowserCookiesParams::default()).await.unwrap();
    virtual_authenticator(&page).await;

    // The account page, signed in with the password; add a passkey named "Laptop".
    page.goto(format!("{}/account?tenant={}", world.issuer, world.tenant)).await.unwrap();
    wait_for_url(&page, |u| u.contains("/login?request=")).await;
    fill(&page, "#email", EMAIL).await;
    fill(&page, "#password", PASSWORD).await;
    click(&page, "#login-form button[type=submit]").await;
    wait_for_text(&page, "No passkeys yet.").await;
    fill(&page, "#passkey_name", "Laptop").await;
    click(&page, "#add-passkey button[type=submit]").await;
    let added = wait_for_text(&page, "The passkey was added").await;
    assert!(added.contains("value=\"Laptop\"") && added.contains("synced"), "{added}");
    screenshot(&page, "passkeys-account").await;

    // A fresh browser session: the login page offers the passkey; no e-mail, no password.
    page.execute(ClearBrowserCookiesParams::default()).await.unwrap();
    go_to_client_sign_in(&world, &page).await;
    wait_for_url(&page, |u| u.contains("/login?request=")).await;
    wait_for_text(&page, "Sign in with a passkey").await;
    screenshot(&page, "passkeys-login").await;
    // Chromium offers the passkey through autofill (conditional mediation) as soon
    // as the page loads, and the virtual authenticator answers at once; the button
    // is the way where autofill is missing. Whichever comes first signs in.
    if let Ok(button) = page.find_element("#passkey-sign-in").await {
        let _ = button.click().await;
    }
    let url = wait_for_url(&page, |u| u.contains("/consent?request=") || u.starts_with(&world.redirect_uri)).await;
    if url.contains("/consent?request=") {
        click(&page, "button[value=allow]").await;
        wait_for_url(&page, |u| u.starts_with(&world.redirect_uri)).await;
    }

    // The same browser session opens the account page with no login: the passkey was used.
    page.goto(format!("{}/account?tenant={}", world.issuer, world.tenant)).await.unwrap();
    let used = wait_for_text(&page, "Passkeys").await;
    assert!(used.contains(">passkey, two factors</td>"), "the session says how: {used}");
    browser.close().await.unwrap();
}
