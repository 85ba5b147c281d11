//! Names for anonymous functions and classes from where they are defined, as the spec's function
//! name inference (NamedEvaluation) gives them and V8 reports them: `const f = () => …` is `f`,
//! `{ key() {} }` is `key`, `{ get g() {} }` is `get g`, `{ [Symbol.iterator]() {} }` is
//! `[Symbol.iterator]`, a class field `x = () => …` is `x`, a default `(cb = () => {})` is `cb`,
//! `x ||= () => {}` is `x`; `a.b = function () {}` is `a.b` (a path the spec would name `b`;
//! shown whole because it says more). A computed key known only at run time names nothing.

use oxc_ast::ast::*;
use oxc_ast_visit::Visit;
use oxc_span::GetSpan;

use super::{Binder, span};
use crate::engine::model::NameRole;

impl<'a> Binder<'_> {
    /// `{ key: value }`: a function-like value is named after a plain key.
    pub(super) fn walk_object_property(&mut self, property: &ObjectProperty<'a>) {
        self.walk_computed_key(&property.key);
        if is_function_like(&property.value)
            && (!property.computed || is_literal_key(&property.key))
        {
            let key = key_name(&property.key);
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

    /// `a` or `a.b.c` as an owner name for a function assigned to it.
    pub(super) fn target_name(&self, target: &AssignmentTarget<'a>) -> Option<String> {
        let at = target.span();
        let text = self.text.get(at.start as usize..at.end as usize)?;
        (text.len() <= 60 && !text.contains(['\n', '\r', '(', '['])).then(|| text.to_string())
    }
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
        PropertyKey::StaticIdentifier(id) => id.name.to_string(),
        PropertyKey::PrivateIdentifier(id) => format!("#{}", id.name),
        PropertyKey::StringLiteral(s) => s.value.to_string(),
        PropertyKey::NumericLiteral(n) => n.value.to_string(),
        PropertyKey::TemplateLiteral(t) if t.expressions.is_empty() => t
            .quasis
            .iter()
            .map(|q| q.value.cooked.as_deref().unwrap_or_default())
            .collect(),
        _ => well_known_symbol(key)
            .map(|name| format!("[Symbol.{name}]"))
            .unwrap_or_else(|| "[computed]".to_string()),
    }
}

/// A computed key whose name is known before run time: a literal, or a well-known symbol
/// (`[Symbol.iterator]`, which names a function `[Symbol.iterator]`).
pub(super) fn is_literal_key(key: &PropertyKey<'_>) -> bool {
    match key {
        PropertyKey::StringLiteral(_) | PropertyKey::NumericLiteral(_) => true,
        PropertyKey::TemplateLiteral(t) => t.expressions.is_empty(),
        _ => well_known_symbol(key).is_some(),
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
