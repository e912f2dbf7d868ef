//! A person signs in to a relying party through the hosted login and consent, then
//! again with single sign-on and remembered consent.

use serde_json::Value;

use crate::harness::{EMAIL, PASSWORD, World, chromium, screenshot, wait_for_url};

const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

fn authorize_url(world: &World, state: &str) -> String {
    let redirect: String = url::form_urlencoded::byte_serialize(world.redirect_uri.as_bytes()).collect();
    format!(
        "{}/v1/oauth/authorize?response_type=code&client_id={}&redirect_uri={redirect}&scope=openid%20profile%20email\
         &state={state}&nonce=n-{state}&code_challenge={CHALLENGE}&code_challenge_method=S256",
        world.issuer, world.client_id
    )
}

fn param(url: &str, name: &str) -> Option<String> {
    url::Url::parse(url).unwrap().query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

async fn exchange(world: &World, code: &str) -> Value {
    let response = world
        .http
        .post(format!("{}/v1/oauth/token", world.issuer))
        .basic_auth(&world.client_id, Some(&world.client_secret))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", world.redirect_uri.as_str()),
            ("code_verifier", VERIFIER),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_signs_in_then_comes_back_without_any_page() {
    let world = World::start().await;
    let mut browser = chromium().await;
    let page = browser.new_page("about:blank").await.unwrap();

    page.goto(authorize_url(&world, "first")).await.unwrap();
    wait_for_url(&page, |u| u.contains("/login?request=")).await;
    screenshot(&page, "login").await;
    let title = page.get_title().await.unwrap().unwrap_or_default();
    assert!(title.contains("Sign in to Acme Web"), "{title}");
    page.find_element("#email").await.unwrap().click().await.unwrap().type_str(EMAIL).await.unwrap();
    page.find_element("#password").await.unwrap().click().await.unwrap().type_str(PASSWORD).await.unwrap();
    page.find_element("button[type=submit]").await.unwrap().click().await.unwrap();

    wait_for_url(&page, |u| u.contains("/consent?request=")).await;
    screenshot(&page, "consent").await;
    let consent = page.content().await.unwrap();
    assert!(consent.contains("See your e-mail address") && consent.contains(EMAIL), "{consent}");
    page.find_element("button[value=allow]").await.unwrap().click().await.unwrap();

    let landed = wait_for_url(&page, |u| u.starts_with(&world.redirect_uri)).await;
    screenshot(&page, "callback").await;
    assert_eq!(param(&landed, "state").as_deref(), Some("first"));
    let tokens = exchange(&world, &param(&landed, "code").unwrap()).await;
    assert!(tokens["id_token"].is_string() && tokens["refresh_token"].is_string(), "{tokens}");

    // Second visit: the SSO session and the remembered consent skip both pages.
    page.goto(authorize_url(&world, "second")).await.unwrap();
    let landed = wait_for_url(&page, |u| u.starts_with(&world.redirect_uri)).await;
    assert_eq!(param(&landed, "state").as_deref(), Some("second"));
    let tokens = exchange(&world, &param(&landed, "code").unwrap()).await;
    assert!(tokens["access_token"].is_string());

    browser.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_shows_a_message_beside_the_form() {
    let world = World::start().await;
    let mut browser = chromium().await;
    let page = browser.new_page("about:blank").await.unwrap();
    page.goto(authorize_url(&world, "oops")).await.unwrap();
    wait_for_url(&page, |u| u.contains("/login?request=")).await;
    page.find_element("#email").await.unwrap().click().await.unwrap().type_str(EMAIL).await.unwrap();
    page.find_element("#password").await.unwrap().click().await.unwrap().type_str("not my password").await.unwrap();
    page.find_element("button[type=submit]").await.unwrap().click().await.unwrap();
    wait_for_url(&page, |u| u.ends_with("/login")).await;
    let alert = page.find_element("[role=alert]").await.unwrap().inner_text().await.unwrap().unwrap_or_default();
    assert_eq!(alert, "Wrong e-mail or password.");
    let typed = page.find_element("#email").await.unwrap().property("value").await.unwrap();
    assert_eq!(typed.and_then(|v| v.as_str().map(str::to_owned)).as_deref(), Some(EMAIL), "what was typed is kept");
    screenshot(&page, "login-error").await;
    browser.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_form_post_the_response_reaches_the_application_as_a_post() {
    let world = World::start().await;
    let mut browser = chromium().await;
    let page = browser.new_page("about:blank").await.unwrap();
    page.goto(format!("{}&response_mode=form_post", authorize_url(&world, "posted"))).await.unwrap();
    crate::harness::hosted_sign_in(&page, EMAIL, |u| u.starts_with(&world.redirect_uri)).await;
    // The page's script submitted the form: the callback got a POST with the response.
    let requests = world.requests.lock().unwrap().clone();
    let (method, target, body) = requests.iter().find(|(_, t, _)| t.starts_with("/callback")).unwrap().clone();
    assert_eq!((method.as_str(), target.as_str()), ("POST", "/callback"), "{requests:?}");
    let field =
        |name: &str| url::form_urlencoded::parse(body.as_bytes()).find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
    assert_eq!(field("state").as_deref(), Some("posted"));
    let tokens = exchange(&world, &field("code").unwrap()).await;
    assert!(tokens["id_token"].is_string(), "{tokens}");
    browser.close().await.unwrap();
}
