//! The base rung driver: colour, spill, repeat.
//!
//! Takes: a [`Prog`] and which input vregs are rematerialisable. Returns:
//! a finished allocation, or `None` when colouring has not converged after
//! [`MAX_ROUNDS`] spill rounds (the caller then uses the fallback rung, and
//! the stats say so). There is no re-attempt with features switched off.

use crate::budget;
use crate::coloring;
use crate::fallback::RawAlloc;
use crate::interference;
use crate::liveness;
use crate::loops::loop_depths;
use crate::prog::Prog;
use crate::spill::{self, Pending, SpillState};
use crate::{Edit, Loc, PReg};

/// Spill-and-recolour rounds before giving up. Rounds after the first
/// few spill only short values the colouring could not fit (each one
/// fewer than the round before); a function of tens of thousands of
/// values under pressure everywhere (36,000 wasm i64 statements) takes
/// about a dozen.
pub(crate) const MAX_ROUNDS: usize = 24;

/// Spill rounds whose spilled values are split at calls; later rounds
/// spill occurrence by occurrence, which converges in fewer rounds.
pub(crate) const SPLIT_ROUNDS: usize = 6;

/// Re-colourings per round with coalesced spilled registers kept apart.
/// Each is a whole colouring of the round's graph; a third one changed
/// none of the bench kernels' or test programs' objects (596 compiles)
/// and cost 7% of a 150 KB function's compile.
pub(crate) const MAX_UNCOALESCE: usize = 2;

/// Runs the base rung, with spilled values split at calls in the first
/// [`SPLIT_ROUNDS`] rounds.
/// `lv` is the block liveness of `input`, computed once and shared with the
/// budget, the first round and the statistics.
pub(crate) fn allocate(input: &Prog, lv: &liveness::Liveness, remat: &[bool]) -> Option<RawAlloc> {
    allocate_with(input, lv, remat, true)
}

/// One base-rung attempt; `split` enables splitting spilled values into
/// segments between calls (`spill.rs`).
pub(crate) fn allocate_with(input: &Prog, input_lv: &liveness::Liveness, remat: &[bool], split: bool) -> Option<RawAlloc> {
    let depths = loop_depths(input);
    let mut prog = input.clone();
    let mut st = SpillState {
        slot_of: vec![None; prog.num_vregs],
        num_slots: 0,
        temp: vec![false; prog.num_vregs],
        remat: remat.to_vec(),
        edits: Vec::new(),
        spilled: Vec::new(),
        origin: vec![None; prog.num_vregs],
        seg_count: vec![0; prog.num_vregs],
    };
    // The first round's graph is the input's, reused for slot sharing.
    let mut input_graph: Option<interference::Graph> = None;
    // Over the compile-time budget, crowded values are spilled before the
    // first graph is built (`budget.rs`).
    let budget_victims = budget::over_budget(&prog, input_lv);
    let budget_hit = budget_victims.is_some();
    // Then the graph of the input is never built; slots are shared by the
    // input's live hulls instead.
    let hulls = budget_hit.then(|| budget::live_hulls(&prog, input_lv));
    if let Some(victims) = &budget_victims {
        log::debug!("regalloc: over the graph budget; {} crowded values spilled up front", victims.len());
        spill::rewrite(&mut prog, &mut st, victims, false, None);
    }
    for round in 0..MAX_ROUNDS {
        // The first round colours the input itself unless the budget
        // rewrote it.
        let fresh;
        let lv = if round == 0 && !budget_hit {
            input_lv
        } else {
            fresh = liveness::compute(&prog);
            &fresh
        };
        let mut g = interference::build(&prog, lv, &depths);
        discount_remat(&mut g, &st.remat);
        discount_segments(&mut g, &st.seg_count);
        // A spilled node made of coalesced registers is coloured again with
        // those registers kept apart: spill the parts, not the union.
        let mut keep_apart = vec![false; prog.num_vregs];
        let mut col = coloring::color(&prog, &mut g, &st.temp, &keep_apart);
        for _ in 0..MAX_UNCOALESCE {
            if col.coalesced_spills.is_empty() || col.stuck {
                break;
            }
            for &v in &col.coalesced_spills {
                keep_apart[v as usize] = true;
            }
            col = coloring::color(&prog, &mut g, &st.temp, &keep_apart);
        }
        if col.stuck {
            return None;
        }
        log::debug!(
            "regalloc round {round}: {} vregs, {} edges, {} coalesced, {} spilled",
            prog.num_vregs,
            g.adj.iter().map(Vec::len).sum::<usize>() / 2,
            col.coalesced,
            col.spilled.len()
        );
        let g = input_graph.get_or_insert(g);
        if col.spilled.is_empty() {
            match &hulls {
                Some(h) => share_slots_by_hull(h, &mut st),
                None => share_slots(g, &mut st),
            }
            return finish(&prog, &st, &col.color, budget_hit);
        }
        let mut spilled = col.spilled;
        if round >= 1 {
            spilled.extend(spill::more_victims(&prog, lv, &spilled, &depths, &st.temp));
        }
        let crowded = spill::Crowded::new(&prog, lv, &spilled, &depths);
        spill::rewrite(&mut prog, &mut st, &spilled, split && round < SPLIT_ROUNDS, Some(&crowded));
    }
    None
}

