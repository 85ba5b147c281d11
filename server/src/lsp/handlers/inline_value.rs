//! `textDocument/inlineValue`: while a debugger is paused, the values to show beside the code
//! (`ide::inline_values`): variable lookups by the name the debugger finds in the paused frame,
//! and a short text at the declaration of an outer variable V8 did not keep.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{
    InlineValue, InlineValueParams, InlineValueText, InlineValueVariableLookup,
};

use crate::engine::Span;
use crate::ide;
use crate::lsp::convert;
use crate::lsp::session::Session;

pub async fn inline_value(
    session: &Session,
    params: InlineValueParams,
) -> Result<Option<Vec<InlineValue>>> {
    if !session.config().inline_values {
        return Ok(None);
    }
    let snapshot = session.snapshot(&params.text_document.uri).await?;
    let stopped = params.context.stopped_location.start;
    let stop = session.offset(&snapshot, stopped)?;
    // A pause inside text being edited has no exact answer.
    let Some((analysis, stop)) = snapshot.analysis_at(stop) else {
        return Ok(None);
    };
    // Clients send generous visible ranges: clamp instead of failing.
    let encoding = session.encoding();
    let end_of_text = snapshot.line_index.len();
    let offset = |p| convert::offset(&snapshot.line_index, p, encoding).unwrap_or(end_of_text);
    let (start, end) = (offset(params.range.start), offset(params.range.end));
    let visible = snapshot
        .map
        .region_to_base(Span::new(start.min(end), start.max(end)));
    let values = ide::inline_values(analysis, stop, visible);
    let mut lines = snapshot.line_index.cursor();
    Ok(Some(
        values
            .into_iter()
            .filter_map(|value| {
                let span = snapshot.map.span_to_current(value.span())?;
                let range = convert::range_at(&mut lines, span, encoding);
                Some(match value {
                    ide::InlineValue::Lookup { name, .. } => {
                        InlineValue::VariableLookup(InlineValueVariableLookup {
                            range,
                            variable_name: Some(name.to_string()),
                            case_sensitive_lookup: true,
                        })
                    }
                    ide::InlineValue::Note { text, .. } => {
                        InlineValue::Text(InlineValueText { range, text })
                    }
                })
            })
            .collect(),
    ))
}
