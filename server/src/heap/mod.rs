//! V8 heap snapshots joined to the source's environments. **No LSP types**; beside `engine`,
//! below `ide` (which words the owners the joins name, through [`OwnerNames`]).
//!
//! - `reader.rs`: the `.heapsnapshot` file, streamed into compact columns (`graph.rs`); the
//!   strings stay on disk until a report asks for some.
//! - `dominators.rs`: retained sizes (dominator tree from the GC roots, as DevTools and memlab).
//! - [`Heap::load`] (here): the above plus what the joins need — each closure's script,
//!   position and Context chain, how many closures share each Context.
//! - `join.rs`: each closure → its source function (`Analysis`), its Context chain aligned
//!   with the function's static chain of environments that V8 gives a Context
//!   (`engine::retention`), every slot named; grouped by function, biggest first.

mod dominators;
mod graph;
mod join;
mod reader;

use std::fmt;
use std::path::Path;

use rustc_hash::{FxHashMap, FxHashSet};

pub use graph::Graph;
pub use join::{
    ContextReport, EnvironmentInfo, FunctionReport, MAX_CAPTURED_BY, MAX_VARIABLES, OwnerNames,
    Report, Source, UnmatchedScript, VariableReport, join, read_source,
};
pub use reader::Progress;

/// Why a snapshot could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeapError {
    Io(String),
    /// Not a V8 heap snapshot at all.
    NotASnapshot(String),
    /// A heap snapshot, but damaged or cut short.
    Corrupt(String),
    /// More than this machine can hold.
    TooBig(String),
}

impl fmt::Display for HeapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HeapError::Io(m) => write!(f, "{m}"),
            HeapError::NotASnapshot(m) => write!(f, "not a V8 heap snapshot: {m}"),
            HeapError::Corrupt(m) => write!(f, "corrupt heap snapshot: {m}"),
            HeapError::TooBig(m) => write!(f, "heap snapshot too big: {m}"),
        }
    }
}

impl std::error::Error for HeapError {}

/// One closure of the heap: where V8 says it starts and what it holds.
#[derive(Clone, Copy, Debug)]
pub struct Closure {
    pub node: u32,
    /// Index into [`Heap::scripts`]; `u32::MAX` when V8 recorded none (builtins).
    pub script: u32,
    /// 0-based, as V8 records them (column in UTF-16 units).
    pub line: u32,
    pub column: u32,
    /// Its Context (`u32::MAX`: none, or the native context).
    pub context: u32,
}

#[derive(Clone, Debug)]
pub struct Script {
    pub node: u32,
    /// As V8 names it: a path (CommonJS), a `file://` URL (ES modules), `node:internal/…`, or
    /// empty (eval, `new Function`).
    pub name: String,
}

/// A loaded snapshot: the graph, retained sizes, and the closures with their scripts.
pub struct Heap {
    pub graph: Graph,
    pub idom: Vec<u32>,
    pub retained: Vec<u64>,
    pub closures: Vec<Closure>,
    pub scripts: Vec<Script>,
    /// Closures whose Context chain includes each Context.
    pub shared_by: FxHashMap<u32, u32>,
    /// The strings the joins need: closure names, Context variable names.
    names: FxHashMap<u32, String>,
    keywords: Keywords,
    pub file_bytes: u64,
}

/// String ids of the names the joins look for.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Keywords {
    pub context_node: u32,
    pub context_edge: u32,
    pub previous: u32,
    pub scope_info: u32,
    pub extension: u32,
    pub ty_string: u8,
    // edge types
    pub ty_context: u8,
    pub ty_internal: u8,
    pub ty_hidden: u8,
    pub ty_closure: u8,
}

