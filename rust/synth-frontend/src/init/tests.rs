use super::*;
use crate::{DataSegment, ElemSegment, FuncInfo, GlobalInfo, ImportName, MemoryInfo, RefKind, TableInfo};
use std::cell::RefCell;
use std::rc::Rc;
use synth_ir::interp::{code_address, CallTarget, Exit, Machine, ModuleEnv};
use synth_ir::verify::verify_or_text;

fn func(sig_id: u32, sig: Signature) -> FuncInfo {
    FuncInfo { type_index: sig_id, sig_id, sig, import: None, name: None, exports: vec![] }
}

fn global(ty: Type, init: GlobalInit, imported: bool) -> GlobalInfo {
    GlobalInfo {
        ty,
        mutable: false,
        import: imported.then(|| ImportName { module: "env".into(), field: "g".into() }),
        init,
        exports: vec![],
    }
}

fn memory(initial: u32, reserved: u32) -> Option<MemoryInfo> {
    Some(MemoryInfo {
        initial_pages: initial,
        declared_max_pages: None,
        reserved_pages: reserved,
        grows: false,
        import: None,
        exports: vec![],
    })
}

fn table(initial: u32) -> TableInfo {
    TableInfo { elem: RefKind::Func, initial, maximum: None, reserved: initial, import: None, exports: vec![] }
}

fn data(offset: Option<ConstExpr>, bytes: &[u8]) -> DataSegment {
    DataSegment { active_offset: offset, bytes: bytes.to_vec() }
}

fn elem(active: Option<(u32, ConstExpr)>, declared: bool, items: &[Option<u32>]) -> ElemSegment {
    ElemSegment { active, declared, items: items.to_vec() }
}

fn sample_module() -> ModuleInfo {
    let unit = Signature::default();
    let i_i = Signature { params: vec![Type::I32], results: vec![Type::I32] };
    ModuleInfo {
        types: vec![unit.clone(), i_i.clone()],
        funcs: vec![func(1, i_i.clone()), func(0, unit.clone()), func(0, unit)],
        num_imported_funcs: 0,
        globals: vec![
            global(Type::I32, GlobalInit::Imported, true),
            global(Type::I64, GlobalInit::Imported, true),
            global(Type::I32, GlobalInit::GlobalGet(0), false),
            global(Type::I64, GlobalInit::GlobalGet(1), false),
            global(Type::I32, GlobalInit::Const(5), false),
        ],
        memory: memory(1, 2),
        tables: vec![table(4)],
        data: vec![
            data(Some(ConstExpr::I32(16)), b"hello"),
            data(None, b"xyz"),
            data(Some(ConstExpr::GlobalGet(0)), &[1, 2, 3, 4, 5, 6, 7, 8, 9]),
        ],
        elems: vec![
            elem(Some((0, ConstExpr::I32(1))), false, &[Some(0), None, Some(1)]),
            elem(None, false, &[Some(2)]),
            elem(None, true, &[Some(1)]),
        ],
        start: Some(2),
        section_names: Default::default(),
        name: None,
        foreign_refs: None,
        shared_refs: None,
    }
}

