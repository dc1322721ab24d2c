use super::*;
use crate::FunctionBuilder;

fn sig(params: &[Type], results: &[Type]) -> Signature {
    Signature { params: params.to_vec(), results: results.to_vec() }
}

/// `(a, b) -> a op b` of type `ty`.
fn binop_fn(op: BinaryOp, ty: Type) -> Function {
    let mut b = FunctionBuilder::new("binop", sig(&[ty, ty], &[ty]));
    let p = b.block_params(Function::ENTRY).to_vec();
    let r = b.binary(op, p[0], p[1]);
    b.terminate(Terminator::Return(vec![r]));
    b.finish()
}

fn run1(f: &Function, args: &[u64]) -> Result<u64, Exit> {
    Machine::new().run_simple(f, args).map(|v| v[0])
}

#[test]
fn i32_arith_wraps_and_masks() {
    let add = binop_fn(BinaryOp::Add, Type::I32);
    assert_eq!(run1(&add, &[0xffff_ffff, 1]), Ok(0));
    // High bits of i32 arguments are ignored.
    assert_eq!(run1(&add, &[0x1_0000_0005, 2]), Ok(7));
    let mul = binop_fn(BinaryOp::Mul, Type::I32);
    assert_eq!(run1(&mul, &[0x8000_0001, 2]), Ok(2));
    let sub = binop_fn(BinaryOp::Sub, Type::I64);
    assert_eq!(run1(&sub, &[0, 1]), Ok(u64::MAX));
}

#[test]
fn shifts_and_rotates_take_count_mod_width() {
    let cases32: &[(BinaryOp, u32, u32, u32)] = &[
        (BinaryOp::Shl, 1, 33, 2),
        (BinaryOp::ShrS, 0x8000_0000, 31, 0xffff_ffff),
        (BinaryOp::ShrS, 0x8000_0000, 32, 0x8000_0000),
        (BinaryOp::ShrU, 0x8000_0000, 63, 1),
        (BinaryOp::Rotl, 0x8000_0001, 1, 3),
        (BinaryOp::Rotr, 0x8000_0001, 1, 0xc000_0000),
        (BinaryOp::Rotr, 0x1234_5678, 32, 0x1234_5678),
    ];
    for &(op, a, b, want) in cases32 {
        let f = binop_fn(op, Type::I32);
        assert_eq!(run1(&f, &[a as u64, b as u64]), Ok(want as u64), "{op:?} {a:#x} {b}");
    }
    let cases64: &[(BinaryOp, u64, u64, u64)] = &[
        (BinaryOp::Shl, 1, 65, 2),
        (BinaryOp::ShrS, 1 << 63, 63, u64::MAX),
        (BinaryOp::ShrU, 1 << 63, 127, 1),
        (BinaryOp::Rotl, (1 << 63) | 1, 1, 3),
        (BinaryOp::Rotr, 1, 64 + 4, 1 << 60),
    ];
    for &(op, a, b, want) in cases64 {
        let f = binop_fn(op, Type::I64);
        assert_eq!(run1(&f, &[a, b]), Ok(want), "{op:?} {a:#x} {b}");
    }
}

#[test]
fn division_semantics_and_unguarded_division() {
    let rem = binop_fn(BinaryOp::RemS, Type::I32);
    assert_eq!(run1(&rem, &[0x8000_0000, 0xffff_ffff]), Ok(0));
    assert_eq!(run1(&rem, &[(-7i32) as u32 as u64, 2]), Ok((-1i32) as u32 as u64));
    let div = binop_fn(BinaryOp::DivS, Type::I32);
    assert_eq!(run1(&div, &[(-7i32) as u32 as u64, 2]), Ok((-3i32) as u32 as u64));
    assert!(matches!(run1(&div, &[0x8000_0000, 0xffff_ffff]), Err(Exit::Undefined(_))));
    let divu = binop_fn(BinaryOp::DivU, Type::I64);
    assert_eq!(run1(&divu, &[u64::MAX, 2]), Ok(u64::MAX / 2));
    assert!(matches!(run1(&divu, &[1, 0]), Err(Exit::Undefined(_))));
}

