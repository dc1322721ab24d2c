//! Unsigned value-range analysis over i32 SSA values, and removal of bounds
//! checks it proves in bounds.
//!
//! Takes a [`Function`] (verified SSA) and, for [`remove_in_bounds`], the
//! linear-memory size when it can never change. Returns, for each i32
//! value, an interval `[lo, hi]` (unsigned, `0 <= lo <= hi < 2^32`) that
//! contains every value it takes in any execution; [`remove_in_bounds`]
//! deletes each `BoundsCheck { addr, end }` with `hi(addr) + end <= size`
//! (such a check can never trap: its condition is `addr + end > size` over
//! unbounded integers).
//!
//! # Lattice
//!
//! Per value: `None` (bottom: no execution reaches the definition yet) or
//! `Some(Interval)`: a strided interval `{lo, lo + m, ..., hi}` (see
//! [`Interval`]), ordered by inclusion; join is the smallest strided
//! interval holding both. i64 values, and i32 values nothing is known
//! about, are the full range `[0, 2^32 - 1]` (top). The stride lets
//! `x != c` exclude `c` for counters stepping by more than one.
//!
//! # Proof obligations
//!
//! The result is sound (every concrete value lies in its interval) when:
//! 1. every transfer function is sound: for operands in their intervals, the
//!    concrete result (with the IR's wrap-around semantics) lies in the
//!    result interval. Arithmetic is done in `u64`; an operation whose
//!    unsigned result may wrap gives top (or the shifted interval when it
//!    surely wraps). Tested at random against the interpreter;
//! 2. every block parameter's interval contains the (refined) argument
//!    interval of every feasible incoming edge. A branch refines the value it
//!    compares against a constant on each edge (`x <u c` on the taken edge,
//!    `x >=u c` on the other, `x != c` removes `c` from an end of the
//!    interval, also through `x = y + s` when the plain sum wraps, signed
//!    compares when `x` is known non-negative); an edge whose refinement is
//!    empty cannot be taken and contributes nothing;
//! 3. a use of `x` in a block reached only through a branch edge on
//!    `x cc c` (the edge dominates the use) may assume `x cc c`: `x` was
//!    defined before the last time that edge was taken (else the edge
//!    would not dominate), and SSA values never change;
//! 4. a derived induction variable `q` (stepping on the same edges as a
//!    basic one, `p`) is bounded from `p`'s interval only when that
//!    interval is already sound and proves `p` never wraps on a step that
//!    re-enters the loop (`iv_bound`).
//!
//! The analysis iterates over the reachable blocks in reverse postorder to
//! a post-fixpoint: parameter intervals only grow, and after [`WIDEN_AFTER`]
//! growths a bound that moves jumps outward to the next threshold
//! (constants the function compares against, `c ± 1`, and `c - step` for
//! `x + step != c`) or to 0 / the maximum, so iteration terminates. That post-fixpoint is checked
//! (obligation 2 without induction-variable bounds) and is therefore sound.
//! A few narrowing passes then recompute the parameters from their edges,
//! met with the old interval and with the induction-variable bounds: every
//! transfer function and refinement is monotone, so recomputing from a sound
//! state gives a sound state (the least fixpoint lies below both), and an
//! induction-variable bound computed from a sound state is a true invariant
//! (obligation 3). The narrowed state is also checked to be a post-fixpoint
//! (with those bounds) and discarded for the widened one if not.

mod lattice;

use crate::cfg::Cfg;
use lattice::{gcd, refine, refine_sum_ne, transfer, MAX};
pub use lattice::Interval;
use synth_ir::interp::mask;
use synth_ir::{BinaryOp, Block, Function, InstKind, IntCC, Terminator, Type, Value};

/// Dominator-tree levels searched for guards of a value.
const GUARD_DEPTH: usize = 64;

/// Parameter growths before widening starts.
pub const WIDEN_AFTER: u32 = 3;

/// Narrowing passes after the post-fixpoint is reached.
const NARROW_PASSES: usize = 3;

/// Upper limit on widening passes (a safety net: the widening guarantees
/// termination long before it). When reached, nothing is concluded.
const MAX_PASSES: usize = 500;

