//! Multi-instruction sequences of
//! [`MachInst`](crate::inst::MachInst) expansions: 0/1 materialisation of
//! a condition, population count and 64-bit shifts by register.
//!
//! Takes: physical registers (and the shift kind). Returns: the sequence
//! placed in the assembler; an error when an immediate has no encoding.

use super::Emitter;
use crate::inst::Shift64Op;
use synth_thumb2_enc::{self as enc, AluOp, Cond, Flags, ShiftOp};

impl Emitter<'_> {
    /// `ITE cc; MOVcc rd, #1; MOV!cc rd, #0`.
    pub(super) fn set01(&mut self, cc: Cond, rd: enc::Reg) {
        self.asm.it(cc, "e");
        self.asm.mov_imm(rd, 1, Flags::Any);
        self.asm.mov_imm(rd, 0, Flags::Any);
    }

    pub(super) fn popcnt(&mut self, d: enc::Reg, x: enc::Reg, t: enc::Reg) -> Result<(), String> {
        self.asm.shift_imm(ShiftOp::Lsr, t, x, 1, Flags::Any);
        self.alu_imm(AluOp::And, t, t, 0x5555_5555, Flags::Any)?;
        self.asm.alu(AluOp::Sub, d, x, t, None, Flags::Any);
        self.alu_imm(AluOp::And, t, d, 0x3333_3333, Flags::Any)?;
        self.asm.shift_imm(ShiftOp::Lsr, d, d, 2, Flags::Any);
        self.alu_imm(AluOp::And, d, d, 0x3333_3333, Flags::Any)?;
        self.asm.alu(AluOp::Add, d, d, t, None, Flags::Any);
        self.asm.alu(AluOp::Add, d, d, d, Some(enc::Shift::Lsr(4)), Flags::Any);
        self.alu_imm(AluOp::And, d, d, 0x0F0F_0F0F, Flags::Any)?;
        self.asm.alu(AluOp::Add, d, d, d, Some(enc::Shift::Lsl(8)), Flags::Any);
        self.asm.alu(AluOp::Add, d, d, d, Some(enc::Shift::Lsl(16)), Flags::Any);
        self.asm.shift_imm(ShiftOp::Lsr, d, d, 24, Flags::Any);
        Ok(())
    }

    /// `[dlo, dhi, alo, ahi, n, t, t2]`; see [`MachInst::Shift64`](crate::inst::MachInst::Shift64).
    pub(super) fn shift64(&mut self, op: Shift64Op, r: [enc::Reg; 7]) -> Result<(), String> {
        let [dl, dh, al, ah, n, t, t2] = r;
        self.alu_imm(AluOp::And, t, n, 63, Flags::Any)?;
        // (first result, value shifted into it, second source, main op, cross op)
        let (first, main_src, cross_src, main, cross) = match op {
            Shift64Op::Shl => (dh, ah, al, ShiftOp::Lsl, ShiftOp::Lsr),
            Shift64Op::ShrU | Shift64Op::ShrS => (dl, al, ah, ShiftOp::Lsr, ShiftOp::Lsl),
        };
        self.asm.shift_reg(main, first, main_src, t, Flags::Any);
        self.alu_imm(AluOp::Rsb, t2, t, 32, Flags::Any)?;
        self.asm.shift_reg(cross, t2, cross_src, t2, Flags::Any);
        self.asm.alu(AluOp::Orr, first, first, t2, None, Flags::Any);
        match op {
            Shift64Op::Shl | Shift64Op::ShrU => {
                self.alu_imm(AluOp::Sub, t2, t, 32, Flags::Any)?;
                self.asm.shift_reg(main, t2, cross_src, t2, Flags::Any);
                self.asm.alu(AluOp::Orr, first, first, t2, None, Flags::Any);
                if op == Shift64Op::Shl {
                    self.asm.shift_reg(ShiftOp::Lsl, dl, al, t, Flags::Any);
                } else {
                    self.asm.shift_reg(ShiftOp::Lsr, dh, ah, t, Flags::Any);
                }
            }
            Shift64Op::ShrS => {
                self.alu_imm(AluOp::Sub, t2, t, 32, Flags::Set)?;
                self.asm.it(Cond::Pl, "t");
                self.asm.shift_reg(ShiftOp::Asr, t2, ah, t2, Flags::Any);
                self.asm.alu(AluOp::Orr, dl, dl, t2, None, Flags::Any);
                self.asm.shift_reg(ShiftOp::Asr, dh, ah, t, Flags::Any);
            }
        }
        Ok(())
    }
}
