//! Semantic tokens: one per identifier that declares or uses a binding, typed by how the binding
//! was declared, with modifiers for what the model knows (captured uses, mutated captures,
//! globals, dynamic lookups) and the depth of the declaring environment for context colouring.

use crate::engine::{
    Analysis, Binding, DeclarationKind, EnvId, EnvKind, FunctionFlavor, Reference, Span,
    is_known_global,
};

/// Token types, all from LSP's standard set. [`TokenType::index`] is the position in
/// [`TOKEN_TYPES`], the legend a server announces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenType {
    Variable,
    Parameter,
    Function,
    Class,
    Namespace,
    Enum,
    /// A class's `#private` name.
    Property,
}

/// The token type legend, in [`TokenType::index`] order.
pub const TOKEN_TYPES: &[&str] = &[
    "variable",
    "parameter",
    "function",
    "class",
    "namespace",
    "enum",
    "property",
];

impl TokenType {
    pub fn as_str(self) -> &'static str {
        TOKEN_TYPES[self.index() as usize]
    }
    pub fn index(self) -> u32 {
        self as u32
    }
}

/// A set of token modifiers, bit `i` being [`TOKEN_MODIFIERS`]`[i]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct TokenModifiers(pub u32);

/// The token modifier legend, in bit order: LSP's standard modifiers, then scopelens's own.
pub const TOKEN_MODIFIERS: &[&str] = &[
    "declaration",
    "readonly",
    "defaultLibrary",
    "captured",
    "mutated",
    "global",
    "dynamic",
    "depth0",
    "depth1",
    "depth2",
    "depth3",
    "depth4",
    "depth5",
];

/// Depths beyond this share its colour.
pub const MAX_DEPTH: u32 = 5;

impl TokenModifiers {
    /// The identifier declares the binding.
    pub const DECLARATION: Self = Self(1 << 0);
    /// `const`, `using`, imports, and the immutable own names of classes and function expressions.
    pub const READONLY: Self = Self(1 << 1);
    /// A host global the file does not declare (`console`, `Array`).
    pub const DEFAULT_LIBRARY: Self = Self(1 << 2);
    /// A use of a binding owned by an outer function's environment ([`Reference::captured`]).
    pub const CAPTURED: Self = Self(1 << 3);
    /// A binding that closures capture and that is assigned after its declaration.
    pub const MUTATED: Self = Self(1 << 4);
    /// In the global or script environment, or undeclared.
    pub const GLOBAL: Self = Self(1 << 5);
    /// Resolved at run time: through `with` or a sloppy direct `eval`.
    pub const DYNAMIC: Self = Self(1 << 6);
    const DEPTH_SHIFT: u32 = 7;

    /// The modifier for a declaring environment `depth` functions deep (capped at [`MAX_DEPTH`]).
    pub const fn depth(depth: u32) -> Self {
        let d = if depth > MAX_DEPTH { MAX_DEPTH } else { depth };
        Self(1 << (Self::DEPTH_SHIFT + d))
    }

    pub const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    /// The depth this set carries.
    pub fn depth_of(self) -> Option<u32> {
        (0..=MAX_DEPTH).find(|&d| self.contains(Self::depth(d)))
    }

    /// Names of the modifiers in the set, in legend order.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        TOKEN_MODIFIERS
            .iter()
            .enumerate()
            .filter(move |(i, _)| self.0 & (1 << i) != 0)
            .map(|(_, name)| *name)
    }
}

impl std::ops::BitOr for TokenModifiers {
    type Output = Self;
    fn bitor(self, rhs: Self) -> Self {
        Self(self.0 | rhs.0)
    }
}

