//! VFP data processing: arithmetic, moves between FP registers, the 8-bit
//! immediate `VMOV`, compares, conversions and rounding.
//!
//! Takes: an operation and [`FpReg`] operands of one precision (the
//! precision picks `.F32`/`.F64`). Emits: one 32-bit instruction, after the
//! FPU feature check (see the module doc of `vfp`).

use super::enc::{self, F};
use super::imm::{vfp_imm8_f32, vfp_imm8_f64};
use super::{suffix, DReg, FpReg, Needs, SReg};
use crate::Assembler;

/// Three-register VFP operations, `rd = f(rn, rm)` (or accumulating into `rd`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VfpOp3 {
    /// `VADD`: `rd = rn + rm`.
    Add,
    /// `VSUB`: `rd = rn - rm`.
    Sub,
    /// `VMUL`: `rd = rn * rm`.
    Mul,
    /// `VNMUL`: `rd = -(rn * rm)`.
    Nmul,
    /// `VDIV`: `rd = rn / rm`.
    Div,
    /// `VMLA`: `rd = rd + rn * rm` (product rounded, then the sum).
    Mla,
    /// `VMLS`: `rd = rd - rn * rm` (rounded twice).
    Mls,
    /// `VNMLA`: `rd = -rd - rn * rm` (rounded twice).
    Nmla,
    /// `VNMLS`: `rd = -rd + rn * rm` (rounded twice).
    Nmls,
    /// `VFMA`: `rd = rd + rn * rm`, fused (one rounding).
    Fma,
    /// `VFMS`: `rd = rd - rn * rm`, fused.
    Fms,
    /// `VFNMA`: `rd = -rd - rn * rm`, fused.
    Fnma,
    /// `VFNMS`: `rd = -rd + rn * rm`, fused.
    Fnms,
    /// `VMAXNM` (FPv5; IEEE 754-2008 maxNum: a quiet NaN loses to a number).
    MaxNm,
    /// `VMINNM` (FPv5; minNum).
    MinNm,
}

impl VfpOp3 {
    /// (mnemonic, first halfword base, second halfword op bits, needs FPv5).
    fn info(self) -> (&'static str, u16, u16, bool) {
        use VfpOp3::*;
        match self {
            Mla => ("vmla", 0xEE00, 0x00, false),
            Mls => ("vmls", 0xEE00, 0x40, false),
            Nmls => ("vnmls", 0xEE10, 0x00, false),
            Nmla => ("vnmla", 0xEE10, 0x40, false),
            Mul => ("vmul", 0xEE20, 0x00, false),
            Nmul => ("vnmul", 0xEE20, 0x40, false),
            Add => ("vadd", 0xEE30, 0x00, false),
            Sub => ("vsub", 0xEE30, 0x40, false),
            Div => ("vdiv", 0xEE80, 0x00, false),
            Fnms => ("vfnms", 0xEE90, 0x00, false),
            Fnma => ("vfnma", 0xEE90, 0x40, false),
            Fma => ("vfma", 0xEEA0, 0x00, false),
            Fms => ("vfms", 0xEEA0, 0x40, false),
            MaxNm => ("vmaxnm", 0xFE80, 0x00, true),
            MinNm => ("vminnm", 0xFE80, 0x40, true),
        }
    }
}

/// Two-register VFP operations, `rd = f(rm)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VfpOp2 {
    /// `VMOV.F32/.F64` (register copy). `.F64` is double-precision data
    /// processing: on a single-precision FPU copy a D register as two
    /// `.F32` moves of its halves.
    Mov,
    /// `VABS`.
    Abs,
    /// `VNEG`.
    Neg,
    /// `VSQRT`.
    Sqrt,
}

/// A rounding direction for [`Assembler::vrint`] and
/// [`Assembler::vcvt_to_int`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Round {
    /// Toward zero (`VRINTZ`; the plain `VCVT.S32/.U32`, FPv4 too).
    Zero,
    /// To nearest, ties away from zero (`VRINTA`/`VCVTA`).
    NearestAway,
    /// To nearest, ties to even (`VRINTN`/`VCVTN`).
    NearestEven,
    /// Toward +infinity (`VRINTP`/`VCVTP`).
    Plus,
    /// Toward -infinity (`VRINTM`/`VCVTM`).
    Minus,
}

impl Round {
    /// The `RM` field and mnemonic letter of the ARMv8 directed forms.
    fn rm(self) -> Option<(u16, char)> {
        match self {
            Round::Zero => None,
            Round::NearestAway => Some((0, 'a')),
            Round::NearestEven => Some((1, 'n')),
            Round::Plus => Some((2, 'p')),
            Round::Minus => Some((3, 'm')),
        }
    }
}

