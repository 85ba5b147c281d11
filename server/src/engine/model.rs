//! The immutable model of one file: environments, bindings, references and captures.
//!
//! Everything here is owned plain data (no arena lifetimes, no LSP types) and every position is a
//! UTF-8 byte offset into the analysed text. Queries by offset are binary searches over lists that
//! the builder leaves sorted by start offset.

use std::fmt;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::text::LineIndex;

/// Index of an [`Environment`] in [`Analysis::environments`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EnvId(pub u32);
/// Index of a [`Binding`] in [`Analysis::bindings`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BindingId(pub u32);
/// Index of an interned name in [`Analysis::names`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NameId(pub u32);

/// A half-open byte range `[start, end)` of the analysed text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub const fn new(start: u32, end: u32) -> Self {
        Self { start, end }
    }
    /// True when `offset` touches the span, its end included (a cursor right after an identifier
    /// still belongs to it, as editors expect).
    pub fn touches(self, offset: u32) -> bool {
        self.start <= offset && offset <= self.end
    }
    pub fn contains_span(self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// How the top level of the file is evaluated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SourceKind {
    /// A classic script: top-level `var`/functions are global object properties.
    Script,
    /// An ES module: the top level is a module environment.
    Module,
    /// A CommonJS module: the top level is the body of Node's module wrapper function.
    CommonJs,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Script => "script",
            SourceKind::Module => "module",
            SourceKind::CommonJs => "commonjs",
        }
    }
}

/// The kinds of environment record scopelens models, named as in the ECMAScript spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EnvKind {
    /// The global object record: top-level `var`/functions of a classic script, implicit globals.
    Global,
    /// The declarative part of the global environment: top-level `let`/`const`/`class` of a script.
    Script,
    /// An ES module's top level.
    Module,
    /// A function's environment: parameters, `var`s, inner function declarations, `arguments`.
    Function,
    /// The separate `var` environment of a function whose parameters contain expressions.
    FunctionBody,
    /// A block, a `for` head (per-iteration copies), or a `switch` case block.
    Block,
    /// A `catch` clause's parameter.
    Catch,
    /// A class's own name inside its body, and its private names.
    Class,
    /// A named function expression's own name.
    FunctionName,
    /// A `with` statement's object environment: resolution through it is dynamic.
    With,
    /// The code run by a direct `eval(...)`: unknown statically, it sees every binding around it.
    Eval,
}

impl EnvKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EnvKind::Global => "global",
            EnvKind::Script => "script",
            EnvKind::Module => "module",
            EnvKind::Function => "function",
            EnvKind::FunctionBody => "function-body",
            EnvKind::Block => "block",
            EnvKind::Catch => "catch",
            EnvKind::Class => "class",
            EnvKind::FunctionName => "function-name",
            EnvKind::With => "with",
            EnvKind::Eval => "eval",
        }
    }
}

impl fmt::Display for EnvKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What kind of function owns a [`EnvKind::Function`] environment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FunctionFlavor {
    /// `function` declarations and expressions, methods, getters, setters, constructors.
    Function,
    /// Arrow functions: no own `this` or `arguments`.
    Arrow,
    /// A class field initializer, evaluated as a method of the class.
    FieldInitializer,
    /// A class `static { }` block.
    StaticBlock,
    /// Node's CommonJS module wrapper around the whole file.
    CommonJsWrapper,
    /// A TypeScript `namespace` body (compiled to a function).
    Namespace,
}

/// The syntactic form that created a binding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DeclarationKind {
    Var,
    Let,
    Const,
    Using,
    Function,
    /// The `var`-scoped copy of a function declared in a block (Annex B.3.3, sloppy code).
    AnnexBFunction,
    Class,
    Parameter,
    CatchParameter,
    Import,
    /// The implicit `arguments` object of a non-arrow function.
    Arguments,
    /// A named function expression's binding of its own name.
    FunctionName,
    /// A class's binding of its own name inside its body.
    ClassName,
    /// A `#private` name of a class.
    PrivateName,
    /// A global created by assigning to an undeclared name in sloppy code.
    ImplicitGlobal,
    /// A parameter of the CommonJS module wrapper (`require`, `module`, `exports`, …).
    CommonJsParameter,
    Enum,
    Namespace,
}

