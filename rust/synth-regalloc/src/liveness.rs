//! Dataflow liveness over the control-flow graph (loops included).
//!
//! Takes: a [`Prog`]. Returns: live-in and live-out sets of every block over
//! liveness variables (0..64 physical registers, 64.. virtual registers),
//! iterated to a fixpoint, plus a backward per-instruction walk. Uses are
//! read at the start of an instruction; defs (and clobbers, for physical
//! registers) kill at its end.
//!
//! The block sets are sparse (sorted lists), so memory follows the values
//! actually live at block boundaries rather than blocks x variables. The
//! fixpoint is a worklist in postorder (successors before predecessors):
//! on acyclic code every block is visited once, and a block is revisited
//! only when the live-in set of one of its successors grew.

use crate::bitset::BitSet;
use crate::prog::{is_def, Prog};
use crate::OperandKind;
#[cfg(test)]
use std::{cmp::Reverse, collections::BinaryHeap};

/// Block-level liveness, stored without listing loop-invariant values per
/// block.
///
/// A value live at a loop's header and defined nowhere in the loop is live
/// at every point of the loop (every point reaches the header inside the
/// loop, and the header reaches a use without a def). Such a value is
/// listed once, in the `through` set of the outermost loop where this
/// holds, and is implied for every block of that loop (nested loops
/// included); the block lists hold only the rest. On a deep loop nest,
/// where the outer counters are live in every inner block, the stored
/// sizes stay linear while the sets themselves are quadratic.
#[derive(Clone, Debug)]
pub(crate) struct Liveness {
    /// Variables live on entry to each block and not implied by its loops,
    /// sorted.
    local_in: Lists,
    /// Variables live on exit from each block and not implied by its
    /// loops, sorted; empty for a block whose only successor is in the same
    /// innermost loop (see [`Liveness::local_out`]).
    own_out: Lists,
    /// The only successor of each block with one in the same innermost
    /// loop (`u32::MAX`: otherwise), whose local live-in is the block's
    /// local live-out: not copied.
    single_succ: Vec<u32>,
    /// Innermost loop of each block, by header (`u32::MAX`: none).
    loop_of: Vec<u32>,
    /// For a loop header: the header of the enclosing loop (`u32::MAX`:
    /// none).
    loop_parent: Vec<u32>,
    /// For a loop header: its nesting depth (1 outermost).
    loop_depth: Vec<u32>,
    /// For a loop header: the variables live throughout its loop and not
    /// throughout the enclosing one, sorted (empty for other blocks).
    through: Lists,
    /// For a loop header: the innermost loop around or equal to it whose
    /// `through` set is not empty (`u32::MAX`: none).
    implying: Vec<u32>,
    /// Number of liveness variables (the capacity of the dense sets).
    pub num_vars: usize,
}

/// One sorted list per block in a single buffer (offsets per block): the
/// liveness search produces its entries variable by variable, and one
/// buffer costs one allocation instead of one per block.
#[derive(Clone, Debug)]
struct Lists {
    start: Vec<u32>,
    flat: Vec<u32>,
}

impl Lists {
    /// The lists of `n` blocks from (block, value) pairs; each list keeps
    /// the pairs' order.
    fn new(n: usize, pairs: &[(u32, u32)]) -> Lists {
        let mut start = vec![0u32; n + 1];
        for &(b, _) in pairs {
            start[b as usize + 1] += 1;
        }
        for b in 0..n {
            start[b + 1] += start[b];
        }
        let mut fill = start.clone();
        let mut flat = vec![0u32; pairs.len()];
        for &(b, x) in pairs {
            flat[fill[b as usize] as usize] = x;
            fill[b as usize] += 1;
        }
        Lists { start, flat }
    }

    fn get(&self, b: usize) -> &[u32] {
        &self.flat[self.start[b] as usize..self.start[b + 1] as usize]
    }
}

const NONE: u32 = u32::MAX;

impl Liveness {
    /// Variables live on entry to block `b` that its loops do not imply,
    /// sorted (see [`Liveness::implied`]).
    pub(crate) fn local_in(&self, b: usize) -> &[u32] {
        self.local_in.get(b)
    }

    /// Variables live on exit from block `b` that its loops do not imply,
    /// sorted.
    pub(crate) fn local_out(&self, b: usize) -> &[u32] {
        match self.single_succ[b] {
            NONE => self.own_out.get(b),
            s => self.local_in.get(s as usize),
        }
    }

    /// The innermost loop of block `b` (by header), `u32::MAX` for none:
    /// the variables its loops imply are live at every point of `b`.
    pub(crate) fn loop_of(&self, b: usize) -> u32 {
        self.loop_of[b]
    }

