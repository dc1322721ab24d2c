//! Register allocation for synth.
//!
//! Takes: machine code on virtual registers, seen only through the
//! [`Function`] trait (blocks, instructions, operands, clobbers, moves).
//! Returns: an [`Output`] giving a physical register for every operand of
//! every instruction, plus the spill/reload/move/remat [`Edit`]s to insert,
//! the number of spill slots, and [`AllocStats`].
//!
//! The allocator knows nothing about Thumb-2: registers are numbers, and the
//! ISA describes which are allocatable, which are callee-saved and which an
//! instruction clobbers. Physical registers may appear directly as operands
//! ("precoloured": AAPCS argument and result registers, fixed operands).
//!
//! **It never fails.** Spilling is part of allocation. A deliberately simple
//! fallback (every value in a frame slot, [`Rung::Fallback`]) exists as
//! defence in depth only and is reported in the stats by name.
//!
//! Base rung (`base.rs`): liveness (`liveness.rs`) -> interference graph
//! with physical registers as forbidden sets (`interference.rs`; adjacency
//! lists plus a bit matrix, `pairs.rs`) -> conservative Briggs/George
//! coalescing, simplify, optimistic select with biased colouring and
//! caller-saved-first order (`coloring.rs`; a spilled coalesced node is
//! coloured again with its registers kept apart) -> if anything spilled,
//! keep it in its slot across calls and split it into one register per
//! stretch between calls within a block: stored once after each def,
//! reloaded (or rematerialised) once before the first use after a call
//! (`spill.rs`) -> colour again; a stretch that spills in turn is cut
//! where its next use is furthest away (late rounds: per-use temporaries;
//! its cost counts only the reloads it saves). Spill cost is
//! occurrences weighted by 10^loop depth (`loops.rs`) over degree, halved
//! for rematerialisable values (no store, no slot).
//! Spilled values that never interfere share a spill slot (`base.rs`).
//! A function whose interference graph would exceed the compile-time
//! budget (`budget.rs`: millions of edges, from thousands of values live at
//! once) first has the values of its crowded points spilled at each
//! occurrence, then slots shared by live hulls; [`AllocStats::budget_hit`]
//! says so.
//! The independent [`checker`] verifies any [`Output`] symbolically; the
//! spill verdict is defined on [`SpillVerdict`]. With [`Options::shadow`],
//! regalloc2 allocates the same function in measure-only mode (`shadow.rs`)
//! and its figures land in [`AllocStats::shadow`].

#![warn(missing_docs)]

mod base;
mod bitset;
mod budget;
pub mod checker;
mod coloring;
mod fallback;
mod interference;
mod liveness;
mod loops;
mod pairs;
mod prog;
mod shadow;
mod spill;
mod stats;
#[cfg(test)]
mod toy;
#[cfg(test)]
mod tests_random;

use std::fmt;

/// A physical register number: 0..=31 are integer (core) registers
/// (0..=15 on Thumb-2), 32..=63 are floating-point registers (s0-s31 on a
/// VFP as `32 + n`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PReg(pub u8);

/// A register class. Every virtual register belongs to one class and gets a
/// physical register of that class; values never move between classes
/// through the allocator (the ISA's instructions do that explicitly).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RegClass {
    /// Integer registers: [`PReg`] 0..=31.
    Int,
    /// Floating-point registers: [`PReg`] 32..=63.
    Float,
}

impl RegClass {
    /// Both classes, in the order they are allocated and reported.
    pub const ALL: [RegClass; 2] = [RegClass::Int, RegClass::Float];
    /// Stable name used in stats and JSON.
    pub fn name(self) -> &'static str {
        match self {
            RegClass::Int => "int",
            RegClass::Float => "float",
        }
    }
    /// The first [`PReg`] number of the class.
    pub fn base(self) -> u8 {
        match self {
            RegClass::Int => 0,
            RegClass::Float => 32,
        }
    }
}

