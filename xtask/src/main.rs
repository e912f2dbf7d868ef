//! `cargo xtask`: Qeet ID's automation, in Rust (no Makefile, no shell scripts).
//!
//! - `cargo xtask test [--no-postgres]`: formatting, clippy, the architecture
//!   invariants (`tidy`), unit, contract and integration tests on SQLite and
//!   PostgreSQL, and doctests.
//! - `cargo xtask e2e`: the browser tests (headless Chromium through the hosted pages),
//!   then `interop`.
//! - `cargo xtask interop`: independent client libraries (the MCP TypeScript SDK,
//!   openid-client) signing users in against the `qeetid` binary in headless Chromium
//!   (`sdks/interop`, Node's test runner).
//! - `cargo xtask sdk`: the Next.js SDK (`sdks/nextjs`): its unit tests, then its
//!   example app built with `next build` and driven in headless Chromium against the
//!   `qeetid` binary.
//! - `cargo xtask deploy`: `deploy/smoke-test.sh`, the steps of docs/deploy.md run
//!   for real against the `qeetid` binary (nginx with TLS in front, backup, wipe,
//!   restore); a shell script on purpose, since it is the operator's commands.
//! - `cargo xtask setup`: makes this machine able to run everything: starts the
//!   local PostgreSQL cluster and Redis if they are down, installs Debian's Chromium and
//!   openssl if absent, and the npm packages of `sdks/`.
//! - `cargo xtask bench [--quick]`: release build, then the benchmark (server pinned
//!   to core 0, load generator on core 1); the full run rewrites the results in
//!   docs/benchmarks.md and docs/benchmarks.json.
//! - `cargo xtask dist`: the release binary as shipped, in `target/dist/`: `qeetid`
//!   without debug information or symbols, and `qeetid.debug` beside it (DWARF and
//!   symbols, found by `perf`, `gdb` and `addr2line` through the binary's debug link).
//! - `cargo xtask migrate` / `cargo xtask seed`: run `qeetid migrate` / `qeetid seed`.

mod tidy;

use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::process::{Command, ExitCode};
use std::time::Duration;

