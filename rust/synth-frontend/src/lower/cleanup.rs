//! Clean-up after lowering: removes blocks unreachable from the entry
//! (renumbering the rest in order) and block parameters that do not merge
//! anything (every incoming argument is the same value or the parameter
//! itself), replacing their uses by that value.
//!
//! Takes and returns a [`Function`] (in place); semantics are unchanged.

use synth_ir::{Block, BlockData, Function, Terminator, Value};

/// Runs both clean-ups.
pub fn cleanup(f: &mut Function) {
    remove_unreachable_blocks(f);
    remove_trivial_params(f);
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

/// Removes block parameters whose incoming arguments are all one value.
pub fn remove_trivial_params(f: &mut Function) {
    let mut subst: Vec<Option<Value>> = vec![None; f.value_types.len()];
    loop {
        // incoming[block][param] = set of distinct resolved args.
        let mut incoming: Vec<Vec<Vec<Value>>> =
            f.blocks.iter().map(|b| vec![Vec::new(); b.params.len()]).collect();
        for bd in &f.blocks {
            for c in bd.term.block_calls() {
                let Some(slots) = incoming.get_mut(c.block.0 as usize) else { continue };
                for (i, a) in c.args.iter().enumerate() {
                    let a = resolve(&subst, *a);
                    if let Some(set) = slots.get_mut(i) {
                        if !set.contains(&a) {
                            set.push(a);
                        }
                    }
                }
            }
        }
        let mut removed: Vec<Vec<usize>> = vec![Vec::new(); f.blocks.len()];
        let mut any = false;
        for (bi, bd) in f.blocks.iter().enumerate().skip(1) {
            for (pi, p) in bd.params.iter().enumerate() {
                let others: Vec<Value> = incoming[bi][pi].iter().copied().filter(|v| v != p).collect();
                if others.len() == 1 && resolve(&subst, others[0]) != *p {
                    subst[p.0 as usize] = Some(others[0]);
                    removed[bi].push(pi);
                    any = true;
                }
            }
        }
        if !any {
            break;
        }
        for (bi, idxs) in removed.iter().enumerate() {
            if idxs.is_empty() {
                continue;
            }
            let bd = &mut f.blocks[bi];
            for &i in idxs.iter().rev() {
                bd.params.remove(i);
            }
        }
        for bd in f.blocks.iter_mut() {
            for c in bd.term.block_calls_mut() {
                let idxs = &removed[c.block.0 as usize];
                for &i in idxs.iter().rev() {
                    if i < c.args.len() {
                        c.args.remove(i);
                    }
                }
            }
        }
    }
    for bd in f.blocks.iter_mut() {
        rewrite_block(bd, &subst);
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
