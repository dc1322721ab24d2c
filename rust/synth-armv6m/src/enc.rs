//! The ARMv6-M encoder: the 16-bit Thumb instructions of ARMv6-M and the
//! 32-bit `BL`, as GNU `arm-none-eabi-as -mcpu=cortex-m0plus` assembles
//! them (checked byte for byte in the tests below).
//!
//! Takes: register numbers (r0-r7 unless the form says otherwise),
//! immediates already in range (callers check; out-of-range values are a
//! bug and panic in debug builds). Returns: halfwords.

/// A condition code (the `cond` field of `B<c>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cond {
    /// Equal (Z).
    Eq = 0,
    /// Not equal.
    Ne = 1,
    /// Carry set / unsigned higher or same.
    Hs = 2,
    /// Carry clear / unsigned lower.
    Lo = 3,
    /// Negative.
    Mi = 4,
    /// Positive or zero.
    Pl = 5,
    /// Unsigned higher.
    Hi = 8,
    /// Unsigned lower or same.
    Ls = 9,
    /// Signed greater or equal.
    Ge = 10,
    /// Signed less than.
    Lt = 11,
    /// Signed greater than.
    Gt = 12,
    /// Signed less or equal.
    Le = 13,
}

impl Cond {
    /// The condition that holds exactly when `self` does not.
    pub fn invert(self) -> Cond {
        use Cond::*;
        match self {
            Eq => Ne,
            Ne => Eq,
            Hs => Lo,
            Lo => Hs,
            Mi => Pl,
            Pl => Mi,
            Hi => Ls,
            Ls => Hi,
            Ge => Lt,
            Lt => Ge,
            Gt => Le,
            Le => Gt,
        }
    }

    /// The condition after `cmp a, b` that means `a cc b`.
    pub fn from_intcc(cc: synth_ir::IntCC) -> Cond {
        use synth_ir::IntCC::*;
        match cc {
            Eq => Cond::Eq,
            Ne => Cond::Ne,
            LtS => Cond::Lt,
            LtU => Cond::Lo,
            GtS => Cond::Gt,
            GtU => Cond::Hi,
            LeS => Cond::Le,
            LeU => Cond::Ls,
            GeS => Cond::Ge,
            GeU => Cond::Hs,
        }
    }
}

fn lo(r: u8) -> u16 {
    debug_assert!(r < 8, "r{r} is no low register");
    u16::from(r & 7)
}

/// Two-register data-processing operations (`<op>S <Rdn>, <Rm>`, T1,
/// opcode field bits 9:6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dp {
    /// `ANDS`.
    And = 0,
    /// `EORS`.
    Eor = 1,
    /// `LSLS` by register.
    Lsl = 2,
    /// `LSRS` by register.
    Lsr = 3,
    /// `ASRS` by register.
    Asr = 4,
    /// `ADCS`.
    Adc = 5,
    /// `SBCS`.
    Sbc = 6,
    /// `RORS` by register.
    Ror = 7,
    /// `TST`.
    Tst = 8,
    /// `RSBS <Rd>, <Rn>, #0` (`NEGS`).
    Neg = 9,
    /// `CMP` (low registers).
    Cmp = 10,
    /// `CMN`.
    Cmn = 11,
    /// `ORRS`.
    Orr = 12,
    /// `MULS <Rdm>, <Rn>, <Rdm>` (Rm field = Rn).
    Mul = 13,
    /// `BICS`.
    Bic = 14,
    /// `MVNS`.
    Mvn = 15,
}

/// `<op>S rdn, rm` (for `MULS rdm, rn, rdm`: `dp(Mul, rdm, rn)`).
pub fn dp(op: Dp, rdn: u8, rm: u8) -> u16 {
    0x4000 | (op as u16) << 6 | lo(rm) << 3 | lo(rdn)
}

/// Shift by immediate: `LSLS`/`LSRS`/`ASRS rd, rm, #imm` (imm 0..=31 for
/// LSL, 1..=32 for LSR/ASR; 32 is encoded as 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Shift {
    /// Logical left.
    Lsl = 0,
    /// Logical right.
    Lsr = 1,
    /// Arithmetic right.
    Asr = 2,
}

/// `LSLS/LSRS/ASRS rd, rm, #imm`.
pub fn shift_imm(op: Shift, rd: u8, rm: u8, imm: u8) -> u16 {
    debug_assert!(imm <= 32 && !(op == Shift::Lsl && imm == 32));
    (op as u16) << 11 | u16::from(imm & 31) << 6 | lo(rm) << 3 | lo(rd)
}

/// `ADDS rd, rn, rm`.
pub fn adds_rrr(rd: u8, rn: u8, rm: u8) -> u16 {
    0x1800 | lo(rm) << 6 | lo(rn) << 3 | lo(rd)
}

/// `SUBS rd, rn, rm`.
pub fn subs_rrr(rd: u8, rn: u8, rm: u8) -> u16 {
    0x1A00 | lo(rm) << 6 | lo(rn) << 3 | lo(rd)
}

