//! Retained sizes: the dominator tree of the heap graph from the root, by Lengauer–Tarjan (the
//! algorithm of Chrome DevTools and memlab), with the same rules as memlab's
//! `TraceFinder.computeDominatorsAndRetainedSizes` so the numbers agree:
//!
//! - an edge retains unless it is `weak`, a `shortcut` from any node but the root, or a self edge;
//! - an edge from an object not reachable from the root into one that is does not retain (a
//!   debugger's references must not change who dominates the program's objects);
//! - nodes reachable only through weak edges, and cycles nothing else holds, hang off the root.
//!
//! Vertices are numbered from 1 (0 means none), vertex `v` being node `v - 1`.
//!
//! Memory, not time, is what limits the snapshots this can read, so each array lives only as
//! long as a phase needs it: the depth-first search needs the edges and four arrays; the
//! predecessor lists are built in place (a counting sort) once its cursor is freed; the edge
//! columns are then dropped from the graph (the reader reads them again afterwards) before the
//! semidominator phase allocates its five arrays; and the dominators end up in place in one of
//! them.

use super::graph::Graph;

const ROOT: u32 = 0;

pub struct Dominators {
    /// Immediate dominator of each node (the root dominates itself).
    pub idom: Vec<u32>,
    /// Bytes each node keeps alive: its own size plus what it dominates.
    pub retained: Vec<u64>,
}

struct Bits(Vec<u64>);

impl Bits {
    fn new(n: usize) -> Self {
        Bits(vec![0; n.div_ceil(64)])
    }
    fn set(&mut self, i: u32) {
        self.0[i as usize / 64] |= 1 << (i % 64);
    }
    fn get(&self, i: u32) -> bool {
        self.0[i as usize / 64] & (1 << (i % 64)) != 0
    }
}

