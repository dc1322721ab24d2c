//! Each float helper's IR, verified and run in the IR interpreter on edge
//! cases and a few thousand pseudo-random bit patterns, against Rust's
//! f32/f64 operations bit for bit (NaN results by the wasm rules).

use super::*;
use crate::runtime::build as build_runtime;
use crate::ModuleInfo;
use synth_ir::interp::{Exit, Machine};
use synth_ir::verify::verify_or_text;
use synth_ir::{Function, TrapCode};
use RuntimeFunc as R;


fn built(f: RuntimeFunc) -> Function {
    let func = build_runtime(f, &ModuleInfo::default());
    verify_or_text(&func).unwrap_or_else(|e| panic!("{f:?}: {e}"));
    assert_eq!(func.sig, Helper::of(f).unwrap().signature());
    func
}

/// Instructions plus terminators.
fn size(f: &Function) -> usize {
    f.blocks.iter().map(|b| b.insts.len() + 1).sum()
}

fn run(m: &mut Machine, f: &Function, args: &[u64]) -> u64 {
    m.fuel = 1000;
    match m.run_simple(f, args) {
        Ok(v) => v[0],
        Err(e) => panic!("{} {args:x?}: {e:?}", f.name),
    }
}

/// Deterministic xorshift64* generator.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

fn is_nan(f: Format, x: u64) -> bool {
    x & !f.sign() > f.inf()
}

fn payload(f: Format, x: u64) -> u64 {
    x & (f.implicit() - 1)
}

/// Wasm's rule for a NaN result: an arithmetic NaN (quiet bit set), and a
/// canonical NaN (payload exactly the quiet bit, either sign) unless some
/// NaN operand is non-canonical.
fn wasm_nan_ok(f: Format, got: u64, operands: &[u64]) -> bool {
    let all_canonical = operands.iter().filter(|&&o| is_nan(f, o)).all(|&o| payload(f, o) == f.quiet());
    is_nan(f, got) && payload(f, got) & f.quiet() != 0 && (!all_canonical || payload(f, got) == f.quiet())
}

/// `f64` value as a bit pattern of format `f` (rounded to nearest).
fn bits_of(f: Format, v: f64) -> u64 {
    if f.bits == 32 {
        (v as f32).to_bits() as u64
    } else {
        v.to_bits()
    }
}

/// Edge cases of format `f`: zeros, infinities, NaNs with payloads (quiet
/// and signalling), subnormals, ties, powers of two at the integer and
/// conversion boundaries, max finite; each with its neighbours one ulp
/// away and with both signs.
fn edge_inputs(f: Format) -> Vec<u64> {
    let p = |e: i32| 2f64.powi(e);
    let m = f.mbits as i32;
    let values = [
        0.0,
        0.25,
        0.5,
        0.75,
        1.0,
        1.5,
        2.0,
        2.5,
        3.5,
        4.5,
        100.0,
        1e10,
        p(m - 1) + 0.5,
        p(m - 1) + 1.5,
        p(m),
        p(m) + 1.0,
        p(m + 1),
        p(31) - 1.0,
        p(31),
        p(31) + 1.0,
        p(32) - 1.0,
        p(32),
        p(32) + 1.0,
        p(63),
        p(64),
        p(100),
    ];
    let mut out = Vec::new();
    let mut add = |x: u64| {
        for y in [x, x.wrapping_add(1), x.wrapping_sub(1)] {
            let y = y & (u64::MAX >> (64 - f.bits));
            out.push(y);
            out.push(y ^ f.sign());
        }
    };
    for v in values {
        add(bits_of(f, v));
    }
    let max_finite = f.inf() - 1;
    for x in [1, 2, 3, f.quiet(), f.implicit() - 1, f.implicit(), max_finite, f.inf()] {
        add(x);
    }
    // NaNs: canonical, quiet with payloads, signalling.
    for pl in [f.quiet(), f.quiet() | 1, 1, f.quiet() - 1, f.implicit() - 1, 0x5a5a & (f.implicit() - 1)] {
        out.push(f.inf() | pl);
        out.push(f.sign() | f.inf() | pl);
    }
    out
}

/// Edge cases, then pseudo-random patterns: uniform bits, values with an
/// exponent in the fraction/conversion range, subnormals, and exact ties
/// `n + 0.5`.
fn inputs(f: Format) -> Vec<u64> {
    let mut out = edge_inputs(f);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ f.bits as u64);
    let mask = u64::MAX >> (64 - f.bits);
    let frac_mask = f.implicit() - 1;
    for _ in 0..1500 {
        out.push(rng.next() & mask);
        let sign = rng.next() & f.sign();
        let e = (f.bias() as u64 - 3) + rng.next() % 70;
        out.push(sign | e << f.mbits | (rng.next() & frac_mask));
        out.push(sign | (rng.next() & frac_mask));
        let n = rng.next() & ((1 << (rng.next() % f.mbits as u64)) - 1);
        out.push(sign | bits_of(f, n as f64 + 0.5));
    }
    out
}

