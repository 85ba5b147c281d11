//! The workspace index: a [`Summary`] of every source file under the workspace folders (its
//! module record's links, resolved, and its top-level names) and, from them, the reverse module
//! graph (which files have a request that resolves to module M). Cross-file answers take their
//! candidate files from it, so a request costs what its answer costs, not a walk of the tree.
//!
//! Built once, in the background, on all cores ([`Workspace::build_index`]: `ignore`'s parallel
//! walker, honouring `.gitignore`, no `node_modules` and no dot-folders; then each file read,
//! summarised by the engine's summary pass (its full analysis where that pass declines), on a
//! rayon pool with the engine's stack). Then
//! kept current file by file: files announced changed ([`Workspace::changed`]) are marked dirty
//! and summarised again before the next question; open documents' analyses replace their
//! files' summaries (open text wins over disk). A deleted or created file re-resolves only the
//! requests it can change (its importers, or the requests that resolved nowhere); a changed
//! `package.json`/`tsconfig.json` re-resolves the requests of the files below it.
//!
//! The index gives way to the editor ([`Foreground`]): a file that is an open document is not
//! read from disk (its summary comes from the document's analysis), and no file is started
//! while an open document's analysis is queued or under way (at most 2 s per file, 10 s in
//! all), so the first answers after an open do not share the cores with the index.
//!
//! No cap: every source file is indexed. What is left out (a file too large, not text, not
//! readable) is kept with its reason, and answers that may depend on it say they are partial.

mod summary;
#[cfg(test)]
mod summary_pass_tests;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU8, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError, RwLock};
use std::time::Duration;

use rustc_hash::{FxHashMap, FxHashSet};

pub use summary::{Asked, Request, Summary, Symbol};

use super::files::{LoadError, is_source_file, read_text};
use super::{COMMONJS_EXPORTS, OpenFiles, Resolved, Workspace};
use crate::engine::{self, Analysis, Declined, FileSummary, Input, ModuleRequest, Scratch};

/// Where the index is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Not started (the command line and tests build it on first use).
    NotStarted,
    /// Listing the folders' files.
    Walking,
    /// Summarising the files found.
    Indexing,
    Ready,
}

/// Files indexed of the files found, for progress reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    pub phase: Phase,
    pub done: usize,
    pub total: usize,
}

#[derive(Default)]
struct State {
    files: FxHashMap<Arc<Path>, Arc<Summary>>,
    /// The reverse graph: module → the files with a request resolving to it.
    importers: FxHashMap<Arc<Path>, FxHashSet<Arc<Path>>>,
    /// Files not indexed, with why.
    skipped: FxHashMap<Arc<Path>, LoadError>,
    /// Files with a request that resolves nowhere (a file created later may be what it means).
    unresolved: FxHashSet<Arc<Path>>,
    /// Files that load a module by a computed specifier ([`Summary::computed_loads`]): they
    /// may read any module's export names, so every question about export names sees them.
    computed: FxHashSet<Arc<Path>>,
    /// Files whose summary comes from an open document: the analysis it was made from.
    open: FxHashMap<Arc<Path>, usize>,
}

impl State {
    fn insert(&mut self, path: Arc<Path>, summary: Summary) {
        self.remove(&path);
        for target in summary.targets() {
            self.importers
                .entry(target.clone())
                .or_default()
                .insert(path.clone());
        }
        if summary.requests.iter().any(is_unresolved_relative) {
            self.unresolved.insert(path.clone());
        }
        if summary.computed_loads {
            self.computed.insert(path.clone());
        }
        self.files.insert(path, Arc::new(summary));
    }

    fn remove(&mut self, path: &Path) {
        self.skipped.remove(path);
        self.unresolved.remove(path);
        self.computed.remove(path);
        if let Some(old) = self.files.remove(path) {
            for target in old.targets() {
                if let Some(set) = self.importers.get_mut(target) {
                    set.remove(path);
                    if set.is_empty() {
                        self.importers.remove(target);
                    }
                }
            }
        }
    }
}

