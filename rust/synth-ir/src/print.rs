//! Text form of the IR for logs, verifier messages and test expectations.
//!
//! Takes a [`Function`] (or one instruction / terminator) and returns text:
//!
//! ```text
//! function add1(i32) -> i32 {
//! block0(v0: i32):
//!     v1 = iconst.i32 1
//!     v2 = iadd.i32 v0, v1
//!     return v2
//! }
//! ```
//!
//! The form is for humans; there is no parser.

use crate::*;
use std::fmt::Write;

/// Renders `func` as text (one line per block header, instruction and
/// terminator).
pub fn print(func: &Function) -> String {
    let mut s = String::new();
    let _ = write!(s, "function {}{} {{", func.name, sig_to_string(&func.sig));
    s.push('\n');
    for (i, data) in func.blocks.iter().enumerate() {
        s.push_str(&block_header(func, Block(i as u32)));
        s.push('\n');
        for inst in &data.insts {
            s.push_str("    ");
            s.push_str(&inst_to_string(func, inst));
            s.push('\n');
        }
        s.push_str("    ");
        s.push_str(&term_to_string(&data.term));
        s.push('\n');
    }
    s.push_str("}\n");
    s
}

/// `(i32, i64) -> i32` style signature text.
pub fn sig_to_string(sig: &Signature) -> String {
    let params: Vec<&str> = sig.params.iter().map(|t| type_name(*t)).collect();
    let results: Vec<&str> = sig.results.iter().map(|t| type_name(*t)).collect();
    match results.len() {
        0 => format!("({})", params.join(", ")),
        1 => format!("({}) -> {}", params.join(", "), results[0]),
        _ => format!("({}) -> ({})", params.join(", "), results.join(", ")),
    }
}

/// `block3(v4: i32, v5: i64):`; types of values out of range print as `?`.
pub fn block_header(func: &Function, b: Block) -> String {
    let params: Vec<String> = func
        .blocks
        .get(b.0 as usize)
        .map(|d| d.params.as_slice())
        .unwrap_or(&[])
        .iter()
        .map(|v| format!("v{}: {}", v.0, value_type_name(func, *v)))
        .collect();
    if params.is_empty() {
        format!("block{}:", b.0)
    } else {
        format!("block{}({}):", b.0, params.join(", "))
    }
}

fn value_type_name(func: &Function, v: Value) -> &'static str {
    func.value_types.get(v.0 as usize).map_or("?", |t| type_name(*t))
}

/// `i32` / `i64`.
pub fn type_name(ty: Type) -> &'static str {
    match ty {
        Type::I32 => "i32",
        Type::I64 => "i64",
        Type::F32 => "f32",
        Type::F64 => "f64",
    }
}

/// Mnemonic of a binary operator (`iadd`, `sdiv`, `ishl`, ...).
pub fn binary_name(op: BinaryOp) -> &'static str {
    match op {
        BinaryOp::Add => "iadd",
        BinaryOp::Sub => "isub",
        BinaryOp::Mul => "imul",
        BinaryOp::DivS => "sdiv",
        BinaryOp::DivU => "udiv",
        BinaryOp::RemS => "srem",
        BinaryOp::RemU => "urem",
        BinaryOp::And => "band",
        BinaryOp::Or => "bor",
        BinaryOp::Xor => "bxor",
        BinaryOp::Shl => "ishl",
        BinaryOp::ShrS => "sshr",
        BinaryOp::ShrU => "ushr",
        BinaryOp::Rotl => "rotl",
        BinaryOp::Rotr => "rotr",
    }
}

/// Mnemonic of a unary operator.
pub fn unary_name(op: UnaryOp) -> &'static str {
    match op {
        UnaryOp::Clz => "clz",
        UnaryOp::Ctz => "ctz",
        UnaryOp::Popcnt => "popcnt",
        UnaryOp::Extend8S => "sextend8",
        UnaryOp::Extend16S => "sextend16",
        UnaryOp::Extend32S => "sextend32",
    }
}

/// Name of a condition code (`eq`, `slt`, `uge`, ...).
pub fn cc_name(cc: IntCC) -> &'static str {
    match cc {
        IntCC::Eq => "eq",
        IntCC::Ne => "ne",
        IntCC::LtS => "slt",
        IntCC::LtU => "ult",
        IntCC::GtS => "sgt",
        IntCC::GtU => "ugt",
        IntCC::LeS => "sle",
        IntCC::LeU => "ule",
        IntCC::GeS => "sge",
        IntCC::GeU => "uge",
    }
}

