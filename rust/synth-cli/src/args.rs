//! Command-line parsing for the `synth` binary (hand-written: the grammar is
//! one subcommand with a dozen flags).
//!
//! Takes: the arguments after the program name. Returns: a [`Command`] or a
//! usage error message.

use std::path::PathBuf;

use synth::{Options, Target};

/// Top-level help.
pub const HELP: &str = "\
synth: compile WebAssembly to ARM Cortex-M (Thumb-2) ELF objects for C firmware

Usage:
  synth compile <INPUT> -o <OUTPUT.o> [options]   compile a module (see `synth compile --help`)
  synth --version                                 print the version
  synth --help                                    print this help

INPUT is a wasm binary (.wasm) or wasm text (.wat). synth compiles wasm 2.0 modules (i32,
i64, f32, f64 - floats in software -, funcref and externref, memory, tables (imported too),
globals, calls, traps); SIMD and later proposals are not supported yet and are reported as
errors naming the function and the operator. The object follows the
ABI in docs/ABI.md: call <prefix>init() before any export; traps call synth_trap(code).
Set RUST_LOG=debug for a log of the compilation.

Exit status: 0 success; 1 the input could not be read or compiled or an output could not
be written (one line `error: <INPUT>: <what>: <detail>` on stderr); 2 usage error.
";

/// Help of `synth compile`.
pub const COMPILE_HELP: &str = "\
synth compile: compile one wasm module to a relocatable ELF object

Usage:
  synth compile <INPUT> -o <OUTPUT.o> [options]

Arguments:
  <INPUT>                  wasm binary (.wasm) or wasm text (.wat, always parsed as text)

Outputs (data goes to files or stdout, diagnostics to stderr):
  -o, --output <FILE>      object file to write (default: INPUT with extension .o).
                           Nothing is written when compilation fails.
  --emit-header <FILE>     also write a C header declaring init, exports, imports
                           and memory
  --stats                  print the per-function statistics table (columns below) to
                           stdout, or to stderr when `--stats-json -` writes to stdout
  --stats-json <FILE|->    write the statistics as JSON to FILE, or to stdout for -

