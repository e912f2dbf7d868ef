//! A German browser (`Accept-Language: de`) meets the hosted pages in German, in the
//! tenant's colour: the login page, a refused password, the forgotten-password page
//! and the mail it sends; each page also audited on a 360-px phone (German words
//! are long). Screenshots: `target/screenshots/german-*.png` and `phone-german-*.png`.

use chromiumoxide::cdp::browser_protocol::emulation::SetUserAgentOverrideParams;

use crate::harness::{
    EMAIL, World, admin_api, chromium, click, fill, go_to_client_sign_in, screenshot, wait_for_text, wait_for_url,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_german_browser_signs_in_and_resets_in_german() {
    let world = World::start().await;
    let path = format!("/v1/tenants/{}", world.tenant);
    let branding = serde_json::json!({ "branding": { "primary_color": "#0f766e" } });
    admin_api(&world, reqwest::Method::PATCH, &path, branding).await;
    let mut browser = chromium().await;
    let page = browser.new_page("about:blank").await.unwrap();
    let german = SetUserAgentOverrideParams::builder()
        .user_agent("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36")
        .accept_language("de-DE,de;q=0.9")
        .build()
        .unwrap();
    page.execute(german).await.unwrap();

    go_to_client_sign_in(&world, &page).await;
    wait_for_url(&page, |u| u.contains("/login?request=")).await;
    wait_for_text(&page, "Passwort vergessen?").await;
    fill(&page, "#email", EMAIL).await;
    fill(&page, "#password", "nicht das richtige").await;
    click(&page, "#login-form button[type=submit]").await;
    wait_for_text(&page, "E-Mail oder Passwort ist falsch.").await;
    screenshot(&page, "german-login-refused").await;
    let mut problems = Vec::new();
    crate::phone::audit(&page, "german-login", &mut problems).await;

    click(&page, "#forgot-password").await;
    wait_for_url(&page, |u| u.contains("/password/forgot")).await;
    wait_for_text(&page, "Passwort zurücksetzen").await;
    fill(&page, "#email", EMAIL).await;
    click(&page, "#forgot-form button[type=submit]").await;
    wait_for_text(&page, "Falls ein Konto für").await;
    screenshot(&page, "german-password-forgot-sent").await;
    crate::phone::audit(&page, "german-password-forgot", &mut problems).await;

    let mail = world.mail.wait_for(EMAIL, 1).await;
    assert!(mail[0].text.contains("Der Link gilt 30 Minuten"), "{}", mail[0].text);
    page.goto(mail[0].link(&world.issuer, "/password/reset")).await.unwrap();
    wait_for_text(&page, "Neues Passwort").await;
    screenshot(&page, "german-password-reset").await;
    crate::phone::audit(&page, "german-password-reset", &mut problems).await;
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    browser.close().await.unwrap();
}
