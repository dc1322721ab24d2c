//! Dataflow liveness over the control-flow graph (loops included).
//!
//! Takes: a [`Prog`]. Returns: live-in and live-out sets of every block over
//! liveness variables (0..64 physical registers, 64.. virtual registers),
//! iterated to a fixpoint, plus a backward per-instruction walk. Uses are
//! read at the start of an instruction; defs (and clobbers, for physical
//! registers) kill at its end.
//!
//! The block sets are sparse (sorted lists), so memory follows the values
//! actually live at block boundaries rather than blocks x variables. The
//! fixpoint is a worklist in postorder (successors before predecessors):
//! on acyclic code every block is visited once, and a block is revisited
//! only when the live-in set of one of its successors grew.

use crate::bitset::BitSet;
use crate::prog::{is_def, Prog};
use crate::OperandKind;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Block-level liveness.
#[derive(Clone, Debug)]
pub(crate) struct Liveness {
    /// Variables live on entry to each block, sorted.
    pub live_in: Vec<Vec<u32>>,
    /// Variables live on exit from each block with several successors,
    /// sorted (empty for the others: see [`Liveness::live_out`]).
    own_out: Vec<Vec<u32>>,
    /// The only successor of each block with one (`u32::MAX`: none or
    /// several), whose live-in is the block's live-out: not copied, since
    /// on a deep loop nest every such set holds thousands of values.
    single_succ: Vec<u32>,
    /// Number of liveness variables (the capacity of the dense sets).
    pub num_vars: usize,
}

impl Liveness {
    /// Variables live on exit from block `b`, sorted.
    pub(crate) fn live_out(&self, b: usize) -> &[u32] {
        match self.single_succ[b] {
            u32::MAX => &self.own_out[b],
            s => &self.live_in[s as usize],
        }
    }

    /// The live-out set of block `b` as a dense set.
    pub(crate) fn out_set(&self, b: usize) -> BitSet {
        let mut s = BitSet::new(self.num_vars);
        for &x in self.live_out(b) {
            s.insert(x as usize);
        }
        s
    }
}

/// Turns the set live after instruction `i` into the set live before it,
/// including its spill edits: stores after it read `post` temporaries,
/// reloads before it define `pre` temporaries.
pub(crate) fn step_back(prog: &Prog, i: usize, live: &mut BitSet) {
    add_post(prog, i, live);
    step_core(prog, i, live);
    remove_pre(prog, i, live);
}

/// Adds the temporaries stored after `i`.
pub(crate) fn add_post(prog: &Prog, i: usize, live: &mut BitSet) {
    for &t in &prog.insts[i].post {
        live.insert(crate::Reg::virt(t).0 as usize);
    }
}

/// Removes the temporaries reloaded before `i`.
pub(crate) fn remove_pre(prog: &Prog, i: usize, live: &mut BitSet) {
    for &t in &prog.insts[i].pre {
        live.remove(crate::Reg::virt(t).0 as usize);
    }
}

/// The instruction itself: defs and clobbers kill, then uses gen.
pub(crate) fn step_core(prog: &Prog, i: usize, live: &mut BitSet) {
    let inst = &prog.insts[i];
    for o in &inst.ops {
        if is_def(o.kind) {
            live.remove(o.reg.0 as usize);
        }
    }
    for p in inst.clobbers.iter() {
        live.remove(p.0 as usize);
    }
    for o in &inst.ops {
        if o.kind == OperandKind::Use {
            live.insert(o.reg.0 as usize);
        }
    }
}

/// Blocks in postorder of a depth-first walk from the entry over
/// successors, followed by the unreachable blocks (highest first).
fn postorder(prog: &Prog) -> Vec<usize> {
    let nb = prog.blocks.len();
    let mut order = Vec::with_capacity(nb);
    let mut seen = vec![false; nb];
    // (block, index of the next successor to visit)
    let mut stack: Vec<(usize, usize)> = Vec::new();
    if nb > 0 {
        seen[0] = true;
        stack.push((0, 0));
    }
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
    order.extend((0..nb).rev().filter(|&b| !seen[b]));
    order
}

