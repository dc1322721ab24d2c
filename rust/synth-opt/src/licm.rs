//! Loop-invariant code motion.
//!
//! Takes a [`Function`]; returns it (in place) with pure instructions that
//! compute the same value on every iteration of a natural loop moved to the
//! loop's preheader. Loops are found from back edges (an edge to a block that
//! dominates its source); a preheader (one block outside the loop whose only
//! successor is the header) is created when the header has no unique such
//! predecessor. Moved: `Iconst`, `SymbolAddr`, `Unary`, `Binary` except
//! division and remainder, `Compare`, `Eqz`, `Convert`, `Select`, whose
//! operands are all defined outside the loop. These never trap and have no
//! effect, so executing them once before the loop (even when the loop body
//! would not have reached them) is unobservable. Loops are processed inner
//! first, so invariants move out of whole nests.

use crate::cfg::Cfg;
use synth_ir::{BinaryOp, Block, BlockCall, BlockData, Function, InstKind, Terminator};

/// The natural loops of a function as a forest (two natural loops with
/// different headers are disjoint or nested), built in near-linear time:
/// a loop's blocks are its own blocks (those of no inner loop) plus its
/// inner loops', so nothing lists a deep nest's blocks once per level.
struct Loops {
    /// Loop headers in increasing block order.
    headers: Vec<usize>,
    /// Per loop: blocks whose innermost loop it is, header included, in
    /// increasing block order.
    own: Vec<Vec<usize>>,
    /// Per loop: number of blocks in the loop (inner loops' included).
    size: Vec<usize>,
    /// Per block: its innermost loop, if any.
    innermost: Vec<Option<usize>>,
    /// Per loop: `[enter, exit)` in a preorder numbering of the forest, so
    /// loop `a` contains loop `b` when `b`'s enter lies in `a`'s interval.
    span: Vec<(u32, u32)>,
}

impl Loops {
    /// True when block `b` is in loop `l` (directly or in an inner loop).
    fn contains(&self, l: usize, b: usize) -> bool {
        match self.innermost.get(b).copied().flatten() {
            Some(m) => self.span[l].0 <= self.span[m].0 && self.span[m].0 < self.span[l].1,
            None => false,
        }
    }
}

/// Union-find root with path halving.
fn find(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

fn find_loops(func: &Function, cfg: &Cfg) -> Loops {
    let n = func.blocks.len();
    // Back edges (header, latch), grouped by header.
    let mut back: Vec<(usize, usize)> = Vec::new();
    for &b in &cfg.rpo {
        for s in func.successors(Block(b as u32)) {
            let h = s.0 as usize;
            if h < n && cfg.dominates(h, b) {
                back.push((h, b));
            }
        }
    }
    back.sort_unstable();
    back.dedup();
    let mut headers: Vec<usize> = back.iter().map(|&(h, _)| h).collect();
    headers.dedup();
    let mut rpo_pos = vec![usize::MAX; n];
    for (k, &b) in cfg.rpo.iter().enumerate() {
        rpo_pos[b] = k;
    }
    let mut loop_of_header = vec![usize::MAX; n];
    for (l, &h) in headers.iter().enumerate() {
        loop_of_header[h] = l;
    }
    // Inner loops first: a loop nested in another has a header the outer
    // header dominates, so later in reverse postorder. A processed loop is
    // collapsed into its header (union-find), which the outer walk meets
    // at most once through the header's predecessors.
    let mut order: Vec<usize> = (0..headers.len()).collect();
    order.sort_unstable_by_key(|&l| std::cmp::Reverse(rpo_pos[headers[l]]));
    let mut uf: Vec<usize> = (0..n).collect();
    let mut mark = vec![usize::MAX; n];
    let mut innermost: Vec<Option<usize>> = vec![None; n];
    let mut parent: Vec<Option<usize>> = vec![None; headers.len()];
    let mut own: Vec<Vec<usize>> = vec![Vec::new(); headers.len()];
    let mut work = Vec::new();
    for &l in &order {
        let h = headers[l];
        mark[h] = l;
        innermost[h] = Some(l);
        own[l].push(h);
        let mut members = Vec::new();
        let first = back.partition_point(|&(x, _)| x < h);
        work.extend(back[first..].iter().take_while(|&&(x, _)| x == h).map(|&(_, b)| b));
        while let Some(x) = work.pop() {
            let r = find(&mut uf, x);
            if mark[r] == l {
                continue;
            }
            mark[r] = l;
            members.push(r);
            let inner = loop_of_header[r];
            if inner != usize::MAX && inner != l && innermost[r] == Some(inner) {
                // A processed inner loop, entered through its header.
                parent[inner] = Some(l);
            } else {
                innermost[r] = Some(l);
                own[l].push(r);
            }
            work.extend(cfg.preds[r].iter().copied());
        }
        for r in members {
            uf[r] = h;
        }
    }
    // Sizes (children before parents: inner loops were processed first)
    // and the preorder spans of the forest.
    let mut size: Vec<usize> = own.iter().map(Vec::len).collect();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); headers.len()];
    for &l in &order {
        if let Some(p) = parent[l] {
            size[p] += size[l];
            children[p].push(l);
        }
    }
    let mut span = vec![(0u32, 0u32); headers.len()];
    let mut clock = 0u32;
    let mut stack: Vec<(usize, bool)> = (0..headers.len()).rev().filter(|&l| parent[l].is_none()).map(|l| (l, false)).collect();
    while let Some((l, done)) = stack.pop() {
        if done {
            span[l].1 = clock;
            continue;
        }
        span[l].0 = clock;
        clock += 1;
        stack.push((l, true));
        stack.extend(children[l].iter().map(|&c| (c, false)));
    }
    for o in &mut own {
        o.sort_unstable();
    }
    Loops { headers, own, size, innermost, span }
}

