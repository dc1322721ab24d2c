//! Floating point in the IR: the operators on `f32`/`f64` values, the AEABI
//! run-time functions ([`Libcall`]) that soft-float code calls, and the
//! reference semantics of both on bit patterns.
//!
//! Takes/returns: nothing (definitions). The wasm lowering produces the float
//! instructions; the soft-float legalisation (`synth-opt::softfloat`)
//! rewrites them for targets without an FPU into integer code, [`Libcall`]s
//! and runtime helpers; the interpreter evaluates both forms with the
//! functions here.
//!
//! Values are bit patterns in a `u64` (an f32 in the low 32 bits). The
//! semantics are wasm's: arithmetic results that are NaN are quiet NaNs;
//! `min`/`max` return the canonical NaN when an operand is NaN and order
//! `-0 < +0`; `abs`/`neg`/`copysign` are bit operations that keep payloads.

use crate::{Signature, Type};

/// One-operand float operators; the result has the operand's type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FloatUnaryOp {
    /// Clear the sign bit.
    Abs,
    /// Flip the sign bit.
    Neg,
    /// Square root, correctly rounded.
    Sqrt,
    /// Round toward +inf.
    Ceil,
    /// Round toward -inf.
    Floor,
    /// Round toward zero.
    Trunc,
    /// Round to nearest, ties to even.
    Nearest,
}

/// Two-operand float operators; operands and result have the same type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FloatBinaryOp {
    /// IEEE addition, round to nearest even.
    Add,
    /// IEEE subtraction.
    Sub,
    /// IEEE multiplication.
    Mul,
    /// IEEE division.
    Div,
    /// Wasm `min`: NaN if either is NaN, `-0 < +0`.
    Min,
    /// Wasm `max`: NaN if either is NaN, `-0 < +0`.
    Max,
    /// Magnitude of `lhs`, sign of `rhs` (bit operation).
    Copysign,
}

/// Float comparisons (ordered; `Ne` is true for NaN operands).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FloatCC {
    /// Equal (false if either is NaN).
    Eq,
    /// Not equal (true if either is NaN).
    Ne,
    /// Less than.
    Lt,
    /// Greater than.
    Gt,
    /// Less or equal.
    Le,
    /// Greater or equal.
    Ge,
}

/// Conversions involving floats; the result type is the instruction's `to`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FloatConvertOp {
    /// Signed integer (i32/i64) to float, round to nearest even.
    FromSInt,
    /// Unsigned integer (i32/i64) to float, round to nearest even.
    FromUInt,
    /// Float to signed integer, toward zero, saturating; NaN gives 0. (The
    /// lowering places the traps of wasm's trapping `trunc` before it.)
    ToSIntSat,
    /// Float to unsigned integer, toward zero, saturating; NaN gives 0.
    ToUIntSat,
    /// f32 to f64 (exact; NaN stays NaN, quieted).
    Promote,
    /// f64 to f32, round to nearest even (NaN stays NaN, quieted).
    Demote,
    /// Reinterpret the bits (i32 <-> f32, i64 <-> f64).
    Bitcast,
}

/// The canonical NaN of `ty` (quiet, positive, zero payload).
pub fn canonical_nan(ty: Type) -> u64 {
    match ty {
        Type::F64 | Type::I64 => 0x7ff8_0000_0000_0000,
        _ => 0x7fc0_0000,
    }
}

/// The sign bit of a float type's bit pattern.
pub fn sign_bit(ty: Type) -> u64 {
    match ty {
        Type::F64 | Type::I64 => 1 << 63,
        _ => 1 << 31,
    }
}

fn f32v(x: u64) -> f32 {
    f32::from_bits(x as u32)
}
fn f64v(x: u64) -> f64 {
    f64::from_bits(x)
}

/// True when `x` is a NaN of type `ty`.
pub fn is_nan(ty: Type, x: u64) -> bool {
    match ty {
        Type::F64 => f64v(x).is_nan(),
        _ => f32v(x).is_nan(),
    }
}

