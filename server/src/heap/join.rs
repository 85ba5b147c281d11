//! Closures of a [`Heap`] joined to the source: each closure's function (from V8's position and
//! script name), its Context chain aligned with the static chain of environments V8 gives a
//! Context, every slot named by the static model; grouped by function, biggest first.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use std::hash::{Hash, Hasher};
use std::rc::Rc;

use rustc_hash::{FxHashMap, FxHashSet, FxHasher};

use super::{Heap, scope_info_strings};
use crate::engine::{
    Analysis, BindingId, DeclarationKind, EnvId, EnvKind, ExportTarget, FunctionFlavor,
};
use crate::text::{Encoding, LineCol};

/// At most this many node ids are listed per function or Context (biggest first).
const MAX_IDS: usize = 100;
/// At most this many variables are listed per Context: the function's own captures first, then
/// the biggest; the rest are counted (`omitted_variables`). A program's module scope can hold
/// thousands (TypeScript's compiler: 5,000 in one Context shared by 20,000 closures), and
/// listing each for each function that shares it made the report quadratic.
pub const MAX_VARIABLES: usize = 32;
/// At most this many functions are named per variable in `captured_by`; the rest are counted.
pub const MAX_CAPTURED_BY: usize = 16;
/// Contexts with more edges than this are read once and remembered (with whether each
/// candidate environment fits them); smaller ones are cheaper to read again than to keep.
const CACHED_EDGES: usize = 64;

#[derive(Debug, Default)]
pub struct Report {
    /// Source functions with live closures, biggest retained size first.
    pub closures: Vec<FunctionReport>,
    /// Scripts named by a path or `file://` URL that is not a file under the root.
    pub unmatched_scripts: Vec<UnmatchedScript>,
    /// Closures of scripts that are not files (Node's own `node:internal/…`, eval code).
    pub other_closures: u32,
    pub total_bytes: u64,
    pub nodes: u32,
    pub edges: u64,
    /// Where the answer is partial, and why.
    pub notes: Vec<String>,
}

#[derive(Debug)]
pub struct UnmatchedScript {
    pub name: String,
    pub closures: u32,
    pub retained_bytes: u64,
}

#[derive(Debug)]
pub struct FunctionReport {
    /// As scopelens names functions (`make`, `Widget.constructor`, `<arrow at 8:9>`).
    pub name: String,
    /// Relative to the root, `/`-separated.
    pub file: String,
    pub path: PathBuf,
    /// The function's environment; `None` when V8's position matched no function of the
    /// current source (the file changed since the snapshot?).
    pub env: Option<EnvId>,
    /// Where the function starts (byte offset), and 1-based line and UTF-16 column.
    pub offset: u32,
    pub line: u32,
    pub column: u32,
    pub instances: u32,
    /// Sum of the instances' retained sizes.
    pub retained_bytes: u64,
    pub node_ids: Vec<u32>,
    /// Innermost first.
    pub contexts: Vec<ContextReport>,
    /// Every instance's Context chain matched the static chain.
    pub aligned: bool,
}

#[derive(Debug)]
pub struct ContextReport {
    /// `None`: a Context the static model has no environment for (alignment failed).
    pub environment: Option<EnvironmentInfo>,
    /// Distinct Contexts at this place of the chain over all instances.
    pub count: u32,
    /// Sum of their retained sizes.
    pub retained_bytes: u64,
    /// The most closures (of any function) sharing one of these Contexts.
    pub shared_by: u32,
    pub node_ids: Vec<u32>,
    pub variables: Vec<VariableReport>,
    /// Variables not in `variables` (over [`MAX_VARIABLES`], or listed with `described_with`),
    /// and the bytes they retain.
    pub omitted_variables: u32,
    pub omitted_bytes: u64,
    /// The function (`name (file:line:column)`) whose report lists these Contexts' variables,
    /// when they hold more than [`MAX_VARIABLES`] and a bigger function shares them: each such
    /// set of Contexts is described once, and other functions list only their own captures.
    pub described_with: Option<String>,
}

#[derive(Debug, Clone)]
pub struct EnvironmentInfo {
    pub env: EnvId,
    pub kind: &'static str,
    pub owner: String,
    pub line: u32,
    pub column: u32,
}