/// Upward-exposed uses (`gen`) and defined variables (`kill`) of every
/// block, each sorted.
fn gen_kill(prog: &Prog, nv: usize) -> (Vec<Vec<u32>>, Vec<Vec<u32>>) {
    let nb = prog.blocks.len();
    // defined[v] == b + 1: v was defined earlier in block b;
    // used[v] == b + 1: v is already in gen[b].
    let mut defined = vec![0usize; nv];
    let mut used = vec![0usize; nv];
    let mut gen = Vec::with_capacity(nb);
    let mut kill = Vec::with_capacity(nb);
    for b in 0..nb {
        let tag = b + 1;
        let mut g: Vec<u32> = Vec::new();
        let mut k: Vec<u32> = Vec::new();
        let def = |x: usize, defined: &mut [usize], k: &mut Vec<u32>| {
            if defined[x] != tag {
                defined[x] = tag;
                k.push(x as u32);
            }
        };
        for i in prog.blocks[b].clone() {
            let inst = &prog.insts[i];
            // Forward order of events: reloads before, uses, defs and
            // clobbers, stores after.
            for &t in &inst.pre {
                def(crate::Reg::virt(t).0 as usize, &mut defined, &mut k);
            }
            for o in &inst.ops {
                let x = o.reg.0 as usize;
                if o.kind == OperandKind::Use && defined[x] != tag && used[x] != tag {
                    used[x] = tag;
                    g.push(x as u32);
                }
            }
            for o in &inst.ops {
                if is_def(o.kind) {
                    def(o.reg.0 as usize, &mut defined, &mut k);
                }
            }
            for p in inst.clobbers.iter() {
                def(p.0 as usize, &mut defined, &mut k);
            }
            for &t in &inst.post {
                let x = crate::Reg::virt(t).0 as usize;
                if defined[x] != tag && used[x] != tag {
                    used[x] = tag;
                    g.push(x as u32);
                }
            }
        }
        g.sort_unstable();
        k.sort_unstable();
        gen.push(g);
        kill.push(k);
    }
    (gen, kill)
}

