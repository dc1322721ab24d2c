//! Instruction selection: IR → [`MachInst`]s on virtual registers.
//!
//! Takes: an IR [`Function`]. Returns: a [`VCode`] (or a [`BackendError`]
//! naming the construct without a lowering).
//!
//! - Every i32 value gets one virtual register, every i64 two (lo, hi).
//! - Out of SSA here: every edge that passes block arguments from a block
//!   with several successors, and every critical edge, gets its own block;
//!   block arguments become parallel copies through fresh temporaries
//!   (`t_i = arg_i`, then `param_i = t_i`) marked as moves for coalescing.
//! - Block 0 of the VCode is a setup block: the `Args` pseudo defines the
//!   physical argument registers, moves copy them (and incoming stack
//!   arguments) into the entry block's parameter registers.
//! - Comparisons whose only use is a branch, select or trap in the same block
//!   are fused into that consumer (flags never live between instructions).
//!
//! - Single-use values folded into their consumer's operand or addressing
//!   mode ([`fold`]: register-offset loads, `MLA`, shifted operands, `TST`)
//!   are not emitted at their definition.
//!
//! Operator families live in submodules: [`arith`] (i32 and i64 integer
//! operations) and [`memcall`] (memory, calls, returns).

mod arith;
mod fold;
mod fmem;
mod memcall;
pub(crate) use memcall::aeabi_divmod64;
mod vfp;
mod vfp64;
mod vrint;

use crate::abi::{self, AbiSig, ArgLoc};
use crate::inst::{cond_of, MachInst, Rhs, StackAddr};
use crate::vcode::{FrameNeeds, VCode};
use crate::BackendError;
use std::collections::{HashMap, HashSet};
use synth_ir::{BlockCall, Function, Inst, InstKind, IntCC, Terminator, Type, Value};
use synth_regalloc::{PReg, Reg};
use synth_thumb2_enc::Cond;

/// Lowers `func` to VCode, with bounds checks against the memory size
/// word read at run time.
pub fn lower(func: &Function) -> Result<VCode, BackendError> {
    lower_with(func, None)
}

/// Lowers `func` to VCode. `static_memory_bytes` is the linear-memory size
/// when it can never change (see
/// [`BackendOptions::static_memory_bytes`](crate::BackendOptions)): bounds
/// checks then compare against a constant.
pub fn lower_with(func: &Function, static_memory_bytes: Option<u32>) -> Result<VCode, BackendError> {
    lower_for(func, static_memory_bytes, synth_thumb2_enc::Fpu::None)
}

/// [`lower_with`] for a CPU with `fpu`: the soft-float calls the FPU
/// computes exactly become VFP code (see `isel/vfp.rs`).
pub fn lower_for(
    func: &Function,
    static_memory_bytes: Option<u32>,
    fpu: synth_thumb2_enc::Fpu,
) -> Result<VCode, BackendError> {
    let mut l = Lower::new(func)?;
    l.static_memory_bytes = static_memory_bytes;
    l.fpu = fpu;
    l.run()
}

/// A condition a consumer can test.
#[derive(Clone, Copy, Debug)]
enum CondSrc {
    /// `CMP rn, rhs` then `cc`.
    C32 { cc: Cond, rn: Reg, rhs: Rhs },
    /// An i64 comparison.
    C64 { cc: IntCC, a: (Reg, Reg), b: (Reg, Reg) },
}

