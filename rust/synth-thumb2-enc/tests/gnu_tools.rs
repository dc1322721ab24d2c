//! Every instruction form the assembler emits, checked against GNU binutils:
//! `arm-none-eabi-objdump` must disassemble each to the expected text, and
//! where GNU as chooses the same encoding, `arm-none-eabi-as` must produce the
//! same bytes. Set `SYNTH_SKIP_ARM_TOOLS=1` to skip when the tools are absent.

mod common;

use common::{Cases, Gas};
use synth_thumb2_enc::{
    AluOp, Assembler, Cond, ExtendOp, Flags, LoadOp, Reg as R, RelocKind, Shift, ShiftOp, StoreOp, Sym,
};

const R0: R = R(0);
const R1: R = R(1);
const R2: R = R(2);
const R3: R = R(3);
const R4: R = R(4);
const R7: R = R(7);
const R8: R = R(8);
const R9: R = R(9);
const R10: R = R(10);
const R12: R = R(12);
const SP: R = R::SP;
const LR: R = R::LR;

fn dp_reg(c: &mut Cases) {
    use AluOp::*;
    use Flags::*;
    c.same(&["adds r0, r1, r2"], |a| a.alu(Add, R0, R1, R2, None, Any));
    c.same(&["adds r7, r7, r7"], |a| a.alu(Add, R7, R7, R7, None, Set));
    c.same(&["add.w r0, r1, r2"], |a| a.alu(Add, R0, R1, R2, None, Keep));
    c.same(&["add r0, r2"], |a| a.alu(Add, R0, R0, R2, None, Keep));
    c.same(&["add r8, r1"], |a| a.alu(Add, R8, R8, R1, None, Any));
    c.add(&["add r1, r8"], Gas::Src("add r1, r8".into()), |a| a.alu(Add, R1, R8, R1, None, Any));
    c.same(&["add r0, r8"], |a| a.alu(Add, R0, R0, R8, None, Keep));
    c.same(&["add.w r8, r9, sl"], |a| a.alu(Add, R8, R9, R10, None, Any));
    c.same(&["adds.w r8, r9, sl"], |a| a.alu(Add, R8, R9, R10, None, Set));
    c.same(&["add.w r0, sp, r1"], |a| a.alu(Add, R0, SP, R1, None, Any));
    c.add(&["add.w r0, sp, r1"], Gas::No, |a| a.alu(Add, R0, R1, SP, None, Any));
    c.same(&["add sp, r0"], |a| a.alu(Add, SP, SP, R0, None, Keep));
    c.same(&["subs r0, r1, r2"], |a| a.alu(Sub, R0, R1, R2, None, Any));
    c.same(&["sub.w r0, r1, r2"], |a| a.alu(Sub, R0, R1, R2, None, Keep));
    c.same(&["subs.w r8, r9, ip"], |a| a.alu(Sub, R8, R9, R12, None, Set));
    c.same(&["sub.w r0, r0, r8"], |a| a.alu(Sub, R0, R0, R8, None, Any));
    c.same(&["sub.w sp, sp, r4"], |a| a.alu(Sub, SP, SP, R4, None, Keep));
    // Shifted operands, edge amounts.
    c.same(&["add.w r0, r1, r2, lsl #1"], |a| a.alu(Add, R0, R1, R2, Some(Shift::Lsl(1)), Any));
    c.same(&["add.w r0, r1, r2, lsl #31"], |a| a.alu(Add, R0, R1, R2, Some(Shift::Lsl(31)), Any));
    c.same(&["adds r0, r1, r2"], |a| a.alu(Add, R0, R1, R2, Some(Shift::Lsl(0)), Any));
    c.same(&["sub.w r0, r1, r2, lsr #1"], |a| a.alu(Sub, R0, R1, R2, Some(Shift::Lsr(1)), Keep));
    c.same(&["subs.w r0, r1, r2, lsr #32"], |a| a.alu(Sub, R0, R1, R2, Some(Shift::Lsr(32)), Set));
    c.same(&["and.w r0, r1, r2, asr #32"], |a| a.alu(And, R0, R1, R2, Some(Shift::Asr(32)), Any));
    c.same(&["orr.w r0, r1, r2, asr #1"], |a| a.alu(Orr, R0, R1, R2, Some(Shift::Asr(1)), Any));
    c.same(&["eor.w r8, r9, sl, ror #31"], |a| a.alu(Eor, R8, R9, R10, Some(Shift::Ror(31)), Any));
    c.same(&["eors.w r0, r1, r2, ror #1"], |a| a.alu(Eor, R0, R1, R2, Some(Shift::Ror(1)), Set));
    // Two-operand 16-bit forms and their commuted variants.
    for (op, n) in [(And, "and"), (Eor, "eor"), (Orr, "orr"), (Adc, "adc"), (Sbc, "sbc"), (Bic, "bic")] {
        c.same(&[&format!("{n}s r0, r1")], |a| a.alu(op, R0, R0, R1, None, Any));
        c.same(&[&format!("{n}.w r0, r0, r1")], |a| a.alu(op, R0, R0, R1, None, Keep));
        c.same(&[&format!("{n}.w r0, r1, r2")], |a| a.alu(op, R0, R1, R2, None, Any));
        c.same(&[&format!("{n}s.w r8, r8, r1")], |a| a.alu(op, R8, R8, R1, None, Set));
    }
    for (op, n) in [(And, "ands"), (Eor, "eors"), (Orr, "orrs"), (Adc, "adcs")] {
        // rd == rm: commuted into the 16-bit form.
        c.add(&[&format!("{n} r0, r1")], Gas::No, |a| a.alu(op, R0, R1, R0, None, Set));
    }
    c.same(&["sbcs.w r0, r1, r0"], |a| a.alu(Sbc, R0, R1, R0, None, Set));
    c.same(&["orn r0, r1, r2"], |a| a.alu(Orn, R0, R1, R2, None, Any));
    c.same(&["orns r8, r1, r2, lsl #4"], |a| a.alu(Orn, R8, R1, R2, Some(Shift::Lsl(4)), Set));
    c.same(&["rsb r0, r1, r2"], |a| a.alu(Rsb, R0, R1, R2, None, Any));
    c.same(&["rsbs r0, r1, r2, lsl #2"], |a| a.alu(Rsb, R0, R1, R2, Some(Shift::Lsl(2)), Set));
}

