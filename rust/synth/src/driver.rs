//! The compile driver: input bytes → front end → backend → object + header.
//!
//! Takes: wasm (binary or text) and [`Options`]. Returns: a [`Compiled`]
//! (ELF bytes, C header, stats). [`link`] is the second half on its own
//! (module information + compiled functions → output), so it can be driven
//! with hand-made functions.

use std::borrow::Cow;

use synth_frontend::{FrontendOptions, FunctionKind, ModuleInfo};
use synth_thumb2::{BackendOptions, CompiledFunction};

use crate::error::Error;
use crate::object::elf::{float_interface, write_elf_full, FloatInterface, TextFunction, ThunkFunction};
use crate::object::source_lines::{self, SourceMap};
use crate::object::header::generate_header;
use crate::object::symbols::{runtime_stem, SymbolNames};
use crate::options::{FloatAbi, Fpu, Options};
use crate::stack::{self, indirect_calls, IndirectCalls, StackBound};
use crate::stats::{CompileStats, FunctionKindName, FunctionStats};
use std::collections::BTreeMap;
use crate::Compiled;

/// The wasm binary magic, `\0asm`.
pub const WASM_MAGIC: &[u8; 4] = b"\0asm";

/// Returns the binary module: `input` parsed as wasm text when it looks like
/// text (no NUL byte, and either its first non-blank character opens a form
/// or a comment, `(` or `;`, or it is UTF-8 without control characters other
/// than tab, line feed and carriage return), else `input` itself, so that a
/// damaged binary (bad magic, truncated header, no bytes at all: a binary's
/// magic starts with a NUL) is reported by the binary decoder as malformed. Blank (whitespace-only) input is empty text.
pub fn to_binary(input: &[u8]) -> Result<Cow<'_, [u8]>, Error> {
    to_binary_with(input, None)
}

/// [`to_binary`]; text is encoded with a DWARF line table against itself,
/// naming the file `wat_name`, when that is given (see [`parse_text_with`]).
pub fn to_binary_with<'a>(input: &'a [u8], wat_name: Option<&str>) -> Result<Cow<'a, [u8]>, Error> {
    if !looks_like_text(input) {
        return Ok(Cow::Borrowed(input));
    }
    parse_text_with(input, wat_name).map(Cow::Owned)
}

/// Parses `input` as wasm text whatever it looks like (the command line does
/// so for a `.wat` file). Errors are one line: `line L, column C: message`.
pub fn parse_text(input: &[u8]) -> Result<Vec<u8>, Error> {
    parse_text_with(input, None)
}

/// [`parse_text`]; with `wat_name`, the binary also carries a DWARF line
/// table (`.debug_line` and its unit, as `wast` generates them) mapping
/// each operator to its line and column in the text, file `wat_name`:
/// the source of `--debug-wat`.
pub fn parse_text_with(input: &[u8], wat_name: Option<&str>) -> Result<Vec<u8>, Error> {
    if input.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::Text("the input is empty (expected a wasm binary or `(module ...)` text)".into()));
    }
    let text = std::str::from_utf8(input).map_err(|e| {
        Error::Text(format!(
            "the input is neither a wasm binary (no `\\0asm` magic) nor UTF-8 text (invalid byte at offset {})",
            e.valid_up_to()
        ))
    })?;
    let located = |e: wast::Error| {
        let (line, col) = e.span().linecol_in(text);
        let mut m = format!("line {}, column {}: {}", line + 1, col + 1, crate::error::one_line(&e.message()));
        // The token the parser stopped at, as the old multi-line excerpt showed it.
        let rest = text.get(e.span().offset()..).unwrap_or("");
        let token: String = rest.chars().take_while(|c| !c.is_whitespace() && !"()".contains(*c)).take(40).collect();
        if !token.is_empty() {
            m.push_str(&format!(" (at `{token}`)"));
        }
        Error::Text(m)
    };
    let mut buf = wast::parser::ParseBuffer::new(text).map_err(located)?;
    buf.track_instr_spans(wat_name.is_some());
    let mut wat = wast::parser::parse::<wast::Wat>(&buf).map_err(located)?;
    match wat_name {
        None => wat.encode().map_err(located),
        Some(name) => wast::core::EncodeOptions::new()
            .dwarf(std::path::Path::new(name), text, wast::core::GenerateDwarf::Lines)
            .encode_wat(&mut wat)
            .map_err(located),
    }
}

