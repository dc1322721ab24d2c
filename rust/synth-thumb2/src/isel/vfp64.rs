//! Double-precision VFP lowering of the soft-float calls (`--fpu fpv5-d16`).
//!
//! Takes: a call the soft-float legalisation left (an f64 travels as its
//! i64 bit pattern, a lo/hi pair of core registers) to an AEABI function or
//! runtime helper whose result the double-precision FPU computes exactly
//! as wasm wants it. Returns: one [`MachInst::F64`] instead of the call
//! (operands moved into d6/d7, one VFP instruction, the result moved back
//! into core registers), or `false` for any other call.
//!
//! What runs on the FPU and why it is exact (FPSCR at its reset value:
//! round to nearest, no flush-to-zero, no default-NaN mode):
//! - `__aeabi_dadd/dsub/dmul/ddiv` → `VADD/VSUB/VMUL/VDIV.F64`: IEEE 754
//!   round to nearest. An input NaN comes out quieted with its payload
//!   (canonical in, canonical out; arithmetic in, arithmetic out), an
//!   invalid operation gives the default NaN 0x7ff8000000000000
//!   (canonical): what wasm requires.
//! - `__aeabi_dcmpeq/lt/le/gt/ge` → `VCMP.F64` + `VMRS` and
//!   `EQ/MI/LS/GT/GE`, all false on unordered operands.
//! - `__aeabi_i2d/ui2d` → `VCVT.F64.S32/U32` (exact).
//! - `__aeabi_f2d` → `VCVT.F64.F32` (exact; a NaN keeps its payload and is
//!   quieted: wasm's `promote` asks for a canonical NaN from a canonical
//!   one, an arithmetic NaN otherwise). `__aeabi_d2f` → `VCVT.F32.F64`
//!   (round to nearest; a NaN keeps the top of its payload and is quieted,
//!   the same rule for `demote`).
//! - the runtime helpers `f64_sqrt` → `VSQRT.F64`; `i32.trunc_sat_f64_s/u`
//!   → `VCVT.S32/U32.F64` (toward zero, saturating, NaN → 0; the trapping
//!   `trunc` checks NaN and range before calling the saturating helper);
//!   `f64_trunc/floor/ceil/nearest` → `VRINTZ/M/P/N.F64` (FPv5; ±0, ±inf
//!   and the sign of a zero result kept, ties to even for `nearest`, a NaN
//!   quieted with its payload as for arithmetic).
//!
//! `min`/`max` stay helpers: `VMAXNM`/`VMINNM` return the number when one
//! operand is a quiet NaN, where wasm returns a NaN. The i64 conversions
//! have no single instruction and stay calls.
//!
//! f64 values stay in core registers between operations (so calls, memory
//! and block parameters need nothing new); a chain of f64 operations moves
//! each intermediate result out and back in (two `VMOV`s, one cycle each
//! on a Cortex-M7, against tens of instructions in the soft-float calls).

use super::Lower;
use crate::inst::{F64Arg, F64Node, F64Op, MachInst};
use crate::BackendError;
use synth_ir::{BlockCall, Callee, InstKind, Libcall, RuntimeFunc, Terminator, Type, Value};
use synth_regalloc::Reg;
use synth_thumb2_enc::{is_vfp_imm_f64, Cond, Fpu, Round as Dir, VfpOp3};

