//! i32/i64 operators against spec values, including the trap edge cases.

use super::{u, Harness};
use synth_ir::TrapCode;

const BIN32: &[&str] = &[
    "add", "sub", "mul", "div_s", "div_u", "rem_s", "rem_u", "and", "or", "xor", "shl", "shr_s", "shr_u", "rotl",
    "rotr", "eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u",
];
const UN: &[&str] = &["clz", "ctz", "popcnt", "eqz", "extend8_s", "extend16_s"];

fn int_module(ty: &str) -> String {
    let mut s = String::from("(module\n");
    for op in BIN32 {
        let res = if ["eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u"].contains(op) { "i32" } else { ty };
        s += &format!(
            "(func (export \"{op}\") (param {ty} {ty}) (result {res}) local.get 0 local.get 1 {ty}.{op})\n"
        );
    }
    for op in UN {
        let res = if *op == "eqz" { "i32" } else { ty };
        s += &format!("(func (export \"{op}\") (param {ty}) (result {res}) local.get 0 {ty}.{op})\n");
    }
    if ty == "i64" {
        s += "(func (export \"extend32_s\") (param i64) (result i64) local.get 0 i64.extend32_s)\n";
        s += "(func (export \"wrap\") (param i64) (result i32) local.get 0 i32.wrap_i64)\n";
        s += "(func (export \"extend_i32_s\") (param i32) (result i64) local.get 0 i64.extend_i32_s)\n";
        s += "(func (export \"extend_i32_u\") (param i32) (result i64) local.get 0 i64.extend_i32_u)\n";
    }
    s + ")"
}

#[test]
fn i32_arithmetic_and_bitwise() {
    let mut h = Harness::new(&int_module("i32"));
    let cases: &[(&str, i32, i32, i32)] = &[
        ("add", i32::MAX, 1, i32::MIN),
        ("sub", 0, 1, -1),
        ("mul", 0x10000, 0x10000, 0),
        ("mul", -3, 7, -21),
        ("div_s", -7, 2, -3),
        ("div_s", 7, -2, -3),
        ("div_u", -1, 2, 0x7fff_ffff),
        ("rem_s", -7, 2, -1),
        ("rem_s", i32::MIN, -1, 0),
        ("rem_u", -1, 10, 5),
        ("and", 0b1100, 0b1010, 0b1000),
        ("or", 0b1100, 0b1010, 0b1110),
        ("xor", 0b1100, 0b1010, 0b0110),
        ("shl", 1, 31, i32::MIN),
        ("shl", 1, 32, 1),
        ("shl", 1, 33, 2),
        ("shr_s", i32::MIN, 31, -1),
        ("shr_s", -8, 33, -4),
        ("shr_u", i32::MIN, 31, 1),
        ("shr_u", -1, 32, -1),
        ("rotl", 0x8000_0001u32 as i32, 1, 3),
        ("rotl", 0x1234_5678, 36, 0x2345_6781),
        ("rotr", 3, 1, 0x8000_0001u32 as i32),
        ("rotr", 0x1234_5678, 0, 0x1234_5678),
        ("eq", 5, 5, 1),
        ("ne", 5, 5, 0),
        ("lt_s", -1, 0, 1),
        ("lt_u", -1, 0, 0),
        ("gt_s", -1, 0, 0),
        ("gt_u", -1, 0, 1),
        ("le_s", 3, 3, 1),
        ("le_u", 4, 3, 0),
        ("ge_s", i32::MIN, i32::MAX, 0),
        ("ge_u", i32::MIN, i32::MAX, 1),
    ];
    for &(op, a, b, want) in cases {
        assert_eq!(h.call1(op, &[u(a), u(b)]), u(want), "i32.{op} {a} {b}");
    }
    let un: &[(&str, i32, i32)] = &[
        ("clz", 0, 32),
        ("clz", 1, 31),
        ("clz", -1, 0),
        ("ctz", 0, 32),
        ("ctz", i32::MIN, 31),
        ("popcnt", -1, 32),
        ("popcnt", 0x0f0f, 8),
        ("eqz", 0, 1),
        ("eqz", 7, 0),
        ("extend8_s", 0x80, -128),
        ("extend8_s", 0x17f, 127),
        ("extend16_s", 0x8000, -32768),
    ];
    for &(op, a, want) in un {
        assert_eq!(h.call1(op, &[u(a)]), u(want), "i32.{op} {a}");
    }
}