/// What the branch condition of a block says about one value on each edge:
/// `(x, range on the taken edge, range on the other edge)`, each as a
/// function of `x`'s interval.
#[derive(Clone, Copy, Debug)]
struct Cond {
    x: Value,
    cc: IntCC,
    c: u64,
    /// `x = y + s` with a constant `s`: `(y, s)`.
    sum: Option<(Value, u64)>,
}


/// Refinements of block terminators and induction-variable facts; fixed for
/// one function.
struct Facts {
    /// Per block: the compare its `Branch` tests, when against a constant.
    conds: Vec<Option<Cond>>,
    /// Sorted widening thresholds.
    thresholds: Vec<u64>,
    /// Derived induction variables (see [`iv_bound`]), sorted by `q`
    /// (stably, so those of one `q` keep the order they were found in).
    ivs: Vec<DerivedIv>,
    /// Per block: `x cc c` that holds on entry because the block's only
    /// predecessor branches to it on that condition (and not on the other).
    guards: Vec<Option<(Value, IntCC, u64)>>,
    /// Immediate dominators (from [`Cfg`]).
    idom: Vec<Option<usize>>,
}

/// Per-value definitions, for pattern matching.
fn defs(func: &Function) -> Vec<Option<&InstKind>> {
    let mut d = vec![None; func.value_types.len()];
    for bd in &func.blocks {
        for inst in &bd.insts {
            if let [v] = inst.results[..] {
                d[v.0 as usize] = Some(&inst.kind);
            }
        }
    }
    d
}

fn const_of(defs: &[Option<&InstKind>], v: Value) -> Option<u64> {
    match defs.get(v.0 as usize).copied().flatten() {
        Some(InstKind::Iconst { ty: Type::I32, imm }) => Some(mask(Type::I32, *imm as u64)),
        _ => None,
    }
}

/// `v = x + c` with a constant `c`: `(x, c)`.
fn plus_const(defs: &[Option<&InstKind>], v: Value) -> Option<(Value, u64)> {
    match defs.get(v.0 as usize).copied().flatten() {
        Some(InstKind::Binary { op: BinaryOp::Add, ty: Type::I32, lhs, rhs }) => {
            const_of(defs, *rhs).map(|c| (*lhs, c)).or_else(|| const_of(defs, *lhs).map(|c| (*rhs, c)))
        }
        _ => None,
    }
}

impl Facts {
    fn new(func: &Function, cfg: &Cfg) -> Facts {
        let d = defs(func);
        let mut conds = vec![None; func.blocks.len()];
        let mut thresholds = vec![0, MAX];
        for &b in &cfg.rpo {
            let Terminator::Branch { cond, .. } = &func.blocks[b].term else { continue };
            let c = match d.get(cond.0 as usize).copied().flatten() {
                Some(InstKind::Compare { cc, ty: Type::I32, lhs, rhs }) => match (const_of(&d, *lhs), const_of(&d, *rhs)) {
                    (None, Some(c)) => Some((*lhs, *cc, c)),
                    (Some(c), None) => Some((*rhs, cc.swap_args(), c)),
                    _ => None,
                },
                Some(InstKind::Eqz { ty: Type::I32, arg }) => Some((*arg, IntCC::Eq, 0)),
                _ if func.value_type(*cond) == Type::I32 => Some((*cond, IntCC::Ne, 0)),
                _ => None,
            };
            let c = c.map(|(x, cc, c)| Cond { x, cc, c, sum: plus_const(&d, x) });
            if let Some(k) = c {
                thresholds.extend([k.c, k.c.saturating_sub(1), (k.c + 1).min(MAX)]);
                if let (IntCC::Eq | IntCC::Ne, Some((_, s))) = (k.cc, k.sum) {
                    // The last value of `y` before `y + s` reaches `c`
                    // (counting up or, with a "negative" `s`, down).
                    thresholds.push(k.c.wrapping_sub(s) & MAX);
                }
            }
            conds[b] = c;
        }
        thresholds.sort_unstable();
        thresholds.dedup();
        let mut guards = vec![None; func.blocks.len()];
        for &b in &cfg.rpo {
            let [p] = cfg.preds[b][..] else { continue };
            let (Terminator::Branch { then_dest, else_dest, .. }, Some(c)) = (&func.blocks[p].term, conds[p]) else {
                continue;
            };
            let me = Block(b as u32);
            if then_dest.block == me && else_dest.block != me {
                guards[b] = Some((c.x, c.cc, c.c));
            } else if else_dest.block == me && then_dest.block != me {
                guards[b] = Some((c.x, c.cc.inverse(), c.c));
            }
        }
        let mut ivs = derived_ivs(func, cfg, &d);
        ivs.sort_by_key(|iv| iv.q.0);
        Facts { conds, thresholds, ivs, guards, idom: cfg.idom.clone() }
    }

