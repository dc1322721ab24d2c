//! Decoding: wasm bytes → validated [`ModuleInfo`] plus the function bodies
//! still to be lowered.
//!
//! Takes: the wasm binary. Returns: a [`Decoded`] module, or
//! [`FrontendError::Malformed`] when the bytes do not decode,
//! [`FrontendError::Invalid`] (wasmparser's message and offset) when the
//! module fails validation, or [`FrontendError::Unsupported`] for valid
//! constructs synth cannot compile (SIMD,
//! memory64, threads, exceptions, GC types, ...).
//!
//! Order, as the spec's (decode, then validate):
//! 1. [`crate::wellformed::check`] with wasm 3.0 features: bytes that decode
//!    under no version are malformed.
//! 2. The same with wasm 2.0 features. Wasm 3.0 reads some encodings more
//!    liberally (u64 memory limits, a LEB memory index where 2.0 has a
//!    reserved zero byte), so a module can pass 1 and fail 2; it is then
//!    malformed as wasm 2.0, the version synth implements, unless step 3
//!    finds it valid and step 4 declines it as a later proposal.
//! 3. Validation with the wasm 3.0 feature set (a superset of wasm 2.0), so
//!    that a module using a later proposal is reported as *unsupported*
//!    rather than *invalid*; everything beyond wasm 2.0 integer code is then
//!    declined here or by the lowering. Wasm 2.0 rules that 3.0 relaxed are
//!    checked here on top: a constant expression may `global.get` only an
//!    imported global ("unknown global" otherwise), and a module has at most
//!    one memory.
//! 4. Collecting [`ModuleInfo`].
//!
//! Reference values ([`RefKind`]): a `funcref` is represented in the IR as
//! an `i64` holding a table entry (`SymbolRef::Table` layout): low word the
//! function's type word ([`type_word`], 0 = null), high word the code
//! address; an `externref` as an `i32` handle (0 = null).

use std::collections::HashMap;

use crate::wellformed::{self, DecodeError, Facts};
use crate::{
    ConstExpr, DataSegment, ElemSegment, FrontendError, FrontendOptions, FuncInfo, GlobalInfo, GlobalInit,
    ImportName, MemoryInfo, ModuleInfo, RefKind, TableInfo,
};
use synth_ir::{Signature, Type};
use wasmparser::{
    CompositeInnerType, DataKind, ElementItems, ElementKind, ExternalKind, FuncType, FunctionBody, KnownCustom,
    Name, Operator, Parser, Payload, RefType, TableInit, TypeRef, ValType, Validator, WasmFeatures,
};

/// Largest number of 64 KiB pages a 32-bit memory can have.
pub const MAX_PAGES: u32 = 65536;

/// A defined function's body, still to be lowered.
pub struct FuncBody<'a> {
    /// Wasm function index (imports counted first).
    pub index: u32,
    /// The body (locals and operators).
    pub body: FunctionBody<'a>,
}

/// The result of [`decode`].
pub struct Decoded<'a> {
    /// Module-level information.
    pub info: ModuleInfo,
    /// Bodies of the defined functions, in index order.
    pub bodies: Vec<FuncBody<'a>>,
    /// Canonical signature id of every type index (equal wasm function
    /// types share an id).
    pub type_sig_ids: Vec<u32>,
    /// For each type index, the reason it cannot be expressed in the IR
    /// (e.g. `"f32"`), with the byte offset of the type.
    pub type_errors: Vec<Option<(String, usize)>>,
}

/// Converts a wasmparser error into [`FrontendError::Invalid`].
pub fn invalid(e: wasmparser::BinaryReaderError) -> FrontendError {
    FrontendError::Invalid { offset: e.offset() as usize, message: e.message().to_string() }
}

/// Converts a decoding error into [`FrontendError::Malformed`].
pub fn malformed(e: DecodeError) -> FrontendError {
    FrontendError::Malformed { offset: e.offset, message: e.message }
}

