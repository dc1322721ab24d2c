//! The wasm front end of synth.
//!
//! Takes: wasm bytes (binary; the `synth` facade converts text with `wat`).
//! Returns: a [`Module`]: the validated [`ModuleInfo`] (everything the
//! object writer needs to lay out memory, globals, tables, segments, exports
//! and imports) and one IR [`synth_ir::Function`] per defined wasm function,
//! plus the generated runtime functions it needs and the init function.
//!
//! Stages inside: [`wellformed`] (does every byte decode: malformed or
//! not), [`decode`] (wasmparser: validate, collect [`ModuleInfo`]), [`lower`] (wasm operators → IR, one file per operator
//! family), [`runtime`] (IR for i64 division and bulk-memory helpers),
//! [`init`] (the instantiation function: data/elem segments, start).

#![warn(missing_docs)]

pub mod decode;
pub mod init;
pub mod lower;
pub mod runtime;
pub mod wellformed;

use synth_ir::{Function, RuntimeFunc, Signature, Type};

/// A front-end error. Every variant says where: byte offset and, where it
/// applies, the function (wasm index and name) and the operator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FrontendError {
    /// The bytes are not a well-formed wasm binary: they do not decode
    /// (bad magic or version, truncated or over-long LEB, section overrun,
    /// unknown opcode...). The spec's `assert_malformed`.
    Malformed {
        /// Byte offset in the input.
        offset: usize,
        /// wasmparser's message.
        message: String,
    },
    /// The binary decodes but the module fails validation (type errors,
    /// unknown indices...). The spec's `assert_invalid`.
    Invalid {
        /// Byte offset in the input.
        offset: usize,
        /// wasmparser's message.
        message: String,
    },
    /// A valid module uses something synth has no lowering for yet.
    Unsupported {
        /// Wasm function index and display name, if inside a function.
        func: Option<(u32, String)>,
        /// The operator or feature, as wasm text names it (`f32.add`, `simd`).
        what: String,
        /// Byte offset in the input.
        offset: usize,
    },
    /// The module is fine but conflicts with an option the user chose (e.g.
    /// `max_memory_pages` below the memory's initial size): the user's own
    /// limit, not something synth lacks.
    OptionConflict {
        /// What conflicts, naming the option.
        message: String,
        /// Byte offset in the input of the entity that conflicts.
        offset: usize,
    },
}

impl std::fmt::Display for FrontendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FrontendError::Malformed { offset, message } => {
                write!(f, "malformed module at offset {offset:#x}: {message}")
            }
            FrontendError::Invalid { offset, message } => {
                write!(f, "invalid module at offset {offset:#x}: {message}")
            }
            FrontendError::Unsupported { func: Some((i, name)), what, offset } => write!(
                f,
                "unsupported: function {i} `{name}` uses `{what}` (offset {offset:#x}), which synth cannot compile yet"
            ),
            FrontendError::Unsupported { func: None, what, offset } => {
                write!(f, "unsupported: `{what}` (offset {offset:#x}), which synth cannot compile yet")
            }
            FrontendError::OptionConflict { message, offset } => write!(f, "{message} (offset {offset:#x})"),
        }
    }
}

impl std::error::Error for FrontendError {}

/// Options the front end needs.
#[derive(Clone, Debug)]
pub struct FrontendOptions {
    /// Emit [`synth_ir::InstKind::BoundsCheck`] before every linear-memory
    /// access (default true). Off: trusted code, no checks.
    pub bounds_checks: bool,
    /// Emit [`synth_ir::InstKind::StackCheck`] at every function entry.
    pub stack_check: bool,
    /// Upper limit on linear-memory pages reserved for the module; `None`
    /// means the module's declared maximum, or its initial size when it
    /// declares none. Always capped by the declared maximum.
    pub max_memory_pages: Option<u32>,
}

impl Default for FrontendOptions {
    fn default() -> Self {
        FrontendOptions { bounds_checks: true, stack_check: false, max_memory_pages: None }
    }
}

/// Where an imported entity comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportName {
    /// Import module name.
    pub module: String,
    /// Import field name.
    pub field: String,
}

/// A wasm function (imported or defined).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FuncInfo {
    /// Type index in the module's type section.
    pub type_index: u32,
    /// The function type's type word minus one
    /// ([`decode::type_word`]: equal types share it, across modules too
    /// for types of fewer than 10 values); table entries and funcref values
    /// store `sig_id + 1`.
    pub sig_id: u32,
    /// The signature.
    pub sig: Signature,
    /// `Some` for imported functions.
    pub import: Option<ImportName>,
    /// Name from the name section, if any.
    pub name: Option<String>,
    /// Export names (a function may be exported several times).
    pub exports: Vec<String>,
}

