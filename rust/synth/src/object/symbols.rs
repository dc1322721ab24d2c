//! The symbol naming scheme of docs/ABI.md.
//!
//! Takes: the module's [`ModuleInfo`] and the symbol prefix. Returns: a
//! [`SymbolNames`] table giving every module entity its ELF symbol name and
//! binding, after checking that no two entities claim the same name (a
//! collision is an [`Error::SymbolCollision`], never a silent rename).

use std::collections::BTreeMap;

use synth_frontend::{FunctionKind, ImportName, ModuleInfo};
use synth_ir::{RuntimeFunc, SymbolRef};

use super::naming;
use crate::error::Error;

/// The trap entry every object references and weakly defines.
pub const TRAP_SYMBOL: &str = "synth_trap";

/// The stack-limit word the firmware defines when stack checks are on.
pub const STACK_LIMIT_SYMBOL: &str = "synth_stack_limit";

/// How a symbol is bound in the object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Binding {
    /// Defined here, `STB_LOCAL`.
    Local,
    /// Defined here, `STB_GLOBAL`.
    Global,
    /// Defined elsewhere (an import or a firmware-provided symbol).
    Undefined,
}

/// The symbols of one entity: the name relocations use, plus aliases (extra
/// export names of the same entity, all global).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntitySymbols {
    /// The main name (relocations refer to it).
    pub primary: String,
    /// More global names for the same address (further export names).
    pub aliases: Vec<String>,
    /// Binding of the primary name.
    pub binding: Binding,
}

/// The symbol of an import (docs/ABI.md; see [`naming`]).
pub fn import_symbol(import: &ImportName) -> String {
    naming::import_symbol(&import.module, &import.field)
}

/// The stem of a runtime helper's name (`i64_div_s`, `memory_copy`, ...).
pub fn runtime_stem(r: RuntimeFunc) -> &'static str {
    synth_ir::print::runtime_name(r)
}

/// Every runtime helper, in [`RuntimeFunc`] order.
pub const ALL_RUNTIME: [RuntimeFunc; 29] = RuntimeFunc::ALL;

/// Every symbol name of a module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SymbolNames {
    /// The prefix `P`.
    pub prefix: String,
    /// Per wasm function index (imports first).
    pub funcs: Vec<EntitySymbols>,
    /// Per wasm global index (imports first).
    pub globals: Vec<EntitySymbols>,
    /// Linear memory (`P memory`, or the import's name when imported).
    pub memory: EntitySymbols,
    /// The memory-size word: `P memory_size`, or for an imported memory the
    /// import's name + `_size` (undefined, like the memory: the exporter's
    /// or the firmware's word, so every importer sees `memory.grow`).
    pub memory_size: String,
    /// Table arrays, `P table i`, or for an imported table the import's
    /// name.
    pub tables: Vec<String>,
    /// Table size words (each followed by the capacity word), `P table i
    /// _size`, or for an imported table the import's name + `_size`.
    pub table_sizes: Vec<String>,
    /// Binding of each table's two symbols: undefined when imported, global
    /// when exported (so an importer can bind to them), else local.
    pub table_bindings: Vec<Binding>,
    /// Data segment bytes, `P data i`.
    pub data: Vec<String>,
    /// Data segment length words, `P data i _len`.
    pub data_lens: Vec<String>,
    /// The init function's data segment table, `P data_table`, when it
    /// has one (see `synth_frontend::init::data_table`).
    pub data_table: Option<String>,
    /// Element segment arrays, `P elem i`.
    pub elems: Vec<String>,
    /// Element segment length words, `P elem i _len`.
    pub elem_lens: Vec<String>,
    /// The init function, `P init`.
    pub init: String,
    /// Per wasm function index: `Some(P func i)`, a local symbol, when the
    /// function crosses the object's boundary through a float-ABI thunk
    /// (`--float-abi hard`). Relocations then use it instead of `funcs[i]`:
    /// for an export it names the soft-ABI compiled function (the export
    /// names in `funcs[i]` go to the thunk), for an import the thunk (the
    /// import's own symbol stays in `funcs[i]`, undefined).
    pub soft_side: Vec<Option<String>>,
}

/// Records who claimed which name, to report collisions.
#[derive(Default)]
struct Claims {
    owners: BTreeMap<String, String>,
}

