//! Which locals each control frame has to carry through its merge blocks:
//! a scan of the function body before lowering (pruned SSA construction).
//!
//! Takes: a function body and its number of locals (parameters included).
//! Returns: one [`FrameLocals`] per `block`, `loop` and `if` operator, in
//! the order they appear (reachable or not).
//!
//! A local that no operator inside a frame writes has, at every point of
//! the frame, the value it had at the frame's start, so only the locals a
//! frame *assigns* can differ where control merges at its end or at a loop
//! header. Of those, a loop header also skips the locals that are dead
//! there: written before any read on the straight stretch that starts the
//! loop body (no branch, `if`, `else` or `end` in between), the way an
//! inner loop's counter is reset before the inner loop on every outer
//! iteration. A loop's end is reached only by falling through its body, so
//! it merges nothing; a `block` that no branch targets neither.

use wasmparser::{BinaryReaderError, FunctionBody, Operator};

/// The locals one frame carries (sorted local indices).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct FrameLocals {
    /// Locals passed to the frame's end block (empty where the end merges
    /// nothing: loops, blocks no branch targets).
    pub end: Vec<u32>,
    /// Loops: locals passed to the header.
    pub header: Vec<u32>,
}

/// A frame open during the scan.
struct Open {
    /// Index into the result (`None` for the function body).
    ordinal: Option<usize>,
    is_loop: bool,
    is_block: bool,
    /// Some branch targets the frame's label.
    targeted: bool,
    /// Operator position of the frame's first body operator.
    start: u32,
    /// Locals written inside (unsorted, may repeat until the frame ends).
    assigned: Vec<u32>,
}

/// Scans `body` (with `num_locals` locals) for the locals each frame carries.
pub(crate) fn scan(body: &FunctionBody<'_>, num_locals: usize) -> Result<Vec<FrameLocals>, BinaryReaderError> {
    let mut result: Vec<FrameLocals> = Vec::new();
    // Per local: (position, is_write) of every access, in order.
    let mut touches: Vec<Vec<(u32, bool)>> = vec![Vec::new(); num_locals];
    // Loops whose straight opening stretch has not ended yet.
    let mut open_prefix: Vec<usize> = Vec::new();
    // Per loop ordinal: where its opening stretch ended.
    let mut prefix_end: Vec<u32> = Vec::new();
    let mut stack = vec![Open { ordinal: None, is_loop: false, is_block: false, targeted: false, start: 0, assigned: Vec::new() }];
    let mut ops = body.get_operators_reader()?;
    let mut pos: u32 = 0;
    while !ops.eof() {
        let op = ops.read()?;
        pos += 1;
        let diverges = matches!(
            op,
            Operator::Br { .. }
                | Operator::BrIf { .. }
                | Operator::BrTable { .. }
                | Operator::If { .. }
                | Operator::Else
                | Operator::End
                | Operator::Return
                | Operator::Unreachable
        );
        if diverges {
            for o in open_prefix.drain(..) {
                prefix_end[o] = pos;
            }
        }
        let target = |stack: &mut Vec<Open>, depth: u32| {
            if let Some(i) = stack.len().checked_sub(1 + depth as usize) {
                stack[i].targeted = true;
            }
        };
        match op {
            Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. } => {
                let ordinal = result.len();
                result.push(FrameLocals::default());
                prefix_end.push(u32::MAX);
                let is_loop = matches!(op, Operator::Loop { .. });
                if is_loop {
                    open_prefix.push(ordinal);
                }
                let is_block = matches!(op, Operator::Block { .. });
                stack.push(Open { ordinal: Some(ordinal), is_loop, is_block, targeted: false, start: pos, assigned: Vec::new() });
            }
            Operator::End => {
                let Some(mut f) = stack.pop() else { continue };
                let Some(ordinal) = f.ordinal else { continue };
                // A stable sort: the list is the frame's own writes plus its
                // inner frames' sorted lists, natural runs that it merges in
                // linear time (on a deep loop nest the lists are long).
                f.assigned.sort();
                f.assigned.dedup();
                let r = &mut result[ordinal];
                if f.is_loop {
                    let stretch_end = prefix_end[ordinal];
                    r.header = f
                        .assigned
                        .iter()
                        .copied()
                        .filter(|&x| !dead_at(&touches[x as usize], f.start, stretch_end))
                        .collect();
                } else if f.targeted || !f.is_block {
                    r.end = f.assigned.clone();
                }
                if let Some(parent) = stack.last_mut() {
                    if parent.ordinal.is_some() {
                        parent.assigned.extend_from_slice(&f.assigned);
                    }
                }
            }
            Operator::Br { relative_depth } | Operator::BrIf { relative_depth } => target(&mut stack, relative_depth),
            Operator::BrTable { targets } => {
                target(&mut stack, targets.default());
                for t in targets.targets() {
                    target(&mut stack, t?);
                }
            }
            Operator::LocalGet { local_index } => {
                if let Some(t) = touches.get_mut(local_index as usize) {
                    t.push((pos, false));
                }
            }
            Operator::LocalSet { local_index } | Operator::LocalTee { local_index } => {
                if let Some(t) = touches.get_mut(local_index as usize) {
                    t.push((pos, true));
                }
                if let Some(top) = stack.last_mut() {
                    if top.ordinal.is_some() {
                        top.assigned.push(local_index);
                    }
                }
            }
            _ => {}
        }
    }
    Ok(result)
}

