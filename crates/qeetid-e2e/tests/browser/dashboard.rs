//! An admin runs the dashboard as a person would: signs in through the hosted login,
//! registers a client and copies its secret, edits its redirect URIs (a mistake
//! first), rotates and deletes it, revokes a user's grant (whose refresh token then
//! stops working), creates a user, and is refused another tenant. Screenshots of each main page go
//! to `target/screenshots/dashboard-*.png`.

use chromiumoxide::cdp::browser_protocol::emulation::{
    ClearDeviceMetricsOverrideParams, MediaFeature, SetDeviceMetricsOverrideParams, SetEmulatedMediaParams,
};
use chromiumoxide::cdp::browser_protocol::network::ClearBrowserCookiesParams;
use serde_json::json;

use crate::harness::{
    EMAIL, PASSWORD, World, admin_api, chromium, click, fill, hosted_sign_in, read, screenshot, set_value, token,
    user_signs_in_to_the_client, wait_for_text, wait_for_url,
};

const ADMIN: &str = "ada-admin@example.com";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_manages_clients_and_grants_in_the_browser() {
    let world = World::start().await;
    let tenant = world.tenant.clone();
    admin_api(
        &world,
        reqwest::Method::POST,
        &format!("/v1/tenants/{tenant}/users"),
        json!({ "email": ADMIN, "password": PASSWORD, "admin_role": "tenant" }),
    )
    .await;
    let other =
        admin_api(&world, reqwest::Method::POST, "/v1/tenants", json!({ "name": "Globex" })).await["tenant"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
    let mut browser = chromium().await;
    let page = browser.new_page("about:blank").await.unwrap();

    // A user signs in to Acme Web and keeps a refresh token.
    let refresh_token = user_signs_in_to_the_client(&world, &page).await;
    page.execute(ClearBrowserCookiesParams::default()).await.unwrap();

    // The admin signs in: the dashboard is one link away from the home page.
    page.goto(format!("{}/", world.issuer)).await.unwrap();
    click(&page, "a[href='/admin']").await;
    wait_for_url(&page, |u| u.ends_with("/admin")).await;
    screenshot(&page, "dashboard-sign-in").await;
    fill(&page, "#tenant", &tenant).await;
    click(&page, "button[type=submit]").await;
    let clients = format!("{}/admin/t/{tenant}/clients", world.issuer);
    hosted_sign_in(&page, ADMIN, |u| u.starts_with(&clients)).await;
    let list = wait_for_text(&page, "Acme Web").await;
    assert!(list.contains(ADMIN), "{list}");
    screenshot(&page, "dashboard-clients").await;

    // Register a confidential client; its secret is shown once, with a copy button.
    click(&page, "a[href$='/clients/new']").await;
    wait_for_url(&page, |u| u.ends_with("/clients/new")).await;
    fill(&page, "#name", "Billing").await;
    set_value(&page, "#redirect_uris", "https://billing.example/cb").await;
    click(&page, "form.form button[type=submit]").await;
    wait_for_text(&page, "Store the secret now — it is not retrievable later.").await;
    let secret = read(&page, "document.querySelector('#secret').value").await;
    assert!(secret.starts_with("qcs_"));
    screenshot(&page, "dashboard-secret").await;
    click(&page, "button[data-copy]").await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let label = read(&page, "document.querySelector('button[data-copy]').innerText").await;
    assert_ne!(label, "Copy", "the copy button answered");

    // Edit its redirect URIs: a mistake is shown beside the field, then fixed.
    click(&page, "main p:last-of-type a").await;
    let client_page = wait_for_url(&page, |u| u.contains("/clients/qci_")).await;
    set_value(&page, "#redirect_uris", "https://billing.example/cb\nhttp://billing.example/cb2").await;
    click(&page, "form.form button[type=submit]").await;
    let refused = wait_for_text(&page, r#"id="redirect_uris-error""#).await;
    assert!(refused.contains("Line 2: http is allowed"), "the line is named in form terms: {refused}");
    screenshot(&page, "dashboard-client-error").await;
    set_value(&page, "#redirect_uris", "https://billing.example/cb\nhttps://billing.example/cb2").await;
    click(&page, "form.form button[type=submit]").await;
    wait_for_url(&page, |u| u.ends_with("?done=saved")).await;
    wait_for_text(&page, "Changes saved.").await;

    // Logout notices: a front-channel page off the redirect URIs' origin is refused
    // beside its field; on it, both URIs are kept.
    fill(&page, "#backchannel_logout_uri", "https://billing.example/logout").await;
    fill(&page, "#frontchannel_logout_uri", "https://elsewhere.example/fc").await;
    click(&page, "form.form button[type=submit]").await;
    let refused = wait_for_text(&page, r#"id="frontchannel-error""#).await;
    assert!(refused.contains("redirect URIs"), "{refused}");
    set_value(&page, "#frontchannel_logout_uri", "https://billing.example/fc").await;
    click(&page, "form.form button[type=submit]").await;
    wait_for_url(&page, |u| u.ends_with("?done=saved")).await;
    let saved = wait_for_text(&page, "Changes saved.").await;
    assert!(saved.contains("billing.example&#x2F;fc") || saved.contains("billing.example/fc"), "{saved}");
    screenshot(&page, "dashboard-client-logout").await;

    // Pairwise subjects and request objects: a plain-http JWK Set URI is refused beside its field.
    click(&page, "input[name=subject_type]").await;
    fill(&page, "#jwks_uri", "http://billing.example/jwks.json").await;
    set_value(&page, "#request_uris", "https://billing.example/requests/1").await;
    click(&page, "form.form button[type=submit]").await;
    let refused = wait_for_text(&page, r#"id="jwks-error""#).await;
    assert!(refused.contains("https"), "{refused}");
    set_value(&page, "#jwks_uri", "https://billing.example/jwks.json").await;
    click(&page, "form.form button[type=submit]").await;
    wait_for_url(&page, |u| u.ends_with("?done=saved")).await;
    let saved = wait_for_text(&page, "Changes saved.").await;
    assert!(saved.contains(r#"name="subject_type" value="pairwise" checked"#), "{saved}");
    assert!(saved.contains("billing.example&#x2F;requests&#x2F;1") || saved.contains("billing.example/requests/1"));

    // Rotate, then delete after a confirmation naming the client.
    click(&page, "form[action$='/rotate-secret'] button[type=submit]").await;
    wait_for_url(&page, |u| u.ends_with("/rotate-secret")).await;
    wait_for_text(&page, "Store the secret now").await;
    let rotated = read(&page, "document.querySelector('#secret').value").await;
    assert_ne!(rotated, secret);
    page.goto(format!("{client_page}/delete")).await.unwrap();
    wait_for_url(&page, |u| u.ends_with("/delete")).await;
    wait_for_text(&page, "Delete “Billing”?").await;
    screenshot(&page, "dashboard-delete").await;
    click(&page, "button.danger").await;
    wait_for_url(&page, |u| u.ends_with("?done=deleted")).await;
    let after = wait_for_text(&page, "The client was deleted.").await;
    assert!(!after.contains("Billing"), "{after}");

    // Revoke the user's grant to Acme Web, found by the client's name: their refresh token stops working.
    page.goto(format!("{}/admin/t/{tenant}/grants", world.issuer)).await.unwrap();
    fill(&page, "input[name=client]", "acme web").await;
    click(&page, "form.search button[type=submit]").await;
    wait_for_url(&page, |u| u.contains("client=acme+web")).await;
    wait_for_text(&page, ">Acme Web</a>").await;
    screenshot(&page, "dashboard-grants").await;
    click(&page, "form[action$='/revoke'] button").await;
    wait_for_url(&page, |u| u.ends_with("?done=revoked")).await;
    let (status, body) = token(&world, &[("grant_type", "refresh_token"), ("refresh_token", &refresh_token)]).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");

    // Users: create one from the form (the role picker offers no deployment role to a tenant admin).
    page.goto(format!("{}/admin/t/{tenant}/users", world.issuer)).await.unwrap();
    wait_for_text(&page, EMAIL).await;
    click(&page, "details summary").await;
    fill(&page, "#email", "linus@example.com").await;
    fill(&page, "#password", "a-long-enough-password").await;
    click(&page, "form[action$='/users/new'] button[type=submit]").await;
    wait_for_text(&page, "The user was created.").await;
    screenshot(&page, "dashboard-users").await;
    // The user's page shows where they are signed in (they signed in above); disable them.
    let open_user =
        format!("[...document.querySelectorAll('td a')].find(a => a.textContent === {}).click()", json!(EMAIL));
    page.evaluate(open_user).await.unwrap();
    let user_page = wait_for_text(&page, "Disable user").await;
    assert!(user_page.contains("password") && !user_page.contains("Not signed in anywhere."), "{user_page}");
    screenshot(&page, "dashboard-user").await;
    click(&page, "form[action$='/disable'] button").await;
    wait_for_text(&page, "The user was disabled and signed out everywhere.").await;
    wait_for_text(&page, "Not signed in anywhere.").await;

    // Events: what just happened, by whom (the admin, by e-mail of the user concerned).
    page.goto(format!("{}/admin/t/{tenant}/events?type=admin.change", world.issuer)).await.unwrap();
    let events = wait_for_text(&page, "user.updated").await;
    assert!(events.contains("client.deleted") && events.contains(EMAIL), "{events}");
    screenshot(&page, "dashboard-events").await;

    // Registration: a token for dynamic registration, shown once.
    page.goto(format!("{}/admin/t/{tenant}/registration", world.issuer)).await.unwrap();
    wait_for_text(&page, "No registration tokens").await;
    fill(&page, "input[name=label]", "CI pipeline").await;
    fill(&page, "input[name=max_uses]", "5").await;
    click(&page, "form[action$='/registration/new'] button[type=submit]").await;
    wait_for_text(&page, "qit_").await;
    screenshot(&page, "dashboard-registration-token").await;
    page.goto(format!("{}/admin/t/{tenant}/registration", world.issuer)).await.unwrap();
    wait_for_text(&page, "CI pipeline").await;
    screenshot(&page, "dashboard-registration").await;
    // The same page and the client list on a phone, in dark mode (screenshots to look at).
    page.execute(SetDeviceMetricsOverrideParams::new(360, 800, 2.0, true)).await.unwrap();
    let dark = MediaFeature { name: "prefers-color-scheme".into(), value: "dark".into() };
    page.execute(SetEmulatedMediaParams { media: None, features: Some(vec![dark]) }).await.unwrap();
    page.goto(format!("{}/admin/t/{tenant}/registration", world.issuer)).await.unwrap();
    wait_for_text(&page, "CI pipeline").await;
    screenshot(&page, "dashboard-registration-phone-dark").await;
    page.goto(format!("{}/admin/t/{tenant}/clients", world.issuer)).await.unwrap();
    wait_for_text(&page, "built-in").await;
    screenshot(&page, "dashboard-clients-phone-dark").await;
    page.execute(ClearDeviceMetricsOverrideParams::default()).await.unwrap();
    page.execute(SetEmulatedMediaParams { media: None, features: Some(vec![]) }).await.unwrap();

    // Another tenant is refused, even by a hand-made URL.
    page.goto(format!("{}/admin/t/{other}/clients", world.issuer)).await.unwrap();
    wait_for_url(&page, |u| u.contains(&other)).await;
    let refused = wait_for_text(&page, "Not your tenant").await;
    assert!(!refused.contains("Globex"), "{refused}");

    browser.close().await.unwrap();
}