/// A wasm global.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GlobalInfo {
    /// Value type.
    pub ty: Type,
    /// Mutable?
    pub mutable: bool,
    /// `Some` for imported globals (storage provided by the firmware).
    pub import: Option<ImportName>,
    /// Initial value for defined globals whose initialiser is a constant.
    pub init: GlobalInit,
    /// Export names.
    pub exports: Vec<String>,
}

/// A defined global's initialiser.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GlobalInit {
    /// A constant (stored in `.data`).
    Const(i64),
    /// The value of (imported) global `i`, copied by the init function.
    GlobalGet(u32),
    /// `ref.func i` / `ref.null` (reference globals).
    RefFunc(Option<u32>),
    /// Imported: no initialiser.
    Imported,
}

/// Linear memory 0.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemoryInfo {
    /// Initial pages (64 KiB each).
    pub initial_pages: u32,
    /// Declared maximum, if any.
    pub declared_max_pages: Option<u32>,
    /// Pages reserved in the object (`memory.grow` fails beyond them).
    pub reserved_pages: u32,
    /// Some function of this module contains `memory.grow` (recorded while
    /// decoding). An imported or exported memory may still be grown by
    /// another module; see [`ModuleInfo::static_memory_bytes`].
    pub grows: bool,
    /// `Some` when imported (the firmware provides the memory).
    pub import: Option<ImportName>,
    /// Export names.
    pub exports: Vec<String>,
}

/// The two reference types of wasm 2.0 and how values of each are held
/// (docs/ABI.md, *Reference values*).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefKind {
    /// `funcref`: an IR `i64`, the table entry `{type word, code address}`
    /// (low word the callee's type word, 0 for null; high word its
    /// address with the Thumb bit).
    Func,
    /// `externref`: an IR `i32`, an opaque handle the host chooses (0 for
    /// null); in a table entry's low word (the high word is 0).
    Extern,
}

impl RefKind {
    /// The IR type of a value of this reference type.
    pub fn ir_type(self) -> Type {
        match self {
            RefKind::Func => Type::I64,
            RefKind::Extern => Type::I32,
        }
    }

    /// The wasm text name (`funcref`, `externref`).
    pub fn name(self) -> &'static str {
        match self {
            RefKind::Func => "funcref",
            RefKind::Extern => "externref",
        }
    }
}

/// A table of references. Every entry is 8 bytes (docs/ABI.md): a funcref
/// entry `{type word, code address}`, an externref entry `{handle, 0}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableInfo {
    /// The element type.
    pub elem: RefKind,
    /// Initial element count.
    pub initial: u32,
    /// Declared maximum.
    pub maximum: Option<u32>,
    /// Entries reserved in the object: the initial size, or, when some
    /// function of the module contains `table.grow`, the declared maximum
    /// capped at [`decode::TABLE_GROW_RESERVE`] (never below the initial
    /// size). `table.grow` fails (returns -1) beyond it.
    pub reserved: u32,
    /// `Some` when imported.
    pub import: Option<ImportName>,
    /// Export names.
    pub exports: Vec<String>,
}

/// A data segment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataSegment {
    /// `Some(offset expression)` for active segments: a constant address or
    /// the value of a global.
    pub active_offset: Option<ConstExpr>,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// An element segment (function references).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ElemSegment {
    /// Active: `(table, offset)`; passive or declared: `None`.
    pub active: Option<(u32, ConstExpr)>,
    /// True for declarative segments (dropped at instantiation).
    pub declared: bool,
    /// Function indices (`None` = null reference).
    pub items: Vec<Option<u32>>,
}

/// A constant expression used as a segment offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConstExpr {
    /// `i32.const n`.
    I32(i32),
    /// `global.get i`.
    GlobalGet(u32),
}

/// Everything about a module except function bodies.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleInfo {
    /// All signatures by type index.
    pub types: Vec<Signature>,
    /// Functions: imports first, then defined functions (wasm index order).
    pub funcs: Vec<FuncInfo>,
    /// Number of imported functions.
    pub num_imported_funcs: u32,
    /// Globals: imports first.
    pub globals: Vec<GlobalInfo>,
    /// Memory 0, if any.
    pub memory: Option<MemoryInfo>,
    /// Tables: imports first.
    pub tables: Vec<TableInfo>,
    /// Data segments.
    pub data: Vec<DataSegment>,
    /// Element segments.
    pub elems: Vec<ElemSegment>,
    /// Start function.
    pub start: Option<u32>,
    /// Module name from the name section.
    pub name: Option<String>,
    /// Names of globals and data segments from the name section.
    pub section_names: SectionNames,
    /// How a function reference made outside the module can reach its
    /// `call_indirect`s, if one can (an imported or exported funcref table,
    /// a funcref parameter of an export or result of an import, an imported
    /// or exported mutable funcref global), described for messages.
    pub foreign_refs: Option<String>,
    /// How function references cross the module's boundary in either
    /// direction, if they do (also an exported funcref global, or a funcref
    /// parameter of an import or result of an export): then no reference
    /// may carry a module-local type word ([`decode::type_word`]).
    pub shared_refs: Option<String>,
}

