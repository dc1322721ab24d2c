//! Tests of the ELF writer: hand-made functions in, the object parsed back
//! with goblin.

use std::collections::BTreeMap;

use goblin::elf::{section_header, sym, Elf};
use synth_frontend::FunctionKind;
use synth_ir::SymbolRef;
use synth_thumb2::RelocTarget;
use synth_thumb2_enc::RelocKind;

use super::elf::*;
use super::symbols::SymbolNames;
use super::testutil::*;
use crate::error::Error;
use crate::options::{Fpu, Target};

#[derive(Debug, Clone, PartialEq, Eq)]
struct SymInfo {
    value: u64,
    size: u64,
    bind: u8,
    typ: u8,
    section: String,
}

struct Parsed {
    e_flags: u32,
    sections: BTreeMap<String, (u32, u64, u64)>, // name -> (sh_type, size, align)
    syms: Vec<(String, SymInfo)>,
    relocs: Vec<(String, u64, u32, String)>, // (section, offset, type, symbol)
    data: BTreeMap<String, Vec<u8>>,
}

impl Parsed {
    fn sym(&self, name: &str) -> SymInfo {
        let all: Vec<_> = self.syms.iter().filter(|(n, _)| n == name).collect();
        assert_eq!(all.len(), 1, "symbol `{name}`: {all:?}");
        all[0].1.clone()
    }

    /// How many `.text` relocations against `target` lie in function `func`
    /// (literal pools: one per distinct symbol and addend in a function).
    fn relocs_in(&self, func: &str, target: &str) -> usize {
        let f = self.sym(func);
        let (lo, hi) = (f.value & !1, (f.value & !1) + f.size);
        self.relocs.iter().filter(|r| r.0 == ".text" && r.3 == target && (lo..hi).contains(&r.1)).count()
    }
}

fn parse(bytes: &[u8]) -> Parsed {
    let elf = Elf::parse(bytes).expect("goblin parses the object");
    assert!(!elf.is_64);
    assert!(elf.little_endian);
    assert_eq!(elf.header.e_machine, goblin::elf::header::EM_ARM);
    assert_eq!(elf.header.e_type, goblin::elf::header::ET_REL);
    let name_of = |i: usize| elf.shdr_strtab.get_at(elf.section_headers[i].sh_name).unwrap_or("").to_string();
    let mut sections = BTreeMap::new();
    let mut data = BTreeMap::new();
    for (i, sh) in elf.section_headers.iter().enumerate() {
        sections.insert(name_of(i), (sh.sh_type, sh.sh_size, sh.sh_addralign));
        if sh.sh_type != section_header::SHT_NOBITS {
            let r = sh.file_range().unwrap_or(0..0);
            data.insert(name_of(i), bytes[r].to_vec());
        }
    }
    let mut syms = Vec::new();
    for s in elf.syms.iter() {
        let name = elf.strtab.get_at(s.st_name).unwrap_or("").to_string();
        let section = if s.st_shndx == 0 { "UND".to_string() } else { name_of(s.st_shndx) };
        syms.push((name, SymInfo { value: s.st_value, size: s.st_size, bind: s.st_bind(), typ: s.st_type(), section }));
    }
    let mut relocs = Vec::new();
    for (idx, rs) in elf.shdr_relocs.iter() {
        let target = name_of(elf.section_headers[*idx].sh_info as usize);
        for r in rs.iter() {
            assert!(r.r_addend.is_none(), "REL expected, got RELA");
            let s = elf.syms.get(r.r_sym).unwrap();
            relocs.push((target.clone(), r.r_offset, r.r_type, elf.strtab.get_at(s.st_name).unwrap_or("").to_string()));
        }
    }
    Parsed { e_flags: elf.header.e_flags, sections, syms, relocs, data }
}

fn sample_object() -> (Vec<u8>, Layout) {
    let info = sample_module();
    let names = SymbolNames::new(&info, "wasm_").unwrap();
    let funcs = sample_functions();
    let text: Vec<_> = funcs.iter().map(|(k, c)| TextFunction { kind: *k, compiled: c }).collect();
    write_elf(&info, &names, &text, Target::CortexM4).unwrap()
}

