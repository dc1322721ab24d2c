//! `translate`: function order, runtime helpers each once in
//! `RuntimeFunc` order, the init function last; everything verifies.

use crate::{translate, FrontendError, FrontendOptions, FunctionKind};
use synth_ir::RuntimeFunc;

#[test]
fn translate_orders_functions_and_helpers() {
    let wat = r#"(module (memory 1)
        (func (export "a") (param i64 i64) (result i64) local.get 0 local.get 1 i64.rem_u)
        (func (export "b") (param i32) (result i32) local.get 0 memory.grow)
        (func (export "c") (param i64 i64) (result i64) local.get 0 local.get 1 i64.div_s
            local.get 0 local.get 1 i64.div_s i64.add))"#;
    let m = translate(&wat::parse_str(wat).unwrap(), &FrontendOptions::default()).unwrap();
    let kinds: Vec<FunctionKind> = m.functions.iter().map(|f| f.kind).collect();
    assert_eq!(
        kinds,
        vec![
            FunctionKind::Wasm(0),
            FunctionKind::Wasm(1),
            FunctionKind::Wasm(2),
            FunctionKind::Runtime(RuntimeFunc::I64DivS),
            FunctionKind::Runtime(RuntimeFunc::I64RemU),
            FunctionKind::Runtime(RuntimeFunc::MemoryGrow),
            FunctionKind::Init,
        ]
    );
    for f in &m.functions {
        synth_ir::verify::verify_or_text(&f.ir).unwrap_or_else(|e| panic!("{e}"));
    }
    let no_helpers = translate(&wat::parse_str("(module (func))").unwrap(), &FrontendOptions::default()).unwrap();
    assert_eq!(no_helpers.functions.len(), 2);
    assert_eq!(no_helpers.functions[1].kind, FunctionKind::Init);
}

#[test]
fn translate_reports_errors_with_function_and_operator() {
    let wat = r#"(module (func $ok) (func $bad (result v128) v128.const i64x2 1 1))"#;
    match translate(&wat::parse_str(wat).unwrap(), &FrontendOptions::default()) {
        Err(FrontendError::Unsupported { func: Some((1, name)), what, .. }) => {
            assert_eq!(name, "bad");
            assert!(what.contains("v128"), "{what}");
        }
        other => panic!("{other:?}"),
    }
}
