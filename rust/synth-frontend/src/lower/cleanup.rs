//! Clean-up after lowering: removes blocks unreachable from the entry
//! (renumbering the rest in order) and block parameters that do not merge
//! anything (every incoming argument is the same value or the parameter
//! itself), replacing their uses by that value.
//!
//! Takes and returns a [`Function`] (in place); semantics are unchanged.

use synth_ir::{Block, BlockData, Function, Terminator, Value};

/// Runs the clean-ups.
pub fn cleanup(f: &mut Function) {
    remove_unreachable_blocks(f);
    remove_dead_params(f);
    remove_trivial_params(f);
}

/// Removes the block parameters (not the entry's) whose values only travel
/// into other such parameters: nothing but block arguments ever reads
/// them. A wasm local overwritten before it is read again still gets a
/// parameter at every loop header the lowering passes it through; in
/// nested loops those grow with loops x locals, and removing them first
/// keeps [`remove_trivial_params`] from revisiting them. Every instruction
/// operand counts as a read here (instructions are not removed).
pub fn remove_dead_params(f: &mut Function) {
    let nv = f.value_types.len();
    let nb = f.blocks.len();
    // Parameter position of each non-entry block-parameter value.
    let mut param_of: Vec<Option<(u32, u32)>> = vec![None; nv];
    for (b, bd) in f.blocks.iter().enumerate().skip(1) {
        for (k, p) in bd.params.iter().enumerate() {
            if let Some(slot) = param_of.get_mut(p.0 as usize) {
                *slot = Some((b as u32, k as u32));
            }
        }
    }
    let mut callers: Vec<Vec<(u32, u32)>> = vec![Vec::new(); nb];
    for (b, bd) in f.blocks.iter().enumerate() {
        for (c, call) in bd.term.block_calls().into_iter().enumerate() {
            if let Some(list) = callers.get_mut(call.block.0 as usize) {
                list.push((b as u32, c as u32));
            }
        }
    }
    let mut needed: Vec<Vec<bool>> = f.blocks.iter().map(|bd| vec![false; bd.params.len()]).collect();
    let mut work: Vec<(u32, u32)> = Vec::new();
    let mark = |v: Value, needed: &mut Vec<Vec<bool>>, work: &mut Vec<(u32, u32)>| {
        if let Some((b, k)) = param_of.get(v.0 as usize).copied().flatten() {
            if !needed[b as usize][k as usize] {
                needed[b as usize][k as usize] = true;
                work.push((b, k));
            }
        }
    };
    for bd in &f.blocks {
        for inst in &bd.insts {
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
    while let Some((b, k)) = work.pop() {
        for &(from, c) in &callers[b as usize] {
            if let Some(&a) = call_args(&f.blocks[from as usize].term, c as usize).get(k as usize) {
                mark(a, &mut needed, &mut work);
            }
        }
    }
    for b in 1..nb {
        let keep = &needed[b];
        if keep.iter().all(|&n| n) {
            continue;
        }
        let mut k = 0;
        f.blocks[b].params.retain(|_| {
            k += 1;
            keep[k - 1]
        });
        for &(from, c) in &callers[b] {
            let mut calls = f.blocks[from as usize].term.block_calls_mut();
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
}

/// Drops blocks not reachable from the entry; keeps the others in order.
pub fn remove_unreachable_blocks(f: &mut Function) {
    let n = f.blocks.len();
    let mut reachable = vec![false; n];
    let mut work = vec![Function::ENTRY];
    if n == 0 {
        return;
    }
    reachable[0] = true;
    while let Some(b) = work.pop() {
        for s in f.successors(b) {
            if !reachable[s.0 as usize] {
                reachable[s.0 as usize] = true;
                work.push(s);
            }
        }
    }
    let mut map = vec![None; n];
    let mut next = 0u32;
    for (i, r) in reachable.iter().enumerate() {
        if *r {
            map[i] = Some(Block(next));
            next += 1;
        }
    }
    let old = std::mem::take(&mut f.blocks);
    for (i, mut bd) in old.into_iter().enumerate() {
        if !reachable[i] {
            continue;
        }
        for c in bd.term.block_calls_mut() {
            // Successors of reachable blocks are reachable.
            if let Some(nb) = map[c.block.0 as usize] {
                c.block = nb;
            }
        }
        f.blocks.push(bd);
    }
}

fn resolve(subst: &[Option<Value>], mut v: Value) -> Value {
    let mut steps = 0;
    while let Some(Some(w)) = subst.get(v.0 as usize) {
        v = *w;
        steps += 1;
        if steps > subst.len() {
            break;
        }
    }
    v
}

/// Follows `subst` from `v` to the value that stands for it, shortening
/// the chain on the way (path compression).
fn resolve_compress(subst: &mut [Option<Value>], v: Value) -> Value {
    let r = resolve(subst, v);
    let mut x = v;
    while let Some(Some(w)) = subst.get(x.0 as usize).copied() {
        if w == r {
            break;
        }
        subst[x.0 as usize] = Some(r);
        x = w;
    }
    r
}

/// Removes block parameters whose incoming arguments are all one value.
///
/// A worklist over parameters, highest block first (inner loops are
/// numbered after the loops around them, so chains of pass-through
/// parameters resolve from the inside out in one go): a parameter whose
/// incoming arguments (resolved through the substitutions made so far,
/// ignoring itself) are one value is replaced by that value, and the
/// parameters it is passed to are looked at again. Each look costs the
/// block's call sites, so nested loops no longer pay one sweep of the
/// whole function per nesting level.
pub fn remove_trivial_params(f: &mut Function) {
    use std::collections::BinaryHeap;
    let nv = f.value_types.len();
    let nb = f.blocks.len();
    let mut subst: Vec<Option<Value>> = vec![None; nv];
    // Call sites of each block: (calling block, call index).
    let mut callers: Vec<Vec<(u32, u32)>> = vec![Vec::new(); nb];
    // Parameters each value is passed to: (block, parameter index).
    let mut passed_to: Vec<Vec<(u32, u32)>> = vec![Vec::new(); nv];
    for (b, bd) in f.blocks.iter().enumerate() {
        for (c, call) in bd.term.block_calls().into_iter().enumerate() {
            let t = call.block.0 as usize;
            if t < nb {
                callers[t].push((b as u32, c as u32));
                for (i, a) in call.args.iter().enumerate() {
                    if let Some(list) = passed_to.get_mut(a.0 as usize) {
                        list.push((t as u32, i as u32));
                    }
                }
            }
        }
    }
    let mut removed: Vec<Vec<bool>> = f.blocks.iter().map(|bd| vec![false; bd.params.len()]).collect();
    let mut queued: Vec<Vec<bool>> = f.blocks.iter().map(|bd| vec![true; bd.params.len()]).collect();
    let mut work: BinaryHeap<(u32, u32)> = BinaryHeap::new();
    for (b, bd) in f.blocks.iter().enumerate().skip(1) {
        for i in 0..bd.params.len() {
            work.push((b as u32, i as u32));
        }
    }
    let mut any = false;
    let mut distinct: Vec<Value> = Vec::new();
    while let Some((b, i)) = work.pop() {
        let (bu, iu) = (b as usize, i as usize);
        queued[bu][iu] = false;
        if removed[bu][iu] {
            continue;
        }
        let p = f.blocks[bu].params[iu];
        distinct.clear();
        for &(from, c) in &callers[bu] {
            let Some(&a) = call_args(&f.blocks[from as usize].term, c as usize).get(iu) else { continue };
            let a = resolve_compress(&mut subst, a);
            if a != p && !distinct.contains(&a) {
                distinct.push(a);
                if distinct.len() > 1 {
                    break;
                }
            }
        }
        if distinct.len() != 1 || resolve_compress(&mut subst, distinct[0]) == p {
            continue;
        }
        let v = distinct[0];
        subst[p.0 as usize] = Some(v);
        removed[bu][iu] = true;
        any = true;
        for &(t, k) in &passed_to[p.0 as usize] {
            let (tu, ku) = (t as usize, k as usize);
            if tu != 0 && !removed[tu][ku] && !queued[tu][ku] {
                queued[tu][ku] = true;
                work.push((t, k));
            }
        }
        // Arguments that now resolve to `v` are looked at again when `v`
        // is replaced in turn (smaller list into larger).
        let mut moved = std::mem::take(&mut passed_to[p.0 as usize]);
        moved.retain(|&(t, k)| !removed[t as usize][k as usize]);
        let target = &mut passed_to[v.0 as usize];
        if moved.len() > target.len() {
            std::mem::swap(&mut moved, target);
        }
        target.extend(moved);
    }
    if any {
        for (bd, gone) in f.blocks.iter_mut().zip(&removed) {
            let mut k = 0;
            bd.params.retain(|_| {
                k += 1;
                !gone[k - 1]
            });
        }
        for bd in f.blocks.iter_mut() {
            for c in bd.term.block_calls_mut() {
                let Some(gone) = removed.get(c.block.0 as usize) else { continue };
                if gone.len() == c.args.len() {
                    let mut k = 0;
                    c.args.retain(|_| {
                        k += 1;
                        !gone[k - 1]
                    });
                }
            }
        }
    }
    for v in 0..nv {
        resolve_compress(&mut subst, Value(v as u32));
    }
    for bd in f.blocks.iter_mut() {
        rewrite_block(bd, &subst);
    }
}

/// The arguments of call `c` of `term` (in [`Terminator::block_calls`]
/// order), without building the list of calls.
fn call_args(term: &Terminator, c: usize) -> &[Value] {
    match (term, c) {
        (Terminator::Jump(call), 0) => &call.args,
        (Terminator::Branch { then_dest, .. }, 0) => &then_dest.args,
        (Terminator::Branch { else_dest, .. }, 1) => &else_dest.args,
        (Terminator::BrTable { targets, default, .. }, c) => match targets.get(c) {
            Some(call) => &call.args,
            None if c == targets.len() => &default.args,
            None => &[],
        },
        _ => &[],
    }
}

fn rewrite_block(bd: &mut BlockData, subst: &[Option<Value>]) {
    let r = |v: &mut Value| *v = resolve(subst, *v);
    for inst in bd.insts.iter_mut() {
        for v in inst.kind.operands_mut() {
            r(v);
        }
    }
    match &mut bd.term {
        Terminator::Branch { cond, .. } => r(cond),
        Terminator::BrTable { index, .. } => r(index),
        Terminator::Return(vals) => vals.iter_mut().for_each(r),
        Terminator::Jump(_) | Terminator::Trap(_) => {}
    }
    for c in bd.term.block_calls_mut() {
        c.args.iter_mut().for_each(r);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use synth_ir::{BinaryOp, BlockCall, FunctionBuilder, Signature, Type};

    /// entry(p): jump h(p, p, p)
    /// h(i, same, dead): c = i - 1; branch c ? h(c, same, dead') : exit
    /// exit: return same            (dead' = dead + 1 is only passed on)
    #[test]
    fn dead_then_trivial_parameters_go() {
        let sig = Signature { params: vec![Type::I32], results: vec![Type::I32] };
        let mut b = FunctionBuilder::new("l", sig);
        let p = b.block_params(b.current_block())[0];
        let h = b.create_block();
        let i = b.append_block_param(h, Type::I32);
        let same = b.append_block_param(h, Type::I32);
        let dead = b.append_block_param(h, Type::I32);
        let exit = b.create_block();
        b.jump(h, vec![p, p, p]);
        b.switch_to_block(h);
        let one = b.iconst(Type::I32, 1);
        let c = b.binary(BinaryOp::Sub, i, one);
        let d2 = b.binary(BinaryOp::Add, dead, one);
        b.branch(c, BlockCall { block: h, args: vec![c, same, d2] }, BlockCall { block: exit, args: vec![] });
        b.switch_to_block(exit);
        b.terminate(Terminator::Return(vec![same]));
        let mut f = b.finish();
        // `dead` is read by the add: an instruction operand keeps it here
        // (instructions are the optimiser's to remove).
        remove_dead_params(&mut f);
        assert_eq!(f.blocks[h.0 as usize].params.len(), 3);
        // `same` only ever receives p (or itself): trivial.
        remove_trivial_params(&mut f);
        assert_eq!(f.blocks[h.0 as usize].params, vec![i, dead]);
        assert!(matches!(&f.blocks[exit.0 as usize].term, Terminator::Return(v) if v == &vec![p]));
        synth_ir::verify::verify_or_text(&f).unwrap();
    }

    /// A parameter read by nothing but the argument it passes to itself.
    #[test]
    fn a_parameter_that_only_feeds_itself_is_dead() {
        let sig = Signature { params: vec![Type::I32], results: vec![] };
        let mut b = FunctionBuilder::new("d", sig);
        let p = b.block_params(b.current_block())[0];
        let h = b.create_block();
        let x = b.append_block_param(h, Type::I32);
        let exit = b.create_block();
        b.jump(h, vec![p]);
        b.switch_to_block(h);
        b.branch(p, BlockCall { block: h, args: vec![x] }, BlockCall { block: exit, args: vec![] });
        b.switch_to_block(exit);
        b.terminate(Terminator::Return(vec![]));
        let mut f = b.finish();
        remove_dead_params(&mut f);
        assert!(f.blocks[h.0 as usize].params.is_empty());
        synth_ir::verify::verify_or_text(&f).unwrap();
    }
}
