//! Names for anonymous functions and classes from where they are defined, as V8 reports them
//! (DevTools, stack traces, profilers, heap snapshots: `SharedFunctionInfo::DebugName`).
//!
//! 1. The spec's name (NamedEvaluation) comes first: `const f = () => …` is `f`, `{ key() {} }`
//!    is `key`, `{ get g() {} }` is `get g`, `{ [Symbol.iterator]() {} }` is
//!    `[Symbol.iterator]`, a class field `x = () => …` is `x`, a default `(cb = () => {})` is
//!    `cb`, `x ||= () => {}` is `x`. A computed key known only at run time names nothing here.
//! 2. Functions the spec leaves unnamed get the name V8's parser *infers*
//!    ([`Inferrer`], after `src/parsing/func-name-inferrer.cc`): `config.format = function`
//!    is `config.format`, `h['x-id'] = …` is `h.x-id`, `W.prototype.m = … || function` is
//!    `W.m`, `var f = c ? null : function` is `f`, `{ k: c ? null : function }` inside
//!    `var q = …` is `q.k`, `this.x = function` inside `function Widget` is `Widget.x`.

use oxc_ast::ast::*;
use oxc_ast_visit::Visit;
use oxc_span::GetSpan;

use super::{Binder, span};
use crate::engine::model::{EnvId, NameRole, Owner};

/// V8's function name inferrer, replayed on the AST in the order V8's parser meets the same
/// tokens. While an expression is parsed, V8 pushes the names it meets (identifiers, property
/// names, the declared variable) on a stack; every *AssignmentExpression* it parses is a state
/// that pops what it pushed when it ends. Anonymous functions are collected as they end; an
/// assignment, a `var` initializer, an object literal's property or a class field then names
/// every collected function after the stack (`a.b.c`), and a call drops the last one collected
/// (`arr.map(function () {})` stays anonymous).
#[derive(Default)]
pub(super) struct Inferrer {
    names: Vec<Part>,
    funcs: Vec<EnvId>,
    /// Where the names and functions of the body being walked start: each body's stack sits on
    /// its surroundings', so entering a body allocates nothing.
    names_base: usize,
    funcs_base: usize,
    /// The name of the function whose body is walked, when V8 pushes it: a lazily compiled
    /// function is parsed again on its own, starting from its name if it reads as a
    /// constructor's (a capital first letter).
    enclosing: Option<String>,
    /// Parenthesized function expressions V8 compiles eagerly, within their surroundings.
    eager_depth: u32,
    /// The next function expression is parenthesized.
    pub(super) eager_next: bool,
    /// The next function expression is an object literal's method (V8 gives it its key).
    pub(super) method_next: bool,
}

#[derive(Clone, Copy)]
struct Part {
    start: u32,
    end: u32,
    kind: PartKind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum PartKind {
    Variable,
    Literal,
    /// A computed key that is not a string literal: `<computed>`.
    Computed,
}

/// What a function body saves of the inferrer and gets back when it ends.
pub(super) struct SavedInferrer {
    names_base: usize,
    funcs_base: usize,
    enclosing: Option<String>,
    eager_depth: u32,
}

impl Inferrer {
    pub(super) fn mark(&self) -> usize {
        self.names.len()
    }

    pub(super) fn truncate(&mut self, mark: usize) {
        self.names.truncate(mark);
    }

    pub(super) fn push_variable(&mut self, at: oxc_span::Span) {
        self.names.push(Part {
            start: at.start,
            end: at.end,
            kind: PartKind::Variable,
        });
    }

    /// A literal name: a property name, or the inside of a string literal key.
    fn push_literal(&mut self, start: u32, end: u32) {
        self.names.push(Part {
            start,
            end,
            kind: PartKind::Literal,
        });
    }

    pub(super) fn push_computed(&mut self) {
        self.names.push(Part {
            start: 0,
            end: 0,
            kind: PartKind::Computed,
        });
    }

    pub(super) fn add_function(&mut self, env: EnvId) {
        self.funcs.push(env);
    }

    pub(super) fn remove_last_function(&mut self) {
        if self.funcs.len() > self.funcs_base {
            self.funcs.pop();
        }
    }

