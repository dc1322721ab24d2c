//! Raw VFP bit patterns (ARMv7-M ARM A7.9, ARMv8-M for the FPv5 additions).
//!
//! Takes: already-split register fields (`(Vx, bit)` from
//! [`FpReg::split`](super::FpReg::split)) and validated immediates.
//! Returns: [`Enc`]. No choice of form is made here.

use crate::encode::Enc;

/// A split register field: `(Vx, extra bit)`.
pub(crate) type F = (u16, u16);

/// Data processing with three registers:
/// `hw1 = base1 | D << 6 | Vn`, `hw2 = Vd << 12 | 101 sz | N << 7 | op | M << 5 | Vm`.
/// `op` is the bits 7:6 (and 4) pattern of the second halfword.
pub(crate) fn dp3(base1: u16, op: u16, double: bool, d: F, n: F, m: F) -> Enc {
    Enc::Wide(
        base1 | (d.1 << 6) | n.0,
        (d.0 << 12) | 0x0A00 | (u16::from(double) << 8) | (n.1 << 7) | op | (m.1 << 5) | m.0,
    )
}

/// Two-register forms of the `1110 1110 1 D 11 opc2` group (and the
/// unconditional `1111 1110 1 D 11 ..` ones): `base1` holds opc2 and the
/// top bits, `op` bits 7:6 of the second halfword; `double` is `sz`.
pub(crate) fn dp2(base1: u16, op: u16, double: bool, d: F, m: F) -> Enc {
    dp3(base1, op, double, d, (0, 0), m)
}

/// `VMOV.F32/.F64 Vd, #imm8`.
pub(crate) fn vmov_imm(double: bool, d: F, imm8: u8) -> Enc {
    let imm = u16::from(imm8);
    Enc::Wide(0xEEB0 | (d.1 << 6) | (imm >> 4), (d.0 << 12) | 0x0A00 | (u16::from(double) << 8) | (imm & 15))
}

/// `VMOV Sn, Rt` (`to_core` false) / `VMOV Rt, Sn` (`to_core` true).
pub(crate) fn vmov_core_s(to_core: bool, n: F, rt: u8) -> Enc {
    Enc::Wide(0xEE00 | (u16::from(to_core) << 4) | n.0, (u16::from(rt) << 12) | 0x0A10 | (n.1 << 7))
}

/// `VMOV` between two core registers and a D register (`double`) or two
/// consecutive S registers starting at `m`.
pub(crate) fn vmov_core_pair(to_core: bool, double: bool, m: F, rt: u8, rt2: u8) -> Enc {
    Enc::Wide(
        0xEC40 | (u16::from(to_core) << 4) | u16::from(rt2),
        (u16::from(rt) << 12) | 0x0A10 | (u16::from(double) << 8) | (m.1 << 5) | m.0,
    )
}

/// `VMRS Rt, FPSCR` (`rt` 15: `APSR_nzcv`) / `VMSR FPSCR, Rt` (`to_fpscr`).
pub(crate) fn vmrs_vmsr(to_fpscr: bool, rt: u8) -> Enc {
    let hw1 = if to_fpscr { 0xEEE1 } else { 0xEEF1 };
    Enc::Wide(hw1, (u16::from(rt) << 12) | 0x0A10)
}

/// `VLDR`/`VSTR Vd, [Rn, #±imm8*4]`.
pub(crate) fn vldr_vstr(load: bool, double: bool, d: F, rn: u8, add: bool, imm8: u16) -> Enc {
    Enc::Wide(
        0xED00 | (u16::from(add) << 7) | (d.1 << 6) | (u16::from(load) << 4) | u16::from(rn),
        (d.0 << 12) | 0x0A00 | (u16::from(double) << 8) | (imm8 & 0xff),
    )
}

/// `VLDM`/`VSTM` (and `VPUSH`/`VPOP`): `p`, `u`, `w` bits, `imm8` the
/// number of words.
#[allow(clippy::too_many_arguments)]
pub(crate) fn vldm_vstm(load: bool, double: bool, p: bool, u: bool, w: bool, d: F, rn: u8, imm8: u16) -> Enc {
    Enc::Wide(
        0xEC00
            | (u16::from(p) << 8)
            | (u16::from(u) << 7)
            | (d.1 << 6)
            | (u16::from(w) << 5)
            | (u16::from(load) << 4)
            | u16::from(rn),
        (d.0 << 12) | 0x0A00 | (u16::from(double) << 8) | (imm8 & 0xff),
    )
}
