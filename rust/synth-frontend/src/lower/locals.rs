//! Locals and globals: `local.get/set/tee` update the current SSA value of
//! the local (no code); `global.get/set` load from / store to the global's
//! storage at `SymbolAddr(Global(i))` (imported globals alike: the object
//! writer decides the symbol name).

use super::{LResult, Lowerer};
use synth_ir::{LoadKind, StoreKind, SymbolRef, Type};
use wasmparser::Operator;

impl Lowerer<'_> {
    fn global_type(&self, i: u32) -> LResult<Type> {
        self.info.globals.get(i as usize).map(|g| g.ty).ok_or_else(|| self.internal("global index out of range"))
    }

    /// Lowers a local or global operator; false if `op` is not one.
    pub(crate) fn local_global(&mut self, op: &Operator<'_>) -> LResult<bool> {
        match op {
            Operator::LocalGet { local_index } => {
                let v = *self.locals.get(*local_index as usize).ok_or_else(|| self.internal("local index out of range"))?;
                self.push(v);
            }
            Operator::LocalSet { local_index } | Operator::LocalTee { local_index } => {
                let v = self.pop()?;
                let idx = *local_index as usize;
                if idx >= self.locals.len() {
                    return Err(self.internal("local index out of range"));
                }
                self.locals[idx] = v;
                if matches!(op, Operator::LocalTee { .. }) {
                    self.push(v);
                }
            }
            Operator::GlobalGet { global_index } => {
                let ty = self.global_type(*global_index)?;
                let addr = self.b.symbol_addr(SymbolRef::Global(*global_index), 0);
                let v = self.b.load(ty, LoadKind::Full, addr, 0);
                self.push(v);
            }
            Operator::GlobalSet { global_index } => {
                self.global_type(*global_index)?;
                let v = self.pop()?;
                let addr = self.b.symbol_addr(SymbolRef::Global(*global_index), 0);
                self.b.store(StoreKind::Full, addr, v, 0);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}
