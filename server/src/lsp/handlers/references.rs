//! `textDocument/references`: every place the binding family under the cursor occurs, with or
//! without its declarations (`context.includeDeclaration`): in the document, and for an
//! exported binding (or an import, member or re-export leading to one) in every file of the
//! project that imports it ([`ide::cross_file::references`]), on the blocking pool.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{Location, ReferenceParams, Uri};

use super::locations;
use crate::ide::{self, cross_file};
use crate::lsp::convert;
use crate::lsp::cross_module::{off_thread, path_of};
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
    let (Some(analysis), Some(base)) = (snapshot.analysis.clone(), snapshot.map.to_base(offset))
    else {
        return Ok(None);
    };
    let encoding = session.encoding();
    let Some(path) = path_of(&uri) else {
        // Not a file: the document alone.
        let spans = ide::references(&analysis, base, include_declaration);
        let out = locations(&uri, &snapshot, &spans, encoding);
        return Ok((!out.is_empty()).then_some(out));
    };
    let here = path.clone();
    let found = off_thread(session, move |project| {
        cross_file::references(project, &path, &analysis, base, include_declaration)
    })
    .await?;
    if !found.partial.is_empty() {
        partial_answer(session, &found.partial).await;
    }
    // The document's own places first, then the other files in path order.
    let (mine, others): (Vec<_>, Vec<_>) = found.files.into_iter().partition(|f| f.path == here);
    let mut out = Vec::new();
    for file in mine.into_iter().chain(others) {
        if file.path == here {
            out.extend(locations(&uri, &snapshot, &file.spans, encoding));
            continue;
        }
        let Some(other) = Uri::from_file_path(&file.path) else {
            continue;
        };
        out.extend(file.spans.iter().map(|&s| {
            Location::new(
                other.clone(),
                convert::range(&file.analysis.line_index, s, encoding),
            )
        }));
    }
    Ok((!out.is_empty()).then_some(out))
}

/// Says that the references found are not all there may be: in the log and to the user.
async fn partial_answer(session: &Session, why: &[String]) {
    let message = format!(
        "scopelens: these references may be incomplete: {}",
        why.join("; ")
    );
    tracing::warn!("{message}");
    session
        .client
        .show_message(tower_lsp_server::ls_types::MessageType::WARNING, message)
        .await;
}
