//! A person connects a "TV": the test plays the device, asking for codes and
//! polling, while Chromium plays the person's phone at `verification_uri_complete`.

use std::time::Duration;

use serde_json::Value;

use crate::harness::{EMAIL, PASSWORD, World, chromium, screenshot, wait_for_url};

/// `POST /v1/oauth/device/code` as the device.
async fn start_device(world: &World) -> (u16, Value) {
    let response = world
        .http
        .post(format!("{}/v1/oauth/device/code", world.issuer))
        .basic_auth(&world.client_id, Some(&world.client_secret))
        .form(&[("scope", "openid email")])
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_approves_a_device_from_a_browser_while_it_polls() {
    let world = World::start().await;
    let (status, started) = start_device(&world).await;
    assert_eq!(status, 200, "{started}");
    let device_code = started["device_code"].as_str().unwrap().to_owned();
    let interval = started["interval"].as_u64().unwrap();

    // The device polls in the background, as a TV would, until it gets tokens.
    let poller = {
        let world_http = world.http.clone();
        let (issuer, id, secret) = (world.issuer.clone(), world.client_id.clone(), world.client_secret.clone());
        tokio::spawn(async move {
            let mut wait = interval;
            for _ in 0..30 {
                tokio::time::sleep(Duration::from_secs(wait)).await;
                let response = world_http
                    .post(format!("{issuer}/v1/oauth/token"))
                    .basic_auth(&id, Some(&secret))
                    .form(&[
                        ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                        ("device_code", &device_code),
                    ])
                    .send()
                    .await
                    .unwrap();
                let body: Value = response.json().await.unwrap();
                match body["error"].as_str() {
                    None => return body,
                    Some("authorization_pending") => {}
                    Some("slow_down") => wait += 5,
                    Some(other) => panic!("polling failed: {other}: {body}"),
                }
            }
            panic!("no tokens after 30 polls")
        })
    };

    let mut browser = chromium().await;
    let page = browser.new_page("about:blank").await.unwrap();
    page.goto(started["verification_uri_complete"].as_str().unwrap()).await.unwrap();
    wait_for_url(&page, |u| u.contains("/device?user_code=")).await;
    screenshot(&page, "device-code").await;
    let prefilled = page.find_element("#user_code").await.unwrap().property("value").await.unwrap();
    assert_eq!(prefilled.and_then(|v| v.as_str().map(str::to_owned)).as_deref(), started["user_code"].as_str());
    page.find_element("button[type=submit]").await.unwrap().click().await.unwrap();

    wait_for_url(&page, |u| u.contains("/login?request=")).await;
    page.find_element("#email").await.unwrap().click().await.unwrap().type_str(EMAIL).await.unwrap();
    page.find_element("#password").await.unwrap().click().await.unwrap().type_str(PASSWORD).await.unwrap();
    page.find_element("button[type=submit]").await.unwrap().click().await.unwrap();
    wait_for_url(&page, |u| u.contains("/consent?request=")).await;
    page.find_element("button[value=allow]").await.unwrap().click().await.unwrap();
    wait_for_url(&page, |u| u.ends_with("/device?result=approved")).await;
    screenshot(&page, "device-approved").await;
    assert!(page.content().await.unwrap().contains("Device connected"));

    let tokens = tokio::time::timeout(Duration::from_secs(60), poller).await.unwrap().unwrap();
    assert!(tokens["access_token"].is_string() && tokens["id_token"].is_string(), "{tokens}");
    browser.close().await.unwrap();
}
