//! The syntax inside loops that `ide::pitfalls` needs to tell a closure that outlives its
//! iteration from one that runs within it: what is done with each closure made in a loop
//! (called at once, passed to `forEach`, handed to `setTimeout`, pushed, assigned to a
//! property…), the `var` statements of loop bodies, and the names handed on as closures are.
//!
//! The binder calls [`collect`] on each outermost loop, so code outside loops costs nothing.

use oxc_ast::ast::*;
use oxc_ast_visit::{Visit, walk};
use oxc_span::GetSpan;
use oxc_syntax::scope::ScopeFlags;

use super::model::{ClosureUse, LoopFacts, LoopVarStatement, Span};

/// Callees that call a function argument back before they return (Array.prototype and the like,
/// lodash's collection functions, `String.prototype.replace`, `new Promise`'s executor).
const CALLS_BACK: &[&str] = &[
    "forEach",
    "map",
    "filter",
    "some",
    "every",
    "find",
    "findIndex",
    "findLast",
    "findLastIndex",
    "reduce",
    "reduceRight",
    "sort",
    "toSorted",
    "flatMap",
    "from",
    "replace",
    "replaceAll",
    "each",
    "forOwn",
    "forIn",
    "times",
    "mapValues",
    "Promise",
];

/// Callees that keep a function to run later: timers, listeners, promise reactions, observers.
const DEFERS: &[&str] = &[
    "setTimeout",
    "setInterval",
    "setImmediate",
    "queueMicrotask",
    "requestAnimationFrame",
    "requestIdleCallback",
    "nextTick",
    "addEventListener",
    "addListener",
    "on",
    "once",
    "prependListener",
    "prependOnceListener",
    "then",
    "catch",
    "finally",
    "subscribe",
    "MutationObserver",
    "IntersectionObserver",
    "ResizeObserver",
    "PerformanceObserver",
];

/// Callees that store a function (or an object holding one) for later.
const STORES: &[&str] = &[
    "push",
    "unshift",
    "set",
    "add",
    "defineProperty",
    "defineProperties",
    "__defineGetter__",
    "__defineSetter__",
];

/// A loop statement.
pub(crate) enum Loop<'r, 'a> {
    For(&'r ForStatement<'a>),
    ForIn(&'r ForInStatement<'a>),
    ForOf(&'r ForOfStatement<'a>),
    While(&'r WhileStatement<'a>),
    DoWhile(&'r DoWhileStatement<'a>),
}

impl Loop<'_, '_> {
    pub(crate) fn span(&self) -> oxc_span::Span {
        match self {
            Loop::For(s) => s.span,
            Loop::ForIn(s) => s.span,
            Loop::ForOf(s) => s.span,
            Loop::While(s) => s.span,
            Loop::DoWhile(s) => s.span,
        }
    }
}

/// Records what is inside `statement`, a loop no other loop contains.
pub(crate) fn collect(facts: &mut LoopFacts, statement: Loop<'_, '_>) {
    let mut c = Collector { facts };
    match statement {
        Loop::For(s) => c.visit_for_statement(s),
        Loop::ForIn(s) => c.visit_for_in_statement(s),
        Loop::ForOf(s) => c.visit_for_of_statement(s),
        Loop::While(s) => c.visit_while_statement(s),
        Loop::DoWhile(s) => c.visit_do_while_statement(s),
    }
}

impl LoopFacts {
    /// Sorts each list by start (what `collect` pushed is in walk order, not quite source order).
    pub(crate) fn sort(&mut self) {
        self.loops.sort_unstable_by_key(|(whole, _)| whole.start);
        self.closures.sort_by_key(|(start, _)| *start);
        self.var_statements
            .sort_by_key(|v| (v.statement.start, !v.in_body_block));
        self.var_statements.dedup_by_key(|v| v.statement.start);
        self.handed.sort_by_key(|(start, _)| *start);
    }
}

struct Collector<'f> {
    facts: &'f mut LoopFacts,
}

fn span(s: oxc_span::Span) -> Span {
    Span::new(s.start, s.end)
}

/// The name a callee is known by: `f`, `a.b.f`, `a["f"]`.
fn callee_name<'e>(callee: &'e Expression<'_>) -> Option<&'e str> {
    match callee.get_inner_expression() {
        Expression::Identifier(id) => Some(id.name.as_str()),
        Expression::StaticMemberExpression(m) => Some(m.property.name.as_str()),
        Expression::ComputedMemberExpression(m) => match &m.expression {
            Expression::StringLiteral(s) => Some(s.value.as_str()),
            _ => None,
        },
        _ => None,
    }
}

/// What passing a function to `name` does with it.
fn passed_to(name: &str) -> Option<ClosureUse> {
    if CALLS_BACK.contains(&name) {
        Some(ClosureUse::CalledBack(name.to_string()))
    } else if DEFERS.contains(&name) {
        Some(ClosureUse::Deferred(name.to_string()))
    } else if STORES.contains(&name) {
        Some(ClosureUse::Stored(name.to_string()))
    } else {
        None
    }
}