#[test]
fn header_and_sections() {
    let (bytes, layout) = sample_object();
    let p = parse(&bytes);
    assert_eq!(p.e_flags, 0x0500_0000, "EABI5");
    let text = p.sections[".text"];
    assert_eq!(text.0, section_header::SHT_PROGBITS);
    assert_eq!(text.1, 48);
    assert_eq!(layout.text_bytes, 48);
    assert!(p.sections.contains_key(".rel.text"));
    assert!(p.sections.contains_key(".rel.rodata"));
    assert!(!p.sections.keys().any(|k| k.starts_with(".rela")), "{:?}", p.sections.keys());
    let bss = p.sections[".bss"];
    assert_eq!((bss.0, bss.1, bss.2), (section_header::SHT_NOBITS, 2 * 65536, 8));
    assert_eq!(p.sections[".data"].1, 76);
    assert_eq!(p.sections[".rodata"].1, 28);
    assert_eq!(p.sections[".ARM.attributes"].0, 0x7000_0003);
    // Padding is nop, the trap stub is `b .`.
    let t = &p.data[".text"];
    assert_eq!(&t[2..4], &[0x00, 0xbf]);
    assert_eq!(layout.trap_offset, 44);
    assert_eq!(&t[44..46], &[0xfe, 0xe7]);
    assert_eq!(&t[4..8], &BL_REL, "REL addend stays in the instruction bits");
}

#[test]
fn function_symbols_are_thumb() {
    let (bytes, _) = sample_object();
    let p = parse(&bytes);
    let add = p.sym("wasm_add");
    assert_eq!(add, SymInfo { value: 1, size: 2, bind: sym::STB_GLOBAL, typ: sym::STT_FUNC, section: ".text".into() });
    let f2 = p.sym("wasm_func2");
    assert_eq!((f2.value, f2.size, f2.bind, f2.typ), (4 | 1, 30, sym::STB_LOCAL, sym::STT_FUNC));
    assert_eq!((p.sym("wasm_pair").value, p.sym("wasm_pair").bind), (36 | 1, sym::STB_GLOBAL));
    assert_eq!((p.sym("wasm_init").value, p.sym("wasm_init").bind), (40 | 1, sym::STB_GLOBAL));
    let trap = p.sym("synth_trap");
    assert_eq!((trap.value, trap.size, trap.bind, trap.typ), (44 | 1, 2, sym::STB_WEAK, sym::STT_FUNC));
}

#[test]
fn mapping_symbols_mark_data() {
    let (bytes, _) = sample_object();
    let p = parse(&bytes);
    let maps: Vec<(String, u64)> = p
        .syms
        .iter()
        .filter(|(n, _)| n.starts_with('$'))
        .map(|(n, s)| {
            assert_eq!((s.bind, s.typ, s.size), (sym::STB_LOCAL, sym::STT_NOTYPE, 0));
            (n.clone(), s.value)
        })
        .collect();
    assert_eq!(maps, vec![("$t".into(), 0), ("$d".into(), 4 + 26), ("$t".into(), 4 + 30)]);
}

