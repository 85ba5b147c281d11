//! Parsing with a depth guard and syntax-error recovery.
//!
//! oxc 0.146 returns an empty program on any fatal syntax error, and syntax errors are the normal
//! state while a user types. So when a parse fails we blank a region (every byte but line breaks
//! becomes a space, which keeps every offset valid) and parse again: first the region the user is
//! editing, then the lines of each error, then the line of an unmatched bracket. What was blanked
//! is reported in [`Degradation::blanked`]; the rest of the file keeps exact answers.

use std::borrow::Cow;
use std::sync::Arc;

use oxc_ast::ast::Program;
use oxc_parser::{ParseOptions, Parser};

use super::Input;
use super::model::*;
use super::scratch::Scratch;
use super::source_kind::{self, SourceKindChoice};
use super::tables::Tables;
use crate::text::LineIndex;

/// Bracket nesting beyond which we refuse to parse: oxc recurses per level and a stack overflow
/// is an abort, not a panic. Real code stays below a few hundred.
pub const MAX_NESTING: u32 = 10_000;
/// Longest run of prefix operators (`!!!!x`, `- - -x`) we let the parser recurse through.
const MAX_OPERATOR_RUN: u32 = 10_000;
/// Parse attempts before giving up on recovery.
const MAX_ATTEMPTS: usize = 8;

/// A program that parsed, with what the analysis of it needs besides.
pub(crate) struct Parsed<'p, 'a> {
    pub program: &'p Program<'a>,
    /// The text parsed: the input with the regions in `blanked` blanked.
    pub text: &'p str,
    pub source_kind: SourceKind,
    /// `source_kind` is CommonJS by a guess from the text (no extension or setting said so, no
    /// `import`/`export`): the bindings confirm it or make it a script.
    pub commonjs_guessed: bool,
    /// The caller's line index of the input text, if it passed one (see [`Parsed::line_index`]).
    given_line_index: Option<Arc<LineIndex>>,
    /// The input text, before blanking (positions are counted in it).
    pub input_text: &'p str,
    /// Of the first parse, before any blanking.
    pub syntax_errors: Vec<SyntaxError>,
    pub blanked: Vec<Span>,
}

impl Parsed<'_, '_> {
    /// The line index of the input text: the caller's, else built now. Blanking keeps every
    /// line break and offset, so the index of the input is the index of `text` too. (Only the
    /// full analysis asks: the index's summary pass places its few names without one.)
    pub fn line_index(&self) -> Arc<LineIndex> {
        self.given_line_index
            .clone()
            .unwrap_or_else(|| Arc::new(LineIndex::new(self.input_text)))
    }
}

/// Why a text could not be parsed at all.
pub(crate) struct Unparsed {
    pub chosen: Option<SourceKind>,
    pub why: String,
    pub syntax_errors: Vec<SyntaxError>,
}

/// Parses `input` in `scratch`'s arena, blanking regions until it parses, and hands the program
/// to `analyze` (it lives in the arena, so it is handed on rather than returned). Input that
/// cannot be parsed gets a model with only the global environment, saying why.
pub(crate) fn parse(
    input: &Input<'_>,
    scratch: &mut Scratch,
    analyze: impl FnOnce(Parsed<'_, '_>) -> Analysis,
) -> Analysis {
    parse_then(input, scratch, analyze)
        .unwrap_or_else(|u| unanalysed(input.text, u.chosen, u.why, u.syntax_errors))
}

