//! Reference types and tables: `ref.null`, `ref.is_null`, `ref.func`,
//! `table.get/set/size/grow/fill/copy/init`, `elem.drop`, for `funcref` and
//! `externref` alike.
//!
//! Values ([`crate::RefKind`]): a `funcref` is an i64 holding a table entry
//! (the layout of [`SymbolRef::Table`]): low word the callee's type word
//! (`sig_id + 1`, 0 = null), high word its code address. An `externref` is
//! an i32, the host's opaque handle (0 = null), held in the low word of an
//! entry whose high word stays 0. Every entry is 8 bytes; `table.get`/`set`/
//! `fill`/`grow` move a value of the table's type, `table.copy`/`init` whole
//! entries, so references keep their type through tables.
//!
//! A defined table has [`crate::TableInfo::reserved`] entries of space (its
//! initial size unless the module uses `table.grow`), recorded in the
//! capacity word after its size word; an imported table has what its
//! provider's capacity word says (docs/ABI.md). `table.grow` succeeds while
//! the new size fits the capacity, filling the new entries with its
//! operand, and otherwise returns -1, which the spec permits. Out-of-range
//! table accesses trap with [`TrapCode::TableAccessOutOfBounds`].

use super::{LResult, Lowerer};
use crate::RefKind;
use synth_ir::{BinaryOp, ConvertOp, InstKind, IntCC, LoadKind, StoreKind, SymbolRef, TrapCode, Type, Value};
use wasmparser::{HeapType, Operator};

