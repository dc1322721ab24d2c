//! Dominator tree of a [`Function`]'s CFG: Lengauer and Tarjan's algorithm
//! (semidominators over a depth-first spanning tree, path compression),
//! O(edges × log blocks) on every shape; the iterative algorithm of Cooper,
//! Harvey and Kennedy, kept as the tests' reference, walks the dominator
//! tree at every join and is quadratic on deep loop nests.

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
/// `None` for blocks unreachable from the entry.
pub fn dominators(func: &Function) -> Vec<Option<usize>> {
    const NONE: usize = usize::MAX;
    let n = func.blocks.len();
    let mut idom: Vec<Option<usize>> = vec![None; n];
    if n == 0 {
        return idom;
    }
    // Depth-first preorder from the entry; vertices are preorder numbers.
    let mut num = vec![NONE; n];
    let mut vertex: Vec<usize> = vec![0];
    let mut parent: Vec<usize> = vec![NONE];
    num[0] = 0;
    let mut stack: Vec<(usize, usize)> = vec![(0, 0)];
    while let Some(&mut (b, ref mut next)) = stack.last_mut() {
        if let Some(s) = nth_target(&func.blocks[b].term, *next) {
            *next += 1;
            let s = s.0 as usize;
            if s < n && num[s] == NONE {
                num[s] = vertex.len();
                parent.push(num[b]);
                vertex.push(s);
                stack.push((s, 0));
            }
        } else {
            stack.pop();
        }
    }
    let m = vertex.len();
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); m];
    for (v, &b) in vertex.iter().enumerate() {
        for c in func.blocks[b].term.block_calls() {
            let s = c.block.0 as usize;
            if s < n {
                preds[num[s]].push(v);
            }
        }
    }
    let mut semi: Vec<usize> = (0..m).collect();
    let mut label: Vec<usize> = (0..m).collect();
    let mut ancestor = vec![NONE; m];
    let mut dom = vec![0usize; m];
    let mut bucket: Vec<Vec<usize>> = vec![Vec::new(); m];
    let mut path = Vec::new();
    // The vertex of minimal semidominator on the forest path above `v`
    // (path compression, iteratively).
    let mut eval = |v: usize, ancestor: &mut [usize], label: &mut [usize], semi: &[usize]| -> usize {
        if ancestor[v] == NONE {
            return v;
        }
        let mut x = v;
        while ancestor[ancestor[x]] != NONE {
            path.push(x);
            x = ancestor[x];
        }
        while let Some(x) = path.pop() {
            let a = ancestor[x];
            if semi[label[a]] < semi[label[x]] {
                label[x] = label[a];
            }
            ancestor[x] = ancestor[a];
        }
        label[v]
    };
    for w in (1..m).rev() {
        for &v in &preds[w] {
            let u = eval(v, &mut ancestor, &mut label, &semi);
            if semi[u] < semi[w] {
                semi[w] = semi[u];
            }
        }
        bucket[semi[w]].push(w);
        let p = parent[w];
        ancestor[w] = p;
        for v in std::mem::take(&mut bucket[p]) {
            let u = eval(v, &mut ancestor, &mut label, &semi);
            dom[v] = if semi[u] < semi[v] { u } else { p };
        }
    }
    for w in 1..m {
        if dom[w] != semi[w] {
            dom[w] = dom[dom[w]];
        }
    }
    idom[0] = Some(0);
    for w in 1..m {
        idom[vertex[w]] = Some(vertex[dom[w]]);
    }
    idom
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
