//! The compile-time budget of the base rung.
//!
//! Takes: the input [`Prog`]. Returns: whether building its interference
//! graph would exceed the budget and, if so, the virtual registers to
//! spill before the first colouring.
//!
//! The interference graph has an edge per pair of values live together,
//! so a function with thousands of values live at once (a loop carrying
//! 2,000 wasm locals) would need millions of edges: time and memory
//! quadratic in the values. The graph's size is estimated first, in one
//! walk over the block live sets: the sum over defs of the values live at
//! the def (the same walk marks the crowded values below). Over
//! [`EDGE_BUDGET`] plus [`EDGE_BUDGET_PER_INST`] per instruction, every
//! value live at a point where more than [`CROWD_FACTOR`] times the
//! allocatable registers are live is spilled occurrence by occurrence (a
//! reload before each use, a store after each def), which leaves only short
//! temporaries and the values of the uncrowded points in the graph. Those
//! spills are genuine by the verdict's definition (the point is overfull),
//! the function stays correct, and [`crate::AllocStats::budget_hit`] says it
//! happened. No function of the test corpus or the benchmark kernels comes
//! near the budget.

use crate::liveness::{walk_insts, Liveness, Phase, Walk};
use crate::prog::{is_def, Prog};
use crate::{OperandKind, Reg};

/// Interference edges allowed regardless of the function's size.
pub(crate) const EDGE_BUDGET: usize = 1 << 18;

/// Further edges allowed per instruction.
pub(crate) const EDGE_BUDGET_PER_INST: usize = 64;

/// A point is crowded when more than this many times the allocatable
/// registers are live there.
pub(crate) const CROWD_FACTOR: usize = 2;

/// The estimated number of interference edges: for every def, the values
/// live after its instruction.
#[cfg(test)]
pub(crate) fn estimated_edges(prog: &Prog, lv: &Liveness) -> usize {
    estimate_and_crowd(prog, lv).0
}

/// One walk for both figures of the budget: the estimated edges, and the
/// walk whose `hot` marks the values live at a crowded point (used only
/// when the estimate is over the budget; the marks cost a few operand
/// checks per instruction, a second walk would cost the block live sets
/// again).
fn estimate_and_crowd(prog: &Prog, lv: &Liveness) -> (usize, Walk) {
    let crowd = CROWD_FACTOR * prog.allocatable.len() as usize;
    let mut edges = 0usize;
    let w = walk_insts(prog, lv, |w, i, phase| {
        let inst = &prog.insts[i];
        if phase == Phase::End {
            let defs = inst.ops.iter().filter(|o| is_def(o.kind) && o.reg.as_virt().is_some()).count();
            edges = edges.saturating_add(defs.saturating_mul(w.vcount));
        }
        let extra = |o: &&crate::Operand| {
            (match phase {
                Phase::End => is_def(o.kind),
                Phase::Start => o.kind == OperandKind::EarlyDef,
            }) && o.reg.as_virt().is_some()
                && !w.contains(o.reg.0 as usize)
        };
        let n = inst.ops.iter().filter(extra).count();
        if w.vcount + n > crowd {
            let xs: Vec<usize> = inst.ops.iter().filter(extra).map(|o| o.reg.0 as usize).collect();
            w.mark_all();
            for x in xs {
                w.hot[x] = true;
            }
        }
    });
    (edges, w)
}

/// The input virtual registers to spill occurrence by occurrence before
/// colouring, in increasing order; `None` when the graph fits the budget.
/// `lv` is the block liveness of `prog`.
pub(crate) fn over_budget(prog: &Prog, lv: &Liveness) -> Option<Vec<u32>> {
    let budget = EDGE_BUDGET.saturating_add(EDGE_BUDGET_PER_INST.saturating_mul(prog.insts.len()));
    let (edges, w) = estimate_and_crowd(prog, lv);
    if edges <= budget {
        return None;
    }
    let base = Reg::VIRT_BASE as usize;
    let victims: Vec<u32> = (0..prog.num_vregs as u32).filter(|&v| w.hot[base + v as usize]).collect();
    (!victims.is_empty()).then_some(victims)
}

