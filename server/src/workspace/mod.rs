//! The workspace: the files of the project folders, read from disk on demand, and the links
//! between them — which file a module specifier means (Node's resolution, through
//! `oxc_resolver`), and which binding of which file an import binding is bound to (the spec's
//! ResolveExport, §16.2.1.6.3, following `export … from` and `export *`; CommonJS
//! `module.exports`).
//!
//! Pure of LSP types: the LSP layer and the command line both use it. Nothing is read at start;
//! a file is read when a link leads to it, kept in a bounded cache ([`files`]) and re-read when
//! its modification time or length changes or [`Workspace::changed`] says so. Open documents win
//! over disk: callers pass the analyses of the texts they hold ([`OpenFiles`]).
//!
//! Security: reads only JavaScript/TypeScript sources (and the `package.json`/`tsconfig.json`
//! files resolution needs) under the workspace folders and in the packages their imports
//! resolve to; never writes, runs code or opens a connection.

pub mod export_side;
pub mod files;
pub mod index;
mod runtime;

use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use oxc_resolver::{ResolveError, ResolveOptions, Resolver, TsconfigDiscovery};
use rustc_hash::FxHashSet;

pub use crate::engine::COMMONJS_EXPORTS;
use crate::engine::{
    Analysis, BindingId, ExportTarget, ImportName, ModuleRequest, RequestId, RequestKind,
    SourceKind, Span,
};
pub use export_side::Site;
pub use files::{CacheStats, LoadError};

/// How many modules a chain of re-exports may pass through before the search gives up.
const MAX_CHAIN: usize = 64;

/// The analyses of the documents open in the editor, by path: they win over the files on disk.
pub trait OpenFiles {
    fn analysis(&self, path: &Path) -> Option<Arc<Analysis>>;
    /// The latest analysis of the open document, without waiting for one under way.
    fn latest(&self, path: &Path) -> Option<Arc<Analysis>> {
        self.analysis(path)
    }
    /// The paths of the open documents (searched for importers besides the folders' files).
    fn paths(&self) -> Vec<PathBuf> {
        Vec::new()
    }
}

/// No open documents (the command line).
pub struct NoOpenFiles;

impl OpenFiles for NoOpenFiles {
    fn analysis(&self, _: &Path) -> Option<Arc<Analysis>> {
        None
    }
}

/// Where a specifier leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolved {
    File(PathBuf),
    /// A Node builtin (`node:fs`, `path`).
    Builtin(String),
    /// Nothing found (or the resolution failed: a broken `package.json`, a symlink loop): why.
    Unresolved(String),
}

/// What an import binding (or `ns.x`, `lib.a`) is bound to in another file.
#[derive(Clone, Debug)]
pub struct Target {
    pub path: PathBuf,
    pub analysis: Arc<Analysis>,
    pub kind: TargetKind,
    /// The exported name asked of the first module.
    pub export_name: String,
    /// The modules passed through before the declaring one (`export … from`, `export *`,
    /// imports re-exported), each with the name asked of it.
    pub chain: Vec<(PathBuf, String)>,
    /// Why Node would not load a module on the way, though bundlers and TypeScript do (an ES
    /// module's extensionless relative specifier).
    pub runtime_note: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TargetKind {
    /// A binding of the module's top level.
    Binding(BindingId),
    /// A value with no binding (`export default 1 + 2`, `exports.a = () => …`), made here.
    Value(Span),
    /// The whole module (a namespace import, `module.exports` of a file that never assigns it).
    Module,
}

impl Target {
    /// Where to go: the declaring identifier, the value, or for a whole module what a CommonJS
    /// module assigns to `module.exports` (else the file's start).
    pub fn span(&self) -> Span {
        match self.kind {
            TargetKind::Binding(b) => self.analysis.binding(b).span,
            TargetKind::Value(span) => span,
            TargetKind::Module => module_exports_span(&self.analysis).unwrap_or_default(),
        }
    }
}

/// What a CommonJS module's `module.exports = …` holds: the binding assigned, or the value.
pub fn module_exports_span(analysis: &Analysis) -> Option<Span> {
    if analysis.source_kind != SourceKind::CommonJs {
        return None;
    }
    match analysis.module.export_named(COMMONJS_EXPORTS)?.target {
        ExportTarget::Local(b) => Some(analysis.binding(b).span),
        ExportTarget::Value(span) => Some(span),
        ExportTarget::ReExport { .. } => None,
    }
}

/// Why a link stops short of a binding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unlinked {
    Builtin(String),
    Unresolved {
        specifier: String,
        why: String,
    },
    Unreadable {
        path: PathBuf,
        why: String,
    },
    NoSuchExport {
        path: PathBuf,
        name: String,
    },
    /// A chain of re-exports that comes back on itself.
    Cycle {
        path: PathBuf,
        name: String,
    },
    NotAnImport,
}

