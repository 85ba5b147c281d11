//! Data-driven tests in the style of rust-analyzer: a fixture with a `$0` cursor, the feature's
//! answer rendered as text, and an `expect!` snapshot (`UPDATE_EXPECT=1 cargo test` rewrites
//! them; read every change before committing it).
//!
//! A fixture may start with `//- name.ext` to pick the file name (and so the language and
//! top-level kind); the default is `test.js`.

mod cross_file;
mod cross_file_exact;
mod environments;
mod goto;
mod heap;
mod hover;
mod inlay_hints;
mod inline_values;
mod pitfalls;
mod references;
mod rename;
mod scope_chain;
mod semantic_tokens;

use crate::engine::{self, Analysis, Input, Span};

const CURSOR: &str = "$0";

pub(super) struct Fixture {
    pub text: String,
    pub analysis: Analysis,
    pub cursor: Option<u32>,
}

impl Fixture {
    pub fn cursor(&self) -> u32 {
        self.cursor.expect("fixture has no $0 cursor")
    }
    /// `3:7` (one-based line, UTF-16 column), as users count.
    pub fn pos(&self, offset: u32) -> String {
        let (line, col) = self.analysis.line_index.human(offset);
        format!("{line}:{col}")
    }
    pub fn slice(&self, span: Span) -> &str {
        &self.text[span.start as usize..span.end as usize]
    }
}

pub(super) fn fixture(src: &str) -> Fixture {
    let (file_name, body) = match src.strip_prefix("//- ") {
        Some(rest) => {
            let (name, body) = rest
                .split_once('\n')
                .expect("a file name line then the text");
            (name.trim().to_string(), body)
        }
        None => ("test.js".to_string(), src),
    };
    let cursor = body.find(CURSOR).map(|at| at as u32);
    let text = body.replacen(CURSOR, "", 1);
    let analysis = engine::analyze_in_thread(&Input::new(&text, &file_name));
    Fixture {
        text,
        analysis,
        cursor,
    }
}
