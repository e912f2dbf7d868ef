//! Qeet ID's crypto adapter: ES256 token signing and the JWKS, private keys
//! sealed with AES-256-GCM under a key-encryption key, operating-system
//! randomness, and Argon2id password hashing on a bounded pool of blocking threads.
//! Everything goes through `ring` (and `argon2`): one audited library for the hot path.

mod client_jws;
mod dpop;
mod kek;
mod password;
mod random;
mod signing;
mod upstream;

pub use client_jws::verify_client_jws;
pub use dpop::{jwk_thumbprint, verify_client_assertion, verify_dpop_proof};
pub use kek::{DerivationRoot, KekError, KeyEncryptionKey, KeyRing, Sealer, sealed_under};
pub use password::{Argon2Hasher, Argon2Params};
pub use random::SystemRandom;
pub use signing::{CryptoError, SigningKeys};
pub use upstream::UpstreamJwsVerifier;
