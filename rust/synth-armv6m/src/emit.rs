//! Emission: allocated instructions → bytes, with the frame, branch
//! relaxation and literal pools.
//!
//! Takes: the [`VCode`], the allocator's [`Output`] and the frame facts.
//! Returns: code, relocations, call-frame events, line rows. Every
//! instruction is first expanded into [`Item`]s (halfwords, branches to
//! labels, literal loads, calls to symbols); then the items are placed:
//! branches start short and grow until every one reaches (`B<c>` ±256 B;
//! out of range, an inverted `B<c>` over a `B` (±2 KiB) or over a `BL`;
//! a `BL` to a block needs lr saved, so the frame is laid out again with
//! lr pushed when one is needed), and literal pools go after an
//! unconditional control transfer once a literal load is 400 bytes back, or
//! in an island jumped over before a load would fall out of reach (1020 B).

use synth_ir::{SrcLoc, TrapCode};
use synth_mach::{CfiEvent, CfiOp, LineRow, RelocTarget, Relocation};
use synth_regalloc::{Edit, InstPos, Loc, Output, PReg, Reg};
use synth_thumb2_enc::RelocKind;

use crate::enc::{self, Cond, Dp, Mem};
use crate::inst::{AluOp, CallTarget, CountOp, Inst, Lit, MemOff, Opnd};
use crate::vcode::VCode;

/// A piece of code before placement.
#[derive(Clone, Debug)]
enum Item {
    /// A fixed halfword (one instruction).
    H(u16),
    /// A label.
    Label(usize),
    /// A branch to a label, conditional or not.
    Br(Option<Cond>, usize),
    /// `BL` to a symbol.
    Call(RelocTarget),
    /// `LDR rt, =lit`.
    Lit(u8, Lit),
    /// A point no code falls through to: a pool may go here.
    Barrier,
    /// A call-frame change from here on.
    Cfi(CfiOp),
    /// A line row from here on.
    Line(SrcLoc),
    /// `ADR rd, label` (the label 4-aligned, at most 1020 bytes ahead).
    Adr(u8, usize),
    /// Padding to a 4-byte boundary (data).
    Align4,
    /// A jump-table word: `target - table + 1` (labels).
    TableWord(usize, usize),
    /// Start (true) or end (false) of halfwords with branches by fixed
    /// offsets among them (`BNE` over one `MOVS`, a counting loop): no
    /// pool may be placed inside.
    Atomic(bool),
}

/// The frame.
#[derive(Clone, Copy, Debug)]
pub struct Frame {
    /// Registers pushed (bits 0-7 = r0-r7, bit 14 = lr).
    pub push_mask: u16,
    /// Bytes below the pushed registers (outgoing arguments, spill slots,
    /// padding to 8).
    pub frame_bytes: u32,
    /// Outgoing-argument bytes (at sp).
    pub outgoing: u32,
    /// Local-area bytes (above the outgoing arguments).
    pub locals: u32,
}

impl Frame {
    /// Lays out the frame.
    pub fn new(callee_saved: u16, lr: bool, outgoing: u32, locals: u32, slots: u32) -> Frame {
        let push_mask = callee_saved | if lr { 0x4000 } else { 0 };
        let push_bytes = 4 * push_mask.count_ones();
        let mut frame_bytes = outgoing + locals + 4 * slots;
        if (frame_bytes + push_bytes) % 8 != 0 {
            frame_bytes += 4;
        }
        Frame { push_mask, frame_bytes, outgoing, locals }
    }
    fn push_bytes(&self) -> u32 {
        4 * self.push_mask.count_ones()
    }
    fn slot(&self, s: u32) -> u32 {
        self.outgoing + self.locals + 4 * s
    }
}

/// What emission produced.
pub struct Emitted {
    /// Code bytes.
    pub code: Vec<u8>,
    /// Relocations by offset.
    pub relocs: Vec<Relocation>,
    /// Literal pools.
    pub data_ranges: Vec<std::ops::Range<u32>>,
    /// Instructions.
    pub inst_count: u32,
    /// Call-frame events.
    pub cfi: Vec<CfiEvent>,
    /// Line rows.
    pub lines: Vec<LineRow>,
}

/// Emission failed for want of lr (a branch needs `BL` range): lay out the
/// frame with lr saved and emit again.
pub struct NeedLr;

fn p(r: Reg) -> u8 {
    r.as_phys().expect("allocated").0
}

struct Ctx<'a> {
    vcode: &'a VCode,
    frame: Frame,
    layout: &'a [usize],
    items: Vec<Item>,
    /// Trap codes with a stub (label `trap_base + index`).
    traps: Vec<TrapCode>,
    trap_base: usize,
    final_target: Vec<usize>,
    /// Next label of a pseudo-instruction's own loop or skip.
    next_local: usize,
    /// The machine block being emitted.
    cur_block: usize,
}

/// The first label number of pseudo-instructions' local labels (blocks
/// and trap stubs are numbered below).
const LOCAL_LABELS: usize = 1 << 30;
/// Label numbers of jump tables: this plus the machine block's index.
const TABLE_LABELS: usize = 1 << 29;

