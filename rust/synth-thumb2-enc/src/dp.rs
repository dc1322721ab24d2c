//! Data-processing instructions: ALU (register and immediate), shifts,
//! moves, compares, multiplies, divides and extends.
//!
//! Takes: operation, physical registers, immediates and a [`Flags`]
//! requirement. Emits: the shortest encoding with that effect (16-bit where
//! registers, immediates and the flag/IT situation allow, else 32-bit).

use crate::encode::{self, dp16op, dp_opcode, Enc, OP_CMN, OP_MOV, OP_MVN};
use crate::imm::encode_modified_imm;
use crate::{AluOp, Assembler, ExtendOp, Flags, Reg, RelocKind, Shift, ShiftOp, Sym};

fn all_low(regs: &[Reg]) -> bool {
    regs.iter().all(|r| r.is_low())
}

/// The 16-bit two-operand opcode of `op`, when it has one.
fn narrow_dp_op(op: AluOp) -> Option<u16> {
    Some(match op {
        AluOp::And => dp16op::AND,
        AluOp::Eor => dp16op::EOR,
        AluOp::Orr => dp16op::ORR,
        AluOp::Adc => dp16op::ADC,
        AluOp::Sbc => dp16op::SBC,
        AluOp::Bic => dp16op::BIC,
        _ => return None,
    })
}

fn commutative(op: AluOp) -> bool {
    matches!(op, AluOp::Add | AluOp::Adc | AluOp::And | AluOp::Orr | AluOp::Eor)
}

/// `None` when the shift amount is outside the documented range; a
/// `Lsl(0)` is normalised to "no shift".
fn normalise_shift(shift: Option<Shift>) -> Result<Option<Shift>, String> {
    match shift {
        None | Some(Shift::Lsl(0)) => Ok(None),
        Some(Shift::Lsl(n)) if n <= 31 => Ok(shift),
        Some(Shift::Lsr(n)) | Some(Shift::Asr(n)) if (1..=32).contains(&n) => Ok(shift),
        Some(Shift::Ror(n)) if (1..=31).contains(&n) => Ok(shift),
        Some(s) => Err(format!("shift {s:?} out of range")),
    }
}

impl Assembler {
    /// `rd = rn <op> rm` (optionally shifted `rm`).
    pub fn alu(&mut self, op: AluOp, rd: Reg, rn: Reg, rm: Reg, shift: Option<Shift>, flags: Flags) {
        let shift = match normalise_shift(shift) {
            Ok(s) => s,
            Err(e) => return self.error(format!("alu {op:?}: {e}")),
        };
        let sp_ok = matches!(op, AluOp::Add | AluOp::Sub);
        if !self.check_regs("alu", &[rd, rn, rm], sp_ok) {
            return;
        }
        let (mut rn, mut rm) = (rn, rm);
        if op == AluOp::Add && rm == Reg::SP && rn != Reg::SP {
            std::mem::swap(&mut rn, &mut rm);
        }
        if rm == Reg::SP || (rd == Reg::SP && rn != Reg::SP) {
            return self.error(format!("alu {op:?}: SP only allowed as rn (and then also as rd)"));
        }
        if shift.is_none() {
            if matches!(op, AluOp::Add | AluOp::Sub) && all_low(&[rd, rn, rm]) && self.narrow_ok(flags) {
                return self.emit_sets_nz(encode::add_sub_reg16(op == AluOp::Sub, rd.0, rn.0, rm.0), rd);
            }
            if op == AluOp::Add && flags != Flags::Set && (rd == rn || rd == rm) {
                // ADD rdn, rm (T2): any registers, never sets flags.
                let other = if rd == rn { rm } else { rn };
                return self.emit(encode::add_hi16(rd.0, other.0));
            }
            if let Some(opc) = narrow_dp_op(op) {
                if commutative(op) && rd == rm && rd != rn {
                    std::mem::swap(&mut rn, &mut rm);
                }
                if rd == rn && all_low(&[rd, rm]) && self.narrow_ok(flags) {
                    return self.emit_sets_nz(encode::dp16(opc, rd.0, rm.0), rd);
                }
            }
        }
        self.emit(encode::dp_reg(dp_opcode(op), flags == Flags::Set, rd.0, rn.0, rm.0, shift));
    }

