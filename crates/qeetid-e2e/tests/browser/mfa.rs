//! Two-step verification in the browser: a user sets up an authenticator app from
//! the account page (the test computes the codes an app would), saves the recovery
//! codes, then signs in with a code, and once more with a recovery code.
//! Screenshots: `target/screenshots/mfa-*.png`.

use chromiumoxide::Page;
use chromiumoxide::cdp::browser_protocol::network::ClearBrowserCookiesParams;
use qeetid_domain::UnixTime;
use qeetid_domain::mfa::{decode_base32, totp_code};

use crate::harness::{
    EMAIL, PASSWORD, World, chromium, click, fill, go_to_client_sign_in, read, screenshot, wait_for_text, wait_for_url,
};

/// The code an authenticator app shows `steps_ahead` steps from now.
fn code(secret: &[u8], steps_ahead: i64) -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    totp_code(secret, UnixTime::from_secs(now + 30 * steps_ahead)).unwrap()
}

/// Signs in to the client with the password, up to the second-factor page.
async fn password_then_code_page(world: &World, page: &Page) {
    page.execute(ClearBrowserCookiesParams::default()).await.unwrap();
    go_to_client_sign_in(world, page).await;
    wait_for_url(page, |u| u.contains("/login?request=")).await;
    fill(page, "#email", EMAIL).await;
    fill(page, "#password", PASSWORD).await;
    click(page, "button[type=submit]").await;
    wait_for_url(page, |u| u.contains("/login/mfa?request=")).await;
    wait_for_text(page, "Enter the 6-digit code").await;
}

/// Gives `code` and allows the consent if asked; waits for the client's callback.
async fn give_code(world: &World, page: &Page, code: &str) {
    fill(page, "#code", code).await;
    click(page, "button[type=submit]").await;
    let url = wait_for_url(page, |u| u.contains("/consent?request=") || u.starts_with(&world.redirect_uri)).await;
    if url.contains("/consent?request=") {
        click(page, "button[value=allow]").await;
        wait_for_url(page, |u| u.starts_with(&world.redirect_uri)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_turns_on_an_authenticator_and_signs_in_with_codes() {
    let world = World::start().await;
    let mut browser = chromium().await;
    let page = browser.new_page("about:blank").await.unwrap();
    page.execute(ClearBrowserCookiesParams::default()).await.unwrap();

    // The account page, signed in with the password.
    page.goto(format!("{}/account?tenant={}", world.issuer, world.tenant)).await.unwrap();
    wait_for_url(&page, |u| u.contains("/login?request=")).await;
    fill(&page, "#email", EMAIL).await;
    fill(&page, "#password", PASSWORD).await;
    click(&page, "button[type=submit]").await;
    wait_for_text(&page, "Two-step verification").await;

    // Set up the app: a QR code and the key; the first code turns it on.
    click(&page, "form[action='/account/mfa/totp'] button").await;
    wait_for_text(&page, "QR code for your authenticator app").await;
    screenshot(&page, "mfa-setup").await;
    let key = read(&page, "document.querySelector('#totp-secret').innerText").await;
    let secret = decode_base32(&key).unwrap();
    fill(&page, "#mfa_code", &code(&secret, 0)).await;
    click(&page, "form[action='/account/mfa/totp/confirm'] button").await;
    let saved = wait_for_text(&page, "Save your recovery codes").await;
    screenshot(&page, "mfa-recovery-codes").await;
    let recovery: Vec<String> =
        saved.split("<li><code>").skip(1).map(|s| s[..s.find('<').unwrap()].to_owned()).collect();
    assert_eq!(recovery.len(), 10);
    click(&page, "a.button").await;
    wait_for_text(&page, "Two-step verification is on.").await;

    // Signing in to the application now asks for a code.
    password_then_code_page(&world, &page).await;
    screenshot(&page, "mfa-code").await;
    fill(&page, "#code", "000000").await;
    click(&page, "button[type=submit]").await;
    wait_for_text(&page, "That code is not right").await;
    give_code(&world, &page, &code(&secret, 1)).await;

    // A recovery code works too (once).
    password_then_code_page(&world, &page).await;
    give_code(&world, &page, &recovery[0]).await;
    browser.close().await.unwrap();
}