/// `ADDS rd, rn, #imm3`.
pub fn adds_imm3(rd: u8, rn: u8, imm: u8) -> u16 {
    debug_assert!(imm < 8);
    0x1C00 | u16::from(imm) << 6 | lo(rn) << 3 | lo(rd)
}

/// `SUBS rd, rn, #imm3`.
pub fn subs_imm3(rd: u8, rn: u8, imm: u8) -> u16 {
    debug_assert!(imm < 8);
    0x1E00 | u16::from(imm) << 6 | lo(rn) << 3 | lo(rd)
}

/// `MOVS rd, #imm8`.
pub fn movs_imm(rd: u8, imm: u8) -> u16 {
    0x2000 | lo(rd) << 8 | u16::from(imm)
}

/// `CMP rn, #imm8`.
pub fn cmp_imm(rn: u8, imm: u8) -> u16 {
    0x2800 | lo(rn) << 8 | u16::from(imm)
}

/// `ADDS rdn, #imm8`.
pub fn adds_imm8(rdn: u8, imm: u8) -> u16 {
    0x3000 | lo(rdn) << 8 | u16::from(imm)
}

/// `SUBS rdn, #imm8`.
pub fn subs_imm8(rdn: u8, imm: u8) -> u16 {
    0x3800 | lo(rdn) << 8 | u16::from(imm)
}

/// `MOV rd, rm` (T1: any registers r0-r15, flags unchanged).
pub fn mov(rd: u8, rm: u8) -> u16 {
    debug_assert!(rd < 16 && rm < 16);
    0x4600 | u16::from(rd >> 3) << 7 | u16::from(rm) << 3 | u16::from(rd & 7)
}

/// `CMP rn, rm` (low registers, T1).
pub fn cmp_rr(rn: u8, rm: u8) -> u16 {
    dp(Dp::Cmp, rn, rm)
}

/// `BX rm`.
pub fn bx(rm: u8) -> u16 {
    0x4700 | u16::from(rm) << 3
}

/// `BLX rm`.
pub fn blx(rm: u8) -> u16 {
    0x4780 | u16::from(rm) << 3
}

/// `LDR rt, [pc, #imm]` (imm a multiple of 4, 0..=1020).
pub fn ldr_lit(rt: u8, imm: u32) -> u16 {
    debug_assert!(imm % 4 == 0 && imm <= 1020);
    0x4800 | lo(rt) << 8 | (imm / 4) as u16
}

/// Width and extension of a memory access.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mem {
    /// `STR`.
    Str,
    /// `STRH`.
    Strh,
    /// `STRB`.
    Strb,
    /// `LDRSB` (register offset only).
    Ldrsb,
    /// `LDR`.
    Ldr,
    /// `LDRH`.
    Ldrh,
    /// `LDRB`.
    Ldrb,
    /// `LDRSH` (register offset only).
    Ldrsh,
}

impl Mem {
    /// Bytes accessed.
    pub fn bytes(self) -> u32 {
        match self {
            Mem::Str | Mem::Ldr => 4,
            Mem::Strh | Mem::Ldrh | Mem::Ldrsh => 2,
            Mem::Strb | Mem::Ldrb | Mem::Ldrsb => 1,
        }
    }
}

/// `<op> rt, [rn, rm]`.
pub fn mem_reg(op: Mem, rt: u8, rn: u8, rm: u8) -> u16 {
    let opc: u16 = match op {
        Mem::Str => 0,
        Mem::Strh => 1,
        Mem::Strb => 2,
        Mem::Ldrsb => 3,
        Mem::Ldr => 4,
        Mem::Ldrh => 5,
        Mem::Ldrb => 6,
        Mem::Ldrsh => 7,
    };
    0x5000 | opc << 9 | lo(rm) << 6 | lo(rn) << 3 | lo(rt)
}

/// True when `<op> rt, [rn, #off]` exists (no sign-extending forms; the
/// offset a multiple of the width, at most 31 widths).
pub fn mem_imm_ok(op: Mem, off: u32) -> bool {
    let w = op.bytes();
    !matches!(op, Mem::Ldrsb | Mem::Ldrsh) && off % w == 0 && off / w < 32
}

/// `<op> rt, [rn, #off]` (see [`mem_imm_ok`]).
pub fn mem_imm(op: Mem, rt: u8, rn: u8, off: u32) -> u16 {
    debug_assert!(mem_imm_ok(op, off));
    let base: u16 = match op {
        Mem::Str => 0x6000,
        Mem::Ldr => 0x6800,
        Mem::Strb => 0x7000,
        Mem::Ldrb => 0x7800,
        Mem::Strh => 0x8000,
        Mem::Ldrh => 0x8800,
        Mem::Ldrsb | Mem::Ldrsh => unreachable!("no immediate form"),
    };
    base | ((off / op.bytes()) as u16) << 6 | lo(rn) << 3 | lo(rt)
}

/// `STR rt, [sp, #off]` (off a multiple of 4, 0..=1020).
pub fn str_sp(rt: u8, off: u32) -> u16 {
    debug_assert!(off % 4 == 0 && off <= 1020);
    0x9000 | lo(rt) << 8 | (off / 4) as u16
}

