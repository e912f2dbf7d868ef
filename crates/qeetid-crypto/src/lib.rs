//! Qeet ID's crypto adapter: operating-system randomness through `ring`, and
//! Argon2id password hashing on a bounded pool of blocking threads.
//!
//! Signing keys (ES256, JWKS) join this crate with the Authorization Code flow.

mod password;
mod random;

pub use password::{Argon2Hasher, Argon2Params};
pub use random::SystemRandom;
