use super::lattice::binary;
use super::*;
use synth_ir::interp::{self, Exit, Machine};
use synth_ir::verify::verify_or_text;
use synth_ir::{BlockCall, FunctionBuilder, LoadKind, Signature, StoreKind, SymbolRef};

fn checks(f: &Function) -> usize {
    f.blocks.iter().flat_map(|b| &b.insts).filter(|i| matches!(i.kind, InstKind::BoundsCheck { .. })).count()
}

/// `for (i = start; i + step != stop; i += step) { check(i + off, 4);
/// store }`, written as clang emits it (rotated, counting up with `!=`),
/// plus a loop counting with `<u` and an induction variable `j = 12*k`
/// derived from it. Returns the function (argument unused).
fn counted_loops(start: i64, step: i64, stop: i64, off: i64) -> Function {
    let sig = Signature { params: vec![Type::I32], results: vec![] };
    let mut b = FunctionBuilder::new("loop", sig);
    let arg = b.block_params(b.current_block())[0];
    let c_start = b.iconst(Type::I32, start);
    let body = b.create_block();
    let i = b.append_block_param(body, Type::I32);
    b.jump(body, vec![c_start]);
    b.switch_to_block(body);
    let c_off = b.iconst(Type::I32, off);
    let a = b.binary(BinaryOp::Add, i, c_off);
    b.inst0(InstKind::BoundsCheck { addr: a, end: 4 });
    let mem = b.symbol_addr(SymbolRef::Memory, 0);
    let abs = b.binary(BinaryOp::Add, mem, a);
    b.store(StoreKind::Full, abs, arg, 0);
    let c_step = b.iconst(Type::I32, step);
    let next = b.binary(BinaryOp::Add, i, c_step);
    let c_stop = b.iconst(Type::I32, stop);
    let more = b.compare(IntCC::Ne, next, c_stop);
    let second = b.create_block();
    b.branch(more, BlockCall { block: body, args: vec![next] }, BlockCall { block: second, args: vec![] });
    // for (k = 0, j = 0; k <u 10; k++, j += 12) check(j, 8)
    b.switch_to_block(second);
    let zero = b.iconst(Type::I32, 0);
    let head = b.create_block();
    let k = b.append_block_param(head, Type::I32);
    let j = b.append_block_param(head, Type::I32);
    b.jump(head, vec![zero, zero]);
    b.switch_to_block(head);
    b.inst0(InstKind::BoundsCheck { addr: j, end: 8 });
    let one = b.iconst(Type::I32, 1);
    let twelve = b.iconst(Type::I32, 12);
    let k1 = b.binary(BinaryOp::Add, k, one);
    let j1 = b.binary(BinaryOp::Add, j, twelve);
    let ten = b.iconst(Type::I32, 10);
    let lt = b.compare(IntCC::LtU, k1, ten);
    let exit = b.create_block();
    b.branch(lt, BlockCall { block: head, args: vec![k1, j1] }, BlockCall { block: exit, args: vec![] });
    b.switch_to_block(exit);
    b.terminate(Terminator::Return(vec![]));
    let f = b.finish();
    verify_or_text(&f).unwrap();
    f
}

/// Runs `f` with memory of `bytes` bytes; the exit.
fn run_with_memory(f: &Function, bytes: u32) -> Result<Vec<u64>, Exit> {
    let mut m = Machine::new();
    let pages = bytes.div_ceil(65536).max(1);
    m.set_memory(pages, 0).unwrap();
    let size = m.symbol_addr(SymbolRef::MemorySize).unwrap();
    m.write_u32(size, bytes).unwrap();
    m.run_simple(f, &[7])
}

