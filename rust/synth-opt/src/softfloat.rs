//! Soft-float legalisation: float values become their bit patterns and float
//! instructions become integer code, AEABI run-time calls ([`Libcall`]) and
//! runtime helpers, for the float types the target has no hardware for.
//!
//! Takes: one IR [`Function`] (any mix of float and integer code) and a
//! [`SoftTypes`] saying which float types to legalise. Returns: the function
//! rewritten in place with no value, instruction or signature of those
//! types left; the instruction selector never sees them.
//!
//! The rewriting, per operation (f32 shown; f64 is the same on i64):
//! - constants, loads, stores, `select`, block parameters, calls and
//!   signatures: the same on the bit pattern (`f32` → `i32`);
//! - `abs`/`neg`/`copysign`: bit operations (payloads kept, as wasm says);
//!   `reinterpret`: nothing at all;
//! - `add`/`sub`/`mul`/`div`, `promote`/`demote`, int→float: the AEABI
//!   functions (`__aeabi_fadd`, `__aeabi_f2d`, `__aeabi_i2f`, ...), whose
//!   results are what IEEE 754 round-to-nearest gives;
//! - comparisons: `__aeabi_fcmpeq/lt/le/ge/gt` (`ne` is `eq` inverted); the
//!   NaN test `x != x` is an integer test on the bits;
//! - `sqrt`, `ceil`/`floor`/`trunc`/`nearest`, `min`/`max` and the saturating
//!   float→int conversions: runtime helpers (integer IR built by
//!   `synth-frontend::runtime`), since the AEABI has none or gives
//!   different NaN/±0/out-of-range answers than wasm.

use synth_ir::{
    BinaryOp, Callee, FloatBinaryOp, FloatCC, FloatConvertOp, FloatUnaryOp, Function, Inst, InstKind, IntCC, Libcall,
    RuntimeFunc, Signature, Type, Value,
};

/// Which float types are legalised to integers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SoftTypes {
    /// f32 has no hardware (no FPU).
    pub f32: bool,
    /// f64 has no hardware (no FPU, or a single-precision one).
    pub f64: bool,
}

impl SoftTypes {
    /// Everything in software (`--fpu none`).
    pub const ALL: SoftTypes = SoftTypes { f32: true, f64: true };

    /// True when values of `ty` are legalised.
    pub fn is_soft(self, ty: Type) -> bool {
        match ty {
            Type::F32 => self.f32,
            Type::F64 => self.f64,
            _ => false,
        }
    }

    /// `ty` as it is after legalisation.
    pub fn map(self, ty: Type) -> Type {
        if self.is_soft(ty) {
            ty.bits_type()
        } else {
            ty
        }
    }

    fn map_sig(self, sig: &Signature) -> Signature {
        Signature {
            params: sig.params.iter().map(|t| self.map(*t)).collect(),
            results: sig.results.iter().map(|t| self.map(*t)).collect(),
        }
    }
}

/// True when `func` has any value or signature type that `soft` legalises.
pub fn needs_legalising(func: &Function, soft: SoftTypes) -> bool {
    func.value_types.iter().chain(&func.sig.params).chain(&func.sig.results).any(|t| soft.is_soft(*t))
        || func.blocks.iter().flat_map(|b| &b.insts).any(|i| match &i.kind {
            InstKind::Call { sig, .. } => sig.params.iter().chain(&sig.results).any(|t| soft.is_soft(*t)),
            InstKind::FloatConvert { to, .. } => soft.is_soft(*to),
            _ => false,
        })
}

/// Legalises `func` in place (see the module comment). Returns the number
/// of float instructions rewritten.
pub fn legalize(func: &mut Function, soft: SoftTypes) -> usize {
    if !needs_legalising(func, soft) {
        return 0;
    }
    // Types before the rewrite decide each instruction's form.
    let orig_types = func.value_types.clone();
    let mut consts = std::collections::HashMap::new();
    for inst in func.blocks.iter().flat_map(|b| &b.insts) {
        if let (InstKind::Fconst { bits, .. }, [r]) = (&inst.kind, inst.results.as_slice()) {
            consts.insert(*r, *bits);
        }
    }
    let mut l = Legalizer {
        soft,
        value_types: std::mem::take(&mut func.value_types),
        subst: crate::subst::Subst::new(),
        count: 0,
        consts,
    };
    for bi in 0..func.blocks.len() {
        let insts = std::mem::take(&mut func.blocks[bi].insts);
        let mut out = Vec::with_capacity(insts.len());
        for inst in insts {
            let (loc, first) = (inst.loc, out.len());
            l.inst(inst, &orig_types, &mut out);
            // Everything an instruction is rewritten into keeps its location.
            for i in &mut out[first..] {
                i.loc = loc;
            }
        }
        func.blocks[bi].insts = out;
    }
    for t in l.value_types.iter_mut() {
        *t = soft.map(*t);
    }
    func.value_types = l.value_types;
    func.sig = soft.map_sig(&func.sig);
    l.subst.apply(func);
    l.count
}

