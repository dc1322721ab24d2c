//! Register operands of a [`MachInst`]: the one visitor that fixes their
//! order and kinds, and what the allocator and emission build on it.
//!
//! Takes: a [`MachInst`] (on virtual or physical registers), or one and the
//! allocator's per-operand [`PReg`]s. Returns: its operand list
//! ([`MachInst::operands`]), the instruction on the allocated registers
//! ([`MachInst::map_regs`]), and its extra clobbers
//! ([`MachInst::clobbers`]).

use super::{CallTarget, MachInst, Rhs, Shift64Op};
use synth_regalloc::{Operand, OperandKind, PReg, Reg};

fn visit_rhs(rhs: &mut Rhs, f: &mut dyn FnMut(&mut Reg, OperandKind)) {
    if let Rhs::Reg(r) | Rhs::TstReg(r) = rhs {
        f(r, OperandKind::Use);
    }
}

impl MachInst {
    /// Visits every register operand, in one fixed order, with its kind.
    /// [`MachInst::operands`] and [`MachInst::map_regs`] are both built on
    /// it, so the allocator's per-operand answers line up by construction.
    pub fn visit_regs(&mut self, f: &mut dyn FnMut(&mut Reg, OperandKind)) {
        use OperandKind::{Def, EarlyDef, Use};
        match self {
            MachInst::Args { regs } => regs.iter_mut().for_each(|r| f(r, Def)),
            MachInst::Mov { rd, rm }
            | MachInst::Mvn { rd, rm }
            | MachInst::ShiftImm { rd, rm, .. }
            | MachInst::Clz { rd, rm }
            | MachInst::Ctz { rd, rm }
            | MachInst::Extend { rd, rm, .. }
            | MachInst::Bfx { rd, rm, .. } => {
                f(rm, Use);
                f(rd, Def);
            }
            MachInst::MovImm { rd, .. } | MachInst::MovSym { rd, .. } => f(rd, Def),
            MachInst::Alu { rd, rn, rm, .. }
            | MachInst::ShiftReg { rd, rn, rm, .. }
            | MachInst::Mul { rd, rn, rm }
            | MachInst::Div { rd, rn, rm, .. } => {
                f(rn, Use);
                f(rm, Use);
                f(rd, Def);
            }
            MachInst::AluShift { rd, rn, rm, .. } => {
                f(rn, Use);
                f(rm, Use);
                f(rd, Def);
            }
            MachInst::MulAcc { rd, rn, rm, ra, .. } => {
                f(rn, Use);
                f(rm, Use);
                f(ra, Use);
                f(rd, Def);
            }
            MachInst::LoadIdx { rd, base, idx, .. } => {
                f(base, Use);
                f(idx, Use);
                f(rd, Def);
            }
            MachInst::StoreIdx { rt, base, idx, .. } => {
                f(rt, Use);
                f(base, Use);
                f(idx, Use);
            }
            MachInst::AluImm { rd, rn, .. } => {
                f(rn, Use);
                f(rd, Def);
            }
            MachInst::ShiftMasked { rd, rn, rm, tmp, .. } | MachInst::Rotl32 { rd, rn, rm, tmp } => {
                f(rn, Use);
                f(rm, Use);
                f(rd, Def);
                f(tmp, EarlyDef);
            }
            MachInst::Rem { rd, rn, rm, .. } => {
                f(rn, Use);
                f(rm, Use);
                f(rd, EarlyDef);
            }
            MachInst::Popcnt { rd, rm, tmp } => {
                f(rm, Use);
                f(rd, Def);
                f(tmp, EarlyDef);
            }
            MachInst::CmpSet { rd, rn, rhs, .. } => {
                f(rn, Use);
                visit_rhs(rhs, f);
                f(rd, Def);
            }
            MachInst::CmpSelect { rd, rn, rhs, t, f: fv, .. } => {
                f(rn, Use);
                visit_rhs(rhs, f);
                f(t, Use);
                f(fv, Use);
                f(rd, Def);
            }
            MachInst::VSelect { sd, rn, rhs, st, sf, .. } => {
                f(rn, Use);
                visit_rhs(rhs, f);
                f(st, Use);
                f(sf, Use);
                f(sd, Def);
            }
            MachInst::TrapIf { rn, rhs, .. } => {
                f(rn, Use);
                visit_rhs(rhs, f);
            }
            MachInst::Trap { .. } | MachInst::Jump { .. } | MachInst::TrapTerm { .. } => {}
            MachInst::AddSub64 { dlo, dhi, alo, ahi, blo, bhi, .. } => {
                f(alo, Use);
                f(ahi, Use);
                f(blo, Use);
                f(bhi, Use);
                f(dlo, EarlyDef);
                f(dhi, Def);
            }
            MachInst::MulLong { dlo, dhi, rn, rm, .. } => {
                f(rn, Use);
                f(rm, Use);
                f(dlo, Def);
                f(dhi, Def);
            }
            MachInst::Mul64 { dlo, dhi, alo, ahi, blo, bhi } => {
                f(alo, Use);
                f(ahi, Use);
                f(blo, Use);
                f(bhi, Use);
                f(dlo, EarlyDef);
                f(dhi, EarlyDef);
            }
            MachInst::Shift64 { op, dlo, dhi, alo, ahi, n, t, t2 } => {
                f(alo, Use);
                f(ahi, Use);
                f(n, Use);
                match op {
                    Shift64Op::Shl => {
                        f(dlo, Def);
                        f(dhi, EarlyDef);
                    }
                    Shift64Op::ShrU | Shift64Op::ShrS => {
                        f(dlo, EarlyDef);
                        f(dhi, Def);
                    }
                }
                f(t, EarlyDef);
                f(t2, EarlyDef);
            }
            MachInst::Rotl64 { dlo, dhi, alo, ahi, n, t, t2, u } => {
                f(alo, Use);
                f(ahi, Use);
                f(n, Use);
                f(dlo, EarlyDef);
                f(dhi, EarlyDef);
                f(t, EarlyDef);
                f(t2, EarlyDef);
                f(u, EarlyDef);
            }
            MachInst::Select64 { rn, rhs, dl, dh, tl, th, fl, fh, .. } => {
                f(rn, Use);
                visit_rhs(rhs, f);
                for r in [tl, th, fl, fh] {
                    f(r, Use);
                }
                f(dl, EarlyDef);
                f(dh, Def);
            }
            MachInst::Cmp64Select64 { alo, ahi, blo, bhi, t, dl, dh, tl, th, fl, fh, .. } => {
                for r in [alo, ahi, blo, bhi, tl, th, fl, fh] {
                    f(r, Use);
                }
                f(t, EarlyDef);
                f(dl, EarlyDef);
                f(dh, Def);
            }
            MachInst::CmpSet64 { rd, alo, ahi, blo, bhi, t, .. } => {
                f(alo, Use);
                f(ahi, Use);
                f(blo, Use);
                f(bhi, Use);
                f(rd, Def);
                f(t, Def);
            }
            MachInst::Clz64 { rd, lo, hi } | MachInst::Ctz64 { rd, lo, hi } => {
                f(lo, Use);
                f(hi, Use);
                f(rd, Def);
            }
            MachInst::Load { rd, base, .. } => {
                f(base, Use);
                f(rd, Def);
            }
            MachInst::Store { rt, base, .. } => {
                f(rt, Use);
                f(base, Use);
            }
            MachInst::LoadStack { rd, .. } | MachInst::LeaStack { rd, .. } => f(rd, Def),
            MachInst::StoreStack { rt, .. } => f(rt, Use),
            MachInst::BoundsCheck { addr, t, t2, .. } => {
                f(addr, Use);
                f(t, EarlyDef);
                if let Some(t2) = t2 {
                    f(t2, EarlyDef);
                }
            }
            MachInst::StackCheck { t } => f(t, EarlyDef),
            MachInst::VMovToS { sd: d, rt: m }
            | MachInst::VMov { sd: d, sm: m }
            | MachInst::VMovFromS { rt: d, sn: m }
            | MachInst::VSqrt { sd: d, sm: m }
            | MachInst::VSign { sd: d, sm: m, .. }
            | MachInst::VCvtToInt { sd: d, sm: m, .. }
            | MachInst::VCvtFromInt { sd: d, sm: m, .. }
            | MachInst::VRint { sd: d, sm: m, .. } => {
                f(m, Use);
                f(d, Def);
            }
            MachInst::VMovImm { sd, .. } => f(sd, Def),
            MachInst::VLdr { sd, base, .. } => {
                f(base, Use);
                f(sd, Def);
            }
            MachInst::VStr { sd, base, .. } => {
                f(sd, Use);
                f(base, Use);
            }
            MachInst::VArith { sd: d, sn: n, sm: m, .. } | MachInst::VCmpSet { rd: d, sn: n, sm: m, .. } => {
                f(n, Use);
                f(m, Use);
                f(d, Def);
            }
            MachInst::VCmpSelect { rd, sn, sm, t, f: fr, .. } => {
                f(sn, Use);
                f(sm, Use);
                f(t, Use);
                f(fr, Use);
                f(rd, Def);
            }
            MachInst::VMinMax { rd, ra, rb, sa, sb, st, .. } => {
                f(ra, Use);
                f(rb, Use);
                f(sa, Use);
                f(sb, Use);
                f(rd, EarlyDef);
                f(st, Def);
            }
            MachInst::F64Br { inputs, .. } => inputs.iter_mut().for_each(|r| f(r, Use)),
            MachInst::F64 { inputs, rd, rd_hi, .. } => {
                inputs.iter_mut().for_each(|r| f(r, Use));
                f(rd, Def);
                if let Some(h) = rd_hi {
                    f(h, Def);
                }
            }
            MachInst::Call { target, uses, defs } => {
                if let CallTarget::Reg(r) = target {
                    f(r, Use);
                }
                uses.iter_mut().for_each(|r| f(r, Use));
                defs.iter_mut().for_each(|r| f(r, Def));
            }
            MachInst::CmpBr { rn, rhs, .. } => {
                f(rn, Use);
                visit_rhs(rhs, f);
            }
            MachInst::VCmpBr { sn, sm, .. } => {
                f(sn, Use);
                f(sm, Use);
            }
            MachInst::Cmp64Br { alo, ahi, blo, bhi, .. } => {
                f(alo, Use);
                f(ahi, Use);
                f(blo, Use);
                f(bhi, Use);
            }
            MachInst::BrTable { idx, limit, .. } => {
                f(idx, Use);
                if let Some(l) = limit {
                    f(l, Use);
                }
            }
            MachInst::Ret { uses } | MachInst::TailCall { uses, .. } => uses.iter_mut().for_each(|r| f(r, Use)),
        }
    }

