//! `var`, `let`, `const` and `using` declarations (§14.3): `var` goes to the function's (or the
//! script's) variable environment, the others to the innermost one; the bound names of binding
//! patterns are declared as they are walked.

use oxc_ast::ast::*;
use oxc_ast_visit::Visit;
use oxc_span::GetSpan;

use super::names::is_function_like;
use super::{Binder, span};
use crate::engine::model::DeclarationKind;

impl<'a> Binder<'_> {
    pub(super) fn walk_variable_declaration(&mut self, declaration: &VariableDeclaration<'a>) {
        let (env, kind) = match declaration.kind {
            VariableDeclarationKind::Var => (self.function.var_env, DeclarationKind::Var),
            VariableDeclarationKind::Let => (self.lexical, DeclarationKind::Let),
            VariableDeclarationKind::Const => (self.lexical, DeclarationKind::Const),
            VariableDeclarationKind::Using | VariableDeclarationKind::AwaitUsing => {
                (self.lexical, DeclarationKind::Using)
            }
        };
        for declarator in &declaration.declarations {
            self.declare_pattern(&declarator.id, env, kind);
            if kind != DeclarationKind::Var {
                self.worklists
                    .facts
                    .initializations
                    .push((span(declarator.id.span()), declarator.span.end));
            }
            if let Some(init) = &declarator.init {
                let mark = self.names.mark();
                let id = match &declarator.id {
                    BindingPattern::BindingIdentifier(id) => Some(id),
                    _ => None,
                };
                if let Some(id) = id {
                    self.names.push_variable(id.span);
                    if is_function_like(init) {
                        self.pending_name = Some(id.name.as_str().to_owned());
                    }
                }
                let saved = std::mem::replace(&mut self.in_for_var_head, false);
                self.visit_expression(init);
                self.in_for_var_head = saved;
                self.pending_name = None;
                if id.is_some() {
                    self.infer_names_unless_call(init);
                }
                self.names.truncate(mark);
            }
        }
    }

    /// A name bound by the pattern being declared, if one is.
    pub(super) fn walk_binding_identifier(&mut self, ident: &BindingIdentifier<'a>) {
        if let Some(declaring) = self.declaring {
            let name = self.intern(ident.name.as_str());
            self.declare(declaring.env, name, declaring.kind, span(ident.span));
        }
    }
}
