//! Instruction selection: IR → ARMv6-M [`Inst`]s on virtual registers.
//!
//! Takes: one IR function whose values are all i32 (soft-float code is i32
//! bit patterns and AEABI calls, which works; i64 and anything else without
//! a lowering is declined with the operator named). Returns: machine blocks
//! ([`Lowered`]) for the allocator.
//!
//! Shape: machine block 0 receives the parameters (r0-r3, then the stack)
//! and falls into IR block 0's machine block; IR block `b` is machine block
//! `1 + b`. Out of SSA here: block arguments become copies through fresh
//! temporaries (a parallel copy the allocator coalesces); every edge of a
//! two-way branch that passes arguments or reaches a block with several
//! predecessors gets a block of its own. `br_table` is a chain of compares.
//! Memory accesses of 2 and 4 bytes whose address may be unaligned (every
//! linear-memory access) test the address's alignment at run time and take
//! one `LDR`/`LDRH`/`STR`/`STRH` when aligned, else go byte by byte:
//! ARMv6-M faults on unaligned accesses, wasm allows them.

use std::collections::HashMap;

use synth_ir::{
    BinaryOp, BlockCall, Callee, Function, InstKind, IntCC, LoadKind, SrcLoc, StoreKind, SymbolRef, Terminator, TrapCode,
    Type, UnaryOp, Value,
};
use synth_regalloc::{PReg, Reg};

use crate::enc::{Cond, Ext, Mem, Shift};
use crate::inst::{AluOp, CallTarget, CountOp, Inst, Lit, MemOff, Opnd};

/// Machine blocks on virtual registers.
#[derive(Clone, Debug)]
pub struct Lowered {
    /// Blocks by index; each ends in a terminator.
    pub blocks: Vec<Vec<(Inst, SrcLoc)>>,
    /// Emission order of the blocks (block 0 first).
    pub layout: Vec<usize>,
    /// Virtual registers used (`Reg::virt(0..num_vregs)`).
    pub num_vregs: u32,
    /// Bytes of the outgoing stack-argument area (8-aligned).
    pub outgoing_bytes: u32,
    /// Bytes of the local area (sret buffers of calls; 8-aligned).
    pub local_bytes: u32,
    /// The function calls something (lr must be saved).
    pub has_calls: bool,
}

fn phys(n: u8) -> Reg {
    Reg::phys(PReg(n))
}

fn vreg(v: Value) -> Reg {
    Reg::virt(v.0)
}

struct Lower<'a> {
    func: &'a Function,
    blocks: Vec<Vec<(Inst, SrcLoc)>>,
    layout: Vec<usize>,
    next_vreg: u32,
    consts: HashMap<Value, u32>,
    /// i64 constants (materialised per use like `consts`).
    consts64: HashMap<Value, u64>,
    /// The high-word register of every i64 value (the low word is `vreg(v)`).
    hi: HashMap<Value, Reg>,
    aligned: HashMap<Value, bool>,
    preds: Vec<u32>,
    /// IR blocks between a loop header and the source of a back edge to it
    /// (by block index): where an access's alignment test pays for its
    /// bytes.
    looped: Vec<bool>,
    /// i32 comparisons whose only use is the next `TrapIf` or the block's
    /// branch: compared there, with no 0/1 value.
    fusible: std::collections::HashSet<Value>,
    /// Fusible comparisons seen, waiting for their use.
    fused: HashMap<Value, (IntCC, Value, Option<Value>)>,
    outgoing: u32,
    locals: u32,
    /// The sret pointer of a function with several results.
    sret: Option<Reg>,
    has_calls: bool,
    static_memory_bytes: Option<u32>,
    cur: usize,
    loc: SrcLoc,
}

