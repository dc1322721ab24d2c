//! Constant folding and algebraic simplification.
//!
//! Takes a [`Function`]; returns it (in place) with:
//! - pure instructions whose operands are constants replaced by `Iconst`,
//!   evaluated with [`synth_ir::interp`] (so the IR's documented semantics are
//!   the only definition; a division the interpreter calls undefined, e.g. by
//!   a zero constant, is left alone);
//! - identities removed (`x+0`, `x-0`, `x*1`, `x&-1`, `x|0`, `x^0`, shifts and
//!   rotates by a multiple of the width, `x/1`, `select c, x, x`, ...) and
//!   absorbing cases turned into constants (`x*0`, `x&0`, `x|-1`, `x-x`,
//!   `x^x`, `x%1`, `x==x`, ...);
//! - strength reduction of multiplication and unsigned division/remainder by
//!   powers of two, `x-c` rewritten `x+(-c)`, `(x+c1)+c2` re-associated, `eqz(compare)` inverted,
//!   `wrap(extend x)` shortened;
//! - i64 operations on zero-extended 32-bit values narrowed to i32 ones
//!   ([`narrow`]: `and` with a constant below 2^32, `or`/`xor`/`and` of two
//!   extended values, `eqz` and comparisons of them, `shr_u` of one), so
//!   the code does not build and test high words known to be zero;
//! - `TrapIf` on a false constant deleted, on a true constant turned into a
//!   `Trap` terminator (the rest of the block is dead);
//! - conditional branches and jump tables on constants turned into jumps, a
//!   branch on `eqz x` turned into a branch on `x` with the targets swapped.
//!
//! Blocks that become unreachable are left for the clean-up that follows.

use crate::cfg::Cfg;
use crate::subst::{inst_operands_mut, term_operands_mut, Subst};
use synth_ir::interp::{self, mask};
use synth_ir::{BinaryOp, ConvertOp, Function, Inst, InstKind, IntCC, Terminator, TrapCode, Type, Value};

/// What to do with one instruction.
enum Action {
    Keep,
    /// Replace by `Iconst` of this (masked) value.
    Const(u64),
    /// Delete; uses read this value instead.
    Alias(Value),
    /// Replace the kind (same result).
    Replace(InstKind),
    /// Replace the kind, first inserting a constant of the given type and
    /// value; the closure builds the kind from the constant's value.
    WithConst(Type, u64, Box<dyn FnOnce(Value) -> InstKind>),
    /// Insert these instructions first (each of one result of the given
    /// type, built from the results of those inserted before it), then
    /// replace the kind by the last closure's, given all of them.
    Insert(Vec<(Type, Build)>, Build),
    /// Delete (no results).
    Drop,
    /// The instruction always traps with this code.
    TrapAlways(TrapCode),
}

/// Builds an instruction kind from the values inserted before it.
type Build = Box<dyn FnOnce(&[Value]) -> InstKind>;

/// The signed immediate that stores `v` for `ty`.
fn imm(ty: Type, v: u64) -> i64 {
    if ty.bytes() == 4 {
        v as u32 as i32 as i64
    } else {
        v as i64
    }
}

fn width(ty: Type) -> u64 {
    u64::from(ty.bytes()) * 8
}

/// Facts about values known so far in the walk.
struct Facts {
    consts: Vec<Option<u64>>,
    defs: Vec<Option<InstKind>>,
}

impl Facts {
    fn c(&self, v: Value) -> Option<u64> {
        self.consts.get(v.0 as usize).copied().flatten()
    }
    fn def(&self, v: Value) -> Option<&InstKind> {
        self.defs.get(v.0 as usize).and_then(|d| d.as_ref())
    }
    fn record(&mut self, v: Value, kind: &InstKind) {
        let i = v.0 as usize;
        if self.consts.len() <= i {
            self.consts.resize(i + 1, None);
            self.defs.resize(i + 1, None);
        }
        self.consts[i] = match kind {
            InstKind::Iconst { ty, imm } => Some(mask(*ty, *imm as u64)),
            _ => None,
        };
        self.defs[i] = Some(kind.clone());
    }
}

