//! Allocation statistics.
//!
//! Takes: the input [`Prog`] and a finished allocation. Returns:
//! [`AllocStats`] — peak pressure (most virtual registers live at once,
//! counting a def at its instruction even when dead, and early defs
//! together with the uses), registers available, edit counts, moves left,
//! callee-saved registers used, and the spill verdict.
//!
//! The verdict is per spilled value (see [`SpillVerdict`]): a spill is
//! genuine when some point of the value's live range (in the input) is
//! *overfull* — more virtual registers live there than registers usable
//! there. At the start and at the end of every instruction the usable
//! registers are the allocatable ones minus the physical registers live
//! (holding precoloured values) at that point; across an instruction with
//! clobbers (a call) the values live through it can only use the
//! allocatable registers it neither clobbers nor names as a fixed operand
//! (r4-r11 on Thumb-2, where the result register r0 is a def operand of
//! the call rather than a clobber), minus the physical registers live
//! through it.

use crate::fallback::RawAlloc;
use crate::liveness::{walk_insts, Liveness, Phase, Walk};
use crate::prog::{is_def, Prog};
use crate::{ClassStats, Edit, Loc, OperandKind, PRegSet, Reg, RegClass, Rung, SpillVerdict};

/// The distinct registers of `inst`'s operands of the kinds `pick` accepts
/// that are not in `w`: (virtual ones, mask of physical ones).
fn extra(inst: &crate::prog::Inst, w: &Walk, pick: impl Fn(OperandKind) -> bool) -> (Vec<usize>, u32) {
    let mut virt: Vec<usize> = Vec::new();
    let mut phys = 0u32;
    for o in inst.ops.iter().filter(|o| pick(o.kind)) {
        let x = o.reg.0 as usize;
        match o.reg.as_phys() {
            Some(p) => phys |= 1 << p.0,
            None if !w.contains(x) && !virt.contains(&x) => virt.push(x),
            None => {}
        }
    }
    (virt, phys)
}

/// Most virtual registers simultaneously live at any program point (`lv`:
/// the block liveness of `prog`).
pub(crate) fn peak_pressure(prog: &Prog, lv: &Liveness) -> u32 {
    let mut peak = 0usize;
    walk_insts(prog, lv, |w, i, phase| {
        let inst = &prog.insts[i];
        // End: the live-out plus every def; start: the live-in plus early defs.
        let (virt, _) = match phase {
            Phase::End => extra(inst, w, is_def),
            Phase::Start => extra(inst, w, |k| k == OperandKind::EarlyDef),
        };
        peak = peak.max(w.vcount + virt.len());
    });
    peak as u32
}

