//! Lowering: one wasm function body → one SSA IR [`Function`].
//!
//! Takes: a validated function body and the module's [`ModuleInfo`].
//! Returns: the IR function (verified shape: SSA with block parameters), or
//! [`FrontendError::Unsupported`] naming the function and the operator.
//!
//! Scheme: a value stack of IR [`Value`]s and a current value per wasm local.
//! Every control frame's end block (and every loop header) takes one block
//! parameter per result (per parameter, for loop headers) followed by one per
//! local the frame carries ([`scope`]: the locals assigned inside the frame,
//! for loop headers less those dead there; none at a loop's end); branches
//! pass the stack values and the current values of those locals. [`cleanup`]
//! then removes unreachable blocks and the redundant parameters (those whose
//! incoming values are all the same), so the final IR has block parameters
//! only where values really merge.
//!
//! Operator families live in their own files: [`control`] (blocks, branches,
//! calls' control), [`int`] (i32/i64 arithmetic), [`float`] (f32/f64 arithmetic and conversions), [`locals`] (locals and
//! globals), [`memory`] (loads, stores, bulk memory), [`call`] (direct and
//! indirect calls), [`table`] (reference types and tables).

pub mod call;
pub mod cleanup;
pub mod control;
pub mod float;
pub mod int;
pub mod locals;
pub mod memory;
pub mod names;
pub(crate) mod scope;
pub mod table;

#[cfg(test)]
mod tests;

use crate::decode::{invalid, ir_type};
use crate::{FrontendError, FrontendOptions, ModuleInfo};
use synth_ir::{Block, Function, FunctionBuilder, InstKind, Signature, Type, Value};
use wasmparser::{FunctionBody, Operator};

/// What a control frame is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FrameKind {
    /// The function body.
    Func,
    /// `block`.
    Block,
    /// `loop` (branches go to the header).
    Loop,
    /// `if` before its `else`.
    If,
    /// The `else` arm.
    Else,
}

/// The state saved at an `if` for its else arm.
#[derive(Clone, Debug)]
pub(crate) struct ElseArm {
    /// The block the false edge goes to.
    pub block: Block,
    /// Values at the `if` of the locals the frame carries
    /// ([`Frame::carried`], in that order).
    pub locals: Vec<Value>,
    /// The block's parameter values at the `if`.
    pub params: Vec<Value>,
}

/// A wasm control frame.
#[derive(Clone, Debug)]
pub(crate) struct Frame {
    pub kind: FrameKind,
    /// Block type parameters.
    pub params: Vec<Type>,
    /// Block type results.
    pub results: Vec<Type>,
    /// Operand stack height below the frame's parameters.
    pub height: usize,
    /// Where control continues after `end` (params: results, then locals;
    /// for the function frame: results only).
    pub end: Block,
    /// Loop header (params: block params, then locals).
    pub header: Option<Block>,
    /// Some branch or fallthrough reaches `end`.
    pub end_reached: bool,
    /// For `if` frames: the pending else arm.
    pub else_arm: Option<ElseArm>,
    /// Locals passed to `end` after the results (sorted indices).
    pub carried: Vec<u32>,
    /// Loops: locals passed to the header after the parameters.
    pub header_carried: Vec<u32>,
}

/// Lowering state of one function.
pub(crate) struct Lowerer<'m> {
    pub info: &'m ModuleInfo,
    pub opts: &'m FrontendOptions,
    /// Canonical signature id per type index.
    pub type_sig_ids: &'m [u32],
    /// Wasm function index being lowered.
    pub func_index: u32,
    pub b: FunctionBuilder,
    pub stack: Vec<Value>,
    pub locals: Vec<Value>,
    pub local_types: Vec<Type>,
    pub frames: Vec<Frame>,
    /// False after an unconditional control transfer, until the next
    /// reachable point.
    pub reachable: bool,
    /// Frames opened while unreachable (skipped entirely).
    pub dead_depth: u32,
    /// Byte offset of the operator being lowered.
    pub offset: usize,
    /// The locals each frame carries, by `block`/`loop`/`if` ordinal
    /// ([`scope::scan`]); taken by the frame when it opens.
    pub scopes: Vec<scope::FrameLocals>,
    /// Ordinal of the next `block`/`loop`/`if` operator.
    pub next_scope: usize,
}

/// Result type of the lowering steps.
pub(crate) type LResult<T = ()> = Result<T, FrontendError>;

impl<'m> Lowerer<'m> {
    /// An [`FrontendError::Unsupported`] for `what` at the current operator.
    pub fn unsupported(&self, what: impl Into<String>) -> FrontendError {
        FrontendError::Unsupported {
            func: Some((self.func_index, self.info.func_display_name(self.func_index))),
            what: what.into(),
            offset: self.offset,
        }
    }

    /// Pops one value (validation guarantees it exists; a malformed state
    /// is reported, never a panic).
    pub fn pop(&mut self) -> LResult<Value> {
        self.stack.pop().ok_or_else(|| self.internal("operand stack underflow"))
    }

