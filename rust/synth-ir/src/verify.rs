//! IR verifier.
//!
//! Takes a [`Function`]; returns `Ok(())` or every invariant violation found,
//! each naming the block and instruction (in [`crate::print`] text form).
//! Checked:
//! - the function has blocks, and the entry block's parameters match the
//!   signature's parameters;
//! - every value is defined exactly once (block parameter or instruction
//!   result), has a type entry, and its definition dominates every use
//!   (dominators over the CFG from the entry; in a block unreachable from the
//!   entry only same-block order is checked, since nothing there runs);
//! - result counts and types of every instruction, operand types (`Binary`
//!   and `Compare` operands of the instruction's type, shift counts included;
//!   `Select` arms; `Convert` directions; `Load`/`Store` kinds valid for the
//!   type; addresses and conditions are i32; `Extend32S` only on i64);
//! - calls: argument and result counts and types follow the call's signature;
//! - terminators: targets exist, block-call argument counts and types match
//!   the target's parameters, `Return` values match the signature.

mod dom;

use crate::print::{block_header, inst_to_string, term_to_string, type_name};
use crate::*;

pub use dom::{dominators, reverse_postorder};

/// An IR invariant that does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyError {
    /// What is wrong, naming the block and instruction.
    pub message: String,
}

impl std::fmt::Display for VerifyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for VerifyError {}

/// Where a value is defined: block and position (parameters are position 0,
/// the result of instruction `i` is position `i + 1`).
#[derive(Clone, Copy)]
struct Def {
    block: usize,
    pos: usize,
}

struct Verifier<'f> {
    func: &'f Function,
    errors: Vec<VerifyError>,
    defs: Vec<Option<Def>>,
    idom: Vec<Option<usize>>,
    /// `[enter, exit)` of each reachable block in a preorder walk of the
    /// dominator tree: `a` dominates `b` iff `b`'s interval lies in `a`'s,
    /// so a dominance query is O(1) however deep the tree (loop nests).
    span: Vec<(u32, u32)>,
}

/// Checks `func`; returns every problem found.
pub fn verify(func: &Function) -> Result<(), Vec<VerifyError>> {
    let mut v = Verifier { func, errors: Vec::new(), defs: vec![None; func.value_types.len()], idom: Vec::new(), span: Vec::new() };
    v.run();
    if v.errors.is_empty() {
        Ok(())
    } else {
        Err(v.errors)
    }
}

/// `[enter, exit)` of every block in a preorder walk of the dominator tree
/// given by `idom` (`(0, 0)` for unreachable blocks).
fn preorder_spans(idom: &[Option<usize>]) -> Vec<(u32, u32)> {
    let parent: Vec<usize> = idom
        .iter()
        .enumerate()
        .map(|(b, d)| match *d {
            Some(p) if p == b => synth_graph::ROOT,
            Some(p) => p,
            None => synth_graph::ABSENT,
        })
        .collect();
    synth_graph::preorder_spans(&parent)
}

/// Verifies and, on failure, renders all errors plus the function text as
/// one message (convenient in tests: `verify_or_text(&f).unwrap()`).
pub fn verify_or_text(func: &Function) -> Result<(), String> {
    verify(func).map_err(|errs| {
        let mut s = format!("IR of `{}` fails verification:\n", func.name);
        for e in errs {
            s.push_str("  ");
            s.push_str(&e.message);
            s.push('\n');
        }
        s.push_str(&crate::print::print(func));
        s
    })
}

impl<'f> Verifier<'f> {
    fn err(&mut self, msg: String) {
        self.errors.push(VerifyError { message: format!("{}: {msg}", self.func.name) });
    }

    /// Where instruction `i` of block `b` is, for a message (rendered only
    /// when there is an error to report).
    fn at_inst(func: &Function, b: usize, i: usize) -> String {
        format!("block{b} inst {i} `{}`", inst_to_string(func, &func.blocks[b].insts[i]))
    }