fn ref_unary(h: RuntimeFunc, x: u64) -> u64 {
    let s = |op: fn(f32) -> f32| op(f32::from_bits(x as u32)).to_bits() as u64;
    let d = |op: fn(f64) -> f64| op(f64::from_bits(x)).to_bits();
    match h {
        R::F32Sqrt => s(f32::sqrt),
        R::F32Ceil => s(f32::ceil),
        R::F32Floor => s(f32::floor),
        R::F32Trunc => s(f32::trunc),
        R::F32Nearest => s(f32::round_ties_even),
        R::F64Sqrt => d(f64::sqrt),
        R::F64Ceil => d(f64::ceil),
        R::F64Floor => d(f64::floor),
        R::F64Trunc => d(f64::trunc),
        R::F64Nearest => d(f64::round_ties_even),
        _ => unreachable!(),
    }
}

/// Runs a one-operand helper on every input and compares with Rust: NaN
/// inputs come back quieted, negative non-zero `sqrt` operands give the
/// canonical NaN; every NaN also obeys the wasm rule.
fn check_unary(h: RuntimeFunc, f: Format) -> usize {
    let func = built(h);
    let mut m = Machine::new();
    let xs = inputs(f);
    for &x in &xs {
        let got = run(&mut m, &func, &[x]);
        let want = ref_unary(h, x);
        if is_nan(f, want) {
            let contract = if is_nan(f, x) { x | f.quiet() } else { f.canonical_nan() };
            assert_eq!(got, contract, "{h:?}({x:#x})");
            assert!(wasm_nan_ok(f, got, &[x]), "{h:?}({x:#x}) = {got:#x}");
        } else {
            assert_eq!(got, want, "{h:?}({x:#x})");
        }
    }
    xs.len()
}

#[test]
fn sqrt_matches_rust() {
    assert!(check_unary(R::F32Sqrt, Format::F32) > 6000);
    assert!(check_unary(R::F64Sqrt, Format::F64) > 6000);
}

#[test]
fn sqrt_of_perfect_squares_and_specials() {
    let f = built(R::F32Sqrt);
    let mut m = Machine::new();
    let mut rng = Rng(7);
    for _ in 0..500 {
        let n = (rng.next() >> 52) as f32; // below 2^12: n * n is exact
        assert_eq!(run(&mut m, &f, &[(n * n).to_bits() as u64]), n.to_bits() as u64, "sqrt({n}^2)");
    }
    let d = built(R::F64Sqrt);
    for _ in 0..500 {
        let n = (rng.next() >> 38) as f64; // below 2^26
        assert_eq!(run(&mut m, &d, &[(n * n).to_bits()]), n.to_bits(), "sqrt({n}^2)");
    }
    assert_eq!(run(&mut m, &f, &[0x8000_0000]), 0x8000_0000, "sqrt(-0)");
    assert_eq!(run(&mut m, &f, &[0x7f80_0000]), 0x7f80_0000, "sqrt(+inf)");
    assert_eq!(run(&mut m, &f, &[0xff80_0000]), 0x7fc0_0000, "sqrt(-inf)");
    assert_eq!(run(&mut m, &f, &[0xbf80_0000]), 0x7fc0_0000, "sqrt(-1)");
    assert_eq!(run(&mut m, &f, &[0x7f80_0001]), 0x7fc0_0001, "sqrt(sNaN)");
    // 2^-149 -> 2^-74.5 = sqrt(2) * 2^-75: exponent field 52, sqrt(2)'s mantissa.
    assert_eq!(run(&mut m, &f, &[1]), 52 << 23 | (2f32.sqrt().to_bits() & 0x7f_ffff) as u64, "sqrt(2^-149)");
    assert_eq!(run(&mut m, &d, &[1]), 0x1e60_0000_0000_0000, "sqrt(smallest f64 subnormal) = 2^-537");
}

#[test]
fn sqrt_f64_takes_53_rounds() {
    let f = built(R::F64Sqrt);
    let mut m = Machine::new();
    let per_round = f.blocks.iter().find(|b| b.params.len() == 3).map(|b| b.insts.len() as u64 + 1).unwrap();
    m.fuel = 53 * per_round + 60;
    assert_eq!(m.run_simple(&f, &[2f64.to_bits()]), Ok(vec![2f64.sqrt().to_bits()]));
    m.fuel = 52 * per_round;
    assert_eq!(m.run_simple(&f, &[2f64.to_bits()]), Err(Exit::OutOfFuel));
}

