//! Loads, stores, `PUSH` and `POP`.
//!
//! Takes: width/extension, registers and an offset. Emits: the 16-bit form
//! when registers and offset fit (low registers with a scaled 5-bit offset,
//! or `SP`-relative word accesses with a scaled 8-bit offset), else the 32-bit
//! 12-bit-positive or 8-bit-negative offset form. `PUSH`/`POP` use the 16-bit
//! list form, then a single-register `STR`/`LDR` with writeback, then
//! `STMDB`/`LDMIA`.

use crate::encode::{self, Enc};
use crate::{Assembler, LoadOp, Reg, StoreOp};

/// Per access kind: 32-bit opcode base (`F8x0`, imm8/register forms; the
/// imm12 form adds 0x80), 16-bit register-offset `opB`, 16-bit immediate
/// opcode and its scale (0 = no 16-bit immediate form).
struct Access {
    base32: u16,
    opb: u16,
    imm16: u16,
    scale: u32,
}

fn load_access(op: LoadOp) -> Access {
    match op {
        LoadOp::Ldr => Access { base32: 0xF850, opb: 0b100, imm16: 0x6800, scale: 4 },
        LoadOp::Ldrb => Access { base32: 0xF810, opb: 0b110, imm16: 0x7800, scale: 1 },
        LoadOp::Ldrh => Access { base32: 0xF830, opb: 0b101, imm16: 0x8800, scale: 2 },
        LoadOp::Ldrsb => Access { base32: 0xF910, opb: 0b011, imm16: 0, scale: 0 },
        LoadOp::Ldrsh => Access { base32: 0xF930, opb: 0b111, imm16: 0, scale: 0 },
    }
}

fn store_access(op: StoreOp) -> Access {
    match op {
        StoreOp::Str => Access { base32: 0xF840, opb: 0b000, imm16: 0x6000, scale: 4 },
        StoreOp::Strb => Access { base32: 0xF800, opb: 0b010, imm16: 0x7000, scale: 1 },
        StoreOp::Strh => Access { base32: 0xF820, opb: 0b001, imm16: 0x8000, scale: 2 },
    }
}

impl Assembler {
    fn access_imm(&mut self, what: &str, a: Access, rt: Reg, rn: Reg, offset: i32) {
        if rn == Reg::PC || rn.0 > 15 || rt.0 > 15 || (rt == Reg::PC && a.scale != 4) {
            return self.error(format!("{what}: bad registers r{}, [r{}]", rt.0, rn.0));
        }
        if a.scale != 0 && rt.is_low() && offset >= 0 && (offset as u32) & (a.scale - 1) == 0 {
            let off = offset as u32;
            if rn.is_low() && off / a.scale <= 31 {
                let imm5 = (off / a.scale) as u16;
                return self.emit(Enc::Narrow(a.imm16 | (imm5 << 6) | (u16::from(rn.0) << 3) | u16::from(rt.0)));
            }
            if rn == Reg::SP && a.scale == 4 && off <= 1020 {
                // LDR/STR rt, [SP, #imm8*4]: 0x9800 / 0x9000.
                let op = if a.imm16 == 0x6800 { 0x9800 } else { 0x9000 };
                return self.emit(Enc::Narrow(op | (u16::from(rt.0) << 8) | (off / 4) as u16));
            }
        }
        if (0..=4095).contains(&offset) {
            self.emit(encode::ldst_imm12(a.base32, rt.0, rn.0, offset as u16));
        } else if (-255..0).contains(&offset) {
            self.emit(encode::ldst_imm8(a.base32, rt.0, rn.0, 0b100, (-offset) as u16));
        } else {
            self.error(format!("{what}: offset {offset} out of range -255..=4095"));
        }
    }

    fn access_reg(&mut self, what: &str, a: Access, rt: Reg, rn: Reg, rm: Reg, lsl: u8) {
        if lsl > 3 {
            return self.error(format!("{what}: LSL #{lsl} out of range 0..=3"));
        }
        if !self.check_regs(what, &[rn], true) || !self.check_regs(what, &[rt, rm], false) {
            return;
        }
        if lsl == 0 && rt.is_low() && rn.is_low() && rm.is_low() {
            let enc = 0x5000 | (a.opb << 9) | (u16::from(rm.0) << 6) | (u16::from(rn.0) << 3) | u16::from(rt.0);
            return self.emit(Enc::Narrow(enc));
        }
        self.emit(encode::ldst_reg(a.base32, rt.0, rn.0, rm.0, u16::from(lsl)));
    }

    /// `rt = [rn + offset]` (offset -255..=4095; larger offsets are the
    /// caller's job). `rn` may be `SP`.
    pub fn load(&mut self, op: LoadOp, rt: Reg, rn: Reg, offset: i32) {
        self.access_imm("load", load_access(op), rt, rn, offset);
    }

    /// `rt = [rn + (rm << lsl)]`, `lsl` 0..=3.
    pub fn load_reg(&mut self, op: LoadOp, rt: Reg, rn: Reg, rm: Reg, lsl: u8) {
        self.access_reg("load_reg", load_access(op), rt, rn, rm, lsl);
    }

    /// `[rn + offset] = rt` (offset -255..=4095). `rn` may be `SP`.
    pub fn store(&mut self, op: StoreOp, rt: Reg, rn: Reg, offset: i32) {
        if rt == Reg::PC {
            return self.error("store: rt = pc not allowed".to_string());
        }
        self.access_imm("store", store_access(op), rt, rn, offset);
    }

    /// `[rn + (rm << lsl)] = rt`, `lsl` 0..=3.
    pub fn store_reg(&mut self, op: StoreOp, rt: Reg, rn: Reg, rm: Reg, lsl: u8) {
        self.access_reg("store_reg", store_access(op), rt, rn, rm, lsl);
    }

    /// `PUSH {regs}` (bit i = ri; may include LR).
    pub fn push(&mut self, regs: u16) {
        if regs == 0 || regs & 0xA000 != 0 {
            return self.error(format!("push: bad register list {regs:#06x}"));
        }
        if regs & !0x40FF == 0 {
            let lr = u16::from(regs & 0x4000 != 0) << 8;
            self.emit(Enc::Narrow(0xB400 | lr | (regs & 0xff)));
        } else if regs.count_ones() == 1 {
            // STR.W rt, [SP, #-4]!
            let rt = regs.trailing_zeros() as u8;
            self.emit(encode::ldst_imm8(0xF840, rt, 13, 0b101, 4));
        } else {
            self.emit(Enc::Wide(0xE92D, regs));
        }
    }

    /// `POP {regs}` (bit i = ri; may include PC, which returns).
    pub fn pop(&mut self, regs: u16) {
        if regs == 0 || regs & 0x2000 != 0 || regs & 0xC000 == 0xC000 {
            return self.error(format!("pop: bad register list {regs:#06x}"));
        }
        if regs & 0x8000 != 0 {
            self.check_last_in_it("pop {.., pc}");
        }
        if regs & !0x80FF == 0 {
            let pc = u16::from(regs & 0x8000 != 0) << 8;
            self.emit(Enc::Narrow(0xBC00 | pc | (regs & 0xff)));
        } else if regs.count_ones() == 1 {
            // LDR.W rt, [SP], #4
            let rt = regs.trailing_zeros() as u8;
            self.emit(encode::ldst_imm8(0xF850, rt, 13, 0b011, 4));
        } else {
            self.emit(Enc::Wide(0xE8BD, regs));
        }
    }
}
