//! A tenant's branding through the admin API and on its hosted pages: a primary
//! colour refused below WCAG AA, a theme stylesheet with a dark-mode shade, and
//! the support and privacy links at the foot of each page.

use qeetid_store::testing::TestDatabase;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{Body, authorize_url, hidden, spawn_app};

pub(crate) async fn tenants_dress_their_pages_in_a_readable_colour_and_links(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    let path = format!("/v1/tenants/{}", realm.tenant);
    let patch = |branding: serde_json::Value| json!({ "branding": branding });

    // A colour too light for white text, and a link that is not https, are refused by name.
    let reply = app.admin(Method::PATCH, &path, Body::Json(patch(json!({ "primary_color": "#7ea2ff" })))).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
    assert_eq!(reply.body["field"], "branding.primary_color");
    assert!(reply.body["message"].as_str().unwrap().contains("2.5:1"), "{}", reply.body);
    let reply =
        app.admin(Method::PATCH, &path, Body::Json(patch(json!({ "support_url": "http://acme.example" })))).await;
    assert_eq!(
        (reply.status, &reply.body["field"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("branding.support_url"))
    );
    // Three broken at once: all three named, nothing saved.
    let three = json!({ "primary_color": "#7ea2ff", "support_url": "http://acme.example", "privacy_url": "ftp://x",
                        "default_locale": "en" });
    let reply = app.admin(Method::PATCH, &path, Body::Json(patch(three))).await;
    let fields: Vec<&str> =
        reply.body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["branding.primary_color", "branding.support_url", "branding.privacy_url"], "{}", reply.body);

    let branding = json!({ "primary_color": "#0F766E", "support_url": "https://acme.example/help",
                           "privacy_url": "https://acme.example/privacy" });
    let reply = app.admin(Method::PATCH, &path, Body::Json(patch(branding))).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.body["tenant"]["branding"]["primary_color"], "#0f766e");
    // A tenant's own key may set it too; parts left out stay.
    let key = app.tenant_key(&realm.tenant).await;
    let body = Body::Json(patch(json!({ "privacy_url": "" })));
    let reply = app.call(Method::PATCH, &path, Some(&key), body).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(
        reply.body["tenant"]["branding"],
        json!({ "primary_color": "#0f766e",
        "support_url": "https://acme.example/help", "privacy_url": null, "default_locale": "en", "logo_url": null })
    );

    // The login page carries the tenant's name, theme and help link.
    let (_, location, _) = app.browse(&authorize_url(&app, &realm.client_id, "openid", "s", "")).await;
    let (status, _, login) = app.browse(&location.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(login.contains(r#"<p class="brand-name">Acme</p>"#), "{login}");
    assert!(login.contains("https:&#x2F;&#x2F;acme.example&#x2F;help") && !login.contains(">Privacy</a>"), "{login}");
    let unescaped = login.replace("&#x2F;", "/");
    let start = unescaped.find("/branding/").expect("a theme stylesheet");
    let theme = unescaped[start..].split('"').next().unwrap().to_owned();
    let response = app.http.get(format!("{}{theme}", app.issuer)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{theme}");
    assert_eq!(response.headers()["cache-control"], "public, max-age=31536000, immutable");
    let css = response.text().await.unwrap();
    assert!(css.contains("--accent: #0f766e") && css.contains("prefers-color-scheme: dark"), "{css}");
    // The same page's forms still work (branding changes nothing else).
    assert!(!hidden(&login, "csrf_token").is_empty());

    // Cleared, the page is the built-in one again.
    let reply = app.admin(Method::PATCH, &path, Body::Json(patch(json!({ "primary_color": "" })))).await;
    assert_eq!(reply.body["tenant"]["branding"]["primary_color"], json!(null));
    let (_, location, _) = app.browse(&authorize_url(&app, &realm.client_id, "openid", "t", "")).await;
    let (_, _, login) = app.browse(&location.unwrap()).await;
    assert!(!login.replace("&#x2F;", "/").contains("/branding/"), "{login}");
}

pub(crate) async fn a_deployment_replaces_templates_from_a_directory(db: &TestDatabase) {
    let dir = std::env::temp_dir().join(format!("qeetid-it-templates-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let login = include_str!("../../../../web-templates/login.html")
        .replace(r#"<h1>{{ t(key="login-title") }}</h1>"#, "<h1>Welcome to Acme Cloud</h1>");
    std::fs::write(dir.join("login.html"), login).unwrap();
    let mut settings = crate::support::settings(db);
    settings.templates_dir = dir.display().to_string();
    let app = crate::support::spawn_app_with(settings).await;
    let realm = app.realm().await;
    let (_, location, _) = app.browse(&authorize_url(&app, &realm.client_id, "openid", "s", "")).await;
    let (status, _, page) = app.browse(&location.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<h1>Welcome to Acme Cloud</h1>") && page.contains("Forgot password?"), "{page}");
    // A file that names no template stops the server at start, naming it.
    std::fs::write(dir.join("lgoin.html"), "typo").unwrap();
    let mut settings = crate::support::settings(db);
    settings.templates_dir = dir.display().to_string();
    let refused = qeetid_app::Application::build(settings).await.err().expect("refused").to_string();
    assert!(refused.contains("lgoin.html names no template"), "{refused}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `PUT /v1/tenants/{id}/logo` with `bytes` as `content_type`, as the deployment.
async fn upload(
    app: &crate::support::TestApp,
    tenant: &str,
    content_type: &str,
    bytes: Vec<u8>,
) -> (StatusCode, serde_json::Value) {
    let response = app
        .http
        .put(format!("{}/v1/tenants/{tenant}/logo", app.base))
        .header("Authorization", format!("ApiKey {}", crate::support::ADMIN_KEY))
        .header("Content-Type", content_type)
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

pub(crate) async fn a_tenant_uploads_a_logo_served_under_its_content_hash(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR acme logo".to_vec();

    // Refused: SVG (scripts), a type that is not what it says, and an image too large to read.
    let (status, body) = upload(&app, &realm.tenant, "image/svg+xml", b"<svg onload='alert(1)'/>".to_vec()).await;
    assert_eq!((status, &body["field"]), (StatusCode::UNPROCESSABLE_ENTITY, &json!("logo")), "{body}");
    assert!(body["message"].as_str().unwrap().contains("SVG"), "{body}");
    let (status, body) = upload(&app, &realm.tenant, "image/jpeg", png.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let big = [png.clone(), vec![0; 300 * 1024]].concat();
    let (status, body) = upload(&app, &realm.tenant, "image/png", big).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");

    let (status, body) = upload(&app, &realm.tenant, "image/png", png.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let logo = body["tenant"]["branding"]["logo_url"].as_str().unwrap().to_owned();
    assert!(logo.starts_with(&format!("/branding/{}/logo-", realm.tenant)) && logo.ends_with(".png"), "{logo}");

    // Served as what it is, cached for good, never sniffed into something else.
    let response = app.http.get(format!("{}{logo}", app.issuer)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "image/png");
    assert_eq!(response.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    assert_eq!(response.bytes().await.unwrap().to_vec(), png);

    // The login page shows it beside the tenant's name.
    let (_, location, _) = app.browse(&authorize_url(&app, &realm.client_id, "openid", "s", "")).await;
    let (_, _, login) = app.browse(&location.unwrap()).await;
    assert!(
        login.replace("&#x2F;", "/").contains(&format!(r#"<img class="brand-logo" src="{logo}" alt="">"#)),
        "{login}"
    );

    // Another tenant's key cannot touch it.
    let other = app.tenant("Other").await;
    let key = app.tenant_key(&other).await;
    let reply = app.call(Method::DELETE, &format!("/v1/tenants/{}/logo", realm.tenant), Some(&key), Body::None).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.body);

    // A new image gets a new name; the old one is gone. Removed, there is none.
    let jpeg = vec![0xff, 0xd8, 0xff, 0xe0, 0, 0x10, b'J', b'F', b'I', b'F'];
    let (_, body) = upload(&app, &realm.tenant, "image/jpeg", jpeg).await;
    let second = body["tenant"]["branding"]["logo_url"].as_str().unwrap().to_owned();
    assert!(second.ends_with(".jpg") && second != logo, "{second}");
    let stale = app.http.get(format!("{}{logo}", app.issuer)).send().await.unwrap();
    assert_eq!(stale.status(), StatusCode::NOT_FOUND);
    let reply = app.admin(Method::DELETE, &format!("/v1/tenants/{}/logo", realm.tenant), Body::None).await;
    assert_eq!((reply.status, &reply.body["tenant"]["branding"]["logo_url"]), (StatusCode::OK, &json!(null)));
    let gone = app.http.get(format!("{}{second}", app.issuer)).send().await.unwrap();
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
}
