//! Worst-case stack use over the call graph.
//!
//! Takes: the compiled functions (their own sp excursion,
//! [`synth_thumb2::CompiledFunction::stack_bytes`], and their call
//! relocations), the signatures of the `call_indirect`s each contains (from
//! the IR), the module information and the options (target, stack figures
//! of imports). Returns: a [`StackBound`] per compiled function: the deepest
//! the stack can get below the sp the function is entered with, over every
//! path of calls, with the path that reaches it; or why there is no bound.
//!
//! The call graph (docs/ABI.md, *Stack use*):
//! - direct calls are the `BL`/`B.W` relocations of the code: wasm
//!   functions, runtime helpers, AEABI functions (figures per target in
//!   [`libcalls`]), imports and `synth_trap`;
//! - a `call_indirect` of type `t` may reach every function of the
//!   signature `t` (f32 and i32 alike, as they travel in the same registers)
//!   that any table can hold: those of element segments, `ref.func` in code
//!   and reference-global initialisers. A function reference that the
//!   firmware can set (an `i64` global imported, or exported mutable: funcref
//!   globals are i64 in the IR; an imported or exported funcref table; a
//!   funcref parameter of an export or result of an import) makes indirect
//!   calls unbounded;
//! - imports count what `--import-stack NAME=BYTES` says (NAME the import's
//!   symbol or `module.field`); without a figure the bound is unbounded;
//! - `synth_trap` counts `--import-stack synth_trap=BYTES`, else 0 (the
//!   object's weak default spins without touching the stack);
//! - a cycle (recursion) makes every function that can reach it unbounded.

pub mod libcalls;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;
use synth_frontend::{FunctionKind, GlobalInit, ModuleInfo};
use synth_ir::{Libcall, RuntimeFunc, Signature, SymbolRef, Type};
use synth_thumb2::{CompiledFunction, RelocTarget};
use synth_thumb2_enc::RelocKind;

use crate::error::Error;
use crate::object::symbols::{SymbolNames, TRAP_SYMBOL};
use crate::options::Options;

/// The worst-case stack of a function and its callees.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum StackBound {
    /// At most `bytes` below the entry sp.
    Bounded {
        /// Bytes.
        bytes: u32,
        /// Symbols from the function down the deepest path of calls (at
        /// most [`MAX_PATH`], the last one [`PATH_ELIDED`] when cut).
        path: Vec<String>,
    },
    /// No bound.
    Unbounded {
        /// Why: `calls import \`f\``, `recursion through \`f\` → \`g\` →
        /// \`f\``, or a function reference set outside the module.
        reason: String,
        /// Symbols from the function down to where the bound is lost.
        path: Vec<String>,
    },
}

/// Longest path a [`StackBound`] keeps: a deeper chain of calls keeps its
/// first `MAX_PATH - 1` symbols and then [`PATH_ELIDED`]. Copying whole
/// paths made a chain of n calls cost n² symbols (3,000 functions calling
/// each other in a chain: 490 MB).
pub const MAX_PATH: usize = 32;

/// The last entry of a path cut at [`MAX_PATH`].
pub const PATH_ELIDED: &str = "…";

/// `first` followed by `tail`, cut at [`MAX_PATH`].
fn prepend(first: String, tail: &[String]) -> Vec<String> {
    let mut path = Vec::with_capacity((tail.len() + 1).min(MAX_PATH));
    path.push(first);
    if tail.len() < MAX_PATH {
        path.extend(tail.iter().cloned());
    } else {
        path.extend(tail[..MAX_PATH - 2].iter().cloned());
        path.push(PATH_ELIDED.to_string());
    }
    path
}

impl StackBound {
    /// The bound of entering through a thunk named `symbol` that uses
    /// `bytes` of stack itself before calling the function bounded by `self`.
    pub fn entered_through(&self, symbol: &str, bytes: u32) -> StackBound {
        match self {
            StackBound::Bounded { bytes: b, path: p } => {
                StackBound::Bounded { bytes: bytes + b, path: prepend(symbol.to_string(), p) }
            }
            StackBound::Unbounded { reason, path: p } => {
                StackBound::Unbounded { reason: reason.clone(), path: prepend(symbol.to_string(), p) }
            }
        }
    }

    /// The bound in bytes, when there is one.
    pub fn bytes(&self) -> Option<u32> {
        match self {
            StackBound::Bounded { bytes, .. } => Some(*bytes),
            StackBound::Unbounded { .. } => None,
        }
    }

    /// The path of calls (worst path, or the path to the unbounded call).
    pub fn path(&self) -> &[String] {
        match self {
            StackBound::Bounded { path, .. } | StackBound::Unbounded { path, .. } => path,
        }
    }