/// The state of lowering one function.
pub(crate) struct Lower<'a> {
    func: &'a Function,
    abi: AbiSig,
    num_vregs: u32,
    /// Registers of each IR value: (lo, hi) — hi only for i64.
    vals: Vec<(Reg, Option<Reg>)>,
    /// Constant values (from `Iconst`).
    consts: HashMap<Value, i64>,
    /// Defining instruction of each value: (block, index).
    defs: HashMap<Value, (usize, usize)>,
    /// Comparisons emitted at their consumer instead of their definition.
    fused: HashSet<Value>,
    /// Values computed inside their single consumer (see [`fold`]).
    folded: HashSet<Value>,
    /// Extending i64 loads whose only consumer reads just the low word
    /// (see [`fold`]): the high word is not computed.
    hi_dead: HashSet<Value>,
    /// Uses of each value in reachable blocks.
    use_counts: HashMap<Value, usize>,
    /// VCode blocks under construction.
    blocks: Vec<Vec<MachInst>>,
    /// Source location of each instruction of `blocks`.
    locs: Vec<Vec<synth_ir::SrcLoc>>,
    /// The location given to instructions pushed now (the IR instruction
    /// or terminator being lowered).
    cur_loc: synth_ir::SrcLoc,
    /// VCode block of each IR block (None: unreachable).
    block_map: Vec<Option<usize>>,
    /// Per IR block, per outgoing edge: the edge block, if one is needed.
    edge_map: Vec<Vec<Option<usize>>>,
    /// The block being filled.
    cur: usize,
    /// The incoming sret pointer (multi-result functions).
    sret_ptr: Option<Reg>,
    /// Returned values already stored through the sret pointer (see
    /// [`Lower::store_results_early`]).
    stored_early: std::collections::HashSet<Value>,
    frame: FrameNeeds,
    /// The linear-memory size when it never changes.
    pub(crate) static_memory_bytes: Option<u32>,
    /// Constants defined once in the setup block for the whole function
    /// (bounds-check limits): value and register.
    function_consts: Vec<(u32, Reg)>,
    /// Bounds-check limits kept in a register for the whole function.
    hoisted_limits: Vec<u32>,
    /// The register holding the linear-memory base for the whole function.
    memory_base: Option<Reg>,
    /// The FPU (`Fpu::None`: every float operation stays a call).
    fpu: synth_thumb2_enc::Fpu,
    /// `float[v]`: virtual register `v` is of the floating-point class.
    float: Vec<bool>,
    /// S registers known to hold an IR value's 32 bits (see `isel/vfp.rs`):
    /// the register and, for a copy made at a use, the VCode block it is
    /// valid in (`None`: defined with the value, valid wherever it is).
    s_of: HashMap<Value, (Reg, Option<usize>)>,
    /// Low bits known to be zero of each value (see `isel/fmem.rs`; only
    /// computed with an FPU).
    tz: Vec<u8>,
    /// Values only VFP operations read (see `isel/fmem.rs`).
    s_only: HashSet<Value>,
    /// Block parameters kept in an S register (see `isel/fmem.rs`): the
    /// register, which the block calls copy their arguments into.
    s_params: HashMap<Value, Reg>,
    /// The S register of each value only VFP operations read whose
    /// definition computes it in an S register (see `isel/fmem.rs`,
    /// `plan_s_homes`): chosen before any block is lowered, so a use lowered
    /// before its definition (block order is not dominance order) reads it.
    s_home: HashMap<Value, Reg>,
    /// f64 results computed inside their single consumer's double-precision
    /// expression (see `isel/vfp64.rs`), with the scratch registers each
    /// needs and the operands it reads.
    f64_inner: HashMap<Value, (usize, usize)>,
    /// f32 comparisons computed in the branch that is their only use
    /// (see `Lower::f32_branch`), with whether the branch tests their
    /// negation (a fused `eqz`).
    f32_branch_cmps: HashMap<Value, bool>,
    /// f32 comparisons (VFP-lowered calls) computed by the 32-bit `select`
    /// they are the condition of ([`MachInst::VCmpSelect`], planned by
    /// `plan_f32_selects`); true when the select reads them through a
    /// fused `eqz`.
    f32_select_cmps: HashMap<Value, bool>,
}

impl<'a> Lower<'a> {
    fn new(func: &'a Function) -> Result<Self, BackendError> {
        let mut l = Lower {
            func,
            abi: abi::abi_sig(&func.sig),
            num_vregs: 0,
            vals: Vec::with_capacity(func.value_types.len()),
            consts: HashMap::new(),
            defs: HashMap::new(),
            fused: HashSet::new(),
            folded: HashSet::new(),
            hi_dead: HashSet::new(),
            use_counts: HashMap::new(),
            blocks: Vec::new(),
            locs: Vec::new(),
            cur_loc: synth_ir::SrcLoc::NONE,
            block_map: vec![None; func.blocks.len()],
            edge_map: vec![Vec::new(); func.blocks.len()],
            cur: 0,
            sret_ptr: None,
            stored_early: std::collections::HashSet::new(),
            frame: FrameNeeds::default(),
            static_memory_bytes: None,
            function_consts: Vec::new(),
            hoisted_limits: Vec::new(),
            memory_base: None,
            fpu: synth_thumb2_enc::Fpu::None,
            float: Vec::new(),
            s_of: HashMap::new(),
            tz: Vec::new(),
            s_only: HashSet::new(),
            s_params: HashMap::new(),
            s_home: HashMap::new(),
            f64_inner: HashMap::new(),
            f32_branch_cmps: HashMap::new(),
            f32_select_cmps: HashMap::new(),
        };
        if func.blocks.is_empty() {
            return Err(l.err("a function without blocks"));
        }
        if let Some(ty) = func.value_types.iter().find(|t| t.is_float()) {
            // The driver legalises every float type the FPU option leaves
            // without hardware; the Thumb-2 selector has no VFP lowering.
            return Err(l.err(format!("{} values need a VFP lowering, which this backend does not have", synth_ir::print::type_name(*ty))));
        }
        for ty in &func.value_types {
            let lo = l.new_vreg();
            let hi = match ty.bits_type() {
                Type::I64 => Some(l.new_vreg()),
                _ => None,
            };
            l.vals.push((lo, hi));
        }
        Ok(l)
    }

