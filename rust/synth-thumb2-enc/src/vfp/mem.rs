//! VFP loads and stores: `VLDR`/`VSTR` with an immediate offset, and the
//! register-list forms `VPUSH`/`VPOP`/`VLDM`/`VSTM`.
//!
//! Takes: S or D registers (a list is `count` consecutive registers from
//! `first`), a base core register and an offset. Emits: one instruction.
//! Offsets are multiples of 4 in -1020..=1020; anything else is recorded as
//! an error (a larger offset is the caller's job, as for integer loads).
//! There is no label (literal pool) form yet: the assembler has no
//! PC-relative load items; `vldr` with base `PC` encodes the literal form
//! with a fixed offset.

use super::enc;
use super::{FpReg, Needs};
use crate::{Assembler, Reg};

/// Addressing of [`Assembler::vldm`] / [`Assembler::vstm`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BlockMode {
    /// Increment after, base unchanged (`VLDMIA rn, {..}`).
    Ia,
    /// Increment after, base written back (`VLDMIA rn!, {..}`).
    IaWriteback,
    /// Decrement before, base written back (`VSTMDB rn!, {..}`; the only
    /// decrementing form).
    DbWriteback,
}

impl Assembler {
    fn vldr_vstr<R: FpReg>(&mut self, load: bool, rd: R, rn: Reg, offset: i32) {
        let what = if load { "vldr" } else { "vstr" };
        if !self.fpu_check(what, Needs::default()) || !self.check_fregs(what, &[rd]) {
            return;
        }
        // VSTR with base PC is UNPREDICTABLE in Thumb; VLDR [pc] is the literal form.
        let base_ok = rn.0 <= 15 && (load || rn != Reg::PC);
        if !base_ok {
            return self.error(format!("{what} {}, [r{}]: base register not allowed", rd.name(), rn.0));
        }
        if offset % 4 != 0 || !(-1020..=1020).contains(&offset) {
            return self.error(format!("{what}: offset {offset} not a multiple of 4 in -1020..=1020"));
        }
        let imm8 = (offset.unsigned_abs() / 4) as u16;
        self.emit(enc::vldr_vstr(load, R::DOUBLE, rd.split(), rn.0, offset >= 0, imm8));
    }

    /// `VLDR sd/dd, [rn, #offset]` (offset a multiple of 4, -1020..=1020;
    /// `rn` may be `SP`, or `PC` for the literal form).
    pub fn vldr<R: FpReg>(&mut self, rd: R, rn: Reg, offset: i32) {
        self.vldr_vstr(true, rd, rn, offset);
    }

    /// `VSTR sd/dd, [rn, #offset]` (offset a multiple of 4, -1020..=1020;
    /// `rn` may be `SP`, not `PC`).
    pub fn vstr<R: FpReg>(&mut self, rd: R, rn: Reg, offset: i32) {
        self.vldr_vstr(false, rd, rn, offset);
    }

    /// Validates a register list of `count` registers from `first`.
    fn check_list<R: FpReg>(&mut self, what: &str, first: R, count: u8) -> bool {
        if count == 0 || u32::from(first.num()) + u32::from(count) > u32::from(R::COUNT) {
            let kind = if R::DOUBLE { 'd' } else { 's' };
            self.error(format!(
                "{what}: register list of {count} from {} not within {kind}0..{kind}{} (and not empty)",
                first.name(),
                R::COUNT - 1
            ));
            return false;
        }
        true
    }

    fn block<R: FpReg>(&mut self, what: &str, load: bool, mode: BlockMode, rn: Reg, first: R, count: u8) {
        if !self.fpu_check(what, Needs::default()) || !self.check_list(what, first, count) {
            return;
        }
        if !self.check_regs(what, &[rn], true) {
            return;
        }
        let (p, u, w) = match mode {
            BlockMode::Ia => (false, true, false),
            BlockMode::IaWriteback => (false, true, true),
            BlockMode::DbWriteback => (true, false, true),
        };
        let words = u16::from(count) * if R::DOUBLE { 2 } else { 1 };
        self.emit(enc::vldm_vstm(load, R::DOUBLE, p, u, w, first.split(), rn.0, words));
    }

    /// `VPUSH {first..first+count-1}` (consecutive S or D registers).
    pub fn vpush<R: FpReg>(&mut self, first: R, count: u8) {
        self.block("vpush", false, BlockMode::DbWriteback, Reg::SP, first, count);
    }

    /// `VPOP {first..first+count-1}`.
    pub fn vpop<R: FpReg>(&mut self, first: R, count: u8) {
        self.block("vpop", true, BlockMode::IaWriteback, Reg::SP, first, count);
    }

    /// `VLDMIA rn[!], {..}` / `VLDMDB rn!, {..}`: load `count` consecutive
    /// registers from `first`. `rn` is not `PC`.
    pub fn vldm<R: FpReg>(&mut self, mode: BlockMode, rn: Reg, first: R, count: u8) {
        self.block("vldm", true, mode, rn, first, count);
    }

    /// `VSTMIA rn[!], {..}` / `VSTMDB rn!, {..}`: store `count` consecutive
    /// registers from `first`. `rn` is not `PC`.
    pub fn vstm<R: FpReg>(&mut self, mode: BlockMode, rn: Reg, first: R, count: u8) {
        self.block("vstm", false, mode, rn, first, count);
    }
}
