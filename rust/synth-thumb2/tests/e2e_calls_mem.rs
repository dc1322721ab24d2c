//! End-to-end: calls (register and stack arguments, i64 pairs, sret
//! multi-value, indirect), linear memory with bounds checks, traps and the
//! stack check, executed in unicorn.

mod harness;

use harness::{build, run, Call, GLOBAL_BASE, MEM_BASE};
use synth_ir::*;
use Type::{I32, I64};

fn sig(params: &[Type], results: &[Type]) -> Signature {
    Signature { params: params.to_vec(), results: results.to_vec() }
}

fn call(b: &mut FunctionBuilder, f: u32, s: &Signature, args: Vec<Value>) -> Vec<Value> {
    let results = s.results.clone();
    b.inst(InstKind::Call { callee: Callee::Func(f), sig: s.clone(), args }, &results)
}

#[test]
fn direct_calls_keep_values_across_the_call() {
    // f0(a, b) = f1(a, b) + a - b, f1(a, b) = a * b
    let s = sig(&[I32, I32], &[I32]);
    let mut b = FunctionBuilder::new("f0", s.clone());
    let p = b.block_params(Block(0)).to_vec();
    let r = call(&mut b, 1, &s, vec![p[0], p[1]]);
    let t = b.binary(BinaryOp::Add, r[0], p[0]);
    let u = b.binary(BinaryOp::Sub, t, p[1]);
    b.terminate(Terminator::Return(vec![u]));
    let f0 = b.finish();
    let mut b = FunctionBuilder::new("f1", s);
    let p = b.block_params(Block(0)).to_vec();
    let m = b.binary(BinaryOp::Mul, p[0], p[1]);
    b.terminate(Terminator::Return(vec![m]));
    let l = build(&[f0, b.finish()]);
    let out = run(&l, &[Call { func: 0, args: vec![7, 5], ..Default::default() }]);
    assert_eq!(out[0].r0, 35 + 7 - 5);
}

#[test]
fn stack_arguments_and_i64_pairs() {
    // f1(a: i32, b: i64, c: i32, d: i32, e: i64, f: i32) -> i64 = b*3 + e + a + c*d - f
    let s1 = sig(&[I32, I64, I32, I32, I64, I32], &[I64]);
    let mut b = FunctionBuilder::new("f1", s1.clone());
    let p = b.block_params(Block(0)).to_vec();
    let three = b.iconst(I64, 3);
    let b3 = b.binary(BinaryOp::Mul, p[1], three);
    let t = b.binary(BinaryOp::Add, b3, p[4]);
    let cd = b.binary(BinaryOp::Mul, p[2], p[3]);
    let acd = b.binary(BinaryOp::Add, p[0], cd);
    let acdf = b.binary(BinaryOp::Sub, acd, p[5]);
    let w = b.inst1(InstKind::Convert { op: ConvertOp::ExtendS, arg: acdf }, I64);
    let r = b.binary(BinaryOp::Add, t, w);
    b.terminate(Terminator::Return(vec![r]));
    let f1 = b.finish();
    // f0(x: i32, y: i64) -> i64 = f1(x, y, x+1, x+2, y+y, 9)
    let mut b = FunctionBuilder::new("f0", sig(&[I32, I64], &[I64]));
    let p = b.block_params(Block(0)).to_vec();
    let one = b.iconst(I32, 1);
    let two = b.iconst(I32, 2);
    let nine = b.iconst(I32, 9);
    let x1 = b.binary(BinaryOp::Add, p[0], one);
    let x2 = b.binary(BinaryOp::Add, p[0], two);
    let yy = b.binary(BinaryOp::Add, p[1], p[1]);
    let r = call(&mut b, 1, &s1, vec![p[0], p[1], x1, x2, yy, nine]);
    b.terminate(Terminator::Return(r));
    let l = build(&[b.finish(), f1]);
    let reference = |x: u32, y: u64| -> u64 {
        let (a, bb, c, d, e, f) = (x, y, x + 1, x + 2, y.wrapping_add(y), 9u32);
        let acdf = a.wrapping_add(c.wrapping_mul(d)).wrapping_sub(f);
        bb.wrapping_mul(3).wrapping_add(e).wrapping_add(acdf as i32 as i64 as u64)
    };
    let mut calls = Vec::new();
    let mut want = Vec::new();
    for (x, y) in [(1u32, 2u64), (0xFFFF_FFF0, 0x1_2345_6789), (3, u64::MAX)] {
        calls.push(Call { func: 0, args: vec![x, 0, y as u32, (y >> 32) as u32], ..Default::default() });
        want.push(reference(x, y));
    }
    let out = run(&l, &calls);
    for ((c, w), o) in calls.iter().zip(&want).zip(&out) {
        assert_eq!(o.r0 as u64 | (o.r1 as u64) << 32, *w, "{c:?}");
    }
}

