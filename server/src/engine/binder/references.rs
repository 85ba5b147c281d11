//! Identifier references (§13.1) and how each is used: read, written by assignment (§13.15,
//! destructuring included) or update (§13.4), or the operand of `typeof` (§13.5.3); and the
//! calls `eval(...)` that may be direct evals (§19.2.1), for resolution to decide.

use oxc_ast::ast::*;
use oxc_ast_visit::Visit;
use oxc_span::GetSpan;

use super::{Binder, READ, READ_WRITE, WRITE, span};
use crate::engine::model::ReferenceFlags;
use crate::engine::worklists::EvalCall;

impl<'a> Binder<'_> {
    pub(super) fn walk_identifier_reference(&mut self, ident: &IdentifierReference<'a>) {
        let flags = self.assign_mode.unwrap_or(READ);
        let name = self.intern(ident.name.as_str());
        self.reference(name, span(ident.span), flags);
        self.names.push_variable(ident.span);
    }

    pub(super) fn walk_assignment(&mut self, expression: &AssignmentExpression<'a>) {
        let mode = if expression.operator == AssignmentOperator::Assign {
            WRITE
        } else {
            READ_WRITE
        };
        // `x = () => {}` and `x ||= () => {}` (and `&&=`, `??=`) name the function `x` (the
        // spec); V8 infers a name for the others from the target (`a.b = function` is `a.b`).
        let naming = matches!(
            expression.operator,
            AssignmentOperator::Assign
                | AssignmentOperator::LogicalOr
                | AssignmentOperator::LogicalAnd
                | AssignmentOperator::LogicalNullish
        );
        let mark = self.names.mark();
        self.assign_target(&expression.left, mode);
        match &expression.left {
            AssignmentTarget::AssignmentTargetIdentifier(id) if naming => {
                self.named_value(id.name.as_str(), &expression.right);
            }
            _ => self.visit_expression(&expression.right),
        }
        if naming {
            self.infer_names_unless_call(&expression.right);
        } else {
            self.names.remove_last_function();
        }
        self.names.truncate(mark);
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
            self.names.push_variable(ident.span);
            return;
        }
        self.visit_flat(&expression.argument);
    }

    /// A call's arguments; an unnamed function or arrow among them is owned as a callback
    /// passed to the callee (`<arrow passed to handlers.push at 3:15>`).
    pub(super) fn visit_call_arguments(
        &mut self,
        callee: &Expression<'a>,
        arguments: &oxc_allocator::Vec<'a, Argument<'a>>,
    ) {
        for argument in arguments {
            if let Some(value) = argument.as_expression()
                && matches!(
                    value,
                    Expression::FunctionExpression(_) | Expression::ArrowFunctionExpression(_)
                )
            {
                self.callback_to = Some(Some(callee_label(self.text, callee)));
            }
            self.visit_argument(argument);
            self.callback_to = None;
        }
    }

    pub(super) fn walk_call(&mut self, call: &CallExpression<'a>) {
        // V8 keeps the callee's names (`a.b().c = function` is `a.b.c`) and drops the last
        // function collected: a callback passed to a call is not named after an assignment.
        if matches!(
            call.callee.without_parentheses(),
            Expression::FunctionExpression(_) | Expression::ArrowFunctionExpression(_)
        ) {
            self.callback_to = Some(None);
        }
        self.visit_flat(&call.callee);
        self.callback_to = None;
        self.visit_call_arguments(&call.callee, &call.arguments);
        self.names.remove_last_function();
        // `(eval)(src)` is still a direct eval: a parenthesized identifier is the identifier.
        if let Expression::Identifier(callee) = call.callee.without_parentheses()
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
                        Some((code.value.as_str().to_owned(), span(code.span)))
                    }
                    _ => None,
                },
            });
        }
    }
}

/// The callee as a person reads it: `handlers.push`, `setTimeout`; a long or complex callee by
/// its last property name (`[1, 2].forEach` is `forEach`).
fn callee_label(text: &str, callee: &Expression<'_>) -> Box<str> {
    let callee = callee.without_parentheses();
    let at = callee.span();
    if let Some(code) = text.get(at.start as usize..at.end as usize)
        && code.len() <= 40
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'$' | b'.'))
    {
        return code.into();
    }
    match callee {
        Expression::StaticMemberExpression(member) => member.property.name.as_str().into(),
        _ => "a call".into(),
    }
}