    /// The variables implied by loop `l` (a header) and not by its
    /// enclosing loop, sorted; disjoint from those of every other loop on
    /// its chain and from the local lists of its blocks.
    pub(crate) fn implied(&self, l: u32) -> &[u32] {
        self.through.get(l as usize)
    }

    /// The loop enclosing loop `l` (`u32::MAX`: none).
    pub(crate) fn loop_parent(&self, l: u32) -> u32 {
        self.loop_parent[l as usize]
    }

    /// Every loop (by header), inner loops before the loops around them.
    pub(crate) fn loops_inner_first(&self) -> Vec<u32> {
        let mut ls: Vec<u32> = (0..self.loop_depth.len() as u32).filter(|&b| self.loop_depth[b as usize] > 0).collect();
        ls.sort_unstable_by_key(|&l| (std::cmp::Reverse(self.loop_depth[l as usize]), l));
        ls
    }

    /// Every variable implied by loop `l` and the loops around it.
    fn implied_chain(&self, l: u32, out: &mut Vec<u32>) {
        let mut l = self.implying(l);
        while l != NONE {
            out.extend_from_slice(self.through.get(l as usize));
            l = self.implying(self.loop_parent[l as usize]);
        }
    }

    /// The innermost loop around or equal to `l` that implies variables of
    /// its own (`u32::MAX`: none): walks of a chain skip the loops that
    /// imply nothing, so they cost what they collect, not the depth.
    fn implying(&self, l: u32) -> u32 {
        if l == NONE {
            NONE
        } else {
            self.implying[l as usize]
        }
    }

    /// Variables live on entry to block `b`, sorted.
    pub(crate) fn live_in(&self, b: usize) -> Vec<u32> {
        let mut v = self.local_in.get(b).to_vec();
        self.implied_chain(self.loop_of[b], &mut v);
        v.sort_unstable();
        v
    }

    /// Variables live on exit from block `b`, sorted.
    #[cfg(test)]
    pub(crate) fn live_out(&self, b: usize) -> Vec<u32> {
        let mut v = self.local_out(b).to_vec();
        self.implied_chain(self.loop_of[b], &mut v);
        v.sort_unstable();
        v
    }

    /// Adds the live-out set of block `b` to `s` (a set reused from block
    /// to block: allocating a dense set per block costs blocks x variables).
    pub(crate) fn fill_out(&self, b: usize, s: &mut BitSet) {
        for &x in self.local_out(b) {
            s.insert(x as usize);
        }
        let mut l = self.implying(self.loop_of[b]);
        while l != NONE {
            for &x in self.through.get(l as usize) {
                s.insert(x as usize);
            }
            l = self.implying(self.loop_parent[l as usize]);
        }
    }

    /// The variables in exactly one of `(la, a)` and `(lb, b)`, each a
    /// local list plus the variables implied by a loop chain: the local
    /// lists plus the loops' own sets below their nearest common loop
    /// (whose chain both imply), as two sorted lists (`a`'s side, `b`'s
    /// side) that still share the members of both.
    fn differing(&self, (la, a): (u32, &[u32]), (lb, b): (u32, &[u32])) -> (Vec<u32>, Vec<u32>) {
        let depth = |l: u32| if l == NONE { 0 } else { self.loop_depth[l as usize] };
        let (mut x, mut y) = (la, lb);
        let mut xa = a.to_vec();
        let mut yb = b.to_vec();
        while depth(x) > depth(y) {
            xa.extend_from_slice(self.through.get(x as usize));
            x = self.loop_parent[x as usize];
        }
        while depth(y) > depth(x) {
            yb.extend_from_slice(self.through.get(y as usize));
            y = self.loop_parent[y as usize];
        }
        while x != y {
            xa.extend_from_slice(self.through.get(x as usize));
            x = self.loop_parent[x as usize];
            yb.extend_from_slice(self.through.get(y as usize));
            y = self.loop_parent[y as usize];
        }
        if xa.len() != a.len() {
            xa.sort_unstable();
        }
        if yb.len() != b.len() {
            yb.sort_unstable();
        }
        (xa, yb)
    }
}

/// Turns the set live after instruction `i` into the set live before it,
/// including its spill edits: stores after it read `post` temporaries,
/// reloads before it define `pre` temporaries.
pub(crate) fn step_back(prog: &Prog, i: usize, live: &mut BitSet) {
    add_post(prog, i, live);
    step_core(prog, i, live);
    remove_pre(prog, i, live);
}

/// Adds the temporaries stored after `i`.
pub(crate) fn add_post(prog: &Prog, i: usize, live: &mut BitSet) {
    for &t in &prog.insts[i].post {
        live.insert(crate::Reg::virt(t).0 as usize);
    }
}

