//! Emission: allocated [`MachInst`]s → `synth-thumb2-enc` assembler calls.
//!
//! Takes: the [`VCode`], the allocator's [`Output`] and the [`FrameLayout`].
//! Returns: [`Emitted`] — the assembled code, its relocations mapped to
//! [`RelocTarget`]s, and the machine-instruction count.
//!
//! For every instruction: the allocator's edits before it, the instruction
//! with its registers replaced (pseudo-instructions expanded here, as their
//! doc comments in [`crate::inst`] describe), the edits after it. Returns
//! run the epilogue; the prologue precedes block 0.

use crate::frame::FrameLayout;
use crate::imm::is_modified_imm;
use crate::inst::{AddSub, CallTarget, MachInst, Rhs, Shift64Op};
use crate::vcode::VCode;
use crate::{Relocation, RelocTarget};
use std::collections::HashMap;
use synth_ir::{IntCC, SymbolRef, TrapCode};
use synth_regalloc::{Edit, InstPos, Loc, Output, Reg};
use synth_thumb2_enc::{self as enc, AluOp, Assembler, Cond, Flags, Label, LoadOp, ShiftOp, StoreOp, Sym};

/// The result of emission.
#[derive(Clone, Debug)]
pub struct Emitted {
    /// Code bytes.
    pub code: Vec<u8>,
    /// Relocations, sorted by offset.
    pub relocs: Vec<Relocation>,
    /// Data (jump table) ranges.
    pub data_ranges: Vec<std::ops::Range<u32>>,
    /// Machine instructions in the code (data excluded).
    pub inst_count: u32,
}

const R0: enc::Reg = enc::Reg::R0;
/// Largest `LDR`/`STR [sp, #imm]` offset.
const MAX_IMM_OFF: u32 = 4095;
/// Step of large sp adjustments (12-bit immediate, 8-aligned).
const SP_STEP: u32 = 4088;
const SP: enc::Reg = enc::Reg::SP;

struct Emitter<'a> {
    asm: Assembler,
    frame: &'a FrameLayout,
    vcode: &'a VCode,
    labels: Vec<Label>,
    /// Jump-threaded block of each block (see [`thread_jumps`]).
    fwd: Vec<usize>,
    /// The block being emitted.
    cur_block: usize,
    syms: Vec<RelocTarget>,
    sym_ids: HashMap<RelocTarget, Sym>,
    /// Per trap code used: the label of its `MOVS r0, #code; BL synth_trap`
    /// sequence and whether that sequence has been placed yet.
    traps: Vec<(TrapCode, Label, bool)>,
    /// The last instruction emitted transfers control unconditionally
    /// (nothing falls into the next block).
    barrier: bool,
    /// The register that the next instruction (same block, no allocator
    /// edit in between) tests against zero (`CmpBr` `EQ`/`NE` `#0`): an
    /// `AluImm` writing it sets the flags so the assembler skips the `CMP`.
    zero_test_next: Option<Reg>,
    /// Island sites met so far.
    sites: usize,
    /// Conditional trap branches emitted so far.
    trap_uses: usize,
    /// First pass: trap branch and barrier positions.
    record: Option<traps::TrapRecord>,
    /// Second pass: the island plan, a label per island and whether it is
    /// placed yet.
    plan: Option<traps::TrapPlan>,
    island_labels: Vec<Label>,
    island_placed: Vec<bool>,
}

fn p(r: Reg) -> Result<enc::Reg, String> {
    r.as_phys().map(|p| enc::Reg(p.0)).ok_or_else(|| format!("unallocated register {r:?}"))
}

/// Emits the function: once, and a second time with trap islands when the
/// first pass shows trap branches out of `B<c>.N` reach (see
/// [`traps`](self::traps)).
pub fn emit(vcode: &VCode, alloc: &Output, frame: &FrameLayout) -> Result<Emitted, String> {
    let (first, rec) = emit_pass(vcode, alloc, frame, None)?;
    let plan = rec.map(|r| traps::plan_islands(&r));
    match plan {
        Some(plan) if !plan.islands.is_empty() => {
            let (second, _) = emit_pass(vcode, alloc, frame, Some(plan))?;
            // Estimates can mislead: keep the smaller result.
            Ok(if second.code.len() <= first.code.len() { second } else { first })
        }
        _ => Ok(first),
    }
}

