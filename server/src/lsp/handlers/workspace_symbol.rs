//! `workspace/symbol`: [`ide::workspace_symbols`] over the workspace index, on the blocking pool.
//! At most [`LIMIT`] answers, best first (an editor's picker shows a screenful; typing narrows).

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{
    Location, OneOf, Position, Range, SymbolKind, Uri, WorkspaceSymbol, WorkspaceSymbolParams,
    WorkspaceSymbolResponse,
};

use crate::engine::DeclarationKind;
use crate::ide;
use crate::lsp::cross_module::off_thread;
use crate::lsp::session::Session;
use crate::text::Encoding;

/// Answers per query, at most.
const LIMIT: usize = 256;

pub async fn workspace_symbol(
    session: &Session,
    params: WorkspaceSymbolParams,
) -> Result<Option<WorkspaceSymbolResponse>> {
    let query = params.query;
    let (found, ready) = off_thread(session, move |project| {
        ide::workspace_symbols(project, &query, LIMIT)
    })
    .await?;
    if !ready {
        tracing::warn!("workspace/symbol answered while the index is being built: partial");
    }
    let encoding = session.encoding();
    let symbols = found
        .into_iter()
        .filter_map(|s| {
            let uri = Uri::from_file_path(&s.path)?;
            let (start, end) = match encoding {
                Encoding::Utf8 => s.utf8,
                Encoding::Utf16 => s.utf16,
            };
            let range = Range::new(Position::new(s.line, start), Position::new(s.line, end));
            Some(WorkspaceSymbol {
                name: s.name,
                kind: kind(s.declaration),
                tags: None,
                container_name: Some(s.container),
                location: OneOf::Left(Location::new(uri, range)),
                data: None,
            })
        })
        .collect();
    Ok(Some(WorkspaceSymbolResponse::Nested(symbols)))
}

fn kind(declaration: DeclarationKind) -> SymbolKind {
    match declaration {
        DeclarationKind::Function | DeclarationKind::AnnexBFunction => SymbolKind::FUNCTION,
        DeclarationKind::Class => SymbolKind::CLASS,
        DeclarationKind::Const | DeclarationKind::Using => SymbolKind::CONSTANT,
        DeclarationKind::Enum => SymbolKind::ENUM,
        DeclarationKind::Namespace => SymbolKind::NAMESPACE,
        _ => SymbolKind::VARIABLE,
    }
}
