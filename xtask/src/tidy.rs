//! Architecture invariants, checked from `cargo metadata` so the picture in
//! docs/ARCHITECTURE.md cannot rot.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use serde_json::Value;

/// Crates that do I/O or belong to one adapter: the domain must reach none of them,
/// even transitively.
const IO_CRATES: &[&str] = &[
    "actix-web",
    "actix-rt",
    "actix-server",
    "tokio",
    "mio",
    "diesel",
    "diesel-async",
    "libsqlite3-sys",
    "tokio-postgres",
    "josekit",
    "openssl",
    "ring",
    "tera",
    "reqwest",
    "hyper",
];

/// Which workspace crate alone may depend directly on a given external crate.
const OWNERS: &[(&str, &str)] = &[
    ("actix-web", "qeetid-http"),
    ("utoipa", "qeetid-http"),
    ("diesel", "qeetid-store"),
    ("diesel-async", "qeetid-store"),
    ("diesel_migrations", "qeetid-store"),
    ("tera", "qeetid-render"),
    ("ring", "qeetid-crypto"),
    ("argon2", "qeetid-crypto"),
    ("webauthn-rs", "qeetid-webauthn"),
    ("lettre", "qeetid-mail"),
    ("fluent-bundle", "qeetid-render"),
];

/// Which workspace crates each of ours may depend on (normal dependencies).
const ALLOWED_INTERNAL: &[(&str, &[&str])] = &[
    ("qeetid-domain", &[]),
    ("qeetid-store", &["qeetid-domain"]),
    ("qeetid-crypto", &["qeetid-domain"]),
    ("qeetid-render", &[]),
    ("qeetid-webauthn", &["qeetid-domain"]),
    ("qeetid-upstream", &["qeetid-domain"]),
    ("qeetid-mail", &["qeetid-domain", "qeetid-render"]),
    ("qeetid-console", &["qeetid-domain"]),
    ("qeetid-http", &["qeetid-domain", "qeetid-console", "qeetid-render"]),
    (
        "qeetid-app",
        &[
            "qeetid-domain",
            "qeetid-console",
            "qeetid-store",
            "qeetid-crypto",
            "qeetid-http",
            "qeetid-render",
            "qeetid-webauthn",
            "qeetid-upstream",
            "qeetid-mail",
        ],
    ),
    ("qeetid-e2e", &[]),
    ("qeetid-bench", &["qeetid-domain", "qeetid-crypto", "qeetid-store"]),
    ("xtask", &[]),
];

pub(crate) fn check() -> crate::Result {
    let output = Command::new("cargo")
        .args(["metadata", "--format-version", "1", "--locked"])
        .output()
        .map_err(|e| format!("cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!("cargo metadata failed: {}", String::from_utf8_lossy(&output.stderr)));
    }
    let meta: Value = serde_json::from_slice(&output.stdout).map_err(|e| format!("cargo metadata output: {e}"))?;
    let mut problems = violations(&meta);
    let migrations = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations");
    problems.extend(migration_drift(&migrations, BACKEND_SPECIFIC_MIGRATIONS));
    let domain = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/qeetid-domain/src");
    problems.extend(page_paths_in(&domain, PAGE_PATHS_ALLOWED));
    let repos = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/qeetid-store/src/repos");
    problems.extend(unmarked_writes(&repos));
    if problems.is_empty() {
        eprintln!("tidy: architecture invariants hold");
        Ok(())
    } else {
        Err(format!("architecture invariants broken:\n  {}", problems.join("\n  ")))
    }
}

/// Page paths of the hosted UI that a string literal in the domain must not start with:
/// the domain holds the provider's rules, the HTTP and console crates its pages.
const PAGE_PATHS: [&str; 5] = ["\"/admin", "\"/account", "\"/consent", "\"/device", "\"/login"];

/// Domain files (below `src/`) allowed to name pages anyway: none.
const PAGE_PATHS_ALLOWED: &[&str] = &[];

/// Every non-test source file below `root` with a string literal naming a page.
fn page_paths_in(root: &std::path::Path, allowed: &[&str]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let relative = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            let is_test = relative.ends_with("tests.rs") || relative.starts_with("fakes");
            if !relative.ends_with(".rs") || is_test || allowed.contains(&relative.as_str()) {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for (number, line) in text.lines().enumerate() {
                if !line.trim_start().starts_with("//") && PAGE_PATHS.iter().any(|p| line.contains(p)) {
                    problems.push(format!(
                        "qeetid-domain/src/{relative}:{}: a page path in the domain (pages belong to the HTTP and \
                         console crates)",
                        number + 1
                    ));
                }
            }
        }
    }
    problems
}

