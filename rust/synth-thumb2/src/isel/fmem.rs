//! f32 values kept in S registers across memory and block boundaries:
//! loads and stores (`VLDR`/`VSTR`) and block parameters.
//!
//! Takes: a 32-bit load whose value only VFP operations read, or a 32-bit
//! store of a value a VFP operation computed (see `isel/vfp.rs`). Returns:
//! `VLDR sd, [rn, #off]` / `VSTR sd, [rn, #off]` instead of `LDR` + `VMOV`
//! / `VMOV` + `STR`, or `false` (the caller emits the core-register form).
//!
//! `VLDR`/`VSTR` fault on an address that is not 4-aligned on ARMv7-M
//! (whatever `CCR.UNALIGN_TRP` says) while wasm allows any alignment, so
//! they are used only where the address is proven 4-aligned: [`known_tz`]
//! computes, for every i32 value, a number of low bits known to be zero
//! (constants, the linear-memory base — 8-aligned, docs/ABI.md — and
//! additions, multiplications, shifts, selects and block parameters of
//! such values, by an optimistic fixed point over the loops). The alignment
//! hint of the wasm access is not trusted: it is only a hint.
//!
//! Block parameters only VFP operations read (a loop's f32 accumulator) are
//! kept in S registers too: the block calls copy their arguments into the
//! parameter's S register (`VMOV.F32`, which the allocator coalesces), so
//! the value crosses the loop's back edge without two `VMOV`s.

use super::Lower;
use crate::inst::MachInst;
use crate::BackendError;
use synth_regalloc::Reg;
use synth_ir::{BinaryOp, Function, InstKind, SymbolRef, Type, Value};

/// Largest `VLDR`/`VSTR` immediate offset (a multiple of 4).
const MAX_VOFF: u32 = 1020;

/// For every value of `func`, how many low bits are known to be zero
/// (0: nothing known, 32: the value is 0). Only i32 values get more than 0.
pub(crate) fn known_tz(func: &Function) -> Vec<u8> {
    let n = func.value_types.len();
    // Block parameters start optimistic (32) and only go down; the entry
    // block's parameters (the function's) are unknown.
    let mut tz = vec![0u8; n];
    let mut is_param = vec![false; n];
    for (bi, bd) in func.blocks.iter().enumerate() {
        for &p in &bd.params {
            if bi != 0 && func.value_types[p.0 as usize] == Type::I32 {
                tz[p.0 as usize] = 32;
                is_param[p.0 as usize] = true;
            }
        }
    }
    loop {
        let mut changed = false;
        for bd in &func.blocks {
            for inst in &bd.insts {
                let Some(&d) = inst.results.first() else { continue };
                if inst.results.len() != 1 || func.value_types[d.0 as usize] != Type::I32 {
                    continue;
                }
                let t = |v: &Value| tz[v.0 as usize];
                let new = match &inst.kind {
                    InstKind::Iconst { imm, .. } => (*imm as u32).trailing_zeros() as u8,
                    InstKind::SymbolAddr { sym: SymbolRef::Memory, addend } => 3u8.min((*addend as u32).trailing_zeros() as u8),
                    InstKind::Binary { op, ty: Type::I32, lhs, rhs } => match op {
                        BinaryOp::Add | BinaryOp::Sub | BinaryOp::Or | BinaryOp::Xor => t(lhs).min(t(rhs)),
                        BinaryOp::And => t(lhs).max(t(rhs)),
                        BinaryOp::Mul => (t(lhs) + t(rhs)).min(32),
                        BinaryOp::Shl => match const_of(func, *rhs) {
                            Some(k) => (u32::from(t(lhs)) + (k as u32 & 31)).min(32) as u8,
                            None => 0,
                        },
                        _ => 0,
                    },
                    InstKind::Select { if_true, if_false, .. } => t(if_true).min(t(if_false)),
                    _ => 0,
                };
                if new != tz[d.0 as usize] {
                    tz[d.0 as usize] = new;
                    changed = true;
                }
            }
            for call in bd.term.block_calls() {
                let params = &func.blocks[call.block.0 as usize].params;
                for (p, a) in params.iter().zip(&call.args) {
                    let (p, a) = (p.0 as usize, a.0 as usize);
                    if is_param[p] && tz[a] < tz[p] {
                        tz[p] = tz[a];
                        changed = true;
                    }
                }
            }
        }
        if !changed {
            return tz;
        }
    }
}