/// Converts a wasm 2.0 decoding error (see the module comment, step 2).
fn malformed_wasm2(e: DecodeError) -> FrontendError {
    FrontendError::Malformed { offset: e.offset, message: format!("{} (as wasm 2.0)", e.message) }
}

/// A second memory: invalid in wasm 2.0 (the multi-memory proposal, part
/// of wasm 3.0, allows it; synth implements 2.0).
fn multiple_memories(offset: u64) -> FrontendError {
    FrontendError::Invalid {
        offset: offset as usize,
        message: "multiple memories: a wasm 2.0 module has at most one (multi-memory is not supported)".into(),
    }
}

/// Most table entries reserved for `table.grow` (8 bytes each) when the
/// module grows a table: the declared maximum, capped here (and never less
/// than the initial size). Like memory pages beyond the reservation, growth
/// past it fails (returns -1), which the spec permits.
pub const TABLE_GROW_RESERVE: u32 = 1024;

/// The wasm 2.0 rule for `global.get` in a constant expression: only
/// imported globals may be read.
fn check_const_global(global: u32, imported_globals: u32, pos: u64) -> Result<(), FrontendError> {
    if global < imported_globals {
        Ok(())
    } else {
        Err(FrontendError::Invalid {
            offset: pos as usize,
            message: format!(
                "unknown global {global}: a wasm 2.0 constant expression may only read imported globals ({imported_globals} here)"
            ),
        })
    }
}

/// A module-level unsupported construct.
fn unsupported(what: impl Into<String>, offset: u64) -> FrontendError {
    FrontendError::Unsupported { func: None, what: what.into(), offset: offset as usize }
}

/// The IR type of a wasm value type, or the wasm text name of the type when
/// synth has no representation for it.
pub fn ir_type(ty: ValType) -> Result<Type, String> {
    match ty {
        ValType::I32 => Ok(Type::I32),
        ValType::I64 => Ok(Type::I64),
        ValType::F32 => Ok(Type::F32),
        ValType::F64 => Ok(Type::F64),
        ValType::V128 => Err("v128".into()),
        ValType::Ref(r) => ref_type(r),
    }
}

/// The IR type of a reference type: `funcref` is an `i64` (a table entry),
/// `externref` an `i32` (an opaque handle); see [`RefKind`].
pub fn ref_type(r: RefType) -> Result<Type, String> {
    ref_kind(r).map(RefKind::ir_type)
}

/// The [`RefKind`] of a nullable `funcref`/`externref`; other reference
/// types (GC, non-nullable, exceptions) by their wasm text name.
pub fn ref_kind(r: RefType) -> Result<RefKind, String> {
    if r == RefType::FUNCREF {
        Ok(RefKind::Func)
    } else if r == RefType::EXTERNREF {
        Ok(RefKind::Extern)
    } else {
        Err(format!("{r}"))
    }
}

/// Most values (parameters and results) of a function type with a
/// structural code: 9 values and the separator are 10 base-7 digits, below
/// 7^10 * 7/6 < 2^30, so the type word `code * 2 + 1` is a positive i32.
pub const MAX_STRUCTURAL_VALUES: usize = 9;

/// The digit of a value type in the structural code of a function type
/// (bijective base 7: 1 is the separator between parameters and results).
fn type_digit(t: ValType) -> Option<u64> {
    match t {
        ValType::I32 => Some(2),
        ValType::I64 => Some(3),
        ValType::F32 => Some(4),
        ValType::F64 => Some(5),
        ValType::Ref(r) if r == RefType::FUNCREF => Some(6),
        ValType::Ref(r) if r == RefType::EXTERNREF => Some(7),
        _ => None,
    }
}

/// Is the type word `sig_id + 1` module-local (even, see [`type_word`])?
pub fn type_word_is_local(sig_id: u32) -> bool {
    sig_id % 2 == 1
}

