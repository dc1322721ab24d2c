//! Large constant offsets off a symbol into the symbol's addend.
//!
//! Takes a [`Function`] (after [`crate::addr`], which moves constant
//! address parts into access offsets); returns it (in place) with accesses
//! at `s + o` and `(s + x) + o`, `s` a [`InstKind::SymbolAddr`] (the linear
//! memory base, mostly) and `o` too large for a 16-bit load/store encoding,
//! rewritten to `s' + r` and `(s' + x) + r` where `s' = s + c` is a new
//! symbol address (its addend grown by `c`) and `r = o - c` is small.
//! Addresses wrap modulo 2^32 on both sides, so the byte accessed is the
//! same. Only the absolute address of the access changes; bounds checks
//! read the wasm address and are untouched.
//!
//! Thumb's 16-bit `LDR`/`STR` reach 124 bytes (words), 62 (halfwords) and
//! 31 (bytes) from a low base register; a static table or a field of a
//! static struct sits at a fixed address further into memory, so every
//! access to it was a 32-bit `LDR.W rd, [rn, #imm12]`, and `s + (i << 2) +
//! o` could not use the register-offset form `LDR rd, [rn, rm, LSL #2]`.
//!
//! Grouping: the accesses off one `s + x` value share one `c` (the smallest
//! of their offsets, or that rounded down to a multiple of 4 when word
//! accesses then align); accesses off `s` itself are grouped in 32-byte
//! windows, each opened at the lowest offset left. A new symbol address costs a literal (about 6 bytes): the
//! groups of one new addend are rewritten only when the bytes they save
//! (2 per access whose new offset has a 16-bit form and whose old one did
//! not) pay for it and for the new additions.

use std::collections::BTreeMap;
use synth_ir::{BinaryOp, Function, Inst, InstKind, LoadKind, StoreKind, SymbolRef, Type, Value};

/// Bytes a new symbol address costs (a 16-bit literal load and its word).
const SYMBOL_COST: u32 = 6;
/// Bytes the accesses of one 32-byte window off the symbol must save.
const MIN_WINDOW_GAIN: u32 = 6;
/// Bytes a new `s' + x` addition may cost when the old one stays.
const ADD_COST: u32 = 2;

/// How an access reads or writes memory, for its 16-bit forms.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Width {
    /// 1, 2 or 4 bytes with a 16-bit immediate form.
    Bytes(u32),
    /// Two words (an i64 in two `LDR`s).
    Pair,
    /// Sign-extending loads: no 16-bit immediate form, a 16-bit
    /// register-offset one.
    Signed,
    /// Floats (FPU loads and stores have no 16-bit form).
    Float,
}

fn fits(w: Width, off: u64) -> bool {
    match w {
        Width::Bytes(1) => off <= 31,
        Width::Bytes(2) => off <= 62 && off % 2 == 0,
        Width::Bytes(4) => off <= 124 && off % 4 == 0,
        Width::Pair => off + 4 <= 124 && off % 4 == 0,
        _ => false,
    }
}

fn load_width(ty: Type, kind: LoadKind) -> Width {
    match (ty, kind) {
        (Type::I32, LoadKind::Full) | (Type::I64, LoadKind::U32 | LoadKind::S32) => Width::Bytes(4),
        (Type::I64, LoadKind::Full) => Width::Pair,
        (Type::I32 | Type::I64, LoadKind::U8) => Width::Bytes(1),
        (Type::I32 | Type::I64, LoadKind::U16) => Width::Bytes(2),
        (Type::I32 | Type::I64, _) => Width::Signed,
        _ => Width::Float,
    }
}

fn store_width(ty: Type, kind: StoreKind) -> Width {
    match (ty, kind) {
        (Type::I32, StoreKind::Full) | (Type::I64, StoreKind::B32) => Width::Bytes(4),
        (Type::I64, StoreKind::Full) => Width::Pair,
        (Type::I32 | Type::I64, StoreKind::B8) => Width::Bytes(1),
        (Type::I32 | Type::I64, StoreKind::B16) => Width::Bytes(2),
        _ => Width::Float,
    }
}

/// One access: where it is, its address value and offset, its width.
struct Access {
    block: usize,
    index: usize,
    addr: Value,
    offset: u32,
    width: Width,
}

/// Group key: the address value, and for accesses off the symbol itself
/// the 32-byte window of the offset.
type GroupKey = (Value, Option<u32>);

