//! Graph colouring with conservative coalescing (Chaitin-Briggs).
//!
//! Takes: an interference [`Graph`], the register sets of the [`Prog`] and
//! which virtual registers are spill temporaries. Returns: a [`Coloring`]:
//! a physical register per virtual register, or the virtual registers to
//! spill.
//!
//! 1. Coalescing: move-related virtual registers that do not interfere are
//!    merged (heaviest moves first) when the Briggs test says the merged
//!    node stays colourable: fewer than k neighbours of significant degree,
//!    k being the registers both may use.
//! 2. Simplify: nodes with fewer neighbours than usable registers are
//!    removed; when none is left, the cheapest node by cost/degree is
//!    removed optimistically (temporaries last).
//! 3. Select: nodes are coloured in reverse removal order. Preference:
//!    a register of a move partner (physical or already coloured) to make
//!    the move disappear; then caller-saved registers (low ones first for
//!    values used by low-preferring instructions, r12 first otherwise);
//!    then callee-saved registers already in use, then the others. Values
//!    live across calls cannot use caller-saved registers at all (they are
//!    in their forbidden set), so they get callee-saved ones.

use crate::interference::Graph;
use crate::prog::Prog;
use crate::PReg;
#[cfg(test)]
use crate::PRegSet;

/// Result of one colouring attempt.
#[derive(Clone, Debug)]
pub(crate) struct Coloring {
    /// Register of each virtual register (None when absent or spilled).
    pub color: Vec<Option<PReg>>,
    /// Non-temporary virtual registers to spill (empty on success).
    pub spilled: Vec<u32>,
    /// A node made only of temporaries could not be coloured.
    pub stuck: bool,
}

struct Uf(Vec<u32>);
impl Uf {
    fn find(&mut self, x: u32) -> u32 {
        let mut r = x;
        while self.0[r as usize] != r {
            r = self.0[r as usize];
        }
        let mut y = x;
        while self.0[y as usize] != r {
            let next = self.0[y as usize];
            self.0[y as usize] = r;
            y = next;
        }
        r
    }
}

/// Colours `g`. `temp[v]` marks spill temporaries (never spilled again).
pub(crate) fn color(prog: &Prog, g: &Graph, temp: &[bool]) -> Coloring {
    let n = g.adj.len();
    let alloc = prog.allocatable.0;
    let kk = prog.allocatable.len() as usize;
    let mut adj = g.adj.clone();
    let mut forbid = g.forbid.clone();
    let mut low = g.low.clone();
    let is_temp = |v: usize| temp.get(v).copied().unwrap_or(false);
    // Spill cost of non-temporary members; temp-only nodes are unspillable.
    let mut cost: Vec<f64> = (0..n).map(|v| if is_temp(v) { 0.0 } else { g.cost[v] }).collect();
    let mut spillable: Vec<bool> = (0..n).map(|v| !is_temp(v)).collect();
    let mut uf = Uf((0..n as u32).collect());

    // 1. Conservative coalescing of virtual-virtual moves.
    let mut moves = g.moves.clone();
    moves.sort_by(|a, b| b.weight.total_cmp(&a.weight));
    for m in &moves {
        let (Some(x), Some(y)) = (m.dst.as_virt(), m.src.as_virt()) else { continue };
        let (a, b) = (uf.find(x), uf.find(y));
        if a == b || adj[a as usize].contains(&b) {
            continue;
        }
        let avail = (alloc & !(forbid[a as usize] | forbid[b as usize])).count_ones() as usize;
        let significant = adj[a as usize]
            .union(&adj[b as usize])
            .filter(|&&t| {
                let common = adj[a as usize].contains(&t) && adj[b as usize].contains(&t);
                adj[t as usize].len() - common as usize >= kk
            })
            .count();
        if avail == 0 || significant >= avail {
            continue;
        }
        let nb: Vec<u32> = std::mem::take(&mut adj[b as usize]).into_iter().collect();
        for t in nb {
            adj[t as usize].remove(&b);
            adj[t as usize].insert(a);
            adj[a as usize].insert(t);
        }
        forbid[a as usize] |= forbid[b as usize];
        low[a as usize] |= low[b as usize];
        cost[a as usize] += cost[b as usize];
        spillable[a as usize] |= spillable[b as usize];
        uf.0[b as usize] = a;
    }
    let rep: Vec<u32> = (0..n as u32).map(|v| uf.find(v)).collect();
    let nodes: Vec<usize> = (0..n).filter(|&v| rep[v] as usize == v && g.present[v]).collect();

    // 2. Simplify.
    let k_of = |v: usize, forbid: &[u32]| (alloc & !forbid[v]).count_ones() as usize;
    let mut deg: Vec<usize> = adj.iter().map(|s| s.len()).collect();
    let mut removed = vec![false; n];
    let mut queued = vec![false; n];
    let mut worklist: Vec<usize> = Vec::new();
    for &v in nodes.iter().rev() {
        if deg[v] < k_of(v, &forbid) {
            worklist.push(v);
            queued[v] = true;
        }
    }
    let mut stack = Vec::with_capacity(nodes.len());
    let mut remaining = nodes.len();
    while remaining > 0 {
        let v = match worklist.pop() {
            Some(v) if !removed[v] => v,
            Some(_) => continue,
            None => {
                // Optimistic spill candidate: cheapest per neighbour.
                let metric = |v: usize| {
                    if spillable[v] {
                        cost[v] / (deg[v] as f64 + 1.0)
                    } else {
                        f64::INFINITY
                    }
                };
                let mut best: Option<usize> = None;
                for &v in &nodes {
                    let better = match best {
                        None => true,
                        Some(b) => metric(v) < metric(b),
                    };
                    if !removed[v] && better {
                        best = Some(v);
                    }
                }
                match best {
                    Some(v) => v,
                    None => break,
                }
            }
        };
        removed[v] = true;
        remaining -= 1;
        stack.push(v);
        for &t in &adj[v] {
            let t = t as usize;
            if !removed[t] {
                deg[t] -= 1;
                if !queued[t] && deg[t] < k_of(t, &forbid) {
                    queued[t] = true;
                    worklist.push(t);
                }
            }
        }
    }

    // Move partners of each node, for biased colouring.
    let mut partners: Vec<Vec<(crate::Reg, f64)>> = vec![Vec::new(); n];
    for m in &moves {
        for (x, y) in [(m.dst, m.src), (m.src, m.dst)] {
            if let Some(v) = x.as_virt() {
                let other = match y.as_virt() {
                    Some(w) => crate::Reg::virt(rep[w as usize]),
                    None => y,
                };
                partners[rep[v as usize] as usize].push((other, m.weight));
            }
        }
    }

    // 3. Select.
    let callee = prog.callee_saved.0;
    let mut used_callee = 0u32;
    let mut color: Vec<Option<PReg>> = vec![None; n];
    let mut spilled_nodes = Vec::new();
    while let Some(v) = stack.pop() {
        let mut taken = forbid[v];
        for &t in &adj[v] {
            if let Some(c) = color[t as usize] {
                taken |= 1 << c.0;
            }
        }
        let avail = alloc & !taken;
        if avail == 0 {
            spilled_nodes.push(v);
            continue;
        }
        let mut hint: Option<(PReg, f64)> = None;
        for &(p, w) in &partners[v] {
            let c = match (p.as_phys(), p.as_virt()) {
                (Some(c), _) => Some(c),
                (None, Some(w2)) => color[w2 as usize],
                _ => None,
            };
            if let Some(c) = c.filter(|c| avail & (1 << c.0) != 0) {
                if !matches!(hint, Some((_, hw)) if hw >= w) {
                    hint = Some((c, w));
                }
            }
        }
        let c = hint.map(|(c, _)| c).unwrap_or_else(|| pick(avail, callee, used_callee, low[v]));
        if callee & (1 << c.0) != 0 {
            used_callee |= 1 << c.0;
        }
        color[v] = Some(c);
    }
    let mut out_color = vec![None; n];
    for v in 0..n {
        out_color[v] = color[rep[v] as usize];
    }
    let mut spilled = Vec::new();
    let mut stuck = false;
    for s in spilled_nodes {
        let members: Vec<u32> = (0..n as u32).filter(|&v| rep[v as usize] as usize == s && !is_temp(v as usize)).collect();
        stuck |= members.is_empty();
        spilled.extend(members);
    }
    spilled.sort_unstable();
    Coloring { color: out_color, spilled, stuck }
}

