//! What low registers are worth to each instruction: the bytes its
//! encoding saves when all its register operands are in r0-r7 (a 16-bit
//! Thumb encoding exists only for low registers), for the allocator's
//! choice of which values get r0-r7.

use super::{MachInst, Rhs};
use synth_thumb2_enc::{AluOp, LoadOp, ShiftOp, StoreOp};

/// Bytes saved by a 16-bit form.
const NARROW: u32 = 2;

impl MachInst {
    /// Bytes this instruction saves when its register operands are all in
    /// r0-r7: 2 when some 16-bit encoding of it needs only that (its
    /// immediate or offset fits one), 0 when it is 32-bit whatever the
    /// registers (`MLA`, `UMULL`, `UBFX`, shifted operands, large offsets,
    /// modified immediates) or its register choice changes nothing (`MOV`,
    /// calls). An estimate: some 16-bit forms also need the destination to
    /// be the first source, or the flags dead.
    pub fn low_reg_gain(&self) -> u32 {
        use MachInst as M;
        let fits = |b: bool| if b { NARROW } else { 0 };
        match self {
            M::MovImm { imm, .. } => fits(*imm <= 255),
            // A literal-pool load `LDR rd, [pc, #]` is 16-bit for low rd.
            M::MovSym { .. } => NARROW,
            M::Alu { op, .. } => fits(!matches!(op, AluOp::Rsb | AluOp::Orn)),
            M::AluImm { op, imm, .. } => fits(match op {
                AluOp::Add | AluOp::Sub => *imm <= 255,
                AluOp::Rsb => *imm == 0,
                _ => false,
            }),
            M::Mvn { .. } | M::Mul { .. } | M::Extend { .. } | M::ShiftReg { .. } | M::ShiftMasked { .. } => NARROW,
            M::ShiftImm { op, .. } => fits(*op != ShiftOp::Ror),
            M::CmpSet { rhs, .. }
            | M::CmpSelect { rhs, .. }
            | M::Select64 { rhs, .. }
            | M::TrapIf { rhs, .. }
            | M::CmpBr { rhs, .. } => {
                fits(match rhs {
                    Rhs::Imm(i) => *i <= 255,
                    Rhs::Reg(_) | Rhs::TstReg(_) => true,
                    Rhs::TstImm(_) => false,
                })
            }
            M::Load { op, off, .. } => fits(match op {
                LoadOp::Ldr => *off <= 124 && off % 4 == 0,
                LoadOp::Ldrh => *off <= 62 && off % 2 == 0,
                LoadOp::Ldrb => *off <= 31,
                LoadOp::Ldrsb | LoadOp::Ldrsh => false,
            }),
            M::Store { op, off, .. } => fits(match op {
                StoreOp::Str => *off <= 124 && off % 4 == 0,
                StoreOp::Strh => *off <= 62 && off % 2 == 0,
                StoreOp::Strb => *off <= 31,
            }),
            M::LoadIdx { shift, .. } | M::StoreIdx { shift, .. } => fits(*shift == 0),
            M::LoadStack { .. } | M::StoreStack { .. } | M::LeaStack { .. } => NARROW,
            M::AddSub64 { .. } | M::BoundsCheck { .. } | M::StackCheck { .. } => NARROW,
            _ => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use synth_regalloc::Reg;

    #[test]
    fn gain_follows_the_16_bit_forms() {
        let v = Reg::virt;
        let ld = |op, off| MachInst::Load { op, rd: v(0), base: v(1), off };
        assert_eq!(ld(LoadOp::Ldr, 124).low_reg_gain(), 2);
        assert_eq!(ld(LoadOp::Ldr, 128).low_reg_gain(), 0, "no 16-bit LDR reaches 128");
        assert_eq!(ld(LoadOp::Ldr, 2).low_reg_gain(), 0, "unaligned offset");
        assert_eq!(ld(LoadOp::Ldrb, 31).low_reg_gain(), 2);
        assert_eq!(ld(LoadOp::Ldrb, 1280).low_reg_gain(), 0);
        assert_eq!(ld(LoadOp::Ldrsh, 0).low_reg_gain(), 0, "LDRSH has no immediate 16-bit form");
        let mla = MachInst::MulAcc { sub: false, rd: v(0), rn: v(1), rm: v(2), ra: v(3) };
        assert_eq!(mla.low_reg_gain(), 0);
        assert_eq!(MachInst::Mov { rd: v(0), rm: v(1) }.low_reg_gain(), 0, "MOV is 16-bit with any register");
        let add = |imm| MachInst::AluImm { op: AluOp::Add, rd: v(0), rn: v(1), imm };
        assert_eq!(add(255).low_reg_gain(), 2);
        assert_eq!(add(256).low_reg_gain(), 0);
        let and = MachInst::AluImm { op: AluOp::And, rd: v(0), rn: v(1), imm: 1 };
        assert_eq!(and.low_reg_gain(), 0, "AND #imm is 32-bit");
        assert_eq!(MachInst::MovImm { rd: v(0), imm: 256 }.low_reg_gain(), 0);
    }
}