impl DeclarationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DeclarationKind::Var => "var",
            DeclarationKind::Let => "let",
            DeclarationKind::Const => "const",
            DeclarationKind::Using => "using",
            DeclarationKind::Function => "function",
            DeclarationKind::AnnexBFunction => "function (Annex B var)",
            DeclarationKind::Class => "class",
            DeclarationKind::Parameter => "parameter",
            DeclarationKind::CatchParameter => "catch parameter",
            DeclarationKind::Import => "import",
            DeclarationKind::Arguments => "arguments",
            DeclarationKind::FunctionName => "function name",
            DeclarationKind::ClassName => "class name",
            DeclarationKind::PrivateName => "private name",
            DeclarationKind::ImplicitGlobal => "implicit global",
            DeclarationKind::CommonJsParameter => "module wrapper parameter",
            DeclarationKind::Enum => "enum",
            DeclarationKind::Namespace => "namespace",
        }
    }
}

impl fmt::Display for DeclarationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an environment belongs to, as data. The presentation names it (`skulk`, `Foo.bar`,
/// `<arrow at 12:5>`), placing unnamed code with the line index (`ide::describe::owner`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Owner {
    /// The global environment (`globalThis`).
    Global,
    /// A classic script's declarative record (`script`).
    Script,
    /// An ES module's top level (`module`).
    Module,
    /// Node's CommonJS module wrapper around the whole file.
    CommonJsWrapper,
    /// Code with a name, given or inferred as NamedEvaluation does: `skulk`, `f` of
    /// `const f = () => …`, `a.b` of `a.b = function () {}`, `default` of `export default`.
    Named(String),
    /// A method, accessor or field initializer of a class: `Foo.bar`.
    Member { class: Arc<Owner>, key: String },
    /// A class's `static { }` block.
    StaticBlock { class: Arc<Owner> },
    /// A TypeScript `namespace` body.
    Namespace(String),
    /// Code without a name: what it is and the offset where it starts.
    Anonymous { what: Construct, start: u32 },
    /// An unnamed function or arrow written as a call's argument (`to`: the callee as written,
    /// `handlers.push`, `forEach`) or called where it is written (`to` is `None`: an IIFE).
    Callback {
        what: Construct,
        to: Option<Box<str>>,
        start: u32,
    },
}

/// The syntax that creates an environment without naming it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Construct {
    Function,
    Arrow,
    Class,
    Block,
    /// The blocks of `if`/`else`, `try`/`finally` and a loop's body.
    IfBlock,
    ElseBlock,
    TryBlock,
    FinallyBlock,
    LoopBody,
    ForLoop,
    ForInLoop,
    ForOfLoop,
    Switch,
    Catch,
    With,
    /// A direct `eval(...)` call.
    Eval,
}

