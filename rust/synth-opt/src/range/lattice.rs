//! The lattice of the range analysis: strided unsigned intervals, the
//! transfer functions of i32 instructions and the refinements branch
//! conditions imply.
//!
//! Takes intervals of operands; returns intervals of results (sound: every
//! concrete result of operands inside their intervals lies inside, with
//! the IR's wrap-around semantics). Checked exhaustively at random against
//! the interpreter in the parent module's tests.

use synth_ir::interp::mask;
use synth_ir::{BinaryOp, InstKind, IntCC, LoadKind, Type, UnaryOp, Value};

/// Largest i32 value.
pub(super) const MAX: u64 = u32::MAX as u64;

/// A strided unsigned interval: the values `lo, lo + m, lo + 2m, ..., hi`
/// (`lo <= hi <= 2^32 - 1`; `m == 0` exactly when `lo == hi`, else
/// `m >= 1` divides `hi - lo`). The stride lets `x != c` exclude `c` when a
/// loop counts up in steps that reach `c` exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Interval {
    /// Smallest value.
    pub lo: u64,
    /// Largest value.
    pub hi: u64,
    /// Stride (0 for a single value).
    pub m: u64,
}

pub(super) fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

impl Interval {
    /// Every i32 value.
    pub const FULL: Interval = Interval { lo: 0, hi: MAX, m: 1 };

    /// Every value of `[lo, hi]` (stride 1), or `None` when empty.
    pub fn new(lo: u64, hi: u64) -> Option<Interval> {
        Interval::strided(lo, hi, 1)
    }

    /// The values `lo + k*m` up to `hi` (`m == 0`: `lo` alone), or `None`
    /// when `lo > hi` or `hi` is out of range. `hi` is rounded down to the
    /// stride.
    pub fn strided(lo: u64, hi: u64, m: u64) -> Option<Interval> {
        if lo > hi || hi > MAX {
            return None;
        }
        if m == 0 || lo == hi {
            return Some(Interval { lo, hi: lo, m: 0 });
        }
        let hi = lo + (hi - lo) / m * m;
        Some(if hi == lo { Interval { lo, hi, m: 0 } } else { Interval { lo, hi, m } })
    }

    /// One value.
    pub fn constant(c: u64) -> Interval {
        let c = c & MAX;
        Interval { lo: c, hi: c, m: 0 }
    }

    /// The smallest strided interval holding both.
    pub fn join(self, o: Interval) -> Interval {
        let m = gcd(gcd(self.m, o.m), self.lo.abs_diff(o.lo));
        let (lo, hi) = (self.lo.min(o.lo), self.hi.max(o.hi));
        Interval::strided(lo, hi, m.max(1)).unwrap_or(Interval::FULL)
    }

    /// The values of `self` inside `[a, b]`, `None` when there are none.
    pub fn meet_range(self, a: u64, b: u64) -> Option<Interval> {
        let lo = if a <= self.lo {
            self.lo
        } else if self.m == 0 {
            return None;
        } else {
            self.lo + (a - self.lo).div_ceil(self.m) * self.m
        };
        Interval::strided(lo, self.hi.min(b), self.m)
    }

    /// True when every value of `o` is a value of `self`.
    pub fn contains(self, o: Interval) -> bool {
        if o.lo < self.lo || o.hi > self.hi {
            return false;
        }
        match self.m {
            0 => o.lo == self.lo && o.hi == self.hi,
            m => (o.lo - self.lo) % m == 0 && o.m % m == 0,
        }
    }

    /// The exact `u64` strided interval reduced modulo 2^32: itself (shifted)
    /// when it does not cross a multiple of 2^32, else top.
    fn wrap(lo: u64, hi: u64, m: u64) -> Interval {
        if lo >> 32 == hi >> 32 {
            Interval::strided(lo & MAX, hi & MAX, m.max(1)).unwrap_or(Interval::FULL)
        } else {
            Interval::FULL
        }
    }
}

/// Bits needed for `x` (0 for 0).
fn bit_mask(x: u64) -> u64 {
    if x == 0 {
        0
    } else {
        (1u64 << (64 - x.leading_zeros())) - 1
    }
}

/// `[lo, hi]` with stride 1 (for results whose congruence is unknown).
fn span(lo: u64, hi: u64) -> Interval {
    Interval::new(lo, hi).unwrap_or(Interval::FULL)
}