/// Name-section names of entities other than functions (whose names are
/// [`FuncInfo::name`]), by index; the producers' names as they are.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SectionNames {
    /// Global names (global index space, imports first).
    pub globals: std::collections::BTreeMap<u32, String>,
    /// Data segment names.
    pub data: std::collections::BTreeMap<u32, String>,
}

impl ModuleInfo {
    /// The size of linear memory in bytes when it can never change at run
    /// time: the module defines (does not import) its memory and either no
    /// function of the module contains `memory.grow` or the memory cannot
    /// grow past its initial size (reserved pages = initial pages). `None`
    /// otherwise, and when the module has no memory.
    ///
    /// An exported memory cannot be grown by an importer without
    /// `memory.grow` here being irrelevant: the importer's grow is bounded by
    /// this module's reservation only if its `--max-memory-pages` says so, so
    /// an *exported* memory reserved beyond its initial size counts as
    /// growable too (another module may import and grow it).
    pub fn static_memory_bytes(&self) -> Option<u32> {
        let m = self.memory.as_ref()?;
        let cannot_grow = m.reserved_pages == m.initial_pages;
        if m.import.is_some() || (!cannot_grow && (m.grows || !m.exports.is_empty())) {
            return None;
        }
        u32::try_from(u64::from(m.initial_pages) * 65536).ok()
    }

    /// The size in bytes linear memory has at least whenever a function of
    /// the module runs (after init): its initial size. Memory never shrinks;
    /// a defined memory's object reserves at least its initial pages, and an
    /// imported memory's provider holds at least the import's minimum
    /// (docs/ABI.md). `None` when the module has no memory or the size does
    /// not fit a u32.
    pub fn min_memory_bytes(&self) -> Option<u32> {
        let m = self.memory.as_ref()?;
        u32::try_from(u64::from(m.initial_pages) * 65536).ok()
    }

    /// Display name for function `index`: its name-section name, else its
    /// first export name, else `func<index>`.
    pub fn func_display_name(&self, index: u32) -> String {
        let f = &self.funcs[index as usize];
        f.name.clone().or_else(|| f.exports.first().cloned()).unwrap_or_else(|| format!("func{index}"))
    }
}

/// A function produced by the front end, ready for the backend.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoweredFunction {
    /// What it is (decides its symbol).
    pub kind: FunctionKind,
    /// The IR.
    pub ir: Function,
}

/// The origin of a [`LoweredFunction`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FunctionKind {
    /// Defined wasm function with this wasm function index.
    Wasm(u32),
    /// A generated runtime helper.
    Runtime(RuntimeFunc),
    /// The module's init function (`<prefix>init`).
    Init,
}

/// A decoded, validated and lowered module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Module {
    /// Module-level information.
    pub info: ModuleInfo,
    /// Lowered functions: defined wasm functions in index order, then the
    /// runtime helpers used (in [`RuntimeFunc`] order), then `Init`.
    pub functions: Vec<LoweredFunction>,
}

/// Decodes, validates and lowers the defined functions of `wasm` (no
/// runtime helpers, no init function): the part of [`translate`] that
/// depends only on this crate's decoder and lowering.
pub fn lower_module(wasm: &[u8], opts: &FrontendOptions) -> Result<(ModuleInfo, Vec<LoweredFunction>), FrontendError> {
    let decoded = decode::decode(wasm, opts)?;
    decode::check_module(&decoded)?;
    let mut functions = Vec::with_capacity(decoded.bodies.len());
    for fb in &decoded.bodies {
        let ir = lower::lower_function(&decoded.info, opts, &decoded.type_sig_ids, fb.index, &fb.body)?;
        functions.push(LoweredFunction { kind: FunctionKind::Wasm(fb.index), ir });
    }
    Ok((decoded.info, functions))
}

/// The runtime functions `funcs` call, each once, in [`RuntimeFunc`] order.
pub fn runtime_funcs_used<'f>(funcs: impl IntoIterator<Item = &'f Function>) -> Vec<RuntimeFunc> {
    let mut used = std::collections::BTreeSet::new();
    for f in funcs {
        for b in &f.blocks {
            for inst in &b.insts {
                if let synth_ir::InstKind::Call { callee: synth_ir::Callee::Runtime(rf), .. } = &inst.kind {
                    used.insert(*rf);
                }
            }
        }
    }
    used.into_iter().collect()
}

