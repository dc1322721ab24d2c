//! Loads, stores, bounds checks, memory.size/grow, bulk memory, globals.

use super::{lower_with, u, Harness};
use crate::FrontendOptions;
use synth_ir::{InstKind, TrapCode};

const MEM: &str = r#"
(module
  (memory 1 3)
  (data (i32.const 16) "\01\02\03\04\05\06\07\08\ff\fe")
  (data $p "hello")
  (global $g (mut i32) (i32.const 7))
  (global $h (mut i64) (i64.const 0x100000000))
  (func (export "load8_s") (param i32) (result i32) local.get 0 i32.load8_s offset=16)
  (func (export "load8_u") (param i32) (result i32) local.get 0 i32.load8_u offset=16)
  (func (export "load16_s") (param i32) (result i32) local.get 0 i32.load16_s offset=16)
  (func (export "load16_u") (param i32) (result i32) local.get 0 i32.load16_u offset=16)
  (func (export "load32") (param i32) (result i32) local.get 0 i32.load offset=16)
  (func (export "load64") (param i32) (result i64) local.get 0 i64.load offset=16)
  (func (export "i64_load8_s") (param i32) (result i64) local.get 0 i64.load8_s offset=16)
  (func (export "i64_load16_u") (param i32) (result i64) local.get 0 i64.load16_u offset=16)
  (func (export "i64_load32_s") (param i32) (result i64) local.get 0 i64.load32_s offset=16)
  (func (export "i64_load32_u") (param i32) (result i64) local.get 0 i64.load32_u offset=16)
  (func (export "store8") (param i32 i32) local.get 0 local.get 1 i32.store8 offset=1)
  (func (export "store16") (param i32 i32) local.get 0 local.get 1 i32.store16)
  (func (export "store32") (param i32 i32) local.get 0 local.get 1 i32.store)
  (func (export "store64") (param i32 i64) local.get 0 local.get 1 i64.store)
  (func (export "store64_32") (param i32 i64) local.get 0 local.get 1 i64.store32)
  (func (export "big_offset") (param i32) (result i32) local.get 0 i32.load offset=0xfffffffc)
  (func (export "size") (result i32) memory.size)
  (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
  (func (export "fill") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 memory.fill)
  (func (export "copy") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 memory.copy)
  (func (export "init") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 memory.init $p)
  (func (export "drop") data.drop $p)
  (func (export "gget") (result i32) global.get $g)
  (func (export "gset") (param i32) local.get 0 global.set $g)
  (func (export "hinc") (result i64) global.get $h i64.const 1 i64.add global.set $h global.get $h)
)"#;

#[test]
fn loads_of_every_width() {
    let mut h = Harness::new(MEM);
    assert_eq!(h.call1("load8_s", &[8]), u(-1));
    assert_eq!(h.call1("load8_u", &[8]), 0xff);
    assert_eq!(h.call1("load16_s", &[8]), u(-257));
    assert_eq!(h.call1("load16_u", &[8]), 0xfeff);
    assert_eq!(h.call1("load32", &[0]), 0x0403_0201);
    assert_eq!(h.call1("load32", &[1]), 0x0504_0302);
    assert_eq!(h.call1("load64", &[0]), 0x0807_0605_0403_0201);
    assert_eq!(h.call1("i64_load8_s", &[9]), (-2i64) as u64);
    assert_eq!(h.call1("i64_load16_u", &[8]), 0xfeff);
    assert_eq!(h.call1("i64_load32_s", &[6]), 0xffff_ffff_feff_0807);
    assert_eq!(h.call1("i64_load32_u", &[6]), 0xfeff_0807);
}

#[test]
fn stores_and_bounds() {
    let mut h = Harness::new(MEM);
    h.call("store32", &[100, 0x1122_3344]).unwrap();
    assert_eq!(h.call1("load32", &[84]), 0x1122_3344);
    h.call("store8", &[99, 0x1ff]).unwrap();
    assert_eq!(h.call1("load32", &[84]), 0x1122_33ff);
    h.call("store16", &[102, 0xabcd_beef]).unwrap();
    assert_eq!(h.call1("load32", &[84]), 0xbeef_33ff);
    h.call("store64", &[200, 0x0102_0304_0506_0708]).unwrap();
    assert_eq!(h.call1("load64", &[184]), 0x0102_0304_0506_0708);
    h.call("store64_32", &[200, 0xffff_ffff_aabb_ccdd]).unwrap();
    assert_eq!(h.call1("load64", &[184]), 0x0102_0304_aabb_ccdd);
    // Last valid word / first invalid one in a 1-page memory.
    h.call("store32", &[65532, 1]).unwrap();
    assert_eq!(h.trap("store32", &[65533, 1]), TrapCode::MemoryOutOfBounds);
    assert_eq!(h.trap("load32", &[65520]), TrapCode::MemoryOutOfBounds);
    assert_eq!(h.call1("load8_u", &[65519]), 0);
    assert_eq!(h.trap("load8_u", &[65520]), TrapCode::MemoryOutOfBounds);
    assert_eq!(h.trap("load64", &[u(-16)]), TrapCode::MemoryOutOfBounds);
    assert_eq!(h.trap("big_offset", &[4]), TrapCode::MemoryOutOfBounds);
    assert_eq!(h.trap("store8", &[u(-1), 0]), TrapCode::MemoryOutOfBounds);
}

#[test]
fn size_and_grow() {
    let mut h = Harness::new(MEM);
    assert_eq!(h.call1("size", &[]), 1);
    assert_eq!(h.call1("grow", &[1]), 1);
    assert_eq!(h.call1("size", &[]), 2);
    assert_eq!(h.call1("grow", &[2]), u(-1));
    assert_eq!(h.call1("grow", &[1]), 2);
    h.call("store32", &[3 * 65536 - 4, 5]).unwrap();
    assert_eq!(h.trap("store32", &[3 * 65536 - 3, 5]), TrapCode::MemoryOutOfBounds);
}

#[test]
fn bulk_memory() {
    let mut h = Harness::new(MEM);
    h.call("fill", &[1000, 0xaa, 4]).unwrap();
    assert_eq!(h.call1("load32", &[984]), 0xaaaa_aaaa);
    h.call("fill", &[65536, 0, 0]).unwrap();
    assert_eq!(h.trap("fill", &[65537, 0, 0]), TrapCode::MemoryOutOfBounds);
    assert_eq!(h.trap("fill", &[65535, 0, 2]), TrapCode::MemoryOutOfBounds);
    assert_eq!(h.trap("fill", &[1, 0, u(-1)]), TrapCode::MemoryOutOfBounds);
    h.call("copy", &[1002, 16, 4]).unwrap();
    assert_eq!(h.call1("load32", &[986]), 0x0403_0201);
    assert_eq!(h.trap("copy", &[0, 65534, 4]), TrapCode::MemoryOutOfBounds);
    assert_eq!(h.trap("copy", &[65534, 0, 4]), TrapCode::MemoryOutOfBounds);
    h.call("init", &[2000, 1, 4]).unwrap();
    assert_eq!(h.call1("load32", &[1984]), u32::from_le_bytes(*b"ello") as u64);
    h.call("init", &[2000, 5, 0]).unwrap();
    assert_eq!(h.trap("init", &[2000, 2, 4]), TrapCode::MemoryOutOfBounds);
    assert_eq!(h.trap("init", &[65535, 0, 2]), TrapCode::MemoryOutOfBounds);
    h.call("drop", &[]).unwrap();
    assert_eq!(h.trap("init", &[2000, 0, 1]), TrapCode::MemoryOutOfBounds);
    h.call("init", &[2000, 0, 0]).unwrap();
}

#[test]
fn globals() {
    let mut h = Harness::new(MEM);
    assert_eq!(h.call1("gget", &[]), 7);
    h.call("gset", &[u(-5)]).unwrap();
    assert_eq!(h.call1("gget", &[]), u(-5));
    assert_eq!(h.call1("hinc", &[]), 0x1_0000_0001);
    assert_eq!(h.call1("hinc", &[]), 0x1_0000_0002);
}

#[test]
fn bounds_checks_follow_the_option() {
    let count = |opts: &FrontendOptions| {
        let (_, funcs) = lower_with(MEM, opts).unwrap();
        funcs
            .iter()
            .flat_map(|f| f.blocks.iter().flat_map(|b| b.insts.iter()))
            .filter(|i| matches!(i.kind, InstKind::BoundsCheck { .. }))
            .count()
    };
    assert_eq!(count(&FrontendOptions::default()), 16);
    assert_eq!(count(&FrontendOptions { bounds_checks: false, ..FrontendOptions::default() }), 0);
    let (_, funcs) = lower_with(MEM, &FrontendOptions::default()).unwrap();
    let big = funcs.iter().find(|f| f.name == "big_offset").unwrap();
    assert!(big.blocks[0].insts.iter().any(|i| i.kind
        == InstKind::BoundsCheck { addr: synth_ir::Value(0), end: 0xffff_fffc + 4 }));
}
