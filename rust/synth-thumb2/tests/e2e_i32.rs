//! End-to-end: i32 operators, comparisons, selects and control flow,
//! compiled with `compile_function` and executed in unicorn against Rust
//! reference semantics.

mod harness;

use harness::{build, run, samples32, Call};
use synth_ir::*;

fn sig(params: &[Type], results: &[Type]) -> Signature {
    Signature { params: params.to_vec(), results: results.to_vec() }
}

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

fn eval(op: BinaryOp, a: u32, b: u32) -> Option<u32> {
    Some(match op {
        BinaryOp::Add => a.wrapping_add(b),
        BinaryOp::Sub => a.wrapping_sub(b),
        BinaryOp::Mul => a.wrapping_mul(b),
        BinaryOp::DivS => {
            if b == 0 || (a == 0x8000_0000 && b == u32::MAX) {
                return None;
            }
            (a as i32).wrapping_div(b as i32) as u32
        }
        BinaryOp::DivU => a.checked_div(b)?,
        BinaryOp::RemS => {
            if b == 0 {
                return None;
            }
            (a as i32).wrapping_rem(b as i32) as u32
        }
        BinaryOp::RemU => a.checked_rem(b)?,
        BinaryOp::And => a & b,
        BinaryOp::Or => a | b,
        BinaryOp::Xor => a ^ b,
        BinaryOp::Shl => a.wrapping_shl(b),
        BinaryOp::ShrS => (a as i32).wrapping_shr(b) as u32,
        BinaryOp::ShrU => a.wrapping_shr(b),
        BinaryOp::Rotl => a.rotate_left(b % 32),
        BinaryOp::Rotr => a.rotate_right(b % 32),
    })
}

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
    let l = build(&funcs);
    let mut calls = Vec::new();
    let mut want = Vec::new();
    for (k, &op) in OPS.iter().enumerate() {
        for &a in &samples32() {
            for &b in &samples32() {
                if let Some(r) = eval(op, a, b) {
                    calls.push(Call { func: k, args: vec![a, b], ..Default::default() });
                    want.push((op, a, b, r));
                }
            }
        }
    }
    let out = run(&l, &calls);
    for ((op, a, b, r), o) in want.iter().zip(&out) {
        assert_eq!(o.r0, *r, "{op:?}({a:#x}, {b:#x})");
    }
}

#[test]
fn binary_ops_constant_operands() {
    let consts = [0u32, 1, 5, 31, 32, 255, 4095, 4096, 0x5555_5555, 0xFFFF_FF00, 0x1234_5678, 0xFFFF_FFFF];
    let mut funcs = Vec::new();
    let mut meta = Vec::new();
    for &op in &OPS {
        for &c in &consts {
            funcs.push(binop_func(op, Some(c), None));
            meta.push((op, c, true));
            if matches!(op, BinaryOp::Sub | BinaryOp::Add | BinaryOp::And | BinaryOp::Or | BinaryOp::Shl) {
                funcs.push(binop_func(op, None, Some(c)));
                meta.push((op, c, false));
            }
        }
    }
    let l = build(&funcs);
    let mut calls = Vec::new();
    let mut want = Vec::new();
    for (k, &(op, c, rhs)) in meta.iter().enumerate() {
        for &x in &samples32() {
            let (a, b) = if rhs { (x, c) } else { (c, x) };
            if let Some(r) = eval(op, a, b) {
                calls.push(Call { func: k, args: vec![x, x], ..Default::default() });
                want.push((op, a, b, r));
            }
        }
    }
    let out = run(&l, &calls);
    for ((op, a, b, r), o) in want.iter().zip(&out) {
        assert_eq!(o.r0, *r, "{op:?}({a:#x}, {b:#x}) with a constant");
    }
}

