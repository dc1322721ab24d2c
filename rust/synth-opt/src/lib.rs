//! IR optimisations of synth.
//!
//! Takes: one [`synth_ir::Function`] as the front end produced it (verified
//! SSA with block parameters). Returns: the same function rewritten in place,
//! computing the same results, traps and memory effects, in fewer or cheaper
//! instructions. Runs between the front end and instruction selection.
//!
//! Passes, one module each: [`gvn`] (value numbering over the dominator
//! tree), [`fold`] (constant folding, algebraic simplification, constant
//! branches), [`dce`] (unused pure instructions), [`bounds`] (redundant
//! bounds checks), [`licm`] (loop-invariant code motion), [`addr`]
//! (constant address parts into load/store offsets). Unreachable blocks
//! and trivial block parameters left by branch folding are removed with the
//! front end's `lower::cleanup`. Every pass is deterministic (no hash-map
//! iteration reaches the output).

#![warn(missing_docs)]

pub mod addr;
pub mod bounds;
pub mod cfg;
pub mod dce;
pub mod fold;
pub mod gvn;
pub mod licm;
pub mod subst;

use synth_ir::Function;

/// Rounds of the GVN / folding / clean-up / DCE loop at most (it normally
/// reaches its fixed point in two or three).
const MAX_ROUNDS: usize = 6;

/// In debug builds, checks that `pass` left `func` valid.
fn check(func: &Function, pass: &str) {
    if cfg!(debug_assertions) {
        if let Err(e) = synth_ir::verify::verify_or_text(func) {
            panic!("synth-opt: IR invalid after {pass}:\n{e}");
        }
    }
}

/// Optimises `func` in place. The function must pass
/// [`synth_ir::verify`] before and passes it after; a function that does
/// not verify is left unchanged.
pub fn optimize(func: &mut Function) {
    if synth_ir::verify::verify(func).is_err() {
        log::warn!("synth-opt: `{}` does not verify; not optimised", func.name);
        return;
    }
    let before = func.inst_count();
    simplify(func);
    let removed_checks = bounds::run(func);
    check(func, "bounds");
    let hoisted = licm::run(func);
    check(func, "licm");
    if hoisted > 0 {
        // Invariants from sibling blocks now sit side by side.
        simplify(func);
    }
    log::debug!(
        "synth-opt: `{}`: {} -> {} instructions ({} bounds checks removed, {} hoisted)",
        func.name,
        before,
        func.inst_count(),
        removed_checks,
        hoisted
    );
}

/// GVN, folding, clean-up and DCE to a fixed point (bounded).
fn simplify(func: &mut Function) {
    for _ in 0..MAX_ROUNDS {
        let mut changed = gvn::run(func) > 0;
        check(func, "gvn");
        if fold::run(func) {
            changed = true;
            let blocks = func.blocks.len();
            synth_frontend::lower::cleanup::cleanup(func);
            changed |= func.blocks.len() != blocks;
        }
        check(func, "fold");
        changed |= addr::run(func) > 0;
        check(func, "addr");
        changed |= dce::run(func) > 0;
        check(func, "dce");
        if !changed {
            break;
        }
    }
}