    pub(crate) fn err(&self, what: impl Into<String>) -> BackendError {
        BackendError::new(crate::ISA, self.func.name.clone(), what)
    }

    pub(crate) fn new_vreg(&mut self) -> Reg {
        self.num_vregs += 1;
        Reg::virt(self.num_vregs - 1)
    }

    /// A new virtual register of the floating-point class (an S register).
    pub(crate) fn new_fvreg(&mut self) -> Reg {
        let r = self.new_vreg();
        self.float.resize(self.num_vregs as usize, false);
        self.float[self.num_vregs as usize - 1] = true;
        r
    }

    pub(crate) fn push(&mut self, i: MachInst) {
        self.blocks[self.cur].push(i);
        self.locs[self.cur].push(self.cur_loc);
    }

    /// A register holding `imm` for the whole function: defined in the
    /// setup block (so it dominates every use; the allocator keeps it in a
    /// register or rematerialises it at the uses).
    pub(crate) fn function_const(&mut self, imm: u32) -> Reg {
        if let Some(&(_, r)) = self.function_consts.iter().find(|c| c.0 == imm) {
            return r;
        }
        let r = self.new_vreg();
        self.function_consts.push((imm, r));
        r
    }

    /// The register holding the linear-memory base address for the whole
    /// function, defined in the setup block (like [`Self::function_const`]).
    pub(crate) fn memory_base(&mut self) -> Reg {
        if let Some(r) = self.memory_base {
            return r;
        }
        let r = self.new_vreg();
        self.memory_base = Some(r);
        r
    }

    fn check_value(&self, v: Value) -> Result<(), BackendError> {
        if (v.0 as usize) < self.vals.len() {
            Ok(())
        } else {
            Err(self.err(format!("undefined value v{}", v.0)))
        }
    }

    /// The register of an i32 value (the low half of an i64).
    pub(crate) fn r(&self, v: Value) -> Reg {
        self.vals[v.0 as usize].0
    }

    /// The (lo, hi) registers of an i64 value.
    pub(crate) fn pair(&self, v: Value) -> Result<(Reg, Reg), BackendError> {
        match self.vals[v.0 as usize] {
            (lo, Some(hi)) => Ok((lo, hi)),
            _ => Err(self.err(format!("v{} used as i64 but it is i32", v.0))),
        }
    }

    /// The constant value of `v`, if it is an `Iconst`.
    pub(crate) fn const_of(&self, v: Value) -> Option<i64> {
        self.consts.get(&v).copied()
    }

    /// `v` as a CMP operand: an encodable constant or its register.
    pub(crate) fn rhs(&self, v: Value) -> Rhs {
        match self.const_of(v) {
            Some(c) if crate::imm::is_cmp_imm(c as u32) => Rhs::Imm(c as u32),
            _ => Rhs::Reg(self.r(v)),
        }
    }

    /// The edges of IR block `bi` that can be taken, as (edge index,
    /// target): a branch on a constant keeps only the chosen edge.
    fn live_edges(&self, bi: usize) -> Vec<(usize, usize)> {
        let term = &self.func.blocks[bi].term;
        if let Terminator::Branch { cond, then_dest, else_dest } = term {
            if let Some(c) = self.ir_const(*cond) {
                return if c as u32 != 0 {
                    vec![(0, then_dest.block.0 as usize)]
                } else {
                    vec![(1, else_dest.block.0 as usize)]
                };
            }
        }
        term.block_calls().iter().enumerate().map(|(k, c)| (k, c.block.0 as usize)).collect()
    }

    /// The constant of an `Iconst` value, looked up in the IR.
    fn ir_const(&self, v: Value) -> Option<i64> {
        let &(b, k) = self.defs.get(&v)?;
        match self.func.blocks[b].insts[k].kind {
            InstKind::Iconst { imm, .. } => Some(imm),
            _ => None,
        }
    }

    fn reachable(&self) -> Vec<bool> {
        let mut seen = vec![false; self.func.blocks.len()];
        let mut stack = vec![0usize];
        seen[0] = true;
        while let Some(b) = stack.pop() {
            for (_, s) in self.live_edges(b) {
                if s < seen.len() && !seen[s] {
                    seen[s] = true;
                    stack.push(s);
                }
            }
        }
        seen
    }

