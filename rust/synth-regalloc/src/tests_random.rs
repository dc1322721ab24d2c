//! Property-style tests: random toy programs (loops, diamonds, calls,
//! early defs, non-SSA redefinitions, constants) are allocated by both
//! rungs, verified by the checker, and run by the interpreter before and
//! after allocation; the traces (every call's arguments and the returned
//! value) must be identical.

use crate::toy::{phys, run_allocated, run_virtual, Builder, Opc, ToyFunc};
use crate::{allocate_with_rung, Options, Output, Reg, Rung, SpillVerdict};

/// Deterministic xorshift generator.
pub(crate) struct Rng(pub u64);
impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    pub(crate) fn chance(&mut self, pct: usize) -> bool {
        self.below(100) < pct
    }
}

/// Shape of a generated program.
#[derive(Clone, Copy, Debug)]
pub(crate) struct GenCfg {
    pub vars: usize,
    pub consts: usize,
    pub depth: u32,
    pub calls: bool,
    pub remat: bool,
    /// Top-level regions in sequence (program length).
    pub top: usize,
    /// Floating-point-class values (0: an integer-only program, drawn
    /// exactly as before the class existed).
    pub floats: usize,
}

struct Gen<'a> {
    rng: &'a mut Rng,
    bd: Builder,
    vars: Vec<Reg>,
    consts: Vec<Reg>,
    fvars: Vec<Reg>,
    m1: Reg,
    cfg: GenCfg,
}

impl Gen<'_> {
    fn any_src(&mut self) -> Reg {
        let n = self.vars.len() + self.consts.len();
        let k = self.rng.below(n);
        if k < self.vars.len() {
            self.vars[k]
        } else {
            self.consts[k - self.vars.len()]
        }
    }
    fn var(&mut self) -> Reg {
        self.vars[self.rng.below(self.vars.len())]
    }
    fn fvar(&mut self) -> Reg {
        self.fvars[self.rng.below(self.fvars.len())]
    }
    /// Float-class code: arithmetic among float values, and transfers
    /// between the classes.
    fn float_op(&mut self) {
        let d = self.fvar();
        match self.rng.below(6) {
            0 => {
                let a = self.any_src();
                self.bd.xfer(d, a);
            }
            1 => {
                let (x, a) = (self.var(), self.fvar());
                self.bd.xfer(x, a);
            }
            2 => {
                let a = self.fvar();
                self.bd.mov(d, a);
            }
            k => {
                let (a, b) = (self.fvar(), self.fvar());
                let opc = [Opc::Add, Opc::Xor, Opc::Mul][k - 3];
                self.bd.bin(opc, d, a, b);
            }
        }
    }
    fn straight(&mut self) {
        if !self.fvars.is_empty() {
            for _ in 0..1 + self.rng.below(4) {
                self.float_op();
            }
        }
        for _ in 0..1 + self.rng.below(4) {
            let d = self.var();
            let (a, b) = (self.any_src(), self.any_src());
            match self.rng.below(6) {
                0 => self.bd.bin(Opc::Add, d, a, b),
                1 => self.bd.bin(Opc::Xor, d, a, b),
                2 => self.bd.bin(Opc::Mul, d, a, b),
                3 => self.bd.mov(d, a),
                _ => {
                    // Early def: needs a destination distinct from sources.
                    let fresh = self.vars.iter().copied().find(|v| *v != a && *v != b);
                    match fresh {
                        Some(d) => self.bd.bin(Opc::AddE, d, a, b),
                        None => self.bd.bin(Opc::Add, d, a, b),
                    }
                }
            }
            if self.rng.chance(30) {
                self.bd.low();
            }
        }
    }
    fn call(&mut self) {
        let n = self.rng.below(4) as u8;
        for k in 0..n {
            let s = self.any_src();
            self.bd.mov(phys(k), s);
        }
        self.bd.call(n);
        let d = self.var();
        self.bd.mov(d, phys(0));
    }
    fn region(&mut self, depth: u32) {
        for _ in 0..1 + self.rng.below(3) {
            match self.rng.below(6) {
                0 | 1 => self.straight(),
                2 if self.cfg.calls => self.call(),
                3 if depth < self.cfg.depth => {
                    let c = self.var();
                    let (t, e, j) = (self.bd.block(), self.bd.block(), self.bd.block());
                    self.bd.condbr(c, t, e);
                    self.bd.at(t);
                    self.region(depth + 1);
                    self.bd.br(j);
                    self.bd.at(e);
                    self.region(depth + 1);
                    self.bd.br(j);
                    self.bd.at(j);
                }
                4 if depth < self.cfg.depth => {
                    let ctr = self.bd.v();
                    let trips = 1 + self.rng.below(3) as i32;
                    self.bd.konst(ctr, trips);
                    let (h, x) = (self.bd.block(), self.bd.block());
                    self.bd.br(h);
                    self.bd.at(h);
                    self.region(depth + 1);
                    let m1 = self.m1;
                    self.bd.add(ctr, ctr, m1);
                    self.bd.condbr(ctr, h, x);
                    self.bd.at(x);
                }
                _ => self.straight(),
            }
        }
    }
}