    /// Pops `n` values, in push order.
    pub fn pop_n(&mut self, n: usize) -> LResult<Vec<Value>> {
        if self.stack.len() < n {
            return Err(self.internal("operand stack underflow"));
        }
        Ok(self.stack.split_off(self.stack.len() - n))
    }

    /// The top `n` values, in push order, without popping.
    pub fn peek_n(&self, n: usize) -> LResult<Vec<Value>> {
        if self.stack.len() < n {
            return Err(self.internal("operand stack underflow"));
        }
        Ok(self.stack[self.stack.len() - n..].to_vec())
    }

    /// Pushes a value.
    pub fn push(&mut self, v: Value) {
        self.stack.push(v);
    }

    /// An internal inconsistency (should be impossible after validation).
    pub fn internal(&self, what: &str) -> FrontendError {
        self.unsupported(format!("internal lowering error: {what}"))
    }

    /// The IR signature of type index `ti`.
    pub fn type_sig(&self, ti: u32) -> LResult<Signature> {
        self.info.types.get(ti as usize).cloned().ok_or_else(|| self.internal("type index out of range"))
    }

    /// Canonical signature id of type index `ti`.
    pub fn type_sig_id(&self, ti: u32) -> LResult<u32> {
        self.type_sig_ids.get(ti as usize).copied().ok_or_else(|| self.internal("type index out of range"))
    }

    /// Declines `op` on a function type whose type word is module-local
    /// (10 or more values) when the module shares function references
    /// with others: another module could not tell that type apart.
    pub fn check_shareable_type(&self, op: &str, sig_id: u32) -> LResult {
        match &self.info.shared_refs {
            Some(how) if crate::decode::type_word_is_local(sig_id) => Err(self.unsupported(format!(
                "{op} of a function type with 10 or more values (a module-local type word) in a module that shares function references ({how})"
            ))),
            _ => Ok(()),
        }
    }

    /// An i32 constant.
    pub fn i32c(&mut self, v: i64) -> Value {
        self.b.iconst(Type::I32, v)
    }

    /// Lowers one operator.
    fn operator(&mut self, op: &Operator<'_>) -> LResult {
        if !self.reachable {
            return self.unreachable_operator(op);
        }
        if self.control(op)? || self.int(op)? || self.float(op)? || self.local_global(op)? || self.memory(op)? || self.call(op)? || self.table(op)? {
            return Ok(());
        }
        Err(self.unsupported(names::operator_name(op)))
    }
}

/// Lowers the body of defined function `index` to IR.
pub fn lower_function(
    info: &ModuleInfo,
    opts: &FrontendOptions,
    type_sig_ids: &[u32],
    index: u32,
    body: &FunctionBody<'_>,
) -> Result<Function, FrontendError> {
    let finfo = info.funcs.get(index as usize).ok_or_else(|| FrontendError::Unsupported {
        func: None,
        what: format!("internal lowering error: function {index} unknown"),
        offset: body.range().start as usize,
    })?;
    let sig = finfo.sig.clone();
    let name = info.func_display_name(index);
    let mut l = Lowerer {
        info,
        opts,
        type_sig_ids,
        func_index: index,
        b: FunctionBuilder::new(name, sig.clone()),
        stack: Vec::new(),
        locals: Vec::new(),
        local_types: sig.params.clone(),
        frames: Vec::new(),
        reachable: true,
        dead_depth: 0,
        offset: body.range().start as usize,
        scopes: Vec::new(),
        next_scope: 0,
    };
    if opts.stack_check {
        l.b.inst0(InstKind::StackCheck);
    }
    l.locals = l.b.block_params(Function::ENTRY).to_vec();
    let mut locals_reader = body.get_locals_reader().map_err(invalid)?;
    for _ in 0..locals_reader.get_count() {
        l.offset = locals_reader.original_position() as usize;
        let (count, ty) = locals_reader.read().map_err(invalid)?;
        let ty = ir_type(ty).map_err(|w| l.unsupported(format!("{w} local")))?;
        if count > 0 {
            let zero = l.b.zero(ty);
            for _ in 0..count {
                l.local_types.push(ty);
                l.locals.push(zero);
            }
        }
    }
    l.scopes = scope::scan(body, l.locals.len()).map_err(invalid)?;
    let end = l.b.create_block();
    for ty in &sig.results {
        l.b.append_block_param(end, *ty);
    }
    l.frames.push(Frame {
        kind: FrameKind::Func,
        params: Vec::new(),
        results: sig.results.clone(),
        height: 0,
        end,
        header: None,
        end_reached: false,
        else_arm: None,
        carried: Vec::new(),
        header_carried: Vec::new(),
    });
    let mut ops = body.get_operators_reader().map_err(invalid)?;
    while !ops.eof() {
        let (op, offset) = ops.read_with_offset().map_err(invalid)?;
        l.offset = offset as usize;
        l.b.set_loc(synth_ir::SrcLoc::at(offset as u32));
        l.operator(&op)?;
    }
    if !l.frames.is_empty() {
        return Err(l.internal("function body ends inside a block"));
    }
    let mut f = l.b.finish();
    cleanup::cleanup(&mut f);
    Ok(f)
}
