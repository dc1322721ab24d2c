//! Global value numbering over the dominator tree.
//!
//! Takes a [`Function`]; returns it (in place) with every pure instruction
//! (`Iconst`, `SymbolAddr`, `Unary`, `Binary`, `Compare`, `Eqz`, `Convert`,
//! `Select`) that recomputes a value already available from a dominating
//! instruction deleted, its uses reading the dominating result. Operands of
//! commutative operators are put in a canonical order for the comparison.
//! Loads, stores, calls, traps and bounds checks are never merged.
//! Constants and symbol addresses are merged only from a few dominator
//! levels up, comparisons only within a block, either also into a loop
//! they are invariant in (see [`run`]).

use crate::cfg::{Cfg, ScopedMap};
use crate::loops::{find_loops, Loops};
use crate::subst::Subst;
use synth_ir::interp::mask;
use synth_ir::{BinaryOp, ConvertOp, Function, InstKind, IntCC, SymbolRef, Type, UnaryOp, Value};

/// What a pure instruction computes, operands already substituted.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Key {
    Iconst(Type, u64),
    Sym(SymbolRef, i32),
    Unary(UnaryOp, Type, Value),
    Binary(BinaryOp, Type, Value, Value),
    Compare(IntCC, Type, Value, Value),
    Eqz(Type, Value),
    Convert(ConvertOp, Value),
    Select(Type, Value, Value, Value),
}

fn commutative(op: BinaryOp) -> bool {
    matches!(op, BinaryOp::Add | BinaryOp::Mul | BinaryOp::And | BinaryOp::Or | BinaryOp::Xor)
}

/// The value-numbering key of `kind`, or `None` when it must not be merged.
fn key(kind: &InstKind, sub: &Subst) -> Option<Key> {
    let r = |v: &Value| sub.resolve(*v);
    Some(match kind {
        InstKind::Iconst { ty, imm } => Key::Iconst(*ty, mask(*ty, *imm as u64)),
        InstKind::SymbolAddr { sym, addend } => Key::Sym(*sym, *addend),
        InstKind::Unary { op, ty, arg } => Key::Unary(*op, *ty, r(arg)),
        InstKind::Binary { op, ty, lhs, rhs } => {
            let (a, b) = (r(lhs), r(rhs));
            let (a, b) = if commutative(*op) && b < a { (b, a) } else { (a, b) };
            Key::Binary(*op, *ty, a, b)
        }
        InstKind::Compare { cc, ty, lhs, rhs } => {
            let (a, b) = (r(lhs), r(rhs));
            if b < a {
                Key::Compare(cc.swap_args(), *ty, b, a)
            } else {
                Key::Compare(*cc, *ty, a, b)
            }
        }
        InstKind::Eqz { ty, arg } => Key::Eqz(*ty, r(arg)),
        InstKind::Convert { op, arg } => Key::Convert(*op, r(arg)),
        InstKind::Select { ty, cond, if_true, if_false } => Key::Select(*ty, r(cond), r(if_true), r(if_false)),
        _ => return None,
    })
}

/// How many dominator-tree levels up a block may find a constant or a
/// symbol address to share: further away, it computes its own. A shared
/// constant is held in a register (or kept live in the allocator's
/// interference graph) from its definition to its last use, so sharing
/// one across a whole function costs more than the instruction it saves,
/// and makes the graph quadratic on a long chain of blocks.
pub(crate) const SHARE_DEPTH: usize = 32;

/// How far a cheap value of key `k` may be shared across blocks, in
/// dominator-tree levels; `None` for a value shared wherever it dominates.
/// A comparison is never shared across blocks: a branch in its own block
/// reads it from the flags, while a shared one must be materialised as
/// 0/1 and tested again.
fn share_depth(k: &Key) -> Option<usize> {
    match k {
        Key::Iconst(..) | Key::Sym(..) => Some(SHARE_DEPTH),
        Key::Compare(..) | Key::Eqz(..) => Some(0),
        _ => None,
    }
}

/// True when block `b` lies in a loop that does not contain block `def`:
/// a value of `def` used in `b` is then invariant in that loop, computed
/// once outside it instead of on every iteration.
fn enters_loop(loops: &Loops, def: usize, b: usize) -> bool {
    loops.innermost.get(b).copied().flatten().is_some_and(|m| !loops.contains(m, def))
}

