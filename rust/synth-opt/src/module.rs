//! Whole-module optimisation: interprocedural parameter ranges.
//!
//! Takes: every function of a module (verified IR) and, per function, how it
//! can be entered ([`ModuleOptContext`]). Returns: the functions optimised in
//! place as [`crate::optimize_with`] would, except that the range analysis
//! of a function only the module's own direct calls can enter starts from
//! the union of the argument ranges its call sites pass, instead of
//! "anything". clang passes the arrays of a kernel to a non-inlined helper
//! as constant addresses; with this the helper's bounds checks can go.
//!
//! # Soundness
//!
//! A function is *internal* when it has a wasm index, is not externally
//! enterable (the driver's [`FuncEntry::external`]: exports, element
//! segments, `ref.func`, the start function) and no function's code takes
//! its address (`SymbolAddr(Func(i))`, checked here again). An internal
//! function runs only through `Call { callee: Func(i) }` in the module's
//! functions, so its parameter `k` always holds an argument some such call
//! passed. The entry ranges are computed by a worklist: every non-internal
//! function is analysed with unknown parameters, every internal one with its
//! current entry ranges; each call site's argument ranges (the caller's
//! analysis at the call's block) are joined into the callee's entry, and a
//! callee whose entry grew is analysed again. At the end every caller's last
//! analysis used its final entry ranges, and every callee's entry contains
//! what all those analyses say the call sites pass, so by induction over an
//! execution every call's arguments lie in the callee's entry ranges. A call
//! site in a block the caller's analysis proves unreachable contributes
//! nothing; a caller that does not verify contributes "anything" for every
//! call. An entry that keeps growing becomes "anything" after
//! [`MAX_GROWTHS`] growths (recursion), so the worklist terminates.
//! Removing checks later changes no value, so the ranges stay valid.

use std::borrow::BorrowMut;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

use synth_frontend::{FunctionKind, GlobalInit, Module, ModuleInfo};
use synth_ir::{Block, Callee, Function, InstKind, SymbolRef, Type};

use crate::range::{analyze_with_entry, Interval};
use crate::{first_half, second_half, OptContext};

/// Growths of one function's entry ranges before they become "anything".
pub const MAX_GROWTHS: u32 = 4;

/// How one function of a module can be entered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FuncEntry {
    /// The wasm function index direct calls (`Callee::Func`) name it by;
    /// `None` for functions no direct call names (runtime helpers, the
    /// init function).
    pub wasm_index: Option<u32>,
    /// True when something other than a direct call from a function of the
    /// module may enter it: an export, an element segment (active, passive
    /// or declarative), a `ref.func` global initialiser, the start
    /// function. Such a function's parameters may hold anything.
    pub external: bool,
}

/// What [`optimize_module`] may assume about a module.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleOptContext {
    /// Facts every function shares (the static memory size).
    pub opt: OptContext,
    /// Per function of the slice given to [`optimize_module`], in the same
    /// order: how it can be entered.
    pub funcs: Vec<FuncEntry>,
}

impl ModuleOptContext {
    /// The context for functions of kinds `kinds` (in slice order) of the
    /// module `info` describes: a wasm function is external when exported,
    /// named by any element segment or `ref.func` global initialiser, or
    /// the start function; runtime helpers and the init function have no
    /// wasm index (nothing calls them by one).
    pub fn new(info: &ModuleInfo, kinds: &[FunctionKind]) -> ModuleOptContext {
        let mut external = vec![false; info.funcs.len()];
        let mut mark = |i: u32| {
            if let Some(e) = external.get_mut(i as usize) {
                *e = true;
            }
        };
        for (i, f) in info.funcs.iter().enumerate() {
            if !f.exports.is_empty() {
                mark(i as u32);
            }
        }
        info.elems.iter().flat_map(|e| e.items.iter().flatten()).for_each(|&i| mark(i));
        for g in &info.globals {
            if let GlobalInit::RefFunc(Some(i)) = g.init {
                mark(i);
            }
        }
        if let Some(s) = info.start {
            mark(s);
        }
        let funcs = kinds
            .iter()
            .map(|k| match *k {
                FunctionKind::Wasm(i) => {
                    // An index the module does not describe is treated as external.
                    FuncEntry { wasm_index: Some(i), external: external.get(i as usize).copied().unwrap_or(true) }
                }
                FunctionKind::Runtime(_) | FunctionKind::Init => FuncEntry { wasm_index: None, external: true },
            })
            .collect();
        ModuleOptContext { opt: OptContext { static_memory_bytes: info.static_memory_bytes(), min_memory_bytes: info.min_memory_bytes() }, funcs }
    }
}

/// Optimises every function of `funcs` in place (see the module comment).
/// Functions that do not verify are left unchanged. When `ctx.funcs` does
/// not describe `funcs` one to one, or nothing is known of the memory size
/// (the ranges serve only bounds checks), each function is optimised on its own
/// with [`crate::optimize_with`].
pub fn optimize_module<F: BorrowMut<Function>>(funcs: &mut [F], ctx: &ModuleOptContext) {
    if ctx.funcs.len() != funcs.len() || ctx.opt.static_memory_bytes.or(ctx.opt.min_memory_bytes).is_none() {
        if ctx.funcs.len() != funcs.len() {
            log::warn!("synth-opt: module context describes {} of {} functions; optimising each alone", ctx.funcs.len(), funcs.len());
        }
        for f in funcs.iter_mut() {
            crate::optimize_with(f.borrow_mut(), &ctx.opt);
        }
        return;
    }
    let ok: Vec<bool> = funcs
        .iter()
        .map(|f| {
            let f = f.borrow();
            let ok = synth_ir::verify::verify(f).is_ok();
            if !ok {
                log::warn!("synth-opt: `{}` does not verify; not optimised", f.name);
            }
            ok
        })
        .collect();
    let mut first = Vec::with_capacity(funcs.len());
    for (f, ok) in funcs.iter_mut().zip(&ok) {
        first.push(ok.then(|| first_half(f.borrow_mut())));
    }
    let entries = {
        let refs: Vec<&Function> = funcs.iter().map(|f| f.borrow()).collect();
        entry_ranges(&refs, ctx, &ok)
    };
    for ((f, first), entry) in funcs.iter_mut().zip(first).zip(&entries) {
        if let Some(first) = first {
            let f = f.borrow_mut();
            if !entry.is_empty() {
                log::debug!("synth-opt: `{}`: parameter ranges from call sites {:?}", f.name, entry);
            }
            second_half(f, &ctx.opt, entry, first);
        }
    }
}

