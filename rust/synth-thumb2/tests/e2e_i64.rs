//! End-to-end: i64 operators on register pairs, i64 comparisons and
//! conversions, executed in unicorn against Rust reference semantics.

mod harness;

use harness::{build, build_rt, run, samples64, Call};
use synth_ir::*;

fn sig(params: &[Type], results: &[Type]) -> Signature {
    Signature { params: params.to_vec(), results: results.to_vec() }
}

fn split(x: u64) -> [u32; 2] {
    [x as u32, (x >> 32) as u32]
}

fn join(lo: u32, hi: u32) -> u64 {
    lo as u64 | (hi as u64) << 32
}

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

fn eval(op: BinaryOp, a: u64, b: u64) -> u64 {
    match op {
        BinaryOp::Add => a.wrapping_add(b),
        BinaryOp::Sub => a.wrapping_sub(b),
        BinaryOp::Mul => a.wrapping_mul(b),
        BinaryOp::And => a & b,
        BinaryOp::Or => a | b,
        BinaryOp::Xor => a ^ b,
        BinaryOp::Shl => a.wrapping_shl(b as u32),
        BinaryOp::ShrS => (a as i64).wrapping_shr(b as u32) as u64,
        BinaryOp::ShrU => a.wrapping_shr(b as u32),
        BinaryOp::Rotl => a.rotate_left((b % 64) as u32),
        BinaryOp::Rotr => a.rotate_right((b % 64) as u32),
        _ => unreachable!(),
    }
}

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
    let l = build(&funcs);
    let mut calls = Vec::new();
    let mut want = Vec::new();
    for (k, &op) in OPS.iter().enumerate() {
        for &a in &samples64() {
            for &b in samples64().iter().chain(&[127u64, 128, 0x100_0000_0021]) {
                let [al, ah] = split(a);
                let [bl, bh] = split(b);
                calls.push(Call { func: k, args: vec![al, ah, bl, bh], ..Default::default() });
                want.push((op, a, b, eval(op, a, b)));
            }
        }
    }
    let out = run(&l, &calls);
    for ((op, a, b, r), o) in want.iter().zip(&out) {
        assert_eq!(join(o.r0, o.r1), *r, "{op:?}({a:#x}, {b:#x})");
    }
}

#[test]
fn i64_shifts_and_rotates_by_constants() {
    let mut funcs = Vec::new();
    let mut meta = Vec::new();
    for op in [BinaryOp::Shl, BinaryOp::ShrS, BinaryOp::ShrU, BinaryOp::Rotl, BinaryOp::Rotr, BinaryOp::Add, BinaryOp::Mul] {
        for c in [0u64, 1, 5, 31, 32, 33, 40, 63, 64, 100, 0xFFFF_FFFF_0000_0001] {
            funcs.push(binop_func(op, Some(c)));
            meta.push((op, c));
        }
    }
    let l = build(&funcs);
    let mut calls = Vec::new();
    let mut want = Vec::new();
    for (k, &(op, c)) in meta.iter().enumerate() {
        for &a in &samples64() {
            let [al, ah] = split(a);
            calls.push(Call { func: k, args: vec![al, ah, 0, 0], ..Default::default() });
            want.push((op, a, c, eval(op, a, c)));
        }
    }
    let out = run(&l, &calls);
    for ((op, a, b, r), o) in want.iter().zip(&out) {
        assert_eq!(join(o.r0, o.r1), *r, "{op:?}({a:#x}, const {b:#x})");
    }
}

fn unary_func(op: UnaryOp) -> Function {
    let mut b = FunctionBuilder::new(format!("{op:?}"), sig(&[Type::I64], &[Type::I64]));
    let x = b.block_params(Block(0))[0];
    let v = b.inst1(InstKind::Unary { op, ty: Type::I64, arg: x }, Type::I64);
    b.terminate(Terminator::Return(vec![v]));
    b.finish()
}

#[test]
fn i64_unary_ops() {
    let ops = [UnaryOp::Clz, UnaryOp::Ctz, UnaryOp::Popcnt, UnaryOp::Extend8S, UnaryOp::Extend16S, UnaryOp::Extend32S];
    let l = build(&ops.iter().map(|&o| unary_func(o)).collect::<Vec<_>>());
    let mut calls = Vec::new();
    let mut want = Vec::new();
    for (k, &op) in ops.iter().enumerate() {
        for &x in samples64().iter().chain(&[0x80u64, 0x8000, 0x8000_0000, 0x1_0000_0000_0000]) {
            let r = match op {
                UnaryOp::Clz => x.leading_zeros() as u64,
                UnaryOp::Ctz => x.trailing_zeros() as u64,
                UnaryOp::Popcnt => x.count_ones() as u64,
                UnaryOp::Extend8S => x as u8 as i8 as i64 as u64,
                UnaryOp::Extend16S => x as u16 as i16 as i64 as u64,
                UnaryOp::Extend32S => x as u32 as i32 as i64 as u64,
            };
            let [lo, hi] = split(x);
            calls.push(Call { func: k, args: vec![lo, hi], ..Default::default() });
            want.push((op, x, r));
        }
    }
    let out = run(&l, &calls);
    for ((op, x, r), o) in want.iter().zip(&out) {
        assert_eq!(join(o.r0, o.r1), *r, "{op:?}({x:#x})");
    }
}

