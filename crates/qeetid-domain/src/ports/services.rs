//! The ports other than the store: password hashing, token signing, sealing,
//! passkey ceremonies and upstream identity providers.

use super::BoxFuture;
use crate::federation::{
    CodeRedemption, UpstreamClaims, UpstreamEndpoints, UpstreamError, UpstreamIdentity, UpstreamTokens,
};
use crate::oauth::{Claims, SigningAlg, VerifiedToken};
use crate::passkey::{Ceremony, PasskeyAssertion, PasskeyError, PasskeyUser, RegisteredPasskey, UsedPasskey};
use crate::user::{Password, PasswordHash};

/// The password hasher failed (not "wrong password", which is `Ok(false)`).
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct PasswordHashError(pub String);

/// Slow, salted password hashing (Argon2id in production).
///
/// An implementation MUST NOT block the caller's async executor: hashing runs on
/// a bounded pool of blocking threads.
pub trait PasswordHasher: Send + Sync + 'static {
    /// Hashes a new password into a PHC string with a fresh salt.
    ///
    /// # Errors
    /// [`PasswordHashError`] when the hasher fails (never for a weak password: that
    /// is the domain's `Password` rule).
    fn hash(&self, password: Password) -> BoxFuture<'static, Result<PasswordHash, PasswordHashError>>;
    /// Whether `password` matches `hash`; `Ok(false)` for a wrong password.
    ///
    /// # Errors
    /// [`PasswordHashError`] when `hash` cannot be read or the hasher fails; a wrong
    /// password is `Ok(false)`, never an error.
    fn verify(&self, password: Password, hash: PasswordHash) -> BoxFuture<'static, Result<bool, PasswordHashError>>;
}

/// Signs tokens: a compact JWS (RFC 7515) with ES256 and the active key's `kid`.
pub trait TokenSigner: Send + Sync + 'static {
    /// Signs `claims` with the active `alg` key and header `typ` (`JWT` for ID tokens,
    /// `at+jwt` for access tokens, RFC 9068 §2.1).
    ///
    /// # Errors
    /// [`SigningError`] when no `alg` key is loaded or the crypto library fails.
    fn sign(&self, alg: SigningAlg, typ: &str, claims: &Claims) -> Result<String, SigningError>;
    /// The JWK Set (RFC 7517 §5) of every key whose signatures are still valid, as JSON.
    fn published_keys(&self) -> String;
    /// The claims of `token` when it is a compact JWS signed by a published key, with
    /// the algorithm of that key (never the one the header names alone).
    fn verify(&self, token: &str) -> Option<VerifiedToken>;
}

/// The signer could not sign (no key loaded, or the crypto library failed).
#[derive(Debug, thiserror::Error)]
#[error("token signing failed: {0}")]
pub struct SigningError(pub String);

/// Seals small secrets that must be read back (TOTP secrets) under the deployment's
/// key-encryption key: authenticated encryption bound to a context string.
pub trait SecretSealer: Send + Sync + 'static {
    /// Seals `plain` for `context`; the result is text, to store.
    ///
    /// # Errors
    /// [`SealError`] when the cipher fails.
    fn seal(&self, context: &str, plain: &[u8]) -> Result<String, SealError>;
    /// Opens what [`SecretSealer::seal`] made for the same `context`.
    ///
    /// # Errors
    /// [`SealError`] when `sealed` was not sealed under this key and `context`, or is
    /// damaged: it MUST NOT open under another context.
    fn open(&self, context: &str, sealed: &str) -> Result<Vec<u8>, SealError>;
}

/// A secret could not be sealed or opened (wrong key, or altered data).
#[derive(Debug, thiserror::Error)]
#[error("a sealed secret could not be sealed or opened: {0}")]
pub struct SealError(pub String);

