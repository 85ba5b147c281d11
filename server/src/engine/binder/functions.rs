//! Functions and arrows: §10.2.11 FunctionDeclarationInstantiation (parameters, a separate
//! `function-body` environment when parameters have expressions, where function declarations
//! are bound, with Annex B.3.3's candidates), §15.2 a named function expression's own-name
//! environment, §15.3 arrow functions.

use oxc_ast::ast::*;
use oxc_ast_visit::Visit;
use oxc_span::GetSpan;

use super::{Binder, FunctionContext, span};
use crate::engine::model::{
    self, Construct, DeclarationKind, EnvId, EnvKind, FunctionFlavor, Owner,
};
use crate::engine::worklists::AnnexBCandidate;

impl<'a> Binder<'_> {
    pub(super) fn walk_function_definition(&mut self, func: &Function<'a>) {
        if func.body.is_none() || func.declare {
            // Overload signatures and `declare function`: no runtime binding or environment.
            self.pending_name = None;
            return;
        }
        let owner = if func.r#type == FunctionType::FunctionDeclaration {
            self.declare_function_name(func);
            self.pending_name = None;
            match &func.id {
                Some(id) => Owner::Named(id.name.as_str().to_owned()),
                None => Owner::Named("default".to_string()),
            }
        } else {
            self.owner_for(func.id.as_ref(), Construct::Function, func.span.start)
        };
        let method = std::mem::take(&mut self.names.method_next);
        let env = self.walk_function(func, owner);
        // V8 infers a name for function expressions that have none of their own.
        if func.r#type == FunctionType::FunctionExpression
            && func.id.is_none()
            && !method
            && let Some(env) = env
        {
            self.names.add_function(env);
        }
    }

    pub(super) fn walk_arrow(&mut self, arrow: &ArrowFunctionExpression<'a>) {
        let owner = self.owner_for(None, Construct::Arrow, arrow.span.start);
        let inferrer = self.names.enter_body(spec_name(&owner));
        let saved_lexical = self.lexical;
        let env = self.push_env(
            EnvKind::Function,
            owner,
            span(arrow.span),
            Some(FunctionFlavor::Arrow),
        );
        if arrow.has_use_strict_directive() {
            self.set_strict(env, true);
        }
        let between = (arrow.params.span.end, arrow.body.span().start);
        if let Some(at) = self
            .text
            .get(between.0 as usize..between.1 as usize)
            .and_then(|t| t.find("=>"))
        {
            let start = between.0 + at as u32;
            self.worklists
                .facts
                .closure_heads
                .push((model::Span::new(start, start + 2), env));
        }
        self.in_function(FunctionContext::one(env), |b| {
            b.function_params_and_body(env, &arrow.params, span(arrow.body.span()), |b| {
                b.visit_arrow_function_body(&arrow.body);
            });
        });
        self.lexical = saved_lexical;
        self.names.leave_body(inferrer);
        self.names.add_function(env);
    }

    /// The environments of a function with a body, owned by `owner`: also a method's.
    pub(super) fn walk_function(&mut self, func: &Function<'a>, owner: Owner) -> Option<EnvId> {
        let body = func.body.as_ref()?;
        let inferrer = self.names.enter_body(spec_name(&owner));
        let saved_lexical = self.lexical;
        let is_expression = func.r#type == FunctionType::FunctionExpression;
        let whole = span(func.span);
        if is_expression && let Some(id) = &func.id {
            // A named function expression binds its own name in an environment of its own
            // between the function and its surroundings (FunctionExpression evaluation, step 2).
            let env = self.push_env(EnvKind::FunctionName, owner.clone(), whole, None);
            let name = self.intern(id.name.as_str());
            self.declare(env, name, DeclarationKind::FunctionName, span(id.span));
        }
        let env = self.push_env(
            EnvKind::Function,
            owner,
            whole,
            Some(FunctionFlavor::Function),
        );
        if func.has_use_strict_directive() {
            self.set_strict(env, true);
        }
        let window = (func.span.start as usize)
            ..(func.span.start as usize + 24).min(func.params.span.start as usize);
        if let Some(at) = self.text.get(window).and_then(|t| t.find("function")) {
            let start = func.span.start + at as u32;
            self.worklists
                .facts
                .closure_heads
                .push((model::Span::new(start, start + 8), env));
        }
        self.in_function(FunctionContext::one(env), |b| {
            b.function_params_and_body(env, &func.params, span(body.span), |b| {
                b.visit_function_body(body);
            });
        });
        self.lexical = saved_lexical;
        self.names.leave_body(inferrer);
        Some(env)
    }

    /// The owner of a function, arrow or class: its own name, else the one inferred from where
    /// it is defined, else where it starts.
    pub(super) fn owner_for(
        &mut self,
        id: Option<&BindingIdentifier<'a>>,
        what: Construct,
        start: u32,
    ) -> Owner {
        let inferred = self.pending_name.take();
        // Taken by the first function met, named or not, so that none inside inherits it.
        let callback_to = self.callback_to.take();
        match (id, inferred) {
            (Some(id), _) => Owner::Named(id.name.as_str().to_owned()),
            (None, Some(name)) => Owner::Named(name),
            (None, None) => match callback_to {
                Some(to) => Owner::Callback { what, to, start },
                None => Owner::Anonymous { what, start },
            },
        }
    }

    /// Parameters, then (if the parameters contain expressions) a separate `function-body`
    /// environment for the body's `var`s, as FunctionDeclarationInstantiation step 28 does.
    fn function_params_and_body(
        &mut self,
        env: EnvId,
        params: &FormalParameters<'a>,
        body_span: model::Span,
        body: impl FnOnce(&mut Self),
    ) {
        self.declare_parameters(params, env);
        let simple = params.rest.is_none()
            && params.items.iter().all(|p| {
                p.initializer.is_none() && matches!(p.pattern, BindingPattern::BindingIdentifier(_))
            });
        if !simple {
            self.worklists.allocation.non_simple_parameters.push(env);
            for param in &params.items {
                let end = param
                    .initializer
                    .as_ref()
                    .map_or(param.pattern.span().end, |i| i.span().end);
                self.worklists
                    .facts
                    .initializations
                    .push((span(param.pattern.span()), end));
            }
        }
        let body_env = if has_parameter_expressions(params) {
            let owner = self.tables.env(env).owner.clone();
            self.push_env(EnvKind::FunctionBody, owner, body_span, None)
        } else {
            env
        };
        self.function = FunctionContext {
            var_env: body_env,
            body_env,
        };
        body(self);
    }

    fn declare_parameters(&mut self, params: &FormalParameters<'a>, env: EnvId) {
        for param in &params.items {
            self.visit_decorators(&param.decorators);
            self.declare_pattern(&param.pattern, env, DeclarationKind::Parameter);
            if let Some(init) = &param.initializer {
                match &param.pattern {
                    // `(cb = () => {})`: the default is named after the parameter.
                    BindingPattern::BindingIdentifier(id) => {
                        self.named_value(id.name.as_str(), init)
                    }
                    _ => self.visit_expression(init),
                }
            }
        }
        if let Some(rest) = &params.rest {
            self.declare_pattern(&rest.rest.argument, env, DeclarationKind::Parameter);
        }
    }

    /// A function declaration's name: var-scoped at the top level of a function or script,
    /// lexical in a block (where sloppy code may also give it a `var` binding, Annex B.3.3).
    fn declare_function_name(&mut self, func: &Function<'a>) {
        let Some(id) = &func.id else { return };
        let name = self.intern(id.name.as_str());
        let at = span(id.span);
        if self.lexical == self.function.body_env {
            let target = self.function.var_env;
            self.declare(target, name, DeclarationKind::Function, at);
        } else {
            self.declare(self.lexical, name, DeclarationKind::Function, at);
            if !self.is_strict() && !func.r#async && !func.generator {
                self.worklists.annex_b.push(AnnexBCandidate {
                    name,
                    span: at,
                    block_env: self.lexical,
                    var_env: self.function.var_env,
                    body_env: self.function.body_env,
                });
            }
        }
    }
}