fn dp_imm(c: &mut Cases) {
    use AluOp::*;
    use Flags::*;
    let ok = |b: bool| assert!(b, "immediate must encode");
    c.same(&["adds r0, r1, #0"], |a| ok(a.alu_imm(Add, R0, R1, 0, Any)));
    c.same(&["adds r0, r1, #7"], |a| ok(a.alu_imm(Add, R0, R1, 7, Any)));
    c.same(&["add.w r0, r1, #8"], |a| ok(a.alu_imm(Add, R0, R1, 8, Any)));
    c.same(&["adds.w r0, r1, #8"], |a| ok(a.alu_imm(Add, R0, R1, 8, Set)));
    c.same(&["adds r0, #8"], |a| ok(a.alu_imm(Add, R0, R0, 8, Any)));
    c.same(&["adds r3, #255"], |a| ok(a.alu_imm(Add, R3, R3, 255, Set)));
    c.same(&["add.w r0, r0, #256"], |a| ok(a.alu_imm(Add, R0, R0, 256, Any)));
    c.same(&["addw r0, r1, #4095"], |a| ok(a.alu_imm(Add, R0, R1, 4095, Any)));
    c.same(&["addw r0, r0, #257"], |a| ok(a.alu_imm(Add, R0, R0, 257, Keep)));
    c.same(&["add.w r0, r0, #1"], |a| ok(a.alu_imm(Add, R0, R0, 1, Keep)));
    c.same(&["add.w r8, r8, #1"], |a| ok(a.alu_imm(Add, R8, R8, 1, Any)));
    c.same(&["add.w r0, r1, #11206827"], |a| ok(a.alu_imm(Add, R0, R1, 0x00AB_00AB, Any)));
    c.same(&["add.w r0, r1, #4278190080"], |a| ok(a.alu_imm(Add, R0, R1, 0xFF00_0000, Any)));
    c.same(&["add.w r0, r1, #2868947712"], |a| ok(a.alu_imm(Add, R0, R1, 0xAB00_AB00, Any)));
    c.same(&["add.w r0, r1, #2880154539"], |a| ok(a.alu_imm(Add, R0, R1, 0xABAB_ABAB, Any)));
    c.same(&["subs r0, r1, #1"], |a| ok(a.alu_imm(Add, R0, R1, u32::MAX, Any)));
    c.same(&["subs r0, r1, #1"], |a| ok(a.alu_imm(Add, R0, R1, u32::MAX, Set)));
    c.same(&["adds r0, #200"], |a| ok(a.alu_imm(Sub, R0, R0, 200u32.wrapping_neg(), Set)));
    c.same(&["subw r0, r1, #4095"], |a| ok(a.alu_imm(Add, R0, R1, 4095u32.wrapping_neg(), Any)));
    c.same(&["subs r0, #255"], |a| ok(a.alu_imm(Sub, R0, R0, 255, Any)));
    c.same(&["subs r0, r1, #7"], |a| ok(a.alu_imm(Sub, R0, R1, 7, Any)));
    c.same(&["sub.w r0, r1, #7"], |a| ok(a.alu_imm(Sub, R0, R1, 7, Keep)));
    c.same(&["subs.w r9, r9, #256"], |a| ok(a.alu_imm(Sub, R9, R9, 256, Set)));
    c.same(&["subw lr, ip, #4095"], |a| ok(a.alu_imm(Sub, LR, R12, 4095, Any)));
    // SP forms.
    c.same(&["add sp, #508"], |a| ok(a.alu_imm(Add, SP, SP, 508, Any)));
    c.same(&["add sp, #0"], |a| ok(a.alu_imm(Add, SP, SP, 0, Keep)));
    c.same(&["sub sp, #8"], |a| ok(a.alu_imm(Sub, SP, SP, 8, Any)));
    c.same(&["sub sp, #508"], |a| ok(a.alu_imm(Add, SP, SP, 508u32.wrapping_neg(), Keep)));
    c.same(&["add.w sp, sp, #512"], |a| ok(a.alu_imm(Add, SP, SP, 512, Any)));
    c.same(&["sub.w sp, sp, #512"], |a| ok(a.alu_imm(Sub, SP, SP, 512, Any)));
    c.add(&["sub.w sp, sp, #516"], Gas::No, |a| ok(a.alu_imm(Sub, SP, SP, 516, Any)));
    c.add(&["add.w sp, sp, #6"], Gas::No, |a| ok(a.alu_imm(Add, SP, SP, 6, Any)));
    c.same(&["addw sp, sp, #4094"], |a| ok(a.alu_imm(Add, SP, SP, 4094, Any)));
    c.same(&["add r0, sp, #1020"], |a| ok(a.alu_imm(Add, R0, SP, 1020, Any)));
    c.same(&["add r7, sp, #0"], |a| ok(a.alu_imm(Add, R7, SP, 0, Keep)));
    c.same(&["add.w r0, sp, #1024"], |a| ok(a.alu_imm(Add, R0, SP, 1024, Any)));
    c.add(&["add.w r8, sp, #4"], Gas::No, |a| ok(a.alu_imm(Add, R8, SP, 4, Any)));
    c.same(&["addw r8, sp, #1001"], |a| ok(a.alu_imm(Add, R8, SP, 1001, Any)));
    c.same(&["adds.w r0, sp, #4"], |a| ok(a.alu_imm(Add, R0, SP, 4, Set)));
    // Logical and carry ops (modified immediates and complement forms).
    c.same(&["and.w r0, r1, #255"], |a| ok(a.alu_imm(And, R0, R1, 255, Any)));
    c.same(&["ands.w r0, r1, #2147483648"], |a| ok(a.alu_imm(And, R0, R1, 0x8000_0000, Set)));
    c.same(&["bic.w r0, r1, #255"], |a| ok(a.alu_imm(And, R0, R1, 0xFFFF_FF00, Any)));
    c.same(&["bic.w r8, r9, #16711935"], |a| ok(a.alu_imm(Bic, R8, R9, 0x00FF_00FF, Keep)));
    c.same(&["orr.w r0, r1, #4278190080"], |a| ok(a.alu_imm(Orr, R0, R1, 0xFF00_0000, Any)));
    c.same(&["orn r0, r1, #255"], |a| ok(a.alu_imm(Orr, R0, R1, 0xFFFF_FF00, Any)));
    c.same(&["orns r0, r1, #256"], |a| ok(a.alu_imm(Orn, R0, R1, 256, Set)));
    c.same(&["eor.w r0, r1, #2880154539"], |a| ok(a.alu_imm(Eor, R0, R1, 0xABAB_ABAB, Any)));
    c.same(&["eors.w r0, r0, #1"], |a| ok(a.alu_imm(Eor, R0, R0, 1, Set)));
    c.same(&["adc.w r0, r1, #1"], |a| ok(a.alu_imm(Adc, R0, R1, 1, Any)));
    c.same(&["adcs.w r0, r1, #4294967295"], |a| ok(a.alu_imm(Adc, R0, R1, u32::MAX, Set)));
    c.same(&["sbcs.w r0, r1, #255"], |a| ok(a.alu_imm(Adc, R0, R1, 0xFFFF_FF00, Set)));
    c.same(&["sbc.w r0, r1, #65280"], |a| ok(a.alu_imm(Sbc, R0, R1, 0xFF00, Any)));
    c.same(&["adcs.w r0, r1, #255"], |a| ok(a.alu_imm(Sbc, R0, R1, !255, Set)));
    c.same(&["negs r0, r1"], |a| ok(a.alu_imm(Rsb, R0, R1, 0, Any)));
    c.add(&["rsb r0, r1, #0"], Gas::Src("rsb.w r0, r1, #0".into()), |a| ok(a.alu_imm(Rsb, R0, R1, 0, Keep)));
    c.same(&["rsb r8, r1, #0"], |a| ok(a.alu_imm(Rsb, R8, R1, 0, Any)));
    c.same(&["rsbs r0, r1, #255"], |a| ok(a.alu_imm(Rsb, R0, R1, 255, Set)));
}

