//! `didOpen`, `didChange`, `didClose`: applied by the dispatcher as they arrive (see `dispatch`),
//! so every message after an edit sees it.

use tower_lsp_server::ls_types::{
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
};

use crate::lsp::memory;
use crate::lsp::session::Session;

pub fn did_open(session: &Session, params: DidOpenTextDocumentParams) {
    let doc = params.text_document;
    tracing::debug!(uri = doc.uri.as_str(), version = doc.version, "didOpen");
    session
        .documents
        .open(doc.uri.clone(), &doc.language_id, doc.version, doc.text);
    session.worker.schedule(doc.uri);
}

pub fn did_change(session: &Session, params: DidChangeTextDocumentParams) {
    let uri = params.text_document.uri;
    let version = params.text_document.version;
    if session
        .documents
        .change(&uri, version, params.content_changes, session.encoding())
    {
        session.worker.schedule(uri);
    } else {
        tracing::warn!(
            uri = uri.as_str(),
            "didChange for a document that is not open"
        );
    }
}

pub fn did_close(session: &Session, params: DidCloseTextDocumentParams) {
    let uri = params.text_document.uri;
    if !session.documents.close(&uri) {
        tracing::warn!(
            uri = uri.as_str(),
            "didClose for a document that is not open"
        );
        return;
    }
    session.semantic_tokens.forget(&uri);
    let client = session.client.clone();
    tokio::spawn(async move { client.publish_diagnostics(uri, Vec::new(), None).await });
    // Closing a large file frees its text and analyses: give that memory back, and the analysis
    // worker's scratch memory sized for it.
    memory::return_freed_memory();
    session.worker.release_memory();
}