/// Transfer function of an i32 binary operation.
pub(super) fn binary(op: BinaryOp, a: Interval, b: Interval) -> Interval {
    use BinaryOp::*;
    let cb = (b.m == 0).then_some(b.lo);
    let ca = (a.m == 0).then_some(a.lo);
    let m = gcd(a.m, b.m);
    match op {
        Add => Interval::wrap(a.lo + b.lo, a.hi + b.hi, m),
        // a - b + 2^32 keeps both ends non-negative.
        Sub => Interval::wrap(a.lo + (MAX + 1) - b.hi, a.hi + (MAX + 1) - b.lo, m),
        Mul => match a.hi.checked_mul(b.hi) {
            Some(h) if h <= MAX => {
                let m = match (ca, cb) {
                    (_, Some(k)) => a.m * k,
                    (Some(k), _) => b.m * k,
                    _ => 1,
                };
                Interval::strided(a.lo * b.lo, h, m.max(1)).unwrap_or(Interval::FULL)
            }
            _ => Interval::FULL,
        },
        Shl => match cb.map(|k| k % 32) {
            Some(k) if a.hi << k <= MAX => {
                Interval::strided(a.lo << k, a.hi << k, (a.m << k).max(1)).unwrap_or(Interval::FULL)
            }
            _ => Interval::FULL,
        },
        ShrU => match cb.map(|k| k % 32) {
            Some(k) => span(a.lo >> k, a.hi >> k),
            None => span(0, a.hi),
        },
        And => span(0, a.hi.min(b.hi)),
        Or => span(a.lo.max(b.lo), bit_mask(a.hi.max(b.hi))),
        Xor => span(0, bit_mask(a.hi.max(b.hi))),
        // The lowering traps before a division by zero, so b >= 1 here.
        DivU => span(a.lo / b.hi.max(1), a.hi / b.lo.max(1)),
        RemU => span(0, a.hi.min(b.hi.max(1) - 1)),
        DivS | RemS | ShrS | Rotl | Rotr => Interval::FULL,
    }
}

/// Transfer function of one instruction with an i32 result; `None` when an
/// operand is still bottom.
pub(super) fn transfer(kind: &InstKind, r: &dyn Fn(Value) -> Option<Interval>) -> Option<Interval> {
    Some(match kind {
        InstKind::Iconst { ty: Type::I32, imm } => Interval::constant(mask(Type::I32, *imm as u64)),
        InstKind::Binary { op, ty: Type::I32, lhs, rhs } => binary(*op, r(*lhs)?, r(*rhs)?),
        InstKind::Unary { op: UnaryOp::Clz | UnaryOp::Ctz | UnaryOp::Popcnt, ty: Type::I32, .. } => {
            span(0, 32)
        }
        InstKind::Compare { .. } | InstKind::Eqz { .. } => span(0, 1),
        InstKind::Select { ty: Type::I32, if_true, if_false, .. } => r(*if_true)?.join(r(*if_false)?),
        InstKind::Load { ty: Type::I32, kind: LoadKind::U8, .. } => span(0, 0xff),
        InstKind::Load { ty: Type::I32, kind: LoadKind::U16, .. } => span(0, 0xffff),
        _ => Interval::FULL,
    })
}

/// The interval of `y + s` given `(y + s) mod 2^32 != c`: the sum is
/// formed without wrapping (`u64`), `c` is removed from either end in both
/// of its representations `c` and `c + 2^32`, and the result is kept only
/// when it then lies on one side of 2^32. Catches counters that count up
/// to zero (`i = -64; i += 4; i != 0`), whose plain sum wraps.
pub(super) fn refine_sum_ne(y: Interval, s: u64, c: u64) -> Option<Option<Interval>> {
    let mut u = Interval { lo: y.lo + s, hi: y.hi + s, m: y.m };
    for c in [c, c + MAX + 1] {
        if u.lo == c && u.hi == c {
            return Some(None);
        } else if u.lo == c {
            u = Interval { lo: c + u.m, ..u };
        } else if u.hi == c {
            u = Interval { hi: c - u.m, ..u };
        }
        if u.lo == u.hi {
            u.m = 0;
        }
    }
    (u.lo >> 32 == u.hi >> 32).then(|| Interval::strided(u.lo & MAX, u.hi & MAX, u.m))
}

/// The interval of `x` given `x cc c` holds (`None` when impossible).
pub(super) fn refine(x: Interval, cc: IntCC, c: u64) -> Option<Interval> {
    use IntCC::*;
    const SIGN: u64 = 1 << 31;
    match cc {
        Eq => x.meet_range(c, c),
        Ne => {
            if x.lo == c && x.hi == c {
                None
            } else if x.lo == c {
                Interval::strided(c + x.m, x.hi, x.m)
            } else if x.hi == c {
                Interval::strided(x.lo, c - x.m, x.m)
            } else {
                Some(x)
            }
        }
        LtU => x.meet_range(0, c.checked_sub(1)?),
        LeU => x.meet_range(0, c),
        GtU => x.meet_range(c + 1, MAX),
        GeU => x.meet_range(c, MAX),
        // Signed compares of a non-negative `x` with a non-negative `c` are
        // unsigned compares.
        LtS | LeS | GtS | GeS if x.hi < SIGN && c < SIGN => {
            let u = match cc {
                LtS => LtU,
                LeS => LeU,
                GtS => GtU,
                _ => GeU,
            };
            refine(x, u, c)
        }
        _ => Some(x),
    }
}

