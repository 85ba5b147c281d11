//! The workspace index's summary pass: of one file, only what the index keeps (its module
//! record and its top-level names), without the full analysis.
//!
//! The full analysis binds and resolves every identifier, infers names, records loop syntax
//! and captures, and builds a line index: 1.5–2× the parse again, for answers the index never
//! asks. The summary pass parses the same way ([`super::recovery`]) and runs the module
//! record's rules ([`module_record::Bindings`]: the rules are the full analysis's, written
//! once) on tables of the top level only: its declarations are read off its statements, and a
//! question about an identifier inside a function or block descends from the program to it
//! ([`module_scopes`]). TypeScript scripts, and texts with `eval` or `\u` escapes, get a walk
//! of every declaration instead ([`Walker`]: the binder's rules for where each lands, `var` to
//! the function, `let`/`const`/`class` to the block that has an environment, parameters, catch
//! parameters, named function and class expressions, `for` heads, the CommonJS wrapper), and
//! questions look the name up from the environment at the identifier outward.
//!
//! It declines (the caller then runs the full analysis) when it cannot be sure of the same
//! answer: a direct `eval` of a string (its `var`s are bound in its function), a name the rules
//! ask about that is also a function declared in a block in sloppy code (Annex B.3.3 may give
//! it a second, `var`-scoped binding), a question about code the binder does not walk
//! (TypeScript `enum` bodies, namespaces, ambient declarations), scopes met out of source
//! order, and text that does not parse. (`with` and other direct evals make references
//! dynamic at run time, but their static bindings, all the module record asks for, are what
//! the pass finds.) `workspace/index/summary_pass_tests.rs` checks that every file of the
//! corpus gets exactly the full analysis's summary, or is declined.

mod module_scopes;

use std::cell::{Cell, RefCell};

use oxc_ast::ast::*;
use oxc_ast_visit::{Visit, walk};
use oxc_span::GetSpan;
use oxc_syntax::scope::ScopeFlags;
use rustc_hash::FxHashMap;

use super::binder::{
    declares_lexically, declares_lexically_at_top, has_parameter_expressions,
    module_reference_root, runtime_imports,
};
use super::model::{
    Analysis, BindingId, DeclarationKind, EnvKind, ExportTarget, FunctionFlavor, ModuleRecord,
    SourceKind,
};
use super::module_record::{self, Bindings};
use super::{Input, Scratch, recovery};
use crate::text::{Encoding, LineCol, LineScanner};

/// What the workspace index keeps of one file, before its requests are resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileSummary {
    pub source_kind: SourceKind,
    /// The module record. Its binding ids are the summary pass's own when it made it (ordered
    /// as the analysis's are): read them only to compare two of them, or with
    /// [`ModuleRecord::import_of`].
    pub module: ModuleRecord,
    /// The bindings of the top level a program declares (`var`, `let`, `const`, `using`,
    /// functions, classes, enums, namespaces; not imports, parameters or implicit names): the
    /// global environment's, then those of the script, module or CommonJS wrapper environment,
    /// each in declaration order.
    pub top_level: Vec<TopLevelName>,
}

/// A top-level binding, placed: its declaring identifier's line (zero-based) and its start and
/// end columns in UTF-8 and UTF-16 (an identifier is on one line).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopLevelName {
    pub name: String,
    pub declaration: DeclarationKind,
    pub env: EnvKind,
    pub commonjs_wrapper: bool,
    /// A binding of the module's exports (`export …`, `exports.a = a`).
    pub exported: bool,
    pub line: u32,
    pub utf8: (u32, u32),
    pub utf16: (u32, u32),
}

/// Why the summary pass left a file to the full analysis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Declined(pub &'static str);

/// The declarations the top level's symbols are made of.
fn is_symbol(kind: DeclarationKind) -> bool {
    use DeclarationKind::*;
    matches!(
        kind,
        Var | Let | Const | Using | Function | Class | Enum | Namespace
    )
}

/// Start and end of an identifier, placed by `at` (offset → line/column in UTF-8 and UTF-16).
fn place(
    start: u32,
    end: u32,
    mut at: impl FnMut(u32) -> (LineCol, LineCol),
) -> (u32, (u32, u32), (u32, u32)) {
    let (start8, start16) = at(start);
    let (end8, end16) = at(end);
    let one_line = |s: LineCol, e: LineCol| if e.line == s.line { e.col } else { s.col };
    (
        start8.line,
        (start8.col, one_line(start8, end8)),
        (start16.col, one_line(start16, end16)),
    )
}

