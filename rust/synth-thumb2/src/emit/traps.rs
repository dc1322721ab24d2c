//! Trap sequences: one `MOVS r0, #code; BL synth_trap` per trap code used
//! in a function, reached by conditional branches.
//!
//! Takes: trap requests from [`super::Emitter::inst`] (conditional traps
//! after their compare, unconditional traps). Returns: nothing; places the
//! sequences in the assembler. The first unconditional trap of a code
//! places that code's sequence inline (what follows it is dead anyway) and
//! later traps of the code branch to it; sequences that no unconditional
//! trap placed go after the last block ([`super::Emitter::trap_stubs`]).
//! Forward conditional branches to them are sized by the assembler's branch
//! relaxation (`B<c>.N`, `B<c>.W`, or an inverted branch over `B.W`).

use super::Emitter;
use synth_ir::TrapCode;
use synth_thumb2_enc::{Cond, Label};

impl Emitter<'_> {
    /// The label of the trap sequence for `code` (placed by [`Self::trap`]
    /// or at the end of the function by [`Self::trap_stubs`]).
    pub(super) fn trap_label(&mut self, code: TrapCode) -> Label {
        if let Some(t) = self.traps.iter().find(|t| t.0 == code) {
            return t.1;
        }
        let l = self.asm.new_label();
        self.traps.push((code, l, false));
        l
    }

    /// An unconditional trap (what follows is dead): the first one for a
    /// code places that code's sequence here, later ones branch to it.
    pub(super) fn trap(&mut self, code: TrapCode) {
        let l = self.trap_label(code);
        let placed = self.traps.iter_mut().find(|t| t.0 == code).map(|t| std::mem::replace(&mut t.2, true));
        if placed == Some(true) {
            self.asm.b(l);
        } else {
            self.asm.bind(l);
            self.trap_call(code);
        }
    }

    /// `B<cc>` to the trap sequence of `code` (flags already set).
    pub(super) fn trap_if(&mut self, cc: Cond, code: TrapCode) {
        let l = self.trap_label(code);
        self.asm.b_cond(cc, l);
    }

    /// The out-of-line trap sequences not placed inline, after the last
    /// block: one `MOVS r0, #code; BL synth_trap` per trap code used.
    pub(super) fn trap_stubs(&mut self) {
        let pending: Vec<(TrapCode, Label)> = self.traps.iter().filter(|t| !t.2).map(|t| (t.0, t.1)).collect();
        for (code, l) in pending {
            self.asm.bind(l);
            self.trap_call(code);
        }
        self.traps.iter_mut().for_each(|t| t.2 = true);
    }
}
