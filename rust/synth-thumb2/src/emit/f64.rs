//! Expansion of the double-precision pseudo-instruction
//! [`MachInst::F64`](crate::inst::MachInst::F64) (`--fpu fpv5-d16`).
//!
//! Takes: the allocated operation (core registers only). Emits: the f64
//! operands moved into the scratch registers d6 (first operand) and d7
//! (second), one VFP instruction, the result moved back into core
//! registers. 32-bit operands go through s12 (the low half of d6), 32-bit
//! results through s14 (the low half of d7). d6/d7 are the instruction's
//! declared clobbers, so no value the allocator placed lives in them.

use super::{p, Emitter};
use crate::inst::F64Op;
use synth_regalloc::Reg;
use synth_thumb2_enc::{DReg, Round, SReg, VfpOp2};

/// First f64 operand and f64 results.
const DA: DReg = DReg(6);
/// Second f64 operand; results of the 32-bit-to-f64 conversions.
const DB: DReg = DReg(7);
/// A 32-bit operand (low half of d6).
const SA: SReg = SReg(12);
/// A 32-bit result (low half of d7).
const SB: SReg = SReg(14);

impl Emitter<'_> {
    /// `op` with result `rd` (`rd_hi` for an f64), operands `a` (`a_hi`)
    /// and `b`, as [`MachInst::F64`](crate::inst::MachInst::F64) says.
    pub(super) fn f64_op(
        &mut self,
        op: F64Op,
        rd: Reg,
        rd_hi: Option<Reg>,
        a: Reg,
        a_hi: Option<Reg>,
        b: Option<(Reg, Reg)>,
    ) -> Result<(), String> {
        if op.wide_result() != rd_hi.is_some() || op.wide_operand() != a_hi.is_some() || op.binary() != b.is_some() {
            return Err(format!("f64 operation {op:?} with operands of the wrong shape"));
        }
        let asm = &mut self.asm;
        // Operands in.
        match a_hi {
            Some(hi) => asm.vmov_to_d(DA, p(a)?, p(hi)?),
            None => asm.vmov_to_s(SA, p(a)?),
        }
        if let Some((lo, hi)) = b {
            asm.vmov_to_d(DB, p(lo)?, p(hi)?);
        }
        // The computation; `out` is where an f64 result is.
        let out = match op {
            F64Op::Arith(o) => {
                asm.vfp_op3(o, DA, DA, DB);
                DA
            }
            F64Op::Sqrt => {
                asm.vfp_op2(VfpOp2::Sqrt, DA, DA);
                DA
            }
            F64Op::Round(mode) => {
                asm.vrint(mode, DA, DA);
                DA
            }
            F64Op::FromInt(signed) => {
                asm.vcvt_from_int(signed, DB, SA);
                DB
            }
            F64Op::Promote => {
                asm.vcvt_f64_f32(DB, SA);
                DB
            }
            F64Op::Cmp(cc) => {
                asm.vcmp(DA, DB);
                asm.vmrs_apsr();
                self.set01(cc, p(rd)?);
                return Ok(());
            }
            F64Op::ToInt(signed) => {
                asm.vcvt_to_int(Round::Zero, signed, SB, DA);
                asm.vmov_from_s(p(rd)?, SB);
                return Ok(());
            }
            F64Op::Demote => {
                asm.vcvt_f32_f64(SB, DA);
                asm.vmov_from_s(p(rd)?, SB);
                return Ok(());
            }
        };
        let hi = rd_hi.expect("shape checked above");
        asm.vmov_from_d(p(rd)?, p(hi)?, out);
        Ok(())
    }
}

