//! Files not open in the editor: read from disk when first asked for, analysed, and kept in a
//! bounded least-recently-used cache keyed by path and checked against the file's modification
//! time and length on every use.
//!
//! Policy: at most [`MAX_CACHED_FILES`] analyses and [`MAX_CACHED_SOURCE_BYTES`] of their source
//! text (an analysis takes roughly 10–20 times its text: see docs/performance.md); beyond
//! either, the least recently used analyses are dropped first. Open documents are never here:
//! the editor's text wins and the LSP layer holds their analyses.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use rustc_hash::FxHashMap;

use crate::engine::{self, Analysis, Input};

/// Cached analyses of files that are not open, at most.
pub const MAX_CACHED_FILES: usize = 512;
/// Source text behind the cached analyses, at most.
pub const MAX_CACHED_SOURCE_BYTES: usize = 16 << 20;
/// A file larger than this is not read (minified bundles, generated code): a link into it
/// stops at the file.
pub const MAX_FILE_BYTES: u64 = 4 << 20;

/// Extensions of the files scopelens reads.
const SOURCE_EXTENSIONS: &[&str] = &["js", "mjs", "cjs", "jsx", "ts", "mts", "cts", "tsx"];

/// Why a file has no analysis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadError {
    NotSource,
    Missing,
    Unreadable(String),
    TooLarge(u64),
    Binary,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::NotSource => f.write_str("not a JavaScript or TypeScript file"),
            LoadError::Missing => f.write_str("the file does not exist"),
            LoadError::Unreadable(why) => write!(f, "the file could not be read: {why}"),
            LoadError::TooLarge(len) => write!(
                f,
                "the file is {len} bytes, more than the {MAX_FILE_BYTES} scopelens reads"
            ),
            LoadError::Binary => f.write_str("the file is not text"),
        }
    }
}

pub fn is_source_file(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| SOURCE_EXTENSIONS.contains(&e))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    modified: Option<SystemTime>,
    len: u64,
}

struct Entry {
    stamp: Stamp,
    analysis: Arc<Analysis>,
    bytes: usize,
    last_used: u64,
}

#[derive(Default)]
pub struct FileCache {
    entries: FxHashMap<PathBuf, Entry>,
    bytes: usize,
    clock: u64,
    /// Analyses made (cache misses), for tests and measurements.
    pub analysed: u64,
}

/// What the cache holds, for measurements.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CacheStats {
    pub files: usize,
    pub source_bytes: usize,
    pub analysed: u64,
}

impl FileCache {
    pub fn stats(&self) -> CacheStats {
        CacheStats {
            files: self.entries.len(),
            source_bytes: self.bytes,
            analysed: self.analysed,
        }
    }

    /// The cached analysis of `path` if the file has not changed on disk since.
    pub fn get(&mut self, path: &Path) -> Result<Option<Arc<Analysis>>, LoadError> {
        let stamp = stamp(path)?;
        self.clock += 1;
        let clock = self.clock;
        match self.entries.get_mut(path) {
            Some(entry) if entry.stamp == stamp => {
                entry.last_used = clock;
                Ok(Some(entry.analysis.clone()))
            }
            Some(_) => {
                self.forget(path);
                Ok(None)
            }
            None => Ok(None),
        }
    }

    pub fn insert(&mut self, path: PathBuf, loaded: Loaded) {
        self.forget(&path);
        self.clock += 1;
        self.analysed += 1;
        self.bytes += loaded.bytes;
        self.entries.insert(
            path,
            Entry {
                stamp: loaded.stamp,
                analysis: loaded.analysis,
                bytes: loaded.bytes,
                last_used: self.clock,
            },
        );
        while self.entries.len() > MAX_CACHED_FILES
            || (self.bytes > MAX_CACHED_SOURCE_BYTES && self.entries.len() > 1)
        {
            let Some(oldest) = self
                .entries
                .iter()
                .min_by_key(|(_, e)| e.last_used)
                .map(|(p, _)| p.clone())
            else {
                break;
            };
            self.forget(&oldest);
        }
    }

    pub fn forget(&mut self, path: &Path) {
        if let Some(entry) = self.entries.remove(path) {
            self.bytes -= entry.bytes;
        }
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.bytes = 0;
    }
}

fn stamp(path: &Path) -> Result<Stamp, LoadError> {
    let meta = std::fs::metadata(path).map_err(|err| match err.kind() {
        std::io::ErrorKind::NotFound => LoadError::Missing,
        _ => LoadError::Unreadable(err.to_string()),
    })?;
    if !meta.is_file() {
        return Err(LoadError::Unreadable("not a regular file".into()));
    }
    Ok(Stamp {
        modified: meta.modified().ok(),
        len: meta.len(),
    })
}

/// A file read and analysed.
pub struct Loaded {
    stamp: Stamp,
    pub analysis: Arc<Analysis>,
    bytes: usize,
}

/// Reads and analyses `path` (on a thread with the engine's stack). Never panics on any file.
pub fn load(path: &Path) -> Result<Loaded, LoadError> {
    let (stamp, text) = read_source(path)?;
    let file_name = path.to_string_lossy();
    let analysis = engine::analyze_in_thread(&Input::new(&text, &file_name));
    Ok(Loaded {
        stamp,
        bytes: text.len(),
        analysis: Arc::new(analysis),
    })
}

/// The text of the source file at `path`, or why it is not read (not a source file, too
/// large, not text).
fn read_source(path: &Path) -> Result<(Stamp, String), LoadError> {
    if !is_source_file(path) {
        return Err(LoadError::NotSource);
    }
    let stamp = stamp(path)?;
    if stamp.len > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge(stamp.len));
    }
    let bytes = read_limited(path)?;
    if memchr::memchr(0, &bytes[..bytes.len().min(8192)]).is_some() {
        return Err(LoadError::Binary);
    }
    let text = String::from_utf8(bytes).map_err(|_| LoadError::Binary)?;
    Ok((stamp, text))
}

/// The text of the source file at `path` (see [`read_source`]).
pub fn read_text(path: &Path) -> Result<String, LoadError> {
    read_source(path).map(|(_, text)| text)
}

/// The file's bytes, never more than [`MAX_FILE_BYTES`] (it may have grown since `stat`).
fn read_limited(path: &Path) -> Result<Vec<u8>, LoadError> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|err| LoadError::Unreadable(err.to_string()))?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| LoadError::Unreadable(err.to_string()))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}
