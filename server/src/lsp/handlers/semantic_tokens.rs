//! `textDocument/semanticTokens/full`, `/range` and `/full/delta`: [`ide::semantic_tokens`] in
//! LSP's relative encoding, with columns in the negotiated encoding.
//!
//! Each whole-file answer gets a result id, and the session keeps the last one per open document
//! ([`crate::lsp::token_cache::TokenCache`]); a delta request naming it is answered with the one edit between the old and
//! new token arrays (their common prefix and suffix kept). Whole-file work runs off the executor.

use std::sync::Arc;

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{
    SemanticToken, SemanticTokenModifier, SemanticTokenType, SemanticTokens, SemanticTokensDelta,
    SemanticTokensDeltaParams, SemanticTokensEdit, SemanticTokensFullDeltaResult,
    SemanticTokensLegend, SemanticTokensParams, SemanticTokensRangeParams,
    SemanticTokensRangeResult, SemanticTokensResult, Uri,
};

use crate::engine::Span;
use crate::ide;
use crate::lsp::convert;
use crate::lsp::session::Session;
use crate::lsp::snapshot::Snapshot;
use crate::text::Encoding;

/// The legend announced in the capabilities: [`ide::TOKEN_TYPES`] and [`ide::TOKEN_MODIFIERS`].
pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: ide::TOKEN_TYPES
            .iter()
            .map(|t| SemanticTokenType::new(t))
            .collect(),
        token_modifiers: ide::TOKEN_MODIFIERS
            .iter()
            .map(|m| SemanticTokenModifier::new(m))
            .collect(),
    }
}

pub async fn full(
    session: &Arc<Session>,
    params: SemanticTokensParams,
) -> Result<Option<SemanticTokensResult>> {
    let uri = params.text_document.uri;
    let (result_id, tokens) = whole_file(session, &uri).await?;
    Ok(Some(SemanticTokensResult::Tokens(SemanticTokens {
        result_id: Some(result_id.to_string()),
        data: Arc::unwrap_or_clone(tokens),
    })))
}

pub async fn full_delta(
    session: &Arc<Session>,
    params: SemanticTokensDeltaParams,
) -> Result<Option<SemanticTokensFullDeltaResult>> {
    let uri = params.text_document.uri;
    let previous = session
        .semantic_tokens
        .get(&uri, &params.previous_result_id);
    let (result_id, tokens) = whole_file(session, &uri).await?;
    let result_id = Some(result_id.to_string());
    let Some(previous) = previous else {
        return Ok(Some(SemanticTokensFullDeltaResult::Tokens(
            SemanticTokens {
                result_id,
                data: Arc::unwrap_or_clone(tokens),
            },
        )));
    };
    Ok(Some(SemanticTokensFullDeltaResult::TokensDelta(
        SemanticTokensDelta {
            result_id,
            edits: diff(&previous, &tokens).into_iter().collect(),
        },
    )))
}

pub async fn range(
    session: &Session,
    params: SemanticTokensRangeParams,
) -> Result<Option<SemanticTokensRangeResult>> {
    let snapshot = session.snapshot(&params.text_document.uri).await?;
    let Some(analysis) = snapshot.analysis.as_deref() else {
        return Ok(None);
    };
    // Clients ask for generous ranges: clamp instead of failing.
    let end_of_text = snapshot.line_index.len();
    let encoding = session.encoding();
    let offset =
        |position| convert::offset(&snapshot.line_index, position, encoding).unwrap_or(end_of_text);
    let (start, end) = (offset(params.range.start), offset(params.range.end));
    let range = snapshot
        .map
        .region_to_base(Span::new(start.min(end), start.max(end)));
    let tokens = encode(
        &snapshot,
        &ide::semantic_tokens_in(analysis, range),
        encoding,
    );
    Ok(Some(SemanticTokensRangeResult::Tokens(SemanticTokens {
        result_id: None,
        data: tokens,
    })))
}