impl std::fmt::Display for Unlinked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unlinked::Builtin(name) => write!(f, "`{name}` is a Node.js builtin module"),
            Unlinked::Unresolved { specifier, why } => {
                write!(f, "`{specifier}` could not be resolved ({why})")
            }
            Unlinked::Unreadable { path, why } => write!(f, "`{}`: {why}", path.display()),
            Unlinked::NoSuchExport { path, name } => {
                write!(f, "`{}` exports no `{name}`", path.display())
            }
            Unlinked::Cycle { path, name } => write!(
                f,
                "the exports of `{name}` go round in a cycle through `{}`",
                path.display()
            ),
            Unlinked::NotAnImport => f.write_str("not an import"),
        }
    }
}

pub struct Workspace {
    folders: RwLock<Vec<PathBuf>>,
    cache: Mutex<files::FileCache>,
    /// Replaced (not cleared: a resolution may be under way) when files change.
    resolvers: RwLock<Arc<Resolvers>>,
    index: index::Index,
}

/// `import` resolves with the `import` condition, `require` with `require`; one shared cache of
/// the file system (directories, `package.json`, `tsconfig.json`).
struct Resolvers {
    esm: Resolver,
    cjs: Resolver,
}

impl Resolvers {
    fn new() -> Self {
        let esm = Resolver::new(options(&["import", "node", "module"]));
        let cjs = esm.clone_with_options(options(&["require", "node"]));
        Self { esm, cjs }
    }
}

impl Default for Workspace {
    fn default() -> Self {
        Self::new(Vec::new())
    }
}

impl Workspace {
    pub fn new(folders: Vec<PathBuf>) -> Self {
        Self {
            folders: RwLock::new(folders.iter().map(|f| normalize(f)).collect()),
            cache: Mutex::default(),
            resolvers: RwLock::new(Arc::new(Resolvers::new())),
            index: index::Index::default(),
        }
    }

    pub fn set_folders(&self, folders: Vec<PathBuf>) {
        *self.folders.write().unwrap_or_else(PoisonError::into_inner) =
            folders.iter().map(|f| normalize(f)).collect();
    }

