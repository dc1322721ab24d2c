use super::*;
use synth_ir::interp::Machine;
use synth_ir::verify::verify_or_text;
use synth_ir::{BlockCall, FunctionBuilder, Signature};

fn one_param(ty: Type) -> (FunctionBuilder, Value) {
    let sig = Signature { params: vec![ty], results: vec![ty] };
    let fb = FunctionBuilder::new("f", sig);
    let p = fb.block_params(fb.current_block())[0];
    (fb, p)
}

/// Folds `f` (plus the clean-up the pipeline runs), verifies it, and checks
/// it computes the same as before on each argument list.
fn fold_checked(mut f: Function, args: &[&[u64]]) -> Function {
    let orig = f.clone();
    run(&mut f);
    synth_frontend::lower::cleanup::cleanup(&mut f);
    verify_or_text(&f).unwrap();
    for a in args {
        assert_eq!(Machine::new().run_simple(&orig, a), Machine::new().run_simple(&f, a), "args {a:?}");
    }
    f
}

fn kinds(f: &Function) -> Vec<InstKind> {
    f.blocks.iter().flat_map(|b| b.insts.iter().map(|i| i.kind.clone())).collect()
}

#[test]
fn constant_operands_fold_with_interpreter_semantics() {
    for (op, ty, x, y) in [
        (BinaryOp::Add, Type::I32, 0xffff_ffffu64, 2u64),
        (BinaryOp::Shl, Type::I32, 1, 33),
        (BinaryOp::ShrS, Type::I64, u64::MAX << 4, 2),
        (BinaryOp::Rotr, Type::I32, 1, 1),
        (BinaryOp::RemS, Type::I32, 0x8000_0000, 0xffff_ffff),
        (BinaryOp::DivU, Type::I64, 100, 7),
    ] {
        let (mut fb, _) = one_param(ty);
        let a = fb.iconst(ty, imm(ty, x));
        let b = fb.iconst(ty, imm(ty, y));
        let r = fb.binary(op, a, b);
        fb.terminate(Terminator::Return(vec![r]));
        let f = fold_checked(fb.finish(), &[&[0]]);
        let want = interp::binary(op, ty, x, y).unwrap();
        assert_eq!(f.blocks[0].insts[2].kind, InstKind::Iconst { ty, imm: imm(ty, want) }, "{op:?} {ty:?}");
    }
}

#[test]
fn division_by_zero_constant_is_left_alone() {
    let (mut fb, p) = one_param(Type::I32);
    let z = fb.iconst(Type::I32, 0);
    let r = fb.binary(BinaryOp::DivU, p, z);
    fb.terminate(Terminator::Return(vec![r]));
    let mut f = fb.finish();
    assert!(!run(&mut f));
    assert!(matches!(f.blocks[0].insts[1].kind, InstKind::Binary { op: BinaryOp::DivU, .. }));
}

#[test]
fn identities_return_the_operand_for_both_types() {
    for ty in [Type::I32, Type::I64] {
        let ones = mask(ty, u64::MAX);
        for (op, c, left) in [
            (BinaryOp::Add, 0, false),
            (BinaryOp::Add, 0, true),
            (BinaryOp::Sub, 0, false),
            (BinaryOp::Mul, 1, true),
            (BinaryOp::And, ones, false),
            (BinaryOp::Or, 0, true),
            (BinaryOp::Xor, 0, false),
            (BinaryOp::Shl, width(ty), false),
            (BinaryOp::Rotr, 0, false),
            (BinaryOp::DivS, 1, false),
        ] {
            let (mut fb, p) = one_param(ty);
            let k = fb.iconst(ty, imm(ty, c));
            let r = if left { fb.binary(op, k, p) } else { fb.binary(op, p, k) };
            fb.terminate(Terminator::Return(vec![r]));
            let f = fold_checked(fb.finish(), &[&[5], &[ones]]);
            assert_eq!(f.blocks[0].term, Terminator::Return(vec![p]), "{op:?} {ty:?} {c}");
            assert_eq!(f.blocks[0].insts.len(), 1, "only the constant is left");
        }
    }
}

