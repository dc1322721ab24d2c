//! Unwind tables: `.debug_frame` (DWARF call-frame information, for
//! debuggers) and `.ARM.exidx`/`.ARM.extab` (the ARM exception-handling
//! ABI's tables, for C++ exceptions and the unwinders of fault handlers).
//!
//! Takes: each function's place in `.text` and the [`CfiEvent`]s the
//! backend recorded while emitting it. Returns: section bytes and the
//! relocations they need (the writer turns them into `R_ARM_ABS32` /
//! `R_ARM_PREL31` against section symbols; addends are in the bytes, REL
//! style). Only emitted with `-g` (see docs/ABI.md "Debugging").
//!
//! `.debug_frame`: one CIE (code alignment 2, data alignment -4, return
//! address in lr, CFA = sp) and one FDE per function replaying the events:
//! `DW_CFA_def_cfa_offset` after every sp change, `DW_CFA_offset` for each
//! callee-saved register and lr a push stores (`DW_CFA_offset_extended` for
//! the S registers of a `VPUSH {d8-dN}`, s_n being DWARF register 64+n),
//! `DW_CFA_restore` (`_extended`) after pops,
//! and `DW_CFA_remember_state`/`DW_CFA_restore_state` around exits in the
//! middle of the code.
//!
//! `.ARM.exidx`: one entry per function, in address order. The unwinding
//! instructions of the body (`vsp += frame`, `pop {d8-dN}` for a VPUSH,
//! `pop {r4-r11, lr}`, finish)
//! use the compact model with personality routine 0 inline when they fit in
//! three bytes, else an `.ARM.extab` entry with personality routine 1.
//! Neither references the personality routine's symbol: a firmware without
//! an unwinder links as before, and one with the unwinder has the routines.

use synth_thumb2::{CfiEvent, CfiOp};

/// A function's unwind facts.
#[derive(Clone, Copy, Debug)]
pub struct UnwindFunction<'a> {
    /// Offset of its first instruction in `.text`.
    pub text_offset: u32,
    /// Code bytes.
    pub len: u32,
    /// The backend's frame events.
    pub cfi: &'a [CfiEvent],
    /// Registers the prologue pushes (bit i = ri).
    pub push_mask: u16,
    /// D registers saved after the push, from d8 (`VPUSH {d8-d[7+n]}`).
    pub vpush_count: u8,
    /// Bytes subtracted from sp after the push.
    pub frame_bytes: u32,
}

/// What a 32-bit field of an unwind section is relative to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Base {
    /// `.text` (the field holds the offset).
    Text,
    /// `.debug_frame` (an FDE's CIE pointer).
    DebugFrame,
    /// `.ARM.extab` (an index entry's table pointer).
    Extab,
}

/// A field to relocate: its offset in the section and what it points into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnwindReloc {
    /// Byte offset of the 32-bit field.
    pub offset: u32,
    /// The section the field's value is an offset in.
    pub base: Base,
}

/// ARM DWARF register numbers: r0-r15 are 0-15.
const LR: u8 = 14;
const SP: u8 = 13;

const DW_CFA_ADVANCE_LOC: u8 = 0x40;
const DW_CFA_OFFSET: u8 = 0x80;
const DW_CFA_RESTORE: u8 = 0xc0;
const DW_CFA_ADVANCE_LOC1: u8 = 0x02;
const DW_CFA_OFFSET_EXTENDED: u8 = 0x05;
const DW_CFA_RESTORE_EXTENDED: u8 = 0x06;
/// DWARF number of s0 (ARM DWARF ABI: s0-s31 are 64-95).
const DWARF_S0: u32 = 64;
const DW_CFA_ADVANCE_LOC2: u8 = 0x03;
const DW_CFA_ADVANCE_LOC4: u8 = 0x04;
const DW_CFA_REMEMBER_STATE: u8 = 0x0a;
const DW_CFA_RESTORE_STATE: u8 = 0x0b;
const DW_CFA_DEF_CFA: u8 = 0x0c;
const DW_CFA_DEF_CFA_OFFSET: u8 = 0x0e;

/// Code alignment factor: Thumb instructions are halfword-aligned.
const CODE_ALIGN: u32 = 2;

fn uleb(out: &mut Vec<u8>, mut v: u32) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

/// Registers whose save a push records: the callee-saved ones and lr (a
/// scratch push of r0-r3 only moves sp).
fn recorded(mask: u16) -> impl Iterator<Item = u8> {
    (4u8..=11).chain([LR]).filter(move |r| mask & (1 << r) != 0)
}

