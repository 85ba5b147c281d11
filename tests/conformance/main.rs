//! Conformance: scopelens's model checked against V8 (the runtime, through `node:inspector`) and
//! against eslint-scope (an independent static analyser). See docs/fidelity.md for the method,
//! the mapping rules, the exclusions and the figures.

mod bundles;
mod eslint;
mod v8;
mod v8_inline_values;

use std::path::{Path, PathBuf};
use std::process::Command;

/// Root of the repository (the server crate lives in `server/`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("repo root")
        .to_path_buf()
}

/// Fails loudly when Node is missing: a conformance suite that silently passes proves nothing.
pub fn require_node() {
    match Command::new("node").arg("--version").output() {
        Ok(out) if out.status.success() => {}
        Ok(out) => panic!(
            "\n\n*** CONFORMANCE CANNOT RUN: `node --version` failed ({}) ***\n\
             The V8 and eslint-scope conformance tests need Node.js (20+) on PATH.\n\n",
            out.status
        ),
        Err(e) => panic!(
            "\n\n*** CONFORMANCE CANNOT RUN: `node` is not on PATH ({e}) ***\n\
             The V8 and eslint-scope conformance tests need Node.js (20+) on PATH; install it \
             rather than skipping these tests.\n\n"
        ),
    }
}