/// Runs the pass; returns the number of accesses rewritten.
pub fn run(func: &mut Function) -> usize {
    // Definition site and kind of each instruction result.
    let mut defs: Vec<Option<(usize, usize)>> = vec![None; func.value_types.len()];
    for (b, bd) in func.blocks.iter().enumerate() {
        for (k, inst) in bd.insts.iter().enumerate() {
            if let [r] = inst.results[..] {
                defs[r.0 as usize] = Some((b, k));
            }
        }
    }
    let kind_of = |v: Value| defs.get(v.0 as usize).copied().flatten().map(|(b, k)| &func.blocks[b].insts[k].kind);
    let symbol = |v: Value| match kind_of(v) {
        Some(InstKind::SymbolAddr { sym, addend }) => Some((*sym, *addend)),
        _ => None,
    };
    // `addr` = s or s + x: (s, x).
    let split = |addr: Value| -> Option<(Value, Option<Value>)> {
        if symbol(addr).is_some() {
            return Some((addr, None));
        }
        match kind_of(addr) {
            Some(InstKind::Binary { op: BinaryOp::Add, ty: Type::I32, lhs, rhs }) => {
                if symbol(*lhs).is_some() && symbol(*rhs).is_none() {
                    Some((*lhs, Some(*rhs)))
                } else if symbol(*rhs).is_some() && symbol(*lhs).is_none() {
                    Some((*rhs, Some(*lhs)))
                } else {
                    None
                }
            }
            _ => None,
        }
    };

    let mut uses = vec![0u32; func.value_types.len()];
    for bd in &func.blocks {
        for v in bd.insts.iter().flat_map(|i| i.kind.operands()).chain(bd.term.operands()) {
            if let Some(u) = uses.get_mut(v.0 as usize) {
                *u += 1;
            }
        }
    }
    let mut groups: BTreeMap<GroupKey, Vec<Access>> = BTreeMap::new();
    for (b, bd) in func.blocks.iter().enumerate() {
        for (k, inst) in bd.insts.iter().enumerate() {
            let (addr, offset, width) = match &inst.kind {
                InstKind::Load { ty, kind, addr, offset } => (*addr, *offset, load_width(*ty, *kind)),
                InstKind::Store { kind, addr, value, offset } => {
                    (*addr, *offset, store_width(func.value_type(*value), *kind))
                }
                _ => continue,
            };
            if width == Width::Float || fits(width, u64::from(offset)) {
                continue;
            }
            let Some((_, x)) = split(addr) else { continue };
            let window = x.is_none().then_some(0);
            groups.entry((addr, window)).or_default().push(Access { block: b, index: k, addr, offset, width });
        }
    }
    // Accesses off the symbol itself: windows of 32 bytes, each opened at
    // the lowest offset not yet covered.
    let fixed: Vec<GroupKey> = groups.keys().filter(|k| k.1.is_some()).copied().collect();
    for key in fixed {
        let mut all = groups.remove(&key).unwrap_or_default();
        all.sort_by_key(|a| (a.offset, a.block, a.index));
        let mut start = None;
        for a in all {
            let s = match start {
                Some(s) if a.offset - s < 32 => s,
                _ => a.offset & !3,
            };
            start = Some(s);
            groups.entry((key.0, Some(s))).or_default().push(a);
        }
    }

    // Each group's rebase `c` and the bytes it saves, by new symbol.
    struct Plan {
        key: GroupKey,
        x: Option<Value>,
        c: u32,
        gain: u32,
        add_cost: u32,
    }
    let mut by_symbol: BTreeMap<(SymbolRef, i32, Value), Vec<Plan>> = BTreeMap::new();
    for (key, accesses) in &groups {
        let Some((s, x)) = split(key.0) else { continue };
        // `s + x` used by this group only: the new addition replaces it.
        let alone = x.is_some() && uses[key.0 .0 as usize] as usize == accesses.len();
        let gain_at = |c: u32| -> u32 {
            accesses
                .iter()
                .map(|a| {
                    let rel = u64::from(a.offset - c);
                    if rel == 0 && alone && accesses.len() == 1 && a.width != Width::Pair {
                        // `LDR rd, [s', x]`: the addition folds away too.
                        4
                    } else if fits(a.width, rel) {
                        2 * (1 + (a.width == Width::Pair) as u32)
                    } else {
                        0
                    }
                })
                .sum()
        };
        let min = accesses.iter().map(|a| a.offset).min().unwrap_or(0);
        let (c, gain) = if gain_at(min) > gain_at(min & !3) { (min, gain_at(min)) } else { (min & !3, gain_at(min & !3)) };
        // A constant address held for fewer accesses is often
        // rematerialised at each: a literal load instead of a wide offset.
        if x.is_none() && gain < MIN_WINDOW_GAIN {
            continue;
        }
        let Some((sym, addend)) = symbol(s) else { continue };
        let Some(new_addend) = addend.checked_add_unsigned(c) else { continue };
        let add_cost = if x.is_some() && !alone { ADD_COST } else { 0 };
        by_symbol.entry((sym, new_addend, s)).or_default().push(Plan { key: *key, x, c, gain, add_cost });
    }

    // Rewrites: new instructions after a definition, new address and
    // offset per access.
    let mut inserts: BTreeMap<(usize, usize), Vec<Inst>> = BTreeMap::new();
    let mut rewrites: Vec<(usize, usize, Value, u32)> = Vec::new();
    for ((sym, new_addend, _), plans) in by_symbol {
        let gain: u32 = plans.iter().map(|p| p.gain).sum();
        let adds: u32 = plans.iter().map(|p| p.add_cost).sum();
        if gain <= SYMBOL_COST + adds {
            continue;
        }
        for p in plans {
            let (addr, _) = p.key;
            let x = p.x;
            let Some(site) = defs[addr.0 as usize] else { continue };
            let loc = func.blocks[site.0].insts[site.1].loc;
            let mut new = |ty: Type, kind: InstKind, out: &mut Vec<Inst>| {
                let v = Value(func.value_types.len() as u32);
                func.value_types.push(ty);
                out.push(Inst { results: vec![v], kind, loc });
                v
            };
            let mut out = Vec::new();
            let base = new(Type::I32, InstKind::SymbolAddr { sym, addend: new_addend }, &mut out);
            let new_addr = match x {
                None => base,
                Some(x) => new(Type::I32, InstKind::Binary { op: BinaryOp::Add, ty: Type::I32, lhs: base, rhs: x }, &mut out),
            };
            inserts.entry(site).or_default().extend(out);
            for a in &groups[&p.key] {
                debug_assert_eq!(a.addr, addr);
                rewrites.push((a.block, a.index, new_addr, a.offset - p.c));
            }
        }
    }
    let rewritten = rewrites.len();
    for (b, k, addr, off) in rewrites {
        match &mut func.blocks[b].insts[k].kind {
            InstKind::Load { addr: a, offset, .. } | InstKind::Store { addr: a, offset, .. } => {
                *a = addr;
                *offset = off;
            }
            _ => unreachable!("an access was recorded here"),
        }
    }
    // Insert after the definitions: each block with insertions is rebuilt
    // once (a splice per insertion would move the rest of the block each
    // time: quadratic in a long block with many).
    let mut inserts = inserts.into_iter().peekable();
    while let Some(&((b, _), _)) = inserts.peek() {
        let old = std::mem::take(&mut func.blocks[b].insts);
        let mut insts = Vec::with_capacity(old.len());
        for (k, inst) in old.into_iter().enumerate() {
            insts.push(inst);
            if let Some((_, new)) = inserts.next_if(|&((bb, at), _)| bb == b && at == k) {
                insts.extend(new);
            }
        }
        func.blocks[b].insts = insts;
    }
    rewritten
}

