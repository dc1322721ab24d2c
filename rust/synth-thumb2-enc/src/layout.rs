//! Layout and branch relaxation: turns the item list into final bytes.
//!
//! Takes: the [`Assembler`]'s items. Returns: [`Code`]. Every label branch
//! starts in its shortest form and is grown only when its target is out of
//! reach (`B`: 16-bit ±2 KiB, else `B.W` ±16 MiB; `B<cond>`: 16-bit ±256 B,
//! else 32-bit ±1 MiB, else `B<!cond> +4; B.W target`; `CBZ`/`CBNZ`: 0..=126
//! B forward, else `CMP rn, #0` followed by the `B<EQ/NE>` forms), and `TBH` entries that
//! cannot reach their target get a trampoline. Sizes only grow, so the
//! iteration reaches a fixed point.

use std::collections::HashMap;

use crate::assembler::Item;
use crate::encode;
use crate::pool::{lit_enc, lit_size, PoolValue};
use crate::{AsmError, Assembler, Code, Label, Reloc, RelocKind};

/// Sizing state of one item.
#[derive(Clone, Debug)]
enum Lay {
    Fixed(u32),
    Branch(u32),
    /// A literal load: 2, 4 or 8 (the `MOVW`/`MOVT` fallback) bytes.
    Lit(u32),
    /// Entry count, distinct targets, trampoline size per distinct target
    /// (0 = reached directly).
    Table { n: u32, distinct: Vec<Label>, tramp: Vec<u32> },
}

fn lay_size(l: &Lay) -> u32 {
    match l {
        Lay::Fixed(s) | Lay::Branch(s) | Lay::Lit(s) => *s,
        Lay::Table { n, tramp, .. } => 2 * n + tramp.iter().sum::<u32>(),
    }
}

fn b_size(disp: i64) -> u32 {
    if (-2048..=2046).contains(&disp) {
        2
    } else {
        4
    }
}

fn bcond_size(disp: i64) -> u32 {
    if (-256..=254).contains(&disp) {
        2
    } else if (-1_048_576..=1_048_574).contains(&disp) {
        4
    } else {
        6
    }
}

/// The pool's placement for one layout round: the end of the code, the
/// 4-aligned pool start and each entry's offset (`u32::MAX`: not in the
/// pool, no load of it reaches).
struct PoolWords {
    code_end: u32,
    start: u32,
    at: Vec<u32>,
}

const B_W_RANGE: std::ops::RangeInclusive<i64> = -16_777_216..=16_777_214;

