//! Diagnostics: syntax errors (severity Warning: what keeps scopelens from analysing part of
//! the file), and the closure and scope pitfalls (`ide::pitfalls`) the settings enable, each
//! with its stable `code` (quick fixes: `handlers::code_action`).

use std::sync::Arc;

use tokio::sync::mpsc::UnboundedReceiver;
use tower_lsp_server::ls_types::{Diagnostic, DiagnosticSeverity, NumberOrString};

use super::analysis_worker::Finished;
use super::convert;
use super::session::Session;
use crate::engine::Span;

/// Publishes what each finished analysis reports, until the worker goes away.
pub async fn publish(session: Arc<Session>, mut finished: UnboundedReceiver<Finished>) {
    while let Some(Finished { uri, report }) = finished.recv().await {
        // Closed meanwhile: its diagnostics were cleared and must stay so.
        if session.documents.subscribe(&uri).is_none() {
            continue;
        }
        let encoding = session.encoding();
        let diagnostic = |span: Span, message: String| Diagnostic {
            range: convert::range(&report.line_index, span, encoding),
            severity: Some(DiagnosticSeverity::WARNING),
            source: Some("scopelens".into()),
            message,
            ..Diagnostic::default()
        };
        let mut diagnostics: Vec<Diagnostic> = report
            .syntax_errors
            .into_iter()
            .map(|e| diagnostic(e.span, e.message))
            .collect();
        let enabled = session.config().pitfalls;
        diagnostics.extend(
            report
                .pitfalls
                .into_iter()
                .filter(|p| enabled.enabled(p.code))
                .map(|p| Diagnostic {
                    code: Some(NumberOrString::String(p.code.as_str().to_string())),
                    ..diagnostic(p.span, p.message)
                }),
        );
        if let Some(why) = report.unanalysed
            && diagnostics.is_empty()
        {
            diagnostics.push(diagnostic(
                Span::new(0, 0),
                format!("scopelens could not analyse this file: {why}"),
            ));
        }
        session
            .client
            .publish_diagnostics(uri, diagnostics, Some(report.version))
            .await;
    }
}