/// Generates one random program.
pub(crate) fn gen_program(seed: u64, cfg: GenCfg) -> ToyFunc {
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut bd = Builder::new();
    bd.allow_remat = cfg.remat;
    let entry = bd.block();
    bd.at(entry);
    let vars: Vec<Reg> = (0..cfg.vars).map(|_| bd.v()).collect();
    let consts: Vec<Reg> = (0..cfg.consts).map(|_| bd.v()).collect();
    let m1 = bd.v();
    for (k, &v) in vars.iter().enumerate() {
        if k < 4 {
            bd.mov(v, phys(k as u8));
        } else {
            bd.konst(v, (rng.below(1000) as i32) - 500);
        }
    }
    for &c in &consts {
        bd.konst(c, rng.below(100_000) as i32);
    }
    bd.konst(m1, -1);
    let fvars: Vec<Reg> = (0..cfg.floats).map(|_| bd.fv()).collect();
    for (k, &f) in fvars.iter().enumerate() {
        if k < 2 {
            bd.xfer(f, vars[k % vars.len()]);
        } else {
            bd.konst(f, rng.below(1000) as i32);
        }
    }
    let mut g = Gen { rng: &mut rng, bd, vars: vars.clone(), consts: consts.clone(), fvars: fvars.clone(), m1, cfg };
    for _ in 0..cfg.top {
        g.region(0);
    }
    let mut bd = g.bd;
    let acc = bd.v();
    bd.mov(acc, vars[0]);
    for &v in vars.iter().skip(1).chain(&consts) {
        bd.bin(Opc::Xor, acc, acc, v);
    }
    for &f in &fvars {
        let t = bd.v();
        bd.xfer(t, f);
        bd.bin(Opc::Xor, acc, acc, t);
    }
    bd.mov(phys(0), acc);
    bd.ret();
    bd.finish()
}

/// Low pressure: few values, always colourable without spilling.
pub(crate) const LOW: GenCfg = GenCfg { vars: 3, consts: 1, depth: 2, calls: true, remat: true, top: 1, floats: 0 };
/// High pressure: more values live than registers (genuine spills).
pub(crate) const HIGH: GenCfg = GenCfg { vars: 16, consts: 3, depth: 2, calls: true, remat: true, top: 1, floats: 0 };
/// High pressure without rematerialisation (forces slot spills).
pub(crate) const HIGH_NOREMAT: GenCfg =
    GenCfg { vars: 15, consts: 2, depth: 2, calls: true, remat: false, top: 1, floats: 0 };

const ARGS: [[u32; 4]; 2] = [[1, 2, 3, 4], [0xffff_fff0, 7, 0x8000_0000, 99]];

/// Allocates with `rung` (checker on) and compares interpreter traces.
pub(crate) fn alloc_and_compare(f: &ToyFunc, rung: Rung) -> Output {
    let out = allocate_with_rung(f, &Options { verify: true, shadow: false }, rung);
    for args in ARGS {
        let want = run_virtual(f, args);
        assert!(want.ret.is_some(), "generated program must terminate");
        let got = run_allocated(f, &out, args);
        assert_eq!(got, want, "allocated program ({}) computes something else", rung.name());
    }
    out
}