#[test]
fn data_symbols_and_contents() {
    let (bytes, layout) = sample_object();
    let p = parse(&bytes);
    let d = &p.data[".data"];
    let word = |off: u64| u32::from_le_bytes(d[off as usize..off as usize + 4].try_into().unwrap());
    let ms = p.sym("wasm_memory_size");
    // The initial size (one page) from the start, not 0 until init.
    assert_eq!((ms.bind, ms.typ, ms.size, word(ms.value)), (sym::STB_GLOBAL, sym::STT_OBJECT, 4, 65536));
    let c = p.sym("wasm_counter");
    assert_eq!((c.bind, c.size, c.value % 8, word(c.value)), (sym::STB_GLOBAL, 4, 0, 7));
    let g2 = p.sym("wasm_global2");
    assert_eq!((g2.bind, g2.size, g2.value % 8), (sym::STB_LOCAL, 8, 0));
    assert_eq!(&d[g2.value as usize..g2.value as usize + 8], &(-2i64).to_le_bytes());
    let t = p.sym("wasm_table0");
    assert_eq!((t.size, t.value % 8), (32, 0));
    // The active segment is preset: {sig_id + 1, function} per item, null
    // {0, 0}, function words 0 plus a relocation.
    let entry = |k: u64| [word(t.value + k * 8), word(t.value + k * 8 + 4)];
    assert_eq!([entry(0), entry(1), entry(2), entry(3)], [[2, 0], [0, 0], [1, 0], [0, 0]]);
    let ts = p.sym("wasm_table0_size");
    assert_eq!((ts.size, ts.bind, word(ts.value), word(ts.value + 4)), (8, sym::STB_LOCAL, 4, 4), "{{size, capacity}}");
    assert_eq!(word(p.sym("wasm_data0_len").value), 0, "an active data segment is dropped by init");
    assert_eq!(word(p.sym("wasm_elem0_len").value), 0, "an active segment is dropped");
    assert_eq!(word(p.sym("wasm_elem1_len").value), 3);
    let m = p.sym("wasm_memory");
    assert_eq!((m.section.as_str(), m.size, m.bind), (".bss", 2 * 65536, sym::STB_GLOBAL));
    assert_eq!(layout.bss_bytes, 2 * 65536);
    // Read-only data: segment bytes and element entries.
    let ro = &p.data[".rodata"];
    let d0 = p.sym("wasm_data0");
    assert_eq!(&ro[d0.value as usize..d0.value as usize + 3], b"hi!");
    assert_eq!(p.sym("wasm_elem0").size, 0, "a preset segment's entries are in the table");
    let e0 = p.sym("wasm_elem1");
    assert_eq!(e0.size, 24);
    let e = |k: usize| u32::from_le_bytes(ro[e0.value as usize + k * 4..e0.value as usize + k * 4 + 4].try_into().unwrap());
    assert_eq!([e(0), e(1), e(2), e(3), e(4), e(5)], [2, 0, 0, 0, 1, 0], "type words are sig_id + 1, null is 0");
    // Imports are undefined; the unused imported global is not emitted.
    assert_eq!(p.sym("host_log").section, "UND");
    assert!(!p.syms.iter().any(|(n, _)| n == "base"));
}

#[test]
fn relocations_have_the_right_types_and_targets() {
    let (bytes, _) = sample_object();
    let p = parse(&bytes);
    let text: Vec<_> = p.relocs.iter().filter(|r| r.0 == ".text").map(|r| (r.1, r.2, r.3.as_str())).collect();
    assert_eq!(
        text,
        vec![
            (4, R_ARM_THM_CALL, "wasm_add"),
            (8, R_ARM_THM_MOVW_ABS_NC, "wasm_memory"),
            (12, R_ARM_THM_MOVT_ABS, "wasm_memory"),
            (16, R_ARM_THM_CALL, "synth_trap"),
            (20, R_ARM_THM_CALL, "host_log"),
            (24, R_ARM_THM_JUMP24, "host_log"),
        ]
    );
    let e1 = p.sym("wasm_elem1").value;
    let ro: Vec<_> = p.relocs.iter().filter(|r| r.0 == ".rodata").map(|r| (r.1, r.2, r.3.as_str())).collect();
    assert_eq!(ro, vec![(e1 + 4, R_ARM_ABS32, "wasm_add"), (e1 + 20, R_ARM_ABS32, "host_log")]);
    let t0 = p.sym("wasm_table0").value;
    let data: Vec<_> = p.relocs.iter().filter(|r| r.0 == ".data").map(|r| (r.1, r.2, r.3.as_str())).collect();
    assert_eq!(data, vec![(t0 + 4, R_ARM_ABS32, "wasm_add"), (t0 + 20, R_ARM_ABS32, "host_log")]);
    assert_eq!((R_ARM_THM_CALL, R_ARM_THM_JUMP24, R_ARM_THM_MOVW_ABS_NC, R_ARM_THM_MOVT_ABS, R_ARM_ABS32), (10, 30, 47, 48, 2));
}

#[test]
fn output_is_deterministic() {
    assert_eq!(sample_object().0, sample_object().0);
}