impl Heap {
    /// Reads and analyses the snapshot at `path`, in two passes over the file (`reader.rs`
    /// says why). Memory: the graph's columns and the dominator computation's arrays, never all
    /// at once (docs/performance.md has figures); refused up front, with a clear error, when the
    /// snapshot announces more than the machine has.
    pub fn load(path: &Path, progress: Option<Progress>) -> Result<Heap, HeapError> {
        let file_bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let (mut graph, mut first) = reader::read(path, progress)?;
        let dominators =
            dominators::compute(&mut graph, first.strings.keyword("(Document DOM trees)"));
        reader::read_rest(path, &mut first, &mut graph)?;
        let strings = first.strings;
        let keywords = Keywords {
            context_node: strings.keyword("system / Context"),
            context_edge: strings.keyword("context"),
            previous: strings.keyword("previous"),
            scope_info: strings.keyword("scope_info"),
            extension: strings.keyword("extension"),
            ty_string: graph.node_type_id("string"),
            ty_context: graph.edge_type_id("context"),
            ty_internal: graph.edge_type_id("internal"),
            ty_hidden: graph.edge_type_id("hidden"),
            ty_closure: graph.node_type_id("closure"),
        };
        let shared = strings.keyword("shared");
        let script_edges = [
            strings.keyword("script_or_debug_info"),
            strings.keyword("script"),
        ];
        let name_edge = strings.keyword("name");
        let string_type = keywords.ty_string;

        let mut closures = Vec::new();
        let mut scripts: Vec<Script> = Vec::new();
        let mut script_of_node: FxHashMap<u32, u32> = FxHashMap::default();
        let mut wanted: FxHashSet<u32> = FxHashSet::default();
        let mut script_name_string: Vec<u32> = Vec::new();
        for v in 0..graph.node_count() {
            if graph.node_type[v as usize] != keywords.ty_closure {
                continue;
            }
            let Some(loc) = graph.location(v) else {
                continue;
            };
            let script_node = graph
                .edge_to_named(v, keywords.ty_internal, shared)
                .and_then(|sfi| {
                    script_edges
                        .iter()
                        .find_map(|&e| graph.edge_to_named(sfi, keywords.ty_internal, e))
                });
            let script = match script_node {
                Some(s) => *script_of_node.entry(s).or_insert_with(|| {
                    let name = graph
                        .edge_to_named(s, keywords.ty_internal, name_edge)
                        .filter(|&n| graph.node_type[n as usize] == string_type)
                        .map_or(u32::MAX, |n| graph.node_name[n as usize]);
                    script_name_string.push(name);
                    wanted.insert(name);
                    scripts.push(Script {
                        node: s,
                        name: String::new(),
                    });
                    scripts.len() as u32 - 1
                }),
                None => u32::MAX,
            };
            let context = graph
                .edge_to_named(v, keywords.ty_internal, keywords.context_edge)
                .filter(|&c| graph.node_name[c as usize] == keywords.context_node)
                .unwrap_or(u32::MAX);
            wanted.insert(graph.node_name[v as usize]);
            closures.push(Closure {
                node: v,
                script,
                line: loc.line,
                column: loc.column,
                context,
            });
        }
        // Every closure has its position now: the others' are not needed.
        graph.locations = Vec::new();
        let mut shared_by: FxHashMap<u32, u32> = FxHashMap::default();
        for c in &closures {
            let mut ctx = c.context;
            let mut depth = 0;
            while ctx != u32::MAX && depth < 1024 {
                let sharing = shared_by.entry(ctx).or_default();
                *sharing += 1;
                // A Context's names are noted once, not for each closure that shares it.
                let edges = if *sharing == 1 {
                    graph.edges(ctx)
                } else {
                    0..0
                };
                for e in edges {
                    if graph.edge_type[e] == keywords.ty_context {
                        wanted.insert(graph.edge_name[e]);
                    } else if graph.edge_type[e] == keywords.ty_internal
                        && graph.edge_name[e] == keywords.scope_info
                    {
                        // The ScopeInfo names the Context's locals first (checked against
                        // the static model when aligning).
                        for s in scope_info_strings(&graph, &keywords, graph.edge_to[e]) {
                            wanted.insert(s);
                        }
                    }
                }
                ctx = next_context(&graph, &keywords, ctx);
                depth += 1;
            }
        }
        let names = strings.fetch(&wanted)?;
        for (script, &name) in scripts.iter_mut().zip(&script_name_string) {
            script.name = names.get(&name).cloned().unwrap_or_default();
        }
        Ok(Heap {
            graph,
            idom: dominators.idom,
            retained: dominators.retained,
            closures,
            scripts,
            shared_by,
            names,
            keywords,
            file_bytes,
        })
    }

    /// A string the joins asked for (closure and variable names).
    pub fn name(&self, id: u32) -> &str {
        self.names.get(&id).map_or("", String::as_str)
    }

    pub fn node_name(&self, node: u32) -> &str {
        self.name(self.graph.node_name[node as usize])
    }

    /// Total bytes of the heap (the root's retained size).
    pub fn total_bytes(&self) -> u64 {
        self.retained.first().copied().unwrap_or(0)
    }

    pub(crate) fn keywords(&self) -> &Keywords {
        &self.keywords
    }

    /// The Context a Context's `previous` leads to, unless that is the native context.
    pub fn previous(&self, ctx: u32) -> u32 {
        next_context(&self.graph, &self.keywords, ctx)
    }
}

fn next_context(g: &Graph, k: &Keywords, ctx: u32) -> u32 {
    g.edge_to_named(ctx, k.ty_internal, k.previous)
        .filter(|&p| g.node_name[p as usize] == k.context_node)
        .unwrap_or(u32::MAX)
}

/// The names a ScopeInfo holds, in slot order (string ids of its `hidden` string children): a
/// Context's locals come first. Capped: only the first few are ever compared.
pub(crate) fn scope_info_strings(g: &Graph, k: &Keywords, scope_info: u32) -> Vec<u32> {
    let mut names: Vec<(u32, u32)> = g
        .edges(scope_info)
        .filter(|&e| {
            g.edge_type[e] == k.ty_hidden && g.node_type[g.edge_to[e] as usize] == k.ty_string
        })
        .take(256)
        .map(|e| (g.edge_name[e], g.node_name[g.edge_to[e] as usize]))
        .collect();
    names.sort_unstable();
    names.into_iter().map(|(_, s)| s).collect()
}
