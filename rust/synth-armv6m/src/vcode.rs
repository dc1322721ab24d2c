//! The allocator's view of the lowered function: blocks flattened into one
//! instruction list implementing [`synth_regalloc::Function`].
//!
//! Takes: [`Lowered`]. Registers: r0-r7 are allocatable (the registers
//! nearly every ARMv6-M instruction can name), r4-r7 callee-saved; calls
//! clobber r0-r3, r12 and lr. Rematerialisable: a virtual register whose
//! only definition is a `MOVS #imm` or a literal load.

use synth_regalloc::{Operand, OperandKind, PReg, PRegSet, Reg};

use crate::inst::Inst;
use crate::lower::Lowered;

/// Machine code on virtual registers, flattened.
#[derive(Clone, Debug)]
pub struct VCode {
    /// Instructions in block-index order.
    pub insts: Vec<Inst>,
    /// Source location of each instruction.
    pub locs: Vec<synth_ir::SrcLoc>,
    /// Instruction range of each block.
    pub ranges: Vec<std::ops::Range<usize>>,
    succs: Vec<Vec<usize>>,
    preds: Vec<Vec<usize>>,
    operands: Vec<Vec<Operand>>,
    num_vregs: usize,
    /// The defining instruction of each rematerialisable virtual register.
    pub remat: Vec<Option<usize>>,
}

/// Registers a call clobbers: r0-r3, r12, lr.
pub fn call_clobbers() -> PRegSet {
    PRegSet::from_regs(&[PReg(0), PReg(1), PReg(2), PReg(3), PReg(12), PReg(14)])
}

impl VCode {
    /// Flattens `l`.
    pub fn new(l: &Lowered) -> VCode {
        let mut insts = Vec::new();
        let mut locs = Vec::new();
        let mut ranges = Vec::new();
        let mut succs = Vec::new();
        for b in &l.blocks {
            let start = insts.len();
            for (i, loc) in b {
                insts.push(i.clone());
                locs.push(*loc);
            }
            ranges.push(start..insts.len());
            let mut s = b.last().map(|(t, _)| t.succs()).unwrap_or_default();
            s.dedup();
            succs.push(s);
        }
        let mut preds = vec![Vec::new(); l.blocks.len()];
        for (b, ss) in succs.iter().enumerate() {
            for &s in ss {
                if !preds[s].contains(&b) {
                    preds[s].push(b);
                }
            }
        }
        let operands: Vec<Vec<Operand>> = insts
            .iter()
            .map(|i| i.operands().into_iter().map(|(reg, kind)| Operand { reg, kind }).collect())
            .collect();
        let n = l.num_vregs as usize;
        let mut defs = vec![0u32; n];
        let mut def_at = vec![None; n];
        for (k, ops) in operands.iter().enumerate() {
            for o in ops {
                if let (Some(v), OperandKind::Def | OperandKind::EarlyDef) = (o.reg.as_virt(), o.kind) {
                    defs[v as usize] += 1;
                    def_at[v as usize] = Some(k);
                }
            }
        }
        let remat = (0..n)
            .map(|v| {
                def_at[v].filter(|&k| defs[v] == 1 && matches!(insts[k], Inst::MovImm { .. } | Inst::LoadLit { .. }))
            })
            .collect();
        VCode { insts, locs, ranges, succs, preds, operands, num_vregs: n, remat }
    }
}

impl synth_regalloc::Function for VCode {
    fn num_blocks(&self) -> usize {
        self.ranges.len()
    }
    fn block_insts(&self, b: usize) -> std::ops::Range<usize> {
        self.ranges[b].clone()
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
        self.num_vregs
    }
    fn inst_operands(&self, i: usize) -> &[Operand] {
        &self.operands[i]
    }
    fn inst_clobbers(&self, i: usize) -> PRegSet {
        if self.insts[i].is_call() {
            call_clobbers()
        } else {
            PRegSet::EMPTY
        }
    }
    fn is_move(&self, i: usize) -> Option<(Reg, Reg)> {
        match self.insts[i] {
            Inst::Mov { rd, rm } => Some((rd, rm)),
            _ => None,
        }
    }
    fn is_rematerializable(&self, v: u32) -> bool {
        self.remat.get(v as usize).is_some_and(|d| d.is_some())
    }
    fn allocatable(&self) -> PRegSet {
        PRegSet(0xFF)
    }
    fn callee_saved(&self) -> PRegSet {
        PRegSet(0xF0)
    }
}