    /// `x`, known to be in `r`, refined by the guards of `b` and of the
    /// blocks dominating it (up to [`GUARD_DEPTH`] levels). Sound because a
    /// guard's edge dominates `b`: `x` was defined before the last time
    /// that edge was taken, when `x cc c` held (SSA values never change).
    fn at(&self, b: usize, x: Value, mut r: Interval) -> Interval {
        let mut blk = b;
        for _ in 0..GUARD_DEPTH {
            if let Some(Some((v, cc, c))) = self.guards.get(blk) {
                if *v == x {
                    r = refine(r, *cc, *c).unwrap_or(r);
                }
            }
            match self.idom.get(blk).copied().flatten() {
                Some(d) if d != blk => blk = d,
                _ => break,
            }
        }
        r
    }

    /// The smallest threshold `>= x`.
    fn widen_hi(&self, x: u64) -> u64 {
        let i = self.thresholds.partition_point(|t| *t < x);
        self.thresholds.get(i).copied().unwrap_or(MAX)
    }

    /// The largest threshold `<= x`.
    fn widen_lo(&self, x: u64) -> u64 {
        let i = self.thresholds.partition_point(|t| *t <= x);
        if i == 0 {
            0
        } else {
            self.thresholds[i - 1]
        }
    }
}

/// An induction variable's start: the same value on every entering edge
/// (a constant, or one SSA value defined outside the loop).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Start {
    Const(u64),
    Value(Value),
}

/// A derived induction variable: parameters `q` and `p` of one block, with
/// `p = p_start + k*s` and `q = q_start + k*t` (mod 2^32) for the same `k`
/// at every entry of the block.
#[derive(Clone, Copy, Debug)]
struct DerivedIv {
    q: Value,
    p: Value,
    p_start: Start,
    s: u64,
    q_start: Start,
    t: u64,
}

/// Finds derived induction variables: block parameters `p` and `q` of one
/// block such that every incoming edge passes either the starts
/// `(p_start, q_start)` (each the same constant or value on every such
/// edge) or `(p + s, q + t)` (non-zero constants `s`, `t`; `p`, `q` the
/// block's own parameters, so both step from the same entry). Then at
/// every entry `p = p_start + k*s` and `q = q_start + k*t` (mod 2^32) for
/// the same `k` (reset to 0 by a start edge).
fn derived_ivs(func: &Function, cfg: &Cfg, d: &[Option<&InstKind>]) -> Vec<DerivedIv> {
    let mut out = Vec::new();
    for &b in &cfg.rpo {
        let params = &func.blocks[b].params;
        if b == 0 || params.len() < 2 {
            continue;
        }
        let mut edges: Vec<&[Value]> = Vec::new();
        for &p in &cfg.preds[b] {
            for c in func.blocks[p].term.block_calls() {
                if c.block == Block(b as u32) {
                    edges.push(&c.args);
                }
            }
        }
        // Per parameter: (start, step) and which edges are steps.
        let shape = |i: usize| -> Option<(Start, u64, Vec<bool>)> {
            let (mut start, mut step, mut kinds) = (None, None, Vec::new());
            for args in &edges {
                let a = *args.get(i)?;
                match plus_const(d, a) {
                    Some((x, s)) if x == params[i] && s != 0 && step.unwrap_or(s) == s => {
                        step = Some(s);
                        kinds.push(true);
                    }
                    _ => {
                        let st = const_of(d, a).map_or(Start::Value(a), Start::Const);
                        // A start defined by the parameter itself would not be fixed.
                        if a == params[i] || start.unwrap_or(st) != st {
                            return None;
                        }
                        start = Some(st);
                        kinds.push(false);
                    }
                }
            }
            Some((start?, step?, kinds))
        };
        let shapes: Vec<_> = (0..params.len()).map(shape).collect();
        for (pi, sp) in shapes.iter().enumerate() {
            let Some((p_start, s, pk)) = sp else { continue };
            for (qi, sq) in shapes.iter().enumerate() {
                let Some((q_start, t, qk)) = sq else { continue };
                if qi != pi && pk == qk {
                    out.push(DerivedIv { q: params[qi], p: params[pi], p_start: *p_start, s: *s, q_start: *q_start, t: *t });
                }
            }
        }
    }
    out
}

