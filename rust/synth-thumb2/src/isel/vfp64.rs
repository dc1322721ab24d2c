//! Double-precision VFP lowering of the soft-float calls (`--fpu fpv5-d16`).
//!
//! Takes: a call the soft-float legalisation left (an f64 travels as its
//! i64 bit pattern, a lo/hi pair of core registers) to an AEABI function or
//! runtime helper whose result the double-precision FPU computes exactly
//! as wasm wants it. Returns: one [`MachInst::F64`] instead of the call
//! (operands moved into d6/d7, one VFP instruction, the result moved back
//! into core registers), or `false` for any other call.
//!
//! What runs on the FPU and why it is exact (FPSCR at its reset value:
//! round to nearest, no flush-to-zero, no default-NaN mode):
//! - `__aeabi_dadd/dsub/dmul/ddiv` → `VADD/VSUB/VMUL/VDIV.F64`: IEEE 754
//!   round to nearest. An input NaN comes out quieted with its payload
//!   (canonical in, canonical out; arithmetic in, arithmetic out), an
//!   invalid operation gives the default NaN 0x7ff8000000000000
//!   (canonical): what wasm requires.
//! - `__aeabi_dcmpeq/lt/le/gt/ge` → `VCMP.F64` + `VMRS` and
//!   `EQ/MI/LS/GT/GE`, all false on unordered operands.
//! - `__aeabi_i2d/ui2d` → `VCVT.F64.S32/U32` (exact).
//! - `__aeabi_f2d` → `VCVT.F64.F32` (exact; a NaN keeps its payload and is
//!   quieted: wasm's `promote` asks for a canonical NaN from a canonical
//!   one, an arithmetic NaN otherwise). `__aeabi_d2f` → `VCVT.F32.F64`
//!   (round to nearest; a NaN keeps the top of its payload and is quieted,
//!   the same rule for `demote`).
//! - the runtime helpers `f64_sqrt` → `VSQRT.F64`; `i32.trunc_sat_f64_s/u`
//!   → `VCVT.S32/U32.F64` (toward zero, saturating, NaN → 0; the trapping
//!   `trunc` checks NaN and range before calling the saturating helper);
//!   `f64_trunc/floor/ceil/nearest` → `VRINTZ/M/P/N.F64` (FPv5; ±0, ±inf
//!   and the sign of a zero result kept, ties to even for `nearest`, a NaN
//!   quieted with its payload as for arithmetic).
//!
//! `min`/`max` stay helpers: `VMAXNM`/`VMINNM` return the number when one
//! operand is a quiet NaN, where wasm returns a NaN. The i64 conversions
//! have no single instruction and stay calls.
//!
//! f64 values stay in core registers between operations (so calls, memory
//! and block parameters need nothing new); a chain of f64 operations moves
//! each intermediate result out and back in (two `VMOV`s, one cycle each
//! on a Cortex-M7, against tens of instructions in the soft-float calls).

use super::Lower;
use crate::inst::{F64Op, MachInst};
use crate::BackendError;
use synth_ir::{Callee, Libcall, RuntimeFunc, Value};
use synth_thumb2_enc::{Cond, Fpu, Round as Dir, VfpOp3};

/// The double-precision instruction computing a call to `callee` on `fpu`,
/// if it has one.
pub(crate) fn f64_lowering(callee: &Callee, fpu: Fpu) -> Option<F64Op> {
    use F64Op::*;
    if !fpu.has_f64() {
        return None;
    }
    Some(match callee {
        Callee::Libcall(l) => match l {
            Libcall::DAdd => Arith(VfpOp3::Add),
            Libcall::DSub => Arith(VfpOp3::Sub),
            Libcall::DMul => Arith(VfpOp3::Mul),
            Libcall::DDiv => Arith(VfpOp3::Div),
            Libcall::DCmpEq => Cmp(Cond::Eq),
            Libcall::DCmpLt => Cmp(Cond::Mi),
            Libcall::DCmpLe => Cmp(Cond::Ls),
            Libcall::DCmpGt => Cmp(Cond::Gt),
            Libcall::DCmpGe => Cmp(Cond::Ge),
            Libcall::I2D => FromInt(true),
            Libcall::UI2D => FromInt(false),
            Libcall::F2D => Promote,
            Libcall::D2F => Demote,
            _ => return None,
        },
        Callee::Runtime(r) => match r {
            RuntimeFunc::F64Sqrt => Sqrt,
            RuntimeFunc::I32TruncSatF64S => ToInt(true),
            RuntimeFunc::I32TruncSatF64U => ToInt(false),
            RuntimeFunc::F64Trunc => Round(Dir::Zero),
            RuntimeFunc::F64Floor => Round(Dir::Minus),
            RuntimeFunc::F64Ceil => Round(Dir::Plus),
            RuntimeFunc::F64Nearest => Round(Dir::NearestEven),
            _ => return None,
        },
        _ => return None,
    })
}

