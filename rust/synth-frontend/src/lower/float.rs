//! Float operators: f32/f64 constants, arithmetic, `sqrt`, rounding,
//! `min`/`max`, `copysign`/`abs`/`neg`, comparisons, conversions,
//! `promote`/`demote`, `reinterpret`, trapping `trunc` and `trunc_sat`.
//! (Float loads and stores are in [`super::memory`].)
//!
//! Each becomes one float IR instruction, except wasm's trapping
//! float-to-int `trunc`: the lowering places its checks first, as
//! [`InstKind::TrapIf`]s like integer division's: NaN →
//! [`TrapCode::BadConversionToInteger`], out of range →
//! [`TrapCode::IntegerOverflow`]; then the non-trapping saturating
//! [`FloatConvertOp::ToSIntSat`]/[`FloatConvertOp::ToUIntSat`] converts.

use super::{LResult, Lowerer};
use synth_ir::{BinaryOp, FloatBinaryOp, FloatCC, FloatConvertOp, FloatUnaryOp, InstKind, TrapCode, Type};
use wasmparser::Operator;

/// The out-of-range test of a trapping float-to-int conversion: the value
/// traps when `x >= upper` or when `x <= lower` (`lower_inclusive`) /
/// `x < lower` (otherwise). Bounds are exact in the source float type.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TruncBounds {
    /// Smallest value that is too large.
    pub upper: f64,
    /// The lower limit.
    pub lower: f64,
    /// True when `lower` itself is out of range (`x <= lower` traps).
    pub lower_inclusive: bool,
}

/// The range check of wasm's trapping `trunc` from `from` to an integer of
/// type `to` (`signed` or not): valid inputs are those whose truncation fits.
pub fn trunc_bounds(from: Type, to: Type, signed: bool) -> TruncBounds {
    let bits = if to == Type::I64 { 64 } else { 32 };
    if !signed {
        // -1 < x < 2^bits.
        return TruncBounds { upper: 2f64.powi(bits), lower: -1.0, lower_inclusive: true };
    }
    let upper = 2f64.powi(bits - 1);
    let min = -upper;
    // -2^(n-1) - 1 < x < 2^(n-1); the lower limit -2^(n-1) - 1 is exact only
    // when the float has enough precision (f64 for i32); otherwise
    // -2^(n-1) itself is the smallest valid value and below it traps.
    if from == Type::F64 && bits == 32 {
        TruncBounds { upper, lower: min - 1.0, lower_inclusive: true }
    } else {
        TruncBounds { upper, lower: min, lower_inclusive: false }
    }
}

/// Bit pattern of `v` in float type `ty`.
fn float_bits(ty: Type, v: f64) -> u64 {
    if ty == Type::F32 {
        (v as f32).to_bits() as u64
    } else {
        v.to_bits()
    }
}