/// A step as a signed amount: `(magnitude, negative)`.
fn signed_step(s: u64) -> (u64, bool) {
    if s > MAX / 2 {
        (MAX + 1 - s, true)
    } else {
        (s, false)
    }
}

/// The bound of a derived induction variable `q` from the intervals of its
/// basic variable `p`, of `p`'s start and of `q`'s start. `p` always lies
/// in its interval, and a step that wraps would leave it (checked), so
/// every step that re-enters the block is exact: `p = p_start + k*s` holds
/// as integers and bounds the trip count `k`;
/// then `q` lies between `q_start` and `q_start + k*t` when that does not
/// wrap either (checked).
fn iv_bound(p: Interval, p0: Interval, s: u64, q0: Interval, t: u64) -> Option<Interval> {
    let (s, s_neg) = signed_step(s);
    // A step that wraps lands outside `p`'s interval (below `lo` going up,
    // above `hi` going down), so no step that re-enters the block wraps.
    let k = if s_neg {
        if (p.lo < s && p.lo + (MAX + 1) - s <= p.hi) || p0.hi < p.lo {
            return None;
        }
        (p0.hi - p.lo) / s
    } else {
        if (p.hi + s > MAX && p.hi + s - (MAX + 1) >= p.lo) || p.hi < p0.lo {
            return None;
        }
        (p.hi - p0.lo) / s
    };
    let (t, t_neg) = signed_step(t);
    let span = k.checked_mul(t)?;
    let m = gcd(q0.m, t).max(1);
    if t_neg {
        Interval::strided(q0.lo.checked_sub(span)?, q0.hi, m)
    } else {
        Interval::strided(q0.lo, q0.hi.checked_add(span)?, m)
    }
}

/// The analysis result: an interval per value (`None` when unreachable or
/// not an i32).
pub struct Ranges {
    ranges: Vec<Option<Interval>>,
    facts: Option<Facts>,
}

impl Ranges {
    /// The interval of `v`: `None` when no execution reaches its
    /// definition (or the analysis concluded nothing: then every value is
    /// top).
    pub fn get(&self, v: Value) -> Option<Interval> {
        self.ranges.get(v.0 as usize).copied().flatten()
    }

    /// The interval of `v` where block `b` uses it: [`Ranges::get`]
    /// refined by the branch conditions that must hold to reach `b`.
    pub fn get_at(&self, b: Block, v: Value) -> Option<Interval> {
        let r = self.get(v)?;
        Some(match &self.facts {
            Some(f) => f.at(b.0 as usize, v, r),
            None => r,
        })
    }
}

/// State of the fixpoint iteration.
struct Solver<'f> {
    func: &'f Function,
    cfg: Cfg,
    facts: Facts,
    ranges: Vec<Option<Interval>>,
    growths: Vec<u32>,
}