/// The double-precision instruction computing a call to `callee` on `fpu`,
/// if it has one.
pub(crate) fn f64_lowering(callee: &Callee, fpu: Fpu) -> Option<F64Op> {
    use F64Op::*;
    if !fpu.has_f64() {
        return None;
    }
    Some(match callee {
        Callee::Libcall(l) => match l {
            Libcall::DAdd => Arith(VfpOp3::Add),
            Libcall::DSub => Arith(VfpOp3::Sub),
            Libcall::DMul => Arith(VfpOp3::Mul),
            Libcall::DDiv => Arith(VfpOp3::Div),
            Libcall::DCmpEq => Cmp(Cond::Eq),
            Libcall::DCmpLt => Cmp(Cond::Mi),
            Libcall::DCmpLe => Cmp(Cond::Ls),
            Libcall::DCmpGt => Cmp(Cond::Gt),
            Libcall::DCmpGe => Cmp(Cond::Ge),
            Libcall::I2D => FromInt(true),
            Libcall::UI2D => FromInt(false),
            Libcall::F2D => Promote,
            Libcall::D2F => Demote,
            _ => return None,
        },
        Callee::Runtime(r) => match r {
            RuntimeFunc::F64Sqrt => Sqrt,
            RuntimeFunc::I32TruncSatF64S => ToInt(true),
            RuntimeFunc::I32TruncSatF64U => ToInt(false),
            RuntimeFunc::F64Trunc => Round(Dir::Zero),
            RuntimeFunc::F64Floor => Round(Dir::Minus),
            RuntimeFunc::F64Ceil => Round(Dir::Plus),
            RuntimeFunc::F64Nearest => Round(Dir::NearestEven),
            _ => return None,
        },
        _ => return None,
    })
}

/// Most scratch D registers one expression may use.
const MAX_NEED: usize = crate::inst::F64_SCRATCH.len();

/// Most operands (core register pairs or words) one expression may read:
/// all its input registers are live at the one instruction, so an
/// expression reading many values would need more core registers than
/// there are (16 for the 8 f64 of a 4-term dot product).
const MAX_LEAVES: usize = 4;

/// The f64 operation and arguments of the call defining `v` in `func`'s
/// block `bi`, if it is one the FPU computes (`Lower::defs` locates it).
fn f64_def<'f>(l: &Lower<'f>, v: Value, bi: usize) -> Option<(F64Op, &'f [Value])> {
    let &(b, k) = l.defs.get(&v)?;
    if b != bi {
        return None;
    }
    match &l.func.blocks[b].insts[k].kind {
        InstKind::Call { callee, args, .. } => f64_lowering(callee, l.fpu).map(|op| (op, args.as_slice())),
        _ => None,
    }
}

