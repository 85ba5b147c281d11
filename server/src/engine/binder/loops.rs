//! Loops, §14.7: a `for` head with `let`/`const` gets an environment of its own; `let` bindings
//! of a `for` loop are copied per iteration (CreatePerIterationEnvironment) and `for-in`/`for-of`
//! heads get a fresh environment per iteration, while a `var` in a head is one binding shared by
//! every iteration.

use oxc_ast::ast::*;
use oxc_ast_visit::Visit;
use oxc_span::GetSpan;

use super::{Binder, WRITE, span};
use crate::engine::model::{self, Construct, EnvKind, Owner, VarLoop};

impl<'a> Binder<'_> {
    pub(super) fn walk_for(&mut self, statement: &ForStatement<'a>) {
        let saved = self.lexical;
        if let Some(ForStatementInit::VariableDeclaration(declaration)) = &statement.init {
            if declaration.kind != VariableDeclarationKind::Var {
                // CreatePerIterationEnvironment copies only `let` bindings; `const` needs no copy.
                let per_iteration = declaration.kind == VariableDeclarationKind::Let;
                self.push_loop_env(per_iteration, Construct::ForLoop, statement.span);
            }
            self.walk_for_head_declaration(declaration);
            self.record_var_loop(declaration, statement.span, statement.body.span(), false);
        } else if let Some(init) = &statement.init {
            self.visit_for_statement_init(init);
        }
        if let Some(test) = &statement.test {
            self.visit_expression(test);
        }
        if let Some(update) = &statement.update {
            // The update runs on the next iteration's copy of a per-iteration environment
            // (CreatePerIterationEnvironment comes first), so no closure sees its writes.
            let first = self.tables.references.len();
            self.visit_expression(update);
            if self.tables.env(self.lexical).per_iteration {
                let env = self.lexical;
                let updates = first..self.tables.references.len();
                self.worklists
                    .per_iteration_updates
                    .extend(updates.map(|r| (r, env)));
            }
        }
        self.visit_body(Construct::LoopBody, &statement.body);
        self.lexical = saved;
    }

    pub(super) fn walk_for_in_of(
        &mut self,
        left: &ForStatementLeft<'a>,
        right: &Expression<'a>,
        body: &Statement<'a>,
        what: Construct,
        at: oxc_span::Span,
    ) {
        let saved = self.lexical;
        match left {
            ForStatementLeft::VariableDeclaration(declaration) => {
                if declaration.kind != VariableDeclarationKind::Var {
                    // Each iteration gets a fresh environment for the loop's let and const.
                    self.push_loop_env(true, what, at);
                }
                self.walk_for_head_declaration(declaration);
                self.record_var_loop(declaration, at, body.span(), true);
            }
            target => {
                if let Some(target) = target.as_assignment_target() {
                    self.assign_target(target, WRITE);
                }
            }
        }
        // The iterated expression sees the loop's bindings in their TDZ (ForIn/OfHeadEvaluation
        // step 2), so resolving it inside the loop environment gives the spec's answer.
        self.visit_expression(right);
        self.visit_body(Construct::LoopBody, body);
        self.lexical = saved;
    }

    fn walk_for_head_declaration(&mut self, declaration: &VariableDeclaration<'a>) {
        let saved = std::mem::replace(
            &mut self.in_for_var_head,
            declaration.kind == VariableDeclarationKind::Var,
        );
        self.visit_variable_declaration(declaration);
        self.in_for_var_head = saved;
    }

    fn record_var_loop(
        &mut self,
        declaration: &VariableDeclaration<'a>,
        whole: oxc_span::Span,
        body: oxc_span::Span,
        in_of: bool,
    ) {
        if declaration.kind == VariableDeclarationKind::Var {
            let start = declaration.span.start;
            self.worklists.facts.var_loops.push(VarLoop {
                whole: span(whole),
                keyword: model::Span::new(start, start + 3),
                head: span(declaration.span),
                body: span(body),
                in_of,
            });
        }
    }

    fn push_loop_env(&mut self, per_iteration: bool, what: Construct, at: oxc_span::Span) {
        let owner = Owner::Anonymous {
            what,
            start: at.start,
        };
        let env = self.push_env(EnvKind::Block, owner, span(at), None);
        self.tables.env_mut(env).per_iteration = per_iteration;
    }
}
