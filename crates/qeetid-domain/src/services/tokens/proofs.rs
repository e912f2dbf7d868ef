//! Proofs a client brings beyond a secret: a client assertion (`private_key_jwt`,
//! RFC 7523 §2.2, OIDC Core §9) and a DPoP proof (RFC 9449), each read through the
//! [`ClientJose`](crate::ports::ClientJose) port, its claims checked here and its
//! `jti` spent once in the store (so a replay fails on every instance).

use super::{AuthMethod, ClientAuthentication, Tokens};
use crate::client::Client;
use crate::dpop::DpopRefusal;
use crate::oauth::OAuthError;
use crate::ports::TokenStore;
use crate::registration::TokenAuthMethod;
use crate::services::client_keys::KeyedReadError;

impl<S: TokenStore> Tokens<S> {
    /// Authenticates a client by its `client_assertion`: the client must use
    /// `private_key_jwt`; the assertion verifies with its registered keys, names
    /// it, this issuer and a short life, and its `jti` was never seen.
    pub(crate) async fn authenticate_with_assertion(&self, auth: &ClientAuthentication) -> Result<Client, OAuthError> {
        let client = self.client_named(auth).await?;
        let checked = self.check_assertion(client, auth).await;
        if let Err(OAuthError::ServerError(_)) = checked {
            return checked;
        }
        self.settle_client_auth(auth, checked)
    }

    async fn check_assertion(&self, client: Client, auth: &ClientAuthentication) -> Result<Client, OAuthError> {
        let (Some(assertion), AuthMethod::PrivateKeyJwt) = (auth.assertion.as_deref(), auth.method) else {
            return Err(OAuthError::InvalidClient("malformed client assertion".into()));
        };
        if client.settings.auth_method() != TokenAuthMethod::PrivateKeyJwt {
            return Err(OAuthError::InvalidClient(format!(
                "this client authenticates with {}, not private_key_jwt",
                client.settings.auth_method().as_str()
            )));
        }
        let reader = self
            .key_reader
            .as_ref()
            .ok_or_else(|| OAuthError::InvalidClient("private_key_jwt is not supported here".into()))?;
        let now = self.cx.clock.now();
        let alg = client.settings.policy().auth_alg();
        let claims = reader
            .read_with_keys(client.settings.request_objects(), now, |port, jwks| {
                port.read_assertion(assertion, jwks, alg)
            })
            .await
            .map_err(|e| {
                OAuthError::InvalidClient(match e {
                    KeyedReadError::NoKeys => "the client registered no keys (jwks or jwks_uri)".into(),
                    KeyedReadError::Fetch(why) => format!("the client's jwks_uri: {why}"),
                    KeyedReadError::Refused(why) => format!("client assertion: {why}"),
                })
            })?;
        let (jti, until) = claims
            .check(client.id.as_str(), &self.cx.settings.issuer, now)
            .map_err(|why| OAuthError::InvalidClient(format!("client assertion: {why}")))?;
        if !self.store.spend_once(&format!("assertion:{}:{jti}", client.id), until).await? {
            return Err(OAuthError::InvalidClient("client assertion: its jti was used before".into()));
        }
        Ok(client)
    }

    /// The DPoP key a request to `url` with `method` proves, when a proof came: read
    /// through the port, checked for this request (and a server nonce when the
    /// deployment asks for them), its `jti` spent once. A client that must use DPoP
    /// and sent no proof is refused.
    ///
    /// # Errors
    /// `invalid_dpop_proof`, `use_dpop_nonce`, or a store failure.
    pub(crate) async fn dpop_binding(
        &self,
        client: &Client,
        proof: Option<&str>,
        method: &str,
        url: &str,
    ) -> Result<Option<String>, OAuthError> {
        let Some(proof) = proof else {
            if client.requires_dpop() {
                return Err(OAuthError::InvalidDpopProof(
                    "this client's access tokens must be DPoP-bound: send a DPoP proof".into(),
                ));
            }
            return Ok(None);
        };
        self.checked_dpop_proof(proof, method, url, None).await.map(Some)
    }

    /// The key thumbprint of the DPoP proof `proof` for a `method` request to `url`
    /// (with `access_token` when the proof must carry its hash, `ath`), once checked
    /// and its `jti` spent.
    ///
    /// # Errors
    /// `invalid_dpop_proof`, `use_dpop_nonce`, or a store failure.
    pub(crate) async fn checked_dpop_proof(
        &self,
        proof: &str,
        method: &str,
        url: &str,
        access_token: Option<&str>,
    ) -> Result<String, OAuthError> {
        let reader = self
            .key_reader
            .as_ref()
            .ok_or_else(|| OAuthError::InvalidDpopProof("DPoP is not supported here".into()))?;
        let proof = reader.port.read_dpop_proof(proof).map_err(OAuthError::InvalidDpopProof)?;
        let now = self.cx.clock.now();
        let (key, until) =
            proof.check(method, url, access_token, self.cx.settings.dpop_nonces.as_ref(), now).map_err(|refusal| {
                match refusal {
                    DpopRefusal::Invalid(why) => OAuthError::InvalidDpopProof(why),
                    DpopRefusal::UseNonce(nonce) => OAuthError::UseDpopNonce { nonce },
                }
            })?;
        if !self.store.spend_once(&key, until).await? {
            return Err(OAuthError::InvalidDpopProof("the proof's jti was used before: make a fresh proof".into()));
        }
        Ok(proof.jkt)
    }
}
