//! `ceil`, `floor`, `trunc`, `nearest` on a float bit pattern.
//!
//! With biased exponent `e`, a value with `e >= bias + mbits` (including
//! ±inf and NaN) is already integral; `e < bias` means `|x| < 1`, which
//! rounds to ±0 or ±1. Otherwise the low `f = bias + mbits - e` bits are the
//! fraction: adding an increment (the fraction mask to round the magnitude
//! up, half minus one plus the integer part's parity for ties-to-even)
//! carries into the integer part, possibly into the exponent, and the
//! fraction is then cleared. The sign is never touched, so results keep it.

use super::{abs, bin_k, cmp_k, exponent, k, quiet_if_nan, select, to_type, Format};
use synth_ir::{BinaryOp, BlockCall, FunctionBuilder, IntCC, Terminator, Value};

/// Which rounding to an integral value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rounding {
    /// Toward +inf.
    Ceil,
    /// Toward -inf.
    Floor,
    /// Toward zero.
    Trunc,
    /// To nearest, ties to even.
    Nearest,
}

/// Emits the body of the rounding helper for `x`.
pub(super) fn build(b: &mut FunctionBuilder, f: Format, mode: Rounding, x: Value) {
    let ty = f.ty;
    let integral = b.create_block();
    let small = b.create_block();
    let tiny = b.create_block();
    let frac = b.create_block();
    let int_e = f.bias() as u64 + f.mbits as u64;

    let e = exponent(b, f, x);
    let is_integral = cmp_k(b, IntCC::GeU, e, int_e);
    b.branch(is_integral, BlockCall { block: integral, args: vec![] }, BlockCall { block: small, args: vec![] });

    // Integral already, infinite or NaN.
    b.switch_to_block(integral);
    let r = quiet_if_nan(b, f, x);
    b.terminate(Terminator::Return(vec![r]));

    b.switch_to_block(small);
    let is_tiny = cmp_k(b, IntCC::LtU, e, f.bias() as u64);
    b.branch(is_tiny, BlockCall { block: tiny, args: vec![] }, BlockCall { block: frac, args: vec![] });

    // |x| < 1: the result is ±0 or ±1 with the sign of x.
    b.switch_to_block(tiny);
    let sign = bin_k(b, BinaryOp::And, x, f.sign());
    let to_one = match mode {
        Rounding::Trunc => None,
        // Negative, not -0.
        Rounding::Floor => Some(cmp_k(b, IntCC::GtU, x, f.sign())),
        // Positive, not +0.
        Rounding::Ceil => Some(cmp_k(b, IntCC::GtS, x, 0)),
        // Above one half (one half itself rounds to the even 0).
        Rounding::Nearest => {
            let a = abs(b, f, x);
            Some(cmp_k(b, IntCC::GtU, a, f.one() - f.implicit()))
        }
    };
    let r = match to_one {
        None => sign,
        Some(c) => {
            let one = k(b, ty, f.one());
            let zero = k(b, ty, 0);
            let m = select(b, c, one, zero);
            b.binary(BinaryOp::Or, sign, m)
        }
    };
    b.terminate(Terminator::Return(vec![r]));

    // 1 <= |x| < 2^mbits: clear the f fraction bits after the increment.
    b.switch_to_block(frac);
    let c = k(b, synth_ir::Type::I32, int_e);
    let fbits = b.binary(BinaryOp::Sub, c, e);
    let fbits = to_type(b, fbits, ty);
    let one = k(b, ty, 1);
    let unit = b.binary(BinaryOp::Shl, one, fbits);
    let mask = b.binary(BinaryOp::Sub, unit, one);
    let inc = match mode {
        Rounding::Trunc => None,
        Rounding::Floor | Rounding::Ceil => {
            // All ones when negative.
            let neg = bin_k(b, BinaryOp::ShrS, x, (f.bits - 1) as u64);
            let away = if mode == Rounding::Floor { neg } else { bin_k(b, BinaryOp::Xor, neg, u64::MAX) };
            Some(b.binary(BinaryOp::And, mask, away))
        }
        Rounding::Nearest => {
            let half_m1 = bin_k(b, BinaryOp::ShrU, mask, 1);
            let int_part = b.binary(BinaryOp::ShrU, x, fbits);
            let parity = b.binary(BinaryOp::And, int_part, one);
            Some(b.binary(BinaryOp::Add, half_m1, parity))
        }
    };
    let y = match inc {
        None => x,
        Some(i) => b.binary(BinaryOp::Add, x, i),
    };
    let keep = bin_k(b, BinaryOp::Xor, mask, u64::MAX);
    let r = b.binary(BinaryOp::And, y, keep);
    b.terminate(Terminator::Return(vec![r]));
}
