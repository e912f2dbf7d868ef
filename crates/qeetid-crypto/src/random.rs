//! [`Random`] from the operating system's CSPRNG.

use qeetid_domain::ports::Random;
use ring::rand::SecureRandom as _;

/// The operating system's CSPRNG, through `ring`.
#[derive(Debug)]
pub struct SystemRandom(ring::rand::SystemRandom);

impl SystemRandom {
    /// A handle on the OS generator.
    pub fn new() -> Self {
        Self(ring::rand::SystemRandom::new())
    }
}

impl Default for SystemRandom {
    fn default() -> Self {
        Self::new()
    }
}

impl Random for SystemRandom {
    fn fill(&self, dest: &mut [u8]) {
        if self.0.fill(dest).is_err() {
            // The port's contract: never hand out predictable bytes. Without an OS
            // CSPRNG no secret this server makes could be trusted, so stop here.
            std::process::abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_with_different_bytes_each_time() {
        let random = SystemRandom::new();
        let (mut a, mut b) = ([0u8; 32], [0u8; 32]);
        random.fill(&mut a);
        random.fill(&mut b);
        assert_ne!(a, b);
        assert_ne!(a, [0u8; 32]);
    }
}
