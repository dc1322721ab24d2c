//! Call-frame information recorded during emission.
//!
//! Takes: the emitter's stack-pointer changes as they are assembled
//! (prologue push, `sub sp`, epilogues, the scratch push of far spill
//! stores). Returns: [`CfiEvent`]s, each at the code offset from which its
//! rule holds (the end of the instruction that caused it), resolved through
//! assembler [`Mark`]s after branch relaxation. Recording never changes the
//! code: marks add nothing to the assembler's output.
//!
//! The events describe, in program (layout) order, how far sp is below the
//! caller's sp (the canonical frame address) and where the saved registers
//! are. An epilogue in the middle of the code is bracketed by
//! [`CfiOp::RememberState`] and [`CfiOp::RestoreState`]: the code after it is
//! reached by branches from the body and has the body's frame.

use super::Emitter;
use synth_thumb2_enc::Mark;

pub use synth_mach::{CfiEvent, CfiOp};

impl Emitter<'_> {
    /// Records `op` as holding from the current position on.
    pub(super) fn cfi(&mut self, op: CfiOp) {
        let m = self.asm.mark();
        self.cfi.push((m, op));
    }

    /// Whether leaving the function changes the frame (a push or an sp
    /// adjustment to undo), so that exits need remember/restore.
    pub(super) fn exit_changes_frame(&self) -> bool {
        self.frame.push_mask != 0 || self.frame.frame_bytes != 0 || self.frame.vpush_count != 0
    }
}

/// The events of `recorded`, their marks resolved with `marks`
/// (`Code::marks`).
pub(crate) fn resolve(recorded: &[(Mark, CfiOp)], marks: &[u32]) -> Result<Vec<CfiEvent>, String> {
    recorded
        .iter()
        .map(|(m, op)| {
            let offset = *marks.get(m.0 as usize).ok_or("CFI mark the assembler does not know")?;
            Ok(CfiEvent { offset, op: *op })
        })
        .collect()
}

/// The frame at each event: sp's distance below the canonical frame
/// address after `events` (in order), replaying remember/restore. Errors
/// on an sp above the CFA or a restore without a remember.
pub fn replay(events: &[CfiEvent]) -> Result<Vec<(u32, u32)>, String> {
    let mut depth: u32 = 0;
    let mut stack = Vec::new();
    let mut out = Vec::with_capacity(events.len());
    for e in events {
        let words = |m: u16| 4 * m.count_ones();
        depth = match e.op {
            CfiOp::Push(m) => depth + words(m),
            CfiOp::VPush(m) => depth + 8 * m.count_ones(),
            CfiOp::VPop(m) => depth.checked_sub(8 * m.count_ones()).ok_or("vpop above the frame")?,
            CfiOp::Alloc(n) => depth + n,
            CfiOp::Pop(m) => depth.checked_sub(words(m)).ok_or("pop above the frame")?,
            CfiOp::Free(n) => depth.checked_sub(n).ok_or("sp above the frame")?,
            CfiOp::RememberState => {
                stack.push(depth);
                depth
            }
            CfiOp::RestoreState => stack.pop().ok_or("restore without remember")?,
        };
        out.push((e.offset, depth));
    }
    Ok(out)
}