    fn run(mut self) -> Result<VCode, BackendError> {
        let func = self.func;
        for (bi, bd) in func.blocks.iter().enumerate() {
            for c in bd.term.block_calls() {
                if c.block.0 as usize >= func.blocks.len() {
                    return Err(self.err(format!("jump to missing block{}", c.block.0)));
                }
            }
            for (k, inst) in bd.insts.iter().enumerate() {
                for r in &inst.results {
                    self.check_value(*r)?;
                    self.defs.insert(*r, (bi, k));
                }
            }
        }
        let reach = self.reachable();
        for (bi, bd) in func.blocks.iter().enumerate() {
            if !reach[bi] {
                continue;
            }
            for v in bd.params.iter().copied().chain(bd.insts.iter().flat_map(|i| {
                i.results.iter().copied().chain(i.kind.operands())
            })) {
                self.check_value(v)?;
            }
            for v in bd.term.operands() {
                self.check_value(v)?;
            }
        }
        // Predecessor edge counts and use counts over reachable blocks.
        let mut pred_edges = vec![0usize; func.blocks.len()];
        let mut uses: HashMap<Value, usize> = HashMap::new();
        for (bi, bd) in func.blocks.iter().enumerate() {
            if !reach[bi] {
                continue;
            }
            for (_, s) in self.live_edges(bi) {
                pred_edges[s] += 1;
            }
            for inst in &bd.insts {
                for o in inst.kind.operands() {
                    *uses.entry(o).or_default() += 1;
                }
            }
            for o in bd.term.operands() {
                *uses.entry(o).or_default() += 1;
            }
        }
        // Fusion candidates: a comparison used once, by a branch, select or
        // trap of the same block.
        for (bi, bd) in func.blocks.iter().enumerate() {
            if !reach[bi] {
                continue;
            }
            let mut consumers: Vec<Value> = bd
                .insts
                .iter()
                .filter_map(|i| match &i.kind {
                    InstKind::Select { cond, .. } | InstKind::TrapIf { cond, .. } => Some(*cond),
                    _ => None,
                })
                .collect();
            if let Terminator::Branch { cond, .. } = &bd.term {
                consumers.push(*cond);
            }
            for c in consumers {
                let is_cmp = matches!(
                    self.defs.get(&c).map(|&(b, k)| &func.blocks[b].insts[k].kind),
                    Some(InstKind::Compare { .. } | InstKind::Eqz { .. })
                );
                if is_cmp && uses.get(&c) == Some(&1) && self.defs.get(&c).map(|d| d.0) == Some(bi) {
                    self.fused.insert(c);
                }
            }
        }
        self.use_counts = uses;
        if self.fpu != synth_thumb2_enc::Fpu::None {
            self.tz = fmem::known_tz(func);
            self.s_only = fmem::s_only_values(func, self.fpu);
            self.plan_s_params(&reach);
            self.plan_s_homes(&reach);
        }
        self.plan_folds(&reach);
        self.plan_f64_trees(&reach);
        self.plan_f32_branches(&reach);
        self.plan_f32_selects(&reach);
        self.plan_bounds_limits(&reach);
        // Layout: setup block, then each reachable IR block followed by its
        // edge blocks.
        let mut n = 1;
        for (bi, &r) in reach.iter().enumerate() {
            if r {
                self.block_map[bi] = Some(n);
                n += 1;
            }
        }
        let mut next = n;
        let mut layout: Vec<usize> = vec![0];
        for (bi, bd) in func.blocks.iter().enumerate() {
            let Some(vb) = self.block_map[bi] else {
                continue;
            };
            layout.push(vb);
            let live = self.live_edges(bi);
            let multi = live.len() > 1;
            let is_table = matches!(bd.term, Terminator::BrTable { .. });
            let calls = bd.term.block_calls();
            let mut edges = vec![None; calls.len()];
            // Edge block of each distinct table call so far (looked up only).
            let mut table_edge: HashMap<(synth_ir::Block, &[Value]), usize> = HashMap::new();
            for (k, t) in live {
                let target_vb = self.block_map[t].unwrap_or(0);
                let needs = multi
                    && (!func.blocks[t].params.is_empty()
                        || pred_edges[t] > 1
                        || (is_table && target_vb <= vb));
                // Table entries with the same call share one edge block.
                let key = (calls[k].block, calls[k].args.as_slice());
                let shared = if is_table { table_edge.get(&key).copied() } else { None };
                if let (true, Some(eb)) = (needs, shared) {
                    edges[k] = Some(eb);
                } else if needs {
                    edges[k] = Some(next);
                    if is_table {
                        table_edge.entry(key).or_insert(next);
                    }
                    layout.push(next);
                    next += 1;
                }
            }
            self.edge_map[bi] = edges;
        }
        self.blocks = vec![Vec::new(); next];
        self.locs = vec![Vec::new(); next];
        self.lower_setup()?;
        for bi in 0..func.blocks.len() {
            let Some(vb) = self.block_map[bi] else {
                continue;
            };
            self.cur = vb;
            let bd = &func.blocks[bi];
            let tail = self.tail_call(bd);
            let body = if tail.is_some() { &bd.insts[..bd.insts.len() - 1] } else { &bd.insts[..] };
            let early = self.store_results_early(bd);
            for inst in body {
                self.cur_loc = inst.loc;
                self.lower_inst(&inst.kind, &inst.results)?;
                for r in &inst.results {
                    if let Some(offs) = early.get(r) {
                        self.store_sret_result(*r, offs)?;
                    }
                }
            }
            self.cur_loc = match tail {
                Some(_) => bd.insts.last().map_or(bd.term_loc, |i| i.loc),
                None => bd.term_loc,
            };
            match tail {
                Some((sym, sig, args)) => self.lower_tail_call(sym, &sig, &args)?,
                None => self.lower_term(bi, &bd.term)?,
            }
        }
        self.check_s_homes()?;
        // Function-wide constants go before the setup block's jump.
        let mut consts: Vec<MachInst> =
            self.function_consts.iter().map(|&(imm, rd)| MachInst::MovImm { rd, imm }).collect();
        if let Some(rd) = self.memory_base {
            consts.push(MachInst::MovSym { rd, sym: synth_ir::SymbolRef::Memory, addend: 0 });
        }
        let setup = &mut self.blocks[0];
        let at = setup.len().saturating_sub(1);
        let n_consts = consts.len();
        setup.splice(at..at, consts);
        self.locs[0].splice(at..at, vec![synth_ir::SrcLoc::NONE; n_consts]);
        // Reorder blocks into layout order, renumbering successors.
        let mut new_index = vec![0usize; next];
        for (pos, &b) in layout.iter().enumerate() {
            new_index[b] = pos;
        }
        let mut blocks = std::mem::take(&mut self.blocks);
        let mut locs = std::mem::take(&mut self.locs);
        let mut ordered = Vec::with_capacity(next);
        let mut ordered_locs = Vec::with_capacity(next);
        for &b in &layout {
            let mut insts = std::mem::take(&mut blocks[b]);
            if let Some(t) = insts.last_mut() {
                renumber(t, &new_index);
            }
            ordered.push(insts);
            ordered_locs.push(std::mem::take(&mut locs[b]));
        }
        let mut float = std::mem::take(&mut self.float);
        float.resize(self.num_vregs as usize, false);
        Ok(VCode::with_locs(ordered, ordered_locs, self.num_vregs as usize, self.frame).with_float(float, self.fpu))
    }

