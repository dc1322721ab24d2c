//! The C header generator.
//!
//! Takes: the module's [`ModuleInfo`], its [`SymbolNames`] and the options.
//! Returns: the text of a C header that declares what the object defines
//! for the firmware (init function, exported functions, globals and tables,
//! linear memory) and what the firmware must provide (imported functions,
//! globals and tables, `synth_trap`, `synth_stack_limit` when stack checks
//! are on).
//! Multi-value exports return `struct <symbol>_results` (docs/ABI.md).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use synth_frontend::{ModuleInfo, RefKind};
use synth_ir::{Signature, Type, TrapCode};

use super::symbols::{Binding, SymbolNames, STACK_LIMIT_SYMBOL, TRAP_SYMBOL};
use crate::options::Options;
use crate::stack::StackBound;

/// The C type of a wasm value type.
pub fn c_type(t: Type) -> &'static str {
    match t {
        Type::I32 => "int32_t",
        Type::I64 => "int64_t",
        Type::F32 => "float",
        Type::F64 => "double",
    }
}

/// The include guard used when the options do not set one: the prefix in
/// upper case followed by `H_INCLUDED` (`WASM_H_INCLUDED`).
pub fn default_guard(prefix: &str) -> String {
    if prefix.is_empty() {
        return "SYNTH_MODULE_H_INCLUDED".to_string();
    }
    let mut g = prefix.to_ascii_uppercase();
    if !g.ends_with('_') {
        g.push('_');
    }
    g.push_str("H_INCLUDED");
    g
}

/// The C macro name of trap code `t`: `SYNTH_TRAP_` and the spec message
/// in upper case (`SYNTH_TRAP_INTEGER_DIVIDE_BY_ZERO`).
pub fn trap_macro(t: TrapCode) -> String {
    let words: String =
        t.message().chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' }).collect();
    format!("SYNTH_TRAP_{words}")
}

/// A wasm name as it appears in the header's comments: quoted, with control
/// and other invisible characters (line breaks, bidi overrides) escaped as
/// Rust does (`\n`, `\u{202e}`), and `*/` broken so the comment stays closed.
fn quoted(name: &str) -> String {
    format!("{name:?}").replace("*/", "* /")
}

/// A prototype of `name` with signature `sig`; multi-value results also
/// emit the results struct definition first.
fn prototype(out: &mut String, name: &str, sig: &Signature) {
    let ret = match sig.results.as_slice() {
        [] => "void".to_string(),
        [t] => c_type(*t).to_string(),
        many => {
            let _ = writeln!(out, "struct {name}_results {{");
            for (i, t) in many.iter().enumerate() {
                let _ = writeln!(out, "    {} r{i};", c_type(*t));
            }
            let _ = writeln!(out, "}};");
            format!("struct {name}_results")
        }
    };
    let params = if sig.params.is_empty() {
        "void".to_string()
    } else {
        sig.params.iter().enumerate().map(|(i, t)| format!("{} p{i}", c_type(*t))).collect::<Vec<_>>().join(", ")
    };
    let _ = writeln!(out, "{ret} {name}({params});");
}

/// The stack figure of `symbol` for the header: `#define <symbol>_STACK_BYTES
/// n` when bounded, a comment saying why not otherwise. `declared` are the
/// identifiers the header declares, which the macro must not shadow.
fn stack_define(out: &mut String, symbol: &str, bound: Option<&StackBound>, declared: &BTreeSet<String>) {
    let Some(bound) = bound else { return };
    let name = format!("{symbol}_STACK_BYTES");
    if declared.contains(&name) {
        let _ = writeln!(out, "/* {name} is not defined: another declaration has that name. Worst-case stack: {} */", bound.describe());
        return;
    }
    match bound {
        StackBound::Bounded { bytes, path } => {
            let _ = writeln!(out, "/* Worst-case stack bytes of {symbol}, callees included (deepest: {}). */", path.join(" -> "));
            let _ = writeln!(out, "#define {name} {bytes}u");
        }
        StackBound::Unbounded { reason, path } => {
            let _ = writeln!(
                out,
                "/* {name} is not defined: the stack of {symbol} is unbounded: {} (path: {}). */",
                ascii_arrows(reason),
                path.join(" -> ")
            );
        }
    }
}

/// `→` as `->`, to keep the header ASCII.
fn ascii_arrows(s: &str) -> String {
    s.replace('→', "->")
}