/// ContainsExpression of a parameter list: defaults, or computed keys / defaults in patterns.
pub(crate) fn has_parameter_expressions(params: &FormalParameters<'_>) -> bool {
    params
        .items
        .iter()
        .any(|p| p.initializer.is_some() || pattern_has_expression(&p.pattern))
        || params
            .rest
            .as_ref()
            .is_some_and(|r| pattern_has_expression(&r.rest.argument))
}

fn pattern_has_expression(pattern: &BindingPattern<'_>) -> bool {
    match pattern {
        BindingPattern::BindingIdentifier(_) => false,
        BindingPattern::AssignmentPattern(_) => true,
        BindingPattern::ObjectPattern(object) => {
            object
                .properties
                .iter()
                .any(|p| p.computed || pattern_has_expression(&p.value))
                || object
                    .rest
                    .as_ref()
                    .is_some_and(|r| pattern_has_expression(&r.argument))
        }
        BindingPattern::ArrayPattern(array) => {
            array.elements.iter().flatten().any(pattern_has_expression)
                || array
                    .rest
                    .as_ref()
                    .is_some_and(|r| pattern_has_expression(&r.argument))
        }
    }
}

/// The name the spec gives a function (V8's `SharedFunctionInfo::Name`): a class's constructor
/// is the class.
fn spec_name(owner: &Owner) -> Option<&str> {
    match owner {
        Owner::Named(name) => Some(name),
        Owner::Member { class, key } if key == "constructor" => match &**class {
            Owner::Named(name) => Some(name),
            _ => None,
        },
        Owner::Member { key, .. } => Some(key),
        _ => None,
    }
}
