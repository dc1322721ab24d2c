//! The `synth` command-line compiler.
//!
//! Takes: command-line arguments (see [`args::HELP`]). Returns: exit status
//! 0 after writing the object (and optional header and stats); 1 after
//! printing one line `error: <INPUT>: <what>: <detail>` to stderr when the
//! input cannot be read or compiled or an output cannot be written, leaving
//! no output file behind; 2 after `error: <message>` for a usage error.
//! Never 101: panics inside the compiler are caught and reported as internal
//! errors, and a closed stdout (`synth ... | head`) ends the output quietly.
//!
//! Data (the JSON of `--stats-json -`, the `--stats` table unless the JSON
//! takes stdout, help, version) goes to stdout; diagnostics to stderr.

mod args;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use args::{CompileArgs, Command};

/// Why the command failed, and so its exit status.
enum Failure {
    /// Bad command line: exit 2.
    Usage(String),
    /// Input, compilation or output error: exit 1.
    Input(String),
}

fn main() -> ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let result = args::parse(&argv).map_err(Failure::Usage).and_then(|cmd| match cmd {
        Command::Help(text) => Ok(to_stdout(text.as_bytes())),
        Command::Version => Ok(to_stdout(format!("synth {}\n", synth::version()).as_bytes())),
        Command::Compile(c) => compile(&c).map_err(Failure::Input),
    });
    let (code, msg) = match result {
        Ok(()) => return ExitCode::SUCCESS,
        Err(Failure::Usage(m)) => (2, m),
        Err(Failure::Input(m)) => (1, m),
    };
    // One line, whatever the message's source printed.
    let _ = writeln!(std::io::stderr(), "error: {}", synth::error::one_line(&msg));
    ExitCode::from(code)
}

/// Writes data to stdout. A reader that went away (`synth ... | head`) is
/// not an error: the files are written, and there is nobody left to tell.
fn to_stdout(bytes: &[u8]) {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: cannot write to stdout: {e}");
        }
    }
}

/// True for a path whose extension says wasm text (`.wat`, any case).
fn is_text_path(p: &Path) -> bool {
    p.extension().is_some_and(|e| e.eq_ignore_ascii_case("wat"))
}

/// Runs the compiler, catching panics (compiler bugs) as errors. Messages
/// start with the file they are about.
fn compile(c: &CompileArgs) -> Result<(), String> {
    let in_name = c.input.display();
    let input = std::fs::read(&c.input).map_err(|e| format!("{in_name}: cannot read: {e}"))?;
    log::debug!("compiling {} ({} bytes) for {}", in_name, input.len(), c.options.target);
    std::panic::set_hook(Box::new(|_| {}));
    let caught = std::panic::catch_unwind(|| {
        if is_text_path(&c.input) {
            // The extension decides: a `.wat` is text even when it does not look like it.
            let wat_name = c.options.debug_wat.as_deref().filter(|_| c.options.debug);
            let binary = synth::driver::parse_text_with(&input, wat_name)?;
            synth::compile(&binary, &c.options)
        } else {
            synth::compile(&input, &c.options)
        }
    });
    let _ = std::panic::take_hook();
    let compiled = match caught {
        Ok(r) => r.map_err(|e| format!("{in_name}: {e}"))?,
        Err(payload) => {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            return Err(format!("{in_name}: internal compiler error (please report): {msg}"));
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
        let json_to_stdout = c.stats_json.as_deref() == Some("-");
        match c.stats_json.as_deref() {
            Some("-") | None => {}
            Some(f) => pending.push((temp_write(Path::new(f), json.as_bytes())?, PathBuf::from(f))),
        }
        for (tmp, dest) in &pending {
            std::fs::rename(tmp, dest).map_err(|e| format!("{}: cannot write: {e}", dest.display()))?;
        }
        if c.stats {
            let table = compiled.stats.table();
            if json_to_stdout {
                // stdout carries the JSON; the table is for the person watching.
                let _ = std::io::stderr().write_all(table.as_bytes());
            } else {
                to_stdout(table.as_bytes());
            }
        }
        if json_to_stdout {
            to_stdout(format!("{json}\n").as_bytes());
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
    let name = dest.file_name().ok_or_else(|| format!("{}: not a file name", dest.display()))?;
    let tmp = dest.with_file_name(format!(".{}.synth-tmp-{}", name.to_string_lossy(), std::process::id()));
    std::fs::write(&tmp, bytes).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("{}: cannot write: {e}", dest.display())
    })?;
    Ok(tmp)
}