/// Lowers `func`; `Err` names what has no lowering.
pub fn lower(func: &Function, static_memory_bytes: Option<u32>) -> Result<Lowered, String> {
    let n = func.blocks.len();
    let mut preds = vec![0u32; n];
    for b in 0..n {
        for s in func.successors(synth_ir::Block(b as u32)) {
            preds[s.0 as usize] += 1;
        }
    }
    let mut l = Lower {
        func,
        blocks: vec![Vec::new(); n + 1],
        layout: vec![0],
        next_vreg: func.value_types.len() as u32,
        consts: HashMap::new(),
        consts64: HashMap::new(),
        hi: HashMap::new(),
        aligned: HashMap::new(),
        fusible: fusible(func),
        fused: HashMap::new(),
        preds,
        looped: looped(func),
        outgoing: 0,
        locals: 0,
        sret: None,
        has_calls: false,
        static_memory_bytes,
        cur: 0,
        loc: SrcLoc::NONE,
    };
    // Constants first: a use may come before its definition in block order.
    for bd in &func.blocks {
        for inst in &bd.insts {
            match inst.kind {
                InstKind::Iconst { ty: Type::I32, imm } => {
                    l.consts.insert(inst.results[0], imm as u32);
                }
                InstKind::Iconst { ty: Type::I64, imm } => {
                    l.consts64.insert(inst.results[0], imm as u64);
                }
                InstKind::SymbolAddr { sym, addend } => {
                    // Linear memory is 8-aligned (docs/ABI.md, defined or
                    // imported); a data segment's bytes and a function's
                    // (Thumb) address are not word-aligned.
                    let aligned = !matches!(sym, SymbolRef::DataSegment(_) | SymbolRef::Func(_)) && addend % 4 == 0;
                    l.aligned.insert(inst.results[0], aligned);
                }
                _ => {}
            }
        }
    }
    for (i, t) in func.value_types.iter().enumerate() {
        if *t == Type::I64 {
            let h = l.temp();
            l.hi.insert(Value(i as u32), h);
        }
    }
    l.entry()?;
    for b in 0..n {
        l.cur = 1 + b;
        l.layout.push(1 + b);
        let bd = &func.blocks[b];
        for &p in &bd.params {
            l.check_i32(p, "a block parameter")?;
        }
        for inst in &bd.insts {
            l.loc = inst.loc;
            l.inst(inst)?;
        }
        l.loc = bd.term_loc;
        l.term(&bd.term)?;
    }
    Ok(Lowered {
        blocks: l.blocks,
        layout: l.layout,
        num_vregs: l.next_vreg,
        outgoing_bytes: l.outgoing.div_ceil(8) * 8,
        local_bytes: l.locals.div_ceil(8) * 8,
        has_calls: l.has_calls,
    })
}

/// The i32 comparisons (`Compare`, `Eqz`) used exactly once, by the
/// `TrapIf` right after them or by their block's `Branch`.
fn fusible(func: &Function) -> std::collections::HashSet<Value> {
    let mut uses: HashMap<Value, u32> = HashMap::new();
    for bd in &func.blocks {
        for inst in &bd.insts {
            for v in inst.kind.operands() {
                *uses.entry(v).or_default() += 1;
            }
        }
        for v in bd.term.operands() {
            *uses.entry(v).or_default() += 1;
        }
    }
    let once = |v: &Value| uses.get(v) == Some(&1);
    let is_cmp = |k: &InstKind| {
        matches!(k, InstKind::Compare { ty: Type::I32, .. } | InstKind::Eqz { ty: Type::I32, .. })
    };
    let mut out = std::collections::HashSet::new();
    for bd in &func.blocks {
        for (j, inst) in bd.insts.iter().enumerate() {
            if !is_cmp(&inst.kind) || !once(&inst.results[0]) {
                continue;
            }
            let r = inst.results[0];
            let next_trap = matches!(bd.insts.get(j + 1).map(|i| &i.kind), Some(InstKind::TrapIf { cond, .. }) if *cond == r);
            let branch = matches!(&bd.term, Terminator::Branch { cond, .. } if *cond == r);
            if next_trap || branch {
                out.insert(r);
            }
        }
    }
    out
}

/// Where an argument lives at a call (AAPCS, base standard).
enum ArgLoc {
    /// In these core registers (an i64: an even/odd pair, low word first).
    Regs(Vec<u8>),
    /// At this byte offset of the stack-argument area (i64: 8-aligned).
    Stack(u32),
}

/// The AAPCS locations of arguments of `types` from register `first` on
/// (1 when r0 carries an sret pointer), and the stack bytes.
fn aapcs(types: &[Type], first: u8) -> (Vec<ArgLoc>, u32) {
    let (mut next, mut stack) = (first, 0u32);
    let mut out = Vec::new();
    for t in types {
        if *t == Type::I64 {
            next = (next + 1) & !1;
            if next <= 2 {
                out.push(ArgLoc::Regs(vec![next, next + 1]));
                next += 2;
            } else {
                next = 4;
                stack = stack.div_ceil(8) * 8;
                out.push(ArgLoc::Stack(stack));
                stack += 8;
            }
        } else if next < 4 {
            out.push(ArgLoc::Regs(vec![next]));
            next += 1;
        } else {
            out.push(ArgLoc::Stack(stack));
            stack += 4;
        }
    }
    (out, stack)
}

/// The byte offset of each result in an sret buffer (each aligned to its
/// size, as the Thumb-2 backend's AAPCS mapping) and the buffer size.
fn sret_layout(results: &[Type]) -> (Vec<u32>, u32) {
    let (mut off, mut align) = (0u32, 4u32);
    let mut offs = Vec::new();
    for t in results {
        let a = t.bytes();
        align = align.max(a);
        off = off.div_ceil(a) * a;
        offs.push(off);
        off += a;
    }
    (offs, off.div_ceil(align) * align)
}