fn shifts_moves(c: &mut Cases) {
    use Flags::*;
    use ShiftOp::*;
    c.same(&["lsls r0, r1, #1"], |a| a.shift_imm(Lsl, R0, R1, 1, Any));
    c.same(&["lsls r0, r1, #31"], |a| a.shift_imm(Lsl, R0, R1, 31, Set));
    c.same(&["movs r0, r1"], |a| a.shift_imm(Lsl, R0, R1, 0, Set));
    c.same(&["mov r0, r1"], |a| a.shift_imm(Lsl, R0, R1, 0, Keep));
    c.same(&["movs.w r8, r1"], |a| a.shift_imm(Lsl, R8, R1, 0, Set));
    c.same(&["lsrs r0, r1, #1"], |a| a.shift_imm(Lsr, R0, R1, 1, Any));
    c.same(&["lsrs r0, r1, #32"], |a| a.shift_imm(Lsr, R0, R1, 32, Any));
    c.same(&["asrs r7, r0, #32"], |a| a.shift_imm(Asr, R7, R0, 32, Any));
    c.same(&["asrs r0, r1, #31"], |a| a.shift_imm(Asr, R0, R1, 31, Any));
    c.add(&["mov.w r0, r1, lsl #3"], Gas::Src("lsl.w r0, r1, #3".into()), |a| a.shift_imm(Lsl, R0, R1, 3, Keep));
    c.add(&["mov.w r8, r1, lsl #1"], Gas::Src("lsl.w r8, r1, #1".into()), |a| a.shift_imm(Lsl, R8, R1, 1, Any));
    c.add(&["movs.w r0, r9, lsr #32"], Gas::Src("lsrs.w r0, r9, #32".into()), |a| a.shift_imm(Lsr, R0, R9, 32, Set));
    c.add(&["mov.w ip, lr, asr #1"], Gas::Src("asr.w ip, lr, #1".into()), |a| a.shift_imm(Asr, R12, LR, 1, Any));
    c.add(&["mov.w r0, r1, ror #1"], Gas::Src("ror.w r0, r1, #1".into()), |a| a.shift_imm(Ror, R0, R1, 1, Any));
    c.add(&["movs.w r0, r1, ror #31"], Gas::Src("rors.w r0, r1, #31".into()), |a| a.shift_imm(Ror, R0, R1, 31, Set));
    for (op, n) in [(Lsl, "lsl"), (Lsr, "lsr"), (Asr, "asr"), (Ror, "ror")] {
        c.same(&[&format!("{n}s r0, r1")], |a| a.shift_reg(op, R0, R0, R1, Any));
        c.same(&[&format!("{n}.w r0, r1, r2")], |a| a.shift_reg(op, R0, R1, R2, Any));
        c.same(&[&format!("{n}.w r0, r0, r1")], |a| a.shift_reg(op, R0, R0, R1, Keep));
        c.same(&[&format!("{n}s.w r8, r9, sl")], |a| a.shift_reg(op, R8, R9, R10, Set));
    }
    c.same(&["mov r0, r1"], |a| a.mov(R0, R1));
    c.same(&["mov r8, r0"], |a| a.mov(R8, R0));
    c.same(&["mov lr, ip"], |a| a.mov(LR, R12));
    c.same(&["mov sp, r7"], |a| a.mov(SP, R7));
    c.same(&["mov r7, sp"], |a| a.mov(R7, SP));
    c.same(&["mvns r0, r1"], |a| a.mvn(R0, R1, Any));
    c.same(&["mvn.w r0, r1"], |a| a.mvn(R0, R1, Keep));
    c.same(&["mvn.w r8, r1"], |a| a.mvn(R8, R1, Any));
    c.same(&["mvns.w r0, r9"], |a| a.mvn(R0, R9, Set));
    c.same(&["movs r0, #0"], |a| a.mov_imm(R0, 0, Any));
    c.same(&["movs r7, #255"], |a| a.mov_imm(R7, 255, Set));
    c.same(&["mov.w r0, #7"], |a| a.mov_imm(R0, 7, Keep));
    c.same(&["mov.w r0, #256"], |a| a.mov_imm(R0, 256, Any));
    c.same(&["mov.w r8, #255"], |a| a.mov_imm(R8, 255, Any));
    c.same(&["movs.w r8, #0"], |a| a.mov_imm(R8, 0, Set));
    c.same(&["mov.w r0, #11206827"], |a| a.mov_imm(R0, 0x00AB_00AB, Any));
    c.same(&["mov.w r0, #4278190080"], |a| a.mov_imm(R0, 0xFF00_0000, Any));
    c.same(&["mov.w r0, #4294967295"], |a| a.mov_imm(R0, u32::MAX, Any));
    c.same(&["mvn.w r0, #255"], |a| a.mov_imm(R0, 0xFFFF_FF00, Any));
    c.same(&["mvns.w r0, #256"], |a| a.mov_imm(R0, !256, Set));
    c.same(&["movw r0, #4095"], |a| a.mov_imm(R0, 4095, Any));
    c.same(&["movw ip, #65535"], |a| a.mov_imm(R12, 0xFFFF, Keep));
    c.same(&["movw r0, #22136", "movt r0, #4660"], |a| a.mov_imm(R0, 0x1234_5678, Any));
    c.same(&["mov.w r0, #65536"], |a| a.mov_imm(R0, 0x0001_0000, Any));
    c.same(&["movw r0, #9029", "movt r0, #1"], |a| a.mov_imm(R0, 0x0001_2345, Any));
    c.same(&["mvn.w lr, #2147483648"], |a| a.mov_imm(LR, 0x7FFF_FFFF, Any));
    c.same(&["movw lr, #65534", "movt lr, #32767"], |a| a.mov_imm(LR, 0x7FFF_FFFE, Any));
    c.same(&["movw r8, #22136", "movt r8, #4660", "tst.w r8, r8"], |a| a.mov_imm(R8, 0x1234_5678, Set));
    c.same(&["movw r1, #4097", "tst r1, r1"], |a| a.mov_imm(R1, 4097, Set));
    c.same(&["movw r0, #65535"], |a| a.movw(R0, 0xFFFF));
    c.same(&["movt ip, #1"], |a| a.movt(R12, 1));
}