#[test]
fn counted_loop_checks_are_removed_when_memory_is_large_enough() {
    // i in {0, 4, ..., 396}; addresses 1000 + i, last byte 1000 + 396 + 4.
    let mut f = counted_loops(0, 4, 400, 1000);
    let r = analyze(&f);
    let orig = f.clone();
    assert_eq!(remove_in_bounds(&mut f, 1400), 2, "both loops' checks are in bounds");
    verify_or_text(&f).unwrap();
    assert_eq!(checks(&f), 0);
    // Exactly at the boundary: the loop's last access ends at byte 1400,
    // j's last (j = 108) at 116.
    let i_param = orig.blocks[1].params[0];
    assert_eq!(r.get(i_param).map(|x| (x.lo, x.hi)), Some((0, 396)));
    assert_eq!(run_with_memory(&orig, 1400), Ok(vec![]));
    assert_eq!(run_with_memory(&f, 1400), Ok(vec![]));
    let j = orig.blocks[3].params[1];
    assert_eq!(r.get(j).map(|x| (x.lo, x.hi)), Some((0, 108)));
}

#[test]
fn checks_are_kept_when_the_loop_reaches_past_memory() {
    let mut f = counted_loops(0, 4, 400, 1000);
    let orig = f.clone();
    // One byte short: the last iteration traps, so the check must stay.
    assert_eq!(remove_in_bounds(&mut f, 1399), 1, "only the j loop (ends at 116) is in bounds");
    assert_eq!(checks(&f), 1);
    let trap = Err(Exit::Trap(synth_ir::TrapCode::MemoryOutOfBounds));
    assert_eq!(run_with_memory(&orig, 1399), trap);
    assert_eq!(run_with_memory(&f, 1399), trap);
}

#[test]
fn checks_are_kept_when_the_counter_may_wrap() {
    // Step 8 never hits 404 exactly from 0: the counter runs until it wraps,
    // so nothing bounds it.
    let mut f = counted_loops(0, 8, 404, 0);
    let r = analyze(&f);
    assert_eq!(r.get(f.blocks[1].params[0]).map(|x| x.hi), Some(MAX));
    assert_eq!(remove_in_bounds(&mut f, u32::MAX), 1, "only the j check goes");
    // An address that wraps: 0xffff_ff00 + (load u8) may wrap past zero.
    let sig = Signature { params: vec![Type::I32], results: vec![] };
    let mut b = FunctionBuilder::new("wrap", sig);
    let p = b.block_params(b.current_block())[0];
    let byte = b.load(Type::I32, LoadKind::U8, p, 0);
    let big = b.iconst(Type::I32, 0xffff_ff80u32 as i64);
    let a = b.binary(BinaryOp::Add, byte, big);
    b.inst0(InstKind::BoundsCheck { addr: a, end: 1 });
    b.terminate(Terminator::Return(vec![]));
    let mut g = b.finish();
    assert_eq!(analyze(&g).get(a), Some(Interval::FULL));
    assert_eq!(remove_in_bounds(&mut g, 65536), 0);
}

#[test]
fn dynamic_memory_keeps_every_check() {
    let f = counted_loops(0, 4, 400, 1000);
    let mut plain = f.clone();
    crate::optimize(&mut plain);
    assert_eq!(checks(&plain), 2);
    let mut dynamic = f.clone();
    crate::optimize_with(&mut dynamic, &crate::OptContext { static_memory_bytes: None, min_memory_bytes: None });
    assert_eq!(dynamic, plain);
    let mut fixed = f.clone();
    crate::optimize_with(&mut fixed, &crate::OptContext { static_memory_bytes: Some(65536), min_memory_bytes: Some(65536) });
    assert_eq!(checks(&fixed), 0);
    verify_or_text(&fixed).unwrap();
    assert_eq!(run_with_memory(&fixed, 65536), run_with_memory(&f, 65536));
}

