//! End-to-end: i64 operators on register pairs, i64 comparisons and
//! conversions, executed in unicorn against the reference interpreter
//! (`synth_ir::interp`), plus literal spot checks that would catch a bug
//! shared by the interpreter and the backend.

mod harness;

use harness::reference::{check_against_interpreter, every, join, pairs, sig, split, spot_check, unary_func, CCS};
use harness::{build_rt, run, samples64, Call};
use synth_ir::*;

const OPS: [BinaryOp; 11] = [
    BinaryOp::Add,
    BinaryOp::Sub,
    BinaryOp::Mul,
    BinaryOp::And,
    BinaryOp::Or,
    BinaryOp::Xor,
    BinaryOp::Shl,
    BinaryOp::ShrS,
    BinaryOp::ShrU,
    BinaryOp::Rotl,
    BinaryOp::Rotr,
];

fn binop_func(op: BinaryOp, rhs_const: Option<u64>) -> Function {
    let mut b = FunctionBuilder::new(format!("{op:?}"), sig(&[Type::I64, Type::I64], &[Type::I64]));
    let p = b.block_params(Block(0)).to_vec();
    let r = match rhs_const {
        Some(c) => b.iconst(Type::I64, c as i64),
        None => p[1],
    };
    let v = b.binary(op, p[0], r);
    b.terminate(Terminator::Return(vec![v]));
    b.finish()
}

#[test]
fn i64_binary_ops_register_operands() {
    let funcs: Vec<Function> = OPS.iter().map(|&op| binop_func(op, None)).collect();
    let rhs: Vec<u64> = samples64().into_iter().chain([127, 128, 0x100_0000_0021]).collect();
    check_against_interpreter(&funcs, every(funcs.len(), &pairs(&samples64(), &rhs)));
}

#[test]
fn i64_shifts_and_rotates_by_constants() {
    let mut funcs = Vec::new();
    for op in [BinaryOp::Shl, BinaryOp::ShrS, BinaryOp::ShrU, BinaryOp::Rotl, BinaryOp::Rotr, BinaryOp::Add, BinaryOp::Mul] {
        for c in [0u64, 1, 5, 31, 32, 33, 40, 63, 64, 100, 0xFFFF_FFFF_0000_0001] {
            funcs.push(binop_func(op, Some(c)));
        }
    }
    let args: Vec<Vec<u64>> = samples64().iter().map(|&a| vec![a, 0]).collect();
    check_against_interpreter(&funcs, every(funcs.len(), &args));
}

#[test]
fn i64_unary_ops() {
    let ops = [UnaryOp::Clz, UnaryOp::Ctz, UnaryOp::Popcnt, UnaryOp::Extend8S, UnaryOp::Extend16S, UnaryOp::Extend32S];
    let funcs: Vec<Function> = ops.iter().map(|&o| unary_func(o, Type::I64)).collect();
    let args: Vec<Vec<u64>> = samples64().iter().chain(&[0x80u64, 0x8000, 0x8000_0000, 0x1_0000_0000_0000]).map(|&x| vec![x]).collect();
    check_against_interpreter(&funcs, every(funcs.len(), &args));
}

/// Literal expected values, independent of the interpreter (see
/// [`spot_check`]).
#[test]
fn i64_literal_spot_checks() {
    let bin: [(BinaryOp, u64, u64, u64); 7] = [
        (BinaryOp::Rotl, 0x8000_0000_0000_0001, 1, 3),
        (BinaryOp::Rotr, 1, 65, 0x8000_0000_0000_0000),
        (BinaryOp::Shl, 1, 64, 1),
        (BinaryOp::Shl, 1, 32, 0x1_0000_0000),
        (BinaryOp::ShrS, 0x8000_0000_0000_0000, 63, u64::MAX),
        (BinaryOp::ShrU, 0x1_0000_0000, 32, 1),
        (BinaryOp::Mul, 0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFE_0000_0001),
    ];
    let un: [(UnaryOp, u64, u64); 4] = [
        (UnaryOp::Clz, 1, 63),
        (UnaryOp::Ctz, 0, 64),
        (UnaryOp::Popcnt, u64::MAX, 64),
        (UnaryOp::Extend32S, 0x1_8000_0000, 0xFFFF_FFFF_8000_0000),
    ];
    let mut funcs: Vec<Function> = bin.iter().map(|c| binop_func(c.0, None)).collect();
    funcs.extend(un.iter().map(|c| unary_func(c.0, Type::I64)));
    spot_check(&funcs, bin.iter().map(|&(_, a, b, r)| (vec![a, b], r)).chain(un.iter().map(|&(_, x, r)| (vec![x], r))));
}