/// [`parse`], handing the program to `then`; `Err` when nothing could be parsed.
pub(crate) fn parse_then<T>(
    input: &Input<'_>,
    scratch: &mut Scratch,
    then: impl FnOnce(Parsed<'_, '_>) -> T,
) -> Result<T, Unparsed> {
    let facts = source_kind::file_facts(input.file_name);
    let chosen = match input.source_kind {
        SourceKindChoice::Auto => facts.forced,
        SourceKindChoice::Script => Some(SourceKind::Script),
        SourceKindChoice::Module => Some(SourceKind::Module),
        SourceKindChoice::CommonJs => Some(SourceKind::CommonJs),
    };
    let text = input.text;
    if text.len() >= u32::MAX as usize {
        return Err(Unparsed {
            chosen,
            why: "the file is larger than 4 GiB".into(),
            syntax_errors: Vec::new(),
        });
    }
    if let Some(problem) = nesting_problem(text) {
        return Err(Unparsed {
            chosen,
            why: problem,
            syntax_errors: Vec::new(),
        });
    }
    let source_type = source_kind::parse_source_type(facts.language, chosen);
    let mut work: Cow<'_, str> = Cow::Borrowed(text);
    let mut blanked: Vec<Span> = Vec::new();
    let mut reported: Option<Vec<SyntaxError>> = None;
    for attempt in 0..MAX_ATTEMPTS {
        let allocator = scratch.arena();
        let options = ParseOptions {
            allow_return_outside_function: true,
            // Identifier hashes are for oxc_semantic's tables; the binder interns names itself
            // and never compares identifiers with each other.
            enable_ident_hashes: false,
            ..ParseOptions::default()
        };
        let ret = Parser::new(allocator, &work, source_type)
            .with_options(options)
            .parse();
        let errors: Vec<SyntaxError> = ret.diagnostics.iter().map(to_syntax_error).collect();
        let reported = reported.get_or_insert_with(|| errors.clone());
        if !ret.panicked {
            let kind = chosen
                .unwrap_or_else(|| source_kind::decide(ret.module_record.has_module_syntax, &work));
            let given_line_index = input
                .line_index
                .filter(|index| index.len() as usize == text.len())
                .cloned();
            return Ok(then(Parsed {
                program: &ret.program,
                text: &work,
                source_kind: kind,
                commonjs_guessed: chosen.is_none() && kind == SourceKind::CommonJs,
                given_line_index,
                input_text: text,
                syntax_errors: std::mem::take(reported),
                blanked,
            }));
        }
        let regions = next_regions(attempt, input, &errors, &work, &blanked);
        if regions.is_empty() {
            break;
        }
        let mut bytes = std::mem::take(&mut work).into_owned().into_bytes();
        for region in regions {
            blank(&mut bytes, region);
            blanked.push(region);
        }
        work = Cow::Owned(String::from_utf8(bytes).expect("blanking keeps UTF-8 valid"));
    }
    Err(Unparsed {
        chosen,
        why: "syntax errors could not be recovered from".into(),
        syntax_errors: reported.take().unwrap_or_default(),
    })
}

fn to_syntax_error(diagnostic: &oxc_diagnostics::OxcDiagnostic) -> SyntaxError {
    let span = diagnostic
        .labels
        .first()
        .map(|label| {
            let start = label.offset();
            Span::new(start, start + label.len())
        })
        .unwrap_or_default();
    SyntaxError {
        message: diagnostic.message.to_string(),
        span,
    }
}

/// The next regions to blank (none when nothing new is left to try).
fn next_regions(
    attempt: usize,
    input: &Input<'_>,
    errors: &[SyntaxError],
    text: &str,
    blanked: &[Span],
) -> Vec<Span> {
    let fresh = |span: Span| {
        let lines = whole_lines(text, span);
        (!blanked.iter().any(|b| b.contains_span(lines)) && lines.start < lines.end)
            .then_some(lines)
    };
    if let Some(edited) = input.edited {
        // The caller has an earlier analysis that parsed. First blank what that analysis had to
        // blank (a syntax error elsewhere that is still there), then the edited lines; no more:
        // blanking further (a stray `}` left by an unfinished header, say) would re-scope the
        // code around it and give wrong answers there, while the earlier analysis, mapped past
        // the edit, is exact.
        let len = text.len() as u32;
        let earlier: Vec<Span> = input
            .previously_blanked
            .iter()
            .filter(|s| s.start <= s.end && s.end <= len)
            .filter_map(|&s| fresh(s))
            .collect();
        let tried_earlier = !input.previously_blanked.is_empty();
        return match attempt {
            0 if !earlier.is_empty() => earlier,
            0 => fresh(edited).into_iter().collect(),
            1 if tried_earlier => fresh(edited).into_iter().collect(),
            _ => Vec::new(),
        };
    }
    next_region(errors, text, &fresh).into_iter().collect()
}

/// Without an earlier analysis: the lines of the first error, else of an unmatched bracket, else
/// the last line with code before an error.
fn next_region(
    errors: &[SyntaxError],
    text: &str,
    fresh: &impl Fn(Span) -> Option<Span>,
) -> Option<Span> {
    errors
        .iter()
        .find_map(|e| fresh(e.span))
        .or_else(|| unmatched_bracket(text).and_then(|at| fresh(Span::new(at, at + 1))))
        // An error at the end of the input or on a line already blanked (`const` then EOF) is
        // usually caused by the last line that still has code before it.
        .or_else(|| {
            errors
                .iter()
                .find_map(|e| last_code_line_before(text, e.span.start).and_then(fresh))
        })
}