impl Assembler {
    /// Resolves labels, relaxes branches to the shortest form that reaches,
    /// lays out jump tables and returns the code.
    ///
    /// Errors: any misuse recorded while assembling, unbound labels, an IT
    /// block left open, a branch beyond ±16 MiB.
    pub fn finish(self) -> Result<Code, AsmError> {
        let mut errors = self.errors.clone();
        if self.it_left > 0 {
            errors.push(format!("IT block still open ({} instructions missing)", self.it_left));
        }
        let mut used = vec![false; self.labels.len()];
        for item in &self.items {
            match item {
                Item::Branch { target, .. } | Item::Cbz { target, .. } => used[target.0 as usize] = true,
                Item::Table { targets } => targets.iter().for_each(|t| used[t.0 as usize] = true),
                _ => {}
            }
        }
        for (i, (bound, used)) in self.labels.iter().zip(&used).enumerate() {
            if *used && !bound {
                errors.push(format!("label {i} used but never bound"));
            }
        }
        if !errors.is_empty() {
            return Err(AsmError(errors.join("; ")));
        }
        let mut lay: Vec<Lay> = self
            .items
            .iter()
            .map(|it| match it {
                Item::Code { start, end } => Lay::Fixed((end - start) as u32),
                Item::Bind(_) => Lay::Fixed(0),
                Item::Branch { .. } | Item::Cbz { .. } => Lay::Branch(2),
                Item::Lit { rd, .. } => Lay::Lit(if rd.is_low() { 2 } else { 4 }),
                Item::Table { targets } => {
                    let mut distinct = targets.clone();
                    distinct.sort();
                    distinct.dedup();
                    let tramp = vec![0; distinct.len()];
                    Lay::Table { n: targets.len() as u32, distinct, tramp }
                }
            })
            .collect();
        let (offs, labels, words) = loop {
            let (offs, labels) = self.offsets(&lay);
            let words = self.pool_words(&lay, &offs);
            let mut changed = false;
            for (i, item) in self.items.iter().enumerate() {
                match (item, &mut lay[i]) {
                    (Item::Lit { rd, entry }, Lay::Lit(size)) if *size < 8 => {
                        let need = lit_size(*rd, offs[i], words.at[*entry as usize]);
                        if need > *size {
                            *size = need;
                            changed = true;
                        }
                    }
                    (Item::Branch { cond, target }, Lay::Branch(size)) => {
                        let disp = i64::from(labels[target]) - i64::from(offs[i] + 4);
                        let need = if cond.is_some() { bcond_size(disp) } else { b_size(disp) };
                        if need > *size {
                            *size = need;
                            changed = true;
                        }
                    }
                    (Item::Cbz { target, .. }, Lay::Branch(size)) => {
                        let disp = i64::from(labels[target]) - i64::from(offs[i] + 4);
                        let need = if (0..=126).contains(&disp) { 2 } else { 2 + bcond_size(disp - 2) };
                        if need > *size {
                            *size = need;
                            changed = true;
                        }
                    }
                    (Item::Table { .. }, Lay::Table { n, distinct, tramp }) => {
                        let base = offs[i];
                        let mut t_off = base + 2 * *n;
                        for (j, l) in distinct.iter().enumerate() {
                            let t = labels[l];
                            if tramp[j] == 0 && (t < base || (t - base) / 2 > 0xffff) {
                                tramp[j] = 2;
                                changed = true;
                            }
                            if tramp[j] > 0 {
                                let need = b_size(i64::from(t) - i64::from(t_off + 4));
                                if need > tramp[j] {
                                    tramp[j] = need;
                                    changed = true;
                                }
                                t_off += tramp[j];
                            }
                        }
                    }
                    _ => {}
                }
            }
            if !changed {
                break (offs, labels, words);
            }
        };
        self.emit_final(&lay, &offs, &labels, &words)
    }

    /// Where the pool goes for the current sizes: after the last item,
    /// 4-aligned, holding the entries some load of size 2 or 4 uses, in the
    /// order of their first such load.
    fn pool_words(&self, lay: &[Lay], offs: &[u32]) -> PoolWords {
        let end = offs.last().map_or(0, |o| o + lay.last().map_or(0, lay_size));
        let start = (end + 3) & !3;
        // Words in the order of their first load that reaches the pool.
        let mut at = vec![u32::MAX; self.pool.values.len()];
        let mut next = start;
        for (item, l) in self.items.iter().zip(lay) {
            if let (Item::Lit { entry, .. }, Lay::Lit(size)) = (item, l) {
                if *size < 8 && at[*entry as usize] == u32::MAX {
                    at[*entry as usize] = next;
                    next += 4;
                }
            }
        }
        PoolWords { code_end: end, start, at }
    }

    /// Item start offsets and label addresses for the current sizes.
    fn offsets(&self, lay: &[Lay]) -> (Vec<u32>, HashMap<Label, u32>) {
        let mut offs = Vec::with_capacity(lay.len());
        let mut labels = HashMap::new();
        let mut off = 0u32;
        for (item, l) in self.items.iter().zip(lay) {
            offs.push(off);
            if let Item::Bind(label) = item {
                labels.insert(*label, off);
            }
            off += lay_size(l);
        }
        (offs, labels)
    }

