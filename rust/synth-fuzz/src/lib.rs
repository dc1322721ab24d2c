//! Random valid WebAssembly modules for synth's differential fuzzer.
//!
//! Each module comes from one 64-bit seed: a small deterministic generator (SplitMix64)
//! picks a [`wasm_smith::Config`] restricted to the features synth compiles (integers,
//! floats, one memory with a maximum so `memory.grow` has reserved room, funcref tables,
//! globals, calls, `call_indirect`, multi-value, bulk memory, reference types: funcref and externref)
//! and the random bytes wasm-smith draws the module from. Nothing is imported but the test
//! harness's host functions and globals (one module in three), and everything is exported, so the driver (`tests/fuzz/differential_fuzz.py`) can call every
//! function and compare the exported memory and globals. Every function and loop takes fuel
//! from a global ([`wasm_smith::Module::ensure_termination`]) so every call ends, with an
//! `unreachable` trap on both sides when the fuel runs out.
//!
//! Traps are not disallowed: the driver compares them by category. NaNs are canonicalised
//! by default (`canonicalize_nans`): a NaN's sign and payload are left open by wasm and
//! differ between hosts, and would otherwise leak into memory and integers through
//! `reinterpret` and stores.

use arbitrary::Unstructured;
use wasm_smith::{Config, Module};

/// Fuel each generated module starts with: loop iterations plus function entries allowed
/// per call before it traps with `unreachable`.
pub const DEFAULT_FUEL: u32 = 300;

/// Largest memory a generated module may declare (initial and maximum), in 64 KiB pages.
pub const MAX_MEMORY_PAGES: u64 = 3;

/// The host functions and globals the test harness provides
/// (`tests/harness/hostenv.py`, `standard_env`), offered to one module in three.
pub const HOST_IMPORTS_INT: &str = r#"(module
  (import "env" "host_add" (func (param i32 i32) (result i32)))
  (import "env" "host_sub" (func (param i32 i32) (result i32)))
  (import "env" "host_log" (func (param i32)))
  (import "env" "host_five" (func (result i32)))
  (import "env" "host_neg64" (func (param i64) (result i64)))
  (import "env" "host_mul64" (func (param i64 i64) (result i64)))
  (import "env" "host_mix" (func (param i32 i64 i32 i64 i64) (result i64)))
  (import "host" "scale" (func (param i32) (result i32)))
  (import "env" "g_i32" (global i32))
  (import "env" "g_i64" (global i64))
  (import "env" "g_mut" (global (mut i32))))"#;

/// [`HOST_IMPORTS_INT`] plus the float host functions and globals.
pub const HOST_IMPORTS_FLOAT: &str = r#"(module
  (import "env" "host_fneg" (func (param f32) (result f32)))
  (import "env" "host_dpick" (func (param i32 f64 f32 f64) (result f64)))
  (import "env" "g_f32" (global f32))
  (import "env" "g_f64" (global f64)))"#;

/// One module text with the imports of [`HOST_IMPORTS_INT`] and [`HOST_IMPORTS_FLOAT`].
pub fn host_imports_with_floats() -> String {
    let body = |m: &str| m.trim().strip_prefix("(module").unwrap().strip_suffix(')').unwrap().to_string();
    format!("(module{}{})", body(HOST_IMPORTS_INT), body(HOST_IMPORTS_FLOAT))
}

/// A deterministic 64-bit generator (SplitMix64): the same seed gives the same module on
/// every machine and every run.
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    /// `n` random bytes.
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(n + 8);
        while out.len() < n {
            out.extend_from_slice(&self.next_u64().to_le_bytes());
        }
        out.truncate(n);
        out
    }
}

/// What the caller may force; `None` leaves the choice to the seed.
#[derive(Clone, Debug, Default)]
pub struct GenOptions {
    /// Allow float types and operators.
    pub floats: Option<bool>,
    /// Canonicalise NaN results (default true: see the crate doc).
    pub canonicalize_nans: Option<bool>,
    /// Fuel per call (default [`DEFAULT_FUEL`]).
    pub fuel: Option<u32>,
}