/// A memory that may grow but starts at 64 KiB: checks the ranges prove
/// below 64 KiB go (they cannot trap at any size the memory can have); with
/// an initial size below the last byte (1400) they stay, and the unchecked
/// and checked functions trap or finish alike at every size from there up.
#[test]
fn growable_memory_drops_checks_within_its_initial_size() {
    let f = counted_loops(0, 4, 400, 1000);
    let grows_from = |bytes| crate::OptContext { static_memory_bytes: None, min_memory_bytes: Some(bytes) };
    let mut large = f.clone();
    crate::optimize_with(&mut large, &grows_from(65536));
    assert_eq!(checks(&large), 0);
    verify_or_text(&large).unwrap();
    for size in [65536, 131072] {
        assert_eq!(run_with_memory(&large, size), run_with_memory(&f, size));
    }
    let mut small = f.clone();
    crate::optimize_with(&mut small, &grows_from(1024));
    // The check of the loop reaching byte 1400 stays (the other loop's may go).
    assert!(checks(&small) >= 1);
    for size in [1024, 1399, 1400, 65536] {
        assert_eq!(run_with_memory(&small, size), run_with_memory(&f, size), "memory of {size} bytes");
    }
    assert!(run_with_memory(&small, 1024).is_err(), "the loop runs past 1024 bytes and must trap");
}

/// xorshift for the soundness test.
fn next(s: &mut u64) -> u64 {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    *s
}

fn random_interval(s: &mut u64) -> Interval {
    let pick = |s: &mut u64| match next(s) % 4 {
        0 => next(s) % 16,
        1 => MAX - next(s) % 16,
        2 => next(s) & MAX,
        _ => next(s) % 70000,
    };
    let (a, b) = (pick(s), pick(s));
    let m = [0, 1, 1, 2, 4, 12][(next(s) % 6) as usize];
    Interval::strided(a.min(b), a.max(b), m).unwrap()
}

fn member(x: Interval, s: &mut u64) -> u64 {
    match (x.m, next(s) % 3) {
        (0, _) => x.lo,
        (_, 0) => x.lo,
        (_, 1) => x.hi,
        (m, _) => x.lo + (next(s) % ((x.hi - x.lo) / m + 1)) * m,
    }
}

#[test]
fn transfer_functions_and_refinements_are_sound() {
    use BinaryOp::*;
    let mut s = 0x1234_5678_9abc_def1u64;
    let ops = [Add, Sub, Mul, And, Or, Xor, Shl, ShrU, DivU, RemU];
    let ccs = [IntCC::Eq, IntCC::Ne, IntCC::LtU, IntCC::LeU, IntCC::GtU, IntCC::GeU, IntCC::LtS, IntCC::GeS];
    for _ in 0..20000 {
        let (a, b) = (random_interval(&mut s), random_interval(&mut s));
        let (x, y) = (member(a, &mut s), member(b, &mut s));
        assert!(a.contains(Interval::constant(x)) && a.join(b).contains(a) && a.join(b).contains(b));
        let op = ops[(next(&mut s) % ops.len() as u64) as usize];
        if matches!(op, DivU | RemU) && y == 0 {
            continue;
        }
        let r = interp::binary(op, Type::I32, x, y).unwrap();
        let abs = binary(op, a, b);
        assert!(abs.contains(Interval::constant(r)), "{op:?} {a:?} {b:?}: {x} {y} -> {r} not in {abs:?}");
        let cc = ccs[(next(&mut s) % ccs.len() as u64) as usize];
        let c = member(b, &mut s);
        if interp::compare(cc, Type::I32, x, c) {
            let rx = refine(a, cc, c);
            assert!(rx.is_some_and(|rx| rx.contains(Interval::constant(x))), "{a:?} {cc:?} {c}: {x} lost");
        }
        if let Some(w) = a.meet_range(b.lo, b.hi) {
            assert!(a.contains(w));
        }
    }
}