#[test]
fn fallback_rung_preserves_semantics_on_random_programs() {
    for (cfg, seeds) in [(LOW, 0..60u64), (HIGH, 100..160), (HIGH_NOREMAT, 200..240)] {
        for seed in seeds {
            let f = gen_program(seed, cfg);
            let out = alloc_and_compare(&f, Rung::Fallback);
            assert_eq!(out.stats.rung, Rung::Fallback);
            assert!(out.stats.int.reloads + out.stats.int.remats > 0);
        }
    }
}

#[test]
fn generator_produces_loops_calls_and_high_pressure() {
    let f = gen_program(101, HIGH);
    let out = allocate_with_rung(&f, &Options { verify: true, shadow: false }, Rung::Fallback);
    assert!(out.stats.int.peak_pressure > out.stats.int.regs_available, "{:?}", out.stats);
    let mut any_loop = false;
    let mut any_call = false;
    for seed in 0..20 {
        let f = gen_program(seed, HIGH);
        any_call |= f.insts.iter().any(|t| matches!(t.opc, Opc::Call(_)));
        any_loop |= f.succs.iter().enumerate().any(|(b, s)| s.iter().any(|&t| t <= b));
    }
    assert!(any_loop && any_call);
    let _ = SpillVerdict::None;
}

/// Corpus summary for the report.
#[derive(Default, Debug)]
struct Summary {
    programs: u32,
    spilled: u32,
    genuine: u32,
    spurious: u32,
    reloads: u32,
    stores: u32,
    remats: u32,
    moves_removed: u32,
    moves_left: u32,
    slots: u32,
}

fn run_corpus(cfg: GenCfg, seeds: std::ops::Range<u64>) -> Summary {
    let mut s = Summary::default();
    for seed in seeds {
        let f = gen_program(seed, cfg);
        let out = alloc_and_compare(&f, Rung::Base);
        let st = &out.stats;
        assert_eq!(st.rung, Rung::Base, "seed {seed}: base rung must converge");
        s.programs += 1;
        s.spilled += (st.int.verdict != SpillVerdict::None) as u32;
        s.genuine += (st.int.verdict == SpillVerdict::Genuine) as u32;
        s.spurious += (st.int.verdict == SpillVerdict::Spurious) as u32;
        s.reloads += st.int.reloads;
        s.stores += st.int.spill_stores;
        s.remats += st.int.remats;
        s.moves_removed += out.removed_moves.iter().filter(|&&r| r).count() as u32;
        s.moves_left += st.int.moves;
        s.slots += st.int.spill_slots;
    }
    eprintln!("{cfg:?}: {s:?}");
    s
}

#[test]
fn base_rung_low_pressure_never_spills() {
    let s = run_corpus(LOW, 0..200);
    assert_eq!(s.spilled, 0, "{s:?}");
    assert_eq!(s.spurious, 0);
    assert!(s.moves_removed > 0, "coalescing removes moves");
}

#[test]
fn base_rung_high_pressure_spills_genuinely_and_stays_correct() {
    let s = run_corpus(HIGH, 1000..1150);
    assert!(s.genuine > 0 && s.remats > 0, "{s:?}");
    assert_eq!(s.spurious, 0, "{s:?}");
    let s = run_corpus(HIGH_NOREMAT, 2000..2100);
    assert!(s.genuine > 0 && s.stores > 0 && s.reloads > 0 && s.slots > 0, "{s:?}");
    assert_eq!(s.spurious, 0, "{s:?}");
}

#[test]
fn base_beats_fallback_on_every_program() {
    for (cfg, seeds) in [(LOW, 300..330u64), (HIGH, 400..430)] {
        for seed in seeds {
            let f = gen_program(seed, cfg);
            let base = alloc_and_compare(&f, Rung::Base).stats;
            let fb = alloc_and_compare(&f, Rung::Fallback).stats;
            let traffic = |s: &crate::AllocStats| s.int.reloads + s.int.spill_stores + s.int.remats;
            assert!(traffic(&base) < traffic(&fb), "seed {seed}: base {base:?} vs fallback {fb:?}");
        }
    }
}