    /// The setup block: arguments from AAPCS locations into the entry
    /// block's parameter registers.
    fn lower_setup(&mut self) -> Result<(), BackendError> {
        self.cur = 0;
        let params = self.func.blocks[0].params.clone();
        if params.len() != self.abi.params.len() {
            return Err(self.err("entry block parameters that do not match the signature"));
        }
        let mut arg_regs = Vec::new();
        let mut moves = Vec::new();
        let mut loads = Vec::new();
        if self.abi.sret {
            let p = self.new_vreg();
            self.sret_ptr = Some(p);
            arg_regs.push(preg(0));
            moves.push(MachInst::Mov { rd: p, rm: preg(0) });
        }
        for (k, (&v, &loc)) in params.iter().zip(self.abi.params.clone().iter()).enumerate() {
            let (lo, hi) = self.vals[v.0 as usize];
            if (hi.is_some()) != (self.func.sig.params[k] == Type::I64) {
                return Err(self.err("entry block parameter type differs from the signature"));
            }
            match (loc, hi) {
                (ArgLoc::Reg(r), None) => {
                    arg_regs.push(preg(r));
                    moves.push(MachInst::Mov { rd: lo, rm: preg(r) });
                }
                (ArgLoc::RegPair(a, b), Some(hi)) => {
                    arg_regs.push(preg(a));
                    arg_regs.push(preg(b));
                    moves.push(MachInst::Mov { rd: lo, rm: preg(a) });
                    moves.push(MachInst::Mov { rd: hi, rm: preg(b) });
                }
                (ArgLoc::Stack(off), hi) => {
                    loads.push(MachInst::LoadStack { rd: lo, addr: StackAddr::Incoming(off) });
                    if let Some(hi) = hi {
                        loads.push(MachInst::LoadStack { rd: hi, addr: StackAddr::Incoming(off + 4) });
                    }
                }
                _ => return Err(self.err("an argument location that does not match its type")),
            }
        }
        if !arg_regs.is_empty() {
            self.push(MachInst::Args { regs: arg_regs });
        }
        for m in moves.into_iter().chain(loads) {
            self.push(m);
        }
        let entry = self.block_map[0].unwrap_or(1);
        self.push(MachInst::Jump { target: entry });
        Ok(())
    }

    /// The condition `cond != 0`, fused with its comparison when possible.
    fn condition(&mut self, cond: Value) -> Result<CondSrc, BackendError> {
        if self.fused.contains(&cond) {
            if let Some(&(b, k)) = self.defs.get(&cond) {
                match &self.func.blocks[b].insts[k].kind {
                    InstKind::Compare { cc, ty, lhs, rhs } => return self.compare_src(*cc, *ty, *lhs, *rhs),
                    InstKind::Eqz { ty, arg } => return self.eqz_src(*ty, *arg),
                    _ => {}
                }
            }
        }
        if self.folded.contains(&cond) {
            return Ok(self.tst_src(Cond::Ne, cond));
        }
        Ok(CondSrc::C32 { cc: Cond::Ne, rn: self.r(cond), rhs: Rhs::Imm(0) })
    }