impl Lower<'_> {
    /// Plans the expressions: an f64 result of an FPU-computed call whose
    /// only use is an FPU-computed call of the same block is computed
    /// inside that consumer's [`MachInst::F64`] (in a scratch D register,
    /// never moved to core registers), as long as the expression needs at
    /// most [`MAX_NEED`] scratch registers and reads at most [`MAX_LEAVES`]
    /// operands from core registers. The operations are pure, so
    /// computing one later, at its consumer, changes nothing else.
    pub(super) fn plan_f64_trees(&mut self, reach: &[bool]) {
        if !self.fpu.has_f64() {
            return;
        }
        let func = self.func;
        for (bi, bd) in func.blocks.iter().enumerate() {
            if !reach[bi] {
                continue;
            }
            for inst in &bd.insts {
                let InstKind::Call { callee, args, .. } = &inst.kind else { continue };
                let Some(op) = f64_lowering(callee, self.fpu) else { continue };
                if !op.wide_operand() {
                    continue;
                }
                let wide = if op.binary() { &args[..args.len().min(2)] } else { &args[..args.len().min(1)] };
                let mut needs: Vec<usize> = wide.iter().map(|a| self.f64_inner.get(a).map_or(1, |s| s.0)).collect();
                let mut leaves: Vec<usize> =
                    wide.iter().map(|a| self.f64_inner.get(a).map_or(usize::from(!self.is_imm_f64(*a)), |s| s.1)).collect();
                for (k, &a) in wide.iter().enumerate() {
                    let single = self.use_counts.get(&a) == Some(&1) && wide.iter().filter(|&&x| x == a).count() == 1;
                    let inner = single && f64_def(self, a, bi).is_some_and(|(o, _)| o.wide_result());
                    if !inner || self.f64_inner.contains_key(&a) {
                        continue;
                    }
                    let (need_a, leaves_a) = f64_def(self, a, bi).map_or((1, 1), |(o, xs)| self.shape_of(o, xs));
                    let mut trial = needs.clone();
                    trial[k] = need_a;
                    let mut trial_leaves = leaves.clone();
                    trial_leaves[k] = leaves_a;
                    if combine(&trial) <= MAX_NEED && trial_leaves.iter().sum::<usize>() <= MAX_LEAVES {
                        needs = trial;
                        leaves = trial_leaves;
                        self.f64_inner.insert(a, (need_a, leaves_a));
                    }
                }
            }
            // A comparison only the block's branch reads is computed in
            // the branch (`MachInst::F64Br`), its 0/1 never materialised.
            if let Terminator::Branch { cond, .. } = &bd.term {
                if let Some((v, _)) = self.branch_cmp(bi, *cond) {
                    let shape = f64_def(self, v, bi).map_or((1, 1), |(o, xs)| self.shape_of(o, xs));
                    self.f64_inner.insert(v, shape);
                }
            }
        }
    }

    /// The FPU-computed comparison a branch on `cond` at the end of block
    /// `bi` can test directly, and whether the branch tests its negation:
    /// the comparison defining `cond`, or the operand of the `Eqz` (fused
    /// into the branch) defining it; read nowhere else.
    fn branch_cmp(&self, bi: usize, cond: Value) -> Option<(Value, bool)> {
        let &(b, k) = self.defs.get(&cond)?;
        let (v, negated) = match &self.func.blocks[b].insts[k].kind {
            InstKind::Eqz { ty: Type::I32, arg } if b == bi && self.fused.contains(&cond) => (*arg, true),
            _ => (cond, false),
        };
        let single = self.use_counts.get(&v) == Some(&1);
        let cmp = f64_def(self, v, bi).is_some_and(|(op, _)| matches!(op, F64Op::Cmp(_)));
        (single && cmp).then_some((v, negated))
    }

    /// Lowers the branch on `cond` ending block `bi` as a
    /// [`MachInst::F64Br`] when [`Lower::plan_f64_trees`] planned it so;
    /// returns whether it did.
    pub(super) fn f64_branch(
        &mut self,
        bi: usize,
        cond: Value,
        then_dest: &BlockCall,
        else_dest: &BlockCall,
    ) -> Result<bool, BackendError> {
        let Some((v, negated)) = self.branch_cmp(bi, cond).filter(|(v, _)| self.f64_inner.contains_key(v)) else {
            return Ok(false);
        };
        let Some((op, args)) = f64_def(self, v, bi) else {
            return Ok(false);
        };
        let mut inputs = Vec::new();
        let tree = self.f64_node(op, args, &mut inputs)?;
        let taken = self.edge(bi, 0, then_dest)?;
        let not_taken = self.edge(bi, 1, else_dest)?;
        let (taken, not_taken) = if negated { (not_taken, taken) } else { (taken, not_taken) };
        self.push(MachInst::F64Br { tree, inputs, taken, not_taken });
        Ok(true)
    }

    /// Scratch registers the node `op(args)` needs and operands it reads
    /// (leaves, counted with repeats), with its already planned inner
    /// operands.
    fn shape_of(&self, op: F64Op, args: &[Value]) -> (usize, usize) {
        if !op.wide_operand() {
            return (1, 1);
        }
        let n = if op.binary() { 2 } else { 1 };
        let leaf = |a: &Value| if self.is_imm_f64(*a) { (1, 0) } else { (1, 1) };
        let shapes: Vec<(usize, usize)> =
            args.iter().take(n).map(|a| self.f64_inner.get(a).copied().unwrap_or_else(|| leaf(a))).collect();
        let needs: Vec<usize> = shapes.iter().map(|s| s.0).collect();
        (combine(&needs), shapes.iter().map(|s| s.1).sum())
    }

    /// Whether `v` is an f64 constant `VMOV.F64` encodes (no register).
    fn is_imm_f64(&self, v: Value) -> bool {
        self.ir_const(v).is_some_and(|c| is_vfp_imm_f64(f64::from_bits(c as u64)))
    }

    /// An operand of an expression: an inner node, an encodable constant,
    /// or the value's core registers (added to `inputs`, once per value).
    fn f64_arg(&mut self, v: Value, cmp_rhs: bool, inputs: &mut Vec<Reg>) -> Result<F64Arg, BackendError> {
        if let Some(bits) = self.ir_const(v).map(|c| c as u64) {
            if is_vfp_imm_f64(f64::from_bits(bits)) || (cmp_rhs && bits << 1 == 0) {
                return Ok(F64Arg::Const(bits));
            }
        }
        if self.f64_inner.contains_key(&v) {
            let &(b, k) = self.defs.get(&v).ok_or_else(|| self.err("an f64 expression operand without a definition"))?;
            let InstKind::Call { callee, args, .. } = &self.func.blocks[b].insts[k].kind else {
                return Err(self.err("an f64 expression operand not computed by a call"));
            };
            let op = f64_lowering(callee, self.fpu).ok_or_else(|| self.err("an f64 expression operand the FPU does not compute"))?;
            return Ok(F64Arg::Node(Box::new(self.f64_node(op, args, inputs)?)));
        }
        let (lo, hi) = self.pair(v)?;
        Ok(F64Arg::Pair(input_index(inputs, &[lo, hi])))
    }

    /// The expression node of `op(args)`.
    fn f64_node(&mut self, op: F64Op, args: &[Value], inputs: &mut Vec<Reg>) -> Result<F64Node, BackendError> {
        let arity = if op.binary() { 2 } else { 1 };
        if args.len() != arity {
            return Err(self.err("a float run-time call whose arguments or results do not match its signature"));
        }
        let mut out = Vec::with_capacity(arity);
        if op.wide_operand() {
            out.push(self.f64_arg(args[0], false, inputs)?);
            if op.binary() {
                out.push(self.f64_arg(args[1], matches!(op, F64Op::Cmp(_)), inputs)?);
            }
        } else {
            let r = self.r(args[0]);
            out.push(F64Arg::Word(input_index(inputs, &[r])));
        }
        Ok(F64Node { op, args: out })
    }

    /// Lowers the call on the double-precision FPU when [`f64_lowering`]
    /// says it can; returns whether it did. A call planned as an inner
    /// node of its consumer's expression emits nothing here.
    pub(super) fn vfp64_call(&mut self, callee: &Callee, args: &[Value], results: &[Value]) -> Result<bool, BackendError> {
        let Some(op) = f64_lowering(callee, self.fpu) else {
            return Ok(false);
        };
        if results.len() != 1 {
            return Err(self.err("a float run-time call whose arguments or results do not match its signature"));
        }
        if self.f64_inner.contains_key(&results[0]) {
            return Ok(true);
        }
        let mut inputs = Vec::new();
        let tree = self.f64_node(op, args, &mut inputs)?;
        let (rd, rd_hi) = if op.wide_result() {
            let (lo, hi) = self.pair(results[0])?;
            (lo, Some(hi))
        } else {
            (self.r(results[0]), None)
        };
        self.push(MachInst::F64 { tree, inputs, rd, rd_hi });
        Ok(true)
    }
}

