//! Declarations without a walk of the whole tree. The environments the module record asks
//! about are the top level's (imports, exports, `require` and `module`, read off its
//! statements) and, for an identifier inside a function or block, the ones around it. So the
//! top level's declarations are read from its statements (into nested blocks and loops for
//! `var`, never into expressions), and a question about an identifier inside a nested scope
//! descends from the program to it, asking each scope on the way whether it declares the name
//! (the spec's VarScopedDeclarations and LexicallyScopedDeclarations of that scope, as the
//! binder binds them). Module code is strict; in sloppy code a function declared in a block
//! may also be bound in its function (Annex B.3.3): a question about such a name is unsure,
//! and the caller leaves files with a direct `eval` to the full walk.

use oxc_ast::ast::*;
use oxc_ast_visit::{Visit, walk};
use oxc_span::GetSpan;
use oxc_syntax::scope::ScopeFlags;
use rustc_hash::FxHashMap;
use std::cell::RefCell;

use super::super::binder::has_parameter_expressions;
use crate::engine::model::DeclarationKind;
use crate::engine::module_record::binding_identifiers;

/// The top level's declarations, in the order the binder makes them: `(name, identifier,
/// kind)`. Imports, the top level's `var`/`let`/`const`/functions/classes (exported or not),
/// and `var`s in nested statements; in sloppy code ([`DeclarationKind::AnnexBFunction`]) the
/// functions declared in its blocks.
pub(super) fn top_declarations<'a>(
    program: &Program<'a>,
    strict: bool,
    out: &mut Vec<(&'a str, oxc_span::Span, DeclarationKind)>,
) -> Result<(), &'static str> {
    for statement in &program.body {
        match statement {
            Statement::ImportDeclaration(d) => {
                if d.import_kind.is_type() {
                    continue;
                }
                for specifier in d.specifiers.iter().flatten() {
                    let local = match specifier {
                        ImportDeclarationSpecifier::ImportSpecifier(s)
                            if s.import_kind.is_type() =>
                        {
                            continue;
                        }
                        ImportDeclarationSpecifier::ImportSpecifier(s) => &s.local,
                        ImportDeclarationSpecifier::ImportDefaultSpecifier(s) => &s.local,
                        ImportDeclarationSpecifier::ImportNamespaceSpecifier(s) => &s.local,
                    };
                    out.push((local.name.as_str(), local.span, DeclarationKind::Import));
                }
            }
            Statement::ExportDeclaration(d) => declaration(&d.declaration, out)?,
            Statement::ExportDefaultDeclaration(d) => match &d.declaration {
                ExportDefaultDeclarationKind::FunctionDeclaration(f) => function(f, out),
                ExportDefaultDeclarationKind::ClassDeclaration(c) => class(c, out),
                _ => {}
            },
            other => scan(other, true, &mut |name, at, kind| {
                if !(strict && kind == DeclarationKind::AnnexBFunction) {
                    out.push((name, at, kind))
                }
            })?,
        }
    }
    Ok(())
}

fn function<'a>(f: &Function<'a>, out: &mut Vec<(&'a str, oxc_span::Span, DeclarationKind)>) {
    if f.body.is_some()
        && !f.declare
        && let Some(id) = &f.id
    {
        out.push((id.name.as_str(), id.span, DeclarationKind::Function));
    }
}

fn class<'a>(c: &Class<'a>, out: &mut Vec<(&'a str, oxc_span::Span, DeclarationKind)>) {
    if !c.declare
        && let Some(id) = &c.id
    {
        out.push((id.name.as_str(), id.span, DeclarationKind::Class));
    }
}

fn declaration<'a>(
    d: &Declaration<'a>,
    out: &mut Vec<(&'a str, oxc_span::Span, DeclarationKind)>,
) -> Result<(), &'static str> {
    match d {
        Declaration::VariableDeclaration(v) => {
            variable_declaration(v, true, &mut |name, at, kind| out.push((name, at, kind)))
        }
        Declaration::FunctionDeclaration(f) => function(f, out),
        Declaration::ClassDeclaration(c) => class(c, out),
        Declaration::TSInterfaceDeclaration(_) | Declaration::TSTypeAliasDeclaration(_) => {}
        _ => return Err("TypeScript enums, namespaces or import-equals at the top"),
    }
    Ok(())
}