/// For every virtual register of `prog`, whether its live range touches an
/// overfull point (module comment).
pub(crate) fn overfull_vregs(prog: &Prog, lv: &Liveness) -> Vec<bool> {
    let alloc = prog.allocatable.lo();
    let overfull = |count: usize, usable: u32, phys: u32| count > (usable & !phys).count_ones() as usize;
    // Per instruction, remembered from its end for the span across it: the
    // uses not live after it.
    let mut dying: Vec<usize> = Vec::new();
    let w = walk_insts(prog, lv, |w, i, phase| {
        let inst = &prog.insts[i];
        match phase {
            Phase::End => {
                // The live-out set plus the defs.
                let (virt, phys) = extra(inst, w, is_def);
                if overfull(w.vcount + virt.len(), alloc, w.live.low32() | phys) {
                    w.mark_all();
                    for x in virt {
                        w.hot[x] = true;
                    }
                }
                dying.clear();
                for o in &inst.ops {
                    let x = o.reg.0 as usize;
                    if o.kind == OperandKind::Use && !w.contains(x) && !dying.contains(&x) {
                        dying.push(x);
                    }
                }
            }
            Phase::Start => {
                // The live-in set plus the early defs.
                let (virt, phys) = extra(inst, w, |k| k == OperandKind::EarlyDef);
                if overfull(w.vcount + virt.len(), alloc, w.live.low32() | phys) {
                    w.mark_all();
                    for x in virt {
                        w.hot[x] = true;
                    }
                }
                if inst.clobbers.is_empty() {
                    return;
                }
                // Live through: the live-in set less the defs and the uses
                // that die here.
                let mut out: Vec<usize> = dying.iter().copied().filter(|&x| w.contains(x)).collect();
                for o in &inst.ops {
                    let x = o.reg.0 as usize;
                    if is_def(o.kind) && w.contains(x) && !out.contains(&x) {
                        out.push(x);
                    }
                }
                let vout = out.iter().filter(|&&x| x >= Reg::VIRT_BASE as usize).count();
                let pout = out.iter().filter(|&&x| x < Reg::VIRT_BASE as usize).fold(0u32, |m, &x| m | 1 << x);
                // Values live through cannot sit in a register the instruction
                // reads or writes as a fixed operand either (a call's result
                // register is a def, not a clobber).
                let fixed = inst.ops.iter().filter_map(|o| o.reg.as_phys()).fold(0u32, |m, p| m | 1 << p.0);
                let usable = alloc & !inst.clobbers.lo() & !fixed;
                if overfull(w.vcount - vout, usable, w.live.low32() & !pout) {
                    for &x in &out {
                        w.remove(x);
                    }
                    w.mark_all();
                    for &x in &out {
                        w.insert(x);
                    }
                }
            }
        }
    });
    let base = Reg::VIRT_BASE as usize;
    (0..prog.num_vregs).map(|v| w.hot[base + v]).collect()
}

/// The verdict for the `spilled` input virtual registers of `prog`.
pub(crate) fn verdict(prog: &Prog, lv: &Liveness, spilled: &[u32]) -> SpillVerdict {
    if spilled.is_empty() {
        return SpillVerdict::None;
    }
    let hot = overfull_vregs(prog, lv);
    if spilled.iter().all(|&v| hot.get(v as usize).copied().unwrap_or(false)) {
        SpillVerdict::Genuine
    } else {
        SpillVerdict::Spurious
    }
}

/// Builds the stats of `raw` for `prog` (the unmodified input copy, whose
/// block liveness is `lv`).
pub(crate) fn compute(prog: &Prog, lv: &Liveness, raw: &RawAlloc, class: RegClass, rung: Rung) -> ClassStats {
    let (mut stores, mut reloads, mut remats, mut moves) = (0, 0, 0, 0);
    let mut written = PRegSet::EMPTY;
    for (_, e) in &raw.edits {
        match *e {
            Edit::Move { from: Loc::Reg(_), to: Loc::Slot(_) } => stores += 1,
            Edit::Move { from: Loc::Slot(_), to: Loc::Reg(r) } => {
                reloads += 1;
                written.insert(r);
            }
            Edit::Move { to: Loc::Reg(r), .. } => {
                moves += 1;
                written.insert(r);
            }
            Edit::Move { .. } => {}
            Edit::Remat { to, .. } => {
                remats += 1;
                written.insert(to);
            }
        }
    }
    for (i, inst) in prog.insts.iter().enumerate() {
        if inst.mv.is_some() && !raw.removed_moves.get(i).copied().unwrap_or(false) {
            moves += 1;
        }
        for (k, o) in inst.ops.iter().enumerate() {
            if let Some(&r) = raw.allocs.get(i).and_then(|a| a.get(k)) {
                if o.reg.as_virt().is_some() || is_def(o.kind) {
                    written.insert(r);
                }
            }
        }
    }
    let peak = peak_pressure(prog, lv);
    let avail = prog.allocatable.len();
    let verdict = verdict(prog, lv, &raw.spilled);
    ClassStats {
        class,
        vregs: prog.class_vregs as u32,
        peak_pressure: peak,
        regs_available: avail,
        spill_stores: stores,
        reloads,
        remats,
        moves,
        spill_slots: raw.num_slots,
        callee_saved_used: PRegSet(written.0 & prog.callee_saved.0),
        verdict,
        rung,
        budget_hit: raw.budget_hit,
    }
}