/// The structural code of a function type, when it has one: the parameters,
/// a separator and the results as digits 1..=7 of a bijective base-7
/// numeral, which reads back in one way only. `None` for types with more
/// than [`MAX_STRUCTURAL_VALUES`] values or with a value type synth has no
/// representation for.
pub fn structural_code(ft: &FuncType) -> Option<u64> {
    if ft.params().len() + ft.results().len() > MAX_STRUCTURAL_VALUES {
        return None;
    }
    let mut code: u64 = 0;
    let digits = ft.params().iter().map(|t| type_digit(*t)).chain(std::iter::once(Some(1))).chain(ft.results().iter().map(|t| type_digit(*t)));
    for d in digits {
        code = code * 7 + d?;
    }
    Some(code)
}

/// The type word of a function type (docs/ABI.md, *Function references*):
/// the word a table entry, a funcref value and `call_indirect` compare.
/// `structural` is [`structural_code`]; `local` the type's canonical index
/// in the module, used only when there is no structural code. Structural
/// words are odd (equal across modules for equal types); local ones even.
/// [`crate::FuncInfo::sig_id`] is the word minus one.
pub fn type_word(structural: Option<u64>, local: u32) -> u32 {
    match structural {
        Some(code) => (code as u32) << 1 | 1,
        None => (local + 1) << 1,
    }
}

/// The IR signature of a wasm function type.
fn ir_signature(ft: &FuncType) -> Result<Signature, String> {
    let params = ft.params().iter().map(|t| ir_type(*t)).collect::<Result<Vec<_>, _>>()?;
    let results = ft.results().iter().map(|t| ir_type(*t)).collect::<Result<Vec<_>, _>>()?;
    Ok(Signature { params, results })
}

/// Validation features: wasm 3.0, so later proposals validate and are then
/// declined as unsupported.
fn features() -> WasmFeatures {
    WasmFeatures::WASM3
}

/// Pages reserved for a memory (see [`FrontendOptions::max_memory_pages`]).
pub fn reserved_pages(initial: u32, declared_max: Option<u32>, opts: &FrontendOptions) -> Result<u32, String> {
    let cap = declared_max.unwrap_or(MAX_PAGES).min(MAX_PAGES);
    let reserved = match opts.max_memory_pages {
        None => declared_max.unwrap_or(initial),
        Some(m) => m.min(cap),
    };
    if reserved < initial {
        return Err(format!(
            "max_memory_pages is {reserved}, below the {initial} initial page{} of the module's memory",
            if initial == 1 { "" } else { "s" }
        ));
    }
    Ok(reserved)
}

/// Reads a constant expression used as a segment offset.
fn offset_expr(e: &wasmparser::ConstExpr<'_>, imported_globals: u32) -> Result<ConstExpr, FrontendError> {
    let mut r = e.get_operators_reader();
    let pos = r.original_position();
    let first = r.read().map_err(invalid)?;
    let c = match first {
        Operator::I32Const { value } => ConstExpr::I32(value),
        Operator::GlobalGet { global_index } => {
            check_const_global(global_index, imported_globals, pos)?;
            ConstExpr::GlobalGet(global_index)
        }
        _ => return Err(unsupported("extended constant expression", pos)),
    };
    match r.read().map_err(invalid)? {
        Operator::End => Ok(c),
        _ => Err(unsupported("extended constant expression", pos)),
    }
}

/// Reads a global initialiser.
fn global_init(e: &wasmparser::ConstExpr<'_>, imported_globals: u32) -> Result<GlobalInit, FrontendError> {
    let mut r = e.get_operators_reader();
    let pos = r.original_position();
    let init = match r.read().map_err(invalid)? {
        Operator::I32Const { value } => GlobalInit::Const(value as i64),
        Operator::I64Const { value } => GlobalInit::Const(value),
        Operator::F32Const { value } => GlobalInit::Const(value.bits() as i64),
        Operator::F64Const { value } => GlobalInit::Const(value.bits() as i64),
        Operator::GlobalGet { global_index } => {
            check_const_global(global_index, imported_globals, pos)?;
            GlobalInit::GlobalGet(global_index)
        }
        Operator::RefNull { .. } => GlobalInit::RefFunc(None),
        Operator::RefFunc { function_index } => GlobalInit::RefFunc(Some(function_index)),
        _ => return Err(unsupported("extended constant expression", pos)),
    };
    match r.read().map_err(invalid)? {
        Operator::End => Ok(init),
        _ => Err(unsupported("extended constant expression", pos)),
    }
}