/// The declarations of table `i` (exported or imported, docs/ABI.md
/// *Tables*): its entry array and its `{size, capacity}` words.
fn table_declaration(out: &mut String, info: &ModuleInfo, names: &SymbolNames, i: usize) {
    let t = &info.tables[i];
    let entry = match t.elem {
        RefKind::Func => "{type word, code address}: type word 0 = null",
        RefKind::Extern => "{handle, 0}: handle 0 = null",
    };
    let _ = writeln!(out, "/* {} entries of 8 bytes, {entry}. */", t.elem.name());
    let _ = writeln!(out, "extern uint32_t {}[][2];", names.tables[i]);
    if t.import.is_some() {
        let _ = writeln!(
            out,
            "/* {{current size, capacity}} in entries, provided with the table: size at least {}, capacity\n * at least the size (table.grow grows into it and updates the size). */",
            t.initial
        );
    } else {
        let _ = writeln!(out, "/* {{current size, capacity}} in entries (size set by {}). */", names.init);
    }
    let _ = writeln!(out, "extern uint32_t {}[2];", names.table_sizes[i]);
}

/// Every identifier the header declares (functions, globals, memory).
fn declared_names(names: &SymbolNames) -> BTreeSet<String> {
    let mut d = BTreeSet::new();
    for s in names.funcs.iter().chain(&names.globals).chain(std::iter::once(&names.memory)) {
        d.insert(s.primary.clone());
        d.extend(s.aliases.iter().cloned());
    }
    d.insert(names.memory_size.clone());
    for (i, b) in names.table_bindings.iter().enumerate() {
        if *b != Binding::Local {
            d.insert(names.tables[i].clone());
            d.insert(names.table_sizes[i].clone());
        }
    }
    d.insert(names.init.clone());
    d.insert(TRAP_SYMBOL.to_string());
    d.insert(STACK_LIMIT_SYMBOL.to_string());
    d
}

