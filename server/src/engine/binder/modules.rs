//! Module syntax, §16.2: imports bind in the module environment (§16.2.2); exports refer to
//! local bindings (§16.2.3), and `export default` names an anonymous function or class
//! `default`. Type-only imports and exports have no runtime binding.

use oxc_ast::ast::*;
use oxc_ast_visit::{Visit, walk};
use oxc_span::GetSpan;

use super::names::is_function_like;
use super::{Binder, span};
use crate::engine::model::{DeclarationKind, NameRole};

/// The specifiers of an import declaration that bind at run time, with their local names:
/// type-only imports (`import type …`, `import { type a }`) bind nothing.
pub(crate) fn runtime_imports<'r, 'a>(
    declaration: &'r ImportDeclaration<'a>,
) -> impl Iterator<
    Item = (
        &'r ImportDeclarationSpecifier<'a>,
        &'r BindingIdentifier<'a>,
    ),
> {
    let specifiers = if declaration.import_kind.is_type() {
        None
    } else {
        declaration.specifiers.as_ref()
    };
    specifiers
        .into_iter()
        .flatten()
        .filter_map(|specifier| match specifier {
            ImportDeclarationSpecifier::ImportSpecifier(s) if s.import_kind.is_type() => None,
            ImportDeclarationSpecifier::ImportSpecifier(s) => Some((specifier, &s.local)),
            ImportDeclarationSpecifier::ImportDefaultSpecifier(s) => Some((specifier, &s.local)),
            ImportDeclarationSpecifier::ImportNamespaceSpecifier(s) => Some((specifier, &s.local)),
        })
}

impl<'a> Binder<'_> {
    pub(super) fn walk_import(&mut self, declaration: &ImportDeclaration<'a>) {
        let env = self.lexical;
        for (specifier, local) in runtime_imports(declaration) {
            let name = self.intern(local.name.as_str());
            let first = self.tables.declarations.len();
            self.declare(env, name, DeclarationKind::Import, span(local.span));
            if let ImportDeclarationSpecifier::ImportSpecifier(s) = specifier
                && s.imported.span() == s.local.span
            {
                self.tables
                    .mark_declaration(first, span(local.span), NameRole::ImportSpecifier);
            }
        }
    }

    /// `export function a`, `export const a`, `export class A`: the names declared at the top
    /// are the module's export names too.
    pub(super) fn walk_export_declaration(&mut self, declaration: &ExportDeclaration<'a>) {
        let first = self.tables.declarations.len();
        let top = (self.lexical, self.function.var_env);
        walk::walk_export_declaration(self, declaration);
        let tables = &mut self.tables;
        for d in &mut tables.declarations[first..] {
            let env = tables.bindings[d.binding.0 as usize].environment;
            if env == top.0 || env == top.1 {
                d.role = NameRole::ExportedDeclaration;
            }
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
                let first = self.tables.references.len();
                self.visit_identifier_reference(local);
                if specifier.exported.span() == local.span {
                    self.tables
                        .mark_reference(first, span(local.span), NameRole::ExportSpecifier);
                }
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