/// Short name of a symbol (`memory`, `global3`, `func7`, `runtime.memory_copy`).
pub fn symbol_name(sym: SymbolRef) -> String {
    match sym {
        SymbolRef::Memory => "memory".into(),
        SymbolRef::MemorySize => "memory_size".into(),
        SymbolRef::Global(i) => format!("global{i}"),
        SymbolRef::Table(i) => format!("table{i}"),
        SymbolRef::TableSize(i) => format!("table{i}_size"),
        SymbolRef::Func(i) => format!("func{i}"),
        SymbolRef::Runtime(r) => format!("runtime.{}", runtime_name(r)),
        SymbolRef::DataSegment(i) => format!("data{i}"),
        SymbolRef::DataSegmentLen(i) => format!("data{i}_len"),
        SymbolRef::ElemSegment(i) => format!("elem{i}"),
        SymbolRef::ElemSegmentLen(i) => format!("elem{i}_len"),
        SymbolRef::DataInitTable => "data_table".into(),
        SymbolRef::StackLimit => "stack_limit".into(),
        SymbolRef::Libcall(l) => l.symbol().into(),
    }
}

/// Snake-case name of a runtime function (`i64_div_s`, `memory_grow`).
pub fn runtime_name(r: RuntimeFunc) -> &'static str {
    match r {
        RuntimeFunc::I64DivS => "i64_div_s",
        RuntimeFunc::I64DivU => "i64_div_u",
        RuntimeFunc::I64RemS => "i64_rem_s",
        RuntimeFunc::I64RemU => "i64_rem_u",
        RuntimeFunc::MemoryCopy => "memory_copy",
        RuntimeFunc::MemoryFill => "memory_fill",
        RuntimeFunc::MemoryGrow => "memory_grow",
        RuntimeFunc::F32Sqrt => "f32_sqrt",
        RuntimeFunc::F64Sqrt => "f64_sqrt",
        RuntimeFunc::F32Ceil => "f32_ceil",
        RuntimeFunc::F32Floor => "f32_floor",
        RuntimeFunc::F32Trunc => "f32_trunc",
        RuntimeFunc::F32Nearest => "f32_nearest",
        RuntimeFunc::F64Ceil => "f64_ceil",
        RuntimeFunc::F64Floor => "f64_floor",
        RuntimeFunc::F64Trunc => "f64_trunc",
        RuntimeFunc::F64Nearest => "f64_nearest",
        RuntimeFunc::F32Min => "f32_min",
        RuntimeFunc::F32Max => "f32_max",
        RuntimeFunc::F64Min => "f64_min",
        RuntimeFunc::F64Max => "f64_max",
        RuntimeFunc::I32TruncSatF32S => "i32_trunc_sat_f32_s",
        RuntimeFunc::I32TruncSatF32U => "i32_trunc_sat_f32_u",
        RuntimeFunc::I32TruncSatF64S => "i32_trunc_sat_f64_s",
        RuntimeFunc::I32TruncSatF64U => "i32_trunc_sat_f64_u",
        RuntimeFunc::I64TruncSatF32S => "i64_trunc_sat_f32_s",
        RuntimeFunc::I64TruncSatF32U => "i64_trunc_sat_f32_u",
        RuntimeFunc::I64TruncSatF64S => "i64_trunc_sat_f64_s",
        RuntimeFunc::I64TruncSatF64U => "i64_trunc_sat_f64_u",
    }
}

fn trap_name(code: TrapCode) -> &'static str {
    match code {
        TrapCode::Unreachable => "unreachable",
        TrapCode::MemoryOutOfBounds => "heap_oob",
        TrapCode::IntegerDivideByZero => "int_divz",
        TrapCode::IntegerOverflow => "int_ovf",
        TrapCode::TableOutOfBounds => "table_oob",
        TrapCode::IndirectCallToNull => "null_call",
        TrapCode::BadSignature => "bad_sig",
        TrapCode::StackOverflow => "stk_ovf",
        TrapCode::BadConversionToInteger => "bad_toint",
        TrapCode::TableAccessOutOfBounds => "table_access_oob",
    }
}

