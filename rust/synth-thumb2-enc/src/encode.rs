//! Raw Thumb-2 instruction bit patterns (ARMv7-M ARM, chapter A7).
//!
//! Takes: register numbers and already-validated fields. Returns: [`Enc`],
//! one 16-bit or one 32-bit instruction. No choice of form is made here; the
//! assembler decides which encoding applies and these functions only place
//! bits.

use crate::imm::{split_imm12, split_imm16};
use crate::{AluOp, Cond, Shift, ShiftOp};

/// One encoded instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Enc {
    /// A 16-bit instruction.
    Narrow(u16),
    /// A 32-bit instruction: first halfword, second halfword.
    Wide(u16, u16),
}

impl Enc {
    /// Size in bytes.
    pub fn size(self) -> u32 {
        match self {
            Enc::Narrow(_) => 2,
            Enc::Wide(..) => 4,
        }
    }
    /// Appends the little-endian bytes to `out`.
    pub fn write(self, out: &mut Vec<u8>) {
        match self {
            Enc::Narrow(h) => out.extend_from_slice(&h.to_le_bytes()),
            Enc::Wide(a, b) => {
                out.extend_from_slice(&a.to_le_bytes());
                out.extend_from_slice(&b.to_le_bytes());
            }
        }
    }
}

fn r(x: u8) -> u16 {
    u16::from(x & 15)
}

/// The 4-bit opcode of a data-processing op in the 32-bit
/// modified-immediate and shifted-register encodings.
pub fn dp_opcode(op: AluOp) -> u16 {
    match op {
        AluOp::And => 0b0000,
        AluOp::Bic => 0b0001,
        AluOp::Orr => 0b0010,
        AluOp::Orn => 0b0011,
        AluOp::Eor => 0b0100,
        AluOp::Add => 0b1000,
        AluOp::Adc => 0b1010,
        AluOp::Sbc => 0b1011,
        AluOp::Sub => 0b1101,
        AluOp::Rsb => 0b1110,
    }
}

/// Opcode for `MOV`/`MVN`/`TST`/`TEQ`/`CMP`/`CMN` spelled as the 4-bit op.
pub const OP_MOV: u16 = 0b0010;
/// `MVN` (ORN with Rn = PC).
pub const OP_MVN: u16 = 0b0011;
/// `CMN` (ADD with Rd = PC, S = 1).
pub const OP_CMN: u16 = 0b1000;

/// 32-bit data processing, modified immediate (`11110 i 0 op S Rn | 0 imm3 Rd imm8`).
pub fn dp_imm(op: u16, s: bool, rd: u8, rn: u8, field: u16) -> Enc {
    let (hi, lo) = split_imm12(field);
    Enc::Wide(0xF000 | hi | (op << 5) | (u16::from(s) << 4) | r(rn), lo | (r(rd) << 8))
}

/// `ADDW`/`SUBW` (plain 12-bit immediate, no flags).
pub fn addw_subw(sub: bool, rd: u8, rn: u8, imm12: u16) -> Enc {
    let (hi, lo) = split_imm12(imm12);
    let op = if sub { 0xF2A0 } else { 0xF200 };
    Enc::Wide(op | hi | r(rn), lo | (r(rd) << 8))
}

/// `MOVW` (`top` false) or `MOVT` (`top` true) with a 16-bit immediate.
pub fn movw_movt(top: bool, rd: u8, imm: u16) -> Enc {
    let (hi, lo) = split_imm16(imm);
    let op = if top { 0xF2C0 } else { 0xF240 };
    Enc::Wide(op | hi, lo | (r(rd) << 8))
}

/// `(type, imm5)` for a shift; `Lsl(0)` is no shift.
pub fn shift_fields(shift: Option<Shift>) -> (u16, u16) {
    match shift {
        None => (0, 0),
        Some(Shift::Lsl(n)) => (0, u16::from(n) & 31),
        Some(Shift::Lsr(n)) => (1, u16::from(n) & 31),
        Some(Shift::Asr(n)) => (2, u16::from(n) & 31),
        Some(Shift::Ror(n)) => (3, u16::from(n) & 31),
    }
}

/// 32-bit data processing, shifted register
/// (`1110101 op S Rn | 0 imm3 Rd imm2 type Rm`).
pub fn dp_reg(op: u16, s: bool, rd: u8, rn: u8, rm: u8, shift: Option<Shift>) -> Enc {
    let (ty, imm5) = shift_fields(shift);
    Enc::Wide(
        0xEA00 | (op << 5) | (u16::from(s) << 4) | r(rn),
        ((imm5 >> 2) << 12) | (r(rd) << 8) | ((imm5 & 3) << 6) | (ty << 4) | r(rm),
    )
}

