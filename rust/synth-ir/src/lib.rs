//! The virtual-register IR of synth.
//!
//! Takes: nothing (it is a data structure). Produced by `synth-frontend` (one
//! [`Function`] per wasm function, plus generated runtime and init functions),
//! consumed by IR passes and by instruction selection in `synth-thumb2`.
//!
//! Shape: SSA with block parameters, in the manner of Cranelift. Every
//! [`Value`] is defined exactly once, either as a block parameter or by one
//! instruction. Values are typed [`Type::I32`] or [`Type::I64`]; splitting i64
//! into register pairs is the instruction selector's job.
//!
//! Everything the wasm semantics needs is explicit in the IR: division traps,
//! memory bounds checks and the `call_indirect` checks are ordinary
//! instructions ([`InstKind::TrapIf`], [`InstKind::BoundsCheck`]) placed by the
//! lowering, so later stages never need to know about wasm.

#![warn(missing_docs)]

pub mod builder;
pub mod float;
pub mod interp;
pub mod print;
pub mod verify;

pub use builder::FunctionBuilder;
pub use float::{FloatBinaryOp, FloatCC, FloatConvertOp, FloatUnaryOp, Libcall};

/// A value type: wasm's numeric types (references are i32 handles).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Type {
    /// 32-bit integer.
    I32,
    /// 64-bit integer (a register pair after instruction selection).
    I64,
    /// IEEE 754 binary32.
    F32,
    /// IEEE 754 binary64.
    F64,
}

impl Type {
    /// Size in bytes.
    pub fn bytes(self) -> u32 {
        match self {
            Type::I32 | Type::F32 => 4,
            Type::I64 | Type::F64 => 8,
        }
    }

    /// True for `F32` and `F64`.
    pub fn is_float(self) -> bool {
        matches!(self, Type::F32 | Type::F64)
    }

    /// The integer type of the same width (`F32` → `I32`, `F64` → `I64`;
    /// integers map to themselves): the type of a float's bit pattern.
    pub fn bits_type(self) -> Type {
        match self {
            Type::I32 | Type::F32 => Type::I32,
            Type::I64 | Type::F64 => Type::I64,
        }
    }
}

/// An SSA value: a block parameter or an instruction result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Value(pub u32);

/// A basic block of a [`Function`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Block(pub u32);

/// Why generated code traps. The numeric value is the code passed in `r0` to
/// the trap symbol, and is part of the documented ABI: do not renumber.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u32)]
pub enum TrapCode {
    /// `unreachable` executed.
    Unreachable = 1,
    /// Linear memory access out of bounds.
    MemoryOutOfBounds = 2,
    /// Integer division or remainder by zero.
    IntegerDivideByZero = 3,
    /// Signed division overflow (`INT_MIN / -1`).
    IntegerOverflow = 4,
    /// `call_indirect` index outside the table.
    TableOutOfBounds = 5,
    /// `call_indirect` through a null table element.
    IndirectCallToNull = 6,
    /// `call_indirect` signature mismatch.
    BadSignature = 7,
    /// Stack exhausted (stack-limit check).
    StackOverflow = 8,
    /// Float-to-int conversion of NaN (reserved for floats).
    BadConversionToInteger = 9,
    /// `table.get/set/fill/copy/init` (or an element segment at
    /// instantiation) outside the table.
    TableAccessOutOfBounds = 10,
}

impl TrapCode {
    /// All trap codes, in numeric order.
    pub const ALL: [TrapCode; 10] = [
        TrapCode::Unreachable,
        TrapCode::MemoryOutOfBounds,
        TrapCode::IntegerDivideByZero,
        TrapCode::IntegerOverflow,
        TrapCode::TableOutOfBounds,
        TrapCode::IndirectCallToNull,
        TrapCode::BadSignature,
        TrapCode::StackOverflow,
        TrapCode::BadConversionToInteger,
        TrapCode::TableAccessOutOfBounds,
    ];