/// Spill cost factor of rematerialisable values: spilling one costs a
/// cheap recomputation at each use and neither a store nor a slot, so it
/// goes before a value of the same weight that needs a store and reloads.
pub(crate) const REMAT_COST_FACTOR: f64 = 0.5;

/// Scales the spill cost of the rematerialisable virtual registers.
fn discount_remat(g: &mut interference::Graph, remat: &[bool]) {
    for (c, &r) in g.cost.iter_mut().zip(remat) {
        if r {
            *c *= REMAT_COST_FACTOR;
        }
    }
}

/// Scales the spill cost of split segments (see `spill.rs`) by the
/// reloads spilling one would add: its first load happens either way, so a
/// segment occurring in `n` instructions saves `n - 1` of `n`.
fn discount_segments(g: &mut interference::Graph, seg_count: &[u32]) {
    for (c, &n) in g.cost.iter_mut().zip(seg_count) {
        if n > 1 {
            *c *= (n - 1) as f64 / n as f64;
        }
    }
}

/// Spill-slot sharing: spilled registers that do not interfere in the
/// input (their values are never needed at the same time) get the same
/// slot. Greedy colouring of the spilled registers' interference graph,
/// lowest free slot first, in the order the slots were created; pending
/// edits are renumbered. `g` is the interference graph of the input.
fn share_slots(g: &interference::Graph, st: &mut SpillState) {
    if st.num_slots < 2 {
        return;
    }
    let mut owner: Vec<Option<u32>> = vec![None; st.num_slots as usize];
    for (v, s) in st.slot_of.iter().enumerate() {
        if let Some(s) = *s {
            owner[s as usize] = Some(v as u32);
        }
    }
    let mut new_slot: Vec<u32> = vec![0; st.num_slots as usize];
    let mut slot_of_vreg: Vec<Option<u32>> = vec![None; st.slot_of.len()];
    let mut count = 0u32;
    // stamp[s] == old + 1: slot s is taken by a neighbour of slot old's owner.
    let mut stamp: Vec<usize> = vec![0; st.num_slots as usize + 1];
    for old in 0..st.num_slots as usize {
        let s = match owner[old] {
            Some(v) => {
                for &u in g.adj.get(v as usize).into_iter().flatten() {
                    if let Some(t) = slot_of_vreg.get(u as usize).copied().flatten() {
                        stamp[t as usize] = old + 1;
                    }
                }
                (0..=count).find(|&k| stamp[k as usize] != old + 1).unwrap_or(count)
            }
            None => count,
        };
        new_slot[old] = s;
        count = count.max(s + 1);
        if let Some(v) = owner[old] {
            slot_of_vreg[v as usize] = Some(s);
        }
    }
    renumber_slots(st, &new_slot, count);
}