#[derive(Debug)]
pub struct VariableReport {
    pub name: String,
    /// `None` for `this` (V8 keeps the receiver in a slot; scopelens has no binding for it).
    pub binding: Option<BindingId>,
    /// Bytes that only this slot keeps alive (its value's retained size when the Context
    /// dominates the value), summed over the Contexts.
    pub retained_bytes: u64,
    pub captured_by: Vec<String>,
    /// Functions capturing it past the [`MAX_CAPTURED_BY`] named.
    pub captured_by_omitted: u32,
    /// Kept alive for this function only because a sibling closure captures it.
    pub kept_for_siblings: bool,
}

/// One source file, as the caller supplies it.
pub struct Source {
    pub analysis: Arc<Analysis>,
    pub text: Arc<str>,
}

/// What each closure's function is.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Target {
    /// A function-like environment (including the CommonJS wrapper).
    Closure(EnvId),
    /// V8's `<instance_members_initializer>` (or another synthetic function) at a class.
    Class(EnvId),
    /// An ES module's top-level code.
    Module(EnvId),
    /// No function of the source starts there.
    Unknown(u32),
}

/// An environment on a function's chain that V8 may give a Context.
struct Candidate {
    env: EnvId,
    /// Context-allocated bindings, in declaration order.
    vars: Vec<BindingId>,
    /// V8 certainly gives it a Context.
    certain: bool,
    /// Their names.
    names: Vec<String>,
    /// The same, to look up (a module scope can hold thousands).
    name_set: FxHashSet<String>,
    /// A non-arrow function: V8 may keep its `this` in a slot for arrows inside.
    receiver: bool,
    /// V8 may give it an empty Context.
    empty_ok: bool,
}

/// How the caller words an environment's owner (`make`, `<arrow at 8:9>`): `heap` sits beside
/// `engine` and below `ide`, which owns the wording (`ide::owner`).
pub type OwnerNames<'a> = &'a dyn Fn(&Analysis, EnvId) -> String;