#[test]
fn absorbing_operands_become_constants() {
    for ty in [Type::I32, Type::I64] {
        let ones = mask(ty, u64::MAX);
        for (op, c, want) in [
            (BinaryOp::Mul, 0, 0),
            (BinaryOp::And, 0, 0),
            (BinaryOp::Or, ones, ones),
            (BinaryOp::RemU, 1, 0),
            (BinaryOp::RemS, ones, 0),
        ] {
            let (mut fb, p) = one_param(ty);
            let k = fb.iconst(ty, imm(ty, c));
            let r = fb.binary(op, p, k);
            fb.terminate(Terminator::Return(vec![r]));
            let f = fold_checked(fb.finish(), &[&[7], &[ones]]);
            assert_eq!(f.blocks[0].insts[1].kind, InstKind::Iconst { ty, imm: imm(ty, want) }, "{op:?} {ty:?}");
        }
        let (mut fb, p) = one_param(ty);
        let r = fb.binary(BinaryOp::Sub, p, p);
        fb.terminate(Terminator::Return(vec![r]));
        let f = fold_checked(fb.finish(), &[&[9]]);
        assert_eq!(kinds(&f), vec![InstKind::Iconst { ty, imm: 0 }]);
    }
}

#[test]
fn powers_of_two_become_shifts_and_masks() {
    let (mut fb, p) = one_param(Type::I64);
    let eight = fb.iconst(Type::I64, 8);
    let m = fb.binary(BinaryOp::Mul, p, eight);
    let d = fb.binary(BinaryOp::DivU, m, eight);
    let r = fb.binary(BinaryOp::RemU, d, eight);
    fb.terminate(Terminator::Return(vec![r]));
    let f = fold_checked(fb.finish(), &[&[0x1234_5678_9abc_def1], &[u64::MAX], &[3]]);
    let ops: Vec<BinaryOp> = kinds(&f)
        .into_iter()
        .filter_map(|k| match k {
            InstKind::Binary { op, .. } => Some(op),
            _ => None,
        })
        .collect();
    assert_eq!(ops, vec![BinaryOp::Shl, BinaryOp::ShrU, BinaryOp::And]);
}

#[test]
fn additions_of_constants_reassociate() {
    let (mut fb, p) = one_param(Type::I32);
    let c1 = fb.iconst(Type::I32, 4);
    let a = fb.binary(BinaryOp::Add, p, c1);
    let c2 = fb.iconst(Type::I32, -4);
    let b = fb.binary(BinaryOp::Add, a, c2);
    let c3 = fb.iconst(Type::I32, 16);
    let c = fb.binary(BinaryOp::Add, a, c3);
    let x = fb.binary(BinaryOp::Xor, b, c);
    fb.terminate(Terminator::Return(vec![x]));
    let f = fold_checked(fb.finish(), &[&[0xffff_fffe], &[10]]);
    // b = p + 0 = p; c = p + 20.
    let last = f.blocks[0].insts.last().unwrap();
    let InstKind::Binary { op: BinaryOp::Xor, lhs, rhs, .. } = last.kind else { panic!("{last:?}") };
    assert_eq!(lhs, p);
    let c_def = f.blocks[0].insts.iter().find(|i| i.results == vec![rhs]).unwrap();
    let InstKind::Binary { op: BinaryOp::Add, lhs: base, rhs: k, .. } = c_def.kind else { panic!() };
    assert_eq!(base, p);
    let k_def = f.blocks[0].insts.iter().find(|i| i.results == vec![k]).unwrap();
    assert_eq!(k_def.kind, InstKind::Iconst { ty: Type::I32, imm: 20 });
}

