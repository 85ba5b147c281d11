//! TypeScript's runtime declarations, as compiled to JavaScript: an `enum` and a `namespace`
//! bind a name, a namespace body is a function called with the namespace object, and
//! `import x = a.b` binds `x` and reads `a`. Types (skipped in the visitor) and `declare` forms
//! have no runtime binding.

use oxc_ast::ast::*;
use oxc_ast_visit::Visit;

use super::{Binder, FunctionContext, span};
use crate::engine::model::{DeclarationKind, EnvKind, FunctionFlavor, Owner};

impl<'a> Binder<'_> {
    pub(super) fn walk_ts_enum(&mut self, declaration: &TSEnumDeclaration<'a>) {
        if declaration.declare {
            return;
        }
        // Member initializers refer to sibling members by bare name; we do not model that
        // scope, so they are not walked.
        let name = self.intern(declaration.id.name.as_str());
        let at = span(declaration.id.span);
        self.declare(self.lexical, name, DeclarationKind::Enum, at);
    }

    pub(super) fn walk_ts_namespace(&mut self, declaration: &TSNamespaceDeclaration<'a>) {
        if declaration.declare {
            return;
        }
        let name = self.intern(declaration.id.name.as_str());
        let at = span(declaration.id.span);
        self.declare(self.lexical, name, DeclarationKind::Namespace, at);
        let owner = Owner::Namespace(declaration.id.name.as_str().to_owned());
        let saved = self.lexical;
        let env = self.push_env(
            EnvKind::Function,
            owner,
            span(declaration.span),
            Some(FunctionFlavor::Namespace),
        );
        self.in_function(FunctionContext::one(env), |b| match &declaration.body {
            TSNamespaceDeclarationBody::TSModuleBlock(block) => b.visit_statements(&block.body),
            TSNamespaceDeclarationBody::TSNamespaceDeclaration(inner) => {
                b.visit_ts_namespace_declaration(inner)
            }
        });
        self.lexical = saved;
    }

    pub(super) fn walk_ts_import_equals(&mut self, declaration: &TSImportEqualsDeclaration<'a>) {
        if declaration.import_kind.is_type() {
            return;
        }
        let name = self.intern(declaration.id.name.as_str());
        let at = span(declaration.id.span);
        self.declare(self.lexical, name, DeclarationKind::Import, at);
        if let Some(id) = module_reference_root(&declaration.module_reference) {
            self.visit_identifier_reference(id);
        }
    }
}

/// The identifier an `import x = a.b.c` reads at run time (`a`); none for
/// `import x = require('m')`.
pub(crate) fn module_reference_root<'r, 'a>(
    reference: &'r TSModuleReference<'a>,
) -> Option<&'r IdentifierReference<'a>> {
    let mut name = match reference {
        TSModuleReference::IdentifierReference(id) => return Some(id),
        TSModuleReference::QualifiedName(qualified) => &qualified.left,
        TSModuleReference::ExternalModuleReference(_) => return None,
    };
    while let TSTypeName::QualifiedName(q) = name {
        name = &q.left;
    }
    match name {
        TSTypeName::IdentifierReference(id) => Some(id),
        _ => None,
    }
}