impl Lowerer<'_> {
    /// The element value type of table `t` (validated index).
    fn check_table(&self, t: u32) -> LResult<Type> {
        match self.info.tables.get(t as usize) {
            Some(table) => Ok(table.elem.ir_type()),
            None => Err(self.internal("table index out of range")),
        }
    }

    /// The capacity of table `t` in entries: a constant for a defined
    /// table, the provider's capacity word (after the size word) for an
    /// imported one.
    fn table_capacity(&mut self, t: u32) -> Value {
        let table = &self.info.tables[t as usize];
        if table.import.is_none() {
            let reserved = table.reserved;
            return self.i32c(reserved as i64);
        }
        let a = self.b.symbol_addr(SymbolRef::TableSize(t), 0);
        self.b.load(Type::I32, LoadKind::Full, a, 4)
    }

    /// `entry(t, i)` trapping when `i >= size(t)`.
    fn checked_entry(&mut self, t: u32, index: Value) -> Value {
        let size = self.load_word(SymbolRef::TableSize(t));
        let oob = self.b.compare(IntCC::GeU, index, size);
        self.b.trap_if(oob, TrapCode::TableAccessOutOfBounds);
        self.table_entry_addr(t, index)
    }

    /// `base + index * 8`.
    fn entry_at(&mut self, base: Value, index: Value) -> Value {
        let three = self.i32c(3);
        let off = self.b.binary(BinaryOp::Shl, index, three);
        self.b.binary(BinaryOp::Add, base, off)
    }

    /// Lowers a reference or table operator; false if `op` is not one.
    pub(crate) fn table(&mut self, op: &Operator<'_>) -> LResult<bool> {
        match op {
            Operator::RefNull { hty } => {
                let kind = match *hty {
                    HeapType::FUNC => RefKind::Func,
                    HeapType::EXTERN => RefKind::Extern,
                    other => return Err(self.unsupported(format!("ref.null {other:?}"))),
                };
                let v = self.b.iconst(kind.ir_type(), 0);
                self.push(v);
            }
            Operator::RefIsNull => {
                let r = self.pop()?;
                // i64 for funcref, i32 for externref: null is 0 in both.
                let ty = self.b.value_type(r);
                let v = self.b.inst1(InstKind::Eqz { ty, arg: r }, Type::I32);
                self.push(v);
            }
            Operator::RefFunc { function_index } => {
                let i = *function_index;
                let sig_id =
                    self.info.funcs.get(i as usize).map(|f| f.sig_id).ok_or_else(|| self.internal("function index out of range"))?;
                self.check_shareable_type("ref.func", sig_id)?;
                let lo = self.b.iconst(Type::I64, sig_id as i64 + 1);
                let addr = self.b.symbol_addr(SymbolRef::Func(i), 0);
                let wide = self.b.inst1(InstKind::Convert { op: ConvertOp::ExtendU, arg: addr }, Type::I64);
                let k32 = self.b.iconst(Type::I64, 32);
                let hi = self.b.binary(BinaryOp::Shl, wide, k32);
                let v = self.b.binary(BinaryOp::Or, hi, lo);
                self.push(v);
            }
            Operator::TableSize { table } => {
                self.check_table(*table)?;
                let v = self.load_word(SymbolRef::TableSize(*table));
                self.push(v);
            }
            Operator::TableGet { table } => {
                let ty = self.check_table(*table)?;
                let index = self.pop()?;
                let e = self.checked_entry(*table, index);
                let v = self.b.load(ty, LoadKind::Full, e, 0);
                self.push(v);
            }
            Operator::TableSet { table } => {
                self.check_table(*table)?;
                let val = self.pop()?;
                let index = self.pop()?;
                let e = self.checked_entry(*table, index);
                self.b.store(StoreKind::Full, e, val, 0);
            }
            Operator::TableGrow { table } => {
                let t = *table;
                self.check_table(t)?;
                let delta = self.pop()?;
                let init = self.pop()?;
                let size = self.load_word(SymbolRef::TableSize(t));
                // size <= capacity always, so the room cannot underflow.
                let cap = self.table_capacity(t);
                let room = self.b.binary(BinaryOp::Sub, cap, size);
                let fits = self.b.compare(IntCC::LeU, delta, room);
                let zero = self.i32c(0);
                let added =
                    self.b.inst1(InstKind::Select { ty: Type::I32, cond: fits, if_true: delta, if_false: zero }, Type::I32);
                let first = self.table_entry_addr(t, size);
                self.counted_loop(added, |l, k| {
                    let e = l.entry_at(first, k);
                    l.b.store(StoreKind::Full, e, init, 0);
                });
                let new_size = self.b.binary(BinaryOp::Add, size, added);
                let size_addr = self.b.symbol_addr(SymbolRef::TableSize(t), 0);
                self.b.store(StoreKind::Full, size_addr, new_size, 0);
                let fail = self.i32c(-1);
                let v =
                    self.b.inst1(InstKind::Select { ty: Type::I32, cond: fits, if_true: size, if_false: fail }, Type::I32);
                self.push(v);
            }
            Operator::TableFill { table } => {
                let t = *table;
                self.check_table(t)?;
                let n = self.pop()?;
                let val = self.pop()?;
                let i = self.pop()?;
                let size = self.load_word(SymbolRef::TableSize(t));
                self.range_check(i, n, size, TrapCode::TableAccessOutOfBounds);
                let first = self.table_entry_addr(t, i);
                self.counted_loop(n, |l, k| {
                    let e = l.entry_at(first, k);
                    l.b.store(StoreKind::Full, e, val, 0);
                });
            }
            Operator::TableCopy { dst_table, src_table } => {
                let (dt, st) = (*dst_table, *src_table);
                self.check_table(dt)?;
                self.check_table(st)?;
                let n = self.pop()?;
                let s = self.pop()?;
                let d = self.pop()?;
                let src_size = self.load_word(SymbolRef::TableSize(st));
                self.range_check(s, n, src_size, TrapCode::TableAccessOutOfBounds);
                let dst_size = self.load_word(SymbolRef::TableSize(dt));
                self.range_check(d, n, dst_size, TrapCode::TableAccessOutOfBounds);
                let src = self.table_entry_addr(st, s);
                let dst = self.table_entry_addr(dt, d);
                // Copy backwards when the destination is above the source
                // (overlap-safe like memmove).
                let backward = self.b.compare(IntCC::GtU, dst, src);
                let one = self.i32c(1);
                let last = self.b.binary(BinaryOp::Sub, n, one);
                self.counted_loop(n, |l, k| {
                    let rev = l.b.binary(BinaryOp::Sub, last, k);
                    let j = l.b.inst1(InstKind::Select { ty: Type::I32, cond: backward, if_true: rev, if_false: k }, Type::I32);
                    let from = l.entry_at(src, j);
                    let v = l.b.load(Type::I64, LoadKind::Full, from, 0);
                    let to = l.entry_at(dst, j);
                    l.b.store(StoreKind::Full, to, v, 0);
                });
            }
            Operator::TableInit { elem_index, table } => {
                let (seg, t) = (*elem_index, *table);
                self.check_table(t)?;
                let n = self.pop()?;
                let s = self.pop()?;
                let d = self.pop()?;
                let seg_len = self.load_word(SymbolRef::ElemSegmentLen(seg));
                self.range_check(s, n, seg_len, TrapCode::TableAccessOutOfBounds);
                let size = self.load_word(SymbolRef::TableSize(t));
                self.range_check(d, n, size, TrapCode::TableAccessOutOfBounds);
                let seg_base = self.b.symbol_addr(SymbolRef::ElemSegment(seg), 0);
                let src = self.entry_at(seg_base, s);
                let dst = self.table_entry_addr(t, d);
                self.counted_loop(n, |l, k| {
                    let from = l.entry_at(src, k);
                    let v = l.b.load(Type::I64, LoadKind::Full, from, 0);
                    let to = l.entry_at(dst, k);
                    l.b.store(StoreKind::Full, to, v, 0);
                });
            }
            Operator::ElemDrop { elem_index } => {
                let a = self.b.symbol_addr(SymbolRef::ElemSegmentLen(*elem_index), 0);
                let zero = self.i32c(0);
                self.b.store(StoreKind::Full, a, zero, 0);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}