    /// `rd = rn <op> #imm`. Returns `false` (emitting nothing) when `imm` has
    /// no encoding for `op` (modified immediate; `ADD`/`SUB` also take 0..=4095).
    ///
    /// Equivalent forms are used when they have the same effect: `ADD #-k`
    /// as `SUB #k` (and back), `ADC #k` as `SBC #~k`, and, unless flags must
    /// be set (their carry differs), `AND #k` as `BIC #~k` and `ORR #k` as
    /// `ORN #~k`.
    pub fn alu_imm(&mut self, op: AluOp, rd: Reg, rn: Reg, imm: u32, flags: Flags) -> bool {
        let sp_ok = matches!(op, AluOp::Add | AluOp::Sub);
        if !self.check_regs("alu_imm", &[rd, rn], sp_ok) {
            return true;
        }
        if rd == Reg::SP && rn != Reg::SP {
            self.error(format!("alu_imm {op:?}: rd = SP needs rn = SP"));
            return true;
        }
        match op {
            AluOp::Add | AluOp::Sub => {
                // x + k and x - (-k) give the same result, and the same flags
                // unless k is 0 or 0x8000_0000.
                let sub = op == AluOp::Sub;
                let neg_ok = flags != Flags::Set || (imm != 0 && imm != 0x8000_0000);
                let mut cands = vec![(sub, imm)];
                if neg_ok && imm != 0 {
                    cands.push((!sub, imm.wrapping_neg()));
                }
                cands.iter().any(|&(s, k)| self.try_add_sub_narrow(s, rd, rn, k, flags))
                    || cands.iter().any(|&(s, k)| self.try_add_sub_wide(s, rd, rn, k, flags))
            }
            AluOp::Rsb if imm == 0 && all_low(&[rd, rn]) && self.narrow_ok(flags) => {
                self.emit_sets_nz(encode::dp16(dp16op::RSB, rd.0, rn.0), rd);
                true
            }
            _ => {
                if self.try_dp_imm(op, rd, rn, imm, flags) {
                    return true;
                }
                let alt = match op {
                    AluOp::Adc => Some(AluOp::Sbc),
                    AluOp::Sbc => Some(AluOp::Adc),
                    AluOp::And if flags != Flags::Set => Some(AluOp::Bic),
                    AluOp::Bic if flags != Flags::Set => Some(AluOp::And),
                    AluOp::Orr if flags != Flags::Set => Some(AluOp::Orn),
                    AluOp::Orn if flags != Flags::Set => Some(AluOp::Orr),
                    _ => None,
                };
                match alt {
                    Some(alt) => self.try_dp_imm(alt, rd, rn, !imm, flags),
                    None => false,
                }
            }
        }
    }

    fn try_dp_imm(&mut self, op: AluOp, rd: Reg, rn: Reg, imm: u32, flags: Flags) -> bool {
        match encode_modified_imm(imm) {
            Some(field) => {
                let enc = encode::dp_imm(dp_opcode(op), flags == Flags::Set, rd.0, rn.0, field);
                if flags == Flags::Set {
                    // N and Z of rd (recorded only outside an IT block,
                    // where the instruction always executes).
                    self.emit_sets_nz(enc, rd);
                } else {
                    self.emit(enc);
                }
                true
            }
            None => false,
        }
    }

    /// 16-bit `ADD`/`SUB` immediate forms (low registers, or `SP`).
    fn try_add_sub_narrow(&mut self, sub: bool, rd: Reg, rn: Reg, k: u32, flags: Flags) -> bool {
        if all_low(&[rd, rn]) && self.narrow_ok(flags) {
            if rd == rn && k <= 255 {
                self.emit_sets_nz(encode::imm8_16(if sub { 3 } else { 2 }, rd.0, k as u16), rd);
                return true;
            }
            if k <= 7 {
                self.emit_sets_nz(encode::add_sub_imm3(sub, rd.0, rn.0, k as u16), rd);
                return true;
            }
        }
        if flags != Flags::Set && rn == Reg::SP && k & 3 == 0 {
            if rd == Reg::SP && k <= 508 {
                let op = if sub { 0xB080 } else { 0xB000 };
                self.emit(Enc::Narrow(op | (k / 4) as u16));
                return true;
            }
            if !sub && rd.is_low() && k <= 1020 {
                self.emit(Enc::Narrow(0xA800 | (u16::from(rd.0) << 8) | (k / 4) as u16));
                return true;
            }
        }
        false
    }

    /// 32-bit `ADD`/`SUB` immediate forms (modified immediate, then 12-bit).
    fn try_add_sub_wide(&mut self, sub: bool, rd: Reg, rn: Reg, k: u32, flags: Flags) -> bool {
        let op = if sub { AluOp::Sub } else { AluOp::Add };
        if self.try_dp_imm(op, rd, rn, k, flags) {
            return true;
        }
        if flags != Flags::Set && k <= 4095 {
            self.emit(encode::addw_subw(sub, rd.0, rn.0, k as u16));
            return true;
        }
        false
    }