impl FileSummary {
    /// The summary of a full analysis (open documents, and files the summary pass declines).
    pub fn of(analysis: &Analysis) -> FileSummary {
        let global = analysis.global();
        let exported: Vec<_> = analysis
            .module
            .exports
            .iter()
            .filter_map(|e| match e.target {
                ExportTarget::Local(b) => Some(analysis.binding(b).span),
                _ => None,
            })
            .collect();
        let mut top_level = Vec::new();
        for env_id in analysis.env_ids() {
            let env = analysis.env(env_id);
            let wrapper = env.function == Some(FunctionFlavor::CommonJsWrapper);
            let top = env_id == global
                || (env.parent == Some(global)
                    && (matches!(env.kind, EnvKind::Script | EnvKind::Module) || wrapper));
            if !top {
                continue;
            }
            for &b in &env.bindings {
                let binding = analysis.binding(b);
                if !is_symbol(binding.declaration) {
                    continue;
                }
                let index = &analysis.line_index;
                let (line, utf8, utf16) = place(binding.span.start, binding.span.end, |o| {
                    (
                        index.line_col(o, Encoding::Utf8),
                        index.line_col(o, Encoding::Utf16),
                    )
                });
                top_level.push(TopLevelName {
                    name: analysis.binding_name(b).to_owned(),
                    declaration: binding.declaration,
                    env: env.kind,
                    commonjs_wrapper: wrapper,
                    exported: exported.contains(&binding.span),
                    line,
                    utf8,
                    utf16,
                });
            }
        }
        FileSummary {
            source_kind: analysis.source_kind,
            module: analysis.module.clone(),
            top_level,
        }
    }
}

/// The summary of `input` without the full analysis, or why not (then analyse it fully and
/// take [`FileSummary::of`] that). Must run on a thread with [`super::ANALYSIS_STACK_SIZE`].
pub fn summarize(input: &Input<'_>, scratch: &mut Scratch) -> Result<FileSummary, Declined> {
    recovery::parse_then(input, scratch, summarize_parsed)
        .unwrap_or(Err(Declined("it does not parse")))
}

fn summarize_parsed(parsed: recovery::Parsed<'_, '_>) -> Result<FileSummary, Declined> {
    let mut kind = parsed.source_kind;
    let mut tables = Tables::bind(parsed.program, kind, parsed.text)?;
    // As the full analysis decides: a text guessed CommonJS whose `require`/`module`/`exports`
    // are all its own (a bundle's prelude) is a script.
    if parsed.commonjs_guessed && !tables.uses_node_wrapper()? {
        kind = SourceKind::Script;
        tables = Tables::bind(parsed.program, kind, parsed.text)?;
    }
    // The record's walks enter only what holds one of its words: the pass keeps no
    // references, so the marks are the text's occurrences (a superset of the analysis's).
    let marks = occurrences(parsed.text, RECORD_WORDS);
    let module = module_record::collect(
        parsed.program,
        parsed.text,
        &tables,
        module_record::Marks(marks.as_deref()),
    );
    if let Some(why) = tables.unsure.get() {
        return Err(Declined(why));
    }
    let top_level = tables.top_level(&module, parsed.input_text);
    Ok(FileSummary {
        source_kind: kind,
        module,
        top_level,
    })
}

/// Every node the module record's first walk records from holds a reference named
/// `require`, `exports` or `module`, an `import(…)` call, or lies in an ambient declaration
/// (`declare module 'm' { … }`, `declare global { … }`), which it walks whole.
const RECORD_WORDS: &[&str] = &["require", "exports", "module", "import", "declare"];

/// Where `words` occur in `text`, sorted: a superset of where identifiers with those names
/// start, unless one is written with escapes (`\u`): then `None` (the walks enter everything).
fn occurrences(text: &str, words: &[&str]) -> Option<Vec<u32>> {
    let bytes = text.as_bytes();
    if words.iter().any(|w| w.is_empty()) || memchr::memmem::find(bytes, b"\\u").is_some() {
        return None;
    }
    let mut found: Vec<u32> = words
        .iter()
        .flat_map(|w| memchr::memmem::find_iter(bytes, w.as_bytes()).map(|at| at as u32))
        .collect();
    found.sort_unstable();
    found.dedup();
    Some(found)
}

const NO_SCOPE: u32 = u32::MAX;

/// An environment, as far as resolution needs it: where it is lexical, and its parent.
struct Scope {
    start: u32,
    end: u32,
    parent: u32,
    kind: EnvKind,
}

/// One declaring identifier.
struct Decl<'a> {
    name: &'a str,
    start: u32,
    end: u32,
    scope: u32,
    kind: DeclarationKind,
    /// It is a declaration the analysis lists (a class declaration's inner name is a binding
    /// only).
    listed: bool,
}

/// The summary pass's tables: every declaration, the environments that hold them, and what
/// makes an answer unsure. A binding is named by the index of its first declaration, so
/// bindings compare in the order the analysis creates them.
struct Tables<'a> {
    kind: SourceKind,
    /// The parsed text (the module record's marks are found in it).
    text: &'a str,
    /// The script, module or CommonJS wrapper scope; 0 (the global scope) for a script
    /// without top-level lexical declarations.
    top: u32,
    scopes: Vec<Scope>,
    decls: Vec<Decl<'a>>,
    /// (scope, name) → the first declaration: the binding.
    bindings: FxHashMap<(u32, &'a str), u32>,
    /// `decls` are in order of their start (the walk follows the source).
    decls_sorted: bool,
    /// Names of functions declared in blocks (Annex B.3.3 may bind them a second time).
    annex_b: Vec<&'a str>,
    /// Regions the binder does not walk (no references there).
    unwalked: Vec<(u32, u32)>,
    /// References named `require`, `module` or `exports`.
    node_refs: Vec<(u32, &'a str)>,
    /// Set when a question was asked that the tables cannot answer for sure.
    unsure: Cell<Option<&'static str>>,
    /// Inner scopes not listed: questions about them descend from the program
    /// ([`module_scopes`]).
    lazy: Option<Lazy<'a>>,
}

/// Tables of the top level only. A binding is then named by where its first declaration
/// starts (the order the binder creates bindings in: the source's), the wrapper's parameters
/// by [`PARAMETER_IDS`] on.
struct Lazy<'a> {
    program: &'a Program<'a>,
    text: &'a str,
    strict: bool,
    /// Inner bindings met, with their names.
    inner: RefCell<FxHashMap<u32, &'a str>>,
    bodies: module_scopes::BodyCache<'a>,
}

