//! The command line: `scopelens explain`.
pub mod explain;
