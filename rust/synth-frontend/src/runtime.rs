//! Generated runtime functions (i64 division and remainder, bulk memory,
//! `memory.grow`, and the soft-float helpers of [`float`]), built as IR so they go through the same backend as wasm
//! functions and are checked the same way.
//!
//! Takes a [`RuntimeFunc`] and the [`ModuleInfo`]; returns one IR
//! [`Function`] with the signature [`signature`] gives. Each function is
//! self-contained (no calls), so an object needs exactly the helpers the
//! lowering calls.
//!
//! - i64 division: 32-bit `udiv` when both operands fit in 32 bits,
//!   otherwise shift-subtract long division starting at the highest possible
//!   quotient bit (`clz(d) - clz(n)`), so small quotients take few rounds.
//!   Signed forms divide magnitudes and fix the sign.
//! - `memory.copy` / `memory.fill`: 4-byte words while at least 4 bytes
//!   remain (ARMv7-M permits unaligned `LDR`/`STR`, which the IR allows),
//!   then bytes; `memory.copy` runs backwards when `dst > src` (memmove).
//! - `memory.grow`: compares against the reserved pages, updates the
//!   [`SymbolRef::MemorySize`] word. Reserved memory is zero-initialised and
//!   memory never shrinks, so grown pages already read as zero.

pub mod float;

use crate::ModuleInfo;
use synth_ir::print::runtime_name;
use synth_ir::{
    BinaryOp, Block, BlockCall, ConvertOp, Function, FunctionBuilder, InstKind, IntCC, LoadKind, RuntimeFunc,
    Signature, StoreKind, SymbolRef, Terminator, Type, UnaryOp, Value,
};

/// Largest memory size in pages the 32-bit size word can represent
/// (65536 pages would be 2^32 bytes).
pub const MAX_PAGES_IN_SIZE_WORD: u32 = 65535;

/// The signature of runtime function `f`.
pub fn signature(f: RuntimeFunc) -> Signature {
    use Type::*;
    if let Some(h) = float::Helper::of(f) {
        return h.signature();
    }
    let (params, results) = match f {
        RuntimeFunc::I64DivS | RuntimeFunc::I64DivU | RuntimeFunc::I64RemS | RuntimeFunc::I64RemU => {
            (vec![I64, I64], vec![I64])
        }
        RuntimeFunc::MemoryCopy | RuntimeFunc::MemoryFill => (vec![I32, I32, I32], vec![]),
        RuntimeFunc::MemoryGrow => (vec![I32], vec![I32]),
        _ => unreachable!("{f:?} is a float helper, handled above"),
    };
    Signature { params, results }
}

/// The IR of runtime function `f` for a module described by `info` (memory
/// limits decide `memory.grow`).
pub fn build(f: RuntimeFunc, info: &ModuleInfo) -> Function {
    let mut b = FunctionBuilder::new(format!("__synth_{}", runtime_name(f)), signature(f));
    let p = b.block_params(Function::ENTRY).to_vec();
    match f {
        RuntimeFunc::I64DivU | RuntimeFunc::I64RemU => {
            let (q, r) = udivmod64(&mut b, p[0], p[1]);
            let res = if f == RuntimeFunc::I64DivU { q } else { r };
            b.terminate(Terminator::Return(vec![res]));
        }
        RuntimeFunc::I64DivS | RuntimeFunc::I64RemS => build_signed(&mut b, f, p[0], p[1]),
        RuntimeFunc::MemoryCopy => {
            let base = b.symbol_addr(SymbolRef::Memory, 0);
            let dst = b.binary(BinaryOp::Add, base, p[0]);
            let src = b.binary(BinaryOp::Add, base, p[1]);
            let back = b.compare(IntCC::GtU, p[0], p[1]);
            let fwd_blk = b.create_block();
            let bwd_blk = b.create_block();
            b.branch(back, call(bwd_blk, vec![]), call(fwd_blk, vec![]));
            b.switch_to_block(fwd_blk);
            emit_copy_forward(&mut b, dst, src, p[2]);
            b.terminate(Terminator::Return(vec![]));
            b.switch_to_block(bwd_blk);
            emit_copy_backward(&mut b, dst, src, p[2]);
            b.terminate(Terminator::Return(vec![]));
        }
        RuntimeFunc::MemoryFill => {
            let base = b.symbol_addr(SymbolRef::Memory, 0);
            let dst = b.binary(BinaryOp::Add, base, p[0]);
            emit_fill(&mut b, dst, p[1], p[2]);
            b.terminate(Terminator::Return(vec![]));
        }
        RuntimeFunc::MemoryGrow => build_grow(&mut b, info, p[0]),
        _ => match float::Helper::of(f) {
            Some(h) => h.build(&mut b),
            None => unreachable!("{f:?} has a build arm above"),
        },
    }
    b.finish()
}