/// The last line before the line of `offset` that is not blank, if any.
fn last_code_line_before(text: &str, offset: u32) -> Option<Span> {
    let line_start = whole_lines(text, Span::new(offset, offset)).start as usize;
    let before = text.get(..line_start)?;
    let end = before.trim_end().len();
    (end > 0).then(|| whole_lines(text, Span::new(end as u32 - 1, end as u32)))
}

/// Expands a span to the whole lines it touches (line breaks excluded from the last line).
fn whole_lines(text: &str, span: Span) -> Span {
    let bytes = text.as_bytes();
    let start = (span.start as usize).min(bytes.len());
    let end = (span.end as usize).clamp(start, bytes.len());
    let line_start = bytes[..start]
        .iter()
        .rposition(|&b| b == b'\n' || b == b'\r')
        .map_or(0, |i| i + 1);
    let line_end = bytes[end..]
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .map_or(bytes.len(), |i| end + i);
    Span::new(line_start as u32, line_end as u32)
}

fn blank(bytes: &mut [u8], region: Span) {
    let end = (region.end as usize).min(bytes.len());
    for b in &mut bytes[region.start as usize..end] {
        if *b != b'\n' && *b != b'\r' {
            *b = b' ';
        }
    }
}

/// The offset of the innermost unmatched opening bracket, or of the first stray closer,
/// skipping strings and comments roughly (regular expressions are not recognised).
fn unmatched_bracket(text: &str) -> Option<u32> {
    let bytes = text.as_bytes();
    let mut stack: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = bytes[i..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(bytes.len(), |p| i + p);
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = text[i + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |p| i + 2 + p + 2);
                continue;
            }
            quote @ (b'"' | b'\'' | b'`') => {
                i += 1;
                while i < bytes.len() && bytes[i] != quote {
                    if bytes[i] == b'\\' {
                        i += 1;
                    } else if quote != b'`' && bytes[i] == b'\n' {
                        break;
                    }
                    i += 1;
                }
            }
            b'(' | b'[' | b'{' => stack.push(i),
            b')' | b']' | b'}' if stack.pop().is_none() => return Some(i as u32),
            _ => {}
        }
        i += 1;
    }
    stack.pop().map(|i| i as u32)
}

/// Per byte: its effect on bracket depth, and on the current run of prefix operators and
/// opening brackets (`+1` continues it, `0` with keep=1 leaves it, keep=0 ends it). Table lookups
/// and arithmetic keep [`nesting_problem`]'s loop free of branches: it runs on every analysis.
const DEPTH_DELTA: [i8; 256] = {
    let mut table = [0i8; 256];
    table[b'(' as usize] = 1;
    table[b'[' as usize] = 1;
    table[b'{' as usize] = 1;
    table[b')' as usize] = -1;
    table[b']' as usize] = -1;
    table[b'}' as usize] = -1;
    table
};
const RUN_STEP: [(u32, u32); 256] = {
    let mut table = [(0u32, 0u32); 256]; // (increment, keep mask)
    let mut i = 0;
    let stepping = b"([!~-+";
    while i < stepping.len() {
        table[stepping[i] as usize] = (1, u32::MAX);
        i += 1;
    }
    let spaces = b" \t\n\r";
    let mut j = 0;
    while j < spaces.len() {
        table[spaces[j] as usize] = (0, u32::MAX);
        j += 1;
    }
    table
};

/// Aligned blocks of this size are checked for a possible run of prefix operators: a run longer
/// than [`MAX_OPERATOR_RUN`] covers at least one whole block (it is longer than two blocks).
const RUN_BLOCK: usize = 4096;
const _: () = assert!(2 * RUN_BLOCK <= MAX_OPERATOR_RUN as usize);

/// A conservative check that costs well under a byte's worth of work per byte on ordinary code.
/// `false` means "look closely".
fn within_bounds_quickly(bytes: &[u8]) -> bool {
    bracket_depth_bounded(bytes) && !may_hold_long_operator_run(bytes)
}

/// Bytes counted at a time: as many as byte-wide counters hold, in whole 64-byte lines.
const BRACKET_BLOCK: usize = 192;