/// The f32 sign operation an i32 instruction is, on the bits of its other
/// operand: `x & 0x7fffffff` is `VABS.F32` (the soft-float `f32.abs`),
/// `x ^ 0x80000000` is `VNEG.F32` (`f32.neg`). Both VFP instructions only
/// clear or flip the sign bit (no NaN processing, no exception, FPSCR
/// ignored: the ARM ARM's FPAbs/FPNeg), so they equal the integer forms on
/// every bit pattern. `const_of`: the `Iconst` values. Returns (negate, x).
pub(crate) fn sign_op(const_of: impl Fn(Value) -> Option<i64>, kind: &InstKind) -> Option<(bool, Value)> {
    let InstKind::Binary { op, ty: Type::I32, lhs, rhs } = kind else { return None };
    let mask = match op {
        BinaryOp::And => 0x7fff_ffffu32,
        BinaryOp::Xor => 0x8000_0000u32,
        _ => return None,
    };
    let is_mask = |v: &Value| const_of(*v).is_some_and(|c| c as u32 == mask);
    let x = if is_mask(rhs) && !is_mask(lhs) {
        *lhs
    } else if is_mask(lhs) && !is_mask(rhs) {
        *rhs
    } else {
        return None;
    };
    Some((*op == BinaryOp::Xor, x))
}

/// Whether the lowering of `kind` computes its (i32) result in an S
/// register when only VFP operations read that result: a call the FPU
/// computes other than a comparison (`Lower::vfp_call`), a 32-bit select
/// (`Lower::s_select`), a sign operation (`Lower::s_sign`), a constant that
/// is a VFP immediate (`Lower::s_const`). Loads are not: `VLDR` depends on
/// the addressing the lowering picks, and its result is copied to the core
/// register anyway.
pub(crate) fn defines_in_s(kind: &InstKind, fpu: synth_thumb2_enc::Fpu, ir_const: impl Fn(Value) -> Option<i64>) -> bool {
    if fpu == synth_thumb2_enc::Fpu::None {
        return false;
    }
    match kind {
        InstKind::Call { callee, .. } => {
            // Comparisons give a 0/1 in a core register, and f32.min/max
            // (`MachInst::VMinMax`) a result in a core register too.
            matches!(
                super::vfp::vfp_lowering(callee, fpu),
                Some(k) if !matches!(k, super::vfp::VfpLowering::Compare(_) | super::vfp::VfpLowering::MinMax(_))
            )
        }
        InstKind::Select { ty, .. } => matches!(ty.bits_type(), Type::I32 | Type::F32),
        InstKind::Iconst { imm, .. } => synth_thumb2_enc::is_vfp_imm_f32(f32::from_bits(*imm as u32)),
        k => sign_op(ir_const, k).is_some(),
    }
}

/// The constant of an `Iconst` value, found by a scan of the IR.
fn const_of(func: &Function, v: Value) -> Option<i64> {
    func.blocks.iter().flat_map(|b| &b.insts).find_map(|i| match i.kind {
        InstKind::Iconst { imm, .. } if i.results.first() == Some(&v) => Some(imm),
        _ => None,
    })
}

