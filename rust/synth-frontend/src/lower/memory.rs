//! Linear-memory operators: loads and stores of every width, `memory.size`,
//! `memory.grow`, and bulk memory (`memory.copy`, `memory.fill`,
//! `memory.init`, `data.drop`).
//!
//! A load or store of `w` bytes at `addr` with offset `o` becomes
//! `BoundsCheck { addr, end: o + w }` (when [`crate::FrontendOptions::bounds_checks`]),
//! then `SymbolAddr(Memory) + addr` and `Load/Store { offset: o }`.
//! Bulk operations always check their ranges like the spec (trap when
//! `start + len > limit` as unbounded integers, also for `len == 0`) and then
//! call [`RuntimeFunc::MemoryCopy`] / [`RuntimeFunc::MemoryFill`] with wasm
//! addresses (offsets into linear memory); `memory.init` copies inline from
//! the segment's read-only bytes.

use super::{LResult, Lowerer};
use synth_ir::{
    BinaryOp, Callee, InstKind, IntCC, LoadKind, RuntimeFunc, Signature, StoreKind, SymbolRef, TrapCode, Type, Value,
};
use wasmparser::{MemArg, MemArgTarget, Operator};

impl Lowerer<'_> {
    /// Declines anything but plain accesses to memory 0.
    fn check_memarg(&self, m: &MemArg, op: &Operator<'_>) -> LResult {
        if m.target != MemArgTarget::Memory(0) || m.ordering.is_some() || self.info.memory.is_none() {
            return Err(self.unsupported(super::names::operator_name(op)));
        }
        Ok(())
    }

    fn check_mem_index(&self, mem: u32, op: &Operator<'_>) -> LResult {
        if mem != 0 || self.info.memory.is_none() {
            return Err(self.unsupported(format!("{} (multiple memories)", super::names::operator_name(op))));
        }
        Ok(())
    }

    /// The bounds check and absolute base address of an access of
    /// `width` bytes at wasm address `addr` plus `offset`.
    fn access_addr(&mut self, addr: Value, offset: u64, width: u32) -> Value {
        if self.opts.bounds_checks {
            self.b.inst0(InstKind::BoundsCheck { addr, end: offset + width as u64 });
        }
        let base = self.b.symbol_addr(SymbolRef::Memory, 0);
        self.b.binary(BinaryOp::Add, base, addr)
    }

    fn load_op(&mut self, m: &MemArg, op: &Operator<'_>, ty: Type, kind: LoadKind) -> LResult {
        self.check_memarg(m, op)?;
        let addr = self.pop()?;
        let ea = self.access_addr(addr, m.offset, kind.bytes(ty));
        let offset = u32::try_from(m.offset).map_err(|_| self.unsupported("memory64 offset"))?;
        let v = self.b.load(ty, kind, ea, offset);
        self.push(v);
        Ok(())
    }

    fn store_op(&mut self, m: &MemArg, op: &Operator<'_>, kind: StoreKind) -> LResult {
        self.check_memarg(m, op)?;
        let value = self.pop()?;
        let addr = self.pop()?;
        let ty = self.b.value_type(value);
        let ea = self.access_addr(addr, m.offset, kind.bytes(ty));
        let offset = u32::try_from(m.offset).map_err(|_| self.unsupported("memory64 offset"))?;
        self.b.store(kind, ea, value, offset);
        Ok(())
    }

    /// Loads the i32 word at `sym`.
    pub(crate) fn load_word(&mut self, sym: SymbolRef) -> Value {
        let a = self.b.symbol_addr(sym, 0);
        self.b.load(Type::I32, LoadKind::Full, a, 0)
    }

    /// Traps with `code` unless `start + len <= limit` (unbounded integers,
    /// all three i32 read as unsigned).
    pub(crate) fn range_check(&mut self, start: Value, len: Value, limit: Value, code: TrapCode) {
        let too_long = self.b.compare(IntCC::GtU, len, limit);
        let room = self.b.binary(BinaryOp::Sub, limit, len);
        let past = self.b.compare(IntCC::GtU, start, room);
        let bad = self.b.binary(BinaryOp::Or, too_long, past);
        self.b.trap_if(bad, code);
    }

    /// Emits `for i in 0..n { body(i) }` (i32 `n`, unsigned). Values defined
    /// before the loop may be used in `body`; the operand stack and locals
    /// are untouched.
    pub(crate) fn counted_loop(&mut self, n: Value, mut body: impl FnMut(&mut Self, Value)) {
        let header = self.b.create_block();
        let i = self.b.append_block_param(header, Type::I32);
        let zero = self.i32c(0);
        self.b.jump(header, vec![zero]);
        self.b.switch_to_block(header);
        let done = self.b.compare(IntCC::GeU, i, n);
        let body_block = self.b.create_block();
        let exit = self.b.create_block();
        self.b.branch(
            done,
            synth_ir::BlockCall { block: exit, args: vec![] },
            synth_ir::BlockCall { block: body_block, args: vec![] },
        );
        self.b.switch_to_block(body_block);
        body(self, i);
        let one = self.i32c(1);
        let next = self.b.binary(BinaryOp::Add, i, one);
        self.b.jump(header, vec![next]);
        self.b.switch_to_block(exit);
    }

    fn runtime_call(&mut self, rf: RuntimeFunc, args: Vec<Value>, results: &[Type]) -> Vec<Value> {
        let sig = Signature { params: args.iter().map(|a| self.b.value_type(*a)).collect(), results: results.to_vec() };
        self.b.inst(InstKind::Call { callee: Callee::Runtime(rf), sig, args }, results)
    }

    /// Lowers a memory operator; false if `op` is not one.
    pub(crate) fn memory(&mut self, op: &Operator<'_>) -> LResult<bool> {
        use LoadKind as L;
        use Operator as O;
        use StoreKind as S;
        use Type::{I32, I64};
        match op {
            O::I32Load { memarg } => self.load_op(memarg, op, I32, L::Full)?,
            O::I64Load { memarg } => self.load_op(memarg, op, I64, L::Full)?,
            O::F32Load { memarg } => self.load_op(memarg, op, Type::F32, L::Full)?,
            O::F64Load { memarg } => self.load_op(memarg, op, Type::F64, L::Full)?,
            O::I32Load8S { memarg } => self.load_op(memarg, op, I32, L::S8)?,
            O::I32Load8U { memarg } => self.load_op(memarg, op, I32, L::U8)?,
            O::I32Load16S { memarg } => self.load_op(memarg, op, I32, L::S16)?,
            O::I32Load16U { memarg } => self.load_op(memarg, op, I32, L::U16)?,
            O::I64Load8S { memarg } => self.load_op(memarg, op, I64, L::S8)?,
            O::I64Load8U { memarg } => self.load_op(memarg, op, I64, L::U8)?,
            O::I64Load16S { memarg } => self.load_op(memarg, op, I64, L::S16)?,
            O::I64Load16U { memarg } => self.load_op(memarg, op, I64, L::U16)?,
            O::I64Load32S { memarg } => self.load_op(memarg, op, I64, L::S32)?,
            O::I64Load32U { memarg } => self.load_op(memarg, op, I64, L::U32)?,
            O::I32Store { memarg } | O::I64Store { memarg } | O::F32Store { memarg } | O::F64Store { memarg } => {
                self.store_op(memarg, op, S::Full)?
            }
            O::I32Store8 { memarg } | O::I64Store8 { memarg } => self.store_op(memarg, op, S::B8)?,
            O::I32Store16 { memarg } | O::I64Store16 { memarg } => self.store_op(memarg, op, S::B16)?,
            O::I64Store32 { memarg } => self.store_op(memarg, op, S::B32)?,
            O::MemorySize { mem } => {
                self.check_mem_index(*mem, op)?;
                let bytes = self.load_word(SymbolRef::MemorySize);
                let sixteen = self.i32c(16);
                let pages = self.b.binary(BinaryOp::ShrU, bytes, sixteen);
                self.push(pages);
            }
            O::MemoryGrow { mem } => {
                self.check_mem_index(*mem, op)?;
                let delta = self.pop()?;
                let r = self.runtime_call(RuntimeFunc::MemoryGrow, vec![delta], &[I32])[0];
                self.push(r);
            }
            O::MemoryFill { mem } => {
                self.check_mem_index(*mem, op)?;
                let n = self.pop()?;
                let val = self.pop()?;
                let d = self.pop()?;
                let size = self.load_word(SymbolRef::MemorySize);
                self.range_check(d, n, size, TrapCode::MemoryOutOfBounds);
                self.runtime_call(RuntimeFunc::MemoryFill, vec![d, val, n], &[]);
            }
            O::MemoryCopy { dst_mem, src_mem } => {
                self.check_mem_index(*dst_mem, op)?;
                self.check_mem_index(*src_mem, op)?;
                let n = self.pop()?;
                let s = self.pop()?;
                let d = self.pop()?;
                let size = self.load_word(SymbolRef::MemorySize);
                self.range_check(s, n, size, TrapCode::MemoryOutOfBounds);
                self.range_check(d, n, size, TrapCode::MemoryOutOfBounds);
                self.runtime_call(RuntimeFunc::MemoryCopy, vec![d, s, n], &[]);
            }
            O::MemoryInit { data_index, mem } => {
                self.check_mem_index(*mem, op)?;
                let seg = *data_index;
                let n = self.pop()?;
                let s = self.pop()?;
                let d = self.pop()?;
                let seg_len = self.load_word(SymbolRef::DataSegmentLen(seg));
                self.range_check(s, n, seg_len, TrapCode::MemoryOutOfBounds);
                let size = self.load_word(SymbolRef::MemorySize);
                self.range_check(d, n, size, TrapCode::MemoryOutOfBounds);
                let seg_base = self.b.symbol_addr(SymbolRef::DataSegment(seg), 0);
                let src = self.b.binary(BinaryOp::Add, seg_base, s);
                let mem_base = self.b.symbol_addr(SymbolRef::Memory, 0);
                let dst = self.b.binary(BinaryOp::Add, mem_base, d);
                self.counted_loop(n, |l, i| {
                    let from = l.b.binary(BinaryOp::Add, src, i);
                    let byte = l.b.load(I32, L::U8, from, 0);
                    let to = l.b.binary(BinaryOp::Add, dst, i);
                    l.b.store(S::B8, to, byte, 0);
                });
            }
            O::DataDrop { data_index } => {
                let a = self.b.symbol_addr(SymbolRef::DataSegmentLen(*data_index), 0);
                let zero = self.i32c(0);
                self.b.store(S::Full, a, zero, 0);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}