impl Ctx<'_> {
    fn local(&mut self) -> usize {
        self.next_local += 1;
        self.next_local
    }

    fn br(&mut self, c: Cond, l: usize) {
        self.items.push(Item::Br(Some(c), l));
    }

    fn label(&mut self, l: usize) {
        self.items.push(Item::Label(l));
    }

    /// `if (r < 0) r = -r` (r's value as a signed word; INT_MIN stays, which
    /// read unsigned is its magnitude).
    fn abs(&mut self, r: u8) {
        let skip = self.local();
        self.h(enc::cmp_imm(r, 0));
        self.br(Cond::Ge, skip);
        self.h(enc::dp(Dp::Neg, r, r));
        self.label(skip);
    }

    fn div_rem(&mut self, signed: bool, rem: bool, rd: u8, n: u8, d: u8, tmps: &[u8]) {
        let (q, r) = if rem { (tmps[0], rd) } else { (rd, tmps[0]) };
        let (t, c) = (tmps[1], tmps[2]);
        let s = if signed { tmps[3] } else { d };
        self.mov(t, n);
        if signed {
            self.abs(t);
            self.mov(s, d);
            self.abs(s);
        }
        self.h(enc::movs_imm(q, 0));
        self.h(enc::movs_imm(r, 0));
        self.h(enc::movs_imm(c, 32));
        let (top, sub, keep) = (self.local(), self.local(), self.local());
        self.label(top);
        self.h(enc::shift_imm(enc::Shift::Lsl, q, q, 1));
        self.h(enc::shift_imm(enc::Shift::Lsl, t, t, 1));
        self.h(enc::dp(Dp::Adc, r, r));
        self.br(Cond::Hs, sub);
        self.h(enc::cmp_rr(r, s));
        self.br(Cond::Lo, keep);
        self.label(sub);
        self.h(enc::subs_rrr(r, r, s));
        self.h(enc::adds_imm8(q, 1));
        self.label(keep);
        self.h(enc::subs_imm8(c, 1));
        self.br(Cond::Ne, top);
        if signed {
            let skip = self.local();
            if rem {
                self.h(enc::cmp_imm(n, 0));
                self.br(Cond::Ge, skip);
                self.h(enc::dp(Dp::Neg, r, r));
            } else {
                self.mov(c, n);
                self.h(enc::dp(Dp::Eor, c, d));
                self.br(Cond::Pl, skip);
                self.h(enc::dp(Dp::Neg, q, q));
            }
            self.label(skip);
        }
    }

    /// The run-time alignment test in front of a byte-wise access of
    /// `bytes` (2 or 4) at `[n, #off]`: when `off` is a multiple of the
    /// width, `LSLS t, n, #30|31` (Z set when `n` is aligned) and `BEQ` to
    /// the returned label, where [`Self::aligned_join`] puts the single
    /// aligned access; the byte-wise sequence that follows is then only
    /// the unaligned path. `None` (no test) for an offset off the width.
    fn aligned_fork(&mut self, bytes: u8, n: u8, off: u32, t: u8) -> Option<usize> {
        if off % u32::from(bytes) != 0 {
            return None;
        }
        let fast = self.local();
        self.h(enc::shift_imm(enc::Shift::Lsl, t, n, if bytes == 2 { 31 } else { 30 }));
        self.br(Cond::Eq, fast);
        Some(fast)
    }

    /// Ends the unaligned path of [`Self::aligned_fork`] (a branch over)
    /// and emits the aligned access `access` at its label.
    fn aligned_join(&mut self, fast: Option<usize>, access: impl FnOnce(&mut Self)) {
        if let Some(fast) = fast {
            let done = self.local();
            self.items.push(Item::Br(None, done));
            self.label(fast);
            access(self);
            self.label(done);
        }
    }

    fn h(&mut self, hw: u16) {
        self.items.push(Item::H(hw));
    }

    fn trap_label(&mut self, code: TrapCode) -> usize {
        let k = match self.traps.iter().position(|c| *c == code) {
            Some(k) => k,
            None => {
                self.traps.push(code);
                self.traps.len() - 1
            }
        };
        self.trap_base + k
    }

    fn mov(&mut self, rd: u8, rm: u8) {
        if rd != rm {
            self.h(enc::mov(rd, rm));
        }
    }

    /// `CMP rn, rm` for a branch on `cc`; nothing when `cc` only reads Z
    /// or N, `rm` is 0 and the instruction just emitted (no label between)
    /// set N and Z from the value it wrote to `rn` (`ADDS`, `SUBS`, `ANDS`,
    /// ...): its flags are those of `CMP rn, #0` for EQ/NE/MI/PL.
    fn cmp_for(&mut self, cc: Cond, rn: u8, rm: Opnd) {
        if matches!(rm, Opnd::Imm(0)) && matches!(cc, Cond::Eq | Cond::Ne | Cond::Mi | Cond::Pl) {
            let mut recent = self.items.iter().rev().filter(|it| !matches!(it, Item::Line(_) | Item::Atomic(_)));
            if let Some(&Item::H(hw)) = recent.next() {
                // A pseudo-instruction's own short forward branch (raw,
                // at most a few halfwords back) may skip that instruction.
                let skipped = recent
                    .take(8)
                    .take_while(|it| !matches!(it, Item::Label(_)))
                    .any(|it| matches!(it, Item::H(h) if raw_branch(*h)));
                if sets_nz_of(hw) == Some(rn) && !skipped {
                    return;
                }
            }
        }
        self.cmp(rn, rm);
    }

    fn cmp(&mut self, rn: u8, rm: Opnd) {
        match rm {
            Opnd::Imm(k) => self.h(enc::cmp_imm(rn, k)),
            Opnd::Reg(r) => self.h(enc::cmp_rr(rn, p(r))),
        }
    }

    fn edit(&mut self, e: &Edit) -> Result<(), String> {
        match *e {
            Edit::Move { from: Loc::Reg(a), to: Loc::Reg(b) } => self.mov(b.0, a.0),
            Edit::Move { from: Loc::Reg(a), to: Loc::Slot(s) } => {
                let off = self.frame.slot(s);
                self.sp_store(a.0, off)
            }
            Edit::Move { from: Loc::Slot(s), to: Loc::Reg(b) } => {
                let off = self.frame.slot(s);
                self.sp_load(b.0, off)
            }
            Edit::Move { .. } => return Err("slot-to-slot move".into()),
            Edit::Remat { vreg, to } => {
                let k = self.vcode.remat[vreg as usize].ok_or("remat of a non-constant")?;
                match &self.vcode.insts[k] {
                    Inst::MovImm { imm, .. } => self.h(enc::movs_imm(to.0, *imm)),
                    Inst::LoadLit { lit, .. } => self.items.push(Item::Lit(to.0, *lit)),
                    _ => return Err("remat of a non-constant".into()),
                }
            }
        }
        Ok(())
    }

    /// `rd = sp + off` (`rd` low): `ADD rd, sp, #off` within its reach,
    /// else the offset from the literal pool plus `ADD rd, sp, rd`.
    fn sp_addr(&mut self, rd: u8, off: u32) {
        if off <= 1020 {
            self.h(enc::add_rd_sp(rd, off));
        } else {
            self.items.push(Item::Lit(rd, Lit::Const(off)));
            self.h(enc::add_sp_reg(rd));
        }
    }

    /// `LDR rd, [sp, #off]`, through [`Self::sp_addr`] into `rd` itself
    /// beyond 1020 (large frames).
    fn sp_load(&mut self, rd: u8, off: u32) {
        if off <= 1020 {
            self.h(enc::ldr_sp(rd, off));
        } else {
            self.sp_addr(rd, off);
            self.h(enc::mem_imm(Mem::Ldr, rd, rd, 0));
        }
    }

    /// `STR rt, [sp, #off]`; beyond 1020 the address goes into a low
    /// register other than `rt`, kept meanwhile in r12 (never allocated, and
    /// free between instructions: it only holds values within one
    /// instruction's expansion).
    fn sp_store(&mut self, rt: u8, off: u32) {
        if off <= 1020 {
            self.h(enc::str_sp(rt, off));
        } else {
            let t = if rt == 0 { 1 } else { 0 };
            self.h(enc::mov(12, t));
            self.sp_addr(t, off);
            self.h(enc::mem_imm(Mem::Str, rt, t, 0));
            self.h(enc::mov(t, 12));
        }
    }

    fn prologue(&mut self) {
        if self.frame.push_mask != 0 {
            self.h(enc::push(self.frame.push_mask));
            self.items.push(Item::Cfi(CfiOp::Push(self.frame.push_mask)));
        }
        let mut n = self.frame.frame_bytes;
        while n > 0 {
            let k = n.min(508);
            self.h(enc::sub_sp(k));
            self.items.push(Item::Cfi(CfiOp::Alloc(k)));
            n -= k;
        }
    }

    fn epilogue(&mut self) {
        let changes = self.frame.push_mask != 0 || self.frame.frame_bytes != 0;
        if changes {
            self.items.push(Item::Cfi(CfiOp::RememberState));
        }
        let mut n = self.frame.frame_bytes;
        while n > 0 {
            let k = n.min(508);
            self.h(enc::add_sp(k));
            self.items.push(Item::Cfi(CfiOp::Free(k)));
            n -= k;
        }
        let regs = self.frame.push_mask & 0xFF;
        if self.frame.push_mask & 0x4000 != 0 {
            self.h(enc::pop(regs | 0x8000));
            self.items.push(Item::Cfi(CfiOp::Pop(regs | 0x8000)));
        } else {
            if regs != 0 {
                self.h(enc::pop(regs));
                self.items.push(Item::Cfi(CfiOp::Pop(regs)));
            }
            self.h(enc::bx(14));
        }
        if changes {
            self.items.push(Item::Cfi(CfiOp::RestoreState));
        }
        self.items.push(Item::Barrier);
    }

    /// `rd = rn op rm` on the two-address forms.
    fn alu(&mut self, op: AluOp, rd: u8, rn: u8, rm: u8) {
        let dp = match op {
            AluOp::Add => return self.h(enc::adds_rrr(rd, rn, rm)),
            AluOp::Sub => return self.h(enc::subs_rrr(rd, rn, rm)),
            AluOp::And => Dp::And,
            AluOp::Orr => Dp::Orr,
            AluOp::Eor => Dp::Eor,
            AluOp::Mul => Dp::Mul,
            AluOp::Lsl => Dp::Lsl,
            AluOp::Lsr => Dp::Lsr,
            AluOp::Asr => Dp::Asr,
            AluOp::Ror => Dp::Ror,
        };
        if rd == rn {
            self.h(enc::dp(dp, rd, rm));
        } else if rd == rm && op.commutative() {
            self.h(enc::dp(dp, rd, rn));
        } else if rd != rm {
            self.mov(rd, rn);
            self.h(enc::dp(dp, rd, rm));
        } else {
            // rd == rm != rn, not commutative: swap rd and rn through three
            // EORs with rn saved in r12, operate, restore rn.
            self.h(enc::mov(12, rn));
            self.h(enc::dp(Dp::Eor, rn, rd));
            self.h(enc::dp(Dp::Eor, rd, rn));
            self.h(enc::dp(Dp::Eor, rn, rd));
            self.h(enc::dp(dp, rd, rn));
            self.h(enc::mov(rn, 12));
        }
    }

    fn add_imm(&mut self, rd: u8, rn: u8, imm: u8, sub: bool) {
        let (i3, i8) = if sub { (enc::subs_imm3 as fn(u8, u8, u8) -> u16, enc::subs_imm8 as fn(u8, u8) -> u16) } else { (enc::adds_imm3 as _, enc::adds_imm8 as _) };
        if imm == 0 {
            self.mov(rd, rn);
        } else if rd == rn {
            self.h(i8(rd, imm));
        } else if imm < 8 {
            self.h(i3(rd, rn, imm));
        } else {
            self.mov(rd, rn);
            self.h(i8(rd, imm));
        }
    }

    /// A branch to machine block `b` unless it is the next one.
    fn jump(&mut self, b: usize, next: Option<usize>) {
        let t = self.final_target[b];
        if Some(t) != next {
            self.items.push(Item::Br(None, t));
            self.items.push(Item::Barrier);
        }
    }

    fn inst(&mut self, i: &Inst, next: Option<usize>) -> Result<(), String> {
        let start = self.items.len();
        self.inst_body(i, next)?;
        // A raw branch among its halfwords branches by a fixed offset: a
        // pool placed among them would move the target. (The insertion
        // shifts only this instruction's own items.)
        if self.items[start..].iter().any(|it| matches!(it, Item::H(h) if raw_branch(*h))) {
            self.items.insert(start, Item::Atomic(true));
            self.items.push(Item::Atomic(false));
        }
        Ok(())
    }

    fn inst_body(&mut self, i: &Inst, next: Option<usize>) -> Result<(), String> {
        match *i {
            Inst::MovImm { rd, imm } => self.h(enc::movs_imm(p(rd), imm)),
            Inst::LoadLit { rd, lit } => self.items.push(Item::Lit(p(rd), lit)),
            Inst::Mov { rd, rm } => self.mov(p(rd), p(rm)),
            Inst::Alu { op, rd, rn, rm } => self.alu(op, p(rd), p(rn), p(rm)),
            Inst::AddImm { rd, rn, imm } => self.add_imm(p(rd), p(rn), imm, false),
            Inst::SubImm { rd, rn, imm } => self.add_imm(p(rd), p(rn), imm, true),
            Inst::ShiftImm { op, rd, rm, imm } => self.h(enc::shift_imm(op, p(rd), p(rm), imm)),
            Inst::Neg { rd, rm } => self.h(enc::dp(Dp::Neg, p(rd), p(rm))),
            Inst::Ext { op, rd, rm } => self.h(enc::ext(op, p(rd), p(rm))),
            Inst::Count { op, rd, rm, tmp } => {
                let (d, m, t) = (p(rd), p(rm), p(tmp));
                let seq: Vec<u16> = match op {
                    CountOp::Clz => vec![
                        enc::movs_imm(d, 32),
                        enc::mov(t, m),
                        enc::cmp_imm(t, 0),
                        enc::b_cond(Cond::Eq, 4),
                        enc::shift_imm(enc::Shift::Lsr, t, t, 1),
                        enc::subs_imm8(d, 1),
                        enc::b(-12),
                    ],
                    CountOp::Ctz => vec![
                        enc::movs_imm(d, 32),
                        enc::mov(t, m),
                        enc::cmp_imm(t, 0),
                        enc::b_cond(Cond::Eq, 8),
                        enc::movs_imm(d, 0),
                        enc::shift_imm(enc::Shift::Lsr, t, t, 1),
                        enc::b_cond(Cond::Hs, 2),
                        enc::adds_imm8(d, 1),
                        enc::b(-10),
                    ],
                    CountOp::Popcnt => vec![
                        enc::movs_imm(d, 0),
                        enc::mov(t, m),
                        enc::cmp_imm(t, 0),
                        enc::b_cond(Cond::Eq, 6),
                        enc::shift_imm(enc::Shift::Lsr, t, t, 1),
                        enc::b_cond(Cond::Lo, -10),
                        enc::adds_imm8(d, 1),
                        enc::b(-14),
                    ],
                };
                for hw in seq {
                    self.h(hw);
                }
            }
            Inst::CmpSet { cc, rd, rn, rm } => {
                self.h(enc::movs_imm(p(rd), 1));
                self.cmp(p(rn), rm);
                self.h(enc::b_cond(cc, 0));
                self.h(enc::movs_imm(p(rd), 0));
            }
            Inst::AddSub64 { sub, dlo, dhi, alo, ahi, blo, bhi } => {
                let (dlo, dhi) = (p(dlo), p(dhi));
                if sub {
                    self.h(enc::subs_rrr(dlo, p(alo), p(blo)));
                } else {
                    self.h(enc::adds_rrr(dlo, p(alo), p(blo)));
                }
                self.h(enc::mov(dhi, p(ahi)));
                self.h(enc::dp(if sub { Dp::Sbc } else { Dp::Adc }, dhi, p(bhi)));
            }
            Inst::CmpSet64 { cc, rd, alo, ahi, blo, bhi, tmp } => {
                let rd = p(rd);
                self.h(enc::movs_imm(rd, 1));
                if matches!(cc, Cond::Lt | Cond::Ge) {
                    // The flags of the 64-bit subtraction a - b.
                    self.h(enc::cmp_rr(p(alo), p(blo)));
                    self.h(enc::mov(p(tmp), p(ahi)));
                    self.h(enc::dp(Dp::Sbc, p(tmp), p(bhi)));
                } else {
                    // Equality and unsigned order: the high words decide
                    // unless equal, then the low words.
                    self.h(enc::cmp_rr(p(ahi), p(bhi)));
                    self.h(enc::b_cond(Cond::Ne, 0));
                    self.h(enc::cmp_rr(p(alo), p(blo)));
                }
                self.h(enc::b_cond(cc, 0));
                self.h(enc::movs_imm(rd, 0));
            }
            Inst::Umull { dlo, dhi, a, b, t1, t2, t3 } => {
                let (dlo, dhi, a, b, t1, t2, t3) = (p(dlo), p(dhi), p(a), p(b), p(t1), p(t2), p(t3));
                use enc::{Ext::Uxth, Shift::{Lsl, Lsr}};
                self.h(enc::ext(Uxth, t1, a)); // a0
                self.h(enc::shift_imm(Lsr, t2, a, 16)); // a1
                self.h(enc::ext(Uxth, t3, b)); // b0
                self.h(enc::mov(dlo, t1));
                self.h(enc::dp(Dp::Mul, dlo, t3)); // a0*b0
                self.h(enc::dp(Dp::Mul, t3, t2)); // a1*b0
                self.h(enc::shift_imm(Lsr, dhi, b, 16)); // b1
                self.h(enc::dp(Dp::Mul, t1, dhi)); // a0*b1
                self.h(enc::dp(Dp::Mul, t2, dhi)); // a1*b1
                self.h(enc::mov(dhi, t2));
                for mid in [t3, t1] {
                    self.h(enc::shift_imm(Lsl, t2, mid, 16));
                    self.h(enc::shift_imm(Lsr, mid, mid, 16));
                    self.h(enc::adds_rrr(dlo, dlo, t2));
                    self.h(enc::dp(Dp::Adc, dhi, mid));
                }
            }
            Inst::Shift64 { op, dlo, dhi, lo, hi, n, t1, t2 } => {
                let (dlo, dhi, lo, hi, n, t1, t2) = (p(dlo), p(dhi), p(lo), p(hi), p(n), p(t1), p(t2));
                use enc::Shift;
                // Register shifts by 32..=255 give 0 (LSL, LSR), which makes
                // the logical shifts branch-free.
                match op {
                    Shift::Lsl | Shift::Lsr => {
                        let (main, other, fwd, back) = if op == Shift::Lsl { (hi, lo, Dp::Lsl, Dp::Lsr) } else { (lo, hi, Dp::Lsr, Dp::Lsl) };
                        let (dmain, dother) = if op == Shift::Lsl { (dhi, dlo) } else { (dlo, dhi) };
                        self.mov(dmain, main);
                        self.h(enc::dp(fwd, dmain, n));
                        self.h(enc::movs_imm(t1, 32));
                        self.h(enc::subs_rrr(t1, t1, n));
                        self.mov(t2, other);
                        self.h(enc::dp(back, t2, t1));
                        self.h(enc::dp(Dp::Orr, dmain, t2));
                        self.mov(t1, n);
                        self.h(enc::subs_imm8(t1, 32));
                        self.mov(t2, other);
                        self.h(enc::dp(fwd, t2, t1));
                        self.h(enc::dp(Dp::Orr, dmain, t2));
                        self.mov(dother, other);
                        self.h(enc::dp(fwd, dother, n));
                    }
                    Shift::Asr => {
                        let (small, done) = (self.local(), self.local());
                        self.mov(t1, n);
                        self.h(enc::subs_imm8(t1, 32));
                        self.br(Cond::Mi, small);
                        self.mov(dlo, hi);
                        self.h(enc::dp(Dp::Asr, dlo, t1));
                        self.h(enc::shift_imm(Shift::Asr, dhi, hi, 31));
                        self.items.push(Item::Br(None, done));
                        self.label(small);
                        self.mov(dlo, lo);
                        self.h(enc::dp(Dp::Lsr, dlo, n));
                        self.h(enc::movs_imm(t1, 32));
                        self.h(enc::subs_rrr(t1, t1, n));
                        self.mov(t2, hi);
                        self.h(enc::dp(Dp::Lsl, t2, t1));
                        self.h(enc::dp(Dp::Orr, dlo, t2));
                        self.mov(dhi, hi);
                        self.h(enc::dp(Dp::Asr, dhi, n));
                        self.label(done);
                    }
                }
            }
            Inst::DivRem { signed, rem, rd, n, d, ref tmps } => {
                let tmps: Vec<u8> = tmps.iter().map(|&t| p(t)).collect();
                self.div_rem(signed, rem, p(rd), p(n), p(d), &tmps);
            }
            Inst::Eqz64 { rd, lo, hi, tmp } => {
                let (rd, t) = (p(rd), p(tmp));
                self.h(enc::movs_imm(rd, 1));
                self.h(enc::mov(t, p(lo)));
                self.h(enc::dp(Dp::Orr, t, p(hi)));
                self.h(enc::b_cond(Cond::Eq, 0));
                self.h(enc::movs_imm(rd, 0));
            }
            Inst::Select { rd, cond, t, f } => {
                self.h(enc::cmp_imm(p(cond), 0));
                self.h(enc::mov(p(rd), p(t)));
                self.h(enc::b_cond(Cond::Ne, 0));
                self.h(enc::mov(p(rd), p(f)));
            }
            Inst::Load { op, rt, rn, off } | Inst::Store { op, rt, rn, off } => match off {
                MemOff::Imm(o) => self.h(enc::mem_imm(op, p(rt), p(rn), o)),
                MemOff::Reg(r) => self.h(enc::mem_reg(op, p(rt), p(rn), p(r))),
            },
            Inst::LoadBytes { bytes, signed, rd, rn, off, tmp, test } => {
                let (d, n, t) = (p(rd), p(rn), p(tmp));
                let off = u32::from(off);
                let fast = if test { self.aligned_fork(bytes, n, off, t) } else { None };
                self.h(enc::mem_imm(Mem::Ldrb, d, n, off));
                for k in 1..u32::from(bytes) {
                    self.h(enc::mem_imm(Mem::Ldrb, t, n, off + k));
                    self.h(enc::shift_imm(enc::Shift::Lsl, t, t, 8 * k as u8));
                    self.h(enc::dp(Dp::Orr, d, t));
                }
                let op = if bytes == 2 { Mem::Ldrh } else { Mem::Ldr };
                self.aligned_join(fast, |s| s.h(enc::mem_imm(op, d, n, off)));
                if signed && bytes == 2 {
                    self.h(enc::ext(enc::Ext::Sxth, d, d));
                }
            }
            Inst::StoreBytes { bytes, rt, rn, off, tmp, test } => {
                let (s, n, t) = (p(rt), p(rn), p(tmp));
                let off = u32::from(off);
                let fast = if test { self.aligned_fork(bytes, n, off, t) } else { None };
                self.h(enc::mem_imm(Mem::Strb, s, n, off));
                for k in 1..u32::from(bytes) {
                    self.h(enc::shift_imm(enc::Shift::Lsr, t, s, 8 * k as u8));
                    self.h(enc::mem_imm(Mem::Strb, t, n, off + k));
                }
                let op = if bytes == 2 { Mem::Strh } else { Mem::Str };
                self.aligned_join(fast, |c| c.h(enc::mem_imm(op, s, n, off)));
            }
            Inst::BoundsCheck { addr, end, size, tmp } => {
                let l = self.trap_label(TrapCode::MemoryOutOfBounds);
                self.h(enc::adds_rrr(p(tmp), p(addr), p(end)));
                self.items.push(Item::Br(Some(Cond::Hs), l));
                self.h(enc::cmp_rr(p(tmp), p(size)));
                self.items.push(Item::Br(Some(Cond::Hi), l));
            }
            Inst::TrapIfNz { cond, code } => {
                let l = self.trap_label(code);
                self.cmp_for(Cond::Ne, p(cond), Opnd::Imm(0));
                self.items.push(Item::Br(Some(Cond::Ne), l));
            }
            Inst::TrapIfCmp { cc, rn, rm, code } => {
                let l = self.trap_label(code);
                self.cmp_for(cc, p(rn), rm);
                self.items.push(Item::Br(Some(cc), l));
            }
            Inst::TrapAlways { code } | Inst::Trap { code } => {
                let l = self.trap_label(code);
                self.items.push(Item::Br(None, l));
                self.items.push(Item::Barrier);
            }
            Inst::StackCheck { limit, tmp, tmp2 } => {
                let l = self.trap_label(TrapCode::StackOverflow);
                self.h(enc::mem_imm(Mem::Ldr, p(tmp), p(limit), 0));
                self.h(enc::mov(p(tmp2), 13));
                self.h(enc::cmp_rr(p(tmp2), p(tmp)));
                self.items.push(Item::Br(Some(Cond::Lo), l));
            }
            Inst::LocalAddr { rd, off } => {
                let at = self.frame.outgoing + off;
                self.sp_addr(p(rd), at)
            }
            Inst::LoadLocal { rd, off } => {
                let at = self.frame.outgoing + off;
                self.sp_load(p(rd), at)
            }
            Inst::StoreArg { rt, off } => self.sp_store(p(rt), off),
            Inst::LoadParam { rd, off } => {
                let at = self.frame.frame_bytes + self.frame.push_bytes() + off;
                self.sp_load(p(rd), at)
            }
            Inst::Call { target, .. } => match target {
                CallTarget::Sym(s) => self.items.push(Item::Call(RelocTarget::Symbol(s))),
                CallTarget::Reg(r) => self.h(enc::blx(p(r))),
            },
            Inst::Jump { target } => self.jump(target, next),
            Inst::BrNz { cond, then_, else_ } => {
                self.cmp_for(Cond::Ne, p(cond), Opnd::Imm(0));
                self.branch2(Cond::Ne, then_, else_, next);
            }
            Inst::BrCmp { cc, rn, rm, then_, else_ } => {
                self.cmp_for(cc, p(rn), rm);
                self.branch2(cc, then_, else_, next);
            }
            Inst::Ret { .. } => self.epilogue(),
            Inst::TableTarget { rd, idx, tmp, table } => {
                let (rd, tmp) = (p(rd), p(tmp));
                self.h(enc::shift_imm(enc::Shift::Lsl, tmp, p(idx), 2));
                self.items.push(Item::Adr(rd, TABLE_LABELS + table));
                self.h(enc::mem_reg(Mem::Ldr, tmp, rd, tmp));
                self.h(enc::adds_rrr(rd, rd, tmp));
            }
            Inst::BrTable { rm, ref targets } => {
                self.h(enc::bx(p(rm)));
                self.items.push(Item::Align4);
                self.items.push(Item::Label(TABLE_LABELS + self.cur_block));
                for &t in targets {
                    let t = self.final_target[t];
                    self.items.push(Item::TableWord(TABLE_LABELS + self.cur_block, t));
                }
                self.items.push(Item::Barrier);
            }
        }
        Ok(())
    }

    fn branch2(&mut self, cc: Cond, then_: usize, else_: usize, next: Option<usize>) {
        let (t, e) = (self.final_target[then_], self.final_target[else_]);
        if Some(e) == next {
            self.items.push(Item::Br(Some(cc), t));
        } else if Some(t) == next {
            self.items.push(Item::Br(Some(cc.invert()), e));
        } else {
            self.items.push(Item::Br(Some(cc), t));
            self.items.push(Item::Br(None, e));
            self.items.push(Item::Barrier);
        }
    }
}

