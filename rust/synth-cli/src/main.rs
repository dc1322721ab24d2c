//! The `synth` command-line compiler.
//!
//! Takes: command-line arguments (see [`args::HELP`]). Returns: exit status
//! 0 after writing the object (and optional header and stats), or 1 after
//! printing `error: <message>` to stderr, leaving no output file behind.

mod args;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use args::{CompileArgs, Command};

fn main() -> ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let result = args::parse(&argv).and_then(|cmd| match cmd {
        Command::Help(text) => {
            print!("{text}");
            Ok(())
        }
        Command::Version => {
            println!("synth {}", synth::version());
            Ok(())
        }
        Command::Compile(c) => compile(&c),
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("error: {msg}");
            ExitCode::from(1)
        }
    }
}

/// Runs the compiler, catching panics (compiler bugs) as errors.
fn compile(c: &CompileArgs) -> Result<(), String> {
    let input = std::fs::read(&c.input).map_err(|e| format!("cannot read `{}`: {e}", c.input.display()))?;
    log::debug!("compiling {} ({} bytes) for {}", c.input.display(), input.len(), c.options.target);
    std::panic::set_hook(Box::new(|_| {}));
    let caught = std::panic::catch_unwind(|| synth::compile(&input, &c.options));
    let _ = std::panic::take_hook();
    let compiled = match caught {
        Ok(r) => r.map_err(|e| e.to_string())?,
        Err(payload) => {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            return Err(format!("internal compiler error (please report): {msg}"));
        }
    };

    // Everything is written to temporary files first and renamed into place
    // only when all writes succeeded.
    let mut pending: Vec<(PathBuf, PathBuf)> = Vec::new();
    let result = (|| {
        pending.push((temp_write(&c.output, &compiled.object)?, c.output.clone()));
        if let Some(h) = &c.header {
            pending.push((temp_write(h, compiled.header.as_bytes())?, h.clone()));
        }
        let json = serde_json::to_string_pretty(&compiled.stats).map_err(|e| e.to_string())?;
        match c.stats_json.as_deref() {
            Some("-") | None => {}
            Some(f) => pending.push((temp_write(Path::new(f), json.as_bytes())?, PathBuf::from(f))),
        }
        for (tmp, dest) in &pending {
            std::fs::rename(tmp, dest).map_err(|e| format!("cannot write `{}`: {e}", dest.display()))?;
        }
        if c.stats {
            print!("{}", compiled.stats.table());
        }
        if c.stats_json.as_deref() == Some("-") {
            println!("{json}");
        }
        Ok(())
    })();
    if result.is_err() {
        for (tmp, _) in &pending {
            let _ = std::fs::remove_file(tmp);
        }
    }
    result
}

/// Writes `bytes` to a temporary file next to `dest`; returns its path.
fn temp_write(dest: &Path, bytes: &[u8]) -> Result<PathBuf, String> {
    let name = dest.file_name().ok_or_else(|| format!("`{}` is not a file name", dest.display()))?;
    let tmp = dest.with_file_name(format!(".{}.synth-tmp-{}", name.to_string_lossy(), std::process::id()));
    std::fs::write(&tmp, bytes).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("cannot write `{}`: {e}", dest.display())
    })?;
    Ok(tmp)
}
