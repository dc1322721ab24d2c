//! Tests of the `synth` binary: help, version, usage errors, failing
//! compilations leaving no output, and (at integration) a real compile.

use std::path::PathBuf;
use std::process::{Command, Output};

fn synth(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_synth")).args(args).output().expect("runs the synth binary")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The demo module (a PI controller and a CRC-32).
fn controller() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/controller.wat")
}

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("synth-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn version() {
    let o = synth(&["--version"]);
    assert!(o.status.success());
    assert_eq!(stdout(&o).trim(), format!("synth {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn help_explains_every_option() {
    let o = synth(&["--help"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("synth compile <INPUT> -o <OUTPUT.o>"));
    let o = synth(&["compile", "--help"]);
    assert!(o.status.success());
    let h = stdout(&o);
    for opt in [
        "--target", "--prefix", "--emit-header", "--no-bounds-checks", "--stack-check", "--max-memory-pages",
        "--verify-allocation", "--stats", "--stats-json", "cortex-m3", "cortex-m7",
    ] {
        assert!(h.contains(opt), "help lacks {opt}:\n{h}");
    }
}

#[test]
fn bad_target_is_a_usage_error() {
    let d = tmpdir("target");
    let out = d.join("m.o");
    let o = synth(&["compile", "m.wat", "--target", "cortex-a7", "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).starts_with("error: bad option: unknown target `cortex-a7`"), "{}", stderr(&o));
    assert!(!out.exists());
}

#[test]
fn usage_errors_exit_2() {
    for args in [&[][..], &["compile"], &["compile", "a.wat", "--frob"], &["launch"], &["compile", "a.wat", "--no-opt"]] {
        let o = synth(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).starts_with("error: "), "{args:?}: {}", stderr(&o));
        assert_eq!(stderr(&o).lines().count(), 1, "{args:?}: {}", stderr(&o));
    }
}

/// Runs `synth compile FILE` on a file holding `bytes` (named `name`) and
/// returns its one-line error, after checking exit status 1, a single line
/// `error: <path>: ...` and no object.
fn compile_error(name: &str, bytes: &[u8], extra: &[&str]) -> String {
    let d = tmpdir(&format!("err-{}", name.replace('.', "-")));
    let input = d.join(name);
    std::fs::write(&input, bytes).unwrap();
    let out = d.join("out.o");
    let mut args = vec!["compile", input.to_str().unwrap(), "-o", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let o = synth(&args);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{name}: {e}");
    assert_eq!(e.lines().count(), 1, "{name}: one line expected:\n{e}");
    let prefix = format!("error: {}: ", input.display());
    assert!(e.starts_with(&prefix), "{name}: `{prefix}` expected:\n{e}");
    assert!(!out.exists());
    e[prefix.len()..].trim_end().to_string()
}

#[test]
fn errors_are_one_line_naming_file_offset_and_function() {
    // A text file that is not a module: `.wat` is parsed as text (the extension decides).
    let e = compile_error("plain.wat", b"module (func)", &[]);
    assert!(e.starts_with("wasm text does not parse: line 1, column 1: "), "{e}");
    // A parse error names the line and column (and no `<anon>`).
    let e = compile_error("bad.wat", b"(module\n  (func (i32.frobnicate)))", &[]);
    assert!(e.starts_with("wasm text does not parse: line 2, column 10: "), "{e}");
    assert!(!e.contains("<anon>"), "{e}");
    // wasmparser's bad-magic message prints arrays over several lines: one line here.
    let e = compile_error("magic.wasm", b"\0asn\x01\0\0\0", &[]);
    assert!(e.starts_with("malformed wasm module at offset 0x0: magic header not detected"), "{e}");
    assert!(e.contains("expected=[0x0, 0x61, 0x73, 0x6d]"), "{e}");
    let e = compile_error("version.wasm", b"\0asm\x02\0\0\0", &[]);
    assert!(e.starts_with("malformed wasm module at offset 0x4: "), "{e}");
    // Unsupported: function index, name, operator and offset.
    let e = compile_error(
        "simd.wat",
        b"(module (func $area (export \"area\") (param i32) (result i32) local.get 0 i32x4.splat i32x4.extract_lane 0))",
        &[],
    );
    assert!(e.starts_with("unsupported: function 0 `area` uses"), "{e}");
    assert!(e.contains("(offset 0x"), "{e}");
    // The user's own memory cap is an option problem, not a missing feature.
    let e = compile_error("mem.wat", b"(module (memory 1))", &["--max-memory-pages", "0"]);
    assert_eq!(e, "bad option: max_memory_pages is 0, below the 1 initial page of the module's memory (offset 0xb)");
}

#[test]
fn broken_pipe_is_not_a_panic() {
    let d = tmpdir("pipe");
    let out = d.join("c.o");
    let mut child = Command::new(env!("CARGO_BIN_EXE_synth"))
        .args(["compile", controller().to_str().unwrap(), "-o", out.to_str().unwrap(), "--stats-json", "-", "--stats"])
        .arg("--shadow-allocation")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Close the reading end before synth has compiled anything: every write to stdout fails
    // with EPIPE (what `synth ... --stats-json - | head -2` does once head has its lines).
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{e}");
    assert!(!e.contains("panicked") && !e.contains("Broken pipe"), "{e}");
    assert!(out.exists());
}

#[test]
fn missing_input_creates_no_output() {
    let d = tmpdir("missing");
    let out = d.join("m.o");
    let missing = d.join("nope.wasm");
    let o = synth(&["compile", missing.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).starts_with(&format!("error: {}: cannot read: ", missing.display())), "{}", stderr(&o));
    assert!(!out.exists());
}

#[test]
fn failed_compilation_leaves_outputs_untouched() {
    let d = tmpdir("syntax");
    let input = d.join("bad.wat");
    std::fs::write(&input, "(module (func (i32.frobnicate)))").unwrap();
    let out = d.join("bad.o");
    let hdr = d.join("bad.h");
    std::fs::write(&out, "old").unwrap();
    let o = synth(&["compile", input.to_str().unwrap(), "-o", out.to_str().unwrap(), "--emit-header", hdr.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.starts_with(&format!("error: {}: wasm text does not parse: line 1, column 16: ", input.display())), "{e}");
    assert!(e.contains("frobnicate"), "{e}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "old");
    assert!(!hdr.exists());
    // No temporary files are left behind either.
    let names: Vec<_> = std::fs::read_dir(&d).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 2, "{names:?}");

    // A malformed binary fails in the front end (or, before the front end
    // exists, as an internal error): exit 1 and no object either way.
    let bin = d.join("bad.wasm");
    std::fs::write(&bin, b"\0asm\x01\0\0\0\x01\xff").unwrap();
    let out2 = d.join("bin.o");
    let o = synth(&["compile", bin.to_str().unwrap(), "-o", out2.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).starts_with("error: "), "{}", stderr(&o));
    assert!(!out2.exists());
}

/// End to end: the whole pipeline from text to an object with the export.
#[test]
fn compiles_a_module_end_to_end() {
    let d = tmpdir("e2e");
    let input = d.join("add.wat");
    std::fs::write(
        &input,
        r#"(module
             (memory (export "memory") 1)
             (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
             (func (export "load") (param i32) (result i32) local.get 0 i32.load))"#,
    )
    .unwrap();
    let out = d.join("add.o");
    let hdr = d.join("add.h");
    let json = d.join("stats.json");
    let o = synth(&[
        "compile", input.to_str().unwrap(), "-o", out.to_str().unwrap(), "--emit-header", hdr.to_str().unwrap(),
        "--target", "cortex-m3", "--stats", "--stats-json", json.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let obj = std::fs::read(&out).unwrap();
    assert_eq!(&obj[..4], b"\x7fELF");
    let h = std::fs::read_to_string(&hdr).unwrap();
    assert!(h.contains("int32_t wasm_add(int32_t p0, int32_t p1);"), "{h}");
    assert!(h.contains("int32_t wasm_load(int32_t p0);"), "{h}");
    assert!(stdout(&o).contains("wasm_add"), "stats table: {}", stdout(&o));
    let stats = std::fs::read_to_string(&json).unwrap();
    assert!(stats.contains("\"symbol\": \"wasm_load\""), "{stats}");
    // Same input, same bytes.
    let out2 = d.join("again.o");
    assert!(synth(&["compile", input.to_str().unwrap(), "-o", out2.to_str().unwrap(), "--target", "cortex-m3"]).status.success());
    assert_eq!(std::fs::read(&out2).unwrap(), obj);
}

/// `--stats` goes to stderr when `--stats-json -` puts the JSON on stdout, so
/// stdout stays parseable; the table names functions as the name section does
/// and shows the shadow allocator's columns.
#[test]
fn stats_table_and_json_streams() {
    let d = tmpdir("streams");
    let out = d.join("c.o");
    let module = controller();
    // --no-optimize keeps the small `$qmul`, which the optimiser inlines.
    let args = ["compile", module.to_str().unwrap(), "-o", out.to_str().unwrap(), "--stats", "--no-optimize"];
    let o = synth(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let table = stdout(&o);
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    let head: Vec<&str> = table.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(&head[..3], ["symbol", "name", "kind"], "{table}");
    assert!(!table.contains("sh.spills"), "{table}");
    // controller.wat's `$qmul` is not exported: its symbol is generated, its name is not.
    let qmul = table.lines().find(|l| l.split_whitespace().nth(1) == Some("qmul")).unwrap_or_else(|| panic!("{table}"));
    assert!(qmul.starts_with("wasm_func"), "{qmul}");

    let mut with_json = args.to_vec();
    with_json.extend(["--stats-json", "-", "--shadow-allocation"]);
    let o = synth(&with_json);
    assert!(o.status.success(), "{}", stderr(&o));
    let json = stdout(&o);
    assert!(json.trim_start().starts_with('{') && json.trim_end().ends_with('}'), "only JSON on stdout: {json}");
    assert!(json.contains("\"shadow\": {"), "{json}");
    let table = stderr(&o);
    let head: Vec<&str> = table.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(&head[head.len() - 5..], ["sh.spills", "sh.reloads", "sh.moves", "sh.slots", "sh.saved"], "{table}");
    let row: Vec<&str> = table.lines().nth(1).unwrap().split_whitespace().collect();
    assert!(row[row.len() - 5..].iter().all(|c| c.parse::<u32>().is_ok()), "shadow figures per row: {table}");
}

#[test]
fn max_function_bytes_over_the_limit_is_a_limit_error() {
    let src = std::fs::read(controller()).unwrap();
    let e = compile_error("controller.wat", &src, &["--max-function-bytes", "10"]);
    assert!(e.starts_with("limit: function "), "{e}");
    assert!(e.ends_with("over the limit of 10 (max_function_bytes)"), "{e}");
    // 0 is no limit: the same object as the default (which controller.wat is far under).
    let d = tmpdir("max-function-bytes");
    let (none, default) = (d.join("none.o"), d.join("default.o"));
    let c = controller();
    let o = synth(&["compile", c.to_str().unwrap(), "-o", none.to_str().unwrap(), "--max-function-bytes", "0"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = synth(&["compile", c.to_str().unwrap(), "-o", default.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read(none).unwrap(), std::fs::read(default).unwrap());
}