impl std::ops::BitOrAssign for TokenModifiers {
    fn bitor_assign(&mut self, rhs: Self) {
        self.0 |= rhs.0;
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SemanticToken {
    pub span: Span,
    pub token_type: TokenType,
    pub modifiers: TokenModifiers,
}

fn token_type(kind: DeclarationKind) -> TokenType {
    use DeclarationKind::*;
    match kind {
        Var | Let | Const | Using | Import | Arguments | ImplicitGlobal => TokenType::Variable,
        Parameter | CatchParameter | CommonJsParameter => TokenType::Parameter,
        Function | AnnexBFunction | FunctionName => TokenType::Function,
        Class | ClassName => TokenType::Class,
        PrivateName => TokenType::Property,
        Enum => TokenType::Enum,
        Namespace => TokenType::Namespace,
    }
}

fn binding_modifiers(analysis: &Analysis, b: &Binding) -> TokenModifiers {
    use DeclarationKind::*;
    let mut m = TokenModifiers::default();
    if matches!(
        b.declaration,
        Const | Using | Import | ClassName | FunctionName
    ) {
        m |= TokenModifiers::READONLY;
    }
    if matches!(b.declaration, CommonJsParameter) {
        m |= TokenModifiers::DEFAULT_LIBRARY;
    }
    if b.mutated && !b.captured_by.is_empty() {
        m |= TokenModifiers::MUTATED;
    }
    if matches!(
        analysis.env(b.environment).kind,
        EnvKind::Global | EnvKind::Script
    ) {
        m |= TokenModifiers::GLOBAL;
    }
    m
}

/// Does this environment add a level of context colouring? Functions do, except Node's module
/// wrapper (so a file's top level is depth 0 whatever its kind).
fn deepens(analysis: &Analysis, env: EnvId) -> bool {
    let e = analysis.env(env);
    e.is_closure() && e.function != Some(FunctionFlavor::CommonJsWrapper)
}

/// The depth of `env` in function-like environments, capped at [`MAX_DEPTH`].
fn depth(analysis: &Analysis, env: EnvId) -> u32 {
    let mut d = 0;
    for e in analysis.chain(env) {
        if deepens(analysis, e) {
            d += 1;
            if d >= MAX_DEPTH {
                break;
            }
        }
    }
    d
}

/// Per-token facts that do not depend on the token: precomputed for the whole file, or looked
/// up one by one for a range.
trait Facts {
    fn env_depth(&mut self, analysis: &Analysis, env: EnvId) -> u32;
    fn known_global(&mut self, analysis: &Analysis, r: &Reference) -> bool;
}

/// For a range: walk the chain for each token.
struct Lazy;

impl Facts for Lazy {
    fn env_depth(&mut self, analysis: &Analysis, env: EnvId) -> u32 {
        depth(analysis, env)
    }
    fn known_global(&mut self, analysis: &Analysis, r: &Reference) -> bool {
        is_known_global(analysis.name(r.name))
    }
}

/// For the whole file: every environment's depth in one pass (a parent precedes its children),
/// and each undeclared name checked against the host globals once.
struct Precomputed {
    depths: Vec<u8>,
    /// Per name: 0 unknown yet, 1 not a host global, 2 a host global.
    globals: Vec<u8>,
}

impl Precomputed {
    fn new(analysis: &Analysis) -> Self {
        let mut depths = vec![0u8; analysis.environments.len()];
        for env in analysis.env_ids() {
            let parent = analysis.env(env).parent.map_or(0, |p| depths[p.0 as usize]);
            let own = u8::from(deepens(analysis, env));
            depths[env.0 as usize] = (parent + own).min(MAX_DEPTH as u8);
        }
        Self {
            depths,
            globals: vec![0; analysis.names.len()],
        }
    }
}

impl Facts for Precomputed {
    fn env_depth(&mut self, _analysis: &Analysis, env: EnvId) -> u32 {
        u32::from(self.depths[env.0 as usize])
    }
    fn known_global(&mut self, analysis: &Analysis, r: &Reference) -> bool {
        let slot = &mut self.globals[r.name.0 as usize];
        if *slot == 0 {
            *slot = if is_known_global(analysis.name(r.name)) {
                2
            } else {
                1
            };
        }
        *slot == 2
    }
}

fn reference_token(analysis: &Analysis, r: &Reference, facts: &mut impl Facts) -> SemanticToken {
    let (token_type, mut modifiers) = match r.binding {
        Some(binding) => {
            let b = analysis.binding(binding);
            let depth = facts.env_depth(analysis, b.environment);
            (
                token_type(b.declaration),
                binding_modifiers(analysis, b) | TokenModifiers::depth(depth),
            )
        }
        None => {
            let mut m = TokenModifiers::GLOBAL | TokenModifiers::depth(0);
            if facts.known_global(analysis, r) {
                m |= TokenModifiers::DEFAULT_LIBRARY;
            }
            let private = analysis.name(r.name).starts_with('#');
            let kind = if private {
                TokenType::Property
            } else {
                TokenType::Variable
            };
            (kind, m)
        }
    };
    if r.captured {
        modifiers |= TokenModifiers::CAPTURED;
    }
    if r.dynamic {
        modifiers |= TokenModifiers::DYNAMIC;
    }
    SemanticToken {
        span: r.span,
        token_type,
        modifiers,
    }
}

fn declaration_token(
    analysis: &Analysis,
    d: &crate::engine::Declaration,
    facts: &mut impl Facts,
) -> SemanticToken {
    let b = analysis.binding(d.binding);
    let depth = facts.env_depth(analysis, b.environment);
    SemanticToken {
        span: d.span,
        token_type: token_type(b.declaration),
        modifiers: binding_modifiers(analysis, b)
            | TokenModifiers::DECLARATION
            | TokenModifiers::depth(depth),
    }
}

/// Merges the two sorted lists into tokens in source order (a declaration first when both start
/// at one offset; the other is dropped: tokens may not overlap).
fn merge(
    analysis: &Analysis,
    references: &[Reference],
    declarations: &[crate::engine::Declaration],
    facts: &mut impl Facts,
) -> Vec<SemanticToken> {
    let mut out = Vec::with_capacity(references.len() + declarations.len());
    let (mut i, mut j) = (0, 0);
    let mut last_start = None;
    while i < references.len() || j < declarations.len() {
        let take_declaration = match (references.get(i), declarations.get(j)) {
            (Some(r), Some(d)) => d.span.start <= r.span.start,
            (None, Some(_)) => true,
            _ => false,
        };
        let token = if take_declaration {
            j += 1;
            declaration_token(analysis, &declarations[j - 1], facts)
        } else {
            i += 1;
            reference_token(analysis, &references[i - 1], facts)
        };
        if last_start == Some(token.span.start) {
            continue;
        }
        last_start = Some(token.span.start);
        out.push(token);
    }
    out
}

/// Tokens for the whole file, in source order. O(n), one pass over references and
/// declarations.
pub fn semantic_tokens(analysis: &Analysis) -> Vec<SemanticToken> {
    let mut facts = Precomputed::new(analysis);
    merge(
        analysis,
        &analysis.references,
        &analysis.declarations,
        &mut facts,
    )
}

/// Tokens that start in `range`, in source order. O(log n + answer).
pub fn semantic_tokens_in(analysis: &Analysis, range: Span) -> Vec<SemanticToken> {
    merge(
        analysis,
        analysis.references_in(range),
        super::references::declarations_in(analysis, range),
        &mut Lazy,
    )
}