/// The values of `func` read only as operands of calls the FPU computes
/// (see [`super::vfp::vfp_lowering`]) and at least once: a load of one of
/// them can go straight into an S register. A 32-bit `select` whose result
/// is such a value is computed in S registers (see `Lower::s_select`), so
/// its two selected operands count as read by the FPU too (its condition
/// does not), and so do the arguments of block parameters that are such
/// values (kept in S registers, see `Lower::plan_s_params`); found by
/// iterating to a fixed point (the sets only grow).
pub(crate) fn s_only_values(func: &Function, fpu: synth_thumb2_enc::Fpu) -> std::collections::HashSet<Value> {
    use std::collections::{HashMap, HashSet};
    let consts: HashMap<Value, i64> = func
        .blocks
        .iter()
        .flat_map(|b| &b.insts)
        .filter_map(|i| match i.kind {
            InstKind::Iconst { imm, .. } => i.results.first().map(|r| (*r, imm)),
            _ => None,
        })
        .collect();
    let mut s_selects: HashSet<Value> = HashSet::new();
    // The previous round's answer (block parameters only the FPU reads).
    let mut prev: HashSet<Value> = HashSet::new();
    loop {
        let mut vfp_uses: HashMap<Value, (usize, usize)> = HashMap::new();
        for bd in &func.blocks {
            for inst in &bd.insts {
                let on_fpu = match &inst.kind {
                    // f32.min/max read their operands in core registers too.
                    InstKind::Call { callee, .. } => !matches!(
                        super::vfp::vfp_lowering(callee, fpu),
                        None | Some(super::vfp::VfpLowering::MinMax(_))
                    ),
                    _ => false,
                };
                // A select in S registers reads its operands 1 and 2 (cond is 0) on the FPU.
                let chosen = inst.results.first().is_some_and(|r| s_selects.contains(r));
                let s_sel = chosen && matches!(inst.kind, InstKind::Select { .. });
                // A sign operation (VABS/VNEG) reads its non-constant operand on the FPU.
                let s_sign = if chosen { sign_op(|v| consts.get(&v).copied(), &inst.kind).map(|s| s.1) } else { None };
                for (k, o) in inst.kind.operands().into_iter().enumerate() {
                    let e = vfp_uses.entry(o).or_default();
                    e.0 += 1;
                    e.1 += usize::from(on_fpu || (s_sel && k > 0) || s_sign == Some(o));
                }
            }
            for o in bd.term.operands() {
                vfp_uses.entry(o).or_default().0 += 1;
            }
            // An argument of a parameter kept in an S register (`plan_s_params`: an i32
            // parameter of a block other than the entry that only the FPU reads) is
            // copied there by `s_block_args` through `to_s`: an FPU read.
            for call in bd.term.block_calls() {
                let target = call.block.0 as usize;
                for (p, a) in func.blocks[target].params.iter().zip(&call.args) {
                    if target != 0 && func.value_types[p.0 as usize] == Type::I32 && prev.contains(p) {
                        vfp_uses.entry(*a).or_default().1 += 1;
                    }
                }
            }
        }
        let s_only: HashSet<Value> =
            vfp_uses.into_iter().filter(|(_, (all, fpu))| *all > 0 && all == fpu).map(|(v, _)| v).collect();
        let next: HashSet<Value> = func
            .blocks
            .iter()
            .flat_map(|b| &b.insts)
            .filter_map(|i| match &i.kind {
                InstKind::Select { ty, .. } if matches!(ty.bits_type(), Type::I32 | Type::F32) => i.results.first(),
                k if sign_op(|v| consts.get(&v).copied(), k).is_some() => i.results.first(),
                _ => None,
            })
            .filter(|r| s_only.contains(r))
            .copied()
            .collect();
        if next == s_selects && s_only == prev {
            return s_only;
        }
        s_selects = next;
        prev = s_only;
    }
}