impl PReg {
    /// The class of this register.
    pub fn class(self) -> RegClass {
        if self.0 >= 32 {
            RegClass::Float
        } else {
            RegClass::Int
        }
    }
    /// Floating-point register `n` (s`n` on a VFP).
    pub fn float(n: u8) -> PReg {
        PReg(32 + n)
    }
    /// The number within the class (r`n` or s`n`).
    pub fn index(self) -> u8 {
        self.0 & 31
    }
}

/// A set of physical registers (bit i = register i), both classes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct PRegSet(pub u64);

impl PRegSet {
    /// The empty set.
    pub const EMPTY: PRegSet = PRegSet(0);
    /// Adds `r`.
    pub fn insert(&mut self, r: PReg) {
        self.0 |= 1 << r.0;
    }
    /// True when `r` is in the set.
    pub fn contains(self, r: PReg) -> bool {
        self.0 & (1 << r.0) != 0
    }
    /// Set union.
    pub fn union(self, o: PRegSet) -> PRegSet {
        PRegSet(self.0 | o.0)
    }
    /// Number of registers in the set.
    pub fn len(self) -> u32 {
        self.0.count_ones()
    }
    /// True when empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    /// Members in increasing order.
    pub fn iter(self) -> impl Iterator<Item = PReg> {
        (0..64u8).filter(move |i| self.0 & (1 << i) != 0).map(PReg)
    }
    /// The members below 32 as a 32-bit mask (integer registers; inside
    /// the allocator, the registers of the class being allocated).
    pub fn lo(self) -> u32 {
        self.0 as u32
    }
    /// The members of class `c`.
    pub fn of_class(self, c: RegClass) -> PRegSet {
        match c {
            RegClass::Int => PRegSet(self.0 & 0xffff_ffff),
            RegClass::Float => PRegSet(self.0 & !0xffff_ffff),
        }
    }
    /// The members of class `c` as a 32-bit mask of their numbers within
    /// the class (bit n = r`n` or s`n`).
    pub fn class_bits(self, c: RegClass) -> u32 {
        (self.0 >> c.base()) as u32
    }
    /// Builds a set from registers.
    pub fn from_regs(regs: &[PReg]) -> PRegSet {
        let mut s = PRegSet::EMPTY;
        for r in regs {
            s.insert(*r);
        }
        s
    }
}

/// A register operand before allocation: physical (precoloured) or virtual.
/// Numbers below [`Reg::VIRT_BASE`] are physical registers.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Reg(pub u32);

impl Reg {
    /// First virtual register number.
    pub const VIRT_BASE: u32 = 64;
    /// The physical register `p` as an operand.
    pub fn phys(p: PReg) -> Reg {
        Reg(p.0 as u32)
    }
    /// Virtual register number `n` (0-based).
    pub fn virt(n: u32) -> Reg {
        Reg(Self::VIRT_BASE + n)
    }
    /// The physical register, if this is one.
    pub fn as_phys(self) -> Option<PReg> {
        (self.0 < Self::VIRT_BASE).then_some(PReg(self.0 as u8))
    }
    /// The 0-based virtual register index, if this is one.
    pub fn as_virt(self) -> Option<u32> {
        (self.0 >= Self::VIRT_BASE).then(|| self.0 - Self::VIRT_BASE)
    }
}

impl fmt::Debug for Reg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.as_phys() {
            Some(p) if p.class() == RegClass::Float => write!(f, "s{}", p.index()),
            Some(p) => write!(f, "r{}", p.0),
            None => write!(f, "v{}", self.0 - Self::VIRT_BASE),
        }
    }
}

/// How an instruction accesses an operand.
///
/// Timing model: every `Use` is read at the start of the instruction and
/// every `Def` is written at its end, so a `Def` may share a register with a
/// `Use` of the same instruction. An `EarlyDef` is written before (or while)
/// the uses are read, so it must not share a register with any `Use` of the
/// same instruction: multi-instruction pseudo-instructions mark their outputs
/// and scratch registers this way.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OperandKind {
    /// Read at the start.
    Use,
    /// Written at the end.
    Def,
    /// Written before the uses are done being read (outputs of multi-step
    /// sequences and scratch registers).
    EarlyDef,
}