impl Lower<'_> {
    /// Lowers the call on the double-precision FPU when [`f64_lowering`]
    /// says it can; returns whether it did.
    pub(super) fn vfp64_call(&mut self, callee: &Callee, args: &[Value], results: &[Value]) -> Result<bool, BackendError> {
        let Some(op) = f64_lowering(callee, self.fpu) else {
            return Ok(false);
        };
        let arity = if op.binary() { 2 } else { 1 };
        if args.len() != arity || results.len() != 1 {
            return Err(self.err("a float run-time call whose arguments or results do not match its signature"));
        }
        let (a, a_hi) = if op.wide_operand() {
            let (lo, hi) = self.pair(args[0])?;
            (lo, Some(hi))
        } else {
            (self.r(args[0]), None)
        };
        let b = if op.binary() { Some(self.pair(args[1])?) } else { None };
        let (rd, rd_hi) = if op.wide_result() {
            let (lo, hi) = self.pair(results[0])?;
            (lo, Some(hi))
        } else {
            (self.r(results[0]), None)
        };
        self.push(MachInst::F64 { op, rd, rd_hi, a, a_hi, b });
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::f64_lowering;
    use crate::inst::{F64Op, MachInst};
    use synth_ir::{Block, Callee, FunctionBuilder, InstKind, Libcall, RuntimeFunc, Signature, Terminator, Type};
    use synth_thumb2_enc::{Cond, Fpu, Round as Dir, VfpOp3};

    fn call_fn(callee: Callee, params: &[Type], result: Type) -> synth_ir::Function {
        let sig = Signature { params: params.to_vec(), results: vec![result] };
        let mut b = FunctionBuilder::new("f", sig.clone());
        let p = b.block_params(Block(0)).to_vec();
        let r = b.inst(InstKind::Call { callee, sig, args: p }, &[result]);
        b.terminate(Terminator::Return(vec![r[0]]));
        b.finish()
    }

    #[test]
    fn only_a_double_precision_fpu_computes_f64() {
        let dadd = Callee::Libcall(Libcall::DAdd);
        assert_eq!(f64_lowering(&dadd, Fpu::Fpv5D16), Some(F64Op::Arith(VfpOp3::Add)));
        for fpu in [Fpu::None, Fpu::Fpv4SpD16, Fpu::Fpv5SpD16] {
            assert_eq!(f64_lowering(&dadd, fpu), None, "{fpu:?}");
        }
        let d = Fpu::Fpv5D16;
        assert_eq!(f64_lowering(&Callee::Libcall(Libcall::DCmpLe), d), Some(F64Op::Cmp(Cond::Ls)));
        assert_eq!(f64_lowering(&Callee::Runtime(RuntimeFunc::F64Floor), d), Some(F64Op::Round(Dir::Minus)));
        assert_eq!(f64_lowering(&Callee::Runtime(RuntimeFunc::F64Nearest), d), Some(F64Op::Round(Dir::NearestEven)));
        // No exact single instruction: stay calls.
        for c in [Libcall::L2D, Libcall::UL2D, Libcall::L2F, Libcall::FAdd] {
            assert_eq!(f64_lowering(&Callee::Libcall(c), d), None, "{c:?}");
        }
        for r in [RuntimeFunc::F64Min, RuntimeFunc::F64Max, RuntimeFunc::I64TruncSatF64S, RuntimeFunc::F32Floor] {
            assert_eq!(f64_lowering(&Callee::Runtime(r), d), None, "{r:?}");
        }
    }

    #[test]
    fn dmul_becomes_one_f64_instruction_on_register_pairs_without_a_call() {
        let f = call_fn(Callee::Libcall(Libcall::DMul), &[Type::I64, Type::I64], Type::I64);
        let vc = crate::isel::lower_for(&f, None, Fpu::Fpv5D16).expect("lowers");
        let ops: Vec<_> = vc.insts.iter().filter(|i| matches!(i, MachInst::F64 { .. })).collect();
        assert_eq!(ops.len(), 1);
        assert!(matches!(ops[0], MachInst::F64 { op: F64Op::Arith(VfpOp3::Mul), rd_hi: Some(_), a_hi: Some(_), b: Some(_), .. }));
        assert!(!vc.insts.iter().any(|i| matches!(i, MachInst::Call { .. } | MachInst::TailCall { .. })));
        assert!(!vc.frame.has_calls);
        // d6/d7 are clobbered, nothing else.
        assert_eq!(ops[0].clobbers(), crate::abi::f64_scratch());
        let sp = crate::isel::lower_for(&f, None, Fpu::Fpv5SpD16).expect("lowers");
        assert!(sp.insts.iter().any(|i| matches!(i, MachInst::Call { .. } | MachInst::TailCall { .. })));
    }

    #[test]
    fn conversions_have_one_32_bit_side() {
        let f = call_fn(Callee::Libcall(Libcall::D2F), &[Type::I64], Type::I32);
        let vc = crate::isel::lower_for(&f, None, Fpu::Fpv5D16).expect("lowers");
        assert!(vc.insts.iter().any(|i| matches!(i, MachInst::F64 { op: F64Op::Demote, rd_hi: None, a_hi: Some(_), b: None, .. })));
        let f = call_fn(Callee::Libcall(Libcall::UI2D), &[Type::I32], Type::I64);
        let vc = crate::isel::lower_for(&f, None, Fpu::Fpv5D16).expect("lowers");
        assert!(vc.insts.iter().any(|i| matches!(i, MachInst::F64 { op: F64Op::FromInt(false), rd_hi: Some(_), a_hi: None, .. })));
        let f = call_fn(Callee::Runtime(RuntimeFunc::I32TruncSatF64U), &[Type::I64], Type::I32);
        let vc = crate::isel::lower_for(&f, None, Fpu::Fpv5D16).expect("lowers");
        assert!(vc.insts.iter().any(|i| matches!(i, MachInst::F64 { op: F64Op::ToInt(false), rd_hi: None, .. })));
    }
}