/// The Sethi-Ullman need of a node whose operands need `needs`.
fn combine(needs: &[usize]) -> usize {
    match needs {
        [l, r] if l == r => l + 1,
        [l, r] => *l.max(r),
        [a] => *a,
        _ => 1,
    }
}

/// The index of `regs` in `inputs`, appending them unless already there.
fn input_index(inputs: &mut Vec<Reg>, regs: &[Reg]) -> usize {
    if let Some(k) = inputs.windows(regs.len()).position(|w| w == regs) {
        return k;
    }
    inputs.extend_from_slice(regs);
    inputs.len() - regs.len()
}

#[cfg(test)]
mod tests {
    use super::f64_lowering;
    use crate::inst::{F64Arg, F64Node, F64Op, MachInst};
    use synth_ir::{Block, Callee, FunctionBuilder, InstKind, Libcall, RuntimeFunc, Signature, Terminator, Type};
    use synth_thumb2_enc::{Cond, Fpu, Round as Dir, VfpOp3};

    fn call_fn(callee: Callee, params: &[Type], result: Type) -> synth_ir::Function {
        let sig = Signature { params: params.to_vec(), results: vec![result] };
        let mut b = FunctionBuilder::new("f", sig.clone());
        let p = b.block_params(Block(0)).to_vec();
        let r = b.inst(InstKind::Call { callee, sig, args: p }, &[result]);
        b.terminate(Terminator::Return(vec![r[0]]));
        b.finish()
    }

