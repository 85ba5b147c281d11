//! Diagnostics: syntax errors (severity Warning: what keeps scopelens from analysing part of
//! the file), and the closure and scope pitfalls (`ide::pitfalls`) the settings enable, each
//! with its stable `code` (quick fixes: `handlers::code_action`).

use std::sync::Arc;

use tokio::sync::mpsc::UnboundedReceiver;
use tower_lsp_server::ls_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Uri,
};

use super::analysis_worker::Finished;
use super::convert;
use super::session::Session;
use super::snapshot::OffsetMap;
use crate::engine::Span;
use crate::ide::Pitfall;
use crate::text::{Encoding, LineIndex};

/// A pitfall as a diagnostic of the document `uri` whose text `line_index` indexes, `map` taking
/// the analysed text's offsets to it; `None` when its span does not survive the map. The one
/// conversion: published diagnostics and the code actions' diagnostics are the same.
pub fn pitfall_diagnostic(
    p: &Pitfall,
    uri: &Uri,
    line_index: &LineIndex,
    map: &OffsetMap,
    encoding: Encoding,
) -> Option<Diagnostic> {
    let range = |span: Span| {
        Some(convert::range(
            line_index,
            map.span_to_current(span)?,
            encoding,
        ))
    };
    let related: Vec<DiagnosticRelatedInformation> = p
        .related
        .iter()
        .filter_map(|(span, message)| {
            Some(DiagnosticRelatedInformation {
                location: Location::new(uri.clone(), range(*span)?),
                message: message.clone(),
            })
        })
        .collect();
    Some(Diagnostic {
        range: range(p.span)?,
        severity: Some(DiagnosticSeverity::WARNING),
        code: Some(NumberOrString::String(p.code.as_str().to_string())),
        source: Some("scopelens".into()),
        message: p.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        ..Diagnostic::default()
    })
}

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
                .iter()
                .filter(|p| enabled.enabled(p.code))
                .filter_map(|p| {
                    let map = OffsetMap::IDENTITY;
                    pitfall_diagnostic(p, &uri, &report.line_index, &map, encoding)
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
