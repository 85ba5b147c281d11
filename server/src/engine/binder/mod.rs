//! Pass 1: walks oxc's AST once, creating environments as the ECMAScript spec does and recording
//! every declaration and reference with the environment it occurs in, in [`Tables`]. What needs
//! every environment's declarations first (hoisting) is set aside in [`Worklists`] for
//! [`super::resolve`].
//!
//! We build environments from the AST rather than from `oxc_semantic`'s scope tree because that
//! tree merges environments the spec keeps apart (see "Spec corrections" in ARCHITECTURE.md):
//! parameters and body `var`s share one scope even when parameters have expressions; a catch
//! parameter sits in the body block's scope; a class declaration's name is not bound inside the
//! class; a named function expression's name shares the function's scope. Correcting those after
//! the fact means re-resolving every reference anyway, so one walk that gets them right is both
//! simpler and faster.
//!
//! This file holds the walker's state and dispatches oxc's visitor to the files named after the
//! parts of the spec they implement.

mod classes;
mod declarations;
mod functions;
mod loops;
mod modules;
mod names;
mod program;
mod references;
mod statements;
mod typescript;

use oxc_ast::ast::*;
use oxc_ast_visit::{Visit, walk};
use oxc_syntax::scope::ScopeFlags;

// The rules the index's summary pass (`engine::summary`) shares with the binder.
/// A visitor that binds (the binder, the summary pass's declaration walk) skips types: they
/// are not runtime references.
macro_rules! skip_types {
    () => {
        fn visit_ts_type(&mut self, _it: &TSType<'a>) {}
        fn visit_ts_type_annotation(&mut self, _it: &TSTypeAnnotation<'a>) {}
        fn visit_ts_type_parameter_declaration(&mut self, _it: &TSTypeParameterDeclaration<'a>) {}
        fn visit_ts_type_parameter_instantiation(
            &mut self,
            _it: &TSTypeParameterInstantiation<'a>,
        ) {
        }
        fn visit_ts_interface_declaration(&mut self, _it: &TSInterfaceDeclaration<'a>) {}
        fn visit_ts_type_alias_declaration(&mut self, _it: &TSTypeAliasDeclaration<'a>) {}
        fn visit_ts_class_implements(&mut self, _it: &TSClassImplements<'a>) {}
        fn visit_ts_this_parameter(&mut self, _it: &TSThisParameter<'a>) {}
    };
}
pub(crate) use skip_types;

pub(crate) use functions::has_parameter_expressions;
pub(crate) use modules::runtime_imports;
pub(crate) use statements::{declares_lexically, declares_lexically_at_top};
pub(crate) use typescript::module_reference_root;

use super::loop_facts::Loop;
use super::model::{
    self, Construct, DeclarationKind, EnvId, EnvKind, FunctionFlavor, NameId, Owner,
    ReferenceFlags, SourceKind,
};
use super::tables::{ReferenceIndex, Tables};
use super::worklists::Worklists;

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

/// Walks `program`, the parse of `text` as `kind`.
pub(crate) fn bind(program: &Program<'_>, text: &str, kind: SourceKind) -> (Tables, Worklists) {
    let mut binder = Binder::new(text, kind);
    binder.visit_program(program);
    (binder.tables, binder.worklists)
}

fn span(s: oxc_span::Span) -> model::Span {
    model::Span::new(s.start, s.end)
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

impl FunctionContext {
    /// A function whose `var`s and top-level lexical declarations share one environment.
    fn one(env: EnvId) -> Self {
        Self {
            var_env: env,
            body_env: env,
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct Declaring {
    env: EnvId,
    kind: DeclarationKind,
}

struct Binder<'t> {
    text: &'t str,
    kind: SourceKind,
    tables: Tables,
    worklists: Worklists,
    /// Reused to spell private names (`#x`) without allocating for each use.
    private_name: String,
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
    /// The next function or arrow is a call's argument (the callee as written) or is called
    /// where it is written (`Some(None)`).
    callback_to: Option<Option<Box<str>>>,
    /// The next block is the body of this statement (`if`, `else`, `try`, a loop).
    block_role: Option<Construct>,
    /// V8's name inference for functions the spec leaves unnamed.
    names: names::Inferrer,
    /// The end of the outermost loop whose syntax `loop_facts` has recorded.
    loop_facts_until: u32,
}

impl<'t, 'a> Binder<'t> {
    fn new(text: &'t str, kind: SourceKind) -> Self {
        Self {
            text,
            kind,
            tables: Tables::new(text.len() as u32),
            worklists: Worklists::default(),
            private_name: String::new(),
            lexical: EnvId(0),
            function: FunctionContext::one(EnvId(0)),
            declaring: None,
            assign_mode: None,
            in_for_var_head: false,
            pending_name: None,
            callback_to: None,
            block_role: None,
            names: names::Inferrer::default(),
            loop_facts_until: 0,
        }
    }

    /// Records the syntax of an outermost loop for the pitfalls (`loop_facts`).
    fn loop_facts(&mut self, statement: Loop<'_, 'a>) {
        let at = statement.span();
        if at.start >= self.loop_facts_until {
            self.loop_facts_until = at.end;
            super::loop_facts::collect(&mut self.worklists.facts.loops, statement);
        }
    }

    fn intern(&mut self, name: &str) -> NameId {
        self.tables.intern_name(name)
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

    /// Enters a new child of the current environment.
    fn push_env(
        &mut self,
        kind: EnvKind,
        owner: Owner,
        span: model::Span,
        function: Option<FunctionFlavor>,
    ) -> EnvId {
        let id = self
            .tables
            .add_environment(self.lexical, kind, owner, span, function);
        self.lexical = id;
        id
    }

    fn set_strict(&mut self, env: EnvId, strict: bool) {
        self.tables.env_mut(env).strict = strict;
    }

    fn is_strict(&self) -> bool {
        self.tables.env(self.lexical).strict
    }

    /// Declares `name` in `env`; a second declaration of the same name joins the first binding.
    fn declare(&mut self, env: EnvId, name: NameId, kind: DeclarationKind, at: model::Span) {
        let shared = self.in_for_var_head && kind == DeclarationKind::Var;
        self.tables.declare(env, name, kind, at, shared);
    }

    /// Records a use of `name` in the current environment.
    fn reference(
        &mut self,
        name: NameId,
        at: model::Span,
        flags: ReferenceFlags,
    ) -> ReferenceIndex {
        self.tables.add_reference(name, at, self.lexical, flags)
    }

    fn with_declaring(&mut self, declaring: Option<Declaring>, f: impl FnOnce(&mut Self)) {
        let saved = std::mem::replace(&mut self.declaring, declaring);
        f(self);
        self.declaring = saved;
    }

    /// Declares the bound names of a pattern and walks its default values and computed keys.
    fn declare_pattern(&mut self, pattern: &BindingPattern<'a>, env: EnvId, kind: DeclarationKind) {
        self.with_declaring(Some(Declaring { env, kind }), |b| {
            b.visit_binding_pattern(pattern)
        });
    }

    /// Runs `f` as the body of a function-like environment, then returns to the environment
    /// around it.
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

    /// Visits an expression in a position where V8's name inferrer keeps the names it pushes
    /// (a member's object, a callee, an operand): no state of its own.
    fn visit_flat(&mut self, expression: &Expression<'a>) {
        let saved = self.assign_mode.take();
        walk::walk_expression(self, expression);
        self.assign_mode = saved;
    }

    /// A statement's body; a block there is named after the statement (`<if block at 3:9>`).
    fn visit_body(&mut self, role: Construct, body: &Statement<'a>) {
        if matches!(body, Statement::BlockStatement(_)) {
            self.block_role = Some(role);
        }
        self.visit_statement(body);
        self.block_role = None;
    }

    fn walk_computed_key(&mut self, key: &PropertyKey<'a>) {
        if let Some(expression) = key.as_expression() {
            self.visit_expression(expression);
        }
    }
}

impl<'a> Visit<'a> for Binder<'_> {
    // ---- Scripts and modules: program.rs, modules.rs.

    fn visit_program(&mut self, program: &Program<'a>) {
        self.walk_program(program);
    }

    fn visit_import_declaration(&mut self, declaration: &ImportDeclaration<'a>) {
        self.walk_import(declaration);
    }

    fn visit_export_named_declaration(&mut self, declaration: &ExportNamedDeclaration<'a>) {
        self.walk_export_named(declaration);
    }

    fn visit_export_default_declaration(&mut self, declaration: &ExportDefaultDeclaration<'a>) {
        self.walk_export_default(declaration);
    }

    fn visit_export_declaration(&mut self, declaration: &ExportDeclaration<'a>) {
        self.walk_export_declaration(declaration);
    }

    fn visit_jsx_element_name(&mut self, name: &JSXElementName<'a>) {
        let first = self.tables.references.len();
        walk::walk_jsx_element_name(self, name);
        if let JSXElementName::IdentifierReference(id) = name {
            self.tables
                .mark_reference(first, span(id.span), model::NameRole::JsxTag);
        }
    }

    fn visit_export_from_declaration(&mut self, _declaration: &ExportFromDeclaration<'a>) {}

    fn visit_export_all_declaration(&mut self, _declaration: &ExportAllDeclaration<'a>) {}

    // ---- References and assignments: references.rs.

    fn visit_expression(&mut self, expression: &Expression<'a>) {
        // Identifiers inside an expression are read, even within an assignment target
        // (`a[i] = 1` reads `a` and `i`).
        // Every other position is an AssignmentExpression to V8's parser: a state of its name
        // inferrer, which forgets the names pushed inside when it ends.
        let mark = self.names.mark();
        self.visit_flat(expression);
        self.names.truncate(mark);
    }

    fn visit_statement(&mut self, statement: &Statement<'a>) {
        let mark = self.names.mark();
        walk::walk_statement(self, statement);
        self.names.truncate(mark);
        self.names.statement_ended();
    }

    fn visit_static_member_expression(&mut self, expression: &StaticMemberExpression<'a>) {
        self.visit_flat(&expression.object);
        self.push_property_name(&expression.property);
    }

    fn visit_computed_member_expression(&mut self, expression: &ComputedMemberExpression<'a>) {
        self.visit_flat(&expression.object);
        self.visit_expression(&expression.expression);
        self.push_computed_name(&expression.expression);
    }

    fn visit_new_expression(&mut self, expression: &NewExpression<'a>) {
        self.visit_flat(&expression.callee);
        self.visit_call_arguments(&expression.callee, &expression.arguments);
        self.names.remove_last_function();
    }

    fn visit_if_statement(&mut self, statement: &IfStatement<'a>) {
        self.visit_expression(&statement.test);
        self.visit_body(Construct::IfBlock, &statement.consequent);
        if let Some(alternate) = &statement.alternate {
            self.visit_body(Construct::ElseBlock, alternate);
        }
    }

    fn visit_try_statement(&mut self, statement: &TryStatement<'a>) {
        self.block_role = Some(Construct::TryBlock);
        self.visit_block_statement(&statement.block);
        if let Some(handler) = &statement.handler {
            self.visit_catch_clause(handler);
        }
        if let Some(finalizer) = &statement.finalizer {
            self.block_role = Some(Construct::FinallyBlock);
            self.visit_block_statement(finalizer);
        }
        self.block_role = None;
    }

    fn visit_while_statement(&mut self, statement: &WhileStatement<'a>) {
        self.loop_facts(Loop::While(statement));
        self.visit_expression(&statement.test);
        self.visit_body(Construct::LoopBody, &statement.body);
    }

    fn visit_do_while_statement(&mut self, statement: &DoWhileStatement<'a>) {
        self.loop_facts(Loop::DoWhile(statement));
        self.visit_body(Construct::LoopBody, &statement.body);
        self.visit_expression(&statement.test);
    }

    fn visit_binary_expression(&mut self, expression: &BinaryExpression<'a>) {
        self.visit_flat(&expression.left);
        self.visit_flat(&expression.right);
    }

    fn visit_logical_expression(&mut self, expression: &LogicalExpression<'a>) {
        self.visit_flat(&expression.left);
        self.visit_flat(&expression.right);
    }

    fn visit_conditional_expression(&mut self, expression: &ConditionalExpression<'a>) {
        self.visit_flat(&expression.test);
        self.visit_expression(&expression.consequent);
        self.visit_expression(&expression.alternate);
    }

    fn visit_await_expression(&mut self, expression: &AwaitExpression<'a>) {
        self.visit_flat(&expression.argument);
    }

    fn visit_parenthesized_expression(&mut self, expression: &ParenthesizedExpression<'a>) {
        // `(function () { … })`: V8 compiles it eagerly, its body parsed within these names.
        if matches!(expression.expression, Expression::FunctionExpression(_)) {
            self.names.eager_next = true;
        }
        self.visit_expression(&expression.expression);
        self.names.eager_next = false;
    }

    fn visit_identifier_reference(&mut self, ident: &IdentifierReference<'a>) {
        self.walk_identifier_reference(ident);
    }

    fn visit_expression_statement(&mut self, statement: &ExpressionStatement<'a>) {
        if let Expression::AssignmentExpression(assignment) = &statement.expression
            && assignment.operator == AssignmentOperator::Assign
            && let AssignmentTarget::AssignmentTargetIdentifier(id) = &assignment.left
            && id.span.start == statement.span.start
        {
            self.worklists
                .facts
                .statement_assignments
                .push(id.span.start);
        }
        self.visit_expression(&statement.expression);
    }

    fn visit_assignment_expression(&mut self, expression: &AssignmentExpression<'a>) {
        self.walk_assignment(expression);
    }

    fn visit_unary_expression(&mut self, expression: &UnaryExpression<'a>) {
        self.walk_unary(expression);
    }

    fn visit_update_expression(&mut self, expression: &UpdateExpression<'a>) {
        let saved = self.assign_mode.replace(READ_WRITE);
        self.visit_simple_assignment_target(&expression.argument);
        self.assign_mode = saved;
    }

    fn visit_assignment_target_with_default(&mut self, target: &AssignmentTargetWithDefault<'a>) {
        self.visit_assignment_target(&target.binding);
        match &target.binding {
            AssignmentTarget::AssignmentTargetIdentifier(id) => {
                self.named_value(id.name.as_str(), &target.init);
            }
            _ => self.visit_expression(&target.init),
        }
    }

    fn visit_assignment_target_property_property(
        &mut self,
        property: &AssignmentTargetPropertyProperty<'a>,
    ) {
        self.walk_computed_key(&property.name);
        self.visit_assignment_target_maybe_default(&property.binding);
    }

    fn visit_import_expression(&mut self, expression: &ImportExpression<'a>) {
        self.worklists.record_marks.push(expression.span.start);
        walk::walk_import_expression(self, expression);
    }

    fn visit_call_expression(&mut self, call: &CallExpression<'a>) {
        self.walk_call(call);
    }

    fn visit_object_property(&mut self, property: &ObjectProperty<'a>) {
        self.walk_object_property(property);
    }

    // ---- Declarations and binding patterns: declarations.rs.

    fn visit_variable_declaration(&mut self, declaration: &VariableDeclaration<'a>) {
        self.walk_variable_declaration(declaration);
    }

    fn visit_binding_identifier(&mut self, ident: &BindingIdentifier<'a>) {
        self.walk_binding_identifier(ident);
    }

    fn visit_assignment_pattern(&mut self, pattern: &AssignmentPattern<'a>) {
        self.visit_binding_pattern(&pattern.left);
        let saved = self.declaring.take();
        match &pattern.left {
            // `(cb = () => {})`, `{ a = function () {} }`: named after the binding.
            BindingPattern::BindingIdentifier(id) => {
                self.named_value(id.name.as_str(), &pattern.right)
            }
            _ => self.visit_expression(&pattern.right),
        }
        self.declaring = saved;
    }

    fn visit_binding_property(&mut self, property: &BindingProperty<'a>) {
        if property.computed {
            let saved = self.declaring.take();
            self.walk_computed_key(&property.key);
            self.declaring = saved;
        }
        let first = self.tables.declarations.len();
        self.visit_binding_pattern(&property.value);
        if property.shorthand {
            self.mark_shorthand_binding(first, &property.value);
        }
    }

    fn visit_assignment_target_property_identifier(
        &mut self,
        property: &AssignmentTargetPropertyIdentifier<'a>,
    ) {
        self.walk_assignment_target_property_identifier(property);
    }

    // ---- Functions and classes: functions.rs, classes.rs.

    fn visit_function(&mut self, func: &Function<'a>, _flags: ScopeFlags) {
        self.walk_function_definition(func);
    }

    fn visit_arrow_function_expression(&mut self, arrow: &ArrowFunctionExpression<'a>) {
        self.walk_arrow(arrow);
    }

    fn visit_class(&mut self, class: &Class<'a>) {
        self.walk_class(class);
    }

    fn visit_private_field_expression(&mut self, expression: &PrivateFieldExpression<'a>) {
        self.visit_flat(&expression.object);
        self.private_reference(&expression.field);
    }

    fn visit_private_in_expression(&mut self, expression: &PrivateInExpression<'a>) {
        self.private_reference(&expression.left);
        self.visit_expression(&expression.right);
    }

    // ---- Statements that create environments: statements.rs, loops.rs.

    fn visit_block_statement(&mut self, block: &BlockStatement<'a>) {
        self.walk_block(block);
    }

    fn visit_switch_statement(&mut self, statement: &SwitchStatement<'a>) {
        self.walk_switch(statement);
    }

    fn visit_catch_clause(&mut self, clause: &CatchClause<'a>) {
        self.walk_catch(clause);
    }

    fn visit_with_statement(&mut self, statement: &WithStatement<'a>) {
        self.walk_with(statement);
    }

    fn visit_for_statement(&mut self, statement: &ForStatement<'a>) {
        self.loop_facts(Loop::For(statement));
        self.walk_for(statement);
    }

    fn visit_for_in_statement(&mut self, statement: &ForInStatement<'a>) {
        self.loop_facts(Loop::ForIn(statement));
        let kind = Construct::ForInLoop;
        self.walk_for_in_of(
            &statement.left,
            &statement.right,
            &statement.body,
            kind,
            statement.span,
        );
    }

    fn visit_for_of_statement(&mut self, statement: &ForOfStatement<'a>) {
        self.loop_facts(Loop::ForOf(statement));
        let kind = Construct::ForOfLoop;
        self.walk_for_in_of(
            &statement.left,
            &statement.right,
            &statement.body,
            kind,
            statement.span,
        );
    }

    // ---- TypeScript: typescript.rs. Types are not runtime references.

    skip_types!();
    // Ambient: no runtime code, nothing to bind. The module record's walk still reads them
    // whole (`super::module_record`), so it is told where they are.
    fn visit_ts_global_declaration(&mut self, it: &TSGlobalDeclaration<'a>) {
        self.worklists.record_marks.push(it.span.start);
    }
    fn visit_ts_external_module_declaration(&mut self, it: &TSExternalModuleDeclaration<'a>) {
        self.worklists.record_marks.push(it.span.start);
    }

    fn visit_ts_enum_declaration(&mut self, declaration: &TSEnumDeclaration<'a>) {
        self.walk_ts_enum(declaration);
    }

    fn visit_ts_namespace_declaration(&mut self, declaration: &TSNamespaceDeclaration<'a>) {
        self.walk_ts_namespace(declaration);
    }

    fn visit_ts_import_equals_declaration(&mut self, declaration: &TSImportEqualsDeclaration<'a>) {
        self.walk_ts_import_equals(declaration);
    }
}
