//! One source of truth for settings: the server's defaults (`scopelens --default-settings`) are
//! the VS Code extension's. Every server setting is a VS Code setting with the same default, and
//! every `scopelens.*` VS Code setting is a server setting or one the extension itself reads.
//! (Neovim's `setup` defaults are checked against the same output in editors/nvim/test.)

use std::collections::BTreeMap;
use std::process::Command;

use serde_json::Value;

use crate::client;

/// Settings the VS Code extension reads itself and never sends to the server.
const VSCODE_ONLY: &[&str] = &["server.path", "contextColouring", "trace.server"];

/// `{"a": {"b": 1}}` → `a.b = 1`.
fn flatten(prefix: &str, value: &Value, out: &mut BTreeMap<String, Value>) {
    match value.as_object() {
        Some(object) => {
            for (key, value) in object {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(&path, value, out);
            }
        }
        None => {
            out.insert(prefix.to_owned(), value.clone());
        }
    }
}

fn server_defaults() -> BTreeMap<String, Value> {
    let output = Command::new(client::binary())
        .arg("--default-settings")
        .output()
        .expect("run the server");
    assert!(output.status.success());
    let json: Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    let mut out = BTreeMap::new();
    flatten("", &json, &mut out);
    out
}

#[test]
fn vscode_settings_are_the_servers_with_its_defaults() {
    let manifest = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../editors/vscode/package.json"
    );
    let package: Value = serde_json::from_str(&std::fs::read_to_string(manifest).unwrap()).unwrap();
    let properties = package["contributes"]["configuration"]["properties"]
        .as_object()
        .expect("contributes.configuration.properties");
    let vscode: BTreeMap<String, Value> = properties
        .iter()
        .filter_map(|(key, schema)| {
            let key = key.strip_prefix("scopelens.")?;
            (!VSCODE_ONLY.contains(&key)).then(|| (key.to_owned(), schema["default"].clone()))
        })
        .collect();
    let server = server_defaults();
    assert!(server.len() >= 7, "{server:?}");
    assert_eq!(
        vscode, server,
        "VS Code's settings (left) and the server's (right)"
    );
}
