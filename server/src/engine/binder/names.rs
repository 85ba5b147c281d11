//! Names for anonymous functions and classes from where they are defined, as the spec's function
//! name inference (NamedEvaluation) gives them: `const f = () => …` is `f`, `{ key() {} }` is
//! `key`, `a.b = function () {}` is `a.b` (a path the spec would name `b`; shown whole because
//! it says more).

use oxc_ast::ast::*;
use oxc_ast_visit::Visit;
use oxc_span::GetSpan;

use super::{Binder, span};
use crate::engine::model::NameRole;

impl<'a> Binder<'_> {
    /// `{ key: value }`: a function-like value is named after a plain key.
    pub(super) fn walk_object_property(&mut self, property: &ObjectProperty<'a>) {
        self.walk_computed_key(&property.key);
        if !property.computed && is_function_like(&property.value) {
            self.pending_name = Some(key_name(&property.key));
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
            self.visit_expression(init);
        }
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
        _ => "[computed]".to_string(),
    }
}
