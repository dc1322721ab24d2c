//! The allocator's own mutable copy of the code.
//!
//! Takes: a [`Function`]. Returns: a [`Prog`] whose instructions can be
//! rewritten (spilled virtual registers replaced by short temporaries)
//! while the control-flow graph stays the one of the input. Liveness
//! variables are numbered like [`Reg`]: 0..64 physical, 64.. virtual.
//!
//! A `Prog` holds one register class: the operands of the other class are
//! left out, and the class's physical registers are renumbered from 0
//! (s`n` becomes `n`), so everything downstream works on 32-bit register
//! masks whatever the class. Virtual registers keep their numbers (those
//! of the other class simply never occur).

use crate::{Function, Operand, OperandKind, PReg, PRegSet, Reg, RegClass};
use std::ops::Range;

/// One instruction's allocation-relevant facts.
#[derive(Clone, Debug)]
pub(crate) struct Inst {
    /// Register operands (may be rewritten to temporaries).
    pub ops: Vec<Operand>,
    /// Registers overwritten besides the operands.
    pub clobbers: PRegSet,
    /// For a removable move: (operand index of dst, operand index of src).
    pub mv: Option<(usize, usize)>,
    /// The instruction prefers r0-r7.
    pub low: bool,
    /// Bytes the instruction saves with all operands in r0-r7.
    pub gain: u32,
    /// Spill temporaries defined just before the instruction (reloads and
    /// rematerialisations).
    pub pre: Vec<u32>,
    /// Spill temporaries read just after the instruction (spill stores).
    pub post: Vec<u32>,
    /// For each operand, its index among the input instruction's operands.
    pub orig: Vec<usize>,
}

/// Mutable copy of the code plus the CFG and register facts.
#[derive(Clone, Debug)]
pub(crate) struct Prog {
    /// Instructions.
    pub insts: Vec<Inst>,
    /// Instruction range of each block.
    pub blocks: Vec<Range<usize>>,
    /// Successors of each block.
    pub succs: Vec<Vec<usize>>,
    /// Predecessors of each block.
    pub preds: Vec<Vec<usize>>,
    /// Block of each instruction.
    pub block_of: Vec<usize>,
    /// Number of virtual registers (grows as temporaries are added).
    pub num_vregs: usize,
    /// Number of virtual registers of the input.
    pub orig_vregs: usize,
    /// Allocatable registers.
    pub allocatable: PRegSet,
    /// Callee-saved allocatable registers.
    pub callee_saved: PRegSet,
    /// The register class this copy holds.
    pub class: RegClass,
    /// Input virtual registers of the class.
    pub class_vregs: usize,
}

impl Prog {
    /// Copies the integer class of `func` (see [`Prog::from_func_class`]).
    #[cfg(test)]
    pub(crate) fn from_func<F: Function>(func: &F) -> Prog {
        Prog::from_func_class(func, RegClass::Int)
    }

    /// Copies the operands of class `class` of `func`. Out-of-range
    /// blocks, successors and virtual registers are clamped or counted so
    /// later stages never index out of bounds.
    pub(crate) fn from_func_class<F: Function>(func: &F, class: RegClass) -> Prog {
        let n = func.num_insts();
        let nb = func.num_blocks();
        let mut num_vregs = func.num_vregs();
        let mut insts = Vec::with_capacity(n);
        let base = class.base();
        for i in 0..n {
            let mut ops = Vec::new();
            let mut orig = Vec::new();
            for (k, o) in func.inst_operands(i).iter().enumerate() {
                let o = match (o.reg.as_phys(), o.reg.as_virt()) {
                    (Some(p), _) if p.class() == class => Operand { reg: Reg::phys(PReg(p.0 - base)), kind: o.kind },
                    (None, Some(v)) if func.vreg_class(v) == class => {
                        num_vregs = num_vregs.max(v as usize + 1);
                        *o
                    }
                    _ => continue,
                };
                ops.push(o);
                orig.push(k);
            }
            let fo = func.inst_operands(i);
            let mv = func.is_move(i).and_then(|(d, s)| {
                let di = orig.iter().position(|&k| fo[k].reg == d && fo[k].kind == OperandKind::Def)?;
                let si = orig.iter().position(|&k| fo[k].reg == s && fo[k].kind == OperandKind::Use)?;
                Some((di, si))
            });
            insts.push(Inst {
                ops,
                clobbers: PRegSet(func.inst_clobbers(i).class_bits(class) as u64),
                mv,
                low: func.prefers_low_regs(i),
                gain: func.low_reg_gain(i),
                pre: Vec::new(),
                post: Vec::new(),
                orig,
            });
        }
        let mut blocks = Vec::with_capacity(nb);
        let mut block_of = vec![0; n];
        for b in 0..nb {
            let r = func.block_insts(b);
            let r = r.start.min(n)..r.end.min(n);
            for bo in &mut block_of[r.clone()] {
                *bo = b;
            }
            blocks.push(r);
        }
        let class_vregs = (0..num_vregs as u32).filter(|&v| func.vreg_class(v) == class).count();
        let clean = |v: &[usize]| v.iter().copied().filter(|&s| s < nb).collect::<Vec<_>>();
        let succs = (0..nb).map(|b| clean(func.block_succs(b))).collect();
        let preds = (0..nb).map(|b| clean(func.block_preds(b))).collect();
        Prog {
            insts,
            blocks,
            succs,
            preds,
            block_of,
            num_vregs,
            orig_vregs: num_vregs,
            allocatable: PRegSet(func.allocatable().class_bits(class) as u64),
            callee_saved: PRegSet((func.callee_saved().0 & func.allocatable().0) >> base & 0xffff_ffff),
            class,
            class_vregs,
        }
    }

    /// True when the class has no operand at all (nothing to allocate).
    pub(crate) fn is_empty(&self) -> bool {
        self.insts.iter().all(|i| i.ops.is_empty())
    }

    /// Number of liveness variables (32 physical + virtual).
    pub(crate) fn num_vars(&self) -> usize {
        Reg::VIRT_BASE as usize + self.num_vregs
    }

    /// Adds a fresh virtual register and returns its index.
    pub(crate) fn new_vreg(&mut self) -> u32 {
        self.num_vregs += 1;
        (self.num_vregs - 1) as u32
    }
}

/// True for `Def` and `EarlyDef`.
pub(crate) fn is_def(k: OperandKind) -> bool {
    matches!(k, OperandKind::Def | OperandKind::EarlyDef)
}
