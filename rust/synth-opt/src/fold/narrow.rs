//! i64 operations whose operands are zero-extended 32-bit values, done in
//! 32 bits: the high words are known to be zero, so building them, OR-ing
//! them into a test or comparing them is wasted code (clang's `x & 1` on a
//! `uint64_t` loop variable is `i64.and` + `i64.eqz`).
//!
//! Takes one instruction and the facts known so far; returns the
//! [`Action`] that narrows it, or `None`:
//! - `and.i64 x, c` with `c < 2^32` → `extend_u(and.i32(wrap x, c))`;
//! - `and`/`or`/`xor.i64` of two `extend_u` values → `extend_u` of the i32
//!   operation;
//! - `shr_u.i64 (extend_u a), k` → 0 for `k mod 64 >= 32`, else
//!   `extend_u(shr_u.i32 a, k)`;
//! - `eqz.i64 (extend_u a)` → `eqz.i32 a`;
//! - a comparison of `extend_u a` with `extend_u b` or with a constant below
//!   2^32 → the i32 comparison; both sides lie in `0..2^32`, where signed
//!   and unsigned order agree, so signed conditions become unsigned ones.

use super::{Action, Facts};
use synth_ir::{BinaryOp, ConvertOp, InstKind, IntCC, Type, Value};

/// The 32-bit value `v` zero-extends, when its definition is `extend_u`.
fn extended(f: &Facts, v: Value) -> Option<Value> {
    match f.def(v) {
        Some(InstKind::Convert { op: ConvertOp::ExtendU, arg }) => Some(*arg),
        _ => None,
    }
}

/// A 64-bit constant below 2^32, as its low word.
fn small(f: &Facts, v: Value) -> Option<u32> {
    f.c(v).and_then(|c| u32::try_from(c).ok())
}

fn extend(v: Value) -> InstKind {
    InstKind::Convert { op: ConvertOp::ExtendU, arg: v }
}

fn binary32(op: BinaryOp, lhs: Value, rhs: Value) -> InstKind {
    InstKind::Binary { op, ty: Type::I32, lhs, rhs }
}

fn const32(c: u32) -> InstKind {
    InstKind::Iconst { ty: Type::I32, imm: c as i32 as i64 }
}

/// The condition on two values in `0..2^32` that orders them as `cc` does.
fn unsigned(cc: IntCC) -> IntCC {
    use IntCC::*;
    match cc {
        LtS => LtU,
        LeS => LeU,
        GtS => GtU,
        GeS => GeU,
        other => other,
    }
}

/// The narrowing of `kind`, if any applies.
pub(super) fn narrow(kind: &InstKind, f: &Facts) -> Option<Action> {
    use BinaryOp::*;
    match *kind {
        InstKind::Binary { op: op @ (And | Or | Xor), ty: Type::I64, lhs, rhs } => {
            if let (Some(a), Some(b)) = (extended(f, lhs), extended(f, rhs)) {
                return Some(Action::Insert(
                    vec![(Type::I32, Box::new(move |_: &[Value]| binary32(op, a, b)))],
                    Box::new(|v: &[Value]| extend(v[0])),
                ));
            }
            if op != And {
                return None;
            }
            let (x, c) = match (small(f, rhs), small(f, lhs)) {
                (Some(c), _) if f.c(lhs).is_none() => (lhs, c),
                (_, Some(c)) if f.c(rhs).is_none() => (rhs, c),
                _ => return None,
            };
            Some(Action::Insert(
                vec![
                    (Type::I32, Box::new(move |_: &[Value]| InstKind::Convert { op: ConvertOp::Wrap, arg: x })),
                    (Type::I32, Box::new(move |_: &[Value]| const32(c))),
                    (Type::I32, Box::new(|v: &[Value]| binary32(And, v[0], v[1]))),
                ],
                Box::new(|v: &[Value]| extend(v[2])),
            ))
        }
        InstKind::Binary { op: ShrU, ty: Type::I64, lhs, rhs } => {
            let a = extended(f, lhs)?;
            let k = f.c(rhs)? % 64;
            if k >= 32 {
                return Some(Action::Const(0));
            }
            Some(Action::Insert(
                vec![
                    (Type::I32, Box::new(move |_: &[Value]| const32(k as u32))),
                    (Type::I32, Box::new(move |v: &[Value]| binary32(ShrU, a, v[0]))),
                ],
                Box::new(|v: &[Value]| extend(v[1])),
            ))
        }
        InstKind::Eqz { ty: Type::I64, arg } => {
            let a = extended(f, arg)?;
            Some(Action::Replace(InstKind::Eqz { ty: Type::I32, arg: a }))
        }
        InstKind::Compare { cc, ty: Type::I64, lhs, rhs } => {
            let cc = unsigned(cc);
            let a = extended(f, lhs)?;
            if let Some(b) = extended(f, rhs) {
                return Some(Action::Replace(InstKind::Compare { cc, ty: Type::I32, lhs: a, rhs: b }));
            }
            let c = small(f, rhs)?;
            Some(Action::Insert(
                vec![(Type::I32, Box::new(move |_: &[Value]| const32(c)))],
                Box::new(move |v: &[Value]| InstKind::Compare { cc, ty: Type::I32, lhs: a, rhs: v[0] }),
            ))
        }
        _ => None,
    }
}