/// A machine with the module's symbols defined: memory (size word 0),
/// tables, data segments, imported globals 0 = 10 and 1 = 0x1122334455667788.
fn machine_for(info: &ModuleInfo) -> Machine {
    let mut m = Machine::new();
    if let Some(mem) = &info.memory {
        m.set_memory(mem.reserved_pages, 0).unwrap();
    }
    // The size word as the object writer lays it out.
    if let Some(bytes) = memory_size_word(info) {
        m.set_symbol_u32(SymbolRef::MemorySize, bytes).unwrap();
    }
    // Tables with the preset segments' entries and the length words with
    // their values after instantiation, as the object writer lays them out.
    for (i, t) in info.tables.iter().enumerate() {
        let mut bytes = vec![0u8; (t.reserved.max(t.initial) * 8) as usize];
        for (at, (type_word, f)) in preset_table_entries(info, i as u32) {
            let func = f.map_or(0, |f| code_address(CallTarget::Func(f)));
            bytes[at as usize * 8..at as usize * 8 + 4].copy_from_slice(&type_word.to_le_bytes());
            bytes[at as usize * 8 + 4..at as usize * 8 + 8].copy_from_slice(&func.to_le_bytes());
        }
        m.define_symbol_bytes(SymbolRef::Table(i as u32), &bytes).unwrap();
        if t.import.is_none() {
            m.set_symbol_u32(SymbolRef::TableSize(i as u32), t.initial).unwrap();
        }
    }
    for (i, d) in info.data.iter().enumerate() {
        m.define_symbol_bytes(SymbolRef::DataSegment(i as u32), &d.bytes).unwrap();
        let len = segment_length_after_init(d.active_offset.is_some(), false, d.bytes.len());
        m.define_symbol_bytes(SymbolRef::DataSegmentLen(i as u32), &len.to_le_bytes()).unwrap();
    }
    for (i, e) in info.elems.iter().enumerate() {
        // A preset segment's entries are in the table already.
        let items: &[Option<u32>] = if preset_elems(info)[i] { &[] } else { &e.items };
        let mut bytes = Vec::new();
        for item in items {
            let (type_word, func) = match item {
                Some(f) => (info.funcs[*f as usize].sig_id + 1, code_address(CallTarget::Func(*f))),
                None => (0, 0),
            };
            bytes.extend_from_slice(&type_word.to_le_bytes());
            bytes.extend_from_slice(&func.to_le_bytes());
        }
        m.define_symbol_bytes(SymbolRef::ElemSegment(i as u32), &bytes).unwrap();
        let len = segment_length_after_init(e.active.is_some(), e.declared, e.items.len());
        m.define_symbol_bytes(SymbolRef::ElemSegmentLen(i as u32), &len.to_le_bytes()).unwrap();
    }
    // The data segment table, as the object writer lays it out.
    if let Some(entries) = data_table(info) {
        let mut bytes = Vec::new();
        for e in entries {
            let len = info.data[e.segment as usize].bytes.len() as u32;
            let src = m.symbol_addr(SymbolRef::DataSegment(e.segment)).unwrap();
            let len_word = m.symbol_addr(SymbolRef::DataSegmentLen(e.segment)).unwrap();
            for w in [e.offset, len, src, len_word] {
                bytes.extend_from_slice(&w.to_le_bytes());
            }
        }
        assert_eq!(bytes.len() % DATA_TABLE_ENTRY_BYTES as usize, 0);
        m.define_symbol_bytes(SymbolRef::DataInitTable, &bytes).unwrap();
    }
    m.write_symbol(SymbolRef::Global(0), 0, &10u64.to_le_bytes()).unwrap();
    m.write_symbol(SymbolRef::Global(1), 0, &0x1122_3344_5566_7788u64.to_le_bytes()).unwrap();
    m.write_symbol(SymbolRef::Global(4), 0, &5u64.to_le_bytes()).unwrap();
    m
}

fn built(info: &ModuleInfo) -> Function {
    let f = build(info, &FrontendOptions::default());
    verify_or_text(&f).unwrap_or_else(|e| panic!("{e}"));
    assert!(f.sig.params.is_empty() && f.sig.results.is_empty());
    f
}

/// Runs init with a start function (func 2) that snapshots memory bytes
/// 10..21 when called. Returns the result and the snapshots.
fn run_init(info: &ModuleInfo, m: &mut Machine) -> (Result<Vec<u64>, Exit>, Vec<Vec<u8>>) {
    let f = built(info);
    let seen = Rc::new(RefCell::new(Vec::new()));
    let seen2 = seen.clone();
    let mut env = ModuleEnv::new();
    env.add_host(2, move |m, _| {
        let base = m.symbol_addr(SymbolRef::Memory)?;
        seen2.borrow_mut().push(m.read(base + 10, 11)?);
        Ok(vec![])
    });
    let r = m.run(&f, &[], &mut env);
    let snaps = seen.borrow().clone();
    (r, snaps)
}