/// The low register a 16-bit Thumb instruction writes while setting N and
/// Z from that value (outside an IT block, which ARMv6-M has not): shifts
/// by an immediate, `ADDS`/`SUBS` (register, imm3, imm8), `MOVS #imm8` and
/// the data-processing group but for `TST`, `CMP` and `CMN`.
fn sets_nz_of(hw: u16) -> Option<u8> {
    let low3 = (hw & 7) as u8;
    match hw >> 11 {
        // LSLS/LSRS/ASRS #imm, ADDS/SUBS register or imm3.
        0b00000 | 0b00001 | 0b00010 | 0b00011 => Some(low3),
        // MOVS/ADDS/SUBS #imm8 (CMP #imm8 writes nothing).
        0b00100 | 0b00110 | 0b00111 => Some(((hw >> 8) & 7) as u8),
        0b01000 if hw >> 10 == 0b010000 => match (hw >> 6) & 0xF {
            0x8 | 0xA | 0xB => None,
            _ => Some(low3),
        },
        _ => None,
    }
}

/// A `B<c>` or `B` encoded directly as a halfword (a pseudo-instruction's
/// own short branch by a fixed offset, not an [`Item::Br`] to a label).
fn raw_branch(h: u16) -> bool {
    (h & 0xF000 == 0xD000 && h >> 9 != 0b1101111) || h & 0xF800 == 0xE000
}