#[test]
fn multi_value_results_through_sret() {
    // f1(a: i32, b: i64) -> (i64, i32, i32) = (b + 1, a * 2, a + 7)
    let s1 = sig(&[I32, I64], &[I64, I32, I32]);
    let mut b = FunctionBuilder::new("f1", s1.clone());
    let p = b.block_params(Block(0)).to_vec();
    let one = b.iconst(I64, 1);
    let r0 = b.binary(BinaryOp::Add, p[1], one);
    let r1 = b.binary(BinaryOp::Add, p[0], p[0]);
    let seven = b.iconst(I32, 7);
    let r2 = b.binary(BinaryOp::Add, p[0], seven);
    b.terminate(Terminator::Return(vec![r0, r1, r2]));
    let f1 = b.finish();
    // f0(a) -> i32 = let (x, y, z) = f1(a, a as i64) in wrap(x) + y * z
    let mut b = FunctionBuilder::new("f0", sig(&[I32], &[I32]));
    let a = b.block_params(Block(0))[0];
    let a64 = b.inst1(InstKind::Convert { op: ConvertOp::ExtendU, arg: a }, I64);
    let r = call(&mut b, 1, &s1, vec![a, a64]);
    let w = b.inst1(InstKind::Convert { op: ConvertOp::Wrap, arg: r[0] }, I32);
    let yz = b.binary(BinaryOp::Mul, r[1], r[2]);
    let s = b.binary(BinaryOp::Add, w, yz);
    b.terminate(Terminator::Return(vec![s]));
    let l = build(&[b.finish(), f1]);
    let out = run(
        &l,
        &[
            Call { func: 0, args: vec![5], ..Default::default() },
            // Called directly: r0 = struct address, a in r1, b in r2:r3.
            Call { func: 1, args: vec![MEM_BASE, 10, 0xFFFF_FFFF, 1], dump: 16, ..Default::default() },
        ],
    );
    assert_eq!(out[0].r0, 6 + 10 * 12);
    let d = &out[1].dump;
    let word = |k: usize| u32::from_le_bytes([d[k], d[k + 1], d[k + 2], d[k + 3]]);
    assert_eq!((word(0), word(4), word(8), word(12)), (0, 2, 20, 17));
}

#[test]
fn indirect_call_through_symbol_address() {
    let s = sig(&[I32], &[I32]);
    let mut b = FunctionBuilder::new("f0", s.clone());
    let x = b.block_params(Block(0))[0];
    let fp = b.symbol_addr(SymbolRef::Func(1), 0);
    let r = b.inst(InstKind::Call { callee: Callee::Indirect(fp), sig: s.clone(), args: vec![x] }, &[I32]);
    b.terminate(Terminator::Return(r));
    let f0 = b.finish();
    let mut b = FunctionBuilder::new("f1", s);
    let x = b.block_params(Block(0))[0];
    let c = b.iconst(I32, 1000);
    let r = b.binary(BinaryOp::Add, x, c);
    b.terminate(Terminator::Return(vec![r]));
    let l = build(&[f0, b.finish()]);
    let out = run(&l, &[Call { func: 0, args: vec![234], ..Default::default() }]);
    assert_eq!(out[0].r0, 1234);
}