/// Reads an element-segment item expression (`ref.func i` / `ref.null`).
fn elem_item(e: &wasmparser::ConstExpr<'_>, imported_globals: u32) -> Result<Option<u32>, FrontendError> {
    let mut r = e.get_operators_reader();
    let pos = r.original_position();
    let item = match r.read().map_err(invalid)? {
        Operator::RefNull { .. } => None,
        Operator::RefFunc { function_index } => Some(function_index),
        Operator::GlobalGet { global_index } => {
            check_const_global(global_index, imported_globals, pos)?;
            return Err(unsupported("element expression other than ref.func/ref.null", pos));
        }
        _ => return Err(unsupported("element expression other than ref.func/ref.null", pos)),
    };
    match r.read().map_err(invalid)? {
        Operator::End => Ok(item),
        _ => Err(unsupported("extended constant expression", pos)),
    }
}

fn import_name(module: &str, field: &str) -> ImportName {
    ImportName { module: module.to_string(), field: field.to_string() }
}

/// Checks a memory type and builds its [`MemoryInfo`].
fn memory_info(
    ty: &wasmparser::MemoryType,
    import: Option<ImportName>,
    offset: u64,
    opts: &FrontendOptions,
) -> Result<MemoryInfo, FrontendError> {
    if ty.memory64 {
        return Err(unsupported("memory64", offset));
    }
    if ty.shared {
        return Err(unsupported("shared memory (threads)", offset));
    }
    if ty.page_size_log2.is_some_and(|p| p != 16) {
        return Err(unsupported("custom page size", offset));
    }
    // Validated: a 32-bit memory has at most 65536 pages.
    let initial = u32::try_from(ty.initial).map_err(|_| unsupported("memory larger than 4 GiB", offset))?;
    let declared_max = match ty.maximum {
        Some(m) => Some(u32::try_from(m).map_err(|_| unsupported("memory larger than 4 GiB", offset))?),
        None => None,
    };
    let reserved = reserved_pages(initial, declared_max, opts)
        .map_err(|message| FrontendError::OptionConflict { message, offset: offset as usize })?;
    Ok(MemoryInfo {
        initial_pages: initial,
        declared_max_pages: declared_max,
        reserved_pages: reserved,
        grows: false,
        import,
        exports: Vec::new(),
    })
}

/// Checks a table type and builds its [`TableInfo`].
fn table_info(ty: &wasmparser::TableType, import: Option<ImportName>, offset: u64) -> Result<TableInfo, FrontendError> {
    if ty.table64 {
        return Err(unsupported("table64 (memory64)", offset));
    }
    if ty.shared {
        return Err(unsupported("shared table (threads)", offset));
    }
    let elem = ref_kind(ty.element_type).map_err(|w| unsupported(format!("table of {w}"), offset))?;
    let initial = u32::try_from(ty.initial).map_err(|_| unsupported("table64 (memory64)", offset))?;
    let maximum = match ty.maximum {
        Some(m) => Some(u32::try_from(m).map_err(|_| unsupported("table64 (memory64)", offset))?),
        None => None,
    };
    Ok(TableInfo { elem, initial, maximum, reserved: initial, import, exports: Vec::new() })
}

