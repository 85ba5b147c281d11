//! `textDocument/prepareRename` and `textDocument/rename`: scope-safe renames of the binding
//! family under the cursor ([`ide::rename`]). Every refusal is an error response carrying
//! [`ide::RenameError`]'s sentence, so the editor shows why — never an empty edit — and its
//! kind in `data.kind`: `notRenameable` (nothing scopelens renames here: a property, an undeclared
//! name, a type-capable TypeScript declaration…), which a client may leave to another rename
//! provider (TypeScript's), or `exported`, `dynamic`, `invalidName`, `conflict`: the rename is
//! unsafe, and no provider should carry it out (editors/vscode/src/rename.ts stops there).
//!
//! In TypeScript files classes, enums, namespaces and imports are refused as well: they may be
//! used as types, and the model does not see type positions.

use std::collections::HashMap;

use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::{
    PrepareRenameResponse, RenameParams, TextDocumentPositionParams, TextEdit, Uri, WorkspaceEdit,
};

use crate::engine::{Analysis, Span};
use crate::ide::{self, RenameError, cross_file};
use crate::lsp::session::Session;
use crate::lsp::{convert, cross_module};

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
    let across = !session.workspace.folders().is_empty();
    let span = match check(&uri, analysis, offset) {
        // An export can be renamed across the workspace's files.
        Err(e) if across && e.kind == ide::RenameErrorKind::Exported => {
            ide::prepare_rename_across(analysis, offset)
        }
        // So can an export name written apart, and a name asked of another module.
        Err(e) if across => cross_file::prepare_rename_export_side(analysis, offset).ok_or(e),
        other => other,
    }
    .map_err(refusal)?;
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
    if let Some(edit) = rename_across(session, &uri, &snapshot, offset, &new_name).await? {
        return Ok(Some(edit));
    }
    let edits = check(&uri, analysis, offset)
        .and_then(|_| ide::rename(analysis, offset, &new_name))
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

/// A rename across the workspace's files ([`cross_file::rename`]), when the name at
/// `offset` (of the snapshot's analysis) is an export, an import of one by its own name, or a
/// member of a namespace; `None` for a rename local to the file. Without workspace folders the
/// importers cannot be found: exports stay refused by [`ide::rename`].
async fn rename_across(
    session: &Session,
    uri: &Uri,
    snapshot: &std::sync::Arc<crate::lsp::snapshot::Snapshot>,
    offset: u32,
    new_name: &str,
) -> Result<Option<WorkspaceEdit>> {
    if session.workspace.folders().is_empty() {
        return Ok(None);
    }
    let (Some(path), Some(analysis)) = (cross_module::path_of(uri), snapshot.analysis.clone())
    else {
        return Ok(None);
    };
    let new_name = new_name.to_owned();
    let found = cross_module::off_thread(session, move |project| {
        cross_file::rename(project, &path, &analysis, offset, &new_name)
    })
    .await?;
    let Some(files) = found else {
        return Ok(None);
    };
    let files = files.map_err(refusal)?;
    let encoding = session.encoding();
    let mut changes = HashMap::new();
    for (path, analysis, edits) in files {
        let Some(file_uri) = Uri::from_file_path(&path) else {
            continue;
        };
        let here = &file_uri == uri;
        let mut out = Vec::with_capacity(edits.len());
        for edit in edits {
            let range = if here {
                let span = snapshot
                    .map
                    .span_to_current(edit.span)
                    .ok_or_else(|| refusal(being_edited()))?;
                convert::range(&snapshot.line_index, span, encoding)
            } else {
                convert::range(&analysis.line_index, edit.span, encoding)
            };
            out.push(TextEdit {
                range,
                new_text: edit.new_text,
            });
        }
        changes.insert(file_uri, out);
    }
    Ok(Some(WorkspaceEdit {
        changes: Some(changes),
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
    RenameError::new(
        ide::RenameErrorKind::NotRenameable,
        "this part of the file has a syntax error; fix it before renaming",
    )
}

fn refusal(error: RenameError) -> Error {
    let kind = match error.kind {
        ide::RenameErrorKind::NotRenameable => "notRenameable",
        ide::RenameErrorKind::Exported => "exported",
        ide::RenameErrorKind::Dynamic => "dynamic",
        ide::RenameErrorKind::InvalidName => "invalidName",
        ide::RenameErrorKind::Conflict => "conflict",
    };
    Error {
        code: ErrorCode::ServerError(REQUEST_FAILED),
        message: error.message.into(),
        data: Some(serde_json::json!({ "kind": kind })),
    }
}
