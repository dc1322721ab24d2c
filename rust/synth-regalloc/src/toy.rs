//! Test-only toy ISA implementing [`Function`], with a builder and an
//! interpreter that runs a program either on virtual registers or after
//! allocation (physical registers, spill slots and edits).
//!
//! Ops: `Const d,imm`; `Add/Xor/Mul d,a,b`; `AddE d,a,b` (d is an EarlyDef:
//! the interpreter scribbles on d before reading a and b, so sharing is
//! caught); `Move d,s`; `Call n` (uses r0..r(n-1), defines r0, clobbers
//! r0-r3, r12, lr); `Br`, `CondBr c` (taken when c != 0), `Ret` (uses r0).
//! Allocatable: r0-r12 and r14; callee-saved r4-r11 and r14.
//! A second, floating-point class: s0-s31 allocatable, s16-s31
//! callee-saved, calls clobber s0-s15 (AAPCS-VFP). `Xfer d,s` copies a
//! value between the classes (an instruction, not a removable move).

use crate::{Edit, Function, InstPos, Loc, Operand, Output, PReg, PRegSet, Reg, RegClass};
use std::ops::Range;

/// The physical register `n` as an operand.
pub(crate) fn phys(n: u8) -> Reg {
    Reg::phys(PReg(n))
}

/// Registers the toy ISA allocates.
pub(crate) fn allocatable() -> PRegSet {
    PRegSet((0x1fff) | (1 << 14) | 0xffff_ffff << 32)
}
/// Callee-saved registers of the toy ISA.
pub(crate) fn callee_saved() -> PRegSet {
    PRegSet(0x0ff0 | (1 << 14) | 0xffff << 48)
}
/// Registers a call clobbers.
pub(crate) fn call_clobbers() -> PRegSet {
    PRegSet(0x000f | (1 << 12) | (1 << 14) | 0xffff << 32)
}

/// The floating-point register s`n` as an operand.
pub(crate) fn fphys(n: u8) -> Reg {
    Reg::phys(PReg::float(n))
}

/// Toy opcodes (operand layouts in the module comment).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Opc {
    Const(i32),
    Add,
    AddE,
    Xor,
    Mul,
    Move,
    Xfer,
    Call(u8),
    Br(usize),
    CondBr(usize, usize),
    Ret,
}

/// One toy instruction.
#[derive(Clone, Debug)]
pub(crate) struct TInst {
    pub opc: Opc,
    pub ops: Vec<Operand>,
    pub clobbers: PRegSet,
    pub low: bool,
}

/// A toy function.
#[derive(Clone, Debug)]
pub(crate) struct ToyFunc {
    pub insts: Vec<TInst>,
    pub blocks: Vec<Range<usize>>,
    pub succs: Vec<Vec<usize>>,
    pub preds: Vec<Vec<usize>>,
    pub nvregs: usize,
    pub remat: Vec<bool>,
    pub classes: Vec<RegClass>,
}

impl Function for ToyFunc {
    fn num_blocks(&self) -> usize {
        self.blocks.len()
    }
    fn block_insts(&self, b: usize) -> Range<usize> {
        self.blocks[b].clone()
    }
    fn block_succs(&self, b: usize) -> &[usize] {
        &self.succs[b]
    }
    fn block_preds(&self, b: usize) -> &[usize] {
        &self.preds[b]
    }
    fn num_insts(&self) -> usize {
        self.insts.len()
    }
    fn num_vregs(&self) -> usize {
        self.nvregs
    }
    fn inst_operands(&self, i: usize) -> &[Operand] {
        &self.insts[i].ops
    }
    fn inst_clobbers(&self, i: usize) -> PRegSet {
        self.insts[i].clobbers
    }
    fn is_move(&self, i: usize) -> Option<(Reg, Reg)> {
        let t = &self.insts[i];
        (t.opc == Opc::Move).then(|| (t.ops[0].reg, t.ops[1].reg))
    }
    fn is_rematerializable(&self, v: u32) -> bool {
        self.remat.get(v as usize).copied().unwrap_or(false)
    }
    fn prefers_low_regs(&self, i: usize) -> bool {
        self.insts[i].low
    }
    fn vreg_class(&self, v: u32) -> RegClass {
        self.classes.get(v as usize).copied().unwrap_or(RegClass::Int)
    }
    fn allocatable(&self) -> PRegSet {
        allocatable()
    }
    fn callee_saved(&self) -> PRegSet {
        callee_saved()
    }
}

/// Builds toy functions block by block.
pub(crate) struct Builder {
    blocks: Vec<Vec<TInst>>,
    cur: usize,
    nvregs: usize,
    classes: Vec<RegClass>,
    /// Mark single-`Const`-defined vregs rematerialisable.
    pub allow_remat: bool,
}