/// Branch sizes: 0 short, 1 conditional over `B`, 2 `BL` (conditional: over it).
fn br_size(cond: Option<Cond>, s: u8) -> u32 {
    match (cond, s) {
        (_, 0) => 2,
        (Some(_), 1) => 4,
        (None, _) => 4,
        (Some(_), _) => 6,
    }
}

struct Pool {
    /// Placed before this item.
    before: usize,
    /// With a branch over it.
    island: bool,
    /// Address of the first word.
    start: u32,
    entries: Vec<Lit>,
}

struct Placed {
    addr: Vec<u32>,
    labels: std::collections::HashMap<usize, u32>,
    pools: Vec<Pool>,
    /// Per literal item: (pool, entry).
    lit_at: Vec<(usize, usize)>,
    end: u32,
}

const POOL_EAGER: u32 = 400;
const POOL_LIMIT: u32 = 1000;

fn place(items: &[Item], sizes: &[u8]) -> Placed {
    let mut addr = 0u32;
    let mut out = Placed { addr: vec![0; items.len()], labels: Default::default(), pools: Vec::new(), lit_at: vec![(0, 0); items.len()], end: 0 };
    let mut pending: Vec<(usize, Lit)> = Vec::new();
    let mut first = 0u32;
    let mut in_table = false;
    let mut atomic = false;
    let flush = |out: &mut Placed, addr: &mut u32, pending: &mut Vec<(usize, Lit)>, before: usize, island: bool| {
        if island {
            *addr += 2;
        }
        let start = (*addr).div_ceil(4) * 4;
        let mut entries: Vec<Lit> = Vec::new();
        let pi = out.pools.len();
        for (it, lit) in pending.drain(..) {
            let e = match entries.iter().position(|l| *l == lit) {
                Some(e) => e,
                None => {
                    entries.push(lit);
                    entries.len() - 1
                }
            };
            out.lit_at[it] = (pi, e);
        }
        *addr = start + 4 * entries.len() as u32;
        out.pools.push(Pool { before, island, start, entries });
    };
    for (i, it) in items.iter().enumerate() {
        let mut size = match it {
            Item::H(_) | Item::Lit(..) | Item::Adr(..) => 2,
            Item::Align4 => addr % 4,
            Item::TableWord(..) => 4,
            Item::Call(_) => 4,
            Item::Br(c, _) => br_size(*c, sizes[i]),
            _ => 0,
        };
        if matches!(it, Item::Align4) {
            // A jump table follows its `bx`: pending literals go before it
            // (no fall-through here), never into it.
            if !pending.is_empty() {
                flush(&mut out, &mut addr, &mut pending, i, false);
                // The pool ends word-aligned: the table needs no padding after it.
                size = addr % 4;
            }
            in_table = true;
        } else if matches!(it, Item::Barrier) {
            in_table = false;
        } else if let Item::Atomic(a) = it {
            atomic = *a;
        }
        // Inside an atomic run the flush waits for its end (a few
        // halfwords: the limit leaves room below the loads' reach).
        if !pending.is_empty() && !in_table && !atomic {
            let distinct = pending.len() as u32;
            if matches!(it, Item::Barrier) && addr - first > POOL_EAGER {
                flush(&mut out, &mut addr, &mut pending, i, false);
            } else if addr + size + 4 + 4 * distinct - first > POOL_LIMIT {
                flush(&mut out, &mut addr, &mut pending, i, true);
            }
        }
        out.addr[i] = addr;
        match it {
            Item::Label(l) => {
                out.labels.insert(*l, addr);
            }
            Item::Lit(_, lit) => {
                if pending.is_empty() {
                    first = addr;
                }
                pending.push((i, *lit));
            }
            _ => {}
        }
        addr += size;
    }
    if !pending.is_empty() {
        flush(&mut out, &mut addr, &mut pending, items.len(), false);
    }
    out.end = addr;
    out
}