    pub fn folders(&self) -> Vec<PathBuf> {
        self.folders
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// A path as users read it: relative to the workspace folder that holds it.
    pub fn display(&self, path: &Path) -> String {
        self.folders
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .find_map(|f| path.strip_prefix(f).ok())
            .unwrap_or(path)
            .display()
            .to_string()
    }

    /// Files changed on disk (created, changed, deleted): their analyses and every cached
    /// resolution are dropped (a new file or `package.json` can change where any specifier
    /// leads), and the index summarises them again before its next answer.
    pub fn changed(&self, paths: &[PathBuf]) {
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        for path in paths {
            cache.forget(&normalize(path));
        }
        drop(cache);
        *self
            .resolvers
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Arc::new(Resolvers::new());
        self.mark_dirty(paths);
    }

    pub fn stats(&self) -> CacheStats {
        self.cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .stats()
    }

    /// Where `request` of the file at `from` leads.
    pub fn resolve(&self, from: &Path, request: &ModuleRequest) -> Resolved {
        let resolvers = self
            .resolvers
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let resolver = match request.kind {
            RequestKind::Import => &resolvers.esm,
            RequestKind::Require => &resolvers.cjs,
        };
        let specifier = request.specifier.as_str();
        if let Some(name) = specifier.strip_prefix("node:") {
            return Resolved::Builtin(name.to_owned());
        }
        match resolver.resolve_file(from, specifier) {
            Ok(resolution) => Resolved::File(resolution.into_path_buf()),
            Err(ResolveError::Builtin { resolved, .. }) => Resolved::Builtin(resolved),
            Err(ResolveError::NotFound(_)) => {
                Resolved::Unresolved("no such file or package".into())
            }
            Err(err) => Resolved::Unresolved(err.to_string()),
        }
    }

    /// The analysis of the file at `path`: the open document's, else the file's on disk.
    pub fn module(&self, path: &Path, open: &dyn OpenFiles) -> Result<Arc<Analysis>, LoadError> {
        if let Some(analysis) = open.analysis(path) {
            return Ok(analysis);
        }
        if !self.may_read(path) {
            return Err(LoadError::Unreadable(
                "outside the workspace folders and their packages".into(),
            ));
        }
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(analysis) = cache.get(path)? {
            return Ok(analysis);
        }
        // Analysed outside the lock: another request may read another file meanwhile.
        drop(cache);
        let loaded = files::load(path)?;
        let analysis = loaded.analysis.clone();
        self.cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(path.to_path_buf(), loaded);
        Ok(analysis)
    }

    /// Under a workspace folder, or in a package (`node_modules`) a file of it resolves to.
    /// Without folders (a client that named none), what resolution reaches.
    fn may_read(&self, path: &Path) -> bool {
        let folders = self.folders.read().unwrap_or_else(PoisonError::into_inner);
        folders.is_empty()
            || folders.iter().any(|f| path.starts_with(f))
            || path
                .components()
                .any(|c| c == Component::Normal("node_modules".as_ref()))
    }

    /// The target of import binding `binding` of the file at `path`.
    pub fn import_target(
        &self,
        path: &Path,
        analysis: &Analysis,
        binding: BindingId,
        open: &dyn OpenFiles,
    ) -> Result<Target, Unlinked> {
        let entry = analysis
            .module
            .import_of(binding)
            .ok_or(Unlinked::NotAnImport)?;
        let mut search = Search::default();
        self.follow_request(
            path,
            analysis,
            entry.request,
            &entry.imported,
            open,
            &mut search,
        )
    }

    /// The target of the module member (`ns.x`, `lib.a`, `require('./m').a`) at `offset`.
    pub fn member_target(
        &self,
        path: &Path,
        analysis: &Analysis,
        offset: u32,
        open: &dyn OpenFiles,
    ) -> Option<Result<Target, Unlinked>> {
        let member = analysis.module.member_at(offset)?;
        let name = ImportName::Named(member.name.clone());
        let mut search = Search::default();
        // `ns` may itself be re-exported (`export * as ns`): follow it to its module first.
        Some(match member.via {
            Some(via) => self.import_target(path, analysis, via, open).and_then(|t| {
                // `module.exports = { a, b }`: its properties are the module's exports.
                let object_exports = t.analysis.source_kind == SourceKind::CommonJs
                    && matches!(t.kind, TargetKind::Value(_));
                if t.kind != TargetKind::Module && !object_exports {
                    // `lib` is one value (`module.exports = fn`): its properties are unknown.
                    return Err(Unlinked::NoSuchExport {
                        path: t.path,
                        name: member.name.clone(),
                    });
                }
                let mut found =
                    self.resolve_export(&t.path, &t.analysis, &name, open, &mut search)?;
                let mut chain = t.chain;
                chain.append(&mut found.chain);
                found.chain = chain;
                Ok(found)
            }),
            None => self.follow_request(path, analysis, member.request, &name, open, &mut search),
        })
    }

    /// What the module `request` of the file at `path` leads to exports as `name` (a
    /// re-export's target), in a search of its own.
    pub fn request_target(
        &self,
        path: &Path,
        analysis: &Analysis,
        request: RequestId,
        name: &ImportName,
        open: &dyn OpenFiles,
    ) -> Result<Target, Unlinked> {
        let mut search = Search::default();
        self.follow_request(path, analysis, request, name, open, &mut search)
    }

    /// Resolves `request` of the file at `path` and asks the module it leads to for `name`.
    fn follow_request(
        &self,
        path: &Path,
        analysis: &Analysis,
        request: RequestId,
        name: &ImportName,
        open: &dyn OpenFiles,
        search: &mut Search,
    ) -> Result<Target, Unlinked> {
        let request = analysis.module.request(request);
        let file = match self.resolve(path, request) {
            Resolved::File(file) => file,
            Resolved::Builtin(name) => return Err(Unlinked::Builtin(name)),
            Resolved::Unresolved(why) => {
                return Err(Unlinked::Unresolved {
                    specifier: request.specifier.clone(),
                    why,
                });
            }
        };
        let target = self
            .module(&file, open)
            .map_err(|err| Unlinked::Unreadable {
                path: file.clone(),
                why: err.to_string(),
            })?;
        let note = runtime::node_esm_refusal(path, request, &file);
        self.resolve_export(&file, &target, name, open, search)
            .map(|mut t| {
                if t.runtime_note.is_none() {
                    t.runtime_note = note;
                }
                t
            })
    }

    /// ResolveExport (§16.2.1.6.3): the binding `name` of the module at `path` stands for,
    /// following re-exports and `export *`, with a visited set against cycles.
    fn resolve_export(
        &self,
        path: &Path,
        analysis: &Arc<Analysis>,
        name: &ImportName,
        open: &dyn OpenFiles,
        search: &mut Search,
    ) -> Result<Target, Unlinked> {
        let found = |kind| Target {
            path: path.to_path_buf(),
            analysis: analysis.clone(),
            kind,
            export_name: name.as_str().to_owned(),
            chain: Vec::new(),
            runtime_note: None,
        };
        let key = match name {
            ImportName::Namespace => return Ok(found(TargetKind::Module)),
            ImportName::Default => "default",
            ImportName::Named(n) => n.as_str(),
        };
        if !search.visit(path, key) {
            return Err(Unlinked::Cycle {
                path: path.to_path_buf(),
                name: key.to_owned(),
            });
        }
        let module = &analysis.module;
        let commonjs = analysis.source_kind == SourceKind::CommonJs;
        let entry = module.export_named(key).or_else(|| {
            // `import x from './cjs'` is the CommonJS module's `module.exports`.
            (commonjs && key == "default")
                .then(|| module.export_named(COMMONJS_EXPORTS))
                .flatten()
        });
        let through = |mut target: Target| {
            target.chain.insert(0, (path.to_path_buf(), key.to_owned()));
            target
        };
        if let Some(entry) = entry {
            return match &entry.target {
                ExportTarget::Local(binding) => {
                    // An import re-exported (`import { a } from './x'; export { a }`, or
                    // `const a = require('./x'); exports.a = a`): follow it on.
                    if let Some(import) = module.import_of(*binding) {
                        self.follow_request(
                            path,
                            analysis,
                            import.request,
                            &import.imported.clone(),
                            open,
                            search,
                        )
                        .map(through)
                    } else {
                        Ok(found(TargetKind::Binding(*binding)))
                    }
                }
                ExportTarget::Value(span) => Ok(found(TargetKind::Value(*span))),
                ExportTarget::ReExport { request, name } => self
                    .follow_request(path, analysis, *request, name, open, search)
                    .map(through),
            };
        }
        if commonjs && key == "default" {
            return Ok(found(TargetKind::Module));
        }
        if key != "default" {
            for &star in &module.star_exports {
                if let Ok(target) = self.follow_request(path, analysis, star, name, open, search) {
                    return Ok(through(target));
                }
            }
        }
        Err(Unlinked::NoSuchExport {
            path: path.to_path_buf(),
            name: key.to_owned(),
        })
    }
}

/// The modules and names a ResolveExport has asked already (the spec's resolveSet).
#[derive(Default)]
struct Search {
    visited: FxHashSet<(PathBuf, String)>,
}

impl Search {
    fn visit(&mut self, path: &Path, name: &str) -> bool {
        self.visited.len() < MAX_CHAIN * 4
            && self.visited.insert((path.to_path_buf(), name.to_owned()))
    }
}

fn options(conditions: &[&str]) -> ResolveOptions {
    let strings = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    ResolveOptions {
        tsconfig: Some(TsconfigDiscovery::Auto),
        condition_names: strings(conditions),
        extensions: strings(&[
            ".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs", ".json",
        ]),
        // TypeScript sources import `./x.js` meaning `./x.ts`.
        extension_alias: vec![
            (".js".into(), strings(&[".ts", ".tsx", ".js", ".jsx"])),
            (".mjs".into(), strings(&[".mts", ".mjs"])),
            (".cjs".into(), strings(&[".cts", ".cjs"])),
        ],
        main_fields: strings(&["main"]),
        builtin_modules: true,
        // Only the workspace: never directories named by the environment.
        node_path: false,
        symlinks: true,
        ..ResolveOptions::default()
    }
}

/// `path` made absolute and without `.`/`..`, without touching the disk.
pub fn normalize(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut out = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests;