/// One emission pass: without a plan it records trap branch positions,
/// with one it places the planned islands.
fn emit_pass(
    vcode: &VCode,
    alloc: &Output,
    frame: &FrameLayout,
    plan: Option<traps::TrapPlan>,
) -> Result<(Emitted, Option<traps::TrapRecord>), String> {
    let mut asm = Assembler::new();
    let labels = (0..vcode.blocks.len()).map(|_| asm.new_label()).collect();
    let n_islands = plan.as_ref().map_or(0, |p| p.islands.len());
    let island_labels = (0..n_islands).map(|_| asm.new_label()).collect();
    let fwd = thread_jumps(vcode, alloc);
    let mut e = Emitter {
        asm,
        frame,
        vcode,
        labels,
        fwd,
        cur_block: 0,
        syms: Vec::new(),
        sym_ids: HashMap::new(),
        traps: Vec::new(),
        barrier: false,
        zero_test_next: None,
        sites: 0,
        trap_uses: 0,
        record: if plan.is_none() { Some(traps::TrapRecord::default()) } else { None },
        island_labels,
        island_placed: vec![false; n_islands],
        plan,
    };
    e.prologue();
    // Edits are sorted by instruction; blocks are placed out of VCode
    // order (see [`order`]), so each block takes its own slice of them.
    let key = |pp: &synth_regalloc::ProgPoint| (pp.inst, pp.pos == InstPos::After);
    if alloc.edits.windows(2).any(|w| key(&w[0].0) > key(&w[1].0)) {
        return Err("allocator edits out of order".into());
    }
    let mut consumed = 0usize;
    let emitted = order::place(vcode, &e.fwd);
    for (k, &b) in emitted.iter().enumerate() {
        let block = &vcode.blocks[b];
        let lo = alloc.edits.partition_point(|(pp, _)| (pp.inst as usize) < block.range.start);
        let hi = alloc.edits.partition_point(|(pp, _)| (pp.inst as usize) < block.range.end);
        consumed += hi - lo;
        let mut edits = alloc.edits[lo..hi].iter().peekable();
        let next = emitted.get(k + 1).copied().unwrap_or(usize::MAX);
        let label = e.labels[b];
        e.at_block_start();
        e.asm.bind(label);
        e.cur_block = b;
        for i in block.range.clone() {
            e.at_inst_start();
            while let Some((pp, edit)) = edits.next_if(|(pp, _)| pp.inst as usize == i && pp.pos == InstPos::Before) {
                let _ = pp;
                e.edit(edit)?;
            }
            // Edits for earlier points that the loop above skipped would be
            // lost: the allocator sorts them, so this only guards misuse.
            if let Some((pp, _)) = edits.peek() {
                if (pp.inst as usize) < i {
                    return Err(format!("allocator edit at instruction {} out of order", pp.inst));
                }
            }
            let removed = alloc.removed_moves.get(i).copied().unwrap_or(false);
            if !removed {
                let allocs = alloc.allocs.get(i).map(|v| v.as_slice()).unwrap_or(&[]);
                if allocs.len() != vcode.insts[i].operands().len() {
                    return Err(format!("allocation of instruction {i} has the wrong operand count"));
                }
                let inst = vcode.insts[i].map_regs(allocs);
                let edit_between = edits.peek().is_some_and(|(pp, _)| {
                    pp.inst as usize == i || (pp.inst as usize == i + 1 && pp.pos == InstPos::Before)
                });
                e.zero_test_next = match vcode.insts.get(i + 1) {
                    Some(MachInst::CmpBr { cc: Cond::Eq | Cond::Ne, rhs: Rhs::Imm(0), .. })
                        if i + 1 < block.range.end && !edit_between =>
                    {
                        let allocs = alloc.allocs.get(i + 1).map(|v| v.as_slice()).unwrap_or(&[]);
                        match vcode.insts[i + 1].map_regs(allocs) {
                            MachInst::CmpBr { rn, .. } => Some(rn),
                            _ => None,
                        }
                    }
                    _ => None,
                };
                e.inst(&inst, next)?;
            }
            while let Some((_, edit)) = edits.next_if(|(pp, _)| pp.inst as usize == i && pp.pos == InstPos::After) {
                e.barrier = false;
                e.edit(edit)?;
            }
        }
    }
    if consumed != alloc.edits.len() {
        return Err("allocator edits outside the emitted blocks".into());
    }
    e.trap_stubs();
    let record = e.record.take();
    let code = e.asm.finish().map_err(|err| format!("assembler: {}", err.0))?;
    let mut relocs = Vec::with_capacity(code.relocs.len());
    for r in &code.relocs {
        let target = *e.syms.get(r.sym.0 as usize).ok_or("relocation against an unknown symbol")?;
        relocs.push(Relocation { offset: r.offset, kind: r.kind, target, addend: r.addend });
    }
    relocs.sort_by_key(|r| r.offset);
    let inst_count = count_insts(&code.bytes, &code.data_ranges);
    Ok((Emitted { code: code.bytes, relocs, data_ranges: code.data_ranges, inst_count }, record))
}