/// Evaluates a [`FloatUnaryOp`] on the bits of a `ty` value.
pub fn eval_unary(op: FloatUnaryOp, ty: Type, x: u64) -> u64 {
    match op {
        FloatUnaryOp::Abs => x & !sign_bit(ty) & mask(ty),
        FloatUnaryOp::Neg => (x ^ sign_bit(ty)) & mask(ty),
        _ => match ty {
            Type::F64 => {
                let v = f64v(x);
                let r = match op {
                    FloatUnaryOp::Sqrt => v.sqrt(),
                    FloatUnaryOp::Ceil => v.ceil(),
                    FloatUnaryOp::Floor => v.floor(),
                    FloatUnaryOp::Trunc => v.trunc(),
                    _ => v.round_ties_even(),
                };
                r.to_bits()
            }
            _ => {
                let v = f32v(x);
                let r = match op {
                    FloatUnaryOp::Sqrt => v.sqrt(),
                    FloatUnaryOp::Ceil => v.ceil(),
                    FloatUnaryOp::Floor => v.floor(),
                    FloatUnaryOp::Trunc => v.trunc(),
                    _ => v.round_ties_even(),
                };
                r.to_bits() as u64
            }
        },
    }
}

fn mask(ty: Type) -> u64 {
    if ty.bytes() == 8 {
        u64::MAX
    } else {
        0xffff_ffff
    }
}

/// Evaluates a [`FloatBinaryOp`] on the bits of two `ty` values.
pub fn eval_binary(op: FloatBinaryOp, ty: Type, a: u64, b: u64) -> u64 {
    match op {
        FloatBinaryOp::Copysign => (a & !sign_bit(ty) | b & sign_bit(ty)) & mask(ty),
        FloatBinaryOp::Min | FloatBinaryOp::Max => {
            if is_nan(ty, a) || is_nan(ty, b) {
                return canonical_nan(ty);
            }
            // Ordered integer keys: -0 < +0, otherwise numeric order.
            let key = |x: u64| -> i64 {
                let s = sign_bit(ty);
                if x & s != 0 {
                    -((x & !s) as i64) - 1
                } else {
                    x as i64
                }
            };
            let a_first = key(a) <= key(b);
            match (op, a_first) {
                (FloatBinaryOp::Min, true) | (FloatBinaryOp::Max, false) => a,
                _ => b,
            }
        }
        _ => match ty {
            Type::F64 => {
                let (x, y) = (f64v(a), f64v(b));
                let r = match op {
                    FloatBinaryOp::Add => x + y,
                    FloatBinaryOp::Sub => x - y,
                    FloatBinaryOp::Mul => x * y,
                    _ => x / y,
                };
                r.to_bits()
            }
            _ => {
                let (x, y) = (f32v(a), f32v(b));
                let r = match op {
                    FloatBinaryOp::Add => x + y,
                    FloatBinaryOp::Sub => x - y,
                    FloatBinaryOp::Mul => x * y,
                    _ => x / y,
                };
                r.to_bits() as u64
            }
        },
    }
}

/// Evaluates a [`FloatCC`] comparison of two `ty` values.
pub fn eval_compare(cc: FloatCC, ty: Type, a: u64, b: u64) -> bool {
    let ord = match ty {
        Type::F64 => f64v(a).partial_cmp(&f64v(b)),
        _ => f32v(a).partial_cmp(&f32v(b)),
    };
    use std::cmp::Ordering::*;
    match (cc, ord) {
        (FloatCC::Ne, None) => true,
        (_, None) => false,
        (FloatCC::Eq, Some(o)) => o == Equal,
        (FloatCC::Ne, Some(o)) => o != Equal,
        (FloatCC::Lt, Some(o)) => o == Less,
        (FloatCC::Gt, Some(o)) => o == Greater,
        (FloatCC::Le, Some(o)) => o != Greater,
        (FloatCC::Ge, Some(o)) => o != Less,
    }
}

