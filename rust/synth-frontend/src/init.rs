//! The module's init function (`<prefix>init`, see docs/ABI.md): sets the
//! memory size word, copies active data segments, fills tables from active
//! element segments (trapping like the spec when a segment is out of
//! bounds), initialises globals whose initialiser is not a constant, and
//! runs the start function.
//!
//! Takes the [`ModuleInfo`]; returns one IR [`Function`] `() -> ()`. Order
//! follows the spec's instantiation:
//! 1. the [`SymbolRef::MemorySize`] word = initial pages × 64 KiB, for a
//!    defined memory that may grow (the object's `.data` holds that value
//!    already, [`memory_size_word`]; an imported memory comes with its own
//!    size word, the exporter's, which holds its current size: see
//!    docs/ABI.md);
//! 2. each defined table's [`SymbolRef::TableSize`] word = its initial size,
//!    for a table with room to grow (`.data` holds that value already; an
//!    imported table's size word is its provider's, as for memory);
//! 3. globals initialised by `global.get` copy their source global; funcref
//!    globals initialised by `ref.func f` get the entry `{sig_id + 1, f}`;
//! 4. (segment length words are not written: the object's `.data` holds
//!    their values after instantiation, [`segment_length_after_init`]);
//! 5. active element segments in order: those [`preset_elems`] finds safe
//!    are already in their table's `.data` image; from the first other one
//!    on, trap with [`TrapCode::TableAccessOutOfBounds`] unless
//!    `offset + len <= table size`, then write entries `{sig_id + 1,
//!    function address}` (`{0, 0}` for null references), copied from the
//!    segment's `.rodata` entries from [`ELEM_COPY_MIN_ITEMS`] items on;
//! 6. active data segments in order: [`InstKind::BoundsCheck`] of
//!    `offset + len` against the memory size, then a copy from
//!    [`SymbolRef::DataSegment`]; from [`DATA_TABLE_MIN_SEGMENTS`] active
//!    segments on, all at constant offsets, one loop does the same over the
//!    descriptor table [`SymbolRef::DataInitTable`] (see [`data_table`]),
//!    so the code stays the same size however many segments there are (and
//!    the segments' length words are zeroed in that loop);
//! 7. the start function, if any.
//!
//! A trapping segment leaves the effects of the segments before it, as the
//! spec does.

use crate::runtime::emit_copy_forward;
use std::collections::BTreeMap;
use crate::{ConstExpr, FrontendOptions, GlobalInit, ModuleInfo};
use synth_ir::{
    BinaryOp, Callee, Function, FunctionBuilder, InstKind, IntCC, LoadKind, Signature, StoreKind, SymbolRef,
    Terminator, TrapCode, Type, Value,
};

/// The value of a defined memory's size word in the object's `.data`: its
/// initial size in bytes (pages × 64 KiB), so the word is right before init
/// runs. Init writes it again only when the memory may grow (a second init
/// resets a grown memory's size); a memory that can never change size
/// ([`ModuleInfo::static_memory_bytes`]) costs init nothing. `None` for an
/// imported memory (its size word is the provider's) or no memory.
pub fn memory_size_word(info: &ModuleInfo) -> Option<u32> {
    info.memory.as_ref().filter(|m| m.import.is_none())?;
    info.min_memory_bytes()
}