    /// The code as passed to the trap symbol.
    pub fn code(self) -> u32 {
        self as u32
    }

    /// The spec testsuite's message for this trap.
    pub fn message(self) -> &'static str {
        match self {
            TrapCode::Unreachable => "unreachable",
            TrapCode::MemoryOutOfBounds => "out of bounds memory access",
            TrapCode::IntegerDivideByZero => "integer divide by zero",
            TrapCode::IntegerOverflow => "integer overflow",
            TrapCode::TableOutOfBounds => "undefined element",
            TrapCode::IndirectCallToNull => "uninitialized element",
            TrapCode::BadSignature => "indirect call type mismatch",
            TrapCode::StackOverflow => "call stack exhausted",
            TrapCode::BadConversionToInteger => "invalid conversion to integer",
            TrapCode::TableAccessOutOfBounds => "out of bounds table access",
        }
    }
}

/// A link-time address the code refers to. The object writer turns each into
/// a named symbol; instruction selection materialises it with MOVW/MOVT and
/// relocations. Indices are wasm indices (functions count imports first).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SymbolRef {
    /// Base of linear memory 0.
    Memory,
    /// A 32-bit word holding the current size of linear memory in bytes.
    MemorySize,
    /// Storage of wasm global `i` (4 or 8 bytes, little-endian, 8-aligned).
    Global(u32),
    /// Table `i`: an array of 8-byte entries `{ type_id: u32, func: u32 }`;
    /// `type_id == 0` means null, otherwise it is the canonical signature id + 1.
    Table(u32),
    /// A 32-bit word holding the current element count of table `i`.
    TableSize(u32),
    /// Wasm function `i` (import or defined), as a code address (Thumb bit set).
    Func(u32),
    /// A generated runtime function (see [`RuntimeFunc`]).
    Runtime(RuntimeFunc),
    /// The bytes of data segment `i` in read-only data.
    DataSegment(u32),
    /// A 32-bit word: the byte length of data segment `i`, 0 once dropped.
    DataSegmentLen(u32),
    /// Element segment `i`: an array of 8-byte table entries in read-only data.
    ElemSegment(u32),
    /// A 32-bit word: the entry count of element segment `i`, 0 once dropped.
    ElemSegmentLen(u32),
    /// The init function's table of active data segments in read-only data
    /// (present when the init function copies them in a loop): per segment,
    /// four words `{memory offset, byte length, address of the bytes,
    /// address of the length word}`.
    DataInitTable,
    /// The lowest address the stack may grow to (stack-limit check).
    StackLimit,
    /// An AEABI run-time function (an undefined symbol, linked from libgcc
    /// or compiler-rt).
    Libcall(Libcall),
}

