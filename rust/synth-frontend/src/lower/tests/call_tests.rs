//! Direct calls to imports, call_indirect with its three traps, reference
//! types and table operators.

use super::{u, Harness};
use synth_ir::interp::{code_address, CallTarget};
use synth_ir::{SymbolRef, TrapCode};

const TABLES: &str = r#"
(module
  (import "env" "ext" (func $ext (param i32) (result i32)))
  (type $ii (func (param i32) (result i32)))
  (type $ii2 (func (param i32) (result i32)))
  (type $v (func))
  (table $t 6 6 funcref)
  (table $u 3 funcref)
  (elem (table $t) (i32.const 0) func $double $neg $nothing $ext)
  (elem $pass func $neg $double)
  (func $double (type $ii) local.get 0 i32.const 2 i32.mul)
  (func $neg (type $ii2) i32.const 0 local.get 0 i32.sub)
  (func $nothing (type $v))
  (func (export "via_ext") (param i32) (result i32) local.get 0 call $ext i32.const 1 i32.add)
  (func (export "ci") (param i32 i32) (result i32) local.get 1 local.get 0 call_indirect $t (type $ii))
  (func (export "ci_v") (param i32) local.get 0 call_indirect $t (type $v))
  (func (export "is_null") (param i32) (result i32) local.get 0 table.get $t ref.is_null)
  (func (export "set_neg") (param i32) local.get 0 ref.func $neg table.set $t)
  (func (export "set_null") (param i32) local.get 0 ref.null func table.set $t)
  (func (export "copy_u") (param i32) local.get 0 local.get 0 table.get $t table.set $u)
  (func (export "ci_u") (param i32 i32) (result i32) local.get 1 local.get 0 call_indirect $u (type $ii))
  (func (export "size") (result i32) table.size $t)
  (func (export "grow") (param i32) (result i32) ref.null func local.get 0 table.grow $t)
  (func (export "fill") (param i32 i32) local.get 0 ref.func $double local.get 1 table.fill $t)
  (func (export "tcopy") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 table.copy $t $t)
  (func (export "tinit") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 table.init $t $pass)
  (func (export "edrop") elem.drop $pass)
)"#;

fn harness() -> Harness {
    let mut h = Harness::new(TABLES);
    h.env.inner.add_host(0, |_, args| Ok(vec![args[0] * 10]));
    h
}

#[test]
fn direct_and_import_calls() {
    let mut h = harness();
    assert_eq!(h.call1("via_ext", &[4]), 41);
    assert!(h.env.inner.log.iter().any(|(t, a)| *t == CallTarget::Func(0) && a == &vec![4]));
}

#[test]
fn call_indirect_and_its_traps() {
    let mut h = harness();
    assert_eq!(h.call1("ci", &[0, 21]), 42);
    // $ii2 is structurally equal to $ii: same canonical signature.
    assert_eq!(h.call1("ci", &[1, 21]), u(-21));
    assert_eq!(h.call1("ci", &[3, 2]), 20);
    assert_eq!(h.trap("ci", &[2, 0]), TrapCode::BadSignature);
    assert_eq!(h.trap("ci", &[4, 0]), TrapCode::IndirectCallToNull);
    assert_eq!(h.trap("ci", &[6, 0]), TrapCode::TableOutOfBounds);
    assert_eq!(h.trap("ci", &[u(-1), 0]), TrapCode::TableOutOfBounds);
    assert_eq!(h.call("ci_v", &[2]), Ok(vec![]));
    assert_eq!(h.trap("ci_v", &[0]), TrapCode::BadSignature);
}