/// One register operand of an instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Operand {
    /// Virtual or physical (fixed) register.
    pub reg: Reg,
    /// Access kind.
    pub kind: OperandKind,
}

impl Operand {
    /// A use of `reg`.
    pub fn use_(reg: Reg) -> Operand {
        Operand { reg, kind: OperandKind::Use }
    }
    /// A (late) definition of `reg`.
    pub fn def(reg: Reg) -> Operand {
        Operand { reg, kind: OperandKind::Def }
    }
    /// An early definition of `reg`.
    pub fn early_def(reg: Reg) -> Operand {
        Operand { reg, kind: OperandKind::EarlyDef }
    }
}

/// Machine code on virtual registers, as the allocator sees it.
///
/// Instructions are numbered `0..num_insts()` and each block owns a
/// contiguous range of them, in block order. The last instruction of every
/// block is its terminator (a branch or return) and defines no register;
/// nothing is inserted after it. Virtual registers are not SSA: a register
/// may be defined several times (block-parameter copies). Every virtual
/// register is 32 bits wide and spills to one 4-byte slot.
pub trait Function {
    /// Number of basic blocks; block 0 is the entry.
    fn num_blocks(&self) -> usize;
    /// Instruction indices of block `b`.
    fn block_insts(&self, b: usize) -> std::ops::Range<usize>;
    /// Successor blocks of `b`.
    fn block_succs(&self, b: usize) -> &[usize];
    /// Predecessor blocks of `b`.
    fn block_preds(&self, b: usize) -> &[usize];
    /// Total number of instructions.
    fn num_insts(&self) -> usize;
    /// Number of virtual registers (they are `Reg::virt(0..n)`).
    fn num_vregs(&self) -> usize;
    /// Register operands of instruction `i`. The output gives one physical
    /// register per operand, in this order.
    fn inst_operands(&self, i: usize) -> &[Operand];
    /// Physical registers instruction `i` overwrites besides its operands
    /// (calls: r0-r3, r12, lr). No value may live in them across `i`.
    fn inst_clobbers(&self, i: usize) -> PRegSet;
    /// `Some((dst, src))` when instruction `i` is a plain register copy the
    /// allocator may remove by giving both the same register.
    fn is_move(&self, i: usize) -> Option<(Reg, Reg)>;
    /// True when virtual register `v` can be recomputed anywhere for free of
    /// operands (a constant or a symbol address), so that the allocator may
    /// emit [`Edit::Remat`] instead of a spill and reload. Its only
    /// definition must be a single instruction with no register uses.
    fn is_rematerializable(&self, v: u32) -> bool;
    /// True when instruction `i` gets a shorter encoding if its operands are
    /// in r0-r7 (a preference, never a requirement).
    fn prefers_low_regs(&self, i: usize) -> bool {
        let _ = i;
        false
    }
    /// Bytes instruction `i` would save if all its register operands were
    /// in r0-r7 (a 16-bit instead of a 32-bit encoding); 0 when its encoding
    /// does not depend on it. The colouring moves the values with most to
    /// gain into low registers. Default: 2 when [`Function::prefers_low_regs`].
    fn low_reg_gain(&self, i: usize) -> u32 {
        if self.prefers_low_regs(i) {
            2
        } else {
            0
        }
    }
    /// The register class of virtual register `v` (default: integer).
    fn vreg_class(&self, v: u32) -> RegClass {
        let _ = v;
        RegClass::Int
    }
    /// Registers the allocator may assign (both classes).
    fn allocatable(&self) -> PRegSet;
    /// Allocatable registers preserved across calls by the callee; using one
    /// costs a save and restore in the prologue and epilogue.
    fn callee_saved(&self) -> PRegSet;
}

/// Where a value is at a program point.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Loc {
    /// In a register.
    Reg(PReg),
    /// In spill slot `n` (4 bytes each; frame layout places them).
    Slot(u32),
}

