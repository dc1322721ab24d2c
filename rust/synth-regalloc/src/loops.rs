//! Loop nesting depth of blocks.
//!
//! Takes: a [`Prog`]'s CFG. Returns: for every block, how many natural
//! loops contain it (0 outside loops and for unreachable blocks). Loops are
//! found from back edges `t -> h` where `h` dominates `t`; bodies of back
//! edges with the same header are merged, so one loop counts once.

use crate::prog::Prog;

/// Dominator sets (`dom[b][d]` = d dominates b) of reachable blocks.
fn dominators(prog: &Prog) -> (Vec<Vec<bool>>, Vec<bool>) {
    let nb = prog.blocks.len();
    let mut reach = vec![false; nb];
    let mut stack = vec![0usize];
    while let Some(b) = stack.pop() {
        if nb == 0 || reach[b] {
            continue;
        }
        reach[b] = true;
        stack.extend(prog.succs[b].iter().copied());
    }
    let mut dom = vec![vec![true; nb]; nb];
    if nb == 0 {
        return (dom, reach);
    }
    dom[0] = (0..nb).map(|d| d == 0).collect();
    let mut changed = true;
    while changed {
        changed = false;
        for b in 1..nb {
            if !reach[b] {
                continue;
            }
            let mut new = vec![true; nb];
            for &p in prog.preds[b].iter().filter(|&&p| reach[p]) {
                for (n, d) in new.iter_mut().zip(&dom[p]) {
                    *n &= *d;
                }
            }
            new[b] = true;
            if new != dom[b] {
                dom[b] = new;
                changed = true;
            }
        }
    }
    (dom, reach)
}

/// Loop depth of every block.
pub(crate) fn loop_depths(prog: &Prog) -> Vec<u32> {
    let nb = prog.blocks.len();
    let (dom, reach) = dominators(prog);
    let mut bodies: Vec<Option<Vec<bool>>> = vec![None; nb];
    for t in (0..nb).filter(|&t| reach[t]) {
        for &h in &prog.succs[t] {
            if !dom[t][h] {
                continue;
            }
            let body = bodies[h].get_or_insert_with(|| vec![false; nb]);
            body[h] = true;
            let mut stack = vec![t];
            while let Some(x) = stack.pop() {
                if body[x] {
                    continue;
                }
                body[x] = true;
                stack.extend(prog.preds[x].iter().copied().filter(|&p| reach[p]));
            }
        }
    }
    let mut depth = vec![0u32; nb];
    for body in bodies.iter().flatten() {
        for (d, &inside) in depth.iter_mut().zip(body) {
            *d += inside as u32;
        }
    }
    depth
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::toy::{phys, Builder};

    #[test]
    fn nested_loops_have_increasing_depth() {
        // b0 -> b1 (outer header) -> b2 (inner, self loop) -> b3 (latch) -> b1 | b4
        let mut bd = Builder::new();
        let c = bd.v();
        let bs: Vec<usize> = (0..5).map(|_| bd.block()).collect();
        bd.at(bs[0]);
        bd.konst(c, 1);
        bd.br(bs[1]);
        bd.at(bs[1]);
        bd.br(bs[2]);
        bd.at(bs[2]);
        bd.condbr(c, bs[2], bs[3]);
        bd.at(bs[3]);
        bd.condbr(c, bs[1], bs[4]);
        bd.at(bs[4]);
        bd.mov(phys(0), c);
        bd.ret();
        let prog = Prog::from_func(&bd.finish());
        assert_eq!(loop_depths(&prog), vec![0, 1, 2, 1, 0]);
    }
}
