//! Identifier references (§13.1) and how each is used: read, written by assignment (§13.15,
//! destructuring included) or update (§13.4), or the operand of `typeof` (§13.5.3); and the
//! calls `eval(...)` that may be direct evals (§19.2.1), for resolution to decide.

use oxc_ast::ast::*;
use oxc_ast_visit::{Visit, walk};

use super::names::is_function_like;
use super::{Binder, READ, READ_WRITE, WRITE, span};
use crate::engine::model::ReferenceFlags;
use crate::engine::worklists::EvalCall;

impl<'a> Binder<'_> {
    pub(super) fn walk_identifier_reference(&mut self, ident: &IdentifierReference<'a>) {
        let flags = self.assign_mode.unwrap_or(READ);
        let name = self.intern(ident.name.as_str());
        self.reference(name, span(ident.span), flags);
    }

    pub(super) fn walk_assignment(&mut self, expression: &AssignmentExpression<'a>) {
        let mode = if expression.operator == AssignmentOperator::Assign {
            WRITE
        } else {
            READ_WRITE
        };
        if expression.operator == AssignmentOperator::Assign
            && is_function_like(&expression.right)
            && let Some(name) = self.target_name(&expression.left)
        {
            self.assign_target(&expression.left, mode);
            self.pending_name = Some(name);
            self.visit_expression(&expression.right);
            self.pending_name = None;
            return;
        }
        self.assign_target(&expression.left, mode);
        // `x ||= () => {}` (and `&&=`, `??=`) names the function `x`; other operators do not.
        match &expression.left {
            AssignmentTarget::AssignmentTargetIdentifier(id)
                if matches!(
                    expression.operator,
                    AssignmentOperator::LogicalOr
                        | AssignmentOperator::LogicalAnd
                        | AssignmentOperator::LogicalNullish
                ) =>
            {
                self.named_value(id.name.as_str(), &expression.right);
            }
            _ => self.visit_expression(&expression.right),
        }
    }

    /// Walks an assignment target, its bare identifiers used as `mode` says.
    pub(super) fn assign_target(&mut self, target: &AssignmentTarget<'a>, mode: ReferenceFlags) {
        let saved = self.assign_mode.replace(mode);
        self.visit_assignment_target(target);
        self.assign_mode = saved;
    }

    pub(super) fn walk_unary(&mut self, expression: &UnaryExpression<'a>) {
        if expression.operator == UnaryOperator::Typeof
            && let Expression::Identifier(ident) = expression.argument.without_parentheses()
        {
            let name = self.intern(ident.name.as_str());
            let index = self.reference(name, span(ident.span), READ);
            self.tables.references[index].typeof_operand = true;
            return;
        }
        walk::walk_unary_expression(self, expression);
    }

    pub(super) fn walk_call(&mut self, call: &CallExpression<'a>) {
        walk::walk_call_expression(self, call);
        if let Expression::Identifier(callee) = &call.callee
            && callee.name == "eval"
            && !call.optional
        {
            // The callee's reference was recorded first among this call's references.
            let reference = self
                .tables
                .references
                .iter()
                .rposition(|r| r.span == span(callee.span))
                .expect("callee was just visited");
            self.worklists.eval_calls.push(EvalCall {
                reference,
                env: self.lexical,
                var_env: self.function.var_env,
                span: span(call.span),
                source: match call.arguments.as_slice() {
                    [Argument::StringLiteral(code)] => {
                        Some((code.value.to_string(), span(code.span)))
                    }
                    _ => None,
                },
            });
        }
    }
}
