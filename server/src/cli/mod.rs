//! The command line: `scopelens explain`.
pub mod explain;
mod json;
mod text;
