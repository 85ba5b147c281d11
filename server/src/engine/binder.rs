//! Pass 1: walks oxc's AST once, creating environments as the ECMAScript spec does and recording
//! every declaration and reference with the environment it occurs in. Resolution happens after
//! the walk ([`super::resolve`]), when every environment's bindings are known (hoisting).
//!
//! We build environments from the AST rather than from `oxc_semantic`'s scope tree because that
//! tree merges environments the spec keeps apart (see "Spec corrections" in ARCHITECTURE.md):
//! parameters and body `var`s share one scope even when parameters have expressions; a catch
//! parameter sits in the body block's scope; a class declaration's name is not bound inside the
//! class; a named function expression's name shares the function's scope. Correcting those after
//! the fact means re-resolving every reference anyway, so one walk that gets them right is both
//! simpler and faster.

use std::collections::hash_map::Entry;

use oxc_ast::ast::*;
use oxc_ast_visit::{Visit, walk};
use oxc_span::GetSpan;
use oxc_syntax::scope::ScopeFlags;
use rustc_hash::FxHashMap;

use super::model::{
    self, Analysis, Binding, BindingId, Declaration, DeclarationKind, Degradation, EnvId, EnvKind,
    Environment, FunctionFlavor, NameId, NameIds, NameRole, Names, Reference, ReferenceFlags,
    SourceKind,
};
use super::resolve;
use std::sync::Arc;

use crate::text::LineIndex;

const READ: ReferenceFlags = ReferenceFlags {
    read: true,
    write: false,
};
const WRITE: ReferenceFlags = ReferenceFlags {
    read: false,
    write: true,
};
const READ_WRITE: ReferenceFlags = ReferenceFlags {
    read: true,
    write: true,
};

pub(crate) fn bind(
    program: &Program<'_>,
    text: &str,
    kind: SourceKind,
    line_index: Arc<LineIndex>,
) -> Analysis {
    let mut binder = Binder::new(text, kind, line_index);
    binder.visit_program(program);
    binder.finish()
}

/// A model with only the global environment.
pub(crate) fn empty(_text: &str, kind: SourceKind, line_index: Arc<LineIndex>) -> Analysis {
    let len = line_index.len();
    Analysis {
        source_kind: kind,
        environments: vec![new_env(
            EnvKind::Global,
            "globalThis".into(),
            None,
            model::Span::new(0, len),
            None,
            false,
        )],
        bindings: Vec::new(),
        references: Vec::new(),
        declarations: Vec::new(),
        names: Names::default(),
        name_ids: NameIds::default(),
        syntax_errors: Vec::new(),
        degradation: Degradation::default(),
        line_index,
        table: FxHashMap::default(),
        env_by_start: vec![EnvId(0)],
    }
}

fn new_env(
    kind: EnvKind,
    owner: String,
    parent: Option<EnvId>,
    span: model::Span,
    function: Option<FunctionFlavor>,
    strict: bool,
) -> Environment {
    Environment {
        kind,
        owner,
        parent,
        span,
        function,
        strict,
        per_iteration: false,
        has_sloppy_eval: false,
        bindings: Vec::new(),
        captures: Vec::new(),
    }
}

fn span(s: oxc_span::Span) -> model::Span {
    model::Span::new(s.start, s.end)
}

/// Initial capacities, from the text's length, so the lists and tables the walk fills rarely
/// grow (each growth copies or rehashes all that is there). On the benchmark's inputs code has
/// a reference per 37 to 61 bytes, a binding per 140 to 240 and an environment per 320 to 950.
struct Capacity {
    references: usize,
    bindings: usize,
    names: usize,
    environments: usize,
}

impl Capacity {
    fn for_text(text: &str) -> Self {
        let len = text.len();
        Self {
            references: len / 32,
            bindings: len / 128,
            names: len / 256,
            environments: len / 256,
        }
    }
}

/// The function (or top level) whose code is being walked.
#[derive(Clone, Copy, Debug)]
struct FunctionContext {
    /// Where `var` declarations go.
    var_env: EnvId,
    /// Where the body's top-level lexical declarations go (script, module, function or
    /// function-body environment).
    body_env: EnvId,
}

#[derive(Clone, Copy, Debug)]
struct Declaring {
    env: EnvId,
    kind: DeclarationKind,
}

/// A function declared in a block of sloppy code: Annex B.3.3 may give it a `var` binding too.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AnnexBCandidate {
    pub name: NameId,
    pub span: model::Span,
    pub block_env: EnvId,
    pub var_env: EnvId,
    pub body_env: EnvId,
}

/// A call `eval(...)`: a direct eval if `eval` resolves to the global one.
#[derive(Clone, Copy, Debug)]
pub(crate) struct EvalCall {
    pub reference: usize,
    pub env: EnvId,
    pub var_env: EnvId,
    pub span: model::Span,
}