    fn emit_final(
        &self,
        lay: &[Lay],
        offs: &[u32],
        labels: &HashMap<Label, u32>,
        words: &PoolWords,
    ) -> Result<Code, AsmError> {
        let mut out = Vec::new();
        let mut relocs = Vec::new();
        let mut data_ranges = Vec::new();
        let mut pending = self.relocs.iter().peekable();
        let branch = |out: &mut Vec<u8>, from: u32, to: u32, cond: Option<crate::Cond>, size: u32| -> Result<(), AsmError> {
            let disp = i64::from(to) - i64::from(from + 4);
            let enc = match (cond, size) {
                (None, 2) => encode::b16(disp as i32),
                (Some(c), 2) => encode::b_cond16(c, disp as i32),
                (Some(c), 4) => encode::b_cond32(c, disp as i32),
                (Some(c), _) => {
                    // B<!c> over the following B.W.
                    encode::b_cond16(crate::Cond::invert(c), 2).write(out);
                    let disp = disp - 2;
                    if !B_W_RANGE.contains(&disp) {
                        return Err(AsmError(format!("branch displacement {disp} out of range")));
                    }
                    encode::b32(false, disp as i32)
                }
                (None, _) => {
                    if !B_W_RANGE.contains(&disp) {
                        return Err(AsmError(format!("branch displacement {disp} out of range")));
                    }
                    encode::b32(false, disp as i32)
                }
            };
            enc.write(out);
            Ok(())
        };
        for (i, item) in self.items.iter().enumerate() {
            debug_assert_eq!(out.len() as u32, offs[i]);
            match (item, &lay[i]) {
                (Item::Code { start, end }, _) => {
                    while let Some(r) = pending.peek().filter(|r| r.pos < *end) {
                        let offset = offs[i] + (r.pos - start) as u32;
                        relocs.push(Reloc { offset, kind: r.kind, sym: r.sym, addend: r.addend });
                        pending.next();
                    }
                    out.extend_from_slice(&self.buf[*start..*end]);
                }
                (Item::Bind(_), _) => {}
                (Item::Lit { rd, entry }, Lay::Lit(size)) => {
                    let value = self.pool.values[*entry as usize];
                    if *size < 8 {
                        lit_enc(*rd, offs[i], words.at[*entry as usize], *size).write(&mut out);
                    } else {
                        let bits = match value {
                            PoolValue::Word(v) => v,
                            // REL: MOVW and MOVT both hold the addend (it fits i16: mov_sym checked).
                            PoolValue::Sym(_, a) => (a as u32 & 0xffff) * 0x1_0001,
                        };
                        if let PoolValue::Sym(sym, addend) = value {
                            let offset = offs[i];
                            relocs.push(Reloc { offset, kind: RelocKind::ThmMovwAbsNc, sym, addend });
                            relocs.push(Reloc { offset: offset + 4, kind: RelocKind::ThmMovtAbs, sym, addend });
                        }
                        encode::movw_movt(false, rd.0, bits as u16).write(&mut out);
                        encode::movw_movt(true, rd.0, (bits >> 16) as u16).write(&mut out);
                    }
                }
                (Item::Branch { cond, target }, Lay::Branch(size)) => {
                    branch(&mut out, offs[i], labels[target], *cond, *size)?;
                }
                (Item::Cbz { nz, rn, target }, Lay::Branch(size)) => {
                    let to = labels[target];
                    if *size == 2 {
                        encode::cbz(*nz, rn.0, to - (offs[i] + 4)).write(&mut out);
                    } else {
                        encode::imm8_16(1, rn.0, 0).write(&mut out);
                        let cond = if *nz { crate::Cond::Ne } else { crate::Cond::Eq };
                        branch(&mut out, offs[i] + 2, to, Some(cond), *size - 2)?;
                    }
                }
                (Item::Table { targets }, Lay::Table { n, distinct, tramp }) => {
                    let base = offs[i];
                    // Where each distinct target is reached from the table.
                    let mut via = HashMap::new();
                    let mut t_off = base + 2 * n;
                    for (j, l) in distinct.iter().enumerate() {
                        if tramp[j] > 0 {
                            via.insert(*l, t_off);
                            t_off += tramp[j];
                        } else {
                            via.insert(*l, labels[l]);
                        }
                    }
                    for t in targets {
                        let entry = (via[t] - base) / 2;
                        out.extend_from_slice(&(entry as u16).to_le_bytes());
                    }
                    if *n > 0 {
                        data_ranges.push(base..base + 2 * n);
                    }
                    let mut t_off = base + 2 * n;
                    for (j, l) in distinct.iter().enumerate() {
                        if tramp[j] > 0 {
                            branch(&mut out, t_off, labels[l], None, tramp[j])?;
                            t_off += tramp[j];
                        }
                    }
                }
                _ => unreachable!("layout state matches item kind"),
            }
        }
        let end = out.len() as u32;
        debug_assert_eq!(end, words.code_end);
        if words.at.iter().any(|&w| w != u32::MAX) {
            out.resize(words.start as usize, 0);
            let mut slots: Vec<(u32, usize)> =
                words.at.iter().enumerate().filter(|(_, &at)| at != u32::MAX).map(|(e, &at)| (at, e)).collect();
            slots.sort_unstable();
            for (at, e) in slots {
                debug_assert_eq!(out.len() as u32, at);
                let value = self.pool.values[e];
                if let PoolValue::Sym(sym, addend) = value {
                    relocs.push(Reloc { offset: at, kind: RelocKind::Abs32, sym, addend });
                }
                out.extend_from_slice(&value.bits().to_le_bytes());
            }
            data_ranges.push(end..out.len() as u32);
        }
        relocs.sort_by_key(|r| r.offset);
        let marks = self
            .marks
            .iter()
            .map(|&(n, pos)| match n.checked_sub(1).map(|k| (k, &self.items[k])) {
                // Inside a code item that grew past the mark.
                Some((k, Item::Code { start, .. })) => offs[k] + (pos - start) as u32,
                _ => offs.get(n).copied().unwrap_or(end),
            })
            .collect();
        Ok(Code { bytes: out, relocs, data_ranges, marks })
    }
}