fn unary_func(op: UnaryOp) -> Function {
    let mut b = FunctionBuilder::new(format!("{op:?}"), sig(&[Type::I32], &[Type::I32]));
    let x = b.block_params(Block(0))[0];
    let v = b.inst1(InstKind::Unary { op, ty: Type::I32, arg: x }, Type::I32);
    b.terminate(Terminator::Return(vec![v]));
    b.finish()
}

#[test]
fn unary_ops() {
    let ops = [UnaryOp::Clz, UnaryOp::Ctz, UnaryOp::Popcnt, UnaryOp::Extend8S, UnaryOp::Extend16S];
    let l = build(&ops.iter().map(|&o| unary_func(o)).collect::<Vec<_>>());
    let mut calls = Vec::new();
    let mut want = Vec::new();
    for (k, &op) in ops.iter().enumerate() {
        for &x in samples32().iter().chain(&[0x80u32, 0x8000, 0xFF7F]) {
            let r = match op {
                UnaryOp::Clz => x.leading_zeros(),
                UnaryOp::Ctz => x.trailing_zeros(),
                UnaryOp::Popcnt => x.count_ones(),
                UnaryOp::Extend8S => x as u8 as i8 as i32 as u32,
                UnaryOp::Extend16S => x as u16 as i16 as i32 as u32,
                UnaryOp::Extend32S => unreachable!(),
            };
            calls.push(Call { func: k, args: vec![x], ..Default::default() });
            want.push((op, x, r));
        }
    }
    let out = run(&l, &calls);
    for ((op, x, r), o) in want.iter().zip(&out) {
        assert_eq!(o.r0, *r, "{op:?}({x:#x})");
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

fn cmp_ref(cc: IntCC, a: u32, b: u32) -> bool {
    let (sa, sb) = (a as i32, b as i32);
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
    let mut meta = Vec::new();
    for &cc in &CCS {
        for kind in 0..4u8 {
            funcs.push(cmp_func(cc, kind));
            meta.push((cc, kind));
        }
    }
    let l = build(&funcs);
    let mut calls = Vec::new();
    let mut want = Vec::new();
    let vals = [0u32, 1, 5, 6, 4, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF];
    for (k, &(cc, kind)) in meta.iter().enumerate() {
        for &a in &vals {
            for &b in &vals {
                let r = match kind {
                    0 => cmp_ref(cc, a, b) as u32,
                    1 => {
                        if cmp_ref(cc, a, b) {
                            a
                        } else {
                            b
                        }
                    }
                    2 => {
                        if cmp_ref(cc, a, b) {
                            10
                        } else {
                            20
                        }
                    }
                    _ => cmp_ref(cc, 5, b) as u32,
                };
                calls.push(Call { func: k, args: vec![a, b], ..Default::default() });
                want.push((cc, kind, a, b, r));
            }
        }
    }
    let out = run(&l, &calls);
    for ((cc, kind, a, b, r), o) in want.iter().zip(&out) {
        assert_eq!(o.r0, *r, "{cc:?} kind {kind} ({a:#x}, {b:#x})");
    }
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

/// Many values live at once: forces spills, checked against the reference.
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
    let l = build(&[f]);
    let reference = |a: u32, bb: u32| {
        let vals: Vec<u32> = (0..24u32).map(|k| a.wrapping_mul(k * 7 + 3) ^ bb).collect();
        let mut acc = vals[0];
        for (k, v) in vals.iter().enumerate().skip(1) {
            acc = if k % 2 == 0 { acc.wrapping_add(*v) } else { acc.wrapping_sub(*v) };
        }
        acc
    };
    let calls: Vec<Call> =
        [(1u32, 2u32), (0x1234, 0xFFFF), (0xDEAD_BEEF, 7)].iter().map(|&(a, b)| Call { func: 0, args: vec![a, b], ..Default::default() }).collect();
    let out = run(&l, &calls);
    for (c, o) in calls.iter().zip(&out) {
        assert_eq!(o.r0, reference(c.args[0], c.args[1]), "{c:?}");
    }
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
