//! Calls: `call` (a direct [`Callee::Func`] with the callee's signature) and
//! `call_indirect`: the index must be below the table's size word (else
//! [`TrapCode::TableOutOfBounds`]); the 8-byte entry at
//! `SymbolAddr(Table(t)) + index * 8` must have a non-zero `type_id` (else
//! [`TrapCode::IndirectCallToNull`]) equal to the expected canonical
//! signature id + 1 (else [`TrapCode::BadSignature`]); then its `func` word
//! is called with [`Callee::Indirect`].

use super::{LResult, Lowerer};
use synth_ir::{BinaryOp, Callee, InstKind, IntCC, LoadKind, SymbolRef, TrapCode, Type, Value};
use wasmparser::Operator;

impl Lowerer<'_> {
    /// The address of entry `index` of table `t` (no bounds check).
    pub(crate) fn table_entry_addr(&mut self, t: u32, index: Value) -> Value {
        let base = self.b.symbol_addr(SymbolRef::Table(t), 0);
        let three = self.i32c(3);
        let off = self.b.binary(BinaryOp::Shl, index, three);
        self.b.binary(BinaryOp::Add, base, off)
    }

    fn emit_call(&mut self, callee: Callee, sig: synth_ir::Signature, args: Vec<Value>) {
        let results = sig.results.clone();
        let vals = self.b.inst(InstKind::Call { callee, sig, args }, &results);
        self.stack.extend(vals);
    }

    /// Lowers a call operator; false if `op` is not one.
    pub(crate) fn call(&mut self, op: &Operator<'_>) -> LResult<bool> {
        match op {
            Operator::Call { function_index } => {
                let sig = self
                    .info
                    .funcs
                    .get(*function_index as usize)
                    .map(|f| f.sig.clone())
                    .ok_or_else(|| self.internal("function index out of range"))?;
                let args = self.pop_n(sig.params.len())?;
                self.emit_call(Callee::Func(*function_index), sig, args);
            }
            Operator::CallIndirect { type_index, table_index } => {
                let sig = self.type_sig(*type_index)?;
                let sig_id = self.type_sig_id(*type_index)?;
                self.check_shareable_type("call_indirect", sig_id)?;
                let t = *table_index;
                let index = self.pop()?;
                let args = self.pop_n(sig.params.len())?;
                let size = self.load_word(SymbolRef::TableSize(t));
                let oob = self.b.compare(IntCC::GeU, index, size);
                self.b.trap_if(oob, TrapCode::TableOutOfBounds);
                let entry = self.table_entry_addr(t, index);
                let type_id = self.b.load(Type::I32, LoadKind::Full, entry, 0);
                let null = self.b.inst1(InstKind::Eqz { ty: Type::I32, arg: type_id }, Type::I32);
                self.b.trap_if(null, TrapCode::IndirectCallToNull);
                let expected = self.i32c(sig_id as i64 + 1);
                let mismatch = self.b.compare(IntCC::Ne, type_id, expected);
                self.b.trap_if(mismatch, TrapCode::BadSignature);
                let func = self.b.load(Type::I32, LoadKind::Full, entry, 4);
                self.emit_call(Callee::Indirect(func), sig, args);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}
