//! [`FunctionBuilder`]: appends blocks, values and instructions to a
//! [`Function`]. It does no SSA construction of its own; the wasm lowering
//! keeps its operand stack and locals and passes block arguments explicitly.

use crate::*;

/// Builds a [`Function`] block by block.
pub struct FunctionBuilder {
    func: Function,
    current: Option<Block>,
    loc: SrcLoc,
}

impl FunctionBuilder {
    /// Starts a function; creates the entry block with one parameter per
    /// signature parameter and makes it current.
    pub fn new(name: impl Into<String>, sig: Signature) -> Self {
        let mut b = FunctionBuilder {
            func: Function { name: name.into(), sig: sig.clone(), blocks: Vec::new(), value_types: Vec::new() },
            current: None,
            loc: SrcLoc::NONE,
        };
        let entry = b.create_block();
        for ty in &sig.params {
            b.append_block_param(entry, *ty);
        }
        b.switch_to_block(entry);
        b
    }

    /// Creates an empty block (terminator `Trap(Unreachable)` until set).
    pub fn create_block(&mut self) -> Block {
        let b = Block(self.func.blocks.len() as u32);
        self.func.blocks.push(BlockData {
            params: Vec::new(),
            insts: Vec::new(),
            term: Terminator::Trap(TrapCode::Unreachable),
            term_loc: SrcLoc::NONE,
        });
        b
    }

    /// Adds a parameter of type `ty` to `block` and returns it.
    pub fn append_block_param(&mut self, block: Block, ty: Type) -> Value {
        let v = self.new_value(ty);
        self.func.blocks[block.0 as usize].params.push(v);
        v
    }

    /// Parameters of `block`.
    pub fn block_params(&self, block: Block) -> &[Value] {
        &self.func.blocks[block.0 as usize].params
    }

    /// Sets the source location given to the instructions and terminators
    /// appended from now on.
    pub fn set_loc(&mut self, loc: SrcLoc) {
        self.loc = loc;
    }

    /// Makes `block` the insertion point.
    pub fn switch_to_block(&mut self, block: Block) {
        self.current = Some(block);
    }

    /// The current insertion block.
    pub fn current_block(&self) -> Block {
        self.current.expect("no current block")
    }

    /// A fresh value of type `ty` with no definition yet.
    pub fn new_value(&mut self, ty: Type) -> Value {
        let v = Value(self.func.value_types.len() as u32);
        self.func.value_types.push(ty);
        v
    }

    /// Type of `v`.
    pub fn value_type(&self, v: Value) -> Type {
        self.func.value_type(v)
    }

    /// Appends an instruction with results of the given types to the current
    /// block and returns the results.
    pub fn inst(&mut self, kind: InstKind, result_types: &[Type]) -> Vec<Value> {
        let results: Vec<Value> = result_types.iter().map(|t| self.new_value(*t)).collect();
        let b = self.current_block();
        self.func.blocks[b.0 as usize].insts.push(Inst { results: results.clone(), kind, loc: self.loc });
        results
    }

    /// Appends a one-result instruction and returns its result.
    pub fn inst1(&mut self, kind: InstKind, ty: Type) -> Value {
        self.inst(kind, &[ty])[0]
    }

    /// Appends a no-result instruction.
    pub fn inst0(&mut self, kind: InstKind) {
        self.inst(kind, &[]);
    }

    /// An integer constant.
    pub fn iconst(&mut self, ty: Type, imm: i64) -> Value {
        self.inst1(InstKind::Iconst { ty, imm }, ty)
    }

    /// A float constant of type `ty` with IEEE bit pattern `bits`.
    pub fn fconst(&mut self, ty: Type, bits: u64) -> Value {
        self.inst1(InstKind::Fconst { ty, bits }, ty)
    }

    /// The zero of `ty` (`+0.0` for floats).
    pub fn zero(&mut self, ty: Type) -> Value {
        if ty.is_float() {
            self.fconst(ty, 0)
        } else {
            self.iconst(ty, 0)
        }
    }

    /// A binary operation; the result has `lhs`'s type.
    pub fn binary(&mut self, op: BinaryOp, lhs: Value, rhs: Value) -> Value {
        let ty = self.value_type(lhs);
        self.inst1(InstKind::Binary { op, ty, lhs, rhs }, ty)
    }

    /// A comparison producing an i32 0/1.
    pub fn compare(&mut self, cc: IntCC, lhs: Value, rhs: Value) -> Value {
        let ty = self.value_type(lhs);
        self.inst1(InstKind::Compare { cc, ty, lhs, rhs }, Type::I32)
    }

    /// The address of a symbol.
    pub fn symbol_addr(&mut self, sym: SymbolRef, addend: i32) -> Value {
        self.inst1(InstKind::SymbolAddr { sym, addend }, Type::I32)
    }

    /// A load of type `ty`.
    pub fn load(&mut self, ty: Type, kind: LoadKind, addr: Value, offset: u32) -> Value {
        self.inst1(InstKind::Load { ty, kind, addr, offset }, ty)
    }

    /// A store.
    pub fn store(&mut self, kind: StoreKind, addr: Value, value: Value, offset: u32) {
        self.inst0(InstKind::Store { kind, addr, value, offset })
    }

    /// Trap with `code` when `cond != 0`.
    pub fn trap_if(&mut self, cond: Value, code: TrapCode) {
        self.inst0(InstKind::TrapIf { cond, code })
    }

    /// Sets the terminator of the current block.
    pub fn terminate(&mut self, term: Terminator) {
        let b = self.current_block();
        self.func.blocks[b.0 as usize].term = term;
        self.func.blocks[b.0 as usize].term_loc = self.loc;
    }

    /// `Jump` to `block` with `args`.
    pub fn jump(&mut self, block: Block, args: Vec<Value>) {
        self.terminate(Terminator::Jump(BlockCall { block, args }))
    }

    /// Conditional branch.
    pub fn branch(&mut self, cond: Value, then_dest: BlockCall, else_dest: BlockCall) {
        self.terminate(Terminator::Branch { cond, then_dest, else_dest })
    }

    /// Read access to the function being built.
    pub fn func(&self) -> &Function {
        &self.func
    }

    /// Finishes and returns the function.
    pub fn finish(self) -> Function {
        self.func
    }
}