/// Evaluates a [`FloatConvertOp`] from a `from` value to a `to` value.
pub fn eval_convert(op: FloatConvertOp, from: Type, to: Type, x: u64) -> u64 {
    match op {
        FloatConvertOp::Bitcast => x & mask(to),
        FloatConvertOp::Promote => (f32v(x) as f64).to_bits(),
        FloatConvertOp::Demote => (f64v(x) as f32).to_bits() as u64,
        FloatConvertOp::FromSInt | FloatConvertOp::FromUInt => {
            let signed = op == FloatConvertOp::FromSInt;
            match (from, to, signed) {
                (Type::I32, Type::F32, true) => (x as u32 as i32 as f32).to_bits() as u64,
                (Type::I32, Type::F32, false) => (x as u32 as f32).to_bits() as u64,
                (Type::I32, _, true) => (x as u32 as i32 as f64).to_bits(),
                (Type::I32, _, false) => (x as u32 as f64).to_bits(),
                (_, Type::F32, true) => (x as i64 as f32).to_bits() as u64,
                (_, Type::F32, false) => (x as f32).to_bits() as u64,
                (_, _, true) => (x as i64 as f64).to_bits(),
                (_, _, false) => (x as f64).to_bits(),
            }
        }
        FloatConvertOp::ToSIntSat | FloatConvertOp::ToUIntSat => {
            let v = if from == Type::F64 { f64v(x) } else { f32v(x) as f64 };
            let signed = op == FloatConvertOp::ToSIntSat;
            match (to, signed) {
                (Type::I32, true) => v as i32 as u32 as u64,
                (Type::I32, false) => v as u32 as u64,
                (_, true) => v as i64 as u64,
                (_, false) => v as u64,
            }
        }
    }
}

/// An AEABI run-time function (ARM's "Run-time ABI", implemented by libgcc
/// and compiler-rt) that soft-float code calls. In the IR, f32 arguments and
/// results are their i32 bit patterns and f64 ones their i64 bit patterns
/// (which is also how the base AAPCS passes them: core registers, f64 in an
/// even register pair). Every name here is an external symbol an object may
/// reference (docs/ABI.md lists them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(missing_docs)]
pub enum Libcall {
    FAdd,
    FSub,
    FMul,
    FDiv,
    DAdd,
    DSub,
    DMul,
    DDiv,
    FCmpEq,
    FCmpLt,
    FCmpLe,
    FCmpGe,
    FCmpGt,
    DCmpEq,
    DCmpLt,
    DCmpLe,
    DCmpGe,
    DCmpGt,
    I2F,
    UI2F,
    L2F,
    UL2F,
    I2D,
    UI2D,
    L2D,
    UL2D,
    F2D,
    D2F,
    /// `__aeabi_uldivmod`: unsigned 64-bit division of a non-zero divisor,
    /// quotient in r0:r1 and remainder in r2:r3 (the backends read the
    /// remainder from there; the IR signature names the quotient).
    ULDivMod,
    /// `__aeabi_ldivmod`: signed 64-bit division, as [`Libcall::ULDivMod`]
    /// (the remainder takes the dividend's sign).
    LDivMod,
}

impl Libcall {
    /// Every libcall, in declaration order.
    pub const ALL: [Libcall; 30] = [
        Libcall::FAdd,
        Libcall::FSub,
        Libcall::FMul,
        Libcall::FDiv,
        Libcall::DAdd,
        Libcall::DSub,
        Libcall::DMul,
        Libcall::DDiv,
        Libcall::FCmpEq,
        Libcall::FCmpLt,
        Libcall::FCmpLe,
        Libcall::FCmpGe,
        Libcall::FCmpGt,
        Libcall::DCmpEq,
        Libcall::DCmpLt,
        Libcall::DCmpLe,
        Libcall::DCmpGe,
        Libcall::DCmpGt,
        Libcall::I2F,
        Libcall::UI2F,
        Libcall::L2F,
        Libcall::UL2F,
        Libcall::I2D,
        Libcall::UI2D,
        Libcall::L2D,
        Libcall::UL2D,
        Libcall::F2D,
        Libcall::D2F,
        Libcall::ULDivMod,
        Libcall::LDivMod,
    ];

