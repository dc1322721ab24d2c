//! Dead-code elimination of pure instructions and dead block parameters.
//!
//! Takes a [`Function`]; returns it (in place) without the instructions
//! that have no side effects ([`synth_ir::InstKind::has_side_effects`] is false) and
//! whose results are never used, transitively, and without the block
//! parameters (other than the entry's) whose values reach no instruction,
//! condition or return, only other such parameters: a wasm local that is
//! overwritten before it is read again still travels through every loop
//! header in the front end's SSA, and in nested loops those parameters
//! grow with loops x locals. Unreachable blocks and trivial block
//! parameters are the front end's clean-up's job
//! (`synth_frontend::lower::cleanup`), which the pipeline runs separately.
//! One mark-and-sweep, linear in the size of the function.

use synth_ir::{Function, Terminator, Value};

/// Runs the pass; returns the number of instructions and block parameters
/// deleted.
///
/// Mark and sweep over values: side-effecting instructions, conditions,
/// table indices and returned values are needed; a needed result needs
/// its instruction's operands; a needed block parameter needs the value
/// each call site passes for it. Pure instructions with no needed result
/// and non-entry parameters that are not needed are deleted (with the
/// arguments passed for them).
pub fn run(func: &mut Function) -> usize {
    let nv = func.value_types.len();
    let nb = func.blocks.len();
    // What defines each value: an instruction (block, index) or a
    // non-entry block parameter (block, position).
    #[derive(Clone, Copy)]
    enum Def {
        None,
        Inst(u32, u32),
        Param(u32, u32),
    }
    let mut def = vec![Def::None; nv];
    for (b, bd) in func.blocks.iter().enumerate() {
        if b != 0 {
            for (k, p) in bd.params.iter().enumerate() {
                if let Some(d) = def.get_mut(p.0 as usize) {
                    *d = Def::Param(b as u32, k as u32);
                }
            }
        }
        for (i, inst) in bd.insts.iter().enumerate() {
            for r in &inst.results {
                if let Some(d) = def.get_mut(r.0 as usize) {
                    *d = Def::Inst(b as u32, i as u32);
                }
            }
        }
    }
    // Call sites of each block: (calling block, call index).
    let mut callers: Vec<Vec<(u32, u32)>> = vec![Vec::new(); nb];
    for (b, bd) in func.blocks.iter().enumerate() {
        for (c, call) in bd.term.block_calls().into_iter().enumerate() {
            if let Some(list) = callers.get_mut(call.block.0 as usize) {
                list.push((b as u32, c as u32));
            }
        }
    }
    let mut needed = vec![false; nv];
    let mut work: Vec<Value> = Vec::new();
    let mark = |v: Value, needed: &mut Vec<bool>, work: &mut Vec<Value>| {
        if let Some(n) = needed.get_mut(v.0 as usize) {
            if !*n {
                *n = true;
                work.push(v);
            }
        }
    };
    for bd in &func.blocks {
        for inst in bd.insts.iter().filter(|i| i.kind.has_side_effects()) {
            for v in inst.kind.operands() {
                mark(v, &mut needed, &mut work);
            }
        }
        match &bd.term {
            Terminator::Branch { cond: v, .. } | Terminator::BrTable { index: v, .. } => {
                mark(*v, &mut needed, &mut work)
            }
            Terminator::Return(vals) => {
                for &v in vals {
                    mark(v, &mut needed, &mut work);
                }
            }
            Terminator::Jump(_) | Terminator::Trap(_) => {}
        }
    }
    // An instruction's operands are marked once, from its first needed result.
    let mut inst_done: Vec<Vec<bool>> = func.blocks.iter().map(|bd| vec![false; bd.insts.len()]).collect();
    while let Some(v) = work.pop() {
        match def[v.0 as usize] {
            Def::None => {}
            Def::Inst(b, i) => {
                let (b, i) = (b as usize, i as usize);
                if !inst_done[b][i] {
                    inst_done[b][i] = true;
                    for o in func.blocks[b].insts[i].kind.operands() {
                        mark(o, &mut needed, &mut work);
                    }
                }
            }
            Def::Param(b, k) => {
                for &(from, c) in &callers[b as usize] {
                    let calls = func.blocks[from as usize].term.block_calls();
                    if let Some(&a) = calls[c as usize].args.get(k as usize) {
                        mark(a, &mut needed, &mut work);
                    }
                }
            }
        }
    }
    let mut removed = 0;
    for bd in &mut func.blocks {
        let before = bd.insts.len();
        bd.insts.retain(|inst| inst.kind.has_side_effects() || inst.results.iter().any(|r| needed[r.0 as usize]));
        removed += before - bd.insts.len();
    }
    for b in 1..nb {
        let keep: Vec<bool> = func.blocks[b].params.iter().map(|p| needed[p.0 as usize]).collect();
        let gone = keep.iter().filter(|&&l| !l).count();
        if gone == 0 {
            continue;
        }
        removed += gone;
        func.blocks[b].params.retain(|p| needed[p.0 as usize]);
        for &(from, c) in &callers[b] {
            let mut calls = func.blocks[from as usize].term.block_calls_mut();
            let args = &mut calls[c as usize].args;
            if args.len() == keep.len() {
                let mut k = 0;
                args.retain(|_| {
                    k += 1;
                    keep[k - 1]
                });
            }
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;
    use synth_ir::verify::verify_or_text;
    use synth_ir::{BinaryOp, FunctionBuilder, InstKind, LoadKind, Signature, Terminator, Type};

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

    #[test]
    fn removes_loop_parameters_that_only_feed_each_other() {
        // entry(p): jump h(p, p)
        // h(i, dead): c = i - 1; branch c ? h(c, dead) : exit
        // exit: return p       -- `dead` circulates but is never read
        let sig = Signature { params: vec![Type::I32], results: vec![Type::I32] };
        let mut b = FunctionBuilder::new("l", sig);
        let p = b.block_params(b.current_block())[0];
        let h = b.create_block();
        let i = b.append_block_param(h, Type::I32);
        let dead = b.append_block_param(h, Type::I32);
        let exit = b.create_block();
        b.jump(h, vec![p, p]);
        b.switch_to_block(h);
        let one = b.iconst(Type::I32, 1);
        let c = b.binary(BinaryOp::Sub, i, one);
        let d2 = b.binary(BinaryOp::Add, dead, one);
        b.branch(c, synth_ir::BlockCall { block: h, args: vec![c, d2] }, synth_ir::BlockCall { block: exit, args: vec![] });
        b.switch_to_block(exit);
        b.terminate(Terminator::Return(vec![p]));
        let mut f = b.finish();
        // The parameter `dead` and the add feeding it go; `i` stays.
        assert_eq!(run(&mut f), 2);
        verify_or_text(&f).unwrap();
        assert_eq!(f.blocks[h.0 as usize].params, vec![i]);
        assert_eq!(f.inst_count(), 2);
    }
}