    /// `rd = rm <shift> #amount` (amount 0..=31 for LSL, 1..=32 for LSR/ASR, 1..=31 ROR).
    pub fn shift_imm(&mut self, op: ShiftOp, rd: Reg, rm: Reg, amount: u8, flags: Flags) {
        let shift = match op {
            ShiftOp::Lsl => Shift::Lsl(amount),
            ShiftOp::Lsr => Shift::Lsr(amount),
            ShiftOp::Asr => Shift::Asr(amount),
            ShiftOp::Ror => Shift::Ror(amount),
        };
        let shift = match normalise_shift(Some(shift)) {
            Ok(s) => s,
            Err(e) => return self.error(format!("shift_imm: {e}")),
        };
        if !self.check_regs("shift_imm", &[rd, rm], false) {
            return;
        }
        // 16-bit LSL #0 is `MOVS rd, rm`, which is UNPREDICTABLE inside IT.
        let narrow_form_ok = op != ShiftOp::Ror && (shift.is_some() || self.it_left == 0);
        if narrow_form_ok && all_low(&[rd, rm]) && self.narrow_ok(flags) {
            return self.emit_sets_nz(encode::shift_imm16(op, rd.0, rm.0, u16::from(amount) & 31), rd);
        }
        if shift.is_none() && flags != Flags::Set {
            return self.mov(rd, rm);
        }
        self.emit(encode::dp_reg(OP_MOV, flags == Flags::Set, rd.0, 15, rm.0, shift));
    }

    /// `rd = rn <shift> rm` (amount = bottom byte of `rm`).
    pub fn shift_reg(&mut self, op: ShiftOp, rd: Reg, rn: Reg, rm: Reg, flags: Flags) {
        if !self.check_regs("shift_reg", &[rd, rn, rm], false) {
            return;
        }
        if rd == rn && all_low(&[rd, rm]) && self.narrow_ok(flags) {
            let opc = match op {
                ShiftOp::Lsl => dp16op::LSL,
                ShiftOp::Lsr => dp16op::LSR,
                ShiftOp::Asr => dp16op::ASR,
                ShiftOp::Ror => dp16op::ROR,
            };
            return self.emit_sets_nz(encode::dp16(opc, rd.0, rm.0), rd);
        }
        self.emit(encode::shift_reg_w(op, flags == Flags::Set, rd.0, rn.0, rm.0));
    }

    /// `rd = rm` (no flags change; `MOV` T1 / `MOV.W`).
    pub fn mov(&mut self, rd: Reg, rm: Reg) {
        if !self.check_regs("mov", &[rd, rm], true) {
            return;
        }
        // MOV T1 takes any two registers and never sets flags.
        self.emit(encode::mov_hi16(rd.0, rm.0));
    }

    /// `rd = imm` for any 32-bit `imm`: `MOVS`/`MOV.W`/`MVN`/`MOVW`, adding
    /// `MOVT` when needed. Honors `flags` (`Keep` avoids the 16-bit `MOVS`).
    ///
    /// With `Flags::Set` and a value that is neither a modified immediate nor
    /// its complement, the value is built with `MOVW`/`MOVT` and followed by
    /// `TST rd, rd` (N and Z as `MOVS` would set them; C and V unchanged).
    /// Sequences of more than one instruction are an error inside an IT block.
    pub fn mov_imm(&mut self, rd: Reg, imm: u32, flags: Flags) {
        if !self.check_regs("mov_imm", &[rd], false) {
            return;
        }
        let s = flags == Flags::Set;
        if rd.is_low() && imm <= 255 && self.narrow_ok(flags) {
            return self.emit(encode::imm8_16(0, rd.0, imm as u16));
        }
        if let Some(field) = encode_modified_imm(imm) {
            return self.emit(encode::dp_imm(OP_MOV, s, rd.0, 15, field));
        }
        if let Some(field) = encode_modified_imm(!imm) {
            return self.emit(encode::dp_imm(OP_MVN, s, rd.0, 15, field));
        }
        if imm > 0xffff && self.pool_ok() {
            self.lit(rd, crate::pool::PoolValue::Word(imm));
            if s {
                self.tst(rd, rd);
            }
            return;
        }
        let n = usize::from(imm > 0xffff) + 1 + usize::from(s);
        if !self.check_expansion_in_it(n, "mov_imm") {
            return;
        }
        self.emit(encode::movw_movt(false, rd.0, imm as u16));
        if imm > 0xffff {
            self.emit(encode::movw_movt(true, rd.0, (imm >> 16) as u16));
        }
        if s {
            self.tst(rd, rd);
        }
    }

