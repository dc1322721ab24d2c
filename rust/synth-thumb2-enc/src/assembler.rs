//! The assembler's buffer: emitted instructions, label bindings, pending
//! branches and jump tables, relocations, IT-block tracking and recorded
//! errors.
//!
//! Takes: encoded instructions from the per-concept method files (`dp.rs`,
//! `mem.rs`, `flow.rs`). Returns: an item list that `layout.rs` turns into
//! [`Code`](crate::Code) in [`Assembler::finish`].
//!
//! Misuse (an operand with no encoding, a label bound twice, more than one
//! instruction requested inside an IT block, ...) is recorded and reported by
//! `finish` as an [`AsmError`](crate::AsmError) instead of panicking; IT-block
//! misuse additionally trips a `debug_assert!`.

use crate::encode::Enc;
use crate::{Cond, Flags, Label, Mark, Reg, RelocKind, Sym};

/// One element of the function being assembled, in program order.
#[derive(Clone, Debug)]
pub(crate) enum Item {
    /// Fixed instruction bytes `buf[start..end]`.
    Code { start: usize, end: usize },
    /// A label bound here.
    Bind(Label),
    /// A branch to a label; its size is chosen by relaxation.
    Branch { cond: Option<Cond>, target: Label },
    /// `CBZ`/`CBNZ rn, label` (`nz`: CBNZ), `rn` low; relaxation falls
    /// back to `CMP rn, #0; B<EQ/NE> label` when the target is not 0..=126
    /// bytes ahead.
    Cbz { nz: bool, rn: Reg, target: Label },
    /// A `TBH` halfword table (the `TBH` itself is the preceding code).
    Table { targets: Vec<Label> },
    /// `LDR rd, [pc, #imm]` of pool entry `entry` (`pool.rs`); its size
    /// is chosen by relaxation.
    Lit { rd: Reg, entry: u32 },
}

/// A relocation on fixed code, by position in `buf`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PendingReloc {
    pub pos: usize,
    pub kind: RelocKind,
    pub sym: Sym,
    pub addend: i32,
}

/// Assembles one function.
#[derive(Default)]
pub struct Assembler {
    pub(crate) buf: Vec<u8>,
    pub(crate) items: Vec<Item>,
    pub(crate) relocs: Vec<PendingReloc>,
    /// For each label: whether it has been bound.
    pub(crate) labels: Vec<bool>,
    /// Instructions left in the open IT block (0 = none open).
    pub(crate) it_left: u8,
    pub(crate) errors: Vec<String>,
    /// The FPU whose VFP instructions are accepted ([`crate::vfp`]).
    pub(crate) fpu: crate::vfp::Fpu,
    /// `Some(r)` when the last instruction emitted set N and Z from the
    /// value it wrote to `r` (a 16-bit flag-setting form outside an IT
    /// block); cleared by every other emitted instruction. [`Assembler::cbz`]
    /// then branches on those flags instead of comparing `r` with 0.
    pub(crate) nz_of: Option<Reg>,
    /// [`Self::len_estimate`]'s cache: items scanned so far and the bytes
    /// their branches and tables add (items are only ever appended).
    est_cache: std::cell::Cell<(usize, u32)>,
    /// Item count and code-buffer length at each [`Mark`] (code items grow
    /// in place, so the buffer position locates a mark inside one).
    pub(crate) marks: Vec<(usize, usize)>,
    /// Whether literal pools are on ([`Assembler::set_literal_pools`]).
    pub(crate) pools_on: bool,
    /// The function's literal pool.
    pub(crate) pool: crate::pool::Pool,
}

impl Assembler {
    /// A new, empty assembler.
    pub fn new() -> Assembler {
        Assembler::default()
    }

    /// A fresh unbound label.
    pub fn new_label(&mut self) -> Label {
        self.labels.push(false);
        Label((self.labels.len() - 1) as u32)
    }

    /// Binds `label` to the current position.
    pub fn bind(&mut self, label: Label) {
        debug_assert!(self.it_left == 0, "label bound inside an IT block");
        if self.it_left != 0 {
            self.error(format!("label {} bound inside an IT block", label.0));
        }
        match self.labels.get_mut(label.0 as usize) {
            Some(bound) if !*bound => *bound = true,
            Some(_) => return self.error(format!("label {} bound twice", label.0)),
            None => return self.error(format!("label {} does not belong to this assembler", label.0)),
        }
        self.items.push(Item::Bind(label));
    }

    /// Records the current position. Unlike a label it adds no item, so
    /// it never changes what is assembled (flag reuse across it included);
    /// its final offset is in `Code::marks`.
    pub fn mark(&mut self) -> Mark {
        self.marks.push((self.items.len(), self.buf.len()));
        Mark((self.marks.len() - 1) as u32)
    }

    /// A token of how far assembly has got: it changes with every
    /// instruction, branch, literal or label, so two equal tokens mean
    /// nothing was placed in between (no code, and no label another path
    /// could reach the position by).
    pub fn progress(&self) -> (usize, usize) {
        (self.items.len(), self.buf.len())
    }