impl Solver<'_> {
    fn r(&self, v: Value) -> Option<Interval> {
        self.ranges.get(v.0 as usize).copied().flatten()
    }

    /// The interval of `v` where block `b` uses it (with guards).
    fn r_at(&self, b: usize, v: Value) -> Option<Interval> {
        self.r(v).map(|r| self.facts.at(b, v, r))
    }

    /// Join of the argument intervals of every feasible edge into `b`, one
    /// per parameter (`None` when no feasible edge contributes).
    fn incoming(&self, b: usize) -> Vec<Option<Interval>> {
        let n = self.func.blocks[b].params.len();
        let mut acc: Vec<Option<Interval>> = vec![None; n];
        for &p in &self.cfg.preds[b] {
            let term = &self.func.blocks[p].term;
            let cond = self.facts.conds[p];
            for (k, call) in term.block_calls().into_iter().enumerate() {
                if call.block != Block(b as u32) {
                    continue;
                }
                // The compared value's interval on this edge.
                let edge_fact = match (term, cond) {
                    (Terminator::Branch { .. }, Some(c)) => {
                        let cc = if k == 0 { c.cc } else { c.cc.inverse() };
                        let Some(x) = self.r_at(p, c.x) else { continue };
                        let Some(mut rx) = refine(x, cc, c.c) else { continue }; // infeasible edge
                        if let (IntCC::Ne, Some((y, s))) = (cc, c.sum) {
                            match self.r_at(p, y).map(|y| refine_sum_ne(y, s, c.c)) {
                                Some(Some(None)) => continue,
                                Some(Some(Some(r2))) if r2.hi - r2.lo < rx.hi - rx.lo => rx = r2,
                                _ => {}
                            }
                        }
                        Some((c.x, rx))
                    }
                    _ => None,
                };
                for (i, a) in call.args.iter().enumerate().take(n) {
                    let mut v = self.r_at(p, *a);
                    if let (Some((x, rx)), Some(_)) = (edge_fact, v) {
                        if x == *a {
                            v = Some(rx);
                        }
                    }
                    if self.func.value_type(*a) != Type::I32 {
                        v = Some(Interval::FULL);
                    }
                    acc[i] = match (acc[i], v) {
                        (Some(x), Some(y)) => Some(x.join(y)),
                        (x, y) => x.or(y),
                    };
                }
            }
        }
        acc
    }

    /// Recomputes the instruction results of `b` from the current state.
    fn eval_block(&mut self, b: usize) {
        for inst in &self.func.blocks[b].insts {
            for (i, v) in inst.results.iter().enumerate() {
                let x = if i == 0 && self.func.value_type(*v) == Type::I32 {
                    transfer(&inst.kind, &|u| self.r_at(b, u))
                } else {
                    Some(Interval::FULL)
                };
                self.ranges[v.0 as usize] = x;
            }
        }
    }

    /// Induction-variable bound for parameter `q`, from the current state.
    fn iv_bounds(&self, q: Value) -> Option<Interval> {
        let mut out: Option<Interval> = None;
        let ivs = &self.facts.ivs;
        let first = ivs.partition_point(|iv| iv.q.0 < q.0);
        for iv in ivs[first..].iter().take_while(|iv| iv.q == q) {
            let start = |st: Start| match st {
                Start::Const(c) => Some(Interval::constant(c)),
                Start::Value(v) => self.r(v),
            };
            let bound = match (self.r(iv.p), start(iv.p_start), start(iv.q_start)) {
                (Some(p), Some(p0), Some(q0)) => iv_bound(p, p0, iv.s, q0, iv.t),
                _ => None,
            };
            if let Some(bound) = bound {
                out = Some(out.map_or(bound, |o| o.meet_range(bound.lo, bound.hi).unwrap_or(o)));
            }
        }
        out
    }

    /// One widening pass; true when a parameter grew.
    fn widen_pass(&mut self) -> bool {
        let mut changed = false;
        for idx in 0..self.cfg.rpo.len() {
            let b = self.cfg.rpo[idx];
            if b != 0 {
                let inc = self.incoming(b);
                for (i, &p) in self.func.blocks[b].params.iter().enumerate() {
                    let Some(new) = inc[i] else { continue };
                    let old = self.r(p);
                    let mut next = old.map_or(new, |o| o.join(new));
                    if Some(next) != old {
                        let g = &mut self.growths[p.0 as usize];
                        *g += 1;
                        if *g > WIDEN_AFTER {
                            if let Some(o) = old {
                                // A lower bound that falls goes to the threshold below
                                // (keeping only the congruence it shares with the old
                                // bound); a bound that rises goes to the next threshold
                                // (rounded down to the stride, still above the new
                                // bound).
                                let (lo, m) = if next.lo < o.lo {
                                    let t = self.facts.widen_lo(next.lo);
                                    (t, gcd(next.m, next.lo - t))
                                } else {
                                    (next.lo, next.m)
                                };
                                let hi = if next.hi > o.hi { self.facts.widen_hi(next.hi) } else { next.hi };
                                next = Interval::strided(lo, hi, m.max(1)).unwrap_or(Interval::FULL);
                            }
                        }
                        self.ranges[p.0 as usize] = Some(next);
                        changed = true;
                    }
                }
            }
            self.eval_block(b);
        }
        changed
    }

    /// One narrowing pass: parameters recomputed from their edges and
    /// induction-variable bounds.
    fn narrow_pass(&mut self) {
        for idx in 0..self.cfg.rpo.len() {
            let b = self.cfg.rpo[idx];
            if b != 0 {
                let inc = self.incoming(b);
                for (i, &p) in self.func.blocks[b].params.iter().enumerate() {
                    let mut next = inc[i];
                    if let (Some(n), Some(bound)) = (next, self.iv_bounds(p)) {
                        next = Some(n.meet_range(bound.lo, bound.hi).unwrap_or(n));
                    }
                    // Never grow in a narrowing pass.
                    if let (Some(n), Some(o)) = (next, self.r(p)) {
                        next = Some(n.meet_range(o.lo, o.hi).unwrap_or(n));
                    }
                    self.ranges[p.0 as usize] = next;
                }
            }
            self.eval_block(b);
        }
    }

    /// True when every parameter contains what its edges pass (with the
    /// induction-variable bounds): obligation 2 of the module comment.
    fn is_post_fixpoint(&self) -> bool {
        self.cfg.rpo.iter().all(|&b| {
            if b == 0 {
                return true;
            }
            let inc = self.incoming(b);
            self.func.blocks[b].params.iter().enumerate().all(|(i, &p)| {
                let mut need = inc[i];
                if let (Some(n), Some(bound)) = (need, self.iv_bounds(p)) {
                    need = Some(n.meet_range(bound.lo, bound.hi).unwrap_or(n));
                }
                match (need, self.r(p)) {
                    (None, _) => true,
                    (Some(_), None) => false,
                    (Some(n), Some(have)) => have.contains(n),
                }
            })
        })
    }

    /// Re-evaluates every block once (instruction results from the
    /// parameters).
    fn eval_all(&mut self) {
        for idx in 0..self.cfg.rpo.len() {
            let b = self.cfg.rpo[idx];
            self.eval_block(b);
        }
    }
}

