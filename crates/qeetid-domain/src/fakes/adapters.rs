//! Fakes of the ports other than the store: clock, randomness, password hashing,
//! token signing, sealing, passkey ceremonies and upstream providers.

use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use crate::federation::{
    CodeRedemption, UpstreamClaims, UpstreamEndpoints, UpstreamError, UpstreamIdentity, UpstreamTokens,
};
use crate::oauth::{ClaimValue, Claims, SigningAlg, VerifiedToken};
use crate::passkey::{Ceremony, PasskeyAssertion, PasskeyError, PasskeyUser, RegisteredPasskey, UsedPasskey};
use crate::ports::{
    BoxFuture, Clock, PasskeyCeremonies, PasswordHashError, PasswordHasher, Random, SealError, SecretSealer,
    SigningError, TokenSigner, UpstreamClient, UpstreamTokenVerifier,
};
use crate::time::UnixTime;
use crate::user::{Password, PasswordHash};

/// A clock that says what it is told.
#[derive(Debug, Default)]
pub struct FixedClock(AtomicI64);

impl FixedClock {
    /// A clock stopped at `secs`.
    pub fn at(secs: i64) -> Self {
        Self(AtomicI64::new(secs))
    }
    /// Moves the clock forward.
    pub fn advance(&self, secs: i64) {
        self.0.fetch_add(secs, Ordering::SeqCst);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> UnixTime {
        UnixTime::from_secs(self.0.load(Ordering::SeqCst))
    }
}

/// Deterministic, NOT secure randomness (SplitMix64), for reproducible tests.
#[derive(Debug)]
pub struct SeededRandom(AtomicU64);

impl SeededRandom {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> Self {
        Self(AtomicU64::new(seed))
    }
}

impl Random for SeededRandom {
    fn fill(&self, dest: &mut [u8]) {
        for chunk in dest.chunks_mut(8) {
            let mut z = self.0.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::SeqCst).wrapping_add(0x9E37_79B9_7F4A_7C15);
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            chunk.copy_from_slice(&z.to_le_bytes()[..chunk.len()]);
        }
    }
}

/// A fast, insecure stand-in for Argon2id: the "hash" is the password behind a marker.
#[derive(Debug, Default)]
pub struct PlainPasswordHasher;

impl PasswordHasher for PlainPasswordHasher {
    fn hash(&self, password: Password) -> BoxFuture<'static, Result<PasswordHash, PasswordHashError>> {
        let phc = format!("$plain${}", password.expose());
        Box::pin(async move { Ok(PasswordHash::from_phc(phc)) })
    }
    fn verify(&self, password: Password, hash: PasswordHash) -> BoxFuture<'static, Result<bool, PasswordHashError>> {
        let ok = hash.as_str() == format!("$plain${}", password.expose());
        Box::pin(async move { Ok(ok) })
    }
}

/// Signs nothing: the "token" is the typ and the claims' debug form, for tests that
/// only need a token to exist.
#[derive(Debug, Default)]
pub struct UnsignedSigner;

impl TokenSigner for UnsignedSigner {
    fn sign(&self, alg: SigningAlg, typ: &str, claims: &Claims) -> Result<String, SigningError> {
        Ok(format!("{}:{typ}.{:?}.unsigned", alg.as_str(), claims.iter().collect::<Vec<_>>()))
    }
    fn published_keys(&self) -> String {
        r#"{"keys":[]}"#.to_owned()
    }
    fn verify(&self, _token: &str) -> Option<VerifiedToken> {
        None
    }
}

