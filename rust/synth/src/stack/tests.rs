//! Stack bounds of whole modules: direct, indirect, import, libcall and
//! recursive call graphs, the options that steer them and the header.

use super::*;
use crate::{compile, Compiled, Error, FunctionStats, Options};

fn build(wat: &str, opts: &Options) -> Compiled {
    compile(wat.as_bytes(), opts).unwrap_or_else(|e| panic!("{e}"))
}

fn func<'a>(c: &'a Compiled, symbol: &str) -> &'a FunctionStats {
    c.stats.functions.iter().find(|f| f.symbol == symbol).unwrap_or_else(|| panic!("no {symbol} in {:?}", c.stats.functions.iter().map(|f| &f.symbol).collect::<Vec<_>>()))
}

fn own(c: &Compiled, symbol: &str) -> u32 {
    func(c, symbol).stack_bytes
}

fn bound(c: &Compiled, symbol: &str) -> Option<u32> {
    func(c, symbol).max_stack_bytes
}

/// `f` calls `g` (which spills across a call to `h`) and the leaf `h`
/// (two blocks, so that it is not inlined).
const CHAIN: &str = r#"(module
  (func $h (param i32) (result i32) (block (br_if 0 (local.get 0))) local.get 0 i32.const 1 i32.add)
  (func $g (param i32) (result i32) (local i32 i32 i32)
    local.get 0 call $h local.set 1
    local.get 1 call $h local.set 2
    local.get 0 local.get 1 i32.add local.get 2 i32.add)
  (func (export "f") (param i32) (result i32) local.get 0 call $g local.get 0 call $h i32.add))"#;

#[test]
fn direct_calls_add_up_along_the_deepest_path() {
    let c = build(CHAIN, &Options::default());
    let (f, g, h) = ("wasm_f", "wasm_func1", "wasm_func0");
    assert_eq!(bound(&c, h), Some(own(&c, h)), "a leaf needs its own stack only");
    assert_eq!(bound(&c, g), Some(own(&c, g) + own(&c, h)));
    assert_eq!(bound(&c, f), Some(own(&c, f) + own(&c, g) + own(&c, h)));
    // h has no frame: the path stops where the stack stops growing.
    assert_eq!(own(&c, h), 0);
    assert_eq!(func(&c, f).stack_path, vec![f, g]);
    assert!(own(&c, f) >= 8, "f saves lr at least, keeping 8-byte alignment: {}", own(&c, f));
    assert_eq!(own(&c, f) % 8, 0);
    assert!(func(&c, f).stack_unbounded.is_none());
    // Own stack is the full excursion: at least frame bytes plus lr.
    for fs in &c.stats.functions {
        assert!(fs.stack_bytes >= fs.frame_bytes, "{}: {} < {}", fs.symbol, fs.stack_bytes, fs.frame_bytes);
    }
    // The header lets firmware check a task stack at compile time.
    assert!(c.header.contains(&format!("#define wasm_f_STACK_BYTES {}u", bound(&c, f).unwrap())), "{}", c.header);
    assert!(c.header.contains("(deepest: wasm_f -> wasm_func1)"), "{}", c.header);
    assert!(c.header.contains("#define wasm_init_STACK_BYTES "), "{}", c.header);
    assert!(!c.header.contains("wasm_func1_STACK_BYTES"), "internal functions get no macro");
}

#[test]
fn recursion_is_unbounded_and_names_the_cycle() {
    let wat = r#"(module
      (func $even (param i32) (result i32)
        local.get 0 i32.eqz if (result i32) i32.const 1 else local.get 0 i32.const 1 i32.sub call $odd end)
      (func $odd (param i32) (result i32)
        local.get 0 i32.eqz if (result i32) i32.const 0 else local.get 0 i32.const 1 i32.sub call $even end)
      (func $fact (export "fact") (param i32) (result i32)
        local.get 0 i32.eqz if (result i32) i32.const 1 else local.get 0 local.get 0 i32.const 1 i32.sub call $fact i32.mul end)
      (func (export "is_even") (param i32) (result i32) local.get 0 call $even)
      (func (export "leaf") (result i32) i32.const 7))"#;
    let c = build(wat, &Options::default());
    let fact = func(&c, "wasm_fact");
    assert_eq!(fact.max_stack_bytes, None);
    assert_eq!(fact.stack_unbounded.as_deref(), Some("recursion through `wasm_fact` → `wasm_fact`"));
    let ev = func(&c, "wasm_is_even");
    assert_eq!(ev.max_stack_bytes, None);
    let r = ev.stack_unbounded.as_deref().unwrap();
    assert!(
        r == "recursion through `wasm_func0` → `wasm_func1` → `wasm_func0`" || r == "recursion through `wasm_func1` → `wasm_func0` → `wasm_func1`",
        "{r}"
    );
    assert_eq!(ev.stack_path[0], "wasm_is_even");
    // Both members of the cycle are unbounded, whichever the DFS met first.
    assert_eq!(bound(&c, "wasm_func0"), None);
    assert_eq!(bound(&c, "wasm_func1"), None);
    assert_eq!(bound(&c, "wasm_leaf"), Some(own(&c, "wasm_leaf")));
    assert!(c.header.contains("/* wasm_fact_STACK_BYTES is not defined: the stack of wasm_fact is unbounded: recursion through `wasm_fact` -> `wasm_fact`"), "{}", c.header);
    assert!(c.stats.table().contains("stack unbounded (1 function): recursion through `wasm_fact` → `wasm_fact`"), "{}", c.stats.table());
    // --max-stack fails on the first unbounded export and says why.
    let e = compile(wat.as_bytes(), &Options { max_stack: Some(4096), ..Options::default() }).unwrap_err();
    assert!(matches!(e, Error::StackLimit { ref symbol, limit: 4096, .. } if symbol == "wasm_fact"), "{e}");
    assert!(e.to_string().contains("`wasm_fact` has no stack bound (recursion through `wasm_fact` → `wasm_fact`"), "{e}");
}