#[cfg(test)]
mod tests {
    use super::*;
    use synth_ir::interp::Machine;
    use synth_ir::verify::verify_or_text;
    use synth_ir::{FunctionBuilder, Signature, Terminator};

    fn accesses(f: &Function) -> Vec<(Value, u32)> {
        f.blocks[0]
            .insts
            .iter()
            .filter_map(|i| match i.kind {
                InstKind::Load { addr, offset, .. } | InstKind::Store { addr, offset, .. } => Some((addr, offset)),
                _ => None,
            })
            .collect()
    }

    fn sym_of(f: &Function, v: Value) -> Option<(SymbolRef, i32)> {
        f.blocks[0].insts.iter().find(|i| i.results == vec![v]).and_then(|i| match i.kind {
            InstKind::SymbolAddr { sym, addend } => Some((sym, addend)),
            _ => None,
        })
    }

    #[test]
    fn far_offsets_move_into_the_symbol_and_values_stay() {
        let sig = Signature { params: vec![Type::I32], results: vec![Type::I32] };
        let mut b = FunctionBuilder::new("r", sig);
        let x = b.block_params(b.current_block())[0];
        let mem = b.symbol_addr(SymbolRef::Memory, 0);
        // A table off mem + x: three accesses, one base.
        let a = b.binary(BinaryOp::Add, mem, x);
        let l0 = b.load(Type::I32, LoadKind::U8, a, 2001);
        let l1 = b.load(Type::I32, LoadKind::U8, a, 2002);
        b.store(StoreKind::Full, a, l0, 2004);
        b.store(StoreKind::B16, a, l1, 2010);
        // Four words of a static struct at a fixed address.
        b.store(StoreKind::Full, mem, l1, 1500);
        b.store(StoreKind::Full, mem, x, 1504);
        b.store(StoreKind::Full, mem, l0, 1512);
        let l2 = b.load(Type::I32, LoadKind::Full, mem, 1508);
        // A lone far access: not worth a literal.
        let l3 = b.load(Type::I32, LoadKind::Full, mem, 3000);
        let s = b.binary(BinaryOp::Add, l2, l3);
        b.terminate(Terminator::Return(vec![s]));
        let orig = b.finish();
        let mut f = orig.clone();
        assert_eq!(run(&mut f), 8);
        verify_or_text(&f).unwrap();
        let acc = accesses(&f);
        let offs: Vec<u32> = acc.iter().map(|a| a.1).collect();
        assert_eq!(offs, vec![1, 2, 4, 10, 0, 4, 12, 8, 3000]);
        assert!(acc[1..4].iter().all(|a| a.0 == acc[0].0), "the table accesses share one base");
        let add = f.blocks[0].insts.iter().find(|i| i.results == vec![acc[0].0]).unwrap();
        let InstKind::Binary { op: BinaryOp::Add, lhs, rhs, .. } = add.kind else { panic!("{add:?}") };
        assert_eq!(sym_of(&f, lhs), Some((SymbolRef::Memory, 2000)));
        assert_eq!(rhs, x);
        assert_eq!(sym_of(&f, acc[4].0), Some((SymbolRef::Memory, 1500)));
        assert!(acc[5..8].iter().all(|a| a.0 == acc[4].0));
        assert_eq!(acc[8].0, mem);
        for arg in [0u64, 1, 100, 4000] {
            let mut m1 = Machine::new();
            let mut m2 = Machine::new();
            let r1 = m1.run_simple(&orig, &[arg]);
            let r2 = m2.run_simple(&f, &[arg]);
            assert_eq!(r1, r2, "{arg}");
            let (b1, b2) = (m1.symbol_addr(SymbolRef::Memory).unwrap(), m2.symbol_addr(SymbolRef::Memory).unwrap());
            assert_eq!(m1.read(b1, 65536), m2.read(b2, 65536));
        }
    }

