//! Control flow: branches to labels, calls and tail calls to symbols,
//! register branches, `TBH` jump tables and trap/hint instructions.
//!
//! Takes: labels, symbols and registers. Emits: fixed instructions for
//! everything except label branches and jump tables, which become items that
//! [`Assembler::finish`] sizes (see `layout.rs`).
//!
//! Relocation convention (REL, matching `arm-none-eabi-as`): `BL sym` is
//! emitted as `f7ff fffe` and `B.W sym` as `f7ff bffe`, i.e. the branch
//! offset field holds the implicit addend -4 (the target is `sym - 4 + PC`,
//! PC being the instruction address + 4). The [`Reloc`](crate::Reloc) records
//! `addend: -4` too.

use crate::assembler::Item;
use crate::encode::{self, Enc};
use crate::{Assembler, Cond, Label, Reg, RelocKind, Sym};

/// The implicit addend GNU as encodes in `BL`/`B.W` for REL relocations.
pub const BRANCH_REL_ADDEND: i32 = -4;

impl Assembler {
    fn check_label(&mut self, what: &str, l: Label) -> bool {
        if (l.0 as usize) < self.labels.len() {
            return true;
        }
        self.error(format!("{what}: label {} does not belong to this assembler", l.0));
        false
    }

    /// `B label`.
    pub fn b(&mut self, target: Label) {
        self.check_last_in_it("b");
        if self.check_label("b", target) {
            self.items.push(Item::Branch { cond: None, target });
        }
        self.it_step();
    }

    /// `B<cond> label` (not inside an IT block).
    pub fn b_cond(&mut self, cond: Cond, target: Label) {
        if self.it_left > 0 {
            self.it_misuse("b_cond inside an IT block");
        }
        if self.check_label("b_cond", target) {
            self.items.push(Item::Branch { cond: Some(cond), target });
        }
    }

    /// Branch to `target` when `rn` is zero (`nz` false) or non-zero (`nz`
    /// true), not inside an IT block. `CBZ`/`CBNZ` when `rn` is low and the
    /// target ends up 0..=126 bytes ahead; otherwise `CMP rn, #0;
    /// B<EQ/NE> target` (sized by relaxation like [`Assembler::b_cond`]).
    /// Right after a 16-bit instruction that set N and Z from `rn` (no
    /// label in between), just `B<EQ/NE> target`: never longer than
    /// either. Either way the flags may be changed.
    pub fn cbz(&mut self, nz: bool, rn: Reg, target: Label) {
        if self.it_left > 0 {
            self.it_misuse("cbz inside an IT block");
        }
        if !self.check_regs("cbz", &[rn], false) || !self.check_label("cbz", target) {
            return;
        }
        if self.flags_test(rn) {
            self.b_cond(if nz { Cond::Ne } else { Cond::Eq }, target);
        } else if rn.is_low() {
            self.items.push(Item::Cbz { nz, rn, target });
        } else {
            self.cmp_imm(rn, 0);
            self.b_cond(if nz { Cond::Ne } else { Cond::Eq }, target);
        }
    }

    /// `BL sym` with an `R_ARM_THM_CALL` relocation (allowed as the last
    /// instruction of an IT block). The instruction holds the REL addend -4.
    pub fn bl(&mut self, sym: Sym) {
        self.check_last_in_it("bl");
        let enc = encode::b32(true, BRANCH_REL_ADDEND);
        self.emit_reloc(enc, RelocKind::ThmCall, sym, BRANCH_REL_ADDEND);
    }

    /// `B.W sym` with an `R_ARM_THM_JUMP24` relocation (tail call). The
    /// instruction holds the REL addend -4.
    pub fn b_sym(&mut self, sym: Sym) {
        self.check_last_in_it("b.w");
        let enc = encode::b32(false, BRANCH_REL_ADDEND);
        self.emit_reloc(enc, RelocKind::ThmJump24, sym, BRANCH_REL_ADDEND);
    }

    /// `BLX rm`.
    pub fn blx(&mut self, rm: Reg) {
        self.check_last_in_it("blx");
        if self.check_regs("blx", &[rm], false) {
            self.emit(Enc::Narrow(0x4780 | (u16::from(rm.0) << 3)));
        }
    }

    /// `BX rm`.
    pub fn bx(&mut self, rm: Reg) {
        self.check_last_in_it("bx");
        if rm.0 > 15 {
            return self.error(format!("bx: bad register r{}", rm.0));
        }
        self.emit(Enc::Narrow(0x4700 | (u16::from(rm.0) << 3)));
    }

    /// Jump table: `TBH [pc, rm, LSL #1]` followed by a halfword table with
    /// one entry per target. `rm` must already be in range.
    ///
    /// Layout: the table starts right after the 4-byte `TBH` (that address is
    /// the table base, entry = (target - base) / 2); it needs only 2-byte
    /// alignment, so no padding is ever inserted. Targets that a table entry
    /// cannot reach (bound before the table, or more than 131070 bytes after
    /// it) go through a trampoline `B` placed right after the table, one per
    /// distinct such target. The table bytes are listed in
    /// [`Code::data_ranges`](crate::Code::data_ranges); trampolines are code.
    pub fn tbh(&mut self, rm: Reg, targets: &[Label]) {
        self.check_last_in_it("tbh");
        if !self.check_regs("tbh", &[rm], false) {
            return;
        }
        for &t in targets {
            if !self.check_label("tbh", t) {
                return;
            }
        }
        self.emit(Enc::Wide(0xE8DF, 0xF010 | u16::from(rm.0)));
        self.items.push(Item::Table { targets: targets.to_vec() });
    }

    /// `UDF #imm8`.
    pub fn udf(&mut self, imm8: u8) {
        self.emit(Enc::Narrow(0xDE00 | u16::from(imm8)));
    }

    /// `BKPT #imm8`.
    pub fn bkpt(&mut self, imm8: u8) {
        self.emit(Enc::Narrow(0xBE00 | u16::from(imm8)));
    }

    /// `NOP` (16-bit).
    pub fn nop(&mut self) {
        self.emit(Enc::Narrow(0xBF00));
    }
}
