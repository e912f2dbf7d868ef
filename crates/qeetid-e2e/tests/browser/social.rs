//! Social sign-in in the browser: the upstream provider is a second Qeet ID server
//! started here (a real OpenID provider) at `127.0.0.1`, ours at `localhost`. The
//! user picks "Continue with Upstream", signs in there, allows both consents, and
//! lands at the application. Then two tampered sign-ins are refused: a real ID token
//! with someone else's nonce, and a code issued to another client (another
//! audience). Screenshots: `target/screenshots/social-*.png`.

use qeetid_app::Application;
use qeetid_store::testing::TestDatabase;
use serde_json::{Value, json};

use crate::harness::{
    ADMIN_KEY, PASSWORD, World, chromium, click, fill, go_to_client_sign_in, read, screenshot, settings, wait_for_text,
    wait_for_url,
};

/// The page's cookies for our server, as a `Cookie` header (to follow one link by hand).
async fn browser_cookies(page: &chromiumoxide::Page) -> String {
    let cookies = page.get_cookies().await.unwrap();
    cookies.iter().map(|c| format!("{}={}", c.name, c.value)).collect::<Vec<_>>().join("; ")
}

const UPSTREAM_EMAIL: &str = "lin@upstream.example";

async fn post(http: &reqwest::Client, url: &str, body: Value) -> Value {
    let response =
        http.post(url).header("Authorization", format!("ApiKey {ADMIN_KEY}")).json(&body).send().await.unwrap();
    assert!(response.status().is_success(), "{url}: {}", response.status());
    response.json().await.unwrap()
}

/// A second server at `http://127.0.0.1:<port>` with a user and a client for us.
async fn upstream(world: &World) -> (String, Value, TestDatabase) {
    let db = TestDatabase::sqlite();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut settings = settings(&db);
    settings.listen = format!("127.0.0.1:{port}").parse().unwrap();
    settings.issuer = format!("http://127.0.0.1:{port}");
    let app = Application::build(settings).await.unwrap();
    let issuer = app.issuer().to_owned();
    tokio::spawn(app.run());
    let tenant = post(&world.http, &format!("{issuer}/v1/tenants"), json!({ "name": "Upstream" })).await;
    let tenant = tenant["tenant"]["id"].as_str().unwrap().to_owned();
    let user = json!({ "email": UPSTREAM_EMAIL, "password": PASSWORD, "name": "Lin", "email_verified": true });
    post(&world.http, &format!("{issuer}/v1/tenants/{tenant}/users"), user).await;
    let client = json!({
        "tenant_id": tenant, "name": "Acme via Upstream", "type": "confidential",
        "redirect_uris": [format!("{}/login/federated/callback", world.issuer)],
        "grant_types": ["authorization_code"], "scopes": ["openid", "email", "profile"]
    });
    let client = post(&world.http, &format!("{issuer}/v1/oidc/clients"), client).await;
    (issuer, client, db)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_signs_in_with_an_upstream_openid_provider() {
    let world = World::start().await;
    let (upstream_issuer, client, _upstream_db) = upstream(&world).await;
    let provider = json!({
        "kind": "oidc", "name": "Upstream", "issuer": upstream_issuer,
        "client_id": client["client"]["id"], "client_secret": client["client_secret"]
    });
    post(&world.http, &format!("{}/v1/tenants/{}/identity-providers", world.issuer, world.tenant), provider).await;

    let mut browser = chromium().await;
    let page = browser.new_page("about:blank").await.unwrap();
    go_to_client_sign_in(&world, &page).await;
    wait_for_url(&page, |u| u.contains("/login?request=")).await;
    wait_for_text(&page, "Continue with Upstream").await;
    screenshot(&page, "social-login").await;
    click(&page, "a.provider").await;

    // At the upstream provider: its own login and consent.
    wait_for_url(&page, |u| u.starts_with(&upstream_issuer) && u.contains("/login?request=")).await;
    fill(&page, "#email", UPSTREAM_EMAIL).await;
    fill(&page, "#password", PASSWORD).await;
    click(&page, "#login-form button[type=submit]").await;
    wait_for_url(&page, |u| u.contains("/consent?request=")).await;
    wait_for_text(&page, "Acme via Upstream").await;
    click(&page, "button[value=allow]").await;

    // Back with us: a new user, asked to consent to the application, then at the application.
    wait_for_url(&page, |u| u.starts_with(&world.issuer) && u.contains("/consent?request=")).await;
    wait_for_text(&page, "Acme Web").await;
    click(&page, "button[value=allow]").await;
    let landed = wait_for_url(&page, |u| u.starts_with(&world.redirect_uri)).await;
    assert!(landed.contains("code="), "{landed}");

    // A real ID token with the wrong nonce is refused: the request to the provider is
    // tampered with on its way (as an attacker replaying another sign-in would), the
    // provider signs the token it was asked for, and we see it is not ours.
    tampered_sign_in(&world, &page, &upstream_issuer, "nonce", "someone-elses-nonce").await;
    let refused = wait_for_text(&page, "nonce does not match").await;
    assert!(refused.contains("Upstream"), "{refused}");
    screenshot(&page, "social-rejected").await;
    // A code for another client (a token with another audience) is refused too: the
    // provider will not redeem it with our credentials.
    let other = json!({
        "tenant_id": client["client"]["tenant_id"], "name": "Someone else", "type": "confidential",
        "redirect_uris": [format!("{}/login/federated/callback", world.issuer)],
        "grant_types": ["authorization_code"], "scopes": ["openid", "email", "profile"]
    });
    let other = post(&world.http, &format!("{upstream_issuer}/v1/oidc/clients"), other).await;
    tampered_sign_in(&world, &page, &upstream_issuer, "client_id", other["client"]["id"].as_str().unwrap()).await;
    wait_for_text(&page, "invalid_grant").await;
    browser.close().await.unwrap();
}

/// Starts a sign-in with the upstream provider, replaces `name` in the request sent
/// there with `value`, and signs in at the provider; the browser then comes back to us.
async fn tampered_sign_in(world: &World, page: &chromiumoxide::Page, upstream_issuer: &str, name: &str, value: &str) {
    page.execute(chromiumoxide::cdp::browser_protocol::network::ClearBrowserCookiesParams::default()).await.unwrap();
    go_to_client_sign_in(world, page).await;
    wait_for_text(page, "Continue with Upstream").await;
    let start = read(page, "document.querySelector('a.provider').href").await;
    let response = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(&start)
        .header("Cookie", browser_cookies(page).await)
        .send()
        .await
        .unwrap();
    let mut url = url::Url::parse(response.headers()["location"].to_str().unwrap()).unwrap();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == name { value.to_owned() } else { v.into_owned() };
            (k.into_owned(), v)
        })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    page.goto(url.as_str()).await.unwrap();
    wait_for_url(page, |u| u.starts_with(upstream_issuer) && u.contains("/login?request=")).await;
    fill(page, "#email", UPSTREAM_EMAIL).await;
    fill(page, "#password", PASSWORD).await;
    click(page, "#login-form button[type=submit]").await;
    let at = wait_for_url(page, |u| u.contains("/consent?request=") || u.contains("/login/federated/callback")).await;
    if at.contains("/consent?request=") {
        click(page, "button[value=allow]").await;
    }
}