impl Lower<'_> {
    /// Chooses the block parameters kept in S registers: i32 parameters of
    /// reachable blocks other than the entry that only VFP operations read
    /// (an f32 accumulator of a loop). Each gets an S register, which is
    /// `s_of` for the parameter everywhere; block calls copy into it
    /// ([`Self::s_block_args`]), so the value never visits a core register.
    pub(super) fn plan_s_params(&mut self, reach: &[bool]) {
        let func = self.func;
        for (bi, bd) in func.blocks.iter().enumerate().skip(1) {
            if !reach[bi] {
                continue;
            }
            for &p in &bd.params {
                if func.value_types[p.0 as usize] == Type::I32 && self.s_only.contains(&p) {
                    let sp = self.new_fvreg();
                    self.s_params.insert(p, sp);
                    self.s_of.insert(p, (sp, None));
                }
            }
        }
    }

    /// Chooses the S register of every value only VFP operations read (see
    /// [`s_only_values`]) whose definition computes it in an S register
    /// ([`defines_in_s`]: a VFP operation, a select or sign operation in S
    /// registers, a VFP-immediate constant) before any block is lowered.
    /// Blocks are lowered in IR order, which is not dominance order (the
    /// exit of a `block` around a loop comes before the loop's blocks), so
    /// a use can be lowered before its definition; [`Self::to_s`] used to
    /// fall back to a `VMOV` from the value's core register there, which
    /// these definitions never write. The definitions write this register
    /// ([`Self::s_def`]) and every use reads it.
    pub(super) fn plan_s_homes(&mut self, reach: &[bool]) {
        let func = self.func;
        for (bi, bd) in func.blocks.iter().enumerate() {
            if !reach[bi] {
                continue;
            }
            for inst in &bd.insts {
                let [d] = inst.results[..] else { continue };
                if self.s_only.contains(&d)
                    && func.value_types[d.0 as usize] == Type::I32
                    && defines_in_s(&inst.kind, self.fpu, |v| self.ir_const(v))
                {
                    let sd = self.new_fvreg();
                    self.s_home.insert(d, sd);
                }
            }
        }
    }

    /// The S register a definition of `d` computes it in: its planned home
    /// ([`Self::plan_s_homes`]), else a new one.
    pub(super) fn s_def(&mut self, d: Value) -> Reg {
        match self.s_home.get(&d) {
            Some(&sd) => sd,
            None => self.new_fvreg(),
        }
    }

    /// After lowering: every planned home was written by its definition
    /// (a definition that took another path would leave its uses reading
    /// an undefined register: an internal error, never a miscompile).
    pub(super) fn check_s_homes(&self) -> Result<(), BackendError> {
        for (d, &sd) in &self.s_home {
            if self.s_of.get(d) != Some(&(sd, None)) {
                return Err(self.err(format!("v{} planned in an S register but not defined there", d.0)));
            }
        }
        Ok(())
    }

    /// The copies of a block call into the parameters kept in S registers:
    /// `VMOV.F32 sp, s(arg)` (the argument's S register, or a `VMOV` from
    /// its core register first). No source is such a parameter (they have
    /// no use but VFP operations), so the copies are independent.
    pub(super) fn s_block_args(&mut self, params: &[Value], args: &[Value]) {
        for (p, &a) in params.iter().zip(args) {
            if let Some(&sp) = self.s_params.get(p) {
                let sa = self.to_s(a);
                self.push(MachInst::VMov { sd: sp, sm: sa });
            }
        }
    }

    /// Whether the access at `addr + offset` (the IR's address and offset)
    /// is proven 4-aligned and its machine form `[base, #off]` (the same
    /// address) has an offset VLDR/VSTR can encode.
    fn vfp_addressable(&self, addr: Value, offset: u32, off: u32) -> bool {
        offset % 4 == 0 && off % 4 == 0 && off <= MAX_VOFF && self.tz.get(addr.0 as usize).is_some_and(|&t| t >= 2)
    }

    /// `VLDR` of the i32 load `d = [addr + offset]` (base register `base`
    /// and immediate `off` as the core form would use them) when `d` only
    /// feeds VFP operations and the address is aligned; the core copy
    /// (`VMOV rd, sd`) is removed after allocation when nothing reads it.
    pub(super) fn vldr_load(&mut self, d: Value, (addr, offset): (Value, u32), base: synth_regalloc::Reg, off: u32) -> bool {
        if self.fpu == synth_thumb2_enc::Fpu::None || !self.s_only.contains(&d) || !self.vfp_addressable(addr, offset, off) {
            return false;
        }
        let sd = self.new_fvreg();
        self.push(MachInst::VLdr { sd, base, off });
        self.push(MachInst::VMovFromS { rt: self.r(d), sn: sd });
        self.s_of.insert(d, (sd, None));
        true
    }

    /// `VSTR` of `value` when a VFP operation computed it (its S register
    /// holds it everywhere) and the address is aligned.
    pub(super) fn vstr_store(&mut self, value: Value, (addr, offset): (Value, u32), base: synth_regalloc::Reg, off: u32) -> bool {
        let Some(&(sd, None)) = self.s_of.get(&value) else {
            return false;
        };
        if !self.vfp_addressable(addr, offset, off) {
            return false;
        }
        self.push(MachInst::VStr { sd, base, off });
        true
    }
}