/// Runs value numbering; returns the number of instructions removed.
/// Constants, symbol addresses and comparisons are shared across blocks
/// only as far as [`share_depth`] allows, or into a loop they are
/// invariant in.
pub fn run(func: &mut Function) -> usize {
    let cfg = Cfg::new(func);
    let loops = find_loops(func, &cfg);
    let mut sub = Subst::new();
    let mut table: ScopedMap<Key, (Value, usize, usize)> = ScopedMap::new();
    let mut dead: Vec<Vec<usize>> = vec![Vec::new(); func.blocks.len()];
    // Depth of the current block in the dominator tree.
    let mut depth = 0usize;
    for (b, enter) in cfg.dom_tree_events() {
        if !enter {
            table.pop_scope();
            depth -= 1;
            continue;
        }
        depth += 1;
        table.push_scope();
        for (i, inst) in func.blocks[b].insts.iter().enumerate() {
            let [res] = inst.results[..] else { continue };
            let Some(k) = key(&inst.kind, &sub) else { continue };
            let near = |d: usize| share_depth(&k).map_or(true, |m| depth - d <= m);
            match table.get(&k) {
                Some(&(prev, at, d)) if near(d) || enters_loop(&loops, at, b) => {
                    sub.set(res, prev);
                    dead[b].push(i);
                }
                _ => table.insert(k, (res, b, depth)),
            }
        }
    }
    let mut removed = 0;
    for (b, idxs) in dead.iter().enumerate() {
        if idxs.is_empty() {
            continue;
        }
        removed += idxs.len();
        let mut it = idxs.iter().peekable();
        let mut i = 0;
        func.blocks[b].insts.retain(|_| {
            let drop = it.peek().is_some_and(|&&d| d == i);
            if drop {
                it.next();
            }
            i += 1;
            !drop
        });
    }
    sub.apply(func);
    removed
}

#[cfg(test)]
mod tests {
    use super::*;
    use synth_ir::verify::verify_or_text;
    use synth_ir::{BlockCall, FunctionBuilder, LoadKind, Signature, Terminator};

    fn sig(n: usize) -> Signature {
        Signature { params: vec![Type::I32; n], results: vec![Type::I32] }
    }

    #[test]
    fn merges_constants_symbols_and_commuted_arithmetic() {
        let mut b = FunctionBuilder::new("g", sig(1));
        let p = b.block_params(b.current_block())[0];
        let c1 = b.iconst(Type::I32, -1);
        let c2 = b.iconst(Type::I32, 0xffff_ffff);
        let m1 = b.symbol_addr(SymbolRef::Memory, 0);
        let m2 = b.symbol_addr(SymbolRef::Memory, 0);
        let a1 = b.binary(BinaryOp::Add, p, c1);
        let a2 = b.binary(BinaryOp::Add, c2, p);
        let s1 = b.binary(BinaryOp::Sub, m1, a1);
        let s2 = b.binary(BinaryOp::Sub, m2, a2);
        let x = b.binary(BinaryOp::Xor, s1, s2);
        b.terminate(Terminator::Return(vec![x]));
        let mut f = b.finish();
        assert_eq!(run(&mut f), 4);
        verify_or_text(&f).unwrap();
        assert_eq!(f.inst_count(), 5);
        assert_eq!(f.blocks[0].insts.last().unwrap().kind.operands(), vec![s1, s1]);
    }

    #[test]
    fn swapped_compare_merges_but_loads_do_not() {
        let mut b = FunctionBuilder::new("g", sig(2));
        let p = b.block_params(b.current_block()).to_vec();
        let l1 = b.load(Type::I32, LoadKind::Full, p[0], 0);
        let l2 = b.load(Type::I32, LoadKind::Full, p[0], 0);
        let k1 = b.compare(IntCC::LtS, l1, l2);
        let k2 = b.compare(IntCC::GtS, l2, l1);
        let k3 = b.compare(IntCC::LtU, l1, l2);
        let x = b.binary(BinaryOp::Or, k1, k2);
        let y = b.binary(BinaryOp::Or, x, k3);
        b.terminate(Terminator::Return(vec![y]));
        let mut f = b.finish();
        assert_eq!(run(&mut f), 1);
        verify_or_text(&f).unwrap();
        let loads = f.blocks[0].insts.iter().filter(|i| matches!(i.kind, InstKind::Load { .. })).count();
        assert_eq!(loads, 2);
    }

    #[test]
    fn only_dominating_definitions_are_reused() {
        // entry: c = 7; br p ? A : B.  A: d = 7, e = p*3.  B: f = p*3.  both -> J: g = p*3.
        let mut b = FunctionBuilder::new("g", sig(1));
        let p = b.block_params(b.current_block())[0];
        let c = b.iconst(Type::I32, 7);
        let (ba, bb, bj) = (b.create_block(), b.create_block(), b.create_block());
        let jp = b.append_block_param(bj, Type::I32);
        b.branch(p, BlockCall { block: ba, args: vec![] }, BlockCall { block: bb, args: vec![] });
        b.switch_to_block(ba);
        let d = b.iconst(Type::I32, 7);
        let three = b.iconst(Type::I32, 3);
        let e = b.binary(BinaryOp::Mul, p, three);
        let e2 = b.binary(BinaryOp::Add, e, d);
        b.jump(bj, vec![e2]);
        b.switch_to_block(bb);
        let three_b = b.iconst(Type::I32, 3);
        let g = b.binary(BinaryOp::Mul, p, three_b);
        b.jump(bj, vec![g]);
        b.switch_to_block(bj);
        let three_j = b.iconst(Type::I32, 3);
        let h = b.binary(BinaryOp::Mul, p, three_j);
        let r = b.binary(BinaryOp::Add, h, jp);
        let r2 = b.binary(BinaryOp::Add, r, c);
        b.terminate(Terminator::Return(vec![r2]));
        let mut f = b.finish();
        // Removed: d (=c). Not removed: the 3s and p*3 of A, B and J (siblings).
        assert_eq!(run(&mut f), 1);
        verify_or_text(&f).unwrap();
        assert_eq!(f.blocks[1].insts[0].kind.operands(), vec![]);
        assert_eq!(f.blocks[1].insts[2].kind.operands(), vec![e, c]);
        assert_eq!(f.blocks[3].insts.len(), 4);
    }