impl Builder {
    pub(crate) fn new() -> Builder {
        Builder { blocks: Vec::new(), cur: 0, nvregs: 0, classes: Vec::new(), allow_remat: true }
    }
    pub(crate) fn v(&mut self) -> Reg {
        self.nvregs += 1;
        self.classes.push(RegClass::Int);
        Reg::virt(self.nvregs as u32 - 1)
    }
    /// A floating-point virtual register.
    pub(crate) fn fv(&mut self) -> Reg {
        let r = self.v();
        self.classes[self.nvregs - 1] = RegClass::Float;
        r
    }
    /// `d = s` across the classes.
    pub(crate) fn xfer(&mut self, d: Reg, s: Reg) {
        self.push(Opc::Xfer, vec![Operand::def(d), Operand::use_(s)], PRegSet::EMPTY);
    }
    pub(crate) fn block(&mut self) -> usize {
        self.blocks.push(Vec::new());
        self.blocks.len() - 1
    }
    pub(crate) fn at(&mut self, b: usize) {
        self.cur = b;
    }
    fn push(&mut self, opc: Opc, ops: Vec<Operand>, clobbers: PRegSet) {
        self.blocks[self.cur].push(TInst { opc, ops, clobbers, low: false });
    }
    pub(crate) fn konst(&mut self, d: Reg, imm: i32) {
        self.push(Opc::Const(imm), vec![Operand::def(d)], PRegSet::EMPTY);
    }
    pub(crate) fn bin(&mut self, opc: Opc, d: Reg, a: Reg, b: Reg) {
        let dk = if opc == Opc::AddE { Operand::early_def(d) } else { Operand::def(d) };
        self.push(opc, vec![dk, Operand::use_(a), Operand::use_(b)], PRegSet::EMPTY);
    }
    pub(crate) fn add(&mut self, d: Reg, a: Reg, b: Reg) {
        self.bin(Opc::Add, d, a, b);
    }
    /// Marks the last instruction as preferring low registers.
    pub(crate) fn low(&mut self) {
        if let Some(t) = self.blocks[self.cur].last_mut() {
            t.low = true;
        }
    }
    pub(crate) fn mov(&mut self, d: Reg, s: Reg) {
        self.push(Opc::Move, vec![Operand::def(d), Operand::use_(s)], PRegSet::EMPTY);
    }
    pub(crate) fn call(&mut self, nargs: u8) {
        let mut ops: Vec<Operand> = (0..nargs).map(|k| Operand::use_(phys(k))).collect();
        ops.push(Operand::def(phys(0)));
        self.push(Opc::Call(nargs), ops, call_clobbers());
    }
    /// A call as Thumb-2 isel describes it: its result register r0 is a
    /// def operand and not in the clobber set.
    pub(crate) fn call_result_def(&mut self, nargs: u8) {
        let mut ops: Vec<Operand> = (0..nargs).map(|k| Operand::use_(phys(k))).collect();
        ops.push(Operand::def(phys(0)));
        self.push(Opc::Call(nargs), ops, PRegSet(call_clobbers().0 & !1));
    }
    pub(crate) fn br(&mut self, t: usize) {
        self.push(Opc::Br(t), vec![], PRegSet::EMPTY);
    }
    pub(crate) fn condbr(&mut self, c: Reg, t: usize, f: usize) {
        self.push(Opc::CondBr(t, f), vec![Operand::use_(c)], PRegSet::EMPTY);
    }
    pub(crate) fn ret(&mut self) {
        self.push(Opc::Ret, vec![Operand::use_(phys(0))], PRegSet::EMPTY);
    }
    pub(crate) fn finish(self) -> ToyFunc {
        let mut insts = Vec::new();
        let mut blocks = Vec::new();
        let mut succs = Vec::new();
        for b in self.blocks {
            let start = insts.len();
            let s = match b.last().map(|t| t.opc) {
                Some(Opc::Br(t)) => vec![t],
                Some(Opc::CondBr(t, f)) => vec![t, f],
                _ => vec![],
            };
            insts.extend(b);
            blocks.push(start..insts.len());
            succs.push(s);
        }
        let mut preds = vec![Vec::new(); blocks.len()];
        for (b, ss) in succs.iter().enumerate() {
            for &s in ss {
                if !preds[s].contains(&b) {
                    preds[s].push(b);
                }
            }
        }
        let mut ndefs = vec![0u32; self.nvregs];
        let mut konst = vec![false; self.nvregs];
        for t in &insts {
            for o in &t.ops {
                if o.kind != crate::OperandKind::Use {
                    if let Some(v) = o.reg.as_virt() {
                        ndefs[v as usize] += 1;
                        konst[v as usize] = matches!(t.opc, Opc::Const(_));
                    }
                }
            }
        }
        let remat = (0..self.nvregs).map(|v| self.allow_remat && ndefs[v] == 1 && konst[v]).collect();
        ToyFunc { insts, blocks, succs, preds, nvregs: self.nvregs, remat, classes: self.classes }
    }
}

