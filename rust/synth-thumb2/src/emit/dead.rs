//! Dead definitions after register allocation: instructions and allocator
//! edits that only write registers nobody reads afterwards.
//!
//! Takes: the [`VCode`] and the allocator's [`Output`]. Returns: [`Dead`],
//! which instructions and which edits emission may skip.
//!
//! Such code appears when the allocator rematerialises a value at every use
//! (the original constant load in the loop preheader is then unused), when
//! a parallel copy writes a register that a later copy overwrites, or when a
//! reload feeds nothing. Only side-effect-free definitions are candidates:
//! register moves and constants, plain ALU operations, reloads and
//! rematerialisations; never memory, calls, branches or flag consumers
//! (flags never live between machine instructions).
//!
//! Analysis: strong liveness of physical registers, backwards over each
//! block's sequence of (edits before, instruction, edits after), iterated
//! over the CFG (a worklist of blocks) to the least fixed point: an instruction that is itself
//! dead contributes no uses, so chains of dead copies go together.

use crate::inst::MachInst;
use crate::vcode::VCode;
use synth_regalloc::{Edit, InstPos, Loc, OperandKind, Output};

/// What emission may skip.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dead {
    /// `insts[i]`: instruction `i` defines only dead registers.
    pub insts: Vec<bool>,
    /// `edits[k]`: `alloc.edits[k]` writes only a dead register.
    pub edits: Vec<bool>,
}

/// One step of a block in program order.
#[derive(Clone, Copy)]
enum Item {
    Edit(usize),
    Inst(usize),
}

/// Register effects of one item: (uses, defs, removable).
fn effects(vcode: &VCode, alloc: &Output, item: Item) -> (u64, u64, bool) {
    match item {
        Item::Edit(k) => match alloc.edits[k].1 {
            Edit::Move { from, to } => {
                let bit = |l: Loc| if let Loc::Reg(r) = l { 1u64 << r.0 } else { 0 };
                // A store to a slot has an effect on memory: kept.
                (bit(from), bit(to), matches!(to, Loc::Reg(_)))
            }
            Edit::Remat { to, .. } => (0, 1u64 << to.0, true),
        },
        Item::Inst(i) => {
            let allocs = alloc.allocs.get(i).map(|v| v.as_slice()).unwrap_or(&[]);
            let ops = vcode.insts[i].operands();
            let (mut uses, mut defs) = (0u64, 0u64);
            for (o, p) in ops.iter().zip(allocs) {
                match o.kind {
                    OperandKind::Use => uses |= 1u64 << p.0,
                    OperandKind::Def | OperandKind::EarlyDef => defs |= 1u64 << p.0,
                }
            }
            defs |= vcode.insts[i].clobbers().0;
            let pure = matches!(
                vcode.insts[i],
                MachInst::Mov { .. }
                    | MachInst::VMov { .. }
                    | MachInst::MovImm { .. }
                    | MachInst::MovSym { .. }
                    | MachInst::Mvn { .. }
                    | MachInst::Alu { .. }
                    | MachInst::AluImm { .. }
                    | MachInst::AluShift { .. }
                    | MachInst::ShiftImm { .. }
                    | MachInst::Extend { .. }
                    | MachInst::Bfx { .. }
                    | MachInst::VMovFromS { .. }
                    | MachInst::VMovImm { .. }
            );
            (uses, defs, pure && ops.len() == allocs.len())
        }
    }
}

/// The items of block `b` in program order (removed moves left out).
fn block_items(vcode: &VCode, alloc: &Output, b: usize) -> Vec<Item> {
    let range = vcode.blocks[b].range.clone();
    let lo = alloc.edits.partition_point(|(pp, _)| (pp.inst as usize) < range.start);
    let hi = alloc.edits.partition_point(|(pp, _)| (pp.inst as usize) < range.end);
    let mut items = Vec::with_capacity(range.len() + hi - lo);
    let mut k = lo;
    for i in range {
        while k < hi && alloc.edits[k].0.inst as usize == i && alloc.edits[k].0.pos == InstPos::Before {
            items.push(Item::Edit(k));
            k += 1;
        }
        if !alloc.removed_moves.get(i).copied().unwrap_or(false) {
            items.push(Item::Inst(i));
        }
        while k < hi && alloc.edits[k].0.inst as usize == i && alloc.edits[k].0.pos == InstPos::After {
            items.push(Item::Edit(k));
            k += 1;
        }
    }
    items
}

/// Finds the dead definitions of an allocated function.
pub fn find(vcode: &VCode, alloc: &Output) -> Dead {
    let nb = vcode.blocks.len();
    let items: Vec<Vec<Item>> = (0..nb).map(|b| block_items(vcode, alloc, b)).collect();
    let effects: Vec<Vec<(u64, u64, bool)>> =
        items.iter().map(|its| its.iter().map(|&it| effects(vcode, alloc, it)).collect()).collect();
    let mut live_in = vec![0u64; nb];
    let mut dead = Dead { insts: vec![false; vcode.insts.len()], edits: vec![false; alloc.edits.len()] };
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); nb];
    for (b, blk) in vcode.blocks.iter().enumerate() {
        for &s in &blk.succs {
            if let Some(p) = preds.get_mut(s) {
                p.push(b);
            }
        }
    }
    // A worklist: a block is visited again only when the live-in set of a
    // successor grew (a round-robin sweep until nothing changes took as
    // many sweeps as the CFG is deep: 3,000 nested blocks, 12,000 sweeps).
    // Popped from the end, so the first pass runs in reverse block order.
    let mut work: Vec<usize> = (0..nb).collect();
    let mut queued = vec![true; nb];
    while let Some(b) = work.pop() {
        queued[b] = false;
        let mut live = vcode.blocks[b].succs.iter().fold(0u64, |m, &s| m | live_in[s]);
        for (&item, &(uses, defs, removable)) in items[b].iter().zip(&effects[b]).rev() {
            let is_dead = removable && defs != 0 && defs & live == 0;
            match item {
                Item::Inst(i) => dead.insts[i] = is_dead,
                Item::Edit(k) => dead.edits[k] = is_dead,
            }
            if !is_dead {
                live = (live & !defs) | uses;
            }
        }
        if live | live_in[b] != live_in[b] {
            live_in[b] |= live;
            for &p in &preds[b] {
                if !queued[p] {
                    queued[p] = true;
                    work.push(p);
                }
            }
        }
    }
    dead
}
