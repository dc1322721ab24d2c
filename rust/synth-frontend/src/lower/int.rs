//! Integer operators: i32/i64 constants, arithmetic, bitwise, shifts and
//! rotates, comparisons, `eqz`, `clz`/`ctz`/`popcnt`, sign extension,
//! `wrap`/`extend`.
//!
//! Division and remainder get explicit [`InstKind::TrapIf`] checks before the
//! operation: divisor zero → [`TrapCode::IntegerDivideByZero`]; `div_s` of
//! `INT_MIN / -1` → [`TrapCode::IntegerOverflow`]. i32 division is a
//! [`BinaryOp`]; i64 division calls the runtime helpers
//! ([`RuntimeFunc::I64DivS`] ...), since Cortex-M has no 64-bit divide.

use super::{LResult, Lowerer};
use synth_ir::{BinaryOp, Callee, ConvertOp, InstKind, IntCC, RuntimeFunc, Signature, TrapCode, Type, UnaryOp};
use wasmparser::Operator;

impl Lowerer<'_> {
    fn binop(&mut self, op: BinaryOp) -> LResult {
        let rhs = self.pop()?;
        let lhs = self.pop()?;
        let v = self.b.binary(op, lhs, rhs);
        self.push(v);
        Ok(())
    }

    fn unop(&mut self, ty: Type, op: UnaryOp) -> LResult {
        let arg = self.pop()?;
        let v = self.b.inst1(InstKind::Unary { op, ty, arg }, ty);
        self.push(v);
        Ok(())
    }

    fn cmp(&mut self, cc: IntCC) -> LResult {
        let rhs = self.pop()?;
        let lhs = self.pop()?;
        let v = self.b.compare(cc, lhs, rhs);
        self.push(v);
        Ok(())
    }

    fn convert(&mut self, op: ConvertOp, to: Type) -> LResult {
        let arg = self.pop()?;
        let v = self.b.inst1(InstKind::Convert { op, arg }, to);
        self.push(v);
        Ok(())
    }

    /// Division or remainder with the wasm trap checks.
    fn divrem(&mut self, ty: Type, op: BinaryOp) -> LResult {
        let rhs = self.pop()?;
        let lhs = self.pop()?;
        let zero = self.b.inst1(InstKind::Eqz { ty, arg: rhs }, Type::I32);
        self.b.trap_if(zero, TrapCode::IntegerDivideByZero);
        if op == BinaryOp::DivS {
            let min = if ty == Type::I64 { i64::MIN } else { i32::MIN as i64 };
            let min = self.b.iconst(ty, min);
            let minus1 = self.b.iconst(ty, -1);
            let is_min = self.b.compare(IntCC::Eq, lhs, min);
            let is_m1 = self.b.compare(IntCC::Eq, rhs, minus1);
            let ovf = self.b.binary(BinaryOp::And, is_min, is_m1);
            self.b.trap_if(ovf, TrapCode::IntegerOverflow);
        }
        let v = match ty {
            Type::I32 | Type::F32 => self.b.binary(op, lhs, rhs),
            Type::I64 | Type::F64 => {
                let rf = match op {
                    BinaryOp::DivS => RuntimeFunc::I64DivS,
                    BinaryOp::DivU => RuntimeFunc::I64DivU,
                    BinaryOp::RemS => RuntimeFunc::I64RemS,
                    _ => RuntimeFunc::I64RemU,
                };
                let sig = Signature { params: vec![Type::I64, Type::I64], results: vec![Type::I64] };
                self.b.inst(InstKind::Call { callee: Callee::Runtime(rf), sig, args: vec![lhs, rhs] }, &[Type::I64])[0]
            }
        };
        self.push(v);
        Ok(())
    }

    /// Lowers an integer operator; false if `op` is not one.
    pub(crate) fn int(&mut self, op: &Operator<'_>) -> LResult<bool> {
        use BinaryOp as B;
        use IntCC as C;
        use Operator as O;
        use Type::{I32, I64};
        use UnaryOp as U;
        match op {
            O::I32Const { value } => {
                let v = self.b.iconst(I32, *value as i64);
                self.push(v);
            }
            O::I64Const { value } => {
                let v = self.b.iconst(I64, *value);
                self.push(v);
            }
            O::I32Add | O::I64Add => self.binop(B::Add)?,
            O::I32Sub | O::I64Sub => self.binop(B::Sub)?,
            O::I32Mul | O::I64Mul => self.binop(B::Mul)?,
            O::I32And | O::I64And => self.binop(B::And)?,
            O::I32Or | O::I64Or => self.binop(B::Or)?,
            O::I32Xor | O::I64Xor => self.binop(B::Xor)?,
            O::I32Shl | O::I64Shl => self.binop(B::Shl)?,
            O::I32ShrS | O::I64ShrS => self.binop(B::ShrS)?,
            O::I32ShrU | O::I64ShrU => self.binop(B::ShrU)?,
            O::I32Rotl | O::I64Rotl => self.binop(B::Rotl)?,
            O::I32Rotr | O::I64Rotr => self.binop(B::Rotr)?,
            O::I32DivS => self.divrem(I32, B::DivS)?,
            O::I32DivU => self.divrem(I32, B::DivU)?,
            O::I32RemS => self.divrem(I32, B::RemS)?,
            O::I32RemU => self.divrem(I32, B::RemU)?,
            O::I64DivS => self.divrem(I64, B::DivS)?,
            O::I64DivU => self.divrem(I64, B::DivU)?,
            O::I64RemS => self.divrem(I64, B::RemS)?,
            O::I64RemU => self.divrem(I64, B::RemU)?,
            O::I32Eq | O::I64Eq => self.cmp(C::Eq)?,
            O::I32Ne | O::I64Ne => self.cmp(C::Ne)?,
            O::I32LtS | O::I64LtS => self.cmp(C::LtS)?,
            O::I32LtU | O::I64LtU => self.cmp(C::LtU)?,
            O::I32GtS | O::I64GtS => self.cmp(C::GtS)?,
            O::I32GtU | O::I64GtU => self.cmp(C::GtU)?,
            O::I32LeS | O::I64LeS => self.cmp(C::LeS)?,
            O::I32LeU | O::I64LeU => self.cmp(C::LeU)?,
            O::I32GeS | O::I64GeS => self.cmp(C::GeS)?,
            O::I32GeU | O::I64GeU => self.cmp(C::GeU)?,
            O::I32Eqz | O::I64Eqz => {
                let arg = self.pop()?;
                let ty = self.b.value_type(arg);
                let v = self.b.inst1(InstKind::Eqz { ty, arg }, I32);
                self.push(v);
            }
            O::I32Clz => self.unop(I32, U::Clz)?,
            O::I64Clz => self.unop(I64, U::Clz)?,
            O::I32Ctz => self.unop(I32, U::Ctz)?,
            O::I64Ctz => self.unop(I64, U::Ctz)?,
            O::I32Popcnt => self.unop(I32, U::Popcnt)?,
            O::I64Popcnt => self.unop(I64, U::Popcnt)?,
            O::I32Extend8S => self.unop(I32, U::Extend8S)?,
            O::I32Extend16S => self.unop(I32, U::Extend16S)?,
            O::I64Extend8S => self.unop(I64, U::Extend8S)?,
            O::I64Extend16S => self.unop(I64, U::Extend16S)?,
            O::I64Extend32S => self.unop(I64, U::Extend32S)?,
            O::I32WrapI64 => self.convert(ConvertOp::Wrap, I32)?,
            O::I64ExtendI32S => self.convert(ConvertOp::ExtendS, I64)?,
            O::I64ExtendI32U => self.convert(ConvertOp::ExtendU, I64)?,
            _ => return Ok(false),
        }
        Ok(true)
    }
}
