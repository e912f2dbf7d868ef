//! A Rust service that embeds Qeet ID's rules with no HTTP and no database: three
//! areas of use cases (`Admin`, `Authorization`, `Tokens`) composed with in-memory
//! ports (the `test-support` fakes; a real service passes its own, or
//! `qeetid-store` on SQLite). No passkey, social sign-in or account ports are
//! needed for that. It registers a client, runs an authorization-code exchange with
//! PKCE (RFC 7636 Appendix B's pair), and checks the tokens it got.
//!
//! Run with `cargo run -p qeetid-domain --example embedded_provider`.

#![allow(clippy::print_stdout, reason = "an example says what it did")]

use std::error::Error;
use std::sync::Arc;

use futures_executor::block_on;
use qeetid_domain::api_key::Caller;
use qeetid_domain::client::ClientDraft;
use qeetid_domain::fakes::{
    FixedClock, InMemoryStore, LabelSealer, PlainPasswordHasher, RecordingSigner, SeededRandom,
};
use qeetid_domain::oauth::{AuthorizeParams, CodeExchange};
use qeetid_domain::ports::TokenSigner as _;
use qeetid_domain::services::{
    AuthMethod, AuthorizationPorts, AuthorizeOutcome, ClientAuthentication, Landing, LoginOutcome, NewUser,
    ProviderSettings,
};
use qeetid_domain::{Admin, Authorization, CodeVerifier, Context, Tokens};

const REDIRECT: &str = "https://app.example/callback";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

fn main() -> Result<(), Box<dyn Error>> {
    block_on(run())
}

async fn run() -> Result<(), Box<dyn Error>> {
    // The ports: where time, randomness, hashing and signing come from, and the
    // store (any type implementing the repositories each area names).
    let cx = Context::new(
        Arc::new(FixedClock::at(1_800_000_000)),
        Arc::new(SeededRandom::new(7)),
        ProviderSettings::new("https://id.example"),
    );
    let store = InMemoryStore::default();
    let signer = Arc::new(RecordingSigner::default());
    let passwords = Arc::new(PlainPasswordHasher);
    let admin = Admin::new(store.clone(), cx.clone(), passwords.clone());
    let authorization = Authorization::new(
        store.clone(),
        cx.clone(),
        AuthorizationPorts { passwords, signer: signer.clone(), sealer: Arc::new(LabelSealer) },
    );
    let tokens = Tokens::new(store, cx, signer.clone());

    // A tenant, a user and a client, as the operator.
    let operator = Caller::operator();
    let tenant = admin.create_tenant(&operator, "Example").await?;
    let user =
        NewUser { email: "ada@example.com".into(), password: Some("correct horse".into()), ..NewUser::default() };
    admin.create_user(&operator, &tenant.id, user).await?;
    let draft = ClientDraft {
        name: "Example app".into(),
        client_type: "confidential".into(),
        redirect_uris: vec![REDIRECT.into()],
        grant_types: Some(vec!["authorization_code".into(), "refresh_token".into()]),
        ..ClientDraft::default()
    };
    let registered = admin.register_client(&operator, &tenant.id, draft).await?;
    let secret = registered.secret.ok_or("a confidential client has a secret")?;
    println!("registered {} in {}", registered.client.id, tenant.id);

    // The authorization request, with PKCE S256.
    let browser = authorization.new_browser_binding();
    let params = AuthorizeParams {
        response_type: Some("code".into()),
        client_id: Some(registered.client.id.to_string()),
        redirect_uri: Some(REDIRECT.into()),
        scope: Some("openid email".into()),
        state: Some("st".into()),
        nonce: Some("n-1".into()),
        code_challenge: Some(CodeVerifier::parse(VERIFIER)?.challenge().as_str().into()),
        code_challenge_method: Some("S256".into()),
        ..AuthorizeParams::default()
    };
    let AuthorizeOutcome::Login(request) = authorization.start_authorization(params, &browser, None).await? else {
        return Err("expected the login step".into());
    };

    // The user signs in and consents (a real service shows its own pages here).
    let LoginOutcome::SignedIn(signed_in) = authorization
        .password_login(request.as_str(), Some(&browser), browser.expose(), "ada@example.com", "correct horse")
        .await?
    else {
        return Err("expected a signed-in user".into());
    };
    let consent = signed_in.next.map_err(|_| "expected the consent step")?;
    let browser = signed_in.browser_cookie; // renewed at sign-in
    let landing = authorization
        .decide(consent.as_str(), Some(&browser), Some(&signed_in.session_cookie), browser.expose(), true, true)
        .await?;
    let Landing::Client(redirect) = landing else { return Err("expected a redirect to the client".into()) };
    let code = url_param(&redirect, "code").ok_or("no code in the redirect")?;
    println!("redirected to {REDIRECT} with a code and state {:?}", url_param(&redirect, "state"));

    // The client exchanges the code with its secret and the PKCE verifier.
    let auth = ClientAuthentication {
        client_id: registered.client.id.to_string(),
        secret: Some(secret),
        assertion: None,
        method: AuthMethod::Basic,
        source: None,
    };
    let client = tokens.authenticate_client(&auth).await?;
    let exchange = CodeExchange {
        code: code.clone(),
        redirect_uri: REDIRECT.into(),
        code_verifier: Some(CodeVerifier::parse(VERIFIER)?),
        resource: None,
    };
    let issued = tokens.exchange_code(&client, &exchange).await?;

    // The tokens: an access token for the user, an ID token with our nonce, a refresh token.
    let access = signer.verify(&issued.access_token).ok_or("the access token does not verify")?;
    assert_eq!(access.typ, "at+jwt");
    assert_eq!(access.client_id.as_deref(), Some(registered.client.id.as_str()));
    let id_token = issued.id_token.as_deref().and_then(|t| signer.verify(t)).ok_or("no ID token")?;
    assert_eq!(id_token.sub, access.sub);
    assert!(issued.refresh_token.is_some());
    let userinfo = tokens.userinfo(&issued.access_token).await?;
    println!("signed in {:?}; scope {}; userinfo {:?}", access.sub, issued.scope.to_delimited(), userinfo);

    // A code works once.
    let replay = tokens.exchange_code(&client, &exchange).await;
    assert!(replay.is_err(), "a replayed code is refused");
    println!("a replayed code is refused: ok");
    Ok(())
}

/// The query parameter `name` of `url`.
fn url_param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    query.split('&').filter_map(|pair| pair.split_once('=')).find(|(k, _)| *k == name).map(|(_, v)| v.to_owned())
}
