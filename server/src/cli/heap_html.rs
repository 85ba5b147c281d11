//! `scopelens heap --format html`: one self-contained page (written in the next step).

use std::io::{self, Write};
use std::path::Path;

use crate::heap::Report;

pub fn write(out: &mut impl Write, _snapshot: &Path, r: &Report) -> io::Result<()> {
    serde_json::to_writer(&mut *out, &super::heap_json::to_json(r))?;
    Ok(())
}