/// The string member `inner` of the object claim `outer`.
fn member(claims: &Claims, outer: &str, inner: &str) -> Option<String> {
    match claims.get(outer) {
        Some(ClaimValue::Object(o)) => match o.get(inner) {
            Some(ClaimValue::Str(s)) => Some(s.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// Signs nothing, but remembers what it "signed" so that `verify` answers it: for
/// use cases that read back a token they issued.
#[derive(Debug, Default)]
pub struct RecordingSigner(Mutex<Vec<(String, VerifiedToken)>>);

impl TokenSigner for RecordingSigner {
    fn sign(&self, alg: SigningAlg, typ: &str, claims: &Claims) -> Result<String, SigningError> {
        let text = |name: &str| match claims.get(name) {
            Some(ClaimValue::Str(s)) => Some(s.clone()),
            _ => None,
        };
        let int = |name: &str| match claims.get(name) {
            Some(ClaimValue::Int(i)) => Some(*i),
            _ => None,
        };
        let verified = VerifiedToken {
            typ: typ.to_owned(),
            iss: text("iss"),
            sub: text("sub"),
            aud: text("aud").into_iter().collect(),
            exp: int("exp"),
            iat: int("iat"),
            jti: text("jti"),
            client_id: text("client_id"),
            scope: text("scope"),
            tid: text("tid"),
            sid: text("sid"),
            gid: text("gid"),
            auth_time: int("auth_time"),
            cnf_jkt: member(claims, "cnf", "jkt"),
            gcid: text("gcid"),
            act: member(claims, "act", "sub"),
        };
        let mut issued = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        // The claims stay readable in the token, as with `UnsignedSigner`.
        let token = format!("{}:{typ}.{:?}.{}", alg.as_str(), claims.iter().collect::<Vec<_>>(), issued.len());
        issued.push((token.clone(), verified));
        Ok(token)
    }
    fn published_keys(&self) -> String {
        r#"{"keys":[]}"#.to_owned()
    }
    fn verify(&self, token: &str) -> Option<VerifiedToken> {
        let issued = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        issued.iter().find(|(t, _)| t == token).map(|(_, v)| v.clone())
    }
}

/// A stand-in authenticator and relying party for domain tests. Registration answers
/// are `credential:<id>`; assertions are `assertion:<id>:<user handle hex>:<counter>`.
/// Stored credentials are `<id>|<counter>`; a counter that does not go up is refused.
#[derive(Debug, Default)]
pub struct FakePasskeys;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl PasskeyCeremonies for FakePasskeys {
    fn start_registration(&self, user: &PasskeyUser, exclude: &[String]) -> Result<Ceremony, PasskeyError> {
        Ok(Ceremony {
            options: format!("register:{}:{}", hex(&user.handle), exclude.join(",")),
            state: "register".into(),
        })
    }
    fn finish_registration(&self, state: &str, response: &str) -> Result<RegisteredPasskey, PasskeyError> {
        let id = response
            .strip_prefix("credential:")
            .filter(|_| state == "register")
            .ok_or_else(|| PasskeyError::Rejected("not a registration".into()))?;
        Ok(RegisteredPasskey {
            credential_id: id.to_owned(),
            credential: format!("{id}|0"),
            backup_eligible: true,
            backup_state: false,
        })
    }
    fn start_authentication(&self) -> Result<Ceremony, PasskeyError> {
        Ok(Ceremony { options: "sign-in".into(), state: "sign-in".into() })
    }
    fn identify(&self, response: &str) -> Result<PasskeyAssertion, PasskeyError> {
        let parts: Vec<&str> = response.split(':').collect();
        match parts.as_slice() {
            ["assertion", id, handle, _] => Ok(PasskeyAssertion {
                user_handle: (0..handle.len())
                    .step_by(2)
                    .filter_map(|i| u8::from_str_radix(handle.get(i..i + 2)?, 16).ok())
                    .collect(),
                credential_id: (*id).to_owned(),
            }),
            _ => Err(PasskeyError::Rejected("not an assertion".into())),
        }
    }
    fn finish_authentication(
        &self,
        state: &str,
        response: &str,
        credential: &str,
    ) -> Result<UsedPasskey, PasskeyError> {
        let (stored_id, stored_counter) = credential.split_once('|').unwrap_or((credential, "0"));
        let parts: Vec<&str> = response.split(':').collect();
        let ["assertion", id, _, counter] = parts.as_slice() else {
            return Err(PasskeyError::Rejected("not an assertion".into()));
        };
        let counter: u32 = counter.parse().map_err(|_| PasskeyError::Rejected("bad counter".into()))?;
        let stored: u32 = stored_counter.parse().unwrap_or(0);
        if state != "sign-in" || *id != stored_id || counter <= stored {
            return Err(PasskeyError::Rejected("signature, challenge or counter".into()));
        }
        Ok(UsedPasskey { credential: format!("{id}|{counter}"), backup_eligible: true, backup_state: true })
    }
}

/// A stand-in upstream provider: discovery answers `{issuer}/authorize` and friends,
/// every code redeems to the ID token `id-token`, and that token verifies to
/// whatever `claims` holds (set by the test). GitHub answers `github`.
#[derive(Debug, Default)]
pub struct FakeUpstream {
    /// The claims `id-token` verifies to.
    pub claims: Mutex<UpstreamClaims>,
    /// GitHub's user.
    pub github: Mutex<Option<UpstreamIdentity>>,
}

impl UpstreamClient for FakeUpstream {
    fn discover(&self, issuer: &str) -> BoxFuture<'static, Result<UpstreamEndpoints, UpstreamError>> {
        let issuer = issuer.to_owned();
        Box::pin(async move {
            Ok(UpstreamEndpoints {
                authorization_endpoint: format!("{issuer}/authorize"),
                token_endpoint: format!("{issuer}/token"),
                jwks_uri: Some(format!("{issuer}/jwks")),
                issuer,
            })
        })
    }
    fn redeem_code(&self, _: CodeRedemption) -> BoxFuture<'static, Result<UpstreamTokens, UpstreamError>> {
        Box::pin(async { Ok(UpstreamTokens { id_token: Some("id-token".into()), access_token: "access".into() }) })
    }
    fn fetch_keys(&self, _: &str) -> BoxFuture<'static, Result<String, UpstreamError>> {
        Box::pin(async { Ok("{\"keys\":[]}".to_owned()) })
    }
    fn github_identity(&self, _: &str) -> BoxFuture<'static, Result<UpstreamIdentity, UpstreamError>> {
        let user = self.github.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        Box::pin(async move { user.ok_or_else(|| UpstreamError("no GitHub user".into())) })
    }
    fn vet_destination(&self, _: &str) -> BoxFuture<'static, Result<(), UpstreamError>> {
        Box::pin(async { Ok(()) })
    }
}