/// WebAuthn ceremonies (a relying party for this deployment's issuer): makes the
/// options a browser needs and verifies what it answers. JSON in, JSON out.
pub trait PasskeyCeremonies: Send + Sync + 'static {
    /// Options to create a discoverable passkey for `user`, excluding the credentials
    /// in `exclude` (stored credentials, as [`RegisteredPasskey::credential`]).
    ///
    /// # Errors
    /// [`PasskeyError`] when the options cannot be made (passkeys unavailable here).
    fn start_registration(&self, user: &PasskeyUser, exclude: &[String]) -> Result<Ceremony, PasskeyError>;
    /// Verifies the browser's `PublicKeyCredential` against the ceremony's `state`.
    ///
    /// # Errors
    /// [`PasskeyError`] when the browser's answer does not verify against `state`.
    fn finish_registration(&self, state: &str, response: &str) -> Result<RegisteredPasskey, PasskeyError>;
    /// Options to sign in with any discoverable passkey of this site.
    ///
    /// # Errors
    /// [`PasskeyError`] when the options cannot be made (passkeys unavailable here).
    fn start_authentication(&self) -> Result<Ceremony, PasskeyError>;
    /// Reads whose passkey an assertion claims to be (not yet verified).
    ///
    /// # Errors
    /// [`PasskeyError`] when the answer is malformed.
    fn identify(&self, response: &str) -> Result<PasskeyAssertion, PasskeyError>;
    /// Verifies an assertion with the stored `credential`: signature, user
    /// verification, and a counter that must have gone up if the authenticator keeps one.
    ///
    /// # Errors
    /// [`PasskeyError`] when the assertion does not verify against `state` and
    /// `credential`, or its counter did not go up.
    fn finish_authentication(&self, state: &str, response: &str, credential: &str)
    -> Result<UsedPasskey, PasskeyError>;
}

/// Upstream identity providers over HTTP (the adapter parses their JSON).
pub trait UpstreamClient: Send + Sync + 'static {
    /// The provider's endpoints from `{issuer}/.well-known/openid-configuration`.
    ///
    /// # Errors
    /// [`UpstreamError`] when the provider cannot be reached (or is refused by the
    /// outbound policy) or answers badly.
    fn discover(&self, issuer: &str) -> BoxFuture<'static, Result<UpstreamEndpoints, UpstreamError>>;
    /// Redeems a code at the token endpoint (client secret in `Authorization: Basic`).
    ///
    /// # Errors
    /// [`UpstreamError`] when the token endpoint cannot be reached (or is refused by
    /// the outbound policy), refuses the code, or answers badly.
    fn redeem_code(&self, redemption: CodeRedemption) -> BoxFuture<'static, Result<UpstreamTokens, UpstreamError>>;
    /// The provider's JWK Set, as JSON.
    ///
    /// # Errors
    /// [`UpstreamError`] when the JWK Set cannot be fetched (or is refused by the
    /// outbound policy) or is not JSON.
    fn fetch_keys(&self, jwks_uri: &str) -> BoxFuture<'static, Result<String, UpstreamError>>;
    /// GitHub's user (id, name) and primary verified e-mail, with the access token.
    ///
    /// # Errors
    /// [`UpstreamError`] when GitHub's API cannot be reached or answers badly.
    fn github_identity(&self, access_token: &str) -> BoxFuture<'static, Result<UpstreamIdentity, UpstreamError>>;
    /// Checks, before a provider is stored, that `url`'s host does not resolve to an
    /// address the deployment's [`OutboundPolicy`](crate::outbound::OutboundPolicy)
    /// refuses.
    ///
    /// # Errors
    /// MUST fail, naming the address, when any address the name resolves to is
    /// refused. A name that does not resolve now is not an error (it is checked
    /// again on every connection, where it MUST be refused as well).
    fn vet_destination(&self, url: &str) -> BoxFuture<'static, Result<(), UpstreamError>>;
}

/// Client ID metadata documents over HTTP (draft-ietf-oauth-client-id-metadata-document).
pub trait ClientDocuments: Send + Sync + 'static {
    /// The document at `url`, read as client metadata, with its caching lifetime.
    ///
    /// # Errors
    /// [`UpstreamError`] when the outbound policy refuses `url` (or an address it
    /// resolves to), the answer is not a 2xx within the time and size limits, or
    /// it is not a JSON object.
    fn fetch_client_document(
        &self,
        url: &str,
    ) -> BoxFuture<'static, Result<crate::registration::ClientDocument, UpstreamError>>;
}