impl Lowerer<'_> {
    fn fbinop(&mut self, ty: Type, op: FloatBinaryOp) -> LResult {
        let rhs = self.pop()?;
        let lhs = self.pop()?;
        let v = self.b.inst1(InstKind::FloatBinary { op, ty, lhs, rhs }, ty);
        self.push(v);
        Ok(())
    }

    fn funop(&mut self, ty: Type, op: FloatUnaryOp) -> LResult {
        let arg = self.pop()?;
        let v = self.b.inst1(InstKind::FloatUnary { op, ty, arg }, ty);
        self.push(v);
        Ok(())
    }

    fn fcmp(&mut self, ty: Type, cc: FloatCC) -> LResult {
        let rhs = self.pop()?;
        let lhs = self.pop()?;
        let v = self.b.inst1(InstKind::FloatCompare { cc, ty, lhs, rhs }, Type::I32);
        self.push(v);
        Ok(())
    }

    fn fconvert(&mut self, op: FloatConvertOp, to: Type) -> LResult {
        let arg = self.pop()?;
        let v = self.b.inst1(InstKind::FloatConvert { op, to, arg }, to);
        self.push(v);
        Ok(())
    }

    /// Wasm's trapping `trunc`: NaN and range checks, then the conversion.
    fn trunc_trapping(&mut self, from: Type, to: Type, signed: bool) -> LResult {
        let x = self.pop()?;
        let nan = self.b.inst1(InstKind::FloatCompare { cc: FloatCC::Ne, ty: from, lhs: x, rhs: x }, Type::I32);
        self.b.trap_if(nan, TrapCode::BadConversionToInteger);
        let bounds = trunc_bounds(from, to, signed);
        let upper = self.b.fconst(from, float_bits(from, bounds.upper));
        let lower = self.b.fconst(from, float_bits(from, bounds.lower));
        let too_big = self.b.inst1(InstKind::FloatCompare { cc: FloatCC::Ge, ty: from, lhs: x, rhs: upper }, Type::I32);
        let lcc = if bounds.lower_inclusive { FloatCC::Le } else { FloatCC::Lt };
        let too_small = self.b.inst1(InstKind::FloatCompare { cc: lcc, ty: from, lhs: x, rhs: lower }, Type::I32);
        let out = self.b.binary(BinaryOp::Or, too_big, too_small);
        self.b.trap_if(out, TrapCode::IntegerOverflow);
        let op = if signed { FloatConvertOp::ToSIntSat } else { FloatConvertOp::ToUIntSat };
        let v = self.b.inst1(InstKind::FloatConvert { op, to, arg: x }, to);
        self.push(v);
        Ok(())
    }

    /// Lowers a float operator; false if `op` is not one.
    pub(crate) fn float(&mut self, op: &Operator<'_>) -> LResult<bool> {
        use FloatBinaryOp as B;
        use FloatCC as C;
        use FloatConvertOp as V;
        use FloatUnaryOp as U;
        use Operator as O;
        use Type::{F32, F64, I32, I64};
        match op {
            O::F32Const { value } => {
                let v = self.b.fconst(F32, value.bits() as u64);
                self.push(v);
            }
            O::F64Const { value } => {
                let v = self.b.fconst(F64, value.bits());
                self.push(v);
            }
            O::F32Add => self.fbinop(F32, B::Add)?,
            O::F32Sub => self.fbinop(F32, B::Sub)?,
            O::F32Mul => self.fbinop(F32, B::Mul)?,
            O::F32Div => self.fbinop(F32, B::Div)?,
            O::F32Min => self.fbinop(F32, B::Min)?,
            O::F32Max => self.fbinop(F32, B::Max)?,
            O::F32Copysign => self.fbinop(F32, B::Copysign)?,
            O::F64Add => self.fbinop(F64, B::Add)?,
            O::F64Sub => self.fbinop(F64, B::Sub)?,
            O::F64Mul => self.fbinop(F64, B::Mul)?,
            O::F64Div => self.fbinop(F64, B::Div)?,
            O::F64Min => self.fbinop(F64, B::Min)?,
            O::F64Max => self.fbinop(F64, B::Max)?,
            O::F64Copysign => self.fbinop(F64, B::Copysign)?,
            O::F32Abs => self.funop(F32, U::Abs)?,
            O::F32Neg => self.funop(F32, U::Neg)?,
            O::F32Sqrt => self.funop(F32, U::Sqrt)?,
            O::F32Ceil => self.funop(F32, U::Ceil)?,
            O::F32Floor => self.funop(F32, U::Floor)?,
            O::F32Trunc => self.funop(F32, U::Trunc)?,
            O::F32Nearest => self.funop(F32, U::Nearest)?,
            O::F64Abs => self.funop(F64, U::Abs)?,
            O::F64Neg => self.funop(F64, U::Neg)?,
            O::F64Sqrt => self.funop(F64, U::Sqrt)?,
            O::F64Ceil => self.funop(F64, U::Ceil)?,
            O::F64Floor => self.funop(F64, U::Floor)?,
            O::F64Trunc => self.funop(F64, U::Trunc)?,
            O::F64Nearest => self.funop(F64, U::Nearest)?,
            O::F32Eq => self.fcmp(F32, C::Eq)?,
            O::F32Ne => self.fcmp(F32, C::Ne)?,
            O::F32Lt => self.fcmp(F32, C::Lt)?,
            O::F32Gt => self.fcmp(F32, C::Gt)?,
            O::F32Le => self.fcmp(F32, C::Le)?,
            O::F32Ge => self.fcmp(F32, C::Ge)?,
            O::F64Eq => self.fcmp(F64, C::Eq)?,
            O::F64Ne => self.fcmp(F64, C::Ne)?,
            O::F64Lt => self.fcmp(F64, C::Lt)?,
            O::F64Gt => self.fcmp(F64, C::Gt)?,
            O::F64Le => self.fcmp(F64, C::Le)?,
            O::F64Ge => self.fcmp(F64, C::Ge)?,
            O::F32ConvertI32S | O::F32ConvertI64S => self.fconvert(V::FromSInt, F32)?,
            O::F32ConvertI32U | O::F32ConvertI64U => self.fconvert(V::FromUInt, F32)?,
            O::F64ConvertI32S | O::F64ConvertI64S => self.fconvert(V::FromSInt, F64)?,
            O::F64ConvertI32U | O::F64ConvertI64U => self.fconvert(V::FromUInt, F64)?,
            O::F32DemoteF64 => self.fconvert(V::Demote, F32)?,
            O::F64PromoteF32 => self.fconvert(V::Promote, F64)?,
            O::I32ReinterpretF32 => self.fconvert(V::Bitcast, I32)?,
            O::I64ReinterpretF64 => self.fconvert(V::Bitcast, I64)?,
            O::F32ReinterpretI32 => self.fconvert(V::Bitcast, F32)?,
            O::F64ReinterpretI64 => self.fconvert(V::Bitcast, F64)?,
            O::I32TruncF32S => self.trunc_trapping(F32, I32, true)?,
            O::I32TruncF32U => self.trunc_trapping(F32, I32, false)?,
            O::I32TruncF64S => self.trunc_trapping(F64, I32, true)?,
            O::I32TruncF64U => self.trunc_trapping(F64, I32, false)?,
            O::I64TruncF32S => self.trunc_trapping(F32, I64, true)?,
            O::I64TruncF32U => self.trunc_trapping(F32, I64, false)?,
            O::I64TruncF64S => self.trunc_trapping(F64, I64, true)?,
            O::I64TruncF64U => self.trunc_trapping(F64, I64, false)?,
            O::I32TruncSatF32S | O::I32TruncSatF64S => self.fconvert(V::ToSIntSat, I32)?,
            O::I32TruncSatF32U | O::I32TruncSatF64U => self.fconvert(V::ToUIntSat, I32)?,
            O::I64TruncSatF32S | O::I64TruncSatF64S => self.fconvert(V::ToSIntSat, I64)?,
            O::I64TruncSatF32U | O::I64TruncSatF64U => self.fconvert(V::ToUIntSat, I64)?,
            _ => return Ok(false),
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bounds agree with the definition: x traps iff trunc(x) does not fit.
    #[test]
    fn trunc_bounds_match_the_definition() {
        for (from, to, signed) in [
            (Type::F32, Type::I32, true),
            (Type::F32, Type::I32, false),
            (Type::F64, Type::I32, true),
            (Type::F64, Type::I32, false),
            (Type::F32, Type::I64, true),
            (Type::F32, Type::I64, false),
            (Type::F64, Type::I64, true),
            (Type::F64, Type::I64, false),
        ] {
            let b = trunc_bounds(from, to, signed);
            let bits = if to == Type::I64 { 64 } else { 32 };
            let (lo, hi) = if signed { (-(2f64.powi(bits - 1)), 2f64.powi(bits - 1)) } else { (0.0, 2f64.powi(bits)) };
            // Probe around each limit: values one ulp apart in the source type.
            let mut probes = vec![];
            for c in [b.upper, b.lower, hi, lo, -1.0, 0.0] {
                let v = if from == Type::F32 { c as f32 as f64 } else { c };
                probes.push(v);
                if from == Type::F32 {
                    let f = v as f32;
                    probes.push(f32::from_bits(f.to_bits().wrapping_add(1)) as f64);
                    probes.push(f32::from_bits(f.to_bits().wrapping_sub(1)) as f64);
                } else {
                    probes.push(f64::from_bits(v.to_bits().wrapping_add(1)));
                    probes.push(f64::from_bits(v.to_bits().wrapping_sub(1)));
                }
            }
            for x in probes {
                if x.is_nan() {
                    continue;
                }
                let t = x.trunc();
                let fits = t >= lo && t < hi;
                let traps = x >= b.upper || if b.lower_inclusive { x <= b.lower } else { x < b.lower };
                assert_eq!(traps, !fits, "{from:?}->{to:?} signed={signed} x={x}");
            }
        }
    }
}
