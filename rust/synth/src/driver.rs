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
use crate::object::elf::{write_elf, TextFunction};
use crate::object::header::generate_header;
use crate::object::symbols::{runtime_stem, SymbolNames};
use crate::options::Options;
use crate::stats::{CompileStats, FunctionKindName, FunctionStats};
use crate::Compiled;

/// The wasm binary magic, `\0asm`.
pub const WASM_MAGIC: &[u8; 4] = b"\0asm";

/// Returns the binary module: `input` parsed as wasm text when it looks like
/// text (UTF-8 without NUL bytes whose first non-blank character opens a
/// form or a comment, `(` or `;`), else `input` itself, so that a damaged
/// binary (bad magic, truncated header, no bytes at all) is reported by the
/// binary decoder as malformed. Blank (whitespace-only) input is empty text.
pub fn to_binary(input: &[u8]) -> Result<Cow<'_, [u8]>, Error> {
    if !looks_like_text(input) {
        return Ok(Cow::Borrowed(input));
    }
    if input.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::Text("the input is empty (expected a wasm binary or `(module ...)` text)".into()));
    }
    let text = std::str::from_utf8(input).map_err(|e| {
        Error::Text(format!(
            "the input is neither a wasm binary (no `\\0asm` magic) nor UTF-8 text (invalid byte at offset {})",
            e.valid_up_to()
        ))
    })?;
    wat::parse_str(text).map(Cow::Owned).map_err(|e| Error::Text(e.to_string()))
}

/// True when `input` should be parsed as wasm text (see [`to_binary`]).
fn looks_like_text(input: &[u8]) -> bool {
    if input.is_empty() || input.starts_with(WASM_MAGIC) || input.contains(&0) {
        return false;
    }
    match input.iter().find(|b| !b.is_ascii_whitespace()) {
        None => true, // blank: reported as empty text
        Some(b) => *b == b'(' || *b == b';',
    }
}

/// Compiles `input` (see [`crate::compile`]).
pub fn compile(input: &[u8], opts: &Options) -> Result<Compiled, Error> {
    opts.validate()?;
    let wasm = to_binary(input)?;
    log::debug!("input: {} bytes of wasm", wasm.len());
    crate::limits::check(&wasm, opts)?;
    let fe_opts = FrontendOptions {
        bounds_checks: opts.bounds_checks,
        stack_check: opts.stack_check,
        max_memory_pages: opts.max_memory_pages,
    };
    let mut module = synth_frontend::translate(&wasm, &fe_opts)?;
    if opts.optimize {
        // Whole module: functions only direct calls reach get their
        // parameter ranges from the call sites.
        synth_opt::optimize_lowered(&mut module);
    }
    log::debug!("front end: {} functions lowered", module.functions.len());
    // Name check before the backend runs: collisions are cheap to find.
    let names = SymbolNames::new(&module.info, &opts.symbol_prefix)?;
    let be_opts = BackendOptions {
        cpu: opts.target.cpu(),
        verify_allocation: opts.verify_allocation,
        shadow_allocation: opts.shadow_allocation,
        static_memory_bytes: module.info.static_memory_bytes(),
    };
    let mut compiled = Vec::with_capacity(module.functions.len());
    for f in &module.functions {
        let c = synth_thumb2::compile_function(&f.ir, &be_opts).map_err(|e| match f.kind {
            FunctionKind::Wasm(i) => Error::Unsupported {
                func: Some((i, display_name(&module.info, f.kind))),
                what: e.what,
                offset: None,
            },
            _ => Error::Internal(format!("generated function `{}`: {e}", display_name(&module.info, f.kind))),
        })?;
        log::debug!("{}: {} bytes, {} instructions", f.ir.name, c.code.len(), c.inst_count);
        compiled.push((f.kind, c));
    }
    link_named(&module.info, &names, &compiled, opts)
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
/// functions (in `.text` order).
pub fn link(info: &ModuleInfo, funcs: &[(FunctionKind, CompiledFunction)], opts: &Options) -> Result<Compiled, Error> {
    opts.validate()?;
    let names = SymbolNames::new(info, &opts.symbol_prefix)?;
    link_named(info, &names, funcs, opts)
}

fn link_named(
    info: &ModuleInfo,
    names: &SymbolNames,
    funcs: &[(FunctionKind, CompiledFunction)],
    opts: &Options,
) -> Result<Compiled, Error> {
    let text: Vec<TextFunction<'_>> = funcs.iter().map(|(kind, compiled)| TextFunction { kind: *kind, compiled }).collect();
    let (object, layout) = write_elf(info, names, &text, opts.target)?;
    let header = generate_header(info, names, opts);
    let mut stats = CompileStats { target: opts.target.name().to_string(), ..CompileStats::default() };
    for ((kind, c), (symbol, _, _)) in funcs.iter().zip(&layout.functions) {
        let k = match kind {
            FunctionKind::Wasm(_) => FunctionKindName::Wasm,
            FunctionKind::Runtime(_) => FunctionKindName::Runtime,
            FunctionKind::Init => FunctionKindName::Init,
        };
        stats.functions.push(FunctionStats::new(display_name(info, *kind), symbol.clone(), k, c));
    }
    stats.sum_functions();
    stats.totals.text_bytes = layout.text_bytes;
    stats.totals.data_bytes = layout.data_bytes;
    stats.totals.rodata_bytes = layout.rodata_bytes;
    stats.totals.bss_bytes = layout.bss_bytes;
    Ok(Compiled { object, header, stats })
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
        assert!(e.to_string().contains(":1:"), "line/column expected: {e}");
        assert!(matches!(to_binary(b" \n").unwrap_err(), Error::Text(m) if m.contains("empty")));
        // No bytes at all: a (truncated) binary, which the decoder calls malformed.
        assert!(matches!(to_binary(b"").unwrap(), Cow::Borrowed(b"")));
        assert!(matches!(to_binary("(module (; \u{ff} ;) \u{fffe})".as_bytes()).unwrap_err(), Error::Text(_)));
        assert!(matches!(to_binary(b"(module \xff)").unwrap_err(), Error::Text(m) if m.contains("UTF-8")));
    }

    #[test]
    fn damaged_binaries_reach_the_binary_decoder() {
        for bad in [&b"\0as"[..], b"\0asn\x01\0\0\0", b"\xff\xfe\x00", b"WASM\x01\0\0\0"] {
            assert!(matches!(to_binary(bad).unwrap(), Cow::Borrowed(_)), "{bad:?}");
            let e = compile(bad, &Options::default()).unwrap_err();
            assert!(matches!(e, Error::Malformed { .. }), "{bad:?}: {e}");
        }
    }
}
