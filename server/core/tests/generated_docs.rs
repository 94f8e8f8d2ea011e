//! The README's tables and the VS Code extension's settings are generated from the check table
//! and the settings schema (`essay_core::schema`). This fails when one is stale; regenerate with
//! `ESSAY_LSP_BLESS=1 cargo test -p essay-core --test generated_docs`.

use std::path::{Path, PathBuf};

use essay_core::schema;
use serde_json::Value;

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

/// `text` with the generated block that starts with `marker`'s line replaced by `body`.
fn replace_block(text: &str, marker: &str, body: &str) -> String {
    let start = text.find(marker).unwrap_or_else(|| panic!("no {marker:?}"));
    let body_start = start + text[start..].find('\n').unwrap() + 1;
    let end = body_start
        + text[body_start..]
            .find("<!-- end generated -->")
            .expect("generated block is closed");
    format!("{}{}{}", &text[..body_start], body, &text[end..])
}

#[test]
fn readme_tables_are_generated_from_the_tables() {
    let path = repo("README.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut want = replace_block(
        &text,
        "<!-- generated from checks::TABLE",
        &schema::readme_checks(),
    );
    want = replace_block(
        &want,
        "<!-- generated from schema::SETTINGS",
        &schema::readme_settings(),
    );
    check_or_bless(&path, &text, &want);
}

#[test]
fn vscode_settings_are_generated_from_the_schema() {
    let path = repo("editors/vscode/package.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut json: Value = serde_json::from_str(&text).unwrap();
    let properties = json["contributes"]["configuration"]["properties"]
        .as_object_mut()
        .expect("package.json has configuration properties");
    let generated = schema::vscode_properties();
    // Settings of the extension itself (server.path, trace.server) stay as written.
    properties.retain(|key, _| !is_server_key(key));
    for (key, value) in generated {
        properties.insert(key, value);
    }
    let want = serde_json::to_string_pretty(&json).unwrap() + "\n";
    check_or_bless(&path, &text, &want);
}

/// Fails when `path` (holding `text`) is not `want`; rewrites it under ESSAY_LSP_BLESS.
fn check_or_bless(path: &Path, text: &str, want: &str) {
    if std::env::var_os("ESSAY_LSP_BLESS").is_some() {
        std::fs::write(path, want).unwrap();
    } else {
        assert!(
            text == want,
            "{} is stale: run ESSAY_LSP_BLESS=1 cargo test -p essay-core --test generated_docs",
            path.display()
        );
    }
}

/// Keys the server reads (a section of the settings schema), as opposed to the extension's own.
fn is_server_key(key: &str) -> bool {
    let section = key
        .trim_start_matches("essayLsp.")
        .split('.')
        .next()
        .unwrap_or("");
    schema::SETTINGS.iter().any(|s| s.section() == section)
}