/// The ids of the CommonJS wrapper's parameters in lazy tables (no declaration starts there).
const PARAMETER_IDS: u32 = u32::MAX - COMMONJS_PARAMETERS.len() as u32;

impl<'a> Tables<'a> {
    fn new(kind: SourceKind, text: &'a str) -> Self {
        Tables {
            kind,
            text,
            top: 0,
            scopes: Vec::new(),
            decls: Vec::new(),
            bindings: FxHashMap::default(),
            decls_sorted: true,
            annex_b: Vec::new(),
            unwalked: Vec::new(),
            node_refs: Vec::new(),
            unsure: Cell::new(None),
            lazy: None,
        }
    }

    /// The top level's tables, from its statements alone ([`module_scopes`]); `None` when
    /// it has what that reading does not model (TypeScript enums, namespaces).
    fn of_statements(program: &'a Program<'a>, kind: SourceKind, text: &'a str) -> Option<Self> {
        let strict = kind == SourceKind::Module;
        let mut found = Vec::new();
        module_scopes::top_declarations(program, strict, &mut found).ok()?;
        let mut tables = Tables::new(kind, text);
        let whole = |kind| Scope {
            start: 0,
            end: u32::MAX,
            parent: 0,
            kind,
        };
        tables.scopes.push(whole(EnvKind::Global));
        let inner = match kind {
            SourceKind::Module => Some(EnvKind::Module),
            SourceKind::CommonJs => Some(EnvKind::Function),
            SourceKind::Script => {
                declares_lexically_at_top(&program.body).then_some(EnvKind::Script)
            }
        };
        if let Some(env) = inner {
            tables.scopes.push(whole(env));
            tables.top = 1;
        }
        let push = |tables: &mut Tables<'a>, name, start, end, kind, id: u32| {
            let scope = match (tables.kind, kind) {
                (SourceKind::Script, DeclarationKind::Var | DeclarationKind::Function) => 0,
                _ => tables.top,
            };
            if tables
                .decls
                .last()
                .is_some_and(|d: &Decl<'a>| d.start > start)
            {
                tables.decls_sorted = false;
            }
            tables.decls.push(Decl {
                name,
                start,
                end,
                scope,
                kind,
                listed: kind != DeclarationKind::CommonJsParameter,
            });
            tables.bindings.entry((scope, name)).or_insert(id);
        };
        if kind == SourceKind::CommonJs {
            for (k, name) in COMMONJS_PARAMETERS.into_iter().enumerate() {
                let id = PARAMETER_IDS + k as u32;
                push(
                    &mut tables,
                    name,
                    0,
                    0,
                    DeclarationKind::CommonJsParameter,
                    id,
                );
            }
        }
        tables.decls.reserve(found.len());
        for (name, at, kind) in found {
            if kind == DeclarationKind::AnnexBFunction {
                tables.annex_b.push(name);
                continue;
            }
            push(&mut tables, name, at.start, at.end, kind, at.start);
        }
        tables.lazy = Some(Lazy {
            program,
            text,
            strict,
            inner: RefCell::default(),
            bodies: RefCell::default(),
        });
        Some(tables)
    }

    fn bind(program: &'a Program<'a>, kind: SourceKind, text: &'a str) -> Result<Self, Declined> {
        // Sloppy code needs the walk when it may hold a direct eval (its string's `var`s), and
        // text searches miss names written with escapes (see `uses_node_wrapper`).
        let bytes = text.as_bytes();
        let lazy = kind == SourceKind::Module
            || (!program.source_type.is_typescript()
                && memchr::memmem::find(bytes, b"eval").is_none()
                && memchr::memmem::find(bytes, b"\\u").is_none());
        if lazy && let Some(tables) = Tables::of_statements(program, kind, text) {
            return Ok(tables);
        }
        let mut walker = Walker {
            tables: Tables::new(kind, text),
            lexical: 0,
            var_scope: 0,
            body_scope: 0,
            declaring: None,
            strict: false,
            declined: None,
        };
        walker.program(program);
        if let Some(why) = walker.declined {
            return Err(Declined(why));
        }
        Ok(walker.tables)
    }

