//! Clients known by their metadata document's URL: fetched at the authorization
//! request, checked, kept in the open-registration tenant, and fetched again once stale.

use super::*;
use crate::client::RegisteredBy;
use crate::fakes::FakeDocuments;
use crate::id::ClientId;
use crate::ports::ClientRepository as _;
use crate::registration::{ClientDocument, ClientRegistrationRequest};

const DOCUMENT: &str = "https://tool.example/oauth/client.json";

fn document(name: &str) -> ClientDocument {
    ClientDocument {
        client_id: Some(DOCUMENT.into()),
        request: ClientRegistrationRequest {
            redirect_uris: vec![REDIRECT.into()],
            client_name: Some(name.into()),
            grant_types: Some(vec!["authorization_code".into(), "refresh_token".into()]),
            ..ClientRegistrationRequest::default()
        },
        max_age: Some(600),
        ..ClientDocument::default()
    }
}

/// The flow's store and tenant, served by a provider whose open-registration tenant
/// is Acme and which fetches documents from `documents` (when `open`).
fn documented(open: bool) -> (Flow, Provider<InMemoryStore>, Arc<FakeDocuments>) {
    let f = flow();
    let documents = Arc::new(FakeDocuments::default());
    let upstream = f.upstream.clone();
    let ports = Ports {
        passwords: Arc::new(PlainPasswordHasher),
        signer: Arc::new(RecordingSigner::default()),
        sealer: Arc::new(LabelSealer),
        passkeys: Arc::new(crate::fakes::FakePasskeys),
        upstream: upstream.clone(),
        upstream_tokens: upstream,
        documents: Some(documents.clone()),
        client_jose: None,
    };
    let mut settings = ProviderSettings::new("https://id.example");
    settings.open_registration_tenant = open.then(|| f.client.tenant_id.clone());
    let cx = Context::new(f.clock.clone(), Arc::new(SeededRandom::new(11)), settings);
    let provider = Provider::compose(f.store.clone(), &cx, ports);
    (f, provider, documents)
}

fn start(p: &Provider<InMemoryStore>, f: &Flow, client_id: &str) -> AuthorizeOutcome {
    block_on(p.authorization.start_authorization(params(client_id), &f.browser, None)).unwrap()
}

#[test]
fn a_documented_client_signs_in_and_gets_tokens_for_its_url() {
    let (mut f, p, documents) = documented(true);
    documents.serve(DOCUMENT, document("Tool"));
    assert!(matches!(start(&p, &f, DOCUMENT), AuthorizeOutcome::Login(_)));
    let id = ClientId::parse(DOCUMENT).unwrap();
    let stored = block_on(f.store.find_client(&id)).unwrap().expect("kept as a client");
    assert_eq!(stored.tenant_id, f.client.tenant_id, "in the open-registration tenant");
    assert_eq!(stored.settings.client_type(), crate::client::ClientType::Public);
    assert!(matches!(stored.registration.as_ref().map(|r| &r.by), Some(RegisteredBy::MetadataDocument { .. })));

    // The whole flow, with the URL as client_id at the token endpoint too.
    f.s = p;
    f.client = stored;
    let (url, _) = sign_in(&f, false);
    let code = query(&url, "code").unwrap();
    let public = ClientAuthentication {
        client_id: DOCUMENT.into(),
        secret: None,
        assertion: None,
        method: AuthMethod::None,
        source: None,
    };
    let client = block_on(f.s.tokens.authenticate_client(&public)).unwrap();
    let tokens = block_on(f.s.tokens.exchange_code(&client, &exchange(&code, REDIRECT, VERIFIER))).unwrap();
    assert!(tokens.id_token.unwrap().contains(DOCUMENT), "the ID token's aud is the URL");
}

#[test]
fn a_document_is_fetched_again_only_once_stale() {
    let (f, p, documents) = documented(true);
    documents.serve(DOCUMENT, document("Tool"));
    start(&p, &f, DOCUMENT);
    start(&p, &f, DOCUMENT);
    assert_eq!(documents.fetches.load(std::sync::atomic::Ordering::SeqCst), 1, "fresh for its max-age");
    documents.serve(DOCUMENT, document("Tool 2"));
    f.clock.advance(601);
    assert!(matches!(start(&p, &f, DOCUMENT), AuthorizeOutcome::Login(_)));
    assert_eq!(documents.fetches.load(std::sync::atomic::Ordering::SeqCst), 2);
    let stored = block_on(f.store.find_client(&ClientId::parse(DOCUMENT).unwrap())).unwrap().unwrap();
    assert_eq!(stored.settings.name(), "Tool 2", "the new document replaced the old");
}

#[test]
fn bad_documents_and_closed_registration_show_an_error_page() {
    let (f, p, documents) = documented(true);
    let mut other = document("Tool");
    other.client_id = Some("https://evil.example/client.json".into());
    documents.serve(DOCUMENT, other);
    let AuthorizeOutcome::ErrorPage(OAuthError::InvalidClient(why)) = start(&p, &f, DOCUMENT) else {
        panic!("a document naming another client_id is refused")
    };
    assert!(why.contains("client_id"), "{why}");
    assert!(block_on(f.store.find_client(&ClientId::parse(DOCUMENT).unwrap())).unwrap().is_none(), "nothing kept");

    let mut elsewhere = document("Tool");
    elsewhere.request.redirect_uris = vec!["https://tool.example/cb".into()];
    documents.serve(DOCUMENT, elsewhere);
    assert!(matches!(start(&p, &f, DOCUMENT), AuthorizeOutcome::ErrorPage(_)), "redirect URI not in the document");
    assert!(
        matches!(start(&p, &f, "https://tool.example/missing.json"), AuthorizeOutcome::ErrorPage(_)),
        "a document that cannot be fetched"
    );

    let (f, p, documents) = documented(false);
    documents.serve(DOCUMENT, document("Tool"));
    assert!(matches!(start(&p, &f, DOCUMENT), AuthorizeOutcome::ErrorPage(OAuthError::InvalidClient(_))));
    assert_eq!(documents.fetches.load(std::sync::atomic::Ordering::SeqCst), 0, "off without open registration");
}
