//! Scope-safe rename: edits every occurrence [`references`](super::references) finds, and
//! refuses when the new name would change what any identifier resolves to.
//!
//! Occurrences whose text is also a property or export name keep that name: `{ a }` becomes
//! `{ a: b }`, `{ a = 1 }` becomes `{ a: b = 1 }`, `import { a }` becomes `import { a as b }`,
//! `export { a }` becomes `export { b as a }`. A binding exported by its declaration
//! (`export const a`) is refused: its name is the module's export name, and renaming across
//! files is not supported yet.
//!
//! Refused, with the reason:
//! - the new name is not an identifier, or is a reserved word (strict-mode ones in strict code;
//!   `let`, `await`, `yield` and `arguments` everywhere; `eval` in strict code);
//! - a binding of the new name lies on the path from a use (or a declaration) to the renamed
//!   binding's environment: the use would find that binding instead;
//! - a use of the new name would be captured: it resolves outside the renamed binding's
//!   environment (or to a global) and its lookup passes through that environment; likewise a
//!   `var` (or Annex B function) of the new name hoisted through it;
//! - the new name is declared in the same environment (a redeclaration);
//! - resolution is dynamic: a use goes through `with` or a sloppy direct `eval`'s environment,
//!   or a direct `eval` can see the binding (its code may name it);
//! - a top-level binding of a script would take a host global's name (the global object's
//!   property, shared with every other script).

use std::fmt;

use oxc_syntax::identifier::is_identifier_name;

use super::describe::{describe_env, line, owner};
use super::references::{Occurrence, Target, declarations_in, family, occurrences, target_at};
use crate::engine::{
    Analysis, BindingId, DeclarationKind, EnvId, EnvKind, IdentifierAt, NameRole, Span,
    is_known_global,
};

/// Replace `span` with `new_text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub span: Span,
    pub new_text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RenameErrorKind {
    /// Nothing renameable at the cursor: no identifier, an undeclared name, `arguments`, a
    /// CommonJS wrapper parameter, an implicit global.
    NotRenameable,
    /// Exported by its declaration: the name is the module's public name.
    Exported,
    /// `with` or direct `eval` can change what the name finds at run time.
    Dynamic,
    /// The new name is not a valid (or allowed) identifier here.
    InvalidName,
    /// The new name would change what some identifier resolves to.
    Conflict,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenameError {
    pub kind: RenameErrorKind,
    /// One sentence for the user.
    pub message: String,
}

impl fmt::Display for RenameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RenameError {}

impl RenameError {
    /// A refusal, written as a sentence: a capital letter first (unless it starts with code)
    /// and a full stop at the end, whatever client shows it.
    pub fn new(kind: RenameErrorKind, message: impl Into<String>) -> Self {
        let mut message: String = message.into();
        if let Some(first) = message.chars().next().filter(char::is_ascii_lowercase) {
            message.replace_range(..1, &first.to_ascii_uppercase().to_string());
        }
        if !message.ends_with(['.', '?', '!']) {
            message.push('.');
        }
        RenameError { kind, message }
    }
}

fn error(kind: RenameErrorKind, message: String) -> RenameError {
    RenameError::new(kind, message)
}

/// What can be renamed at a cursor.
struct Renameable<'m> {
    ident: IdentifierAt<'m>,
    members: Vec<BindingId>,
    occurrences: Vec<Occurrence<'m>>,
}

/// The span of the identifier at `offset` if its binding can be renamed, or why not.
pub fn prepare_rename(analysis: &Analysis, offset: u32) -> Result<Span, RenameError> {
    renameable(analysis, offset, false).map(|r| r.ident.span())
}

/// [`prepare_rename`] for a rename across files: a binding exported by its declaration is
/// renameable (its importers are edited too).
pub fn prepare_rename_across(analysis: &Analysis, offset: u32) -> Result<Span, RenameError> {
    renameable(analysis, offset, true).map(|r| r.ident.span())
}

/// For TypeScript files: refuses to rename what may also be used as a type (classes, enums,
/// namespaces, imports). The model does not see type positions (`let x: Foo`, `Foo.Bar` in a
/// type), so a rename could miss those uses; anything else passes.
pub fn refuse_type_uses(analysis: &Analysis, offset: u32) -> Result<(), RenameError> {
    let Some((_, Target::Family(members))) = target_at(analysis, offset) else {
        return Ok(());
    };
    let b = analysis.binding(members[0]);
    let what = match b.declaration {
        DeclarationKind::Class | DeclarationKind::ClassName => "a class",
        DeclarationKind::Enum => "an enum",
        DeclarationKind::Namespace => "a namespace",
        DeclarationKind::Import => "an import",
        _ => return Ok(()),
    };
    Err(error(
        RenameErrorKind::NotRenameable,
        format!(
            "`{}` is {what}, which TypeScript code may also use as a type; scopelens does not see type positions, so renaming it could miss uses",
            analysis.binding_name(members[0])
        ),
    ))
}

