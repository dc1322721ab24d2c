//! VFP (floating-point extension) instructions for Cortex-M4F / M7:
//! FPv4-SP-D16 (single precision) and FPv5-D16 (double precision and the
//! ARMv8 rounding instructions).
//!
//! Takes: [`SReg`] / [`DReg`] operands (generic methods take either through
//! [`FpReg`]: all operands of one instruction have the same precision, which
//! picks `.F32` or `.F64`), core registers for transfers and addresses.
//! Emits: one 32-bit instruction per call.
//!
//! Feature gating: the assembler refuses every VFP instruction until the
//! caller names the FPU with [`Assembler::set_fpu`] (default
//! [`Fpu::None`]); `.F64` data processing and conversions need a
//! double-precision FPU; `VRINT*`, `VCVTA/N/P/M` and `VMAXNM`/`VMINNM` need
//! FPv5. Transfers and loads/stores of D registers (`VMOV r0, r1, d0`,
//! `VLDR d0`, `VPUSH {d8-d15}`) are part of FPv4-SP-D16 too (its 16 D
//! registers alias s0..s31). Refusals, bad registers (D16: d0..d15 only) and
//! out-of-range offsets are recorded and reported by
//! [`Assembler::finish`](crate::Assembler::finish), as for integer
//! instructions.
//!
//! IT blocks: the VFP instructions that are conditional in ARMv7-M (all but
//! the ARMv8 ones) may stand inside an IT block and take its condition. The
//! unconditional FPv5 instructions (`VRINTA/N/P/M`, `VCVTA/N/P/M`,
//! `VMAXNM`, `VMINNM`; `VRINTZ` is conditional) are IT-block misuse there,
//! as GNU as refuses them too.
//!
//! Submodules: `imm` (VFPExpandImm), `enc` (bit patterns), `arith` (data
//! processing, compares, conversions, rounding), `moves` (core register
//! transfers, `VMRS`/`VMSR`), `mem` (`VLDR`/`VSTR`, `VPUSH`/`VPOP`,
//! `VLDM`/`VSTM`).

mod arith;
mod enc;
pub mod imm;
mod mem;
mod moves;

pub use arith::{Round, VfpOp2, VfpOp3};
pub use mem::BlockMode;

use crate::Assembler;

/// A single-precision register, s0..s31.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SReg(pub u8);

/// A double-precision register, d0..d15 (D16: the FPUs targeted have 16;
/// d_k overlaps s_2k and s_2k+1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DReg(pub u8);

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::SReg {}
    impl Sealed for super::DReg {}
}

/// A VFP register of one precision: [`SReg`] or [`DReg`].
///
/// An instruction encodes a register as a 4-bit field plus one extra bit:
/// for S registers the field is the number's top four bits and the extra
/// bit its lowest (`s_n`: `Vx = n >> 1`, bit `= n & 1`); for D registers
/// the field is the low four bits and the extra bit bit 4 (always 0 on
/// D16).
pub trait FpReg: Copy + std::fmt::Debug + sealed::Sealed {
    /// True for D registers (`sz = 1`, `.F64`).
    const DOUBLE: bool;
    /// Register count of this kind (32 S, 16 D).
    const COUNT: u8;
    /// The register number.
    fn num(self) -> u8;
    /// `(Vx, extra bit)`, the two encoding fields.
    fn split(self) -> (u16, u16);
    /// The assembler name (`s3`, `d7`).
    fn name(self) -> String;
}

impl FpReg for SReg {
    const DOUBLE: bool = false;
    const COUNT: u8 = 32;
    fn num(self) -> u8 {
        self.0
    }
    fn split(self) -> (u16, u16) {
        (u16::from(self.0 >> 1) & 15, u16::from(self.0 & 1))
    }
    fn name(self) -> String {
        format!("s{}", self.0)
    }
}

impl FpReg for DReg {
    const DOUBLE: bool = true;
    const COUNT: u8 = 16;
    fn num(self) -> u8 {
        self.0
    }
    fn split(self) -> (u16, u16) {
        (u16::from(self.0) & 15, u16::from(self.0 >> 4) & 1)
    }
    fn name(self) -> String {
        format!("d{}", self.0)
    }
}

/// The floating-point unit of the target CPU, which decides the VFP
/// instructions the assembler accepts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Fpu {
    /// No FPU: every VFP instruction is refused (the default).
    #[default]
    None,
    /// FPv4-SP-D16 (Cortex-M4F): single-precision arithmetic, 32 S / 16 D
    /// registers for transfers and memory.
    Fpv4SpD16,
    /// FPv5-SP-D16 (e.g. Cortex-M7 single-precision, Cortex-M33): FPv4
    /// plus the ARMv8 instructions, single precision only.
    Fpv5SpD16,
    /// FPv5-D16 (Cortex-M7 double precision): single and double precision
    /// and the ARMv8 instructions.
    Fpv5D16,
}

impl Fpu {
    /// True when the FPU computes in double precision.
    pub fn has_f64(self) -> bool {
        self == Fpu::Fpv5D16
    }
    /// True for FPv5 (`VRINT*`, `VCVTA/N/P/M`, `VMAXNM`/`VMINNM`).
    pub fn is_v5(self) -> bool {
        matches!(self, Fpu::Fpv5SpD16 | Fpu::Fpv5D16)
    }
}

/// What an instruction needs from the FPU beyond its existence.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Needs {
    /// Double-precision arithmetic.
    pub f64: bool,
    /// An FPv5 instruction.
    pub v5: bool,
    /// Unconditional (ARMv8) encoding: not allowed inside an IT block.
    pub uncond: bool,
}

impl Assembler {
    /// Names the FPU whose instructions may be assembled (default
    /// [`Fpu::None`]: all VFP instructions are refused).
    pub fn set_fpu(&mut self, fpu: Fpu) {
        self.fpu = fpu;
    }

    /// The FPU set by [`Assembler::set_fpu`].
    pub fn fpu(&self) -> Fpu {
        self.fpu
    }

    /// Checks that the FPU provides `what` (and, for unconditional
    /// encodings, that no IT block is open); records an error otherwise.
    pub(crate) fn fpu_check(&mut self, what: &str, needs: Needs) -> bool {
        let fpu = self.fpu;
        let missing = if fpu == Fpu::None {
            Some("no FPU selected (Assembler::set_fpu)")
        } else if needs.f64 && !fpu.has_f64() {
            Some("the FPU has no double precision")
        } else if needs.v5 && !fpu.is_v5() {
            Some("needs FPv5")
        } else {
            None
        };
        if let Some(why) = missing {
            self.error(format!("{what}: {why} (FPU: {fpu:?})"));
            return false;
        }
        if needs.uncond && self.it_left > 0 {
            self.it_misuse(&format!("{what} cannot be conditional (inside an IT block)"));
            return false;
        }
        true
    }

    /// Checks that every register exists (s0..s31, d0..d15).
    pub(crate) fn check_fregs<R: FpReg>(&mut self, what: &str, regs: &[R]) -> bool {
        for r in regs {
            if r.num() >= R::COUNT {
                let file = if R::DOUBLE { "d0..d15 on a D16 FPU" } else { "s0..s31" };
                self.error(format!("{what}: register {} does not exist ({file})", r.name()));
                return false;
            }
        }
        true
    }
}

/// `.f32` / `.f64`.
pub(crate) fn suffix<R: FpReg>() -> &'static str {
    if R::DOUBLE {
        "f64"
    } else {
        "f32"
    }
}

#[cfg(test)]
mod tests;
