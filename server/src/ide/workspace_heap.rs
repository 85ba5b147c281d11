//! A heap snapshot loaded for the workspace (issue 23, in the editor): `heap`'s joined report
//! kept per source file, what hover and code lenses read while it is loaded. Loading reads the
//! snapshot the user named and the workspace files its closures come from, nothing else.

use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;

use super::describe::owner;
use crate::engine::{Analysis, EnvKind};
use crate::heap::{self, FunctionReport, Heap, HeapError, Progress};

/// A loaded snapshot, joined to the workspace's files.
#[derive(Debug)]
pub struct WorkspaceHeap {
    /// The snapshot file, as the user named it.
    pub snapshot: PathBuf,
    /// The whole heap (the GC roots' retained size).
    pub total_bytes: u64,
    /// Source functions of the workspace with live closures.
    pub functions: usize,
    /// Files those functions are in.
    pub files: usize,
    /// What the workspace's closures retain, summed over the functions.
    pub retained_bytes: u64,
    /// Scripts named by a path outside the workspace.
    pub unmatched_scripts: usize,
    /// Where the answer is partial, and why (from the join).
    pub notes: Vec<String>,
    by_file: FxHashMap<PathBuf, Vec<RankedFunction>>,
}

/// A source function of the report and its place among the biggest (0: retains the most).
#[derive(Debug)]
pub struct RankedFunction {
    pub rank: usize,
    pub function: FunctionReport,
}

impl WorkspaceHeap {
    /// Reads `snapshot`, computes retained sizes and joins its closures to the files under
    /// `roots`. An empty answer (nothing under the roots) is not an error: see
    /// [`WorkspaceHeap::summary`].
    pub fn load(
        snapshot: &Path,
        roots: &[PathBuf],
        progress: Option<Progress>,
    ) -> Result<WorkspaceHeap, HeapError> {
        let heap = Heap::load(snapshot, progress)?;
        let mut functions: Vec<FunctionReport> = Vec::new();
        let mut notes: Vec<String> = Vec::new();
        let mut unmatched: Vec<String> = Vec::new();
        for root in roots {
            let report = heap::join(&heap, root, &mut heap::read_source, &|a, e| {
                owner(a, e).to_string()
            });
            // Nested workspace folders see the same function twice: keep one.
            for f in report.closures {
                if !functions
                    .iter()
                    .any(|g| g.path == f.path && g.offset == f.offset)
                {
                    functions.push(f);
                }
            }
            unmatched.extend(report.unmatched_scripts.into_iter().map(|s| s.name));
            for n in report.notes {
                if !notes.contains(&n) {
                    notes.push(n);
                }
            }
        }
        // A script outside one folder may be inside another.
        unmatched.retain(|name| !functions.iter().any(|f| name.ends_with(&f.file)));
        unmatched.sort_unstable();
        unmatched.dedup();
        functions.sort_by_key(|f| std::cmp::Reverse(f.retained_bytes));
        let mut by_file: FxHashMap<PathBuf, Vec<RankedFunction>> = FxHashMap::default();
        let retained_bytes = functions.iter().map(|f| f.retained_bytes).sum();
        let count = functions.len();
        for (rank, function) in functions.into_iter().enumerate() {
            by_file
                .entry(function.path.clone())
                .or_default()
                .push(RankedFunction { rank, function });
        }
        for list in by_file.values_mut() {
            list.sort_by_key(|r| r.function.offset);
        }
        Ok(WorkspaceHeap {
            snapshot: snapshot.to_path_buf(),
            total_bytes: heap.total_bytes(),
            functions: count,
            files: by_file.len(),
            retained_bytes,
            unmatched_scripts: unmatched.len(),
            notes,
            by_file,
        })
    }

    /// The functions of one file with live closures, by start offset (empty: none).
    pub fn functions_in(&self, path: &Path) -> &[RankedFunction] {
        if let Some(list) = self.by_file.get(path) {
            return list;
        }
        // The report names files by their canonical path (symbolic links resolved).
        path.canonicalize()
            .ok()
            .and_then(|p| self.by_file.get(&p))
            .map_or(&[], Vec::as_slice)
    }

    /// The file name of the snapshot, for a status line.
    pub fn name(&self) -> String {
        self.snapshot.file_name().map_or_else(
            || self.snapshot.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    }

    /// One sentence on what was loaded, or why nothing can be shown.
    pub fn summary(&self) -> String {
        if self.functions == 0 {
            let outside = match self.unmatched_scripts {
                0 => String::new(),
                n => format!(" ({n} scripts are outside the workspace)"),
            };
            return format!(
                "no closure of {} belongs to a file of this workspace{outside}: was it taken from another program?",
                self.name()
            );
        }
        format!(
            "{}: {} source function{} with live closures in {} file{}, retaining {} of a {} heap",
            self.name(),
            self.functions,
            plural(self.functions),
            self.files,
            plural(self.files),
            human_bytes(self.retained_bytes),
            human_bytes(self.total_bytes),
        )
    }
}

/// The report's function for closure environment `env` of `analysis`, if the snapshot has live
/// instances of it.
pub(crate) fn function_for<'h>(
    analysis: &Analysis,
    env: crate::engine::EnvId,
    functions: &'h [RankedFunction],
) -> Option<&'h RankedFunction> {
    let start = analysis.env(env).span.start;
    let i = functions.partition_point(|r| r.function.offset < start);
    functions[i..]
        .iter()
        .take_while(|r| r.function.offset == start)
        .find(|r| r.function.env == Some(env) && still_matches(analysis, &r.function))
}

/// Whether a function of the report (found in the file's text on disk when the snapshot was
/// loaded) is still there in `analysis`: an environment with its id starts at its offset and
/// bears its name. An edited file keeps the functions it did not move.
pub(crate) fn still_matches(analysis: &Analysis, f: &FunctionReport) -> bool {
    let Some(env) = f.env else { return false };
    if env.0 as usize >= analysis.environments.len() || analysis.env(env).span.start != f.offset {
        return false;
    }
    if analysis.env(env).kind == EnvKind::Module {
        return f.name == "<module>";
    }
    let name = owner(analysis, env).to_string();
    f.name == name
        || f.name
            .strip_prefix(name.as_str())
            .is_some_and(|rest| rest.starts_with(" ("))
}

pub(crate) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Bytes as people read them: `512 B`, `3.4 KB`, `12.0 MB` (decimal units, as DevTools).
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if n < 1000 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1000.0;
    let mut unit = 0;
    while v >= 1000.0 && unit < UNITS.len() - 1 {
        v /= 1000.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}