#[test]
fn stack_limit_and_imported_globals_become_undefined() {
    let mut info = sample_module();
    info.elems.clear(); // they name functions this test does not compile
    let names = SymbolNames::new(&info, "wasm_").unwrap();
    let mut f = crate::stats::tests::compiled([&MOVW_R0[..], &MOVT_R0, &MOVW_R0, &MOVT_R0, &BX_LR].concat());
    f.relocs = vec![
        Relocation { offset: 0, kind: RelocKind::ThmMovwAbsNc, target: RelocTarget::Symbol(SymbolRef::StackLimit), addend: 0 },
        Relocation { offset: 4, kind: RelocKind::ThmMovtAbs, target: RelocTarget::Symbol(SymbolRef::StackLimit), addend: 0 },
        Relocation { offset: 8, kind: RelocKind::ThmMovwAbsNc, target: RelocTarget::Symbol(SymbolRef::Global(0)), addend: 0 },
        Relocation { offset: 12, kind: RelocKind::ThmMovtAbs, target: RelocTarget::Symbol(SymbolRef::Global(0)), addend: 0 },
    ];
    let text = [TextFunction { kind: FunctionKind::Wasm(2), compiled: &f }];
    let (bytes, _) = write_elf(&info, &names, &text, Target::CortexM3).unwrap();
    let p = parse(&bytes);
    assert_eq!(p.sym("synth_stack_limit").section, "UND");
    assert_eq!(p.sym("base").section, "UND");
    assert_eq!(p.relocs.iter().filter(|r| r.3 == "synth_stack_limit").count(), 2);
}

use synth_thumb2::Relocation;

fn write_err(funcs: Vec<(FunctionKind, synth_thumb2::CompiledFunction)>, info: synth_frontend::ModuleInfo) -> Error {
    let names = SymbolNames::new(&info, "wasm_").unwrap();
    let text: Vec<_> = funcs.iter().map(|(k, c)| TextFunction { kind: *k, compiled: c }).collect();
    write_elf(&info, &names, &text, Target::CortexM4).unwrap_err()
}

#[test]
fn inconsistent_backend_output_is_an_internal_error() {
    let mut bad = crate::stats::tests::compiled(BX_LR.to_vec());
    bad.relocs = vec![Relocation { offset: 0, kind: RelocKind::ThmCall, target: RelocTarget::Trap, addend: 0 }];
    assert!(matches!(write_err(vec![(FunctionKind::Wasm(1), bad)], sample_module()), Error::Internal(m) if m.contains("beyond")));

    let odd = crate::stats::tests::compiled(vec![0x70]);
    assert!(matches!(write_err(vec![(FunctionKind::Wasm(1), odd)], sample_module()), Error::Internal(_)));

    let import = crate::stats::tests::compiled(BX_LR.to_vec());
    assert!(matches!(write_err(vec![(FunctionKind::Wasm(0), import)], sample_module()), Error::Internal(m) if m.contains("imported")));

    let mut range = crate::stats::tests::compiled(BX_LR.to_vec());
    range.data_ranges = vec![0..4];
    assert!(matches!(write_err(vec![(FunctionKind::Wasm(1), range)], sample_module()), Error::Internal(m) if m.contains("data range")));

    // A relocation against a defined function that was not compiled.
    let mut missing = crate::stats::tests::compiled(BL_REL.to_vec());
    missing.relocs = vec![Relocation { offset: 0, kind: RelocKind::ThmCall, target: RelocTarget::Symbol(SymbolRef::Func(3)), addend: 0 }];
    assert!(matches!(write_err(vec![(FunctionKind::Wasm(1), missing)], sample_module()), Error::Internal(m) if m.contains("wasm_pair")));
}

