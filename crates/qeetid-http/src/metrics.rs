//! Prometheus metrics: requests per route and status, token requests per grant type
//! and outcome, audit events per type (sign-in outcomes, throttles, reuse), the
//! database pool, and outbound calls.

use std::sync::Arc;

use prometheus::{Encoder as _, HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry, TextEncoder};

/// The database pool at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolGauges {
    /// Connections handed out.
    pub in_use: i64,
    /// Connections open and free.
    pub idle: i64,
    /// Requests waiting for a connection.
    pub waiting: i64,
}

/// Reads the pool when `/metrics` is asked for.
pub type PoolReader = Arc<dyn Fn() -> PoolGauges + Send + Sync>;

/// Request counters and latency histograms, labelled by route pattern (never the raw
/// path, which would give one series per id).
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    duration: HistogramVec,
    tokens: IntCounterVec,
    events: IntCounterVec,
    outbound: IntCounterVec,
    pool: IntGaugeVec,
    pool_reader: Option<PoolReader>,
}

impl Metrics {
    /// Registers the HTTP metrics.
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new_custom(Some("qeetid".to_owned()), None)?;
        let requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests by method, route and status"),
            &["method", "route", "status"],
        )?;
        let duration = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "HTTP request latency by method and route")
                .buckets(vec![0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5]),
            &["method", "route"],
        )?;
        let tokens = IntCounterVec::new(
            Opts::new(
                "token_requests_total",
                "Token endpoint requests by grant type and outcome (issued or the error code)",
            ),
            &["grant_type", "outcome"],
        )?;
        let events = IntCounterVec::new(
            Opts::new("audit_events_total", "Audit events by type: sign-in outcomes, throttles, reuse, changes"),
            &["type"],
        )?;
        let outbound = IntCounterVec::new(
            Opts::new("outbound_requests_total", "Outbound calls (identity providers, documents, logout) by outcome"),
            &["outcome"],
        )?;
        let pool = IntGaugeVec::new(
            Opts::new("db_pool_connections", "Database pool: connections in use and idle, requests waiting"),
            &["state"],
        )?;
        for metric in [&requests, &tokens, &events, &outbound] {
            registry.register(Box::new(metric.clone()))?;
        }
        registry.register(Box::new(duration.clone()))?;
        registry.register(Box::new(pool.clone()))?;
        Ok(Self { registry, requests, duration, tokens, events, outbound, pool, pool_reader: None })
    }

    /// Reads the database pool with `reader` at each scrape.
    pub fn with_pool_reader(mut self, reader: PoolReader) -> Self {
        self.pool_reader = Some(reader);
        self
    }

    /// Counts one token request: `grant_type` (an unknown one as `other`) and its outcome.
    pub(crate) fn token(&self, grant_type: &str, outcome: &str) {
        let grant_type = match qeetid_domain::GrantType::parse(grant_type) {
            Ok(known) => known.as_str(),
            Err(_) => "other",
        };
        self.tokens.with_label_values(&[grant_type, outcome]).inc();
    }

    /// Counts one audit event of type `kind`.
    pub fn event(&self, kind: &str) {
        self.events.with_label_values(&[kind]).inc();
    }

    /// Counts one outbound call: `ok`, `refused` (the outbound policy), or `failed`.
    pub fn outbound(&self, outcome: &str) {
        self.outbound.with_label_values(&[outcome]).inc();
    }

    /// Records one answered request.
    pub(crate) fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests.with_label_values(&[method, route, &status.to_string()]).inc();
        self.duration.with_label_values(&[method, route]).observe(seconds);
    }

    /// The text exposition format.
    pub(crate) fn render(&self) -> String {
        if let Some(read) = &self.pool_reader {
            let now = read();
            self.pool.with_label_values(&["in_use"]).set(now.in_use);
            self.pool.with_label_values(&["idle"]).set(now.idle);
            self.pool.with_label_values(&["waiting"]).set(now.waiting);
        }
        let mut out = Vec::new();
        if let Err(e) = TextEncoder::new().encode(&self.registry.gather(), &mut out) {
            tracing::error!(error = %e, "metrics encoding failed");
        }
        String::from_utf8(out).unwrap_or_default()
    }
}
