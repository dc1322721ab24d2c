//! Block placement for emission.
//!
//! Takes: the [`VCode`] and the jump-threading map (`fwd[b]` is the block
//! that `b`'s label resolves to; `b` is emitted when `fwd[b] == b`).
//! Returns: the emitted blocks in placement order, block 0 first.
//!
//! Emission already inverts a conditional branch so that the next block is
//! the fall-through and drops a `B` to the next block, so every successor
//! that is placed right after its predecessor saves a branch. Placement is
//! greedy chaining: after a block, its first not-yet-placed successor
//! (resolved through `fwd`; the block after it in VCode order first, which
//! keeps isel's fall-throughs, then the lowest VCode index) comes next;
//! when none is left, the lowest-index unplaced block starts a new chain.
//! A block that is the target of a jump table is only chained once every
//! table targeting it is placed, so tables keep jumping forwards (as isel
//! and jump threading arrange).

use crate::inst::MachInst;
use crate::vcode::VCode;

/// The emitted blocks (those with `fwd[b] == b`) in placement order.
pub(super) fn place(vcode: &VCode, fwd: &[usize]) -> Vec<usize> {
    let n = vcode.blocks.len();
    let emitted = |b: usize| fwd.get(b) == Some(&b);
    let term = |b: usize| {
        vcode.blocks[b]
            .range
            .clone()
            .last()
            .map(|i| &vcode.insts[i])
    };
    // Unplaced jump tables targeting each block.
    let mut tables_left = vec![0usize; n];
    for b in (0..n).filter(|&b| emitted(b)) {
        if let Some(MachInst::BrTable {
            targets, default, ..
        }) = term(b)
        {
            for &t in targets.iter().chain(std::iter::once(default)) {
                if let Some(c) = fwd.get(t).and_then(|&f| tables_left.get_mut(f)) {
                    *c += 1;
                }
            }
        }
    }
    let mut placed = vec![false; n];
    let mut order = Vec::with_capacity(n);
    let mut scan = 0usize;
    let mut cur = if n > 0 && emitted(0) { Some(0) } else { None };
    loop {
        let b = match cur {
            Some(b) => b,
            None => {
                while scan < n && (placed[scan] || !emitted(scan)) {
                    scan += 1;
                }
                if scan == n {
                    break;
                }
                scan
            }
        };
        placed[b] = true;
        order.push(b);
        let Some(t) = term(b) else {
            cur = None;
            continue;
        };
        if let MachInst::BrTable {
            targets, default, ..
        } = t
        {
            for &s in targets.iter().chain(std::iter::once(default)) {
                if let Some(c) = fwd.get(s).and_then(|&f| tables_left.get_mut(f)) {
                    *c = c.saturating_sub(1);
                }
            }
            // A table jumps by itself; its fall-through is the default `BHS`
            // only, so keep source order after it.
            cur = None;
            continue;
        }
        // The next emitted block in VCode order first (keeping isel's
        // fall-throughs), then the lowest-index successor.
        let orig_next = (b + 1..n).find(|&s| emitted(s));
        let mut succs: Vec<usize> = t.succs().into_iter().filter_map(|s| fwd.get(s).copied()).collect();
        succs.sort_unstable_by_key(|&s| (Some(s) != orig_next, s));
        cur = succs.into_iter().find(|&s| s < n && !placed[s] && emitted(s) && tables_left[s] == 0);
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inst::Rhs;
    use synth_regalloc::Reg;
    use synth_thumb2_enc::Cond;

    fn ret() -> MachInst {
        MachInst::Ret { uses: vec![] }
    }

    fn cmp_br(taken: usize, not_taken: usize) -> MachInst {
        MachInst::CmpBr {
            cc: Cond::Ne,
            rn: Reg::phys(synth_regalloc::PReg(0)),
            rhs: Rhs::Imm(3),
            taken,
            not_taken,
        }
    }

    fn vcode(blocks: Vec<Vec<MachInst>>) -> VCode {
        VCode::new(blocks, 0, Default::default())
    }

    #[test]
    fn loop_exit_follows_latch() {
        // 0 -> 2; 1: exit (ret); 2: loop latch branching to itself or 1.
        let v = vcode(vec![
            vec![MachInst::Jump { target: 2 }],
            vec![ret()],
            vec![cmp_br(2, 1)],
        ]);
        let fwd: Vec<usize> = (0..3).collect();
        assert_eq!(place(&v, &fwd), vec![0, 2, 1]);
    }

    #[test]
    fn threaded_blocks_are_skipped_and_all_others_placed() {
        // Block 1 is threaded to 3; 2 is unreachable by chaining.
        let v = vcode(vec![
            vec![MachInst::Jump { target: 1 }],
            vec![MachInst::Jump { target: 3 }],
            vec![ret()],
            vec![cmp_br(2, 0)],
        ]);
        let fwd = vec![0, 3, 2, 3];
        assert_eq!(place(&v, &fwd), vec![0, 3, 2]);
    }

    #[test]
    fn table_targets_wait_for_their_table() {
        // 0 jumps to 2 (a table to 1 and 3); 1 must not be chained before 2
        // even though 0's successor order would allow it.
        let v = vcode(vec![
            vec![cmp_br(1, 2)],
            vec![ret()],
            vec![MachInst::BrTable {
                idx: Reg::phys(synth_regalloc::PReg(0)),
                limit: None,
                targets: vec![1, 3],
                default: 3,
            }],
            vec![ret()],
        ]);
        let fwd: Vec<usize> = (0..4).collect();
        let order = place(&v, &fwd);
        assert_eq!(order, vec![0, 2, 1, 3]);
    }
}