impl Construct {
    pub fn as_str(self) -> &'static str {
        match self {
            Construct::Function => "function",
            Construct::Arrow => "arrow",
            Construct::Class => "class",
            Construct::Block => "block",
            Construct::IfBlock => "if block",
            Construct::ElseBlock => "else block",
            Construct::TryBlock => "try block",
            Construct::FinallyBlock => "finally block",
            Construct::LoopBody => "loop body",
            Construct::ForLoop => "for loop",
            Construct::ForInLoop => "for-in loop",
            Construct::ForOfLoop => "for-of loop",
            Construct::Switch => "switch",
            Construct::Catch => "catch",
            Construct::With => "with",
            Construct::Eval => "eval",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Environment {
    pub kind: EnvKind,
    pub owner: Owner,
    pub parent: Option<EnvId>,
    pub span: Span,
    /// For function-like environments, what made them; `None` for the others.
    pub function: Option<FunctionFlavor>,
    /// Code in this environment is strict mode code.
    pub strict: bool,
    /// A `for (let …)` head: each iteration gets a fresh copy of this environment.
    pub per_iteration: bool,
    /// A sloppy direct `eval` in this function can add `var`s to it at run time.
    pub has_sloppy_eval: bool,
    /// Bindings declared here, in declaration order.
    pub bindings: Vec<BindingId>,
    /// For closures (function-like environments), `eval` and `with` environments: the outer
    /// bindings they keep alive, in first-use order.
    pub captures: Vec<BindingId>,
    /// For closures: a direct `eval` inside (here or in a nested closure) can read every binding
    /// it sees, so this closure uses all of them.
    pub contains_direct_eval: bool,
}

impl Environment {
    /// Function-like environments are the closures: they keep their outer environment alive.
    pub fn is_closure(&self) -> bool {
        self.function.is_some()
    }
}

#[derive(Clone, Debug)]
pub struct Binding {
    pub name: NameId,
    pub declaration: DeclarationKind,
    pub environment: EnvId,
    /// The declaring identifier; empty for implicit bindings (`arguments`, wrapper parameters).
    pub span: Span,
    /// Closures that capture this binding, outermost first; also the `eval` environments of
    /// direct evals that can see it and the `with` environments it is looked up through (both
    /// keep it alive by name at run time).
    pub captured_by: Vec<EnvId>,
    /// Assigned somewhere after its declaration (so closures may see it change).
    pub mutated: bool,
    /// Declared with `var` in a `for` head: one binding shared by every iteration's closures.
    pub shared_across_iterations: bool,
    /// V8 keeps it in a heap context (a context slot, a script-context slot or a module cell)
    /// rather than on the stack: see [`super::retention`].
    pub context_allocated: bool,
}

/// Where an identifier's text is also a property, import or export name (or a JSX tag name), so
/// a rename must keep that name: `{ a }` becomes `{ a: b }`, `export { a }` becomes
/// `export { b as a }`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum NameRole {
    #[default]
    Plain,
    /// `{ a }` or `{ a = 1 }` in an object literal, a binding pattern or an assignment pattern:
    /// the identifier is the property key too.
    ShorthandProperty,
    /// `import { a }` (no `as`): the local name is the imported name too.
    ImportSpecifier,
    /// `export { a }` (no `as`): the local name is the exported name too.
    ExportSpecifier,
    /// `export function a`, `export const a`, `export class A`: the binding's name is the
    /// module's export name.
    ExportedDeclaration,
    /// `<Foo>` / `</Foo>`: a JSX tag name (a lowercase name there means an intrinsic element).
    JsxTag,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReferenceFlags {
    pub read: bool,
    pub write: bool,
}

#[derive(Clone, Debug)]
pub struct Reference {
    pub name: NameId,
    pub span: Span,
    /// The innermost environment at the reference.
    pub environment: EnvId,
    /// The binding it resolves to; `None` when no environment of this file declares the name.
    pub binding: Option<BindingId>,
    /// Environments walked outward from `environment` to the binding's (or to the global one).
    pub hops: u32,
    pub flags: ReferenceFlags,
    /// The binding lives outside the innermost function containing the reference, and not in the
    /// global or script environment.
    pub captured: bool,
    /// `with` or a sloppy direct `eval` can change the answer at run time.
    pub dynamic: bool,
    /// The operand of `typeof`: reading it when unresolved gives `"undefined"`, not an error.
    pub typeof_operand: bool,
    /// Whether the identifier's text is also a property or export name (`{ a }`, `export { a }`).
    pub role: NameRole,
}

/// One identifier that declares a binding (a binding can have several, e.g. `var x; var x;`).
#[derive(Clone, Copy, Debug)]
pub struct Declaration {
    pub span: Span,
    pub binding: BindingId,
    /// Whether the identifier's text is also a property, import or export name.
    pub role: NameRole,
}

/// A syntax error reported by the parser, with its message and primary span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub span: Span,
}

/// Why parts of the file have no answers.
#[derive(Clone, Debug, Default)]
pub struct Degradation {
    /// Regions blanked out so the rest of the file could be parsed.
    pub blanked: Vec<Span>,
    /// Set when nothing could be parsed: too deeply nested, or unrecoverable syntax errors.
    pub unanalysed: Option<String>,
}

/// The interned names, back to back in one string: two allocations however many names there are.
#[derive(Debug, Default)]
pub struct Names {
    text: String,
    /// Per id: where its name ends in `text` (it starts where the previous one ends).
    ends: Vec<u32>,
}

impl Names {
    pub(crate) fn with_capacity(names: usize) -> Self {
        Self {
            text: String::with_capacity(names * 8),
            ends: Vec::with_capacity(names),
        }
    }