/// f(addr, v) = { check; store v at mem+addr+off; return load(mem+addr+off) }
fn roundtrip(ty: Type, sk: StoreKind, lk: LoadKind, off: u32) -> Function {
    let mut b = FunctionBuilder::new("rt", sig(&[I32, ty], &[ty]));
    let p = b.block_params(Block(0)).to_vec();
    let width = sk.bytes(ty).max(lk.bytes(ty)) as u64;
    b.inst0(InstKind::BoundsCheck { addr: p[0], end: off as u64 + width });
    let base = b.symbol_addr(SymbolRef::Memory, 0);
    let ea = b.binary(BinaryOp::Add, base, p[0]);
    b.store(sk, ea, p[1], off);
    let v = b.load(ty, lk, ea, off);
    b.terminate(Terminator::Return(vec![v]));
    b.finish()
}

#[test]
fn memory_roundtrips_with_extensions_and_large_offsets() {
    let cases: Vec<(Type, StoreKind, LoadKind)> = vec![
        (I32, StoreKind::Full, LoadKind::Full),
        (I32, StoreKind::B8, LoadKind::S8),
        (I32, StoreKind::B8, LoadKind::U8),
        (I32, StoreKind::B16, LoadKind::S16),
        (I32, StoreKind::B16, LoadKind::U16),
        (I64, StoreKind::Full, LoadKind::Full),
        (I64, StoreKind::B32, LoadKind::S32),
        (I64, StoreKind::B32, LoadKind::U32),
        (I64, StoreKind::B8, LoadKind::S8),
        (I64, StoreKind::B16, LoadKind::U16),
    ];
    let offs = [0u32, 3, 4092, 4095, 5000, 70001];
    let mut funcs = Vec::new();
    let mut meta = Vec::new();
    for &(ty, sk, lk) in &cases {
        for &off in &offs {
            funcs.push(roundtrip(ty, sk, lk, off));
            meta.push((ty, sk, lk, off));
        }
    }
    let l = build(&funcs);
    let v: u64 = 0x89AB_CDEF_F1E2_D3C4;
    let mut calls = Vec::new();
    let mut want = Vec::new();
    for (k, &(ty, sk, lk, off)) in meta.iter().enumerate() {
        let stored = match sk.bytes(ty) {
            1 => v & 0xFF,
            2 => v & 0xFFFF,
            4 => v & 0xFFFF_FFFF,
            _ => v,
        };
        let loaded = match lk {
            LoadKind::Full if ty == I32 => stored & 0xFFFF_FFFF,
            LoadKind::Full => stored,
            LoadKind::S8 => stored as u8 as i8 as i64 as u64,
            LoadKind::U8 => stored as u8 as u64,
            LoadKind::S16 => stored as u16 as i16 as i64 as u64,
            LoadKind::U16 => stored as u16 as u64,
            LoadKind::S32 => stored as u32 as i32 as i64 as u64,
            LoadKind::U32 => stored as u32 as u64,
        };
        let want_v = if ty == I32 { loaded & 0xFFFF_FFFF } else { loaded };
        for addr in [1u32, 1000] {
            let args = if ty == I32 { vec![addr, v as u32] } else { vec![addr, 0, v as u32, (v >> 32) as u32] };
            calls.push(Call { func: k, args, mem_size: Some(0x2_0000), ..Default::default() });
            want.push((ty, sk, lk, off, addr, want_v));
        }
    }
    let out = run(&l, &calls);
    for ((ty, sk, lk, off, addr, w), o) in want.iter().zip(&out) {
        assert_eq!(o.trap, None, "{ty:?} {sk:?} {lk:?} off {off} addr {addr}");
        let got = if *ty == I32 { o.r0 as u64 } else { o.r0 as u64 | (o.r1 as u64) << 32 };
        assert_eq!(got, *w, "{ty:?} {sk:?} {lk:?} off {off} addr {addr}");
    }
}

