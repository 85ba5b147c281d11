//! Statements that create environments: §14.2 blocks (BlockDeclarationInstantiation), §14.12
//! `switch` case blocks, §14.15 `catch` parameters, §14.11 `with` object environments. A block
//! or case block that declares nothing gets no environment (unobservable, as in V8).

use oxc_ast::ast::*;
use oxc_ast_visit::Visit;
use oxc_span::GetSpan;

use super::{Binder, span};
use crate::engine::model::{Construct, DeclarationKind, EnvKind, Owner, SwitchFacts};

impl<'a> Binder<'_> {
    pub(super) fn walk_block(&mut self, block: &BlockStatement<'a>) {
        let saved = self.lexical;
        let role = self.block_role.take();
        if declares_lexically(&block.body) {
            let owner = Owner::Anonymous {
                what: role.unwrap_or(Construct::Block),
                start: block.span.start,
            };
            self.push_env(EnvKind::Block, owner, span(block.span), None);
        }
        self.visit_statements(&block.body);
        self.lexical = saved;
    }

    pub(super) fn walk_switch(&mut self, statement: &SwitchStatement<'a>) {
        self.visit_expression(&statement.discriminant);
        let saved = self.lexical;
        let declares = statement
            .cases
            .iter()
            .any(|case| declares_lexically(&case.consequent));
        if declares {
            let cases = statement
                .cases
                .iter()
                .map(|case| (span(case.span), ends_in_jump(&case.consequent)))
                .collect();
            self.worklists.facts.switches.push(SwitchFacts {
                whole: span(statement.span),
                cases,
            });
            let owner = Owner::Anonymous {
                what: Construct::Switch,
                start: statement.span.start,
            };
            self.push_env(EnvKind::Block, owner, span(statement.span), None);
        }
        for case in &statement.cases {
            self.visit_switch_case(case);
        }
        self.lexical = saved;
    }

    pub(super) fn walk_catch(&mut self, clause: &CatchClause<'a>) {
        let saved = self.lexical;
        if let Some(param) = &clause.param {
            // The parameter lives in a catch environment of its own, outside the body block's
            // environment (oxc puts both in one scope).
            let owner = Owner::Anonymous {
                what: Construct::Catch,
                start: clause.span.start,
            };
            let env = self.push_env(EnvKind::Catch, owner, span(clause.span), None);
            self.declare_pattern(&param.pattern, env, DeclarationKind::CatchParameter);
            if matches!(param.pattern, BindingPattern::BindingIdentifier(_)) {
                self.worklists.allocation.simple_catches.push(env);
            }
        }
        self.visit_block_statement(&clause.body);
        self.lexical = saved;
    }

    pub(super) fn walk_with(&mut self, statement: &WithStatement<'a>) {
        self.visit_expression(&statement.object);
        let saved = self.lexical;
        let owner = Owner::Anonymous {
            what: Construct::With,
            start: statement.span.start,
        };
        self.push_env(EnvKind::With, owner, span(statement.body.span()), None);
        self.visit_statement(&statement.body);
        self.lexical = saved;
    }
}

/// Does a statement list declare anything lexically (so its block needs an environment)?
pub(crate) fn declares_lexically(statements: &[Statement<'_>]) -> bool {
    statements
        .iter()
        .any(|s| statement_declares_lexically(s, true))
}

/// At a script's top level, function declarations are var-scoped: only let/const/class count.
pub(crate) fn declares_lexically_at_top(statements: &[Statement<'_>]) -> bool {
    statements
        .iter()
        .any(|s| statement_declares_lexically(s, false))
}

fn statement_declares_lexically(statement: &Statement<'_>, functions_count: bool) -> bool {
    match statement {
        Statement::VariableDeclaration(d) => d.kind != VariableDeclarationKind::Var,
        Statement::ClassDeclaration(c) => !c.declare,
        Statement::FunctionDeclaration(f) => functions_count && f.body.is_some(),
        Statement::TSEnumDeclaration(e) => !e.declare,
        Statement::TSNamespaceDeclaration(n) => !n.declare,
        Statement::TSImportEqualsDeclaration(_) => true,
        Statement::LabeledStatement(l) => statement_declares_lexically(&l.body, functions_count),
        _ => false,
    }
}

/// The statements end in an unconditional `break`, `continue`, `return` or `throw`.
fn ends_in_jump(statements: &[Statement<'_>]) -> bool {
    match statements.last() {
        Some(
            Statement::BreakStatement(_)
            | Statement::ContinueStatement(_)
            | Statement::ReturnStatement(_)
            | Statement::ThrowStatement(_),
        ) => true,
        Some(Statement::BlockStatement(block)) => ends_in_jump(&block.body),
        _ => false,
    }
}
