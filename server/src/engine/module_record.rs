//! Pass 3: the module record of one file (§16.2.1.6 ParseModule's import and export entries;
//! for CommonJS, what Node's loader makes of `require(…)` and `module.exports`), as plain data
//! that names this file's bindings. Which file a specifier means, and what an exported name of
//! that file is bound to, is the workspace's business (`crate::workspace`), not the engine's.
//!
//! ESM imports and exports are top-level statements: they are read off the program's body
//! without a walk. `require` calls and `module.exports` assignments can be anywhere, so a file
//! whose text mentions `require` or `exports` gets one walk; a second walk, only when there are
//! import bindings, records their `ns.x` reads (`import * as ns`,
//! `const lib = require(…)`, a default import of a CommonJS module), kept only if `ns` really
//! resolves to that binding.
//!
//! Neither walk visits the whole tree. Everything the first one records contains a reference
//! named `require`, `exports` or `module`, or an `import(…)` call, and the earlier passes know
//! where those are ([`super::resolve::resolve`] returns them): the walk enters only statements
//! and expressions whose span holds one of these marks. The second one enters only those that
//! hold a reference to an import binding, found in the analysis's references. On typescript.js
//! (9 MB) that is a few hundred nodes instead of millions.

use oxc_ast::ast::*;
use oxc_ast_visit::{Visit, walk};
use oxc_span::GetSpan;
use rustc_hash::{FxHashMap, FxHashSet};

use super::model::{
    Analysis, BindingId, COMMONJS_EXPORTS, DeclarationKind, DynamicLoad, ExportEntry, ExportTarget,
    ImportEntry, ImportName, ModuleMember, ModuleRecord, ModuleRequest, RequestId, RequestKind,
    SelfMember, SourceKind, Span,
};
use super::query::IdentifierAt;

/// What the rules below ask of a file's bindings: which binding an identifier declares or
/// reads. The full [`Analysis`] answers from its tables; the workspace index's summary pass
/// (`super::summary`) from its lighter ones, so the rules are written once, here.
pub(crate) trait Bindings {
    fn source_kind(&self) -> SourceKind;
    /// The binding the declaring identifier at `at` declares.
    fn declared(&self, at: oxc_span::Span) -> Option<BindingId>;
    /// The binding the reference `id` resolves to (`None`: no declaration of this file).
    fn resolved(&self, id: &IdentifierReference<'_>) -> Option<BindingId>;
    /// The reference `id` reads Node's `require`/`module`/`exports`…: a module wrapper
    /// parameter, or the global when nothing declares it.
    fn is_node_global(&self, id: &IdentifierReference<'_>) -> bool;
    fn binding_name(&self, binding: BindingId) -> &str;
    /// Where the references to the import bindings `namespaces` start, in order (the member
    /// walk's marks); `None`: not known, the walk enters everything.
    fn uses_of(&self, _namespaces: &FxHashMap<BindingId, RequestId>) -> Option<Vec<u32>> {
        None
    }
}

impl Bindings for Analysis {
    fn source_kind(&self) -> SourceKind {
        self.source_kind
    }

    fn declared(&self, at: oxc_span::Span) -> Option<BindingId> {
        match self.identifier_at(at.start)? {
            IdentifierAt::Declaration(d) if d.span == span(at) => Some(d.binding),
            _ => None,
        }
    }

    fn resolved(&self, id: &IdentifierReference<'_>) -> Option<BindingId> {
        match self.identifier_at(id.span.start)? {
            IdentifierAt::Reference(r) if r.span == span(id.span) => r.binding,
            _ => None,
        }
    }

    fn is_node_global(&self, id: &IdentifierReference<'_>) -> bool {
        match self.identifier_at(id.span.start) {
            Some(IdentifierAt::Reference(r)) if r.span == span(id.span) => match r.binding {
                None => true,
                Some(b) => matches!(
                    self.binding(b).declaration,
                    DeclarationKind::CommonJsParameter | DeclarationKind::ImplicitGlobal
                ),
            },
            _ => false,
        }
    }

    fn binding_name(&self, binding: BindingId) -> &str {
        Analysis::binding_name(self, binding)
    }

    fn uses_of(&self, namespaces: &FxHashMap<BindingId, RequestId>) -> Option<Vec<u32>> {
        Some(namespace_uses(self, namespaces))
    }
}

fn span(s: oxc_span::Span) -> Span {
    Span::new(s.start, s.end)
}

/// Sorted byte offsets: a walk enters a statement or expression only if one of them falls
/// within its span (or everything, with `None`: the unpruned walk the tests compare with).
#[derive(Clone, Copy)]
pub(crate) struct Marks<'m>(pub(crate) Option<&'m [u32]>);

impl Marks<'_> {
    fn within(self, at: oxc_span::Span) -> bool {
        let Some(marks) = self.0 else { return true };
        let first = marks.partition_point(|&m| m < at.start);
        marks.get(first).is_some_and(|&m| m < at.end)
    }
}