fn compares_misc(c: &mut Cases) {
    c.same(&["cmp r0, r1"], |a| a.cmp(R0, R1));
    c.same(&["cmp r8, r1"], |a| a.cmp(R8, R1));
    c.same(&["cmp r1, r8"], |a| a.cmp(R1, R8));
    c.same(&["cmp ip, lr"], |a| a.cmp(R12, LR));
    let ok = |b: bool| assert!(b, "compare immediate must encode");
    c.same(&["cmp r0, #0"], |a| ok(a.cmp_imm(R0, 0)));
    c.same(&["cmp r7, #255"], |a| ok(a.cmp_imm(R7, 255)));
    c.same(&["cmp.w r0, #256"], |a| ok(a.cmp_imm(R0, 256)));
    c.same(&["cmp.w r8, #1"], |a| ok(a.cmp_imm(R8, 1)));
    c.same(&["cmp.w r0, #4294967295"], |a| ok(a.cmp_imm(R0, u32::MAX)));
    c.same(&["cmn.w r0, #256"], |a| ok(a.cmp_imm(R0, 256u32.wrapping_neg())));
    c.same(&["cmn.w r9, #11206827"], |a| ok(a.cmp_imm(R9, 0x00AB_00ABu32.wrapping_neg())));
    c.same(&["tst r0, r1"], |a| a.tst(R0, R1));
    c.same(&["tst.w r8, r1"], |a| a.tst(R8, R1));
    c.same(&["tst.w r0, #2147483648"], |a| ok(a.tst_imm(R0, 0x8000_0000)));
    c.same(&["tst.w ip, #255"], |a| ok(a.tst_imm(R12, 255)));
    c.add(&["teq r0, r1"], Gas::Src("teq.w r0, r1".into()), |a| a.teq(R0, R1));
    c.same(&["teq r8, lr"], |a| a.teq(R8, LR));
    c.add(&["muls r0, r1"], Gas::Src("muls r0, r1, r0".into()), |a| a.mul(R0, R1, R0, Flags::Any));
    c.add(&["muls r0, r1"], Gas::No, |a| a.mul(R0, R0, R1, Flags::Set));
    c.same(&["mul.w r0, r1, r2"], |a| a.mul(R0, R1, R2, Flags::Any));
    c.same(&["mul.w r0, r1, r0"], |a| a.mul(R0, R1, R0, Flags::Keep));
    c.same(&["mul.w r8, r9, sl"], |a| a.mul(R8, R9, R10, Flags::Any));
    c.same(&["mul.w r8, r9, sl", "tst.w r8, r8"], |a| a.mul(R8, R9, R10, Flags::Set));
    c.same(&["mla r0, r1, r2, r3"], |a| a.mla(R0, R1, R2, R3));
    c.same(&["mla r8, r9, sl, ip"], |a| a.mla(R8, R9, R10, R12));
    c.same(&["mls r0, r1, r2, r3"], |a| a.mls(R0, R1, R2, R3));
    c.same(&["mls lr, r9, sl, ip"], |a| a.mls(LR, R9, R10, R12));
    c.same(&["umull r0, r1, r2, r3"], |a| a.umull(R0, R1, R2, R3));
    c.same(&["umull r8, r9, sl, ip"], |a| a.umull(R8, R9, R10, R12));
    c.same(&["smull r0, r1, r2, r3"], |a| a.smull(R0, R1, R2, R3));
    c.same(&["smull lr, r9, sl, ip"], |a| a.smull(LR, R9, R10, R12));
    c.same(&["sdiv r0, r1, r2"], |a| a.sdiv(R0, R1, R2));
    c.same(&["sdiv r8, r9, sl"], |a| a.sdiv(R8, R9, R10));
    c.same(&["udiv r0, r1, r2"], |a| a.udiv(R0, R1, R2));
    c.same(&["udiv lr, ip, r8"], |a| a.udiv(LR, R12, R8));
    c.same(&["clz r0, r1"], |a| a.clz(R0, R1));
    c.same(&["clz r8, lr"], |a| a.clz(R8, LR));
    c.same(&["rbit r0, r1"], |a| a.rbit(R0, R1));
    c.same(&["rbit ip, r9"], |a| a.rbit(R12, R9));
    for (op, n) in [(ExtendOp::Sxtb, "sxtb"), (ExtendOp::Sxth, "sxth"), (ExtendOp::Uxtb, "uxtb"), (ExtendOp::Uxth, "uxth")] {
        c.same(&[&format!("{n} r0, r7")], |a| a.extend(op, R0, R7));
        c.same(&[&format!("{n}.w r8, r1")], |a| a.extend(op, R8, R1));
        c.same(&[&format!("{n}.w r0, ip")], |a| a.extend(op, R0, R12));
    }
    c.same(&["ubfx r0, r1, #6, #6"], |a| a.bfx(false, R0, R1, 6, 6));
    c.same(&["ubfx r8, ip, #0, #12"], |a| a.bfx(false, R8, R12, 0, 12));
    c.same(&["ubfx r3, r2, #31, #1"], |a| a.bfx(false, R3, R2, 31, 1));
    c.same(&["ubfx lr, r9, #1, #31"], |a| a.bfx(false, LR, R9, 1, 31));
    c.same(&["ubfx r0, r7, #0, #32"], |a| a.bfx(false, R0, R7, 0, 32));
    c.same(&["sbfx r0, r1, #3, #5"], |a| a.bfx(true, R0, R1, 3, 5));
    c.same(&["sbfx sl, r4, #16, #16"], |a| a.bfx(true, R10, R4, 16, 16));
    c.same(&["udf #255"], |a| a.udf(255));
    c.same(&["udf #0"], |a| a.udf(0));
    c.add(&["bkpt 0x00ab"], Gas::Src("bkpt 0xab".into()), |a| a.bkpt(0xab));
    c.same(&["nop"], |a| a.nop());
    c.same(&["bx lr"], |a| a.bx(LR));
    c.same(&["bx r3"], |a| a.bx(R3));
    c.same(&["blx r3"], |a| a.blx(R3));
    c.same(&["blx ip"], |a| a.blx(R12));
}

