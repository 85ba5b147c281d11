//! Code lenses while a heap snapshot is loaded: above each of the snapshot's biggest closures
//! in a file, what its instances retain and what keeps the most alive
//! (`1.2 MB retained by 3 instances · kept alive: big (1.1 MB)`).

use super::workspace_heap::{RankedFunction, human_bytes, plural, still_matches};
use crate::engine::Analysis;

/// Functions of the whole report that get a lens: the biggest.
pub const TOP_FUNCTIONS: usize = 20;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeapLens {
    /// Where the function starts.
    pub offset: u32,
    pub title: String,
}

/// The lenses of one file: its functions among the report's [`TOP_FUNCTIONS`] biggest that
/// are still where the snapshot saw them. O(lenses).
pub fn heap_lenses(analysis: &Analysis, functions: &[RankedFunction]) -> Vec<HeapLens> {
    functions
        .iter()
        .filter(|r| r.rank < TOP_FUNCTIONS && still_matches(analysis, &r.function))
        .map(|r| {
            let f = &r.function;
            let mut title = format!(
                "{} retained by {} instance{}",
                human_bytes(f.retained_bytes),
                f.instances,
                plural(f.instances as usize)
            );
            let vars = || f.contexts.iter().flat_map(|c| &c.variables);
            if let Some(big) = vars()
                .filter(|v| v.name != "this" && v.retained_bytes > 0)
                .max_by_key(|v| v.retained_bytes)
            {
                title.push_str(&format!(
                    " · kept alive: {} ({})",
                    big.name,
                    human_bytes(big.retained_bytes)
                ));
            }
            let siblings: Vec<&str> = vars()
                .filter(|v| v.kept_for_siblings)
                .map(|v| v.name.as_str())
                .collect();
            if !siblings.is_empty() {
                title.push_str(&format!(" · only for a sibling: {}", siblings.join(", ")));
            }
            HeapLens {
                offset: f.offset,
                title,
            }
        })
        .collect()
}