/// `for (i = -64, q = (x & 1023) + 100; ; ) { check(q, 2); check(i + 1090,
/// 2); i += 4; q -= 4; if (i == 0) break; }`: a counter counting up to
/// zero (its last step wraps) and a derived variable counting down from a
/// non-constant start.
fn count_to_zero() -> Function {
    let sig = Signature { params: vec![Type::I32], results: vec![] };
    let mut b = FunctionBuilder::new("down", sig);
    let x = b.block_params(b.current_block())[0];
    let m = b.iconst(Type::I32, 1023);
    let xm = b.binary(BinaryOp::And, x, m);
    let hundred = b.iconst(Type::I32, 100);
    let q0 = b.binary(BinaryOp::Add, xm, hundred);
    let i0 = b.iconst(Type::I32, -64);
    let body = b.create_block();
    let i = b.append_block_param(body, Type::I32);
    let q = b.append_block_param(body, Type::I32);
    b.jump(body, vec![i0, q0]);
    b.switch_to_block(body);
    b.inst0(InstKind::BoundsCheck { addr: q, end: 2 });
    let c1090 = b.iconst(Type::I32, 1090);
    let a = b.binary(BinaryOp::Add, i, c1090);
    b.inst0(InstKind::BoundsCheck { addr: a, end: 2 });
    let four = b.iconst(Type::I32, 4);
    let minus4 = b.iconst(Type::I32, -4);
    let i1 = b.binary(BinaryOp::Add, i, four);
    let q1 = b.binary(BinaryOp::Add, q, minus4);
    let exit = b.create_block();
    b.branch(i1, BlockCall { block: body, args: vec![i1, q1] }, BlockCall { block: exit, args: vec![] });
    b.switch_to_block(exit);
    b.terminate(Terminator::Return(vec![]));
    let f = b.finish();
    verify_or_text(&f).unwrap();
    f
}

#[test]
fn counters_up_to_zero_and_derived_down_counters_are_bounded() {
    let f = count_to_zero();
    let r = analyze(&f);
    let (i, q) = (f.blocks[1].params[0], f.blocks[1].params[1]);
    assert_eq!(r.get(i), Interval::strided(MAX + 1 - 64, MAX + 1 - 4, 4));
    // q starts in [100, 1123] and takes at most 15 steps of -4.
    assert_eq!(r.get(q).map(|x| (x.lo, x.hi)), Some((40, 1123)));
    let mut g = f.clone();
    assert_eq!(remove_in_bounds(&mut g, 1125), 2);
    let mut h = f.clone();
    assert_eq!(remove_in_bounds(&mut h, 1124), 1, "q + 2 reaches 1125: its check stays");
    let run = |f: &Function, arg: u64, bytes: u32| {
        let mut m = Machine::new();
        m.set_memory(1, 0).unwrap();
        let size = m.symbol_addr(SymbolRef::MemorySize).unwrap();
        m.write_u32(size, bytes).unwrap();
        m.run_simple(f, &[arg])
    };
    for arg in [0, 1023, 5000, u64::from(u32::MAX)] {
        assert_eq!(run(&f, arg, 1125), run(&g, arg, 1125), "{arg}");
        assert_eq!(run(&f, arg, 1124), run(&h, arg, 1124), "{arg}");
    }
    assert!(run(&f, 1023, 1124).is_err(), "the boundary case really traps");
}

#[test]
fn widening_terminates_on_unbounded_loops() {
    // The counter of `counted_loops(1, 2, 0, 0)` (odd, never 0) runs until
    // it wraps, and then forever: nothing is bounded, but analysis ends.
    let f = counted_loops(1, 2, 0, 0);
    let r = analyze(&f);
    assert_eq!(r.get(f.blocks[1].params[0]).map(|x| (x.lo, x.hi)), Some((1, MAX)));
}

#[test]
fn branch_guards_bound_values_in_dominated_blocks() {
    // if (x <u 100) { check(x, 4) } else { check(x, 4) }
    let sig = Signature { params: vec![Type::I32], results: vec![] };
    let mut b = FunctionBuilder::new("guard", sig);
    let x = b.block_params(b.current_block())[0];
    let hundred = b.iconst(Type::I32, 100);
    let lt = b.compare(IntCC::LtU, x, hundred);
    let (yes, no) = (b.create_block(), b.create_block());
    b.branch(lt, BlockCall { block: yes, args: vec![] }, BlockCall { block: no, args: vec![] });
    for blk in [yes, no] {
        b.switch_to_block(blk);
        b.inst0(InstKind::BoundsCheck { addr: x, end: 4 });
        b.terminate(Terminator::Return(vec![]));
    }
    let f = b.finish();
    let r = analyze(&f);
    assert_eq!(r.get(x), Some(Interval::FULL));
    assert_eq!(r.get_at(yes, x).map(|i| (i.lo, i.hi)), Some((0, 99)));
    assert_eq!(r.get_at(no, x).map(|i| (i.lo, i.hi)), Some((100, MAX)));
    let mut g = f.clone();
    assert_eq!(remove_in_bounds(&mut g, 103), 1, "x + 4 <= 103 only on the guarded side");
    assert!(f.blocks[no.0 as usize].insts == g.blocks[no.0 as usize].insts);
    let mut h = f.clone();
    assert_eq!(remove_in_bounds(&mut h, 102), 0, "x = 99 reaches byte 103");
}

