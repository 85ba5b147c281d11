//! scopelens: JavaScript's lexical environments, made visible.
//!
//! - [`engine`]: source text → immutable model of environments (pure, no LSP).
//! - [`ide`]: the features (hover, go to binding, inlay hints, scope chain) as plain data.
//! - [`text`]: byte offsets ↔ line/column in UTF-8 or UTF-16.
//! - [`lsp`]: the language server protocol layer.
//! - [`workspace`]: the files of the project, read on demand, and the links between modules
//!   (resolution, imports bound to other files' bindings); no LSP.
//! - [`cli`]: the `explain` command.

pub mod cli;
pub mod engine;
pub mod heap;
pub mod ide;
pub mod lsp;
pub mod text;
pub mod workspace;