/// Medium pressure without calls: peak pressure up to the register count.
const MID: GenCfg = GenCfg { vars: 9, consts: 1, depth: 2, calls: false, remat: true, top: 1, floats: 0 };

#[test]
fn base_rung_medium_pressure_without_calls_reports_verdicts_honestly() {
    let mut spurious = 0;
    let mut fits = 0;
    let mut spilled = 0;
    for seed in 500..650u64 {
        let f = gen_program(seed, MID);
        let out = alloc_and_compare(&f, Rung::Base);
        let st = &out.stats;
        assert_eq!(st.rung, Rung::Base);
        spilled += (st.int.verdict != SpillVerdict::None) as u32;
        if st.int.peak_pressure <= st.int.regs_available {
            fits += 1;
            spurious += (st.int.verdict == SpillVerdict::Spurious) as u32;
        } else {
            assert_ne!(st.int.verdict, SpillVerdict::Spurious);
        }
    }
    eprintln!("MID: 150 programs, {fits} fit in the registers, {spilled} spilled, {spurious} spurious");
    assert!(fits > 100);
    assert_eq!(spurious, 0);
}

#[test]
fn large_function_allocates_quickly() {
    let cfg = GenCfg { vars: 40, consts: 6, depth: 3, calls: true, remat: true, top: 120, floats: 0 };
    let f = (0..2u64).map(|s| gen_program(9000 + s, cfg)).max_by_key(|f| f.insts.len()).unwrap_or_else(|| gen_program(0, cfg));
    let t = std::time::Instant::now();
    let out = allocate_with_rung(&f, &Options::default(), Rung::Base);
    let t_alloc = t.elapsed();
    let errs = crate::checker::check(&f, &out);
    let t_check = t.elapsed() - t_alloc;
    assert!(errs.is_empty(), "{}", crate::checker::report(&errs));
    eprintln!("large: {} insts, alloc {t_alloc:?}, check {t_check:?}, {:?}", f.insts.len(), out.stats);
    assert_eq!(out.stats.rung, Rung::Base);
    assert!(t_alloc.as_secs() < 20);
    alloc_and_compare(&f, Rung::Base);
}

#[test]
fn degenerate_inputs_do_not_panic() {
    // Empty function.
    let f = Builder::new().finish();
    let out = crate::allocate(&f, &Options { verify: true, shadow: false });
    assert!(out.allocs.is_empty() && out.edits.is_empty());
    // Use of a never-defined vreg, and an unreachable block.
    let mut bd = Builder::new();
    let (u, d) = (bd.v(), bd.v());
    let (b0, b1) = (bd.block(), bd.block());
    bd.at(b0);
    bd.add(d, u, u);
    bd.mov(phys(0), d);
    bd.ret();
    bd.at(b1);
    bd.mov(phys(0), u);
    bd.ret();
    let f = bd.finish();
    for rung in [Rung::Base, Rung::Fallback] {
        let out = allocate_with_rung(&f, &Options::default(), rung);
        assert_eq!(out.allocs.len(), f.insts.len());
    }
}

/// Both classes at low pressure: a few float values beside the integers.
const FLOAT_LOW: GenCfg = GenCfg { vars: 3, consts: 1, depth: 2, calls: true, remat: true, top: 1, floats: 4 };
/// More float values live than s registers: genuine float spills.
const FLOAT_HIGH: GenCfg = GenCfg { vars: 6, consts: 1, depth: 2, calls: true, remat: false, top: 2, floats: 40 };