/// `LDR rt, [sp, #off]` (off a multiple of 4, 0..=1020).
pub fn ldr_sp(rt: u8, off: u32) -> u16 {
    debug_assert!(off % 4 == 0 && off <= 1020);
    0x9800 | lo(rt) << 8 | (off / 4) as u16
}

/// `ADR rd, label` (`ADD rd, pc, #imm`: `Align(pc + 4, 4) + imm`; imm a
/// multiple of 4, 0..=1020).
pub fn adr(rd: u8, imm: u32) -> u16 {
    debug_assert!(imm % 4 == 0 && imm <= 1020);
    0xA000 | lo(rd) << 8 | (imm / 4) as u16
}

/// `ADD rd, sp, #imm` (imm a multiple of 4, 0..=1020).
pub fn add_rd_sp(rd: u8, imm: u32) -> u16 {
    debug_assert!(imm % 4 == 0 && imm <= 1020);
    0xA800 | lo(rd) << 8 | (imm / 4) as u16
}

/// `ADD rdm, sp, rdm` (SP plus register, T1): an address past the reach of
/// the immediate forms, with the offset in `rdm` (a low register).
pub fn add_sp_reg(rdm: u8) -> u16 {
    0x4468 | lo(rdm)
}

/// `ADD sp, sp, #imm` (imm a multiple of 4, 0..=508).
pub fn add_sp(imm: u32) -> u16 {
    debug_assert!(imm % 4 == 0 && imm <= 508);
    0xB000 | (imm / 4) as u16
}

/// `SUB sp, sp, #imm` (imm a multiple of 4, 0..=508).
pub fn sub_sp(imm: u32) -> u16 {
    debug_assert!(imm % 4 == 0 && imm <= 508);
    0xB080 | (imm / 4) as u16
}

/// Extension (`SXTH`, `SXTB`, `UXTH`, `UXTB`) and byte reversal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ext {
    /// `SXTH`.
    Sxth,
    /// `SXTB`.
    Sxtb,
    /// `UXTH`.
    Uxth,
    /// `UXTB`.
    Uxtb,
}

/// `SXTH/SXTB/UXTH/UXTB rd, rm`.
pub fn ext(op: Ext, rd: u8, rm: u8) -> u16 {
    let base: u16 = match op {
        Ext::Sxth => 0xB200,
        Ext::Sxtb => 0xB240,
        Ext::Uxth => 0xB280,
        Ext::Uxtb => 0xB2C0,
    };
    base | lo(rm) << 3 | lo(rd)
}

/// `PUSH {list}` (bits 0-7 = r0-r7, bit 14 = lr).
pub fn push(mask: u16) -> u16 {
    debug_assert!(mask & !0x40FF == 0);
    0xB400 | u16::from(mask & 0x4000 != 0) << 8 | (mask & 0xFF)
}

/// `POP {list}` (bits 0-7 = r0-r7, bit 15 = pc).
pub fn pop(mask: u16) -> u16 {
    debug_assert!(mask & !0x80FF == 0);
    0xBC00 | u16::from(mask & 0x8000 != 0) << 8 | (mask & 0xFF)
}

/// `B<c>` with a byte offset from the instruction's address + 4
/// (even, -256..=254).
pub fn b_cond(c: Cond, off: i32) -> u16 {
    debug_assert!(b_cond_ok(off));
    0xD000 | (c as u16) << 8 | ((off >> 1) as u16 & 0xFF)
}

/// True when `B<c>` reaches `off`.
pub fn b_cond_ok(off: i32) -> bool {
    off % 2 == 0 && (-256..=254).contains(&off)
}

/// `B` with a byte offset from the instruction's address + 4 (even,
/// -2048..=2046).
pub fn b(off: i32) -> u16 {
    debug_assert!(b_ok(off));
    0xE000 | ((off >> 1) as u16 & 0x7FF)
}

/// True when `B` reaches `off`.
pub fn b_ok(off: i32) -> bool {
    off % 2 == 0 && (-2048..=2046).contains(&off)
}

/// `BL` with a byte offset from the instruction's address + 4 (even,
/// ±16 MiB): the two halfwords.
pub fn bl(off: i32) -> [u16; 2] {
    debug_assert!(bl_ok(off));
    let imm = (off >> 1) as u32;
    let s = (imm >> 23) & 1;
    let i1 = (imm >> 22) & 1;
    let i2 = (imm >> 21) & 1;
    let j1 = (!(i1 ^ s)) & 1;
    let j2 = (!(i2 ^ s)) & 1;
    let hi = 0xF000 | (s << 10) | ((imm >> 11) & 0x3FF);
    let lo = 0xD000 | (j1 << 13) | (j2 << 11) | (imm & 0x7FF);
    [hi as u16, lo as u16]
}

/// True when `BL` reaches `off`.
pub fn bl_ok(off: i32) -> bool {
    off % 2 == 0 && (-(1 << 24)..(1 << 24)).contains(&off)
}

#[cfg(test)]
mod tests;
