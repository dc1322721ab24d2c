use super::*;
use synth_ir::interp::Machine;
use synth_ir::verify::verify_or_text;
use synth_ir::{FunctionBuilder, LoadKind, Signature, SymbolRef, Type, Value};

/// sum = 0; i = n; do { sum += (i * K) ^ mem[base + 0]; i -= 1 } while i != 0
/// where K = c1 * c2 and the symbol address are invariant. Two entries reach
/// the loop header (entry and a side block), so a preheader is needed.
fn counted_loop() -> Function {
    let sig = Signature { params: vec![Type::I32, Type::I32], results: vec![Type::I32] };
    let mut b = FunctionBuilder::new("l", sig);
    let p = b.block_params(b.current_block()).to_vec();
    let (side, head, exit) = (b.create_block(), b.create_block(), b.create_block());
    let hi = b.append_block_param(head, Type::I32);
    let hs = b.append_block_param(head, Type::I32);
    let xs = b.append_block_param(exit, Type::I32);
    let zero = b.iconst(Type::I32, 0);
    b.branch(p[1], BlockCall { block: side, args: vec![] }, BlockCall { block: head, args: vec![p[0], zero] });
    b.switch_to_block(side);
    let one = b.iconst(Type::I32, 1);
    b.jump(head, vec![p[0], one]);
    b.switch_to_block(head);
    let c1 = b.iconst(Type::I32, 3);
    let c2 = b.iconst(Type::I32, 7);
    let k = b.binary(BinaryOp::Mul, c1, c2);
    let m = b.binary(BinaryOp::Mul, hi, k);
    let base = b.symbol_addr(SymbolRef::Memory, 0);
    let ld = b.load(Type::I32, LoadKind::Full, base, 0);
    let guarded = b.binary(BinaryOp::DivU, ld, k);
    let x = b.binary(BinaryOp::Xor, m, guarded);
    let s = b.binary(BinaryOp::Add, hs, x);
    let dec = b.iconst(Type::I32, 1);
    let i2 = b.binary(BinaryOp::Sub, hi, dec);
    b.branch(i2, BlockCall { block: head, args: vec![i2, s] }, BlockCall { block: exit, args: vec![s] });
    b.switch_to_block(exit);
    b.terminate(Terminator::Return(vec![xs]));
    b.finish()
}

fn defined_in(f: &Function, block: usize, v: Value) -> bool {
    f.blocks[block].insts.iter().any(|i| i.results.contains(&v))
}

#[test]
fn hoists_invariants_into_a_new_preheader() {
    let orig = counted_loop();
    let mut f = orig.clone();
    let moved = run(&mut f);
    verify_or_text(&f).unwrap();
    // c1, c2, k, base, dec move; the load, the division (DivU is never
    // speculated), m, x, s, i2 stay.
    assert_eq!(moved, 5);
    assert_eq!(f.blocks.len(), 5, "a preheader was added");
    let pre = 4;
    assert_eq!(f.blocks[pre].insts.len(), 5);
    assert_eq!(f.blocks[2].insts.len(), 6);
    assert!(f.blocks[2].insts.iter().any(|i| matches!(i.kind, InstKind::Binary { op: BinaryOp::DivU, .. })));
    assert!(f.blocks[2].insts.iter().any(|i| matches!(i.kind, InstKind::Load { .. })));
    assert!(!defined_in(&f, 2, Value(7)), "constant c1 left the loop");
    for args in [[5u64, 0], [5, 1], [1, 0], [3, 9]] {
        let mut m1 = Machine::new();
        let mut m2 = Machine::new();
        for m in [&mut m1, &mut m2] {
            let base = m.symbol_addr(SymbolRef::Memory).unwrap();
            m.write_u32(base, 1000).unwrap();
        }
        assert_eq!(m1.run_simple(&orig, &args), m2.run_simple(&f, &args), "{args:?}");
    }
}