/// Chooses a register from `avail` by the preference order of the module
/// comment.
fn pick(avail: u32, callee: u32, used_callee: u32, low: bool) -> PReg {
    let first = |m: u32| (m != 0).then(|| PReg(m.trailing_zeros() as u8));
    let lows = 0xff;
    let caller = avail & !callee;
    let groups: [u32; 4] = if low {
        [caller & lows, caller, avail & used_callee & lows, avail & used_callee]
    } else {
        [caller & !lows, caller, avail & used_callee & !lows, avail & used_callee]
    };
    for m in groups {
        if let Some(p) = first(m) {
            return p;
        }
    }
    let rest = avail & callee;
    let ordered = if low { [rest & lows, rest] } else { [rest & !lows & !(1 << 14), rest] };
    for m in ordered {
        if let Some(p) = first(m) {
            return p;
        }
    }
    first(avail).unwrap_or(PReg(0))
}

/// Registers of a set in the order [`pick`] would try them (for tests).
#[cfg(test)]
fn pick_order(avail: PRegSet, callee: PRegSet, low: bool) -> Vec<u8> {
    let mut m = avail.0;
    let mut order = Vec::new();
    while m != 0 {
        let p = pick(m, callee.0, 0, low);
        order.push(p.0);
        m &= !(1 << p.0);
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::toy::{allocatable, callee_saved};

    #[test]
    fn caller_saved_first_low_preference_orders_within_groups() {
        let low = pick_order(allocatable(), callee_saved(), true);
        assert_eq!(low, vec![0, 1, 2, 3, 12, 4, 5, 6, 7, 8, 9, 10, 11, 14]);
        let high = pick_order(allocatable(), callee_saved(), false);
        assert_eq!(high, vec![12, 0, 1, 2, 3, 8, 9, 10, 11, 4, 5, 6, 7, 14]);
        // Already-used callee-saved registers come before fresh ones.
        let only_callee = PRegSet(allocatable().0 & callee_saved().0);
        assert_eq!(pick(only_callee.0, callee_saved().0, 1 << 9, true), PReg(9));
    }
}