/// What makes a store call a write: such a body must be `with_conn!(writer …)`.
const WRITES: [&str; 5] = ["insert_into(", "diesel::update(", "diesel::delete(", ".transaction(", "replace_into("];

/// Every `with_conn!` body in the store's repositories below `root` that writes
/// without the `writer` mark: on SQLite it would contend for the write lock in
/// `busy_timeout`'s sleeps instead of queueing for the one writer connection.
fn unmarked_writes(root: &std::path::Path) -> Vec<String> {
    let mut problems = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(root).into_iter().flatten().flatten().map(|e| e.path()).collect();
    files.sort();
    for path in files.into_iter().filter(|p| p.extension().is_some_and(|e| e == "rs")) {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let mut from = 0;
        while let Some(found) = text[from..].find("with_conn!(") {
            let start = from + found + "with_conn!(".len();
            let mut depth = 1usize;
            let mut end = start;
            for (i, c) in text[start..].char_indices() {
                depth = match c {
                    '(' => depth + 1,
                    ')' => depth - 1,
                    _ => depth,
                };
                if depth == 0 {
                    end = start + i;
                    break;
                }
            }
            let body = &text[start..end.max(start)];
            if !body.trim_start().starts_with("writer") && WRITES.iter().any(|w| body.contains(w)) {
                let line = text[..start].lines().count();
                problems.push(format!("qeetid-store/src/repos/{name}:{line}: a write outside `with_conn!(writer …)`"));
            }
            from = end.max(start);
        }
    }
    problems
}

/// Migration files whose SQL truly differs between PostgreSQL and SQLite
/// (`<migration>/<file>`); every other file is identical in both trees.
const BACKEND_SPECIFIC_MIGRATIONS: &[&str] = &[
    // The logo's bytes: BLOB in SQLite, BYTEA in PostgreSQL (diesel's `Binary` on both).
    "2026-12-06-000031_tenant_logos/up.sql",
];

/// The two migration sets must have the same migrations, in the same order, with the
/// same SQL except in the files listed in `backend_specific`: a schema change made for
/// one database only would make the contract suite the first to notice.
fn migration_drift(root: &std::path::Path, backend_specific: &[&str]) -> Vec<String> {
    let names = |db: &str| -> BTreeSet<String> {
        std::fs::read_dir(root.join(db))
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.path().is_dir())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect()
    };
    let (pg, sqlite) = (names("postgres"), names("sqlite"));
    let mut problems: Vec<String> =
        pg.symmetric_difference(&sqlite).map(|m| format!("migration {m} exists for one database only")).collect();
    if pg.is_empty() {
        problems.push("no migrations found under migrations/postgres".to_owned());
    }
    for migration in pg.intersection(&sqlite) {
        for file in ["up.sql", "down.sql"] {
            let read = |db: &str| std::fs::read_to_string(root.join(db).join(migration).join(file)).ok();
            let listed = backend_specific.contains(&format!("{migration}/{file}").as_str());
            if read("postgres") != read("sqlite") && !listed {
                problems.push(format!(
                    "migration {migration}/{file} differs between postgres and sqlite (make them one, or list the \
                     file in BACKEND_SPECIFIC_MIGRATIONS where the SQL truly differs)"
                ));
            }
        }
    }
    problems
}

