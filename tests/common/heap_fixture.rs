//! The heap fixture programs (tests/heap/fixtures/app) and the snapshot Node writes of them, once
//! per test binary, for the heap tests (tests/heap) and the editor-facing ones (tests/lsp/heap.rs).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The fixture programs' folder: the workspace root their closures are mapped into.
pub fn app() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("heap/fixtures/app")
}

/// A folder of this test process's own, for snapshots and other files it writes.
pub fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("scopelens-heap-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The snapshot of the fixture programs, written once per test binary.
pub fn snapshot() -> &'static Path {
    static SNAPSHOT: OnceLock<PathBuf> = OnceLock::new();
    SNAPSHOT.get_or_init(|| {
        let path = scratch().join("app.heapsnapshot");
        let out = Command::new("node")
            .arg(app().join("main.mjs"))
            .env("SNAPSHOT", &path)
            .output()
            .unwrap_or_else(|e| {
                panic!("\n*** the heap tests need Node.js (20+) on PATH: {e} ***\n")
            });
        assert!(
            out.status.success(),
            "node: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        path
    })
}
