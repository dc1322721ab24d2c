//! The fallback rung: every virtual register lives in its own spill slot.
//!
//! Takes: a [`Prog`]. Returns: per-operand registers and edits such that, at
//! each instruction, used virtual registers are reloaded (or
//! rematerialised) into free registers just before it and defined ones are
//! stored just after it. Nothing but physical (precoloured) values stays in
//! a register between instructions. "Free" means allocatable and not a
//! fixed operand, clobber, or physical register live before or after the
//! instruction. Deliberately simple: defence in depth, never the normal
//! path.

use crate::liveness::{self, for_each_inst_rev};
use crate::prog::{is_def, Prog};
use crate::{Edit, InstPos, Loc, OperandKind, PReg, ProgPoint};

/// Allocation produced by a rung before stats are attached.
#[derive(Clone, Debug)]
pub(crate) struct RawAlloc {
    /// Register per operand.
    pub allocs: Vec<Vec<PReg>>,
    /// Sorted edits.
    pub edits: Vec<(ProgPoint, Edit)>,
    /// Moves made no-ops.
    pub removed_moves: Vec<bool>,
    /// Spill slots used.
    pub num_slots: u32,
    /// Input virtual registers that were spilled (given a slot or
    /// rematerialised at their uses), sorted.
    pub spilled: Vec<u32>,
    /// The base rung's compile-time budget was hit (`budget.rs`).
    pub budget_hit: bool,
}

/// Runs the fallback allocator. `remat[v]` says whether input vreg `v` is
/// rematerialisable.
pub(crate) fn allocate(prog: &Prog, remat: &[bool]) -> RawAlloc {
    let n = prog.insts.len();
    let lv = liveness::compute(prog);
    // Physical registers live around each instruction.
    let mut phys_around = vec![0u32; n];
    for_each_inst_rev(prog, &lv, |i, after| {
        let mut before = after.clone();
        liveness::step_back(prog, i, &mut before);
        phys_around[i] = after.low32() | before.low32();
    });
    let mut slot_of: Vec<Option<u32>> = vec![None; prog.num_vregs];
    let mut num_slots = 0u32;
    let mut slot = |v: usize| -> u32 {
        *slot_of[v].get_or_insert_with(|| {
            num_slots += 1;
            num_slots - 1
        })
    };
    let is_remat = |v: usize| remat.get(v).copied().unwrap_or(false);
    let mut allocs = Vec::with_capacity(n);
    let mut edits = Vec::new();
    for (i, inst) in prog.insts.iter().enumerate() {
        let mut avoid = phys_around[i] | inst.clobbers.lo();
        for o in &inst.ops {
            if let Some(p) = o.reg.as_phys() {
                avoid |= 1 << p.0;
            }
        }
        let mut free: Vec<PReg> = prog.allocatable.iter().filter(|p| avoid & (1 << p.0) == 0).collect();
        free.reverse(); // pop() hands out low registers first
        let mut alloc = vec![PReg(0); inst.ops.len()];
        // (vreg, reg) of each distinct used vreg.
        let mut use_regs: Vec<(u32, PReg)> = Vec::new();
        let mut spare_for_defs: Vec<PReg> = Vec::new();
        for (k, o) in inst.ops.iter().enumerate() {
            match (o.reg.as_phys(), o.reg.as_virt()) {
                (Some(p), _) => alloc[k] = p,
                (None, Some(v)) if o.kind == OperandKind::Use => {
                    if let Some(&(_, r)) = use_regs.iter().find(|(u, _)| *u == v) {
                        alloc[k] = r;
                        continue;
                    }
                    // Running out here needs more distinct operands than
                    // registers: impossible for real instructions; the
                    // checker reports it if it ever happens.
                    let r = free.pop().unwrap_or(PReg(0));
                    use_regs.push((v, r));
                    spare_for_defs.push(r);
                    alloc[k] = r;
                    let pt = ProgPoint { inst: i as u32, pos: InstPos::Before };
                    let e = if is_remat(v as usize) {
                        Edit::Remat { vreg: v, to: r }
                    } else {
                        Edit::Move { from: Loc::Slot(slot(v as usize)), to: Loc::Reg(r) }
                    };
                    edits.push((pt, e));
                }
                _ => {}
            }
        }
        let mut def_regs: Vec<(u32, PReg)> = Vec::new();
        for (k, o) in inst.ops.iter().enumerate() {
            let Some(v) = o.reg.as_virt() else { continue };
            if !is_def(o.kind) {
                continue;
            }
            if let Some(&(_, r)) = def_regs.iter().find(|(d, _)| *d == v) {
                alloc[k] = r;
                continue;
            }
            // A late def may reuse its own use's register, or any use
            // register once free ones run out (uses are read first).
            let own = use_regs.iter().find(|(u, _)| *u == v).map(|&(_, r)| r);
            let r = match (o.kind, own) {
                (OperandKind::Def, Some(r)) => {
                    spare_for_defs.retain(|&s| s != r);
                    r
                }
                (OperandKind::Def, None) => free.pop().or_else(|| spare_for_defs.pop()).unwrap_or(PReg(0)),
                _ => free.pop().unwrap_or(PReg(0)),
            };
            def_regs.push((v, r));
            alloc[k] = r;
            if !is_remat(v as usize) && i + 1 < prog.blocks[prog.block_of[i]].end {
                let pt = ProgPoint { inst: i as u32, pos: InstPos::After };
                edits.push((pt, Edit::Move { from: Loc::Reg(r), to: Loc::Slot(slot(v as usize)) }));
            }
        }
        allocs.push(alloc);
    }
    let mut spilled: Vec<u32> =
        prog.insts.iter().flat_map(|t| t.ops.iter().filter_map(|o| o.reg.as_virt())).collect();
    spilled.sort_unstable();
    spilled.dedup();
    RawAlloc { allocs, edits, removed_moves: vec![false; n], num_slots, spilled, budget_hit: false }
}