/// Functions the compiler generates into every object that needs them, built
/// as IR by `synth-frontend::runtime` and compiled like any other function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RuntimeFunc {
    /// `(i64, i64) -> i64` signed division; the caller has done the trap checks.
    I64DivS,
    /// `(i64, i64) -> i64` unsigned division; divisor is non-zero.
    I64DivU,
    /// `(i64, i64) -> i64` signed remainder; divisor is non-zero.
    I64RemS,
    /// `(i64, i64) -> i64` unsigned remainder; divisor is non-zero.
    I64RemU,
    /// `(dst: i32, src: i32, len: i32)`: byte copy inside linear memory,
    /// overlap-safe (memmove); bounds already checked by the caller.
    MemoryCopy,
    /// `(dst: i32, val: i32, len: i32)`: byte fill; bounds already checked.
    MemoryFill,
    /// `(delta_pages: i32) -> i32`: `memory.grow` semantics.
    MemoryGrow,
    // Float helpers on bit patterns (f32 as i32, f64 as i64) for targets
    // without an FPU; built by `synth-frontend::runtime::float`.
    /// `(f32 bits) -> f32 bits`: `f32.sqrt`, correctly rounded.
    F32Sqrt,
    /// `(f64 bits) -> f64 bits`: `f64.sqrt`, correctly rounded.
    F64Sqrt,
    /// `(f32 bits) -> f32 bits`: `f32.ceil`.
    F32Ceil,
    /// `(f32 bits) -> f32 bits`: `f32.floor`.
    F32Floor,
    /// `(f32 bits) -> f32 bits`: `f32.trunc`.
    F32Trunc,
    /// `(f32 bits) -> f32 bits`: `f32.nearest` (ties to even).
    F32Nearest,
    /// `(f64 bits) -> f64 bits`: `f64.ceil`.
    F64Ceil,
    /// `(f64 bits) -> f64 bits`: `f64.floor`.
    F64Floor,
    /// `(f64 bits) -> f64 bits`: `f64.trunc`.
    F64Trunc,
    /// `(f64 bits) -> f64 bits`: `f64.nearest` (ties to even).
    F64Nearest,
    /// `(f32 bits, f32 bits) -> f32 bits`: `f32.min`.
    F32Min,
    /// `(f32 bits, f32 bits) -> f32 bits`: `f32.max`.
    F32Max,
    /// `(f64 bits, f64 bits) -> f64 bits`: `f64.min`.
    F64Min,
    /// `(f64 bits, f64 bits) -> f64 bits`: `f64.max`.
    F64Max,
    /// `(f32 bits) -> i32`: `i32.trunc_sat_f32_s`.
    I32TruncSatF32S,
    /// `(f32 bits) -> i32`: `i32.trunc_sat_f32_u`.
    I32TruncSatF32U,
    /// `(f64 bits) -> i32`: `i32.trunc_sat_f64_s`.
    I32TruncSatF64S,
    /// `(f64 bits) -> i32`: `i32.trunc_sat_f64_u`.
    I32TruncSatF64U,
    /// `(f32 bits) -> i64`: `i64.trunc_sat_f32_s`.
    I64TruncSatF32S,
    /// `(f32 bits) -> i64`: `i64.trunc_sat_f32_u`.
    I64TruncSatF32U,
    /// `(f64 bits) -> i64`: `i64.trunc_sat_f64_s`.
    I64TruncSatF64S,
    /// `(f64 bits) -> i64`: `i64.trunc_sat_f64_u`.
    I64TruncSatF64U,
}

impl RuntimeFunc {
    /// Every runtime function, in declaration order.
    pub const ALL: [RuntimeFunc; 29] = [
    RuntimeFunc::I64DivS,
    RuntimeFunc::I64DivU,
    RuntimeFunc::I64RemS,
    RuntimeFunc::I64RemU,
    RuntimeFunc::MemoryCopy,
    RuntimeFunc::MemoryFill,
    RuntimeFunc::MemoryGrow,
    RuntimeFunc::F32Sqrt,
    RuntimeFunc::F64Sqrt,
    RuntimeFunc::F32Ceil,
    RuntimeFunc::F32Floor,
    RuntimeFunc::F32Trunc,
    RuntimeFunc::F32Nearest,
    RuntimeFunc::F64Ceil,
    RuntimeFunc::F64Floor,
    RuntimeFunc::F64Trunc,
    RuntimeFunc::F64Nearest,
    RuntimeFunc::F32Min,
    RuntimeFunc::F32Max,
    RuntimeFunc::F64Min,
    RuntimeFunc::F64Max,
    RuntimeFunc::I32TruncSatF32S,
    RuntimeFunc::I32TruncSatF32U,
    RuntimeFunc::I32TruncSatF64S,
    RuntimeFunc::I32TruncSatF64U,
    RuntimeFunc::I64TruncSatF32S,
    RuntimeFunc::I64TruncSatF32U,
    RuntimeFunc::I64TruncSatF64S,
    RuntimeFunc::I64TruncSatF64U,
    ];
}

