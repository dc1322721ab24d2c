//! Differential test of the optimiser: every module of `tests/programs`
//! is translated by the front end, and every exported function is run in
//! the IR interpreter before and after [`synth_opt::optimize`] (each call on
//! a freshly instantiated module: init function first) on the file's
//! `@args` tuples plus edge values and seeded random arguments. Results,
//! traps, the call log (imports), linear memory and globals must be
//! identical, and the optimised IR must be valid and smaller in aggregate.
//! Modules whose memory size is static are compared a second time,
//! optimised with that size in the [`OptContext`] (range analysis may then
//! delete bounds checks; any wrong deletion shows as a missing trap), and
//! a third time as whole modules ([`synth_opt::optimize_lowered`]: internal
//! functions' parameter ranges from their call sites).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::rc::Rc;
use synth_frontend::{translate, FrontendOptions, FunctionKind, Module};
use synth_ir::interp::{code_address, CallTarget, Exit, Machine, ModuleEnv};
use synth_ir::{Function, SymbolRef, Type};
use synth_opt::OptContext;

const I32_EDGES: [u64; 9] = [0, 1, 2, 7, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff, 0xffff_fffe, 65536];
const I64_EDGES: [u64; 9] =
    [0, 1, 3, 0x7fff_ffff_ffff_ffff, 0x8000_0000_0000_0000, u64::MAX, 0xffff_ffff, 0x1_0000_0000, 1000];

fn programs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/programs")
}

/// xorshift64*: deterministic pseudo-random arguments.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

fn parse_int(s: &str) -> Option<u64> {
    let s = s.trim();
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s),
    };
    let v = match body.strip_prefix("0x") {
        Some(h) => u64::from_str_radix(h, 16).ok()?,
        None => body.parse::<u64>().ok()?,
    };
    Some(if neg { v.wrapping_neg() } else { v })
}

/// The file's `@args`, `@skip` and `@limit` directives.
struct Directives {
    args: BTreeMap<String, Vec<Vec<u64>>>,
    skip: Vec<String>,
    limit: Option<u64>,
}

fn directives(text: &str) -> Directives {
    let mut d = Directives { args: BTreeMap::new(), skip: Vec::new(), limit: None };
    for line in text.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix(";; @args ") {
            let (name, tuples) = rest.split_once(' ').unwrap_or((rest, ""));
            let list = d.args.entry(name.to_string()).or_default();
            for t in tuples.split('(').skip(1) {
                let inner = t.split(')').next().unwrap_or("");
                list.push(inner.split(',').filter(|s| !s.trim().is_empty()).filter_map(parse_int).collect());
            }
        } else if let Some(rest) = line.strip_prefix(";; @skip ") {
            d.skip.push(rest.trim().to_string());
        } else if let Some(rest) = line.strip_prefix(";; @limit ") {
            d.limit = rest.trim().parse().ok();
        }
    }
    d
}

fn generated_args(params: &[Type], rng: &mut Rng) -> Vec<Vec<u64>> {
    let edge = |t: Type, k: usize| if t == Type::I64 { I64_EDGES[k % 9] } else { I32_EDGES[k % 9] };
    let mut out = Vec::new();
    for k in 0..9 {
        out.push(params.iter().enumerate().map(|(j, t)| edge(*t, k + j * 4)).collect());
    }
    for _ in 0..6 {
        out.push(
            params
                .iter()
                .map(|t| {
                    let r = rng.next();
                    if *t == Type::I64 {
                        r
                    } else if r & 1 == 0 {
                        r & 0xff
                    } else {
                        r & 0xffff_ffff
                    }
                })
                .collect(),
        );
    }
    if params.is_empty() {
        out.truncate(1);
    }
    out
}

/// Everything observable after one call.
#[derive(Debug, PartialEq)]
struct Outcome {
    init: Result<Vec<u64>, Exit>,
    result: Option<Result<Vec<u64>, Exit>>,
    log: Vec<(CallTarget, Vec<u64>)>,
    memory: Vec<u8>,
    globals: Vec<Vec<u8>>,
}