/// Package id → name, and id → normal (non-dev, non-build) dependency ids.
fn graph(meta: &Value) -> (BTreeMap<String, String>, BTreeMap<String, Vec<String>>) {
    let names = meta["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| Some((p["id"].as_str()?.to_owned(), p["name"].as_str()?.to_owned())))
        .collect();
    let deps = meta["resolve"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|node| {
            let normal = node["deps"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|d| d["dep_kinds"].as_array().into_iter().flatten().any(|k| k["kind"].is_null()))
                .filter_map(|d| d["pkg"].as_str().map(str::to_owned))
                .collect();
            Some((node["id"].as_str()?.to_owned(), normal))
        })
        .collect();
    (names, deps)
}

fn violations(meta: &Value) -> Vec<String> {
    let (names, deps) = graph(meta);
    let id_of = |name: &str| names.iter().find(|(_, n)| n.as_str() == name).map(|(id, _)| id.clone());
    let direct = |name: &str| -> BTreeSet<String> {
        id_of(name).and_then(|id| deps.get(&id)).into_iter().flatten().filter_map(|d| names.get(d).cloned()).collect()
    };
    let mut problems = Vec::new();

    // 1. The domain and the console's use cases do no I/O: nothing that does is
    //    reachable from them.
    for pure in ["qeetid-domain", "qeetid-console"] {
        let Some(start) = id_of(pure) else {
            if pure == "qeetid-domain" {
                problems.push("qeetid-domain is missing from the workspace".to_owned());
            }
            continue;
        };
        let mut seen = BTreeSet::new();
        let mut stack = vec![start];
        while let Some(id) = stack.pop() {
            if !seen.insert(id.clone()) {
                continue;
            }
            if let Some(name) = names.get(&id)
                && IO_CRATES.contains(&name.as_str())
            {
                problems.push(format!("{pure} reaches `{name}`: it must not do I/O"));
            }
            stack.extend(deps.get(&id).into_iter().flatten().cloned());
        }
    }

    // 2. Each adapter library belongs to one crate.
    for (package, _) in ALLOWED_INTERNAL {
        for dep in direct(package) {
            if let Some((_, owner)) = OWNERS.iter().find(|(lib, _)| *lib == dep)
                && owner != package
            {
                problems.push(format!("{package} depends on `{dep}`: only {owner} may"));
            }
        }
    }

    // 3. Layering between our crates.
    for (package, allowed) in ALLOWED_INTERNAL {
        for dep in direct(package).iter().filter(|d| d.starts_with("qeetid-")) {
            if !allowed.contains(&dep.as_str()) {
                problems.push(format!("{package} depends on {dep}, which docs/ARCHITECTURE.md does not allow"));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::violations;

    fn package(name: &str) -> serde_json::Value {
        json!({ "id": format!("{name} 0.0.0"), "name": name })
    }

    fn node(name: &str, normal: &[&str], dev: &[&str]) -> serde_json::Value {
        let deps: Vec<_> = normal
            .iter()
            .map(|d| json!({ "pkg": format!("{d} 0.0.0"), "dep_kinds": [{ "kind": null }] }))
            .chain(dev.iter().map(|d| json!({ "pkg": format!("{d} 0.0.0"), "dep_kinds": [{ "kind": "dev" }] })))
            .collect();
        json!({ "id": format!("{name} 0.0.0"), "deps": deps })
    }

    #[test]
    fn a_domain_reaching_io_and_a_misplaced_adapter_are_caught() {
        let names = ["qeetid-domain", "sha2", "tokio", "qeetid-http", "diesel", "qeetid-store"];
        let meta = json!({
            "packages": names.iter().map(|n| package(n)).collect::<Vec<_>>(),
            "resolve": { "nodes": [
                node("qeetid-domain", &["sha2"], &["tokio"]),
                node("sha2", &["tokio"], &[]),
                node("qeetid-http", &["qeetid-domain", "diesel", "qeetid-store"], &[]),
                node("qeetid-store", &["qeetid-domain", "diesel"], &[]),
                node("tokio", &[], &[]),
                node("diesel", &[], &[]),
            ]},
        });
        let problems = violations(&meta);
        assert!(problems.iter().any(|p| p.contains("qeetid-domain reaches `tokio`")), "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("qeetid-http depends on `diesel`")), "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("qeetid-http depends on qeetid-store")), "{problems:?}");
        assert_eq!(problems.len(), 3, "{problems:?}");
    }

    #[test]
    fn the_console_crate_stays_pure_and_reaches_only_the_domain() {
        let names = ["qeetid-domain", "qeetid-console", "qeetid-store", "reqwest"];
        let meta = json!({
            "packages": names.iter().map(|n| package(n)).collect::<Vec<_>>(),
            "resolve": { "nodes": [
                node("qeetid-domain", &[], &[]),
                node("qeetid-console", &["qeetid-domain", "qeetid-store", "reqwest"], &[]),
                node("qeetid-store", &["qeetid-domain"], &[]),
                node("reqwest", &[], &[]),
            ]},
        });
        let problems = violations(&meta);
        assert!(problems.iter().any(|p| p.contains("qeetid-console reaches `reqwest`")), "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("qeetid-console depends on qeetid-store")), "{problems:?}");
    }

    #[test]
    fn migrations_must_exist_for_both_databases() {
        let root = std::env::temp_dir().join(format!("qeetid-tidy-{}", std::process::id()));
        for dir in ["postgres/001_a", "postgres/002_b", "sqlite/001_a"] {
            std::fs::create_dir_all(root.join(dir)).unwrap();
        }
        let problems = super::migration_drift(&root, &[]);
        assert_eq!(problems, vec!["migration 002_b exists for one database only".to_owned()]);
        std::fs::create_dir_all(root.join("sqlite/002_b")).unwrap();
        assert!(super::migration_drift(&root, &[]).is_empty());
        // The twins must say the same, unless the file is listed as backend-specific.
        std::fs::write(root.join("postgres/001_a/up.sql"), "CREATE TABLE t (id BIGSERIAL);").unwrap();
        std::fs::write(root.join("sqlite/001_a/up.sql"), "CREATE TABLE t (id INTEGER);").unwrap();
        let problems = super::migration_drift(&root, &[]);
        assert!(problems.len() == 1 && problems[0].contains("001_a/up.sql differs"), "{problems:?}");
        assert!(super::migration_drift(&root, &["001_a/up.sql"]).is_empty());
        std::fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn page_paths_in_the_domain_are_caught() {
        let root = std::env::temp_dir().join(format!("qeetid-tidy-pages-{}", std::process::id()));
        std::fs::create_dir_all(root.join("services")).unwrap();
        std::fs::write(root.join("services/ui.rs"), "fn go() -> &'static str { \"/admin/clients\" }\n").unwrap();
        std::fs::write(root.join("rules.rs"), "// see \"/login\" in the docs\nfn f() {}\n").unwrap();
        let problems = super::page_paths_in(&root, &[]);
        assert!(problems.len() == 1 && problems[0].contains("services/ui.rs:1"), "{problems:?}");
        assert!(super::page_paths_in(&root, &["services/ui.rs"]).is_empty());
        std::fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn writes_must_use_the_writer_connection() {
        let root = std::env::temp_dir().join(format!("qeetid-tidy-writes-{}", std::process::id()));
        std::fs::create_dir_all(&root).unwrap();
        let unmarked =
            "fn a() {\n    with_conn!(&self.pool, |conn| { diesel::update(t::table).set(x).execute(conn) });\n}\n";
        let marked = "fn b() { with_conn!(writer &self.pool, |conn| { diesel::insert_into(t::table).values(r) }) }\n";
        let read = "fn c() { with_conn!(&self.pool, |conn| { t::table.find(id).first(conn) }) }\n";
        std::fs::write(root.join("a.rs"), unmarked).unwrap();
        std::fs::write(root.join("b.rs"), format!("{marked}{read}")).unwrap();
        let problems = super::unmarked_writes(&root);
        assert_eq!(problems, vec!["qeetid-store/src/repos/a.rs:2: a write outside `with_conn!(writer …)`".to_owned()]);
        std::fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn dev_dependencies_do_not_count() {
        let meta = json!({
            "packages": [package("qeetid-domain"), package("tokio")],
            "resolve": { "nodes": [node("qeetid-domain", &[], &["tokio"]), node("tokio", &[], &[])] },
        });
        assert!(violations(&meta).is_empty());
    }
}
