//! The top level, §16.1 scripts (GlobalDeclarationInstantiation: `var`s and functions on the
//! global object, `let`/`const`/`class` in the script's declarative record) and §16.2 modules
//! (one module environment, strict); a CommonJS file is the body of Node's module wrapper
//! function.

use oxc_ast::ast::*;
use oxc_ast_visit::Visit;

use super::statements::declares_lexically_at_top;
use super::{Binder, FunctionContext};
use crate::engine::model::SourceKind;
use crate::engine::model::{self, DeclarationKind, EnvId, EnvKind, FunctionFlavor, Owner};

/// The parameters of Node's module wrapper, `(exports, require, module, __filename, __dirname)`.
const COMMONJS_PARAMETERS: [&str; 5] = ["exports", "require", "module", "__filename", "__dirname"];

impl<'a> Binder<'_> {
    pub(super) fn walk_program(&mut self, program: &Program<'a>) {
        let whole = model::Span::new(0, self.text.len() as u32);
        let strict_directive = program.has_use_strict_directive();
        match self.kind {
            SourceKind::Script => {
                self.set_strict(EnvId(0), strict_directive);
                // Without top-level lexical declarations the script record is unobservable.
                let body_env = if declares_lexically_at_top(&program.body) {
                    self.push_env(EnvKind::Script, Owner::Script, whole, None)
                } else {
                    EnvId(0)
                };
                self.function = FunctionContext {
                    var_env: EnvId(0),
                    body_env,
                };
            }
            SourceKind::Module => {
                let env = self.push_env(EnvKind::Module, Owner::Module, whole, None);
                self.set_strict(env, true);
                self.function = FunctionContext::one(env);
            }
            SourceKind::CommonJs => {
                let env = self.push_env(
                    EnvKind::Function,
                    Owner::CommonJsWrapper,
                    whole,
                    Some(FunctionFlavor::CommonJsWrapper),
                );
                self.set_strict(env, strict_directive);
                for name in COMMONJS_PARAMETERS {
                    let name = self.intern(name);
                    let implicit = model::Span::new(0, 0);
                    self.tables.add_binding(
                        env,
                        name,
                        DeclarationKind::CommonJsParameter,
                        implicit,
                    );
                }
                self.function = FunctionContext::one(env);
            }
        }
        self.visit_statements(&program.body);
    }
}