fn simplify_binary(op: BinaryOp, ty: Type, a: Value, b: Value, f: &Facts) -> Action {
    use BinaryOp::*;
    let (ca, cb) = (f.c(a), f.c(b));
    if let (Some(x), Some(y)) = (ca, cb) {
        return match interp::binary(op, ty, x, y) {
            Ok(r) => Action::Const(r),
            Err(_) => Action::Keep,
        };
    }
    let ones = mask(ty, u64::MAX);
    let w = width(ty);
    let pow2 = |c: Option<u64>| c.filter(|c| c.is_power_of_two() && *c > 1).map(|c| u64::from(c.trailing_zeros()));
    match op {
        Add if cb == Some(0) => Action::Alias(a),
        Add if ca == Some(0) => Action::Alias(b),
        Add => {
            // (x + c1) + c2  =>  x + (c1 + c2)
            if let (Some(c2), Some(InstKind::Binary { op: Add, lhs: x, rhs: k, .. })) = (cb, f.def(a)) {
                if let Some(c1) = f.c(*k) {
                    let x = *x;
                    return Action::WithConst(
                        ty,
                        mask(ty, c1.wrapping_add(c2)),
                        Box::new(move |c| InstKind::Binary { op: Add, ty, lhs: x, rhs: c }),
                    );
                }
            }
            Action::Keep
        }
        Sub if cb == Some(0) => Action::Alias(a),
        Sub | Xor if a == b => Action::Const(0),
        // x - c  =>  x + (-c): one canonical form, so re-association and
        // offset folding (which look for `Add`) apply.
        Sub => match cb {
            Some(c) => Action::WithConst(
                ty,
                mask(ty, c.wrapping_neg()),
                Box::new(move |k| InstKind::Binary { op: Add, ty, lhs: a, rhs: k }),
            ),
            None => Action::Keep,
        },
        Mul if cb == Some(1) => Action::Alias(a),
        Mul if ca == Some(1) => Action::Alias(b),
        Mul if ca == Some(0) || cb == Some(0) => Action::Const(0),
        Mul => match (pow2(ca), pow2(cb)) {
            (_, Some(k)) => Action::WithConst(ty, k, Box::new(move |c| InstKind::Binary { op: Shl, ty, lhs: a, rhs: c })),
            (Some(k), _) => Action::WithConst(ty, k, Box::new(move |c| InstKind::Binary { op: Shl, ty, lhs: b, rhs: c })),
            _ => Action::Keep,
        },
        DivS | DivU if cb == Some(1) => Action::Alias(a),
        DivU => match pow2(cb) {
            Some(k) => Action::WithConst(ty, k, Box::new(move |c| InstKind::Binary { op: ShrU, ty, lhs: a, rhs: c })),
            None => Action::Keep,
        },
        RemU | RemS if cb == Some(1) => Action::Const(0),
        RemS if cb == Some(ones) => Action::Const(0),
        RemU => match (pow2(cb), cb) {
            (Some(_), Some(c)) => {
                Action::WithConst(ty, c - 1, Box::new(move |k| InstKind::Binary { op: And, ty, lhs: a, rhs: k }))
            }
            _ => Action::Keep,
        },
        And if cb == Some(ones) || a == b => Action::Alias(a),
        And if ca == Some(ones) => Action::Alias(b),
        And if ca == Some(0) || cb == Some(0) => Action::Const(0),
        Or if cb == Some(0) || a == b => Action::Alias(a),
        Or if ca == Some(0) => Action::Alias(b),
        Or if ca == Some(ones) || cb == Some(ones) => Action::Const(ones),
        Xor if cb == Some(0) => Action::Alias(a),
        Xor if ca == Some(0) => Action::Alias(b),
        Shl | ShrS | ShrU | Rotl | Rotr if cb.is_some_and(|c| c % w == 0) => Action::Alias(a),
        Shl | ShrS | ShrU | Rotl | Rotr if ca == Some(0) => Action::Const(0),
        ShrS | Rotl | Rotr if ca == Some(ones) => Action::Const(ones),
        _ => Action::Keep,
    }
}