/// The module record of `program` (the parse of `text`), whose bindings are `analysis` ([`Bindings`]); `marks`
/// are where the references named `require`, `exports` or `module`, the `import(…)` calls and
/// the ambient module declarations start (see the module's docs).
// Not inlined: the record keeps its own line in instruction profiles (docs/performance.md).
#[inline(never)]
pub(crate) fn collect<B: Bindings>(
    program: &Program<'_>,
    text: &str,
    analysis: &B,
    marks: Marks<'_>,
) -> ModuleRecord {
    let mut collector = Collector {
        analysis,
        text,
        marks,
        record: ModuleRecord::default(),
        requests: FxHashMap::default(),
        namespaces: FxHashMap::default(),
        whole_exports: Vec::new(),
        accounted: FxHashSet::default(),
        require_calls: Vec::new(),
    };
    if analysis.source_kind() == SourceKind::Module || program.source_type.is_typescript() {
        for statement in &program.body {
            collector.top_level(statement);
        }
    }
    let mentions = |word: &str| memchr::memmem::find(text.as_bytes(), word.as_bytes()).is_some();
    if mentions("require") || mentions("exports") || mentions("import(") || mentions("import (") {
        collector.visit_program(program);
    }
    let escape = collector
        .whole_exports
        .iter()
        .find(|s| !collector.accounted.contains(&s.start))
        .copied();
    collector.record.exports_escape = escape;
    let whole: Vec<RequestId> = collector
        .require_calls
        .iter()
        .filter(|(start, _)| !collector.accounted.contains(start))
        .map(|&(_, request)| request)
        .collect();
    collector.record.whole_requires = whole;
    if !collector.namespaces.is_empty() {
        let analysis = collector.analysis;
        let names = collector
            .namespaces
            .keys()
            .map(|&b| analysis.binding_name(b))
            .collect();
        let uses = marks
            .0
            .and_then(|_| analysis.uses_of(&collector.namespaces));
        let mut members = MemberWalk {
            collector: &mut collector,
            names,
            marks: Marks(uses.as_deref()),
        };
        members.visit_program(program);
    }
    let mut record = collector.record;
    record.imports.sort_by_key(|e| e.binding);
    record.imports.dedup_by_key(|e| e.binding);
    record.members.sort_by_key(|m| m.span.start);
    record.self_members.sort_by_key(|m| m.span.start);
    record.self_members.dedup();
    record
}

/// Where the references to the import bindings `namespaces` start, in order: the second walk's
/// marks.
fn namespace_uses(analysis: &Analysis, namespaces: &FxHashMap<BindingId, RequestId>) -> Vec<u32> {
    let mut wanted = vec![false; analysis.bindings.len()];
    for b in namespaces.keys() {
        wanted[b.0 as usize] = true;
    }
    analysis
        .references
        .iter()
        .filter(|r| r.binding.is_some_and(|b| wanted[b.0 as usize]))
        .map(|r| r.span.start)
        .collect()
}