/// The whole file's tokens, encoded, remembered under a new result id.
async fn whole_file(session: &Arc<Session>, uri: &Uri) -> Result<(u64, Arc<Vec<SemanticToken>>)> {
    let snapshot = session.snapshot(uri).await?;
    let encoding = session.encoding();
    let work = snapshot.clone();
    // Hundreds of thousands of tokens on a large file: made off the task that reads messages.
    let tokens = tokio::task::spawn_blocking(move || {
        let Some(analysis) = work.analysis.as_deref() else {
            return Ok(Vec::new());
        };
        Ok(encode(&work, &ide::semantic_tokens(analysis), encoding))
    })
    .await
    .map_err(|_| {
        let mut error = Error::internal_error();
        error.message = "the semantic tokens task failed".into();
        error
    })??;
    let tokens = Arc::new(tokens);
    let result_id = session.semantic_tokens.remember(
        &session.documents,
        uri,
        snapshot.revision,
        tokens.clone(),
    );
    Ok((result_id, tokens))
}

/// LSP's relative encoding of tokens in source order, each mapped to the current text (those
/// inside the region being edited are dropped).
fn encode(
    snapshot: &Snapshot,
    tokens: &[ide::SemanticToken],
    encoding: Encoding,
) -> Vec<SemanticToken> {
    let mut lines = snapshot.line_index.cursor();
    let mut out = Vec::with_capacity(tokens.len());
    let (mut line, mut col) = (0, 0);
    for t in tokens {
        let Some(span) = snapshot.map.span_to_current(t.span) else {
            continue;
        };
        let range = convert::range_at(&mut lines, span, encoding);
        let (start, end) = (range.start, range.end);
        if end.line != start.line {
            continue; // identifiers never span lines; a token must not
        }
        let delta_start = if start.line == line {
            start.character - col
        } else {
            start.character
        };
        out.push(SemanticToken {
            delta_line: start.line - line,
            delta_start,
            length: end.character - start.character,
            token_type: t.token_type.index(),
            token_modifiers_bitset: t.modifiers.0,
        });
        (line, col) = (start.line, start.character);
    }
    out
}

/// The one edit that turns `old` into `new`, in units of the flat integer array (five per
/// token); `None` when they are equal.
fn diff(old: &[SemanticToken], new: &[SemanticToken]) -> Option<SemanticTokensEdit> {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let max_suffix = old.len().min(new.len()) - prefix;
    let suffix = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    let deleted = old.len() - prefix - suffix;
    let inserted = &new[prefix..new.len() - suffix];
    if deleted == 0 && inserted.is_empty() {
        return None;
    }
    Some(SemanticTokensEdit {
        start: (prefix * 5) as u32,
        delete_count: (deleted * 5) as u32,
        data: (!inserted.is_empty()).then(|| inserted.to_vec()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(delta_line: u32, delta_start: u32) -> SemanticToken {
        SemanticToken {
            delta_line,
            delta_start,
            length: 1,
            token_type: 0,
            token_modifiers_bitset: 0,
        }
    }

    /// Applies an edit as a client does, on the flat integer array.
    fn apply(old: &[SemanticToken], edit: &SemanticTokensEdit) -> Vec<SemanticToken> {
        let (start, deleted) = (edit.start as usize / 5, edit.delete_count as usize / 5);
        let mut out = old[..start].to_vec();
        out.extend(edit.data.iter().flatten().copied());
        out.extend_from_slice(&old[start + deleted..]);
        out
    }

    #[test]
    fn one_edit_between_token_arrays() {
        let a = [token(0, 1), token(0, 4), token(1, 2), token(0, 3)];
        let cases: [&[SemanticToken]; 5] = [
            &[token(0, 1), token(0, 5), token(1, 2), token(0, 3)],
            &[token(0, 1), token(1, 2), token(0, 3)],
            &[
                token(0, 1),
                token(0, 4),
                token(0, 4),
                token(1, 2),
                token(0, 3),
            ],
            &[],
            &[
                token(0, 1),
                token(0, 4),
                token(1, 2),
                token(0, 3),
                token(2, 0),
            ],
        ];
        for b in cases {
            let edit = diff(&a, b).expect("they differ");
            assert_eq!(apply(&a, &edit), b, "{edit:?}");
        }
        assert_eq!(diff(&a, &a), None);
        // Repeated tokens: prefix and suffix must not overlap.
        let same = [token(0, 1); 3];
        let edit = diff(&same, &same[..2]).unwrap();
        assert_eq!(apply(&same, &edit), &same[..2]);
    }
}