    /// Does any `require`/`module`/`exports` read the CommonJS wrapper's parameter?
    fn uses_node_wrapper(&self) -> Result<bool, Declined> {
        let reads_wrapper = |start: u32, name: &str| {
            let wrapper = self
                .lookup(start, name)
                .is_some_and(|b| self.is_wrapper_parameter(b));
            match self.unsure.get() {
                Some(why) => Err(Declined(why)),
                None => Ok(wrapper),
            }
        };
        if let Some(lazy) = &self.lazy {
            // The words in the text, where they stand alone, checked to be references.
            let bytes = lazy.text.as_bytes();
            let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
            for name in ["require", "module", "exports"] {
                for at in memchr::memmem::find_iter(bytes, name.as_bytes()) {
                    let end = at + name.len();
                    if (at > 0 && word(bytes[at - 1])) || bytes.get(end).is_some_and(|&b| word(b)) {
                        continue;
                    }
                    if module_scopes::reference_at(lazy.program, at as u32, name, &lazy.bodies)
                        && reads_wrapper(at as u32, name)?
                    {
                        return Ok(true);
                    }
                }
            }
            return Ok(false);
        }
        for &(start, name) in &self.node_refs {
            if reads_wrapper(start, name)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn is_wrapper_parameter(&self, binding: u32) -> bool {
        match self.lazy {
            Some(_) => binding >= PARAMETER_IDS,
            None => self
                .decls
                .get(binding as usize)
                .is_some_and(|d| d.kind == DeclarationKind::CommonJsParameter),
        }
    }

    /// A binding's id: its first declaration's index, or in lazy tables where it starts.
    fn id_of(&self, index: usize) -> u32 {
        match self.lazy {
            Some(_) if self.decls[index].kind == DeclarationKind::CommonJsParameter => {
                PARAMETER_IDS + index as u32
            }
            Some(_) => self.decls[index].start,
            None => index as u32,
        }
    }

    /// The binding declared at `start` in a scope inside the top level, recorded with its
    /// name.
    fn inner(&self, lazy: &Lazy<'a>, start: u32, name: &'a str) -> u32 {
        lazy.inner.borrow_mut().entry(start).or_insert(name);
        start
    }

    fn unsure(&self, why: &'static str) {
        if self.unsure.get().is_none() {
            self.unsure.set(Some(why));
        }
    }

    /// The innermost scope whose region holds `offset`.
    fn scope_at(&self, offset: u32) -> u32 {
        let after = self.scopes.partition_point(|s| s.start <= offset);
        let mut s = after.saturating_sub(1) as u32;
        while s != 0 {
            let scope = &self.scopes[s as usize];
            if scope.start <= offset && offset < scope.end {
                break;
            }
            s = scope.parent;
        }
        s
    }

    /// The binding `name` read at `offset` resolves to.
    fn lookup(&self, offset: u32, name: &str) -> Option<u32> {
        if let Some(lazy) = &self.lazy {
            if self.annex_b.contains(&name) {
                self.unsure("a name also declared as a function in a block (Annex B)");
                return None;
            }
            return match module_scopes::inner_declaration(
                lazy.program,
                offset,
                name,
                lazy.strict,
                &lazy.bodies,
            ) {
                module_scopes::Inner::Declared(at) => {
                    let name = lazy.text.get(at as usize..at as usize + name.len());
                    Some(self.inner(lazy, at, name.unwrap_or("")))
                }
                module_scopes::Inner::Outer => [self.top, 0]
                    .iter()
                    .find_map(|&s| self.bindings.get(&(s, name)).copied()),
                module_scopes::Inner::Unsure(why) => {
                    self.unsure(why);
                    None
                }
            };
        }
        if self
            .unwalked
            .iter()
            .any(|&(s, e)| s <= offset && offset < e)
        {
            self.unsure("a question about code the binder does not walk");
            return None;
        }
        if self.annex_b.contains(&name) {
            self.unsure("a name also declared as a function in a block (Annex B)");
            return None;
        }
        let mut s = self.scope_at(offset);
        loop {
            if let Some(&b) = self.bindings.get(&(s, name)) {
                return Some(b);
            }
            if s == 0 {
                return None;
            }
            s = self.scopes[s as usize].parent;
        }
    }

    /// The listed declaration whose identifier is exactly `start..end`.
    fn declaration_at(&self, start: u32, end: u32) -> Option<&Decl<'a>> {
        let matches = |d: &&Decl<'a>| d.start == start && d.end == end && d.listed;
        if self.decls_sorted {
            let from = self.decls.partition_point(|d| d.start < start);
            self.decls[from..]
                .iter()
                .take_while(|d| d.start == start)
                .find(matches)
        } else {
            self.decls.iter().find(matches)
        }
    }

    /// The top-level names, placed in `text` (the input, before any blanking).
    fn top_level(&self, module: &ModuleRecord, text: &str) -> Vec<TopLevelName> {
        let exported: Vec<u32> = module
            .exports
            .iter()
            .filter_map(|e| match e.target {
                ExportTarget::Local(b) => Some(b.0),
                _ => None,
            })
            .collect();
        let mut scanner = LineScanner::new(text);
        let mut out = Vec::new();
        // The global environment first, then the one inside it (if the top level has one).
        let tops: &[u32] = if self.top == 0 { &[0] } else { &[0, self.top] };
        for &scope in tops {
            let env = &self.scopes[scope as usize];
            for (i, d) in self.decls.iter().enumerate() {
                let id = self.id_of(i);
                if d.scope != scope
                    || !is_symbol(d.kind)
                    || self.bindings.get(&(scope, d.name)) != Some(&id)
                {
                    continue;
                }
                let (line, utf8, utf16) = place(d.start, d.end, |o| scanner.line_col(o));
                out.push(TopLevelName {
                    name: d.name.to_owned(),
                    declaration: d.kind,
                    env: env.kind,
                    commonjs_wrapper: self.kind == SourceKind::CommonJs && scope != 0,
                    exported: exported.contains(&id),
                    line,
                    utf8,
                    utf16,
                });
            }
        }
        out
    }
}

impl Bindings for Tables<'_> {
    fn source_kind(&self) -> SourceKind {
        self.kind
    }

