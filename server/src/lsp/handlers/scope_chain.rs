//! `scopelens/scopeChain` {textDocument, position} → the environments from the cursor outward,
//! like DevTools' Scope pane but static:
//! `{ environments: [{kind, owner, range, dynamic, bindings: [{name, declaration, range,
//! captured, mutated, shadows?, keptByV8?, notKeptReason?}], retains?: [{name, range, used}]}] }`,
//! innermost first (`keptByV8`: whether a debugger paused here finds the binding);
//! `retains` (on the closure the cursor is in) lists the state made per call that it keeps alive:
//! V8's context slots on its chain, module-level bindings left out (as hover says).

use serde::Serialize;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{Location, Range, TextDocumentPositionParams};

use crate::engine::{BindingId, Span};
use crate::ide;
use crate::lsp::convert;
use crate::lsp::cross_module;
use crate::lsp::session::Session;
use crate::lsp::snapshot::Snapshot;
use crate::text::Encoding;
use crate::workspace::{Target, Unlinked};

pub const METHOD: &str = "scopelens/scopeChain";

#[derive(Serialize, Debug, Default)]
pub struct ScopeChain {
    pub environments: Vec<Environment>,
}

#[derive(Serialize, Debug)]
pub struct Environment {
    pub kind: &'static str,
    pub owner: String,
    pub range: Range,
    pub dynamic: bool,
    pub bindings: Vec<Binding>,
    /// Closures only: what they keep alive (V8's context slots on their chain).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub retains: Vec<Retained>,
}

#[derive(Serialize, Debug)]
pub struct Retained {
    pub name: String,
    pub range: Range,
    /// The closure uses it; `false`: kept alive only because it shares a context.
    pub used: bool,
}

#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct Binding {
    pub name: String,
    pub declaration: &'static str,
    pub range: Range,
    pub captured: bool,
    pub mutated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shadows: Option<Location>,
    /// Whether V8 keeps it for a frame paused at the position (absent for what the debugger
    /// does not list by name: private names, a function expression's own name from inside).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kept_by_v8: Option<bool>,
    /// Why V8 did not keep it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_kept_reason: Option<&'static str>,
    /// For an import binding: the binding of the other module it is bound to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub import: Option<ImportTarget>,
}

#[derive(Serialize, Debug)]
pub struct ImportTarget {
    /// The declaration in the exporting module; absent when the link stops short.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// The exporting module, relative to its workspace folder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
    /// The name asked of the module: `default`, a name, or `*`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exported: Option<String>,
    /// Why the link stops short (a builtin, an unresolvable specifier, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unlinked: Option<String>,
}

/// The chain at the cursor.
pub async fn scope_chain(
    session: &Session,
    params: TextDocumentPositionParams,
) -> Result<ScopeChain> {
    let uri = params.text_document.uri;
    let snapshot = session.snapshot(&uri).await?;
    let offset = session.offset(&snapshot, params.position)?;
    let Some(analysis) = snapshot.analysis.as_deref() else {
        return Ok(ScopeChain::default());
    };
    // A cursor inside text being edited still sits in the environments around the edit.
    let offset = snapshot.map.region_to_base(Span::new(offset, offset)).start;
    let chain = ide::scope_chain(analysis, offset);
    let encoding = session.encoding();
    let imports = import_targets(session, &uri, &snapshot, &chain).await?;
    let range = |span| region_range(&snapshot, span, encoding);
    let environments = chain
        .into_iter()
        .map(|env| Environment {
            kind: env.kind,
            owner: env.owner,
            range: range(env.span),
            dynamic: env.dynamic,
            bindings: env
                .bindings
                .into_iter()
                .map(|b| Binding {
                    name: b.name,
                    declaration: b.declaration,
                    range: range(b.span),
                    captured: b.captured,
                    mutated: b.mutated,
                    kept_by_v8: b.v8.map(|v| v.is_kept()),
                    not_kept_reason: b.v8.and_then(|v| v.reason()),
                    shadows: b.shadows.map(|outer| {
                        Location::new(uri.clone(), range(analysis.binding(outer).span))
                    }),
                    import: imports
                        .iter()
                        .position(|(binding, _)| *binding == b.binding)
                        .map(|i| import_target(session, &imports[i].1, encoding)),
                })
                .collect(),
            retains: env
                .retains
                .into_iter()
                .map(|r| Retained {
                    name: r.name,
                    range: range(analysis.binding(r.binding).span),
                    used: r.used,
                })
                .collect(),
        })
        .collect();
    Ok(ScopeChain { environments })
}

type Link = std::result::Result<Target, Unlinked>;

/// The targets of the chain's import bindings, followed off the message-reading task.
async fn import_targets(
    session: &Session,
    uri: &tower_lsp_server::ls_types::Uri,
    snapshot: &Snapshot,
    chain: &[ide::ChainEnvironment],
) -> Result<Vec<(BindingId, Link)>> {
    let (Some(analysis), Some(path)) = (snapshot.analysis.clone(), cross_module::path_of(uri))
    else {
        return Ok(Vec::new());
    };
    let imports: Vec<BindingId> = chain
        .iter()
        .flat_map(|env| &env.bindings)
        .map(|b| b.binding)
        .filter(|&b| analysis.module.import_of(b).is_some())
        .collect();
    if imports.is_empty() {
        return Ok(Vec::new());
    }
    cross_module::off_thread(session, move |project| {
        imports
            .into_iter()
            .map(|b| {
                let link = project
                    .workspace
                    .import_target(&path, &analysis, b, project.open);
                (b, link)
            })
            .collect()
    })
    .await
}

fn import_target(session: &Session, link: &Link, encoding: Encoding) -> ImportTarget {
    let display = |p: &std::path::Path| cross_module::display_path(&session.workspace, p);
    match link {
        Ok(target) => ImportTarget {
            location: cross_module::target_location(target, encoding),
            module: Some(display(&target.path)),
            exported: Some(target.export_name.clone()),
            unlinked: None,
        },
        Err(why) => ImportTarget {
            location: None,
            module: None,
            exported: None,
            unlinked: Some(ide::unlinked(why, &display)),
        },
    }
}

/// Ranges here describe regions, so ends inside the edited text stretch over it.
fn region_range(snapshot: &Snapshot, span: Span, encoding: Encoding) -> Range {
    convert::range(
        &snapshot.line_index,
        snapshot.map.region_to_current(span),
        encoding,
    )
}