fn ands(f: &Function) -> usize {
    f.blocks.iter().flat_map(|b| &b.insts).filter(|i| matches!(i.kind, InstKind::Binary { op: BinaryOp::And, .. })).count()
}

/// `f(p) = (load8_u(p & 1023) ^ load8_u(4)) & 255` plus, behind
/// `if (p <u 200)`, `p & 255` (proven) and, after the join, `p & 255` (not
/// proven: p may be anything there) and `(p & 1023) & 511` (not proven).
fn masked(p_limit: i64) -> Function {
    let sig = Signature { params: vec![Type::I32], results: vec![Type::I32] };
    let mut b = FunctionBuilder::new("masked", sig);
    let p = b.block_params(b.current_block())[0];
    let k1023 = b.iconst(Type::I32, 1023);
    let k255 = b.iconst(Type::I32, 255);
    let k511 = b.iconst(Type::I32, 511);
    let four = b.iconst(Type::I32, 4);
    let mem = b.symbol_addr(SymbolRef::Memory, 0);
    let idx = b.binary(BinaryOp::And, p, k1023);
    let a1 = b.binary(BinaryOp::Add, mem, idx);
    let x = b.load(Type::I32, LoadKind::U8, a1, 0);
    let a2 = b.binary(BinaryOp::Add, mem, four);
    let y = b.load(Type::I32, LoadKind::U8, a2, 0);
    let xy = b.binary(BinaryOp::Xor, x, y);
    let byte = b.binary(BinaryOp::And, xy, k255); // proven: a byte ^ a byte
    let small = b.create_block();
    let join = b.create_block();
    let acc = b.append_block_param(join, Type::I32);
    let lim = b.iconst(Type::I32, p_limit);
    let c = b.compare(IntCC::LtU, p, lim);
    b.branch(c, BlockCall { block: small, args: vec![] }, BlockCall { block: join, args: vec![byte] });
    b.switch_to_block(small);
    let pm = b.binary(BinaryOp::And, p, k255); // proven when p_limit <= 256
    let s = b.binary(BinaryOp::Add, byte, pm);
    b.jump(join, vec![s]);
    b.switch_to_block(join);
    let unproven = b.binary(BinaryOp::And, p, k255);
    let wide = b.binary(BinaryOp::And, idx, k511);
    let t = b.binary(BinaryOp::Add, acc, unproven);
    let r = b.binary(BinaryOp::Add, t, wide);
    b.terminate(Terminator::Return(vec![r]));
    b.finish()
}

#[test]
fn masks_covering_the_range_are_removed() {
    for (limit, removed) in [(200, 2), (256, 2), (257, 1)] {
        let f = masked(limit);
        let before = ands(&f);
        let mut g = f.clone();
        let applied = apply(&mut g, None, &[]);
        verify_or_text(&g).unwrap();
        assert_eq!((applied.masks, ands(&g)), (removed, before - removed), "limit {limit}");
        let mut m = Machine::new();
        m.set_memory(1, 0).unwrap();
        let base = m.symbol_addr(SymbolRef::Memory).unwrap();
        for i in 0..1024u32 {
            m.write_u32(base + i * 4 % 1024, i.wrapping_mul(2_654_435_761)).unwrap();
        }
        for p in [0u32, 1, 4, 199, 200, 255, 256, 257, 511, 1023, 1024, 0xffff_ffff, 0x8000_00ff] {
            assert_eq!(m.run_simple(&g, &[u64::from(p)]), m.run_simple(&f, &[u64::from(p)]), "limit {limit}, p = {p:#x}");
        }
    }
}
