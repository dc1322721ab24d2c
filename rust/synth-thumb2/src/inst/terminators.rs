//! Control flow of a [`MachInst`]: whether it ends a block, and its
//! successor blocks.
//!
//! Takes: a [`MachInst`]. Returns: [`MachInst::is_term`],
//! [`MachInst::succs`], and [`MachInst::replace_succ`] rewriting a
//! successor in place.

use super::MachInst;

impl MachInst {
    /// True for block terminators.
    pub fn is_term(&self) -> bool {
        matches!(
            self,
            MachInst::Jump { .. }
                | MachInst::CmpBr { .. }
                | MachInst::Cmp64Br { .. }
                | MachInst::F64Br { .. }
                | MachInst::VCmpBr { .. }
                | MachInst::BrTable { .. }
                | MachInst::Ret { .. }
                | MachInst::TailCall { .. }
                | MachInst::TrapTerm { .. }
        )
    }

    /// Successor blocks of a terminator (empty for other instructions).
    pub fn succs(&self) -> Vec<usize> {
        match self {
            MachInst::Jump { target } => vec![*target],
            MachInst::CmpBr { taken, not_taken, .. }
            | MachInst::Cmp64Br { taken, not_taken, .. }
            | MachInst::F64Br { taken, not_taken, .. }
            | MachInst::VCmpBr { taken, not_taken, .. } => {
                vec![*taken, *not_taken]
            }
            MachInst::BrTable { targets, default, .. } => {
                let mut v = targets.clone();
                v.push(*default);
                v
            }
            _ => vec![],
        }
    }

    /// Rewrites terminator successor `from` to `to`.
    pub fn replace_succ(&mut self, from: usize, to: usize) {
        let fix = |b: &mut usize| {
            if *b == from {
                *b = to;
            }
        };
        match self {
            MachInst::Jump { target } => fix(target),
            MachInst::CmpBr { taken, not_taken, .. }
            | MachInst::Cmp64Br { taken, not_taken, .. }
            | MachInst::F64Br { taken, not_taken, .. }
            | MachInst::VCmpBr { taken, not_taken, .. } => {
                fix(taken);
                fix(not_taken);
            }
            MachInst::BrTable { targets, default, .. } => {
                targets.iter_mut().for_each(fix);
                fix(default);
            }
            _ => {}
        }
    }
}