fn variable_declaration<'a>(
    v: &VariableDeclaration<'a>,
    top: bool,
    found: &mut impl FnMut(&'a str, oxc_span::Span, DeclarationKind),
) {
    let kind = match v.kind {
        VariableDeclarationKind::Var => DeclarationKind::Var,
        _ if !top => return,
        VariableDeclarationKind::Let => DeclarationKind::Let,
        VariableDeclarationKind::Const => DeclarationKind::Const,
        VariableDeclarationKind::Using | VariableDeclarationKind::AwaitUsing => {
            DeclarationKind::Using
        }
    };
    for d in &v.declarations {
        binding_identifiers(&d.id, &mut |id| found(id.name.as_str(), id.span, kind));
    }
}

/// The declarations of a function's (or the module's) body that land in its own scope: at
/// its top (`top`) everything but imports, below it only `var`s; never inside functions,
/// classes or expressions. Strict code: a function declared in a block stays in the block.
fn scan<'a>(
    statement: &Statement<'a>,
    top: bool,
    found: &mut impl FnMut(&'a str, oxc_span::Span, DeclarationKind),
) -> Result<(), &'static str> {
    match statement {
        Statement::VariableDeclaration(v) => variable_declaration(v, top, found),
        Statement::FunctionDeclaration(f) if top => {
            if f.body.is_some()
                && !f.declare
                && let Some(id) = &f.id
            {
                found(id.name.as_str(), id.span, DeclarationKind::Function);
            }
        }
        Statement::ClassDeclaration(c) if top => {
            if !c.declare
                && let Some(id) = &c.id
            {
                found(id.name.as_str(), id.span, DeclarationKind::Class);
            }
        }
        // In a block: bound there, and in sloppy code perhaps in the function too.
        Statement::FunctionDeclaration(f) => {
            if f.body.is_some()
                && !f.declare
                && let Some(id) = &f.id
            {
                found(id.name.as_str(), id.span, DeclarationKind::AnnexBFunction);
            }
        }
        Statement::TSEnumDeclaration(e) if !e.declare => {
            return Err("a TypeScript enum");
        }
        Statement::TSNamespaceDeclaration(n) if !n.declare => {
            return Err("a TypeScript namespace");
        }
        Statement::TSImportEqualsDeclaration(_) => return Err("a TypeScript import-equals"),
        Statement::BlockStatement(b) => {
            for s in &b.body {
                scan(s, false, found)?;
            }
        }
        Statement::IfStatement(i) => {
            scan(&i.consequent, false, found)?;
            if let Some(alternate) = &i.alternate {
                scan(alternate, false, found)?;
            }
        }
        Statement::ForStatement(f) => {
            if let Some(ForStatementInit::VariableDeclaration(v)) = &f.init {
                variable_declaration(v, false, found);
            }
            scan(&f.body, false, found)?;
        }
        Statement::ForInStatement(f) => {
            if let ForStatementLeft::VariableDeclaration(v) = &f.left {
                variable_declaration(v, false, found);
            }
            scan(&f.body, false, found)?;
        }
        Statement::ForOfStatement(f) => {
            if let ForStatementLeft::VariableDeclaration(v) = &f.left {
                variable_declaration(v, false, found);
            }
            scan(&f.body, false, found)?;
        }
        Statement::WhileStatement(w) => scan(&w.body, false, found)?,
        Statement::DoWhileStatement(d) => scan(&d.body, false, found)?,
        Statement::LabeledStatement(l) => scan(&l.body, top, found)?,
        Statement::TryStatement(t) => {
            for s in &t.block.body {
                scan(s, false, found)?;
            }
            if let Some(handler) = &t.handler {
                for s in &handler.body.body {
                    scan(s, false, found)?;
                }
            }
            if let Some(finalizer) = &t.finalizer {
                for s in &finalizer.body {
                    scan(s, false, found)?;
                }
            }
        }
        Statement::SwitchStatement(s) => {
            for case in &s.cases {
                for s in &case.consequent {
                    scan(s, false, found)?;
                }
            }
        }
        Statement::WithStatement(w) => scan(&w.body, false, found)?,
        _ => {}
    }
    Ok(())
}

