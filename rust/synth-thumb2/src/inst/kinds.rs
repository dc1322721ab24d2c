//! Operand and opcode kinds that [`MachInst`](super::MachInst) variants
//! carry, and the mapping of IR integer conditions to ARM conditions.
//!
//! Takes: nothing (data definitions), [`IntCC`] for [`cond_of`]. Returns:
//! the types, and the [`Cond`] that tests an integer comparison.

use synth_ir::{IntCC, SymbolRef};
use synth_regalloc::Reg;
use synth_thumb2_enc::Cond;

/// Second operand of a comparison: a register or an immediate that `CMP`
/// (or `CMN` with the negated value) encodes, or the mask of a bit test
/// (`TST`, whose flags are only meaningful for `EQ`/`NE`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rhs {
    /// A register (`CMP rn, rm`).
    Reg(Reg),
    /// An immediate (`CMP #imm`, or `CMN #-imm`).
    Imm(u32),
    /// `TST rn, rm`: `EQ` when `rn & rm == 0`.
    TstReg(Reg),
    /// `TST rn, #imm` (a modified immediate): `EQ` when `rn & imm == 0`.
    TstImm(u32),
}

/// An address relative to the stack pointer, resolved by [`crate::frame`]
/// once the frame layout is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StackAddr {
    /// Outgoing argument area at the bottom of the frame (byte offset).
    Outgoing(u32),
    /// Local area (sret buffers of calls) above the outgoing area.
    Local(u32),
    /// An incoming stack argument in the caller's frame (byte offset from
    /// the stack pointer at the call).
    Incoming(u32),
}

/// What a call instruction calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallTarget {
    /// A direct `BL` to a symbol.
    Sym(SymbolRef),
    /// `BLX reg` (Thumb bit set in the address).
    Reg(Reg),
}

/// Pair-wise 64-bit arithmetic kinds of [`MachInst::AddSub64`](super::MachInst::AddSub64).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddSub {
    /// `ADDS lo; ADC hi`.
    Add,
    /// `SUBS lo; SBC hi`.
    Sub,
}

/// 64-bit shifts by register of [`MachInst::Shift64`](super::MachInst::Shift64).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shift64Op {
    /// Shift left.
    Shl,
    /// Logical shift right.
    ShrU,
    /// Arithmetic shift right.
    ShrS,
}

/// The ARM condition for an integer comparison `a cc b`.
pub fn cond_of(cc: IntCC) -> Cond {
    match cc {
        IntCC::Eq => Cond::Eq,
        IntCC::Ne => Cond::Ne,
        IntCC::LtS => Cond::Lt,
        IntCC::LtU => Cond::Lo,
        IntCC::GtS => Cond::Gt,
        IntCC::GtU => Cond::Hi,
        IntCC::LeS => Cond::Le,
        IntCC::LeU => Cond::Ls,
        IntCC::GeS => Cond::Ge,
        IntCC::GeU => Cond::Hs,
    }
}

/// What a [`MachInst::F64`](super::MachInst::F64) computes in double
/// precision (`--fpu fpv5-d16`). f64 operands and results are bit patterns
/// in core register pairs (lo, hi); 32-bit operands and results (integers,
/// f32 bits, 0/1) in one core register.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum F64Op {
    /// `f64 = a <op> b` (`VADD/VSUB/VMUL/VDIV.F64`).
    Arith(synth_thumb2_enc::VfpOp3),
    /// `f64 = sqrt(a)` (`VSQRT.F64`).
    Sqrt,
    /// `f64 = round(a)` in the given direction (`VRINTZ/M/P/N.F64`).
    Round(synth_thumb2_enc::Round),
    /// `i32 = (a cc b) ? 1 : 0` (`VCMP.F64`, `VMRS`, condition after VMRS).
    Cmp(Cond),
    /// `f64 = float(i32 a)`, signed or not (`VCVT.F64.S32/U32`, exact).
    FromInt(bool),
    /// `i32 = trunc_sat(a)`, signed or not (`VCVT.S32/U32.F64`).
    ToInt(bool),
    /// `f64 = promote(f32 a)` (`VCVT.F64.F32`).
    Promote,
    /// `f32 = demote(a)` (`VCVT.F32.F64`, rounded to nearest).
    Demote,
}

impl F64Op {
    /// Whether the result is an f64 (a register pair) rather than 32 bits.
    pub fn wide_result(self) -> bool {
        !matches!(self, F64Op::Cmp(_) | F64Op::ToInt(_) | F64Op::Demote)
    }

    /// Whether the first operand is an f64 (a pair) rather than 32 bits.
    pub fn wide_operand(self) -> bool {
        !matches!(self, F64Op::FromInt(_) | F64Op::Promote)
    }

    /// Whether the operation reads a second f64 operand.
    pub fn binary(self) -> bool {
        matches!(self, F64Op::Arith(_) | F64Op::Cmp(_))
    }
}
