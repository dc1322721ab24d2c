//! Spill rewriting.
//!
//! Takes: a [`Prog`] and the virtual registers chosen for spilling.
//! Returns: the rewritten [`Prog`] in which every occurrence of a spilled
//! register in an instruction is replaced by a fresh short-lived temporary,
//! reloaded (or rematerialised, with no store at all) just before the
//! instruction when it is used and stored to the register's slot just after
//! it when it is defined; and the pending edits recording this.

use crate::prog::{is_def, Prog};
use crate::{InstPos, OperandKind, ProgPoint};

/// An edit whose registers are not known until colouring finishes.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Pending {
    /// Slot to temporary.
    Reload { slot: u32, temp: u32 },
    /// Temporary to slot.
    Store { temp: u32, slot: u32 },
    /// Recompute input vreg `vreg` into the temporary.
    Remat { vreg: u32, temp: u32 },
}

/// Spill bookkeeping carried across rounds.
#[derive(Clone, Debug, Default)]
pub(crate) struct SpillState {
    /// Slot of each spilled virtual register.
    pub slot_of: Vec<Option<u32>>,
    /// Slots allocated.
    pub num_slots: u32,
    /// Temporaries created by spilling.
    pub temp: Vec<bool>,
    /// Input vregs that may be rematerialised.
    pub remat: Vec<bool>,
    /// Pending edits.
    pub edits: Vec<(ProgPoint, Pending)>,
    /// Virtual registers spilled so far (in spill order).
    pub spilled: Vec<u32>,
}

/// Rewrites every occurrence of the `spilled` registers.
pub(crate) fn rewrite(prog: &mut Prog, st: &mut SpillState, spilled: &[u32]) {
    let mut is_spilled = vec![false; prog.num_vregs];
    for &v in spilled {
        is_spilled[v as usize] = true;
        st.spilled.push(v);
        let remat = st.remat.get(v as usize).copied().unwrap_or(false);
        if !remat && st.slot_of[v as usize].is_none() {
            st.slot_of[v as usize] = Some(st.num_slots);
            st.num_slots += 1;
        }
    }
    for i in 0..prog.insts.len() {
        let last_in_block = i + 1 == prog.blocks[prog.block_of[i]].end;
        let mut done: Vec<u32> = Vec::new();
        for k in 0..prog.insts[i].ops.len() {
            let Some(v) = prog.insts[i].ops[k].reg.as_virt() else { continue };
            if !is_spilled.get(v as usize).copied().unwrap_or(false) || done.contains(&v) {
                continue;
            }
            done.push(v);
            let t = prog.new_vreg();
            st.temp.resize(prog.num_vregs, false);
            st.slot_of.resize(prog.num_vregs, None);
            st.temp[t as usize] = true;
            let inst = &mut prog.insts[i];
            let (mut used, mut defined) = (false, false);
            for o in inst.ops.iter_mut().filter(|o| o.reg == crate::Reg::virt(v)) {
                o.reg = crate::Reg::virt(t);
                used |= o.kind == OperandKind::Use;
                defined |= is_def(o.kind);
            }
            let remat = st.remat.get(v as usize).copied().unwrap_or(false);
            if used {
                inst.pre.push(t);
                let pt = ProgPoint { inst: i as u32, pos: InstPos::Before };
                let e = match st.slot_of[v as usize] {
                    Some(slot) if !remat => Pending::Reload { slot, temp: t },
                    _ => Pending::Remat { vreg: v, temp: t },
                };
                st.edits.push((pt, e));
            }
            if defined && !remat && !last_in_block {
                if let Some(slot) = st.slot_of[v as usize] {
                    inst.post.push(t);
                    st.edits.push((ProgPoint { inst: i as u32, pos: InstPos::After }, Pending::Store { temp: t, slot }));
                }
            }
        }
    }
}
