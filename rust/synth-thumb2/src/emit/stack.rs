//! The stack frame: prologue, epilogue, sp-relative access and the
//! allocator's edits (register moves, spills, reloads, rematerialisation).
//!
//! Takes: the [`FrameLayout`](crate::frame::FrameLayout) held by the
//! [`Emitter`], byte offsets from sp, and allocator [`Edit`]s. Returns:
//! the instructions placed in the assembler; an error for an edit that has
//! no lowering (slot-to-slot move, remat of a non-rematerialisable value).

use super::cfi::CfiOp;
use super::{Emitter, SP};
use crate::inst::MachInst;
use crate::RelocTarget;
use synth_regalloc::{Edit, Loc};
use synth_thumb2_enc::{self as enc, AluOp, Flags, LoadOp, StoreOp};

/// Largest `LDR`/`STR [sp, #imm]` offset.
const MAX_IMM_OFF: u32 = 4095;
/// Step of large sp adjustments (12-bit immediate, 8-aligned).
const SP_STEP: u32 = 4088;

impl Emitter<'_> {
    pub(super) fn prologue(&mut self) {
        if self.frame.push_mask != 0 {
            self.asm.push(self.frame.push_mask);
            self.cfi(CfiOp::Push(self.frame.push_mask));
        }
        if self.frame.vpush_count != 0 {
            self.asm.vpush(enc::DReg(8), self.frame.vpush_count);
            self.cfi(CfiOp::VPush(self.vpush_dmask()));
        }
        self.adjust_sp(AluOp::Sub, self.frame.frame_bytes);
    }

    /// The D registers of the frame's VPUSH as a mask (bit i = d_i).
    fn vpush_dmask(&self) -> u16 {
        ((1u16 << self.frame.vpush_count) - 1) << 8
    }

    pub(super) fn epilogue(&mut self) {
        let framed = self.exit_changes_frame();
        if framed {
            self.cfi(CfiOp::RememberState);
        }
        self.adjust_sp(AluOp::Add, self.frame.frame_bytes);
        if self.frame.vpush_count != 0 {
            self.asm.vpop(enc::DReg(8), self.frame.vpush_count);
            self.cfi(CfiOp::VPop(self.vpush_dmask()));
        }
        if self.frame.push_mask != 0 {
            let mask = if self.frame.saves_lr() {
                (self.frame.push_mask & !(1 << 14)) | (1 << 15)
            } else {
                self.frame.push_mask
            };
            self.asm.pop(mask);
            self.cfi(CfiOp::Pop(mask));
            if !self.frame.saves_lr() {
                self.asm.bx(enc::Reg::LR);
            }
        } else {
            self.asm.bx(enc::Reg::LR);
        }
        if framed {
            self.cfi(CfiOp::RestoreState);
        }
    }

    /// `sp = sp <op> bytes` in steps the 12-bit immediate form encodes.
    pub(super) fn adjust_sp(&mut self, op: AluOp, bytes: u32) {
        let mut rest = bytes;
        while rest > 0 {
            let k = rest.min(SP_STEP);
            self.asm.alu_imm(op, SP, SP, k, Flags::Any);
            self.cfi(if op == AluOp::Sub { CfiOp::Alloc(k) } else { CfiOp::Free(k) });
            rest -= k;
        }
    }

    /// `rt = [sp + off]`; beyond the immediate range the address is built
    /// in `rt` itself.
    pub(super) fn sp_load(&mut self, rt: enc::Reg, off: u32) {
        if off <= MAX_IMM_OFF {
            self.asm.load(LoadOp::Ldr, rt, SP, off as i32);
        } else {
            self.sp_lea(rt, off);
            self.asm.load(LoadOp::Ldr, rt, rt, 0);
        }
    }

    /// `[sp + off] = rt`; beyond the immediate range a low register other
    /// than `rt` is pushed, used for the address and popped (sp only moves
    /// down, so nothing live is exposed below it).
    pub(super) fn sp_store(&mut self, rt: enc::Reg, off: u32) {
        if off <= MAX_IMM_OFF {
            self.asm.store(StoreOp::Str, rt, SP, off as i32);
        } else {
            let s = if rt == enc::Reg::R0 { enc::Reg::R1 } else { enc::Reg::R0 };
            self.asm.push(1 << s.0);
            self.scratch_push_bytes = self.scratch_push_bytes.max(4);
            self.cfi(CfiOp::Push(1 << s.0));
            self.sp_lea(s, off + 4);
            self.asm.store(StoreOp::Str, rt, s, 0);
            self.asm.pop(1 << s.0);
            self.cfi(CfiOp::Pop(1 << s.0));
        }
    }

    /// `rd = sp + off`.
    pub(super) fn sp_lea(&mut self, rd: enc::Reg, off: u32) {
        if !self.asm.alu_imm(AluOp::Add, rd, SP, off, Flags::Any) {
            self.asm.mov_imm(rd, off, Flags::Any);
            self.asm.alu(AluOp::Add, rd, SP, rd, None, Flags::Any);
        }
    }

    /// `VLDR`/`VSTR sd, [sp + off]` (`store` chooses); slots are 4-aligned.
    /// Beyond VLDR's reach (1020) the address is built in r0, pushed and
    /// popped around (sp only moves down, so nothing live is exposed).
    fn sp_vfp(&mut self, store: bool, sd: enc::SReg, off: u32) {
        if off <= 1020 {
            if store {
                self.asm.vstr(sd, SP, off as i32)
            } else {
                self.asm.vldr(sd, SP, off as i32)
            }
        } else {
            let r = enc::Reg::R0;
            self.asm.push(1 << r.0);
            self.scratch_push_bytes = self.scratch_push_bytes.max(4);
            self.cfi(CfiOp::Push(1 << r.0));
            self.sp_lea(r, off + 4);
            if store {
                self.asm.vstr(sd, r, 0)
            } else {
                self.asm.vldr(sd, r, 0)
            }
            self.asm.pop(1 << r.0);
            self.cfi(CfiOp::Pop(1 << r.0));
        }
    }

    pub(super) fn edit(&mut self, edit: &Edit) -> Result<(), String> {
        let float =
            |p: synth_regalloc::PReg| (p.class() == synth_regalloc::RegClass::Float).then(|| enc::SReg(p.index()));
        match *edit {
            Edit::Move { from: Loc::Reg(a), to: Loc::Reg(b) } if float(a).is_some() || float(b).is_some() => {
                match (float(a), float(b)) {
                    (Some(x), Some(y)) if a != b => self.asm.vfp_op2(enc::VfpOp2::Mov, y, x),
                    (Some(_), Some(_)) => {}
                    _ => return Err(format!("register move between classes: {a:?} -> {b:?}")),
                }
            }
            Edit::Move { from: Loc::Reg(a), to: Loc::Slot(sl) } if float(a).is_some() => {
                let off = self.frame.slot_offset(sl);
                self.sp_vfp(true, enc::SReg(a.index()), off)
            }
            Edit::Move { from: Loc::Slot(sl), to: Loc::Reg(b) } if float(b).is_some() => {
                let off = self.frame.slot_offset(sl);
                self.sp_vfp(false, enc::SReg(b.index()), off)
            }
            Edit::Move { from: Loc::Reg(a), to: Loc::Reg(b) } => {
                if a != b {
                    self.asm.mov(enc::Reg(b.0), enc::Reg(a.0));
                }
            }
            Edit::Move { from: Loc::Reg(a), to: Loc::Slot(s) } => {
                self.sp_store(enc::Reg(a.0), self.frame.slot_offset(s))
            }
            Edit::Move { from: Loc::Slot(s), to: Loc::Reg(b) } => {
                self.sp_load(enc::Reg(b.0), self.frame.slot_offset(s))
            }
            Edit::Move { from: Loc::Slot(_), to: Loc::Slot(_) } => return Err("slot-to-slot move".into()),
            Edit::Remat { vreg, to } => match self.vcode.remat_inst(vreg) {
                Some(MachInst::VMovImm { bits, .. }) => {
                    if float(to).is_none() || !self.asm.vmov_imm_f32(enc::SReg(to.index()), f32::from_bits(*bits)) {
                        return Err(format!("remat of v{vreg}: VMOV.F32 #{bits:#x} into {to:?}"));
                    }
                }
                Some(MachInst::MovImm { imm, .. }) => self.asm.mov_imm(enc::Reg(to.0), *imm, Flags::Any),
                Some(MachInst::MovSym { sym, addend, .. }) => {
                    let s = self.sym(RelocTarget::Symbol(*sym));
                    self.asm.mov_sym(enc::Reg(to.0), s, *addend)
                }
                _ => return Err(format!("remat of v{vreg}, which is not rematerialisable")),
            },
        }
        Ok(())
    }
}