/// A module's functions as the interpreter environment needs them.
struct Runnable {
    funcs: Vec<(FunctionKind, Rc<Function>)>,
}

impl Runnable {
    fn new(module: &Module) -> Runnable {
        Runnable { funcs: module.functions.iter().map(|f| (f.kind, Rc::new(f.ir.clone()))).collect() }
    }

    fn env(&self, module: &Module) -> ModuleEnv {
        let mut env = ModuleEnv::new();
        for (kind, f) in &self.funcs {
            match kind {
                FunctionKind::Wasm(i) => {
                    env.funcs.insert(*i, f.clone());
                }
                FunctionKind::Runtime(r) => {
                    env.runtime.insert(*r, f.clone());
                }
                FunctionKind::Init => {}
            }
        }
        for (i, fi) in module.info.funcs.iter().enumerate() {
            if fi.import.is_some() {
                let results = fi.sig.results.clone();
                let salt = i as u64;
                env.add_host(i as u32, move |_, args| {
                    let mut h = 0x9e37_79b9_7f4a_7c15u64 ^ salt;
                    for a in args {
                        h = (h ^ a).wrapping_mul(0x100_0000_01b3).rotate_left(17);
                    }
                    Ok(results
                        .iter()
                        .enumerate()
                        .map(|(k, t)| synth_ir::interp::mask(*t, h.wrapping_add(k as u64) >> 3))
                        .collect())
                });
            }
        }
        env
    }

    fn get(&self, kind: FunctionKind) -> &Function {
        &self.funcs.iter().find(|(k, _)| *k == kind).expect("function exists").1
    }

    /// Instantiates `module` with this code and calls `export` (wasm index)
    /// with `args`, if given.
    fn run(&self, module: &Module, call: Option<(u32, &[u64])>, fuel: u64) -> Outcome {
        let info = &module.info;
        let mut m = Machine::new();
        m.fuel = fuel;
        if let Some(mem) = &info.memory {
            m.set_memory(mem.reserved_pages, 0).unwrap();
        }
        // The size words as the object's .data holds them before init.
        if let Some(bytes) = synth_frontend::init::memory_size_word(info) {
            m.set_symbol_u32(SymbolRef::MemorySize, bytes).unwrap();
        }
        for (t, table) in info.tables.iter().enumerate().filter(|(_, t)| t.import.is_none()) {
            m.set_symbol_u32(SymbolRef::TableSize(t as u32), table.initial).unwrap();
        }
        for (i, d) in info.data.iter().enumerate() {
            m.define_symbol_bytes(SymbolRef::DataSegment(i as u32), &d.bytes).unwrap();
        }
        for (t, table) in info.tables.iter().enumerate() {
            m.define_symbol(SymbolRef::Table(t as u32), table.initial.max(1) * 8).unwrap();
        }
        for (i, seg) in info.elems.iter().enumerate() {
            let bytes: Vec<u8> = seg
                .items
                .iter()
                .flat_map(|f| {
                    let mut e = [0u8; 8];
                    if let Some(f) = f {
                        e[..4].copy_from_slice(&(info.funcs[*f as usize].sig_id + 1).to_le_bytes());
                        e[4..].copy_from_slice(&code_address(CallTarget::Func(*f)).to_le_bytes());
                    }
                    e
                })
                .collect();
            m.define_symbol_bytes(SymbolRef::ElemSegment(i as u32), &bytes).unwrap();
        }
        for (i, g) in info.globals.iter().enumerate() {
            if let synth_frontend::GlobalInit::Const(v) = g.init {
                m.define_symbol_bytes(SymbolRef::Global(i as u32), &v.to_le_bytes()).unwrap();
            }
        }
        let mut env = self.env(module);
        let init = m.run(self.get(FunctionKind::Init), &[], &mut env);
        let result = match (&init, call) {
            (Ok(_), Some((idx, args))) => Some(m.run(self.get(FunctionKind::Wasm(idx)), args, &mut env)),
            _ => None,
        };
        let memory = match m.symbol_size(SymbolRef::Memory) {
            Some(n) => {
                let base = m.symbol_addr(SymbolRef::Memory).unwrap();
                m.read(base, n).unwrap()
            }
            None => Vec::new(),
        };
        let globals =
            (0..info.globals.len()).map(|i| m.read_symbol(SymbolRef::Global(i as u32), 0, 8).unwrap()).collect();
        // Calls between the module's own functions are not observable (and
        // inlining removes some): the log keeps calls to imports.
        let imported = info.num_imported_funcs;
        let log = env.log.into_iter().filter(|(t, _)| matches!(t, CallTarget::Func(i) if *i < imported)).collect();
        Outcome { init, result, log, memory, globals }
    }
}