    pub fn get(&self, id: NameId) -> &str {
        let i = id.0 as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.ends.len() as u32).map(|i| self.get(NameId(i)))
    }

    pub(crate) fn push(&mut self, name: &str) -> NameId {
        let id = NameId(self.ends.len() as u32);
        self.text.push_str(name);
        self.ends.push(self.text.len() as u32);
        id
    }

    pub(crate) fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
    }
}

/// Name → [`NameId`] without a second copy of each name: ids are found by the name's hash and
/// confirmed against [`Analysis::names`]; the rare names that share a hash are chained.
#[derive(Debug, Default)]
pub(crate) struct NameIds {
    first_by_hash: FxHashMap<u64, NameId>,
    /// Per id: the next id whose name has the same hash.
    next_same_hash: Vec<Option<NameId>>,
}

impl NameIds {
    pub(crate) fn with_capacity(n: usize) -> Self {
        Self {
            first_by_hash: FxHashMap::with_capacity_and_hasher(n, Default::default()),
            next_same_hash: Vec::with_capacity(n),
        }
    }

    pub(crate) fn hash(name: &str) -> u64 {
        use std::hash::BuildHasher;
        rustc_hash::FxBuildHasher.hash_one(name)
    }

    /// The id of `name` (whose hash is `hash`), `names` being the interned names.
    pub(crate) fn get(&self, names: &Names, name: &str, hash: u64) -> Option<NameId> {
        let mut candidate = self.first_by_hash.get(&hash).copied();
        while let Some(id) = candidate {
            if names.get(id) == name {
                return Some(id);
            }
            candidate = self.next_same_hash[id.0 as usize];
        }
        None
    }

    /// Records that the next id, `id`, is a name with this hash.
    pub(crate) fn insert(&mut self, hash: u64, id: NameId) {
        debug_assert_eq!(id.0 as usize, self.next_same_hash.len());
        let previous = self.first_by_hash.insert(hash, id);
        self.next_same_hash.push(previous);
    }
}

/// Spans of the syntax that environments and bindings do not hold, kept for hovers on a
/// function's keyword and for the pitfall diagnostics (`ide::pitfalls`). Each list is sorted by
/// start offset.
#[derive(Debug, Default)]
pub struct SyntaxFacts {
    /// The `function` keyword or the `=>` of each function and arrow, with its environment.
    pub closure_heads: Vec<(Span, EnvId)>,
    /// A `let`/`const`/`class` declaration's bound pattern (or name), or a parameter of a list
    /// with expressions, and the offset at which its bindings are initialized (the end of the
    /// declarator, class or parameter): a use before that offset in the same function is in
    /// the binding's temporal dead zone.
    pub initializations: Vec<(Span, u32)>,
    /// `for` / `for-in` / `for-of` loops whose head declares `var`s.
    pub var_loops: Vec<VarLoop>,
    /// `switch` statements, for uses of a case's lexical declarations from a later case.
    pub switches: Vec<SwitchFacts>,
    /// Starts of the identifiers assigned by an expression statement `x = …;` (so `var ` can be
    /// written in front of them).
    pub statement_assignments: Vec<u32>,
    /// Inside loops (`super::loop_facts`): every loop, how each closure made there is used, the
    /// `var` statements of loop bodies, and the identifiers called there.
    pub loops: LoopFacts,
    /// `scopelens-ignore…` comments: which diagnostics the user turned off, and where.
    pub suppressions: Vec<Suppression>,
}