    /// A statement of a lazily compiled body ended: V8 left every state, forgetting the
    /// functions no assignment named.
    pub(super) fn statement_ended(&mut self) {
        if self.eager_depth == 0 {
            self.funcs.truncate(self.funcs_base);
        }
    }

    /// Enters a function's body: parenthesized function expressions continue their
    /// surroundings; any other body starts again from its own name (`named`: the spec's name).
    pub(super) fn enter_body(&mut self, named: Option<&str>) -> SavedInferrer {
        if std::mem::take(&mut self.eager_next) {
            self.eager_depth += 1;
            return SavedInferrer {
                names_base: 0,
                funcs_base: 0,
                enclosing: None,
                eager_depth: u32::MAX,
            };
        }
        let enclosing = named
            .filter(|n| n.chars().next().is_some_and(char::is_uppercase))
            .map(str::to_owned);
        SavedInferrer {
            names_base: std::mem::replace(&mut self.names_base, self.names.len()),
            funcs_base: std::mem::replace(&mut self.funcs_base, self.funcs.len()),
            enclosing: std::mem::replace(&mut self.enclosing, enclosing),
            eager_depth: std::mem::take(&mut self.eager_depth),
        }
    }

    pub(super) fn leave_body(&mut self, saved: SavedInferrer) {
        if saved.eager_depth == u32::MAX {
            self.eager_depth -= 1;
            return;
        }
        self.names.truncate(self.names_base);
        self.funcs.truncate(self.funcs_base);
        self.names_base = saved.names_base;
        self.funcs_base = saved.funcs_base;
        self.enclosing = saved.enclosing;
        self.eager_depth = saved.eager_depth;
    }

    /// `MakeNameFromStack`: the parts joined by dots, a variable followed by another variable
    /// skipped (`x = y = function` is `y`).
    fn name(&self, text: &str) -> String {
        let names = &self.names[self.names_base..];
        // One allocation: every part and its dot (`<computed>` is 10 bytes).
        let most = self.enclosing.as_ref().map_or(0, String::len)
            + names
                .iter()
                .map(|p| (p.end - p.start) as usize + 11)
                .sum::<usize>();
        let mut out = String::with_capacity(most);
        if let Some(enclosing) = &self.enclosing {
            out.push_str(enclosing);
        }
        for (i, part) in names.iter().enumerate() {
            let next_is_variable = names
                .get(i + 1)
                .is_some_and(|n| n.kind == PartKind::Variable);
            if part.kind == PartKind::Variable && next_is_variable {
                continue;
            }
            if !out.is_empty() {
                out.push('.');
            }
            match part.kind {
                PartKind::Computed => out.push_str("<computed>"),
                _ => out.push_str(
                    text.get(part.start as usize..part.end as usize)
                        .unwrap_or(""),
                ),
            }
        }
        out
    }
}

impl<'a> Binder<'_> {
    /// V8's `Infer`: names every function collected since the last one, after the stack, unless
    /// the spec named it already.
    pub(super) fn infer_names(&mut self) {
        let first = self.names.funcs_base;
        if self.names.funcs.len() == first {
            return;
        }
        let name = self.names.name(self.text);
        for env in self.names.funcs.drain(first..) {
            let owner = &mut self.tables.env_mut(env).owner;
            if matches!(owner, Owner::Anonymous { .. } | Owner::Callback { .. }) && !name.is_empty()
            {
                *owner = Owner::Named(name.clone());
            }
        }
    }

    /// The end of a `var` initializer or an assignment's right-hand side: `x = f()` names
    /// nothing and drops the last function collected (`x = function () {}()`).
    pub(super) fn infer_names_unless_call(&mut self, value: &Expression<'a>) {
        if matches!(
            value.without_parentheses(),
            Expression::CallExpression(_) | Expression::NewExpression(_)
        ) {
            self.names.remove_last_function();
        } else {
            self.infer_names();
        }
    }

    /// `a.b`: V8 pushes `b` (never `prototype`).
    pub(super) fn push_property_name(&mut self, name: &IdentifierName<'a>) {
        if name.name != "prototype" {
            self.names.push_literal(name.span.start, name.span.end);
        }
    }

