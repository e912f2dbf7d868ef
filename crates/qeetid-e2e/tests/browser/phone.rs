//! Every page a person meets, of a tenant with its own colour, on a 360-px phone in
//! light and dark mode: no page scrolls sideways, text meets WCAG AA contrast and
//! controls' edges 3:1 (checked by `audit.js` in the page). Screenshots go to
//! `target/screenshots/phone-*.png`.

use chromiumoxide::Page;
use chromiumoxide::cdp::browser_protocol::dom::SetFileInputFilesParams;
use chromiumoxide::cdp::browser_protocol::emulation::{
    MediaFeature, SetDeviceMetricsOverrideParams, SetEmulatedMediaParams,
};
use chromiumoxide::page::ScreenshotParams;
use serde_json::json;

use crate::harness::{
    PASSWORD, World, admin_api, chromium, click, fill, go_to_client_sign_in, read, wait_for_text, wait_for_url,
};

const ADMIN: &str = "ada-admin@example.com";
const AUDIT: &str = include_str!("audit.js");

/// Audits the page as it is, in light and in dark mode; adds what is wrong to `problems`.
pub(crate) async fn audit(page: &Page, name: &str, problems: &mut Vec<String>) {
    // Set again on every page: a navigation to another origin can leave the emulation behind.
    page.execute(SetDeviceMetricsOverrideParams::new(360, 780, 2.0, true)).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let width = read(page, "String(window.innerWidth)").await;
    assert_eq!(width, "360", "{name} is not seen at phone width");
    for scheme in ["light", "dark"] {
        let feature = MediaFeature { name: "prefers-color-scheme".into(), value: scheme.into() };
        page.execute(SetEmulatedMediaParams { media: None, features: Some(vec![feature]) }).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let found: Vec<String> = serde_json::from_str(&read(page, AUDIT).await).unwrap();
        problems.extend(found.into_iter().map(|p| format!("{name} ({scheme}): {p}")));
        // The viewport only: a full-page capture would widen the page to its content.
        let file = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join(format!("../../target/screenshots/phone-{name}-{scheme}.png"));
        page.save_screenshot(ScreenshotParams::builder().build(), file).await.unwrap();
    }
    let light = MediaFeature { name: "prefers-color-scheme".into(), value: "light".into() };
    page.execute(SetEmulatedMediaParams { media: None, features: Some(vec![light]) }).await.unwrap();
}

