//! Every encoder form against GNU `arm-none-eabi-as -mcpu=cortex-m0plus`:
//! the listed instructions are assembled by both, byte for byte.

use super::*;

/// GNU as's `nop` for ARMv6-M: `mov r8, r8`.
const NOP: u16 = 0x46C0;

/// Assembles `lines` with GNU as for Cortex-M0+ and returns `.text`.
pub(crate) fn gnu(lines: &[String]) -> Vec<u8> {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir()
        .join(format!("synth-armv6m-enc-{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed)));
    std::fs::create_dir_all(&dir).unwrap();
    let (s, o, bin) = (dir.join("t.s"), dir.join("t.o"), dir.join("t.bin"));
    let src = format!(".syntax unified\n.thumb\n.text\n{}\n", lines.join("\n"));
    std::fs::write(&s, src).unwrap();
    let out = std::process::Command::new("arm-none-eabi-as")
        .args(["-mcpu=cortex-m0plus", "-mthumb", "-o"])
        .arg(&o)
        .arg(&s)
        .output()
        .expect("arm-none-eabi-as is needed for the encoder tests");
    assert!(out.status.success(), "as failed: {}", String::from_utf8_lossy(&out.stderr));
    let st = std::process::Command::new("arm-none-eabi-objcopy")
        .args(["-O", "binary", "-j", ".text"])
        .arg(&o)
        .arg(&bin)
        .status()
        .expect("arm-none-eabi-objcopy");
    assert!(st.success());
    let b = std::fs::read(&bin).unwrap();
    std::fs::remove_dir_all(&dir).ok();
    b
}

fn check(asm: &[String], ours: &[u16]) {
    let g = gnu(asm);
    let o: Vec<u8> = ours.iter().flat_map(|h| h.to_le_bytes()).collect();
    assert_eq!(g.len(), o.len(), "sizes differ");
    for (k, (a, b)) in g.chunks(2).zip(o.chunks(2)).enumerate() {
        assert_eq!(a, b, "halfword {k} (byte {:#x})", 2 * k);
    }
}

#[test]
fn register_and_immediate_forms_match_gnu_as() {
    let mut asm: Vec<String> = Vec::new();
    let mut ours: Vec<u16> = Vec::new();
    let mut add = |s: String, h: &[u16]| {
        asm.push(s);
        ours.extend_from_slice(h);
    };
    let dps = [
        (Dp::And, "ands"),
        (Dp::Eor, "eors"),
        (Dp::Lsl, "lsls"),
        (Dp::Lsr, "lsrs"),
        (Dp::Asr, "asrs"),
        (Dp::Adc, "adcs"),
        (Dp::Sbc, "sbcs"),
        (Dp::Ror, "rors"),
        (Dp::Tst, "tst"),
        (Dp::Cmp, "cmp"),
        (Dp::Cmn, "cmn"),
        (Dp::Orr, "orrs"),
        (Dp::Bic, "bics"),
        (Dp::Mvn, "mvns"),
    ];
    for (rd, rm) in [(0u8, 1u8), (7, 3), (5, 5)] {
        for (op, name) in dps {
            add(format!("{name} r{rd}, r{rm}"), &[dp(op, rd, rm)]);
        }
        add(format!("negs r{rd}, r{rm}"), &[dp(Dp::Neg, rd, rm)]);
        add(format!("muls r{rd}, r{rm}, r{rd}"), &[dp(Dp::Mul, rd, rm)]);
        add(format!("adds r{rd}, r{rm}, r2"), &[adds_rrr(rd, rm, 2)]);
        add(format!("subs r{rd}, r6, r{rm}"), &[subs_rrr(rd, 6, rm)]);
        // (With rd == rn, GNU as picks the 8-bit immediate form; so does the emitter.)
        if rd != rm {
            add(format!("adds r{rd}, r{rm}, #7"), &[adds_imm3(rd, rm, 7)]);
            add(format!("subs r{rd}, r{rm}, #1"), &[subs_imm3(rd, rm, 1)]);
        }
        add(format!("movs r{rd}, #255"), &[movs_imm(rd, 255)]);
        add(format!("cmp r{rd}, #17"), &[cmp_imm(rd, 17)]);
        add(format!("adds r{rd}, #200"), &[adds_imm8(rd, 200)]);
        add(format!("subs r{rd}, #9"), &[subs_imm8(rd, 9)]);
        add(format!("cmp r{rd}, r{rm}"), &[cmp_rr(rd, rm)]);
        add(format!("add r{rd}, sp, r{rd}"), &[add_sp_reg(rd)]);
        add(format!("lsls r{rd}, r{rm}, #31"), &[shift_imm(Shift::Lsl, rd, rm, 31)]);
        add(format!("lsrs r{rd}, r{rm}, #1"), &[shift_imm(Shift::Lsr, rd, rm, 1)]);
        add(format!("asrs r{rd}, r{rm}, #32"), &[shift_imm(Shift::Asr, rd, rm, 32)]);
        add(format!("lsrs r{rd}, r{rm}, #32"), &[shift_imm(Shift::Lsr, rd, rm, 32)]);
        for (e, n) in [(Ext::Sxth, "sxth"), (Ext::Sxtb, "sxtb"), (Ext::Uxth, "uxth"), (Ext::Uxtb, "uxtb")] {
            add(format!("{n} r{rd}, r{rm}"), &[ext(e, rd, rm)]);
        }
        let mems = [
            (Mem::Str, "str"),
            (Mem::Strh, "strh"),
            (Mem::Strb, "strb"),
            (Mem::Ldrsb, "ldrsb"),
            (Mem::Ldr, "ldr"),
            (Mem::Ldrh, "ldrh"),
            (Mem::Ldrb, "ldrb"),
            (Mem::Ldrsh, "ldrsh"),
        ];
        for (m, n) in mems {
            add(format!("{n} r{rd}, [r{rm}, r4]"), &[mem_reg(m, rd, rm, 4)]);
            if !matches!(m, Mem::Ldrsb | Mem::Ldrsh) {
                let off = 31 * m.bytes();
                add(format!("{n} r{rd}, [r{rm}, #{off}]"), &[mem_imm(m, rd, rm, off)]);
                add(format!("{n} r{rd}, [r{rm}, #0]"), &[mem_imm(m, rd, rm, 0)]);
            }
        }
        add(format!("str r{rd}, [sp, #1020]"), &[str_sp(rd, 1020)]);
        add(format!("ldr r{rd}, [sp, #4]"), &[ldr_sp(rd, 4)]);
        add(format!("add r{rd}, sp, #1020"), &[add_rd_sp(rd, 1020)]);
        add(format!("add r{rd}, pc, #1020"), &[adr(rd, 1020)]);
    }
    for (rd, rm) in [(0u8, 1u8), (12, 3), (4, 12), (8, 9), (0, 13), (13, 7)] {
        add(format!("mov r{rd}, r{rm}"), &[mov(rd, rm)]);
    }
    for r in [0u8, 3, 12, 14] {
        add(format!("bx r{r}"), &[bx(r)]);
        add(format!("blx r{r}"), &[blx(r)]);
    }
    add("add sp, #508".into(), &[add_sp(508)]);
    add("sub sp, #8".into(), &[sub_sp(8)]);
    add("push {r4, r5, r6, r7, lr}".into(), &[push(0x40F0)]);
    add("push {r0}".into(), &[push(0x0001)]);
    add("pop {r4, r7, pc}".into(), &[pop(0x8090)]);
    add("pop {r1}".into(), &[pop(0x0002)]);
    check(&asm, &ours);
}

#[test]
fn branches_and_literal_loads_match_gnu_as() {
    // `top:` at 0, 300 nops (600 bytes), then branches back and forward
    // with offsets computed as the emitter does: target - (pc + 4).
    let mut asm: Vec<String> = vec!["top:".into()];
    let mut ours: Vec<u16> = Vec::new();
    for _ in 0..300 {
        asm.push("nop".into());
        ours.push(NOP);
    }
    let at = |v: &Vec<u16>| v.len() as i32 * 2;
    let conds = [
        (Cond::Eq, "eq"),
        (Cond::Ne, "ne"),
        (Cond::Hs, "hs"),
        (Cond::Lo, "lo"),
        (Cond::Mi, "mi"),
        (Cond::Pl, "pl"),
        (Cond::Hi, "hi"),
        (Cond::Ls, "ls"),
        (Cond::Ge, "ge"),
        (Cond::Lt, "lt"),
        (Cond::Gt, "gt"),
        (Cond::Le, "le"),
    ];
    for (c, n) in conds {
        let here = at(&ours);
        let target = here + 4 - 256;
        asm.push(format!("b{n} top+{target}"));
        ours.push(b_cond(c, target - (here + 4)));
    }
    let here = at(&ours);
    asm.push("b top".into());
    ours.push(b(-(here + 4)));
    let here = at(&ours);
    asm.push("bl top".into());
    ours.extend_from_slice(&bl(-(here + 4)));
    // Forward: targets beyond the code, at 0x1000 and 0x2000.
    let here = at(&ours);
    asm.push("b top+0x500".into());
    ours.push(b(0x500 - (here + 4)));
    let here = at(&ours);
    asm.push("bgt top+0x300".into());
    let _ = here;
    ours.push(b_cond(Cond::Gt, 0x300 - (at(&ours) + 4)).max(0));
    let here = at(&ours);
    asm.push("bl top+0x2000".into());
    ours.extend_from_slice(&bl(0x2000 - (here + 4)));
    // Literal load at a 4-aligned and at a 2-mod-4 address.
    while at(&ours) % 4 != 0 {
        asm.push("nop".into());
        ours.push(NOP);
    }
    asm.push("ldr r3, lit".into());
    asm.push("ldr r7, lit".into());
    asm.push("nop".into());
    asm.push("nop".into());
    asm.push("lit: .word 0x12345678".into());
    ours.push(ldr_lit(3, 4)); // Align(pc,4) = here+4; lit at here+8.
    ours.push(ldr_lit(7, 4)); // here+2: Align(here+6,4) = here+4.
    ours.push(NOP);
    ours.push(NOP);
    ours.extend_from_slice(&[0x5678, 0x1234]);
    asm.push(".space 0x2000 - (. - top)".into());
    while at(&ours) < 0x2000 {
        ours.push(0);
    }
    check(&asm, &ours);
}