/// `a ∪ b` of two sorted lists, into `out` (cleared first).
fn merge_into(a: &[u32], b: &[u32], out: &mut Vec<u32>) {
    out.clear();
    out.reserve(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => {
                out.push(a[i]);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push(b[j]);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
}

/// The union of the live-in sets of `b`'s successors, sorted, into `out`
/// (cleared first). `seen` is scratch space (all false on entry and on
/// return).
fn union_of_succs(prog: &Prog, live_in: &[Vec<u32>], b: usize, seen: &mut [bool], out: &mut Vec<u32>) {
    match prog.succs[b][..] {
        [] => out.clear(),
        [s] => {
            out.clear();
            out.extend_from_slice(&live_in[s]);
        }
        [s, t] => merge_into(&live_in[s], &live_in[t], out),
        _ => {
            out.clear();
            for &s in &prog.succs[b] {
                for &x in &live_in[s] {
                    if !seen[x as usize] {
                        seen[x as usize] = true;
                        out.push(x);
                    }
                }
            }
            for &x in out.iter() {
                seen[x as usize] = false;
            }
            out.sort_unstable();
        }
    }
}

/// Computes block liveness to a fixpoint.
pub(crate) fn compute(prog: &Prog) -> Liveness {
    let nb = prog.blocks.len();
    let nv = prog.num_vars();
    let (gen, kill) = gen_kill(prog, nv);
    let order = postorder(prog);
    let mut pos = vec![0usize; nb];
    for (k, &b) in order.iter().enumerate() {
        pos[b] = k;
    }
    let mut live_in: Vec<Vec<u32>> = gen.clone();
    let mut queued = vec![true; nb];
    let mut work: BinaryHeap<Reverse<usize>> = (0..nb).map(Reverse).collect();
    let mut seen = vec![false; nv];
    // Scratch lists reused by every visit: a visit allocates nothing
    // unless its block's set grew (then the old set's buffer is reused).
    let mut out = Vec::new();
    let mut inn = Vec::new();
    while let Some(Reverse(k)) = work.pop() {
        let b = order[k];
        queued[b] = false;
        union_of_succs(prog, &live_in, b, &mut seen, &mut out);
        if !kill[b].is_empty() {
            out.retain(|x| kill[b].binary_search(x).is_err());
        }
        merge_into(&gen[b], &out, &mut inn);
        // Sets only grow, so a change shows in the length.
        if inn.len() != live_in[b].len() {
            std::mem::swap(&mut live_in[b], &mut inn);
            for &p in &prog.preds[b] {
                if !queued[p] {
                    queued[p] = true;
                    work.push(Reverse(pos[p]));
                }
            }
        }
    }
    let single_succ: Vec<u32> =
        (0..nb).map(|b| if prog.succs[b].len() == 1 { prog.succs[b][0] as u32 } else { u32::MAX }).collect();
    let own_out = (0..nb)
        .map(|b| {
            if single_succ[b] != u32::MAX || prog.succs[b].is_empty() {
                return Vec::new();
            }
            union_of_succs(prog, &live_in, b, &mut seen, &mut out);
            out.clone()
        })
        .collect();
    Liveness { live_in, own_out, single_succ, num_vars: nv }
}

/// Calls `f(i, live_after_i)` for every instruction (the set includes
/// temporaries stored after `i`), walking each block backwards from its
/// live-out set.
pub(crate) fn for_each_inst_rev(prog: &Prog, lv: &Liveness, mut f: impl FnMut(usize, &BitSet)) {
    for b in 0..prog.blocks.len() {
        let mut live = lv.out_set(b);
        for i in prog.blocks[b].clone().rev() {
            add_post(prog, i, &mut live);
            f(i, &live);
            step_core(prog, i, &mut live);
            remove_pre(prog, i, &mut live);
        }
    }
}

/// The backward walk of one block's live set, kept incrementally: the
/// number of virtual members is maintained on every change, and "every
/// member of the current set is in an overfull set" is recorded in O(1)
/// by bumping an epoch: a member that stays from epoch `e` to a later one
/// was live at a marked point, which is noted when it leaves the set. So
/// each instruction costs its operands, not the size of the function.
pub(crate) struct Walk {
    pub live: BitSet,
    /// Virtual members of `live`.
    pub vcount: usize,
    /// Epoch at which each member entered `live`.
    since: Vec<u32>,
    epoch: u32,
    /// Liveness variables that were members of a marked set.
    pub hot: Vec<bool>,
}

impl Walk {
    pub(crate) fn new(nv: usize) -> Walk {
        Walk { live: BitSet::new(nv), vcount: 0, since: vec![0; nv], epoch: 0, hot: vec![false; nv] }
    }

    pub(crate) fn contains(&self, x: usize) -> bool {
        self.live.contains(x)
    }

    pub(crate) fn insert(&mut self, x: usize) {
        if !self.live.contains(x) {
            self.live.insert(x);
            self.since[x] = self.epoch;
            self.vcount += (x >= crate::Reg::VIRT_BASE as usize) as usize;
        }
    }

    pub(crate) fn remove(&mut self, x: usize) {
        if self.live.contains(x) {
            self.live.remove(x);
            if self.epoch > self.since[x] {
                self.hot[x] = true;
            }
            self.vcount -= (x >= crate::Reg::VIRT_BASE as usize) as usize;
        }
    }

    /// Records every current member as part of an overfull set.
    pub(crate) fn mark_all(&mut self) {
        self.epoch += 1;
    }

    /// Empties the set (recording the marks of what was left).
    pub(crate) fn clear(&mut self) {
        let members: Vec<usize> = self.live.iter().collect();
        for x in members {
            self.remove(x);
        }
    }
}

/// Walks every instruction backwards with a [`Walk`] holding the live set:
/// `at(walk, i, Phase::End)` sees the set live after `i` (spill stores
/// after it included), `at(walk, i, Phase::Start)` the set live before it.
/// `lv` is the block liveness of `prog` (computed once per input and
/// shared by every walk over it: on a deep loop nest the block sets hold
/// quadratically many entries).
pub(crate) fn walk_insts(prog: &Prog, lv: &Liveness, mut at: impl FnMut(&mut Walk, usize, Phase)) -> Walk {
    let mut w = Walk::new(prog.num_vars());
    // Blocks last to first: the set left by a block is its live-in, and the
    // next block walked (the one before it) usually flows into it, so its
    // live-out is reached by the difference of two sorted lists instead of
    // emptying the set and filling it again (on a deep loop nest both hold
    // thousands of values at every block boundary).
    let mut held: &[u32] = &[];
    for b in (0..prog.blocks.len()).rev() {
        retarget(&mut w, held, lv.live_out(b));
        for i in prog.blocks[b].clone().rev() {
            let inst = &prog.insts[i];
            for &t in &inst.post {
                w.insert(crate::Reg::virt(t).0 as usize);
            }
            at(&mut w, i, Phase::End);
            for o in &inst.ops {
                if is_def(o.kind) {
                    w.remove(o.reg.0 as usize);
                }
            }
            for p in inst.clobbers.iter() {
                w.remove(p.0 as usize);
            }
            for o in &inst.ops {
                if o.kind == OperandKind::Use {
                    w.insert(o.reg.0 as usize);
                }
            }
            for &t in &inst.pre {
                w.remove(crate::Reg::virt(t).0 as usize);
            }
            at(&mut w, i, Phase::Start);
        }
        held = &lv.live_in[b];
        debug_assert_eq!(w.live.iter().count(), held.len(), "block {b}: the walk ends at the live-in set");
    }
    w.clear();
    w
}

/// Turns `w`'s set from `held` (what it holds, sorted) into `target`
/// (sorted): removes what only `held` has and inserts what only `target`
/// has. A member of both stays, keeping its epoch, which marks it just as
/// leaving and re-entering would (it was live at every marked point since).
fn retarget(w: &mut Walk, held: &[u32], target: &[u32]) {
    let (mut i, mut j) = (0, 0);
    while i < held.len() && j < target.len() {
        match held[i].cmp(&target[j]) {
            std::cmp::Ordering::Equal => {
                i += 1;
                j += 1;
            }
            std::cmp::Ordering::Less => {
                w.remove(held[i] as usize);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                w.insert(target[j] as usize);
                j += 1;
            }
        }
    }
    for &x in &held[i..] {
        w.remove(x as usize);
    }
    for &x in &target[j..] {
        w.insert(x as usize);
    }
}

/// Which side of an instruction a [`walk_insts`] callback sees.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// After the instruction: the set is the live-out of the instruction.
    End,
    /// Before it: the set is its live-in.
    Start,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::toy::{phys, Builder};
    use crate::Function;

    #[test]
    fn loop_carried_value_is_live_around_the_back_edge() {
        // b0: a = 1; n = 3; br b1
        // b1: t = a + a ; n = n + m ; condbr n b1 b2   (a live throughout loop)
        // b2: r0 = t; ret
        let mut bd = Builder::new();
        let (a, n, m, t) = (bd.v(), bd.v(), bd.v(), bd.v());
        let b0 = bd.block();
        let b1 = bd.block();
        let b2 = bd.block();
        bd.at(b0);
        bd.konst(a, 1);
        bd.konst(n, 3);
        bd.konst(m, -1);
        bd.br(b1);
        bd.at(b1);
        bd.add(t, a, a);
        bd.add(n, n, m);
        bd.condbr(n, b1, b2);
        bd.at(b2);
        bd.mov(phys(0), t);
        bd.ret();
        let f = bd.finish();
        let prog = Prog::from_func(&f);
        let lv = compute(&prog);
        let var = |r: crate::Reg| r.0;
        // a, n, m live into and out of the loop block (back edge).
        for r in [a, n, m] {
            assert!(lv.live_in[1].contains(&var(r)), "{r:?} live-in loop");
            assert!(lv.live_out(1).contains(&var(r)), "{r:?} live-out loop");
        }
        // t is defined in the loop before use, so not live-in; live-out to b2.
        assert!(!lv.live_in[1].contains(&var(t)));
        assert!(lv.live_out(1).contains(&var(t)));
        assert!(!lv.live_in[2].contains(&var(a)));
        assert!(lv.live_in[0].is_empty(), "nothing live into entry");
        // r0 is live between the move and ret only.
        let mut seen = false;
        for_each_inst_rev(&prog, &lv, |i, after| {
            if i == f.num_insts() - 2 {
                assert!(after.contains(0));
                seen = true;
            }
        });
        assert!(seen);
    }
}
