//! `textDocument/documentHighlight`: the binding family under the cursor, each occurrence marked
//! Read or Write (a read-and-write like `x += 1` is a Write: it changes the binding).

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{
    DocumentHighlight, DocumentHighlightKind, DocumentHighlightParams,
};

use crate::ide::{self, HighlightKind};
use crate::lsp::convert;
use crate::lsp::session::Session;

pub async fn document_highlight(
    session: &Session,
    params: DocumentHighlightParams,
) -> Result<Option<Vec<DocumentHighlight>>> {
    let params = params.text_document_position_params;
    let snapshot = session.snapshot(&params.text_document.uri).await?;
    let offset = session.offset(&snapshot, params.position)?;
    let Some((analysis, offset)) = snapshot.analysis_at(offset) else {
        return Ok(None);
    };
    let highlights = ide::highlights(analysis, offset);
    if highlights.is_empty() {
        return Ok(None);
    }
    let encoding = session.encoding();
    let mut lines = snapshot.line_index.cursor();
    Ok(Some(
        highlights
            .iter()
            .filter_map(|h| {
                let span = snapshot.map.span_to_current(h.span)?;
                let kind = match h.kind {
                    HighlightKind::Read => DocumentHighlightKind::READ,
                    HighlightKind::Write | HighlightKind::ReadWrite => DocumentHighlightKind::WRITE,
                };
                Some(DocumentHighlight {
                    range: convert::range_at(&mut lines, span, encoding),
                    kind: Some(kind),
                })
            })
            .collect(),
    ))
}