    /// The symbol name (`__aeabi_fadd`).
    pub fn symbol(self) -> &'static str {
        use Libcall::*;
        match self {
            FAdd => "__aeabi_fadd",
            FSub => "__aeabi_fsub",
            FMul => "__aeabi_fmul",
            FDiv => "__aeabi_fdiv",
            DAdd => "__aeabi_dadd",
            DSub => "__aeabi_dsub",
            DMul => "__aeabi_dmul",
            DDiv => "__aeabi_ddiv",
            FCmpEq => "__aeabi_fcmpeq",
            FCmpLt => "__aeabi_fcmplt",
            FCmpLe => "__aeabi_fcmple",
            FCmpGe => "__aeabi_fcmpge",
            FCmpGt => "__aeabi_fcmpgt",
            DCmpEq => "__aeabi_dcmpeq",
            DCmpLt => "__aeabi_dcmplt",
            DCmpLe => "__aeabi_dcmple",
            DCmpGe => "__aeabi_dcmpge",
            DCmpGt => "__aeabi_dcmpgt",
            I2F => "__aeabi_i2f",
            UI2F => "__aeabi_ui2f",
            L2F => "__aeabi_l2f",
            UL2F => "__aeabi_ul2f",
            I2D => "__aeabi_i2d",
            UI2D => "__aeabi_ui2d",
            L2D => "__aeabi_l2d",
            UL2D => "__aeabi_ul2d",
            F2D => "__aeabi_f2d",
            D2F => "__aeabi_d2f",
            ULDivMod => "__aeabi_uldivmod",
            LDivMod => "__aeabi_ldivmod",
        }
    }

    /// The signature in soft-float form (f32 as i32, f64 as i64).
    pub fn signature(self) -> Signature {
        use Libcall::*;
        use Type::{I32, I64};
        let (params, results) = match self {
            FAdd | FSub | FMul | FDiv => (vec![I32, I32], vec![I32]),
            DAdd | DSub | DMul | DDiv => (vec![I64, I64], vec![I64]),
            FCmpEq | FCmpLt | FCmpLe | FCmpGe | FCmpGt => (vec![I32, I32], vec![I32]),
            DCmpEq | DCmpLt | DCmpLe | DCmpGe | DCmpGt => (vec![I64, I64], vec![I32]),
            I2F | UI2F => (vec![I32], vec![I32]),
            L2F | UL2F => (vec![I64], vec![I32]),
            I2D | UI2D => (vec![I32], vec![I64]),
            L2D | UL2D => (vec![I64], vec![I64]),
            F2D => (vec![I32], vec![I64]),
            D2F => (vec![I64], vec![I32]),
            ULDivMod | LDivMod => (vec![I64, I64], vec![I64]),
        };
        Signature { params, results }
    }

    /// What the function computes, on soft-float arguments (the reference
    /// semantics the interpreter uses; NaN payloads may differ from a given
    /// library's, which wasm permits for arithmetic).
    pub fn eval(self, args: &[u64]) -> u64 {
        use Libcall::*;
        use Type::{F32, F64, I32, I64};
        let a = args.first().copied().unwrap_or(0);
        let b = args.get(1).copied().unwrap_or(0);
        let cmp = |cc, ty| eval_compare(cc, ty, a, b) as u64;
        match self {
            FAdd => eval_binary(FloatBinaryOp::Add, F32, a, b),
            FSub => eval_binary(FloatBinaryOp::Sub, F32, a, b),
            FMul => eval_binary(FloatBinaryOp::Mul, F32, a, b),
            FDiv => eval_binary(FloatBinaryOp::Div, F32, a, b),
            DAdd => eval_binary(FloatBinaryOp::Add, F64, a, b),
            DSub => eval_binary(FloatBinaryOp::Sub, F64, a, b),
            DMul => eval_binary(FloatBinaryOp::Mul, F64, a, b),
            DDiv => eval_binary(FloatBinaryOp::Div, F64, a, b),
            FCmpEq => cmp(FloatCC::Eq, F32),
            FCmpLt => cmp(FloatCC::Lt, F32),
            FCmpLe => cmp(FloatCC::Le, F32),
            FCmpGe => cmp(FloatCC::Ge, F32),
            FCmpGt => cmp(FloatCC::Gt, F32),
            DCmpEq => cmp(FloatCC::Eq, F64),
            DCmpLt => cmp(FloatCC::Lt, F64),
            DCmpLe => cmp(FloatCC::Le, F64),
            DCmpGe => cmp(FloatCC::Ge, F64),
            DCmpGt => cmp(FloatCC::Gt, F64),
            I2F => eval_convert(FloatConvertOp::FromSInt, I32, F32, a),
            UI2F => eval_convert(FloatConvertOp::FromUInt, I32, F32, a),
            L2F => eval_convert(FloatConvertOp::FromSInt, I64, F32, a),
            UL2F => eval_convert(FloatConvertOp::FromUInt, I64, F32, a),
            I2D => eval_convert(FloatConvertOp::FromSInt, I32, F64, a),
            UI2D => eval_convert(FloatConvertOp::FromUInt, I32, F64, a),
            L2D => eval_convert(FloatConvertOp::FromSInt, I64, F64, a),
            UL2D => eval_convert(FloatConvertOp::FromUInt, I64, F64, a),
            F2D => eval_convert(FloatConvertOp::Promote, F32, F64, a),
            D2F => eval_convert(FloatConvertOp::Demote, F64, F32, a),
            // The quotient (division by zero returns 0 here; callers check first).
            ULDivMod => a.checked_div(b).unwrap_or(0),
            LDivMod if b == 0 => 0,
            LDivMod => (a as i64).wrapping_div(b as i64) as u64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_max_follow_wasm() {
        let (p0, n0) = (0u64, 0x8000_0000u64);
        assert_eq!(eval_binary(FloatBinaryOp::Min, Type::F32, p0, n0), n0);
        assert_eq!(eval_binary(FloatBinaryOp::Min, Type::F32, n0, p0), n0);
        assert_eq!(eval_binary(FloatBinaryOp::Max, Type::F32, n0, p0), p0);
        assert_eq!(eval_binary(FloatBinaryOp::Max, Type::F32, p0, n0), p0);
        let one = 1.0f32.to_bits() as u64;
        let m_two = (-2.0f32).to_bits() as u64;
        assert_eq!(eval_binary(FloatBinaryOp::Min, Type::F32, one, m_two), m_two);
        assert_eq!(eval_binary(FloatBinaryOp::Max, Type::F32, one, m_two), one);
        assert_eq!(eval_binary(FloatBinaryOp::Min, Type::F32, one, 0x7fa0_0001), 0x7fc0_0000);
        let d1 = 1.0f64.to_bits();
        assert_eq!(eval_binary(FloatBinaryOp::Max, Type::F64, d1, f64::NAN.to_bits() | 5), 0x7ff8_0000_0000_0000);
    }

    #[test]
    fn bit_ops_keep_payloads() {
        assert_eq!(eval_unary(FloatUnaryOp::Neg, Type::F32, 0x7fa0_0001), 0xffa0_0001);
        assert_eq!(eval_unary(FloatUnaryOp::Abs, Type::F32, 0xffa0_0001), 0x7fa0_0001);
        assert_eq!(eval_binary(FloatBinaryOp::Copysign, Type::F64, 0x7ff0_0000_0000_0001, 1 << 63), 0xfff0_0000_0000_0001);
    }

    #[test]
    fn conversions_saturate_and_round() {
        let big = 3.0e9f32.to_bits() as u64;
        assert_eq!(eval_convert(FloatConvertOp::ToSIntSat, Type::F32, Type::I32, big), 0x7fff_ffff);
        assert_eq!(eval_convert(FloatConvertOp::ToUIntSat, Type::F32, Type::I32, big), 3_000_000_000);
        assert_eq!(eval_convert(FloatConvertOp::ToSIntSat, Type::F32, Type::I64, 0x7fc0_0000), 0);
        assert_eq!(eval_convert(FloatConvertOp::FromUInt, Type::I64, Type::F32, u64::MAX), (u64::MAX as f32).to_bits() as u64);
        assert!(eval_compare(FloatCC::Ne, Type::F32, 0x7fc0_0000, 0x7fc0_0000));
        assert!(eval_compare(FloatCC::Eq, Type::F64, 0, 1 << 63));
    }

    #[test]
    fn libcall_names_are_aeabi() {
        for l in Libcall::ALL {
            assert!(l.symbol().starts_with("__aeabi_"));
            assert!(!l.signature().results.is_empty());
        }
    }
}
