//! Every area composed over one store: what an application that serves them all
//! (Qeet ID's own server) builds. An embedder that needs fewer builds only those.

use std::sync::Arc;

use super::{
    Accounts, Admin, Authorization, AuthorizationPorts, Context, Federation, FederationPorts, Passkeys, Registration,
    SelfService, Tokens,
};
use crate::ports::{
    ClientDocuments, ClientJose, PasskeyCeremonies, PasswordHasher, SecretSealer, Store, TokenSigner, UpstreamClient,
    UpstreamTokenVerifier,
};
use crate::services::client_keys::ClientKeyReader;

/// Every port other than the store, for [`Provider::compose`].
#[derive(Clone)]
pub struct Ports {
    /// Password hashing.
    pub passwords: Arc<dyn PasswordHasher>,
    /// Token signing.
    pub signer: Arc<dyn TokenSigner>,
    /// Sealing of secrets that must be read back (TOTP, upstream client secrets).
    pub sealer: Arc<dyn SecretSealer>,
    /// WebAuthn ceremonies for passkeys.
    pub passkeys: Arc<dyn PasskeyCeremonies>,
    /// Upstream identity providers over HTTP.
    pub upstream: Arc<dyn UpstreamClient>,
    /// Signature checks of upstream ID tokens.
    pub upstream_tokens: Arc<dyn UpstreamTokenVerifier>,
    /// Client ID metadata documents; `None` turns them off.
    pub documents: Option<Arc<dyn ClientDocuments>>,
    /// JWTs clients sign: request objects (RFC 9101), client assertions
    /// (`private_key_jwt`) and DPoP proofs; `None` refuses them all.
    pub client_jose: Option<Arc<dyn ClientJose>>,
}

/// Every area of use cases over one store and context. A bundle, not a façade: it
/// has no use cases of its own; callers reach the area they need.
#[derive(Clone)]
pub struct Provider<S> {
    /// The admin API.
    pub admin: Admin<S>,
    /// The token endpoint and the endpoints that take tokens.
    pub tokens: Tokens<S>,
    /// The browser side of the flows.
    pub authorization: Authorization<S>,
    /// Passkey registration and sign-in.
    pub passkeys: Passkeys<S>,
    /// Social sign-in and its providers.
    pub federation: Federation<S>,
    /// A signed-in user's own account.
    pub self_service: SelfService<S>,
    /// Dynamic client registration.
    pub registration: Registration<S>,
    /// Recovery, verification and sign-up by e-mail.
    pub accounts: Accounts<S>,
}

impl<S: Store> Provider<S> {
    /// Builds every area over `store`, sharing `cx` (and so its client cache).
    pub fn compose(store: S, cx: &Context, ports: Ports) -> Self {
        let mut authorization = Authorization::new(
            store.clone(),
            cx.clone(),
            AuthorizationPorts {
                passwords: Arc::clone(&ports.passwords),
                signer: Arc::clone(&ports.signer),
                sealer: Arc::clone(&ports.sealer),
            },
        );
        if let Some(documents) = ports.documents {
            authorization = authorization.with_client_documents(documents);
        }
        let key_reader = ports.client_jose.map(ClientKeyReader::new);
        if let Some(reader) = &key_reader {
            authorization = authorization.with_key_reader(reader.clone());
        }
        let mut tokens = Tokens::new(store.clone(), cx.clone(), ports.signer);
        if let Some(reader) = key_reader {
            tokens = tokens.with_key_reader(reader);
        }
        let federation_ports = FederationPorts {
            sealer: Arc::clone(&ports.sealer),
            upstream: ports.upstream,
            upstream_tokens: ports.upstream_tokens,
        };
        Self {
            admin: Admin::new(store.clone(), cx.clone(), Arc::clone(&ports.passwords)),
            tokens,
            passkeys: Passkeys::new(store.clone(), cx.clone(), ports.passkeys, authorization.clone()),
            federation: Federation::new(store.clone(), cx.clone(), federation_ports, authorization.clone()),
            accounts: Accounts::new(
                store.clone(),
                cx.clone(),
                Arc::clone(&ports.passwords),
                Arc::clone(&ports.sealer),
                authorization.clone(),
            ),
            self_service: SelfService::new(store.clone(), cx.clone(), ports.passwords, ports.sealer),
            registration: Registration::new(store, cx.clone()),
            authorization,
        }
    }
}