/// `document_trees`: the string id of `(Document DOM trees)` (`u32::MAX` when absent). Takes
/// the graph's node names, edge offsets and edge columns away (see the module's comment):
/// `reader::read_rest` reads them again.
pub fn compute(g: &mut Graph, document_trees: u32) -> Dominators {
    let n = g.node_count();
    let weak = g.edge_type_id("weak");
    let shortcut = g.edge_type_id("shortcut");
    let element = g.edge_type_id("element");

    // Nodes the program owns: reachable from the root without weak edges (and without the
    // root's shortcuts or its `(Document DOM trees)` element, as memlab has it).
    let mut owned = Bits::new(n as usize);
    {
        let mut stack: Vec<u32> = Vec::new();
        for e in g.edges(ROOT) {
            if g.edge_type[e] == shortcut {
                continue;
            }
            let to = g.edge_to[e];
            if g.edge_type[e] == element && g.node_name[to as usize] == document_trees {
                continue;
            }
            if !owned.get(to) {
                owned.set(to);
                stack.push(to);
            }
        }
        while let Some(v) = stack.pop() {
            for e in g.edges(v) {
                let to = g.edge_to[e];
                if g.edge_type[e] == weak || owned.get(to) {
                    continue;
                }
                owned.set(to);
                stack.push(to);
            }
        }
    }
    // The names served that one check.
    g.node_name = Vec::new();
    let essential = |from: u32, ty: u8, to: u32| -> bool {
        from != to
            && ty != weak
            && (ty != shortcut || from == ROOT)
            && (from == ROOT || !owned.get(to) || owned.get(from))
    };

    // Whether each node has a referrer that is neither weak nor a shortcut.
    let mut strong_referrer = Bits::new(n as usize);
    for (&ty, &to) in g.edge_type.iter().zip(&g.edge_to) {
        if ty != weak && ty != shortcut {
            strong_referrer.set(to);
        }
    }

    let len = n as usize + 1;
    let mut parent = vec![0u32; len];
    let mut vertex = vec![0u32; len];
    let mut semi = vec![0u32; len];
    let mut count = 0u32;
    {
        // The iterative DFS's edge cursor.
        let mut cursor = vec![0u32; len];
        let graph: &Graph = g;
        let mut dfs = |root: u32, parent: &mut [u32], semi: &mut [u32], vertex: &mut [u32]| {
            cursor[root as usize] = graph.first_edge[root as usize - 1];
            let mut v = root;
            while v != 0 {
                if semi[v as usize] == 0 {
                    count += 1;
                    semi[v as usize] = count;
                    vertex[count as usize] = v;
                }
                let mut next = parent[v as usize];
                let from = v - 1;
                let end = graph.first_edge[from as usize + 1];
                while cursor[v as usize] < end {
                    let e = cursor[v as usize] as usize;
                    let to = graph.edge_to[e];
                    if essential(from, graph.edge_type[e], to) && semi[to as usize + 1] == 0 {
                        let w = to + 1;
                        parent[w as usize] = v;
                        cursor[w as usize] = graph.first_edge[to as usize];
                        next = w;
                        break;
                    }
                    cursor[v as usize] += 1;
                }
                v = next;
            }
        };
        let r = ROOT + 1;
        dfs(r, &mut parent, &mut semi, &mut vertex);
        for v in 1..=n {
            if semi[v as usize] == 0 && !strong_referrer.get(v - 1) {
                parent[v as usize] = r;
                dfs(v, &mut parent, &mut semi, &mut vertex);
            }
        }
    }
    drop(strong_referrer);
    let r = ROOT + 1;
    if count < n {
        for v in 1..=n {
            if semi[v as usize] == 0 {
                parent[v as usize] = r;
                count += 1;
                semi[v as usize] = count;
                vertex[count as usize] = v;
            }
        }
    }

    // Predecessors over the edges whose type can retain (the ownership rule is checked on
    // use), by counting sort in place: counts, then running ends, each list filled from its
    // end, which leaves `pred_first[i]` at the list's start.
    let retains =
        |from: u32, ty: u8, to: u32| from != to && ty != weak && (ty != shortcut || from == ROOT);
    let mut pred_first = vec![0u32; len];
    for v in 0..n {
        for e in g.edges(v) {
            let to = g.edge_to[e];
            if retains(v, g.edge_type[e], to) {
                pred_first[to as usize] += 1;
            }
        }
    }
    let mut total = 0u32;
    for c in pred_first.iter_mut() {
        total += *c;
        *c = total;
    }
    let mut pred_from = vec![0u32; total as usize];
    for v in (0..n).rev() {
        for e in g.edges(v).rev() {
            let to = g.edge_to[e];
            if retains(v, g.edge_type[e], to) {
                pred_first[to as usize] -= 1;
                pred_from[pred_first[to as usize] as usize] = v;
            }
        }
    }
    // The edges are done with until the report: the reader reads them (and their offsets)
    // again.
    g.edge_type = Vec::new();
    g.edge_to = Vec::new();
    g.first_edge = Vec::new();

    // Every vertex was visited: each one's label starts as itself.
    let mut label: Vec<u32> = (0..len as u32).collect();
    let mut ancestor = vec![0u32; len];
    let mut dom = vec![0u32; len];
    let mut bucket_head = vec![0u32; len];
    let mut bucket_next = vec![0u32; len];
    let mut stack: Vec<u32> = Vec::new();
    let mut evaluate = |v: u32, ancestor: &mut [u32], label: &mut [u32], semi: &[u32]| -> u32 {
        if ancestor[v as usize] == 0 {
            return v;
        }
        let mut x = v;
        while ancestor[ancestor[x as usize] as usize] != 0 {
            stack.push(x);
            x = ancestor[x as usize];
        }
        while let Some(w) = stack.pop() {
            let a = ancestor[w as usize] as usize;
            if semi[label[a] as usize] < semi[label[w as usize] as usize] {
                label[w as usize] = label[a];
            }
            ancestor[w as usize] = ancestor[a];
        }
        label[v as usize]
    };
    for i in (2..=count).rev() {
        let w = vertex[i as usize];
        let wn = w - 1;
        let mut orphan = true;
        for p in pred_first[wn as usize]..pred_first[wn as usize + 1] {
            let from = pred_from[p as usize];
            if !(from == ROOT || !owned.get(wn) || owned.get(from)) {
                continue;
            }
            orphan = false;
            let u = evaluate(from + 1, &mut ancestor, &mut label, &semi);
            if semi[u as usize] < semi[w as usize] {
                semi[w as usize] = semi[u as usize];
            }
        }
        if orphan {
            semi[w as usize] = semi[r as usize];
        }
        let s = vertex[semi[w as usize] as usize];
        bucket_next[w as usize] = bucket_head[s as usize];
        bucket_head[s as usize] = w;
        let pw = parent[w as usize];
        ancestor[w as usize] = pw;
        let mut v = bucket_head[pw as usize];
        bucket_head[pw as usize] = 0;
        while v != 0 {
            let next = bucket_next[v as usize];
            let u = evaluate(v, &mut ancestor, &mut label, &semi);
            dom[v as usize] = if semi[u as usize] < semi[v as usize] {
                u
            } else {
                pw
            };
            v = next;
        }
    }
    drop((
        pred_from,
        pred_first,
        label,
        ancestor,
        parent,
        bucket_head,
        bucket_next,
    ));
    dom[0] = r;
    dom[r as usize] = r;
    for i in 2..=count {
        let w = vertex[i as usize];
        if dom[w as usize] != vertex[semi[w as usize] as usize] {
            dom[w as usize] = dom[dom[w as usize] as usize];
        }
    }
    drop(semi);
    // Vertex numbers to node numbers, in place.
    let mut idom = dom;
    for v in 0..n as usize {
        idom[v] = idom[v + 1] - 1;
    }
    idom.truncate(n as usize);
    let mut retained: Vec<u64> = (0..n).map(|v| g.self_size(v)).collect();
    for i in (2..=count).rev() {
        let v = vertex[i as usize] - 1;
        retained[idom[v as usize] as usize] += retained[v as usize];
    }
    Dominators { idom, retained }
}