#[test]
fn i32_division_traps() {
    let mut h = Harness::new(&int_module("i32"));
    for op in ["div_s", "div_u", "rem_s", "rem_u"] {
        assert_eq!(h.trap(op, &[u(1), 0]), TrapCode::IntegerDivideByZero, "i32.{op} by 0");
        assert_eq!(h.trap(op, &[u(i32::MIN), 0]), TrapCode::IntegerDivideByZero, "i32.{op} by 0");
    }
    assert_eq!(h.trap("div_s", &[u(i32::MIN), u(-1)]), TrapCode::IntegerOverflow);
    assert_eq!(h.call1("div_u", &[u(i32::MIN), u(-1)]), 0);
    assert_eq!(h.call1("rem_s", &[u(i32::MIN), u(-1)]), 0);
    assert_eq!(h.call1("div_s", &[u(i32::MIN), u(1)]), u(i32::MIN));
}

#[test]
fn i64_operators() {
    let mut h = Harness::new(&int_module("i64"));
    let w = |x: i64| x as u64;
    let cases: &[(&str, i64, i64, i64)] = &[
        ("add", i64::MAX, 1, i64::MIN),
        ("sub", 0, 1, -1),
        ("mul", 0x1_0000_0000, 0x1_0000_0000, 0),
        ("mul", -3, 0x1_0000_0001, -0x3_0000_0003),
        ("div_s", -7, 2, -3),
        ("div_u", -1, 2, i64::MAX),
        ("rem_s", -7, 2, -1),
        ("rem_s", i64::MIN, -1, 0),
        ("rem_u", -1, 10, 5),
        ("shl", 1, 63, i64::MIN),
        ("shl", 1, 64, 1),
        ("shr_s", i64::MIN, 65, -0x4000_0000_0000_0000),
        ("shr_u", i64::MIN, 63, 1),
        ("rotl", 0x8000_0000_0000_0001u64 as i64, 1, 3),
        ("rotr", 1, 1, i64::MIN),
        ("rotr", 0x0123_4567_89ab_cdef, 64 + 4, 0xf012_3456_789a_bcdeu64 as i64),
        ("lt_s", -1, 0, 1),
        ("lt_u", -1, 0, 0),
        ("ge_u", i64::MIN, i64::MAX, 1),
        ("eq", 1 << 40, 1 << 40, 1),
        ("ne", 1 << 40, 1 << 41, 1),
    ];
    for &(op, a, b, want) in cases {
        assert_eq!(h.call1(op, &[w(a), w(b)]), w(want), "i64.{op} {a} {b}");
    }
    let un: &[(&str, i64, i64)] = &[
        ("clz", 0, 64),
        ("clz", 1, 63),
        ("ctz", 0, 64),
        ("ctz", 1 << 40, 40),
        ("popcnt", -1, 64),
        ("eqz", 0, 1),
        ("eqz", 1 << 33, 0),
        ("extend8_s", 0xff, -1),
        ("extend16_s", 0x7fff, 0x7fff),
        ("extend32_s", 0x8000_0000, -0x8000_0000),
    ];
    for &(op, a, want) in un {
        let got = h.call1(op, &[w(a)]);
        let want = if op == "eqz" { want as u64 } else { w(want) };
        assert_eq!(got, want, "i64.{op} {a}");
    }
    assert_eq!(h.call1("wrap", &[0x1234_5678_9abc_def0]), 0x9abc_def0);
    assert_eq!(h.call1("extend_i32_s", &[u(-2)]), w(-2));
    assert_eq!(h.call1("extend_i32_u", &[u(-2)]), 0xffff_fffe);
    for op in ["div_s", "div_u", "rem_s", "rem_u"] {
        assert_eq!(h.trap(op, &[5, 0]), TrapCode::IntegerDivideByZero, "i64.{op} by 0");
    }
    assert_eq!(h.trap("div_s", &[w(i64::MIN), w(-1)]), TrapCode::IntegerOverflow);
}