/// Before or after an instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InstPos {
    /// Before the instruction (after the previous one's `After` edits).
    Before,
    /// After the instruction.
    After,
}

/// A point between instructions where edits go.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProgPoint {
    /// Instruction index.
    pub inst: u32,
    /// Side of the instruction.
    pub pos: InstPos,
}

/// Code the allocator asks to insert.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Edit {
    /// Copy a 32-bit value: register to register, register to slot (spill),
    /// slot to register (reload). Never slot to slot.
    Move {
        /// Source.
        from: Loc,
        /// Destination.
        to: Loc,
    },
    /// Recompute virtual register `vreg` (see
    /// [`Function::is_rematerializable`]) into `to`.
    Remat {
        /// The virtual register whose defining instruction is repeated.
        vreg: u32,
        /// Destination register.
        to: PReg,
    },
}

/// Which allocation path produced the code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rung {
    /// The graph-colouring allocator.
    Base,
    /// The every-value-in-a-slot fallback (defence in depth; should never run).
    Fallback,
}

impl Rung {
    /// Stable name used in stats and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Rung::Base => "base",
            Rung::Fallback => "fallback",
        }
    }
}

/// Whether spills happened and whether they were necessary.
///
/// Judged value by value on the input code. A program point is
/// *overfull* when the virtual registers live there outnumber the
/// registers usable there: the allocatable registers minus the physical
/// registers live at that point (precoloured values: arguments being set
/// up, results), and, for values live *through* an instruction with
/// clobbers (a call), also minus the clobbered registers — so across a
/// Thumb-2 call only r4-r11 count (8 registers), elsewhere all 14.
/// Points are the start of each instruction (live-in values plus early
/// defs), its end (live-out values plus defs) and, for instructions with
/// clobbers, the span across it.
///
/// A spilled value (given a slot, or rematerialised at its uses) is
/// *genuine* when some point of its live range is overfull: no
/// assignment could have kept it and every other value there in
/// registers. It is *spurious* otherwise: the pressure along its whole
/// range fit, so better colouring or splitting could have avoided it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SpillVerdict {
    /// No value was spilled.
    None,
    /// Every spilled value had an overfull point in its live range.
    Genuine,
    /// At least one spilled value had no overfull point in its live range.
    Spurious,
}

impl SpillVerdict {
    /// Stable name used in stats and JSON.
    pub fn name(self) -> &'static str {
        match self {
            SpillVerdict::None => "none",
            SpillVerdict::Genuine => "genuine",
            SpillVerdict::Spurious => "spurious",
        }
    }
}

/// What the allocator did to one function: the figures of each register
/// class ([`ClassStats`], one shape for every class) and what covers the
/// whole function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllocStats {
    /// The integer class's figures (r0-r12, lr); always present.
    pub int: ClassStats,
    /// The floating-point class's figures, when the function has
    /// floating-point registers at all.
    pub float: Option<ClassStats>,
    /// The path that produced the allocation ([`Rung::Fallback`] when any
    /// class needed it).
    pub rung: Rung,
    /// The shadow allocator's figures, when [`Options::shadow`] was set
    /// (integer class).
    pub shadow: Option<ShadowStats>,
    /// The function was over the base rung's compile-time budget (an
    /// interference graph of millions of edges) in any class, so the values
    /// live where far more values than registers are live were spilled at
    /// each occurrence before colouring: correct code, cheaper to compile,
    /// more spill code than colouring would leave.
    pub budget_hit: bool,
}

impl AllocStats {
    /// Callee-saved registers of every class assigned (the frame saves
    /// them all).
    pub fn callee_saved_all(&self) -> PRegSet {
        self.int.callee_saved_used.union(self.float.as_ref().map_or(PRegSet::EMPTY, |f| f.callee_saved_used))
    }
    /// The figures of class `c` (`None`: the function has no register of it).
    pub fn class(&self, c: RegClass) -> Option<&ClassStats> {
        match c {
            RegClass::Int => Some(&self.int),
            RegClass::Float => self.float.as_ref(),
        }
    }
    /// Stats of a function the allocator did not see (generated code with
    /// fixed registers): nothing allocated, `callee_saved_used` saved.
    pub fn unallocated(callee_saved_used: PRegSet) -> AllocStats {
        AllocStats {
            int: ClassStats { callee_saved_used, ..ClassStats::empty(RegClass::Int) },
            float: None,
            rung: Rung::Base,
            shadow: None,
            budget_hit: false,
        }
    }
}