/// The hull `[first, last]` of the points where each input virtual
/// register is live or occurs, in layout order, `None` when it never does.
/// Instruction `i` has two points: `2i` where its uses are read (and early
/// defs written) and `2i + 1` where its defs are written, so a value whose
/// last use is at `i` and a value defined at `i` do not overlap (a reload
/// before `i` and a store after it may use the same slot). Two values
/// whose hulls are disjoint are never live at the same time. Linear in the
/// instructions and the block live sets `lv` of `prog`.
pub(crate) fn live_hulls(prog: &Prog, lv: &Liveness) -> Vec<Option<(u32, u32)>> {
    let base = Reg::VIRT_BASE as usize;
    let mut hull: Vec<Option<(u32, u32)>> = vec![None; prog.num_vregs];
    let mut touch = |x: usize, i: usize| {
        if x >= base {
            let h = &mut hull[x - base];
            let i = i as u32;
            *h = Some(h.map_or((i, i), |(a, b)| (a.min(i), b.max(i))));
        }
    };
    // The first and last point of every loop's blocks, nested loops
    // included: a variable its loop implies is live in all of them.
    let nb = prog.blocks.len();
    let mut span: Vec<Option<(u32, u32)>> = vec![None; nb];
    for (b, r) in prog.blocks.iter().enumerate() {
        let l = lv.loop_of(b);
        if r.is_empty() || l == u32::MAX {
            continue;
        }
        let (s, e) = ((2 * r.start) as u32, (2 * (r.end - 1) + 1) as u32);
        let h = &mut span[l as usize];
        *h = Some(h.map_or((s, e), |(a, z)| (a.min(s), z.max(e))));
    }
    let loops = lv.loops_inner_first();
    for &l in &loops {
        let p = lv.loop_parent(l);
        if let (Some((s, e)), true) = (span[l as usize], p != u32::MAX) {
            let h = &mut span[p as usize];
            *h = Some(h.map_or((s, e), |(a, z)| (a.min(s), z.max(e))));
        }
    }
    for &l in &loops {
        let Some((s, e)) = span[l as usize] else { continue };
        for &x in lv.implied(l) {
            touch(x as usize, s as usize);
            touch(x as usize, e as usize);
        }
    }
    for (b, r) in prog.blocks.iter().enumerate() {
        if r.is_empty() {
            continue;
        }
        for &x in lv.local_out(b) {
            touch(x as usize, 2 * (r.end - 1) + 1);
        }
        for &x in lv.local_in(b) {
            touch(x as usize, 2 * r.start);
        }
        for i in r.clone() {
            for o in &prog.insts[i].ops {
                touch(o.reg.0 as usize, 2 * i + (o.kind == OperandKind::Def) as usize);
            }
        }
    }
    hull
}