/// Integer comparison conditions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IntCC {
    /// Equal.
    Eq,
    /// Not equal.
    Ne,
    /// Signed less than.
    LtS,
    /// Unsigned less than.
    LtU,
    /// Signed greater than.
    GtS,
    /// Unsigned greater than.
    GtU,
    /// Signed less or equal.
    LeS,
    /// Unsigned less or equal.
    LeU,
    /// Signed greater or equal.
    GeS,
    /// Unsigned greater or equal.
    GeU,
}

impl IntCC {
    /// The condition that holds exactly when `self` does not.
    pub fn inverse(self) -> IntCC {
        use IntCC::*;
        match self {
            Eq => Ne,
            Ne => Eq,
            LtS => GeS,
            LtU => GeU,
            GtS => LeS,
            GtU => LeU,
            LeS => GtS,
            LeU => GtU,
            GeS => LtS,
            GeU => LtU,
        }
    }

    /// The condition with operands swapped (`a < b` ⇔ `b > a`).
    pub fn swap_args(self) -> IntCC {
        use IntCC::*;
        match self {
            Eq => Eq,
            Ne => Ne,
            LtS => GtS,
            LtU => GtU,
            GtS => LtS,
            GtU => LtU,
            LeS => GeS,
            LeU => GeU,
            GeS => LeS,
            GeU => LeU,
        }
    }
}

/// Two-operand integer operators; both operands and the result have the
/// instruction's type. Shift and rotate counts are taken modulo the bit width
/// (the lowering does not mask them). Division and remainder here never trap:
/// the lowering places the [`InstKind::TrapIf`] checks before them, and the
/// instruction selector may assume the divisor is non-zero and that signed
/// division does not overflow (except `RemS` with `INT_MIN % -1`, which is 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    /// Wrapping addition.
    Add,
    /// Wrapping subtraction.
    Sub,
    /// Wrapping multiplication.
    Mul,
    /// Signed division, rounding toward zero.
    DivS,
    /// Unsigned division.
    DivU,
    /// Signed remainder (sign of the dividend); `INT_MIN % -1 == 0`.
    RemS,
    /// Unsigned remainder.
    RemU,
    /// Bitwise and.
    And,
    /// Bitwise or.
    Or,
    /// Bitwise exclusive or.
    Xor,
    /// Shift left by `rhs mod width`.
    Shl,
    /// Arithmetic shift right by `rhs mod width`.
    ShrS,
    /// Logical shift right by `rhs mod width`.
    ShrU,
    /// Rotate left by `rhs mod width`.
    Rotl,
    /// Rotate right by `rhs mod width`.
    Rotr,
}

/// One-operand integer operators; result type equals operand type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// Count leading zeros.
    Clz,
    /// Count trailing zeros.
    Ctz,
    /// Population count.
    Popcnt,
    /// Sign-extend the low 8 bits.
    Extend8S,
    /// Sign-extend the low 16 bits.
    Extend16S,
    /// Sign-extend the low 32 bits (i64 only).
    Extend32S,
}

/// Conversions between i32 and i64.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConvertOp {
    /// i64 -> i32, keep the low half.
    Wrap,
    /// i32 -> i64, sign-extend.
    ExtendS,
    /// i32 -> i64, zero-extend.
    ExtendU,
}

/// Width and extension of a memory load. The result type is the
/// instruction's `ty`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LoadKind {
    /// Full width of the result type (4 or 8 bytes).
    Full,
    /// 8 bits, sign-extended.
    S8,
    /// 8 bits, zero-extended.
    U8,
    /// 16 bits, sign-extended.
    S16,
    /// 16 bits, zero-extended.
    U16,
    /// 32 bits, sign-extended (i64 only).
    S32,
    /// 32 bits, zero-extended (i64 only).
    U32,
}