    /// `path` joined with ` → `.
    pub fn path_text(&self) -> String {
        self.path().join(" → ")
    }

    /// `1234` or `unbounded: <reason>`.
    pub fn describe(&self) -> String {
        match self {
            StackBound::Bounded { bytes, .. } => bytes.to_string(),
            StackBound::Unbounded { reason, .. } => format!("unbounded: {reason}"),
        }
    }
}

/// The `call_indirect`s of one function, as the driver hands them over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IndirectCalls {
    /// Their signatures (from the IR; empty: none).
    Known(Vec<Signature>),
    /// Not known (hand-made code): any table entry of any signature, if the
    /// code refers to a table at all.
    Unknown,
}

/// The signatures of the `call_indirect`s in `f`.
pub fn indirect_calls(f: &synth_ir::Function) -> IndirectCalls {
    let mut sigs = Vec::new();
    for block in &f.blocks {
        for inst in &block.insts {
            if let synth_ir::InstKind::Call { callee: synth_ir::Callee::Indirect(_), sig, .. } = &inst.kind {
                if !sigs.contains(sig) {
                    sigs.push(sig.clone());
                }
            }
        }
    }
    IndirectCalls::Known(sigs)
}

/// A node of the call graph. The order (derived) is the order callees are
/// considered in, so ties and reasons are deterministic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Node {
    /// Compiled function `k` (index into the function list).
    Func(usize),
    /// An imported function (wasm index).
    Import(u32),
    /// An AEABI function.
    Libcall(Libcall),
    /// `synth_trap`.
    Trap,
    /// A function reference from outside the module (global `i`).
    Foreign(u32),
    /// A function reference from outside the module by another way
    /// ([`synth_frontend::ModuleInfo::foreign_refs`]: a shared table, a
    /// funcref parameter or result).
    ForeignRefs,
}

/// Register-level signature: f32 as i32, f64 as i64 (what a call passes).
fn abi_sig(s: &Signature) -> Signature {
    let m = |t: &Type| match t {
        Type::F32 => Type::I32,
        Type::F64 => Type::I64,
        t => *t,
    };
    Signature { params: s.params.iter().map(m).collect(), results: s.results.iter().map(m).collect() }
}

/// Computes the bound of every compiled function (same order as `funcs`).
/// `indirect[k]` lists the `call_indirect`s of function `k`; `symbols[k]`
/// is its symbol.
pub fn bounds(
    info: &ModuleInfo,
    names: &SymbolNames,
    funcs: &[(FunctionKind, CompiledFunction)],
    symbols: &[String],
    indirect: &[IndirectCalls],
    import_thunks: &BTreeMap<u32, u32>,
    opts: &Options,
) -> Result<Vec<StackBound>, Error> {
    let mut g = Graph::new(info, names, funcs, symbols, indirect, opts)?;
    g.import_thunks = import_thunks.clone();
    g.solve()
}

struct Graph<'a> {
    info: &'a ModuleInfo,
    names: &'a SymbolNames,
    funcs: &'a [(FunctionKind, CompiledFunction)],
    symbols: &'a [String],
    opts: &'a Options,
    edges: Vec<Vec<Node>>,
    /// Stack of the float-ABI thunk in front of an import (by wasm index).
    import_thunks: BTreeMap<u32, u32>,
}

