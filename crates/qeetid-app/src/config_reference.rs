//! The configuration reference (`docs/configuration.md`), generated from the
//! commented defaults in `config/default.toml`, so that the two cannot drift (a
//! test compares them). Each group of keys under one comment becomes a list of
//! key, environment variable and default, followed by the comment.

use crate::config::{DEFAULTS, env_var};

/// Keys that follow one comment, and the comment.
struct Group {
    table: Option<String>,
    comment: Vec<String>,
    keys: Vec<(String, String)>,
}

/// Reads `config/default.toml` into groups, in file order; the file's opening
/// comment (before the first blank line) is not a group.
fn groups(text: &str) -> Vec<Group> {
    let mut out = Vec::new();
    let mut table: Option<String> = None;
    let mut comment: Vec<String> = Vec::new();
    let mut keys: Vec<(String, String)> = Vec::new();
    let mut flush = |comment: &mut Vec<String>, keys: &mut Vec<(String, String)>, table: &Option<String>| {
        if !keys.is_empty() {
            out.push(Group { table: table.clone(), comment: std::mem::take(comment), keys: std::mem::take(keys) });
        }
        comment.clear();
    };
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            flush(&mut comment, &mut keys, &table);
        } else if let Some(text) = line.strip_prefix('#') {
            comment.push(text.trim().to_owned());
        } else if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            table = Some(name.to_owned());
            // The table's comment describes its keys: keep it for them.
        } else if let Some((key, value)) = line.split_once('=') {
            keys.push((key.trim().to_owned(), value.trim().to_owned()));
        }
    }
    flush(&mut comment, &mut keys, &table);
    out
}

/// The whole reference, as Markdown.
pub fn markdown() -> String {
    let mut out = String::from(
        "# Configuration reference\n\n\
         <!-- Generated from config/default.toml; do not edit. After changing that file, run\n\
         `QEETID_WRITE_DOCS=1 cargo test -p qeetid-app config_reference` to write this one. -->\n\n\
         Every setting, its environment variable and its default. Settings are read from the defaults\n\
         (compiled in from `config/default.toml`), then a file given with `qeetid --config FILE` (same keys),\n\
         then `QEETID_…` variables, each overriding the one before. A key in a table (`[tokens]`) is set by\n\
         `QEETID_<TABLE>__<KEY>` (two underscores). `qeetid check-config` prints the result, secrets masked;\n\
         a value that cannot work stops the server with the key, where it was set, the value and what is allowed.\n\n\
         Besides these: `QEETID_BOOTSTRAP_ADMIN_KEY` pins the bootstrap admin key on first start (`qak_` and at\n\
         least 32 more characters; never read from a file), and `RUST_LOG`, when set, overrides `log_level`.\n",
    );
    let mut current_table: Option<String> = None;
    out.push_str("\n## Server\n");
    for group in groups(DEFAULTS) {
        if group.table != current_table {
            current_table = group.table.clone();
            if let Some(table) = &current_table {
                out.push_str(&format!("\n## `[{table}]`\n"));
            }
        }
        out.push('\n');
        for (key, value) in &group.keys {
            let path: Vec<&str> = current_table.iter().map(String::as_str).chain([key.as_str()]).collect();
            out.push_str(&format!("- **`{}`** · `{}` · default `{value}`\n", path.join("."), env_var(&path)));
        }
        if !group.comment.is_empty() {
            out.push('\n');
            // `<port>` and the like are text, not HTML.
            out.push_str(&group.comment.join("\n").replace('<', "&lt;").replace('>', "&gt;"));
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_configuration_md_is_generated_from_the_defaults() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/configuration.md");
        let generated = markdown();
        if std::env::var_os("QEETID_WRITE_DOCS").is_some() {
            std::fs::write(&path, &generated).unwrap();
        }
        let written = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            written == generated,
            "docs/configuration.md is not what config/default.toml makes: run \
             `QEETID_WRITE_DOCS=1 cargo test -p qeetid-app config_reference` and commit it"
        );
    }

    #[test]
    fn every_key_is_documented_with_its_variable() {
        let text = markdown();
        for (key, var) in [
            ("listen", "QEETID_LISTEN"),
            ("tokens.access_token_seconds", "QEETID_TOKENS__ACCESS_TOKEN_SECONDS"),
            ("password_hashing.memory_kib", "QEETID_PASSWORD_HASHING__MEMORY_KIB"),
        ] {
            assert!(text.contains(&format!("**`{key}`** · `{var}` ·")), "{key}");
        }
        let keys: usize = groups(DEFAULTS).iter().map(|g| g.keys.len()).sum();
        let table = DEFAULTS.parse::<toml::Table>().unwrap();
        let leaves: usize = table.values().map(|v| v.as_table().map_or(1, toml::map::Map::len)).sum();
        assert_eq!(keys, leaves, "every key of config/default.toml is in a group");
        assert!(!text.contains("Qeet ID defaults"), "the file's opening comment is not a group");
    }
}