/// kind 0: i32 0/1; 1: select of the i64 operands; 2: branch to 10/20.
fn cmp_func(cc: IntCC, kind: u8) -> Function {
    let res = if kind == 1 { Type::I64 } else { Type::I32 };
    let mut b = FunctionBuilder::new(format!("{cc:?}{kind}"), sig(&[Type::I64, Type::I64], &[res]));
    let p = b.block_params(Block(0)).to_vec();
    let c = b.compare(cc, p[0], p[1]);
    match kind {
        0 => b.terminate(Terminator::Return(vec![c])),
        1 => {
            let s = b.inst1(InstKind::Select { ty: Type::I64, cond: c, if_true: p[0], if_false: p[1] }, Type::I64);
            b.terminate(Terminator::Return(vec![s]));
        }
        _ => {
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
    }
    b.finish()
}

#[test]
fn i64_comparisons_selects_and_branches() {
    let mut funcs = Vec::new();
    for &cc in &CCS {
        for kind in 0..3u8 {
            funcs.push(cmp_func(cc, kind));
        }
    }
    let vals = [0u64, 1, 0xFFFF_FFFF, 0x1_0000_0000, 0x1_0000_0001, 0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, u64::MAX, 0xFFFF_FFFF_0000_0000];
    check_against_interpreter(&funcs, every(funcs.len(), &pairs(&vals, &vals)));
}

#[test]
fn i64_eqz_and_conversions() {
    let mut b = FunctionBuilder::new("eqz", sig(&[Type::I64], &[Type::I32]));
    let x = b.block_params(Block(0))[0];
    let z = b.inst1(InstKind::Eqz { ty: Type::I64, arg: x }, Type::I32);
    b.terminate(Terminator::Return(vec![z]));
    let eqz = b.finish();
    let conv = |op: ConvertOp| {
        let (pt, rt) = if op == ConvertOp::Wrap { (Type::I64, Type::I32) } else { (Type::I32, Type::I64) };
        let mut b = FunctionBuilder::new(format!("{op:?}"), sig(&[pt], &[rt]));
        let x = b.block_params(Block(0))[0];
        let v = b.inst1(InstKind::Convert { op, arg: x }, rt);
        b.terminate(Terminator::Return(vec![v]));
        b.finish()
    };
    let funcs = [eqz, conv(ConvertOp::Wrap), conv(ConvertOp::ExtendS), conv(ConvertOp::ExtendU)];
    let mut cases = Vec::new();
    for &x in &samples64() {
        let lo = x & 0xFFFF_FFFF;
        cases.extend([(0, vec![x]), (1, vec![x]), (2, vec![lo]), (3, vec![lo])]);
    }
    check_against_interpreter(&funcs, cases);
}

/// i64 division lowers to a call of `__aeabi_uldivmod` with (i64, i64) in
/// r0-r3 and the quotient back in r0:r1, an i32 kept live across it; a
/// stand-in computes `a - 2*b` (the real one runs in the spec and program
/// tests, linked from libgcc).
#[test]
fn i64_division_calls_aeabi_uldivmod_keeping_values_live() {
    let mut b = FunctionBuilder::new("div", sig(&[Type::I32, Type::I64, Type::I64], &[Type::I64]));
    let p = b.block_params(Block(0)).to_vec();
    let d = b.binary(BinaryOp::DivU, p[1], p[2]);
    // Keep p[0] live across the call (it must survive in a callee-saved register or a slot).
    let e = b.inst1(InstKind::Convert { op: ConvertOp::ExtendU, arg: p[0] }, Type::I64);
    let r = b.binary(BinaryOp::Add, d, e);
    b.terminate(Terminator::Return(vec![r]));
    let div = b.finish();
    let mut b = FunctionBuilder::new("helper", sig(&[Type::I64, Type::I64], &[Type::I64]));
    let p = b.block_params(Block(0)).to_vec();
    let t = b.binary(BinaryOp::Add, p[1], p[1]);
    let r = b.binary(BinaryOp::Sub, p[0], t);
    b.terminate(Terminator::Return(vec![r]));
    let helper = b.finish();
    let l = build_rt(&[div, helper], &[(RuntimeFunc::I64DivU, 1)]);
    let (a, bb, c) = (0x1_0000_0000_0005u64, 0x2_0000_0001u64, 77u32);
    // (i32 in r0, i64 in r2:r3, i64 on the stack)
    let [al, ah] = split(a);
    let [bl, bh] = split(bb);
    let out = run(&l, &[Call { func: 0, args: vec![c, 0, al, ah], stack: vec![bl, bh], ..Default::default() }]);
    assert_eq!(join(out[0].r0, out[0].r1), a.wrapping_sub(2 * bb).wrapping_add(c as u64));
}

/// `extend(x) * extend(y)`: both signed → `SMULL`, both unsigned →
/// `UMULL`, mixed → the general i64 multiply; also `extend(x) * extend(x)`
/// (the extend used twice, so not folded).
#[test]
fn i64_widening_multiplies() {
    let ops = [
        (ConvertOp::ExtendS, ConvertOp::ExtendS),
        (ConvertOp::ExtendU, ConvertOp::ExtendU),
        (ConvertOp::ExtendS, ConvertOp::ExtendU),
        (ConvertOp::ExtendU, ConvertOp::ExtendS),
    ];
    let mut funcs: Vec<Function> = ops
        .iter()
        .map(|&(ol, or)| {
            let mut b = FunctionBuilder::new(format!("{ol:?}{or:?}"), sig(&[Type::I32, Type::I32], &[Type::I64]));
            let p = b.block_params(Block(0)).to_vec();
            let x = b.inst1(InstKind::Convert { op: ol, arg: p[0] }, Type::I64);
            let y = b.inst1(InstKind::Convert { op: or, arg: p[1] }, Type::I64);
            let m = b.binary(BinaryOp::Mul, x, y);
            b.terminate(Terminator::Return(vec![m]));
            b.finish()
        })
        .collect();
    let mut b = FunctionBuilder::new("square", sig(&[Type::I32, Type::I32], &[Type::I64]));
    let p = b.block_params(Block(0)).to_vec();
    let x = b.inst1(InstKind::Convert { op: ConvertOp::ExtendS, arg: p[0] }, Type::I64);
    let m = b.binary(BinaryOp::Mul, x, x);
    b.terminate(Terminator::Return(vec![m]));
    funcs.push(b.finish());
    let vals: Vec<u64> = samples64().iter().map(|&v| v & 0xFFFF_FFFF).chain([0x8000_0000, 0x7fff_ffff, 0xFFFF_FFFF, 3]).collect();
    let mut cases = Vec::new();
    for &a in &vals {
        for &c in &vals {
            for f in 0..ops.len() {
                cases.push((f, vec![a, c]));
            }
        }
        cases.push((4, vec![a, 0]));
    }
    check_against_interpreter(&funcs, cases);
}
