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
//! first, so invariants move out of whole nests; each invariant moves once,
//! straight to the preheader of the outermost loop it is invariant in that
//! has room: at most [`HOIST_BUDGET`] instructions move into one preheader.

use crate::cfg::Cfg;
use crate::loops::{find_loops, Loops};
use synth_ir::{BinaryOp, Block, BlockCall, BlockData, Function, InstKind, Terminator};

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

/// Most instructions moved into one preheader. Each result moved is live
/// across the whole loop: beyond the registers a core has, more only add
/// spills or rematerialisations inside the loop, and a loop with
/// thousands of invariant constants (one per exit test, say) made every
/// point of the loop hold thousands of live values: the allocator's time
/// grew with the square of the loop (a 1,000-exit loop: 1,780 values live
/// at once, 1,005 spill stores). The rest stay where they are, first come
/// (inner loops first, then block order) first moved. 48 moves every
/// invariant of the bench kernels but two (tokenizer's -Os build and
/// matmul_u4's on ARMv6-M, 4 and 8 bytes smaller with it).
pub const HOIST_BUDGET: u32 = 48;

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
    let pres: Vec<Option<usize>> =
        (0..loops.headers.len()).map(|l| (loops.headers[l] != 0).then(|| preheader(func, &cfg, &loops, l)).flatten()).collect();
    let mut moved = 0;
    // Instructions moved into each block (as a preheader).
    let mut hoisted = vec![0u32; func.blocks.len()];
    for &l in &order {
        let Some(pre) = pres[l] else { continue };
        // Only the loop's own blocks: inner loops were processed first (they
        // are smaller), so what is left in them has an operand defined in
        // the inner loop, hence in this one, or is not hoistable.
        let mut in_rpo = loops.own[l].clone();
        in_rpo.sort_unstable_by_key(|&b| rpo_pos[b]);
        for &b in &in_rpo {
            let insts = std::mem::take(&mut func.blocks[b].insts);
            let mut stay = Vec::with_capacity(insts.len());
            for inst in insts {
                let operands = inst.kind.operands();
                let outside = |m: usize| operands.iter().all(|v| !loops.contains(m, def_block[v.0 as usize]));
                if hoistable(&inst.kind) && outside(l) {
                    // Straight out of every enclosing loop it is invariant
                    // in (moving it one level per loop would cost a deep
                    // nest's depth for each instruction), to the outermost
                    // preheader that still has room.
                    let mut to = (hoisted[pre] < HOIST_BUDGET).then_some(pre);
                    let mut m = l;
                    while let Some(p) = loops.parent[m] {
                        let Some(pp) = pres[p] else { break };
                        if !outside(p) {
                            break;
                        }
                        m = p;
                        if hoisted[pp] < HOIST_BUDGET {
                            to = Some(pp);
                        }
                    }
                    let Some(to) = to else {
                        stay.push(inst);
                        continue;
                    };
                    hoisted[to] += 1;
                    for r in &inst.results {
                        def_block[r.0 as usize] = to;
                    }
                    func.blocks[to].insts.push(inst);
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
