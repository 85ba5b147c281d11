//! Settings, from `initializationOptions` and `workspace/didChangeConfiguration`.

use serde::Deserialize;
use serde_json::Value;

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