    #[test]
    fn a_single_indexed_access_rebases_to_offset_zero() {
        // tbl[i]: `mem + (i << 2)` at offset 3072 becomes `(mem + 3072) + (i << 2)`
        // at offset 0, the register-offset form's shape.
        let sig = Signature { params: vec![Type::I32], results: vec![Type::I32] };
        let mut b = FunctionBuilder::new("t", sig);
        let i = b.block_params(b.current_block())[0];
        let mem = b.symbol_addr(SymbolRef::Memory, 0);
        let two = b.iconst(Type::I32, 2);
        let sh = b.binary(BinaryOp::Shl, i, two);
        let a = b.binary(BinaryOp::Add, mem, sh);
        let l = b.load(Type::I32, LoadKind::Full, a, 3072);
        // A second lookup in the same table pays for the new literal.
        let sh2 = b.binary(BinaryOp::Shl, l, two);
        let a2 = b.binary(BinaryOp::Add, mem, sh2);
        let l2 = b.load(Type::I32, LoadKind::Full, a2, 3072);
        b.terminate(Terminator::Return(vec![l2]));
        let mut f = b.finish();
        assert_eq!(run(&mut f), 2);
        verify_or_text(&f).unwrap();
        let acc = accesses(&f);
        assert_eq!(acc[0].1, 0);
        let add = f.blocks[0].insts.iter().find(|i| i.results == vec![acc[0].0]).unwrap();
        let InstKind::Binary { lhs, rhs, .. } = add.kind else { panic!() };
        assert_eq!((sym_of(&f, lhs), rhs), (Some((SymbolRef::Memory, 3072)), sh));
    }

    #[test]
    fn near_offsets_and_float_accesses_are_left_alone() {
        let sig = Signature { params: vec![Type::I32], results: vec![Type::I32] };
        let mut b = FunctionBuilder::new("n", sig);
        let x = b.block_params(b.current_block())[0];
        let mem = b.symbol_addr(SymbolRef::Memory, 0);
        let a = b.binary(BinaryOp::Add, mem, x);
        let l0 = b.load(Type::I32, LoadKind::Full, a, 8);
        let f0 = b.load(Type::F32, LoadKind::Full, a, 2000);
        let f1 = b.load(Type::F32, LoadKind::Full, a, 2004);
        b.store(StoreKind::Full, a, f0, 2008);
        b.store(StoreKind::Full, a, f1, 2012);
        b.terminate(Terminator::Return(vec![l0]));
        let mut f = b.finish();
        assert_eq!(run(&mut f), 0);
    }
}
