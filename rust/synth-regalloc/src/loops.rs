//! Loop nesting depth of blocks.
//!
//! Takes: a [`Prog`]'s CFG. Returns: for every block, how many natural
//! loops contain it (0 outside loops and for unreachable blocks). Loops are
//! found from back edges `t -> h` where `h` dominates `t`; bodies of back
//! edges with the same header are merged, so one loop counts once.
//!
//! Dominators are immediate dominators computed by Lengauer and Tarjan's
//! algorithm, and dominance is answered in O(1) from dominator-tree
//! preorder intervals, so the work is near-linear in blocks and edges.

use crate::prog::Prog;

/// Reverse postorder of the blocks reachable from the entry.
fn reverse_postorder(prog: &Prog) -> Vec<usize> {
    let nb = prog.blocks.len();
    let mut order = Vec::with_capacity(nb);
    if nb == 0 {
        return order;
    }
    let mut seen = vec![false; nb];
    let mut stack: Vec<(usize, usize)> = vec![(0, 0)];
    seen[0] = true;
    while let Some(&mut (b, ref mut k)) = stack.last_mut() {
        if let Some(&s) = prog.succs[b].get(*k) {
            *k += 1;
            if !seen[s] {
                seen[s] = true;
                stack.push((s, 0));
            }
        } else {
            order.push(b);
            stack.pop();
        }
    }
    order.reverse();
    order
}

/// Immediate dominator of every block reachable from the entry (the entry's
/// is itself; `usize::MAX` for unreachable blocks), by Lengauer and
/// Tarjan's algorithm ([`synth_graph::immediate_dominators`], the IR
/// verifier's too, here over the allocator's CFG).
fn immediate_dominators(prog: &Prog) -> Vec<usize> {
    synth_graph::immediate_dominators(prog.blocks.len(), |b, k| prog.succs[b].get(k).copied())
        .into_iter()
        .map(|d| d.unwrap_or(usize::MAX))
        .collect()
}

/// Dominance of reachable blocks: immediate dominators plus preorder
/// intervals of the dominator tree.
struct Dom {
    /// `[enter, exit)` of each block in a preorder walk of the dominator
    /// tree; `None` for unreachable blocks.
    span: Vec<Option<(u32, u32)>>,
}

impl Dom {
    fn new(prog: &Prog) -> Dom {
        let nb = prog.blocks.len();
        let rpo = reverse_postorder(prog);
        let mut pos = vec![usize::MAX; nb];
        for (k, &b) in rpo.iter().enumerate() {
            pos[b] = k;
        }
        // idom by rpo position.
        let idom_block = immediate_dominators(prog);
        let idom: Vec<usize> = rpo.iter().map(|&b| pos[idom_block[b]]).collect();
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); rpo.len()];
        for k in 1..rpo.len() {
            if idom[k] != usize::MAX {
                children[idom[k]].push(k);
            }
        }
        let mut span = vec![None; nb];
        let mut clock = 0u32;
        let mut stack: Vec<(usize, bool)> = if rpo.is_empty() { Vec::new() } else { vec![(0, false)] };
        let mut enter = vec![0u32; rpo.len()];
        while let Some((k, done)) = stack.pop() {
            if done {
                span[rpo[k]] = Some((enter[k], clock));
                continue;
            }
            enter[k] = clock;
            clock += 1;
            stack.push((k, true));
            for &c in children[k].iter().rev() {
                stack.push((c, false));
            }
        }
        Dom { span }
    }

    fn reachable(&self, b: usize) -> bool {
        self.span[b].is_some()
    }

    /// True when `a` dominates `b` (both reachable).
    fn dominates(&self, a: usize, b: usize) -> bool {
        match (self.span[a], self.span[b]) {
            (Some((ea, xa)), Some((eb, _))) => ea <= eb && eb < xa,
            _ => false,
        }
    }
}

/// Loop depth of every block.
///
/// Whether a depth-first walk from the entry meets an edge back to a block
/// on its stack (a cycle among the reachable blocks).
fn has_cycle(prog: &Prog) -> bool {
    let nb = prog.blocks.len();
    if nb == 0 {
        return false;
    }
    // 0: unseen, 1: on the stack, 2: finished.
    let mut state = vec![0u8; nb];
    let mut stack: Vec<(usize, usize)> = vec![(0, 0)];
    state[0] = 1;
    while let Some(&mut (b, ref mut k)) = stack.last_mut() {
        if let Some(&s) = prog.succs[b].get(*k) {
            *k += 1;
            match state[s] {
                0 => {
                    state[s] = 1;
                    stack.push((s, 0));
                }
                1 => return true,
                _ => {}
            }
        } else {
            state[b] = 2;
            stack.pop();
        }
    }
    false
}

