use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{GotoDefinitionParams, GotoDefinitionResponse};

use super::location;
use crate::ide::{self, cross_file::Definition};
use crate::lsp::cross_module;
use crate::lsp::session::Session;

/// Go to definition ([`ide::cross_file::definition`]): the declaration of the binding the
/// identifier resolves to; for an import binding (and `ns.x`, `lib.a` of a required module),
/// the declaration in the exporting file.
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
    let found = match (cross_module::path_of(&uri), snapshot.analysis.clone()) {
        (Some(path), Some(shared)) => {
            cross_module::off_thread(session, move |project| {
                ide::cross_file::definition(project, &path, &shared, offset)
            })
            .await?
        }
        _ => ide::goto_binding(analysis, offset).map(|t| Definition::Here(t.span)),
    };
    let encoding = session.encoding();
    let location = match found {
        Some(Definition::There(target)) => match cross_module::target_location(&target, encoding) {
            Some(there) => Some(there),
            // A path with no URI: stay in this file.
            None => ide::goto_binding(analysis, offset)
                .and_then(|t| location(&uri, &snapshot, t.span, encoding)),
        },
        Some(Definition::Here(span)) => location(&uri, &snapshot, span, encoding),
        None => None,
    };
    Ok(location.map(GotoDefinitionResponse::Scalar))
}