/// Decodes and validates `wasm` and collects everything about it (see the
/// module comment for the order of the checks).
pub fn decode<'a>(wasm: &'a [u8], opts: &FrontendOptions) -> Result<Decoded<'a>, FrontendError> {
    let facts = wellformed::check(wasm, features()).map_err(malformed)?;
    let wasm2_error = wellformed::check(wasm, WasmFeatures::WASM2).err();
    if let Err(e) = Validator::new_with_features(features()).validate_all(wasm) {
        return Err(match wasm2_error {
            Some(m) => malformed_wasm2(m),
            None => invalid(e),
        });
    }
    match collect(wasm, opts, facts) {
        Err(e @ (FrontendError::Unsupported { .. } | FrontendError::OptionConflict { .. })) => Err(e),
        r => match wasm2_error {
            Some(m) => Err(malformed_wasm2(m)),
            None => r,
        },
    }
}

/// Collects the [`ModuleInfo`] and bodies of a decoded, validated module.
fn collect<'a>(wasm: &'a [u8], opts: &FrontendOptions, facts: Facts) -> Result<Decoded<'a>, FrontendError> {

    let mut info = ModuleInfo::default();
    let mut bodies = Vec::new();
    let mut wasm_types: Vec<FuncType> = Vec::new();
    let mut type_sig_ids = Vec::new();
    let mut first_local_id: HashMap<FuncType, u32> = HashMap::new();
    let mut global_funcref: Vec<bool> = Vec::new();
    // Offset of the first type whose type word is module-local.
    let mut local_type_word: Option<u64> = None;
    let mut type_errors: Vec<Option<(String, usize)>> = Vec::new();
    let mut defined_types: Vec<u32> = Vec::new();
    let mut func_names: Vec<(u32, String)> = Vec::new();
    // Imports come before every other section, so this is final once
    // globals, elements or data are read.
    let mut imported_globals = 0u32;

    let add_func = |info: &mut ModuleInfo, type_index: u32, import: Option<ImportName>, type_sig_ids: &[u32]| {
        let ti = type_index as usize;
        let sig = info.types.get(ti).cloned().unwrap_or_default();
        let sig_id = type_sig_ids.get(ti).copied().unwrap_or(0);
        info.funcs.push(FuncInfo { type_index, sig_id, sig, import, name: None, exports: Vec::new() });
    };

    for payload in Parser::new(0).parse_all(wasm) {
        match payload.map_err(invalid)? {
            Payload::TypeSection(reader) => {
                for group in reader.into_iter_with_offsets() {
                    let (offset, group) = group.map_err(invalid)?;
                    for sub in group.types() {
                        let ft = match &sub.composite_type.inner {
                            CompositeInnerType::Func(ft) if sub.is_final && sub.supertype_idxs.is_empty() => ft,
                            _ => return Err(unsupported("GC types", offset)),
                        };
                        if sub.composite_type.shared || group.is_explicit_rec_group() {
                            return Err(unsupported("GC types", offset));
                        }
                        // Equal types share one local id; a new type takes the next.
                        let next = first_local_id.len() as u32;
                        let local = *first_local_id.entry(ft.clone()).or_insert(next);
                        let structural = structural_code(ft);
                        if structural.is_none() {
                            local_type_word = local_type_word.or(Some(offset));
                        }
                        type_sig_ids.push(type_word(structural, local) - 1);
                        wasm_types.push(ft.clone());
                        match ir_signature(ft) {
                            Ok(sig) => {
                                info.types.push(sig);
                                type_errors.push(None);
                            }
                            Err(what) => {
                                info.types.push(Signature::default());
                                type_errors.push(Some((what, offset as usize)));
                            }
                        }
                    }
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_imports_with_offsets() {
                    let (offset, import) = import.map_err(invalid)?;
                    let name = import_name(import.module, import.name);
                    match import.ty {
                        TypeRef::Func(ti) | TypeRef::FuncExact(ti) => {
                            add_func(&mut info, ti, Some(name), &type_sig_ids);
                            info.num_imported_funcs += 1;
                        }
                        TypeRef::Table(t) => info.tables.push(table_info(&t, Some(name), offset)?),
                        TypeRef::Memory(m) => {
                            if info.memory.is_some() {
                                return Err(multiple_memories(offset));
                            }
                            info.memory = Some(memory_info(&m, Some(name), offset, opts)?);
                        }
                        TypeRef::Global(g) => {
                            if g.shared {
                                return Err(unsupported("shared global (threads)", offset));
                            }
                            let ty = ir_type(g.content_type).map_err(|w| unsupported(format!("{w} global"), offset))?;
                            global_funcref.push(g.content_type == ValType::Ref(RefType::FUNCREF));
                            imported_globals += 1;
                            info.globals.push(GlobalInfo {
                                ty,
                                mutable: g.mutable,
                                import: Some(name),
                                init: GlobalInit::Imported,
                                exports: Vec::new(),
                            });
                        }
                        TypeRef::Tag(_) => return Err(unsupported("exception tag (exceptions)", offset)),
                    }
                }
            }
            Payload::FunctionSection(reader) => {
                for ti in reader {
                    let ti = ti.map_err(invalid)?;
                    defined_types.push(ti);
                    add_func(&mut info, ti, None, &type_sig_ids);
                }
            }
            Payload::TableSection(reader) => {
                for t in reader.into_iter_with_offsets() {
                    let (offset, t) = t.map_err(invalid)?;
                    if let TableInit::Expr(_) = t.init {
                        return Err(unsupported("table initialiser expression", offset));
                    }
                    info.tables.push(table_info(&t.ty, None, offset)?);
                }
            }
            Payload::MemorySection(reader) => {
                for m in reader.into_iter_with_offsets() {
                    let (offset, m) = m.map_err(invalid)?;
                    if info.memory.is_some() {
                        return Err(multiple_memories(offset));
                    }
                    info.memory = Some(memory_info(&m, None, offset, opts)?);
                }
            }
            Payload::TagSection(reader) => {
                return Err(unsupported("exception tag (exceptions)", reader.range().start));
            }
            Payload::GlobalSection(reader) => {
                for g in reader.into_iter_with_offsets() {
                    let (offset, g) = g.map_err(invalid)?;
                    if g.ty.shared {
                        return Err(unsupported("shared global (threads)", offset));
                    }
                    let ty = ir_type(g.ty.content_type).map_err(|w| unsupported(format!("{w} global"), offset))?;
                    let init = global_init(&g.init_expr, imported_globals)?;
                    global_funcref.push(g.ty.content_type == ValType::Ref(RefType::FUNCREF));
                    info.globals.push(GlobalInfo { ty, mutable: g.ty.mutable, import: None, init, exports: Vec::new() });
                }
            }
            Payload::ExportSection(reader) => {
                for e in reader {
                    let e = e.map_err(invalid)?;
                    let name = e.name.to_string();
                    let i = e.index as usize;
                    // Indices are validated.
                    match e.kind {
                        ExternalKind::Func | ExternalKind::FuncExact => {
                            if let Some(f) = info.funcs.get_mut(i) {
                                f.exports.push(name)
                            }
                        }
                        ExternalKind::Table => {
                            if let Some(t) = info.tables.get_mut(i) {
                                t.exports.push(name)
                            }
                        }
                        ExternalKind::Memory => {
                            if let Some(m) = info.memory.as_mut() {
                                m.exports.push(name)
                            }
                        }
                        ExternalKind::Global => {
                            if let Some(g) = info.globals.get_mut(i) {
                                g.exports.push(name)
                            }
                        }
                        ExternalKind::Tag => {
                            return Err(unsupported("exception tag (exceptions)", reader_offset_unknown()))
                        }
                    }
                }
            }
            Payload::StartSection { func, .. } => info.start = Some(func),
            Payload::ElementSection(reader) => {
                for e in reader.into_iter_with_offsets() {
                    let (offset, e) = e.map_err(invalid)?;
                    let (active, declared) = match &e.kind {
                        ElementKind::Passive => (None, false),
                        ElementKind::Declared => (None, true),
                        ElementKind::Active { table_index, offset_expr: oe } => {
                            (Some((table_index.unwrap_or(0), offset_expr(oe, imported_globals)?)), false)
                        }
                    };
                    let mut items = Vec::new();
                    match e.items {
                        ElementItems::Functions(r) => {
                            for f in r {
                                items.push(Some(f.map_err(invalid)?));
                            }
                        }
                        ElementItems::Expressions(rt, r) => {
                            // An externref segment's items are all `ref.null
                            // extern` (a `global.get` is declined below).
                            ref_kind(rt).map_err(|w| unsupported(format!("element segment of {w}"), offset))?;
                            for x in r {
                                items.push(elem_item(&x.map_err(invalid)?, imported_globals)?);
                            }
                        }
                    }
                    info.elems.push(ElemSegment { active, declared, items });
                }
            }
            Payload::DataSection(reader) => {
                for d in reader {
                    let d = d.map_err(invalid)?;
                    let active_offset = match &d.kind {
                        DataKind::Passive => None,
                        DataKind::Active { memory_index, offset_expr: oe } => {
                            if *memory_index != 0 {
                                return Err(unsupported("multiple memories", d.range.start));
                            }
                            Some(offset_expr(oe, imported_globals)?)
                        }
                    };
                    info.data.push(DataSegment { active_offset, bytes: d.data.to_vec() });
                }
            }
            Payload::CodeSectionEntry(body) => {
                let index = info.num_imported_funcs + bodies.len() as u32;
                bodies.push(FuncBody { index, body });
            }
            Payload::CustomSection(c) => {
                // A malformed name section is not an error (custom sections
                // never invalidate a module): keep what parsed.
                if let KnownCustom::Name(names) = c.as_known() {
                    for n in names {
                        match n {
                            Ok(Name::Module { name, .. }) => info.name = Some(name.to_string()),
                            Ok(Name::Global(map)) => {
                                for n in map.into_iter().map_while(Result::ok) {
                                    info.section_names.globals.insert(n.index, n.name.to_string());
                                }
                            }
                            Ok(Name::Data(map)) => {
                                for n in map.into_iter().map_while(Result::ok) {
                                    info.section_names.data.insert(n.index, n.name.to_string());
                                }
                            }
                            Ok(Name::Function(map)) => {
                                for naming in map {
                                    match naming {
                                        Ok(n) => func_names.push((n.index, n.name.to_string())),
                                        Err(_) => break,
                                    }
                                }
                            }
                            Ok(_) => {}
                            Err(_) => break,
                        }
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(m) = info.memory.as_mut() {
        m.grows = facts.memory_grow;
    }
    if facts.table_grow {
        for t in info.tables.iter_mut().filter(|t| t.import.is_none()) {
            t.reserved = t.maximum.unwrap_or(u32::MAX).min(TABLE_GROW_RESERVE.max(t.initial));
        }
    }
    info.foreign_refs = foreign_refs(&info, &wasm_types, &global_funcref);
    info.shared_refs = shared_refs(&info, &wasm_types, &global_funcref);
    // References the module makes at instantiation; `ref.func` and
    // `call_indirect` in code are checked by the lowering.
    if let (Some(offset), Some(how)) = (local_type_word, &info.shared_refs) {
        // Declarative segments only declare (they are dropped at instantiation).
        let referenced = info.elems.iter().filter(|e| !e.declared).flat_map(|e| e.items.iter().flatten().copied()).chain(
            info.globals.iter().filter_map(|g| if let GlobalInit::RefFunc(Some(f)) = g.init { Some(f) } else { None }),
        );
        for f in referenced {
            if info.funcs.get(f as usize).is_some_and(|fi| type_word_is_local(fi.sig_id)) {
                return Err(unsupported(
                    format!("a reference to function {f}, whose type has 10 or more values (a module-local type word), in a module that shares function references ({how})"),
                    offset,
                ));
            }
        }
    }
    for (i, name) in func_names {
        if let Some(f) = info.funcs.get_mut(i as usize) {
            f.name = Some(name);
        }
    }
    Ok(Decoded { info, bodies, type_sig_ids, type_errors })
}

/// Does wasm function `f`'s type have a `funcref` among `params`
/// (true) or results (false)?
fn func_has_funcref(info: &ModuleInfo, wasm_types: &[FuncType], f: usize, params: bool) -> bool {
    let Some(ft) = info.funcs.get(f).and_then(|fi| wasm_types.get(fi.type_index as usize)) else { return false };
    let tys = if params { ft.params() } else { ft.results() };
    tys.contains(&ValType::Ref(RefType::FUNCREF))
}

/// How a function reference made outside the module can reach its code
/// (see [`ModuleInfo::foreign_refs`]), or `None`.
fn foreign_refs(info: &ModuleInfo, wasm_types: &[FuncType], global_funcref: &[bool]) -> Option<String> {
    let name = |i: &ImportName| format!("{}.{}", i.module, i.field);
    for t in info.tables.iter().filter(|t| t.elem == RefKind::Func) {
        if let Some(i) = &t.import {
            return Some(format!("imported table `{}`", name(i)));
        }
        if let Some(e) = t.exports.first() {
            return Some(format!("exported table `{e}`"));
        }
    }
    for (k, f) in info.funcs.iter().enumerate() {
        match &f.import {
            Some(i) if func_has_funcref(info, wasm_types, k, false) => {
                return Some(format!("a funcref result of imported function `{}`", name(i)))
            }
            None if !f.exports.is_empty() && func_has_funcref(info, wasm_types, k, true) => {
                return Some(format!("a funcref parameter of exported function `{}`", f.exports[0]))
            }
            _ => {}
        }
    }
    for (k, g) in info.globals.iter().enumerate() {
        if global_funcref.get(k) == Some(&true) {
            if let Some(i) = &g.import {
                return Some(format!("imported funcref global `{}`", name(i)));
            }
            if g.mutable && !g.exports.is_empty() {
                return Some(format!("exported mutable funcref global `{}`", g.exports[0]));
            }
        }
    }
    None
}

/// How function references cross the module's boundary in either
/// direction, or `None` when they never do.
fn shared_refs(info: &ModuleInfo, wasm_types: &[FuncType], global_funcref: &[bool]) -> Option<String> {
    if let Some(how) = foreign_refs(info, wasm_types, global_funcref) {
        return Some(how);
    }
    for (k, f) in info.funcs.iter().enumerate() {
        let exposed = f.import.is_some() || !f.exports.is_empty();
        if exposed && (func_has_funcref(info, wasm_types, k, true) || func_has_funcref(info, wasm_types, k, false)) {
            return Some(format!("funcref in the signature of function {k}"));
        }
    }
    for (k, g) in info.globals.iter().enumerate() {
        if global_funcref.get(k) == Some(&true) && !g.exports.is_empty() {
            return Some(format!("exported funcref global `{}`", g.exports[0]));
        }
    }
    None
}

/// Export entries carry no offset of their own in this reader; tags are
/// rejected earlier (tag section / tag import), so this is never reached
/// for a valid module.
fn reader_offset_unknown() -> u64 {
    0
}

/// Module-level checks that need the names: imported functions whose
/// signature has no IR form, and types with vectors.
pub fn check_module(d: &Decoded<'_>) -> Result<(), FrontendError> {
    for (i, f) in d.info.funcs.iter().enumerate() {
        if let Some(Some((what, offset))) = d.type_errors.get(f.type_index as usize) {
            let kind = if f.import.is_some() { "imported function signature" } else { "function signature" };
            return Err(FrontendError::Unsupported {
                func: Some((i as u32, d.info.func_display_name(i as u32))),
                what: format!("{what} in {kind}"),
                offset: *offset,
            });
        }
    }
    for (ti, e) in d.type_errors.iter().enumerate() {
        if let Some((what, offset)) = e {
            return Err(FrontendError::Unsupported { func: None, what: format!("{what} in type {ti}"), offset: *offset });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