#[test]
fn imports_are_unbounded_until_given_a_figure() {
    let wat = r#"(module
      (import "env" "host_log" (func $log (param i32)))
      (func $inner (param i32) local.get 0 call $log)
      (func (export "run") (param i32) local.get 0 call $inner)
      (func (export "quiet") (param i32) (result i32) local.get 0))"#;
    let c = build(wat, &Options::default());
    let run = func(&c, "wasm_run");
    assert_eq!(run.max_stack_bytes, None);
    assert_eq!(run.stack_unbounded.as_deref(), Some("calls import `host_log`"));
    assert_eq!(run.stack_path, vec!["wasm_run", "wasm_func1", "host_log"]);
    assert!(bound(&c, "wasm_quiet").is_some());
    assert!(c.header.contains("unbounded: calls import `host_log` (path: wasm_run -> wasm_func1 -> host_log)"), "{}", c.header);
    for key in ["host_log", "env.host_log"] {
        let opts = Options { import_stack: [(key.to_string(), 100)].into_iter().collect(), ..Options::default() };
        let c = build(wat, &opts);
        assert_eq!(bound(&c, "wasm_run"), Some(own(&c, "wasm_run") + own(&c, "wasm_func1") + 100), "{key}");
        assert_eq!(func(&c, "wasm_run").stack_path.last().map(String::as_str), Some("host_log"));
    }
}

#[test]
fn call_indirect_reaches_every_table_function_of_its_signature() {
    // $deep has the call's signature (f32 travels like i32), $deeper does not.
    let wat = r#"(module
      (type $t (func (param i32) (result i32)))
      (table 4 funcref)
      (elem (i32.const 0) $small $deep $deeper)
      (func $small (param i32) (result i32) (block (br_if 0 (local.get 0))) local.get 0)
      (func $deep (param f32) (result i32) (local i32 i32)
        i32.const 1 call $small local.set 1 i32.const 2 call $small local.get 1 i32.add)
      (func $deeper (param i64) (result i32) (local i32)
        i32.const 1 call $small i32.const 1 call $small i32.add f32.const 1 call $deep i32.add)
      (func $unlisted (param f32) (result i32) (local i32)
        local.get 0 call $deep local.get 0 call $deep i32.add)
      (func (export "dispatch") (param i32 i32) (result i32)
        local.get 0 local.get 1 call_indirect (type $t)))"#;
    let c = build(wat, &Options::default());
    let d = func(&c, "wasm_dispatch");
    let (small, deep) = ("wasm_func0", "wasm_func1");
    assert_eq!(d.max_stack_bytes, Some(own(&c, "wasm_dispatch") + bound(&c, deep).unwrap().max(bound(&c, small).unwrap())));
    assert_eq!(d.stack_path[..2], ["wasm_dispatch".to_string(), deep.to_string()]);
    assert!(bound(&c, "wasm_func2").unwrap() > bound(&c, deep).unwrap(), "$deeper is deeper but not callable here");
    assert!(!d.stack_path.contains(&"wasm_func2".to_string()));
    assert!(!d.stack_path.contains(&"wasm_func3".to_string()), "$unlisted is in no table");
}

#[test]
fn function_references_from_outside_make_indirect_calls_unbounded() {
    let wat = r#"(module
      (import "env" "g" (global $g i64))
      (type $t (func (result i32)))
      (table 1 funcref)
      (func (export "call0") (result i32) i32.const 0 call_indirect (type $t)))"#;
    let c = build(wat, &Options::default());
    let r = func(&c, "wasm_call0").stack_unbounded.clone().unwrap();
    assert!(r.contains("function reference the firmware sets (global `g`)"), "{r}");
}