#[test]
fn float_class_low_pressure_allocates_both_classes_without_spills() {
    for seed in 0..120u64 {
        let f = gen_program(seed, FLOAT_LOW);
        let out = alloc_and_compare(&f, Rung::Base);
        let fl = out.stats.float.clone().expect("float class reported");
        assert_eq!(fl.regs_available, 32);
        assert_eq!(out.stats.int.regs_available, 14, "integer figures stay the integer class's");
        assert_eq!(
            (fl.verdict, out.stats.int.verdict),
            (SpillVerdict::None, SpillVerdict::None),
            "seed {seed}: {:?}",
            out.stats
        );
        for (i, t) in f.insts.iter().enumerate() {
            for (k, o) in t.ops.iter().enumerate() {
                if let Some(v) = o.reg.as_virt() {
                    assert_eq!(out.allocs[i][k].class(), f.classes[v as usize], "inst {i} op {k}");
                }
            }
        }
        // Float values live across a call sit in s16-s31, saved by the callee.
        assert!(fl.callee_saved_used.iter().all(|p| p.0 >= 48), "{fl:?}");
        assert_eq!(out.stats.callee_saved_all(), out.stats.int.callee_saved_used.union(fl.callee_saved_used));
    }
}

#[test]
fn float_class_high_pressure_spills_genuinely_and_stays_correct() {
    let (mut spilled, mut slots) = (0, 0);
    for seed in 3000..3040u64 {
        let f = gen_program(seed, FLOAT_HIGH);
        let out = alloc_and_compare(&f, Rung::Base);
        assert_eq!(out.stats.rung, Rung::Base);
        let fl = out.stats.float.clone().expect("float class reported");
        assert_ne!(fl.verdict, SpillVerdict::Spurious, "seed {seed}: {fl:?}");
        assert!(fl.peak_pressure <= 40 + 1, "{fl:?}");
        if fl.verdict == SpillVerdict::Genuine {
            spilled += 1;
            assert!(fl.spill_stores > 0 && fl.reloads > 0, "{fl:?}");
        }
        slots += fl.spill_slots;
        assert_eq!(out.num_spill_slots, out.stats.int.spill_slots + fl.spill_slots);
        // Both rungs: the fallback puts every float value in a slot too.
        alloc_and_compare(&f, Rung::Fallback);
    }
    assert!(spilled > 20 && slots > 0, "{spilled} programs spilled float values");
}

#[test]
fn float_class_leaves_integer_allocation_unchanged() {
    // The integer class of a program with float values is allocated exactly
    // as the same program with every float operand removed: same integer
    // registers per operand, same integer edits (integer slots come first).
    for seed in 0..60u64 {
        let f = gen_program(seed, FLOAT_LOW);
        let mut g = f.clone();
        let is_float = |o: &crate::Operand| match (o.reg.as_phys(), o.reg.as_virt()) {
            (Some(p), _) => p.class() == crate::RegClass::Float,
            (None, Some(v)) => f.classes[v as usize] == crate::RegClass::Float,
            _ => false,
        };
        for t in &mut g.insts {
            if t.opc == Opc::Move && is_float(&t.ops[0]) {
                t.opc = Opc::Xfer; // no operand left: not a move any more
            }
            t.ops.retain(|o| !is_float(o));
            t.clobbers = t.clobbers.of_class(crate::RegClass::Int);
        }
        g.classes = vec![crate::RegClass::Int; g.nvregs];
        let a = crate::allocate(&f, &Options { verify: true, shadow: false });
        let b = crate::allocate(&g, &Options { verify: true, shadow: false });
        for (i, t) in f.insts.iter().enumerate() {
            let ints: Vec<_> = t.ops.iter().zip(&a.allocs[i]).filter(|(o, _)| !is_float(o)).map(|(_, p)| *p).collect();
            assert_eq!(ints, b.allocs[i], "seed {seed} inst {i}");
        }
        let int_edit = |e: &crate::Edit| match *e {
            crate::Edit::Move { from, to } => {
                [from, to].iter().all(|l| !matches!(l, crate::Loc::Reg(p) if p.class() == crate::RegClass::Float))
            }
            crate::Edit::Remat { to, .. } => to.class() == crate::RegClass::Int,
        };
        let ea: Vec<_> = a.edits.iter().filter(|(_, e)| int_edit(e)).collect();
        let eb: Vec<_> = b.edits.iter().collect();
        assert_eq!(ea, eb, "seed {seed}");
        assert_eq!(
            (a.stats.int.peak_pressure, a.stats.int.moves, a.stats.int.verdict),
            (b.stats.int.peak_pressure, b.stats.int.moves, b.stats.int.verdict)
        );
        assert!(b.stats.float.is_none() && a.stats.float.is_some());
    }
}