fn call(block: Block, args: Vec<Value>) -> BlockCall {
    BlockCall { block, args }
}

fn iconst32(b: &mut FunctionBuilder, v: i64) -> Value {
    b.iconst(Type::I32, v)
}

/// Emits unsigned 64-bit division of `n` by the non-zero `d` from the
/// current block; leaves the builder in a block whose parameters are the
/// quotient and remainder (returned).
fn udivmod64(b: &mut FunctionBuilder, n: Value, d: Value) -> (Value, Value) {
    use Type::*;
    let exit = b.create_block();
    let q_out = b.append_block_param(exit, I64);
    let r_out = b.append_block_param(exit, I64);
    let small = b.create_block();
    let big = b.create_block();
    let prep = b.create_block();
    let lp = b.create_block();

    // Both operands below 2^32: one 32-bit division.
    let c32 = b.iconst(I64, 32);
    let n_hi = b.binary(BinaryOp::ShrU, n, c32);
    let d_hi = b.binary(BinaryOp::ShrU, d, c32);
    let hi = b.binary(BinaryOp::Or, n_hi, d_hi);
    let fits = b.inst1(InstKind::Eqz { ty: I64, arg: hi }, I32);
    b.branch(fits, call(small, vec![]), call(big, vec![]));

    b.switch_to_block(small);
    let n32 = b.inst1(InstKind::Convert { op: ConvertOp::Wrap, arg: n }, I32);
    let d32 = b.inst1(InstKind::Convert { op: ConvertOp::Wrap, arg: d }, I32);
    let q32 = b.binary(BinaryOp::DivU, n32, d32);
    let qd = b.binary(BinaryOp::Mul, q32, d32);
    let r32 = b.binary(BinaryOp::Sub, n32, qd);
    let q = b.inst1(InstKind::Convert { op: ConvertOp::ExtendU, arg: q32 }, I64);
    let r = b.inst1(InstKind::Convert { op: ConvertOp::ExtendU, arg: r32 }, I64);
    b.jump(exit, vec![q, r]);

    // n < d: quotient 0, remainder n.
    b.switch_to_block(big);
    let lt = b.compare(IntCC::LtU, n, d);
    let zero = b.iconst(I64, 0);
    b.branch(lt, call(exit, vec![zero, n]), call(prep, vec![]));

    // Align d's top bit with n's: the quotient has at most s + 1 bits.
    b.switch_to_block(prep);
    let clz_n = b.inst1(InstKind::Unary { op: UnaryOp::Clz, ty: I64, arg: n }, I64);
    let clz_d = b.inst1(InstKind::Unary { op: UnaryOp::Clz, ty: I64, arg: d }, I64);
    let s = b.binary(BinaryOp::Sub, clz_d, clz_n);
    let ds = b.binary(BinaryOp::Shl, d, s);
    let zero = b.iconst(I64, 0);
    b.jump(lp, vec![s, ds, n, zero]);

    // loop(i, ds, r, q): one quotient bit per round, from bit i down to 0.
    b.switch_to_block(lp);
    let i = b.append_block_param(lp, I64);
    let ds = b.append_block_param(lp, I64);
    let r = b.append_block_param(lp, I64);
    let q = b.append_block_param(lp, I64);
    let ge = b.compare(IntCC::GeU, r, ds);
    let diff = b.binary(BinaryOp::Sub, r, ds);
    let r2 = b.inst1(InstKind::Select { ty: I64, cond: ge, if_true: diff, if_false: r }, I64);
    let ge64 = b.inst1(InstKind::Convert { op: ConvertOp::ExtendU, arg: ge }, I64);
    let bit = b.binary(BinaryOp::Shl, ge64, i);
    let q2 = b.binary(BinaryOp::Or, q, bit);
    let one = b.iconst(I64, 1);
    let ds2 = b.binary(BinaryOp::ShrU, ds, one);
    let i2 = b.binary(BinaryOp::Sub, i, one);
    let done = b.inst1(InstKind::Eqz { ty: I64, arg: i }, I32);
    b.branch(done, call(exit, vec![q2, r2]), call(lp, vec![i2, ds2, r2, q2]));

    b.switch_to_block(exit);
    (q_out, r_out)
}