/// Emits the allocated function with `frame`.
pub fn emit(vcode: &VCode, alloc: &Output, layout: &[usize], frame: Frame) -> Result<Result<Emitted, NeedLr>, String> {
    let nblocks = vcode.ranges.len();
    // Blocks that are only a jump (no edits) pass their branches on.
    let trivial = |b: usize| -> Option<usize> {
        let r = vcode.ranges[b].clone();
        if r.len() != 1 {
            return None;
        }
        let has_edits = alloc.edits.iter().any(|(pt, _)| pt.inst as usize == r.start);
        match vcode.insts[r.start] {
            Inst::Jump { target } if !has_edits => Some(target),
            _ => None,
        }
    };
    let final_target: Vec<usize> = (0..nblocks)
        .map(|b| {
            let mut t = b;
            for _ in 0..nblocks {
                match trivial(t) {
                    Some(n) if n != t => t = n,
                    _ => break,
                }
            }
            t
        })
        .collect();
    let mut cx = Ctx { vcode, frame, layout, items: Vec::new(), traps: Vec::new(), trap_base: nblocks, final_target, next_local: LOCAL_LABELS, cur_block: 0 };
    cx.prologue();
    let mut edits = alloc.edits.iter().peekable();
    // Edits by instruction (the list is sorted by program point).
    let mut before: Vec<Vec<Edit>> = vec![Vec::new(); vcode.insts.len()];
    let mut after: Vec<Vec<Edit>> = vec![Vec::new(); vcode.insts.len()];
    while let Some((pt, e)) = edits.next() {
        match pt.pos {
            InstPos::Before => before[pt.inst as usize].push(*e),
            InstPos::After => after[pt.inst as usize].push(*e),
        }
    }
    for (li, &b) in cx.layout.iter().enumerate() {
        // Falling into the next block is as good as going to where its
        // chain of jump-only blocks ends (its own jump, if any, follows).
        let next = cx.layout.get(li + 1).map(|&n| cx.final_target[n]);
        cx.items.push(Item::Label(b));
        cx.cur_block = b;
        // A jump-only block nothing falls into: every branch goes to its
        // final target, so its jump would be dead.
        let after_barrier = cx.items.iter().rev().find(|it| !matches!(it, Item::Label(_) | Item::Line(_) | Item::Atomic(_)));
        if cx.final_target[b] != b && matches!(after_barrier, Some(Item::Barrier)) {
            continue;
        }
        for k in vcode.ranges[b].clone() {
            cx.items.push(Item::Line(vcode.locs[k]));
            for e in &before[k] {
                cx.edit(e)?;
            }
            if !alloc.removed_moves[k] {
                let regs: Vec<Reg> = alloc.allocs[k].iter().map(|&r: &PReg| Reg::phys(r)).collect();
                let inst = vcode.insts[k].with_regs(&regs);
                cx.inst(&inst, next)?;
            }
            for e in &after[k] {
                cx.edit(e)?;
            }
        }
    }
    // Trap stubs.
    let traps = cx.traps.clone();
    for (k, code) in traps.iter().enumerate() {
        cx.items.push(Item::Line(SrcLoc::NONE));
        cx.items.push(Item::Label(cx.trap_base + k));
        cx.h(enc::movs_imm(0, code.code() as u8));
        cx.items.push(Item::Call(RelocTarget::Trap));
        cx.items.push(Item::Barrier);
    }
    let items = cx.items;
    // Relaxation.
    let mut sizes = vec![0u8; items.len()];
    let placed = loop {
        let pl = place(&items, &sizes);
        let mut grew = false;
        for (i, it) in items.iter().enumerate() {
            if let Item::Br(c, l) = it {
                let a = pl.addr[i] as i32;
                let t = pl.labels[l] as i32;
                let ok = match (c, sizes[i]) {
                    (Some(_), 0) => enc::b_cond_ok(t - (a + 4)),
                    (None, 0) => enc::b_ok(t - (a + 4)),
                    (Some(_), 1) => enc::b_ok(t - (a + 6)),
                    (None, _) => enc::bl_ok(t - (a + 4)),
                    (Some(_), _) => enc::bl_ok(t - (a + 6)),
                };
                if !ok {
                    sizes[i] += if c.is_none() { 2 } else { 1 };
                    grew = true;
                }
            }
        }
        if !grew {
            break pl;
        }
    };
    // A BL to a block clobbers lr: only with lr saved.
    let lr_saved = frame.push_mask & 0x4000 != 0;
    for (i, it) in items.iter().enumerate() {
        if let Item::Br(c, l) = it {
            let long = match c {
                None => sizes[i] >= 2,
                Some(_) => sizes[i] >= 2,
            };
            if long && *l < nblocks && !lr_saved {
                return Ok(Err(NeedLr));
            }
        }
    }
    // Encoding.
    let mut code: Vec<u8> = Vec::with_capacity(placed.end as usize);
    let mut relocs = Vec::new();
    let mut data_ranges = Vec::new();
    let mut cfi = Vec::new();
    let mut lines: Vec<LineRow> = Vec::new();
    let mut inst_count = 0u32;
    let put = |code: &mut Vec<u8>, hw: u16| code.extend_from_slice(&hw.to_le_bytes());
    let mut pools = placed.pools.iter().peekable();
    for (i, it) in items.iter().enumerate().chain(std::iter::once((items.len(), &Item::Barrier))) {
        while let Some(pool) = pools.next_if(|pl| pl.before == i) {
            if pool.island {
                let a = code.len() as i32;
                let over = (pool.start + 4 * pool.entries.len() as u32) as i32;
                put(&mut code, enc::b(over - (a + 4)));
                inst_count += 1;
            }
            if code.len() % 4 != 0 {
                put(&mut code, 0);
            }
            debug_assert_eq!(code.len() as u32, pool.start);
            data_ranges.push(pool.start..pool.start + 4 * pool.entries.len() as u32);
            for lit in &pool.entries {
                let (word, target) = match *lit {
                    Lit::Const(c) => (c, None),
                    Lit::Sym(s, a) => (a as u32, Some((RelocTarget::Symbol(s), a))),
                };
                if let Some((target, addend)) = target {
                    relocs.push(Relocation { offset: code.len() as u32, kind: RelocKind::Abs32, target, addend });
                }
                code.extend_from_slice(&word.to_le_bytes());
            }
        }
        if i == items.len() {
            break;
        }
        debug_assert_eq!(code.len() as u32, placed.addr[i], "item {i}: {it:?}");
        let a = code.len() as i32;
        match it {
            Item::H(hw) => {
                put(&mut code, *hw);
                inst_count += 1;
            }
            Item::Label(_) | Item::Barrier | Item::Atomic(_) => {}
            Item::Adr(rd, l) => {
                let t = placed.labels[l];
                let base = (a as u32 + 4) & !3;
                if t < base || t - base > 1020 || t % 4 != 0 {
                    return Err(format!("jump table out of ADR reach ({} bytes)", t as i64 - base as i64));
                }
                put(&mut code, enc::adr(*rd, t - base));
                inst_count += 1;
            }
            Item::Align4 => {
                if code.len() % 4 != 0 {
                    data_ranges.push(a as u32..a as u32 + 2);
                    put(&mut code, 0);
                }
            }
            Item::TableWord(table, target) => {
                let v = (placed.labels[target] as i64 - placed.labels[table] as i64 + 1) as u32;
                data_ranges.push(a as u32..a as u32 + 4);
                code.extend_from_slice(&v.to_le_bytes());
            }
            Item::Cfi(op) => cfi.push(CfiEvent { offset: a as u32, op: *op }),
            Item::Line(loc) => {
                if loc.is_none() && lines.is_empty() {
                    continue;
                }
                if lines.last().is_some_and(|r| r.offset == a as u32) {
                    lines.pop();
                }
                if lines.last().is_some_and(|r| r.loc == *loc) || (loc.is_none() && lines.last().is_some_and(|r| r.loc.is_none())) {
                    continue;
                }
                lines.push(LineRow { offset: a as u32, loc: *loc });
            }
            Item::Call(target) => {
                relocs.push(Relocation { offset: a as u32, kind: RelocKind::ThmCall, target: *target, addend: -4 });
                for hw in enc::bl(-4) {
                    put(&mut code, hw);
                }
                inst_count += 1;
            }
            Item::Lit(rt, _) => {
                let (pi, e) = placed.lit_at[i];
                let entry = placed.pools[pi].start + 4 * e as u32;
                let base = (a as u32 + 4) & !3;
                if entry < base || entry - base > 1020 {
                    return Err(format!("literal out of reach ({} bytes)", entry as i64 - base as i64));
                }
                put(&mut code, enc::ldr_lit(*rt, entry - base));
                inst_count += 1;
            }
            Item::Br(c, l) => {
                let t = placed.labels[l] as i32;
                match (c, sizes[i]) {
                    (Some(c), 0) => put(&mut code, enc::b_cond(*c, t - (a + 4))),
                    (None, 0) => put(&mut code, enc::b(t - (a + 4))),
                    (Some(c), 1) => {
                        put(&mut code, enc::b_cond(c.invert(), 0));
                        put(&mut code, enc::b(t - (a + 6)));
                        inst_count += 1;
                    }
                    (None, _) => {
                        for hw in enc::bl(t - (a + 4)) {
                            put(&mut code, hw);
                        }
                    }
                    (Some(c), _) => {
                        put(&mut code, enc::b_cond(c.invert(), 2));
                        for hw in enc::bl(t - (a + 6)) {
                            put(&mut code, hw);
                        }
                        inst_count += 1;
                    }
                }
                inst_count += 1;
            }
        }
    }
    debug_assert_eq!(code.len() as u32, placed.end);
    // The line rows: the first row at offset 0 only when known.
    Ok(Ok(Emitted { code, relocs, data_ranges, inst_count, cfi, lines }))
}

