//! Redundant bounds-check removal.
//!
//! Takes a [`Function`]; returns it (in place) with fewer
//! [`InstKind::BoundsCheck`]s. A check `BoundsCheck { addr, end }` traps
//! unless `addr + end <= memory size`, and memory never shrinks, so:
//! - a check dominated by a check on the same address value (or, for
//!   constant addresses, any constant address) covering at least the same
//!   last byte is redundant, whatever runs in between: it is deleted;
//! - inside one block, a later check on the same address that covers more
//!   bytes is merged into the earlier one (the earlier one is widened, the
//!   later one deleted) when only pure instructions, loads and other bounds
//!   checks run between them: they trap with the same code, loads have no
//!   visible effect, and nothing in between can grow memory.

use crate::cfg::{Cfg, ScopedMap};
use synth_ir::interp::mask;
use synth_ir::{Function, InstKind, Value};

/// Widened checks keep `end` within this bound (well inside the IR's
/// documented range of `end`).
const MAX_END: u64 = u32::MAX as u64;

/// What a check is about: an address value, or "constant address" (then
/// the recorded end is `address + end`).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    Addr(Value),
    Const,
}

fn constants(func: &Function) -> Vec<Option<u64>> {
    let mut c = vec![None; func.value_types.len()];
    for bd in &func.blocks {
        for inst in &bd.insts {
            if let (InstKind::Iconst { ty, imm }, [r]) = (&inst.kind, &inst.results[..]) {
                c[r.0 as usize] = Some(mask(*ty, *imm as u64));
            }
        }
    }
    c
}

/// The key and the normalised end of a check.
fn norm(consts: &[Option<u64>], addr: Value, end: u64) -> (Key, u64) {
    match consts.get(addr.0 as usize).copied().flatten() {
        Some(c) => (Key::Const, c + end),
        None => (Key::Addr(addr), end),
    }
}

/// Merges checks inside each block; returns how many were deleted.
fn merge_in_blocks(func: &mut Function, consts: &[Option<u64>]) -> usize {
    let mut removed = 0;
    for bd in &mut func.blocks {
        let n = bd.insts.len();
        let mut dead = vec![false; n];
        for i in 0..n {
            let InstKind::BoundsCheck { addr, end } = bd.insts[i].kind else { continue };
            if dead[i] {
                continue;
            }
            let (key, mut best) = norm(consts, addr, end);
            let base = best - end; // the constant address, or 0
            for (j, later) in bd.insts.iter().enumerate().skip(i + 1) {
                match later.kind {
                    InstKind::BoundsCheck { addr: a2, end: e2 } => {
                        let (k2, n2) = norm(consts, a2, e2);
                        if k2 == key && n2 > best && n2 - base <= MAX_END {
                            best = n2;
                            dead[j] = true;
                        }
                    }
                    InstKind::Store { .. } | InstKind::Call { .. } | InstKind::TrapIf { .. } | InstKind::StackCheck => {
                        break
                    }
                    _ => {}
                }
            }
            if let InstKind::BoundsCheck { end, .. } = &mut bd.insts[i].kind {
                *end = best - base;
            }
        }
        let mut it = dead.iter();
        bd.insts.retain(|_| !it.next().copied().unwrap_or(false));
        removed += dead.iter().filter(|d| **d).count();
    }
    removed
}

/// Runs the pass (dominated checks, merging inside blocks, dominated checks
/// again); returns the number of checks deleted.
pub fn run(func: &mut Function) -> usize {
    let consts = constants(func);
    let mut removed = remove_dominated(func, &consts);
    removed += merge_in_blocks(func, &consts);
    removed + remove_dominated(func, &consts)
}