    /// `rd = !rm` (`MVN`).
    pub fn mvn(&mut self, rd: Reg, rm: Reg, flags: Flags) {
        if !self.check_regs("mvn", &[rd, rm], false) {
            return;
        }
        if all_low(&[rd, rm]) && self.narrow_ok(flags) {
            return self.emit(encode::dp16(dp16op::MVN, rd.0, rm.0));
        }
        self.emit(encode::dp_reg(OP_MVN, flags == Flags::Set, rd.0, 15, rm.0, None));
    }

    /// `MOVW rd, #imm16`.
    pub fn movw(&mut self, rd: Reg, imm16: u16) {
        if self.check_regs("movw", &[rd], false) {
            self.emit(encode::movw_movt(false, rd.0, imm16));
        }
    }

    /// `MOVT rd, #imm16`.
    pub fn movt(&mut self, rd: Reg, imm16: u16) {
        if self.check_regs("movt", &[rd], false) {
            self.emit(encode::movw_movt(true, rd.0, imm16));
        }
    }

    /// `MOVW rd, #:lower16:sym+addend` then `MOVT rd, #:upper16:sym+addend`,
    /// with `R_ARM_THM_MOVW_ABS_NC` / `R_ARM_THM_MOVT_ABS` relocations.
    ///
    /// REL convention (as GNU as emits): both instructions carry the addend
    /// itself (not its low/high half) in their imm16 field, so `addend` must
    /// be in -32768..=32767; the linker sign-extends it. Each [`Reloc`](crate::Reloc)
    /// also gives the addend.
    pub fn mov_sym(&mut self, rd: Reg, sym: Sym, addend: i32) {
        if !self.check_regs("mov_sym", &[rd], false) || !self.check_expansion_in_it(2, "mov_sym") {
            return;
        }
        let Ok(a16) = i16::try_from(addend) else {
            return self.error(format!("mov_sym: addend {addend} does not fit a REL imm16"));
        };
        if self.pool_ok() {
            return self.lit(rd, crate::pool::PoolValue::Sym(sym, addend));
        }
        let a16 = a16 as u16;
        self.emit_reloc(encode::movw_movt(false, rd.0, a16), RelocKind::ThmMovwAbsNc, sym, addend);
        self.emit_reloc(encode::movw_movt(true, rd.0, a16), RelocKind::ThmMovtAbs, sym, addend);
    }

    /// `CMP rn, rm`.
    pub fn cmp(&mut self, rn: Reg, rm: Reg) {
        if !self.check_regs("cmp", &[rn, rm], true) {
            return;
        }
        if all_low(&[rn, rm]) {
            self.emit(encode::dp16(dp16op::CMP, rn.0, rm.0));
        } else {
            self.emit(encode::cmp_hi16(rn.0, rm.0));
        }
    }

    /// `CMP rn, #imm` (or `CMN rn, #-imm`); `false` when neither encodes.
    pub fn cmp_imm(&mut self, rn: Reg, imm: u32) -> bool {
        if !self.check_regs("cmp_imm", &[rn], true) {
            return true;
        }
        if rn.is_low() && imm <= 255 {
            self.emit(encode::imm8_16(1, rn.0, imm as u16));
        } else if let Some(field) = encode_modified_imm(imm) {
            self.emit(encode::dp_imm(dp_opcode(AluOp::Sub), true, 15, rn.0, field));
        } else if let Some(field) = encode_modified_imm(imm.wrapping_neg()) {
            // imm is neither 0 nor 0x8000_0000 here (both encode), so CMN
            // with -imm sets the same flags.
            self.emit(encode::dp_imm(OP_CMN, true, 15, rn.0, field));
        } else {
            return false;
        }
        true
    }

    /// `TST rn, rm`.
    pub fn tst(&mut self, rn: Reg, rm: Reg) {
        if !self.check_regs("tst", &[rn, rm], false) {
            return;
        }
        if all_low(&[rn, rm]) {
            self.emit(encode::dp16(dp16op::TST, rn.0, rm.0));
        } else {
            self.emit(encode::dp_reg(dp_opcode(AluOp::And), true, 15, rn.0, rm.0, None));
        }
    }