/// [`share_slots`] by live hulls (`budget.rs`), for a function whose input
/// graph was never built.
fn share_slots_by_hull(hulls: &[Option<(u32, u32)>], st: &mut SpillState) {
    if st.num_slots < 2 {
        return;
    }
    let mut owner: Vec<Option<u32>> = vec![None; st.num_slots as usize];
    for (v, s) in st.slot_of.iter().enumerate() {
        if let Some(s) = *s {
            owner[s as usize] = Some(v as u32);
        }
    }
    let (new_slot, count) = budget::share_by_hull(&owner, hulls);
    renumber_slots(st, &new_slot, count);
}

/// Applies a slot renumbering to the pending edits and the slot map.
fn renumber_slots(st: &mut SpillState, new_slot: &[u32], count: u32) {
    for (_, e) in &mut st.edits {
        match e {
            Pending::Reload { slot, .. } | Pending::Store { slot, .. } => *slot = new_slot[*slot as usize],
            Pending::Remat { .. } => {}
        }
    }
    for s in st.slot_of.iter_mut().flatten() {
        *s = new_slot[*s as usize];
    }
    st.num_slots = count;
}

fn finish(prog: &Prog, st: &SpillState, color: &[Option<PReg>], budget_hit: bool) -> Option<RawAlloc> {
    let reg_of = |r: crate::Reg| match (r.as_phys(), r.as_virt()) {
        (Some(p), _) => Some(p),
        (None, Some(v)) => color.get(v as usize).copied().flatten(),
        _ => None,
    };
    let tr = |t: u32| color.get(t as usize).copied().flatten();
    let mut allocs = Vec::with_capacity(prog.insts.len());
    let mut removed = Vec::with_capacity(prog.insts.len());
    for inst in &prog.insts {
        let a: Option<Vec<PReg>> = inst.ops.iter().map(|o| reg_of(o.reg)).collect();
        let a = a?;
        removed.push(inst.mv.is_some_and(|(d, s)| a[d] == a[s]));
        allocs.push(a);
    }
    let mut edits = Vec::with_capacity(st.edits.len());
    for (pt, e) in &st.edits {
        let e = match *e {
            Pending::Reload { slot, temp } => Edit::Move { from: Loc::Slot(slot), to: Loc::Reg(tr(temp)?) },
            Pending::Store { temp, slot } => Edit::Move { from: Loc::Reg(tr(temp)?), to: Loc::Slot(slot) },
            Pending::Remat { vreg, temp } => Edit::Remat { vreg, to: tr(temp)? },
        };
        edits.push((*pt, e));
    }
    edits.sort_by_key(|(pt, _)| *pt);
    let mut spilled: Vec<u32> = st.spilled.iter().copied().filter(|&v| (v as usize) < prog.orig_vregs).collect();
    spilled.sort_unstable();
    spilled.dedup();
    Some(RawAlloc { allocs, edits, removed_moves: removed, num_slots: st.num_slots, spilled, budget_hit })
}

#[cfg(test)]
mod tests {
    use crate::toy::{callee_saved, phys, Builder, Opc};
    use crate::{allocate, Options, PReg, Rung, SpillVerdict};

    #[test]
    fn argument_and_result_moves_are_coalesced_away() {
        // v0 = r0; v1 = r1; v2 = v0 + v1; r0 = v2; ret
        let f = crate::toy::add_args();
        let out = allocate(&f, &Options { verify: true, shadow: false });
        assert_eq!(out.removed_moves, vec![true, true, false, true, false]);
        assert_eq!(out.allocs[2], vec![PReg(0), PReg(0), PReg(1)]);
        assert_eq!(out.stats.int.moves, 0);
        assert_eq!(out.stats.int.verdict, SpillVerdict::None);
        assert_eq!(out.stats.int.callee_saved_used.len(), 0, "leaf code needs no callee-saved register");
        assert!(out.edits.is_empty());
    }