struct Legalizer {
    soft: SoftTypes,
    value_types: Vec<Type>,
    /// Reinterpretations: uses of a bitcast's result read its operand.
    subst: crate::subst::Subst,
    count: usize,
    /// Bit patterns of the function's float constants.
    consts: std::collections::HashMap<Value, u64>,
}

/// The bit-pattern interval `[lo, hi]` (unsigned) that holds exactly the
/// `ty` values `x` with `x cc c`, when that set is one interval: `c` is a
/// non-NaN, non-zero constant and the comparison looks away from zero
/// (`x >= c` or `x > c` for positive `c`; `x <= c` or `x < c` for negative
/// `c`). Positive floats order like their bits up to +inf (NaNs lie above);
/// negative ones order by magnitude like their bits up to -inf.
fn bits_interval(cc: FloatCC, ty: Type, c: u64) -> Option<(u64, u64)> {
    let sign = synth_ir::float::sign_bit(ty);
    let inf = infinity_bits(ty);
    let mag = c & !sign;
    if mag == 0 || mag > inf {
        return None;
    }
    let negative = c & sign != 0;
    match (cc, negative) {
        (FloatCC::Ge, false) => Some((c, inf)),
        (FloatCC::Gt, false) if mag < inf => Some((c + 1, inf)),
        (FloatCC::Le, true) => Some((c, sign | inf)),
        (FloatCC::Lt, true) if mag < inf => Some((c + 1, sign | inf)),
        _ => None,
    }
}

/// The runtime helper of a soft-float unary operator.
fn unary_helper(op: FloatUnaryOp, ty: Type) -> RuntimeFunc {
    let f64 = ty == Type::F64;
    match (op, f64) {
        (FloatUnaryOp::Sqrt, false) => RuntimeFunc::F32Sqrt,
        (FloatUnaryOp::Sqrt, true) => RuntimeFunc::F64Sqrt,
        (FloatUnaryOp::Ceil, false) => RuntimeFunc::F32Ceil,
        (FloatUnaryOp::Ceil, true) => RuntimeFunc::F64Ceil,
        (FloatUnaryOp::Floor, false) => RuntimeFunc::F32Floor,
        (FloatUnaryOp::Floor, true) => RuntimeFunc::F64Floor,
        (FloatUnaryOp::Trunc, false) => RuntimeFunc::F32Trunc,
        (FloatUnaryOp::Trunc, true) => RuntimeFunc::F64Trunc,
        (_, false) => RuntimeFunc::F32Nearest,
        (_, true) => RuntimeFunc::F64Nearest,
    }
}

/// The runtime helper of a saturating float→int conversion.
fn trunc_sat_helper(from: Type, to: Type, signed: bool) -> RuntimeFunc {
    use RuntimeFunc::*;
    match (to == Type::I64, from == Type::F64, signed) {
        (false, false, true) => I32TruncSatF32S,
        (false, false, false) => I32TruncSatF32U,
        (false, true, true) => I32TruncSatF64S,
        (false, true, false) => I32TruncSatF64U,
        (true, false, true) => I64TruncSatF32S,
        (true, false, false) => I64TruncSatF32U,
        (true, true, true) => I64TruncSatF64S,
        (true, true, false) => I64TruncSatF64U,
    }
}