/// Decodes, validates and lowers `wasm`: the defined functions in index
/// order, then the runtime helpers they (or other helpers) call, in
/// [`RuntimeFunc`] order, then the init function.
pub fn translate(wasm: &[u8], opts: &FrontendOptions) -> Result<Module, FrontendError> {
    let (info, functions) = lower_module(wasm, opts)?;
    let init = init::build(&info, opts);
    let mut module = Module { info, functions };
    module.functions.push(LoweredFunction { kind: FunctionKind::Init, ir: init });
    add_runtime_helpers(&mut module);
    Ok(module)
}

/// Adds the runtime helpers that the module's functions (or other helpers)
/// call and it does not have yet, keeping the order of [`Module::functions`]:
/// wasm functions, helpers in [`RuntimeFunc`] order, the init function. Run
/// again after a pass that introduces helper calls (soft-float
/// legalisation).
pub fn add_runtime_helpers(module: &mut Module) {
    let mut helpers: std::collections::BTreeMap<RuntimeFunc, Function> = std::collections::BTreeMap::new();
    let mut rest = Vec::with_capacity(module.functions.len());
    for f in std::mem::take(&mut module.functions) {
        match f.kind {
            FunctionKind::Runtime(rf) => {
                helpers.insert(rf, f.ir);
            }
            _ => rest.push(f),
        }
    }
    let mut needed = runtime_funcs_used(rest.iter().map(|f| &f.ir).chain(helpers.values()));
    while let Some(rf) = needed.pop() {
        if helpers.contains_key(&rf) {
            continue;
        }
        let f = runtime::build(rf, &module.info);
        needed.extend(runtime_funcs_used([&f]).into_iter().filter(|r| !helpers.contains_key(r)));
        helpers.insert(rf, f);
    }
    let init_at = rest.iter().position(|f| f.kind == FunctionKind::Init).unwrap_or(rest.len());
    let init: Vec<LoweredFunction> = rest.drain(init_at..).collect();
    rest.extend(helpers.into_iter().map(|(rf, ir)| LoweredFunction { kind: FunctionKind::Runtime(rf), ir }));
    rest.extend(init);
    module.functions = rest;
}

#[cfg(test)]
mod static_memory_tests {
    use super::*;

    fn info(wat: &str, max_pages: Option<u32>) -> ModuleInfo {
        let wasm = wat::parse_str(wat).unwrap();
        let opts = FrontendOptions { max_memory_pages: max_pages, ..FrontendOptions::default() };
        lower_module(&wasm, &opts).unwrap().0
    }

    #[test]
    fn static_memory_bytes_is_exact() {
        let grow = "(module (memory 1 4) (func (drop (memory.grow (i32.const 1)))))";
        assert!(info(grow, None).memory.unwrap().grows);
        assert_eq!(info(grow, None).static_memory_bytes(), None);
        // memory.grow but no room to grow (max = initial): the size is fixed.
        assert_eq!(info("(module (memory 2 2) (func (drop (memory.grow (i32.const 1)))))", None).static_memory_bytes(), Some(2 << 16));
        // Room to grow but nothing grows it: fixed.
        let quiet = "(module (memory 1 4) (func (drop (memory.size))))";
        assert!(!info(quiet, None).memory.unwrap().grows);
        assert_eq!(info(quiet, None).static_memory_bytes(), Some(1 << 16));
        // Exported without grow and without room to grow: fixed.
        assert_eq!(info(r#"(module (memory (export "m") 3))"#, None).static_memory_bytes(), Some(3 << 16));
        // Exported with room: an importer may grow it (docs/ABI.md: it
        // shares the size word), so not fixed.
        assert_eq!(info(r#"(module (memory (export "m") 1 4))"#, None).static_memory_bytes(), None);
        assert_eq!(info(r#"(module (memory (export "m") 1))"#, Some(8)).static_memory_bytes(), None);
        // Imported: never.
        assert_eq!(info(r#"(module (import "env" "m" (memory 1 1)))"#, None).static_memory_bytes(), None);
        // No memory.
        assert_eq!(info("(module)", None).static_memory_bytes(), None);
        // At least the initial size, whether it can grow or is imported.
        assert_eq!(info(grow, None).min_memory_bytes(), Some(1 << 16));
        assert_eq!(info(r#"(module (import "env" "m" (memory 3)))"#, None).min_memory_bytes(), Some(3 << 16));
        assert_eq!(info("(module (memory 0))", None).min_memory_bytes(), Some(0));
        assert_eq!(info("(module)", None).min_memory_bytes(), None);
    }
}