/// What the pitfall `loop-var-capture` needs of the syntax inside loops; each list sorted by start.
#[derive(Debug, Default)]
pub struct LoopFacts {
    /// Every `for`, `for-in`, `for-of`, `while` and `do-while` loop: (whole, body).
    pub loops: Vec<(Span, Span)>,
    /// Closures (functions, arrows, methods) made inside a loop, by the start of their span (the
    /// span of their function environment), with what is done with them.
    pub closures: Vec<(u32, ClosureUse)>,
    /// `var` statements inside loop bodies.
    pub var_statements: Vec<LoopVarStatement>,
    /// Identifiers (by start) handed on inside loops as a closure would be: `setTimeout(f)`,
    /// `list.push(f)`, `o.x = f`, `a.forEach(f)`.
    pub handed: Vec<(u32, ClosureUse)>,
}

/// What the code around a closure does with it, as far as the syntax says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClosureUse {
    /// Called where it is made: `(function () {…})()`, `(() => …).call(this)`.
    CalledAtOnce,
    /// Passed to a callee that calls it back before returning: `forEach`, `map`, `new Promise`, …
    CalledBack(String),
    /// Bound to a name (`function f`, `var f = …`): how that name is used decides (see
    /// [`LoopFacts::handed`]). The start of the name.
    Named(u32),
    /// Handed to what runs it later: a timer, an event listener, a promise reaction (the callee).
    Deferred(String),
    /// Kept for later: pushed or added to a collection, assigned to a property, defined as an
    /// accessor (the callee, or `=` for an assignment).
    Stored(String),
}

#[derive(Clone, Debug)]
pub struct LoopVarStatement {
    pub statement: Span,
    /// The `var` keyword.
    pub keyword: Span,
    /// A direct child of a loop body's block (so `let` there is scoped to one iteration).
    pub in_body_block: bool,
    /// Each declarator's pattern, and whether it has an initializer.
    pub declarators: Vec<(Span, bool)>,
}

/// A `// scopelens-ignore-next-line code…` (the line after the comment) or
/// `// scopelens-ignore-file code…` (the whole file) comment. No codes: every code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    /// The comment itself.
    pub comment: Span,
    pub whole_file: bool,
    pub codes: Vec<String>,
}

#[derive(Clone, Copy, Debug)]
pub struct VarLoop {
    pub whole: Span,
    /// The `var` keyword of the head.
    pub keyword: Span,
    /// The head's declarations.
    pub head: Span,
    pub body: Span,
    /// A `for-in` / `for-of` loop: the loop assigns the head's variable every iteration.
    pub in_of: bool,
}

#[derive(Clone, Debug)]
pub struct SwitchFacts {
    pub whole: Span,
    /// Each case clause, and whether its statements end in `break`, `continue`, `return` or
    /// `throw` (so the next case cannot be reached by falling through it).
    pub cases: Vec<(Span, bool)>,
}

