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

INPUT is a wasm binary (.wasm) or wasm text (.wat). The object follows the ABI in
docs/ABI.md: call <prefix>init() before any export; traps call synth_trap(code).
Set RUST_LOG=debug for a log of the compilation.
";

/// Help of `synth compile`.
pub const COMPILE_HELP: &str = "\
synth compile: compile one wasm module to a relocatable ELF object

Usage:
  synth compile <INPUT> -o <OUTPUT.o> [options]

Arguments:
  <INPUT>                  wasm binary or wasm text file

Options:
  -o, --output <FILE>      object file to write (default: INPUT with extension .o).
                           Nothing is written when compilation fails.
  --target <CPU>           cortex-m3, cortex-m4 (default) or cortex-m7
  --prefix <P>             prefix of every module symbol (default wasm_): exports are
                           P<name>, the init function P init, memory P memory
  --emit-header <FILE>     also write a C header declaring init, exports, imports
                           and memory
  --no-bounds-checks       omit the software bounds check on every linear-memory
                           access (only for trusted code: out-of-bounds accesses
                           then read or corrupt neighbouring memory)
  --stack-check            check the stack limit at every function entry; the
                           firmware must define `uint32_t synth_stack_limit`
  --max-memory-pages <N>   reserve at most N 64 KiB pages of linear memory in .bss
                           (default: the module's maximum, else its initial size)
  --max-function-bytes <N> refuse (LIMIT error) a function body over N bytes of wasm
                           (default 7654321; 0: no limit)
  --verify-allocation      run the register-allocation checker on every function
  --shadow-allocation      also run the shadow allocator (measure only) and report it
  --no-opt                 skip the IR optimisations (to compare or isolate a miscompile)
                           (slower; for testing the compiler)
  --stats                  print per-function code size and allocation statistics
  --stats-json <FILE|->    write the statistics as JSON to FILE, or stdout for -
  -h, --help               print this help
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

/// Parses the arguments after the program name.
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
            "--prefix" => options.symbol_prefix = value(flag)?,
            "--emit-header" => header = Some(PathBuf::from(value(flag)?)),
            "--no-bounds-checks" => options.bounds_checks = false,
            "--stack-check" => options.stack_check = true,
            "--max-memory-pages" => {
                let v = value(flag)?;
                options.max_memory_pages =
                    Some(v.parse().map_err(|_| format!("--max-memory-pages: `{v}` is not a page count"))?);
            }
            "--max-function-bytes" => {
                let v = value(flag)?;
                let n: u32 = v.parse().map_err(|_| format!("--max-function-bytes: `{v}` is not a byte count"))?;
                options.max_function_bytes = (n > 0).then_some(n);
            }
            "--verify-allocation" => options.verify_allocation = true,
            "--shadow-allocation" => options.shadow_allocation = true,
            "--no-opt" => options.optimize = false,
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
            "--stats-json", "-", "--shadow-allocation", "--no-opt",
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
        assert!(o.shadow_allocation && !o.optimize);
        assert_eq!(o.max_memory_pages, Some(3));
        assert_eq!(o.module_name.as_deref(), Some("m.wat"));
    }

    #[test]
    fn defaults() {
        let c = compile(&["compile", "dir/m.wasm"]);
        assert_eq!(c.output, PathBuf::from("dir/m.o"));
        assert_eq!(c.options.target, Target::CortexM4);
        assert!(c.options.bounds_checks && !c.options.stack_check);
        assert_eq!((c.header, c.stats, c.stats_json), (None, false, None));
    }

    #[test]
    fn usage_errors() {
        assert!(p(&[]).unwrap_err().contains("--help"));
        assert!(p(&["frobnicate"]).unwrap_err().contains("unknown command"));
        assert!(p(&["compile"]).unwrap_err().contains("no input"));
        assert!(p(&["compile", "a.wasm", "-o"]).unwrap_err().contains("needs a value"));
        assert!(p(&["compile", "a.wasm", "--target", "cortex-a9"]).unwrap_err().contains("unknown target"));
        assert!(p(&["compile", "a.wasm", "--bogus"]).unwrap_err().contains("unknown option `--bogus`"));
        assert!(p(&["compile", "a.wasm", "b.wasm"]).unwrap_err().contains("more than one"));
        assert!(p(&["compile", "a.wasm", "--max-memory-pages", "x"]).unwrap_err().contains("page count"));
        assert!(p(&["compile", "a.wasm", "--max-function-bytes", "x"]).unwrap_err().contains("byte count"));
        assert!(p(&["compile", "a.wasm", "--prefix", "my-mod"]).unwrap_err().contains("prefix"));
        assert!(p(&["compile", "a.o"]).unwrap_err().contains("overwrite the input"));
        assert_eq!(p(&["compile", "--help"]).unwrap(), Command::Help(COMPILE_HELP));
        assert_eq!(p(&["--version"]).unwrap(), Command::Version);
    }
}
