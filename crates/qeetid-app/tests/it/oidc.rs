//! An unmodified relying-party library (the `openidconnect` crate) signs a user in.

use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreJwsSigningAlgorithm, CoreProviderMetadata};
use openidconnect::{
    AccessTokenHash, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, RedirectUrl, Scope, TokenResponse,
};
use qeetid_store::testing::TestDatabase;

use crate::support::{EMAIL, PASSWORD, REDIRECT_URI, query_param, spawn_app};

pub(crate) async fn an_unmodified_relying_party_signs_in(db: &TestDatabase) {
    let app = spawn_app(db).await;
    let realm = app.realm().await;
    let http = openidconnect::reqwest::ClientBuilder::new()
        .redirect(openidconnect::reqwest::redirect::Policy::none())
        .build()
        .unwrap();

    let metadata = CoreProviderMetadata::discover_async(IssuerUrl::new(app.issuer.clone()).unwrap(), &http)
        .await
        .expect("discovery and JWKS are accepted");
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(realm.client_id.clone()),
        Some(ClientSecret::new(realm.client_secret.clone())),
    )
    .set_redirect_uri(RedirectUrl::new(REDIRECT_URI.to_owned()).unwrap());

    for round in ["first sign-in", "single sign-on with remembered consent"] {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge)
            .url();

        let landing = app.sign_in_through_pages(url.as_str(), EMAIL, PASSWORD).await;
        if round != "first sign-in" {
            let (_, location, _) = app.browse(url.as_str()).await;
            assert!(location.unwrap().starts_with(REDIRECT_URI), "{round}: no page is shown");
        }
        assert!(landing.starts_with(REDIRECT_URI), "{round}: {landing}");
        assert_eq!(query_param(&landing, "state").as_deref(), Some(state.secret().as_str()), "{round}");
        assert_eq!(query_param(&landing, "iss").as_deref(), Some(app.issuer.as_str()), "{round}: RFC 9207");
        let code = query_param(&landing, "code").unwrap();

        let tokens = client
            .exchange_code(AuthorizationCode::new(code))
            .unwrap()
            .set_pkce_verifier(verifier)
            .request_async(&http)
            .await
            .unwrap_or_else(|e| panic!("{round}: code exchange failed: {e:?}"));
        assert!(tokens.refresh_token().is_some(), "{round}");
        let id_token = tokens.id_token().expect("an ID token");
        let verifier = client.id_token_verifier().set_allowed_algs(vec![CoreJwsSigningAlgorithm::EcdsaP256Sha256]);
        let claims = id_token.claims(&verifier, &nonce).unwrap_or_else(|e| panic!("{round}: ID token rejected: {e:?}"));
        assert_eq!(claims.email().map(|e| e.as_str()), Some(EMAIL));
        assert_eq!(claims.email_verified(), Some(true));
        assert!(claims.subject().as_str().starts_with("usr_"));
        assert!(claims.auth_time().is_some());
        let expected_hash = AccessTokenHash::from_token(
            tokens.access_token(),
            id_token.signing_alg().unwrap(),
            id_token.signing_key(&verifier).unwrap(),
        )
        .unwrap();
        assert_eq!(claims.access_token_hash(), Some(&expected_hash), "{round}: at_hash");
    }
}