#[cfg(test)]
mod tests {
    use super::known_tz;
    use crate::inst::MachInst;
    use synth_ir::{
        BinaryOp, BlockCall, Callee, FunctionBuilder, InstKind, IntCC, Libcall, LoadKind, Signature, StoreKind,
        SymbolRef, Terminator, Type,
    };
    use synth_thumb2_enc::Fpu;

    /// `p[i] = p[i] * p[i+1]` over a loop whose index steps by `step`
    /// from 16: aligned when `step` is a multiple of 4.
    fn loop_fn(step: i64, offset: u32) -> synth_ir::Function {
        let sig = Signature { params: vec![], results: vec![] };
        let mut b = FunctionBuilder::new("f", sig);
        let body = b.create_block();
        let i = b.append_block_param(body, Type::I32);
        let exit = b.create_block();
        let start = b.iconst(Type::I32, 16);
        b.jump(body, vec![start]);
        b.switch_to_block(body);
        let mem = b.symbol_addr(SymbolRef::Memory, 0);
        let addr = b.binary(BinaryOp::Add, mem, i);
        let x = b.load(Type::I32, LoadKind::Full, addr, offset);
        let y = b.load(Type::I32, LoadKind::Full, addr, offset + 4);
        let fsig = Signature { params: vec![Type::I32, Type::I32], results: vec![Type::I32] };
        let p = b.inst(InstKind::Call { callee: Callee::Libcall(Libcall::FMul), sig: fsig, args: vec![x, y] }, &[Type::I32])[0];
        b.store(StoreKind::Full, addr, p, offset);
        let k = b.iconst(Type::I32, step);
        let next = b.binary(BinaryOp::Add, i, k);
        let lim = b.iconst(Type::I32, 4096);
        let c = b.compare(IntCC::LtU, next, lim);
        b.branch(c, BlockCall { block: body, args: vec![next] }, BlockCall { block: exit, args: vec![] });
        b.switch_to_block(exit);
        b.terminate(Terminator::Return(vec![]));
        b.finish()
    }

    fn count(f: &synth_ir::Function, pred: impl Fn(&MachInst) -> bool) -> usize {
        let vc = super::super::lower_for(f, None, Fpu::Fpv4SpD16).expect("lowers");
        vc.insts.iter().filter(|i| pred(i)).count()
    }

    #[test]
    fn loop_index_stepping_by_four_is_aligned_and_by_two_is_not() {
        let f = loop_fn(4, 8);
        let tz = known_tz(&f);
        let i = f.blocks[1].params[0];
        assert_eq!(tz[i.0 as usize], 2, "16 + 4k");
        let f2 = loop_fn(2, 8);
        assert_eq!(known_tz(&f2)[f2.blocks[1].params[0].0 as usize], 1, "16 + 2k");
    }

