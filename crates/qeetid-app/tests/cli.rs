//! The `qeetid` binary as an operator meets it: its version, completions, refusals of
//! configuration that cannot work (exit code 2, naming what is wrong and where), a
//! warning for a misspelt variable, and a second server on one SQLite data directory.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Output, Stdio};

/// `qeetid args…` with only `vars` in its environment (and PATH).
fn qeetid(args: &[&str], vars: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_qeetid"));
    command.args(args).env_clear().env("PATH", std::env::var("PATH").unwrap_or_default());
    for (name, value) in vars {
        command.env(name, value);
    }
    command.output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("qeetid-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn the_binary_presents_itself() {
    let version = qeetid(&["--version"], &[]);
    let text = String::from_utf8_lossy(&version.stdout);
    assert!(text.starts_with("qeetid 0.1.0 (commit "), "{text}");
    let help = qeetid(&["--help"], &[]);
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(text.contains("OpenID Connect provider") && text.contains("QEETID_DATABASE_URL"), "{text}");
    assert!(text.contains("kek") && text.contains("backup") && text.contains("completions"), "{text}");
    let completions = qeetid(&["completions", "bash"], &[]);
    assert!(completions.status.success() && String::from_utf8_lossy(&completions.stdout).contains("_qeetid()"));
}

#[test]
fn configuration_that_cannot_work_stops_with_exit_code_2_naming_it() {
    for (vars, named) in [
        (vec![("QEETID_LOG_FORMAT", "xml")], vec!["QEETID_LOG_FORMAT", "`log_format` is `xml`"]),
        (vec![("QEETID_ISSUER", "id.acme.com")], vec!["QEETID_ISSUER", "absolute"]),
        (vec![("QEETID_TOKENS__ACCESS_TOKEN_SECONDS", "0")], vec!["QEETID_TOKENS__ACCESS_TOKEN_SECONDS", "above 0"]),
        (vec![("QEETID_LISTEN", "no-such-host.invalid:80")], vec!["QEETID_LISTEN", "resolve"]),
        (vec![("QEETID_TRUSTED_PROXIES", "proxy.internal")], vec!["QEETID_TRUSTED_PROXIES", "network"]),
        (vec![("QEETID_DB_POOL_SIZE", "many")], vec!["QEETID_DB_POOL_SIZE", "whole number"]),
    ] {
        let output = qeetid(&["check-config"], &vars);
        assert_eq!(output.status.code(), Some(2), "{vars:?}");
        let message = stderr(&output);
        for part in named {
            assert!(message.contains(part), "{part} in {message}");
        }
        let serve = qeetid(&["serve"], &vars);
        assert_eq!(serve.status.code(), Some(2), "the server refuses too: {vars:?}");
    }
    let dir = temp_dir("config");
    let file = dir.join("qeetid.toml");
    std::fs::write(&file, "[tokens]\nacess_token_seconds = 5\n").unwrap();
    let output = qeetid(&["--config", file.to_str().unwrap(), "check-config"], &[]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("qeetid.toml") && message.contains("did you mean `access_token_seconds`"), "{message}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_misspelt_variable_is_named_and_secrets_are_masked() {
    let output = qeetid(
        &["check-config"],
        &[("QEETID_ISUER", "https://id.acme.com"), ("QEETID_KEY_ENCRYPTION_KEY", &"B".repeat(43))],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("QEETID_ISUER is not a setting"), "{}", stderr(&output));
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(printed.contains("key_encryption_key = \"***\"") && !printed.contains(&"B".repeat(43)), "{printed}");
}

#[test]
fn a_second_server_on_one_sqlite_data_directory_is_refused() {
    let dir = temp_dir("lock");
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let listen = format!("127.0.0.1:{port}");
    let data = dir.to_str().unwrap();
    let vars = [("QEETID_DATA_DIR", data), ("QEETID_LISTEN", listen.as_str()), ("QEETID_LOG_LEVEL", "warn")];
    let mut first = Command::new(env!("CARGO_BIN_EXE_qeetid"));
    first.arg("serve").env_clear().stdout(Stdio::null()).stderr(Stdio::null());
    for (name, value) in vars {
        first.env(name, value);
    }
    let mut first = first.spawn().unwrap();
    let ready = (0..100).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(100));
        qeetid(&["probe"], &vars).status.success()
    });
    assert!(ready, "the first server became ready");
    let second = qeetid(&["serve", "--listen", "127.0.0.1:0"], &vars);
    let _ = first.kill();
    let _ = first.wait();
    assert!(!second.status.success());
    let message = stderr(&second);
    assert!(message.contains("qeetid.db.lock"), "{message}");
    let _ = std::fs::remove_dir_all(&dir);
}