/// An imported table is its provider's two undefined symbols (entries and
/// `{size, capacity}`); an exported one's are global; `table.grow` on an
/// imported table reads the provider's capacity word.
#[test]
fn imported_tables_are_the_providers_and_exported_tables_global() {
    let wat = r#"(module (import "env" "tab" (table 2 funcref)) (table $e (export "refs") 3 externref)
      (func (export "size") (result i32) (table.size 0))
      (func (export "grow") (param i32) (result i32) (table.grow 0 (ref.null func) (local.get 0)))
      (func (export "get") (param i32) (result externref) (table.get $e (local.get 0))))"#;
    let c = crate::compile(wat.as_bytes(), &crate::options::Options::default()).unwrap();
    let p = parse(&c.object);
    assert_eq!(p.sym("tab").section, "UND");
    assert_eq!(p.sym("tab_size").section, "UND");
    assert!(!p.syms.iter().any(|(n, _)| n == "wasm_table0" || n == "wasm_table0_size"), "no own storage for an imported table");
    // table.size and table.grow (size and capacity words) reach the provider's words.
    for f in ["wasm_size", "wasm_grow"] {
        assert!(p.relocs_in(f, "tab_size") >= 1, "{f} does not reach tab_size");
    }
    // The module grows a table, so its own table reserves the cap.
    let cap = synth_frontend::decode::TABLE_GROW_RESERVE;
    let t1 = p.sym("wasm_table1");
    assert_eq!((t1.bind, t1.size), (sym::STB_GLOBAL, u64::from(cap) * 8));
    let s1 = p.sym("wasm_table1_size");
    let d = &p.data[".data"];
    let word = |off: u64| u32::from_le_bytes(d[off as usize..off as usize + 4].try_into().unwrap());
    assert_eq!((s1.bind, s1.size, word(s1.value), word(s1.value + 4)), (sym::STB_GLOBAL, 8, 3, cap));
    assert!(c.header.contains("extern uint32_t tab_size[2];"), "{}", c.header);
    assert!(c.header.contains("extern uint32_t wasm_table1[][2];"), "{}", c.header);
}

#[test]
fn attributes_describe_the_target() {
    let a = arm_attributes(Target::CortexM4, FloatInterface::None, Fpu::None);
    assert_eq!(a[0], b'A');
    let len = u32::from_le_bytes(a[1..5].try_into().unwrap()) as usize;
    assert_eq!(len, a.len() - 1);
    assert_eq!(&a[5..11], b"aeabi\0");
    assert_eq!(a[11], 1, "Tag_File");
    assert!(a.windows(10).any(|w| w == b"cortex-m4\0"));
    assert!(a.windows(2).any(|w| w == [6, 13]), "Tag_CPU_arch v7E-M");
    assert!(arm_attributes(Target::CortexM3, FloatInterface::None, Fpu::None).windows(2).any(|w| w == [6, 10]), "Tag_CPU_arch v7");
    assert!(a.windows(2).any(|w| w == [9, 2]), "Tag_THUMB_ISA_use Thumb-2");
}

#[test]
fn attributes_of_armv8m_mainline() {
    // Tag_CPU_arch 17 = v8-M.mainline, 21 = v8.1-M.mainline; Tag_THUMB_ISA_use
    // 3 (from the architecture), as arm-none-eabi-gcc -mcpu=cortex-m33/m55 write
    // them (tests/test_armv8m.py compares with gcc's objects through readelf).
    for (t, name, arch) in [(Target::CortexM33, &b"cortex-m33\0"[..], 17), (Target::CortexM55, &b"cortex-m55\0"[..], 21)] {
        let a = arm_attributes(t, FloatInterface::None, Fpu::None);
        assert!(a.windows(name.len()).any(|w| w == name), "{t}");
        let tags = &a[17 + name.len()..];
        assert_eq!(&tags[..8], &[6, arch, 7, b'M', 8, 0, 9, 3], "{t}: {tags:?}");
    }
}

#[test]
fn imported_memory_uses_the_providers_size_word() {
    let wat = r#"(module (import "a" "mem" (memory 1 4))
      (func (export "size") (result i32) memory.size)
      (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
      (func (export "load") (param i32) (result i32) (i32.load (local.get 0))))"#;
    let c = crate::compile(wat.as_bytes(), &crate::options::Options::default()).unwrap();
    let p = parse(&c.object);
    assert_eq!(p.sym("a__mem").section, "UND");
    assert_eq!(p.sym("a__mem_size").section, "UND");
    assert!(!p.syms.iter().any(|(n, _)| n == "wasm_memory_size"), "no own size word for an imported memory");
    // memory.size, memory.grow and the bounds check all reach the provider's word.
    for f in ["wasm_size", "__synth_wasm_memory_grow", "wasm_load"] {
        assert!(p.relocs_in(f, "a__mem_size") >= 1, "{f} does not reach a__mem_size");
    }
    assert!(c.header.contains("extern uint32_t a__mem_size;"), "{}", c.header);
    // A defined memory keeps its own word.
    let own = crate::compile(b"(module (memory 1) (func (export \"s\") (result i32) memory.size))", &Default::default()).unwrap();
    assert_eq!(parse(&own.object).sym("wasm_memory_size").section, ".data");
}

