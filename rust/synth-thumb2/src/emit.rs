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
//!
//! Parts: `encode` (one instruction), `expand` (multi-instruction
//! sequences), `branch` (jump threading, two-way branches), `stack`
//! (prologue, epilogue, sp-relative access, allocator edits), `order`
//! (block placement), `traps` (trap sequences and islands).

use crate::frame::FrameLayout;
use crate::inst::{MachInst, Rhs};
use crate::vcode::VCode;
use crate::{Relocation, RelocTarget};
use branch::thread_jumps;
use std::collections::HashMap;
use synth_ir::TrapCode;
use synth_regalloc::{InstPos, Output, Reg};
use synth_thumb2_enc::{self as enc, Assembler, Cond, Flags, Label, Sym};

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
    /// Bytes the body pushes below the fixed frame for a moment (a scratch
    /// register for a spill store beyond the `STR [sp, #imm]` range).
    pub scratch_push_bytes: u32,
    /// Call-frame information: every sp change, in layout order.
    pub cfi: Vec<cfi::CfiEvent>,
    /// Line-table rows (code offset → wasm operator), in code order.
    pub lines: Vec<lines::LineRow>,
}

const R0: enc::Reg = enc::Reg::R0;
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
    /// The plan's islands ordered by site (then index), and how many of
    /// them the sites met so far placed.
    islands_by_site: Vec<usize>,
    island_cursor: usize,
    /// Deepest push below the fixed frame inside the body (bytes).
    scratch_push_bytes: u32,
    /// Frame changes recorded so far (see [`cfi`]).
    cfi: Vec<(synth_thumb2_enc::Mark, cfi::CfiOp)>,
    /// Line-table rows recorded so far (see [`lines`]).
    lines: Vec<(synth_thumb2_enc::Mark, synth_ir::SrcLoc)>,
    /// The core registers (lo, hi) an f64 expression's result was just
    /// moved to from d7, with the assembler's progress then (see `f64`):
    /// d7 still holds them while nothing else was placed.
    f64_held: Option<((usize, usize), enc::Reg, enc::Reg)>,
}

fn p(r: Reg) -> Result<enc::Reg, String> {
    match r.as_phys() {
        Some(p) if p.class() == synth_regalloc::RegClass::Int => Ok(enc::Reg(p.0)),
        Some(p) => Err(format!("core register expected, got s{}", p.index())),
        None => Err(format!("unallocated register {r:?}")),
    }
}

/// The S register of an allocated floating-point-class operand.
fn s(r: Reg) -> Result<enc::SReg, String> {
    match r.as_phys() {
        Some(p) if p.class() == synth_regalloc::RegClass::Float => Ok(enc::SReg(p.index())),
        Some(p) => Err(format!("S register expected, got r{}", p.0)),
        None => Err(format!("unallocated register {r:?}")),
    }
}

/// Emits the function: once, and a second time with trap islands when the
/// first pass shows trap branches out of `B<c>.N` reach (see
/// `traps`).
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
    asm.set_fpu(vcode.fpu);
    asm.set_literal_pools(true);
    let labels = (0..vcode.blocks.len()).map(|_| asm.new_label()).collect();
    let n_islands = plan.as_ref().map_or(0, |p| p.islands.len());
    let island_labels = (0..n_islands).map(|_| asm.new_label()).collect();
    let mut islands_by_site: Vec<usize> = (0..n_islands).collect();
    if let Some(p) = &plan {
        islands_by_site.sort_by_key(|&n| p.islands[n].0); // stable: index order within a site
    }
    let fwd = thread_jumps(vcode, alloc);
    let dead = dead::find(vcode, alloc);
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
        islands_by_site,
        island_cursor: 0,
        plan,
        scratch_push_bytes: 0,
        cfi: Vec::new(),
        lines: Vec::new(),
        f64_held: None,
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
        let mut edits = alloc.edits[lo..hi].iter().enumerate().map(|(k, pe)| (lo + k, pe)).peekable();
        let next = emitted.get(k + 1).copied().unwrap_or(usize::MAX);
        let label = e.labels[b];
        e.at_block_start();
        e.asm.bind(label);
        e.cur_block = b;
        for i in block.range.clone() {
            e.at_inst_start();
            e.line(vcode.locs.get(i).copied().unwrap_or_default());
            while let Some((k, (_, edit))) =
                edits.next_if(|(_, (pp, _))| pp.inst as usize == i && pp.pos == InstPos::Before)
            {
                if !dead.edits[k] {
                    e.edit(edit)?;
                }
            }
            // Edits for earlier points that the loop above skipped would be
            // lost: the allocator sorts them, so this only guards misuse.
            if let Some((_, (pp, _))) = edits.peek() {
                if (pp.inst as usize) < i {
                    return Err(format!("allocator edit at instruction {} out of order", pp.inst));
                }
            }
            let removed = alloc.removed_moves.get(i).copied().unwrap_or(false) || dead.insts[i];
            if !removed {
                let allocs = alloc.allocs.get(i).map(|v| v.as_slice()).unwrap_or(&[]);
                if allocs.len() != vcode.insts[i].operands().len() {
                    return Err(format!("allocation of instruction {i} has the wrong operand count"));
                }
                let inst = vcode.insts[i].map_regs(allocs);
                let edit_between = edits.peek().is_some_and(|(_, (pp, _))| {
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
            while let Some((k, (_, edit))) =
                edits.next_if(|(_, (pp, _))| pp.inst as usize == i && pp.pos == InstPos::After)
            {
                if !dead.edits[k] {
                    e.barrier = false;
                    e.edit(edit)?;
                }
            }
        }
    }
    if consumed != alloc.edits.len() {
        return Err("allocator edits outside the emitted blocks".into());
    }
    e.line_unknown();
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
    let scratch_push_bytes = e.scratch_push_bytes;
    let cfi = cfi::resolve(&e.cfi, &code.marks)?;
    let lines = lines::resolve(&e.lines, &code.marks)?;
    Ok((Emitted { code: code.bytes, relocs, data_ranges: code.data_ranges, inst_count, scratch_push_bytes, cfi, lines }, record))
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

    /// `MOVS r0, #code; BL synth_trap`.
    fn trap_call(&mut self, code: TrapCode) {
        self.asm.mov_imm(R0, trap_code_imm(code), Flags::Any);
        let s = self.sym(RelocTarget::Trap);
        self.asm.bl(s);
    }
}

mod branch;
pub mod cfi;
mod dead;
pub mod lines;
mod encode;
mod expand;
mod f64;
mod order;
mod stack;
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
