//! The heap graph in compact columns: one entry per node and per edge, nodes numbered from 0 in
//! file order (an edge's `to_node` divided by the node field count), each node's edges a range
//! of the edge columns (`first_edge`).
//!
//! Not every column is filled at every moment: the reader's first pass keeps what the dominator
//! computation needs (sizes, edge targets), which drops the edge columns while its own arrays
//! are at their largest, and a second pass reads the rest (`reader::read_rest`). Memory is the
//! limit on big snapshots, so the columns are as narrow as the format allows.

use rustc_hash::FxHashMap;

use super::HeapError;

#[derive(Debug, Default)]
pub struct Graph {
    /// `snapshot.meta.node_types[0]` and `edge_types[0]`: the names behind the type numbers.
    pub node_types: Vec<String>,
    pub edge_types: Vec<String>,
    pub node_type: Vec<u8>,
    /// Index into the strings.
    pub node_name: Vec<u32>,
    /// V8's object id (`@id` in DevTools and memlab).
    pub node_id: Vec<u32>,
    /// Self sizes that fit in 32 bits (all but huge backing stores): the others are in
    /// `big_self_size`, and this column holds `u32::MAX` for them. Read with [`Graph::self_size`].
    pub self_size: Vec<u32>,
    pub big_self_size: FxHashMap<u32, u64>,
    /// `first_edge[n]..first_edge[n + 1]` are node `n`'s edges. Once the graph is complete
    /// (after `reader::read_rest`), the edge columns hold only the edges of the nodes the joins
    /// walk — closures, `code` nodes (SharedFunctionInfos, Scripts, ScopeInfos) and Contexts —
    /// and every other node's range is empty: the retained sizes are computed by then.
    pub first_edge: Vec<u32>,
    /// Edges in the snapshot (not all of them in the columns: see `first_edge`).
    pub edge_count: u64,
    pub edge_type: Vec<u8>,
    /// A string index, or the element/slot number for `element` and `hidden` edges.
    pub edge_name: Vec<u32>,
    /// Target node.
    pub edge_to: Vec<u32>,
    /// Where each closure (and constructed object) was made, as V8 records it (0-based).
    pub locations: Vec<Location>,
}

#[derive(Clone, Copy, Debug)]
pub struct Location {
    pub node: u32,
    pub script_id: u32,
    pub line: u32,
    pub column: u32,
}

/// An edge type or node type number, [`u8::MAX`] when the snapshot does not have it.
pub type TypeId = u8;

impl Graph {
    /// Memory the graph and the dominator computation take at their peak, for refusing what
    /// cannot fit: either the dominator computation (sizes and edge offsets, 4 + 4 bytes a
    /// node; predecessor lists, 4 a node and an edge; eight 4-byte arrays a node) or the
    /// complete graph after it (1 + 4 + 4 + 4 + 4 bytes a node and 1 + 4 + 4 an edge, with the
    /// dominators, 4 a node, and the retained sizes, 8).
    pub fn bytes_needed(nodes: u64, edges: u64) -> u64 {
        let dominators = nodes
            .saturating_mul(8 + 4 + 32)
            .saturating_add(edges.saturating_mul(4));
        let complete = nodes
            .saturating_mul(17 + 4 + 8)
            .saturating_add(edges.saturating_mul(9));
        dominators.max(complete)
    }

    /// The self size of `node`, in bytes.
    pub fn self_size(&self, node: u32) -> u64 {
        match self.self_size[node as usize] {
            u32::MAX => self
                .big_self_size
                .get(&node)
                .copied()
                .unwrap_or(u64::from(u32::MAX)),
            small => u64::from(small),
        }
    }

    /// Appends a node's self size.
    pub(super) fn push_self_size(&mut self, size: u64) {
        match u32::try_from(size) {
            Ok(small) if small != u32::MAX => self.self_size.push(small),
            _ => {
                self.big_self_size.insert(self.self_size.len() as u32, size);
                self.self_size.push(u32::MAX);
            }
        }
    }