type Result<T = ()> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (task, rest) = args.split_first().map_or(("help", &[][..]), |(t, r)| (t.as_str(), r));
    let result = match task {
        "test" => test(rest),
        "tidy" => tidy::check(),
        "setup" => setup(),
        "e2e" => e2e(),
        "interop" => interop(),
        "sdk" => sdk(),
        "deploy" => deploy(),
        "bench" => bench(rest),
        "dist" => dist(),
        "migrate" => qeetid("migrate", rest),
        "seed" => qeetid("seed", rest),
        _ => {
            eprintln!(
                "usage: cargo xtask <test [--no-postgres] | e2e | interop | sdk | deploy | bench [--quick] | dist | tidy | setup | migrate | seed>"
            );
            return ExitCode::from(if task == "help" { 0 } else { 2 });
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask {task}: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Runs a command, echoing it, and fails if it fails.
fn run(program: &str, args: &[&str]) -> Result {
    eprintln!("$ {program} {}", args.join(" "));
    let status = Command::new(program).args(args).status().map_err(|e| format!("cannot run {program}: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("`{program} {}` failed ({status})", args.join(" "))) }
}

fn cargo(args: &[&str]) -> Result {
    run(&std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()), args)
}

fn has_nextest() -> bool {
    Command::new("cargo").args(["nextest", "--version"]).output().is_ok_and(|o| o.status.success())
}

/// The PostgreSQL server the tests use: `QEETID_TEST_DATABASE_URL`, or the machine's
/// own at 127.0.0.1:5432 (user `postgres`, trust), as on every development and CI machine.
fn test_database_url() -> String {
    std::env::var("QEETID_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// `host:port` of a postgres URL.
fn postgres_address(url: &str) -> Option<SocketAddr> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let with_port = if host_port.contains(':') { host_port.to_owned() } else { format!("{host_port}:5432") };
    with_port.to_socket_addrs().ok()?.next()
}

fn postgres_answers() -> bool {
    postgres_address(&test_database_url())
        .is_some_and(|addr| TcpStream::connect_timeout(&addr, Duration::from_secs(2)).is_ok())
}

fn test(args: &[String]) -> Result {
    let skip_postgres = args.iter().any(|a| a == "--no-postgres");
    cargo(&["fmt", "--all", "--", "--check"])?;
    cargo(&["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"])?;
    tidy::check()?;
    domain_docs()?;
    // The embedding example must keep compiling and running with the domain alone.
    cargo(&["run", "--quiet", "-p", "qeetid-domain", "--example", "embedded_provider"])?;

    let postgres = !skip_postgres && postgres_answers();
    if !postgres && !skip_postgres {
        eprintln!(
            "PostgreSQL does not answer at {}: its suites cannot run. Start it (`cargo xtask setup`, or \
             `pg_ctlcluster <version> main start`) or point QEETID_TEST_DATABASE_URL at one; \
             `cargo xtask test --no-postgres` skips them on purpose.",
            test_database_url()
        );
    }
    // Test names are `<suite>::postgres::<case>` for the PostgreSQL runs.
    let filter = if postgres { None } else { Some("not test(/postgres::/)") };
    // The browser tests need Chromium and run with `cargo xtask e2e`.
    if has_nextest() {
        let mut a = vec!["nextest", "run", "--workspace", "--exclude", "qeetid-e2e", "--no-fail-fast"];
        if let Some(f) = filter {
            a.extend(["-E", f]);
        }
        cargo(&a)?;
        cargo(&["test", "--workspace", "--doc"])?;
    } else {
        let mut a = vec!["test", "--workspace", "--exclude", "qeetid-e2e", "--no-fail-fast"];
        if filter.is_some() {
            a.extend(["--", "--skip", "postgres::"]);
        }
        cargo(&a)?;
    }
    if postgres {
        eprintln!("xtask test: all suites passed, PostgreSQL included ({}).", test_database_url());
        Ok(())
    } else if skip_postgres {
        eprintln!("xtask test: passed WITHOUT the PostgreSQL suites (--no-postgres).");
        Ok(())
    } else {
        Err("the PostgreSQL suites did not run (see above); everything else passed".to_owned())
    }
}

/// The embeddable crate documents on its own, without warnings (broken links included).
fn domain_docs() -> Result {
    eprintln!("$ RUSTDOCFLAGS=\"-D warnings\" cargo doc -p qeetid-domain --no-deps");
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(["doc", "-p", "qeetid-domain", "--no-deps", "--quiet"])
        .env("RUSTDOCFLAGS", "-D warnings")
        .status()
        .map_err(|e| format!("cannot run cargo doc: {e}"))?;
    if status.success() { Ok(()) } else { Err("qeetid-domain's documentation has warnings".to_owned()) }
}

/// The benchmark: a release build, the server on core 0 and the load on core 1.
/// The binary as shipped, and its debug information apart (`objcopy`, binutils).
fn dist() -> Result {
    cargo(&["build", "--release", "--locked", "--bin", "qeetid"])?;
    std::fs::create_dir_all("target/dist").map_err(|e| format!("target/dist: {e}"))?;
    run("objcopy", &["--only-keep-debug", "target/release/qeetid", "target/dist/qeetid.debug"])?;
    // The link names the file only: the tools look for it beside the binary.
    run(
        "objcopy",
        &["--strip-all", "--add-gnu-debuglink=target/dist/qeetid.debug", "target/release/qeetid", "target/dist/qeetid"],
    )?;
    for file in ["target/dist/qeetid", "target/dist/qeetid.debug"] {
        let bytes = std::fs::metadata(file).map_err(|e| format!("{file}: {e}"))?.len();
        eprintln!("{file}: {:.1} MB", bytes as f64 / 1e6);
    }
    Ok(())
}

fn bench(args: &[String]) -> Result {
    let quick = args.iter().any(|a| a == "--quick");
    cargo(&["build", "--release", "--quiet", "-p", "qeetid-app", "-p", "qeetid-bench"])?;
    let mut command: Vec<String> = Vec::new();
    let pinned = Command::new("taskset").arg("--version").output().is_ok_and(|o| o.status.success())
        && std::thread::available_parallelism().is_ok_and(|n| n.get() >= 2);
    if pinned {
        command.extend(["taskset", "-c", "1"].map(String::from));
    }
    command.push("target/release/qeetid-bench".into());
    if pinned {
        command.extend(["--pin-server", "0"].map(String::from));
    } else {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        command.extend(["--server-cores".to_owned(), cores.to_string()]);
    }
    command.extend(["--server", "target/release/qeetid", "--markdown", "target/bench/results.md"].map(String::from));
    if quick {
        command.extend(["--quick", "--json", "target/bench/results.json"].map(String::from));
    } else {
        command.extend(["--json", "docs/benchmarks.json"].map(String::from));
    }
    if !postgres_answers() {
        eprintln!("PostgreSQL does not answer at {}: benchmarking SQLite only.", test_database_url());
        command.push("--no-postgres".into());
    }
    let (program, rest) = command.split_first().ok_or("empty command")?;
    run(program, &rest.iter().map(String::as_str).collect::<Vec<_>>())?;
    if !quick {
        record_benchmarks()?;
    }
    Ok(())
}

/// Replaces the results section of docs/benchmarks.md with this run's table,
/// under a header naming the machine, date, commit and command.
fn record_benchmarks() -> Result {
    let table =
        std::fs::read_to_string("target/bench/results.md").map_err(|e| format!("target/bench/results.md: {e}"))?;
    let output = |program: &str, args: &[&str]| {
        Command::new(program)
            .args(args)
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_default()
    };
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let header = format!(
        "Machine: {cores} cores, {cpu}. Date: {date}. Commit: `{commit}`. Command: `cargo xtask bench`.

",
        cores = std::thread::available_parallelism().map_or(1, |n| n.get()),
        date = output("date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
        commit = output("git", &["rev-parse", "--short", "HEAD"]),
    );
    let path = "docs/benchmarks.md";
    let doc = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let (start, end) = ("<!-- results:start -->", "<!-- results:end -->");
    let (Some(a), Some(b)) = (doc.find(start), doc.find(end)) else {
        return Err(format!("{path} has no {start} … {end} section"));
    };
    let updated = format!(
        "{}{start}
{header}{table}
{}",
        &doc[..a],
        &doc[b..]
    );
    std::fs::write(path, updated).map_err(|e| format!("{path}: {e}"))?;
    eprintln!("xtask bench: results written to {path} and docs/benchmarks.json");
    Ok(())
}

/// Where the browser tests find Chromium (`CHROMIUM` overrides it).
fn chromium_path() -> String {
    std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned())
}

/// The browser tests: headless Chromium through the hosted pages.
fn e2e() -> Result {
    if !std::path::Path::new(&chromium_path()).exists() {
        return Err(format!(
            "no Chromium at {}: run `cargo xtask setup` (installs Debian's chromium)",
            chromium_path()
        ));
    }
    if has_nextest() {
        cargo(&["nextest", "run", "-p", "qeetid-e2e", "--no-fail-fast"])?;
    } else {
        cargo(&["test", "-p", "qeetid-e2e", "--no-fail-fast"])?;
    }
    interop()
}

/// The npm package of the interoperability tests.
const INTEROP: &str = "sdks/interop";

/// Independent client libraries against the `qeetid` binary (see `sdks/interop`).
fn interop() -> Result {
    if !std::path::Path::new(INTEROP).join("node_modules").exists() {
        return Err(format!("no npm packages in {INTEROP}: run `cargo xtask setup`"));
    }
    let binary = debug_binary()?;
    eprintln!("$ node --test {INTEROP}/test/");
    let status = Command::new("node")
        .args(["--test", "--test-concurrency=1", "test/"])
        .current_dir(INTEROP)
        .env("QEETID_BIN", &binary)
        .env("CHROMIUM", chromium_path())
        .status()
        .map_err(|e| format!("cannot run node: {e}"))?;
    if !status.success() {
        return Err(format!("the interoperability tests failed ({status})"));
    }
    python_relying_party(&binary)
}

/// Builds the debug `qeetid` binary and answers its absolute path.
fn debug_binary() -> Result<std::path::PathBuf> {
    cargo(&["build", "-p", "qeetid-app", "--bin", "qeetid"])?;
    let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".to_owned());
    std::fs::canonicalize(format!("{target}/debug/qeetid")).map_err(|e| format!("qeetid binary: {e}"))
}

/// The deployment guide's smoke test (see `deploy/smoke-test.sh`).
fn deploy() -> Result {
    let binary = debug_binary()?;
    let binary = binary.to_str().ok_or("the binary's path is not UTF-8")?;
    run("bash", &["deploy/smoke-test.sh", binary])
}

/// The npm workspace of the TypeScript SDK and its example app.
const SDKS: &str = "sdks";
/// The Next.js SDK's package.
const NEXTJS_SDK: &str = "sdks/nextjs";

/// Runs `program args` in `dir` with `env`, naming `what` when it fails.
fn run_in(dir: &str, program: &str, args: &[&str], env: &[(&str, &std::ffi::OsStr)], what: &str) -> Result {
    eprintln!("$ (cd {dir} && {program} {})", args.join(" "));
    let status = Command::new(program)
        .args(args)
        .current_dir(dir)
        .envs(env.iter().copied())
        // Next.js would otherwise send anonymous telemetry from every build.
        .env("NEXT_TELEMETRY_DISABLED", "1")
        .status()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("{what} failed ({status})")) }
}

/// The Next.js SDK: unit tests (Node's test runner, a fake provider and the machine's
/// Redis), then the example app's production build driven in headless Chromium
/// against the `qeetid` binary (`sdks/nextjs/e2e`), on Next.js 16 and again on 15 and 14.2.
fn sdk() -> Result {
    if !std::path::Path::new(SDKS).join("node_modules").exists() {
        return Err(format!("no npm packages in {SDKS}: run `cargo xtask setup`"));
    }
    let binary = debug_binary()?;
    run_in(NEXTJS_SDK, "npm", &["test"], &[], "the SDK's unit tests")?;
    run_in(&format!("{NEXTJS_SDK}/example"), "npm", &["run", "build"], &[], "the example app's build")?;
    let chromium = chromium_path();
    let env = [("QEETID_BIN", binary.as_os_str()), ("CHROMIUM", std::ffi::OsStr::new(&chromium))];
    run_in(NEXTJS_SDK, "node", &["--test", "--test-concurrency=1", "e2e/"], &env, "the SDK's end-to-end tests")?;
    for compat in NEXTJS_COMPAT {
        prepare_compat_app(compat)?;
        let dir = format!("{NEXTJS_SDK}/{compat}");
        run_in(&dir, "npm", &["run", "build"], &[], &format!("the {compat} build"))?;
        let env = [
            ("QEETID_BIN", binary.as_os_str()),
            ("CHROMIUM", std::ffi::OsStr::new(&chromium)),
            ("QEETID_E2E_APP", std::ffi::OsStr::new(compat)),
        ];
        run_in(NEXTJS_SDK, "node", &["--test", "--test-concurrency=1", "e2e/"], &env, &format!("the {compat} tests"))?;
    }
    Ok(())
}

/// The example app again on older Next.js versions (`sdks/nextjs/compat`), with
/// edge middleware and the SDK installed as a package.
const NEXTJS_COMPAT: [&str; 2] = ["compat/next15", "compat/next14"];

/// Copies the example's `app/` and `lib/` into a compat app, and the built SDK
/// (`package.json` and `dist/`) into its `node_modules`, as `npm install` would.
fn prepare_compat_app(compat: &str) -> Result {
    let sdk = std::path::Path::new(NEXTJS_SDK);
    let app = sdk.join(compat);
    if !app.join("node_modules/next").exists() {
        return Err(format!("no npm packages in {}: run `cargo xtask setup`", app.display()));
    }
    let installed = app.join("node_modules/@qeetid/nextjs");
    for (from, to) in [
        (sdk.join("example/app"), app.join("app")),
        (sdk.join("example/lib"), app.join("lib")),
        (sdk.join("dist"), installed.join("dist")),
    ] {
        copy_tree(&from, &to)?;
    }
    std::fs::copy(sdk.join("package.json"), installed.join("package.json"))
        .map_err(|e| format!("copy the SDK's package.json: {e}"))?;
    Ok(())
}

/// Replaces `to` with a copy of the directory `from`.
fn copy_tree(from: &std::path::Path, to: &std::path::Path) -> Result {
    let fail = |e: std::io::Error| format!("copy {} to {}: {e}", from.display(), to.display());
    if to.exists() {
        std::fs::remove_dir_all(to).map_err(fail)?;
    }
    std::fs::create_dir_all(to).map_err(fail)?;
    for entry in std::fs::read_dir(from).map_err(fail)? {
        let entry = entry.map_err(fail)?;
        let target = to.join(entry.file_name());
        if entry.file_type().map_err(fail)?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target).map_err(fail)?;
        }
    }
    Ok(())
}

