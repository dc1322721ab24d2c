//! Frame layout, decided after register allocation.
//!
//! Takes: what isel needs ([`FrameNeeds`]: outgoing-argument and local area
//! sizes, whether the function calls), the allocator's spill-slot count and
//! the callee-saved registers it used. Returns: a [`FrameLayout`] giving the
//! pushed register set, the fixed frame size and the sp-relative offset of
//! every [`StackAddr`] and spill slot.
//!
//! Layout, from sp upwards (sp does not move inside the body):
//! outgoing stack arguments | local area (sret buffers) | spill slots |
//! padding | VFP registers saved (d8.. as `VPUSH {d8-dN}`) | pushed registers
//! (r4-r11 used, lr) | caller's stack arguments.
//! Pushed bytes plus frame bytes are a multiple of 8, so sp stays 8-aligned
//! at every call.
//!
//! The callee-saved S registers used (s16-s31) are saved as the D registers
//! holding them, one contiguous range from d8 up to the highest used
//! (EHABI can describe only D-register saves, and a range from d8 has a
//! one-byte unwinding opcode); the range's 8-byte size keeps the alignment.

use crate::inst::StackAddr;
use crate::vcode::FrameNeeds;
use synth_regalloc::{PReg, PRegSet};

/// The frame of one function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameLayout {
    /// Registers pushed by the prologue (bit i = ri; bit 14 = lr). r2/r3
    /// appear only as stand-ins for a one- or two-word frame (their pushed
    /// values are never read; the epilogue's pop overwrites them).
    pub push_mask: u16,
    /// Bytes the core-register push takes.
    pub push_bytes: u32,
    /// D registers saved after the push, from d8 (`VPUSH {d8-d[7+n]}`; 0:
    /// no VPUSH).
    pub vpush_count: u8,
    /// Bytes subtracted from sp after the push.
    pub frame_bytes: u32,
    /// Offset of the local area.
    pub local_base: u32,
    /// Offset of spill slot 0.
    pub spill_base: u32,
}

/// Lays out the frame.
pub fn layout(needs: &FrameNeeds, spill_slots: u32, callee_saved_used: PRegSet) -> FrameLayout {
    let mut mask: u16 = 0;
    let mut vpush_count: u8 = 0;
    for r in callee_saved_used.iter() {
        if (4..=11).contains(&r.0) || r == PReg(14) {
            mask |= 1 << r.0;
        }
        if r.class() == synth_regalloc::RegClass::Float && r.index() >= 16 {
            vpush_count = vpush_count.max((r.index() - 16) / 2 + 1);
        }
    }
    if mask != 0 || vpush_count != 0 || needs.has_calls {
        mask |= 1 << 14; // return through `POP {.., pc}`
    }
    let mut push_bytes = 4 * mask.count_ones();
    let vpush_bytes = 8 * u32::from(vpush_count);
    let local_base = needs.outgoing_bytes;
    let spill_base = local_base + needs.local_bytes;
    let content = spill_base + 4 * spill_slots;
    let mut frame_bytes = content;
    if (frame_bytes + push_bytes) & 7 != 0 {
        frame_bytes += 4;
    }
    // A push happens anyway: a frame of one or two words (padding, a spill
    // slot) is pushed with it as r3 / r2-r3 instead of `SUB sp` and `ADD sp`
    // (the pop overwrites them, and neither carries a result). The words
    // sit at the same sp offsets either way. With a VPUSH, whose saved
    // registers lie between the push and the frame, only a frame that is
    // all padding moves into the push.
    if mask != 0 && (vpush_bytes == 0 || content == 0) && (frame_bytes == 4 || frame_bytes == 8) {
        mask |= if frame_bytes == 4 { 1 << 3 } else { (1 << 2) | (1 << 3) };
        push_bytes += frame_bytes;
        frame_bytes = 0;
    }
    FrameLayout { push_mask: mask, push_bytes, vpush_count, frame_bytes, local_base, spill_base }
}

impl FrameLayout {
    /// The sp offset of `addr` inside the body.
    pub fn offset(&self, addr: StackAddr) -> u32 {
        match addr {
            StackAddr::Outgoing(o) => o,
            StackAddr::Local(o) => self.local_base + o,
            StackAddr::Incoming(o) => self.frame_bytes + self.saved_bytes() + o,
        }
    }

    /// Bytes of the VPUSH (8 per D register).
    pub fn vpush_bytes(&self) -> u32 {
        8 * u32::from(self.vpush_count)
    }

    /// Bytes of saved registers above the frame: the push and the VPUSH.
    pub fn saved_bytes(&self) -> u32 {
        self.push_bytes + self.vpush_bytes()
    }

    /// The sp offset of spill slot `n`.
    pub fn slot_offset(&self, n: u32) -> u32 {
        self.spill_base + 4 * n
    }