const CONDS: [(Cond, &str); 14] = [
    (Cond::Eq, "eq"),
    (Cond::Ne, "ne"),
    (Cond::Hs, "cs"),
    (Cond::Lo, "cc"),
    (Cond::Mi, "mi"),
    (Cond::Pl, "pl"),
    (Cond::Vs, "vs"),
    (Cond::Vc, "vc"),
    (Cond::Hi, "hi"),
    (Cond::Ls, "ls"),
    (Cond::Ge, "ge"),
    (Cond::Lt, "lt"),
    (Cond::Gt, "gt"),
    (Cond::Le, "le"),
];

fn it_blocks(c: &mut Cases) {
    use Flags::*;
    for (cond, n) in CONDS {
        c.same(&[&format!("it {n}"), &format!("mov{n} r0, #1")], |a| {
            a.it(cond, "");
            a.mov_imm(R0, 1, Any);
        });
    }
    c.same(&["ite eq", "addeq r0, r1, r2", "subne r0, r1, r2"], |a| {
        a.it(Cond::Eq, "e");
        a.alu(AluOp::Add, R0, R1, R2, None, Keep);
        a.alu(AluOp::Sub, R0, R1, R2, None, Any);
    });
    c.same(&["itte ne", "addne r0, #1", "lslne r0, r1, #2", "andeq r0, r1"], |a| {
        a.it(Cond::Ne, "te");
        assert!(a.alu_imm(AluOp::Add, R0, R0, 1, Keep));
        a.shift_imm(ShiftOp::Lsl, R0, R1, 2, Keep);
        a.alu(AluOp::And, R0, R0, R1, None, Any);
    });
    c.same(&["itet gt", "addsgt.w r0, r1, r2", "movle.w r0, #256", "mvngt r0, r1"], |a| {
        a.it(Cond::Gt, "et");
        a.alu(AluOp::Add, R0, R1, R2, None, Set);
        a.mov_imm(R0, 256, Keep);
        a.mvn(R0, R1, Keep);
    });
    let src = "itttt cc\nmovcc r0, #1\nmovscc.w r1, #2\nmulcc r2, r3, r2\nlslscc.w r0, r1, #3";
    c.add(&["itttt cc", "movcc r0, #1", "movscc.w r1, #2", "mulcc r2, r3", "movscc.w r0, r1, lsl #3"], Gas::Src(src.into()), |a| {
        a.it(Cond::Lo, "ttt");
        a.mov_imm(R0, 1, Any);
        a.mov_imm(R1, 2, Set);
        a.mul(R2, R3, R2, Keep);
        a.shift_imm(ShiftOp::Lsl, R0, R1, 3, Set);
    });
    c.same(&["iteee ls", "ldrls r0, [r1, #4]", "strhi r0, [sp, #8]", "cmphi r0, #3", "addhi r0, r1, r2"], |a| {
        a.it(Cond::Ls, "eee");
        a.load(LoadOp::Ldr, R0, R1, 4);
        a.store(StoreOp::Str, R0, SP, 8);
        assert!(a.cmp_imm(R0, 3));
        a.alu(AluOp::Add, R0, R1, R2, None, Keep);
    });
    c.add(&["it ge", "blge {+2}"], Gas::Src("it ge\nblge foo".into()), |a| {
        a.it(Cond::Ge, "");
        a.bl(Sym(1));
    });
    c.add(&["itt eq", "moveq r0, r1", "movseq.w r0, r1"], Gas::No, |a| {
        a.it(Cond::Eq, "t");
        a.shift_imm(ShiftOp::Lsl, R0, R1, 0, Any);
        a.shift_imm(ShiftOp::Lsl, R0, R1, 0, Set);
    });
    c.same(&["ittt hi", "addhi sp, #8", "ldrhi r0, [sp, #4]", "addhi r0, sp, #4"], |a| {
        a.it(Cond::Hi, "tt");
        assert!(a.alu_imm(AluOp::Add, SP, SP, 8, Any));
        a.load(LoadOp::Ldr, R0, SP, 4);
        assert!(a.alu_imm(AluOp::Add, R0, SP, 4, Keep));
    });
    c.same(&["itt lt", "movlt r0, #0", "poplt {r4, pc}"], |a| {
        a.it(Cond::Lt, "t");
        a.mov_imm(R0, 0, Any);
        a.pop(0x8010);
    });
}