fn split<R: FpReg>(r: R) -> F {
    r.split()
}

impl Assembler {
    /// `V<op>.F32/.F64 rd, rn, rm` ([`VfpOp3`]).
    pub fn vfp_op3<R: FpReg>(&mut self, op: VfpOp3, rd: R, rn: R, rm: R) {
        let (name, base1, bits, v5) = op.info();
        let what = format!("{name}.{}", suffix::<R>());
        let needs = Needs { f64: R::DOUBLE, v5, uncond: v5 };
        if self.fpu_check(&what, needs) && self.check_fregs(&what, &[rd, rn, rm]) {
            self.emit(enc::dp3(base1, bits, R::DOUBLE, split(rd), split(rn), split(rm)));
        }
    }

    /// `VMOV`/`VABS`/`VNEG`/`VSQRT.F32/.F64 rd, rm` ([`VfpOp2`]).
    pub fn vfp_op2<R: FpReg>(&mut self, op: VfpOp2, rd: R, rm: R) {
        let (name, base1, bits) = match op {
            VfpOp2::Mov => ("vmov", 0xEEB0, 0x40),
            VfpOp2::Abs => ("vabs", 0xEEB0, 0xC0),
            VfpOp2::Neg => ("vneg", 0xEEB1, 0x40),
            VfpOp2::Sqrt => ("vsqrt", 0xEEB1, 0xC0),
        };
        let what = format!("{name}.{}", suffix::<R>());
        if self.fpu_check(&what, Needs { f64: R::DOUBLE, ..Needs::default() }) && self.check_fregs(&what, &[rd, rm]) {
            self.emit(enc::dp2(base1, bits, R::DOUBLE, split(rd), split(rm)));
        }
    }

    /// `VRINTZ/A/N/P/M.F32/.F64 rd, rm`: round to an integral value in
    /// floating point (FPv5).
    pub fn vrint<R: FpReg>(&mut self, mode: Round, rd: R, rm: R) {
        let (letter, enc) = match mode.rm() {
            None => ('z', enc::dp2(0xEEB6, 0xC0, R::DOUBLE, split(rd), split(rm))),
            Some((rmode, l)) => (l, enc::dp2(0xFEB8 | rmode, 0x40, R::DOUBLE, split(rd), split(rm))),
        };
        let what = format!("vrint{letter}.{}", suffix::<R>());
        let needs = Needs { f64: R::DOUBLE, v5: true, uncond: mode != Round::Zero };
        if self.fpu_check(&what, needs) && self.check_fregs(&what, &[rd, rm]) {
            self.emit(enc);
        }
    }

    /// `VMOV.F32 sd, #value`. Returns `false` (emitting nothing) when
    /// `value` is not an 8-bit VFP immediate ([`is_vfp_imm_f32`](super::imm::is_vfp_imm_f32));
    /// an FPU or register refusal is recorded and returns `true`.
    pub fn vmov_imm_f32(&mut self, sd: SReg, value: f32) -> bool {
        let Some(imm8) = vfp_imm8_f32(value) else { return false };
        if self.fpu_check("vmov.f32", Needs::default()) && self.check_fregs("vmov.f32", &[sd]) {
            self.emit(enc::vmov_imm(false, sd.split(), imm8));
        }
        true
    }

    /// `VMOV.F64 dd, #value`; as [`Assembler::vmov_imm_f32`].
    pub fn vmov_imm_f64(&mut self, dd: DReg, value: f64) -> bool {
        let Some(imm8) = vfp_imm8_f64(value) else { return false };
        let needs = Needs { f64: true, ..Needs::default() };
        if self.fpu_check("vmov.f64", needs) && self.check_fregs("vmov.f64", &[dd]) {
            self.emit(enc::vmov_imm(true, dd.split(), imm8));
        }
        true
    }

    fn compare<R: FpReg>(&mut self, e: bool, rd: R, rm: Option<R>) {
        let what = format!("vcmp{}.{}", if e { "e" } else { "" }, suffix::<R>());
        let regs: Vec<R> = std::iter::once(rd).chain(rm).collect();
        if !self.fpu_check(&what, Needs { f64: R::DOUBLE, ..Needs::default() }) || !self.check_fregs(&what, &regs) {
            return;
        }
        let bits = 0x40 | (u16::from(e) << 7);
        self.emit(match rm {
            Some(rm) => enc::dp2(0xEEB4, bits, R::DOUBLE, split(rd), split(rm)),
            None => enc::dp2(0xEEB5, bits, R::DOUBLE, split(rd), (0, 0)),
        });
    }

