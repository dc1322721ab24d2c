//! Float runtime helpers for targets without an FPU: the wasm float
//! operations whose exact semantics the AEABI run-time functions do not give,
//! written as integer-only IR on the bit patterns (f32 as i32, f64 as i64).
//!
//! Takes a float [`RuntimeFunc`] (see [`Helper::of`]); returns the body of
//! that helper into a [`FunctionBuilder`] whose signature is
//! [`Helper::signature`]. The soft-float legalisation calls these for
//! `sqrt`, `ceil`/`floor`/`trunc`/`nearest`, `min`/`max` and the saturating
//! float-to-int conversions; the trapping conversions are the range checks
//! of [`trunc_trap_bounds`] followed by the saturating helper.
//!
//! NaN results follow the wasm rules: a NaN operand of a one-operand helper
//! comes back with its quiet bit set (payload and sign kept, so a canonical
//! NaN stays canonical); `min`/`max` with a NaN operand and `sqrt` of a
//! negative number give the positive canonical NaN.
//!
//! - [`round`]: `ceil`, `floor`, `trunc`, `nearest` by masking the fraction
//!   bits, after adding an increment that carries into the integer part.
//! - [`sqrt`]: bit-by-bit restoring square root of the mantissa, rounded to
//!   nearest from the final remainder.
//! - [`minmax`]: `min`, `max` through an ordered-integer key.
//! - [`trunc`]: saturating float-to-int conversions and the trap bounds.

mod minmax;
mod round;
mod sqrt;
mod trunc;

pub use round::Rounding;
pub use trunc::{emit_trunc_traps, trunc_trap_bounds, TruncBounds};

use synth_ir::{BinaryOp, ConvertOp, FunctionBuilder, InstKind, IntCC, RuntimeFunc, Signature, Type, Value};

/// The bit layout of a binary float format (IEEE 754 binary32 / binary64),
/// with the integer type that carries its bit pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Format {
    /// Integer type of the bit pattern (i32 for f32, i64 for f64).
    pub ty: Type,
    /// Width of the bit pattern.
    pub bits: u32,
    /// Stored mantissa (fraction) bits.
    pub mbits: u32,
}

impl Format {
    /// binary32 (`f32`).
    pub const F32: Format = Format { ty: Type::I32, bits: 32, mbits: 23 };
    /// binary64 (`f64`).
    pub const F64: Format = Format { ty: Type::I64, bits: 64, mbits: 52 };

    /// Exponent field width.
    pub fn ebits(self) -> u32 {
        self.bits - 1 - self.mbits
    }
    /// Exponent bias (127, 1023).
    pub fn bias(self) -> i64 {
        (1 << (self.ebits() - 1)) - 1
    }
    /// The sign bit.
    pub fn sign(self) -> u64 {
        1 << (self.bits - 1)
    }
    /// `+inf`; a bit pattern whose magnitude is above it is a NaN.
    pub fn inf(self) -> u64 {
        ((1 << self.ebits()) - 1) << self.mbits
    }
    /// The quiet bit of a NaN (top mantissa bit).
    pub fn quiet(self) -> u64 {
        1 << (self.mbits - 1)
    }
    /// The positive canonical NaN (`0x7fc00000`, `0x7ff8000000000000`).
    pub fn canonical_nan(self) -> u64 {
        self.inf() | self.quiet()
    }
    /// `1.0`.
    pub fn one(self) -> u64 {
        (self.bias() as u64) << self.mbits
    }
    /// The implicit leading mantissa bit of a normal number.
    pub fn implicit(self) -> u64 {
        1 << self.mbits
    }
}

/// What a float runtime helper computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Helper {
    /// Correctly rounded square root.
    Sqrt(Format),
    /// Rounding to an integral value.
    Round(Format, Rounding),
    /// `min` (`false`) or `max` (`true`).
    MinMax(Format, bool),
    /// Saturating conversion from the format to the integer type `to`.
    TruncSat {
        /// Source format.
        from: Format,
        /// Result type.
        to: Type,
        /// Signed (`_s`) or unsigned (`_u`) result.
        signed: bool,
    },
}

impl Helper {
    /// The runtime functions that are float helpers (every `f` with
    /// `Helper::of(f).is_some()`), in [`RuntimeFunc::ALL`]'s order.
    pub fn all() -> Vec<RuntimeFunc> {
        RuntimeFunc::ALL.into_iter().filter(|&f| Helper::of(f).is_some()).collect()
    }

