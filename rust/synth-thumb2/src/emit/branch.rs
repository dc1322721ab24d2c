//! Branches: jump threading and the two-way branch sequences of block
//! terminators.
//!
//! Takes: the [`VCode`] and the allocator's [`Output`] ([`thread_jumps`]),
//! or a terminator's condition and successor blocks (the [`Emitter`]
//! methods). Returns: per block, the block its label resolves to; and the
//! branches placed in the assembler, falling through into the next placed
//! block where possible.

use super::Emitter;
use crate::inst::{MachInst, Rhs};
use crate::vcode::VCode;
use synth_regalloc::Output;
use synth_thumb2_enc::{self as enc, Cond};

/// Jump threading: a block that is only a `Jump` once its copies are
/// coalesced away (no surviving moves, no allocator edits) is not emitted;
/// branches to it go to its final target. Returns, per block, the block its
/// label resolves to (itself when emitted).
pub(super) fn thread_jumps(vcode: &VCode, alloc: &Output) -> Vec<usize> {
    let n = vcode.blocks.len();
    let mut has_edit = vec![false; vcode.insts.len()];
    for (pp, _) in &alloc.edits {
        if let Some(h) = has_edit.get_mut(pp.inst as usize) {
            *h = true;
        }
    }
    let mut direct: Vec<Option<usize>> = (0..n)
        .map(|b| {
            let r = vcode.blocks[b].range.clone();
            if b == 0 || r.is_empty() || r.clone().any(|i| has_edit[i]) {
                return None;
            }
            let last = r.end - 1;
            let body_empty = (r.start..last).all(|i| {
                matches!(vcode.insts[i], MachInst::Mov { .. } | MachInst::VMov { .. })
                    && alloc.removed_moves.get(i).copied().unwrap_or(false)
            });
            match vcode.insts[last] {
                MachInst::Jump { target } if body_empty && target != b => Some(target),
                _ => None,
            }
        })
        .collect();
    let resolve = |direct: &[Option<usize>]| -> Vec<usize> {
        (0..n)
            .map(|b| {
                let mut cur = b;
                for _ in 0..n {
                    match direct[cur] {
                        Some(t) => cur = t,
                        None => return cur,
                    }
                }
                b // a cycle of empty jumps: keep the block
            })
            .collect()
    };
    let fwd = resolve(&direct);
    // TBH only jumps forwards: a table target that would resolve to a block
    // at or before the table stays as a trampoline.
    let mut changed = false;
    for (s, bl) in vcode.blocks.iter().enumerate() {
        if let Some(MachInst::BrTable { targets, .. }) = bl.range.clone().last().map(|i| &vcode.insts[i]) {
            for &t in targets {
                if fwd[t] <= s && direct[t].is_some() {
                    direct[t] = None;
                    changed = true;
                }
            }
        }
    }
    if changed {
        resolve(&direct)
    } else {
        fwd
    }
}

/// `Some(nz)` when `CMP rn, rhs` then `cc` is a test of `rn` against zero
/// that `CBZ` (`nz` false) or `CBNZ` (`nz` true) can do.
pub(super) fn zero_test(cc: Cond, rhs: Rhs) -> Option<bool> {
    match (cc, rhs) {
        (Cond::Eq, Rhs::Imm(0)) => Some(false),
        (Cond::Ne, Rhs::Imm(0)) => Some(true),
        _ => None,
    }
}

impl Emitter<'_> {
    /// `CMP` done; branch on `cc` to `taken`, else to `not_taken`, using
    /// fallthrough into `next` where possible.
    pub(super) fn branch2(&mut self, cc: Cond, taken: usize, not_taken: usize, next: usize) {
        self.two_way(taken, not_taken, next, |asm, holds, target| {
            asm.b_cond(if holds { cc } else { cc.invert() }, target)
        });
    }

    /// Branch on `rn` being zero (`nz` false) or not (`nz` true) to
    /// `taken`, else to `not_taken`: `CBZ`/`CBNZ` (which the assembler turns
    /// into `CMP #0; B<EQ/NE>` when out of reach), with fallthrough into
    /// `next` where possible.
    pub(super) fn branch_zero(&mut self, rn: enc::Reg, nz: bool, taken: usize, not_taken: usize, next: usize) {
        self.two_way(taken, not_taken, next, |asm, holds, target| asm.cbz(nz == holds, rn, target));
    }

    /// A two-way branch to `taken` / `not_taken` (after jump threading),
    /// falling through into `next` where possible. `cond_branch(asm, holds,
    /// target)` emits the conditional branch taken when the condition holds
    /// (`holds` true) or when it does not (`holds` false).
    fn two_way(
        &mut self,
        taken: usize,
        not_taken: usize,
        next: usize,
        cond_branch: impl Fn(&mut enc::Assembler, bool, enc::Label),
    ) {
        let (taken, not_taken) = (self.fwd[taken], self.fwd[not_taken]);
        if taken == not_taken {
            if taken != next {
                self.asm.b(self.labels[taken]);
                self.barrier = true;
            }
        } else if taken == next {
            cond_branch(&mut self.asm, false, self.labels[not_taken]);
        } else {
            cond_branch(&mut self.asm, true, self.labels[taken]);
            if not_taken != next {
                self.asm.b(self.labels[not_taken]);
                self.barrier = true;
            }
        }
    }
}