impl Claims {
    /// Claims `name` for `what`. The same `what` may claim a name twice
    /// (two imports of the same function share their undefined symbol).
    fn claim(&mut self, name: &str, what: String) -> Result<(), Error> {
        match self.owners.get(name) {
            Some(first) if *first == what => Ok(()),
            Some(first) => Err(Error::SymbolCollision { symbol: name.to_string(), first: first.clone(), second: what }),
            None => {
                self.owners.insert(name.to_string(), what);
                Ok(())
            }
        }
    }
}

impl SymbolNames {
    /// Names every entity of `info` with prefix `prefix`, or reports the
    /// first collision.
    pub fn new(info: &ModuleInfo, prefix: &str) -> Result<SymbolNames, Error> {
        SymbolNames::with_options(info, prefix, &[], false)
    }

    /// As [`SymbolNames::new`], and gives each function of `thunked` (wasm
    /// indices of imported or exported functions that go through a
    /// float-ABI thunk) its soft-side symbol `P func i`
    /// ([`SymbolNames::soft_side`]).
    pub fn with_thunks(info: &ModuleInfo, prefix: &str, thunked: &[u32]) -> Result<SymbolNames, Error> {
        SymbolNames::with_options(info, prefix, thunked, false)
    }

    /// As [`SymbolNames::new`]; with `debug_names`, the local symbols of
    /// functions, globals and data segments that the name section names
    /// carry the name (see [`debug_symbol`]).
    pub fn with_debug_names(info: &ModuleInfo, prefix: &str, debug_names: bool) -> Result<SymbolNames, Error> {
        SymbolNames::with_options(info, prefix, &[], debug_names)
    }

