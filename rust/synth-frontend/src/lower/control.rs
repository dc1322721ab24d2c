//! Control operators: `block`, `loop`, `if`/`else`, `end`, `br`, `br_if`,
//! `br_table`, `return`, `unreachable`, `nop`, `drop`, `select`.
//!
//! Reachability: after an unconditional transfer the lowering stops emitting
//! code ([`Lowerer::reachable`] false) and only tracks nesting until the end
//! (or `else`) of the current frame; frames opened in dead code are counted
//! in [`Lowerer::dead_depth`] and skipped whole.

use super::scope::FrameLocals;
use super::{ElseArm, Frame, FrameKind, LResult, Lowerer};
use crate::decode::ir_type;
use synth_ir::{BlockCall, InstKind, Terminator, TrapCode, Type, Value};
use wasmparser::{BlockType, Operator};

impl Lowerer<'_> {
    /// Parameter and result types of a block type.
    fn block_type(&self, bt: BlockType) -> LResult<(Vec<Type>, Vec<Type>)> {
        match bt {
            BlockType::Empty => Ok((vec![], vec![])),
            BlockType::Type(t) => Ok((vec![], vec![ir_type(t).map_err(|w| self.unsupported(format!("{w} block result")))?])),
            // Types without an IR form were rejected by `check_module`.
            BlockType::FuncType(ti) => {
                let s = self.type_sig(ti)?;
                Ok((s.params, s.results))
            }
        }
    }

    /// Creates a merge block with parameters `results ++ carried locals`.
    fn end_block(&mut self, results: &[Type], carried: &[u32]) -> synth_ir::Block {
        let blk = self.b.create_block();
        for t in results {
            self.b.append_block_param(blk, *t);
        }
        for &x in carried {
            let t = self.local_types[x as usize];
            self.b.append_block_param(blk, t);
        }
        blk
    }

    /// The current values of the locals `carried`.
    fn carried_values(&self, carried: &[u32]) -> Vec<Value> {
        carried.iter().map(|&x| self.locals[x as usize]).collect()
    }

    /// Sets the locals `carried` to `values` (in that order).
    fn set_carried(&mut self, carried: &[u32], values: &[Value]) {
        for (&x, &v) in carried.iter().zip(values) {
            self.locals[x as usize] = v;
        }
    }

    /// The locals the next `block`/`loop`/`if` carries.
    fn take_scope(&mut self) -> LResult<FrameLocals> {
        let s = self.scopes.get_mut(self.next_scope).map(std::mem::take);
        self.next_scope += 1;
        s.ok_or_else(|| self.internal("frame without a scope"))
    }

    /// Marks the rest of the current frame unreachable.
    pub(crate) fn set_unreachable(&mut self) {
        self.reachable = false;
        if let Some(f) = self.frames.last() {
            let h = f.height;
            self.stack.truncate(h);
        }
    }

    /// The block call for a branch to the frame `depth` levels out, taking
    /// the branch values from the top of the stack (not popped).
    pub(crate) fn branch_call(&mut self, depth: u32) -> LResult<BlockCall> {
        let n = self.frames.len();
        let idx = n.checked_sub(1 + depth as usize).ok_or_else(|| self.internal("branch depth out of range"))?;
        if self.frames[idx].kind != FrameKind::Loop {
            self.frames[idx].end_reached = true;
        }
        let frame = &self.frames[idx];
        let (block, arity, carried): (_, _, &[u32]) = match (frame.kind, frame.header) {
            (FrameKind::Loop, Some(h)) => (h, frame.params.len(), &frame.header_carried),
            (FrameKind::Func, _) => (frame.end, frame.results.len(), &[]),
            _ => (frame.end, frame.results.len(), &frame.carried),
        };
        let mut args = self.peek_n(arity)?;
        args.extend(carried.iter().map(|&x| self.locals[x as usize]));
        Ok(BlockCall { block, args })
    }

    /// Pushes a frame for `block`, `loop` or `if` whose parameters are on the stack.
    fn push_frame(&mut self, kind: FrameKind, params: Vec<Type>, results: Vec<Type>) -> LResult<()> {
        let height = self.stack.len().checked_sub(params.len()).ok_or_else(|| self.internal("operand stack underflow"))?;
        let scope = self.take_scope()?;
        let end = self.end_block(&results, &scope.end);
        self.frames.push(Frame {
            kind,
            params,
            results,
            height,
            end,
            header: None,
            end_reached: false,
            else_arm: None,
            carried: scope.end,
            header_carried: scope.header,
        });
        Ok(())
    }

    /// In unreachable code: only nesting matters.
    pub(crate) fn unreachable_operator(&mut self, op: &Operator<'_>) -> LResult {
        match op {
            Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. } => {
                self.dead_depth += 1;
                self.next_scope += 1;
                Ok(())
            }
            Operator::Else if self.dead_depth == 0 => self.op_else(),
            Operator::End if self.dead_depth == 0 => self.op_end(),
            Operator::End => {
                self.dead_depth -= 1;
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn op_else(&mut self) -> LResult {
        let reachable = self.reachable;
        let Some(frame) = self.frames.last_mut() else { return Err(self.internal("else outside if")) };
        let arm = frame.else_arm.take();
        frame.kind = FrameKind::Else;
        let (end, nres, height) = (frame.end, frame.results.len(), frame.height);
        let carried = std::mem::take(&mut frame.carried);
        if reachable {
            let mut args = self.peek_n(nres)?;
            args.extend(self.carried_values(&carried));
            self.b.jump(end, args);
            if let Some(f) = self.frames.last_mut() {
                f.end_reached = true;
            }
        }
        match arm {
            Some(arm) => {
                self.b.switch_to_block(arm.block);
                self.stack.truncate(height);
                self.stack.extend(arm.params);
                self.set_carried(&carried, &arm.locals);
                self.reachable = true;
            }
            None => {
                // The `if` itself was unreachable: cannot happen (dead ifs
                // are counted in dead_depth), keep the else arm dead.
                self.set_unreachable();
            }
        }
        if let Some(frame) = self.frames.last_mut() {
            frame.carried = carried;
        }
        Ok(())
    }

    fn op_end(&mut self) -> LResult {
        let mut frame = self.frames.pop().ok_or_else(|| self.internal("end outside a block"))?;
        if frame.kind == FrameKind::Func {
            if self.reachable {
                let vals = self.peek_n(frame.results.len())?;
                self.b.terminate(Terminator::Return(vals));
            }
            if frame.end_reached {
                self.b.switch_to_block(frame.end);
                let vals = self.b.block_params(frame.end).to_vec();
                self.b.terminate(Terminator::Return(vals));
            }
            self.reachable = false;
            self.stack.clear();
            return Ok(());
        }
        if self.reachable {
            let mut args = self.peek_n(frame.results.len())?;
            args.extend(self.carried_values(&frame.carried));
            self.b.jump(frame.end, args);
            frame.end_reached = true;
        }
        if let Some(arm) = frame.else_arm.take() {
            // `if` without `else`: the false edge passes the parameters through.
            self.b.switch_to_block(arm.block);
            let mut args = arm.params;
            args.extend(arm.locals);
            self.b.jump(frame.end, args);
            frame.end_reached = true;
        }
        self.stack.truncate(frame.height);
        if frame.end_reached {
            self.b.switch_to_block(frame.end);
            let params = self.b.block_params(frame.end).to_vec();
            let n = frame.results.len();
            self.stack.extend_from_slice(&params[..n]);
            self.set_carried(&frame.carried, &params[n..]);
            self.reachable = true;
        } else {
            self.reachable = false;
        }
        Ok(())
    }

    /// Lowers a control operator; false if `op` is not one.
    pub(crate) fn control(&mut self, op: &Operator<'_>) -> LResult<bool> {
        match op {
            Operator::Nop => {}
            Operator::Unreachable => {
                self.b.terminate(Terminator::Trap(TrapCode::Unreachable));
                self.set_unreachable();
            }
            Operator::Drop => {
                self.pop()?;
            }
            Operator::Select | Operator::TypedSelect { .. } => {
                let cond = self.pop()?;
                let if_false = self.pop()?;
                let if_true = self.pop()?;
                let ty = self.b.value_type(if_true);
                let v = self.b.inst1(InstKind::Select { ty, cond, if_true, if_false }, ty);
                self.push(v);
            }
            Operator::Block { blockty } => {
                let (p, r) = self.block_type(*blockty)?;
                self.push_frame(FrameKind::Block, p, r)?;
            }
            Operator::Loop { blockty } => {
                let (p, r) = self.block_type(*blockty)?;
                let np = p.len();
                self.push_frame(FrameKind::Loop, p.clone(), r)?;
                let carried = self.frames.last_mut().map(|f| std::mem::take(&mut f.header_carried)).unwrap_or_default();
                let header = self.end_block(&p, &carried);
                let mut args = self.pop_n(np)?;
                args.extend(self.carried_values(&carried));
                self.b.jump(header, args);
                self.b.switch_to_block(header);
                let params = self.b.block_params(header).to_vec();
                self.stack.extend_from_slice(&params[..np]);
                self.set_carried(&carried, &params[np..]);
                if let Some(f) = self.frames.last_mut() {
                    f.header = Some(header);
                    f.header_carried = carried;
                }
            }
            Operator::If { blockty } => {
                let (p, r) = self.block_type(*blockty)?;
                let cond = self.pop()?;
                let params = self.peek_n(p.len())?;
                self.push_frame(FrameKind::If, p, r)?;
                let then_block = self.b.create_block();
                let else_block = self.b.create_block();
                self.b.branch(
                    cond,
                    BlockCall { block: then_block, args: vec![] },
                    BlockCall { block: else_block, args: vec![] },
                );
                let carried = self.frames.last().map(|f| self.carried_values(&f.carried)).unwrap_or_default();
                if let Some(f) = self.frames.last_mut() {
                    f.else_arm = Some(ElseArm { block: else_block, locals: carried, params });
                }
                self.b.switch_to_block(then_block);
            }
            Operator::Else => self.op_else()?,
            Operator::End => self.op_end()?,
            Operator::Br { relative_depth } => {
                let call = self.branch_call(*relative_depth)?;
                self.b.terminate(Terminator::Jump(call));
                self.set_unreachable();
            }
            Operator::BrIf { relative_depth } => {
                let cond = self.pop()?;
                let call = self.branch_call(*relative_depth)?;
                let cont = self.b.create_block();
                self.b.branch(cond, call, BlockCall { block: cont, args: vec![] });
                self.b.switch_to_block(cont);
            }
            Operator::BrTable { targets } => {
                let index = self.pop()?;
                let mut calls = Vec::with_capacity(targets.len() as usize);
                for t in targets.targets() {
                    let depth = t.map_err(crate::decode::invalid)?;
                    calls.push(self.branch_call(depth)?);
                }
                let default = self.branch_call(targets.default())?;
                self.b.terminate(Terminator::BrTable { index, targets: calls, default });
                self.set_unreachable();
            }
            Operator::Return => {
                let n = self.frames.first().map_or(0, |f| f.results.len());
                let vals = self.peek_n(n)?;
                self.b.terminate(Terminator::Return(vals));
                self.set_unreachable();
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}
