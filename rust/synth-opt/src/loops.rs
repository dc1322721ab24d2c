//! The natural loops of a function, as a forest.
//!
//! Takes a [`Function`] and its [`Cfg`]; returns [`Loops`]: the loop headers
//! (targets of back edges: edges to a block that dominates their source),
//! each block's innermost loop, and the nesting, in near-linear time. Used by
//! loop-invariant code motion (`licm`) and by value numbering (`gvn`), which
//! shares a cheap value across blocks only into a loop it is invariant in.

use crate::cfg::Cfg;
use synth_ir::{Block, Function};

/// The natural loops of a function as a forest (two natural loops with
/// different headers are disjoint or nested), built in near-linear time:
/// a loop's blocks are its own blocks (those of no inner loop) plus its
/// inner loops', so nothing lists a deep nest's blocks once per level.
pub(crate) struct Loops {
    /// Loop headers in increasing block order.
    pub(crate) headers: Vec<usize>,
    /// Per loop: blocks whose innermost loop it is, header included, in
    /// increasing block order.
    pub(crate) own: Vec<Vec<usize>>,
    /// Per loop: number of blocks in the loop (inner loops' included).
    pub(crate) size: Vec<usize>,
    /// Per block: its innermost loop, if any.
    pub(crate) innermost: Vec<Option<usize>>,
    /// Per loop: the loop it is nested in, if any.
    pub(crate) parent: Vec<Option<usize>>,
    /// Per loop: `[enter, exit)` in a preorder numbering of the forest, so
    /// loop `a` contains loop `b` when `b`'s enter lies in `a`'s interval.
    pub(crate) span: Vec<(u32, u32)>,
}

impl Loops {
    /// True when block `b` is in loop `l` (directly or in an inner loop).
    pub(crate) fn contains(&self, l: usize, b: usize) -> bool {
        match self.innermost.get(b).copied().flatten() {
            Some(m) => self.span[l].0 <= self.span[m].0 && self.span[m].0 < self.span[l].1,
            None => false,
        }
    }
}

/// Union-find root with path halving.
fn find(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

/// The loop forest of `func`, whose CFG is `cfg`.
pub(crate) fn find_loops(func: &Function, cfg: &Cfg) -> Loops {
    let n = func.blocks.len();
    // Back edges (header, latch), grouped by header.
    let mut back: Vec<(usize, usize)> = Vec::new();
    for &b in &cfg.rpo {
        for s in func.successors(Block(b as u32)) {
            let h = s.0 as usize;
            if h < n && cfg.dominates(h, b) {
                back.push((h, b));
            }
        }
    }
    back.sort_unstable();
    back.dedup();
    let mut headers: Vec<usize> = back.iter().map(|&(h, _)| h).collect();
    headers.dedup();
    let mut rpo_pos = vec![usize::MAX; n];
    for (k, &b) in cfg.rpo.iter().enumerate() {
        rpo_pos[b] = k;
    }
    let mut loop_of_header = vec![usize::MAX; n];
    for (l, &h) in headers.iter().enumerate() {
        loop_of_header[h] = l;
    }
    // Inner loops first: a loop nested in another has a header the outer
    // header dominates, so later in reverse postorder. A processed loop is
    // collapsed into its header (union-find), which the outer walk meets
    // at most once through the header's predecessors.
    let mut order: Vec<usize> = (0..headers.len()).collect();
    order.sort_unstable_by_key(|&l| std::cmp::Reverse(rpo_pos[headers[l]]));
    let mut uf: Vec<usize> = (0..n).collect();
    let mut mark = vec![usize::MAX; n];
    let mut innermost: Vec<Option<usize>> = vec![None; n];
    let mut parent: Vec<Option<usize>> = vec![None; headers.len()];
    let mut own: Vec<Vec<usize>> = vec![Vec::new(); headers.len()];
    let mut work = Vec::new();
    for &l in &order {
        let h = headers[l];
        mark[h] = l;
        innermost[h] = Some(l);
        own[l].push(h);
        let mut members = Vec::new();
        let first = back.partition_point(|&(x, _)| x < h);
        work.extend(back[first..].iter().take_while(|&&(x, _)| x == h).map(|&(_, b)| b));
        while let Some(x) = work.pop() {
            let r = find(&mut uf, x);
            if mark[r] == l {
                continue;
            }
            mark[r] = l;
            members.push(r);
            let inner = loop_of_header[r];
            if inner != usize::MAX && inner != l && innermost[r] == Some(inner) {
                // A processed inner loop, entered through its header.
                parent[inner] = Some(l);
            } else {
                innermost[r] = Some(l);
                own[l].push(r);
            }
            work.extend(cfg.preds[r].iter().copied());
        }
        for r in members {
            uf[r] = h;
        }
    }
    // Sizes (children before parents: inner loops were processed first)
    // and the preorder spans of the forest.
    let mut size: Vec<usize> = own.iter().map(Vec::len).collect();
    for &l in &order {
        if let Some(p) = parent[l] {
            size[p] += size[l];
        }
    }
    let forest: Vec<usize> = parent.iter().map(|p| p.unwrap_or(synth_graph::ROOT)).collect();
    let span = synth_graph::preorder_spans(&forest);
    for o in &mut own {
        o.sort_unstable();
    }
    Loops { headers, own, size, innermost, parent, span }
}