/// Per block, the depth before it plus its opening brackets bound the depth inside it.
fn bracket_depth_bounded(bytes: &[u8]) -> bool {
    let mut depth: i64 = 0;
    let blocks = bytes.chunks_exact(BRACKET_BLOCK);
    let tail = blocks.remainder();
    for block in blocks.chain(std::iter::once(tail)) {
        let (opens, closes) = count_brackets(block);
        if depth + opens as i64 > MAX_NESTING as i64 {
            return false;
        }
        depth += opens as i64 - closes as i64;
    }
    true
}

/// Opening and closing brackets in a block of at most 255 bytes. Byte-wide counters and no
/// branches let the loop vectorise; `[`/`{` and `]`/`}` differ only in bit 0x20.
fn count_brackets(block: &[u8]) -> (u8, u8) {
    let (mut opens, mut closes) = (0u8, 0u8);
    for &b in block {
        let folded = b | 0x20;
        opens += ((b == b'(') | (folded == b'{')) as u8;
        closes += ((b == b')') | (folded == b'}')) as u8;
    }
    (opens, closes)
}

/// Is some aligned block made only of bytes that continue an operator run? Ordinary code has
/// another byte within a block's first few, so this reads a few bytes per 4 KiB.
fn may_hold_long_operator_run(bytes: &[u8]) -> bool {
    bytes
        .chunks_exact(RUN_BLOCK)
        .any(|block| block.iter().all(|&b| RUN_STEP[b as usize].1 != 0))
}

/// Why the text is too deeply nested to parse safely, if it is. Counts bracket depth and the
/// longest run of prefix operators and opening brackets (`!!!!x`, `((((x`); strings and comments
/// are not skipped, so the count can only overestimate.
fn nesting_problem(text: &str) -> Option<String> {
    if within_bounds_quickly(text.as_bytes()) {
        return None;
    }
    let mut depth: i64 = 0;
    let mut max_depth: i64 = 0;
    let mut run: u32 = 0;
    let mut max_run: u32 = 0;
    for &b in text.as_bytes() {
        depth += DEPTH_DELTA[b as usize] as i64;
        max_depth = max_depth.max(depth);
        let (increment, keep) = RUN_STEP[b as usize];
        run = (run + increment) & keep;
        max_run = max_run.max(run);
    }
    if max_depth > MAX_NESTING as i64 {
        Some(format!(
            "brackets are nested {max_depth} deep; scopelens analyses files nested up to {MAX_NESTING} deep"
        ))
    } else if max_run > MAX_OPERATOR_RUN {
        Some(format!(
            "a run of {max_run} prefix operators is longer than the {MAX_OPERATOR_RUN} scopelens analyses"
        ))
    } else {
        None
    }
}

/// A model with only the global environment, for text that could not be parsed at all.
fn unanalysed(
    text: &str,
    chosen: Option<SourceKind>,
    why: String,
    syntax_errors: Vec<SyntaxError>,
) -> Analysis {
    let line_index = Arc::new(LineIndex::new(text));
    let mut analysis = Tables::new(line_index.len())
        .into_analysis(chosen.unwrap_or(SourceKind::Script), line_index);
    analysis.syntax_errors = syntax_errors;
    analysis.degradation.unanalysed = Some(why);
    analysis
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quick_check_never_misses_a_long_operator_run() {
        for offset in [0, 1, 63, 64, 1000, RUN_BLOCK - 1, RUN_BLOCK, RUN_BLOCK + 7] {
            let run = MAX_OPERATOR_RUN as usize + 1;
            let text = format!("{}{}x", "a".repeat(offset), "! ".repeat(run));
            assert!(nesting_problem(&text).is_some(), "run at {offset}");
            let text = format!("{}{}x", "a".repeat(offset), "!".repeat(run - 1));
            assert!(nesting_problem(&text).is_none(), "short run at {offset}");
        }
    }

    #[test]
    fn the_quick_check_never_misses_deep_brackets() {
        for (open, close) in [("(", ")"), ("[", "]"), ("{", "}")] {
            let deep = MAX_NESTING as usize + 1;
            let text = format!("x{}{}", open.repeat(deep), close.repeat(deep));
            assert!(
                nesting_problem(&text).is_some(),
                "{open} nested {deep} deep"
            );
            let text = format!("x{}{}", open.repeat(deep - 1), close.repeat(deep - 1));
            assert!(
                nesting_problem(&text).is_none(),
                "{open} nested {} deep",
                deep - 1
            );
        }
    }
}