/// What a run observed: arguments of every call and the returned value
/// (`None` if the step limit was hit).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Trace {
    pub calls: Vec<Vec<u32>>,
    pub ret: Option<u32>,
}

/// Register-file view used by the interpreter core.
trait Mach {
    fn read(&mut self, i: usize, k: usize) -> u32;
    fn write(&mut self, i: usize, k: usize, v: u32);
    fn clobber(&mut self, p: PReg);
}

struct Garbage(u32);
impl Garbage {
    fn next(&mut self) -> u32 {
        self.0 = self.0.wrapping_mul(1_103_515_245).wrapping_add(12345);
        0xdead_0000 ^ self.0
    }
}

enum Flow {
    Next,
    Goto(usize),
    Ret(u32),
}

fn call_result(args: &[u32]) -> u32 {
    args.iter().fold(0x1234_5678u32, |h, &a| h.rotate_left(5) ^ a.wrapping_mul(0x9e37_79b9))
}

fn exec(f: &ToyFunc, m: &mut impl Mach, g: &mut Garbage, i: usize, calls: &mut Vec<Vec<u32>>) -> Flow {
    let t = &f.insts[i];
    match t.opc {
        Opc::Const(imm) => m.write(i, 0, imm as u32),
        Opc::Add | Opc::Xor | Opc::Mul => {
            let (a, b) = (m.read(i, 1), m.read(i, 2));
            let r = match t.opc {
                Opc::Add => a.wrapping_add(b),
                Opc::Xor => a ^ b,
                _ => a.wrapping_mul(b),
            };
            m.write(i, 0, r);
        }
        Opc::AddE => {
            let junk = g.next();
            m.write(i, 0, junk);
            let (a, b) = (m.read(i, 1), m.read(i, 2));
            m.write(i, 0, a.wrapping_add(b));
        }
        Opc::Move | Opc::Xfer => {
            let v = m.read(i, 1);
            m.write(i, 0, v);
        }
        Opc::Call(n) => {
            let args: Vec<u32> = (0..n as usize).map(|k| m.read(i, k)).collect();
            let r = call_result(&args);
            calls.push(args);
            for p in t.clobbers.iter() {
                m.clobber(p);
            }
            m.write(i, n as usize, r);
        }
        Opc::Br(b) => return Flow::Goto(b),
        Opc::CondBr(a, b) => return Flow::Goto(if m.read(i, 0) != 0 { a } else { b }),
        Opc::Ret => return Flow::Ret(m.read(i, 0)),
    }
    Flow::Next
}

const STEP_LIMIT: usize = 200_000;

fn drive(f: &ToyFunc, m: &mut impl Mach, g: &mut Garbage) -> Trace {
    let mut calls = Vec::new();
    let mut b = 0;
    let mut steps = 0;
    loop {
        let mut next = None;
        for i in f.blocks[b].clone() {
            steps += 1;
            if steps > STEP_LIMIT {
                return Trace { calls, ret: None };
            }
            let fl = exec(f, m, g, i, &mut calls);
            match fl {
                Flow::Next => {}
                Flow::Goto(t) => {
                    next = Some(t);
                    break;
                }
                Flow::Ret(v) => return Trace { calls, ret: Some(v) },
            }
        }
        match next {
            Some(t) => b = t,
            None => return Trace { calls, ret: None },
        }
    }
}

struct VirtMach<'a> {
    regs: [u32; 64],
    vregs: Vec<u32>,
    f: &'a ToyFunc,
    g: Garbage,
}

impl VirtMach<'_> {
    fn reg(&self, i: usize, k: usize) -> Reg {
        self.f.insts[i].ops[k].reg
    }
}

impl Mach for VirtMach<'_> {
    fn read(&mut self, i: usize, k: usize) -> u32 {
        let r = self.reg(i, k);
        match r.as_phys() {
            Some(p) => self.regs[p.0 as usize],
            None => self.vregs[r.as_virt().unwrap_or(0) as usize],
        }
    }
    fn write(&mut self, i: usize, k: usize, v: u32) {
        let r = self.reg(i, k);
        match r.as_phys() {
            Some(p) => self.regs[p.0 as usize] = v,
            None => self.vregs[r.as_virt().unwrap_or(0) as usize] = v,
        }
    }
    fn clobber(&mut self, p: PReg) {
        self.regs[p.0 as usize] = self.g.next();
    }
}

