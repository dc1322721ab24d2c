//! Independent symbolic checker for allocations.
//!
//! Takes: the input [`Function`] and an [`Output`]. Returns: a list of
//! [`CheckError`]s (empty when the allocation is correct).
//!
//! It shares no code with the allocators. It walks the allocated program
//! (instructions plus edits) and tracks, for every physical register and
//! spill slot, the set of register values (virtual or physical) it is known
//! to hold. Program entry: register `rK` holds the incoming value of `rK`,
//! slots hold nothing. At a join the sets of the predecessors are
//! intersected; loops are iterated to a fixpoint. Then, at every operand:
//! a physical operand must get exactly its register; a `Use` must find its
//! value in the assigned register; an `EarlyDef` must not share a register
//! with a `Use`; two defs must not share a register; a removed move must
//! have the same register on both sides. Clobbers empty their registers; a
//! def removes its register value from every location (registers are not
//! SSA) and then leaves it (only) in its register; a move copies the
//! source's whole set. Edits are checked for shape too (sorted, never
//! after a block's last instruction, no slot-to-slot moves, slots in range,
//! only allocatable registers written, remat only of rematerialisable
//! virtual registers).

use crate::{Edit, Function, InstPos, Loc, OperandKind, Output, ProgPoint};
#[cfg(test)]
use crate::PReg;
use std::collections::BTreeSet;
use std::fmt;

/// One problem found by the checker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckError {
    /// Instruction concerned, if any.
    pub inst: Option<usize>,
    /// What is wrong.
    pub msg: String,
}

impl fmt::Display for CheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.inst {
            Some(i) => write!(f, "inst {i}: {}", self.msg),
            None => write!(f, "{}", self.msg),
        }
    }
}

/// Formats a list of errors one per line.
pub fn report(errors: &[CheckError]) -> String {
    errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n")
}

/// Abstract machine state: the values each location holds.
type State = Vec<BTreeSet<u32>>;

struct Ctx<'a, F: Function> {
    func: &'a F,
    out: &'a Output,
    before: Vec<Vec<Edit>>,
    after: Vec<Vec<Edit>>,
}

fn loc_index(l: Loc) -> usize {
    match l {
        Loc::Reg(p) => p.0 as usize,
        Loc::Slot(s) => 64 + s as usize,
    }
}