fn renameable(
    analysis: &Analysis,
    offset: u32,
    allow_exported: bool,
) -> Result<Renameable<'_>, RenameError> {
    use RenameErrorKind::*;
    let Some((ident, target)) = target_at(analysis, offset) else {
        return Err(error(
            NotRenameable,
            "there is no identifier here to rename".into(),
        ));
    };
    let members = match target {
        Target::Undeclared(name) => {
            let name = analysis.name(name);
            let message = if name.starts_with('#') {
                format!("`{name}` is not declared by any class around it")
            } else if is_known_global(name) {
                format!(
                    "`{name}` is a host global, not declared in this file, so it cannot be renamed here"
                )
            } else {
                format!("`{name}` is not declared in this file, so it cannot be renamed here")
            };
            return Err(error(NotRenameable, message));
        }
        Target::Family(members) => members,
    };
    let first = analysis.binding(members[0]);
    let name = analysis.name(first.name);
    match first.declaration {
        DeclarationKind::Arguments => {
            return Err(error(
                NotRenameable,
                format!(
                    "`arguments` is the implicit arguments object of `{}` and cannot be renamed",
                    owner(analysis, first.environment)
                ),
            ));
        }
        DeclarationKind::CommonJsParameter => {
            return Err(error(
                NotRenameable,
                format!(
                    "`{name}` is a parameter of Node's CommonJS module wrapper and cannot be renamed"
                ),
            ));
        }
        DeclarationKind::ImplicitGlobal => {
            return Err(error(
                NotRenameable,
                format!(
                    "`{name}` is an implicit global, created by the assignment at line {}; declare it to rename it",
                    line(analysis, first.span.start)
                ),
            ));
        }
        _ => {}
    }
    let occurrences = occurrences(analysis, &Target::Family(members.clone()));
    if let Some(o) = occurrences
        .iter()
        .find(|o| !allow_exported && o.role == NameRole::ExportedDeclaration)
    {
        return Err(error(
            Exported,
            format!(
                "`{name}` is exported by its declaration at line {}, so renaming it here would change the module's export name",
                line(analysis, o.span.start)
            ),
        ));
    }
    if let Some(message) = dynamic_cause(analysis, &members, &occurrences) {
        return Err(error(Dynamic, message));
    }
    Ok(Renameable {
        ident,
        members,
        occurrences,
    })
}