    /// The names with float-ABI thunks (`thunked`, see
    /// [`SymbolNames::with_thunks`]) and, with `debug_names`, name-section
    /// names in the local symbols ([`SymbolNames::with_debug_names`]).
    pub fn with_options(info: &ModuleInfo, prefix: &str, thunked: &[u32], debug_names: bool) -> Result<SymbolNames, Error> {
        let p = prefix;
        let named = |stem: &str, i: usize, name: Option<&String>| match name.filter(|_| debug_names) {
            Some(n) => debug_symbol(p, stem, i, n),
            None => format!("{p}{stem}{i}"),
        };
        let mut claims = Claims::default();
        claims.claim(TRAP_SYMBOL, "the trap entry".into())?;
        claims.claim(STACK_LIMIT_SYMBOL, "the stack-limit word".into())?;
        let init = format!("{p}init");
        claims.claim(&init, "the init function".into())?;

        let memory = match info.memory.as_ref().and_then(|m| m.import.as_ref()) {
            Some(imp) => EntitySymbols {
                primary: import_symbol(imp),
                aliases: vec![],
                binding: Binding::Undefined,
            },
            None => EntitySymbols { primary: format!("{p}memory"), aliases: vec![], binding: Binding::Global },
        };
        claims.claim(&memory.primary, "linear memory".into())?;
        let memory_size = match info.memory.as_ref().and_then(|m| m.import.as_ref()) {
            Some(imp) => format!("{}_size", import_symbol(imp)),
            None => format!("{p}memory_size"),
        };
        claims.claim(&memory_size, "the memory-size word".into())?;

        let mut tables = Vec::new();
        let mut table_sizes = Vec::new();
        let mut table_bindings = Vec::new();
        for (i, table) in info.tables.iter().enumerate() {
            let (t, binding) = match &table.import {
                Some(imp) => (import_symbol(imp), Binding::Undefined),
                None if !table.exports.is_empty() => (format!("{p}table{i}"), Binding::Global),
                None => (format!("{p}table{i}"), Binding::Local),
            };
            let s = format!("{t}_size");
            let what = match &table.import {
                Some(imp) => format!("imported table `{}.{}`", imp.module, imp.field),
                None => format!("table {i}"),
            };
            claims.claim(&t, what.clone())?;
            claims.claim(&s, format!("the size word of {what}"))?;
            tables.push(t);
            table_sizes.push(s);
            table_bindings.push(binding);
        }
        let (mut data, mut data_lens) = (Vec::new(), Vec::new());
        for i in 0..info.data.len() {
            let d = named("data", i, info.section_names.data.get(&(i as u32)));
            let l = format!("{p}data{i}_len");
            claims.claim(&d, format!("data segment {i}"))?;
            claims.claim(&l, format!("the length word of data segment {i}"))?;
            data.push(d);
            data_lens.push(l);
        }
        let data_table = synth_frontend::init::data_table(info).map(|_| format!("{p}data_table"));
        if let Some(t) = &data_table {
            claims.claim(t, "the init function's data segment table".into())?;
        }
        let (mut elems, mut elem_lens) = (Vec::new(), Vec::new());
        for i in 0..info.elems.len() {
            let d = format!("{p}elem{i}");
            let l = format!("{p}elem{i}_len");
            claims.claim(&d, format!("element segment {i}"))?;
            claims.claim(&l, format!("the length word of element segment {i}"))?;
            elems.push(d);
            elem_lens.push(l);
        }
        for r in ALL_RUNTIME {
            claims.claim(&format!("__synth_{p}{}", runtime_stem(r)), format!("runtime helper `{}`", runtime_stem(r)))?;
        }

        let mut globals = Vec::new();
        for (i, g) in info.globals.iter().enumerate() {
            let mut syms = entity_symbols(p, "global", i, g.import.as_ref(), &g.exports);
            if syms.binding == Binding::Local {
                syms.primary = named("global", i, info.section_names.globals.get(&(i as u32)));
            }
            claim_entity(&mut claims, &syms, "global", i, g.import.as_ref(), &g.exports)?;
            globals.push(syms);
        }
        let mut funcs = Vec::new();
        for (i, f) in info.funcs.iter().enumerate() {
            let mut syms = entity_symbols(p, "func", i, f.import.as_ref(), &f.exports);
            if syms.binding == Binding::Local {
                syms.primary = named("func", i, f.name.as_ref());
            }
            claim_entity(&mut claims, &syms, "function", i, f.import.as_ref(), &f.exports)?;
            funcs.push(syms);
        }
        let mut soft_side = vec![None; info.funcs.len()];
        for &i in thunked {
            let name = named("func", i as usize, info.funcs.get(i as usize).and_then(|f| f.name.as_ref()));
            let what = if info.funcs.get(i as usize).is_some_and(|f| f.import.is_some()) {
                format!("the float-ABI thunk of imported function {i}")
            } else {
                format!("function {i} (the soft-float side of its export thunk)")
            };
            claims.claim(&name, what)?;
            if let Some(slot) = soft_side.get_mut(i as usize) {
                *slot = Some(name);
            }
        }
        Ok(SymbolNames {
            prefix: p.to_string(),
            funcs,
            globals,
            memory,
            memory_size,
            tables,
            table_sizes,
            table_bindings,
            data,
            data_lens,
            data_table,
            elems,
            elem_lens,
            init,
            soft_side,
        })
    }

    /// The name of runtime helper `r`: `__synth_P` + stem.
    pub fn runtime(&self, r: RuntimeFunc) -> String {
        format!("__synth_{}{}", self.prefix, runtime_stem(r))
    }

    /// The symbol a compiled function of kind `k` is defined under (its
    /// primary name), or `None` for an out-of-range wasm index.
    pub fn function(&self, k: FunctionKind) -> Option<String> {
        match k {
            FunctionKind::Wasm(i) => self.func_ref(i),
            FunctionKind::Runtime(r) => Some(self.runtime(r)),
            FunctionKind::Init => Some(self.init.clone()),
        }
    }

    /// The symbol code and tables use for function `i`: its soft-side
    /// symbol when it has a float-ABI thunk, else its primary name.
    fn func_ref(&self, i: u32) -> Option<String> {
        match self.soft_side.get(i as usize) {
            Some(Some(s)) => Some(s.clone()),
            _ => self.funcs.get(i as usize).map(|s| s.primary.clone()),
        }
    }

    /// Whether function `i` goes through a float-ABI thunk.
    pub fn is_thunked(&self, i: u32) -> bool {
        matches!(self.soft_side.get(i as usize), Some(Some(_)))
    }

