//! Interference graph construction.
//!
//! Takes: a [`Prog`], its [`Liveness`] and block loop depths. Returns: a
//! [`Graph`] over virtual registers with, for each, the set of physical
//! registers it must avoid (interference with precoloured registers and
//! clobbers), its spill cost, its low-register preference and the move
//! pairs it is related to.
//!
//! Interference is added where values are written (Chaitin): a def
//! interferes with everything live after its instruction (except the source
//! of a move, which holds the same value) and with the other defs of the
//! instruction; an early def also interferes with the uses of its
//! instruction; a reload before an instruction interferes with everything
//! live before it. Everything live across an instruction, and its defs,
//! avoid the instruction's clobbers.

use crate::bitset::BitSet;
use crate::liveness::{add_post, remove_pre, step_core, Liveness};
use crate::prog::{is_def, Prog};
use crate::pairs::PairSet;
use crate::{OperandKind, Reg};

/// A move between two registers (at least one virtual).
#[derive(Clone, Copy, Debug)]
pub(crate) struct MovePair {
    /// Destination.
    pub dst: Reg,
    /// Source.
    pub src: Reg,
    /// Execution-frequency weight.
    pub weight: f64,
}

/// The interference graph.
///
/// Adjacency is kept twice, as in Chaitin's allocator: a membership test
/// answers "do a and b interfere", and a list per node enumerates its
/// neighbours. Each edge is in both lists exactly once. Membership is a
/// bit matrix ([`PairSet`]) when that is small for the code; beyond, the
/// built lists are sorted and searched instead (a hash set of the edges
/// would be a second copy of them, read in random order, which on a graph
/// of a million edges costs more in cache misses than the build itself),
/// and only the edges added after the build (by coalescing) go into a
/// hash set. Colouring may append to the lists while coalescing and
/// truncates them back to their built lengths afterwards, so after
/// colouring the lists are again those built here.
#[derive(Clone, Debug)]
pub(crate) struct Graph {
    /// Virtual-register neighbours of each virtual register (no duplicates;
    /// in the order the edges were found, or increasing when `sorted` is
    /// in use).
    pub adj: Vec<Vec<u32>>,
    /// Membership of the edges (with `sorted`: of the edges added after
    /// the build only).
    pub pairs: PairSet,
    /// When not empty: the built length of each list of `adj`, whose first
    /// `sorted[v]` entries are increasing and answer membership.
    pub sorted: Vec<u32>,
    /// Physical registers each virtual register must avoid (bit mask).
    pub forbid: Vec<u32>,
    /// Spill cost: occurrences weighted by 10^loop_depth.
    pub cost: Vec<f64>,
    /// Used by an instruction preferring r0-r7.
    pub low: Vec<bool>,
    /// Bytes saved, summed over the instructions using it, when it and the
    /// other operands of those instructions are in r0-r7.
    pub gain: Vec<u32>,
    /// Appears in the code.
    pub present: Vec<bool>,
    /// Moves, for coalescing and biased colouring.
    pub moves: Vec<MovePair>,
}

/// Weight of code at loop depth `d`.
pub(crate) fn depth_weight(d: u32) -> f64 {
    10f64.powi(d.min(8) as i32)
}

impl Graph {
    /// True when virtual registers `a` and `b` interfere.
    pub(crate) fn interferes(&self, a: u32, b: u32) -> bool {
        if self.sorted.is_empty() {
            return self.pairs.contains(a, b);
        }
        if a == b {
            return false;
        }
        let (x, y) = if self.sorted[a as usize] <= self.sorted[b as usize] { (a, b) } else { (b, a) };
        self.adj[x as usize][..self.sorted[x as usize] as usize].binary_search(&y).is_ok() || self.pairs.contains(a, b)
    }

    /// Adds the edge between virtual registers `a` and `b` (if new).
    pub(crate) fn add_edge(&mut self, a: u32, b: u32) -> bool {
        if a == b || (!self.sorted.is_empty() && self.interferes(a, b)) {
            return false;
        }
        let new = self.pairs.insert(a, b);
        if new {
            self.adj[a as usize].push(b);
            self.adj[b as usize].push(a);
        }
        new
    }

    fn edge(&mut self, a: u32, b: u32, lists: bool) {
        if a == b {
            return;
        }
        let (va, vb) = (Reg(a).as_virt(), Reg(b).as_virt());
        match (va, vb) {
            (Some(x), Some(y)) if lists => {
                // Duplicates are removed when the lists are sorted.
                self.adj[x as usize].push(y);
                self.adj[y as usize].push(x);
            }
            (Some(x), Some(y)) => {
                self.add_edge(x, y);
            }
            (Some(x), None) => self.forbid[x as usize] |= 1 << b,
            (None, Some(y)) => self.forbid[y as usize] |= 1 << a,
            (None, None) => {}
        }
    }
}