fn arith_libcall(op: FloatBinaryOp, ty: Type) -> Libcall {
    let f64 = ty == Type::F64;
    match (op, f64) {
        (FloatBinaryOp::Add, false) => Libcall::FAdd,
        (FloatBinaryOp::Sub, false) => Libcall::FSub,
        (FloatBinaryOp::Mul, false) => Libcall::FMul,
        (FloatBinaryOp::Div, false) => Libcall::FDiv,
        (FloatBinaryOp::Add, true) => Libcall::DAdd,
        (FloatBinaryOp::Sub, true) => Libcall::DSub,
        (FloatBinaryOp::Mul, true) => Libcall::DMul,
        (_, true) => Libcall::DDiv,
        (_, false) => unreachable!("min/max/copysign are not libcalls"),
    }
}

/// The libcall of a comparison and whether its answer is inverted (`ne`).
fn compare_libcall(cc: FloatCC, ty: Type) -> (Libcall, bool) {
    let f64 = ty == Type::F64;
    let pick = |f, d| if f64 { d } else { f };
    match cc {
        FloatCC::Eq => (pick(Libcall::FCmpEq, Libcall::DCmpEq), false),
        FloatCC::Ne => (pick(Libcall::FCmpEq, Libcall::DCmpEq), true),
        FloatCC::Lt => (pick(Libcall::FCmpLt, Libcall::DCmpLt), false),
        FloatCC::Le => (pick(Libcall::FCmpLe, Libcall::DCmpLe), false),
        FloatCC::Gt => (pick(Libcall::FCmpGt, Libcall::DCmpGt), false),
        FloatCC::Ge => (pick(Libcall::FCmpGe, Libcall::DCmpGe), false),
    }
}

fn int_to_float_libcall(from: Type, to: Type, signed: bool) -> Libcall {
    match (from == Type::I64, to == Type::F64, signed) {
        (false, false, true) => Libcall::I2F,
        (false, false, false) => Libcall::UI2F,
        (true, false, true) => Libcall::L2F,
        (true, false, false) => Libcall::UL2F,
        (false, true, true) => Libcall::I2D,
        (false, true, false) => Libcall::UI2D,
        (true, true, true) => Libcall::L2D,
        (true, true, false) => Libcall::UL2D,
    }
}

impl Legalizer {
    fn new_value(&mut self, ty: Type) -> Value {
        let v = Value(self.value_types.len() as u32);
        self.value_types.push(ty);
        v
    }

    fn emit(out: &mut Vec<Inst>, results: Vec<Value>, kind: InstKind) {
        out.push(Inst { results, kind, loc: synth_ir::SrcLoc::NONE });
    }

    fn iconst(&mut self, out: &mut Vec<Inst>, ty: Type, imm: i64) -> Value {
        let v = self.new_value(ty);
        Self::emit(out, vec![v], InstKind::Iconst { ty, imm });
        v
    }

    fn call(&mut self, out: &mut Vec<Inst>, results: Vec<Value>, callee: Callee, sig: Signature, args: Vec<Value>) {
        Self::emit(out, results, InstKind::Call { callee, sig, args });
    }

    fn libcall(&mut self, out: &mut Vec<Inst>, result: Value, l: Libcall, args: Vec<Value>) {
        self.call(out, vec![result], Callee::Libcall(l), l.signature(), args);
    }

    fn helper(&mut self, out: &mut Vec<Inst>, result: Value, r: RuntimeFunc, args: Vec<Value>) {
        let sig = synth_frontend::runtime::signature(r);
        self.call(out, vec![result], Callee::Runtime(r), sig, args);
    }

    /// The sign-bit constant of `ty`'s bit pattern, as a value of `int`.
    fn sign_const(&mut self, out: &mut Vec<Inst>, ty: Type, invert: bool) -> Value {
        let int = ty.bits_type();
        let s = synth_ir::float::sign_bit(ty);
        let imm = if invert { !s } else { s };
        let imm = if int == Type::I32 { imm as u32 as i32 as i64 } else { imm as i64 };
        self.iconst(out, int, imm)
    }