#[test]
fn bounds_checks_trap_exactly_out_of_bounds() {
    // end = 4 (encodable) and end = 70001 + 4 (needs a scratch for the constant)
    let funcs = vec![
        roundtrip(I32, StoreKind::Full, LoadKind::Full, 0),
        roundtrip(I32, StoreKind::Full, LoadKind::Full, 70001),
        roundtrip(I64, StoreKind::Full, LoadKind::Full, 0),
    ];
    let l = build(&funcs);
    let size = 0x2_0000u32;
    let mut calls = Vec::new();
    let mut want = Vec::new();
    for (f, end) in [(0usize, 4u64), (1, 70005), (2, 8)] {
        for addr in [0u32, 1, size - 5, size - 4, size - 3, size, 0x8000_0000, 0xFFFF_FFFF, 0xFFFF_FFFC] {
            calls.push(Call { func: f, args: vec![addr, 0, 0, 0], mem_size: Some(size), ..Default::default() });
            want.push((f, addr, addr as u64 + end > size as u64));
        }
    }
    // A memory smaller than the access: always out of bounds.
    calls.push(Call { func: 1, args: vec![0, 0], mem_size: Some(70000), ..Default::default() });
    want.push((1, 0, true));
    let out = run(&l, &calls);
    for ((f, addr, oob), o) in want.iter().zip(&out) {
        assert_eq!(o.trap, if *oob { Some(2) } else { None }, "func {f} addr {addr:#x}");
    }
}

#[test]
fn traps_and_stack_check() {
    // f0(a, b) = { trap_if(b == 0, DivByZero); check stack; a / b }
    let mut b = FunctionBuilder::new("div", sig(&[I32, I32], &[I32]));
    let p = b.block_params(Block(0)).to_vec();
    let z = b.inst1(InstKind::Eqz { ty: I32, arg: p[1] }, I32);
    b.trap_if(z, TrapCode::IntegerDivideByZero);
    b.inst0(InstKind::StackCheck);
    let q = b.binary(BinaryOp::DivS, p[0], p[1]);
    b.terminate(Terminator::Return(vec![q]));
    let f0 = b.finish();
    // f1() = unreachable; f2() = bounds check with end > 2^32.
    let mut b = FunctionBuilder::new("unreachable", sig(&[], &[]));
    b.terminate(Terminator::Trap(TrapCode::Unreachable));
    let f1 = b.finish();
    let mut b = FunctionBuilder::new("huge", sig(&[I32], &[]));
    let a = b.block_params(Block(0))[0];
    b.inst0(InstKind::BoundsCheck { addr: a, end: (1 << 32) + 4 });
    b.terminate(Terminator::Return(vec![]));
    let f2 = b.finish();
    let l = build(&[f0, f1, f2]);
    let out = run(
        &l,
        &[
            Call { func: 0, args: vec![84, 2], ..Default::default() },
            Call { func: 0, args: vec![84, 0], ..Default::default() },
            Call { func: 0, args: vec![84, 2], stack_limit: Some(0x2001_0000), ..Default::default() },
            Call { func: 1, ..Default::default() },
            Call { func: 2, args: vec![0], ..Default::default() },
        ],
    );
    assert_eq!((out[0].trap, out[0].r0), (None, 42));
    assert_eq!(out[1].trap, Some(3));
    assert_eq!(out[2].trap, Some(8));
    assert_eq!(out[3].trap, Some(1));
    assert_eq!(out[4].trap, Some(2));
}

#[test]
fn globals_through_symbol_addresses() {
    // f(x) = { g1 = x; g0 += x; return g0 }
    let mut b = FunctionBuilder::new("glob", sig(&[I32], &[I32]));
    let x = b.block_params(Block(0))[0];
    let g1 = b.symbol_addr(SymbolRef::Global(1), 0);
    b.store(StoreKind::Full, g1, x, 0);
    let g0 = b.symbol_addr(SymbolRef::Global(0), 0);
    let v = b.load(I32, LoadKind::Full, g0, 0);
    let s = b.binary(BinaryOp::Add, v, x);
    b.store(StoreKind::Full, g0, s, 0);
    let back = b.load(I32, LoadKind::Full, g0, 0);
    b.terminate(Terminator::Return(vec![back]));
    let l = build(&[b.finish()]);
    let out = run(&l, &[Call { func: 0, args: vec![5], ..Default::default() }]);
    // Global memory starts zeroed in the emulator.
    assert_eq!(out[0].r0, 5);
    let _ = GLOBAL_BASE;
}

