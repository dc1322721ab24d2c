//! `synth-fuzz`: writes random valid wasm modules for synth's differential fuzzer.
//!
//! ```text
//! synth-fuzz gen --seed S --count N --out DIR [--floats on|off] [--nans canonical|free] [--fuel F]
//! synth-fuzz canon IN.wasm OUT.wasm
//! ```
//! writes `DIR/<seed>.wasm` for seeds S..S+N-1 (see the `synth_fuzz` crate doc) and prints
//! one line per module, `<seed> <path> <bytes>`, or `<seed> error <why>` (a generator
//! failure, rare, not a synth bug). `canon` re-encodes a module with the NaN results of
//! `f32.demote_f64`/`f64.promote_f32` made canonical (what `gen` does to every module
//! unless `--nans free`). Exit status: 0, or 2 on a usage or file error.

use std::path::PathBuf;
use std::process::ExitCode;

use synth_fuzz::{generate, GenOptions};

const USAGE: &str = "usage: synth-fuzz gen --seed S --count N --out DIR [--floats on|off] [--nans canonical|free] [--fuel F]\n       synth-fuzz canon IN.wasm OUT.wasm";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("error: {msg}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn on_off(v: &str) -> Result<bool, String> {
    match v {
        "on" => Ok(true),
        "off" => Ok(false),
        _ => Err(format!("expected on or off, got `{v}`")),
    }
}

fn run(args: Vec<String>) -> Result<(), String> {
    let mut it = args.into_iter();
    match it.next().as_deref() {
        Some("gen") => {}
        Some("canon") => {
            let (input, output) = match (it.next(), it.next(), it.next()) {
                (Some(i), Some(o), None) => (i, o),
                _ => return Err("canon takes IN.wasm OUT.wasm".into()),
            };
            let bytes = std::fs::read(&input).map_err(|e| format!("{input}: {e}"))?;
            let out = synth_fuzz::canonicalize_conversion_nans(&bytes).map_err(|e| format!("{input}: {e}"))?;
            return std::fs::write(&output, out).map_err(|e| format!("{output}: {e}"));
        }
        Some(other) => return Err(format!("unknown command `{other}`")),
        None => return Err("missing command".into()),
    }
    let (mut seed, mut count, mut out) = (None, 1u64, None);
    let mut opts = GenOptions::default();
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let num = |v: &str| v.parse::<u64>().map_err(|_| format!("{flag}: not a number: `{v}`"));
        match flag.as_str() {
            "--seed" => seed = Some(num(&value)?),
            "--count" => count = num(&value)?,
            "--out" => out = Some(PathBuf::from(value)),
            "--floats" => opts.floats = Some(on_off(&value)?),
            "--nans" => {
                opts.canonicalize_nans = Some(match value.as_str() {
                    "canonical" => true,
                    "free" => false,
                    _ => return Err(format!("--nans: expected canonical or free, got `{value}`")),
                })
            }
            "--fuel" => opts.fuel = Some(u32::try_from(num(&value)?).map_err(|_| "--fuel too large".to_string())?),
            _ => return Err(format!("unknown option `{flag}`")),
        }
    }
    let seed = seed.ok_or("--seed is required")?;
    let out = out.ok_or("--out is required")?;
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    for s in seed..seed.saturating_add(count) {
        match generate(s, &opts) {
            Ok(bytes) => {
                let path = out.join(format!("{s}.wasm"));
                std::fs::write(&path, &bytes).map_err(|e| format!("{}: {e}", path.display()))?;
                println!("{s} {} {}", path.display(), bytes.len());
            }
            Err(why) => println!("{s} error {why}"),
        }
    }
    Ok(())
}