/// What the allocator did to one register class of a function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClassStats {
    /// The class.
    pub class: RegClass,
    /// Virtual registers of the class in the input.
    pub vregs: u32,
    /// Most values of the class live at once at any program point.
    pub peak_pressure: u32,
    /// Registers of the class the allocator could assign.
    pub regs_available: u32,
    /// Spill stores inserted.
    pub spill_stores: u32,
    /// Reloads inserted.
    pub reloads: u32,
    /// Rematerialisations inserted.
    pub remats: u32,
    /// Register-to-register moves left in the code after coalescing (input
    /// moves not removed plus moves the allocator inserted).
    pub moves: u32,
    /// Spill slots used by the class.
    pub spill_slots: u32,
    /// Callee-saved registers of the class assigned (they need saving).
    pub callee_saved_used: PRegSet,
    /// The spill verdict of the class.
    pub verdict: SpillVerdict,
    /// The path that allocated the class.
    pub rung: Rung,
    /// The class was over the compile-time budget.
    pub budget_hit: bool,
}

impl ClassStats {
    /// Nothing allocated in class `class`.
    pub fn empty(class: RegClass) -> ClassStats {
        ClassStats {
            class,
            vregs: 0,
            peak_pressure: 0,
            regs_available: 0,
            spill_stores: 0,
            reloads: 0,
            remats: 0,
            moves: 0,
            spill_slots: 0,
            callee_saved_used: PRegSet::EMPTY,
            verdict: SpillVerdict::None,
            rung: Rung::Base,
            budget_hit: false,
        }
    }
}

/// The allocation of one function.
#[derive(Clone, Debug)]
pub struct Output {
    /// `allocs[i][k]` is the physical register of operand `k` of
    /// instruction `i` (same order as [`Function::inst_operands`]).
    pub allocs: Vec<Vec<PReg>>,
    /// Edits to insert, sorted by program point; edits at the same point
    /// run in the order given.
    pub edits: Vec<(ProgPoint, Edit)>,
    /// Moves of the input that became no-ops (source and destination got the
    /// same register); the emitter may skip them. Indexed by instruction.
    pub removed_moves: Vec<bool>,
    /// Spill slots needed.
    pub num_spill_slots: u32,
    /// Statistics.
    pub stats: AllocStats,
}

/// Allocation options.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Run the independent checker on the result; a failed check is a bug
    /// and panics with the checker's report.
    pub verify: bool,
    /// Also run the shadow allocator (see [`ShadowStats`]) on the same
    /// function in measure-only mode and report its figures in
    /// [`AllocStats::shadow`]; the code always comes from the base rung.
    pub shadow: bool,
}

/// What an independent second allocator did to the same function, measured
/// only (its assignment is discarded). Lets the stats compare our
/// allocator against a well-known one, function by function.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ShadowStats {
    /// Which allocator ran (for example `regalloc2`).
    pub allocator: &'static str,
    /// Spill stores it inserted.
    pub spill_stores: u32,
    /// Reloads it inserted.
    pub reloads: u32,
    /// Register-to-register moves it left (including those it inserted).
    pub moves: u32,
    /// Spill slots it used.
    pub spill_slots: u32,
    /// Callee-saved registers it assigned.
    pub callee_saved_used: u32,
}

/// Allocates registers for `func`. Never fails.
///
/// Runs the base rung (graph colouring with coalescing and spilling); only
/// if that does not converge within its round limit is the fallback rung
/// used (visible as [`AllocStats::rung`]).
pub fn allocate<F: Function>(func: &F, opts: &Options) -> Output {
    allocate_with_rung(func, opts, Rung::Base)
}