#[cfg(test)]
mod flag_tests {
    use super::sets_nz_of;
    use crate::enc::{self, Dp, Mem, Shift};

    /// Which 16-bit instructions leave N and Z as `CMP rd, #0` would (the
    /// encodings are `enc`'s, checked against the assembler in its tests).
    #[test]
    fn flag_setting_writes_are_recognised() {
        assert_eq!(sets_nz_of(enc::adds_imm8(3, 8)), Some(3));
        assert_eq!(sets_nz_of(enc::subs_imm8(5, 1)), Some(5));
        assert_eq!(sets_nz_of(enc::adds_imm3(2, 6, 1)), Some(2));
        assert_eq!(sets_nz_of(enc::subs_rrr(1, 2, 3)), Some(1));
        assert_eq!(sets_nz_of(enc::movs_imm(7, 0)), Some(7));
        assert_eq!(sets_nz_of(enc::shift_imm(Shift::Lsl, 4, 0, 2)), Some(4));
        assert_eq!(sets_nz_of(enc::dp(Dp::Orr, 6, 1)), Some(6));
        assert_eq!(sets_nz_of(enc::dp(Dp::Mul, 0, 1)), Some(0));
        assert_eq!(sets_nz_of(enc::dp(Dp::Neg, 2, 3)), Some(2));
        // Compares write no register; hi-register MOV and loads set no flags.
        assert_eq!(sets_nz_of(enc::cmp_imm(3, 0)), None);
        assert_eq!(sets_nz_of(enc::cmp_rr(3, 4)), None);
        assert_eq!(sets_nz_of(enc::dp(Dp::Tst, 3, 4)), None);
        assert_eq!(sets_nz_of(enc::dp(Dp::Cmn, 3, 4)), None);
        assert_eq!(sets_nz_of(enc::mov(9, 3)), None);
        assert_eq!(sets_nz_of(enc::mem_imm(Mem::Ldr, 3, 4, 0)), None);
        assert_eq!(sets_nz_of(enc::ext(enc::Ext::Uxtb, 3, 4)), None);
    }
}