/// Signed division/remainder via magnitudes. `i64::MIN / -1` is excluded by
/// the caller's trap check; `i64::MIN % -1` comes out 0.
fn build_signed(b: &mut FunctionBuilder, f: RuntimeFunc, n: Value, d: Value) {
    use Type::*;
    let zero = b.iconst(I64, 0);
    let n_neg = b.compare(IntCC::LtS, n, zero);
    let d_neg = b.compare(IntCC::LtS, d, zero);
    let n_minus = b.binary(BinaryOp::Sub, zero, n);
    let d_minus = b.binary(BinaryOp::Sub, zero, d);
    let an = b.inst1(InstKind::Select { ty: I64, cond: n_neg, if_true: n_minus, if_false: n }, I64);
    let ad = b.inst1(InstKind::Select { ty: I64, cond: d_neg, if_true: d_minus, if_false: d }, I64);
    let (q, r) = udivmod64(b, an, ad);
    let zero = b.iconst(I64, 0);
    let (val, neg) = if f == RuntimeFunc::I64DivS { (q, b.binary(BinaryOp::Xor, n_neg, d_neg)) } else { (r, n_neg) };
    let minus = b.binary(BinaryOp::Sub, zero, val);
    let res = b.inst1(InstKind::Select { ty: I64, cond: neg, if_true: minus, if_false: val }, I64);
    b.terminate(Terminator::Return(vec![res]));
}

/// `memory.grow`: `(delta) -> old pages`, or -1 when the result would
/// exceed the reserved pages (capped at [`MAX_PAGES_IN_SIZE_WORD`]).
fn build_grow(b: &mut FunctionBuilder, info: &ModuleInfo, delta: Value) {
    use Type::*;
    let Some(mem) = &info.memory else {
        // No memory: validation rejects memory.grow; fail safely anyway.
        let m1 = iconst32(b, -1);
        b.terminate(Terminator::Return(vec![m1]));
        return;
    };
    let limit = mem.reserved_pages.min(MAX_PAGES_IN_SIZE_WORD);
    let size_addr = b.symbol_addr(SymbolRef::MemorySize, 0);
    let size = b.load(I32, LoadKind::Full, size_addr, 0);
    let c16 = iconst32(b, 16);
    let old = b.binary(BinaryOp::ShrU, size, c16);
    // old <= limit always holds, so limit - old does not wrap; guard anyway
    // by comparing with unsigned arithmetic on both sides.
    let lim = iconst32(b, limit as i64);
    let avail = b.binary(BinaryOp::Sub, lim, old);
    let over_old = b.compare(IntCC::GtU, old, lim);
    let too_big = b.compare(IntCC::GtU, delta, avail);
    let fail = b.binary(BinaryOp::Or, over_old, too_big);
    let ok_blk = b.create_block();
    let fail_blk = b.create_block();
    b.branch(fail, call(fail_blk, vec![]), call(ok_blk, vec![]));
    b.switch_to_block(fail_blk);
    let m1 = iconst32(b, -1);
    b.terminate(Terminator::Return(vec![m1]));
    b.switch_to_block(ok_blk);
    let new = b.binary(BinaryOp::Add, old, delta);
    let new_size = b.binary(BinaryOp::Shl, new, c16);
    b.store(StoreKind::Full, size_addr, new_size, 0);
    b.terminate(Terminator::Return(vec![old]));
}

/// Emits a forward copy of `len` bytes from absolute address `src` to `dst`
/// (words, then bytes), continuing in a fresh block when done. Safe for
/// overlap when `dst <= src`.
pub(crate) fn emit_copy_forward(b: &mut FunctionBuilder, dst: Value, src: Value, len: Value) {
    use Type::*;
    let words = b.create_block();
    let word_body = b.create_block();
    let tail = b.create_block();
    let byte_body = b.create_block();
    let done = b.create_block();
    b.jump(words, vec![dst, src, len]);

    b.switch_to_block(words);
    let (d, s, n) =
        (b.append_block_param(words, I32), b.append_block_param(words, I32), b.append_block_param(words, I32));
    let four = iconst32(b, 4);
    let ge4 = b.compare(IntCC::GeU, n, four);
    b.branch(ge4, call(word_body, vec![]), call(tail, vec![d, s, n]));

    b.switch_to_block(word_body);
    let w = b.load(I32, LoadKind::Full, s, 0);
    b.store(StoreKind::Full, d, w, 0);
    let d2 = b.binary(BinaryOp::Add, d, four);
    let s2 = b.binary(BinaryOp::Add, s, four);
    let n2 = b.binary(BinaryOp::Sub, n, four);
    b.jump(words, vec![d2, s2, n2]);

    b.switch_to_block(tail);
    let (d, s, n) = (b.append_block_param(tail, I32), b.append_block_param(tail, I32), b.append_block_param(tail, I32));
    let z = b.inst1(InstKind::Eqz { ty: I32, arg: n }, I32);
    b.branch(z, call(done, vec![]), call(byte_body, vec![]));

    b.switch_to_block(byte_body);
    let x = b.load(I32, LoadKind::U8, s, 0);
    b.store(StoreKind::B8, d, x, 0);
    let one = iconst32(b, 1);
    let d2 = b.binary(BinaryOp::Add, d, one);
    let s2 = b.binary(BinaryOp::Add, s, one);
    let n2 = b.binary(BinaryOp::Sub, n, one);
    b.jump(tail, vec![d2, s2, n2]);

    b.switch_to_block(done);
}