pub(crate) struct Binder<'t> {
    text: &'t str,
    pub(crate) line_index: Arc<LineIndex>,
    pub(crate) kind: SourceKind,
    pub(crate) envs: Vec<Environment>,
    pub(crate) bindings: Vec<Binding>,
    pub(crate) references: Vec<Reference>,
    pub(crate) declarations: Vec<Declaration>,
    pub(crate) names: Names,
    /// Name → id, handed to the analysis as it is.
    name_ids: NameIds,
    /// Reused to spell private names (`#x`) without allocating for each use.
    private_name: String,
    pub(crate) table: FxHashMap<(EnvId, NameId), BindingId>,
    pub(crate) annex_b: Vec<AnnexBCandidate>,
    pub(crate) eval_calls: Vec<EvalCall>,
    /// The innermost environment at the walk's position.
    lexical: EnvId,
    function: FunctionContext,
    declaring: Option<Declaring>,
    /// Set while walking an assignment target: how a bare identifier there is used.
    assign_mode: Option<ReferenceFlags>,
    /// Declaring `var`s of a `for` head: one binding shared by every iteration.
    in_for_var_head: bool,
    /// A name inferred for the next function, arrow or class expression (`const f = () => …`).
    pending_name: Option<String>,
    /// Names of the classes being walked, innermost last, for method owners (`Foo.bar`).
    class_names: Vec<String>,
    /// References in the update expression of a `for (let …)` loop, with the loop's
    /// environment: writes there do not make the loop's bindings `mutated`.
    pub(crate) per_iteration_updates: Vec<(usize, EnvId)>,
}