#[cfg(test)]
mod place_tests {
    use super::{place, Item, POOL_LIMIT};
    use crate::enc::{self, Cond};
    use crate::inst::Lit;

    /// Literals, then filler until the pool is due, then a select's
    /// halfwords (`BNE` over one `MOV`) marked atomic: the island goes
    /// after them, never between the branch and what it skips.
    #[test]
    fn an_island_is_not_placed_inside_an_atomic_run() {
        let select = [enc::cmp_imm(0, 0), enc::mov(1, 2), enc::b_cond(Cond::Ne, 0), enc::mov(1, 3)];
        // Every position of the run relative to the point the pool falls due.
        for filler in (POOL_LIMIT / 2 - 16)..(POOL_LIMIT / 2 + 4) {
            let mut items = vec![Item::Lit(0, Lit::Const(0x1234_5678)), Item::Lit(1, Lit::Const(0x8765_4321))];
            items.extend((0..filler).map(|_| Item::H(enc::mov(4, 5))));
            let start = items.len();
            items.push(Item::Atomic(true));
            items.extend(select.iter().map(|&h| Item::H(h)));
            items.push(Item::Atomic(false));
            let end = items.len();
            items.extend((0..600).map(|_| Item::H(enc::mov(4, 5))));
            let sizes = vec![0u8; items.len()];
            let placed = place(&items, &sizes);
            let island = placed.pools.iter().find(|p| p.island).expect("the filler forces an island");
            assert!(
                island.before <= start + 1 || island.before >= end - 1,
                "filler {filler}: island before item {} inside the run {start}..{end}",
                island.before
            );
            // The literal loads still reach their words (LDR literal: 1020 bytes).
            assert!(island.start + 8 <= 2 + 1020, "filler {filler}: pool at {:#x}", island.start);
        }
    }
}