/// The 2-bit shift type of a [`ShiftOp`].
pub fn shift_type(op: ShiftOp) -> u16 {
    match op {
        ShiftOp::Lsl => 0,
        ShiftOp::Lsr => 1,
        ShiftOp::Asr => 2,
        ShiftOp::Ror => 3,
    }
}

/// 32-bit register-controlled shift (`11111010 0 type S Rn | 1111 Rd 0000 Rm`).
pub fn shift_reg_w(op: ShiftOp, s: bool, rd: u8, rn: u8, rm: u8) -> Enc {
    Enc::Wide(0xFA00 | (shift_type(op) << 5) | (u16::from(s) << 4) | r(rn), 0xF000 | (r(rd) << 8) | r(rm))
}

/// 16-bit "data processing" group (`010000 opc Rm Rdn`).
pub fn dp16(opc: u16, rdn: u8, rm: u8) -> Enc {
    Enc::Narrow(0x4000 | (opc << 6) | (r(rm) << 3) | r(rdn))
}

/// 16-bit opcodes of the `010000` group.
pub mod dp16op {
    /// `AND`.
    pub const AND: u16 = 0;
    /// `EOR`.
    pub const EOR: u16 = 1;
    /// `LSL` by register.
    pub const LSL: u16 = 2;
    /// `LSR` by register.
    pub const LSR: u16 = 3;
    /// `ASR` by register.
    pub const ASR: u16 = 4;
    /// `ADC`.
    pub const ADC: u16 = 5;
    /// `SBC`.
    pub const SBC: u16 = 6;
    /// `ROR` by register.
    pub const ROR: u16 = 7;
    /// `TST`.
    pub const TST: u16 = 8;
    /// `RSB #0`.
    pub const RSB: u16 = 9;
    /// `CMP` (low registers).
    pub const CMP: u16 = 10;
    /// `CMN`.
    pub const CMN: u16 = 11;
    /// `ORR`.
    pub const ORR: u16 = 12;
    /// `MUL`.
    pub const MUL: u16 = 13;
    /// `BIC`.
    pub const BIC: u16 = 14;
    /// `MVN`.
    pub const MVN: u16 = 15;
}

/// 16-bit `ADD`/`SUB` (register) T1: `rd = rn ± rm`, low registers.
pub fn add_sub_reg16(sub: bool, rd: u8, rn: u8, rm: u8) -> Enc {
    let op = if sub { 0x1A00 } else { 0x1800 };
    Enc::Narrow(op | (r(rm) << 6) | (r(rn) << 3) | r(rd))
}

/// 16-bit `ADD`/`SUB` (immediate) T1: `rd = rn ± imm3`.
pub fn add_sub_imm3(sub: bool, rd: u8, rn: u8, imm3: u16) -> Enc {
    let op = if sub { 0x1E00 } else { 0x1C00 };
    Enc::Narrow(op | ((imm3 & 7) << 6) | (r(rn) << 3) | r(rd))
}

/// 16-bit `MOV`/`CMP`/`ADD`/`SUB` (immediate 8): opcode 0..=3.
pub fn imm8_16(opc: u16, rdn: u8, imm8: u16) -> Enc {
    Enc::Narrow(0x2000 | (opc << 11) | (r(rdn) << 8) | (imm8 & 0xff))
}

/// 16-bit `ADD rdn, rm` (any registers, no flags).
pub fn add_hi16(rdn: u8, rm: u8) -> Enc {
    Enc::Narrow(0x4400 | ((u16::from(rdn) & 8) << 4) | (r(rm) << 3) | (r(rdn) & 7))
}

/// 16-bit `CMP rn, rm` with at least one high register.
pub fn cmp_hi16(rn: u8, rm: u8) -> Enc {
    Enc::Narrow(0x4500 | ((u16::from(rn) & 8) << 4) | (r(rm) << 3) | (r(rn) & 7))
}

/// 16-bit `MOV rd, rm` (any registers, no flags).
pub fn mov_hi16(rd: u8, rm: u8) -> Enc {
    Enc::Narrow(0x4600 | ((u16::from(rd) & 8) << 4) | (r(rm) << 3) | (r(rd) & 7))
}

/// 16-bit shift by immediate (`LSL`/`LSR`/`ASR` T1), amount already in
/// imm5 form (32 encoded as 0).
pub fn shift_imm16(op: ShiftOp, rd: u8, rm: u8, imm5: u16) -> Enc {
    Enc::Narrow((shift_type(op) << 11) | ((imm5 & 31) << 6) | (r(rm) << 3) | r(rd))
}

/// 16-bit `B<cond>` with a halfword offset (`imm8` = offset / 2).
pub fn b_cond16(cond: Cond, off: i32) -> Enc {
    Enc::Narrow(0xD000 | ((cond.bits() as u16) << 8) | (((off >> 1) as u16) & 0xff))
}