/// Why what `members` names can change at run time, if it can.
fn dynamic_cause(
    analysis: &Analysis,
    members: &[BindingId],
    occurrences: &[Occurrence<'_>],
) -> Option<String> {
    let name = analysis.binding_name(members[0]);
    for o in occurrences {
        let Some(r) = o.reference.filter(|r| r.dynamic) else {
            continue;
        };
        let cause = analysis
            .chain(r.environment)
            .find(|&e| {
                let env = analysis.env(e);
                env.kind == EnvKind::With || env.has_sloppy_eval
            })
            .map(|e| dynamic_env(analysis, e))
            .unwrap_or_else(|| "`with` or a sloppy direct `eval`".into());
        return Some(format!(
            "the use of `{name}` at line {} is resolved at run time ({cause}), so renaming could change what it finds",
            line(analysis, r.span.start)
        ));
    }
    for &m in members {
        let b = analysis.binding(m);
        if let Some(&e) = b
            .captured_by
            .iter()
            .find(|&&e| matches!(analysis.env(e).kind, EnvKind::Eval | EnvKind::With))
        {
            return Some(format!(
                "`{name}` is visible to {}, where code may use it by name",
                dynamic_env(analysis, e)
            ));
        }
        let env = analysis.env(b.environment);
        if matches!(env.kind, EnvKind::Global | EnvKind::Script)
            && let Some(eval) = analysis
                .environments
                .iter()
                .find(|e| e.kind == EnvKind::Eval)
        {
            return Some(format!(
                "`{name}` is a top-level binding and the direct `eval` at line {} may use it by name",
                line(analysis, eval.span.start)
            ));
        }
    }
    None
}

fn dynamic_env(analysis: &Analysis, env: EnvId) -> String {
    let e = analysis.env(env);
    let at = line(analysis, e.span.start);
    match e.kind {
        EnvKind::With => format!("the `with` statement at line {at}"),
        EnvKind::Eval => format!("the direct `eval` at line {at}"),
        _ => format!("a sloppy direct `eval` in `{}`", owner(analysis, env)),
    }
}

/// Words that can never name a binding or be used as an identifier reference.
const RESERVED: &[&str] = &[
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "import",
    "in",
    "instanceof",
    "new",
    "null",
    "return",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "var",
    "void",
    "while",
    "with",
];

/// Reserved in strict mode code only.
const STRICT_RESERVED: &[&str] = &[
    "implements",
    "interface",
    "package",
    "private",
    "protected",
    "public",
    "static",
];

/// Renames the binding at `offset` (with its family, see [`references`](super::references)) to
/// `new_name`, keeping every identifier's resolution; edits in source order, or why not.
/// For a private name, `new_name` may be given with or without its `#`.
pub fn rename(
    analysis: &Analysis,
    offset: u32,
    new_name: &str,
) -> Result<Vec<TextEdit>, RenameError> {
    rename_with(analysis, offset, new_name, None)
}

/// [`rename`] for one file of a rename across files ("rename through"): the same checks, but a
/// binding exported by its declaration is accepted and renamed with its export name, and the
/// occurrences at `through` (an import specifier without `as`, `export { a }`, a shorthand
/// `{ a } = require(…)` or `module.exports = { a }` whose property is the renamed export) take
/// the new name plainly instead of keeping the old one as a property, import or export name.
pub fn rename_through(
    analysis: &Analysis,
    offset: u32,
    new_name: &str,
    through: &[Span],
) -> Result<Vec<TextEdit>, RenameError> {
    rename_with(analysis, offset, new_name, Some(through))
}

fn rename_with(
    analysis: &Analysis,
    offset: u32,
    new_name: &str,
    through: Option<&[Span]>,
) -> Result<Vec<TextEdit>, RenameError> {
    use RenameErrorKind::*;
    let r = renameable(analysis, offset, through.is_some())?;
    let old = analysis.binding_name(r.members[0]);
    let private = old.starts_with('#');
    let bare = if private {
        new_name.strip_prefix('#').unwrap_or(new_name)
    } else {
        new_name
    };
    let new = if private {
        format!("#{bare}")
    } else {
        bare.to_string()
    };
    if new == old {
        return Ok(Vec::new());
    }
    if !is_identifier_name(bare) {
        return Err(error(
            InvalidName,
            format!("`{new_name}` is not a valid identifier"),
        ));
    }
    if !private {
        check_word(analysis, &r, bare)?;
    }
    check_conflicts(analysis, &r, &new)?;
    let mut edits = Vec::with_capacity(r.occurrences.len());
    for o in &r.occurrences {
        let plain = through.is_some_and(|t| t.contains(&o.span));
        let new_text = match (o.declaration, o.role) {
            _ if plain => new.clone(),
            (_, NameRole::ShorthandProperty) => format!("{old}: {new}"),
            (true, NameRole::ImportSpecifier) => format!("{old} as {new}"),
            (false, NameRole::ExportSpecifier) => format!("{new} as {old}"),
            (false, NameRole::JsxTag) if bare.starts_with(|c: char| c.is_ascii_lowercase()) => {
                return Err(error(
                    InvalidName,
                    format!(
                        "`{old}` is used as a JSX tag at line {}, where the lowercase `{new}` would name an intrinsic element",
                        line(analysis, o.span.start)
                    ),
                ));
            }
            _ => new.clone(),
        };
        edits.push(TextEdit {
            span: o.span,
            new_text,
        });
    }
    Ok(edits)
}

/// Reserved words, and names the binding may not take here.
fn check_word(analysis: &Analysis, r: &Renameable<'_>, new: &str) -> Result<(), RenameError> {
    use RenameErrorKind::InvalidName;
    if RESERVED.contains(&new) {
        return Err(error(InvalidName, format!("`{new}` is a reserved word")));
    }
    match new {
        "let" => {
            return Err(error(
                InvalidName,
                "`let` is reserved in strict code and cannot name a lexical binding, so scopelens refuses it everywhere".into(),
            ));
        }
        "await" | "yield" => {
            return Err(error(
                InvalidName,
                format!(
                    "`{new}` is reserved in modules, strict code, async functions or generators, so scopelens refuses it everywhere"
                ),
            ));
        }
        "arguments" => {
            return Err(error(
                InvalidName,
                "`arguments` names the implicit arguments object of functions, so renaming to it could change what it finds".into(),
            ));
        }
        _ => {}
    }
    let strict = r
        .members
        .iter()
        .any(|&m| analysis.env(analysis.binding(m).environment).strict)
        || r.occurrences.iter().any(|o| match o.reference {
            Some(reference) => analysis.env(reference.environment).strict,
            None => analysis.env(analysis.env_at(o.span.start)).strict,
        });
    if strict && (STRICT_RESERVED.contains(&new) || new == "eval") {
        return Err(error(
            InvalidName,
            format!("`{new}` cannot name a binding in strict mode code"),
        ));
    }
    for &m in &r.members {
        let env = analysis.env(analysis.binding(m).environment);
        if matches!(env.kind, EnvKind::Global | EnvKind::Script) && is_known_global(new) {
            return Err(error(
                InvalidName,
                format!(
                    "`{new}` is a host global, and a top-level binding of that name would replace it for every script"
                ),
            ));
        }
    }
    Ok(())
}

/// "the `let` at line 3 in the block environment of …".
fn describe_binding(analysis: &Analysis, binding: BindingId) -> String {
    let b = analysis.binding(binding);
    let at = if b.span.start == b.span.end {
        String::new()
    } else {
        format!(" at line {}", line(analysis, b.span.start))
    };
    format!(
        "the `{}`{at} in the {}",
        b.declaration,
        describe_env(analysis, b.environment)
    )
}

/// The environments a declaring identifier's statement sits in, innermost first, up to (not
/// including) `target`, its binding's environment. Function and class environments around the
/// identifier are skipped: they are the function or class it names.
fn declaration_path(
    analysis: &Analysis,
    at: u32,
    target: EnvId,
) -> impl Iterator<Item = EnvId> + '_ {
    analysis
        .chain(analysis.env_at(at))
        .take_while(move |&e| e != target)
        .filter(move |&e| {
            let env = analysis.env(e);
            !(env.is_closure() || env.kind == EnvKind::Class)
        })
}

