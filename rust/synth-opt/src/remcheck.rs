//! Bounds checks after the first one on an address: against the room left.
//!
//! Takes a [`Function`] and the static linear-memory size `S` (the memory
//! never grows: [`crate::OptContext::static_memory_bytes`]); returns it (in
//! place) with some [`InstKind::BoundsCheck`]s replaced by a comparison
//! and an [`InstKind::TrapIf`].
//!
//! A check `addr + end <= S` against a static size is `addr > S - end`:
//! each distinct `end` needs its own limit `S - end` in a register (a
//! literal load), compared with `addr`. When a check on `addr` with end
//! `e1` dominates later checks on the same `addr` with larger ends (clang
//! unrolls copies and struct accesses into runs of `p[0] .. p[k]`, a store
//! between each, so [`crate::bounds`] cannot merge them), the first check
//! stays and guarantees `addr + e1 <= S`, so `room = S - addr` does not
//! wrap; each later check becomes `room < end` (unsigned), the same
//! condition, with `end` a small immediate: one `RSB` for the run, then
//! `CMP room, #end; BLO trap` per check. Same trap code, same place.
//! Done for first checks with at least two such followers.

use crate::cfg::{Cfg, ScopedMap};
use std::collections::BTreeMap;
use synth_ir::{BinaryOp, Function, Inst, InstKind, IntCC, TrapCode, Type, Value};

/// Followers a first check needs before `room` is worth its register.
const MIN_FOLLOWERS: usize = 2;

/// Runs the pass for memory size `size`; returns the checks rewritten.
pub fn run(func: &mut Function, size: u32) -> usize {
    let mut is_const = vec![false; func.value_types.len()];
    for bd in &func.blocks {
        for inst in &bd.insts {
            if let (InstKind::Iconst { .. }, [r]) = (&inst.kind, &inst.results[..]) {
                is_const[r.0 as usize] = true;
            }
        }
    }
    // First check (block, index) -> its followers (block, index, end).
    let mut followers: BTreeMap<(usize, usize), Vec<(usize, usize, u32)>> = BTreeMap::new();
    let cfg = Cfg::new(func);
    // addr -> (first check, largest end checked so far on the path).
    let mut seen: ScopedMap<Value, ((usize, usize), u64)> = ScopedMap::new();
    for (b, enter) in cfg.dom_tree_events() {
        if !enter {
            seen.pop_scope();
            continue;
        }
        seen.push_scope();
        for (k, inst) in func.blocks[b].insts.iter().enumerate() {
            let InstKind::BoundsCheck { addr, end } = inst.kind else { continue };
            if is_const.get(addr.0 as usize).copied().unwrap_or(true) {
                continue;
            }
            match seen.get(&addr).copied() {
                Some((first, have)) if end > have && end <= u64::from(u32::MAX) => {
                    followers.entry(first).or_default().push((b, k, end as u32));
                    seen.insert(addr, (first, end));
                }
                Some(_) => {}
                None => seen.insert(addr, ((b, k), end)),
            }
        }
    }

    // New instructions after each first check; replacements of followers.
    let mut after: BTreeMap<(usize, usize), Vec<Inst>> = BTreeMap::new();
    let mut replace: BTreeMap<(usize, usize), Vec<Inst>> = BTreeMap::new();
    let mut rewritten = 0;
    for (first, list) in followers {
        if list.len() < MIN_FOLLOWERS {
            continue;
        }
        let inst = &func.blocks[first.0].insts[first.1];
        let (InstKind::BoundsCheck { addr, .. }, loc) = (&inst.kind, inst.loc) else { continue };
        let addr = *addr;
        let mut new = |kind: InstKind, loc| {
            let v = Value(func.value_types.len() as u32);
            func.value_types.push(Type::I32);
            (v, Inst { results: vec![v], kind, loc })
        };
        let (s, s_inst) = new(InstKind::Iconst { ty: Type::I32, imm: i64::from(size) }, loc);
        let (room, room_inst) = new(InstKind::Binary { op: BinaryOp::Sub, ty: Type::I32, lhs: s, rhs: addr }, loc);
        after.insert(first, vec![s_inst, room_inst]);
        for (b, k, end) in list {
            let loc = func.blocks[b].insts[k].loc;
            let (e, e_inst) = new(InstKind::Iconst { ty: Type::I32, imm: i64::from(end) }, loc);
            let (c, c_inst) =
                new(InstKind::Compare { cc: IntCC::LtU, ty: Type::I32, lhs: room, rhs: e }, loc);
            let trap = Inst { results: vec![], kind: InstKind::TrapIf { cond: c, code: TrapCode::MemoryOutOfBounds }, loc };
            replace.insert((b, k), vec![e_inst, c_inst, trap]);
            rewritten += 1;
        }
    }
    if rewritten == 0 {
        return 0;
    }
    for (b, bd) in func.blocks.iter_mut().enumerate() {
        let old = std::mem::take(&mut bd.insts);
        let mut out = Vec::with_capacity(old.len());
        for (k, inst) in old.into_iter().enumerate() {
            match replace.remove(&(b, k)) {
                Some(r) => out.extend(r),
                None => out.push(inst),
            }
            if let Some(a) = after.remove(&(b, k)) {
                out.extend(a);
            }
        }
        bd.insts = out;
    }
    rewritten
}