/// The wasm-smith configuration for one module: synth's feature set, small sizes, the
/// per-module switches drawn from `rng`.
pub fn config_for(rng: &mut SplitMix64, opts: &GenOptions) -> Config {
    let mut c = Config::default();
    // Not supported by synth: configured away, never generated.
    c.simd_enabled = false;
    c.relaxed_simd_enabled = false;
    c.threads_enabled = false;
    c.shared_everything_threads_enabled = false;
    c.exceptions_enabled = false;
    c.gc_enabled = false;
    c.memory64_enabled = false;
    c.tail_call_enabled = false;
    c.extended_const_enabled = false;
    c.wide_arithmetic_enabled = false;
    c.custom_page_sizes_enabled = false;
    c.custom_descriptors_enabled = false;
    c.compact_imports_enabled = false; // a new import-section encoding
    c.max_memories = 1;
    c.max_imports = 0;
    c.min_imports = 0;
    c.max_tags = 0;
    // Everything visible to the driver.
    c.export_everything = true;
    c.allow_start_export = true;
    c.disallow_traps = false;
    c.canonicalize_nans = opts.canonicalize_nans.unwrap_or(true);
    // Supported features, switched per module so each is also tested alone.
    c.allow_floats = opts.floats.unwrap_or_else(|| rng.chance(60));
    c.bulk_memory_enabled = rng.chance(70);
    c.multi_value_enabled = rng.chance(70);
    c.reference_types_enabled = rng.chance(50);
    c.saturating_float_to_int_enabled = true;
    c.sign_extension_ops_enabled = true;
    // A memory always has a maximum (synth reserves it, so memory.grow behaves as in
    // wasmtime); tables too (synth reserves up to the maximum, capped at 1024).
    c.memory_max_size_required = true;
    c.max_memory32_bytes = MAX_MEMORY_PAGES * 65536;
    c.table_max_size_required = true;
    c.max_table_elements = 64;
    c.max_tables = if c.reference_types_enabled { 2 } else { 1 };
    // Small modules: quick to compile and run, and a failure is easy to read.
    c.max_types = 12;
    c.min_types = 1; // no type, no function: wasm-smith then ignores min_funcs
    c.max_funcs = rng.range(1, 8) as usize;
    c.min_funcs = (rng.range(1, 3) as usize).min(c.max_funcs);
    // Mostly small functions (quick, easy to read); one module in three has large ones,
    // for register pressure, spills and long branches.
    c.max_instructions = if rng.chance(33) { rng.range(100, 400) } else { rng.range(10, 80) } as usize;
    c.max_globals = rng.range(0, 6) as usize;
    c.max_data_segments = rng.range(0, 4) as usize;
    c.max_element_segments = rng.range(0, 4) as usize;
    c.max_elements = 16;
    c.max_exports = 40;
    c.max_nesting_depth = rng.range(2, 6) as usize;
    c.max_values = 4;
    c.generate_custom_sections = false;
    // One module in three may import the harness's host functions and globals (calls out
    // of the module: arguments in register pairs and on the stack, results, host-call
    // logs compared; imported globals read and written).
    if rng.chance(33) {
        let module = if c.allow_floats { host_imports_with_floats() } else { HOST_IMPORTS_INT.to_string() };
        c.available_imports = Some(wat::parse_str(&module).expect("host import module"));
        c.max_imports = 14;
        // imported functions count against max_funcs (and max_types holds their types)
        c.max_funcs += 10;
        c.max_types += 10;
    }
    c
}

/// The module of `seed`: its bytes (valid wasm, checked with wasmparser). With reference
/// types on, it may use `externref` as well as `funcref` (tables, globals, locals,
/// signatures, element segments), which synth compiles.
pub fn generate(seed: u64, opts: &GenOptions) -> Result<Vec<u8>, String> {
    generate_once(seed, seed, opts)
}

fn generate_once(stream: u64, seed: u64, opts: &GenOptions) -> Result<Vec<u8>, String> {
    let mut rng = SplitMix64::new(stream);
    let config = config_for(&mut rng, opts);
    let len = rng.range(1024, 8192) as usize;
    let data = rng.bytes(len);
    let mut u = Unstructured::new(&data);
    let mut module = Module::new(config, &mut u).map_err(|e| format!("seed {seed}: wasm-smith: {e}"))?;
    module
        .ensure_termination(opts.fuel.unwrap_or(DEFAULT_FUEL))
        .map_err(|e| format!("seed {seed}: ensure_termination: {e}"))?;
    let mut bytes = module.to_bytes();
    if opts.canonicalize_nans.unwrap_or(true) {
        bytes = canonicalize_conversion_nans(&bytes)?;
    }
    validate(&bytes).map_err(|e| format!("seed {seed}: generated module does not validate: {e}"))?;
    Ok(bytes)
}

