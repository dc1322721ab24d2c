//! The base rung driver: colour, spill, repeat.
//!
//! Takes: a [`Prog`] and which input vregs are rematerialisable. Returns:
//! a finished allocation, or `None` when colouring has not converged after
//! [`MAX_ROUNDS`] spill rounds (the caller then uses the fallback rung).

use crate::coloring;
use crate::fallback::RawAlloc;
use crate::interference;
use crate::liveness;
use crate::loops::loop_depths;
use crate::prog::Prog;
use crate::spill::{self, Pending, SpillState};
use crate::{Edit, Loc, PReg};

/// Spill-and-recolour rounds before giving up.
pub(crate) const MAX_ROUNDS: usize = 12;

/// Runs the base rung.
pub(crate) fn allocate(input: &Prog, remat: &[bool]) -> Option<RawAlloc> {
    let depths = loop_depths(input);
    let mut prog = input.clone();
    let mut st = SpillState {
        slot_of: vec![None; prog.num_vregs],
        num_slots: 0,
        temp: vec![false; prog.num_vregs],
        remat: remat.to_vec(),
        edits: Vec::new(),
    };
    for _ in 0..MAX_ROUNDS {
        let lv = liveness::compute(&prog);
        let g = interference::build(&prog, &lv, &depths);
        let col = coloring::color(&prog, &g, &st.temp);
        if col.stuck {
            return None;
        }
        if col.spilled.is_empty() {
            return finish(&prog, &st, &col.color);
        }
        spill::rewrite(&mut prog, &mut st, &col.spilled);
    }
    None
}

fn finish(prog: &Prog, st: &SpillState, color: &[Option<PReg>]) -> Option<RawAlloc> {
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
    Some(RawAlloc { allocs, edits, removed_moves: removed, num_slots: st.num_slots })
}

#[cfg(test)]
mod tests {
    use crate::toy::{callee_saved, phys, Builder, Opc};
    use crate::{allocate, Options, PReg, Rung, SpillVerdict};

    #[test]
    fn argument_and_result_moves_are_coalesced_away() {
        // v0 = r0; v1 = r1; v2 = v0 + v1; r0 = v2; ret
        let mut bd = Builder::new();
        let (a, b, c) = (bd.v(), bd.v(), bd.v());
        let blk = bd.block();
        bd.at(blk);
        bd.mov(a, phys(0));
        bd.mov(b, phys(1));
        bd.add(c, a, b);
        bd.mov(phys(0), c);
        bd.ret();
        let f = bd.finish();
        let out = allocate(&f, &Options { verify: true, shadow: false });
        assert_eq!(out.removed_moves, vec![true, true, false, true, false]);
        assert_eq!(out.allocs[2], vec![PReg(0), PReg(0), PReg(1)]);
        assert_eq!(out.stats.moves, 0);
        assert_eq!(out.stats.verdict, SpillVerdict::None);
        assert_eq!(out.stats.callee_saved_used.len(), 0, "leaf code needs no callee-saved register");
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
        assert_eq!(out.stats.callee_saved_used.len(), 1);
        assert_eq!(out.stats.rung, Rung::Base);
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
        assert_eq!(out.stats.callee_saved_used.len(), 0);
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
        assert_eq!(out.stats.verdict, SpillVerdict::Genuine, "{:?}", out.stats);
        let loop_insts = f.blocks[b1].clone();
        assert!(
            out.edits.iter().all(|(pt, _)| !loop_insts.contains(&(pt.inst as usize))),
            "no spill code inside the loop: {:?}",
            out.edits
        );
    }
}