impl<'t, 'a> Binder<'t> {
    fn new(text: &'t str, kind: SourceKind, line_index: Arc<LineIndex>) -> Self {
        let mut envs = empty(text, kind, Arc::default()).environments;
        let hint = Capacity::for_text(text);
        envs.reserve(hint.environments);
        Self {
            text,
            line_index,
            kind,
            envs,
            bindings: Vec::with_capacity(hint.bindings),
            references: Vec::with_capacity(hint.references),
            declarations: Vec::with_capacity(hint.bindings),
            names: Names::with_capacity(hint.names),
            name_ids: NameIds::with_capacity(hint.names),
            private_name: String::new(),
            table: FxHashMap::with_capacity_and_hasher(hint.bindings, Default::default()),
            annex_b: Vec::new(),
            eval_calls: Vec::new(),
            lexical: EnvId(0),
            function: FunctionContext {
                var_env: EnvId(0),
                body_env: EnvId(0),
            },
            declaring: None,
            assign_mode: None,
            in_for_var_head: false,
            pending_name: None,
            class_names: Vec::new(),
            per_iteration_updates: Vec::new(),
        }
    }

    fn finish(mut self) -> Analysis {
        self.envs[0].span = model::Span::new(0, self.text.len() as u32);
        resolve::run(&mut self);
        // Give back what the capacity hints over-estimated (in place: no copying).
        self.envs.shrink_to_fit();
        self.bindings.shrink_to_fit();
        self.references.shrink_to_fit();
        self.declarations.shrink_to_fit();
        self.names.shrink_to_fit();
        let env_by_start = env_order(&self.envs);
        Analysis {
            source_kind: self.kind,
            environments: self.envs,
            bindings: self.bindings,
            references: self.references,
            declarations: self.declarations,
            names: self.names,
            name_ids: self.name_ids,
            syntax_errors: Vec::new(),
            degradation: Degradation::default(),
            line_index: self.line_index,
            table: self.table,
            env_by_start,
        }
    }

    pub(crate) fn intern(&mut self, name: &str) -> NameId {
        let hash = NameIds::hash(name);
        if let Some(id) = self.name_ids.get(&self.names, name, hash) {
            return id;
        }
        let id = self.names.push(name);
        self.name_ids.insert(hash, id);
        id
    }

    /// Interns `#name`, the name a private identifier `name` is bound and resolved by.
    fn intern_private(&mut self, name: &str) -> NameId {
        let mut spelled = std::mem::take(&mut self.private_name);
        spelled.clear();
        spelled.push('#');
        spelled.push_str(name);
        let id = self.intern(&spelled);
        self.private_name = spelled;
        id
    }

    fn at(&self, offset: u32) -> String {
        let (line, col) = self.line_index.human(offset);
        format!("{line}:{col}")
    }

    fn push_env(
        &mut self,
        kind: EnvKind,
        owner: String,
        span: model::Span,
        function: Option<FunctionFlavor>,
    ) -> EnvId {
        let parent = self.lexical;
        let strict = self.envs[parent.0 as usize].strict;
        let id = EnvId(self.envs.len() as u32);
        self.envs
            .push(new_env(kind, owner, Some(parent), span, function, strict));
        self.lexical = id;
        id
    }

    fn env_mut(&mut self, id: EnvId) -> &mut Environment {
        &mut self.envs[id.0 as usize]
    }

    /// Declares `name` in `env`; a second declaration of the same name joins the first binding.
    pub(crate) fn declare(
        &mut self,
        env: EnvId,
        name: NameId,
        kind: DeclarationKind,
        at: model::Span,
    ) -> BindingId {
        let binding = match self.table.entry((env, name)) {
            Entry::Occupied(existing) => *existing.get(),
            Entry::Vacant(slot) => {
                slot.insert(BindingId(self.bindings.len() as u32));
                let id = self.push_binding(env, name, kind, at);
                self.bindings[id.0 as usize].shared_across_iterations =
                    self.in_for_var_head && kind == DeclarationKind::Var;
                id
            }
        };
        if at.start < at.end {
            self.declarations.push(Declaration {
                span: at,
                binding,
                role: NameRole::Plain,
            });
        }
        binding
    }

    /// Adds a fresh binding without recording a declaring identifier.
    pub(crate) fn add_binding(
        &mut self,
        env: EnvId,
        name: NameId,
        kind: DeclarationKind,
        at: model::Span,
    ) -> BindingId {
        let id = self.push_binding(env, name, kind, at);
        self.table.insert((env, name), id);
        id
    }

    /// Adds a binding to the lists, not to the table.
    fn push_binding(
        &mut self,
        env: EnvId,
        name: NameId,
        kind: DeclarationKind,
        at: model::Span,
    ) -> BindingId {
        let id = BindingId(self.bindings.len() as u32);
        self.bindings.push(Binding {
            name,
            declaration: kind,
            environment: env,
            span: at,
            captured_by: Vec::new(),
            mutated: false,
            shared_across_iterations: false,
        });
        self.env_mut(env).bindings.push(id);
        id
    }

    fn reference(&mut self, name: NameId, at: model::Span, flags: ReferenceFlags) -> usize {
        self.references.push(Reference {
            name,
            span: at,
            environment: self.lexical,
            binding: None,
            hops: 0,
            flags,
            captured: false,
            dynamic: false,
            typeof_operand: false,
            role: NameRole::Plain,
        });
        self.references.len() - 1
    }

    /// Gives the reference recorded at `at` since index `first` its [`NameRole`].
    fn mark_reference(&mut self, first: usize, at: model::Span, role: NameRole) {
        if let Some(r) = self.references[first..].iter_mut().find(|r| r.span == at) {
            r.role = role;
        }
    }

    /// Gives the declaration recorded at `at` since index `first` its [`NameRole`].
    fn mark_declaration(&mut self, first: usize, at: model::Span, role: NameRole) {
        if let Some(d) = self.declarations[first..].iter_mut().find(|d| d.span == at) {
            d.role = role;
        }
    }

    fn with_declaring(&mut self, declaring: Option<Declaring>, f: impl FnOnce(&mut Self)) {
        let saved = std::mem::replace(&mut self.declaring, declaring);
        f(self);
        self.declaring = saved;
    }

    fn is_strict(&self) -> bool {
        self.envs[self.lexical.0 as usize].strict
    }

    /// Declares the bound names of a pattern and walks its default values and computed keys.
    fn declare_pattern(&mut self, pattern: &BindingPattern<'a>, env: EnvId, kind: DeclarationKind) {
        self.with_declaring(Some(Declaring { env, kind }), |b| {
            b.visit_binding_pattern(pattern)
        });
    }

    /// Runs `f` as the body of a function-like environment.
    fn in_function(&mut self, function: FunctionContext, f: impl FnOnce(&mut Self)) {
        let saved_function = std::mem::replace(&mut self.function, function);
        let saved_lexical = self.lexical;
        let saved_assign = self.assign_mode.take();
        let saved_for = std::mem::replace(&mut self.in_for_var_head, false);
        f(self);
        self.function = saved_function;
        self.lexical = saved_lexical;
        self.assign_mode = saved_assign;
        self.in_for_var_head = saved_for;
    }

    fn owner_for_function(
        &mut self,
        id: Option<&BindingIdentifier<'a>>,
        at: u32,
        what: &str,
    ) -> String {
        let pending = self.pending_name.take();
        match (id, pending) {
            (Some(id), _) => id.name.to_string(),
            (None, Some(name)) => name,
            (None, None) => format!("<{what} at {}>", self.at(at)),
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
        self.declare_pattern_list(params, env);
        let body_env = if has_parameter_expressions(params) {
            let owner = self.envs[env.0 as usize].owner.clone();
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

    fn declare_pattern_list(&mut self, params: &FormalParameters<'a>, env: EnvId) {
        for param in &params.items {
            self.visit_decorators(&param.decorators);
            self.declare_pattern(&param.pattern, env, DeclarationKind::Parameter);
            if let Some(init) = &param.initializer {
                self.visit_expression(init);
            }
        }
        if let Some(rest) = &params.rest {
            self.declare_pattern(&rest.rest.argument, env, DeclarationKind::Parameter);
        }
    }

    fn declare_function_name(&mut self, func: &Function<'a>) {
        let Some(id) = &func.id else { return };
        let name = self.intern(id.name.as_str());
        let at = span(id.span);
        if self.lexical == self.function.body_env {
            // Top level of a function, module or script: a var-scoped declaration.
            let target = self.function.var_env;
            self.declare(target, name, DeclarationKind::Function, at);
        } else {
            self.declare(self.lexical, name, DeclarationKind::Function, at);
            if !self.is_strict() && !func.r#async && !func.generator {
                self.annex_b.push(AnnexBCandidate {
                    name,
                    span: at,
                    block_env: self.lexical,
                    var_env: self.function.var_env,
                    body_env: self.function.body_env,
                });
            }
        }
    }

    fn walk_function(&mut self, func: &Function<'a>, owner: String) {
        let Some(body) = &func.body else { return };
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
            self.env_mut(env).strict = true;
        }
        self.in_function(
            FunctionContext {
                var_env: env,
                body_env: env,
            },
            |b| {
                b.function_params_and_body(env, &func.params, span(body.span), |b| {
                    b.visit_function_body(body);
                });
            },
        );
        self.lexical = saved_lexical;
    }

    fn walk_class(&mut self, class: &Class<'a>) {
        if class.declare {
            return;
        }
        let inferred = self.pending_name.take();
        if class.r#type == ClassType::ClassDeclaration
            && let Some(id) = &class.id
        {
            let name = self.intern(id.name.as_str());
            self.declare(self.lexical, name, DeclarationKind::Class, span(id.span));
        }
        self.visit_decorators(&class.decorators);
        let owner = match (&class.id, inferred) {
            (Some(id), _) => id.name.to_string(),
            (None, Some(name)) => name,
            (None, None) => format!("<class at {}>", self.at(class.span.start)),
        };
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
                self.add_binding(env, name, DeclarationKind::ClassName, span(id.span));
                if class.r#type == ClassType::ClassExpression {
                    self.declarations.push(Declaration {
                        span: span(id.span),
                        binding: BindingId(self.bindings.len() as u32 - 1),
                        role: NameRole::Plain,
                    });
                }
            }
            for private in private_names {
                let name = self.intern_private(&private.name);
                let binding = match self.table.get(&(env, name)) {
                    Some(&b) => b,
                    None => self.add_binding(
                        env,
                        name,
                        DeclarationKind::PrivateName,
                        span(private.span),
                    ),
                };
                self.declarations.push(Declaration {
                    span: span(private.span),
                    binding,
                    role: NameRole::Plain,
                });
            }
        }
        // Class code is strict. Without a class environment of its own the flag goes on the
        // enclosing environment for the duration of the class only.
        let strict_env = self.lexical;
        let saved_strict = self.envs[strict_env.0 as usize].strict;
        self.env_mut(strict_env).strict = true;
        if let Some(heritage) = &class.heritage {
            self.visit_expression(&heritage.expression);
        }
        self.class_names.push(owner.clone());
        for element in &class.body.body {
            self.walk_class_element(element, &owner);
        }
        self.class_names.pop();
        if strict_env == saved_lexical {
            self.env_mut(strict_env).strict = saved_strict;
        }
        self.lexical = saved_lexical;
    }

    fn walk_class_element(&mut self, element: &ClassElement<'a>, class: &str) {
        match element {
            ClassElement::MethodDefinition(method) => {
                self.visit_decorators(&method.decorators);
                self.walk_computed_key(&method.key);
                let owner = format!("{class}.{}", key_name(&method.key));
                self.with_strict(|b| b.walk_function(&method.value, owner));
            }
            ClassElement::PropertyDefinition(property) => {
                self.visit_decorators(&property.decorators);
                self.walk_computed_key(&property.key);
                if let Some(value) = &property.value {
                    let owner = format!("{class}.{}", key_name(&property.key));
                    self.walk_field_initializer(value, owner);
                }
            }
            ClassElement::AccessorProperty(property) => {
                self.visit_decorators(&property.decorators);
                self.walk_computed_key(&property.key);
                if let Some(value) = &property.value {
                    let owner = format!("{class}.{}", key_name(&property.key));
                    self.walk_field_initializer(value, owner);
                }
            }
            ClassElement::StaticBlock(block) => {
                let owner = format!("<class {class} static block>");
                let env = self.push_env(
                    EnvKind::Function,
                    owner,
                    span(block.span),
                    Some(FunctionFlavor::StaticBlock),
                );
                self.env_mut(env).strict = true;
                let saved = self.envs[env.0 as usize].parent.expect("has a parent");
                self.in_function(
                    FunctionContext {
                        var_env: env,
                        body_env: env,
                    },
                    |b| {
                        b.visit_statements(&block.body);
                    },
                );
                self.lexical = saved;
            }
            ClassElement::TSIndexSignature(_) => {}
        }
    }

    fn with_strict(&mut self, f: impl FnOnce(&mut Self)) {
        let env = self.lexical;
        let saved = self.envs[env.0 as usize].strict;
        self.env_mut(env).strict = true;
        f(self);
        self.env_mut(env).strict = saved;
    }

    /// A class field's initializer runs as a method of the class (ClassFieldDefinition), so it
    /// is a closure over the class's environment.
    fn walk_field_initializer(&mut self, value: &Expression<'a>, owner: String) {
        let saved = self.lexical;
        let env = self.push_env(
            EnvKind::Function,
            owner,
            span(value.span()),
            Some(FunctionFlavor::FieldInitializer),
        );
        self.env_mut(env).strict = true;
        self.in_function(
            FunctionContext {
                var_env: env,
                body_env: env,
            },
            |b| b.visit_expression(value),
        );
        self.lexical = saved;
    }

    fn walk_computed_key(&mut self, key: &PropertyKey<'a>) {
        if let Some(expression) = key.as_expression() {
            self.visit_expression(expression);
        }
    }

    fn push_block_if_declaring(
        &mut self,
        statements: &[Statement<'a>],
        owner: impl FnOnce(&Self) -> String,
        at: model::Span,
    ) -> bool {
        if declares_lexically(statements) {
            let owner = owner(self);
            self.push_env(EnvKind::Block, owner, at, None);
            true
        } else {
            false
        }
    }

    fn walk_program_top(&mut self, program: &Program<'a>) {
        let whole = model::Span::new(0, self.text.len() as u32);
        let strict_directive = program.has_use_strict_directive();
        match self.kind {
            SourceKind::Script => {
                self.env_mut(EnvId(0)).strict = strict_directive;
                let body_env = if declares_lexically_at_top(&program.body) {
                    self.push_env(EnvKind::Script, "script".into(), whole, None)
                } else {
                    EnvId(0)
                };
                self.function = FunctionContext {
                    var_env: EnvId(0),
                    body_env,
                };
            }
            SourceKind::Module => {
                let env = self.push_env(EnvKind::Module, "module".into(), whole, None);
                self.env_mut(env).strict = true;
                self.function = FunctionContext {
                    var_env: env,
                    body_env: env,
                };
            }
            SourceKind::CommonJs => {
                let env = self.push_env(
                    EnvKind::Function,
                    "<CommonJS module wrapper>".into(),
                    whole,
                    Some(FunctionFlavor::CommonJsWrapper),
                );
                self.env_mut(env).strict = strict_directive;
                for name in ["exports", "require", "module", "__filename", "__dirname"] {
                    let name = self.intern(name);
                    self.add_binding(
                        env,
                        name,
                        DeclarationKind::CommonJsParameter,
                        model::Span::new(0, 0),
                    );
                }
                self.function = FunctionContext {
                    var_env: env,
                    body_env: env,
                };
            }
        }
        self.visit_statements(&program.body);
    }

    fn walk_for_head_declaration(&mut self, declaration: &VariableDeclaration<'a>) {
        let saved = std::mem::replace(
            &mut self.in_for_var_head,
            declaration.kind == VariableDeclarationKind::Var,
        );
        self.visit_variable_declaration(declaration);
        self.in_for_var_head = saved;
    }

    fn loop_env(
        &mut self,
        left_is_lexical: bool,
        per_iteration: bool,
        what: &str,
        at: oxc_span::Span,
    ) -> bool {
        if !left_is_lexical {
            return false;
        }
        let owner = format!("<{what} at {}>", self.at(at.start));
        let env = self.push_env(EnvKind::Block, owner, span(at), None);
        self.env_mut(env).per_iteration = per_iteration;
        true
    }
}

