//! oxc's own parse + semantic, the floor the engine is measured against: shared by the criterion
//! benchmark and the callgrind example so both time the same work.

use oxc_allocator::Allocator;
use oxc_parser::Parser;
use oxc_semantic::SemanticBuilder;
use oxc_span::SourceType;

/// Parses `text` and builds oxc's semantic model with the node table (as the engine needs it);
/// returns the symbol count so the work cannot be optimised away.
pub fn oxc_parse_and_semantic(text: &str, source_type: SourceType) -> usize {
    let allocator = Allocator::default();
    let ret = Parser::new(&allocator, text, source_type).parse();
    let semantic = SemanticBuilder::new()
        .with_build_nodes(true)
        .build(&ret.program);
    semantic.semantic.scoping().symbols_len()
}
