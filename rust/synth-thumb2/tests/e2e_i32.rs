//! End-to-end: i32 operators, comparisons, selects and control flow,
//! compiled with `compile_function` and executed in unicorn against the
//! reference interpreter (`synth_ir::interp`), plus literal spot checks
//! that would catch a bug shared by the interpreter and the backend.

mod harness;

use harness::reference::{check_against_interpreter, every, pairs, sig, spot_check, u64s, unary_func, CCS};
use harness::{build, run, samples32, Call};
use synth_ir::*;

const OPS: [BinaryOp; 15] = [
    BinaryOp::Add,
    BinaryOp::Sub,
    BinaryOp::Mul,
    BinaryOp::DivS,
    BinaryOp::DivU,
    BinaryOp::RemS,
    BinaryOp::RemU,
    BinaryOp::And,
    BinaryOp::Or,
    BinaryOp::Xor,
    BinaryOp::Shl,
    BinaryOp::ShrS,
    BinaryOp::ShrU,
    BinaryOp::Rotl,
    BinaryOp::Rotr,
];

/// f(a, b) = a op b, or with `rhs_const`, f(a) = a op c.
fn binop_func(op: BinaryOp, rhs_const: Option<u32>, lhs_const: Option<u32>) -> Function {
    let mut b = FunctionBuilder::new(format!("{op:?}"), sig(&[Type::I32, Type::I32], &[Type::I32]));
    let p = b.block_params(Block(0)).to_vec();
    let l = match lhs_const {
        Some(c) => b.iconst(Type::I32, c as i64),
        None => p[0],
    };
    let r = match rhs_const {
        Some(c) => b.iconst(Type::I32, c as i64),
        None => p[1],
    };
    let v = b.binary(op, l, r);
    b.terminate(Terminator::Return(vec![v]));
    b.finish()
}

#[test]
fn add_smoke() {
    let l = build(&[binop_func(BinaryOp::Add, None, None)]);
    let out = run(&l, &[Call { func: 0, args: vec![40, 2], ..Default::default() }]);
    assert_eq!(out[0].r0, 42);
}

#[test]
fn binary_ops_register_operands() {
    let funcs: Vec<Function> = OPS.iter().map(|&op| binop_func(op, None, None)).collect();
    check_against_interpreter(&funcs, every(funcs.len(), &pairs(&u64s(samples32()), &u64s(samples32()))));
}

#[test]
fn binary_ops_constant_operands() {
    let consts = [0u32, 1, 5, 31, 32, 255, 4095, 4096, 0x5555_5555, 0xFFFF_FF00, 0x1234_5678, 0xFFFF_FFFF];
    let mut funcs = Vec::new();
    for &op in &OPS {
        for &c in &consts {
            funcs.push(binop_func(op, Some(c), None));
            if matches!(op, BinaryOp::Sub | BinaryOp::Add | BinaryOp::And | BinaryOp::Or | BinaryOp::Shl) {
                funcs.push(binop_func(op, None, Some(c)));
            }
        }
    }
    let args: Vec<Vec<u64>> = samples32().iter().map(|&x| vec![x as u64, x as u64]).collect();
    check_against_interpreter(&funcs, every(funcs.len(), &args));
}

#[test]
fn unary_ops() {
    let ops = [UnaryOp::Clz, UnaryOp::Ctz, UnaryOp::Popcnt, UnaryOp::Extend8S, UnaryOp::Extend16S];
    let funcs: Vec<Function> = ops.iter().map(|&o| unary_func(o, Type::I32)).collect();
    let args: Vec<Vec<u64>> = samples32().iter().chain(&[0x80u32, 0x8000, 0xFF7F]).map(|&x| vec![x as u64]).collect();
    check_against_interpreter(&funcs, every(funcs.len(), &args));
}