/// Removes the temporaries reloaded before `i`.
pub(crate) fn remove_pre(prog: &Prog, i: usize, live: &mut BitSet) {
    for &t in &prog.insts[i].pre {
        live.remove(crate::Reg::virt(t).0 as usize);
    }
}

/// The instruction itself: defs and clobbers kill, then uses gen.
pub(crate) fn step_core(prog: &Prog, i: usize, live: &mut BitSet) {
    let inst = &prog.insts[i];
    for o in &inst.ops {
        if is_def(o.kind) {
            live.remove(o.reg.0 as usize);
        }
    }
    for p in inst.clobbers.iter() {
        live.remove(p.0 as usize);
    }
    for o in &inst.ops {
        if o.kind == OperandKind::Use {
            live.insert(o.reg.0 as usize);
        }
    }
}

#[cfg(test)]
/// Blocks in postorder of a depth-first walk from the entry over
/// successors, followed by the unreachable blocks (highest first).
fn postorder(prog: &Prog) -> Vec<usize> {
    let nb = prog.blocks.len();
    let mut order = Vec::with_capacity(nb);
    let mut seen = vec![false; nb];
    // (block, index of the next successor to visit)
    let mut stack: Vec<(usize, usize)> = Vec::new();
    if nb > 0 {
        seen[0] = true;
        stack.push((0, 0));
    }
    while let Some(&mut (b, ref mut k)) = stack.last_mut() {
        if let Some(&s) = prog.succs[b].get(*k) {
            *k += 1;
            if !seen[s] {
                seen[s] = true;
                stack.push((s, 0));
            }
        } else {
            order.push(b);
            stack.pop();
        }
    }
    order.extend((0..nb).rev().filter(|&b| !seen[b]));
    order
}

/// Upward-exposed uses (`gen`) and defined variables (`kill`) of every
/// block, each sorted.
fn gen_kill(prog: &Prog, nv: usize) -> (Vec<Vec<u32>>, Vec<Vec<u32>>) {
    let nb = prog.blocks.len();
    // defined[v] == b + 1: v was defined earlier in block b;
    // used[v] == b + 1: v is already in gen[b].
    let mut defined = vec![0usize; nv];
    let mut used = vec![0usize; nv];
    let mut gen = Vec::with_capacity(nb);
    let mut kill = Vec::with_capacity(nb);
    for b in 0..nb {
        let tag = b + 1;
        let mut g: Vec<u32> = Vec::new();
        let mut k: Vec<u32> = Vec::new();
        let def = |x: usize, defined: &mut [usize], k: &mut Vec<u32>| {
            if defined[x] != tag {
                defined[x] = tag;
                k.push(x as u32);
            }
        };
        for i in prog.blocks[b].clone() {
            let inst = &prog.insts[i];
            // Forward order of events: reloads before, uses, defs and
            // clobbers, stores after.
            for &t in &inst.pre {
                def(crate::Reg::virt(t).0 as usize, &mut defined, &mut k);
            }
            for o in &inst.ops {
                let x = o.reg.0 as usize;
                if o.kind == OperandKind::Use && defined[x] != tag && used[x] != tag {
                    used[x] = tag;
                    g.push(x as u32);
                }
            }
            for o in &inst.ops {
                if is_def(o.kind) {
                    def(o.reg.0 as usize, &mut defined, &mut k);
                }
            }
            for p in inst.clobbers.iter() {
                def(p.0 as usize, &mut defined, &mut k);
            }
            for &t in &inst.post {
                let x = crate::Reg::virt(t).0 as usize;
                if defined[x] != tag && used[x] != tag {
                    used[x] = tag;
                    g.push(x as u32);
                }
            }
        }
        g.sort_unstable();
        k.sort_unstable();
        gen.push(g);
        kill.push(k);
    }
    (gen, kill)
}

