use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{GotoDefinitionParams, GotoDefinitionResponse};

use super::{guarded, location};
use crate::ide;
use crate::lsp::cross_module;
use crate::lsp::session::Session;

/// Go to definition: the declaration of the binding the identifier resolves to; for an import
/// binding (and `ns.x`, `lib.a` of a required module), the declaration in the exporting file.
/// An import that leads nowhere (a builtin, a missing file) stays at the local `import`.
pub async fn goto_definition(
    session: &Session,
    params: GotoDefinitionParams,
) -> Result<Option<GotoDefinitionResponse>> {
    let params = params.text_document_position_params;
    let uri = params.text_document.uri;
    let snapshot = session.snapshot(&uri).await?;
    let offset = session.offset(&snapshot, params.position)?;
    if let Some((_, Ok(target))) = cross_module::link_at(session, &uri, &snapshot, offset).await?
        && let Some(location) = cross_module::target_location(&target, session.encoding())
    {
        return Ok(Some(GotoDefinitionResponse::Scalar(location)));
    }
    let Some((analysis, offset)) = snapshot.analysis_at(offset) else {
        return Ok(None);
    };
    let target = guarded("definition", || ide::goto_binding(analysis, offset))?;
    Ok(target
        .and_then(|target| location(&uri, &snapshot, target.span, session.encoding()))
        .map(GotoDefinitionResponse::Scalar))
}
