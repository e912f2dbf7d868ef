//! The cost of the crypto no request can avoid, measured with the server's own code.
//!
//! On a shared machine these rates drift by a fifth within minutes (Argon2id, being
//! memory-bound, the most), so each scenario's limit is measured right before and
//! right after it, on the load generator's core, and the mean is used.

use std::sync::Arc;
use std::time::{Duration, Instant};

use qeetid_crypto::{Argon2Hasher, Argon2Params, KeyEncryptionKey, KeyRing, SigningKeys, SystemRandom};
use qeetid_domain::oauth::{Claims, KeyPolicy, SigningAlg};
use qeetid_domain::ports::{PasswordHasher, Random, TokenSigner};
use qeetid_domain::{Password, PasswordHash, UnixTime};

/// The crypto a scenario's requests cannot avoid.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Bound {
    /// One ES256 signature (client credentials).
    Sign,
    /// One ES256 verification (introspection, userinfo).
    Verify,
    /// Two signatures (refresh rotation, a code exchange: access and ID token).
    TwoSignatures,
    /// One ES256 verification and one signature (client credentials with a client
    /// assertion or a DPoP proof).
    VerifyAndSign,
    /// One Argon2id verification and two signatures (a whole login).
    Login,
}

/// The server's signer and hasher, set up once, to time.
pub(crate) struct Crypto {
    keys: SigningKeys,
    claims: Claims,
    token: String,
    hasher: Argon2Hasher,
    hash: PasswordHash,
}

const PASSWORD: &str = "correct horse battery";

impl Crypto {
    pub(crate) async fn new() -> Result<Self, String> {
        let random: Arc<dyn Random> = Arc::new(SystemRandom::new());
        let (kek, _) = KeyEncryptionKey::generate(random.as_ref());
        let policy = KeyPolicy { rotation_period: 86_400, max_token_lifetime: 3600 };
        let keys = SigningKeys::new(
            Arc::new(KeyRing::new(vec![kek]).map_err(|e| e.to_string())?),
            Arc::clone(&random),
            policy,
        );
        let record = keys.generate(SigningAlg::Es256, UnixTime::from_secs(0)).map_err(|e| e.to_string())?;
        keys.load(&[record], UnixTime::from_secs(0)).map_err(|e| e.to_string())?;
        // A claim set the size of a real access token.
        let claims = Claims::new()
            .str("iss", "http://localhost:8080")
            .str("sub", "qci_AAAAAAAAAAAAAAAAAAAAAA")
            .str("aud", "http://localhost:8080")
            .int("exp", 2_000_000_000)
            .int("iat", 1_900_000_000)
            .str("jti", "AAAAAAAAAAAAAAAAAAAAAA")
            .str("client_id", "qci_AAAAAAAAAAAAAAAAAAAAAA")
            .str("scope", "api:read")
            .str("tid", "tnt_AAAAAAAAAAAAAAAAAAAAAA");
        let token = keys.sign(SigningAlg::Es256, "at+jwt", &claims).map_err(|e| e.to_string())?;
        let hasher = Argon2Hasher::new(Argon2Params::OWASP, 1, random).map_err(|e| e.to_string())?;
        let hash = hasher.hash(Password::presented(PASSWORD.into())).await.map_err(|e| e.to_string())?;
        Ok(Self { keys, claims, token, hasher, hash })
    }

    fn sign_per_s(&self, window: Duration) -> Result<f64, String> {
        let (mut n, start) = (0u64, Instant::now());
        while start.elapsed() < window {
            self.keys.sign(SigningAlg::Es256, "at+jwt", &self.claims).map_err(|e| e.to_string())?;
            n += 1;
        }
        Ok(n as f64 / start.elapsed().as_secs_f64())
    }

    fn verify_per_s(&self, window: Duration) -> Result<f64, String> {
        let (mut n, start) = (0u64, Instant::now());
        while start.elapsed() < window {
            if TokenSigner::verify(&self.keys, &self.token).is_none() {
                return Err("a freshly signed token did not verify".into());
            }
            n += 1;
        }
        Ok(n as f64 / start.elapsed().as_secs_f64())
    }

    /// Argon2id verifications per second with the OWASP parameters (at least a second).
    async fn argon2_per_s(&self, window: Duration) -> Result<f64, String> {
        let (mut n, start) = (0u64, Instant::now());
        while start.elapsed() < window.max(Duration::from_secs(1)) {
            let presented = Password::presented(PASSWORD.into());
            self.hasher.verify(presented, self.hash.clone()).await.map_err(|e| e.to_string())?;
            n += 1;
        }
        Ok(n as f64 / start.elapsed().as_secs_f64())
    }

    /// Requests per second on one core that `bound` alone would allow, measured now.
    pub(crate) async fn limit(&self, bound: Bound, window: Duration) -> Result<f64, String> {
        Ok(match bound {
            Bound::Sign => self.sign_per_s(window)?,
            Bound::Verify => self.verify_per_s(window)?,
            Bound::TwoSignatures => self.sign_per_s(window)? / 2.0,
            Bound::VerifyAndSign => {
                let (verify, sign) = (self.verify_per_s(window)?, self.sign_per_s(window)?);
                1.0 / (1.0 / verify + 1.0 / sign)
            }
            Bound::Login => {
                let argon2 = self.argon2_per_s(window).await?;
                let sign = self.sign_per_s(window)?;
                1.0 / (1.0 / argon2 + 2.0 / sign)
            }
        })
    }
}