/// Does a statement list declare `name` lexically (a block's own declarations: `let`,
/// `const`, classes, functions in strict code)?
fn lexically_declares(statements: &[Statement<'_>], name: &str) -> Option<u32> {
    let mut at = None;
    for s in statements {
        let mut s = s;
        while let Statement::LabeledStatement(l) = s {
            s = &l.body;
        }
        let mut check = |id: &BindingIdentifier<'_>| {
            if at.is_none() && id.name == name {
                at = Some(id.span.start);
            }
        };
        match s {
            Statement::VariableDeclaration(v) if v.kind != VariableDeclarationKind::Var => {
                for d in &v.declarations {
                    binding_identifiers(&d.id, &mut check);
                }
            }
            Statement::FunctionDeclaration(f) if f.body.is_some() && !f.declare => {
                if let Some(id) = &f.id {
                    check(id);
                }
            }
            Statement::ClassDeclaration(c) if !c.declare => {
                if let Some(id) = &c.id {
                    check(id);
                }
            }
            // The binder binds these in the block too.
            Statement::TSEnumDeclaration(e) if !e.declare => check(&e.id),
            Statement::TSNamespaceDeclaration(n) if !n.declare => check(&n.id),
            Statement::TSImportEqualsDeclaration(i) => check(&i.id),
            _ => {}
        }
    }
    at
}

/// Whether `at` is an identifier a top-level import or export declaration names itself (the
/// binder may bind none: type-only imports, `declare` forms, overloads), as opposed to one
/// declared inside it (in a function, a class, an initializer).
pub(super) fn names_a_top_declaration(program: &Program<'_>, at: oxc_span::Span) -> bool {
    let body = &program.body;
    let after = body.partition_point(|s| s.span().start <= at.start);
    let Some(statement) = after.checked_sub(1).map(|i| &body[i]) else {
        return false;
    };
    let is = |id: &BindingIdentifier<'_>| id.span == at;
    match statement {
        Statement::ImportDeclaration(_) => true,
        Statement::ExportDeclaration(d) => match &d.declaration {
            Declaration::VariableDeclaration(v) => {
                let mut hit = false;
                for d in &v.declarations {
                    binding_identifiers(&d.id, &mut |id| hit |= is(id));
                }
                hit
            }
            Declaration::FunctionDeclaration(f) => f.id.as_ref().is_some_and(is),
            Declaration::ClassDeclaration(c) => c.id.as_ref().is_some_and(is),
            Declaration::TSEnumDeclaration(e) => is(&e.id),
            _ => false,
        },
        Statement::ExportDefaultDeclaration(d) => match &d.declaration {
            ExportDefaultDeclarationKind::FunctionDeclaration(f) => f.id.as_ref().is_some_and(is),
            ExportDefaultDeclarationKind::ClassDeclaration(c) => c.id.as_ref().is_some_and(is),
            _ => false,
        },
        _ => false,
    }
}

/// Per function body met (by where its statements are), each name it binds in its own scope:
/// where its first declaration starts, and whether a block function of it may be bound there
/// too (Annex B). Kept between questions: the same large function is asked about often.
pub(super) type BodyCache<'a> = RefCell<FxHashMap<usize, FxHashMap<&'a str, (Option<u32>, bool)>>>;