    /// `TST rn, #imm`; `false` when not encodable.
    pub fn tst_imm(&mut self, rn: Reg, imm: u32) -> bool {
        if !self.check_regs("tst_imm", &[rn], false) {
            return true;
        }
        match encode_modified_imm(imm) {
            Some(field) => {
                self.emit(encode::dp_imm(dp_opcode(AluOp::And), true, 15, rn.0, field));
                true
            }
            None => false,
        }
    }

    /// `TEQ rn, rm`.
    pub fn teq(&mut self, rn: Reg, rm: Reg) {
        if self.check_regs("teq", &[rn, rm], false) {
            self.emit(encode::dp_reg(dp_opcode(AluOp::Eor), true, 15, rn.0, rm.0, None));
        }
    }

    /// `rd = rn * rm` (low 32 bits).
    ///
    /// Thumb-2 has no 32-bit `MULS`: with `Flags::Set` where the 16-bit
    /// `MULS` cannot be used, this emits `MUL` then `TST rd, rd` (N and Z as
    /// `MULS` sets them) — an error inside an IT block.
    pub fn mul(&mut self, rd: Reg, rn: Reg, rm: Reg, flags: Flags) {
        if !self.check_regs("mul", &[rd, rn, rm], false) {
            return;
        }
        let (rn, rm) = if rd == rn { (rm, rn) } else { (rn, rm) };
        if rd == rm && all_low(&[rd, rn]) && self.narrow_ok(flags) {
            return self.emit(encode::dp16(dp16op::MUL, rd.0, rn.0));
        }
        let set = flags == Flags::Set;
        if !self.check_expansion_in_it(1 + usize::from(set), "mul with Flags::Set") {
            return;
        }
        self.emit(Enc::Wide(0xFB00 | u16::from(rn.0), 0xF000 | (u16::from(rd.0) << 8) | u16::from(rm.0)));
        if set {
            self.tst(rd, rd);
        }
    }

    fn mul_acc(&mut self, what: &str, sub: bool, rd: Reg, rn: Reg, rm: Reg, ra: Reg) {
        if self.check_regs(what, &[rd, rn, rm, ra], false) {
            let op2 = (u16::from(ra.0) << 12) | (u16::from(rd.0) << 8) | (u16::from(sub) << 4) | u16::from(rm.0);
            self.emit(Enc::Wide(0xFB00 | u16::from(rn.0), op2));
        }
    }

    /// `rd = ra + rn * rm`.
    pub fn mla(&mut self, rd: Reg, rn: Reg, rm: Reg, ra: Reg) {
        self.mul_acc("mla", false, rd, rn, rm, ra);
    }

    /// `rd = ra - rn * rm`.
    pub fn mls(&mut self, rd: Reg, rn: Reg, rm: Reg, ra: Reg) {
        self.mul_acc("mls", true, rd, rn, rm, ra);
    }

    fn long_mul(&mut self, what: &str, op1: u16, rdlo: Reg, rdhi: Reg, rn: Reg, rm: Reg) {
        if !self.check_regs(what, &[rdlo, rdhi, rn, rm], false) {
            return;
        }
        if rdlo == rdhi {
            return self.error(format!("{what}: RdLo and RdHi must differ"));
        }
        let op2 = (u16::from(rdlo.0) << 12) | (u16::from(rdhi.0) << 8) | u16::from(rm.0);
        self.emit(Enc::Wide(op1 | u16::from(rn.0), op2));
    }

    /// `rdhi:rdlo = rn * rm` unsigned.
    pub fn umull(&mut self, rdlo: Reg, rdhi: Reg, rn: Reg, rm: Reg) {
        self.long_mul("umull", 0xFBA0, rdlo, rdhi, rn, rm);
    }

    /// `rdhi:rdlo = rn * rm` signed.
    pub fn smull(&mut self, rdlo: Reg, rdhi: Reg, rn: Reg, rm: Reg) {
        self.long_mul("smull", 0xFB80, rdlo, rdhi, rn, rm);
    }

    fn rrr_wide(&mut self, what: &str, op1: u16, op2: u16, rd: Reg, rn: Reg, rm: Reg) {
        if self.check_regs(what, &[rd, rn, rm], false) {
            self.emit(Enc::Wide(op1 | u16::from(rn.0), op2 | (u16::from(rd.0) << 8) | u16::from(rm.0)));
        }
    }

    /// `rd = rn / rm` signed (`SDIV`).
    pub fn sdiv(&mut self, rd: Reg, rn: Reg, rm: Reg) {
        self.rrr_wide("sdiv", 0xFB90, 0xF0F0, rd, rn, rm);
    }