    /// The symbol a [`SymbolRef`] resolves to, or `None` when the index is
    /// out of range.
    pub fn symbol_ref(&self, s: SymbolRef) -> Option<String> {
        let at = |v: &Vec<String>, i: u32| v.get(i as usize).cloned();
        match s {
            SymbolRef::Memory => Some(self.memory.primary.clone()),
            SymbolRef::MemorySize => Some(self.memory_size.clone()),
            SymbolRef::Global(i) => self.globals.get(i as usize).map(|g| g.primary.clone()),
            SymbolRef::Table(i) => at(&self.tables, i),
            SymbolRef::TableSize(i) => at(&self.table_sizes, i),
            SymbolRef::Func(i) => self.func_ref(i),
            SymbolRef::Runtime(r) => Some(self.runtime(r)),
            SymbolRef::DataSegment(i) => at(&self.data, i),
            SymbolRef::DataSegmentLen(i) => at(&self.data_lens, i),
            SymbolRef::ElemSegment(i) => at(&self.elems, i),
            SymbolRef::ElemSegmentLen(i) => at(&self.elem_lens, i),
            SymbolRef::DataInitTable => self.data_table.clone(),
            SymbolRef::StackLimit => Some(STACK_LIMIT_SYMBOL.to_string()),
            SymbolRef::Libcall(l) => Some(l.symbol().to_string()),
        }
    }
}

/// The local symbol of entity `i` of kind `stem` (`func`, `global`, `data`)
/// that the name section calls `name`, under `-g`: `P stem i $` + the name
/// as a symbol ([`naming::name_symbol`]: a C identifier, such as a Rust or
/// C++ mangled name, as it is; others escaped). The `$` keeps it apart from
/// every other symbol (all C identifiers), and the index ends at it, so
/// entity and name read back in one way only. (gdb shows `$` names as they
/// are; a `__` or `.` separator it would read as Ada-encoded and rewrite.)
pub fn debug_symbol(p: &str, stem: &str, i: usize, name: &str) -> String {
    format!("{p}{stem}{i}${}", naming::name_symbol(name))
}

/// Names of a function or global: import → undefined import name; exported
/// → `P name` per export (first is primary); otherwise local `P stem i`.
fn entity_symbols(p: &str, stem: &str, i: usize, import: Option<&ImportName>, exports: &[String]) -> EntitySymbols {
    if let Some(imp) = import {
        // An imported entity re-exported keeps the import's symbol: the
        // firmware defines it, so it is visible already.
        return EntitySymbols { primary: import_symbol(imp), aliases: vec![], binding: Binding::Undefined };
    }
    if let Some((first, rest)) = exports.split_first() {
        return EntitySymbols {
            primary: naming::export_symbol(p, first),
            aliases: rest.iter().map(|e| naming::export_symbol(p, e)).collect(),
            binding: Binding::Global,
        };
    }
    EntitySymbols { primary: format!("{p}{stem}{i}"), aliases: vec![], binding: Binding::Local }
}