impl Collector<'_> {
    /// Gives every function `value` evaluates to (through parentheses, conditionals, object and
    /// array literals) the use `how`.
    fn mark(&mut self, value: &Expression<'_>, how: &ClosureUse) {
        match value.get_inner_expression() {
            Expression::FunctionExpression(f) => {
                self.facts.closures.push((f.span.start, how.clone()))
            }
            Expression::ArrowFunctionExpression(a) => {
                self.facts.closures.push((a.span.start, how.clone()))
            }
            Expression::Identifier(id) if !matches!(how, ClosureUse::Named(_)) => {
                self.facts.handed.push((id.span.start, how.clone()))
            }
            Expression::ConditionalExpression(c) => {
                self.mark(&c.consequent, how);
                self.mark(&c.alternate, how);
            }
            Expression::LogicalExpression(l) => {
                self.mark(&l.left, how);
                self.mark(&l.right, how);
            }
            Expression::SequenceExpression(s) => {
                if let Some(last) = s.expressions.last() {
                    self.mark(last, how);
                }
            }
            Expression::ObjectExpression(o) => {
                for p in &o.properties {
                    if let ObjectPropertyKind::ObjectProperty(p) = p {
                        self.mark(&p.value, how);
                    }
                }
            }
            Expression::ArrayExpression(a) => {
                for e in &a.elements {
                    if let Some(e) = e.as_expression() {
                        self.mark(e, how);
                    }
                }
            }
            _ => {}
        }
    }

    fn call_arguments(&mut self, callee: &Expression<'_>, arguments: &[Argument<'_>]) {
        let Some(how) = callee_name(callee).and_then(passed_to) else {
            return;
        };
        for a in arguments {
            if let Some(e) = a.as_expression() {
                self.mark(e, &how);
            }
        }
    }

    fn record_loop(&mut self, whole: oxc_span::Span, body: &Statement<'_>) {
        self.facts.loops.push((span(whole), span(body.span())));
        if let Statement::BlockStatement(block) = body {
            for s in &block.body {
                if let Statement::VariableDeclaration(d) = s
                    && d.kind == VariableDeclarationKind::Var
                {
                    self.var_statement(d, true);
                }
            }
        }
    }

    fn var_statement(&mut self, d: &VariableDeclaration<'_>, in_body_block: bool) {
        self.facts.var_statements.push(LoopVarStatement {
            statement: span(d.span),
            keyword: Span::new(d.span.start, d.span.start + 3),
            in_body_block,
            declarators: d
                .declarations
                .iter()
                .map(|v| (span(v.id.span()), v.init.is_some()))
                .collect(),
        });
    }
}

impl<'a> Visit<'a> for Collector<'_> {
    fn visit_for_statement(&mut self, it: &ForStatement<'a>) {
        self.record_loop(it.span, &it.body);
        walk::walk_for_statement(self, it);
    }

    fn visit_for_in_statement(&mut self, it: &ForInStatement<'a>) {
        self.record_loop(it.span, &it.body);
        walk::walk_for_in_statement(self, it);
    }

    fn visit_for_of_statement(&mut self, it: &ForOfStatement<'a>) {
        self.record_loop(it.span, &it.body);
        walk::walk_for_of_statement(self, it);
    }

    fn visit_while_statement(&mut self, it: &WhileStatement<'a>) {
        self.record_loop(it.span, &it.body);
        walk::walk_while_statement(self, it);
    }

    fn visit_do_while_statement(&mut self, it: &DoWhileStatement<'a>) {
        self.record_loop(it.span, &it.body);
        walk::walk_do_while_statement(self, it);
    }

    fn visit_variable_declaration(&mut self, it: &VariableDeclaration<'a>) {
        if it.kind == VariableDeclarationKind::Var {
            // A statement of a body block was recorded with its loop too: `sort` keeps that one.
            self.var_statement(it, false);
        }
        for v in &it.declarations {
            if let (BindingPattern::BindingIdentifier(id), Some(init)) = (&v.id, &v.init) {
                self.mark(init, &ClosureUse::Named(id.span.start));
            }
        }
        walk::walk_variable_declaration(self, it);
    }

    fn visit_function(&mut self, it: &Function<'a>, flags: ScopeFlags) {
        if it.r#type == FunctionType::FunctionDeclaration
            && let Some(id) = &it.id
        {
            self.facts
                .closures
                .push((it.span.start, ClosureUse::Named(id.span.start)));
        }
        walk::walk_function(self, it, flags);
    }

    fn visit_call_expression(&mut self, it: &CallExpression<'a>) {
        match it.callee.get_inner_expression() {
            Expression::StaticMemberExpression(m)
                if matches!(m.property.name.as_str(), "call" | "apply") =>
            {
                self.mark_called(m.object.get_inner_expression())
            }
            f => self.mark_called(f),
        }
        self.call_arguments(&it.callee, &it.arguments);
        walk::walk_call_expression(self, it);
    }

    fn visit_new_expression(&mut self, it: &NewExpression<'a>) {
        self.call_arguments(&it.callee, &it.arguments);
        walk::walk_new_expression(self, it);
    }

    fn visit_assignment_expression(&mut self, it: &AssignmentExpression<'a>) {
        if it.left.as_member_expression().is_some() {
            self.mark(&it.right, &ClosureUse::Stored("=".to_string()));
        }
        walk::walk_assignment_expression(self, it);
    }
}

impl Collector<'_> {
    /// `(function () {…})()`: only a function itself, not what a conditional picks.
    fn mark_called(&mut self, callee: &Expression<'_>) {
        match callee {
            Expression::FunctionExpression(f) => self
                .facts
                .closures
                .push((f.span.start, ClosureUse::CalledAtOnce)),
            Expression::ArrowFunctionExpression(a) => self
                .facts
                .closures
                .push((a.span.start, ClosureUse::CalledAtOnce)),
            _ => {}
        }
    }
}
