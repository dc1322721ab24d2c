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

/// What one node of a [`MachInst::F64`](super::MachInst::F64) expression
/// computes in double precision (`--fpu fpv5-d16`).
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
    /// Whether the result is an f64 rather than 32 bits (an i32, f32 bits
    /// or a 0/1).
    pub fn wide_result(self) -> bool {
        !matches!(self, F64Op::Cmp(_) | F64Op::ToInt(_) | F64Op::Demote)
    }

    /// Whether the first operand is an f64 rather than 32 bits.
    pub fn wide_operand(self) -> bool {
        !matches!(self, F64Op::FromInt(_) | F64Op::Promote)
    }

    /// Whether the operation reads a second f64 operand.
    pub fn binary(self) -> bool {
        matches!(self, F64Op::Arith(_) | F64Op::Cmp(_))
    }
}

/// An operand of an [`F64Node`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum F64Arg {
    /// An f64 bit pattern in the input registers `k` (lo) and `k + 1` (hi)
    /// of the [`MachInst::F64`](super::MachInst::F64).
    Pair(usize),
    /// A 32-bit value (an i32 or f32 bits) in input register `k`.
    Word(usize),
    /// An f64 constant, by its bit pattern: one `VMOV.F64 dd, #imm` encodes
    /// it, or it is ±0.0 as the second operand of a comparison
    /// (`VCMP.F64 dd, #0.0`).
    Const(u64),
    /// The f64 result of an inner operation (computed in place, never in
    /// core registers).
    Node(Box<F64Node>),
}

/// One double-precision operation and its operands (an expression tree:
/// single-use f64 intermediate results are inner nodes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct F64Node {
    /// The operation.
    pub op: F64Op,
    /// Its operands: one, or two for [`F64Op::binary`] operations.
    pub args: Vec<F64Arg>,
}

/// The scratch D registers an [`F64Node`] evaluates in, in order of use
/// (d7 first): caller-saved (s8-s15), so the frame never saves them.
pub const F64_SCRATCH: [u8; 4] = [7, 6, 5, 4];

impl F64Node {
    /// Scratch D registers the evaluation needs (Sethi-Ullman: the operand
    /// needing more is computed first, the other one register higher).
    pub fn need(&self) -> usize {
        let arg = |a: &F64Arg| match a {
            F64Arg::Node(n) => n.need(),
            _ => 1,
        };
        match (self.op, self.args.as_slice()) {
            (F64Op::Cmp(_), [a, F64Arg::Const(z)]) if *z << 1 == 0 => arg(a),
            (_, [a, b]) => {
                let (l, r) = (arg(a), arg(b));
                if l == r {
                    l + 1
                } else {
                    l.max(r)
                }
            }
            (_, [a]) => arg(a),
            _ => 1,
        }
    }
}