/// The IR of the init function for `info`.
pub fn build(info: &ModuleInfo, opts: &FrontendOptions) -> Function {
    // Instantiation checks are part of the semantics, not of the optional
    // per-access checks, so `opts.bounds_checks` does not remove them.
    let _ = opts;
    let mut b = FunctionBuilder::new("init", Signature::default());
    // The object's `.data` holds the initial size already; a memory that
    // may have grown since is reset to it. An imported memory's size word
    // is the exporter's.
    if let Some(bytes) = memory_size_word(info).filter(|_| info.static_memory_bytes().is_none()) {
        let size = b.iconst(Type::I32, i64::from(bytes));
        store_word(&mut b, SymbolRef::MemorySize, size);
    }
    // The object's `.data` holds each defined table's initial size; a table
    // with room to grow is reset to it. An imported table's size word is its
    // provider's: already set.
    for (i, t) in info.tables.iter().enumerate().filter(|(_, t)| t.import.is_none() && t.reserved > t.initial) {
        let size = b.iconst(Type::I32, t.initial as i64);
        store_word(&mut b, SymbolRef::TableSize(i as u32), size);
    }
    init_globals(&mut b, info);
    let table = data_table(info);
    let preset = preset_elems(info);
    for (i, seg) in info.elems.iter().enumerate() {
        if let Some((table, offset)) = seg.active {
            if !preset[i] && !init_elem(&mut b, info, i as u32, table, offset, &seg.items) {
                return b.finish();
            }
        }
    }
    if let Some(table) = &table {
        init_data_table(&mut b, table.len() as u32);
    } else if info.memory.is_some() {
        for (i, seg) in info.data.iter().enumerate() {
            if let Some(offset) = seg.active_offset {
                init_data(&mut b, i as u32, offset, seg.bytes.len() as u32);
            }
        }
    }
    if let Some(start) = info.start {
        let sig = info.funcs.get(start as usize).map(|f| f.sig.clone()).unwrap_or_default();
        if !sig.params.is_empty() || !sig.results.is_empty() {
            // Validation guarantees `() -> ()`; anything else is a front-end bug.
            b.terminate(Terminator::Trap(TrapCode::Unreachable));
            return b.finish();
        }
        b.inst(InstKind::Call { callee: Callee::Func(start), sig, args: vec![] }, &[]);
    }
    b.terminate(Terminator::Return(vec![]));
    b.finish()
}

fn store_word(b: &mut FunctionBuilder, sym: SymbolRef, value: Value) {
    let addr = b.symbol_addr(sym, 0);
    b.store(StoreKind::Full, addr, value, 0);
}

fn init_globals(b: &mut FunctionBuilder, info: &ModuleInfo) {
    for (i, g) in info.globals.iter().enumerate() {
        if g.import.is_some() {
            continue;
        }
        match g.init {
            GlobalInit::GlobalGet(src) => {
                let from = b.symbol_addr(SymbolRef::Global(src), 0);
                let v = b.load(g.ty, LoadKind::Full, from, 0);
                let to = b.symbol_addr(SymbolRef::Global(i as u32), 0);
                b.store(StoreKind::Full, to, v, 0);
            }
            // A funcref global holds a table entry: {sig_id + 1, address}.
            // Null stays {0, 0} as stored in `.data`.
            GlobalInit::RefFunc(Some(f)) => {
                let Some(fi) = info.funcs.get(f as usize) else { continue };
                let id = b.iconst(Type::I32, fi.sig_id as i64 + 1);
                let addr = b.symbol_addr(SymbolRef::Func(f), 0);
                let to = b.symbol_addr(SymbolRef::Global(i as u32), 0);
                b.store(StoreKind::Full, to, id, 0);
                b.store(StoreKind::Full, to, addr, 4);
            }
            _ => {}
        }
    }
}

/// Active data segments from which the init function copies them with a
/// loop over [`SymbolRef::DataInitTable`] instead of code per segment.
pub const DATA_TABLE_MIN_SEGMENTS: usize = 3;

/// Bytes per entry of [`SymbolRef::DataInitTable`].
pub const DATA_TABLE_ENTRY_BYTES: u32 = 16;

/// One entry of [`SymbolRef::DataInitTable`]: data segment `segment`, to be
/// copied to memory offset `offset`. In the table: the words `offset`, the
/// segment's byte length, the address of [`SymbolRef::DataSegment`] and the
/// address of [`SymbolRef::DataSegmentLen`] of `segment`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DataTableEntry {
    /// Data segment index.
    pub segment: u32,
    /// Memory offset (the segment's constant offset expression, as u32).
    pub offset: u32,
}

