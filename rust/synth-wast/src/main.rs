//! `synth-wast`: converts a WebAssembly spec `.wast` script into a directory of modules
//! and a `commands.json`, for the spec-test runner in `tests/spec/`.
//!
//! Usage: `synth-wast IN.wast -o OUTDIR`. Writes `OUTDIR/<stem>.<n>.wasm` (or `.wat` for
//! quoted text that does not encode) and `OUTDIR/commands.json`. Exits 1 with a message
//! (file:line:col) when the script does not parse, 2 on usage or I/O errors.

mod convert;
mod values;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn usage() -> ExitCode {
    eprintln!("usage: synth-wast IN.wast -o OUTDIR");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut input = None;
    let mut out = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-o" | "--output" => match it.next() {
                Some(o) => out = Some(PathBuf::from(o)),
                None => return usage(),
            },
            "-h" | "--help" => return usage(),
            _ if input.is_none() => input = Some(PathBuf::from(a)),
            _ => return usage(),
        }
    }
    let (Some(input), Some(out)) = (input, out) else { return usage() };
    match run(&input, &out) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("synth-wast: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(input: &Path, out: &Path) -> Result<ExitCode, String> {
    let bytes = std::fs::read(input).map_err(|e| format!("{}: {e}", input.display()))?;
    let source = String::from_utf8(bytes).map_err(|_| format!("{}: not UTF-8", input.display()))?;
    let stem = input.file_stem().and_then(|s| s.to_str()).unwrap_or("script");
    let conv = match convert::convert(&source, stem) {
        Ok(c) => c,
        Err(msg) => {
            eprintln!("{msg}");
            return Ok(ExitCode::from(1));
        }
    };
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    for (name, data) in &conv.files {
        let path = out.join(name);
        std::fs::write(&path, data).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let json = serde_json::to_string_pretty(&conv.commands).map_err(|e| e.to_string())?;
    let path = out.join("commands.json");
    std::fs::write(&path, json).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(ExitCode::SUCCESS)
}
