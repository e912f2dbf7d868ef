//! The end user's account page and what admins do to users' access: sessions,
//! connected applications, profile, password, disabling.

use qeetid_store::testing::TestDatabase;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{Body, EMAIL, PASSWORD, Realm, TestApp, hidden, spawn_app};
use crate::token_services::{refresh, tokens};

/// Signs the browser in to `/account` (through the hosted login unless the browser
/// already has a session) and answers the page.
pub(crate) async fn open_account(app: &TestApp, tenant: &str, password: &str) -> String {
    let (status, authorize, body) = app.browse(&format!("/account?tenant={tenant}")).await;
    assert_eq!(status, StatusCode::FOUND, "{body}");
    let callback = app.sign_in_through_pages(&authorize.unwrap(), EMAIL, password).await;
    // The deployment's own page asks no consent: straight back to its callback.
    assert!(callback.starts_with(&format!("{}/account/callback?code=", app.issuer)), "{callback}");
    let (status, location, body) = app.browse(&callback).await;
    assert_eq!((status, location.as_deref()), (StatusCode::SEE_OTHER, Some("/account")), "{body}");
    let (status, _, page) = app.browse("/account").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page
}

pub(crate) async fn user_id(app: &TestApp, realm: &Realm) -> String {
    let reply = app.admin(Method::GET, &format!("/v1/tenants/{}/users", realm.tenant), Body::None).await;
    reply.body["users"][0]["id"].as_str().unwrap().to_owned()
}

async fn session_count(app: &TestApp, realm: &Realm, user: &str) -> usize {
    let path = format!("/v1/tenants/{}/users/{user}/sessions", realm.tenant);
    let reply = app.admin(Method::GET, &path, Body::None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.body["sessions"].as_array().unwrap().len()
}

/// The forms' action paths on a page, in order, that start with `prefix`.
fn actions<'a>(page: &'a str, prefix: &str) -> Vec<&'a str> {
    page.match_indices("action=\"")
        .map(|(i, m)| &page[i + m.len()..])
        .filter_map(|rest| rest.split('"').next())
        .filter(|a| a.starts_with(prefix))
        .collect()
}