/// Optimises every function of a lowered module with
/// [`optimize_module`], the context built from its information
/// ([`ModuleOptContext::new`]).
pub fn optimize_lowered(module: &mut Module) {
    let inlined = crate::inline::run(module);
    log::debug!(
        "synth-opt: {} calls to small leaves inlined, {} functions left without callers removed",
        inlined.inlined_calls,
        inlined.removed_functions
    );
    let kinds: Vec<FunctionKind> = module.functions.iter().map(|f| f.kind).collect();
    let ctx = ModuleOptContext::new(&module.info, &kinds);
    let mut irs: Vec<&mut Function> = module.functions.iter_mut().map(|f| &mut f.ir).collect();
    optimize_module(&mut irs, &ctx);
}

/// Per function: the parameter ranges every call enters it with (empty:
/// nothing known). `ok[i]`: function `i` verifies.
pub fn entry_ranges(funcs: &[&Function], ctx: &ModuleOptContext, ok: &[bool]) -> Vec<Vec<Interval>> {
    let n = funcs.len();
    let unknown = vec![Vec::new(); n];
    if ctx.funcs.len() != n || ok.len() != n {
        return unknown;
    }
    // Slot of each internal wasm index.
    let mut slot: BTreeMap<u32, usize> = BTreeMap::new();
    let mut internal = vec![false; n];
    let mut seen: BTreeMap<u32, usize> = BTreeMap::new();
    for e in &ctx.funcs {
        if let Some(i) = e.wasm_index {
            *seen.entry(i).or_insert(0) += 1;
        }
    }
    let taken = address_taken(funcs);
    for (s, e) in ctx.funcs.iter().enumerate() {
        if let Some(i) = e.wasm_index {
            // Two functions with one index: a call could mean either; keep both unknown.
            if !e.external && ok[s] && seen[&i] == 1 && !taken.contains(&i) {
                internal[s] = true;
                slot.insert(i, s);
            }
        }
    }
    if slot.is_empty() {
        return unknown;
    }
    // Per function: per parameter, the join of what its call sites pass
    // (`None` while no call passed anything).
    let mut entry: Vec<Vec<Option<Interval>>> = funcs.iter().map(|f| vec![None; f.sig.params.len()]).collect();
    let mut growths = vec![0u32; n];
    let mut queued: Vec<bool> = internal.iter().map(|i| !i).collect();
    let mut work: VecDeque<usize> = (0..n).filter(|&s| queued[s]).collect();
    while let Some(f) = work.pop_front() {
        queued[f] = false;
        let func = funcs[f];
        let ranges = ok[f].then(|| {
            let e: Vec<Interval> = if internal[f] { known(&entry[f]) } else { Vec::new() };
            analyze_with_entry(func, &e)
        });
        for (b, bd) in func.blocks.iter().enumerate() {
            for inst in &bd.insts {
                let InstKind::Call { callee: Callee::Func(i), args, .. } = &inst.kind else { continue };
                let Some(&g) = slot.get(i) else { continue };
                let params = &funcs[g].sig.params;
                let passed: Vec<Option<Interval>> = match &ranges {
                    Some(r) if args.len() == params.len() => args
                        .iter()
                        .zip(params)
                        .map(|(a, t)| {
                            if *t == Type::I32 && func.value_types.get(a.0 as usize) == Some(&Type::I32) {
                                r.get_at(Block(b as u32), *a)
                            } else {
                                Some(Interval::FULL)
                            }
                        })
                        .collect(),
                    _ => vec![Some(Interval::FULL); params.len()],
                };
                let mut grew = false;
                for (have, new) in entry[g].iter_mut().zip(passed) {
                    let Some(new) = new else { continue };
                    let next = have.map_or(new, |h| h.join(new));
                    if *have != Some(next) {
                        *have = Some(next);
                        grew = true;
                    }
                }
                if grew {
                    growths[g] += 1;
                    if growths[g] > MAX_GROWTHS {
                        entry[g].iter_mut().for_each(|e| *e = Some(Interval::FULL));
                    }
                    if !queued[g] {
                        queued[g] = true;
                        work.push_back(g);
                    }
                }
            }
        }
    }
    (0..n).map(|s| if internal[s] { known(&entry[s]) } else { Vec::new() }).collect()
}

/// Entry ranges with "no call passed anything" as "anything": such a
/// function (or parameter) is never entered, and full ranges keep it as it
/// is.
fn known(e: &[Option<Interval>]) -> Vec<Interval> {
    e.iter().map(|r| r.unwrap_or(Interval::FULL)).collect()
}

/// Wasm function indices whose address some function's code takes.
fn address_taken(funcs: &[&Function]) -> BTreeSet<u32> {
    let mut out = BTreeSet::new();
    for f in funcs {
        for inst in f.blocks.iter().flat_map(|b| &b.insts) {
            if let InstKind::SymbolAddr { sym: SymbolRef::Func(i), .. } = inst.kind {
                out.insert(i);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