#[cfg(test)]
mod tests {
    use crate::{Assembler, Cond, Sym};

    fn hw(code: &[u8], at: usize) -> u16 {
        u16::from_le_bytes([code[at], code[at + 1]])
    }

    fn nops(a: &mut Assembler, n: usize) {
        for _ in 0..n {
            a.nop();
        }
    }

    #[test]
    fn marks_follow_relaxation_and_add_no_code() {
        let build = |marks: bool| {
            let mut a = Assembler::new();
            let l = a.new_label();
            let mut m = vec![];
            if marks {
                m.push(a.mark());
            }
            a.b_cond(Cond::Eq, l); // grows to 32 bits: 300 bytes of nops follow
            a.nop();
            if marks {
                m.push(a.mark());
            }
            nops(&mut a, 150);
            a.bind(l);
            a.nop();
            if marks {
                m.push(a.mark());
            }
            (a.finish().unwrap(), m)
        };
        let (plain, _) = build(false);
        let (marked, m) = build(true);
        assert_eq!(plain.bytes, marked.bytes);
        assert_eq!(m.len(), 3);
        assert_eq!(marked.marks, vec![0, 6, 308]);
        assert_eq!(marked.bytes.len(), 308);
    }

    #[test]
    fn narrow_branches_stay_narrow() {
        let mut a = Assembler::new();
        let l = a.new_label();
        a.b_cond(Cond::Eq, l);
        a.b(l);
        a.bind(l);
        let code = a.finish().unwrap();
        assert_eq!(code.bytes.len(), 4);
        assert_eq!(hw(&code.bytes, 0), 0xD000); // beq +0 (pc = 4)
        assert_eq!(hw(&code.bytes, 2), 0xE7FF); // b -2
    }

    #[test]
    fn growth_cascades_until_stable() {
        // The second branch must grow to B.W; that pushes the first one's
        // target from +254 to +256, so it must grow too (second iteration).
        let mut a = Assembler::new();
        let l = a.new_label();
        let far = a.new_label();
        a.b_cond(Cond::Ne, l);
        a.b(far);
        nops(&mut a, 127);
        a.bind(l);
        nops(&mut a, 1100);
        a.bind(far);
        let code = a.finish().unwrap();
        assert_eq!(code.bytes.len(), 4 + 4 + 254 + 2200);
        // bne.w to 8 + 254 = 262: disp 258.
        assert_eq!((hw(&code.bytes, 0), hw(&code.bytes, 2)), (0xF040, 0x8081));
        // b.w at 4 to 2462: disp 2454.
        assert_eq!(hw(&code.bytes, 4) & 0xF800, 0xF000);
        assert_eq!(code.bytes.len() as u32 - (4 + 4), 2454);
    }