/// Literal expected values, independent of the interpreter (see
/// [`spot_check`]).
#[test]
fn literal_spot_checks() {
    let bin: [(BinaryOp, u64, u64, u64); 8] = [
        (BinaryOp::Rotl, 0x8000_0001, 1, 3),
        (BinaryOp::Rotr, 1, 33, 0x8000_0000),
        (BinaryOp::Shl, 1, 32, 1),
        (BinaryOp::ShrS, 0x8000_0000, 31, 0xFFFF_FFFF),
        (BinaryOp::ShrU, 0x8000_0000, 63, 1),
        (BinaryOp::DivS, 0xFFFF_FFF9, 2, 0xFFFF_FFFD),
        (BinaryOp::RemS, 0xFFFF_FFF9, 2, 0xFFFF_FFFF),
        (BinaryOp::RemS, 0x8000_0000, 0xFFFF_FFFF, 0),
    ];
    let un: [(UnaryOp, u64, u64); 5] = [
        (UnaryOp::Clz, 0, 32),
        (UnaryOp::Ctz, 0x8000_0000, 31),
        (UnaryOp::Popcnt, 0xFFFF_FFFF, 32),
        (UnaryOp::Extend8S, 0x1_80, 0xFFFF_FF80),
        (UnaryOp::Extend16S, 0x7FFF, 0x7FFF),
    ];
    let mut funcs: Vec<Function> = bin.iter().map(|c| binop_func(c.0, None, None)).collect();
    funcs.extend(un.iter().map(|c| unary_func(c.0, Type::I32)));
    spot_check(&funcs, bin.iter().map(|&(_, a, b, r)| (vec![a, b], r)).chain(un.iter().map(|&(_, x, r)| (vec![x], r))));
}

/// kind 0: compare to 0/1; 1: select(a, b); 2: branch returning 10/20;
/// 3: compare against constant 5 on the left.
fn cmp_func(cc: IntCC, kind: u8) -> Function {
    let mut b = FunctionBuilder::new(format!("{cc:?}{kind}"), sig(&[Type::I32, Type::I32], &[Type::I32]));
    let p = b.block_params(Block(0)).to_vec();
    match kind {
        0 => {
            let c = b.compare(cc, p[0], p[1]);
            b.terminate(Terminator::Return(vec![c]));
        }
        1 => {
            let c = b.compare(cc, p[0], p[1]);
            let s = b.inst1(InstKind::Select { ty: Type::I32, cond: c, if_true: p[0], if_false: p[1] }, Type::I32);
            b.terminate(Terminator::Return(vec![s]));
        }
        2 => {
            let c = b.compare(cc, p[0], p[1]);
            let t = b.create_block();
            let e = b.create_block();
            b.branch(c, BlockCall { block: t, args: vec![] }, BlockCall { block: e, args: vec![] });
            b.switch_to_block(t);
            let ten = b.iconst(Type::I32, 10);
            b.terminate(Terminator::Return(vec![ten]));
            b.switch_to_block(e);
            let twenty = b.iconst(Type::I32, 20);
            b.terminate(Terminator::Return(vec![twenty]));
        }
        _ => {
            let five = b.iconst(Type::I32, 5);
            let c = b.compare(cc, five, p[1]);
            b.terminate(Terminator::Return(vec![c]));
        }
    }
    b.finish()
}

#[test]
fn comparisons_selects_and_branches() {
    let mut funcs = Vec::new();
    for &cc in &CCS {
        for kind in 0..4u8 {
            funcs.push(cmp_func(cc, kind));
        }
    }
    let vals = [0u64, 1, 5, 6, 4, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF];
    check_against_interpreter(&funcs, every(funcs.len(), &pairs(&vals, &vals)));
}