fn memory(c: &mut Cases) {
    use LoadOp::*;
    use StoreOp::*;
    c.same(&["ldr r0, [r1, #0]"], |a| a.load(Ldr, R0, R1, 0));
    c.same(&["ldr r7, [r7, #124]"], |a| a.load(Ldr, R7, R7, 124));
    c.same(&["ldr.w r0, [r1, #128]"], |a| a.load(Ldr, R0, R1, 128));
    c.same(&["ldr.w r0, [r1, #2]"], |a| a.load(Ldr, R0, R1, 2));
    c.same(&["ldr.w r0, [r1, #4095]"], |a| a.load(Ldr, R0, R1, 4095));
    c.same(&["ldr.w r0, [r1, #-4]"], |a| a.load(Ldr, R0, R1, -4));
    c.same(&["ldr.w r0, [r1, #-255]"], |a| a.load(Ldr, R0, R1, -255));
    c.same(&["ldr.w r8, [r1]"], |a| a.load(Ldr, R8, R1, 0));
    c.same(&["ldr.w r0, [r9, #8]"], |a| a.load(Ldr, R0, R9, 8));
    c.same(&["ldr r0, [sp, #0]"], |a| a.load(Ldr, R0, SP, 0));
    c.same(&["ldr r7, [sp, #1020]"], |a| a.load(Ldr, R7, SP, 1020));
    c.same(&["ldr.w r0, [sp, #1024]"], |a| a.load(Ldr, R0, SP, 1024));
    c.same(&["ldr.w lr, [sp, #4]"], |a| a.load(Ldr, LR, SP, 4));
    c.same(&["ldr.w r0, [sp, #-8]"], |a| a.load(Ldr, R0, SP, -8));
    c.same(&["ldrb r0, [r1, #0]"], |a| a.load(Ldrb, R0, R1, 0));
    c.same(&["ldrb r0, [r1, #31]"], |a| a.load(Ldrb, R0, R1, 31));
    c.same(&["ldrb.w r0, [r1, #32]"], |a| a.load(Ldrb, R0, R1, 32));
    c.same(&["ldrb.w r0, [r1, #-1]"], |a| a.load(Ldrb, R0, R1, -1));
    c.same(&["ldrb.w r0, [sp, #4]"], |a| a.load(Ldrb, R0, SP, 4));
    c.same(&["ldrh r0, [r1, #62]"], |a| a.load(Ldrh, R0, R1, 62));
    c.same(&["ldrh.w r0, [r1, #63]"], |a| a.load(Ldrh, R0, R1, 63));
    c.same(&["ldrh.w r0, [r1, #64]"], |a| a.load(Ldrh, R0, R1, 64));
    c.same(&["ldrh.w ip, [r1, #-2]"], |a| a.load(Ldrh, R12, R1, -2));
    c.same(&["ldrsb.w r0, [r1]"], |a| a.load(Ldrsb, R0, R1, 0));
    c.same(&["ldrsb.w r0, [r1, #4095]"], |a| a.load(Ldrsb, R0, R1, 4095));
    c.same(&["ldrsb.w r0, [r1, #-255]"], |a| a.load(Ldrsb, R0, R1, -255));
    c.same(&["ldrsh.w r0, [r1, #2]"], |a| a.load(Ldrsh, R0, R1, 2));
    c.same(&["ldrsh.w r8, [sp, #-8]"], |a| a.load(Ldrsh, R8, SP, -8));
    c.same(&["str r0, [r1, #0]"], |a| a.store(Str, R0, R1, 0));
    c.same(&["str r0, [r1, #124]"], |a| a.store(Str, R0, R1, 124));
    c.same(&["str.w r0, [r1, #256]"], |a| a.store(Str, R0, R1, 256));
    c.same(&["str.w r0, [r1, #-4]"], |a| a.store(Str, R0, R1, -4));
    c.same(&["str.w r8, [r1, #4]"], |a| a.store(Str, R8, R1, 4));
    c.same(&["str r3, [sp, #1020]"], |a| a.store(Str, R3, SP, 1020));
    c.same(&["str.w r3, [sp, #1022]"], |a| a.store(Str, R3, SP, 1022));
    c.same(&["str.w r8, [sp, #8]"], |a| a.store(Str, R8, SP, 8));
    c.same(&["strb r0, [r1, #31]"], |a| a.store(Strb, R0, R1, 31));
    c.same(&["strb.w r0, [r1, #4095]"], |a| a.store(Strb, R0, R1, 4095));
    c.same(&["strb.w r0, [r1, #-255]"], |a| a.store(Strb, R0, R1, -255));
    c.same(&["strb.w lr, [sp]"], |a| a.store(Strb, LR, SP, 0));
    c.same(&["strh r0, [r1, #2]"], |a| a.store(Strh, R0, R1, 2));
    c.same(&["strh.w r0, [r1, #7]"], |a| a.store(Strh, R0, R1, 7));
    c.same(&["strh.w r0, [r8, #-2]"], |a| a.store(Strh, R0, R8, -2));
    for (op, n) in [(Ldr, "ldr"), (Ldrb, "ldrb"), (Ldrh, "ldrh"), (Ldrsb, "ldrsb"), (Ldrsh, "ldrsh")] {
        c.same(&[&format!("{n} r0, [r1, r2]")], |a| a.load_reg(op, R0, R1, R2, 0));
        c.same(&[&format!("{n}.w r0, [r1, r2, lsl #1]")], |a| a.load_reg(op, R0, R1, R2, 1));
        c.same(&[&format!("{n}.w r8, [r9, sl, lsl #3]")], |a| a.load_reg(op, R8, R9, R10, 3));
        c.same(&[&format!("{n}.w r0, [sp, r2]")], |a| a.load_reg(op, R0, SP, R2, 0));
    }
    for (op, n) in [(Str, "str"), (Strb, "strb"), (Strh, "strh")] {
        c.same(&[&format!("{n} r0, [r1, r2]")], |a| a.store_reg(op, R0, R1, R2, 0));
        c.same(&[&format!("{n}.w r0, [r1, r2, lsl #2]")], |a| a.store_reg(op, R0, R1, R2, 2));
        c.same(&[&format!("{n}.w lr, [ip, r9]")], |a| a.store_reg(op, LR, R12, R9, 0));
    }
    c.same(&["push {r4, lr}"], |a| a.push(0x4010));
    c.same(&["push {r0}"], |a| a.push(0x0001));
    c.same(&["push {r0, r1, r2, r3, r4, r5, r6, r7, lr}"], |a| a.push(0x40FF));
    c.same(&["str.w r8, [sp, #-4]!"], |a| a.push(0x0100));
    c.same(&["push {lr}"], |a| a.push(0x4000));
    c.add(&["str.w r9, [sp, #-4]!"], Gas::Src("push {r9}".into()), |a| a.push(0x0200));
    c.add(&["stmdb sp!, {r4, r8, lr}"], Gas::Src("push.w {r4, r8, lr}".into()), |a| a.push(0x4110));
    c.add(&["stmdb sp!, {r4, r5, r6, r7, r8, r9, sl, fp, lr}"], Gas::Src("push {r4-r11, lr}".into()), |a| a.push(0x4FF0));
    c.same(&["pop {r4, pc}"], |a| a.pop(0x8010));
    c.same(&["pop {r7}"], |a| a.pop(0x0080));
    c.same(&["ldr.w r8, [sp], #4"], |a| a.pop(0x0100));
    c.same(&["pop {pc}"], |a| a.pop(0x8000));
    c.add(&["ldr.w lr, [sp], #4"], Gas::Src("pop {lr}".into()), |a| a.pop(0x4000));
    c.add(&["ldmia.w sp!, {r4, r8, pc}"], Gas::Src("pop.w {r4, r8, pc}".into()), |a| a.pop(0x8110));
    c.add(&["ldmia.w sp!, {r4, lr}"], Gas::Src("pop {r4, lr}".into()), |a| a.pop(0x4010));
    c.add(&["ldmia.w sp!, {r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, sl, fp, ip, pc}"], Gas::Src("pop {r0-r12, pc}".into()), |a| a.pop(0x9FFF));
}