/// Builds the interference graph.
pub(crate) fn build(prog: &Prog, lv: &Liveness, depths: &[u32]) -> Graph {
    let n = prog.num_vregs;
    let mut g = Graph {
        adj: vec![Vec::new(); n],
        pairs: PairSet::for_code(n, prog.insts.len()),
        sorted: Vec::new(),
        forbid: vec![0; n],
        cost: vec![0.0; n],
        low: vec![false; n],
        gain: vec![0; n],
        present: vec![false; n],
        moves: Vec::new(),
    };
    // Membership from the sorted lists when the matrix would be large.
    let lists = matches!(g.pairs, PairSet::Sparse(_));
    let base = Reg::VIRT_BASE as usize;
    // One dense set for every block, emptied between blocks (one per block
    // would cost blocks x variables).
    let mut live = BitSet::new(lv.num_vars);
    for b in 0..prog.blocks.len() {
        let w = depth_weight(depths.get(b).copied().unwrap_or(0));
        live.clear();
        lv.fill_out(b, &mut live);
        for i in prog.blocks[b].clone().rev() {
            let inst = &prog.insts[i];
            add_post(prog, i, &mut live);
            for o in &inst.ops {
                if let Some(v) = o.reg.as_virt() {
                    g.present[v as usize] = true;
                    g.cost[v as usize] += w;
                    g.low[v as usize] |= inst.low;
                    g.gain[v as usize] += inst.gain;
                }
            }
            for &t in inst.pre.iter().chain(&inst.post) {
                g.present[t as usize] = true;
            }
            let mv = inst.mv.map(|(d, s)| (inst.ops[d].reg, inst.ops[s].reg));
            if let Some((dst, src)) = mv {
                if dst != src && (dst.as_virt().is_some() || src.as_virt().is_some()) {
                    g.moves.push(MovePair { dst, src, weight: w });
                }
            }
            for (k, o) in inst.ops.iter().enumerate() {
                if !is_def(o.kind) {
                    continue;
                }
                let r = o.reg.0;
                for x in live.iter() {
                    let skip = matches!(mv, Some((d, s)) if d == o.reg && s.0 as usize == x);
                    if !skip {
                        g.edge(r, x as u32, lists);
                    }
                }
                for (j, o2) in inst.ops.iter().enumerate() {
                    if j != k && (is_def(o2.kind) || (o.kind == OperandKind::EarlyDef && o2.kind == OperandKind::Use)) {
                        g.edge(r, o2.reg.0, lists);
                    }
                }
                if let Some(v) = o.reg.as_virt() {
                    g.forbid[v as usize] |= inst.clobbers.lo();
                }
            }
            if !inst.clobbers.is_empty() {
                for x in live.iter().filter(|&x| x >= base) {
                    g.forbid[x - base] |= inst.clobbers.lo();
                }
            }
            step_core(prog, i, &mut live);
            for &t in &inst.pre {
                let r = Reg::virt(t).0;
                for x in live.iter() {
                    g.edge(r, x as u32, lists);
                }
            }
            remove_pre(prog, i, &mut live);
        }
    }
    if lists {
        for list in &mut g.adj {
            list.sort_unstable();
            list.dedup();
        }
        g.sorted = g.adj.iter().map(|l| l.len() as u32).collect();
    }
    g
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::liveness;
    use crate::toy::{call_clobbers, phys, Builder, Opc};

    #[test]
    fn interference_respects_moves_early_defs_and_clobbers() {
        let mut bd = Builder::new();
        let (a, b, c, d, e) = (bd.v(), bd.v(), bd.v(), bd.v(), bd.v());
        let blk = bd.block();
        bd.at(blk);
        bd.mov(a, phys(0)); // 0
        bd.mov(b, a); // 1: b = a, both live after: no interference
        bd.bin(Opc::AddE, c, a, b); // 2: early def c conflicts with a, b
        bd.call(0); // 3: a, b, c live across: avoid clobbers
        bd.add(d, a, b); // 4: a, b dead after; d may share with them
        bd.add(e, c, d); // 5
        bd.mov(phys(0), e);
        bd.ret();
        let f = bd.finish();
        let prog = Prog::from_func(&f);
        let lv = liveness::compute(&prog);
        let g = build(&prog, &lv, &[0]);
        let v = |r: Reg| r.as_virt().unwrap();
        let adj = |x: Reg, y: Reg| {
            let (a, b) = (v(x), v(y));
            let listed = g.adj[a as usize].contains(&b);
            assert_eq!(listed, g.adj[b as usize].contains(&a), "symmetric lists");
            assert_eq!(listed, g.interferes(a, b), "lists and matrix agree");
            listed
        };
        assert!(!adj(a, b), "move source and destination do not interfere");
        assert!(adj(c, a) && adj(c, b), "early def interferes with uses");
        assert!(!adj(d, a) && !adj(d, b), "late def may reuse dead uses' registers");
        assert!(adj(c, d), "c is live at d's def");
        for x in [a, b, c] {
            assert_eq!(g.forbid[v(x) as usize] & call_clobbers().lo(), call_clobbers().lo());
        }
        assert_eq!(g.forbid[v(d) as usize] & call_clobbers().lo(), 0);
        assert_eq!(g.moves.len(), 3);
    }
}