/// Does the module mention a reference type other than `funcref` (a table, global, local,
/// signature, element segment or `ref.null`/typed `select` of `externref`)?
pub fn uses_externref(bytes: &[u8]) -> Result<bool, String> {
    use wasmparser::{HeapType, Operator, Payload, RefType, ValType};
    let bad_ref = |r: RefType| !r.is_func_ref();
    let bad_val = |v: ValType| matches!(v, ValType::Ref(r) if bad_ref(r));
    let err = |e: wasmparser::BinaryReaderError| e.to_string();
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        match payload.map_err(err)? {
            Payload::TypeSection(r) => {
                for group in r {
                    for ty in group.map_err(err)?.into_types() {
                        if let wasmparser::CompositeInnerType::Func(f) = &ty.composite_type.inner {
                            if f.params().iter().chain(f.results()).any(|v| bad_val(*v)) {
                                return Ok(true);
                            }
                        }
                    }
                }
            }
            Payload::TableSection(r) => {
                for t in r {
                    if bad_ref(t.map_err(err)?.ty.element_type) {
                        return Ok(true);
                    }
                }
            }
            Payload::GlobalSection(r) => {
                for g in r {
                    if bad_val(g.map_err(err)?.ty.content_type) {
                        return Ok(true);
                    }
                }
            }
            Payload::ElementSection(r) => {
                for e in r {
                    if let wasmparser::ElementItems::Expressions(t, _) = e.map_err(err)?.items {
                        if bad_ref(t) {
                            return Ok(true);
                        }
                    }
                }
            }
            Payload::CodeSectionEntry(body) => {
                for local in body.get_locals_reader().map_err(err)? {
                    if bad_val(local.map_err(err)?.1) {
                        return Ok(true);
                    }
                }
                let mut ops = body.get_operators_reader().map_err(err)?;
                while !ops.eof() {
                    match ops.read().map_err(err)? {
                        Operator::RefNull { hty } if !matches!(hty, HeapType::Abstract { shared: false, ty: wasmparser::AbstractHeapType::Func }) => return Ok(true),
                        Operator::TypedSelect { ty } if bad_val(ty) => return Ok(true),
                        Operator::TypedSelectMulti { tys } if tys.iter().any(|t| bad_val(*t)) => return Ok(true),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    Ok(false)
}

/// Re-encodes `bytes` with the NaN result of every `f32.demote_f64` and `f64.promote_f32`
/// made canonical, as wasm-smith's `canonicalize_nans` does for arithmetic (it leaves the
/// conversions out, whose NaN results wasm leaves open too: wasmtime keeps the payload on
/// x86, the AEABI functions may not). Each function gets two scratch locals (f32, f64)
/// after its own.
pub fn canonicalize_conversion_nans(bytes: &[u8]) -> Result<Vec<u8>, String> {
    use wasm_encoder::reencode::Reencode;
    use wasmparser::Payload;

    // Parameter count of each defined function, in order.
    let mut type_params = Vec::new();

    let mut params = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        match payload.map_err(|e| e.to_string())? {
            Payload::TypeSection(r) => {
                for group in r {
                    for ty in group.map_err(|e| e.to_string())?.into_types() {
                        type_params.push(match &ty.composite_type.inner {
                            wasmparser::CompositeInnerType::Func(f) => f.params().len() as u32,
                            _ => 0,
                        });
                    }
                }
            }
            Payload::FunctionSection(r) => {
                for t in r {
                    params.push(type_params[t.map_err(|e| e.to_string())? as usize]);
                }
            }
            _ => {}
        }
    }

    struct Canon {
        params: Vec<u32>,
        next: usize,
    }
    impl Reencode for Canon {
        type Error = String;
        fn parse_function_body(
            &mut self,
            code: &mut wasm_encoder::CodeSection,
            func: wasmparser::FunctionBody<'_>,
        ) -> Result<(), wasm_encoder::reencode::Error<String>> {
            use wasm_encoder::{Instruction as I, ValType};
            let mut locals = Vec::new();
            let mut count = self.params[self.next];
            self.next += 1;
            for pair in func.get_locals_reader()? {
                let (n, ty) = pair?;
                count += n;
                locals.push((n, self.val_type(ty)?));
            }
            let (l32, l64) = (count, count + 1);
            locals.push((1, ValType::F32));
            locals.push((1, ValType::F64));
            let mut f = wasm_encoder::Function::new(locals);
            let mut reader = func.get_operators_reader()?;
            while !reader.eof() {
                let op = reader.read()?;
                let canon = match op {
                    wasmparser::Operator::F32DemoteF64 => Some((l32, I::F32Const(f32::from_bits(0x7FC0_0000).into()), I::F32Eq)),
                    wasmparser::Operator::F64PromoteF32 => Some((l64, I::F64Const(f64::from_bits(0x7FF8_0000_0000_0000).into()), I::F64Eq)),
                    _ => None,
                };
                f.instruction(&self.instruction(op)?);
                if let Some((local, nan, eq)) = canon {
                    // x -> (x == x) ? x : canonical NaN
                    f.instruction(&I::LocalTee(local));
                    f.instruction(&nan);
                    f.instruction(&I::LocalGet(local));
                    f.instruction(&I::LocalGet(local));
                    f.instruction(&eq);
                    f.instruction(&I::Select);
                }
            }
            code.function(&f);
            Ok(())
        }
    }
    let mut module = wasm_encoder::Module::new();
    Canon { params, next: 0 }
        .parse_core_module(&mut module, wasmparser::Parser::new(0), bytes)
        .map_err(|e| format!("re-encoding: {e:?}"))?;
    Ok(module.finish())
}

/// Validate `bytes` with wasmparser's default (WebAssembly 2.0 and later) features.
pub fn validate(bytes: &[u8]) -> Result<(), String> {
    wasmparser::Validator::new().validate_all(bytes).map(|_| ()).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_module() {
        let opts = GenOptions::default();
        assert_eq!(generate(7, &opts).unwrap(), generate(7, &opts).unwrap());
    }

    #[test]
    fn seeds_differ_and_validate() {
        let opts = GenOptions::default();
        let mods: Vec<Vec<u8>> = (0..20).map(|s| generate(s, &opts).unwrap()).collect();
        for m in &mods {
            assert_eq!(&m[..4], b"\0asm");
            validate(m).unwrap();
        }
        let distinct: std::collections::HashSet<_> = mods.iter().collect();
        assert!(distinct.len() >= 18, "only {} distinct modules of 20", distinct.len());
    }

    #[test]
    fn only_host_imports_and_no_unsupported_sections() {
        let opts = GenOptions { floats: Some(false), ..Default::default() };
        for seed in 0..30 {
            let bytes = generate(seed, &opts).unwrap();
            for payload in wasmparser::Parser::new(0).parse_all(&bytes) {
                match payload.unwrap() {
                    wasmparser::Payload::ImportSection(r) => {
                        for imp in r.into_imports() {
                            let imp = imp.unwrap();
                            assert!(HOST_IMPORTS_INT.contains(&format!("\"{}\" \"{}\"", imp.module, imp.name)), "seed {seed}: {imp:?}");
                        }
                    }
                    wasmparser::Payload::MemorySection(r) => {
                        for m in r {
                            let m = m.unwrap();
                            assert!(!m.memory64 && !m.shared, "seed {seed}");
                            assert!(m.maximum.unwrap() <= MAX_MEMORY_PAGES, "seed {seed}");
                        }
                    }
                    wasmparser::Payload::TagSection(_) => panic!("seed {seed}: tags"),
                    _ => {}
                }
            }
        }
    }

    #[test]
    fn some_modules_use_externref() {
        let opts = GenOptions::default();
        let with = (0..200).filter(|&s| uses_externref(&generate(s, &opts).unwrap()).unwrap()).count();
        assert!(with >= 10, "only {with} of 200 modules use externref");
    }

    #[test]
    fn externref_is_recognised_wherever_it_appears() {
        for text in [
            "(module (table 1 externref))",
            "(module (global externref (ref.null extern)))",
            "(module (func (param externref)))",
            "(module (func (local externref)))",
            "(module (func ref.null extern drop))",
        ] {
            assert!(uses_externref(&wat::parse_str(text).unwrap()).unwrap(), "{text}");
        }
        for text in ["(module (table 1 funcref) (func (local funcref) ref.null func drop))", "(module)"] {
            assert!(!uses_externref(&wat::parse_str(text).unwrap()).unwrap(), "{text}");
        }
    }

    #[test]
    fn conversions_get_their_nans_canonicalised() {
        let text = r#"(module
            (func (export "d") (param f64) (result f32) (local i32) local.get 0 f32.demote_f64)
            (func (export "p") (param f32) (result f64) local.get 0 f64.promote_f32))"#;
        let out = canonicalize_conversion_nans(&wat::parse_str(text).unwrap()).unwrap();
        validate(&out).unwrap();
        let (mut selects, mut local_counts) = (0, Vec::new());
        for payload in wasmparser::Parser::new(0).parse_all(&out) {
            if let wasmparser::Payload::CodeSectionEntry(body) = payload.unwrap() {
                let locals: u32 = body.get_locals_reader().unwrap().into_iter().map(|l| l.unwrap().0).sum();
                local_counts.push(locals);
                let mut ops = body.get_operators_reader().unwrap();
                while !ops.eof() {
                    if matches!(ops.read().unwrap(), wasmparser::Operator::Select) {
                        selects += 1;
                    }
                }
            }
        }
        assert_eq!(selects, 2);
        // the declared locals plus the two scratch locals (f32, f64)
        assert_eq!(local_counts, vec![3, 2]);
    }

    #[test]
    fn host_import_modules_parse() {
        wat::parse_str(HOST_IMPORTS_INT).unwrap();
        wat::parse_str(host_imports_with_floats()).unwrap();
        wat::parse_str(HOST_IMPORTS_FLOAT).unwrap();
    }

    #[test]
    fn splitmix_is_the_reference_sequence() {
        // First outputs of SplitMix64 from seed 0 (Vigna's reference implementation).
        let mut r = SplitMix64::new(0);
        assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(r.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    }
}