fn is_unresolved_relative(r: &Request) -> bool {
    r.resolved.is_none() && r.specifier.starts_with('.')
}

#[derive(Default)]
pub struct Index {
    state: RwLock<State>,
    phase: AtomicU8,
    done: AtomicUsize,
    total: AtomicUsize,
    ready: (Mutex<bool>, Condvar),
    /// Files announced changed since they were last summarised.
    dirty: Mutex<FxHashSet<PathBuf>>,
}

/// The files that may use an exported binding, from the reverse graph.
#[derive(Debug, Default)]
pub struct Candidates {
    pub files: Vec<PathBuf>,
    /// Why the list may be incomplete (the index still building, files it could not read).
    pub partial: Vec<String>,
}

const PHASES: [Phase; 4] = [
    Phase::NotStarted,
    Phase::Walking,
    Phase::Indexing,
    Phase::Ready,
];

impl Index {
    /// For an open document's file: the analysis its summary was made from (by address), or
    /// `OPEN_NOT_SUMMARISED`.
    fn open_summary(&self, path: &Path) -> Option<usize> {
        let state = self.state.read().unwrap_or_else(PoisonError::into_inner);
        state.open.get(path).copied()
    }

    pub fn progress(&self) -> Progress {
        Progress {
            phase: PHASES[self.phase.load(Ordering::Acquire) as usize],
            done: self.done.load(Ordering::Relaxed),
            total: self.total.load(Ordering::Relaxed),
        }
    }

    fn set_phase(&self, phase: Phase) {
        self.phase.store(phase as u8, Ordering::Release);
        if phase == Phase::Ready {
            *self.ready.0.lock().unwrap_or_else(PoisonError::into_inner) = true;
            self.ready.1.notify_all();
        }
    }

    /// Waits at most `timeout` for the index to be built; whether it is.
    pub fn wait_ready(&self, timeout: Duration) -> bool {
        let guard = self.ready.0.lock().unwrap_or_else(PoisonError::into_inner);
        let (guard, _) = self
            .ready
            .1
            .wait_timeout_while(guard, timeout, |ready| !*ready)
            .unwrap_or_else(PoisonError::into_inner);
        *guard
    }

    /// Every indexed file with its summary (cheap: shared pointers).
    pub fn files(&self) -> Vec<(Arc<Path>, Arc<Summary>)> {
        let state = self.state.read().unwrap_or_else(PoisonError::into_inner);
        state
            .files
            .iter()
            .map(|(p, s)| (p.clone(), s.clone()))
            .collect()
    }

    /// Indexed files and files left out; an open document the index left to its analysis
    /// counts as indexed.
    pub fn counts(&self) -> (usize, usize) {
        let state = self.state.read().unwrap_or_else(PoisonError::into_inner);
        let pending = state
            .open
            .keys()
            .filter(|p| !state.files.contains_key(*p))
            .count();
        (state.files.len() + pending, state.skipped.len())
    }

    /// The bytes the summaries and the graph hold, roughly (for the memory figure).
    pub fn heap_bytes(&self) -> usize {
        let state = self.state.read().unwrap_or_else(PoisonError::into_inner);
        let entry = std::mem::size_of::<(Arc<Path>, Arc<Summary>)>() + 16;
        state
            .files
            .iter()
            .map(|(p, s)| {
                p.as_os_str().len() + entry + std::mem::size_of::<Summary>() + s.heap_bytes()
            })
            .sum::<usize>()
            + state
                .importers
                .values()
                .map(|set| entry + set.len() * 16)
                .sum::<usize>()
    }