/// True when `input` should be parsed as wasm text (see [`to_binary`]).
fn looks_like_text(input: &[u8]) -> bool {
    if input.is_empty() || input.starts_with(WASM_MAGIC) || input.contains(&0) {
        return false;
    }
    match input.iter().find(|b| !b.is_ascii_whitespace()) {
        None => true, // blank: reported as empty text
        Some(b) => *b == b'(' || *b == b';' || is_plain_text(input),
    }
}

/// UTF-8 without control characters except tab, line feed and carriage return.
fn is_plain_text(input: &[u8]) -> bool {
    std::str::from_utf8(input).is_ok_and(|t| !t.chars().any(|c| c.is_control() && !"\t\n\r".contains(c)))
}

/// Compiles `input` (see [`crate::compile`]).
pub fn compile(input: &[u8], opts: &Options) -> Result<Compiled, Error> {
    opts.validate()?;
    let wasm = to_binary_with(input, opts.debug_wat.as_deref().filter(|_| opts.debug))?;
    log::debug!("input: {} bytes of wasm", wasm.len());
    crate::limits::check(&wasm, opts)?;
    let fe_opts = FrontendOptions {
        bounds_checks: opts.bounds_checks,
        stack_check: opts.stack_check,
        max_memory_pages: opts.max_memory_pages,
    };
    let mut module = synth_frontend::translate(&wasm, &fe_opts)?;
    legalize_floats(&mut module, synth_opt::softfloat::SoftTypes::ALL);
    if opts.optimize {
        // Whole module: functions only direct calls reach get their
        // parameter ranges from the call sites.
        synth_opt::optimize_lowered(&mut module);
    }
    if !opts.target.cpu().features().arch.is_v6m() {
        // The Thumb-2 backend calls libgcc for i64 division instead.
        module.functions.retain(|f| !matches!(f.kind, FunctionKind::Runtime(rf) if synth_thumb2::runtime_func_in_libgcc(rf)));
    }
    log::debug!("front end: {} functions lowered", module.functions.len());
    // Name check before the backend runs: collisions are cheap to find.
    let names = SymbolNames::with_options(&module.info, &opts.symbol_prefix, &thunked_functions(&module.info, opts), opts.debug)?;
    let be_opts = BackendOptions {
        cpu: opts.target.cpu(),
        verify_allocation: opts.verify_allocation,
        shadow_allocation: opts.shadow_allocation,
        static_memory_bytes: module.info.static_memory_bytes(),
        fpu: enc_fpu(code_fpu(opts)),
    };
    let mut compiled = Vec::with_capacity(module.functions.len());
    let indirect: Vec<IndirectCalls> = module.functions.iter().map(|f| indirect_calls(&f.ir)).collect();
    for f in &module.functions {
        let c = compile_for_target(&f.ir, &be_opts).map_err(|e| match f.kind {
            FunctionKind::Wasm(i) => Error::Unsupported {
                func: Some((i, display_name(&module.info, f.kind))),
                what: e.what,
                offset: None,
            },
            // The ARMv6-M backend does not lower everything yet: a generated
            // function it declines is a missing feature there, not a bug.
            _ if opts.target.features().arch.is_v6m() => Error::Unsupported {
                func: None,
                what: format!("generated function `{}`: {}", display_name(&module.info, f.kind), e.what),
                offset: None,
            },
            _ => Error::Internal(format!("generated function `{}`: {e}", display_name(&module.info, f.kind))),
        })?;
        log::debug!("{}: {} bytes, {} instructions", f.ir.name, c.code.len(), c.inst_count);
        compiled.push((f.kind, c));
    }
    // The module's own line table, for the source lines of `-g`.
    // DWARF it cannot read costs the line table only (the code is the same).
    let lines = match opts.debug.then(|| source_lines::read(&wasm)) {
        Some(Ok(map)) => map,
        Some(Err(e)) => {
            log::warn!("no source lines: the module's DWARF is unreadable: {e}");
            None
        }
        None => None,
    };
    link_named(&module.info, &names, &compiled, &indirect, opts, lines.as_ref())
}