/// 16-bit `CBZ` (`nz` false) / `CBNZ` (`nz` true) `rn` (low) with a forward
/// offset in bytes (0..=126, even).
pub fn cbz(nz: bool, rn: u8, off: u32) -> Enc {
    let half = ((off >> 1) & 0x3f) as u16;
    Enc::Narrow(0xB100 | (u16::from(nz) << 11) | ((half >> 5) << 9) | ((half & 31) << 3) | (u16::from(rn) & 7))
}

/// 16-bit `B` (T2) with an offset in bytes.
pub fn b16(off: i32) -> Enc {
    Enc::Narrow(0xE000 | (((off >> 1) as u16) & 0x7ff))
}

/// 32-bit `B<cond>.W` (T3), offset in bytes (±1 MiB).
pub fn b_cond32(cond: Cond, off: i32) -> Enc {
    let s = ((off >> 20) & 1) as u16;
    let j2 = ((off >> 19) & 1) as u16;
    let j1 = ((off >> 18) & 1) as u16;
    let imm6 = ((off >> 12) & 0x3f) as u16;
    let imm11 = ((off >> 1) & 0x7ff) as u16;
    Enc::Wide(
        0xF000 | (s << 10) | ((cond.bits() as u16) << 6) | imm6,
        0x8000 | (j1 << 13) | (j2 << 11) | imm11,
    )
}

/// 32-bit `B.W` (T4, `link` false) or `BL` (`link` true), offset in bytes (±16 MiB).
pub fn b32(link: bool, off: i32) -> Enc {
    let s = ((off >> 24) & 1) as u16;
    let i1 = ((off >> 23) & 1) as u16;
    let i2 = ((off >> 22) & 1) as u16;
    let j1 = (1 - (i1 ^ s)) & 1;
    let j2 = (1 - (i2 ^ s)) & 1;
    let imm10 = ((off >> 12) & 0x3ff) as u16;
    let imm11 = ((off >> 1) & 0x7ff) as u16;
    let second = if link { 0xD000 } else { 0x9000 };
    Enc::Wide(0xF000 | (s << 10) | imm10, second | (j1 << 13) | (j2 << 11) | imm11)
}

/// `IT` with a first condition and a mask.
pub fn it(first: Cond, mask: u16) -> Enc {
    Enc::Narrow(0xBF00 | ((first.bits() as u16) << 4) | (mask & 15))
}

/// 32-bit load/store register-offset first halfword base (`F8x0`), by the
/// op1/op2 bits of the single-data-transfer group; see callers.
pub fn ldst_imm12(base: u16, rt: u8, rn: u8, imm12: u16) -> Enc {
    Enc::Wide(base | 0x0080 | r(rn), (r(rt) << 12) | (imm12 & 0xfff))
}

/// 32-bit load/store with 8-bit immediate (T4/T3/T2 forms): `puw` bits and imm8.
pub fn ldst_imm8(base: u16, rt: u8, rn: u8, puw: u16, imm8: u16) -> Enc {
    Enc::Wide(base | r(rn), (r(rt) << 12) | 0x800 | (puw << 8) | (imm8 & 0xff))
}

/// 32-bit load/store with register offset (`[rn, rm, LSL #imm2]`).
pub fn ldst_reg(base: u16, rt: u8, rn: u8, rm: u8, imm2: u16) -> Enc {
    Enc::Wide(base | r(rn), (r(rt) << 12) | ((imm2 & 3) << 4) | r(rm))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn branch_fields() {
        // b.w / bl with offset -4 is the REL "addend -4" pattern GNU as emits.
        assert_eq!(b32(true, -4), Enc::Wide(0xF7FF, 0xFFFE));
        assert_eq!(b32(false, -4), Enc::Wide(0xF7FF, 0xBFFE));
        assert_eq!(b32(false, 0), Enc::Wide(0xF000, 0xB800));
        assert_eq!(b16(4), Enc::Narrow(0xE002));
        assert_eq!(b_cond16(Cond::Eq, -104), Enc::Narrow(0xD0CC));
    }

    #[test]
    fn data_processing_fields() {
        assert_eq!(add_hi16(0, 1), Enc::Narrow(0x4408));
        assert_eq!(dp_imm(dp_opcode(AluOp::And), true, 0, 0, 0x1ab), Enc::Wide(0xF010, 0x10AB));
        assert_eq!(dp_imm(OP_MOV, false, 8, 15, 0xff), Enc::Wide(0xF04F, 0x08FF));
        assert_eq!(movw_movt(false, 0, 8), Enc::Wide(0xF240, 0x0008));
        assert_eq!(movw_movt(true, 0, 8), Enc::Wide(0xF2C0, 0x0008));
    }
}