/// The first simplification that applies: the identities and folds
/// below, else an i64 narrowing.
fn simplify(kind: &InstKind, f: &Facts) -> Action {
    match simplify_same_width(kind, f) {
        Action::Keep => narrow::narrow(kind, f).unwrap_or(Action::Keep),
        a => a,
    }
}

fn simplify_same_width(kind: &InstKind, f: &Facts) -> Action {
    match kind {
        InstKind::Binary { op, ty, lhs, rhs } => simplify_binary(*op, *ty, *lhs, *rhs, f),
        InstKind::Unary { op, ty, arg } => match f.c(*arg).map(|x| interp::unary(*op, *ty, x)) {
            Some(Ok(r)) => Action::Const(r),
            _ => Action::Keep,
        },
        InstKind::Compare { cc, ty, lhs, rhs } => {
            if let (Some(x), Some(y)) = (f.c(*lhs), f.c(*rhs)) {
                return Action::Const(u64::from(interp::compare(*cc, *ty, x, y)));
            }
            use IntCC::*;
            if lhs == rhs {
                return Action::Const(u64::from(matches!(cc, Eq | LeS | LeU | GeS | GeU)));
            }
            match (cc, f.c(*rhs)) {
                (LtU, Some(0)) => Action::Const(0),
                (GeU, Some(0)) => Action::Const(1),
                _ => Action::Keep,
            }
        }
        InstKind::Eqz { ty, arg } => {
            if let Some(x) = f.c(*arg) {
                return Action::Const(u64::from(mask(*ty, x) == 0));
            }
            match f.def(*arg) {
                Some(InstKind::Compare { cc, ty, lhs, rhs }) => {
                    Action::Replace(InstKind::Compare { cc: cc.inverse(), ty: *ty, lhs: *lhs, rhs: *rhs })
                }
                _ => Action::Keep,
            }
        }
        InstKind::Convert { op, arg } => {
            if let Some(x) = f.c(*arg) {
                return Action::Const(match op {
                    ConvertOp::Wrap => x & 0xffff_ffff,
                    ConvertOp::ExtendS => x as u32 as i32 as i64 as u64,
                    ConvertOp::ExtendU => x & 0xffff_ffff,
                });
            }
            match (op, f.def(*arg)) {
                (ConvertOp::Wrap, Some(InstKind::Convert { op: ConvertOp::ExtendS | ConvertOp::ExtendU, arg: x })) => {
                    Action::Alias(*x)
                }
                _ => Action::Keep,
            }
        }
        InstKind::Select { cond, if_true, if_false, .. } => match f.c(*cond) {
            Some(0) => Action::Alias(*if_false),
            Some(_) => Action::Alias(*if_true),
            None if if_true == if_false => Action::Alias(*if_true),
            None => Action::Keep,
        },
        InstKind::TrapIf { cond, code } => match f.c(*cond) {
            Some(0) => Action::Drop,
            Some(_) => Action::TrapAlways(*code),
            None => Action::Keep,
        },
        _ => Action::Keep,
    }
}

fn result_type(kind: &InstKind, func: &Function, results: &[Value]) -> Type {
    match kind {
        InstKind::Compare { .. } | InstKind::Eqz { .. } => Type::I32,
        _ => results.first().map(|v| func.value_type(*v)).unwrap_or(Type::I32),
    }
}