    fn at_term(func: &Function, b: usize) -> String {
        format!("block{b} terminator `{}`", term_to_string(&func.blocks[b].term))
    }

    fn ty(&self, v: Value) -> Option<Type> {
        self.func.value_types.get(v.0 as usize).copied()
    }

    fn run(&mut self) {
        let func = self.func;
        if func.blocks.is_empty() {
            self.err("function has no blocks".into());
            return;
        }
        self.check_entry();
        self.collect_defs();
        if !self.check_targets_exist() {
            return; // Dominators need a well-formed CFG.
        }
        self.idom = dominators(func);
        self.span = preorder_spans(&self.idom);
        for b in 0..func.blocks.len() {
            for i in 0..func.blocks[b].insts.len() {
                self.check_inst(b, i);
            }
            self.check_term(b);
        }
    }

    fn check_entry(&mut self) {
        let func = self.func;
        let params = &func.blocks[0].params;
        let types: Vec<Option<Type>> = params.iter().map(|v| self.ty(*v)).collect();
        let want: Vec<Option<Type>> = func.sig.params.iter().map(|t| Some(*t)).collect();
        if types != want {
            let have = block_header(func, Block(0));
            self.err(format!(
                "entry block `{have}` parameters do not match the signature parameters ({})",
                func.sig.params.iter().map(|t| type_name(*t)).collect::<Vec<_>>().join(", ")
            ));
        }
    }

    fn define(&mut self, v: Value, def: Def, what: impl Fn() -> String) {
        match self.defs.get_mut(v.0 as usize) {
            None => self.err(format!("{} defines v{} which has no type entry", what(), v.0)),
            Some(Some(prev)) => {
                let prev = *prev;
                self.err(format!("{} redefines v{} (first defined in block{})", what(), v.0, prev.block))
            }
            Some(slot @ None) => *slot = Some(def),
        }
    }

    fn collect_defs(&mut self) {
        let func = self.func;
        for (b, data) in func.blocks.iter().enumerate() {
            for p in &data.params {
                self.define(*p, Def { block: b, pos: 0 }, || format!("block{b} parameter"));
            }
            for (i, inst) in data.insts.iter().enumerate() {
                for r in &inst.results {
                    self.define(*r, Def { block: b, pos: i + 1 }, || Self::at_inst(func, b, i));
                }
            }
        }
    }

    fn check_targets_exist(&mut self) -> bool {
        let func = self.func;
        let mut ok = true;
        for b in 0..func.blocks.len() {
            for c in func.blocks[b].term.block_calls() {
                if c.block.0 as usize >= func.blocks.len() {
                    let at = Self::at_term(func, b);
                    self.err(format!("{at}: target block{} does not exist", c.block.0));
                    ok = false;
                }
            }
        }
        ok
    }

    /// True when block `a` dominates block `b` (reachable blocks only).
    fn dominates(&self, a: usize, b: usize) -> bool {
        let ((ea, xa), (eb, _)) = (self.span[a], self.span[b]);
        ea <= eb && eb < xa
    }

    /// Checks that `v` is defined before position `pos` of block `b` and has
    /// type `want` (when given).
    fn use_value(&mut self, v: Value, b: usize, pos: usize, want: Option<Type>, at: &dyn Fn() -> String) {
        let Some(def) = self.defs.get(v.0 as usize).copied().flatten() else {
            let what = if (v.0 as usize) < self.defs.len() { "is never defined" } else { "does not exist" };
            self.err(format!("{}: v{} {what}", at(), v.0));
            return;
        };
        let reachable = self.idom[b].is_some();
        let ok = if def.block == b {
            def.pos < pos
        } else {
            !reachable || (self.idom[def.block].is_some() && self.dominates(def.block, b))
        };
        if !ok {
            self.err(format!("{}: v{} is used where its definition (block{}) does not dominate", at(), v.0, def.block));
        }
        if let (Some(want), Some(have)) = (want, self.ty(v)) {
            if want != have {
                self.err(format!("{}: v{} is {} but {} is required", at(), v.0, type_name(have), type_name(want)));
            }
        }
    }

