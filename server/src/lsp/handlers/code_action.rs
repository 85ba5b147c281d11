//! `textDocument/codeAction`: quick fixes for the pitfall diagnostics (`ide::pitfalls`) that
//! touch the requested range, each tied to its diagnostic (the published one: same conversion).
//! The pitfalls are the snapshot's, found once per analysis.

use std::collections::HashMap;

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CodeActionResponse,
    TextEdit, WorkspaceEdit,
};

use crate::engine::Span;
use crate::lsp::session::Session;
use crate::lsp::{convert, diagnostics};

pub async fn code_action(
    session: &Session,
    params: CodeActionParams,
) -> Result<Option<CodeActionResponse>> {
    let uri = params.text_document.uri;
    let snapshot = session.snapshot(&uri).await?;
    let Some(analysis) = snapshot.analysis.clone() else {
        return Ok(None);
    };
    let encoding = session.encoding();
    let start = session.offset(&snapshot, params.range.start)?;
    let end = session.offset(&snapshot, params.range.end)?;
    let enabled = session.config().pitfalls;
    // Found by the analysis worker once the snapshot was out; rarely still on their way.
    let found = match snapshot.pitfalls.found() {
        Some(found) => found,
        None => {
            let pitfalls = snapshot.pitfalls.clone();
            tokio::task::spawn_blocking(move || pitfalls.find(&analysis))
                .await
                .map_err(|_| Error::internal_error())?
        }
    };
    let mut actions = Vec::new();
    for pitfall in found.iter().filter(|p| enabled.enabled(p.code)) {
        // Offsets of the analysed text; while the text has syntax errors, only what survives
        // the offset map is offered.
        let Some(diagnostic) = diagnostics::pitfall_diagnostic(
            pitfall,
            &uri,
            &snapshot.line_index,
            &snapshot.map,
            encoding,
        ) else {
            continue;
        };
        let Some(span) = snapshot.map.span_to_current(pitfall.span) else {
            continue;
        };
        if span.end < start || span.start > end {
            continue;
        }
        for (i, fix) in pitfall.fixes.iter().enumerate() {
            let edits: Option<Vec<TextEdit>> = fix
                .edits
                .iter()
                .map(|e| {
                    let at: Span = snapshot.map.span_to_current(e.span)?;
                    Some(TextEdit {
                        range: convert::range(&snapshot.line_index, at, encoding),
                        new_text: e.new_text.clone(),
                    })
                })
                .collect();
            let Some(edits) = edits else { continue };
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: fix.title.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostic.clone()]),
                edit: Some(WorkspaceEdit {
                    changes: Some(HashMap::from([(uri.clone(), edits)])),
                    ..WorkspaceEdit::default()
                }),
                is_preferred: Some(i == 0),
                ..CodeAction::default()
            }));
        }
    }
    Ok(Some(actions))
}