    #[test]
    fn callee_saved_only_for_values_live_across_calls() {
        // x = 1 (live across the call); y = 2 (dies before it); call; r0 = x + r0
        let mut bd = Builder::new();
        bd.allow_remat = false;
        let (x, y, z, r) = (bd.v(), bd.v(), bd.v(), bd.v());
        let blk = bd.block();
        bd.at(blk);
        bd.konst(x, 1);
        bd.konst(y, 2);
        bd.mov(phys(0), y);
        bd.call(1);
        bd.mov(z, phys(0));
        bd.add(r, x, z);
        bd.mov(phys(0), r);
        bd.ret();
        let f = bd.finish();
        let out = allocate(&f, &Options { verify: true, shadow: false });
        let xr = out.allocs[0][0];
        let yr = out.allocs[1][0];
        assert!(callee_saved().contains(xr), "x crosses the call: {xr:?}");
        assert!(!callee_saved().contains(yr), "y does not: {yr:?}");
        assert_eq!(yr, PReg(0), "y is hinted into the argument register");
        assert_eq!(out.stats.int.callee_saved_used.len(), 1);
        assert_eq!(out.stats.rung, Rung::Base);
    }

    #[test]
    fn float_values_across_a_call_take_callee_saved_s_registers() {
        // f = s0 (argument); g = f * f (dies before the call); s0 = g; call;
        // h = r0 (into the float class); s0 = f + h
        use crate::toy::fphys;
        let mut bd = Builder::new();
        let (f, g, h, r) = (bd.fv(), bd.fv(), bd.fv(), bd.fv());
        let blk = bd.block();
        bd.at(blk);
        bd.mov(f, fphys(0));
        bd.bin(Opc::Mul, g, f, f);
        bd.mov(fphys(0), g);
        bd.call(0);
        let hi = bd.v();
        bd.mov(hi, phys(0));
        bd.xfer(h, hi);
        bd.add(r, f, h);
        bd.mov(fphys(0), r);
        bd.ret();
        let fun = bd.finish();
        let out = allocate(&fun, &Options { verify: true, shadow: false });
        let fr = out.allocs[0][0];
        assert!(fr.0 >= 48, "f crosses the call: s16-s31, got {fr:?}");
        assert_eq!(out.allocs[1][0], PReg::float(0), "g is hinted into s0");
        let fl = out.stats.float.clone().expect("float class");
        assert_eq!(fl.callee_saved_used.len(), 1);
        assert_eq!(out.stats.int.callee_saved_used.len(), 0, "no integer value crosses the call");
        assert_eq!((fl.vregs, fl.regs_available, fl.verdict), (4, 32, SpillVerdict::None));
        assert_eq!(out.stats.int.vregs, 1);
        assert!(out.edits.is_empty());
    }

    fn sum_of_four(low: bool) -> crate::toy::ToyFunc {
        let mut bd = Builder::new();
        bd.allow_remat = false;
        let vs: Vec<_> = (0..4).map(|_| bd.v()).collect();
        let acc = bd.v();
        let blk = bd.block();
        bd.at(blk);
        for (k, &v) in vs.iter().enumerate() {
            bd.konst(v, k as i32);
        }
        bd.mov(acc, vs[0]);
        for &v in &vs[1..] {
            bd.bin(Opc::Add, acc, acc, v);
            if low {
                bd.low();
            }
        }
        bd.mov(phys(2), acc);
        bd.mov(phys(0), phys(2));
        bd.ret();
        bd.finish()
    }