Compiler options (the same names in synth_options of the C API, synth.compile() of
Python, python -m synth, synthc and the Bazel rule; see docs/OPTIONS.md):
  --target <CPU>           cortex-m4 (default), cortex-m0, cortex-m0plus, cortex-m3, cortex-m7, cortex-m33, cortex-m55
                           (M33: ARMv8-M Mainline, M55: ARMv8.1-M Mainline)
  --fpu <FPU>              the core's FPU: none (default), fpv4-sp-d16 (M4),
                           fpv5-sp-d16 (M7, M33, M55) or fpv5-d16 (M7, M55); f32
                           arithmetic runs on it with float ABI softfp or hard
  --float-abi <ABI>        soft (default: floats computed in software) or softfp
                           (needs --fpu: on the FPU): floats passed in core registers;
                           hard (needs --fpu): exported and imported functions with
                           floats take them in FPU registers (AAPCS-VFP thunks, for
                           -mfloat-abi=hard firmware, which must enable the FPU)
  --prefix <P>             prefix of every module symbol (default wasm_): exports are
                           <P><export>, the init function <P>init, memory <P>memory
  --module-name <NAME>     module name shown in the header's comment (default: the
                           INPUT file name)
  --no-bounds-checks       omit the software bounds check on every linear-memory
                           access (only for trusted code: out-of-bounds accesses
                           then read or corrupt neighbouring memory)
  --stack-check            check the stack limit at every function entry; the
                           firmware must define `uint32_t synth_stack_limit`
  --max-memory-pages <N>   reserve at most N 64 KiB pages of linear memory in .bss
                           (default: the module's maximum, else its initial size);
                           less than the module's initial size is an error
  --import-stack <NAME=BYTES>
                           worst-case stack of an imported function (NAME: its symbol
                           or module.field; synth_trap: the trap handler, default 0),
                           counted in the stack bounds; repeatable. Without a figure,
                           an export that can call the import has no stack bound
  --max-stack <BYTES>      fail when an export's or init's worst-case stack (callees,
                           runtime and libgcc helpers, imports included) exceeds
                           BYTES or has no bound; the error names the path
  --max-function-bytes <N> refuse (LIMIT error) a function body over N bytes of wasm
                           (default 7654321; 0: no limit)
  --verify-allocation      run the register-allocation checker on every function
                           (slower; for testing the compiler)
  --shadow-allocation      also run regalloc2 on every function, measure only, and
                           report its figures (sh.* columns, `shadow` in the JSON)
  --no-optimize            skip the IR optimisations (to compare or isolate a miscompile)
  -g, --debug              add debugging aids: unwind tables (.debug_frame for gdb,
                           .ARM.exidx/.ARM.extab) and name-section names in the local
                           symbols; the code is the same with and without. With DWARF
                           in the module (clang/rustc -g): source lines (.debug_line,
                           .debug_info) for addr2line, objdump -dS and gdb
  --debug-wat              -g, and for a .wat input without DWARF a line table against
                           the .wat text itself (each operator's line in the file)
  -h, --help               print this help

Statistics columns: symbol (ELF symbol), name (wasm name: name section, export or
generated), kind (wasm, runtime, init), bytes (machine code), insts (instructions),
frame (stack frame bytes), vregs (virtual registers), peak (peak register pressure /
registers available), spills (spill stores), reloads (loads from spill slots), remats
(values recomputed instead of reloaded), moves (register moves left), slots (spill
slots), saved (callee-saved registers pushed), verdict (none; genuine: pressure was
above the registers; spurious: it was not), rung (base, or fallback if the backup
allocator ran), stack (worst-case stack bytes of a call, callees included, or unbounded); with --shadow-allocation sh.spills, sh.reloads, sh.moves, sh.slots and
sh.saved are the same figures from regalloc2.

Exit status: 0 success; 1 the input could not be read or compiled or an output could not
be written (one line `error: <INPUT>: <what>: <detail>` on stderr); 2 usage error.
";

/// What to do.
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    /// Print this text and exit successfully.
    Help(&'static str),
    /// Print the version.
    Version,
    /// Compile a module.
    Compile(CompileArgs),
}

/// Arguments of `synth compile`.
#[derive(Debug, PartialEq, Eq)]
pub struct CompileArgs {
    /// Input file.
    pub input: PathBuf,
    /// Object file.
    pub output: PathBuf,
    /// Header file, if requested.
    pub header: Option<PathBuf>,
    /// Print the stats table.
    pub stats: bool,
    /// Where to write stats JSON (`-` = stdout).
    pub stats_json: Option<String>,
    /// Compiler options.
    pub options: Options,
}

/// Parses the arguments after the program name; `Err` is a usage error
/// (exit status 2).
pub fn parse(args: &[String]) -> Result<Command, String> {
    match args.first().map(String::as_str) {
        None => Err("no command given; try `synth --help`".into()),
        Some("-h" | "--help" | "help") => Ok(Command::Help(HELP)),
        Some("-V" | "--version" | "version") => Ok(Command::Version),
        Some("compile") => parse_compile(&args[1..]),
        Some(other) => Err(format!("unknown command `{other}`; try `synth --help`")),
    }
}

fn parse_compile(args: &[String]) -> Result<Command, String> {
    let mut input = None;
    let mut output = None;
    let mut header = None;
    let mut stats = false;
    let mut stats_json = None;
    let mut debug_wat = false;
    let mut options = Options::default();
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_str();
        i += 1;
        // `--flag=value` or `--flag value`.
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg, None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            if let Some(v) = inline.clone() {
                return Ok(v);
            }
            let v = args.get(i).cloned().ok_or_else(|| format!("`{name}` needs a value; see `synth compile --help`"))?;
            i += 1;
            Ok(v)
        };
        match flag {
            "-h" | "--help" => return Ok(Command::Help(COMPILE_HELP)),
            "-o" | "--output" => output = Some(PathBuf::from(value(flag)?)),
            "--target" => options.target = Target::parse(&value(flag)?).map_err(|e| e.to_string())?,
            "--fpu" => options.fpu = synth::Fpu::parse(&value(flag)?).map_err(|e| e.to_string())?,
            "--float-abi" => options.float_abi = synth::FloatAbi::parse(&value(flag)?).map_err(|e| e.to_string())?,
            "--prefix" => options.symbol_prefix = value(flag)?,
            "--emit-header" => header = Some(PathBuf::from(value(flag)?)),
            "--module-name" => options.module_name = Some(value(flag)?),
            "--no-bounds-checks" => options.bounds_checks = false,
            "--stack-check" => options.stack_check = true,
            "--max-memory-pages" => {
                let v = value(flag)?;
                options.max_memory_pages =
                    Some(v.parse().map_err(|_| format!("--max-memory-pages: `{v}` is not a page count"))?);
            }
            "--import-stack" => {
                let (name, bytes) = synth::options::parse_import_stack(&value(flag)?).map_err(|e| e.to_string())?;
                options.import_stack.insert(name, bytes);
            }
            "--max-stack" => {
                let v = value(flag)?;
                options.max_stack = Some(v.parse().map_err(|_| format!("--max-stack: `{v}` is not a byte count"))?);
            }
            "--max-function-bytes" => {
                let v = value(flag)?;
                let n: u32 = v.parse().map_err(|_| format!("--max-function-bytes: `{v}` is not a byte count"))?;
                options.max_function_bytes = (n > 0).then_some(n);
            }
            "--verify-allocation" => options.verify_allocation = true,
            "--shadow-allocation" => options.shadow_allocation = true,
            "--no-optimize" => options.optimize = false,
            "-g" | "--debug" => options.debug = true,
            "--debug-wat" => {
                options.debug = true;
                debug_wat = true;
            }
            "--stats" => stats = true,
            "--stats-json" => stats_json = Some(value(flag)?),
            f if f.starts_with('-') && f != "-" => {
                return Err(format!("unknown option `{f}`; see `synth compile --help`"))
            }
            _ => {
                if input.replace(PathBuf::from(arg)).is_some() {
                    return Err(format!("more than one input file (`{arg}`); synth compiles one module at a time"));
                }
            }
        }
    }
    let input = input.ok_or("no input file; usage: synth compile <INPUT> -o <OUTPUT.o>")?;
    let output = output.unwrap_or_else(|| input.with_extension("o"));
    if output == input {
        return Err(format!("the output `{}` would overwrite the input", output.display()));
    }
    options.validate().map_err(|e| e.to_string())?;
    if debug_wat {
        options.debug_wat = Some(input.display().to_string());
    }
    if options.module_name.is_none() {
        options.module_name = input.file_name().map(|n| n.to_string_lossy().into_owned());
    }
    Ok(Command::Compile(CompileArgs { input, output, header, stats, stats_json, options }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Result<Command, String> {
        parse(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    fn compile(args: &[&str]) -> CompileArgs {
        match p(args) {
            Ok(Command::Compile(c)) => c,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn parses_every_option() {
        let c = compile(&[
            "compile", "m.wat", "-o", "out/m.o", "--target=cortex-m7", "--prefix", "app_", "--emit-header", "m.h",
            "--no-bounds-checks", "--stack-check", "--max-memory-pages", "3", "--verify-allocation", "--stats",
            "--stats-json", "-", "--shadow-allocation", "--no-optimize", "--module-name", "blink", "-g",
        ]);
        assert_eq!(c.input, PathBuf::from("m.wat"));
        assert_eq!(c.output, PathBuf::from("out/m.o"));
        assert_eq!(c.header, Some(PathBuf::from("m.h")));
        assert!(c.stats);
        assert_eq!(c.stats_json.as_deref(), Some("-"));
        let o = &c.options;
        assert_eq!(o.target, Target::CortexM7);
        assert_eq!(o.symbol_prefix, "app_");
        assert!(!o.bounds_checks && o.stack_check && o.verify_allocation);
        assert!(o.shadow_allocation && !o.optimize && o.debug);
        assert!(compile(&["compile", "m.wat", "--debug"]).options.debug);
        assert!(!compile(&["compile", "m.wat"]).options.debug);
        let w = compile(&["compile", "dir/m.wat", "--debug-wat"]).options;
        assert!(w.debug && w.debug_wat.as_deref() == Some("dir/m.wat"));
        assert_eq!(compile(&["compile", "m.wat", "-g"]).options.debug_wat, None);
        assert_eq!(o.max_memory_pages, Some(3));
        assert_eq!(o.module_name.as_deref(), Some("blink"));
        let c = compile(&["compile", "m.wat", "--import-stack", "host_log=64", "--import-stack=env.f=8", "--max-stack", "2048"]);
        assert_eq!(c.options.import_stack.get("host_log"), Some(&64));
        assert_eq!(c.options.import_stack.get("env.f"), Some(&8));
        assert_eq!(c.options.max_stack, Some(2048));
    }

    #[test]
    fn defaults() {
        let c = compile(&["compile", "dir/m.wasm"]);
        assert_eq!(c.output, PathBuf::from("dir/m.o"));
        assert_eq!(c.options.target, Target::CortexM4);
        assert!(c.options.bounds_checks && !c.options.stack_check);
        assert_eq!((c.header, c.stats, c.stats_json), (None, false, None));
        assert_eq!(c.options.module_name.as_deref(), Some("m.wasm"));
    }

    #[test]
    fn usage_errors() {
        assert!(p(&[]).unwrap_err().contains("--help"));
        assert!(p(&["frobnicate"]).unwrap_err().contains("unknown command"));
        assert!(p(&["compile"]).unwrap_err().contains("no input"));
        assert!(p(&["compile", "a.wasm", "-o"]).unwrap_err().contains("needs a value"));
        assert!(p(&["compile", "a.wasm", "--target", "cortex-a9"]).unwrap_err().contains("unknown target"));
        let m33 = compile(&["compile", "a.wasm", "--target", "cortex-m33", "--fpu", "fpv5-sp-d16"]);
        assert_eq!((m33.options.target, m33.options.fpu), (Target::CortexM33, synth::Fpu::Fpv5SpD16));
        assert_eq!(compile(&["compile", "a.wasm", "--target=cortex-m55"]).options.target, Target::CortexM55);
        assert!(p(&["compile", "a.wasm", "--bogus"]).unwrap_err().contains("unknown option `--bogus`"));
        assert!(p(&["compile", "a.wasm", "b.wasm"]).unwrap_err().contains("more than one"));
        assert!(p(&["compile", "a.wasm", "--max-memory-pages", "x"]).unwrap_err().contains("page count"));
        assert!(p(&["compile", "a.wasm", "--max-stack", "lots"]).unwrap_err().contains("byte count"));
        assert!(p(&["compile", "a.wasm", "--import-stack", "f"]).unwrap_err().contains("NAME=BYTES"));
        assert!(p(&["compile", "a.wasm", "--import-stack", "=4"]).unwrap_err().contains("NAME=BYTES"));
        assert!(p(&["compile", "a.wasm", "--max-function-bytes", "x"]).unwrap_err().contains("byte count"));
        assert!(p(&["compile", "a.wasm", "--prefix", "my-mod"]).unwrap_err().contains("prefix"));
        assert!(p(&["compile", "a.o"]).unwrap_err().contains("overwrite the input"));
        assert_eq!(p(&["compile", "--help"]).unwrap(), Command::Help(COMPILE_HELP));
        assert_eq!(p(&["--version"]).unwrap(), Command::Version);
    }
}