    #[test]
    fn only_a_double_precision_fpu_computes_f64() {
        let dadd = Callee::Libcall(Libcall::DAdd);
        assert_eq!(f64_lowering(&dadd, Fpu::Fpv5D16), Some(F64Op::Arith(VfpOp3::Add)));
        for fpu in [Fpu::None, Fpu::Fpv4SpD16, Fpu::Fpv5SpD16] {
            assert_eq!(f64_lowering(&dadd, fpu), None, "{fpu:?}");
        }
        let d = Fpu::Fpv5D16;
        assert_eq!(f64_lowering(&Callee::Libcall(Libcall::DCmpLe), d), Some(F64Op::Cmp(Cond::Ls)));
        assert_eq!(f64_lowering(&Callee::Runtime(RuntimeFunc::F64Floor), d), Some(F64Op::Round(Dir::Minus)));
        assert_eq!(f64_lowering(&Callee::Runtime(RuntimeFunc::F64Nearest), d), Some(F64Op::Round(Dir::NearestEven)));
        // No exact single instruction: stay calls.
        for c in [Libcall::L2D, Libcall::UL2D, Libcall::L2F, Libcall::FAdd] {
            assert_eq!(f64_lowering(&Callee::Libcall(c), d), None, "{c:?}");
        }
        for r in [RuntimeFunc::F64Min, RuntimeFunc::F64Max, RuntimeFunc::I64TruncSatF64S, RuntimeFunc::F32Floor] {
            assert_eq!(f64_lowering(&Callee::Runtime(r), d), None, "{r:?}");
        }
    }

    fn f64_insts(vc: &crate::vcode::VCode) -> Vec<&MachInst> {
        vc.insts.iter().filter(|i| matches!(i, MachInst::F64 { .. })).collect()
    }

    #[test]
    fn dmul_becomes_one_f64_instruction_on_register_pairs_without_a_call() {
        let f = call_fn(Callee::Libcall(Libcall::DMul), &[Type::I64, Type::I64], Type::I64);
        let vc = crate::isel::lower_for(&f, None, Fpu::Fpv5D16).expect("lowers");
        let ops = f64_insts(&vc);
        assert_eq!(ops.len(), 1);
        let MachInst::F64 { tree, inputs, rd_hi, .. } = ops[0] else { unreachable!() };
        assert_eq!(tree.op, F64Op::Arith(VfpOp3::Mul));
        assert_eq!(tree.args, vec![F64Arg::Pair(0), F64Arg::Pair(2)]);
        assert_eq!(inputs.len(), 4);
        assert!(rd_hi.is_some());
        assert!(!vc.insts.iter().any(|i| matches!(i, MachInst::Call { .. } | MachInst::TailCall { .. })));
        assert!(!vc.frame.has_calls);
        // d7 and d6 (s12-s15) are clobbered, nothing else.
        assert_eq!(ops[0].clobbers(), synth_regalloc::PRegSet(0xf << (32 + 12)));
        let sp = crate::isel::lower_for(&f, None, Fpu::Fpv5SpD16).expect("lowers");
        assert!(sp.insts.iter().any(|i| matches!(i, MachInst::Call { .. } | MachInst::TailCall { .. })));
    }