/// The preheader of loop `l`, if it already has one: the unique
/// predecessor outside the loop, whose every successor edge goes to the
/// header.
fn preheader(func: &Function, cfg: &Cfg, loops: &Loops, l: usize) -> Option<usize> {
    let h = loops.headers[l];
    let outside: Vec<usize> = cfg.preds[h].iter().copied().filter(|&p| !loops.contains(l, p)).collect();
    match outside[..] {
        [p] if func.successors(Block(p as u32)).iter().all(|s| s.0 as usize == h) => Some(p),
        _ => None,
    }
}

/// Creates a preheader for loop `l`: a new block with the header's
/// parameter types that jumps to the header; edges from outside the loop
/// are redirected to it.
fn make_preheader(func: &mut Function, cfg: &Cfg, loops: &Loops, l: usize) {
    let h = loops.headers[l];
    let pre = func.blocks.len();
    let mut params = Vec::new();
    for p in func.blocks[h].params.clone() {
        let ty = func.value_type(p);
        let v = synth_ir::Value(func.value_types.len() as u32);
        func.value_types.push(ty);
        params.push(v);
    }
    func.blocks.push(BlockData {
        params: params.clone(),
        insts: Vec::new(),
        term: Terminator::Jump(BlockCall { block: Block(h as u32), args: params }),
        term_loc: synth_ir::SrcLoc::NONE,
    });
    for &p in &cfg.preds[h] {
        if loops.contains(l, p) {
            continue;
        }
        for c in func.blocks[p].term.block_calls_mut() {
            if c.block.0 as usize == h {
                c.block = Block(pre as u32);
            }
        }
    }
}

fn hoistable(kind: &InstKind) -> bool {
    match kind {
        InstKind::Iconst { .. }
        | InstKind::SymbolAddr { .. }
        | InstKind::Unary { .. }
        | InstKind::Compare { .. }
        | InstKind::Eqz { .. }
        | InstKind::Convert { .. }
        | InstKind::Select { .. } => true,
        InstKind::Binary { op, .. } => {
            !matches!(op, BinaryOp::DivS | BinaryOp::DivU | BinaryOp::RemS | BinaryOp::RemU)
        }
        _ => false,
    }
}

/// Runs the pass; returns the number of instructions moved.
pub fn run(func: &mut Function) -> usize {
    // Give every loop (except one headed by the entry, which has no outside
    // predecessor to put a preheader on) a preheader, in header order. A new
    // preheader only takes over edges into its own header, so whether
    // another loop has a preheader does not change meanwhile, and one CFG
    // snapshot serves them all.
    let cfg = Cfg::new(func);
    let mut made = false;
    let loops = find_loops(func, &cfg);
    for l in 0..loops.headers.len() {
        if loops.headers[l] != 0 && preheader(func, &cfg, &loops, l).is_none() {
            make_preheader(func, &cfg, &loops, l);
            made = true;
        }
    }
    let (cfg, loops) = if made {
        let cfg = Cfg::new(func);
        let loops = find_loops(func, &cfg);
        (cfg, loops)
    } else {
        (cfg, loops)
    };
    let mut order: Vec<usize> = (0..loops.headers.len()).collect();
    order.sort_by_key(|&l| (loops.size[l], loops.headers[l]));
    // Block defining each value (params and results).
    let mut def_block = vec![usize::MAX; func.value_types.len()];
    for (b, bd) in func.blocks.iter().enumerate() {
        for p in &bd.params {
            def_block[p.0 as usize] = b;
        }
        for inst in &bd.insts {
            for r in &inst.results {
                def_block[r.0 as usize] = b;
            }
        }
    }
    let mut rpo_pos = vec![usize::MAX; func.blocks.len()];
    for (k, &b) in cfg.rpo.iter().enumerate() {
        rpo_pos[b] = k;
    }
    let mut moved = 0;
    for &l in &order {
        if loops.headers[l] == 0 {
            continue;
        }
        let Some(pre) = preheader(func, &cfg, &loops, l) else { continue };
        // Only the loop's own blocks: inner loops were processed first (they
        // are smaller), so what is left in them has an operand defined in
        // the inner loop, hence in this one, or is not hoistable.
        let mut in_rpo = loops.own[l].clone();
        in_rpo.sort_unstable_by_key(|&b| rpo_pos[b]);
        for &b in &in_rpo {
            let insts = std::mem::take(&mut func.blocks[b].insts);
            let mut stay = Vec::with_capacity(insts.len());
            for inst in insts {
                let invariant = hoistable(&inst.kind)
                    && inst.kind.operands().iter().all(|v| !loops.contains(l, def_block[v.0 as usize]));
                if invariant {
                    for r in &inst.results {
                        def_block[r.0 as usize] = pre;
                    }
                    func.blocks[pre].insts.push(inst);
                    moved += 1;
                } else {
                    stay.push(inst);
                }
            }
            func.blocks[b].insts = stay;
        }
    }
    moved
}

#[cfg(test)]
mod tests;
