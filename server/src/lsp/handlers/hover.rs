use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind};

use super::guarded;
use crate::engine::{Analysis, Span};
use crate::ide;
use crate::lsp::session::Session;
use crate::lsp::{convert, cross_module};

pub async fn hover(session: &Session, params: HoverParams) -> Result<Option<Hover>> {
    let params = params.text_document_position_params;
    let uri = params.text_document.uri;
    let snapshot = session.snapshot(&uri).await?;
    let offset = session.offset(&snapshot, params.position)?;
    // An import binding (or `ns.x`): where the value lives, in the other module.
    let link = cross_module::link_at(session, &uri, &snapshot, offset).await?;
    let link_markdown = match (&link, &snapshot.analysis) {
        (Some((span, result)), Some(analysis)) => {
            let name = name_at(analysis, *span);
            let display = |p: &std::path::Path| cross_module::display_path(&session.workspace, p);
            Some((*span, ide::import_link(&name, result, &display)))
        }
        _ => None,
    };
    if let Some((span, markdown)) = &link_markdown
        && snapshot
            .analysis
            .as_ref()
            .is_some_and(|a| a.identifier_at(span.start).is_none())
    {
        // `ns.x`: a property, not an identifier of this file: the link is the whole answer.
        let range = snapshot
            .map
            .span_to_current(*span)
            .map(|span| convert::range(&snapshot.line_index, span, session.encoding()));
        return Ok(Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: markdown.clone(),
            }),
            range,
        }));
    }
    let Some((analysis, offset)) = snapshot.analysis_at(offset) else {
        return Ok(None);
    };
    // While a heap snapshot is loaded: what the function under the cursor retains.
    let heap = super::heap_snapshot::hover_section(session, &uri, analysis, offset);
    let Some(mut hover) = guarded("hover", || ide::hover(analysis, offset))?.or(heap.clone())
    else {
        // Nothing was analysed (nesting beyond the guard, unrecoverable syntax) and there is no
        // earlier version to fall back on: say why instead of staying silent.
        return Ok(analysis.degradation.unanalysed.as_ref().map(|why| Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: format!("_scopelens could not analyse this file: {why}._"),
            }),
            range: None,
        }));
    };
    if let Some(heap) = heap.filter(|h| *h != hover) {
        hover.markdown = format!("{}\n\n---\n\n{}", hover.markdown, heap.markdown);
    }
    let mut markdown = match link_markdown {
        Some((_, link)) => format!("{link}\n\n---\n\n{}", hover.markdown),
        None => hover.markdown,
    };
    if !snapshot.map.is_identity() {
        markdown.push_str("\n\n*From the last version of the file that parsed.*");
    }
    let range = snapshot
        .map
        .span_to_current(hover.range)
        .map(|span| convert::range(&snapshot.line_index, span, session.encoding()));
    Ok(Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: markdown,
        }),
        range,
    }))
}

/// The name at `span`: the identifier's, or a member's property.
fn name_at(analysis: &Analysis, span: Span) -> String {
    if let Some(member) = analysis.module.member_at(span.start) {
        return member.name.clone();
    }
    analysis
        .identifier_at(span.start)
        .and_then(|i| i.binding())
        .map(|b| analysis.binding_name(b).to_owned())
        .unwrap_or_default()
}