#[test]
fn table_get_set_and_refs() {
    let mut h = harness();
    assert_eq!(h.call1("is_null", &[0]), 0);
    assert_eq!(h.call1("is_null", &[5]), 1);
    assert_eq!(h.trap("is_null", &[6]), TrapCode::TableAccessOutOfBounds);
    h.call("set_neg", &[5]).unwrap();
    assert_eq!(h.call1("ci", &[5, 3]), u(-3));
    // The stored entry is exactly the table layout: type id, code address.
    let e = h.m.read_symbol(SymbolRef::Table(0), 40, 8).unwrap();
    assert_eq!(u32::from_le_bytes(e[..4].try_into().unwrap()), h.info.funcs[2].sig_id + 1);
    assert_eq!(u32::from_le_bytes(e[4..].try_into().unwrap()), code_address(CallTarget::Func(2)));
    h.call("set_null", &[0]).unwrap();
    assert_eq!(h.trap("ci", &[0, 1]), TrapCode::IndirectCallToNull);
    h.call("copy_u", &[1]).unwrap();
    assert_eq!(h.call1("ci_u", &[1, 8]), u(-8));
    assert_eq!(h.trap("ci_u", &[0, 8]), TrapCode::IndirectCallToNull);
}

#[test]
fn table_size_grow_fill_copy_init() {
    let mut h = harness();
    assert_eq!(h.call1("size", &[]), 6);
    assert_eq!(h.call1("grow", &[0]), 6);
    assert_eq!(h.call1("grow", &[1]), u(-1));
    h.call("fill", &[4, 2]).unwrap();
    assert_eq!(h.call1("ci", &[5, 4]), 8);
    assert_eq!(h.trap("fill", &[5, 2]), TrapCode::TableAccessOutOfBounds);
    h.call("fill", &[6, 0]).unwrap();
    // Overlapping copy upwards: [double, neg, nothing, ext, double, double]
    // → [double, double, neg, nothing, ext, double].
    h.call("tcopy", &[1, 0, 5]).unwrap();
    assert_eq!(h.call1("ci", &[1, 5]), 10);
    assert_eq!(h.call1("ci", &[2, 5]), u(-5));
    assert_eq!(h.call1("ci", &[4, 5]), 50);
    // And downwards.
    h.call("tcopy", &[0, 2, 3]).unwrap();
    assert_eq!(h.call1("ci", &[0, 5]), u(-5));
    assert_eq!(h.trap("ci", &[1, 5]), TrapCode::BadSignature);
    assert_eq!(h.trap("tcopy", &[0, 2, 5]), TrapCode::TableAccessOutOfBounds);
    h.call("tinit", &[4, 0, 2]).unwrap();
    assert_eq!(h.call1("ci", &[4, 5]), u(-5));
    assert_eq!(h.call1("ci", &[5, 5]), 10);
    assert_eq!(h.trap("tinit", &[5, 0, 2]), TrapCode::TableAccessOutOfBounds);
    assert_eq!(h.trap("tinit", &[0, 1, 2]), TrapCode::TableAccessOutOfBounds);
    h.call("edrop", &[]).unwrap();
    assert_eq!(h.trap("tinit", &[0, 0, 1]), TrapCode::TableAccessOutOfBounds);
}

#[test]
fn table_grow_within_the_reservation() {
    // A module using table.grow reserves up to the declared maximum (4).
    let mut h = Harness::new(
        r#"(module
  (type $ii (func (param i32) (result i32)))
  (table $g 2 4 funcref)
  (elem declare func $double)
  (func $double (type $ii) local.get 0 i32.const 2 i32.mul)
  (func (export "grow") (param i32) (result i32) ref.func $double local.get 0 table.grow $g)
  (func (export "size") (result i32) table.size $g)
  (func (export "ci") (param i32 i32) (result i32) local.get 1 local.get 0 call_indirect $g (type $ii)))"#,
    );
    assert_eq!(h.info.tables[0].reserved, 4);
    assert_eq!(h.trap("ci", &[2, 5]), TrapCode::TableOutOfBounds);
    assert_eq!(h.call1("grow", &[1]), 2);
    assert_eq!(h.call1("size", &[]), 3);
    // The new entry holds grow's operand.
    assert_eq!(h.call1("ci", &[2, 5]), 10);
    assert_eq!(h.call1("grow", &[2]), u(-1));
    assert_eq!(h.call1("size", &[]), 3);
    assert_eq!(h.call1("grow", &[1]), 3);
    assert_eq!(h.call1("ci", &[3, 7]), 14);
    assert_eq!(h.call1("grow", &[0]), 4);
    assert_eq!(h.call1("grow", &[1]), u(-1));
    assert_eq!(h.call1("grow", &[u(-1)]), u(-1));
}