    fn inst(&mut self, inst: Inst, types: &[Type], out: &mut Vec<Inst>) {
        let soft = self.soft;
        let ty_of = |v: Value| types[v.0 as usize];
        let Inst { results, kind, .. } = inst;
        match kind {
            InstKind::Fconst { ty, bits } if soft.is_soft(ty) => {
                let int = ty.bits_type();
                let imm = if int == Type::I32 { bits as u32 as i32 as i64 } else { bits as i64 };
                Self::emit(out, results, InstKind::Iconst { ty: int, imm });
            }
            InstKind::FloatUnary { op, ty, arg } if soft.is_soft(ty) => {
                self.count += 1;
                let int = ty.bits_type();
                match op {
                    FloatUnaryOp::Abs => {
                        let m = self.sign_const(out, ty, true);
                        Self::emit(out, results, InstKind::Binary { op: BinaryOp::And, ty: int, lhs: arg, rhs: m });
                    }
                    FloatUnaryOp::Neg => {
                        let m = self.sign_const(out, ty, false);
                        Self::emit(out, results, InstKind::Binary { op: BinaryOp::Xor, ty: int, lhs: arg, rhs: m });
                    }
                    _ => self.helper(out, results[0], unary_helper(op, ty), vec![arg]),
                }
            }
            InstKind::FloatBinary { op, ty, lhs, rhs } if soft.is_soft(ty) => {
                self.count += 1;
                let int = ty.bits_type();
                match op {
                    FloatBinaryOp::Copysign => {
                        let mag_mask = self.sign_const(out, ty, true);
                        let sign_mask = self.sign_const(out, ty, false);
                        let mag = self.new_value(int);
                        Self::emit(out, vec![mag], InstKind::Binary { op: BinaryOp::And, ty: int, lhs, rhs: mag_mask });
                        let sign = self.new_value(int);
                        Self::emit(out, vec![sign], InstKind::Binary { op: BinaryOp::And, ty: int, lhs: rhs, rhs: sign_mask });
                        Self::emit(out, results, InstKind::Binary { op: BinaryOp::Or, ty: int, lhs: mag, rhs: sign });
                    }
                    FloatBinaryOp::Min | FloatBinaryOp::Max => {
                        let r = match (op, ty == Type::F64) {
                            (FloatBinaryOp::Min, false) => RuntimeFunc::F32Min,
                            (FloatBinaryOp::Min, true) => RuntimeFunc::F64Min,
                            (_, false) => RuntimeFunc::F32Max,
                            (_, true) => RuntimeFunc::F64Max,
                        };
                        self.helper(out, results[0], r, vec![lhs, rhs]);
                    }
                    _ => self.libcall(out, results[0], arith_libcall(op, ty), vec![lhs, rhs]),
                }
            }
            InstKind::FloatCompare { cc, ty, lhs, rhs } if soft.is_soft(ty) => {
                self.count += 1;
                if lhs == rhs && matches!(cc, FloatCC::Eq | FloatCC::Ne) {
                    // x != x: NaN test on the bits, |x| > inf as unsigned.
                    let int = ty.bits_type();
                    let m = self.sign_const(out, ty, true);
                    let mag = self.new_value(int);
                    Self::emit(out, vec![mag], InstKind::Binary { op: BinaryOp::And, ty: int, lhs, rhs: m });
                    let inf = self.iconst(out, int, infinity_bits(ty) as i64);
                    let cc = if cc == FloatCC::Ne { IntCC::GtU } else { IntCC::LeU };
                    Self::emit(out, results, InstKind::Compare { cc, ty: int, lhs: mag, rhs: inf });
                    return;
                }
                // x cc constant as one unsigned range test on the bits.
                let interval = match (self.consts.get(&lhs), self.consts.get(&rhs)) {
                    (None, Some(c)) => bits_interval(cc, ty, *c).map(|i| (lhs, i)),
                    (Some(c), None) => {
                        let swapped = match cc {
                            FloatCC::Lt => FloatCC::Gt,
                            FloatCC::Gt => FloatCC::Lt,
                            FloatCC::Le => FloatCC::Ge,
                            FloatCC::Ge => FloatCC::Le,
                            other => other,
                        };
                        bits_interval(swapped, ty, *c).map(|i| (rhs, i))
                    }
                    _ => None,
                };
                if let Some((x, (lo, hi))) = interval {
                    let int = ty.bits_type();
                    let as_imm = |v: u64| if int == Type::I32 { v as u32 as i32 as i64 } else { v as i64 };
                    let lo_v = self.iconst(out, int, as_imm(lo));
                    let off = self.new_value(int);
                    Self::emit(out, vec![off], InstKind::Binary { op: BinaryOp::Sub, ty: int, lhs: x, rhs: lo_v });
                    let span = self.iconst(out, int, as_imm(hi - lo));
                    Self::emit(out, results, InstKind::Compare { cc: IntCC::LeU, ty: int, lhs: off, rhs: span });
                    return;
                }
                let (l, invert) = compare_libcall(cc, ty);
                if invert {
                    let eq = self.new_value(Type::I32);
                    self.libcall(out, eq, l, vec![lhs, rhs]);
                    Self::emit(out, results, InstKind::Eqz { ty: Type::I32, arg: eq });
                } else {
                    self.libcall(out, results[0], l, vec![lhs, rhs]);
                }
            }
            InstKind::FloatConvert { op, to, arg } if soft.is_soft(to) || soft.is_soft(ty_of(arg)) => {
                self.count += 1;
                let from = ty_of(arg);
                match op {
                    FloatConvertOp::Bitcast => {
                        self.subst.set(results[0], arg);
                    }
                    FloatConvertOp::FromSInt | FloatConvertOp::FromUInt => {
                        let l = int_to_float_libcall(from, to, op == FloatConvertOp::FromSInt);
                        self.libcall(out, results[0], l, vec![arg]);
                    }
                    FloatConvertOp::ToSIntSat | FloatConvertOp::ToUIntSat => {
                        let r = trunc_sat_helper(from, to, op == FloatConvertOp::ToSIntSat);
                        self.helper(out, results[0], r, vec![arg]);
                    }
                    FloatConvertOp::Promote => self.libcall(out, results[0], Libcall::F2D, vec![arg]),
                    FloatConvertOp::Demote => self.libcall(out, results[0], Libcall::D2F, vec![arg]),
                }
            }
            InstKind::Load { ty, kind, addr, offset } if soft.is_soft(ty) => {
                Self::emit(out, results, InstKind::Load { ty: ty.bits_type(), kind, addr, offset });
            }
            InstKind::Select { ty, cond, if_true, if_false } if soft.is_soft(ty) => {
                Self::emit(out, results, InstKind::Select { ty: ty.bits_type(), cond, if_true, if_false });
            }
            InstKind::Call { callee, sig, args } => {
                let sig = soft.map_sig(&sig);
                Self::emit(out, results, InstKind::Call { callee, sig, args });
            }
            kind => Self::emit(out, results, kind),
        }
    }

}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every interval holds exactly the values the comparison accepts.
    #[test]
    fn bit_intervals_match_float_comparisons() {
        let mut probes: Vec<u32> = vec![0, 0x8000_0000, 1, 0x7f80_0000, 0xff80_0000, 0x7fc0_0000, 0xffc0_0001, 0x7f80_0001];
        for f in [1.0f32, -1.0, 2147483648.0, -2147483648.0, 4294967296.0, 0.5, -0.5, 3.4e38, -3.4e38, 1e-40, -1e-40] {
            let b = f.to_bits();
            probes.extend([b, b.wrapping_add(1), b.wrapping_sub(1)]);
        }
        let mut seed = 0x1234_5678u32;
        for _ in 0..2000 {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            probes.push(seed);
        }
        let cs: Vec<u32> = probes.iter().copied().take(40).collect();
        for cc in [FloatCC::Lt, FloatCC::Le, FloatCC::Gt, FloatCC::Ge, FloatCC::Eq] {
            for &c in &cs {
                let Some((lo, hi)) = bits_interval(cc, Type::F32, c as u64) else { continue };
                for &x in &probes {
                    let want = synth_ir::float::eval_compare(cc, Type::F32, x as u64, c as u64);
                    let got = (x as u64).wrapping_sub(lo) & 0xffff_ffff <= hi - lo;
                    assert_eq!(got, want, "{cc:?} x={x:#x} c={c:#x}");
                }
            }
        }
        assert_eq!(bits_interval(FloatCC::Ge, Type::F32, 0), None);
        assert_eq!(bits_interval(FloatCC::Lt, Type::F32, 0x3f80_0000), None);
        let d = (-1.0f64).to_bits();
        assert_eq!(bits_interval(FloatCC::Le, Type::F64, d), Some((d, 0xfff0_0000_0000_0000)));
    }
}

/// The bit pattern of +infinity in float type `ty`.
fn infinity_bits(ty: Type) -> u64 {
    if ty == Type::F64 {
        0x7ff0_0000_0000_0000
    } else {
        0x7f80_0000
    }
}