/// A local whose first access after `start` is a write before `stretch_end`
/// is dead at `start`.
fn dead_at(touches: &[(u32, bool)], start: u32, stretch_end: u32) -> bool {
    let i = touches.partition_point(|&(p, _)| p <= start);
    matches!(touches.get(i), Some(&(p, true)) if p < stretch_end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_wat(body: &str, locals: usize) -> Vec<FrameLocals> {
        let wat = format!(
            "(module (func (param i32) (local {}) {body}))",
            std::iter::repeat("i32").take(locals - 1).collect::<Vec<_>>().join(" ")
        );
        let wasm = wat::parse_str(&wat).unwrap();
        for payload in wasmparser::Parser::new(0).parse_all(&wasm) {
            if let wasmparser::Payload::CodeSectionEntry(body) = payload.unwrap() {
                return scan(&body, locals).unwrap();
            }
        }
        panic!("no body");
    }

    #[test]
    fn blocks_carry_only_assigned_locals_and_only_when_targeted() {
        let r = scan_wat(
            "block local.get 0 br_if 0 i32.const 1 local.set 2 end \
             block i32.const 1 local.set 1 end",
            4,
        );
        assert_eq!(r[0], FrameLocals { end: vec![2], header: vec![] });
        // No branch targets the second block: its end merges nothing.
        assert_eq!(r[1], FrameLocals { end: vec![], header: vec![] });
    }

    #[test]
    fn if_carries_locals_assigned_in_either_arm() {
        let r = scan_wat("local.get 0 if i32.const 1 local.set 1 else i32.const 2 local.set 3 end", 4);
        assert_eq!(r[0].end, vec![1, 3]);
    }

    #[test]
    fn loop_header_skips_locals_reset_before_any_read_or_branch() {
        // Outer loop: local 1 counts it down, local 2 is reset before the
        // inner loop (dead at the outer header), local 3 accumulates.
        let r = scan_wat(
            "loop \
               i32.const 2 local.set 2 \
               loop local.get 3 i32.const 1 i32.add local.set 3 \
                    local.get 2 i32.const 1 i32.sub local.tee 2 br_if 0 end \
               local.get 1 i32.const 1 i32.sub local.tee 1 br_if 0 end",
            4,
        );
        assert_eq!(r[0].header, vec![1, 3]);
        assert_eq!(r[1].header, vec![2, 3]);
        assert!(r[0].end.is_empty() && r[1].end.is_empty());
    }

    #[test]
    fn a_write_after_a_branch_does_not_make_a_local_dead() {
        let r = scan_wat(
            "loop local.get 0 br_if 1 i32.const 5 local.set 1 local.get 1 local.set 0 br 0 end",
            2,
        );
        assert_eq!(r[0].header, vec![0, 1]);
    }

    #[test]
    fn read_before_write_keeps_the_header_parameter() {
        let r = scan_wat("loop local.get 1 i32.const 1 i32.add local.set 1 end", 2);
        assert_eq!(r[0].header, vec![1]);
    }
}