/// Environments sorted by start offset, outer before inner at equal starts.
fn env_order(envs: &[Environment]) -> Vec<EnvId> {
    let mut depth = vec![0u32; envs.len()];
    for (i, env) in envs.iter().enumerate() {
        if let Some(parent) = env.parent {
            depth[i] = depth[parent.0 as usize] + 1;
        }
    }
    let mut order: Vec<EnvId> = (0..envs.len() as u32).map(EnvId).collect();
    order.sort_by_key(|&e| (envs[e.0 as usize].span.start, depth[e.0 as usize]));
    order
}

fn private_key<'k, 'a>(key: &'k PropertyKey<'a>) -> Option<&'k PrivateIdentifier<'a>> {
    match key {
        PropertyKey::PrivateIdentifier(id) => Some(id),
        _ => None,
    }
}

fn key_name(key: &PropertyKey<'_>) -> String {
    match key {
        PropertyKey::StaticIdentifier(id) => id.name.to_string(),
        PropertyKey::PrivateIdentifier(id) => format!("#{}", id.name),
        PropertyKey::StringLiteral(s) => s.value.to_string(),
        PropertyKey::NumericLiteral(n) => n.value.to_string(),
        _ => "[computed]".to_string(),
    }
}

/// ContainsExpression of a parameter list: defaults, or computed keys / defaults in patterns.
fn has_parameter_expressions(params: &FormalParameters<'_>) -> bool {
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

/// Does a statement list declare anything lexically (so its block needs an environment)?
fn declares_lexically(statements: &[Statement<'_>]) -> bool {
    statements
        .iter()
        .any(|s| statement_declares_lexically(s, true))
}

/// At a script's top level, function declarations are var-scoped: only let/const/class count.
fn declares_lexically_at_top(statements: &[Statement<'_>]) -> bool {
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

fn is_function_like(expression: &Expression<'_>) -> bool {
    matches!(
        expression.without_parentheses(),
        Expression::FunctionExpression(_)
            | Expression::ArrowFunctionExpression(_)
            | Expression::ClassExpression(_)
    )
}

impl<'a> Visit<'a> for Binder<'_> {
    fn visit_program(&mut self, program: &Program<'a>) {
        self.walk_program_top(program);
    }

    fn visit_expression(&mut self, expression: &Expression<'a>) {
        // Identifiers inside an expression are read, even within an assignment target
        // (`a[i] = 1` reads `a` and `i`).
        let saved = self.assign_mode.take();
        walk::walk_expression(self, expression);
        self.assign_mode = saved;
    }

    fn visit_identifier_reference(&mut self, ident: &IdentifierReference<'a>) {
        let flags = self.assign_mode.unwrap_or(READ);
        let name = self.intern(ident.name.as_str());
        self.reference(name, span(ident.span), flags);
    }

    fn visit_binding_identifier(&mut self, ident: &BindingIdentifier<'a>) {
        if let Some(declaring) = self.declaring {
            let name = self.intern(ident.name.as_str());
            self.declare(declaring.env, name, declaring.kind, span(ident.span));
        }
    }

    fn visit_assignment_pattern(&mut self, pattern: &AssignmentPattern<'a>) {
        self.visit_binding_pattern(&pattern.left);
        let saved = self.declaring.take();
        self.visit_expression(&pattern.right);
        self.declaring = saved;
    }

    fn visit_binding_property(&mut self, property: &BindingProperty<'a>) {
        if property.computed {
            let saved = self.declaring.take();
            self.walk_computed_key(&property.key);
            self.declaring = saved;
        }
        let first = self.declarations.len();
        self.visit_binding_pattern(&property.value);
        if property.shorthand {
            let id = match &property.value {
                BindingPattern::BindingIdentifier(id) => Some(id.span),
                BindingPattern::AssignmentPattern(p) => match &p.left {
                    BindingPattern::BindingIdentifier(id) => Some(id.span),
                    _ => None,
                },
                _ => None,
            };
            if let Some(at) = id {
                self.mark_declaration(first, span(at), NameRole::ShorthandProperty);
            }
        }
    }

    fn visit_assignment_target_property_identifier(
        &mut self,
        property: &AssignmentTargetPropertyIdentifier<'a>,
    ) {
        // `({ a } = o)` and `({ a = 1 } = o)`: always shorthand.
        let first = self.references.len();
        self.visit_identifier_reference(&property.binding);
        self.mark_reference(
            first,
            span(property.binding.span),
            NameRole::ShorthandProperty,
        );
        if let Some(init) = &property.init {
            self.visit_expression(init);
        }
    }

    // ---- Assignments: which identifiers are written.

    fn visit_assignment_expression(&mut self, expression: &AssignmentExpression<'a>) {
        let mode = if expression.operator == AssignmentOperator::Assign {
            WRITE
        } else {
            READ_WRITE
        };
        if expression.operator == AssignmentOperator::Assign
            && is_function_like(&expression.right)
            && let Some(name) = self.target_name(&expression.left)
        {
            self.assign_target(&expression.left, mode);
            self.pending_name = Some(name);
            self.visit_expression(&expression.right);
            self.pending_name = None;
            return;
        }
        self.assign_target(&expression.left, mode);
        self.visit_expression(&expression.right);
    }

    fn visit_unary_expression(&mut self, expression: &UnaryExpression<'a>) {
        if expression.operator == UnaryOperator::Typeof
            && let Expression::Identifier(ident) = expression.argument.without_parentheses()
        {
            let name = self.intern(ident.name.as_str());
            let index = self.reference(name, span(ident.span), READ);
            self.references[index].typeof_operand = true;
            return;
        }
        walk::walk_unary_expression(self, expression);
    }

    fn visit_update_expression(&mut self, expression: &UpdateExpression<'a>) {
        let saved = self.assign_mode.replace(READ_WRITE);
        self.visit_simple_assignment_target(&expression.argument);
        self.assign_mode = saved;
    }

    fn visit_assignment_target_with_default(&mut self, target: &AssignmentTargetWithDefault<'a>) {
        self.visit_assignment_target(&target.binding);
        self.visit_expression(&target.init);
    }

    fn visit_assignment_target_property_property(
        &mut self,
        property: &AssignmentTargetPropertyProperty<'a>,
    ) {
        self.walk_computed_key(&property.name);
        self.visit_assignment_target_maybe_default(&property.binding);
    }

    // ---- Declarations.

    fn visit_variable_declaration(&mut self, declaration: &VariableDeclaration<'a>) {
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
            if let Some(init) = &declarator.init {
                if let BindingPattern::BindingIdentifier(id) = &declarator.id
                    && is_function_like(init)
                {
                    self.pending_name = Some(id.name.to_string());
                }
                let saved = std::mem::replace(&mut self.in_for_var_head, false);
                self.visit_expression(init);
                self.in_for_var_head = saved;
                self.pending_name = None;
            }
        }
    }

    fn visit_function(&mut self, func: &Function<'a>, _flags: ScopeFlags) {
        if func.body.is_none() || func.declare {
            // Overload signatures and `declare function`: no runtime binding or environment.
            self.pending_name = None;
            return;
        }
        let owner = if func.r#type == FunctionType::FunctionDeclaration {
            self.declare_function_name(func);
            self.pending_name = None;
            match &func.id {
                Some(id) => id.name.to_string(),
                None => "default".to_string(),
            }
        } else {
            self.owner_for_function(func.id.as_ref(), func.span.start, "function")
        };
        self.walk_function(func, owner);
    }

    fn visit_arrow_function_expression(&mut self, arrow: &ArrowFunctionExpression<'a>) {
        let owner = self.owner_for_function(None, arrow.span.start, "arrow");
        let saved_lexical = self.lexical;
        let env = self.push_env(
            EnvKind::Function,
            owner,
            span(arrow.span),
            Some(FunctionFlavor::Arrow),
        );
        if arrow.has_use_strict_directive() {
            self.env_mut(env).strict = true;
        }
        self.in_function(
            FunctionContext {
                var_env: env,
                body_env: env,
            },
            |b| {
                b.function_params_and_body(env, &arrow.params, span(arrow.body.span()), |b| {
                    b.visit_arrow_function_body(&arrow.body);
                });
            },
        );
        self.lexical = saved_lexical;
    }

    fn visit_class(&mut self, class: &Class<'a>) {
        self.walk_class(class);
    }

    fn visit_private_field_expression(&mut self, expression: &PrivateFieldExpression<'a>) {
        self.visit_expression(&expression.object);
        let name = self.intern_private(&expression.field.name);
        self.reference(name, span(expression.field.span), READ);
    }

    fn visit_private_in_expression(&mut self, expression: &PrivateInExpression<'a>) {
        let name = self.intern_private(&expression.left.name);
        self.reference(name, span(expression.left.span), READ);
        self.visit_expression(&expression.right);
    }

    fn visit_object_property(&mut self, property: &ObjectProperty<'a>) {
        self.walk_computed_key(&property.key);
        if !property.computed && is_function_like(&property.value) {
            self.pending_name = Some(key_name(&property.key));
        }
        let first = self.references.len();
        self.visit_expression(&property.value);
        self.pending_name = None;
        if property.shorthand {
            self.mark_reference(
                first,
                span(property.value.span()),
                NameRole::ShorthandProperty,
            );
        }
    }

    fn visit_export_default_declaration(&mut self, declaration: &ExportDefaultDeclaration<'a>) {
        if let Some(expression) = declaration.declaration.as_expression()
            && is_function_like(expression)
        {
            self.pending_name = Some("default".into());
        }
        walk::walk_export_default_declaration(self, declaration);
        self.pending_name = None;
    }

    fn visit_import_declaration(&mut self, declaration: &ImportDeclaration<'a>) {
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
            let first = self.declarations.len();
            self.declare(env, name, DeclarationKind::Import, span(local.span));
            if let ImportDeclarationSpecifier::ImportSpecifier(s) = specifier
                && s.imported.span() == s.local.span
            {
                self.mark_declaration(first, span(local.span), NameRole::ImportSpecifier);
            }
        }
    }

    fn visit_export_declaration(&mut self, declaration: &ExportDeclaration<'a>) {
        let first = self.declarations.len();
        let top = (self.lexical, self.function.var_env);
        walk::walk_export_declaration(self, declaration);
        for d in &mut self.declarations[first..] {
            let env = self.bindings[d.binding.0 as usize].environment;
            if env == top.0 || env == top.1 {
                d.role = NameRole::ExportedDeclaration;
            }
        }
    }

    fn visit_jsx_element_name(&mut self, name: &JSXElementName<'a>) {
        let first = self.references.len();
        walk::walk_jsx_element_name(self, name);
        if let JSXElementName::IdentifierReference(id) = name {
            self.mark_reference(first, span(id.span), NameRole::JsxTag);
        }
    }

    fn visit_export_named_declaration(&mut self, declaration: &ExportNamedDeclaration<'a>) {
        if declaration.export_kind.is_type() {
            return;
        }
        for specifier in &declaration.specifiers {
            if specifier.export_kind.is_type() {
                continue;
            }
            if let ModuleExportName::IdentifierReference(local) = &specifier.local {
                let first = self.references.len();
                self.visit_identifier_reference(local);
                if specifier.exported.span() == local.span {
                    self.mark_reference(first, span(local.span), NameRole::ExportSpecifier);
                }
            }
        }
    }

    fn visit_export_from_declaration(&mut self, _declaration: &ExportFromDeclaration<'a>) {}

    fn visit_export_all_declaration(&mut self, _declaration: &ExportAllDeclaration<'a>) {}

    // ---- Environments.

    fn visit_block_statement(&mut self, block: &BlockStatement<'a>) {
        let saved = self.lexical;
        let at = span(block.span);
        self.push_block_if_declaring(
            &block.body,
            |b| format!("<block at {}>", b.at(at.start)),
            at,
        );
        self.visit_statements(&block.body);
        self.lexical = saved;
    }

    fn visit_for_statement(&mut self, statement: &ForStatement<'a>) {
        let saved = self.lexical;
        if let Some(ForStatementInit::VariableDeclaration(declaration)) = &statement.init {
            let lexical = declaration.kind != VariableDeclarationKind::Var;
            // CreatePerIterationEnvironment copies only `let` bindings; `const` needs no copy.
            self.loop_env(
                lexical,
                declaration.kind == VariableDeclarationKind::Let,
                "for loop",
                statement.span,
            );
            self.walk_for_head_declaration(declaration);
        } else if let Some(init) = &statement.init {
            self.visit_for_statement_init(init);
        }
        if let Some(test) = &statement.test {
            self.visit_expression(test);
        }
        if let Some(update) = &statement.update {
            // The update runs on the next iteration's copy of a per-iteration environment
            // (CreatePerIterationEnvironment comes first), so no closure sees its writes.
            let first = self.references.len();
            self.visit_expression(update);
            if self.envs[self.lexical.0 as usize].per_iteration {
                let env = self.lexical;
                self.per_iteration_updates
                    .extend((first..self.references.len()).map(|r| (r, env)));
            }
        }
        self.visit_statement(&statement.body);
        self.lexical = saved;
    }

    fn visit_for_in_statement(&mut self, statement: &ForInStatement<'a>) {
        self.walk_for_in_of(
            &statement.left,
            &statement.right,
            &statement.body,
            "for-in loop",
            statement.span,
        );
    }

    fn visit_for_of_statement(&mut self, statement: &ForOfStatement<'a>) {
        self.walk_for_in_of(
            &statement.left,
            &statement.right,
            &statement.body,
            "for-of loop",
            statement.span,
        );
    }

    fn visit_switch_statement(&mut self, statement: &SwitchStatement<'a>) {
        self.visit_expression(&statement.discriminant);
        let saved = self.lexical;
        let declares = statement
            .cases
            .iter()
            .any(|case| declares_lexically(&case.consequent));
        if declares {
            let owner = format!("<switch at {}>", self.at(statement.span.start));
            self.push_env(EnvKind::Block, owner, span(statement.span), None);
        }
        for case in &statement.cases {
            self.visit_switch_case(case);
        }
        self.lexical = saved;
    }

    fn visit_catch_clause(&mut self, clause: &CatchClause<'a>) {
        let saved = self.lexical;
        if let Some(param) = &clause.param {
            // The parameter lives in a catch environment of its own, outside the body block's
            // environment (oxc puts both in one scope).
            let owner = format!("<catch at {}>", self.at(clause.span.start));
            let env = self.push_env(EnvKind::Catch, owner, span(clause.span), None);
            self.declare_pattern(&param.pattern, env, DeclarationKind::CatchParameter);
        }
        self.visit_block_statement(&clause.body);
        self.lexical = saved;
    }

    fn visit_with_statement(&mut self, statement: &WithStatement<'a>) {
        self.visit_expression(&statement.object);
        let saved = self.lexical;
        let owner = format!("<with at {}>", self.at(statement.span.start));
        self.push_env(EnvKind::With, owner, span(statement.body.span()), None);
        self.visit_statement(&statement.body);
        self.lexical = saved;
    }

    fn visit_call_expression(&mut self, call: &CallExpression<'a>) {
        walk::walk_call_expression(self, call);
        if let Expression::Identifier(callee) = &call.callee
            && callee.name == "eval"
            && !call.optional
        {
            // The callee's reference was recorded first among this call's references.
            let reference = self
                .references
                .iter()
                .rposition(|r| r.span == span(callee.span))
                .expect("callee was just visited");
            self.eval_calls.push(EvalCall {
                reference,
                env: self.lexical,
                var_env: self.function.var_env,
                span: span(call.span),
            });
        }
    }

    // ---- TypeScript: types are not runtime references.

    fn visit_ts_type(&mut self, _it: &TSType<'a>) {}
    fn visit_ts_type_annotation(&mut self, _it: &TSTypeAnnotation<'a>) {}
    fn visit_ts_type_parameter_declaration(&mut self, _it: &TSTypeParameterDeclaration<'a>) {}
    fn visit_ts_type_parameter_instantiation(&mut self, _it: &TSTypeParameterInstantiation<'a>) {}
    fn visit_ts_interface_declaration(&mut self, _it: &TSInterfaceDeclaration<'a>) {}
    fn visit_ts_type_alias_declaration(&mut self, _it: &TSTypeAliasDeclaration<'a>) {}
    fn visit_ts_class_implements(&mut self, _it: &TSClassImplements<'a>) {}
    fn visit_ts_this_parameter(&mut self, _it: &TSThisParameter<'a>) {}
    fn visit_ts_global_declaration(&mut self, _it: &TSGlobalDeclaration<'a>) {}
    fn visit_ts_external_module_declaration(&mut self, _it: &TSExternalModuleDeclaration<'a>) {}

    fn visit_ts_enum_declaration(&mut self, declaration: &TSEnumDeclaration<'a>) {
        if declaration.declare {
            return;
        }
        // Member initializers refer to sibling members by bare name; we do not model that
        // scope, so they are not walked.
        let name = self.intern(declaration.id.name.as_str());
        self.declare(
            self.lexical,
            name,
            DeclarationKind::Enum,
            span(declaration.id.span),
        );
    }

    fn visit_ts_namespace_declaration(&mut self, declaration: &TSNamespaceDeclaration<'a>) {
        if declaration.declare {
            return;
        }
        let name = self.intern(declaration.id.name.as_str());
        self.declare(
            self.lexical,
            name,
            DeclarationKind::Namespace,
            span(declaration.id.span),
        );
        // A namespace body compiles to a function called with the namespace object.
        let owner = format!("namespace {}", declaration.id.name);
        let saved = self.lexical;
        let env = self.push_env(
            EnvKind::Function,
            owner,
            span(declaration.span),
            Some(FunctionFlavor::Namespace),
        );
        self.in_function(
            FunctionContext {
                var_env: env,
                body_env: env,
            },
            |b| match &declaration.body {
                TSNamespaceDeclarationBody::TSModuleBlock(block) => b.visit_statements(&block.body),
                TSNamespaceDeclarationBody::TSNamespaceDeclaration(inner) => {
                    b.visit_ts_namespace_declaration(inner)
                }
            },
        );
        self.lexical = saved;
    }

    fn visit_ts_import_equals_declaration(&mut self, declaration: &TSImportEqualsDeclaration<'a>) {
        if declaration.import_kind.is_type() {
            return;
        }
        let name = self.intern(declaration.id.name.as_str());
        self.declare(
            self.lexical,
            name,
            DeclarationKind::Import,
            span(declaration.id.span),
        );
        match &declaration.module_reference {
            TSModuleReference::IdentifierReference(id) => self.visit_identifier_reference(id),
            TSModuleReference::QualifiedName(qualified) => {
                let mut left = &qualified.left;
                while let TSTypeName::QualifiedName(q) = left {
                    left = &q.left;
                }
                if let TSTypeName::IdentifierReference(id) = left {
                    self.visit_identifier_reference(id);
                }
            }
            TSModuleReference::ExternalModuleReference(_) => {}
        }
    }
}

impl<'a> Binder<'_> {
    fn assign_target(&mut self, target: &AssignmentTarget<'a>, mode: ReferenceFlags) {
        let saved = self.assign_mode.replace(mode);
        self.visit_assignment_target(target);
        self.assign_mode = saved;
    }

    /// `a` or `a.b.c` as an owner name for a function assigned to it.
    fn target_name(&self, target: &AssignmentTarget<'a>) -> Option<String> {
        let at = target.span();
        let text = self.text.get(at.start as usize..at.end as usize)?;
        (text.len() <= 60 && !text.contains(['\n', '\r', '(', '['])).then(|| text.to_string())
    }

    fn walk_for_in_of(
        &mut self,
        left: &ForStatementLeft<'a>,
        right: &Expression<'a>,
        body: &Statement<'a>,
        what: &str,
        at: oxc_span::Span,
    ) {
        let saved = self.lexical;
        match left {
            ForStatementLeft::VariableDeclaration(declaration) => {
                let lexical = declaration.kind != VariableDeclarationKind::Var;
                // Each iteration gets a fresh environment for the loop's let and const.
                self.loop_env(lexical, true, what, at);
                self.walk_for_head_declaration(declaration);
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
        self.visit_statement(body);
        self.lexical = saved;
    }
}