/// Assembles `f` and adds the instruction(s) at `[at, at + len)` as a case.
fn slice(c: &mut Cases, name: &str, at: u32, len: u32, expect: &[&str], f: impl FnOnce(&mut Assembler)) {
    let mut a = Assembler::new();
    f(&mut a);
    let code = a.finish().unwrap_or_else(|e| panic!("{name}: {e:?}"));
    let bytes = code.bytes[at as usize..(at + len) as usize].to_vec();
    c.push(name.to_string(), bytes, vec![], expect, Gas::No);
}

fn nops(a: &mut Assembler, bytes: u32) {
    for _ in 0..bytes / 2 {
        a.nop();
    }
}

fn branches(c: &mut Cases) {
    // Narrow B, forward and backward, at the range edges.
    c.add(&["b.n {+4}", "nop"], Gas::Src("b.n 1f\nnop\n1:".into()), |a| {
        let l = a.new_label();
        a.b(l);
        a.nop();
        a.bind(l);
    });
    c.add(&["b.n {+0}"], Gas::Src("1: b.n 1b".into()), |a| {
        let l = a.new_label();
        a.bind(l);
        a.b(l);
    });
    slice(c, "b +2046", 0, 2, &["b.n {+2050}"], |a| {
        let l = a.new_label();
        a.b(l);
        nops(a, 2048);
        a.bind(l);
    });
    slice(c, "b +2050", 0, 4, &["b.w {+2054}"], |a| {
        let l = a.new_label();
        a.b(l);
        nops(a, 2050);
        a.bind(l);
    });
    slice(c, "b -2048", 2044, 2, &["b.n {-2044}"], |a| {
        let l = a.new_label();
        a.bind(l);
        nops(a, 2044);
        a.b(l);
    });
    slice(c, "b -2050", 2046, 4, &["b.w {-2046}"], |a| {
        let l = a.new_label();
        a.bind(l);
        nops(a, 2046);
        a.b(l);
    });
    slice(c, "b +16MiB", 0, 4, &["b.w {+16777214}"], |a| {
        let l = a.new_label();
        a.b(l);
        nops(a, 16_777_210);
        a.bind(l);
    });
    // Conditional branches: every condition, narrow both ways.
    for (cond, n) in CONDS {
        c.add(&[&format!("b{n}.n {{+4}}"), "nop"], Gas::Src(format!("b{n}.n 1f\nnop\n1:")), |a| {
            let l = a.new_label();
            a.b_cond(cond, l);
            a.nop();
            a.bind(l);
        });
        c.add(&["nop", &format!("b{n}.n {{+0}}")], Gas::Src(format!("1: nop\nb{n}.n 1b")), |a| {
            let l = a.new_label();
            a.bind(l);
            a.nop();
            a.b_cond(cond, l);
        });
        slice(c, &format!("b{n} wide fwd"), 0, 4, &[&format!("b{n}.w {{+262}}")], |a| {
            let l = a.new_label();
            a.b_cond(cond, l);
            nops(a, 258);
            a.bind(l);
        });
    }
    slice(c, "beq +254", 0, 2, &["beq.n {+258}"], |a| {
        let l = a.new_label();
        a.b_cond(Cond::Eq, l);
        nops(a, 256);
        a.bind(l);
    });
    slice(c, "bne -256", 252, 2, &["bne.n {-252}"], |a| {
        let l = a.new_label();
        a.bind(l);
        nops(a, 252);
        a.b_cond(Cond::Ne, l);
    });
    slice(c, "bne -258", 254, 4, &["bne.w {-254}"], |a| {
        let l = a.new_label();
        a.bind(l);
        nops(a, 254);
        a.b_cond(Cond::Ne, l);
    });
    slice(c, "bgt +1MiB-2", 0, 4, &["bgt.w {+1048578}"], |a| {
        let l = a.new_label();
        a.b_cond(Cond::Gt, l);
        nops(a, 1_048_574);
        a.bind(l);
    });
    slice(c, "blt -1MiB", 1_048_572, 4, &["blt.w {-1048572}"], |a| {
        let l = a.new_label();
        a.bind(l);
        nops(a, 1_048_572);
        a.b_cond(Cond::Lt, l);
    });
    // Beyond +-1 MiB: inverted condition over a B.W.
    slice(c, "bgt +1MiB", 0, 6, &["ble.n {+6}", "b.w {+1048582}"], |a| {
        let l = a.new_label();
        a.b_cond(Cond::Gt, l);
        nops(a, 1_048_576);
        a.bind(l);
    });
    slice(c, "bcs -2MiB", 2_097_152, 6, &["bcc.n {+6}", "b.w {-2097152}"], |a| {
        let l = a.new_label();
        a.bind(l);
        nops(a, 2_097_152);
        a.b_cond(Cond::Hs, l);
    });
    // CBZ/CBNZ: in range, and relaxed to CMP #0 + B<EQ/NE> beyond it.
    c.add(&["cbz r0, {+4}", "nop"], Gas::Src("cbz r0, 1f\nnop\n1:".into()), |a| {
        let l = a.new_label();
        a.cbz(false, R0, l);
        a.nop();
        a.bind(l);
    });
    c.add(&["cbnz r7, {+4}", "nop"], Gas::Src("cbnz r7, 1f\nnop\n1:".into()), |a| {
        let l = a.new_label();
        a.cbz(true, R7, l);
        a.nop();
        a.bind(l);
    });
    slice(c, "cbnz +126", 0, 2, &["cbnz r3, {+130}"], |a| {
        let l = a.new_label();
        a.cbz(true, R3, l);
        nops(a, 128);
        a.bind(l);
    });
    slice(c, "cbz +128", 0, 4, &["cmp r3, #0", "beq.n {+134}"], |a| {
        let l = a.new_label();
        a.cbz(false, R3, l);
        nops(a, 130);
        a.bind(l);
    });
    slice(c, "cbz backward", 2, 4, &["cmp r2, #0", "beq.n {-2}"], |a| {
        let l = a.new_label();
        a.bind(l);
        a.nop();
        a.cbz(false, R2, l);
    });
    slice(c, "cbnz far", 0, 6, &["cmp r1, #0", "bne.w {+1006}"], |a| {
        let l = a.new_label();
        a.cbz(true, R1, l);
        nops(a, 1000);
        a.bind(l);
    });
    slice(c, "cbz high reg", 0, 6, &["cmp.w r8, #0", "beq.n {+6}"], |a| {
        let l = a.new_label();
        a.cbz(false, R8, l);
        a.bind(l);
    });
    // B as the last instruction of an IT block.
    c.add(&["it ne", "bne.n {+6}", "nop"], Gas::Src("it ne\nbne.n 1f\nnop\n1:".into()), |a| {
        let l = a.new_label();
        a.it(Cond::Ne, "");
        a.b(l);
        a.nop();
        a.bind(l);
    });
}

