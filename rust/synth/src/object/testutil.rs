//! Hand-made module descriptions and compiled functions for the object
//! writer's tests (the front end and backend are not needed).

use synth_frontend::{
    ConstExpr, DataSegment, ElemSegment, FuncInfo, GlobalInfo, GlobalInit, ImportName, MemoryInfo, ModuleInfo,
    RefKind, TableInfo,
};
use synth_ir::{Signature, Type};

/// An import name.
pub fn imp(module: &str, field: &str) -> Option<ImportName> {
    Some(ImportName { module: module.into(), field: field.into() })
}

/// A function of signature `params -> results`.
pub fn func(params: &[Type], results: &[Type], sig_id: u32, import: Option<ImportName>, exports: &[&str]) -> FuncInfo {
    FuncInfo {
        type_index: sig_id,
        sig_id,
        sig: Signature { params: params.to_vec(), results: results.to_vec() },
        import,
        name: None,
        exports: exports.iter().map(|s| s.to_string()).collect(),
    }
}

/// A global.
pub fn global(ty: Type, mutable: bool, init: GlobalInit, import: Option<ImportName>, exports: &[&str]) -> GlobalInfo {
    GlobalInfo { ty, mutable, import, init, exports: exports.iter().map(|s| s.to_string()).collect() }
}

/// A module: imported `env.host_log(i32)`, imported global `env.base`;
/// defined func 1 `add(i32, i32) -> i32` exported as `add`, func 2 internal
/// `() -> ()`, func 3 exported `pair(i64) -> (i32, i64)`; memory of 2
/// pages; globals: imported `env.base`, `counter` (i32 7, exported mutable),
/// internal i64 -2; one table of 4; one data segment "hi!"; one elem
/// segment `[func 1, null, func 0]`.
pub fn sample_module() -> ModuleInfo {
    use Type::*;
    ModuleInfo {
        types: vec![],
        funcs: vec![
            func(&[I32], &[], 0, imp("env", "host_log"), &[]),
            func(&[I32, I32], &[I32], 1, None, &["add"]),
            func(&[], &[], 2, None, &[]),
            func(&[I64], &[I32, I64], 3, None, &["pair"]),
        ],
        num_imported_funcs: 1,
        globals: vec![
            global(I32, false, GlobalInit::Imported, imp("env", "base"), &[]),
            global(I32, true, GlobalInit::Const(7), None, &["counter"]),
            global(I64, false, GlobalInit::Const(-2), None, &[]),
        ],
        memory: Some(MemoryInfo {
            initial_pages: 1,
            declared_max_pages: Some(2),
            reserved_pages: 2,
            grows: false,
            import: None,
            exports: vec!["memory".into()],
        }),
        tables: vec![TableInfo { elem: RefKind::Func, initial: 4, maximum: None, reserved: 4, import: None, exports: vec![] }],
        data: vec![DataSegment { active_offset: Some(ConstExpr::I32(16)), bytes: b"hi!".to_vec() }],
        // Active at a constant offset within the table: preset in the
        // table's `.data` image; the passive copy stays in `.rodata`.
        elems: vec![
            ElemSegment { active: Some((0, ConstExpr::I32(0))), declared: false, items: vec![Some(1), None, Some(0)] },
            ElemSegment { active: None, declared: false, items: vec![Some(1), None, Some(0)] },
        ],
        start: None,
        section_names: Default::default(),
        name: Some("sample".into()),
        foreign_refs: None,
        shared_refs: None,
    }
}

use synth_frontend::FunctionKind;
use synth_ir::SymbolRef;
use synth_thumb2::{CompiledFunction, RelocTarget, Relocation};
use synth_thumb2_enc::RelocKind;

/// `bx lr`.
pub const BX_LR: [u8; 2] = [0x70, 0x47];
/// `bl .` as GNU as encodes a call to a symbol (REL addend -4).
pub const BL_REL: [u8; 4] = [0xff, 0xf7, 0xfe, 0xff];
/// `b.w .` as GNU as encodes a tail call to a symbol (REL addend -4).
pub const BW_REL: [u8; 4] = [0xff, 0xf7, 0xfe, 0xbf];
/// `movw r0, #0`.
pub const MOVW_R0: [u8; 4] = [0x40, 0xf2, 0x00, 0x00];
/// `movt r0, #0`.
pub const MOVT_R0: [u8; 4] = [0xc0, 0xf2, 0x00, 0x00];

fn reloc(offset: u32, kind: RelocKind, target: RelocTarget) -> Relocation {
    Relocation { offset, kind, target, addend: 0 }
}

/// Compiled functions for [`sample_module`], in `.text` order:
/// `add` (bx lr), func 2 (calls `add`, takes the memory address, calls the
/// trap and `host_log`, tail-calls `host_log`, returns; then a 4-byte data
/// word), `pair` (bx lr) and init (bx lr).
pub fn sample_functions() -> Vec<(FunctionKind, CompiledFunction)> {
    let leaf = crate::stats::tests::compiled(BX_LR.to_vec());
    let mut f2 = crate::stats::tests::compiled(
        [&BL_REL[..], &MOVW_R0, &MOVT_R0, &BL_REL, &BL_REL, &BW_REL, &BX_LR, &[0xef, 0xbe, 0xad, 0xde]].concat(),
    );
    f2.relocs = vec![
        reloc(0, RelocKind::ThmCall, RelocTarget::Symbol(SymbolRef::Func(1))),
        reloc(4, RelocKind::ThmMovwAbsNc, RelocTarget::Symbol(SymbolRef::Memory)),
        reloc(8, RelocKind::ThmMovtAbs, RelocTarget::Symbol(SymbolRef::Memory)),
        reloc(12, RelocKind::ThmCall, RelocTarget::Trap),
        reloc(16, RelocKind::ThmCall, RelocTarget::Symbol(SymbolRef::Func(0))),
        reloc(20, RelocKind::ThmJump24, RelocTarget::Symbol(SymbolRef::Func(0))),
    ];
    f2.data_ranges = vec![26..30];
    vec![
        (FunctionKind::Wasm(1), leaf.clone()),
        (FunctionKind::Wasm(2), f2),
        (FunctionKind::Wasm(3), leaf.clone()),
        (FunctionKind::Init, leaf),
    ]
}