    /// `TST` of the operands of the folded i32 `And` `v`, tested with `cc`
    /// (`Ne`: some common bit set).
    fn tst_src(&self, cc: Cond, v: Value) -> CondSrc {
        if let Some(InstKind::Binary { lhs, rhs, .. }) = self.def_kind(v) {
            let imm = |c: Option<i64>| c.map(|c| c as u32).filter(|&c| crate::imm::is_modified_imm(c));
            if let Some(c) = imm(self.ir_const(*rhs)) {
                return CondSrc::C32 { cc, rn: self.r(*lhs), rhs: Rhs::TstImm(c) };
            }
            if let Some(c) = imm(self.ir_const(*lhs)) {
                return CondSrc::C32 { cc, rn: self.r(*rhs), rhs: Rhs::TstImm(c) };
            }
            return CondSrc::C32 { cc, rn: self.r(*lhs), rhs: Rhs::TstReg(self.r(*rhs)) };
        }
        CondSrc::C32 { cc, rn: self.r(v), rhs: Rhs::Imm(0) }
    }

    /// The condition of `lhs cc rhs`.
    fn compare_src(&mut self, cc: IntCC, ty: Type, lhs: Value, rhs: Value) -> Result<CondSrc, BackendError> {
        match ty.bits_type() {
            Type::I32 | Type::F32 => {
                if matches!(cc, IntCC::Eq | IntCC::Ne) {
                    let c = cond_of(cc);
                    if self.folded.contains(&lhs) {
                        return Ok(self.tst_src(c, lhs));
                    }
                    if self.folded.contains(&rhs) {
                        return Ok(self.tst_src(c, rhs));
                    }
                }
                if self.const_of(lhs).is_some() && self.const_of(rhs).is_none() {
                    return Ok(CondSrc::C32 { cc: cond_of(cc.swap_args()), rn: self.r(rhs), rhs: self.rhs(lhs) });
                }
                Ok(CondSrc::C32 { cc: cond_of(cc), rn: self.r(lhs), rhs: self.rhs(rhs) })
            }
            Type::I64 | Type::F64 => Ok(CondSrc::C64 { cc, a: self.pair(lhs)?, b: self.pair(rhs)? }),
        }
    }

    /// The condition `arg == 0`.
    fn eqz_src(&mut self, ty: Type, arg: Value) -> Result<CondSrc, BackendError> {
        match ty.bits_type() {
            Type::I32 if self.folded.contains(&arg) => Ok(self.tst_src(Cond::Eq, arg)),
            Type::I32 | Type::F32 => Ok(CondSrc::C32 { cc: Cond::Eq, rn: self.r(arg), rhs: Rhs::Imm(0) }),
            Type::I64 | Type::F64 => {
                let (lo, hi) = self.pair(arg)?;
                let t = self.new_vreg();
                self.push(MachInst::Alu { op: synth_thumb2_enc::AluOp::Orr, rd: t, rn: lo, rm: hi });
                Ok(CondSrc::C32 { cc: Cond::Eq, rn: t, rhs: Rhs::Imm(0) })
            }
        }
    }

    /// A 32-bit-testable condition (i64 comparisons materialise a 0/1).
    fn condition32(&mut self, cond: Value) -> Result<(Cond, Reg, Rhs), BackendError> {
        match self.condition(cond)? {
            CondSrc::C32 { cc, rn, rhs } => Ok((cc, rn, rhs)),
            CondSrc::C64 { cc, a, b } => {
                let rd = self.new_vreg();
                let t = self.new_vreg();
                self.push(MachInst::CmpSet64 { cc, rd, alo: a.0, ahi: a.1, blo: b.0, bhi: b.1, t });
                Ok((Cond::Ne, rd, Rhs::Imm(0)))
            }
        }
    }