/// Compiles one function with the backend of the core's architecture: the
/// ARMv6-M module for Cortex-M0/M0+, the Thumb-2 module for every other
/// core. Errors carry the function and the construct without a lowering.
fn compile_for_target(ir: &synth_ir::Function, opts: &BackendOptions) -> Result<CompiledFunction, BackendFailure> {
    if opts.cpu.features().arch.is_v6m() {
        let v6 = synth_armv6m::BackendOptions {
            verify_allocation: opts.verify_allocation,
            shadow_allocation: opts.shadow_allocation,
            static_memory_bytes: opts.static_memory_bytes,
        };
        return synth_armv6m::compile_function(ir, &v6).map_err(|e| BackendFailure { what: e.what.clone(), text: e.to_string() });
    }
    synth_thumb2::compile_function(ir, opts).map_err(|e| BackendFailure { what: e.what.clone(), text: e.to_string() })
}

/// A backend's error, whichever backend: the construct and the full message.
struct BackendFailure {
    what: String,
    text: String,
}

impl std::fmt::Display for BackendFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// Rewrites the float types without hardware into integer code, AEABI calls
/// and runtime helpers (see `synth_opt::softfloat`), then adds the helpers.
fn legalize_floats(module: &mut synth_frontend::Module, soft: synth_opt::softfloat::SoftTypes) {
    let mut rewritten = 0;
    for f in module.functions.iter_mut() {
        rewritten += synth_opt::softfloat::legalize(&mut f.ir, soft);
    }
    if rewritten > 0 {
        synth_frontend::add_runtime_helpers(module);
    }
}

/// A human-readable name of a compiled function.
pub fn display_name(info: &ModuleInfo, k: FunctionKind) -> String {
    match k {
        FunctionKind::Wasm(i) if (i as usize) < info.funcs.len() => info.func_display_name(i),
        FunctionKind::Wasm(i) => format!("func{i}"),
        FunctionKind::Runtime(r) => runtime_stem(r).to_string(),
        FunctionKind::Init => "init".to_string(),
    }
}

/// Builds the object, header and stats from module information and compiled
/// functions (in `.text` order). The functions' `call_indirect`s are not
/// known here: for the stack bounds, a function that refers to a table may
/// call any function a table can hold.
pub fn link(info: &ModuleInfo, funcs: &[(FunctionKind, CompiledFunction)], opts: &Options) -> Result<Compiled, Error> {
    opts.validate()?;
    let names = SymbolNames::with_options(info, &opts.symbol_prefix, &thunked_functions(info, opts), opts.debug)?;
    let indirect = vec![IndirectCalls::Unknown; funcs.len()];
    link_named(info, &names, funcs, &indirect, opts, None)
}

/// The functions that cross the object's boundary through a float-ABI
/// thunk: with `--float-abi hard`, every imported or exported function
/// with an `f32`/`f64` parameter or result (docs/ABI.md, "Floating point").
pub fn thunked_functions(info: &ModuleInfo, opts: &Options) -> Vec<u32> {
    if opts.float_abi != FloatAbi::Hard {
        return vec![];
    }
    let boundary = |f: &synth_frontend::FuncInfo| f.import.is_some() || !f.exports.is_empty();
    let floats = |f: &synth_frontend::FuncInfo| f.sig.params.iter().chain(&f.sig.results).any(|t| t.is_float());
    (0..info.funcs.len() as u32).filter(|&i| boundary(&info.funcs[i as usize]) && floats(&info.funcs[i as usize])).collect()
}

/// The FPU compiled functions may compute on: the one given with
/// `--float-abi softfp` or `hard` (as gcc's `-mfloat-abi=softfp` computes on
/// the FPU and passes floats in core registers), none with `soft`. Whether
/// the object then declares it (`Tag_FP_arch`) depends on whether any
/// function really has a VFP instruction ([`code_fpu_used`]), so a float-free
/// module is the same object whatever the options.
fn code_fpu(opts: &Options) -> Fpu {
    if opts.float_abi == FloatAbi::Soft {
        Fpu::None
    } else {
        opts.fpu
    }
}

