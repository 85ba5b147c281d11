use oxc_ast::ast::Program;

use super::model::*;
use crate::text::LineIndex;

pub(crate) fn bind(_program: &Program<'_>, text: &str, kind: SourceKind) -> Analysis {
    empty(text, kind, LineIndex::new(text))
}

pub(crate) fn empty(_text: &str, kind: SourceKind, line_index: LineIndex) -> Analysis {
    Analysis {
        source_kind: kind,
        environments: vec![Environment {
            kind: EnvKind::Global,
            owner: "globalThis".into(),
            parent: None,
            span: Span::new(0, line_index.len()),
            function: None,
            strict: false,
            per_iteration: false,
            has_sloppy_eval: false,
            bindings: Vec::new(),
            captures: Vec::new(),
        }],
        bindings: Vec::new(),
        references: Vec::new(),
        declarations: Vec::new(),
        names: Vec::new(),
        name_ids: Default::default(),
        syntax_errors: Vec::new(),
        degradation: Degradation::default(),
        line_index,
        table: Default::default(),
        env_by_start: vec![EnvId(0)],
    }
}
