//! End-to-end test harness: compiles IR functions with `compile_function`,
//! links them into one raw image (resolving MOVW/MOVT and BL relocations
//! against fixed test addresses) and runs calls in unicorn through
//! `run_thumb.py`. Also disassembles with `arm-none-eabi-objdump` for
//! failure messages.

#![allow(dead_code)]

pub mod reference;

use std::io::Write;
use std::process::{Command, Stdio};
use synth_ir::{Function, SymbolRef};
use synth_thumb2::{compile_function, BackendOptions, CompiledFunction, Cpu, RelocTarget};
use synth_thumb2_enc::RelocKind;

/// Where code is loaded.
pub const CODE_BASE: u32 = 0x1000;
/// The trap entry.
pub const TRAP_ADDR: u32 = 0x200;
/// The memory-size word.
pub const MEM_SIZE_ADDR: u32 = 0x3000_0000;
/// The stack-limit word.
pub const STACK_LIMIT_ADDR: u32 = 0x3000_0004;
/// Globals (8 bytes each).
pub const GLOBAL_BASE: u32 = 0x3000_0100;
/// Linear memory.
pub const MEM_BASE: u32 = 0x3001_0000;
/// Linear memory size given to tests.
pub const MEM_SIZE: u32 = 0x1_0000;

/// The Python with `unicorn`: `$SYNTH_PYTHON`, else the project's venv
/// (`.venv/`, made by `scripts/setup.sh`).
fn python() -> String {
    std::env::var("SYNTH_PYTHON")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../../.venv/bin/python").to_string())
}

/// Compiled and linked functions.
pub struct Linked {
    /// The image, loaded at [`CODE_BASE`].
    pub code: Vec<u8>,
    /// Address of each function.
    pub entries: Vec<u32>,
    /// The compiled functions.
    pub compiled: Vec<CompiledFunction>,
}

/// Compiles every function (verifying the allocation).
pub fn compile_all(funcs: &[Function]) -> Vec<CompiledFunction> {
    compile_all_with(funcs, None)
}

/// As [`compile_all`], with a static linear-memory size (bounds checks
/// against a constant).
pub fn compile_all_with(funcs: &[Function], static_memory_bytes: Option<u32>) -> Vec<CompiledFunction> {
    let opts = BackendOptions {
        cpu: Cpu::CortexM4,
        verify_allocation: true,
        shadow_allocation: false,
        static_memory_bytes,
        fpu: synth_thumb2_enc::Fpu::None,
    };
    funcs
        .iter()
        .map(|f| compile_function(f, &opts).unwrap_or_else(|e| panic!("compile failed: {e}")))
        .collect()
}

fn sym_addr(s: SymbolRef, entries: &[u32], runtime: &[(synth_ir::RuntimeFunc, usize)]) -> u32 {
    match s {
        SymbolRef::Runtime(r) => match runtime.iter().find(|(f, _)| *f == r) {
            Some((_, i)) => entries[*i] | 1,
            None => panic!("test harness has no runtime function {r:?}"),
        },
        // The i64 divisions call libgcc's AEABI functions: the test's
        // stand-in for the runtime function plays that part.
        SymbolRef::Libcall(l) => {
            use synth_ir::float::Libcall::{LDivMod, ULDivMod};
            use synth_ir::RuntimeFunc::{I64DivS, I64DivU, I64RemS, I64RemU};
            match runtime.iter().find(|(f, _)| matches!((f, l), (I64DivU | I64RemU, ULDivMod) | (I64DivS | I64RemS, LDivMod))) {
                Some((_, i)) => entries[*i] | 1,
                None => panic!("test harness has no stand-in for {l:?}"),
            }
        }
        SymbolRef::Memory => MEM_BASE,
        SymbolRef::MemorySize => MEM_SIZE_ADDR,
        SymbolRef::StackLimit => STACK_LIMIT_ADDR,
        SymbolRef::Global(i) => GLOBAL_BASE + 8 * i,
        SymbolRef::Func(i) => entries[i as usize] | 1,
        other => panic!("test harness has no address for {other:?}"),
    }
}

fn patch_mov(code: &mut [u8], off: usize, v: u16) {
    let hw1 = u16::from_le_bytes([code[off], code[off + 1]]);
    let hw2 = u16::from_le_bytes([code[off + 2], code[off + 3]]);
    let v = v as u32;
    let hw1 = (hw1 & 0xFBF0) as u32 | ((v >> 11) & 1) << 10 | (v >> 12) & 0xF;
    let hw2 = (hw2 & 0x8F00) as u32 | ((v >> 8) & 7) << 12 | v & 0xFF;
    code[off..off + 2].copy_from_slice(&(hw1 as u16).to_le_bytes());
    code[off + 2..off + 4].copy_from_slice(&(hw2 as u16).to_le_bytes());
}

