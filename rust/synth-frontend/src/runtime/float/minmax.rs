//! `min` and `max` on float bit patterns.
//!
//! A NaN operand gives the canonical NaN. Otherwise both operands map to an
//! ordered-integer key (the magnitude bits of a negative value flipped,
//! compared signed), a total order in which -0 < +0, and the smaller or
//! larger operand is chosen; equal keys mean identical bit patterns.

use super::{abs, bin_k, cmp_k, k, select, Format};
use synth_ir::{BinaryOp, FunctionBuilder, IntCC, Terminator, Value};

/// Emits the body of `min(a, c)` (`is_max` false) or `max(a, c)`.
pub(super) fn build(b: &mut FunctionBuilder, f: Format, is_max: bool, a: Value, c: Value) {
    let abs_a = abs(b, f, a);
    let abs_c = abs(b, f, c);
    let nan_a = cmp_k(b, IntCC::GtU, abs_a, f.inf());
    let nan_c = cmp_k(b, IntCC::GtU, abs_c, f.inf());
    let nan = b.binary(BinaryOp::Or, nan_a, nan_c);
    let ka = order_key(b, f, a);
    let kc = order_key(b, f, c);
    let take_a = b.compare(if is_max { IntCC::GtS } else { IntCC::LtS }, ka, kc);
    let r = select(b, take_a, a, c);
    let canon = k(b, f.ty, f.canonical_nan());
    let r = select(b, nan, canon, r);
    b.terminate(Terminator::Return(vec![r]));
}

/// `v` with its magnitude bits flipped when negative: as signed integers
/// these keys order non-NaN floats numerically, with -0 below +0.
fn order_key(b: &mut FunctionBuilder, f: Format, v: Value) -> Value {
    let neg = bin_k(b, BinaryOp::ShrS, v, (f.bits - 1) as u64);
    let flip = bin_k(b, BinaryOp::ShrU, neg, 1);
    b.binary(BinaryOp::Xor, v, flip)
}