    /// Nodes (from the self sizes: the one node column that both passes keep).
    pub fn node_count(&self) -> u32 {
        self.self_size.len() as u32
    }

    pub fn edges(&self, node: u32) -> std::ops::Range<usize> {
        self.first_edge[node as usize] as usize..self.first_edge[node as usize + 1] as usize
    }

    pub fn node_type_id(&self, name: &str) -> TypeId {
        position(&self.node_types, name)
    }

    pub fn edge_type_id(&self, name: &str) -> TypeId {
        position(&self.edge_types, name)
    }

    /// The target of `node`'s first edge of type `ty` named `name` (a string index).
    pub fn edge_to_named(&self, node: u32, ty: TypeId, name: u32) -> Option<u32> {
        self.edges(node)
            .find(|&e| self.edge_type[e] == ty && self.edge_name[e] == name)
            .map(|e| self.edge_to[e])
    }

    /// Checks what the first pass read, before the dominator computation indexes with it:
    /// one size a node, the edge counts add up, every edge target in range.
    pub(super) fn validate_targets(&self, edge_total: u64) -> Result<(), HeapError> {
        let n = self.self_size.len();
        if n == 0 {
            return Err(HeapError::NotASnapshot("the snapshot has no nodes".into()));
        }
        if self.first_edge.len() != n + 1 || self.node_name.len() != n {
            return Err(HeapError::Corrupt("the nodes array is inconsistent".into()));
        }
        let e = self.edge_to.len();
        if edge_total != e as u64 || self.edge_type.len() != e {
            return Err(HeapError::Corrupt(format!(
                "the nodes announce {edge_total} edges but the edges array holds {e}: truncated or corrupt"
            )));
        }
        if let Some(bad) = self.edge_to.iter().find(|&&t| t as usize >= n) {
            return Err(HeapError::Corrupt(format!(
                "an edge leads to node {bad}, past the last of {n} nodes"
            )));
        }
        Ok(())
    }

    /// Checks the complete graph after the second pass: every column has one entry a node (as
    /// many as the first pass saw: the file did not change in between), the edge counts add up,
    /// and every reference is in range.
    pub(super) fn validate(&mut self, edge_total: u64, string_count: u32) -> Result<(), HeapError> {
        let n = self.self_size.len();
        if self.node_type.len() != n || self.node_id.len() != n {
            return Err(HeapError::Corrupt(
                "the nodes array changed between two readings of the file".into(),
            ));
        }
        if u64::from(self.first_edge.last().copied().unwrap_or(0)) != edge_total
            || self.edge_name.len() != self.edge_to.len()
        {
            return Err(HeapError::Corrupt(
                "the edges array changed between two readings of the file".into(),
            ));
        }
        self.validate_targets(edge_total)?;
        if self.node_name.iter().any(|&s| s >= string_count) {
            return Err(HeapError::Corrupt(
                "a node is named by a string the strings array does not have".into(),
            ));
        }
        let element = self.edge_type_id("element");
        let hidden = self.edge_type_id("hidden");
        if self
            .edge_name
            .iter()
            .zip(&self.edge_type)
            .any(|(&s, &t)| t != element && t != hidden && s >= string_count)
        {
            return Err(HeapError::Corrupt(
                "an edge is named by a string the strings array does not have".into(),
            ));
        }
        self.locations.retain(|l| (l.node as usize) < n);
        self.locations.sort_unstable_by_key(|l| l.node);
        Ok(())
    }

    /// The location V8 recorded for `node`, if any.
    pub fn location(&self, node: u32) -> Option<Location> {
        let i = self
            .locations
            .binary_search_by_key(&node, |l| l.node)
            .ok()?;
        Some(self.locations[i])
    }
}

fn position(list: &[String], name: &str) -> TypeId {
    list.iter()
        .position(|t| t == name)
        .map_or(u8::MAX, |i| i.min(254) as u8)
}