struct Collector<'m, B> {
    /// The file's bindings ([`Bindings`]).
    analysis: &'m B,
    text: &'m str,
    /// Where the walk must look.
    marks: Marks<'m>,
    record: ModuleRecord,
    /// Where a specifier literal starts → its request.
    requests: FxHashMap<u32, RequestId>,
    /// Import bindings, whose `x.y` reads may name an export of another module (`ns` of
    /// `import * as ns`, `lib` of `const lib = require(…)`).
    namespaces: FxHashMap<BindingId, RequestId>,
    /// CommonJS: every use of `exports`, `module` and `module.exports` as a whole…
    whole_exports: Vec<Span>,
    /// …and the starts of those that only reach a property or are assigned.
    accounted: FxHashSet<u32>,
    /// Every `require('…')` call (its start) with its request; those whose start is in
    /// `accounted` are bound, read for one property, or statements of their own.
    require_calls: Vec<(u32, RequestId)>,
}

impl<B: Bindings> Collector<'_, B> {
    /// The request of a specifier literal; every occurrence is kept (each is a link), and a
    /// literal met twice (by two walks) is one request.
    fn request(&mut self, literal: &StringLiteral<'_>, kind: RequestKind) -> RequestId {
        let next = RequestId(self.record.requests.len() as u32);
        let id = *self.requests.entry(literal.span.start).or_insert(next);
        if id == next {
            self.record.requests.push(ModuleRequest {
                specifier: literal.value.as_str().to_owned(),
                span: span(literal.span),
                kind,
            });
        }
        id
    }

    /// The binding a declaring identifier declares.
    fn declared(&self, at: oxc_span::Span) -> Option<BindingId> {
        self.analysis.declared(at)
    }

    /// The binding a reference resolves to.
    fn resolved(&self, id: &IdentifierReference<'_>) -> Option<BindingId> {
        self.analysis.resolved(id)
    }

    /// The identifier reads Node's `name` (a module wrapper parameter, or the global when
    /// nothing declares it).
    fn is_node_global(&self, id: &IdentifierReference<'_>) -> bool {
        self.analysis.is_node_global(id)
    }

    fn import(&mut self, request: RequestId, imported: ImportName, binding: Option<BindingId>) {
        self.import_at(request, imported, binding, None);
    }

    fn import_at(
        &mut self,
        request: RequestId,
        imported: ImportName,
        binding: Option<BindingId>,
        name_span: Option<Span>,
    ) {
        let Some(binding) = binding else { return };
        // Any import may stand for a whole module: `import * as ns`, `const lib = require(…)`,
        // but also `import lib from './lib.cjs'` and `import { ns }` of an `export * as ns`.
        self.namespaces.insert(binding, request);
        self.record.imports.push(ImportEntry {
            request,
            imported,
            binding,
            name_span,
        });
    }

    fn export(&mut self, name: String, at: Span, target: ExportTarget) {
        self.record.exports.push(ExportEntry {
            name,
            span: at,
            target,
            local_span: None,
        });
    }

    // ---- ESM: §16.2.1.6, from the top-level statements.

    fn top_level(&mut self, statement: &Statement<'_>) {
        match statement {
            Statement::ImportDeclaration(d) => self.import_declaration(d),
            Statement::ExportDeclaration(d) => self.export_declaration(&d.declaration),
            Statement::ExportNamedDeclaration(d) if !d.export_kind.is_type() => {
                self.export_specifiers(&d.specifiers, None)
            }
            Statement::ExportFromDeclaration(d) => {
                let request = self.request(&d.source, RequestKind::Import);
                if !d.export_kind.is_type() {
                    self.export_specifiers(&d.specifiers, Some(request));
                }
            }
            Statement::ExportDefaultDeclaration(d) => self.export_default(d),
            Statement::ExportAllDeclaration(d) => self.export_all(d),
            _ => {}
        }
    }

    fn import_declaration(&mut self, d: &ImportDeclaration<'_>) {
        let request = self.request(&d.source, RequestKind::Import);
        if d.import_kind.is_type() {
            return;
        }
        for specifier in d.specifiers.iter().flatten() {
            match specifier {
                ImportDeclarationSpecifier::ImportSpecifier(s) if s.import_kind.is_type() => {}
                ImportDeclarationSpecifier::ImportSpecifier(s) => {
                    let name = s.imported.name().as_str().to_owned();
                    let imported = if name == "default" {
                        ImportName::Default
                    } else {
                        ImportName::Named(name)
                    };
                    let binding = self.declared(s.local.span);
                    let name_span =
                        (s.imported.span() != s.local.span).then(|| span(s.imported.span()));
                    self.import_at(request, imported, binding, name_span);
                }
                ImportDeclarationSpecifier::ImportDefaultSpecifier(s) => {
                    let binding = self.declared(s.local.span);
                    self.import(request, ImportName::Default, binding);
                }
                ImportDeclarationSpecifier::ImportNamespaceSpecifier(s) => {
                    let binding = self.declared(s.local.span);
                    self.import(request, ImportName::Namespace, binding);
                }
            }
        }
    }

    fn export_declaration(&mut self, declaration: &Declaration<'_>) {
        let mut names = Vec::new();
        declared_names(declaration, &mut names);
        for (name, at) in names {
            if let Some(binding) = self.declared(at) {
                self.export(name, span(at), ExportTarget::Local(binding));
            }
        }
    }

    /// `export { a, b as c }` (local bindings) or `export { a as b } from './m'`.
    fn export_specifiers(
        &mut self,
        specifiers: &[ExportSpecifier<'_>],
        request: Option<RequestId>,
    ) {
        for s in specifiers {
            if s.export_kind.is_type() {
                continue;
            }
            let exported = s.exported.name().as_str().to_owned();
            let at = span(s.exported.span());
            let target = match request {
                Some(request) => {
                    let local = s.local.name().as_str();
                    let name = if local == "default" {
                        ImportName::Default
                    } else {
                        ImportName::Named(local.to_owned())
                    };
                    ExportTarget::ReExport { request, name }
                }
                None => match &s.local {
                    ModuleExportName::IdentifierReference(r) => match self.resolved(r) {
                        Some(binding) => ExportTarget::Local(binding),
                        None => continue,
                    },
                    _ => continue,
                },
            };
            self.export(exported, at, target);
            let local = span(s.local.span());
            if request.is_some()
                && local != at
                && let Some(entry) = self.record.exports.last_mut()
            {
                entry.local_span = Some(local);
            }
        }
    }

    fn export_default(&mut self, d: &ExportDefaultDeclaration<'_>) {
        // `default` is the keyword after `export`.
        let keyword = Span::new(d.span.start + 7, d.span.start + 14);
        let target = match &d.declaration {
            ExportDefaultDeclarationKind::FunctionDeclaration(f) => match &f.id {
                Some(id) => self.declared(id.span).map(ExportTarget::Local),
                None => Some(ExportTarget::Value(span(f.span))),
            },
            ExportDefaultDeclarationKind::ClassDeclaration(c) => match &c.id {
                Some(id) => self.declared(id.span).map(ExportTarget::Local),
                None => Some(ExportTarget::Value(span(c.span))),
            },
            ExportDefaultDeclarationKind::TSInterfaceDeclaration(_) => None,
            other => match other.as_expression() {
                Some(Expression::Identifier(r)) => self.resolved(r).map(ExportTarget::Local),
                Some(e) => Some(ExportTarget::Value(span(e.span()))),
                None => None,
            },
        };
        if let Some(target) = target {
            self.export("default".into(), keyword, target);
        }
    }

    fn export_all(&mut self, d: &ExportAllDeclaration<'_>) {
        let request = self.request(&d.source, RequestKind::Import);
        if d.export_kind.is_type() {
            return;
        }
        match &d.exported {
            Some(name) => {
                let target = ExportTarget::ReExport {
                    request,
                    name: ImportName::Namespace,
                };
                self.export(name.name().as_str().to_owned(), span(name.span()), target);
            }
            None => self.record.star_exports.push(request),
        }
    }

    // ---- CommonJS.

    /// `require('x')` of Node's `require`: its request.
    fn require_call(&mut self, expression: &Expression<'_>) -> Option<RequestId> {
        let Expression::CallExpression(call) = expression.without_parentheses() else {
            return None;
        };
        let Expression::Identifier(callee) = &call.callee else {
            return None;
        };
        if callee.name != "require" || call.arguments.len() != 1 {
            return None;
        }
        let Some(Argument::StringLiteral(literal)) = call.arguments.first() else {
            return None;
        };
        if !self.is_node_global(callee) {
            return None;
        }
        Some(self.request(literal, RequestKind::Require))
    }

    fn variable_declarator(&mut self, d: &VariableDeclarator<'_>) {
        let Some(init) = &d.init else { return };
        let init = init.without_parentheses();
        if let Some(request) = self.require_call(init) {
            if matches!(
                &d.id,
                BindingPattern::BindingIdentifier(_) | BindingPattern::ObjectPattern(_)
            ) {
                self.accounted.insert(init.span().start);
            }
            match &d.id {
                BindingPattern::BindingIdentifier(id) => {
                    let binding = self.declared(id.span);
                    self.import(request, ImportName::Namespace, binding);
                }
                BindingPattern::ObjectPattern(pattern) => {
                    for property in &pattern.properties {
                        let (Some(key), BindingPattern::BindingIdentifier(id)) =
                            (property.key.static_name(), &property.value)
                        else {
                            continue;
                        };
                        let binding = self.declared(id.span);
                        let name_span = (!property.shorthand).then(|| span(property.key.span()));
                        self.import_at(
                            request,
                            ImportName::Named(key.into_owned()),
                            binding,
                            name_span,
                        );
                    }
                }
                _ => {}
            }
        } else if let Expression::StaticMemberExpression(member) = init
            && let Some(request) = self.require_call(&member.object)
            && let BindingPattern::BindingIdentifier(id) = &d.id
        {
            // `const a = require('./m').a`
            let binding = self.declared(id.span);
            // (The walk records `.a` as a member too.)
            let name = member.property.name.as_str().to_owned();
            self.import(request, ImportName::Named(name), binding);
        }
    }

    fn member(&mut self, at: Span, name: String, request: RequestId, via: Option<BindingId>) {
        self.record.members.push(ModuleMember {
            span: at,
            name,
            request,
            via,
        });
    }

    /// `module.exports = …`, `module.exports.a = …`, `exports.a = …`.
    fn commonjs_export(&mut self, assignment: &AssignmentExpression<'_>) {
        if self.analysis.source_kind() != SourceKind::CommonJs
            || assignment.operator != AssignmentOperator::Assign
        {
            return;
        }
        match &assignment.left {
            // `exports = …`: from here on `exports` names another object.
            AssignmentTarget::AssignmentTargetIdentifier(id) if id.name == "exports" => {
                self.accounted.insert(id.span.start);
            }
            AssignmentTarget::StaticMemberExpression(m) if self.is_module_exports_static(m) => {
                self.accounted.insert(m.span.start);
            }
            _ => {}
        }
        let Some(target) = assignment.left.as_member_expression() else {
            return;
        };
        let value = assignment.right.without_parentheses();
        if self.is_module_exports(target) {
            let at = span(target.span());
            let whole = self.value_target(value, at);
            self.export(COMMONJS_EXPORTS.into(), at, whole);
            if let Expression::ObjectExpression(object) = value {
                self.object_exports(object);
            }
            return;
        }
        let MemberExpression::StaticMemberExpression(property) = target else {
            return;
        };
        let on_exports = match property.object.without_parentheses() {
            Expression::Identifier(object) => {
                object.name == "exports" && self.is_node_global(object)
            }
            Expression::StaticMemberExpression(object) => self.is_module_exports_static(object),
            _ => false,
        };
        if on_exports {
            let at = span(property.property.span);
            let target = self.value_target(value, at);
            self.export(property.property.name.as_str().to_owned(), at, target);
        }
    }

    /// `exports.x`, `module.exports.x` (a property of this module's exports) and the uses of
    /// `exports`, `module` and `module.exports` that reach only a property.
    fn commonjs_member(&mut self, member: &StaticMemberExpression<'_>) {
        match member.object.without_parentheses() {
            Expression::Identifier(object) if self.is_node_global(object) => {
                if object.name == "exports" {
                    self.accounted.insert(object.span.start);
                    self.self_member(member);
                } else if object.name == "module" && member.property.name != "exports" {
                    // `module.id`, `module.children`: not the exports.
                    self.accounted.insert(object.span.start);
                }
            }
            Expression::StaticMemberExpression(object) if self.is_module_exports_static(object) => {
                self.accounted.insert(object.span.start);
                self.self_member(member);
            }
            _ => {}
        }
        if self.is_module_exports_static(member) {
            // `module.exports` itself: the `module` in it is accounted; the whole is a use of
            // the exports, accounted when only a property is read or it is assigned.
            if let Expression::Identifier(object) = member.object.without_parentheses() {
                self.accounted.insert(object.span.start);
            }
            self.whole_exports.push(span(member.span));
        }
    }

    fn self_member(&mut self, member: &StaticMemberExpression<'_>) {
        self.record.self_members.push(SelfMember {
            span: span(member.property.span),
            name: member.property.name.as_str().to_owned(),
        });
    }

    /// A computed `require` argument that names a file of this project rather than a package:
    /// it mentions a relative path or the module's own directory.
    fn names_a_project_path(&self, at: oxc_span::Span) -> bool {
        let text = self
            .text
            .get(at.start as usize..at.end as usize)
            .unwrap_or("");
        [
            "'./",
            "\"./",
            "`./",
            "'../",
            "\"../",
            "`../",
            "__dirname",
            "import.meta",
        ]
        .iter()
        .any(|p| text.contains(p))
    }

    fn is_module_exports(&self, member: &MemberExpression<'_>) -> bool {
        match member {
            MemberExpression::StaticMemberExpression(m) => self.is_module_exports_static(m),
            _ => false,
        }
    }

    fn is_module_exports_static(&self, m: &StaticMemberExpression<'_>) -> bool {
        m.property.name == "exports"
            && matches!(m.object.without_parentheses(),
                Expression::Identifier(o) if o.name == "module" && self.is_node_global(o))
    }

    /// What an assigned value is bound to: a binding when it is an identifier, else itself.
    fn value_target(&self, value: &Expression<'_>, at: Span) -> ExportTarget {
        match value {
            Expression::Identifier(r) => match self.resolved(r) {
                Some(binding) => ExportTarget::Local(binding),
                None => ExportTarget::Value(at),
            },
            Expression::FunctionExpression(f) => match &f.id {
                Some(id) => ExportTarget::Value(span(id.span)),
                None => ExportTarget::Value(at),
            },
            Expression::ClassExpression(c) => match &c.id {
                Some(id) => ExportTarget::Value(span(id.span)),
                None => ExportTarget::Value(at),
            },
            _ => ExportTarget::Value(at),
        }
    }

    /// `module.exports = { a, b: c, d() {} }`: one export per property.
    fn object_exports(&mut self, object: &ObjectExpression<'_>) {
        for property in &object.properties {
            let ObjectPropertyKind::ObjectProperty(p) = property else {
                continue;
            };
            let Some(name) = p.key.static_name() else {
                continue;
            };
            let at = span(p.key.span());
            let target = self.value_target(p.value.without_parentheses(), at);
            self.export(name.into_owned(), at, target);
        }
    }
}