    /// The float helper `f` is, or `None` for the integer and memory helpers.
    pub fn of(f: RuntimeFunc) -> Option<Helper> {
        use Format as F;
        use Rounding::*;
        use RuntimeFunc as R;
        let sat = |from, to, signed| Some(Helper::TruncSat { from, to, signed });
        match f {
            R::I64DivS | R::I64DivU | R::I64RemS | R::I64RemU | R::MemoryCopy | R::MemoryFill | R::MemoryGrow => None,
            R::F32Sqrt => Some(Helper::Sqrt(F::F32)),
            R::F64Sqrt => Some(Helper::Sqrt(F::F64)),
            R::F32Ceil => Some(Helper::Round(F::F32, Ceil)),
            R::F32Floor => Some(Helper::Round(F::F32, Floor)),
            R::F32Trunc => Some(Helper::Round(F::F32, Trunc)),
            R::F32Nearest => Some(Helper::Round(F::F32, Nearest)),
            R::F64Ceil => Some(Helper::Round(F::F64, Ceil)),
            R::F64Floor => Some(Helper::Round(F::F64, Floor)),
            R::F64Trunc => Some(Helper::Round(F::F64, Trunc)),
            R::F64Nearest => Some(Helper::Round(F::F64, Nearest)),
            R::F32Min => Some(Helper::MinMax(F::F32, false)),
            R::F32Max => Some(Helper::MinMax(F::F32, true)),
            R::F64Min => Some(Helper::MinMax(F::F64, false)),
            R::F64Max => Some(Helper::MinMax(F::F64, true)),
            R::I32TruncSatF32S => sat(F::F32, Type::I32, true),
            R::I32TruncSatF32U => sat(F::F32, Type::I32, false),
            R::I32TruncSatF64S => sat(F::F64, Type::I32, true),
            R::I32TruncSatF64U => sat(F::F64, Type::I32, false),
            R::I64TruncSatF32S => sat(F::F32, Type::I64, true),
            R::I64TruncSatF32U => sat(F::F32, Type::I64, false),
            R::I64TruncSatF64S => sat(F::F64, Type::I64, true),
            R::I64TruncSatF64U => sat(F::F64, Type::I64, false),
        }
    }

    /// The helper's signature on bit patterns.
    pub fn signature(self) -> Signature {
        let (params, results) = match self {
            Helper::Sqrt(f) | Helper::Round(f, _) => (vec![f.ty], vec![f.ty]),
            Helper::MinMax(f, _) => (vec![f.ty, f.ty], vec![f.ty]),
            Helper::TruncSat { from, to, .. } => (vec![from.ty], vec![to]),
        };
        Signature { params, results }
    }

    /// Emits the helper's body into `b`, whose entry block holds the
    /// parameters (`b` starts in that block).
    pub fn build(self, b: &mut FunctionBuilder) {
        let p = b.block_params(b.current_block()).to_vec();
        match self {
            Helper::Sqrt(f) => sqrt::build(b, f, p[0]),
            Helper::Round(f, mode) => round::build(b, f, mode, p[0]),
            Helper::MinMax(f, is_max) => minmax::build(b, f, is_max, p[0], p[1]),
            Helper::TruncSat { from, to, signed } => trunc::build_sat(b, from, to, signed, p[0]),
        }
    }
}

// Small emitters shared by the helpers.

/// A constant of type `ty` from its bit pattern; reuses an equal constant
/// already defined in the current block.
fn k(b: &mut FunctionBuilder, ty: Type, bits: u64) -> Value {
    let imm = (bits & (u64::MAX >> (64 - 8 * ty.bytes()))) as i64;
    let block = b.func().block(b.current_block());
    let existing = block.insts.iter().find_map(|i| match i.kind {
        InstKind::Iconst { ty: t, imm: v } if t == ty && v == imm => Some(i.results[0]),
        _ => None,
    });
    existing.unwrap_or_else(|| b.iconst(ty, imm))
}

/// `lhs op constant`.
fn bin_k(b: &mut FunctionBuilder, op: BinaryOp, lhs: Value, c: u64) -> Value {
    let ty = b.value_type(lhs);
    let c = k(b, ty, c);
    b.binary(op, lhs, c)
}

/// `lhs cc constant` (an i32 0/1).
fn cmp_k(b: &mut FunctionBuilder, cc: IntCC, lhs: Value, c: u64) -> Value {
    let ty = b.value_type(lhs);
    let c = k(b, ty, c);
    b.compare(cc, lhs, c)
}

/// `cond ? if_true : if_false`.
fn select(b: &mut FunctionBuilder, cond: Value, if_true: Value, if_false: Value) -> Value {
    let ty = b.value_type(if_true);
    b.inst1(InstKind::Select { ty, cond, if_true, if_false }, ty)
}

/// `v` converted to `to` (zero-extended or wrapped; unchanged if already `to`).
fn to_type(b: &mut FunctionBuilder, v: Value, to: Type) -> Value {
    let op = match (b.value_type(v), to) {
        (from, to) if from == to => return v,
        (Type::I32 | Type::F32, _) => ConvertOp::ExtendU,
        (Type::I64 | Type::F64, _) => ConvertOp::Wrap,
    };
    b.inst1(InstKind::Convert { op, arg: v }, to)
}

/// The magnitude bits of `x` (sign cleared).
fn abs(b: &mut FunctionBuilder, f: Format, x: Value) -> Value {
    bin_k(b, BinaryOp::And, x, !f.sign())
}

/// The biased exponent field of `x` as an i32 (sign ignored).
fn exponent(b: &mut FunctionBuilder, f: Format, x: Value) -> Value {
    // Of an f64, only the high word matters.
    let hi = if f.ty == Type::I64 {
        let h = bin_k(b, BinaryOp::ShrU, x, 32);
        to_type(b, h, Type::I32)
    } else {
        x
    };
    let shifted = bin_k(b, BinaryOp::Shl, hi, 1);
    bin_k(b, BinaryOp::ShrU, shifted, (f.mbits + 1 - (f.bits - 32)) as u64)
}

/// `x` with the quiet bit set if it is a NaN, else `x`.
fn quiet_if_nan(b: &mut FunctionBuilder, f: Format, x: Value) -> Value {
    let a = abs(b, f, x);
    let nan = cmp_k(b, IntCC::GtU, a, f.inf());
    let q = bin_k(b, BinaryOp::Or, x, f.quiet());
    select(b, nan, q, x)
}

#[cfg(test)]
mod tests;