    fn declared(&self, at: oxc_span::Span) -> Option<BindingId> {
        if let Some(d) = self.declaration_at(at.start, at.end) {
            return self.bindings.get(&(d.scope, d.name)).map(|&b| BindingId(b));
        }
        let lazy = self.lazy.as_ref()?;
        if lazy.strict && module_scopes::names_a_top_declaration(lazy.program, at) {
            // A declaration the binder binds nothing for (`declare`, an overload).
            return None;
        }
        // Inside a function or block: the first declaration of its name in its scope.
        let name = lazy.text.get(at.start as usize..at.end as usize)?;
        if name.contains('\\') {
            self.unsure("a declaration written with escapes");
            return None;
        }
        match module_scopes::inner_declaration(
            lazy.program,
            at.start,
            name,
            lazy.strict,
            &lazy.bodies,
        ) {
            module_scopes::Inner::Declared(first) => Some(BindingId(self.inner(lazy, first, name))),
            module_scopes::Inner::Outer => {
                self.unsure("a declaration found in no scope");
                None
            }
            module_scopes::Inner::Unsure(why) => {
                self.unsure(why);
                None
            }
        }
    }

    fn resolved(&self, id: &IdentifierReference<'_>) -> Option<BindingId> {
        self.lookup(id.span.start, id.name.as_str()).map(BindingId)
    }

    fn is_node_global(&self, id: &IdentifierReference<'_>) -> bool {
        match self.lookup(id.span.start, id.name.as_str()) {
            None => true,
            Some(b) => self.is_wrapper_parameter(b),
        }
    }

    fn uses_of(
        &self,
        namespaces: &FxHashMap<BindingId, super::model::RequestId>,
    ) -> Option<Vec<u32>> {
        let names: Vec<&str> = namespaces.keys().map(|&b| self.binding_name(b)).collect();
        occurrences(self.text, &names)
    }

    fn binding_name(&self, binding: BindingId) -> &str {
        let b = binding.0;
        let Some(lazy) = &self.lazy else {
            return self.decls.get(b as usize).map_or("", |d| d.name);
        };
        if b >= PARAMETER_IDS {
            return COMMONJS_PARAMETERS
                .get((b - PARAMETER_IDS) as usize)
                .copied()
                .unwrap_or("");
        }
        let from = if self.decls_sorted {
            self.decls.partition_point(|d| d.start < b)
        } else {
            0
        };
        if let Some(d) = self.decls[from..].iter().find(|d| d.start == b && d.listed) {
            return d.name;
        }
        lazy.inner.borrow().get(&b).copied().unwrap_or("")
    }
}

/// The parameters of Node's module wrapper (the binder's `program.rs`).
const COMMONJS_PARAMETERS: [&str; 5] = ["exports", "require", "module", "__filename", "__dirname"];

/// The walk: the binder's rules for where declarations land, nothing else.
struct Walker<'a> {
    tables: Tables<'a>,
    lexical: u32,
    /// Where `var`s go, and the function body's own lexical scope (a function declared there
    /// is var-scoped).
    var_scope: u32,
    body_scope: u32,
    declaring: Option<(u32, DeclarationKind)>,
    /// The code walked is strict (Annex B.3.3 is for sloppy code only).
    strict: bool,
    declined: Option<&'static str>,
}

impl<'a> Walker<'a> {
    fn decline(&mut self, why: &'static str) {
        self.declined.get_or_insert(why);
    }

    fn push_scope(&mut self, kind: EnvKind, start: u32, end: u32) -> u32 {
        let id = self.tables.scopes.len() as u32;
        if self
            .tables
            .scopes
            .last()
            .is_some_and(|last| last.start > start)
        {
            self.decline("scopes out of source order");
        }
        self.tables.scopes.push(Scope {
            start,
            end,
            parent: if id == 0 { NO_SCOPE } else { self.lexical },
            kind,
        });
        self.lexical = id;
        id
    }

    fn declare_listed(
        &mut self,
        scope: u32,
        name: &'a str,
        kind: DeclarationKind,
        at: oxc_span::Span,
        listed: bool,
    ) {
        let tables = &mut self.tables;
        let index = tables.decls.len() as u32;
        if tables.decls.last().is_some_and(|d| d.start > at.start) {
            tables.decls_sorted = false;
        }
        tables.decls.push(Decl {
            name,
            start: at.start,
            end: at.end,
            scope,
            kind,
            listed,
        });
        tables.bindings.entry((scope, name)).or_insert(index);
    }

    fn declare(&mut self, scope: u32, name: &'a str, kind: DeclarationKind, at: oxc_span::Span) {
        self.declare_listed(scope, name, kind, at, true);
    }

    fn declare_pattern(&mut self, pattern: &BindingPattern<'a>, scope: u32, kind: DeclarationKind) {
        let saved = self.declaring.replace((scope, kind));
        self.visit_binding_pattern(pattern);
        self.declaring = saved;
    }

