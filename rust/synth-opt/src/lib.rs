//! IR optimisations of synth.
//!
//! Takes: one [`synth_ir::Function`] as the front end produced it (verified
//! SSA with block parameters), or all functions of a module with how each
//! can be entered ([`optimize_module`]). Returns: the same functions rewritten in place,
//! computing the same results, traps and memory effects, in fewer or cheaper
//! instructions. Runs between the front end and instruction selection.
//!
//! Passes, one module each: [`gvn`] (value numbering over the dominator
//! tree), [`fold`] (constant folding, algebraic simplification, constant
//! branches), [`dce`] (unused pure instructions), [`bounds`] (redundant
//! bounds checks), [`licm`] (loop-invariant code motion), [`sink`] (loads
//! next to their first use, to lower register pressure), [`addr`]
//! (constant address parts into load/store offsets), [`range`] (value
//! ranges; bounds checks proven in bounds when the memory size is static,
//! see [`OptContext`]), [`inline`] (small leaf functions into their callers),
//! and [`module`] (the whole-module entry point:
//! parameter ranges from every direct call site). Unreachable blocks
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
pub mod inline;
pub mod licm;
mod loops;
pub mod module;
pub mod range;
pub mod rebase;
pub mod remcheck;
pub mod sink;
pub mod softfloat;
pub mod subst;

pub use module::{optimize_lowered, optimize_module, ModuleOptContext};
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

/// What the optimiser may assume about the module a function belongs to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OptContext {
    /// The size of linear memory in bytes when it can never change at run
    /// time (the module's `ModuleInfo::static_memory_bytes`), else `None`.
    /// When `Some`, bounds checks that value-range analysis proves in
    /// bounds for this size are deleted ([`range::remove_in_bounds`]); it
    /// must then be exactly the size the memory-size word holds whenever
    /// the function runs. `None` (the default) leaves range-based removal to
    /// [`Self::min_memory_bytes`].
    pub static_memory_bytes: Option<u32>,
    /// The size linear memory has at least whenever the function runs (the
    /// module's `ModuleInfo::min_memory_bytes`: its initial size, since
    /// memory never shrinks), else `None`. When the size is not static,
    /// bounds checks that value-range analysis proves in bounds for this
    /// size are deleted: such a check can never trap at any later size.
    pub min_memory_bytes: Option<u32>,
}

/// Optimises `func` in place knowing nothing about its module: the same as
/// [`optimize_with`] with [`OptContext::default`].
pub fn optimize(func: &mut Function) {
    optimize_with(func, &OptContext::default());
}

/// Optimises `func` in place under the assumptions of `ctx`. The function
/// must pass [`synth_ir::verify`] before and passes it after; a function
/// that does not verify is left unchanged. Its parameters may hold any
/// value; [`module::optimize_module`] knows more when it sees the callers.
pub fn optimize_with(func: &mut Function, ctx: &OptContext) {
    if synth_ir::verify::verify(func).is_err() {
        log::warn!("synth-opt: `{}` does not verify; not optimised", func.name);
        return;
    }
    let first = first_half(func);
    second_half(func, ctx, &[], first);
}

/// What [`first_half`] did, for [`second_half`]'s log line.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FirstHalf {
    before: usize,
    removed_checks: usize,
}

/// The passes before range analysis: simplification and redundant bounds
/// checks. `func` must verify.
pub(crate) fn first_half(func: &mut Function) -> FirstHalf {
    let before = func.inst_count();
    simplify(func);
    let removed_checks = bounds::run(func);
    check(func, "bounds");
    FirstHalf { before, removed_checks }
}

/// The passes from range analysis on, assuming parameter `k` lies in
/// `entry[k]` on every call (empty: nothing known). `func` must verify.
pub(crate) fn second_half(func: &mut Function, ctx: &OptContext, entry: &[range::Interval], first: FirstHalf) {
    let applied = range::apply(func, ctx.static_memory_bytes.or(ctx.min_memory_bytes), entry);
    check(func, "range");
    let in_bounds = applied.checks;
    let removed_checks = first.removed_checks + in_bounds;

    let rebased = rebase::run(func);
    check(func, "rebase");
    let hoisted = licm::run(func);
    check(func, "licm");
    if hoisted > 0 || in_bounds > 0 || applied.masks > 0 || rebased > 0 {
        // Invariants from sibling blocks now sit side by side; addresses
        // only checks used are dead.
        simplify(func);
    }
    // After LICM: the comparisons stay beside their traps.
    if let Some(size) = ctx.static_memory_bytes {
        remcheck::run(func, size);
        check(func, "remcheck");
    }
    let sunk = sink::run(func);
    check(func, "sink");
    log::debug!(
        "synth-opt: `{}`: {} -> {} instructions ({} bounds checks removed, {} of them by range, {} hoisted, {} loads sunk)",
        func.name,
        first.before,
        func.inst_count(),
        removed_checks,
        in_bounds,
        hoisted,
        sunk
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
