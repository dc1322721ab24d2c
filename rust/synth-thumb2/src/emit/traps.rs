//! Trap sequences: `MOVS r0, #code; BL synth_trap` per trap code used in a
//! function, reached by conditional branches, and their placement.
//!
//! Takes: trap requests from [`super::Emitter::inst`] (conditional traps
//! after their compare, unconditional traps). Returns: nothing; places the
//! sequences in the assembler. The first unconditional trap of a code
//! places that code's sequence inline (what follows it is dead anyway) and
//! later traps of the code branch to it; sequences that no unconditional
//! trap placed go after the last block ([`super::Emitter::trap_stubs`]).
//!
//! A `B<c>` reaches ±256 bytes in 16 bits, so in a larger function the
//! branches far from the code's sequence would take the 32-bit form.
//! Emission therefore runs twice when that happens: the first pass records
//! where each conditional trap branch and each *site* lies (a *barrier*,
//! i.e. a block start that nothing falls into, or any instruction start,
//! where an island needs a `B` over it), [`plan_islands`] picks sites at
//! which an extra copy of a sequence (an *island*) makes enough branches
//! short to pay for itself, and the second pass places the islands and
//! points those branches at them. Positions are estimates; the
//! assembler's branch relaxation still sizes every branch, so a wrong
//! estimate costs bytes, never correctness.

use super::Emitter;
use synth_ir::TrapCode;
use synth_thumb2_enc::{Cond, Label};

/// Distance (bytes, estimated) within which a branch is taken to reach its
/// trap sequence with `B<c>.N` (which reaches -256..=+254; the margin
/// absorbs islands and wide branches the estimate does not see).
pub(super) const REACH: u32 = 200;

/// Bytes of an island (`MOVS r0, #code; BL synth_trap`).
const ISLAND_BYTES: i64 = 6;
/// Bytes of the `B` over an island placed where code falls through.
const JUMP_BYTES: i64 = 2;
/// Bytes each branch saves by reaching an island in 16 bits.
const SAVED_PER_USE: i64 = 2;

/// What the first emission pass records about trap branches.
#[derive(Clone, Debug, Default)]
pub(super) struct TrapRecord {
    /// Every conditional trap branch in emission order: code and estimated
    /// position.
    pub uses: Vec<(TrapCode, u32)>,
    /// Estimated position of each site, in emission order, and whether
    /// code falls through it (an island there needs a `B` over it).
    pub sites: Vec<(u32, bool)>,
    /// Estimated position of each code's inline sequence (first
    /// unconditional trap).
    pub inline: Vec<(TrapCode, u32)>,
    /// Estimated position of the end of the last block.
    pub end: u32,
}

/// Where the second pass places islands and which branches use them.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct TrapPlan {
    /// Per island: site index and trap code.
    pub islands: Vec<(usize, TrapCode)>,
    /// Per recorded use: the island it branches to, or `None` for the
    /// code's ordinary sequence.
    pub use_island: Vec<Option<usize>>,
}

/// Chooses islands: per code, the uses farther than [`REACH`] from the
/// code's ordinary sequence are covered greedily (first uncovered use
/// first) by the site within reach of it that saves the most bytes
/// (2 per covered branch, minus the island and any jump over it); a site
/// is taken only if it saves bytes.
pub(super) fn plan_islands(rec: &TrapRecord) -> TrapPlan {
    let mut plan = TrapPlan { islands: Vec::new(), use_island: vec![None; rec.uses.len()] };
    let mut codes: Vec<TrapCode> = rec.uses.iter().map(|u| u.0).collect();
    codes.dedup();
    let mut seen: Vec<TrapCode> = Vec::new();
    for c in codes {
        if seen.contains(&c) {
            continue;
        }
        seen.push(c);
        let home = rec.inline.iter().find(|t| t.0 == c).map_or(rec.end, |t| t.1);
        // Far uses of this code: (use index, position), positions ascending.
        let far: Vec<(usize, u32)> = rec
            .uses
            .iter()
            .enumerate()
            .filter(|(_, u)| u.0 == c && u.1.abs_diff(home) > REACH)
            .map(|(j, u)| (j, u.1))
            .collect();
        let mut covered = vec![false; far.len()];
        for k in 0..far.len() {
            if covered[k] {
                continue;
            }
            let u = far[k].1;
            let lo = rec.sites.partition_point(|&(b, _)| b + REACH < u);
            let mut best: Option<(i64, usize)> = None; // (bytes saved, site)
            for (bi, &(b, falls)) in rec.sites.iter().enumerate().skip(lo) {
                if b > u + REACH {
                    break;
                }
                let n = (k..far.len())
                    .take_while(|&m| far[m].1 <= b + REACH)
                    .filter(|&m| !covered[m] && far[m].1.abs_diff(b) <= REACH)
                    .count();
                let gain = SAVED_PER_USE * n as i64 - ISLAND_BYTES - if falls { JUMP_BYTES } else { 0 };
                if best.is_none_or(|(bg, _)| gain >= bg) {
                    best = Some((gain, bi));
                }
            }
            if let Some((_, bi)) = best.filter(|&(g, _)| g > 0) {
                let island = plan.islands.len();
                plan.islands.push((bi, c));
                let b = rec.sites[bi].0;
                for m in k..far.len() {
                    if far[m].1 > b + REACH {
                        break;
                    }
                    if !covered[m] && far[m].1.abs_diff(b) <= REACH {
                        covered[m] = true;
                        plan.use_island[far[m].0] = Some(island);
                    }
                }
            }
        }
    }
    plan
}

