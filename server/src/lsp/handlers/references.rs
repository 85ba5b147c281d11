//! `textDocument/references`: every place the binding family under the cursor occurs in the
//! document, with or without its declarations (`context.includeDeclaration`).

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{Location, ReferenceParams};

use super::{guarded, locations};
use crate::ide;
use crate::lsp::session::Session;

pub async fn references(
    session: &Session,
    params: ReferenceParams,
) -> Result<Option<Vec<Location>>> {
    let include_declaration = params.context.include_declaration;
    let params = params.text_document_position;
    let uri = params.text_document.uri;
    let snapshot = session.snapshot(&uri).await?;
    let offset = session.offset(&snapshot, params.position)?;
    let Some((analysis, offset)) = snapshot.analysis_at(offset) else {
        return Ok(None);
    };
    let spans = guarded("references", || {
        ide::references(analysis, offset, include_declaration)
    })?;
    if spans.is_empty() {
        return Ok(None);
    }
    Ok(Some(locations(&uri, &snapshot, &spans, session.encoding())))
}