/// The entries of the init function's data segment table, in segment
/// order, when it has one: the module has a memory and at least
/// [`DATA_TABLE_MIN_SEGMENTS`] active data segments, all at constant
/// offsets (a `global.get` offset keeps the code per segment, so segments
/// are still copied in order). The object writer emits the table from it.
pub fn data_table(info: &ModuleInfo) -> Option<Vec<DataTableEntry>> {
    info.memory.as_ref()?;
    let mut entries = Vec::new();
    for (i, seg) in info.data.iter().enumerate() {
        match seg.active_offset {
            None => {}
            Some(ConstExpr::I32(off)) => entries.push(DataTableEntry { segment: i as u32, offset: off as u32 }),
            Some(ConstExpr::GlobalGet(_)) => return None,
        }
    }
    (entries.len() >= DATA_TABLE_MIN_SEGMENTS).then_some(entries)
}

/// The value a segment's length word holds once the module is instantiated
/// (and so in the object's `.data`, see docs/ABI.md): a passive segment's
/// length; 0 for active and declarative segments, which instantiation drops.
pub fn segment_length_after_init(active: bool, declared: bool, len: usize) -> u32 {
    if active || declared {
        0
    } else {
        len as u32
    }
}

/// Which element segments the object writer places in their table's initial
/// `.data` image instead of init code writing them (`true` at the segment's
/// index): the longest run of active segments, from the first on, each of
/// which writes a table the module defines at a constant offset within its
/// initial size and names only functions the module has. None of them can
/// trap, and each lands before any segment that init still handles (a
/// `global.get` offset, an imported table, or one out of bounds, which
/// traps), so the table ends in the state the spec's instantiation gives.
pub fn preset_elems(info: &ModuleInfo) -> Vec<bool> {
    let mut preset = vec![false; info.elems.len()];
    for (i, seg) in info.elems.iter().enumerate() {
        let Some((table, offset)) = seg.active else { continue };
        let Some(t) = info.tables.get(table as usize).filter(|t| t.import.is_none()) else { break };
        let ConstExpr::I32(off) = offset else { break };
        let fits = u64::from(off as u32) + seg.items.len() as u64 <= u64::from(t.initial);
        let known = seg.items.iter().flatten().all(|&f| (f as usize) < info.funcs.len());
        if !fits || !known {
            break;
        }
        preset[i] = true;
    }
    preset
}

/// The i32 value of a segment offset expression.
fn offset_value(b: &mut FunctionBuilder, offset: ConstExpr) -> Value {
    match offset {
        ConstExpr::I32(n) => b.iconst(Type::I32, n as i64),
        ConstExpr::GlobalGet(g) => {
            let addr = b.symbol_addr(SymbolRef::Global(g), 0);
            b.load(Type::I32, LoadKind::Full, addr, 0)
        }
    }
}

/// The entries the preset element segments ([`preset_elems`]) give table
/// `table` in its initial image: entry index → (type word `sig_id + 1`,
/// function), in segment order so a later segment's entry replaces an
/// earlier one's; a null item is `(0, None)`.
pub fn preset_table_entries(info: &ModuleInfo, table: u32) -> BTreeMap<u32, (u32, Option<u32>)> {
    let preset = preset_elems(info);
    let mut entries = BTreeMap::new();
    for e in info.elems.iter().zip(&preset).filter(|&(_, &p)| p).map(|(e, _)| e) {
        let Some((t, ConstExpr::I32(off))) = e.active else { continue };
        if t != table {
            continue;
        }
        for (k, item) in e.items.iter().enumerate() {
            let entry = match item {
                Some(f) => (info.funcs[*f as usize].sig_id + 1, Some(*f)),
                None => (0, None),
            };
            entries.insert(off as u32 + k as u32, entry);
        }
    }
    entries
}

/// From this many items on, init copies an active element segment it
/// handles from its `.rodata` entries with a loop instead of code per item.
pub const ELEM_COPY_MIN_ITEMS: usize = 4;