    fn check_inst(&mut self, b: usize, i: usize) {
        use Type::*;
        let func = self.func;
        let inst = &func.blocks[b].insts[i];
        let at = || Self::at_inst(func, b, i);
        let pos = i + 1;
        let u = |s: &mut Self, v: Value, t: Option<Type>| s.use_value(v, b, pos, t, &at);
        let int_only = |s: &mut Self, ty: Type| {
            if ty.is_float() {
                s.err(format!("{}: integer instruction on {}", at(), type_name(ty)));
            }
        };
        let float_only = |s: &mut Self, ty: Type| {
            if !ty.is_float() {
                s.err(format!("{}: float instruction on {}", at(), type_name(ty)));
            }
        };
        match &inst.kind {
            InstKind::Iconst { ty, .. }
            | InstKind::Unary { ty, .. }
            | InstKind::Binary { ty, .. }
            | InstKind::Compare { ty, .. }
            | InstKind::Eqz { ty, .. } => int_only(self, *ty),
            InstKind::Load { ty, kind, .. } if *kind != LoadKind::Full => int_only(self, *ty),
            InstKind::Fconst { ty, .. }
            | InstKind::FloatUnary { ty, .. }
            | InstKind::FloatBinary { ty, .. }
            | InstKind::FloatCompare { ty, .. } => float_only(self, *ty),
            _ => {}
        }
        let results: Vec<Type> = match &inst.kind {
            InstKind::Iconst { ty, .. } => vec![*ty],
            InstKind::Fconst { ty, .. } => vec![*ty],
            InstKind::FloatUnary { ty, arg, .. } => {
                u(self, *arg, Some(*ty));
                vec![*ty]
            }
            InstKind::FloatBinary { ty, lhs, rhs, .. } => {
                u(self, *lhs, Some(*ty));
                u(self, *rhs, Some(*ty));
                vec![*ty]
            }
            InstKind::FloatCompare { ty, lhs, rhs, .. } => {
                u(self, *lhs, Some(*ty));
                u(self, *rhs, Some(*ty));
                vec![I32]
            }
            InstKind::FloatConvert { op, to, arg } => {
                u(self, *arg, None);
                let from = self.ty(*arg);
                let ok = match (op, from) {
                    (_, None) => true,
                    (FloatConvertOp::FromSInt | FloatConvertOp::FromUInt, Some(f)) => !f.is_float() && to.is_float(),
                    (FloatConvertOp::ToSIntSat | FloatConvertOp::ToUIntSat, Some(f)) => f.is_float() && !to.is_float(),
                    (FloatConvertOp::Promote, Some(f)) => f == F32 && *to == F64,
                    (FloatConvertOp::Demote, Some(f)) => f == F64 && *to == F32,
                    (FloatConvertOp::Bitcast, Some(f)) => f.bytes() == to.bytes() && f.is_float() != to.is_float(),
                };
                if !ok {
                    self.err(format!("{}: {op:?} cannot convert {} to {}", at(), from.map_or("?", type_name), type_name(*to)));
                }
                vec![*to]
            }
            InstKind::SymbolAddr { .. } => vec![I32],
            InstKind::Unary { op, ty, arg } => {
                u(self, *arg, Some(*ty));
                if *op == UnaryOp::Extend32S && *ty != I64 {
                    self.err(format!("{}: sextend32 requires i64", at()));
                }
                vec![*ty]
            }
            InstKind::Binary { ty, lhs, rhs, .. } => {
                u(self, *lhs, Some(*ty));
                u(self, *rhs, Some(*ty));
                vec![*ty]
            }
            InstKind::Compare { ty, lhs, rhs, .. } => {
                u(self, *lhs, Some(*ty));
                u(self, *rhs, Some(*ty));
                vec![I32]
            }
            InstKind::Eqz { ty, arg } => {
                u(self, *arg, Some(*ty));
                vec![I32]
            }
            InstKind::Convert { op, arg } => {
                let (from, to) = match op {
                    ConvertOp::Wrap => (I64, I32),
                    ConvertOp::ExtendS | ConvertOp::ExtendU => (I32, I64),
                };
                u(self, *arg, Some(from));
                vec![to]
            }
            InstKind::Select { ty, cond, if_true, if_false } => {
                u(self, *cond, Some(I32));
                u(self, *if_true, Some(*ty));
                u(self, *if_false, Some(*ty));
                vec![*ty]
            }
            InstKind::Load { ty, kind, addr, .. } => {
                u(self, *addr, Some(I32));
                if matches!(kind, LoadKind::S32 | LoadKind::U32) && *ty != I64 {
                    self.err(format!("{}: 32-bit extending load requires an i64 result", at()));
                }
                vec![*ty]
            }
            InstKind::Store { kind, addr, value, .. } => {
                u(self, *addr, Some(I32));
                u(self, *value, None);
                if *kind == StoreKind::B32 && self.ty(*value) != Some(I64) {
                    self.err(format!("{}: store.b32 requires an i64 value", at()));
                }
                vec![]
            }
            InstKind::BoundsCheck { addr, end } => {
                u(self, *addr, Some(I32));
                if *end > (1u64 << 32) + 8 {
                    self.err(format!("{}: bounds_check end {end} exceeds 2^32 + 8", at()));
                }
                vec![]
            }
            InstKind::TrapIf { cond, .. } => {
                u(self, *cond, Some(I32));
                vec![]
            }
            InstKind::StackCheck => vec![],
            InstKind::Call { callee, sig, args } => {
                if let Callee::Indirect(p) = callee {
                    u(self, *p, Some(I32));
                }
                if args.len() != sig.params.len() {
                    self.err(format!(
                        "{}: {} arguments for a signature with {} parameters",
                        at(),
                        args.len(),
                        sig.params.len()
                    ));
                }
                for (a, t) in args.iter().zip(&sig.params) {
                    u(self, *a, Some(*t));
                }
                sig.results.clone()
            }
        };
        let have: Vec<Option<Type>> = inst.results.iter().map(|r| self.ty(*r)).collect();
        let want: Vec<Option<Type>> = results.iter().map(|t| Some(*t)).collect();
        if have != want {
            let fmt = |ts: &[Option<Type>]| ts.iter().map(|t| t.map_or("?", type_name)).collect::<Vec<_>>().join(", ");
            self.err(format!("{}: results are ({}) but the instruction defines ({})", at(), fmt(&have), fmt(&want)));
        }
    }