    /// The register operands in allocator order.
    pub fn operands(&self) -> Vec<Operand> {
        let mut out = Vec::new();
        let mut copy = self.clone();
        copy.visit_regs(&mut |r, kind| out.push(Operand { reg: *r, kind }));
        out
    }

    /// This instruction with operand `k` replaced by `allocs[k]`.
    pub fn map_regs(&self, allocs: &[PReg]) -> MachInst {
        let mut copy = self.clone();
        let mut k = 0;
        copy.visit_regs(&mut |r, _| {
            if let Some(p) = allocs.get(k) {
                *r = Reg::phys(*p);
            }
            k += 1;
        });
        copy
    }

    /// Physical registers clobbered beyond the operands: calls clobber the
    /// AAPCS caller-saved registers r0-r3, r12 and lr (minus their result
    /// registers, which are Defs); a double-precision operation its scratch
    /// registers (d7, d6, ...).
    pub fn clobbers(&self) -> synth_regalloc::PRegSet {
        match self {
            MachInst::Call { defs, .. } => {
                // s0-s15 too: harmless without an FPU (no value is ever in
                // them), required with one.
                let mut s = crate::abi::caller_saved().union(crate::abi::vfp_caller_saved());
                for d in defs {
                    if let Some(p) = d.as_phys() {
                        s.0 &= !(1u64 << p.0);
                    }
                }
                s
            }
            // The scratch registers d6 and d7 of the double-precision
            // expansion (see the variant).
            MachInst::F64 { tree, .. } | MachInst::F64Br { tree, .. } => crate::abi::f64_scratch(tree.need()),
            _ => synth_regalloc::PRegSet::EMPTY,
        }
    }
}