    #[test]
    fn conversions_have_one_32_bit_side() {
        let f = call_fn(Callee::Libcall(Libcall::D2F), &[Type::I64], Type::I32);
        let vc = crate::isel::lower_for(&f, None, Fpu::Fpv5D16).expect("lowers");
        assert!(matches!(f64_insts(&vc)[..], [MachInst::F64 { tree: F64Node { op: F64Op::Demote, .. }, rd_hi: None, .. }]));
        let f = call_fn(Callee::Libcall(Libcall::UI2D), &[Type::I32], Type::I64);
        let vc = crate::isel::lower_for(&f, None, Fpu::Fpv5D16).expect("lowers");
        let [MachInst::F64 { tree, rd_hi: Some(_), .. }] = f64_insts(&vc)[..] else { panic!("one F64") };
        assert_eq!(tree, &F64Node { op: F64Op::FromInt(false), args: vec![F64Arg::Word(0)] });
    }

    /// `(a * b + 2.0) < (sqrt(c) - a)`, and `a * b` used twice.
    #[test]
    fn single_use_results_become_inner_nodes_and_constants_immediates() {
        use synth_ir::{Block, FunctionBuilder, InstKind, Signature, Terminator};
        let sig = Signature { params: vec![Type::I64; 3], results: vec![Type::I32, Type::I64] };
        let mut b = FunctionBuilder::new("f", sig.clone());
        let p = b.block_params(Block(0)).to_vec();
        let call = |b: &mut FunctionBuilder, l: Libcall, args: Vec<synth_ir::Value>| {
            b.inst(InstKind::Call { callee: Callee::Libcall(l), sig: l.signature(), args }, &[l.signature().results[0]])[0]
        };
        let two = b.inst(InstKind::Iconst { ty: Type::I64, imm: 2.0f64.to_bits() as i64 }, &[Type::I64])[0];
        let ab = call(&mut b, Libcall::DMul, vec![p[0], p[1]]);
        let sum = call(&mut b, Libcall::DAdd, vec![ab, two]);
        let sig1 = Signature { params: vec![Type::I64], results: vec![Type::I64] };
        let root = b.inst(InstKind::Call { callee: Callee::Runtime(RuntimeFunc::F64Sqrt), sig: sig1, args: vec![p[2]] }, &[Type::I64])[0];
        let diff = call(&mut b, Libcall::DSub, vec![root, p[0]]);
        let lt = call(&mut b, Libcall::DCmpLt, vec![sum, diff]);
        let twice = call(&mut b, Libcall::DMul, vec![p[0], p[1]]);
        let four = call(&mut b, Libcall::DAdd, vec![twice, twice]);
        b.terminate(Terminator::Return(vec![lt, four]));
        let f = b.finish();
        let vc = crate::isel::lower_for(&f, None, Fpu::Fpv5D16).expect("lowers");
        let ops = f64_insts(&vc);
        assert_eq!(ops.len(), 3, "{ops:#?}");
        let MachInst::F64 { tree, inputs, rd_hi: None, .. } = ops[0] else { panic!("comparison first") };
        let node = |op, args| F64Arg::Node(Box::new(F64Node { op, args }));
        let want = F64Node {
            op: F64Op::Cmp(Cond::Mi),
            args: vec![
                node(F64Op::Arith(VfpOp3::Add), vec![node(F64Op::Arith(VfpOp3::Mul), vec![F64Arg::Pair(0), F64Arg::Pair(2)]), F64Arg::Const(2.0f64.to_bits())]),
                node(F64Op::Arith(VfpOp3::Sub), vec![node(F64Op::Sqrt, vec![F64Arg::Pair(4)]), F64Arg::Pair(0)]),
            ],
        };
        assert_eq!(tree, &want);
        assert_eq!(inputs.len(), 6, "a's registers are read once");
        assert_eq!(tree.need(), 3);
        assert_eq!(ops[0].clobbers(), synth_regalloc::PRegSet(0x3f << (32 + 10)), "d5-d7");
        // The product used twice is computed once, in core registers.
        let MachInst::F64 { tree, .. } = ops[1] else { unreachable!() };
        assert_eq!(tree.args, vec![F64Arg::Pair(0), F64Arg::Pair(2)]);
    }