/// Analyses `func` (which must verify), knowing nothing about its
/// parameters.
pub fn analyze(func: &Function) -> Ranges {
    analyze_with_entry(func, &[])
}

/// Analyses `func` (which must verify) assuming parameter `k` of the
/// function lies in `entry[k]` whenever it is called. Parameters past the
/// end of `entry`, and parameters that are not i32, are top. The caller
/// must guarantee the assumption (see [`crate::module`]); the result is
/// sound only under it. When some branch targets the entry block, `entry`
/// is ignored.
pub fn analyze_with_entry(func: &Function, entry: &[Interval]) -> Ranges {
    let cfg = Cfg::new(func);
    let facts = Facts::new(func, &cfg);
    let n = func.value_types.len();
    let mut s = Solver { func, cfg, facts, ranges: vec![None; n], growths: vec![0; n] };
    // The entry block's parameters are never recomputed from edges, so a
    // (nonstandard) branch back to the entry makes the assumption unusable.
    let entry = if s.cfg.preds.first().is_some_and(|p| !p.is_empty()) { &[][..] } else { entry };
    for (k, &p) in func.blocks[0].params.iter().enumerate() {
        let known = entry.get(k).copied().filter(|_| func.value_type(p) == Type::I32);
        s.ranges[p.0 as usize] = Some(known.unwrap_or(Interval::FULL));
    }
    let mut passes = 0;
    while s.widen_pass() {
        passes += 1;
        if passes > MAX_PASSES {
            log::warn!("synth-opt: range analysis of `{}` did not converge", func.name);
            return Ranges { ranges: vec![Some(Interval::FULL); n], facts: None };
        }
    }
    s.eval_all();
    if !s.is_post_fixpoint() {
        // Cannot happen: the widening loop stops only at a post-fixpoint.
        return Ranges { ranges: vec![Some(Interval::FULL); n], facts: None };
    }
    let widened = s.ranges.clone();
    for _ in 0..NARROW_PASSES {
        s.narrow_pass();
    }
    s.eval_all();
    if !s.is_post_fixpoint() {
        log::debug!("synth-opt: narrowing of `{}` is not a post-fixpoint; kept the widened ranges", func.name);
        s.ranges = widened;
    }
    Ranges { ranges: s.ranges, facts: Some(s.facts) }
}

/// Deletes every bounds check that cannot trap when linear memory is
/// `memory_bytes` bytes and never changes size; returns how many.
///
/// Must only be called when the memory size is static: with a growable
/// memory the size at run time can differ from any size known here.
pub fn remove_in_bounds(func: &mut Function, memory_bytes: u32) -> usize {
    remove_in_bounds_with_entry(func, memory_bytes, &[])
}