/// Jump threading: a block that is only a `Jump` once its copies are
/// coalesced away (no surviving moves, no allocator edits) is not emitted;
/// branches to it go to its final target. Returns, per block, the block its
/// label resolves to (itself when emitted).
fn thread_jumps(vcode: &VCode, alloc: &Output) -> Vec<usize> {
    let n = vcode.blocks.len();
    let mut has_edit = vec![false; vcode.insts.len()];
    for (pp, _) in &alloc.edits {
        if let Some(h) = has_edit.get_mut(pp.inst as usize) {
            *h = true;
        }
    }
    let mut direct: Vec<Option<usize>> = (0..n)
        .map(|b| {
            let r = vcode.blocks[b].range.clone();
            if b == 0 || r.is_empty() || r.clone().any(|i| has_edit[i]) {
                return None;
            }
            let last = r.end - 1;
            let body_empty = (r.start..last).all(|i| {
                matches!(vcode.insts[i], MachInst::Mov { .. })
                    && alloc.removed_moves.get(i).copied().unwrap_or(false)
            });
            match vcode.insts[last] {
                MachInst::Jump { target } if body_empty && target != b => Some(target),
                _ => None,
            }
        })
        .collect();
    let resolve = |direct: &[Option<usize>]| -> Vec<usize> {
        (0..n)
            .map(|b| {
                let mut cur = b;
                for _ in 0..n {
                    match direct[cur] {
                        Some(t) => cur = t,
                        None => return cur,
                    }
                }
                b // a cycle of empty jumps: keep the block
            })
            .collect()
    };
    let fwd = resolve(&direct);
    // TBH only jumps forwards: a table target that would resolve to a block
    // at or before the table stays as a trampoline.
    let mut changed = false;
    for (s, bl) in vcode.blocks.iter().enumerate() {
        if let Some(MachInst::BrTable { targets, .. }) = bl.range.clone().last().map(|i| &vcode.insts[i]) {
            for &t in targets {
                if fwd[t] <= s && direct[t].is_some() {
                    direct[t] = None;
                    changed = true;
                }
            }
        }
    }
    if changed {
        resolve(&direct)
    } else {
        fwd
    }
}

/// `Some(nz)` when `CMP rn, rhs` then `cc` is a test of `rn` against zero
/// that `CBZ` (`nz` false) or `CBNZ` (`nz` true) can do.
fn zero_test(cc: Cond, rhs: Rhs) -> Option<bool> {
    match (cc, rhs) {
        (Cond::Eq, Rhs::Imm(0)) => Some(false),
        (Cond::Ne, Rhs::Imm(0)) => Some(true),
        _ => None,
    }
}

/// Counts Thumb instructions (16- and 32-bit) outside data ranges.
pub fn count_insts(bytes: &[u8], data: &[std::ops::Range<u32>]) -> u32 {
    let mut n = 0;
    let mut off = 0usize;
    while off + 1 < bytes.len() {
        if let Some(r) = data.iter().find(|r| r.contains(&(off as u32))) {
            off = r.end as usize;
            continue;
        }
        let hw = u16::from_le_bytes([bytes[off], bytes[off + 1]]);
        off += if hw >> 11 >= 0b11101 { 4 } else { 2 };
        n += 1;
    }
    n
}

fn trap_code_imm(code: TrapCode) -> u32 {
    code.code()
}

