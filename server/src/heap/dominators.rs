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

/// `document_trees`: the string id of `(Document DOM trees)` (`u32::MAX` when absent).
pub fn compute(g: &Graph, document_trees: u32) -> Dominators {
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
    let essential = |from: u32, ty: u8, to: u32| -> bool {
        from != to
            && ty != weak
            && (ty != shortcut || from == ROOT)
            && (from == ROOT || !owned.get(to) || owned.get(from))
    };

    // Predecessors over the edges whose type can retain (the ownership rule is checked on use),
    // and whether each node has a referrer that is neither weak nor a shortcut.
    let mut strong_referrer = Bits::new(n as usize);
    let mut pred_first = vec![0u32; n as usize + 1];
    for v in 0..n {
        for e in g.edges(v) {
            let (ty, to) = (g.edge_type[e], g.edge_to[e]);
            if ty != weak && ty != shortcut {
                strong_referrer.set(to);
            }
            if v != to && ty != weak && (ty != shortcut || v == ROOT) {
                pred_first[to as usize + 1] += 1;
            }
        }
    }
    for i in 0..n as usize {
        pred_first[i + 1] += pred_first[i];
    }
    let mut pred_from = vec![0u32; pred_first[n as usize] as usize];
    {
        let mut fill = pred_first.clone();
        for v in 0..n {
            for e in g.edges(v) {
                let (ty, to) = (g.edge_type[e], g.edge_to[e]);
                if v != to && ty != weak && (ty != shortcut || v == ROOT) {
                    pred_from[fill[to as usize] as usize] = v;
                    fill[to as usize] += 1;
                }
            }
        }
    }

    let len = n as usize + 1;
    let mut parent = vec![0u32; len];
    let mut ancestor = vec![0u32; len];
    let mut vertex = vec![0u32; len];
    let mut label = vec![0u32; len];
    let mut semi = vec![0u32; len];
    let mut dom = vec![0u32; len];
    // The iterative DFS's edge cursor, then reused as the buckets' links.
    let mut cursor = vec![0u32; len];
    let mut count = 0u32;

    let dfs = |root: u32,
               parent: &mut [u32],
               semi: &mut [u32],
               vertex: &mut [u32],
               label: &mut [u32],
               cursor: &mut [u32],
               count: &mut u32| {
        cursor[root as usize] = g.first_edge[root as usize - 1];
        let mut v = root;
        while v != 0 {
            if semi[v as usize] == 0 {
                *count += 1;
                semi[v as usize] = *count;
                vertex[*count as usize] = v;
                label[v as usize] = v;
            }
            let mut next = parent[v as usize];
            let from = v - 1;
            let end = g.first_edge[from as usize + 1];
            while cursor[v as usize] < end {
                let e = cursor[v as usize] as usize;
                let to = g.edge_to[e];
                if essential(from, g.edge_type[e], to) && semi[to as usize + 1] == 0 {
                    let w = to + 1;
                    parent[w as usize] = v;
                    cursor[w as usize] = g.first_edge[to as usize];
                    next = w;
                    break;
                }
                cursor[v as usize] += 1;
            }
            v = next;
        }
    };
    let r = ROOT + 1;
    dfs(
        r,
        &mut parent,
        &mut semi,
        &mut vertex,
        &mut label,
        &mut cursor,
        &mut count,
    );
    if count < n {
        for v in 1..=n {
            if semi[v as usize] == 0 && !strong_referrer.get(v - 1) {
                parent[v as usize] = r;
                dfs(
                    v,
                    &mut parent,
                    &mut semi,
                    &mut vertex,
                    &mut label,
                    &mut cursor,
                    &mut count,
                );
            }
        }
    }
    if count < n {
        for v in 1..=n {
            if semi[v as usize] == 0 {
                parent[v as usize] = r;
                count += 1;
                semi[v as usize] = count;
                vertex[count as usize] = v;
                label[v as usize] = v;
            }
        }
    }

    let mut bucket_head = vec![0u32; len];
    let bucket_next = &mut cursor;
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
    drop(pred_from);
    drop(pred_first);
    dom[0] = r;
    dom[r as usize] = r;
    for i in 2..=count {
        let w = vertex[i as usize];
        if dom[w as usize] != vertex[semi[w as usize] as usize] {
            dom[w as usize] = dom[dom[w as usize] as usize];
        }
    }
    let idom: Vec<u32> = (0..n).map(|v| dom[v as usize + 1] - 1).collect();
    let mut retained = g.self_size.clone();
    for i in (2..=count).rev() {
        let v = vertex[i as usize] - 1;
        retained[idom[v as usize] as usize] += retained[v as usize];
    }
    Dominators { idom, retained }
}