    /// A 4-term dot product of 8 f64 parameters: no expression reads more
    /// than 4 operands (8 core registers), the rest goes through core
    /// registers between expressions.
    #[test]
    fn expressions_read_at_most_four_operands() {
        use synth_ir::{Block, FunctionBuilder, InstKind, Signature, Terminator};
        let sig = Signature { params: vec![Type::I64; 8], results: vec![Type::I64] };
        let mut b = FunctionBuilder::new("dot", sig);
        let p = b.block_params(Block(0)).to_vec();
        let call = |b: &mut FunctionBuilder, l: Libcall, args: Vec<synth_ir::Value>| {
            b.inst(InstKind::Call { callee: Callee::Libcall(l), sig: l.signature(), args }, &[Type::I64])[0]
        };
        let mut acc = call(&mut b, Libcall::DMul, vec![p[0], p[4]]);
        for k in 1..4 {
            let m = call(&mut b, Libcall::DMul, vec![p[k], p[k + 4]]);
            acc = call(&mut b, Libcall::DAdd, vec![acc, m]);
        }
        b.terminate(Terminator::Return(vec![acc]));
        let vc = crate::isel::lower_for(&b.finish(), None, Fpu::Fpv5D16).expect("lowers");
        let ops = f64_insts(&vc);
        assert!(ops.len() >= 2, "{ops:#?}");
        for op in ops {
            let MachInst::F64 { inputs, .. } = op else { unreachable!() };
            assert!(inputs.len() <= 8, "{op:#?}");
        }
    }

    /// `if a < b` and `if !(a == b)` branch on the FPU flags: no 0/1 is
    /// materialised; the negated test swaps the targets.
    #[test]
    fn a_comparison_only_a_branch_reads_becomes_an_f64_branch() {
        use synth_ir::{Block, BlockCall, FunctionBuilder, InstKind, Signature, Terminator};
        for negate in [false, true] {
            let sig = Signature { params: vec![Type::I64; 2], results: vec![Type::I32] };
            let mut b = FunctionBuilder::new("br", sig);
            let p = b.block_params(Block(0)).to_vec();
            let l = if negate { Libcall::DCmpEq } else { Libcall::DCmpLt };
            let c = b.inst(InstKind::Call { callee: Callee::Libcall(l), sig: l.signature(), args: p.clone() }, &[Type::I32])[0];
            let cond = if negate { b.inst(InstKind::Eqz { ty: Type::I32, arg: c }, &[Type::I32])[0] } else { c };
            let (t, e) = (b.create_block(), b.create_block());
            b.terminate(Terminator::Branch {
                cond,
                then_dest: BlockCall { block: t, args: vec![] },
                else_dest: BlockCall { block: e, args: vec![] },
            });
            for (blk, v) in [(t, 1), (e, 2)] {
                b.switch_to_block(blk);
                let r = b.inst(InstKind::Iconst { ty: Type::I32, imm: v }, &[Type::I32])[0];
                b.terminate(Terminator::Return(vec![r]));
            }
            let vc = crate::isel::lower_for(&b.finish(), None, Fpu::Fpv5D16).expect("lowers");
            assert!(f64_insts(&vc).is_empty(), "no 0/1 computed");
            let brs: Vec<_> = vc.insts.iter().filter(|i| matches!(i, MachInst::F64Br { .. })).collect();
            let [MachInst::F64Br { tree, taken, not_taken, .. }] = brs[..] else { panic!("one F64Br: {:#?}", vc.insts) };
            let cc = if negate { Cond::Eq } else { Cond::Mi };
            assert_eq!(tree.op, F64Op::Cmp(cc));
            // Blocks in layout order: setup, entry, then-block, else-block.
            let (then_b, else_b) = (2, 3);
            assert_eq!((*taken, *not_taken), if negate { (else_b, then_b) } else { (then_b, else_b) });
        }
    }
}