/// sum(n) = 0 + 1 + ... + (n-1) with a loop carrying (i, acc).
fn sum_loop() -> Function {
    let mut b = FunctionBuilder::new("sum", sig(&[Type::I32], &[Type::I32]));
    let n = b.block_params(Block(0))[0];
    let head = b.create_block();
    let i = b.append_block_param(head, Type::I32);
    let acc = b.append_block_param(head, Type::I32);
    let body = b.create_block();
    let exit = b.create_block();
    let r = b.append_block_param(exit, Type::I32);
    let zero = b.iconst(Type::I32, 0);
    b.jump(head, vec![zero, zero]);
    b.switch_to_block(head);
    let c = b.compare(IntCC::LtU, i, n);
    b.branch(c, BlockCall { block: body, args: vec![] }, BlockCall { block: exit, args: vec![acc] });
    b.switch_to_block(body);
    let acc2 = b.binary(BinaryOp::Add, acc, i);
    let one = b.iconst(Type::I32, 1);
    let i2 = b.binary(BinaryOp::Add, i, one);
    b.jump(head, vec![i2, acc2]);
    b.switch_to_block(exit);
    b.terminate(Terminator::Return(vec![r]));
    b.finish()
}

/// Swaps (a, b) n times through block arguments: returns a or b.
fn swap_loop() -> Function {
    let mut b = FunctionBuilder::new("swap", sig(&[Type::I32, Type::I32, Type::I32], &[Type::I32]));
    let p = b.block_params(Block(0)).to_vec();
    let head = b.create_block();
    let x = b.append_block_param(head, Type::I32);
    let y = b.append_block_param(head, Type::I32);
    let k = b.append_block_param(head, Type::I32);
    let exit = b.create_block();
    b.jump(head, vec![p[0], p[1], p[2]]);
    b.switch_to_block(head);
    let one = b.iconst(Type::I32, 1);
    let k2 = b.binary(BinaryOp::Sub, k, one);
    b.branch(k, BlockCall { block: head, args: vec![y, x, k2] }, BlockCall { block: exit, args: vec![] });
    b.switch_to_block(exit);
    b.terminate(Terminator::Return(vec![x]));
    b.finish()
}

/// br_table on x over 5 targets returning 100 + target, default 7.
fn table() -> Function {
    let mut b = FunctionBuilder::new("table", sig(&[Type::I32], &[Type::I32]));
    let x = b.block_params(Block(0))[0];
    let ret = b.create_block();
    let rv = b.append_block_param(ret, Type::I32);
    let mut targets = Vec::new();
    for k in 0..5 {
        let t = b.create_block();
        b.switch_to_block(t);
        let c = b.iconst(Type::I32, 100 + k);
        b.jump(ret, vec![c]);
        targets.push(BlockCall { block: t, args: vec![] });
    }
    let d = b.create_block();
    b.switch_to_block(d);
    let seven = b.iconst(Type::I32, 7);
    b.jump(ret, vec![seven]);
    b.switch_to_block(Block(0));
    b.terminate(Terminator::BrTable { index: x, targets, default: BlockCall { block: d, args: vec![] } });
    b.switch_to_block(ret);
    b.terminate(Terminator::Return(vec![rv]));
    b.finish()
}

#[test]
fn loops_block_arguments_and_tables() {
    let l = build(&[sum_loop(), swap_loop(), table()]);
    let mut calls = Vec::new();
    let mut want = Vec::new();
    for n in [0u32, 1, 2, 10, 100] {
        calls.push(Call { func: 0, args: vec![n], ..Default::default() });
        want.push(n * n.saturating_sub(1) / 2);
    }
    for k in [0u32, 1, 2, 3, 7] {
        calls.push(Call { func: 1, args: vec![11, 22, k], ..Default::default() });
        want.push(if k % 2 == 0 { 11 } else { 22 });
    }
    for x in [0u32, 1, 4, 5, 6, 0xFFFF_FFFF] {
        calls.push(Call { func: 2, args: vec![x], ..Default::default() });
        want.push(if x < 5 { 100 + x } else { 7 });
    }
    let out = run(&l, &calls);
    for ((c, w), o) in calls.iter().zip(&want).zip(&out) {
        assert_eq!(o.r0, *w, "{c:?}");
    }
}