/// Emits a backward copy (from the last byte down), for `dst > src`.
fn emit_copy_backward(b: &mut FunctionBuilder, dst: Value, src: Value, len: Value) {
    use Type::*;
    let words = b.create_block();
    let word_body = b.create_block();
    let tail = b.create_block();
    let byte_body = b.create_block();
    let done = b.create_block();
    let de = b.binary(BinaryOp::Add, dst, len);
    let se = b.binary(BinaryOp::Add, src, len);
    b.jump(words, vec![de, se, len]);

    // Parameters are one-past-the-end pointers and the bytes left.
    b.switch_to_block(words);
    let (d, s, n) =
        (b.append_block_param(words, I32), b.append_block_param(words, I32), b.append_block_param(words, I32));
    let four = iconst32(b, 4);
    let ge4 = b.compare(IntCC::GeU, n, four);
    b.branch(ge4, call(word_body, vec![]), call(tail, vec![d, s, n]));

    b.switch_to_block(word_body);
    let d2 = b.binary(BinaryOp::Sub, d, four);
    let s2 = b.binary(BinaryOp::Sub, s, four);
    let n2 = b.binary(BinaryOp::Sub, n, four);
    let w = b.load(I32, LoadKind::Full, s2, 0);
    b.store(StoreKind::Full, d2, w, 0);
    b.jump(words, vec![d2, s2, n2]);

    b.switch_to_block(tail);
    let (d, s, n) = (b.append_block_param(tail, I32), b.append_block_param(tail, I32), b.append_block_param(tail, I32));
    let z = b.inst1(InstKind::Eqz { ty: I32, arg: n }, I32);
    b.branch(z, call(done, vec![]), call(byte_body, vec![]));

    b.switch_to_block(byte_body);
    let one = iconst32(b, 1);
    let d2 = b.binary(BinaryOp::Sub, d, one);
    let s2 = b.binary(BinaryOp::Sub, s, one);
    let n2 = b.binary(BinaryOp::Sub, n, one);
    let x = b.load(I32, LoadKind::U8, s2, 0);
    b.store(StoreKind::B8, d2, x, 0);
    b.jump(tail, vec![d2, s2, n2]);

    b.switch_to_block(done);
}

/// Emits a fill of `len` bytes at absolute address `dst` with the low byte
/// of `val` (words, then bytes), continuing in a fresh block.
fn emit_fill(b: &mut FunctionBuilder, dst: Value, val: Value, len: Value) {
    use Type::*;
    let words = b.create_block();
    let word_body = b.create_block();
    let tail = b.create_block();
    let byte_body = b.create_block();
    let done = b.create_block();
    let ff = iconst32(b, 0xff);
    let byte = b.binary(BinaryOp::And, val, ff);
    let splat = iconst32(b, 0x0101_0101);
    let word = b.binary(BinaryOp::Mul, byte, splat);
    b.jump(words, vec![dst, len]);

    b.switch_to_block(words);
    let (d, n) = (b.append_block_param(words, I32), b.append_block_param(words, I32));
    let four = iconst32(b, 4);
    let ge4 = b.compare(IntCC::GeU, n, four);
    b.branch(ge4, call(word_body, vec![]), call(tail, vec![d, n]));

    b.switch_to_block(word_body);
    b.store(StoreKind::Full, d, word, 0);
    let d2 = b.binary(BinaryOp::Add, d, four);
    let n2 = b.binary(BinaryOp::Sub, n, four);
    b.jump(words, vec![d2, n2]);

    b.switch_to_block(tail);
    let (d, n) = (b.append_block_param(tail, I32), b.append_block_param(tail, I32));
    let z = b.inst1(InstKind::Eqz { ty: I32, arg: n }, I32);
    b.branch(z, call(done, vec![]), call(byte_body, vec![]));

    b.switch_to_block(byte_body);
    b.store(StoreKind::B8, d, byte, 0);
    let one = iconst32(b, 1);
    let d2 = b.binary(BinaryOp::Add, d, one);
    let n2 = b.binary(BinaryOp::Sub, n, one);
    b.jump(tail, vec![d2, n2]);

    b.switch_to_block(done);
}

#[cfg(test)]
mod tests;
