//! The cost of the crypto no request can avoid, measured with the server's own code.

use std::sync::Arc;
use std::time::{Duration, Instant};

use qeetid_crypto::{Argon2Hasher, Argon2Params, KeyEncryptionKey, SigningKeys, SystemRandom};
use qeetid_domain::oauth::{Claims, KeyPolicy};
use qeetid_domain::ports::{PasswordHasher, Random, TokenSigner};
use qeetid_domain::{Password, UnixTime};

/// Operations per second on one core.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub(crate) es256_sign_per_s: f64,
    pub(crate) es256_verify_per_s: f64,
    pub(crate) argon2_per_s: f64,
}

pub(crate) async fn measure(window: Duration) -> Result<Limits, String> {
    let random: Arc<dyn Random> = Arc::new(SystemRandom::new());
    let (kek, _) = KeyEncryptionKey::generate(random.as_ref());
    let keys =
        SigningKeys::new(kek, Arc::clone(&random), KeyPolicy { rotation_period: 86_400, max_token_lifetime: 3600 });
    let record = keys.generate(UnixTime::from_secs(0)).map_err(|e| e.to_string())?;
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

    let (mut n, start) = (0u64, Instant::now());
    let mut token = String::new();
    while start.elapsed() < window {
        token = keys.sign("at+jwt", &claims).map_err(|e| e.to_string())?;
        n += 1;
    }
    let sign = n as f64 / start.elapsed().as_secs_f64();

    let (mut n, start) = (0u64, Instant::now());
    while start.elapsed() < window {
        if TokenSigner::verify(&keys, &token).is_none() {
            return Err("a freshly signed token did not verify".into());
        }
        n += 1;
    }
    let verify = n as f64 / start.elapsed().as_secs_f64();

    let hasher = Argon2Hasher::new(Argon2Params::OWASP, 1, Arc::clone(&random)).map_err(|e| e.to_string())?;
    let hash = hasher.hash(Password::presented("correct horse battery".into())).await.map_err(|e| e.to_string())?;
    let (mut n, start) = (0u64, Instant::now());
    while start.elapsed() < window.max(Duration::from_secs(1)) {
        hasher
            .verify(Password::presented("correct horse battery".into()), hash.clone())
            .await
            .map_err(|e| e.to_string())?;
        n += 1;
    }
    let argon2 = n as f64 / start.elapsed().as_secs_f64();
    Ok(Limits { es256_sign_per_s: sign, es256_verify_per_s: verify, argon2_per_s: argon2 })
}