    fn program(&mut self, program: &Program<'a>) {
        self.push_scope(EnvKind::Global, 0, u32::MAX);
        self.strict = self.tables.kind == SourceKind::Module || program.has_use_strict_directive();
        match self.tables.kind {
            SourceKind::Script => {
                self.body_scope = if declares_lexically_at_top(&program.body) {
                    self.push_scope(EnvKind::Script, 0, u32::MAX)
                } else {
                    0
                };
                self.var_scope = 0;
            }
            SourceKind::Module => {
                let scope = self.push_scope(EnvKind::Module, 0, u32::MAX);
                (self.var_scope, self.body_scope) = (scope, scope);
            }
            SourceKind::CommonJs => {
                let scope = self.push_scope(EnvKind::Function, 0, u32::MAX);
                for name in COMMONJS_PARAMETERS {
                    let implicit = oxc_span::Span::new(0, 0);
                    self.declare_listed(
                        scope,
                        name,
                        DeclarationKind::CommonJsParameter,
                        implicit,
                        false,
                    );
                }
                (self.var_scope, self.body_scope) = (scope, scope);
            }
        }
        self.tables.top = self.body_scope;
        self.visit_statements(&program.body);
    }

    /// Runs `f` in a function-like scope, then returns to the scopes around it.
    fn in_function(&mut self, scope: u32, f: impl FnOnce(&mut Self)) {
        let saved = (self.var_scope, self.body_scope);
        (self.var_scope, self.body_scope) = (scope, scope);
        f(self);
        (self.var_scope, self.body_scope) = saved;
    }

    fn params_and_body(
        &mut self,
        scope: u32,
        params: &FormalParameters<'a>,
        body_span: oxc_span::Span,
        body: impl FnOnce(&mut Self),
    ) {
        for param in &params.items {
            self.visit_decorators(&param.decorators);
            self.declare_pattern(&param.pattern, scope, DeclarationKind::Parameter);
            if let Some(init) = &param.initializer {
                self.visit_expression(init);
            }
        }
        if let Some(rest) = &params.rest {
            self.declare_pattern(&rest.rest.argument, scope, DeclarationKind::Parameter);
        }
        let body_scope = if has_parameter_expressions(params) {
            self.push_scope(EnvKind::FunctionBody, body_span.start, body_span.end)
        } else {
            scope
        };
        (self.var_scope, self.body_scope) = (body_scope, body_scope);
        body(self);
    }

    fn function(&mut self, func: &Function<'a>) {
        let Some(body) = &func.body else { return };
        let saved = self.lexical;
        if func.r#type == FunctionType::FunctionExpression
            && let Some(id) = &func.id
        {
            let scope = self.push_scope(EnvKind::FunctionName, func.span.start, func.span.end);
            self.declare(
                scope,
                id.name.as_str(),
                DeclarationKind::FunctionName,
                id.span,
            );
        }
        let scope = self.push_scope(EnvKind::Function, func.span.start, func.span.end);
        let strict = self.strict;
        self.strict |= func.has_use_strict_directive();
        self.in_function(scope, |w| {
            w.params_and_body(scope, &func.params, body.span, |w| {
                w.visit_function_body(body)
            });
        });
        self.strict = strict;
        self.lexical = saved;
    }

    fn computed_key(&mut self, key: &PropertyKey<'a>) {
        if let Some(expression) = key.as_expression() {
            self.visit_expression(expression);
        }
    }

    fn field_initializer(&mut self, value: &Expression<'a>) {
        let saved = self.lexical;
        let at = value.span();
        let scope = self.push_scope(EnvKind::Function, at.start, at.end);
        self.in_function(scope, |w| w.visit_expression(value));
        self.lexical = saved;
    }

    fn lexical_scope(&mut self, kind: EnvKind, start: u32, end: u32, f: impl FnOnce(&mut Self)) {
        let saved = self.lexical;
        self.push_scope(kind, start, end);
        f(self);
        self.lexical = saved;
    }
}