    #[test]
    fn far_conditional_branch_uses_inverted_skip() {
        let mut a = Assembler::new();
        let l = a.new_label();
        a.b_cond(Cond::Ge, l);
        nops(&mut a, 600_000);
        a.bind(l);
        let code = a.finish().unwrap();
        assert_eq!(code.bytes.len(), 6 + 1_200_000);
        assert_eq!(hw(&code.bytes, 0), 0xDB01); // blt +2: skips the b.w
        assert_eq!(hw(&code.bytes, 2) & 0xF800, 0xF000);
        assert_eq!(hw(&code.bytes, 4) & 0xD000, 0x9000);
    }

    #[test]
    fn cbz_relaxes_to_cmp_and_branch() {
        // In range: CBNZ r3 over 126 bytes.
        let mut a = Assembler::new();
        let l = a.new_label();
        a.cbz(true, crate::Reg(3), l);
        nops(&mut a, 64);
        a.bind(l);
        let code = a.finish().unwrap();
        assert_eq!(code.bytes.len(), 2 + 128);
        assert_eq!(hw(&code.bytes, 0), 0xBBFB); // cbnz r3, +126: i=1, imm5=31
        // One halfword further: CMP r3, #0; BNE.N.
        let mut a = Assembler::new();
        let l = a.new_label();
        a.cbz(true, crate::Reg(3), l);
        nops(&mut a, 65);
        a.bind(l);
        let code = a.finish().unwrap();
        assert_eq!(code.bytes.len(), 4 + 130);
        assert_eq!((hw(&code.bytes, 0), hw(&code.bytes, 2)), (0x2B00, 0xD140));
        // Backward: never CBZ.
        let mut a = Assembler::new();
        let l = a.new_label();
        a.bind(l);
        a.cbz(false, crate::Reg(0), l);
        let code = a.finish().unwrap();
        assert_eq!((hw(&code.bytes, 0), hw(&code.bytes, 2)), (0x2800, 0xD0FD));
        // High register: CMP.W + BEQ.
        let mut a = Assembler::new();
        let l = a.new_label();
        a.cbz(false, crate::Reg(8), l);
        a.bind(l);
        let code = a.finish().unwrap();
        assert_eq!(code.bytes.len(), 6);
    }

    /// The halfwords of a loop `l: <body>; cbz(nz, r, l)`.
    fn loop_halfwords(nz: bool, r: u8, body: impl FnOnce(&mut Assembler)) -> Vec<u16> {
        let mut a = Assembler::new();
        let l = a.new_label();
        a.bind(l);
        body(&mut a);
        a.cbz(nz, crate::Reg(r), l);
        let code = a.finish().unwrap();
        (0..code.bytes.len()).step_by(2).map(|i| hw(&code.bytes, i)).collect()
    }

    #[test]
    fn zero_test_after_flag_setting_write_of_the_register_skips_cmp() {
        use crate::{AluOp, Flags, Reg, ShiftOp};
        // SUBS r4, #1; BNE l (no CMP r4, #0).
        let hws = loop_halfwords(true, 4, |a| {
            a.alu_imm(AluOp::Sub, Reg(4), Reg(4), 1, Flags::Any);
        });
        assert_eq!(hws, [0x3C01, 0xD1FD]);
        // LSRS r0, r1, #2; BEQ l.
        let hws = loop_halfwords(false, 0, |a| a.shift_imm(ShiftOp::Lsr, Reg(0), Reg(1), 2, Flags::Any));
        assert_eq!(hws, [0x0888, 0xD0FD]);
        // ANDS r2, r3 (16-bit, sets flags); BNE l.
        let hws = loop_halfwords(true, 2, |a| a.alu(AluOp::And, Reg(2), Reg(2), Reg(3), None, Flags::Any));
        assert_eq!(hws, [0x401A, 0xD1FD]);
        // The flags are of another register: CMP stays.
        let hws = loop_halfwords(true, 3, |a| {
            a.alu_imm(AluOp::Sub, Reg(4), Reg(4), 1, Flags::Any);
        });
        assert_eq!(hws, [0x3C01, 0x2B00, 0xD1FC]);
        // A 32-bit form without S (ADD.W r8, #1): CMP stays.
        let hws = loop_halfwords(true, 8, |a| {
            a.alu_imm(AluOp::Add, Reg(8), Reg(8), 1, Flags::Any);
        });
        assert_eq!(hws.len(), 5);
        assert_eq!(hws[2] & 0xFBF0, 0xF1B0, "cmp.w r8, #0 kept: {hws:x?}");
        // ADDS.W r8, r8, #16 (flags requested): BNE only.
        let hws = loop_halfwords(true, 8, |a| {
            assert!(a.alu_imm(AluOp::Add, Reg(8), Reg(8), 16, Flags::Set));
        });
        assert_eq!(hws, [0xF118, 0x0810, 0xD1FC]);
        // Another instruction in between (MOV r0, r4): CMP stays.
        let hws = loop_halfwords(true, 4, |a| {
            a.alu_imm(AluOp::Sub, Reg(4), Reg(4), 1, Flags::Any);
            a.mov(Reg(0), Reg(4));
        });
        assert_eq!(hws, [0x3C01, 0x4620, 0x2C00, 0xD1FB]);
        // Inside an IT block the 16-bit ADD does not set flags: CMP stays.
        let hws = loop_halfwords(true, 1, |a| {
            a.it(crate::Cond::Eq, "");
            a.alu_imm(AluOp::Add, Reg(1), Reg(1), 1, Flags::Any);
        });
        assert_eq!(hws, [0xBF08, 0x3101, 0x2900, 0xD1FB]);
        // A label bound after the SUBS (another predecessor): CMP stays.
        let mut a = Assembler::new();
        let l = a.new_label();
        a.alu_imm(AluOp::Sub, Reg(4), Reg(4), 1, Flags::Any);
        a.bind(l);
        a.cbz(true, Reg(4), l);
        let code = a.finish().unwrap();
        assert_eq!((hw(&code.bytes, 2), hw(&code.bytes, 4)), (0x2C00, 0xD1FD));
    }