/// Both walks enter a statement or expression only if one of their marks is within it.
macro_rules! enter_only_marked {
    () => {
        fn visit_statement(&mut self, it: &Statement<'a>) {
            if self.marks.within(it.span()) {
                walk::walk_statement(self, it);
            }
        }

        fn visit_expression(&mut self, it: &Expression<'a>) {
            if self.marks.within(it.span()) {
                walk::walk_expression(self, it);
            }
        }
    };
}

impl<'a, B: Bindings> Visit<'a> for Collector<'_, B> {
    enter_only_marked!();

    // The binder does not enter ambient module declarations (`declare module 'm' { … }`,
    // `declare global { … }`), so no mark says what is inside: the unpruned walk records an
    // `import(…)` there, and so does this one, walking them whole (they are rare and small).
    fn visit_ts_external_module_declaration(&mut self, it: &TSExternalModuleDeclaration<'a>) {
        let marks = std::mem::replace(&mut self.marks, Marks(None));
        walk::walk_ts_external_module_declaration(self, it);
        self.marks = marks;
    }

    fn visit_ts_global_declaration(&mut self, it: &TSGlobalDeclaration<'a>) {
        let marks = std::mem::replace(&mut self.marks, Marks(None));
        walk::walk_ts_global_declaration(self, it);
        self.marks = marks;
    }

    fn visit_variable_declarator(&mut self, d: &VariableDeclarator<'a>) {
        self.variable_declarator(d);
        walk::walk_variable_declarator(self, d);
    }

    fn visit_assignment_expression(&mut self, assignment: &AssignmentExpression<'a>) {
        self.commonjs_export(assignment);
        walk::walk_assignment_expression(self, assignment);
    }

    fn visit_static_member_expression(&mut self, member: &StaticMemberExpression<'a>) {
        // `require('./m').a` used in place.
        if let Some(request) = self.require_call(&member.object) {
            self.accounted
                .insert(member.object.without_parentheses().span().start);
            let name = member.property.name.as_str().to_owned();
            self.member(span(member.property.span), name, request, None);
        }
        if self.analysis.source_kind() == SourceKind::CommonJs {
            self.commonjs_member(member);
        }
        walk::walk_static_member_expression(self, member);
    }

    fn visit_identifier_reference(&mut self, it: &IdentifierReference<'a>) {
        if self.analysis.source_kind() == SourceKind::CommonJs
            && (it.name == "exports" || it.name == "module")
            && self.is_node_global(it)
        {
            self.whole_exports.push(span(it.span));
        }
    }

    fn visit_expression_statement(&mut self, it: &ExpressionStatement<'a>) {
        // `require('./polyfill');`: for its side effects only.
        if self.require_call(&it.expression).is_some() {
            self.accounted
                .insert(it.expression.without_parentheses().span().start);
        }
        walk::walk_expression_statement(self, it);
    }

    fn visit_import_expression(&mut self, it: &ImportExpression<'a>) {
        let request = match it.source.without_parentheses() {
            Expression::StringLiteral(literal) => Some(self.request(literal, RequestKind::Import)),
            _ => None,
        };
        self.record.dynamic_imports.push(DynamicLoad {
            span: span(it.span),
            request,
        });
        walk::walk_import_expression(self, it);
    }

    fn visit_call_expression(&mut self, call: &CallExpression<'a>) {
        // A bare `require('./m')` (side effects only) is still a request worth a link.
        if let Expression::Identifier(callee) = &call.callee
            && callee.name == "require"
            && let Some(Argument::StringLiteral(literal)) = call.arguments.first()
            && call.arguments.len() == 1
            && self.is_node_global(callee)
        {
            let request = self.request(literal, RequestKind::Require);
            self.require_calls.push((call.span.start, request));
        } else if let Expression::Identifier(callee) = &call.callee
            && callee.name == "require"
            && call.arguments.len() == 1
            && self.is_node_global(callee)
            && let Some(argument) = call.arguments.first()
            && self.names_a_project_path(argument.span())
        {
            self.record.dynamic_requires.push(DynamicLoad {
                span: span(call.span),
                request: None,
            });
        }
        walk::walk_call_expression(self, call);
    }

    // Types have no runtime references.
    fn visit_ts_type(&mut self, _it: &TSType<'a>) {}
}

