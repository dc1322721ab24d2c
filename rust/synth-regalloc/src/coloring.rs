//! Graph colouring with conservative coalescing (Chaitin-Briggs).
//!
//! Takes: an interference [`Graph`] (adjacency lists for enumeration, a
//! bit matrix for membership), the register sets of the [`Prog`] and
//! which virtual registers are spill temporaries. Returns: a [`Coloring`]:
//! a physical register per virtual register, or the virtual registers to
//! spill.
//!
//! 1. Coalescing: move-related virtual registers that do not interfere are
//!    merged (heaviest moves first) when the merged node provably stays
//!    colourable: the Briggs test (fewer than k neighbours of significant
//!    degree, k being the registers both may use) or the George test (every
//!    neighbour of one side already interferes with the other side or has
//!    insignificant degree, and that side forbids no register the other
//!    allows). Registers the caller asks to keep apart are not merged: the
//!    base rung colours again without merging the registers of a spilled
//!    coalesced node, so that only the parts that need it are spilled.
//! 2. Simplify: nodes with fewer neighbours than usable registers are
//!    removed; when none is left, the cheapest node by cost/degree is
//!    removed optimistically (temporaries last), found with a lazily
//!    updated heap (degrees only fall, so stale entries are re-queued).
//! 3. Select: nodes are coloured in reverse removal order. Preference:
//!    a register of a move partner (physical or already coloured) to make
//!    the move disappear; else, among the free registers, those the
//!    uncoloured move partners can still take (heaviest partner first), so
//!    that they can follow later; within that set, for values used by
//!    low-preferring instructions (16-bit encodings need r0-r7): r0-r3,
//!    then r4-r7 already pushed (free), then r12, then the other
//!    callee-saved registers in use, then fresh ones, low first; for other
//!    values r12 first, then r0-r3, then callee-saved registers in use,
//!    then fresh ones. Values live across calls cannot use caller-saved
//!    registers at all (they are in their forbidden set), so they get
//!    callee-saved ones.

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
    /// The members of `spilled` that were coalesced with other registers
    /// (spilling the merged node spills values whose own ranges may fit).
    pub coalesced_spills: Vec<u32>,
    /// Moves coalesced (their two registers merged into one node).
    #[cfg_attr(not(test), allow(dead_code))]
    pub coalesced: u32,
}

/// A node as simplification visits it: its degree over the nodes not yet
/// removed, how many registers it may use, and [`OUT`]/[`QUEUED`].
#[derive(Clone, Copy)]
struct SimplifyNode {
    deg: u32,
    k: u8,
    state: u8,
}

/// Most adjacency entries one coalescing test walks (Briggs over both
/// sides, George over one): beyond it the test counts as failed.
const WALK_LIMIT: usize = 1024;

/// Simplification state: removed (merged-away nodes start removed).
const OUT: u8 = 1;
/// Simplification state: on the worklist.
const QUEUED: u8 = 2;

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

/// A spill candidate in the simplify heap: cheapest metric first, then
/// lowest node (the order the original linear scan had).
#[derive(Clone, Copy, PartialEq)]
struct Candidate(f64, u32);
impl Eq for Candidate {}
impl PartialOrd for Candidate {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Candidate {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        // Reversed: BinaryHeap is a max-heap.
        o.0.total_cmp(&self.0).then(o.1.cmp(&self.1))
    }
}