/// entry -> outer(i) -> inner(j) -> inner | latch -> outer | exit, the
/// latch counting i down by `one`. `inner` emits the inner loop's body from
/// j and returns (condition to stay, next j, the value `one`).
fn nested_loops(inner_body: impl FnOnce(&mut FunctionBuilder, Value) -> (Value, Value, Value)) -> Function {
    let sig = Signature { params: vec![Type::I32], results: vec![Type::I32] };
    let mut b = FunctionBuilder::new("n", sig);
    let p = b.block_params(b.current_block())[0];
    let (outer, inner, latch, exit) = (b.create_block(), b.create_block(), b.create_block(), b.create_block());
    let oi = b.append_block_param(outer, Type::I32);
    let ij = b.append_block_param(inner, Type::I32);
    b.jump(outer, vec![p]);
    b.switch_to_block(outer);
    b.jump(inner, vec![oi]);
    b.switch_to_block(inner);
    let (stay, j2, one) = inner_body(&mut b, ij);
    b.branch(stay, BlockCall { block: inner, args: vec![j2] }, BlockCall { block: latch, args: vec![] });
    b.switch_to_block(latch);
    let i2 = b.binary(BinaryOp::Sub, oi, one);
    b.branch(i2, BlockCall { block: outer, args: vec![i2] }, BlockCall { block: exit, args: vec![] });
    b.switch_to_block(exit);
    b.terminate(Terminator::Return(vec![oi]));
    b.finish()
}

fn same_results(orig: &Function, f: &Function) {
    for a in [0u64, 1, 7, 0xffff_ffff] {
        assert_eq!(Machine::new().run_simple(orig, &[a]), Machine::new().run_simple(f, &[a]), "{a}");
    }
}

#[test]
fn nested_loops_hoist_to_the_outermost_preheader() {
    let (mut k, mut one) = (Value(0), Value(0));
    let orig = nested_loops(|b, ij| {
        k = b.iconst(Type::I32, 0x1234_5678);
        one = b.iconst(Type::I32, 1);
        let j2 = b.binary(BinaryOp::ShrU, ij, one);
        let t = b.binary(BinaryOp::And, j2, k);
        (t, j2, one)
    });
    let mut f = orig.clone();
    assert_eq!(run(&mut f), 2, "k and one, each moved once: inner -> entry");
    verify_or_text(&f).unwrap();
    assert!(defined_in(&f, 0, k) && defined_in(&f, 0, one));
    same_results(&orig, &f);
}

#[test]
fn a_preheader_takes_at_most_the_budget_and_an_inner_one_the_rest() {
    // The inner loop xors 3 * HOIST_BUDGET distinct constants into j.
    let n = 3 * HOIST_BUDGET as i64;
    let mut one = Value(0);
    let orig = nested_loops(|b, ij| {
        let mut acc = ij;
        for k in 0..n {
            let c = b.iconst(Type::I32, 1000 + k);
            acc = b.binary(BinaryOp::Xor, acc, c);
        }
        one = b.iconst(Type::I32, 1);
        let j2 = b.binary(BinaryOp::ShrU, acc, one);
        (j2, j2, one)
    });
    let mut f = orig.clone();
    let moved = run(&mut f);
    verify_or_text(&f).unwrap();
    // The entry (the outer loop's preheader) takes the first HOIST_BUDGET,
    // `outer` (the inner loop's preheader) the next HOIST_BUDGET; the rest,
    // `one` among them (it comes last), stay in the loop.
    assert_eq!(f.blocks.len(), 5, "no preheader was needed");
    assert_eq!(moved, 2 * HOIST_BUDGET as usize);
    assert_eq!(f.blocks[0].insts.len(), HOIST_BUDGET as usize);
    assert_eq!(f.blocks[1].insts.len(), HOIST_BUDGET as usize);
    let consts_left = f.blocks[2].insts.iter().filter(|i| matches!(i.kind, InstKind::Iconst { .. })).count();
    assert_eq!(consts_left, n as usize + 1 - 2 * HOIST_BUDGET as usize);
    assert!(defined_in(&f, 2, one));
    same_results(&orig, &f);
}