fn initial_regs(args: [u32; 4], g: &mut Garbage) -> [u32; 64] {
    let mut regs = [0u32; 64];
    for (r, x) in regs.iter_mut().enumerate() {
        *x = if r < 4 { args[r] } else { g.next() };
    }
    regs
}

/// `v0 = r0; v1 = r1; v2 = v0 + v1; r0 = v2; ret`: the smallest function
/// with argument and result moves (all coalescable).
pub(crate) fn add_args() -> ToyFunc {
    let mut bd = Builder::new();
    let (a, b, c) = (bd.v(), bd.v(), bd.v());
    let blk = bd.block();
    bd.at(blk);
    bd.mov(a, phys(0));
    bd.mov(b, phys(1));
    bd.add(c, a, b);
    bd.mov(phys(0), c);
    bd.ret();
    bd.finish()
}

/// Runs `f` on virtual registers.
pub(crate) fn run_virtual(f: &ToyFunc, args: [u32; 4]) -> Trace {
    let mut g = Garbage(1);
    let regs = initial_regs(args, &mut g);
    let vregs = (0..f.nvregs).map(|_| g.next()).collect();
    let mut m = VirtMach { regs, vregs, f, g: Garbage(7) };
    let mut g2 = Garbage(3);
    drive(f, &mut m, &mut g2)
}

struct PhysMach<'a> {
    regs: [u32; 64],
    slots: Vec<u32>,
    out: &'a Output,
    g: Garbage,
}

impl Mach for PhysMach<'_> {
    fn read(&mut self, i: usize, k: usize) -> u32 {
        self.regs[self.out.allocs[i][k].0 as usize]
    }
    fn write(&mut self, i: usize, k: usize, v: u32) {
        self.regs[self.out.allocs[i][k].0 as usize] = v;
    }
    fn clobber(&mut self, p: PReg) {
        self.regs[p.0 as usize] = self.g.next();
    }
}

/// Runs `f` as allocated by `out`: physical registers, slots, edits;
/// removed moves are skipped.
pub(crate) fn run_allocated(f: &ToyFunc, out: &Output, args: [u32; 4]) -> Trace {
    let n = f.insts.len();
    let mut before = vec![Vec::new(); n];
    let mut after = vec![Vec::new(); n];
    for (pt, e) in &out.edits {
        match pt.pos {
            InstPos::Before => before[pt.inst as usize].push(*e),
            InstPos::After => after[pt.inst as usize].push(*e),
        }
    }
    let remat_val = |v: u32| {
        f.insts
            .iter()
            .find_map(|t| match t.opc {
                Opc::Const(c) if t.ops[0].reg == Reg::virt(v) => Some(c as u32),
                _ => None,
            })
            .unwrap_or(0xbad)
    };
    let mut g = Garbage(1);
    let regs = initial_regs(args, &mut g);
    let mut m = PhysMach { regs, slots: (0..out.num_spill_slots).map(|_| g.next()).collect(), out, g: Garbage(7) };
    let mut calls = Vec::new();
    let mut gg = Garbage(3);
    let mut b = 0;
    let mut steps = 0;
    let apply = |m: &mut PhysMach, es: &[Edit]| {
        for e in es {
            match *e {
                Edit::Move { from, to } => {
                    let v = match from {
                        Loc::Reg(p) => m.regs[p.0 as usize],
                        Loc::Slot(s) => m.slots[s as usize],
                    };
                    match to {
                        Loc::Reg(p) => m.regs[p.0 as usize] = v,
                        Loc::Slot(s) => m.slots[s as usize] = v,
                    }
                }
                Edit::Remat { vreg, to } => m.regs[to.0 as usize] = remat_val(vreg),
            }
        }
    };
    loop {
        let mut next = None;
        for i in f.blocks[b].clone() {
            steps += 1;
            if steps > STEP_LIMIT {
                return Trace { calls, ret: None };
            }
            apply(&mut m, &before[i]);
            let fl = if out.removed_moves[i] { Flow::Next } else { exec(f, &mut m, &mut gg, i, &mut calls) };
            apply(&mut m, &after[i]);
            match fl {
                Flow::Next => {}
                Flow::Goto(t) => {
                    next = Some(t);
                    break;
                }
                Flow::Ret(v) => return Trace { calls, ret: Some(v) },
            }
        }
        match next {
            Some(t) => b = t,
            None => return Trace { calls, ret: None },
        }
    }
}