impl<'a> Graph<'a> {
    fn new(
        info: &'a ModuleInfo,
        names: &'a SymbolNames,
        funcs: &'a [(FunctionKind, CompiledFunction)],
        symbols: &'a [String],
        indirect: &[IndirectCalls],
        opts: &'a Options,
    ) -> Result<Self, Error> {
        let index: HashMap<FunctionKind, usize> = funcs.iter().enumerate().map(|(k, (kind, _))| (*kind, k)).collect();
        let func_node = |i: u32| -> Result<Node, Error> {
            if i < info.num_imported_funcs {
                Ok(Node::Import(i))
            } else {
                index.get(&FunctionKind::Wasm(i)).map(|k| Node::Func(*k)).ok_or_else(|| Error::Internal(format!("call to wasm function {i}, which was not compiled")))
            }
        };
        let runtime_node = |r: RuntimeFunc| -> Result<Node, Error> {
            index.get(&FunctionKind::Runtime(r)).map(|k| Node::Func(*k)).ok_or_else(|| Error::Internal(format!("call to runtime helper {r:?}, which was not compiled")))
        };
        // Functions a table can hold: element segments, reference-global
        // initialisers, and every address of a function the code takes
        // (`ref.func`; init filling tables) other than by calling it.
        let mut in_tables: BTreeSet<u32> = BTreeSet::new();
        for e in &info.elems {
            in_tables.extend(e.items.iter().flatten());
        }
        for g in &info.globals {
            if let GlobalInit::RefFunc(Some(i)) = g.init {
                in_tables.insert(i);
            }
        }
        for (_, c) in funcs {
            for r in &c.relocs {
                if let (RelocTarget::Symbol(SymbolRef::Func(i)), false) = (r.target, is_call(r.kind)) {
                    in_tables.insert(i);
                }
            }
        }
        // Function references the firmware can write (funcref globals are
        // i64 in the IR, so every such i64 global counts).
        let foreign: Vec<u32> = info
            .globals
            .iter()
            .enumerate()
            .filter(|(_, g)| g.ty == Type::I64 && (g.import.is_some() || (g.mutable && !g.exports.is_empty())))
            .map(|(i, _)| i as u32)
            .collect();
        let mut edges = Vec::with_capacity(funcs.len());
        for (k, (_, c)) in funcs.iter().enumerate() {
            let mut out = BTreeSet::new();
            for r in c.relocs.iter().filter(|r| is_call(r.kind)) {
                out.insert(match r.target {
                    RelocTarget::Trap => Node::Trap,
                    RelocTarget::ImportedFunc(i) => Node::Import(i),
                    RelocTarget::Symbol(SymbolRef::Func(i)) => func_node(i)?,
                    RelocTarget::Symbol(SymbolRef::Runtime(rf)) => runtime_node(rf)?,
                    RelocTarget::Symbol(SymbolRef::Libcall(l)) => Node::Libcall(l),
                    RelocTarget::Symbol(s) => return Err(Error::Internal(format!("`{}` calls {s:?}, which is no function", symbols[k]))),
                });
            }
            let sigs: Option<Vec<Signature>> = match indirect.get(k).unwrap_or(&IndirectCalls::Unknown) {
                IndirectCalls::Known(s) => Some(s.iter().map(abi_sig).collect()),
                IndirectCalls::Unknown => None,
            };
            let calls_indirect = match &sigs {
                Some(s) => !s.is_empty(),
                None => c.relocs.iter().any(|r| matches!(r.target, RelocTarget::Symbol(SymbolRef::Table(_)))),
            };
            if calls_indirect {
                for &i in &in_tables {
                    let matches = sigs.as_ref().map_or(true, |s| s.contains(&abi_sig(&info.funcs[i as usize].sig)));
                    if matches {
                        out.insert(func_node(i)?);
                    }
                }
                out.extend(foreign.iter().map(|g| Node::Foreign(*g)));
                if info.foreign_refs.is_some() {
                    out.insert(Node::ForeignRefs);
                }
            }
            edges.push(out.into_iter().collect());
        }
        Ok(Graph { info, names, funcs, symbols, opts, edges, import_thunks: BTreeMap::new() })
    }

    fn name(&self, n: Node) -> String {
        match n {
            Node::Func(k) => self.symbols[k].clone(),
            Node::Import(i) => self.names.funcs[i as usize].primary.clone(),
            Node::Libcall(l) => l.symbol().to_string(),
            Node::Trap => TRAP_SYMBOL.to_string(),
            Node::Foreign(g) => self.names.globals[g as usize].primary.clone(),
            Node::ForeignRefs => "(function references from outside the module)".to_string(),
        }
    }

    /// The bound of a node without callees of its own.
    fn leaf(&self, n: Node) -> Result<StackBound, Error> {
        let bounded = |bytes| StackBound::Bounded { bytes, path: vec![self.name(n)] };
        Ok(match n {
            Node::Func(_) => unreachable!("compiled functions are not leaves"),
            // ARMv6-M: libgcc's v6-M soft-float code jumps through computed
            // addresses (`mov pc, r3`) that scripts/libgcc_stack.py cannot
            // follow, so the table has no figures for it: no bound, said so.
            Node::Libcall(l) if self.opts.target.features().arch.is_v6m() => StackBound::Unbounded {
                reason: format!("no stack figure for `{}` on {} (libgcc's ARMv6-M code is not walked)", l.symbol(), self.opts.target),
                path: vec![self.name(n)],
            },
            Node::Libcall(l) => bounded(
                libcalls::libcall_stack_bytes(self.opts.target, l)
                    .ok_or_else(|| Error::Internal(format!("no stack figure for `{}` on {}", l.symbol(), self.opts.target)))?,
            ),
            Node::Trap => bounded(self.opts.import_stack.get(TRAP_SYMBOL).copied().unwrap_or(0)),
            Node::Import(i) => {
                let sym = self.name(n);
                let wasm = self.info.funcs[i as usize].import.as_ref().map(|m| format!("{}.{}", m.module, m.field));
                let figure = self.opts.import_stack.get(&sym).or_else(|| wasm.and_then(|w| self.opts.import_stack.get(&w)));
                match figure {
                    Some(b) => bounded(*b + self.import_thunks.get(&i).copied().unwrap_or(0)),
                    None => StackBound::Unbounded { reason: format!("calls import `{sym}`"), path: vec![sym] },
                }
            }
            Node::Foreign(_) => StackBound::Unbounded {
                reason: format!("call_indirect may reach a function reference the firmware sets (global `{}`)", self.name(n)),
                path: vec![self.name(n)],
            },
            Node::ForeignRefs => StackBound::Unbounded {
                reason: format!(
                    "call_indirect may reach a function reference from outside the module ({})",
                    self.info.foreign_refs.as_deref().unwrap_or("")
                ),
                path: vec![self.name(n)],
            },
        })
    }