fn type_name(t: Type) -> &'static str {
    match t {
        Type::I32 => "i32",
        Type::I64 => "i64",
        Type::F32 => "f32",
        Type::F64 => "f64",
    }
}

impl Lower<'_> {
    fn push(&mut self, i: Inst) {
        let loc = self.loc;
        self.blocks[self.cur].push((i, loc));
    }

    fn temp(&mut self) -> Reg {
        let r = Reg::virt(self.next_vreg);
        self.next_vreg += 1;
        r
    }

    fn check_i32(&self, v: Value, what: &str) -> Result<(), String> {
        match self.func.value_type(v) {
            Type::I32 | Type::I64 => Ok(()),
            t => Err(format!("{} values ({what}): only integer code is lowered for ARMv6-M so far", type_name(t))),
        }
    }

    /// The registers holding `v` for a use (two for an i64: low, high).
    fn regs(&mut self, v: Value) -> Vec<Reg> {
        if self.func.value_type(v) == Type::I64 {
            let (lo, hi) = self.r64(v);
            vec![lo, hi]
        } else {
            vec![self.r(v)]
        }
    }

    /// The registers `v` is defined in.
    fn dregs(&self, v: Value) -> Vec<Reg> {
        match self.hi.get(&v) {
            Some(&h) => vec![vreg(v), h],
            None => vec![vreg(v)],
        }
    }

    /// The (low, high) registers of an i64 for a use.
    fn r64(&mut self, v: Value) -> (Reg, Reg) {
        match self.consts64.get(&v) {
            Some(&c) => (self.new_const(c as u32), self.new_const((c >> 32) as u32)),
            None => (vreg(v), self.hi[&v]),
        }
    }

    fn entry(&mut self) -> Result<(), String> {
        let params = self.func.blocks[0].params.clone();
        for &p in &params {
            self.check_i32(p, "a parameter")?;
        }
        let types: Vec<Type> = params.iter().map(|&p| self.func.value_type(p)).collect();
        let mut first = 0;
        if self.func.sig.results.len() > 1 {
            let t = self.temp();
            self.push(Inst::Mov { rd: t, rm: phys(0) });
            self.sret = Some(t);
            first = 1;
        }
        let (locs, _) = aapcs(&types, first);
        for (&p, loc) in params.iter().zip(locs) {
            let d = self.dregs(p);
            match loc {
                ArgLoc::Regs(rs) => {
                    for (dst, r) in d.into_iter().zip(rs) {
                        self.push(Inst::Mov { rd: dst, rm: phys(r) });
                    }
                }
                ArgLoc::Stack(off) => {
                    for (k, dst) in d.into_iter().enumerate() {
                        self.push(Inst::LoadParam { rd: dst, off: off + 4 * k as u32 });
                    }
                }
            }
        }
        self.push(Inst::Jump { target: 1 });
        Ok(())
    }

    fn konst(&mut self, rd: Reg, v: u32) {
        if v < 256 {
            self.push(Inst::MovImm { rd, imm: v as u8 });
        } else {
            self.push(Inst::LoadLit { rd, lit: Lit::Const(v) });
        }
    }

    fn new_const(&mut self, v: u32) -> Reg {
        let t = self.temp();
        self.konst(t, v);
        t
    }

    fn small(&self, v: Value) -> Option<u8> {
        self.consts.get(&v).filter(|&&c| c < 256).map(|&c| c as u8)
    }

    /// The operands of an i32 comparison `lhs cc rhs` (`rhs` `None`: 0),
    /// a small constant on the left moved right.
    fn cmp_operands(&mut self, cc: IntCC, lhs: Value, rhs: Option<Value>) -> (Cond, Reg, Opnd) {
        let Some(rhs) = rhs else {
            return (Cond::from_intcc(cc), self.r(lhs), Opnd::Imm(0));
        };
        let (cc, lhs, rhs) =
            if self.small(lhs).is_some() && self.small(rhs).is_none() { (cc.swap_args(), rhs, lhs) } else { (cc, lhs, rhs) };
        let rm = self.opnd(rhs);
        let rn = self.r(lhs);
        (Cond::from_intcc(cc), rn, rm)
    }

    fn opnd(&mut self, v: Value) -> Opnd {
        match self.small(v) {
            Some(c) => Opnd::Imm(c),
            None => Opnd::Reg(self.r(v)),
        }
    }

    /// The register holding `v` for a use: a constant is materialised here.
    fn r(&mut self, v: Value) -> Reg {
        match self.consts.get(&v) {
            Some(&c) => self.new_const(c),
            None => vreg(v),
        }
    }

    fn inst(&mut self, inst: &synth_ir::Inst) -> Result<(), String> {
        let what = || describe(&inst.kind);
        let mut wide = false;
        for &v in inst.results.iter().chain(inst.kind.operands().iter()) {
            match self.func.value_type(v) {
                Type::I32 => {}
                Type::I64 => wide = true,
                t => return Err(format!("{} ({} values: only integer code is lowered for ARMv6-M so far)", what(), type_name(t))),
            }
        }
        let res = inst.results.first().copied();
        if wide && !matches!(inst.kind, InstKind::Call { .. }) {
            return self.wide(inst).map_err(|e| if e.is_empty() { what() } else { format!("{} ({e})", what()) });
        }
        match &inst.kind {
            InstKind::Iconst { imm, .. } => {
                // Recorded up front; materialised at each register use
                // (`Lower::r`), so that constants folded into immediates
                // cost nothing.
                let _ = imm;
            }
            InstKind::SymbolAddr { sym, addend } => {
                let r = res.unwrap();
                self.push(Inst::LoadLit { rd: vreg(r), lit: Lit::Sym(*sym, *addend) });
            }
            InstKind::Binary { op, lhs, rhs, .. } => self.binary(*op, vreg(res.unwrap()), *lhs, *rhs).map_err(|e| format!("{} ({e})", what()))?,
            InstKind::Unary { op, arg, .. } => {
                let rd = vreg(res.unwrap());
                let rm = self.r(*arg);
                let count = |op| Some(op);
                let c = match op {
                    UnaryOp::Clz => count(CountOp::Clz),
                    UnaryOp::Ctz => count(CountOp::Ctz),
                    UnaryOp::Popcnt => count(CountOp::Popcnt),
                    UnaryOp::Extend8S => {
                        self.push(Inst::Ext { op: Ext::Sxtb, rd, rm });
                        None
                    }
                    UnaryOp::Extend16S => {
                        self.push(Inst::Ext { op: Ext::Sxth, rd, rm });
                        None
                    }
                    UnaryOp::Extend32S => return Err(what()),
                };
                if let Some(op) = c {
                    let tmp = self.temp();
                    self.push(Inst::Count { op, rd, rm, tmp });
                }
            }
            InstKind::Compare { cc, lhs, rhs, .. } => {
                let r = res.unwrap();
                if self.fusible.contains(&r) {
                    self.fused.insert(r, (*cc, *lhs, Some(*rhs)));
                } else {
                    let (cc, rn, rm) = self.cmp_operands(*cc, *lhs, Some(*rhs));
                    self.push(Inst::CmpSet { cc, rd: vreg(r), rn, rm });
                }
            }
            InstKind::Eqz { arg, .. } => {
                let r = res.unwrap();
                if self.fusible.contains(&r) {
                    self.fused.insert(r, (IntCC::Eq, *arg, None));
                } else {
                    let rn = self.r(*arg);
                    self.push(Inst::CmpSet { cc: Cond::Eq, rd: vreg(r), rn, rm: Opnd::Imm(0) })
                }
            }
            InstKind::Select { cond, if_true, if_false, .. } => {
                let (cond, t, f) = (self.r(*cond), self.r(*if_true), self.r(*if_false));
                self.push(Inst::Select { rd: vreg(res.unwrap()), cond, t, f })
            }
            InstKind::Load { kind, addr, offset, .. } => self.load(*kind, vreg(res.unwrap()), *addr, *offset),
            InstKind::Store { kind, addr, value, offset } => {
                let v = self.r(*value);
                self.store(*kind, *addr, v, *offset)
            },
            InstKind::BoundsCheck { addr, end } => {
                if *end > u64::from(u32::MAX) || self.static_memory_bytes.is_some_and(|n| *end > u64::from(n)) {
                    self.push(Inst::TrapAlways { code: TrapCode::MemoryOutOfBounds });
                } else if let Some(n) = self.static_memory_bytes {
                    // A memory that never grows: `addr + end <= n` is
                    // `addr <= n - end` (unsigned, no carry to test).
                    let limit = n - *end as u32;
                    let rm = if limit < 256 { Opnd::Imm(limit as u8) } else { Opnd::Reg(self.new_const(limit)) };
                    let rn = self.r(*addr);
                    self.push(Inst::TrapIfCmp { cc: Cond::Hi, rn, rm, code: TrapCode::MemoryOutOfBounds });
                } else {
                    let end = self.new_const(*end as u32);
                    // A memory that can grow: its current size in bytes.
                    let p = self.temp();
                    self.push(Inst::LoadLit { rd: p, lit: Lit::Sym(SymbolRef::MemorySize, 0) });
                    let size = self.temp();
                    self.push(Inst::Load { op: Mem::Ldr, rt: size, rn: p, off: MemOff::Imm(0) });
                    let tmp = self.temp();
                    let addr = self.r(*addr);
                    self.push(Inst::BoundsCheck { addr, end, size, tmp });
                }
            }
            InstKind::TrapIf { cond, code } => {
                if let Some((cc, lhs, rhs)) = self.fused.remove(cond) {
                    let (cc, rn, rm) = self.cmp_operands(cc, lhs, rhs);
                    self.push(Inst::TrapIfCmp { cc, rn, rm, code: *code });
                } else {
                    let cond = self.r(*cond);
                    self.push(Inst::TrapIfNz { cond, code: *code })
                }
            }
            InstKind::Call { callee, sig, args } => {
                if let Some(t) = sig.params.iter().chain(&sig.results).find(|t| !matches!(t, Type::I32 | Type::I64)) {
                    return Err(format!("{} ({} in the signature)", what(), type_name(*t)));
                }
                let target = match callee {
                    Callee::Func(i) => CallTarget::Sym(SymbolRef::Func(*i)),
                    Callee::Runtime(r) => CallTarget::Sym(SymbolRef::Runtime(*r)),
                    Callee::Libcall(l) => CallTarget::Sym(SymbolRef::Libcall(*l)),
                    Callee::Indirect(v) => CallTarget::Reg(self.r(*v)),
                };
                let sret = (sig.results.len() > 1).then(|| sret_layout(&sig.results));
                let (locs, stack) = aapcs(&sig.params, u8::from(sret.is_some()));
                self.outgoing = self.outgoing.max(stack);
                let mut uses = Vec::new();
                let mut moves = Vec::new();
                if let Some((_, size)) = &sret {
                    self.locals = self.locals.max(*size);
                    let a = self.temp();
                    self.push(Inst::LocalAddr { rd: a, off: 0 });
                    moves.push((0, a));
                }
                for (a, loc) in args.iter().zip(locs) {
                    let rs = self.regs(*a);
                    match loc {
                        ArgLoc::Stack(off) => {
                            for (k, rt) in rs.into_iter().enumerate() {
                                self.push(Inst::StoreArg { rt, off: off + 4 * k as u32 });
                            }
                        }
                        ArgLoc::Regs(ps) => moves.extend(ps.into_iter().zip(rs)),
                    }
                }
                for (pr, rm) in moves {
                    self.push(Inst::Mov { rd: phys(pr), rm });
                    uses.push(phys(pr));
                }
                if let Some((offs, _)) = sret {
                    self.push(Inst::Call { target, uses, defs: vec![] });
                    for (r, off) in inst.results.iter().zip(offs) {
                        for (k, d) in self.dregs(*r).into_iter().enumerate() {
                            self.push(Inst::LoadLocal { rd: d, off: off + 4 * k as u32 });
                        }
                    }
                    self.has_calls = true;
                    return Ok(());
                }
                let dsts = res.map(|r| self.dregs(r)).unwrap_or_default();
                let defs: Vec<Reg> = (0..dsts.len() as u8).map(phys).collect();
                self.push(Inst::Call { target, uses, defs: defs.clone() });
                for (d, pr) in dsts.into_iter().zip(defs) {
                    self.push(Inst::Mov { rd: d, rm: pr });
                }
                self.has_calls = true;
            }
            InstKind::StackCheck => {
                let limit = self.temp();
                self.push(Inst::LoadLit { rd: limit, lit: Lit::Sym(SymbolRef::StackLimit, 0) });
                let (tmp, tmp2) = (self.temp(), self.temp());
                self.push(Inst::StackCheck { limit, tmp, tmp2 });
            }
            _ => return Err(what()),
        }
        Ok(())
    }

    fn binary(&mut self, op: BinaryOp, rd: Reg, lhs: Value, rhs: Value) -> Result<(), String> {
        let c = self.consts.get(&rhs).copied();
        let lc = self.small(lhs);
        let alu = |s: &mut Self, op| {
            let (rn, rm) = (s.r(lhs), s.r(rhs));
            s.push(Inst::Alu { op, rd, rn, rm })
        };
        match op {
            BinaryOp::Add | BinaryOp::Sub => {
                let c = c.map(|c| if op == BinaryOp::Sub { c.wrapping_neg() } else { c });
                match (c, lc) {
                    (Some(c), _) if c < 256 => {
                        let rn = self.r(lhs);
                        self.push(Inst::AddImm { rd, rn, imm: c as u8 })
                    }
                    (Some(c), _) if c.wrapping_neg() < 256 => {
                        let rn = self.r(lhs);
                        self.push(Inst::SubImm { rd, rn, imm: c.wrapping_neg() as u8 })
                    }
                    (_, Some(k)) if op == BinaryOp::Add => {
                        let rn = self.r(rhs);
                        self.push(Inst::AddImm { rd, rn, imm: k })
                    }
                    _ => alu(self, if op == BinaryOp::Add { AluOp::Add } else { AluOp::Sub }),
                }
            }
            BinaryOp::Mul => alu(self, AluOp::Mul),
            BinaryOp::And => alu(self, AluOp::And),
            BinaryOp::Or => alu(self, AluOp::Orr),
            BinaryOp::Xor => alu(self, AluOp::Eor),
            BinaryOp::Shl | BinaryOp::ShrU | BinaryOp::ShrS => {
                let (sh, aop) = match op {
                    BinaryOp::Shl => (Shift::Lsl, AluOp::Lsl),
                    BinaryOp::ShrU => (Shift::Lsr, AluOp::Lsr),
                    _ => (Shift::Asr, AluOp::Asr),
                };
                let l = self.r(lhs);
                match c.map(|c| c & 31) {
                    Some(0) => self.push(Inst::Mov { rd, rm: l }),
                    Some(k) => self.push(Inst::ShiftImm { op: sh, rd, rm: l, imm: k as u8 }),
                    None => {
                        // wasm counts modulo 32; the register forms shift by the low byte.
                        let r = self.r(rhs);
                        let m = self.new_const(31);
                        let t = self.temp();
                        self.push(Inst::Alu { op: AluOp::And, rd: t, rn: r, rm: m });
                        self.push(Inst::Alu { op: aop, rd, rn: l, rm: t });
                    }
                }
            }
            BinaryOp::Rotr | BinaryOp::Rotl => {
                let l = self.r(lhs);
                let amount = match (c.map(|c| c & 31), op) {
                    (Some(0), _) => return Ok(self.push(Inst::Mov { rd, rm: l })),
                    (Some(k), BinaryOp::Rotl) => self.new_const(32 - k),
                    (Some(k), _) => self.new_const(k),
                    // RORS rotates by the low byte modulo 32; rotl n = rotr -n.
                    (None, BinaryOp::Rotl) => {
                        let r = self.r(rhs);
                        let t = self.temp();
                        self.push(Inst::Neg { rd: t, rm: r });
                        t
                    }
                    (None, _) => self.r(rhs),
                };
                self.push(Inst::Alu { op: AluOp::Ror, rd, rn: l, rm: amount });
            }
            BinaryOp::DivS | BinaryOp::DivU | BinaryOp::RemS | BinaryOp::RemU => {
                let signed = matches!(op, BinaryOp::DivS | BinaryOp::RemS);
                let rem = matches!(op, BinaryOp::RemS | BinaryOp::RemU);
                let (n, d) = (self.r(lhs), self.r(rhs));
                let tmps = (0..if signed { 4 } else { 3 }).map(|_| self.temp()).collect();
                self.push(Inst::DivRem { signed, rem, rd, n, d, tmps });
            }
        }
        Ok(())
    }

    /// The current block is (probably) in a loop: see [`looped`].
    fn in_loop(&self) -> bool {
        self.cur >= 1 && self.looped.get(self.cur - 1).copied().unwrap_or(false)
    }

    /// `addr + offset` in a register when `offset` is past `limit`, with the
    /// remaining immediate offset.
    fn address(&mut self, addr: Value, offset: u32, limit: u32) -> (Reg, u32) {
        if offset <= limit {
            return (self.r(addr), offset);
        }
        let t = self.temp();
        if offset < 256 {
            let rn = self.r(addr);
            self.push(Inst::AddImm { rd: t, rn, imm: offset as u8 });
        } else {
            let k = self.new_const(offset);
            let rn = self.r(addr);
            self.push(Inst::Alu { op: AluOp::Add, rd: t, rn, rm: k });
        }
        (t, 0)
    }

    fn load(&mut self, kind: LoadKind, rd: Reg, addr: Value, offset: u32) {
        let (width, signed) = match kind {
            LoadKind::Full => (4, false),
            LoadKind::U8 => (1, false),
            LoadKind::S8 => (1, true),
            LoadKind::U16 => (2, false),
            LoadKind::S16 => (2, true),
            LoadKind::S32 | LoadKind::U32 => (4, false),
        };
        let aligned = self.aligned.get(&addr).copied().unwrap_or(false) && offset % width == 0;
        if width == 1 || aligned {
            let op = match (width, signed) {
                (1, false) => Mem::Ldrb,
                (1, true) => Mem::Ldrsb,
                (2, false) => Mem::Ldrh,
                (2, true) => Mem::Ldrsh,
                _ => Mem::Ldr,
            };
            let off = if crate::enc::mem_imm_ok(op, offset) {
                MemOff::Imm(offset)
            } else {
                MemOff::Reg(self.new_const(offset))
            };
            let rn = self.r(addr);
            self.push(Inst::Load { op, rt: rd, rn, off });
        } else {
            let (rn, off) = self.address(addr, offset, 32 - width);
            let tmp = self.temp();
            let test = self.in_loop();
            self.push(Inst::LoadBytes { bytes: width as u8, signed, rd, rn, off: off as u8, tmp, test });
        }
    }

    fn store(&mut self, kind: StoreKind, addr: Value, rt: Reg, offset: u32) {
        let width = match kind {
            StoreKind::B8 => 1,
            StoreKind::B16 => 2,
            StoreKind::Full | StoreKind::B32 => 4,
        };
        let aligned = self.aligned.get(&addr).copied().unwrap_or(false) && offset % width == 0;
        if width == 1 || aligned {
            let op = match width {
                1 => Mem::Strb,
                2 => Mem::Strh,
                _ => Mem::Str,
            };
            let off = if crate::enc::mem_imm_ok(op, offset) {
                MemOff::Imm(offset)
            } else {
                MemOff::Reg(self.new_const(offset))
            };
            let rn = self.r(addr);
            self.push(Inst::Store { op, rt, rn, off });
        } else {
            let (rn, off) = self.address(addr, offset, 32 - width);
            let tmp = self.temp();
            let test = self.in_loop();
            self.push(Inst::StoreBytes { bytes: width as u8, rt, rn, off: off as u8, tmp, test });
        }
    }

    /// Copies `bc`'s arguments into the target's parameters (in the current
    /// block).
    fn moves(&mut self, bc: &BlockCall) {
        let params = self.func.block(bc.block).params.clone();
        let mut temps = Vec::new();
        for &a in &bc.args {
            for rm in self.regs(a) {
                let t = self.temp();
                self.push(Inst::Mov { rd: t, rm });
                temps.push(t);
            }
        }
        let dsts: Vec<Reg> = params.iter().flat_map(|&p| self.dregs(p)).collect();
        for (d, t) in dsts.into_iter().zip(temps) {
            self.push(Inst::Mov { rd: d, rm: t });
        }
    }

    /// The machine block an edge of a multi-way terminator goes to: the
    /// target's own when no copies are needed and the edge is not critical,
    /// else a new edge block.
    fn edge(&mut self, bc: &BlockCall) -> usize {
        let target = 1 + bc.block.0 as usize;
        if bc.args.is_empty() && self.preds[bc.block.0 as usize] == 1 {
            return target;
        }
        self.new_block(|s| {
            s.moves(bc);
            s.push(Inst::Jump { target });
        })
    }

    fn new_block(&mut self, body: impl FnOnce(&mut Self)) -> usize {
        let saved = self.cur;
        let b = self.blocks.len();
        self.blocks.push(Vec::new());
        self.layout.push(b);
        self.cur = b;
        body(self);
        self.cur = saved;
        b
    }

    fn term(&mut self, t: &Terminator) -> Result<(), String> {
        for v in t.operands() {
            self.check_i32(v, "a branch argument or result")?;
        }
        match t {
            Terminator::Jump(bc) => {
                self.moves(bc);
                self.push(Inst::Jump { target: 1 + bc.block.0 as usize });
            }
            Terminator::Branch { cond, then_dest, else_dest } => {
                let then_ = self.edge(then_dest);
                let else_ = self.edge(else_dest);
                if let Some((cc, lhs, rhs)) = self.fused.remove(cond) {
                    let (cc, rn, rm) = self.cmp_operands(cc, lhs, rhs);
                    self.push(Inst::BrCmp { cc, rn, rm, then_, else_ });
                } else {
                    let cond = self.r(*cond);
                    self.push(Inst::BrNz { cond, then_, else_ });
                }
            }
            Terminator::BrTable { index, targets, default } => {
                let idx = self.r(*index);
                if targets.len() <= 4 {
                    // A chain of `cmp idx, #k; beq target_k`, then the default.
                    let mut cur = self.cur;
                    for (k, bc) in targets.iter().enumerate() {
                        self.cur = cur;
                        let then_ = self.edge(bc);
                        let next = self.new_block(|_| {});
                        self.cur = cur;
                        self.push(Inst::BrCmp { cc: Cond::Eq, rn: idx, rm: Opnd::Imm(k as u8), then_, else_: next });
                        cur = next;
                    }
                    self.cur = cur;
                    self.moves(default);
                    self.push(Inst::Jump { target: 1 + default.block.0 as usize });
                } else {
                    // `idx >= n` to the default, else through a table of offsets.
                    let n = targets.len() as u32;
                    let rm = if n < 256 { Opnd::Imm(n as u8) } else { Opnd::Reg(self.new_const(n)) };
                    let dflt = self.edge(default);
                    let start = self.cur;
                    let table = self.new_block(|_| {});
                    self.cur = start;
                    self.push(Inst::BrCmp { cc: Cond::Hs, rn: idx, rm, then_: dflt, else_: table });
                    let edges: Vec<usize> = targets.iter().map(|bc| self.edge(bc)).collect();
                    self.cur = table;
                    let (rd, tmp) = (self.temp(), self.temp());
                    self.push(Inst::TableTarget { rd, idx, tmp, table });
                    self.push(Inst::BrTable { rm: rd, targets: edges });
                    self.cur = start;
                }
            }
            Terminator::Return(vals) => {
                if vals.len() > 1 {
                    // Into the caller's buffer (r0 on entry).
                    let types: Vec<Type> = vals.iter().map(|&v| self.func.value_type(v)).collect();
                    let (offs, _) = sret_layout(&types);
                    let base = self.sret.expect("sret pointer of a multi-result function");
                    for (&v, off) in vals.iter().zip(offs) {
                        for (k, rt) in self.regs(v).into_iter().enumerate() {
                            let o = off + 4 * k as u32;
                            let off = if o <= 124 { MemOff::Imm(o) } else { MemOff::Reg(self.new_const(o)) };
                            self.push(Inst::Store { op: Mem::Str, rt, rn: base, off });
                        }
                    }
                    self.push(Inst::Ret { uses: vec![] });
                    return Ok(());
                }
                let mut uses = Vec::new();
                if let Some(v) = vals.first() {
                    for (k, rm) in self.regs(*v).into_iter().enumerate() {
                        self.push(Inst::Mov { rd: phys(k as u8), rm });
                        uses.push(phys(k as u8));
                    }
                }
                self.push(Inst::Ret { uses });
            }
            Terminator::Trap(code) => self.push(Inst::Trap { code: *code }),
        }
        Ok(())
    }
}