/// Checks `out` against `func`; returns every problem found.
pub fn check<F: Function>(func: &F, out: &Output) -> Vec<CheckError> {
    let mut errs = Vec::new();
    let n = func.num_insts();
    let nb = func.num_blocks();
    let err = |errs: &mut Vec<CheckError>, inst: Option<usize>, msg: String| errs.push(CheckError { inst, msg });
    if out.allocs.len() != n {
        err(&mut errs, None, format!("{} alloc rows for {n} instructions", out.allocs.len()));
        return errs;
    }
    if out.removed_moves.len() != n {
        err(&mut errs, None, format!("{} removed_moves entries for {n} instructions", out.removed_moves.len()));
    }
    let alloc_ok = func.allocatable();
    let nslots = out.num_spill_slots as usize;
    // Shape of edits.
    let mut last_of_block = vec![false; n];
    for b in 0..nb {
        let r = func.block_insts(b);
        if r.end > 0 && r.end <= n && r.start < r.end {
            last_of_block[r.end - 1] = true;
        }
    }
    let mut before = vec![Vec::new(); n];
    let mut after = vec![Vec::new(); n];
    let mut prev: Option<ProgPoint> = None;
    for (pt, e) in &out.edits {
        let i = pt.inst as usize;
        if prev.is_some_and(|p| p > *pt) {
            err(&mut errs, Some(i), "edits not sorted by program point".into());
        }
        prev = Some(*pt);
        if i >= n {
            err(&mut errs, None, format!("edit at instruction {i} out of range"));
            continue;
        }
        if pt.pos == InstPos::After && last_of_block[i] {
            err(&mut errs, Some(i), "edit after a block's last instruction".into());
        }
        let bad_loc = |l: Loc| match l {
            Loc::Reg(p) => !alloc_ok.contains(p),
            Loc::Slot(s) => s as usize >= nslots,
        };
        match *e {
            Edit::Move { from, to } => {
                if matches!((from, to), (Loc::Slot(_), Loc::Slot(_))) {
                    err(&mut errs, Some(i), "slot-to-slot move".into());
                }
                if bad_loc(to) || bad_loc(from) {
                    err(&mut errs, Some(i), format!("edit {e:?} uses an invalid location"));
                }
            }
            Edit::Remat { vreg, to } => {
                if vreg as usize >= func.num_vregs() || !func.is_rematerializable(vreg) {
                    err(&mut errs, Some(i), format!("remat of non-rematerialisable v{vreg}"));
                }
                if !alloc_ok.contains(to) {
                    err(&mut errs, Some(i), format!("remat into non-allocatable r{}", to.0));
                }
                if (vreg as usize) < func.num_vregs() && func.vreg_class(vreg) != to.class() {
                    err(&mut errs, Some(i), format!("remat of v{vreg} into register {} of the other class", to.0));
                }
            }
        }
        match pt.pos {
            InstPos::Before => before[i].push(*e),
            InstPos::After => after[i].push(*e),
        }
    }
    // Static operand checks.
    for i in 0..n {
        let ops = func.inst_operands(i);
        let al = &out.allocs[i];
        if al.len() != ops.len() {
            err(&mut errs, Some(i), format!("{} allocs for {} operands", al.len(), ops.len()));
            continue;
        }
        for (k, o) in ops.iter().enumerate() {
            match o.reg.as_phys() {
                Some(p) if al[k] != p => {
                    err(&mut errs, Some(i), format!("fixed operand {k} ({:?}) got r{}", o.reg, al[k].0))
                }
                None if !alloc_ok.contains(al[k]) => {
                    err(&mut errs, Some(i), format!("operand {k} ({:?}) got non-allocatable r{}", o.reg, al[k].0))
                }
                None if o.reg.as_virt().is_some_and(|v| func.vreg_class(v) != al[k].class()) => err(
                    &mut errs,
                    Some(i),
                    format!("operand {k} ({:?}) got register {} of the other class", o.reg, al[k].0),
                ),
                _ => {}
            }
        }
        for (k, o) in ops.iter().enumerate() {
            if o.kind == OperandKind::EarlyDef {
                for (j, u) in ops.iter().enumerate() {
                    if u.kind == OperandKind::Use && al[j] == al[k] {
                        err(&mut errs, Some(i), format!("early def {:?} shares r{} with use {:?}", o.reg, al[k].0, u.reg));
                    }
                }
            }
            if o.kind != OperandKind::Use {
                for (j, d) in ops.iter().enumerate().skip(k + 1) {
                    if d.kind != OperandKind::Use && al[j] == al[k] && d.reg != o.reg {
                        err(&mut errs, Some(i), format!("defs {:?} and {:?} share r{}", o.reg, d.reg, al[k].0));
                    }
                }
            }
        }
        if out.removed_moves.get(i).copied().unwrap_or(false) {
            match func.is_move(i) {
                None => err(&mut errs, Some(i), "removed instruction is not a move".into()),
                Some((d, s)) => {
                    let di = ops.iter().position(|o| o.reg == d && o.kind == OperandKind::Def);
                    let si = ops.iter().position(|o| o.reg == s && o.kind == OperandKind::Use);
                    match (di, si) {
                        (Some(di), Some(si)) if al[di] == al[si] => {}
                        _ => err(&mut errs, Some(i), "removed move with different registers".into()),
                    }
                }
            }
        }
    }
    if !errs.is_empty() || nb == 0 {
        return errs;
    }
    let ctx = Ctx { func, out, before, after };
    // Fixpoint over block entry states (None = not reached yet).
    let nloc = 64 + nslots;
    let mut entry: Vec<Option<State>> = vec![None; nb];
    let mut init: State = vec![BTreeSet::new(); nloc];
    for (r, s) in init.iter_mut().enumerate().take(64) {
        s.insert(r as u32);
    }
    entry[0] = Some(init);
    let mut work = vec![0usize];
    let mut queued = vec![false; nb];
    queued[0] = true;
    while let Some(b) = work.pop() {
        queued[b] = false;
        let Some(mut st) = entry[b].clone() else {
            continue;
        };
        ctx.run_block(b, &mut st, &mut None);
        for &s in func.block_succs(b) {
            if s >= nb {
                continue;
            }
            let changed = match &mut entry[s] {
                None => {
                    entry[s] = Some(st.clone());
                    true
                }
                Some(e) => {
                    let mut ch = false;
                    for (a, b) in e.iter_mut().zip(&st) {
                        let before = a.len();
                        a.retain(|v| b.contains(v));
                        ch |= a.len() != before;
                    }
                    ch
                }
            };
            if changed && !queued[s] {
                queued[s] = true;
                work.push(s);
            }
        }
    }
    // Final pass reporting errors.
    let mut found = Some(Vec::new());
    for (b, e) in entry.iter().enumerate() {
        if let Some(e) = e {
            let mut st = e.clone();
            ctx.run_block(b, &mut st, &mut found);
        }
    }
    errs.extend(found.unwrap_or_default());
    errs
}

