//! Argon2id password hashing (RFC 9106) with OWASP's parameters, off the async executor.

use std::sync::Arc;

use argon2::password_hash::{PasswordHash as Phc, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use qeetid_domain::ports::{BoxFuture, PasswordHashError, PasswordHasher, Random};
use qeetid_domain::{Password, PasswordHash};
use tokio::sync::Semaphore;

/// Argon2id cost parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Argon2Params {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes over memory.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
}

impl Argon2Params {
    /// OWASP Password Storage Cheat Sheet: Argon2id, 19 MiB, 2 iterations, 1 lane.
    pub const OWASP: Self = Self { memory_kib: 19 * 1024, iterations: 2, parallelism: 1 };
}

/// Argon2id on at most `concurrency` blocking threads at once: each hash holds
/// its memory for ~20 ms, so an unbounded burst of logins would exhaust memory
/// and starve other blocking work.
pub struct Argon2Hasher {
    argon2: Arc<Argon2<'static>>,
    permits: Arc<Semaphore>,
    random: Arc<dyn Random>,
}

impl Argon2Hasher {
    /// A hasher with `params`, running at most `concurrency` hashes at once.
    pub fn new(params: Argon2Params, concurrency: usize, random: Arc<dyn Random>) -> Result<Self, PasswordHashError> {
        let params = Params::new(params.memory_kib, params.iterations, params.parallelism, None)
            .map_err(|e| PasswordHashError(e.to_string()))?;
        Ok(Self {
            argon2: Arc::new(Argon2::new(Algorithm::Argon2id, Version::V0x13, params)),
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            random,
        })
    }

    /// Runs `job` on a blocking thread once a permit is free.
    fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce(&Argon2<'static>) -> Result<T, PasswordHashError> + Send + 'static,
    ) -> BoxFuture<'static, Result<T, PasswordHashError>> {
        let argon2 = Arc::clone(&self.argon2);
        let permits = Arc::clone(&self.permits);
        Box::pin(async move {
            let _permit = permits.acquire_owned().await.map_err(|e| PasswordHashError(e.to_string()))?;
            tokio::task::spawn_blocking(move || job(&argon2)).await.map_err(|e| PasswordHashError(e.to_string()))?
        })
    }
}

impl PasswordHasher for Argon2Hasher {
    fn hash(&self, password: Password) -> BoxFuture<'static, Result<PasswordHash, PasswordHashError>> {
        let mut salt = [0u8; 16];
        self.random.fill(&mut salt);
        self.run(move |argon2| {
            let salt = SaltString::encode_b64(&salt).map_err(|e| PasswordHashError(e.to_string()))?;
            let phc = argon2
                .hash_password(password.expose().as_bytes(), &salt)
                .map_err(|e| PasswordHashError(e.to_string()))?;
            Ok(PasswordHash::from_phc(phc.to_string()))
        })
    }

    fn verify(&self, password: Password, hash: PasswordHash) -> BoxFuture<'static, Result<bool, PasswordHashError>> {
        self.run(move |argon2| {
            let phc = Phc::new(hash.as_str()).map_err(|e| PasswordHashError(format!("stored hash: {e}")))?;
            // The parameters stored in the hash are used, so old hashes keep verifying
            // after the configured parameters change.
            match argon2.verify_password(password.expose().as_bytes(), &phc) {
                Ok(()) => Ok(true),
                Err(argon2::password_hash::Error::Password) => Ok(false),
                Err(e) => Err(PasswordHashError(e.to_string())),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SystemRandom;

    #[tokio::test]
    async fn hashes_verify_and_use_owasp_parameters() {
        let hasher = Argon2Hasher::new(Argon2Params::OWASP, 2, Arc::new(SystemRandom::new())).unwrap();
        let hash = hasher.hash(Password::new("correct horse".into()).unwrap()).await.unwrap();
        assert!(hash.as_str().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{}", hash.as_str());
        assert!(hasher.verify(Password::presented("correct horse".into()), hash.clone()).await.unwrap());
        assert!(!hasher.verify(Password::presented("wrong horse".into()), hash.clone()).await.unwrap());
        let again = hasher.hash(Password::new("correct horse".into()).unwrap()).await.unwrap();
        assert_ne!(hash, again, "a fresh salt every time");
    }

    #[tokio::test]
    async fn a_malformed_stored_hash_is_an_error_not_a_match() {
        let hasher = Argon2Hasher::new(Argon2Params::OWASP, 1, Arc::new(SystemRandom::new())).unwrap();
        let result = hasher.verify(Password::presented("x".into()), PasswordHash::from_phc("nonsense".into())).await;
        assert!(result.is_err());
    }
}