fn patch_branch(code: &mut [u8], off: usize, place: u32, target: u32) {
    let d = (target & !1).wrapping_sub(place + 4) as i32;
    assert!((-(1 << 24)..(1 << 24)).contains(&d), "branch out of range");
    let d = d as u32;
    let s = (d >> 24) & 1;
    let i1 = (d >> 23) & 1;
    let i2 = (d >> 22) & 1;
    let j1 = (!(i1 ^ s)) & 1;
    let j2 = (!(i2 ^ s)) & 1;
    let hw1 = u16::from_le_bytes([code[off], code[off + 1]]) as u32;
    let hw2 = u16::from_le_bytes([code[off + 2], code[off + 3]]) as u32;
    let hw1 = (hw1 & 0xF800) | s << 10 | (d >> 12) & 0x3FF;
    let hw2 = (hw2 & 0xD000) | j1 << 13 | j2 << 11 | (d >> 1) & 0x7FF;
    code[off..off + 2].copy_from_slice(&(hw1 as u16).to_le_bytes());
    code[off + 2..off + 4].copy_from_slice(&(hw2 as u16).to_le_bytes());
}

/// Compiles and links `funcs`; function `i` is wasm function `i`.
pub fn build(funcs: &[Function]) -> Linked {
    build_rt(funcs, &[])
}

/// As [`build`], with runtime functions provided by functions of `funcs`.
pub fn build_rt(funcs: &[Function], runtime: &[(synth_ir::RuntimeFunc, usize)]) -> Linked {
    link(compile_all(funcs), runtime)
}

/// As [`build`], compiled for a linear memory of `static_memory_bytes`
/// that never changes.
#[allow(dead_code)]
pub fn build_static(funcs: &[Function], static_memory_bytes: u32) -> Linked {
    link(compile_all_with(funcs, Some(static_memory_bytes)), &[])
}

fn link(compiled: Vec<CompiledFunction>, runtime: &[(synth_ir::RuntimeFunc, usize)]) -> Linked {
    let mut entries = Vec::new();
    let mut at = CODE_BASE;
    for c in &compiled {
        entries.push(at);
        at = (at + c.code.len() as u32 + 3) & !3;
    }
    let mut code = vec![0u8; (at - CODE_BASE) as usize];
    for (c, &e) in compiled.iter().zip(&entries) {
        let base = (e - CODE_BASE) as usize;
        code[base..base + c.code.len()].copy_from_slice(&c.code);
        for r in &c.relocs {
            let off = base + r.offset as usize;
            let place = e + r.offset;
            let target = match r.target {
                RelocTarget::Trap => TRAP_ADDR | 1,
                RelocTarget::Symbol(s) => sym_addr(s, &entries, runtime),
                RelocTarget::ImportedFunc(i) => panic!("compiled code never calls import {i} directly (only thunks do)"),
            };
            match r.kind {
                RelocKind::ThmMovwAbsNc => patch_mov(&mut code, off, target.wrapping_add(r.addend as u32) as u16),
                RelocKind::ThmMovtAbs => {
                    patch_mov(&mut code, off, (target.wrapping_add(r.addend as u32) >> 16) as u16)
                }
                RelocKind::ThmCall | RelocKind::ThmJump24 => patch_branch(&mut code, off, place, target),
                RelocKind::Abs32 => code[off..off + 4].copy_from_slice(&target.wrapping_add(r.addend as u32).to_le_bytes()),
            }
        }
    }
    Linked { code, entries, compiled }
}

/// One call to run.
#[derive(Clone, Debug, Default)]
pub struct Call {
    /// Function index.
    pub func: usize,
    /// r0-r3.
    pub args: Vec<u32>,
    /// Stack arguments.
    pub stack: Vec<u32>,
    /// Bytes written into linear memory at offset 0 before the call.
    pub mem: Vec<u8>,
    /// Bytes of linear memory (from offset 0) read back after.
    pub dump: u32,
    /// Memory size word (default [`MEM_SIZE`]).
    pub mem_size: Option<u32>,
    /// Stack limit word (default: far below the stack).
    pub stack_limit: Option<u32>,
}

