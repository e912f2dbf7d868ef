//! Argon2id password hashing (RFC 9106) with OWASP's parameters, on a small pool of
//! threads of its own, each reusing one memory buffer while it is busy.
//!
//! A hash needs 19 MiB of working memory for ~20 ms. Allocating it per hash on
//! tokio's blocking pool spreads it over many threads, whose allocator arenas keep
//! the freed memory: resident memory climbed to hundreds of MiB under a login load.
//! Here N threads each own one buffer, so memory stays at most N × 19 MiB and
//! logins queue for a slot instead of starving other blocking work. A thread that
//! has hashed nothing for [`KEEP_MEMORY_FOR`] gives its buffer back (a buffer this
//! large is its own mapping, so the memory returns to the system): an idle server
//! holds none, and a burst of sign-ins pays for the allocation once.

use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use argon2::password_hash::{Output, PasswordHash as Phc, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use qeetid_domain::ports::{BoxFuture, PasswordHashError, PasswordHasher, Random};
use qeetid_domain::{Password, PasswordHash};
use tokio::sync::oneshot;

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

/// How long a pool thread keeps its working memory after its last hash.
pub(crate) const KEEP_MEMORY_FOR: Duration = Duration::from_secs(1);

/// Blocks of address space reserved for a thread's working memory: just over
/// 32 MiB, though a hash touches only the 19 MiB it needs. glibc serves an
/// allocation this large from a mapping of its own, and on its release raises
/// its dynamic mmap threshold to the freed size only for sizes up to 32 MiB
/// (`DEFAULT_MMAP_THRESHOLD_MAX`); freeing a 19 MiB buffer would raise it, after
/// which every later allocation below 19 MiB, and the heap kept around them,
/// would stay with the process (peak memory under a login load: 71.5 MiB
/// against 52.0 MiB with the threshold left alone; see `docs/benchmarks.md`).
pub(crate) const RESERVED_BLOCKS: usize = (32 << 20) / Block::SIZE + 1;

/// Length of the hash output, in bytes.
const OUTPUT_LEN: usize = 32;

type Job = Box<dyn FnOnce(&mut Vec<Block>) + Send>;

/// Argon2id on a fixed pool of `concurrency` threads.
pub struct Argon2Hasher {
    params: Params,
    jobs: Mutex<Sender<Job>>,
    random: Arc<dyn Random>,
}

fn error(e: impl std::fmt::Display) -> PasswordHashError {
    PasswordHashError(e.to_string())
}

/// Runs Argon2id with `params` into `out`, in `memory` (grown if the stored
/// parameters of an old hash need more).
fn compute(
    params: &Params,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
    memory: &mut Vec<Block>,
) -> Result<(), PasswordHashError> {
    let needed = params.block_count();
    if memory.len() < needed {
        if memory.capacity() < needed {
            memory.reserve_exact(needed.max(RESERVED_BLOCKS) - memory.len());
        }
        memory.resize(needed, Block::default());
    }
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
        .hash_password_into_with_memory(password, salt, out, &mut memory[..needed])
        .map_err(error)
}

impl Argon2Hasher {
    /// A hasher with `params`, running at most `concurrency` hashes at once on
    /// threads of its own.
    pub fn new(params: Argon2Params, concurrency: usize, random: Arc<dyn Random>) -> Result<Self, PasswordHashError> {
        let params =
            Params::new(params.memory_kib, params.iterations, params.parallelism, Some(OUTPUT_LEN)).map_err(error)?;
        let (jobs, queue) = channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for i in 0..concurrency.max(1) {
            let queue: Arc<Mutex<Receiver<Job>>> = Arc::clone(&queue);
            std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || {
                    // Allocated by the first job (`compute` grows it), given back when idle.
                    let mut memory: Vec<Block> = Vec::new();
                    loop {
                        // The lock is held only while waiting for the next job.
                        let job = {
                            let queue = queue.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                            if memory.is_empty() {
                                queue.recv().map_err(|_| RecvTimeoutError::Disconnected)
                            } else {
                                queue.recv_timeout(KEEP_MEMORY_FOR)
                            }
                        };
                        match job {
                            Ok(job) => job(&mut memory),
                            Err(RecvTimeoutError::Timeout) => memory = Vec::new(),
                            Err(RecvTimeoutError::Disconnected) => return, // the hasher was dropped
                        }
                    }
                })
                .map_err(error)?;
        }
        Ok(Self { params, jobs: Mutex::new(jobs), random })
    }

    /// Queues `job` for a pool thread and waits for its answer.
    fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce(&mut Vec<Block>) -> Result<T, PasswordHashError> + Send + 'static,
    ) -> BoxFuture<'static, Result<T, PasswordHashError>> {
        let (reply, answer) = oneshot::channel();
        let queued = match self.jobs.lock() {
            Ok(jobs) => jobs.send(Box::new(move |memory| {
                let _ = reply.send(job(memory));
            })),
            Err(poisoned) => poisoned.into_inner().send(Box::new(move |memory| {
                let _ = reply.send(job(memory));
            })),
        };
        Box::pin(async move {
            queued.map_err(|_| PasswordHashError("the hashing pool has stopped".into()))?;
            answer.await.map_err(|_| PasswordHashError("a hashing thread stopped".into()))?
        })
    }
}

