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

/// A natural loop: header and body blocks (header included), sorted.
struct Loop {
    header: usize,
    body: Vec<usize>,
}

fn find_loops(func: &Function, cfg: &Cfg) -> Vec<Loop> {
    let n = func.blocks.len();
    // Back edges (header, latch), grouped by header in increasing order.
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
    // mark[x] == h + 1: x is in the body of the loop headed by h.
    let mut mark = vec![0usize; n];
    let mut loops: Vec<Loop> = Vec::new();
    let mut work = Vec::new();
    for &(h, b) in &back {
        if loops.last().map(|l| l.header) != Some(h) {
            mark[h] = h + 1;
            loops.push(Loop { header: h, body: vec![h] });
        }
        let body = &mut loops.last_mut().expect("pushed above").body;
        work.push(b);
        while let Some(x) = work.pop() {
            if mark[x] == h + 1 {
                continue;
            }
            mark[x] = h + 1;
            body.push(x);
            work.extend(cfg.preds[x].iter().copied());
        }
    }
    for l in &mut loops {
        l.body.sort_unstable();
    }
    loops
}

/// The preheader of `lp`, if it already has one: the unique predecessor
/// outside the loop, whose every successor edge goes to the header.
fn preheader(func: &Function, cfg: &Cfg, lp: &Loop) -> Option<usize> {
    let outside: Vec<usize> = cfg.preds[lp.header].iter().copied().filter(|p| lp.body.binary_search(p).is_err()).collect();
    match outside[..] {
        [p] if func.successors(Block(p as u32)).iter().all(|s| s.0 as usize == lp.header) => Some(p),
        _ => None,
    }
}

/// Creates a preheader for `lp`: a new block with the header's parameter
/// types that jumps to the header; edges from outside the loop are
/// redirected to it.
fn make_preheader(func: &mut Function, cfg: &Cfg, lp: &Loop) {
    let h = lp.header;
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
        if lp.body.binary_search(&p).is_ok() {
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
    for lp in &find_loops(func, &cfg) {
        if lp.header != 0 && preheader(func, &cfg, lp).is_none() {
            make_preheader(func, &cfg, lp);
            made = true;
        }
    }
    let cfg = if made { Cfg::new(func) } else { cfg };
    let mut loops = find_loops(func, &cfg);
    loops.sort_by_key(|l| (l.body.len(), l.header));
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
    for lp in &loops {
        if lp.header == 0 {
            continue;
        }
        let Some(pre) = preheader(func, &cfg, lp) else { continue };
        let inside = |b: usize| lp.body.binary_search(&b).is_ok();
        let mut in_rpo = lp.body.clone();
        in_rpo.sort_unstable_by_key(|&b| rpo_pos[b]);
        for &b in &in_rpo {
            let insts = std::mem::take(&mut func.blocks[b].insts);
            let mut stay = Vec::with_capacity(insts.len());
            for inst in insts {
                let invariant = hoistable(&inst.kind)
                    && inst.kind.operands().iter().all(|v| !inside(def_block[v.0 as usize]));
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