/// The FPU the compiled functions use: [`code_fpu`] when any of them has a
/// floating-point register (every VFP instruction names one), none otherwise.
fn code_fpu_used(funcs: &[(FunctionKind, CompiledFunction)], opts: &Options) -> Fpu {
    if funcs.iter().any(|(_, c)| c.alloc.float.is_some()) {
        code_fpu(opts)
    } else {
        Fpu::None
    }
}

/// The backend's name for an FPU.
fn enc_fpu(fpu: Fpu) -> synth_thumb2_enc::Fpu {
    fpu.enc()
}

/// Generates the float-ABI thunk of every function `names` gives a soft
/// side (see [`thunked_functions`]).
fn thunks(info: &ModuleInfo, names: &SymbolNames, opts: &Options) -> Result<Vec<(u32, CompiledFunction)>, Error> {
    use synth_thumb2::thunk::{float_abi_thunk, ThunkKind};
    let mut out = Vec::new();
    for (i, f) in info.funcs.iter().enumerate() {
        let i = i as u32;
        if !names.is_thunked(i) {
            continue;
        }
        let (kind, target) = match f.import {
            Some(_) => (ThunkKind::Import, synth_thumb2::RelocTarget::ImportedFunc(i)),
            None => (ThunkKind::Export, synth_thumb2::RelocTarget::Symbol(synth_ir::SymbolRef::Func(i))),
        };
        let name = info.func_display_name(i);
        let c = float_abi_thunk(&name, &f.sig, kind, target, enc_fpu(opts.fpu))
            .map_err(|e| Error::Unsupported { func: Some((i, name)), what: e.what, offset: None })?;
        out.push((i, c));
    }
    Ok(out)
}

fn link_named(
    info: &ModuleInfo,
    names: &SymbolNames,
    funcs: &[(FunctionKind, CompiledFunction)],
    indirect: &[IndirectCalls],
    opts: &Options,
    lines: Option<&SourceMap>,
) -> Result<Compiled, Error> {
    let text: Vec<TextFunction<'_>> = funcs.iter().map(|(kind, compiled)| TextFunction { kind: *kind, compiled }).collect();
    let thunk_code = thunks(info, names, opts)?;
    let thunk_text: Vec<ThunkFunction<'_>> = thunk_code.iter().map(|(func, compiled)| ThunkFunction { func: *func, compiled }).collect();
    let floats = match float_interface(info) {
        FloatInterface::None => FloatInterface::None,
        _ if opts.float_abi == FloatAbi::Hard => FloatInterface::VfpRegisters(opts.fpu),
        other => other,
    };
    let (object, layout) = write_elf_full(info, names, &text, &thunk_text, opts.target, floats, code_fpu_used(funcs, opts), opts.debug, lines)?;
    let symbols: Vec<String> = layout.functions[..funcs.len()].iter().map(|(s, _, _)| s.clone()).collect();
    let thunk_symbols: Vec<String> = layout.functions[funcs.len()..].iter().map(|(s, _, _)| s.clone()).collect();
    // An import called through a float-ABI thunk costs the thunk's stack too.
    let import_thunks: BTreeMap<u32, u32> = thunk_code
        .iter()
        .filter(|(i, _)| *i < info.num_imported_funcs)
        .map(|(i, c)| (*i, c.stack_bytes))
        .collect();
    let bounds = stack::bounds(info, names, funcs, &symbols, indirect, &import_thunks, opts)?;
    // An export entered through its thunk: the thunk's stack, then the function's.
    let mut entry_bounds: Vec<(String, StackBound)> = Vec::new();
    for (((kind, _), s), b) in funcs.iter().zip(&symbols).zip(&bounds) {
        let thunk = match kind {
            FunctionKind::Wasm(i) => thunk_code.iter().position(|(t, _)| t == i),
            _ => None,
        };
        match (kind, thunk) {
            (FunctionKind::Wasm(_), Some(t)) => {
                entry_bounds.push((thunk_symbols[t].clone(), b.entered_through(&thunk_symbols[t], thunk_code[t].1.stack_bytes)))
            }
            (FunctionKind::Wasm(i), None) if info.funcs.get(*i as usize).is_some_and(|f| !f.exports.is_empty()) => {
                entry_bounds.push((s.clone(), b.clone()))
            }
            (FunctionKind::Init, _) => entry_bounds.push((s.clone(), b.clone())),
            _ => {}
        }
    }
    check_max_stack(&entry_bounds, opts)?;
    let entries: BTreeMap<String, StackBound> = entry_bounds.into_iter().collect();
    let header = generate_header(info, names, opts, &entries);
    let mut stats = CompileStats { target: opts.target.name().to_string(), ..CompileStats::default() };
    for (((kind, c), symbol), bound) in funcs.iter().zip(&symbols).zip(&bounds) {
        let k = match kind {
            FunctionKind::Wasm(_) => FunctionKindName::Wasm,
            FunctionKind::Runtime(_) => FunctionKindName::Runtime,
            FunctionKind::Init => FunctionKindName::Init,
        };
        let mut fs = FunctionStats::new(display_name(info, kind.clone()), symbol.clone(), k, c);
        fs.set_stack_bound(bound);
        stats.functions.push(fs);
    }
    for ((i, c), (symbol, _, _)) in thunk_code.iter().zip(&layout.functions[funcs.len()..]) {
        let name = display_name(info, FunctionKind::Wasm(*i));
        stats.functions.push(FunctionStats::new(name, symbol.clone(), FunctionKindName::Thunk, c));
    }
    stats.sum_functions();
    stats.totals.text_bytes = layout.text_bytes;
    stats.totals.data_bytes = layout.data_bytes;
    stats.totals.rodata_bytes = layout.rodata_bytes;
    stats.totals.bss_bytes = layout.bss_bytes;
    Ok(Compiled { object, header, stats })
}