impl LoadKind {
    /// Bytes read from memory for a load of type `ty`.
    pub fn bytes(self, ty: Type) -> u32 {
        match self {
            LoadKind::Full => ty.bytes(),
            LoadKind::S8 | LoadKind::U8 => 1,
            LoadKind::S16 | LoadKind::U16 => 2,
            LoadKind::S32 | LoadKind::U32 => 4,
        }
    }
}

/// Width of a memory store: the low `bytes` bytes of the stored value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StoreKind {
    /// Full width of the value's type.
    Full,
    /// Low 8 bits.
    B8,
    /// Low 16 bits.
    B16,
    /// Low 32 bits (i64 only).
    B32,
}

impl StoreKind {
    /// Bytes written for a store of a value of type `ty`.
    pub fn bytes(self, ty: Type) -> u32 {
        match self {
            StoreKind::Full => ty.bytes(),
            StoreKind::B8 => 1,
            StoreKind::B16 => 2,
            StoreKind::B32 => 4,
        }
    }
}

/// What a call calls.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Callee {
    /// A wasm function (import or defined) by wasm function index.
    Func(u32),
    /// A generated runtime function.
    Runtime(RuntimeFunc),
    /// A code address held in a value (Thumb bit set), with the callee's
    /// signature.
    Indirect(Value),
    /// An AEABI run-time function (soft-float arithmetic), an external symbol.
    Libcall(Libcall),
}

/// Where an instruction came from: the byte offset, in the input wasm
/// module, of the operator whose lowering produced it (side data for the
/// line table of `-g`; it never changes the code). `SrcLoc::NONE` (offset 0,
/// where no operator can be) means unknown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SrcLoc(pub u32);

impl SrcLoc {
    /// No known source location.
    pub const NONE: SrcLoc = SrcLoc(0);

    /// The location of the operator at byte `offset` of the module.
    pub fn at(offset: u32) -> SrcLoc {
        SrcLoc(offset)
    }

    /// The module byte offset, or `None` when unknown.
    pub fn offset(self) -> Option<u32> {
        (self.0 != 0).then_some(self.0)
    }

    /// True when unknown.
    pub fn is_none(self) -> bool {
        self.0 == 0
    }
}

/// One IR instruction: zero or more results (`results`) and a kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inst {
    /// Values this instruction defines, in order.
    pub results: Vec<Value>,
    /// What it does.
    pub kind: InstKind,
    /// The wasm operator it was lowered from (passes that rewrite an
    /// instruction keep the location of the one it replaces).
    pub loc: SrcLoc,
}

