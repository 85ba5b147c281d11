//! The scope engine: source text → an immutable [`Analysis`] of environments, bindings,
//! references and captures, following the ECMAScript spec's Environment Records.
//!
//! Invariant: this module knows nothing about LSP or the command line. It is pure and
//! synchronous; callers choose the thread (it needs [`ANALYSIS_STACK_SIZE`] of stack).

mod binder;
mod dynamic;
mod eval_code;
mod globals;
mod invariants;
mod loop_facts;
mod model;
mod module_record;
mod query;
mod recovery;
mod resolve;
mod retention;
mod scratch;
mod source_kind;
mod summary;
mod suppressions;
mod tables;
mod worklists;

#[cfg(test)]
mod tests;

pub use globals::is_known_global;
pub use invariants::check_invariants;
pub use model::*;
pub use query::{Chain, IdentifierAt};
pub use retention::Retained;
pub use scratch::Scratch;
pub use source_kind::{Language, SourceKindChoice};
pub use summary::{Declined, FileSummary, TopLevelName, summarize};

/// Stack the analysis thread needs: oxc's parser and our binder recurse once per nesting level,
/// and [`recovery`] refuses input nested deeper than this stack holds.
pub const ANALYSIS_STACK_SIZE: usize = 512 << 20;

use std::sync::Arc;

use crate::text::LineIndex;

/// What to analyse.
#[derive(Clone, Copy, Debug)]
pub struct Input<'t> {
    pub text: &'t str,
    /// File name or path; its extension picks the language (`.ts`, `.jsx`, …) and may pick the
    /// source kind (`.mjs`, `.cjs`, …).
    pub file_name: &'t str,
    pub source_kind: SourceKindChoice,
    /// The region of `text` edited since the caller's last analysis that parsed, if it has one.
    /// When the text has syntax errors, recovery then blanks only the edited lines; if that is not
    /// enough the result is `unanalysed`, so the caller keeps serving its earlier analysis (exact
    /// outside the edit) rather than one re-scoped around other blanked lines.
    pub edited: Option<Span>,
    /// With `edited`: the regions the caller's earlier analysis had blanked, in this text's
    /// offsets. A syntax error elsewhere that is still there is blanked again with the edit.
    pub previously_blanked: &'t [Span],
    /// The line index of `text`, when the caller has built one already: the analysis shares it
    /// instead of building its own (5 ms on a 9 MB file). Ignored if its length is not the text's.
    pub line_index: Option<&'t Arc<LineIndex>>,
}

impl<'t> Input<'t> {
    pub fn new(text: &'t str, file_name: &'t str) -> Self {
        Self {
            text,
            file_name,
            source_kind: SourceKindChoice::Auto,
            edited: None,
            previously_blanked: &[],
            line_index: None,
        }
    }
}

/// Analyses `input`. Never panics on any text; syntax errors degrade the answer (see
/// [`Analysis::degradation`]). Must run on a thread with [`ANALYSIS_STACK_SIZE`] of stack.
pub fn analyze(input: &Input<'_>) -> Analysis {
    analyze_with(input, &mut Scratch::default())
}

/// [`analyze`] in memory kept from earlier analyses (see [`Scratch`]): a caller that analyses
/// again and again saves the page faults of fresh memory.
pub fn analyze_with(input: &Input<'_>, scratch: &mut Scratch) -> Analysis {
    recovery::parse(input, scratch, analyze_parsed)
}

/// The passes over a program that parsed: bind (environments, declarations, references as
/// they occur), resolve (what needs them all: Annex B, direct `eval`, each reference's binding,
/// captures), freeze the tables into the model, then record the module's imports and exports
/// (which need the bindings resolved: is this `require` Node's?).
fn analyze_parsed(parsed: recovery::Parsed<'_, '_>) -> Analysis {
    let mut kind = parsed.source_kind;
    let (mut tables, mut worklists) = binder::bind(parsed.program, parsed.text, kind);
    let mut allocation = std::mem::take(&mut worklists.allocation);
    let mut facts = std::mem::take(&mut worklists.facts);
    let mut marks = resolve::resolve(&mut tables, worklists);
    // A text that names `exports` or `require(` only through its own locals (a bundle's
    // prelude) does not use Node's wrapper: it is a script.
    if parsed.commonjs_guessed && !source_kind::uses_node_wrapper(&tables) {
        kind = SourceKind::Script;
        let (script_tables, mut script_worklists) = binder::bind(parsed.program, parsed.text, kind);
        tables = script_tables;
        allocation = std::mem::take(&mut script_worklists.allocation);
        facts = std::mem::take(&mut script_worklists.facts);
        marks = resolve::resolve(&mut tables, script_worklists);
    }
    retention::allocate(&mut tables, &allocation);
    let mut analysis = tables.into_analysis(kind, parsed.line_index());
    analysis.module = module_record::collect(
        parsed.program,
        parsed.text,
        &analysis,
        module_record::Marks(Some(&marks)),
    );
    retention::allocate_exports(&mut analysis);
    facts.closure_heads.sort_unstable_by_key(|(s, _)| s.start);
    facts.initializations.sort_unstable_by_key(|(s, _)| s.start);
    facts.var_loops.sort_unstable_by_key(|l| l.whole.start);
    facts.switches.sort_unstable_by_key(|s| s.whole.start);
    facts.statement_assignments.sort_unstable();
    facts.loops.sort();
    facts.suppressions = suppressions::collect(parsed.program, parsed.text);
    analysis.facts = facts;
    analysis.syntax_errors = parsed.syntax_errors;
    analysis.degradation.blanked = parsed.blanked;
    analysis
}

/// [`analyze`], with the module record also collected by walks that visit every node (the
/// analysis's own record visits only what holds a mark): the tests compare the two.
#[cfg(test)]
pub(crate) fn analyze_with_whole_walk_record(input: &Input<'_>) -> (Analysis, ModuleRecord) {
    let mut whole = ModuleRecord::default();
    let analysis = recovery::parse(input, &mut Scratch::default(), |parsed| {
        let (program, text) = (parsed.program, parsed.text);
        let analysis = analyze_parsed(parsed);
        whole = module_record::collect(program, text, &analysis, module_record::Marks(None));
        analysis
    });
    (analysis, whole)
}

/// [`analyze`] on a fresh thread with a big enough stack.
pub fn analyze_in_thread(input: &Input<'_>) -> Analysis {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("scopelens-analysis".into())
            .stack_size(ANALYSIS_STACK_SIZE)
            .spawn_scoped(scope, || analyze(input))
            .expect("spawn analysis thread")
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}