async fn visit(page: &Page, world: &World, path: &str, text: &str, problems: &mut Vec<String>, name: &str) {
    page.goto(format!("{}{path}", world.issuer)).await.unwrap();
    wait_for_text(page, text).await;
    audit(page, name, problems).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_fits_a_phone_and_can_be_read_in_light_and_dark_mode() {
    let world = World::start().await;
    let tenant = world.tenant.clone();
    // A branded tenant: the audit checks its colour (and the dark shade made from it) too.
    let settings = json!({ "self_sign_up": true, "branding": { "primary_color": "#0f766e",
        "support_url": "https://acme.example/help", "privacy_url": "https://acme.example/privacy" } });
    admin_api(&world, reqwest::Method::PATCH, &format!("/v1/tenants/{tenant}"), settings).await;
    let admin =
        json!({ "email": ADMIN, "password": PASSWORD, "name": "Ada", "admin_role": "tenant", "email_verified": true });
    admin_api(&world, reqwest::Method::POST, &format!("/v1/tenants/{tenant}/users"), admin).await;
    let mut browser = chromium().await;
    let page = browser.new_page("about:blank").await.unwrap();
    page.execute(SetDeviceMetricsOverrideParams::new(360, 780, 2.0, true)).await.unwrap();
    let mut problems = Vec::new();

    // The hosted pages of a sign-in.
    go_to_client_sign_in(&world, &page).await;
    let login = wait_for_url(&page, |u| u.contains("/login?request=")).await;
    wait_for_text(&page, "Create account").await;
    audit(&page, "login", &mut problems).await;
    let request = login.split("request=").nth(1).unwrap().split('&').next().unwrap().to_owned();
    visit(&page, &world, &format!("/signup?request={request}"), "Create your account", &mut problems, "signup").await;
    visit(
        &page,
        &world,
        &format!("/password/forgot?request={request}"),
        "Reset your password",
        &mut problems,
        "forgot",
    )
    .await;
    fill(&page, "#email", ADMIN).await;
    click(&page, "#forgot-form button[type=submit]").await;
    wait_for_text(&page, "If an account exists for").await;
    audit(&page, "forgot-sent", &mut problems).await;
    let mail = world.mail.wait_for(ADMIN, 1).await;
    page.goto(mail[0].link(&world.issuer, "/password/reset")).await.unwrap();
    wait_for_text(&page, "Choose a new password").await;
    audit(&page, "reset", &mut problems).await;
    page.goto(login.clone()).await.unwrap();
    wait_for_text(&page, "Forgot password?").await;
    fill(&page, "#email", ADMIN).await;
    fill(&page, "#password", PASSWORD).await;
    click(&page, "#login-form button[type=submit]").await;
    wait_for_url(&page, |u| u.contains("/consent?request=")).await;
    audit(&page, "consent", &mut problems).await;
    click(&page, "button[value=allow]").await;
    wait_for_url(&page, |u| u.starts_with(&world.redirect_uri)).await;
    visit(&page, &world, "/login?request=arq_unknown", "Cannot continue", &mut problems, "error").await;
    visit(&page, &world, "/device", "code", &mut problems, "device").await;

    // The account page, on the same session.
    visit(&page, &world, &format!("/account?tenant={tenant}"), "Connected applications", &mut problems, "account")
        .await;

    // The dashboard, signed in by the same session.
    page.goto(format!("{}/admin/t/{tenant}/clients", world.issuer)).await.unwrap();
    wait_for_url(&page, |u| u.ends_with("/clients")).await;
    wait_for_text(&page, "Acme Web").await;
    audit(&page, "dashboard-clients", &mut problems).await;
    let admin_pages = [
        ("clients/new", "Redirect URIs", "dashboard-client-new"),
        (&format!("clients/{}", world.client_id), "Redirect URIs", "dashboard-client"),
        ("grants", "Acme Web", "dashboard-grants"),
        ("users", "Sign-in rules", "dashboard-users"),
        ("events", "Events", "dashboard-events"),
        ("keys", "API keys", "dashboard-keys"),
        ("registration", "Registration", "dashboard-registration"),
        ("providers", "Add a provider", "dashboard-providers"),
        // Last: the logo is uploaded on this page next.
        ("branding", "Primary colour", "dashboard-branding"),
    ];
    for (path, text, name) in admin_pages {
        visit(&page, &world, &format!("/admin/t/{tenant}/{path}"), text, &mut problems, name).await;
    }
    // A logo uploaded on the Branding page shows on the tenant's pages (and passes the audit there).
    let logo = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/browser/logo.png");
    let input = page.find_element("#logo").await.unwrap();
    let upload = SetFileInputFilesParams::builder()
        .file(logo.display().to_string())
        .backend_node_id(input.backend_node_id)
        .build()
        .unwrap();
    page.execute(upload).await.unwrap();
    click(&page, "#logo-form button[type=submit]").await;
    wait_for_text(&page, "Remove the logo").await;
    audit(&page, "dashboard-branding-logo", &mut problems).await;
    page.goto(format!("{}/password/forgot?tenant={tenant}", world.issuer)).await.unwrap();
    wait_for_text(&page, "Reset your password").await;
    let shown = read(&page, "String(document.querySelector('img.brand-logo')?.naturalWidth ?? 0)").await;
    assert_eq!(shown, "160", "the tenant's pages show the uploaded logo");
    audit(&page, "forgot-logo", &mut problems).await;

    page.goto(format!("{}/admin/t/{tenant}/users", world.issuer)).await.unwrap();
    wait_for_text(&page, ADMIN).await;
    let href = read(
        &page,
        &format!("[...document.querySelectorAll('a')].find(a => a.textContent.trim() === {}).href", json!(ADMIN)),
    )
    .await;
    page.goto(href).await.unwrap();
    wait_for_text(&page, "Sessions").await;
    audit(&page, "dashboard-user", &mut problems).await;

    browser.close().await.unwrap();
    assert!(problems.is_empty(), "{} problem(s):\n{}", problems.len(), problems.join("\n"));
}