#[test]
fn rounding_matches_rust() {
    for h in [R::F32Ceil, R::F32Floor, R::F32Trunc, R::F32Nearest] {
        assert!(check_unary(h, Format::F32) > 6000);
    }
    for h in [R::F64Ceil, R::F64Floor, R::F64Trunc, R::F64Nearest] {
        assert!(check_unary(h, Format::F64) > 6000);
    }
}

#[test]
fn rounding_keeps_the_sign_and_ties_to_even() {
    let mut m = Machine::new();
    let b = |v: f32| v.to_bits() as u64;
    let cases: [(RuntimeFunc, f32, f32); 10] = [
        (R::F32Ceil, -0.5, -0.0),
        (R::F32Floor, 0.5, 0.0),
        (R::F32Floor, -0.5, -1.0),
        (R::F32Trunc, -0.9, -0.0),
        (R::F32Nearest, -0.4, -0.0),
        (R::F32Nearest, 0.5, 0.0),
        (R::F32Nearest, 1.5, 2.0),
        (R::F32Nearest, 2.5, 2.0),
        (R::F32Nearest, -2.5, -2.0),
        (R::F32Nearest, 8388607.5, 8388608.0),
    ];
    for (h, x, want) in cases {
        assert_eq!(run(&mut m, &built(h), &[b(x)]), b(want), "{h:?}({x})");
    }
}

fn ref_min_max(f: Format, is_max: bool, a: u64, c: u64) -> u64 {
    if is_nan(f, a) || is_nan(f, c) {
        return f.canonical_nan();
    }
    let zero = |x: u64| x & !f.sign() == 0;
    if zero(a) && zero(c) {
        // min(-0, +0) = -0, max(-0, +0) = +0.
        return if is_max { a & c } else { a | c };
    }
    if f.bits == 32 {
        let (x, y) = (f32::from_bits(a as u32), f32::from_bits(c as u32));
        (if is_max { x.max(y) } else { x.min(y) }).to_bits() as u64
    } else {
        let (x, y) = (f64::from_bits(a), f64::from_bits(c));
        (if is_max { x.max(y) } else { x.min(y) }).to_bits()
    }
}

#[test]
fn min_max_match_wasm() {
    for (h, f, is_max) in [
        (R::F32Min, Format::F32, false),
        (R::F32Max, Format::F32, true),
        (R::F64Min, Format::F64, false),
        (R::F64Max, Format::F64, true),
    ] {
        let func = built(h);
        let mut m = Machine::new();
        let edges = edge_inputs(f);
        let mut pairs: Vec<(u64, u64)> = edges.iter().flat_map(|&a| edges.iter().map(move |&c| (a, c))).collect();
        let xs = inputs(f);
        let mut rng = Rng(99);
        for _ in 0..3000 {
            let a = xs[rng.next() as usize % xs.len()];
            let c = xs[rng.next() as usize % xs.len()];
            pairs.push((a, c));
            pairs.push((a, a ^ (rng.next() & 0xff))); // close values, same sign and exponent
        }
        for &(a, c) in &pairs {
            let got = run(&mut m, &func, &[a, c]);
            let want = ref_min_max(f, is_max, a, c);
            assert_eq!(got, want, "{h:?}({a:#x}, {c:#x})");
            if is_nan(f, got) {
                assert!(wasm_nan_ok(f, got, &[a, c]));
            }
        }
        assert!(pairs.len() > 20_000);
    }
}

/// The helper, source format, result type and signedness of each
/// saturating conversion.
fn conversions() -> Vec<(RuntimeFunc, Format, Type, bool)> {
    use Type::*;
    let (f32, f64) = (Format::F32, Format::F64);
    vec![
        (R::I32TruncSatF32S, f32, I32, true),
        (R::I32TruncSatF32U, f32, I32, false),
        (R::I32TruncSatF64S, f64, I32, true),
        (R::I32TruncSatF64U, f64, I32, false),
        (R::I64TruncSatF32S, f32, I64, true),
        (R::I64TruncSatF32U, f32, I64, false),
        (R::I64TruncSatF64S, f64, I64, true),
        (R::I64TruncSatF64U, f64, I64, false),
    ]
}

/// Rust's `as`, which saturates with NaN -> 0 like `trunc_sat`; the result
/// as a bit pattern of `to`.
fn ref_sat(f: Format, x: u64, to: Type, signed: bool) -> u64 {
    let v = if f.bits == 32 { f32::from_bits(x as u32) as f64 } else { f64::from_bits(x) };
    match (to, signed) {
        (Type::I32, true) => v as i32 as u32 as u64,
        (Type::I32, false) => v as u32 as u64,
        (_, true) => v as i64 as u64,
        (_, false) => v as u64,
    }
}