/// Generates the header for a module. `stack` holds the worst-case stack of
/// the exported functions and the init function by symbol (see
/// [`crate::stack`]); each gets a `<symbol>_STACK_BYTES` macro.
pub fn generate_header(info: &ModuleInfo, names: &SymbolNames, opts: &Options, stack: &BTreeMap<String, StackBound>) -> String {
    let p = &names.prefix;
    let guard = opts.header_guard.clone().unwrap_or_else(|| default_guard(p));
    let module = opts.module_name.clone().or_else(|| info.name.clone()).unwrap_or_else(|| "a wasm module".to_string());
    // Keep the comment well-formed whatever the module is called.
    let module = module.replace("*/", "* /");
    let mut s = String::new();
    let intro = [
        format!("Generated by synth {} from {module} for {}. Do not edit.", env!("CARGO_PKG_VERSION"), opts.target.name()),
        String::new(),
        "Link the object file generated with this header into your firmware, then".to_string(),
        format!("call {p}init() once, before any other function declared here: it sets up"),
        "linear memory, globals and tables and runs the wasm start function.".to_string(),
        String::new(),
        "When wasm code traps (unreachable, out-of-bounds access, division by zero,".to_string(),
        format!("...) it calls {TRAP_SYMBOL}(code), which must not return. The object carries a"),
        format!("weak default that spins forever; define your own {TRAP_SYMBOL} to reset, log"),
        "or halt instead. Codes are the SYNTH_TRAP_* values below.".to_string(),
    ];
    let _ = writeln!(s, "/*");
    for line in intro {
        let _ = writeln!(s, "{}", format!(" * {line}").trim_end());
    }
    let _ = writeln!(s, " */");
    let _ = write!(s, "#ifndef {guard}\n#define {guard}\n\n#include <stdint.h>\n\n#ifdef __cplusplus\nextern \"C\" {{\n#endif\n\n");

    let _ = writeln!(s, "#ifndef SYNTH_TRAP_CODES_DEFINED\n#define SYNTH_TRAP_CODES_DEFINED");
    for t in TrapCode::ALL {
        let _ = writeln!(s, "#define {} {}u /* {} */", trap_macro(t), t.code(), t.message());
    }
    let _ = writeln!(s, "#endif\n");
    let _ = writeln!(s, "/* Called by generated code on a trap; never returns. Weak default: spins. */");
    let _ = writeln!(s, "void {TRAP_SYMBOL}(uint32_t code);\n");
    if opts.stack_check {
        let _ = writeln!(
            s,
            "/* Provided by the firmware (stack checks are on): the lowest address the stack\n * may grow down to; a function entered with sp below it traps. */\nextern uint32_t {STACK_LIMIT_SYMBOL};\n"
        );
    }

    let declared = declared_names(names);
    let _ = writeln!(s, "/* Instantiates the module: call once before anything else. */");
    let _ = writeln!(s, "void {}(void);", names.init);
    stack_define(&mut s, &names.init, stack.get(&names.init), &declared);
    let _ = writeln!(s);

    if let Some(m) = &info.memory {
        if names.memory.binding == Binding::Undefined {
            let _ = writeln!(
                s,
                "/* Linear memory, provided by the firmware: at least {} bytes, 8-byte aligned. */",
                u64::from(m.reserved_pages) * 65536
            );
        } else {
            let pages = if m.reserved_pages == 1 { "page" } else { "pages" };
            let _ = writeln!(
                s,
                "/* Linear memory: {} bytes reserved ({} {pages} of 64 KiB). */",
                u64::from(m.reserved_pages) * 65536,
                m.reserved_pages
            );
        }
        let _ = writeln!(s, "extern uint8_t {}[];", names.memory.primary);
        if names.memory.binding == Binding::Undefined {
            let _ = writeln!(
                s,
                "/* Current size of the imported memory in bytes, provided with it (the exporter's\n * size word, or the firmware's, initialised to at least {} bytes); memory.grow updates it. */",
                u64::from(m.initial_pages) * 65536
            );
        } else {
            let _ = writeln!(s, "/* Current size of linear memory in bytes (set by {}). */", names.init);
        }
        let _ = writeln!(s, "extern uint32_t {};\n", names.memory_size);
    }

    let mut exports = String::new();
    for (i, f) in info.funcs.iter().enumerate() {
        let syms = &names.funcs[i];
        if syms.binding != Binding::Global {
            continue;
        }
        for (export, name) in f.exports.iter().zip(std::iter::once(&syms.primary).chain(&syms.aliases)) {
            let _ = writeln!(exports, "/* export {} (wasm function {i}) */", quoted(export));
            prototype(&mut exports, name, &f.sig);
            stack_define(&mut exports, name, stack.get(&syms.primary), &declared);
        }
    }
    for (i, g) in info.globals.iter().enumerate() {
        let syms = &names.globals[i];
        if syms.binding != Binding::Global {
            continue;
        }
        let cq = if g.mutable { "" } else { "const " };
        for (export, name) in g.exports.iter().zip(std::iter::once(&syms.primary).chain(&syms.aliases)) {
            let _ = writeln!(exports, "/* export {} (wasm global {i}) */", quoted(export));
            let _ = writeln!(exports, "extern {cq}{} {name};", c_type(g.ty));
        }
    }
    for (i, t) in info.tables.iter().enumerate() {
        if names.table_bindings[i] != Binding::Global {
            continue;
        }
        for export in &t.exports {
            let _ = writeln!(exports, "/* export {} (wasm table {i}) */", quoted(export));
        }
        table_declaration(&mut exports, info, names, i);
    }
    if !exports.is_empty() {
        let _ = writeln!(s, "/* ---- Exports ---- */\n{exports}");
    }

    let mut imports = String::new();
    let mut seen = BTreeSet::new();
    for (i, f) in info.funcs.iter().enumerate() {
        let (Some(imp), syms) = (&f.import, &names.funcs[i]) else { continue };
        if !seen.insert(syms.primary.clone()) {
            continue;
        }
        let _ = writeln!(imports, "/* import {}.{} */", quoted(&imp.module), quoted(&imp.field));
        prototype(&mut imports, &syms.primary, &f.sig);
    }
    for (i, g) in info.globals.iter().enumerate() {
        let (Some(imp), syms) = (&g.import, &names.globals[i]) else { continue };
        if !seen.insert(syms.primary.clone()) {
            continue;
        }
        let _ = writeln!(imports, "/* import {}.{} (global) */", quoted(&imp.module), quoted(&imp.field));
        // Not `const` even when immutable: the firmware owns the storage and
        // may set it at run time before calling init.
        let _ = writeln!(imports, "extern {} {};", c_type(g.ty), syms.primary);
    }
    for (i, t) in info.tables.iter().enumerate() {
        let Some(imp) = &t.import else { continue };
        if !seen.insert(names.tables[i].clone()) {
            continue;
        }
        let _ = writeln!(imports, "/* import {}.{} (table) */", quoted(&imp.module), quoted(&imp.field));
        table_declaration(&mut imports, info, names, i);
    }
    if !imports.is_empty() {
        let _ = writeln!(s, "/* ---- Imports: the firmware must define these ---- */\n{imports}");
    }

    let _ = write!(s, "#ifdef __cplusplus\n}}\n#endif\n\n#endif /* {guard} */\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::object::testutil::sample_module;

    fn header(info: &ModuleInfo, opts: &Options) -> String {
        let names = SymbolNames::new(info, &opts.symbol_prefix).unwrap();
        generate_header(info, &names, opts, &BTreeMap::new())
    }

    #[test]
    fn declares_the_interface() {
        let h = header(&sample_module(), &Options::default());
        assert!(h.starts_with("/*\n * Generated by synth"), "{h}");
        assert!(h.contains(" * call wasm_init() once"), "{h}");
        assert!(h.contains("#ifndef WASM_H_INCLUDED\n#define WASM_H_INCLUDED\n"));
        assert!(h.trim_end().ends_with("#endif /* WASM_H_INCLUDED */"));
        assert!(h.contains("#include <stdint.h>"));
        assert!(h.contains("void wasm_init(void);"));
        assert!(h.contains("void synth_trap(uint32_t code);"));
        assert!(h.contains("int32_t wasm_add(int32_t p0, int32_t p1);"));
        assert!(h.contains("struct wasm_pair_results {\n    int32_t r0;\n    int64_t r1;\n};"));
        assert!(h.contains("struct wasm_pair_results wasm_pair(int64_t p0);"));
        assert!(h.contains("extern int32_t wasm_counter;"));
        assert!(h.contains("extern uint8_t wasm_memory[];"));
        assert!(h.contains("extern uint32_t wasm_memory_size;"));
        assert!(h.contains("void host_log(int32_t p0);"));
        assert!(h.contains("extern int32_t base;"));
        assert!(h.contains("#define SYNTH_TRAP_OUT_OF_BOUNDS_MEMORY_ACCESS 2u"));
        assert!(!h.contains("wasm_func2"), "internal functions are not declared");
        assert!(!h.contains(STACK_LIMIT_SYMBOL));
    }

    #[test]
    fn escaped_names_and_their_comments() {
        let mut info = sample_module();
        info.funcs[1].exports = vec!["get-value".into(), "a\n*/b\u{202e}".into()];
        info.funcs[0].import = crate::object::testutil::imp("my-mod", "log");
        let h = header(&info, &Options::default());
        assert!(h.contains("/* export \"get-value\" (wasm function 1) */\nint32_t wasm_X_get_2Dvalue(int32_t p0, int32_t p1);"), "{h}");
        assert!(h.contains("/* export \"a\\n* /b\\u{202e}\" (wasm function 1) */\nint32_t wasm_X_a_0A_2A_2Fb_E2_80_AE("), "{h}");
        assert!(h.contains("/* import \"my-mod\".\"log\" */\nvoid X_my_2Dmod__log(int32_t p0);"), "{h}");
    }

    #[test]
    fn declares_exported_and_imported_tables() {
        let mut info = sample_module();
        info.tables[0].exports = vec!["tab".into()];
        let mut imported = info.tables[0].clone();
        imported.import = crate::object::testutil::imp("host", "refs");
        imported.elem = RefKind::Extern;
        imported.exports.clear();
        info.tables.insert(0, imported);
        let h = header(&info, &Options::default());
        assert!(h.contains("/* export \"tab\" (wasm table 1) */\n/* funcref entries of 8 bytes"), "{h}");
        assert!(h.contains("extern uint32_t wasm_table1[][2];"), "{h}");
        assert!(h.contains("extern uint32_t wasm_table1_size[2];"), "{h}");
        assert!(h.contains("/* import \"host\".\"refs\" (table) */\n/* externref entries of 8 bytes, {handle, 0}"), "{h}");
        assert!(h.contains("extern uint32_t host__refs[][2];"), "{h}");
        assert!(h.contains("extern uint32_t host__refs_size[2];"), "{h}");
        assert!(!h.contains("wasm_table0"), "{h}");
    }

    #[test]
    fn follows_options() {
        let mut info = sample_module();
        info.memory = None;
        info.globals[1].mutable = false;
        let opts = Options {
            symbol_prefix: "m_".into(),
            stack_check: true,
            header_guard: Some("MY_GUARD".into()),
            module_name: Some("x*/y.wasm".into()),
            ..Options::default()
        };
        let h = header(&info, &opts);
        assert!(h.contains("#ifndef MY_GUARD"));
        assert!(h.contains("int32_t m_add(int32_t p0, int32_t p1);"));
        assert!(h.contains("extern const int32_t m_counter;"));
        assert!(h.contains("extern uint32_t synth_stack_limit;"));
        assert!(!h.contains("m_memory"), "no memory, no memory declarations");
        assert!(h.contains("from x* /y.wasm"), "comment stays closed");
        assert_eq!(default_guard(""), "SYNTH_MODULE_H_INCLUDED");
        assert_eq!(default_guard("abc"), "ABC_H_INCLUDED");
    }
}