    #[test]
    fn low_register_preference_is_honoured() {
        // Low-preferring adds get r0-r7 (here r0-r3, all caller-saved).
        let f = sum_of_four(true);
        let out = allocate(&f, &Options { verify: true, shadow: false });
        for (i, a) in out.allocs.iter().enumerate() {
            if f.insts[i].low {
                assert!(a.iter().all(|p| p.0 < 8), "inst {i}: {a:?}");
            }
        }
        // Without the preference, r12 (caller-saved, high) is taken first,
        // keeping low registers for code that benefits.
        let f = sum_of_four(false);
        let out = allocate(&f, &Options { verify: true, shadow: false });
        assert!(out.allocs.iter().flatten().any(|p| p.0 == 12), "{:?}", out.allocs);
        assert_eq!(out.stats.int.callee_saved_used.len(), 0);
    }

    #[test]
    fn spill_inside_loop_prefers_values_outside_it() {
        // 14 long-lived values used once at the end, plus loop values used
        // many times inside a loop: spills must hit the long-lived ones.
        let mut bd = Builder::new();
        bd.allow_remat = false;
        let outer: Vec<_> = (0..14).map(|_| bd.v()).collect();
        let (i, m1, s, t) = (bd.v(), bd.v(), bd.v(), bd.v());
        let (b0, b1, b2) = (bd.block(), bd.block(), bd.block());
        bd.at(b0);
        for (k, &v) in outer.iter().enumerate() {
            bd.konst(v, k as i32 * 7);
        }
        bd.konst(i, 5);
        bd.konst(m1, -1);
        bd.konst(s, 0);
        bd.br(b1);
        bd.at(b1);
        bd.add(t, s, i);
        bd.bin(Opc::Xor, s, t, i);
        bd.add(i, i, m1);
        bd.condbr(i, b1, b2);
        bd.at(b2);
        for &v in &outer {
            bd.bin(Opc::Xor, s, s, v);
        }
        bd.mov(phys(0), s);
        bd.ret();
        let f = bd.finish();
        let out = allocate(&f, &Options { verify: true, shadow: false });
        assert_eq!(out.stats.int.verdict, SpillVerdict::Genuine, "{:?}", out.stats);
        let loop_insts = f.blocks[b1].clone();
        assert!(
            out.edits.iter().all(|(pt, _)| !loop_insts.contains(&(pt.inst as usize))),
            "no spill code inside the loop: {:?}",
            out.edits
        );
    }

    #[test]
    fn spill_slots_are_shared_by_values_never_live_together() {
        // Two phases, each with 10 values live across a call (2 more than
        // r4-r11): each phase spills, the phases do not overlap, so their
        // spilled values share slots.
        let mut bd = Builder::new();
        bd.allow_remat = false;
        let acc = bd.v();
        let blk = bd.block();
        bd.at(blk);
        bd.konst(acc, 0);
        let mut spilled_per_phase = 0;
        for phase in 0..2 {
            let vs: Vec<_> = (0..10).map(|_| bd.v()).collect();
            for (k, &v) in vs.iter().enumerate() {
                bd.konst(v, (k + 10 * phase) as i32);
            }
            bd.mov(phys(0), acc);
            bd.call(1);
            bd.mov(acc, phys(0));
            for &v in &vs {
                bd.add(acc, acc, v);
            }
            spilled_per_phase = vs.len() - 8;
        }
        bd.mov(phys(0), acc);
        bd.ret();
        let f = bd.finish();
        let out = crate::tests_random::alloc_and_compare(&f, Rung::Base);
        assert_eq!(out.stats.int.verdict, SpillVerdict::Genuine, "{:?}", out.stats);
        let distinct_spilled = out.stats.int.spill_stores as usize;
        assert!(distinct_spilled >= 2 * spilled_per_phase, "{:?}", out.stats);
        assert!(
            (out.stats.int.spill_slots as usize) < distinct_spilled,
            "slots shared across phases: {:?}",
            out.stats
        );
    }
}
