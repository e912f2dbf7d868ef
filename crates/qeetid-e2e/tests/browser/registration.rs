//! A tool registers itself with an initial access token, then a person signs in to
//! it on a phone-sized screen: the consent page says the app registered itself and
//! which site it names, so a borrowed name fools nobody.

use chromiumoxide::cdp::browser_protocol::emulation::SetDeviceMetricsOverrideParams;
use serde_json::{Value, json};

use crate::harness::{
    ADMIN_KEY, EMAIL, PASSWORD, World, chromium, click, fill, screenshot, wait_for_text, wait_for_url,
};

const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_self_registered_app_is_named_as_such_on_a_phone() {
    let world = World::start().await;
    let path = format!("{}/v1/tenants/{}/oauth/initial-access-tokens", world.issuer, world.tenant);
    let created: Value = world
        .http
        .post(path)
        .header("Authorization", format!("ApiKey {ADMIN_KEY}"))
        .json(&json!({ "label": "tools" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = created["token"].as_str().unwrap();
    let metadata = json!({
        "client_name": "Acme Web",
        "client_uri": "https://tools.example",
        "redirect_uris": [world.redirect_uri],
        "token_endpoint_auth_method": "none",
    });
    let registered: Value = world
        .http
        .post(format!("{}/v1/oauth/register", world.issuer))
        .bearer_auth(token)
        .json(&metadata)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let client_id = registered["client_id"].as_str().unwrap();

    let mut browser = chromium().await;
    let page = browser.new_page("about:blank").await.unwrap();
    page.execute(SetDeviceMetricsOverrideParams::new(360, 800, 2.0, true)).await.unwrap();
    let redirect: String = url::form_urlencoded::byte_serialize(world.redirect_uri.as_bytes()).collect();
    page.goto(format!(
        "{}/v1/oauth/authorize?response_type=code&client_id={client_id}&redirect_uri={redirect}&scope=openid%20email\
         &state=s&code_challenge={CHALLENGE}&code_challenge_method=S256",
        world.issuer
    ))
    .await
    .unwrap();
    wait_for_url(&page, |u| u.contains("/login?request=")).await;
    fill(&page, "#email", EMAIL).await;
    fill(&page, "#password", PASSWORD).await;
    click(&page, "button[type=submit]").await;
    wait_for_url(&page, |u| u.contains("/consent?request=")).await;
    let consent = wait_for_text(&page, "registered itself").await;
    assert!(consent.contains("<strong>tools.example</strong>"), "{consent}");
    screenshot(&page, "consent-self-registered-phone").await;
    click(&page, "button[value=allow]").await;
    let landed = wait_for_url(&page, |u| u.starts_with(&world.redirect_uri)).await;
    assert!(landed.contains("code="), "{landed}");
    browser.close().await.unwrap();
}