impl PasswordHasher for Argon2Hasher {
    fn hash(&self, password: Password) -> BoxFuture<'static, Result<PasswordHash, PasswordHashError>> {
        let mut salt_bytes = [0u8; 16];
        self.random.fill(&mut salt_bytes);
        let params = self.params.clone();
        self.run(move |memory| {
            // The PHC string carries the salt in B64; Argon2 takes its bytes.
            let salt = SaltString::encode_b64(&salt_bytes).map_err(error)?;
            let mut out = [0u8; OUTPUT_LEN];
            compute(&params, password.expose().as_bytes(), &salt_bytes, &mut out, memory)?;
            let phc = Phc {
                algorithm: argon2::ARGON2ID_IDENT,
                version: Some(Version::V0x13.into()),
                params: (&params).try_into().map_err(error)?,
                salt: Some(salt.as_salt()),
                hash: Some(Output::new(&out).map_err(error)?),
            };
            Ok(PasswordHash::from_phc(phc.to_string()))
        })
    }

    fn verify(&self, password: Password, hash: PasswordHash) -> BoxFuture<'static, Result<bool, PasswordHashError>> {
        self.run(move |memory| {
            let phc = Phc::new(hash.as_str()).map_err(|e| PasswordHashError(format!("stored hash: {e}")))?;
            if phc.algorithm != argon2::ARGON2ID_IDENT {
                return Err(PasswordHashError(format!("stored hash uses {}, not argon2id", phc.algorithm)));
            }
            // The parameters stored with the hash are used, so old hashes keep
            // verifying after the configured parameters change.
            let params = Params::try_from(&phc).map_err(error)?;
            let expected = phc.hash.ok_or_else(|| PasswordHashError("stored hash has no output".into()))?;
            let salt = phc.salt.ok_or_else(|| PasswordHashError("stored hash has no salt".into()))?;
            let mut salt_buffer = [0u8; 64];
            let salt_bytes = salt.decode_b64(&mut salt_buffer).map_err(error)?;
            let mut out = vec![0u8; expected.len()];
            compute(&params, password.expose().as_bytes(), salt_bytes, &mut out, memory)?;
            // Output's equality is constant-time.
            Ok(Output::new(&out).map_err(error)? == expected)
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
    async fn hashes_of_the_reference_implementation_and_other_parameters_verify() {
        // Made by the argon2 crate's own PasswordHasher with different parameters.
        use argon2::password_hash::PasswordHasher as _;
        let salt = SaltString::encode_b64(b"0123456789abcdef").unwrap();
        let other = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(8 * 1024, 3, 1, None).unwrap());
        let phc = other.hash_password(b"hunter2 hunter2", &salt).unwrap().to_string();
        let hasher = Argon2Hasher::new(Argon2Params::OWASP, 1, Arc::new(SystemRandom::new())).unwrap();
        let stored = PasswordHash::from_phc(phc);
        assert!(hasher.verify(Password::presented("hunter2 hunter2".into()), stored.clone()).await.unwrap());
        assert!(!hasher.verify(Password::presented("hunter3 hunter3".into()), stored).await.unwrap());
    }

    #[tokio::test]
    async fn an_idle_thread_gives_its_memory_back_and_hashes_again() {
        let hasher = Argon2Hasher::new(Argon2Params::OWASP, 1, Arc::new(SystemRandom::new())).unwrap();
        let held = || hasher.run(|memory| Ok(memory.len()));
        assert_eq!(held().await.unwrap(), 0, "nothing is allocated before the first hash");
        let hash = hasher.hash(Password::new("correct horse".into()).unwrap()).await.unwrap();
        assert_eq!(held().await.unwrap(), 19 * 1024, "the buffer is kept between hashes");
        let reserved = hasher.run(|memory| Ok(memory.capacity() * size_of::<Block>())).await.unwrap();
        assert!(reserved > 32 << 20, "reserved beyond glibc's largest dynamic mmap threshold: {reserved}");
        tokio::time::sleep(KEEP_MEMORY_FOR + Duration::from_millis(300)).await;
        assert_eq!(held().await.unwrap(), 0, "given back after a quiet second");
        assert!(hasher.verify(Password::presented("correct horse".into()), hash).await.unwrap());
    }

    #[tokio::test]
    async fn a_malformed_stored_hash_is_an_error_not_a_match() {
        let hasher = Argon2Hasher::new(Argon2Params::OWASP, 1, Arc::new(SystemRandom::new())).unwrap();
        let result = hasher.verify(Password::presented("x".into()), PasswordHash::from_phc("nonsense".into())).await;
        assert!(result.is_err());
    }
}