fn vals(vs: &[Value]) -> String {
    vs.iter().map(|v| format!("v{}", v.0)).collect::<Vec<_>>().join(", ")
}

fn addr_off(addr: Value, offset: u32) -> String {
    if offset == 0 {
        format!("v{}", addr.0)
    } else {
        format!("v{}+{offset}", addr.0)
    }
}

/// One instruction, `v5 = iadd.i32 v4, v2` style (no indentation).
pub fn inst_to_string(func: &Function, inst: &Inst) -> String {
    let _ = func;
    let body = match &inst.kind {
        InstKind::Iconst { ty, imm } => format!("iconst.{} {imm}", type_name(*ty)),
        InstKind::SymbolAddr { sym, addend } => {
            if *addend == 0 {
                format!("symbol_addr {}", symbol_name(*sym))
            } else {
                format!("symbol_addr {}{addend:+}", symbol_name(*sym))
            }
        }
        InstKind::Unary { op, ty, arg } => format!("{}.{} v{}", unary_name(*op), type_name(*ty), arg.0),
        InstKind::Binary { op, ty, lhs, rhs } => {
            format!("{}.{} v{}, v{}", binary_name(*op), type_name(*ty), lhs.0, rhs.0)
        }
        InstKind::Compare { cc, ty, lhs, rhs } => {
            format!("icmp.{}.{} v{}, v{}", cc_name(*cc), type_name(*ty), lhs.0, rhs.0)
        }
        InstKind::Eqz { ty, arg } => format!("eqz.{} v{}", type_name(*ty), arg.0),
        InstKind::Convert { op, arg } => {
            let name = match op {
                ConvertOp::Wrap => "wrap",
                ConvertOp::ExtendS => "sextend",
                ConvertOp::ExtendU => "uextend",
            };
            format!("{name} v{}", arg.0)
        }
        InstKind::Select { ty, cond, if_true, if_false } => {
            format!("select.{} v{}, v{}, v{}", type_name(*ty), cond.0, if_true.0, if_false.0)
        }
        InstKind::Load { ty, kind, addr, offset } => {
            let k = match kind {
                LoadKind::Full => "",
                LoadKind::S8 => ".s8",
                LoadKind::U8 => ".u8",
                LoadKind::S16 => ".s16",
                LoadKind::U16 => ".u16",
                LoadKind::S32 => ".s32",
                LoadKind::U32 => ".u32",
            };
            format!("load{k}.{} {}", type_name(*ty), addr_off(*addr, *offset))
        }
        InstKind::Store { kind, addr, value, offset } => {
            let k = match kind {
                StoreKind::Full => "",
                StoreKind::B8 => ".b8",
                StoreKind::B16 => ".b16",
                StoreKind::B32 => ".b32",
            };
            format!("store{k} v{}, {}", value.0, addr_off(*addr, *offset))
        }
        InstKind::BoundsCheck { addr, end } => format!("bounds_check v{}, {end}", addr.0),
        InstKind::TrapIf { cond, code } => format!("trap_if v{}, {}", cond.0, trap_name(*code)),
        InstKind::Call { callee, sig, args } => {
            let target = match callee {
                Callee::Func(i) => format!("call func{i}"),
                Callee::Runtime(r) => format!("call runtime.{}", runtime_name(*r)),
                Callee::Indirect(v) => format!("call_indirect v{}", v.0),
                Callee::Libcall(l) => format!("call {}", l.symbol()),
            };
            format!("{target}({}) {}", vals(args), sig_to_string(sig))
        }
        InstKind::StackCheck => "stack_check".into(),
        InstKind::Fconst { ty, bits } => format!("fconst.{} {bits:#x}", type_name(*ty)),
        InstKind::FloatUnary { op, ty, arg } => {
            format!("{}.{} v{}", format!("{op:?}").to_lowercase(), type_name(*ty), arg.0)
        }
        InstKind::FloatBinary { op, ty, lhs, rhs } => {
            format!("f{}.{} v{}, v{}", format!("{op:?}").to_lowercase(), type_name(*ty), lhs.0, rhs.0)
        }
        InstKind::FloatCompare { cc, ty, lhs, rhs } => {
            format!("fcmp.{}.{} v{}, v{}", format!("{cc:?}").to_lowercase(), type_name(*ty), lhs.0, rhs.0)
        }
        InstKind::FloatConvert { op, to, arg } => {
            format!("{}.{} v{}", format!("{op:?}").to_lowercase(), type_name(*to), arg.0)
        }
    };
    if inst.results.is_empty() {
        body
    } else {
        format!("{} = {body}", vals(&inst.results))
    }
}

