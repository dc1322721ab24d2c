//! Inlining of small leaf functions, and removal of the internal functions
//! nothing calls any more.
//!
//! Takes: a lowered [`Module`]. Returns: it rewritten in place: a direct
//! call to a *small leaf* — a defined wasm function whose body is one block
//! ending in `return`, without calls, of at most [`MAX_INSTS`]
//! instructions — is replaced by a copy of the callee's instructions when
//! that does not make the code bigger: the body is no larger than a call
//! ([`ALWAYS_INSTS`]), or this is the only call of a function nothing else
//! can enter (which then goes away). The copy renames the callee's (its
//! parameters renamed to the call's arguments, its returned values standing
//! for the call's results). Then a wasm function that is not externally
//! enterable (exports, element segments, `ref.func`, the start function),
//! whose address no code takes, and that no remaining call names, is dropped
//! from the module: it has no caller and no symbol anyone can reach.
//!
//! A leaf cannot recurse, so inlining never changes when the stack is
//! exhausted except by making the inlined frame disappear, which wasm does
//! not observe. A callee's stack check (`--stack-check`) is not copied: the
//! inlined code uses no stack of its own.

use std::collections::{BTreeMap, BTreeSet};

use synth_frontend::{FunctionKind, Module};
use synth_ir::{Callee, Function, Inst, InstKind, SymbolRef, Terminator, Value};

use crate::module::ModuleOptContext;

/// Largest callee body inlined (instructions, terminator not counted).
pub const MAX_INSTS: usize = 8;

/// A body this small is inlined at every call: about what the call itself
/// costs (argument moves and `BL`), so code does not grow.
pub const ALWAYS_INSTS: usize = 3;

/// What inlining did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InlineStats {
    /// Call sites replaced by the callee's body.
    pub inlined_calls: usize,
    /// Internal functions removed because nothing calls them any more.
    pub removed_functions: usize,
}

/// The body of a small leaf: its instructions (stack check dropped), its
/// parameters and the values it returns.
struct Leaf {
    params: Vec<Value>,
    insts: Vec<Inst>,
    returns: Vec<Value>,
    value_types: Vec<synth_ir::Type>,
}

fn small_leaf(f: &Function) -> Option<Leaf> {
    if f.blocks.len() != 1 {
        return None;
    }
    let b = &f.blocks[0];
    let Terminator::Return(returns) = &b.term else { return None };
    let insts: Vec<Inst> = b.insts.iter().filter(|i| !matches!(i.kind, InstKind::StackCheck)).cloned().collect();
    if insts.len() > MAX_INSTS || insts.iter().any(|i| matches!(i.kind, InstKind::Call { .. })) {
        return None;
    }
    Some(Leaf { params: b.params.clone(), insts, returns: returns.clone(), value_types: f.value_types.clone() })
}

/// Inlines small leaves into every function of `module` and drops the
/// internal functions left without callers (module comment).
pub fn run(module: &mut Module) -> InlineStats {
    let mut stats = InlineStats::default();
    let leaves: BTreeMap<u32, Leaf> = module
        .functions
        .iter()
        .filter_map(|f| match f.kind {
            FunctionKind::Wasm(i) if synth_ir::verify::verify(&f.ir).is_ok() => small_leaf(&f.ir).map(|l| (i, l)),
            _ => None,
        })
        .collect();
    if leaves.is_empty() {
        return stats;
    }
    // Keep only the leaves whose inlining does not grow the code.
    let kinds: Vec<FunctionKind> = module.functions.iter().map(|f| f.kind).collect();
    let ctx = ModuleOptContext::new(&module.info, &kinds);
    let external: BTreeSet<u32> =
        ctx.funcs.iter().filter(|e| e.external).filter_map(|e| e.wasm_index).collect();
    let mut calls: BTreeMap<u32, usize> = BTreeMap::new();
    for f in &module.functions {
        for inst in f.ir.blocks.iter().flat_map(|b| &b.insts) {
            if let InstKind::Call { callee: Callee::Func(i), .. } = &inst.kind {
                *calls.entry(*i).or_insert(0) += 1;
            }
        }
    }
    let leaves: BTreeMap<u32, Leaf> = leaves
        .into_iter()
        .filter(|(i, l)| l.insts.len() <= ALWAYS_INSTS || (calls.get(i) == Some(&1) && !external.contains(i)))
        .collect();
    if leaves.is_empty() {
        return stats;
    }
    for f in module.functions.iter_mut() {
        if synth_ir::verify::verify(&f.ir).is_err() {
            continue;
        }
        stats.inlined_calls += inline_into(&mut f.ir, &leaves);
    }
    stats.removed_functions = remove_uncalled(module);
    stats
}

