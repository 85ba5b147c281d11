//! `textDocument/prepareRename` and `textDocument/rename`: scope-safe renames of the binding
//! family under the cursor ([`ide::rename`]). Every refusal is an error response carrying
//! [`ide::RenameError`]'s sentence, so the editor shows why — never an empty edit.
//!
//! In TypeScript files classes, enums, namespaces and imports are refused as well: they may be
//! used as types, and the model does not see type positions.

use std::collections::HashMap;

use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::{
    PrepareRenameResponse, RenameParams, TextDocumentPositionParams, TextEdit, Uri, WorkspaceEdit,
};

use super::guarded;
use crate::engine::{Analysis, Span};
use crate::ide::{self, RenameError};
use crate::lsp::convert;
use crate::lsp::session::Session;

/// LSP's `RequestFailed`: the request was valid but the server cannot carry it out.
const REQUEST_FAILED: i64 = -32803;

pub async fn prepare_rename(
    session: &Session,
    params: TextDocumentPositionParams,
) -> Result<Option<PrepareRenameResponse>> {
    let uri = params.text_document.uri;
    let snapshot = session.snapshot(&uri).await?;
    let offset = session.offset(&snapshot, params.position)?;
    let Some((analysis, offset)) = snapshot.analysis_at(offset) else {
        return Err(refusal(being_edited()));
    };
    let span = guarded("rename", || check(&uri, analysis, offset))?.map_err(refusal)?;
    let span = snapshot
        .map
        .span_to_current(span)
        .ok_or_else(|| refusal(being_edited()))?;
    Ok(Some(PrepareRenameResponse::Range(convert::range(
        &snapshot.line_index,
        span,
        session.encoding(),
    ))))
}

pub async fn rename(session: &Session, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
    let new_name = params.new_name;
    let params = params.text_document_position;
    let uri = params.text_document.uri;
    let snapshot = session.snapshot(&uri).await?;
    let offset = session.offset(&snapshot, params.position)?;
    let Some((analysis, offset)) = snapshot.analysis_at(offset) else {
        return Err(refusal(being_edited()));
    };
    let edits = guarded("rename", || {
        check(&uri, analysis, offset)?;
        ide::rename(analysis, offset, &new_name)
    })?
    .map_err(refusal)?;
    let encoding = session.encoding();
    let mut lines = snapshot.line_index.cursor();
    let mut out = Vec::with_capacity(edits.len());
    for edit in edits {
        // A rename is all or nothing: an edit inside the text being edited cannot be placed.
        let span = snapshot
            .map
            .span_to_current(edit.span)
            .ok_or_else(|| refusal(being_edited()))?;
        out.push(TextEdit {
            range: convert::range_at(&mut lines, span, encoding),
            new_text: edit.new_text,
        });
    }
    Ok(Some(WorkspaceEdit {
        changes: Some(HashMap::from([(uri, out)])),
        ..WorkspaceEdit::default()
    }))
}

/// Whether the identifier at `offset` can be renamed in this document.
fn check(uri: &Uri, analysis: &Analysis, offset: u32) -> std::result::Result<Span, RenameError> {
    let span = ide::prepare_rename(analysis, offset)?;
    if is_typescript(uri) {
        ide::refuse_type_uses(analysis, offset)?;
    }
    Ok(span)
}

fn is_typescript(uri: &Uri) -> bool {
    let path = uri.path().as_str();
    [".ts", ".tsx", ".mts", ".cts"]
        .iter()
        .any(|ext| path.ends_with(ext))
}

fn being_edited() -> RenameError {
    RenameError {
        kind: ide::RenameErrorKind::NotRenameable,
        message: "this part of the file has a syntax error: fix it before renaming".into(),
    }
}

fn refusal(error: RenameError) -> Error {
    Error {
        code: ErrorCode::ServerError(REQUEST_FAILED),
        message: error.message.into(),
        data: None,
    }
}
