//! Thumb-2 (ARMv7-M) assembler: encodes instructions on physical registers
//! into bytes, with labels, branch relaxation and relocations.
//!
//! Takes: calls naming real instructions and registers. Returns: [`Code`],
//! the bytes of one function (little-endian halfwords) and its relocations.
//! Every method picks the shortest encoding that has the requested effect;
//! every encoding it can produce is checked against GNU `objdump` in tests.
//!
//! Flags: methods that take [`Flags`] let the caller say whether the
//! condition flags must be set (`Set`, e.g. `ADDS`), must be preserved
//! (`Keep`, forcing a 32-bit encoding where the 16-bit one sets flags), or do
//! not matter (`Any`, the shortest encoding whichever it does). Inside an IT
//! block 16-bit encodings do not set flags; the assembler tracks open IT
//! blocks and chooses accordingly.
//!
//! Modules: [`imm`] (modified immediates), [`encode`] (raw bit patterns),
//! `assembler` (buffer, labels, IT tracking), `dp` / `mem` / `flow` (the
//! instruction methods by concept), [`vfp`] (floating point: S/D registers,
//! data processing, conversions, transfers, loads/stores), `layout` (branch
//! relaxation, `TBH` tables, literal pools, relocation offsets in
//! [`Assembler::finish`]), `pool` (literal-pool entries and load encodings).
//!
//! Floating point: VFP instructions are accepted only for the FPU the
//! caller names with [`Assembler::set_fpu`] ([`Fpu::None`] by default, which
//! refuses them all); `.F64` arithmetic needs [`Fpu::Fpv5D16`] and the
//! ARMv8 additions (`VRINT*`, `VCVTA/N/P/M`, `VMAXNM`/`VMINNM`) an FPv5.
//! Conditional VFP instructions may stand in IT blocks; the unconditional
//! ARMv8 ones may not. There is no literal-pool (label) form of `VLDR` yet.
//!
//! Conventions worth knowing:
//! - Misuse (operands with no encoding, out-of-range offsets, unbound labels,
//!   multi-instruction expansions inside an IT block) never panics in release
//!   builds: it is recorded and [`Assembler::finish`] returns an [`AsmError`].
//!   IT-block misuse also trips a `debug_assert!`.
//! - Misuse includes a VFP instruction the selected [`Fpu`] lacks, and a
//!   register beyond s31 / d15 (the FPUs targeted are D16).
//! - Inside an IT block each call must produce exactly one instruction;
//!   `mov_imm` values needing `MOVW`+`MOVT`, `mov_sym`, `mul`/`mov_imm` with
//!   `Flags::Set` on their two-instruction path, and `b_cond` are errors there.
//! - Relocations are REL: `BL`/`B.W` hold the implicit addend -4 in their
//!   offset bits (`f7ff fffe` / `f7ff bffe`, as `arm-none-eabi-as` emits),
//!   `MOVW`/`MOVT` hold the addend itself in imm16 (so it must fit i16);
//!   [`Reloc::addend`] repeats it.
//! - `TBH` tables need only 2-byte alignment; no padding is inserted.
//! - Literal pools ([`Assembler::set_literal_pools`], off by default; the
//!   backend turns them on): `mov_imm` values that need `MOVW`+`MOVT` and
//!   `mov_sym` addresses outside IT blocks become `LDR rd, [pc, #imm]` from a
//!   shared, deduplicated word pool after the function (`pool`), which must
//!   then be placed 4-aligned; the pool is a data range, symbol words carry
//!   `R_ARM_ABS32` with the addend in the word.

#![warn(missing_docs)]

mod assembler;
mod dp;
pub mod encode;
mod flow;
pub mod imm;
mod layout;
mod mem;
mod pool;
pub mod vfp;

pub use assembler::Assembler;
pub use flow::BRANCH_REL_ADDEND;
pub use imm::is_modified_imm;
pub use vfp::imm::{is_vfp_imm_f32, is_vfp_imm_f64};
pub use vfp::{BlockMode, DReg, FpReg, Fpu, Round, SReg, VfpOp2, VfpOp3};

/// An ARM core register, r0..r15.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Reg(pub u8);

impl Reg {
    /// r0.
    pub const R0: Reg = Reg(0);
    /// r1.
    pub const R1: Reg = Reg(1);
    /// r2.
    pub const R2: Reg = Reg(2);
    /// r3.
    pub const R3: Reg = Reg(3);
    /// r12 (intra-procedure scratch).
    pub const IP: Reg = Reg(12);
    /// Stack pointer.
    pub const SP: Reg = Reg(13);
    /// Link register.
    pub const LR: Reg = Reg(14);
    /// Program counter.
    pub const PC: Reg = Reg(15);
    /// True for r0-r7 (reachable by most 16-bit encodings).
    pub fn is_low(self) -> bool {
        self.0 < 8
    }
}

/// Condition codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cond {
    /// Equal (Z).
    Eq,
    /// Not equal.
    Ne,
    /// Carry set / unsigned higher or same.
    Hs,
    /// Carry clear / unsigned lower.
    Lo,
    /// Negative.
    Mi,
    /// Positive or zero.
    Pl,
    /// Overflow.
    Vs,
    /// No overflow.
    Vc,
    /// Unsigned higher.
    Hi,
    /// Unsigned lower or same.
    Ls,
    /// Signed greater or equal.
    Ge,
    /// Signed less than.
    Lt,
    /// Signed greater than.
    Gt,
    /// Signed less or equal.
    Le,
}