impl<F: Function> Ctx<'_, F> {
    fn apply_edits(&self, edits: &[Edit], st: &mut State) {
        for e in edits {
            match *e {
                Edit::Move { from, to } => {
                    let v = st[loc_index(from)].clone();
                    st[loc_index(to)] = v;
                }
                Edit::Remat { vreg, to } => {
                    let r = crate::Reg::virt(vreg).0;
                    st[to.0 as usize] = BTreeSet::from([r]);
                }
            }
        }
    }

    fn run_block(&self, b: usize, st: &mut State, errs: &mut Option<Vec<CheckError>>) {
        let n = self.func.num_insts();
        let r = self.func.block_insts(b);
        for i in r.start.min(n)..r.end.min(n) {
            self.apply_edits(&self.before[i], st);
            let ops = self.func.inst_operands(i);
            let al = &self.out.allocs[i];
            for (k, o) in ops.iter().enumerate() {
                if o.kind == OperandKind::Use && !st[al[k].0 as usize].contains(&o.reg.0) {
                    if let Some(es) = errs {
                        es.push(CheckError {
                            inst: Some(i),
                            msg: format!(
                                "use of {:?} in r{} which holds {:?}",
                                o.reg,
                                al[k].0,
                                st[al[k].0 as usize].iter().map(|&x| crate::Reg(x)).collect::<Vec<_>>()
                            ),
                        });
                    }
                }
            }
            let mv = self.func.is_move(i).and_then(|(d, s)| {
                let si = ops.iter().position(|o| o.reg == s && o.kind == OperandKind::Use)?;
                Some((d, st[al[si].0 as usize].clone()))
            });
            for p in self.func.inst_clobbers(i).iter() {
                st[p.0 as usize].clear();
            }
            for (k, o) in ops.iter().enumerate() {
                if o.kind == OperandKind::Use {
                    continue;
                }
                for s in st.iter_mut() {
                    s.remove(&o.reg.0);
                }
                let mut set = match &mv {
                    Some((d, src)) if *d == o.reg => src.clone(),
                    _ => BTreeSet::new(),
                };
                set.insert(o.reg.0);
                st[al[k].0 as usize] = set;
            }
            self.apply_edits(&self.after[i], st);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::toy::{phys, Builder, Opc, ToyFunc};
    use crate::{allocate_with_rung, AllocStats, Options, PRegSet, Rung};

    fn output(allocs: Vec<Vec<u8>>, edits: Vec<(ProgPoint, Edit)>, slots: u32) -> Output {
        let n = allocs.len();
        Output {
            allocs: allocs.into_iter().map(|a| a.into_iter().map(PReg).collect()).collect(),
            edits,
            removed_moves: vec![false; n],
            num_spill_slots: slots,
            stats: AllocStats::unallocated(PRegSet::EMPTY),
        }
    }

    /// v0 = 5; call; r0 = v0; ret
    fn across_call() -> ToyFunc {
        let mut bd = Builder::new();
        bd.allow_remat = false;
        let v0 = bd.v();
        let b = bd.block();
        bd.at(b);
        bd.konst(v0, 5);
        bd.call(0);
        bd.mov(phys(0), v0);
        bd.ret();
        bd.finish()
    }

    #[test]
    fn value_in_clobbered_register_across_call_is_caught() {
        let f = across_call();
        let bad = output(vec![vec![1], vec![0], vec![0, 1], vec![0]], vec![], 0);
        let errs = check(&f, &bad);
        assert_eq!(errs.len(), 1, "{}", report(&errs));
        assert_eq!(errs[0].inst, Some(2));
        assert!(errs[0].msg.contains("use of v0"), "{}", errs[0]);
        let good = output(vec![vec![4], vec![0], vec![0, 4], vec![0]], vec![], 0);
        assert!(check(&f, &good).is_empty(), "{}", report(&check(&f, &good)));
    }

    #[test]
    fn spill_around_call_is_accepted_and_missing_reload_is_caught() {
        let f = across_call();
        let st = ProgPoint { inst: 0, pos: InstPos::After };
        let ld = ProgPoint { inst: 2, pos: InstPos::Before };
        let spill = Edit::Move { from: Loc::Reg(PReg(1)), to: Loc::Slot(0) };
        let reload = Edit::Move { from: Loc::Slot(0), to: Loc::Reg(PReg(2)) };
        let allocs = vec![vec![1], vec![0], vec![0, 2], vec![0]];
        let good = output(allocs.clone(), vec![(st, spill), (ld, reload)], 1);
        assert!(check(&f, &good).is_empty());
        let no_reload = output(allocs.clone(), vec![(st, spill)], 1);
        assert!(check(&f, &no_reload).iter().any(|e| e.inst == Some(2)));
        let unsorted = output(allocs.clone(), vec![(ld, reload), (st, spill)], 1);
        assert!(check(&f, &unsorted).iter().any(|e| e.msg.contains("sorted")));
        let bad_slot = output(allocs, vec![(st, spill), (ld, reload)], 0);
        assert!(check(&f, &bad_slot).iter().any(|e| e.msg.contains("invalid location")));
    }

    #[test]
    fn fixed_operands_early_defs_and_terminator_edits_are_checked() {
        let mut bd = Builder::new();
        let (a, b, d) = (bd.v(), bd.v(), bd.v());
        let blk = bd.block();
        bd.at(blk);
        bd.mov(a, phys(0));
        bd.mov(b, phys(1));
        bd.bin(Opc::AddE, d, a, b);
        bd.mov(phys(0), d);
        bd.ret();
        let f = bd.finish();
        let good = vec![vec![2, 0], vec![3, 1], vec![4, 2, 3], vec![0, 4], vec![0]];
        assert!(check(&f, &output(good.clone(), vec![], 0)).is_empty());
        let mut early = good.clone();
        early[2][0] = 2;
        assert!(check(&f, &output(early, vec![], 0)).iter().any(|e| e.msg.contains("early def")));
        let mut fixed = good.clone();
        fixed[4][0] = 5;
        assert!(check(&f, &output(fixed, vec![], 0)).iter().any(|e| e.msg.contains("fixed operand")));
        let mut wrong = good.clone();
        wrong[3][1] = 3; // reads b instead of d
        assert!(!check(&f, &output(wrong, vec![], 0)).is_empty());
        let late = vec![(ProgPoint { inst: 4, pos: InstPos::After }, Edit::Remat { vreg: 0, to: PReg(5) })];
        let errs = check(&f, &output(good, late, 0));
        assert!(errs.iter().any(|e| e.msg.contains("after a block's last")));
        assert!(errs.iter().any(|e| e.msg.contains("non-rematerialisable")));
    }

    #[test]
    fn join_intersects_predecessor_states() {
        // b0: v0 = r0; condbr v0 b1 b2; b1: v1 = 1 -> b3; b2: v1 = 2 -> b3;
        // b3: r0 = v1; ret
        let mut bd = Builder::new();
        let (v0, v1) = (bd.v(), bd.v());
        let bs: Vec<usize> = (0..4).map(|_| bd.block()).collect();
        bd.at(bs[0]);
        bd.mov(v0, phys(0));
        bd.condbr(v0, bs[1], bs[2]);
        bd.at(bs[1]);
        bd.konst(v1, 1);
        bd.br(bs[3]);
        bd.at(bs[2]);
        bd.konst(v1, 2);
        bd.br(bs[3]);
        bd.at(bs[3]);
        bd.mov(phys(0), v1);
        bd.ret();
        let f = bd.finish();
        let same = vec![vec![1, 0], vec![1], vec![2], vec![], vec![2], vec![], vec![0, 2], vec![0]];
        assert!(check(&f, &output(same.clone(), vec![], 0)).is_empty());
        let mut split = same;
        split[4][0] = 3; // v1 in r3 on one path, r2 on the other
        let errs = check(&f, &output(split, vec![], 0));
        assert_eq!(errs.len(), 1, "{}", report(&errs));
        assert_eq!(errs[0].inst, Some(6));
    }

    #[test]
    fn fallback_output_passes_and_any_dropped_edit_fails() {
        let f = across_call();
        let out = allocate_with_rung(&f, &Options { verify: true, shadow: false }, Rung::Fallback);
        assert!(check(&f, &out).is_empty());
        assert!(!out.edits.is_empty());
        for k in 0..out.edits.len() {
            let mut broken = out.clone();
            broken.edits.remove(k);
            assert!(!check(&f, &broken).is_empty(), "dropping edit {k} went unnoticed");
        }
    }
}
