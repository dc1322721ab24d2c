//! End-to-end: the soft-float runtime helpers of
//! `synth_frontend::runtime::float` (sqrt, rounding, min/max, saturating
//! conversions on bit patterns), as built and as `synth-opt` leaves them,
//! compiled by the backend and executed in unicorn against the reference
//! interpreter (which the front end's tests check against Rust's f32/f64
//! operations), plus literal spot checks.

mod harness;

use harness::reference::{check_against_interpreter, pairs, spot_check};
use synth_frontend::runtime::{build, float::Helper};
use synth_frontend::ModuleInfo;
use synth_ir::Function;


/// Deterministic xorshift64*.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// Edge values (zeros, ties, integer and conversion boundaries and their
/// neighbours, max finite, infinities, NaNs quiet and signalling,
/// subnormals) and pseudo-random patterns, as bit patterns of f32 (`wide`
/// false) or f64.
fn operands(wide: bool, n_random: usize) -> Vec<u64> {
    let vals = [0.0, 0.5, 1.0, 1.5, 2.5, 3.5, 0.75, 1e10, 8388607.5, 4503599627370495.5];
    let pows = [23, 31, 32, 52, 63, 64];
    let mut out = Vec::new();
    let mask = if wide { u64::MAX } else { 0xffff_ffff };
    let bits = |v: f64| if wide { v.to_bits() } else { (v as f32).to_bits() as u64 };
    let mut base: Vec<u64> = vals.iter().map(|&v| bits(v)).collect();
    base.extend(pows.iter().map(|&p| bits(2f64.powi(p))));
    let (sign, inf, quiet) =
        if wide { (1u64 << 63, 0x7ff0u64 << 48, 1u64 << 51) } else { (1 << 31, 0x7f80_0000, 1 << 22) };
    base.extend([1, inf - 1, inf, inf | quiet, inf | 1, inf | quiet | 5, quiet - 1]);
    for x in base {
        for y in [x, x + 1, x.wrapping_sub(1) & mask] {
            out.extend([y, y | sign]);
        }
    }
    let mut rng = Rng(0x5eed ^ wide as u64);
    let (mbits, bias) = if wide { (52, 1023) } else { (23, 127) };
    for _ in 0..n_random {
        out.push(rng.next() & mask);
        let e = bias - 3 + rng.next() % 70;
        out.push((rng.next() & sign) | e << mbits | (rng.next() & ((1 << mbits) - 1)));
    }
    out
}

/// Every helper as built, then as `synth-opt` leaves it.
fn helpers() -> Vec<Function> {
    let info = ModuleInfo::default();
    let mut funcs: Vec<Function> = Helper::all().into_iter().map(|r| build(r, &info)).collect();
    for r in Helper::all() {
        let mut f = build(r, &info);
        synth_opt::optimize(&mut f);
        f.name.push_str("_opt");
        funcs.push(f);
    }
    funcs
}

#[test]
fn float_helpers_match_interpreter() {
    let funcs = helpers();
    let helper_list = Helper::all();
    let (f32s, f64s) = (operands(false, 40), operands(true, 40));
    let mut cases = Vec::new();
    for (k, f) in funcs.iter().enumerate() {
        let h = Helper::of(helper_list[k % helper_list.len()]).unwrap();
        let wide = f.sig.params[0] == synth_ir::Type::I64;
        let xs = if wide { &f64s } else { &f32s };
        match h {
            Helper::MinMax(..) => {
                let few: Vec<u64> = xs.iter().step_by(11).copied().collect();
                cases.extend(pairs(&few, &few).into_iter().map(|a| (k, a)));
            }
            _ => cases.extend(xs.iter().map(|&x| (k, vec![x]))),
        }
    }
    assert!(check_against_interpreter(&funcs, cases) > 8_000);
}

#[test]
fn float_helpers_spot_checks() {
    let funcs: Vec<Function> = helpers().into_iter().take(Helper::all().len()).collect();
    let f = |v: f32| v.to_bits() as u64;
    let d = |v: f64| v.to_bits();
    // One case per helper, in Helper::all() order.
    let cases = vec![
        (vec![f(2.0)], f(std::f32::consts::SQRT_2)),
        (vec![d(2.0)], d(std::f64::consts::SQRT_2)),
        (vec![f(-0.5)], f(-0.0)),                                     // ceil
        (vec![f(-0.5)], f(-1.0)),                                     // floor
        (vec![f(-2.7)], f(-2.0)),                                     // trunc
        (vec![f(2.5)], f(2.0)),                                       // nearest
        (vec![d(1.25)], d(2.0)),                                      // ceil
        (vec![d(-1e300)], d(-1e300)),                                 // floor of a large integral value
        (vec![d(-0.9)], d(-0.0)),                                     // trunc
        (vec![d(-3.5)], d(-4.0)),                                     // nearest
        (vec![f(-0.0), f(0.0)], f(-0.0)),                             // min
        (vec![f(-0.0), f(0.0)], f(0.0)),                              // max
        (vec![d(1.0), 0x7ff0_0000_0000_0001], 0x7ff8_0000_0000_0000), // min with a signalling NaN
        (vec![d(-1.0), d(-2.0)], d(-1.0)),                            // max
        (vec![f(-2147483648.0)], 0x8000_0000),                        // i32 <- f32 s
        (vec![f(-1.0)], 0),                                           // i32 <- f32 u
        (vec![d(-2147483648.9)], 0x8000_0000),                        // i32 <- f64 s
        (vec![d(4294967295.9)], 0xffff_ffff),                         // i32 <- f64 u
        (vec![f(f32::INFINITY)], i64::MAX as u64),                    // i64 <- f32 s
        (vec![f(1e19)], 1e19f32 as u64),                              // i64 <- f32 u
        (vec![0x7ff8_0000_0000_0000], 0),                             // i64 <- f64 s
        (vec![d(-1e300)], 0),                                         // i64 <- f64 u
    ];
    spot_check(&funcs, cases);
}