    /// `a[k]`: a string literal key (not an array index) is pushed as a name, anything else as
    /// `<computed>`.
    pub(super) fn push_computed_name(&mut self, key: &Expression<'a>) {
        match key.without_parentheses() {
            Expression::StringLiteral(s) if !is_array_index(&s.value) => {
                self.names.push_literal(s.span.start + 1, s.span.end - 1)
            }
            Expression::TemplateLiteral(t)
                if t.expressions.is_empty()
                    && t.quasis.len() == 1
                    && !is_array_index(t.quasis[0].value.raw.as_str()) =>
            {
                self.names.push_literal(t.span.start + 1, t.span.end - 1)
            }
            _ => self.names.push_computed(),
        }
    }

    /// An object literal's or a class's non-computed key, as V8 pushes it.
    fn push_key(&mut self, key: &PropertyKey<'a>) {
        match key {
            PropertyKey::StaticIdentifier(id) => {
                self.names.push_literal(id.span.start, id.span.end)
            }
            PropertyKey::StringLiteral(s) => {
                self.names.push_literal(s.span.start + 1, s.span.end - 1)
            }
            PropertyKey::NumericLiteral(n) => self.names.push_literal(n.span.start, n.span.end),
            _ => {}
        }
    }

    /// A class field `x = value`: named like an object literal's property.
    pub(super) fn infer_field(&mut self, key: &PropertyKey<'a>, value: impl FnOnce(&mut Self)) {
        let mark = self.names.mark();
        self.push_key(key);
        value(self);
        self.infer_names();
        self.names.truncate(mark);
    }

    /// `{ key: value }`: a function-like value is named after a plain key.
    pub(super) fn walk_object_property(&mut self, property: &ObjectProperty<'a>) {
        let mark = self.names.mark();
        self.walk_computed_key(&property.key);
        if !property.computed {
            self.push_key(&property.key);
        }
        self.names.method_next = property.method || property.kind != PropertyKind::Init;
        if is_function_like(&property.value) {
            let key = if !property.computed || is_literal_key(&property.key) {
                key_name(&property.key)
            } else {
                // Named at run time after the key's value: shown as the key's code.
                let at = property.key.span();
                let code = self.text.get(at.start as usize..at.end as usize);
                match code {
                    Some(code) if code.len() <= 40 && !code.contains(['\n', '\r']) => {
                        format!("[{code}]")
                    }
                    _ => "[computed]".to_string(),
                }
            };
            // Accessors are named `get x` / `set x` (SetFunctionName's prefix).
            self.pending_name = Some(match property.kind {
                PropertyKind::Get => format!("get {key}"),
                PropertyKind::Set => format!("set {key}"),
                PropertyKind::Init => key,
            });
        }
        let first = self.tables.references.len();
        self.visit_expression(&property.value);
        self.pending_name = None;
        self.names.method_next = false;
        self.infer_names();
        self.names.truncate(mark);
        if property.shorthand {
            self.tables.mark_reference(
                first,
                span(property.value.span()),
                NameRole::ShorthandProperty,
            );
        }
    }

    /// `{ a }` or `{ a = 1 }` in a binding pattern: the identifier is the property key too.
    pub(super) fn mark_shorthand_binding(&mut self, first: usize, value: &BindingPattern<'a>) {
        let id = match value {
            BindingPattern::BindingIdentifier(id) => Some(id.span),
            BindingPattern::AssignmentPattern(p) => match &p.left {
                BindingPattern::BindingIdentifier(id) => Some(id.span),
                _ => None,
            },
            _ => None,
        };
        if let Some(at) = id {
            self.tables
                .mark_declaration(first, span(at), NameRole::ShorthandProperty);
        }
    }

    /// `({ a } = o)` and `({ a = 1 } = o)`: always shorthand.
    pub(super) fn walk_assignment_target_property_identifier(
        &mut self,
        property: &AssignmentTargetPropertyIdentifier<'a>,
    ) {
        let first = self.tables.references.len();
        self.visit_identifier_reference(&property.binding);
        self.tables.mark_reference(
            first,
            span(property.binding.span),
            NameRole::ShorthandProperty,
        );
        if let Some(init) = &property.init {
            self.named_value(property.binding.name.as_str(), init);
        }
    }