#[cfg(test)]
mod tests {
    use super::*;
    use synth_ir::interp::Machine;
    use synth_ir::verify::verify_or_text;
    use synth_ir::{FunctionBuilder, LoadKind, Signature, StoreKind, Terminator};

    /// p[0] = 1; p[1] = 2; p[2] = 3; p[3] = 4 with a check before each.
    fn run_of_stores() -> Function {
        let sig = Signature { params: vec![Type::I32], results: vec![Type::I32] };
        let mut b = FunctionBuilder::new("s", sig);
        let p = b.block_params(b.current_block())[0];
        let mem = b.symbol_addr(synth_ir::SymbolRef::Memory, 0);
        let a = b.binary(BinaryOp::Add, mem, p);
        for k in 0..4u32 {
            b.inst0(InstKind::BoundsCheck { addr: p, end: u64::from(k) + 1 });
            let v = b.iconst(Type::I32, i64::from(k) + 1);
            b.store(StoreKind::B8, a, v, k);
        }
        b.inst0(InstKind::BoundsCheck { addr: p, end: 4 });
        let l = b.load(Type::I32, LoadKind::Full, a, 0);
        b.terminate(Terminator::Return(vec![l]));
        b.finish()
    }

    #[test]
    fn followers_compare_the_room_left() {
        let orig = run_of_stores();
        let mut f = orig.clone();
        assert_eq!(run(&mut f, 65536), 3);
        verify_or_text(&f).unwrap();
        let kinds: Vec<&InstKind> = f.blocks[0].insts.iter().map(|i| &i.kind).collect();
        let checks = kinds.iter().filter(|k| matches!(k, InstKind::BoundsCheck { .. })).count();
        let traps = kinds.iter().filter(|k| matches!(k, InstKind::TrapIf { .. })).count();
        assert_eq!((checks, traps), (2, 3), "the first check and the covered one stay");
        // Same results, same trap, same memory: in bounds, at each edge.
        for arg in [0u64, 100, 65532, 65533, 65534, 65535, 65536, 0xffff_fffe] {
            let mut m1 = Machine::new();
            let mut m2 = Machine::new();
            m1.set_memory(1, 1).unwrap();
            m2.set_memory(1, 1).unwrap();
            let r1 = m1.run_simple(&orig, &[arg]);
            let r2 = m2.run_simple(&f, &[arg]);
            assert_eq!(r1, r2, "{arg}");
            if arg == 65532 {
                assert!(r1.is_ok(), "in bounds: {r1:?}");
            }
            if arg == 65533 {
                assert!(matches!(r1, Err(synth_ir::interp::Exit::Trap(TrapCode::MemoryOutOfBounds))));
            }
            let (b1, b2) = (
                m1.symbol_addr(synth_ir::SymbolRef::Memory).unwrap(),
                m2.symbol_addr(synth_ir::SymbolRef::Memory).unwrap(),
            );
            assert_eq!(m1.read(b1, 65536), m2.read(b2, 65536), "{arg}");
        }
    }

    #[test]
    fn one_follower_is_left_alone() {
        let sig = Signature { params: vec![Type::I32], results: vec![] };
        let mut b = FunctionBuilder::new("o", sig);
        let p = b.block_params(b.current_block())[0];
        b.inst0(InstKind::BoundsCheck { addr: p, end: 1 });
        b.inst0(InstKind::BoundsCheck { addr: p, end: 2 });
        b.terminate(Terminator::Return(vec![]));
        let mut f = b.finish();
        assert_eq!(run(&mut f, 65536), 0);
    }
}
