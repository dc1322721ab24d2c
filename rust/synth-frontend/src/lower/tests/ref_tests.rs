//! Reference values and tables of both reference types: externref handles
//! through tables, globals, parameters and `select`; funcref values as
//! parameters and results; an imported table grown into its provider's
//! capacity.

use super::{u, Harness, IMPORTED_TABLE_ROOM};
use synth_ir::{SymbolRef, TrapCode};

const EXTERN: &str = r#"(module
  (table $e 4 8 externref)
  (global $g (mut externref) (ref.null extern))
  (func (export "set") (param i32 externref) (table.set $e (local.get 0) (local.get 1)))
  (func (export "get") (param i32) (result externref) (table.get $e (local.get 0)))
  (func (export "is_null") (param externref) (result i32) (ref.is_null (local.get 0)))
  (func (export "null") (result externref) (ref.null extern))
  (func (export "grow") (param externref i32) (result i32) (table.grow $e (local.get 0) (local.get 1)))
  (func (export "size") (result i32) (table.size $e))
  (func (export "fill") (param i32 externref i32) (table.fill $e (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy") (param i32 i32 i32) (table.copy $e $e (local.get 0) (local.get 1) (local.get 2)))
  (func (export "gset") (param externref) (global.set $g (local.get 0)))
  (func (export "gget") (result externref) (global.get $g))
  (func (export "pick") (param externref externref i32) (result externref)
    (select (result externref) (local.get 0) (local.get 1) (local.get 2)))
)"#;

#[test]
fn externref_handles_go_through_tables_globals_and_select() {
    let mut h = Harness::new(EXTERN);
    assert_eq!(h.call1("null", &[]), 0, "null is handle 0");
    assert_eq!(h.call1("is_null", &[0]), 1);
    assert_eq!(h.call1("is_null", &[7]), 0);
    assert_eq!(h.call1("get", &[2]), 0, "tables start null");
    h.call("set", &[2, 0xdead_beef]).unwrap();
    assert_eq!(h.call1("get", &[2]), 0xdead_beef);
    // An externref entry is {handle, 0}.
    let e = h.m.read_symbol(SymbolRef::Table(0), 16, 8).unwrap();
    assert_eq!(e, [0xef, 0xbe, 0xad, 0xde, 0, 0, 0, 0]);
    assert_eq!(h.trap("set", &[4, 1]), TrapCode::TableAccessOutOfBounds);
    assert_eq!(h.trap("get", &[u(-1)]), TrapCode::TableAccessOutOfBounds);
    h.call("gset", &[42]).unwrap();
    assert_eq!(h.call1("gget", &[]), 42);
    assert_eq!(h.call1("pick", &[5, 6, 1]), 5);
    assert_eq!(h.call1("pick", &[5, 6, 0]), 6);
}

#[test]
fn externref_tables_grow_fill_and_copy() {
    let mut h = Harness::new(EXTERN);
    assert_eq!(h.call1("size", &[]), 4);
    assert_eq!(h.call1("grow", &[9, 3]), 4);
    assert_eq!(h.call1("size", &[]), 7);
    assert_eq!(h.call1("get", &[6]), 9, "grown entries hold the operand");
    assert_eq!(h.call1("grow", &[9, 2]), u(-1), "past the maximum of 8");
    assert_eq!(h.call1("grow", &[0, 1]), 7);
    h.call("fill", &[0, 3, 2]).unwrap();
    assert_eq!((h.call1("get", &[0]), h.call1("get", &[1]), h.call1("get", &[2])), (3, 3, 0));
    assert_eq!(h.trap("fill", &[7, 3, 2]), TrapCode::TableAccessOutOfBounds);
    h.call("copy", &[1, 5, 2]).unwrap();
    assert_eq!((h.call1("get", &[1]), h.call1("get", &[2])), (9, 9));
}

#[test]
fn funcref_values_are_table_entries() {
    let mut h = Harness::new(
        r#"(module
          (type $t (func (result i32)))
          (table 2 funcref)
          (func $seven (type $t) (i32.const 7))
          (elem declare func $seven)
          (func (export "ref") (result funcref) (ref.func $seven))
          (func (export "is_null") (param funcref) (result i32) (ref.is_null (local.get 0)))
          (func (export "call_via") (param funcref) (result i32)
            (table.set (i32.const 1) (local.get 0))
            (call_indirect (type $t) (i32.const 1)))
          (func (export "pick") (param funcref funcref i32) (result funcref)
            (select (result funcref) (local.get 0) (local.get 1) (local.get 2))))"#,
    );
    let r = h.call1("ref", &[]);
    assert_eq!(r as u32, h.info.funcs[0].sig_id + 1, "low word: the type word");
    assert_eq!((r >> 32) as u32, synth_ir::interp::code_address(synth_ir::interp::CallTarget::Func(0)));
    assert_eq!(h.call1("is_null", &[r]), 0);
    assert_eq!(h.call1("is_null", &[0]), 1);
    assert_eq!(h.call1("call_via", &[r]), 7);
    assert_eq!(h.trap("call_via", &[0]), TrapCode::IndirectCallToNull);
    assert_eq!(h.call1("pick", &[r, 0, 0]), 0);
    assert_eq!(h.call1("pick", &[r, 0, 1]), r);
}

#[test]
fn imported_tables_grow_into_the_providers_capacity() {
    let mut h = Harness::new(
        r#"(module
          (import "env" "tab" (table $t 2 funcref))
          (func (export "grow") (param i32) (result i32) (table.grow $t (ref.null func) (local.get 0)))
          (func (export "size") (result i32) (table.size $t)))"#,
    );
    assert_eq!(h.call1("size", &[]), 2);
    assert_eq!(h.call1("grow", &[IMPORTED_TABLE_ROOM as u64 + 1]), u(-1), "beyond the capacity word");
    assert_eq!(h.call1("grow", &[IMPORTED_TABLE_ROOM as u64]), 2);
    assert_eq!(h.m.symbol_u32(SymbolRef::TableSize(0)), Ok(2 + IMPORTED_TABLE_ROOM), "the provider's size word");
    assert_eq!(h.call1("grow", &[1]), u(-1));
}
