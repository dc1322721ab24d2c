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
