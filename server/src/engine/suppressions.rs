//! `// scopelens-ignore-next-line loop-var-capture` and `// scopelens-ignore-file tdz`: where the
//! user turned a diagnostic off. Read from the parser's comment list, so no text is scanned.

use oxc_ast::ast::Program;

use super::model::{Span, Suppression};

const NEXT_LINE: &str = "scopelens-ignore-next-line";
const FILE: &str = "scopelens-ignore-file";

pub(crate) fn collect(program: &Program<'_>, text: &str) -> Vec<Suppression> {
    let mut out = Vec::new();
    for c in program.comments.iter() {
        let Some(body) = text.get(c.span.start as usize..c.span.end as usize) else {
            continue;
        };
        // Only the comment's text: `//` or `/*`, then the directive.
        let body = body.get(2..).unwrap_or("");
        let body = body.strip_suffix("*/").unwrap_or(body).trim_start();
        let (whole_file, rest) = if let Some(rest) = body.strip_prefix(NEXT_LINE) {
            (false, rest)
        } else if let Some(rest) = body.strip_prefix(FILE) {
            (true, rest)
        } else {
            continue;
        };
        if rest.starts_with(|ch: char| !ch.is_whitespace() && ch != ',') {
            continue; // `scopelens-ignore-next-lines`: another word.
        }
        // Codes up to an explanation after ` -- `, as eslint reads its directives.
        let rest = rest.split("--").next().unwrap_or("");
        let codes = rest
            .split(|ch: char| ch.is_whitespace() || ch == ',')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        out.push(Suppression {
            comment: Span::new(c.span.start, c.span.end),
            whole_file,
            codes,
        });
    }
    out
}