/// The operation of an [`Inst`]. Operand values are named in the variant;
/// results are in [`Inst::results`] (the comment on each variant says how many).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InstKind {
    /// 1 result of type `ty`: a constant (`imm` truncated to the type).
    Iconst {
        /// Result type.
        ty: Type,
        /// The constant, sign- or zero-extended; only the low bits of `ty` count.
        imm: i64,
    },
    /// 1 result of float type `ty`: the constant with bit pattern `bits`
    /// (the low 32 bits for `F32`).
    Fconst {
        /// Result type (`F32` or `F64`).
        ty: Type,
        /// The IEEE bit pattern.
        bits: u64,
    },
    /// 1 result of float type `ty`.
    FloatUnary {
        /// Operator.
        op: FloatUnaryOp,
        /// Operand and result type.
        ty: Type,
        /// Operand.
        arg: Value,
    },
    /// 1 result of float type `ty`.
    FloatBinary {
        /// Operator.
        op: FloatBinaryOp,
        /// Operand and result type.
        ty: Type,
        /// Left operand.
        lhs: Value,
        /// Right operand.
        rhs: Value,
    },
    /// 1 result, i32 0 or 1.
    FloatCompare {
        /// Condition.
        cc: FloatCC,
        /// Operand type (`F32` or `F64`).
        ty: Type,
        /// Left operand.
        lhs: Value,
        /// Right operand.
        rhs: Value,
    },
    /// 1 result of type `to`: a conversion with a float on at least one side.
    /// Never traps (float-to-int saturates; the lowering places wasm's traps).
    FloatConvert {
        /// Which conversion.
        op: FloatConvertOp,
        /// Result type.
        to: Type,
        /// Operand.
        arg: Value,
    },
    /// 1 result: the link-time address of `sym` (plus `addend`), an i32.
    SymbolAddr {
        /// The symbol.
        sym: SymbolRef,
        /// Byte offset added to the symbol's address.
        addend: i32,
    },
    /// 1 result of type `ty`.
    Unary {
        /// Operator.
        op: UnaryOp,
        /// Operand and result type.
        ty: Type,
        /// Operand.
        arg: Value,
    },
    /// 1 result of type `ty`.
    Binary {
        /// Operator.
        op: BinaryOp,
        /// Operand and result type.
        ty: Type,
        /// Left operand.
        lhs: Value,
        /// Right operand (the shift count for shifts and rotates).
        rhs: Value,
    },
    /// 1 result, i32 0 or 1.
    Compare {
        /// Condition.
        cc: IntCC,
        /// Operand type.
        ty: Type,
        /// Left operand.
        lhs: Value,
        /// Right operand.
        rhs: Value,
    },
    /// 1 result: i32 1 if `arg` is zero, else 0.
    Eqz {
        /// Operand type.
        ty: Type,
        /// Operand.
        arg: Value,
    },
    /// 1 result: i32 <-> i64 conversion.
    Convert {
        /// Which conversion.
        op: ConvertOp,
        /// Operand.
        arg: Value,
    },
    /// 1 result of type `ty`: `cond != 0 ? if_true : if_false`.
    Select {
        /// Type of the operands and result.
        ty: Type,
        /// An i32 condition.
        cond: Value,
        /// Chosen when `cond != 0`.
        if_true: Value,
        /// Chosen when `cond == 0`.
        if_false: Value,
    },
    /// 1 result of type `ty`, read from the absolute address `addr + offset`
    /// (no bounds check: see [`InstKind::BoundsCheck`]). Little-endian; any
    /// alignment (ARMv7-M permits unaligned LDR/LDRH; LDRD/LDM are not used
    /// unless the address is known aligned).
    Load {
        /// Result type.
        ty: Type,
        /// Width and extension.
        kind: LoadKind,
        /// i32 base address.
        addr: Value,
        /// Constant byte offset.
        offset: u32,
    },
    /// 0 results: write the low bytes of `value` to `addr + offset`.
    Store {
        /// Width.
        kind: StoreKind,
        /// i32 base address.
        addr: Value,
        /// Value stored (its type decides `Full`).
        value: Value,
        /// Constant byte offset.
        offset: u32,
    },
    /// 0 results: trap with [`TrapCode::MemoryOutOfBounds`] unless
    /// `addr + end <= memory size` (as unbounded integers), where
    /// `addr` is an i32 wasm address and the memory size is the word at
    /// [`SymbolRef::MemorySize`]. `end` is the access's offset plus its width.
    BoundsCheck {
        /// i32 wasm address operand.
        addr: Value,
        /// Offset + access width, in bytes (up to 2^32 + 8).
        end: u64,
    },
    /// 0 results: trap with `code` when the i32 `cond` is non-zero.
    TrapIf {
        /// i32 condition.
        cond: Value,
        /// Trap reason.
        code: TrapCode,
    },
    /// Results: the callee's results. Arguments follow the callee's signature.
    Call {
        /// What is called.
        callee: Callee,
        /// The callee's signature (for indirect calls and imports alike).
        sig: Signature,
        /// Argument values.
        args: Vec<Value>,
    },
    /// 0 results: traps with [`TrapCode::StackOverflow`] when the stack
    /// pointer is below the word at [`SymbolRef::StackLimit`].
    StackCheck,
}