    #[test]
    fn aligned_f32_accesses_use_vldr_vstr_and_the_others_ldr_str() {
        let vldr = |i: &MachInst| matches!(i, MachInst::VLdr { .. });
        let vstr = |i: &MachInst| matches!(i, MachInst::VStr { .. });
        let f = loop_fn(4, 8);
        assert_eq!((count(&f, vldr), count(&f, vstr)), (2, 1));
        // Not proven aligned: index steps by 2, or an offset not a multiple of 4.
        for f in [loop_fn(2, 8), loop_fn(4, 6)] {
            assert_eq!((count(&f, vldr), count(&f, vstr)), (0, 0));
            assert!(count(&f, |i| matches!(i, MachInst::Load { .. })) == 2);
        }
        // Beyond VLDR's offset range.
        let f = loop_fn(4, 1024);
        assert_eq!((count(&f, vldr), count(&f, vstr)), (0, 0));
        // Without an FPU nothing changes.
        let vc = super::super::lower_for(&loop_fn(4, 8), None, Fpu::None).expect("lowers");
        assert!(!vc.insts.iter().any(|i| vldr(i) || vstr(i)));
    }

    /// `acc' = acc + x` around a loop, `acc'` returned after it.
    fn accumulate_fn() -> synth_ir::Function {
        let sig = Signature { params: vec![Type::I32], results: vec![Type::I32] };
        let mut b = FunctionBuilder::new("acc", sig);
        let x = b.block_params(synth_ir::Block(0))[0];
        let body = b.create_block();
        let acc = b.append_block_param(body, Type::I32);
        let n = b.append_block_param(body, Type::I32);
        let exit = b.create_block();
        let out = b.append_block_param(exit, Type::I32);
        let zero = b.iconst(Type::I32, 0);
        b.jump(body, vec![zero, zero]);
        b.switch_to_block(body);
        let fsig = Signature { params: vec![Type::I32, Type::I32], results: vec![Type::I32] };
        let next = b.inst(InstKind::Call { callee: Callee::Libcall(Libcall::FAdd), sig: fsig, args: vec![acc, x] }, &[Type::I32])[0];
        let one = b.iconst(Type::I32, 1);
        let n1 = b.binary(BinaryOp::Add, n, one);
        let lim = b.iconst(Type::I32, 10);
        let c = b.compare(IntCC::LtU, n1, lim);
        b.branch(c, BlockCall { block: body, args: vec![next, n1] }, BlockCall { block: exit, args: vec![next] });
        b.switch_to_block(exit);
        b.terminate(Terminator::Return(vec![out]));
        b.finish()
    }

    #[test]
    fn an_f32_loop_accumulator_stays_in_an_s_register() {
        let f = accumulate_fn();
        let vc = super::super::lower_for(&f, None, Fpu::Fpv4SpD16).expect("lowers");
        // The accumulator parameter is an S register written by VMOV.F32 copies on the
        // entry and back edges; the only core-to-S move is of x (and the initial 0).
        let vmovs = vc.insts.iter().filter(|i| matches!(i, MachInst::VMov { .. })).count();
        assert_eq!(vmovs, 2, "entry and back edge");
        let to_s = vc.insts.iter().filter(|i| matches!(i, MachInst::VMovToS { .. })).count();
        assert_eq!(to_s, 2, "x in the loop and 0 on entry");
        // Nothing changes without an FPU, and the allocation passes the checker.
        let soft = super::super::lower_for(&f, None, Fpu::None).expect("lowers");
        assert!(!soft.insts.iter().any(|i| matches!(i, MachInst::VMov { .. })));
        let out = synth_regalloc::allocate(&vc, &synth_regalloc::Options { verify: true, shadow: false });
        assert_eq!(out.stats.float.as_ref().map(|f| f.spill_stores), Some(0));
    }

    /// Every virtual register some instruction reads is written by some
    /// instruction (a read of a never-written register is an undefined value).
    fn undefined_reads(vc: &crate::vcode::VCode) -> Vec<u32> {
        use synth_regalloc::{Function as _, OperandKind};
        let mut defined = vec![false; vc.num_vregs()];
        for i in 0..vc.num_insts() {
            for o in vc.inst_operands(i) {
                if let (Some(v), OperandKind::Def | OperandKind::EarlyDef) = (o.reg.as_virt(), o.kind) {
                    defined[v as usize] = true;
                }
            }
        }
        let mut out: Vec<u32> = (0..vc.num_insts())
            .flat_map(|i| vc.inst_operands(i).to_vec())
            .filter(|o| o.kind == OperandKind::Use)
            .filter_map(|o| o.reg.as_virt())
            .filter(|&v| !defined[v as usize])
            .collect();
        out.dedup();
        out
    }