fn relocs_and_tables(c: &mut Cases) {
    let code = c.add(&["bl {+0}"], Gas::Src("bl foo".into()), |a| a.bl(Sym(7)));
    assert_eq!(code.relocs.len(), 1);
    assert_eq!((code.relocs[0].offset, code.relocs[0].kind, code.relocs[0].addend), (0, RelocKind::ThmCall, -4));
    let code = c.add(&["nop", "b.w {+2}"], Gas::Src("nop\nb.w foo".into()), |a| {
        a.nop();
        a.b_sym(Sym(3));
    });
    assert_eq!((code.relocs[0].offset, code.relocs[0].kind, code.relocs[0].sym), (2, RelocKind::ThmJump24, Sym(3)));
    let code = c.add(
        &["movw r0, #8", "movt r0, #8"],
        Gas::Src("movw r0, #:lower16:foo+8\nmovt r0, #:upper16:foo+8".into()),
        |a| a.mov_sym(R0, Sym(1), 8),
    );
    let kinds: Vec<_> = code.relocs.iter().map(|r| (r.offset, r.kind, r.addend)).collect();
    assert_eq!(kinds, vec![(0, RelocKind::ThmMovwAbsNc, 8), (4, RelocKind::ThmMovtAbs, 8)]);
    c.add(
        &["movw ip, #65532", "movt ip, #65532"],
        Gas::Src("movw ip, #:lower16:foo-4\nmovt ip, #:upper16:foo-4".into()),
        |a| a.mov_sym(R12, Sym(1), -4),
    );
    // Relocation offsets follow relaxed branches.
    let mut a = Assembler::new();
    let l = a.new_label();
    a.b(l);
    nops(&mut a, 3000);
    a.bind(l);
    a.bl(Sym(9));
    let code = a.finish().expect("assembles");
    assert_eq!(code.relocs[0].offset, 3004);

    // TBH with forward targets (direct entries).
    let code = c.add(&["tbh [pc, r2, lsl #1]", "nop", "nop"], Gas::No, |a| {
        let l0 = a.new_label();
        let l1 = a.new_label();
        a.tbh(R2, &[l0, l1, l0]);
        a.bind(l0);
        a.nop();
        a.bind(l1);
        a.nop();
    });
    assert_eq!(code.data_ranges, vec![4..10]);
    assert_eq!(&code.bytes[4..10], &[3, 0, 4, 0, 3, 0]);
    // TBH with a backward target and a far one: trampolines after the table.
    let code = c.add(&["nop", "tbh [pc, r8, lsl #1]", "b.n {+0}", "b.w {+131094}", "nop"], Gas::No, |a| {
        let back = a.new_label();
        let near = a.new_label();
        let farl = a.new_label();
        a.bind(back);
        a.nop();
        a.tbh(R8, &[back, near, farl, back]);
        a.bind(near);
        a.nop();
        nops(a, 131_072);
        a.bind(farl);
    });
    // Table base 6, 4 entries; trampolines for `back` (b.n at 14) and `far`
    // (b.w at 16, as far = 131094 is beyond 6 + 2 * 65535); `near` at 20.
    assert_eq!(code.data_ranges, vec![6..14]);
    assert_eq!(&code.bytes[6..14], &[4, 0, 7, 0, 5, 0, 4, 0]);
    // Only check the start of that case in objdump (the nops are filler).
    let last = c.list.pop().expect("case");
    let mut bytes = last.bytes;
    bytes.truncate(22);
    c.push(last.name, bytes, last.data, &["nop", "tbh [pc, r8, lsl #1]", "b.n {+0}", "b.w {+131094}", "nop"], Gas::No);
}

#[test]
fn matches_gnu_binutils() {
    let mut c = Cases::default();
    dp_reg(&mut c);
    dp_imm(&mut c);
    shifts_moves(&mut c);
    compares_misc(&mut c);
    it_blocks(&mut c);
    memory(&mut c);
    branches(&mut c);
    relocs_and_tables(&mut c);
    if !common::tools_available() {
        return;
    }
    let mut errors = common::check_objdump(&c.list);
    let (gas_errors, gas_count) = common::check_gas(&c.list);
    errors.extend(gas_errors.into_iter().map(|e| format!("gas: {e}")));
    eprintln!("checked {} cases with objdump, {gas_count} byte-for-byte against GNU as", c.list.len());
    assert!(errors.is_empty(), "{} mismatches:\n{}", errors.len(), errors.join("\n"));
}