/// Fails with [`Error::StackLimit`] when an exported function or the init
/// function has no stack bound or one above `--max-stack` (the first such
/// in `.text` order).
fn check_max_stack(entries: &[(String, StackBound)], opts: &Options) -> Result<(), Error> {
    let Some(limit) = opts.max_stack else {
        return Ok(());
    };
    // Other functions are reached only through exports and init.
    for (symbol, bound) in entries {
        if bound.bytes().map_or(true, |b| b > limit) {
            return Err(Error::StackLimit { symbol: symbol.clone(), limit, bound: bound.clone() });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_binary_and_text() {
        let bin = b"\0asm\x01\0\0\0";
        assert!(matches!(to_binary(bin).unwrap(), Cow::Borrowed(_)));
        let text = to_binary(b"(module (func (export \"f\")))").unwrap();
        assert!(text.starts_with(WASM_MAGIC));
        assert_eq!(&text[4..8], &[1, 0, 0, 0]);
    }

    #[test]
    fn text_errors_are_clear() {
        let e = to_binary(b"(module (func (i32.bogus)))").unwrap_err();
        assert!(matches!(e, Error::Text(_)));
        assert!(e.to_string().contains("i32.bogus") || e.to_string().contains("unknown operator"), "{e}");
        assert!(e.to_string().contains("line 1, column 16: "), "line/column expected: {e}");
        assert!(!e.to_string().contains('\n') && !e.to_string().contains("<anon>"), "one line: {e}");
        // Text that does not start like a module is still text, not a bad binary.
        let e = to_binary(b"module (func)").unwrap_err();
        assert!(matches!(&e, Error::Text(m) if m.starts_with("line 1, column 1: ")), "{e}");
        assert!(matches!(to_binary(b" \n").unwrap_err(), Error::Text(m) if m.contains("empty")));
        // No bytes at all: a (truncated) binary, which the decoder calls malformed.
        assert!(matches!(to_binary(b"").unwrap(), Cow::Borrowed(b"")));
        assert!(matches!(to_binary("(module (; \u{ff} ;) \u{fffe})".as_bytes()).unwrap_err(), Error::Text(_)));
        assert!(matches!(to_binary(b"(module \xff)").unwrap_err(), Error::Text(m) if m.contains("UTF-8")));
    }

    #[test]
    fn damaged_binaries_reach_the_binary_decoder() {
        for bad in [&b"\0as"[..], b"\0asn\x01\0\0\0", b"\xff\xfe\x00", b"WASM\x01\0\0\0", b"\x01", b"asm\x01"] {
            assert!(matches!(to_binary(bad).unwrap(), Cow::Borrowed(_)), "{bad:?}");
            let e = compile(bad, &Options::default()).unwrap_err();
            assert!(matches!(e, Error::Malformed { .. }), "{bad:?}: {e}");
        }
    }
}