#[test]
fn table_arrays_are_sized_for_their_reservation() {
    let wat = r#"(module (table 2 10 funcref) (table 3 funcref)
      (func (export "g") (result i32) (table.grow 0 (ref.null func) (i32.const 1))))"#;
    let c = crate::compile(wat.as_bytes(), &crate::options::Options::default()).unwrap();
    let p = parse(&c.object);
    // table.grow used: table 0 reserves its maximum (10), table 1 (no maximum) the cap.
    assert_eq!(p.sym("wasm_table0").size, 10 * 8);
    assert_eq!(p.sym("wasm_table1").size, u64::from(synth_frontend::decode::TABLE_GROW_RESERVE) * 8);
    let plain = crate::compile(b"(module (table 2 10 funcref))", &Default::default()).unwrap();
    assert_eq!(parse(&plain.object).sym("wasm_table0").size, 2 * 8);
}

/// `--float-abi hard`: exports with floats are thunks under the export
/// names, the compiled functions local `P func i`; an import with floats is
/// called through a local thunk that calls the undefined import; tables
/// and calls inside the object use the soft side.
#[test]
fn hard_float_abi_puts_thunks_at_the_boundary() {
    let wat = r#"(module
      (import "env" "host_fneg" (func $neg (param f32) (result f32)))
      (import "env" "host_log" (func $log (param i32)))
      (table 1 funcref) (elem (i32.const 0) $scale)
      (func $scale (export "scale") (export "scale2") (param f32 f64) (result f64)
        (call $log (i32.const 1))
        (f64.mul (f64.promote_f32 (call $neg (local.get 0))) (local.get 1)))
      (func (export "twice") (param i32) (result i32) (i32.add (local.get 0) (local.get 0))))"#;
    let opts = crate::Options {
        fpu: crate::Fpu::Fpv4SpD16,
        float_abi: crate::FloatAbi::Hard,
        ..crate::Options::default()
    };
    let out = crate::compile(wat.as_bytes(), &opts).unwrap();
    let p = parse(&out.object);
    assert_eq!(p.e_flags, 0x0500_0400, "EABI5, EF_ARM_ABI_FLOAT_HARD");
    // Function 2 (`scale`): local soft side, global thunk under both names.
    let soft = p.sym("wasm_func2");
    assert_eq!((soft.bind, soft.typ), (sym::STB_LOCAL, sym::STT_FUNC));
    let (t1, t2) = (p.sym("wasm_scale"), p.sym("wasm_scale2"));
    assert_eq!((t1.bind, t1.value), (sym::STB_GLOBAL, t2.value));
    assert_ne!(t1.value, soft.value);
    // The import with floats: a local thunk `wasm_func0` calling `host_fneg`;
    // the float-free import and export are untouched.
    assert_eq!(p.sym("wasm_func0").bind, sym::STB_LOCAL);
    assert_eq!(p.sym("host_fneg").section, "UND");
    assert_eq!(p.sym("host_log").section, "UND");
    assert_eq!(p.sym("wasm_twice").bind, sym::STB_GLOBAL);
    assert!(!p.syms.iter().any(|(n, _)| n == "wasm_func1" || n == "wasm_func3"));
    let calls_to = |s: &str| p.relocs.iter().filter(|r| r.0 == ".text" && r.3 == s).map(|r| r.1).collect::<Vec<_>>();
    let in_fn = |off: u64, f: &SymInfo| (f.value & !1..(f.value & !1) + f.size).contains(&off);
    let fneg_calls = calls_to("host_fneg");
    assert_eq!(fneg_calls.len(), 1);
    assert!(in_fn(fneg_calls[0], &p.sym("wasm_func0")), "only the thunk calls the import");
    assert!(calls_to("wasm_func0").iter().all(|o| in_fn(*o, &soft)) && !calls_to("wasm_func0").is_empty());
    assert!(calls_to("wasm_func2").iter().any(|o| in_fn(*o, &t1)), "the export thunk calls the soft side");
    // The table holds the soft side.
    assert!(p.relocs.iter().any(|r| (r.0 == ".rodata" || r.0 == ".data") && r.3 == "wasm_func2"));
    // Stats: two thunks.
    let thunks: Vec<_> = out.stats.functions.iter().filter(|f| f.kind == crate::stats::FunctionKindName::Thunk).collect();
    assert_eq!(thunks.iter().map(|f| f.symbol.as_str()).collect::<Vec<_>>(), ["wasm_func0", "wasm_scale"]);
    // A float-free module in hard mode is unchanged: no thunk, compatible.
    let plain = crate::compile(b"(module (func (export \"f\") (param i32) (result i32) (local.get 0)))", &opts).unwrap();
    assert_eq!(parse(&plain.object).e_flags, 0x0500_0000);
    assert_eq!(plain.object, crate::compile(b"(module (func (export \"f\") (param i32) (result i32) (local.get 0)))", &crate::Options::default()).unwrap().object);
}