/// Allocates with a chosen starting rung: [`Rung::Base`] behaves like
/// [`allocate`]; [`Rung::Fallback`] forces the every-value-in-a-slot
/// allocator (for testing and for comparing code quality).
pub fn allocate_with_rung<F: Function>(func: &F, opts: &Options, rung: Rung) -> Output {
    let n = func.num_insts();
    let mut allocs: Vec<Vec<PReg>> = (0..n).map(|i| vec![PReg(0); func.inst_operands(i).len()]).collect();
    let mut edits: Vec<(ProgPoint, Edit)> = Vec::new();
    let mut removed_moves = vec![false; n];
    let mut num_slots = 0u32;
    let mut int: Option<ClassStats> = None;
    let mut shadow_stats: Option<ShadowStats> = None;
    let mut float: Option<ClassStats> = None;
    let mut used_rung = rung;
    for class in RegClass::ALL {
        let prog = prog::Prog::from_func_class(func, class);
        if class != RegClass::Int && prog.is_empty() {
            continue;
        }
        let remat: Vec<bool> =
            (0..prog.num_vregs).map(|v| v < func.num_vregs() && func.is_rematerializable(v as u32)).collect();
        // Block liveness of the input, shared by the base rung (budget,
        // first round) and the statistics.
        let lv = liveness::compute(&prog);
        let (raw, r) = match rung {
            Rung::Base => match base::allocate(&prog, &lv, &remat) {
                Some(raw) => (raw, Rung::Base),
                None => (fallback::allocate(&prog, &remat), Rung::Fallback),
            },
            Rung::Fallback => (fallback::allocate(&prog, &remat), Rung::Fallback),
        };
        if r == Rung::Fallback {
            used_rung = Rung::Fallback;
        }
        let mut st = stats::compute(&prog, &lv, &raw, class, r);
        // Back to the input's numbering: operand positions, register
        // numbers of the class, slots after the other classes' slots.
        let base = class.base();
        let to_input = |p: PReg| PReg(p.0 + base);
        for (i, inst) in prog.insts.iter().enumerate() {
            for (k, &ok) in inst.orig.iter().enumerate() {
                allocs[i][ok] = to_input(raw.allocs[i][k]);
            }
            removed_moves[i] |= raw.removed_moves[i];
        }
        let shift = |l: Loc| match l {
            Loc::Reg(p) => Loc::Reg(to_input(p)),
            Loc::Slot(s) => Loc::Slot(s + num_slots),
        };
        for &(pt, e) in &raw.edits {
            let e = match e {
                Edit::Move { from, to } => Edit::Move { from: shift(from), to: shift(to) },
                Edit::Remat { vreg, to } => Edit::Remat { vreg, to: to_input(to) },
            };
            edits.push((pt, e));
        }
        num_slots += raw.num_slots;
        st.callee_saved_used = PRegSet(st.callee_saved_used.0 << base);
        match class {
            RegClass::Int => {
                if opts.shadow {
                    match shadow::run(&prog) {
                        Ok(s) => shadow_stats = Some(s),
                        Err(e) => log::warn!("shadow allocator (regalloc2) recorded nothing: {e}"),
                    }
                }
                int = Some(st);
            }
            RegClass::Float => float = Some(st),
        }
    }
    // Stable: edits of one class keep their order at a point; the classes
    // never touch each other's registers or slots.
    edits.sort_by_key(|(pt, _)| *pt);
    let int = int.expect("the integer class is always allocated");
    let budget_hit = int.budget_hit || float.as_ref().is_some_and(|f| f.budget_hit);
    let stats = AllocStats { int, float, rung: used_rung, shadow: shadow_stats, budget_hit };
    let out = Output { allocs, edits, removed_moves, num_spill_slots: num_slots, stats };
    if opts.verify {
        let errs = checker::check(func, &out);
        if !errs.is_empty() {
            panic!("register allocation ({}) failed the checker:\n{}", used_rung.name(), checker::report(&errs));
        }
    }
    out
}
