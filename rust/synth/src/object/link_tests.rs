//! Tests with real tools: the object linked by `arm-none-eabi-ld` (calls,
//! MOVW/MOVT pairs and element entries resolved to the right addresses, the
//! weak trap entry overridable), and the header compiled by gcc (host, and
//! arm-none-eabi-gcc linking a C caller against the object).
//!
//! Missing ARM tools fail these tests with a clear message unless
//! `SYNTH_SKIP_ARM_TOOLS=1` is set.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::testutil::*;
use crate::driver::link;
use crate::options::Options;

/// True when `tool` runs; false (skip) only with `SYNTH_SKIP_ARM_TOOLS=1`.
fn have(tool: &str) -> bool {
    if Command::new(tool).arg("--version").output().is_ok_and(|o| o.status.success()) {
        return true;
    }
    if std::env::var("SYNTH_SKIP_ARM_TOOLS").as_deref() == Ok("1") {
        eprintln!("skipping: {tool} not found and SYNTH_SKIP_ARM_TOOLS=1");
        return false;
    }
    panic!("`{tool}` is not installed (install binutils-arm-none-eabi / gcc-arm-none-eabi), or set SYNTH_SKIP_ARM_TOOLS=1 to skip");
}

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("synth-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(out.status.success(), "{cmd:?} failed:\n{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Address of `name` per `nm`, Thumb bit cleared.
fn nm_addr(nm: &str, name: &str) -> u64 {
    let hits: Vec<u64> = nm
        .lines()
        .filter_map(|l| {
            let mut it = l.split_whitespace();
            let (a, _t, n) = (it.next()?, it.next()?, it.next()?);
            (n == name).then(|| u64::from_str_radix(a, 16).ok()).flatten()
        })
        .collect();
    assert_eq!(hits.len(), 1, "{name} in nm output:\n{nm}");
    hits[0] & !1
}

/// The disassembly lines of function `name` in `objdump -d` output.
fn function_lines<'a>(dis: &'a str, name: &str) -> Vec<&'a str> {
    let start = format!("<{name}>:");
    dis.lines().skip_while(|l| !l.ends_with(&start)).skip(1).take_while(|l| !l.trim().is_empty()).collect()
}

const STUB: &str = "
    .syntax unified
    .cpu cortex-m4
    .thumb
    .global _start
    .thumb_func
_start:
    bl wasm_init
    movs r0, #1
    movs r1, #2
    bl wasm_add
    b .
    .global host_log
    .thumb_func
host_log:
    bx lr
";

const STRONG_TRAP: &str = "
    .syntax unified
    .thumb
    .global synth_trap
    .thumb_func
synth_trap:
    bkpt #0
    b synth_trap
";

fn write_object(dir: &Path) -> PathBuf {
    let c = link(&sample_module(), &sample_functions(), &Options::default()).unwrap();
    let obj = dir.join("module.o");
    std::fs::write(&obj, &c.object).unwrap();
    std::fs::write(dir.join("module.h"), &c.header).unwrap();
    obj
}

fn assemble(dir: &Path, name: &str, src: &str) -> PathBuf {
    let s = dir.join(format!("{name}.s"));
    let o = dir.join(format!("{name}.o"));
    std::fs::write(&s, src).unwrap();
    run(Command::new("arm-none-eabi-as").arg("-mthumb").arg("-o").arg(&o).arg(&s));
    o
}

fn ld(dir: &Path, out: &str, objs: &[&Path]) -> (PathBuf, String, String) {
    let exe = dir.join(out);
    run(Command::new("arm-none-eabi-ld").args(["-e", "_start", "-Ttext=0x10000", "-o"]).arg(&exe).args(objs));
    let nm = run(Command::new("arm-none-eabi-nm").arg(&exe));
    let dis = run(Command::new("arm-none-eabi-objdump").arg("-d").arg(&exe));
    (exe, nm, dis)
}