const CCS: [IntCC; 10] = [
    IntCC::Eq,
    IntCC::Ne,
    IntCC::LtS,
    IntCC::LtU,
    IntCC::GtS,
    IntCC::GtU,
    IntCC::LeS,
    IntCC::LeU,
    IntCC::GeS,
    IntCC::GeU,
];

fn cmp_ref(cc: IntCC, a: u64, b: u64) -> bool {
    let (sa, sb) = (a as i64, b as i64);
    match cc {
        IntCC::Eq => a == b,
        IntCC::Ne => a != b,
        IntCC::LtS => sa < sb,
        IntCC::LtU => a < b,
        IntCC::GtS => sa > sb,
        IntCC::GtU => a > b,
        IntCC::LeS => sa <= sb,
        IntCC::LeU => a <= b,
        IntCC::GeS => sa >= sb,
        IntCC::GeU => a >= b,
    }
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
    let mut meta = Vec::new();
    for &cc in &CCS {
        for kind in 0..3u8 {
            funcs.push(cmp_func(cc, kind));
            meta.push((cc, kind));
        }
    }
    let l = build(&funcs);
    let vals = [0u64, 1, 0xFFFF_FFFF, 0x1_0000_0000, 0x1_0000_0001, 0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, u64::MAX, 0xFFFF_FFFF_0000_0000];
    let mut calls = Vec::new();
    let mut want = Vec::new();
    for (k, &(cc, kind)) in meta.iter().enumerate() {
        for &a in &vals {
            for &b in &vals {
                let t = cmp_ref(cc, a, b);
                let r = match kind {
                    0 => t as u64,
                    1 => {
                        if t {
                            a
                        } else {
                            b
                        }
                    }
                    _ => {
                        if t {
                            10
                        } else {
                            20
                        }
                    }
                };
                let [al, ah] = split(a);
                let [bl, bh] = split(b);
                calls.push(Call { func: k, args: vec![al, ah, bl, bh], ..Default::default() });
                want.push((cc, kind, a, b, r));
            }
        }
    }
    let out = run(&l, &calls);
    for ((cc, kind, a, b, r), o) in want.iter().zip(&out) {
        let got = if *kind == 1 { join(o.r0, o.r1) } else { o.r0 as u64 };
        assert_eq!(got, *r, "{cc:?} kind {kind} ({a:#x}, {b:#x})");
    }
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
    let l = build(&[eqz, conv(ConvertOp::Wrap), conv(ConvertOp::ExtendS), conv(ConvertOp::ExtendU)]);
    let mut calls = Vec::new();
    let mut want = Vec::new();
    for &x in &samples64() {
        let [lo, hi] = split(x);
        calls.push(Call { func: 0, args: vec![lo, hi], ..Default::default() });
        want.push((x == 0) as u64);
        calls.push(Call { func: 1, args: vec![lo, hi], ..Default::default() });
        want.push(lo as u64);
        calls.push(Call { func: 2, args: vec![lo], ..Default::default() });
        want.push(lo as i32 as i64 as u64);
        calls.push(Call { func: 3, args: vec![lo], ..Default::default() });
        want.push(lo as u64);
    }
    let out = run(&l, &calls);
    for (k, ((c, w), o)) in calls.iter().zip(&want).zip(&out).enumerate() {
        let got = if k % 4 == 0 || k % 4 == 1 { o.r0 as u64 } else { join(o.r0, o.r1) };
        assert_eq!(got, *w, "{c:?}");
    }
}

/// i64 division lowers to a call of the runtime helper with (i64, i64) in
/// r0-r3 and the result in r0:r1; a stand-in helper computes `a - 2*b`.
#[test]
fn i64_division_calls_runtime_helper() {
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
    let ext = |op: ConvertOp, v: u32| if op == ConvertOp::ExtendS { v as i32 as i64 as u64 } else { v as u64 };
    let l = build(&funcs);
    let vals: Vec<u32> = samples64().iter().map(|&v| v as u32).chain([0x8000_0000, 0x7fff_ffff, u32::MAX, 3]).collect();
    let mut calls = Vec::new();
    let mut want = Vec::new();
    for &a in &vals {
        for &c in &vals {
            for (f, &(ol, or)) in ops.iter().enumerate() {
                calls.push(Call { func: f, args: vec![a, c], ..Default::default() });
                want.push(ext(ol, a).wrapping_mul(ext(or, c)));
            }
        }
        calls.push(Call { func: 4, args: vec![a, 0], ..Default::default() });
        want.push(ext(ConvertOp::ExtendS, a).wrapping_mul(ext(ConvertOp::ExtendS, a)));
    }
    let out = run(&l, &calls);
    for ((c, w), o) in calls.iter().zip(&want).zip(&out) {
        assert_eq!(join(o.r0, o.r1), *w, "{c:?}");
    }
}
