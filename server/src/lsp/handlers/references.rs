//! `textDocument/references`: every place the binding family under the cursor occurs in the
//! document, with or without its declarations (`context.includeDeclaration`); for an exported
//! binding (or an import, member or re-export leading to one), also every place it occurs in
//! the workspace files that import it ([`crate::workspace::cross_refs`]), searched on the
//! blocking pool.

use std::collections::BTreeMap;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{Location, ReferenceParams, Uri};

use super::{guarded, locations};
use crate::engine::Span;
use crate::ide;
use crate::lsp::convert;
use crate::lsp::cross_module::{off_thread, path_of};
use crate::lsp::session::Session;
use crate::workspace::cross_refs;

pub async fn references(
    session: &Session,
    params: ReferenceParams,
) -> Result<Option<Vec<Location>>> {
    let include_declaration = params.context.include_declaration;
    let params = params.text_document_position;
    let uri = params.text_document.uri;
    let snapshot = session.snapshot(&uri).await?;
    let offset = session.offset(&snapshot, params.position)?;
    let Some((analysis, base)) = snapshot.analysis_at(offset) else {
        return Ok(None);
    };
    let mut spans = guarded("references", || {
        ide::references(analysis, base, include_declaration)
    })?;
    let encoding = session.encoding();
    let mut others = Vec::new();
    if let (Some(path), Some(analysis)) = (path_of(&uri), snapshot.analysis.clone()) {
        let here = path.clone();
        let found = off_thread(session, move |workspace, open| {
            let target = workspace.cross_target(&path, &analysis, base, open)?;
            let importers = workspace.importers(&target, open);
            // Per file: spans, with the analysis whose offsets they are in.
            let mut files: BTreeMap<_, (std::sync::Arc<crate::engine::Analysis>, Vec<Span>)> =
                BTreeMap::new();
            files.insert(
                target.path.clone(),
                (
                    target.analysis.clone(),
                    cross_refs::declaring_references(&target, include_declaration),
                ),
            );
            for (p, a, uses) in &importers.files {
                let entry = files
                    .entry(p.clone())
                    .or_insert_with(|| (a.clone(), Vec::new()));
                entry
                    .1
                    .extend(cross_refs::file_references(a, uses, include_declaration));
            }
            Some(files)
        })
        .await?;
        for (p, (a, file_spans)) in found.into_iter().flatten() {
            if p == here {
                spans.extend(file_spans);
                continue;
            }
            let Some(other) = Uri::from_file_path(&p) else {
                continue;
            };
            others.extend(file_spans.iter().map(|&s| {
                Location::new(other.clone(), convert::range(&a.line_index, s, encoding))
            }));
        }
    }
    spans.sort_by_key(|s| (s.start, s.end));
    spans.dedup();
    if spans.is_empty() && others.is_empty() {
        return Ok(None);
    }
    let mut out = locations(&uri, &snapshot, &spans, encoding);
    others.dedup();
    out.extend(others);
    Ok(Some(out))
}