#[test]
fn subtracting_a_constant_becomes_adding_its_negation() {
    // (p - 5) + 7  =>  p + 2 (two rounds: canonicalise, then re-associate),
    // and i64 `q - 1` => `q + (-1)`.
    let (mut fb, p) = one_param(Type::I32);
    let c5 = fb.iconst(Type::I32, 5);
    let d = fb.binary(BinaryOp::Sub, p, c5);
    let c7 = fb.iconst(Type::I32, 7);
    let e = fb.binary(BinaryOp::Add, d, c7);
    fb.terminate(Terminator::Return(vec![e]));
    let args: &[&[u64]] = &[&[0], &[3], &[0xffff_ffff]];
    let f = fold_checked(fold_checked(fb.finish(), args), args);
    assert!(kinds(&f).iter().all(|k| !matches!(k, InstKind::Binary { op: BinaryOp::Sub, .. })));
    let ret = match &f.blocks[0].term {
        Terminator::Return(v) => v[0],
        t => panic!("{t:?}"),
    };
    let def = f.blocks[0].insts.iter().find(|i| i.results == vec![ret]).unwrap();
    let InstKind::Binary { op: BinaryOp::Add, lhs, rhs, .. } = def.kind else { panic!("{def:?}") };
    assert_eq!(lhs, p);
    let k = f.blocks[0].insts.iter().find(|i| i.results == vec![rhs]).unwrap();
    assert_eq!(k.kind, InstKind::Iconst { ty: Type::I32, imm: 2 });

    let (mut fb, q) = one_param(Type::I64);
    let one = fb.iconst(Type::I64, 1);
    let r = fb.binary(BinaryOp::Sub, q, one);
    fb.terminate(Terminator::Return(vec![r]));
    let f = fold_checked(fb.finish(), &[&[0], &[u64::MAX], &[1 << 40]]);
    let ks = kinds(&f);
    assert!(ks.contains(&InstKind::Iconst { ty: Type::I64, imm: -1 }), "{ks:?}");
    assert!(ks.iter().any(|k| matches!(k, InstKind::Binary { op: BinaryOp::Add, ty: Type::I64, lhs, .. } if *lhs == q)));
}

#[test]
fn compares_selects_conversions_and_eqz() {
    let sig = Signature { params: vec![Type::I32, Type::I32], results: vec![Type::I32, Type::I32, Type::I32] };
    let mut fb = FunctionBuilder::new("f", sig);
    let p = fb.block_params(fb.current_block()).to_vec();
    let same = fb.compare(IntCC::LeU, p[0], p[0]);
    let lt = fb.compare(IntCC::LtS, p[0], p[1]);
    let not_lt = fb.inst1(InstKind::Eqz { ty: Type::I32, arg: lt }, Type::I32);
    let one = fb.iconst(Type::I32, 1);
    let sel = fb.inst1(InstKind::Select { ty: Type::I32, cond: one, if_true: p[1], if_false: p[0] }, Type::I32);
    let ext = fb.inst1(InstKind::Convert { op: ConvertOp::ExtendU, arg: sel }, Type::I64);
    let wrapped = fb.inst1(InstKind::Convert { op: ConvertOp::Wrap, arg: ext }, Type::I32);
    let r = fb.binary(BinaryOp::Add, same, wrapped);
    fb.terminate(Terminator::Return(vec![r, not_lt, same]));
    let f = fold_checked(fb.finish(), &[&[1, 2], &[0x8000_0000, 1], &[3, 3]]);
    let ks = kinds(&f);
    assert!(ks.contains(&InstKind::Compare { cc: IntCC::GeS, ty: Type::I32, lhs: p[0], rhs: p[1] }));
    assert!(ks.iter().all(|k| !matches!(k, InstKind::Select { .. } | InstKind::Eqz { .. })));
    // same -> 1, wrap(extend(p1)) -> p1: r = 1 + p1.
    let InstKind::Binary { rhs, .. } = ks.last().unwrap() else { panic!() };
    assert_eq!(*rhs, p[1]);
}