/// Prints disassembly (run with --nocapture to inspect code quality).
#[test]
fn show_disassembly() {
    let l = build(&[roundtrip(I32, StoreKind::Full, LoadKind::Full, 8), roundtrip(I64, StoreKind::Full, LoadKind::Full, 70001)]);
    for c in &l.compiled {
        println!("{} insts, frame {}\n{}", c.inst_count, c.frame_bytes, harness::disasm(&c.code));
        assert!(c.relocs.iter().any(|r| r.target == synth_thumb2::RelocTarget::Trap));
    }
}

/// Frames beyond the 4 KiB immediate range: 1100 stack arguments out and in.
#[test]
fn large_frames_and_far_stack_arguments() {
    const N: usize = 1100;
    let s1 = sig(&vec![I32; N], &[I32]);
    // f1(p0..pN) = p0 + p5 + p(N-1) * 3
    let mut b = FunctionBuilder::new("callee", s1.clone());
    let p = b.block_params(Block(0)).to_vec();
    let t = b.binary(BinaryOp::Add, p[0], p[5]);
    let three = b.iconst(I32, 3);
    let u = b.binary(BinaryOp::Mul, p[N - 1], three);
    let r = b.binary(BinaryOp::Add, t, u);
    b.terminate(Terminator::Return(vec![r]));
    let f1 = b.finish();
    // f0(x) = f1(x, x+1, ..., x+N-1) + x
    let mut b = FunctionBuilder::new("caller", sig(&[I32], &[I32]));
    let x = b.block_params(Block(0))[0];
    let mut args = Vec::new();
    for k in 0..N {
        let c = b.iconst(I32, k as i64);
        args.push(b.binary(BinaryOp::Add, x, c));
    }
    let r = call(&mut b, 1, &s1, args);
    let s = b.binary(BinaryOp::Add, r[0], x);
    b.terminate(Terminator::Return(vec![s]));
    let l = build(&[b.finish(), f1]);
    assert!(l.compiled[0].frame_bytes > 4096, "frame {}", l.compiled[0].frame_bytes);
    let out = run(&l, &[Call { func: 0, args: vec![10], ..Default::default() }]);
    let want = 10 + 15 + (10 + N as u32 - 1) * 3 + 10;
    assert_eq!(out[0].r0, want);
}

/// A long straight line of bounds-checked loads: its trap branches are
/// far from the end of the function, so emission places trap islands
/// (more than one `BL synth_trap`); every check still traps exactly when
/// out of bounds, whichever island its branch reaches.
#[test]
fn trap_islands_in_long_functions_trap_from_every_check() {
    const N: u32 = 60;
    let mut b = FunctionBuilder::new("long", sig(&[I32], &[I32]));
    let a = b.block_params(Block(0))[0];
    let mut sum = b.iconst(I32, 0);
    for k in 0..N {
        b.inst0(InstKind::BoundsCheck { addr: a, end: u64::from(4 * k + 4) });
        let v = b.load(I32, LoadKind::Full, a, 4 * k);
        let x = b.binary(BinaryOp::Xor, v, sum);
        sum = b.binary(BinaryOp::Add, x, a);
    }
    b.terminate(Terminator::Return(vec![sum]));
    let l = build(&[b.finish()]);
    let trap_calls = l.compiled[0].relocs.iter().filter(|r| r.target == synth_thumb2::RelocTarget::Trap).count();
    assert!(trap_calls >= 2, "expected trap islands, found {trap_calls} trap sequence(s)");
    let size = 0x2_0000u32;
    let mut calls = Vec::new();
    for k in 0..N {
        // Check k (end 4k+4) is the first to fail when a = size - 4k - 3.
        calls.push(Call { func: 0, args: vec![size - 4 * k - 3], mem_size: Some(size), ..Default::default() });
    }
    calls.push(Call { func: 0, args: vec![size - 4 * N], mem_size: Some(size), ..Default::default() });
    let out = run(&l, &calls);
    for (k, o) in out.iter().enumerate() {
        let oob = k < N as usize;
        assert_eq!(o.trap, if oob { Some(2) } else { None }, "call {k}");
    }
}