    /// `rd = rn / rm` unsigned (`UDIV`).
    pub fn udiv(&mut self, rd: Reg, rn: Reg, rm: Reg) {
        self.rrr_wide("udiv", 0xFBB0, 0xF0F0, rd, rn, rm);
    }

    /// `CLZ rd, rm`.
    pub fn clz(&mut self, rd: Reg, rm: Reg) {
        // The encoding repeats Rm in both halfwords.
        self.rrr_wide("clz", 0xFAB0, 0xF080, rd, rm, rm);
    }

    /// `RBIT rd, rm`.
    pub fn rbit(&mut self, rd: Reg, rm: Reg) {
        self.rrr_wide("rbit", 0xFA90, 0xF0A0, rd, rm, rm);
    }

    /// `SXTB`/`SXTH`/`UXTB`/`UXTH rd, rm`.
    pub fn extend(&mut self, op: ExtendOp, rd: Reg, rm: Reg) {
        if !self.check_regs("extend", &[rd, rm], false) {
            return;
        }
        let (narrow, wide) = match op {
            ExtendOp::Sxth => (0u16, 0xFA0Fu16),
            ExtendOp::Sxtb => (1, 0xFA4F),
            ExtendOp::Uxth => (2, 0xFA1F),
            ExtendOp::Uxtb => (3, 0xFA5F),
        };
        if all_low(&[rd, rm]) {
            self.emit(Enc::Narrow(0xB200 | (narrow << 6) | (u16::from(rm.0) << 3) | u16::from(rd.0)));
        } else {
            self.emit(Enc::Wide(wide, 0xF080 | (u16::from(rd.0) << 8) | u16::from(rm.0)));
        }
    }

    /// `UBFX rd, rn, #lsb, #width` (`signed`: `SBFX`): bits `lsb..lsb+width`
    /// of `rn`, zero- (sign-) extended into `rd`. Requires `1 <= width` and
    /// `lsb + width <= 32`; anything else is an assembler error.
    pub fn bfx(&mut self, signed: bool, rd: Reg, rn: Reg, lsb: u8, width: u8) {
        if width == 0 || u32::from(lsb) + u32::from(width) > 32 {
            self.error(format!("bfx lsb {lsb} width {width} out of range"));
            return;
        }
        if !self.check_regs("bfx", &[rd, rn], false) {
            return;
        }
        let op1 = if signed { 0xF340 } else { 0xF3C0 };
        let (imm3, imm2) = (u16::from(lsb >> 2), u16::from(lsb & 3));
        let op2 = (imm3 << 12) | (u16::from(rd.0) << 8) | (imm2 << 6) | u16::from(width - 1);
        self.emit(Enc::Wide(op1 | u16::from(rn.0), op2));
    }
}

#[cfg(test)]
mod tests {
    use crate::imm::expand_modified_imm;
    use crate::{AluOp, Assembler, Cond, Flags, Reg, Shift, ShiftOp};

