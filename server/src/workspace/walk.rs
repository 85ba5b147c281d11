//! Finding the project's source files: the workspace folders walked (no `node_modules`, no
//! dot-folders), and the cheap text pre-filter a candidate importer passes before it is analysed.

use std::path::{Path, PathBuf};

use super::Workspace;
use super::files::{MAX_FILE_BYTES, is_source_file};

/// Source files a search walks through, at most.
pub const MAX_SCANNED_FILES: usize = 20_000;

impl Workspace {
    /// The source files under the workspace folders (not `node_modules`, not dot-folders),
    /// at most [`MAX_SCANNED_FILES`]; whether the cap was hit.
    pub fn source_files(&self) -> (Vec<PathBuf>, bool) {
        let mut out = Vec::new();
        let mut stack: Vec<PathBuf> = self.folders();
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            let mut entries: Vec<_> = entries.flatten().collect();
            entries.sort_by_key(|e| e.file_name());
            for entry in entries {
                let name = entry.file_name();
                let name = name.to_string_lossy();
                let Ok(kind) = entry.file_type() else {
                    continue;
                };
                let path = entry.path();
                if kind.is_dir() {
                    if name != "node_modules" && !name.starts_with('.') {
                        stack.push(path);
                    }
                } else if kind.is_file() && is_source_file(&path) {
                    if out.len() >= MAX_SCANNED_FILES {
                        return (out, true);
                    }
                    out.push(path);
                }
            }
        }
        (out, false)
    }
}

/// The cheap pre-filter: the file's text names one of `names` (any file with a module keyword
/// for `default` and `module.exports`, whose importers choose their own names) and mentions a
/// module keyword. Files too large or not text are left out (the workspace refuses them).
pub fn mentions(path: &Path, names: &[String]) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    if meta.len() > MAX_FILE_BYTES {
        return false;
    }
    let Ok(bytes) = std::fs::read(path) else {
        return false;
    };
    if memchr::memchr(0, &bytes[..bytes.len().min(8192)]).is_some() {
        return false;
    }
    let has = |word: &str| memchr::memmem::find(&bytes, word.as_bytes()).is_some();
    if !(has("import") || has("require") || has("export")) {
        return false;
    }
    names
        .iter()
        .any(|n| n == "default" || n == super::COMMONJS_EXPORTS || has(n))
}