#[test]
fn unary_compare_convert() {
    assert_eq!(unary(UnaryOp::Clz, Type::I32, 0), Ok(32));
    assert_eq!(unary(UnaryOp::Ctz, Type::I64, 0), Ok(64));
    assert_eq!(unary(UnaryOp::Popcnt, Type::I32, 0xffff_ffff_0000_00ff), Ok(8));
    assert_eq!(unary(UnaryOp::Extend8S, Type::I32, 0x80), Ok(0xffff_ff80));
    assert_eq!(unary(UnaryOp::Extend16S, Type::I64, 0x8000), Ok(0xffff_ffff_ffff_8000));
    assert_eq!(unary(UnaryOp::Extend32S, Type::I64, 0x8000_0000), Ok(0xffff_ffff_8000_0000));
    assert!(compare(IntCC::LtS, Type::I32, 0xffff_ffff, 0));
    assert!(!compare(IntCC::LtU, Type::I32, 0xffff_ffff, 0));
    assert!(compare(IntCC::GeU, Type::I64, u64::MAX, 0));

    let mut b = FunctionBuilder::new("conv", sig(&[Type::I32], &[Type::I64, Type::I64, Type::I32]));
    let p = b.block_params(Function::ENTRY)[0];
    let s = b.inst1(InstKind::Convert { op: ConvertOp::ExtendS, arg: p }, Type::I64);
    let u = b.inst1(InstKind::Convert { op: ConvertOp::ExtendU, arg: p }, Type::I64);
    let big = b.iconst(Type::I64, 0x1_2345_6789);
    let w = b.inst1(InstKind::Convert { op: ConvertOp::Wrap, arg: big }, Type::I32);
    b.terminate(Terminator::Return(vec![s, u, w]));
    let f = b.finish();
    assert_eq!(Machine::new().run_simple(&f, &[0xffff_fffe]), Ok(vec![(-2i64) as u64, 0xffff_fffe, 0x2345_6789]));
}

/// `(addr) -> i64`: stores 0x8899aabbccddeeff at mem[addr] then loads
/// it back with several kinds.
#[test]
fn loads_and_stores_are_little_endian() {
    let mut b = FunctionBuilder::new("mem", sig(&[Type::I32], &[Type::I64, Type::I32, Type::I32, Type::I64]));
    let p = b.block_params(Function::ENTRY)[0];
    let base = b.symbol_addr(SymbolRef::Memory, 0);
    let a = b.binary(BinaryOp::Add, base, p);
    let v = b.iconst(Type::I64, 0x8899_aabb_ccdd_eeffu64 as i64);
    b.store(StoreKind::Full, a, v, 0);
    let l64 = b.load(Type::I64, LoadKind::Full, a, 0);
    let s8 = b.load(Type::I32, LoadKind::S8, a, 0);
    let u16 = b.load(Type::I32, LoadKind::U16, a, 1);
    let s32 = b.load(Type::I64, LoadKind::S32, a, 4);
    b.terminate(Terminator::Return(vec![l64, s8, u16, s32]));
    let f = b.finish();
    let mut m = Machine::new();
    m.set_memory(1, 1).unwrap();
    let r = m.run_simple(&f, &[3]).unwrap();
    assert_eq!(r, vec![0x8899_aabb_ccdd_eeff, 0xffff_ffff, 0xddee, 0xffff_ffff_8899_aabb]);
    let base = m.symbol_addr(SymbolRef::Memory).unwrap();
    assert_eq!(m.read(base + 3, 8).unwrap(), vec![0xff, 0xee, 0xdd, 0xcc, 0xbb, 0xaa, 0x99, 0x88]);
    // Past the region: a bad access, not a silent success.
    assert_eq!(m.run_simple(&f, &[65536 - 4]), Err(Exit::BadAccess { addr: base + 65536 - 4, len: 8 }));
}

#[test]
fn bounds_check_uses_memory_size_word() {
    let mut b = FunctionBuilder::new("bc", sig(&[Type::I32], &[]));
    let p = b.block_params(Function::ENTRY)[0];
    b.inst0(InstKind::BoundsCheck { addr: p, end: 4 });
    b.terminate(Terminator::Return(vec![]));
    let f = b.finish();
    let mut m = Machine::new();
    m.set_memory(2, 1).unwrap();
    assert_eq!(m.run_simple(&f, &[65532]), Ok(vec![]));
    assert_eq!(m.run_simple(&f, &[65533]), Err(Exit::Trap(TrapCode::MemoryOutOfBounds)));
    assert_eq!(m.run_simple(&f, &[0xffff_ffff]), Err(Exit::Trap(TrapCode::MemoryOutOfBounds)));
    m.set_symbol_u32(SymbolRef::MemorySize, 2 * 65536).unwrap();
    assert_eq!(m.run_simple(&f, &[65533]), Ok(vec![]));
}

/// Sum 1..=n with a loop and block parameters; exercises branches and fuel.
fn sum_loop() -> Function {
    let mut b = FunctionBuilder::new("sum", sig(&[Type::I32], &[Type::I32]));
    let n = b.block_params(Function::ENTRY)[0];
    let head = b.create_block();
    let i = b.append_block_param(head, Type::I32);
    let acc = b.append_block_param(head, Type::I32);
    let exit = b.create_block();
    let res = b.append_block_param(exit, Type::I32);
    let zero = b.iconst(Type::I32, 0);
    b.jump(head, vec![n, zero]);
    b.switch_to_block(head);
    let done = b.inst1(InstKind::Eqz { ty: Type::I32, arg: i }, Type::I32);
    let acc2 = b.binary(BinaryOp::Add, acc, i);
    let one = b.iconst(Type::I32, 1);
    let i2 = b.binary(BinaryOp::Sub, i, one);
    b.branch(done, BlockCall { block: exit, args: vec![acc] }, BlockCall { block: head, args: vec![i2, acc2] });
    b.switch_to_block(exit);
    b.terminate(Terminator::Return(vec![res]));
    b.finish()
}

