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
fn bad_target_is_an_error() {
    let d = tmpdir("target");
    let out = d.join("m.o");
    let o = synth(&["compile", "m.wat", "--target", "cortex-a7", "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).starts_with("error: bad option: unknown target `cortex-a7`"), "{}", stderr(&o));
    assert!(!out.exists());
}

#[test]
fn usage_errors_exit_1() {
    for args in [&[][..], &["compile"], &["compile", "a.wat", "--frob"], &["launch"]] {
        let o = synth(args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert!(stderr(&o).starts_with("error: "), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn missing_input_creates_no_output() {
    let d = tmpdir("missing");
    let out = d.join("m.o");
    let o = synth(&["compile", d.join("nope.wasm").to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("cannot read") && stderr(&o).contains("nope.wasm"), "{}", stderr(&o));
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
    assert!(e.starts_with("error: wasm text does not parse"), "{e}");
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
