//! Correctly rounded square root on a float bit pattern.
//!
//! A positive finite `x` is normalised to `M * 2^(E - bias - mbits)` with
//! `M` in `[2^mbits, 2^(mbits+1))` (subnormals included), then `M` is
//! doubled when `E - bias` is odd so the exponent halves exactly. The root
//! `q = floor(sqrt(M * 2^mbits))` has exactly `mbits + 1` bits and is found
//! one bit per round, from `2^mbits` down to 1 (restoring method): with
//! `rem` the remainder `M * 2^mbits - q^2` so far, bit `b` is taken when
//! `rem >= 2qb + b^2`. Kept scaled as `X = rem / b` and `S = 2q`, that test
//! is `X >= S + b`, and `X` doubles from one round to the next, so it stays
//! below `2^(mbits+3)` and fits the bit pattern's type. The exact root lies
//! in `[q, q + 1)` and is never `q + 1/2`, so it rounds up exactly when
//! `rem > q`. The result is always a normal number.

use super::{bin_k, cmp_k, k, select, to_type, Format};
use synth_ir::{BinaryOp, BlockCall, FunctionBuilder, InstKind, IntCC, Terminator, Type, UnaryOp, Value};

/// Emits the body of the square-root helper for `x`.
pub(super) fn build(b: &mut FunctionBuilder, f: Format, x: Value) {
    let ty = f.ty;
    let special = b.create_block();
    let normal = b.create_block();
    let round = b.create_block();
    let done = b.create_block();

    // +0, +inf, NaN and every negative pattern: x - 1 >= inf - 1 (unsigned).
    let xm1 = bin_k(b, BinaryOp::Sub, x, 1);
    let is_special = cmp_k(b, IntCC::GeU, xm1, f.inf() - 1);
    b.branch(is_special, BlockCall { block: special, args: vec![] }, BlockCall { block: normal, args: vec![] });

    // ±0 and +inf are their own roots; NaN gets its quiet bit; other
    // negatives give the canonical NaN.
    b.switch_to_block(special);
    let neg = cmp_k(b, IntCC::GtU, x, f.sign());
    let canon = k(b, ty, f.canonical_nan());
    let r = select(b, neg, canon, x);
    let a = super::abs(b, f, x);
    let nan = cmp_k(b, IntCC::GtU, a, f.inf());
    let q = bin_k(b, BinaryOp::Or, x, f.quiet());
    let r = select(b, nan, q, r);
    b.terminate(Terminator::Return(vec![r]));

    // Positive, finite, non-zero.
    b.switch_to_block(normal);
    let one = k(b, ty, 1);
    let e = bin_k(b, BinaryOp::ShrU, x, f.mbits as u64);
    // A subnormal behaves as exponent 1 without the implicit bit.
    let sub = b.inst1(InstKind::Eqz { ty, arg: e }, Type::I32);
    let sub = to_type(b, sub, ty);
    let e1 = b.binary(BinaryOp::Add, e, sub);
    let e1m1 = b.binary(BinaryOp::Sub, e1, one);
    let exp_bits = bin_k(b, BinaryOp::Shl, e1m1, f.mbits as u64);
    let m = b.binary(BinaryOp::Sub, x, exp_bits);
    // Normalise: leading bit to position mbits.
    let lz = b.inst1(InstKind::Unary { op: UnaryOp::Clz, ty, arg: m }, ty);
    let s = bin_k(b, BinaryOp::Sub, lz, f.ebits() as u64);
    let m = b.binary(BinaryOp::Shl, m, s);
    let e = b.binary(BinaryOp::Sub, e1, s);
    // Make the unbiased exponent even (bias is odd, so e odd).
    let em1 = b.binary(BinaryOp::Sub, e, one);
    let e_odd = b.binary(BinaryOp::Or, em1, one);
    let d = b.binary(BinaryOp::Sub, e, e_odd);
    let m = b.binary(BinaryOp::Shl, m, d);
    // Result exponent field minus one (the root's leading bit adds it back).
    let re = bin_k(b, BinaryOp::Add, e_odd, (f.bias() - 2) as u64);
    let re = b.binary(BinaryOp::ShrS, re, one);
    let re = bin_k(b, BinaryOp::Shl, re, f.mbits as u64);
    let zero = k(b, ty, 0);
    let top = k(b, ty, f.implicit());
    b.jump(round, vec![m, zero, top]);

    // round(X, S, bit): decide the root bit `bit`.
    b.switch_to_block(round);
    let xs = b.append_block_param(round, ty);
    let s2q = b.append_block_param(round, ty);
    let bit = b.append_block_param(round, ty);
    let t = b.binary(BinaryOp::Add, s2q, bit);
    let take = b.compare(IntCC::GeU, xs, t);
    let xt = b.binary(BinaryOp::Sub, xs, t);
    let xs = select(b, take, xt, xs);
    let st = b.binary(BinaryOp::Add, t, bit);
    let s2q = select(b, take, st, s2q);
    let last = b.compare(IntCC::Eq, bit, one);
    let x2 = b.binary(BinaryOp::Add, xs, xs);
    let bit2 = b.binary(BinaryOp::ShrU, bit, one);
    b.branch(
        last,
        BlockCall { block: done, args: vec![xs, s2q] },
        BlockCall { block: round, args: vec![x2, s2q, bit2] },
    );

    // done(rem, 2q): round to nearest and assemble.
    b.switch_to_block(done);
    let rem = b.append_block_param(done, ty);
    let s2q = b.append_block_param(done, ty);
    let q = b.binary(BinaryOp::ShrU, s2q, one);
    let up = b.compare(IntCC::GtU, rem, q);
    let up = to_type(b, up, ty);
    let r = b.binary(BinaryOp::Add, re, q);
    let r = b.binary(BinaryOp::Add, r, up);
    b.terminate(Terminator::Return(vec![r]));
}
