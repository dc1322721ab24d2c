//! Dominator tree of a [`Function`]'s CFG: Lengauer and Tarjan's algorithm
//! (shared with the register allocator in `synth-graph`), O(edges × log
//! blocks) on every shape; the iterative algorithm of Cooper, Harvey and
//! Kennedy, kept as the tests' reference, walks the dominator tree at every
//! join and is quadratic on deep loop nests.

use crate::Function;

/// Blocks reachable from the entry in reverse postorder (entry first).
/// Targets outside the function are ignored.
pub fn reverse_postorder(func: &Function) -> Vec<usize> {
    let n = func.blocks.len();
    let mut order = Vec::with_capacity(n);
    if n == 0 {
        return order;
    }
    let mut seen = vec![false; n];
    // Explicit stack of (block, next successor index): no recursion.
    let mut stack: Vec<(usize, usize)> = vec![(0, 0)];
    seen[0] = true;
    while let Some(&mut (b, ref mut next)) = stack.last_mut() {
        if let Some(s) = nth_target(&func.blocks[b].term, *next) {
            let s = s.0 as usize;
            *next += 1;
            if s < n && !seen[s] {
                seen[s] = true;
                stack.push((s, 0));
            }
        } else {
            order.push(b);
            stack.pop();
        }
    }
    order.reverse();
    order
}

/// Target of the `k`th block call of `term` (in [`Terminator::block_calls`]
/// order), without building the list: a DFS step costs O(1) even on a
/// many-way `br_table`.
fn nth_target(term: &crate::Terminator, k: usize) -> Option<crate::Block> {
    use crate::Terminator;
    match term {
        Terminator::Jump(c) => (k == 0).then_some(c.block),
        Terminator::Branch { then_dest, else_dest, .. } => match k {
            0 => Some(then_dest.block),
            1 => Some(else_dest.block),
            _ => None,
        },
        Terminator::BrTable { targets, default, .. } => match targets.get(k) {
            Some(c) => Some(c.block),
            None => (k == targets.len()).then_some(default.block),
        },
        Terminator::Return(_) | Terminator::Trap(_) => None,
    }
}

/// Immediate dominator of each block: `Some(entry)` for the entry itself,
/// `None` for blocks unreachable from the entry (Lengauer and Tarjan's
/// algorithm, [`synth_graph::immediate_dominators`]; targets outside the
/// function are ignored).
pub fn dominators(func: &Function) -> Vec<Option<usize>> {
    synth_graph::immediate_dominators(func.blocks.len(), |b, k| nth_target(&func.blocks[b].term, k).map(|t| t.0 as usize))
}

/// [`dominators`] by Cooper, Harvey and Kennedy's iterative algorithm over
/// reverse postorder: the reference of the tests.
#[cfg(test)]
pub(crate) fn dominators_iterative(func: &Function) -> Vec<Option<usize>> {
    let n = func.blocks.len();
    let rpo = reverse_postorder(func);
    let mut rpo_index = vec![usize::MAX; n];
    for (i, b) in rpo.iter().enumerate() {
        rpo_index[*b] = i;
    }
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &b in &rpo {
        for c in func.blocks[b].term.block_calls() {
            let s = c.block.0 as usize;
            // A duplicate of b can only be the last entry (b's own calls).
            if s < n && preds[s].last() != Some(&b) {
                preds[s].push(b);
            }
        }
    }
    let mut idom: Vec<Option<usize>> = vec![None; n];
    if n == 0 {
        return idom;
    }
    idom[0] = Some(0);
    let intersect = |idom: &[Option<usize>], mut a: usize, mut b: usize| {
        while a != b {
            while rpo_index[a] > rpo_index[b] {
                a = idom[a].unwrap_or(0);
            }
            while rpo_index[b] > rpo_index[a] {
                b = idom[b].unwrap_or(0);
            }
        }
        a
    };
    let mut changed = true;
    while changed {
        changed = false;
        for &b in rpo.iter().skip(1) {
            let mut new: Option<usize> = None;
            for &p in &preds[b] {
                if idom[p].is_none() {
                    continue;
                }
                new = Some(match new {
                    None => p,
                    Some(q) => intersect(&idom, p, q),
                });
            }
            if new.is_some() && idom[b] != new {
                idom[b] = new;
                changed = true;
            }
        }
    }
    idom
}