    /// The files that may use `names` exported by the module at `declaring`: its importers that
    /// ask for one of them (or for the whole module, or its default when CommonJS), read it
    /// where its names cannot be followed ([`Summary::opaque`]) or pass it on with `export *`,
    /// and, transitively, the importers of modules that re-export them (`export … from`,
    /// `export *`, an import exported again) under the names they re-export them as; and every
    /// file that loads a module by a computed specifier (it may read any module's names: these
    /// are the one part of the answer not bounded by the graph, and are few). A superset,
    /// checked exactly by the caller.
    pub fn candidates(&self, declaring: &Path, names: &[String]) -> Vec<PathBuf> {
        let state = self.state.read().unwrap_or_else(PoisonError::into_inner);
        let mut seen: FxHashSet<(Arc<Path>, Box<str>)> = FxHashSet::default();
        let mut queue: Vec<(Arc<Path>, Box<str>)> = Vec::new();
        let declaring: Arc<Path> = declaring.into();
        for n in names {
            queue.push((declaring.clone(), n.as_str().into()));
        }
        let mut out: FxHashSet<Arc<Path>> = FxHashSet::default();
        while let Some((module, want)) = queue.pop() {
            if !seen.insert((module.clone(), want.clone())) {
                continue;
            }
            let Some(importers) = state.importers.get(&module) else {
                continue;
            };
            let commonjs = state.files.get(&module).is_some_and(|s| s.commonjs);
            for file in importers {
                let Some(s) = state.files.get(file) else {
                    continue;
                };
                let to_module = |r: u32| {
                    s.requests
                        .get(r as usize)
                        .and_then(|r| r.resolved.as_ref())
                        .is_some_and(|p| *p == module)
                };
                let asks = |asked: &Asked| match asked {
                    Asked::Named(n) => **n == *want || (commonjs && &*want == COMMONJS_EXPORTS),
                    Asked::Default => &*want == "default" || commonjs,
                    Asked::Namespace => true,
                };
                if s.imports.iter().any(|(r, a)| to_module(*r) && asks(a))
                    || s.members.iter().any(|(r, n)| to_module(*r) && *n == want)
                    || s.opaque.iter().any(|r| to_module(*r))
                {
                    out.insert(file.clone());
                }
                for (r, asked, exported) in &*s.reexports {
                    if to_module(*r) && asks(asked) {
                        out.insert(file.clone());
                        queue.push((file.clone(), exported.clone()));
                    }
                }
                if &*want != "default" && s.stars.iter().any(|r| to_module(*r)) {
                    // Its `export *` may pass the name on (a rename follows it there).
                    out.insert(file.clone());
                    queue.push((file.clone(), want.clone()));
                }
            }
        }
        out.extend(state.computed.iter().cloned());
        let mut files: Vec<PathBuf> = out.into_iter().map(|p| p.to_path_buf()).collect();
        files.sort();
        files
    }

    /// Files left out of the index whose text mentions one of `names`: they may use them, but
    /// cannot be analysed. (Read here, per question; they are few.)
    pub fn skipped_mentioning(&self, names: &[String]) -> Vec<(PathBuf, String)> {
        let skipped: Vec<(PathBuf, String)> = {
            let state = self.state.read().unwrap_or_else(PoisonError::into_inner);
            state
                .skipped
                .iter()
                .map(|(p, why)| (p.to_path_buf(), why.to_string()))
                .collect()
        };
        skipped
            .into_iter()
            .filter(|(path, _)| {
                std::fs::read(path).is_ok_and(|bytes| {
                    names
                        .iter()
                        .any(|n| memchr::memmem::find(&bytes, n.as_bytes()).is_some())
                })
            })
            .collect()
    }
}

/// What the index gives way to while it is built: the editor's own work (the language server's
/// open documents and their analyses). [`NoForeground`] for the command line and tests.
pub trait Foreground: Sync {
    /// `path` is an open document: its summary will come from its analysis.
    fn is_open(&self, path: &Path) -> bool;
    /// Returns once no analysis of an open document is queued or under way, or after `limit`.
    fn wait_idle(&self, limit: Duration);
}

/// Nothing to give way to.
pub struct NoForeground;

impl Foreground for NoForeground {
    fn is_open(&self, _: &Path) -> bool {
        false
    }
    fn wait_idle(&self, _: Duration) {}
}

/// The longest the index waits for the foreground before one file, and in all while it is
/// built: a user typing without a pause in a large file keeps the analysis worker busy nearly
/// all the time, and the index must still be built.
const YIELD_AT_MOST: Duration = Duration::from_secs(2);
const YIELD_IN_ALL: Duration = Duration::from_secs(10);

