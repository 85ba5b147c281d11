//! `scopelens/outerBinding` {textDocument, position} → Location | null: the binding that the
//! binding under the cursor shadows ("Go to Outer Binding"), one step out per call.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{Location, TextDocumentPositionParams};

use super::location;
use crate::ide;
use crate::lsp::session::Session;

pub const METHOD: &str = "scopelens/outerBinding";

pub async fn outer_binding(
    session: &Session,
    params: TextDocumentPositionParams,
) -> Result<Option<Location>> {
    let uri = params.text_document.uri;
    let snapshot = session.snapshot(&uri).await?;
    let offset = session.offset(&snapshot, params.position)?;
    let Some((analysis, offset)) = snapshot.analysis_at(offset) else {
        return Ok(None);
    };
    let target = ide::outer_binding(analysis, offset);
    Ok(target.and_then(|target| location(&uri, &snapshot, target.span, session.encoding())))
}
