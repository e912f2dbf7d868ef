//! A person signed in to two applications signs out at one; both hear of it: one
//! through a frame of the signed-out page (front-channel), the other by a logout
//! token the server POSTs (back-channel).

use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{EMAIL, World, admin_api, chromium, click, hosted_sign_in, screenshot, wait_for_url};

const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

fn authorize_url(world: &World, client_id: &str) -> String {
    let redirect: String = url::form_urlencoded::byte_serialize(world.redirect_uri.as_bytes()).collect();
    format!(
        "{}/v1/oauth/authorize?response_type=code&client_id={client_id}&redirect_uri={redirect}&scope=openid\
         &state=s&code_challenge={CHALLENGE}&code_challenge_method=S256",
        world.issuer
    )
}

/// The code in `landed` exchanged by `client_id`; answers the ID token.
async fn id_token(world: &World, client_id: &str, secret: &str, landed: &str) -> String {
    let code = url::Url::parse(landed).unwrap().query_pairs().find(|(k, _)| k == "code").unwrap().1.into_owned();
    let response = world
        .http
        .post(format!("{}/v1/oauth/token", world.issuer))
        .basic_auth(client_id, Some(secret))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", world.redirect_uri.as_str()),
            ("code_verifier", VERIFIER),
        ])
        .send()
        .await
        .unwrap();
    let tokens: Value = response.json().await.unwrap();
    tokens["id_token"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_of_one_application_signs_the_person_out_of_both() {
    let world = World::start().await;
    let origin = world.redirect_uri.trim_end_matches("/callback").to_owned();
    let goodbye = format!("{origin}/goodbye");
    // Acme Web hears by front channel; Acme Reports, on the same server, by back channel.
    admin_api(
        &world,
        Method::PATCH,
        &format!("/v1/tenants/{}/oidc/clients/{}", world.tenant, world.client_id),
        json!({ "post_logout_uris": [goodbye], "frontchannel_logout_uri": format!("{origin}/frontchannel"),
                "frontchannel_logout_session_required": true }),
    )
    .await;
    let reports = admin_api(
        &world,
        Method::POST,
        "/v1/oidc/clients",
        json!({ "tenant_id": world.tenant, "name": "Acme Reports", "type": "confidential",
                "redirect_uris": [world.redirect_uri], "backchannel_logout_uri": format!("{origin}/backchannel") }),
    )
    .await;
    let (reports_id, reports_secret) =
        (reports["client"]["id"].as_str().unwrap().to_owned(), reports["client_secret"].as_str().unwrap().to_owned());

    let mut browser = chromium().await;
    let page = browser.new_page("about:blank").await.unwrap();
    page.goto(authorize_url(&world, &world.client_id)).await.unwrap();
    let landed = hosted_sign_in(&page, EMAIL, |u| u.starts_with(&world.redirect_uri)).await;
    let web_token = id_token(&world, &world.client_id, &world.client_secret, &landed).await;
    page.goto(authorize_url(&world, &reports_id)).await.unwrap();
    let landed = wait_for_url(&page, |u| u.starts_with(&world.redirect_uri) || u.contains("/consent?")).await;
    let landed = if landed.contains("/consent?") {
        click(&page, "button[value=allow]").await;
        wait_for_url(&page, |u| u.starts_with(&world.redirect_uri)).await
    } else {
        landed
    };
    id_token(&world, &reports_id, &reports_secret, &landed).await;

    // Acme Web sends the person to sign out; they confirm.
    let back: String = url::form_urlencoded::byte_serialize(goodbye.as_bytes()).collect();
    page.goto(format!(
        "{}/v1/oauth/logout?id_token_hint={web_token}&post_logout_redirect_uri={back}&state=bye",
        world.issuer
    ))
    .await
    .unwrap();
    wait_for_url(&page, |u| u.contains("/v1/oauth/logout")).await;
    screenshot(&page, "logout-confirm").await;
    click(&page, "button[type=submit]").await;
    let gone = wait_for_url(&page, |u| u.starts_with(&goodbye)).await;
    assert!(gone.ends_with("state=bye"), "{gone}");

    // Front channel: the frame loaded Acme Web's page with iss and sid.
    let requests = world.requests.lock().unwrap().clone();
    let front = requests.iter().find(|(m, t, _)| m == "GET" && t.starts_with("/frontchannel?"));
    let (_, target, _) = front.unwrap_or_else(|| panic!("no front-channel request: {requests:?}"));
    assert!(target.contains("iss=") && target.contains("sid=ses_"), "{target}");

    // Back channel: Acme Reports got a logout token for it.
    for _ in 0..150 {
        let requests = world.requests.lock().unwrap().clone();
        if let Some((_, _, body)) = requests.iter().find(|(m, t, _)| m == "POST" && t == "/backchannel") {
            let token = url::form_urlencoded::parse(body.as_bytes()).find(|(k, _)| k == "logout_token").unwrap().1;
            use base64::Engine as _;
            let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(token.split('.').nth(1).unwrap());
            let claims: Value = serde_json::from_slice(&payload.unwrap()).unwrap();
            assert_eq!(claims["aud"], json!(reports_id), "{claims}");
            assert!(claims["sid"].as_str().is_some_and(|s| target.contains(s)), "the same session: {claims}");
            browser.close().await.unwrap();
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("Acme Reports never received a logout token");
}