/// Where an open document's summary is due: no analysis of it is known yet
/// (`State::open` holds the analysis a summary was made from; no analysis has this address).
const OPEN_NOT_SUMMARISED: usize = 0;

thread_local! {
    /// oxc's arena, kept between the files one indexing thread summarises.
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

impl Workspace {
    /// The index (see the module docs).
    pub fn index(&self) -> &Index {
        &self.index
    }

    /// Builds the index of the workspace folders, on all cores; returns when it is ready.
    /// Progress can be read meanwhile ([`Index::progress`]).
    /// Returns at once if another thread started it.
    pub fn build_index(&self) {
        self.build_index_beside(&NoForeground);
    }

    /// [`Workspace::build_index`], giving way to `foreground` (see the module docs).
    pub fn build_index_beside(&self, foreground: &dyn Foreground) {
        let index = &self.index;
        let started = index.phase.compare_exchange(
            Phase::NotStarted as u8,
            Phase::Walking as u8,
            Ordering::AcqRel,
            Ordering::Acquire,
        );
        if started.is_err() {
            return;
        }
        let paths = self.walk_sources();
        index.total.store(paths.len(), Ordering::Relaxed);
        index.set_phase(Phase::Indexing);
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .stack_size(engine::ANALYSIS_STACK_SIZE)
            .thread_name(|i| format!("scopelens-index-{i}"))
            .build();
        // `None`: an open document, left to `refresh_open`.
        let yielded_ms = AtomicU64::new(0);
        let summarise = |path: &PathBuf| {
            let left = YIELD_IN_ALL
                .saturating_sub(Duration::from_millis(yielded_ms.load(Ordering::Relaxed)));
            if !left.is_zero() {
                let started = std::time::Instant::now();
                foreground.wait_idle(YIELD_AT_MOST.min(left));
                let waited = started.elapsed().as_millis() as u64;
                yielded_ms.fetch_add(waited, Ordering::Relaxed);
            }
            let result = (!foreground.is_open(path)).then(|| self.summarise_file(path));
            index.done.fetch_add(1, Ordering::Relaxed);
            result
        };
        let results: Vec<_> = match pool {
            Ok(pool) => pool.install(|| {
                use rayon::prelude::*;
                paths.par_iter().map(summarise).collect()
            }),
            // No threads to be had: index on this one.
            Err(_) => paths.iter().map(summarise).collect(),
        };
        let mut state = index.state.write().unwrap_or_else(PoisonError::into_inner);
        for (path, result) in paths.iter().zip(results) {
            let path: Arc<Path> = path.as_path().into();
            if state.open.contains_key(&path) {
                continue;
            }
            match result {
                Some(Ok(summary)) => state.insert(path, summary),
                Some(Err(why)) => {
                    state.remove(&path);
                    state.skipped.insert(path, why);
                }
                // Its summary is made from its analysis by the next `refresh_open`; closed
                // before that, it is summarised from disk then.
                None => {
                    tracing::debug!(path = %path.display(), "left to the open document's analysis");
                    state.open.insert(path, OPEN_NOT_SUMMARISED);
                }
            }
        }
        drop(state);
        index.set_phase(Phase::Ready);
        let (files, skipped) = index.counts();
        tracing::info!(
            files,
            skipped,
            bytes_per_file = index.heap_bytes() / files.max(1),
            "workspace index ready"
        );
    }

    /// The index, made current: built first if nothing started it (the command line, tests);
    /// waited for at most `wait` if it is being built (then `false`: answers are partial); files
    /// announced changed and open documents summarised again.
    pub fn current_index(&self, open: &dyn OpenFiles, wait: Duration) -> bool {
        if self.index.progress().phase == Phase::NotStarted {
            self.build_index();
        }
        let ready = self.index.progress().phase == Phase::Ready || self.index.wait_ready(wait);
        self.refresh_dirty();
        self.refresh_open(open);
        ready
    }

    /// The source files under the folders: `ignore`'s parallel walker (honours `.gitignore`;
    /// skips dot-folders and `node_modules`). Sorted, for stable answers.
    fn walk_sources(&self) -> Vec<PathBuf> {
        // Canonical, as resolution's answers are (it follows symlinks).
        let folders: Vec<PathBuf> = self
            .folders()
            .iter()
            .map(|f| f.canonicalize().unwrap_or_else(|_| f.clone()))
            .collect();
        let Some((first, rest)) = folders.split_first() else {
            return Vec::new();
        };
        let mut builder = ignore::WalkBuilder::new(first);
        for folder in rest {
            builder.add(folder);
        }
        builder
            .hidden(true)
            .parents(true)
            .git_ignore(true)
            .git_global(false)
            .git_exclude(true)
            .require_git(false)
            .filter_entry(|e| e.file_name() != "node_modules");
        let (send, found) = std::sync::mpsc::channel();
        builder.build_parallel().run(|| {
            let send = send.clone();
            Box::new(move |entry| {
                if let Ok(entry) = entry
                    && entry.file_type().is_some_and(|t| t.is_file())
                    && is_source_file(entry.path())
                {
                    let _ = send.send(super::normalize(entry.path()));
                }
                ignore::WalkState::Continue
            })
        });
        drop(send);
        let mut found: Vec<PathBuf> = found.into_iter().collect();
        found.sort();
        found.dedup();
        found
    }

    /// Reads and summarises one file (on a thread with the engine's stack): the engine's
    /// summary pass, or its full analysis where that pass declines.
    fn summarise_file(&self, path: &Path) -> Result<Summary, LoadError> {
        let text = read_text(path)?;
        let (file, _declined) = summarise_text(path, &text);
        Ok(Summary::from_file(&file, |r| self.resolve_request(path, r)))
    }

    fn summarise(&self, path: &Path, analysis: &Analysis) -> Summary {
        Summary::of(analysis, |r| self.resolve_request(path, r))
    }

    fn resolve_request(&self, path: &Path, request: &ModuleRequest) -> Option<Arc<Path>> {
        match self.resolve(path, request) {
            Resolved::File(file) => Some(super::normalize(&file).into()),
            _ => None,
        }
    }

    /// The summary's requests resolved again (the files they may mean have changed).
    fn reresolve(&self, path: &Path, summary: &Summary) -> Summary {
        let mut summary = summary.clone();
        for request in summary.requests.iter_mut() {
            let asked = ModuleRequest {
                specifier: request.specifier.to_string(),
                span: crate::engine::Span::new(0, 0),
                kind: request.kind,
            };
            request.resolved = match self.resolve(path, &asked) {
                Resolved::File(file) => Some(super::normalize(&file).into()),
                _ => None,
            };
        }
        summary
    }

    /// Files announced changed on disk: summarised again before the next answer.
    pub(super) fn mark_dirty(&self, paths: &[PathBuf]) {
        if self.index.progress().phase == Phase::NotStarted {
            return;
        }
        self.index
            .dirty
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend(paths.iter().map(|p| super::normalize(p)));
    }

    fn refresh_dirty(&self) {
        let dirty: Vec<PathBuf> = std::mem::take(
            &mut *self
                .index
                .dirty
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        )
        .into_iter()
        .collect();
        if dirty.is_empty() {
            return;
        }
        let folders = self.folders();
        let mut reresolve: FxHashSet<Arc<Path>> = FxHashSet::default();
        for path in &dirty {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let state = self
                .index
                .state
                .read()
                .unwrap_or_else(PoisonError::into_inner);
            if matches!(name, "package.json" | "tsconfig.json" | "jsconfig.json") {
                // Resolution below this folder may change.
                let dir = path.parent().unwrap_or(path);
                reresolve.extend(state.files.keys().filter(|p| p.starts_with(dir)).cloned());
                continue;
            }
            if !is_source_file(path) || state.open.contains_key(path.as_path()) {
                continue;
            }
            let existed = state.files.contains_key(path.as_path());
            drop(state);
            let exists = path.is_file();
            let under_folders = folders.iter().any(|f| path.starts_with(f))
                && !path.components().any(|c| {
                    let c = c.as_os_str().to_string_lossy();
                    c == "node_modules" || c.starts_with('.')
                });
            let mut state = self
                .index
                .state
                .write()
                .unwrap_or_else(PoisonError::into_inner);
            if existed != exists {
                // Created or deleted: what resolved to it, or nowhere, may change.
                let key: Arc<Path> = path.as_path().into();
                reresolve.extend(state.importers.get(&key).into_iter().flatten().cloned());
                reresolve.extend(state.unresolved.iter().cloned());
            }
            if !exists || !under_folders {
                state.remove(path);
                continue;
            }
            drop(state);
            let result = run_with_stack(|| self.summarise_file(path));
            let mut state = self
                .index
                .state
                .write()
                .unwrap_or_else(PoisonError::into_inner);
            let key: Arc<Path> = path.as_path().into();
            match result {
                Ok(summary) => state.insert(key, summary),
                Err(why) => {
                    state.remove(&key);
                    state.skipped.insert(key, why);
                }
            }
        }
        for path in reresolve {
            let summary = {
                let state = self
                    .index
                    .state
                    .read()
                    .unwrap_or_else(PoisonError::into_inner);
                state.files.get(&path).cloned()
            };
            if let Some(summary) = summary {
                let fresh = self.reresolve(&path, &summary);
                self.index
                    .state
                    .write()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(path, fresh);
            }
        }
    }

    /// Open documents win over disk: their analyses' summaries replace their files'; a
    /// document closed since goes back to its file.
    fn refresh_open(&self, open: &dyn OpenFiles) {
        let paths = open.paths();
        let closed: Vec<Arc<Path>> = {
            let state = self
                .index
                .state
                .read()
                .unwrap_or_else(PoisonError::into_inner);
            state
                .open
                .keys()
                .filter(|p| !paths.iter().any(|q| q.as_path() == &***p))
                .cloned()
                .collect()
        };
        for path in closed {
            self.index
                .state
                .write()
                .unwrap_or_else(PoisonError::into_inner)
                .open
                .remove(&path);
            self.index
                .dirty
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(path.to_path_buf());
        }
        for path in paths {
            if !is_source_file(&path) {
                continue;
            }
            let key: Arc<Path> = path.as_path().into();
            // A document the index left to this (`OPEN_NOT_SUMMARISED`) has no other summary:
            // its analysis under way is waited for.
            let pending = self.index.open_summary(&key) == Some(OPEN_NOT_SUMMARISED);
            let latest = match open.latest(&path) {
                None if pending => open.analysis(&path),
                latest => latest,
            };
            let Some(analysis) = latest else {
                continue;
            };
            let id = Arc::as_ptr(&analysis) as usize;
            let known = self.index.open_summary(&key) == Some(id);
            if known {
                continue;
            }
            let summary = self.summarise(&path, &analysis);
            let mut state = self
                .index
                .state
                .write()
                .unwrap_or_else(PoisonError::into_inner);
            state.insert(key.clone(), summary);
            state.open.insert(key, id);
        }
        self.refresh_dirty();
    }
}

/// What the engine keeps of the text of the file at `path`: its summary pass's, else the full
/// analysis's, with why that pass declined. On a thread with the engine's stack.
pub fn summarise_text(path: &Path, text: &str) -> (FileSummary, Option<Declined>) {
    let file_name = path.to_string_lossy();
    let input = Input::new(text, &file_name);
    SCRATCH.with(|scratch| {
        let mut scratch = scratch.borrow_mut();
        match engine::summarize(&input, &mut scratch) {
            Ok(file) => (file, None),
            Err(declined) => {
                let analysis = engine::analyze_with(&input, &mut scratch);
                (FileSummary::of(&analysis), Some(declined))
            }
        }
    })
}

/// Runs `f` on a thread with the engine's stack.
fn run_with_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("scopelens-index".into())
            .stack_size(engine::ANALYSIS_STACK_SIZE)
            .spawn_scoped(scope, f)
            .expect("spawn an index thread")
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}