#[test]
fn shared_tables_and_funcref_parameters_make_indirect_calls_unbounded() {
    let call0 = r#"(type $t (func (result i32)))
      (func $one (type $t) (i32.const 1)) (elem (i32.const 0) $one)
      (func (export "call0") (result i32) i32.const 0 call_indirect (type $t))"#;
    for (table, why) in [
        (r#"(import "env" "tab" (table 1 funcref))"#, "imported table `env.tab`"),
        (r#"(table (export "tab") 1 funcref)"#, "exported table `tab`"),
    ] {
        let c = build(&format!("(module {table} {call0})"), &Options::default());
        let r = func(&c, "wasm_call0").stack_unbounded.clone().unwrap();
        assert!(r.contains(&format!("function reference from outside the module ({why})")), "{r}");
    }
    let param = r#"(func (export "put") (param funcref) (table.set (i32.const 0) (local.get 0)))"#;
    let c = build(&format!("(module (table 1 funcref) {call0} {param})"), &Options::default());
    let r = func(&c, "wasm_call0").stack_unbounded.clone().unwrap();
    assert!(r.contains("a funcref parameter of exported function `put`"), "{r}");
    // A table the module keeps to itself stays bounded.
    let own = build(&format!("(module (table 1 funcref) {call0})"), &Options::default());
    assert!(bound(&own, "wasm_call0").is_some());
}

#[test]
fn soft_float_helpers_count_their_libgcc_figures() {
    let wat = r#"(module
      (func (export "lt") (param f32 f32) (result i32) local.get 0 local.get 1 f32.lt)
      (func (export "dadd") (param f64 f64) (result f64) local.get 0 local.get 1 f64.add)
      (func (export "fadd") (param f32 f32) (result f32) local.get 0 local.get 1 f32.add))"#;
    // (ARMv6-M: f64 has no lowering there yet; its libcalls have no figures.)
    for target in crate::Target::ALL.into_iter().filter(|t| !t.features().arch.is_v6m()) {
        let c = build(wat, &Options { target, ..Options::default() });
        let lt = func(&c, "wasm_lt");
        let lt_call = libcalls::libcall_stack_bytes(target, Libcall::FCmpLt).unwrap();
        assert_eq!(lt.max_stack_bytes, Some(own(&c, "wasm_lt") + lt_call), "{target}");
        assert_eq!(lt.stack_path, vec!["wasm_lt", "__aeabi_fcmplt"]);
        assert_eq!(bound(&c, "wasm_dadd"), Some(own(&c, "wasm_dadd") + libcalls::libcall_stack_bytes(target, Libcall::DAdd).unwrap()));
        assert_eq!(func(&c, "wasm_dadd").stack_path, vec!["wasm_dadd", "__aeabi_dadd"]);
        // __aeabi_fadd uses no stack (it works in r0-r3 and ip).
        assert_eq!(bound(&c, "wasm_fadd"), Some(own(&c, "wasm_fadd")));
    }
}

#[test]
fn max_stack_names_the_export_and_its_path() {
    let c = build(CHAIN, &Options::default());
    let need = bound(&c, "wasm_f").unwrap();
    assert!(compile(CHAIN.as_bytes(), &Options { max_stack: Some(need), ..Options::default() }).is_ok());
    let e = compile(CHAIN.as_bytes(), &Options { max_stack: Some(need - 1), ..Options::default() }).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("stack: `wasm_f` needs up to {need} bytes of stack, more than --max-stack {} (deepest path: wasm_f → wasm_func1)", need - 1)
    );
}

#[test]
fn the_trap_handler_counts_when_given() {
    let wat = r#"(module (func (export "d") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s))"#;
    let c = build(wat, &Options::default());
    assert_eq!(bound(&c, "wasm_d"), Some(own(&c, "wasm_d")), "the default synth_trap spins in place");
    let opts = Options { import_stack: [("synth_trap".to_string(), 64)].into_iter().collect(), ..Options::default() };
    let c = build(wat, &opts);
    assert_eq!(bound(&c, "wasm_d"), Some(own(&c, "wasm_d") + 64));
    assert_eq!(func(&c, "wasm_d").stack_path, vec!["wasm_d", "synth_trap"]);
}

#[test]
fn bounds_are_deterministic() {
    let a = build(CHAIN, &Options::default());
    let b = build(CHAIN, &Options::default());
    assert_eq!(a.stats, b.stats);
    assert_eq!(a.header, b.header);
}

#[test]
fn long_paths_are_cut_at_max_path() {
    let mut path: Vec<String> = Vec::new();
    for k in (0..100).rev() {
        path = super::prepend(format!("f{k}"), &path);
        assert!(path.len() <= super::MAX_PATH);
    }
    assert_eq!(path.len(), super::MAX_PATH);
    assert_eq!(path[0], "f0");
    assert_eq!(path[super::MAX_PATH - 2], format!("f{}", super::MAX_PATH - 2));
    assert_eq!(path.last().map(String::as_str), Some(super::PATH_ELIDED));
    let short = super::prepend("a".into(), &["b".to_string()]);
    assert_eq!(short, ["a", "b"]);
}