/// Many values live at once: forces spills, checked against the interpreter.
#[test]
fn register_pressure_spills_correctly() {
    let mut b = FunctionBuilder::new("pressure", sig(&[Type::I32, Type::I32], &[Type::I32]));
    let p = b.block_params(Block(0)).to_vec();
    let mut vals = Vec::new();
    for k in 0..24 {
        let c = b.iconst(Type::I32, k * 7 + 3);
        let m = b.binary(BinaryOp::Mul, p[0], c);
        let v = b.binary(BinaryOp::Xor, m, p[1]);
        vals.push(v);
    }
    let mut acc = vals[0];
    for (k, v) in vals.iter().enumerate().skip(1) {
        let t = b.binary(if k % 2 == 0 { BinaryOp::Add } else { BinaryOp::Sub }, acc, *v);
        acc = t;
    }
    b.terminate(Terminator::Return(vec![acc]));
    let f = b.finish();
    let cases = [(1u64, 2u64), (0x1234, 0xFFFF), (0xDEAD_BEEF, 7)].map(|(a, b)| (0, vec![a, b]));
    assert_eq!(check_against_interpreter(&[f], cases), 3);
}

/// Prints disassembly of a few functions (run with --nocapture to inspect).
#[test]
fn show_disassembly() {
    let l = build(&[sum_loop(), swap_loop(), table(), cmp_func(IntCC::LtS, 1)]);
    for (k, c) in l.compiled.iter().enumerate() {
        println!("func {k}: {} insts, frame {}, {:?}\n{}", c.inst_count, c.frame_bytes, c.alloc, harness::disasm(&c.code));
        assert!(c.inst_count as usize <= c.code.len() / 2);
    }
}

/// A br_table whose targets include the enclosing loop header (a backward
/// edge: TBH only jumps forwards, so it goes through a trampoline).
#[test]
fn br_table_backward_edge() {
    let mut b = FunctionBuilder::new("tbl_loop", sig(&[Type::I32], &[Type::I32]));
    let x = b.block_params(Block(0))[0];
    let g0 = b.symbol_addr(SymbolRef::Global(0), 0);
    b.store(StoreKind::Full, g0, x, 0);
    let zero = b.iconst(Type::I32, 0);
    b.store(StoreKind::Full, g0, zero, 8);
    let head = b.create_block();
    let exit = b.create_block();
    b.jump(head, vec![]);
    b.switch_to_block(head);
    let g = b.symbol_addr(SymbolRef::Global(0), 0);
    let c = b.load(Type::I32, LoadKind::Full, g, 0);
    let one = b.iconst(Type::I32, 1);
    let c2 = b.binary(BinaryOp::Sub, c, one);
    b.store(StoreKind::Full, g, c2, 0);
    let n = b.load(Type::I32, LoadKind::Full, g, 8);
    let n2 = b.binary(BinaryOp::Add, n, one);
    b.store(StoreKind::Full, g, n2, 8);
    b.terminate(Terminator::BrTable {
        index: c2,
        targets: vec![BlockCall { block: exit, args: vec![] }, BlockCall { block: head, args: vec![] }],
        default: BlockCall { block: head, args: vec![] },
    });
    b.switch_to_block(exit);
    let g = b.symbol_addr(SymbolRef::Global(0), 8);
    let r = b.load(Type::I32, LoadKind::Full, g, 0);
    b.terminate(Terminator::Return(vec![r]));
    let l = build(&[b.finish()]);
    let out = run(&l, &[1u32, 2, 5, 40].map(|x| Call { func: 0, args: vec![x], ..Default::default() }));
    assert_eq!(out.iter().map(|o| o.r0).collect::<Vec<_>>(), vec![1, 2, 5, 40]);
}