/// Pads `entry` (from its length field on) to a multiple of 4 with
/// `DW_CFA_nop` and fills in the length.
fn close_entry(out: &mut Vec<u8>, start: usize) {
    while (out.len() - start) % 4 != 0 {
        out.push(0);
    }
    let len = (out.len() - start - 4) as u32;
    out[start..start + 4].copy_from_slice(&len.to_le_bytes());
}

/// The FDE instructions for `events` in a function of `len` bytes.
/// Errors on an event out of order or an sp above the frame.
pub fn fde_instructions(events: &[CfiEvent], len: u32) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut loc = 0u32;
    let mut depth = 0u32;
    let mut stack = Vec::new();
    for e in events {
        if e.offset >= len {
            // A restore at the very end describes no instruction.
            continue;
        }
        if e.offset < loc || e.offset % CODE_ALIGN != 0 {
            return Err(format!("frame event at {:#x} out of order", e.offset));
        }
        let delta = (e.offset - loc) / CODE_ALIGN;
        if delta > 0 {
            match delta {
                0..=0x3f => out.push(DW_CFA_ADVANCE_LOC | delta as u8),
                0x40..=0xff => out.extend([DW_CFA_ADVANCE_LOC1, delta as u8]),
                0x100..=0xffff => {
                    out.push(DW_CFA_ADVANCE_LOC2);
                    out.extend((delta as u16).to_le_bytes());
                }
                _ => {
                    out.push(DW_CFA_ADVANCE_LOC4);
                    out.extend(delta.to_le_bytes());
                }
            }
            loc = e.offset;
        }
        let words = |m: u16| 4 * m.count_ones();
        match e.op {
            CfiOp::Push(m) => {
                depth += words(m);
                out.push(DW_CFA_DEF_CFA_OFFSET);
                uleb(&mut out, depth);
                // Stored at the new sp, lowest register lowest.
                for (k, r) in (0u8..16).filter(|r| m & (1 << r) != 0).enumerate() {
                    if recorded(m).any(|x| x == r) {
                        out.push(DW_CFA_OFFSET | r);
                        uleb(&mut out, (depth - 4 * k as u32) / 4);
                    }
                }
            }
            CfiOp::Pop(m) => {
                depth = depth.checked_sub(words(m)).ok_or("pop above the frame")?;
                out.push(DW_CFA_DEF_CFA_OFFSET);
                uleb(&mut out, depth);
                out.extend(recorded(m & !(1 << 15)).map(|r| DW_CFA_RESTORE | r));
                if m & (1 << 15) != 0 {
                    out.push(DW_CFA_RESTORE | LR);
                }
            }
            CfiOp::VPush(m) => {
                depth += 8 * m.count_ones();
                out.push(DW_CFA_DEF_CFA_OFFSET);
                uleb(&mut out, depth);
                // d_i holds s_2i (lower address) and s_2i+1; the lowest
                // D register is stored at the new sp.
                for (k, d) in (0u32..16).filter(|d| m & (1 << d) != 0).enumerate() {
                    for (half, s) in [(0, 2 * d), (4, 2 * d + 1)] {
                        out.push(DW_CFA_OFFSET_EXTENDED);
                        uleb(&mut out, DWARF_S0 + s);
                        uleb(&mut out, (depth - 8 * k as u32 - half) / 4);
                    }
                }
            }
            CfiOp::VPop(m) => {
                depth = depth.checked_sub(8 * m.count_ones()).ok_or("vpop above the frame")?;
                out.push(DW_CFA_DEF_CFA_OFFSET);
                uleb(&mut out, depth);
                for d in (0u32..16).filter(|d| m & (1 << d) != 0) {
                    for s in [2 * d, 2 * d + 1] {
                        out.push(DW_CFA_RESTORE_EXTENDED);
                        uleb(&mut out, DWARF_S0 + s);
                    }
                }
            }
            CfiOp::Alloc(n) | CfiOp::Free(n) => {
                depth = if matches!(e.op, CfiOp::Alloc(_)) {
                    depth + n
                } else {
                    depth.checked_sub(n).ok_or("sp above the frame")?
                };
                out.push(DW_CFA_DEF_CFA_OFFSET);
                uleb(&mut out, depth);
            }
            CfiOp::RememberState => {
                stack.push(depth);
                out.push(DW_CFA_REMEMBER_STATE);
            }
            CfiOp::RestoreState => {
                depth = stack.pop().ok_or("restore without remember")?;
                out.push(DW_CFA_RESTORE_STATE);
            }
        }
    }
    Ok(out)
}