    /// Current size in bytes before relaxation (for estimates only).
    /// Branches count at their 16-bit size; amortised O(1).
    pub fn len_estimate(&self) -> u32 {
        let (scanned, mut extra) = self.est_cache.get();
        for item in self.items.iter().skip(scanned) {
            match item {
                Item::Branch { .. } | Item::Cbz { .. } | Item::Lit { .. } => extra += 2,
                Item::Table { targets } => extra += 2 * targets.len() as u32,
                _ => {}
            }
        }
        self.est_cache.set((self.items.len(), extra));
        self.buf.len() as u32 + extra
    }

    /// True while an IT block is open (16-bit data-processing encodings do
    /// not set flags there).
    pub fn in_it_block(&self) -> bool {
        self.it_left > 0
    }

    /// Records an error that [`finish`](Assembler::finish) will report.
    pub(crate) fn error(&mut self, msg: String) {
        self.errors.push(msg);
    }

    /// Records IT-block misuse (debug builds also assert).
    pub(crate) fn it_misuse(&mut self, msg: &str) {
        debug_assert!(false, "IT block misuse: {msg}");
        self.error(format!("IT block misuse: {msg}"));
    }

    /// Counts one instruction against the open IT block.
    pub(crate) fn it_step(&mut self) {
        if self.it_left > 0 {
            self.it_left -= 1;
        }
    }

    /// For instructions that may only end an IT block (branches, `BL`, `TBH`).
    pub(crate) fn check_last_in_it(&mut self, what: &str) {
        if self.it_left > 1 {
            self.it_misuse(&format!("{what} must be the last instruction of an IT block"));
        }
    }

    /// For expansions of `n` instructions: an IT block covers single
    /// instructions only.
    pub(crate) fn check_expansion_in_it(&mut self, n: usize, what: &str) -> bool {
        if n > 1 && self.it_left > 0 {
            self.it_misuse(&format!("{what} needs {n} instructions inside an IT block"));
            return false;
        }
        true
    }

    /// Whether a 16-bit data-processing encoding that sets flags outside an
    /// IT block (and not inside one) satisfies `flags`.
    pub(crate) fn narrow_ok(&self, flags: Flags) -> bool {
        match flags {
            Flags::Any => true,
            Flags::Set => self.it_left == 0,
            Flags::Keep => self.it_left > 0,
        }
    }

    /// Appends one instruction as fixed code.
    pub(crate) fn emit(&mut self, enc: Enc) {
        self.nz_of = None;
        let start = self.buf.len();
        enc.write(&mut self.buf);
        let end = self.buf.len();
        match self.items.last_mut() {
            Some(Item::Code { end: e, .. }) if *e == start => *e = end,
            _ => self.items.push(Item::Code { start, end }),
        }
        self.it_step();
    }

    /// Appends a 16-bit data-processing instruction that, outside an IT
    /// block, sets N and Z from the value it writes to `rd`.
    pub(crate) fn emit_sets_nz(&mut self, enc: Enc, rd: Reg) {
        let sets = self.it_left == 0;
        self.emit(enc);
        if sets {
            self.nz_of = Some(rd);
        }
    }

    /// True when the flags hold N and Z of `r`'s value: the last item is
    /// the code of the instruction that set them from `r` (no label bound
    /// or branch since).
    pub(crate) fn flags_test(&self, r: Reg) -> bool {
        self.nz_of == Some(r) && matches!(self.items.last(), Some(Item::Code { .. }))
    }

    /// Appends one instruction carrying a relocation.
    pub(crate) fn emit_reloc(&mut self, enc: Enc, kind: RelocKind, sym: Sym, addend: i32) {
        self.relocs.push(PendingReloc { pos: self.buf.len(), kind, sym, addend });
        self.emit(enc);
    }

    /// Rejects `PC` (and, when `sp_ok` is false, `SP`) as an operand.
    pub(crate) fn check_regs(&mut self, what: &str, regs: &[Reg], sp_ok: bool) -> bool {
        for &r in regs {
            if r.0 > 15 || r == Reg::PC || (!sp_ok && r == Reg::SP) {
                self.error(format!("{what}: register r{} not allowed", r.0));
                return false;
            }
        }
        true
    }

    // ---- conditional execution ----

    /// Opens an IT block: `first` applies to the first instruction, and each
    /// char of `rest` (`'t'` then / `'e'` else, at most 3) to the next ones.
    pub fn it(&mut self, first: Cond, rest: &str) {
        if self.it_left > 0 {
            return self.it_misuse("IT inside an IT block");
        }
        if rest.len() > 3 || rest.chars().any(|c| c != 't' && c != 'e') {
            return self.it_misuse(&format!("bad IT pattern {rest:?}"));
        }
        let fc0 = (first.bits() & 1) as u16;
        let mut mask = 0u16;
        for (i, c) in rest.chars().enumerate() {
            let bit = if c == 't' { fc0 } else { 1 - fc0 };
            mask |= bit << (3 - i);
        }
        mask |= 1 << (3 - rest.len());
        self.emit(crate::encode::it(first, mask));
        self.it_left = 1 + rest.len() as u8;
    }
}