    /// Visits `value`, named `name` if it is an anonymous function or class (a default value,
    /// `x ||= …`: NamedEvaluation).
    pub(super) fn named_value(&mut self, name: &str, value: &Expression<'a>) {
        if is_function_like(value) {
            self.pending_name = Some(name.to_owned());
        }
        self.visit_expression(value);
        self.pending_name = None;
    }
}

/// A canonical array index (`"0"`, `"42"`): V8 does not use it as a name.
fn is_array_index(s: &str) -> bool {
    !s.is_empty()
        && s.bytes().all(|b| b.is_ascii_digit())
        && (s == "0" || !s.starts_with('0'))
        && s.parse::<u32>().is_ok_and(|n| n != u32::MAX)
}

/// An anonymous function, arrow or class expression: one that takes a name from its context.
pub(super) fn is_function_like(expression: &Expression<'_>) -> bool {
    matches!(
        expression.without_parentheses(),
        Expression::FunctionExpression(_)
            | Expression::ArrowFunctionExpression(_)
            | Expression::ClassExpression(_)
    )
}

pub(super) fn key_name(key: &PropertyKey<'_>) -> String {
    match key {
        PropertyKey::StaticIdentifier(id) => id.name.as_str().to_owned(),
        PropertyKey::PrivateIdentifier(id) => format!("#{}", id.name),
        PropertyKey::StringLiteral(s) => s.value.as_str().to_owned(),
        PropertyKey::NumericLiteral(n) => n.value.to_string(),
        PropertyKey::TemplateLiteral(t) if t.expressions.is_empty() => t
            .quasis
            .iter()
            .map(|q| q.value.cooked.as_deref().unwrap_or_default())
            .collect(),
        _ => well_known_symbol(key)
            .map(|name| format!("[Symbol.{name}]"))
            .or_else(|| key.as_expression().and_then(constant_string))
            .unwrap_or_else(|| "[computed]".to_string()),
    }
}

/// A key whose value is known before run time: `'a' + 'b'` is `ab`, `'v' + 2` is `v2`.
fn constant_string(expression: &Expression<'_>) -> Option<String> {
    match expression.without_parentheses() {
        Expression::StringLiteral(s) => Some(s.value.as_str().to_owned()),
        Expression::TemplateLiteral(t) if t.expressions.is_empty() => Some(
            t.quasis
                .iter()
                .map(|q| q.value.cooked.as_deref().unwrap_or_default())
                .collect(),
        ),
        Expression::BinaryExpression(b) if b.operator == BinaryOperator::Addition => {
            let number = |e: &Expression<'_>| match e.without_parentheses() {
                Expression::NumericLiteral(n) => Some(n.value.to_string()),
                _ => None,
            };
            match (constant_string(&b.left), constant_string(&b.right)) {
                (Some(l), Some(r)) => Some(l + &r),
                (Some(l), None) => number(&b.right).map(|r| l + &r),
                (None, Some(r)) => number(&b.left).map(|l| l + &r),
                (None, None) => None,
            }
        }
        _ => None,
    }
}

/// A computed key whose name is known before run time: a literal, or a well-known symbol
/// (`[Symbol.iterator]`, which names a function `[Symbol.iterator]`).
pub(super) fn is_literal_key(key: &PropertyKey<'_>) -> bool {
    match key {
        PropertyKey::StringLiteral(_) | PropertyKey::NumericLiteral(_) => true,
        PropertyKey::TemplateLiteral(t) => t.expressions.is_empty(),
        _ => {
            well_known_symbol(key).is_some()
                || key.as_expression().and_then(constant_string).is_some()
        }
    }
}

/// `Symbol.x` as a key: `x`.
fn well_known_symbol<'k>(key: &'k PropertyKey<'_>) -> Option<&'k str> {
    let PropertyKey::StaticMemberExpression(member) = key else {
        return None;
    };
    match &member.object {
        Expression::Identifier(object) if object.name == "Symbol" => {
            Some(member.property.name.as_str())
        }
        _ => None,
    }
}
