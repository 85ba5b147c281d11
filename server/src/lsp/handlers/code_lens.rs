//! `textDocument/codeLens`: while a heap snapshot is loaded (`heap_snapshot.rs`), a lens above
//! each of its biggest closures in the document, saying what they retain. Plain labels: the
//! command is empty, so editors show the title and clicking does nothing.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{CodeLens, CodeLensParams, Command, Range};

use crate::ide;
use crate::lsp::session::Session;
use crate::lsp::{convert, cross_module};

pub async fn code_lens(session: &Session, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
    let Some(heap) = session.heap.get() else {
        return Ok(None);
    };
    let uri = params.text_document.uri;
    let Some(path) = cross_module::path_of(&uri) else {
        return Ok(None);
    };
    let functions = heap.functions_in(&path);
    if functions.is_empty() {
        return Ok(None);
    }
    let snapshot = session.snapshot(&uri).await?;
    let Some(analysis) = snapshot.analysis.as_ref() else {
        return Ok(None);
    };
    let lenses = ide::heap_lenses(analysis, functions)
        .into_iter()
        .filter_map(|lens| {
            let at = snapshot.map.to_current(lens.offset)?;
            let position = convert::position(&snapshot.line_index, at, session.encoding());
            Some(CodeLens {
                range: Range::new(position, position),
                command: Some(Command {
                    title: lens.title,
                    command: String::new(),
                    arguments: None,
                }),
                data: None,
            })
        })
        .collect();
    Ok(Some(lenses))
}