    /// `VCMP.F32/.F64 rd, rm`: sets the FPSCR flags (read them with
    /// [`Assembler::vmrs_apsr`]); only a signalling NaN raises Invalid.
    pub fn vcmp<R: FpReg>(&mut self, rd: R, rm: R) {
        self.compare(false, rd, Some(rm));
    }

    /// `VCMPE.F32/.F64 rd, rm`: as `VCMP`, but any NaN raises Invalid.
    pub fn vcmpe<R: FpReg>(&mut self, rd: R, rm: R) {
        self.compare(true, rd, Some(rm));
    }

    /// `VCMP.F32/.F64 rd, #0.0`.
    pub fn vcmp_zero<R: FpReg>(&mut self, rd: R) {
        self.compare(false, rd, None);
    }

    /// `VCMPE.F32/.F64 rd, #0.0`.
    pub fn vcmpe_zero<R: FpReg>(&mut self, rd: R) {
        self.compare(true, rd, None);
    }

    /// `VCVT.F64.F32 dd, sm` (double precision FPU).
    pub fn vcvt_f64_f32(&mut self, dd: DReg, sm: SReg) {
        let what = "vcvt.f64.f32";
        if self.fpu_check(what, Needs { f64: true, ..Needs::default() })
            && self.check_fregs(what, &[dd])
            && self.check_fregs(what, &[sm])
        {
            // sz names the source precision.
            self.emit(enc::dp2(0xEEB7, 0xC0, false, dd.split(), sm.split()));
        }
    }

    /// `VCVT.F32.F64 sd, dm` (double precision FPU).
    pub fn vcvt_f32_f64(&mut self, sd: SReg, dm: DReg) {
        let what = "vcvt.f32.f64";
        if self.fpu_check(what, Needs { f64: true, ..Needs::default() })
            && self.check_fregs(what, &[sd])
            && self.check_fregs(what, &[dm])
        {
            self.emit(enc::dp2(0xEEB7, 0xC0, true, sd.split(), dm.split()));
        }
    }

    /// Float to 32-bit integer: `sd = int(rm)` as S32 (`signed`) or U32,
    /// rounded as `mode` says. [`Round::Zero`] is the plain
    /// `VCVT.S32/.U32.F32/.F64` (what wasm's `trunc` needs; out-of-range
    /// values and NaN saturate / give 0, without trapping); the other modes
    /// are FPv5's `VCVTA/N/P/M`.
    pub fn vcvt_to_int<R: FpReg>(&mut self, mode: Round, signed: bool, sd: SReg, rm: R) {
        let int = if signed { "s32" } else { "u32" };
        let (what, enc, v5) = match mode.rm() {
            None => {
                let base1 = if signed { 0xEEBD } else { 0xEEBC };
                (format!("vcvt.{int}.{}", suffix::<R>()), enc::dp2(base1, 0xC0, R::DOUBLE, sd.split(), split(rm)), false)
            }
            Some((rmode, l)) => {
                let bits = 0x40 | (u16::from(signed) << 7);
                let e = enc::dp2(0xFEBC | rmode, bits, R::DOUBLE, sd.split(), split(rm));
                (format!("vcvt{l}.{int}.{}", suffix::<R>()), e, true)
            }
        };
        let needs = Needs { f64: R::DOUBLE, v5, uncond: v5 };
        if self.fpu_check(&what, needs) && self.check_fregs(&what, &[sd]) && self.check_fregs(&what, &[rm]) {
            self.emit(enc);
        }
    }

    /// 32-bit integer to float: `rd = float(sm)`, `sm` read as S32
    /// (`signed`) or U32 (`VCVT.F32/.F64.S32/.U32`), rounded per FPSCR
    /// (to nearest by default).
    pub fn vcvt_from_int<R: FpReg>(&mut self, signed: bool, rd: R, sm: SReg) {
        let what = format!("vcvt.{}.{}", suffix::<R>(), if signed { "s32" } else { "u32" });
        let bits = 0x40 | (u16::from(signed) << 7);
        if self.fpu_check(&what, Needs { f64: R::DOUBLE, ..Needs::default() })
            && self.check_fregs(&what, &[rd])
            && self.check_fregs(&what, &[sm])
        {
            self.emit(enc::dp2(0xEEB8, bits, R::DOUBLE, split(rd), sm.split()));
        }
    }
}
