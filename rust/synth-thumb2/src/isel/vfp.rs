//! Single-precision VFP lowering of the soft-float calls.
//!
//! Takes: a call the soft-float legalisation left (f32 values travel as
//! their i32 bit patterns) to an AEABI function or runtime helper whose
//! result the FPU computes exactly as wasm wants it. Returns: the inline
//! VFP sequence instead of the call — the operands move into S registers
//! (`VMOV`, float register class), one VFP instruction computes, the
//! result moves back (`VMOV`) — or `false` for any other call.
//!
//! What runs on the FPU and why it is exact:
//! - `__aeabi_fadd/fsub/fmul/fdiv` → `VADD/VSUB/VMUL/VDIV.F32`: IEEE 754
//!   round to nearest (FPSCR default). NaN results: an input NaN comes out
//!   quieted with its payload (canonical in, canonical out; arithmetic in,
//!   arithmetic out), an invalid operation gives the default NaN
//!   0x7fc00000 (canonical), which is all wasm requires.
//! - `__aeabi_fcmpeq/lt/le/gt/ge` → `VCMP.F32` + `VMRS APSR_nzcv` and
//!   `EQ/MI/LS/GT/GE`, all false on unordered operands (as the AEABI
//!   functions and wasm say).
//! - `__aeabi_i2f/ui2f` → `VCVT.F32.S32/U32` (round to nearest).
//! - the runtime helpers `f32_sqrt` → `VSQRT.F32`, and the saturating
//!   `i32.trunc_sat_f32_s/u` → `VCVT.S32/U32.F32` (toward zero, saturating,
//!   NaN → 0: wasm's semantics exactly). The trapping `trunc` checks NaN
//!   and range before calling the saturating helper, so it gets the same
//!   instruction.
//!
//! - the runtime helpers `f32_min`/`f32_max` → `VCMP.F32` + `VMRS` and
//!   IT-predicated moves ([`MachInst::VMinMax`]): the smaller/larger of two
//!   ordered different operands; for equal ones the OR/AND of the bit
//!   patterns (-0 for min(-0, +0), +0 for max); a NaN operand gives
//!   `VADD.F32`'s quieted NaN, arithmetic and canonical when the NaN
//!   operands are, as wasm requires.
//!
//! Everything else (f64, rounding, i64 conversions) stays a call.
//!
//! A result stays in its S register for the VFP operations that use it
//! (and an operand copied into an S register is reused within its block),
//! so a chain of f32 operations moves to core registers only where a core
//! register reads the value (stores, calls, returns, bit operations, block
//! parameters); the core copy nobody reads is removed after allocation.

use super::Lower;
use crate::inst::MachInst;
use crate::BackendError;
use synth_ir::{BlockCall, Callee, InstKind, Libcall, RuntimeFunc, Terminator, Type, Value};
use synth_regalloc::Reg;
use synth_thumb2_enc::{Cond, Fpu, VfpOp3};

/// What the FPU computes in place of a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum VfpLowering {
    /// `rd = op(a, b)`.
    Arith(VfpOp3),
    /// `rd = (a cc b) ? 1 : 0` after VCMP.
    Compare(Cond),
    /// `rd = float(a)`, signed or not.
    FromInt(bool),
    /// `rd = trunc_sat(a)`, signed or not.
    ToInt(bool),
    /// `rd = sqrt(a)`.
    Sqrt,
    /// `rd = max(a, b)` (true) or `min(a, b)`, wasm semantics; reads its
    /// operands in core and S registers.
    MinMax(bool),
}

/// The VFP lowering of a call to `callee` on `fpu`, if the FPU computes it.
pub(crate) fn vfp_lowering(callee: &Callee, fpu: Fpu) -> Option<VfpLowering> {
    use VfpLowering::*;
    if fpu == Fpu::None {
        return None;
    }
    Some(match callee {
        Callee::Libcall(l) => match l {
            Libcall::FAdd => Arith(VfpOp3::Add),
            Libcall::FSub => Arith(VfpOp3::Sub),
            Libcall::FMul => Arith(VfpOp3::Mul),
            Libcall::FDiv => Arith(VfpOp3::Div),
            Libcall::FCmpEq => Compare(Cond::Eq),
            Libcall::FCmpLt => Compare(Cond::Mi),
            Libcall::FCmpLe => Compare(Cond::Ls),
            Libcall::FCmpGt => Compare(Cond::Gt),
            Libcall::FCmpGe => Compare(Cond::Ge),
            Libcall::I2F => FromInt(true),
            Libcall::UI2F => FromInt(false),
            _ => return None,
        },
        Callee::Runtime(RuntimeFunc::F32Sqrt) => Sqrt,
        Callee::Runtime(RuntimeFunc::F32Min) => MinMax(false),
        Callee::Runtime(RuntimeFunc::F32Max) => MinMax(true),
        Callee::Runtime(RuntimeFunc::I32TruncSatF32S) => ToInt(true),
        Callee::Runtime(RuntimeFunc::I32TruncSatF32U) => ToInt(false),
        _ => return None,
    })
}