/// The analysis of one text: immutable once built, cheap to share behind an `Arc`.
#[derive(Debug)]
pub struct Analysis {
    pub source_kind: SourceKind,
    /// Environments in preorder: a parent precedes its children, siblings by start offset.
    pub environments: Vec<Environment>,
    pub bindings: Vec<Binding>,
    /// Sorted by start offset.
    pub references: Vec<Reference>,
    /// Sorted by start offset.
    pub declarations: Vec<Declaration>,
    pub names: Names,
    pub(crate) name_ids: NameIds,
    pub syntax_errors: Vec<SyntaxError>,
    pub degradation: Degradation,
    /// Shared with the caller when it passed one in ([`super::Input::line_index`]).
    pub line_index: Arc<LineIndex>,
    /// `(environment, name) → binding`, the lookup every resolution step makes.
    pub(crate) table: FxHashMap<(EnvId, NameId), BindingId>,
    /// Environment ids sorted by (start, depth) for offset lookups.
    pub(crate) env_by_start: Vec<EnvId>,
    /// Imports, exports, `require` calls and `module.exports` assignments.
    pub module: ModuleRecord,
    pub facts: SyntaxFacts,
}

/// What a module asks for: the specifier of an `import`, `export … from` or `require(…)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleRequest {
    pub specifier: String,
    /// The string literal, quotes included.
    pub span: Span,
    /// `require(…)` (resolved with the `require` condition) or ESM (`import`).
    pub kind: RequestKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RequestKind {
    Import,
    Require,
}

/// Index of a [`ModuleRequest`] in [`ModuleRecord::requests`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RequestId(pub u32);

/// The name an import asks the other module for (§16.2.1.6 ImportEntry's \[\[ImportName\]\]).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ImportName {
    /// `import x from`: the other module's `default` export (a CommonJS module's
    /// `module.exports`).
    Default,
    /// `import { a }`, `const { a } = require(…)`, `require(…).a`.
    Named(String),
    /// `import * as ns`, `const lib = require(…)`: the whole module (namespace object or
    /// `module.exports`).
    Namespace,
}

impl ImportName {
    /// As the spec writes it: `default`, the name, or `*`.
    pub fn as_str(&self) -> &str {
        match self {
            ImportName::Default => "default",
            ImportName::Named(name) => name,
            ImportName::Namespace => "*",
        }
    }
}

/// An import binding: a binding of this module bound to a name of another module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportEntry {
    pub request: RequestId,
    pub imported: ImportName,
    pub binding: BindingId,
    /// Where the imported name is written when it is not the local identifier itself
    /// (`import { a as b }`, `const { a: b } = require(…)`): `a`.
    pub name_span: Option<Span>,
}

/// What an exported name stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExportTarget {
    /// A binding of this module (`export function f`, `export { a as b }`, `exports.a = a`).
    Local(BindingId),
    /// A value without a binding of its own (`export default 1 + 2`, `exports.a = () => …`):
    /// where it is made.
    Value(Span),
    /// `export { a as b } from './m'`, `export * as ns from './m'`: a name of another module.
    ReExport {
        request: RequestId,
        name: ImportName,
    },
}

/// One exported name (§16.2.1.6 ExportEntry), or for CommonJS one property of `module.exports`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportEntry {
    /// The exported name; [`COMMONJS_EXPORTS`] for a CommonJS module's whole `module.exports`.
    pub name: String,
    /// Where the name is exported (the exported identifier, `default`, or the assigned property).
    pub span: Span,
    pub target: ExportTarget,
    /// For `export { a as b } from './m'`, where the re-exported name `a` is written, when it is
    /// not the exported identifier itself.
    pub local_span: Option<Span>,
}

/// The export name a CommonJS module's whole `module.exports = …` is recorded under.
pub const COMMONJS_EXPORTS: &str = "module.exports";

/// `ns.x` on a namespace import, `lib.a` on a required module, `require('./m').a`: a property
/// read that names an export of another module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleMember {
    /// The property name.
    pub span: Span,
    pub name: String,
    pub request: RequestId,
    /// The import binding read (`ns`, `lib`); `None` for `require('./m').a`.
    pub via: Option<BindingId>,
}