fn claim_entity(
    claims: &mut Claims,
    syms: &EntitySymbols,
    kind: &str,
    i: usize,
    import: Option<&ImportName>,
    exports: &[String],
) -> Result<(), Error> {
    if let Some(imp) = import {
        return claims.claim(&syms.primary, format!("imported {kind} `{}.{}`", imp.module, imp.field));
    }
    if exports.is_empty() {
        return claims.claim(&syms.primary, format!("{kind} {i}"));
    }
    // Each export name claims its symbol separately: the naming rule gives
    // distinct names distinct symbols, and this stays the defence if it
    // ever did not.
    for (export, name) in exports.iter().zip(std::iter::once(&syms.primary).chain(&syms.aliases)) {
        claims.claim(name, format!("export `{export}` ({kind} {i})"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::object::testutil::*;
    use synth_ir::Type::*;

    #[test]
    fn import_names_follow_the_abi() {
        let n = |m: &str, f: &str| import_symbol(&ImportName { module: m.into(), field: f.into() });
        assert_eq!(n("env", "puts"), "puts");
        assert_eq!(n("wasi", "fd_write"), "wasi__fd_write");
        assert_eq!(n("my-mod", "a.b"), "X_my_2Dmod__X_a_2Eb");
        assert_eq!(n("env", "1up"), "X_1up");
        assert_eq!(n("env", ""), "X_");
    }

    #[test]
    fn debug_names_carry_the_name_section() {
        let mut info = sample_module();
        info.funcs[2].name = Some("_ZN4core3fmt5write17h0123456789abcdefE".into());
        info.funcs[3].name = Some("pair".into()); // exported: keeps its export symbol
        info.section_names.globals.insert(2, "stack pointer".into());
        info.section_names.data.insert(0, ".rodata".into());
        let plain = SymbolNames::new(&info, "wasm_").unwrap();
        assert_eq!(plain.funcs[2].primary, "wasm_func2");
        let n = SymbolNames::with_debug_names(&info, "wasm_", true).unwrap();
        assert_eq!(n.funcs[2].primary, "wasm_func2$_ZN4core3fmt5write17h0123456789abcdefE");
        assert_eq!(n.funcs[2].binding, Binding::Local);
        assert_eq!(n.funcs[3].primary, "wasm_pair");
        assert_eq!(n.globals[2].primary, "wasm_global2$X_stack_20pointer");
        assert_eq!(n.data[0], "wasm_data0$X__2Erodata");
        assert_eq!(n.data_lens[0], "wasm_data0_len");
        // No export or import symbol has a `$`.
        assert_eq!(naming::export_symbol("wasm_", "func2$x"), "wasm_X_func2_24x");
    }

    #[test]
    fn names_every_entity() {
        let n = SymbolNames::new(&sample_module(), "wasm_").unwrap();
        assert_eq!(n.funcs[0], EntitySymbols { primary: "host_log".into(), aliases: vec![], binding: Binding::Undefined });
        assert_eq!(n.funcs[1].primary, "wasm_add");
        assert_eq!(n.funcs[1].binding, Binding::Global);
        assert_eq!(n.funcs[2].primary, "wasm_func2");
        assert_eq!(n.funcs[2].binding, Binding::Local);
        assert_eq!(n.globals[0].primary, "base");
        assert_eq!(n.globals[1].primary, "wasm_counter");
        assert_eq!(n.globals[2].primary, "wasm_global2");
        assert_eq!(n.memory.primary, "wasm_memory");
        assert_eq!(n.memory_size, "wasm_memory_size");
        assert_eq!(n.tables, vec!["wasm_table0"]);
        assert_eq!(n.table_sizes, vec!["wasm_table0_size"]);
        assert_eq!((n.data[0].as_str(), n.data_lens[0].as_str()), ("wasm_data0", "wasm_data0_len"));
        assert_eq!((n.elems[0].as_str(), n.elem_lens[0].as_str()), ("wasm_elem0", "wasm_elem0_len"));
        assert_eq!(n.init, "wasm_init");
        assert_eq!(n.runtime(RuntimeFunc::I64DivS), "__synth_wasm_i64_div_s");
        assert_eq!(n.function(FunctionKind::Init).unwrap(), "wasm_init");
        assert_eq!(n.function(FunctionKind::Wasm(3)).unwrap(), "wasm_pair");
        assert_eq!(n.function(FunctionKind::Wasm(9)), None);
        assert_eq!(n.symbol_ref(SymbolRef::Func(0)).unwrap(), "host_log");
        assert_eq!(n.symbol_ref(SymbolRef::Global(2)).unwrap(), "wasm_global2");
        assert_eq!(n.symbol_ref(SymbolRef::StackLimit).unwrap(), STACK_LIMIT_SYMBOL);
        assert_eq!(n.symbol_ref(SymbolRef::Table(1)), None);
        let other = SymbolNames::new(&sample_module(), "m1_").unwrap();
        assert_eq!(other.funcs[1].primary, "m1_add");
        assert_eq!(other.funcs[0].primary, "host_log", "imports are not prefixed");
    }

    #[test]
    fn several_exports_become_aliases() {
        let mut m = sample_module();
        m.funcs[1].exports = vec!["add".into(), "plus".into()];
        let n = SymbolNames::new(&m, "wasm_").unwrap();
        assert_eq!(n.funcs[1].primary, "wasm_add");
        assert_eq!(n.funcs[1].aliases, vec!["wasm_plus".to_string()]);
    }

    #[test]
    fn names_that_used_to_collide_do_not() {
        let mut m = sample_module();
        m.funcs[3].exports = vec!["a-b".into()];
        m.funcs[2].exports = vec!["a.b".into()];
        m.funcs[1].exports = vec!["init".into(), "memory_size".into(), "x y".into(), "x-y".into()];
        m.globals[1].exports = vec!["func2".into()];
        let n = SymbolNames::new(&m, "wasm_").unwrap();
        assert_eq!((n.funcs[3].primary.as_str(), n.funcs[2].primary.as_str()), ("wasm_X_a_2Db", "wasm_X_a_2Eb"));
        assert_eq!(n.funcs[1].primary, "wasm_X_init");
        assert_eq!(n.funcs[1].aliases, ["wasm_X_memory_5Fsize", "wasm_X_x_20y", "wasm_X_x_2Dy"]);
        assert_eq!(n.globals[1].primary, "wasm_X_func2");
        assert_eq!((n.init.as_str(), n.memory_size.as_str()), ("wasm_init", "wasm_memory_size"));

        // `a_b.c` and `a.b_c` (both `a_b_c` before).
        let mut m = sample_module();
        m.funcs[0].import = imp("a_b", "c");
        m.globals[0].import = imp("a", "b_c");
        let n = SymbolNames::new(&m, "wasm_").unwrap();
        assert_eq!((n.funcs[0].primary.as_str(), n.globals[0].primary.as_str()), ("a_b__c", "a__b_c"));
    }

    fn collision(m: &ModuleInfo, prefix: &str) -> (String, String, String) {
        match SymbolNames::new(m, prefix) {
            Err(Error::SymbolCollision { symbol, first, second }) => (symbol, first, second),
            other => panic!("expected a collision, got {other:?}"),
        }
    }

    /// What the naming rule cannot rule out stays an error: imports are not
    /// prefixed, and a prefix may be a head of the fixed names.
    #[test]
    fn collisions_are_errors() {
        // An import named like a defined symbol, or like the trap entry.
        let mut m = sample_module();
        m.funcs[0].import = imp("env", "wasm_add");
        let (s, first, second) = collision(&m, "wasm_");
        assert_eq!(s, "wasm_add");
        assert!(first.contains("`env.wasm_add`") && second.contains("`add`"), "{first} / {second}");
        let mut m = sample_module();
        m.funcs[0].import = imp("env", "synth_trap");
        assert_eq!(collision(&m, "wasm_").1, "the trap entry");

        // A function and a global imported under the same symbol.
        let mut m = sample_module();
        m.globals[0].import = imp("env", "host_log");
        assert_eq!(collision(&m, "wasm_").0, "host_log");

        // An imported memory's size word named like another import.
        let mut m = sample_module();
        m.memory.as_mut().unwrap().import = imp("env", "host");
        m.funcs[0].import = imp("env", "host_size");
        assert_eq!(collision(&m, "wasm_").0, "host_size");

        // With an empty prefix, exports can hit the runtime helpers' names.
        let mut m = sample_module();
        m.funcs[1].exports = vec!["__synth_memory_copy".into()];
        assert_eq!(collision(&m, "").0, "__synth_memory_copy");
    }

    #[test]
    fn the_same_import_twice_shares_its_symbol() {
        let mut m = sample_module();
        m.funcs.insert(1, func(&[I32], &[], 0, imp("env", "host_log"), &[]));
        m.num_imported_funcs = 2;
        let n = SymbolNames::new(&m, "wasm_").unwrap();
        assert_eq!(n.funcs[0].primary, n.funcs[1].primary);
    }

    #[test]
    fn imported_memory_is_undefined() {
        let mut m = sample_module();
        m.memory.as_mut().unwrap().import = imp("env", "memory");
        let n = SymbolNames::new(&m, "wasm_").unwrap();
        assert_eq!(n.memory, EntitySymbols { primary: "memory".into(), aliases: vec![], binding: Binding::Undefined });
        // The size word is the exporter's too (undefined here).
        assert_eq!(n.memory_size, "memory_size");
        m.memory.as_mut().unwrap().import = imp("mod", "mem");
        let n = SymbolNames::new(&m, "wasm_").unwrap();
        assert_eq!((n.memory.primary.as_str(), n.memory_size.as_str()), ("mod__mem", "mod__mem_size"));
    }
}