/// Replaces the calls of `func` to `leaves` by their bodies; returns how many.
fn inline_into(func: &mut Function, leaves: &BTreeMap<u32, Leaf>) -> usize {
    let mut count = 0;
    let mut subst = crate::subst::Subst::new();
    for b in 0..func.blocks.len() {
        let insts = std::mem::take(&mut func.blocks[b].insts);
        let mut out = Vec::with_capacity(insts.len());
        for inst in insts {
            let leaf = match &inst.kind {
                InstKind::Call { callee: Callee::Func(i), args, .. } => {
                    leaves.get(i).filter(|l| l.params.len() == args.len() && l.returns.len() == inst.results.len())
                }
                _ => None,
            };
            let (Some(leaf), InstKind::Call { args, .. }) = (leaf, &inst.kind) else {
                out.push(inst);
                continue;
            };
            // Callee value -> caller value.
            let mut map: BTreeMap<Value, Value> = leaf.params.iter().copied().zip(args.iter().copied()).collect();
            for li in &leaf.insts {
                let mut kind = li.kind.clone();
                for v in kind.operands_mut() {
                    *v = map[v];
                }
                let results = li
                    .results
                    .iter()
                    .map(|r| {
                        let n = Value(func.value_types.len() as u32);
                        func.value_types.push(leaf.value_types[r.0 as usize]);
                        map.insert(*r, n);
                        n
                    })
                    .collect();
                out.push(Inst { results, kind, loc: inst.loc });
            }
            for (r, v) in inst.results.iter().zip(&leaf.returns) {
                subst.set(*r, map[v]);
            }
            count += 1;
        }
        func.blocks[b].insts = out;
    }
    subst.apply(func);
    count
}

/// Drops internal wasm functions no code calls or takes the address of;
/// returns how many.
fn remove_uncalled(module: &mut Module) -> usize {
    let kinds: Vec<FunctionKind> = module.functions.iter().map(|f| f.kind).collect();
    let ctx = ModuleOptContext::new(&module.info, &kinds);
    let mut referenced: BTreeSet<u32> = BTreeSet::new();
    for f in &module.functions {
        for inst in f.ir.blocks.iter().flat_map(|b| &b.insts) {
            match &inst.kind {
                InstKind::Call { callee: Callee::Func(i), .. } => {
                    referenced.insert(*i);
                }
                InstKind::SymbolAddr { sym: SymbolRef::Func(i), .. } => {
                    referenced.insert(*i);
                }
                _ => {}
            }
        }
    }
    let before = module.functions.len();
    let mut k = 0;
    module.functions.retain(|f| {
        let entry = ctx.funcs[k];
        k += 1;
        match (f.kind, entry.external) {
            (FunctionKind::Wasm(i), false) => referenced.contains(&i),
            _ => true,
        }
    });
    before - module.functions.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use synth_frontend::{translate, FrontendOptions};

    fn module(wat: &str) -> Module {
        translate(&wat::parse_str(wat).unwrap(), &FrontendOptions::default()).unwrap()
    }

    #[test]
    fn getters_are_inlined_and_dropped() {
        let mut m = module(
            r#"(module
                 (global $g (mut i32) (i32.const 5))
                 (func $get (result i32) global.get $g)
                 (func $twice (param i32) (result i32) (i32.add (local.get 0) (local.get 0)))
                 (func $empty)
                 (func (export "f") (param i32) (result i32)
                   call $empty
                   (i32.add (call $get) (call $twice (local.get 0)))))"#,
        );
        let s = run(&mut m);
        assert_eq!(s.inlined_calls, 3);
        assert_eq!(s.removed_functions, 3);
        let f = m.functions.iter().find(|f| f.kind == FunctionKind::Wasm(3)).unwrap();
        synth_ir::verify::verify(&f.ir).unwrap();
        assert!(f.ir.blocks.iter().flat_map(|b| &b.insts).all(|i| !matches!(i.kind, InstKind::Call { .. })));
        // Same results as before, in the interpreter.
        let mut env = synth_ir::interp::ModuleEnv::new();
        env.add_func(3, f.ir.clone());
        let mut mach = synth_ir::interp::Machine::new();
        let g = mach.define_symbol(SymbolRef::Global(0), 8).unwrap();
        mach.write_le(g, 4, 5).unwrap();
        assert_eq!(mach.run(&f.ir, &[7], &mut env), Ok(vec![19]));
    }

    #[test]
    fn exported_tabled_and_recursive_functions_stay() {
        let mut m = module(
            r#"(module
                 (table 1 funcref) (elem (i32.const 0) $t)
                 (func $t (result i32) i32.const 1)
                 (func $r (param i32) (result i32) (call $r (local.get 0)))
                 (func (export "e") (result i32) i32.const 2)
                 (func (export "f") (param i32) (result i32)
                   (i32.add (call $t) (i32.add (call 2) (call $r (local.get 0))))))"#,
        );
        let s = run(&mut m);
        // $t and the export are inlined at their calls but kept; $r is not a leaf.
        assert_eq!(s.inlined_calls, 2);
        assert_eq!(s.removed_functions, 0);
        assert!(m.functions.iter().any(|f| f.kind == FunctionKind::Wasm(1)));
    }
}
