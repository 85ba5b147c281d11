//! Classes, §15.7 ClassDefinitionEvaluation: the class environment that binds the class's own
//! name and its private names around the heritage and the body; methods, field initializers
//! (ClassFieldDefinition) and `static { }` blocks as closures over it; class code is strict.

use std::sync::Arc;

use oxc_ast::ast::*;
use oxc_ast_visit::Visit;
use oxc_span::GetSpan;

use super::names::{is_function_like, key_name};
use super::{Binder, FunctionContext, READ, span};
use crate::engine::model::{Construct, DeclarationKind, EnvKind, FunctionFlavor, Owner};

impl<'a> Binder<'_> {
    pub(super) fn walk_class(&mut self, class: &Class<'a>) {
        if class.declare {
            return;
        }
        let owner = self.owner_for(class.id.as_ref(), Construct::Class, class.span.start);
        if class.r#type == ClassType::ClassDeclaration
            && let Some(id) = &class.id
        {
            let name = self.intern(id.name.as_str());
            self.declare(self.lexical, name, DeclarationKind::Class, span(id.span));
            self.worklists
                .facts
                .initializations
                .push((span(id.span), class.span.end));
        }
        self.visit_decorators(&class.decorators);
        let saved_lexical = self.lexical;
        let private_names: Vec<&PrivateIdentifier<'a>> = class
            .body
            .body
            .iter()
            .filter_map(|element| match element {
                ClassElement::MethodDefinition(m) => private_key(&m.key),
                ClassElement::PropertyDefinition(p) => private_key(&p.key),
                ClassElement::AccessorProperty(p) => private_key(&p.key),
                _ => None,
            })
            .collect();
        if class.id.is_some() || !private_names.is_empty() {
            // ClassDefinitionEvaluation: the class's own name (and its private names) live in a
            // class environment around the heritage and the body. oxc binds a class
            // declaration's name only outside; inside, references see this inner binding.
            let env = self.push_env(EnvKind::Class, owner.clone(), span(class.span), None);
            if let Some(id) = &class.id {
                let name = self.intern(id.name.as_str());
                let at = span(id.span);
                let binding = self
                    .tables
                    .add_binding(env, name, DeclarationKind::ClassName, at);
                if class.r#type == ClassType::ClassExpression {
                    self.tables.add_declaration(at, binding);
                }
            }
            for private in private_names {
                let name = self.intern_private(&private.name);
                let at = span(private.span);
                let binding = match self.tables.lookup(env, name) {
                    Some(b) => b,
                    None => self
                        .tables
                        .add_binding(env, name, DeclarationKind::PrivateName, at),
                };
                self.tables.add_declaration(at, binding);
            }
        }
        // Class code is strict. Without a class environment of its own the flag goes on the
        // enclosing environment for the duration of the class only.
        let strict_env = self.lexical;
        let saved_strict = self.tables.env(strict_env).strict;
        self.set_strict(strict_env, true);
        if let Some(heritage) = &class.heritage {
            self.visit_expression(&heritage.expression);
        }
        let class_owner = Arc::new(owner);
        for element in &class.body.body {
            self.walk_class_element(element, &class_owner);
        }
        if strict_env == saved_lexical {
            self.set_strict(strict_env, saved_strict);
        }
        self.lexical = saved_lexical;
    }

    /// A use of a private name (`this.#x`, `#x in o`), resolved like an identifier by `#x`.
    pub(super) fn private_reference(&mut self, id: &PrivateIdentifier<'a>) {
        let name = self.intern_private(&id.name);
        self.reference(name, span(id.span), READ);
    }

    fn walk_class_element(&mut self, element: &ClassElement<'a>, class: &Arc<Owner>) {
        match element {
            ClassElement::MethodDefinition(method) => {
                self.visit_decorators(&method.decorators);
                self.walk_computed_key(&method.key);
                let mut owner = member(class, &method.key);
                // Accessors are named `get x` / `set x`, as V8 names them.
                if let (Owner::Member { key, .. }, Some(prefix)) =
                    (&mut owner, accessor(method.kind))
                {
                    *key = format!("{prefix} {key}");
                }
                self.with_strict(|b| {
                    b.walk_function(&method.value, owner);
                });
            }
            ClassElement::PropertyDefinition(property) => {
                self.visit_decorators(&property.decorators);
                self.walk_computed_key(&property.key);
                if let Some(value) = &property.value {
                    let owner = member(class, &property.key);
                    self.walk_field_initializer(&property.key, value, owner);
                }
            }
            ClassElement::AccessorProperty(property) => {
                self.visit_decorators(&property.decorators);
                self.walk_computed_key(&property.key);
                if let Some(value) = &property.value {
                    let owner = member(class, &property.key);
                    self.walk_field_initializer(&property.key, value, owner);
                }
            }
            ClassElement::StaticBlock(block) => {
                let owner = Owner::StaticBlock {
                    class: Arc::clone(class),
                };
                let saved = self.lexical;
                let env = self.push_env(
                    EnvKind::Function,
                    owner,
                    span(block.span),
                    Some(FunctionFlavor::StaticBlock),
                );
                self.set_strict(env, true);
                self.in_function(FunctionContext::one(env), |b| {
                    b.visit_statements(&block.body)
                });
                self.lexical = saved;
            }
            ClassElement::TSIndexSignature(_) => {}
        }
    }

    fn with_strict(&mut self, f: impl FnOnce(&mut Self)) {
        let env = self.lexical;
        let saved = self.tables.env(env).strict;
        self.set_strict(env, true);
        f(self);
        self.set_strict(env, saved);
    }

    /// A class field's initializer runs as a method of the class (ClassFieldDefinition), so it
    /// is a closure over the class's environment.
    fn walk_field_initializer(
        &mut self,
        key: &PropertyKey<'a>,
        value: &Expression<'a>,
        owner: Owner,
    ) {
        let saved = self.lexical;
        let env = self.push_env(
            EnvKind::Function,
            owner,
            span(value.span()),
            Some(FunctionFlavor::FieldInitializer),
        );
        self.set_strict(env, true);
        // `x = () => {}`: the function is named after the field (NamedEvaluation).
        let name = is_function_like(value).then(|| key_name(key));
        self.in_function(FunctionContext::one(env), |b| {
            b.infer_field(key, |b| {
                b.pending_name = name;
                b.visit_expression(value);
                b.pending_name = None;
            });
        });
        self.lexical = saved;
    }
}

fn private_key<'k, 'a>(key: &'k PropertyKey<'a>) -> Option<&'k PrivateIdentifier<'a>> {
    match key {
        PropertyKey::PrivateIdentifier(id) => Some(id),
        _ => None,
    }
}

/// The owner of a class member: `Foo.bar`.
fn accessor(kind: MethodDefinitionKind) -> Option<&'static str> {
    match kind {
        MethodDefinitionKind::Get => Some("get"),
        MethodDefinitionKind::Set => Some("set"),
        MethodDefinitionKind::Method | MethodDefinitionKind::Constructor => None,
    }
}

fn member(class: &Arc<Owner>, key: &PropertyKey<'_>) -> Owner {
    Owner::Member {
        class: Arc::clone(class),
        key: key_name(key),
    }
}
