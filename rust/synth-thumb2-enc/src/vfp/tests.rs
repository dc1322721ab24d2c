//! Unit tests of the VFP methods: feature refusals, operand misuse and IT
//! blocks. The encodings themselves are checked against GNU binutils in
//! `tests/gnu_vfp.rs`; a few are pinned here so that a machine without the
//! ARM tools still checks them.

use super::{BlockMode, DReg, Fpu, Round, SReg, VfpOp2, VfpOp3};
use crate::{Assembler, Cond, Reg};

fn asm(fpu: Fpu) -> Assembler {
    let mut a = Assembler::new();
    a.set_fpu(fpu);
    a
}

fn halfwords(fpu: Fpu, f: impl FnOnce(&mut Assembler)) -> Vec<u16> {
    let mut a = asm(fpu);
    f(&mut a);
    let code = a.finish().expect("assembles");
    code.bytes.chunks(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect()
}

/// The error `finish` reports for `f` under `fpu` (panics if it assembles).
fn refusal(fpu: Fpu, f: impl FnOnce(&mut Assembler)) -> String {
    let mut a = asm(fpu);
    f(&mut a);
    match a.finish() {
        Ok(code) => panic!("accepted under {fpu:?}: {:02x?}", code.bytes),
        Err(e) => e.0,
    }
}

#[test]
fn pinned_encodings_from_gnu_objdump() {
    use Fpu::Fpv5D16 as F;
    assert_eq!(halfwords(F, |a| a.vfp_op3(VfpOp3::Add, SReg(0), SReg(1), SReg(31))), [0xEE30, 0x0AAF]);
    assert_eq!(halfwords(F, |a| a.vfp_op3(VfpOp3::Add, DReg(0), DReg(1), DReg(15))), [0xEE31, 0x0B0F]);
    assert_eq!(halfwords(F, |a| a.vfp_op3(VfpOp3::Nmla, SReg(0), SReg(1), SReg(2))), [0xEE10, 0x0AC1]);
    assert_eq!(halfwords(F, |a| a.vfp_op3(VfpOp3::MinNm, DReg(0), DReg(1), DReg(2))), [0xFE81, 0x0B42]);
    assert_eq!(halfwords(F, |a| a.vfp_op2(VfpOp2::Sqrt, DReg(0), DReg(1))), [0xEEB1, 0x0BC1]);
    assert_eq!(halfwords(F, |a| assert!(a.vmov_imm_f32(SReg(0), 1.0))), [0xEEB7, 0x0A00]);
    assert_eq!(halfwords(F, |a| assert!(a.vmov_imm_f64(DReg(15), 0.125))), [0xEEB4, 0xFB00]);
    assert_eq!(halfwords(F, |a| a.vcmpe_zero(DReg(1))), [0xEEB5, 0x1BC0]);
    assert_eq!(halfwords(F, |a| a.vmrs_apsr()), [0xEEF1, 0xFA10]);
    assert_eq!(halfwords(F, |a| a.vmov_from_s(Reg(1), SReg(31))), [0xEE1F, 0x1A90]);
    assert_eq!(halfwords(F, |a| a.vmov_from_d(Reg(0), Reg(1), DReg(15))), [0xEC51, 0x0B1F]);
    assert_eq!(halfwords(F, |a| a.vmov_to_ss(SReg(0), Reg(0), Reg(1))), [0xEC41, 0x0A10]);
    assert_eq!(halfwords(F, |a| a.vcvt_f32_f64(SReg(1), DReg(15))), [0xEEF7, 0x0BCF]);
    assert_eq!(halfwords(F, |a| a.vcvt_to_int(Round::Zero, false, SReg(0), DReg(1))), [0xEEBC, 0x0BC1]);
    assert_eq!(halfwords(F, |a| a.vcvt_to_int(Round::Minus, false, SReg(0), DReg(1))), [0xFEBF, 0x0B41]);
    assert_eq!(halfwords(F, |a| a.vcvt_from_int(false, DReg(1), SReg(3))), [0xEEB8, 0x1B61]);
    assert_eq!(halfwords(F, |a| a.vrint(Round::Zero, SReg(0), SReg(1))), [0xEEB6, 0x0AE0]);
    assert_eq!(halfwords(F, |a| a.vrint(Round::NearestAway, DReg(0), DReg(1))), [0xFEB8, 0x0B41]);
    assert_eq!(halfwords(F, |a| a.vldr(SReg(0), Reg(0), -1020)), [0xED10, 0x0AFF]);
    assert_eq!(halfwords(F, |a| a.vldr(DReg(15), Reg::SP, 1020)), [0xED9D, 0xFBFF]);
    assert_eq!(halfwords(F, |a| a.vstr(SReg(31), Reg(1), 0)), [0xEDC1, 0xFA00]);
    assert_eq!(halfwords(F, |a| a.vpush(SReg(16), 16)), [0xED2D, 0x8A10]);
    assert_eq!(halfwords(F, |a| a.vpop(DReg(8), 8)), [0xECBD, 0x8B10]);
    assert_eq!(halfwords(F, |a| a.vstm(BlockMode::DbWriteback, Reg(1), DReg(0), 2)), [0xED21, 0x0B04]);
}

#[test]
fn no_fpu_refuses_every_vfp_instruction() {
    let e = refusal(Fpu::None, |a| a.vfp_op3(VfpOp3::Add, SReg(0), SReg(1), SReg(2)));
    assert!(e.contains("vadd.f32: no FPU selected"), "{e}");
    let e = refusal(Fpu::None, |a| a.vmov_to_s(SReg(0), Reg(0)));
    assert!(e.contains("vmov: no FPU selected"), "{e}");
    let e = refusal(Fpu::None, |a| a.vldr(DReg(0), Reg(0), 0));
    assert!(e.contains("vldr: no FPU selected"), "{e}");
    let e = refusal(Fpu::None, |a| a.vmrs_apsr());
    assert!(e.contains("vmrs: no FPU selected"), "{e}");
    let e = refusal(Fpu::None, |a| assert!(a.vmov_imm_f32(SReg(0), 2.0)));
    assert!(e.contains("vmov.f32: no FPU selected"), "{e}");
    assert_eq!(Assembler::new().fpu(), Fpu::None);
}

#[test]
fn single_precision_fpus_refuse_f64_arithmetic() {
    for fpu in [Fpu::Fpv4SpD16, Fpu::Fpv5SpD16] {
        let e = refusal(fpu, |a| a.vfp_op3(VfpOp3::Fma, DReg(0), DReg(1), DReg(2)));
        assert!(e.contains("vfma.f64: the FPU has no double precision"), "{e}");
        let e = refusal(fpu, |a| a.vfp_op2(VfpOp2::Mov, DReg(0), DReg(1)));
        assert!(e.contains("vmov.f64: the FPU has no double precision"), "{e}");
        let e = refusal(fpu, |a| a.vcvt_f64_f32(DReg(0), SReg(0)));
        assert!(e.contains("vcvt.f64.f32"), "{e}");
        let e = refusal(fpu, |a| a.vcvt_to_int(Round::Zero, true, SReg(0), DReg(0)));
        assert!(e.contains("vcvt.s32.f64"), "{e}");
        let e = refusal(fpu, |a| a.vcmp_zero(DReg(3)));
        assert!(e.contains("vcmp.f64"), "{e}");
        let e = refusal(fpu, |a| assert!(a.vmov_imm_f64(DReg(0), 1.0)));
        assert!(e.contains("vmov.f64"), "{e}");
        // D-register transfers and memory are there on every FPU.
        let hws = halfwords(fpu, |a| {
            a.vmov_to_d(DReg(1), Reg(0), Reg(1));
            a.vldr(DReg(2), Reg::SP, 8);
            a.vpush(DReg(8), 8);
        });
        assert_eq!(hws.len(), 6);
    }
}

#[test]
fn fpv4_refuses_fpv5_instructions() {
    let e = refusal(Fpu::Fpv4SpD16, |a| a.vrint(Round::Zero, SReg(0), SReg(1)));
    assert!(e.contains("vrintz.f32: needs FPv5"), "{e}");
    let e = refusal(Fpu::Fpv4SpD16, |a| a.vrint(Round::Plus, SReg(0), SReg(1)));
    assert!(e.contains("vrintp.f32: needs FPv5"), "{e}");
    let e = refusal(Fpu::Fpv4SpD16, |a| a.vfp_op3(VfpOp3::MaxNm, SReg(0), SReg(1), SReg(2)));
    assert!(e.contains("vmaxnm.f32: needs FPv5"), "{e}");
    let e = refusal(Fpu::Fpv4SpD16, |a| a.vcvt_to_int(Round::NearestEven, false, SReg(0), SReg(1)));
    assert!(e.contains("vcvtn.u32.f32: needs FPv5"), "{e}");
    // FPv5-SP has them in single precision only.
    assert_eq!(halfwords(Fpu::Fpv5SpD16, |a| a.vrint(Round::Minus, SReg(0), SReg(1))).len(), 2);
    let e = refusal(Fpu::Fpv5SpD16, |a| a.vrint(Round::Minus, DReg(0), DReg(1)));
    assert!(e.contains("vrintm.f64: the FPU has no double precision"), "{e}");
}

#[test]
fn registers_beyond_d16_and_s31_are_refused() {
    let e = refusal(Fpu::Fpv5D16, |a| a.vfp_op3(VfpOp3::Add, DReg(16), DReg(0), DReg(0)));
    assert!(e.contains("register d16 does not exist"), "{e}");
    let e = refusal(Fpu::Fpv5D16, |a| a.vfp_op2(VfpOp2::Abs, DReg(0), DReg(31)));
    assert!(e.contains("register d31 does not exist"), "{e}");
    let e = refusal(Fpu::Fpv5D16, |a| a.vfp_op3(VfpOp3::Mul, SReg(0), SReg(32), SReg(0)));
    assert!(e.contains("register s32 does not exist"), "{e}");
    refusal(Fpu::Fpv5D16, |a| a.vcvt_f64_f32(DReg(0), SReg(40)));
    refusal(Fpu::Fpv5D16, |a| a.vcvt_f32_f64(SReg(0), DReg(16)));
    refusal(Fpu::Fpv5D16, |a| a.vcvt_from_int(true, SReg(33), SReg(0)));
    refusal(Fpu::Fpv5D16, |a| a.vmov_to_d(DReg(16), Reg(0), Reg(1)));
    refusal(Fpu::Fpv5D16, |a| a.vmov_to_s(SReg(32), Reg(0)));
    refusal(Fpu::Fpv5D16, |a| a.vldr(DReg(16), Reg(0), 0));
    refusal(Fpu::Fpv5D16, |a| a.vcmp(SReg(0), SReg(99)));
}

#[test]
fn core_register_misuse_is_refused() {
    let f = Fpu::Fpv4SpD16;
    refusal(f, |a| a.vmov_to_s(SReg(0), Reg::SP));
    refusal(f, |a| a.vmov_from_s(Reg::PC, SReg(0)));
    refusal(f, |a| a.vmov_to_d(DReg(0), Reg(0), Reg::PC));
    let e = refusal(f, |a| a.vmov_from_d(Reg(2), Reg(2), DReg(0)));
    assert!(e.contains("must differ"), "{e}");
    refusal(f, |a| a.vmov_from_ss(Reg(3), Reg(3), SReg(0)));
    let e = refusal(f, |a| a.vmov_to_ss(SReg(31), Reg(0), Reg(1)));
    assert!(e.contains("s31 has no successor"), "{e}");
    refusal(f, |a| a.vmrs(Reg::SP));
    refusal(f, |a| a.vmsr(Reg::PC));
    refusal(f, |a| a.vmsr(Reg(16)));
}

#[test]
fn vldr_vstr_offsets() {
    let f = Fpu::Fpv4SpD16;
    for off in [0, 4, 1020, -1020, -4] {
        assert_eq!(halfwords(f, |a| a.vldr(SReg(0), Reg(0), off)).len(), 2, "{off}");
        assert_eq!(halfwords(f, |a| a.vstr(DReg(0), Reg(0), off)).len(), 2, "{off}");
    }
    for off in [1024, -1024, 2, -2, 1021, 4096, i32::MIN] {
        let e = refusal(f, |a| a.vldr(SReg(0), Reg(0), off));
        assert!(e.contains(&format!("offset {off} not a multiple of 4 in -1020..=1020")), "{e}");
        refusal(f, |a| a.vstr(DReg(0), Reg::SP, off));
    }
    // Literal form for loads only.
    assert_eq!(halfwords(f, |a| a.vldr(SReg(0), Reg::PC, 8)).len(), 2);
    refusal(f, |a| a.vstr(SReg(0), Reg::PC, 8));
    refusal(f, |a| a.vldr(SReg(0), Reg(16), 0));
}

#[test]
fn register_lists() {
    let f = Fpu::Fpv4SpD16;
    refusal(f, |a| a.vpush(SReg(0), 0));
    refusal(f, |a| a.vpush(SReg(31), 2));
    refusal(f, |a| a.vpop(SReg(0), 33));
    let e = refusal(f, |a| a.vpush(DReg(8), 9));
    assert!(e.contains("register list of 9 from d8 not within d0..d15"), "{e}");
    refusal(f, |a| a.vpop(DReg(0), 17));
    refusal(f, |a| a.vldm(BlockMode::Ia, Reg::PC, SReg(0), 1));
    refusal(f, |a| a.vstm(BlockMode::IaWriteback, Reg(16), DReg(0), 1));
    // Whole files fit.
    assert_eq!(halfwords(f, |a| a.vpush(SReg(0), 32)), [0xED2D, 0x0A20]);
    assert_eq!(halfwords(f, |a| a.vpop(DReg(0), 16)), [0xECBD, 0x0B20]);
}

#[test]
fn unencodable_vmov_immediates_return_false_and_emit_nothing() {
    let mut a = asm(Fpu::Fpv5D16);
    for v in [0.0f32, -0.0, 32.0, 0.1, f32::NAN, f32::INFINITY, 1.0 / 64.0] {
        assert!(!a.vmov_imm_f32(SReg(0), v), "{v}");
        assert!(!a.vmov_imm_f64(DReg(0), f64::from(v)), "{v}");
    }
    assert_eq!(a.len_estimate(), 0);
    assert!(a.finish().expect("nothing recorded").bytes.is_empty());
}

#[test]
fn conditional_vfp_instructions_count_against_it_blocks() {
    let mut a = asm(Fpu::Fpv5D16);
    a.it(Cond::Eq, "te");
    a.vfp_op3(VfpOp3::Add, SReg(0), SReg(1), SReg(2));
    a.vrint(Round::Zero, DReg(0), DReg(1));
    assert!(a.in_it_block());
    a.vstr(SReg(0), Reg::SP, 4);
    assert!(!a.in_it_block());
    // Outside the block the FPv5 unconditional forms are fine.
    a.vrint(Round::NearestAway, SReg(0), SReg(1));
    assert_eq!(a.finish().expect("assembles").bytes.len(), 2 + 4 * 4);
}

/// The ARMv8 unconditional encodings inside an IT block.
fn uncond_in_it(f: impl FnOnce(&mut Assembler)) -> Result<crate::Code, crate::AsmError> {
    let mut a = asm(Fpu::Fpv5D16);
    a.it(Cond::Ne, "");
    f(&mut a);
    a.finish()
}

#[cfg(debug_assertions)]
#[test]
#[should_panic(expected = "IT block misuse: vrinta.f32 cannot be conditional")]
fn vrinta_inside_it_asserts() {
    let _ = uncond_in_it(|a| a.vrint(Round::NearestAway, SReg(0), SReg(1)));
}

#[cfg(debug_assertions)]
#[test]
#[should_panic(expected = "IT block misuse: vmaxnm.f64 cannot be conditional")]
fn vmaxnm_inside_it_asserts() {
    let _ = uncond_in_it(|a| a.vfp_op3(VfpOp3::MaxNm, DReg(0), DReg(1), DReg(2)));
}

#[cfg(debug_assertions)]
#[test]
#[should_panic(expected = "IT block misuse: vcvtp.s32.f32 cannot be conditional")]
fn vcvtp_inside_it_asserts() {
    let _ = uncond_in_it(|a| a.vcvt_to_int(Round::Plus, true, SReg(0), SReg(1)));
}

#[cfg(not(debug_assertions))]
#[test]
fn unconditional_forms_inside_it_are_errors() {
    assert!(uncond_in_it(|a| a.vrint(Round::NearestAway, SReg(0), SReg(1))).is_err());
    assert!(uncond_in_it(|a| a.vfp_op3(VfpOp3::MaxNm, DReg(0), DReg(1), DReg(2))).is_err());
    assert!(uncond_in_it(|a| a.vcvt_to_int(Round::Plus, true, SReg(0), SReg(1))).is_err());
}
