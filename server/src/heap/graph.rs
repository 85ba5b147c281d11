//! The heap graph in compact columns: one entry per node and per edge, nodes numbered from 0 in
//! file order (an edge's `to_node` divided by the node field count), each node's edges a range
//! of the edge columns (`first_edge`).

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
    pub self_size: Vec<u64>,
    /// `first_edge[n]..first_edge[n + 1]` are node `n`'s edges.
    pub first_edge: Vec<u32>,
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
    /// Memory the graph and the dominator computation take, for refusing what cannot fit.
    pub fn bytes_needed(nodes: u64, edges: u64) -> u64 {
        // Columns: 1 + 4 + 4 + 8 + 4 bytes a node, 1 + 4 + 4 an edge; dominators: the
        // predecessor lists (4 a node and an edge) and ten 4-byte arrays a node, then 8 for
        // retained sizes.
        nodes
            .saturating_mul(21 + 4 + 40 + 8)
            .saturating_add(edges.saturating_mul(9 + 4))
    }

    pub fn node_count(&self) -> u32 {
        self.node_type.len() as u32
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

    /// Checks what the reader could not check while streaming: every column has one entry a
    /// node, the edge counts add up, and every reference is in range.
    pub(super) fn validate(&mut self, edge_total: u64, string_count: u32) -> Result<(), HeapError> {
        let n = self.node_type.len();
        if n == 0 {
            return Err(HeapError::NotASnapshot("the snapshot has no nodes".into()));
        }
        if self.node_name.len() != n
            || self.node_id.len() != n
            || self.self_size.len() != n
            || self.first_edge.len() != n + 1
        {
            return Err(HeapError::Corrupt("the nodes array is inconsistent".into()));
        }
        let e = self.edge_to.len();
        if edge_total != e as u64 || self.edge_type.len() != e || self.edge_name.len() != e {
            return Err(HeapError::Corrupt(format!(
                "the nodes announce {edge_total} edges but the edges array holds {e}: truncated or corrupt"
            )));
        }
        if let Some(bad) = self.edge_to.iter().find(|&&t| t as usize >= n) {
            return Err(HeapError::Corrupt(format!(
                "an edge leads to node {bad}, past the last of {n} nodes"
            )));
        }
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
