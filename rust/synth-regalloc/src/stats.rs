//! Allocation statistics.
//!
//! Takes: the input [`Prog`] and a finished allocation. Returns:
//! [`AllocStats`] — peak pressure (most virtual registers live at once,
//! counting a def at its instruction even when dead, and early defs
//! together with the uses), registers available, edit counts, moves left,
//! callee-saved registers used, and the spill verdict.

use crate::fallback::RawAlloc;
use crate::liveness::{self, for_each_inst_rev};
use crate::prog::{is_def, Prog};
use crate::{AllocStats, Edit, Loc, OperandKind, PRegSet, Reg, Rung, SpillVerdict};

/// Most virtual registers simultaneously live at any program point.
pub(crate) fn peak_pressure(prog: &Prog) -> u32 {
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

/// Builds the stats of `raw` for `prog` (the unmodified input copy).
pub(crate) fn compute(prog: &Prog, raw: &RawAlloc, rung: Rung) -> AllocStats {
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
    let peak = peak_pressure(prog);
    let avail = prog.allocatable.len();
    let spilled = stores + reloads + remats > 0;
    let verdict = match (spilled, peak > avail) {
        (false, _) => SpillVerdict::None,
        (true, true) => SpillVerdict::Genuine,
        (true, false) => SpillVerdict::Spurious,
    };
    AllocStats {
        vregs: prog.orig_vregs as u32,
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
        shadow: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
        assert_eq!(peak_pressure(&Prog::from_func(&f)), 4);
        let out = allocate(&f, &Options { verify: true, shadow: false });
        assert_eq!(out.stats.peak_pressure, 4);
        assert_eq!(out.stats.regs_available, 14);
        assert_eq!(out.stats.vregs, 5);
        assert_eq!(out.stats.verdict, SpillVerdict::None);
        // The fallback rung spills everything: spurious at this pressure.
        let fb = allocate_with_rung(&f, &Options { verify: true, shadow: false }, Rung::Fallback);
        assert_eq!(fb.stats.verdict, SpillVerdict::Spurious);
        assert_eq!(fb.stats.rung, Rung::Fallback);
        assert_eq!(fb.stats.remats, 3, "a, b, c are constants: rematerialised");
        assert_eq!(fb.stats.spill_stores, 2, "d and e stored");
        assert_eq!(fb.stats.reloads, 2);
        assert_eq!(fb.stats.spill_slots, 2);
        assert_eq!(fb.stats.moves, 1, "the result move stays");
    }
}