#[cfg(test)]
mod dense_reference {
    //! The direct set-by-set definitions, to check the incremental walk against.
    use super::*;
    use crate::bitset::BitSet;
    use crate::liveness::{self, for_each_inst_rev};

/// Most virtual registers simultaneously live at any program point.
pub(crate) fn peak_pressure_dense(prog: &Prog) -> u32 {
    let lv = liveness::compute(prog);
    let base = Reg::VIRT_BASE as usize;
    let mut peak = 0usize;
    for_each_inst_rev(prog, &lv, |i, after| {
        let ops = &prog.insts[i].ops;
        let mut end = after.clone();
        let mut before = after.clone();
        liveness::step_back(prog, i, &mut before);
        let mut start = before.clone();
        for o in ops {
            if is_def(o.kind) {
                end.insert(o.reg.0 as usize);
            }
            if o.kind == OperandKind::EarlyDef {
                start.insert(o.reg.0 as usize);
            }
        }
        peak = peak.max(end.count_from(base)).max(start.count_from(base));
    });
    peak as u32
}

/// For every virtual register of `prog`, whether its live range touches an
/// overfull point (module comment).
pub(crate) fn overfull_vregs_dense(prog: &Prog) -> Vec<bool> {
    let lv = liveness::compute(prog);
    let base = Reg::VIRT_BASE as usize;
    let alloc = prog.allocatable.lo();
    // Union of the sets at overfull points.
    let mut hot = BitSet::new(prog.num_vars());
    let check = |set: &BitSet, usable: u32, hot: &mut BitSet| {
        let cap = (usable & !set.low32()).count_ones() as usize;
        if set.count_from(base) > cap {
            hot.union_with(set);
        }
    };
    for_each_inst_rev(prog, &lv, |i, after| {
        let inst = &prog.insts[i];
        let mut before = after.clone();
        liveness::step_back(prog, i, &mut before);
        let mut end = after.clone();
        let mut start = before.clone();
        let mut through = before.clone();
        for o in &inst.ops {
            if is_def(o.kind) {
                end.insert(o.reg.0 as usize);
                through.remove(o.reg.0 as usize);
            }
            if o.kind == OperandKind::EarlyDef {
                start.insert(o.reg.0 as usize);
            }
        }
        check(&end, alloc, &mut hot);
        check(&start, alloc, &mut hot);
        if !inst.clobbers.is_empty() {
            for x in before.iter().filter(|&x| !after.contains(x)) {
                through.remove(x);
            }
            // Values live through cannot sit in a register the instruction
            // reads or writes as a fixed operand either (a call's result
            // register is a def, not a clobber).
            let fixed = inst.ops.iter().filter_map(|o| o.reg.as_phys()).fold(0u32, |m, p| m | 1 << p.0);
            check(&through, alloc & !inst.clobbers.lo() & !fixed, &mut hot);
        }
    });
    (0..prog.num_vregs).map(|v| hot.contains(base + v)).collect()
}

}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::liveness;

    #[test]
    fn incremental_walk_agrees_with_the_dense_definitions() {
        use crate::tests_random::{gen_program, HIGH, HIGH_NOREMAT, LOW};
        for (k, cfg) in [LOW, HIGH, HIGH_NOREMAT].into_iter().enumerate() {
            for seed in 0..40u64 {
                let f = gen_program(seed * 7 + k as u64, cfg);
                let prog = Prog::from_func(&f);
                assert_eq!(peak_pressure(&prog, &liveness::compute(&prog)), super::dense_reference::peak_pressure_dense(&prog), "seed {seed}");
                assert_eq!(overfull_vregs(&prog, &liveness::compute(&prog)), super::dense_reference::overfull_vregs_dense(&prog), "seed {seed}");
            }
        }
    }
    use crate::toy::{phys, Builder, Opc};
    use crate::{allocate, allocate_with_rung, Options};

    #[test]
    fn peak_pressure_counts_simultaneously_live_vregs() {
        // a, b, c live together at the first add (3); early def d adds one
        // at the AddE (a, b, d plus c still live = 4).
        let mut bd = Builder::new();
        let (a, b, c, d, e) = (bd.v(), bd.v(), bd.v(), bd.v(), bd.v());
        let blk = bd.block();
        bd.at(blk);
        bd.konst(a, 1);
        bd.konst(b, 2);
        bd.konst(c, 3);
        bd.bin(Opc::AddE, d, a, b);
        bd.add(e, d, c);
        bd.mov(phys(0), e);
        bd.ret();
        let f = bd.finish();
        let prog = Prog::from_func(&f);
        assert_eq!(peak_pressure(&prog, &liveness::compute(&prog)), 4);
        let out = allocate(&f, &Options { verify: true, shadow: false });
        assert_eq!(out.stats.int.peak_pressure, 4);
        assert_eq!(out.stats.int.regs_available, 14);
        assert_eq!(out.stats.int.vregs, 5);
        assert_eq!(out.stats.int.verdict, SpillVerdict::None);
        // The fallback rung spills everything: spurious at this pressure.
        let fb = allocate_with_rung(&f, &Options { verify: true, shadow: false }, Rung::Fallback);
        assert_eq!(fb.stats.int.verdict, SpillVerdict::Spurious);
        assert_eq!(fb.stats.rung, Rung::Fallback);
        assert_eq!(fb.stats.int.remats, 3, "a, b, c are constants: rematerialised");
        assert_eq!(fb.stats.int.spill_stores, 2, "d and e stored");
        assert_eq!(fb.stats.int.reloads, 2);
        assert_eq!(fb.stats.int.spill_slots, 2);
        assert_eq!(fb.stats.int.moves, 1, "the result move stays");
    }

    /// `n` non-rematerialisable values live across one call, summed after.
    fn across_call(n: usize) -> (crate::toy::ToyFunc, Vec<Reg>) {
        let mut bd = Builder::new();
        bd.allow_remat = false;
        let vs: Vec<_> = (0..n).map(|_| bd.v()).collect();
        let acc = bd.v();
        let blk = bd.block();
        bd.at(blk);
        for (k, &v) in vs.iter().enumerate() {
            bd.konst(v, k as i32 + 3);
        }
        bd.call(0);
        bd.mov(acc, phys(0));
        for &v in &vs {
            bd.add(acc, acc, v);
        }
        bd.mov(phys(0), acc);
        bd.ret();
        (bd.finish(), vs)
    }

    #[test]
    fn values_across_a_call_beyond_the_callee_saved_registers_spill_genuinely() {
        // 10 values across a call: only r4-r11 survive it (8 registers),
        // although the peak pressure (11) fits in the 14 registers.
        let (f, _) = across_call(10);
        let out = allocate(&f, &Options { verify: true, shadow: false });
        assert!(out.stats.int.peak_pressure <= out.stats.int.regs_available, "{:?}", out.stats);
        assert!(out.stats.int.spill_stores > 0, "{:?}", out.stats);
        assert_eq!(out.stats.int.verdict, SpillVerdict::Genuine, "{:?}", out.stats);
        // 8 values fit in r4-r11: nothing to spill.
        let (f, _) = across_call(8);
        let out = allocate(&f, &Options { verify: true, shadow: false });
        assert_eq!(out.stats.int.verdict, SpillVerdict::None, "{:?}", out.stats);
    }

    #[test]
    fn a_call_result_register_is_not_usable_across_the_call() {
        // Thumb-2 calls define r0 as an operand instead of clobbering it:
        // 9 values live through such a call overfill r4-r11 all the same.
        let mut bd = Builder::new();
        bd.allow_remat = false;
        let vs: Vec<_> = (0..9).map(|_| bd.v()).collect();
        let acc = bd.v();
        let blk = bd.block();
        bd.at(blk);
        for (k, &v) in vs.iter().enumerate() {
            bd.konst(v, k as i32 + 3);
        }
        bd.mov(phys(0), vs[0]);
        bd.call_result_def(1);
        bd.mov(acc, phys(0));
        for &v in &vs {
            bd.add(acc, acc, v);
        }
        bd.mov(phys(0), acc);
        bd.ret();
        let f = bd.finish();
        let prog = Prog::from_func(&f);
        let hot = overfull_vregs(&prog, &liveness::compute(&prog));
        assert!(vs.iter().all(|&r| hot[r.as_virt().unwrap() as usize]));
        let out = allocate(&f, &Options { verify: true, shadow: false });
        assert_eq!(out.stats.int.verdict, SpillVerdict::Genuine, "{:?}", out.stats);
    }

    #[test]
    fn verdict_judges_each_spilled_value_on_its_own_range() {
        // b0: 10 values across a call (overfull), summed into acc;
        // then a short-lived pair (x, y) after the pressure is gone.
        let mut bd = Builder::new();
        bd.allow_remat = false;
        let vs: Vec<_> = (0..10).map(|_| bd.v()).collect();
        let (acc, x, y) = (bd.v(), bd.v(), bd.v());
        let blk = bd.block();
        bd.at(blk);
        for (k, &v) in vs.iter().enumerate() {
            bd.konst(v, k as i32);
        }
        bd.call(0);
        bd.mov(acc, phys(0));
        for &v in &vs {
            bd.add(acc, acc, v);
        }
        bd.konst(x, 1);
        bd.add(y, acc, x);
        bd.mov(phys(0), y);
        bd.ret();
        let prog = Prog::from_func(&bd.finish());
        let v = |r: Reg| r.as_virt().unwrap();
        assert_eq!(verdict(&prog, &liveness::compute(&prog), &[]), SpillVerdict::None);
        assert_eq!(verdict(&prog, &liveness::compute(&prog), &[v(vs[3])]), SpillVerdict::Genuine);
        // acc is defined after the call: its range is never overfull.
        assert_eq!(verdict(&prog, &liveness::compute(&prog), &[v(acc)]), SpillVerdict::Spurious);
        assert_eq!(verdict(&prog, &liveness::compute(&prog), &[v(vs[0]), v(x)]), SpillVerdict::Spurious);
        let hot = overfull_vregs(&prog, &liveness::compute(&prog));
        assert!(vs.iter().all(|&r| hot[v(r) as usize]));
        assert!(!hot[v(x) as usize] && !hot[v(y) as usize]);
    }

    #[test]
    fn live_physical_registers_reduce_the_usable_registers() {
        // r0-r3 hold call arguments while 11 values are live: 14 - 4 = 10
        // registers remain for them, so that point is overfull.
        let mut bd = Builder::new();
        bd.allow_remat = false;
        let vs: Vec<_> = (0..11).map(|_| bd.v()).collect();
        let acc = bd.v();
        let blk = bd.block();
        bd.at(blk);
        for (k, &v) in vs.iter().enumerate() {
            bd.konst(v, k as i32);
        }
        for r in 0..4u8 {
            bd.mov(phys(r), vs[r as usize]);
        }
        bd.mov(acc, vs[10]);
        for &v in &vs {
            bd.add(acc, acc, v);
        }
        for r in 0..4u8 {
            bd.add(acc, acc, phys(r));
        }
        bd.mov(phys(0), acc);
        bd.ret();
        let f = bd.finish();
        let prog = Prog::from_func(&f);
        assert!(peak_pressure(&prog, &liveness::compute(&prog)) <= 14);
        let out = allocate(&f, &Options { verify: true, shadow: false });
        assert_ne!(out.stats.int.verdict, SpillVerdict::Spurious, "{:?}", out.stats);
        let hot = overfull_vregs(&prog, &liveness::compute(&prog));
        assert!(hot[vs[10].as_virt().unwrap() as usize]);
    }
}