impl<'a> Visit<'a> for Walker<'a> {
    fn visit_import_declaration(&mut self, declaration: &ImportDeclaration<'a>) {
        for (_, local) in runtime_imports(declaration) {
            self.declare(
                self.lexical,
                local.name.as_str(),
                DeclarationKind::Import,
                local.span,
            );
        }
    }

    fn visit_export_named_declaration(&mut self, declaration: &ExportNamedDeclaration<'a>) {
        if declaration.export_kind.is_type() {
            return;
        }
        for specifier in &declaration.specifiers {
            if !specifier.export_kind.is_type()
                && let ModuleExportName::IdentifierReference(local) = &specifier.local
            {
                self.visit_identifier_reference(local);
            }
        }
    }

    fn visit_export_from_declaration(&mut self, _declaration: &ExportFromDeclaration<'a>) {}

    fn visit_export_all_declaration(&mut self, _declaration: &ExportAllDeclaration<'a>) {}

    fn visit_identifier_reference(&mut self, id: &IdentifierReference<'a>) {
        let name = id.name.as_str();
        if matches!(name, "require" | "module" | "exports") {
            self.tables.node_refs.push((id.span.start, name));
        }
    }

    fn visit_call_expression(&mut self, call: &CallExpression<'a>) {
        // A direct eval resolves nothing differently (references around it are dynamic, but
        // keep their static binding), except that the `var`s of a string it runs are bound in
        // its function (`resolve.rs`, `eval_code.rs`).
        if let Expression::Identifier(callee) = call.callee.without_parentheses()
            && callee.name == "eval"
            && !call.optional
            && matches!(call.arguments.as_slice(), [Argument::StringLiteral(_)])
        {
            self.decline("a direct eval of a string");
        }
        walk::walk_call_expression(self, call);
    }

    fn visit_variable_declaration(&mut self, declaration: &VariableDeclaration<'a>) {
        let (scope, kind) = match declaration.kind {
            VariableDeclarationKind::Var => (self.var_scope, DeclarationKind::Var),
            VariableDeclarationKind::Let => (self.lexical, DeclarationKind::Let),
            VariableDeclarationKind::Const => (self.lexical, DeclarationKind::Const),
            VariableDeclarationKind::Using | VariableDeclarationKind::AwaitUsing => {
                (self.lexical, DeclarationKind::Using)
            }
        };
        for declarator in &declaration.declarations {
            self.declare_pattern(&declarator.id, scope, kind);
            if let Some(init) = &declarator.init {
                self.visit_expression(init);
            }
        }
    }

    fn visit_binding_identifier(&mut self, id: &BindingIdentifier<'a>) {
        if let Some((scope, kind)) = self.declaring {
            self.declare(scope, id.name.as_str(), kind, id.span);
        }
    }

    fn visit_assignment_pattern(&mut self, pattern: &AssignmentPattern<'a>) {
        self.visit_binding_pattern(&pattern.left);
        let saved = self.declaring.take();
        self.visit_expression(&pattern.right);
        self.declaring = saved;
    }

    fn visit_binding_property(&mut self, property: &BindingProperty<'a>) {
        if property.computed {
            let saved = self.declaring.take();
            self.computed_key(&property.key);
            self.declaring = saved;
        }
        self.visit_binding_pattern(&property.value);
    }

    fn visit_function(&mut self, func: &Function<'a>, _flags: ScopeFlags) {
        if func.body.is_none() || func.declare {
            return;
        }
        if func.r#type == FunctionType::FunctionDeclaration
            && let Some(id) = &func.id
        {
            if self.lexical == self.body_scope {
                self.declare(
                    self.var_scope,
                    id.name.as_str(),
                    DeclarationKind::Function,
                    id.span,
                );
            } else {
                self.declare(
                    self.lexical,
                    id.name.as_str(),
                    DeclarationKind::Function,
                    id.span,
                );
                if !self.strict && !func.r#async && !func.generator {
                    self.tables.annex_b.push(id.name.as_str());
                }
            }
        }
        self.function(func);
    }

    fn visit_arrow_function_expression(&mut self, arrow: &ArrowFunctionExpression<'a>) {
        let saved = self.lexical;
        let scope = self.push_scope(EnvKind::Function, arrow.span.start, arrow.span.end);
        let strict = self.strict;
        self.strict |= arrow.has_use_strict_directive();
        self.in_function(scope, |w| {
            w.params_and_body(scope, &arrow.params, arrow.body.span(), |w| {
                w.visit_arrow_function_body(&arrow.body)
            });
        });
        self.strict = strict;
        self.lexical = saved;
    }

    fn visit_class(&mut self, class: &Class<'a>) {
        if class.declare {
            return;
        }
        if class.r#type == ClassType::ClassDeclaration
            && let Some(id) = &class.id
        {
            self.declare(
                self.lexical,
                id.name.as_str(),
                DeclarationKind::Class,
                id.span,
            );
        }
        self.visit_decorators(&class.decorators);
        let saved = self.lexical;
        // Class code is strict.
        let strict = std::mem::replace(&mut self.strict, true);
        if let Some(id) = &class.id {
            // The class's own name, inside it; its decorators are outside.
            let scope = self.push_scope(EnvKind::Class, id.span.start, class.span.end);
            let listed = class.r#type == ClassType::ClassExpression;
            self.declare_listed(
                scope,
                id.name.as_str(),
                DeclarationKind::ClassName,
                id.span,
                listed,
            );
        }
        if let Some(heritage) = &class.heritage {
            self.visit_expression(&heritage.expression);
        }
        for element in &class.body.body {
            match element {
                ClassElement::MethodDefinition(method) => {
                    self.visit_decorators(&method.decorators);
                    self.computed_key(&method.key);
                    self.function(&method.value);
                }
                ClassElement::PropertyDefinition(property) => {
                    self.visit_decorators(&property.decorators);
                    self.computed_key(&property.key);
                    if let Some(value) = &property.value {
                        self.field_initializer(value);
                    }
                }
                ClassElement::AccessorProperty(property) => {
                    self.visit_decorators(&property.decorators);
                    self.computed_key(&property.key);
                    if let Some(value) = &property.value {
                        self.field_initializer(value);
                    }
                }
                ClassElement::StaticBlock(block) => {
                    let saved = self.lexical;
                    let scope =
                        self.push_scope(EnvKind::Function, block.span.start, block.span.end);
                    self.in_function(scope, |w| w.visit_statements(&block.body));
                    self.lexical = saved;
                }
                ClassElement::TSIndexSignature(_) => {}
            }
        }
        self.strict = strict;
        self.lexical = saved;
    }

    fn visit_block_statement(&mut self, block: &BlockStatement<'a>) {
        if declares_lexically(&block.body) {
            self.lexical_scope(EnvKind::Block, block.span.start, block.span.end, |w| {
                w.visit_statements(&block.body)
            });
        } else {
            self.visit_statements(&block.body);
        }
    }

    fn visit_switch_statement(&mut self, statement: &SwitchStatement<'a>) {
        self.visit_expression(&statement.discriminant);
        let declares = statement
            .cases
            .iter()
            .any(|case| declares_lexically(&case.consequent));
        let cases = |w: &mut Self| {
            for case in &statement.cases {
                w.visit_switch_case(case);
            }
        };
        if declares {
            // The discriminant is outside the cases' environment.
            let start = statement.discriminant.span().end;
            self.lexical_scope(EnvKind::Block, start, statement.span.end, cases);
        } else {
            cases(self);
        }
    }

    fn visit_catch_clause(&mut self, clause: &CatchClause<'a>) {
        match &clause.param {
            Some(param) => {
                let at = clause.span;
                self.lexical_scope(EnvKind::Catch, at.start, at.end, |w| {
                    let scope = w.lexical;
                    w.declare_pattern(&param.pattern, scope, DeclarationKind::CatchParameter);
                    w.visit_block_statement(&clause.body);
                });
            }
            None => self.visit_block_statement(&clause.body),
        }
    }

    fn visit_for_statement(&mut self, statement: &ForStatement<'a>) {
        let saved = self.lexical;
        if let Some(ForStatementInit::VariableDeclaration(declaration)) = &statement.init {
            if declaration.kind != VariableDeclarationKind::Var {
                let at = statement.span;
                self.push_scope(EnvKind::Block, at.start, at.end);
            }
            self.visit_variable_declaration(declaration);
        } else if let Some(init) = &statement.init {
            self.visit_for_statement_init(init);
        }
        if let Some(test) = &statement.test {
            self.visit_expression(test);
        }
        if let Some(update) = &statement.update {
            self.visit_expression(update);
        }
        self.visit_statement(&statement.body);
        self.lexical = saved;
    }

    fn visit_for_in_statement(&mut self, statement: &ForInStatement<'a>) {
        self.for_in_of(
            &statement.left,
            &statement.right,
            &statement.body,
            statement.span,
        );
    }

    fn visit_for_of_statement(&mut self, statement: &ForOfStatement<'a>) {
        self.for_in_of(
            &statement.left,
            &statement.right,
            &statement.body,
            statement.span,
        );
    }

    // ---- TypeScript, as the binder's `typescript.rs`. Types are not runtime references.

    super::binder::skip_types!();

    fn visit_ts_global_declaration(&mut self, it: &TSGlobalDeclaration<'a>) {
        self.tables.unwalked.push((it.span.start, it.span.end));
    }

    fn visit_ts_external_module_declaration(&mut self, it: &TSExternalModuleDeclaration<'a>) {
        self.tables.unwalked.push((it.span.start, it.span.end));
    }

    fn visit_ts_enum_declaration(&mut self, declaration: &TSEnumDeclaration<'a>) {
        let at = declaration.span;
        self.tables.unwalked.push((at.start, at.end));
        if declaration.declare {
            return;
        }
        let id = &declaration.id;
        self.declare(
            self.lexical,
            id.name.as_str(),
            DeclarationKind::Enum,
            id.span,
        );
    }

    fn visit_ts_namespace_declaration(&mut self, declaration: &TSNamespaceDeclaration<'a>) {
        let at = declaration.span;
        if declaration.declare {
            self.tables.unwalked.push((at.start, at.end));
            return;
        }
        let id = &declaration.id;
        self.declare(
            self.lexical,
            id.name.as_str(),
            DeclarationKind::Namespace,
            id.span,
        );
        let saved = self.lexical;
        let scope = self.push_scope(EnvKind::Function, at.start, at.end);
        self.in_function(scope, |w| match &declaration.body {
            TSNamespaceDeclarationBody::TSModuleBlock(block) => w.visit_statements(&block.body),
            TSNamespaceDeclarationBody::TSNamespaceDeclaration(inner) => {
                w.visit_ts_namespace_declaration(inner)
            }
        });
        self.lexical = saved;
    }

    fn visit_ts_import_equals_declaration(&mut self, declaration: &TSImportEqualsDeclaration<'a>) {
        if declaration.import_kind.is_type() {
            return;
        }
        let id = &declaration.id;
        self.declare(
            self.lexical,
            id.name.as_str(),
            DeclarationKind::Import,
            id.span,
        );
        if let Some(id) = module_reference_root(&declaration.module_reference) {
            self.visit_identifier_reference(id);
        }
    }
}

impl<'a> Walker<'a> {
    fn for_in_of(
        &mut self,
        left: &ForStatementLeft<'a>,
        right: &Expression<'a>,
        body: &Statement<'a>,
        at: oxc_span::Span,
    ) {
        let saved = self.lexical;
        match left {
            ForStatementLeft::VariableDeclaration(declaration) => {
                if declaration.kind != VariableDeclarationKind::Var {
                    self.push_scope(EnvKind::Block, at.start, at.end);
                }
                self.visit_variable_declaration(declaration);
            }
            target => {
                if let Some(target) = target.as_assignment_target() {
                    self.visit_assignment_target(target);
                }
            }
        }
        self.visit_expression(right);
        self.visit_statement(body);
        self.lexical = saved;
    }
}