/// Joins `heap` to the files under `root`; `source` reads and analyses a file (`None`: cannot),
/// `owner` words the functions and environments it names.
pub fn join(
    heap: &Heap,
    root: &Path,
    source: &mut dyn FnMut(&Path) -> Option<Source>,
    owner: OwnerNames<'_>,
) -> Report {
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut report = Report {
        total_bytes: heap.total_bytes(),
        nodes: heap.graph.node_count(),
        edges: heap.graph.edge_count,
        ..Report::default()
    };
    // Scripts → files under the root.
    enum Place {
        File(usize),
        Unmatched(usize),
        Other,
    }
    let mut files: Vec<(PathBuf, String, Option<Source>)> = Vec::new();
    let mut file_index: FxHashMap<PathBuf, usize> = FxHashMap::default();
    let places: Vec<Place> = heap
        .scripts
        .iter()
        .map(|s| match script_path(&s.name) {
            None => Place::Other,
            Some(path) => {
                let path = path.canonicalize().unwrap_or(path);
                match path.strip_prefix(&root) {
                    Ok(rel) if path.is_file() => {
                        let i = *file_index.entry(path.clone()).or_insert_with(|| {
                            let rel = rel
                                .components()
                                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                                .collect::<Vec<_>>()
                                .join("/");
                            let src = source(&path);
                            files.push((path.clone(), rel, src));
                            files.len() - 1
                        });
                        Place::File(i)
                    }
                    _ => {
                        report.unmatched_scripts.push(UnmatchedScript {
                            name: s.name.clone(),
                            closures: 0,
                            retained_bytes: 0,
                        });
                        Place::Unmatched(report.unmatched_scripts.len() - 1)
                    }
                }
            }
        })
        .collect();
    let unreadable: Vec<usize> = (0..files.len()).filter(|&i| files[i].2.is_none()).collect();
    for i in unreadable {
        report
            .notes
            .push(format!("{}: could not be read or analysed", files[i].1));
    }

    let mut groups: FxHashMap<(usize, Target), Group> = FxHashMap::default();
    let mut made: FxHashMap<(usize, EnvId), Rc<Candidate>> = FxHashMap::default();
    let mut seen = Seen::default();
    for c in &heap.closures {
        let retained = heap.retained[c.node as usize];
        let Some(place) = places.get(c.script as usize) else {
            report.other_closures += 1;
            continue;
        };
        let file = match place {
            Place::File(i) => *i,
            Place::Unmatched(i) => {
                let u = &mut report.unmatched_scripts[*i];
                u.closures += 1;
                u.retained_bytes += retained;
                continue;
            }
            Place::Other => {
                report.other_closures += 1;
                continue;
            }
        };
        let Some(src) = &files[file].2 else { continue };
        let target = target_of(src, c.line, c.column);
        let group = groups.entry((file, target)).or_insert_with(|| Group {
            name: heap.node_name(c.node).to_string(),
            line: c.line,
            column: c.column,
            candidates: candidates(&src.analysis, target, file, &mut made),
            ..Group::default()
        });
        group.instances += 1;
        group.retained += retained;
        group
            .nodes
            .push((retained, heap.graph.node_id[c.node as usize]));
        let chain = align(heap, file, &group.candidates, c.context, &mut seen);
        if chain.iter().any(|(cand, _)| cand.is_none()) {
            group.aligned = false;
        }
        for (position, (cand, ctx)) in chain.into_iter().enumerate() {
            let slot = match cand {
                Some(ci) => group.positions.iter().position(|p| p.candidate == Some(ci)),
                None => group
                    .positions
                    .iter()
                    .position(|p| p.candidate.is_none() && p.depth == position),
            };
            let slot = slot.unwrap_or_else(|| {
                group.positions.push(Position {
                    candidate: cand,
                    depth: position,
                    contexts: Vec::new(),
                });
                group.positions.len() - 1
            });
            group.positions[slot].contexts.push(ctx);
        }
    }

    // In the report's order (biggest first) from here: a big set of Contexts that several
    // functions share is described in full with the first of them.
    let offset_of = |file: usize, target: Target| match target {
        Target::Closure(e) | Target::Class(e) | Target::Module(e) => {
            let src = files[file]
                .2
                .as_ref()
                .expect("groups only of analysed files");
            src.analysis.env(e).span.start
        }
        Target::Unknown(o) => o,
    };
    let mut groups: Vec<((usize, Target), Group)> = groups.into_iter().collect();
    groups.sort_by(|((xf, xt), x), ((yf, yt), y)| {
        y.retained
            .cmp(&x.retained)
            .then_with(|| files[*xf].1.cmp(&files[*yf].1))
            .then(offset_of(*xf, *xt).cmp(&offset_of(*yf, *yt)))
    });
    let mut described = Described::default();
    for ((file, target), mut group) in groups {
        let (path, rel, src) = &files[file];
        let src = src.as_ref().expect("groups only of analysed files");
        let a = &src.analysis;
        let (env, offset) = match target {
            Target::Closure(e) | Target::Class(e) | Target::Module(e) => {
                (Some(e), a.env(e).span.start)
            }
            Target::Unknown(o) => (None, o),
        };
        let (line, column) = match target {
            Target::Unknown(_) => (group.line + 1, group.column + 1),
            _ => a.line_index.human(offset),
        };
        let name = match target {
            Target::Closure(e) => owner(a, e),
            Target::Class(e) => format!("{} ({})", owner(a, e), group.name),
            Target::Module(_) => "<module>".to_string(),
            Target::Unknown(_) => group.name.clone(),
        };
        let retains: FxHashMap<BindingId, bool> = match target {
            Target::Closure(e) => a
                .retains(e)
                .into_iter()
                .map(|r| (r.binding, r.used))
                .collect(),
            _ => FxHashMap::default(),
        };
        group.positions.sort_by_key(|p| p.depth);
        let label = format!("{name} ({rel}:{line}:{column})");
        let place = Describer {
            file,
            label: &label,
        };
        let contexts = group
            .positions
            .iter_mut()
            .map(|p| {
                context_report(
                    heap,
                    a,
                    &place,
                    &group.candidates,
                    p,
                    &retains,
                    owner,
                    &mut described,
                    &mut seen,
                )
            })
            .collect();
        group.nodes.sort_unstable_by(|x, y| y.cmp(x));
        report.closures.push(FunctionReport {
            name,
            file: rel.clone(),
            path: path.clone(),
            env,
            offset,
            line,
            column,
            instances: group.instances,
            retained_bytes: group.retained,
            node_ids: group
                .nodes
                .iter()
                .take(MAX_IDS)
                .map(|&(_, id)| id)
                .collect(),
            contexts,
            aligned: group.aligned && env.is_some(),
        });
    }
    report.closures.sort_by(|x, y| {
        y.retained_bytes
            .cmp(&x.retained_bytes)
            .then_with(|| x.file.cmp(&y.file))
            .then(x.offset.cmp(&y.offset))
    });
    report.unmatched_scripts.sort_by(|x, y| {
        y.retained_bytes
            .cmp(&x.retained_bytes)
            .then(x.name.cmp(&y.name))
    });
    if report.closures.iter().any(|f| f.env.is_none()) {
        report.notes.push(
            "some closures start where the current source has no function: was the file edited after the snapshot?"
                .into(),
        );
    }
    if report
        .closures
        .iter()
        .any(|f| f.env.is_some() && !f.aligned)
    {
        report.notes.push(
            "some Context chains do not match the static model: their unmatched Contexts are listed without an environment"
                .into(),
        );
    }
    report
}

