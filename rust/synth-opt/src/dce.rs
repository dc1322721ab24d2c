//! Dead-code elimination of pure instructions.
//!
//! Takes a [`Function`]; returns it (in place) without the instructions
//! that have no side effects ([`InstKind::has_side_effects`] is false) and
//! whose results are never used, transitively. Unreachable blocks and
//! trivial block parameters are the front end's clean-up's job
//! (`synth_frontend::lower::cleanup`), which the pipeline runs separately.

use synth_ir::{Function, InstKind};

/// Runs the pass; returns the number of instructions deleted.
pub fn run(func: &mut Function) -> usize {
    let mut uses = vec![0u32; func.value_types.len()];
    let count = |uses: &mut Vec<u32>, vals: Vec<synth_ir::Value>, d: i64| {
        for v in vals {
            if let Some(u) = uses.get_mut(v.0 as usize) {
                *u = (*u as i64 + d).max(0) as u32;
            }
        }
    };
    for bd in &func.blocks {
        for inst in &bd.insts {
            count(&mut uses, inst.kind.operands(), 1);
        }
        count(&mut uses, bd.term.operands(), 1);
    }
    let removable = |kind: &InstKind| !kind.has_side_effects();
    let mut removed = 0;
    // Iterate to a fixed point: deleting a use may kill its operands, which
    // can sit in earlier blocks.
    loop {
        let mut changed = false;
        for b in (0..func.blocks.len()).rev() {
            let insts = &mut func.blocks[b].insts;
            let mut i = insts.len();
            while i > 0 {
                i -= 1;
                let inst = &insts[i];
                if removable(&inst.kind) && inst.results.iter().all(|r| uses[r.0 as usize] == 0) {
                    let ops = inst.kind.operands();
                    insts.remove(i);
                    count(&mut uses, ops, -1);
                    removed += 1;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;
    use synth_ir::verify::verify_or_text;
    use synth_ir::{BinaryOp, FunctionBuilder, LoadKind, Signature, Terminator, Type};

    #[test]
    fn removes_unused_pure_chains_but_keeps_effects() {
        let sig = Signature { params: vec![Type::I32], results: vec![Type::I32] };
        let mut b = FunctionBuilder::new("d", sig);
        let p = b.block_params(b.current_block())[0];
        let c = b.iconst(Type::I32, 3);
        let m = b.binary(BinaryOp::Mul, p, c);
        let _unused = b.binary(BinaryOp::Add, m, m);
        let _unused_load = b.load(Type::I32, LoadKind::Full, p, 0);
        let zero = b.iconst(Type::I32, 0);
        let _unused_div = b.binary(BinaryOp::DivU, p, zero);
        b.terminate(Terminator::Return(vec![p]));
        let mut f = b.finish();
        assert_eq!(run(&mut f), 5);
        verify_or_text(&f).unwrap();
        assert_eq!(f.inst_count(), 1);
        assert!(matches!(f.blocks[0].insts[0].kind, InstKind::Load { .. }));
    }
}