/// Deletes checks covered by a dominating check; returns how many.
fn remove_dominated(func: &mut Function, consts: &[Option<u64>]) -> usize {
    let mut removed = 0;
    let cfg = Cfg::new(func);
    let mut covered: ScopedMap<Key, u64> = ScopedMap::new();
    for (b, enter) in cfg.dom_tree_events() {
        if !enter {
            covered.pop_scope();
            continue;
        }
        covered.push_scope();
        let before = func.blocks[b].insts.len();
        let mut keep = Vec::with_capacity(before);
        for inst in &func.blocks[b].insts {
            let mut k = true;
            if let InstKind::BoundsCheck { addr, end } = inst.kind {
                let (key, e) = norm(consts, addr, end);
                match covered.get(&key) {
                    Some(&have) if have >= e => k = false,
                    _ => covered.insert(key, e),
                }
            }
            keep.push(k);
        }
        let mut it = keep.iter();
        func.blocks[b].insts.retain(|_| *it.next().unwrap_or(&true));
        removed += before - func.blocks[b].insts.len();
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;
    use synth_ir::verify::verify_or_text;
    use synth_ir::{BlockCall, FunctionBuilder, LoadKind, Signature, StoreKind, Terminator, Type};

    fn checks(f: &Function) -> Vec<(usize, u64)> {
        let mut v = Vec::new();
        for (b, bd) in f.blocks.iter().enumerate() {
            for i in &bd.insts {
                if let InstKind::BoundsCheck { end, .. } = i.kind {
                    v.push((b, end));
                }
            }
        }
        v
    }

    #[test]
    fn dominated_check_with_smaller_end_is_removed_even_across_stores() {
        // entry: check(p,8); store; br -> A: check(p,4), check(p,12); check(q,4)
        let sig = Signature { params: vec![Type::I32, Type::I32], results: vec![] };
        let mut b = FunctionBuilder::new("b", sig);
        let p = b.block_params(b.current_block()).to_vec();
        b.inst0(InstKind::BoundsCheck { addr: p[0], end: 8 });
        b.store(StoreKind::Full, p[0], p[1], 0);
        let a = b.create_block();
        b.jump(a, vec![]);
        b.switch_to_block(a);
        b.inst0(InstKind::BoundsCheck { addr: p[0], end: 4 });
        b.store(StoreKind::Full, p[0], p[1], 0);
        b.inst0(InstKind::BoundsCheck { addr: p[0], end: 12 });
        b.inst0(InstKind::BoundsCheck { addr: p[1], end: 4 });
        b.terminate(Terminator::Return(vec![]));
        let mut f = b.finish();
        assert_eq!(run(&mut f), 1);
        verify_or_text(&f).unwrap();
        assert_eq!(checks(&f), vec![(0, 8), (1, 12), (1, 4)]);
    }

    #[test]
    fn sibling_checks_are_kept_and_loads_let_checks_merge() {
        let sig = Signature { params: vec![Type::I32], results: vec![Type::I32] };
        let mut b = FunctionBuilder::new("b", sig);
        let p = b.block_params(b.current_block())[0];
        let (x, y) = (b.create_block(), b.create_block());
        b.branch(p, BlockCall { block: x, args: vec![] }, BlockCall { block: y, args: vec![] });
        b.switch_to_block(x);
        b.inst0(InstKind::BoundsCheck { addr: p, end: 4 });
        let l1 = b.load(Type::I32, LoadKind::Full, p, 0);
        b.inst0(InstKind::BoundsCheck { addr: p, end: 8 });
        let l2 = b.load(Type::I32, LoadKind::Full, p, 4);
        let s = b.binary(synth_ir::BinaryOp::Add, l1, l2);
        b.terminate(Terminator::Return(vec![s]));
        b.switch_to_block(y);
        b.inst0(InstKind::BoundsCheck { addr: p, end: 4 });
        b.store(StoreKind::Full, p, p, 0);
        b.inst0(InstKind::BoundsCheck { addr: p, end: 8 });
        b.terminate(Terminator::Return(vec![p]));
        let mut f = b.finish();
        assert_eq!(run(&mut f), 1);
        verify_or_text(&f).unwrap();
        // Block x: one check widened to 8. Block y: the store stops merging.
        assert_eq!(checks(&f), vec![(1, 8), (2, 4), (2, 8)]);
    }

    #[test]
    fn constant_addresses_compare_by_last_byte() {
        let sig = Signature { params: vec![], results: vec![] };
        let mut b = FunctionBuilder::new("b", sig);
        let c100 = b.iconst(Type::I32, 100);
        let c96 = b.iconst(Type::I32, 96);
        let c200 = b.iconst(Type::I32, 200);
        b.inst0(InstKind::BoundsCheck { addr: c100, end: 4 });
        b.inst0(InstKind::TrapIf { cond: c100, code: synth_ir::TrapCode::Unreachable });
        b.inst0(InstKind::BoundsCheck { addr: c96, end: 8 });
        b.inst0(InstKind::BoundsCheck { addr: c200, end: 4 });
        b.terminate(Terminator::Return(vec![]));
        let mut f = b.finish();
        assert_eq!(run(&mut f), 1);
        verify_or_text(&f).unwrap();
        assert_eq!(checks(&f), vec![(0, 4), (0, 4)]);
        let addrs: Vec<Value> = f.blocks[0]
            .insts
            .iter()
            .filter_map(|i| match i.kind {
                InstKind::BoundsCheck { addr, .. } => Some(addr),
                _ => None,
            })
            .collect();
        assert_eq!(addrs, vec![c100, c200]);
    }
}