/// [`remove_in_bounds`] with the parameter ranges `entry` assumed at
/// function entry (see [`analyze_with_entry`]).
pub fn remove_in_bounds_with_entry(func: &mut Function, memory_bytes: u32, entry: &[Interval]) -> usize {
    let ranges = analyze_with_entry(func, entry);
    remove_checks_within(func, &ranges, memory_bytes)
}

/// What [`apply`] removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    /// Bounds checks proven in bounds.
    pub checks: usize,
    /// `x & (2^k - 1)` whose `x` never exceeds the mask.
    pub masks: usize,
}

/// One range analysis (parameters in `entry`) serving two rewrites:
/// bounds checks proven within `memory_bytes` (when given) are deleted
/// ([`remove_in_bounds`]), and so is every i32 `x & (2^k - 1)` whose `x`,
/// where the AND reads it, never exceeds the mask: it changes nothing
/// (clang masks `uint8_t` arithmetic on bytes a load already zero-extended).
/// Its uses read `x`. No analysis runs when there is nothing to rewrite.
pub fn apply(func: &mut Function, memory_bytes: Option<u32>, entry: &[Interval]) -> Applied {
    let masks = low_masks(func);
    let checks = memory_bytes.is_some()
        && func.blocks.iter().flat_map(|b| &b.insts).any(|i| matches!(i.kind, InstKind::BoundsCheck { .. }));
    if masks.is_empty() && !checks {
        return Applied::default();
    }
    let ranges = analyze_with_entry(func, entry);
    let mut sub = crate::subst::Subst::new();
    let mut removed_masks = 0;
    for (bi, bd) in func.blocks.iter_mut().enumerate() {
        bd.insts.retain(|inst| {
            let Some(&(x, m)) = inst.results.first().and_then(|r| masks.get(r)) else { return true };
            match ranges.get_at(Block(bi as u32), x) {
                Some(r) if r.hi <= m => {
                    sub.set(inst.results[0], x);
                    removed_masks += 1;
                    false
                }
                _ => true,
            }
        });
    }
    sub.apply(func);
    let checks = match memory_bytes {
        Some(size) if checks => remove_checks_within(func, &ranges, size),
        _ => 0,
    };
    Applied { checks, masks: removed_masks }
}

/// The i32 ANDs with a constant `2^k - 1` (k < 32): result -> (operand, mask).
fn low_masks(func: &Function) -> std::collections::HashMap<Value, (Value, u64)> {
    let consts: std::collections::HashMap<Value, u64> = func
        .blocks
        .iter()
        .flat_map(|b| &b.insts)
        .filter_map(|i| match (&i.kind, i.results.first()) {
            (InstKind::Iconst { ty: Type::I32, imm }, Some(r)) => Some((*r, mask(Type::I32, *imm as u64))),
            _ => None,
        })
        .collect();
    let low = |v: &Value| consts.get(v).copied().filter(|&c| c != 0 && c != u64::from(u32::MAX) && (c + 1).is_power_of_two());
    func.blocks
        .iter()
        .flat_map(|b| &b.insts)
        .filter_map(|i| match (&i.kind, i.results.first()) {
            (InstKind::Binary { op: BinaryOp::And, ty: Type::I32, lhs, rhs }, Some(r)) => match (low(lhs), low(rhs)) {
                (_, Some(m)) => Some((*r, (*lhs, m))),
                (Some(m), None) => Some((*r, (*rhs, m))),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// Deletes the checks `ranges` proves within `memory_bytes`.
fn remove_checks_within(func: &mut Function, ranges: &Ranges, memory_bytes: u32) -> usize {
    let mut removed = 0;
    for (b, bd) in func.blocks.iter_mut().enumerate() {
        let before = bd.insts.len();
        bd.insts.retain(|inst| match inst.kind {
            InstKind::BoundsCheck { addr, end } => match ranges.get_at(Block(b as u32), addr) {
                Some(r) => !matches!(r.hi.checked_add(end), Some(last) if last <= u64::from(memory_bytes)),
                None => true,
            },
            _ => true,
        });
        removed += before - bd.insts.len();
    }
    removed
}

#[cfg(test)]
mod tests;
