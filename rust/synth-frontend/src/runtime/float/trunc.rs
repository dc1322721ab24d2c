//! Float-to-integer conversions: the saturating helpers (`trunc_sat`) and
//! the bit-pattern bounds of the trapping forms.
//!
//! A magnitude in `[1, 2^L)` (`L` = 31 or 63 signed, 32 or 64 unsigned) is
//! converted by placing the mantissa, implicit bit included, at the top of
//! the result type and shifting it right by `width - 1 - (e - bias)`; the
//! shift drops the fraction, which truncates toward zero. Everything else
//! saturates: NaN and `|x| < 1` give 0, larger magnitudes the result type's
//! maximum or (signed, negative) minimum, and for unsigned results every
//! negative value gives 0 (a negative value above -1 truncates to 0, the
//! others clamp to 0). `-2^(width-1)` itself lands in the clamp, which gives
//! it exactly.
//!
//! The trapping conversions (`i32.trunc_f32_s`, ...) trap on NaN and on
//! values whose truncation is out of range, and otherwise equal the
//! saturating ones; [`trunc_trap_bounds`] gives the bounds on the bit
//! pattern, [`emit_trunc_traps`] the IR checks.

use super::{abs, bin_k, cmp_k, k, select, to_type, Format};
use synth_ir::{BinaryOp, BlockCall, FunctionBuilder, IntCC, Terminator, TrapCode, Type, Value};

fn width(t: Type) -> u32 {
    8 * t.bytes()
}

/// Exponent `L` of the first magnitude `2^L` beyond a result's range.
fn limit_exp(to: Type, signed: bool) -> u32 {
    width(to) - signed as u32
}

/// Emits the body of the saturating conversion of `x` to `to`.
pub(super) fn build_sat(b: &mut FunctionBuilder, f: Format, to: Type, signed: bool, x: Value) {
    let w = width(to);
    let in_range = b.create_block();
    let clamp = b.create_block();
    let lim = (f.bias() as u64 + limit_exp(to, signed) as u64) << f.mbits;

    // Unsigned: negative patterns are above every positive one and clamp.
    let v = if signed { abs(b, f, x) } else { x };
    let d = bin_k(b, BinaryOp::Sub, v, f.one());
    let inside = cmp_k(b, IntCC::LtU, d, lim - f.one());
    b.branch(inside, BlockCall { block: in_range, args: vec![] }, BlockCall { block: clamp, args: vec![] });

    // 1 <= |x| < 2^L.
    b.switch_to_block(in_range);
    let e = bin_k(b, BinaryOp::ShrU, v, f.mbits as u64);
    let e = to_type(b, e, to);
    let c = k(b, to, (w as i64 - 1 + f.bias()) as u64);
    let count = b.binary(BinaryOp::Sub, c, e);
    // Mantissa with the implicit bit at the top of the result type; the
    // exponent's low bit lands on that top bit and is overwritten.
    let placed = match (f.bits, w) {
        (32, 64) => {
            let x64 = to_type(b, x, Type::I64);
            bin_k(b, BinaryOp::Shl, x64, 40)
        }
        (64, 32) => {
            let s = bin_k(b, BinaryOp::ShrU, x, 21);
            to_type(b, s, Type::I32)
        }
        _ => bin_k(b, BinaryOp::Shl, x, f.ebits() as u64),
    };
    let placed = bin_k(b, BinaryOp::Or, placed, 1 << (w - 1));
    let mag = b.binary(BinaryOp::ShrU, placed, count);
    let r = if signed {
        let neg = cmp_k(b, IntCC::LtS, x, 0);
        let zero = k(b, to, 0);
        let minus = b.binary(BinaryOp::Sub, zero, mag);
        select(b, neg, minus, mag)
    } else {
        mag
    };
    b.terminate(Terminator::Return(vec![r]));

    // NaN, |x| < 1 (or, unsigned, negative): 0; 2^L <= |x| <= inf: clamp.
    b.switch_to_block(clamp);
    let over = bin_k(b, BinaryOp::Sub, v, lim);
    let sat = cmp_k(b, IntCC::LeU, over, f.inf() - lim);
    let max = if signed { u64::MAX >> (65 - w) } else { u64::MAX };
    let max = k(b, to, max);
    let bound = if signed {
        let neg = cmp_k(b, IntCC::LtS, x, 0);
        let min = k(b, to, 1 << (w - 1));
        select(b, neg, min, max)
    } else {
        max
    };
    let zero = k(b, to, 0);
    let r = select(b, sat, bound, zero);
    b.terminate(Terminator::Return(vec![r]));
}