impl UpstreamTokenVerifier for FakeUpstream {
    fn verify_upstream(&self, id_token: &str, _: &str) -> Option<UpstreamClaims> {
        (id_token == "id-token").then(|| self.claims.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone())
    }
}

/// Client ID metadata documents served from a map, counting fetches; a URL not in
/// the map fails to fetch.
#[derive(Debug, Default)]
pub struct FakeDocuments {
    /// The documents by URL.
    pub documents: Mutex<std::collections::HashMap<String, crate::registration::ClientDocument>>,
    /// How many fetches were made.
    pub fetches: std::sync::atomic::AtomicUsize,
}

impl FakeDocuments {
    /// Serves `document` at `url` from now on.
    pub fn serve(&self, url: &str, document: crate::registration::ClientDocument) {
        self.documents.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(url.to_owned(), document);
    }
}

impl crate::ports::ClientDocuments for FakeDocuments {
    fn fetch_client_document(
        &self,
        url: &str,
    ) -> BoxFuture<'static, Result<crate::registration::ClientDocument, UpstreamError>> {
        self.fetches.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let found = self.documents.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(url).cloned();
        let url = url.to_owned();
        Box::pin(async move { found.ok_or_else(|| UpstreamError(format!("{url}: 404"))) })
    }
}

/// Seals by labelling: `sealed:<context>:<hex>`. Opens only with the same context.
#[derive(Debug, Default)]
pub struct LabelSealer;

impl SecretSealer for LabelSealer {
    fn seal(&self, context: &str, plain: &[u8]) -> Result<String, SealError> {
        let hex: String = plain.iter().map(|b| format!("{b:02x}")).collect();
        Ok(format!("sealed:{context}:{hex}"))
    }
    fn open(&self, context: &str, sealed: &str) -> Result<Vec<u8>, SealError> {
        let hex = sealed
            .strip_prefix(&format!("sealed:{context}:"))
            .ok_or_else(|| SealError("another context".to_owned()))?;
        (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(hex.get(i..i + 2).unwrap_or("zz"), 16).map_err(|e| SealError(e.to_string())))
            .collect()
    }
}
