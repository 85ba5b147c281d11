//! `textDocument/codeAction`: quick fixes for the pitfall diagnostics (`ide::pitfalls`) that
//! touch the requested range, each tied to its diagnostic by code and range.

use std::collections::HashMap;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CodeActionResponse,
    Diagnostic, NumberOrString, TextEdit, WorkspaceEdit,
};

use super::guarded;
use crate::engine::Span;
use crate::ide;
use crate::lsp::convert;
use crate::lsp::session::Session;

pub async fn code_action(
    session: &Session,
    params: CodeActionParams,
) -> Result<Option<CodeActionResponse>> {
    let uri = params.text_document.uri;
    let snapshot = session.snapshot(&uri).await?;
    let Some(analysis) = snapshot.analysis.as_deref() else {
        return Ok(None);
    };
    let encoding = session.encoding();
    let start = session.offset(&snapshot, params.range.start)?;
    let end = session.offset(&snapshot, params.range.end)?;
    let config = session.config().pitfalls;
    let found = guarded("code actions", || ide::pitfalls(analysis, &config))?;
    let mut actions = Vec::new();
    for pitfall in found {
        // Offsets of the analysed text; while the text has syntax errors, only what survives
        // the offset map is offered.
        let Some(span) = snapshot.map.span_to_current(pitfall.span) else {
            continue;
        };
        if span.end < start || span.start > end {
            continue;
        }
        let diagnostic = Diagnostic {
            range: convert::range(&snapshot.line_index, span, encoding),
            code: Some(NumberOrString::String(pitfall.code.as_str().to_string())),
            source: Some("scopelens".into()),
            message: pitfall.message.clone(),
            ..Diagnostic::default()
        };
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