/// A module's links to other modules, per file (§16.2.1.6 Source Text Module Records, and what
/// Node's CommonJS loader does with `require` and `module.exports`). Plain data; resolving
/// specifiers to files and following exports across files is the workspace's job.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleRecord {
    pub requests: Vec<ModuleRequest>,
    /// Sorted by binding.
    pub imports: Vec<ImportEntry>,
    pub exports: Vec<ExportEntry>,
    /// `export * from './m'`.
    pub star_exports: Vec<RequestId>,
    /// Sorted by start offset.
    pub members: Vec<ModuleMember>,
    /// `import(…)` expressions, in source order.
    pub dynamic_imports: Vec<DynamicLoad>,
    /// `require(…)` calls whose specifier is not a string literal but looks like a path of this
    /// project (`require('./plugins/' + name)`, `require(path.join(__dirname, …))`).
    pub dynamic_requires: Vec<DynamicLoad>,
    /// `require('./m')` calls whose result is used whole: passed on, re-exported
    /// (`module.exports = require('./m')`), stored anywhere but a plain `const x = …` (neither
    /// bound to a name nor read for one property, nor a statement of its own).
    pub whole_requires: Vec<RequestId>,
    /// CommonJS: `exports.x` and `module.exports.x` read or written in this module (the
    /// property), sorted by start offset. The writes are also export entries.
    pub self_members: Vec<SelfMember>,
    /// CommonJS: where this module's `exports` object is first used as a whole (passed, spread,
    /// indexed by a computed key, `Object.keys(module.exports)`): its property names are then
    /// read where they cannot be followed.
    pub exports_escape: Option<Span>,
}

/// An `import(…)` (or a `require(…)` of a computed path): `request` when its specifier is a
/// string literal, else `None` (it may load any module).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DynamicLoad {
    /// The whole call.
    pub span: Span,
    pub request: Option<RequestId>,
}

/// `exports.x` / `module.exports.x` in a CommonJS module: the property.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SelfMember {
    pub span: Span,
    pub name: String,
}

impl ModuleRecord {
    pub fn request(&self, id: RequestId) -> &ModuleRequest {
        &self.requests[id.0 as usize]
    }

    /// The import entry of an import binding.
    pub fn import_of(&self, binding: BindingId) -> Option<&ImportEntry> {
        let i = self
            .imports
            .binary_search_by_key(&binding, |e| e.binding)
            .ok()?;
        Some(&self.imports[i])
    }

    /// The exports named `name` (one, unless the file is odd).
    pub fn export_named(&self, name: &str) -> Option<&ExportEntry> {
        self.exports.iter().find(|e| e.name == name)
    }

    /// The module member whose property touches `offset`.
    pub fn member_at(&self, offset: u32) -> Option<&ModuleMember> {
        let end = self.members.partition_point(|m| m.span.start <= offset);
        self.members[..end]
            .iter()
            .rev()
            .take(1)
            .find(|m| m.span.touches(offset))
    }

    /// The export entry whose exported name (or, for `export { a as b } from`, re-exported name)
    /// touches `offset`.
    pub fn export_at(&self, offset: u32) -> Option<&ExportEntry> {
        self.exports
            .iter()
            .find(|e| e.span.touches(offset) || e.local_span.is_some_and(|s| s.touches(offset)))
    }

    /// The `exports.x` / `module.exports.x` property touching `offset`.
    pub fn self_member_at(&self, offset: u32) -> Option<&SelfMember> {
        let end = self
            .self_members
            .partition_point(|m| m.span.start <= offset);
        self.self_members[..end]
            .iter()
            .rev()
            .take(1)
            .find(|m| m.span.touches(offset))
    }

    /// The request whose specifier string touches `offset`.
    pub fn request_at(&self, offset: u32) -> Option<RequestId> {
        self.requests
            .iter()
            .position(|r| r.span.touches(offset))
            .map(|i| RequestId(i as u32))
    }
}