/// Spill-slot sharing by live hulls (used when the budget was hit and the
/// input's interference graph was never built): slots whose owners' hulls
/// are disjoint share, assigned greedily by hull start (optimal for
/// intervals). Returns the new slot of each old slot and the slot count.
pub(crate) fn share_by_hull(owner: &[Option<u32>], hull: &[Option<(u32, u32)>]) -> (Vec<u32>, u32) {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let n = owner.len();
    let span = |s: usize| owner[s].and_then(|v| hull.get(v as usize).copied().flatten());
    let mut order: Vec<usize> = (0..n).collect();
    // Slots without a known hull go last, each on its own.
    order.sort_by_key(|&s| (span(s).is_none(), span(s).map_or(0, |h| h.0), s));
    let mut new_slot = vec![0u32; n];
    let mut count = 0u32;
    let mut active: BinaryHeap<Reverse<(u32, u32)>> = BinaryHeap::new(); // (end, slot)
    let mut free: BinaryHeap<Reverse<u32>> = BinaryHeap::new();
    for s in order {
        let Some((start, end)) = span(s) else {
            new_slot[s] = count;
            count += 1;
            continue;
        };
        while let Some(&Reverse((e, slot))) = active.peek() {
            if e >= start {
                break;
            }
            active.pop();
            free.push(Reverse(slot));
        }
        let slot = match free.pop() {
            Some(Reverse(slot)) => slot,
            None => {
                count += 1;
                count - 1
            }
        };
        new_slot[s] = slot;
        active.push(Reverse((end, slot)));
    }
    (new_slot, count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::toy::{phys, Builder};
    use crate::{allocate, Options, SpillVerdict};

    #[test]
    fn a_crowded_loop_is_spilled_up_front_and_stays_correct() {
        // 2,400 values live around a loop that updates each from its
        // neighbour: millions of interference edges, over the budget.
        let n = 2400;
        let mut bd = Builder::new();
        bd.allow_remat = false;
        let vs: Vec<_> = (0..n).map(|_| bd.v()).collect();
        let (c, m1, acc) = (bd.v(), bd.v(), bd.v());
        let (b0, b1, b2) = (bd.block(), bd.block(), bd.block());
        bd.at(b0);
        for (k, &v) in vs.iter().enumerate() {
            bd.konst(v, k as i32 * 3 + 1);
        }
        bd.konst(c, 3);
        bd.konst(m1, -1);
        bd.br(b1);
        bd.at(b1);
        for k in 0..n {
            bd.add(vs[k], vs[k], vs[(k + 1) % n]);
        }
        bd.add(c, c, m1);
        bd.condbr(c, b1, b2);
        bd.at(b2);
        bd.mov(acc, vs[0]);
        for &v in &vs[1..] {
            bd.add(acc, acc, v);
        }
        bd.mov(phys(0), acc);
        bd.ret();
        let f = bd.finish();
        let prog = Prog::from_func(&f);
        let lv = crate::liveness::compute(&prog);
        assert!(estimated_edges(&prog, &lv) > EDGE_BUDGET + EDGE_BUDGET_PER_INST * prog.insts.len());
        let hulls = live_hulls(&prog, &lv);
        assert!(hulls.iter().all(Option::is_some));
        let out = crate::tests_random::alloc_and_compare(&f, crate::Rung::Base);
        assert!(out.stats.budget_hit, "{:?}", out.stats);
        assert_eq!(out.stats.int.verdict, SpillVerdict::Genuine);
        assert!(out.stats.int.spill_slots as usize <= 2 * n + 2, "slots shared by hull: {:?}", out.stats);
        // An ordinary function stays under the budget.
        let small = allocate(&crate::toy::add_args(), &Options { verify: true, shadow: false });
        assert!(!small.stats.budget_hit);
    }

    #[test]
    fn disjoint_hulls_share_slots_overlapping_ones_do_not() {
        // slot s is owned by vreg s; hulls: 0:[0,4] 1:[5,9] 2:[3,6] 3:none 4:[10,10]
        let owner: Vec<Option<u32>> = (0..5).map(Some).collect();
        let hull = vec![Some((0, 4)), Some((5, 9)), Some((3, 6)), None, Some((10, 10))];
        let (new_slot, count) = share_by_hull(&owner, &hull);
        assert_eq!(new_slot[0], new_slot[1], "[0,4] and [5,9] are disjoint");
        assert_ne!(new_slot[2], new_slot[0]);
        assert_ne!(new_slot[2], new_slot[1]);
        assert!(new_slot[4] == new_slot[0] || new_slot[4] == new_slot[2]);
        assert_ne!(new_slot[3], new_slot[0]);
        assert_ne!(new_slot[3], new_slot[2]);
        assert_eq!(count, 3);
    }
}