/// Block terminators.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Terminator {
    /// Unconditional jump, passing `args` to the target's parameters.
    Jump(BlockCall),
    /// `cond != 0` (i32) goes to `then_dest`, else to `else_dest`.
    Branch {
        /// i32 condition.
        cond: Value,
        /// Taken when non-zero.
        then_dest: BlockCall,
        /// Taken when zero.
        else_dest: BlockCall,
    },
    /// Jump table on the i32 `index`; out-of-range indices go to `default`.
    BrTable {
        /// i32 index.
        index: Value,
        /// Targets for 0, 1, ...
        targets: Vec<BlockCall>,
        /// Target for all other indices.
        default: BlockCall,
    },
    /// Return `values` (the function's results, in order).
    Return(Vec<Value>),
    /// Unconditional trap.
    Trap(TrapCode),
}

impl Terminator {
    /// Every block call of this terminator, in order (default last for tables).
    pub fn block_calls(&self) -> Vec<&BlockCall> {
        match self {
            Terminator::Jump(c) => vec![c],
            Terminator::Branch { then_dest, else_dest, .. } => vec![then_dest, else_dest],
            Terminator::BrTable { targets, default, .. } => {
                targets.iter().chain(std::iter::once(default)).collect()
            }
            Terminator::Return(_) | Terminator::Trap(_) => vec![],
        }
    }

    /// Mutable access to every block call (same order as [`Terminator::block_calls`]).
    pub fn block_calls_mut(&mut self) -> Vec<&mut BlockCall> {
        match self {
            Terminator::Jump(c) => vec![c],
            Terminator::Branch { then_dest, else_dest, .. } => vec![then_dest, else_dest],
            Terminator::BrTable { targets, default, .. } => {
                targets.iter_mut().chain(std::iter::once(default)).collect()
            }
            Terminator::Return(_) | Terminator::Trap(_) => vec![],
        }
    }
}

/// A jump to a block with arguments for its parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockCall {
    /// Target block.
    pub block: Block,
    /// One value per target block parameter.
    pub args: Vec<Value>,
}

/// A function signature.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct Signature {
    /// Parameter types.
    pub params: Vec<Type>,
    /// Result types (wasm multi-value: any number).
    pub results: Vec<Type>,
}

/// A basic block: parameters, straight-line instructions, one terminator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockData {
    /// Block parameters (SSA phis).
    pub params: Vec<Value>,
    /// Instructions in order.
    pub insts: Vec<Inst>,
    /// How the block ends.
    pub term: Terminator,
    /// The wasm operator the terminator was lowered from.
    pub term_loc: SrcLoc,
}

/// An IR function. Block 0 is the entry; its parameters are the function's
/// parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Function {
    /// A human-readable name for diagnostics and stats.
    pub name: String,
    /// The signature.
    pub sig: Signature,
    /// Blocks; `Block(i)` is `blocks[i]`. Block 0 is the entry.
    pub blocks: Vec<BlockData>,
    /// Type of each value; `Value(i)` has type `value_types[i]`.
    pub value_types: Vec<Type>,
}

impl Function {
    /// The entry block.
    pub const ENTRY: Block = Block(0);

    /// Type of `v`.
    pub fn value_type(&self, v: Value) -> Type {
        self.value_types[v.0 as usize]
    }

    /// Block data of `b`.
    pub fn block(&self, b: Block) -> &BlockData {
        &self.blocks[b.0 as usize]
    }

    /// Successor blocks of `b`, in terminator order (may repeat).
    pub fn successors(&self, b: Block) -> Vec<Block> {
        self.block(b).term.block_calls().iter().map(|c| c.block).collect()
    }

    /// Number of instructions over all blocks (terminators not counted).
    pub fn inst_count(&self) -> usize {
        self.blocks.iter().map(|b| b.insts.len()).sum()
    }
}

