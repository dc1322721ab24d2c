//! VCode: blocks of [`MachInst`]s on virtual registers, the allocator's view.
//!
//! Takes: the instruction lists built by [`crate::isel`]. Returns: a
//! [`VCode`] implementing [`synth_regalloc::Function`] (operands, clobbers,
//! moves, rematerialisable constants) plus the frame facts isel learnt
//! (outgoing-argument and local area sizes, whether it calls).

use synth_ir::SrcLoc;
use crate::abi;
use crate::inst::MachInst;
use synth_regalloc::{Operand, OperandKind, PRegSet, Reg, RegClass};

/// One block: a contiguous range of instructions, the last a terminator.
#[derive(Clone, Debug, Default)]
pub struct VBlock {
    /// Instruction indices.
    pub range: std::ops::Range<usize>,
    /// Successors.
    pub succs: Vec<usize>,
    /// Predecessors.
    pub preds: Vec<usize>,
}

/// Frame facts known after instruction selection.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FrameNeeds {
    /// Bytes of the outgoing stack-argument area (largest call; 8-aligned).
    pub outgoing_bytes: u32,
    /// Bytes of the local area (sret buffers; 8-aligned).
    pub local_bytes: u32,
    /// True when the function contains a call (lr must be saved).
    pub has_calls: bool,
}

/// Machine code of one function on virtual registers.
#[derive(Clone, Debug)]
pub struct VCode {
    /// Instructions in layout order.
    pub insts: Vec<MachInst>,
    /// Blocks in layout order.
    pub blocks: Vec<VBlock>,
    operands: Vec<Vec<Operand>>,
    clobbers: Vec<PRegSet>,
    num_vregs: usize,
    /// For each virtual register, the index of its single defining
    /// instruction when that is a `MovImm`/`MovSym`.
    remat: Vec<Option<usize>>,
    /// Frame facts.
    pub frame: FrameNeeds,
    /// The FPU the code may use (VFP instructions are assembled for it).
    pub fpu: synth_thumb2_enc::Fpu,
    /// `float[v]`: virtual register `v` holds an S register value.
    float: Vec<bool>,
    /// The source location of each instruction (parallel to `insts`; side
    /// data for the line table, see [`crate::emit::lines`]).
    pub locs: Vec<SrcLoc>,
}

impl VCode {
    /// Builds the VCode from per-block instruction lists (each ending in a
    /// terminator). Removes constants nobody reads.
    pub fn new(block_insts: Vec<Vec<MachInst>>, num_vregs: usize, frame: FrameNeeds) -> VCode {
        let locs = block_insts.iter().map(|b| vec![SrcLoc::NONE; b.len()]).collect();
        VCode::with_locs(block_insts, locs, num_vregs, frame)
    }

    /// [`VCode::new`] with the source location of each instruction
    /// (`block_locs[b][k]` for `block_insts[b][k]`).
    pub fn with_locs(
        mut block_insts: Vec<Vec<MachInst>>,
        mut block_locs: Vec<Vec<SrcLoc>>,
        num_vregs: usize,
        frame: FrameNeeds,
    ) -> VCode {
        assert!(
            block_locs.len() == block_insts.len() && block_locs.iter().zip(&block_insts).all(|(l, i)| l.len() == i.len()),
            "one source location per instruction"
        );
        // Dead constants (folded into immediates by isel) go away.
        let mut used = vec![false; num_vregs];
        for insts in &block_insts {
            for i in insts {
                for op in i.operands() {
                    if op.kind == OperandKind::Use {
                        if let Some(v) = op.reg.as_virt() {
                            used[v as usize] = true;
                        }
                    }
                }
            }
        }
        for (insts, locs) in block_insts.iter_mut().zip(&mut block_locs) {
            let keep: Vec<bool> = insts
                .iter()
                .map(|i| match i {
                    MachInst::MovImm { rd, .. } | MachInst::MovSym { rd, .. } => match rd.as_virt() {
                        Some(v) => used[v as usize],
                        None => true,
                    },
                    _ => true,
                })
                .collect();
            let mut k = 0;
            insts.retain(|_| (keep[k], k += 1).0);
            k = 0;
            locs.retain(|_| (keep[k], k += 1).0);
        }
        let locs: Vec<SrcLoc> = block_locs.into_iter().flatten().collect();
        let mut insts = Vec::new();
        let mut blocks = Vec::with_capacity(block_insts.len());
        for bi in block_insts {
            let start = insts.len();
            let mut succs = bi.last().map(|t| t.succs()).unwrap_or_default();
            let mut seen = std::collections::HashSet::new();
            succs.retain(|s| seen.insert(*s));
            insts.extend(bi);
            blocks.push(VBlock { range: start..insts.len(), succs, preds: Vec::new() });
        }
        for b in 0..blocks.len() {
            for s in blocks[b].succs.clone() {
                blocks[s].preds.push(b);
            }
        }
        let operands: Vec<Vec<Operand>> = insts.iter().map(|i| i.operands()).collect();
        let clobbers = insts.iter().map(|i| i.clobbers()).collect();
        let mut def_count = vec![0u32; num_vregs];
        let mut remat = vec![None; num_vregs];
        for (k, ops) in operands.iter().enumerate() {
            for op in ops {
                if op.kind != OperandKind::Use {
                    if let Some(v) = op.reg.as_virt() {
                        def_count[v as usize] += 1;
                        if matches!(insts[k], MachInst::MovImm { .. } | MachInst::MovSym { .. } | MachInst::VMovImm { .. }) {
                            remat[v as usize] = Some(k);
                        }
                    }
                }
            }
        }
        for v in 0..num_vregs {
            if def_count[v] != 1 {
                remat[v] = None;
            }
        }
        VCode {
            insts,
            blocks,
            operands,
            clobbers,
            num_vregs,
            remat,
            frame,
            locs,
            fpu: synth_thumb2_enc::Fpu::None,
            float: Vec::new(),
        }
    }

