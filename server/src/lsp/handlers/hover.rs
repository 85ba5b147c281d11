//! `textDocument/hover`: [`cross_file::hover`] (the document's own hover, and for an import or
//! `ns.x` where the value lives in the other module), on the blocking pool since a link may read
//! files.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind};

use crate::ide::{self, cross_file};
use crate::lsp::session::Session;
use crate::lsp::{convert, cross_module};

pub async fn hover(session: &Session, params: HoverParams) -> Result<Option<Hover>> {
    let params = params.text_document_position_params;
    let uri = params.text_document.uri;
    let snapshot = session.snapshot(&uri).await?;
    let offset = session.offset(&snapshot, params.position)?;
    let Some((analysis, offset)) = snapshot.analysis_at(offset) else {
        return Ok(None);
    };
    // While a heap snapshot is loaded: what the function under the cursor retains.
    let heap = super::heap_snapshot::hover_section(session, &uri, analysis, offset);
    let found = match (cross_module::path_of(&uri), snapshot.analysis.clone()) {
        (Some(path), Some(shared)) => {
            cross_module::off_thread(session, move |project| {
                cross_file::hover(project, &path, &shared, offset)
            })
            .await?
        }
        _ => ide::hover(analysis, offset),
    };
    let Some(mut hover) = found.or(heap.clone()) else {
        // Nothing was analysed (nesting beyond the guard, unrecoverable syntax) and there is no
        // earlier version to fall back on: say why instead of staying silent.
        return Ok(analysis.degradation.unanalysed.as_ref().map(|why| Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: format!("_scopelens could not analyse this file: {why}._"),
            }),
            range: None,
        }));
    };
    if let Some(heap) = heap.filter(|h| *h != hover) {
        hover.markdown = format!("{}\n\n---\n\n{}", hover.markdown, heap.markdown);
    }
    let mut markdown = hover.markdown;
    if !snapshot.map.is_identity() {
        markdown.push_str("\n\n*From the last version of the file that parsed.*");
    }
    let range = snapshot
        .map
        .span_to_current(hover.range)
        .map(|span| convert::range(&snapshot.line_index, span, session.encoding()));
    Ok(Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: markdown,
        }),
        range,
    }))
}
