//! Global value numbering over the dominator tree.
//!
//! Takes a [`Function`]; returns it (in place) with every pure instruction
//! (`Iconst`, `SymbolAddr`, `Unary`, `Binary`, `Compare`, `Eqz`, `Convert`,
//! `Select`) that recomputes a value already available from a dominating
//! instruction deleted, its uses reading the dominating result. Operands of
//! commutative operators are put in a canonical order for the comparison.
//! Loads, stores, calls, traps and bounds checks are never merged.

use crate::cfg::{Cfg, ScopedMap};
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

/// Runs value numbering; returns the number of instructions removed.
pub fn run(func: &mut Function) -> usize {
    let cfg = Cfg::new(func);
    let mut sub = Subst::new();
    let mut table: ScopedMap<Key, Value> = ScopedMap::new();
    let mut dead: Vec<Vec<usize>> = vec![Vec::new(); func.blocks.len()];
    for (b, enter) in cfg.dom_tree_events() {
        if !enter {
            table.pop_scope();
            continue;
        }
        table.push_scope();
        for (i, inst) in func.blocks[b].insts.iter().enumerate() {
            let [res] = inst.results[..] else { continue };
            let Some(k) = key(&inst.kind, &sub) else { continue };
            match table.get(&k) {
                Some(&prev) => {
                    sub.set(res, prev);
                    dead[b].push(i);
                }
                None => table.insert(k, res),
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
}