#[test]
fn loops_and_fuel() {
    let f = sum_loop();
    assert_eq!(run1(&f, &[100]), Ok(5050));
    let mut m = Machine::new();
    m.fuel = 50;
    assert_eq!(m.run_simple(&f, &[100]), Err(Exit::OutOfFuel));
}

#[test]
fn br_table_select_and_traps() {
    let mut b = FunctionBuilder::new("bt", sig(&[Type::I32], &[Type::I32]));
    let idx = b.block_params(Function::ENTRY)[0];
    let t0 = b.create_block();
    let t1 = b.create_block();
    let dflt = b.create_block();
    let out = b.create_block();
    let r = b.append_block_param(out, Type::I32);
    b.terminate(Terminator::BrTable {
        index: idx,
        targets: vec![BlockCall { block: t0, args: vec![] }, BlockCall { block: t1, args: vec![] }],
        default: BlockCall { block: dflt, args: vec![] },
    });
    b.switch_to_block(t0);
    let c10 = b.iconst(Type::I32, 10);
    let c20 = b.iconst(Type::I32, 20);
    let s = b.inst1(InstKind::Select { ty: Type::I32, cond: idx, if_true: c10, if_false: c20 }, Type::I32);
    b.jump(out, vec![s]);
    b.switch_to_block(t1);
    b.trap_if(idx, TrapCode::IntegerOverflow);
    b.jump(out, vec![idx]);
    b.switch_to_block(dflt);
    b.terminate(Terminator::Trap(TrapCode::Unreachable));
    b.switch_to_block(out);
    b.terminate(Terminator::Return(vec![r]));
    let f = b.finish();
    assert_eq!(run1(&f, &[0]), Ok(20));
    assert_eq!(run1(&f, &[1]), Err(Exit::Trap(TrapCode::IntegerOverflow)));
    assert_eq!(run1(&f, &[2]), Err(Exit::Trap(TrapCode::Unreachable)));
    assert_eq!(run1(&f, &[0xffff_ffff]), Err(Exit::Trap(TrapCode::Unreachable)));
}

#[test]
fn calls_direct_indirect_host_and_depth() {
    let s1 = sig(&[Type::I32], &[Type::I32]);
    // func 0: calls func 1 directly, then indirectly through Func(2)'s address.
    let mut b = FunctionBuilder::new("f0", s1.clone());
    let p = b.block_params(Function::ENTRY)[0];
    let r1 = b.inst1(InstKind::Call { callee: Callee::Func(1), sig: s1.clone(), args: vec![p] }, Type::I32);
    let fp = b.symbol_addr(SymbolRef::Func(2), 0);
    let r2 = b.inst1(InstKind::Call { callee: Callee::Indirect(fp), sig: s1.clone(), args: vec![r1] }, Type::I32);
    b.terminate(Terminator::Return(vec![r2]));
    let f0 = b.finish();
    let mut env = ModuleEnv::new();
    env.add_func(1, binop_like_inc());
    env.add_host(2, |_, a| Ok(vec![a[0] * 3]));
    let mut m = Machine::new();
    assert_eq!(m.run(&f0, &[4], &mut env), Ok(vec![15]));
    assert_eq!(env.log, vec![(CallTarget::Func(1), vec![4]), (CallTarget::Func(2), vec![5])]);

    // Infinite recursion traps with StackOverflow.
    let mut b = FunctionBuilder::new("rec", s1.clone());
    let p = b.block_params(Function::ENTRY)[0];
    let r = b.inst1(InstKind::Call { callee: Callee::Func(0), sig: s1.clone(), args: vec![p] }, Type::I32);
    b.terminate(Terminator::Return(vec![r]));
    let rec = b.finish();
    let mut env = ModuleEnv::new();
    env.add_func(0, rec.clone());
    let mut m = Machine::new();
    m.max_depth = 100;
    assert_eq!(m.run(&rec, &[1], &mut env), Err(Exit::Trap(TrapCode::StackOverflow)));
    assert_eq!(env.log.len(), 100, "100 frames: the entry plus 99 nested calls, the 100th call traps");
    // The default depth limit is reached before the host (test thread) stack runs out.
    let mut m = Machine::new();
    assert_eq!(m.run(&rec, &[1], &mut env), Err(Exit::Trap(TrapCode::StackOverflow)));
    // Unknown callee: host error.
    assert!(matches!(Machine::new().run_simple(&f0, &[1]), Err(Exit::Host(_))));
}

