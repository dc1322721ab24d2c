//! Transfers between core and VFP registers, and FPSCR access.
//!
//! Takes: core registers (never SP or PC) and S/D registers. Emits: one
//! `VMOV`, `VMRS` or `VMSR`. All of these exist on every FPU, D-register
//! transfers included.

use super::enc;
use super::{DReg, FpReg, Needs, SReg};
use crate::{Assembler, Reg};

impl Assembler {
    fn fp_core_ok(&mut self, what: &str, core: &[Reg]) -> bool {
        self.fpu_check(what, Needs::default()) && self.check_regs(what, core, false)
    }

    /// `VMOV sn, rt`: copy a core register's bits into `sn`.
    pub fn vmov_to_s(&mut self, sn: SReg, rt: Reg) {
        if self.fp_core_ok("vmov", &[rt]) && self.check_fregs("vmov", &[sn]) {
            self.emit(enc::vmov_core_s(false, sn.split(), rt.0));
        }
    }

    /// `VMOV rt, sn`: copy `sn`'s bits into a core register.
    pub fn vmov_from_s(&mut self, rt: Reg, sn: SReg) {
        if self.fp_core_ok("vmov", &[rt]) && self.check_fregs("vmov", &[sn]) {
            self.emit(enc::vmov_core_s(true, sn.split(), rt.0));
        }
    }

    /// `VMOV dm, rt, rt2`: `dm` = `rt2:rt` (`rt` the low word).
    pub fn vmov_to_d(&mut self, dm: DReg, rt: Reg, rt2: Reg) {
        if self.fp_core_ok("vmov", &[rt, rt2]) && self.check_fregs("vmov", &[dm]) {
            self.emit(enc::vmov_core_pair(false, true, dm.split(), rt.0, rt2.0));
        }
    }

    /// `VMOV rt, rt2, dm`: `rt` = low word of `dm`, `rt2` = high word
    /// (`rt` and `rt2` must differ).
    pub fn vmov_from_d(&mut self, rt: Reg, rt2: Reg, dm: DReg) {
        if rt == rt2 {
            return self.error(format!("vmov r{0}, r{0}, {1}: the core registers must differ", rt.0, dm.name()));
        }
        if self.fp_core_ok("vmov", &[rt, rt2]) && self.check_fregs("vmov", &[dm]) {
            self.emit(enc::vmov_core_pair(true, true, dm.split(), rt.0, rt2.0));
        }
    }

    fn check_s_pair(&mut self, sm: SReg) -> bool {
        if sm.0 >= 31 {
            self.error(format!("vmov: s{} has no successor for a register pair", sm.0));
            return false;
        }
        true
    }

    /// `VMOV sm, sm+1, rt, rt2`: `sm` = `rt`, `sm+1` = `rt2` (`sm` ≤ s30).
    pub fn vmov_to_ss(&mut self, sm: SReg, rt: Reg, rt2: Reg) {
        if self.fp_core_ok("vmov", &[rt, rt2]) && self.check_s_pair(sm) {
            self.emit(enc::vmov_core_pair(false, false, sm.split(), rt.0, rt2.0));
        }
    }

    /// `VMOV rt, rt2, sm, sm+1`: `rt` = `sm`, `rt2` = `sm+1` (`rt` and
    /// `rt2` must differ; `sm` ≤ s30).
    pub fn vmov_from_ss(&mut self, rt: Reg, rt2: Reg, sm: SReg) {
        if rt == rt2 {
            return self.error(format!("vmov r{0}, r{0}, s{1}, s{2}: the core registers must differ", rt.0, sm.0, sm.0 + 1));
        }
        if self.fp_core_ok("vmov", &[rt, rt2]) && self.check_s_pair(sm) {
            self.emit(enc::vmov_core_pair(true, false, sm.split(), rt.0, rt2.0));
        }
    }

    /// `VMRS APSR_nzcv, FPSCR`: copy the flags of the last `VCMP` to the
    /// APSR so that conditional branches and IT blocks can test them.
    pub fn vmrs_apsr(&mut self) {
        if self.fpu_check("vmrs", Needs::default()) {
            self.emit(enc::vmrs_vmsr(false, 15));
        }
    }

    /// `VMRS rt, FPSCR`.
    pub fn vmrs(&mut self, rt: Reg) {
        if self.fp_core_ok("vmrs", &[rt]) {
            self.emit(enc::vmrs_vmsr(false, rt.0));
        }
    }

    /// `VMSR FPSCR, rt`.
    pub fn vmsr(&mut self, rt: Reg) {
        if self.fp_core_ok("vmsr", &[rt]) {
            self.emit(enc::vmrs_vmsr(true, rt.0));
        }
    }
}