/// The Python relying party of the interoperability tests, and its virtualenv.
const PYTHON_RP: &str = "sdks/interop/python";

/// Authlib against the binary (see `sdks/interop/python/test_authlib.py`).
fn python_relying_party(binary: &std::path::Path) -> Result {
    let python = format!("{PYTHON_RP}/.venv/bin/python");
    if !std::path::Path::new(&python).exists() {
        return Err(format!("no virtualenv in {PYTHON_RP}: run `cargo xtask setup`"));
    }
    eprintln!("$ {python} -m unittest -v test_authlib");
    // An absolute path, but not canonicalized: the venv's `python` is a symlink, and
    // only when run through it does Python find the venv's packages.
    let python = std::env::current_dir().map_err(|e| format!("current directory: {e}"))?.join(&python);
    let status = Command::new(&python)
        .args(["-m", "unittest", "-v", "test_authlib"])
        .current_dir(PYTHON_RP)
        .env("QEETID_BIN", binary)
        .status()
        .map_err(|e| format!("cannot run python: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("the Python relying-party test failed ({status})")) }
}

/// Makes the Python relying party's virtualenv with its pinned packages.
fn install_python_packages() -> Result {
    let venv = format!("{PYTHON_RP}/.venv");
    if !std::path::Path::new(&venv).join("bin/python").exists() {
        run("python3", &["-m", "venv", &venv])?;
    }
    let pip = format!("{venv}/bin/pip");
    run(&pip, &["install", "-q", "--disable-pip-version-check", "-r", &format!("{PYTHON_RP}/requirements.txt")])
}

/// Installs the npm packages of `sdks/` exactly as locked: the interoperability
/// tests, and the workspace of the Next.js SDK and its example app.
fn install_npm_packages() -> Result {
    run("npm", &["ci", "--prefix", INTEROP, "--no-audit", "--no-fund"])?;
    run("npm", &["ci", "--prefix", SDKS, "--no-audit", "--no-fund"])?;
    for compat in NEXTJS_COMPAT {
        run("npm", &["ci", "--prefix", &format!("{NEXTJS_SDK}/{compat}"), "--no-audit", "--no-fund"])?;
    }
    Ok(())
}

/// Where the SDK's tests find Redis.
const REDIS: &str = "127.0.0.1:6379";

/// Starts Redis for the SDK's session-store tests when nothing answers (installing
/// Debian's package when it is missing); it keeps nothing on disk.
fn start_redis() -> Result {
    let answers = || REDIS.parse().is_ok_and(|a| TcpStream::connect_timeout(&a, Duration::from_secs(1)).is_ok());
    if answers() {
        eprintln!("Redis answers at {REDIS}.");
        return Ok(());
    }
    if Command::new("redis-server").arg("--version").output().is_err() {
        run("apt-get", &["update", "-q"])?;
        run("apt-get", &["install", "-y", "-q", "--no-install-recommends", "redis-server"])?;
    }
    run(
        "redis-server",
        &["--daemonize", "yes", "--bind", "127.0.0.1", "--port", "6379", "--save", "", "--appendonly", "no"],
    )?;
    for _ in 0..50 {
        if answers() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(format!("Redis did not answer at {REDIS} after starting"))
}

/// Installs openssl (the interoperability tests make their certificates with it).
/// Installs Debian's `package` when `program version_arg` does not run.
fn install_tool(program: &str, version_arg: &str, package: &str) -> Result {
    if Command::new(program).arg(version_arg).output().is_ok_and(|o| o.status.success()) {
        return Ok(());
    }
    run("apt-get", &["update", "-q"])?;
    run("apt-get", &["install", "-y", "-q", "--no-install-recommends", package])
}

/// Installs Debian's Chromium for the browser tests when it is missing.
fn install_chromium() -> Result {
    if std::path::Path::new(&chromium_path()).exists() {
        eprintln!("Chromium is installed at {}.", chromium_path());
        return Ok(());
    }
    run("apt-get", &["update", "-q"])?;
    run("apt-get", &["install", "-y", "-q", "--no-install-recommends", "chromium"])
}

/// Prepares the machine: PostgreSQL and Redis running, Chromium and openssl installed, the
/// npm packages of `sdks/` and the Python relying party's virtualenv in place.
fn setup() -> Result {
    install_chromium()?;
    install_tool("openssl", "version", "openssl")?;
    // The deployment smoke test: nginx in front (installed, not started), curl as the browser.
    install_tool("nginx", "-v", "nginx-light")?;
    install_tool("curl", "--version", "curl")?;
    install_npm_packages()?;
    install_python_packages()?;
    start_redis()?;
    start_postgres()
}

/// Starts the machine's PostgreSQL cluster when nothing answers.
fn start_postgres() -> Result {
    if postgres_answers() {
        eprintln!("PostgreSQL answers at {}.", test_database_url());
        return Ok(());
    }
    let versions = std::fs::read_dir("/etc/postgresql").map_err(|_| {
        "PostgreSQL is not installed here: `apt-get install -y postgresql`, then run this again".to_owned()
    })?;
    for version in versions.flatten() {
        let version = version.file_name().to_string_lossy().into_owned();
        let _ = run("pg_ctlcluster", &["--skip-systemctl-redirect", &version, "main", "start"]);
    }
    for _ in 0..30 {
        if postgres_answers() {
            eprintln!("PostgreSQL started.");
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    Err(format!("PostgreSQL still does not answer at {}", test_database_url()))
}

fn qeetid(command: &str, rest: &[String]) -> Result {
    let mut args = vec!["run", "--quiet", "--bin", "qeetid", "--", command];
    args.extend(rest.iter().map(String::as_str));
    cargo(&args)
}

#[cfg(test)]
mod tests {
    use super::postgres_address;

    #[test]
    fn finds_the_server_of_a_postgres_url() {
        assert_eq!(
            postgres_address("postgres://postgres@127.0.0.1:5432/postgres"),
            Some("127.0.0.1:5432".parse().unwrap())
        );
        assert_eq!(postgres_address("postgres://u:p@127.0.0.1/db?x=y"), Some("127.0.0.1:5432".parse().unwrap()));
        assert_eq!(postgres_address("nonsense"), None);
    }
}