#[test]
fn constant_branches_and_traps() {
    // entry: t = trap_if 0; br 1 ? A(p) : B. A(x): br_table 5 [B] default C. B: trap_if 1, ret. C: ret x.
    let (mut fb, p) = one_param(Type::I32);
    let z = fb.iconst(Type::I32, 0);
    fb.trap_if(z, TrapCode::IntegerDivideByZero);
    let one = fb.iconst(Type::I32, 1);
    let (a, b, c) = (fb.create_block(), fb.create_block(), fb.create_block());
    let ax = fb.append_block_param(a, Type::I32);
    let cx = fb.append_block_param(c, Type::I32);
    fb.branch(one, BlockCall { block: a, args: vec![p] }, BlockCall { block: b, args: vec![] });
    fb.switch_to_block(a);
    let five = fb.iconst(Type::I32, 5);
    fb.terminate(Terminator::BrTable {
        index: five,
        targets: vec![BlockCall { block: b, args: vec![] }],
        default: BlockCall { block: c, args: vec![ax] },
    });
    fb.switch_to_block(b);
    fb.trap_if(one, TrapCode::Unreachable);
    fb.terminate(Terminator::Return(vec![p]));
    fb.switch_to_block(c);
    fb.terminate(Terminator::Return(vec![cx]));
    let f = fold_checked(fb.finish(), &[&[42]]);
    assert!(kinds(&f).iter().all(|k| !matches!(k, InstKind::TrapIf { .. })));
    // B is gone; entry -> A -> C, all jumps; C returns p.
    assert_eq!(f.blocks.len(), 3);
    assert!(matches!(f.blocks[0].term, Terminator::Jump(_)));
    assert!(matches!(f.blocks[1].term, Terminator::Jump(_)));
    assert_eq!(f.blocks[2].term, Terminator::Return(vec![p]));
}

#[test]
fn always_trapping_check_ends_the_block() {
    let (mut fb, p) = one_param(Type::I32);
    let one = fb.iconst(Type::I32, 1);
    fb.trap_if(one, TrapCode::IntegerOverflow);
    let r = fb.binary(BinaryOp::Add, p, p);
    fb.terminate(Terminator::Return(vec![r]));
    let f = fold_checked(fb.finish(), &[&[1]]);
    assert_eq!(f.blocks[0].term, Terminator::Trap(TrapCode::IntegerOverflow));
    assert_eq!(f.blocks[0].insts.len(), 1);
}

#[test]
fn branch_on_eqz_swaps_targets() {
    let (mut fb, p) = one_param(Type::I32);
    let e = fb.inst1(InstKind::Eqz { ty: Type::I32, arg: p }, Type::I32);
    let (a, b) = (fb.create_block(), fb.create_block());
    fb.branch(e, BlockCall { block: a, args: vec![] }, BlockCall { block: b, args: vec![] });
    fb.switch_to_block(a);
    let k = fb.iconst(Type::I32, 10);
    fb.terminate(Terminator::Return(vec![k]));
    fb.switch_to_block(b);
    fb.terminate(Terminator::Return(vec![p]));
    let f = fold_checked(fb.finish(), &[&[0], &[3]]);
    let Terminator::Branch { cond, then_dest, .. } = &f.blocks[0].term else { panic!() };
    assert_eq!((*cond, then_dest.block), (p, b));
}

/// An i64 function of one i64 parameter built by `body`, folded and checked
/// against the unfolded one on edge inputs; returns the folded kinds.
fn narrowed(body: impl FnOnce(&mut FunctionBuilder, Value) -> Value) -> Vec<InstKind> {
    let (mut fb, p) = one_param(Type::I64);
    let r = body(&mut fb, p);
    fb.terminate(Terminator::Return(vec![r]));
    let edges: [u64; 8] = [0, 1, 2, 0xffff_ffff, 0x1_0000_0000, 0x8000_0000_0000_0001, u64::MAX, 0x1234_5678_9abc_def1];
    let args: Vec<[u64; 1]> = edges.iter().map(|&x| [x]).collect();
    let refs: Vec<&[u64]> = args.iter().map(|a| &a[..]).collect();
    kinds(&fold_checked(fb.finish(), &refs))
}

fn has(k: &[InstKind], pred: impl Fn(&InstKind) -> bool) -> bool {
    k.iter().any(pred)
}

