//! Invalid, malformed and unsupported inputs: the right error variant and a
//! message naming what is wrong; never a panic.

use crate::{lower_module, FrontendError, FrontendOptions};

fn err(wasm: &[u8]) -> FrontendError {
    match lower_module(wasm, &FrontendOptions::default()) {
        Err(e) => e,
        Ok(_) => panic!("expected an error"),
    }
}

fn wat_ok(wat: &str) {
    if let Err(e) = lower_module(&wat::parse_str(wat).expect("test wat parses"), &FrontendOptions::default()) {
        panic!("{wat}: {e}");
    }
}

fn wat_err(wat: &str) -> FrontendError {
    err(&wat::parse_str(wat).expect("test wat parses"))
}

#[track_caller]
fn assert_invalid(e: FrontendError, needle: &str) {
    match &e {
        FrontendError::Invalid { message, .. } => {
            assert!(message.contains(needle), "message `{message}` lacks `{needle}`")
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
}

#[track_caller]
fn assert_malformed(e: FrontendError, needle: &str) {
    match &e {
        FrontendError::Malformed { message, .. } => {
            assert!(message.contains(needle), "message `{message}` lacks `{needle}`")
        }
        other => panic!("expected Malformed, got {other:?}"),
    }
}

#[track_caller]
fn assert_unsupported(e: FrontendError, func: Option<(u32, &str)>, what: &str) {
    match &e {
        FrontendError::Unsupported { func: f, what: w, .. } => {
            assert_eq!(f.as_ref().map(|(i, n)| (*i, n.as_str())), func, "{e}");
            assert!(w.contains(what), "`{w}` lacks `{what}`");
            let text = e.to_string();
            assert!(text.contains(what), "{text}");
        }
        other => panic!("expected Unsupported, got {other:?}"),
    }
}

#[test]
fn malformed_binaries() {
    assert_malformed(err(b""), "unexpected end");
    assert_malformed(err(b"\0as"), "unexpected end");
    assert_malformed(err(b"\0wsm\x01\0\0\0"), "magic");
    assert_malformed(err(b"\0asm\x02\0\0\0"), "version");
    // Type section whose count is an unterminated LEB.
    assert_malformed(err(b"\0asm\x01\0\0\0\x01\x05\xff\xff\xff\xff\xff"), "");
    let good = wat::parse_str(r#"(module (func (export "f") (result i32) i32.const 1))"#).unwrap();
    // Truncation inside the header or a section is malformed; a cut at a
    // section boundary leaves a (smaller) valid module.
    for cut in (1..8).chain([good.len() - 1, good.len() - 3]) {
        assert!(matches!(err(&good[..cut]), FrontendError::Malformed { .. }), "cut at {cut}");
    }
    for cut in 1..good.len() {
        match lower_module(&good[..cut], &FrontendOptions::default()) {
            Ok(_) | Err(FrontendError::Malformed { .. }) => {}
            Err(e) => panic!("cut at {cut}: {e:?}"),
        }
    }
    // Garbage after the header, and every single-byte corruption: errors or
    // success, never a panic.
    assert!(matches!(err(b"\0asm\x01\0\0\0\x99\x99\x99"), FrontendError::Malformed { .. }));
    for i in 8..good.len() {
        for b in [0x00u8, 0x7f, 0x80, 0xff] {
            let mut m = good.clone();
            m[i] = b;
            let _ = lower_module(&m, &FrontendOptions::default());
        }
    }
}

#[test]
fn invalid_modules() {
    let e = wat_err(r#"(module (func (result i32) i64.const 1))"#);
    assert_invalid(e, "type mismatch");
    // Unknown opcode 0xff in a body: (func) with body `0xff 0x0b`. It does
    // not decode: malformed, at the opcode.
    let wasm = b"\0asm\x01\0\0\0\x01\x04\x01\x60\0\0\x03\x02\x01\0\x0a\x05\x01\x03\0\xff\x0b";
    match err(wasm) {
        FrontendError::Malformed { offset, message } => {
            assert!(message.contains("opcode") || message.contains("illegal"), "{message}");
            assert_eq!(offset, wasm.len() - 2);
        }
        other => panic!("{other:?}"),
    }
    assert_invalid(wat_err(r#"(module (func call 5))"#), "unknown function");
    // Wasm 2.0 rules that 3.0 relaxed: constant expressions read imported
    // globals only.
    for m in [
        r#"(module (global i32 (i32.const 0)) (global i32 (global.get 0)))"#,
        r#"(module (memory 1) (global i32 (i32.const 0)) (data (global.get 0) "a"))"#,
        r#"(module (table 1 funcref) (global i32 (i32.const 0)) (elem (global.get 0) $f) (func $f))"#,
    ] {
        assert_invalid(wat_err(m), "unknown global 0");
    }
    // ... which is fine for an imported global.
    let ok = wat::parse_str(r#"(module (import "m" "g" (global i32)) (memory 1) (data (global.get 0) "a"))"#).unwrap();
    assert!(lower_module(&ok, &FrontendOptions::default()).is_ok());
}

#[test]
fn wasm2_encodings_are_malformed() {
    // memory.grow's reserved byte as a 2-byte LEB zero (binary.wast).
    let m = b"\0asm\x01\0\0\0\x01\x04\x01\x60\x00\x00\x03\x02\x01\x00\x05\x03\x01\x00\x00\
              \x0a\x0a\x01\x08\x00\x41\x00\x40\x80\x00\x1a\x0b";
    assert_malformed(err(m), "zero byte expected");
    // A 32-bit memory limit as a 6-byte LEB.
    assert_malformed(err(b"\0asm\x01\0\0\0\x05\x08\x01\x00\x82\x80\x80\x80\x80\x00"), "too long");
    // Function and code sections of different lengths.
    assert_malformed(err(b"\0asm\x01\0\0\0\x01\x04\x01\x60\x00\x00\x03\x02\x01\x00"), "code section");
    assert_malformed(
        err(b"\0asm\x01\0\0\0\x01\x04\x01\x60\x00\x00\x03\x02\x01\x00\x0a\x07\x02\x02\x00\x0b\x02\x00\x0b"),
        "inconsistent lengths",
    );
    // memory.init without a data count section.
    let m = b"\0asm\x01\0\0\0\x01\x04\x01\x60\x00\x00\x03\x02\x01\x00\x05\x03\x01\x00\x01\
              \x0a\x0e\x01\x0c\x00\x41\x00\x41\x00\x41\x00\xfc\x08\x00\x00\x0b\
              \x0b\x03\x01\x01\x00";
    assert_malformed(err(m), "data count section required");
    // A section id no version defines.
    assert_malformed(err(b"\0asm\x01\0\0\0\x0e\x01\x00"), "malformed section id");
    // The shared flag of a memory without the threads proposal's meaning
    // in wasm 2.0 (and invalid in 3.0: shared needs a maximum).
    assert_malformed(err(b"\0asm\x01\0\0\0\x05\x03\x01\x02\x00"), "limits flags");
}

#[test]
fn unsupported_features_name_function_and_operator() {
    let e = wat_err(r#"(module (func $f (export "g") (param i32) (result i32) local.get 0 i32x4.splat drop i32.const 0))"#);
    assert_unsupported(e, Some((0, "f")), "i32x4.splat");
    let e = wat_err(
        r#"(module (func (param i32)) (func (export "k") (result i32) i32.const 1 v128.const i64x2 1 2 drop))"#,
    );
    assert_unsupported(e, Some((1, "k")), "v128.const");
    let e = wat_err(r#"(module (func (param v128)))"#);
    assert_unsupported(e, Some((0, "func0")), "v128");
    let e = wat_err(r#"(module (func (local v128)))"#);
    assert_unsupported(e, Some((0, "func0")), "v128 local");
    let e = wat_err(r#"(module (global v128 (v128.const i64x2 0 0)))"#);
    assert_unsupported(e, None, "v128 global");
    let e = wat_err(r#"(module (memory 1) (func (param i32) local.get 0 v128.load drop))"#);
    assert_unsupported(e, Some((0, "func0")), "v128");
    // Two memories: invalid in wasm 2.0 (multi-memory is a 3.0 proposal).
    let e = wat_err(r#"(module (memory 1) (memory 1))"#);
    assert!(matches!(&e, FrontendError::Invalid { message, .. } if message.contains("multiple memories")), "{e}");
    let e = wat_err(r#"(module (memory i64 1))"#);
    assert_unsupported(e, None, "memory64");
    let e = wat_err(r#"(module (memory 1 1 shared))"#);
    assert_unsupported(e, None, "threads");
    let e = wat_err(r#"(module (tag))"#);
    assert_unsupported(e, None, "exceptions");
    let e = wat_err(r#"(module (func $a) (func (export "t") return_call $a))"#);
    assert_unsupported(e, Some((1, "a")).map(|_| (1, "t")), "return_call");
    let e = wat_err(r#"(module (type (struct)))"#);
    assert_unsupported(e, None, "GC");
    // A module-local type word must not meet another module's: references
    // to, and indirect calls of, types of 10 or more values are declined in
    // a module that shares references; the type alone is fine.
    let ten = "(param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)";
    wat_ok(&format!(r#"(module (table (export "t") 1 funcref) (type (func {ten})) (func {ten}))"#));
    let e = wat_err(&format!(r#"(module (table (export "t") 1 funcref) (func {ten}) (elem (i32.const 0) 0))"#));
    assert_unsupported(e, None, "a reference to function 0, whose type has 10 or more values (a module-local type word), in a module that shares function references (exported table `t`)");
    let e = wat_err(&format!(r#"(module (import "m" "t" (table 1 funcref)) (type $big (func {ten}))
      (func (export "c") (call_indirect (type $big) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)
        (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))))"#));
    assert_unsupported(e, Some((0, "c")), "call_indirect of a function type with 10 or more values (a module-local type word) in a module that shares function references (imported table `m.t`)");
    let e = wat_err(&format!(r#"(module (func $f {ten}) (elem declare func $f)
      (func (export "r") (result funcref) (ref.func $f)))"#));
    assert_unsupported(e, Some((1, "r")), "ref.func of a function type with 10 or more values");
    let e = wat_err(r#"(module (global $g (import "m" "g") externref) (table 1 externref) (elem (table 0) (i32.const 0) externref (global.get $g)))"#);
    assert_unsupported(e, None, "element expression other than ref.func/ref.null");
    let e = wat_err(r#"(module (import "env" "f" (func $imp (param v128))))"#);
    assert_unsupported(e, Some((0, "imp")), "v128");
    let e = wat_err(r#"(module (type (func (param v128))))"#);
    assert_unsupported(e, None, "v128 in type 0");
}

#[test]
fn memory_reservation() {
    use crate::decode::reserved_pages;
    let d = FrontendOptions::default();
    let lim = |m| FrontendOptions { max_memory_pages: Some(m), ..FrontendOptions::default() };
    assert_eq!(reserved_pages(1, None, &d), Ok(1));
    assert_eq!(reserved_pages(1, Some(4), &d), Ok(4));
    assert_eq!(reserved_pages(1, Some(4), &lim(2)), Ok(2));
    assert_eq!(reserved_pages(1, Some(4), &lim(9)), Ok(4));
    assert_eq!(reserved_pages(1, None, &lim(9)), Ok(9));
    assert!(reserved_pages(3, None, &lim(2)).is_err());
    // The user's own cap, not something synth lacks: an option conflict.
    let e = lower_module(&wat::parse_str("(module (memory 3))").unwrap(), &lim(2)).unwrap_err();
    assert!(
        matches!(&e, FrontendError::OptionConflict { message, .. } if message.contains("max_memory_pages is 2")
            && message.contains("3 initial pages")),
        "{e}"
    );
}
