//! Constant address parts into load/store offsets.
//!
//! Takes a [`Function`]; returns it (in place) with memory accesses whose
//! absolute address is `u + (x + c)` or `u + c` (`c` a small constant)
//! rewritten to address `u + x` (resp. `u`) with `c` added to the access's
//! constant offset. Address arithmetic wraps modulo 2^32 both in the IR's
//! `Add` and in `addr + offset` of [`InstKind::Load`]/[`InstKind::Store`],
//! so the accessed byte is the same. The wasm address that bounds checks
//! read is untouched. Accesses to `p + i + 0`, `p + i + 1`, ... then share
//! one base register (after value numbering) and use immediate offsets.

use synth_ir::interp::mask;
use synth_ir::{BinaryOp, Function, Inst, InstKind, Type, Value};

/// Offsets are kept below this so they stay immediate operands (12-bit
/// `LDR`/`STR` offsets, with room for the second word of an i64).
const MAX_OFFSET: u64 = 4088;

/// Runs the pass; returns the number of accesses rewritten.
pub fn run(func: &mut Function) -> usize {
    let mut defs: Vec<Option<InstKind>> = vec![None; func.value_types.len()];
    for bd in &func.blocks {
        for inst in &bd.insts {
            if let [r] = inst.results[..] {
                defs[r.0 as usize] = Some(inst.kind.clone());
            }
        }
    }
    let konst = |defs: &[Option<InstKind>], v: Value| match defs.get(v.0 as usize) {
        Some(Some(InstKind::Iconst { ty: Type::I32, imm })) => Some(mask(Type::I32, *imm as u64)),
        _ => None,
    };
    // `v = x + c`: (x, c).
    let plus_const = |defs: &[Option<InstKind>], v: Value| match defs.get(v.0 as usize) {
        Some(Some(InstKind::Binary { op: BinaryOp::Add, ty: Type::I32, lhs, rhs })) => {
            konst(defs, *rhs).map(|c| (*lhs, c)).or_else(|| konst(defs, *lhs).map(|c| (*rhs, c)))
        }
        _ => None,
    };
    let mut rewritten = 0;
    for b in 0..func.blocks.len() {
        let old = std::mem::take(&mut func.blocks[b].insts);
        let mut out: Vec<Inst> = Vec::with_capacity(old.len());
        for mut inst in old {
            let (addr, offset) = match &mut inst.kind {
                InstKind::Load { addr, offset, .. } | InstKind::Store { addr, offset, .. } => (addr, offset),
                _ => {
                    out.push(inst);
                    continue;
                }
            };
            if let Some(Some(InstKind::Binary { op: BinaryOp::Add, ty: Type::I32, lhs, rhs })) =
                defs.get(addr.0 as usize).cloned()
            {
                // addr = u + c, or addr = u + (x + c) in either operand order.
                let direct = konst(&defs, rhs).map(|c| (lhs, None, c)).or_else(|| konst(&defs, lhs).map(|c| (rhs, None, c)));
                let nested = || {
                    plus_const(&defs, rhs)
                        .map(|(x, c)| (lhs, Some(x), c))
                        .or_else(|| plus_const(&defs, lhs).map(|(x, c)| (rhs, Some(x), c)))
                };
                if let Some((u, x, c)) = direct.or_else(nested) {
                    let new_off = u64::from(*offset) + c;
                    if new_off <= MAX_OFFSET {
                        let base = match x {
                            None => u,
                            Some(x) => {
                                let v = Value(func.value_types.len() as u32);
                                func.value_types.push(Type::I32);
                                let kind = InstKind::Binary { op: BinaryOp::Add, ty: Type::I32, lhs: u, rhs: x };
                                defs.push(Some(kind.clone()));
                                out.push(Inst { results: vec![v], kind, loc: inst.loc });
                                v
                            }
                        };
                        *addr = base;
                        *offset = new_off as u32;
                        rewritten += 1;
                    }
                }
            }
            out.push(inst);
        }
        func.blocks[b].insts = out;
    }
    rewritten
}

#[cfg(test)]
mod tests {
    use super::*;
    use synth_ir::interp::Machine;
    use synth_ir::verify::verify_or_text;
    use synth_ir::{FunctionBuilder, LoadKind, Signature, StoreKind, SymbolRef, Terminator};

    #[test]
    fn constant_parts_of_addresses_move_into_offsets() {
        let sig = Signature { params: vec![Type::I32], results: vec![Type::I32] };
        let mut b = FunctionBuilder::new("a", sig);
        let x = b.block_params(b.current_block())[0];
        let base = b.symbol_addr(SymbolRef::Memory, 0);
        let c3 = b.iconst(Type::I32, 3);
        let c16 = b.iconst(Type::I32, 16);
        let big = b.iconst(Type::I32, 5000);
        let x3 = b.binary(BinaryOp::Add, c3, x);
        let a1 = b.binary(BinaryOp::Add, base, x3);
        b.store(StoreKind::B8, a1, x, 4);
        let a2 = b.binary(BinaryOp::Add, base, c16);
        let l = b.load(Type::I32, LoadKind::Full, a2, 0);
        let xb = b.binary(BinaryOp::Add, x, big);
        let a3 = b.binary(BinaryOp::Add, xb, base);
        let l2 = b.load(Type::I32, LoadKind::U8, a3, 0);
        let r = b.binary(BinaryOp::Add, l, l2);
        b.terminate(Terminator::Return(vec![r]));
        let orig = b.finish();
        let mut f = orig.clone();
        assert_eq!(run(&mut f), 2, "the 5000 offset stays in the address");
        verify_or_text(&f).unwrap();
        let accesses: Vec<(Value, u32)> = f.blocks[0]
            .insts
            .iter()
            .filter_map(|i| match i.kind {
                InstKind::Load { addr, offset, .. } | InstKind::Store { addr, offset, .. } => Some((addr, offset)),
                _ => None,
            })
            .collect();
        assert_eq!(accesses[0].1, 7);
        let new_def = f.blocks[0].insts.iter().find(|i| i.results == vec![accesses[0].0]).unwrap();
        assert_eq!(new_def.kind, InstKind::Binary { op: BinaryOp::Add, ty: Type::I32, lhs: base, rhs: x });
        assert_eq!(accesses[1], (base, 16));
        assert_eq!(accesses[2], (a3, 0));
        for arg in [0u64, 1, 100, 0xffff_fffd] {
            let mut m1 = Machine::new();
            let mut m2 = Machine::new();
            let r1 = m1.run_simple(&orig, &[arg]);
            let r2 = m2.run_simple(&f, &[arg]);
            assert_eq!(r1, r2, "{arg}");
            let (b1, b2) = (m1.symbol_addr(SymbolRef::Memory).unwrap(), m2.symbol_addr(SymbolRef::Memory).unwrap());
            assert_eq!(m1.read(b1, 65536), m2.read(b2, 65536));
        }
    }
}