#[test]
fn trunc_sat_matches_rust_as() {
    for (h, f, to, signed) in conversions() {
        let func = built(h);
        let mut m = Machine::new();
        let xs = inputs(f);
        for &x in &xs {
            assert_eq!(run(&mut m, &func, &[x]), ref_sat(f, x, to, signed), "{h:?}({x:#x})");
        }
        assert!(xs.len() > 6000);
    }
}

/// The trap wasm's trapping conversion raises, from Rust's float semantics.
fn ref_trap(f: Format, x: u64, to: Type, signed: bool) -> Option<TrapCode> {
    let v = if f.bits == 32 { f32::from_bits(x as u32) as f64 } else { f64::from_bits(x) };
    if v.is_nan() {
        return Some(TrapCode::BadConversionToInteger);
    }
    let t = v.trunc() as i128; // exact below 2^127, saturating beyond: still out of range
    let (lo, hi): (i128, i128) = match (to, signed) {
        (Type::I32, true) => (i32::MIN.into(), i32::MAX.into()),
        (Type::I32, false) => (0, u32::MAX.into()),
        (_, true) => (i64::MIN.into(), i64::MAX.into()),
        (_, false) => (0, u64::MAX.into()),
    };
    (t < lo || t > hi).then_some(TrapCode::IntegerOverflow)
}

#[test]
fn trunc_trap_bounds_match_rust() {
    for (h, f, to, signed) in conversions() {
        let bounds = trunc_trap_bounds(f, to, signed);
        // The same rules as IR, run in the interpreter.
        let mut b = FunctionBuilder::new("check", Signature { params: vec![f.ty], results: vec![] });
        let x = b.block_params(b.current_block())[0];
        emit_trunc_traps(&mut b, &bounds, x);
        b.terminate(synth_ir::Terminator::Return(vec![]));
        let check = b.finish();
        verify_or_text(&check).unwrap();
        let mut m = Machine::new();
        let mut xs = inputs(f);
        for l in [bounds.pos_limit, bounds.neg_limit] {
            xs.extend([l - 1, l, l + 1]);
        }
        let mut traps = 0;
        for x in xs {
            let want = ref_trap(f, x, to, signed);
            assert_eq!(bounds.trap(x), want, "{h:?} bounds on {x:#x}");
            m.fuel = 100;
            let ir = m.run_simple(&check, &[x]);
            assert_eq!(ir, want.map_or(Ok(vec![]), |c| Err(Exit::Trap(c))), "{h:?} IR checks on {x:#x}");
            traps += want.is_some() as usize;
        }
        assert!(traps > 300, "{h:?}: {traps} trapping inputs");
        // Both limits are the first trapping pattern.
        assert_eq!(ref_trap(f, bounds.pos_limit - 1, to, signed), None);
        assert_eq!(ref_trap(f, bounds.neg_limit - 1, to, signed), None);
    }
}

#[test]
fn trunc_trap_bounds_documented_values() {
    let b = |f, to, s| {
        let t = trunc_trap_bounds(f, to, s);
        (t.pos_limit, t.neg_limit)
    };
    // f32 -> i32 signed: valid iff -2^31 <= x < 2^31.
    assert_eq!(b(Format::F32, Type::I32, true), (0x4f00_0000, 0xcf00_0001));
    // f64 -> i32 signed: valid iff -2^31 - 1 < x < 2^31.
    assert_eq!(b(Format::F64, Type::I32, true), (2f64.powi(31).to_bits(), (-2147483649f64).to_bits()));
    // unsigned: valid iff -1 < x < 2^32 (2^64).
    assert_eq!(b(Format::F32, Type::I32, false), (0x4f80_0000, 0xbf80_0000));
    assert_eq!(b(Format::F64, Type::I64, false), (2f64.powi(64).to_bits(), (-1f64).to_bits()));
    // f64 -> i64 signed: -2^63 - 1 is not an f64; -2^63 is valid.
    assert_eq!(b(Format::F64, Type::I64, true), (0x43e0_0000_0000_0000, 0xc3e0_0000_0000_0001));
}

#[test]
fn helpers_are_small() {
    for h in Helper::all() {
        let f = built(h);
        let consts =
            f.blocks.iter().flat_map(|b| &b.insts).filter(|i| matches!(i.kind, InstKind::Iconst { .. })).count();
        // Budgets a little above today's sizes: a regression guard.
        let budget = match Helper::of(h).unwrap() {
            Helper::Sqrt(_) => 60,
            Helper::Round(..) => 48,
            Helper::MinMax(..) => 20,
            Helper::TruncSat { .. } => 36,
        };
        println!("{:<28} {} blocks {:>2} IR instructions ({:>2} constants)", f.name, f.blocks.len(), size(&f), consts);
        assert!(size(&f) <= budget, "{h:?}: {} instructions", size(&f));
    }
}
