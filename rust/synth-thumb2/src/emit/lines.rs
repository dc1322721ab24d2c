//! Line-table rows recorded during emission.
//!
//! Takes: the source location of each VCode instruction
//! ([`crate::vcode::VCode::locs`]) as the emitter reaches it. Returns:
//! [`LineRow`]s, each the code offset from which a wasm operator's code
//! starts, resolved through assembler marks after branch relaxation like
//! the call-frame information ([`super::cfi`]). Recording never changes the
//! code: marks add nothing to the assembler's output, so `.text` is the
//! same with and without `-g`.
//!
//! A row holds until the next one. Instructions without a location
//! (allocator moves, prologue, constants hoisted to the entry) continue the
//! row before them; the trap stubs at the end of the function start a row
//! with no location ([`SrcLoc::NONE`], DWARF line 0).

use super::Emitter;
use synth_ir::SrcLoc;
use synth_thumb2_enc::Mark;

pub use synth_mach::LineRow;

impl Emitter<'_> {
    /// Starts a row for `loc` here unless the current row already has it.
    /// An unknown location continues the current row.
    pub(super) fn line(&mut self, loc: SrcLoc) {
        if loc.is_none() || self.lines.last().is_some_and(|(_, l)| *l == loc) {
            return;
        }
        let m = self.asm.mark();
        self.lines.push((m, loc));
    }

    /// Starts a row without location (trap stubs, islands).
    pub(super) fn line_unknown(&mut self) {
        if self.lines.last().is_some_and(|(_, l)| !l.is_none()) {
            let m = self.asm.mark();
            self.lines.push((m, SrcLoc::NONE));
        }
    }
}

/// The rows of `recorded`, marks resolved with `marks` (`Code::marks`);
/// rows at the same offset keep the last, and consecutive rows with the
/// same location merge.
pub(crate) fn resolve(recorded: &[(Mark, SrcLoc)], marks: &[u32]) -> Result<Vec<LineRow>, String> {
    let mut out: Vec<LineRow> = Vec::with_capacity(recorded.len());
    for (m, loc) in recorded {
        let offset = *marks.get(m.0 as usize).ok_or("line mark the assembler does not know")?;
        if out.last().is_some_and(|r| r.offset == offset) {
            out.pop();
        }
        if out.last().is_some_and(|r| r.loc == *loc) {
            continue;
        }
        out.push(LineRow { offset, loc: *loc });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_at_one_offset_keep_the_last_and_repeats_merge() {
        let rec = [(Mark(0), SrcLoc(10)), (Mark(1), SrcLoc(12)), (Mark(2), SrcLoc(12)), (Mark(3), SrcLoc(10))];
        let marks = [0, 0, 4, 8];
        let rows = resolve(&rec, &marks).unwrap();
        assert_eq!(rows, vec![LineRow { offset: 0, loc: SrcLoc(12) }, LineRow { offset: 8, loc: SrcLoc(10) }]);
        assert!(resolve(&rec, &marks[..2]).is_err());
    }
}