pub(crate) async fn users_manage_sessions_apps_profile_and_password(db: &TestDatabase) {
    let laptop = spawn_app(db).await;
    let realm = laptop.realm().await;
    let user = user_id(&laptop, &realm).await;
    // On the laptop the user signs in to an application and lets it in.
    let issued = tokens(&laptop, &realm).await;
    let refresh_token = issued["refresh_token"].as_str().unwrap().to_owned();
    // The account page rides on that session: no second login.
    let (status, authorize, _) = laptop.browse(&format!("/account?tenant={}", realm.tenant)).await;
    assert_eq!(status, StatusCode::FOUND);
    let (status, callback, _) = laptop.browse(&authorize.unwrap()).await;
    assert_eq!(status, StatusCode::FOUND);
    assert!(callback.as_deref().unwrap().contains("/account/callback?code="), "signed in already: {callback:?}");
    laptop.browse(&callback.unwrap()).await;
    let (_, _, page) = laptop.browse("/account").await;
    assert!(page.contains(EMAIL) && page.contains("Ada Lovelace"));
    assert!(page.contains("Acme Web"), "the application is listed");
    assert!(!page.contains("Your account</td>"), "the account page itself is not a connected application");

    // On the phone the user signs in to the account page with the password.
    let phone = laptop.other_browser_as(
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) \
         Version/18.1 Mobile/15E148 Safari/604.1",
    );
    let page = open_account(&phone, &realm.tenant, PASSWORD).await;
    assert_eq!(session_count(&laptop, &realm, &user).await, 2);
    // Each session says which browser and network it is (the laptop's client sent no user agent).
    let (_, _, sessions) = laptop.browse("/account").await;
    assert!(sessions.contains("Safari on iOS") && sessions.contains("Unknown browser"), "{sessions}");
    assert!(sessions.contains("local network"), "{sessions}");
    let csrf = hidden(&page, "csrf_token");
    let ends = actions(&page, "/account/sessions/ses_");
    assert_eq!(ends.len(), 1, "only the other session has a sign-out button: {ends:?}");

    // A forged form is refused and changes nothing.
    let (status, _, _) = phone.submit(ends[0], &[("csrf_token", "forged")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The phone signs the laptop out; the laptop's account page wants a new sign-in.
    let (status, location, _) = phone.submit(ends[0], &[("csrf_token", &csrf)]).await;
    assert_eq!((status, location.as_deref()), (StatusCode::SEE_OTHER, Some("/account?done=session-ended")));
    let (status, location, _) = laptop.browse("/account").await;
    assert_eq!(status, StatusCode::FOUND);
    assert!(location.unwrap().starts_with("/v1/oauth/authorize?"), "the laptop is signed out");
    let (status, _, _) =
        phone.submit("/account/sessions/ses_AAAAAAAAAAAAAAAAAAAAAA/end", &[("csrf_token", &csrf)]).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "an unknown or foreign session");

    // Removing the application's access stops its refresh token.
    let (_, _, page) = phone.browse("/account").await;
    let revoke = actions(&page, "/account/apps/");
    assert_eq!(revoke.len(), 1);
    let (status, _, _) = phone.submit(revoke[0], &[("csrf_token", &csrf)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, body) = refresh(&laptop, &realm, &refresh_token).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")), "{body}");
    let (_, _, page) = phone.browse("/account").await;
    assert!(page.contains("No application has access to your account."));

    // Profile: a bad name comes back beside its field, as typed; a good one is saved.
    let long = "x".repeat(201);
    let (status, _, page) = phone.submit("/account/profile", &[("csrf_token", &csrf), ("name", &long)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("at most 200 characters") && page.contains(&long));
    let (status, _, _) = phone.submit("/account/profile", &[("csrf_token", &csrf), ("name", "Ada King")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let reply = phone.admin(Method::GET, &format!("/v1/tenants/{}/users/{user}", realm.tenant), Body::None).await;
    assert_eq!(reply.body["user"]["name"], "Ada King");

    // Password: the current one is required, the two new ones must match, and a
    // change signs out every other session.
    let laptop_again = phone.other_browser();
    open_account(&laptop_again, &realm.tenant, PASSWORD).await;
    assert_eq!(session_count(&phone, &realm, &user).await, 2);
    let new = "a much better passphrase";
    let change = |current: &'static str, confirm: &'static str| {
        [
            ("csrf_token", csrf.clone()),
            ("current_password", current.to_owned()),
            ("new_password", new.to_owned()),
            ("confirm_password", confirm.to_owned()),
        ]
    };
    let (status, _, page) = phone.submit("/account/password", &pairs(&change("wrong password", new))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("The current password is not right"), "{page}");
    let (status, _, page) = phone.submit("/account/password", &pairs(&change(PASSWORD, "something else"))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("The two passwords differ"));
    let (status, location, _) = phone.submit("/account/password", &pairs(&change(PASSWORD, new))).await;
    assert_eq!((status, location.as_deref()), (StatusCode::SEE_OTHER, Some("/account?done=password")));
    assert_eq!(session_count(&phone, &realm, &user).await, 1, "the other session ended");
    let (_, _, page) = phone.browse("/account?done=password").await;
    assert!(page.contains("Your password was changed"));
    // The new password signs in.
    let fresh = phone.other_browser();
    open_account(&fresh, &realm.tenant, new).await;

    // Signing out ends the single sign-on session too.
    let (status, location, _) = phone.submit("/account/logout", &[("csrf_token", &csrf)]).await;
    assert_eq!((status, location.as_deref()), (StatusCode::SEE_OTHER, Some("/account")));
    let (status, _, page) = phone.browse("/account").await;
    assert_eq!(status, StatusCode::OK, "no session: the sign-in prompt");
    assert!(page.contains("<label for=\"tenant\">Tenant</label>"));
}

fn pairs<'a>(form: &'a [(&'a str, String); 4]) -> Vec<(&'a str, &'a str)> {
    form.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

pub(crate) async fn a_disabled_user_cannot_sign_in_or_refresh(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    let user = user_id(&app, &realm).await;
    let issued = tokens(&app, &realm).await;
    let rt = issued["refresh_token"].as_str().unwrap().to_owned();
    let sessions = format!("/v1/tenants/{}/users/{user}/sessions", realm.tenant);
    let listed = app.admin(Method::GET, &sessions, Body::None).await;
    assert_eq!(listed.body["sessions"][0]["amr"], json!(["pwd"]));
    // Another tenant's key sees no such user.
    let other = app.tenant("Other").await;
    let other_key = app.tenant_key(&other).await;
    let reply = app.call(Method::GET, &sessions, Some(&other_key), Body::None).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);

    let path = format!("/v1/tenants/{}/users/{user}", realm.tenant);
    let reply = app.admin(Method::PATCH, &path, Body::Json(json!({ "disabled": true }))).await;
    assert_eq!((reply.status, &reply.body["user"]["disabled"]), (StatusCode::OK, &json!(true)), "{}", reply.body);
    assert_eq!(session_count(&app, &realm, &user).await, 0, "disabling ends the sessions");
    let (status, body) = refresh(&app, &realm, &rt).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")), "{body}");
    // The right password now gets a clear refusal; a wrong one still gets the usual error.
    let browser = app.other_browser();
    let (_, authorize, _) = browser.browse(&format!("/account?tenant={}", realm.tenant)).await;
    let (_, login, _) = browser.browse(&authorize.unwrap()).await;
    let (_, _, page) = browser.browse(&login.unwrap()).await;
    let form = |password: &'static str| {
        vec![
            ("request", hidden(&page, "request")),
            ("csrf_token", hidden(&page, "csrf_token")),
            ("email", EMAIL.to_owned()),
            ("password", password.to_owned()),
        ]
    };
    let submit = |f: Vec<(&'static str, String)>| {
        let b = &browser;
        async move {
            let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            b.submit("/login", &f).await
        }
    };
    let (status, _, body) = submit(form("wrong password")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let (status, _, body) = submit(form(PASSWORD)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("This account is disabled"), "{body}");

    // Enabled again, the user signs in.
    let reply = app.admin(Method::PATCH, &path, Body::Json(json!({ "disabled": false }))).await;
    assert_eq!(reply.body["user"]["disabled"], json!(false));
    let (status, _, _) = submit(form(PASSWORD)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // An admin ends that session by its id; a second time it is gone.
    let listed = app.admin(Method::GET, &sessions, Body::None).await;
    let sid = listed.body["sessions"][0]["id"].as_str().unwrap().to_owned();
    let reply = app.admin(Method::DELETE, &format!("{sessions}/{sid}"), Body::None).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    let reply = app.admin(Method::DELETE, &format!("{sessions}/{sid}"), Body::None).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
}
