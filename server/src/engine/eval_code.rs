//! §19.2.1.3 EvalDeclarationInstantiation, for the one case known before run time: a direct
//! `eval` in sloppy code whose argument is a string literal. Its `var`s and function
//! declarations (with Annex B's copies of functions declared in blocks) go to the enclosing
//! variable environment; this finds their names.

use oxc_allocator::Allocator;
use oxc_ast::ast::*;
use oxc_ast_visit::{Visit, walk};
use oxc_parser::Parser;
use oxc_span::SourceType;
use oxc_syntax::scope::ScopeFlags;

/// Longest eval source parsed; longer code (generated bundles) is left to run time.
const MAX_EVAL_SOURCE: usize = 64 << 10;

/// The names the code declares with `var` or a top-level function declaration, in order;
/// nothing when it does not parse (a SyntaxError at run time declares nothing either).
pub(crate) fn var_scoped_names(code: &str) -> Vec<String> {
    if code.len() > MAX_EVAL_SOURCE {
        return Vec::new();
    }
    let allocator = Allocator::default();
    let parsed = Parser::new(&allocator, code, SourceType::cjs()).parse();
    if parsed.panicked || !parsed.diagnostics.is_empty() {
        return Vec::new();
    }
    let mut names = VarNames {
        names: Vec::new(),
        functions: 0,
    };
    names.visit_program(&parsed.program);
    names.names
}

struct VarNames {
    names: Vec<String>,
    /// Functions entered: their `var`s are their own.
    functions: u32,
}

impl VarNames {
    fn add(&mut self, name: &str) {
        if !self.names.iter().any(|n| n == name) {
            self.names.push(name.to_owned());
        }
    }
}

impl<'a> Visit<'a> for VarNames {
    fn visit_variable_declaration(&mut self, declaration: &VariableDeclaration<'a>) {
        if self.functions == 0 && declaration.kind == VariableDeclarationKind::Var {
            for declarator in &declaration.declarations {
                for id in declarator.id.get_binding_identifiers() {
                    self.add(id.name.as_str());
                }
            }
        }
        walk::walk_variable_declaration(self, declaration);
    }

    fn visit_function(&mut self, func: &Function<'a>, flags: ScopeFlags) {
        if self.functions == 0
            && func.is_declaration()
            && let Some(id) = &func.id
        {
            self.add(id.name.as_str());
        }
        self.functions += 1;
        walk::walk_function(self, func, flags);
        self.functions -= 1;
    }

    fn visit_arrow_function_expression(&mut self, _arrow: &ArrowFunctionExpression<'a>) {}
}

#[cfg(test)]
mod tests {
    use super::var_scoped_names;

    #[test]
    fn vars_and_function_declarations_not_inner_ones() {
        assert_eq!(
            var_scoped_names(
                "var a = 1, { b, c: [d] } = o; let e; for (var i of x) { var f; }\n\
                 function g() { var inner; } if (1) { function h() {} } class K {}\n\
                 (function () { var nope; }); () => { var nope2; };"
            ),
            // `h`, a function in a block, too: sloppy eval code gets Annex B's `var` copy
            // (B.3.2.3).
            ["a", "b", "d", "i", "f", "g", "h"]
        );
        assert!(var_scoped_names("var = ;").is_empty());
    }
}