/// The second walk: `ns.x` where `ns` is an import binding.
struct MemberWalk<'c, 'm, B> {
    collector: &'c mut Collector<'m, B>,
    /// The namespace bindings' names: most member reads are of other objects, and a name
    /// check spares them the lookup by offset.
    names: FxHashSet<&'m str>,
    /// Where the namespace bindings are used.
    marks: Marks<'c>,
}

impl<'a, B: Bindings> Visit<'a> for MemberWalk<'_, '_, B> {
    enter_only_marked!();

    fn visit_static_member_expression(&mut self, member: &StaticMemberExpression<'a>) {
        if let Expression::Identifier(object) = &member.object
            && self.names.contains(object.name.as_str())
            && let Some(binding) = self.collector.resolved(object)
            && let Some(&request) = self.collector.namespaces.get(&binding)
        {
            let name = member.property.name.as_str().to_owned();
            self.collector
                .member(span(member.property.span), name, request, Some(binding));
        }
        walk::walk_static_member_expression(self, member);
    }

    fn visit_ts_type(&mut self, _it: &TSType<'a>) {}
}

/// The names a declaration binds, with the declaring identifiers' spans.
fn declared_names(declaration: &Declaration<'_>, out: &mut Vec<(String, oxc_span::Span)>) {
    match declaration {
        Declaration::VariableDeclaration(v) => {
            for d in &v.declarations {
                binding_identifiers(&d.id, &mut |id| {
                    out.push((id.name.as_str().to_owned(), id.span));
                });
            }
        }
        Declaration::FunctionDeclaration(f) => {
            if let Some(id) = &f.id {
                out.push((id.name.as_str().to_owned(), id.span));
            }
        }
        Declaration::ClassDeclaration(c) => {
            if let Some(id) = &c.id {
                out.push((id.name.as_str().to_owned(), id.span));
            }
        }
        Declaration::TSEnumDeclaration(e) => {
            out.push((e.id.name.as_str().to_owned(), e.id.span));
        }
        _ => {}
    }
}

/// Each identifier a binding pattern declares, in source order (no allocation, unlike oxc's
/// `get_binding_identifiers`: the summary pass asks this of every declarator it reads).
pub(crate) fn binding_identifiers<'a>(
    p: &BindingPattern<'a>,
    found: &mut impl FnMut(&BindingIdentifier<'a>),
) {
    match p {
        BindingPattern::BindingIdentifier(id) => found(id),
        BindingPattern::ObjectPattern(o) => {
            for property in &o.properties {
                binding_identifiers(&property.value, found);
            }
            if let Some(rest) = &o.rest {
                binding_identifiers(&rest.argument, found);
            }
        }
        BindingPattern::ArrayPattern(a) => {
            for element in a.elements.iter().flatten() {
                binding_identifiers(element, found);
            }
            if let Some(rest) = &a.rest {
                binding_identifiers(&rest.argument, found);
            }
        }
        BindingPattern::AssignmentPattern(a) => binding_identifiers(&a.left, found),
    }
}