#[cfg(test)]
/// `a ∪ b` of two sorted lists, into `out` (cleared first).
fn merge_into(a: &[u32], b: &[u32], out: &mut Vec<u32>) {
    out.clear();
    out.reserve(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => {
                out.push(a[i]);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push(b[j]);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
}

#[cfg(test)]
/// The union of the live-in sets of `b`'s successors, sorted, into `out`
/// (cleared first). `seen` is scratch space (all false on entry and on
/// return).
fn union_of_succs(prog: &Prog, live_in: &[Vec<u32>], b: usize, seen: &mut [bool], out: &mut Vec<u32>) {
    match prog.succs[b][..] {
        [] => out.clear(),
        [s] => {
            out.clear();
            out.extend_from_slice(&live_in[s]);
        }
        [s, t] => merge_into(&live_in[s], &live_in[t], out),
        _ => {
            out.clear();
            for &s in &prog.succs[b] {
                for &x in &live_in[s] {
                    if !seen[x as usize] {
                        seen[x as usize] = true;
                        out.push(x);
                    }
                }
            }
            for &x in out.iter() {
                seen[x as usize] = false;
            }
            out.sort_unstable();
        }
    }
}

/// Computes block liveness.
///
/// Variable by variable, a backward search from the blocks that use it
/// marks where it is live (the least fixpoint of the dataflow equations,
/// without iterating). On reaching a block inside a loop that defines the
/// variable nowhere, the variable is live throughout the outermost such
/// loop around the block: it is recorded once for that loop and the search
/// continues from the loop's entry edges, so the work follows the stored
/// sizes, not the loops' bodies. Which loops define a variable is answered
/// from the preorder intervals of the loop forest and binary lifting along
/// it (logarithmic per step).
pub(crate) fn compute(prog: &Prog) -> Liveness {
    let nb = prog.blocks.len();
    let nv = prog.num_vars();
    let (gen, kill) = gen_kill(prog, nv);
    let forest = crate::loops::forest(prog);
    let loop_of: Vec<u32> = (0..nb).map(|b| forest.loop_of(b).map_or(NONE, |h| h as u32)).collect();
    let loop_parent: Vec<u32> =
        (0..nb).map(|b| if forest.is_header[b] { forest.parent[b].map_or(NONE, |h| h as u32) } else { NONE }).collect();
    let loop_depth: Vec<u32> = (0..nb).map(|b| if forest.is_header[b] { forest.depth[b] } else { 0 }).collect();
    // Preorder intervals of the loop forest: loop `l` contains block `b`
    // when pre[l] <= pre[loop_of[b]] < post[l]. `headers` lists every
    // outer loop before the loops nested in it.
    let mut children: Vec<Vec<u32>> = vec![Vec::new(); nb];
    let mut roots: Vec<u32> = Vec::new();
    for &h in &forest.headers {
        match loop_parent[h] {
            NONE => roots.push(h as u32),
            p => children[p as usize].push(h as u32),
        }
    }
    let mut pre = vec![0u32; nb];
    let mut post = vec![0u32; nb];
    let mut clock = 0u32;
    let mut stack: Vec<(u32, bool)> = roots.iter().rev().map(|&r| (r, false)).collect();
    while let Some((l, done)) = stack.pop() {
        if done {
            post[l as usize] = clock;
            continue;
        }
        pre[l as usize] = clock;
        clock += 1;
        stack.push((l, true));
        stack.extend(children[l as usize].iter().rev().map(|&c| (c, false)));
    }
    let key = |b: usize| if loop_of[b] == NONE { NONE } else { pre[loop_of[b] as usize] };
    let contains = |l: u32, b: usize| {
        let k = key(b);
        k != NONE && pre[l as usize] <= k && k < post[l as usize]
    };
    // Binary lifting over the forest: up[j][l] = the 2^j-th enclosing loop.
    let mut up: Vec<Vec<u32>> = vec![loop_parent.clone()];
    let max_depth = loop_depth.iter().copied().max().unwrap_or(0);
    while (1u32 << up.len()) <= max_depth {
        let last = up.last().unwrap();
        let next: Vec<u32> = (0..nb).map(|l| if last[l] == NONE { NONE } else { last[last[l] as usize] }).collect();
        up.push(next);
    }
    // A loop entered other than through its header (from an unreachable
    // block, which no loop contains) is never used to imply values: its
    // side entries would need the values too. Such loops' enclosing loops
    // are entered that way as well.
    let mut side_entered = vec![false; nb];
    for b in 0..nb {
        // An edge into a header enters the header's loop properly, and the
        // loops around it sideways.
        let first = if forest.is_header[b] { loop_parent[b] } else { loop_of[b] };
        if first == NONE {
            continue;
        }
        if prog.preds[b].iter().any(|&p| loop_of[p] == NONE) {
            let mut l = first;
            while l != NONE && !side_entered[l as usize] {
                side_entered[l as usize] = true;
                l = loop_parent[l as usize];
            }
        }
    }
    // Per variable: the blocks using it upward-exposed and the blocks
    // defining it.
    // (Flat lists indexed by offsets: one allocation, not two per variable.)
    let by_var = |sets: &[Vec<u32>]| {
        let mut start = vec![0u32; nv + 1];
        for set in sets {
            for &x in set {
                start[x as usize + 1] += 1;
            }
        }
        for v in 0..nv {
            start[v + 1] += start[v];
        }
        let mut fill = start.clone();
        let mut flat = vec![0u32; start[nv] as usize];
        for (b, set) in sets.iter().enumerate() {
            for &x in set {
                flat[fill[x as usize] as usize] = b as u32;
                fill[x as usize] += 1;
            }
        }
        (start, flat)
    };
    let (use_start, uses) = by_var(&gen);
    let (def_start, defs) = by_var(&kill);
    let uses_of = |v: usize| &uses[use_start[v] as usize..use_start[v + 1] as usize];
    let defs_of = |v: usize| &defs[def_start[v] as usize..def_start[v + 1] as usize];
    let single_succ: Vec<u32> = (0..nb)
        .map(|b| match prog.succs[b][..] {
            [s] if loop_of[s] == loop_of[b] => s as u32,
            _ => NONE,
        })
        .collect();
    // (block, variable) pairs, in increasing variable order.
    let mut local_in: Vec<(u32, u32)> = Vec::new();
    let mut own_out: Vec<(u32, u32)> = Vec::new();
    let mut through: Vec<(u32, u32)> = Vec::new();
    let mut killed = vec![0u32; nb];
    let mut seen_in = vec![0u32; nb];
    let mut seen_out = vec![0u32; nb];
    let mut entered = vec![0u32; nb];
    let mut keys: Vec<u32> = Vec::new();
    // (block, true: live on entry / false: live on exit)
    let mut work: Vec<(u32, bool)> = Vec::new();
    for v in 0..nv {
        if uses_of(v).is_empty() {
            continue;
        }
        let tag = v as u32 + 1;
        keys.clear();
        for &d in defs_of(v) {
            killed[d as usize] = tag;
            let k = key(d as usize);
            if k != NONE {
                keys.push(k);
            }
        }
        keys.sort_unstable();
        let def_free = |l: u32| {
            if side_entered[l as usize] {
                return false;
            }
            let (a, z) = (pre[l as usize], post[l as usize]);
            let i = keys.partition_point(|&k| k < a);
            i == keys.len() || keys[i] >= z
        };
        // The outermost loop around block `b` that defines `v` nowhere.
        let top = |b: usize| {
            let mut l = loop_of[b];
            if l == NONE || !def_free(l) {
                return None;
            }
            for j in (0..up.len()).rev() {
                let a = up[j][l as usize];
                if a != NONE && def_free(a) {
                    l = a;
                }
            }
            Some(l)
        };
        work.extend(uses_of(v).iter().rev().map(|&b| (b, true)));
        while let Some((b, entry)) = work.pop() {
            let b = b as usize;
            let seen = if entry { &mut seen_in } else { &mut seen_out };
            if seen[b] == tag {
                continue;
            }
            seen[b] = tag;
            if let Some(m) = top(b) {
                if entered[m as usize] != tag {
                    entered[m as usize] = tag;
                    through.push((m, v as u32));
                    work.extend(prog.preds[m as usize].iter().filter(|&&p| !contains(m, p)).map(|&p| (p as u32, false)));
                }
            } else if entry {
                local_in.push((b as u32, v as u32));
                work.extend(prog.preds[b].iter().map(|&p| (p as u32, false)));
            } else {
                if single_succ[b] == NONE {
                    own_out.push((b as u32, v as u32));
                }
                if killed[b] != tag {
                    work.push((b as u32, true));
                }
            }
        }
    }
    let (local_in, own_out, through) = (Lists::new(nb, &local_in), Lists::new(nb, &own_out), Lists::new(nb, &through));
    let mut implying = vec![NONE; nb];
    for &h in &forest.headers {
        implying[h] = if !through.get(h).is_empty() {
            h as u32
        } else if loop_parent[h] == NONE {
            NONE
        } else {
            implying[loop_parent[h] as usize]
        };
    }
    Liveness { local_in, own_out, single_succ, loop_of, loop_parent, loop_depth, through, implying, num_vars: nv }
}

/// The direct definition, to check [`compute`] against: the dataflow
/// fixpoint over full sorted sets (live-in, live-out of every block).
#[cfg(test)]
pub(crate) fn reference_sets(prog: &Prog) -> (Vec<Vec<u32>>, Vec<Vec<u32>>) {
    let nb = prog.blocks.len();
    let nv = prog.num_vars();
    let (gen, kill) = gen_kill(prog, nv);
    let order = postorder(prog);
    let mut pos = vec![0usize; nb];
    for (k, &b) in order.iter().enumerate() {
        pos[b] = k;
    }
    let mut live_in: Vec<Vec<u32>> = gen.clone();
    let mut queued = vec![true; nb];
    let mut work: BinaryHeap<Reverse<usize>> = (0..nb).map(Reverse).collect();
    let mut seen = vec![false; nv];
    // Scratch lists reused by every visit: a visit allocates nothing
    // unless its block's set grew (then the old set's buffer is reused).
    let mut out = Vec::new();
    let mut inn = Vec::new();
    while let Some(Reverse(k)) = work.pop() {
        let b = order[k];
        queued[b] = false;
        union_of_succs(prog, &live_in, b, &mut seen, &mut out);
        if !kill[b].is_empty() {
            out.retain(|x| kill[b].binary_search(x).is_err());
        }
        merge_into(&gen[b], &out, &mut inn);
        // Sets only grow, so a change shows in the length.
        if inn.len() != live_in[b].len() {
            std::mem::swap(&mut live_in[b], &mut inn);
            for &p in &prog.preds[b] {
                if !queued[p] {
                    queued[p] = true;
                    work.push(Reverse(pos[p]));
                }
            }
        }
    }
    let live_out = (0..nb)
        .map(|b| {
            union_of_succs(prog, &live_in, b, &mut seen, &mut out);
            out.clone()
        })
        .collect();
    (live_in, live_out)
}

/// Calls `f(i, live_after_i)` for every instruction (the set includes
/// temporaries stored after `i`), walking each block backwards from its
/// live-out set.
pub(crate) fn for_each_inst_rev(prog: &Prog, lv: &Liveness, mut f: impl FnMut(usize, &BitSet)) {
    let mut live = BitSet::new(lv.num_vars);
    for b in 0..prog.blocks.len() {
        live.clear();
        lv.fill_out(b, &mut live);
        for i in prog.blocks[b].clone().rev() {
            add_post(prog, i, &mut live);
            f(i, &live);
            step_core(prog, i, &mut live);
            remove_pre(prog, i, &mut live);
        }
    }
}

/// The backward walk of one block's live set, kept incrementally: the
/// number of virtual members is maintained on every change, and "every
/// member of the current set is in an overfull set" is recorded in O(1)
/// by bumping an epoch: a member that stays from epoch `e` to a later one
/// was live at a marked point, which is noted when it leaves the set. So
/// each instruction costs its operands, not the size of the function.
pub(crate) struct Walk {
    pub live: BitSet,
    /// Virtual members of `live`.
    pub vcount: usize,
    /// Epoch at which each member entered `live`.
    since: Vec<u32>,
    epoch: u32,
    /// Liveness variables that were members of a marked set.
    pub hot: Vec<bool>,
    /// Liveness variables counted apart in `tcount` (empty: none).
    tagged: Vec<bool>,
    /// Tagged members of `live`.
    pub tcount: usize,
}

impl Walk {
    pub(crate) fn new(nv: usize) -> Walk {
        Walk { live: BitSet::new(nv), vcount: 0, since: vec![0; nv], epoch: 0, hot: vec![false; nv], tagged: Vec::new(), tcount: 0 }
    }

    /// A walk that also counts its members among `tagged` (indexed by
    /// liveness variable) in `tcount`.
    pub(crate) fn tagging(nv: usize, tagged: Vec<bool>) -> Walk {
        Walk { tagged, ..Walk::new(nv) }
    }

    /// Tags `x` (counted in `tcount` from now on, at once if live).
    pub(crate) fn tag(&mut self, x: usize) {
        if self.tagged.len() <= x {
            self.tagged.resize(x + 1, false);
        }
        if !self.tagged[x] {
            self.tagged[x] = true;
            self.tcount += self.live.contains(x) as usize;
        }
    }

    pub(crate) fn is_tagged(&self, x: usize) -> bool {
        self.tagged.get(x).copied().unwrap_or(false)
    }

    pub(crate) fn contains(&self, x: usize) -> bool {
        self.live.contains(x)
    }

    pub(crate) fn insert(&mut self, x: usize) {
        if !self.live.contains(x) {
            self.live.insert(x);
            self.since[x] = self.epoch;
            self.vcount += (x >= crate::Reg::VIRT_BASE as usize) as usize;
            self.tcount += self.is_tagged(x) as usize;
        }
    }

    pub(crate) fn remove(&mut self, x: usize) {
        if self.live.contains(x) {
            self.live.remove(x);
            if self.epoch > self.since[x] {
                self.hot[x] = true;
            }
            self.vcount -= (x >= crate::Reg::VIRT_BASE as usize) as usize;
            self.tcount -= self.is_tagged(x) as usize;
        }
    }

    /// Records every current member as part of an overfull set.
    pub(crate) fn mark_all(&mut self) {
        self.epoch += 1;
    }

    /// Empties the set (recording the marks of what was left).
    pub(crate) fn clear(&mut self) {
        let members: Vec<usize> = self.live.iter().collect();
        for x in members {
            self.remove(x);
        }
    }
}

/// Walks every instruction backwards with a [`Walk`] holding the live set:
/// `at(walk, i, Phase::End)` sees the set live after `i` (spill stores
/// after it included), `at(walk, i, Phase::Start)` the set live before it.
/// `lv` is the block liveness of `prog` (computed once per input and
/// shared by every walk over it: on a deep loop nest the block sets hold
/// quadratically many entries).
pub(crate) fn walk_insts(prog: &Prog, lv: &Liveness, at: impl FnMut(&mut Walk, usize, Phase)) -> Walk {
    walk_insts_with(prog, lv, Walk::new(prog.num_vars()), at)
}

/// [`walk_insts`] with a given (empty) [`Walk`], e.g. one that counts
/// tagged members.
pub(crate) fn walk_insts_with(prog: &Prog, lv: &Liveness, mut w: Walk, mut at: impl FnMut(&mut Walk, usize, Phase)) -> Walk {
    // Blocks last to first: the set left by a block is its live-in, and the
    // next block walked (the one before it) usually flows into it, so its
    // live-out is reached by the difference of two sorted lists instead of
    // emptying the set and filling it again (on a deep loop nest both hold
    // thousands of values at every block boundary).
    // What the set holds: a local list plus the variables implied by a loop
    // chain; at a block boundary only the local lists and the loops'
    // own sets below the common loop are compared (on a deep loop nest
    // the chain implies thousands of values, the same on both sides).
    let mut held: (u32, &[u32]) = (NONE, &[]);
    for b in (0..prog.blocks.len()).rev() {
        let target = (lv.loop_of(b), lv.local_out(b));
        if held.0 == target.0 {
            retarget(&mut w, held.1, target.1);
        } else {
            let (a, t) = lv.differing(held, target);
            retarget(&mut w, &a, &t);
        }
        for i in prog.blocks[b].clone().rev() {
            let inst = &prog.insts[i];
            for &t in &inst.post {
                w.insert(crate::Reg::virt(t).0 as usize);
            }
            at(&mut w, i, Phase::End);
            for o in &inst.ops {
                if is_def(o.kind) {
                    w.remove(o.reg.0 as usize);
                }
            }
            for p in inst.clobbers.iter() {
                w.remove(p.0 as usize);
            }
            for o in &inst.ops {
                if o.kind == OperandKind::Use {
                    w.insert(o.reg.0 as usize);
                }
            }
            for &t in &inst.pre {
                w.remove(crate::Reg::virt(t).0 as usize);
            }
            at(&mut w, i, Phase::Start);
        }
        held = (lv.loop_of(b), lv.local_in(b));
        debug_assert_eq!(w.live.iter().collect::<Vec<_>>(), lv.live_in(b).iter().map(|&x| x as usize).collect::<Vec<_>>(), "block {b}: the walk ends at the live-in set");
    }
    w.clear();
    w
}

/// Turns `w`'s set from `held` (what it holds, sorted) into `target`
/// (sorted): removes what only `held` has and inserts what only `target`
/// has. A member of both stays, keeping its epoch, which marks it just as
/// leaving and re-entering would (it was live at every marked point since).
fn retarget(w: &mut Walk, held: &[u32], target: &[u32]) {
    let (mut i, mut j) = (0, 0);
    while i < held.len() && j < target.len() {
        match held[i].cmp(&target[j]) {
            std::cmp::Ordering::Equal => {
                i += 1;
                j += 1;
            }
            std::cmp::Ordering::Less => {
                w.remove(held[i] as usize);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                w.insert(target[j] as usize);
                j += 1;
            }
        }
    }
    for &x in &held[i..] {
        w.remove(x as usize);
    }
    for &x in &target[j..] {
        w.insert(x as usize);
    }
}

/// Which side of an instruction a [`walk_insts`] callback sees.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// After the instruction: the set is the live-out of the instruction.
    End,
    /// Before it: the set is its live-in.
    Start,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::toy::{phys, Builder};
    use crate::Function;

    #[test]
    fn loop_carried_value_is_live_around_the_back_edge() {
        // b0: a = 1; n = 3; br b1
        // b1: t = a + a ; n = n + m ; condbr n b1 b2   (a live throughout loop)
        // b2: r0 = t; ret
        let mut bd = Builder::new();
        let (a, n, m, t) = (bd.v(), bd.v(), bd.v(), bd.v());
        let b0 = bd.block();
        let b1 = bd.block();
        let b2 = bd.block();
        bd.at(b0);
        bd.konst(a, 1);
        bd.konst(n, 3);
        bd.konst(m, -1);
        bd.br(b1);
        bd.at(b1);
        bd.add(t, a, a);
        bd.add(n, n, m);
        bd.condbr(n, b1, b2);
        bd.at(b2);
        bd.mov(phys(0), t);
        bd.ret();
        let f = bd.finish();
        let prog = Prog::from_func(&f);
        let lv = compute(&prog);
        let var = |r: crate::Reg| r.0;
        // a, n, m live into and out of the loop block (back edge).
        for r in [a, n, m] {
            assert!(lv.live_in(1).contains(&var(r)), "{r:?} live-in loop");
            assert!(lv.live_out(1).contains(&var(r)), "{r:?} live-out loop");
        }
        // t is defined in the loop before use, so not live-in; live-out to b2.
        assert!(!lv.live_in(1).contains(&var(t)));
        assert!(lv.live_out(1).contains(&var(t)));
        assert!(!lv.live_in(2).contains(&var(a)));
        assert!(lv.live_in(0).is_empty(), "nothing live into entry");
        // r0 is live between the move and ret only.
        let mut seen = false;
        for_each_inst_rev(&prog, &lv, |i, after| {
            if i == f.num_insts() - 2 {
                assert!(after.contains(0));
                seen = true;
            }
        });
        assert!(seen);
    }

    /// The stored form agrees with the dataflow fixpoint over full sets,
    /// block by block, and the instruction walk ends every block at its
    /// live-in set.
    fn check_against_reference(prog: &Prog, what: &str) {
        let lv = compute(prog);
        let (rin, rout) = reference_sets(prog);
        for b in 0..prog.blocks.len() {
            assert_eq!(lv.live_in(b), rin[b], "{what}: live-in of block {b}");
            assert_eq!(lv.live_out(b), rout[b], "{what}: live-out of block {b}");
        }
        let mut starts = vec![Vec::new(); prog.blocks.len()];
        walk_insts(prog, &lv, |w, i, phase| {
            if phase == Phase::Start && prog.blocks[prog.block_of[i]].start == i {
                starts[prog.block_of[i]] = w.live.iter().map(|x| x as u32).collect::<Vec<_>>();
            }
        });
        for b in 0..prog.blocks.len() {
            if !prog.blocks[b].is_empty() {
                assert_eq!(starts[b], rin[b], "{what}: walk at the start of block {b}");
            }
        }
    }

    #[test]
    fn stored_form_agrees_with_the_fixpoint() {
        use crate::tests_random::{gen_program, Rng, HIGH, LOW};
        for seed in 0..60u64 {
            let prog = Prog::from_func(&gen_program(seed, if seed % 2 == 0 { LOW } else { HIGH }));
            check_against_reference(&prog, &format!("structured seed {seed}"));
        }
        // Arbitrary (also irreducible, nested) CFGs where every block
        // defines and uses random values; some values are defined only
        // before the loops, so loops imply them.
        let mut implied = 0;
        for seed in 0..400u64 {
            let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
            let mut bd = Builder::new();
            let vs: Vec<crate::Reg> = (0..6).map(|_| bd.v()).collect();
            let nb = 2 + rng.below(14);
            let bs: Vec<usize> = (0..nb).map(|_| bd.block()).collect();
            for (k, &b) in bs.iter().enumerate() {
                bd.at(b);
                if k == 0 {
                    for &v in &vs {
                        bd.konst(v, 1);
                    }
                }
                for _ in 0..rng.below(3) {
                    let (d, a, c) = (vs[rng.below(3)], vs[rng.below(6)], vs[rng.below(6)]);
                    if rng.chance(50) {
                        bd.add(d, a, c);
                    } else {
                        bd.mov(phys(rng.below(2) as u8), a);
                    }
                }
                if rng.chance(10) {
                    bd.call(0);
                }
                if rng.chance(15) {
                    bd.mov(phys(0), vs[rng.below(6)]);
                    bd.ret();
                } else if rng.chance(30) {
                    bd.br(bs[rng.below(nb)]);
                } else {
                    let (x, y) = (bs[rng.below(nb)], bs[rng.below(nb)]);
                    bd.condbr(vs[rng.below(6)], x, y);
                }
            }
            let prog = Prog::from_func(&bd.finish());
            let lv = compute(&prog);
            implied += (0..prog.blocks.len()).any(|l| !lv.through.get(l).is_empty()) as usize;
            check_against_reference(&prog, &format!("random cfg seed {seed}"));
        }
        assert!(implied >= 50, "the random CFGs must have loop-implied values: {implied}");
    }
}
