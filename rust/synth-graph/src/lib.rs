//! Control-flow graph algorithms that both the IR (its verifier and
//! optimiser) and the register allocator (its loop forest) need, over any
//! graph given by a successor function, so each keeps its own CFG type.
//!
//! Takes: a node count and the successors of each node (node 0 is the
//! entry). Returns: immediate dominators.

#![warn(missing_docs)]

/// Immediate dominator of every node of a graph of `n` nodes whose entry
/// is node 0: `Some(0)` for the entry, `None` for nodes unreachable from
/// it. `succ(b, k)` is the `k`th successor of `b` (`None` past the last;
/// successors `>= n` are ignored). Lengauer and Tarjan's algorithm
/// (semidominators over a depth-first spanning tree, iterative path
/// compression): O(edges × log nodes) on every shape, where the iterative
/// algorithm of Cooper, Harvey and Kennedy walks the dominator tree at
/// every join and is quadratic on a deep loop nest.
pub fn immediate_dominators(n: usize, succ: impl Fn(usize, usize) -> Option<usize>) -> Vec<Option<usize>> {
    const NONE: usize = usize::MAX;
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
        if let Some(s) = succ(b, *next) {
            *next += 1;
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
        let mut k = 0;
        while let Some(s) = succ(b, k) {
            k += 1;
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
    // The vertex of minimal semidominator on the forest path above `v`.
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

/// Marks a node of [`preorder_spans`]'s forest that is a root.
pub const ROOT: usize = usize::MAX - 1;

/// Marks a node of [`preorder_spans`]'s forest that is not in it.
pub const ABSENT: usize = usize::MAX;

/// `[enter, exit)` of every node in a preorder walk of the forest given by
/// `parent` (a node's parent, [`ROOT`] or [`ABSENT`]), so that `a` is an
/// ancestor of `b` (or `b` itself) exactly when `b`'s enter lies in `a`'s
/// interval. Absent nodes get `(0, 0)`. Iterative (a deep nest does not
/// exhaust the stack) and linear in the nodes.
pub fn preorder_spans(parent: &[usize]) -> Vec<(u32, u32)> {
    let n = parent.len();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut stack: Vec<(usize, bool)> = Vec::new();
    for (v, &p) in parent.iter().enumerate().rev() {
        match p {
            ROOT => stack.push((v, false)),
            ABSENT => {}
            p => children[p].push(v),
        }
    }
    let mut span = vec![(0u32, 0u32); n];
    let mut clock = 0u32;
    while let Some((v, done)) = stack.pop() {
        if done {
            span[v].1 = clock;
            continue;
        }
        span[v].0 = clock;
        clock += 1;
        stack.push((v, true));
        stack.extend(children[v].iter().map(|&c| (c, false)));
    }
    span
}

#[cfg(test)]
mod tests {
    use super::{immediate_dominators, preorder_spans, ABSENT, ROOT};

    fn idom(succs: &[&[usize]]) -> Vec<Option<usize>> {
        immediate_dominators(succs.len(), |b, k| succs[b].get(k).copied())
    }

    #[test]
    fn diamond_loop_unreachable_and_out_of_range() {
        // 0 -> 1, 2; 1 -> 3; 2 -> 3; 3 -> 1 (loop), 9 (ignored); 4 unreachable.
        assert_eq!(idom(&[&[1, 2], &[3], &[3], &[1, 9], &[0]]), vec![Some(0), Some(0), Some(0), Some(0), None]);
        // A chain: each node's dominator is the one before it.
        assert_eq!(idom(&[&[1], &[2], &[3], &[]]), vec![Some(0), Some(0), Some(1), Some(2)]);
        assert_eq!(idom(&[]), vec![]);
    }

    /// Against the definition (d dominates b iff b is unreachable from the
    /// entry once d is removed) on random graphs.
    #[test]
    fn matches_the_definition_on_random_graphs() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..300 {
            let n = 1 + (next() % 12) as usize;
            let succs: Vec<Vec<usize>> =
                (0..n).map(|_| (0..next() % 4).map(|_| (next() % (n as u64 + 1)) as usize).collect()).collect();
            let reach = |skip: usize| {
                let mut seen = vec![false; n];
                let mut stack = vec![0];
                while let Some(b) = stack.pop() {
                    if b == skip || seen[b] {
                        continue;
                    }
                    seen[b] = true;
                    stack.extend(succs[b].iter().copied().filter(|&s| s < n));
                }
                seen
            };
            let all = reach(usize::MAX);
            let got = immediate_dominators(n, |b, k| succs[b].get(k).copied());
            for b in 0..n {
                if !all[b] {
                    assert_eq!(got[b], None);
                    continue;
                }
                // Strict dominators of b: removing them cuts b off.
                let doms: Vec<usize> = (0..n).filter(|&d| d != b && all[d] && !reach(d)[b]).collect();
                let want = if b == 0 {
                    0
                } else {
                    // The immediate one is the strict dominator every other one dominates: the deepest.
                    *doms.iter().find(|&&d| doms.iter().all(|&e| e == d || !reach(e)[d])).unwrap()
                };
                assert_eq!(got[b], Some(want), "{succs:?} node {b}");
            }
        }
    }

    #[test]
    fn preorder_spans_nest_exactly_the_descendants() {
        // 0 -> {1, 2}, 1 -> {3}, 4 alone, 5 absent.
        let parent = [ROOT, 0, 0, 1, ROOT, ABSENT];
        let span = preorder_spans(&parent);
        let within = |a: usize, b: usize| span[a].0 <= span[b].0 && span[b].0 < span[a].1;
        let ancestor = |a: usize, mut b: usize| loop {
            if a == b {
                return true;
            }
            match parent[b] {
                ROOT | ABSENT => return false,
                p => b = p,
            }
        };
        for a in 0..5 {
            for b in 0..5 {
                assert_eq!(within(a, b), ancestor(a, b), "{a} {b}");
            }
        }
        assert_eq!(span[5], (0, 0));
    }
}
