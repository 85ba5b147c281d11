//! Module syntax, §16.2: imports bind in the module environment (§16.2.2); exports refer to
//! local bindings (§16.2.3), and `export default` names an anonymous function or class
//! `default`. Type-only imports and exports have no runtime binding.

use oxc_ast::ast::*;
use oxc_ast_visit::{Visit, walk};

use super::names::is_function_like;
use super::{Binder, span};
use crate::engine::model::DeclarationKind;

impl<'a> Binder<'_> {
    pub(super) fn walk_import(&mut self, declaration: &ImportDeclaration<'a>) {
        if declaration.import_kind.is_type() {
            return;
        }
        let env = self.lexical;
        for specifier in declaration.specifiers.iter().flatten() {
            let local = match specifier {
                ImportDeclarationSpecifier::ImportSpecifier(s) if s.import_kind.is_type() => {
                    continue;
                }
                ImportDeclarationSpecifier::ImportSpecifier(s) => &s.local,
                ImportDeclarationSpecifier::ImportDefaultSpecifier(s) => &s.local,
                ImportDeclarationSpecifier::ImportNamespaceSpecifier(s) => &s.local,
            };
            let name = self.intern(local.name.as_str());
            self.declare(env, name, DeclarationKind::Import, span(local.span));
        }
    }

    /// `export { a, b as c }`: reads of the local bindings.
    pub(super) fn walk_export_named(&mut self, declaration: &ExportNamedDeclaration<'a>) {
        if declaration.export_kind.is_type() {
            return;
        }
        for specifier in &declaration.specifiers {
            if specifier.export_kind.is_type() {
                continue;
            }
            if let ModuleExportName::IdentifierReference(local) = &specifier.local {
                self.visit_identifier_reference(local);
            }
        }
    }

    pub(super) fn walk_export_default(&mut self, declaration: &ExportDefaultDeclaration<'a>) {
        if let Some(expression) = declaration.declaration.as_expression()
            && is_function_like(expression)
        {
            self.pending_name = Some("default".into());
        }
        walk::walk_export_default_declaration(self, declaration);
        self.pending_name = None;
    }
}
