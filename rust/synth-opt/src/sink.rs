//! Load sinking: each load moves down its block to just before the first
//! instruction that uses its result, so that values are loaded when they
//! are needed rather than all at once (unrolled code from clang -O2 loads a
//! whole row first and then combines it, which needs a register per row
//! element and spills).
//!
//! Takes a [`Function`]; returns it (in place) with the instructions of
//! each block reordered. A load never crosses an instruction that may write
//! memory or leave the function with memory visible (a store, a call, a
//! stack check), so every load reads what it read before; its bounds check
//! stays where it was (before it), and a trap that now happens before the
//! load only skips a load, which has no effect of its own.

use synth_ir::{Function, Inst, InstKind, Value};

/// True when a pending load may not move past `kind`.
fn is_barrier(kind: &InstKind) -> bool {
    matches!(kind, InstKind::Store { .. } | InstKind::Call { .. } | InstKind::StackCheck)
}

/// Runs the pass; returns the number of loads placed at their first use.
pub fn run(func: &mut Function) -> usize {
    let mut moved = 0;
    let mut pending_of: Vec<Option<usize>> = vec![None; func.value_types.len()];
    for b in 0..func.blocks.len() {
        let insts = std::mem::take(&mut func.blocks[b].insts);
        let mut out: Vec<Inst> = Vec::with_capacity(insts.len());
        // Deferred loads in original order; `None` once emitted.
        let mut pending: Vec<Option<Inst>> = Vec::new();
        for inst in insts {
            if is_barrier(&inst.kind) {
                flush_all(&mut pending, &mut out, &mut pending_of);
            } else {
                emit_needed(&inst.kind.operands(), &mut pending, &mut out, &mut pending_of, &mut moved);
            }
            if let InstKind::Load { .. } = inst.kind {
                for r in &inst.results {
                    pending_of[r.0 as usize] = Some(pending.len());
                }
                pending.push(Some(inst));
            } else {
                out.push(inst);
            }
        }
        let term_uses = func.blocks[b].term.operands();
        emit_needed(&term_uses, &mut pending, &mut out, &mut pending_of, &mut moved);
        flush_all(&mut pending, &mut out, &mut pending_of);
        func.blocks[b].insts = out;
    }
    moved
}

/// Emits, in original order, the pending loads that `uses` read.
fn emit_needed(
    uses: &[Value],
    pending: &mut [Option<Inst>],
    out: &mut Vec<Inst>,
    pending_of: &mut [Option<usize>],
    moved: &mut usize,
) {
    let mut idx: Vec<usize> = uses.iter().filter_map(|v| pending_of[v.0 as usize]).collect();
    if idx.is_empty() {
        return;
    }
    idx.sort_unstable();
    idx.dedup();
    for k in idx {
        if let Some(inst) = pending[k].take() {
            // A load's own address may come from an earlier pending load.
            let ops = inst.kind.operands();
            emit_needed(&ops, pending, out, pending_of, moved);
            *moved += 1;
            for r in &inst.results {
                pending_of[r.0 as usize] = None;
            }
            out.push(inst);
        }
    }
}

/// Emits every pending load, in original order.
fn flush_all(pending: &mut Vec<Option<Inst>>, out: &mut Vec<Inst>, pending_of: &mut [Option<usize>]) {
    for inst in pending.drain(..).flatten() {
        for r in &inst.results {
            pending_of[r.0 as usize] = None;
        }
        out.push(inst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use synth_ir::interp::Machine;
    use synth_ir::{BinaryOp, FunctionBuilder, LoadKind, Signature, StoreKind, Terminator, Type};

    /// Four loads then their sum: each load ends up next to its use, and
    /// the function computes the same.
    #[test]
    fn loads_move_to_their_uses_but_not_past_stores() {
        let sig = Signature { params: vec![Type::I32], results: vec![Type::I32] };
        let mut b = FunctionBuilder::new("f", sig);
        let p = b.block_params(Function::ENTRY)[0];
        let l: Vec<Value> = (0..4).map(|k| b.load(Type::I32, LoadKind::Full, p, 4 * k)).collect();
        let s1 = b.binary(BinaryOp::Add, l[0], l[1]);
        let s2 = b.binary(BinaryOp::Add, s1, l[2]);
        let c = b.iconst(Type::I32, 7);
        b.store(StoreKind::Full, p, c, 16);
        let s3 = b.binary(BinaryOp::Add, s2, l[3]);
        b.terminate(Terminator::Return(vec![s3]));
        let mut f = b.finish();
        let before = f.clone();
        assert!(run(&mut f) > 0);
        synth_ir::verify::verify(&f).unwrap();
        let kinds: Vec<&str> = f.blocks[0]
            .insts
            .iter()
            .map(|i| match i.kind {
                InstKind::Load { .. } => "load",
                InstKind::Binary { .. } => "add",
                InstKind::Store { .. } => "store",
                _ => "other",
            })
            .collect();
        // l3 may not cross the store: it is flushed before it.
        assert_eq!(kinds, ["load", "load", "add", "load", "add", "other", "load", "store", "add"]);
        for (name, func) in [("before", &before), ("after", &f)] {
            let mut m = Machine::new();
            let base = m.define_symbol(synth_ir::SymbolRef::Memory, 64).unwrap();
            for k in 0..4 {
                m.write_le(base + 4 * k, 4, (k + 1) as u64).unwrap();
            }
            assert_eq!(m.run_simple(func, &[base as u64]), Ok(vec![10]), "{name}");
        }
    }
}
