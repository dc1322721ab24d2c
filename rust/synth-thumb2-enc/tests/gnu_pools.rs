//! Literal pools checked against GNU binutils: each case is assembled by
//! the assembler (pools on) and, from `ldr rX, =value` / `.ltorg` source, by
//! `arm-none-eabi-as`; the bytes and the relocations must be identical, and
//! `arm-none-eabi-objdump -dr` of GNU's object (which has `$d` mapping
//! symbols over its pool) must decode the literal loads and show the pool
//! as `.word` data.

#[allow(dead_code)] // this test uses only the tool check
mod common;

use std::path::PathBuf;
use std::process::Command;

use synth_thumb2_enc::{Assembler, Code, Flags, Reg, RelocKind, Sym};

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("running {cmd:?}: {e}"));
    assert!(out.status.success(), "{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn nops(a: &mut Assembler, n: usize) {
    for _ in 0..n {
        a.nop();
    }
}

fn nop_src(n: usize) -> String {
    format!(".rept {n}\nnop\n.endr\n")
}

/// GNU as output for `src`: `.text` bytes, relocations as (offset, type,
/// symbol), and the `objdump -dr` text.
fn gas(tag: &str, src: &str) -> (Vec<u8>, Vec<(u32, String, String)>, String) {
    let dir: PathBuf = std::env::temp_dir().join(format!("synth-gnu-pools-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let s = dir.join("a.s");
    let o = dir.join("a.o");
    let b = dir.join("a.bin");
    std::fs::write(&s, format!(".syntax unified\n.thumb\n.text\n{src}\n.ltorg\n")).unwrap();
    run(Command::new("arm-none-eabi-as").args(["-mthumb", "-mcpu=cortex-m4", "-o"]).arg(&o).arg(&s));
    run(Command::new("arm-none-eabi-objcopy").args(["-O", "binary", "-j", ".text"]).arg(&o).arg(&b));
    let bytes = std::fs::read(&b).unwrap();
    let relocs = run(Command::new("arm-none-eabi-objdump").args(["-r"]).arg(&o))
        .lines()
        .filter_map(|l| {
            let p: Vec<&str> = l.split_whitespace().collect();
            let off = u32::from_str_radix(p.first()?, 16).ok()?;
            Some((off, p.get(1)?.to_string(), p.get(2)?.to_string()))
        })
        .collect();
    let dis = run(Command::new("arm-none-eabi-objdump").args(["-dr"]).arg(&o));
    let _ = std::fs::remove_dir_all(&dir);
    (bytes, relocs, dis)
}

fn ours(f: impl FnOnce(&mut Assembler)) -> Code {
    let mut a = Assembler::new();
    a.set_literal_pools(true);
    f(&mut a);
    a.finish().expect("assembles")
}

fn elf_name(k: RelocKind) -> &'static str {
    match k {
        RelocKind::Abs32 => "R_ARM_ABS32",
        RelocKind::ThmMovwAbsNc => "R_ARM_THM_MOVW_ABS_NC",
        RelocKind::ThmMovtAbs => "R_ARM_THM_MOVT_ABS",
        RelocKind::ThmCall => "R_ARM_THM_CALL",
        RelocKind::ThmJump24 => "R_ARM_THM_JUMP24",
    }
}

/// Compares one case; returns the GNU disassembly for further checks.
fn check(tag: &str, src: &str, f: impl FnOnce(&mut Assembler)) -> (Code, String) {
    let code = ours(f);
    let (bytes, relocs, dis) = gas(tag, src);
    if code.bytes != bytes {
        let at = code.bytes.iter().zip(&bytes).position(|(a, b)| a != b).unwrap_or(code.bytes.len().min(bytes.len()));
        panic!("[{tag}] {} bytes vs GNU as {}; first difference at {at:#x}:\n{dis}", code.bytes.len(), bytes.len());
    }
    let mine: Vec<(u32, String, String)> =
        code.relocs.iter().map(|r| (r.offset, elf_name(r.kind).to_string(), "foo".to_string())).collect();
    assert_eq!(mine, relocs, "[{tag}] relocations differ from GNU as");
    (code, dis)
}

#[test]
fn literal_pools_match_gnu_as() {
    if !common::tools_available() {
        return;
    }
    // Sharing: one word per value, a symbol word carries R_ARM_ABS32 and its addend.
    let (code, dis) = check(
        "shared",
        "ldr r0, =0x12345678\nldr r9, =0x12345678\nldr r1, =foo+8\nldr r2, =foo+8\nmovs r3, #255\nbx lr",
        |a| {
            a.mov_imm(Reg(0), 0x1234_5678, Flags::Any);
            a.mov_imm(Reg(9), 0x1234_5678, Flags::Any);
            a.mov_sym(Reg(1), Sym(0), 8);
            a.mov_sym(Reg(2), Sym(0), 8);
            a.mov_imm(Reg(3), 255, Flags::Any);
            a.bx(Reg::LR);
        },
    );
    assert_eq!(code.data_ranges, vec![14..24]); // padding 14..16, words 16..24
    for want in ["ldr\tr0, [pc, #12]", "ldr.w\tr9, [pc, #12]", "ldr\tr2, [pc, #8]", ".word\t0x12345678", ".word\t0x00000008"] {
        assert!(dis.contains(want), "GNU objdump lacks {want:?}:\n{dis}");
    }
    // Code ending off a word boundary: padded to 4 before the pool.
    let (code, _) = check("pad", "ldr r0, =0xcafef00d\nmovs r1, #1\nbx lr", |a| {
        a.mov_imm(Reg(0), 0xcafe_f00d, Flags::Any);
        a.mov_imm(Reg(1), 1, Flags::Any);
        a.bx(Reg::LR);
    });
    assert_eq!(code.bytes.len(), 12);
    assert_eq!(code.data_ranges, vec![6..12]);
    // Beyond the 16-bit reach (1020): LDR.W.
    let (code, dis) = check("wide", &format!("ldr r0, =0xdeadbeef\n{}ldr r10, =0xcafef00d", nop_src(600)), |a| {
        a.mov_imm(Reg(0), 0xdead_beef, Flags::Any);
        nops(a, 600);
        a.mov_imm(Reg(10), 0xcafe_f00d, Flags::Any);
    });
    assert_eq!(&code.bytes[..2], &[0xdf, 0xf8]);
    assert!(dis.contains("ldr.w\tr0, [pc, #1204]"), "{dis}");
    // Beyond LDR.W's 4095: the MOVW/MOVT pair, later loads still pooled.
    check(
        "far",
        &format!(
            "movw r0, #:lower16:foo+4\nmovt r0, #:upper16:foo+4\nmovw r1, #0x5678\nmovt r1, #0x1234\n{}\
             ldr r2, =0x12345678\nldr r3, =foo+4",
            nop_src(2100)
        ),
        |a| {
            a.mov_sym(Reg(0), Sym(0), 4);
            a.mov_imm(Reg(1), 0x1234_5678, Flags::Any);
            nops(a, 2100);
            a.mov_imm(Reg(2), 0x1234_5678, Flags::Any);
            a.mov_sym(Reg(3), Sym(0), 4);
        },
    );
    // Flags requested: the load, then TST.
    check("flags", "ldr r4, =0x80000001\ntst r4, r4", |a| a.mov_imm(Reg(4), 0x8000_0001, Flags::Set));
}

#[test]
fn pools_off_keeps_movw_movt() {
    let mut a = Assembler::new();
    a.mov_imm(Reg(0), 0x1234_5678, Flags::Any);
    let code = a.finish().unwrap();
    assert_eq!(code.bytes.len(), 8);
    assert!(code.data_ranges.is_empty());
}