impl InstKind {
    /// The operand values this instruction reads, in a fixed order.
    pub fn operands(&self) -> Vec<Value> {
        match self {
            InstKind::Iconst { .. } | InstKind::Fconst { .. } | InstKind::SymbolAddr { .. } | InstKind::StackCheck => {
                vec![]
            }
            InstKind::Unary { arg, .. }
            | InstKind::Eqz { arg, .. }
            | InstKind::Convert { arg, .. }
            | InstKind::FloatUnary { arg, .. }
            | InstKind::FloatConvert { arg, .. } => vec![*arg],
            InstKind::Binary { lhs, rhs, .. }
            | InstKind::Compare { lhs, rhs, .. }
            | InstKind::FloatBinary { lhs, rhs, .. }
            | InstKind::FloatCompare { lhs, rhs, .. } => vec![*lhs, *rhs],
            InstKind::Select { cond, if_true, if_false, .. } => vec![*cond, *if_true, *if_false],
            InstKind::Load { addr, .. } => vec![*addr],
            InstKind::Store { addr, value, .. } => vec![*addr, *value],
            InstKind::BoundsCheck { addr, .. } => vec![*addr],
            InstKind::TrapIf { cond, .. } => vec![*cond],
            InstKind::Call { callee, args, .. } => {
                let mut v = Vec::with_capacity(args.len() + 1);
                if let Callee::Indirect(p) = callee {
                    v.push(*p);
                }
                v.extend_from_slice(args);
                v
            }
        }
    }

    /// Mutable references to the operand values, in [`InstKind::operands`]
    /// order (for substitution passes).
    pub fn operands_mut(&mut self) -> Vec<&mut Value> {
        match self {
            InstKind::Iconst { .. } | InstKind::Fconst { .. } | InstKind::SymbolAddr { .. } | InstKind::StackCheck => {
                vec![]
            }
            InstKind::Unary { arg, .. }
            | InstKind::Eqz { arg, .. }
            | InstKind::Convert { arg, .. }
            | InstKind::FloatUnary { arg, .. }
            | InstKind::FloatConvert { arg, .. } => vec![arg],
            InstKind::Binary { lhs, rhs, .. }
            | InstKind::Compare { lhs, rhs, .. }
            | InstKind::FloatBinary { lhs, rhs, .. }
            | InstKind::FloatCompare { lhs, rhs, .. } => vec![lhs, rhs],
            InstKind::Select { cond, if_true, if_false, .. } => vec![cond, if_true, if_false],
            InstKind::Load { addr, .. } | InstKind::BoundsCheck { addr, .. } => vec![addr],
            InstKind::Store { addr, value, .. } => vec![addr, value],
            InstKind::TrapIf { cond, .. } => vec![cond],
            InstKind::Call { callee, args, .. } => {
                let mut v = Vec::with_capacity(args.len() + 1);
                if let Callee::Indirect(p) = callee {
                    v.push(p);
                }
                v.extend(args.iter_mut());
                v
            }
        }
    }

    /// True when the instruction has an effect besides its results (memory,
    /// traps, calls), so dead-code elimination must keep it.
    pub fn has_side_effects(&self) -> bool {
        matches!(
            self,
            InstKind::Store { .. }
                | InstKind::BoundsCheck { .. }
                | InstKind::TrapIf { .. }
                | InstKind::Call { .. }
                | InstKind::StackCheck
                | InstKind::Load { .. }
        )
    }
}

impl Terminator {
    /// Values the terminator reads (condition/index, block args, returns).
    pub fn operands(&self) -> Vec<Value> {
        let mut v = Vec::new();
        match self {
            Terminator::Branch { cond, .. } => v.push(*cond),
            Terminator::BrTable { index, .. } => v.push(*index),
            Terminator::Return(vals) => v.extend_from_slice(vals),
            _ => {}
        }
        for c in self.block_calls() {
            v.extend_from_slice(&c.args);
        }
        v
    }
}
