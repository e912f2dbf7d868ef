//! Results as JSON (to compare runs) and as the Markdown table of docs/benchmarks.md.

use std::path::Path;

use serde_json::{Value, json};

use crate::Plan;
use crate::load::Measured;

/// One scenario's figures.
#[derive(Debug, Clone)]
pub(crate) struct Scenario {
    pub(crate) name: String,
    pub(crate) requests_per_s: f64,
    pub(crate) per_core: f64,
    pub(crate) p50_ms: f64,
    pub(crate) p99_ms: f64,
    pub(crate) errors: u64,
    pub(crate) requests: u64,
    /// Requests per second per core that the unavoidable crypto alone would allow.
    pub(crate) limit: Option<f64>,
}

impl Scenario {
    pub(crate) fn new(name: &str, m: &Measured, limit: Option<f64>, server_cores: usize) -> Self {
        let cores = server_cores.max(1) as f64;
        Self {
            name: name.to_owned(),
            requests_per_s: m.per_second(),
            per_core: m.per_second() / cores,
            p50_ms: m.p50_ms,
            p99_ms: m.p99_ms,
            errors: m.errors,
            requests: m.requests,
            limit,
        }
    }
}

/// All scenarios on one database.
#[derive(Debug, Clone)]
pub(crate) struct Run {
    pub(crate) backend: String,
    pub(crate) startup_s: f64,
    pub(crate) idle_rss_mib: Option<f64>,
    pub(crate) peak_rss_mib: Option<f64>,
    pub(crate) scenarios: Vec<Scenario>,
}

/// Everything one bench run produced.
pub(crate) struct Results {
    quick: bool,
    plan: Plan,
    pub(crate) runs: Vec<Run>,
}

impl Results {
    pub(crate) fn new(quick: bool, plan: Plan, runs: Vec<Run>) -> Self {
        Self { quick, plan, runs }
    }
}

fn to_json(r: &Results) -> Value {
    json!({
        "quick": r.quick,
        "warmup_s": r.plan.warmup.as_secs_f64(),
        "window_s": r.plan.window.as_secs_f64(),
        "concurrency": r.plan.concurrency,
        "login_concurrency": r.plan.login_concurrency,
        "runs": r.runs.iter().map(|run| json!({
            "backend": run.backend,
            "startup_s": run.startup_s,
            "idle_rss_mib": run.idle_rss_mib,
            "peak_rss_mib": run.peak_rss_mib,
            "scenarios": run.scenarios.iter().map(|s| json!({
                "name": s.name,
                "requests": s.requests,
                "requests_per_s": s.requests_per_s,
                "requests_per_s_per_core": s.per_core,
                "p50_ms": s.p50_ms,
                "p99_ms": s.p99_ms,
                "errors": s.errors,
                "crypto_limit_per_core": s.limit,
                "fraction_of_limit": s.limit.map(|l| s.per_core / l),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

pub(crate) fn write_json(r: &Results, path: &Path) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    let text = serde_json::to_string_pretty(&to_json(r)).map_err(|e| e.to_string())?;
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The results table (one per database).
pub(crate) fn markdown(r: &Results) -> String {
    let mut out = String::from(
        "Each crypto limit is measured on one core (the load generator's) right before and right after its scenario; \
         the table shows the mean.\n",
    );
    for run in &r.runs {
        out.push_str(&format!(
            "
### {}

Start-up on an existing database {:.2} s; resident memory {:.1} MiB idle, {:.1} MiB peak under load.

",
            run.backend,
            run.startup_s,
            run.idle_rss_mib.unwrap_or(0.0),
            run.peak_rss_mib.unwrap_or(0.0)
        ));
        out.push_str(
            "| scenario | req/s per server core | p50 ms | p99 ms | errors | crypto limit /s | share of limit |\n",
        );
        out.push_str("|---|---:|---:|---:|---:|---:|---:|\n");
        for s in &run.scenarios {
            let (limit, share) = match s.limit {
                Some(l) => (format!("{l:.0}"), format!("{:.0} %", 100.0 * s.per_core / l)),
                None => ("—".to_owned(), "—".to_owned()),
            };
            out.push_str(&format!(
                "| {} | {:.0} | {:.2} | {:.2} | {} | {limit} | {share} |\n",
                s.name, s.per_core, s.p50_ms, s.p99_ms, s.errors
            ));
        }
    }
    out
}

pub(crate) fn write_markdown(r: &Results, path: &Path) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    std::fs::write(path, markdown(r)).map_err(|e| format!("{}: {e}", path.display()))
}