/// Emits the check and the writes of one active element segment. Returns
/// false (after ending the function with a trap) when an item names a
/// function `info` does not have, which validation excludes.
fn init_elem(
    b: &mut FunctionBuilder,
    info: &ModuleInfo,
    segment: u32,
    table: u32,
    offset: ConstExpr,
    items: &[Option<u32>],
) -> bool {
    let off = offset_value(b, offset);
    let size_addr = b.symbol_addr(SymbolRef::TableSize(table), 0);
    let size = b.load(Type::I32, LoadKind::Full, size_addr, 0);
    // offset + len > size, without overflow: len > size || offset > size - len.
    let len = b.iconst(Type::I32, items.len() as i64);
    let len_big = b.compare(IntCC::GtU, len, size);
    let room = b.binary(BinaryOp::Sub, size, len);
    let off_big = b.compare(IntCC::GtU, off, room);
    let oob = b.binary(BinaryOp::Or, len_big, off_big);
    b.trap_if(oob, TrapCode::TableAccessOutOfBounds);
    if items.is_empty() {
        return true;
    }
    let base = b.symbol_addr(SymbolRef::Table(table), 0);
    let three = b.iconst(Type::I32, 3);
    let scaled = b.binary(BinaryOp::Shl, off, three);
    let first = b.binary(BinaryOp::Add, base, scaled);
    if items.len() >= ELEM_COPY_MIN_ITEMS {
        // The entries as the object's `.rodata` holds them (docs/ABI.md).
        if items.iter().flatten().any(|&f| f as usize >= info.funcs.len()) {
            b.terminate(Terminator::Trap(TrapCode::Unreachable));
            return false;
        }
        let src = b.symbol_addr(SymbolRef::ElemSegment(segment), 0);
        let bytes = b.iconst(Type::I32, items.len() as i64 * 8);
        emit_copy_forward(b, first, src, bytes);
        return true;
    }
    let zero = b.iconst(Type::I32, 0);
    for (k, item) in items.iter().enumerate() {
        let at = (k as u32) * 8;
        let (type_id, func) = match item {
            None => (zero, zero),
            Some(f) => {
                let Some(fi) = info.funcs.get(*f as usize) else {
                    b.terminate(Terminator::Trap(TrapCode::Unreachable));
                    return false;
                };
                let id = b.iconst(Type::I32, fi.sig_id as i64 + 1);
                let addr = b.symbol_addr(SymbolRef::Func(*f), 0);
                (id, addr)
            }
        };
        b.store(StoreKind::Full, first, type_id, at);
        b.store(StoreKind::Full, first, func, at + 4);
    }
    true
}

/// Emits the loop over the `count` entries of [`SymbolRef::DataInitTable`]:
/// per entry, in order, the segment's length word is zeroed, `offset + len`
/// is checked against the memory size (a trap leaves the segments before
/// it copied, as the spec does) and the bytes are copied.
fn init_data_table(b: &mut FunctionBuilder, count: u32) {
    let table = b.symbol_addr(SymbolRef::DataInitTable, 0);
    let size_addr = b.symbol_addr(SymbolRef::MemorySize, 0);
    let size = b.load(Type::I32, LoadKind::Full, size_addr, 0);
    let mem = b.symbol_addr(SymbolRef::Memory, 0);
    let bytes = b.iconst(Type::I32, (count * DATA_TABLE_ENTRY_BYTES) as i64);
    let end = b.binary(BinaryOp::Add, table, bytes);
    let entry = b.create_block();
    b.jump(entry, vec![table]);
    b.switch_to_block(entry);
    let p = b.append_block_param(entry, Type::I32);
    let off = b.load(Type::I32, LoadKind::Full, p, 0);
    let len = b.load(Type::I32, LoadKind::Full, p, 4);
    let src = b.load(Type::I32, LoadKind::Full, p, 8);
    let len_word = b.load(Type::I32, LoadKind::Full, p, 12);
    let zero = b.iconst(Type::I32, 0);
    b.store(StoreKind::Full, len_word, zero, 0);
    // offset + len > size, without overflow: len > size || offset > size - len.
    let len_big = b.compare(IntCC::GtU, len, size);
    let room = b.binary(BinaryOp::Sub, size, len);
    let off_big = b.compare(IntCC::GtU, off, room);
    let oob = b.binary(BinaryOp::Or, len_big, off_big);
    b.trap_if(oob, TrapCode::MemoryOutOfBounds);
    let dst = b.binary(BinaryOp::Add, mem, off);
    emit_copy_forward(b, dst, src, len);
    let step = b.iconst(Type::I32, DATA_TABLE_ENTRY_BYTES as i64);
    let next = b.binary(BinaryOp::Add, p, step);
    let more = b.compare(IntCC::Ne, next, end);
    let done = b.create_block();
    b.branch(more, synth_ir::BlockCall { block: entry, args: vec![next] }, synth_ir::BlockCall { block: done, args: vec![] });
    b.switch_to_block(done);
}