#[test]
fn gnu_ld_resolves_calls_addresses_and_table_entries() {
    if !have("arm-none-eabi-ld") || !have("arm-none-eabi-as") || !have("arm-none-eabi-objdump") {
        return;
    }
    let dir = tmpdir("link");
    let obj = write_object(&dir);
    let stub = assemble(&dir, "stub", STUB);
    let (exe, nm, dis) = ld(&dir, "a.elf", &[&stub, &obj]);
    let f2 = function_lines(&dis, "wasm_func2");
    assert!(!f2.is_empty(), "wasm_func2 missing:\n{dis}");
    let find = |mnemonic: &str, target: &str| {
        let addr = nm_addr(&nm, target);
        let want = format!("{addr:x} <{target}>");
        assert!(
            f2.iter().any(|l| l.contains(mnemonic) && l.trim_end().ends_with(&want)),
            "no `{mnemonic} {want}` in wasm_func2:\n{}",
            f2.join("\n")
        );
    };
    find("bl", "wasm_add");
    find("bl", "synth_trap");
    find("bl", "host_log");
    find("b.w", "host_log");
    // movw/movt build the address of linear memory.
    let imm = |m: &str| -> u64 {
        let l = f2.iter().find(|l| l.contains(m)).unwrap_or_else(|| panic!("no {m}:\n{}", f2.join("\n")));
        let hash = l.rfind('#').unwrap();
        let v = l[hash + 1..].split_whitespace().next().unwrap();
        v.parse::<u64>().unwrap_or_else(|_| u64::from_str_radix(v.trim_start_matches("0x"), 16).unwrap())
    };
    assert_eq!(imm("movt") << 16 | imm("movw"), nm_addr(&nm, "wasm_memory"));
    assert_eq!(nm_addr(&nm, "wasm_memory") % 8, 0);
    // The jump-table word is shown as data.
    assert!(
        f2.iter().any(|l| (l.contains(".short") || l.contains(".word")) && l.contains("0xbeef")),
        "{}",
        f2.join("\n")
    );
    // Element entries hold the function address with the Thumb bit: the
    // passive segment's, and the table's preset from the active one.
    let bytes = std::fs::read(&exe).unwrap();
    let elf = goblin::elf::Elf::parse(&bytes).unwrap();
    let sym = |n: &str| elf.syms.iter().find(|s| elf.strtab.get_at(s.st_name) == Some(n)).unwrap();
    for seg in ["wasm_elem1", "wasm_table0"] {
    let e0 = sym(seg).st_value;
    let sh = elf.section_headers.iter().find(|s| s.sh_addr <= e0 && e0 < s.sh_addr + s.sh_size).unwrap();
    let at = |k: u64| {
        let o = (sh.sh_offset + e0 - sh.sh_addr + k * 4) as usize;
        u32::from_le_bytes(bytes[o..o + 4].try_into().unwrap()) as u64
    };
    assert_eq!((at(0), at(1)), (2, nm_addr(&nm, "wasm_add") | 1));
    assert_eq!((at(2), at(3)), (0, 0));
    assert_eq!((at(4), at(5)), (1, nm_addr(&nm, "host_log") | 1));
    }
}

#[test]
fn a_strong_synth_trap_overrides_the_weak_default() {
    if !have("arm-none-eabi-ld") || !have("arm-none-eabi-as") {
        return;
    }
    let dir = tmpdir("trap");
    let obj = write_object(&dir);
    let stub = assemble(&dir, "stub", STUB);
    let trap = assemble(&dir, "trap", STRONG_TRAP);
    let (_, nm, dis) = ld(&dir, "b.elf", &[&stub, &trap, &obj]);
    let addr = nm_addr(&nm, "synth_trap");
    let lines = function_lines(&dis, "synth_trap");
    assert!(lines.iter().any(|l| l.contains("bkpt")), "firmware's synth_trap not used:\n{dis}");
    let f2 = function_lines(&dis, "wasm_func2");
    assert!(f2.iter().any(|l| l.contains("bl") && l.trim_end().ends_with(&format!("{addr:x} <synth_trap>"))));
}

#[test]
fn header_compiles_with_host_gcc() {
    if Command::new("gcc").arg("--version").output().is_err() {
        panic!("host gcc is needed for the header test");
    }
    let dir = tmpdir("hdr");
    write_object(&dir);
    let c = dir.join("use.c");
    std::fs::write(
        &c,
        "#include \"module.h\"\n#include \"module.h\"\n\
         void host_log(int32_t v) { (void)v; }\n\
         int32_t use(void) {\n\
           wasm_init();\n\
           struct wasm_pair_results r = wasm_pair(INT64_C(5));\n\
           int64_t big = r.r1;\n\
           wasm_memory[0] = (uint8_t)wasm_memory_size;\n\
           wasm_counter += 1;\n\
           return wasm_add(r.r0, (int32_t)big) + (int32_t)SYNTH_TRAP_UNREACHABLE + base;\n\
         }\n",
    )
    .unwrap();
    for std in ["-std=c99", "-std=c11"] {
        run(Command::new("gcc").args(["-fsyntax-only", "-Wall", "-Wextra", "-Werror", "-pedantic", std]).arg(&c));
    }
    run(Command::new("g++").args(["-fsyntax-only", "-Wall", "-Werror", "-x", "c++"]).arg(dir.join("module.h")));
}