struct Group {
    name: String,
    line: u32,
    column: u32,
    candidates: Vec<Rc<Candidate>>,
    instances: u32,
    retained: u64,
    nodes: Vec<(u64, u32)>,
    positions: Vec<Position>,
    aligned: bool,
}

impl Default for Group {
    fn default() -> Self {
        Group {
            name: String::new(),
            line: 0,
            column: 0,
            candidates: Vec::new(),
            instances: 0,
            retained: 0,
            nodes: Vec::new(),
            positions: Vec::new(),
            aligned: true,
        }
    }
}

struct Position {
    candidate: Option<usize>,
    depth: usize,
    contexts: Vec<u32>,
}

/// A script name → a path: `file://` URLs decoded, absolute paths as they are; `None` for
/// names that are not files (`node:internal/…`, `evalmachine.<anonymous>`, empty).
fn script_path(name: &str) -> Option<PathBuf> {
    if let Some(rest) = name.strip_prefix("file://") {
        let rest = rest.strip_prefix("localhost").unwrap_or(rest);
        return Some(PathBuf::from(percent_decode(rest)));
    }
    let p = Path::new(name);
    (p.is_absolute() || name.as_bytes().get(1) == Some(&b':')).then(|| p.to_path_buf())
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(h) = b.get(i + 1..i + 3)
            && let Ok(v) = u8::from_str_radix(std::str::from_utf8(h).unwrap_or("zz"), 16)
        {
            out.push(v);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The function V8's position (0-based line, UTF-16 column) is the start of. V8 records the
/// `(` of a parameter list (or an arrow's first token): a function whose span starts at or
/// shortly before it, with only its header in between (`function name`, `async`, `*`).
fn target_of(src: &Source, line: u32, column: u32) -> Target {
    let a = &src.analysis;
    let Some(offset) = a
        .line_index
        .offset(LineCol { line, col: column }, Encoding::Utf16)
    else {
        return Target::Unknown(0);
    };
    let env = a.env_at(offset);
    if offset == 0 && line == 0 && column == 0 {
        // The code of the whole file: Node's CommonJS wrapper, or a module's top level.
        if let Some(w) = a
            .env_ids()
            .take(3)
            .find(|&e| a.env(e).function == Some(FunctionFlavor::CommonJsWrapper))
        {
            return Target::Closure(w);
        }
        if let Some(m) = a
            .env_ids()
            .take(3)
            .find(|&e| a.env(e).kind == EnvKind::Module)
        {
            return Target::Module(m);
        }
    }
    if let Some(c) = a.enclosing_closure(env) {
        let start = a.env(c).span.start;
        let header = src.text.get(start as usize..offset as usize).unwrap_or("{");
        if a.env(c).function != Some(FunctionFlavor::CommonJsWrapper)
            && !header.contains(['{', '}', ';', '=', ','])
        {
            return Target::Closure(c);
        }
    }
    // A class's synthetic functions (field initializers) start at the class.
    if let Some(class) = a.chain(env).find(|&e| a.env(e).kind == EnvKind::Class) {
        let start = a.env(class).span.start;
        let header = src.text.get(offset as usize..start as usize).unwrap_or("{");
        if offset <= start && !header.contains(['{', '}', ';']) || offset == start {
            return Target::Class(class);
        }
    }
    let next = a
        .env_ids()
        .find(|&e| a.env(e).kind == EnvKind::Class && a.env(e).span.start >= offset);
    if let Some(class) = next {
        let start = a.env(class).span.start;
        let between = src.text.get(offset as usize..start as usize).unwrap_or("{");
        if !between.contains(['{', '}', ';', '(']) {
            return Target::Class(class);
        }
    }
    Target::Unknown(offset)
}

/// The environments on `target`'s chain that V8 may give a Context, innermost first; each
/// environment's [`Candidate`] made once per file (`made`, keyed by file and environment).
fn candidates(
    a: &Analysis,
    target: Target,
    file: usize,
    made: &mut FxHashMap<(usize, EnvId), Rc<Candidate>>,
) -> Vec<Rc<Candidate>> {
    let mut env = match target {
        Target::Closure(c) => a.env(c).parent,
        Target::Class(c) | Target::Module(c) => Some(c),
        Target::Unknown(_) => None,
    };
    let mut out = Vec::new();
    while let Some(id) = env {
        let e = a.env(id);
        env = e.parent;
        // A named function expression's name lives in the function's own Context.
        if matches!(e.kind, EnvKind::Global | EnvKind::FunctionName) {
            continue;
        }
        let candidate = made
            .entry((file, id))
            .or_insert_with(|| Rc::new(candidate(a, id)));
        out.push(candidate.clone());
    }
    out
}

fn candidate(a: &Analysis, id: EnvId) -> Candidate {
    let e = a.env(id);
    // A module's imports and exported variables live in module cells, not Context slots.
    let module_cell = |b: BindingId| {
        e.kind == EnvKind::Module
            && (a.binding(b).declaration == DeclarationKind::Import
                || a.module
                    .exports
                    .iter()
                    .any(|x| matches!(x.target, ExportTarget::Local(l) if l == b)))
    };
    let vars: Vec<BindingId> = e
        .bindings
        .iter()
        .copied()
        .filter(|&b| a.binding(b).context_allocated && !module_cell(b))
        .collect();
    let names: Vec<String> = vars
        .iter()
        .map(|&b| a.binding_name(b).to_string())
        .collect();
    Candidate {
        env: id,
        certain: !vars.is_empty() || matches!(e.kind, EnvKind::Module | EnvKind::Script),
        receiver: matches!(
            e.function,
            Some(
                FunctionFlavor::Function
                    | FunctionFlavor::FieldInitializer
                    | FunctionFlavor::StaticBlock
            )
        ),
        name_set: names.iter().cloned().collect(),
        names,
        empty_ok: e.kind == EnvKind::Class || e.has_sloppy_eval,
        vars,
    }
}

/// What the snapshot says of one Context: how many local slots, their names where it gives
/// them.
struct Observed {
    slots: usize,
    /// `context` edges: (name, value).
    named: Vec<(String, u32)>,
    /// `named` by name, for Contexts with many (`None`: few, searched in order).
    by_name: Option<FxHashMap<String, u32>>,
    /// `hidden` edges (slot number, value), the first for each number, by number: a block
    /// Context's slots, which V8 leaves unnamed.
    hidden: Vec<(u32, u32)>,
    /// The ScopeInfo's leading names.
    scope_names: Vec<String>,
}

impl Observed {
    /// The value of the slot named `name`, else of local slot `i` (unnamed block Contexts).
    fn value(&self, name: &str, i: u32) -> Option<u32> {
        let named = match &self.by_name {
            Some(map) => map.get(name).copied(),
            None => self.named.iter().find(|(n, _)| n == name).map(|&(_, v)| v),
        };
        named.or_else(|| {
            self.hidden
                .binary_search_by_key(&i, |&(slot, _)| slot)
                .ok()
                .map(|k| self.hidden[k].1)
        })
    }
}

fn observe(heap: &Heap, ctx: u32) -> Observed {
    let g = &heap.graph;
    let k = heap.keywords();
    let mut header = 4u64;
    let mut named: Vec<(String, u32)> = Vec::new();
    let mut hidden = Vec::new();
    let mut scope_names = Vec::new();
    for e in g.edges(ctx) {
        let (ty, name, to) = (g.edge_type[e], g.edge_name[e], g.edge_to[e]);
        if ty == k.ty_context {
            named.push((heap.name(name).to_string(), to));
        } else if ty == k.ty_hidden {
            hidden.push((name, to));
        } else if ty == k.ty_internal && name == k.extension {
            header += 1;
        } else if ty == k.ty_internal && name == k.scope_info {
            scope_names = scope_info_strings(g, k, to)
                .into_iter()
                .map(|s| heap.name(s).to_string())
                .collect();
        }
    }
    // The first edge of each number, as a search in edge order would find.
    hidden.sort_by_key(|&(slot, _)| slot);
    hidden.dedup_by_key(|&mut (slot, _)| slot);
    let by_name = (named.len() > 16).then(|| {
        let mut map = FxHashMap::default();
        for (n, v) in &named {
            map.entry(n.clone()).or_insert(*v);
        }
        map
    });
    let words = g.self_size(ctx) / 8;
    Observed {
        slots: words.saturating_sub(header) as usize,
        named,
        by_name,
        hidden,
        scope_names,
    }
}

/// Contexts read from the snapshot, remembered when they are big: a module's Context is on the
/// chain of every closure of the module, and reading its thousands of slots for each one made
/// the join quadratic.
#[derive(Default)]
struct Seen {
    observed: FxHashMap<u32, Rc<Observed>>,
    /// Whether a candidate (file, environment) fits a (big) Context.
    fits: FxHashMap<(usize, EnvId, u32), bool>,
}

impl Seen {
    fn big(heap: &Heap, ctx: u32) -> bool {
        heap.graph.edges(ctx).len() > CACHED_EDGES
    }

    fn observe(&mut self, heap: &Heap, ctx: u32) -> Rc<Observed> {
        if !Seen::big(heap, ctx) {
            return Rc::new(observe(heap, ctx));
        }
        self.observed
            .entry(ctx)
            .or_insert_with(|| Rc::new(observe(heap, ctx)))
            .clone()
    }

    /// Whether `c` fits the big Context `ctx`.
    fn fits_big(&mut self, heap: &Heap, file: usize, c: &Candidate, ctx: u32) -> bool {
        if let Some(&known) = self.fits.get(&(file, c.env, ctx)) {
            return known;
        }
        let fit = fits(c, &self.observe(heap, ctx));
        self.fits.insert((file, c.env, ctx), fit);
        fit
    }
}

/// Pairs each Context on the chain from `context` with a candidate (or none when the static
/// model has no environment for it; the rest of the chain is then left unpaired).
fn align(
    heap: &Heap,
    file: usize,
    cands: &[Rc<Candidate>],
    context: u32,
    seen: &mut Seen,
) -> Vec<(Option<usize>, u32)> {
    let mut out = Vec::new();
    let mut next = 0usize;
    let mut lost = false;
    let mut ctx = context;
    let mut depth = 0;
    while ctx != u32::MAX && depth < 1024 {
        let mut paired = None;
        if !lost {
            let small = (!Seen::big(heap, ctx)).then(|| observe(heap, ctx));
            while next < cands.len() {
                let c = &cands[next];
                next += 1;
                let fit = match &small {
                    Some(observed) => fits(c, observed),
                    None => seen.fits_big(heap, file, c, ctx),
                };
                if fit {
                    paired = Some(next - 1);
                    break;
                }
                if c.certain {
                    break;
                }
            }
            lost = paired.is_none();
        }
        out.push((paired, ctx));
        ctx = heap.previous(ctx);
        depth += 1;
    }
    out
}

/// Whether a Context can be the one V8 made for candidate `c`: as many local slots as `c` has
/// context-allocated bindings (plus one when V8 keeps `this` there for arrows), and every name
/// the snapshot gives (`context` edges, the ScopeInfo's leading names) one of them. Slots are
/// counted from the Context's size with 8-byte slots (Node; builds with pointer compression
/// would need 4).
fn fits(c: &Candidate, seen: &Observed) -> bool {
    let m = c.vars.len();
    let names_this = seen.named.iter().any(|(n, _)| n == "this")
        || seen.scope_names.iter().take(m + 1).any(|n| n == "this");
    let with_this = c.receiver && names_this && seen.slots == m + 1;
    if seen.slots != m + usize::from(with_this) {
        return false;
    }
    let known = |n: &String| n == "this" || c.name_set.contains(n);
    if !seen.named.iter().all(|(n, _)| known(n)) {
        return false;
    }
    if seen.slots > 0
        && seen.scope_names.len() >= seen.slots
        && !seen.scope_names[..seen.slots].iter().all(known)
    {
        return false;
    }
    // An empty Context: V8 makes them for classes (with fields or private methods) and for
    // scopes with a sloppy direct `eval`.
    c.certain || with_this || c.empty_ok
}

/// Sets of Contexts with more than [`MAX_VARIABLES`] variables already described, by file,
/// environment (or depth, unaligned) and a hash of the Contexts.
#[derive(Default)]
struct Described {
    sets: FxHashMap<(usize, Option<EnvId>, usize, u64), Vec<DescribedSet>>,
}

struct DescribedSet {
    /// The Contexts themselves, so that a hash collision cannot pass for the same set.
    contexts: Vec<u32>,
    /// `name (file:line:column)` of the function whose report lists them.
    by: String,
    variables: u32,
    bytes: u64,
}

/// One function's place in the report: its file and how other functions' reports name it.
struct Describer<'a> {
    file: usize,
    label: &'a str,
}

#[allow(clippy::too_many_arguments)]
fn context_report(
    heap: &Heap,
    a: &Analysis,
    place: &Describer<'_>,
    cands: &[Rc<Candidate>],
    p: &mut Position,
    retains: &FxHashMap<BindingId, bool>,
    owner: OwnerNames<'_>,
    described: &mut Described,
    seen: &mut Seen,
) -> ContextReport {
    p.contexts.sort_unstable();
    p.contexts.dedup();
    let cand = p.candidate.map(|i| &*cands[i]);
    let environment = cand.map(|c| {
        let e = a.env(c.env);
        let (line, column) = a.line_index.human(e.span.start);
        EnvironmentInfo {
            env: c.env,
            kind: e.kind.as_str(),
            owner: owner(a, c.env),
            line,
            column,
        }
    });
    let mut ids: Vec<(u64, u32)> = Vec::new();
    let mut retained = 0u64;
    let mut shared_by = 0u32;
    for &ctx in &p.contexts {
        retained += heap.retained[ctx as usize];
        ids.push((
            heap.retained[ctx as usize],
            heap.graph.node_id[ctx as usize],
        ));
        shared_by = shared_by.max(heap.shared_by.get(&ctx).copied().unwrap_or(0));
    }
    ids.sort_unstable_by(|x, y| y.cmp(x));
    let mut report = ContextReport {
        environment,
        count: p.contexts.len() as u32,
        retained_bytes: retained,
        shared_by,
        node_ids: ids.iter().take(MAX_IDS).map(|&(_, id)| id).collect(),
        variables: Vec::new(),
        omitted_variables: 0,
        omitted_bytes: 0,
        described_with: None,
    };
    let dominated = |ctx: u32, v: u32| {
        if heap.idom[v as usize] == ctx {
            heap.retained[v as usize]
        } else {
            0
        }
    };

    // A set of Contexts too big to list for every function that shares it, described already?
    let may_be_big = cand.is_none_or(|c| c.vars.len() + 1 > MAX_VARIABLES);
    let key = may_be_big.then(|| {
        let mut h = FxHasher::default();
        p.contexts.hash(&mut h);
        (place.file, cand.map(|c| c.env), p.depth, h.finish())
    });
    let earlier = key.and_then(|k| {
        described
            .sets
            .get(&k)?
            .iter()
            .find(|d| d.contexts == p.contexts)
    });
    if let Some(set) = earlier {
        // Only what this function captures itself; the rest is with `set.by`.
        let mut listed: Vec<(usize, u64)> = Vec::new();
        if let Some(c) = cand {
            for (i, b) in c.vars.iter().enumerate() {
                if retains.get(b) == Some(&true) && listed.len() < MAX_VARIABLES {
                    listed.push((i, 0));
                }
            }
            for &ctx in &p.contexts {
                let observed = seen.observe(heap, ctx);
                for (i, bytes) in &mut listed {
                    if let Some(v) = observed.value(&c.names[*i], *i as u32) {
                        *bytes += dominated(ctx, v);
                    }
                }
            }
            report.variables = listed
                .iter()
                .map(|&(i, bytes)| {
                    variable(
                        a,
                        Some(c.vars[i]),
                        c.names[i].clone(),
                        bytes,
                        retains,
                        owner,
                    )
                })
                .collect();
        }
        let listed_bytes: u64 = listed.iter().map(|&(_, b)| b).sum();
        report.omitted_variables = set.variables.saturating_sub(listed.len() as u32);
        report.omitted_bytes = set.bytes.saturating_sub(listed_bytes);
        report.described_with = Some(set.by.clone());
        return report;
    }

    // Every slot, in order (a binding's name, or `this`), with the bytes it keeps over the
    // Contexts.
    let mut slots: Vec<(Option<BindingId>, String, u64)> = Vec::new();
    let mut index: FxHashMap<String, usize> = FxHashMap::default();
    let mut add = |binding: Option<BindingId>, name: &str, bytes: u64| match index.get(name) {
        Some(&k) => slots[k].2 += bytes,
        None => {
            index.insert(name.to_string(), slots.len());
            slots.push((binding, name.to_string(), bytes));
        }
    };
    for &ctx in &p.contexts {
        let observed = seen.observe(heap, ctx);
        match cand {
            Some(c) => {
                let this_slot = observed.slots > c.vars.len();
                let names = c
                    .vars
                    .iter()
                    .zip(&c.names)
                    .map(|(&b, n)| (Some(b), n.as_str()))
                    .chain(this_slot.then_some((None, "this")));
                for (i, (binding, name)) in names.enumerate() {
                    let bytes = observed
                        .value(name, i as u32)
                        .map_or(0, |v| dominated(ctx, v));
                    add(binding, name, bytes);
                }
            }
            None => {
                for (name, value) in &observed.named {
                    add(None, name, dominated(ctx, *value));
                }
            }
        }
    }
    // Over the cap: the function's own captures first, then the biggest, listed in slot order.
    let mut listed: Vec<usize> = (0..slots.len()).collect();
    if slots.len() > MAX_VARIABLES {
        let own = |k: usize| slots[k].0.and_then(|b| retains.get(&b)) == Some(&true);
        listed.sort_by_key(|&k| (!own(k), std::cmp::Reverse(slots[k].2), k));
        listed.truncate(MAX_VARIABLES);
        listed.sort_unstable();
        let total: u64 = slots.iter().map(|s| s.2).sum();
        let listed_bytes: u64 = listed.iter().map(|&k| slots[k].2).sum();
        report.omitted_variables = (slots.len() - listed.len()) as u32;
        report.omitted_bytes = total - listed_bytes;
        if let Some(k) = key {
            described.sets.entry(k).or_default().push(DescribedSet {
                contexts: p.contexts.clone(),
                by: place.label.to_string(),
                variables: slots.len() as u32,
                bytes: total,
            });
        }
    }
    report.variables = listed
        .into_iter()
        .map(|k| {
            let (binding, name, bytes) = std::mem::take(&mut slots[k]);
            variable(a, binding, name, bytes, retains, owner)
        })
        .collect();
    report
}

fn variable(
    a: &Analysis,
    binding: Option<BindingId>,
    name: String,
    retained_bytes: u64,
    retains: &FxHashMap<BindingId, bool>,
    owner: OwnerNames<'_>,
) -> VariableReport {
    let capturing: Vec<EnvId> = binding
        .map(|b| {
            a.binding(b)
                .captured_by
                .iter()
                .copied()
                .filter(|&e| a.env(e).is_closure())
                .collect()
        })
        .unwrap_or_default();
    VariableReport {
        captured_by: capturing
            .iter()
            .take(MAX_CAPTURED_BY)
            .map(|&e| owner(a, e))
            .collect(),
        captured_by_omitted: capturing.len().saturating_sub(MAX_CAPTURED_BY) as u32,
        kept_for_siblings: binding
            .and_then(|b| retains.get(&b))
            .is_some_and(|used| !used),
        retained_bytes,
        binding,
        name,
    }
}

/// Reads and analyses one source file a snapshot names: UTF-8 only, a byte-order mark dropped;
/// `None` when it cannot be read.
pub fn read_source(path: &Path) -> Option<Source> {
    let mut text = String::from_utf8(std::fs::read(path).ok()?).ok()?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    let name = path.to_string_lossy();
    let analysis = crate::engine::analyze_in_thread(&crate::engine::Input::new(&text, &name));
    Some(Source {
        analysis: Arc::new(analysis),
        text: text.into(),
    })
}