fn check_conflicts(analysis: &Analysis, r: &Renameable<'_>, new: &str) -> Result<(), RenameError> {
    use RenameErrorKind::Conflict;
    let old = analysis.binding_name(r.members[0]);
    // Redeclaration: the new name is declared in a member's own environment.
    for &m in &r.members {
        let env = analysis.binding(m).environment;
        if let Some(existing) = analysis.lookup(env, new) {
            return Err(error(
                Conflict,
                format!(
                    "`{new}` is already declared in the same environment ({})",
                    describe_binding(analysis, existing)
                ),
            ));
        }
    }
    // Shadowing: from each use (and declaring identifier) to its binding's environment, no
    // environment may declare the new name.
    for o in &r.occurrences {
        let shadow = match o.reference {
            Some(reference) => {
                let target = analysis
                    .binding(reference.binding.expect("a member's use"))
                    .environment;
                analysis
                    .chain(reference.environment)
                    .take_while(|&e| e != target)
                    .find_map(|e| analysis.lookup(e, new))
            }
            // A declaring identifier: on its way to every member it declares.
            None => r.members.iter().find_map(|&m| {
                let target = analysis.binding(m).environment;
                declaration_path(analysis, o.span.start, target)
                    .find_map(|e| analysis.lookup(e, new))
            }),
        };
        if let Some(shadow) = shadow {
            let what = if o.declaration {
                "the declaration"
            } else {
                "the use"
            };
            return Err(error(
                Conflict,
                format!(
                    "after the rename, {what} of `{old}` at line {} would find {} instead",
                    line(analysis, o.span.start),
                    describe_binding(analysis, shadow)
                ),
            ));
        }
    }
    // Capture: a use of the new name whose lookup passes through a member's environment before
    // reaching its own binding (or the global object) would find the renamed binding.
    for &m in &r.members {
        let env = analysis.binding(m).environment;
        let span = analysis.env(env).span;
        for use_ in analysis.references_in(span) {
            if analysis.name(use_.name) != new {
                continue;
            }
            let own = use_.binding.map(|b| analysis.binding(b).environment);
            for e in analysis.chain(use_.environment) {
                if Some(e) == own {
                    break;
                }
                if e == env {
                    let found = match use_.binding {
                        Some(b) => describe_binding(analysis, b),
                        None => format!("the global `{new}`"),
                    };
                    return Err(error(
                        Conflict,
                        format!(
                            "the use of `{new}` at line {} finds {found}, but after the rename it would find the renamed `{old}`",
                            line(analysis, use_.span.start)
                        ),
                    ));
                }
            }
        }
        // A `var` (or an Annex B function) of the new name declared inside, whose hoisting
        // would cross the renamed binding's environment: an early error, or a changed meaning.
        for d in declarations_in(analysis, span) {
            if analysis.binding_name(d.binding) != new {
                continue;
            }
            for other in family(analysis, d.binding) {
                let target = analysis.binding(other).environment;
                if declaration_path(analysis, d.span.start, target).any(|e| e == env) {
                    return Err(error(
                        Conflict,
                        format!(
                            "the declaration of `{new}` at line {} belongs to the {} and would clash with the renamed `{old}` in the {} it is hoisted through",
                            line(analysis, d.span.start),
                            describe_env(analysis, target),
                            describe_env(analysis, env),
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}