/// Builds the loop-nesting forest instead of walking every loop body:
/// natural loops with different headers are disjoint or nested, so headers
/// are processed innermost first (decreasing dominator-tree preorder; an
/// inner header is dominated by the outer one) and each finished loop is
/// collapsed into its header with union-find. The walk from a back edge's
/// source then steps over inner loops in one hop, so the work is linear in
/// blocks and edges (times the inverse Ackermann function) even on a deep
/// nest, where the bodies' total size is quadratic. A block's depth is the
/// number of headers above it in the forest, itself included for a header.
pub(crate) fn loop_depths(prog: &Prog) -> Vec<u32> {
    forest(prog).depth
}

/// The loop-nesting forest of a [`Prog`]'s CFG (natural loops, bodies of
/// back edges with the same header merged; loops are named by their
/// header block).
pub(crate) struct Forest {
    /// For a block, the header of the innermost loop containing it; for a
    /// header, the header of the loop around its own loop. `None` outside
    /// loops (and for unreachable blocks).
    pub parent: Vec<Option<usize>>,
    /// Whether each block is a loop header.
    pub is_header: Vec<bool>,
    /// The headers, outermost first (an outer header before every header
    /// nested in its loop).
    pub headers: Vec<usize>,
    /// Loop depth of every block (see [`loop_depths`]).
    pub depth: Vec<u32>,
}

impl Forest {
    /// The innermost loop containing block `b` (named by its header):
    /// `b` itself for a header.
    pub(crate) fn loop_of(&self, b: usize) -> Option<usize> {
        if self.is_header[b] {
            Some(b)
        } else {
            self.parent[b]
        }
    }
}