#[test]
fn c_firmware_links_against_the_object_soft_and_hard_float() {
    if !have("arm-none-eabi-gcc") {
        return;
    }
    let dir = tmpdir("fw");
    let obj = write_object(&dir);
    let c = dir.join("main.c");
    std::fs::write(
        &c,
        "#include \"module.h\"\n\
         int32_t base = 3;\n\
         void host_log(int32_t v) { (void)v; }\n\
         void synth_trap(uint32_t code) { (void)code; for (;;) {} }\n\
         void _start(void) { wasm_init(); (void)wasm_add(1, 2); (void)wasm_pair(7); for (;;) {} }\n",
    )
    .unwrap();
    for float in [&["-mfloat-abi=soft"][..], &["-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"]] {
        let exe = dir.join("fw.elf");
        run(Command::new("arm-none-eabi-gcc")
            .args(["-mcpu=cortex-m4", "-mthumb", "-O1", "-nostdlib", "-Wall", "-Werror"])
            .args(float)
            .arg("-o")
            .arg(&exe)
            .arg(&c)
            .arg(&obj));
        let nm = run(Command::new("arm-none-eabi-nm").arg(&exe));
        // The firmware's synth_trap wins over the weak default.
        assert_eq!(nm.lines().filter(|l| l.ends_with(" synth_trap")).count(), 1);
        assert!(nm.lines().any(|l| l.ends_with(" T synth_trap")), "{nm}");
    }
}

/// Tables across objects, as docs/ABI.md binds them: module B imports the
/// funcref table module A exports (`a__tab = a_table0`, `a__tab_size =
/// a_table0_size`), the C firmware provides B's imported externref table
/// through the declarations of B's header, and both headers compile
/// together without warnings.
#[test]
fn imported_tables_bind_to_an_exporter_and_to_c_firmware() {
    if !have("arm-none-eabi-gcc") {
        return;
    }
    let dir = tmpdir("tables");
    let a = r#"(module (type $t (func (result i32))) (table (export "tab") 2 funcref)
      (func (export "call") (param i32) (result i32) (call_indirect (type $t) (local.get 0))))"#;
    let b = r#"(module (import "a" "tab" (table 2 funcref)) (import "host" "refs" (table $e 2 externref))
      (func $seven (result i32) (i32.const 7)) (elem (table 0) (i32.const 1) func $seven)
      (func (export "keep") (param externref) (table.set $e (i32.const 0) (local.get 0))))"#;
    let mut objs = Vec::new();
    for (name, wat) in [("a", a), ("b", b)] {
        let opts = Options { symbol_prefix: format!("{name}_"), ..Options::default() };
        let c = crate::compile(wat.as_bytes(), &opts).unwrap();
        let obj = dir.join(format!("{name}.o"));
        std::fs::write(&obj, &c.object).unwrap();
        std::fs::write(dir.join(format!("{name}.h")), &c.header).unwrap();
        objs.push(obj);
    }
    let c = dir.join("main.c");
    std::fs::write(
        &c,
        "#include \"a.h\"\n#include \"b.h\"\n\
         uint32_t host__refs[4][2];\n\
         uint32_t host__refs_size[2] = {2, 4};\n\
         void synth_trap(uint32_t code) { (void)code; for (;;) {} }\n\
         void _start(void) { a_init(); b_init(); b_keep(5); (void)a_call(1); (void)a_table0_size[0]; for (;;) {} }\n",
    )
    .unwrap();
    let exe = dir.join("fw.elf");
    run(Command::new("arm-none-eabi-gcc")
        .args(["-mcpu=cortex-m4", "-mthumb", "-O1", "-nostdlib", "-Wall", "-Werror"])
        .args(["-Wl,--defsym,a__tab=a_table0", "-Wl,--defsym,a__tab_size=a_table0_size"])
        .arg("-o")
        .arg(&exe)
        .arg(&c)
        .args(&objs));
    let nm = run(Command::new("arm-none-eabi-nm").arg(&exe));
    assert_eq!(nm_addr(&nm, "a__tab"), nm_addr(&nm, "a_table0"));
    assert_eq!(nm_addr(&nm, "a__tab_size"), nm_addr(&nm, "a_table0_size"));
    assert!(nm.lines().any(|l| l.ends_with(" B host__refs") || l.ends_with(" C host__refs")), "{nm}");
}