    /// A chain of `n` blocks below the entry, each using constant 7 and
    /// comparing the parameter with 7 (branching on it); returns the
    /// function and the value of the entry's constant.
    fn chain(n: usize) -> (Function, Value) {
        let mut b = FunctionBuilder::new("g", sig(1));
        let p = b.block_params(b.current_block())[0];
        let c = b.iconst(Type::I32, 7);
        let k = b.compare(IntCC::Eq, p, c);
        let blocks: Vec<_> = (0..n).map(|_| b.create_block()).collect();
        let exit = b.create_block();
        let r = b.append_block_param(exit, Type::I32);
        b.branch(k, BlockCall { block: blocks[0], args: vec![] }, BlockCall { block: exit, args: vec![p] });
        for (j, &blk) in blocks.iter().enumerate() {
            b.switch_to_block(blk);
            let c2 = b.iconst(Type::I32, 7);
            let x = b.binary(BinaryOp::Add, p, c2);
            let k2 = b.compare(IntCC::Eq, p, c2);
            let next = blocks.get(j + 1).copied().unwrap_or(exit);
            let args = if next == exit { vec![x] } else { vec![] };
            b.branch(k2, BlockCall { block: next, args }, BlockCall { block: exit, args: vec![x] });
        }
        b.switch_to_block(exit);
        b.terminate(Terminator::Return(vec![r]));
        (b.finish(), c)
    }

    #[test]
    fn constants_are_shared_a_few_dominator_levels_down_and_comparisons_not_across_blocks() {
        let n = SHARE_DEPTH + 4;
        let (mut f, c) = chain(n);
        let orig = f.clone();
        run(&mut f);
        verify_or_text(&f).unwrap();
        // Block j + 1 is j + 1 levels below the entry: it reads the entry's
        // constant up to SHARE_DEPTH levels, then has its own, which the
        // blocks below it share again.
        let consts = |blk: usize| f.blocks[blk].insts.iter().filter(|i| matches!(i.kind, InstKind::Iconst { .. })).count();
        for j in 0..n {
            let level = j + 1;
            assert_eq!(consts(j + 1), usize::from(level == SHARE_DEPTH + 1), "block {}", j + 1);
        }
        let reads_c = |blk: usize| f.blocks[blk].insts.iter().any(|i| i.kind.operands().contains(&c));
        assert!(reads_c(1) && reads_c(SHARE_DEPTH) && !reads_c(SHARE_DEPTH + 1));
        // Every block keeps its own comparison (the entry's is not reused).
        for blk in 0..=n {
            let cmps = f.blocks[blk].insts.iter().filter(|i| matches!(i.kind, InstKind::Compare { .. })).count();
            assert_eq!(cmps, 1, "block {blk}");
        }
        for a in [0u64, 7, 8] {
            assert_eq!(synth_ir::interp::Machine::new().run_simple(&orig, &[a]), synth_ir::interp::Machine::new().run_simple(&f, &[a]));
        }
    }

    #[test]
    fn constants_and_comparisons_are_shared_into_a_loop() {
        // entry: c = 7, k = p == 7 -> loop(i): x = i + 7, t = p == 7; br t ? loop(x) : exit(x)
        let mut b = FunctionBuilder::new("g", sig(1));
        let p = b.block_params(b.current_block())[0];
        let c = b.iconst(Type::I32, 7);
        let k = b.compare(IntCC::Eq, p, c);
        let (lp, exit) = (b.create_block(), b.create_block());
        let i = b.append_block_param(lp, Type::I32);
        let r = b.append_block_param(exit, Type::I32);
        b.branch(k, BlockCall { block: lp, args: vec![p] }, BlockCall { block: exit, args: vec![p] });
        b.switch_to_block(lp);
        let c2 = b.iconst(Type::I32, 7);
        let x = b.binary(BinaryOp::Add, i, c2);
        let t = b.compare(IntCC::Eq, p, c2);
        let x2 = b.binary(BinaryOp::And, x, t);
        b.branch(x2, BlockCall { block: lp, args: vec![x2] }, BlockCall { block: exit, args: vec![x2] });
        b.switch_to_block(exit);
        b.terminate(Terminator::Return(vec![r]));
        let mut f = b.finish();
        assert_eq!(run(&mut f), 2, "the loop's 7 and p == 7 are the entry's");
        verify_or_text(&f).unwrap();
        assert_eq!(f.blocks[1].insts[0].kind.operands(), vec![i, c]);
        assert_eq!(f.blocks[1].insts[1].kind.operands(), vec![x, k]);
    }
}