    /// True when lr is saved (return is `POP {.., pc}`).
    pub fn saves_lr(&self) -> bool {
        self.push_mask & (1 << 14) != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaf_without_frame_pushes_nothing() {
        let f = layout(&FrameNeeds::default(), 0, PRegSet::EMPTY);
        assert_eq!((f.push_mask, f.frame_bytes), (0, 0));
        assert!(!f.saves_lr());
    }

    #[test]
    fn calls_push_lr_and_keep_eight_byte_alignment() {
        let needs = FrameNeeds { outgoing_bytes: 8, local_bytes: 0, has_calls: true };
        let f = layout(&needs, 1, PRegSet::from_regs(&[PReg(4)]));
        assert_eq!(f.push_mask, (1 << 4) | (1 << 14));
        assert_eq!(f.push_bytes, 8);
        assert_eq!((f.frame_bytes + f.push_bytes) % 8, 0);
        assert_eq!(f.frame_bytes, 16); // 8 outgoing + 4 spill + 4 padding
        assert_eq!(f.slot_offset(0), 8);
        assert_eq!(f.offset(StackAddr::Incoming(4)), 16 + 8 + 4);
    }

    #[test]
    fn small_frames_ride_on_the_push() {
        // push {lr} + one pad word: push {r3, lr}, no SUB/ADD sp.
        let needs = FrameNeeds { outgoing_bytes: 0, local_bytes: 0, has_calls: true };
        let f = layout(&needs, 0, PRegSet::EMPTY);
        assert_eq!((f.push_mask, f.push_bytes, f.frame_bytes), ((1 << 3) | (1 << 14), 8, 0));
        // One spill slot with r4 and lr pushed: 4 + pad 4 = two stand-ins.
        let f = layout(&needs, 1, PRegSet::from_regs(&[PReg(4)]));
        assert_eq!((f.push_mask, f.push_bytes, f.frame_bytes), (0b1100 | (1 << 4) | (1 << 14), 16, 0));
        assert_eq!(f.slot_offset(0), 0);
        assert_eq!(f.offset(StackAddr::Incoming(0)), 16);
        // No push at all: a leaf keeps SUB sp.
        let g = layout(&FrameNeeds::default(), 1, PRegSet::EMPTY);
        assert_eq!((g.push_mask, g.frame_bytes), (0, 8));
    }

    #[test]
    fn callee_saved_s_registers_are_saved_as_a_d_range_from_d8() {
        let needs = FrameNeeds::default();
        // s16 alone: d8; s16 and s21: d8-d10 (s21 is in d10).
        let f = layout(&needs, 0, PRegSet::from_regs(&[PReg::float(16)]));
        assert_eq!((f.vpush_count, f.vpush_bytes()), (1, 8));
        // lr is pushed too (the return is `POP {pc}`), and a padding word
        // (r3 as stand-in) keeps 8-alignment.
        assert_eq!((f.push_mask, f.push_bytes, f.frame_bytes), ((1 << 3) | (1 << 14), 8, 0));
        let f = layout(&needs, 1, PRegSet::from_regs(&[PReg::float(16), PReg::float(21), PReg(4)]));
        assert_eq!(f.vpush_count, 3);
        assert_eq!(f.saved_bytes(), 8 + 24);
        // The one-word frame is not folded into the push (the VPUSH is in
        // between): the spill slot stays at sp+0 below the saved D registers.
        assert_eq!((f.push_mask, f.frame_bytes, f.slot_offset(0)), ((1 << 4) | (1 << 14), 8, 0));
        assert_eq!(f.offset(StackAddr::Incoming(0)), 8 + 32);
        // s0-s15 are never saved.
        let g = layout(&needs, 0, PRegSet::from_regs(&[PReg::float(3), PReg::float(15)]));
        assert_eq!((g.vpush_count, g.push_mask), (0, 0));
        for n in 16..32u8 {
            let f = layout(&needs, 1, PRegSet::from_regs(&[PReg::float(n)]));
            assert_eq!(f.vpush_count, (n - 16) / 2 + 1);
            assert_eq!((f.frame_bytes + f.saved_bytes()) % 8, 0);
            assert!(f.frame_bytes >= 4, "the slot lies in the frame, below the VPUSH");
        }
    }

    #[test]
    fn odd_push_count_pads_frame() {
        let needs = FrameNeeds { outgoing_bytes: 0, local_bytes: 16, has_calls: true };
        let f = layout(&needs, 0, PRegSet::from_regs(&[PReg(4), PReg(5)]));
        assert_eq!(f.push_bytes, 12);
        assert_eq!(f.frame_bytes, 20);
        assert_eq!(f.offset(StackAddr::Local(8)), 8);
        let g = layout(&FrameNeeds::default(), 3, PRegSet::EMPTY);
        assert_eq!((g.frame_bytes, g.push_bytes), (16, 0));
        for slots in 0..6 {
            for regs in [vec![], vec![PReg(4)], vec![PReg(4), PReg(5)], vec![PReg(14)]] {
                let f = layout(&FrameNeeds::default(), slots, PRegSet::from_regs(&regs));
                assert_eq!((f.frame_bytes + f.push_bytes) % 8, 0);
                // Slots lie below the real pushes: in the frame or in the
                // r2/r3 stand-in words.
                let stand_ins = 4 * (f.push_mask & 0b1100).count_ones();
                assert!(f.frame_bytes + stand_ins >= 4 * slots);
            }
        }
    }
}