impl Cond {
    /// The 4-bit encoding.
    pub fn bits(self) -> u32 {
        self as u32
    }
    /// The opposite condition.
    pub fn invert(self) -> Cond {
        use Cond::*;
        match self {
            Eq => Ne,
            Ne => Eq,
            Hs => Lo,
            Lo => Hs,
            Mi => Pl,
            Pl => Mi,
            Vs => Vc,
            Vc => Vs,
            Hi => Ls,
            Ls => Hi,
            Ge => Lt,
            Lt => Ge,
            Gt => Le,
            Le => Gt,
        }
    }
}

/// Whether an instruction must set, must keep, or may do either to the flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Flags {
    /// Must set N, Z, C, V as the `S` form does.
    Set,
    /// Must not change the flags.
    Keep,
    /// Either; pick the shortest encoding.
    Any,
}

/// Shift applied to a register operand (`Rm, LSL #n` etc.).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Shift {
    /// Logical shift left by 0..=31.
    Lsl(u8),
    /// Logical shift right by 1..=32.
    Lsr(u8),
    /// Arithmetic shift right by 1..=32.
    Asr(u8),
    /// Rotate right by 1..=31.
    Ror(u8),
}

/// Data-processing operations with a register or immediate second operand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AluOp {
    /// `ADD`.
    Add,
    /// `ADC`.
    Adc,
    /// `SUB`.
    Sub,
    /// `SBC`.
    Sbc,
    /// `RSB` (reverse subtract: `rd = op2 - rn`).
    Rsb,
    /// `AND`.
    And,
    /// `ORR`.
    Orr,
    /// `EOR`.
    Eor,
    /// `BIC` (`rn & !op2`).
    Bic,
    /// `ORN` (`rn | !op2`).
    Orn,
}

/// Shift operations (`LSL`, `LSR`, `ASR`, `ROR`), by immediate or register.
/// A register shift amount uses the bottom byte of the register, so amounts
/// 32..=255 give 0 (or all sign bits for `ASR`), as the ARM ARM specifies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ShiftOp {
    /// Logical shift left.
    Lsl,
    /// Logical shift right.
    Lsr,
    /// Arithmetic shift right.
    Asr,
    /// Rotate right.
    Ror,
}

/// Load widths and extensions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LoadOp {
    /// `LDR` (32-bit).
    Ldr,
    /// `LDRB` (zero-extend byte).
    Ldrb,
    /// `LDRSB` (sign-extend byte).
    Ldrsb,
    /// `LDRH` (zero-extend halfword).
    Ldrh,
    /// `LDRSH` (sign-extend halfword).
    Ldrsh,
}

/// Store widths.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StoreOp {
    /// `STR` (32-bit).
    Str,
    /// `STRB`.
    Strb,
    /// `STRH`.
    Strh,
}

/// Extend operations (`SXTB`, `SXTH`, `UXTB`, `UXTH`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExtendOp {
    /// Sign-extend byte.
    Sxtb,
    /// Sign-extend halfword.
    Sxth,
    /// Zero-extend byte.
    Uxtb,
    /// Zero-extend halfword.
    Uxth,
}

/// A branch target inside the function being assembled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Label(pub u32);

/// A code position recorded by [`Assembler::mark`]: the final offset of the
/// next instruction assembled after it, known once [`Assembler::finish`]
/// has laid the code out (`Code::marks`). Marks add nothing to the code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Mark(pub u32);

/// An opaque symbol handle; the caller maps it to a real symbol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sym(pub u32);

/// ELF ARM relocation kinds the assembler emits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RelocKind {
    /// `R_ARM_THM_CALL` on a 32-bit `BL`.
    ThmCall,
    /// `R_ARM_THM_JUMP24` on a 32-bit `B.W` (tail call).
    ThmJump24,
    /// `R_ARM_THM_MOVW_ABS_NC` on `MOVW`.
    ThmMovwAbsNc,
    /// `R_ARM_THM_MOVT_ABS` on `MOVT`.
    ThmMovtAbs,
    /// `R_ARM_ABS32` on a data word.
    Abs32,
}

/// A relocation in assembled code. The addend is in the instruction bits
/// (REL-style) as GNU tools expect for ARM, and also given here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Reloc {
    /// Byte offset of the instruction (or word) in the function.
    pub offset: u32,
    /// Kind.
    pub kind: RelocKind,
    /// Symbol.
    pub sym: Sym,
    /// Addend.
    pub addend: i32,
}

/// The result of assembling one function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Code {
    /// Machine code bytes.
    pub bytes: Vec<u8>,
    /// Relocations, sorted by offset.
    pub relocs: Vec<Reloc>,
    /// Byte ranges holding data rather than instructions (jump tables), for
    /// `$d`/`$t` mapping symbols.
    pub data_ranges: Vec<std::ops::Range<u32>>,
    /// Final byte offset of each [`Mark`], by mark number.
    pub marks: Vec<u32>,
}

/// An assembler error (a request that has no encoding).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AsmError(pub String);