    /// Depth-first over the compiled functions, callees before callers; an
    /// edge to a function still on the DFS stack closes a cycle. Every
    /// function of a recursive component reaches such an edge or an
    /// already unbounded member of it, so all of them come out unbounded.
    fn solve(&self) -> Result<Vec<StackBound>, Error> {
        #[derive(Clone, Copy, PartialEq)]
        enum State {
            New,
            OnStack(usize),
            Done,
        }
        let n = self.funcs.len();
        let mut state = vec![State::New; n];
        let mut result: Vec<Option<StackBound>> = vec![None; n];
        for root in 0..n {
            if state[root] != State::New {
                continue;
            }
            // (function, next edge, callee bounds so far)
            let mut stack: Vec<(usize, usize, Vec<StackBound>)> = vec![(root, 0, Vec::new())];
            state[root] = State::OnStack(0);
            while let Some(top) = stack.last_mut() {
                let (v, e) = (top.0, top.1);
                if e < self.edges[v].len() {
                    top.1 += 1;
                    let callee = self.edges[v][e];
                    let bound = match callee {
                        Node::Func(w) => match state[w] {
                            State::Done => result[w].clone().expect("done functions have a bound"),
                            State::OnStack(pos) => {
                                let mut cycle: Vec<String> = stack[pos..].iter().map(|(f, _, _)| self.symbols[*f].clone()).collect();
                                cycle.push(self.symbols[w].clone());
                                StackBound::Unbounded {
                                    reason: format!("recursion through {}", cycle.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(" → ")),
                                    path: vec![self.symbols[w].clone()],
                                }
                            }
                            State::New => {
                                state[w] = State::OnStack(stack.len());
                                stack.push((w, 0, Vec::new()));
                                continue;
                            }
                        },
                        leaf => self.leaf(leaf)?,
                    };
                    stack.last_mut().expect("non-empty").2.push(bound);
                    continue;
                }
                let (v, _, callees) = stack.pop().expect("non-empty");
                let b = self.combine(v, callees);
                state[v] = State::Done;
                if let Some(parent) = stack.last_mut() {
                    parent.2.push(b.clone());
                }
                result[v] = Some(b);
            }
        }
        Ok(result.into_iter().map(|b| b.expect("every function solved")).collect())
    }

    /// The bound of function `v` from those of its callees (in edge order).
    fn combine(&self, v: usize, callees: Vec<StackBound>) -> StackBound {
        let me = self.symbols[v].clone();
        let own = self.funcs[v].1.stack_bytes;
        if let Some(StackBound::Unbounded { reason, path }) = callees.iter().find(|b| b.bytes().is_none()) {
            return StackBound::Unbounded { reason: reason.clone(), path: prepend(me, path) };
        }
        let mut best: Option<(u32, &[String])> = None;
        for b in &callees {
            if let StackBound::Bounded { bytes, path } = b {
                if best.map_or(true, |(m, _)| *bytes > m) {
                    best = Some((*bytes, path));
                }
            }
        }
        let (deepest, tail) = best.unwrap_or((0, &[]));
        // A callee that adds nothing (a leaf without a frame, the default
        // trap handler) is not where the stack goes deepest.
        let path = prepend(me, if deepest > 0 { tail } else { &[] });
        StackBound::Bounded { bytes: own.saturating_add(deepest), path }
    }
}

/// `BL` and `B.W` relocations are calls; the rest take addresses.
fn is_call(k: RelocKind) -> bool {
    matches!(k, RelocKind::ThmCall | RelocKind::ThmJump24)
}

#[cfg(test)]
mod tests;