/// Emits the bounds check and copy of active data segment `index`.
fn init_data(b: &mut FunctionBuilder, index: u32, offset: ConstExpr, len: u32) {
    let off = offset_value(b, offset);
    b.inst0(InstKind::BoundsCheck { addr: off, end: len as u64 });
    if len == 0 {
        return;
    }
    let mem = b.symbol_addr(SymbolRef::Memory, 0);
    let dst = b.binary(BinaryOp::Add, mem, off);
    let src = b.symbol_addr(SymbolRef::DataSegment(index), 0);
    emit_copy_const(b, index, dst, src, len);
}

/// Word copies up to this many are straight-line code; longer copies loop.
const COPY_UNROLL_WORDS: u32 = 3;

/// Emits a forward copy of exactly `len` (> 0, known here) bytes from data
/// segment `seg` (at `src`) to `dst`, which do not overlap: the whole words
/// (straight-line up to [`COPY_UNROLL_WORDS`], else one loop that runs at
/// least once, indexing both from the last word down so that one register
/// counts and addresses: `LDR w, [src-4, i]; STR w, [dst-4, i]; SUBS i, #4;
/// BNE`), then the 0..=3 trailing bytes straight-line off `dst`/`src`. The
/// generic [`emit_copy_forward`] tests the length before every word and
/// loops over the tail, which a constant length makes unnecessary.
fn emit_copy_const(b: &mut FunctionBuilder, seg: u32, dst: Value, src: Value, len: u32) {
    let words = len / 4;
    let mut at = 0u32;
    if words > COPY_UNROLL_WORDS {
        let body = b.create_block();
        let after = b.create_block();
        // Addresses one word below the segment and the destination: index i
        // runs from words*4 down to 4.
        let src_m4 = b.symbol_addr(SymbolRef::DataSegment(seg), -4);
        let four = b.iconst(Type::I32, 4);
        let dst_m4 = b.binary(BinaryOp::Sub, dst, four);
        let n0 = b.iconst(Type::I32, (words * 4) as i64);
        b.jump(body, vec![n0]);
        b.switch_to_block(body);
        let i = b.append_block_param(body, Type::I32);
        let sa = b.binary(BinaryOp::Add, src_m4, i);
        let w = b.load(Type::I32, LoadKind::Full, sa, 0);
        let da = b.binary(BinaryOp::Add, dst_m4, i);
        b.store(StoreKind::Full, da, w, 0);
        let i2 = b.binary(BinaryOp::Sub, i, four);
        let zero = b.iconst(Type::I32, 0);
        let more = b.compare(IntCC::Ne, i2, zero);
        b.branch(
            more,
            synth_ir::BlockCall { block: body, args: vec![i2] },
            synth_ir::BlockCall { block: after, args: vec![] },
        );
        b.switch_to_block(after);
        at = words * 4;
    } else {
        for _ in 0..words {
            let w = b.load(Type::I32, LoadKind::Full, src, at);
            b.store(StoreKind::Full, dst, w, at);
            at += 4;
        }
    }
    for _ in 0..len % 4 {
        let x = b.load(Type::I32, LoadKind::U8, src, at);
        b.store(StoreKind::B8, dst, x, at);
        at += 1;
    }
}

#[cfg(test)]
mod tests;