impl Emitter<'_> {
    /// The label of the ordinary sequence for `code` (placed by
    /// [`Self::trap`] or at the end of the function by [`Self::trap_stubs`]).
    fn trap_label(&mut self, code: TrapCode) -> Label {
        if let Some(t) = self.traps.iter().find(|t| t.0 == code) {
            return t.1;
        }
        let l = self.asm.new_label();
        self.traps.push((code, l, false));
        l
    }

    /// The label a conditional trap branch for `code` goes to: its island
    /// under the plan of the second pass, else the ordinary sequence. The
    /// first pass records the branch's position.
    pub(super) fn trap_use_label(&mut self, code: TrapCode) -> Label {
        let j = self.trap_uses;
        self.trap_uses += 1;
        if let Some(rec) = self.record.as_mut() {
            rec.uses.push((code, self.asm.len_estimate()));
        }
        let island = self.plan.as_ref().and_then(|p| p.use_island.get(j).copied().flatten());
        match island.and_then(|i| self.island_labels.get(i).copied()) {
            Some(l) => l,
            None => self.trap_label(code),
        }
    }

    /// At a block start: if nothing falls into it, a barrier site.
    pub(super) fn at_block_start(&mut self) {
        if std::mem::replace(&mut self.barrier, false) {
            self.site(false);
        }
    }

    /// At an instruction start: a site whose islands need a `B` over them
    /// (none inside an IT block).
    pub(super) fn at_inst_start(&mut self) {
        self.barrier = false;
        if !self.asm.in_it_block() {
            self.site(true);
        }
    }

    /// Records the site (first pass) or places the islands planned for it
    /// (second pass).
    fn site(&mut self, falls: bool) {
        let k = self.sites;
        self.sites += 1;
        if let Some(rec) = self.record.as_mut() {
            rec.sites.push((self.asm.len_estimate(), falls));
        }
        // Islands by site: sites come in order, so a cursor finds this
        // one's (a scan of every island per site was quadratic).
        let mut here: Vec<(usize, TrapCode)> = Vec::new();
        if let Some(p) = &self.plan {
            while let Some(&n) = self.islands_by_site.get(self.island_cursor) {
                if p.islands[n].0 > k {
                    break;
                }
                // (An island of a site not met is placed after the last
                // block by `trap_stubs`, as before.)
                if p.islands[n].0 == k {
                    here.push((n, p.islands[n].1));
                }
                self.island_cursor += 1;
            }
        }
        if here.is_empty() {
            return;
        }
        let skip = falls.then(|| self.asm.new_label());
        if let Some(l) = skip {
            self.asm.b(l);
        }
        for (n, code) in here {
            self.place_island(n, code);
        }
        if let Some(l) = skip {
            self.asm.bind(l);
        }
    }

    fn place_island(&mut self, n: usize, code: TrapCode) {
        if let Some(placed) = self.island_placed.get_mut(n) {
            if std::mem::replace(placed, true) {
                return;
            }
            let l = self.island_labels[n];
            self.asm.bind(l);
            self.trap_call(code);
        }
    }

    /// An unconditional trap (what follows is dead): the first one for a
    /// code places that code's sequence here, later ones branch to it.
    pub(super) fn trap(&mut self, code: TrapCode) {
        let l = self.trap_label(code);
        let placed = self.traps.iter_mut().find(|t| t.0 == code).map(|t| std::mem::replace(&mut t.2, true));
        if placed == Some(true) {
            self.asm.b(l);
        } else {
            if let Some(rec) = self.record.as_mut() {
                rec.inline.push((code, self.asm.len_estimate()));
            }
            self.asm.bind(l);
            self.trap_call(code);
        }
        self.barrier = true;
    }

    /// `B<cc>` to the trap sequence of `code` (flags already set).
    pub(super) fn trap_if(&mut self, cc: Cond, code: TrapCode) {
        let l = self.trap_use_label(code);
        self.asm.b_cond(cc, l);
    }

    /// After the last block: records the end (first pass), then places the
    /// ordinary sequences not placed inline and any island a barrier did
    /// not place (so every label used is bound).
    pub(super) fn trap_stubs(&mut self) {
        if let Some(rec) = self.record.as_mut() {
            rec.end = self.asm.len_estimate();
        }
        let pending: Vec<(TrapCode, Label)> = self.traps.iter().filter(|t| !t.2).map(|t| (t.0, t.1)).collect();
        for (code, l) in pending {
            self.asm.bind(l);
            self.trap_call(code);
        }
        self.traps.iter_mut().for_each(|t| t.2 = true);
        let islands: Vec<(usize, TrapCode)> = match &self.plan {
            Some(p) => p.islands.iter().enumerate().map(|(n, i)| (n, i.1)).collect(),
            None => Vec::new(),
        };
        for (n, code) in islands {
            self.place_island(n, code);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OOB: TrapCode = TrapCode::MemoryOutOfBounds;

    fn rec(uses: &[u32], barriers: &[u32], end: u32) -> TrapRecord {
        TrapRecord {
            uses: uses.iter().map(|&u| (OOB, u)).collect(),
            sites: barriers.iter().map(|&b| (b, false)).collect(),
            inline: Vec::new(),
            end,
        }
    }

    #[test]
    fn near_uses_need_no_island() {
        let p = plan_islands(&rec(&[10, 50, 100, 150], &[120], 300));
        assert!(p.islands.is_empty());
        assert_eq!(p.use_island, vec![None; 4]);
    }

    #[test]
    fn far_uses_get_an_island_at_a_barrier_in_reach() {
        // Four uses near 0..120, the end at 1000: the barrier at 130 covers
        // them; the barrier at 700 is out of their reach.
        let p = plan_islands(&rec(&[0, 40, 80, 120, 900], &[130, 700], 1000));
        assert_eq!(p.islands, vec![(0, OOB)]);
        assert_eq!(p.use_island, vec![Some(0), Some(0), Some(0), Some(0), None]);
    }

    #[test]
    fn too_few_uses_keep_the_end_sequence() {
        let p = plan_islands(&rec(&[0, 40, 80], &[130], 1000));
        assert!(p.islands.is_empty());
    }

    #[test]
    fn greedy_prefers_the_barrier_covering_most() {
        // Uses 0..=360 step 40: a barrier at 190 covers all ten (|u-190| <=
        // 200 for u in 0..=360), the one at 10 only six.
        let uses: Vec<u32> = (0..10).map(|i| i * 40).collect();
        let p = plan_islands(&rec(&uses, &[10, 190], 2000));
        assert_eq!(p.islands, vec![(1, OOB)]);
        assert!(p.use_island.iter().all(|u| *u == Some(0)));
    }

    #[test]
    fn inline_sequence_is_home() {
        let mut r = rec(&[0, 40, 80, 120], &[130], 1000);
        r.inline.push((OOB, 100));
        let p = plan_islands(&r);
        assert!(p.islands.is_empty(), "all uses are within reach of the inline sequence");
    }

    #[test]
    fn fallthrough_sites_need_one_more_use() {
        let mut r = rec(&[0, 40, 80, 120], &[], 1000);
        r.sites.push((130, true));
        assert!(plan_islands(&r).islands.is_empty(), "4 uses save 8 bytes, the island and jump cost 8");
        r.uses.push((OOB, 160));
        r.use_island_len_check();
    }

    impl TrapRecord {
        fn use_island_len_check(&self) {
            let p = plan_islands(self);
            assert_eq!(p.islands, vec![(0, OOB)]);
            assert_eq!(p.use_island.len(), self.uses.len());
        }
    }

    #[test]
    fn codes_are_planned_separately() {
        let mut r = rec(&[0, 40, 80, 120], &[130], 1000);
        r.uses.push((TrapCode::IntegerDivideByZero, 60));
        let p = plan_islands(&r);
        assert_eq!(p.islands, vec![(0, OOB)]);
        assert_eq!(p.use_island[4], None);
    }
}
