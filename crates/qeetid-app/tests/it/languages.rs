//! The hosted pages, their messages and e-mail in the reader's language: the
//! request's `ui_locales`, then the browser's `Accept-Language`, then the tenant's
//! default.

use qeetid_mail::testing::SmtpSink;
use qeetid_store::testing::TestDatabase;
use reqwest::header::{ACCEPT_LANGUAGE, LOCATION};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{Body, EMAIL, PASSWORD, TestApp, authorize_url, hidden, settings, spawn_app_with};

/// A GET or form POST with `Accept-Language: language` (or none), in the app's browser.
async fn visit(
    app: &TestApp,
    language: Option<&str>,
    path: &str,
    form: Option<&[(&str, &str)]>,
) -> (StatusCode, Option<String>, String) {
    let url = if path.starts_with('/') { format!("{}{path}", app.issuer) } else { path.to_owned() };
    let mut request = match form {
        Some(fields) => app.http.post(&url).form(fields),
        None => app.http.get(&url),
    };
    if let Some(language) = language {
        request = request.header(ACCEPT_LANGUAGE, language);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let location = response.headers().get(LOCATION).map(|l| l.to_str().unwrap().to_owned());
    (status, location, response.text().await.unwrap())
}

/// The login page of a new sign-in (`extra` is added to the authorization request).
async fn login_page(app: &TestApp, client: &str, language: Option<&str>, extra: &str) -> String {
    let (status, location, body) =
        visit(app, language, &authorize_url(app, client, "openid%20email", "s", extra), None).await;
    assert_eq!(status, StatusCode::FOUND, "{body}");
    let (status, _, page) = visit(app, language, &location.unwrap(), None).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page
}

pub(crate) async fn pages_and_mail_speak_the_readers_language(db: &TestDatabase) {
    let sink = SmtpSink::start().await;
    let mut settings = settings(db);
    settings.smtp_url = sink.url.clone();
    let app = spawn_app_with(settings).await;
    let realm = app.realm().await;
    let german = Some("de-DE,de;q=0.9,en;q=0.5");

    // The discovery document names every language.
    let (_, _, discovery) = visit(&app, None, "/.well-known/openid-configuration", None).await;
    let discovery: serde_json::Value = serde_json::from_str(&discovery).unwrap();
    assert_eq!(discovery["ui_locales_supported"], json!(["en", "de", "fr", "es"]));

    // A German browser gets the login page, and its refusal, in German.
    let login = login_page(&app, &realm.client_id, german, "").await;
    assert!(login.contains(r#"<html lang="de">"#) && login.contains("Passwort vergessen?"), "{login}");
    let request = hidden(&login, "request");
    let csrf = hidden(&login, "csrf_token");
    let wrong = [("request", request.as_str()), ("csrf_token", &csrf), ("email", EMAIL), ("password", "not it!!")];
    let (status, _, refused) = visit(&app, german, "/login", Some(&wrong)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{refused}");
    assert!(refused.contains("E-Mail oder Passwort ist falsch."), "{refused}");

    // Signed in, the consent page names the scopes in German.
    let right = [("request", request.as_str()), ("csrf_token", &csrf), ("email", EMAIL), ("password", PASSWORD)];
    let (status, location, body) = visit(&app, german, "/login", Some(&right)).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let (_, _, consent) = visit(&app, german, &location.unwrap(), None).await;
    assert!(consent.contains("Acme Web erlauben?") && consent.contains("Ihre E-Mail-Adresse sehen"), "{consent}");

    // The request's ui_locales win over the browser's language (prompt=login: this
    // browser is signed in now).
    let french = login_page(&app, &realm.client_id, german, "&prompt=login&ui_locales=pt-BR%20fr-CA").await;
    assert!(french.contains(r#"<html lang="fr">"#) && french.contains("Mot de passe oublié ?"), "{french}");

    // With neither, the tenant's default; a language without a catalogue is refused by name.
    let path = format!("/v1/tenants/{}", realm.tenant);
    let reply = app.admin(Method::PATCH, &path, Body::Json(json!({ "branding": { "default_locale": "pt" } }))).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
    assert_eq!(reply.body["field"], "branding.default_locale");
    let reply = app.admin(Method::PATCH, &path, Body::Json(json!({ "branding": { "default_locale": "es" } }))).await;
    assert_eq!(reply.body["tenant"]["branding"]["default_locale"], "es", "{}", reply.body);
    let spanish = login_page(&app, &realm.client_id, None, "&prompt=login").await;
    assert!(spanish.contains(r#"<html lang="es">"#) && spanish.contains("¿Olvidaste tu contraseña?"), "{spanish}");
    let english = login_page(&app, &realm.client_id, Some("en-GB"), "&prompt=login").await;
    assert!(english.contains("Forgot password?"), "the browser's English beats the tenant's default");

    // A reset link asked for on a German page arrives in German, its lifetime in German words.
    let login = login_page(&app, &realm.client_id, german, "&prompt=login").await;
    let request = hidden(&login, "request");
    let (status, _, sent) =
        visit(&app, german, "/password/forgot", Some(&[("request", request.as_str()), ("email", EMAIL)])).await;
    assert_eq!(status, StatusCode::OK, "{sent}");
    assert!(sent.contains("Falls ein Konto für"), "{sent}");
    let mail = sink.wait_for(EMAIL, 1).await;
    assert!(
        mail[0].text.contains("Hallo Ada Lovelace,") && mail[0].text.contains("Der Link gilt 30 Minuten"),
        "{}",
        mail[0].text
    );
    assert!(mail[0].text.contains(r#"<html lang="de">"#), "{}", mail[0].text);

    // Pages outside a sign-in follow the browser: an expired request, in French.
    let (status, _, expired) = visit(&app, Some("fr"), "/login?request=arq_gone", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(expired.contains("Impossible de continuer") && expired.contains("request_not_found"), "{expired}");
}