fn out_of_fuel(o: &Outcome) -> bool {
    o.init == Err(Exit::OutOfFuel) || o.result == Some(Err(Exit::OutOfFuel))
}

/// Totals over the compared modules.
#[derive(Default)]
struct Totals {
    before: usize,
    after: usize,
    calls: usize,
}

/// How a module is optimised.
#[derive(Debug)]
enum Opt {
    /// Each function alone ([`synth_opt::optimize_with`]).
    Each(OptContext),
    /// The whole module ([`synth_opt::optimize_lowered`]: parameter ranges
    /// from call sites).
    Whole,
}

impl Opt {
    fn run(&self, module: &Module) -> Module {
        let mut m = module.clone();
        match self {
            Opt::Each(ctx) => m.functions.iter_mut().for_each(|f| synth_opt::optimize_with(&mut f.ir, ctx)),
            Opt::Whole => synth_opt::optimize_lowered(&mut m),
        }
        m
    }
}

/// Optimises `module` under `ctx` and compares every export before and
/// after on its argument sets; adds to `totals`.
fn compare_module(
    name: &str,
    module: &Module,
    ctx: &Opt,
    dirs: &Directives,
    rng: &mut Rng,
    totals: &mut Totals,
) {
    let optimised = ctx.run(module);
    for f in &optimised.functions {
        if let Err(e) = synth_ir::verify::verify_or_text(&f.ir) {
            panic!("{name}: {e}");
        }
    }
    // Deterministic: optimising again from scratch gives the same IR.
    assert_eq!(ctx.run(module), optimised, "{name}: optimisation is not deterministic");
    for (a, b) in module.functions.iter().zip(&optimised.functions) {
        totals.before += a.ir.inst_count();
        totals.after += b.ir.inst_count();
    }
    let orig = Runnable::new(module);
    let opt = Runnable::new(&optimised);
    let fuel = dirs.limit.unwrap_or(2_000_000).max(2_000_000);
    // Instantiation alone.
    let (o1, o2) = (orig.run(module, None, fuel), opt.run(&optimised, None, fuel));
    assert_eq!(o1, o2, "{name}: init differs");
    for (idx, fi) in module.info.funcs.iter().enumerate() {
        if fi.import.is_some() || fi.exports.is_empty() {
            continue;
        }
        if fi.exports.iter().any(|e| dirs.skip.contains(e)) {
            continue;
        }
        let mut arg_sets: Vec<Vec<u64>> =
            fi.exports.iter().flat_map(|e| dirs.args.get(e).cloned().unwrap_or_default()).collect();
        arg_sets.extend(generated_args(&fi.sig.params, rng));
        for args in arg_sets {
            if args.len() != fi.sig.params.len() {
                continue;
            }
            let args: Vec<u64> =
                args.iter().zip(&fi.sig.params).map(|(a, t)| synth_ir::interp::mask(*t, *a)).collect();
            let o1 = orig.run(module, Some((idx as u32, &args)), fuel);
            let o2 = opt.run(&optimised, Some((idx as u32, &args)), fuel);
            if out_of_fuel(&o1) || out_of_fuel(&o2) {
                continue;
            }
            if let Some(Err(Exit::Undefined(_) | Exit::Malformed(_) | Exit::Host(_))) = &o1.result {
                panic!("{name}: {:?}({args:?}): reference run is broken: {:?}", fi.exports, o1.result);
            }
            assert_eq!(o1, o2, "{name} ({ctx:?}): export {:?} args {args:?}", fi.exports);
            totals.calls += 1;
        }
    }
}

