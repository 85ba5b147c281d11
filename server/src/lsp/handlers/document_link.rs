//! `textDocument/documentLink`: each `import`/`export … from`/`require(…)` specifier links to
//! the file it resolves to. Builtins and specifiers that resolve nowhere get no link.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{DocumentLink, DocumentLinkParams, Uri};

use crate::engine::Span;
use crate::lsp::convert;
use crate::lsp::cross_module::{self, path_of};
use crate::lsp::session::Session;
use crate::workspace::Resolved;

pub async fn document_link(
    session: &Session,
    params: DocumentLinkParams,
) -> Result<Option<Vec<DocumentLink>>> {
    let uri = params.text_document.uri;
    let snapshot = session.snapshot(&uri).await?;
    let (Some(analysis), Some(path)) = (snapshot.analysis.clone(), path_of(&uri)) else {
        return Ok(None);
    };
    if analysis.module.requests.is_empty() {
        return Ok(Some(Vec::new()));
    }
    let resolved = cross_module::off_thread(session, move |project| {
        analysis
            .module
            .requests
            .iter()
            .map(|request| (request.span, project.workspace.resolve(&path, request)))
            .collect::<Vec<_>>()
    })
    .await?;
    let encoding = session.encoding();
    let links = resolved
        .into_iter()
        .filter_map(|(span, resolved)| {
            let Resolved::File(file) = resolved else {
                return None;
            };
            // Inside the quotes.
            let inner = Span::new(
                span.start + 1,
                span.end.saturating_sub(1).max(span.start + 1),
            );
            let inner = snapshot.map.span_to_current(inner)?;
            Some(DocumentLink {
                range: convert::range(&snapshot.line_index, inner, encoding),
                target: Uri::from_file_path(&file),
                tooltip: Some(cross_module::display_path(&session.workspace, &file)),
                data: None,
            })
        })
        .collect();
    Ok(Some(links))
}