    fn halfwords(a: Assembler) -> Vec<u16> {
        let code = a.finish().expect("assembles");
        code.bytes.chunks(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect()
    }

    fn one(f: impl FnOnce(&mut Assembler)) -> Vec<u16> {
        let mut a = Assembler::new();
        f(&mut a);
        halfwords(a)
    }

    /// Value left in the register by a `mov_imm` sequence (tiny decoder for
    /// the forms `mov_imm` emits).
    fn mov_value(hws: &[u16]) -> u32 {
        let mut v = 0u32;
        let mut i = 0;
        while i < hws.len() {
            let h = hws[i];
            if h & 0xF800 == 0x2000 {
                v = u32::from(h & 0xff);
                i += 1;
                continue;
            }
            if h & 0xFFC0 == 0x4200 || h & 0xFFF0 == 0xEA10 {
                // TST (16- or 32-bit): no register change.
                i += if h & 0xF800 >= 0xE800 { 2 } else { 1 };
                continue;
            }
            let l = hws[i + 1];
            let field = ((h >> 10 & 1) << 11) | (l >> 12 & 7) << 8 | (l & 0xff);
            let imm16 = u32::from((h & 0xf) << 12 | field);
            match h & 0xFBE0 {
                0xF040 => v = expand_modified_imm(field).unwrap(),
                0xF060 => v = !expand_modified_imm(field).unwrap(),
                0xF240 => v = imm16,
                0xF2C0 => v = (v & 0xffff) | imm16 << 16,
                _ => panic!("unexpected {h:04x} {l:04x}"),
            }
            i += 2;
        }
        v
    }

    #[test]
    fn mov_imm_builds_every_value_shortest() {
        let mut x: u32 = 1;
        let mut values = vec![0, 7, 8, 255, 256, 4095, 0xffff, 0x10000, 0x00AB_00AB, 0xFF00_0000, u32::MAX, !255];
        for _ in 0..20_000 {
            x = x.wrapping_mul(747_796_405).wrapping_add(2_891_336_453);
            values.push(x >> (x % 29));
            values.push(x);
        }
        for &v in &values {
            for rd in [Reg(0), Reg(9)] {
                for flags in [Flags::Any, Flags::Keep, Flags::Set] {
                    let hws = one(|a| a.mov_imm(rd, v, flags));
                    assert_eq!(mov_value(&hws), v, "{v:#x} {flags:?} -> {hws:04x?}");
                    let expect_len = if rd.is_low() && v <= 255 && flags != Flags::Keep {
                        1
                    } else if crate::is_modified_imm(v) || crate::is_modified_imm(!v) || v <= 0xffff {
                        2
                    } else {
                        4
                    };
                    let extra = usize::from(flags == Flags::Set && expect_len > 2 || flags == Flags::Set && expect_len == 2 && !crate::is_modified_imm(v) && !crate::is_modified_imm(!v));
                    let tst_len = if rd.is_low() { 1 } else { 2 };
                    assert_eq!(hws.len(), expect_len + extra * tst_len, "{v:#x} {flags:?} -> {hws:04x?}");
                }
            }
        }
    }

    #[test]
    fn flags_choose_width_outside_and_inside_it() {
        // Outside IT: 16-bit ADDS sets flags, so Keep needs ADD.W.
        assert_eq!(one(|a| a.alu(AluOp::Add, Reg(0), Reg(1), Reg(2), None, Flags::Set)).len(), 1);
        assert_eq!(one(|a| a.alu(AluOp::Add, Reg(0), Reg(1), Reg(2), None, Flags::Keep)).len(), 2);
        // Inside IT: the 16-bit form keeps flags, so Set needs ADDS.W.
        let it = one(|a| {
            a.it(Cond::Eq, "t");
            a.alu(AluOp::Add, Reg(0), Reg(1), Reg(2), None, Flags::Keep);
            a.alu(AluOp::Add, Reg(0), Reg(1), Reg(2), None, Flags::Set);
        });
        assert_eq!(it, vec![0xBF04, 0x1888, 0xEB11, 0x0002]);
        // After the block closes the outside rules apply again.
        let after = one(|a| {
            a.it(Cond::Ne, "");
            a.nop();
            a.alu(AluOp::Eor, Reg(0), Reg(0), Reg(1), None, Flags::Keep);
        });
        assert_eq!(after, vec![0xBF18, 0xBF00, 0xEA80, 0x0001]);
    }

    #[test]
    fn lsl_zero_inside_it_is_not_the_16bit_movs() {
        let hws = one(|a| {
            a.it(Cond::Eq, "t");
            a.shift_imm(ShiftOp::Lsl, Reg(0), Reg(1), 0, Flags::Any);
            a.shift_imm(ShiftOp::Lsl, Reg(0), Reg(1), 0, Flags::Set);
        });
        // moveq r0, r1 (MOV T1); movseq.w r0, r1
        assert_eq!(hws, vec![0xBF04, 0x4608, 0xEA5F, 0x0001]);
    }

    #[test]
    fn it_masks() {
        let mask = |first, rest: &str| one(|a| {
            a.it(first, rest);
            for _ in 0..=rest.len() {
                a.nop();
            }
        })[0];
        assert_eq!(mask(Cond::Eq, ""), 0xBF08);
        assert_eq!(mask(Cond::Eq, "e"), 0xBF0C);
        assert_eq!(mask(Cond::Ne, "e"), 0xBF14);
        assert_eq!(mask(Cond::Eq, "tt"), 0xBF02);
        assert_eq!(mask(Cond::Ne, "tee"), 0xBF19);
        assert_eq!(mask(Cond::Eq, "ete"), 0xBF0B);
    }

    #[test]
    fn unencodable_immediates_return_false_and_emit_nothing() {
        let mut a = Assembler::new();
        assert!(!a.alu_imm(AluOp::And, Reg(0), Reg(1), 0x1234_5678, Flags::Any));
        assert!(!a.alu_imm(AluOp::Eor, Reg(0), Reg(1), 0x101, Flags::Any));
        assert!(!a.alu_imm(AluOp::Add, Reg(0), Reg(1), 0x1234_5678, Flags::Any));
        // ADDW has no flag-setting form.
        assert!(!a.alu_imm(AluOp::Add, Reg(0), Reg(1), 4095, Flags::Set));
        // AND #k as BIC #~k would set C differently.
        assert!(!a.alu_imm(AluOp::And, Reg(0), Reg(1), 0xFFFF_FF00, Flags::Set));
        assert!(!a.cmp_imm(Reg(0), 0x1234_5678));
        assert!(!a.tst_imm(Reg(0), 0x101));
        assert_eq!(a.len_estimate(), 0);
        assert!(a.finish().unwrap().bytes.is_empty());
    }

    #[test]
    fn bad_operands_are_reported_by_finish() {
        type Case = Box<dyn Fn(&mut Assembler)>;
        let cases: Vec<Case> = vec![
            Box::new(|a| a.alu(AluOp::Add, Reg(0), Reg(1), Reg(2), Some(Shift::Lsr(0)), Flags::Any)),
            Box::new(|a| a.alu(AluOp::Add, Reg(0), Reg(1), Reg(2), Some(Shift::Lsl(32)), Flags::Any)),
            Box::new(|a| a.shift_imm(ShiftOp::Ror, Reg(0), Reg(1), 32, Flags::Any)),
            Box::new(|a| a.alu(AluOp::Add, Reg::PC, Reg(1), Reg(2), None, Flags::Any)),
            Box::new(|a| a.umull(Reg(0), Reg(0), Reg(1), Reg(2))),
            Box::new(|a| a.mov_sym(Reg(0), crate::Sym(0), 40_000)),
            Box::new(|a| a.load(crate::LoadOp::Ldr, Reg(0), Reg(1), 4096)),
            Box::new(|a| a.load(crate::LoadOp::Ldr, Reg(0), Reg(1), -256)),
            Box::new(|a| a.load_reg(crate::LoadOp::Ldr, Reg(0), Reg(1), Reg(2), 4)),
            Box::new(|a| a.push(0)),
            Box::new(|a| a.pop(0xC000)),
            Box::new(|a| a.push(0x8000)),
            Box::new(|a| a.alu(AluOp::And, Reg(0), Reg::SP, Reg(2), None, Flags::Any)),
            Box::new(|a| a.alu(AluOp::Add, Reg::SP, Reg(1), Reg(2), None, Flags::Any)),
            Box::new(|a| {
                a.alu_imm(AluOp::Add, Reg::SP, Reg(1), 4, Flags::Any);
            }),
        ];
        for (i, f) in cases.iter().enumerate() {
            let mut a = Assembler::new();
            f(&mut a);
            assert!(a.finish().is_err(), "case {i} must be rejected");
        }
    }

    #[test]
    fn commuted_and_swapped_operands() {
        // rd == rm on a commutative op uses the 16-bit form with operands swapped.
        assert_eq!(one(|a| a.alu(AluOp::Orr, Reg(2), Reg(3), Reg(2), None, Flags::Any)), vec![0x431A]);
        // Non-commutative BIC cannot.
        assert_eq!(one(|a| a.alu(AluOp::Bic, Reg(2), Reg(3), Reg(2), None, Flags::Any)).len(), 2);
        assert_eq!(one(|a| a.mul(Reg(1), Reg(1), Reg(4), Flags::Any)), vec![0x4361]);
    }

    #[cfg(debug_assertions)]
    #[test]
    #[should_panic(expected = "IT block misuse")]
    fn two_instruction_expansion_inside_it_asserts() {
        let mut a = Assembler::new();
        a.it(Cond::Eq, "");
        a.mov_imm(Reg(0), 0x1234_5678, Flags::Any);
    }

    #[cfg(debug_assertions)]
    #[test]
    #[should_panic(expected = "IT block misuse")]
    fn bl_not_last_in_it_asserts() {
        let mut a = Assembler::new();
        a.it(Cond::Eq, "t");
        a.bl(crate::Sym(0));
    }

    #[test]
    fn bfx_rejects_empty_or_overlong_fields() {
        for (lsb, width) in [(0u8, 0u8), (1, 32), (31, 2), (32, 1)] {
            let mut a = Assembler::new();
            a.bfx(false, Reg(0), Reg(1), lsb, width);
            assert!(a.finish().is_err(), "lsb {lsb} width {width} must be rejected");
        }
        assert_eq!(one(|a| a.bfx(false, Reg(0), Reg(1), 6, 6)), [0xF3C1, 0x1085]);
    }
}