    /// Marks the floating-point-class virtual registers (`float[v]`) and
    /// the FPU that executes them.
    pub fn with_float(mut self, float: Vec<bool>, fpu: synth_thumb2_enc::Fpu) -> VCode {
        self.float = float;
        self.fpu = fpu;
        self
    }

    /// The defining instruction of a rematerialisable register.
    pub fn remat_inst(&self, v: u32) -> Option<&MachInst> {
        self.remat.get(v as usize).copied().flatten().map(|k| &self.insts[k])
    }
}

impl synth_regalloc::Function for VCode {
    fn num_blocks(&self) -> usize {
        self.blocks.len()
    }
    fn block_insts(&self, b: usize) -> std::ops::Range<usize> {
        self.blocks[b].range.clone()
    }
    fn block_succs(&self, b: usize) -> &[usize] {
        &self.blocks[b].succs
    }
    fn block_preds(&self, b: usize) -> &[usize] {
        &self.blocks[b].preds
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
        self.clobbers[i]
    }
    fn is_move(&self, i: usize) -> Option<(Reg, Reg)> {
        match self.insts[i] {
            MachInst::Mov { rd, rm } | MachInst::VMov { sd: rd, sm: rm } => Some((rd, rm)),
            _ => None,
        }
    }
    fn is_rematerializable(&self, v: u32) -> bool {
        self.remat_inst(v).is_some()
    }
    fn prefers_low_regs(&self, i: usize) -> bool {
        !matches!(self.insts[i], MachInst::Call { .. } | MachInst::Args { .. })
    }
    fn low_reg_gain(&self, i: usize) -> u32 {
        self.insts[i].low_reg_gain()
    }
    fn vreg_class(&self, v: u32) -> RegClass {
        if self.float.get(v as usize).copied().unwrap_or(false) {
            RegClass::Float
        } else {
            RegClass::Int
        }
    }
    fn allocatable(&self) -> PRegSet {
        if self.fpu == synth_thumb2_enc::Fpu::None {
            abi::allocatable()
        } else {
            abi::allocatable().union(abi::vfp_allocatable())
        }
    }
    fn callee_saved(&self) -> PRegSet {
        if self.fpu == synth_thumb2_enc::Fpu::None {
            abi::callee_saved()
        } else {
            abi::callee_saved().union(abi::vfp_callee_saved())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use synth_regalloc::Function;

    #[test]
    fn blocks_preds_and_dead_constants() {
        let v = Reg::virt;
        let b0 = vec![
            MachInst::MovImm { rd: v(0), imm: 5 },
            MachInst::MovImm { rd: v(1), imm: 7 }, // dead
            MachInst::CmpBr {
                cc: synth_thumb2_enc::Cond::Eq,
                rn: v(0),
                rhs: crate::inst::Rhs::Imm(0),
                taken: 1,
                not_taken: 2,
            },
        ];
        let b1 = vec![MachInst::Jump { target: 2 }];
        let b2 = vec![MachInst::Ret { uses: vec![] }];
        let vc = VCode::new(vec![b0, b1, b2], 2, FrameNeeds::default());
        assert_eq!(vc.num_insts(), 4);
        assert_eq!(vc.block_insts(0), 0..2);
        assert_eq!(vc.block_succs(0), &[1, 2]);
        assert_eq!(vc.block_preds(2), &[0, 1]);
        assert!(vc.is_rematerializable(0));
        assert!(!vc.is_rematerializable(1));
    }

    #[test]
    fn multiply_defined_register_is_not_remat() {
        let v = Reg::virt;
        let b0 = vec![
            MachInst::MovImm { rd: v(0), imm: 5 },
            MachInst::MovImm { rd: v(0), imm: 6 },
            MachInst::Mov { rd: v(1), rm: v(0) },
            MachInst::Ret { uses: vec![] },
        ];
        let vc = VCode::new(vec![b0], 2, FrameNeeds::default());
        assert!(!vc.is_rematerializable(0));
        assert_eq!(vc.is_move(2), Some((v(1), v(0))));
    }
}