mod wide;

/// Per IR block: whether it lies, by block index, between the target of a
/// branch to an earlier-or-same block (a loop header) and that branch's
/// block. An approximation of loop membership, used only to choose
/// between equivalent code sequences (fast and larger, or small).
fn looped(func: &Function) -> Vec<bool> {
    let n = func.blocks.len();
    let mut diff = vec![0i32; n + 1];
    for b in 0..n {
        for s in func.successors(synth_ir::Block(b as u32)) {
            let h = s.0 as usize;
            if h <= b {
                diff[h] += 1;
                diff[b + 1] -= 1;
            }
        }
    }
    let mut depth = 0;
    (0..n)
        .map(|b| {
            depth += diff[b];
            depth > 0
        })
        .collect()
}

/// The operator of an IR instruction, for messages.
pub fn describe(k: &InstKind) -> String {
    let ty = |t: &Type| type_name(*t);
    match k {
        InstKind::Iconst { ty: t, .. } => format!("{}.const", ty(t)),
        InstKind::Fconst { ty: t, .. } => format!("{}.const", ty(t)),
        InstKind::FloatUnary { op, ty: t, .. } => format!("{}.{op:?}", ty(t)).to_lowercase(),
        InstKind::FloatBinary { op, ty: t, .. } => format!("{}.{op:?}", ty(t)).to_lowercase(),
        InstKind::FloatCompare { cc, ty: t, .. } => format!("{}.{cc:?}", ty(t)).to_lowercase(),
        InstKind::FloatConvert { op, .. } => format!("{op:?}").to_lowercase(),
        InstKind::SymbolAddr { .. } => "a symbol address".into(),
        InstKind::Unary { op, ty: t, .. } => format!("{}.{op:?}", ty(t)).to_lowercase(),
        InstKind::Binary { op, ty: t, .. } => format!("{}.{op:?}", ty(t)).to_lowercase(),
        InstKind::Compare { cc, ty: t, .. } => format!("{}.{cc:?}", ty(t)).to_lowercase(),
        InstKind::Eqz { ty: t, .. } => format!("{}.eqz", ty(t)),
        InstKind::Convert { op, .. } => format!("{op:?}").to_lowercase(),
        InstKind::Select { ty: t, .. } => format!("select ({})", ty(t)),
        InstKind::Load { ty: t, kind, .. } => format!("{}.load ({kind:?})", ty(t)),
        InstKind::Store { kind, .. } => format!("store ({kind:?})"),
        InstKind::BoundsCheck { .. } => "a bounds check".into(),
        InstKind::TrapIf { .. } => "a conditional trap".into(),
        InstKind::Call { .. } => "call".into(),
        InstKind::StackCheck => "the stack check".into(),
    }
}