    #[test]
    fn unbound_label_is_an_error() {
        let mut a = Assembler::new();
        let l = a.new_label();
        a.b(l);
        let err = a.finish().unwrap_err();
        assert!(err.0.contains("never bound"), "{err:?}");
        // An unbound label that is never used is fine.
        let mut a = Assembler::new();
        let _ = a.new_label();
        a.nop();
        assert!(a.finish().is_ok());
    }

    #[test]
    fn foreign_and_doubly_bound_labels_are_errors() {
        let mut a = Assembler::new();
        a.b(crate::Label(5));
        assert!(a.finish().is_err());
        let mut a = Assembler::new();
        let l = a.new_label();
        a.bind(l);
        a.bind(l);
        assert!(a.finish().unwrap_err().0.contains("bound twice"));
    }

    #[test]
    fn tbh_table_and_trampolines() {
        let mut a = Assembler::new();
        let back = a.new_label();
        let fwd = a.new_label();
        a.bind(back);
        a.nop();
        a.tbh(crate::Reg(3), &[fwd, back, fwd]);
        a.bind(fwd);
        a.nop();
        let code = a.finish().unwrap();
        // nop(0) tbh(2) table 6..12, trampoline b.n at 12 to 0, fwd at 14.
        assert_eq!(code.data_ranges, vec![6..12]);
        assert_eq!(code.bytes.len(), 16);
        assert_eq!([hw(&code.bytes, 6), hw(&code.bytes, 8), hw(&code.bytes, 10)], [4, 3, 4]);
        assert_eq!(hw(&code.bytes, 12), 0xE7F8); // b.n 0: disp -16, imm11 = -8
    }

    #[test]
    fn reloc_offsets_follow_layout() {
        let mut a = Assembler::new();
        let l = a.new_label();
        a.bl(Sym(1));
        a.b_cond(Cond::Eq, l);
        nops(&mut a, 200);
        a.bind(l);
        a.mov_sym(crate::Reg(0), Sym(2), 0);
        let code = a.finish().unwrap();
        let offs: Vec<u32> = code.relocs.iter().map(|r| r.offset).collect();
        assert_eq!(offs, vec![0, 408, 412]);
    }

    #[test]
    fn len_estimate_counts_minimum_sizes() {
        let mut a = Assembler::new();
        let l = a.new_label();
        a.b(l);
        a.bl(Sym(0));
        a.tbh(crate::Reg(0), &[l, l]);
        a.bind(l);
        assert_eq!(a.len_estimate(), 2 + 4 + 4 + 4);
    }
}