/// Bounds checks in `module`.
fn bounds_checks(module: &Module) -> usize {
    module
        .functions
        .iter()
        .flat_map(|f| f.ir.blocks.iter().flat_map(|b| &b.insts))
        .filter(|i| matches!(i.kind, synth_ir::InstKind::BoundsCheck { .. }))
        .count()
}

#[test]
fn optimised_programs_behave_identically_and_are_smaller() {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(programs_dir())
        .expect("tests/programs exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "wat"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 80, "found only {} programs", paths.len());
    let (mut plain, mut fixed, mut whole) = (Totals::default(), Totals::default(), Totals::default());
    let (mut grown, mut grown_modules, mut checks_grown_before, mut checks_grown) = (Totals::default(), 0usize, 0usize, 0usize);
    let (mut modules, mut static_modules) = (0usize, 0usize);
    let (mut checks_plain, mut checks_static, mut checks_whole) = (0usize, 0usize, 0usize);
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    for path in &paths {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(path).unwrap();
        let dirs = directives(&text);
        let wasm = wat::parse_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let module = match translate(&wasm, &FrontendOptions::default()) {
            Ok(m) => m,
            Err(e) => panic!("{name}: front end failed: {e}"),
        };
        compare_module(&name, &module, &Opt::Each(OptContext::default()), &dirs, &mut rng, &mut plain);
        modules += 1;
        // With the memory size known, when the module's memory cannot change
        // size (range analysis then removes provably in-bounds checks).
        if let Some(size) = module.info.static_memory_bytes() {
            let ctx = Opt::Each(OptContext { static_memory_bytes: Some(size), min_memory_bytes: Some(size) });
            compare_module(&name, &module, &ctx, &dirs, &mut rng, &mut fixed);
            // And as a whole module (call-site parameter ranges).
            compare_module(&name, &module, &Opt::Whole, &dirs, &mut rng, &mut whole);
            let count = |ctx: &Opt| bounds_checks(&ctx.run(&module));
            checks_plain += count(&Opt::Each(OptContext::default()));
            checks_static += count(&ctx);
            checks_whole += count(&Opt::Whole);
            static_modules += 1;
        } else if let Some(min) = module.info.min_memory_bytes().filter(|&m| m > 0) {
            // A memory that may grow (or is imported): checks proven within its
            // initial size go, alone and as a whole module.
            let ctx = Opt::Each(OptContext { static_memory_bytes: None, min_memory_bytes: Some(min) });
            compare_module(&name, &module, &ctx, &dirs, &mut rng, &mut grown);
            compare_module(&name, &module, &Opt::Whole, &dirs, &mut rng, &mut grown);
            checks_grown_before += bounds_checks(&Opt::Each(OptContext::default()).run(&module));
            checks_grown += bounds_checks(&ctx.run(&module));
            grown_modules += 1;
        }
    }
    eprintln!(
        "differential with growable memory (initial size known): {grown_modules} modules, {} calls, \
         bounds checks {checks_grown_before} -> {checks_grown}",
        grown.calls
    );
    assert!(grown_modules > 0 && grown.calls > 0, "no growable-memory program compared");
    eprintln!(
        "differential: {modules} modules, {} calls, IR instructions {} -> {}",
        plain.calls, plain.before, plain.after
    );
    eprintln!(
        "differential with static memory: {static_modules} modules, {} calls, IR instructions {} -> {}, \
         bounds checks {checks_plain} -> {checks_static}",
        fixed.calls, fixed.before, fixed.after
    );
    eprintln!(
        "differential as whole modules: {} calls, IR instructions {} -> {}, bounds checks {checks_whole}",
        whole.calls, whole.before, whole.after
    );
    assert!(whole.calls > 500, "whole-module runs compared only {} calls", whole.calls);
    assert!(checks_whole <= checks_static, "whole-module kept more checks ({checks_whole} > {checks_static})");
    assert!(plain.calls > 1000, "only {} calls compared", plain.calls);
    assert!(plain.after < plain.before, "no instruction removed ({} -> {})", plain.before, plain.after);
    assert!(static_modules >= 10 && fixed.calls > 500, "{static_modules} static modules, {} calls", fixed.calls);
    assert!(checks_static < checks_plain, "static memory removed no check ({checks_plain} -> {checks_static})");
}

/// A kernel in clang's shape: exported entry points pass constant array
/// addresses to internal helpers. Whole-module optimisation removes the
/// helpers' checks (not the table-referenced one's) and behaves the same.
#[test]
fn call_site_ranges_remove_helper_checks_and_behave_identically() {
    let text = r#"
      (module
        (memory 1)
        (table 1 funcref)
        (elem (i32.const 0) $by_table)
        ;; sum of n words from p
        (func $sum (param $p i32) (param $n i32) (result i32) (local $s i32)
          (block $out
            (loop $l
              (br_if $out (i32.eqz (local.get $n)))
              (local.set $s (i32.add (local.get $s) (i32.load (local.get $p))))
              (local.set $p (i32.add (local.get $p) (i32.const 4)))
              (local.set $n (i32.sub (local.get $n) (i32.const 1)))
              (br $l)))
          (local.get $s))
        (func $put (param $p i32) (param $v i32) (i32.store (local.get $p) (local.get $v)))
        (func $by_table (param $p i32) (result i32) (i32.load (local.get $p)))
        (func (export "run") (param $x i32) (result i32)
          (call $put (i32.const 16) (local.get $x))
          (call $put (i32.and (local.get $x) (i32.const 0xfffc)) (i32.const 7))
          (i32.add
            (i32.add (call $sum (i32.const 16) (i32.const 8)) (call $sum (i32.const 1024) (i32.const 4)))
            (call $by_table (i32.const 16))))
        (func (export "load") (param $p i32) (result i32) (call $by_table (local.get $p))))
    "#;
    let wasm = wat::parse_str(text).unwrap();
    let module = translate(&wasm, &FrontendOptions::default()).unwrap();
    assert!(module.info.static_memory_bytes().is_some());
    let each = Opt::Each(OptContext { static_memory_bytes: module.info.static_memory_bytes(), min_memory_bytes: module.info.min_memory_bytes() });
    // A function inlined everywhere and removed has no checks left either.
    let checks_in = |m: &Module, i: u32| {
        let Some(f) = m.functions.iter().find(|f| f.kind == FunctionKind::Wasm(i)) else { return 0 };
        f.ir.blocks.iter().flat_map(|b| &b.insts).filter(|i| matches!(i.kind, synth_ir::InstKind::BoundsCheck { .. })).count()
    };
    let (alone, whole) = (each.run(&module), Opt::Whole.run(&module));
    for i in 0..3 {
        assert!(checks_in(&alone, i) > 0, "function {i} has no check to remove");
    }
    assert_eq!(checks_in(&whole, 0), 0, "$sum keeps checks");
    assert_eq!(checks_in(&whole, 1), 0, "$put keeps checks");
    assert_eq!(checks_in(&whole, 2), checks_in(&alone, 2), "$by_table (in the table) lost checks");
    let dirs = directives(";; @args run (0) (1) (65535) (0xffffffff)\n;; @args load (0) (65532) (65533) (0xffffffff)");
    let mut totals = Totals::default();
    compare_module("call-site ranges", &module, &Opt::Whole, &dirs, &mut Rng(7), &mut totals);
    assert!(totals.calls >= 8, "only {} calls compared", totals.calls);
}