#[test]
fn hard_float_thunk_symbols_are_claimed() {
    // An import named like the thunk of function 0 is a collision, not a rename.
    let wat = r#"(module (import "env" "wasm_func0" (func (param f32))) (func (export "f") (call 0 (f32.const 1))))"#;
    let opts = crate::Options { fpu: crate::Fpu::Fpv4SpD16, float_abi: crate::FloatAbi::Hard, ..crate::Options::default() };
    let e = crate::compile(wat.as_bytes(), &opts).unwrap_err();
    assert!(matches!(&e, Error::SymbolCollision { symbol, .. } if symbol == "wasm_func0"), "{e}");
    assert!(crate::compile(wat.as_bytes(), &crate::Options::default()).is_ok());
}

#[test]
fn hard_float_attributes_follow_the_fpu() {
    use crate::options::Fpu;
    let tag = |a: &[u8], t: u8| a.windows(2).position(|w| w[0] == t).map(|i| a[i + 1]);
    for (fpu, arch, sp_only) in [(Fpu::Fpv4SpD16, 6, true), (Fpu::Fpv5SpD16, 8, true), (Fpu::Fpv5D16, 8, false)] {
        let floats = FloatInterface::VfpRegisters(fpu);
        let a = arm_attributes(Target::CortexM7, floats, fpu_used(floats, Fpu::None));
        let tail = &a[a.len() - 14..];
        assert_eq!(tag(tail, 28), Some(1), "{fpu:?}: Tag_ABI_VFP_args = VFP registers in {tail:?}");
        assert_eq!(tag(tail, 10), Some(arch), "{fpu:?}: Tag_FP_arch");
        assert_eq!(tag(tail, 27).is_some(), sp_only, "{fpu:?}: Tag_ABI_HardFP_use");
    }
}

