//! Settings, from `initializationOptions` and `workspace/didChangeConfiguration`.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::engine::SourceKindChoice;
use crate::ide::{InlayHintsConfig, PitfallsConfig};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    pub source_kind: SourceKindChoice,
    pub inlay_hints: InlayHintsConfig,
    pub pitfalls: PitfallsConfig,
    /// Answer `textDocument/inlineValue` (`inlineValues.enabled`).
    pub inline_values: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            source_kind: SourceKindChoice::default(),
            inlay_hints: InlayHintsConfig::default(),
            pitfalls: PitfallsConfig::default(),
            inline_values: true,
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawSettings {
    source_kind: Option<String>,
    inlay_hints: RawInlayHints,
    diagnostics: RawDiagnostics,
    inline_values: RawInlineValues,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawInlineValues {
    enabled: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawDiagnostics {
    loop_var_capture: Option<bool>,
    tdz: Option<bool>,
    implicit_global: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawInlayHints {
    closure_captures: Option<bool>,
    captured_uses: Option<bool>,
    all_captures: Option<bool>,
}

impl Config {
    /// The default settings in the shape clients send them (`scopelens --default-settings`
    /// prints this). The one source of truth for every client's defaults: the VS Code
    /// extension's `package.json` and Neovim's `setup` defaults are checked against it.
    pub fn default_settings() -> Value {
        let Config {
            source_kind,
            inlay_hints,
            pitfalls,
            inline_values,
        } = Config::default();
        let source_kind = match source_kind {
            SourceKindChoice::Auto => "auto",
            SourceKindChoice::Script => "script",
            SourceKindChoice::Module => "module",
            SourceKindChoice::CommonJs => "commonjs",
        };
        json!({
            "sourceKind": source_kind,
            "inlayHints": {
                "closureCaptures": inlay_hints.closure_captures,
                "capturedUses": inlay_hints.captured_uses,
                "allCaptures": inlay_hints.all_captures,
            },
            "diagnostics": {
                "loopVarCapture": pitfalls.loop_var_capture,
                "tdz": pitfalls.tdz,
                "implicitGlobal": pitfalls.implicit_global,
            },
            "inlineValues": { "enabled": inline_values },
        })
    }

    /// Reads settings nested under a `scopelens` key or given at top level. Unknown or malformed
    /// values keep the defaults and are reported back as warnings, so one typo does not discard
    /// the rest.
    pub fn from_json(value: &Value) -> (Config, Vec<String>) {
        let mut warnings = Vec::new();
        let mut config = Config::default();
        let settings = value.get("scopelens").unwrap_or(value);
        if settings.is_null() {
            return (config, warnings);
        }
        let raw: RawSettings = match serde_json::from_value(settings.clone()) {
            Ok(raw) => raw,
            Err(err) => {
                warnings.push(format!("ignoring malformed scopelens settings: {err}"));
                return (config, warnings);
            }
        };
        if let Some(kind) = raw.source_kind {
            match SourceKindChoice::parse(&kind) {
                Some(choice) => config.source_kind = choice,
                None => warnings.push(format!(
                    "unknown sourceKind `{kind}` (expected auto, script, module or commonjs); using auto"
                )),
            }
        }
        if let Some(on) = raw.inlay_hints.closure_captures {
            config.inlay_hints.closure_captures = on;
        }
        if let Some(on) = raw.inlay_hints.captured_uses {
            config.inlay_hints.captured_uses = on;
        }
        if let Some(on) = raw.inlay_hints.all_captures {
            config.inlay_hints.all_captures = on;
        }
        if let Some(on) = raw.inline_values.enabled {
            config.inline_values = on;
        }
        let d = &raw.diagnostics;
        for (setting, on) in [
            (&mut config.pitfalls.loop_var_capture, d.loop_var_capture),
            (&mut config.pitfalls.tdz, d.tdz),
            (&mut config.pitfalls.implicit_global, d.implicit_global),
        ] {
            if let Some(on) = on {
                *setting = on;
            }
        }
        (config, warnings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_and_top_level() {
        let nested =
            json!({"scopelens": {"sourceKind": "module", "inlayHints": {"capturedUses": false}}});
        let (config, warnings) = Config::from_json(&nested);
        assert!(warnings.is_empty());
        assert_eq!(config.source_kind, SourceKindChoice::Module);
        assert!(config.inlay_hints.closure_captures);
        assert!(!config.inlay_hints.captured_uses);
        let top = json!({"sourceKind": "commonjs", "inlayHints": {"closureCaptures": false}});
        let (config, _) = Config::from_json(&top);
        assert_eq!(config.source_kind, SourceKindChoice::CommonJs);
        assert!(!config.inlay_hints.closure_captures);
        let off = json!({"diagnostics": {"tdz": false}});
        let (config, _) = Config::from_json(&off);
        assert!(!config.pitfalls.tdz && config.pitfalls.loop_var_capture);
        assert!(config.inline_values);
        let (config, _) = Config::from_json(&json!({"inlineValues": {"enabled": false}}));
        assert!(!config.inline_values);
    }

    /// Every key `default_settings` names is one `from_json` reads (flipping it changes the
    /// config), and reading the defaults gives the defaults.
    #[test]
    fn default_settings_are_the_keys_read() {
        let defaults = Config::default_settings();
        let (config, warnings) = Config::from_json(&defaults);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(config, Config::default());
        let mut flipped = 0;
        for (group, values) in defaults.as_object().unwrap() {
            let Some(values) = values.as_object() else {
                continue;
            };
            for (key, on) in values {
                let on = on.as_bool().expect("grouped settings are switches");
                let (config, warnings) = Config::from_json(&json!({ group: { key: !on } }));
                assert!(warnings.is_empty(), "{group}.{key}: {warnings:?}");
                assert_ne!(config, Config::default(), "{group}.{key} is not read");
                flipped += 1;
            }
        }
        assert_eq!(flipped, 7);
        let (config, _) = Config::from_json(&json!({"sourceKind": "commonjs"}));
        assert_ne!(config, Config::default());
    }

    #[test]
    fn bad_values_keep_defaults() {
        let (config, warnings) = Config::from_json(&json!({"sourceKind": "esm"}));
        assert_eq!(config, Config::default());
        assert_eq!(warnings.len(), 1);
        let (config, warnings) = Config::from_json(&json!({"inlayHints": 3}));
        assert_eq!(config, Config::default());
        assert_eq!(warnings.len(), 1);
        assert_eq!(Config::from_json(&Value::Null).0, Config::default());
    }
}