    /// A loop (block 2) computing `s = select(i & 1, acc', y)` (or
    /// `f32.neg acc'` when `neg`), `acc' = acc + x`, and its exit (block 1,
    /// before the loop in block order, as the frontend makes the exit of a
    /// `block` around a loop) returning `s * s`: the exit block is lowered
    /// before the definition of `s`.
    fn use_before_def_fn(neg: bool) -> synth_ir::Function {
        let sig = Signature { params: vec![Type::I32, Type::I32, Type::I32], results: vec![Type::I32] };
        let mut b = FunctionBuilder::new("f", sig);
        let ps = b.block_params(synth_ir::Block(0)).to_vec();
        let (x, y, n) = (ps[0], ps[1], ps[2]);
        let exit = b.create_block();
        let body = b.create_block();
        let acc = b.append_block_param(body, Type::I32);
        let i = b.append_block_param(body, Type::I32);
        let zero = b.iconst(Type::I32, 0);
        b.jump(body, vec![zero, zero]);
        b.switch_to_block(body);
        let fsig = Signature { params: vec![Type::I32, Type::I32], results: vec![Type::I32] };
        let add = InstKind::Call { callee: Callee::Libcall(Libcall::FAdd), sig: fsig.clone(), args: vec![acc, x] };
        let next = b.inst(add, &[Type::I32])[0];
        let s = if neg {
            let sign = b.iconst(Type::I32, 0x8000_0000u32 as i64);
            b.binary(BinaryOp::Xor, next, sign)
        } else {
            let one = b.iconst(Type::I32, 1);
            let odd = b.binary(BinaryOp::And, i, one);
            b.inst(InstKind::Select { ty: Type::I32, cond: odd, if_true: next, if_false: y }, &[Type::I32])[0]
        };
        let one = b.iconst(Type::I32, 1);
        let i1 = b.binary(BinaryOp::Add, i, one);
        let c = b.compare(IntCC::LtU, i1, n);
        b.branch(c, BlockCall { block: body, args: vec![next, i1] }, BlockCall { block: exit, args: vec![] });
        b.switch_to_block(exit);
        let mul = InstKind::Call { callee: Callee::Libcall(Libcall::FMul), sig: fsig, args: vec![s, s] };
        let r = b.inst(mul, &[Type::I32])[0];
        b.terminate(Terminator::Return(vec![r]));
        b.finish()
    }

    #[test]
    fn a_value_computed_in_s_registers_is_read_there_by_a_use_lowered_before_it() {
        for neg in [false, true] {
            let f = use_before_def_fn(neg);
            assert_eq!(f.blocks[1].insts.len(), 1, "the exit block (lowered first) holds the use");
            let vc = super::super::lower_for(&f, None, Fpu::Fpv4SpD16).expect("lowers");
            assert_eq!(undefined_reads(&vc), Vec::<u32>::new(), "neg={neg}: a read of a never-written register");
            // The S register the select/VNEG writes is the one the multiplication reads.
            let sd = vc
                .insts
                .iter()
                .find_map(|i| match i {
                    MachInst::VSelect { sd, .. } | MachInst::VSign { sd, .. } => Some(*sd),
                    _ => None,
                })
                .expect("computed in S registers");
            assert!(
                vc.insts.iter().any(|i| matches!(i, MachInst::VArith { sn, sm, .. } if *sn == sd && *sm == sd)),
                "neg={neg}: the use reads the definition's S register"
            );
            let out = synth_regalloc::allocate(&vc, &synth_regalloc::Options { verify: true, shadow: false });
            assert!(out.stats.float.is_some());
            // The same function without an FPU reads nothing undefined either.
            let soft = super::super::lower_for(&f, None, Fpu::None).expect("lowers");
            assert_eq!(undefined_reads(&soft), Vec::<u32>::new());
        }
    }
}