    fn lower_inst(&mut self, kind: &InstKind, results: &[Value]) -> Result<(), BackendError> {
        let res = |k: usize| -> Result<Value, BackendError> {
            results.get(k).copied().ok_or_else(|| self.err(format!("{kind:?} without its result")))
        };
        if results.iter().any(|r| self.folded.contains(r)) {
            return Ok(());
        }
        match kind {
            InstKind::Compare { cc, ty, lhs, rhs } => {
                let d = res(0)?;
                if self.fused.contains(&d) {
                    return Ok(());
                }
                match self.compare_src(*cc, *ty, *lhs, *rhs)? {
                    CondSrc::C32 { cc, rn, rhs } => self.push(MachInst::CmpSet { cc, rd: self.r(d), rn, rhs }),
                    CondSrc::C64 { cc, a, b } => {
                        let t = self.new_vreg();
                        self.push(MachInst::CmpSet64 { cc, rd: self.r(d), alo: a.0, ahi: a.1, blo: b.0, bhi: b.1, t })
                    }
                }
                Ok(())
            }
            InstKind::Eqz { ty, arg } => {
                let d = res(0)?;
                if self.fused.contains(&d) {
                    return Ok(());
                }
                if let CondSrc::C32 { cc, rn, rhs } = self.eqz_src(*ty, *arg)? {
                    self.push(MachInst::CmpSet { cc, rd: self.r(d), rn, rhs });
                }
                Ok(())
            }
            InstKind::Select { ty, cond, if_true, if_false } if matches!(ty.bits_type(), Type::I64 | Type::F64) => {
                let (dl, dh) = self.pair(res(0)?)?;
                let (tl, th) = self.pair(*if_true)?;
                let (fl, fh) = self.pair(*if_false)?;
                match self.condition(*cond)? {
                    CondSrc::C32 { cc, rn, rhs } => self.push(MachInst::Select64 { cc, rn, rhs, dl, dh, tl, th, fl, fh }),
                    CondSrc::C64 { cc, a, b } => {
                        let t = self.new_vreg();
                        let (alo, ahi, blo, bhi) = (a.0, a.1, b.0, b.1);
                        self.push(MachInst::Cmp64Select64 { cc, alo, ahi, blo, bhi, t, dl, dh, tl, th, fl, fh });
                    }
                }
                Ok(())
            }
            InstKind::Select { ty, cond, if_true, if_false } => {
                let d = res(0)?;
                if self.f32_select(d, *cond, *if_true, *if_false)? {
                    return Ok(());
                }
                let (cc, rn, rhs) = self.condition32(*cond)?;
                if self.s_select(d, (cc, rn, rhs), *if_true, *if_false) {
                    return Ok(());
                }
                match ty.bits_type() {
                    Type::I32 | Type::F32 => self.push(MachInst::CmpSelect {
                        cc,
                        rd: self.r(d),
                        rn,
                        rhs,
                        t: self.r(*if_true),
                        f: self.r(*if_false),
                    }),
                    Type::I64 | Type::F64 => unreachable!("pairs are selected above"),
                }
                Ok(())
            }
            InstKind::TrapIf { cond, code } => {
                if let Some(c) = self.const_of(*cond) {
                    if c as u32 != 0 {
                        self.push(MachInst::Trap { code: *code });
                    }
                    return Ok(());
                }
                let (cc, rn, rhs) = self.condition32(*cond)?;
                self.push(MachInst::TrapIf { cc, rn, rhs, code: *code });
                Ok(())
            }
            InstKind::Iconst { .. }
            | InstKind::SymbolAddr { .. }
            | InstKind::Unary { .. }
            | InstKind::Binary { .. }
            | InstKind::Convert { .. } => self.lower_arith(kind, results),
            InstKind::Load { .. }
            | InstKind::Store { .. }
            | InstKind::BoundsCheck { .. }
            | InstKind::Call { .. }
            | InstKind::StackCheck => self.lower_memcall(kind, results),
            InstKind::Fconst { .. }
            | InstKind::FloatUnary { .. }
            | InstKind::FloatBinary { .. }
            | InstKind::FloatCompare { .. }
            | InstKind::FloatConvert { .. } => {
                Err(self.err(format!("{} needs a VFP lowering, which this backend does not have", synth_ir::print::inst_to_string(self.func, &Inst { results: results.to_vec(), kind: kind.clone(), loc: synth_ir::SrcLoc::NONE }))))
            }
        }
    }

    /// Copies for a block call: `t_i = arg_i` for all i, then `param_i = t_i`
    /// (direct copies when no destination is also a source).
    fn block_args(&mut self, call: &BlockCall) -> Result<(), BackendError> {
        let params = &self.func.blocks[call.block.0 as usize].params;
        if params.len() != call.args.len() {
            return Err(self.err(format!("jump to block{} with the wrong argument count", call.block.0)));
        }
        // Parameters kept in S registers first: their sources are read
        // (VMOV from a core register, see `to_s`) before any core parameter
        // register is written below.
        self.s_block_args(params, &call.args);
        let mut pairs: Vec<(Reg, Reg)> = Vec::new();
        for (&p, &a) in params.iter().zip(&call.args) {
            if self.s_params.contains_key(&p) {
                continue;
            }
            let (pl, ph) = self.vals[p.0 as usize];
            let (al, ah) = self.vals[a.0 as usize];
            pairs.push((pl, al));
            match (ph, ah) {
                (Some(ph), Some(ah)) => pairs.push((ph, ah)),
                (None, None) => {}
                _ => return Err(self.err(format!("block argument type mismatch for block{}", call.block.0))),
            }
        }
        pairs.retain(|(d, s)| d != s);
        let dests: HashSet<Reg> = pairs.iter().map(|p| p.0).collect();
        if pairs.len() <= 1 || pairs.iter().all(|(_, s)| !dests.contains(s)) {
            for (d, s) in pairs {
                self.push(MachInst::Mov { rd: d, rm: s });
            }
        } else {
            let temps: Vec<Reg> = pairs.iter().map(|_| self.new_vreg()).collect();
            for ((_, s), t) in pairs.iter().zip(&temps) {
                self.push(MachInst::Mov { rd: *t, rm: *s });
            }
            for ((d, _), t) in pairs.iter().zip(&temps) {
                self.push(MachInst::Mov { rd: *d, rm: *t });
            }
        }
        Ok(())
    }

