//! A user runs their account page as a person would: opens it from an application
//! they signed in to (no second login, no consent), renames themselves, changes
//! their password (a mistake first), removes an application's access (whose refresh
//! token then stops working), and signs out. Screenshots go to
//! `target/screenshots/account-*.png`.

use chromiumoxide::cdp::browser_protocol::network::ClearBrowserCookiesParams;

use crate::harness::{
    EMAIL, PASSWORD, World, chromium, click, fill, read, screenshot, token, user_signs_in_to_the_client, wait_for_text,
    wait_for_url,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_manages_their_account_in_the_browser() {
    let world = World::start().await;
    let mut browser = chromium().await;
    let page = browser.new_page("about:blank").await.unwrap();
    page.execute(ClearBrowserCookiesParams::default()).await.unwrap();

    // The user signs in to Acme Web and lets it in; it keeps a refresh token.
    let refresh_token = user_signs_in_to_the_client(&world, &page).await;

    // The account page opens on that session: no login page, no consent page.
    let account = format!("{}/account", world.issuer);
    page.goto(format!("{account}?tenant={}", world.tenant)).await.unwrap();
    wait_for_url(&page, |u| u == account).await;
    let content = wait_for_text(&page, "Connected applications").await;
    assert!(content.contains(EMAIL) && content.contains("Acme Web"), "{content}");
    screenshot(&page, "account").await;

    // Rename.
    page.find_element("#name").await.unwrap().click().await.unwrap();
    page.evaluate("document.querySelector('#name').value = ''").await.unwrap();
    fill(&page, "#name", "Grace B. Hopper").await;
    click(&page, "form[action='/account/profile'] button[type=submit]").await;
    wait_for_text(&page, "Your profile was saved.").await;
    let saved = read(&page, "document.querySelector('#name').value").await;
    assert_eq!(saved, "Grace B. Hopper");

    // Change the password (the form opens from its summary, one form at a time): a
    // mismatch is shown beside its field (the form open again), then done right.
    click(&page, "#change-password summary").await;
    fill(&page, "#current_password", PASSWORD).await;
    fill(&page, "#new_password", "cobol-and-beyond-1959").await;
    fill(&page, "#confirm_password", "cobol-and-beyond-1960").await;
    click(&page, "form[action='/account/password'] button[type=submit]").await;
    wait_for_text(&page, r#"id="confirm-error""#).await;
    screenshot(&page, "account-password-error").await;
    fill(&page, "#current_password", PASSWORD).await;
    fill(&page, "#new_password", "cobol-and-beyond-1959").await;
    fill(&page, "#confirm_password", "cobol-and-beyond-1959").await;
    click(&page, "form[action='/account/password'] button[type=submit]").await;
    wait_for_text(&page, "Your password was changed").await;

    // Remove Acme Web's access: its refresh token stops working.
    click(&page, "form[action$='/revoke'] button").await;
    wait_for_text(&page, "The application no longer has access to your account.").await;
    let content = wait_for_text(&page, "No application has access to your account.").await;
    assert!(!content.contains("Acme Web"), "{content}");
    let (status, body) = token(&world, &[("grant_type", "refresh_token"), ("refresh_token", &refresh_token)]).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");
    screenshot(&page, "account-done").await;

    // Sign out: the page asks who you are again.
    click(&page, "form[action='/account/logout'] button").await;
    wait_for_text(&page, "your tenant's name").await;
    browser.close().await.unwrap();
}