/// Checks an upstream ID token's signature (RS256 or ES256) against a JWK Set.
pub trait UpstreamTokenVerifier: Send + Sync + 'static {
    /// The token's claims when a key of `jwks` signed it; `None` otherwise.
    fn verify_upstream(&self, id_token: &str, jwks: &str) -> Option<UpstreamClaims>;
}

/// Sends logout tokens to clients' back-channel URIs (Back-Channel Logout 1.0 §2.5).
pub trait LogoutSender: Send + Sync + 'static {
    /// POSTs each `(uri, logout_token)` as a form (`logout_token=…`), all at once,
    /// under the outbound policy, following no redirects; answers in the same order:
    /// `Ok` for a 2xx answer, else why not.
    fn send_logout_tokens(&self, batch: Vec<(String, String)>) -> BoxFuture<'static, Vec<Result<(), UpstreamError>>>;
}

/// Renders and sends e-mail (SMTP in Qeet ID, or the log in development).
pub trait MailSender: Send + Sync + 'static {
    /// Renders `mail` from its templates and sends it; `Err` says why it was not
    /// accepted (the outbox offers it again later).
    fn send_mail(&self, mail: crate::mail::Mail) -> BoxFuture<'static, Result<(), String>>;
}

/// Pairwise clients' sector identifier documents (OIDC Core §8.1) over HTTPS.
pub trait SectorDocuments: Send + Sync + 'static {
    /// The URIs the JSON array at `url` lists.
    ///
    /// # Errors
    /// [`UpstreamError`] when the outbound policy refuses `url`, the answer is not a
    /// 2xx within the time and size limits, or it is not a JSON array of strings.
    fn fetch_sector_uris(&self, url: &str) -> BoxFuture<'static, Result<Vec<String>, UpstreamError>>;
}

/// What JWTs signed by clients need from outside: fetching a client's JWK Set or a
/// `request_uri` under the outbound rules, and checking request objects (RFC 9101),
/// client assertions (RFC 7523) and DPoP proofs (RFC 9449).
pub trait ClientJose: Send + Sync + 'static {
    /// The body at `url` (a JWK Set, or a request object by reference), under the
    /// outbound policy, size- and time-limited.
    ///
    /// # Errors
    /// [`UpstreamError`] naming why when the URL is refused or does not answer 2xx.
    fn fetch(&self, url: &str) -> BoxFuture<'static, Result<String, UpstreamError>>;

    /// The request object `jws` read, after its signature verified with a key of
    /// `jwks` (chosen by `kid`, or the only one) under `alg`, or the key's own
    /// algorithm when `alg` is `None`: the header's `alg` must match it, never
    /// choose it. With [`RequestObjectAlg::None`](crate::request_object::RequestObjectAlg::None)
    /// (a client that registered unsigned objects) only `alg: none` is read.
    ///
    /// # Errors
    /// Why the object is refused, in words for the client.
    fn read(
        &self,
        jws: &str,
        jwks: Option<&str>,
        alg: Option<crate::request_object::RequestObjectAlg>,
    ) -> Result<crate::request_object::RequestObject, String>;

    /// The claims of the client assertion `jws` after its signature verified with a
    /// key of `jwks` under the key's own algorithm (or `alg`, when the client
    /// registered one): the header's `alg` must match, never choose; `none` and MACs
    /// are refused.
    ///
    /// # Errors
    /// Why the assertion is refused, in words for the client.
    fn read_assertion(
        &self,
        jws: &str,
        jwks: &str,
        alg: Option<crate::request_object::RequestObjectAlg>,
    ) -> Result<crate::client_policy::AssertionClaims, String>;

    /// The DPoP proof `jws` (RFC 9449 §4.2) read: `typ` `dpop+jwt`, an asymmetric
    /// `alg` of [`PROOF_ALGS`](crate::dpop::PROOF_ALGS) that the header's public
    /// `jwk` can do, the signature verified with that key, and the key's thumbprint.
    ///
    /// # Errors
    /// Why the proof is refused, in words for the client.
    fn read_dpop_proof(&self, jws: &str) -> Result<crate::dpop::DpopProof, String>;
}