/// When a trapping float-to-int conversion traps, as bounds on the bit
/// pattern `x` of its operand (compared at the format's width):
///
/// 1. `x & !sign >u nan_above`: NaN, [`TrapCode::BadConversionToInteger`];
/// 2. else `x >=s pos_limit` (only non-negative `x` can be) or
///    `x >=u neg_limit` (only negative `x` can be):
///    [`TrapCode::IntegerOverflow`];
/// 3. else the result is the saturating conversion of `x`.
///
/// `pos_limit` is the smallest positive value whose truncation is above the
/// result's maximum (`2^31`, `2^32`, `2^63` or `2^64`); `neg_limit` is the
/// negative value of smallest magnitude whose truncation is below the
/// minimum (for unsigned results `-1.0`; for signed, the first value at or
/// beyond `-2^(width-1) - 1`: `-2^31 - 1` is an f64 but not an f32, so from
/// an f32 it is the next f32 below `-2^31`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TruncBounds {
    /// Source format.
    pub from: Format,
    /// `+inf`: a magnitude above it is a NaN.
    pub nan_above: u64,
    /// Non-negative patterns from this one up overflow.
    pub pos_limit: u64,
    /// Negative patterns from this one up (unsigned) overflow.
    pub neg_limit: u64,
}

impl TruncBounds {
    /// The trap the conversion of the float with bit pattern `x` raises, if
    /// any (the rules above, evaluated on the host).
    pub fn trap(&self, x: u64) -> Option<TrapCode> {
        let f = self.from;
        let x = x & (u64::MAX >> (64 - f.bits));
        // Signed comparison at the format's width.
        let signed = |v: u64| ((v << (64 - f.bits)) as i64) >> (64 - f.bits);
        if x & !f.sign() > self.nan_above {
            Some(TrapCode::BadConversionToInteger)
        } else if signed(x) >= signed(self.pos_limit) || x >= self.neg_limit {
            Some(TrapCode::IntegerOverflow)
        } else {
            None
        }
    }
}

/// The trap bounds of the conversion from `from` to the integer type `to`,
/// signed or unsigned (see [`TruncBounds`]).
pub fn trunc_trap_bounds(from: Format, to: Type, signed: bool) -> TruncBounds {
    let w = width(to);
    let pos = ceil_to_bits(from, 1u128 << limit_exp(to, signed));
    let neg_mag = if signed { (1u128 << (w - 1)) + 1 } else { 1 };
    TruncBounds { from, nan_above: from.inf(), pos_limit: pos, neg_limit: from.sign() | ceil_to_bits(from, neg_mag) }
}

/// The bit pattern of the smallest float of format `f` at or above the
/// integer `n` (1 <= n < 2^100).
fn ceil_to_bits(f: Format, n: u128) -> u64 {
    let len = 128 - n.leading_zeros(); // n is in [2^(len-1), 2^len)
    let keep = f.mbits + 1;
    let m = if len <= keep {
        n << (keep - len)
    } else {
        let drop = len - keep;
        let m = n >> drop;
        m + (m << drop != n) as u128 // round up; a carry to 2^keep moves into the exponent below
    };
    // Exponent field of 2^(len-1) is bias + len - 1; m's leading bit adds one more.
    (((f.bias() as u64 + len as u64 - 2) << f.mbits) as u128 + m) as u64
}

/// Emits the trap checks of a trapping conversion on the bit pattern `x`
/// (see [`TruncBounds`]): a NaN traps with
/// [`TrapCode::BadConversionToInteger`], an out-of-range value with
/// [`TrapCode::IntegerOverflow`]. Continues in the current block.
pub fn emit_trunc_traps(b: &mut FunctionBuilder, bounds: &TruncBounds, x: Value) {
    let f = bounds.from;
    let a = abs(b, f, x);
    let nan = cmp_k(b, IntCC::GtU, a, bounds.nan_above);
    b.trap_if(nan, TrapCode::BadConversionToInteger);
    let above = cmp_k(b, IntCC::GeS, x, bounds.pos_limit);
    let below = cmp_k(b, IntCC::GeU, x, bounds.neg_limit);
    let over = b.binary(BinaryOp::Or, above, below);
    b.trap_if(over, TrapCode::IntegerOverflow);
}