/// What a call did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// r0 at return.
    pub r0: u32,
    /// r1 at return.
    pub r1: u32,
    /// Trap code, when it trapped.
    pub trap: Option<u32>,
    /// Linear memory read back.
    pub dump: Vec<u8>,
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Disassembles raw Thumb code with objdump (for failure messages).
pub fn disasm(code: &[u8]) -> String {
    let path = std::env::temp_dir().join(format!("synth_thumb2_{}_{:p}.bin", std::process::id(), code));
    if std::fs::write(&path, code).is_err() {
        return String::from("(cannot write temp file)");
    }
    let out = Command::new("arm-none-eabi-objdump")
        .args(["-D", "-b", "binary", "-marm", "-Mforce-thumb"])
        .arg(&path)
        .output();
    let _ = std::fs::remove_file(&path);
    match out {
        Ok(o) => String::from_utf8_lossy(&o.stdout).lines().skip(6).collect::<Vec<_>>().join("\n"),
        Err(_) => String::from("(objdump unavailable)"),
    }
}

/// Runs the calls; panics with a disassembly if the emulator faults or the
/// ABI invariants (sp, callee-saved registers) are broken.
pub fn run(l: &Linked, calls: &[Call]) -> Vec<Outcome> {
    let mut reqs = Vec::new();
    for c in calls {
        let mut data = vec![
            serde_json::json!([MEM_SIZE_ADDR, hex(&c.mem_size.unwrap_or(MEM_SIZE).to_le_bytes())]),
            serde_json::json!([STACK_LIMIT_ADDR, hex(&c.stack_limit.unwrap_or(0x1000_0000).to_le_bytes())]),
        ];
        if !c.mem.is_empty() {
            data.push(serde_json::json!([MEM_BASE, hex(&c.mem)]));
        }
        let mut req = serde_json::json!({
            "code": hex(&l.code),
            "base": CODE_BASE,
            "entry": l.entries[c.func],
            "args": c.args,
            "stack_words": c.stack,
            "data": data,
            "trap": TRAP_ADDR,
        });
        if c.dump > 0 {
            req["dump"] = serde_json::json!([MEM_BASE, c.dump]);
        }
        reqs.push(req);
    }
    let mut child = Command::new(python())
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/run_thumb.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python with unicorn: run scripts/setup.sh (makes .venv) or set SYNTH_PYTHON");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(serde_json::Value::Array(reqs).to_string().as_bytes())
        .expect("write request");
    let out = child.wait_with_output().expect("runner");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("runner output: {e}: {}", String::from_utf8_lossy(&out.stdout)));
    let arr = v.as_array().expect("list");
    let mut res = Vec::new();
    for (c, r) in calls.iter().zip(arr) {
        if let Some(e) = r.get("error") {
            panic!("call {c:?} failed: {e}\n{}", disasm(&l.code));
        }
        let trap = r["trap"].as_u64().map(|t| t as u32);
        if trap.is_none() {
            assert_eq!(r["sp_ok"], true, "sp not restored by {c:?}\n{}", disasm(&l.code));
            assert_eq!(r["callee_saved_ok"], true, "callee-saved register clobbered by {c:?}\n{}", disasm(&l.code));
        }
        let dump = r
            .get("dump")
            .and_then(|d| d.as_str())
            .map(|s| (0..s.len() / 2).map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap_or(0)).collect())
            .unwrap_or_default();
        res.push(Outcome { r0: r["r0"].as_u64().unwrap_or(0) as u32, r1: r["r1"].as_u64().unwrap_or(0) as u32, trap, dump });
    }
    res
}

/// Sample i32 operands covering signs, edges and bit patterns.
pub fn samples32() -> Vec<u32> {
    vec![0, 1, 2, 3, 5, 31, 32, 33, 63, 64, 100, 0x7FFF_FFFF, 0x8000_0000, 0x8000_0001, 0xFFFF_FFFF, 0xFFFF_FFFE, 0x1234_5678, 0xDEAD_BEEF, 0x0000_FFFF]
}

/// Sample i64 operands.
pub fn samples64() -> Vec<u64> {
    vec![
        0,
        1,
        2,
        31,
        32,
        33,
        63,
        64,
        65,
        0xFFFF_FFFF,
        0x1_0000_0000,
        0x7FFF_FFFF_FFFF_FFFF,
        0x8000_0000_0000_0000,
        u64::MAX,
        u64::MAX - 1,
        0x1234_5678_9ABC_DEF0,
        0xFEDC_BA98_7654_3210,
        0x0000_0001_FFFF_FFFF,
    ]
}
