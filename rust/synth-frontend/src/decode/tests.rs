//! Type words: structural (equal across modules) for types of up to 9
//! values, module-local above; which modules share function references.

use super::*;
use crate::{lower_module, FrontendOptions};

fn info(wat: &str) -> ModuleInfo {
    lower_module(&wat::parse_str(wat).expect("test wat parses"), &FrontendOptions::default()).expect("lowers").0
}

fn ft(params: &[ValType], results: &[ValType]) -> FuncType {
    FuncType::new(params.iter().copied(), results.iter().copied())
}

#[test]
fn structural_codes_follow_the_abi_examples() {
    assert_eq!(structural_code(&ft(&[], &[])), Some(1));
    assert_eq!(type_word(structural_code(&ft(&[], &[])), 0), 3);
    assert_eq!(structural_code(&ft(&[ValType::I32], &[ValType::I32])), Some(107));
    assert_eq!(type_word(Some(107), 5), 215);
    assert_eq!(type_word(None, 0), 2, "module-local words are even");
    assert_eq!(type_word(None, 3), 8);
}

#[test]
fn structural_codes_are_injective() {
    let all = [ValType::I32, ValType::I64, ValType::F32, ValType::F64, ValType::FUNCREF, ValType::EXTERNREF];
    // Every type of up to 3 values: no two share a code.
    let mut seqs: Vec<Vec<ValType>> = vec![vec![]];
    for _ in 0..3 {
        let longer: Vec<Vec<ValType>> = seqs.iter().flat_map(|s| all.iter().map(move |t| [s.clone(), vec![*t]].concat())).collect();
        seqs.extend(longer);
        seqs.sort_by_key(|s| format!("{s:?}"));
        seqs.dedup();
    }
    let mut seen = std::collections::HashMap::new();
    for s in seqs.iter().filter(|s| s.len() <= 3) {
        for split in 0..=s.len() {
            let t = ft(&s[..split], &s[split..]);
            let code = structural_code(&t).expect("small types have a code");
            if let Some(prev) = seen.insert(code, t.clone()) {
                panic!("{prev:?} and {t:?} share code {code}");
            }
        }
    }
    // The largest codes stay below 2^30: the word is a positive i32.
    let nine = vec![ValType::EXTERNREF; 9];
    let code = structural_code(&ft(&nine, &[])).unwrap();
    assert!(code < 1 << 30 && type_word(Some(code), 0) < 1 << 31, "{code}");
    assert_eq!(structural_code(&ft(&nine, &[ValType::I32])), None, "10 values: module-local");
    assert_eq!(structural_code(&ft(&[ValType::V128], &[])), None);
}

#[test]
fn equal_types_get_equal_words_in_different_modules() {
    let a = info(r#"(module (type (func)) (type (func (param i32) (result i32))) (func (type 1) (local.get 0)))"#);
    let b = info(r#"(module (type (func (param i32) (result i32))) (func (type 0) (local.get 0)))"#);
    assert_eq!(a.funcs[0].sig_id, b.funcs[0].sig_id);
    assert_eq!(a.funcs[0].sig_id + 1, 215);
    // funcref and i64 are different types even though both are i64 in the IR.
    let c = info(r#"(module (func (param funcref)) (func (param i64)))"#);
    assert_ne!(c.funcs[0].sig_id, c.funcs[1].sig_id);
}

#[test]
fn foreign_references_are_recorded() {
    assert_eq!(info("(module (table 1 funcref))").foreign_refs, None);
    assert_eq!(info(r#"(module (table (export "t") 1 funcref))"#).foreign_refs.as_deref(), Some("exported table `t`"));
    assert_eq!(info(r#"(module (table (export "t") 1 externref))"#).foreign_refs, None, "externref tables hold no functions");
    assert_eq!(info(r#"(module (import "m" "t" (table 1 funcref)))"#).foreign_refs.as_deref(), Some("imported table `m.t`"));
    assert_eq!(
        info(r#"(module (func (export "f") (param funcref)))"#).foreign_refs.as_deref(),
        Some("a funcref parameter of exported function `f`")
    );
    // A module-local type word is fine as long as no reference crosses the module.
    let ten = "(param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)";
    let local = info(&format!("(module (table 1 funcref) (func {ten}) (elem (i32.const 0) 0))"));
    assert_eq!((local.funcs[0].sig_id + 1) % 2, 0, "even: module-local");
}

#[test]
fn module_local_words_number_distinct_types_in_order() {
    let ten = "(param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)";
    let eleven = "(param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i64)";
    // Types 0 and 2 are equal: one word. Type 1 is the second distinct one.
    let m = info(&format!(
        "(module (type (func {ten})) (type (func {eleven})) (type (func {ten})) (type (func (param i32))) (type (func {eleven} (result i32)))
           (func (type 0)) (func (type 1)) (func (type 2)) (func (type 4) i32.const 0))"
    ));
    let words: Vec<u32> = m.funcs.iter().map(|f| f.sig_id + 1).collect();
    // type_word(None, k) = (k + 1) * 2; the structural type 3 does not take a local number.
    assert_eq!(words, vec![2, 4, 2, 8], "local numbers 0, 1, 0 and 3 (the fourth type seen, counting the structural one)");
}

#[test]
fn constant_expressions_may_read_only_imported_globals() {
    // Two imported globals: a defined global may read either, a data offset too.
    let ok = r#"(module (import "m" "a" (global i32)) (import "m" "b" (global i32))
                  (global i32 (global.get 1)) (memory 1) (data (global.get 0) "x"))"#;
    assert_eq!(info(ok).globals.len(), 3);
    // Global 2 is defined: wasm 2.0 constant expressions may not read it.
    let bad = r#"(module (import "m" "a" (global i32)) (global i32 (i32.const 1))
                   (global i32 (global.get 1)))"#;
    let e = lower_module(&wat::parse_str(bad).expect("test wat parses"), &FrontendOptions::default()).err().expect("declined");
    assert!(e.to_string().contains("may only read imported globals (1 here)"), "{e}");
}