/// Colours `g`. `temp[v]` marks spill temporaries (never spilled again);
/// `keep_apart[v]` forbids coalescing `v` with anything.
///
/// Coalescing adds the edges of merged nodes to `g`; they are removed
/// again before returning, so `g` is unchanged afterwards and may be
/// coloured again.
pub(crate) fn color(prog: &Prog, g: &mut Graph, temp: &[bool], keep_apart: &[bool]) -> Coloring {
    let n = g.adj.len();
    let alloc = prog.allocatable.lo();
    let kk = prog.allocatable.len() as usize;
    let built_len: Vec<usize> = g.adj.iter().map(Vec::len).collect();
    let mut forbid = g.forbid.clone();
    let mut low = g.low.clone();
    let mut gain = g.gain.clone();
    let is_temp = |v: usize| temp.get(v).copied().unwrap_or(false);
    // Spill cost of non-temporary members; temp-only nodes are unspillable.
    let mut cost: Vec<f64> = (0..n).map(|v| if is_temp(v) { 0.0 } else { g.cost[v] }).collect();
    let mut spillable: Vec<bool> = (0..n).map(|v| !is_temp(v)).collect();
    let mut uf = Uf((0..n as u32).collect());
    // merged[v]: v was merged into another node (its list entries are stale).
    let mut merged = vec![false; n];
    // Degree over live (unmerged) neighbours.
    let mut deg: Vec<usize> = g.adj.iter().map(Vec::len).collect();
    let mut stamp: Vec<u32> = vec![u32::MAX; n];
    // Edges added by merging, removed before returning.
    let mut added: Vec<(u32, u32)> = Vec::new();
    let mut coalesced = 0u32;

    // Registers node v may use at all.
    let k_of = |v: usize, forbid: &[u32]| (alloc & !forbid[v]).count_ones() as usize;

    // 1. Conservative coalescing of virtual-virtual moves.
    let mut moves = g.moves.clone();
    moves.sort_by(|a, b| b.weight.total_cmp(&a.weight));
    for (mi, m) in moves.iter().enumerate() {
        let (Some(x), Some(y)) = (m.dst.as_virt(), m.src.as_virt()) else {
            continue;
        };
        let apart = |v: u32| keep_apart.get(v as usize).copied().unwrap_or(false);
        if apart(x) || apart(y) {
            continue;
        }
        let (a, b) = (uf.find(x), uf.find(y));
        if a == b || g.interferes(a, b) {
            continue;
        }
        let avail = (alloc & !(forbid[a as usize] | forbid[b as usize])).count_ones() as usize;
        if avail == 0 {
            continue;
        }
        // Briggs: fewer than `avail` neighbours of the union have
        // significant degree. The count stops at `avail` (the test has
        // failed by then): a long-lived value with thousands of
        // neighbours and many moves would otherwise cost its whole list,
        // and a pair lookup per entry, for every move.
        // The walk also stops after WALK_LIMIT entries, undecided (a
        // failure): in a sparse region a value coalesced with hundreds of
        // others (a loop header's parameter with as many back edges, say)
        // has a long list of neighbours of low degree, which the count
        // would otherwise walk in full for each of those moves.
        let mut significant = 0;
        let mut walked = 0;
        for &t in &g.adj[a as usize] {
            if significant >= avail || walked == WALK_LIMIT {
                break;
            }
            walked += 1;
            if !merged[t as usize] {
                stamp[t as usize] = mi as u32;
                let common = g.interferes(b, t) as usize;
                significant += (deg[t as usize] - common >= kk) as usize;
            }
        }
        for &t in &g.adj[b as usize] {
            if significant >= avail || walked == WALK_LIMIT {
                break;
            }
            walked += 1;
            if !merged[t as usize] && stamp[t as usize] != mi as u32 {
                significant += (deg[t as usize] >= kk) as usize;
            }
        }
        // George (either direction): every neighbour of one side already
        // interferes with the other or has insignificant degree, so the
        // merged node is no harder to colour than the other side alone.
        // Only from a side whose list is at most WALK_LIMIT long.
        let george = |x: u32, y: u32, deg: &[usize]| {
            g.adj[x as usize].len() <= WALK_LIMIT
                && g.adj[x as usize]
                    .iter()
                    .all(|&t| merged[t as usize] || deg[t as usize] < k_of(t as usize, &forbid) || g.interferes(y, t))
        };
        let subset_forbid = |x: u32, y: u32| forbid[x as usize] & !forbid[y as usize] == 0;
        let briggs = significant < avail && walked < WALK_LIMIT;
        let safe = briggs
            || (subset_forbid(b, a) && george(b, a, &deg))
            || (subset_forbid(a, b) && george(a, b, &deg));
        if !safe {
            continue;
        }
        // Merge the node with the shorter list into the other: walking
        // the shorter list keeps a chain of merges into one long-lived
        // value linear (merging into the short side would walk, and copy,
        // the long list again at every step).
        let (a, b) = if g.adj[a as usize].len() < g.adj[b as usize].len() { (b, a) } else { (a, b) };
        // Merge b into a.
        let nb = std::mem::take(&mut g.adj[b as usize]);
        for &t in &nb {
            if merged[t as usize] {
                continue;
            }
            if g.interferes(a, t) {
                deg[t as usize] -= 1;
            } else {
                g.add_edge(a, t);
                added.push((a, t));
                deg[a as usize] += 1;
            }
        }
        g.adj[b as usize] = nb;
        merged[b as usize] = true;
        forbid[a as usize] |= forbid[b as usize];
        low[a as usize] |= low[b as usize];
        gain[a as usize] += gain[b as usize];
        cost[a as usize] += cost[b as usize];
        spillable[a as usize] |= spillable[b as usize];
        uf.0[b as usize] = a;
        coalesced += 1;
    }
    let rep: Vec<u32> = (0..n as u32).map(|v| uf.find(v)).collect();
    let nodes: Vec<usize> = (0..n).filter(|&v| rep[v] as usize == v && g.present[v]).collect();

    // 2. Simplify.
    // Per node, what visiting it as a neighbour reads, packed in 8 bytes
    // (separate vectors would cost a cache miss each on a large graph).
    let mut node: Vec<SimplifyNode> = (0..n)
        .map(|v| SimplifyNode {
            deg: deg[v] as u32,
            k: k_of(v, &forbid) as u8,
            state: if merged[v] { OUT } else { 0 },
        })
        .collect();
    let mut worklist: Vec<usize> = Vec::new();
    for &v in nodes.iter().rev() {
        if node[v].deg < node[v].k as u32 {
            worklist.push(v);
            node[v].state |= QUEUED;
        }
    }
    // Optimistic spill candidates: cheapest per neighbour. Degrees only
    // fall, so a stored metric is never above the current one: a popped
    // entry whose metric went up is pushed back with the new value.
    let metric = |v: usize, node: &[SimplifyNode]| {
        if spillable[v] {
            cost[v] / (node[v].deg as f64 + 1.0)
        } else {
            f64::INFINITY
        }
    };
    let mut heap: std::collections::BinaryHeap<Candidate> =
        nodes.iter().map(|&v| Candidate(metric(v, &node), v as u32)).collect();
    let mut stack = Vec::with_capacity(nodes.len());
    let mut remaining = nodes.len();
    while remaining > 0 {
        let v = match worklist.pop() {
            Some(v) if node[v].state & OUT == 0 => v,
            Some(_) => continue,
            None => loop {
                let Some(Candidate(m, v)) = heap.pop() else {
                    break None;
                };
                let v = v as usize;
                if node[v].state & OUT != 0 {
                    continue;
                }
                let now = metric(v, &node);
                if now.total_cmp(&m).is_gt() {
                    heap.push(Candidate(now, v as u32));
                    continue;
                }
                break Some(v);
            }
            .unwrap_or(usize::MAX),
        };
        if v == usize::MAX {
            break;
        }
        node[v].state |= OUT;
        remaining -= 1;
        stack.push(v);
        for &t in &g.adj[v] {
            let nt = &mut node[t as usize];
            if nt.state & OUT == 0 {
                nt.deg -= 1;
                if nt.state & QUEUED == 0 && nt.deg < nt.k as u32 {
                    nt.state |= QUEUED;
                    worklist.push(t as usize);
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
    let callee = prog.callee_saved.lo();
    let mut used_callee = 0u32;
    let mut color: Vec<Option<PReg>> = vec![None; n];
    let mut spilled_nodes = Vec::new();
    // Uncoloured move partners of the node being coloured, and per node
    // the last node that looked at it as such a partner.
    let mut open: Vec<(f64, u32)> = Vec::new();
    let mut seen: Vec<u32> = vec![u32::MAX; n];
    while let Some(v) = stack.pop() {
        let mut taken = forbid[v];
        // Merged-away neighbours have no colour: stale entries are harmless.
        for &t in &g.adj[v] {
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
        // No coloured partner to copy: keep free a register the heaviest
        // uncoloured partners can still take, so they can follow later.
        let mut prefer = avail;
        if hint.is_none() {
            // Heaviest partner first (a stable sort: equal weights keep
            // their order). A partner met again narrows nothing more, and
            // once one register is left none can: their lists (long for
            // long-lived values) are not walked then.
            open.clear();
            open.extend(partners[v].iter().filter_map(|&(p, w)| {
                let p = p.as_virt()? as usize;
                (color[p].is_none() && p != v).then_some((w, p as u32))
            }));
            open.sort_by(|x, y| y.0.total_cmp(&x.0));
            for &(_, p) in &open {
                if prefer.count_ones() == 1 {
                    break;
                }
                let p = p as usize;
                if seen[p] == v as u32 {
                    continue;
                }
                seen[p] = v as u32;
                let mut free = alloc & !forbid[p];
                for &t in &g.adj[p] {
                    if let Some(c) = color[t as usize] {
                        free &= !(1 << c.0);
                    }
                }
                if prefer & free != 0 {
                    prefer &= free;
                }
            }
        }
        let c = hint.map(|(c, _)| c).unwrap_or_else(|| match prog.class {
            crate::RegClass::Int => pick(prefer, callee, used_callee, low[v]),
            crate::RegClass::Float => pick_float(prefer, callee, used_callee),
        });
        if callee & (1 << c.0) != 0 {
            used_callee |= 1 << c.0;
        }
        color[v] = Some(c);
    }
    if spilled_nodes.is_empty() && prog.class == crate::RegClass::Int {
        let used = color.iter().flatten().fold(0u32, |m, c| m | 1 << c.0);
        let lows = alloc & 0xff & (!callee | used);
        let ctx = Recolor { g, merged: &merged, forbid: &forbid, gain: &gain, partners: &partners };
        ctx.run(&nodes, lows, &mut color);
    }
    for (list, len) in g.adj.iter_mut().zip(built_len) {
        list.truncate(len);
    }
    for (a, t) in added {
        g.pairs.remove(a, t);
    }
    let mut out_color = vec![None; n];
    for v in 0..n {
        out_color[v] = color[rep[v] as usize];
    }
    let mut is_spilled_node = vec![false; n];
    for &s in &spilled_nodes {
        is_spilled_node[s] = true;
    }
    let mut has_member = vec![false; n];
    let mut size = vec![0u32; n];
    for &r in &rep {
        size[r as usize] += 1;
    }
    let mut spilled = Vec::new();
    let mut coalesced_spills = Vec::new();
    for (v, &r) in rep.iter().enumerate() {
        let r = r as usize;
        if is_spilled_node[r] && !is_temp(v) {
            has_member[r] = true;
            spilled.push(v as u32);
            if size[r] > 1 {
                coalesced_spills.push(v as u32);
            }
        }
    }
    let stuck = spilled_nodes.iter().any(|&s| !has_member[s]);
    Coloring { color: out_color, spilled, stuck, coalesced_spills, coalesced }
}

/// Kempe-chain recolouring for 16-bit encodings, after a complete
/// colouring: the select phase gives registers greedily in stack order, so
/// a value with many uses in instructions that have a 16-bit form (which
/// needs r0-r7) may get a high register while a value with few such uses
/// holds a low one. For a node `v` in a high register `h`, the chain of `v`
/// in the subgraph of nodes coloured `h` or a low `l` can swap its two
/// colours and the colouring stays valid (nodes outside the chain
/// adjacent to it have neither colour, or would be in it); the swap is
/// done when every node of the chain may take its new register, no
/// move that its colours made disappear reappears, and the gain (bytes
/// of the nodes moving to `l` minus those of the nodes moving to `h`) is
/// the largest positive one among the low registers. Each swap strictly
/// raises the total gain of low-coloured nodes; chains, rounds and the
/// total work are bounded.
struct Recolor<'a> {
    g: &'a Graph,
    merged: &'a [bool],
    forbid: &'a [u32],
    gain: &'a [u32],
    partners: &'a [Vec<(crate::Reg, f64)>],
}

/// Largest chain tried, and work (nodes visited) per node of the graph.
const CHAIN_LIMIT: usize = 256;
const WORK_PER_NODE: usize = 64;
/// Rounds over the values still in high registers.
const ROUNDS: usize = 3;

impl Recolor<'_> {
    fn run(&self, nodes: &[usize], lows: u32, color: &mut [Option<PReg>]) {
        let mut budget = WORK_PER_NODE * nodes.len().max(16);
        let mut mark = vec![u32::MAX; color.len()];
        let mut stamp = 0u32;
        let mut chain: Vec<usize> = Vec::new();
        // A swap may move a value that gains into a high register: it is
        // a candidate of the next round.
        for _round in 0..ROUNDS {
            let mut cand: Vec<usize> = nodes
                .iter()
                .copied()
                .filter(|&v| self.gain[v] > 0 && matches!(color[v], Some(c) if c.0 >= 8))
                .collect();
            cand.sort_by(|&a, &b| self.gain[b].cmp(&self.gain[a]).then(a.cmp(&b)));
            let mut changed = false;
            for v in cand {
                let Some(h) = color[v] else { continue };
                // The low register whose swap gains most.
                let mut best: Option<(i64, u8)> = None;
                for l in 0..8u8 {
                    if lows & (1 << l) == 0 || self.forbid[v] & (1 << l) != 0 {
                        continue;
                    }
                    if budget == 0 {
                        return;
                    }
                    stamp += 1;
                    if !self.chain(v, h, PReg(l), color, &mut mark, stamp, &mut chain, &mut budget) {
                        continue;
                    }
                    if let Some(net) = self.net_gain(&chain, h, PReg(l), color, &mark, stamp) {
                        if net > 0 && best.map_or(true, |(b, _)| net > b) {
                            best = Some((net, l));
                        }
                    }
                }
                if let Some((_, l)) = best {
                    stamp += 1;
                    let mut again = usize::MAX;
                    if self.chain(v, h, PReg(l), color, &mut mark, stamp, &mut chain, &mut again) {
                        for &u in &chain {
                            color[u] = color[u].map(|c| if c == h { PReg(l) } else { h });
                        }
                        changed = true;
                    }
                }
            }
            if !changed {
                return;
            }
        }
    }

    /// Collects in `chain` the nodes connected to `v` through nodes
    /// coloured `a` or `b` (marked with `stamp`); false when the chain is
    /// too long, the budget runs out or a node may not take the other colour.
    #[allow(clippy::too_many_arguments)]
    fn chain(
        &self,
        v: usize,
        a: PReg,
        b: PReg,
        color: &[Option<PReg>],
        mark: &mut [u32],
        stamp: u32,
        chain: &mut Vec<usize>,
        budget: &mut usize,
    ) -> bool {
        chain.clear();
        chain.push(v);
        mark[v] = stamp;
        let mut k = 0;
        while k < chain.len() {
            let u = chain[k];
            k += 1;
            let other = if color[u] == Some(a) { b } else { a };
            if self.forbid[u] & (1 << other.0) != 0 {
                return false;
            }
            for &t in &self.g.adj[u] {
                let t = t as usize;
                *budget = budget.saturating_sub(1);
                if self.merged[t] || mark[t] == stamp {
                    continue;
                }
                if matches!(color[t], Some(c) if c == a || c == b) {
                    mark[t] = stamp;
                    chain.push(t);
                    if chain.len() > CHAIN_LIMIT {
                        return false;
                    }
                }
            }
            if *budget == 0 {
                return false;
            }
        }
        true
    }

    /// The bytes gained by swapping `h` and `l` on `chain`; None when the
    /// swap would make a move reappear (its two sides sharing a register).
    fn net_gain(&self, chain: &[usize], h: PReg, l: PReg, color: &[Option<PReg>], mark: &[u32], stamp: u32) -> Option<i64> {
        let swap = |c: PReg| if c == h { l } else if c == l { h } else { c };
        let mut net: i64 = 0;
        for &u in chain {
            let cu = color[u]?;
            net += if cu == h { self.gain[u] as i64 } else { -(self.gain[u] as i64) };
            for &(p, _) in &self.partners[u] {
                let (old, new) = match (p.as_phys(), p.as_virt()) {
                    (Some(c), _) => (Some(c), Some(c)),
                    (None, Some(w)) => {
                        let c = color[w as usize];
                        let moved = mark[w as usize] == stamp;
                        (c, if moved { c.map(swap) } else { c })
                    }
                    _ => continue,
                };
                if old == Some(cu) && new != Some(swap(cu)) {
                    return None;
                }
            }
        }
        Some(net)
    }
}

/// Chooses a register from `avail` by the preference order of the module
/// comment.
fn pick(avail: u32, callee: u32, used_callee: u32, low: bool) -> PReg {
    let first = |m: u32| (m != 0).then(|| PReg(m.trailing_zeros() as u8));
    let lows = 0xff;
    let caller = avail & !callee;
    let groups: [u32; 4] = if low {
        [caller & lows, avail & used_callee & lows, caller, avail & used_callee]
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

/// Chooses a floating-point register from `avail`: caller-saved first,
/// then callee-saved ones already in use, then fresh ones, lowest first
/// (AAPCS-VFP saves s16-s31 in ranges, so a dense low set is cheapest).
fn pick_float(avail: u32, callee: u32, used_callee: u32) -> PReg {
    let first = |m: u32| (m != 0).then(|| PReg(m.trailing_zeros() as u8));
    [avail & !callee, avail & used_callee, avail].into_iter().find_map(first).unwrap_or(PReg(0))
}

/// Registers of a set in the order [`pick`] would try them (for tests).
#[cfg(test)]
fn pick_order(avail: PRegSet, callee: PRegSet, low: bool) -> Vec<u8> {
    let mut m = avail.lo();
    let mut order = Vec::new();
    while m != 0 {
        let p = pick(m, callee.lo(), 0, low);
        order.push(p.0);
        m &= !(1 << p.0);
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::toy::{allocatable, callee_saved};

    use crate::interference::MovePair;
    use crate::pairs::PairSet;
    use crate::toy::Builder;
    use crate::Reg;

    /// A graph of `n` nodes with `edges` and one move `dst <- src`, and a
    /// program with `k` registers (r0..rk, none callee-saved).
    fn graph(n: usize, edges: &[(u32, u32)], mv: (u32, u32), k: u32) -> (Prog, Graph) {
        let mut bd = Builder::new();
        let blk = bd.block();
        bd.at(blk);
        bd.ret();
        let mut prog = Prog::from_func(&bd.finish());
        prog.allocatable = PRegSet((1 << k) - 1);
        prog.callee_saved = PRegSet::EMPTY;
        prog.num_vregs = n;
        let mut g = Graph {
            adj: vec![Vec::new(); n],
            pairs: PairSet::new(n),
            sorted: Vec::new(),
            forbid: vec![0; n],
            cost: vec![1.0; n],
            low: vec![false; n],
            gain: vec![0; n],
            present: vec![true; n],
            moves: vec![MovePair { dst: Reg::virt(mv.0), src: Reg::virt(mv.1), weight: 1.0 }],
        };
        for &(a, b) in edges {
            g.add_edge(a, b);
        }
        (prog, g)
    }

    /// a=0 adjacent to t1..t4 (1..=4), each with three leaves of its own,
    /// so all four are significant for k = 4; b=5 adjacent to t1 only.
    fn george_graph() -> (Prog, Graph) {
        let mut edges = Vec::new();
        let mut next = 6;
        for t in 1..=4u32 {
            edges.push((0, t));
            for _ in 0..3 {
                edges.push((t, next));
                next += 1;
            }
        }
        edges.push((5, 1));
        graph(next as usize, &edges, (0, 5), 4)
    }

    #[test]
    fn george_test_coalesces_what_briggs_refuses() {
        let (prog, mut g) = george_graph();
        let n = g.adj.len();
        let col = color(&prog, &mut g, &[], &[]);
        assert_eq!(col.coalesced, 1, "4 significant neighbours: Briggs says no, George says yes");
        assert!(col.spilled.is_empty());
        assert_eq!(col.color[0], col.color[5], "the move disappears");
        // Kept apart: not merged (the colours may still agree by biasing).
        let mut apart = vec![false; n];
        apart[5] = true;
        let col = color(&prog, &mut g, &[], &apart);
        assert_eq!(col.coalesced, 0);
        assert!(col.spilled.is_empty());
    }

    #[test]
    fn recolouring_gives_low_registers_to_the_values_that_gain() {
        // A 9-clique on r0-r8: exactly one value gets the high r8. Whichever
        // value has nothing to gain from a 16-bit encoding must end there.
        let mut edges = Vec::new();
        for a in 0..9u32 {
            for b in a + 1..9 {
                edges.push((a, b));
            }
        }
        for z in 0..9usize {
            let (prog, mut g) = graph(9, &edges, (0, 1), 9);
            g.gain = (0..9).map(|v| if v == z { 0 } else { 2 + v as u32 }).collect();
            let col = color(&prog, &mut g, &[], &[]);
            assert!(col.spilled.is_empty());
            assert_eq!(col.color[z], Some(PReg(8)), "zero-gain value {z}: {:?}", col.color);
            let mut seen: Vec<u8> = col.color.iter().map(|c| c.unwrap().0).collect();
            seen.sort();
            assert_eq!(seen, (0..9).collect::<Vec<u8>>(), "still a valid colouring");
        }
    }

    #[test]
    fn colouring_leaves_the_graph_as_built() {
        let (prog, mut g) = george_graph();
        let n = g.adj.len() as u32;
        let before = g.adj.clone();
        let pairs = |g: &Graph| {
            let mut v = Vec::new();
            for a in 0..n {
                for b in 0..n {
                    v.push(g.interferes(a, b));
                }
            }
            v
        };
        let m = pairs(&g);
        let col = color(&prog, &mut g, &[], &[]);
        assert_eq!(col.coalesced, 1);
        assert_eq!(g.adj, before);
        assert_eq!(pairs(&g), m, "edges added by merging are gone again");
    }

    #[test]
    fn caller_saved_first_low_preference_orders_within_groups() {
        let low = pick_order(allocatable(), callee_saved(), true);
        assert_eq!(low, vec![0, 1, 2, 3, 12, 4, 5, 6, 7, 8, 9, 10, 11, 14]);
        let high = pick_order(allocatable(), callee_saved(), false);
        assert_eq!(high, vec![12, 0, 1, 2, 3, 8, 9, 10, 11, 4, 5, 6, 7, 14]);
        // Already-used callee-saved registers come before fresh ones.
        let only_callee = PRegSet(allocatable().0 & callee_saved().0);
        assert_eq!(pick(only_callee.lo(), callee_saved().lo(), 1 << 9, true), PReg(9));
        // An already-pushed r4-r7 is free and keeps 16-bit encodings: it
        // goes before r12 for low-preferring values, not for the others.
        let r5_r12 = (1 << 5) | (1 << 12);
        assert_eq!(pick(r5_r12, callee_saved().lo(), 1 << 5, true), PReg(5));
        assert_eq!(pick(r5_r12, callee_saved().lo(), 1 << 5, false), PReg(12));
        // A used high callee-saved register still comes after r12.
        let r9_r12 = (1 << 9) | (1 << 12);
        assert_eq!(pick(r9_r12, callee_saved().lo(), 1 << 9, true), PReg(12));
        // With none pushed yet, r12 comes before a fresh r4-r7 push.
        assert_eq!(pick(r5_r12, callee_saved().lo(), 0, true), PReg(12));
    }
}