/// `.debug_frame` for `funcs`: its bytes and the fields to relocate.
pub fn debug_frame(funcs: &[UnwindFunction<'_>]) -> Result<(Vec<u8>, Vec<UnwindReloc>), String> {
    let mut out = Vec::new();
    let mut relocs = Vec::new();
    // CIE at offset 0.
    out.extend([0; 4]);
    out.extend(0xffff_ffffu32.to_le_bytes()); // CIE id
    out.push(1); // version
    out.push(0); // augmentation ""
    uleb(&mut out, CODE_ALIGN);
    out.push(0x7c); // data alignment factor: SLEB128 -4
    out.push(LR); // return address register
    out.extend([DW_CFA_DEF_CFA, SP, 0]); // CFA = sp + 0 at entry
    close_entry(&mut out, 0);
    for f in funcs {
        let start = out.len();
        out.extend([0; 4]);
        relocs.push(UnwindReloc { offset: out.len() as u32, base: Base::DebugFrame });
        out.extend(0u32.to_le_bytes()); // CIE pointer
        relocs.push(UnwindReloc { offset: out.len() as u32, base: Base::Text });
        out.extend(f.text_offset.to_le_bytes()); // initial location
        out.extend(f.len.to_le_bytes()); // address range
        out.extend(fde_instructions(f.cfi, f.len)?);
        close_entry(&mut out, start);
    }
    Ok((out, relocs))
}

/// `EXIDX_CANTUNWIND`.
pub const EXIDX_CANTUNWIND: u32 = 1;
/// EHABI "finish" unwinding instruction.
const UNWIND_FINISH: u8 = 0xb0;

/// `vsp += bytes` as EHABI unwinding instructions.
fn vsp_add(ops: &mut Vec<u8>, bytes: u32) {
    let mut rest = bytes;
    // vsp += 0x204 + (uleb << 2) for large frames, else steps of up to 256.
    if rest >= 0x204 {
        ops.push(0xb2);
        uleb(ops, (rest - 0x204) >> 2);
        rest = 0;
    }
    while rest > 0 {
        let k = rest.min(0x100);
        ops.push(((k - 4) >> 2) as u8);
        rest -= k;
    }
}

/// The EHABI unwinding instructions of a body with `frame_bytes` below
/// `vpush_count` D registers saved from d8 by `VPUSH` (the "pop VFP
/// registers saved by VPUSH" opcode, `0xd0 | n-1` for d8-d[7+n]), below the
/// registers of `push_mask` (without the final "finish").
pub fn unwind_opcodes(push_mask: u16, vpush_count: u8, frame_bytes: u32) -> Vec<u8> {
    let mut ops = Vec::new();
    // r0-r3 in the push are stand-ins for a small frame (the frame layout
    // pushes them instead of `SUB sp`): their words sit just above the
    // frame (above the VPUSH, if any) and hold nothing a caller needs back,
    // so they are skipped.
    let stand_ins = 4 * (push_mask & 0xf).count_ones();
    if vpush_count == 0 {
        vsp_add(&mut ops, frame_bytes + stand_ins);
    } else {
        vsp_add(&mut ops, frame_bytes);
        ops.push(0xd0 | (vpush_count - 1));
        vsp_add(&mut ops, stand_ins);
    }
    let high = push_mask >> 4; // r4..r15 as bits 0..11
    if high != 0 {
        // `pop {r4-r[4+n], lr}` in one byte when the set has that shape.
        let low = high & 0xff; // r4-r11
        let n = low.count_ones();
        let contiguous = low == (1 << n) - 1 && (1..=8).contains(&n);
        if contiguous && push_mask & (1 << 14) != 0 && high & !0x4ff == 0 {
            ops.push(0xa8 | (n - 1) as u8);
        } else {
            ops.push(0x80 | (high >> 8) as u8);
            ops.push(high as u8);
        }
    }
    ops
}

/// `.ARM.exidx` and `.ARM.extab` for `funcs` (in address order) and the
/// default trap entry at `trap_offset` (`EXIDX_CANTUNWIND`: it never
/// returns).
pub fn exidx(
    funcs: &[UnwindFunction<'_>],
    trap_offset: u32,
) -> (Vec<u8>, Vec<UnwindReloc>, Vec<u8>) {
    let mut idx = Vec::new();
    let mut relocs = Vec::new();
    let mut tab = Vec::new();
    let entries = funcs.iter().map(|f| (f.text_offset, Some(f))).chain([(trap_offset, None)]);
    for (offset, f) in entries {
        relocs.push(UnwindReloc { offset: idx.len() as u32, base: Base::Text });
        idx.extend((offset & 0x7fff_ffff).to_le_bytes());
        let Some(f) = f else {
            idx.extend(EXIDX_CANTUNWIND.to_le_bytes());
            continue;
        };
        let mut ops = unwind_opcodes(f.push_mask, f.vpush_count, f.frame_bytes);
        if ops.len() <= 3 {
            ops.resize(3, UNWIND_FINISH);
            let word = 0x8000_0000 | u32::from(ops[0]) << 16 | u32::from(ops[1]) << 8 | u32::from(ops[2]);
            idx.extend(word.to_le_bytes());
        } else {
            // Personality routine 1: 0x81, extra word count, two opcode
            // bytes; the other opcodes four to a word, most significant
            // first; then an empty descriptor list.
            let extra = (ops.len() - 2).div_ceil(4);
            ops.resize(2 + 4 * extra, UNWIND_FINISH);
            relocs.push(UnwindReloc { offset: idx.len() as u32, base: Base::Extab });
            idx.extend((tab.len() as u32).to_le_bytes());
            tab.extend(u32::from_be_bytes([0x81, extra as u8, ops[0], ops[1]]).to_le_bytes());
            for w in ops[2..].chunks(4) {
                tab.extend(u32::from_be_bytes([w[0], w[1], w[2], w[3]]).to_le_bytes());
            }
            tab.extend(0u32.to_le_bytes());
        }
    }
    (idx, relocs, tab)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(offset: u32, op: CfiOp) -> CfiEvent {
        CfiEvent { offset, op }
    }

    #[test]
    fn prologue_body_and_mid_function_exit() {
        // push {r4, r5, lr}; sub sp, #8; ...; add sp, #8; pop {r4, r5, pc}; ...
        let events = [
            ev(2, CfiOp::Push(0x4030)),
            ev(4, CfiOp::Alloc(8)),
            ev(10, CfiOp::RememberState),
            ev(12, CfiOp::Free(8)),
            ev(14, CfiOp::Pop(0x8030)),
            ev(14, CfiOp::RestoreState),
        ];
        let ins = fde_instructions(&events, 20).unwrap();
        assert_eq!(
            ins,
            vec![
                0x41, 0x0e, 12, 0x84, 3, 0x85, 2, 0x8e, 1, // at 2: cfa+12, r4 c-12, r5 c-8, lr c-4
                0x41, 0x0e, 20, // at 4: cfa+20
                0x43, 0x0a, // at 10: remember
                0x41, 0x0e, 12, // at 12: cfa+12
                0x41, 0x0e, 0, 0xc4, 0xc5, 0xce, 0x0b, // at 14: popped, restored
            ]
        );
        // A restore at the very end is dropped; pops past the frame are errors.
        assert!(fde_instructions(&events, 14).unwrap().ends_with(&[0x0a, 0x41, 0x0e, 12]));
        assert!(fde_instructions(&[ev(2, CfiOp::Free(4))], 4).is_err());
        assert!(fde_instructions(&[ev(4, CfiOp::Alloc(4)), ev(2, CfiOp::Free(4))], 8).is_err());
    }

    #[test]
    fn vpush_records_s_registers_as_dwarf_64_plus_n() {
        // push {r4, lr}; vpush {d8-d9}; ...; vpop {d8-d9}; pop {r4, pc}
        let events = [
            ev(2, CfiOp::Push(0x4010)),
            ev(6, CfiOp::VPush(0x0300)),
            ev(8, CfiOp::RememberState),
            ev(12, CfiOp::VPop(0x0300)),
            ev(14, CfiOp::Pop(0x8010)),
            ev(14, CfiOp::RestoreState),
        ];
        let ins = fde_instructions(&events, 20).unwrap();
        let mut expect = vec![0x41, 0x0e, 8, 0x84, 2, 0x8e, 1, 0x42, 0x0e, 24];
        // s16 at cfa-24, s17 at cfa-20, s18 at cfa-16, s19 at cfa-12.
        for (s, off) in [(80, 6), (81, 5), (82, 4), (83, 3)] {
            expect.extend([DW_CFA_OFFSET_EXTENDED, s, off]);
        }
        expect.extend([0x41, 0x0a, 0x42, 0x0e, 8]);
        for s in 80..84 {
            expect.extend([DW_CFA_RESTORE_EXTENDED, s]);
        }
        expect.extend([0x41, 0x0e, 0, 0xc4, 0xce, 0x0b]);
        assert_eq!(ins, expect);
        assert!(fde_instructions(&[ev(2, CfiOp::VPop(0x100))], 4).is_err());
    }

    #[test]
    fn long_advances_use_wider_forms() {
        let ins = fde_instructions(&[ev(2 * 0x40, CfiOp::Alloc(8)), ev(2 * 0x140, CfiOp::Free(8))], 0x1000).unwrap();
        assert_eq!(&ins[..2], &[DW_CFA_ADVANCE_LOC1, 0x40]);
        assert_eq!(&ins[4..7], &[DW_CFA_ADVANCE_LOC2, 0x00, 0x01]);
    }

    #[test]
    fn sections_are_word_aligned_and_relocated() {
        let events = [ev(2, CfiOp::Push(0x4000))];
        let f = UnwindFunction { text_offset: 8, len: 6, cfi: &events, push_mask: 0x4000, vpush_count: 0, frame_bytes: 0 };
        let (bytes, relocs) = debug_frame(&[f, f]).unwrap();
        assert_eq!(bytes.len() % 4, 0);
        assert_eq!(&bytes[4..8], &[0xff; 4]);
        let cie_len = u32::from_le_bytes(bytes[0..4].try_into().unwrap()) as usize + 4;
        assert_eq!(relocs[0], UnwindReloc { offset: cie_len as u32 + 4, base: Base::DebugFrame });
        assert_eq!(relocs[1], UnwindReloc { offset: cie_len as u32 + 8, base: Base::Text });
        assert_eq!(&bytes[cie_len + 8..cie_len + 16], &[8, 0, 0, 0, 6, 0, 0, 0]);
        assert_eq!(relocs.len(), 4);
    }

    #[test]
    fn compact_unwind_opcodes() {
        // Leaf without frame: finish only.
        assert_eq!(unwind_opcodes(0, 0, 0), Vec::<u8>::new());
        // push {r4-r6, lr}; sub sp, #16.
        assert_eq!(unwind_opcodes(0x4070, 0, 16), vec![0x03, 0xaa]);
        // push {lr} only: pop under mask {r14}.
        assert_eq!(unwind_opcodes(0x4000, 0, 0), vec![0x84, 0x00]);
        // push {r3, lr}: skip the stand-in word, then pop lr.
        assert_eq!(unwind_opcodes(0x4008, 0, 0), vec![0x00, 0x84, 0x00]);
        // push {r4, r6, lr}: not contiguous.
        assert_eq!(unwind_opcodes(0x4050, 0, 0), vec![0x84, 0x05]);
        // push {r4, lr}; vpush {d8-d9}; sub sp, #8: vsp += 8, pop
        // {d8-d9} (VPUSH form), pop {r4, lr}.
        assert_eq!(unwind_opcodes(0x4010, 2, 8), vec![0x01, 0xd1, 0xa8]);
        // push {r3, lr}; vpush {d8}: pop {d8}, skip the stand-in, pop lr.
        assert_eq!(unwind_opcodes(0x4008, 1, 0), vec![0xd0, 0x00, 0x84, 0x00]);
        // Large frames.
        assert_eq!(unwind_opcodes(0, 0, 0x300), vec![0xb2, 0x3f]);
        assert_eq!(unwind_opcodes(0, 0, 0x200), vec![0x3f, 0x3f]);
        let f = |m, b| UnwindFunction { text_offset: 4, len: 8, cfi: &[], push_mask: m, vpush_count: 0, frame_bytes: b };
        let (idx, relocs, tab) = exidx(&[f(0x4070, 16), f(0x4050, 0x300)], 40);
        assert_eq!(idx.len(), 24);
        assert_eq!(&idx[4..8], &0x8003_aab0u32.to_le_bytes());
        // The second needs four bytes: .ARM.extab, personality routine 1.
        assert_eq!(&idx[12..16], &0u32.to_le_bytes());
        assert_eq!(tab, [0x81u8, 1, 0xb2, 0x3f, 0x84, 0x05, 0xb0, 0xb0].chunks(4).flat_map(|w| [w[3], w[2], w[1], w[0]]).chain([0; 4]).collect::<Vec<_>>());
        assert_eq!(&idx[16..24], &[40, 0, 0, 0, 1, 0, 0, 0]);
        let bases: Vec<Base> = relocs.iter().map(|r| r.base).collect();
        assert_eq!(bases, [Base::Text, Base::Text, Base::Extab, Base::Text]);
    }
}
