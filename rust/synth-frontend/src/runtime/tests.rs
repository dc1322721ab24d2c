use super::*;
use crate::MemoryInfo;
use synth_ir::interp::{Exit, Machine};
use synth_ir::verify::verify_or_text;

fn info_with_memory(initial: u32, reserved: u32) -> ModuleInfo {
    ModuleInfo {
        memory: Some(MemoryInfo {
            initial_pages: initial,
            declared_max_pages: None,
            reserved_pages: reserved,
            grows: false,
            import: None,
            exports: vec![],
        }),
        ..ModuleInfo::default()
    }
}

fn built(f: RuntimeFunc, info: &ModuleInfo) -> Function {
    let func = build(f, info);
    verify_or_text(&func).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(func.sig, signature(f));
    func
}

/// Deterministic xorshift64* generator.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    /// Random value with a random number of significant bits.
    fn wide(&mut self) -> u64 {
        let v = self.next();
        let bits = self.next() % 65;
        if bits == 64 {
            v
        } else {
            v & ((1u64 << bits) - 1)
        }
    }
}

fn operand_pairs() -> Vec<(u64, u64)> {
    let mut edge: Vec<u64> = vec![
        0,
        1,
        2,
        3,
        7,
        u64::MAX,
        u64::MAX - 1,
        i64::MIN as u64,
        i64::MAX as u64,
        (i64::MIN + 1) as u64,
        0xffff_ffff,
        0x1_0000_0000,
        0x1_0000_0001,
        0x8000_0000,
        (-2i64) as u64,
        (-7i64) as u64,
        0x1234_5678_9abc_def0,
    ];
    for s in [1, 15, 31, 32, 33, 47, 62, 63] {
        edge.push(1u64 << s);
        edge.push((1u64 << s) - 1);
        edge.push((1u64 << s).wrapping_neg());
    }
    let mut pairs = Vec::new();
    for &a in &edge {
        for &b in &edge {
            pairs.push((a, b));
        }
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..3000 {
        pairs.push((rng.wide(), rng.wide()));
    }
    pairs
}

fn run(m: &mut Machine, f: &Function, args: &[u64]) -> Result<Vec<u64>, Exit> {
    m.fuel = 100_000;
    m.run_simple(f, args)
}

#[test]
fn i64_division_matches_rust() {
    let info = ModuleInfo::default();
    let divu = built(RuntimeFunc::I64DivU, &info);
    let remu = built(RuntimeFunc::I64RemU, &info);
    let divs = built(RuntimeFunc::I64DivS, &info);
    let rems = built(RuntimeFunc::I64RemS, &info);
    let mut m = Machine::new();
    let mut checked = 0;
    for (a, b) in operand_pairs() {
        if b == 0 {
            continue;
        }
        assert_eq!(run(&mut m, &divu, &[a, b]), Ok(vec![a / b]), "{a:#x} /u {b:#x}");
        assert_eq!(run(&mut m, &remu, &[a, b]), Ok(vec![a % b]), "{a:#x} %u {b:#x}");
        let (sa, sb) = (a as i64, b as i64);
        assert_eq!(run(&mut m, &rems, &[a, b]), Ok(vec![sa.wrapping_rem(sb) as u64]), "{sa} %s {sb}");
        if !(sa == i64::MIN && sb == -1) {
            assert_eq!(run(&mut m, &divs, &[a, b]), Ok(vec![(sa / sb) as u64]), "{sa} /s {sb}");
        }
        checked += 1;
    }
    assert!(checked > 3000);
}

#[test]
fn i64_division_takes_at_most_64_rounds() {
    let f = built(RuntimeFunc::I64DivU, &ModuleInfo::default());
    let mut m = Machine::new();
    m.fuel = 64 * 16 + 64;
    assert_eq!(m.run_simple(&f, &[u64::MAX, 1]), Ok(vec![u64::MAX]));
}

/// Fills the first 64 bytes of memory with a pattern, runs `f(args)` and
/// returns those bytes.
fn run_on_pattern(f: &Function, args: &[u64]) -> Vec<u8> {
    let mut m = Machine::new();
    let base = m.set_memory(1, 1).unwrap();
    let pattern: Vec<u8> = (0..64u8).map(|i| i.wrapping_mul(7).wrapping_add(1)).collect();
    m.write(base, &pattern).unwrap();
    m.fuel = 100_000;
    assert_eq!(m.run_simple(f, args), Ok(vec![]));
    m.read(base, 64).unwrap()
}

#[test]
fn memory_copy_is_memmove() {
    let f = built(RuntimeFunc::MemoryCopy, &info_with_memory(1, 1));
    let pattern: Vec<u8> = (0..64u8).map(|i| i.wrapping_mul(7).wrapping_add(1)).collect();
    for dst in 0..10u32 {
        for src in 0..10u32 {
            for len in [0u32, 1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 17, 30] {
                let got = run_on_pattern(&f, &[dst as u64, src as u64, len as u64]);
                let mut want = pattern.clone();
                want.copy_within(src as usize..(src + len) as usize, dst as usize);
                assert_eq!(got, want, "copy dst={dst} src={src} len={len}");
            }
        }
    }
}

#[test]
fn memory_copy_reaches_the_end_of_memory() {
    let f = built(RuntimeFunc::MemoryCopy, &info_with_memory(1, 1));
    let mut m = Machine::new();
    let base = m.set_memory(1, 1).unwrap();
    m.write(base, &[1, 2, 3, 4, 5, 6, 7]).unwrap();
    // Copy to the last 7 bytes of the page: no access beyond memory.
    assert_eq!(m.run_simple(&f, &[65536 - 7, 0, 7]), Ok(vec![]));
    assert_eq!(m.read(base + 65536 - 7, 7).unwrap(), vec![1, 2, 3, 4, 5, 6, 7]);
}

#[test]
fn memory_fill_writes_low_byte() {
    let f = built(RuntimeFunc::MemoryFill, &info_with_memory(1, 1));
    let pattern: Vec<u8> = (0..64u8).map(|i| i.wrapping_mul(7).wrapping_add(1)).collect();
    for dst in 0..6u32 {
        for len in [0u32, 1, 3, 4, 5, 8, 11, 20] {
            let val = 0x1234_56a5u64;
            let got = run_on_pattern(&f, &[dst as u64, val, len as u64]);
            let mut want = pattern.clone();
            want[dst as usize..(dst + len) as usize].fill(0xa5);
            assert_eq!(got, want, "fill dst={dst} len={len}");
        }
    }
}

#[test]
fn memory_grow_semantics() {
    let f = built(RuntimeFunc::MemoryGrow, &info_with_memory(1, 4));
    let mut m = Machine::new();
    m.set_memory(4, 1).unwrap();
    let neg1 = 0xffff_ffffu64;
    let grow = |m: &mut Machine, d: u64| m.run_simple(&f, &[d]).map(|v| v[0]);
    assert_eq!(grow(&mut m, 0), Ok(1));
    assert_eq!(grow(&mut m, 2), Ok(1));
    assert_eq!(m.symbol_u32(SymbolRef::MemorySize), Ok(3 * 65536));
    assert_eq!(grow(&mut m, 2), Ok(neg1));
    assert_eq!(grow(&mut m, neg1), Ok(neg1));
    assert_eq!(grow(&mut m, 0x8000_0000), Ok(neg1));
    assert_eq!(m.symbol_u32(SymbolRef::MemorySize), Ok(3 * 65536));
    assert_eq!(grow(&mut m, 1), Ok(3));
    assert_eq!(grow(&mut m, 0), Ok(4));
    assert_eq!(grow(&mut m, 1), Ok(neg1));
    assert_eq!(m.symbol_u32(SymbolRef::MemorySize), Ok(4 * 65536));
}

#[test]
fn memory_grow_caps_at_size_word_and_without_memory() {
    // 65536 reserved pages cannot be represented: growing to it fails.
    let f = built(RuntimeFunc::MemoryGrow, &info_with_memory(0, 65536));
    let mut m = Machine::new();
    m.set_symbol_u32(SymbolRef::MemorySize, 0).unwrap();
    assert_eq!(m.run_simple(&f, &[65536]), Ok(vec![0xffff_ffff]));
    assert_eq!(m.run_simple(&f, &[65535]), Ok(vec![0]));
    assert_eq!(m.symbol_u32(SymbolRef::MemorySize), Ok(65535 * 65536));

    let f = built(RuntimeFunc::MemoryGrow, &ModuleInfo::default());
    assert_eq!(Machine::new().run_simple(&f, &[0]), Ok(vec![0xffff_ffff]));
}