impl Emitter<'_> {
    fn sym(&mut self, t: RelocTarget) -> Sym {
        if let Some(s) = self.sym_ids.get(&t) {
            return *s;
        }
        let s = Sym(self.syms.len() as u32);
        self.syms.push(t);
        self.sym_ids.insert(t, s);
        s
    }

    fn prologue(&mut self) {
        if self.frame.push_mask != 0 {
            self.asm.push(self.frame.push_mask);
        }
        self.adjust_sp(AluOp::Sub, self.frame.frame_bytes);
    }

    fn epilogue(&mut self) {
        self.adjust_sp(AluOp::Add, self.frame.frame_bytes);
        if self.frame.push_mask != 0 {
            let mask = if self.frame.saves_lr() {
                (self.frame.push_mask & !(1 << 14)) | (1 << 15)
            } else {
                self.frame.push_mask
            };
            self.asm.pop(mask);
            if !self.frame.saves_lr() {
                self.asm.bx(enc::Reg::LR);
            }
        } else {
            self.asm.bx(enc::Reg::LR);
        }
    }

    /// `sp = sp <op> bytes` in steps the 12-bit immediate form encodes.
    fn adjust_sp(&mut self, op: AluOp, bytes: u32) {
        let mut rest = bytes;
        while rest > 0 {
            let k = rest.min(SP_STEP);
            self.asm.alu_imm(op, SP, SP, k, Flags::Any);
            rest -= k;
        }
    }

    /// `rt = [sp + off]`; beyond the immediate range the address is built
    /// in `rt` itself.
    fn sp_load(&mut self, rt: enc::Reg, off: u32) {
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
    fn sp_store(&mut self, rt: enc::Reg, off: u32) {
        if off <= MAX_IMM_OFF {
            self.asm.store(StoreOp::Str, rt, SP, off as i32);
        } else {
            let s = if rt == enc::Reg::R0 { enc::Reg::R1 } else { enc::Reg::R0 };
            self.asm.push(1 << s.0);
            self.sp_lea(s, off + 4);
            self.asm.store(StoreOp::Str, rt, s, 0);
            self.asm.pop(1 << s.0);
        }
    }

    /// `rd = sp + off`.
    fn sp_lea(&mut self, rd: enc::Reg, off: u32) {
        if !self.asm.alu_imm(AluOp::Add, rd, SP, off, Flags::Any) {
            self.asm.mov_imm(rd, off, Flags::Any);
            self.asm.alu(AluOp::Add, rd, SP, rd, None, Flags::Any);
        }
    }

    fn edit(&mut self, edit: &Edit) -> Result<(), String> {
        match *edit {
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

    fn cmp(&mut self, rn: Reg, rhs: Rhs) -> Result<(), String> {
        match rhs {
            Rhs::Reg(rm) => self.asm.cmp(p(rn)?, p(rm)?),
            Rhs::Imm(i) => {
                if !self.asm.cmp_imm(p(rn)?, i) {
                    return Err(format!("CMP #{i:#x} has no encoding"));
                }
            }
            Rhs::TstReg(rm) => self.asm.tst(p(rn)?, p(rm)?),
            Rhs::TstImm(i) => {
                if !self.asm.tst_imm(p(rn)?, i) {
                    return Err(format!("TST #{i:#x} has no encoding"));
                }
            }
        }
        Ok(())
    }

    fn alu_imm(&mut self, op: AluOp, rd: enc::Reg, rn: enc::Reg, imm: u32, flags: Flags) -> Result<(), String> {
        if self.asm.alu_imm(op, rd, rn, imm, flags) {
            Ok(())
        } else {
            Err(format!("{op:?} #{imm:#x} has no encoding"))
        }
    }

    /// `MOVS r0, #code; BL synth_trap`.
    fn trap_call(&mut self, code: TrapCode) {
        self.asm.mov_imm(R0, trap_code_imm(code), Flags::Any);
        let s = self.sym(RelocTarget::Trap);
        self.asm.bl(s);
    }

    /// `CMP` done; branch on `cc` to `taken`, else to `not_taken`, using
    /// fallthrough into `next` where possible.
    fn branch2(&mut self, cc: Cond, taken: usize, not_taken: usize, next: usize) {
        let (taken, not_taken) = (self.fwd[taken], self.fwd[not_taken]);
        if taken == not_taken {
            if taken != next {
                self.asm.b(self.labels[taken]);
                self.barrier = true;
            }
        } else if taken == next {
            self.asm.b_cond(cc.invert(), self.labels[not_taken]);
        } else {
            self.asm.b_cond(cc, self.labels[taken]);
            if not_taken != next {
                self.asm.b(self.labels[not_taken]);
                self.barrier = true;
            }
        }
    }

    /// Branch on `rn` being zero (`nz` false) or not (`nz` true) to
    /// `taken`, else to `not_taken`: `CBZ`/`CBNZ` (which the assembler turns
    /// into `CMP #0; B<EQ/NE>` when out of reach), with fallthrough into
    /// `next` where possible.
    fn branch_zero(&mut self, rn: enc::Reg, nz: bool, taken: usize, not_taken: usize, next: usize) {
        let (taken, not_taken) = (self.fwd[taken], self.fwd[not_taken]);
        if taken == not_taken {
            if taken != next {
                self.asm.b(self.labels[taken]);
                self.barrier = true;
            }
        } else if taken == next {
            self.asm.cbz(!nz, rn, self.labels[not_taken]);
        } else {
            self.asm.cbz(nz, rn, self.labels[taken]);
            if not_taken != next {
                self.asm.b(self.labels[not_taken]);
                self.barrier = true;
            }
        }
    }

    fn inst(&mut self, inst: &MachInst, next: usize) -> Result<(), String> {
        let a = &mut self.asm;
        match inst {
            MachInst::Args { .. } => {}
            MachInst::Mov { rd, rm } => {
                if rd != rm {
                    a.mov(p(*rd)?, p(*rm)?);
                }
            }
            MachInst::MovImm { rd, imm } => a.mov_imm(p(*rd)?, *imm, Flags::Any),
            MachInst::MovSym { rd, sym, addend } => {
                let s = self.sym(RelocTarget::Symbol(*sym));
                self.asm.mov_sym(p(*rd)?, s, *addend);
            }
            MachInst::Alu { op, rd, rn, rm } => a.alu(*op, p(*rd)?, p(*rn)?, p(*rm)?, None, Flags::Any),
            MachInst::AluImm { op, rd, rn, imm } => {
                let (d, n) = (p(*rd)?, p(*rn)?);
                // Setting the flags for a following zero test costs nothing
                // when an encoding exists (same size); otherwise plain.
                let set = self.zero_test_next == Some(*rd) && a.alu_imm(*op, d, n, *imm, Flags::Set);
                if !set {
                    self.alu_imm(*op, d, n, *imm, Flags::Any)?;
                }
            }
            MachInst::AluShift { op, rd, rn, rm, shift } => {
                a.alu(*op, p(*rd)?, p(*rn)?, p(*rm)?, Some(*shift), Flags::Any)
            }
            MachInst::MulAcc { sub, rd, rn, rm, ra } => {
                if *sub {
                    a.mls(p(*rd)?, p(*rn)?, p(*rm)?, p(*ra)?)
                } else {
                    a.mla(p(*rd)?, p(*rn)?, p(*rm)?, p(*ra)?)
                }
            }
            MachInst::LoadIdx { op, rd, base, idx, shift } => a.load_reg(*op, p(*rd)?, p(*base)?, p(*idx)?, *shift),
            MachInst::StoreIdx { op, rt, base, idx, shift } => a.store_reg(*op, p(*rt)?, p(*base)?, p(*idx)?, *shift),
            MachInst::Mvn { rd, rm } => a.mvn(p(*rd)?, p(*rm)?, Flags::Any),
            MachInst::ShiftImm { op, rd, rm, amt } => {
                if *op == ShiftOp::Lsl && *amt == 0 {
                    if rd != rm {
                        a.mov(p(*rd)?, p(*rm)?);
                    }
                } else {
                    a.shift_imm(*op, p(*rd)?, p(*rm)?, *amt, Flags::Any);
                }
            }
            MachInst::ShiftReg { op, rd, rn, rm } => a.shift_reg(*op, p(*rd)?, p(*rn)?, p(*rm)?, Flags::Any),
            MachInst::ShiftMasked { op, rd, rn, rm, tmp } => {
                let t = p(*tmp)?;
                self.alu_imm(AluOp::And, t, p(*rm)?, 31, Flags::Any)?;
                self.asm.shift_reg(*op, p(*rd)?, p(*rn)?, t, Flags::Any);
            }
            MachInst::Rotl32 { rd, rn, rm, tmp } => {
                let t = p(*tmp)?;
                self.alu_imm(AluOp::Rsb, t, p(*rm)?, 0, Flags::Any)?;
                self.asm.shift_reg(ShiftOp::Ror, p(*rd)?, p(*rn)?, t, Flags::Any);
            }
            MachInst::Mul { rd, rn, rm } => a.mul(p(*rd)?, p(*rn)?, p(*rm)?, Flags::Any),
            MachInst::Div { signed, rd, rn, rm } => {
                if *signed {
                    a.sdiv(p(*rd)?, p(*rn)?, p(*rm)?)
                } else {
                    a.udiv(p(*rd)?, p(*rn)?, p(*rm)?)
                }
            }
            MachInst::Rem { signed, rd, rn, rm } => {
                let (d, n, m) = (p(*rd)?, p(*rn)?, p(*rm)?);
                if *signed {
                    a.sdiv(d, n, m)
                } else {
                    a.udiv(d, n, m)
                }
                a.mls(d, d, m, n);
            }
            MachInst::Clz { rd, rm } => a.clz(p(*rd)?, p(*rm)?),
            MachInst::Ctz { rd, rm } => {
                let d = p(*rd)?;
                a.rbit(d, p(*rm)?);
                a.clz(d, d);
            }
            MachInst::Popcnt { rd, rm, tmp } => self.popcnt(p(*rd)?, p(*rm)?, p(*tmp)?)?,
            MachInst::Extend { op, rd, rm } => a.extend(*op, p(*rd)?, p(*rm)?),
            MachInst::Bfx { signed, rd, rm, lsb, width } => a.bfx(*signed, p(*rd)?, p(*rm)?, *lsb, *width),
            MachInst::CmpSet { cc, rd, rn, rhs } => {
                self.cmp(*rn, *rhs)?;
                self.set01(*cc, p(*rd)?);
            }
            MachInst::CmpSelect { cc, rd, rn, rhs, t, f } => {
                self.cmp(*rn, *rhs)?;
                let (d, t, f) = (p(*rd)?, p(*t)?, p(*f)?);
                let a = &mut self.asm;
                if d == t && d == f {
                } else if d == t {
                    a.it(cc.invert(), "");
                    a.mov(d, f);
                } else if d == f {
                    a.it(*cc, "");
                    a.mov(d, t);
                } else {
                    a.it(*cc, "e");
                    a.mov(d, t);
                    a.mov(d, f);
                }
            }
            MachInst::TrapIf { cc, rn, rhs, code } => match zero_test(*cc, *rhs) {
                Some(nz) => {
                    let l = self.trap_use_label(*code);
                    self.asm.cbz(nz, p(*rn)?, l);
                }
                None => {
                    self.cmp(*rn, *rhs)?;
                    self.trap_if(*cc, *code);
                }
            },
            MachInst::Trap { code } | MachInst::TrapTerm { code } => self.trap(*code),
            MachInst::AddSub64 { op, dlo, dhi, alo, ahi, blo, bhi } => {
                let (o1, o2) = match op {
                    AddSub::Add => (AluOp::Add, AluOp::Adc),
                    AddSub::Sub => (AluOp::Sub, AluOp::Sbc),
                };
                a.alu(o1, p(*dlo)?, p(*alo)?, p(*blo)?, None, Flags::Set);
                a.alu(o2, p(*dhi)?, p(*ahi)?, p(*bhi)?, None, Flags::Any);
            }
            MachInst::MulLong { signed, dlo, dhi, rn, rm } => {
                let (dl, dh, n, m) = (p(*dlo)?, p(*dhi)?, p(*rn)?, p(*rm)?);
                if *signed {
                    a.smull(dl, dh, n, m)
                } else {
                    a.umull(dl, dh, n, m)
                }
            }
            MachInst::Mul64 { dlo, dhi, alo, ahi, blo, bhi } => {
                let (dl, dh) = (p(*dlo)?, p(*dhi)?);
                a.umull(dl, dh, p(*alo)?, p(*blo)?);
                a.mla(dh, p(*alo)?, p(*bhi)?, dh);
                a.mla(dh, p(*ahi)?, p(*blo)?, dh);
            }
            MachInst::Shift64 { op, dlo, dhi, alo, ahi, n, t, t2 } => {
                self.shift64(*op, [p(*dlo)?, p(*dhi)?, p(*alo)?, p(*ahi)?, p(*n)?, p(*t)?, p(*t2)?])?
            }
            MachInst::Rotl64 { dlo, dhi, alo, ahi, n, t, t2, u } => {
                let (dl, dh, al, ah, n, t, t2, u) =
                    (p(*dlo)?, p(*dhi)?, p(*alo)?, p(*ahi)?, p(*n)?, p(*t)?, p(*t2)?, p(*u)?);
                if !a.tst_imm(n, 32) {
                    return Err("TST #32 has no encoding".into());
                }
                a.it(Cond::Ne, "e");
                a.mov(dl, ah);
                a.mov(dl, al);
                a.it(Cond::Ne, "e");
                a.mov(dh, al);
                a.mov(dh, ah);
                self.alu_imm(AluOp::And, t, n, 31, Flags::Any)?;
                self.alu_imm(AluOp::Rsb, t2, t, 32, Flags::Any)?;
                let a = &mut self.asm;
                a.shift_reg(ShiftOp::Lsr, u, dh, t2, Flags::Any);
                a.shift_reg(ShiftOp::Lsr, t2, dl, t2, Flags::Any);
                a.shift_reg(ShiftOp::Lsl, dl, dl, t, Flags::Any);
                a.alu(AluOp::Orr, dl, dl, u, None, Flags::Any);
                a.shift_reg(ShiftOp::Lsl, dh, dh, t, Flags::Any);
                a.alu(AluOp::Orr, dh, dh, t2, None, Flags::Any);
            }
            MachInst::CmpSet64 { cc, rd, alo, ahi, blo, bhi, t } => {
                let (al, ah, bl, bh) = (p(*alo)?, p(*ahi)?, p(*blo)?, p(*bhi)?);
                let cond = match cc {
                    IntCC::Eq | IntCC::Ne => {
                        a.cmp(al, bl);
                        a.it(Cond::Eq, "");
                        a.cmp(ah, bh);
                        crate::inst::cond_of(*cc)
                    }
                    _ => {
                        let swap = matches!(cc, IntCC::GtS | IntCC::LeS | IntCC::GtU | IntCC::LeU);
                        let ((xl, xh), (yl, yh)) = if swap { ((bl, bh), (al, ah)) } else { ((al, ah), (bl, bh)) };
                        a.cmp(xl, yl);
                        a.alu(AluOp::Sbc, p(*t)?, xh, yh, None, Flags::Set);
                        match cc {
                            IntCC::LtS | IntCC::GtS => Cond::Lt,
                            IntCC::GeS | IntCC::LeS => Cond::Ge,
                            IntCC::LtU | IntCC::GtU => Cond::Lo,
                            _ => Cond::Hs,
                        }
                    }
                };
                self.set01(cond, p(*rd)?);
            }
            MachInst::Clz64 { rd, lo, hi } => {
                let (d, l, h) = (p(*rd)?, p(*lo)?, p(*hi)?);
                a.cmp_imm(h, 0);
                a.it(Cond::Ne, "ee");
                a.clz(d, h);
                a.clz(d, l);
                self.alu_imm(AluOp::Add, d, d, 32, Flags::Any)?;
            }
            MachInst::Ctz64 { rd, lo, hi } => {
                let (d, l, h) = (p(*rd)?, p(*lo)?, p(*hi)?);
                a.cmp_imm(l, 0);
                a.it(Cond::Ne, "e");
                a.rbit(d, l);
                a.rbit(d, h);
                a.clz(d, d);
                a.it(Cond::Eq, "");
                self.alu_imm(AluOp::Add, d, d, 32, Flags::Any)?;
            }
            MachInst::Load { op, rd, base, off } => a.load(*op, p(*rd)?, p(*base)?, *off as i32),
            MachInst::Store { op, rt, base, off } => a.store(*op, p(*rt)?, p(*base)?, *off as i32),
            MachInst::LoadStack { rd, addr } => {
                let off = self.frame.offset(*addr);
                self.sp_load(p(*rd)?, off);
            }
            MachInst::StoreStack { rt, addr } => {
                let off = self.frame.offset(*addr);
                self.sp_store(p(*rt)?, off);
            }
            MachInst::LeaStack { rd, addr } => {
                let off = self.frame.offset(*addr);
                self.sp_lea(p(*rd)?, off);
            }
            MachInst::BoundsCheck { addr, end, t, t2 } => {
                let (ad, t) = (p(*addr)?, p(*t)?);
                let s = self.sym(RelocTarget::Symbol(SymbolRef::MemorySize));
                let a = &mut self.asm;
                a.mov_sym(t, s, 0);
                a.load(LoadOp::Ldr, t, t, 0);
                match t2 {
                    Some(t2) => {
                        let t2 = p(*t2)?;
                        a.mov_imm(t2, *end, Flags::Any);
                        a.alu(AluOp::Sub, t, t, t2, None, Flags::Set);
                    }
                    None => {
                        if !is_modified_imm(*end) {
                            return Err("bounds-check end without a scratch register".into());
                        }
                        self.alu_imm(AluOp::Sub, t, t, *end, Flags::Set)?;
                    }
                }
                self.asm.it(Cond::Hs, "");
                self.asm.cmp(t, ad);
                self.trap_if(Cond::Lo, TrapCode::MemoryOutOfBounds);
            }
            MachInst::StackCheck { t } => {
                let t = p(*t)?;
                let s = self.sym(RelocTarget::Symbol(SymbolRef::StackLimit));
                let a = &mut self.asm;
                a.mov_sym(t, s, 0);
                a.load(LoadOp::Ldr, t, t, 0);
                a.cmp(SP, t);
                self.trap_if(Cond::Lo, TrapCode::StackOverflow);
            }
            MachInst::Call { target, .. } => match target {
                CallTarget::Sym(s) => {
                    let s = self.sym(RelocTarget::Symbol(*s));
                    self.asm.bl(s);
                }
                CallTarget::Reg(r) => a.blx(p(*r)?),
            },
            MachInst::Jump { target } => {
                let t = self.fwd[*target];
                if t != next {
                    a.b(self.labels[t]);
                    self.barrier = true;
                }
            }
            MachInst::CmpBr { cc, rn, rhs, taken, not_taken } => match zero_test(*cc, *rhs) {
                Some(nz) => self.branch_zero(p(*rn)?, nz, *taken, *not_taken, next),
                None => {
                    self.cmp(*rn, *rhs)?;
                    self.branch2(*cc, *taken, *not_taken, next);
                }
            },
            MachInst::Cmp64Br { cc, alo, ahi, blo, bhi, taken, not_taken } => {
                let (al, ah, bl, bh) = (p(*alo)?, p(*ahi)?, p(*blo)?, p(*bhi)?);
                a.cmp(ah, bh);
                let unsigned = match cc {
                    IntCC::LtS => Some((Cond::Lt, Cond::Gt, Cond::Lo)),
                    IntCC::LeS => Some((Cond::Lt, Cond::Gt, Cond::Ls)),
                    IntCC::GtS => Some((Cond::Gt, Cond::Lt, Cond::Hi)),
                    IntCC::GeS => Some((Cond::Gt, Cond::Lt, Cond::Hs)),
                    _ => None,
                };
                match unsigned {
                    Some((strict, opposite, low)) => {
                        a.b_cond(strict, self.labels[self.fwd[*taken]]);
                        a.b_cond(opposite, self.labels[self.fwd[*not_taken]]);
                        a.cmp(al, bl);
                        self.branch2(low, *taken, *not_taken, next);
                    }
                    None => {
                        a.it(Cond::Eq, "");
                        a.cmp(al, bl);
                        self.branch2(crate::inst::cond_of(*cc), *taken, *not_taken, next);
                    }
                }
            }
            MachInst::BrTable { idx, limit, targets, default } => {
                let i = p(*idx)?;
                match limit {
                    Some(l) => a.cmp(i, p(*l)?),
                    None => {
                        if !a.cmp_imm(i, targets.len() as u32) {
                            return Err("br_table bound has no CMP encoding".into());
                        }
                    }
                }
                a.b_cond(Cond::Hs, self.labels[self.fwd[*default]]);
                // TBH only jumps forwards: keep trampolines to earlier blocks.
                let cur = self.cur_block;
                let fwd = |t: usize| if self.fwd[t] > cur { self.fwd[t] } else { t };
                let ls: Vec<Label> = targets.iter().map(|t| self.labels[fwd(*t)]).collect();
                self.asm.tbh(i, &ls);
                self.barrier = true;
            }
            MachInst::Ret { .. } => {
                self.epilogue();
                self.barrier = true;
            }
        }
        Ok(())
    }

    /// `ITE cc; MOVcc rd, #1; MOV!cc rd, #0`.
    fn set01(&mut self, cc: Cond, rd: enc::Reg) {
        self.asm.it(cc, "e");
        self.asm.mov_imm(rd, 1, Flags::Any);
        self.asm.mov_imm(rd, 0, Flags::Any);
    }

    fn popcnt(&mut self, d: enc::Reg, x: enc::Reg, t: enc::Reg) -> Result<(), String> {
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

    /// `[dlo, dhi, alo, ahi, n, t, t2]`; see [`MachInst::Shift64`].
    fn shift64(&mut self, op: Shift64Op, r: [enc::Reg; 7]) -> Result<(), String> {
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

mod order;
mod traps;

#[cfg(test)]
mod tests {
    use super::count_insts;

    #[test]
    fn counts_16_and_32_bit_instructions_and_skips_data() {
        // movs r0,#1 ; bl (32-bit) ; bx lr ; [4 data bytes] ; nop
        let code = [0x01, 0x20, 0xff, 0xf7, 0xfe, 0xff, 0x70, 0x47, 0xaa, 0xbb, 0xcc, 0xdd, 0x00, 0xbf];
        let data = [std::ops::Range { start: 8, end: 12 }];
        assert_eq!(count_insts(&code, &data), 4);
        assert_eq!(count_insts(&code[..8], &[]), 3);
    }
}