/// What the descent found.
pub(super) enum Inner {
    /// The innermost scope around the reference that declares the name: where its first
    /// declaring identifier (of those seen) starts.
    Declared(u32),
    /// No scope inside the module declares it.
    Outer,
    Unsure(&'static str),
}

/// The innermost scope inside the top level around `offset` that declares `name` (in sloppy
/// code unless `strict`).
pub(super) fn inner_declaration<'a>(
    program: &Program<'a>,
    offset: u32,
    name: &str,
    strict: bool,
    cache: &BodyCache<'a>,
) -> Inner {
    // The top-level statement holding the reference, by binary search.
    let body = &program.body;
    let after = body.partition_point(|s| s.span().start <= offset);
    let Some(statement) = after.checked_sub(1).map(|i| &body[i]) else {
        return Inner::Outer;
    };
    let mut descent = Descent {
        offset,
        name,
        strict,
        found: None,
        unsure: None,
        reference: false,
        cache,
    };
    descent.visit_statement(statement);
    match (descent.unsure, descent.found) {
        (Some(why), _) => Inner::Unsure(why),
        (None, Some(at)) => Inner::Declared(at),
        (None, None) => Inner::Outer,
    }
}

/// Whether an identifier reference named `name` starts at `offset` (not a property name, a
/// label, a string): the text's occurrences of a name, checked.
pub(super) fn reference_at<'a>(
    program: &Program<'a>,
    offset: u32,
    name: &str,
    cache: &BodyCache<'a>,
) -> bool {
    let body = &program.body;
    let after = body.partition_point(|s| s.span().start <= offset);
    let Some(statement) = after.checked_sub(1).map(|i| &body[i]) else {
        return false;
    };
    let mut descent = Descent {
        offset,
        name,
        strict: true,
        found: None,
        unsure: None,
        reference: false,
        cache,
    };
    descent.visit_statement(statement);
    descent.reference
}

struct Descent<'n, 'a> {
    offset: u32,
    name: &'n str,
    cache: &'n BodyCache<'a>,
    strict: bool,
    /// Where the innermost declaring scope's first declaration of `name` starts.
    found: Option<u32>,
    unsure: Option<&'static str>,
    /// An identifier reference named `name` starts at `offset`.
    reference: bool,
}

