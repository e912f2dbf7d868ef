//! `qeetid-bench`: the benchmark behind `cargo xtask bench`.
//!
//! It measures the crypto every request cannot avoid (ES256 signatures and Argon2id
//! hashes per second, in-process, on one core), then for SQLite and PostgreSQL starts
//! `qeetid serve` pinned to one core, seeds it through the admin API and drives each
//! scenario with keep-alive connections at fixed concurrency: a warm-up, then a
//! measured window bounded in time and requests. Results go to a JSON file and a
//! Markdown table.

#![allow(clippy::print_stdout, reason = "the benchmark reports on stdout")]

mod crypto;
mod load;
mod proofs;
mod report;
mod scenarios;
mod server;

use std::path::PathBuf;
use std::time::Duration;

/// How long and how hard to run.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Plan {
    pub(crate) warmup: Duration,
    pub(crate) window: Duration,
    pub(crate) max_requests: usize,
    pub(crate) concurrency: usize,
    pub(crate) login_concurrency: usize,
}

struct Args {
    quick: bool,
    /// Core to pin the server to (`taskset -c`), when the machine allows it.
    pin_server: Option<String>,
    /// Cores the server may use: 1 when pinned.
    server_cores: usize,
    server: PathBuf,
    json: PathBuf,
    markdown: Option<PathBuf>,
    postgres: bool,
    /// Run only the scenarios whose name contains this (for profiling one of them).
    only: Option<String>,
}

fn args() -> Result<Args, String> {
    let mut args = Args {
        quick: false,
        pin_server: None,
        server_cores: std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
        server: PathBuf::from("target/release/qeetid"),
        json: PathBuf::from("target/bench/results.json"),
        markdown: None,
        only: None,
        postgres: true,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--quick" => args.quick = true,
            "--no-postgres" => args.postgres = false,
            "--only" => args.only = Some(it.next().ok_or("--only needs part of a scenario's name")?),
            "--pin-server" => args.pin_server = Some(it.next().ok_or("--pin-server needs a core")?),
            "--server-cores" => {
                args.server_cores = it
                    .next()
                    .ok_or("--server-cores needs a number")?
                    .parse()
                    .map_err(|_| "--server-cores needs a number")?
            }
            "--server" => args.server = it.next().ok_or("--server needs a path")?.into(),
            "--json" => args.json = it.next().ok_or("--json needs a path")?.into(),
            "--markdown" => args.markdown = Some(it.next().ok_or("--markdown needs a path")?.into()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(args)
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("qeetid-bench: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let args = args()?;
    let plan = if args.quick {
        Plan {
            warmup: Duration::from_millis(500),
            window: Duration::from_secs(2),
            max_requests: 20_000,
            concurrency: 16,
            login_concurrency: 4,
        }
    } else {
        Plan {
            warmup: Duration::from_secs(3),
            window: Duration::from_secs(15),
            max_requests: 500_000,
            concurrency: 32,
            login_concurrency: 4,
        }
    };
    let window = if args.quick { Duration::from_millis(300) } else { Duration::from_secs(2) };
    let crypto = crypto::Crypto::new().await?;
    let mut runs = Vec::new();
    let sqlite = qeetid_store::testing::TestDatabase::sqlite();
    let target = server::Target { binary: args.server.clone(), pin: args.pin_server.clone() };
    let cores = if args.pin_server.is_some() { 1 } else { args.server_cores };
    let only = args.only.as_deref();
    let bench =
        scenarios::Bench { target: &target, server_cores: cores, plan, crypto: &crypto, limit_window: window, only };
    runs.push(scenarios::run_all("sqlite", &sqlite.url, &bench).await?);
    if args.postgres {
        let pg = qeetid_store::testing::TestDatabase::postgres().await;
        runs.push(scenarios::run_all("postgres", &pg.url, &bench).await?);
    }
    let results = report::Results::new(args.quick, plan, runs);
    report::write_json(&results, &args.json)?;
    println!("{}", report::markdown(&results));
    if let Some(path) = args.markdown {
        report::write_markdown(&results, &path)?;
    }
    let errors: u64 = results.runs.iter().flat_map(|r| &r.scenarios).map(|s| s.errors).sum();
    if errors > 0 {
        return Err(format!("{errors} requests failed; see above"));
    }
    Ok(())
}
