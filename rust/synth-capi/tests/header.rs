//! include/synth.h is generated from this crate by cbindgen: these tests
//! regenerate it and fail when the checked-in copy is stale, check that every
//! item is documented, and compile the header (and its struct layout, as C
//! sees it, against Rust's) with the system C compiler in strict C99.

use std::path::{Path, PathBuf};
use std::process::Command;

use synth_capi::{synth_function_stats, synth_module_stats, synth_options};

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The checked-in header: `include/synth.h` at the repository root.
fn header_path() -> PathBuf {
    crate_dir().join("../../include/synth.h")
}

fn generate() -> String {
    let dir = crate_dir();
    let config = cbindgen::Config::from_file(dir.join("cbindgen.toml")).expect("cbindgen.toml");
    let bindings = cbindgen::Builder::new()
        .with_crate(&dir)
        .with_config(config)
        .generate()
        .expect("cbindgen could not generate the header");
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).expect("header is UTF-8")
}

#[test]
fn checked_in_header_is_up_to_date() {
    let fresh = generate();
    let path = header_path();
    if std::env::var_os("SYNTH_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    if current != fresh {
        let line = current
            .lines()
            .zip(fresh.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| current.lines().count().min(fresh.lines().count()));
        panic!(
            "include/synth.h is stale (first difference at line {}); regenerate it with\n    \
             SYNTH_BLESS=1 cargo test -p synth-capi --test header\nand commit the result.",
            line + 1
        );
    }
}

/// Every contract name appears, and every declaration (function, struct,
/// macro) is directly preceded by a doc comment.
#[test]
fn header_declares_the_contract_with_docs() {
    let h = generate();
    for name in [
        "synth_abi_version",
        "synth_version",
        "synth_status_name",
        "synth_options_init",
        "synth_compile",
        "synth_result_status",
        "synth_result_message",
        "synth_result_object",
        "synth_result_header",
        "synth_result_stats_json",
        "synth_stats",
        "synth_result_free",
        "typedef struct synth_result synth_result;",
        "typedef struct synth_options {",
        "typedef struct synth_module_stats {",
        "typedef struct synth_function_stats {",
        "#define SYNTH_ABI_VERSION 1",
        "#define SYNTH_STATUS_INTERNAL_ERROR 6",
        "#define SYNTH_TARGET_CORTEX_M7 7",
        "#define SYNTH_FUNCTION_TRAP 3",
        "#define SYNTH_SPILL_SPURIOUS 2",
        "#define SYNTH_RUNG_FALLBACK 1",
    ] {
        assert!(h.contains(name), "header lacks `{name}`:\n{h}");
    }
    let lines: Vec<&str> = h.lines().collect();
    let mut checked = 0;
    for (i, l) in lines.iter().enumerate() {
        let t = l.trim_start();
        let is_decl = t.starts_with("#define SYNTH_")
            || t.starts_with("typedef struct")
            || (t.contains("synth_") && t.contains('(') && !t.starts_with('*') && !t.starts_with("/*"))
            || (l.starts_with("  ") && t.ends_with(';') && !t.starts_with('*'));
        if !is_decl || t.starts_with("#define SYNTH_H") {
            continue;
        }
        // Continuation lines of a multi-line prototype are not declarations.
        if i > 0 && lines[i - 1].trim_end().ends_with(',') {
            continue;
        }
        let prev = lines[..i].iter().rev().find(|p| !p.trim().is_empty()).map(|p| p.trim()).unwrap_or("");
        assert!(prev.ends_with("*/"), "undocumented declaration at line {}: {l}", i + 1);
        checked += 1;
    }
    assert!(checked > 60, "only {checked} declarations found; is the check broken?");
}

fn cc() -> String {
    std::env::var("CC").unwrap_or_else(|_| "cc".to_string())
}

/// Compiles `src` with the header in strict C99; returns the compiler's
/// status and output.
fn compile_c(src: &str, name: &str, args: &[&str]) -> (bool, String) {
    let dir = std::env::temp_dir().join(format!("synth-capi-header-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let c = dir.join(format!("{name}.c"));
    std::fs::write(&c, src).unwrap();
    let include = crate_dir().join("../../include");
    let out = Command::new(cc())
        .args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic"])
        .args(args)
        .arg("-I")
        .arg(&include)
        .arg(&c)
        .arg("-o")
        .arg(dir.join(name))
        .output()
        .unwrap_or_else(|e| panic!("cannot run the C compiler `{}` (set CC): {e}", cc()));
    let _ = std::fs::remove_dir_all(&dir);
    (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// `typedef char name[cond ? 1 : -1];`: a C99 compile-time assertion.
fn assert_c(name: &str, cond: String) -> String {
    format!("typedef char {name}[({cond}) ? 1 : -1];\n")
}

#[test]
fn header_compiles_as_strict_c99_with_rust_layout() {
    use std::mem::{offset_of, size_of};
    let mut src = String::from("#include <stddef.h>\n#include \"synth.h\"\n");
    let mut checks = vec![
        ("options_size", format!("sizeof(synth_options) == {}", size_of::<synth_options>())),
        ("module_size", format!("sizeof(synth_module_stats) == {}", size_of::<synth_module_stats>())),
        ("function_size", format!("sizeof(synth_function_stats) == {}", size_of::<synth_function_stats>())),
    ];
    macro_rules! offsets {
        ($t:ident: $($f:ident),*) => {$(
            checks.push((concat!(stringify!($t), "_", stringify!($f)), format!("offsetof({}, {}) == {}", stringify!($t), stringify!($f), offset_of!($t, $f))));
        )*};
    }
    offsets!(synth_options: struct_size, target, prefix, module_name, max_memory_pages, bounds_checks, stack_check, verify_allocation, shadow_allocation, optimize, reserved0, fpu, float_abi, max_stack, import_stack, import_stack_count, debug, reserved1, max_function_bytes, debug_wat);
    offsets!(synth_module_stats: struct_size, functions, text_bytes, code_bytes, instructions, spill_stores, reloads, remats, moves, spurious_spill_functions, fallback_functions, data_bytes, rodata_bytes, bss_bytes);
    offsets!(synth_function_stats: struct_size, name, symbol, kind, code_bytes, instructions, frame_bytes, vregs, peak_pressure, regs_available, spill_stores, reloads, remats, moves, spill_slots, callee_saved_pushed, verdict, rung, has_shadow, shadow_spill_stores, shadow_reloads, shadow_moves, shadow_spill_slots, shadow_callee_saved_used);
    for (n, c) in &checks {
        src += &assert_c(&format!("check_{n}"), c.clone());
    }
    src += "int main(void) { return SYNTH_ABI_VERSION == 1 ? 0 : 1; }\n";
    let (ok, err) = compile_c(&src, "layout", &["-fsyntax-only"]);
    assert!(ok, "synth.h does not compile, or its layout differs from Rust's:\n{err}");
    // The check itself can fail: a wrong size is a compile error.
    let bad = format!("#include \"synth.h\"\n{}int main(void) {{ return 0; }}\n", assert_c("bad", "sizeof(synth_options) == 1".into()));
    assert!(!compile_c(&bad, "bad", &["-fsyntax-only"]).0);
}

#[test]
fn header_path_is_in_the_repository() {
    assert!(Path::new(&header_path()).parent().unwrap().parent().unwrap().join("rust/Cargo.toml").exists());
}