    fn check_term(&mut self, b: usize) {
        let func = self.func;
        let term = &func.blocks[b].term;
        let at = || Self::at_term(func, b);
        let pos = func.blocks[b].insts.len() + 1;
        match term {
            Terminator::Branch { cond, .. } => self.use_value(*cond, b, pos, Some(Type::I32), &at),
            Terminator::BrTable { index, .. } => self.use_value(*index, b, pos, Some(Type::I32), &at),
            Terminator::Return(vals) => {
                if vals.len() != func.sig.results.len() {
                    self.err(format!(
                        "{}: returns {} values, the signature has {} results",
                        at(),
                        vals.len(),
                        func.sig.results.len()
                    ));
                }
                for (v, t) in vals.iter().zip(&func.sig.results) {
                    self.use_value(*v, b, pos, Some(*t), &at);
                }
            }
            Terminator::Jump(_) | Terminator::Trap(_) => {}
        }
        for c in term.block_calls() {
            let params = &func.blocks[c.block.0 as usize].params;
            if params.len() != c.args.len() {
                self.err(format!(
                    "{}: block{} takes {} arguments, given {}",
                    at(),
                    c.block.0,
                    params.len(),
                    c.args.len()
                ));
            }
            for (a, p) in c.args.iter().zip(params) {
                let want = self.ty(*p);
                self.use_value(*a, b, pos, want, &at);
            }
        }
    }
}

#[cfg(test)]
mod tests;