fn binop_like_inc() -> Function {
    let mut b = FunctionBuilder::new("inc", sig(&[Type::I32], &[Type::I32]));
    let p = b.block_params(Function::ENTRY)[0];
    let one = b.iconst(Type::I32, 1);
    let r = b.binary(BinaryOp::Add, p, one);
    b.terminate(Terminator::Return(vec![r]));
    b.finish()
}

#[test]
fn code_addresses_round_trip() {
    for t in [CallTarget::Func(0), CallTarget::Func(77), CallTarget::Runtime(RuntimeFunc::MemoryGrow)] {
        let a = code_address(t);
        assert_eq!(a & 1, 1);
        assert_eq!(decode_code_address(a), t);
    }
    assert_eq!(decode_code_address(0x1234), CallTarget::Address(0x1234));
}

#[test]
fn malformed_ir_is_an_error_not_a_panic() {
    let mut f = binop_like_inc();
    // Use of a value that is never defined.
    f.blocks[0].term = Terminator::Return(vec![Value(99)]);
    assert!(matches!(Machine::new().run_simple(&f, &[1]), Err(Exit::Malformed(_))));
    let f = binop_like_inc();
    assert!(matches!(Machine::new().run_simple(&f, &[]), Err(Exit::Malformed(_))));
}

/// Mutable references to the operand values of an instruction.
fn operands_mut(kind: &mut InstKind) -> Vec<&mut Value> {
    match kind {
        InstKind::Unary { arg, .. } | InstKind::Eqz { arg, .. } | InstKind::Convert { arg, .. } => vec![arg],
        InstKind::Binary { lhs, rhs, .. } | InstKind::Compare { lhs, rhs, .. } => vec![lhs, rhs],
        InstKind::Select { cond, if_true, if_false, .. } => vec![cond, if_true, if_false],
        InstKind::Load { addr, .. } | InstKind::BoundsCheck { addr, .. } => vec![addr],
        InstKind::Store { addr, value, .. } => vec![addr, value],
        InstKind::TrapIf { cond, .. } => vec![cond],
        InstKind::Call { args, .. } => args.iter_mut().collect(),
        _ => vec![],
    }
}

/// Random operand and target mutations of valid functions: whatever the
/// verifier accepts, the interpreter runs without panicking and without
/// reporting malformed IR (the two agree on what well-formed means).
#[test]
fn verified_mutants_never_look_malformed_to_the_interpreter() {
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut rnd = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n.max(1) as u64) as usize
    };
    let bases = [sum_loop(), binop_fn(BinaryOp::RemS, Type::I64), binop_like_inc()];
    let (mut accepted, mut rejected) = (0, 0);
    for round in 0..3000 {
        let mut f = bases[round % bases.len()].clone();
        for _ in 0..1 + rnd(3) {
            let nvals = f.value_types.len() + 2;
            let b = rnd(f.blocks.len());
            let data = &mut f.blocks[b];
            let pick = rnd(data.insts.len() + 1);
            if pick < data.insts.len() {
                let mut ops = operands_mut(&mut data.insts[pick].kind);
                let k = rnd(ops.len());
                if let Some(v) = ops.get_mut(k) {
                    **v = Value(rnd(nvals) as u32);
                }
            } else {
                let nblocks = f.blocks.len() + 1;
                let data = &mut f.blocks[b];
                match &mut data.term {
                    Terminator::Return(vals) if !vals.is_empty() => vals[0] = Value(rnd(nvals) as u32),
                    Terminator::Branch { cond, then_dest, .. } => {
                        if rnd(2) == 0 {
                            *cond = Value(rnd(nvals) as u32);
                        } else {
                            then_dest.block = Block(rnd(nblocks) as u32);
                        }
                    }
                    Terminator::Jump(c) => {
                        if let Some(a) = c.args.first_mut() {
                            *a = Value(rnd(nvals) as u32);
                        }
                    }
                    _ => {}
                }
            }
        }
        if crate::verify::verify(&f).is_err() {
            rejected += 1;
            continue;
        }
        accepted += 1;
        let mut m = Machine::new();
        m.fuel = 10_000;
        for args in [[0u64, 0], [5, 3], [u64::MAX, 1]] {
            let args = &args[..f.sig.params.len()];
            let r = m.run_simple(&f, args);
            assert!(
                !matches!(r, Err(Exit::Malformed(_))),
                "verified IR reported malformed: {r:?}\n{}",
                crate::print::print(&f)
            );
        }
    }
    assert!(accepted > 100 && rejected > 100, "accepted {accepted}, rejected {rejected}");
}