#[test]
fn init_sets_sizes_globals_tables_data_and_runs_start() {
    let info = sample_module();
    let mut m = machine_for(&info);
    let (r, snaps) = run_init(&info, &mut m);
    assert_eq!(r, Ok(vec![]));
    assert_eq!(m.symbol_u32(SymbolRef::MemorySize), Ok(65536));
    assert_eq!(m.symbol_u32(SymbolRef::TableSize(0)), Ok(4));
    assert_eq!(m.read_symbol(SymbolRef::Global(2), 0, 4).unwrap(), 10u32.to_le_bytes());
    assert_eq!(m.read_symbol(SymbolRef::Global(3), 0, 8).unwrap(), 0x1122_3344_5566_7788u64.to_le_bytes());
    assert_eq!(m.read_symbol(SymbolRef::Global(4), 0, 8).unwrap(), 5u64.to_le_bytes(), "const global untouched");

    // Table: entry 0 untouched, 1..=3 from elem segment 0.
    let t = m.read_symbol(SymbolRef::Table(0), 0, 32).unwrap();
    let word = |i: usize| u32::from_le_bytes([t[i * 4], t[i * 4 + 1], t[i * 4 + 2], t[i * 4 + 3]]);
    assert_eq!((word(0), word(1)), (0, 0));
    assert_eq!((word(2), word(3)), (2, code_address(CallTarget::Func(0))));
    assert_eq!((word(4), word(5)), (0, 0));
    assert_eq!((word(6), word(7)), (1, code_address(CallTarget::Func(1))));

    // Data: segment 2 (at global 0 = 10) overwrites part of segment 0 (at 16).
    let base = m.symbol_addr(SymbolRef::Memory).unwrap();
    let mut want = vec![0u8; 24];
    want[16..21].copy_from_slice(b"hello");
    want[10..19].copy_from_slice(&[1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert_eq!(m.read(base, 24).unwrap(), want);

    let lens: Vec<u32> = (0..3).map(|i| m.symbol_u32(SymbolRef::DataSegmentLen(i)).unwrap()).collect();
    assert_eq!(lens, vec![0, 3, 0]);
    let lens: Vec<u32> = (0..3).map(|i| m.symbol_u32(SymbolRef::ElemSegmentLen(i)).unwrap()).collect();
    assert_eq!(lens, vec![0, 1, 0]);

    // Start ran once, after the data was in place.
    assert_eq!(snaps, vec![want[10..21].to_vec()]);
}

#[test]
fn elem_segment_out_of_bounds_traps_after_earlier_segments() {
    let mut info = sample_module();
    info.tables = vec![table(3)];
    // Segment 0 (offset 1, 3 items) needs 4 entries: traps.
    info.elems.insert(0, elem(Some((0, ConstExpr::I32(0))), false, &[Some(1)]));
    let mut m = machine_for(&info);
    let (r, snaps) = run_init(&info, &mut m);
    assert_eq!(r, Err(Exit::Trap(TrapCode::TableAccessOutOfBounds)));
    assert!(snaps.is_empty(), "start must not run");
    // The first segment was applied, no data was copied.
    assert_eq!(m.read_symbol(SymbolRef::Table(0), 0, 4).unwrap(), 1u32.to_le_bytes());
    let base = m.symbol_addr(SymbolRef::Memory).unwrap();
    assert_eq!(m.read(base + 16, 5).unwrap(), vec![0; 5]);
}

#[test]
fn elem_bounds_edge_cases() {
    let cases: &[(i32, usize, bool)] = &[
        (4, 0, true),  // empty segment at the end: fine
        (5, 0, false), // empty segment past the end: traps
        (3, 1, true),
        (3, 2, false),
        (-1, 1, false), // offset 0xffffffff: no wrap-around
        (0, 5, false),
    ];
    for &(offset, n, ok) in cases {
        let mut info = sample_module();
        info.elems = vec![elem(Some((0, ConstExpr::I32(offset))), false, &vec![Some(0); n])];
        let mut m = machine_for(&info);
        let (r, _) = run_init(&info, &mut m);
        let want = if ok { Ok(vec![]) } else { Err(Exit::Trap(TrapCode::TableAccessOutOfBounds)) };
        assert_eq!(r, want, "offset {offset} len {n}");
    }
}

#[test]
fn data_segment_out_of_bounds_traps() {
    let cases: &[(i32, usize, bool)] =
        &[(65536, 0, true), (65537, 0, false), (65534, 2, true), (65535, 2, false), (-1, 1, false)];
    for &(offset, n, ok) in cases {
        let mut info = sample_module();
        info.data.push(data(Some(ConstExpr::I32(offset)), &vec![0xab; n]));
        let mut m = machine_for(&info);
        let (r, snaps) = run_init(&info, &mut m);
        let want = if ok { Ok(vec![]) } else { Err(Exit::Trap(TrapCode::MemoryOutOfBounds)) };
        assert_eq!(r, want, "offset {offset} len {n}");
        assert_eq!(snaps.len(), ok as usize);
        // Earlier segments were copied either way.
        let base = m.symbol_addr(SymbolRef::Memory).unwrap();
        assert_eq!(m.read(base + 19, 2).unwrap(), b"lo");
        if ok && n > 0 {
            assert_eq!(m.read(base + offset as u32, n as u32).unwrap(), vec![0xab; n]);
        }
    }
}

#[test]
fn minimal_module_init_just_returns() {
    let info = ModuleInfo::default();
    let f = built(&info);
    assert_eq!(f.inst_count(), 0);
    assert_eq!(Machine::new().run_simple(&f, &[]), Ok(vec![]));
}

#[test]
fn ref_func_globals_hold_table_entries() {
    let mut info = sample_module();
    info.globals.push(global(Type::I64, GlobalInit::RefFunc(Some(0)), false));
    info.globals.push(global(Type::I64, GlobalInit::RefFunc(None), false));
    let mut m = machine_for(&info);
    let (r, _) = run_init(&info, &mut m);
    assert_eq!(r, Ok(vec![]));
    let entry = m.read_symbol(SymbolRef::Global(5), 0, 8).unwrap();
    let sig_id = info.funcs[0].sig_id;
    assert_eq!(entry[..4], (sig_id + 1).to_le_bytes());
    let addr = m.symbol_addr(SymbolRef::Func(0)).unwrap();
    assert_eq!(entry[4..], addr.to_le_bytes());
    assert_eq!(m.read_symbol(SymbolRef::Global(6), 0, 8).unwrap(), [0; 8], "null stays null");
}

#[test]
fn init_leaves_an_imported_memorys_size_word_alone() {
    let mut info = sample_module();
    info.memory.as_mut().unwrap().import = Some(crate::ImportName { module: "a".into(), field: "mem".into() });
    info.data.clear();
    let mut m = machine_for(&info);
    // The provider's memory has grown to 2 pages.
    m.set_symbol_u32(SymbolRef::MemorySize, 2 << 16).unwrap();
    let (r, _) = run_init(&info, &mut m);
    assert_eq!(r, Ok(vec![]));
    assert_eq!(m.symbol_u32(SymbolRef::MemorySize), Ok(2 << 16));
}

/// The sample module with its data segments replaced by `segs`.
fn with_data(segs: Vec<DataSegment>) -> ModuleInfo {
    let mut info = sample_module();
    info.data = segs;
    info
}

#[test]
fn many_constant_segments_are_copied_by_one_loop_over_the_table() {
    let segs = vec![
        data(Some(ConstExpr::I32(16)), b"hello"),
        data(None, b"xyz"),
        data(Some(ConstExpr::I32(12)), b"ABCDEFG"), // overwrites "hel" of segment 0
        data(Some(ConstExpr::I32(30)), b""),
        data(Some(ConstExpr::I32(40)), &[7; 13]),
    ];
    let info = with_data(segs);
    assert_eq!(
        data_table(&info).unwrap(),
        vec![
            DataTableEntry { segment: 0, offset: 16 },
            DataTableEntry { segment: 2, offset: 12 },
            DataTableEntry { segment: 3, offset: 30 },
            DataTableEntry { segment: 4, offset: 40 }
        ]
    );
    let mut m = machine_for(&info);
    // The loop zeroes the active segments' words (the image has 0 there
    // already); the passive one keeps its image value.
    for i in [0, 2, 3, 4] {
        m.set_symbol_u32(SymbolRef::DataSegmentLen(i), 99).unwrap();
    }
    let (r, snaps) = run_init(&info, &mut m);
    assert_eq!(r, Ok(vec![]));
    let base = m.symbol_addr(SymbolRef::Memory).unwrap();
    let mut want = vec![0u8; 56];
    want[16..21].copy_from_slice(b"hello");
    want[12..19].copy_from_slice(b"ABCDEFG");
    want[40..53].copy_from_slice(&[7; 13]);
    assert_eq!(m.read(base, 56).unwrap(), want);
    let lens: Vec<u32> = (0..5).map(|i| m.symbol_u32(SymbolRef::DataSegmentLen(i)).unwrap()).collect();
    assert_eq!(lens, vec![0, 3, 0, 0, 0], "active segments dropped, the passive one keeps its length");
    assert_eq!(snaps.len(), 1, "start ran after the copies");

    // The same code for 4 or 400 segments: the table grows, not the function.
    let many: Vec<DataSegment> = (0..400).map(|k| data(Some(ConstExpr::I32(k * 8)), b"12345678")).collect();
    let few = built(&with_data(many[..4].to_vec()));
    let lots = built(&with_data(many));
    assert_eq!(few.inst_count(), lots.inst_count());
    assert_eq!(few.blocks.len(), lots.blocks.len());
}

#[test]
fn table_loop_traps_at_the_first_segment_out_of_bounds() {
    let segs = vec![
        data(Some(ConstExpr::I32(0)), b"one"),
        data(Some(ConstExpr::I32(8)), b"two"),
        data(Some(ConstExpr::I32(65534)), b"three"),
        data(Some(ConstExpr::I32(16)), b"four"),
    ];
    let info = with_data(segs);
    assert!(data_table(&info).is_some());
    let mut m = machine_for(&info);
    let (r, snaps) = run_init(&info, &mut m);
    assert_eq!(r, Err(Exit::Trap(TrapCode::MemoryOutOfBounds)));
    assert!(snaps.is_empty(), "start must not run");
    let base = m.symbol_addr(SymbolRef::Memory).unwrap();
    // Segments 0 and 1 copied, segment 3 (after the trap) not.
    let mut want = vec![0u8; 20];
    want[0..3].copy_from_slice(b"one");
    want[8..11].copy_from_slice(b"two");
    assert_eq!(m.read(base, 20).unwrap(), want);
    // Edge cases of the check, as for the code per segment.
    let cases: &[(i32, usize, bool)] =
        &[(65536, 0, true), (65537, 0, false), (65534, 2, true), (65535, 2, false), (-1, 1, false), (-1, 0, false)];
    for &(offset, n, ok) in cases {
        let mut segs = vec![data(Some(ConstExpr::I32(0)), b"a"), data(Some(ConstExpr::I32(4)), b"b")];
        segs.push(data(Some(ConstExpr::I32(offset)), &vec![0xab; n]));
        let info = with_data(segs);
        assert!(data_table(&info).is_some());
        let mut m = machine_for(&info);
        let (r, _) = run_init(&info, &mut m);
        let want = if ok { Ok(vec![]) } else { Err(Exit::Trap(TrapCode::MemoryOutOfBounds)) };
        assert_eq!(r, want, "offset {offset} len {n}");
    }
}

#[test]
fn few_segments_or_a_global_offset_keep_the_code_per_segment() {
    let two = with_data(vec![data(Some(ConstExpr::I32(0)), b"a"), data(Some(ConstExpr::I32(4)), b"b"), data(None, b"c")]);
    assert_eq!(data_table(&two), None);
    let global = with_data(vec![
        data(Some(ConstExpr::I32(0)), b"a"),
        data(Some(ConstExpr::I32(4)), b"b"),
        data(Some(ConstExpr::GlobalGet(0)), b"c"),
        data(Some(ConstExpr::I32(8)), b"d"),
    ]);
    assert_eq!(data_table(&global), None);
    assert!(!format!("{:?}", built(&global)).contains("DataInitTable"));
    let mut no_memory = with_data(vec![]);
    no_memory.memory = None;
    assert_eq!(data_table(&no_memory), None);
}

#[test]
fn preset_elems_is_the_run_of_safe_active_segments_from_the_first() {
    let mut info = sample_module();
    info.tables = vec![table(8)];
    info.elems = vec![
        elem(Some((0, ConstExpr::I32(0))), false, &[Some(0)]),
        elem(None, false, &[Some(2)]),                               // passive: not active, skipped
        elem(Some((0, ConstExpr::I32(6))), false, &[Some(1), None]), // ends at 8: fits
        elem(Some((0, ConstExpr::GlobalGet(0))), false, &[Some(1)]), // not constant: init's
        elem(Some((0, ConstExpr::I32(0))), false, &[Some(2)]),       // after it: init's too
    ];
    assert_eq!(preset_elems(&info), vec![true, false, true, false, false]);
    let entries = preset_table_entries(&info, 0);
    assert_eq!(entries.into_iter().collect::<Vec<_>>(), vec![(0, (2, Some(0))), (6, (1, Some(1))), (7, (0, None))]);
    // Out of bounds (it traps at init) or an imported table stop the run.
    info.elems[0] = elem(Some((0, ConstExpr::I32(8))), false, &[Some(0)]);
    assert_eq!(preset_elems(&info), vec![false; 5]);
    info.elems[0] = elem(Some((0, ConstExpr::I32(0))), false, &[Some(0)]);
    info.tables[0].import = Some(ImportName { module: "env".into(), field: "t".into() });
    assert_eq!(preset_elems(&info), vec![false; 5]);
}

#[test]
fn a_long_segment_init_handles_is_copied_from_its_entries_after_the_preset_ones() {
    let mut info = sample_module();
    info.tables = vec![table(16)];
    let items = [Some(1), None, Some(0), Some(2), Some(1)];
    assert!(items.len() >= ELEM_COPY_MIN_ITEMS);
    info.elems = vec![
        elem(Some((0, ConstExpr::I32(9))), false, &[Some(2), Some(2)]), // preset: 9, 10
        elem(Some((0, ConstExpr::GlobalGet(0))), false, &items),        // global 0 = 10: 10..=14
    ];
    assert_eq!(preset_elems(&info), vec![true, false]);
    let mut m = machine_for(&info);
    let (r, _) = run_init(&info, &mut m);
    assert_eq!(r, Ok(vec![]));
    let t = m.read_symbol(SymbolRef::Table(0), 0, 16 * 8).unwrap();
    let entry = |k: usize| {
        let w = |o: usize| u32::from_le_bytes(t[o..o + 4].try_into().unwrap());
        (w(k * 8), w(k * 8 + 4))
    };
    let f = |i: u32| code_address(CallTarget::Func(i));
    assert_eq!(entry(8), (0, 0));
    assert_eq!(entry(9), (1, f(2)), "preset");
    let want = [(1, f(1)), (0, 0), (2, f(0)), (1, f(2)), (1, f(1))];
    assert_eq!((10..15).map(entry).collect::<Vec<_>>(), want, "copied over the preset entry 10");
    assert_eq!(entry(15), (0, 0));
    // The copy is a loop: its code does not grow with the segment.
    let mut longer = info.clone();
    longer.elems[1].items = vec![Some(1); 100];
    longer.tables = vec![table(200)];
    assert_eq!(built(&info).inst_count(), built(&longer).inst_count());
}

#[test]
fn constant_length_copies_write_exactly_the_segment() {
    // Lengths around the word, unroll and loop boundaries, at aligned and
    // unaligned offsets; the neighbouring bytes stay zero.
    for len in 0..=21usize {
        for offset in [100i32, 101, 103] {
            let mut info = sample_module();
            let bytes: Vec<u8> = (0..len).map(|k| 0x41 + k as u8).collect();
            info.data = vec![data(Some(ConstExpr::I32(offset)), &bytes)];
            info.start = None;
            let mut m = machine_for(&info);
            let (r, _) = run_init(&info, &mut m);
            assert_eq!(r, Ok(vec![]), "offset {offset} len {len}");
            let base = m.symbol_addr(SymbolRef::Memory).unwrap();
            let got = m.read(base + offset as u32 - 4, len as u32 + 8).unwrap();
            let mut want = vec![0u8; len + 8];
            want[4..4 + len].copy_from_slice(&bytes);
            assert_eq!(got, want, "offset {offset} len {len}");
        }
    }
}

/// Whether `f` stores to the memory-size word.
fn writes_memory_size(f: &Function) -> bool {
    writes_symbol(f, SymbolRef::MemorySize)
}

/// Whether `f` stores to the address of `sym` (offset 0).
fn writes_symbol(f: &Function, sym: SymbolRef) -> bool {
    let insts: Vec<&synth_ir::Inst> = f.blocks.iter().flat_map(|b| &b.insts).collect();
    let size_addrs: Vec<Value> = insts
        .iter()
        .filter(|i| matches!(i.kind, InstKind::SymbolAddr { sym: s, addend: 0 } if s == sym))
        .flat_map(|i| i.results.clone())
        .collect();
    insts.iter().any(|i| matches!(&i.kind, InstKind::Store { addr, .. } if size_addrs.contains(addr)))
}

#[test]
fn memory_size_word_is_preset_and_written_only_for_a_memory_that_may_grow() {
    // Static (no memory.grow, not exported): .data holds the size, init leaves it.
    let info = sample_module();
    assert!(info.static_memory_bytes().is_some());
    assert_eq!(memory_size_word(&info), Some(65536));
    assert!(!writes_memory_size(&built(&info)));
    let mut m = machine_for(&info);
    assert_eq!(m.symbol_u32(SymbolRef::MemorySize), Ok(65536), "right before init");
    assert_eq!(run_init(&info, &mut m).0, Ok(vec![]));
    assert_eq!(m.symbol_u32(SymbolRef::MemorySize), Ok(65536));

    // May grow: a second init resets a grown memory's size word.
    let mut info = sample_module();
    info.memory.as_mut().unwrap().grows = true;
    assert!(info.static_memory_bytes().is_none());
    assert!(writes_memory_size(&built(&info)));
    let mut m = machine_for(&info);
    m.set_symbol_u32(SymbolRef::MemorySize, 2 << 16).unwrap();
    assert_eq!(run_init(&info, &mut m).0, Ok(vec![]));
    assert_eq!(m.symbol_u32(SymbolRef::MemorySize), Ok(65536));

    // Imported: the provider's word, never written.
    info.memory.as_mut().unwrap().import = Some(ImportName { module: "a".into(), field: "mem".into() });
    assert_eq!(memory_size_word(&info), None);
    assert!(!writes_memory_size(&built(&info)));
}

#[test]
fn table_size_word_is_written_only_for_a_table_with_room_to_grow() {
    let writes_table_size = |f: &Function| writes_symbol(f, SymbolRef::TableSize(0));
    let mut info = sample_module();
    info.tables[0].reserved = info.tables[0].initial;
    assert!(!writes_table_size(&built(&info)));
    let mut m = machine_for(&info);
    assert_eq!(run_init(&info, &mut m).0, Ok(vec![]));
    assert_eq!(m.symbol_u32(SymbolRef::TableSize(0)), Ok(4));

    info.tables[0].reserved = 10;
    assert!(writes_table_size(&built(&info)));
    let mut m = machine_for(&info);
    m.set_symbol_u32(SymbolRef::TableSize(0), 9).unwrap();
    assert_eq!(run_init(&info, &mut m).0, Ok(vec![]));
    assert_eq!(m.symbol_u32(SymbolRef::TableSize(0)), Ok(4), "a grown table is reset");
}