#[test]
fn i64_and_with_a_small_constant_and_its_test_narrow_to_i32() {
    // eqz(x & 1), as clang writes `if (b & 1)` on a uint64_t
    let k = narrowed(|fb, p| {
        let one = fb.iconst(Type::I64, 1);
        let a = fb.binary(BinaryOp::And, p, one);
        let z = fb.inst1(InstKind::Eqz { ty: Type::I64, arg: a }, Type::I32);
        fb.inst1(InstKind::Convert { op: ConvertOp::ExtendU, arg: z }, Type::I64)
    });
    assert!(has(&k, |i| matches!(i, InstKind::Binary { op: BinaryOp::And, ty: Type::I32, .. })), "{k:?}");
    assert!(has(&k, |i| matches!(i, InstKind::Eqz { ty: Type::I32, .. })), "{k:?}");
    assert!(!has(&k, |i| matches!(i, InstKind::Binary { ty: Type::I64, .. } | InstKind::Eqz { ty: Type::I64, .. })), "{k:?}");
}

#[test]
fn i64_operations_on_extended_values_narrow_to_i32() {
    // (ext(lo x) | ext(lo x >> 3)) ^ ext(lo x) compared with 7 (signed: becomes unsigned), shr_u by 40 and 5
    let k = narrowed(|fb, p| {
        let lo = fb.inst1(InstKind::Convert { op: ConvertOp::Wrap, arg: p }, Type::I32);
        let three = fb.iconst(Type::I32, 3);
        let lo3 = fb.binary(BinaryOp::ShrU, lo, three);
        let a = fb.inst1(InstKind::Convert { op: ConvertOp::ExtendU, arg: lo }, Type::I64);
        let b = fb.inst1(InstKind::Convert { op: ConvertOp::ExtendU, arg: lo3 }, Type::I64);
        let o = fb.binary(BinaryOp::Or, a, b);
        let o2 = fb.inst1(InstKind::Convert { op: ConvertOp::Wrap, arg: o }, Type::I32);
        let oe = fb.inst1(InstKind::Convert { op: ConvertOp::ExtendU, arg: o2 }, Type::I64);
        let x = fb.binary(BinaryOp::Xor, oe, a);
        let seven = fb.iconst(Type::I64, 7);
        let lt = fb.compare(IntCC::LtS, x, seven);
        let lt64 = fb.inst1(InstKind::Convert { op: ConvertOp::ExtendU, arg: lt }, Type::I64);
        let forty = fb.iconst(Type::I64, 40);
        let gone = fb.binary(BinaryOp::ShrU, a, forty);
        let five = fb.iconst(Type::I64, 5);
        let kept = fb.binary(BinaryOp::ShrU, a, five);
        let s = fb.binary(BinaryOp::Add, lt64, gone);
        fb.binary(BinaryOp::Add, s, kept)
    });
    assert!(has(&k, |i| matches!(i, InstKind::Compare { cc: IntCC::LtU, ty: Type::I32, .. })), "{k:?}");
    assert!(has(&k, |i| matches!(i, InstKind::Binary { op: BinaryOp::Xor, ty: Type::I32, .. })), "{k:?}");
    assert!(has(&k, |i| matches!(i, InstKind::Binary { op: BinaryOp::ShrU, ty: Type::I32, .. })), "{k:?}");
    let wide = |op| has(&k, |i| matches!(i, InstKind::Binary { op: o, ty: Type::I64, .. } if *o == op));
    assert!(!wide(BinaryOp::Or) && !wide(BinaryOp::Xor) && !wide(BinaryOp::ShrU), "{k:?}");
}

#[test]
fn i64_narrowing_leaves_values_that_may_have_high_bits() {
    // x & 0x1_0000_0001 and a comparison of x itself stay 64-bit
    let k = narrowed(|fb, p| {
        let c = fb.iconst(Type::I64, 0x1_0000_0001);
        let a = fb.binary(BinaryOp::And, p, c);
        let one = fb.iconst(Type::I64, 1);
        let lt = fb.compare(IntCC::LtU, p, one);
        let lt64 = fb.inst1(InstKind::Convert { op: ConvertOp::ExtendU, arg: lt }, Type::I64);
        fb.binary(BinaryOp::Add, a, lt64)
    });
    assert!(has(&k, |i| matches!(i, InstKind::Binary { op: BinaryOp::And, ty: Type::I64, .. })), "{k:?}");
    assert!(has(&k, |i| matches!(i, InstKind::Compare { ty: Type::I64, .. })), "{k:?}");
}
