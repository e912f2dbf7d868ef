//! A person who forgot their password gets back in by the e-mailed link, and a new
//! person signs up and confirms their address, all from the login page, with the
//! messages received over SMTP by the test's sink.

use crate::harness::{
    EMAIL, World, admin_api, chromium, click, fill, go_to_client_sign_in, screenshot, wait_for_text, wait_for_url,
};

const NEW_PASSWORD: &str = "ada-analytical-engine-1843";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_resets_a_forgotten_password_from_the_login_page() {
    let world = World::start().await;
    let mut browser = chromium().await;
    let page = browser.new_page("about:blank").await.unwrap();
    go_to_client_sign_in(&world, &page).await;
    wait_for_url(&page, |u| u.contains("/login?request=")).await;
    click(&page, "#forgot-password").await;
    wait_for_url(&page, |u| u.contains("/password/forgot")).await;
    fill(&page, "#email", EMAIL).await;
    click(&page, "#forgot-form button[type=submit]").await;
    wait_for_text(&page, "If an account exists for").await;
    screenshot(&page, "password-forgot-sent").await;

    let mail = world.mail.wait_for(EMAIL, 1).await;
    let link = mail[0].link(&world.issuer, "/password/reset");
    page.goto(link).await.unwrap();
    wait_for_text(&page, "Choose a new password").await;
    fill(&page, "#password", NEW_PASSWORD).await;
    fill(&page, "#password_again", NEW_PASSWORD).await;
    screenshot(&page, "password-reset").await;
    click(&page, "#reset-form button[type=submit]").await;
    wait_for_url(&page, |u| u.contains("/login?request=") && u.contains("notice=password_set")).await;
    wait_for_text(&page, "Your new password is set").await;
    screenshot(&page, "password-reset-login").await;

    fill(&page, "#email", EMAIL).await;
    fill(&page, "#password", NEW_PASSWORD).await;
    click(&page, "#login-form button[type=submit]").await;
    let url = wait_for_url(&page, |u| u.contains("/consent?request=") || u.starts_with(&world.redirect_uri)).await;
    if url.contains("/consent?request=") {
        click(&page, "button[value=allow]").await;
        wait_for_url(&page, |u| u.starts_with(&world.redirect_uri)).await;
    }
    browser.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_signs_up_and_confirms_the_address() {
    let world = World::start().await;
    let path = format!("/v1/tenants/{}", world.tenant);
    admin_api(&world, reqwest::Method::PATCH, &path, serde_json::json!({ "self_sign_up": true })).await;
    let mut browser = chromium().await;
    let page = browser.new_page("about:blank").await.unwrap();
    go_to_client_sign_in(&world, &page).await;
    wait_for_url(&page, |u| u.contains("/login?request=")).await;
    click(&page, "#create-account").await;
    wait_for_url(&page, |u| u.contains("/signup?request=")).await;
    fill(&page, "#email", "ada@example.com").await;
    fill(&page, "#name", "Ada Lovelace").await;
    fill(&page, "#password", "password1").await;
    click(&page, "#signup-form button[type=submit]").await;
    wait_for_text(&page, "most common passwords").await;
    screenshot(&page, "signup-refused").await;
    fill(&page, "#password", NEW_PASSWORD).await;
    click(&page, "#signup-form button[type=submit]").await;
    wait_for_url(&page, |u| u.contains("/consent?request=")).await;
    click(&page, "button[value=allow]").await;
    wait_for_url(&page, |u| u.starts_with(&world.redirect_uri)).await;

    let mail = world.mail.wait_for("ada@example.com", 1).await;
    page.goto(mail[0].link(&world.issuer, "/email/verify")).await.unwrap();
    wait_for_text(&page, "Confirm your e-mail address").await;
    screenshot(&page, "verify-email").await;
    click(&page, "#verify-form button[type=submit]").await;
    wait_for_text(&page, "Your address is confirmed").await;
    screenshot(&page, "verify-email-done").await;
    browser.close().await.unwrap();
}