impl<'a> Descent<'_, 'a> {
    fn holds(&self, at: oxc_span::Span) -> bool {
        at.start <= self.offset && self.offset < at.end
    }

    fn declared(&mut self, at: Option<u32>) {
        if at.is_some() {
            self.found = at;
        }
    }

    /// A function's scope: its parameters, and its body's own declarations (seen from the
    /// parameters only without parameter expressions: else the body's `var`s live apart).
    fn function_scope(&mut self, params: &FormalParameters<'a>, body: &FunctionBody<'a>) {
        self.params_and_body(params, body.span, &body.statements);
    }

    fn params_and_body(
        &mut self,
        params: &FormalParameters<'a>,
        body_span: oxc_span::Span,
        statements: &[Statement<'a>],
    ) {
        let mut at = None;
        let name = self.name;
        let mut check = |id: &BindingIdentifier<'_>| {
            if at.is_none() && id.name == name {
                at = Some(id.span.start);
            }
        };
        for p in &params.items {
            binding_identifiers(&p.pattern, &mut check);
        }
        if let Some(rest) = &params.rest {
            binding_identifiers(&rest.rest.argument, &mut check);
        }
        self.declared(at);
        if !has_parameter_expressions(params) {
            // One scope: its binding is its first declaration, a parameter if any.
            let body = self.scan_body(statements);
            if at.is_none() {
                self.declared(body);
            }
        } else if self.holds(body_span) {
            self.body_scope(statements);
        }
    }

    fn body_scope(&mut self, statements: &[Statement<'a>]) {
        let at = self.scan_body(statements);
        self.declared(at);
    }

    /// The first declaration of the name a body binds in its own scope; unsure when a block
    /// function of the name may be bound there too (Annex B, sloppy code).
    fn scan_body(&mut self, statements: &[Statement<'a>]) -> Option<u32> {
        let key = statements.as_ptr() as usize;
        let mut cache = self.cache.borrow_mut();
        if !cache.contains_key(&key) {
            let mut names: FxHashMap<&'a str, (Option<u32>, bool)> = FxHashMap::default();
            let mut result = Ok(());
            for s in statements {
                result = scan(s, true, &mut |n, span, kind| {
                    let entry = names.entry(n).or_default();
                    if kind == DeclarationKind::AnnexBFunction {
                        entry.1 = true;
                    } else if entry.0.is_none() {
                        entry.0 = Some(span.start);
                    }
                });
                if result.is_err() {
                    break;
                }
            }
            if let Err(why) = result {
                drop(cache);
                self.unsure.get_or_insert(why);
                return None;
            }
            cache.insert(key, names);
        }
        let (at, annex_b) = cache[&key].get(self.name).copied().unwrap_or_default();
        drop(cache);
        if annex_b && !self.strict {
            self.unsure
                .get_or_insert("a name also declared as a function in a block (Annex B)");
        }
        at
    }
}

impl<'a> Visit<'a> for Descent<'_, 'a> {
    fn visit_identifier_reference(&mut self, it: &IdentifierReference<'a>) {
        if it.span.start == self.offset && it.name == self.name {
            self.reference = true;
        }
    }

    fn visit_statement(&mut self, it: &Statement<'a>) {
        if self.holds(it.span()) && self.unsure.is_none() {
            walk::walk_statement(self, it);
        }
    }

    // Long lists (a `var` of many declarators, big object and array literals): the one
    // element that may hold the offset, by binary search; patterns only where they hold it.
    fn visit_variable_declaration(&mut self, it: &VariableDeclaration<'a>) {
        let list = &it.declarations;
        let after = list.partition_point(|d| d.span.start <= self.offset);
        if let Some(d) = after.checked_sub(1).map(|i| &list[i])
            && self.holds(d.span)
        {
            walk::walk_variable_declarator(self, d);
        }
    }

    fn visit_object_expression(&mut self, it: &ObjectExpression<'a>) {
        let list = &it.properties;
        let after = list.partition_point(|p| p.span().start <= self.offset);
        if let Some(p) = after.checked_sub(1).map(|i| &list[i])
            && self.holds(p.span())
        {
            self.visit_object_property_kind(p);
        }
    }

    fn visit_array_expression(&mut self, it: &ArrayExpression<'a>) {
        let list = &it.elements;
        let after = list.partition_point(|e| e.span().start <= self.offset);
        if let Some(e) = after.checked_sub(1).map(|i| &list[i])
            && self.holds(e.span())
        {
            self.visit_array_expression_element(e);
        }
    }

    fn visit_binding_pattern(&mut self, it: &BindingPattern<'a>) {
        if self.holds(it.span()) {
            walk::walk_binding_pattern(self, it);
        }
    }

    fn visit_statements(&mut self, it: &oxc_allocator::Vec<'a, Statement<'a>>) {
        // In order: the one that may hold the offset, by binary search.
        let after = it.partition_point(|s| s.span().start <= self.offset);
        if let Some(statement) = after.checked_sub(1).map(|i| &it[i]) {
            self.visit_statement(statement);
        }
    }

    fn visit_expression(&mut self, it: &Expression<'a>) {
        if self.holds(it.span()) && self.unsure.is_none() {
            walk::walk_expression(self, it);
        }
    }

    fn visit_function(&mut self, func: &Function<'a>, flags: ScopeFlags) {
        let Some(body) = &func.body else { return };
        if !self.holds(func.span) || func.declare {
            return;
        }
        if let Some(id) = &func.id
            && self.holds(id.span)
        {
            // Its own name: a declaration's belongs to the scope around it.
            return;
        }
        if func.r#type == FunctionType::FunctionExpression
            && let Some(id) = &func.id
            && id.name == self.name
        {
            self.found = Some(id.span.start);
        }
        self.function_scope(&func.params, body);
        walk::walk_function(self, func, flags);
    }

    fn visit_arrow_function_expression(&mut self, arrow: &ArrowFunctionExpression<'a>) {
        if !self.holds(arrow.span) {
            return;
        }
        let statements: &[Statement<'a>] = match &arrow.body {
            ArrowFunctionBody::FunctionBody(body) => &body.statements,
            _ => &[],
        };
        self.params_and_body(&arrow.params, arrow.body.span(), statements);
        walk::walk_arrow_function_expression(self, arrow);
    }

    fn visit_class(&mut self, class: &Class<'a>) {
        if !self.holds(class.span) || class.declare {
            return;
        }
        if let Some(id) = &class.id
            && id.name == self.name
            && self.offset >= id.span.end
        {
            self.found = Some(id.span.start);
        }
        walk::walk_class(self, class);
    }

    fn visit_static_block(&mut self, block: &StaticBlock<'a>) {
        if !self.holds(block.span) {
            return;
        }
        self.body_scope(&block.body);
        walk::walk_static_block(self, block);
    }

    fn visit_block_statement(&mut self, block: &BlockStatement<'a>) {
        if !self.holds(block.span) {
            return;
        }
        let at = lexically_declares(&block.body, self.name);
        self.declared(at);
        walk::walk_block_statement(self, block);
    }

    fn visit_switch_statement(&mut self, statement: &SwitchStatement<'a>) {
        if !self.holds(statement.span) {
            return;
        }
        if self.offset >= statement.discriminant.span().end {
            for case in &statement.cases {
                let at = lexically_declares(&case.consequent, self.name);
                if at.is_some() {
                    self.declared(at);
                    break;
                }
            }
        }
        walk::walk_switch_statement(self, statement);
    }

    fn visit_catch_clause(&mut self, clause: &CatchClause<'a>) {
        if !self.holds(clause.span) {
            return;
        }
        if let Some(param) = &clause.param {
            let mut at = None;
            let name = self.name;
            binding_identifiers(&param.pattern, &mut |id| {
                if at.is_none() && id.name == name {
                    at = Some(id.span.start);
                }
            });
            self.declared(at);
        }
        walk::walk_catch_clause(self, clause);
    }

    fn visit_for_statement(&mut self, statement: &ForStatement<'a>) {
        if !self.holds(statement.span) {
            return;
        }
        if let Some(ForStatementInit::VariableDeclaration(v)) = &statement.init {
            self.head(v);
        }
        walk::walk_for_statement(self, statement);
    }

    fn visit_for_in_statement(&mut self, statement: &ForInStatement<'a>) {
        if !self.holds(statement.span) {
            return;
        }
        if let ForStatementLeft::VariableDeclaration(v) = &statement.left {
            self.head(v);
        }
        walk::walk_for_in_statement(self, statement);
    }

    fn visit_for_of_statement(&mut self, statement: &ForOfStatement<'a>) {
        if !self.holds(statement.span) {
            return;
        }
        if let ForStatementLeft::VariableDeclaration(v) = &statement.left {
            self.head(v);
        }
        walk::walk_for_of_statement(self, statement);
    }

    // Code the binder does not walk, or walks as a scope this descent does not model.
    fn visit_ts_enum_declaration(&mut self, it: &TSEnumDeclaration<'a>) {
        if self.holds(it.span) {
            self.unsure
                .get_or_insert("a question inside a TypeScript enum");
        }
    }

    fn visit_ts_namespace_declaration(&mut self, it: &TSNamespaceDeclaration<'a>) {
        if self.holds(it.span) {
            self.unsure
                .get_or_insert("a question inside a TypeScript namespace");
        }
    }

    fn visit_ts_global_declaration(&mut self, it: &TSGlobalDeclaration<'a>) {
        if self.holds(it.span) {
            self.unsure
                .get_or_insert("a question inside an ambient declaration");
        }
    }

    fn visit_ts_external_module_declaration(&mut self, it: &TSExternalModuleDeclaration<'a>) {
        if self.holds(it.span) {
            self.unsure
                .get_or_insert("a question inside an ambient declaration");
        }
    }
}

impl Descent<'_, '_> {
    /// A `for` head's `let`/`const` (a `var` there is the function's).
    fn head(&mut self, v: &VariableDeclaration<'_>) {
        if v.kind == VariableDeclarationKind::Var {
            return;
        }
        let mut at = None;
        let name = self.name;
        for d in &v.declarations {
            binding_identifiers(&d.id, &mut |id| {
                if at.is_none() && id.name == name {
                    at = Some(id.span.start);
                }
            });
        }
        self.declared(at);
    }
}