/// Builds the loop-nesting forest (see [`loop_depths`] for the method).
pub(crate) fn forest(prog: &Prog) -> Forest {
    let nb = prog.blocks.len();
    if !has_cycle(prog) {
        // No cycle, no back edge (a header reaches its latch): no loops,
        // and no dominators needed.
        return Forest { parent: vec![None; nb], is_header: vec![false; nb], headers: Vec::new(), depth: vec![0; nb] };
    }
    let dom = Dom::new(prog);
    // Back edges t -> h (h dominates t), grouped by header.
    let mut back: Vec<(usize, usize)> = Vec::new();
    for t in (0..nb).filter(|&t| dom.reachable(t)) {
        for &h in &prog.succs[t] {
            if dom.dominates(h, t) {
                back.push((h, t));
            }
        }
    }
    // Innermost headers first: decreasing preorder position.
    back.sort_unstable_by_key(|&(h, t)| (std::cmp::Reverse(dom.span[h].map_or(0, |s| s.0)), h, t));
    // Union-find over blocks: the representative of a block is the header
    // of the outermost loop collapsed so far that contains it.
    let mut uf: Vec<usize> = (0..nb).collect();
    fn find(uf: &mut [usize], mut x: usize) -> usize {
        let mut root = x;
        while uf[root] != root {
            root = uf[root];
        }
        while uf[x] != root {
            let next = uf[x];
            uf[x] = root;
            x = next;
        }
        root
    }
    // Innermost loop header containing each block (for a header: the
    // header of the loop around its own loop).
    let mut parent: Vec<Option<usize>> = vec![None; nb];
    let mut is_header = vec![false; nb];
    let mut stack = Vec::new();
    let mut k = 0;
    while k < back.len() {
        let h = back[k].0;
        is_header[h] = true;
        while k < back.len() && back[k].0 == h {
            stack.push(back[k].1);
            k += 1;
        }
        while let Some(x) = stack.pop() {
            let y = find(&mut uf, x);
            if y == h {
                continue;
            }
            // y is a block or the header of an inner loop, not yet in h's.
            uf[y] = h;
            parent[y] = Some(h);
            stack.extend(prog.preds[y].iter().copied().filter(|&p| dom.reachable(p)));
        }
    }
    // Depths of headers, outermost first (increasing preorder position).
    let mut headers: Vec<usize> = (0..nb).filter(|&b| is_header[b]).collect();
    headers.sort_unstable_by_key(|&h| dom.span[h].map_or(0, |s| s.0));
    let mut depth = vec![0u32; nb];
    for &h in &headers {
        depth[h] = 1 + parent[h].map_or(0, |p| depth[p]);
    }
    for b in 0..nb {
        if !is_header[b] {
            if let Some(p) = parent[b] {
                depth[b] = depth[p];
            }
        }
    }
    Forest { parent, is_header, headers, depth }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::toy::{phys, Builder};

    /// The direct definition: every natural loop's body walked block by
    /// block (quadratic on deep nests), to check the forest against.
    fn loop_depths_by_bodies(prog: &Prog) -> Vec<u32> {
        let nb = prog.blocks.len();
        let dom = Dom::new(prog);
        let mut depth = vec![0u32; nb];
        let mut mark = vec![0usize; nb];
        let mut back: Vec<(usize, usize)> = Vec::new();
        for t in (0..nb).filter(|&t| dom.reachable(t)) {
            for &h in &prog.succs[t] {
                if dom.dominates(h, t) {
                    back.push((h, t));
                }
            }
        }
        back.sort_unstable();
        for &(h, t) in &back {
            if mark[h] != h + 1 {
                mark[h] = h + 1;
                depth[h] += 1;
            }
            let mut stack = vec![t];
            while let Some(x) = stack.pop() {
                if mark[x] == h + 1 {
                    continue;
                }
                mark[x] = h + 1;
                depth[x] += 1;
                stack.extend(prog.preds[x].iter().copied().filter(|&p| dom.reachable(p)));
            }
        }
        depth
    }

    /// Immediate dominators by Cooper, Harvey and Kennedy's iterative
    /// algorithm over reverse postorder (quadratic on deep loop nests), to
    /// check [`immediate_dominators`] against.
    fn idoms_iterative(prog: &Prog) -> Vec<usize> {
        let nb = prog.blocks.len();
        let rpo = reverse_postorder(prog);
        let mut pos = vec![usize::MAX; nb];
        for (k, &b) in rpo.iter().enumerate() {
            pos[b] = k;
        }
        let mut idom = vec![usize::MAX; rpo.len()];
        if !rpo.is_empty() {
            idom[0] = 0;
        }
        let intersect = |idom: &[usize], mut a: usize, mut b: usize| {
            while a != b {
                while a > b {
                    a = idom[a];
                }
                while b > a {
                    b = idom[b];
                }
            }
            a
        };
        let mut changed = true;
        while changed {
            changed = false;
            for k in 1..rpo.len() {
                let mut new = usize::MAX;
                for &p in &prog.preds[rpo[k]] {
                    let pp = pos[p];
                    if pp == usize::MAX || idom[pp] == usize::MAX {
                        continue;
                    }
                    new = if new == usize::MAX { pp } else { intersect(&idom, pp, new) };
                }
                if new != idom[k] {
                    idom[k] = new;
                    changed = true;
                }
            }
        }
        let mut out = vec![usize::MAX; nb];
        for (k, &b) in rpo.iter().enumerate() {
            out[b] = rpo[idom[k]];
        }
        out
    }

    #[test]
    fn forest_depths_agree_with_loop_bodies_on_random_cfgs() {
        use crate::tests_random::{gen_program, Rng, HIGH, LOW};
        for seed in 0..40u64 {
            let prog = Prog::from_func(&gen_program(seed, if seed % 2 == 0 { LOW } else { HIGH }));
            assert_eq!(loop_depths(&prog), loop_depths_by_bodies(&prog), "structured seed {seed}");
        }
        // Arbitrary (also irreducible) CFGs: every block branches to two
        // random blocks or returns.
        let mut nested = 0;
        for seed in 0..300u64 {
            let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
            let mut bd = Builder::new();
            let c = bd.v();
            let nb = 2 + rng.below(14);
            let bs: Vec<usize> = (0..nb).map(|_| bd.block()).collect();
            for (k, &b) in bs.iter().enumerate() {
                bd.at(b);
                if k == 0 {
                    bd.konst(c, 1);
                }
                if rng.chance(15) {
                    bd.mov(phys(0), c);
                    bd.ret();
                } else {
                    let (x, y) = (bs[rng.below(nb)], bs[rng.below(nb)]);
                    bd.condbr(c, x, y);
                }
            }
            let prog = Prog::from_func(&bd.finish());
            let d = loop_depths(&prog);
            assert_eq!(d, loop_depths_by_bodies(&prog), "random cfg seed {seed}");
            assert_eq!(immediate_dominators(&prog), idoms_iterative(&prog), "random cfg seed {seed}: dominators");
            nested += d.iter().any(|&x| x >= 2) as usize;
        }
        assert!(nested >= 20, "the random CFGs must include nested loops: {nested}");
    }

    #[test]
    fn nested_loops_have_increasing_depth() {
        // b0 -> b1 (outer header) -> b2 (inner, self loop) -> b3 (latch) -> b1 | b4
        let mut bd = Builder::new();
        let c = bd.v();
        let bs: Vec<usize> = (0..5).map(|_| bd.block()).collect();
        bd.at(bs[0]);
        bd.konst(c, 1);
        bd.br(bs[1]);
        bd.at(bs[1]);
        bd.br(bs[2]);
        bd.at(bs[2]);
        bd.condbr(c, bs[2], bs[3]);
        bd.at(bs[3]);
        bd.condbr(c, bs[1], bs[4]);
        bd.at(bs[4]);
        bd.mov(phys(0), c);
        bd.ret();
        let prog = Prog::from_func(&bd.finish());
        assert_eq!(loop_depths(&prog), vec![0, 1, 2, 1, 0]);
    }
}
