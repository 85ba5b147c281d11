//! Whether Node itself would load what resolution found. Resolution here is the lenient kind
//! TypeScript's bundler/`paths` resolution and bundlers use (extensions and index files
//! added), which is also what Node's CommonJS `require` does; but Node's ES module loader takes a
//! relative specifier literally (`import './x'` does not find `./x.js`, nor `./dir` its
//! `index.js`). When an ES module (`.mjs`, or `.js` under a `package.json` with `"type":
//! "module"`) imports a relative path that only the lenient resolution finds, the link is kept —
//! the code may well be bundled — and marked with this note.

use std::path::Path;

use super::normalize;
use crate::engine::{ModuleRequest, RequestKind};

/// Why Node would fail to load `request` of the file at `from` (an ES module) although it
/// resolves to `found`; `None` when Node loads it, or when the file is not run by Node as an ES
/// module (CommonJS, TypeScript).
pub fn node_esm_refusal(from: &Path, request: &ModuleRequest, found: &Path) -> Option<String> {
    let specifier = request.specifier.as_str();
    let relative =
        specifier.starts_with("./") || specifier.starts_with("../") || specifier.starts_with('/');
    if request.kind != RequestKind::Import || !relative {
        return None;
    }
    let literal = normalize(&from.parent()?.join(specifier));
    if literal == found {
        return None;
    }
    if !is_node_esm(from) {
        return None;
    }
    let what = if found.parent() == Some(literal.as_path()) {
        "index file to a directory"
    } else {
        "file extension"
    };
    let name = found.strip_prefix(from.parent()?).unwrap_or(found);
    Some(format!(
        "Node would not load `{specifier}` from this ES module: its loader adds no {what} (write `./{}`); linked as TypeScript and bundlers resolve it",
        name.display()
    ))
}

/// Run by Node as an ES module: `.mjs`, or `.js` under a `package.json` whose `type` is
/// `module` (the nearest one decides).
fn is_node_esm(path: &Path) -> bool {
    match path.extension().and_then(|e| e.to_str()) {
        Some("mjs") => return true,
        Some("js") => {}
        _ => return false,
    }
    for dir in path.ancestors().skip(1) {
        let Ok(text) = std::fs::read_to_string(dir.join("package.json")) else {
            continue;
        };
        let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
            return false;
        };
        return json.get("type").and_then(|t| t.as_str()) == Some("module");
    }
    false
}