    /// The VCode target of edge `k` of IR block `bi`, filling its edge
    /// block when it has one.
    fn edge(&mut self, bi: usize, k: usize, call: &BlockCall) -> Result<usize, BackendError> {
        let target = self.block_map[call.block.0 as usize].ok_or_else(|| self.err("edge to unreachable block"))?;
        match self.edge_map[bi].get(k).copied().flatten() {
            // Already filled for an identical table entry.
            Some(eb) if !self.blocks[eb].is_empty() => Ok(eb),
            Some(eb) => {
                let saved = self.cur;
                self.cur = eb;
                self.block_args(call)?;
                self.push(MachInst::Jump { target });
                self.cur = saved;
                Ok(eb)
            }
            None => {
                if !call.args.is_empty() {
                    // Single-successor block: copies go before the jump.
                    self.block_args(call)?;
                }
                Ok(target)
            }
        }
    }

    fn lower_term(&mut self, bi: usize, term: &Terminator) -> Result<(), BackendError> {
        match term {
            Terminator::Jump(call) => {
                let t = self.edge(bi, 0, call)?;
                self.push(MachInst::Jump { target: t });
            }
            Terminator::Branch { cond, then_dest, else_dest } => {
                if let Some(c) = self.const_of(*cond) {
                    let (k, call) = if c as u32 != 0 { (0, then_dest) } else { (1, else_dest) };
                    // The edge has its own block when it needs one; else copies here.
                    let t = self.edge(bi, k, call)?;
                    self.push(MachInst::Jump { target: t });
                    return Ok(());
                }
                if self.f64_branch(bi, *cond, then_dest, else_dest)? || self.f32_branch(bi, *cond, then_dest, else_dest)? {
                    return Ok(());
                }
                let cs = self.condition(*cond)?;
                let taken = self.edge(bi, 0, then_dest)?;
                let not_taken = self.edge(bi, 1, else_dest)?;
                match cs {
                    CondSrc::C32 { cc, rn, rhs } => self.push(MachInst::CmpBr { cc, rn, rhs, taken, not_taken }),
                    CondSrc::C64 { cc, a, b } => self.push(MachInst::Cmp64Br {
                        cc,
                        alo: a.0,
                        ahi: a.1,
                        blo: b.0,
                        bhi: b.1,
                        taken,
                        not_taken,
                    }),
                }
            }
            Terminator::BrTable { index, targets, default } => {
                let mut ts = Vec::with_capacity(targets.len());
                for (k, c) in targets.iter().enumerate() {
                    ts.push(self.edge(bi, k, c)?);
                }
                let d = self.edge(bi, targets.len(), default)?;
                if ts.is_empty() {
                    self.push(MachInst::Jump { target: d });
                    return Ok(());
                }
                let n = ts.len() as u32;
                let limit = if crate::imm::is_modified_imm(n) {
                    None
                } else {
                    let l = self.new_vreg();
                    self.push(MachInst::MovImm { rd: l, imm: n });
                    Some(l)
                };
                self.push(MachInst::BrTable { idx: self.r(*index), limit, targets: ts, default: d });
            }
            Terminator::Return(vals) => self.lower_return(vals)?,
            Terminator::Trap(code) => self.push(MachInst::TrapTerm { code: *code }),
        }
        Ok(())
    }
}

/// Physical register `n` as an operand.
pub(crate) fn preg(n: u8) -> Reg {
    Reg::phys(PReg(n))
}

fn renumber(t: &mut MachInst, map: &[usize]) {
    match t {
        MachInst::Jump { target } => *target = map[*target],
        MachInst::CmpBr { taken, not_taken, .. }
        | MachInst::Cmp64Br { taken, not_taken, .. }
        | MachInst::F64Br { taken, not_taken, .. }
        | MachInst::VCmpBr { taken, not_taken, .. } => {
            *taken = map[*taken];
            *not_taken = map[*not_taken];
        }
        MachInst::BrTable { targets, default, .. } => {
            for t in targets.iter_mut() {
                *t = map[*t];
            }
            *default = map[*default];
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests;