impl Lower<'_> {
    /// An S register holding the bit pattern of the i32 value `v`: the one
    /// a VFP operation computed it in (defined with `v`, so it dominates
    /// every use of `v`), or a copy already made in this block, or a new
    /// `VMOV sd, rt`. IR values never change, so any S register once
    /// holding `v`'s bits holds them for good (the allocator keeps it alive,
    /// across calls, which clobber s0-s15, in a callee-saved s16-s31 or a
    /// spill slot).
    #[allow(clippy::wrong_self_convention)] // `v` goes to an S register; `self` is not converted
    pub(super) fn to_s(&mut self, v: Value) -> Reg {
        // Computed in an S register by its definition, which may not have
        // been lowered yet (its core register is then never written).
        if let Some(&sd) = self.s_home.get(&v) {
            return sd;
        }
        match self.s_of.get(&v) {
            Some(&(sd, None)) => return sd,
            Some(&(sd, Some(b))) if b == self.cur => return sd,
            _ => {}
        }
        let sd = self.new_fvreg();
        let rt = self.r(v);
        self.push(MachInst::VMovToS { sd, rt });
        self.s_of.insert(v, (sd, Some(self.cur)));
        sd
    }

    /// An i32 constant `d` (an f32 bit pattern) that only VFP operations
    /// read and that is a VFP modified immediate (±(16..31)/16 × 2^(−3..4))
    /// is made in an S register at its definition: `VMOV.F32 sd, #imm`
    /// (rematerialisable, so the allocator re-makes it rather than spill
    /// it). Other constants stay core-register constants moved in by a
    /// `VMOV` at their uses (see [`Self::to_s`]): held in S registers at
    /// their definition they would be spilled in long blocks of constants
    /// (unrolled filter set-up), and a `VLDR` literal has no pool yet.
    /// Returns whether it did.
    pub(super) fn s_const(&mut self, d: Value, imm: i64) -> bool {
        let bits = imm as u32;
        if self.fpu == Fpu::None
            || self.func.value_types[d.0 as usize] != synth_ir::Type::I32
            || !self.s_only.contains(&d)
            || !synth_thumb2_enc::is_vfp_imm_f32(f32::from_bits(bits))
        {
            return false;
        }
        let sd = self.s_def(d);
        self.push(MachInst::VMovImm { sd, bits });
        self.s_of.insert(d, (sd, None));
        true
    }

    /// A 32-bit `select` whose result only VFP operations read (see
    /// `fmem::s_only_values`) chooses between S registers:
    /// [`MachInst::VSelect`] on `to_s` of both operands, and the result
    /// stays in its S register. Returns whether it did.
    pub(super) fn s_select(&mut self, d: Value, cond: (Cond, Reg, crate::inst::Rhs), t: Value, f: Value) -> bool {
        if self.fpu == Fpu::None || !self.s_only.contains(&d) {
            return false;
        }
        let (cc, rn, rhs) = cond;
        let st = self.to_s(t);
        let sf = self.to_s(f);
        let sd = self.s_def(d);
        self.push(MachInst::VSelect { cc, sd, rn, rhs, st, sf });
        self.s_of.insert(d, (sd, None));
        true
    }

    /// The soft-float `f32.abs`/`f32.neg` (`x & 0x7fffffff`, `x ^ 0x80000000`,
    /// see `fmem::sign_op`) whose result only VFP operations read:
    /// `VABS/VNEG.F32` on `x`'s S register, the result kept there. Returns
    /// whether it did.
    pub(super) fn s_sign(&mut self, d: Value, kind: &synth_ir::InstKind) -> bool {
        if self.fpu == Fpu::None || !self.s_only.contains(&d) {
            return false;
        }
        let Some((neg, x)) = super::fmem::sign_op(|v| self.ir_const(v), kind) else { return false };
        let sm = self.to_s(x);
        let sd = self.s_def(d);
        self.push(MachInst::VSign { neg, sd, sm });
        self.s_of.insert(d, (sd, None));
        true
    }

    /// Plans the f32 comparisons (a call the FPU computes as `VCMP`) whose
    /// only use is the branch ending their block, directly or through a
    /// fused `eqz` (the branch's targets swapped): the branch compares
    /// ([`MachInst::VCmpBr`]) and no 0/1 is materialised and tested again.
    pub(super) fn plan_f32_branches(&mut self, reach: &[bool]) {
        if self.fpu == Fpu::None {
            return;
        }
        let func = self.func;
        for (bi, bd) in func.blocks.iter().enumerate() {
            let Terminator::Branch { cond, .. } = &bd.term else { continue };
            if !reach[bi] || self.ir_const(*cond).is_some() {
                continue;
            }
            let Some(&(b, k)) = self.defs.get(cond) else { continue };
            let (v, negated) = match &func.blocks[b].insts[k].kind {
                InstKind::Eqz { ty: Type::I32, arg } if b == bi && self.fused.contains(cond) => (*arg, true),
                _ => (*cond, false),
            };
            let Some(&(vb, vk)) = self.defs.get(&v) else { continue };
            let is_cmp = match &func.blocks[vb].insts[vk].kind {
                InstKind::Call { callee, args, .. } => {
                    args.len() == 2 && matches!(vfp_lowering(callee, self.fpu), Some(VfpLowering::Compare(_)))
                }
                _ => false,
            };
            if vb == bi && is_cmp && self.use_counts.get(&v) == Some(&1) {
                self.f32_branch_cmps.insert(v, negated);
            }
        }
    }

    /// Lowers the branch on `cond` ending block `bi` as a
    /// [`MachInst::VCmpBr`] when [`Self::plan_f32_branches`] planned it;
    /// returns whether it did.
    pub(super) fn f32_branch(
        &mut self,
        bi: usize,
        cond: Value,
        then_dest: &BlockCall,
        else_dest: &BlockCall,
    ) -> Result<bool, BackendError> {
        let v = match self.f32_branch_cmps.get(&cond) {
            Some(_) => cond,
            None => match self.def_kind(cond) {
                Some(InstKind::Eqz { arg, .. }) if self.f32_branch_cmps.get(arg) == Some(&true) => *arg,
                _ => return Ok(false),
            },
        };
        let negated = self.f32_branch_cmps[&v];
        if negated == (v == cond) {
            return Ok(false);
        }
        let Some(InstKind::Call { callee, args, .. }) = self.def_kind(v).cloned() else {
            return Err(self.err("a planned f32 branch comparison that is not a call"));
        };
        let Some(VfpLowering::Compare(cc)) = vfp_lowering(&callee, self.fpu) else {
            return Err(self.err("a planned f32 branch comparison the FPU does not compute"));
        };
        let sn = self.to_s(args[0]);
        let sm = self.to_s(args[1]);
        let taken = self.edge(bi, 0, then_dest)?;
        let not_taken = self.edge(bi, 1, else_dest)?;
        let (taken, not_taken) = if negated { (not_taken, taken) } else { (taken, not_taken) };
        self.push(MachInst::VCmpBr { cc, sn, sm, taken, not_taken });
        Ok(true)
    }

    /// The VFP comparison `v` reads through `cond` (a 32-bit condition used
    /// in block `bi`): `cond` itself or the argument of a fused `eqz` of
    /// it (true), when that comparison is a call the FPU computes, defined
    /// in `bi` and used only there.
    fn vfp_cmp_of(&self, cond: Value, bi: usize) -> Option<(Value, bool)> {
        let func = self.func;
        let &(b, k) = self.defs.get(&cond)?;
        let (v, negated) = match &func.blocks[b].insts[k].kind {
            InstKind::Eqz { ty: Type::I32, arg } if b == bi && self.fused.contains(&cond) => (*arg, true),
            _ => (cond, false),
        };
        let &(vb, vk) = self.defs.get(&v)?;
        let is_cmp = match &func.blocks[vb].insts[vk].kind {
            InstKind::Call { callee, args, .. } => {
                args.len() == 2 && matches!(vfp_lowering(callee, self.fpu), Some(VfpLowering::Compare(_)))
            }
            _ => false,
        };
        (vb == bi && is_cmp && self.use_counts.get(&v) == Some(&1)).then_some((v, negated))
    }

    /// Plans the f32 comparisons (a call the FPU computes as `VCMP`) whose
    /// only use is the condition of a 32-bit `select` of their block,
    /// directly or through a fused `eqz` (the operands swapped): the select
    /// compares and chooses on the VCMP flags ([`MachInst::VCmpSelect`]),
    /// no 0/1 is materialised and tested again.
    pub(super) fn plan_f32_selects(&mut self, reach: &[bool]) {
        if self.fpu == Fpu::None {
            return;
        }
        let func = self.func;
        for (bi, bd) in func.blocks.iter().enumerate() {
            if !reach[bi] {
                continue;
            }
            for inst in &bd.insts {
                let InstKind::Select { ty, cond, .. } = &inst.kind else { continue };
                if !matches!(ty.bits_type(), Type::I32) || self.ir_const(*cond).is_some() {
                    continue;
                }
                if let Some((v, negated)) = self.vfp_cmp_of(*cond, bi) {
                    self.f32_select_cmps.insert(v, negated);
                }
            }
        }
    }

    /// Lowers the 32-bit `d = select(cond, t, f)` as a
    /// [`MachInst::VCmpSelect`] when [`Self::plan_f32_selects`] planned its
    /// condition: in S registers when only VFP operations read `d` (as
    /// `s_select`), else in core registers. Returns whether it did.
    pub(super) fn f32_select(&mut self, d: Value, cond: Value, t: Value, f: Value) -> Result<bool, BackendError> {
        let (v, negated) = match self.f32_select_cmps.get(&cond) {
            Some(&false) => (cond, false),
            _ => match self.def_kind(cond) {
                Some(InstKind::Eqz { arg, .. }) if self.f32_select_cmps.get(arg) == Some(&true) => (*arg, true),
                _ => return Ok(false),
            },
        };
        let Some(InstKind::Call { callee, args, .. }) = self.def_kind(v).cloned() else {
            return Err(self.err("a planned f32 select comparison that is not a call"));
        };
        let Some(VfpLowering::Compare(cc)) = vfp_lowering(&callee, self.fpu) else {
            return Err(self.err("a planned f32 select comparison the FPU does not compute"));
        };
        let sn = self.to_s(args[0]);
        let sm = self.to_s(args[1]);
        let (t, f) = if negated { (f, t) } else { (t, f) };
        if self.s_only.contains(&d) {
            let (st, sf) = (self.to_s(t), self.to_s(f));
            // Its planned home (`fmem::plan_s_homes`): uses may be lowered first.
            let sd = self.s_def(d);
            self.push(MachInst::VCmpSelect { cc, rd: sd, sn, sm, t: st, f: sf });
            self.s_of.insert(d, (sd, None));
        } else {
            let (rt, rf) = (self.r(t), self.r(f));
            self.push(MachInst::VCmpSelect { cc, rd: self.r(d), sn, sm, t: rt, f: rf });
        }
        Ok(true)
    }

    /// Lowers the call on the FPU when [`vfp_lowering`] says it can;
    /// returns whether it did.
    pub(super) fn vfp_call(
        &mut self,
        callee: &Callee,
        args: &[Value],
        results: &[Value],
    ) -> Result<bool, BackendError> {
        let Some(k) = vfp_lowering(callee, self.fpu) else {
            return Ok(false);
        };
        if results.len() == 1
            && (self.f32_branch_cmps.contains_key(&results[0]) || self.f32_select_cmps.contains_key(&results[0]))
        {
            // Computed by the branch or select that reads it (`f32_branch`, `f32_select`).
            return Ok(true);
        }
        let arity = if matches!(k, VfpLowering::Arith(_) | VfpLowering::Compare(_) | VfpLowering::MinMax(_)) {
            2
        } else {
            1
        };
        if args.len() != arity || results.len() != 1 {
            return Err(self.err("a float run-time call whose arguments or results do not match its signature"));
        }
        let rd = self.r(results[0]);
        if let VfpLowering::MinMax(max) = k {
            // The operands' core copies exist: min/max is not an FPU-only
            // read (`fmem::s_only_values`).
            let (ra, rb) = (self.r(args[0]), self.r(args[1]));
            let (sa, sb) = (self.to_s(args[0]), self.to_s(args[1]));
            let st = self.new_fvreg();
            self.push(MachInst::VMinMax { max, rd, ra, rb, sa, sb, st });
            return Ok(true);
        }
        let a = self.to_s(args[0]);
        if let VfpLowering::Compare(cc) = k {
            let b = self.to_s(args[1]);
            self.push(MachInst::VCmpSet { cc, rd, sn: a, sm: b });
            return Ok(true);
        }
        let sd = self.s_def(results[0]);
        match k {
            VfpLowering::Arith(op) => {
                let b = self.to_s(args[1]);
                self.push(MachInst::VArith { op, sd, sn: a, sm: b });
            }
            VfpLowering::FromInt(signed) => self.push(MachInst::VCvtFromInt { signed, sd, sm: a }),
            VfpLowering::ToInt(signed) => self.push(MachInst::VCvtToInt { signed, sd, sm: a }),
            VfpLowering::Sqrt => self.push(MachInst::VSqrt { sd, sm: a }),
            VfpLowering::Compare(_) | VfpLowering::MinMax(_) => unreachable!("handled above"),
        }
        self.push(MachInst::VMovFromS { rt: rd, sn: sd });
        // A following VFP operation on the result reads `sd` directly; the
        // core copy is then dead and removed after allocation.
        self.s_of.insert(results[0], (sd, None));
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use crate::inst::MachInst;
    use synth_ir::{Block, Callee, FunctionBuilder, InstKind, Libcall, RuntimeFunc, Signature, Terminator, Type};
    use synth_regalloc::{Function as _, RegClass};
    use synth_thumb2_enc::Fpu;

    /// `f(a, b) = callee(a, b)` (or of `a` alone) on i32 bit patterns.
    fn call_fn(callee: Callee, params: &[Type]) -> synth_ir::Function {
        let sig = Signature { params: params.to_vec(), results: vec![Type::I32] };
        let mut b = FunctionBuilder::new("f", sig.clone());
        let p = b.block_params(Block(0)).to_vec();
        let r = b.inst(InstKind::Call { callee, sig, args: p }, &[Type::I32]);
        b.terminate(Terminator::Return(vec![r[0]]));
        b.finish()
    }

    #[test]
    fn fadd_becomes_vadd_on_s_registers_with_an_fpu_and_stays_a_call_without() {
        let f = call_fn(Callee::Libcall(Libcall::FAdd), &[Type::I32, Type::I32]);
        let vc = super::super::lower_for(&f, None, Fpu::Fpv4SpD16).expect("lowers");
        assert!(vc.insts.iter().any(|i| matches!(i, MachInst::VArith { op: synth_thumb2_enc::VfpOp3::Add, .. })));
        assert!(!vc.insts.iter().any(|i| matches!(i, MachInst::Call { .. })), "no call left");
        assert!(!vc.frame.has_calls);
        // Two VMOVs in, one out; their S sides are float-class registers.
        let mut floats = 0;
        for i in &vc.insts {
            if let MachInst::VMovToS { sd, rt } = i {
                assert_eq!(vc.vreg_class(sd.as_virt().unwrap()), RegClass::Float);
                assert_eq!(vc.vreg_class(rt.as_virt().unwrap()), RegClass::Int);
                floats += 1;
            }
        }
        assert_eq!(floats, 2);
        assert!(vc.allocatable().of_class(RegClass::Float).len() == 32, "s0-s31");
        // s16-s31 are callee-saved (the frame saves them with VPUSH), s0-s15 not.
        let callee = vc.callee_saved().of_class(RegClass::Float);
        assert_eq!(callee, crate::abi::vfp_callee_saved());
        assert!(soft_has_no_float_callee_saved(&f));
        let soft = super::super::lower_for(&f, None, Fpu::None).expect("lowers");
        assert!(soft.insts.iter().any(|i| matches!(i, MachInst::Call { .. } | MachInst::TailCall { .. })));
        assert!(!soft.insts.iter().any(|i| matches!(i, MachInst::VArith { .. })));
        assert!(soft.allocatable().of_class(RegClass::Float).is_empty());
    }

    #[test]
    fn f32_min_max_run_on_the_fpu_reading_core_and_s_copies() {
        for (r, max) in [(RuntimeFunc::F32Min, false), (RuntimeFunc::F32Max, true)] {
            let f = call_fn(Callee::Runtime(r), &[Type::I32, Type::I32]);
            let vc = super::super::lower_for(&f, None, Fpu::Fpv4SpD16).expect("lowers");
            let mm = vc.insts.iter().find_map(|i| match i {
                MachInst::VMinMax { max, ra, sa, st, .. } => Some((*max, *ra, *sa, *st)),
                _ => None,
            });
            let (m, ra, sa, st) = mm.expect("a VMinMax");
            assert_eq!(m, max);
            assert_eq!(vc.vreg_class(ra.as_virt().unwrap()), RegClass::Int);
            assert_eq!(vc.vreg_class(sa.as_virt().unwrap()), RegClass::Float);
            assert_eq!(vc.vreg_class(st.as_virt().unwrap()), RegClass::Float);
            assert!(!vc.insts.iter().any(|i| matches!(i, MachInst::Call { .. } | MachInst::TailCall { .. })));
            // Without an FPU: the runtime helper.
            let soft = super::super::lower_for(&f, None, Fpu::None).expect("lowers");
            assert!(!soft.insts.iter().any(|i| matches!(i, MachInst::VMinMax { .. })));
        }
    }

    /// Without an FPU the callee-saved set has no float register.
    fn soft_has_no_float_callee_saved(f: &synth_ir::Function) -> bool {
        let soft = super::super::lower_for(f, None, Fpu::None).expect("lowers");
        soft.callee_saved().of_class(RegClass::Float).is_empty()
    }

    /// `f(a) = a * c` with the f32 constant `c` (as its bit pattern).
    fn mul_by_const(c: f32) -> synth_ir::Function {
        let sig = Signature { params: vec![Type::I32], results: vec![Type::I32] };
        let mut b = FunctionBuilder::new("f", sig);
        let a = b.block_params(Block(0))[0];
        let k = b.iconst(Type::I32, i64::from(c.to_bits()));
        let fsig = Signature { params: vec![Type::I32, Type::I32], results: vec![Type::I32] };
        let r = b.inst(InstKind::Call { callee: Callee::Libcall(Libcall::FMul), sig: fsig, args: vec![a, k] }, &[Type::I32]);
        b.terminate(Terminator::Return(vec![r[0]]));
        b.finish()
    }

    #[test]
    fn an_f32_constant_only_vfp_reads_is_a_vmov_immediate_when_it_encodes() {
        let imm = |c: f32, fpu| -> (usize, usize) {
            let vc = super::super::lower_for(&mul_by_const(c), None, fpu).expect("lowers");
            let n = |p: fn(&MachInst) -> bool| vc.insts.iter().filter(|i| p(i)).count();
            (n(|i| matches!(i, MachInst::VMovImm { .. })), n(|i| matches!(i, MachInst::VMovToS { .. })))
        };
        // 2.0, -0.125, 31.0 are VFP immediates: no core register, no VMOV of it.
        for c in [2.0f32, -0.125, 31.0] {
            assert_eq!(imm(c, Fpu::Fpv4SpD16), (1, 1), "{c}: only `a` moves in");
        }
        // 0.0, 0.1, 32.0 are not: a core constant and a VMOV as before.
        for c in [0.0f32, 0.1, 32.0] {
            assert_eq!(imm(c, Fpu::Fpv4SpD16), (0, 2), "{c}");
        }
        assert_eq!(imm(2.0, Fpu::None), (0, 0));
        let vc = super::super::lower_for(&mul_by_const(2.0), None, Fpu::Fpv4SpD16).expect("lowers");
        let k = vc.insts.iter().find_map(|i| match i {
            MachInst::VMovImm { sd, bits } => Some((*sd, *bits)),
            _ => None,
        });
        let (sd, bits) = k.expect("a VMOV.F32 immediate");
        assert_eq!(bits, 2.0f32.to_bits());
        assert_eq!(vc.vreg_class(sd.as_virt().unwrap()), RegClass::Float);
        assert!(vc.remat_inst(sd.as_virt().unwrap()).is_some(), "re-made, never spilled");
    }

    #[test]
    fn a_select_only_vfp_reads_chooses_between_s_registers_its_constants_included() {
        // f(a, c) = a * (c ? 2.0 : -0.5): the constants are VMOV.F32 immediates,
        // the select a VSelect, and only `a` (and nothing selected) moves in.
        let sig = Signature { params: vec![Type::I32, Type::I32], results: vec![Type::I32] };
        let mut b = FunctionBuilder::new("f", sig);
        let p = b.block_params(Block(0)).to_vec();
        let two = b.iconst(Type::I32, i64::from(2.0f32.to_bits()));
        let half = b.iconst(Type::I32, i64::from((-0.5f32).to_bits()));
        let sel = b.inst(InstKind::Select { ty: Type::I32, cond: p[1], if_true: two, if_false: half }, &[Type::I32])[0];
        let fsig = Signature { params: vec![Type::I32, Type::I32], results: vec![Type::I32] };
        let r = b.inst(InstKind::Call { callee: Callee::Libcall(Libcall::FMul), sig: fsig, args: vec![p[0], sel] }, &[Type::I32]);
        b.terminate(Terminator::Return(vec![r[0]]));
        let f = b.finish();
        let vc = super::super::lower_for(&f, None, Fpu::Fpv4SpD16).expect("lowers");
        let n = |p: fn(&MachInst) -> bool| vc.insts.iter().filter(|i| p(i)).count();
        assert_eq!(n(|i| matches!(i, MachInst::VSelect { .. })), 1);
        assert_eq!(n(|i| matches!(i, MachInst::VMovImm { .. })), 2);
        assert_eq!(n(|i| matches!(i, MachInst::VMovToS { .. })), 1, "only a");
        assert_eq!(n(|i| matches!(i, MachInst::CmpSelect { .. })), 0);
        let out = synth_regalloc::allocate(&vc, &synth_regalloc::Options { verify: true, shadow: false });
        assert_eq!(out.stats.float.as_ref().map(|f| f.spill_stores), Some(0));
        // The select's result returned (a core use): the core select as before.
        let sig = Signature { params: vec![Type::I32, Type::I32], results: vec![Type::I32] };
        let mut b = FunctionBuilder::new("g", sig);
        let p = b.block_params(Block(0)).to_vec();
        let two = b.iconst(Type::I32, i64::from(2.0f32.to_bits()));
        let sel = b.inst(InstKind::Select { ty: Type::I32, cond: p[1], if_true: two, if_false: p[0] }, &[Type::I32])[0];
        b.terminate(Terminator::Return(vec![sel]));
        let vc = super::super::lower_for(&b.finish(), None, Fpu::Fpv4SpD16).expect("lowers");
        assert!(vc.insts.iter().any(|i| matches!(i, MachInst::CmpSelect { .. })));
        assert!(!vc.insts.iter().any(|i| matches!(i, MachInst::VSelect { .. } | MachInst::VMovImm { .. })));
    }

    /// A function of two f32 (as i32) parameters whose entry has computed
    /// `fcmplt(a, b)`, or `eqz` of it when `negate`: the builder and that value.
    fn fcmp_lt_of_params(negate: bool) -> (FunctionBuilder, synth_ir::Value) {
        let sig = Signature { params: vec![Type::I32, Type::I32], results: vec![Type::I32] };
        let mut b = FunctionBuilder::new("f", sig.clone());
        let p = b.block_params(Block(0)).to_vec();
        let c = b.inst(InstKind::Call { callee: Callee::Libcall(Libcall::FCmpLt), sig, args: p }, &[Type::I32])[0];
        let c = if negate { b.inst(InstKind::Eqz { ty: Type::I32, arg: c }, &[Type::I32])[0] } else { c };
        (b, c)
    }

    #[test]
    fn a_select_on_an_f32_comparison_selects_on_the_vcmp_flags() {
        // select(c, 10, 20) with c = fcmplt(a, b) or eqz of it: one VCmpSelect, its
        // operands swapped for the eqz; no 0/1 materialised.
        for negate in [false, true] {
            let (mut b, c) = fcmp_lt_of_params(negate);
            let (ten, twenty) = (b.iconst(Type::I32, 10), b.iconst(Type::I32, 20));
            let sel = b.inst(InstKind::Select { ty: Type::I32, cond: c, if_true: ten, if_false: twenty }, &[Type::I32])[0];
            b.terminate(Terminator::Return(vec![sel]));
            let vc = super::super::lower_for(&b.finish(), None, Fpu::Fpv4SpD16).expect("lowers");
            let imm_of = |r: synth_regalloc::Reg| {
                vc.insts.iter().find_map(|i| match i {
                    MachInst::MovImm { rd, imm } if *rd == r => Some(*imm),
                    _ => None,
                })
            };
            let sel = vc.insts.iter().find_map(|i| match i {
                MachInst::VCmpSelect { cc, rd, t, f, .. } => Some((*cc, *rd, *t, *f)),
                _ => None,
            });
            let (cc, rd, t, f) = sel.expect("a VCmpSelect");
            assert_eq!(cc, synth_thumb2_enc::Cond::Mi);
            assert_eq!(vc.vreg_class(rd.as_virt().unwrap()), RegClass::Int);
            let chosen = (imm_of(t).map(|x| x as u32), imm_of(f).map(|x| x as u32));
            assert_eq!(chosen, if negate { (Some(20), Some(10)) } else { (Some(10), Some(20)) });
            assert!(!vc.insts.iter().any(|i| matches!(i, MachInst::VCmpSet { .. } | MachInst::CmpSelect { .. })));
            synth_regalloc::allocate(&vc, &synth_regalloc::Options { verify: true, shadow: false });
        }
    }

    #[test]
    fn a_branch_on_an_f32_comparison_compares_in_the_branch() {
        use synth_ir::BlockCall;
        // if fcmplt(a, b) (or eqz of it) { return 1 } else { return 2 }
        for negate in [false, true] {
            let (mut b, c) = fcmp_lt_of_params(negate);
            let (t, e) = (b.create_block(), b.create_block());
            b.branch(c, BlockCall { block: t, args: vec![] }, BlockCall { block: e, args: vec![] });
            for (blk, k) in [(t, 1), (e, 2)] {
                b.switch_to_block(blk);
                let r = b.iconst(Type::I32, k);
                b.terminate(Terminator::Return(vec![r]));
            }
            let vc = super::super::lower_for(&b.finish(), None, Fpu::Fpv4SpD16).expect("lowers");
            let br = vc.insts.iter().find_map(|i| match i {
                MachInst::VCmpBr { cc, taken, not_taken, .. } => Some((*cc, *taken, *not_taken)),
                _ => None,
            });
            let (cc, taken, not_taken) = br.expect("a VCmpBr");
            assert_eq!(cc, synth_thumb2_enc::Cond::Mi);
            assert_eq!(taken > not_taken, negate, "targets swapped for the eqz");
            assert!(!vc.insts.iter().any(|i| matches!(i, MachInst::VCmpSet { .. } | MachInst::CmpBr { .. })));
            let out = synth_regalloc::allocate(&vc, &synth_regalloc::Options { verify: true, shadow: false });
            assert_eq!(out.stats.float.as_ref().map(|f| f.spill_stores), Some(0));
        }
    }

    #[test]
    fn compares_conversions_sqrt_and_trunc_sat_map_to_their_vfp_instructions() {
        use super::{vfp_lowering, VfpLowering::*};
        use synth_thumb2_enc::Cond;
        let f4 = Fpu::Fpv4SpD16;
        assert_eq!(vfp_lowering(&Callee::Libcall(Libcall::FCmpLt), f4), Some(Compare(Cond::Mi)));
        assert_eq!(vfp_lowering(&Callee::Libcall(Libcall::FCmpLe), f4), Some(Compare(Cond::Ls)));
        assert_eq!(vfp_lowering(&Callee::Libcall(Libcall::UI2F), f4), Some(FromInt(false)));
        assert_eq!(vfp_lowering(&Callee::Runtime(RuntimeFunc::I32TruncSatF32S), f4), Some(ToInt(true)));
        assert_eq!(vfp_lowering(&Callee::Runtime(RuntimeFunc::F32Sqrt), f4), Some(Sqrt));
        // f64 and the operators whose wasm semantics the FPU does not give stay calls.
        for c in [Libcall::DAdd, Libcall::L2F, Libcall::F2D, Libcall::D2F] {
            assert_eq!(vfp_lowering(&Callee::Libcall(c), Fpu::Fpv5D16), None, "{c:?}");
        }
        assert_eq!(vfp_lowering(&Callee::Runtime(RuntimeFunc::F32Max), f4), Some(MinMax(true)));
        for r in [RuntimeFunc::F64Min, RuntimeFunc::F32Nearest, RuntimeFunc::I64TruncSatF32S] {
            assert_eq!(vfp_lowering(&Callee::Runtime(r), f4), None, "{r:?}");
        }
        assert_eq!(vfp_lowering(&Callee::Libcall(Libcall::FAdd), Fpu::None), None);
        let f = call_fn(Callee::Libcall(Libcall::FCmpGe), &[Type::I32, Type::I32]);
        let vc = super::super::lower_for(&f, None, f4).expect("lowers");
        assert!(vc.insts.iter().any(|i| matches!(i, MachInst::VCmpSet { cc: Cond::Ge, .. })));
        let f = call_fn(Callee::Runtime(RuntimeFunc::I32TruncSatF32U), &[Type::I32]);
        let vc = super::super::lower_for(&f, None, f4).expect("lowers");
        assert!(vc.insts.iter().any(|i| matches!(i, MachInst::VCvtToInt { signed: false, .. })));
    }
}