#[test]
fn data_segment_table_lists_active_segments_with_relocations() {
    use synth_frontend::{ConstExpr, DataSegment};
    let mut info = sample_module();
    info.data = vec![
        DataSegment { active_offset: Some(ConstExpr::I32(16)), bytes: b"hi!".to_vec() },
        DataSegment { active_offset: None, bytes: b"passive".to_vec() },
        DataSegment { active_offset: Some(ConstExpr::I32(40)), bytes: b"abcde".to_vec() },
        DataSegment { active_offset: Some(ConstExpr::I32(-4)), bytes: vec![] },
    ];
    let names = SymbolNames::new(&info, "wasm_").unwrap();
    assert_eq!(names.symbol_ref(SymbolRef::DataInitTable).as_deref(), Some("wasm_data_table"));
    let funcs = sample_functions();
    let text: Vec<_> = funcs.iter().map(|(k, c)| TextFunction { kind: *k, compiled: c }).collect();
    let (bytes, _) = write_elf(&info, &names, &text, Target::CortexM4).unwrap();
    let p = parse(&bytes);
    let t = p.sym("wasm_data_table");
    assert_eq!((t.section.as_str(), t.size, t.bind, t.value % 4), (".rodata", 48, sym::STB_LOCAL, 0));
    let ro = &p.data[".rodata"];
    let w = |k: u64| u32::from_le_bytes(ro[(t.value + 4 * k) as usize..(t.value + 4 * k + 4) as usize].try_into().unwrap());
    assert_eq!((0..12).map(w).collect::<Vec<_>>(), vec![16, 3, 0, 0, 40, 5, 0, 0, 0xffff_fffc, 0, 0, 0]);
    let relocs: Vec<_> = p
        .relocs
        .iter()
        .filter(|r| r.0 == ".rodata" && (t.value..t.value + t.size).contains(&r.1))
        .map(|r| (r.1 - t.value, r.2, r.3.as_str()))
        .collect();
    assert_eq!(
        relocs,
        vec![
            (8, R_ARM_ABS32, "wasm_data0"),
            (12, R_ARM_ABS32, "wasm_data0_len"),
            (24, R_ARM_ABS32, "wasm_data2"),
            (28, R_ARM_ABS32, "wasm_data2_len"),
            (40, R_ARM_ABS32, "wasm_data3"),
            (44, R_ARM_ABS32, "wasm_data3_len"),
        ]
    );
    // Two active segments: no table.
    info.data.pop();
    let names = SymbolNames::new(&info, "wasm_").unwrap();
    assert_eq!(names.symbol_ref(SymbolRef::DataInitTable), None);
    let (bytes, _) = write_elf(&info, &names, &text, Target::CortexM4).unwrap();
    assert!(!parse(&bytes).syms.iter().any(|(n, _)| n == "wasm_data_table"));
}

#[test]
fn fpu_used_by_the_code_is_declared_whatever_the_float_abi() {
    // softfp, as gcc -mfloat-abi=softfp: floats in core registers, the FPU in the code.
    let tag = |a: &[u8], t: u8| a.windows(2).position(|w| w[0] == t).map(|i| a[i + 1]);
    for (floats, vfp_args) in [(FloatInterface::CoreRegisters, 0), (FloatInterface::None, 3)] {
        let a = arm_attributes(Target::CortexM4, floats, fpu_used(floats, Fpu::Fpv4SpD16));
        let tail = &a[a.len() - 14..];
        assert_eq!(tag(tail, 28), Some(vfp_args), "{floats:?}: Tag_ABI_VFP_args in {tail:?}");
        assert_eq!(tag(tail, 10), Some(6), "{floats:?}: Tag_FP_arch VFPv4-D16");
        assert_eq!(tag(tail, 27), Some(1), "{floats:?}: Tag_ABI_HardFP_use SP only");
        let none = arm_attributes(Target::CortexM4, floats, Fpu::None);
        assert_eq!(tag(&none[none.len() - 10..], 10), None, "{floats:?}: no Tag_FP_arch without FPU code");
    }
    // Through the driver: softfp computes on the FPU and says so; an integer
    // module is the same object with or without the FPU options.
    let f32_wat = r#"(module (func (export "m") (param f32 f32) (result f32) (f32.mul (local.get 0) (local.get 1))))"#;
    let int_wat = r#"(module (func (export "t") (param i32) (result i32) (i32.add (local.get 0) (local.get 0))))"#;
    let softfp = crate::Options { fpu: Fpu::Fpv4SpD16, float_abi: crate::FloatAbi::Softfp, ..crate::Options::default() };
    let c = crate::compile(f32_wat.as_bytes(), &softfp).unwrap();
    assert!(c.stats.functions.iter().any(|f| f.float.is_some()), "a function on the FPU");
    let soft = crate::compile(f32_wat.as_bytes(), &crate::Options::default()).unwrap();
    assert_ne!(c.object, soft.object);
    let attrs_softfp = arm_attributes(Target::CortexM4, FloatInterface::CoreRegisters, Fpu::Fpv4SpD16);
    assert!(c.object.windows(attrs_softfp.len()).any(|w| w == attrs_softfp), "softfp attributes");
    for abi in [crate::FloatAbi::Softfp, crate::FloatAbi::Hard] {
        let o = crate::Options { fpu: Fpu::Fpv4SpD16, float_abi: abi, ..crate::Options::default() };
        assert_eq!(crate::compile(int_wat.as_bytes(), &o).unwrap().object, crate::compile(int_wat.as_bytes(), &crate::Options::default()).unwrap().object, "{abi:?}");
    }
}
