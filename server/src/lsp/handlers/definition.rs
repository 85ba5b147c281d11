use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{GotoDefinitionParams, GotoDefinitionResponse};

use super::{guarded, location};
use crate::ide;
use crate::lsp::session::Session;

/// Go to definition: the declaration of the binding the identifier resolves to.
pub async fn goto_definition(
    session: &Session,
    params: GotoDefinitionParams,
) -> Result<Option<GotoDefinitionResponse>> {
    let params = params.text_document_position_params;
    let uri = params.text_document.uri;
    let snapshot = session.snapshot(&uri).await?;
    let offset = session.offset(&snapshot, params.position)?;
    let Some((analysis, offset)) = snapshot.analysis_at(offset) else {
        return Ok(None);
    };
    let target = guarded("definition", || ide::goto_binding(analysis, offset))?;
    Ok(target
        .and_then(|target| location(&uri, &snapshot, target.span, session.encoding()))
        .map(GotoDefinitionResponse::Scalar))
}