/// Folds the terminator of a block; true when it changed.
fn fold_term(term: &mut Terminator, f: &Facts) -> bool {
    match term {
        Terminator::Branch { cond, then_dest, else_dest } => {
            if let Some(c) = f.c(*cond) {
                let dest = if c != 0 { then_dest.clone() } else { else_dest.clone() };
                *term = Terminator::Jump(dest);
                return true;
            }
            if then_dest == else_dest {
                *term = Terminator::Jump(then_dest.clone());
                return true;
            }
            if let Some(InstKind::Eqz { ty: Type::I32, arg }) = f.def(*cond) {
                let (t, e) = (then_dest.clone(), else_dest.clone());
                *term = Terminator::Branch { cond: *arg, then_dest: e, else_dest: t };
                return true;
            }
            false
        }
        Terminator::BrTable { index, targets, default } => {
            if let Some(i) = f.c(*index) {
                let dest = usize::try_from(i).ok().and_then(|i| targets.get(i)).unwrap_or(default).clone();
                *term = Terminator::Jump(dest);
                return true;
            }
            if targets.iter().all(|t| t == default) {
                *term = Terminator::Jump(default.clone());
                return true;
            }
            false
        }
        _ => false,
    }
}

/// Runs folding once over the reachable blocks in reverse postorder;
/// returns true when anything changed.
pub fn run(func: &mut Function) -> bool {
    let cfg = Cfg::new(func);
    let n = func.value_types.len();
    let mut facts = Facts { consts: vec![None; n], defs: vec![None; n] };
    let mut sub = Subst::new();
    let mut changed = false;
    for &b in &cfg.rpo {
        let old = std::mem::take(&mut func.blocks[b].insts);
        let mut out: Vec<Inst> = Vec::with_capacity(old.len());
        let mut trapped = None;
        for mut inst in old {
            for v in inst_operands_mut(&mut inst.kind) {
                *v = sub.resolve(*v);
            }
            // A few rounds: a replacement may simplify again.
            let mut keep = true;
            for _ in 0..4 {
                let ty = result_type(&inst.kind, func, &inst.results);
                match simplify(&inst.kind, &facts) {
                    Action::Keep => break,
                    Action::Const(v) => {
                        let new = InstKind::Iconst { ty, imm: imm(ty, mask(ty, v)) };
                        if new == inst.kind {
                            break;
                        }
                        inst.kind = new;
                        changed = true;
                    }
                    Action::Alias(v) => {
                        sub.set(inst.results[0], v);
                        keep = false;
                        changed = true;
                        break;
                    }
                    Action::Replace(k) => {
                        inst.kind = k;
                        changed = true;
                    }
                    Action::WithConst(cty, v, build) => {
                        let c = Value(func.value_types.len() as u32);
                        func.value_types.push(cty);
                        let ck = InstKind::Iconst { ty: cty, imm: imm(cty, v) };
                        facts.record(c, &ck);
                        out.push(Inst { results: vec![c], kind: ck, loc: inst.loc });
                        inst.kind = build(c);
                        changed = true;
                    }
                    Action::Insert(pre, then) => {
                        let mut vals = Vec::with_capacity(pre.len());
                        for (ty, build) in pre {
                            let v = Value(func.value_types.len() as u32);
                            func.value_types.push(ty);
                            let k = build(&vals);
                            facts.record(v, &k);
                            out.push(Inst { results: vec![v], kind: k, loc: inst.loc });
                            vals.push(v);
                        }
                        inst.kind = then(&vals);
                        changed = true;
                    }
                    Action::Drop => {
                        keep = false;
                        changed = true;
                        break;
                    }
                    Action::TrapAlways(code) => {
                        trapped = Some(code);
                        keep = false;
                        changed = true;
                        break;
                    }
                }
            }
            if trapped.is_some() {
                break;
            }
            if keep {
                if let [r] = inst.results[..] {
                    facts.record(r, &inst.kind);
                }
                out.push(inst);
            }
        }
        func.blocks[b].insts = out;
        if let Some(code) = trapped {
            func.blocks[b].term = Terminator::Trap(code);
            changed = true;
        } else {
            for v in term_operands_mut(&mut func.blocks[b].term) {
                *v = sub.resolve(*v);
            }
            changed |= fold_term(&mut func.blocks[b].term, &facts);
        }
    }
    sub.apply(func);
    changed
}

mod narrow;
#[cfg(test)]
mod tests;
