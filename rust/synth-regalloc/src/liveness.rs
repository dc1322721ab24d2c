//! Dataflow liveness over the control-flow graph (loops included).
//!
//! Takes: a [`Prog`]. Returns: live-in and live-out sets of every block over
//! liveness variables (0..32 physical registers, 32.. virtual registers),
//! iterated to a fixpoint, plus a backward per-instruction walk. Uses are
//! read at the start of an instruction; defs (and clobbers, for physical
//! registers) kill at its end.

use crate::bitset::BitSet;
use crate::prog::{is_def, Prog};
use crate::OperandKind;

/// Block-level liveness.
#[derive(Clone, Debug)]
pub(crate) struct Liveness {
    /// Variables live on entry to each block.
    #[cfg_attr(not(test), allow(dead_code))]
    pub live_in: Vec<BitSet>,
    /// Variables live on exit from each block.
    pub live_out: Vec<BitSet>,
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

/// Computes block liveness to a fixpoint.
pub(crate) fn compute(prog: &Prog) -> Liveness {
    let nb = prog.blocks.len();
    let nv = prog.num_vars();
    // gen = used before defined in the block; kill = defined in the block.
    let mut gen = Vec::with_capacity(nb);
    let mut kill = Vec::with_capacity(nb);
    for b in 0..nb {
        let mut g = BitSet::new(nv);
        let mut k = BitSet::new(nv);
        for i in prog.blocks[b].clone().rev() {
            add_post(prog, i, &mut g);
            let mut d = BitSet::new(nv);
            for o in &prog.insts[i].ops {
                if is_def(o.kind) {
                    d.insert(o.reg.0 as usize);
                }
            }
            for p in prog.insts[i].clobbers.iter() {
                d.insert(p.0 as usize);
            }
            g.subtract(&d);
            k.union_with(&d);
            for o in &prog.insts[i].ops {
                if o.kind == OperandKind::Use {
                    g.insert(o.reg.0 as usize);
                }
            }
            let mut pre = BitSet::new(nv);
            remove_pre(prog, i, &mut g);
            for &t in &prog.insts[i].pre {
                pre.insert(crate::Reg::virt(t).0 as usize);
            }
            k.union_with(&pre);
        }
        gen.push(g);
        kill.push(k);
    }
    let mut live_in = vec![BitSet::new(nv); nb];
    let mut live_out = vec![BitSet::new(nv); nb];
    let mut changed = true;
    while changed {
        changed = false;
        for b in (0..nb).rev() {
            let mut out = BitSet::new(nv);
            for &s in &prog.succs[b] {
                out.union_with(&live_in[s]);
            }
            let mut inn = out.clone();
            inn.subtract(&kill[b]);
            inn.union_with(&gen[b]);
            if inn != live_in[b] {
                live_in[b] = inn;
                changed = true;
            }
            live_out[b] = out;
        }
    }
    Liveness { live_in, live_out }
}

/// Calls `f(i, live_after_i)` for every instruction (the set includes
/// temporaries stored after `i`), walking each block backwards from its
/// live-out set.
pub(crate) fn for_each_inst_rev(prog: &Prog, lv: &Liveness, mut f: impl FnMut(usize, &BitSet)) {
    for b in 0..prog.blocks.len() {
        let mut live = lv.live_out[b].clone();
        for i in prog.blocks[b].clone().rev() {
            add_post(prog, i, &mut live);
            f(i, &live);
            step_core(prog, i, &mut live);
            remove_pre(prog, i, &mut live);
        }
    }
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
        let var = |r: crate::Reg| r.0 as usize;
        // a, n, m live into and out of the loop block (back edge).
        for r in [a, n, m] {
            assert!(lv.live_in[1].contains(var(r)), "{r:?} live-in loop");
            assert!(lv.live_out[1].contains(var(r)), "{r:?} live-out loop");
        }
        // t is defined in the loop before use, so not live-in; live-out to b2.
        assert!(!lv.live_in[1].contains(var(t)));
        assert!(lv.live_out[1].contains(var(t)));
        assert!(!lv.live_in[2].contains(var(a)));
        assert!(lv.live_in[0].iter().next().is_none(), "nothing live into entry");
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
