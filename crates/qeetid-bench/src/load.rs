//! A small closed-loop load generator: `concurrency` workers, each with its own
//! keep-alive connection, send one request after another; a warm-up, then a window
//! bounded in time and in requests.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

/// What one scenario measured.
#[derive(Debug, Clone)]
pub(crate) struct Measured {
    pub(crate) requests: u64,
    pub(crate) errors: u64,
    pub(crate) seconds: f64,
    pub(crate) p50_ms: f64,
    pub(crate) p99_ms: f64,
    pub(crate) first_error: Option<String>,
}

impl Measured {
    pub(crate) fn per_second(&self) -> f64 {
        if self.seconds > 0.0 { self.requests as f64 / self.seconds } else { 0.0 }
    }
}

/// Runs `step` in `concurrency` workers (each starting from `init(worker)`) through
/// a warm-up of `warmup`, then measures for `window` or `max_requests`, whichever
/// ends first. `step` takes and returns its worker state, so it may hold a client,
/// a token chain or a cookie jar.
pub(crate) async fn drive<W, I, F, Fut>(
    concurrency: usize,
    warmup: Duration,
    window: Duration,
    max_requests: usize,
    init: I,
    step: F,
) -> Measured
where
    W: Send + 'static,
    I: Fn(usize) -> W,
    F: Fn(W) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = (W, Result<(), String>)> + Send,
{
    let measuring = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let counted = Arc::new(AtomicUsize::new(0));
    let errors = Arc::new(AtomicUsize::new(0));
    let first_error: Arc<Mutex<Option<String>>> = Arc::new(Mutex::new(None));
    let mut workers = Vec::with_capacity(concurrency);
    for i in 0..concurrency {
        let (measuring, stop, counted, errors, first_error) =
            (measuring.clone(), stop.clone(), counted.clone(), errors.clone(), first_error.clone());
        let step = step.clone();
        let mut state = Some(init(i));
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(4096);
            while !stop.load(Ordering::Relaxed) {
                let Some(s) = state.take() else { break };
                let started = Instant::now();
                let (next, outcome) = step(s).await;
                state = Some(next);
                if !measuring.load(Ordering::Relaxed) {
                    continue;
                }
                if let Err(e) = outcome {
                    errors.fetch_add(1, Ordering::Relaxed);
                    first_error.lock().await.get_or_insert(e);
                    continue;
                }
                latencies.push(started.elapsed());
                if counted.fetch_add(1, Ordering::Relaxed) + 1 >= max_requests {
                    stop.store(true, Ordering::Relaxed);
                }
            }
            latencies
        }));
    }
    tokio::time::sleep(warmup).await;
    measuring.store(true, Ordering::Relaxed);
    let started = Instant::now();
    while started.elapsed() < window && !stop.load(Ordering::Relaxed) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stop.store(true, Ordering::Relaxed);
    let seconds = started.elapsed().as_secs_f64();
    let mut all = Vec::new();
    for w in workers {
        if let Ok(l) = w.await {
            all.extend(l);
        }
    }
    all.sort_unstable();
    let percentile = |p: f64| -> f64 {
        if all.is_empty() {
            return 0.0;
        }
        let index = ((all.len() as f64 * p).ceil() as usize).saturating_sub(1).min(all.len() - 1);
        all[index].as_secs_f64() * 1000.0
    };
    Measured {
        requests: all.len() as u64,
        errors: errors.load(Ordering::Relaxed) as u64,
        seconds,
        p50_ms: percentile(0.50),
        p99_ms: percentile(0.99),
        first_error: first_error.lock().await.clone(),
    }
}