/// `block1(v2, v3)` (no parentheses without arguments).
pub fn block_call_to_string(c: &BlockCall) -> String {
    if c.args.is_empty() {
        format!("block{}", c.block.0)
    } else {
        format!("block{}({})", c.block.0, vals(&c.args))
    }
}

/// A terminator: `jump block1(v2)`, `brif v3, block1, block2`,
/// `br_table v0, [block1, block2], block3`, `return v1`, `trap unreachable`.
pub fn term_to_string(t: &Terminator) -> String {
    match t {
        Terminator::Jump(c) => format!("jump {}", block_call_to_string(c)),
        Terminator::Branch { cond, then_dest, else_dest } => {
            format!("brif v{}, {}, {}", cond.0, block_call_to_string(then_dest), block_call_to_string(else_dest))
        }
        Terminator::BrTable { index, targets, default } => {
            let ts: Vec<String> = targets.iter().map(block_call_to_string).collect();
            format!("br_table v{}, [{}], {}", index.0, ts.join(", "), block_call_to_string(default))
        }
        Terminator::Return(vs) if vs.is_empty() => "return".into(),
        Terminator::Return(vs) => format!("return {}", vals(vs)),
        Terminator::Trap(code) => format!("trap {}", trap_name(*code)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FunctionBuilder;

    #[test]
    fn prints_a_small_function() {
        let sig = Signature { params: vec![Type::I32, Type::I64], results: vec![Type::I32] };
        let mut b = FunctionBuilder::new("demo", sig);
        let p = b.block_params(Function::ENTRY).to_vec();
        let exit = b.create_block();
        let r = b.append_block_param(exit, Type::I32);
        let mem = b.symbol_addr(SymbolRef::Memory, 16);
        let a = b.binary(BinaryOp::Add, mem, p[0]);
        let x = b.load(Type::I32, LoadKind::U8, a, 4);
        b.store(StoreKind::B16, a, x, 0);
        let w = b.inst1(InstKind::Convert { op: ConvertOp::Wrap, arg: p[1] }, Type::I32);
        let c = b.compare(IntCC::LtU, x, w);
        b.trap_if(c, TrapCode::IntegerDivideByZero);
        b.branch(c, BlockCall { block: exit, args: vec![x] }, BlockCall { block: exit, args: vec![w] });
        b.switch_to_block(exit);
        b.terminate(Terminator::Return(vec![r]));
        let text = print(&b.finish());
        let want = "\
function demo(i32, i64) -> i32 {
block0(v0: i32, v1: i64):
    v3 = symbol_addr memory+16
    v4 = iadd.i32 v3, v0
    v5 = load.u8.i32 v4+4
    store.b16 v5, v4
    v6 = wrap v1
    v7 = icmp.ult.i32 v5, v6
    trap_if v7, int_divz
    brif v7, block1(v5), block1(v6)
block1(v2: i32):
    return v2
}
";
        assert_eq!(text, want);
    }

    #[test]
    fn prints_calls_and_tables() {
        let sig = Signature { params: vec![Type::I32], results: vec![] };
        let mut b = FunctionBuilder::new("t", sig.clone());
        let p = b.block_params(Function::ENTRY)[0];
        let callee_sig = Signature { params: vec![Type::I32], results: vec![Type::I64, Type::I32] };
        let rs =
            b.inst(InstKind::Call { callee: Callee::Func(3), sig: callee_sig, args: vec![p] }, &[Type::I64, Type::I32]);
        assert_eq!(
            inst_to_string(b.func(), &b.func().blocks[0].insts[0]),
            format!("v{}, v{} = call func3(v0) (i32) -> (i64, i32)", rs[0].0, rs[1].0)
        );
        let t = Terminator::BrTable {
            index: p,
            targets: vec![BlockCall { block: Block(1), args: vec![] }],
            default: BlockCall { block: Block(2), args: vec![p] },
        };
        assert_eq!(term_to_string(&t), "br_table v0, [block1], block2(v0)");
        assert_eq!(term_to_string(&Terminator::Return(vec![])), "return");
    }
}
